// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc fragmentation indices, with the kernel's own formulas
 * (mm/vmstat.c unusable_free_index() and __fragmentation_index()), over
 * the free block counts of a zone.  With F the free pages, B the free
 * blocks and S the free blocks able to hold 2^j pages, counted in units of
 * 2^j pages:
 *
 *	unusable(j) = (F - S * 2^j) / F, or 1 when F = 0:
 *		the share of free memory in blocks too small for order j
 *	extfrag(j)  = 1 - (1 + F / 2^j) / B when S = 0, -1 when S > 0,
 *		0 when B = 0: towards 0 an order-j allocation would fail for
 *		lack of memory, towards 1 because of fragmentation
 *
 * Both are kept in integer thousandths and printed "%d.%03d", exactly as
 * /sys/kernel/debug/extfrag/{unusable,extfrag}_index print them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>

#include "../internal.h"

struct toy_contig_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

static void toy_fill_contig_info(const unsigned long *nr_free,
				 unsigned int suitable_order,
				 struct toy_contig_info *info)
{
	unsigned int order;

	*info = (struct toy_contig_info){ 0 };
	for (order = 0; order <= TOY_MAX_ORDER; order++) {
		info->free_blocks_total += nr_free[order];
		info->free_pages += nr_free[order] << order;
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				nr_free[order] << (order - suitable_order);
	}
}

/**
 * toy_unusable_index() - unusable free space index for an order
 * @nr_free: free block count of each order 0..TOY_MAX_ORDER
 * @order: the allocation order asked about
 *
 * Return: the index in thousandths, 0..1000.
 */
int toy_unusable_index(const unsigned long *nr_free, unsigned int order)
{
	struct toy_contig_info info;

	toy_fill_contig_info(nr_free, order, &info);
	if (!info.free_pages)
		return 1000;
	return div64_u64((info.free_pages -
			  (info.free_blocks_suitable << order)) * 1000ULL,
			 info.free_pages);
}
EXPORT_SYMBOL_IF_KUNIT(toy_unusable_index);

/**
 * toy_extfrag_index() - external fragmentation index for an order
 * @nr_free: free block count of each order 0..TOY_MAX_ORDER
 * @order: the allocation order asked about
 *
 * Return: the index in thousandths: -1000 when a block of @order is free,
 * 0 when nothing is free, else 0..1000.
 */
int toy_extfrag_index(const unsigned long *nr_free, unsigned int order)
{
	struct toy_contig_info info;

	toy_fill_contig_info(nr_free, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - div64_u64(1000 + div64_u64(info.free_pages * 1000ULL,
						   1UL << order),
				info.free_blocks_total);
}
EXPORT_SYMBOL_IF_KUNIT(toy_extfrag_index);

static void toy_zone_index_show(struct seq_file *m, struct toy_zone *zone,
				int (*index)(const unsigned long *, unsigned int),
				const char *fmt)
{
	unsigned long nr_free[TOY_NR_ORDERS];
	unsigned int order;
	int value;

	toy_zone_snapshot(zone, nr_free, NULL);
	toy_zone_line_start(m, zone);
	for (order = 0; order <= TOY_MAX_ORDER; order++) {
		value = index(nr_free, order);
		seq_printf(m, fmt, value / 1000, abs(value % 1000));
	}
	seq_putc(m, '\n');
}

/**
 * toy_zone_unusable_show() - a zone's line of unusable_index
 * @m: the seq_file
 * @zone: the zone
 */
void toy_zone_unusable_show(struct seq_file *m, struct toy_zone *zone)
{
	toy_zone_index_show(m, zone, toy_unusable_index, "%d.%03d ");
}
EXPORT_SYMBOL_IF_KUNIT(toy_zone_unusable_show);

/**
 * toy_zone_extfrag_show() - a zone's line of extfrag_index
 * @m: the seq_file
 * @zone: the zone
 */
void toy_zone_extfrag_show(struct seq_file *m, struct toy_zone *zone)
{
	toy_zone_index_show(m, zone, toy_extfrag_index, "%2d.%03d ");
}
EXPORT_SYMBOL_IF_KUNIT(toy_zone_extfrag_show);
