/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc slab caches: objects on top of the buddy zone.  See slab.c for
 * the design.
 */
#ifndef _TOYALLOC_SLAB_H
#define _TOYALLOC_SLAB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <toyalloc/buddy.h>
#include <toyalloc/cpus.h>

struct seq_file;
struct toy_page;
struct toy_zone;

#define TOY_CACHE_NAME_LEN	32
/* Objects up to 32 KiB; larger requests are whole buddy blocks. */
#define TOY_CACHE_MAX_SIZE	(PAGE_SIZE << 3)
/* Capacity of a per-CPU array: the largest accepted limit. */
#define TOY_AC_MAX_LIMIT	256
/* Largest accepted sharedfactor. */
#define TOY_MAX_SHARED		8

/* Flags of toy_cache_create(); slab_debug.c explains the debug ones. */
#define TOY_SLAB_HWCACHE_ALIGN		BIT(0)	/* align objects to cache lines */
#define TOY_SLAB_RED_ZONE		BIT(1)	/* Z: red zone after each object */
#define TOY_SLAB_POISON			BIT(2)	/* P: poison free objects */
#define TOY_SLAB_CONSISTENCY_CHECKS	BIT(3)	/* F: check on alloc and free */
#define TOY_SLAB_STORE_USER		BIT(4)	/* U: last alloc and free owner */
#define TOY_SLAB_RANDOMIZE		BIT(5)	/* hand out each slab in random order */
#define TOY_SLAB_DEBUG_FLAGS		(TOY_SLAB_RED_ZONE | TOY_SLAB_POISON | \
					 TOY_SLAB_CONSISTENCY_CHECKS | \
					 TOY_SLAB_STORE_USER)
#define TOY_SLAB_FLAGS_MASK		(TOY_SLAB_HWCACHE_ALIGN | TOY_SLAB_DEBUG_FLAGS | \
					 TOY_SLAB_RANDOMIZE)

/**
 * struct toy_array_entry - an object kept in an array, with its slab
 * @obj: the object
 * @slab: the head page of its slab, so that neither taking the object out
 *	again nor giving it back to its slab asks the zone
 */
struct toy_array_entry {
	void *obj;
	struct toy_page *slab;
};

/**
 * struct toy_array_cache - objects kept for one CPU (SLAB's array_cache)
 * @lock: held by its CPU while it works on the array; an interrupt of
 *	that work goes around the array (slab.c).  No other CPU ever touches
 *	the array while its CPU is online
 * @avail: number of objects in @entry, the most recently freed last
 * @allochit: allocations served from @entry
 * @allocmiss: allocations that found @entry empty and refilled it
 * @freehit: frees that found room in @entry
 * @freemiss: frees that found @entry full and flushed it first
 * @entry: the objects
 */
struct toy_array_cache {
	struct toy_local_trylock lock;	/* see @lock above */
	unsigned int avail;
	unsigned long allochit;
	unsigned long allocmiss;
	unsigned long freehit;
	unsigned long freemiss;
	struct toy_array_entry entry[TOY_AC_MAX_LIMIT];
};

/**
 * struct toy_cache_stats - what happened in a cache
 * @allocs: allocation requests
 * @frees: objects freed
 * @allochit: allocations served by a per-CPU array without refilling it
 * @allocmiss: allocations that had to refill the array first, or went
 *	around it
 * @freehit: frees that found room in the per-CPU array
 * @freemiss: frees that had to flush the array first, or went around it
 * @grown: slabs taken from the zone
 * @reaped: slabs given back to the zone
 */
struct toy_cache_stats {
	unsigned long allocs;
	unsigned long frees;
	unsigned long allochit;
	unsigned long allocmiss;
	unsigned long freehit;
	unsigned long freemiss;
	unsigned long grown;
	unsigned long reaped;
};

/**
 * struct toy_shared_array - objects shared by all CPUs of a cache
 * @avail: number of objects in @entry
 * @limit: capacity, sharedfactor * batchcount
 * @entry: the objects
 */
struct toy_shared_array {
	unsigned int avail;
	unsigned int limit;
	struct toy_array_entry entry[];
};

/**
 * struct toy_caches - the caches built on one zone
 * @zone: where every cache of the set takes its slabs
 * @flags: TOY_SLAB_* flags added to every cache created in the set
 * @mutex: protects @list and @mgmt; names are unique within the set
 * @list: the caches, in creation order
 * @mgmt: the management caches: the bitmaps of the slabs of the caches on
 *	@list whose slabs hold more than BITS_PER_LONG objects, one cache per
 *	size of bitmaps (slab.c)
 * @reclaimer: gives the caches' free slabs back when the zone runs short
 */
struct toy_caches {
	struct toy_zone *zone;
	unsigned long flags;
	struct mutex mutex;	/* see @mutex above */
	struct list_head list;
	struct list_head mgmt;
	struct toy_zone_reclaimer reclaimer;
};

