/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc_ctl: the control device, the workload generator and the
 * benchmark, a client of toyalloc's exported API (include/toyalloc.h).
 */
#ifndef _TOYALLOC_CTL_H
#define _TOYALLOC_CTL_H

#include <linux/types.h>

#include <toyalloc.h>

/* Longest command accepted by /dev/toyalloc, newline included. */
#define TOY_CTL_LINE_MAX	128
#define TOY_CTL_MAX_ARGS	3

enum toy_ctl_verb {
	TOY_CTL_ALLOC,
	TOY_CTL_FREE,
	TOY_CTL_KMALLOC,
	TOY_CTL_CACHE_CREATE,
	TOY_CTL_CACHE_DESTROY,
	TOY_CTL_CACHE_ALLOC,
	TOY_CTL_WORKLOAD,
	TOY_CTL_RELEASE,
	TOY_CTL_SHRINK,
	TOY_CTL_VALIDATE,
	TOY_CTL_BENCH,
	TOY_CTL_HELP,
	TOY_CTL_NR_VERBS
};

/**
 * struct toy_ctl_cmd - one parsed /dev/toyalloc command
 * @verb: what to do
 * @name: the cache name, for the verbs that take one
 * @args: the unsigned arguments, in order
 */
struct toy_ctl_cmd {
	enum toy_ctl_verb verb;
	char name[TOY_CACHE_NAME_LEN];
	unsigned int args[TOY_CTL_MAX_ARGS];
};

int toy_ctl_parse(char *line, struct toy_ctl_cmd *cmd);

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

#define TOY_BENCH_NAME_LEN	32
#define TOY_BENCH_MIN_OPS	1024
#define TOY_BENCH_MAX_OPS	1000000
#define TOY_BENCH_MAX_REPS	15

/**
 * struct toy_bench_config - how long to measure
 * @ops: operations per timed loop, TOY_BENCH_MIN_OPS..TOY_BENCH_MAX_OPS
 * @reps: timed repetitions of each side, 1..TOY_BENCH_MAX_REPS
 */
struct toy_bench_config {
	unsigned long ops;
	unsigned int reps;
};

/**
 * struct toy_bench_result - one benchmark, both sides
 * @name: the benchmark
 * @toy_ps: median picoseconds per operation, toyalloc
 * @kernel_ps: median picoseconds per operation, the kernel's allocator
 * @toy_spread: (max - min) / median of toyalloc's repetitions, permille
 * @kernel_spread: the same for the kernel
 */
struct toy_bench_result {
	char name[TOY_BENCH_NAME_LEN];
	u64 toy_ps;
	u64 kernel_ps;
	u32 toy_spread;
	u32 kernel_spread;
};

typedef void (*toy_bench_emit_t)(const struct toy_bench_result *r, void *priv);

int toy_bench_run(const struct toy_bench_config *cfg, toy_bench_emit_t emit,
		  void *priv);
void toy_bench_print(const struct toy_bench_result *r, void *priv);

#endif /* _TOYALLOC_CTL_H */
