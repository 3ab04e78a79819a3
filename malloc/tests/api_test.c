// SPDX-License-Identifier: GPL-2.0
/*
 * Every function of the API and the glibc semantics it promises: sizes,
 * alignment, zeroing, in-place realloc, error codes, the mmap threshold,
 * trimming, statistics, the chunk view and the heap map.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "tm_test.h"

#define BIG 2000

static bool is_aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

TM_TEST(malloc_zero_is_unique)
{
	void *a = toy_malloc(0), *b = toy_malloc(0);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(a, b);
	ASSERT_EQ(24, toy_malloc_usable_size(a));
	toy_free(a);
	toy_free(b);
}

TM_TEST(malloc_sizes_alignment_usable_size)
{
	size_t n;

	for (n = 0; n < 5000; n++) {
		unsigned char *p = toy_malloc(n);

		ASSERT_NE(NULL, p);
		ASSERT_TRUE(is_aligned(p, 16));
		ASSERT_EQ(expected_usable(n), toy_malloc_usable_size(p)) TH_LOG("n=%zu", n);
		memset(p, 0xa5, toy_malloc_usable_size(p));
		toy_free(p);
	}
}

TM_TEST(free_null_does_nothing)
{
	struct toy_malloc_stats before, after;

	toy_free(toy_malloc(10));
	toy_malloc_stats_get(&before);
	toy_free(NULL);
	toy_malloc_stats_get(&after);
	ASSERT_EQ(0, memcmp(&before, &after, sizeof(before)));
}

TM_TEST(usable_size_of_null_and_mapped)
{
	void *p = toy_malloc(1 << 20);

	ASSERT_EQ(0, toy_malloc_usable_size(NULL));
	/* One page-rounded mapping, less the 16-byte header. */
	ASSERT_EQ((((1 << 20) + 8 + 4095) & ~4095UL) - 16, toy_malloc_usable_size(p));
	toy_free(p);
}

TM_TEST(freed_chunk_is_reused_lifo)
{
	void *a = toy_malloc(100), *b = toy_malloc(100);

	toy_free(a);
	toy_free(b);
	ASSERT_EQ(b, toy_malloc(100));
	ASSERT_EQ(a, toy_malloc(100));
}

TM_TEST(calloc_zeroes_reused_memory)
{
	size_t sizes[] = { 1, 24, 100, 1000, BIG, 100000, 1 << 20 };
	size_t i, j;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = toy_malloc(sizes[i]), *q;

		memset(p, 0xff, sizes[i]);
		toy_free(p);
		q = toy_calloc(1, sizes[i]);
		ASSERT_NE(NULL, q);
		for (j = 0; j < sizes[i]; j++)
			ASSERT_EQ(0, q[j]) TH_LOG("size %zu byte %zu", sizes[i], j);
		toy_free(q);
	}
}

TM_TEST(calloc_and_reallocarray_overflow)
{
	void *p = toy_malloc(10);

	errno = 0;
	ASSERT_EQ(NULL, toy_calloc(SIZE_MAX / 2, 3));
	ASSERT_EQ(ENOMEM, errno);
	errno = 0;
	ASSERT_EQ(NULL, toy_reallocarray(p, (size_t)1 << 33, (size_t)1 << 32));
	ASSERT_EQ(ENOMEM, errno);
	ASSERT_EQ(10, ((p = toy_reallocarray(p, 5, 20)) != NULL) * 10);
	ASSERT_GE(toy_malloc_usable_size(p), 100);
	toy_free(p);
}

TM_TEST(huge_requests_fail_with_enomem)
{
	size_t sizes[] = { SIZE_MAX, SIZE_MAX - 4096, PTRDIFF_MAX, (size_t)1 << 62 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		errno = 0;
		ASSERT_EQ(NULL, toy_malloc(sizes[i]));
		ASSERT_EQ(ENOMEM, errno);
		errno = 0;
		ASSERT_EQ(NULL, toy_memalign(4096, sizes[i]));
		ASSERT_EQ(ENOMEM, errno);
	}
}

