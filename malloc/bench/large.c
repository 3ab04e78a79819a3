// SPDX-License-Identifier: GPL-2.0
/*
 * large - blocks from 128 KiB to 4 MiB, past glibc's initial mmap threshold:
 * the path where a naive allocator makes two system calls and a page fault
 * per page for every block, and where glibc's sliding threshold and the
 * other allocators' retained memory earn their keep.
 *
 * Each of THREADS workers keeps WINDOW live blocks and replaces a random
 * one per step.  Every page of a new block is written (block_fill tags one
 * word per page), as a program that asked for the memory would, so the cost
 * of fresh pages from the kernel shows in the time.
 */
#include "bench.h"

#define THREADS 2
#define WINDOW 8
#define STEPS 8000		/* per worker, at scale 100 */

struct block {
	void *p;
	size_t size;
	uint64_t tag;
};

struct worker {
	struct block blk[WINDOW];
	uint64_t rng, next_id;
	uint64_t steps, ops, check;
};

/* Log-uniform from 128 KiB to 4 MiB, not page multiples. */
static size_t large_size(uint64_t *rng)
{
	unsigned int shift = rng_range(rng, 17, 21);

	return rng_range(rng, (size_t)1 << shift, ((size_t)2 << shift) - 1);
}

static void replace(struct worker *w, struct block *b)
{
	if (b->p) {
		w->check += block_check(b->p, b->size, b->tag, "large");
		free(b->p);
		w->ops++;
	}
	b->size = large_size(&w->rng);
	b->tag = tag_of(w->next_id++, b->size);
	b->p = malloc(b->size);
	block_fill(b->p, b->size, b->tag);
	w->ops++;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t s;
	int i;

	for (i = 0; i < WINDOW; i++)
		replace(w, &w->blk[i]);
	for (s = 0; s < w->steps; s++)
		replace(w, &w->blk[rng_next(&w->rng) % WINDOW]);
	for (i = 0; i < WINDOW; i++) {
		w->check += block_check(w->blk[i].p, w->blk[i].size, w->blk[i].tag, "large");
		free(w->blk[i].p);
		w->ops++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t steps = bench_scaled(STEPS, bench_scale(argc, argv));
	static struct worker w[THREADS];
	uint64_t ops = 0, check = 0;
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i].rng = 0x1a7e + i;
		w[i].next_id = (uint64_t)i << 48;
		w[i].steps = steps;
	}
	bench_run_threads(THREADS, work, w, sizeof(w[0]));
	for (i = 0; i < THREADS; i++) {
		ops += w[i].ops;
		check += w[i].check;
	}
	bench_report("large", ops, check);
	return 0;
}
