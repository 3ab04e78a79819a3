// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite toyalloc_debug: misuse caught and survived.
 *
 * Each case corrupts memory on purpose, the way lib/slub_kunit.c does, and
 * counts toyalloc's reports through the named resource "toyalloc_reports"
 * (report.c): the exact number of reports is asserted, then a validation
 * pass must find nothing and the cache or zone must keep working.  The
 * deliberate stray accesses run with KASAN disabled for the task, so that
 * under KASAN only toyalloc's own checks see them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "../module/internal.h"
#include "helpers.h"

struct debug_test {
	struct toy_zone *zone;
	struct toy_caches caches;
	struct kunit_resource resource;
	int reports;
};

static struct debug_test *ctx(struct kunit *test)
{
	return test->priv;
}

static int debug_test_init(struct kunit *test)
{
	struct debug_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	test->priv = t;
	/* The default zone's flags with page_poison=1; pinned for the lists. */
	t->zone = toy_zone_create("kunit", 2, TOY_ZONE_POISON | TOY_ZONE_PCP);
	if (IS_ERR(t->zone))
		return PTR_ERR(t->zone);
	toy_test_pin_to_this_cpu(test);
	toy_caches_init(&t->caches, t->zone, 0);
	kunit_add_named_resource(test, NULL, NULL, &t->resource,
				 TOY_REPORTS_RESOURCE, &t->reports);
	return 0;
}

static void debug_test_exit(struct kunit *test)
{
	struct debug_test *t = ctx(test);

	if (t)	/* NULL when .init could not allocate it */
		toy_test_destroy_caches_and_zone(test, &t->caches, t->zone);
}

static struct toy_cache *debug_cache(struct kunit *test, unsigned int size,
				     unsigned long flags)
{
	struct toy_cache *cache;

	cache = toy_cache_create(&ctx(test)->caches, "kunit-debug", size, 0, flags, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	return cache;
}

/* Write @value at @p with KASAN looking away: the stray write is the test. */
static void stray_write(u8 *p, u8 value)
{
	kasan_disable_current();
	WRITE_ONCE(*p, value);
	kasan_enable_current();
}

static void debug_test_write_past_end(struct kunit *test)
{
	struct toy_cache *cache = debug_cache(test, 60, TOY_SLAB_RED_ZONE |
					      TOY_SLAB_CONSISTENCY_CHECKS);
	u8 *obj = toy_cache_alloc(cache, GFP_NOWAIT);

	toy_test_pin_to_this_cpu(test);

	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, cache->red_zone, 12U);
	stray_write(obj + 60, 0x42);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 1);
	/* The red zone was restored: the object comes back without a report. */
	KUNIT_EXPECT_PTR_EQ(test, toy_cache_alloc(cache, GFP_NOWAIT), (void *)obj);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 1);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

static void debug_test_write_after_free(struct kunit *test)
{
	struct toy_cache *cache = debug_cache(test, 64, TOY_SLAB_POISON |
					      TOY_SLAB_RED_ZONE |
					      TOY_SLAB_CONSISTENCY_CHECKS);
	u8 *obj = toy_cache_alloc(cache, GFP_NOWAIT);

	toy_test_pin_to_this_cpu(test);

	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
	KUNIT_EXPECT_EQ(test, obj[10], (u8)POISON_FREE);
	stray_write(obj + 10, 0);
	KUNIT_EXPECT_PTR_EQ(test, toy_cache_alloc(cache, GFP_NOWAIT), (void *)obj);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 1);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 1);
}

/*
 * Where a slab keeps its in-slab bitmap (slab.c): in its head page, or
 * after the free-object bitmap in the management object the page names.
 */
static unsigned long *in_slab_map(struct kunit *test, struct toy_cache *cache,
				  struct toy_page *head)
{
	if (cache->maps_in_page)
		return &head->slab.maps[1];
	return (unsigned long *)head->slab.maps[0] + BITS_TO_LONGS(cache->num);
}

