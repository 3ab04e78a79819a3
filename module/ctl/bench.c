// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc benchmark: toyalloc and the kernel's own allocators, side by side
 *
 * Method (after Jesper Brouer's time_bench): every benchmark times whole
 * loops of @ops operations with ktime_get_ns(), never single operations;
 * it runs once untimed on each side to warm caches and lists, then @reps
 * times, the toyalloc loop and the kernel loop alternating so that both see
 * the same machine state; the result is the median time per operation of
 * each side and its spread, (max - min) / median.  Both sides run in the
 * same context (a kthread or the calling task, preemption on), with the
 * same sizes, alignment and GFP_KERNEL:
 *
 *	slab-hot-64/256		alloc+free of one object: a toy cache against
 *				a kmem_cache of the same size and flags
 *	slab-batch-N-order	N objects allocated, then freed in order or in
 *				a fixed random order (per object alloc+free)
 *	kmalloc-mix		toy_kmalloc/toy_kfree against kmalloc/kfree over
 *				sizes 8..3000
 *	kmalloc-8/16/32		TOY_BENCH_SMALL_BATCH objects of one of the
 *				smallest classes allocated, then freed in
 *				order (per object alloc+free): the classes
 *				whose slabs hold the most objects, through
 *				refills, flushes, and their slabs' bitmaps
 *	floor			push and pop of one pointer on a per-CPU array,
 *				held as the fast paths hold theirs: toyalloc's
 *				per-CPU trylock against the kernel's local_lock;
 *				the least a per-CPU allocator can do, which the
 *				other rows are reported as multiples of
 *	pages-order-K		a 2^K page block allocated and freed: orders
 *				0..3 meet the kernel's per-CPU lists, 4..10 its
 *				zone lock, split and merge
 *	pages-order-10-zeroed	the same with __GFP_ZERO: what every block costs
 *				on a kernel booted with init_on_alloc=1, as
 *				Debian's is (make bench boots with
 *				init_on_alloc=0, so that the other page rows
 *				measure the allocators, not memset())
 *	pages-batch-256		256 order-0 pages outstanding
 *	smp-slab-hot-Ncpu	slab-hot-64 on one kthread per CPU, released
 *				together: ns per operation per CPU
 *	smp-cross-free		64-byte objects allocated by a kthread on one
 *				CPU and freed by one on another, handed over
 *				through a lock-free ring: ns per object
 *
 * The SMP rows take TOY_BENCH_MAX_REPS repetitions whatever @reps says,
 * of TOY_BENCH_SMP_SCALE times @ops: two emulated CPUs on a busy host give
 * the noisiest times.  Each repetition times one CPU and two on each side
 * back to back, so it yields its own scaling ratio, toyalloc's 2-CPU/1-CPU
 * scaling over the kernel's; the line "bench scaling:" gives the median of
 * those ratios and their quartiles, the spread a claim about scaling has to
 * beat.
 *
 * Results go to an emit callback, one struct toy_bench_result each.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/sched/signal.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/local_lock.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/math64.h>
#include <kunit/visibility.h>

#include "ctl.h"

#define TOY_BENCH_MAX_BATCH	1024
#define TOY_BENCH_ZONE_BLOCKS	16
#define TOY_BENCH_RING		256	/* a power of two */
#define TOY_BENCH_FLOOR_SLOTS	16
#define TOY_BENCH_SMP_SCALE	4
/* Outstanding objects of the kmalloc-8/16/32 rows: 2 to 8 slabs' worth. */
#define TOY_BENCH_SMALL_BATCH	TOY_BENCH_MAX_BATCH
/* In the page rows' argument: allocate with __GFP_ZERO. */
#define TOY_BENCH_ZEROED	BIT(8)

/* A per-CPU array of pointers under each side's per-CPU lock, for the floor. */
struct toy_bench_floor {
	struct toy_local_trylock lock;
	local_lock_t kernel_lock;
	unsigned int avail;
	void *slot[TOY_BENCH_FLOOR_SLOTS];
};

