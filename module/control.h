/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_CONTROL_H
#define _TOYALLOC_CONTROL_H

#include "slab.h"

struct toy_caches;
struct toy_kmalloc;
struct toy_zone;

/* Longest command accepted by /dev/toyalloc, newline included. */
#define TOY_CTL_LINE_MAX	128
#define TOY_CTL_MAX_ARGS	3

enum toy_ctl_verb {
	TOY_CTL_ALLOC,
	TOY_CTL_FREE,
	TOY_CTL_KMALLOC,
	TOY_CTL_CACHE_CREATE,
	TOY_CTL_CACHE_DESTROY,
	TOY_CTL_CACHE_ALLOC,
	TOY_CTL_WORKLOAD,
	TOY_CTL_RELEASE,
	TOY_CTL_SHRINK,
	TOY_CTL_VALIDATE,
	TOY_CTL_BENCH,
};

/**
 * struct toy_ctl_cmd - one parsed /dev/toyalloc command
 * @verb: what to do
 * @name: the cache name, for the verbs that take one
 * @args: the unsigned arguments, in order
 */
struct toy_ctl_cmd {
	enum toy_ctl_verb verb;
	char name[TOY_CACHE_NAME_LEN];
	unsigned int args[TOY_CTL_MAX_ARGS];
};

int toy_ctl_parse(char *line, struct toy_ctl_cmd *cmd);
int toy_control_init(struct toy_zone *zone, struct toy_caches *caches,
		     struct toy_kmalloc *km);
void toy_control_exit(void);

#endif /* _TOYALLOC_CONTROL_H */
