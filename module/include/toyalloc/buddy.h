/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc buddy page allocator: the bottom layer.  See buddy.c for the
 * design; this header is the contract the upper layers build on.
 */
#ifndef _TOYALLOC_BUDDY_H
#define _TOYALLOC_BUDDY_H

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <toyalloc/cpus.h>

#define TOY_MAX_ORDER		10
#define TOY_NR_ORDERS		(TOY_MAX_ORDER + 1)
#define TOY_BLOCK_PAGES		BIT(TOY_MAX_ORDER)
/* 1024 blocks of 4 MiB: 4 GiB, far beyond any sensible private region. */
#define TOY_ZONE_MAX_BLOCKS	1024U
#define TOY_ZONE_NAME_LEN	16

/* The meta byte of a struct toy_page; buddy.c explains the tag. */
#define TOY_META_HEAD		BIT(7)
#define TOY_META_ALLOCATED	BIT(6)
#define TOY_META_PARENT_RIGHT	BIT(5)
#define TOY_META_RIGHT		BIT(4)
#define TOY_META_ORDER_MASK	0x0f

/* Flags of toy_zone_create(). */
#define TOY_ZONE_POISON		BIT(0)	/* poison free blocks, check on alloc */
#define TOY_ZONE_PCP		BIT(1)	/* per-CPU lists of freed blocks, orders 0..3 */
#define TOY_ZONE_FLAGS		(TOY_ZONE_POISON | TOY_ZONE_PCP)

struct seq_file;
struct toy_cache;

/**
 * union toy_page_state - the buddy tag of a page and the flags beside it
 * @meta: the buddy tag of the page, see buddy.c
 * @freed: in a head page, set when the block's user gives it back and
 *	cleared when it is handed out again (buddy.c)
 * @slab_broken: set by the slab layer on a slab it stopped using (slab.c)
 * @word: the three bytes as one word, so that a free can check the tag and
 *	claim the block in one compare-and-exchange (buddy.c)
 */
union toy_page_state {
	struct {
		u8 meta;
		u8 freed;
		bool slab_broken;
	};
	u32 word;
};

/**
 * struct toy_page - what the zone knows about one of its pages
 * @lru: while the page heads a free block, its link on the free list of the
 *	block's order, or on a per-CPU list of freed blocks; while it heads an
 *	allocated block, the owner's link
 *	(the slab layer keeps its full, partial and free slab lists here)
 * @slab: owner state of a block allocated by the slab layer, valid in the
 *	head page only: the cache, and the free-object and in-slab bitmaps of
 *	a slab of at most BITS_PER_LONG objects (slab.c)
 * @s_mem: in a slab's head page, the offset of the first object (colour)
 * @inuse: in a slab's head page, the number of objects handed out (these
 *	two sit outside @slab, beside @state, so that the struct packs into
 *	48 bytes)
 * @state: the buddy tag and the flags a free checks with it
 *
 * Like the kernel's struct page, one per page.  48 bytes on 64-bit: 1.2%
 * of a 4 KiB page, under the 64 bytes of the kernel's struct page.
 */
struct toy_page {
	struct list_head lru;
	struct {
		struct toy_cache *cache;
		unsigned long maps[2];
	} slab;
	u16 s_mem;
	u16 inuse;
	union toy_page_state state;
};

/**
 * struct toy_free_area - the free blocks of one order
 * @free_list: blocks of this order that are free, linked through toy_page.lru
 * @nr_free: number of blocks on @free_list
 */
struct toy_free_area {
	struct list_head free_list;
	unsigned long nr_free;
};

/**
 * struct toy_order_stats - what happened at one order of a zone
 * @allocs: blocks of this order handed out
 * @frees: blocks of this order given back
 * @splits: blocks of this order split into two halves
 * @merges: pairs of free buddies of this order merged into one block
 * @failures: allocations of this order that found no block
 */
struct toy_order_stats {
	unsigned long allocs;
	unsigned long frees;
	unsigned long splits;
	unsigned long merges;
	unsigned long failures;
};

/* Per-CPU lists hold blocks up to the kernel's PAGE_ALLOC_COSTLY_ORDER. */
#define TOY_PCP_MAX_ORDER	3
#define TOY_PCP_ORDERS		(TOY_PCP_MAX_ORDER + 1)

/**
 * struct toy_zone_pcp - one CPU's lists of freed blocks
 * @lock: held by this CPU while it works on the lists; an interrupt of that
 *	work goes around them, to the free lists (cpus.h)
 * @lists: the blocks of each order, most recently freed first
 * @count: blocks on each list
 * @pages: pages on all the lists, the kernel's pcp->count
 * @allocs: allocations each list served
 * @frees: frees each list took
 */
struct toy_zone_pcp {
	struct toy_local_trylock lock;	/* see @lock above */
	struct list_head lists[TOY_PCP_ORDERS];
	unsigned int count[TOY_PCP_ORDERS];
	unsigned int pages;
	unsigned long allocs[TOY_PCP_ORDERS];
	unsigned long frees[TOY_PCP_ORDERS];
};

