/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the toyalloc KUnit suites.
 */
#ifndef _TOYALLOC_KUNIT_HELPERS_H
#define _TOYALLOC_KUNIT_HELPERS_H

#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

/*
 * Keep the test's task on the CPU it runs on, for cases that expect the
 * object they just freed to come back from the same per-CPU array.  The
 * task is KUnit's per-case thread, so the pinning ends with the case.
 */
static inline void kunit_pin_to_this_cpu(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current,
						   cpumask_of(raw_smp_processor_id())), 0);
}

/*
 * A seq_file writing into a page-sized test-managed buffer, so that the
 * show functions of /proc and debugfs files print where a test can read.
 */
static inline struct seq_file *kunit_seq_file(struct kunit *test)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->size = PAGE_SIZE;
	m->buf = kunit_kzalloc(test, m->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	return m;
}

#endif /* _TOYALLOC_KUNIT_HELPERS_H */
