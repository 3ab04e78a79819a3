// SPDX-License-Identifier: GPL-2.0
/*
 * Hardening and the heap validator.
 *
 * tm_fatal() is how every corruption check ends: one line on stderr naming
 * the fault, in glibc's words behind a "toymalloc: " prefix, then abort().
 * It writes with a single write(2) and allocates nothing, since the heap it
 * reports on cannot be trusted.
 *
 * tm_check_heap() walks every arena: each segment chunk by chunk (sizes,
 * alignment, PREV_INUSE against the previous chunk, footers of free chunks,
 * no two free chunks side by side, top where it belongs), then every bin
 * (links both ways, right bin for the size, large bins sorted, binmap bit
 * set), every fastbin and the calling thread's cache (its own arena's
 * chunks only) and outbound list (other arenas' only), and checks that the
 * free chunks found by the walk are exactly those in the bins.  The public
 * toy_malloc_check() runs it; TOYMALLOC_CHECK=1 runs it at every call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "toymalloc.h"

void tm_fatal(const char *msg)
{
	char buf[256];
	size_t n = strlen(msg);

	if (n > sizeof(buf) - 13)
		n = sizeof(buf) - 13;
	memcpy(buf, "toymalloc: ", 11);
	memcpy(buf + 11, msg, n);
	buf[11 + n] = '\n';
	if (write(STDERR_FILENO, buf, 12 + n) < 0)
		abort();
	abort();
}

struct check_state {
	const char *fault;
	const void *where;
};

#define FAIL(st, msg, p) do { (st)->fault = (msg); (st)->where = (p); return -1; } while (0)

/* Walk one segment; count its free chunks. */
static int check_segment(struct tm_arena *ar, struct tm_heap *h, size_t *nfree,
			 struct check_state *st)
{
	struct tm_chunk *p = h->first;
	char *end = heap_end(h);
	bool prev_free = false;

	while ((char *)p < end) {
		size_t size = chunksize(p);
		bool is_free;

		if (!aligned_ok(p) || size < CHUNK_HDR_SZ || (size & ALIGN_MASK) ||
		    (char *)p + size > end)
			FAIL(st, "bad chunk size", p);
		if (!prev_inuse(p) != prev_free)
			FAIL(st, "PREV_INUSE does not match the previous chunk", p);
		if (prev_free && p->prev_size != chunksize(chunk_at(p, -p->prev_size)))
			FAIL(st, "prev_size does not match the free previous chunk", p);
		if (p == ar->top) {
			if (h != ar->heap || (char *)p + size != end)
				FAIL(st, "top does not end its segment", p);
			if (prev_free)
				FAIL(st, "free chunk next to top", p);
			return 0;
		}
		if (size >= MINSIZE && (p->size & (IS_MMAPPED | NON_MAIN_ARENA)) != ar->flag)
			FAIL(st, "chunk flags do not match the arena", p);
		is_free = (char *)p + size < end && !inuse(p);
		if (is_free) {
			if (size < MINSIZE)
				FAIL(st, "free chunk smaller than MINSIZE", p);
			if (prev_free)
				FAIL(st, "two free chunks side by side", p);
			if (next_chunk(p)->prev_size != size)
				FAIL(st, "free chunk footer does not match its size", p);
			(*nfree)++;
		}
		prev_free = is_free;
		p = chunk_at(p, size);
	}
	if (h == ar->heap && ar->top)
		FAIL(st, "top not found in its segment", ar->top);
	return 0;
}

static int check_bins(struct tm_arena *ar, size_t nfree, struct check_state *st)
{
	size_t seen = 0;
	unsigned i;

	for (i = 1; i < NBINS; i++) {
		struct tm_chunk *b = bin_at(ar, i), *p;
		size_t prevsize = SIZE_MAX;

		for (p = b->fd; p != b; p = p->fd) {
			size_t size = chunksize(p);

			if (++seen > nfree)
				FAIL(st, "more chunks in bins than free chunks in the heap", p);
			if (!aligned_ok(p) || p->fd->bk != p || p->bk->fd != p)
				FAIL(st, "bin links broken", p);
			if (inuse(p))
				FAIL(st, "chunk in a bin is in use", p);
			if (i > 1 && bin_index(size) != i)
				FAIL(st, "chunk in the wrong bin", p);
			if (i >= NSMALLBINS && size > prevsize)
				FAIL(st, "large bin not sorted", p);
			prevsize = size;
		}
		if (i > 1 && b->fd != b && !get_binmap(ar, i))
			FAIL(st, "binmap bit clear for a non-empty bin", b);
	}
	if (seen != nfree)
		FAIL(st, "free chunk missing from the bins", NULL);
	for (i = 0; i < NFASTBINS; i++) {
		struct tm_chunk *p;
		size_t n = 0;

		for (p = ar->fastbins[i]; p; p = REVEAL_PTR(p->fd)) {
			if (!aligned_ok(p) || fastbin_index(chunksize(p)) != i)
				FAIL(st, "bad fastbin chunk", p);
			if (!inuse(p))
				FAIL(st, "fastbin chunk not marked in use", p);
			if (++n > ar->system_mem / MINSIZE)
				FAIL(st, "fastbin loops", p);
		}
	}
	return 0;
}

