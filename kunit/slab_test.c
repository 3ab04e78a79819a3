// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite toyalloc_slab: the slab caches of module/slab.c and the size
 * classes of module/kmalloc.c.
 *
 * Every case gets a fresh zone of TEST_BLOCKS blocks and an empty cache set
 * over it (.init), and .exit checks that destroying what the case left
 * gives the zone back whole.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "../module/internal.h"
#include "helpers.h"

#define TEST_BLOCKS	4

struct slab_test {
	struct toy_zone *zone;
	struct toy_caches caches;
};

static struct slab_test *ctx(struct kunit *test)
{
	return test->priv;
}

static int slab_test_init(struct kunit *test)
{
	struct slab_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	test->priv = t;
	t->zone = toy_zone_create("kunit", TEST_BLOCKS, 0);
	if (IS_ERR(t->zone))
		return PTR_ERR(t->zone);
	toy_caches_init(&t->caches, t->zone, 0);
	return 0;
}

static void slab_test_exit(struct kunit *test)
{
	struct slab_test *t = ctx(test);

	if (t)	/* NULL when .init could not allocate it */
		toy_test_destroy_caches_and_zone(test, &t->caches, t->zone);
}

static struct toy_cache *new_cache(struct kunit *test, const char *name,
				   unsigned int size, unsigned int align,
				   void (*ctor)(void *))
{
	struct toy_cache *cache;

	cache = toy_cache_create(&ctx(test)->caches, name, size, align, 0, ctor);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	return cache;
}

static unsigned int nr_caches(struct kunit *test)
{
	return list_count_nodes(&ctx(test)->caches.list);
}

static unsigned int cached_objects(struct toy_cache *cache)
{
	unsigned int cached = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		cached += per_cpu_ptr(cache->cpu_cache, cpu)->avail;
	if (cache->shared_array)
		cached += cache->shared_array->avail;
	return cached;
}

static void slab_test_create_alloc_free_destroy(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-basic", 64, 0, NULL);
	unsigned int i, j, n = 3 * cache->num;
	void **objs;

	KUNIT_EXPECT_EQ(test, cache->size, 64U);
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_PTR_EQ(test, toy_cache_of(ctx(test)->zone, objs[i]), cache);
		memset(objs[i], i & 0xff, 64);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < 64; j++)
			KUNIT_ASSERT_EQ(test, ((u8 *)objs[i])[j], (u8)i);
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, 3UL);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[i]), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_destroy(cache), 0);
	KUNIT_EXPECT_EQ(test, nr_caches(test), 0U);
}

static atomic_t ctor_calls;

#define CTOR_PATTERN	0x5eed5eedU

static void count_ctor(void *obj)
{
	atomic_inc(&ctor_calls);
	*(u32 *)obj = CTOR_PATTERN;
}

static void slab_test_ctor_once_per_object(struct kunit *test)
{
	struct toy_cache *cache;
	unsigned int i, n, round;
	void **objs;

	atomic_set(&ctor_calls, 0);
	cache = new_cache(test, "kunit-ctor", 200, 0, count_ctor);
	n = 2 * cache->num + 1;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	for (round = 0; round < 3; round++) {
		for (i = 0; i < n; i++) {
			objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_EQ(test, *(u32 *)objs[i], CTOR_PATTERN);
		}
		/* Constructed at slab creation, for every object of it. */
		KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls),
				(int)(cache->nr_slabs * cache->num));
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, 3UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), (int)(3 * cache->num));
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

struct layout_case {
	unsigned int size;
	unsigned int align;
};

static const struct layout_case layout_cases[] = {
	{ 8, 0 }, { 16, 0 }, { 32, 0 }, { 64, 0 }, { 96, 0 }, { 128, 0 },
	{ 192, 0 }, { 256, 0 }, { 512, 0 }, { 1024, 0 }, { 2048, 0 },
	{ 4096, 0 }, { 8192, 0 }, { 1, 0 }, { 24, 0 }, { 100, 0 },
	{ 1000, 0 }, { 3000, 0 }, { 12000, 0 }, { 32768, 0 },
	{ 8, 64 }, { 24, 32 }, { 100, 128 }, { 200, 256 }, { 700, 512 },
	{ 33, 4096 }, { 5000, 1024 },
};

static void layout_case_desc(const struct layout_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %u align %u", c->size, c->align);
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_case_desc);

