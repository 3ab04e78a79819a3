/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_KMALLOC_H
#define _TOYALLOC_KMALLOC_H

#include <linux/types.h>

struct toy_caches;
struct toy_cache;
struct toy_zone;

/* The kernel's kmalloc series from 8 to 8192 bytes, 96 and 192 included. */
#define TOY_KMALLOC_CLASSES	13
#define TOY_KMALLOC_MAX_CACHE	8192

/**
 * struct toy_kmalloc - size classes over a set of caches
 * @caches: the set holding the toy-kmalloc-* caches
 * @zone: the set's zone, for requests above TOY_KMALLOC_MAX_CACHE and for
 *	frees (kept here: a free starts from it, and would otherwise wait for
 *	one more load)
 * @class: the cache of each size class, smallest first
 */
struct toy_kmalloc {
	struct toy_caches *caches;
	struct toy_zone *zone;
	struct toy_cache *class[TOY_KMALLOC_CLASSES];
};

int toy_kmalloc_init(struct toy_kmalloc *km, struct toy_caches *caches);
void toy_kmalloc_exit(struct toy_kmalloc *km);
void *toy_kmalloc_alloc(struct toy_kmalloc *km, size_t size, gfp_t flags);
int toy_kmalloc_free(struct toy_kmalloc *km, const void *ptr);
size_t toy_kmalloc_size(struct toy_kmalloc *km, const void *ptr);

#endif /* _TOYALLOC_KMALLOC_H */
