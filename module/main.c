// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc: a buddy page allocator and slab caches over a private region
 *
 * At insmod the module takes nr_blocks order-10 blocks (4 MiB each) from the
 * kernel and builds its default zone over them; /proc/toybuddyinfo shows it.
 * The allocator layers (buddy.c) are instance-based and know nothing of this
 * file; here are the module parameters, the default instances and the
 * exported entry points that use them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "buddy.h"
#include "control.h"
#include "procfs.h"
#include "toyalloc.h"

static int nr_blocks = 16;
module_param(nr_blocks, int, 0444);
MODULE_PARM_DESC(nr_blocks, "order-10 (4 MiB) blocks in the default zone, 1..1024 (default 16)");

static struct toy_zone *toy_default_zone;

/**
 * toy_alloc_pages() - allocate 2^@order pages from the default zone
 * @order: 0..10
 *
 * Never sleeps; callable from any context.
 *
 * Return: the address of the block, aligned to its size, or NULL.
 */
void *toy_alloc_pages(unsigned int order)
{
	return toy_zone_alloc(toy_default_zone, order);
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
	return toy_zone_free(toy_default_zone, addr, order);
}
EXPORT_SYMBOL_GPL(toy_free_pages);

static int __init toyalloc_init(void)
{
	int ret;

	if (nr_blocks < 1 || nr_blocks > TOY_ZONE_MAX_BLOCKS) {
		pr_err("nr_blocks=%d is out of range 1..%u\n", nr_blocks,
		       TOY_ZONE_MAX_BLOCKS);
		return -EINVAL;
	}
	toy_default_zone = toy_zone_create("toy", nr_blocks);
	if (IS_ERR(toy_default_zone)) {
		ret = PTR_ERR(toy_default_zone);
		pr_err("cannot take %d blocks of 4 MiB: %d\n", nr_blocks, ret);
		return ret;
	}
	ret = toy_procfs_init(toy_default_zone);
	if (ret)
		goto fail_procfs;
	ret = toy_control_init(toy_default_zone);
	if (ret)
		goto fail_control;
	pr_info("zone %s: %d blocks, %lu pages\n", toy_default_zone->name,
		nr_blocks, toy_zone_nr_pages(toy_default_zone));
	return 0;

fail_control:
	toy_procfs_exit();
fail_procfs:
	toy_zone_destroy(toy_default_zone);
	return ret;
}

static void __exit toyalloc_exit(void)
{
	toy_control_exit();
	toy_procfs_exit();
	toy_zone_destroy(toy_default_zone);
}

module_init(toyalloc_init);
module_exit(toyalloc_exit);

MODULE_DESCRIPTION("Buddy page allocator and slab caches over a private region");
MODULE_AUTHOR("toyalloc developers");
MODULE_LICENSE("GPL");