static int check_arena(struct tm_arena *ar, struct check_state *st)
{
	struct tm_heap *h;
	size_t nfree = 0, system = 0;

	if (ar->top && (chunksize(ar->top) < MINSIZE || !prev_inuse(ar->top)))
		FAIL(st, "bad top chunk", ar->top);
	for (h = ar->heap; h; h = h->prev) {
		if (h->ar != ar)
			FAIL(st, "segment header names another arena", h);
		if (check_segment(ar, h, &nfree, st))
			return -1;
		system += h->size;
	}
	if (system != ar->system_mem)
		FAIL(st, "system_mem does not match the segments", ar);
	return check_bins(ar, nfree, st);
}

static int check_tcache(struct check_state *st)
{
	size_t i;

	for (i = 0; i < TCACHE_BINS; i++) {
		struct tm_tcache_entry *e;
		size_t n = 0;

		for (e = tm_tc.entries[i]; e; e = REVEAL_PTR(e->next)) {
			struct tm_chunk *p = mem2chunk(e);

			if (!aligned_ok(e) || csize2tidx(chunksize(p)) != i || chunk_is_mmapped(p))
				FAIL(st, "bad tcache chunk", e);
			if (e->key != tm_tcache_key || !inuse(p))
				FAIL(st, "tcache chunk not marked cached", e);
			if (arena_for_chunk(p) != tm_tc.arena)
				FAIL(st, "tcache chunk of another arena", e);
			if (++n > tm_tc.counts[i])
				FAIL(st, "tcache longer than its count", e);
		}
		if (n != tm_tc.counts[i])
			FAIL(st, "tcache count wrong", NULL);
	}
	return 0;
}

static int check_outbound(struct check_state *st)
{
	struct tm_tcache_entry *e;
	size_t n = 0;

	for (e = tm_tc.outbound; e; e = REVEAL_PTR(e->next)) {
		struct tm_chunk *p = mem2chunk(e);

		if (!aligned_ok(e) || csize2tidx(chunksize(p)) >= TCACHE_BINS || chunk_is_mmapped(p))
			FAIL(st, "bad outbound chunk", e);
		if (e->key != tm_tcache_key || !inuse(p))
			FAIL(st, "outbound chunk not marked cached", e);
		if (arena_for_chunk(p) == tm_tc.arena)
			FAIL(st, "outbound chunk of this thread's own arena", e);
		if (++n > tm_tc.noutbound)
			FAIL(st, "outbound list longer than its count", e);
	}
	if (n != tm_tc.noutbound)
		FAIL(st, "outbound count wrong", NULL);
	return 0;
}

int tm_check_heap(bool fatal)
{
	struct check_state st = { 0 };
	struct tm_arena *ar;
	int ret = 0;

	if (__atomic_load_n(&tm_initialized, __ATOMIC_ACQUIRE) != 2)
		return 0;
	for (ar = tm_arena_list; ar && !ret; ar = ar->next) {
		tm_lock(ar);
		ret = check_arena(ar, &st);
		tm_unlock(ar);
	}
	if (!ret)
		ret = check_tcache(&st);
	if (!ret)
		ret = check_outbound(&st);
	if (ret) {
		char msg[160];

		snprintf(msg, sizeof(msg), "heap check: %s at %p", st.fault, st.where);
		if (fatal)
			tm_fatal(msg);
		tm_printf(STDERR_FILENO, "toymalloc: %s\n", msg);
	}
	return ret;
}

void tm_check_all(void)
{
	tm_check_heap(true);
}

EXPORT int toy_malloc_check(void)
{
	return tm_check_heap(false);
}
