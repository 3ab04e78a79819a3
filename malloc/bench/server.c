// SPDX-License-Identifier: GPL-2.0
/*
 * server - a server's mix of sizes and lifetimes over several threads, in
 * the manner of Larson and Krishnan's benchmark (larson in mimalloc-bench).
 *
 * Each of THREADS workers owns a table of SLOTS live blocks, the state a
 * server keeps per connection.  A step replaces the block of a random slot
 * (so lifetimes are geometric, from one step to many thousands) and, one
 * step in four, also serves a "request": a few temporaries allocated,
 * touched and freed at once.  Sizes are mostly small, some medium, a few
 * up to 16 KiB.
 *
 * Work runs in GENERATIONS: at the end of one every worker thread exits and
 * the next generation's threads take over the tables rotated by one, so
 * every long-lived block is freed by a thread other than the one that
 * allocated it, and the caches of exited threads must be given back for
 * memory not to grow.
 */
#include "bench.h"

#define THREADS 4
#define SLOTS 2000
#define GENERATIONS 10
#define STEPS 300000		/* per thread and generation, at scale 100 */

struct slot {
	void *p;
	size_t size;
	uint64_t tag;
};

struct table {
	struct slot slot[SLOTS];
	uint64_t rng;
	uint64_t next_id;	/* block ids, unique across tables */
};

struct worker {
	struct table *table;
	uint64_t steps;
	uint64_t ops;
	uint64_t check;
};

/* 80% 8..128 bytes, 16% up to 1 KiB, 4% up to 16 KiB. */
static size_t server_size(uint64_t *rng)
{
	unsigned int r = rng_next(rng) % 100;

	if (r < 80)
		return rng_range(rng, 8, 128);
	if (r < 96)
		return rng_range(rng, 129, 1024);
	return rng_range(rng, 1025, 16384);
}

static void *alloc_tagged(struct table *t, size_t size, uint64_t *tag)
{
	void *p = malloc(size);

	*tag = tag_of(t->next_id++, size);
	block_fill(p, size, *tag);
	return p;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct table *t = w->table;
	uint64_t i;

	for (i = 0; i < w->steps; i++) {
		struct slot *s = &t->slot[rng_next(&t->rng) % SLOTS];

		w->check += block_check(s->p, s->size, s->tag, "server slot");
		free(s->p);
		s->size = server_size(&t->rng);
		s->p = alloc_tagged(t, s->size, &s->tag);
		w->ops += 2;

		if (rng_next(&t->rng) % 4 == 0) {
			struct slot tmp[4];
			int n = 1 + rng_next(&t->rng) % 4, k;

			for (k = 0; k < n; k++) {
				tmp[k].size = server_size(&t->rng);
				tmp[k].p = alloc_tagged(t, tmp[k].size, &tmp[k].tag);
			}
			for (k = 0; k < n; k++) {
				w->check += block_check(tmp[k].p, tmp[k].size, tmp[k].tag,
							"server request");
				free(tmp[k].p);
			}
			w->ops += 2 * n;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t steps = bench_scaled(STEPS, bench_scale(argc, argv));
	static struct table tables[THREADS];
	struct worker w[THREADS];
	uint64_t ops = 0, check = 0;
	int g, i, k;

	for (i = 0; i < THREADS; i++) {
		tables[i].rng = 0x5e17e7 + i;
		tables[i].next_id = (uint64_t)i << 48;
		for (k = 0; k < SLOTS; k++) {
			struct slot *s = &tables[i].slot[k];

			s->size = server_size(&tables[i].rng);
			s->p = alloc_tagged(&tables[i], s->size, &s->tag);
			ops++;
		}
	}
	for (g = 0; g < GENERATIONS; g++) {
		for (i = 0; i < THREADS; i++)
			w[i] = (struct worker){ &tables[(i + g) % THREADS], steps, 0, 0 };
		bench_run_threads(THREADS, work, w, sizeof(w[0]));
		for (i = 0; i < THREADS; i++) {
			ops += w[i].ops;
			check += w[i].check;
		}
	}
	for (i = 0; i < THREADS; i++)
		for (k = 0; k < SLOTS; k++) {
			struct slot *s = &tables[i].slot[k];

			check += block_check(s->p, s->size, s->tag, "server teardown");
			free(s->p);
			ops++;
		}
	bench_report("server", ops, check);
	return 0;
}