/* Objects are aligned, inside the zone, and never overlap. */
static void slab_test_alignment_and_overlap(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	unsigned int i, n, align = max_t(unsigned int, c->align, sizeof(void *));
	struct toy_cache *cache = new_cache(test, "kunit-layout", c->size, c->align, NULL);
	void **objs;
	u8 *p;

	KUNIT_EXPECT_GE(test, cache->size, c->size);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(cache->size, align));
	/* The left-over of a slab is at most 1/8 when some order allows it. */
	KUNIT_EXPECT_GE(test, cache->num, 1U);
	n = 2 * cache->num + 1;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_ASSERT_TRUE_MSG(test, IS_ALIGNED((unsigned long)objs[i], align),
				      "object %u at %p", i, objs[i]);
		KUNIT_ASSERT_GE(test, toy_virt_to_idx(ctx(test)->zone, objs[i]), 0L);
		memset(objs[i], i & 0xff, c->size);
	}
	for (i = 0; i < n; i++) {
		p = objs[i];
		KUNIT_ASSERT_TRUE_MSG(test, p[0] == (u8)i && p[c->size - 1] == (u8)i &&
				      !memchr_inv(p, i & 0xff, c->size),
				      "object %u overwritten", i);
	}
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[i]), 0);
}

/*
 * Objects of 2^k bytes fill their slab exactly, as SLUB's do: slabs of at
 * most BITS_PER_LONG objects keep their bitmaps in the head page, slabs of
 * more in an object of a management cache, itself with its bitmaps in the
 * page.
 */
static void slab_test_objects_fill_slab(struct kunit *test)
{
	struct toy_cache *cache;
	unsigned int size, bytes;

	for (size = 8; size <= 8192; size *= 2) {
		cache = new_cache(test, "kunit-fill", size, 0, NULL);
		bytes = PAGE_SIZE << cache->order;
		KUNIT_EXPECT_EQ_MSG(test, cache->num, bytes / size, "size %u", size);
		KUNIT_EXPECT_EQ_MSG(test, cache->maps_in_page,
				    cache->num <= BITS_PER_LONG, "size %u", size);
		KUNIT_EXPECT_EQ_MSG(test, !cache->mgmt, cache->maps_in_page,
				    "size %u", size);
		if (cache->mgmt) {
			KUNIT_EXPECT_TRUE(test, cache->mgmt->maps_in_page);
			KUNIT_EXPECT_GE(test, cache->mgmt->object_size,
					2 * BITS_TO_LONGS(cache->num) * sizeof(long));
		}
		KUNIT_EXPECT_EQ(test, toy_cache_destroy(cache), 0);
		KUNIT_EXPECT_TRUE(test, list_empty(&ctx(test)->caches.mgmt));
	}
}

/*
 * The kmalloc classes hold as many objects per slab as SLUB's of the same
 * size and order: with 4 KiB pages, 512, 256 and 128 for 8, 16 and 32
 * bytes, in one page each.
 */
static void slab_test_kmalloc_objects_per_slab(struct kunit *test)
{
	static const unsigned int small[][2] = { { 8, 512 }, { 16, 256 }, { 32, 128 } };
	struct toy_kmalloc km;
	struct toy_cache *cache;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, toy_kmalloc_init(&km, &ctx(test)->caches), 0);
	for (i = 0; i < TOY_KMALLOC_CLASSES; i++) {
		cache = km.class[i];
		KUNIT_EXPECT_EQ_MSG(test, cache->num,
				    (PAGE_SIZE << cache->order) / cache->object_size,
				    "%s", cache->name);
	}
	for (i = 0; i < ARRAY_SIZE(small); i++) {
		cache = km.class[i];
		KUNIT_EXPECT_EQ(test, cache->object_size, small[i][0]);
		KUNIT_EXPECT_EQ(test, cache->order, 0U);
		KUNIT_EXPECT_EQ_MSG(test, cache->num, small[i][1] * (PAGE_SIZE / SZ_4K),
				    "%s", cache->name);
	}
	toy_kmalloc_exit(&km);
}

/* Objects of a cache held by users, as /proc/slabinfo's active_objs. */
static unsigned long active_objects(struct toy_cache *cache)
{
	return cache->nr_slabs * cache->num - cache->free_objects -
		cached_objects(cache);
}

/*
 * Each slab of an off-page cache holds one management object from the
 * slab's creation to its return to the zone; a management cache is shared
 * by the caches with bitmaps of its size and goes with the last of them.
 */
