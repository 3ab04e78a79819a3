// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc buddy page allocator
 *
 * How it works
 * ============
 *
 * A zone is built from nr_blocks blocks of 2^TOY_MAX_ORDER pages, each taken
 * from the kernel with alloc_pages().  The blocks need not be next to each
 * other: like the kernel's MAX_ORDER, the largest block the zone hands out is
 * one of them, and two of them are never merged.  Pages are numbered by a
 * zone-wide page index, block index * 1024 + page within the block, so a
 * block of order k always starts at an index that is a multiple of 2^k and
 * its buddy is found by flipping bit k of that index.  The blocks are kept
 * in physical order; when they form one range, as blocks taken one after
 * the other usually do, an address's page index is its offset from the
 * zone's first page, and every lookup from an address is a subtraction.
 *
 * There is one free list per order.  Allocating 2^order pages takes the first
 * block of the smallest order >= order that has one (best fit, searching
 * upward), and splits it in halves down to the requested order, putting each
 * unused upper half on the free list of its order.  Freeing a block of order
 * k looks at its buddy: if the buddy is itself a free block of exactly order
 * k, both leave the free lists and become one free block of order k + 1,
 * aligned to its new size because the lower of the two indices is taken; this
 * repeats upward until the buddy is allocated, split, or k reaches
 * TOY_MAX_ORDER.
 *
 * Per-page metadata
 * -----------------
 * Each page has a struct toy_page (buddy.h).  Its meta byte is the buddy
 * tag of the lecture:
 *
 *	bit 7	HEAD	the page is the first page of a block; all other
 *			pages of a block have meta == 0
 *	bit 6	TAG	the block is allocated (clear: free)
 *	bit 5	TYPE	the block's parent is the right half of its own parent
 *	bit 4	TYPE	the block is the right buddy of its pair
 *	bits 3-0 INDEX	the order of the block
 *
 * The TYPE bits follow from the index (bits k and k + 1 of a block of order
 * k) and are kept to make the tag self-describing: the validator checks them
 * against the index, so a stray write into the metadata is caught.  Only
 * head pages carry a tag, so a merge clears the tag of the buddy that stops
 * being a head, and the block containing any page is found by trying the
 * aligned start at each of the 11 orders (toy_zone_block_head()).
 *
 * The free lists link struct toy_page, not the free memory, so a caller that
 * writes to memory it has freed cannot corrupt the allocator's state.  The
 * metadata costs sizeof(struct toy_page) == 48 bytes per 4096-byte page on
 * 64-bit, plus one pointer per block.
 *
 * Checking frees
 * --------------
 * A free names an address and an order.  Before anything changes, the zone
 * checks that the address is a page of this zone (see toy_virt_to_idx()), that it is
 * aligned to the order, that it starts an allocated block, and that the block
 * was allocated with that order.  A free that fails any check is reported
 * once (rate-limited), returns an errno and leaves the zone untouched.
 *
 * Per-CPU lists
 * -------------
 * A zone created with TOY_ZONE_PCP keeps, for each CPU, lists of blocks of
 * orders 0..TOY_PCP_MAX_ORDER its users have just freed, as the kernel's
 * per-CPU page lists do below PAGE_ALLOC_COSTLY_ORDER: a free of such a
 * block pushes it on its CPU's list of that order, and an allocation of
 * that order pops the most recently freed one, cache-hot, with neither
 * the zone lock nor a split or a merge.  An allocation that finds its list
 * empty fills it with a batch of blocks taken under one round of the zone
 * lock; a free that brings a CPU's lists to high pages gives a batch of
 * pages back, the oldest blocks of the freed order first.  Listed blocks
 * are still allocated in the buddy's eyes, so /proc/toybuddyinfo does not
 * count them, as /proc/buddyinfo does not count the kernel's.
 *
 * high and batch are the kernel's (mm/page_alloc.c, as 6.1 has them),
 * computed once, when the zone is made, for a zone of the same size shared
 * by the CPUs online then (the kernel recomputes them on CPU hotplug, and
 * from 6.7 tunes high between bounds): zone_batchsize() takes about 0.1% of the zone,
 * at most 1 MiB, divides it by 4 and rounds it to 2^n - 1; zone_highsize()
 * splits the zone's low watermark between the CPUs, and never goes below
 * four batches.  A toy zone has no watermarks of its own, so the low
 * watermark is the one the kernel would give a machine whose memory were
 * the zone: min_free_kbytes = sqrt(16 * size in KiB), plus a quarter of it
 * or watermark_scale_factor's 0.1% of the zone, whichever is more.  A zone
 * of 16 blocks (64 MiB) shared by two CPUs gets batch 3 and high 160 pages
 * per CPU; debugfs "pagesets" shows them beside each CPU's count, as
 * /proc/zoneinfo does.  As in 6.1, a refill does not look at high: a CPU
 * may sit above it by part of a batch until its next free trims it.
 *
 * Every list goes back to the free lists on toy_zone_drain(); this CPU's,
 * when an allocation finds the free lists empty; a CPU's, as soon as it
 * is dead after going offline (cpus.c).  A free of a listed block is
 * refused through the head page's freed byte: the first free checks the
 * block's tag and sets that byte in one compare-and-exchange of the word
 * holding both, so that no change to the block between the check and the
 * claim goes unseen.
 *
 * Poisoning
 * ---------
 * A zone created with TOY_ZONE_POISON fills every free block with
 * PAGE_POISON and checks, when it hands a block out, that nobody wrote to
 * it while it was free: a write after free is reported and the poison
 * restored.  Freshly poisoned halves of split blocks need no work.
 *
 * KASAN
 * -----
 * In a kernel built with KASAN and toyalloc built in, free blocks are
 * poisoned in KASAN's shadow (kasan_poison_pages()) and unpoisoned when
 * handed out, so any access to a free block of the zone is a KASAN report.
 * The hooks are not exported to modules, so a modular toyalloc goes
 * without.
 *
 * Locking
 * -------
 * zone->lock, an irq-safe spinlock, protects the free lists, their counters
 * and every meta byte.  A CPU's lists are its own: it holds them with
 * preemption off, interrupts on (struct toy_local_trylock, cpus.h), and an
 * allocation or free made in an interrupt of that work goes around them,
 * to the free lists.  toy_zone_drain() runs on each CPU in turn (cpus.c);
 * toy_zone_destroy() has the zone to itself.  toy_zone_free() never
 * sleeps, nor does toy_zone_alloc() with a GFP that does not allow
 * blocking: both may be called from any context but NMI, except on
 * PREEMPT_RT, where zone->lock and the lists' lock sleep (cpus.h), and
 * they may be called from tasks and threaded interrupt handlers only, as
 * the kernel's page allocator there.  An allocation
 * that may sleep and finds nothing reclaims before it fails: every CPU's
 * lists, then the zone's reclaimers under reclaim_mutex (the slab caches,
 * as the kernel's shrinkers), which may sleep and must not allocate from
 * the zone with a GFP that allows blocking.  The lists' lock is taken
 * before zone->lock.  The block numbers in the blocks' first struct pages
 * are written only while the zone is created and destroyed; address lookups
 * are lockless.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/poison.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "../internal.h"
