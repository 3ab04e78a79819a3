// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc: a buddy page allocator and slab caches over a private region
 *
 * At insmod the module takes nr_blocks order-10 blocks (4 MiB each) from the
 * kernel and builds its default zone over them, a set of caches on that
 * zone and the toy-kmalloc-* size classes in it; /proc/toybuddyinfo and
 * /proc/toyslabinfo show them (views/).  The allocator layers (buddy.c,
 * slab.c, kmalloc.c) are instance-based and know nothing of this file; here
 * are the module parameters, the default instances and the exported entry
 * points that use them.  Clients such as toyalloc_ctl (/dev/toyalloc) use
 * only what include/toyalloc.h declares.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "../internal.h"

static int nr_blocks = 16;
module_param(nr_blocks, int, 0444);
MODULE_PARM_DESC(nr_blocks, "order-10 (4 MiB) blocks in the default zone, 1..1024 (default 16)");

static bool page_poison;
module_param(page_poison, bool, 0444);
MODULE_PARM_DESC(page_poison, "poison free page blocks and check them on allocation");

static char *slab_debug = "";
module_param(slab_debug, charp, 0444);
MODULE_PARM_DESC(slab_debug, "debug every cache: letters of F (checks), Z (red zones), P (poison), U (owner tracking), as slub_debug=");

static struct toy_zone *default_zone;
static struct toy_caches default_caches;
static struct toy_kmalloc default_kmalloc;

/**
 * toy_alloc_pages() - allocate 2^@order pages from the default zone
 * @gfp: GFP_KERNEL where the caller may sleep, GFP_NOWAIT or GFP_ATOMIC
 *	where it may not (see toy_zone_alloc())
 * @order: 0..10
 *
 * Return: the address of the block, aligned to its size, or NULL.
 */
void *toy_alloc_pages(gfp_t gfp, unsigned int order)
{
	return toy_zone_alloc(default_zone, order, gfp);
}
EXPORT_SYMBOL_GPL(toy_alloc_pages);

/**
 * toy_free_pages() - free a block of the default zone
 * @addr: what toy_alloc_pages() returned
 * @order: the order it was allocated with
 *
 * Return: 0, or -EINVAL (and one error line) for a bad free.
 */
int toy_free_pages(void *addr, unsigned int order)
{
	return toy_zone_free(default_zone, addr, order);
}
EXPORT_SYMBOL_GPL(toy_free_pages);

/**
 * toy_kmem_cache_create() - create a named cache in the default zone
 * @name: unique among the module's caches, up to 31 characters, no spaces
 * @size: object size, 1..32768 bytes
 * @align: 0, or a power of 2 up to PAGE_SIZE
 * @flags: 0 or TOY_SLAB_HWCACHE_ALIGN
 * @ctor: NULL, or run once per object when its slab is created
 *
 * Return: the cache, or an ERR_PTR() (see toy_cache_create()).
 */
struct toy_cache *toy_kmem_cache_create(const char *name, unsigned int size,
					unsigned int align, unsigned long flags,
					void (*ctor)(void *))
{
	return toy_cache_create(&default_caches, name, size, align, flags,
				ctor);
}
EXPORT_SYMBOL_GPL(toy_kmem_cache_create);

/**
 * toy_kmalloc() - allocate @size bytes from the default zone's size classes
 * @size: bytes, 1..4 MiB
 * @flags: as toy_kmalloc_alloc(): GFP_KERNEL, GFP_NOWAIT or GFP_ATOMIC,
 *	with __GFP_ZERO to zero the memory
 *
 * Return: the memory, or NULL.
 */
void *toy_kmalloc(size_t size, gfp_t flags)
{
	return toy_kmalloc_alloc(&default_kmalloc, size, flags);
}
EXPORT_SYMBOL_GPL(toy_kmalloc);

/**
 * toy_kfree() - free what toy_kmalloc() returned
 * @ptr: the memory, or NULL
 *
 * Return: 0, or -EINVAL (and one error line) for a bad pointer.
 */
