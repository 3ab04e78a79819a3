// SPDX-License-Identifier: GPL-2.0
/*
 * prodcons - objects allocated by one thread and freed by another, in the
 * manner of xmalloc-test and of mimalloc-bench's xmalloc and mstress.
 *
 * PAIRS producer threads each fill batches of BATCH blocks (16 bytes to
 * 1 KiB, a few to 4 KiB) and hand them through a bounded queue to their
 * consumer thread, which checks and frees every block and the batch itself.
 * No block is ever freed by the thread that allocated it: the allocator's
 * remote-free path, and how fast memory freed on one thread becomes
 * allocatable again on the other, is all that is measured.
 */
#include "bench.h"

#define PAIRS 2
#define BATCH 64
#define QUEUE 16		/* batches in flight per pair */
#define BATCHES 100000		/* per producer, at scale 100 */

struct batch {
	void *p[BATCH];
	size_t size[BATCH];
	uint64_t tag[BATCH];
};

struct pair {
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* signalled when leaving empty or full */
	struct batch *ring[QUEUE];
	unsigned int head, tail;	/* head - tail batches queued */
	uint64_t batches;
	uint64_t id;			/* producer side: block ids */
	uint64_t rng;
	uint64_t produced_ops, consumed_ops, check;
};

static size_t block_size(uint64_t *rng)
{
	return rng_next(rng) % 16 ? rng_range(rng, 16, 1024) : rng_range(rng, 1025, 4096);
}

static void *produce(void *arg)
{
	struct pair *q = arg;
	uint64_t n;
	int i;

	for (n = 0; n < q->batches; n++) {
		struct batch *b = malloc(sizeof(*b));

		if (!b)
			bench_die("malloc(%zu) returned NULL", sizeof(*b));
		for (i = 0; i < BATCH; i++) {
			b->size[i] = block_size(&q->rng);
			b->tag[i] = tag_of(q->id++, b->size[i]);
			b->p[i] = malloc(b->size[i]);
			block_fill(b->p[i], b->size[i], b->tag[i]);
		}
		q->produced_ops += BATCH + 1;
		pthread_mutex_lock(&q->lock);
		while (q->head - q->tail == QUEUE)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->head == q->tail)
			pthread_cond_signal(&q->changed);
		q->ring[q->head++ % QUEUE] = b;
		pthread_mutex_unlock(&q->lock);
	}
	return NULL;
}

static void *consume(void *arg)
{
	struct pair *q = arg;
	uint64_t n;
	int i;

	for (n = 0; n < q->batches; n++) {
		struct batch *b;

		pthread_mutex_lock(&q->lock);
		while (q->head == q->tail)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->head - q->tail == QUEUE)
			pthread_cond_signal(&q->changed);
		b = q->ring[q->tail++ % QUEUE];
		pthread_mutex_unlock(&q->lock);
		for (i = 0; i < BATCH; i++) {
			q->check += block_check(b->p[i], b->size[i], b->tag[i], "prodcons");
			free(b->p[i]);
		}
		free(b);
		q->consumed_ops += BATCH + 1;
	}
	return NULL;
}


int main(int argc, char **argv)
{
	uint64_t batches = bench_scaled(BATCHES, bench_scale(argc, argv));
	static struct pair pairs[PAIRS];
	pthread_t tid[2 * PAIRS];
	uint64_t ops = 0, check = 0;
	int i, err;

	for (i = 0; i < PAIRS; i++) {
		pthread_mutex_init(&pairs[i].lock, NULL);
		pthread_cond_init(&pairs[i].changed, NULL);
		pairs[i].batches = batches;
		pairs[i].id = (uint64_t)i << 48;
		pairs[i].rng = 0xc0ffee + i;
	}
	for (i = 0; i < 2 * PAIRS; i++) {
		err = pthread_create(&tid[i], NULL, i % 2 ? consume : produce, &pairs[i / 2]);
		if (err)
			bench_die("pthread_create: %s", strerror(err));
	}
	for (i = 0; i < 2 * PAIRS; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < PAIRS; i++) {
		ops += pairs[i].produced_ops + pairs[i].consumed_ops;
		check += pairs[i].check;
	}
	bench_report("prodcons", ops, check);
	return 0;
}