static void slab_test_mgmt_freed_with_slab(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-offpage", 16, 0, NULL);
	struct toy_cache *mgmt = cache->mgmt, *other;
	struct toy_cache_stats stats;
	unsigned int i, n = 3 * cache->num;
	unsigned long start;
	void **objs;

	KUNIT_ASSERT_NOT_NULL(test, mgmt);
	KUNIT_EXPECT_EQ(test, mgmt->users, 1U);
	start = active_objects(mgmt);
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, 3UL);
	KUNIT_EXPECT_EQ(test, active_objects(mgmt), start + 3);
	KUNIT_EXPECT_EQ(test, toy_caches_validate(&ctx(test)->caches), 0);

	/* A second cache of the same bitmap size shares the management cache. */
	other = new_cache(test, "kunit-offpage-2", 16, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, other->mgmt, mgmt);
	KUNIT_EXPECT_EQ(test, mgmt->users, 2U);
	KUNIT_EXPECT_EQ(test, toy_cache_destroy(other), 0);
	KUNIT_EXPECT_EQ(test, mgmt->users, 1U);

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[i]), 0);
	/* Some slabs went back as they became free, the others now. */
	toy_cache_shrink(cache);
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, cache->reaped, 3UL);
	KUNIT_EXPECT_EQ(test, active_objects(mgmt), start);
	toy_cache_get_stats(mgmt, &stats);
	KUNIT_EXPECT_EQ(test, stats.allocs, 3UL);
	KUNIT_EXPECT_EQ(test, stats.frees, 3UL);
	KUNIT_EXPECT_EQ(test, toy_caches_validate(&ctx(test)->caches), 0);

	KUNIT_EXPECT_EQ(test, toy_cache_destroy(cache), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&ctx(test)->caches.mgmt));
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(ctx(test)->zone),
			toy_zone_nr_pages(ctx(test)->zone));
}

/* Successive slabs shift their first object by the colour offset. */
static void slab_test_colouring(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-colour", 200, 0, NULL);
	unsigned int i, n = 4 * cache->num, nr_slabs = 0;
	unsigned long left;
	unsigned long colours_seen = 0;
	struct toy_page *head;
	void **objs;

	/*
	 * The left-over of a slab of 200-byte objects, whatever the order
	 * min_objects asks for on this machine (96 bytes at order 0), gives
	 * one colour per cache line, the first at offset 0.
	 */
	left = (PAGE_SIZE << cache->order) - cache->num * cache->size;
	KUNIT_ASSERT_EQ(test, cache->colour_off, cache_line_size());
	KUNIT_ASSERT_EQ(test, cache->colours, left / cache_line_size() + 1);
	KUNIT_ASSERT_GE(test, cache->colours, 2U);
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	/* Successive slabs cycle through the colour offsets. */
	list_for_each_entry(head, &cache->slabs_full, lru) {
		KUNIT_EXPECT_EQ(test, head->s_mem % cache->colour_off, 0U);
		KUNIT_EXPECT_LT(test, head->s_mem, cache->colours * cache->colour_off);
		KUNIT_EXPECT_LT(test, head->s_mem, cache->size);
		colours_seen |= BIT(head->s_mem / cache->colour_off);
		nr_slabs++;
	}
	KUNIT_EXPECT_EQ(test, nr_slabs, 4U);
	KUNIT_EXPECT_EQ(test, colours_seen, BIT(min(cache->colours, 4U)) - 1);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[i]), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

static void slab_test_percpu_drain(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-drain", 128, 0, NULL);
	unsigned int i, n = 50;
	void *objs[50];

	toy_test_pin_to_this_cpu(test);

	for (i = 0; i < n; i++) {
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, toy_cache_free(cache, objs[i]), 0);
	/* Freed objects wait in the array of this CPU, hot for reuse. */
	KUNIT_EXPECT_GT(test, cached_objects(cache), 0U);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	/* The most recently freed object comes back first. */
	KUNIT_EXPECT_PTR_EQ(test, toy_cache_alloc(cache, GFP_NOWAIT), objs[n - 1]);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[n - 1]), 0);

	/* 50 objects, num to a slab. */
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, DIV_ROUND_UP(50UL, cache->num));
	KUNIT_EXPECT_EQ(test, toy_cache_shrink(cache), DIV_ROUND_UP(50UL, cache->num));
	KUNIT_EXPECT_EQ(test, cached_objects(cache), 0U);
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, cache->free_objects, 0UL);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(ctx(test)->zone),
			toy_zone_nr_pages(ctx(test)->zone));
}

/* A full array gives batchcount objects back, and free slabs are bounded. */
static void slab_test_flush_and_free_limit(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-flush", 512, 0, NULL);
	unsigned int i, n = 20 * cache->num;
	void **objs;

	KUNIT_ASSERT_EQ(test, toy_cache_tune(cache, 16, 8, 0), 0);
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test, toy_cache_free(cache, objs[i]), 0);
		KUNIT_ASSERT_LE(test, cached_objects(cache), 16U * num_possible_cpus());
	}
	/* free_limit = (1 + CPUs) * batchcount + num; a slab more at most. */
	KUNIT_EXPECT_LE(test, cache->free_objects,
			(1 + num_online_cpus()) * 8UL + 2 * cache->num);
	KUNIT_EXPECT_LT(test, cache->nr_slabs, 20UL);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