#include "trace.h"

/* The metadata cost per page that the design comment and README state. */
static_assert(!IS_ENABLED(CONFIG_64BIT) || sizeof(struct toy_page) == 48);

/* zone_batchsize() of the kernel for a zone of @nr_pages pages. */
static unsigned int toy_pcp_batch_for(unsigned long nr_pages)
{
	unsigned long batch = min(nr_pages >> 10, SZ_1M / PAGE_SIZE) / 4;

	batch = max(batch, 1UL);
	/* 2^n - 1: powers of two were found to alias badly in caches. */
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;
	return max(batch, 1UL);
}

/*
 * zone_highsize() of the kernel for a zone of @nr_pages pages shared by
 * @cpus CPUs, with the low watermark init_per_zone_wmark_min() and
 * __setup_per_zone_wmarks() would set were the zone all of memory.
 */
static unsigned int toy_pcp_high_for(unsigned long nr_pages,
				     unsigned int batch, unsigned int cpus)
{
	unsigned long kbytes = nr_pages << (PAGE_SHIFT - 10);
	unsigned long min_kbytes = clamp(int_sqrt(kbytes * 16), 128UL, 262144UL);
	unsigned long min = min_kbytes >> (PAGE_SHIFT - 10);
	unsigned long low = min + max(min / 4, mult_frac(nr_pages, 10UL, 10000UL));

	return max(low / max(cpus, 1U), (unsigned long)batch * 4);
}

/* Blocks of @order an empty list is filled with, as the kernel's rmqueue_bulk(). */
static unsigned int toy_pcp_refill_blocks(struct toy_zone *zone, unsigned int order)
{
	return zone->pcp_batch > 1 ? max(zone->pcp_batch >> order, 2U) : 1;
}

static bool toy_pcp_order(struct toy_zone *zone, unsigned int order)
{
	return zone->pcp && order <= TOY_PCP_MAX_ORDER;
}

static u8 toy_meta(unsigned long idx, unsigned int order, bool allocated)
{
	u8 meta = TOY_META_HEAD | order;

	if (allocated)
		meta |= TOY_META_ALLOCATED;
	if (order < TOY_MAX_ORDER && (idx & BIT(order)))
		meta |= TOY_META_RIGHT;
	if (order + 1 < TOY_MAX_ORDER && (idx & BIT(order + 1)))
		meta |= TOY_META_PARENT_RIGHT;
	return meta;
}

static bool toy_is_free_head(u8 meta)
{
	return toy_is_head(meta) && !(meta & TOY_META_ALLOCATED);
}

static unsigned long toy_page_to_idx(struct toy_zone *zone,
				     const struct toy_page *page)
{
	return page - zone->pages;
}

static void toy_free_list_add(struct toy_zone *zone, unsigned long idx,
			      unsigned int order)
{
	struct toy_page *page = &zone->pages[idx];

	lockdep_assert_held(&zone->lock);
	VM_WARN_ON_ONCE(order > TOY_MAX_ORDER || idx & (BIT(order) - 1));

	WRITE_ONCE(page->state.meta, toy_meta(idx, order, false));
	list_add(&page->lru, &zone->free_area[order].free_list);
	zone->free_area[order].nr_free++;
}

static void toy_free_list_del(struct toy_zone *zone, unsigned long idx,
			      unsigned int order)
{
	struct toy_page *page = &zone->pages[idx];

	lockdep_assert_held(&zone->lock);
	VM_WARN_ON_ONCE(order > TOY_MAX_ORDER || idx & (BIT(order) - 1));

	list_del(&page->lru);
	WRITE_ONCE(page->state.meta, 0);
	zone->free_area[order].nr_free--;
}

#if IS_BUILTIN(CONFIG_TOYALLOC) && IS_ENABLED(CONFIG_KASAN)
static void toy_kasan_free_block(void *addr, unsigned int order)
{
	kasan_poison_pages(virt_to_page(addr), order, false);
}

static void toy_kasan_alloc_block(void *addr, unsigned int order)
{
	kasan_unpoison_pages(virt_to_page(addr), order, false);
}
#else
static void toy_kasan_free_block(void *addr, unsigned int order)
{
}

static void toy_kasan_alloc_block(void *addr, unsigned int order)
{
}
#endif

/* A block leaving the free lists must still hold PAGE_POISON everywhere. */
static void toy_check_poison(struct toy_zone *zone, void *addr,
			     unsigned long idx, unsigned int order)
{
	size_t size = PAGE_SIZE << order;
	u8 *bad = memchr_inv(addr, PAGE_POISON, size);

	if (!bad)
		return;
	if (toy_report_ratelimit()) {
		toy_report_bug("zone %s: free block overwritten: page %lu order %u byte %zu=0x%02x",
			       zone->name, idx, order, (size_t)(bad - (u8 *)addr), *bad);
		print_hex_dump(KERN_ERR, KBUILD_MODNAME ": ", DUMP_PREFIX_OFFSET, 16, 1,
			       bad, min_t(size_t, 64, (u8 *)addr + size - bad), false);
		pr_err("FIX zone %s: poison restored\n", zone->name);
	}
	memset(addr, PAGE_POISON, size);
}

