// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc slab caches
 *
 * How it works
 * ============
 *
 * A cache hands out objects of one size.  It keeps them in slabs, each one
 * buddy block of 2^order pages from the cache's zone, and remembers, for
 * objects that are constructed once and reused, that they need not be
 * constructed again (Bonwick, "The Slab Allocator", 1994).  The design is
 * that of the kernel's SLAB allocator, which /proc/slabinfo version 2.1 was
 * written for:
 *
 *   1. Slab layout.  A slab is
 *
 *	| colour | obj 0 | ... | obj num-1 | waste |
 *
 *	Objects are @size apart, @size being the object size rounded up to the
 *	alignment.  Two bitmaps, a bit per object, say where each object is:
 *	the free-object bitmap has its bit set while the object is not held
 *	by a user (free in the slab or kept in a CPU array), the in-slab
 *	bitmap while it is free in the slab itself, so in-slab is a subset of
 *	free.  Neither takes any of the slab's bytes, so every slab holds as
 *	many objects as SLUB's of the same size and order (512, 256 and 128
 *	in the 8, 16 and 32-byte kmalloc classes).  A slab of at most
 *	BITS_PER_LONG objects keeps both in its head toy_page.  A slab of
 *	more keeps them off the slab, as SLAB's OFF_SLAB caches kept their
 *	freelists: in an object of a management cache, whose address its head
 *	page holds in place of the bitmaps.  Management caches
 *	(toy-slabmgmt-<bytes>, one per power-of-two size of bitmaps from
 *	PAGE_SIZE / BITS_PER_LONG up, shared by the caches of the set) are
 *	caches like any other, except that they are not listed in the set's
 *	caches, and that their own slabs keep their bitmaps in the page: their
 *	slabs are capped at BITS_PER_LONG objects (with 4 KiB pages they
 *	never hold more), so that taking a management object never needs
 *	another.  A slab takes its management object when it is created and
 *	gives it back when it returns to the zone; a management cache lives
 *	from its first user's creation to its last user's destruction.
 *	Nothing links free objects through their memory: a constructed object
 *	stays exactly as its user left it, and a write after free cannot
 *	redirect the allocator.
 *
 *   2. Slab order (the rule of SLUB's calculate_order()).  What is left
 *	over after the objects must be small: the smallest order up to 3 that
 *	holds SLUB's min_objects (4 * (fls(CPUs) + 1), or all that order 3
 *	holds) and leaves at most 1/16, else the smallest up to
 *	TOY_SLAB_MAX_ORDER that leaves at most 1/8, else the order that
 *	wastes the smallest fraction.
 *
 *   3. Colouring.  The left-over bytes shift the first object of
 *	successive slabs by 0, 1, 2, ... times colour_off (a cache line, or
 *	the alignment if larger), so that objects at the same index of
 *	different slabs do not all fall into the same hardware cache sets.
 *	The shift stays below the object size: a shift by a whole object
 *	would only change which object sits where, not which cache lines the
 *	objects use.  So an object's index is its offset in the slab divided
 *	by the size, whatever the colour.
 *
 *   4. Finding an object's slab.  The slab is a buddy block of the
 *	cache's order, aligned to its size: rounding the object's physical
 *	address down gives the slab's start, and with it the object's index,
 *	with no lookup at all; an allocation finds the bitmaps through the
 *	head page its array entry names.  A free, whose pointer is not
 *	trusted, asks the zone for the block of that order holding it
 *	(toy_zone_order_block_head(): one probe), whose head toy_page names
 *	the cache, the colour offset, the bitmaps and the count of objects
 *	taken from the slab; a kfree, which knows no cache, asks the zone for
 *	whichever block holds the pointer (kmalloc.c), and the head page it
 *	finds names the cache.  Nothing is searched.
 *
 *   5. Three lists per cache: full, partial and free slabs.  Refills take
 *	from partial slabs first, then free ones, and grow the cache by one
 *	slab only when both are empty.  When a slab becomes free while the
 *	cache already holds more than free_limit free objects, the slab goes
 *	back to the buddy zone; toy_cache_shrink() gives back all free slabs.
 *
 *   6. Per-CPU arrays (SLAB's array caches, Bonwick's magazines).  Each CPU
 *	keeps up to @limit objects.  Allocation pops the most recently freed
 *	object (cache-hot) and free pushes it, touching only the CPU's own
 *	array.  An empty array is refilled with @batchcount objects, first
 *	from the shared array, then from the slabs; a full array gives its
 *	@batchcount oldest objects to the shared array, or back to their
 *	slabs.  The shared array (@shared * @batchcount objects) lets objects
 *	freed on one CPU be reused on another without going through the
 *	slabs.  Objects in any array count as free in the bitmap.  An
 *	allocation or free made in an interrupt of its CPU's own work on the
 *	array cannot use it and goes straight to the shared array and the
 *	slabs (see Locking).
 *
 *   7. Constructors run once per object, when its slab is created, before
 *	any object of the slab can be handed out; never on allocation.
 *
 *   8. Checking frees.  A free must name an object start of a slab of this
 *	cache whose bitmap bit is clear; anything else (a foreign pointer, an
 *	object of another cache, a pointer inside an object, a double free) is
 *	refused with one rate-limited line and changes nothing.
 *
 * Locking
 * -------
 * The lock order is: a CPU's array (held busy), then toy_cache.lock, then
 * the zone's locks (the lock of its per-CPU lists, then its spinlock).
 * A cache takes and gives back management objects holding none of its
 * own locks, so a management cache's locks never nest in another
 * cache's.
 * Only its own CPU ever touches an array, so what can reach an array
 * while its CPU works on it is an interrupt of that CPU, and nothing else.
 * SLAB turned interrupts off around its arrays; here the CPU marks its
 * array busy with preemption off (struct toy_local_trylock, cpus.h), and
 * an allocation or free that finds it busy, which can only be an
 * interrupt's, goes around the array, to the shared array and the slabs
 * under toy_cache.lock.
 * So the fast path takes no lock another CPU could hold, makes no atomic
 * operation for the array and leaves interrupts on: turning them off and
 * on again cost more than the rest of the fast path (README, Benchmark).
 * Draining, retuning and validating, which must see every array, run on
 * each CPU in turn (toy_on_each_cpu(), cpus.c), and so may sleep.
 *
 * On PREEMPT_RT, as SLUB there, spinlocks sleep and interrupt handlers run
 * in threads: a CPU's array is held with migration off under a per-CPU
 * sleeping lock (the kernel's local_lock_t on RT, cpus.h), so holding it
 * while toy_cache.lock is taken is legal; a task that preempted the holder
 * on that CPU finds it held and goes around, as an interrupt does without
 * RT.  Objects may then be allocated and freed from tasks and threaded
 * interrupt handlers, never from hard interrupt context, with preemption
 * or interrupts disabled, or under a raw spinlock.
 *
 * A slab leaving the cache loses its cache pointer under toy_cache.lock,
 * so a later bad free of one of its objects is refused; one that races
 * with the release itself may still set a bit in the block, or the
 * management object, just given back, as a double free racing with reuse
 * defeats SLUB's checks too.
 * toy_cache.lock protects the slab lists, their counters, the shared
 * array, the tunables and the in-slab bitmaps; the free bitmaps change
 * with atomic operations on their words, outside it.  Slabs are given
 * back to the zone after toy_cache.lock is dropped.  toy_caches.mutex
 * serialises creation and destruction of caches, and counts the users of
 * each management cache.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/cache.h>
#include <linux/export.h>
#include <linux/kmemleak.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "../internal.h"
#include "trace.h"

/* Slabs up to 32 KiB, as SLUB's slub_max_order, when that wastes little... */
#define TOY_SLAB_SMALL_ORDER	3
/* ...and up to 128 KiB for the largest objects. */
#define TOY_SLAB_MAX_ORDER	5
/* toy_offset_index(): 2^this exceeds a slab's bytes times its object size. */
#define TOY_INDEX_SHIFT		40
/* The names of the management caches, which no other cache may take. */
#define TOY_MGMT_PREFIX		"toy-slabmgmt-"

static void *toy_slab_base(struct toy_cache *cache, struct toy_page *head)
{
	return toy_page_to_virt(cache->zone, head);
}

/*
 * The free-object bitmap of a slab: in its head page, or in the management
 * object whose address the head page keeps in place of the bitmaps.
 * This and the helpers below up to toy_map_test() are on the fast paths,
 * where a call would cost as much as what they do: always inline.
 */
static __always_inline unsigned long *
toy_slab_bitmap(struct toy_cache *cache, struct toy_page *head)
{
	if (cache->maps_in_page)
		return &head->slab.maps[0];
	return (unsigned long *)head->slab.maps[0];
}

/* The in-slab bitmap: which free objects the slab itself holds. */
static unsigned long *toy_slab_in_slab(struct toy_cache *cache,
				       struct toy_page *head)
{
	if (cache->maps_in_page)
		return &head->slab.maps[1];
	return toy_slab_bitmap(cache, head) + BITS_TO_LONGS(cache->num);
}

static void *toy_slab_object(struct toy_cache *cache, struct toy_page *head,
			     unsigned int idx)
{
	return toy_slab_base(cache, head) + head->s_mem + idx * cache->size;
}

/*
 * The slab of an object of @cache: a slab is one block of the cache's
 * order, so one probe finds it.  NULL when @obj lies in no slab of that
 * order (for a trusted object, never).
 */
static struct toy_page *toy_obj_slab(struct toy_cache *cache, const void *obj)
{
	return toy_zone_order_block_head(cache->zone, obj, cache->order);
}

/*
 * The offset of @obj, an address in a slab of @cache, from the slab's
 * start: slabs are buddy blocks, aligned to their size in physical
 * memory.
 */
static __always_inline unsigned long toy_obj_offset(struct toy_cache *cache,
						    const void *obj)
{
	return __pa(obj) & ((PAGE_SIZE << cache->order) - 1);
}

/*
 * The index of the object at @offset in its slab: the offset divided by
 * the size (the colour is less than the size), as one multiply and a shift:
 * with m = 2^TOY_INDEX_SHIFT / size rounded up, offset * m / 2^SHIFT
 * exceeds offset / size by less than offset / 2^SHIFT, which is under
 * 1 / size while a slab's bytes times the size stay below 2^SHIFT, so its
 * integer part is the exact quotient (reciprocal_divide(), which SLAB's
 * obj_to_index() uses, takes more steps, for any 32-bit dividend).
 */
static __always_inline unsigned int toy_offset_index(struct toy_cache *cache,
						     unsigned long offset)
{
	return ((u64)offset * cache->index_mult) >> TOY_INDEX_SHIFT;
}

static __always_inline unsigned int toy_obj_index(struct toy_cache *cache,
						  const void *obj)
{
	return toy_offset_index(cache, toy_obj_offset(cache, obj));
}

/*
 * Every CPU that allocates or frees objects of a slab changes its free
 * bitmap, so the bits change atomically; on the whole word, as the generic
 * bitops do, because x86's bit-string instructions on memory are slow.
 */
static __always_inline void toy_mark_allocated(unsigned long *map,
					       unsigned int idx)
{
	atomic_long_andnot(BIT_MASK(idx), (atomic_long_t *)&map[BIT_WORD(idx)]);
}

/* Mark object @idx free; false when it already was. */
static __always_inline bool toy_mark_free(unsigned long *map, unsigned int idx)
{
	atomic_long_t *word = (atomic_long_t *)&map[BIT_WORD(idx)];

	return !(atomic_long_fetch_or(BIT_MASK(idx), word) & BIT_MASK(idx));
}

/*
 * Whether object @idx is free; and the in-slab bits, which change under
 * toy_cache.lock only.  On the word, for the same reason.
 */
static __always_inline bool toy_map_test(const unsigned long *map,
					 unsigned int idx)
{
	return READ_ONCE(map[BIT_WORD(idx)]) & BIT_MASK(idx);
}

static void toy_in_slab_set(unsigned long *map, unsigned int idx)
{
	map[BIT_WORD(idx)] |= BIT_MASK(idx);
}

static void toy_in_slab_clear(unsigned long *map, unsigned int idx)
{
	map[BIT_WORD(idx)] &= ~BIT_MASK(idx);
}

/* Whether a slab of @num objects keeps its bitmaps in its head page. */
static bool toy_maps_in_page(unsigned int num)
{
	return num <= BITS_PER_LONG;
}

/*
 * The object size of the management cache for slabs of @num objects: their
 * two bitmaps, rounded up to a power of two no smaller than a slab of
 * BITS_PER_LONG objects needs, so that few sizes serve every cache.
 */
static unsigned int toy_mgmt_object_size(unsigned int num)
{
	return roundup_pow_of_two(max_t(unsigned int,
					2 * BITS_TO_LONGS(num) * sizeof(long),
					PAGE_SIZE / BITS_PER_LONG));
}

/* Objects of @size in @bytes: the bitmaps take none of a slab's bytes. */
static unsigned int toy_objects_in(size_t bytes, unsigned int size)
{
	return min_t(size_t, bytes / size, U16_MAX);
}

static size_t toy_left_over(unsigned int order, unsigned int size)
{
	size_t bytes = PAGE_SIZE << order;

	return bytes - toy_objects_in(bytes, size) * size;
}

/* Section 2 of the design: the smallest order wasting at most 1/8. */
static bool toy_order_fits(unsigned int order, unsigned int size,
			   unsigned int fraction)
{
	return toy_objects_in(PAGE_SIZE << order, size) &&
		toy_left_over(order, size) * fraction <= PAGE_SIZE << order;
}

/*
 * SLUB's min_objects: enough objects per slab that the cache does not grow
 * every few allocations, more with more CPUs, as many as the largest
 * small order holds at most.
 */
static unsigned int toy_slab_min_objects(unsigned int size)
{
	return min_t(unsigned int, 4 * (fls(nr_cpu_ids) + 1),
		     toy_objects_in(PAGE_SIZE << TOY_SLAB_SMALL_ORDER, size));
}

static unsigned int toy_slab_order(unsigned int size)
{
	unsigned int order, best = TOY_SLAB_MAX_ORDER;
	unsigned int min_objects = toy_slab_min_objects(size);

	for (order = 0; order <= TOY_SLAB_SMALL_ORDER; order++)
		if (toy_objects_in(PAGE_SIZE << order, size) >= min_objects &&
		    toy_order_fits(order, size, 16))
			return order;
	for (order = 0; order <= TOY_SLAB_MAX_ORDER; order++) {
		if (!toy_objects_in(PAGE_SIZE << order, size))
			continue;
		if (toy_order_fits(order, size, 8))
			return order;
		/* left_over(order) / 2^order < left_over(best) / 2^best */
		if ((u64)toy_left_over(order, size) << best <
		    (u64)toy_left_over(best, size) << order)
			best = order;
	}
	return best;
}

/* The kernel's calculate_alignment(): cache lines, unless objects are small. */
static unsigned int toy_alignment(unsigned long flags, unsigned int align,
				  unsigned int size)
{
	unsigned int ralign;

	if (flags & TOY_SLAB_HWCACHE_ALIGN) {
		ralign = cache_line_size();
		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	return max_t(unsigned int, align, sizeof(void *));
}

/* SLAB's enable_cpucache() defaults. */
static void toy_default_tunables(struct toy_cache *cache)
{
	unsigned int limit;

	if (cache->size > PAGE_SIZE)
		limit = 8;
	else if (cache->size > 1024)
		limit = 24;
	else if (cache->size > 256)
		limit = 54;
	else
		limit = 120;
	cache->limit = limit;
	cache->batchcount = (limit + 1) / 2;
	cache->shared = cache->size <= PAGE_SIZE && num_possible_cpus() > 1 ? 8 : 0;
}

static unsigned long toy_free_limit(struct toy_cache *cache)
{
	return (1 + num_online_cpus()) * (unsigned long)cache->batchcount +
		cache->num;
}

/* A new slab: every object free, in the slab. */
static void toy_slab_init_maps(struct toy_cache *cache, struct toy_page *head)
{
	unsigned long *free = toy_slab_bitmap(cache, head);
	unsigned long *in_slab = toy_slab_in_slab(cache, head);

	bitmap_zero(free, cache->num);
	bitmap_set(free, 0, cache->num);
	bitmap_zero(in_slab, cache->num);
	bitmap_set(in_slab, 0, cache->num);
}

/*
 * The next object a slab hands out: the first in the slab, or, in a cache
 * with TOY_SLAB_RANDOMIZE, one drawn uniformly from those in the slab, so
 * that where the next object lies cannot be guessed (SLAB_FREELIST_RANDOM).
 * @num if the in-slab bitmap holds fewer objects than the slab's count.
 */
static unsigned int toy_slab_next_free(struct toy_cache *cache,
				       struct toy_page *head)
{
	unsigned long *in_slab = toy_slab_in_slab(cache, head);
	unsigned int nr_free = cache->num - head->inuse;
	unsigned int i, n, weight;
	unsigned long word;

	if (!(cache->flags & TOY_SLAB_RANDOMIZE)) {
		/* A slab of at most BITS_PER_LONG objects: one word, no call. */
		if (cache->maps_in_page)
			return in_slab[0] ? __ffs(in_slab[0]) : cache->num;
		return find_first_bit(in_slab, cache->num);
	}
	n = get_random_u32_below(nr_free);
	for (i = 0; i < BITS_TO_LONGS(cache->num); i++) {
		word = in_slab[i];
		weight = hweight_long(word);
		if (n >= weight) {
			n -= weight;
			continue;
		}
		while (n--)
			word &= word - 1;
		return min_t(unsigned int, i * BITS_PER_LONG + __ffs(word),
			     cache->num);
	}
	return cache->num;
}

/*
 * Slab growth: one new slab, with its management object when its bitmaps
 * are not in the page, constructed, then put on the free list.
 */
static int toy_cache_grow(struct toy_cache *cache, gfp_t gfp)
{
	unsigned long *maps = NULL;
	struct toy_page *head;
	unsigned long flags;
	unsigned int i, colour;
	void *base;

	gfp &= ~__GFP_ZERO;	/* for the object handed out, not the slab */
	if (cache->mgmt) {
		/* An on-page cache: this recursion ends here. */
		maps = toy_cache_alloc_caller(cache->mgmt, gfp, _RET_IP_);
		if (!maps)
			return -ENOMEM;
	}
	base = toy_zone_alloc(cache->zone, cache->order, gfp);
	if (!base) {
		if (maps)
			toy_cache_free_caller(cache->mgmt, maps, _RET_IP_);
		return -ENOMEM;
	}
	head = toy_zone_block_head(cache->zone, base);
	if (maps)
		head->slab.maps[0] = (unsigned long)maps;

	spin_lock_irqsave(&cache->lock, flags);
	colour = cache->colour_next;
	if (++cache->colour_next >= cache->colours)
		cache->colour_next = 0;
	spin_unlock_irqrestore(&cache->lock, flags);

	head->s_mem = colour * cache->colour_off;
	head->inuse = 0;
	toy_slab_init_maps(cache, head);
	for (i = 0; i < cache->num; i++) {
		if (cache->flags & TOY_SLAB_DEBUG_FLAGS)
			toy_debug_init_object(cache, toy_slab_object(cache, head, i));
		if (cache->ctor)
			cache->ctor(toy_slab_object(cache, head, i));
	}

	spin_lock_irqsave(&cache->lock, flags);
	WRITE_ONCE(head->slab.cache, cache);
	list_add(&head->lru, &cache->slabs_free);
	cache->grown++;
	cache->nr_slabs++;
	cache->free_objects += cache->num;
	spin_unlock_irqrestore(&cache->lock, flags);
	return 0;
}

/*
 * A slab whose bitmaps are corrupted hands out nothing more: its free
 * objects are written off, and it goes back to the zone once the objects
 * it handed out have all come back (toy_slab_put()), or, when none is
 * out, on @release now.  cache->lock held.
 */
static void toy_slab_quarantine(struct toy_cache *cache, struct toy_page *head,
				unsigned int bad, struct list_head *release)
{
	long page = toy_virt_to_idx(cache->zone, toy_slab_base(cache, head));

	lockdep_assert_held(&cache->lock);

	if (toy_report_ratelimit()) {
		if (bad < cache->num)
			toy_report_bug("%s: bitmaps corrupted: page %ld object %u in slab, held",
				       cache->name, page, bad);
		else
			toy_report_bug("%s: bitmaps corrupted: page %ld: none in slab, %u counted",
				       cache->name, page, cache->num - head->inuse);
		pr_err("FIX %s: slab isolated, %u free objects written off\n",
		       cache->name, cache->num - head->inuse);
	}
	cache->free_objects -= cache->num - head->inuse;
	head->state.slab_broken = true;
	if (head->inuse) {
		list_move(&head->lru, &cache->slabs_broken);
		return;
	}
	/* Nothing of it is out: back to the zone once the lock is dropped. */
	list_move(&head->lru, release);
	cache->nr_slabs--;
	cache->reaped++;
	WRITE_ONCE(head->slab.cache, NULL);
}

/*
 * Take up to @want free objects of the slab @head into @out, stopping at an
 * in-slab object that is not free (the slab is then quarantined, and may go
 * on @release), and file the slab by its new count.  cache->lock held.
 * Returns how many.
 */
static unsigned int toy_slab_take_from(struct toy_cache *cache,
				       struct toy_page *head,
				       struct toy_array_entry *out,
				       unsigned int want,
				       struct list_head *release)
{
	unsigned long *free_map = toy_slab_bitmap(cache, head);
	unsigned long *in_slab = toy_slab_in_slab(cache, head);
	void *first = toy_slab_base(cache, head) + head->s_mem;
	unsigned int n = 0, idx;

	lockdep_assert_held(&cache->lock);

	while (n < want && head->inuse < cache->num) {
		idx = toy_slab_next_free(cache, head);
		/* In the slab means free: anything else is corruption. */
		if (idx >= cache->num || !toy_map_test(free_map, idx)) {
			toy_slab_quarantine(cache, head, idx, release);
			return n;
		}
		toy_in_slab_clear(in_slab, idx);
		head->inuse++;
		cache->free_objects--;
		out[n].obj = first + idx * cache->size;
		out[n++].slab = head;
	}
	if (head->inuse == cache->num)
		list_move(&head->lru, &cache->slabs_full);
	else
		list_move(&head->lru, &cache->slabs_partial);
	return n;
}

/*
 * Take up to @want free objects from the slabs into @out, partial slabs
 * first; cache->lock held.  A quarantined slab may go on @release.
 * Returns how many.
 */
static unsigned int toy_slab_take(struct toy_cache *cache,
				  struct toy_array_entry *out, unsigned int want,
				  struct list_head *release)
{
	struct toy_page *head;
	unsigned int n = 0;

	lockdep_assert_held(&cache->lock);

	while (n < want) {
		head = list_first_entry_or_null(&cache->slabs_partial,
						struct toy_page, lru);
		if (!head)
			head = list_first_entry_or_null(&cache->slabs_free,
							struct toy_page, lru);
		if (!head)
			break;
		n += toy_slab_take_from(cache, head, out + n, want - n, release);
	}
	return n;
}

/*
 * Give one free object back to its slab; cache->lock held.  A slab that
 * becomes free while the cache has enough free objects moves to @release,
 * to be given back to the zone once the lock is dropped.
 */
static void toy_slab_put(struct toy_cache *cache,
			 const struct toy_array_entry *c,
			 struct list_head *release)
{
	struct toy_page *head = c->slab;
	unsigned int idx;

	lockdep_assert_held(&cache->lock);

	if (head->state.slab_broken) {
		if (!--head->inuse) {
			WRITE_ONCE(head->slab.cache, NULL);
			list_move(&head->lru, release);
			cache->reaped++;
			cache->nr_slabs--;
		}
		return;
	}
	head->inuse--;
	idx = toy_obj_index(cache, c->obj);
	toy_in_slab_set(toy_slab_in_slab(cache, head), idx);
	cache->free_objects++;
	if (head->inuse == 0) {
		if (cache->free_objects > toy_free_limit(cache)) {
			WRITE_ONCE(head->slab.cache, NULL);
			list_move(&head->lru, release);
			cache->reaped++;
			cache->nr_slabs--;
			cache->free_objects -= cache->num;
		} else {
			list_move(&head->lru, &cache->slabs_free);
		}
	} else if (head->inuse == cache->num - 1) {
		list_move(&head->lru, &cache->slabs_partial);
	}
}

/*
 * Give the slabs on @release back to the zone, and their management
 * objects to the management cache; no lock of @cache held.  Returns how
 * many slabs.
 */
static unsigned long toy_slabs_release(struct toy_cache *cache,
				       struct list_head *release)
{
	struct toy_page *head, *next;
	unsigned long released = 0;

	list_for_each_entry_safe(head, next, release, lru) {
		list_del_init(&head->lru);
		if (cache->mgmt)
			toy_cache_free_caller(cache->mgmt, toy_slab_bitmap(cache, head),
					      _RET_IP_);
		toy_zone_free(cache->zone, toy_slab_base(cache, head), cache->order);
		released++;
	}
	return released;
}

/*
 * This CPU's array, held with preemption off, or NULL when this CPU is
 * already at work on it: the caller interrupted that work and goes around
 * the array.
 */
static __always_inline struct toy_array_cache *
toy_array_trylock(struct toy_cache *cache)
{
	/* Read once: the lock's compiler barrier would have it read again. */
	struct toy_array_cache __percpu *arrays = cache->cpu_cache;

	if (!toy_local_trylock(&arrays->lock))
		return NULL;
	return this_cpu_ptr(arrays);
}

static __always_inline void toy_array_unlock(struct toy_cache *cache)
{
	toy_local_unlock(&cache->cpu_cache->lock);
}

/*
 * Take up to @want objects, from the shared array first, then from the
 * slabs; cache->lock held.  A quarantined slab may go on @release.
 * Returns how many.
 */
static unsigned int toy_cache_take(struct toy_cache *cache,
				   struct toy_array_entry *out, unsigned int want,
				   struct list_head *release)
{
	struct toy_shared_array *shared = cache->shared_array;
	unsigned int n = 0;

	lockdep_assert_held(&cache->lock);

	while (shared && shared->avail && n < want)
		out[n++] = shared->entry[--shared->avail];
	return n + toy_slab_take(cache, out + n, want - n, release);
}

/*
 * Give @count objects back, to the shared array while it has room, then to
 * their slabs; cache->lock held.  Slabs that become free go on @release.
 */
static void toy_cache_give(struct toy_cache *cache,
			   const struct toy_array_entry *c, unsigned int count,
			   struct list_head *release)
{
	struct toy_shared_array *shared = cache->shared_array;
	unsigned int i = 0;

	lockdep_assert_held(&cache->lock);

	while (shared && shared->avail < shared->limit && i < count)
		shared->entry[shared->avail++] = c[i++];
	while (i < count)
		toy_slab_put(cache, &c[i++], release);
}

/*
 * Refill an empty CPU array, held busy; a quarantined slab may go on
 * @release.  Returns objects moved.
 */
static unsigned int toy_cache_refill(struct toy_cache *cache,
				     struct toy_array_cache *ac,
				     struct list_head *release)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&cache->lock, flags);
	n = toy_cache_take(cache, &ac->entry[ac->avail],
			   min(cache->batchcount, TOY_AC_MAX_LIMIT - ac->avail),
			   release);
	ac->avail += n;
	spin_unlock_irqrestore(&cache->lock, flags);
	return n;
}

