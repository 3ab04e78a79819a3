// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc kmalloc: byte-sized allocations without naming a cache
 *
 * Requests up to 8192 bytes go to the smallest size class that fits, one
 * toy cache per class with the kernel's series of sizes: powers of two from
 * 8 to 8192, plus 96 and 192, which cut the waste of requests just above 64
 * and 128.  Larger requests are whole buddy blocks of the smallest order
 * that holds them.  A free needs no size: the buddy zone finds the block
 * holding the pointer in constant time, and a block that is a slab names
 * its cache in its head page; any other block is a large allocation of the
 * order the zone recorded.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/kmemleak.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "../internal.h"

static const unsigned int toy_kmalloc_sizes[TOY_KMALLOC_CLASSES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

/**
 * toy_kmalloc_init() - create the toy-kmalloc-* caches
 * @km: the size classes to set up
 * @caches: the set the caches join
 *
 * Return: 0, or the error of the cache that could not be created, after
 * destroying those that were.
 */
int toy_kmalloc_init(struct toy_kmalloc *km, struct toy_caches *caches)
{
	char name[TOY_CACHE_NAME_LEN];
	unsigned int i;

	km->caches = caches;
	km->zone = caches->zone;
	memset(km->class, 0, sizeof(km->class));
	for (i = 0; i < TOY_KMALLOC_CLASSES; i++) {
		snprintf(name, sizeof(name), "toy-kmalloc-%u", toy_kmalloc_sizes[i]);
		km->class[i] = toy_cache_create(caches, name, toy_kmalloc_sizes[i],
						0, 0, NULL);
		if (IS_ERR(km->class[i])) {
			int ret = PTR_ERR(km->class[i]);

			km->class[i] = NULL;
			toy_kmalloc_exit(km);
			return ret;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(toy_kmalloc_init);

/**
 * toy_kmalloc_exit() - destroy the size classes
 * @km: the size classes
 *
 * A class that still has objects allocated is left in place (see
 * toy_cache_destroy()).
 */
void toy_kmalloc_exit(struct toy_kmalloc *km)
{
	unsigned int i;

	for (i = 0; i < TOY_KMALLOC_CLASSES; i++) {
		if (km->class[i] && !toy_cache_destroy(km->class[i]))
			km->class[i] = NULL;
	}
}
EXPORT_SYMBOL_GPL(toy_kmalloc_exit);

/*
 * The class of a request, without a search, as the kernel's kmalloc_index():
 * up to 192 bytes a table indexed by 8-byte steps (where 96 and 192 break
 * the powers of two), above it the power of two that holds the size.
 */
static const u8 toy_kmalloc_small_class[192 / 8] = {
	0, 1, 2, 2, 3, 3, 3, 3,		/* 8, 16, 32, 64 */
	4, 4, 4, 4, 5, 5, 5, 5,		/* 96, 128 */
	6, 6, 6, 6, 6, 6, 6, 6,		/* 192 */
};

static struct toy_cache *toy_kmalloc_class(struct toy_kmalloc *km, size_t size)
{
	if (size <= 192)
		return km->class[toy_kmalloc_small_class[(size - 1) / 8]];
	if (size <= TOY_KMALLOC_MAX_CACHE)
		return km->class[fls(size - 1) - 1];
	return NULL;
}

/**
 * toy_kmalloc_alloc() - allocate @size bytes
 * @km: the size classes
 * @size: bytes, 1 up to a whole order-10 block
 * @flags: GFP_KERNEL where the caller may sleep (an allocation that finds
 *	nothing then reclaims before it fails), GFP_NOWAIT or GFP_ATOMIC
 *	where it may not; __GFP_ZERO zeroes the memory
 *
 * Return: memory aligned to at least 8 bytes (to the page for requests
 * above 8192), or NULL for size 0, a size above 4 MiB, or no memory.
 */
void *toy_kmalloc_alloc(struct toy_kmalloc *km, size_t size, gfp_t flags)
{
	struct toy_cache *cache;
	void *ptr;

	if (!size || size > PAGE_SIZE << TOY_MAX_ORDER)
		return NULL;
	cache = toy_kmalloc_class(km, size);
	if (likely(cache))	/* zeroes the whole object for __GFP_ZERO */
		return toy_cache_alloc_caller(cache, flags, _RET_IP_);
	/* The @size bytes are zeroed here, not the whole block. */
	ptr = toy_zone_alloc(km->zone, get_order(size), flags & ~__GFP_ZERO);
	if (!ptr)
		return NULL;
	kmemleak_alloc(ptr, size, 1, GFP_ATOMIC);
	if (flags & __GFP_ZERO)
		memset(ptr, 0, size);
	return ptr;
}
EXPORT_SYMBOL_GPL(toy_kmalloc_alloc);

/*
 * A free of what is not in a slab: a large allocation's block, whose start
 * @ptr must be (@head: the allocated block holding @ptr, or NULL).
 */
static noinline int toy_kmalloc_free_large(struct toy_zone *zone,
					   struct toy_page *head,
					   const void *ptr)
{
	if (!head || toy_page_to_virt(zone, head) != ptr) {
		if (toy_report_ratelimit())
			pr_err("kfree of %p: not a toy_kmalloc allocation\n", ptr);
		return -EINVAL;
	}
	kmemleak_free(ptr);
	return toy_zone_free(zone, (void *)ptr, toy_page_order(head));
}

/**
 * toy_kmalloc_free() - free what toy_kmalloc_alloc() returned
 * @km: the size classes
 * @ptr: the memory, or NULL (nothing happens)
 *
 * Return: 0, or -EINVAL with one dmesg line when @ptr is not an allocation
 * of @km.
 */
int __flatten toy_kmalloc_free(struct toy_kmalloc *km, const void *ptr)
{
	struct toy_zone *zone = km->zone;
	struct toy_cache *cache;
	struct toy_page *head;

	if (!ptr)
		return 0;
	/*
	 * One lookup, in line (__flatten: the compiler would rather call the
	 * zone's lookup, which toy_kmalloc_size() uses too), and the slab's
	 * free as a tail call: the block holding @ptr names its cache, if it
	 * is a slab.
	 */
	head = toy_zone_block_head(zone, ptr);
	cache = head ? READ_ONCE(head->slab.cache) : NULL;
	if (likely(cache))
		return toy_slab_free(cache, head, (void *)ptr, _RET_IP_);
	return toy_kmalloc_free_large(zone, head, ptr);
}
EXPORT_SYMBOL_GPL(toy_kmalloc_free);

/**
 * toy_kmalloc_size() - usable size of an allocation
 * @km: the size classes
 * @ptr: what toy_kmalloc_alloc() returned
 *
 * Return: the size of its class, or of its whole block for large ones; 0
 * when @ptr is not allocated from @km's zone.
 */
size_t toy_kmalloc_size(struct toy_kmalloc *km, const void *ptr)
{
	struct toy_page *head = toy_zone_block_head(km->zone, ptr);
	struct toy_cache *cache;

	if (!head)
		return 0;
	cache = READ_ONCE(head->slab.cache);
	if (cache)
		return cache->object_size;
	return PAGE_SIZE << toy_page_order(head);
}
EXPORT_SYMBOL_GPL(toy_kmalloc_size);
