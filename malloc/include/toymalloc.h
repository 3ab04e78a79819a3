/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toymalloc: a malloc in Doug Lea's design (boundary tags, fastbins, unsorted,
 * small and large bins, a top chunk) with per-thread caches, several arenas
 * and glibc's hardening checks.
 *
 * libtoymalloc.so exports these functions and, under the standard names,
 * malloc, free, calloc, realloc, reallocarray, memalign, posix_memalign,
 * aligned_alloc, valloc, pvalloc, malloc_usable_size, malloc_trim and
 * malloc_stats, so LD_PRELOAD=libtoymalloc.so replaces glibc's malloc.
 * libtoymalloc.a has only the toy_ names, to link beside glibc's malloc.
 *
 * Semantics are glibc's: toy_malloc(0) returns a unique pointer,
 * toy_realloc(p, 0) frees p and returns NULL, failures return NULL with errno
 * ENOMEM, toy_posix_memalign() returns EINVAL for an alignment that is not a
 * power of two multiple of sizeof(void *), toy_aligned_alloc() fails with
 * EINVAL for an alignment that is not a power of two.
 *
 * Environment: TOYMALLOC_CHECK=1 validates the whole heap at every call (and
 * bypasses the thread cache so that every call is checked);
 * TOYMALLOC_MMAP_THRESHOLD=bytes fixes the mmap threshold (default 128 KiB,
 * adaptive up to 32 MiB); TOYMALLOC_ARENA_MAX=n caps the arenas (default 8
 * per CPU); TOYMALLOC_TCACHE=n sets how many chunks of each size a thread
 * caches (default 16, 0 turns the thread cache off).
 */
#ifndef TOYMALLOC_H
#define TOYMALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void *toy_malloc(size_t size);
void toy_free(void *ptr);
void *toy_calloc(size_t nmemb, size_t size);
void *toy_realloc(void *ptr, size_t size);
void *toy_reallocarray(void *ptr, size_t nmemb, size_t size);
void *toy_memalign(size_t alignment, size_t size);
int toy_posix_memalign(void **memptr, size_t alignment, size_t size);
void *toy_aligned_alloc(size_t alignment, size_t size);
void *toy_valloc(size_t size);
void *toy_pvalloc(size_t size);
size_t toy_malloc_usable_size(void *ptr);

/* Return free memory to the system, keeping pad bytes at the top; 1 if any was released. */
int toy_malloc_trim(size_t pad);

#define TOY_NBINS 128

struct toy_malloc_stats {
	size_t arenas;
	size_t system_bytes;	/* bytes of all arena segments (brk and heaps) */
	size_t in_use_bytes;	/* system_bytes less free, fastbin and top chunks */
	size_t free_chunks;	/* in bins (unsorted, small, large) */
	size_t free_bytes;
	size_t fast_chunks;	/* in fastbins */
	size_t fast_bytes;
	size_t top_bytes;	/* tops of all arenas */
	size_t bin_chunks[TOY_NBINS];	/* per bin; index 1 is the unsorted bin */
	size_t bin_bytes[TOY_NBINS];
	size_t tcache_chunks;	/* the calling thread's cache */
	size_t tcache_bytes;
	size_t tcache_count;	/* chunks of each size a thread caches at most */
	size_t tcache_size_bytes; /* ...and bytes of each size, but always one chunk */
	size_t outbound_chunks;	/* other threads' chunks this thread freed, not yet sent back */
	size_t mmapped_chunks;	/* chunks with their own mapping */
	size_t mmapped_bytes;
	size_t mmap_threshold;
};

/* Fill *st for all arenas. */
void toy_malloc_stats_get(struct toy_malloc_stats *st);
/* Print malloc_stats()-style statistics on stderr. */
void toy_malloc_stats(void);
/* Print every chunk of the calling thread's arena to fd, in the lecture's view_chunk format. */
void toy_malloc_view(int fd);
/* Draw the calling thread's arena as a PNG picture; 0 on success, -1 with errno. */
int toy_malloc_heap_map(const char *path);
/* Validate every arena; 0 if consistent, else -1 after one line on stderr naming the fault. */
int toy_malloc_check(void);

#ifdef __cplusplus
}
#endif

#endif