/*
 * Move the @count oldest objects of a CPU array, held busy, to the shared
 * array, or back to their slabs.
 */
static void toy_cache_flush(struct toy_cache *cache, struct toy_array_cache *ac,
			    unsigned int count, struct list_head *release)
{
	unsigned long flags;

	spin_lock_irqsave(&cache->lock, flags);
	toy_cache_give(cache, ac->entry, count, release);
	spin_unlock_irqrestore(&cache->lock, flags);
	ac->avail -= count;
	memmove(ac->entry, ac->entry + count, ac->avail * sizeof(*ac->entry));
}

/*
 * Debug checks, and zeroing for __GFP_ZERO or init_on_alloc, on an object
 * about to be handed out; and kmemleak learns of it, so that it scans the
 * object for pointers and reports it if it leaks.
 */
static __always_inline void toy_cache_prepare_object(struct toy_cache *cache,
						     void *obj, gfp_t gfp,
						     unsigned long caller)
{
	kmemleak_alloc(obj, cache->object_size, 1, GFP_ATOMIC);
	if (unlikely(cache->flags & TOY_SLAB_DEBUG_FLAGS))
		toy_debug_alloc(cache, obj, caller);
	if (want_init_on_alloc(gfp) && !cache->ctor)
		memset(obj, 0, cache->object_size);
}