/*
 * Objects on their way from the CPU that allocates them to the one that
 * frees them: one producer, one consumer, no lock.
 */
struct toy_bench_ring {
	void *slot[TOY_BENCH_RING];
	unsigned long head ____cacheline_aligned_in_smp;	/* producer's */
	unsigned long tail ____cacheline_aligned_in_smp;	/* consumer's */
};

/* Everything both sides of the benchmarks use, built once per run. */
struct toy_bench {
	const struct toy_bench_config *cfg;
	struct toy_zone *zone;
	struct toy_caches caches;
	struct toy_kmalloc km;
	struct toy_cache *toy_cache[2];
	struct kmem_cache *kernel_cache[2];
	void **objs;
	unsigned int *perm;
	struct toy_bench_ring *ring;
	struct toy_bench_floor __percpu *floor;
	toy_bench_emit_t emit;
	void *priv;
};

enum toy_bench_side { TOY_SIDE, KERNEL_SIDE };

/* One benchmark: run @ops operations on @side, with @arg. */
typedef void (*toy_bench_loop_t)(struct toy_bench *b, enum toy_bench_side side,
				 unsigned long ops, unsigned long arg);

static void toy_loop_slab_hot(struct toy_bench *b, enum toy_bench_side side,
			      unsigned long ops, unsigned long which)
{
	struct toy_cache *tc = b->toy_cache[which];
	struct kmem_cache *kc = b->kernel_cache[which];
	unsigned long i;
	void *p;

	if (side == TOY_SIDE) {
		for (i = 0; i < ops; i++) {
			p = toy_cache_alloc(tc, GFP_KERNEL);
			toy_cache_free(tc, p);
		}
	} else {
		for (i = 0; i < ops; i++) {
			p = kmem_cache_alloc(kc, GFP_KERNEL);
			kmem_cache_free(kc, p);
		}
	}
}

/* An object of the 64-byte cache of @side, and its free. */
static void *toy_bench_obj_alloc(struct toy_bench *b, enum toy_bench_side side)
{
	return side == TOY_SIDE ? toy_cache_alloc(b->toy_cache[0], GFP_KERNEL) :
		kmem_cache_alloc(b->kernel_cache[0], GFP_KERNEL);
}

static void toy_bench_obj_free(struct toy_bench *b, enum toy_bench_side side,
			       void *p)
{
	if (side == TOY_SIDE)
		toy_cache_free(b->toy_cache[0], p);
	else
		kmem_cache_free(b->kernel_cache[0], p);
}

/*
 * @arg: batch size in the low 16 bits, bit 16 set to free in the random
 * order of b->perm (a permutation of 0..n-1, see toy_bench_shuffle()).
 */
static void toy_loop_slab_batch(struct toy_bench *b, enum toy_bench_side side,
				unsigned long ops, unsigned long arg)
{
	unsigned int n = arg & 0xffff, i, k;
	bool random = arg & BIT(16);
	unsigned long done;

	for (done = 0; done < ops; done += n) {
		for (i = 0; i < n; i++)
			b->objs[i] = toy_bench_obj_alloc(b, side);
		for (i = 0; i < n; i++) {
			k = random ? b->perm[i] : i;
			toy_bench_obj_free(b, side, b->objs[k]);
		}
	}
}

/* Allocate @ops objects of the 64-byte cache and pass them on through the ring. */
static void toy_loop_cross_alloc(struct toy_bench *b, enum toy_bench_side side,
				 unsigned long ops, unsigned long arg)
{
	struct toy_bench_ring *ring = b->ring;
	unsigned long head;
	void *p;

	for (head = 0; head < ops; head++) {
		p = toy_bench_obj_alloc(b, side);
		/* Acquire: the consumer has read the slot it handed back. */
		while (head - smp_load_acquire(&ring->tail) == TOY_BENCH_RING)
			cpu_relax();
		ring->slot[head % TOY_BENCH_RING] = p;
		/* Release: the slot is written before the consumer sees it. */
		smp_store_release(&ring->head, head + 1);
	}
}

