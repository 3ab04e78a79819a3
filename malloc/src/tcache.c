// SPDX-License-Identifier: GPL-2.0
/*
 * The per-thread cache: for each chunk size from 32 to 1040 bytes, a LIFO
 * list of up to `limits[size]` free chunks that only its thread touches, so
 * malloc() and free() of small blocks take no lock and no atomic operation
 * (the fast paths are inline in api.c).  A cached chunk stays "in use" for
 * the arena; its first words hold the safe-linked next pointer and a
 * process-wide random key, which free() uses to spot a double free before
 * walking the list to confirm it.
 *
 * A size's limit is TCACHE_COUNT (16) chunks, or TOYMALLOC_TCACHE's count,
 * but no more than TCACHE_BYTES (2 KiB) of them, or TOYMALLOC_TCACHE_BYTES:
 * sixteen of each size up to 128 bytes, which programs allocate most, eight
 * of 256, three of 528, one of 1040.  A full cache so holds 109 KiB instead
 * of the 536 KiB of sixteen of every size: memory no other thread can use,
 * held by every thread.  Sixteen rather than eight halves the trips to the
 * arena for sizes up to 128 bytes of a program whose small blocks come and
 * go in bursts (nine interleaved runs: server 0.85 of glibc's time instead
 * of 0.95, small 0.84 instead of 0.94) for 7 KiB more per thread.
 *
 * Misses and overflows are batched so that the arena lock is taken once per
 * several calls, not once per call: a miss takes up to limit / 2 chunks of
 * the size (and no more than TCACHE_REFILL_BYTES) from the arena, an
 * overflow frees all but the limit / 2 newest chunks into it.
 *
 * A cache holds only chunks of its thread's arena.  A thread that frees a
 * chunk of another arena (an object made by one thread and freed by
 * another) puts it on its `outbound` list instead, where no allocation of
 * this thread finds it: reusing it would have the thread write next to the
 * objects the other thread allocated beside it, and each write would move
 * a shared cache line between CPUs (Hoard's passive false sharing; jemalloc
 * and mimalloc send such blocks back too).  Every OUTBOUND_BATCH frees the
 * list goes back without a lock: each run of chunks of one arena is pushed
 * onto that arena's `remote` stack with one compare-and-swap.  Whoever next
 * takes that arena's lock to allocate empties the stack: chunks go
 * straight into its cache while that has room for their size, the others
 * are freed into the bins with every check of free().  The producer of such
 * objects so gets them back without a trip through the bins, and its
 * consumers never wait for its lock.  A thread that allocates sends its
 * list back at each cache miss, so only a thread that only frees holds a
 * few of others' chunks until its 16th free or its exit.  The list's and
 * the stack's links are safe-linked like the cache's; a chunk on the
 * outbound list carries the cache key, so freeing it again there is caught
 * as a double free, and a drain aborts on a chunk of another arena, which a
 * second free while it waited on the stack would have linked in.
 *
 * The cache lives in initial-exec TLS.  The limits are 0 until the thread's
 * first slow-path call sets the cache up (and a pthread key whose destructor
 * runs at thread exit), so an unset cache costs the fast paths nothing.  The
 * thread is mapped to an arena only when it first needs one (arena.c): a
 * thread that only frees has none, and all it frees goes back.  At exit the
 * destructor frees every cached and outbound chunk into the arena it came
 * from (found from the chunk itself) and leaves the cache disabled for any
 * free() that comes later.
 */
#include <string.h>

#include "internal.h"

__thread struct tm_tcache tm_tc __attribute__((tls_model("initial-exec")));

void tm_tcache_init(void)
{
	size_t i;

	if (tm_tc.state != TCACHE_UNSET)
		return;
	if (__atomic_load_n(&tm_initialized, __ATOMIC_ACQUIRE) != 2)
		tm_init();
	tm_tc.state = TCACHE_ACTIVE;
	tm_thread_register();
	if (!tm_mp.check)
		for (i = 0; i < TCACHE_BINS; i++)
			tm_tc.limits[i] = tm_tcache_limit(i);
}

