// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite toyalloc_buddy: the buddy allocator of module/buddy.c.
 *
 * Every case runs on a fresh zone of TEST_BLOCKS order-10 blocks of its own
 * (built in .init, destroyed in .exit), never on the module's default zone,
 * and ends by running the zone's validator.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "../module/internal.h"
#include "helpers.h"

#define TEST_BLOCKS		2
#define TEST_PAGES		(TEST_BLOCKS * TOY_BLOCK_PAGES)

static struct toy_zone *test_zone(struct kunit *test)
{
	return test->priv;
}

static int buddy_test_init(struct kunit *test)
{
	struct toy_zone *zone = toy_zone_create("kunit", TEST_BLOCKS, 0);

	if (IS_ERR(zone))
		return PTR_ERR(zone);
	test->priv = zone;
	return 0;
}

static void buddy_test_exit(struct kunit *test)
{
	toy_zone_destroy(test_zone(test));
}

static unsigned long nr_free(struct toy_zone *zone, unsigned int order)
{
	return zone->free_area[order].nr_free;
}

static void expect_fresh(struct kunit *test, struct toy_zone *zone)
{
	unsigned int order;

	for (order = 0; order < TOY_MAX_ORDER; order++)
		KUNIT_EXPECT_EQ_MSG(test, nr_free(zone, order), 0UL, "order %u", order);
	KUNIT_EXPECT_EQ(test, nr_free(zone, TOY_MAX_ORDER), (unsigned long)TEST_BLOCKS);
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(zone), TEST_PAGES);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
}

static bool aligned_to_order(const void *addr, unsigned int order)
{
	return IS_ALIGNED((unsigned long)addr, PAGE_SIZE << order);
}

static void buddy_test_every_order(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	void *blocks[TOY_NR_ORDERS];
	unsigned int order;
	long idx;

	for (order = 0; order <= TOY_MAX_ORDER; order++) {
		blocks[order] = toy_zone_alloc(zone, order, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL_MSG(test, blocks[order], "order %u", order);
		KUNIT_EXPECT_TRUE_MSG(test, aligned_to_order(blocks[order], order),
				      "order %u at %p", order, blocks[order]);
		idx = toy_virt_to_idx(zone, blocks[order]);
		KUNIT_EXPECT_GE(test, idx, 0L);
		KUNIT_EXPECT_EQ(test, idx & (BIT(order) - 1), 0L);
		/* The whole block is usable memory. */
		memset(blocks[order], order, PAGE_SIZE << order);
	}
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
	for (order = 0; order <= TOY_MAX_ORDER; order++) {
		KUNIT_EXPECT_EQ(test, *(u8 *)(blocks[order] + (PAGE_SIZE << order) - 1),
				(u8)order);
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, blocks[order], order), 0);
	}
	expect_fresh(test, zone);
}

static void buddy_test_split_leaves_one_per_order(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	unsigned int order;
	void *page;

	page = toy_zone_alloc(zone, 0, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, page);
	for (order = 0; order < TOY_MAX_ORDER; order++)
		KUNIT_EXPECT_EQ_MSG(test, nr_free(zone, order), 1UL, "order %u", order);
	KUNIT_EXPECT_EQ(test, nr_free(zone, TOY_MAX_ORDER), TEST_BLOCKS - 1UL);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, page, 0), 0);
	expect_fresh(test, zone);
}

static void buddy_test_block_head(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	struct toy_page *head;
	void *block, *spare;
	unsigned int i;

	block = toy_zone_alloc(zone, 3, GFP_NOWAIT);
	spare = toy_zone_alloc(zone, 3, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_ASSERT_NOT_NULL(test, spare);
	for (i = 0; i < 8; i++) {
		head = toy_zone_block_head(zone, block + i * PAGE_SIZE + 17);
		KUNIT_ASSERT_NOT_NULL(test, head);
		KUNIT_EXPECT_PTR_EQ(test, toy_page_to_virt(zone, head), block);
		KUNIT_EXPECT_EQ(test, toy_page_order(head), 3U);
	}
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, spare, 3), 0);
	KUNIT_EXPECT_NULL(test, toy_zone_block_head(zone, spare));
	KUNIT_EXPECT_NULL(test, toy_zone_block_head(zone, test));
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, 3), 0);
	expect_fresh(test, zone);
}