/* Free the @ops objects the other CPU passes on. */
static void toy_loop_cross_free(struct toy_bench *b, enum toy_bench_side side,
				unsigned long ops, unsigned long arg)
{
	struct toy_bench_ring *ring = b->ring;
	unsigned long tail;
	void *p;

	for (tail = 0; tail < ops; tail++) {
		/* Acquire: pairs with the producer's release of the slot. */
		while (smp_load_acquire(&ring->head) == tail)
			cpu_relax();
		p = ring->slot[tail % TOY_BENCH_RING];
		/* Release: the slot is read before the producer reuses it. */
		smp_store_release(&ring->tail, tail + 1);
		if (p)
			toy_bench_obj_free(b, side, p);
	}
}

static const unsigned int toy_bench_mix[] = { 8, 24, 64, 100, 200, 512, 1000, 3000 };

static void toy_loop_kmalloc_mix(struct toy_bench *b, enum toy_bench_side side,
				 unsigned long ops, unsigned long arg)
{
	unsigned long i;
	size_t size;
	void *p;

	for (i = 0; i < ops; i++) {
		size = toy_bench_mix[i % ARRAY_SIZE(toy_bench_mix)];
		if (side == TOY_SIDE) {
			p = toy_kmalloc_alloc(&b->km, size, GFP_KERNEL);
			toy_kmalloc_free(&b->km, p);
		} else {
			p = kmalloc(size, GFP_KERNEL);
			kfree(p);
		}
	}
}

/* @arg: the size; TOY_BENCH_SMALL_BATCH of them out at once. */
static void toy_loop_kmalloc_batch(struct toy_bench *b, enum toy_bench_side side,
				   unsigned long ops, unsigned long size)
{
	unsigned long done;
	unsigned int i;

	for (done = 0; done < ops; done += TOY_BENCH_SMALL_BATCH) {
		for (i = 0; i < TOY_BENCH_SMALL_BATCH; i++)
			b->objs[i] = side == TOY_SIDE ?
				toy_kmalloc_alloc(&b->km, size, GFP_KERNEL) :
				kmalloc(size, GFP_KERNEL);
		for (i = 0; i < TOY_BENCH_SMALL_BATCH; i++) {
			if (side == TOY_SIDE)
				toy_kmalloc_free(&b->km, b->objs[i]);
			else
				kfree(b->objs[i]);
		}
	}
}

/*
 * One pointer pushed on and popped off this CPU's array, each under the
 * array's lock as a fast path takes it: the work of an allocation and a
 * free, without the allocator.
 */
static void toy_loop_floor(struct toy_bench *b, enum toy_bench_side side,
			   unsigned long ops, unsigned long arg)
{
	struct toy_bench_floor *f;
	unsigned long i;
	void *p = b;

	for (i = 0; i < ops; i++) {
		if (side == TOY_SIDE) {
			if (toy_local_trylock(&b->floor->lock)) {
				f = this_cpu_ptr(b->floor);
				f->slot[f->avail++] = p;
				toy_local_unlock(&b->floor->lock);
			}
			if (toy_local_trylock(&b->floor->lock)) {
				f = this_cpu_ptr(b->floor);
				p = f->slot[--f->avail];
				toy_local_unlock(&b->floor->lock);
			}
		} else {
			local_lock(&b->floor->kernel_lock);
			f = this_cpu_ptr(b->floor);
			f->slot[f->avail++] = p;
			local_unlock(&b->floor->kernel_lock);
			local_lock(&b->floor->kernel_lock);
			f = this_cpu_ptr(b->floor);
			p = f->slot[--f->avail];
			local_unlock(&b->floor->kernel_lock);
		}
	}
}

