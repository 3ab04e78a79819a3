// SPDX-License-Identifier: GPL-2.0
/*
 * Bins: allocation and freeing inside one arena, Doug Lea's algorithm as
 * ptmalloc runs it.  The caller holds the arena lock.
 *
 * Free chunks live in
 *   fastbins      chunk sizes 32..160, one singly linked LIFO list per size,
 *                 safe-linked; their chunks still look in use, so they are
 *                 not merged until malloc_consolidate() (a large request, or a
 *                 large free) folds them into the other bins;
 *   unsorted bin  bin 1: every merged free chunk lands here first; the next
 *                 malloc either returns it (exact fit) or sorts it into
 *   small bins    bins 2..63, one exact size each (16-byte steps below 1024);
 *   large bins    bins 64..126, logarithmically spaced, each kept sorted by
 *                 size (largest first, with fd_nextsize/bk_nextsize skipping
 *                 over equal sizes) so a request takes the best fit;
 *   top           the chunk at the end of the arena's newest segment; it only
 *                 shrinks by splitting and grows through arena.c.
 * A bitmap of non-empty bins lets malloc skip empty bins.
 *
 * malloc(nb): exact fastbin, exact small bin, then sort the unsorted bin
 * (returning an exact fit, or splitting the last remainder for a small
 * request to keep locality), then best fit in the request's large bin, then
 * the smallest chunk of the next non-empty bin by the bitmap, then top
 * (consolidating fastbins once, then growing the arena, unless the caller
 * would rather map a request past the mmap threshold than grow for it).  While a fastbin or
 * small bin is being taken from, extra chunks of the same size go to the
 * calling thread's cache, so the next requests need no lock.
 *
 * free(p): into its fastbin if small; otherwise merged with free neighbours
 * through the boundary tags (every unlink checks fd->bk == p and bk->fd == p)
 * and put in the unsorted bin, or into top.  A large enough free triggers
 * fastbin consolidation and trimming of top (with hysteresis: once a trim
 * threshold of free top lies beyond half of one, down to that half), and a
 * block freed into a free chunk of MADVISE_FACTOR trim thresholds or more
 * hands its pages back with MADV_DONTNEED.
 */
#include <string.h>

#include "internal.h"

static void unlink_chunk(struct tm_chunk *p)
{
	struct tm_chunk *fd = p->fd, *bk = p->bk;

	if (unlikely(chunksize(p) != next_chunk(p)->prev_size))
		tm_fatal("corrupted size vs. prev_size");
	if (unlikely(fd->bk != p || bk->fd != p))
		tm_fatal("corrupted double-linked list");
	fd->bk = bk;
	bk->fd = fd;
	if (!in_smallbin_range(chunksize(p)) && p->fd_nextsize) {
		if (unlikely(p->fd_nextsize->bk_nextsize != p || p->bk_nextsize->fd_nextsize != p))
			tm_fatal("corrupted double-linked list (not small)");
		if (!fd->fd_nextsize) {
			if (p->fd_nextsize == p) {
				fd->fd_nextsize = fd->bk_nextsize = fd;
			} else {
				fd->fd_nextsize = p->fd_nextsize;
				fd->bk_nextsize = p->bk_nextsize;
				p->fd_nextsize->bk_nextsize = fd;
				p->bk_nextsize->fd_nextsize = fd;
			}
		} else {
			p->fd_nextsize->bk_nextsize = p->bk_nextsize;
			p->bk_nextsize->fd_nextsize = p->fd_nextsize;
		}
	}
}

/* Put a free chunk of `size` at the front of the unsorted bin, with its boundary tags. */
static void unsorted_insert(struct tm_arena *ar, struct tm_chunk *p, size_t size, const char *who)
{
	struct tm_chunk *bck = unsorted_chunks(ar), *fwd = bck->fd;

	if (unlikely(fwd->bk != bck))
		tm_fatal(who);
	p->fd = fwd;
	p->bk = bck;
	if (!in_smallbin_range(size)) {
		p->fd_nextsize = NULL;
		p->bk_nextsize = NULL;
	}
	bck->fd = p;
	fwd->bk = p;
	set_head(p, size | PREV_INUSE | ar->flag);
	set_foot(p, size);
}

