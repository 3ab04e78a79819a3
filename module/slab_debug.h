/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_SLAB_DEBUG_H
#define _TOYALLOC_SLAB_DEBUG_H

struct toy_cache;

/**
 * struct toy_track - the last allocation or free of an object
 * @addr: the caller
 * @cpu: the CPU it ran on
 * @pid: the task
 * @when: jiffies
 */
struct toy_track {
	unsigned long addr;
	int cpu;
	int pid;
	unsigned long when;
};

enum toy_track_item { TOY_TRACK_ALLOC, TOY_TRACK_FREE };

struct toy_track *toy_get_track(struct toy_cache *cache, void *obj,
				enum toy_track_item item);
unsigned int toy_debug_layout(struct toy_cache *cache);
void toy_debug_init_object(struct toy_cache *cache, void *obj);
void toy_debug_alloc(struct toy_cache *cache, void *obj, unsigned long caller);
void toy_debug_free(struct toy_cache *cache, void *obj, unsigned long caller);
int toy_slab_debug_flags(const char *s, unsigned long *flags);

#endif /* _TOYALLOC_SLAB_DEBUG_H */
