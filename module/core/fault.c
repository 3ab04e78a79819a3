// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc fault injection, with the kernel's framework (lib/fault-inject.c)
 *
 * Every memory toyalloc takes asks toy_should_fail() first: the blocks and
 * metadata of a zone, the metadata of a cache, and every block the buddy
 * zone hands out (so slab growth and large kmalloc too).  The attribute is
 * configured like failslab, in /sys/kernel/debug/toyalloc/fail_toyalloc/
 * (probability, interval, times, ...), and a task's
 * /proc/<pid>/fail-nth (current->fail_nth) fails exactly its nth call:
 * that is how the KUnit suite toyalloc_fault walks every failure path.
 * Without CONFIG_FAULT_INJECTION nothing ever fails here.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/types.h>
#include <linux/fault-inject.h>

#include "../internal.h"

#ifdef CONFIG_FAULT_INJECTION
static DECLARE_FAULT_ATTR(toy_fault_attr);

/**
 * toy_should_fail() - should this allocation fail on purpose
 * @size: bytes asked for
 *
 * Return: true to fail it.
 */
bool toy_should_fail(size_t size)
{
	return should_fail(&toy_fault_attr, size);
}

/**
 * toy_fault_init() - set up the attribute and its debugfs directory
 * @parent: the module's debugfs directory
 *
 * An injected failure logs one line, not a stack dump (verbose 1): the
 * failures are deliberate and the paths are known.
 */
void toy_fault_init(struct dentry *parent)
{
	toy_fault_attr.verbose = 1;
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	fault_create_debugfs_attr("fail_toyalloc", parent, &toy_fault_attr);
#endif
}
#else
bool toy_should_fail(size_t size)
{
	return false;
}

void toy_fault_init(struct dentry *parent)
{
}
#endif