TM_TEST(realloc_null_allocates_and_zero_frees)
{
	void *p = toy_realloc(NULL, 100), *q;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(expected_usable(100), toy_malloc_usable_size(p));
	errno = 0;
	q = toy_realloc(p, 0);
	ASSERT_EQ(NULL, q);
	ASSERT_EQ(0, errno);
	/* p was freed: it is the thread cache's next block of its size. */
	ASSERT_EQ(p, toy_malloc(100));
}

TM_TEST(realloc_preserves_contents)
{
	unsigned char *p = toy_malloc(10);
	size_t n, i, old = 10;

	for (i = 0; i < old; i++)
		p[i] = (unsigned char)i;
	for (n = 17; n < (4 << 20); n = n * 3 / 2) {
		p = toy_realloc(p, n);
		ASSERT_NE(NULL, p);
		for (i = 0; i < old; i++)
			ASSERT_EQ((unsigned char)i, p[i]) TH_LOG("n=%zu i=%zu", n, i);
		for (i = old; i < n; i++)
			p[i] = (unsigned char)i;
		old = n;
	}
	for (n = old; n > 8; n /= 3) {
		p = toy_realloc(p, n);
		for (i = 0; i < n; i++)
			ASSERT_EQ((unsigned char)i, p[i]);
	}
	toy_free(p);
}

TM_TEST(realloc_grows_into_top_in_place)
{
	char *p = toy_malloc(BIG);

	ASSERT_EQ(p, toy_realloc(p, 10 * BIG));
	ASSERT_EQ(expected_usable(10 * BIG), toy_malloc_usable_size(p));
	toy_free(p);
}

TM_TEST(realloc_grows_into_free_neighbour_in_place)
{
	char *a = toy_malloc(BIG), *b = toy_malloc(BIG);

	toy_malloc(BIG);
	toy_free(b);
	ASSERT_EQ(a, toy_realloc(a, 2 * BIG));
	toy_free(a);
}

TM_TEST(realloc_shrinks_in_place)
{
	char *p = toy_malloc(10 * BIG);
	struct toy_malloc_stats st;

	toy_malloc(BIG);
	ASSERT_EQ(p, toy_realloc(p, BIG));
	ASSERT_EQ(expected_usable(BIG), toy_malloc_usable_size(p));
	toy_malloc_stats_get(&st);
	ASSERT_EQ(1, st.bin_chunks[1]);	/* the tail, freed into the unsorted bin */
	toy_free(p);
}

TM_TEST(realloc_failure_keeps_the_block)
{
	char *p = toy_malloc(100);

	memset(p, 7, 100);
	errno = 0;
	ASSERT_EQ(NULL, toy_realloc(p, SIZE_MAX - 100));
	ASSERT_EQ(ENOMEM, errno);
	ASSERT_EQ(7, p[99]);
	toy_free(p);
}

TM_TEST(posix_memalign_rules)
{
	size_t bad[] = { 0, 1, 2, 4, 12, 24, 48, 4097 };
	void *p = (void *)1;
	size_t a, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 1234;
		ASSERT_EQ(EINVAL, toy_posix_memalign(&p, bad[i], 10)) TH_LOG("align %zu", bad[i]);
		ASSERT_EQ((void *)1, p);
		ASSERT_EQ(1234, errno);
	}
	for (a = 8; a <= (1 << 22); a *= 2) {
		ASSERT_EQ(0, toy_posix_memalign(&p, a, 100));
		ASSERT_TRUE(is_aligned(p, a));
		ASSERT_GE(toy_malloc_usable_size(p), 100);
		memset(p, 1, 100);
		toy_free(p);
	}
	errno = 1234;
	ASSERT_EQ(ENOMEM, toy_posix_memalign(&p, 64, SIZE_MAX - 10));
	ASSERT_EQ(1234, errno);
}

TM_TEST(aligned_alloc_rules)
{
	size_t a;
	void *p;

	errno = 0;
	ASSERT_EQ(NULL, toy_aligned_alloc(0, 10));
	ASSERT_EQ(EINVAL, errno);
	errno = 0;
	ASSERT_EQ(NULL, toy_aligned_alloc(24, 10));
	ASSERT_EQ(EINVAL, errno);
	for (a = 1; a <= (1 << 20); a *= 2) {
		p = toy_aligned_alloc(a, 3 * a);
		ASSERT_NE(NULL, p);
		ASSERT_TRUE(is_aligned(p, a < 16 ? 16 : a));
		ASSERT_GE(toy_malloc_usable_size(p), 3 * a);
		toy_free(p);
	}
}