/* @arg: the order, with TOY_BENCH_ZEROED to ask for zeroed blocks. */
static void toy_loop_pages(struct toy_bench *b, enum toy_bench_side side,
			   unsigned long ops, unsigned long arg)
{
	unsigned int order = arg & (TOY_BENCH_ZEROED - 1);
	gfp_t gfp = GFP_KERNEL | (arg & TOY_BENCH_ZEROED ? __GFP_ZERO : 0);
	struct page *page;
	unsigned long i;
	void *p;

	for (i = 0; i < ops; i++) {
		if (side == TOY_SIDE) {
			p = toy_zone_alloc(b->zone, order, gfp);
			toy_zone_free(b->zone, p, order);
		} else {
			page = alloc_pages(gfp, order);
			if (page)
				__free_pages(page, order);
		}
	}
}

static void toy_loop_pages_batch(struct toy_bench *b, enum toy_bench_side side,
				 unsigned long ops, unsigned long n)
{
	unsigned long done;
	unsigned int i;

	for (done = 0; done < ops; done += n) {
		for (i = 0; i < n; i++)
			b->objs[i] = side == TOY_SIDE ?
				toy_zone_alloc(b->zone, 0, GFP_KERNEL) :
				(void *)alloc_page(GFP_KERNEL);
		for (i = 0; i < n; i++) {
			if (side == TOY_SIDE)
				toy_zone_free(b->zone, b->objs[i], 0);
			else if (b->objs[i])
				__free_page((struct page *)b->objs[i]);
		}
	}
}

static int toy_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median and spread (permille of the median) of @n timings, sorted here. */
static void toy_bench_stats(u64 *t, unsigned int n, u64 *median, u32 *spread)
{
	sort(t, n, sizeof(*t), toy_cmp_u64, NULL);
	*median = t[n / 2];
	*spread = *median ? div64_u64((t[n - 1] - t[0]) * 1000, *median) : 0;
}

static u64 toy_bench_time(struct toy_bench *b, toy_bench_loop_t loop,
			  enum toy_bench_side side, unsigned long ops,
			  unsigned long arg)
{
	u64 start = ktime_get_ns();

	loop(b, side, ops, arg);
	return ktime_get_ns() - start;
}

/* Turn @reps timings of @ops operations per side into a result and emit it. */
static void toy_bench_emit(struct toy_bench *b, const char *name, u64 *toy,
			   u64 *kernel, unsigned int reps, unsigned long ops)
{
	struct toy_bench_result r = { };

	strscpy(r.name, name, sizeof(r.name));
	toy_bench_stats(toy, reps, &r.toy_ps, &r.toy_spread);
	toy_bench_stats(kernel, reps, &r.kernel_ps, &r.kernel_spread);
	r.toy_ps = div64_u64(r.toy_ps * 1000, ops);
	r.kernel_ps = div64_u64(r.kernel_ps * 1000, ops);
	b->emit(&r, b->priv);
}

/*
 * A killed caller stops the run between two loops, never inside one: the
 * loops stay free of checks, and each gives back what it took, so a killed
 * run waits at most for the loop under way.
 */
static bool toy_bench_killed(void)
{
	return fatal_signal_pending(current);
}

/* Warm up, then alternate the sides @reps times; emit per-op medians. */
static void toy_bench_one(struct toy_bench *b, const char *name,
			  toy_bench_loop_t loop, unsigned long ops,
			  unsigned long arg)
{
	u64 toy[TOY_BENCH_MAX_REPS], kernel[TOY_BENCH_MAX_REPS];
	unsigned int rep;

	if (toy_bench_killed())
		return;
	loop(b, TOY_SIDE, ops / 4 + 1, arg);
	loop(b, KERNEL_SIDE, ops / 4 + 1, arg);
	for (rep = 0; rep < b->cfg->reps; rep++) {
		if (toy_bench_killed())
			return;
		toy[rep] = toy_bench_time(b, loop, TOY_SIDE, ops, arg);
		if (toy_bench_killed())
			return;
		kernel[rep] = toy_bench_time(b, loop, KERNEL_SIDE, ops, arg);
		cond_resched();
	}
	toy_bench_emit(b, name, toy, kernel, b->cfg->reps, ops);
}

