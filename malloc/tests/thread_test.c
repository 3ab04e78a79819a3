// SPDX-License-Identifier: GPL-2.0
/*
 * Threads: a stress of several threads allocating, checking and freeing,
 * half of the frees made by another thread than the allocating one, with
 * fork() called in the middle (the child must find a working allocator);
 * the thread cache returned at thread exit; arenas per thread, taken only
 * when a thread's cache cannot serve it, reused after threads exit and so
 * bounded however many threads come and go; fork while other threads hold
 * arena locks; blocks one thread frees for another coming back to the thread
 * that made them.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tm_test.h"

#define NTHREADS 4
#define RING 1024

/* Blocks handed from one thread to another, to be freed there. */
static struct {
	pthread_mutex_t lock;
	unsigned char *p[RING];
	size_t n[RING];
	unsigned head, tail;
} ring = { .lock = PTHREAD_MUTEX_INITIALIZER };

static volatile int stress_failed;
static long stress_ops = 300000;

static void fill(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(n + i);
}

static int holds(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(n + i))
			return 0;
	return 1;
}

static void *stress(void *arg)
{
	uint64_t r = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	unsigned char *mine[256] = { 0 };
	size_t mine_n[256] = { 0 };
	long op;
	int i;

	for (op = 0; op < stress_ops && !stress_failed; op++) {
		int k;
		size_t n;

		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		k = r % 256;
		n = (r >> 8) % 100 < 95 ? (r >> 16) % 512 : (r >> 16) % 200000;
		if (mine[k]) {
			if (!holds(mine[k], mine_n[k]))
				stress_failed = 1;
			if ((r >> 40) & 1) {	/* give it away */
				pthread_mutex_lock(&ring.lock);
				if (ring.head - ring.tail < RING) {
					ring.p[ring.head % RING] = mine[k];
					ring.n[ring.head % RING] = mine_n[k];
					ring.head++;
					mine[k] = NULL;
				}
				pthread_mutex_unlock(&ring.lock);
			}
			if (mine[k])
				toy_free(mine[k]);
		}
		pthread_mutex_lock(&ring.lock);
		if (ring.tail != ring.head) {	/* free one some other thread allocated */
			unsigned char *p = ring.p[ring.tail % RING];
			size_t pn = ring.n[ring.tail % RING];

			ring.tail++;
			pthread_mutex_unlock(&ring.lock);
			if (!holds(p, pn))
				stress_failed = 1;
			toy_free(p);
		} else {
			pthread_mutex_unlock(&ring.lock);
		}
		mine[k] = toy_malloc(n);
		mine_n[k] = n;
		if (!mine[k])
			stress_failed = 1;
		else
			fill(mine[k], n);
	}
	for (i = 0; i < 256; i++)
		toy_free(mine[i]);
	return NULL;
}

static int child_works(void)
{
	void *p[1000];
	int i;

	for (i = 0; i < 1000; i++) {
		p[i] = toy_malloc(i * 13);
		if (!p[i])
			return 1;
		fill(p[i], i * 13);
	}
	for (i = 0; i < 1000; i++) {
		if (!holds(p[i], i * 13))
			return 2;
		toy_free(p[i]);
	}
	return toy_malloc_check() ? 3 : 0;
}

TM_TEST(stress_cross_thread_frees_and_fork)
{
	pthread_t t[NTHREADS];
	struct toy_malloc_stats st;
	int i, status;
	pid_t pid;

	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, stress, (void *)(uintptr_t)(i + 1)));
	usleep(100000);
	pid = fork();
	if (pid == 0)
		_exit(child_works());
	ASSERT_GT(pid, 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	ASSERT_EQ(0, stress_failed);
	while (ring.tail != ring.head) {
		ASSERT_TRUE(holds(ring.p[ring.tail % RING], ring.n[ring.tail % RING]));
		toy_free(ring.p[ring.tail++ % RING]);
	}
	toy_malloc_stats_get(&st);
	ASSERT_GE(st.arenas, 2);
	ASSERT_EQ(0, st.mmapped_chunks);
}

static volatile int hammer_stop;

static void *hammer(void *arg)
{
	while (!hammer_stop) {
		void *p = toy_malloc(3000 + (uintptr_t)arg), *q = toy_malloc(40);

		toy_free(p);
		toy_free(q);
	}
	return NULL;
}

