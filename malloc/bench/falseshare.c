// SPDX-License-Identifier: GPL-2.0
/*
 * falseshare - false sharing between threads caused by the allocator, after
 * Hoard's cache-thrash and cache-scratch (Berger et al., ASPLOS 2000).
 *
 * Each of THREADS workers repeatedly allocates a small object, writes every
 * byte of it WRITES times and frees it.  The work is the same whatever the
 * allocator; what changes is whether objects written by different threads
 * at the same time share a cache line, which turns every write into a
 * cache-line transfer between cores.
 *
 *   cache-thrash   (built with -DSCRATCH=0) active false sharing: the
 *                  workers allocate concurrently; an allocator that serves
 *                  threads from one pool of adjacent chunks puts their
 *                  objects on one line.
 *   cache-scratch  (-DSCRATCH=1) passive false sharing: the main thread
 *                  allocates one object per worker, side by side, and each
 *                  worker first frees the one it is handed.  An allocator
 *                  that lets the freeing thread reuse that memory keeps the
 *                  workers writing into one line for the whole run.
 */
#include "bench.h"

#ifndef SCRATCH
#error "build with -DSCRATCH=0 (cache-thrash) or -DSCRATCH=1 (cache-scratch)"
#endif

#define THREADS 4
#define OBJECT 8
#define ROUNDS 4000		/* objects per worker, at scale 100 */
#define WRITES 20000		/* writes of every byte per object */

struct worker {
	void *handed;		/* cache-scratch: the main thread's object */
	uint64_t id;
	uint64_t rounds;
	uint64_t ops;
	uint64_t check;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t r;
	int i, k;

	if (w->handed) {
		w->check += block_check(w->handed, OBJECT, tag_of(w->id, OBJECT), "handed");
		free(w->handed);
		w->ops++;
	}
	for (r = 0; r < w->rounds; r++) {
		volatile unsigned char *o = malloc(OBJECT);

		if (!o)
			bench_die("malloc(%d) returned NULL", OBJECT);
		for (k = 0; k < OBJECT; k++)
			o[k] = (unsigned char)(w->id + k);
		for (i = 0; i < WRITES; i++)
			for (k = 0; k < OBJECT; k++)
				o[k]++;
		for (k = 0; k < OBJECT; k++) {
			if (o[k] != (unsigned char)(w->id + k + WRITES))
				bench_die("object %p byte %d changed under its thread",
					  (void *)o, k);
			w->check += o[k];
		}
		free((void *)o);
		w->ops += 2;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t rounds = bench_scaled(ROUNDS, bench_scale(argc, argv));
	struct worker w[THREADS];
	uint64_t ops = 0, check = 0;
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .id = i, .rounds = rounds };
		if (SCRATCH) {
			w[i].handed = malloc(OBJECT);
			block_fill(w[i].handed, OBJECT, tag_of(i, OBJECT));
			ops++;
		}
	}
	bench_run_threads(THREADS, work, w, sizeof(w[0]));
	for (i = 0; i < THREADS; i++) {
		ops += w[i].ops;
		check += w[i].check;
	}
	bench_report(SCRATCH ? "cache-scratch" : "cache-thrash", ops, check);
	return 0;
}
