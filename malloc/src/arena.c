// SPDX-License-Identifier: GPL-2.0
/*
 * Arenas and the memory they come from.
 *
 * An arena is a lock plus bins and a top chunk.  The main arena is static
 * and grows its top with sbrk(), the lecture's program break, in steps of at
 * least TOP_PAD (1 MiB) so that growth costs few system calls; when sbrk()
 * fails (or another user of brk moved it) it continues in a new segment.
 * Other arenas live in heaps of HEAP_MAX bytes aligned to HEAP_MAX,
 * reserved four at a time and made read-write at once (MAP_NORESERVE: pages
 * cost nothing until touched), so the heap of any chunk, and from its
 * header the arena, is found by masking the chunk address (chunks there
 * carry NON_MAIN_ARENA).  A heap's top grows by moving a boundary without a
 * system call.  When a segment is full a new one is started and the old top
 * is freed behind two fencepost chunks.
 *
 * Trimming: each segment remembers how far its top has ever been split.
 * Once more than trim_threshold bytes of top beyond TRIM_KEEP
 * (128 KiB) plus half a threshold have been handed out and are free again,
 * all but that pad go back to the system: sbrk(-n)
 * for the brk segment, madvise(MADV_DONTNEED) of the touched pages (and the
 * top boundary moved back) in the others.  Counting only touched pages keeps
 * a fresh TOP_PAD of growth from being trimmed straight away.
 *
 * Threads: a thread is mapped to an arena, for good, at its first
 * allocation that its cache cannot serve, not at its first call: a thread
 * that only frees, or whose cache serves all it asks for, never takes an
 * arena, and starting one costs no system call.  The first thread gets the
 * main arena, later ones an arena no live thread uses, else a new arena up
 * to 8 per CPU, else the least used.  Arenas are never freed; a thread that
 * exits leaves its arena to the next thread that needs one.
 *
 * fork(): pthread_atfork handlers take every arena lock (and the lock of the
 * spare heaps) before the fork and release them in the parent; the child
 * re-initialises them, so it inherits consistent arenas whatever the other
 * threads were doing.
 *
 * Start-up takes no lock and calls nothing that allocates before the main
 * arena works, so a preloaded library can serve the dynamic loader and libc
 * from their first call.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

struct tm_params tm_mp = {
	.mmap_threshold = MMAP_THRESHOLD_DEFAULT,
	.trim_threshold = MMAP_THRESHOLD_DEFAULT,
	.dynamic_threshold = true,
	.pagesize = 4096,
	.narenas_max = 8,
	.tcache_count = TCACHE_COUNT,
	.tcache_bytes = TCACHE_BYTES,
};
uintptr_t tm_tcache_key;
struct tm_arena tm_main_arena;
struct tm_arena *tm_arena_list = &tm_main_arena;
struct tm_mutex tm_list_lock;
size_t tm_mmapped_bytes;
size_t tm_mmapped_chunks;
int tm_initialized;		/* see begin_once() */
static pthread_key_t thread_key;
static bool handlers_registered;
static int threads_state;	/* the same, for threads_begin() */
static unsigned narenas = 1;
static bool main_arena_taken;
static struct tm_mutex spare_lock;
static char *spare, *spare_end;	/* aligned heaps mapped but not handed out yet: new_heap() */
/* The misaligned ends of the spare heaps' reservation: [lead, lead_end), [spare_end, tail_end). */
static char *lead, *lead_end, *tail_end;

#define align_up(x, a)	(((x) + (a) - 1) & ~((size_t)(a) - 1))

static void init_bins(struct tm_arena *ar)
{
	unsigned i;

	for (i = 1; i < NBINS; i++) {
		struct tm_chunk *b = bin_at(ar, i);

		b->fd = b->bk = b;
	}
}

static size_t env_size(const char *name, size_t dflt)
{
	const char *s = tm_getenv(name);
	char *end;
	unsigned long v;

	if (!s || !*s)
		return dflt;
	v = strtoul(s, &end, 0);
	return *end ? dflt : v;
}

static void thread_exit(void *arg)
{
	(void)arg;
	tm_tcache_flush();
}