/*
 * The one-probe lookup of a block of a known order agrees with the general
 * one for that order, and finds nothing for any other order, in a free
 * block, or outside the zone; the block's start comes from the address.
 */
static void buddy_test_order_block_head(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	unsigned int order, k, i;
	void *block, *addr;
	struct toy_page *head;

	for (order = 0; order <= TOY_MAX_ORDER; order++) {
		block = toy_zone_alloc(zone, order, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, block);
		for (i = 0; i < BIT(order); i += max(1UL, BIT(order) / 8)) {
			addr = block + i * PAGE_SIZE + (8 * i + 1) % PAGE_SIZE;
			KUNIT_EXPECT_PTR_EQ(test, toy_block_start(addr, order), block);
			KUNIT_EXPECT_PTR_EQ(test,
					    toy_zone_order_block_head(zone, addr, order),
					    toy_zone_block_head(zone, addr));
			for (k = 0; k <= TOY_MAX_ORDER; k++) {
				head = toy_zone_order_block_head(zone, addr, k);
				if (k != order)
					KUNIT_EXPECT_NULL_MSG(test, head,
							      "order %u seen as %u",
							      order, k);
			}
		}
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, order), 0);
		KUNIT_EXPECT_NULL(test, toy_zone_order_block_head(zone, block, order));
	}
	KUNIT_EXPECT_NULL(test, toy_zone_order_block_head(zone, test, 0));
	expect_fresh(test, zone);
}

/* The lookups of a zone whose blocks do not form one range. */
static long page_index_by_block(struct toy_zone *zone, const void *addr)
{
	void *base = zone->base;
	long idx;

	zone->base = NULL;
	idx = toy_virt_to_idx(zone, addr);
	zone->base = base;
	return idx;
}

static void *page_address_by_block(struct toy_zone *zone, struct toy_page *page)
{
	void *base = zone->base, *addr;

	zone->base = NULL;
	addr = toy_page_to_virt(zone, page);
	zone->base = base;
	return addr;
}

/*
 * The zone keeps its blocks in physical order and, when they form one
 * range, finds page indices by subtraction: both lookups give every address
 * of the zone its block * 1024 + page, and -1 to any address outside it,
 * the bytes just before and after included.
 */
static void buddy_test_page_index(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	unsigned long pfn[TEST_BLOCKS], expect, offsets[] = {
		0, 1, PAGE_SIZE - 1, PAGE_SIZE, 511 * PAGE_SIZE + 100,
		TOY_BLOCK_PAGES * PAGE_SIZE - 1,
	};
	const void *outside[] = { NULL, test, kunit_kzalloc(test, 8, GFP_KERNEL),
		page_address(zone->blocks[0]) - 1,
		page_address(zone->blocks[TEST_BLOCKS - 1]) +
			TOY_BLOCK_PAGES * PAGE_SIZE };
	unsigned int b, i;
	void *addr, *page;

	for (b = 0; b < TEST_BLOCKS; b++)
		pfn[b] = page_to_pfn(zone->blocks[b]);
	for (b = 1; b < TEST_BLOCKS; b++)
		KUNIT_EXPECT_LT(test, pfn[b - 1], pfn[b]);
	KUNIT_EXPECT_EQ(test, !!zone->base,
			pfn[TEST_BLOCKS - 1] == pfn[0] + (TEST_BLOCKS - 1) * TOY_BLOCK_PAGES);
	if (!zone->base)
		kunit_info(test, "blocks not contiguous: per-block lookup only");

	for (b = 0; b < TEST_BLOCKS; b++) {
		for (i = 0; i < ARRAY_SIZE(offsets); i++) {
			addr = page_address(zone->blocks[b]) + offsets[i];
			expect = b * TOY_BLOCK_PAGES + offsets[i] / PAGE_SIZE;
			KUNIT_EXPECT_EQ(test, toy_virt_to_idx(zone, addr), (long)expect);
			KUNIT_EXPECT_EQ(test, page_index_by_block(zone, addr), (long)expect);
			page = (void *)PAGE_ALIGN_DOWN((unsigned long)addr);
			KUNIT_EXPECT_PTR_EQ(test,
					    toy_page_to_virt(zone, &zone->pages[expect]),
					    page);
			KUNIT_EXPECT_PTR_EQ(test,
					    page_address_by_block(zone, &zone->pages[expect]),
					    page);
		}
	}
	for (i = 0; i < ARRAY_SIZE(outside); i++) {
		KUNIT_EXPECT_EQ_MSG(test, toy_virt_to_idx(zone, outside[i]), -1L,
				    "address %u", i);
		KUNIT_EXPECT_EQ_MSG(test, page_index_by_block(zone, outside[i]), -1L,
				    "address %u", i);
	}
}