TM_TEST(memalign_rounds_up_and_rejects_huge)
{
	void *p = toy_memalign(48, 100);	/* rounded up to 64 */

	ASSERT_NE(NULL, p);
	ASSERT_TRUE(is_aligned(p, 64));
	toy_free(p);
	errno = 0;
	ASSERT_EQ(NULL, toy_memalign(SIZE_MAX / 2 + 2, 10));
	ASSERT_EQ(EINVAL, errno);
}

TM_TEST(memalign_many_keep_heap_consistent)
{
	void *p[200];
	int i;

	for (i = 0; i < 200; i++) {
		p[i] = toy_memalign(32 << (i % 8), 1 + i * 37);
		ASSERT_TRUE(is_aligned(p[i], 32 << (i % 8)));
		memset(p[i], i, 1 + i * 37);
	}
	ASSERT_EQ(0, toy_malloc_check());
	for (i = 0; i < 200; i += 2)
		toy_free(p[i]);
	for (i = 1; i < 200; i += 2)
		toy_free(p[i]);
}

TM_TEST(valloc_and_pvalloc)
{
	long page = sysconf(_SC_PAGESIZE);
	void *v = toy_valloc(10), *pv = toy_pvalloc(page + 1), *z = toy_pvalloc(0);

	ASSERT_TRUE(is_aligned(v, page));
	ASSERT_TRUE(is_aligned(pv, page));
	ASSERT_GE(toy_malloc_usable_size(pv), 2 * (size_t)page);
	ASSERT_NE(NULL, z);
	ASSERT_TRUE(is_aligned(z, page));
	errno = 0;
	ASSERT_EQ(NULL, toy_pvalloc(SIZE_MAX - 10));
	ASSERT_EQ(ENOMEM, errno);
	toy_free(v);
	toy_free(pv);
	toy_free(z);
}

TM_TEST(mmap_threshold_and_adaptation)
{
	struct toy_malloc_stats st;
	void *p = toy_malloc(200 * 1024), *q;

	toy_malloc_stats_get(&st);
	ASSERT_EQ(1, st.mmapped_chunks);
	ASSERT_GE(st.mmapped_bytes, 200 * 1024);
	ASSERT_EQ(128 * 1024, st.mmap_threshold);
	ASSERT_TRUE(HDR_SIZE(p) & 2);	/* IS_MMAPPED */
	toy_free(p);
	toy_malloc_stats_get(&st);
	ASSERT_EQ(0, st.mmapped_chunks);
	ASSERT_EQ(0, st.mmapped_bytes);
	/* Freeing a mapped block raised the threshold to its size. */
	ASSERT_GT(st.mmap_threshold, 200 * 1024);
	q = toy_malloc(200 * 1024);
	ASSERT_FALSE(HDR_SIZE(q) & 2);
	toy_free(q);
}

TM_TEST(mmap_threshold_env)
{
	struct toy_malloc_stats st;
	void *p;

	setenv("TOYMALLOC_MMAP_THRESHOLD", "65536", 1);
	p = toy_malloc(70000);
	ASSERT_TRUE(HDR_SIZE(p) & 2);
	toy_free(p);
	toy_malloc_stats_get(&st);
	ASSERT_EQ(65536, st.mmap_threshold);
}

TM_TEST(mapped_realloc_uses_mremap)
{
	char *p = toy_malloc(1 << 20);
	struct toy_malloc_stats st;

	memset(p, 3, 1 << 20);
	p = toy_realloc(p, 8 << 20);
	ASSERT_TRUE(HDR_SIZE(p) & 2);
	ASSERT_EQ(3, p[(1 << 20) - 1]);
	toy_malloc_stats_get(&st);
	ASSERT_EQ(1, st.mmapped_chunks);
	ASSERT_GE(st.mmapped_bytes, 8 << 20);
	toy_free(p);
}