/* Forks while other threads are inside the allocator: the atfork handlers keep it usable. */
TM_TEST(fork_while_threads_allocate)
{
	pthread_t t[3];
	int i, status;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, hammer, (void *)(uintptr_t)i));
	for (i = 0; i < 30; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			alarm(10);
			_exit(child_works());
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status)) TH_LOG("fork %d: status %#x", i, status);
		ASSERT_EQ(0, WEXITSTATUS(status));
	}
	hammer_stop = 1;
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
}

static size_t exiting_cached, exiting_fast;

static void *cache_and_exit(void *arg)
{
	struct toy_malloc_stats st;
	void *p[10];
	int i;

	for (i = 0; i < 10; i++)
		p[i] = toy_malloc(100);
	for (i = 0; i < 10; i++)
		toy_free(p[i]);	/* a spill sends the refilled ones back; all ten stay */
	toy_malloc_stats_get(&st);
	exiting_cached = st.tcache_chunks;
	exiting_fast = st.fast_chunks;	/* what a spill already gave back */
	return NULL;
}

TM_TEST(thread_exit_returns_its_cache)
{
	struct toy_malloc_stats st;
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, cache_and_exit, NULL));
	pthread_join(t, NULL);
	ASSERT_GE(exiting_cached, 10);
	toy_malloc_stats_get(&st);
	/* Back in the arena's fastbin for 112-byte chunks; this thread's cache is empty. */
	ASSERT_EQ(exiting_fast + exiting_cached, st.fast_chunks);
	ASSERT_EQ((exiting_fast + exiting_cached) * 112, st.fast_bytes);
	ASSERT_EQ(0, st.tcache_chunks);
}

static void *alloc_only(void *arg)
{
	*(void **)arg = toy_malloc(5000);
	return NULL;
}

TM_TEST(arenas_are_reused_after_threads_exit)
{
	struct toy_malloc_stats st;
	void *blocks[50];
	pthread_t t;
	int i;

	toy_free(toy_malloc(1));	/* the main thread takes the main arena */
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, pthread_create(&t, NULL, alloc_only, &blocks[i]));
		pthread_join(t, NULL);
	}
	toy_malloc_stats_get(&st);
	ASSERT_EQ(2, st.arenas);
	/* All fifty came from the second arena's heap; any thread may free them. */
	for (i = 1; i < 50; i++)
		ASSERT_EQ((uintptr_t)blocks[0] >> 26, (uintptr_t)blocks[i] >> 26);
	for (i = 0; i < 50; i++)
		toy_free(blocks[i]);
}

#define HEAPS_AT_ONCE 4
#define HEAP_BYTES ((uintptr_t)64 << 20)

static struct {
	sem_t allocated;
	pthread_barrier_t hold;
} held;

/* Takes an arena of its own (the others are held) and keeps it until all have one. */
static void *alloc_and_hold(void *arg)
{
	void *p = toy_malloc(5000);

	*(void **)arg = p;
	sem_post(&held.allocated);
	pthread_barrier_wait(&held.hold);
	toy_free(p);
	return NULL;
}

/*
 * Heaps are mapped four at a time, side by side: the arenas of four threads
 * cost one mmap() and one mprotect(), not three calls each.
 */
TM_TEST(heaps_are_mapped_four_at_a_time)
{
	pthread_t t[HEAPS_AT_ONCE];
	void *p[HEAPS_AT_ONCE];
	uintptr_t heap[HEAPS_AT_ONCE];
	int i;

	toy_free(toy_malloc(1));	/* the main thread takes the main arena */
	ASSERT_EQ(0, sem_init(&held.allocated, 0, 0));
	ASSERT_EQ(0, pthread_barrier_init(&held.hold, NULL, HEAPS_AT_ONCE + 1));
	for (i = 0; i < HEAPS_AT_ONCE; i++) {
		ASSERT_EQ(0, pthread_create(&t[i], NULL, alloc_and_hold, &p[i]));
		sem_wait(&held.allocated);
		heap[i] = (uintptr_t)p[i] & ~(HEAP_BYTES - 1);
		ASSERT_EQ((size_t)4, HDR_SIZE(p[i]) & 4) TH_LOG("thread %d on a heap", i);
	}
	for (i = 1; i < HEAPS_AT_ONCE; i++) {
		ASSERT_EQ(heap[0] + i * HEAP_BYTES, heap[i]) TH_LOG("heap %d", i);
	}
	pthread_barrier_wait(&held.hold);
	for (i = 0; i < HEAPS_AT_ONCE; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&held.hold);
	sem_destroy(&held.allocated);
	ASSERT_EQ(0, toy_malloc_check());
}

