// SPDX-License-Identifier: GPL-2.0
/*
 * The exported API.  malloc() and free() of up to 1032 bytes try the calling
 * thread's cache first, inline, with no lock; everything else goes to the
 * thread's arena under its lock (bins.c), or, from mmap_threshold up when
 * the arena would have to grow, to a mapping of its own (mmap.c).  A cache
 * miss refills, and a full cache spills, half a cache's worth under one lock
 * (tcache.c).  free() finds a chunk's arena from the chunk, so a block may
 * be freed by any thread; a thread caches only its own arena's chunks and
 * sends the others back, so that it never hands out for reuse memory another
 * thread allocated next to that thread's own (false sharing).  A realloc()
 * that still fits its chunk returns at once.
 *
 * The pointer checks glibc makes before trusting a chunk header are made
 * here, before the header is read: alignment, wrap-around, a size that is no
 * chunk size.  The deeper checks are made where the lists are touched.
 *
 * glibc semantics throughout: malloc(0) is a unique minimum chunk;
 * realloc(p, 0) frees p and returns NULL; realloc(NULL, n) is malloc(n);
 * n * size overflow in calloc()/reallocarray() and any failure give NULL with
 * errno ENOMEM; memalign() rounds a non-power-of-two alignment up;
 * posix_memalign() and aligned_alloc() reject bad alignments with EINVAL.
 *
 * Built with TOYMALLOC_STD_NAMES (the shared library), each function is also
 * exported under its standard name, so LD_PRELOAD replaces glibc's malloc.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "toymalloc.h"

static inline void *tcache_pop(struct tm_tcache_entry *e, size_t tidx)
{
	struct tm_tcache_entry *next = REVEAL_PTR(e->next);

	if (unlikely(!aligned_ok(next)))
		tm_fatal("malloc(): unaligned tcache chunk detected");
	tm_tc.entries[tidx] = next;
	tm_tc.counts[tidx]--;
	e->key = 0;
	return e;
}

static void slow_path_enter(void)
{
	if (unlikely(tm_tc.state == TCACHE_UNSET))
		tm_tcache_init();
	if (unlikely(tm_mp.check))
		tm_check_all();
}

/*
 * nb bytes from the calling thread's arena, another arena, or a mapping.  A
 * request past the mmap threshold is mapped only when no free chunk and not
 * top can serve it, as glibc's sysmalloc() does: memory the arena already
 * holds costs no system call, and a block grown by realloc() from there
 * needs no mremap() either.
 */
static void *arena_malloc(size_t nb)
{
	struct tm_arena *ar = thread_arena();
	size_t threshold = __atomic_load_n(&tm_mp.mmap_threshold, __ATOMIC_RELAXED);
	bool big = nb >= threshold;
	void *m = NULL;

	if (tm_tc.noutbound)
		tm_outbound_send();	/* no thread that allocates holds others' memory long */

	tm_lock(ar);
	tm_remote_drain(ar, true);
	if (nb <= TCACHE_MAX_SIZE && tm_tc.entries[csize2tidx(nb)]) {
		m = tcache_pop(tm_tc.entries[csize2tidx(nb)], csize2tidx(nb));
		tm_unlock(ar);
		return m;
	}
	m = tm_int_malloc(ar, nb, !big);
	if (m && nb <= TCACHE_MAX_SIZE)
		tm_tcache_refill(ar, nb);
	tm_unlock(ar);
	if (!m && big && (m = tm_mmap_chunk(nb, 0)))
		return m;
	if (!m && big) {
		tm_lock(ar);
		m = tm_int_malloc(ar, nb, true);
		tm_unlock(ar);
	}
	if (!m && ar != &tm_main_arena) {
		tm_lock(&tm_main_arena);
		/* What this thread freed of earlier fallbacks came back this way. */
		tm_remote_drain(&tm_main_arena, false);
		m = tm_int_malloc(&tm_main_arena, nb, true);
		tm_unlock(&tm_main_arena);
	}
	if (!m && !big)
		m = tm_mmap_chunk(nb, 0);
	if (!m)
		errno = ENOMEM;
	return m;
}

static __attribute__((noinline)) void *malloc_slow(size_t n)
{
	if (unlikely(n > MAX_REQUEST)) {
		errno = ENOMEM;
		return NULL;
	}
	slow_path_enter();
	return arena_malloc(request2size(n));
}

EXPORT void *toy_malloc(size_t n)
{
	if (likely(n <= TCACHE_MAX_SIZE - SIZE_SZ)) {
		size_t tidx = csize2tidx(request2size(n));
		struct tm_tcache_entry *e = tm_tc.entries[tidx];

		if (likely(e != NULL))
			return tcache_pop(e, tidx);
	}
	return malloc_slow(n);
}

