// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc /proc interface
 *
 * Byte for byte the formats of the kernel's files, so that tools written
 * for those read these:
 *
 *	/proc/toybuddyinfo	/proc/buddyinfo (mm/vmstat.c frag_show_print()),
 *				one line per zone; mode 0444
 *	/proc/toyslabinfo	/proc/slabinfo version 2.1 (mm/slab_common.c),
 *				one line per cache, the management caches
 *				(slab.c) last; mode 0644: anyone reads,
 *				root retunes a cache by writing
 *				"name limit batchcount sharedfactor", as
 *				under the kernel's SLAB; a write that is
 *				not one line of printable text (a NUL, a
 *				control byte) is refused
 *
 * The files are created by toy_procfs_init() over the module's zone and
 * caches and removed by toy_procfs_exit() before those go away.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "../internal.h"

/* As mm/slab.c MAX_SLABINFO_WRITE: longer writes are refused. */
#define TOY_SLABINFO_WRITE_MAX	128

static struct toy_caches *toy_procfs_caches;

/**
 * toy_zone_line_start() - start a per-zone line of /proc/buddyinfo style
 * @m: the seq_file
 * @zone: the zone
 *
 * "Node N, zone NAME ", as the kernel's per-zone files begin their lines,
 * the node being that of the zone's first block.
 */
void toy_zone_line_start(struct seq_file *m, struct toy_zone *zone)
{
	seq_printf(m, "Node %d, zone %8s ", page_to_nid(zone->blocks[0]),
		   zone->name);
}

/**
 * toy_zone_buddyinfo_show() - print a zone as one /proc/buddyinfo line
 * @m: the seq_file
 * @zone: the zone
 *
 * Exactly the format of mm/vmstat.c frag_show_print(): the line start, then
 * the free block count of each order.
 */
void toy_zone_buddyinfo_show(struct seq_file *m, struct toy_zone *zone)
{
	unsigned int order;

	toy_zone_line_start(m, zone);
	for (order = 0; order <= TOY_MAX_ORDER; order++) {
		/* Lockless, as frag_show_print(): a count to read, not to act on. */
		seq_printf(m, "%6lu ", data_race(zone->free_area[order].nr_free));
	}
	seq_putc(m, '\n');
}
EXPORT_SYMBOL_IF_KUNIT(toy_zone_buddyinfo_show);

/**
 * toy_slabinfo_header() - the /proc/slabinfo version 2.1 header
 * @m: the seq_file
 *
 * As mm/slab_common.c print_slabinfo_header() prints it.
 */
void toy_slabinfo_header(struct seq_file *m)
{
	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	seq_putc(m, '\n');
}
EXPORT_SYMBOL_IF_KUNIT(toy_slabinfo_header);

/**
 * toy_cache_slabinfo_show() - one cache as a /proc/slabinfo line
 * @m: the seq_file
 * @cache: the cache
 *
 * The format of mm/slab_common.c cache_show(), from the numbers
 * toy_cache_get_slabinfo() takes together.
 */
void toy_cache_slabinfo_show(struct seq_file *m, struct toy_cache *cache)
{
	struct toy_slabinfo info;

	toy_cache_get_slabinfo(cache, &info);
	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d",
		   cache->name, info.active_objs, info.num_objs, cache->size,
		   cache->num, 1 << cache->order);
	seq_printf(m, " : tunables %4u %4u %4u", info.limit, info.batchcount,
		   info.shared);
	seq_printf(m, " : slabdata %6lu %6lu %6u", info.active_slabs,
		   info.num_slabs, info.shared_avail);
	seq_putc(m, '\n');
}
EXPORT_SYMBOL_IF_KUNIT(toy_cache_slabinfo_show);

/**
 * toy_caches_tune_line() - apply a slabinfo write "name limit batchcount shared"
 * @caches: the set the named cache is in
 * @line: the line, NUL-terminated; modified in place
 *
 * Return: 0, -EINVAL for a malformed line or values out of range, -ENOENT
 * for an unknown cache, or -ENOMEM.
 */