/* The orders in which every page of the zone is freed after taking all. */
enum free_pattern { FREE_FORWARD, FREE_BACKWARD, FREE_EVEN_ODD, FREE_RANDOM };

static const enum free_pattern free_patterns[] = {
	FREE_FORWARD, FREE_BACKWARD, FREE_EVEN_ODD, FREE_RANDOM,
};

static void free_pattern_desc(const enum free_pattern *p, char *desc)
{
	static const char * const names[] = {
		"forward", "backward", "even-then-odd", "random",
	};

	strscpy(desc, names[*p], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(free_pattern, free_patterns, free_pattern_desc);

static void shuffle(void **v, unsigned int n, struct rnd_state *rnd)
{
	unsigned int i, j;

	for (i = n - 1; i > 0; i--) {
		j = prandom_u32_state(rnd) % (i + 1);
		swap(v[i], v[j]);
	}
}

static void buddy_test_merge_any_order(struct kunit *test)
{
	const enum free_pattern *pattern = test->param_value;
	struct toy_zone *zone = test_zone(test);
	struct rnd_state rnd;
	unsigned int i, n = 0;
	void **pages;

	pages = kunit_kcalloc(test, TEST_PAGES, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < TEST_PAGES; i++) {
		pages[i] = toy_zone_alloc(zone, 0, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	KUNIT_EXPECT_NULL(test, toy_zone_alloc(zone, 0, GFP_NOWAIT));
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(zone), 0UL);

	prandom_seed_state(&rnd, 42);
	if (*pattern == FREE_RANDOM)
		shuffle(pages, TEST_PAGES, &rnd);
	for (i = 0; i < TEST_PAGES; i++) {
		switch (*pattern) {
		case FREE_BACKWARD:
			n = TEST_PAGES - 1 - i;
			break;
		case FREE_EVEN_ODD:
			n = i < TEST_PAGES / 2 ? 2 * i : 2 * (i - TEST_PAGES / 2) + 1;
			break;
		default:
			n = i;
		}
		KUNIT_ASSERT_EQ(test, toy_zone_free(zone, pages[n], 0), 0);
		if (i % 256 == 0)
			KUNIT_ASSERT_EQ(test, toy_zone_validate(zone), 0);
	}
	expect_fresh(test, zone);
}

static void buddy_test_exhaustion(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	void *big[TEST_BLOCKS], *page;
	unsigned int i;

	for (i = 0; i < TEST_BLOCKS; i++) {
		big[i] = toy_zone_alloc(zone, TOY_MAX_ORDER, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, big[i]);
	}
	KUNIT_EXPECT_NULL(test, toy_zone_alloc(zone, TOY_MAX_ORDER, GFP_NOWAIT));
	KUNIT_EXPECT_NULL(test, toy_zone_alloc(zone, 0, GFP_NOWAIT));
	KUNIT_EXPECT_NULL(test, toy_zone_alloc(zone, TOY_MAX_ORDER + 1, GFP_NOWAIT));
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);

	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, big[0], TOY_MAX_ORDER), 0);
	page = toy_zone_alloc(zone, 0, GFP_NOWAIT);
	KUNIT_EXPECT_PTR_EQ(test, page, big[0]);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, page, 0), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, big[1], TOY_MAX_ORDER), 0);
	expect_fresh(test, zone);
}

/* A bad free, described by how to make the address and the order from a
 * live order-2 block at @block.
 */
struct bad_free {
	const char *desc;
	void *(*addr)(struct kunit *test, void *block);
	unsigned int order;
	bool free_first;
};

static void *block_itself(struct kunit *test, void *block)
{
	return block;
}

static void *block_second_page(struct kunit *test, void *block)
{
	return block + PAGE_SIZE;
}