/*
 * An allocation that interrupted its CPU's work on the array: one object
 * straight from the shared array or the slabs.
 */
static struct toy_array_entry toy_cache_alloc_direct(struct toy_cache *cache,
						     bool first,
						     struct list_head *release)
{
	struct toy_array_entry c = { };
	unsigned long flags;

	spin_lock_irqsave(&cache->lock, flags);
	cache->direct_allocs += first;
	toy_cache_take(cache, &c, 1, release);
	spin_unlock_irqrestore(&cache->lock, flags);
	return c;
}

/*
 * The allocation slow path: this CPU's array was empty, or busy.  Refill it
 * from the shared array and the slabs, or go around it, growing the cache
 * when they are empty too.
 */
static noinline struct toy_array_entry
toy_cache_alloc_refill(struct toy_cache *cache, gfp_t gfp)
{
	struct toy_array_cache *ac;
	struct toy_array_entry c;
	bool first = true;
	LIST_HEAD(release);

	for (;;) {
		c = (struct toy_array_entry){ };
		ac = toy_array_trylock(cache);
		if (ac) {
			if (ac->avail) {
				ac->allochit += first;
			} else {
				ac->allocmiss += first;
				toy_cache_refill(cache, ac, &release);
			}
			if (ac->avail)
				c = ac->entry[--ac->avail];
			toy_array_unlock(cache);
		} else {
			c = toy_cache_alloc_direct(cache, first, &release);
		}
		toy_slabs_release(cache, &release);
		if (c.obj || toy_cache_grow(cache, gfp))
			return c;
		first = false;
	}
}

