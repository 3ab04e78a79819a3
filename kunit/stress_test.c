// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite toyalloc_stress: the allocators under every CPU at once.
 *
 * One kthread bound to each online CPU, released together, runs a seeded
 * random mix of STRESS_OPS operations in all: page blocks, objects of three
 * caches and toy_kmalloc.  A quarter of the objects a thread allocates are
 * not freed by it but posted to the next CPU's mailbox and freed there, so
 * frees cross CPUs and per-CPU arrays fill with remote objects.  Every
 * object carries its owner's stamp, checked when it is freed.  Afterwards
 * the validators of the zone and of every cache must pass, and destroying
 * the caches must give the whole zone back.  Run with 2 CPUs under
 * kunit.py --arch=x86_64 (the sanitizer configuration); under UML it runs
 * on the one CPU there is.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "../module/internal.h"
#include "helpers.h"

#define STRESS_OPS	1000000
#define STRESS_LIVE	512
#define MAILBOX_SIZE	256
#define NR_CACHES	3

/* What one allocation was: a page block, an object of a cache, kmalloc. */
struct stress_item {
	u32 *p;
	int kind;	/* -2 page block (order in @order), -1 kmalloc, else cache */
	unsigned int order;
	u32 stamp;
};

struct stress_mailbox {
	spinlock_t lock;	/* protects the ring */
	unsigned int head, count;
	struct stress_item item[MAILBOX_SIZE];
};

struct stress_thread {
	struct stress_run *run;
	unsigned int id;
	unsigned long ops, failures, bad_stamps, bad_frees, remote_frees;
	struct stress_mailbox mailbox;
	struct stress_item live[STRESS_LIVE];
	unsigned int nr_live;
};

struct stress_run {
	struct toy_zone *zone;
	struct toy_caches caches;
	struct toy_kmalloc km;
	struct toy_cache *cache[NR_CACHES];
	unsigned int nr_threads;
	unsigned long ops_per_thread;
	struct completion go;
	atomic_t running;
	struct completion all_done;
	struct stress_thread *thread;
};

static bool mailbox_post(struct stress_mailbox *mb, const struct stress_item *item)
{
	bool posted = false;

	spin_lock(&mb->lock);
	if (mb->count < MAILBOX_SIZE) {
		mb->item[(mb->head + mb->count++) % MAILBOX_SIZE] = *item;
		posted = true;
	}
	spin_unlock(&mb->lock);
	return posted;
}

static bool mailbox_take(struct stress_mailbox *mb, struct stress_item *item)
{
	bool taken = false;

	spin_lock(&mb->lock);
	if (mb->count) {
		*item = mb->item[mb->head];
		mb->head = (mb->head + 1) % MAILBOX_SIZE;
		mb->count--;
		taken = true;
	}
	spin_unlock(&mb->lock);
	return taken;
}

static void stress_free(struct stress_run *run, struct stress_thread *t,
			struct stress_item *item)
{
	int ret;

	if (*item->p != item->stamp)
		t->bad_stamps++;
	if (item->kind == -2)
		ret = toy_zone_free(run->zone, item->p, item->order);
	else if (item->kind == -1)
		ret = toy_kmalloc_free(&run->km, item->p);
	else
		ret = toy_cache_free(run->cache[item->kind], item->p);
	if (ret)
		t->bad_frees++;
}

static bool stress_alloc(struct stress_run *run, struct rnd_state *rnd,
			 struct stress_item *item)
{
	u32 r = prandom_u32_state(rnd);

	item->kind = (int)(r % (NR_CACHES + 2)) - 2;
	if (item->kind == -2) {
		item->order = min_t(unsigned int, 6, __ffs((r >> 8) | BIT(23)));
		item->p = toy_zone_alloc(run->zone, item->order, GFP_NOWAIT);
	} else if (item->kind == -1) {
		item->p = toy_kmalloc_alloc(&run->km, 8 + (r >> 8) % 3000, 0);
	} else {
		item->p = toy_cache_alloc(run->cache[item->kind], GFP_NOWAIT);
	}
	return item->p;
}