static void *block_unaligned(struct kunit *test, void *block)
{
	return block + 64;
}

static void *kernel_heap(struct kunit *test, void *block)
{
	return kunit_kzalloc(test, 64, GFP_KERNEL);
}

static void *not_in_direct_map(struct kunit *test, void *block)
{
	return (void *)test_zone;
}

static const struct bad_free bad_frees[] = {
	{ "outside the zone (kmalloc memory)", kernel_heap, 0 },
	{ "outside the zone (kernel text)", not_in_direct_map, 0 },
	{ "NULL", NULL, 0 },
	{ "second page of an order-2 block, order 0", block_second_page, 0 },
	{ "second page of an order-2 block, order 1", block_second_page, 1 },
	{ "not page aligned", block_unaligned, 2 },
	{ "wrong order, smaller", block_itself, 1 },
	{ "wrong order, larger", block_itself, 3 },
	{ "order out of range", block_itself, TOY_MAX_ORDER + 1 },
	{ "double free", block_itself, 2, true },
};

static void bad_free_desc(const struct bad_free *bad, char *desc)
{
	strscpy(desc, bad->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_free, bad_frees, bad_free_desc);

static void buddy_test_bad_free(struct kunit *test)
{
	const struct bad_free *bad = test->param_value;
	struct toy_zone *zone = test_zone(test);
	struct toy_free_area areas[TOY_NR_ORDERS];
	struct toy_page *before;
	void *block, *addr;
	size_t size = TEST_PAGES * sizeof(struct toy_page);

	block = toy_zone_alloc(zone, 2, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, block);
	if (bad->free_first)
		KUNIT_ASSERT_EQ(test, toy_zone_free(zone, block, 2), 0);
	addr = bad->addr ? bad->addr(test, block) : NULL;

	before = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	memcpy(before, zone->pages, size);
	memcpy(areas, zone->free_area, sizeof(areas));

	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, addr, bad->order), -EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(before, zone->pages, size), 0);
	KUNIT_EXPECT_EQ(test, memcmp(areas, zone->free_area, sizeof(areas)), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);

	/* The zone keeps working, and the block can still be freed properly. */
	if (!bad->free_first)
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, 2), 0);
	expect_fresh(test, zone);
}

#define CHURN_OPS	100000
#define CHURN_LIVE	512
#define CHURN_BATCH	1000

struct live_block {
	void *addr;
	unsigned int order;
	u32 tag;
};

/* Stamp a block's first and last word with a tag, to catch overlaps. */
static void stamp(struct live_block *b)
{
	size_t last = (PAGE_SIZE << b->order) / sizeof(u32) - 1;

	((u32 *)b->addr)[0] = b->tag;
	((u32 *)b->addr)[last] = b->tag;
}

static bool stamp_intact(const struct live_block *b)
{
	size_t last = (PAGE_SIZE << b->order) / sizeof(u32) - 1;

	return ((u32 *)b->addr)[0] == b->tag && ((u32 *)b->addr)[last] == b->tag;
}

static void buddy_test_random_churn(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	unsigned int op, n = 0, i, failures = 0;
	struct live_block *live;
	struct rnd_state rnd;

	live = kunit_kcalloc(test, CHURN_LIVE, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);
	prandom_seed_state(&rnd, 0x70ba110c);

	for (op = 0; op < CHURN_OPS; op++) {
		bool do_alloc = n == 0 ||
			(n < CHURN_LIVE && prandom_u32_state(&rnd) % 100 < 55);

		if (do_alloc) {
			/* Small orders are common, large ones rare. */
			unsigned int order = min_t(unsigned int, TOY_MAX_ORDER,
						   __ffs(prandom_u32_state(&rnd) | BIT(31)) / 2);
			void *addr = toy_zone_alloc(zone, order, GFP_NOWAIT);

			if (!addr) {
				failures++;
				continue;
			}
			KUNIT_ASSERT_TRUE(test, aligned_to_order(addr, order));
			live[n] = (struct live_block){ addr, order, op };
			stamp(&live[n++]);
		} else {
			i = prandom_u32_state(&rnd) % n;
			KUNIT_ASSERT_TRUE_MSG(test, stamp_intact(&live[i]),
					      "block of op %u overwritten", live[i].tag);
			KUNIT_ASSERT_EQ(test, toy_zone_free(zone, live[i].addr,
							    live[i].order), 0);
			live[i] = live[--n];
		}
		if (op % CHURN_BATCH == 0)
			KUNIT_ASSERT_EQ_MSG(test, toy_zone_validate(zone), 0,
					    "after op %u", op);
	}
	kunit_info(test, "%u ops, %u allocation failures, %u blocks live at the end\n",
		   CHURN_OPS, failures, n);
	while (n) {
		n--;
		KUNIT_ASSERT_TRUE(test, stamp_intact(&live[n]));
		KUNIT_ASSERT_EQ(test, toy_zone_free(zone, live[n].addr, live[n].order), 0);
	}
	expect_fresh(test, zone);
}