/* How many chunks of bin tidx a cache holds at most: see the top of the file. */
uint16_t tm_tcache_limit(size_t tidx)
{
	size_t by_bytes = tm_mp.tcache_bytes / ((tidx + 2) * MALLOC_ALIGN);

	if (!tm_mp.tcache_count)
		return 0;
	return by_bytes < 1 ? 1 : by_bytes < tm_mp.tcache_count ? (uint16_t)by_bytes : tm_mp.tcache_count;
}

/* Whether e is on the list from head, which holds count entries. */
static bool listed(struct tm_tcache_entry *head, unsigned count, struct tm_tcache_entry *e)
{
	unsigned n = 0;

	for (; head; head = REVEAL_PTR(head->next)) {
		if (unlikely(!aligned_ok(head) || ++n > count))
			tm_fatal("free(): unaligned chunk detected in tcache");
		if (head == e)
			return true;
	}
	return false;
}

/* e carries the cache key: a double free, unless the key is a coincidence of user data. */
void tm_tcache_double_free(struct tm_tcache_entry *e, size_t tidx)
{
	if (listed(tm_tc.entries[tidx], tm_tc.counts[tidx], e) ||
	    listed(tm_tc.outbound, tm_tc.noutbound, e))
		tm_fatal("free(): double free detected in tcache");
}

/* Free every chunk of the list from e into its arena, taking that arena's lock for each. */
static void free_each_to_its_arena(struct tm_tcache_entry *e)
{
	while (e) {
		struct tm_tcache_entry *next = REVEAL_PTR(e->next);
		struct tm_chunk *p = mem2chunk(e);
		struct tm_arena *ar = arena_for_chunk(p);

		if (unlikely(!aligned_ok(e)))
			tm_fatal("free(): unaligned chunk detected in tcache");
		e->key = 0;
		tm_lock(ar);
		tm_int_free(ar, p, true);
		tm_unlock(ar);
		e = next;
	}
}

void tm_tcache_flush(void)
{
	size_t i;

	memset(tm_tc.limits, 0, sizeof(tm_tc.limits));
	tm_tc.state = TCACHE_GONE;
	for (i = 0; i < TCACHE_BINS; i++) {
		free_each_to_its_arena(tm_tc.entries[i]);
		tm_tc.entries[i] = NULL;
		tm_tc.counts[i] = 0;
	}
	free_each_to_its_arena(tm_tc.outbound);
	tm_tc.outbound = NULL;
	tm_tc.noutbound = 0;
	if (tm_tc.arena) {
		tm_lock(tm_tc.arena);
		tm_remote_drain(tm_tc.arena, false);
		tm_unlock(tm_tc.arena);
		tm_arena_detach(tm_tc.arena);
	}
}

/*
 * After a miss served by ar (locked): stock the size up to half the limit,
 * and no more than TCACHE_REFILL_BYTES, so that a thread that allocates many
 * sizes once each does not hold memory it may never use.
 */
void tm_tcache_refill(struct tm_arena *ar, size_t nb)
{
	size_t tidx = csize2tidx(nb);
	unsigned want = tm_tc.limits[tidx] / 2;

	if (want > TCACHE_REFILL_BYTES / nb)
		want = TCACHE_REFILL_BYTES / nb;

	while (tm_tc.counts[tidx] < want) {
		void *m = tm_int_malloc(ar, nb, true);
		struct tm_chunk *p;

		if (!m)
			break;
		p = mem2chunk(m);
		/* A chunk a little larger than asked for belongs to another size. */
		if (chunksize(p) != nb) {
			tm_int_free(ar, p, false);
			break;
		}
		tcache_put(p, tidx);
	}
}

/* Push the run first..last of chunks of ar onto its remote stack. */
static void remote_push(struct tm_arena *ar, struct tm_tcache_entry *first,
			struct tm_tcache_entry *last)
{
	struct tm_tcache_entry *head = __atomic_load_n(&ar->remote, __ATOMIC_RELAXED);

	do
		last->next = PROTECT_PTR(&last->next, head);
	while (!__atomic_compare_exchange_n(&ar->remote, &head, first, true, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED));
}