/* The fast path: the most recently freed object of this CPU's array. */
static __always_inline void *toy_cache_do_alloc(struct toy_cache *cache,
						gfp_t gfp, unsigned long caller)
{
	struct toy_array_cache *ac;
	struct toy_array_entry c = { };
	void *obj;

	ac = toy_array_trylock(cache);
	if (likely(ac)) {
		if (likely(ac->avail)) {
			ac->allochit++;
			c = ac->entry[--ac->avail];
		}
		toy_array_unlock(cache);
	}
	if (unlikely(!c.obj)) {
		c = toy_cache_alloc_refill(cache, gfp);
		if (!c.obj)
			return NULL;
	}
	obj = c.obj;
	toy_mark_allocated(toy_slab_bitmap(cache, c.slab),
			   toy_obj_index(cache, obj));
	toy_cache_prepare_object(cache, obj, gfp, caller);
	trace_toy_cache_alloc(cache->name, obj, cache->size);
	return obj;
}

/**
 * toy_cache_alloc_caller() - allocate an object on behalf of @caller
 * @cache: the cache
 * @gfp: as toy_cache_alloc()
 * @caller: the address owner tracking records (_RET_IP_ of the API entry)
 *
 * See toy_cache_alloc().
 *
 * Return: the object, or NULL.
 */
void *toy_cache_alloc_caller(struct toy_cache *cache, gfp_t gfp,
			     unsigned long caller)
{
	return toy_cache_do_alloc(cache, gfp, caller);
}

/**
 * toy_cache_alloc() - allocate an object
 * @cache: the cache
 * @gfp: GFP_KERNEL where the caller may sleep, GFP_NOWAIT or GFP_ATOMIC
 *	where it may not, with __GFP_ZERO to zero the object; other bits are
 *	ignored
 *
 * Takes the most recently freed object of this CPU's array; grows the cache
 * by a slab when the array, the shared array and every slab are empty.
 * Sleeps only when @gfp allows it and the zone must reclaim to find the
 * slab (toy_zone_alloc()).  Zeroed for __GFP_ZERO or when init_on_alloc
 * is on, unless the cache has a constructor.
 *
 * Return: a constructed object aligned to the cache's alignment, or NULL
 * when the zone has no block left for a new slab.
 */
void *toy_cache_alloc(struct toy_cache *cache, gfp_t gfp)
{
	return toy_cache_do_alloc(cache, gfp, _RET_IP_);
}
EXPORT_SYMBOL_GPL(toy_cache_alloc);

/* Why @obj, in no slab of @cache, cannot be freed to it. */
static const char *toy_foreign_object_reason(struct toy_cache *cache,
					     const void *obj)
{
	struct toy_page *head = toy_zone_block_head(cache->zone, obj);

	if (!head || !READ_ONCE(head->slab.cache))
		return "not an object of any cache";
	return "object of another cache";
}

/*
 * Claim @obj for a free to @cache: check it is an object start of a slab of
 * the cache and set its bit in the slab's free bitmap, so that a second
 * free of it fails here.  Returns why it cannot be freed, or NULL once it
 * is claimed.  @head is the block of the cache's order holding @obj, or
 * NULL.
 */
static __always_inline const char *
toy_claim_object(struct toy_cache *cache, struct toy_page *head,
		 const void *obj)
{
	unsigned long offset;
	unsigned int idx;

	if (unlikely(!head || READ_ONCE(head->slab.cache) != cache))
		return toy_foreign_object_reason(cache, obj);
	offset = toy_obj_offset(cache, obj);
	idx = toy_offset_index(cache, offset);
	if (unlikely(idx >= cache->num ||
		     offset != head->s_mem + idx * cache->size))
		return "not the start of an object";
	if (unlikely(!toy_mark_free(toy_slab_bitmap(cache, head), idx)))
		return "double free";
	return NULL;
}

/*
 * A free that interrupted its CPU's work on the array: the object goes
 * straight to the shared array or its slab.
 */
static void toy_cache_free_direct(struct toy_cache *cache,
				  const struct toy_array_entry *c,
				  struct list_head *release)
{
	unsigned long flags;

	spin_lock_irqsave(&cache->lock, flags);
	cache->direct_frees++;
	toy_cache_give(cache, c, 1, release);
	spin_unlock_irqrestore(&cache->lock, flags);
}

/*
 * The free slow path: this CPU's array was full, or busy.  Move its
 * batchcount oldest objects to the shared array or their slabs, then push
 * @obj; or go around the array.
 */
static noinline void toy_cache_free_flush(struct toy_cache *cache,
					  struct toy_page *head, void *obj)
{
	struct toy_array_entry c = { .obj = obj, .slab = head };
	struct toy_array_cache *ac;
	LIST_HEAD(release);

	ac = toy_array_trylock(cache);
	if (!ac) {
		toy_cache_free_direct(cache, &c, &release);
	} else {
		if (ac->avail >= READ_ONCE(cache->limit)) {
			ac->freemiss++;
			toy_cache_flush(cache, ac,
					min(READ_ONCE(cache->batchcount), ac->avail),
					&release);
		} else {
			ac->freehit++;
		}
		ac->entry[ac->avail++] = c;
		toy_array_unlock(cache);
	}
	toy_slabs_release(cache, &release);
}

/* The fast path: check @obj, then push it on this CPU's array. */
static __always_inline int toy_cache_do_free(struct toy_cache *cache,
					     struct toy_page *head, void *obj,
					     unsigned long caller)
{
	struct toy_array_cache *ac;
	const char *reason;
	bool pushed = false;

	reason = toy_claim_object(cache, head, obj);
	if (unlikely(reason)) {
		if (toy_report_ratelimit())
			pr_err("cache %s: bad free of %p: %s\n", cache->name,
			       obj, reason);
		return -EINVAL;
	}
	kmemleak_free(obj);
	if (want_init_on_free() && !cache->ctor && !(cache->flags & TOY_SLAB_POISON))
		memset(obj, 0, cache->object_size);
	if (unlikely(cache->flags & TOY_SLAB_DEBUG_FLAGS))
		toy_debug_free(cache, obj, caller);
	trace_toy_cache_free(cache->name, obj, cache->size);

	ac = toy_array_trylock(cache);
	if (likely(ac)) {
		if (likely(ac->avail < READ_ONCE(cache->limit))) {
			ac->freehit++;
			ac->entry[ac->avail].obj = obj;
			ac->entry[ac->avail++].slab = head;
			pushed = true;
		}
		toy_array_unlock(cache);
	}
	if (unlikely(!pushed))
		toy_cache_free_flush(cache, head, obj);
	return 0;
}

/**
 * toy_cache_free() - give an object back to its cache
 * @cache: the cache it was allocated from
 * @obj: the object, in its constructed state if the cache has a constructor
 *
 * Pushes the object on this CPU's array; a full array first gives its
 * batchcount oldest objects to the shared array or to their slabs.  A free
 * of anything but an allocated object of @cache is refused with one
 * rate-limited line and changes nothing.  Never sleeps.
 *
 * Return: 0, or -EINVAL for a refused free.
 */
