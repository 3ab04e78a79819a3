/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc's API for other modules.
 *
 * Two ways in:
 *  - the default zone, built at insmod from the module parameters, with its
 *    caches and toy-kmalloc-* size classes: toy_alloc_pages(),
 *    toy_kmalloc(), toy_kmem_cache_create() and the functions below;
 *  - the instance API, a zone, a set of caches or a set of size classes of
 *    your own (toyalloc/buddy.h, toyalloc/slab.h, toyalloc/kmalloc.h), as
 *    the KUnit suites and the benchmark build them.
 *
 * Every function is exported GPL-only and documented where it is defined
 * (core/main.c, core/buddy.c, core/slab.c, core/kmalloc.c).
 */
#ifndef _TOYALLOC_H
#define _TOYALLOC_H

#include <linux/ctype.h>
#include <linux/types.h>

#include <toyalloc/buddy.h>
#include <toyalloc/kmalloc.h>
#include <toyalloc/slab.h>

void *toy_alloc_pages(gfp_t gfp, unsigned int order);
int toy_free_pages(void *addr, unsigned int order);

void *toy_kmalloc(size_t size, gfp_t flags);
int toy_kfree(const void *ptr);
size_t toy_ksize(const void *ptr);

struct toy_cache *toy_kmem_cache_create(const char *name, unsigned int size,
					unsigned int align, unsigned long flags,
					void (*ctor)(void *));
/*
 * A cache of the default zone is used with toy_cache_alloc(),
 * toy_cache_free(), toy_cache_shrink(), toy_cache_destroy().
 */

/**
 * toy_is_text_line() - whether a write to a text interface is one line
 * @buf: what was written
 * @len: its length
 *
 * The rule of every file toyalloc and its clients take commands on
 * (/proc/toyslabinfo, /dev/toyalloc): printable characters, spaces and
 * tabs, and at most one final newline.  A NUL, or any other byte, would
 * let a command carry what its parser never sees.
 *
 * Return: true when @buf is such a line.
 */
static inline bool toy_is_text_line(const char *buf, size_t len)
{
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++)
		if (!isprint(buf[i]) && buf[i] != '\t')
			return false;
	return true;
}

struct toy_zone *toy_default_zone(void);
struct toy_caches *toy_default_caches(void);
struct toy_kmalloc *toy_default_kmalloc(void);

#endif /* _TOYALLOC_H */