/* Hand out the first nb bytes of free chunk `victim` (already unlinked); the rest goes unsorted. */
static void *split_off(struct tm_arena *ar, struct tm_chunk *victim, size_t nb, bool keep_remainder)
{
	size_t size = chunksize(victim);

	if (size - nb < MINSIZE) {
		set_inuse_at(victim, size);
	} else {
		struct tm_chunk *rem = chunk_at(victim, nb);

		unsorted_insert(ar, rem, size - nb, "malloc(): corrupted unsorted chunks");
		if (keep_remainder)
			ar->last_remainder = rem;
		set_head(victim, nb | PREV_INUSE | ar->flag);
	}
	return chunk2mem(victim);
}

/* The calling thread's cache, if chunks of ar of size nb may go there. */
static struct tm_tcache *stash_cache(struct tm_arena *ar, size_t nb)
{
	if (tm_tc.state != TCACHE_ACTIVE || nb > TCACHE_MAX_SIZE || ar != tm_tc.arena)
		return NULL;
	return &tm_tc;
}

static void *take_fast(struct tm_arena *ar, size_t nb)
{
	struct tm_chunk **fb = &ar->fastbins[fastbin_index(nb)];
	struct tm_chunk *victim = *fb, *p;
	struct tm_tcache *tc;
	size_t tidx = csize2tidx(nb);

	if (!victim)
		return NULL;
	if (unlikely(!aligned_ok(victim)))
		tm_fatal("malloc(): unaligned fastbin chunk detected");
	if (unlikely(fastbin_index(chunksize(victim)) != fastbin_index(nb)))
		tm_fatal("malloc(): memory corruption (fast)");
	*fb = REVEAL_PTR(victim->fd);
	tc = stash_cache(ar, nb);
	while (tc && tc->counts[tidx] < tc->limits[tidx] && (p = *fb)) {
		if (unlikely(!aligned_ok(p)))
			tm_fatal("malloc(): unaligned fastbin chunk detected");
		*fb = REVEAL_PTR(p->fd);
		tcache_put(p, tidx);
	}
	return chunk2mem(victim);
}

/* Unlink the oldest chunk of small bin @bin (of size @nb), in use; NULL if empty. */
static struct tm_chunk *unlink_last_small(struct tm_chunk *bin, size_t nb)
{
	struct tm_chunk *victim = last(bin), *bck;

	if (victim == bin)
		return NULL;
	bck = victim->bk;
	if (unlikely(bck->fd != victim))
		tm_fatal("malloc(): smallbin double linked list corrupted");
	set_inuse_at(victim, nb);
	bin->bk = bck;
	bck->fd = bin;
	return victim;
}

static void *take_small(struct tm_arena *ar, size_t nb)
{
	struct tm_chunk *bin = bin_at(ar, smallbin_index(nb)), *victim, *p;
	struct tm_tcache *tc;
	size_t tidx = csize2tidx(nb);

	victim = unlink_last_small(bin, nb);
	if (!victim)
		return NULL;
	tc = stash_cache(ar, nb);
	while (tc && tc->counts[tidx] < tc->limits[tidx] &&
	       (p = unlink_last_small(bin, nb)))
		tcache_put(p, tidx);
	return chunk2mem(victim);
}