int toy_cache_free(struct toy_cache *cache, void *obj)
{
	return toy_cache_do_free(cache, toy_obj_slab(cache, obj), obj, _RET_IP_);
}
EXPORT_SYMBOL_GPL(toy_cache_free);

/**
 * toy_cache_free_caller() - free an object on behalf of @caller
 * @cache: the cache
 * @obj: the object
 * @caller: the address owner tracking records
 *
 * See toy_cache_free().
 *
 * Return: 0, or -EINVAL for a refused free.
 */
int toy_cache_free_caller(struct toy_cache *cache, void *obj,
			  unsigned long caller)
{
	return toy_cache_do_free(cache, toy_obj_slab(cache, obj), obj, caller);
}

/**
 * toy_slab_free() - free an object of the slab the zone found it in
 * @cache: the cache @head names
 * @head: the head page of the allocated block holding @obj, whatever its
 *	order
 * @obj: the object
 * @caller: the address owner tracking records
 *
 * kfree() for toy caches: the caller asked the zone once for the block
 * holding @obj, which names its cache; this checks and frees it without
 * asking again.  Otherwise as toy_cache_free().
 *
 * Return: 0, or -EINVAL for a refused free.
 */
int toy_slab_free(struct toy_cache *cache, struct toy_page *head, void *obj,
		  unsigned long caller)
{
	if (unlikely(toy_page_order(head) != cache->order))
		head = NULL;
	return toy_cache_do_free(cache, head, obj, caller);
}

/**
 * toy_cache_of() - the cache an object was allocated from
 * @zone: the zone of the caches
 * @obj: any address
 *
 * Return: the cache whose slab holds @obj, or NULL when @obj is not in a
 * slab of @zone.
 */
struct toy_cache *toy_cache_of(struct toy_zone *zone, const void *obj)
{
	struct toy_page *head = toy_zone_block_head(zone, obj);

	return head ? READ_ONCE(head->slab.cache) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(toy_cache_of);

/* What toy_cache_visit_arrays() does to one CPU array. */
typedef void (*toy_array_fn_t)(struct toy_cache *cache,
			       struct toy_array_cache *ac, void *arg);

struct toy_array_visit {
	struct toy_cache *cache;
	toy_array_fn_t fn;
	void *arg;
};

/* Runs for each CPU (cpus.c): on @cpu itself while it is online. */
static void toy_array_visit_cpu(int cpu, void *arg)
{
	struct toy_array_visit *visit = arg;
	struct toy_cache *cache = visit->cache;

	toy_local_lock_cpu(&cache->cpu_cache->lock, cpu);
	visit->fn(cache, per_cpu_ptr(cache->cpu_cache, cpu), visit->arg);
	toy_local_unlock_cpu(&cache->cpu_cache->lock, cpu);
}

/* Run @fn on every CPU's array, held busy.  Sleeps. */
static void toy_cache_visit_arrays(struct toy_cache *cache,
				   toy_array_fn_t fn, void *arg)
{
	struct toy_array_visit visit = { .cache = cache, .fn = fn, .arg = arg };

	toy_on_each_cpu(toy_array_visit_cpu, &visit);
}

/**
 * toy_cache_get_stats() - sum a cache's event counts over its CPUs
 * @cache: the cache
 * @stats: the result
 */
void toy_cache_get_stats(struct toy_cache *cache, struct toy_cache_stats *stats)
{
	struct toy_array_cache *ac;
	unsigned long flags;
	int cpu;

	memset(stats, 0, sizeof(*stats));
	for_each_possible_cpu(cpu) {
		/* Counts to read, not to act on: their CPUs go on counting. */
		ac = per_cpu_ptr(cache->cpu_cache, cpu);
		stats->allochit += READ_ONCE(ac->allochit);
		stats->allocmiss += READ_ONCE(ac->allocmiss);
		stats->freehit += READ_ONCE(ac->freehit);
		stats->freemiss += READ_ONCE(ac->freemiss);
	}
	spin_lock_irqsave(&cache->lock, flags);
	stats->allocmiss += cache->direct_allocs;
	stats->freemiss += cache->direct_frees;
	stats->grown = cache->grown;
	stats->reaped = cache->reaped;
	spin_unlock_irqrestore(&cache->lock, flags);
	stats->allocs = stats->allochit + stats->allocmiss;
	stats->frees = stats->freehit + stats->freemiss;
}
EXPORT_SYMBOL_GPL(toy_cache_get_stats);

/* Empty one CPU array into the slabs; @release collects freed slabs. */
static void toy_array_drain(struct toy_cache *cache, struct toy_array_cache *ac,
			    void *release)
{
	toy_cache_flush(cache, ac, ac->avail, release);
}

/* Empty every CPU array and the shared array into the slabs.  Sleeps. */
static void toy_cache_drain(struct toy_cache *cache, struct list_head *release)
{
	struct toy_shared_array *shared;
	unsigned long flags;

	toy_cache_visit_arrays(cache, toy_array_drain, release);
	spin_lock_irqsave(&cache->lock, flags);
	shared = cache->shared_array;
	while (shared && shared->avail)
		toy_slab_put(cache, &shared->entry[--shared->avail], release);
	spin_unlock_irqrestore(&cache->lock, flags);
}

/* Empty the array of a CPU that went offline (cpus.c). */
static void toy_cache_cpu_dead(struct toy_cpu_dead *dead, unsigned int cpu)
{
	struct toy_cache *cache = container_of(dead, struct toy_cache, cpu_dead);
	LIST_HEAD(release);
	struct toy_array_visit visit = {
		.cache = cache, .fn = toy_array_drain, .arg = &release,
	};
	unsigned long flags;

	/* Before the objects move: a validation under way sees the count change. */
	spin_lock_irqsave(&cache->lock, flags);
	cache->cpus_dead++;
	spin_unlock_irqrestore(&cache->lock, flags);
	toy_array_visit_cpu(cpu, &visit);
	toy_slabs_release(cache, &release);
}

/**
 * toy_cache_shrink() - give every free slab back to the zone
 * @cache: the cache
 *
 * Drains the per-CPU and shared arrays into the slabs first, so that every
 * slab with no object held by a user is given back.  May sleep: each CPU
 * drains its own array.
 *
 * Return: the number of slabs given back.
 */
unsigned long toy_cache_shrink(struct toy_cache *cache)
{
	unsigned long flags, nr_free = 0;
	struct toy_page *head;
	LIST_HEAD(release);

	might_sleep();

	toy_cache_drain(cache, &release);
	spin_lock_irqsave(&cache->lock, flags);
	list_for_each_entry(head, &cache->slabs_free, lru) {
		WRITE_ONCE(head->slab.cache, NULL);
		nr_free++;
	}
	list_splice_init(&cache->slabs_free, &release);
	cache->reaped += nr_free;
	cache->nr_slabs -= nr_free;
	cache->free_objects -= nr_free * cache->num;
	spin_unlock_irqrestore(&cache->lock, flags);
	return toy_slabs_release(cache, &release);
}
EXPORT_SYMBOL_GPL(toy_cache_shrink);

/*
 * toy_cache_shrink() on each cache, then on each management cache, which
 * the others' slabs just gave management objects back to; caches->mutex
 * held.
 */
static unsigned long toy_caches_shrink_locked(struct toy_caches *caches)
{
	struct toy_cache *cache;
	unsigned long slabs = 0;

	lockdep_assert_held(&caches->mutex);

	list_for_each_entry(cache, &caches->list, list)
		slabs += toy_cache_shrink(cache);
	list_for_each_entry(cache, &caches->mgmt, list)
		slabs += toy_cache_shrink(cache);
	return slabs;
}

/**
 * toy_caches_shrink() - give every free slab of every cache of a set back
 * @caches: the set
 *
 * toy_cache_shrink() on each cache, in creation order.  May sleep.
 *
 * Return: the number of slabs given back.
 */
unsigned long toy_caches_shrink(struct toy_caches *caches)
{
	unsigned long slabs;

	might_sleep();
	mutex_lock(&caches->mutex);
	slabs = toy_caches_shrink_locked(caches);
	mutex_unlock(&caches->mutex);
	return slabs;
}
EXPORT_SYMBOL_GPL(toy_caches_shrink);

static struct toy_shared_array *
toy_shared_array_alloc(unsigned int shared, unsigned int batchcount)
{
	struct toy_shared_array *array;

	if (!shared || toy_should_fail(shared * batchcount * sizeof(void *)))
		return NULL;
	array = kzalloc(struct_size(array, entry, shared * batchcount), GFP_KERNEL);
	if (array)
		array->limit = shared * batchcount;
	return array;
}

/**
 * toy_cache_tune() - set a cache's per-CPU tunables, as slabinfo writes do
 * @cache: the cache
 * @limit: objects a CPU array may hold, 1..TOY_AC_MAX_LIMIT
 * @batchcount: objects moved at once, 1..@limit
 * @shared: sharedfactor, 0..TOY_MAX_SHARED
 *
 * Sets the new limits, then drains every array, so that from then on no
 * array holds more than its limit.  May sleep.
 *
 * Return: 0, -EINVAL for values out of range, or -ENOMEM.
 */
int toy_cache_tune(struct toy_cache *cache, unsigned int limit,
		   unsigned int batchcount, unsigned int shared)
{
	struct toy_shared_array *array, *old;
	unsigned long flags;
	LIST_HEAD(release);

	might_sleep();

	if (!limit || limit > TOY_AC_MAX_LIMIT || !batchcount ||
	    batchcount > limit || shared > TOY_MAX_SHARED) {
		pr_err_ratelimited("cache %s: tunables %u %u %u out of range (limit 1..%d, batchcount 1..limit, shared 0..%d)\n",
				   cache->name, limit, batchcount, shared,
				   TOY_AC_MAX_LIMIT, TOY_MAX_SHARED);
		return -EINVAL;
	}
	array = toy_shared_array_alloc(shared, batchcount);
	if (shared && !array)
		return -ENOMEM;

	spin_lock_irqsave(&cache->lock, flags);
	WRITE_ONCE(cache->limit, limit);
	WRITE_ONCE(cache->batchcount, batchcount);
	spin_unlock_irqrestore(&cache->lock, flags);
	toy_cache_drain(cache, &release);
	spin_lock_irqsave(&cache->lock, flags);
	old = cache->shared_array;
	while (old && old->avail)
		toy_slab_put(cache, &old->entry[--old->avail], &release);
	cache->shared = shared;
	cache->shared_array = array;
	spin_unlock_irqrestore(&cache->lock, flags);

	kfree(old);
	toy_slabs_release(cache, &release);
	return 0;
}
EXPORT_SYMBOL_GPL(toy_cache_tune);

/* Objects held by users: in slabs and not free, minus those in arrays. */
static unsigned long toy_cache_active_objects(struct toy_cache *cache)
{
	unsigned long cached = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		/* A count to read, not to act on: other CPUs change it. */
		cached += data_race(per_cpu_ptr(cache->cpu_cache, cpu)->avail);
	}
	if (cache->shared_array)
		cached += cache->shared_array->avail;
	return cache->nr_slabs * cache->num - cache->free_objects - cached;
}

