// SPDX-License-Identifier: GPL-2.0
/*
 * new_malloc() takes the first chunk of the free list that is large enough
 * and splits it when the rest can still hold a chunk; new_free() checks that
 * the pointer is an allocated chunk of the heap, then either merges the chunk
 * into its free predecessor (found through prev_size, as boundary tags allow)
 * or pushes it on the free list.  Only backward merging is done, as the
 * lecture asks, so freeing x1..x5 leaves a 248-byte chunk beside the 776-byte
 * remainder.
 */
#include <stdio.h>

#include "chunk.h"

#define HDR_SIZE offsetof(struct chunk, fd)
#define MIN_CHUNK (HDR_SIZE + sizeof(struct chunk *))

static _Alignas(16) unsigned char heap_bytes[HEAP_SIZE];
struct chunk *const p = (struct chunk *)heap_bytes;
static struct chunk *free_list;
static int heap_ready;

static uint64_t chunk_size(const struct chunk *c)
{
	return c->size & ~(uint64_t)PREV_INUSE;
}

static struct chunk *next_chunk(struct chunk *c)
{
	return (struct chunk *)((char *)c + chunk_size(c));
}

static int is_last(const struct chunk *c)
{
	return (const unsigned char *)c + chunk_size(c) >= heap_bytes + HEAP_SIZE;
}

static void heap_init(void)
{
	if (heap_ready)
		return;
	p->prev_size = 0;
	p->size = HEAP_SIZE | PREV_INUSE;
	p->fd = NULL;
	p->bk = NULL;
	free_list = p;
	heap_ready = 1;
}

static void set_prev_inuse(struct chunk *c, int inuse)
{
	if (is_last(c))
		return;
	if (inuse)
		next_chunk(c)->size |= PREV_INUSE;
	else
		next_chunk(c)->size &= ~(uint64_t)PREV_INUSE;
}

void *new_malloc(size_t n)
{
	struct chunk **link, *c;
	uint64_t need;

	heap_init();
	if (n > HEAP_SIZE - HDR_SIZE)
		return NULL;
	need = ((n + 7) & ~(uint64_t)7) + HDR_SIZE;
	if (need < MIN_CHUNK)
		need = MIN_CHUNK;

	for (link = &free_list; *link; link = &(*link)->fd) {
		c = *link;
		if (chunk_size(c) < need)
			continue;
		if (chunk_size(c) - need >= MIN_CHUNK) {
			struct chunk *rest = (struct chunk *)((char *)c + need);

			rest->prev_size = need;
			rest->size = (chunk_size(c) - need) | PREV_INUSE;
			rest->fd = c->fd;
			rest->bk = NULL;
			if (!is_last(rest))
				next_chunk(rest)->prev_size = chunk_size(rest);
			c->size = need | (c->size & PREV_INUSE);
			*link = rest;
		} else {
			*link = c->fd;
			set_prev_inuse(c, 1);
		}
		c->fd = NULL;
		return (char *)c + HDR_SIZE;
	}
	return NULL;
}

static int on_free_list(const struct chunk *c)
{
	const struct chunk *f;

	for (f = free_list; f; f = f->fd)
		if (f == c)
			return 1;
	return 0;
}

/* The chunk whose user data starts at ptr, or NULL if no chunk of the heap does. */
static struct chunk *chunk_of(void *ptr)
{
	struct chunk *c;

	for (c = p; (unsigned char *)c < heap_bytes + HEAP_SIZE; c = next_chunk(c))
		if ((char *)c + HDR_SIZE == (char *)ptr)
			return c;
	return NULL;
}

void new_free(void *ptr)
{
	struct chunk *c, *prev;

	if (!ptr)
		return;
	heap_init();
	c = chunk_of(ptr);
	if (!c) {
		fprintf(stderr, "new_free(): %p is not a chunk of the heap, ignored\n", ptr);
		return;
	}
	if (on_free_list(c)) {
		fprintf(stderr, "new_free(): %p is already free, ignored\n", ptr);
		return;
	}

	if (!(c->size & PREV_INUSE)) {
		prev = (struct chunk *)((char *)c - c->prev_size);
		prev->size += chunk_size(c);
		c = prev;
	} else {
		c->fd = free_list;
		free_list = c;
	}
	set_prev_inuse(c, 0);
	if (!is_last(c))
		next_chunk(c)->prev_size = chunk_size(c);
}

void view_chunk(struct chunk *heap)
{
	struct chunk *c;

	heap_init();
	printf("=====trunk view begin=====\n");
	for (c = heap; (unsigned char *)c < heap_bytes + HEAP_SIZE; c = next_chunk(c))
		printf("chunk addr = %p, prev size = %lu, size: %lu, prev inuse: %d, fd = %p, bk = %p\n",
		       (void *)c, (unsigned long)c->prev_size,
		       (unsigned long)chunk_size(c), (int)(c->size & PREV_INUSE),
		       (void *)c->fd, (void *)c->bk);
	printf("=====trunk view end=====\n");
}
