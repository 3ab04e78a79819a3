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

#include "../module/internal.h"

/*
 * The common .exit of suites that build a zone and a cache set: destroying
 * every cache must succeed and give the zone back whole (every page free,
 * and, by the validator, merged back into order-10 blocks).
 */
static inline void toy_test_destroy_caches_and_zone(struct kunit *test,
						    struct toy_caches *caches,
						    struct toy_zone *zone)
{
	struct toy_cache *cache, *next;

	if (IS_ERR_OR_NULL(zone))	/* .init failed before the zone */
		return;
	list_for_each_entry_safe(cache, next, &caches->list, list)
		KUNIT_EXPECT_EQ_MSG(test, toy_cache_destroy(cache), 0, "cache %s",
				    cache->name);
	toy_caches_exit(caches);
	toy_zone_drain(zone);
	KUNIT_EXPECT_EQ(test, toy_zone_free_pages(zone), toy_zone_nr_pages(zone));
	KUNIT_EXPECT_EQ(test, toy_zone_validate(zone), 0);
	toy_zone_destroy(zone);
}

struct toy_test_zone_args {
	const char *name;
	unsigned int nr_blocks;
	unsigned long flags;
};

static inline int toy_test_zone_init(struct kunit_resource *res, void *context)
{
	const struct toy_test_zone_args *args = context;
	struct toy_zone *zone = toy_zone_create(args->name, args->nr_blocks,
						args->flags);

	if (IS_ERR(zone))
		return PTR_ERR(zone);
	res->data = zone;
	return 0;
}

static inline void toy_test_zone_free(struct kunit_resource *res)
{
	toy_zone_destroy(res->data);
}

/*
 * A zone that KUnit destroys when the case ends, however it ends: a case
 * that builds its own zone and then fails an assertion leaks nothing.
 */
static inline struct toy_zone *toy_test_zone(struct kunit *test,
					     const char *name,
					     unsigned int nr_blocks,
					     unsigned long flags)
{
	struct toy_test_zone_args args = { name, nr_blocks, flags };
	struct toy_zone *zone;

	zone = kunit_alloc_resource(test, toy_test_zone_init, toy_test_zone_free,
				    GFP_KERNEL, &args);
	KUNIT_ASSERT_NOT_NULL(test, zone);
	return zone;
}

/*
 * The state an interrupt finds when it interrupts its CPU's work on a
 * per-CPU lock: held, so it goes around.  The cases that set it up hold
 * the lock with preemption off and then allocate, which PREEMPT_RT, whose
 * zone and cache locks sleep, does not allow: they skip there.
 */
static inline void toy_test_needs_trylock(struct kunit *test)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		kunit_skip(test, "PREEMPT_RT: no allocation with preemption off");
}

#ifdef CONFIG_PREEMPT_RT
#define toy_test_set_held(l, held)	do { } while (0)
#define toy_test_is_held(l)		false
#else
#define toy_test_set_held(l, held)	WRITE_ONCE((l)->acquired, held)
#define toy_test_is_held(l)		READ_ONCE((l)->acquired)
#endif

/*
 * Keep the test's task on the CPU it runs on, for cases that expect the
 * object they just freed to come back from the same per-CPU array.  The
 * task is KUnit's per-case thread, so the pinning ends with the case.
 */
static inline void toy_test_pin_to_this_cpu(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current,
						   cpumask_of(raw_smp_processor_id())), 0);
}

/*
 * A seq_file writing into a page-sized test-managed buffer, so that the
 * show functions of /proc and debugfs files print where a test can read.
 */
static inline struct seq_file *toy_test_seq_file(struct kunit *test)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->size = PAGE_SIZE;
	m->buf = kunit_kzalloc(test, m->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	return m;
}

#endif /* _TOYALLOC_KUNIT_HELPERS_H */