/* Sort a chunk taken off the unsorted bin into its small or large bin. */
static void bin_insert(struct tm_arena *ar, struct tm_chunk *victim, size_t size)
{
	struct tm_chunk *bck, *fwd;
	unsigned idx;

	if (in_smallbin_range(size)) {
		idx = smallbin_index(size);
		bck = bin_at(ar, idx);
		fwd = bck->fd;
	} else {
		idx = largebin_index(size);
		bck = bin_at(ar, idx);
		fwd = bck->fd;
		if (fwd == bck) {
			victim->fd_nextsize = victim->bk_nextsize = victim;
		} else if (size < chunksize(bck->bk)) {
			/* Smaller than all: goes last, into the nextsize ring before the largest. */
			fwd = bck;
			bck = bck->bk;
			victim->fd_nextsize = fwd->fd;
			victim->bk_nextsize = fwd->fd->bk_nextsize;
			fwd->fd->bk_nextsize = victim->bk_nextsize->fd_nextsize = victim;
		} else {
			while (size < chunksize(fwd))
				fwd = fwd->fd_nextsize;
			if (size == chunksize(fwd)) {
				/* Behind the first of its size: the nextsize ring stays as it is. */
				fwd = fwd->fd;
				victim->fd_nextsize = victim->bk_nextsize = NULL;
			} else {
				victim->fd_nextsize = fwd;
				victim->bk_nextsize = fwd->bk_nextsize;
				if (unlikely(fwd->bk_nextsize->fd_nextsize != fwd))
					tm_fatal("malloc(): largebin double linked list corrupted (nextsize)");
				fwd->bk_nextsize = victim;
				victim->bk_nextsize->fd_nextsize = victim;
			}
			bck = fwd->bk;
			if (unlikely(bck->fd != fwd))
				tm_fatal("malloc(): largebin double linked list corrupted (bk)");
		}
	}
	mark_bin(ar, idx);
	victim->bk = bck;
	victim->fd = fwd;
	fwd->bk = victim;
	bck->fd = victim;
}

/*
 * Empty the unsorted bin into the bins.  Returns an exact fit (or a split of
 * the last remainder for a small request); exact fits for a cacheable size
 * first fill the thread cache and the last of them is returned.
 */
static void *sort_unsorted(struct tm_arena *ar, size_t nb)
{
	struct tm_chunk *unsorted = unsorted_chunks(ar), *victim, *bck, *next;
	struct tm_tcache *tc = stash_cache(ar, nb);
	size_t tidx = csize2tidx(nb), size;
	struct tm_chunk *cached = NULL;
	int iters = 0;

	while ((victim = unsorted->bk) != unsorted) {
		bck = victim->bk;
		size = chunksize(victim);
		next = chunk_at(victim, size);
		if (unlikely(size <= CHUNK_HDR_SZ || size > ar->system_mem))
			tm_fatal("malloc(): invalid size (unsorted)");
		if (unlikely(next->size < CHUNK_HDR_SZ || chunksize(next) > ar->system_mem))
			tm_fatal("malloc(): invalid next size (unsorted)");
		if (unlikely(next->prev_size != size))
			tm_fatal("malloc(): mismatching next->prev_size (unsorted)");
		if (unlikely(bck->fd != victim || victim->fd != unsorted))
			tm_fatal("malloc(): unsorted double linked list corrupted");
		if (unlikely(prev_inuse(next)))
			tm_fatal("malloc(): invalid next->prev_inuse (unsorted)");

		if (in_smallbin_range(nb) && bck == unsorted && victim == ar->last_remainder &&
		    size > nb + MINSIZE && !cached) {
			unsorted->bk = unsorted->fd = unsorted;
			return split_off(ar, victim, nb, true);
		}

		unsorted->bk = bck;
		bck->fd = unsorted;
		if (size == nb) {
			set_inuse_at(victim, size);
			if (tc && tc->counts[tidx] < tc->limits[tidx]) {
				if (cached)
					tcache_put(cached, tidx);
				cached = victim;
				continue;
			}
			if (cached)
				tcache_put(cached, tidx);
			return chunk2mem(victim);
		}
		bin_insert(ar, victim, size);
		if (++iters >= 10000)
			break;
	}
	return cached ? chunk2mem(cached) : NULL;
}

