// SPDX-License-Identifier: GPL-2.0
/*
 * The per-thread cache: for each chunk size from 32 to 1040 bytes, a LIFO
 * list of up to TCACHE_COUNT free chunks that only its thread touches, so
 * malloc() and free() of small blocks take no lock and no atomic operation
 * (the fast paths are inline in api.c).  A cached chunk stays "in use" for
 * the arena; its first words hold the safe-linked next pointer and a
 * process-wide random key, which free() uses to spot a double free before
 * walking the list to confirm it.
 *
 * The cache lives in initial-exec TLS.  `limit` is 0 until the thread's first
 * slow-path call sets the cache up (which also maps the thread to an arena
 * and registers a pthread key whose destructor runs at thread exit), so an
 * unset cache costs the fast paths nothing.  At exit the destructor returns
 * every cached chunk to the arena it came from (found from the chunk itself)
 * and leaves the cache disabled for any free() that comes later.
 */
#include "internal.h"

__thread struct tm_tcache tm_tc __attribute__((tls_model("initial-exec")));

void tm_tcache_init(void)
{
	if (tm_tc.state != TCACHE_UNSET)
		return;
	if (__atomic_load_n(&tm_initialized, __ATOMIC_ACQUIRE) != 2)
		tm_init();
	tm_tc.arena = tm_arena_for_thread();
	tm_tc.state = TCACHE_ACTIVE;
	tm_thread_register();
	tm_tc.limit = tm_mp.check ? 0 : TCACHE_COUNT;
}

/* e carries the cache key: a double free, unless the key is a coincidence of user data. */
void tm_tcache_double_free(struct tm_tcache_entry *e, size_t tidx)
{
	struct tm_tcache_entry *t;
	unsigned n = 0;

	for (t = tm_tc.entries[tidx]; t; t = REVEAL_PTR(t->next)) {
		if (unlikely(!aligned_ok(t) || ++n > tm_tc.counts[tidx]))
			tm_fatal("free(): unaligned chunk detected in tcache");
		if (t == e)
			tm_fatal("free(): double free detected in tcache");
	}
}

void tm_tcache_flush(void)
{
	size_t i;

	tm_tc.limit = 0;
	tm_tc.state = TCACHE_GONE;
	for (i = 0; i < TCACHE_BINS; i++) {
		while (tm_tc.entries[i]) {
			struct tm_tcache_entry *e = tm_tc.entries[i];
			struct tm_chunk *p = mem2chunk(e);
			struct tm_arena *ar = arena_for_chunk(p);

			tm_tc.entries[i] = REVEAL_PTR(e->next);
			tm_tc.counts[i]--;
			e->key = 0;
			tm_lock(ar);
			tm_int_free(ar, p);
			tm_unlock(ar);
		}
	}
	if (tm_tc.arena)
		tm_arena_detach(tm_tc.arena);
}