/* The chunk of user pointer m, after the checks that make its header safe to read. */
static inline struct tm_chunk *checked_chunk(void *m, const char *bad_ptr, const char *bad_size)
{
	struct tm_chunk *p = mem2chunk(m);
	size_t size;

	if (unlikely(!aligned_ok(m)))
		tm_fatal(bad_ptr);
	size = chunksize(p);
	if (unlikely((uintptr_t)p > (uintptr_t)-size))
		tm_fatal(bad_ptr);
	if (unlikely(size < MINSIZE || (size & ALIGN_MASK)))
		tm_fatal(bad_size);
	return p;
}

static __attribute__((noinline)) void free_slow(struct tm_chunk *p)
{
	size_t size = chunksize(p), tidx = csize2tidx(size);
	struct tm_arena *ar;

	slow_path_enter();
	if (chunk_is_mmapped(p)) {
		tm_munmap_chunk(p);
		return;
	}
	ar = arena_for_chunk(p);
	if (tidx < TCACHE_BINS && tm_tc.limits[tidx]) {
		if (ar != tm_tc.arena) {
			tm_outbound_put(p);
			return;
		}
		if (tm_tc.counts[tidx] >= tm_tc.limits[tidx])
			tm_tcache_spill(tidx);
		tcache_put(p, tidx);
		return;
	}
	tm_lock(ar);
	tm_int_free(ar, p, true);
	tm_unlock(ar);
}

/*
 * A cacheable chunk that carries the cache key: fatal if it is in this
 * thread's cache or on its outbound list already, else freed as any other.
 * Out of line, so that toy_free() ends in tail calls only and needs no stack
 * frame.
 */
static __attribute__((noinline)) void free_keyed(struct tm_chunk *p, size_t tidx)
{
	tm_tcache_double_free(chunk2mem(p), tidx);
	free_slow(p);
}

EXPORT void toy_free(void *m)
{
	struct tm_chunk *p;
	size_t tidx;

	if (unlikely(!m))
		return;
	p = checked_chunk(m, "free(): invalid pointer", "free(): invalid size");
	tidx = csize2tidx(chunksize(p));
	/* Mapped chunks are never this small (mmap.c), so the size alone says "cacheable". */
	if (tidx < TCACHE_BINS) {
		struct tm_tcache_entry *e = m;

		if (unlikely(e->key == tm_tcache_key)) {
			free_keyed(p, tidx);
			return;
		}
		if (likely(tm_tc.counts[tidx] < tm_tc.limits[tidx] &&
			   arena_for_chunk(p) == tm_tc.arena)) {
			tcache_put(p, tidx);
			return;
		}
	}
	free_slow(p);
}

EXPORT void *toy_calloc(size_t nmemb, size_t size)
{
	size_t total;
	void *m;

	if (unlikely(__builtin_mul_overflow(nmemb, size, &total))) {
		errno = ENOMEM;
		return NULL;
	}
	m = toy_malloc(total);
	/* A fresh mapping is already zero. */
	if (m && !chunk_is_mmapped(mem2chunk(m)))
		memset(m, 0, total);
	return m;
}

static size_t usable_size(struct tm_chunk *p)
{
	return chunksize(p) - (chunk_is_mmapped(p) ? CHUNK_HDR_SZ : SIZE_SZ);
}

EXPORT void *toy_realloc(void *m, size_t n)
{
	struct tm_chunk *p;
	struct tm_arena *ar;
	size_t nb, old;
	void *r;

	if (!m)
		return toy_malloc(n);
	if (n == 0) {
		toy_free(m);
		return NULL;
	}
	p = checked_chunk(m, "realloc(): invalid pointer", "realloc(): invalid old size");
	if (unlikely(n > MAX_REQUEST)) {
		errno = ENOMEM;
		return NULL;
	}
	slow_path_enter();
	nb = request2size(n);
	old = usable_size(p);
	if (chunk_is_mmapped(p)) {
		if ((r = tm_mremap_chunk(p, nb)))
			return r;
		if (old >= n)
			return m;
	} else if (chunksize(p) >= nb && chunksize(p) - nb < MINSIZE) {
		/* It fits and has nothing to give back: no lock needed. */
		return m;
	} else {
		ar = arena_for_chunk(p);
		tm_lock(ar);
		r = tm_int_realloc(ar, p, nb);
		tm_unlock(ar);
		if (r)
			return r;
	}
	r = toy_malloc(n);
	if (!r)
		return NULL;
	memcpy(r, m, old < n ? old : n);
	toy_free(m);
	return r;
}