/*
 * Put the free block (@idx, @order) on the free lists, merged with its free
 * buddies; zone->lock held.
 */
static void toy_buddy_put(struct toy_zone *zone, unsigned long idx,
			  unsigned int order)
{
	unsigned long buddy;

	lockdep_assert_held(&zone->lock);
	VM_WARN_ON_ONCE(order > TOY_MAX_ORDER || idx & (BIT(order) - 1));

	WRITE_ONCE(zone->pages[idx].state.meta, 0);
	while (order < TOY_MAX_ORDER) {
		buddy = idx ^ BIT(order);
		if (zone->pages[buddy].state.meta != toy_meta(buddy, order, false))
			break;
		toy_free_list_del(zone, buddy, order);
		zone->stats[order].merges++;
		idx &= ~BIT(order);
		order++;
	}
	toy_free_list_add(zone, idx, order);
}

/* Give the listed blocks of @order on @blocks back to the free lists. */
static void toy_pcp_give_back(struct toy_zone *zone, struct list_head *blocks,
			      unsigned int order)
{
	struct toy_page *page, *next;
	unsigned long flags;

	if (list_empty(blocks))
		return;
	spin_lock_irqsave(&zone->lock, flags);
	list_for_each_entry_safe(page, next, blocks, lru) {
		list_del(&page->lru);
		toy_buddy_put(zone, toy_page_to_idx(zone, page), order);
	}
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* Move every block of @pcp's lists to @blocks; false when there were none. */
static bool toy_pcp_take_all(struct toy_zone_pcp *pcp, struct list_head *blocks)
{
	unsigned int order;
	bool any = false;

	for (order = 0; order < TOY_PCP_ORDERS; order++) {
		INIT_LIST_HEAD(&blocks[order]);
		any |= pcp->count[order] != 0;
		list_splice_init(&pcp->lists[order], &blocks[order]);
		pcp->count[order] = 0;
	}
	pcp->pages = 0;
	return any;
}

/*
 * Move the oldest blocks of @pcp's lists to @blocks until a batch of pages
 * has moved: those of @order first, the one just freed to, then the others'.
 */
static void toy_pcp_take_batch(struct toy_zone *zone, struct toy_zone_pcp *pcp,
			       unsigned int order, struct list_head *blocks)
{
	unsigned int i, o, moved = 0;

	for (i = 0; i < TOY_PCP_ORDERS; i++) {
		o = (order + i) % TOY_PCP_ORDERS;
		INIT_LIST_HEAD(&blocks[o]);
		while (moved < zone->pcp_batch && pcp->count[o]) {
			list_move(pcp->lists[o].prev, &blocks[o]);
			pcp->count[o]--;
			pcp->pages -= 1U << o;
			moved += 1U << o;
		}
	}
}

static void toy_pcp_give_back_all(struct toy_zone *zone, struct list_head *blocks)
{
	unsigned int order;

	for (order = 0; order < TOY_PCP_ORDERS; order++)
		toy_pcp_give_back(zone, &blocks[order], order);
}

/*
 * Give this CPU's lists back to the free lists.  False when they were
 * empty, or when this CPU is at work on them (we interrupted it).
 */
static bool toy_pcp_drain_local(struct toy_zone *zone)
{
	struct list_head blocks[TOY_PCP_ORDERS];
	bool any;

	if (!toy_local_trylock(&zone->pcp->lock))
		return false;
	any = toy_pcp_take_all(this_cpu_ptr(zone->pcp), blocks);
	toy_local_unlock(&zone->pcp->lock);
	toy_pcp_give_back_all(zone, blocks);
	return any;
}

/* Give @cpu's lists back: on @cpu itself, with @cpu offline, or no user left. */
static void toy_pcp_drain_cpu(int cpu, void *arg)
{
	struct list_head blocks[TOY_PCP_ORDERS];
	struct toy_zone *zone = arg;

	toy_local_lock_cpu(&zone->pcp->lock, cpu);
	toy_pcp_take_all(per_cpu_ptr(zone->pcp, cpu), blocks);
	toy_local_unlock_cpu(&zone->pcp->lock, cpu);
	toy_pcp_give_back_all(zone, blocks);
}

/* A block handed out has no owner yet, and its next free is its first. */
static void toy_block_handed_out(struct toy_page *page)
{
	WRITE_ONCE(page->slab.cache, NULL);
	page->state.slab_broken = false;
	WRITE_ONCE(page->state.freed, 0);
	INIT_LIST_HEAD(&page->lru);
}

/*
 * The whole state of a block of @order at @idx leaving the free lists,
 * written at once: allocated, and freed too when it goes on a per-CPU list,
 * so that a free racing with the refill never sees it as a live block.
 */
static void toy_block_taken(struct toy_page *page, unsigned long idx,
			    unsigned int order, bool listed)
{
	union toy_page_state state = { .word = 0 };

	state.meta = toy_meta(idx, order, true);
	state.freed = listed;
	WRITE_ONCE(page->slab.cache, NULL);
	INIT_LIST_HEAD(&page->lru);
	WRITE_ONCE(page->state.word, state.word);
}

/*
 * Take a block of @order off the free lists: the first block of the
 * smallest order that has one, split down; @listed when it goes on a
 * per-CPU list.  NULL when there is none.
 */
static struct toy_page *toy_buddy_take_locked(struct toy_zone *zone,
					      unsigned int order, bool listed)
{
	struct toy_page *page;
	unsigned long idx;
	unsigned int k;

	lockdep_assert_held(&zone->lock);

	for (k = order; k <= TOY_MAX_ORDER; k++)
		if (zone->free_area[k].nr_free)
			break;
	if (k > TOY_MAX_ORDER)
		return NULL;

	page = list_first_entry(&zone->free_area[k].free_list,
				struct toy_page, lru);
	idx = toy_page_to_idx(zone, page);
	toy_free_list_del(zone, idx, k);
	while (k > order) {
		zone->stats[k].splits++;
		k--;
		toy_free_list_add(zone, idx + BIT(k), k);
	}
	toy_block_taken(page, idx, order, listed);
	return page;
}

/* toy_buddy_take_locked() for a user: the block counts as allocated. */
static struct toy_page *toy_buddy_take(struct toy_zone *zone, unsigned int order)
{
	struct toy_page *page;
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	page = toy_buddy_take_locked(zone, order, false);
	if (page)
		zone->stats[order].allocs++;
	spin_unlock_irqrestore(&zone->lock, flags);
	return page;
}

static void toy_zone_alloc_failed(struct toy_zone *zone, unsigned int order,
				  enum toy_zone_fail why)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	zone->stats[order].failures++;
	zone->failures[why]++;
	spin_unlock_irqrestore(&zone->lock, flags);
	trace_toy_page_alloc_fail(zone->name, order);
}