/* The cache named @name, management caches included; caches->mutex held. */
static struct toy_cache *toy_cache_find(struct toy_caches *caches,
					const char *name)
{
	struct toy_cache *cache;

	lockdep_assert_held(&caches->mutex);

	list_for_each_entry(cache, &caches->list, list)
		if (!strcmp(cache->name, name))
			return cache;
	list_for_each_entry(cache, &caches->mgmt, list)
		if (!strcmp(cache->name, name))
			return cache;
	return NULL;
}

/* Names are printed in /proc/toyslabinfo lines: printable, no spaces. */
static bool toy_cache_name_ok(const char *name)
{
	size_t len = name ? strnlen(name, TOY_CACHE_NAME_LEN) : 0;

	if (!len || len == TOY_CACHE_NAME_LEN)
		return false;
	while (len--)
		if (!isgraph(name[len]))
			return false;
	return true;
}

static int toy_cache_check_args(struct toy_caches *caches, const char *name,
				unsigned int size, unsigned int align,
				unsigned long flags)
{
	if (!toy_cache_name_ok(name))
		pr_err_ratelimited("cache name must be 1..%d printable characters, no spaces\n",
				   TOY_CACHE_NAME_LEN - 1);
	else if (str_has_prefix(name, TOY_MGMT_PREFIX))
		pr_err_ratelimited("cache name %s: %s* names the management caches\n",
				   name, TOY_MGMT_PREFIX);
	else if (!size || size > TOY_CACHE_MAX_SIZE)
		pr_err_ratelimited("cache %s: object size %u out of range 1..%lu\n", name,
				   size, TOY_CACHE_MAX_SIZE);
	else if (align && (!is_power_of_2(align) || align > PAGE_SIZE))
		pr_err_ratelimited("cache %s: alignment %u is not a power of 2 up to %lu\n",
				   name, align, PAGE_SIZE);
	else if (flags & ~TOY_SLAB_FLAGS_MASK)
		pr_err_ratelimited("cache %s: unknown flags %#lx\n", name, flags);
	else if (toy_cache_find(caches, name))
		pr_err_ratelimited("cache %s already exists\n", name);
	else
		return 0;
	return -EINVAL;
}

/*
 * Sections 1 and 2 of the design.  A management cache keeps its bitmaps in
 * its head pages, whatever that costs (with 4 KiB pages, nothing: its
 * objects are at least 64 bytes, a power of two), so that the management
 * of a management cache is never asked for.
 */
static void toy_cache_layout(struct toy_cache *cache, unsigned int size,
			     unsigned int align, unsigned long flags,
			     bool mgmt)
{
	size_t left;

	cache->object_size = size;
	cache->flags = flags;
	cache->align = toy_alignment(flags, align, size);
	cache->size = ALIGN(toy_debug_layout(cache), cache->align);
	BUILD_BUG_ON(ilog2(PAGE_SIZE << TOY_SLAB_MAX_ORDER) + ilog2(TOY_CACHE_MAX_SIZE) >
		     TOY_INDEX_SHIFT);
	cache->index_mult = div_u64((1ULL << TOY_INDEX_SHIFT) + cache->size - 1,
				    cache->size);
	cache->order = toy_slab_order(cache->size);
	cache->num = toy_objects_in(PAGE_SIZE << cache->order, cache->size);
	if (mgmt)
		cache->num = min_t(unsigned int, cache->num, BITS_PER_LONG);
	cache->maps_in_page = toy_maps_in_page(cache->num);
	left = (PAGE_SIZE << cache->order) - cache->num * cache->size;
	cache->colour_off = max_t(unsigned int, cache->align, cache_line_size());
	cache->colours = min_t(size_t, left, cache->size - 1) / cache->colour_off + 1;
}

static void toy_cache_free_struct(struct toy_cache *cache)
{
	if (!hlist_unhashed(&cache->cpu_dead.node))
		toy_cpu_dead_remove(&cache->cpu_dead);
	free_percpu(cache->cpu_cache);
	kfree(cache->shared_array);
	kfree(cache);
}

static struct toy_cache *toy_cache_new(struct toy_caches *caches,
				       const char *name, unsigned int size,
				       unsigned int align, unsigned long flags,
				       void (*ctor)(void *), bool mgmt);

/*
 * The management cache for the bitmaps of slabs of @num objects, created
 * at its first user; caches->mutex held.
 */
static struct toy_cache *toy_mgmt_get(struct toy_caches *caches,
				      unsigned int num)
{
	unsigned int size = toy_mgmt_object_size(num);
	char name[TOY_CACHE_NAME_LEN];
	struct toy_cache *mgmt;

	lockdep_assert_held(&caches->mutex);

	list_for_each_entry(mgmt, &caches->mgmt, list) {
		if (mgmt->object_size == size)
			goto found;
	}
	snprintf(name, sizeof(name), TOY_MGMT_PREFIX "%u", size);
	mgmt = toy_cache_new(caches, name, size, 0, 0, NULL, true);
	if (IS_ERR(mgmt))
		return mgmt;
found:
	mgmt->users++;
	return mgmt;
}

/*
 * A cache no longer keeps its bitmaps in @mgmt; the last one to go
 * destroys it.  Every slab of theirs is gone, so nothing of @mgmt is
 * allocated.  caches->mutex held.
 */
static void toy_mgmt_put(struct toy_cache *mgmt)
{
	lockdep_assert_held(&mgmt->caches->mutex);

	if (--mgmt->users)
		return;
	toy_cache_shrink(mgmt);
	if (WARN_ON(mgmt->nr_slabs))
		return;		/* leaked on purpose: its objects are in use */
	list_del(&mgmt->list);
	toy_cache_free_struct(mgmt);
}

/*
 * Create a cache in @caches, on its list of management caches if @mgmt;
 * caches->mutex held.
 */
static struct toy_cache *toy_cache_new(struct toy_caches *caches,
				       const char *name, unsigned int size,
				       unsigned int align, unsigned long flags,
				       void (*ctor)(void *), bool mgmt)
{
	struct toy_cache *cache;
	int cpu, ret = -ENOMEM;

	lockdep_assert_held(&caches->mutex);

	cache = toy_should_fail(sizeof(*cache)) ? NULL :
		kzalloc(sizeof(*cache), GFP_KERNEL);
	if (!cache)
		return ERR_PTR(-ENOMEM);
	if (!toy_should_fail(sizeof(struct toy_array_cache)))
		cache->cpu_cache = alloc_percpu(struct toy_array_cache);
	if (!cache->cpu_cache)
		goto free;
	for_each_possible_cpu(cpu)
		toy_local_trylock_init(&per_cpu_ptr(cache->cpu_cache, cpu)->lock);

	strscpy(cache->name, name, sizeof(cache->name));
	cache->caches = caches;
	cache->zone = caches->zone;
	cache->ctor = ctor;
	toy_cache_layout(cache, size, align, flags | caches->flags, mgmt);
	toy_default_tunables(cache);
	cache->shared_array = toy_shared_array_alloc(cache->shared,
						     cache->batchcount);
	if (cache->shared && !cache->shared_array)
		goto free;
	spin_lock_init(&cache->lock);
	INIT_LIST_HEAD(&cache->slabs_full);
	INIT_LIST_HEAD(&cache->slabs_partial);
	INIT_LIST_HEAD(&cache->slabs_free);
	INIT_LIST_HEAD(&cache->slabs_broken);
	if (!cache->maps_in_page) {
		cache->mgmt = toy_mgmt_get(caches, cache->num);
		if (IS_ERR(cache->mgmt)) {
			ret = PTR_ERR(cache->mgmt);
			cache->mgmt = NULL;
			goto free;
		}
	}
	cache->cpu_dead.fn = toy_cache_cpu_dead;
	ret = toy_cpu_dead_add(&cache->cpu_dead);
	if (ret)
		goto put;
	list_add_tail(&cache->list, mgmt ? &caches->mgmt : &caches->list);
	return cache;

put:
	if (cache->mgmt)
		toy_mgmt_put(cache->mgmt);
free:
	toy_cache_free_struct(cache);
	return ERR_PTR(ret);
}

