/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the layers of toymalloc share: arenas, bins, the thread cache and the
 * tunables.  Each .c file is one layer; its header comment explains it.
 *
 *   api.c     the exported functions; thread-cache fast paths inline
 *   tcache.c  per-thread cache set-up, flush at thread exit
 *   bins.c    fastbins, unsorted, small and large bins: malloc/free/realloc
 *             inside one arena (Doug Lea's algorithm, as ptmalloc runs it)
 *   arena.c   arenas, segments (brk, aligned heaps, mmap fallback), growth,
 *             trimming, thread-to-arena mapping, fork handlers, start-up
 *   mmap.c    chunks with a mapping of their own, adaptive threshold
 *   check.c   fatal-error reporting and the full-heap validator
 *   stats.c   statistics, the chunk dump and the heap-map picture
 *   sys.c     locks, system calls and the environment, with little of libc
 */
#ifndef TOYMALLOC_INTERNAL_H
#define TOYMALLOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chunk.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define HIDDEN		__attribute__((visibility("hidden")))
#define EXPORT		__attribute__((visibility("default")))

/* Bins: index 1 is the unsorted bin, 2..63 small bins, 64..126 large bins. */
#define NBINS		128
#define NSMALLBINS	64
#define MIN_LARGE_SIZE	((size_t)NSMALLBINS * MALLOC_ALIGN)
#define in_smallbin_range(sz) ((sz) < MIN_LARGE_SIZE)
#define smallbin_index(sz) ((unsigned)((sz) >> 4))

#define MAX_FAST_SIZE	160UL	/* largest chunk size kept in a fastbin */
#define NFASTBINS	9
#define fastbin_index(sz) ((unsigned)((sz) >> 4) - 2)

#define BINMAPSHIFT	5
#define BITSPERMAP	(1U << BINMAPSHIFT)
#define BINMAPSIZE	(NBINS / BITSPERMAP)

/* A freed chunk this large (after merging) makes free() consolidate fastbins and trim. */
#define FASTBIN_CONSOLIDATION_THRESHOLD (64UL * 1024)

/*
 * Growth and trimming: top grows by at least TOP_PAD, so that growth takes
 * few system calls; free() trims it back to TRIM_KEEP + trim_threshold / 2
 * once more than trim_threshold bytes of it beyond that have ever been
 * handed out (pages top never gave out cost no memory, so they do not count):
 * the gap between the two keeps memory that is freed and soon reused from
 * being given back and faulted in again.
 */
#define TOP_PAD		(1UL << 20)
#define TRIM_KEEP	(128UL * 1024)
#define MADVISE_FACTOR	4
#define HEAP_MAX	(64UL << 20)	/* size and alignment of a non-main arena heap */
#define MMAP_THRESHOLD_DEFAULT	(128UL * 1024)
#define MMAP_THRESHOLD_MAX	(32UL << 20)

/*
 * Thread cache: chunk sizes 32..1040, up to tm_mp.tcache_count chunks per
 * size (TCACHE_COUNT unless TOYMALLOC_TCACHE says otherwise) and no more
 * than tm_mp.tcache_bytes bytes of a size (TCACHE_BYTES unless
 * TOYMALLOC_TCACHE_BYTES says otherwise), but always one.  A miss refills
 * a size to half its limit and an overflow sends all but half back, each
 * under one arena lock.
 */
#define TCACHE_BINS	64
#define TCACHE_COUNT	16
#define TCACHE_BYTES	2048
#define TCACHE_REFILL_BYTES 1024
#define TCACHE_MAX_SIZE	((TCACHE_BINS + 1) * MALLOC_ALIGN)
#define csize2tidx(sz)	(((sz) >> 4) - 2)

/*
 * A thread never reuses a cacheable chunk of another arena than its own: it
 * collects them and sends them back OUTBOUND_BATCH at a time (tcache.c).
 */
#define OUTBOUND_BATCH	16

/* Safe-linking: a singly linked next pointer is stored xored with its own address >> 12. */
#define PROTECT_PTR(pos, ptr) \
	((__typeof__(ptr))((((uintptr_t)(pos)) >> 12) ^ ((uintptr_t)(ptr))))
#define REVEAL_PTR(ptr)	PROTECT_PTR(&(ptr), ptr)

/*
 * A segment of memory an arena carves chunks from: the brk region of the
 * main arena, a HEAP_MAX-aligned heap of another arena, or an mmap'd segment
 * the main arena falls back to when brk cannot grow.  The header sits at the
 * start; chunks follow.  `size` is how far from the header the segment is in
 * use (its top ends there); `mapped` how far it may grow without a system
 * call (brk segments: equal to size).
 */
struct tm_heap {
	struct tm_arena *ar;
	struct tm_heap *prev;	/* older segment of the same arena */
	size_t size;
	size_t mapped;
	struct tm_chunk *first;	/* first chunk (a new arena's own struct precedes it) */
	char *touched;		/* how far top has ever been split: pages beyond are untouched */
	bool is_brk;
} __attribute__((aligned(16)));
_Static_assert(sizeof(struct tm_heap) % MALLOC_ALIGN == 0, "heap header keeps alignment");

#define heap_end(h)	((char *)(h) + (h)->size)
#define heap_for_ptr(p)	((struct tm_heap *)((uintptr_t)(p) & ~(HEAP_MAX - 1)))

/* A futex lock (sys.c); zero is unlocked. */
struct tm_mutex {
	int v;
};

HIDDEN void tm_mutex_wait(struct tm_mutex *m);
HIDDEN void tm_mutex_wake(struct tm_mutex *m);

static inline void tm_mutex_lock(struct tm_mutex *m)
{
	int c = 0;

	if (unlikely(!__atomic_compare_exchange_n(&m->v, &c, 1, false, __ATOMIC_ACQUIRE,
						  __ATOMIC_RELAXED)))
		tm_mutex_wait(m);
}

static inline void tm_mutex_unlock(struct tm_mutex *m)
{
	if (unlikely(__atomic_exchange_n(&m->v, 0, __ATOMIC_RELEASE) == 2))
		tm_mutex_wake(m);
}

struct tm_arena {
	struct tm_mutex lock;
	size_t flag;			/* NON_MAIN_ARENA or 0, or-ed into every chunk head */
	bool have_fast;
	struct tm_chunk *fastbins[NFASTBINS];
	struct tm_chunk *top;
	struct tm_chunk *last_remainder;
	struct tm_chunk *bins[NBINS * 2 - 2];
	unsigned binmap[BINMAPSIZE];
	struct tm_heap *heap;		/* newest segment, the one top is in */
	char *brk_end;			/* main arena: where its brk region ends */
	bool brk_failed;		/* main arena: sbrk failed once, use mmap'd segments */
	size_t system_mem;		/* bytes of all segments */
	struct tm_tcache_entry *remote;	/* chunks other threads' outbound lists gave back: tcache.c */
	struct tm_arena *next;
	unsigned index;
	unsigned attached;		/* threads using this arena */
};

/* The fake chunk whose fd/bk are bins[2(i-1)], bins[2(i-1)+1]. */
#define bin_at(ar, i) \
	((struct tm_chunk *)((char *)&(ar)->bins[((i) - 1) * 2] - offsetof(struct tm_chunk, fd)))
#define first(b)	((b)->fd)
#define last(b)		((b)->bk)
#define unsorted_chunks(ar) bin_at(ar, 1)
#define idx2block(i)	((i) >> BINMAPSHIFT)
#define idx2bit(i)	(1U << ((i) & (BITSPERMAP - 1)))
#define mark_bin(ar, i)	((ar)->binmap[idx2block(i)] |= idx2bit(i))
#define get_binmap(ar, i) ((ar)->binmap[idx2block(i)] & idx2bit(i))

static inline unsigned largebin_index(size_t sz)
{
	if ((sz >> 6) <= 48)
		return 48 + (unsigned)(sz >> 6);
	if ((sz >> 9) <= 20)
		return 91 + (unsigned)(sz >> 9);
	if ((sz >> 12) <= 10)
		return 110 + (unsigned)(sz >> 12);
	if ((sz >> 15) <= 4)
		return 119 + (unsigned)(sz >> 15);
	if ((sz >> 18) <= 2)
		return 124 + (unsigned)(sz >> 18);
	return 126;
}

static inline unsigned bin_index(size_t sz)
{
	return in_smallbin_range(sz) ? smallbin_index(sz) : largebin_index(sz);
}

struct tm_tcache_entry {
	struct tm_tcache_entry *next;	/* safe-linked */
	uintptr_t key;			/* tm_tcache_key while the chunk is cached */
};

enum tm_tcache_state { TCACHE_UNSET, TCACHE_ACTIVE, TCACHE_GONE };

struct tm_tcache {
	struct tm_tcache_entry *entries[TCACHE_BINS];
	uint16_t counts[TCACHE_BINS];
	uint16_t limits[TCACHE_BINS];	/* chunks of each size at most; 0 (free() takes the slow path) until active */
	uint8_t state;
	bool initializing;	/* this thread is in tm_init() */
	uint16_t noutbound;
	struct tm_tcache_entry *outbound;	/* other arenas' chunks freed here, safe-linked */
	struct tm_arena *arena;	/* this thread's arena, NULL until it first needs one */
};

extern __thread struct tm_tcache tm_tc __attribute__((tls_model("initial-exec"))) HIDDEN;

/* Tunables and global state, set once at start-up. */
struct tm_params {
	size_t mmap_threshold;
	size_t trim_threshold;
	bool dynamic_threshold;
	bool check;		/* TOYMALLOC_CHECK: validate the whole heap at every call */
	size_t pagesize;
	unsigned narenas_max;
	uint16_t tcache_count;	/* per size; 0 disables the thread cache */
	size_t tcache_bytes;	/* per size */
};
extern struct tm_params tm_mp HIDDEN;
extern uintptr_t tm_tcache_key HIDDEN;
extern struct tm_arena tm_main_arena HIDDEN;
extern struct tm_arena *tm_arena_list HIDDEN;	/* main arena first */
extern struct tm_mutex tm_list_lock HIDDEN;
extern size_t tm_mmapped_bytes HIDDEN;		/* atomic */
extern size_t tm_mmapped_chunks HIDDEN;		/* atomic */

static inline void tcache_put(struct tm_chunk *p, size_t tidx)
{
	struct tm_tcache_entry *e = chunk2mem(p);

	e->key = tm_tcache_key;
	e->next = PROTECT_PTR(&e->next, tm_tc.entries[tidx]);
	tm_tc.entries[tidx] = e;
	tm_tc.counts[tidx]++;
}

static inline struct tm_arena *arena_for_chunk(const struct tm_chunk *p)
{
	return chunk_non_main(p) ? heap_for_ptr(p)->ar : &tm_main_arena;
}

/* arena.c */
HIDDEN void tm_init(void);
extern int tm_initialized HIDDEN;
HIDDEN struct tm_arena *tm_arena_for_thread(void);

/* The calling thread's arena, chosen at its first use. */
static inline struct tm_arena *thread_arena(void)
{
	if (unlikely(!tm_tc.arena))
		tm_tc.arena = tm_arena_for_thread();
	return tm_tc.arena;
}
HIDDEN void tm_thread_register(void);
HIDDEN void tm_arena_detach(struct tm_arena *ar);
HIDDEN int tm_arena_grow(struct tm_arena *ar, size_t nb);
HIDDEN size_t tm_arena_trim(struct tm_arena *ar, size_t pad, size_t threshold);

/* Top moved up: note how far the segment's memory has been handed out. */
static inline void top_advanced(struct tm_arena *ar)
{
	if ((char *)ar->top > ar->heap->touched)
		ar->heap->touched = (char *)ar->top;
}
HIDDEN size_t tm_arena_release_free(struct tm_arena *ar);
HIDDEN bool tm_release_spare_heaps(void);
#define tm_lock(ar)	tm_mutex_lock(&(ar)->lock)
#define tm_unlock(ar)	tm_mutex_unlock(&(ar)->lock)

/* sys.c */
HIDDEN uintptr_t tm_random_key(void);
HIDDEN const char *tm_getenv(const char *name);
HIDDEN int tm_getpid(void);
HIDDEN unsigned int tm_cpu_count(void);
HIDDEN size_t tm_page_size(void);

/* bins.c: callers hold ar->lock */
HIDDEN void *tm_int_malloc(struct tm_arena *ar, size_t nb, bool may_grow);
HIDDEN void tm_int_free(struct tm_arena *ar, struct tm_chunk *p, bool user);
HIDDEN void *tm_int_realloc(struct tm_arena *ar, struct tm_chunk *p, size_t nb);
HIDDEN void *tm_int_memalign(struct tm_arena *ar, size_t align, size_t nb);
HIDDEN void tm_consolidate(struct tm_arena *ar);
HIDDEN size_t tm_madvise_range(void *start, size_t len);

/* mmap.c */
HIDDEN void *tm_mmap_chunk(size_t nb, size_t align);
HIDDEN void tm_munmap_chunk(struct tm_chunk *p);
HIDDEN void *tm_mremap_chunk(struct tm_chunk *p, size_t nb);

/* tcache.c */
HIDDEN void tm_tcache_init(void);
HIDDEN uint16_t tm_tcache_limit(size_t tidx);
HIDDEN void tm_tcache_double_free(struct tm_tcache_entry *e, size_t tidx);
HIDDEN void tm_tcache_flush(void);
HIDDEN void tm_tcache_refill(struct tm_arena *ar, size_t nb);
HIDDEN void tm_tcache_spill(size_t tidx);
HIDDEN void tm_outbound_put(struct tm_chunk *p);
HIDDEN void tm_outbound_send(void);
HIDDEN void tm_remote_drain(struct tm_arena *ar, bool to_cache);

/* check.c */
HIDDEN void __attribute__((noreturn, cold)) tm_fatal(const char *msg);
HIDDEN int tm_check_heap(bool fatal);
HIDDEN void tm_check_all(void);

/* stats.c: snprintf into a buffer and write(2), never stdio's malloc'd buffers */
HIDDEN void tm_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