/*
 * A stray write marks an object that is held as in its slab: the slab is
 * caught handing it out, isolated with one report, and given back once
 * its objects are; nothing is handed out twice.
 */
static void expect_corrupt_bitmap_caught(struct kunit *test, unsigned int size,
					 bool maps_in_page)
{
	struct toy_cache *cache = debug_cache(test, size, 0);
	unsigned int i, n = 2 * cache->num, idx;
	struct toy_page *head;
	unsigned long *in_slab;
	void **objs;
	u8 *byte;

	KUNIT_ASSERT_EQ(test, cache->maps_in_page, maps_in_page);
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	objs[0] = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	head = toy_zone_block_head(ctx(test)->zone, objs[0]);
	KUNIT_ASSERT_LT(test, head->inuse, cache->num);
	in_slab = in_slab_map(test, cache, head);
	idx = (objs[0] - toy_page_to_virt(ctx(test)->zone, head) -
	       head->s_mem) / cache->size;
	byte = (u8 *)&in_slab[BIT_WORD(idx)] + (idx % BITS_PER_LONG) / 8;
	stray_write(byte, *byte | BIT(idx % 8));

	for (i = 1; i < n; i++) {
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_ASSERT_PTR_NE(test, objs[i], objs[0]);
	}
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 1);
	KUNIT_EXPECT_TRUE(test, head->state.slab_broken);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[i]), 0);
	toy_cache_shrink(cache);
	/* The isolated slab went back to the zone with its last object. */
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&cache->slabs_broken));
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 1);
}

/* Bitmaps in the slab's head page (64 objects of 64 bytes)... */
static void debug_test_corrupt_bitmap_in_page(struct kunit *test)
{
	expect_corrupt_bitmap_caught(test, 64, true);
}

/* ...and in a management object (256 objects of 16 bytes). */
static void debug_test_corrupt_bitmap_off_page(struct kunit *test)
{
	expect_corrupt_bitmap_caught(test, 16, false);
}

/* A bit set past the last object of a slab is found by the validator. */
static void debug_test_bitmap_past_last_object(struct kunit *test)
{
	/* 170 objects with 4 KiB pages: bits 170..191 of the maps are spare. */
	struct toy_cache *cache = debug_cache(test, 24, 0);
	void *obj = toy_cache_alloc(cache, GFP_NOWAIT);
	unsigned int past = cache->num + 1;
	struct toy_page *head;
	u8 *byte, saved;

	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_ASSERT_LT(test, past, (unsigned int)(BITS_TO_LONGS(cache->num) * BITS_PER_LONG));
	head = toy_zone_block_head(ctx(test)->zone, obj);
	byte = (u8 *)&in_slab_map(test, cache, head)[BIT_WORD(past)] +
		(past % BITS_PER_LONG) / 8;
	saved = *byte;
	stray_write(byte, saved | BIT(past % 8));
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), -EUCLEAN);
	stray_write(byte, saved);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
}

static void debug_test_double_free(struct kunit *test)
{
	struct toy_cache *cache = debug_cache(test, 128, 0);
	void *obj = toy_cache_alloc(cache, GFP_NOWAIT);

	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 2);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

/*
 * Double frees of an object of a cache with its bitmaps off the page, held
 * in this CPU's array and back in its slab, each caught, and only they.
 */
static void debug_test_double_free_off_page(struct kunit *test)
{
	struct toy_cache *cache = debug_cache(test, 8, 0);
	void *a, *b;

	KUNIT_ASSERT_FALSE(test, cache->maps_in_page);
	/* One object per CPU array, none shared: the second free flushes. */
	KUNIT_ASSERT_EQ(test, toy_cache_tune(cache, 1, 1, 0), 0);
	a = toy_cache_alloc(cache, GFP_NOWAIT);
	b = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, a), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, a), -EINVAL);	/* in the array */
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 1);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, b), 0);	/* a back to its slab */
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, a), -EINVAL);	/* in the slab */
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, b), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, b + 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 4);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	KUNIT_EXPECT_EQ(test, cache->free_objects, (unsigned long)cache->num - 1);
	/* Both come back, once each. */
	a = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, a), 0);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 4);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

