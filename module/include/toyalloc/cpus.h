/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc: per-CPU state, its lock and its visits from other CPUs.  See
 * cpus.c.  The lock is a trylock whose holder an interrupt goes around:
 * a byte set with preemption off, or on PREEMPT_RT a per-CPU sleeping
 * lock taken with migration off, as the kernel's local_lock_t there.
 */
#ifndef _TOYALLOC_CPUS_H
#define _TOYALLOC_CPUS_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>

/**
 * struct toy_cpu_dead - a callback for CPUs that go offline
 * @node: link in the hotplug state's instances
 * @fn: called with the CPU that is dead, on a CPU that is online
 */
struct toy_cpu_dead {
	struct hlist_node node;
	void (*fn)(struct toy_cpu_dead *dead, unsigned int cpu);
};

#ifdef CONFIG_PREEMPT_RT
/*
 * On PREEMPT_RT a CPU's state is held as the kernel's local_lock_t holds
 * it there: migration off and a per-CPU spinlock_t, which sleeps.
 * Interrupt handlers run in threads, so whoever finds the state held is a
 * task that preempted its holder on this CPU; it goes around the state,
 * as an interrupt does without RT, rather than wait on the holder.  The
 * sleeping locks taken while the state is held (zone->lock, cache->lock)
 * are legal.  Nothing allocates from hard interrupt context on RT.
 */
struct toy_local_trylock {
	spinlock_t lock;	/* held by a task on its CPU, see above */
};

#define toy_local_trylock_init(l)	spin_lock_init(&(l)->lock)

/*
 * sparse sees neither side of the trylock without RT, a byte and a
 * compiler barrier: the __release() and __acquire() below keep it seeing
 * the same here, where callers hold the lock across branches it cannot
 * follow.  lockdep sees the spinlock itself.
 */
static __always_inline bool
toy_local_trylock(struct toy_local_trylock __percpu *lock)
{
	migrate_disable();
	if (!spin_trylock(&this_cpu_ptr(lock)->lock)) {
		migrate_enable();
		return false;
	}
	__release(&this_cpu_ptr(lock)->lock);
	return true;
}

static __always_inline void
toy_local_unlock(struct toy_local_trylock __percpu *lock)
{
	__acquire(&this_cpu_ptr(lock)->lock);
	spin_unlock(&this_cpu_ptr(lock)->lock);
	migrate_enable();
}

static inline void toy_local_lock_cpu(struct toy_local_trylock __percpu *lock,
				      int cpu)
{
	spin_lock(&per_cpu_ptr(lock, cpu)->lock);
}

static inline void toy_local_unlock_cpu(struct toy_local_trylock __percpu *lock,
					int cpu)
{
	spin_unlock(&per_cpu_ptr(lock, cpu)->lock);
}

#else /* !CONFIG_PREEMPT_RT */

/**
 * struct toy_local_trylock - per-CPU state that only its CPU works on
 * @acquired: set while its CPU works on the state, with preemption off
 * @dep_map: @acquired as lockdep sees it: a lock that is only ever tried
 *
 * Only what interrupts a CPU can reach that CPU's state while the CPU
 * works on it.  So, rather than turning interrupts off around the work, the
 * CPU sets @acquired with preemption off, and whoever finds it set, which
 * can only be an interrupt of that work, goes around the state instead of
 * waiting for it.  The later kernels' local_trylock_t, as SLUB's per-CPU
 * arrays (sheaves) use it.  Interrupts run on the same CPU, so compiler
 * barriers order @acquired against the state.
 */
struct toy_local_trylock {
	u8 acquired;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

#ifdef CONFIG_DEBUG_LOCK_ALLOC
#define toy_local_trylock_init(lock)					\
do {									\
	static struct lock_class_key __key;				\
									\
	lockdep_init_map(&(lock)->dep_map, #lock, &__key, 0);		\
} while (0)
#else
#define toy_local_trylock_init(lock) do { } while (0)
#endif

static __always_inline void toy_local_acquire(struct toy_local_trylock *l)
{
	WRITE_ONCE(l->acquired, 1);
	barrier();
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lock_map_acquire_try(&l->dep_map);
#endif
}

static __always_inline void toy_local_release(struct toy_local_trylock *l)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lock_map_release(&l->dep_map);
#endif
	barrier();
	WRITE_ONCE(l->acquired, 0);
}

/**
 * toy_local_trylock() - start working on this CPU's state
 * @lock: the per-CPU lock of the state
 *
 * Return: true with preemption off, the state this CPU's until
 * toy_local_unlock(); false when this CPU is already working on it (the
 * caller interrupted that work) and must go around it.
 */
static __always_inline bool
toy_local_trylock(struct toy_local_trylock __percpu *lock)
{
	struct toy_local_trylock *l;

	preempt_disable();
	l = this_cpu_ptr(lock);
	if (unlikely(READ_ONCE(l->acquired))) {
		preempt_enable();
		return false;
	}
	toy_local_acquire(l);
	return true;
}

static __always_inline void
toy_local_unlock(struct toy_local_trylock __percpu *lock)
{
	toy_local_release(this_cpu_ptr(lock));
	preempt_enable();
}

/*
 * @cpu's state, for a task on @cpu itself (toy_on_each_cpu()), on any CPU
 * once @cpu is dead (toy_on_each_cpu() visits one at a time, the hotplug
 * callbacks exclude it), or when the state's owner has no user left
 * (destroy).  Never held then: whoever holds it on @cpu cannot be
 * preempted, and what interrupts @cpu returns before the task runs again.
 */
static inline void toy_local_lock_cpu(struct toy_local_trylock __percpu *lock,
				      int cpu)
{
	struct toy_local_trylock *l;

	preempt_disable();
	l = per_cpu_ptr(lock, cpu);
	WARN_ON_ONCE(READ_ONCE(l->acquired));
	toy_local_acquire(l);
}

static inline void toy_local_unlock_cpu(struct toy_local_trylock __percpu *lock,
					int cpu)
{
	toy_local_release(per_cpu_ptr(lock, cpu));
	preempt_enable();
}

#endif /* CONFIG_PREEMPT_RT */

#endif /* _TOYALLOC_CPUS_H */
