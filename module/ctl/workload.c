// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc workloads: make the allocators work, reproducibly
 *
 * A run of N operations draws from a pseudo-random sequence seeded by the
 * caller, so the same seed on the same zone gives the same run.  Each
 * operation allocates with probability 3/5 (while fewer than
 * TOY_WORKLOAD_MAX_LIVE allocations are held) and otherwise frees a held
 * allocation chosen at random.  Allocations are, with even odds, a page
 * block whose order halves in likelihood at each step up (order 0 one time
 * in two, order 1 one in four, ...), or a toy_kmalloc object of a size
 * spread evenly on a log scale from 8 bytes to 16 KiB.  Random frees among
 * blocks of mixed sizes leave holes: this is what fragments the zone.
 * What a run holds at its end stays held until toy_workload_release(), so
 * the fragmented state can be looked at.  It allocates as callers that
 * cannot sleep do (GFP_NOWAIT): a failure is the fragmentation itself, not
 * hidden by the reclaim an allocation that may sleep would make.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "ctl.h"

/**
 * toy_workload_init() - prepare an empty workload
 * @w: the workload
 * @zone: the zone page blocks come from
 * @km: the size classes objects come from (over the same zone)
 *
 * Return: 0 or -ENOMEM.
 */
int toy_workload_init(struct toy_workload *w, struct toy_zone *zone,
		      struct toy_kmalloc *km)
{
	w->zone = zone;
	w->km = km;
	w->nr_live = 0;
	w->live = kvcalloc(TOY_WORKLOAD_MAX_LIVE, sizeof(*w->live), GFP_KERNEL);
	return w->live ? 0 : -ENOMEM;
}

/**
 * toy_workload_exit() - release what the workload holds and free it
 * @w: the workload
 */
void toy_workload_exit(struct toy_workload *w)
{
	toy_workload_release(w);
	kvfree(w->live);
}

static void toy_work_free(struct toy_workload *w, struct toy_work_item *item)
{
	if (item->order < 0)
		toy_kmalloc_free(w->km, item->ptr);
	else
		toy_zone_free(w->zone, item->ptr, item->order);
}

static bool toy_work_alloc(struct toy_workload *w, struct rnd_state *rnd,
			   struct toy_work_item *item)
{
	u32 r = prandom_u32_state(rnd);

	if (r & 1) {
		item->order = min_t(int, TOY_MAX_ORDER, __ffs((r >> 1) | BIT(30)));
		item->ptr = toy_zone_alloc(w->zone, item->order, GFP_NOWAIT);
	} else {
		/* 8 << (0..11) scaled by 1..2: 8 bytes to 16 KiB, log-even. */
		size_t size = 8UL << ((r >> 8) % 11);

		size += size * ((r >> 16) & 0xff) / 256;
		item->order = -1;
		item->ptr = toy_kmalloc_alloc(w->km, size, GFP_NOWAIT);
	}
	return item->ptr;
}

/**
 * toy_workload_run() - run a seeded random workload
 * @w: the workload; what it already holds may be freed by the run
 * @seed: seed of the pseudo-random sequence
 * @ops: operations to do, 1..TOY_WORKLOAD_MAX_OPS
 * @result: what the run did
 *
 * May sleep: it yields the CPU every 1024 operations, and stops early when
 * the task is killed (@result counts what was done).
 *
 * Return: 0, or -EINVAL for @ops out of range.
 */
int toy_workload_run(struct toy_workload *w, u32 seed, unsigned long ops,
		     struct toy_workload_result *result)
{
	struct rnd_state rnd;
	unsigned int i;
	u64 start;

	if (!ops || ops > TOY_WORKLOAD_MAX_OPS)
		return -EINVAL;
	*result = (struct toy_workload_result){ 0 };
	prandom_seed_state(&rnd, seed);
	start = ktime_get_ns();
	for (result->ops = 0; result->ops < ops; result->ops++) {
		if (!w->nr_live || (w->nr_live < TOY_WORKLOAD_MAX_LIVE &&
				    prandom_u32_state(&rnd) % 5 < 3)) {
			if (toy_work_alloc(w, &rnd, &w->live[w->nr_live])) {
				w->nr_live++;
				result->allocs++;
			} else {
				result->failures++;
			}
		} else {
			i = prandom_u32_state(&rnd) % w->nr_live;
			toy_work_free(w, &w->live[i]);
			w->live[i] = w->live[--w->nr_live];
			result->frees++;
		}
		if ((result->ops & 1023) == 1023) {
			cond_resched();
			if (fatal_signal_pending(current))
				break;
		}
	}
	result->ns = ktime_get_ns() - start;
	result->live = w->nr_live;
	return 0;
}

/**
 * toy_workload_release() - free everything the workload holds
 * @w: the workload
 *
 * Return: the number of allocations freed.
 */
unsigned int toy_workload_release(struct toy_workload *w)
{
	unsigned int released = w->nr_live;

	while (w->nr_live)
		toy_work_free(w, &w->live[--w->nr_live]);
	return released;
}