static int stress_thread_fn(void *data)
{
	struct stress_thread *t = data;
	struct stress_run *run = t->run;
	struct stress_thread *next = &run->thread[(t->id + 1) % run->nr_threads];
	struct stress_item item;
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, 0x57e55 + t->id);
	wait_for_completion(&run->go);
	for (t->ops = 0; t->ops < run->ops_per_thread; t->ops++) {
		if (mailbox_take(&t->mailbox, &item)) {
			stress_free(run, t, &item);
			t->remote_frees++;
		}
		if (t->nr_live < STRESS_LIVE && prandom_u32_state(&rnd) % 2) {
			if (!stress_alloc(run, &rnd, &item)) {
				t->failures++;
				continue;
			}
			item.stamp = (t->id << 24) ^ (u32)t->ops;
			*item.p = item.stamp;
			if (item.kind == -2 || prandom_u32_state(&rnd) % 4 ||
			    !mailbox_post(&next->mailbox, &item))
				t->live[t->nr_live++] = item;
		} else if (t->nr_live) {
			i = prandom_u32_state(&rnd) % t->nr_live;
			stress_free(run, t, &t->live[i]);
			t->live[i] = t->live[--t->nr_live];
		}
		if ((t->ops & 1023) == 0)
			cond_resched();
	}
	while (t->nr_live)
		stress_free(run, t, &t->live[--t->nr_live]);
	if (atomic_dec_and_test(&run->running))
		complete(&run->all_done);
	return 0;
}

static int stress_test_init(struct kunit *test)
{
	struct stress_run *run = kunit_kzalloc(test, sizeof(*run), GFP_KERNEL);
	static const unsigned int sizes[NR_CACHES] = { 24, 192, 1000 };
	char name[TOY_CACHE_NAME_LEN];
	unsigned int i;

	if (!run)
		return -ENOMEM;
	test->priv = run;
	run->zone = toy_zone_create("kunit", 16, TOY_ZONE_PCP);
	if (IS_ERR(run->zone))
		return PTR_ERR(run->zone);
	toy_caches_init(&run->caches, run->zone, 0);
	for (i = 0; i < NR_CACHES; i++) {
		snprintf(name, sizeof(name), "stress-%u", sizes[i]);
		run->cache[i] = toy_cache_create(&run->caches, name, sizes[i], 0, 0, NULL);
		if (IS_ERR(run->cache[i]))
			return PTR_ERR(run->cache[i]);
	}
	return toy_kmalloc_init(&run->km, &run->caches);
}

static void stress_test_exit(struct kunit *test)
{
	struct stress_run *run = test->priv;

	if (run)	/* NULL when .init could not allocate it */
		toy_test_destroy_caches_and_zone(test, &run->caches, run->zone);
}