static void fork_prepare(void)
{
	struct tm_arena *ar;

	tm_mutex_lock(&tm_list_lock);
	for (ar = tm_arena_list; ar; ar = ar->next)
		tm_lock(ar);
	tm_mutex_lock(&spare_lock);
}

static void fork_parent(void)
{
	struct tm_arena *ar;

	tm_mutex_unlock(&spare_lock);
	for (ar = tm_arena_list; ar; ar = ar->next)
		tm_unlock(ar);
	tm_mutex_unlock(&tm_list_lock);
}

/* Only the forking thread exists in the child: its arena is the only one attached. */
static void fork_child(void)
{
	struct tm_arena *ar;

	for (ar = tm_arena_list; ar; ar = ar->next) {
		ar->lock.v = 0;
		ar->attached = 0;
	}
	if (tm_tc.state == TCACHE_ACTIVE && tm_tc.arena)
		tm_tc.arena->attached = 1;
	spare_lock.v = 0;
	tm_list_lock.v = 0;
}

/*
 * One-time start-up steps: *state is 0 before, minus the pid of the process
 * while a thread runs the step, 2 after.  Returns true if the caller is to
 * run the step, false once it has been run.  Others wait, unless a fork()
 * copied the state while the step was running in the parent: the thread
 * running it does not exist in the child, which runs the step again.
 */
