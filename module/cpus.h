/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc: per-CPU state seen from other CPUs.  See cpus.c.
 */
#ifndef _TOYALLOC_CPUS_H
#define _TOYALLOC_CPUS_H

#include <linux/list.h>

/**
 * struct toy_cpu_dead - a callback for CPUs that go offline
 * @node: link in the hotplug state's instances
 * @fn: called with the CPU that is dead, on a CPU that is online
 */
struct toy_cpu_dead {
	struct hlist_node node;
	void (*fn)(struct toy_cpu_dead *dead, unsigned int cpu);
};

int toy_cpus_init(void);
void toy_cpus_exit(void);
void toy_on_each_cpu(void (*fn)(int cpu, void *arg), void *arg);
int toy_cpu_dead_add(struct toy_cpu_dead *dead);
void toy_cpu_dead_remove(struct toy_cpu_dead *dead);

#endif /* _TOYALLOC_CPUS_H */