int toy_caches_tune_line(struct toy_caches *caches, char *line)
{
	unsigned int values[3], n = 0;
	char *name, *word, *rest = strim(line);
	int ret;

	name = strsep(&rest, " \t");
	while ((word = strsep(&rest, " \t"))) {
		if (!*word)
			continue;
		if (n == ARRAY_SIZE(values) || kstrtouint(word, 10, &values[n]))
			goto malformed;
		n++;
	}
	if (!name || !*name || n != ARRAY_SIZE(values))
		goto malformed;

	ret = toy_caches_tune(caches, name, values[0], values[1], values[2]);
	if (ret == -ENOENT)
		pr_err_ratelimited("slabinfo: no cache named %s\n", name);
	return ret;

malformed:
	pr_err_ratelimited("slabinfo: expected \"name limit batchcount sharedfactor\"\n");
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(toy_caches_tune_line);

static int toy_buddyinfo_show(struct seq_file *m, void *v)
{
	toy_zone_buddyinfo_show(m, m->private);
	return 0;
}

/* The cache at @pos: the set's caches, then its management caches. */
static struct toy_cache *toy_slabinfo_cache(loff_t pos)
{
	struct toy_cache *cache;

	list_for_each_entry(cache, &toy_procfs_caches->list, list)
		if (!pos--)
			return cache;
	list_for_each_entry(cache, &toy_procfs_caches->mgmt, list)
		if (!pos--)
			return cache;
	return NULL;
}

static void *toy_slabinfo_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&toy_procfs_caches->mutex);
	return toy_slabinfo_cache(*pos);
}

static void *toy_slabinfo_next(struct seq_file *m, void *p, loff_t *pos)
{
	return toy_slabinfo_cache(++*pos);
}

static void toy_slabinfo_stop(struct seq_file *m, void *p)
{
	mutex_unlock(&toy_procfs_caches->mutex);
}

static int toy_slabinfo_show(struct seq_file *m, void *p)
{
	if (p == toy_slabinfo_cache(0))
		toy_slabinfo_header(m);
	toy_cache_slabinfo_show(m, p);
	return 0;
}

static const struct seq_operations toy_slabinfo_ops = {
	.start = toy_slabinfo_start,
	.next = toy_slabinfo_next,
	.stop = toy_slabinfo_stop,
	.show = toy_slabinfo_show,
};

static int toy_slabinfo_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &toy_slabinfo_ops);
}

static ssize_t toy_slabinfo_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char line[TOY_SLABINFO_WRITE_MAX + 1];
	int ret;

	if (count > TOY_SLABINFO_WRITE_MAX) {
		pr_err_ratelimited("slabinfo: write longer than %d bytes\n",
				   TOY_SLABINFO_WRITE_MAX);
		return -EINVAL;
	}
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';
	if (!toy_is_text_line(line, count)) {
		pr_err_ratelimited("slabinfo: write holds a NUL or a byte that is not text\n");
		return -EINVAL;
	}
	ret = toy_caches_tune_line(toy_procfs_caches, line);
	return ret ? ret : count;
}

static const struct proc_ops toy_slabinfo_proc_ops = {
	.proc_open = toy_slabinfo_open,
	.proc_read = seq_read,
	.proc_write = toy_slabinfo_write,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release,
};

/**
 * toy_procfs_init() - create the /proc files of the module
 * @zone: the zone /proc/toybuddyinfo describes
 * @caches: the caches /proc/toyslabinfo lists
 *
 * Return: 0 or -ENOMEM.
 */
int toy_procfs_init(struct toy_zone *zone, struct toy_caches *caches)
{
	toy_procfs_caches = caches;
	if (!proc_create_single_data("toybuddyinfo", 0444, NULL,
				     toy_buddyinfo_show, zone))
		return -ENOMEM;
	if (!proc_create("toyslabinfo", 0644, NULL, &toy_slabinfo_proc_ops)) {
		remove_proc_entry("toybuddyinfo", NULL);
		return -ENOMEM;
	}
	return 0;
}

/**
 * toy_procfs_exit() - remove the /proc files; returns after every reader left
 */
void toy_procfs_exit(void)
{
	remove_proc_entry("toyslabinfo", NULL);
	remove_proc_entry("toybuddyinfo", NULL);
}