/* SMP: one pinned kthread per CPU runs a loop on one side. */
struct toy_bench_worker {
	struct toy_bench *b;
	toy_bench_loop_t loop;
	enum toy_bench_side side;
	unsigned long ops;
	struct completion *go;
	atomic_t *running;
	struct completion *done;
	u64 ns;
};

static int toy_bench_worker_fn(void *data)
{
	struct toy_bench_worker *w = data;

	wait_for_completion(w->go);
	w->ns = toy_bench_time(w->b, w->loop, w->side, w->ops, 0);
	if (atomic_dec_and_test(w->running))
		complete(w->done);
	return 0;
}

/*
 * Wall time of @nr_cpus kthreads, the i-th running @loops[i] for @ops on
 * @side, together; 0 when not all of them could be started (the others are
 * then released with nothing to do, so that none waits for a partner).
 */
static u64 toy_bench_parallel(struct toy_bench *b, enum toy_bench_side side,
			      const toy_bench_loop_t *loops, unsigned int nr_cpus,
			      unsigned long ops)
{
	struct task_struct *task[2];
	struct toy_bench_worker w[2];
	DECLARE_COMPLETION_ONSTACK(go);
	DECLARE_COMPLETION_ONSTACK(done);
	unsigned int i, started = 0;
	atomic_t running;
	u64 start = 0;
	int cpu;

	/* No CPU may leave while threads are bound to it. */
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (started == nr_cpus)
			break;
		w[started] = (struct toy_bench_worker){
			b, loops[started], side, ops, &go, &running, &done, 0
		};
		task[started] = kthread_create_on_cpu(toy_bench_worker_fn, &w[started],
						      cpu, "toy_bench/%u");
		if (IS_ERR(task[started]))
			break;
		started++;
	}
	/* Every thread started is released and waited for, whatever happened. */
	for (i = 0; started < nr_cpus && i < started; i++)
		w[i].ops = 0;
	atomic_set(&running, started);
	for (i = 0; i < started; i++)
		wake_up_process(task[i]);
	start = ktime_get_ns();
	complete_all(&go);
	if (started)
		wait_for_completion(&done);
	cpus_read_unlock();
	return started == nr_cpus ? ktime_get_ns() - start : 0;
}

static const toy_bench_loop_t toy_bench_hot_loops[2] = {
	toy_loop_slab_hot, toy_loop_slab_hot,
};

static const toy_bench_loop_t toy_bench_cross_loops[2] = {
	toy_loop_cross_alloc, toy_loop_cross_free,
};

static u64 toy_bench_cross(struct toy_bench *b, enum toy_bench_side side,
			   unsigned long ops)
{
	b->ring->head = 0;
	b->ring->tail = 0;
	return toy_bench_parallel(b, side, toy_bench_cross_loops, 2, ops);
}

/*
 * The hot pair on one CPU and on two, and the objects one CPU allocates
 * freed on the other, each side, in every repetition, so that all of them
 * meet the same moments of a noisy host; and TOY_BENCH_MAX_REPS of them,
 * whatever the configuration asks: two emulated CPUs on a host with few
 * cores give the noisiest rows.
 */
