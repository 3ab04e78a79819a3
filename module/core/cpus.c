// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc: visiting per-CPU state from another CPU
 *
 * The zone's page lists and the caches' object arrays are per-CPU and
 * guarded by a struct toy_local_trylock (cpus.h): only their own CPU ever
 * touches them, with preemption off, so their fast paths take no lock
 * another CPU could hold and leave interrupts on.  Draining, retuning and
 * validating still need every CPU's state.  As SLAB drained its arrays,
 * they run a function on each online CPU in turn, here from a work item
 * bound to that CPU on a workqueue of their own (WQ_MEM_RECLAIM, since an
 * allocation that reclaims waits on it), where only a holder that the
 * work item preempted, on PREEMPT_RT, can hold the CPU's lock, and it is
 * waited for (toy_local_lock_cpu()).  The state of an offline CPU is
 * visited from the calling CPU: nothing runs on an offline CPU, and
 * cpus_read_lock() keeps it offline meanwhile.
 *
 * A CPU that goes offline leaves its lists and arrays behind.  As the page
 * allocator drains them in page_alloc_cpu_dead(), every zone and cache
 * registers a struct toy_cpu_dead with one multi-instance hotplug state,
 * whose teardown runs on a live CPU once the dead one has stopped.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include "../internal.h"

struct toy_cpu_call {
	struct work_struct work;
	void (*fn)(int cpu, void *arg);
	void *arg;
	int cpu;
};

static void toy_cpu_call_here(struct work_struct *work)
{
	struct toy_cpu_call *call = container_of(work, struct toy_cpu_call, work);

	call->fn(call->cpu, call->arg);
}

/* One visit at a time: two would meet at an offline CPU's state. */
static DEFINE_MUTEX(toy_visit_mutex);

/*
 * The visits' own workqueue, with a rescuer, as mm_percpu_wq is for the
 * kernel's drain_all_pages(): an allocation that reclaims waits on these
 * visits, and may be made from a workqueue that itself serves reclaim
 * (block I/O, writeback), which must not wait on one that does not.
 */
static struct workqueue_struct *toy_visit_wq;

/**
 * toy_on_each_cpu() - call @fn(cpu, @arg) for every possible CPU
 * @fn: the function; it takes the lock of @cpu's state with
 *	toy_local_lock_cpu()
 * @arg: passed through
 *
 * For an online CPU @fn runs on that CPU, in a work item; for an offline
 * one, on the calling CPU.  The calls are made one after the other, and
 * one toy_on_each_cpu() at a time.  Sleeps.
 */
void toy_on_each_cpu(void (*fn)(int cpu, void *arg), void *arg)
{
	struct toy_cpu_call call = { .fn = fn, .arg = arg };
	int cpu;

	might_sleep();
	INIT_WORK_ONSTACK(&call.work, toy_cpu_call_here);
	mutex_lock(&toy_visit_mutex);
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		call.cpu = cpu;
		if (cpu_online(cpu)) {
			queue_work_on(cpu, toy_visit_wq, &call.work);
			flush_work(&call.work);
		} else {
			fn(cpu, arg);
		}
	}
	cpus_read_unlock();
	mutex_unlock(&toy_visit_mutex);
	destroy_work_on_stack(&call.work);
}

static enum cpuhp_state toy_cpu_dead_state;

static int toy_cpu_dead_call(unsigned int cpu, struct hlist_node *node)
{
	struct toy_cpu_dead *dead = hlist_entry(node, struct toy_cpu_dead, node);

	dead->fn(dead, cpu);
	return 0;
}

/**
 * toy_cpus_init() - set up the visits' workqueue and the hotplug state of
 *	dead-CPU callbacks
 *
 * Return: 0, -ENOMEM, or the error of cpuhp_setup_state_multi().
 */
int toy_cpus_init(void)
{
	int ret;

	toy_visit_wq = alloc_workqueue("toyalloc_visit", WQ_MEM_RECLAIM, 0);
	if (!toy_visit_wq)
		return -ENOMEM;
	ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "toyalloc:dead",
				      NULL, toy_cpu_dead_call);
	if (ret < 0) {
		destroy_workqueue(toy_visit_wq);
		return ret;
	}
	toy_cpu_dead_state = ret;
	return 0;
}

/**
 * toy_cpus_exit() - remove the hotplug state and the workqueue; every
 *	instance is gone
 */
void toy_cpus_exit(void)
{
	cpuhp_remove_multi_state(toy_cpu_dead_state);
	destroy_workqueue(toy_visit_wq);
}

/**
 * toy_cpu_dead_add() - call @dead->fn for every CPU that goes offline
 * @dead: the callback, @dead->fn set
 *
 * Sleeps.
 *
 * Return: 0, or the error of cpuhp_state_add_instance_nocalls().
 */
int toy_cpu_dead_add(struct toy_cpu_dead *dead)
{
	return cpuhp_state_add_instance_nocalls(toy_cpu_dead_state, &dead->node);
}

/**
 * toy_cpu_dead_remove() - stop the calls; none runs once this returns
 * @dead: a callback added with toy_cpu_dead_add()
 *
 * Sleeps.
 */
void toy_cpu_dead_remove(struct toy_cpu_dead *dead)
{
	cpuhp_state_remove_instance_nocalls(toy_cpu_dead_state, &dead->node);
}