static void stress_test_all_cpus(struct kunit *test)
{
	struct stress_run *run = test->priv;
	unsigned long ops = 0, remote = 0, failures = 0;
	struct toy_cache *cache;
	struct stress_thread *t;
	struct stress_item item;
	unsigned int i, online, started = 0;
	struct task_struct **task;
	int cpu;

	/* No CPU may leave while threads are bound to it. */
	cpus_read_lock();
	online = num_online_cpus();
	run->thread = kunit_kcalloc(test, online, sizeof(*run->thread), GFP_KERNEL);
	task = kunit_kcalloc(test, online, sizeof(*task), GFP_KERNEL);
	init_completion(&run->go);
	init_completion(&run->all_done);
	for_each_online_cpu(cpu) {
		if (!run->thread || !task)
			break;
		t = &run->thread[started];
		t->run = run;
		t->id = started;
		spin_lock_init(&t->mailbox.lock);
		task[started] = kthread_create_on_cpu(stress_thread_fn, t, cpu, "toy_stress/%u");
		if (IS_ERR(task[started]))
			break;
		started++;
	}
	/* Every thread made is released and waited for, whatever happened. */
	run->nr_threads = started;
	run->ops_per_thread = STRESS_OPS / max(started, 1U);
	atomic_set(&run->running, started);
	for (i = 0; i < started; i++)
		wake_up_process(task[i]);
	complete_all(&run->go);
	if (started)
		wait_for_completion(&run->all_done);
	cpus_read_unlock();
	KUNIT_ASSERT_EQ(test, started, online);

	for (i = 0; i < run->nr_threads; i++) {
		t = &run->thread[i];
		while (mailbox_take(&t->mailbox, &item))
			stress_free(run, t, &item);
		KUNIT_EXPECT_EQ_MSG(test, t->bad_stamps, 0UL, "thread %u", i);
		KUNIT_EXPECT_EQ_MSG(test, t->bad_frees, 0UL, "thread %u", i);
		ops += t->ops;
		remote += t->remote_frees;
		failures += t->failures;
	}
	kunit_info(test, "%u CPUs, %lu operations, %lu frees on another CPU, %lu failed allocations\n",
		   run->nr_threads, ops, remote, failures);
	KUNIT_EXPECT_GE(test, ops, (unsigned long)STRESS_OPS - run->nr_threads);
	KUNIT_EXPECT_GT(test, remote, 0UL);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(run->zone), 0);
	list_for_each_entry(cache, &run->caches.list, list)
		KUNIT_EXPECT_EQ_MSG(test, toy_cache_validate(cache), 0, "%s", cache->name);
	toy_kmalloc_exit(&run->km);
}

/* Leave a block of each listed order and an object of each cache on this CPU. */
static long stress_fill_this_cpu(void *arg)
{
	struct stress_run *run = arg;
	unsigned int order, i;
	void *p;

	/* Objects first: growing a cache could take a listed block. */
	for (i = 0; i < NR_CACHES; i++) {
		p = toy_cache_alloc(run->cache[i], GFP_NOWAIT);
		if (!p || toy_cache_free(run->cache[i], p))
			return -ENOMEM;
	}
	for (order = 0; order <= 3; order++) {
		p = toy_zone_alloc(run->zone, order, GFP_NOWAIT);
		if (!p || toy_zone_free(run->zone, p, order))
			return -ENOMEM;
	}
	return 0;
}

/*
 * A CPU taken offline leaves nothing behind: its page lists and object
 * arrays are emptied by the hotplug callbacks as soon as it is dead.
 */
static void stress_test_cpu_dead(struct kunit *test)
{
	struct stress_run *run = test->priv;
	unsigned long free_pages;
	unsigned int cpu, i;
	int ret;

	/* The boot CPU usually cannot go offline; the last one can. */
	cpus_read_lock();
	cpu = cpumask_last(cpu_online_mask);
	cpus_read_unlock();
	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || !cpu)
		kunit_skip(test, "needs a second CPU that can go offline");
	KUNIT_ASSERT_EQ(test, work_on_cpu(cpu, stress_fill_this_cpu, run), 0L);
	for (i = 0; i < NR_CACHES; i++)
		KUNIT_ASSERT_GT(test, per_cpu_ptr(run->cache[i]->cpu_cache, cpu)->avail, 0U);
	free_pages = toy_zone_free_pages(run->zone);

	ret = remove_cpu(cpu);
	if (ret)
		kunit_skip(test, "CPU %u cannot go offline: %d", cpu, ret);
	for (i = 0; i < NR_CACHES; i++)
		KUNIT_EXPECT_EQ(test, per_cpu_ptr(run->cache[i]->cpu_cache, cpu)->avail, 0U);
	/* Its listed blocks of orders 0..3 (15 pages) are back in the zone. */
	KUNIT_EXPECT_GE(test, toy_zone_free_pages(run->zone), free_pages + 15);
	KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(run->zone), 0);
	for (i = 0; i < NR_CACHES; i++)
		KUNIT_EXPECT_EQ(test, toy_cache_validate(run->cache[i]), 0);
}

#define IRQ_TEST_OPS		200000
#define IRQ_TEST_FIRES		100
#define IRQ_TEST_MAX_NS		(5 * NSEC_PER_SEC)
#define IRQ_BATCH		8
#define IRQ_PERIOD_NS		(20 * NSEC_PER_USEC)