static void slab_test_destroy_all_returns_zone(struct kunit *test)
{
	struct slab_test *t = ctx(test);
	struct toy_kmalloc km;
	void *ptrs[64];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, toy_kmalloc_init(&km, &t->caches), 0);
	KUNIT_EXPECT_EQ(test, nr_caches(test), (unsigned int)TOY_KMALLOC_CLASSES);
	for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
		ptrs[i] = toy_kmalloc_alloc(&km, 1 + i * 300, 0);
		KUNIT_ASSERT_NOT_NULL(test, ptrs[i]);
	}
	KUNIT_EXPECT_LT(test, toy_zone_free_pages(t->zone), toy_zone_nr_pages(t->zone));
	for (i = 0; i < ARRAY_SIZE(ptrs); i++)
		KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, ptrs[i]), 0);
	toy_kmalloc_exit(&km);
	KUNIT_EXPECT_EQ(test, nr_caches(test), 0U);
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(t->zone), toy_zone_nr_pages(t->zone));
	KUNIT_EXPECT_EQ(test, t->zone->free_area[TOY_MAX_ORDER].nr_free,
			(unsigned long)TEST_BLOCKS);
}

static void slab_test_bad_create(struct kunit *test)
{
	struct toy_caches *caches = &ctx(test)->caches;

	new_cache(test, "kunit-dup", 64, 0, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "kunit-dup", 64, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "kunit-0", 0, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "kunit-big",
						       TOY_CACHE_MAX_SIZE + 1, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "kunit-a3", 64, 3, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "kunit-a8k", 64,
						       2 * PAGE_SIZE, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "kunit-flags", 64, 0,
						       BIT(7), NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "", 64, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "toy-slabmgmt-64",
						       64, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "kunit with spaces",
						       64, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches, "kunit\nfake-line",
						       64, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_cache_create(caches,
						       "kunit-a-name-longer-than-31-chars",
						       64, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nr_caches(test), 1U);
}

/* Snapshot of what a refused free must leave untouched. */
struct cache_state {
	unsigned long nr_slabs, free_objects;
	unsigned int cached;
};

static void snapshot(struct toy_cache *cache, struct cache_state *s)
{
	s->nr_slabs = cache->nr_slabs;
	s->free_objects = cache->free_objects;
	s->cached = cached_objects(cache);
}

static void expect_unchanged(struct kunit *test, struct toy_cache *cache,
			     const struct cache_state *before)
{
	struct cache_state now;

	snapshot(cache, &now);
	KUNIT_EXPECT_EQ(test, now.nr_slabs, before->nr_slabs);
	KUNIT_EXPECT_EQ(test, now.free_objects, before->free_objects);
	KUNIT_EXPECT_EQ(test, now.cached, before->cached);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

static void slab_test_bad_free(struct kunit *test)
{
	struct toy_cache *a = new_cache(test, "kunit-a", 64, 0, NULL);
	struct toy_cache *b = new_cache(test, "kunit-b", 64, 0, NULL);
	struct cache_state sa, sb;
	void *obj, *other, *page;

	obj = toy_cache_alloc(a, GFP_NOWAIT);
	other = toy_cache_alloc(b, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_ASSERT_NOT_NULL(test, other);
	page = toy_zone_alloc(ctx(test)->zone, 0, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, page);
	snapshot(a, &sa);
	snapshot(b, &sb);

	KUNIT_EXPECT_EQ(test, toy_cache_free(b, obj), -EINVAL);		/* wrong cache */
	KUNIT_EXPECT_EQ(test, toy_cache_free(a, obj + 1), -EINVAL);	/* inside */
	KUNIT_EXPECT_EQ(test, toy_cache_free(a, obj + 64 * a->num), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_cache_free(a, page), -EINVAL);	/* not a slab */
	KUNIT_EXPECT_EQ(test, toy_cache_free(a, test), -EINVAL);	/* foreign */
	KUNIT_EXPECT_EQ(test, toy_cache_free(a, NULL), -EINVAL);
	expect_unchanged(test, a, &sa);
	expect_unchanged(test, b, &sb);

	KUNIT_EXPECT_EQ(test, toy_cache_free(a, obj), 0);
	snapshot(a, &sa);
	KUNIT_EXPECT_EQ(test, toy_cache_free(a, obj), -EINVAL);		/* double */
	expect_unchanged(test, a, &sa);

	/* Both caches keep working. */
	KUNIT_EXPECT_PTR_EQ(test, toy_cache_alloc(a, GFP_NOWAIT), obj);
	KUNIT_EXPECT_EQ(test, toy_cache_free(a, obj), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_free(b, other), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free(ctx(test)->zone, page, 0), 0);
}

static void slab_test_destroy_busy(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-busy", 96, 0, NULL);
	void *obj[3], *more;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		obj[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, obj[i]);
	}
	KUNIT_EXPECT_EQ(test, toy_cache_destroy(cache), -EBUSY);
	KUNIT_EXPECT_EQ(test, nr_caches(test), 1U);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
	more = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_EXPECT_NOT_NULL(test, more);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, more), 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj[i]), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_destroy(cache), 0);
	KUNIT_EXPECT_EQ(test, nr_caches(test), 0U);
}