/*
 * Fill @pcp's empty list of @order with up to @nr blocks off the free lists,
 * in one round of the zone lock.  They stay allocated in the buddy's eyes and
 * are marked freed, as every listed block is, so a free of one is refused.
 * Returns how many it took.
 */
static unsigned int toy_pcp_refill(struct toy_zone *zone,
				   struct toy_zone_pcp *pcp,
				   unsigned int order, unsigned int nr)
{
	struct toy_page *page;
	unsigned long flags;
	unsigned int taken;

	spin_lock_irqsave(&zone->lock, flags);
	for (taken = 0; taken < nr; taken++) {
		page = toy_buddy_take_locked(zone, order, true);
		if (!page)
			break;
		list_add_tail(&page->lru, &pcp->lists[order]);
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	pcp->count[order] += taken;
	pcp->pages += taken << order;
	return taken;
}

/*
 * The most recently freed block of @order on this CPU's list, after a
 * refill if the list was empty; NULL when the free lists had nothing either
 * or when this call interrupted the CPU's work on its lists.
 */
static struct toy_page *toy_pcp_pop(struct toy_zone *zone, unsigned int order)
{
	struct toy_zone_pcp *pcp;
	struct toy_page *page;

	if (!toy_local_trylock(&zone->pcp->lock))
		return NULL;
	pcp = this_cpu_ptr(zone->pcp);
	if (list_empty(&pcp->lists[order]))
		toy_pcp_refill(zone, pcp, order, toy_pcp_refill_blocks(zone, order));
	page = list_first_entry_or_null(&pcp->lists[order], struct toy_page, lru);
	if (page) {
		list_del(&page->lru);
		pcp->count[order]--;
		pcp->pages -= 1U << order;
		pcp->allocs[order]++;
	}
	toy_local_unlock(&zone->pcp->lock);
	if (page)
		toy_block_handed_out(page);
	return page;
}

/*
 * The last resort of an allocation that may sleep, as the kernel's
 * drain_all_pages() and shrinkers before it fails one: every CPU's lists
 * go back to the free lists, the zone's users give back what they hold
 * without using (free slabs, cached objects), the freed blocks that landed
 * on this CPU's lists go back too, and the search is made once more.
 */
static struct toy_page *toy_zone_reclaim_take(struct toy_zone *zone,
					      unsigned int order)
{
	struct toy_zone_reclaimer *r;
	struct toy_page *page;

	might_sleep();
	toy_zone_drain(zone);
	page = toy_buddy_take(zone, order);
	if (page)
		return page;
	mutex_lock(&zone->reclaim_mutex);
	list_for_each_entry(r, &zone->reclaimers, node)
		r->reclaim(r);
	mutex_unlock(&zone->reclaim_mutex);
	toy_zone_drain(zone);
	return toy_buddy_take(zone, order);
}

/**
 * toy_zone_alloc() - allocate 2^@order contiguous pages from a zone
 * @zone: the zone
 * @order: 0..TOY_MAX_ORDER
 * @gfp: GFP_KERNEL where the caller may sleep, GFP_NOWAIT or GFP_ATOMIC
 *	where it may not; __GFP_ZERO zeroes the block; other bits are ignored
 *
 * Takes the most recently freed block of this CPU's list of @order, if the
 * zone keeps such lists, else the smallest free block of at least @order,
 * split down; when there is none, this CPU's lists are given back first
 * (unless this call interrupted the CPU's work on them) and the search made
 * again.  That far it never sleeps, and it is callable from any context but
 * NMI.  When @gfp allows blocking and that found nothing, every CPU's lists
 * are given back and the zone's reclaimers (the slab caches on it) give
 * back their free slabs before a last search, so that an allocation that
 * may sleep fails only when the pages are really in use; that may sleep.
 * Failures are counted by reason (enum toy_zone_fail; the debugfs stats
 * file shows them).  The block is zeroed for __GFP_ZERO or when
 * init_on_alloc is on.
 *
 * Return: the address of the first page, aligned to PAGE_SIZE << @order, or
 * NULL when @order is out of range or no block is large enough.
 */
void *toy_zone_alloc(struct toy_zone *zone, unsigned int order, gfp_t gfp)
{
	struct toy_page *page = NULL;
	unsigned long idx;
	void *addr;

	if (order > TOY_MAX_ORDER)
		return NULL;
	if (toy_pcp_order(zone, order))
		page = toy_pcp_pop(zone, order);
	if (!page && toy_should_fail(PAGE_SIZE << order)) {
		toy_zone_alloc_failed(zone, order, TOY_FAIL_INJECTED);
		return NULL;
	}
	if (!page) {
		page = toy_buddy_take(zone, order);
		/* This CPU's listed blocks may be what a merge lacks. */
		if (!page && zone->pcp && toy_pcp_drain_local(zone))
			page = toy_buddy_take(zone, order);
	}
	if (!page && gfpflags_allow_blocking(gfp)) {
		page = toy_zone_reclaim_take(zone, order);
		if (!page) {
			toy_zone_alloc_failed(zone, order, TOY_FAIL_RECLAIMED);
			return NULL;
		}
	}
	if (!page) {
		toy_zone_alloc_failed(zone, order, TOY_FAIL_NOWAIT);
		return NULL;
	}

	idx = toy_page_to_idx(zone, page);
	trace_toy_page_alloc(zone->name, idx, order);
	addr = toy_page_to_virt(zone, page);
	toy_kasan_alloc_block(addr, order);
	if (zone->flags & TOY_ZONE_POISON)
		toy_check_poison(zone, addr, idx, order);
	if (want_init_on_alloc(gfp))
		memset(addr, 0, PAGE_SIZE << order);
	return addr;
}
EXPORT_SYMBOL_GPL(toy_zone_alloc);

/* Why a free of (@idx, @order) must be refused, or NULL when it is valid. */
static const char *toy_bad_free_reason(struct toy_zone *zone, const void *addr,
				       long idx, unsigned int order)
{
	u8 meta;

	if (idx < 0)
		return "not a page of this zone";
	if (offset_in_page(addr))
		return "not page aligned";
	if (order > TOY_MAX_ORDER)
		return "order out of range";
	if (idx & (BIT(order) - 1))
		return "not aligned to its order";
	meta = READ_ONCE(zone->pages[idx].state.meta);
	if (!toy_is_head(meta))
		return "not the start of a block";
	if (!(meta & TOY_META_ALLOCATED))
		return "double free: the block is already free";
	if (toy_meta_order(meta) != order)
		return "order differs from the allocated order";
	return NULL;
}

/*
 * Push a freed block on this CPU's list; trim a list grown too long.  A
 * free that interrupted this CPU's work on its lists gives the block
 * straight back to the free lists.
 */
static void toy_pcp_push(struct toy_zone *zone, struct toy_page *page,
			 unsigned int order)
{
	struct list_head trim[TOY_PCP_ORDERS];
	struct toy_zone_pcp *pcp;
	unsigned long flags;

	if (!toy_local_trylock(&zone->pcp->lock)) {
		spin_lock_irqsave(&zone->lock, flags);
		zone->stats[order].frees++;
		zone->pcp_busy_frees++;
		toy_buddy_put(zone, toy_page_to_idx(zone, page), order);
		spin_unlock_irqrestore(&zone->lock, flags);
		return;
	}
	pcp = this_cpu_ptr(zone->pcp);
	list_add(&page->lru, &pcp->lists[order]);
	pcp->frees[order]++;
	pcp->count[order]++;
	pcp->pages += 1U << order;
	if (pcp->pages < zone->pcp_high) {
		toy_local_unlock(&zone->pcp->lock);
		return;
	}
	toy_pcp_take_batch(zone, pcp, order, trim);
	toy_local_unlock(&zone->pcp->lock);
	toy_pcp_give_back_all(zone, trim);
}

/*
 * Claim a block that goes on a per-CPU list for its free, without the zone
 * lock: the checks of toy_zone_free(), then the tag checked and the block
 * marked freed in one compare-and-exchange, so a block that changed in
 * between (a racing second free, or a merge and reuse after one) is
 * refused.  Returns why the free is refused, or NULL once it is claimed.
 */
static const char *toy_pcp_claim_block(struct toy_zone *zone,
				       const void *addr, long idx,
				       unsigned int order)
{
	const char *reason = toy_bad_free_reason(zone, addr, idx, order);
	struct toy_page *page;
	union toy_page_state old, new;

	if (reason)
		return reason;
	page = &zone->pages[idx];
	old.word = READ_ONCE(page->state.word);
	new = old;
	new.freed = 1;
	if (old.freed || toy_meta_order(old.meta) != order ||
	    !(old.meta & TOY_META_ALLOCATED) || !toy_is_head(old.meta) ||
	    !try_cmpxchg(&page->state.word, &old.word, new.word))
		return "double free: the block is already free";
	return NULL;
}

static void toy_report_bad_free(struct toy_zone *zone, const void *addr,
				unsigned int order, const char *reason)
{
	if (toy_report_ratelimit())
		pr_err("zone %s: bad free of %p (order %u): %s\n",
		       zone->name, addr, order, reason);
}

/* What a block's memory goes through when its user gives it back. */
static void toy_block_freed(struct toy_zone *zone, void *addr, long idx,
			    unsigned int order)
{
	trace_toy_page_free(zone->name, idx, order);
	if (zone->flags & TOY_ZONE_POISON)
		memset(addr, PAGE_POISON, PAGE_SIZE << order);
	toy_kasan_free_block(addr, order);
}

/**
 * toy_zone_free() - give a block back to its zone
 * @zone: the zone it was allocated from
 * @addr: the address toy_zone_alloc() returned
 * @order: the order it was allocated with
 *
 * Pushes the block on this CPU's list of @order if the zone keeps one, else
 * merges it with its free buddies.  A free that is not of an allocated
 * block of exactly this order is refused with one rate-limited error line,
 * and the zone is left exactly as it was.  Never sleeps.
 *
 * Return: 0, or -EINVAL for a refused free.
 */
int toy_zone_free(struct toy_zone *zone, void *addr, unsigned int order)
{
	long idx = toy_virt_to_idx(zone, addr);
	const char *reason;
	unsigned long flags;

	if (toy_pcp_order(zone, order)) {
		reason = toy_pcp_claim_block(zone, addr, idx, order);
		if (reason) {
			toy_report_bad_free(zone, addr, order, reason);
			return -EINVAL;
		}
		toy_block_freed(zone, addr, idx, order);
		toy_pcp_push(zone, &zone->pages[idx], order);
		return 0;
	}

	spin_lock_irqsave(&zone->lock, flags);
	reason = toy_bad_free_reason(zone, addr, idx, order);
	if (reason) {
		spin_unlock_irqrestore(&zone->lock, flags);
		toy_report_bad_free(zone, addr, order, reason);
		return -EINVAL;
	}

	toy_block_freed(zone, addr, idx, order);
	zone->stats[order].frees++;
	zone->pages[idx].state.freed = 1;
	toy_buddy_put(zone, idx, order);
	spin_unlock_irqrestore(&zone->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(toy_zone_free);

/**
 * toy_zone_drain() - give every block on the per-CPU lists back
 * @zone: the zone
 *
 * Afterwards the free lists hold every block no user holds, so that
 * /proc/toybuddyinfo shows how the zone really coalesces.  Each CPU
 * empties its own lists; sleeps.
 */
void toy_zone_drain(struct toy_zone *zone)
{
	might_sleep();

	if (zone->pcp)
		toy_on_each_cpu(toy_pcp_drain_cpu, zone);
}
EXPORT_SYMBOL_GPL(toy_zone_drain);

/**
 * toy_zone_add_reclaimer() - ask @r before an allocation that may sleep fails
 * @zone: the zone
 * @r: the reclaimer, @r->reclaim set
 *
 * As a shrinker registered with the kernel: an allocation from @zone that
 * may sleep and finds nothing calls @r->reclaim before it fails.  Sleeps.
 */
void toy_zone_add_reclaimer(struct toy_zone *zone, struct toy_zone_reclaimer *r)
{
	mutex_lock(&zone->reclaim_mutex);
	list_add_tail(&r->node, &zone->reclaimers);
	mutex_unlock(&zone->reclaim_mutex);
}
EXPORT_SYMBOL_GPL(toy_zone_add_reclaimer);

/**
 * toy_zone_remove_reclaimer() - stop asking @r; no call runs once this returns
 * @zone: the zone
 * @r: a reclaimer added with toy_zone_add_reclaimer()
 *
 * Sleeps.
 */
void toy_zone_remove_reclaimer(struct toy_zone *zone,
			       struct toy_zone_reclaimer *r)
{
	mutex_lock(&zone->reclaim_mutex);
	list_del(&r->node);
	mutex_unlock(&zone->reclaim_mutex);
}
EXPORT_SYMBOL_GPL(toy_zone_remove_reclaimer);

/**
 * toy_zone_nr_pages() - number of pages a zone manages
 * @zone: the zone
 *
 * Return: nr_blocks * 1024.
 */
unsigned long toy_zone_nr_pages(const struct toy_zone *zone)
{
	return (unsigned long)zone->nr_blocks << TOY_MAX_ORDER;
}
EXPORT_SYMBOL_GPL(toy_zone_nr_pages);

/**
 * toy_zone_free_pages() - number of free pages in a zone
 * @zone: the zone
 *
 * Return: the sum over the free lists of nr_free * 2^order.
 */
unsigned long toy_zone_free_pages(struct toy_zone *zone)
{
	unsigned long flags, pages = 0;
	unsigned int order;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order <= TOY_MAX_ORDER; order++)
		pages += zone->free_area[order].nr_free << order;
	spin_unlock_irqrestore(&zone->lock, flags);
	return pages;
}
EXPORT_SYMBOL_GPL(toy_zone_free_pages);

/**
 * toy_zone_pcp_pages() - pages waiting on a CPU's lists
 * @zone: a zone created with TOY_ZONE_PCP
 * @cpu: a possible CPU
 *
 * A figure to show, not to act on: the CPU goes on changing it.
 *
 * Return: the pages on @cpu's lists, the kernel's pcp->count.
 */
unsigned int toy_zone_pcp_pages(struct toy_zone *zone, int cpu)
{
	return READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->pages);
}
EXPORT_SYMBOL_IF_KUNIT(toy_zone_pcp_pages);

/* Add what the per-CPU lists served to @stats. */
static void toy_pcp_add_stats(struct toy_zone *zone, struct toy_order_stats *stats)
{
	struct toy_zone_pcp *pcp;
	unsigned int order;
	int cpu;

	for_each_possible_cpu(cpu) {
		/* Counts to read, not to act on: their CPUs go on counting. */
		pcp = per_cpu_ptr(zone->pcp, cpu);
		for (order = 0; order < TOY_PCP_ORDERS; order++) {
			stats[order].allocs += READ_ONCE(pcp->allocs[order]);
			stats[order].frees += READ_ONCE(pcp->frees[order]);
		}
	}
}

/**
 * toy_zone_snapshot() - copy a zone's free counts and statistics
 * @zone: the zone
 * @nr_free: TOY_NR_ORDERS entries for the free block count of each order
 * @stats: NULL, or TOY_NR_ORDERS entries for the event counts
 *
 * Both are copied under the zone lock, so they agree with each other; the
 * blocks the per-CPU lists served are added to @stats without it.
 */
void toy_zone_snapshot(struct toy_zone *zone, unsigned long *nr_free,
		       struct toy_order_stats *stats)
{
	unsigned long flags;
	unsigned int order;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order <= TOY_MAX_ORDER; order++)
		nr_free[order] = zone->free_area[order].nr_free;
	if (stats)
		memcpy(stats, zone->stats, sizeof(zone->stats));
	spin_unlock_irqrestore(&zone->lock, flags);
	if (stats && zone->pcp)
		toy_pcp_add_stats(zone, stats);
}
EXPORT_SYMBOL_IF_KUNIT(toy_zone_snapshot);

