// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite toyalloc_control: the /dev/toyalloc command parser of
 * module/control.c and the fragmentation indices of module/frag.c.
 * Both are table-driven (lib/math/rational-test.c style): each row is an
 * input and the exact answer the kernel's formulas or the command syntax
 * call for, worked out by hand.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "../module/internal.h"
#include "../module/ctl/ctl.h"
#include "helpers.h"

struct parse_case {
	const char *line;
	int ret;
	enum toy_ctl_verb verb;
	const char *name;
	unsigned int args[TOY_CTL_MAX_ARGS];
};

static const struct parse_case parse_cases[] = {
	{ "alloc 3", 0, TOY_CTL_ALLOC, "", { 3 } },
	{ "  alloc\t10\t\n", 0, TOY_CTL_ALLOC, "", { 10 } },
	{ "free 1023", 0, TOY_CTL_FREE, "", { 1023 } },
	{ "kmalloc 4096", 0, TOY_CTL_KMALLOC, "", { 4096 } },
	{ "cache-create obj-64 64 8", 0, TOY_CTL_CACHE_CREATE, "obj-64", { 64, 8 } },
	{ "cache-alloc obj-64", 0, TOY_CTL_CACHE_ALLOC, "obj-64", { } },
	{ "cache-destroy obj-64\n", 0, TOY_CTL_CACHE_DESTROY, "obj-64", { } },
	{ "workload 42 100000", 0, TOY_CTL_WORKLOAD, "", { 42, 100000 } },
	{ "release", 0, TOY_CTL_RELEASE, "", { } },
	{ "shrink", 0, TOY_CTL_SHRINK, "", { } },
	{ "validate\n", 0, TOY_CTL_VALIDATE, "", { } },
	{ "bench 1024 15", 0, TOY_CTL_BENCH, "", { 1024, 15 } },
	{ "help", 0, TOY_CTL_HELP, "", { } },
	{ "", -EINVAL },
	{ " \t\n", -EINVAL },
	{ "allocate 3", -EINVAL },
	{ "ALLOC 3", -EINVAL },
	{ "alloc", -EINVAL },
	{ "alloc 3 4", -EINVAL },
	{ "alloc -1", -EINVAL },
	{ "alloc 0x10", -EINVAL },
	{ "alloc 4294967296", -EINVAL },
	{ "alloc three", -EINVAL },
	{ "free", -EINVAL },
	{ "validate now", -EINVAL },
	{ "cache-create obj 64", -EINVAL },
	{ "cache-create 64 8", -EINVAL },
	{ "cache-create a-name-that-is-32-characters-long 64 8", -EINVAL },
	{ "cache-alloc", -EINVAL },
	{ "workload 1", -EINVAL },
	{ "\x01\xff\x7f", -EINVAL },
	/* Each argument within the limits of its verb's table entry. */
	{ "alloc 11", -EINVAL },
	{ "free 1024", -EINVAL },
	{ "kmalloc 0", -EINVAL },
	{ "kmalloc 4194305", -EINVAL },
	{ "cache-create obj 0 8", -EINVAL },
	{ "cache-create obj 64 8192", -EINVAL },
	{ "workload 1 0", -EINVAL },
	{ "workload 1 10000001", -EINVAL },
	{ "bench 1023 5", -EINVAL },
	{ "bench 1024 16", -EINVAL },
};

static void parse_case_desc(const struct parse_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->line);
	strreplace(desc, '\n', ' ');
}

KUNIT_ARRAY_PARAM(parse, parse_cases, parse_case_desc);

static void control_test_parse(struct kunit *test)
{
	const struct parse_case *c = test->param_value;
	struct toy_ctl_cmd cmd;
	char line[TOY_CTL_LINE_MAX];
	unsigned int i;

	strscpy(line, c->line, sizeof(line));
	KUNIT_ASSERT_EQ(test, toy_ctl_parse(line, &cmd), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, cmd.verb, c->verb);
	KUNIT_EXPECT_STREQ(test, cmd.name, c->name);
	for (i = 0; i < TOY_CTL_MAX_ARGS; i++)
		KUNIT_EXPECT_EQ_MSG(test, cmd.args[i], c->args[i], "argument %u", i);
}

struct index_case {
	const char *desc;
	unsigned long nr_free[TOY_NR_ORDERS];
	unsigned int order;
	int unusable;
	int extfrag;
};