/* __GFP_ZERO zeroes an object that comes back dirty from the array. */
static void slab_test_alloc_zeroed(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-zero", 200, 0, NULL);
	u8 *obj;

	toy_test_pin_to_this_cpu(test);

	obj = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	memset(obj, 0xa5, 200);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
	KUNIT_EXPECT_PTR_EQ(test, toy_cache_alloc(cache, GFP_NOWAIT | __GFP_ZERO),
			    (void *)obj);
	KUNIT_EXPECT_FALSE(test, memchr_inv(obj, 0, 200));
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
}

static void slab_test_kmalloc_classes(struct kunit *test)
{
	static const unsigned int classes[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
	};
	struct toy_kmalloc km;
	unsigned int i, c = 0;
	size_t size;
	u8 *p;

	KUNIT_ASSERT_EQ(test, toy_kmalloc_init(&km, &ctx(test)->caches), 0);
	for (size = 1; size <= TOY_KMALLOC_MAX_CACHE; size++) {
		while (size > classes[c])
			c++;
		p = toy_kmalloc_alloc(&km, size, __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ_MSG(test, toy_kmalloc_size(&km, p), (size_t)classes[c],
				    "size %zu", size);
		KUNIT_EXPECT_FALSE(test, memchr_inv(p, 0, size));
		KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, p), 0);
	}
	for (i = 0; i < ARRAY_SIZE(classes); i++)
		KUNIT_EXPECT_EQ(test, km.class[i]->object_size, classes[i]);

	/* Above 8192: a whole block of the smallest order that fits. */
	p = toy_kmalloc_alloc(&km, 8193, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, 4 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, toy_kmalloc_size(&km, p), 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, p + PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, p), 0);
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, p), -EINVAL);

	KUNIT_EXPECT_NULL(test, toy_kmalloc_alloc(&km, 0, 0));
	KUNIT_EXPECT_NULL(test, toy_kmalloc_alloc(&km, (PAGE_SIZE << TOY_MAX_ORDER) + 1, 0));
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, NULL), 0);
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, test), -EINVAL);

	/* A slab object: only its start, and only once. */
	p = toy_kmalloc_alloc(&km, 100, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, p + 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, p), 0);
	KUNIT_EXPECT_EQ(test, toy_kmalloc_free(&km, p), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(km.class[5]), 0);
	toy_kmalloc_exit(&km);
}

#define CHURN_OPS	100000
#define CHURN_LIVE	2048
#define CHURN_BATCH	1000

struct live_obj {
	u32 *p;
	u32 tag;
	struct toy_cache *cache;	/* NULL: toy_kmalloc */
};

static void slab_test_random_churn(struct kunit *test)
{
	struct toy_cache *caches[3];
	unsigned int op, n = 0, i, c, failures = 0;
	struct live_obj *live;
	struct toy_kmalloc km;
	struct rnd_state rnd;

	caches[0] = new_cache(test, "kunit-churn-24", 24, 0, NULL);
	caches[1] = new_cache(test, "kunit-churn-300", 300, 64, NULL);
	caches[2] = new_cache(test, "kunit-churn-5000", 5000, 0, NULL);
	KUNIT_ASSERT_EQ(test, toy_kmalloc_init(&km, &ctx(test)->caches), 0);
	live = kunit_kcalloc(test, CHURN_LIVE, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);
	prandom_seed_state(&rnd, 0x51ab);

	for (op = 0; op < CHURN_OPS; op++) {
		if (n == 0 || (n < CHURN_LIVE && prandom_u32_state(&rnd) % 100 < 52)) {
			c = prandom_u32_state(&rnd) % 4;
			live[n].cache = c < 3 ? caches[c] : NULL;
			live[n].p = c < 3 ? toy_cache_alloc(caches[c], GFP_NOWAIT) :
				toy_kmalloc_alloc(&km, 4 + prandom_u32_state(&rnd) % 20000, 0);
			if (!live[n].p) {
				failures++;
				continue;
			}
			live[n].tag = op;
			*live[n++].p = op;
		} else {
			i = prandom_u32_state(&rnd) % n;
			KUNIT_ASSERT_EQ_MSG(test, *live[i].p, live[i].tag,
					    "object of op %u overwritten", live[i].tag);
			KUNIT_ASSERT_EQ(test, live[i].cache ?
					toy_cache_free(live[i].cache, live[i].p) :
					toy_kmalloc_free(&km, live[i].p), 0);
			live[i] = live[--n];
		}
		if (op % CHURN_BATCH == 0)
			for (c = 0; c < 3; c++)
				KUNIT_ASSERT_EQ_MSG(test, toy_cache_validate(caches[c]), 0,
						    "after op %u", op);
	}
	kunit_info(test, "%u ops, %u failures, %u live at the end\n", CHURN_OPS,
		   failures, n);
	while (n--)
		KUNIT_ASSERT_EQ(test, live[n].cache ?
				toy_cache_free(live[n].cache, live[n].p) :
				toy_kmalloc_free(&km, live[n].p), 0);
	for (c = 0; c < 3; c++)
		KUNIT_EXPECT_EQ(test, toy_cache_validate(caches[c]), 0);
	toy_kmalloc_exit(&km);
}