/**
 * toy_zone_failures() - copy a zone's counts of failed allocations
 * @zone: the zone
 * @failures: TOY_NR_FAIL entries, by enum toy_zone_fail
 */
void toy_zone_failures(struct toy_zone *zone, unsigned long *failures)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	memcpy(failures, zone->failures, sizeof(zone->failures));
	spin_unlock_irqrestore(&zone->lock, flags);
}

static int toy_zone_bad(struct toy_zone *zone, unsigned long idx,
			const char *what)
{
	pr_err("zone %s: invalid at page %lu (meta %#x): %s\n", zone->name,
	       idx, zone->pages[idx].state.meta, what);
	return -EUCLEAN;
}

/* Walk one order-10 block head to head; count free blocks per order. */
static int toy_validate_block(struct toy_zone *zone, unsigned long start,
			      unsigned long *nr_free)
{
	unsigned long idx = start, end = start + TOY_BLOCK_PAGES, p;
	unsigned int order;
	u8 meta;

	while (idx < end) {
		meta = zone->pages[idx].state.meta;
		order = toy_meta_order(meta);
		if (!toy_is_head(meta) || order > TOY_MAX_ORDER)
			return toy_zone_bad(zone, idx, "expected a block head");
		if (idx & (BIT(order) - 1))
			return toy_zone_bad(zone, idx, "block not aligned to its size");
		if (meta != toy_meta(idx, order, meta & TOY_META_ALLOCATED))
			return toy_zone_bad(zone, idx, "TYPE bits disagree with the index");
		for (p = idx + 1; p < idx + BIT(order); p++)
			if (zone->pages[p].state.meta)
				return toy_zone_bad(zone, p, "tail page carries a tag");
		if (toy_is_free_head(meta)) {
			nr_free[order]++;
			if (order < TOY_MAX_ORDER &&
			    zone->pages[idx ^ BIT(order)].state.meta ==
			    toy_meta(idx ^ BIT(order), order, false))
				return toy_zone_bad(zone, idx, "free buddies left unmerged");
		}
		idx += BIT(order);
	}
	return 0;
}