static void buddy_test_buddyinfo_line(struct kunit *test)
{
	struct seq_file *m = toy_test_seq_file(test);
	struct toy_zone *zone = test_zone(test);
	unsigned int order;
	char expect[160];
	int len;
	void *page;

	page = toy_zone_alloc(zone, 0, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, page);
	toy_zone_buddyinfo_show(m, zone);
	len = snprintf(expect, sizeof(expect), "Node %d, zone    kunit ",
		       page_to_nid(zone->blocks[0]));
	for (order = 0; order <= TOY_MAX_ORDER; order++)
		len += snprintf(expect + len, sizeof(expect) - len, "     1 ");
	snprintf(expect + len, sizeof(expect) - len, "\n");
	/* 11 columns of 7 characters after the 22 of "Node 0, zone    kunit ". */
	KUNIT_EXPECT_EQ(test, m->count, strlen(expect));
	KUNIT_EXPECT_EQ(test, m->count, 22 + 11 * 7 + 1);
	KUNIT_EXPECT_STREQ(test, m->buf, expect);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, page, 0), 0);
}

static void buddy_test_create_bad_args(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_zone_create("kunit", 0, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_zone_create("kunit", TOY_ZONE_MAX_BLOCKS + 1, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_zone_create("a-name-far-too-long", 1, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(toy_zone_create("", 1, 0)), -EINVAL);
}

static struct kunit_case buddy_test_cases[] = {
	KUNIT_CASE(buddy_test_every_order),
	KUNIT_CASE(buddy_test_split_leaves_one_per_order),
	KUNIT_CASE(buddy_test_block_head),
	KUNIT_CASE(buddy_test_order_block_head),
	KUNIT_CASE(buddy_test_page_index),
	KUNIT_CASE_PARAM(buddy_test_merge_any_order, free_pattern_gen_params),
	KUNIT_CASE(buddy_test_exhaustion),
	KUNIT_CASE_PARAM(buddy_test_bad_free, bad_free_gen_params),
	KUNIT_CASE(buddy_test_random_churn),
	KUNIT_CASE(buddy_test_buddyinfo_line),
	KUNIT_CASE(buddy_test_create_bad_args),
	{}
};

static struct kunit_suite buddy_test_suite = {
	.name = "toyalloc_buddy",
	.init = buddy_test_init,
	.exit = buddy_test_exit,
	.test_cases = buddy_test_cases,
};

/*
 * Per-CPU lists (TOY_ZONE_PCP).  The cases pin themselves to their CPU:
 * what one CPU frees waits on that CPU's list.
 */
static int buddy_pcp_test_init(struct kunit *test)
{
	struct toy_zone *zone = toy_zone_create("kunit-pcp", TEST_BLOCKS, TOY_ZONE_PCP);

	if (IS_ERR(zone))
		return PTR_ERR(zone);
	test->priv = zone;
	toy_test_pin_to_this_cpu(test);
	return 0;
}

static void expect_drained_fresh(struct kunit *test, struct toy_zone *zone)
{
	toy_zone_drain(zone);
	expect_fresh(test, zone);
}

/*
 * A freed block of order 0..3 waits on the list unmerged, and the next
 * allocation of its order takes that very block; both count in the stats.
 * Above order 3 the zone merges at once.
 */
static void buddy_pcp_test_reuse(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	unsigned long free_pages, nr_free[TOY_NR_ORDERS];
	struct toy_order_stats stats[TOY_NR_ORDERS];
	unsigned int order;
	void *block;

	for (order = 0; order <= 4; order++) {
		block = toy_zone_alloc(zone, order, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, block);
		free_pages = toy_zone_free_pages(zone);
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, order), 0);
		if (order == 4) {
			KUNIT_EXPECT_EQ(test, toy_zone_free_pages(zone), free_pages + 16);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, toy_zone_free_pages(zone), free_pages,
				    "order %u merged at once", order);
		KUNIT_EXPECT_PTR_EQ(test, toy_zone_alloc(zone, order, GFP_NOWAIT), block);
		KUNIT_EXPECT_EQ(test, toy_zone_free_pages(zone), free_pages);
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, order), 0);
	}
	toy_zone_snapshot(zone, nr_free, stats);
	for (order = 0; order <= 3; order++) {
		KUNIT_EXPECT_EQ_MSG(test, stats[order].allocs, 2UL, "order %u", order);
		KUNIT_EXPECT_EQ_MSG(test, stats[order].frees, 2UL, "order %u", order);
	}
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
	expect_drained_fresh(test, zone);
}