EXPORT void *toy_reallocarray(void *m, size_t nmemb, size_t size)
{
	size_t total;

	if (unlikely(__builtin_mul_overflow(nmemb, size, &total))) {
		errno = ENOMEM;
		return NULL;
	}
	return toy_realloc(m, total);
}

/* n bytes aligned to align, a power of two. */
static void *aligned_malloc(size_t align, size_t n)
{
	struct tm_arena *ar;
	size_t nb;
	void *m = NULL;

	if (align <= MALLOC_ALIGN)
		return toy_malloc(n);
	if (align < MINSIZE)
		align = MINSIZE;
	if (unlikely(n > MAX_REQUEST - align - MINSIZE)) {
		errno = ENOMEM;
		return NULL;
	}
	slow_path_enter();
	nb = request2size(n);
	if (nb + align + MINSIZE >= __atomic_load_n(&tm_mp.mmap_threshold, __ATOMIC_RELAXED) &&
	    (m = tm_mmap_chunk(nb, align)))
		return m;
	ar = thread_arena();
	tm_lock(ar);
	m = tm_int_memalign(ar, align, nb);
	tm_unlock(ar);
	if (!m)
		m = tm_mmap_chunk(nb, align);
	if (!m)
		errno = ENOMEM;
	return m;
}

static inline bool powerof2(size_t x)
{
	return (x & (x - 1)) == 0;
}

EXPORT void *toy_memalign(size_t align, size_t n)
{
	if (align > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return NULL;
	}
	if (!powerof2(align)) {
		size_t a = MALLOC_ALIGN;

		while (a < align)
			a <<= 1;
		align = a;
	}
	return aligned_malloc(align, n);
}

EXPORT int toy_posix_memalign(void **memptr, size_t align, size_t n)
{
	int saved = errno;
	void *m;

	if (align == 0 || align % sizeof(void *) || !powerof2(align / sizeof(void *)))
		return EINVAL;
	m = aligned_malloc(align, n);
	errno = saved;
	if (!m)
		return ENOMEM;
	*memptr = m;
	return 0;
}

EXPORT void *toy_aligned_alloc(size_t align, size_t n)
{
	if (align == 0 || !powerof2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return aligned_malloc(align, n);
}

EXPORT void *toy_valloc(size_t n)
{
	if (unlikely(tm_initialized != 2))
		tm_init();
	return aligned_malloc(tm_mp.pagesize, n);
}

EXPORT void *toy_pvalloc(size_t n)
{
	size_t rounded;

	if (unlikely(tm_initialized != 2))
		tm_init();
	if (__builtin_add_overflow(n, tm_mp.pagesize - 1, &rounded)) {
		errno = ENOMEM;
		return NULL;
	}
	return aligned_malloc(tm_mp.pagesize, rounded & ~(tm_mp.pagesize - 1));
}

EXPORT size_t toy_malloc_usable_size(void *m)
{
	struct tm_chunk *p;

	if (!m)
		return 0;
	if (unlikely(tm_mp.check))
		tm_check_all();
	p = mem2chunk(m);
	if (chunk_is_mmapped(p))
		return usable_size(p);
	return inuse(p) ? usable_size(p) : 0;
}

EXPORT int toy_malloc_trim(size_t pad)
{
	struct tm_arena *ar;
	size_t released = 0;

	if (__atomic_load_n(&tm_initialized, __ATOMIC_ACQUIRE) != 2)
		return 0;
	tm_outbound_send();
	for (ar = tm_arena_list; ar; ar = ar->next) {
		tm_lock(ar);
		tm_remote_drain(ar, false);
		tm_consolidate(ar);
		if (ar->top)
			released += tm_arena_trim(ar, pad, 0);
		released += tm_arena_release_free(ar);
		tm_unlock(ar);
	}
	return released > 0;
}

#ifdef TOYMALLOC_STD_NAMES
#define STD_ALIAS(std, toy) \
	__typeof__(toy) std __attribute__((alias(#toy), visibility("default")))
STD_ALIAS(malloc, toy_malloc);
STD_ALIAS(free, toy_free);
STD_ALIAS(calloc, toy_calloc);
STD_ALIAS(realloc, toy_realloc);
STD_ALIAS(reallocarray, toy_reallocarray);
STD_ALIAS(memalign, toy_memalign);
STD_ALIAS(posix_memalign, toy_posix_memalign);
STD_ALIAS(aligned_alloc, toy_aligned_alloc);
STD_ALIAS(valloc, toy_valloc);
STD_ALIAS(pvalloc, toy_pvalloc);
STD_ALIAS(malloc_usable_size, toy_malloc_usable_size);
STD_ALIAS(malloc_trim, toy_malloc_trim);
#endif