/*
 * A mapped block grown a little at a time is remapped with a quarter to
 * spare: 1 MiB reached in 4 KiB steps from 256 KiB takes seven mremap()
 * calls (a new usable size each), not one per step, and the margin never
 * exceeds a quarter plus a page.  Within the margin the block stays put.
 */
TM_TEST(mapped_realloc_grows_with_a_margin)
{
	size_t n, usable, last = 0, sizes = 0;
	char *p = toy_malloc(256 << 10);

	ASSERT_TRUE(HDR_SIZE(p) & 2);
	memset(p, 5, 256 << 10);
	for (n = (256 << 10) + 4096; n <= (1 << 20); n += 4096) {
		p = toy_realloc(p, n);
		ASSERT_NE(NULL, p);
		ASSERT_TRUE(HDR_SIZE(p) & 2);
		ASSERT_EQ(5, p[(256 << 10) - 1]);
		usable = toy_malloc_usable_size(p);
		ASSERT_GE(usable, n);
		ASSERT_LE(usable, n + n / 4 + 4096);
		if (usable != last)
			sizes++;
		last = usable;
	}
	ASSERT_LE(sizes, 12) TH_LOG("%zu remaps for 192 steps", sizes);
	/* Shrunk well below its size, it gives the pages back. */
	p = toy_realloc(p, 300 << 10);
	ASSERT_LE(toy_malloc_usable_size(p), (300 << 10) + 4096);
	toy_free(p);
}

/* Where the address space has room for the block but not for the margin, it still grows. */
TM_TEST(mapped_realloc_grows_without_room_for_the_margin)
{
	unsigned long pages = 0;
	struct rlimit lim;
	FILE *f = fopen("/proc/self/statm", "r");
	char *p = toy_malloc(100 << 20), *q;

	ASSERT_NE(NULL, p);
	ASSERT_TRUE(HDR_SIZE(p) & 2);
	p[(100 << 20) - 1] = 7;
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%lu", &pages));
	fclose(f);
	lim.rlim_cur = lim.rlim_max = pages * 4096 + (15 << 20);
	ASSERT_EQ(0, setrlimit(RLIMIT_AS, &lim));
	q = toy_realloc(p, 110 << 20);	/* 10 MiB more fits; a quarter more does not */
	ASSERT_NE(NULL, q);
	ASSERT_EQ(7, q[(100 << 20) - 1]);
	ASSERT_GE(toy_malloc_usable_size(q), (size_t)110 << 20);
	toy_free(q);
}