static void *take_large_best_fit(struct tm_arena *ar, size_t nb)
{
	struct tm_chunk *bin = bin_at(ar, largebin_index(nb)), *victim = first(bin);

	if (victim == bin || chunksize(victim) < nb)
		return NULL;
	for (victim = victim->bk_nextsize; chunksize(victim) < nb; victim = victim->bk_nextsize)
		;
	/* Take the second of equal sizes, so the nextsize ring needs no change. */
	if (victim != last(bin) && chunksize(victim->fd) == chunksize(victim))
		victim = victim->fd;
	unlink_chunk(victim);
	return split_off(ar, victim, nb, false);
}

/* The smallest chunk of the first non-empty bin above nb's, found through the binmap. */
static void *take_next_bin(struct tm_arena *ar, size_t nb)
{
	unsigned int idx = bin_index(nb) + 1;
	unsigned int block = idx2block(idx);
	unsigned int map = ar->binmap[block] & ~(idx2bit(idx) - 1);

	for (;;) {
		struct tm_chunk *bin, *victim;

		while (!map) {
			if (++block >= BINMAPSIZE)
				return NULL;
			map = ar->binmap[block];
		}
		idx = (block << BINMAPSHIFT) + __builtin_ctz(map);
		bin = bin_at(ar, idx);
		victim = last(bin);
		if (victim == bin) {
			/* Bits are cleared lazily: this bin emptied since it was marked. */
			ar->binmap[block] &= ~idx2bit(idx);
			map &= ~idx2bit(idx);
			continue;
		}
		unlink_chunk(victim);
		return split_off(ar, victim, nb, in_smallbin_range(nb));
	}
}

static void *take_top(struct tm_arena *ar, size_t nb)
{
	struct tm_chunk *top = ar->top;
	size_t size;

	if (!top)
		return NULL;
	size = chunksize(top);
	if (unlikely(size > ar->system_mem))
		tm_fatal("malloc(): corrupted top size");
	if (size < nb + MINSIZE)
		return NULL;
	ar->top = chunk_at(top, nb);
	set_head(ar->top, (size - nb) | PREV_INUSE | ar->flag);
	set_head(top, nb | PREV_INUSE | ar->flag);
	top_advanced(ar);
	return chunk2mem(top);
}

void *tm_int_malloc(struct tm_arena *ar, size_t nb, bool may_grow)
{
	void *m;

	if (nb <= MAX_FAST_SIZE && (m = take_fast(ar, nb)))
		return m;
	if (in_smallbin_range(nb)) {
		if ((m = take_small(ar, nb)))
			return m;
	} else if (ar->have_fast) {
		tm_consolidate(ar);
	}

	for (;;) {
		if ((m = sort_unsorted(ar, nb)))
			return m;
		if (!in_smallbin_range(nb) && (m = take_large_best_fit(ar, nb)))
			return m;
		if ((m = take_next_bin(ar, nb)))
			return m;
		if ((m = take_top(ar, nb)))
			return m;
		if (ar->have_fast) {
			tm_consolidate(ar);
			continue;
		}
		if (!may_grow || tm_arena_grow(ar, nb))
			return NULL;
	}
}

/*
 * Merge the free chunk p (size bytes), whose successor next is nextsize
 * bytes, with its free neighbours: into the unsorted bin, or into top when
 * next is top.  free() and malloc_consolidate() both do it, and name
 * themselves in the abort messages (consolidating: the latter).  Returns
 * the merged chunk and sets *merged to its size.
 */
static struct tm_chunk *merge_neighbours(struct tm_arena *ar, struct tm_chunk *p, size_t size,
					 struct tm_chunk *next, size_t nextsize,
					 bool consolidating, size_t *merged)
{
	if (!prev_inuse(p)) {
		size_t prevsize = p->prev_size;

		p = chunk_at(p, -prevsize);
		if (unlikely(chunksize(p) != prevsize))
			tm_fatal(consolidating ? "corrupted size vs. prev_size in fastbins" :
				 "corrupted size vs. prev_size while consolidating");
		unlink_chunk(p);
		size += prevsize;
	}
	if (next != ar->top) {
		if (!inuse_at(next, nextsize)) {
			unlink_chunk(next);
			size += nextsize;
		} else {
			clear_inuse_at(next, 0);
		}
		unsorted_insert(ar, p, size, consolidating ?
				"malloc_consolidate(): corrupted unsorted chunks" :
				"free(): corrupted unsorted chunks");
	} else {
		size += nextsize;
		set_head(p, size | PREV_INUSE | ar->flag);
		ar->top = p;
	}
	*merged = size;
	return p;
}

