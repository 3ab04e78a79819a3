/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc's API for other modules: the default zone and its caches.
 * The instance API (a zone or cache of your own) is in buddy.h.
 */
#ifndef _TOYALLOC_H
#define _TOYALLOC_H

void *toy_alloc_pages(unsigned int order);
int toy_free_pages(void *addr, unsigned int order);

#endif /* _TOYALLOC_H */