static bool begin_once(int *state)
{
	for (;;) {
		int seen = 0;

		if (__atomic_compare_exchange_n(state, &seen, -tm_getpid(), false,
						__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
			return true;
		if (seen == 2 || tm_tc.initializing)
			return false;
		if (seen != -tm_getpid())
			__atomic_compare_exchange_n(state, &seen, 0, false,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		else
			sched_yield();
	}
}

/*
 * Parameters, the cache key, the main arena's bins: nothing that allocates or
 * takes a lock.  Then the thread-exit key and the fork handlers, which may
 * allocate, once the allocator works for this thread.
 */
void tm_init(void)
{
	size_t threshold, count;

	if (!begin_once(&tm_initialized))
		return;
	tm_mp.pagesize = tm_page_size();
	threshold = env_size("TOYMALLOC_MMAP_THRESHOLD", 0);
	if (threshold) {
		tm_mp.mmap_threshold = threshold;
		tm_mp.trim_threshold = 2 * threshold;
		tm_mp.dynamic_threshold = false;
	}
	tm_mp.check = env_size("TOYMALLOC_CHECK", 0) != 0;
	count = env_size("TOYMALLOC_TCACHE", TCACHE_COUNT);
	tm_mp.tcache_count = count > UINT16_MAX ? UINT16_MAX : (uint16_t)count;
	tm_mp.tcache_bytes = env_size("TOYMALLOC_TCACHE_BYTES", TCACHE_BYTES);
	tm_tcache_key = tm_random_key();
	init_bins(&tm_main_arena);
	/*
	 * These may allocate: this thread may use the allocator from here on,
	 * others wait until the fork handlers are in place, or a fork could
	 * copy a lock they hold into the child.
	 */
	tm_tc.initializing = true;
	if (!handlers_registered) {
		/* Set first: a child forked from here on must not register twice. */
		handlers_registered = true;
		pthread_key_create(&thread_key, thread_exit);
		pthread_atfork(fork_prepare, fork_parent, fork_child);
	}
	tm_tc.initializing = false;
	__atomic_store_n(&tm_initialized, 2, __ATOMIC_RELEASE);
}

/* What only a second thread needs, done when one first calls in: the arena cap. */
static void threads_begin(void)
{
	if (!begin_once(&threads_state))
		return;
	tm_mp.narenas_max = 8 * tm_cpu_count();
	tm_mp.narenas_max = (unsigned)env_size("TOYMALLOC_ARENA_MAX", tm_mp.narenas_max);
	if (tm_mp.narenas_max == 0)
		tm_mp.narenas_max = 1;
	__atomic_store_n(&threads_state, 2, __ATOMIC_RELEASE);
}

void tm_thread_register(void)
{
	pthread_setspecific(thread_key, &tm_tc);
}

/*
 * Heaps are mapped HEAPS_PER_MAP at a time: one reservation of one heap
 * more, without access, whose HEAP_MAX-aligned middle one mprotect() makes
 * writable, gives four heaps for two calls, where a heap at a time took
 * three each (a double-size mapping and two munmap() calls to cut it to
 * alignment).  A program whose threads each take an arena so makes fewer
 * calls than glibc's, which maps its heaps one by one and makes them
 * writable with mprotect() as they grow.  The misaligned ends stay
 * reserved without access, which costs address space only (the kernel
 * charges no commit for them), until the next reservation or a shortage.
 * The spare heaps are MAP_NORESERVE and untouched: they cost address space
 * (and, under strict overcommit, where the kernel ignores MAP_NORESERVE,
 * commit charge, as every heap does), so when address space runs out they
 * are the first thing given back, with the ends (tm_release_spare_heaps()),
 * and with too little left for five heaps a single one is mapped
 * read-write, its ends unmapped.
 */
#define HEAPS_PER_MAP 4

/* spare_lock is held: unmap the misaligned ends of the last reservation. */
static void give_back_ends(void)
{
	if (lead_end > lead)
		munmap(lead, lead_end - lead);
	if (tail_end > spare_end)
		munmap(spare_end, tail_end - spare_end);
	lead = lead_end = tail_end = NULL;
}

static void map_heaps(size_t n)
{
	size_t len = (n + 1) * HEAP_MAX;
	char *p, *first, *end;

	give_back_ends();	/* only a fifth arena's heap finds any */
	p = mmap(NULL, len, n > 1 ? PROT_NONE : PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return;
	first = (char *)align_up((uintptr_t)p, HEAP_MAX);
	end = first + (p + len - first) / HEAP_MAX * HEAP_MAX;
	if (n > 1 && mprotect(first, end - first, PROT_READ | PROT_WRITE)) {
		munmap(p, len);
		return;
	}
	spare = first;
	spare_end = end;
	lead = p;
	lead_end = first;
	tail_end = p + len;
	if (n == 1)
		give_back_ends();
}

/* A fresh HEAP_MAX-aligned heap, or NULL. */
static struct tm_heap *new_heap(void)
{
	char *h = NULL;

	tm_mutex_lock(&spare_lock);
	/* With address space short (RLIMIT_AS), one heap may still fit. */
	if (spare == spare_end)
		map_heaps(HEAPS_PER_MAP);
	if (spare == spare_end)
		map_heaps(1);
	if (spare != spare_end) {
		h = spare;
		spare += HEAP_MAX;
	}
	tm_mutex_unlock(&spare_lock);
	return (struct tm_heap *)h;
}

/* A mapping failed: unmap the spare heaps and the ends.  Returns whether there were any. */
bool tm_release_spare_heaps(void)
{
	bool any;

	tm_mutex_lock(&spare_lock);
	any = spare != spare_end || lead_end > lead || tail_end > spare_end;
	if (spare != spare_end)
		munmap(spare, spare_end - spare);
	give_back_ends();
	spare = spare_end = NULL;
	tm_mutex_unlock(&spare_lock);
	return any;
}

static struct tm_arena *new_arena(void)
{
	struct tm_heap *h = new_heap();
	struct tm_arena *ar;
	size_t used;

	if (!h)
		return NULL;
	ar = (struct tm_arena *)(h + 1);
	ar->flag = NON_MAIN_ARENA;
	init_bins(ar);
	used = align_up(sizeof(*h) + sizeof(*ar), MALLOC_ALIGN);
	h->ar = ar;
	h->mapped = HEAP_MAX;
	h->size = align_up(used + MINSIZE + TOP_PAD, tm_mp.pagesize);
	h->first = (struct tm_chunk *)((char *)h + used);
	h->touched = (char *)h->first;
	ar->heap = h;
	ar->top = h->first;
	set_head(ar->top, (h->size - used) | PREV_INUSE | ar->flag);
	ar->system_mem = h->size;
	return ar;
}

/*
 * The arena of a thread's first allocation from one: the first thread gets the
 * main arena.  A thread whose cache was already returned at exit (an
 * allocation from a later destructor) shares the main arena without being
 * counted, as nothing would detach it.
 */
struct tm_arena *tm_arena_for_thread(void)
{
	struct tm_arena *ar, *best = NULL, *last = NULL;

	if (tm_tc.state == TCACHE_GONE)
		return &tm_main_arena;
	tm_mutex_lock(&tm_list_lock);
	if (!main_arena_taken) {
		main_arena_taken = true;
		best = &tm_main_arena;
	}
	tm_mutex_unlock(&tm_list_lock);
	if (!best)
		threads_begin();
	tm_mutex_lock(&tm_list_lock);
	for (ar = tm_arena_list; ar && !best; ar = ar->next)
		if (ar->attached == 0)
			best = ar;
	if (!best && narenas < tm_mp.narenas_max && (best = new_arena())) {
		best->index = narenas++;
		for (last = tm_arena_list; last->next; last = last->next)
			;
		last->next = best;
	}
	for (ar = tm_arena_list; ar && !best; ar = ar->next)
		if (!best || ar->attached < best->attached)
			best = ar;
	if (!best)
		best = &tm_main_arena;
	best->attached++;
	tm_mutex_unlock(&tm_list_lock);
	return best;
}

void tm_arena_detach(struct tm_arena *ar)
{
	tm_mutex_lock(&tm_list_lock);
	if (ar->attached)
		ar->attached--;
	tm_mutex_unlock(&tm_list_lock);
}

/*
 * The arena's top is about to end with its segment: free it behind two
 * fencepost chunks that mark the end of the segment as in use.
 */
static void retire_top(struct tm_arena *ar)
{
	struct tm_chunk *top = ar->top;
	size_t size;

	if (!top)
		return;
	size = chunksize(top) - 2 * CHUNK_HDR_SZ;
	set_head(chunk_at(top, size), CHUNK_HDR_SZ | PREV_INUSE | ar->flag);
	set_head(chunk_at(top, size + CHUNK_HDR_SZ), CHUNK_HDR_SZ | PREV_INUSE | ar->flag);
	ar->top = NULL;
	if (size >= MINSIZE) {
		set_head(top, size | (top->size & PREV_INUSE) | ar->flag);
		tm_int_free(ar, top, false);
	} else if (size) {
		set_head(top, size | (top->size & PREV_INUSE) | ar->flag);
	}
}

static void start_segment(struct tm_arena *ar, struct tm_heap *h, size_t size, size_t mapped, bool is_brk)
{
	retire_top(ar);
	h->ar = ar;
	h->prev = ar->heap;
	h->size = size;
	h->mapped = mapped;
	h->is_brk = is_brk;
	h->first = (struct tm_chunk *)(h + 1);
	h->touched = (char *)h->first;
	ar->heap = h;
	ar->top = h->first;
	set_head(ar->top, (size - sizeof(*h)) | PREV_INUSE | ar->flag);
	ar->system_mem += size;
}

static int grow_brk(struct tm_arena *ar, size_t nb)
{
	size_t size = align_up(nb + MINSIZE + TOP_PAD + sizeof(struct tm_heap) + MALLOC_ALIGN,
			       tm_mp.pagesize);
	struct tm_heap *h = ar->heap;
	char *brk, *seg, *end;

	if (size > PTRDIFF_MAX)
		return -1;
	brk = sbrk((intptr_t)size);
	if (brk == (char *)-1)
		return -1;
	end = (char *)((uintptr_t)(brk + size) & ~ALIGN_MASK);
	if (h && h->is_brk && brk == ar->brk_end) {
		size_t grow = end - heap_end(h);

		h->size += grow;
		h->mapped = h->size;
		set_head(ar->top, (chunksize(ar->top) + grow) | PREV_INUSE | ar->flag);
		ar->system_mem += grow;
	} else {
		seg = (char *)align_up((uintptr_t)brk, MALLOC_ALIGN);
		start_segment(ar, (struct tm_heap *)seg, end - seg, end - seg, true);
	}
	ar->brk_end = brk + size;
	return 0;
}

static int grow_mapped(struct tm_arena *ar, size_t nb)
{
	size_t need = nb + MINSIZE + 2 * CHUNK_HDR_SZ + sizeof(struct tm_heap);
	size_t size, mapped;
	void *p;

	if (need > HEAP_MAX && ar != &tm_main_arena)
		return -1;
	if (ar == &tm_main_arena) {
		mapped = need > HEAP_MAX ? align_up(need, tm_mp.pagesize) : HEAP_MAX;
		do
			p = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		while (p == MAP_FAILED && tm_release_spare_heaps());
		if (p == MAP_FAILED)
			return -1;
	} else {
		p = new_heap();
		mapped = HEAP_MAX;
		if (!p)
			return -1;
	}
	size = align_up(need + TOP_PAD, tm_mp.pagesize);
	if (size > mapped)
		size = mapped;
	start_segment(ar, p, size, mapped, false);
	return 0;
}

/* Make top at least nb + MINSIZE bytes.  0 on success. */
int tm_arena_grow(struct tm_arena *ar, size_t nb)
{
	struct tm_heap *h = ar->heap;
	size_t topsize = ar->top ? chunksize(ar->top) : 0;

	if (h && !h->is_brk && ar->top) {
		size_t need = nb + MINSIZE - topsize;

		if (h->mapped - h->size >= need) {
			size_t grow = align_up(need + TOP_PAD, tm_mp.pagesize);

			if (grow > h->mapped - h->size)
				grow = h->mapped - h->size;
			h->size += grow;
			set_head(ar->top, (topsize + grow) | PREV_INUSE | ar->flag);
			ar->system_mem += grow;
			return 0;
		}
	}
	if (ar == &tm_main_arena && !ar->brk_failed) {
		if (grow_brk(ar, nb) == 0)
			return 0;
		ar->brk_failed = true;
	}
	return grow_mapped(ar, nb);
}

size_t tm_madvise_range(void *start, size_t len)
{
	uintptr_t a = align_up((uintptr_t)start, tm_mp.pagesize);
	uintptr_t b = ((uintptr_t)start + len) & ~(tm_mp.pagesize - 1);

	if (b <= a || madvise((void *)a, b - a, MADV_DONTNEED))
		return 0;
	return b - a;
}

/*
 * Give top's bytes beyond pad back to the system, if more than threshold of
 * them have been touched.  Returns the bytes released.
 */
size_t tm_arena_trim(struct tm_arena *ar, size_t pad, size_t threshold)
{
	struct tm_heap *h = ar->heap;
	size_t topsize = chunksize(ar->top), extra;
	char *keep_end = (char *)ar->top + MINSIZE + pad;

	if (topsize <= pad + MINSIZE || h->touched <= keep_end ||
	    (size_t)(h->touched - keep_end) < threshold)
		return 0;
	extra = (topsize - pad - MINSIZE) & ~(tm_mp.pagesize - 1);
	if (!extra)
		return 0;
	if (h->is_brk) {
		if (sbrk(0) != ar->brk_end || sbrk(-(intptr_t)extra) == (void *)-1)
			return 0;
		ar->brk_end -= extra;
		h->mapped -= extra;
	} else {
		char *from = heap_end(h) - extra;
		char *to = (char *)align_up((uintptr_t)h->touched, tm_mp.pagesize);

		if (to > heap_end(h))
			to = heap_end(h);
		if (to > from)
			madvise(from, to - from, MADV_DONTNEED);
	}
	h->size -= extra;
	if (h->touched > heap_end(h))
		h->touched = heap_end(h);
	ar->system_mem -= extra;
	set_head(ar->top, (topsize - extra) | PREV_INUSE | ar->flag);
	return extra;
}

/* malloc_trim(): give back the whole pages inside every free chunk; returns their bytes. */
size_t tm_arena_release_free(struct tm_arena *ar)
{
	size_t released = 0;
	unsigned i;

	for (i = 1; i < NBINS; i++) {
		struct tm_chunk *b = bin_at(ar, i), *p;

		for (p = b->fd; p != b; p = p->fd)
			if (chunksize(p) > sizeof(struct tm_chunk))
				released += tm_madvise_range((char *)p + sizeof(struct tm_chunk),
							     chunksize(p) - sizeof(struct tm_chunk));
	}
	return released;
}