static char *render(struct kunit *test, struct toy_cache *cache, bool header)
{
	struct seq_file *m = toy_test_seq_file(test);

	if (header)
		toy_slabinfo_header(m);
	else
		toy_cache_slabinfo_show(m, cache);
	return m->buf;
}

static void slab_test_slabinfo_format(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-fmt", 100, 0, NULL);
	unsigned int shared = num_possible_cpus() > 1 ? 8 : 0;
	char expect[200];
	void *obj[3];
	int i;

	KUNIT_EXPECT_STREQ(test, render(test, NULL, true),
			   "slabinfo - version: 2.1\n"
			   "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	for (i = 0; i < 3; i++) {
		obj[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, obj[i]);
	}
	/*
	 * 100 bytes round up to 104; an order-0 slab holds 39 of them, with
	 * its bitmaps in its head page (order 1 and 78 from 256 CPUs up).
	 */
	KUNIT_EXPECT_EQ(test, cache->num, 39U << cache->order);
	snprintf(expect, sizeof(expect),
		 "kunit-fmt              3 %6u    104 %4u %4u : tunables  120   60 %4u : slabdata      1      1      0\n",
		 cache->num, cache->num, 1U << cache->order, shared);
	KUNIT_EXPECT_STREQ(test, render(test, cache, false), expect);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj[i]), 0);
	toy_cache_shrink(cache);
	snprintf(expect, sizeof(expect),
		 "kunit-fmt              0      0    104 %4u %4u : tunables  120   60 %4u : slabdata      0      0      0\n",
		 cache->num, 1U << cache->order, shared);
	KUNIT_EXPECT_STREQ(test, render(test, cache, false), expect);
}

static void slab_test_tune_line(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-tune", 64, 0, NULL);
	struct toy_caches *caches = &ctx(test)->caches;
	static const char * const bad[] = {
		"", "kunit-tune", "kunit-tune 1 2", "kunit-tune 1 1 1 1",
		"kunit-tune a b c", "kunit-tune -1 1 0", "kunit-tune 0 1 0",
		"kunit-tune 8 9 0", "kunit-tune 257 1 0", "kunit-tune 8 4 9",
		"kunit-tune 99999999999 1 0",
	};
	char line[64];
	unsigned int i;

	strscpy(line, "kunit-tune 32 16 2\n", sizeof(line));
	KUNIT_EXPECT_EQ(test, toy_caches_tune_line(caches, line), 0);
	KUNIT_EXPECT_EQ(test, cache->limit, 32U);
	KUNIT_EXPECT_EQ(test, cache->batchcount, 16U);
	KUNIT_EXPECT_EQ(test, cache->shared, 2U);
	KUNIT_EXPECT_EQ(test, cache->shared_array->limit, 32U);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		strscpy(line, bad[i], sizeof(line));
		KUNIT_EXPECT_EQ_MSG(test, toy_caches_tune_line(caches, line), -EINVAL,
				    "\"%s\"", bad[i]);
	}
	strscpy(line, "no-such-cache 8 4 0", sizeof(line));
	KUNIT_EXPECT_EQ(test, toy_caches_tune_line(caches, line), -ENOENT);
	/* Refused writes left the tunables alone. */
	KUNIT_EXPECT_EQ(test, cache->limit, 32U);
	KUNIT_EXPECT_EQ(test, cache->batchcount, 16U);
	KUNIT_EXPECT_EQ(test, cache->shared, 2U);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);

	/* A management cache is listed in /proc/toyslabinfo, so it is tuned too. */
	cache = new_cache(test, "kunit-tune-16", 16, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, cache->mgmt);
	snprintf(line, sizeof(line), "%s 8 4 0", cache->mgmt->name);
	KUNIT_EXPECT_EQ(test, toy_caches_tune_line(caches, line), 0);
	KUNIT_EXPECT_EQ(test, cache->mgmt->limit, 8U);
}

/* init_on_alloc and init_on_free (kernel command line) reach toyalloc too. */
static void slab_test_init_on_alloc_free(struct kunit *test)
{
	struct toy_cache *cache;
	u8 *obj;

	toy_test_pin_to_this_cpu(test);

	if (!want_init_on_alloc(GFP_KERNEL) && !want_init_on_free())
		kunit_skip(test, "boot with init_on_alloc=1 or init_on_free=1");
	cache = new_cache(test, "kunit-init", 64, 0, NULL);
	obj = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	memset(obj, 0xa5, 64);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
	if (want_init_on_free())
		KUNIT_EXPECT_FALSE(test, memchr_inv(obj, 0, 64));
	else
		memset(obj, 0xa5, 64);
	/* The same object comes back (LIFO), and holds zeroes. */
	KUNIT_EXPECT_PTR_EQ(test, toy_cache_alloc(cache, GFP_NOWAIT), (void *)obj);
	KUNIT_EXPECT_FALSE(test, memchr_inv(obj, 0, 64));
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
}