/*
 * Merge p (size bytes, not fast) with its free neighbours into the unsorted
 * bin or top.  When the program freed p (not the allocator splitting) and the
 * free chunk it ends up in is MADVISE_FACTOR times the trim threshold or
 * more, p's own pages go back to the system (its neighbours' went when they
 * were freed): memory that large is unlikely to be reused soon, and smaller
 * free chunks are not worth the page faults that would refill them.
 */
static void free_merge(struct tm_arena *ar, struct tm_chunk *p, size_t size, bool user)
{
	struct tm_chunk *next = chunk_at(p, size), *freed = p;
	size_t nextsize, freed_size = size;

	if (unlikely(p == ar->top))
		tm_fatal("double free or corruption (top)");
	if (unlikely(ar->top && (char *)p >= (char *)ar->heap && (char *)p < heap_end(ar->heap) &&
		     (char *)next >= (char *)ar->top + chunksize(ar->top)))
		tm_fatal("double free or corruption (out)");
	if (unlikely(!prev_inuse(next)))
		tm_fatal("double free or corruption (!prev)");
	nextsize = chunksize(next);
	if (unlikely(next->size <= CHUNK_HDR_SZ || nextsize >= ar->system_mem))
		tm_fatal("free(): invalid next size (normal)");

	p = merge_neighbours(ar, p, size, next, nextsize, false, &size);
	if (p != ar->top && user &&
	    size >= MADVISE_FACTOR * __atomic_load_n(&tm_mp.trim_threshold, __ATOMIC_RELAXED)) {
		char *from = (char *)freed + (freed == p ? sizeof(struct tm_chunk) : 0);

		tm_madvise_range(from, (char *)freed + freed_size - from);
	}

	if (size >= FASTBIN_CONSOLIDATION_THRESHOLD && ar->top) {
		size_t threshold = __atomic_load_n(&tm_mp.trim_threshold, __ATOMIC_RELAXED);

		if (ar->have_fast)
			tm_consolidate(ar);
		/*
		 * Trim once more than a threshold of touched top is free beyond
		 * half a threshold (and TRIM_KEEP), back to that half: with the
		 * threshold raised to twice the size of the blocks in use, that
		 * is the next block's pages already faulted in.  The larger the
		 * pad, the fewer page faults and the more memory held at a peak:
		 * on `large` (11 runs, peak RSS less the peak of live bytes)
		 * glibc holds 8.8 MiB; keeping 3/4 of a threshold held 11.7 MiB
		 * at 0.32 of glibc's time, 1/2 holds 10.2 at 0.44, and 1/4 or
		 * none held 10.5-10.9 at 0.70-0.98.
		 */
		tm_arena_trim(ar, TRIM_KEEP + threshold / 2, threshold);
	}
}

void tm_int_free(struct tm_arena *ar, struct tm_chunk *p, bool user)
{
	size_t size = chunksize(p);

	if (size <= MAX_FAST_SIZE) {
		struct tm_chunk *next = chunk_at(p, size), **fb, *old;

		if (unlikely(next->size <= CHUNK_HDR_SZ || chunksize(next) >= ar->system_mem))
			tm_fatal("free(): invalid next size (fast)");
		fb = &ar->fastbins[fastbin_index(size)];
		old = *fb;
		if (unlikely(old == p))
			tm_fatal("double free or corruption (fasttop)");
		if (unlikely(old && fastbin_index(chunksize(old)) != fastbin_index(size)))
			tm_fatal("invalid fastbin entry (free)");
		p->fd = PROTECT_PTR(&p->fd, old);
		*fb = p;
		ar->have_fast = true;
		return;
	}
	free_merge(ar, p, size, user);
}