/* A listed block is free: a second free, or one of another order, is refused. */
static void buddy_pcp_test_bad_frees(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	void *block = toy_zone_alloc(zone, 1, GFP_NOWAIT), *other;

	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block + PAGE_SIZE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, 1), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
	/* Still listed once: one allocation takes it, the next splits anew. */
	KUNIT_EXPECT_PTR_EQ(test, toy_zone_alloc(zone, 1, GFP_NOWAIT), block);
	other = toy_zone_alloc(zone, 1, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_PTR_NE(test, other, block);
	toy_zone_drain(zone);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(zone), TEST_PAGES - 4);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, 1), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, other, 1), 0);
	expect_drained_fresh(test, zone);
}

/*
 * A CPU's lists hold fewer than high pages after a free: the free that
 * reaches high gives a batch back, and what is left waits unmerged.
 */
static void buddy_pcp_test_bounded(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	unsigned int order, i, n;
	unsigned long listed;
	void **blocks;

	n = zone->pcp_high + zone->pcp_batch + 8;
	blocks = kunit_kcalloc(test, n, sizeof(*blocks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blocks);
	for (order = 0; order <= 3; order++) {
		for (i = 0; i < n >> order; i++) {
			blocks[i] = toy_zone_alloc(zone, order, GFP_NOWAIT);
			KUNIT_ASSERT_NOT_NULL(test, blocks[i]);
		}
		for (i = 0; i < n >> order; i++)
			KUNIT_EXPECT_EQ(test, toy_zone_free(zone, blocks[i], order), 0);
		listed = TEST_PAGES - toy_zone_free_pages(zone);
		KUNIT_EXPECT_EQ_MSG(test, listed,
				    (unsigned long)toy_zone_pcp_pages(zone, raw_smp_processor_id()),
				    "order %u", order);
		KUNIT_EXPECT_LT_MSG(test, listed, (unsigned long)zone->pcp_high,
				    "order %u", order);
		KUNIT_EXPECT_GE_MSG(test, listed + zone->pcp_batch + BIT(order),
				    (unsigned long)zone->pcp_high, "order %u", order);
		KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
		expect_drained_fresh(test, zone);
	}
}

/*
 * high and batch follow the kernel's zone_highsize() and zone_batchsize()
 * for a zone of the same size: the figures below are the kernel's rules
 * worked by hand (min_free_kbytes = sqrt(16 * KiB); low watermark = min +
 * max(min / 4, 0.1% of the zone); high = low / CPUs, at least 4 batches).
 */
static void buddy_pcp_test_kernel_sizes(struct kunit *test)
{
	static const struct {
		unsigned int blocks, batch;
		unsigned long low;
	} sizes[] = {
		/* 4 MiB: min 256 KiB = 64 pages, low 64 + 16 */
		{ 1, 1, 80 },
		/* 8 MiB: min 362 KiB = 90 pages, low 90 + 22 */
		{ 2, 1, 112 },
		/* 64 MiB: batch min(16, 256) / 4 = 4 -> 3; min 1024 KiB = 256 pages */
		{ 16, 3, 320 },
	};
	unsigned int cpus = num_online_cpus(), i;
	struct toy_zone *zone;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		zone = toy_test_zone(test, "kunit-size", sizes[i].blocks, TOY_ZONE_PCP);
		KUNIT_EXPECT_EQ_MSG(test, zone->pcp_batch, sizes[i].batch,
				    "%u blocks", sizes[i].blocks);
		KUNIT_EXPECT_EQ_MSG(test, zone->pcp_high,
				    max(sizes[i].low / cpus, 4UL * sizes[i].batch),
				    "%u blocks, %u CPUs", sizes[i].blocks, cpus);
	}
}

