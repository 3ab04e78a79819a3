// SPDX-License-Identifier: GPL-2.0
/*
 * Chunks with a mapping of their own, for requests of mmap_threshold bytes or
 * more that the arena cannot serve without growing: they never fragment an
 * arena and go back to the system on free().
 * The chunk starts at the mapping (or, when an alignment asks for it, at an
 * offset kept in prev_size) and has IS_MMAPPED set.
 *
 * The threshold starts at 128 KiB and adapts as glibc's does: freeing a mapped
 * chunk larger than the threshold (up to 32 MiB) raises the threshold to its
 * size and the trim threshold to twice that, so a program that keeps
 * allocating blocks of that size is served from the heap instead of paying an
 * mmap/munmap pair each time.  TOYMALLOC_MMAP_THRESHOLD fixes it instead.
 * realloc() of a mapped chunk is mremap(), which moves pages, not bytes,
 * with a margin for further growth (tm_mremap_chunk()).
 */
#include <sys/mman.h>

#include "internal.h"

#define align_up(x, a)	(((x) + (a) - 1) & ~((size_t)(a) - 1))

/* Mapped chunks are kept larger than any cached size, so free() never caches one. */
#define MMAP_MIN_CHUNK	(TCACHE_MAX_SIZE + MINSIZE)

void *tm_mmap_chunk(size_t nb, size_t align)
{
	size_t want = nb < MMAP_MIN_CHUNK ? MMAP_MIN_CHUNK : nb;
	size_t size, offset = 0;
	char *mem;
	struct tm_chunk *p;

	if (want > SIZE_MAX - align - tm_mp.pagesize - SIZE_SZ)
		return NULL;
	size = align_up(want + SIZE_SZ + align, tm_mp.pagesize);
	do
		mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	while (mem == MAP_FAILED && tm_release_spare_heaps());
	if (mem == MAP_FAILED)
		return NULL;
	if (align > MALLOC_ALIGN)
		offset = align_up((uintptr_t)mem + CHUNK_HDR_SZ, align) - CHUNK_HDR_SZ - (uintptr_t)mem;
	p = (struct tm_chunk *)(mem + offset);
	p->prev_size = offset;
	set_head(p, (size - offset) | IS_MMAPPED);
	__atomic_add_fetch(&tm_mmapped_bytes, size, __ATOMIC_RELAXED);
	__atomic_add_fetch(&tm_mmapped_chunks, 1, __ATOMIC_RELAXED);
	return chunk2mem(p);
}

static char *mapping_of(struct tm_chunk *p, size_t *total)
{
	char *base = (char *)p - p->prev_size;

	*total = p->prev_size + chunksize(p);
	if (unlikely((((uintptr_t)base | *total) & (tm_mp.pagesize - 1)) != 0))
		tm_fatal("munmap_chunk(): invalid pointer");
	return base;
}

void tm_munmap_chunk(struct tm_chunk *p)
{
	size_t total, size = chunksize(p);
	char *base = mapping_of(p, &total);

	if (tm_mp.dynamic_threshold && size > tm_mp.mmap_threshold && size <= MMAP_THRESHOLD_MAX) {
		__atomic_store_n(&tm_mp.mmap_threshold, size, __ATOMIC_RELAXED);
		__atomic_store_n(&tm_mp.trim_threshold, 2 * size, __ATOMIC_RELAXED);
	}
	__atomic_sub_fetch(&tm_mmapped_bytes, total, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&tm_mmapped_chunks, 1, __ATOMIC_RELAXED);
	munmap(base, total);
}

/*
 * A mapped chunk that realloc() grows by less than a quarter is grown by a
 * quarter, so that a buffer grown a little at a time (a string builder, a
 * read loop) costs a logarithmic number of mremap() calls, not one per
 * page: the pages beyond what the program writes are never touched and
 * cost nothing.  A chunk within that margin of its request is left as it
 * is; one shrunk below it gives the pages back.  When the address space
 * has no room for the margin, the exact size is tried, and then again
 * after the spare heaps are given back.
 */
void *tm_mremap_chunk(struct tm_chunk *p, size_t nb)
{
	size_t total, offset = p->prev_size;
	char *base = mapping_of(p, &total), *mem;
	size_t want = nb < MMAP_MIN_CHUNK ? MMAP_MIN_CHUNK : nb;
	size_t newtotal = align_up(want + offset + SIZE_SZ, tm_mp.pagesize), margin = 0;

	if (newtotal <= total && total - newtotal <= newtotal / 4)
		return chunk2mem(p);
	if (newtotal > total && newtotal - total < total / 4)
		margin = align_up(total + total / 4, tm_mp.pagesize);
	mem = margin ? mremap(base, total, margin, MREMAP_MAYMOVE) : MAP_FAILED;
	if (mem != MAP_FAILED)
		newtotal = margin;
	else
		while ((mem = mremap(base, total, newtotal, MREMAP_MAYMOVE)) == MAP_FAILED)
			if (!tm_release_spare_heaps())
				return NULL;
	p = (struct tm_chunk *)(mem + offset);
	set_head(p, (newtotal - offset) | IS_MMAPPED);
	__atomic_add_fetch(&tm_mmapped_bytes, newtotal - total, __ATOMIC_RELAXED);
	return chunk2mem(p);
}
