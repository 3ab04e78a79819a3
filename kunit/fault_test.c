// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite toyalloc_fault: every allocation path, failed at its 1st,
 * 2nd, ... nth memory request through the kernel's fault injection
 * (current->fail_nth, fault.c), must return a clean error and leave
 * nothing behind; the first n that does not fail is the path's success.
 * How many requests a path makes is its own business: the cases assert
 * only the least it must make, so that they hold when a path changes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/vmstat.h>

#include "../module/internal.h"
#include "helpers.h"

/* Order-10 blocks are freed straight to the buddy lists: none may be missing. */
#define LEAK_SLACK_PAGES	(TOY_BLOCK_PAGES / 2)

static void fault_test_needs_injection(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_FAULT_INJECTION))
		kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
}

static void fail_nth(unsigned int n)
{
#ifdef CONFIG_FAULT_INJECTION
	WRITE_ONCE(current->fail_nth, n);
#endif
}

static void fault_test_zone_create(struct kunit *test)
{
	unsigned long before = global_zone_page_state(NR_FREE_PAGES);
	struct toy_zone *zone;
	unsigned int n;

	fault_test_needs_injection(test);
	for (n = 1; n < 100; n++) {
		fail_nth(n);
		zone = toy_zone_create("kunit", 2, 0);
		fail_nth(0);
		if (!IS_ERR(zone))
			break;
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(zone), -ENOMEM, "failing request %u", n);
		KUNIT_EXPECT_GT_MSG(test, global_zone_page_state(NR_FREE_PAGES) +
				    LEAK_SLACK_PAGES, before, "failing request %u", n);
	}
	/* At least the zone and its 2 blocks were requests that failed cleanly. */
	KUNIT_EXPECT_GT(test, n, 3U);
	KUNIT_ASSERT_FALSE(test, IS_ERR(zone));
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
	toy_zone_destroy(zone);
	KUNIT_EXPECT_GT(test, global_zone_page_state(NR_FREE_PAGES) + LEAK_SLACK_PAGES,
			before);
}

struct fault_test {
	struct toy_zone *zone;
	struct toy_caches caches;
};

static int fault_test_init(struct kunit *test)
{
	struct fault_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	test->priv = t;
	t->zone = toy_zone_create("kunit", 2, 0);
	if (IS_ERR(t->zone))
		return PTR_ERR(t->zone);
	toy_caches_init(&t->caches, t->zone, 0);
	return 0;
}

static void fault_test_exit(struct kunit *test)
{
	struct fault_test *t = test->priv;

	if (t)	/* NULL when .init could not allocate it */
		toy_test_destroy_caches_and_zone(test, &t->caches, t->zone);
}

static void fault_test_cache_create(struct kunit *test)
{
	struct fault_test *t = test->priv;
	struct toy_cache *cache;
	unsigned int n;

	fault_test_needs_injection(test);
	for (n = 1; n < 100; n++) {
		fail_nth(n);
		cache = toy_cache_create(&t->caches, "kunit-fault", 256, 0, 0, NULL);
		fail_nth(0);
		if (!IS_ERR(cache))
			break;
		KUNIT_EXPECT_EQ(test, PTR_ERR(cache), -ENOMEM);
		KUNIT_EXPECT_TRUE(test, list_empty(&t->caches.list));
	}
	/* At least the cache and its per-CPU arrays failed cleanly. */
	KUNIT_EXPECT_GT(test, n, 2U);
	KUNIT_ASSERT_FALSE(test, IS_ERR(cache));
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

static void fault_test_slab_growth(struct kunit *test)
{
	struct fault_test *t = test->priv;
	struct toy_cache *cache;
	void *obj;

	fault_test_needs_injection(test);
	cache = toy_cache_create(&t->caches, "kunit-fault", 512, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	fail_nth(1);
	obj = toy_cache_alloc(cache, GFP_NOWAIT);
	fail_nth(0);
	KUNIT_EXPECT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(t->zone), toy_zone_nr_pages(t->zone));
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);

	obj = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
}

static void fault_test_kmalloc(struct kunit *test)
{
	struct fault_test *t = test->priv;
	unsigned int n;
	struct toy_kmalloc km;
	void *ptr;
	int ret;

	fault_test_needs_injection(test);
	for (n = 1; n < 100; n++) {
		fail_nth(n);
		ret = toy_kmalloc_init(&km, &t->caches);
		fail_nth(0);
		if (!ret)
			break;
		KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
		KUNIT_EXPECT_TRUE(test, list_empty(&t->caches.list));
	}
	/* At least each class's cache and per-CPU arrays failed cleanly. */
	KUNIT_EXPECT_GT(test, n, 2U * TOY_KMALLOC_CLASSES);
	KUNIT_ASSERT_EQ(test, ret, 0);

	/* A large request is one buddy block: its one request fails. */
	fail_nth(1);
	ptr = toy_kmalloc_alloc(&km, 20000, 0);
	fail_nth(0);
	KUNIT_EXPECT_NULL(test, ptr);
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(t->zone), toy_zone_nr_pages(t->zone));
	ptr = toy_kmalloc_alloc(&km, 20000, 0);
	KUNIT_ASSERT_NOT_NULL(test, ptr);
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, ptr), 0);
	toy_kmalloc_exit(&km);
}

static struct kunit_case fault_test_cases[] = {
	KUNIT_CASE(fault_test_zone_create),
	KUNIT_CASE(fault_test_cache_create),
	KUNIT_CASE(fault_test_slab_growth),
	KUNIT_CASE(fault_test_kmalloc),
	{}
};

static struct kunit_suite fault_test_suite = {
	.name = "toyalloc_fault",
	.init = fault_test_init,
	.exit = fault_test_exit,
	.test_cases = fault_test_cases,
};

kunit_test_suites(&fault_test_suite);