static void *alloc_one(void *arg)
{
	*(void **)arg = toy_malloc(5000);
	return NULL;
}

/* The process's address space now, plus extra bytes, as its RLIMIT_AS. */
static int limit_address_space(size_t extra)
{
	unsigned long pages = 0;
	struct rlimit lim;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%lu", &pages) != 1)
		return -1;
	fclose(f);
	lim.rlim_cur = lim.rlim_max = pages * 4096 + extra;
	return setrlimit(RLIMIT_AS, &lim);
}

/* With too little address space left for four heaps at once, a thread still gets one. */
TM_TEST(a_heap_is_mapped_alone_when_address_space_is_short)
{
	pthread_t t;
	void *p;

	toy_free(toy_malloc(1));	/* the main thread takes the main arena */
	/* Room for a thread's stack and a double-size mapping, not for five heaps. */
	ASSERT_EQ(0, limit_address_space(200UL << 20));
	ASSERT_EQ(0, pthread_create(&t, NULL, alloc_one, &p));
	pthread_join(t, NULL);
	ASSERT_NE(NULL, p);
	ASSERT_EQ((size_t)4, HDR_SIZE(p) & 4) TH_LOG("the thread's block is on a heap");
	toy_free(p);
	ASSERT_EQ(0, toy_malloc_check());
}

/*
 * The three spare heaps of a reservation, and its misaligned ends, are given
 * back when a mapping needs their room: 72 MiB is left after the thread's
 * reservation (320 MiB) and stack, 264 MiB with the spares, 328 MiB with the
 * ends as well.
 */
TM_TEST(spare_heaps_make_room_for_a_large_block)
{
	pthread_t t;
	void *p, *big;

	toy_free(toy_malloc(1));
	ASSERT_EQ(0, limit_address_space(400UL << 20));
	ASSERT_EQ(0, pthread_create(&t, NULL, alloc_one, &p));
	pthread_join(t, NULL);
	ASSERT_EQ((size_t)4, HDR_SIZE(p) & 4);
	big = toy_malloc(300UL << 20);
	ASSERT_NE(NULL, big);
	toy_free(big);
	toy_free(p);
	ASSERT_EQ(0, toy_malloc_check());
}

static struct {
	size_t churn_mapped, churn_growth;
	int full;
} fallback;

/*
 * Fills its heap, which cannot grow (no room for another), so that its
 * allocations fall back to the main arena; then allocates and frees 20,000
 * blocks there, freeing each into the main arena's remote stack.
 */
static void *fill_then_churn(void *arg)
{
	struct toy_malloc_stats before, after;
	int i;

	(void)arg;
	for (;;) {
		char *p = toy_malloc(1000);

		if (!p)
			return NULL;
		if (!(HDR_SIZE(p) & 4)) {	/* from the main arena: the heap is full */
			toy_free(p);
			break;
		}
	}
	fallback.full = 1;
	toy_malloc_stats_get(&before);
	for (i = 0; i < 20000; i++) {
		char *p = toy_malloc(1000);

		fallback.churn_mapped += (HDR_SIZE(p) & 2) != 0;
		memset(p, 1, 1000);
		toy_free(p);
	}
	toy_malloc_stats_get(&after);
	fallback.churn_growth = after.system_bytes - before.system_bytes;
	return NULL;
}

/*
 * Blocks a thread takes from the main arena when its own cannot grow, and
 * frees, come back to it: the main arena does not grow by what it already
 * holds on its remote stack.
 */
TM_TEST(main_arena_fallback_reuses_what_the_thread_freed)
{
	pthread_t t;

	toy_free(toy_malloc(1));
	/* One 64 MiB heap for the thread and room for little more. */
	ASSERT_EQ(0, limit_address_space(180UL << 20));
	ASSERT_EQ(0, pthread_create(&t, NULL, fill_then_churn, NULL));
	pthread_join(t, NULL);
	ASSERT_EQ(1, fallback.full);
	ASSERT_EQ(0, fallback.churn_mapped);
	ASSERT_LE(fallback.churn_growth, 1UL << 20)
		TH_LOG("the main arena grew by %zu bytes", fallback.churn_growth);
	ASSERT_EQ(0, toy_malloc_check());
}

#define WAVE 6
#define WAVES 20

static pthread_barrier_t wave_barrier;