/**
 * toy_cache_create() - create a named cache of objects
 * @caches: the set the cache joins; its slabs come from the set's zone
 * @name: unique in @caches, up to 31 characters, no spaces
 * @size: object size, 1..TOY_CACHE_MAX_SIZE bytes
 * @align: 0, or a power of 2 up to PAGE_SIZE the objects are aligned to
 * @flags: 0 or TOY_SLAB_HWCACHE_ALIGN
 * @ctor: NULL, or the constructor each object gets once, when its slab is
 *	created
 *
 * May sleep.  The tunables start at the kernel SLAB's defaults for the size.
 * A cache whose slabs hold more than BITS_PER_LONG objects also creates,
 * or shares, the management cache holding their bitmaps.
 *
 * Return: the cache, ERR_PTR(-EINVAL) with one dmesg line for bad
 * arguments or a name in use, or ERR_PTR(-ENOMEM).
 */
struct toy_cache *toy_cache_create(struct toy_caches *caches, const char *name,
				   unsigned int size, unsigned int align,
				   unsigned long flags, void (*ctor)(void *))
{
	struct toy_cache *cache;
	int ret;

	might_sleep();

	mutex_lock(&caches->mutex);
	ret = toy_cache_check_args(caches, name, size, align, flags);
	cache = ret ? ERR_PTR(ret) :
		toy_cache_new(caches, name, size, align, flags, ctor, false);
	mutex_unlock(&caches->mutex);
	return cache;
}
EXPORT_SYMBOL_GPL(toy_cache_create);

/**
 * toy_cache_destroy() - destroy a cache that holds no live object
 * @cache: the cache
 *
 * Gives every slab back to the zone.  A cache with objects still allocated
 * is not destroyed: it stays as it was, fully usable, and one line names
 * the number of live objects.  May sleep.
 *
 * Return: 0, or -EBUSY.
 */
int toy_cache_destroy(struct toy_cache *cache)
{
	struct toy_caches *caches = cache->caches;
	unsigned long live;

	might_sleep();

	mutex_lock(&caches->mutex);
	toy_cache_shrink(cache);
	live = cache->nr_slabs * cache->num - cache->free_objects;
	if (live) {
		mutex_unlock(&caches->mutex);
		pr_err("cache %s: not destroyed: %lu objects still allocated\n",
		       cache->name, live);
		return -EBUSY;
	}
	list_del(&cache->list);
	if (cache->mgmt)
		toy_mgmt_put(cache->mgmt);
	mutex_unlock(&caches->mutex);
	toy_cache_free_struct(cache);
	return 0;
}
EXPORT_SYMBOL_GPL(toy_cache_destroy);

/*
 * The set's answer to a zone that must reclaim: every cache gives back its
 * free slabs.  A set busy with its own work (creating, destroying or
 * validating a cache holds its mutex, and may be what allocates) is
 * passed over rather than waited for.
 */
static unsigned long toy_caches_reclaim(struct toy_zone_reclaimer *r)
{
	struct toy_caches *caches = container_of(r, struct toy_caches, reclaimer);
	unsigned long slabs;

	if (!mutex_trylock(&caches->mutex))
		return 0;
	slabs = toy_caches_shrink_locked(caches);
	mutex_unlock(&caches->mutex);
	return slabs;
}

/**
 * toy_caches_init() - start an empty set of caches over a zone
 * @caches: the set
 * @zone: the zone its caches take slabs from
 * @flags: TOY_SLAB_* flags every cache of the set gets, e.g. debug flags
 *
 * The set gives its free slabs back to @zone when an allocation from it
 * that may sleep finds nothing (toy_zone_add_reclaimer()).  Sleeps.
 */
void toy_caches_init(struct toy_caches *caches, struct toy_zone *zone,
		     unsigned long flags)
{
	caches->zone = zone;
	caches->flags = flags;
	mutex_init(&caches->mutex);
	INIT_LIST_HEAD(&caches->list);
	INIT_LIST_HEAD(&caches->mgmt);
	caches->reclaimer.reclaim = toy_caches_reclaim;
	toy_zone_add_reclaimer(zone, &caches->reclaimer);
}
EXPORT_SYMBOL_GPL(toy_caches_init);

/**
 * toy_caches_exit() - end a set whose caches could not all be destroyed
 * @caches: the set
 *
 * A cache left with live objects stays allocated for good (see
 * toy_cache_destroy()); its CPU-hotplug callback must still go before the
 * code it runs does.  May sleep.
 */
void toy_caches_exit(struct toy_caches *caches)
{
	struct toy_cache *cache;

	might_sleep();

	toy_zone_remove_reclaimer(caches->zone, &caches->reclaimer);
	mutex_lock(&caches->mutex);
	list_for_each_entry(cache, &caches->list, list) {
		toy_cpu_dead_remove(&cache->cpu_dead);
		INIT_HLIST_NODE(&cache->cpu_dead.node);
	}
	list_for_each_entry(cache, &caches->mgmt, list) {
		toy_cpu_dead_remove(&cache->cpu_dead);
		INIT_HLIST_NODE(&cache->cpu_dead.node);
	}
	mutex_unlock(&caches->mutex);
}
EXPORT_SYMBOL_GPL(toy_caches_exit);

/* Add an array entry to @cached, counting it if it names the wrong slab. */
static void toy_cached_add(struct toy_cache *cache,
			   struct toy_cache_snapshot *cached,
			   const struct toy_array_entry *entry)
{
	if (entry->slab != toy_obj_slab(cache, entry->obj))
		cached->wrong_slab++;
	cached->obj[cached->nr++] = entry->obj;
}