static void debug_test_owner_tracking(struct kunit *test)
{
	struct toy_cache *cache = debug_cache(test, 32, TOY_SLAB_STORE_USER);
	struct toy_track *alloc, *free;
	void *obj = toy_cache_alloc(cache, GFP_NOWAIT);

	KUNIT_ASSERT_NOT_NULL(test, obj);
	alloc = toy_get_track(cache, obj, TOY_TRACK_ALLOC);
	free = toy_get_track(cache, obj, TOY_TRACK_FREE);
	KUNIT_EXPECT_NE(test, alloc->addr, 0UL);
	KUNIT_EXPECT_TRUE(test, core_kernel_text(alloc->addr) ||
			  is_module_text_address(alloc->addr));
	KUNIT_EXPECT_EQ(test, alloc->pid, current->pid);
	KUNIT_EXPECT_EQ(test, free->addr, 0UL);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
	KUNIT_EXPECT_TRUE(test, core_kernel_text(free->addr) ||
			  is_module_text_address(free->addr));
	KUNIT_EXPECT_EQ(test, free->pid, current->pid);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 0);
}

static void debug_test_page_use_after_free(struct kunit *test)
{
	struct toy_zone *zone = ctx(test)->zone;
	u8 *page = toy_zone_alloc(zone, 0, GFP_NOWAIT);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, page, 0), 0);
	stray_write(page + 100, 0x11);
	KUNIT_EXPECT_PTR_EQ(test, toy_zone_alloc(zone, 0, GFP_NOWAIT), (void *)page);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 1);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, page, 0), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, page, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx(test)->reports, 2);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
}

/*
 * Count how often one whole slab of @cache hands out an object right next
 * to the previous one (the array pops the slab's batch from its end).
 */
static unsigned int neighbours_in_a_row(struct kunit *test, struct toy_cache *cache)
{
	unsigned int i, in_order = 0, n = cache->num;
	void **objs;

	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_EQ(test, toy_cache_tune(cache, n, n, 0), 0);
	for (i = 0; i < n; i++) {
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		if (i && objs[i] == objs[i - 1] - cache->size)
			in_order++;
	}
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[i]), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	return in_order;
}

static void debug_test_randomized_free_list(struct kunit *test)
{
	struct toy_cache *ordered, *shuffled;

	toy_test_pin_to_this_cpu(test);

	ordered = toy_cache_create(&ctx(test)->caches, "kunit-ordered", 64, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ordered);
	shuffled = debug_cache(test, 64, TOY_SLAB_RANDOMIZE);
	KUNIT_EXPECT_EQ(test, neighbours_in_a_row(test, ordered), ordered->num - 1);
	/* 60 neighbours in a row would be chance at odds far below 2^-100. */
	KUNIT_EXPECT_LT(test, neighbours_in_a_row(test, shuffled), shuffled->num / 2);
}

static struct kunit_case debug_test_cases[] = {
	KUNIT_CASE(debug_test_write_past_end),
	KUNIT_CASE(debug_test_write_after_free),
	KUNIT_CASE(debug_test_corrupt_bitmap_in_page),
	KUNIT_CASE(debug_test_corrupt_bitmap_off_page),
	KUNIT_CASE(debug_test_bitmap_past_last_object),
	KUNIT_CASE(debug_test_double_free),
	KUNIT_CASE(debug_test_double_free_off_page),
	KUNIT_CASE(debug_test_owner_tracking),
	KUNIT_CASE(debug_test_page_use_after_free),
	KUNIT_CASE(debug_test_randomized_free_list),
	{}
};

static struct kunit_suite debug_test_suite = {
	.name = "toyalloc_debug",
	.init = debug_test_init,
	.exit = debug_test_exit,
	.test_cases = debug_test_cases,
};

kunit_test_suites(&debug_test_suite);