/* Allocation and free work with interrupts off and under a spinlock. */
static void slab_test_atomic_context(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-atomic", 512, 0, NULL);
	void *objs[64], *page;
	unsigned long flags;
	spinlock_t lock;	/* any caller's lock */
	unsigned int i;

	spin_lock_init(&lock);
	spin_lock_irqsave(&lock, flags);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = toy_cache_alloc(cache, GFP_NOWAIT);	/* grows the cache too */
	page = toy_zone_alloc(ctx(test)->zone, 3, GFP_NOWAIT);
	spin_unlock_irqrestore(&lock, flags);

	for (i = 0; i < ARRAY_SIZE(objs); i++)
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	KUNIT_ASSERT_NOT_NULL(test, page);
	spin_lock_irqsave(&lock, flags);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		KUNIT_EXPECT_EQ(test, toy_cache_free(cache, objs[i]), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free(ctx(test)->zone, page, 3), 0);
	spin_unlock_irqrestore(&lock, flags);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

/*
 * An allocation or free that finds its CPU's array busy, as one made in an
 * interrupt of that CPU's work on it does, goes around it, to the shared
 * array or the slabs: it gets an object none of the array holds, leaves the
 * array alone (the free lands in the shared array when there is one), is
 * checked as any other (a second free is refused) and is counted a miss.
 */
static void slab_test_busy_array(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-busy", 64, 0, NULL);
	unsigned int avail_before, avail_after, shared_before, shared_after, i;
	struct toy_cache_stats before, after;
	int freed, freed_again;
	struct toy_array_cache *ac;
	bool in_array = false;
	void *warm, *obj;

	toy_test_needs_trylock(test);
	toy_test_pin_to_this_cpu(test);
	/* A shared array, as caches have with more than one CPU. */
	KUNIT_ASSERT_EQ(test, toy_cache_tune(cache, 120, 60, 8), 0);
	KUNIT_ASSERT_NOT_NULL(test, cache->shared_array);
	warm = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, warm);
	KUNIT_ASSERT_EQ(test, toy_cache_free(cache, warm), 0);
	toy_cache_get_stats(cache, &before);

	/* Pinned: this CPU's array, from before preemption goes off. */
	ac = raw_cpu_ptr(cache->cpu_cache);
	KUNIT_ASSERT_FALSE(test, toy_test_is_held(&ac->lock));
	/* Mark it held, as an interrupted CPU's is. */
	preempt_disable();
	toy_test_set_held(&ac->lock, 1);
	avail_before = ac->avail;
	obj = toy_cache_alloc(cache, GFP_NOWAIT);
	for (i = 0; i < ac->avail; i++)
		in_array |= ac->entry[i].obj == obj;
	shared_before = cache->shared_array->avail;
	freed = obj ? toy_cache_free(cache, obj) : -ENOMEM;
	shared_after = cache->shared_array->avail;
	freed_again = obj ? toy_cache_free(cache, obj) : -ENOMEM;
	avail_after = ac->avail;
	toy_test_set_held(&ac->lock, 0);
	preempt_enable();

	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_FALSE(test, in_array);
	KUNIT_EXPECT_GT(test, avail_before, 0U);
	KUNIT_EXPECT_EQ(test, avail_after, avail_before);
	KUNIT_EXPECT_EQ(test, freed, 0);
	KUNIT_EXPECT_EQ(test, shared_after, shared_before + 1);
	KUNIT_EXPECT_EQ(test, freed_again, -EINVAL);
	toy_cache_get_stats(cache, &after);
	KUNIT_EXPECT_EQ(test, after.allocmiss, before.allocmiss + 1);
	KUNIT_EXPECT_EQ(test, after.freemiss, before.freemiss + 1);
	KUNIT_EXPECT_EQ(test, after.allochit, before.allochit);
	KUNIT_EXPECT_EQ(test, after.freehit, before.freehit);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);

	/* With the array free again, the warm object is the next one out. */
	obj = toy_cache_alloc(cache, GFP_NOWAIT);
	KUNIT_EXPECT_PTR_EQ(test, obj, warm);
	KUNIT_EXPECT_EQ(test, toy_cache_free(cache, obj), 0);
}

/*
 * Free slabs a cache keeps, and objects waiting in its arrays, are not in
 * use: an allocation from the zone that may sleep gets them back before it
 * fails (the caches' reclaimer), one that cannot sleep fails and is counted
 * so, and when the pages are really in use both fail.
 */
