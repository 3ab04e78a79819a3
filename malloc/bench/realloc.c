// SPDX-License-Identifier: GPL-2.0
/*
 * realloc - buffers grown by realloc a little at a time, as string
 * builders, vectors and read loops do (mimalloc-bench has no such test;
 * glibc's realloc fast paths are what it stands against).
 *
 * Each of THREADS workers keeps LIVE buffers.  A step appends 1 to 128
 * bytes to a random buffer through realloc; one step in 1024 instead cuts
 * it by a quarter.  A buffer that reaches its target length (1 to 64 KiB, one in
 * ten up to 1 MiB, past the mmap threshold) is checked byte by byte and
 * freed, and a new one starts from realloc(NULL, n).  Every byte carries a
 * pattern of its buffer and position, so data lost or shifted by a move
 * fails the run; after every realloc the bytes next to the old end are
 * checked at once.
 */
#include "bench.h"

#define THREADS 2
#define LIVE 32
#define STEPS 2000000		/* per worker, at scale 100 */

struct buffer {
	unsigned char *p;
	size_t len, target;
	uint64_t id;
};

struct worker {
	struct buffer buf[LIVE];
	uint64_t rng, next_id;
	uint64_t steps, ops, check;
};

static inline unsigned char pattern(uint64_t id, size_t i)
{
	return (unsigned char)(id * 131 + i + (i >> 8) * 7);
}

static void check_bytes(const struct buffer *b, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (b->p[i] != pattern(b->id, i))
			bench_die("realloc: buffer %p (%zu bytes) lost byte %zu",
				  (void *)b->p, b->len, i);
}

static void start(struct worker *w, struct buffer *b)
{
	b->p = NULL;
	b->len = 0;
	b->id = w->next_id++;
	b->target = rng_next(&w->rng) % 10 ? rng_range(&w->rng, 1024, 65536)
					   : rng_range(&w->rng, 65537, 1 << 20);
}

static void resize(struct worker *w, struct buffer *b, size_t len)
{
	unsigned char *p = realloc(b->p, len);
	size_t i, keep = len < b->len ? len : b->len;

	if (!p)
		bench_die("realloc(%p, %zu) returned NULL", (void *)b->p, len);
	b->p = p;
	check_bytes(b, keep > 64 ? keep - 64 : 0, keep);
	check_bytes(b, 0, keep < 8 ? keep : 8);
	for (i = keep; i < len; i++)
		p[i] = pattern(b->id, i);
	b->len = len;
	w->ops++;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t s;
	int i;

	for (i = 0; i < LIVE; i++)
		start(w, &w->buf[i]);
	for (s = 0; s < w->steps; s++) {
		struct buffer *b = &w->buf[rng_next(&w->rng) % LIVE];

		if (b->len >= b->target) {
			check_bytes(b, 0, b->len);
			w->check += tag_of(b->id, b->len);
			free(b->p);
			w->ops++;
			start(w, b);
		}
		if (b->len > 16 && rng_next(&w->rng) % 1024 == 0)
			resize(w, b, b->len - b->len / 4);
		else
			resize(w, b, b->len + rng_range(&w->rng, 1, 128));
	}
	for (i = 0; i < LIVE; i++) {
		check_bytes(&w->buf[i], 0, w->buf[i].len);
		w->check += tag_of(w->buf[i].id, w->buf[i].len);
		free(w->buf[i].p);
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
		w[i].rng = 0x4ea11c + i;
		w[i].next_id = (uint64_t)i << 48;
		w[i].steps = steps;
	}
	bench_run_threads(THREADS, work, w, sizeof(w[0]));
	for (i = 0; i < THREADS; i++) {
		ops += w[i].ops;
		check += w[i].check;
	}
	bench_report("realloc", ops, check);
	return 0;
}