static bool toy_bench_smp_round(struct toy_bench *b,
				u64 toy[3][TOY_BENCH_MAX_REPS],
				u64 kernel[3][TOY_BENCH_MAX_REPS], unsigned int rep)
{
	unsigned long ops = b->cfg->ops * TOY_BENCH_SMP_SCALE;
	unsigned int n;

	for (n = 0; n < 2; n++) {
		if (toy_bench_killed())
			return false;
		toy[n][rep] = toy_bench_parallel(b, TOY_SIDE, toy_bench_hot_loops,
						 n + 1, ops);
		if (toy_bench_killed())
			return false;
		kernel[n][rep] = toy_bench_parallel(b, KERNEL_SIDE,
						    toy_bench_hot_loops, n + 1, ops);
	}
	if (toy_bench_killed())
		return false;
	toy[2][rep] = toy_bench_cross(b, TOY_SIDE, ops);
	if (toy_bench_killed())
		return false;
	kernel[2][rep] = toy_bench_cross(b, KERNEL_SIDE, ops);
	return true;
}

/* @a/@b in thousandths. */
static u64 toy_bench_per_mille(u64 a, u64 b)
{
	return b ? div64_u64(a * 1000, b) : 0;
}

/*
 * Each repetition's scaling (work two CPUs do against one: 2 x t1 / t2) of
 * each side, and toyalloc's over the kernel's; the medians, and that
 * ratio's quartiles.
 */
static void toy_bench_scaling(u64 toy[3][TOY_BENCH_MAX_REPS],
			      u64 kernel[3][TOY_BENCH_MAX_REPS])
{
	u64 ts[TOY_BENCH_MAX_REPS], ks[TOY_BENCH_MAX_REPS], r[TOY_BENCH_MAX_REPS];
	const unsigned int n = TOY_BENCH_MAX_REPS;
	u64 t, k, m, q1, q3;
	unsigned int rep;

	for (rep = 0; rep < n; rep++) {
		/* A round whose threads did not all start measured nothing. */
		if (!toy[0][rep] || !toy[1][rep] || !kernel[0][rep] || !kernel[1][rep])
			return;
		ts[rep] = toy_bench_per_mille(2 * toy[0][rep], toy[1][rep]);
		ks[rep] = toy_bench_per_mille(2 * kernel[0][rep], kernel[1][rep]);
		r[rep] = toy_bench_per_mille(ts[rep], ks[rep]);
	}
	sort(ts, n, sizeof(*ts), toy_cmp_u64, NULL);
	sort(ks, n, sizeof(*ks), toy_cmp_u64, NULL);
	sort(r, n, sizeof(*r), toy_cmp_u64, NULL);
	t = ts[n / 2];
	k = ks[n / 2];
	m = r[n / 2];
	q1 = r[n / 4];
	q3 = r[3 * n / 4];
	pr_info("bench scaling: toy=%llu.%03llu kernel=%llu.%03llu ratio=%llu.%03llu q1=%llu.%03llu q3=%llu.%03llu reps=%u\n",
		t / 1000, t % 1000, k / 1000, k % 1000, m / 1000, m % 1000,
		q1 / 1000, q1 % 1000, q3 / 1000, q3 % 1000, n);
}

static void toy_bench_smp(struct toy_bench *b)
{
	u64 toy[3][TOY_BENCH_MAX_REPS], kernel[3][TOY_BENCH_MAX_REPS];
	unsigned long ops = b->cfg->ops * TOY_BENCH_SMP_SCALE;
	char name[TOY_BENCH_NAME_LEN];
	unsigned int rep, n;

	if (!toy_bench_smp_round(b, toy, kernel, 0))	/* the warm-up */
		return;
	for (rep = 0; rep < TOY_BENCH_MAX_REPS; rep++)
		if (!toy_bench_smp_round(b, toy, kernel, rep))
			return;
	toy_bench_scaling(toy, kernel);
	/* Wall time per operation of one CPU: equal to 1 CPU's when scaling is perfect. */
	for (n = 0; n < 2; n++) {
		snprintf(name, sizeof(name), "smp-slab-hot-%ucpu", n + 1);
		toy_bench_emit(b, name, toy[n], kernel[n], TOY_BENCH_MAX_REPS, ops);
	}
	/* Wall time per object allocated on one CPU and freed on the other. */
	toy_bench_emit(b, "smp-cross-free", toy[2], kernel[2], TOY_BENCH_MAX_REPS, ops);
}

