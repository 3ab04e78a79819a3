// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc /proc interface
 *
 * /proc/toybuddyinfo is byte for byte the format of the kernel's
 * /proc/buddyinfo (mm/vmstat.c frag_show_print()), one line per zone, so
 * tools written for that file read this one.  The files are created by
 * toy_procfs_init() over the module's zone and removed by toy_procfs_exit()
 * before the zone goes away.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "buddy.h"
#include "procfs.h"

static int toy_buddyinfo_show(struct seq_file *m, void *v)
{
	toy_zone_buddyinfo_show(m, m->private);
	return 0;
}

/**
 * toy_procfs_init() - create the /proc files of the module
 * @zone: the zone /proc/toybuddyinfo describes
 *
 * Return: 0 or -ENOMEM.
 */
int toy_procfs_init(struct toy_zone *zone)
{
	if (!proc_create_single_data("toybuddyinfo", 0444, NULL,
				     toy_buddyinfo_show, zone))
		return -ENOMEM;
	return 0;
}

/**
 * toy_procfs_exit() - remove the /proc files; returns after every reader left
 */
void toy_procfs_exit(void)
{
	remove_proc_entry("toybuddyinfo", NULL);
}
