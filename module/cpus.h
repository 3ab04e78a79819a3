/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc: run a function for every CPU on that CPU.  See cpus.c.
 */
#ifndef _TOYALLOC_CPUS_H
#define _TOYALLOC_CPUS_H

void toy_on_each_cpu(void (*fn)(int cpu, void *arg), void *arg);

#endif /* _TOYALLOC_CPUS_H */