static const struct index_case index_cases[] = {
	/* Nothing free: all free memory "unusable", extfrag 0. */
	{ "empty zone, order 0", { }, 0, 1000, 0 },
	{ "empty zone, order 10", { }, 10, 1000, 0 },
	/* One whole block: nothing is fragmented at any order. */
	{ "fresh block, order 0", { [10] = 1 }, 0, 0, -1000 },
	{ "fresh block, order 10", { [10] = 1 }, 10, 0, -1000 },
	/*
	 * 8 free single pages: F = 8, B = 8.  Order 0 fits (-1).  Order 3:
	 * S = 0, unusable = 8/8 = 1, extfrag = 1 - (1 + 8/8)/8 = 0.750.
	 */
	{ "8 single pages, order 0", { [0] = 8 }, 0, 0, -1000 },
	{ "8 single pages, order 3", { [0] = 8 }, 3, 1000, 750 },
	/*
	 * The split of one fresh block by an order-0 allocation: one free
	 * block at each order 0..9, F = 1023, B = 10, and for order j < 10,
	 * S * 2^j = 1024 - 2^j, so unusable(j) = (2^j - 1) * 1000 / 1023.
	 * Order 10: S = 0,
	 * unusable = 1, extfrag = 1000 - (1000 + 1023000/1024)/10
	 * = 1000 - (1000 + 999)/10 = 1000 - 199 = 801.  Order 9: S = 1,
	 * unusable = (1023 - 512) * 1000 / 1023 = 499.
	 */
	{ "split block, order 10", { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 }, 10, 1000, 801 },
	{ "split block, order 9", { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 }, 9, 499, -1000 },
	/*
	 * 3 pages at order 0 and 2 blocks at order 2: F = 11, B = 5.
	 * Order 1: S = 4, unusable = (11 - 8) * 1000 / 11 = 272.
	 * Order 3: S = 0, unusable = 1, extfrag = 1000 - (1000 + 1375)/5
	 * = 1000 - 475 = 525.
	 */
	{ "mixed, order 1", { 3, 0, 2 }, 1, 272, -1000 },
	{ "mixed, order 3", { 3, 0, 2 }, 3, 1000, 525 },
};

static void index_case_desc(const struct index_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(frag_index, index_cases, index_case_desc);

static void control_test_frag_index(struct kunit *test)
{
	const struct index_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, toy_unusable_index(c->nr_free, c->order), c->unusable);
	KUNIT_EXPECT_EQ(test, toy_extfrag_index(c->nr_free, c->order), c->extfrag);
}

/* The next line of @buf is @expect, a space and a newline, as per-zone
 * lines of the kernel end.
 */
static void expect_line(struct kunit *test, const char **buf, const char *expect)
{
	size_t len = strlen(expect);

	KUNIT_EXPECT_EQ(test, strncmp(*buf, expect, len), 0);
	KUNIT_EXPECT_EQ(test, (*buf)[len], ' ');
	KUNIT_EXPECT_EQ(test, (*buf)[len + 1], '\n');
	*buf += len + 2;
}

/* The debugfs lines of a zone, printed as mm/vmstat.c prints them. */
static void control_test_index_lines(struct kunit *test)
{
	struct toy_zone *zone = toy_test_zone(test, "kunit", 1, 0);
	struct seq_file *m = toy_test_seq_file(test);
	const char *buf;
	char expect[200];
	void *page;
	int nid;

	page = toy_zone_alloc(zone, 0, GFP_NOWAIT);
	KUNIT_ASSERT_NOT_NULL(test, page);

	toy_zone_unusable_show(m, zone);
	toy_zone_extfrag_show(m, zone);
	nid = page_to_nid(zone->blocks[0]);
	buf = m->buf;
	snprintf(expect, sizeof(expect),
		 "Node %d, zone    kunit 0.000 0.000 0.002 0.006 0.014 0.030 0.061 0.124 0.249 0.499 1.000",
		 nid);
	expect_line(test, &buf, expect);
	snprintf(expect, sizeof(expect),
		 "Node %d, zone    kunit -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.801",
		 nid);
	expect_line(test, &buf, expect);
	KUNIT_EXPECT_EQ(test, *buf, '\0');
	KUNIT_EXPECT_EQ(test, toy_zone_free(zone, page, 0), 0);
}

static struct kunit_case control_test_cases[] = {
	KUNIT_CASE_PARAM(control_test_parse, parse_gen_params),
	KUNIT_CASE_PARAM(control_test_frag_index, frag_index_gen_params),
	KUNIT_CASE(control_test_index_lines),
	{}
};

static struct kunit_suite control_test_suite = {
	.name = "toyalloc_control",
	.test_cases = control_test_cases,
};

kunit_test_suites(&control_test_suite);