/* What went wrong on one side of the hard-interrupt test. */
struct irq_test_errors {
	unsigned long failures, bad_stamps, bad_frees;
};

/* A hard-interrupt timer that allocates and frees objects and page blocks. */
struct irq_user {
	struct hrtimer timer;
	struct stress_run *run;
	unsigned long fires;
	struct irq_test_errors errors;
	bool stop;
};

/*
 * Stamps: the first STAMP_BYTES of every @stride bytes of @p (of an object,
 * of every page of a block) hold a value the other side never writes.
 */
#define STAMP_BYTES	16

static void stamp_words(u32 *p, size_t bytes, size_t stride, u32 stamp)
{
	size_t off, i;

	for (off = 0; off < bytes; off += stride)
		for (i = 0; i < min(stride, STAMP_BYTES) / sizeof(u32); i++)
			p[off / sizeof(u32) + i] = stamp;
}

static bool has_stamp(const u32 *p, size_t bytes, size_t stride, u32 stamp)
{
	size_t off, i;

	for (off = 0; off < bytes; off += stride)
		for (i = 0; i < min(stride, STAMP_BYTES) / sizeof(u32); i++)
			if (p[off / sizeof(u32) + i] != stamp)
				return false;
	return true;
}

/* Check the stamp irq_test_take() left, before @p is given back. */
static void irq_test_check(struct irq_test_errors *e, const u32 *p,
			   size_t bytes, size_t stride, u32 stamp)
{
	if (!has_stamp(p, bytes, stride, stamp))
		e->bad_stamps++;
}

static u32 *irq_test_take(struct irq_test_errors *e, void *p, size_t bytes,
			  size_t stride, u32 stamp)
{
	if (!p) {
		e->failures++;
		return NULL;
	}
	stamp_words(p, bytes, stride, stamp);
	return p;
}

/* Objects of the first cache, @n at once, and one block of @order. */
static void irq_test_use(struct stress_run *run, struct irq_test_errors *e,
			 unsigned int n, unsigned int order, u32 stamp)
{
	struct toy_cache *cache = run->cache[0];
	size_t size = cache->object_size;
	u32 *obj[IRQ_BATCH], *block;
	unsigned int i;

	for (i = 0; i < n; i++)
		obj[i] = irq_test_take(e, toy_cache_alloc(cache, GFP_ATOMIC), size, size, stamp);
	block = irq_test_take(e, toy_zone_alloc(run->zone, order, GFP_ATOMIC),
			      PAGE_SIZE << order, PAGE_SIZE, stamp);
	if (block) {
		irq_test_check(e, block, PAGE_SIZE << order, PAGE_SIZE, stamp);
		e->bad_frees += toy_zone_free(run->zone, block, order) != 0;
	}
	for (i = 0; i < n; i++) {
		if (!obj[i])
			continue;
		irq_test_check(e, obj[i], size, size, stamp);
		e->bad_frees += toy_cache_free(cache, obj[i]) != 0;
	}
}

static enum hrtimer_restart irq_user_fire(struct hrtimer *timer)
{
	struct irq_user *irq = container_of(timer, struct irq_user, timer);

