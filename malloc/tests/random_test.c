// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded randomized differential test: millions of malloc, calloc, realloc,
 * memalign and free calls, each made on toymalloc and, for the same request,
 * on glibc's malloc.  Every block is filled with a pattern from its seed; on
 * realloc and free the toymalloc block must still hold the pattern and match
 * its glibc twin byte for byte.  Usable sizes must be exact and alignments
 * kept; the heap is validated every 250,000 operations and at the end.
 * TM_RANDOM_OPS and TM_RANDOM_SEED override the defaults.
 */
#include <malloc.h>
#include <stdlib.h>

#include "tm_test.h"

#define SLOTS 4096

struct slot {
	unsigned char *toy, *ref;
	size_t n;
	uint32_t seed;
	size_t align;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Mostly small, sometimes medium, rarely past the mmap threshold. */
static size_t random_size(void)
{
	uint64_t r = rnd() % 1000;

	if (r < 800)
		return rnd() % 300;
	if (r < 980)
		return rnd() % 5000;
	if (r < 998)
		return rnd() % 100000;
	return rnd() % 600000;
}

static void fill(unsigned char *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 131);
}

static bool holds(const unsigned char *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 131))
			return false;
	return true;
}

static size_t usable_expected(const unsigned char *p, size_t n)
{
	size_t hdr = ((const size_t *)p)[-1];

	if (hdr & 2)	/* mapped: the whole mapping less the header */
		return (hdr & ~(size_t)7) - 16;
	/* The chunk less its size word: the request rounded, or a few bytes more
	 * when splitting off the rest would leave less than a minimum chunk.
	 */
	if ((hdr & ~(size_t)7) - 8 > expected_usable(n) + 16)
		return 0;
	return (hdr & ~(size_t)7) - 8;
}

TM_TEST_TIMEOUT(random_differential, 120)
{
	static struct slot s[SLOTS];
	const char *ops_env = getenv("TM_RANDOM_OPS"), *seed_env = getenv("TM_RANDOM_SEED");
	long ops = ops_env ? atol(ops_env) : 3000000;
	long op;
	int i;

	rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x70e11a0c;
	TH_LOG("seed %#llx, %ld operations", (unsigned long long)rng_state, ops);
	for (op = 0; op < ops; op++) {
		struct slot *x = &s[rnd() % SLOTS];
		unsigned kind = rnd() % 10;
		size_t n = random_size();

		if (x->toy) {
			ASSERT_TRUE(holds(x->toy, x->n, x->seed)) TH_LOG("op %ld", op);
			ASSERT_EQ(0, memcmp(x->toy, x->ref, x->n));
			ASSERT_EQ(usable_expected(x->toy, x->n), toy_malloc_usable_size(x->toy));
		}
		if (x->toy && kind < 3) {	/* realloc: keeps the common prefix */
			unsigned char *t = toy_realloc(x->toy, n), *r = realloc(x->ref, n);

			ASSERT_EQ(!!t, !!r);
			if (n == 0) {
				ASSERT_EQ(NULL, t);
				free(r);
				x->toy = x->ref = NULL;
				continue;
			}
			ASSERT_NE(NULL, t);
			ASSERT_TRUE(((uintptr_t)t & 15) == 0);
			ASSERT_EQ(0, memcmp(t, r, n < x->n ? n : x->n));
			ASSERT_TRUE(holds(t, n < x->n ? n : x->n, x->seed));
			x->toy = t;
			x->ref = r;
			x->n = n;
			fill(t, n, x->seed);
			fill(r, n, x->seed);
			continue;
		}
		if (x->toy) {
			toy_free(x->toy);
			free(x->ref);
			x->toy = x->ref = NULL;
			if (kind < 6)
				continue;
		}
		x->seed = (uint32_t)rnd();
		x->n = n;
		x->align = 16;
		if (kind == 6) {
			size_t i2;

			x->toy = toy_calloc(1, n);
			x->ref = calloc(1, n);
			for (i2 = 0; i2 < n; i2++)
				ASSERT_EQ(0, x->toy[i2]);
		} else if (kind == 7) {
			x->align = (size_t)32 << (rnd() % 9);
			x->toy = toy_memalign(x->align, n);
			x->ref = memalign(x->align, n);
			ASSERT_TRUE(((uintptr_t)x->toy & (x->align - 1)) == 0);
			ASSERT_GE(toy_malloc_usable_size(x->toy), n);
		} else {
			x->toy = toy_malloc(n);
			x->ref = malloc(n);
			ASSERT_EQ(usable_expected(x->toy, n), toy_malloc_usable_size(x->toy));
			ASSERT_GE(toy_malloc_usable_size(x->toy), n);
		}
		ASSERT_NE(NULL, x->toy);
		ASSERT_NE(NULL, x->ref);
		ASSERT_TRUE(((uintptr_t)x->toy & 15) == 0);
		fill(x->toy, n, x->seed);
		fill(x->ref, n, x->seed);
		if (op % 250000 == 0)
			ASSERT_EQ(0, toy_malloc_check());
	}
	ASSERT_EQ(0, toy_malloc_check());
	for (i = 0; i < SLOTS; i++) {
		if (!s[i].toy)
			continue;
		ASSERT_TRUE(holds(s[i].toy, s[i].n, s[i].seed));
		toy_free(s[i].toy);
		free(s[i].ref);
	}
}

/* The same under TOYMALLOC_CHECK=1, shorter: the validator runs at every call. */
TM_TEST(random_with_check_env)
{
	void *p[64] = { 0 };
	int i;

	setenv("TOYMALLOC_CHECK", "1", 1);
	rng_state = 12345;
	for (i = 0; i < 3000; i++) {
		int k = rnd() % 64;

		if (p[k]) {
			toy_free(p[k]);
			p[k] = NULL;
		} else {
			p[k] = toy_malloc(random_size());
			ASSERT_NE(NULL, p[k]);
		}
	}
	for (i = 0; i < 64; i++)
		toy_free(p[i]);
}

TEST_HARNESS_MAIN