static int toy_validate_free_lists(struct toy_zone *zone,
				   const unsigned long *nr_free)
{
	struct toy_free_area *area;
	struct toy_page *page;
	unsigned long listed, idx;
	unsigned int order;

	for (order = 0; order <= TOY_MAX_ORDER; order++) {
		area = &zone->free_area[order];
		listed = 0;
		list_for_each_entry(page, &area->free_list, lru) {
			idx = toy_page_to_idx(zone, page);
			if (page->state.meta != toy_meta(idx, order, false))
				return toy_zone_bad(zone, idx,
						    "listed block is not a free block of this order");
			if (++listed > nr_free[order])
				break;
		}
		if (listed != nr_free[order] || area->nr_free != nr_free[order]) {
			pr_err("zone %s: order %u: %lu free blocks, %lu listed, counter %lu\n",
			       zone->name, order, nr_free[order], listed,
			       area->nr_free);
			return -EUCLEAN;
		}
	}
	return 0;
}

/**
 * toy_zone_validate() - prove the zone's invariants
 * @zone: the zone
 *
 * Checks, under the zone lock, that the blocks tile every page exactly once
 * (each page is a head or lies inside the block of the head before it),
 * that every block is aligned to its size with TYPE bits matching its index,
 * that no two free buddies of the same order are left unmerged, and that
 * each free list holds exactly the free blocks of its order and its counter
 * equals its length.  The first violation is printed.
 *
 * Return: 0 when every invariant holds, -EUCLEAN otherwise.
 */
