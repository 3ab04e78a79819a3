// SPDX-License-Identifier: GPL-2.0
/*
 * small - many small objects that live a short while, one thread: the
 * allocator's fast path alone, as in mimalloc-bench's glibc-simple and
 * alloc-test or the node churn of an interpreter.
 *
 * A round allocates a burst of 1 to BURST objects of 8 to 256 bytes (most
 * under 64), touches them, and frees them again in a shuffled order, so the
 * free lists are not only used as stacks.  One object in sixteen outlives
 * its round in a small ring of KEEP survivors, which fragments the heap a
 * little as real programs do.
 */
#include "bench.h"

#define BURST 128
#define KEEP 4096
#define ROUNDS 400000		/* at scale 100 */

struct obj {
	void *p;
	size_t size;
	uint64_t tag;
};

static size_t small_size(uint64_t *rng)
{
	return rng_next(rng) % 4 ? rng_range(rng, 8, 64) : rng_range(rng, 65, 256);
}

int main(int argc, char **argv)
{
	uint64_t rounds = bench_scaled(ROUNDS, bench_scale(argc, argv));
	static struct obj burst[BURST], keep[KEEP];
	uint64_t rng = 0x5a11, id = 0, ops = 0, check = 0, r;
	unsigned int kept = 0;
	int n, i;

	for (r = 0; r < rounds; r++) {
		n = 1 + rng_next(&rng) % BURST;
		for (i = 0; i < n; i++) {
			burst[i].size = small_size(&rng);
			burst[i].tag = tag_of(id++, burst[i].size);
			burst[i].p = malloc(burst[i].size);
			block_fill(burst[i].p, burst[i].size, burst[i].tag);
		}
		for (i = n - 1; i > 0; i--) {
			int j = rng_next(&rng) % (i + 1);
			struct obj t = burst[i];

			burst[i] = burst[j];
			burst[j] = t;
		}
		for (i = 0; i < n; i++) {
			struct obj *o = &burst[i];

			if (rng_next(&rng) % 16 == 0) {
				struct obj *k = &keep[kept++ % KEEP];

				if (k->p) {
					check += block_check(k->p, k->size, k->tag, "small kept");
					free(k->p);
					ops++;
				}
				*k = *o;
				continue;
			}
			check += block_check(o->p, o->size, o->tag, "small");
			free(o->p);
			ops++;
		}
		ops += n;
	}
	for (i = 0; i < KEEP; i++)
		if (keep[i].p) {
			check += block_check(keep[i].p, keep[i].size, keep[i].tag, "small kept");
			free(keep[i].p);
			ops++;
		}
	bench_report("small", ops, check);
	return 0;
}