/**
 * struct toy_zone_reclaimer - a user of a zone that can give memory back
 * @node: link on the zone's list of reclaimers
 * @reclaim: give back to the zone what no user of it would lose (free
 *	slabs, objects cached in arrays); called by an allocation that may
 *	sleep and found nothing, with the zone's reclaim mutex held; may
 *	sleep; returns how many blocks it gave back
 */
struct toy_zone_reclaimer {
	struct list_head node;
	unsigned long (*reclaim)(struct toy_zone_reclaimer *r);
};

/* Why an allocation failed, as struct toy_zone counts them. */
enum toy_zone_fail {
	TOY_FAIL_NOWAIT,	/* the caller could not sleep: nothing reclaimed */
	TOY_FAIL_RECLAIMED,	/* nothing large enough even after reclaim */
	TOY_FAIL_INJECTED,	/* fault injection (fault.c) */
	TOY_NR_FAIL
};

/**
 * struct toy_zone - a private buddy allocator over whole order-10 blocks
 * @lock: protects @free_area, @stats, @failures and every
 *	@pages[].state.meta; irq-safe so that allocation works from any
 *	context
 * @free_area: one free list per order 0..TOY_MAX_ORDER
 * @stats: event counts per order
 * @pages: one struct toy_page per managed page, indexed by page index
 * @blocks: the order-10 blocks taken from the kernel, by block index; the
 *	first struct page of each holds its index + 1 in page->private (the
 *	page allocator gives the owner that field), the O(1) way from an
 *	address back to its page index
 * @base: the direct-mapped address of page index 0 when the blocks lie
 *	next to each other in physical memory, in block order (so that an
 *	address's offset from @base is its page index), else NULL
 * @nr_blocks: number of order-10 blocks
 * @pcp: the per-CPU lists of freed blocks, NULL without TOY_ZONE_PCP
 * @pcp_high: pages a CPU's lists may hold before a free trims them
 * @pcp_batch: pages a trim gives back, and (divided by 2^order, at least 2
 *	when it is above 1) the blocks an empty list is filled with
 * @pcp_busy_frees: frees that found their CPU's lists held (they
 *	interrupted that CPU's work on them) and went to the free lists
 * @cpu_dead: gives back the lists of a CPU that goes offline
 * @reclaim_mutex: one reclaim at a time, and the list of @reclaimers
 * @reclaimers: the zone's users that can give memory back, asked before
 *	an allocation that may sleep fails
 * @failures: failed allocations, by enum toy_zone_fail
 * @flags: TOY_ZONE_* flags
 * @name: printed in /proc/toybuddyinfo and in error reports
 */
struct toy_zone {
	spinlock_t lock;		/* see @lock above */
	struct toy_free_area free_area[TOY_NR_ORDERS];
	struct toy_order_stats stats[TOY_NR_ORDERS];
	struct toy_page *pages;
	struct page **blocks;
	void *base;
	unsigned int nr_blocks;
	struct toy_zone_pcp __percpu *pcp;
	unsigned int pcp_high;
	unsigned int pcp_batch;
	unsigned long pcp_busy_frees;
	struct toy_cpu_dead cpu_dead;
	struct mutex reclaim_mutex;	/* see @reclaim_mutex above */
	struct list_head reclaimers;
	unsigned long failures[TOY_NR_FAIL];
	unsigned long flags;
	char name[TOY_ZONE_NAME_LEN];
};

struct toy_zone *toy_zone_create(const char *name, unsigned int nr_blocks,
				 unsigned long flags);
void toy_zone_destroy(struct toy_zone *zone);

void *toy_zone_alloc(struct toy_zone *zone, unsigned int order, gfp_t gfp);
int toy_zone_free(struct toy_zone *zone, void *addr, unsigned int order);
void toy_zone_drain(struct toy_zone *zone);
void toy_zone_add_reclaimer(struct toy_zone *zone, struct toy_zone_reclaimer *r);
void toy_zone_remove_reclaimer(struct toy_zone *zone,
			       struct toy_zone_reclaimer *r);

static inline bool toy_is_head(u8 meta)
{
	return meta & TOY_META_HEAD;
}

static inline unsigned int toy_meta_order(u8 meta)
{
	return meta & TOY_META_ORDER_MASK;
}

/**
 * toy_page_order() - order of the block a head page starts
 * @page: a page returned by toy_zone_block_head()
 *
 * Return: the order the block was allocated with.
 */
static inline unsigned int toy_page_order(const struct toy_page *page)
{
	return toy_meta_order(page->state.meta);
}

/*
 * The lookups below are inline: the slab layer makes one on every
 * allocation and free.
 */

/**
 * toy_virt_to_idx() - page index of an address in a zone
 * @zone: the zone
 * @addr: any address
 *
 * Page indices run from 0 to toy_zone_nr_pages() - 1, block by block.  A
 * zone whose blocks are one physically contiguous range, the usual case,
 * answers with a subtraction and a bounds check, as compaction trusts a
 * zone it has found contiguous (zone->contiguous); otherwise the first
 * struct page of each order-10 block holds the block's number + 1 in its
 * private field (see toy_zone_create()).
 *
 * Return: the index of the page holding @addr, or -1 when @addr is not in
 * one of @zone's pages.
 */