/*
 * ar is locked: take every chunk off its remote stack, into this thread's
 * cache while that has room for the chunk's size (if to_cache), else into
 * the bins.
 */
void tm_remote_drain(struct tm_arena *ar, bool to_cache)
{
	struct tm_tcache_entry *e;

	if (!__atomic_load_n(&ar->remote, __ATOMIC_RELAXED))
		return;
	e = __atomic_exchange_n(&ar->remote, NULL, __ATOMIC_ACQUIRE);
	while (e) {
		struct tm_tcache_entry *next;
		struct tm_chunk *p = mem2chunk(e);
		size_t tidx = csize2tidx(chunksize(p));

		if (unlikely(!aligned_ok(e)))
			tm_fatal("malloc(): unaligned remote chunk detected");
		/* A chunk freed twice while it waited here would link in others' chunks. */
		if (unlikely(arena_for_chunk(p) != ar))
			tm_fatal("malloc(): remote chunk of another arena detected");
		next = REVEAL_PTR(e->next);
		if (to_cache && tidx < TCACHE_BINS && tm_tc.counts[tidx] < tm_tc.limits[tidx])
			tcache_put(p, tidx);
		else
			tm_int_free(ar, p, true);
		e = next;
	}
}

/* Send the outbound list back: each run of chunks of one arena onto its remote stack. */
void tm_outbound_send(void)
{
	struct tm_tcache_entry *e = tm_tc.outbound, *run = NULL, *run_last = NULL;
	struct tm_arena *run_ar = NULL;

	tm_tc.outbound = NULL;
	tm_tc.noutbound = 0;
	while (e) {
		struct tm_tcache_entry *next = REVEAL_PTR(e->next);
		struct tm_arena *ar;

		if (unlikely(!aligned_ok(e)))
			tm_fatal("free(): unaligned chunk detected in tcache");
		ar = arena_for_chunk(mem2chunk(e));
		e->key = 0;
		if (ar != run_ar && run) {
			remote_push(run_ar, run, run_last);
			run = NULL;
		}
		if (!run)
			run_last = e;
		e->next = PROTECT_PTR(&e->next, run);
		run = e;
		run_ar = ar;
		e = next;
	}
	if (run)
		remote_push(run_ar, run, run_last);
}

/* p, of another arena than this thread's, was freed here: see the top of the file. */
void tm_outbound_put(struct tm_chunk *p)
{
	struct tm_tcache_entry *e = chunk2mem(p);

	e->key = tm_tcache_key;
	e->next = PROTECT_PTR(&e->next, tm_tc.outbound);
	tm_tc.outbound = e;
	if (++tm_tc.noutbound >= OUTBOUND_BATCH)
		tm_outbound_send();
}

/* The size is full: keep the limit / 2 newest chunks, free the others into this thread's arena. */
void tm_tcache_spill(size_t tidx)
{
	struct tm_tcache_entry *e = tm_tc.entries[tidx], *rest;
	struct tm_arena *ar = tm_tc.arena;
	unsigned i, keep = tm_tc.limits[tidx] / 2;

	if (keep == 0) {
		rest = e;
		tm_tc.entries[tidx] = NULL;
	} else {
		for (i = 1; i < keep; i++) {
			e = REVEAL_PTR(e->next);
			if (unlikely(!e || !aligned_ok(e)))
				tm_fatal("free(): unaligned chunk detected in tcache");
		}
		rest = REVEAL_PTR(e->next);
		e->next = PROTECT_PTR(&e->next, (struct tm_tcache_entry *)NULL);
	}
	tm_tc.counts[tidx] = keep;
	tm_lock(ar);
	tm_remote_drain(ar, false);
	while (rest) {
		struct tm_tcache_entry *next = REVEAL_PTR(rest->next);

		if (unlikely(!aligned_ok(rest)))
			tm_fatal("free(): unaligned chunk detected in tcache");
		rest->key = 0;
		tm_int_free(ar, mem2chunk(rest), true);
		rest = next;
	}
	tm_unlock(ar);
}