static void slab_test_reclaim_free_slabs(struct kunit *test)
{
	struct toy_zone *zone = ctx(test)->zone;
	struct toy_cache *cache = new_cache(test, "kunit-reclaim", 256, 0, NULL);
	void *obj[64], *block[TEST_BLOCKS], *big;
	unsigned int i, held = 0;

	for (i = 0; i < ARRAY_SIZE(obj); i++) {
		obj[i] = toy_cache_alloc(cache, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, obj[i]);
	}
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		KUNIT_ASSERT_EQ(test, toy_cache_free(cache, obj[i]), 0);
	KUNIT_ASSERT_GT(test, cache->nr_slabs, 0UL);
	while (held < TEST_BLOCKS &&
	       (block[held] = toy_zone_alloc(zone, TOY_MAX_ORDER, GFP_NOWAIT)))
		held++;
	KUNIT_ASSERT_EQ(test, held, TEST_BLOCKS - 1U);
	KUNIT_EXPECT_EQ(test, zone->failures[TOY_FAIL_NOWAIT], 1UL);

	big = toy_zone_alloc(zone, TOY_MAX_ORDER, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, cache->nr_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, zone->failures[TOY_FAIL_RECLAIMED], 0UL);
	KUNIT_EXPECT_NULL(test, toy_cache_alloc(cache, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, zone->failures[TOY_FAIL_RECLAIMED], 1UL);
	if (big)
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, big, TOY_MAX_ORDER), 0);
	while (held)
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block[--held], TOY_MAX_ORDER), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

/*
 * A CPU that goes offline between the copy of the arrays and the check of
 * the slabs moves its array into the slabs, where the copied objects then
 * look both cached and free: the check must see that and say so (-EAGAIN),
 * never report corruption, and a validation must take a new copy and pass.
 * The hotplug callback is run here for this CPU, as its death would run it.
 */
static void slab_test_validate_cpu_dies(struct kunit *test)
{
	struct toy_cache *cache = new_cache(test, "kunit-hotplug", 128, 0, NULL);
	struct toy_cache_snapshot cached;
	void *obj[8];
	unsigned int i;

	toy_test_pin_to_this_cpu(test);
	/* No shared array: the dead CPU's objects go to the slabs. */
	KUNIT_ASSERT_EQ(test, toy_cache_tune(cache, 16, 8, 0), 0);
	for (i = 0; i < ARRAY_SIZE(obj); i++) {
		obj[i] = toy_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, obj[i]);
	}
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		KUNIT_ASSERT_EQ(test, toy_cache_free(cache, obj[i]), 0);
	KUNIT_ASSERT_EQ(test, cached_objects(cache), (unsigned int)ARRAY_SIZE(obj));

	KUNIT_ASSERT_EQ(test, toy_cache_snapshot(cache, &cached), 0);
	KUNIT_EXPECT_EQ(test, cached.nr, (unsigned int)ARRAY_SIZE(obj));
	cache->cpu_dead.fn(&cache->cpu_dead, raw_smp_processor_id());
	KUNIT_EXPECT_EQ(test, cached_objects(cache), 0U);
	KUNIT_EXPECT_EQ(test, toy_cache_check(cache, &cached), -EAGAIN);
	toy_cache_snapshot_free(&cached);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

static struct kunit_case slab_test_cases[] = {
	KUNIT_CASE(slab_test_create_alloc_free_destroy),
	KUNIT_CASE(slab_test_ctor_once_per_object),
	KUNIT_CASE_PARAM(slab_test_alignment_and_overlap, layout_gen_params),
	KUNIT_CASE(slab_test_objects_fill_slab),
	KUNIT_CASE(slab_test_kmalloc_objects_per_slab),
	KUNIT_CASE(slab_test_mgmt_freed_with_slab),
	KUNIT_CASE(slab_test_colouring),
	KUNIT_CASE(slab_test_percpu_drain),
	KUNIT_CASE(slab_test_flush_and_free_limit),
	KUNIT_CASE(slab_test_destroy_all_returns_zone),
	KUNIT_CASE(slab_test_bad_create),
	KUNIT_CASE(slab_test_bad_free),
	KUNIT_CASE(slab_test_destroy_busy),
	KUNIT_CASE(slab_test_alloc_zeroed),
	KUNIT_CASE(slab_test_kmalloc_classes),
	KUNIT_CASE(slab_test_random_churn),
	KUNIT_CASE(slab_test_slabinfo_format),
	KUNIT_CASE(slab_test_tune_line),
	KUNIT_CASE(slab_test_init_on_alloc_free),
	KUNIT_CASE(slab_test_atomic_context),
	KUNIT_CASE(slab_test_busy_array),
	KUNIT_CASE(slab_test_reclaim_free_slabs),
	KUNIT_CASE(slab_test_validate_cpu_dies),
	{}
};

static struct kunit_suite slab_test_suite = {
	.name = "toyalloc_slab",
	.init = slab_test_init,
	.exit = slab_test_exit,
	.test_cases = slab_test_cases,
};

kunit_test_suites(&slab_test_suite);