int toy_kfree(const void *ptr)
{
	return toy_kmalloc_free(&default_kmalloc, ptr);
}
EXPORT_SYMBOL_GPL(toy_kfree);

/**
 * toy_ksize() - usable size of a toy_kmalloc() allocation
 * @ptr: the memory
 *
 * Return: the bytes usable at @ptr, 0 for a pointer toyalloc did not give.
 */
size_t toy_ksize(const void *ptr)
{
	return toy_kmalloc_size(&default_kmalloc, ptr);
}
EXPORT_SYMBOL_GPL(toy_ksize);

/**
 * toy_default_zone() - the zone built at insmod from the module parameters
 *
 * Return: the zone, valid while toyalloc is loaded.
 */
struct toy_zone *toy_default_zone(void)
{
	return default_zone;
}
EXPORT_SYMBOL_GPL(toy_default_zone);

/**
 * toy_default_caches() - the caches of the default zone
 *
 * The set /proc/toyslabinfo lists, where toy_kmem_cache_create() makes
 * caches.
 *
 * Return: the set, valid while toyalloc is loaded.
 */
struct toy_caches *toy_default_caches(void)
{
	return &default_caches;
}
EXPORT_SYMBOL_GPL(toy_default_caches);

/**
 * toy_default_kmalloc() - the toy-kmalloc-* size classes of the default zone
 *
 * Return: the size classes toy_kmalloc() uses, valid while toyalloc is
 * loaded.
 */
struct toy_kmalloc *toy_default_kmalloc(void)
{
	return &default_kmalloc;
}
EXPORT_SYMBOL_GPL(toy_default_kmalloc);

static int __init toyalloc_init(void)
{
	unsigned long debug_flags;
	int ret;

	if (nr_blocks < 1 || nr_blocks > TOY_ZONE_MAX_BLOCKS) {
		pr_err("nr_blocks=%d is out of range 1..%u\n", nr_blocks,
		       TOY_ZONE_MAX_BLOCKS);
		return -EINVAL;
	}
	if (toy_slab_debug_flags(slab_debug, &debug_flags)) {
		pr_err("slab_debug=%s: only the letters F, Z, P and U are known\n",
		       slab_debug);
		return -EINVAL;
	}
	ret = toy_cpus_init();
	if (ret)
		return ret;
	default_zone = toy_zone_create("toy", nr_blocks, TOY_ZONE_PCP |
					   (page_poison ? TOY_ZONE_POISON : 0));
	if (IS_ERR(default_zone)) {
		ret = PTR_ERR(default_zone);
		pr_err("cannot take %d blocks of 4 MiB: %d\n", nr_blocks, ret);
		goto fail_zone;
	}
	toy_caches_init(&default_caches, default_zone, debug_flags);
	ret = toy_kmalloc_init(&default_kmalloc, &default_caches);
	if (ret)
		goto fail_kmalloc;
	ret = toy_procfs_init(default_zone, &default_caches);
	if (ret)
		goto fail_procfs;
	toy_debugfs_init(default_zone, &default_caches);
	pr_info("zone %s: %d blocks, %lu pages\n", default_zone->name,
		nr_blocks, toy_zone_nr_pages(default_zone));
	return 0;

fail_procfs:
	toy_kmalloc_exit(&default_kmalloc);
fail_kmalloc:
	toy_zone_destroy(default_zone);
fail_zone:
	toy_cpus_exit();
	return ret;
}

static void __exit toyalloc_exit(void)
{
	toy_debugfs_exit();
	toy_procfs_exit();
	toy_kmalloc_exit(&default_kmalloc);
	toy_caches_exit(&default_caches);
	toy_zone_destroy(default_zone);
	toy_cpus_exit();
}

module_init(toyalloc_init);
module_exit(toyalloc_exit);

MODULE_DESCRIPTION("Buddy page allocator and slab caches over a private region");
MODULE_AUTHOR("toyalloc developers");
MODULE_LICENSE("GPL");