static int toy_bench_setup(struct toy_bench *b)
{
	static const unsigned int sizes[2] = { 64, 256 };
	char name[TOY_CACHE_NAME_LEN];
	unsigned int i;
	int ret, cpu;

	b->zone = toy_zone_create("bench", TOY_BENCH_ZONE_BLOCKS, TOY_ZONE_PCP);
	if (IS_ERR(b->zone))
		return PTR_ERR(b->zone);
	toy_caches_init(&b->caches, b->zone, 0);
	ret = toy_kmalloc_init(&b->km, &b->caches);
	if (ret)
		return ret;
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "bench-%u", sizes[i]);
		b->toy_cache[i] = toy_cache_create(&b->caches, name, sizes[i], 0, 0, NULL);
		if (IS_ERR(b->toy_cache[i]))
			return PTR_ERR(b->toy_cache[i]);
		b->kernel_cache[i] = kmem_cache_create(name, sizes[i], 0, 0, NULL);
		if (!b->kernel_cache[i])
			return -ENOMEM;
	}
	b->objs = kvcalloc(TOY_BENCH_MAX_BATCH, sizeof(*b->objs), GFP_KERNEL);
	b->perm = kvcalloc(TOY_BENCH_MAX_BATCH, sizeof(*b->perm), GFP_KERNEL);
	b->ring = kzalloc(sizeof(*b->ring), GFP_KERNEL);
	b->floor = alloc_percpu(struct toy_bench_floor);
	if (!b->objs || !b->perm || !b->ring || !b->floor)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		toy_local_trylock_init(&per_cpu_ptr(b->floor, cpu)->lock);
		local_lock_init(&per_cpu_ptr(b->floor, cpu)->kernel_lock);
	}
	return 0;
}

/* The same pseudo-random permutation of 0..n-1 for both sides. */
static void toy_bench_shuffle(struct toy_bench *b, unsigned int n)
{
	struct rnd_state rnd;
	unsigned int i, j;

	prandom_seed_state(&rnd, n);
	for (i = 0; i < n; i++)
		b->perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = prandom_u32_state(&rnd) % (i + 1);
		swap(b->perm[i], b->perm[j]);
	}
}

/* Free everything; -EBUSY if a benchmark left toyalloc memory allocated. */
static int toy_bench_teardown(struct toy_bench *b)
{
	unsigned int i;
	int ret = 0;

	free_percpu(b->floor);
	kfree(b->ring);
	kvfree(b->perm);
	kvfree(b->objs);
	for (i = 0; i < 2; i++) {
		kmem_cache_destroy(b->kernel_cache[i]);
		if (!IS_ERR_OR_NULL(b->toy_cache[i]) && toy_cache_destroy(b->toy_cache[i]))
			ret = -EBUSY;
	}
	if (b->km.caches)
		toy_kmalloc_exit(&b->km);
	if (!IS_ERR_OR_NULL(b->zone)) {
		toy_caches_exit(&b->caches);
		toy_zone_drain(b->zone);
		if (toy_zone_free_pages(b->zone) != toy_zone_nr_pages(b->zone))
			ret = -EBUSY;
		toy_zone_destroy(b->zone);
	}
	return ret;
}

/**
 * toy_bench_print() - print a result as one "bench:" line in the log
 * @r: the result
 * @priv: unused
 *
 * "bench: NAME toy_ns=T kernel_ns=K ratio=R toy_spread=S% kernel_spread=S%",
 * the form scripts/bench.sh reads.
 */
