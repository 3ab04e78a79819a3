/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - what every toymalloc benchmark program shares.
 *
 * The programs call nothing but malloc, free and realloc, so any allocator
 * can be put under them with LD_PRELOAD, and each does a fixed amount of
 * work drawn from a fixed seed, so every allocator is timed on the same
 * sequence of requests.
 *
 * A fast answer is only worth something if it is right.  Every block the
 * programs allocate carries a tag derived from the seed and the block's
 * identity (never from its address): written into its first and last words
 * and into one word of every page in between, and read back before the
 * block is freed.  Blocks that overlap, are shorter than asked for, or lose
 * their contents on realloc break a tag and end the run with one line on
 * stderr and exit status 1.  The tags read back are folded into a checksum.
 *
 * The last line a program prints is "NAME ops=N check=X": N counts the
 * allocator calls made (malloc, free and realloc each count one), X is the
 * checksum.  Both depend only on the seed and the scale, so the runner can
 * require the same line from every allocator.
 *
 * The only argument is the scale in percent of the default work (100);
 * scale 0 does only the set-up and tear-down (threads started, initial
 * tables filled), which the runner uses to tell the system calls of
 * start-up from those of the work.
 */
#ifndef TOYMALLOC_BENCH_H
#define TOYMALLOC_BENCH_H

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_PAGE 4096

/* splitmix64: one multiply-xorshift chain per draw, good enough and cheap. */
static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A uniform draw in [lo, hi]. */
static inline size_t rng_range(uint64_t *state, size_t lo, size_t hi)
{
	return lo + (size_t)(rng_next(state) % (hi - lo + 1));
}

/* The tag of block number @id of size @size: a bijection of both. */
static inline uint64_t tag_of(uint64_t id, size_t size)
{
	uint64_t s = id * 0x9E3779B97F4A7C15ULL + size;

	return rng_next(&s);
}

static inline void __attribute__((noreturn, format(printf, 1, 2)))
bench_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/*
 * Tag a fresh block: its first word, one word per page after the first and
 * its last word.  Also the place to refuse a NULL or misaligned block.
 * Blocks are at least 8 bytes.
 */
static inline void block_fill(void *p, size_t size, uint64_t tag)
{
	unsigned char *b = p;
	size_t off;

	if (!p)
		bench_die("malloc(%zu) returned NULL", size);
	if ((uintptr_t)p % 8)
		bench_die("malloc(%zu) returned %p, not 8-byte aligned", size, p);
	memcpy(b, &tag, 8);
	for (off = BENCH_PAGE; off + 16 <= size; off += BENCH_PAGE) {
		uint64_t t = tag ^ off;

		memcpy(b + off, &t, 8);
	}
	if (size >= 16) {
		uint64_t t = ~tag;

		memcpy(b + size - 8, &t, 8);
	}
}

/* Check a block tagged by block_fill(); returns a value for the checksum. */
static inline uint64_t block_check(const void *p, size_t size, uint64_t tag,
				   const char *where)
{
	const unsigned char *b = p;
	uint64_t t;
	size_t off;

	memcpy(&t, b, 8);
	if (t != tag)
		bench_die("%s: block %p (%zu bytes) lost its first word", where, p, size);
	for (off = BENCH_PAGE; off + 16 <= size; off += BENCH_PAGE) {
		memcpy(&t, b + off, 8);
		if (t != (tag ^ off))
			bench_die("%s: block %p (%zu bytes) lost its word at +%zu",
				  where, p, size, off);
	}
	if (size >= 16) {
		memcpy(&t, b + size - 8, 8);
		if (t != ~tag)
			bench_die("%s: block %p (%zu bytes) lost its last word", where, p, size);
	}
	return tag;
}

/* The scale argument, in percent of the default work. */
static inline unsigned long bench_scale(int argc, char **argv)
{
	char *end;
	unsigned long s;

	if (argc < 2)
		return 100;
	s = strtoul(argv[1], &end, 10);
	if (*end || s > 100000)
		bench_die("usage: %s [scale percent, default 100]", argv[0]);
	return s;
}

static inline uint64_t bench_scaled(uint64_t n, unsigned long scale)
{
	return n * scale / 100;
}

/* Start @n threads running @fn, the i-th with &args[i * size], and join them. */
static inline void bench_run_threads(int n, void *(*fn)(void *), void *args,
				     size_t size)
{
	pthread_t tid[16];
	int i, err;

	if (n > 16)
		bench_die("at most 16 threads");
	for (i = 0; i < n; i++) {
		err = pthread_create(&tid[i], NULL, fn, (char *)args + i * size);
		if (err)
			bench_die("pthread_create: %s", strerror(err));
	}
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
}

static inline void bench_report(const char *name, uint64_t ops, uint64_t check)
{
	printf("%s ops=%" PRIu64 " check=%016" PRIx64 "\n", name, ops, check);
}

#endif
