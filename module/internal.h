/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc's internal declarations: what the core's files (core/) and its
 * views (views/) share with each other and with the KUnit suites, and with
 * no other module.  The API for other modules is include/toyalloc.h.
 */
#ifndef _TOYALLOC_INTERNAL_H
#define _TOYALLOC_INTERNAL_H

#include <linux/ratelimit.h>
#include <linux/types.h>

#include <toyalloc.h>

struct dentry;
struct seq_file;

/* Per-CPU state: setup and visits from other CPUs (core/cpus.c) */
int toy_cpus_init(void);
void toy_cpus_exit(void);
void toy_on_each_cpu(void (*fn)(int cpu, void *arg), void *arg);
int toy_cpu_dead_add(struct toy_cpu_dead *dead);
void toy_cpu_dead_remove(struct toy_cpu_dead *dead);

/* Reports of misuse and corruption (core/report.c) */
/* Name of the KUnit resource (an int) that counts reports, as "slab_errors". */
#define TOY_REPORTS_RESOURCE	"toyalloc_reports"

bool toy_report_counted(void);
bool toy_report_ratelimit(void);
__printf(1, 2) void toy_report_bug(const char *fmt, ...);

/* Fault injection (core/fault.c) */
bool toy_should_fail(size_t size);
void toy_fault_init(struct dentry *parent);

/* Slab debugging: red zones, poison, owner tracking (core/slab_debug.c) */
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

/* Slab entry points for kmalloc, with the caller to record (core/slab.c) */
void *toy_cache_alloc_caller(struct toy_cache *cache, gfp_t gfp,
			     unsigned long caller);
int toy_cache_free_caller(struct toy_cache *cache, void *obj,
			  unsigned long caller);
int toy_slab_free(struct toy_cache *cache, struct toy_page *head, void *obj,
		  unsigned long caller);
struct toy_cache *toy_cache_of(struct toy_zone *zone, const void *obj);

/* Validation in two steps, for the tests of what comes between (core/slab.c) */

/**
 * struct toy_cache_snapshot - the objects a cache's arrays held
 * @cpus_dead: the cache's count of dead CPUs when the copy began
 * @nr: objects in @obj
 * @wrong_slab: entries whose slab was not the slab of their object
 * @obj: the objects, sorted by address
 */
struct toy_cache_snapshot {
	unsigned long cpus_dead;
	unsigned int nr;
	unsigned int wrong_slab;
	void **obj;
};

int toy_cache_snapshot(struct toy_cache *cache, struct toy_cache_snapshot *cached);
void toy_cache_snapshot_free(struct toy_cache_snapshot *cached);
int toy_cache_check(struct toy_cache *cache,
		    const struct toy_cache_snapshot *cached);

/* What the core gives its views (core/buddy.c, core/slab.c) */
void toy_zone_snapshot(struct toy_zone *zone, unsigned long *nr_free,
		       struct toy_order_stats *stats);
void toy_zone_failures(struct toy_zone *zone, unsigned long *failures);

/**
 * struct toy_slabinfo - the numbers of a /proc/slabinfo line, taken together
 * @active_objs: objects held by users
 * @num_objs: objects in all slabs
 * @active_slabs: slabs with at least one object taken
 * @num_slabs: slabs
 * @limit: per-CPU array capacity
 * @batchcount: objects moved at a time between an array and the slabs
 * @shared: sharedfactor
 * @shared_avail: objects in the shared array
 */
struct toy_slabinfo {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int shared;
	unsigned int shared_avail;
};

void toy_cache_get_slabinfo(struct toy_cache *cache, struct toy_slabinfo *info);
int toy_caches_tune(struct toy_caches *caches, const char *name,
		    unsigned int limit, unsigned int batchcount,
		    unsigned int shared);

/* The /proc and debugfs views (views/) */
void toy_zone_line_start(struct seq_file *m, struct toy_zone *zone);
void toy_zone_buddyinfo_show(struct seq_file *m, struct toy_zone *zone);
void toy_slabinfo_header(struct seq_file *m);
void toy_cache_slabinfo_show(struct seq_file *m, struct toy_cache *cache);
int toy_caches_tune_line(struct toy_caches *caches, char *line);
int toy_unusable_index(const unsigned long *nr_free, unsigned int order);
int toy_extfrag_index(const unsigned long *nr_free, unsigned int order);
void toy_zone_unusable_show(struct seq_file *m, struct toy_zone *zone);
void toy_zone_extfrag_show(struct seq_file *m, struct toy_zone *zone);

int toy_procfs_init(struct toy_zone *zone, struct toy_caches *caches);
void toy_procfs_exit(void);

void toy_debugfs_init(struct toy_zone *zone, struct toy_caches *caches);
void toy_debugfs_exit(void);

#endif /* _TOYALLOC_INTERNAL_H */