void toy_bench_print(const struct toy_bench_result *r, void *priv)
{
	u64 ratio = r->kernel_ps ? div64_u64(r->toy_ps * 1000, r->kernel_ps) : 0;

	pr_info("bench: %s toy_ns=%llu.%02llu kernel_ns=%llu.%02llu ratio=%llu.%03llu toy_spread=%u.%u%% kernel_spread=%u.%u%%\n",
		r->name, r->toy_ps / 1000, r->toy_ps % 1000 / 10,
		r->kernel_ps / 1000, r->kernel_ps % 1000 / 10, ratio / 1000,
		ratio % 1000, r->toy_spread / 10, r->toy_spread % 10,
		r->kernel_spread / 10, r->kernel_spread % 10);
}
EXPORT_SYMBOL_IF_KUNIT(toy_bench_print);

/**
 * toy_bench_run() - run every benchmark once
 * @cfg: operations per timed loop and repetitions
 * @emit: called with each result
 * @priv: passed to @emit
 *
 * Builds its own zone and caches, so it disturbs no other user.  May sleep;
 * takes seconds to minutes depending on @cfg.
 *
 * Return: 0, -EINVAL for a bad @cfg, -ENOMEM, -EINTR when the task was
 * killed (within one timed loop of the kill; the results so far were
 * emitted, and everything the run took is given back), or -EBUSY when the
 * benchmarks did not give back all they took (a bug).
 */
int toy_bench_run(const struct toy_bench_config *cfg, toy_bench_emit_t emit,
		  void *priv)
{
	static const unsigned int batches[] = { 1, 16, 256, 1024 };
	struct toy_bench b = { .cfg = cfg, .emit = emit, .priv = priv };
	unsigned long ops = cfg->ops;
	char name[TOY_BENCH_NAME_LEN];
	unsigned int i, order, size;
	int ret;

	if (!cfg->reps || cfg->reps > TOY_BENCH_MAX_REPS || ops < TOY_BENCH_MIN_OPS ||
	    ops > TOY_BENCH_MAX_OPS)
		return -EINVAL;
	ret = toy_bench_setup(&b);
	if (ret)
		goto out;

	/* A killed caller gets -EINTR once the loop under way is over. */
	toy_bench_one(&b, "floor", toy_loop_floor, ops, 0);
	toy_bench_one(&b, "slab-hot-64", toy_loop_slab_hot, ops, 0);
	toy_bench_one(&b, "slab-hot-256", toy_loop_slab_hot, ops, 1);
	for (i = 0; i < ARRAY_SIZE(batches); i++) {
		snprintf(name, sizeof(name), "slab-batch-%u-inorder", batches[i]);
		toy_bench_one(&b, name, toy_loop_slab_batch, ops, batches[i]);
		snprintf(name, sizeof(name), "slab-batch-%u-random", batches[i]);
		toy_bench_shuffle(&b, batches[i]);
		toy_bench_one(&b, name, toy_loop_slab_batch, ops, batches[i] | BIT(16));
	}
	toy_bench_one(&b, "kmalloc-mix", toy_loop_kmalloc_mix, ops, 0);
	for (size = 8; size <= 32; size *= 2) {
		snprintf(name, sizeof(name), "kmalloc-%u", size);
		toy_bench_one(&b, name, toy_loop_kmalloc_batch, ops, size);
	}
	for (order = 0; order <= TOY_MAX_ORDER; order++) {
		snprintf(name, sizeof(name), "pages-order-%u", order);
		/* Large blocks cost their size: fewer operations, same time. */
		toy_bench_one(&b, name, toy_loop_pages, max(ops >> order, 256UL), order);
	}
	toy_bench_one(&b, "pages-order-10-zeroed", toy_loop_pages,
		      max(ops >> TOY_MAX_ORDER, 256UL), TOY_MAX_ORDER | TOY_BENCH_ZEROED);
	toy_bench_one(&b, "pages-batch-256", toy_loop_pages_batch, ops, 256);
	if (num_online_cpus() >= 2)
		toy_bench_smp(&b);
	if (toy_bench_killed())
		ret = -EINTR;
out:
	return toy_bench_teardown(&b) ?: ret;
}
EXPORT_SYMBOL_IF_KUNIT(toy_bench_run);
