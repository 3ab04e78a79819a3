// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc reports: how the layers tell of misuse they caught
 *
 * Every refused free and every corruption found is one report: a single
 * line, or for slab debugging one block starting "BUG <cache>: <reason>".
 * Reports are rate-limited together, so a caller looping on a bad free
 * cannot flood the log.  A KUnit test that provokes misuse on purpose adds a
 * named resource TOY_REPORTS_RESOURCE holding an int, as lib/slub_kunit.c
 * does with "slab_errors": each report then increments it instead of being
 * printed, and the test asserts the exact count.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/resource.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>

#include "../internal.h"

/**
 * toy_report_counted() - count a report for the running KUnit test
 *
 * Return: true when a test counts reports, and the report must not be
 * printed; false when it is to be printed.
 */
bool toy_report_counted(void)
{
#if IS_ENABLED(CONFIG_KUNIT)
	struct kunit_resource *resource;

	if (likely(!current->kunit_test))
		return false;
	resource = kunit_find_named_resource(current->kunit_test,
					     TOY_REPORTS_RESOURCE);
	if (!resource)
		return false;
	(*(int *)resource->data)++;
	kunit_put_resource(resource);
	return true;
#else
	return false;
#endif
}

/**
 * toy_report_bug() - print the title of a report block
 * @fmt: "<who>: <reason>" as printf format, without the newline
 *
 * A separator line, then "BUG <who>: <reason>", as SLUB's slab_bug()
 * begins its reports.  The caller has already asked toy_report_ratelimit().
 */
void toy_report_bug(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("=============================================================================\n");
	pr_err("BUG %pV\n", &vaf);
	va_end(args);
}

/**
 * toy_report_ratelimit() - may a report be printed now
 *
 * Return: true to print, after counting it for a test that asks.
 */
bool toy_report_ratelimit(void)
{
	static DEFINE_RATELIMIT_STATE(toy_report_rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);

	return !toy_report_counted() && __ratelimit(&toy_report_rs);
}
