/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chunks and boundary tags, as in Doug Lea's malloc.
 *
 *     chunk-> +-------------------------------+
 *             | prev_size: size of the previous chunk, if it is free
 *             +-------------------------------+
 *             | size of this chunk       |M|A|P|
 *       mem-> +-------------------------------+
 *             | fd  (free chunks: bin links;  |
 *             | bk   in use: user data)       |
 *             | fd_nextsize, bk_nextsize (free large chunks only)
 *             .                               .
 * next chunk->+-------------------------------+
 *             | prev_size = this size, if this chunk is free; else user data
 *             +-------------------------------+
 *
 * Sizes are multiples of 16 and at least MINSIZE, so the user pointer is
 * 16-byte aligned.  The three low bits of size:
 *   P  PREV_INUSE      the previous chunk is in use, so prev_size is not valid
 *   M  IS_MMAPPED      the chunk has its own mapping (prev_size is then the
 *                      offset of the chunk in that mapping)
 *   A  NON_MAIN_ARENA  the chunk lives in an aligned heap whose header names
 *                      its arena; without the bit it belongs to the main arena
 *
 * An in-use chunk uses its successor's prev_size word as data, so a chunk of
 * size S gives S - 8 usable bytes.  A free chunk's size is repeated in its
 * successor's prev_size: that footer is what lets free() merge backward in
 * O(1), and the successor's P bit is the free chunk's "in use" bit.
 */
#ifndef TOYMALLOC_CHUNK_H
#define TOYMALLOC_CHUNK_H

#include <stddef.h>
#include <stdint.h>

struct tm_chunk {
	size_t prev_size;
	size_t size;
	struct tm_chunk *fd;
	struct tm_chunk *bk;
	struct tm_chunk *fd_nextsize;
	struct tm_chunk *bk_nextsize;
};

#define SIZE_SZ		sizeof(size_t)
#define CHUNK_HDR_SZ	(2 * SIZE_SZ)
#define MALLOC_ALIGN	16UL
#define ALIGN_MASK	(MALLOC_ALIGN - 1)
#define MINSIZE		32UL

#define PREV_INUSE	0x1UL
#define IS_MMAPPED	0x2UL
#define NON_MAIN_ARENA	0x4UL
#define SIZE_BITS	(PREV_INUSE | IS_MMAPPED | NON_MAIN_ARENA)

/* Largest request that cannot overflow when turned into a chunk size. */
#define MAX_REQUEST	(PTRDIFF_MAX - 2 * MINSIZE)

#define chunk2mem(p)	((void *)((char *)(p) + CHUNK_HDR_SZ))
#define mem2chunk(m)	((struct tm_chunk *)((char *)(m) - CHUNK_HDR_SZ))
#define chunksize(p)	((p)->size & ~SIZE_BITS)
#define chunk_at(p, off) ((struct tm_chunk *)((char *)(p) + (off)))
#define next_chunk(p)	chunk_at(p, chunksize(p))
#define prev_inuse(p)	((p)->size & PREV_INUSE)
#define chunk_is_mmapped(p) ((p)->size & IS_MMAPPED)
#define chunk_non_main(p) ((p)->size & NON_MAIN_ARENA)
#define inuse(p)	(next_chunk(p)->size & PREV_INUSE)
#define inuse_at(p, s)	(chunk_at(p, s)->size & PREV_INUSE)
#define set_inuse_at(p, s)   (chunk_at(p, s)->size |= PREV_INUSE)
#define clear_inuse_at(p, s) (chunk_at(p, s)->size &= ~PREV_INUSE)
#define set_head(p, s)	((p)->size = (s))
#define set_head_size(p, s) ((p)->size = ((p)->size & SIZE_BITS) | (s))
#define set_foot(p, s)	(chunk_at(p, s)->prev_size = (s))
#define aligned_ok(x)	(((uintptr_t)(x) & ALIGN_MASK) == 0)

/* The chunk size that serves a request of n bytes (n <= MAX_REQUEST). */
static inline size_t request2size(size_t n)
{
	size_t s = (n + SIZE_SZ + ALIGN_MASK) & ~ALIGN_MASK;

	return s < MINSIZE ? MINSIZE : s;
}

#endif