/* Allocates past its cache, so it needs an arena, and holds it until all of its wave have one. */
static void *alloc_in_wave(void *arg)
{
	void *p = toy_malloc(5000);

	*(void **)arg = p;
	pthread_barrier_wait(&wave_barrier);
	toy_free(p);
	return NULL;
}

TM_TEST(arenas_stay_bounded_as_threads_come_and_go)
{
	struct toy_malloc_stats st;
	size_t after_first = 0;
	void *blocks[WAVE];
	pthread_t t[WAVE];
	int w, i;

	toy_free(toy_malloc(1));	/* the main thread takes the main arena */
	ASSERT_EQ(0, pthread_barrier_init(&wave_barrier, NULL, WAVE));
	for (w = 0; w < WAVES; w++) {
		for (i = 0; i < WAVE; i++)
			ASSERT_EQ(0, pthread_create(&t[i], NULL, alloc_in_wave, &blocks[i]));
		for (i = 0; i < WAVE; i++)
			pthread_join(t[i], NULL);
		toy_malloc_stats_get(&st);
		if (w == 0)
			after_first = st.arenas;
		/* Each wave finds the arenas the last one left: none is ever added. */
		ASSERT_EQ(after_first, st.arenas) TH_LOG("wave %d", w);
	}
	/* Six live threads and the main one, each on an arena of its own. */
	ASSERT_EQ(1 + WAVE, after_first);
	ASSERT_EQ(0, toy_malloc_check());
	pthread_barrier_destroy(&wave_barrier);
}

/* Allocates n blocks of 200 bytes into out; returns how many of them are among made[0..nmade). */
static int allocate_again(void **out, int n, void *const *made, int nmade)
{
	int i, j, found = 0;

	for (i = 0; i < n; i++) {
		out[i] = toy_malloc(200);
		for (j = 0; j < nmade; j++)
			found += out[i] == made[j];
	}
	return found;
}

static void *free_and_allocate(void *arg)
{
	void **v = arg;
	int i;

	for (i = 0; i < 4; i++)
		toy_free(v[i]);
	for (i = 0; i < 4; i++)
		v[i] = toy_malloc(200);
	return NULL;
}

/*
 * A thread does not reuse the blocks another thread allocated and it freed
 * (they sit beside that thread's own): it takes an arena and allocates from
 * it, and the blocks it freed go back to their arena at its exit.
 */
TM_TEST(a_thread_never_reuses_another_threads_blocks)
{
	struct toy_malloc_stats before, after;
	void *v[4], *made[4], *again[24];
	int i, j;
	pthread_t t;

	for (i = 0; i < 4; i++)
		made[i] = v[i] = toy_malloc(200);
	toy_malloc_stats_get(&before);
	ASSERT_EQ(0, pthread_create(&t, NULL, free_and_allocate, v));
	pthread_join(t, NULL);
	toy_malloc_stats_get(&after);
	ASSERT_EQ(before.arenas + 1, after.arenas);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ((size_t)4, HDR_SIZE(v[i]) & 4) TH_LOG("block %d from the thread's arena", i);
		for (j = 0; j < 4; j++)
			ASSERT_NE(v[i], made[j]);
		toy_free(v[i]);
	}
	/* Back in the main arena: its next blocks of that size include all four. */
	ASSERT_EQ(4, allocate_again(again, 24, made, 4));
	for (i = 0; i < 24; i++)
		toy_free(again[i]);
	ASSERT_EQ(0, toy_malloc_check());
}

static void *free_twenty(void *arg)
{
	void **v = arg;
	int i;

	for (i = 0; i < 20; i++)
		toy_free(v[i]);
	return NULL;
}

/*
 * A thread that only frees what another allocated takes no arena and keeps
 * nothing: its 16th free sends sixteen back to the arena in one push, and
 * the rest go at its exit; the owner's next allocations take them, the
 * pushed ones through its cache.
 */
TM_TEST(a_thread_that_only_frees_sends_all_back)
{
	void *v[20], *made[20], *again[24];
	int i;
	pthread_t t;

	for (i = 0; i < 20; i++)
		made[i] = v[i] = toy_malloc(200);
	ASSERT_EQ(0, pthread_create(&t, NULL, free_twenty, v));
	pthread_join(t, NULL);
	/* A few fresh chunks may still be in this thread's cache, then the twenty. */
	ASSERT_EQ(20, allocate_again(again, 24, made, 20));
	for (i = 0; i < 24; i++)
		toy_free(again[i]);
	ASSERT_EQ(0, toy_malloc_check());
}