/* Fold every fastbin chunk into its free neighbours and the unsorted bin. */
void tm_consolidate(struct tm_arena *ar)
{
	unsigned i;

	ar->have_fast = false;
	for (i = 0; i < NFASTBINS; i++) {
		struct tm_chunk *p = ar->fastbins[i], *nextp;

		ar->fastbins[i] = NULL;
		for (; p; p = nextp) {
			struct tm_chunk *next;
			size_t size, nextsize;

			if (unlikely(!aligned_ok(p)))
				tm_fatal("malloc_consolidate(): unaligned fastbin chunk detected");
			size = chunksize(p);
			if (unlikely(fastbin_index(size) != i))
				tm_fatal("malloc_consolidate(): invalid chunk size");
			nextp = REVEAL_PTR(p->fd);
			next = chunk_at(p, size);
			nextsize = chunksize(next);
			merge_neighbours(ar, p, size, next, nextsize, true, &size);
		}
	}
}

/* Split the tail of in-use chunk p beyond nb off and free it. */
static void shrink_chunk(struct tm_arena *ar, struct tm_chunk *p, size_t size, size_t nb)
{
	if (size - nb < MINSIZE) {
		set_head_size(p, size);
		set_inuse_at(p, size);
	} else {
		struct tm_chunk *rem = chunk_at(p, nb);

		set_head_size(p, nb);
		set_head(rem, (size - nb) | PREV_INUSE | ar->flag);
		set_inuse_at(rem, size - nb);
		tm_int_free(ar, rem, false);
	}
}

/*
 * Resize p in place: shrink it, or grow it into top or a free successor.
 * NULL when it cannot; the caller then allocates, copies and frees.
 */
void *tm_int_realloc(struct tm_arena *ar, struct tm_chunk *p, size_t nb)
{
	size_t size = chunksize(p);
	struct tm_chunk *next = chunk_at(p, size);
	size_t nextsize = chunksize(next);

	if (unlikely(next->size <= CHUNK_HDR_SZ || nextsize >= ar->system_mem))
		tm_fatal("realloc(): invalid next size");
	if (size >= nb) {
		shrink_chunk(ar, p, size, nb);
		return chunk2mem(p);
	}
	if (next == ar->top) {
		if (size + nextsize < nb + MINSIZE)
			return NULL;
		set_head_size(p, nb);
		ar->top = chunk_at(p, nb);
		set_head(ar->top, (size + nextsize - nb) | PREV_INUSE | ar->flag);
		top_advanced(ar);
		return chunk2mem(p);
	}
	if (!inuse_at(next, nextsize) && size + nextsize >= nb) {
		unlink_chunk(next);
		shrink_chunk(ar, p, size + nextsize, nb);
		return chunk2mem(p);
	}
	return NULL;
}

/* An nb-byte chunk whose memory is align-aligned (align > MALLOC_ALIGN, a power of two). */
void *tm_int_memalign(struct tm_arena *ar, size_t align, size_t nb)
{
	void *m = tm_int_malloc(ar, nb + align + MINSIZE, true);
	struct tm_chunk *p;

	if (!m)
		return NULL;
	p = mem2chunk(m);
	if ((uintptr_t)m & (align - 1)) {
		char *at = (char *)mem2chunk(((uintptr_t)m + align - 1) & -align);
		struct tm_chunk *newp;
		size_t lead, newsize;

		if (at - (char *)p < (ptrdiff_t)MINSIZE)
			at += align;
		newp = (struct tm_chunk *)at;
		lead = at - (char *)p;
		newsize = chunksize(p) - lead;
		set_head(newp, newsize | PREV_INUSE | ar->flag);
		set_inuse_at(newp, newsize);
		set_head_size(p, lead);
		tm_int_free(ar, p, false);
		p = newp;
	}
	shrink_chunk(ar, p, chunksize(p), nb);
	return chunk2mem(p);
}
