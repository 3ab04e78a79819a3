// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc: visiting per-CPU state from another CPU
 *
 * The zone's page lists and the caches' object arrays are per-CPU and
 * guarded by local locks: only their own CPU ever touches them, with its
 * interrupts off, so their fast paths take no lock another CPU could hold.
 * Draining, retuning and validating still need every CPU's state.  As
 * SLAB drained its arrays, they run a function on each online CPU in turn,
 * here from a work item bound to that CPU, so that it may take the CPU's
 * local lock like any other user there.  The state of an offline CPU is
 * visited from the calling CPU: nothing runs on an offline CPU, and
 * cpus_read_lock() keeps it offline meanwhile.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/workqueue.h>

#include "cpus.h"

struct toy_cpu_call {
	void (*fn)(int cpu, void *arg);
	void *arg;
	int cpu;
};

static long toy_cpu_call_here(void *data)
{
	struct toy_cpu_call *call = data;

	call->fn(call->cpu, call->arg);
	return 0;
}

/**
 * toy_on_each_cpu() - call @fn(cpu, @arg) for every possible CPU
 * @fn: the function; it takes the local lock of the CPU it runs on
 * @arg: passed through
 *
 * For an online CPU @fn runs on that CPU, in a work item; for an offline
 * one, on the calling CPU.  The calls are made one after the other.
 * Sleeps.
 */
void toy_on_each_cpu(void (*fn)(int cpu, void *arg), void *arg)
{
	struct toy_cpu_call call = { .fn = fn, .arg = arg };
	int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		call.cpu = cpu;
		if (cpu_online(cpu))
			work_on_cpu(cpu, toy_cpu_call_here, &call);
		else
			fn(cpu, arg);
	}
	cpus_read_unlock();
}
EXPORT_SYMBOL_GPL(toy_on_each_cpu);