/* Resident pages of the process, from /proc/self/statm. */
static long resident_pages(void)
{
	char buf[128] = "";
	long size = 0, res = 0;
	int fd = open("/proc/self/statm", O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	sscanf(buf, "%ld %ld", &size, &res);
	return res;
}

TM_TEST(top_is_trimmed)
{
	struct toy_malloc_stats st0, st1, st2;
	void *p[5000];
	int i;

	toy_free(toy_malloc(1));
	toy_malloc_stats_get(&st0);
	for (i = 0; i < 5000; i++)
		p[i] = toy_malloc(BIG);
	toy_malloc_stats_get(&st1);
	ASSERT_GE(st1.system_bytes, 5000 * BIG);
	for (i = 4999; i >= 0; i--)
		toy_free(p[i]);
	toy_malloc_stats_get(&st2);
	/* Back to at most the pad kept at the top (1 MiB) plus the trim threshold. */
	ASSERT_LT(st2.system_bytes, st0.system_bytes + (1 << 20) + 128 * 1024 + 4096);
}

/*
 * With the threshold raised past 4 MiB (trim threshold twice that), touched
 * top is trimmed once a trim threshold of it lies free beyond the half of
 * one kept (and TRIM_KEEP), back to that half; so top never holds more
 * than one and a half trim thresholds, not the 2.5 it could hold waiting
 * for twice the threshold to be free beyond the pad.
 */
TM_TEST(top_is_trimmed_past_one_threshold)
{
	struct toy_malloc_stats st;
	const size_t mib = 1 << 20;
	size_t system, keep, trims = 0;
	char *p[24];
	int i;

	toy_free(toy_malloc(4 * mib));	/* mapped; its free raises the threshold */
	toy_malloc_stats_get(&st);
	ASSERT_GT(st.mmap_threshold, 4 * mib);
	keep = 128 * 1024 + st.mmap_threshold;	/* TRIM_KEEP + trim threshold / 2 */
	for (i = 0; i < 24; i++) {
		p[i] = toy_malloc(mib - 64);
		memset(p[i], 1, mib - 64);
	}
	toy_malloc_stats_get(&st);
	ASSERT_EQ(0, st.mmapped_chunks);
	ASSERT_GE(st.system_bytes, 24 * mib);
	system = st.system_bytes;
	for (i = 23; i >= 0; i--) {
		toy_free(p[i]);
		toy_malloc_stats_get(&st);
		if (st.system_bytes < system) {
			trims++;
			ASSERT_LE(st.top_bytes, keep + 4096)
				TH_LOG("trimmed to %zu bytes, threshold %zu", st.top_bytes,
				       st.mmap_threshold);
		}
		system = st.system_bytes;
		ASSERT_LE(st.top_bytes, keep + 2 * st.mmap_threshold + 4096);
	}
	ASSERT_GE(trims, 1);
}

TM_TEST(large_free_chunks_give_pages_back)
{
	char *p[100];
	long before, after;
	int i;

	for (i = 0; i < 100; i++) {
		p[i] = toy_malloc(100000);	/* below the mmap threshold */
		memset(p[i], 1, 100000);
	}
	toy_malloc(BIG);	/* keeps them from merging into top */
	before = resident_pages();
	for (i = 0; i < 100; i++)
		toy_free(p[i]);
	after = resident_pages();
	/* Once the free chunk passes four trim thresholds, each block's pages go. */
	ASSERT_LT(after, before - (8 << 20) / 4096) TH_LOG("%ld -> %ld pages", before, after);
}

TM_TEST(malloc_trim_releases_free_pages)
{
	char *p[64];
	int i;
	long before, after;

	setenv("TOYMALLOC_MMAP_THRESHOLD", "67108864", 1);
	for (i = 0; i < 64; i++) {
		p[i] = toy_malloc(256 * 1024);
		memset(p[i], 1, 256 * 1024);
	}
	for (i = 0; i < 64; i += 2)
		toy_free(p[i]);	/* 256 KiB holes, each below the madvise size */
	before = resident_pages();
	ASSERT_EQ(1, toy_malloc_trim(0));
	after = resident_pages();
	ASSERT_LT(after, before - 32 * 60);
	for (i = 1; i < 64; i += 2)
		toy_free(p[i]);
}

TM_TEST(stats_count_bins)
{
	struct toy_malloc_stats st;
	void *p[10];
	int i;

	for (i = 0; i < 10; i++) {
		p[i] = toy_malloc(BIG);
		toy_malloc(BIG);
	}
	for (i = 0; i < 10; i++)
		toy_free(p[i]);
	toy_malloc_stats_get(&st);
	ASSERT_EQ(10, st.bin_chunks[1]);
	ASSERT_EQ(10 * (BIG + 16), st.bin_bytes[1]);
	ASSERT_EQ(10, st.free_chunks);
	toy_malloc(3000);	/* sorts them into their small... large bin */
	toy_malloc_stats_get(&st);
	ASSERT_EQ(0, st.bin_chunks[1]);
	ASSERT_EQ(10, st.free_chunks);
	ASSERT_EQ(1, st.arenas);
	ASSERT_EQ(st.system_bytes, st.in_use_bytes + st.free_bytes + st.fast_bytes + st.top_bytes);
}

TM_TEST(stats_count_fastbins_and_tcache)
{
	struct toy_malloc_stats st;
	void *p[20];
	int i;

	size_t cached;

	for (i = 0; i < 20; i++)
		p[i] = toy_malloc(100);
	toy_malloc(100);
	toy_malloc_stats_get(&st);
	cached = st.tcache_chunks;	/* the last miss refilled the cache */
	for (i = 0; i < 20; i++)
		toy_free(p[i]);
	toy_malloc_stats_get(&st);
	ASSERT_EQ(16, st.tcache_count);
	/* A full cache keeps its newest half and sends the rest to the fastbin. */
	ASSERT_LE(st.tcache_chunks, st.tcache_count);
	ASSERT_GE(st.tcache_chunks, st.tcache_count / 2);
	ASSERT_EQ(20 + cached, st.tcache_chunks + st.fast_chunks);
	ASSERT_EQ(st.tcache_chunks * 112, st.tcache_bytes);
	ASSERT_EQ(st.fast_chunks * 112, st.fast_bytes);
}

/* Sixteen chunks of a small size, but no more than 2 KiB of a large one. */
TM_TEST(tcache_holds_few_bytes_of_a_large_size)
{
	struct toy_malloc_stats st, before;
	void *p[20];
	int i;

	for (i = 0; i < 20; i++)
		p[i] = toy_malloc(1000);
	ASSERT_EQ(1008, CHUNK_SIZE(p[0]));
	toy_malloc_stats_get(&before);
	ASSERT_EQ(0, before.tcache_chunks);
	for (i = 0; i < 20; i++) {
		toy_free(p[i]);
		toy_malloc_stats_get(&st);
		ASSERT_LE(st.tcache_bytes, st.tcache_size_bytes) TH_LOG("after %d frees", i + 1);
	}
	ASSERT_EQ(2048, st.tcache_size_bytes);
	ASSERT_EQ(16, st.tcache_count);
	ASSERT_GE(st.tcache_chunks, 1);
	/* The rest went back to the arena (cached chunks count as in use). */
	ASSERT_EQ(20 * 1008 - st.tcache_bytes, before.in_use_bytes - st.in_use_bytes);
	for (i = 0; i < 20; i++)
		p[i] = toy_malloc(100);
	for (i = 0; i < 20; i++)
		toy_free(p[i]);
	toy_malloc_stats_get(&st);
	ASSERT_GE(st.tcache_chunks, 16 / 2 + 1);	/* 112-byte chunks: the count is the bound */
	ASSERT_EQ(0, toy_malloc_check());
}

TM_TEST(tcache_bytes_env_sets_the_bound)
{
	struct toy_malloc_stats st;
	void *p[8];
	int i;

	setenv("TOYMALLOC_TCACHE_BYTES", "100", 1);
	for (i = 0; i < 8; i++)
		p[i] = toy_malloc(40);
	for (i = 0; i < 8; i++)
		toy_free(p[i]);
	toy_malloc_stats_get(&st);
	ASSERT_EQ(100, st.tcache_size_bytes);
	/* 48-byte chunks: two fit in 100 bytes; the newest stays after a spill. */
	ASSERT_LE(st.tcache_chunks, 2);
	ASSERT_GE(st.tcache_chunks, 1);
	for (i = 0; i < 8; i++)
		p[i] = toy_malloc(1000);
	for (i = 0; i < 8; i++)
		toy_free(p[i]);
	toy_malloc_stats_get(&st);
	/* Always one chunk of a size, even larger than the bound. */
	ASSERT_LE(st.tcache_chunks, 2 + 1);
	ASSERT_EQ(0, toy_malloc_check());
}

TM_TEST(tcache_env_sets_the_count)
{
	struct toy_malloc_stats st;
	void *a = NULL, *b;

	setenv("TOYMALLOC_TCACHE", "0", 1);
	b = toy_malloc(100);
	toy_malloc(100);
	toy_free(b);
	toy_malloc_stats_get(&st);
	ASSERT_EQ(0, st.tcache_count);
	ASSERT_EQ(0, st.tcache_chunks);
	ASSERT_EQ(1, st.fast_chunks);
	ASSERT_EQ(b, a = toy_malloc(100));
	toy_free(a);
}

static void print_stats(void)
{
	toy_free(toy_malloc(BIG));
	toy_malloc_stats();
}

TM_TEST(malloc_stats_prints)
{
	char out[4096];
	int st = run_captured(print_stats, out, sizeof(out));

	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_NE(NULL, strstr(out, "system bytes     ="));
	ASSERT_NE(NULL, strstr(out, "mmap threshold   =     131072"));
}

TM_TEST(view_lists_every_chunk)
{
	char *a = toy_malloc(8), *b = toy_malloc(BIG), *c = toy_malloc(100), line[256];
	char buf[8192];
	FILE *f;
	int fd[2];
	ssize_t n;
	int lines = 0, found = 0;

	toy_free(b);
	ASSERT_EQ(0, pipe(fd));
	toy_malloc_view(fd[1]);
	close(fd[1]);
	n = read(fd[0], buf, sizeof(buf) - 1);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	f = fmemopen(buf, n, "r");
	while (fgets(line, sizeof(line), f)) {
		void *addr;
		unsigned long prev, size;
		int inuse;

		lines++;
		if (sscanf(line, "chunk addr = %p, prev size = %lu, size: %lu, prev inuse: %d",
			   &addr, &prev, &size, &inuse) != 4)
			continue;
		if (addr == a - 16) {
			ASSERT_EQ(32, size);
			found++;
		} else if (addr == b - 16) {
			ASSERT_EQ(2016, size);
			found++;
		} else if (addr == c - 16) {
			ASSERT_EQ(112, size);
			ASSERT_EQ(0, inuse);	/* b before it is free */
			ASSERT_EQ(2016, prev);
			found++;
		}
	}
	fclose(f);
	ASSERT_EQ(3, found);
	ASSERT_EQ(0, strncmp(buf, "=====trunk view begin=====\n", 27));
	ASSERT_NE(NULL, strstr(buf, "(top)\n=====trunk view end=====\n"));
}

TM_TEST(heap_map_writes_png)
{
	const char *path = getenv("TOYMALLOC_HEAPMAP");
	char tmp[] = "/tmp/tm-heapmap-XXXXXX";
	unsigned char sig[24];
	void *p[3000];
	int i, fd;

	for (i = 0; i < 3000; i++)
		p[i] = toy_malloc(16 + (i * 7919) % 3000);
	for (i = 0; i < 3000; i += 3)
		toy_free(p[i]);
	if (!path) {
		fd = mkstemp(tmp);
		ASSERT_GE(fd, 0);
		close(fd);
		path = tmp;
	}
	ASSERT_EQ(0, toy_malloc_heap_map(path));
	fd = open(path, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(24, read(fd, sig, 24));
	close(fd);
	if (path == tmp)
		unlink(tmp);
	ASSERT_EQ(0, memcmp(sig, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\0", 20));	/* 512 wide */
	ASSERT_GT((sig[20] << 24) | (sig[21] << 16) | (sig[22] << 8) | sig[23], 0);
}

/* With the program break blocked by a mapping, the main arena goes on in mmap'd segments. */
TM_TEST(main_arena_falls_back_to_mmap_when_brk_cannot_grow)
{
	struct toy_malloc_stats before, after;
	uintptr_t brk_end;
	void *block, *p[5000];
	int i, outside = 0;

	toy_free(toy_malloc(BIG));
	brk_end = ((uintptr_t)sbrk(0) + 4095) & ~4095UL;
	block = mmap((void *)brk_end, 4096, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ((void *)brk_end, block);
	ASSERT_EQ((void *)-1, sbrk(4096));
	toy_malloc_stats_get(&before);
	for (i = 0; i < 5000; i++) {
		p[i] = toy_malloc(BIG);
		ASSERT_NE(NULL, p[i]);
		ASSERT_EQ(0, HDR_SIZE(p[i]) & 6);	/* a main-arena chunk, not mapped on its own */
		memset(p[i], i, BIG);
		outside += (uintptr_t)p[i] > brk_end;
	}
	toy_malloc_stats_get(&after);
	ASSERT_GE(after.system_bytes, before.system_bytes + 5000 * BIG - (1 << 20) - 128 * 1024);
	ASSERT_GT(outside, 4000);
	ASSERT_EQ(0, toy_malloc_check());
	for (i = 0; i < 5000; i++)
		toy_free(p[i]);
}

TM_TEST(malloc_trim_on_a_fresh_process)
{
	ASSERT_EQ(0, toy_malloc_trim(0));
}

TEST_HARNESS_MAIN
