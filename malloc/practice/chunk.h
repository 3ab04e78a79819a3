/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lecture's toy allocator: one heap of HEAP_SIZE bytes cut into chunks
 * with boundary tags.
 *
 *   prev_size  size of the previous chunk (written whenever a chunk is split
 *              off, read only when that chunk is free)
 *   size       bytes of this chunk including its 16-byte header; the low bit
 *              is PREV_INUSE, set while the previous chunk is allocated
 *   fd, bk     free-list links; in an allocated chunk this is user data
 *
 * The free list is singly linked through fd (newest first), so bk is never
 * written after the heap is set up: view_chunk() prints whatever bytes are
 * there, which is how the lecture's output shows "bk = 0x18" for an
 * allocated 24-byte chunk (its bk overlaps the next chunk's prev_size).
 */
#ifndef PRACTICE_CHUNK_H
#define PRACTICE_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_SIZE 1024
#define PREV_INUSE 0x1

struct chunk {
	uint64_t prev_size;	/* size of previous chunk */
	uint64_t size;		/* size in bytes including overhead */
	struct chunk *fd;
	struct chunk *bk;
};

/* The heap, as view_chunk() takes it. */
extern struct chunk *const p;

void *new_malloc(size_t n);
void new_free(void *ptr);
void view_chunk(struct chunk *heap);

#endif
