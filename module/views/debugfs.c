// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc debugfs views, in /sys/kernel/debug/toyalloc/:
 *
 *	unusable_index	as /sys/kernel/debug/extfrag/unusable_index
 *	extfrag_index	as /sys/kernel/debug/extfrag/extfrag_index
 *	stats		per order: allocs frees splits merges failures;
 *			failed allocations by reason: nowait (the caller
 *			could not sleep, so nothing was reclaimed),
 *			reclaimed (nothing even after every CPU's lists and
 *			the caches' free slabs came back), injected;
 *			per cache: allocs frees allochit allocmiss freehit
 *			freemiss grown reaped
 *	pagesets	each online CPU's lists of free pages: count, high
 *			and batch, as the pagesets of /proc/zoneinfo
 *	zone_map	every block of the zone, "block offset order state
 *			side" (the lecture's view_chunk), for the first
 *			TOY_MAP_MAX_BLOCKS order-10 blocks
 *	fail_toyalloc/	the fault-injection attribute (fault.c)
 *
 * All read-only and free of kernel pointers.  As everywhere in debugfs, a
 * failure to create a file is not an error for the module.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "../internal.h"

#define TOY_MAP_MAX_BLOCKS	16

static struct dentry *toy_debugfs_dir;
static struct toy_caches *toy_debugfs_caches;

static int toy_unusable_index_show(struct seq_file *m, void *v)
{
	toy_zone_unusable_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(toy_unusable_index);

static int toy_extfrag_index_show(struct seq_file *m, void *v)
{
	toy_zone_extfrag_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(toy_extfrag_index);

/*
 * toy_zone_dump() - print every block of a zone, the lecture's view_chunk
 *
 * One line per block, in address order: "block offset order state side",
 * the offset being the page index in the block, the side "left" or "right"
 * (the TYPE bit) or "-" for a whole order-10 block.  Taken under the zone
 * lock, one order-10 block at a time.
 */
static void toy_zone_dump(struct seq_file *m, struct toy_zone *zone,
			  unsigned int max_blocks)
{
	unsigned long block, idx, flags;
	unsigned int order;
	u8 meta;

	seq_puts(m, "# block offset order state side\n");
	for (block = 0; block < min(zone->nr_blocks, max_blocks); block++) {
		spin_lock_irqsave(&zone->lock, flags);
		for (idx = block << TOY_MAX_ORDER;
		     idx < (block + 1) << TOY_MAX_ORDER; idx += BIT(order)) {
			meta = zone->pages[idx].state.meta;
			order = toy_meta_order(meta);
			seq_printf(m, "%lu %lu %u %s %s\n", block,
				   idx & (TOY_BLOCK_PAGES - 1), order,
				   meta & TOY_META_ALLOCATED ? "allocated" : "free",
				   order == TOY_MAX_ORDER ? "-" :
				   meta & TOY_META_RIGHT ? "right" : "left");
		}
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	if (zone->nr_blocks > max_blocks)
		seq_printf(m, "# %u more blocks not shown\n",
			   zone->nr_blocks - max_blocks);
}

static int toy_zone_map_show(struct seq_file *m, void *v)
{
	toy_zone_dump(m, m->private, TOY_MAP_MAX_BLOCKS);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(toy_zone_map);

static int toy_pagesets_show(struct seq_file *m, void *v)
{
	struct toy_zone *zone = m->private;
	int cpu;

	seq_printf(m, "Node 0, zone %8s\n  pagesets", zone->name);
	if (zone->pcp) {
		for_each_online_cpu(cpu)
			seq_printf(m, "\n    cpu: %i\n              count: %u\n              high:  %u\n              batch: %u",
				   cpu, toy_zone_pcp_pages(zone, cpu),
				   zone->pcp_high, zone->pcp_batch);
	}
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(toy_pagesets);

static void toy_cache_stats_line(struct seq_file *m, struct toy_cache *cache)
{
	struct toy_cache_stats cs;

	toy_cache_get_stats(cache, &cs);
	seq_printf(m, "%s %lu %lu %lu %lu %lu %lu %lu %lu\n", cache->name,
		   cs.allocs, cs.frees, cs.allochit, cs.allocmiss,
		   cs.freehit, cs.freemiss, cs.grown, cs.reaped);
}

static int toy_stats_show(struct seq_file *m, void *v)
{
	struct toy_order_stats stats[TOY_NR_ORDERS];
	unsigned long nr_free[TOY_NR_ORDERS], failures[TOY_NR_FAIL];
	struct toy_zone *zone = m->private;
	struct toy_cache *cache;
	unsigned int order;

	toy_zone_snapshot(zone, nr_free, stats);
	seq_puts(m, "# order allocs frees splits merges failures\n");
	for (order = 0; order <= TOY_MAX_ORDER; order++)
		seq_printf(m, "%u %lu %lu %lu %lu %lu\n", order,
			   stats[order].allocs, stats[order].frees,
			   stats[order].splits, stats[order].merges,
			   stats[order].failures);

	toy_zone_failures(zone, failures);
	seq_printf(m, "# failures nowait reclaimed injected\n%lu %lu %lu\n",
		   failures[TOY_FAIL_NOWAIT], failures[TOY_FAIL_RECLAIMED],
		   failures[TOY_FAIL_INJECTED]);
	seq_puts(m, "# cache allocs frees allochit allocmiss freehit freemiss grown reaped\n");
	mutex_lock(&toy_debugfs_caches->mutex);
	list_for_each_entry(cache, &toy_debugfs_caches->list, list)
		toy_cache_stats_line(m, cache);
	/* The caches that hold other slabs' bitmaps, last, as in toyslabinfo. */
	list_for_each_entry(cache, &toy_debugfs_caches->mgmt, list)
		toy_cache_stats_line(m, cache);
	mutex_unlock(&toy_debugfs_caches->mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(toy_stats);

/**
 * toy_debugfs_init() - create /sys/kernel/debug/toyalloc
 * @zone: the zone the files describe
 * @caches: the caches the stats file lists
 */
void toy_debugfs_init(struct toy_zone *zone, struct toy_caches *caches)
{
	toy_debugfs_caches = caches;
	toy_debugfs_dir = debugfs_create_dir("toyalloc", NULL);
	debugfs_create_file("unusable_index", 0444, toy_debugfs_dir, zone,
			    &toy_unusable_index_fops);
	debugfs_create_file("extfrag_index", 0444, toy_debugfs_dir, zone,
			    &toy_extfrag_index_fops);
	debugfs_create_file("stats", 0444, toy_debugfs_dir, zone, &toy_stats_fops);
	debugfs_create_file("pagesets", 0444, toy_debugfs_dir, zone,
			    &toy_pagesets_fops);
	debugfs_create_file("zone_map", 0444, toy_debugfs_dir, zone,
			    &toy_zone_map_fops);
	toy_fault_init(toy_debugfs_dir);
}

/**
 * toy_debugfs_exit() - remove /sys/kernel/debug/toyalloc
 */
void toy_debugfs_exit(void)
{
	debugfs_remove_recursive(toy_debugfs_dir);
}