/**
 * struct toy_cache - a named cache of equally sized objects
 * @name: shown in /proc/toyslabinfo
 * @caches: the set the cache belongs to
 * @zone: the zone its slabs come from
 * @object_size: the size asked for
 * @size: distance between objects: @object_size and the debug bytes,
 *	rounded up to @align
 * @index_mult: 2^40 / @size, rounded up: an object's offset in its slab
 *	times it, shifted right by 40, is the object's index (slab.c)
 * @flags: TOY_SLAB_* flags in force
 * @red_zone: bytes of red zone after each object, 0 without
 * @track: offset of the owner tracks in each object, 0 without
 * @align: alignment of every object
 * @order: every slab is one buddy block of this order
 * @num: objects per slab
 * @maps_in_page: a slab keeps its bitmaps in its head toy_page (at most
 *	BITS_PER_LONG objects); else in an object of @mgmt
 * @mgmt: the management cache holding the bitmaps of each slab, NULL when
 *	they are in the page
 * @users: of a management cache, the caches whose bitmaps it holds;
 *	under toy_caches.mutex
 * @colours: number of distinct colour offsets
 * @colour_off: distance between two colour offsets
 * @ctor: constructor, run once per object when its slab is created
 * @cpu_cache: the per-CPU arrays
 * @cpu_dead: empties the array of a CPU that goes offline
 * @lock: protects everything below it
 * @limit: per-CPU array limit (tunable)
 * @batchcount: objects moved at once between a CPU array and the lists
 * @shared: sharedfactor: the shared array holds @shared * @batchcount
 * @shared_array: objects shared by the CPUs, NULL when @shared is 0
 * @colour_next: colour of the next slab
 * @slabs_full: slabs with every object allocated (or cached)
 * @slabs_partial: slabs with some objects free
 * @slabs_free: slabs with no object allocated
 * @slabs_broken: slabs whose bitmaps were found corrupted: they
 *	hand out nothing more and go back to the zone when their last
 *	object comes back
 * @nr_slabs: slabs on the three lists
 * @free_objects: objects free in slabs (not counting the arrays)
 * @grown: slabs taken from the zone
 * @reaped: slabs given back to the zone
 * @direct_allocs: allocations that interrupted their CPU's work on its
 *	array and took an object from the shared array or the slabs
 * @direct_frees: frees that did so and gave the object to the shared
 *	array or its slab
 * @cpus_dead: CPUs whose arrays went back to the slabs when they went
 *	offline; a validation compares it with its copy of the arrays
 * @list: link in the cache set's list of caches or of management caches
 */
struct toy_cache {
	char name[TOY_CACHE_NAME_LEN];
	struct toy_caches *caches;
	struct toy_zone *zone;
	unsigned int object_size;
	unsigned int size;
	u64 index_mult;
	unsigned long flags;
	unsigned int red_zone;
	unsigned int track;
	unsigned int align;
	unsigned int order;
	unsigned int num;
	bool maps_in_page;
	struct toy_cache *mgmt;
	unsigned int users;
	unsigned int colours;
	unsigned int colour_off;
	void (*ctor)(void *obj);
	struct toy_array_cache __percpu *cpu_cache;
	struct toy_cpu_dead cpu_dead;

	spinlock_t lock;	/* protects the fields below */
	unsigned int limit;
	unsigned int batchcount;
	unsigned int shared;
	struct toy_shared_array *shared_array;
	unsigned int colour_next;
	struct list_head slabs_full;
	struct list_head slabs_partial;
	struct list_head slabs_free;
	struct list_head slabs_broken;
	unsigned long nr_slabs;
	unsigned long free_objects;
	unsigned long grown;
	unsigned long reaped;
	unsigned long direct_allocs;
	unsigned long direct_frees;
	unsigned long cpus_dead;

	struct list_head list;
};

void toy_caches_init(struct toy_caches *caches, struct toy_zone *zone,
		     unsigned long flags);
void toy_caches_exit(struct toy_caches *caches);

struct toy_cache *toy_cache_create(struct toy_caches *caches, const char *name,
				   unsigned int size, unsigned int align,
				   unsigned long flags, void (*ctor)(void *));
int toy_cache_destroy(struct toy_cache *cache);
void *toy_cache_alloc(struct toy_cache *cache, gfp_t gfp);
int toy_cache_free(struct toy_cache *cache, void *obj);
unsigned long toy_cache_shrink(struct toy_cache *cache);
unsigned long toy_caches_shrink(struct toy_caches *caches);
int toy_cache_tune(struct toy_cache *cache, unsigned int limit,
		   unsigned int batchcount, unsigned int shared);
int toy_cache_validate(struct toy_cache *cache);
int toy_caches_validate(struct toy_caches *caches);
void toy_cache_get_stats(struct toy_cache *cache, struct toy_cache_stats *stats);

#endif /* _TOYALLOC_SLAB_H */
