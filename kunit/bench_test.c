// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite toyalloc_bench: the benchmark of module/bench.c runs.
 *
 * A benchmark is not a test: by default this runs every benchmark once on
 * a tiny setting, to prove that each produces a measurement on both sides.
 * scripts/bench.sh runs the same case with toyalloc_kunit.bench_ops=N on
 * the kernel command line for real numbers, printed as "bench:" lines.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/module.h>

#include "../module/ctl/ctl.h"

static unsigned long bench_ops = 1024;
module_param(bench_ops, ulong, 0444);
MODULE_PARM_DESC(bench_ops, "operations per timed loop of toyalloc_bench");

static unsigned int bench_reps = 1;
module_param(bench_reps, uint, 0444);
MODULE_PARM_DESC(bench_reps, "repetitions of toyalloc_bench");

struct bench_seen {
	struct kunit *test;
	unsigned int results;
};

static void bench_check(const struct toy_bench_result *r, void *priv)
{
	struct bench_seen *seen = priv;

	KUNIT_EXPECT_GT_MSG(seen->test, r->toy_ps, 0ULL, "%s", r->name);
	KUNIT_EXPECT_GT_MSG(seen->test, r->kernel_ps, 0ULL, "%s", r->name);
	toy_bench_print(r, NULL);
	seen->results++;
}

static void bench_test_runs(struct kunit *test)
{
	struct toy_bench_config cfg = { bench_ops, bench_reps };
	struct bench_seen seen = { test, 0 };

	KUNIT_ASSERT_EQ(test, toy_bench_run(&cfg, bench_check, &seen), 0);
	/*
	 * The floor, 2 hot, 8 batch, 4 kmalloc, 11 page orders, a zeroed one,
	 * a page batch; 3 more on SMP.
	 */
	KUNIT_EXPECT_EQ(test, seen.results, num_online_cpus() > 1 ? 31U : 28U);
	cfg.ops = 10;
	KUNIT_EXPECT_EQ(test, toy_bench_run(&cfg, bench_check, &seen), -EINVAL);
}

static struct kunit_case bench_test_cases[] = {
	KUNIT_CASE(bench_test_runs),
	{}
};

static struct kunit_suite bench_test_suite = {
	.name = "toyalloc_bench",
	.test_cases = bench_test_cases,
};

kunit_test_suites(&bench_test_suite);
