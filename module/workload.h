/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_WORKLOAD_H
#define _TOYALLOC_WORKLOAD_H

#include <linux/types.h>

struct toy_kmalloc;
struct toy_zone;

/* Live allocations a workload may hold at once. */
#define TOY_WORKLOAD_MAX_LIVE	4096
/* Operations one run may do. */
#define TOY_WORKLOAD_MAX_OPS	10000000

/**
 * struct toy_work_item - one allocation a workload holds
 * @ptr: the memory
 * @order: the buddy order of a page block, or -1 for a toy_kmalloc object
 */
struct toy_work_item {
	void *ptr;
	int order;
};

/**
 * struct toy_workload - a seeded random mix of page blocks and objects
 * @zone: where page blocks come from
 * @km: where objects come from
 * @nr_live: allocations held in @live
 * @live: what the workload holds between runs, until released
 */
struct toy_workload {
	struct toy_zone *zone;
	struct toy_kmalloc *km;
	unsigned int nr_live;
	struct toy_work_item *live;
};

/**
 * struct toy_workload_result - what one run did
 * @ops: operations done
 * @allocs: successful allocations
 * @frees: frees
 * @failures: allocations that found no memory
 * @live: allocations held at the end
 * @ns: time taken
 */
struct toy_workload_result {
	unsigned long ops;
	unsigned long allocs;
	unsigned long frees;
	unsigned long failures;
	unsigned int live;
	u64 ns;
};

int toy_workload_init(struct toy_workload *w, struct toy_zone *zone,
		      struct toy_kmalloc *km);
void toy_workload_exit(struct toy_workload *w);
int toy_workload_run(struct toy_workload *w, u32 seed, unsigned long ops,
		     struct toy_workload_result *result);
unsigned int toy_workload_release(struct toy_workload *w);

#endif /* _TOYALLOC_WORKLOAD_H */
