/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_BENCH_H
#define _TOYALLOC_BENCH_H

#include <linux/types.h>

#define TOY_BENCH_NAME_LEN	32
#define TOY_BENCH_MAX_OPS	1000000UL

/**
 * struct toy_bench_config - how long to measure
 * @ops: operations per timed loop, 1024..TOY_BENCH_MAX_OPS
 * @reps: timed repetitions of each side, 1..15
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

#endif /* _TOYALLOC_BENCH_H */