int toy_zone_validate(struct toy_zone *zone)
{
	unsigned long nr_free[TOY_NR_ORDERS] = { 0 };
	unsigned long flags, block;
	int ret = 0;

	might_sleep();

	spin_lock_irqsave(&zone->lock, flags);
	for (block = 0; block < zone->nr_blocks && !ret; block++)
		ret = toy_validate_block(zone, block << TOY_MAX_ORDER, nr_free);
	if (!ret)
		ret = toy_validate_free_lists(zone, nr_free);
	spin_unlock_irqrestore(&zone->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(toy_zone_validate);

/* Give back blocks whose pages are all free; keep (leak) the others. */
static unsigned long toy_zone_release_blocks(struct toy_zone *zone)
{
	unsigned long block, in_use = 0;
	struct page *page;
	u8 meta;

	for (block = 0; zone->blocks && block < zone->nr_blocks; block++) {
		page = zone->blocks[block];
		if (!page)
			continue;
		meta = zone->pages[block << TOY_MAX_ORDER].state.meta;
		if (meta != toy_meta(block << TOY_MAX_ORDER, TOY_MAX_ORDER, false)) {
			in_use++;
			continue;
		}
		set_page_private(page, 0);
		toy_kasan_alloc_block(page_address(page), TOY_MAX_ORDER);
		__free_pages(page, TOY_MAX_ORDER);
	}
	return in_use;
}

/**
 * toy_zone_destroy() - give a zone's memory back to the kernel
 * @zone: the zone, or NULL
 *
 * Every order-10 block is returned with the order it was taken with.  A
 * block that still holds allocated pages is not returned: its user may still
 * write to it, so it is leaked with an error line instead, together with the
 * zone's metadata, and never reused.
 */
void toy_zone_destroy(struct toy_zone *zone)
{
	unsigned long in_use;
	int cpu;

	might_sleep();

	if (!zone)
		return;
	WARN_ON_ONCE(!list_empty(&zone->reclaimers));
	if (zone->pcp) {
		toy_cpu_dead_remove(&zone->cpu_dead);
		/* No user is left: every CPU's lists can be emptied from here. */
		for_each_possible_cpu(cpu)
			toy_pcp_drain_cpu(cpu, zone);
	}
	in_use = toy_zone_release_blocks(zone);
	if (in_use) {
		pr_err("zone %s: destroyed with allocated pages: leaking %lu of %u blocks\n",
		       zone->name, in_use, zone->nr_blocks);
		return;
	}
	free_percpu(zone->pcp);
	kvfree(zone->pages);
	kfree(zone->blocks);
	kfree(zone);
}
EXPORT_SYMBOL_GPL(toy_zone_destroy);

static int toy_block_pfn_cmp(const void *a, const void *b)
{
	unsigned long pfn_a = page_to_pfn(*(struct page * const *)a);
	unsigned long pfn_b = page_to_pfn(*(struct page * const *)b);

	return pfn_a < pfn_b ? -1 : pfn_a > pfn_b;
}

/*
 * Take the zone's order-10 blocks from the kernel, all or none, in physical
 * order: blocks taken one after the other usually follow each other in
 * memory, and then the zone is one range (see toy_virt_to_idx()).
 */
static int toy_zone_take_blocks(struct toy_zone *zone)
{
	unsigned int block;
	struct page *page;

	for (block = 0; block < zone->nr_blocks; block++) {
		page = toy_should_fail(PAGE_SIZE << TOY_MAX_ORDER) ? NULL :
			alloc_pages(GFP_KERNEL | __GFP_NOWARN, TOY_MAX_ORDER);
		if (!page)
			goto fail;
		zone->blocks[block] = page;
	}
	sort(zone->blocks, zone->nr_blocks, sizeof(*zone->blocks),
	     toy_block_pfn_cmp, NULL);
	return 0;

fail:
	while (block--) {
		__free_pages(zone->blocks[block], TOY_MAX_ORDER);
		zone->blocks[block] = NULL;
	}
	return -ENOMEM;
}

static bool toy_zone_contiguous(struct toy_zone *zone)
{
	unsigned long first = page_to_pfn(zone->blocks[0]);
	unsigned int block;

	for (block = 1; block < zone->nr_blocks; block++)
		if (page_to_pfn(zone->blocks[block]) !=
		    first + ((unsigned long)block << TOY_MAX_ORDER))
			return false;
	return true;
}

static void toy_zone_add_block(struct toy_zone *zone, unsigned long block)
{
	struct page *page = zone->blocks[block];
	unsigned long flags;

	/* The page allocator left private 0; it must be 0 again at free. */
	set_page_private(page, block + 1);
	if (zone->flags & TOY_ZONE_POISON)
		memset(page_address(page), PAGE_POISON, PAGE_SIZE << TOY_MAX_ORDER);
	toy_kasan_free_block(page_address(page), TOY_MAX_ORDER);
	/* Nobody else sees the zone yet: the lock is for the lock checks. */
	spin_lock_irqsave(&zone->lock, flags);
	toy_free_list_add(zone, block << TOY_MAX_ORDER, TOY_MAX_ORDER);
	spin_unlock_irqrestore(&zone->lock, flags);
}

static void toy_zone_cpu_dead(struct toy_cpu_dead *dead, unsigned int cpu)
{
	toy_pcp_drain_cpu(cpu, container_of(dead, struct toy_zone, cpu_dead));
}

static int toy_zone_pcp_create(struct toy_zone *zone)
{
	struct toy_zone_pcp *pcp;
	unsigned int order;
	int cpu, ret;

	if (!toy_should_fail(sizeof(*pcp)))
		zone->pcp = alloc_percpu(struct toy_zone_pcp);
	if (!zone->pcp)
		return -ENOMEM;
	zone->pcp_batch = toy_pcp_batch_for(toy_zone_nr_pages(zone));
	zone->pcp_high = toy_pcp_high_for(toy_zone_nr_pages(zone), zone->pcp_batch,
					  num_online_cpus());
	for_each_possible_cpu(cpu) {
		pcp = per_cpu_ptr(zone->pcp, cpu);
		toy_local_trylock_init(&pcp->lock);
		for (order = 0; order < TOY_PCP_ORDERS; order++)
			INIT_LIST_HEAD(&pcp->lists[order]);
	}
	zone->cpu_dead.fn = toy_zone_cpu_dead;
	ret = toy_cpu_dead_add(&zone->cpu_dead);
	if (ret) {
		free_percpu(zone->pcp);
		zone->pcp = NULL;
	}
	return ret;
}

/**
 * toy_zone_create() - build a zone over freshly allocated order-10 blocks
 * @name: the zone's name, up to 15 characters
 * @nr_blocks: number of 4 MiB blocks, 1..TOY_ZONE_MAX_BLOCKS
 * @flags: TOY_ZONE_POISON, TOY_ZONE_PCP, or 0
 *
 * Takes @nr_blocks blocks with alloc_pages(GFP_KERNEL, 10); may sleep.
 *
 * Return: the zone, ERR_PTR(-EINVAL) for a bad @nr_blocks or name, or
 * ERR_PTR(-ENOMEM) when memory runs out, after giving back every block
 * already taken.
 */
struct toy_zone *toy_zone_create(const char *name, unsigned int nr_blocks,
				 unsigned long flags)
{
	struct toy_zone *zone;
	unsigned int order;
	unsigned long block;
	int ret;

	might_sleep();

	if (!nr_blocks || nr_blocks > TOY_ZONE_MAX_BLOCKS || !name || !*name ||
	    strlen(name) >= TOY_ZONE_NAME_LEN || (flags & ~TOY_ZONE_FLAGS))
		return ERR_PTR(-EINVAL);

	zone = toy_should_fail(sizeof(*zone)) ? NULL :
		kzalloc(sizeof(*zone), GFP_KERNEL);
	if (!zone)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&zone->lock);
	mutex_init(&zone->reclaim_mutex);
	INIT_LIST_HEAD(&zone->reclaimers);
	zone->flags = flags;
	strscpy(zone->name, name, sizeof(zone->name));
	for (order = 0; order <= TOY_MAX_ORDER; order++)
		INIT_LIST_HEAD(&zone->free_area[order].free_list);
	zone->nr_blocks = nr_blocks;
	if (!toy_should_fail(nr_blocks * sizeof(*zone->blocks)))
		zone->blocks = kcalloc(nr_blocks, sizeof(*zone->blocks), GFP_KERNEL);
	if (zone->blocks && !toy_should_fail(sizeof(*zone->pages) << TOY_MAX_ORDER))
		zone->pages = kvcalloc((size_t)nr_blocks << TOY_MAX_ORDER,
				       sizeof(*zone->pages), GFP_KERNEL);
	if (!zone->blocks || !zone->pages) {
		ret = -ENOMEM;
		goto fail;
	}
	if (flags & TOY_ZONE_PCP) {
		ret = toy_zone_pcp_create(zone);
		if (ret)
			goto fail;
	}
	ret = toy_zone_take_blocks(zone);
	if (ret)
		goto fail;
	if (toy_zone_contiguous(zone))
		zone->base = page_address(zone->blocks[0]);
	for (block = 0; block < nr_blocks; block++)
		toy_zone_add_block(zone, block);
	return zone;

fail:
	toy_zone_destroy(zone);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(toy_zone_create);
