// SPDX-License-Identifier: GPL-2.0
/*
 * The system interface below the allocator: its locks, its random key, its
 * environment, the pid, the CPU count and the page size, with as little of
 * libc as possible.
 *
 * Locks are a futex word each (Drepper's "Futexes Are Tricky" mutex: 0 free,
 * 1 held, 2 held with waiters): taking a free lock is one compare-and-swap
 * and releasing it one exchange, and a lock that stays busy is waited for in
 * the kernel after a short spin.  They need no initialisation (a zeroed lock
 * is free), so a child after fork() simply zeroes them.
 *
 * System calls are made directly (on x86_64, with the syscall instruction),
 * and the environment is read from `environ`: a preloaded allocator that
 * calls into parts of libc the program never uses makes the kernel map those
 * pages of libc into the process, and a small program's resident size shows
 * it.
 */
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

extern char **environ;

static long raw_syscall4(long n, long a1, long a2, long a3, long a4)
{
#ifdef __x86_64__
	register long r10 __asm__("r10") = a4;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
#else
	return syscall(n, a1, a2, a3, a4);
#endif
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("pause");
#endif
}

#define LOCK_SPINS 100

void tm_mutex_wait(struct tm_mutex *m)
{
	int c, i;

	for (i = 0; i < LOCK_SPINS; i++) {
		c = 0;
		if (__atomic_load_n(&m->v, __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(&m->v, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		cpu_relax();
	}
	while (__atomic_exchange_n(&m->v, 2, __ATOMIC_ACQUIRE) != 0)
		raw_syscall4(SYS_futex, (long)&m->v, FUTEX_WAIT_PRIVATE, 2, 0);
}

void tm_mutex_wake(struct tm_mutex *m)
{
	raw_syscall4(SYS_futex, (long)&m->v, FUTEX_WAKE_PRIVATE, 1, 0);
}

uintptr_t tm_random_key(void)
{
	uintptr_t key = 0;

	if (raw_syscall4(SYS_getrandom, (long)&key, sizeof(key), 0x1 /* GRND_NONBLOCK */, 0) !=
	    sizeof(key))
		key = (uintptr_t)&key ^ 0x9e3779b97f4a7c15UL;
	return key;
}

const char *tm_getenv(const char *name)
{
	char **e;

	for (e = environ; e && *e; e++) {
		const char *s = *e, *n = name;

		while (*n && *s == *n) {
			s++;
			n++;
		}
		if (!*n && *s == '=')
			return s + 1;
	}
	return NULL;
}

int tm_getpid(void)
{
	return (int)raw_syscall4(SYS_getpid, 0, 0, 0, 0);
}

/* The CPUs this thread may run on, at least one. */
unsigned int tm_cpu_count(void)
{
	unsigned long mask[16] = { 0 };
	unsigned int n = 0;
	long bytes = raw_syscall4(SYS_sched_getaffinity, 0, sizeof(mask), (long)mask, 0);
	long i;

	for (i = 0; i < bytes / (long)sizeof(mask[0]); i++)
		n += (unsigned int)__builtin_popcountl(mask[i]);
	return n ? n : 1;
}

size_t tm_page_size(void)
{
#ifdef __x86_64__
	return 4096;	/* the architecture's only base page size */
#else
	return (size_t)sysconf(_SC_PAGESIZE);
#endif
}