/*
 * An empty list is filled with a batch of blocks in one round of the zone
 * lock: the zone's free pages drop by the whole batch, the caller gets one
 * block, and the rest wait on the list, refused as frees.
 */
static void buddy_pcp_test_refill(struct kunit *test)
{
	struct toy_zone *zone = toy_test_zone(test, "kunit-16", 16, TOY_ZONE_PCP);
	unsigned int cpu, order, nr;
	struct toy_zone_pcp *pcp;
	void *block, *listed;

	toy_test_pin_to_this_cpu(test);
	cpu = raw_smp_processor_id();
	pcp = per_cpu_ptr(zone->pcp, cpu);
	KUNIT_ASSERT_EQ(test, zone->pcp_batch, 3U);
	for (order = 0; order <= 3; order++) {
		nr = max(zone->pcp_batch >> order, 2U);
		block = toy_zone_alloc(zone, order, GFP_NOWAIT);
		KUNIT_ASSERT_NOT_NULL(test, block);
		KUNIT_EXPECT_EQ_MSG(test, toy_zone_free_pages(zone),
				    toy_zone_nr_pages(zone) - (nr << order), "order %u", order);
		KUNIT_EXPECT_EQ_MSG(test, pcp->count[order], nr - 1, "order %u", order);
		listed = toy_page_to_virt(zone, list_first_entry(&pcp->lists[order],
								 struct toy_page, lru));
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, listed, order), -EINVAL);
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, order), 0);
		KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
		toy_zone_drain(zone);
		KUNIT_EXPECT_EQ(test, toy_zone_free_pages(zone), toy_zone_nr_pages(zone));
	}
}

/*
 * With every page taken, eight freed buddies wait on the list; an order-3
 * allocation finds the free lists empty, gives this CPU's list back, and
 * gets the block they merge into.
 */
static void buddy_pcp_test_drain_on_failure(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	void *group, *page;
	unsigned long i;

	for (i = 0; i < TEST_PAGES; i++)
		KUNIT_ASSERT_NOT_NULL(test, toy_zone_alloc(zone, 0, GFP_NOWAIT));
	KUNIT_EXPECT_NULL(test, toy_zone_alloc(zone, 0, GFP_NOWAIT));
	group = toy_page_to_virt(zone, &zone->pages[8]);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, toy_zone_free(zone, group + i * PAGE_SIZE, 0), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(zone), 0UL);
	KUNIT_EXPECT_PTR_EQ(test, toy_zone_alloc(zone, 3, GFP_NOWAIT), group);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, group, 3), 0);
	for (i = 0; i < TEST_PAGES; i++) {
		page = toy_page_to_virt(zone, &zone->pages[i]);
		if (i < 8 || i >= 16)
			KUNIT_EXPECT_EQ(test, toy_zone_free(zone, page, 0), 0);
	}
	expect_drained_fresh(test, zone);
}

/*
 * An allocation or free that finds this CPU's lists busy, as one made in
 * an interrupt of this CPU's work on them does, goes around them: the
 * allocation splits a free block and leaves the listed one where it is,
 * the free merges at once, and a second free is still refused.
 */
