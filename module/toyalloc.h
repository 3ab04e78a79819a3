/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc's API for other modules: the default zone and its caches.
 * The instance API (a zone or cache of your own) is in buddy.h.
 */
#ifndef _TOYALLOC_H
#define _TOYALLOC_H

#include <linux/types.h>

#include "slab.h"

void *toy_alloc_pages(unsigned int order);
int toy_free_pages(void *addr, unsigned int order);

void *toy_kmalloc(size_t size, gfp_t flags);
int toy_kfree(const void *ptr);
size_t toy_ksize(const void *ptr);

struct toy_cache *toy_kmem_cache_create(const char *name, unsigned int size,
					unsigned int align, unsigned long flags,
					void (*ctor)(void *));
/*
 * A cache of the default zone is used with toy_cache_alloc(),
 * toy_cache_free(), toy_cache_shrink(), toy_cache_destroy() (slab.h).
 */

#endif /* _TOYALLOC_H */