static struct toy_malloc_stats freer_stats;
static int freer_check;

static void *free_twenty_and_look(void *arg)
{
	free_twenty(arg);
	toy_malloc_stats_get(&freer_stats);
	freer_check = toy_malloc_check();
	return NULL;
}

/* What such a thread holds meanwhile: four blocks on its outbound list, nothing cached. */
TM_TEST(a_thread_that_only_frees_holds_at_most_a_batch)
{
	void *v[20];
	pthread_t t;
	int i;

	for (i = 0; i < 20; i++)
		v[i] = toy_malloc(200);
	ASSERT_EQ(0, pthread_create(&t, NULL, free_twenty_and_look, v));
	pthread_join(t, NULL);
	ASSERT_EQ(0, freer_check) TH_LOG("the freeing thread's outbound list is valid");
	ASSERT_EQ(0, freer_stats.tcache_chunks);
	ASSERT_EQ(20 % 16, freer_stats.outbound_chunks);
	ASSERT_EQ(1, freer_stats.arenas);
}

static void *alloc_many(void *arg)
{
	void **v = arg;
	int i;

	for (i = 0; i < 1000; i++)
		v[i] = toy_malloc(1100 + 3 * i);
	return NULL;
}

TM_TEST(blocks_go_back_to_their_own_arena)
{
	struct toy_malloc_stats before, after;
	static void *v[1000];
	size_t freed = 0;
	pthread_t t;
	int i;

	toy_free(toy_malloc(1));
	ASSERT_EQ(0, pthread_create(&t, NULL, alloc_many, v));
	pthread_join(t, NULL);
	toy_malloc_stats_get(&before);
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ((size_t)4, HDR_SIZE(v[i]) & 4) TH_LOG("NON_MAIN_ARENA bit");
		freed += CHUNK_SIZE(v[i]);
		toy_free(v[i]);
	}
	toy_malloc_stats_get(&after);
	/* Too large for the thread cache: each went back to the arena that made it. */
	ASSERT_GE(before.in_use_bytes - after.in_use_bytes, freed);
	ASSERT_EQ(0, toy_malloc_check());
}

#define HANDED 64

static struct {
	pthread_barrier_t freed;
	void *made[HANDED], *again[HANDED];
} handoff;

/* Makes blocks for the main thread to free, then allocates the same size again. */
static void *producer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < HANDED; i++)
		handoff.made[i] = toy_malloc(200);
	pthread_barrier_wait(&handoff.freed);	/* main frees them */
	pthread_barrier_wait(&handoff.freed);
	for (i = 0; i < HANDED; i++)
		handoff.again[i] = toy_malloc(200);
	for (i = 0; i < HANDED; i++)
		toy_free(handoff.again[i]);
	return NULL;
}

TM_TEST(remote_frees_come_back_to_their_arena)
{
	struct toy_malloc_stats st;
	int i, j, reused = 0;
	pthread_t t;

	toy_free(toy_malloc(1));
	ASSERT_EQ(0, pthread_barrier_init(&handoff.freed, NULL, 2));
	ASSERT_EQ(0, pthread_create(&t, NULL, producer, NULL));
	pthread_barrier_wait(&handoff.freed);
	for (i = 0; i < HANDED; i++) {
		ASSERT_EQ((size_t)4, HDR_SIZE(handoff.made[i]) & 4) TH_LOG("NON_MAIN_ARENA bit");
		memset(handoff.made[i], 0x5a, 200);
		toy_free(handoff.made[i]);
	}
	/* All but the few this thread's cache keeps go back to the producer's arena... */
	ASSERT_EQ(0, toy_malloc_check());
	pthread_barrier_wait(&handoff.freed);
	pthread_join(t, NULL);
	/* ...and its next allocations of that size are served from them, each once. */
	for (i = 0; i < HANDED; i++) {
		for (j = 0; j < HANDED; j++)
			if (handoff.again[i] == handoff.made[j])
				reused++;
		for (j = 0; j < i; j++)
			ASSERT_NE(handoff.again[i], handoff.again[j]);
	}
	ASSERT_GE(reused, HANDED - 16);
	toy_malloc_stats_get(&st);
	ASSERT_EQ(st.system_bytes, st.in_use_bytes + st.free_bytes + st.fast_bytes + st.top_bytes);
	ASSERT_EQ(0, toy_malloc_check());
	pthread_barrier_destroy(&handoff.freed);
}

TEST_HARNESS_MAIN