static void buddy_pcp_test_busy_lists(struct kunit *test)
{
	struct toy_zone *zone = test_zone(test);
	unsigned long free_before, free_taken, free_after;
	unsigned int listed_before, listed_count;
	struct toy_zone_pcp *pcp;
	int freed, freed_again;
	void *listed, *page;

	toy_test_needs_trylock(test);
	listed = toy_zone_alloc(zone, 0, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, listed);
	KUNIT_ASSERT_EQ(test, toy_zone_free(zone, listed, 0), 0);

	preempt_disable();
	pcp = this_cpu_ptr(zone->pcp);
	listed_before = pcp->count[0];
	toy_test_set_held(&pcp->lock, 1);
	free_before = toy_zone_free_pages(zone);
	page = toy_zone_alloc(zone, 0, GFP_NOWAIT);
	free_taken = toy_zone_free_pages(zone);
	freed = page ? toy_zone_free(zone, page, 0) : -ENOMEM;
	freed_again = page ? toy_zone_free(zone, page, 0) : -ENOMEM;
	free_after = toy_zone_free_pages(zone);
	listed_count = pcp->count[0];
	toy_test_set_held(&pcp->lock, 0);
	preempt_enable();

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_PTR_NE(test, page, listed);
	KUNIT_EXPECT_EQ(test, free_taken, free_before - 1);
	KUNIT_EXPECT_EQ(test, freed, 0);
	KUNIT_EXPECT_EQ(test, freed_again, -EINVAL);
	KUNIT_EXPECT_EQ(test, free_after, free_before);
	KUNIT_EXPECT_EQ(test, listed_count, listed_before);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
	/* With the lists free again, the listed block is the next one out. */
	KUNIT_EXPECT_PTR_EQ(test, toy_zone_alloc(zone, 0, GFP_NOWAIT), listed);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, listed, 0), 0);
	expect_drained_fresh(test, zone);
}

static long alloc_and_free_page(void *arg)
{
	struct toy_zone *zone = arg;
	void *page = toy_zone_alloc(zone, 0, GFP_NOWAIT);

	return page ? toy_zone_free(zone, page, 0) : -ENOMEM;
}

/*
 * A page freed on another CPU waits on that CPU's list, so a one-block
 * zone has no order-10 block: an allocation that cannot sleep fails, and
 * is counted so; one that may sleep gives every CPU's lists back and gets
 * the block.
 */
static void buddy_pcp_test_reclaim_other_cpu(struct kunit *test)
{
	struct toy_zone *zone = toy_test_zone(test, "kunit-1", 1, TOY_ZONE_PCP);
	int cpu, other = -1;
	void *block;

	toy_test_pin_to_this_cpu(test);
	for_each_online_cpu(cpu)
		if (cpu != raw_smp_processor_id())
			other = cpu;
	if (other < 0)
		kunit_skip(test, "needs a second online CPU");
	KUNIT_ASSERT_EQ(test, work_on_cpu(other, alloc_and_free_page, zone), 0L);
	KUNIT_EXPECT_EQ(test, per_cpu_ptr(zone->pcp, other)->count[0], 1U);

	KUNIT_EXPECT_NULL(test, toy_zone_alloc(zone, TOY_MAX_ORDER, GFP_NOWAIT));
	KUNIT_EXPECT_EQ(test, zone->failures[TOY_FAIL_NOWAIT], 1UL);
	block = toy_zone_alloc(zone, TOY_MAX_ORDER, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_EQ(test, per_cpu_ptr(zone->pcp, other)->count[0], 0U);
	KUNIT_EXPECT_EQ(test, zone->failures[TOY_FAIL_RECLAIMED], 0UL);
	/* The block is really in use now: even reclaim finds nothing. */
	KUNIT_EXPECT_NULL(test, toy_zone_alloc(zone, 0, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, zone->failures[TOY_FAIL_RECLAIMED], 1UL);
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, block, TOY_MAX_ORDER), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
}

static struct kunit_case buddy_pcp_test_cases[] = {
	KUNIT_CASE(buddy_pcp_test_reuse),
	KUNIT_CASE(buddy_pcp_test_bad_frees),
	KUNIT_CASE(buddy_pcp_test_bounded),
	KUNIT_CASE(buddy_pcp_test_kernel_sizes),
	KUNIT_CASE(buddy_pcp_test_refill),
	KUNIT_CASE(buddy_pcp_test_drain_on_failure),
	KUNIT_CASE(buddy_pcp_test_busy_lists),
	KUNIT_CASE(buddy_pcp_test_reclaim_other_cpu),
	{}
};

static struct kunit_suite buddy_pcp_test_suite = {
	.name = "toyalloc_buddy_pcp",
	.init = buddy_pcp_test_init,
	.exit = buddy_test_exit,
	.test_cases = buddy_pcp_test_cases,
};

kunit_test_suites(&buddy_test_suite, &buddy_pcp_test_suite);

MODULE_DESCRIPTION("KUnit tests for toyalloc");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