	irq_test_use(irq->run, &irq->errors, IRQ_BATCH, irq->fires % 4, 0x1bad1bad);
	irq->fires++;
	if (READ_ONCE(irq->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(IRQ_PERIOD_NS));
	return HRTIMER_RESTART;
}

/* Counts of interrupts that went around the task's array and its page lists. */
struct irq_test_around {
	unsigned long allocs, frees;
};

static struct irq_test_around irq_test_went_around(struct stress_run *run)
{
	return (struct irq_test_around){
		.allocs = READ_ONCE(run->cache[0]->direct_allocs),
		.frees = READ_ONCE(run->zone->pcp_busy_frees),
	};
}

static bool irq_test_running(unsigned long ops, const struct irq_user *irq,
			     const struct irq_test_around *start, u64 end)
{
	struct irq_test_around now = irq_test_went_around(irq->run);

	if (ops < IRQ_TEST_OPS)
		return true;
	return (READ_ONCE(irq->fires) < IRQ_TEST_FIRES ||
		now.allocs == start->allocs || now.frees == start->frees) &&
	       ktime_get_ns() < end;
}

/*
 * A task and a hard interrupt on its CPU use one cache and the zone's
 * per-CPU lists at once, for IRQ_TEST_OPS operations of the task, and
 * IRQ_TEST_FIRES interrupts at least, until interrupts have gone around
 * both the task's array and its lists (where timers are coarse, as under
 * UML, for up to IRQ_TEST_MAX_NS).  Neither side ever gets memory the other
 * holds (stamps), every free is accepted, every allocation counted, and
 * the zone and the cache validate afterwards.
 */
static void stress_test_hardirq(struct kunit *test)
{
	struct stress_run *run = test->priv;
	struct toy_cache *cache = run->cache[0];
	struct irq_test_around start = irq_test_went_around(run), end_count;
	unsigned long ops;
	u64 end = ktime_get_ns() + IRQ_TEST_MAX_NS;
	struct toy_cache_stats before, after;
	struct irq_user irq = { .run = run };
	struct irq_test_errors task = { };

	/* On RT the timer's callback is a thread that waits for the task. */
	toy_test_needs_trylock(test);
	/* The timer interrupts this CPU, so the task must stay on it. */
	toy_test_pin_to_this_cpu(test);
	toy_cache_get_stats(cache, &before);
	hrtimer_init_on_stack(&irq.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	irq.timer.function = irq_user_fire;
	hrtimer_start(&irq.timer, ns_to_ktime(IRQ_PERIOD_NS), HRTIMER_MODE_REL_PINNED);
	for (ops = 0; irq_test_running(ops, &irq, &start, end); ops++) {
		irq_test_use(run, &task, 1, ops % 4, 0x7a5c7a5c);
		if (!(ops % 4096))
			cond_resched();
	}
	WRITE_ONCE(irq.stop, true);
	hrtimer_cancel(&irq.timer);
	destroy_hrtimer_on_stack(&irq.timer);
	toy_cache_get_stats(cache, &after);
	end_count = irq_test_went_around(run);

	kunit_info(test, "%lu operations, %lu interrupts; went around a held array: %lu allocations, held page lists: %lu frees\n",
		   ops, irq.fires, end_count.allocs - start.allocs,
		   end_count.frees - start.frees);
	KUNIT_EXPECT_GE(test, irq.fires, (unsigned long)IRQ_TEST_FIRES);
	KUNIT_EXPECT_GT(test, end_count.allocs, start.allocs);
	KUNIT_EXPECT_GT(test, end_count.frees, start.frees);
	KUNIT_EXPECT_EQ(test, task.failures + irq.errors.failures, 0UL);
	KUNIT_EXPECT_EQ(test, task.bad_stamps + irq.errors.bad_stamps, 0UL);
	KUNIT_EXPECT_EQ(test, task.bad_frees + irq.errors.bad_frees, 0UL);
	KUNIT_EXPECT_EQ(test, after.allocs - before.allocs, ops + irq.fires * IRQ_BATCH);
	KUNIT_EXPECT_EQ(test, after.frees - before.frees, after.allocs - before.allocs);
	KUNIT_EXPECT_EQ(test, toy_zone_validate(run->zone), 0);
	KUNIT_EXPECT_EQ(test, toy_cache_validate(cache), 0);
}

static struct kunit_case stress_test_cases[] = {
	KUNIT_CASE(stress_test_all_cpus),
	KUNIT_CASE(stress_test_cpu_dead),
	KUNIT_CASE(stress_test_hardirq),
	{}
};

static struct kunit_suite stress_test_suite = {
	.name = "toyalloc_stress",
	.init = stress_test_init,
	.exit = stress_test_exit,
	.test_cases = stress_test_cases,
};

kunit_test_suites(&stress_test_suite);