static int toy_cmp_ptr(const void *a, const void *b)
{
	const unsigned long x = *(const unsigned long *)a;
	const unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void toy_array_snapshot(struct toy_cache *cache,
			       struct toy_array_cache *ac, void *arg)
{
	struct toy_cache_snapshot *cached = arg;
	unsigned int i;

	for (i = 0; i < ac->avail; i++)
		toy_cached_add(cache, cached, &ac->entry[i]);
}

/**
 * toy_cache_snapshot() - copy the objects a cache's arrays hold
 * @cache: the cache
 * @cached: filled with the objects, sorted by address, and with the count of
 *	CPUs that died so far; toy_cache_snapshot_free() frees it
 *
 * Sleeps: each CPU copies its own array.
 *
 * Return: 0 or -ENOMEM.
 */
int toy_cache_snapshot(struct toy_cache *cache, struct toy_cache_snapshot *cached)
{
	unsigned int max = num_possible_cpus() * TOY_AC_MAX_LIMIT +
		TOY_MAX_SHARED * TOY_AC_MAX_LIMIT;
	unsigned long flags;
	unsigned int i;

	/* Read before the copy: a CPU that dies after it changes the count. */
	cached->cpus_dead = READ_ONCE(cache->cpus_dead);
	cached->nr = 0;
	cached->wrong_slab = 0;
	cached->obj = kvmalloc_array(max, sizeof(void *), GFP_KERNEL);
	if (!cached->obj)
		return -ENOMEM;
	toy_cache_visit_arrays(cache, toy_array_snapshot, cached);
	spin_lock_irqsave(&cache->lock, flags);
	if (cache->shared_array) {
		for (i = 0; i < cache->shared_array->avail; i++)
			toy_cached_add(cache, cached, &cache->shared_array->entry[i]);
	}
	spin_unlock_irqrestore(&cache->lock, flags);
	sort(cached->obj, cached->nr, sizeof(void *), toy_cmp_ptr, NULL);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(toy_cache_snapshot);

/**
 * toy_cache_snapshot_free() - free what toy_cache_snapshot() copied
 * @cached: the snapshot
 */
void toy_cache_snapshot_free(struct toy_cache_snapshot *cached)
{
	kvfree(cached->obj);
}
EXPORT_SYMBOL_IF_KUNIT(toy_cache_snapshot_free);

static int toy_cache_bad(struct toy_cache *cache, const char *what, long value)
{
	pr_err("cache %s: invalid: %s (%ld)\n", cache->name, what, value);
	return -EUCLEAN;
}

/* Whether @map has a bit set past the slab's last object. */
static bool toy_bits_past_num(struct toy_cache *cache, const unsigned long *map)
{
	unsigned int end = BITS_TO_LONGS(cache->num) * BITS_PER_LONG;

	return find_next_bit(map, end, cache->num) < end;
}

/*
 * Check one slab: its in-slab bitmap holds as many objects as its count
 * says are free, the cached objects that lie in it are neither free in it
 * nor listed twice, and exactly those two groups have their free-object
 * bit set.  Of a quarantined slab only the cached objects are checked: its
 * bitmaps are not trusted, and the free objects it wrote off keep their
 * bits.  @seen is scratch for cache->num bits.  Returns how many cached
 * objects lie in the slab, or -EUCLEAN.
 */
static long toy_validate_slab(struct toy_cache *cache, struct toy_page *head,
			      const struct toy_cache_snapshot *cached,
			      unsigned long *seen)
{
	void *start = toy_slab_object(cache, head, 0);
	void *end = start + cache->num * cache->size;
	unsigned int i, idx, lo = 0, hi = cached->nr, in_slab = 0;

	if (head->slab.cache != cache || head->inuse > cache->num)
		return toy_cache_bad(cache, "slab header", head->inuse);
	if (cache->mgmt &&
	    toy_cache_of(cache->zone, toy_slab_bitmap(cache, head)) != cache->mgmt)
		return toy_cache_bad(cache, "bitmaps outside the management cache",
				     head->inuse);
	bitmap_zero(seen, cache->num);
	if (!head->state.slab_broken) {
		if (toy_bits_past_num(cache, toy_slab_bitmap(cache, head)) ||
		    toy_bits_past_num(cache, toy_slab_in_slab(cache, head)))
			return toy_cache_bad(cache, "bitmap bits past the last object",
					     cache->num);
		bitmap_copy(seen, toy_slab_in_slab(cache, head), cache->num);
		if (bitmap_weight(seen, cache->num) != cache->num - head->inuse)
			return toy_cache_bad(cache, "in-slab bitmap differs from the free count",
					     head->inuse);
	}
	while (lo < hi) {	/* first cached object at or after start */
		i = lo + (hi - lo) / 2;
		if (cached->obj[i] < start)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = lo; i < cached->nr && cached->obj[i] < end; i++, in_slab++) {
		if ((cached->obj[i] - start) % cache->size)
			return toy_cache_bad(cache, "cached pointer inside an object", i);
		idx = (cached->obj[i] - start) / cache->size;
		if (__test_and_set_bit(idx, seen))
			return toy_cache_bad(cache, "object both cached and free, or cached twice",
					     idx);
	}
	if (!head->state.slab_broken &&
	    !bitmap_equal(seen, toy_slab_bitmap(cache, head), cache->num))
		return toy_cache_bad(cache, "bitmap differs from the free and cached objects",
				     toy_slab_object(cache, head, 0) - toy_slab_base(cache, head));
	return in_slab;
}

static int toy_validate_list(struct toy_cache *cache, struct list_head *list,
			     unsigned int min_inuse, unsigned int max_inuse,
			     const struct toy_cache_snapshot *cached,
			     unsigned long *seen, unsigned long *totals)
{
	bool broken = list == &cache->slabs_broken;
	struct toy_page *head;
	long in_slab;

	list_for_each_entry(head, list, lru) {
		if (head->inuse < min_inuse || head->inuse > max_inuse ||
		    head->state.slab_broken != broken)
			return toy_cache_bad(cache, "slab on the wrong list",
					     head->inuse);
		in_slab = toy_validate_slab(cache, head, cached, seen);
		if (in_slab < 0)
			return in_slab;
		totals[0]++;
		if (!broken)
			totals[1] += cache->num - head->inuse;
		totals[2] += in_slab;
	}
	return 0;
}

/**
 * toy_cache_check() - validate a cache against a snapshot of its arrays
 * @cache: the cache, kept quiet by the caller while this runs
 * @cached: what toy_cache_snapshot() took
 *
 * See toy_cache_validate().  A CPU that died since the snapshot had its
 * array emptied into the slabs, where the snapshot's objects would now
 * look both cached and free: then nothing is checked.  Sleeps.
 *
 * Return: 0 when all holds, -EUCLEAN otherwise, -EAGAIN when a CPU died
 * since the snapshot, or -ENOMEM.
 */
int toy_cache_check(struct toy_cache *cache,
		    const struct toy_cache_snapshot *cached)
{
	unsigned long totals[3] = { 0 };	/* slabs, free in slabs, cached */
	unsigned long *seen, flags;
	int ret = 0;

	might_sleep();

	seen = bitmap_alloc(cache->num, GFP_KERNEL);
	if (!seen)
		return -ENOMEM;

	spin_lock_irqsave(&cache->lock, flags);
	if (cache->cpus_dead != cached->cpus_dead)
		ret = -EAGAIN;
	if (!ret)
		ret = toy_validate_list(cache, &cache->slabs_full, cache->num,
					cache->num, cached, seen, totals);
	if (!ret)
		ret = toy_validate_list(cache, &cache->slabs_partial, 1,
					cache->num - 1, cached, seen, totals);
	if (!ret)
		ret = toy_validate_list(cache, &cache->slabs_free, 0, 0, cached,
					seen, totals);
	if (!ret)
		ret = toy_validate_list(cache, &cache->slabs_broken, 1, cache->num,
					cached, seen, totals);
	if (!ret && totals[0] != cache->nr_slabs)
		ret = toy_cache_bad(cache, "slab counter", cache->nr_slabs);
	if (!ret && totals[1] != cache->free_objects)
		ret = toy_cache_bad(cache, "free object counter", cache->free_objects);
	if (!ret && totals[2] != cached->nr)
		ret = toy_cache_bad(cache, "array entries outside the slabs",
				    cached->nr - totals[2]);
	if (!ret && cached->wrong_slab)
		ret = toy_cache_bad(cache, "array entries naming the wrong slab",
				    cached->wrong_slab);
	spin_unlock_irqrestore(&cache->lock, flags);

	bitmap_free(seen);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(toy_cache_check);

/* CPUs rarely die: a validation that keeps meeting one gives up. */
#define TOY_VALIDATE_TRIES	4

/**
 * toy_cache_validate() - prove that every object is in exactly one place
 * @cache: the cache, kept quiet by the caller while this runs
 *
 * Every object of every slab is exactly one of: free in its slab (in its
 * in-slab bitmap), held in a per-CPU or the shared array, or allocated; the
 * free-object bitmap is set for exactly the first two; every array entry is
 * an object start of a slab of this cache; each slab is on the list its
 * count of taken objects calls for; and the slab and free object counters
 * equal what the lists hold.  The first violation is printed.  The arrays
 * are copied first and the slabs checked against the copy; when a CPU goes
 * offline in between, its array moves into the slabs and the copy is taken
 * again, so CPU hotplug never shows as corruption.  May sleep.
 *
 * Return: 0 when all holds, -EUCLEAN otherwise, -EAGAIN when CPUs kept
 * going offline during TOY_VALIDATE_TRIES attempts, or -ENOMEM.
 */
int toy_cache_validate(struct toy_cache *cache)
{
	struct toy_cache_snapshot cached;
	unsigned int tries;
	int ret = -EAGAIN;

	might_sleep();

	for (tries = 0; ret == -EAGAIN && tries < TOY_VALIDATE_TRIES; tries++) {
		ret = toy_cache_snapshot(cache, &cached);
		if (ret)
			return ret;
		ret = toy_cache_check(cache, &cached);
		toy_cache_snapshot_free(&cached);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(toy_cache_validate);

/**
 * toy_caches_validate() - toy_cache_validate() every cache of a set
 * @caches: the set, kept quiet by the caller while this runs
 *
 * The management caches too, after the others.  Stops at the first cache
 * that fails.  May sleep.
 *
 * Return: 0 when every cache is sound, else the first cache's error.
 */
int toy_caches_validate(struct toy_caches *caches)
{
	struct toy_cache *cache;
	int ret = 0;

	might_sleep();
	mutex_lock(&caches->mutex);
	list_for_each_entry(cache, &caches->list, list) {
		ret = toy_cache_validate(cache);
		if (ret)
			goto out;
	}
	list_for_each_entry(cache, &caches->mgmt, list) {
		ret = toy_cache_validate(cache);
		if (ret)
			goto out;
	}
out:
	mutex_unlock(&caches->mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(toy_caches_validate);

/**
 * toy_cache_get_slabinfo() - the numbers of a cache's /proc/slabinfo line
 * @cache: the cache
 * @info: filled in, under the cache lock, so the numbers agree
 *
 * As SLAB's and SLUB's get_slabinfo(): active_objs counts objects held by
 * users (not those waiting in the arrays); active_slabs counts slabs with at
 * least one object taken.
 */
void toy_cache_get_slabinfo(struct toy_cache *cache, struct toy_slabinfo *info)
{
	unsigned long flags;

	spin_lock_irqsave(&cache->lock, flags);
	info->active_objs = toy_cache_active_objects(cache);
	info->num_objs = cache->nr_slabs * cache->num;
	info->num_slabs = cache->nr_slabs;
	info->active_slabs = cache->nr_slabs - list_count_nodes(&cache->slabs_free);
	info->limit = cache->limit;
	info->batchcount = cache->batchcount;
	info->shared = cache->shared;
	info->shared_avail = cache->shared_array ? cache->shared_array->avail : 0;
	spin_unlock_irqrestore(&cache->lock, flags);
}

/**
 * toy_caches_tune() - set the array sizes of a cache named in a set
 * @caches: the set
 * @name: the cache's name
 * @limit: as toy_cache_tune()
 * @batchcount: as toy_cache_tune()
 * @shared: as toy_cache_tune()
 *
 * May sleep.
 *
 * Return: as toy_cache_tune(), or -ENOENT when no cache has that name.
 */
int toy_caches_tune(struct toy_caches *caches, const char *name,
		    unsigned int limit, unsigned int batchcount,
		    unsigned int shared)
{
	struct toy_cache *cache;
	int ret;

	might_sleep();
	mutex_lock(&caches->mutex);
	cache = toy_cache_find(caches, name);
	ret = cache ? toy_cache_tune(cache, limit, batchcount, shared) : -ENOENT;
	mutex_unlock(&caches->mutex);
	return ret;
}