static inline long toy_virt_to_idx(struct toy_zone *zone, const void *addr)
{
	unsigned long pfn, head_pfn, block, idx;
	struct page *head;

	if (likely(zone->base)) {
		idx = ((unsigned long)addr - (unsigned long)zone->base) >> PAGE_SHIFT;
		return idx < ((unsigned long)zone->nr_blocks << TOY_MAX_ORDER) ?
			idx : -1;
	}
	if (!virt_addr_valid(addr))
		return -1;
	pfn = PHYS_PFN(__pa(addr));
	head_pfn = pfn & ~(TOY_BLOCK_PAGES - 1);
	if (!pfn_valid(head_pfn))
		return -1;
	/* Any page's private may hold anything: trust it only if it points back. */
	head = pfn_to_page(head_pfn);
	block = page_private(head) - 1;
	if (block >= zone->nr_blocks || zone->blocks[block] != head)
		return -1;
	return (block << TOY_MAX_ORDER) | (pfn & (TOY_BLOCK_PAGES - 1));
}

/**
 * toy_zone_order_block_head() - the allocated block of a given order an
 *	address lies in
 * @zone: the zone
 * @addr: any address
 * @order: the order the caller expects the block to have
 *
 * The fast form of toy_zone_block_head() for owners that allocate blocks of
 * one order only, as a slab cache does: a block of order @order holding
 * @addr can only start at @addr's page rounded down to 2^@order, so one
 * probe decides.  Lockless, as toy_zone_block_head().
 *
 * Return: the head page of the allocated block of order @order containing
 * @addr, or NULL when there is none.
 */
static inline struct toy_page *
toy_zone_order_block_head(struct toy_zone *zone, const void *addr,
			  unsigned int order)
{
	long idx = toy_virt_to_idx(zone, addr);
	struct toy_page *head;
	u8 meta;

	if (idx < 0)
		return NULL;
	head = &zone->pages[idx & ~(BIT(order) - 1)];
	meta = READ_ONCE(head->state.meta);
	if (!toy_is_head(meta) || !(meta & TOY_META_ALLOCATED) ||
	    toy_meta_order(meta) != order)
		return NULL;
	return head;
}

/**
 * toy_zone_block_head() - the allocated block an address lies in
 * @zone: the zone
 * @addr: any address
 *
 * Blocks are aligned to their size, so the block holding page p starts at p
 * rounded down to 2^k for its order k: trying the 11 orders finds it in
 * constant time.  The caller owns the block, so the result stays valid
 * without the zone lock.
 *
 * Return: the head page of the allocated block containing @addr, or NULL
 * when @addr is not in the zone or lies in a free block.
 */
static inline struct toy_page *
toy_zone_block_head(struct toy_zone *zone, const void *addr)
{
	long idx = toy_virt_to_idx(zone, addr);
	unsigned long head;
	unsigned int k;
	u8 meta;

	if (idx < 0)
		return NULL;
	for (k = 0; k <= TOY_MAX_ORDER; k++) {
		head = idx & ~(BIT(k) - 1);
		meta = READ_ONCE(zone->pages[head].state.meta);
		if (toy_is_head(meta) && toy_meta_order(meta) >= k) {
			if (!(meta & TOY_META_ALLOCATED) ||
			    idx >= head + BIT(toy_meta_order(meta)))
				return NULL;
			return &zone->pages[head];
		}
	}
	return NULL;
}

/**
 * toy_block_start() - the start of the block an address lies in
 * @addr: an address in an allocated block of order @order
 * @order: the block's order
 *
 * A block is aligned to its size in physical memory (so are the order-10
 * blocks the zone is made of), so rounding the physical address down finds
 * its start with no lookup.
 *
 * Return: the block's direct-mapped address.
 */
static inline void *toy_block_start(const void *addr, unsigned int order)
{
	return __va(__pa(addr) & ~((PAGE_SIZE << order) - 1));
}

/**
 * toy_page_to_virt() - kernel address of a page of a zone
 * @zone: the zone
 * @page: one of @zone's pages
 *
 * Inline: the slab layer turns a slab's head page into its address on
 * every allocation and free.
 *
 * Return: the direct-mapped address of the page.
 */
static inline void *toy_page_to_virt(struct toy_zone *zone,
				     struct toy_page *page)
{
	unsigned long idx = page - zone->pages;

	if (likely(zone->base))
		return zone->base + (idx << PAGE_SHIFT);
	return page_address(zone->blocks[idx >> TOY_MAX_ORDER]) +
		((idx & (TOY_BLOCK_PAGES - 1)) << PAGE_SHIFT);
}

unsigned long toy_zone_nr_pages(const struct toy_zone *zone);
unsigned long toy_zone_free_pages(struct toy_zone *zone);
unsigned int toy_zone_pcp_pages(struct toy_zone *zone, int cpu);
int toy_zone_validate(struct toy_zone *zone);

#endif /* _TOYALLOC_BUDDY_H */
