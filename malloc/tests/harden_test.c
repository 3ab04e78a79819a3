// SPDX-License-Identifier: GPL-2.0
/*
 * Every hardening check, triggered on purpose: each case corrupts the heap
 * the way a buggy program would, in a child process, and asserts that the
 * allocator aborts with its one-line message.  The tests' own heaps are
 * validated afterwards, so the corruption never leaks out of the child.
 */
#include <pthread.h>
#include <stdlib.h>

#include "tm_test.h"

#define BIG 2000	/* a size the thread cache does not take */

/* For the checks behind the thread cache: every free goes to the arena. */
static void no_tcache(void)
{
	setenv("TOYMALLOC_TCACHE", "0", 1);
}

static void tcache_double_free(void)
{
	void *p = toy_malloc(24);

	toy_free(p);
	toy_free(p);
}

TM_TEST(double_free_in_tcache)
{
	ASSERT_ABORTS(tcache_double_free, "free(): double free detected in tcache");
}

static void *free_twice(void *p)
{
	struct toy_malloc_stats st;

	toy_free(p);
	toy_malloc_stats_get(&st);
	if (st.outbound_chunks != 1 || st.tcache_chunks != 0)
		exit(0);	/* not where the test expects it: no abort, the test fails */
	toy_free(p);
	return NULL;
}

/* The second free finds the block on the thread's outbound list, not in its cache. */
static void outbound_double_free(void)
{
	pthread_t t;

	pthread_create(&t, NULL, free_twice, toy_malloc(24));
	pthread_join(t, NULL);
}

TM_TEST(double_free_of_another_threads_block)
{
	ASSERT_ABORTS(outbound_double_free, "free(): double free detected in tcache");
}

static void fasttop_double_free(void)
{
	void *p;

	no_tcache();
	p = toy_malloc(100);
	toy_free(p);
	toy_free(p);
}

TM_TEST(double_free_fastbin_top)
{
	ASSERT_ABORTS(fasttop_double_free, "double free or corruption (fasttop)");
}

static void misaligned_free(void)
{
	char *p = toy_malloc(64);

	toy_free(p + 8);
}

TM_TEST(free_misaligned_pointer)
{
	ASSERT_ABORTS(misaligned_free, "free(): invalid pointer");
}

static void wrapping_free(void)
{
	static _Alignas(16) size_t fake[8];

	fake[1] = (size_t)-64;	/* chunk + size wraps around the address space */
	toy_free(&fake[2]);
}

TM_TEST(free_pointer_that_wraps)
{
	ASSERT_ABORTS(wrapping_free, "free(): invalid pointer");
}

static void bad_size_free(void)
{
	size_t *p = toy_malloc(64);

	p[-1] = 40 | 1;	/* not a multiple of 16 */
	toy_free(p);
}

static void tiny_size_free(void)
{
	size_t *p = toy_malloc(64);

	p[-1] = 16 | 1;	/* below the minimum chunk */
	toy_free(p);
}

TM_TEST(free_corrupted_size)
{
	ASSERT_ABORTS(bad_size_free, "free(): invalid size");
	ASSERT_ABORTS(tiny_size_free, "free(): invalid size");
}

static void bad_realloc(void)
{
	char *p = toy_malloc(64);

	toy_realloc(p + 8, 100);
}

TM_TEST(realloc_misaligned_pointer)
{
	ASSERT_ABORTS(bad_realloc, "realloc(): invalid pointer");
}

static void fast_next_size(void)
{
	char *p;

	no_tcache();
	p = toy_malloc(100);
	HDR_SIZE(p + CHUNK_SIZE(p)) = 1;	/* next chunk: size 0 */
	toy_free(p);
}

TM_TEST(free_invalid_next_size_fast)
{
	ASSERT_ABORTS(fast_next_size, "free(): invalid next size (fast)");
}

static void normal_next_size(void)
{
	char *p = toy_malloc(BIG);

	toy_malloc(BIG);
	HDR_SIZE(p + CHUNK_SIZE(p)) = 1;	/* next chunk: size 0, still "prev in use" */
	toy_free(p);
}

TM_TEST(free_invalid_next_size_normal)
{
	ASSERT_ABORTS(normal_next_size, "free(): invalid next size (normal)");
}

static void double_free_prev(void)
{
	char *p = toy_malloc(BIG);

	toy_malloc(BIG);	/* keeps p away from top */
	toy_free(p);
	toy_free(p);
}

TM_TEST(double_free_not_prev_inuse)
{
	ASSERT_ABORTS(double_free_prev, "double free or corruption (!prev)");
}

static void double_free_top(void)
{
	char *p = toy_malloc(BIG);

	toy_free(p);	/* merges into top */
	toy_free(p);
}

TM_TEST(double_free_of_top)
{
	ASSERT_ABORTS(double_free_top, "double free or corruption (top)");
}

static void free_out_of_arena(void)
{
	char *p = toy_malloc(BIG);

	HDR_SIZE(p) = (CHUNK_SIZE(p) + (64UL << 20)) | 1;	/* next chunk past top */
	toy_free(p);
}

TM_TEST(free_chunk_reaching_past_top)
{
	ASSERT_ABORTS(free_out_of_arena, "double free or corruption (out)");
}

static void consolidate_prev_size(void)
{
	char *a = toy_malloc(BIG), *b = toy_malloc(BIG);

	toy_malloc(BIG);
	toy_free(a);
	HDR_PREV_SIZE(b) += 32;	/* a's footer, as an overflow of a would leave it */
	toy_free(b);
}

TM_TEST(corrupted_prev_size_while_consolidating)
{
	ASSERT_ABORTS(consolidate_prev_size, "corrupted size vs. prev_size while consolidating");
}

static void unlink_prev_size(void)
{
	char *a = toy_malloc(BIG), *b = toy_malloc(BIG), *c = toy_malloc(BIG);

	toy_malloc(BIG);
	toy_free(b);
	HDR_PREV_SIZE(c) += 32;	/* b's footer */
	toy_free(a);	/* merges forward into b */
}

TM_TEST(corrupted_size_vs_prev_size_on_unlink)
{
	ASSERT_ABORTS(unlink_prev_size, "corrupted size vs. prev_size");
}

static void unlink_fd_bk(void)
{
	char *a = toy_malloc(BIG), *b = toy_malloc(BIG);
	static struct { size_t w[6]; } fake;

	toy_malloc(BIG);
	toy_free(a);
	toy_malloc(3000);	/* sorts a into its bin */
	((void **)a)[0] = &fake;	/* a->fd, whose bk is not a */
	toy_free(b);	/* merges back into a: unlink(a) */
}

TM_TEST(corrupted_double_linked_list_on_unlink)
{
	ASSERT_ABORTS(unlink_fd_bk, "corrupted double-linked list");
}

static void corrupt_top(void)
{
	char *p = toy_malloc(BIG);

	*(size_t *)(p + toy_malloc_usable_size(p)) = ((size_t)1 << 50) | 1;	/* top's size */
	toy_malloc(50000);
}

TM_TEST(corrupted_top_size)
{
	ASSERT_ABORTS(corrupt_top, "malloc(): corrupted top size");
}

static void fast_chunk_size(void)
{
	char *p;

	no_tcache();
	p = toy_malloc(100);
	toy_malloc(100);
	toy_free(p);
	HDR_SIZE(p) = 0x300 | 1;
	toy_malloc(100);
}

TM_TEST(fastbin_chunk_with_wrong_size)
{
	ASSERT_ABORTS(fast_chunk_size, "malloc(): memory corruption (fast)");
}

static void tcache_unaligned(void)
{
	void **p = toy_malloc(40), **q = toy_malloc(40);

	toy_free(p);
	toy_free(q);
	/* q's next pointer, safe-linked, now decodes to a misaligned address */
	q[0] = (void *)(((uintptr_t)&q[0] >> 12) ^ 0x1008);
	toy_malloc(40);
}

TM_TEST(tcache_next_pointer_misaligned)
{
	ASSERT_ABORTS(tcache_unaligned, "malloc(): unaligned tcache chunk detected");
}

/* A plain pointer written over a safe-linked fastbin link decodes to garbage. */
static void fastbin_plain_pointer(void)
{
	void **p, **other;

	no_tcache();
	other = toy_malloc(100);
	do	/* the link's address must not end in a zero nibble above bit 12 */
		p = toy_malloc(100);
	while (!(((uintptr_t)p >> 12) & 15));
	toy_malloc(100);
	toy_free(p);
	p[0] = other;	/* an aligned, unprotected pointer */
	toy_malloc(100);
	toy_malloc(100);
}

TM_TEST(fastbin_safe_linking_catches_plain_pointer)
{
	ASSERT_ABORTS(fastbin_plain_pointer, "malloc(): unaligned fastbin chunk detected");
}

static void smallbin_links(void)
{
	static struct { void *w[6]; } fake;
	char *a;

	no_tcache();
	a = toy_malloc(500);
	toy_malloc(500);
	toy_free(a);	/* unsorted */
	toy_malloc(3000);	/* sorted into its small bin */
	((void **)a)[1] = &fake;	/* a->bk, whose fd is not a */
	toy_malloc(500);
}

TM_TEST(smallbin_list_corrupted)
{
	ASSERT_ABORTS(smallbin_links, "malloc(): smallbin double linked list corrupted");
}

static void unsorted_links(void)
{
	char *a = toy_malloc(BIG);
	static struct { void *w[6]; } fake;

	toy_malloc(BIG);
	toy_free(a);
	((void **)a)[1] = &fake;	/* a->bk */
	toy_malloc(3000);
}

TM_TEST(unsorted_list_corrupted_on_malloc)
{
	ASSERT_ABORTS(unsorted_links, "malloc(): unsorted double linked list corrupted");
}

static void unsorted_insert(void)
{
	char *a = toy_malloc(BIG), *b;
	static struct { void *w[6]; } fake;

	toy_malloc(BIG);
	b = toy_malloc(BIG);
	toy_malloc(BIG);
	toy_free(a);
	((void **)a)[1] = &fake;	/* a->bk no longer the bin */
	toy_free(b);
}

TM_TEST(unsorted_list_corrupted_on_free)
{
	ASSERT_ABORTS(unsorted_insert, "free(): corrupted unsorted chunks");
}

static void unsorted_size(void)
{
	char *a = toy_malloc(BIG);

	toy_malloc(BIG);
	toy_free(a);
	HDR_SIZE(a) = 8 | 1;
	toy_malloc(3000);
}

TM_TEST(unsorted_chunk_with_invalid_size)
{
	ASSERT_ABORTS(unsorted_size, "malloc(): invalid size (unsorted)");
}

static void mmapped_offset(void)
{
	char *p = toy_malloc(1 << 20);

	HDR_PREV_SIZE(p) = 8;	/* the mapping would start mid-page */
	toy_free(p);
}

TM_TEST(munmap_of_corrupted_mapped_chunk)
{
	ASSERT_ABORTS(mmapped_offset, "munmap_chunk(): invalid pointer");
}

/* TOYMALLOC_CHECK=1: corruption no operation would trip over is found by the next call. */
static void silent_corruption(void)
{
	char *a, *b;

	setenv("TOYMALLOC_CHECK", "1", 1);
	a = toy_malloc(BIG);
	b = toy_malloc(BIG);
	toy_malloc(BIG);
	toy_free(a);
	HDR_PREV_SIZE(b) = 4096;	/* a's footer */
	toy_malloc(10);
}

TEST(check_env_validates_every_call)
{
	ASSERT_ABORTS_PREFIX(silent_corruption, "heap check: free chunk footer does not match its size");
}

static void same_without_check(void)
{
	char *a, *b;

	a = toy_malloc(BIG);
	b = toy_malloc(BIG);
	toy_malloc(BIG);
	toy_free(a);
	HDR_PREV_SIZE(b) = 4096;
	if (toy_malloc_check() != 0)
		_exit(3);
	_exit(0);
}

TEST(validator_reports_without_aborting)
{
	char err[512];
	int st = run_captured(same_without_check, err, sizeof(err));

	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(3, WEXITSTATUS(st));
	ASSERT_EQ(0, strncmp(err, "toymalloc: heap check: ", 23)) TH_LOG("%s", err);
}

/* Safe-linking: the stored links are the protected form, not the raw pointers. */
TM_TEST(links_are_safe_linked)
{
	void **p = toy_malloc(40), **q = toy_malloc(40);

	toy_free(p);
	toy_free(q);
	ASSERT_EQ((uintptr_t)p ^ ((uintptr_t)&q[0] >> 12), (uintptr_t)q[0]);
	ASSERT_EQ(0, toy_malloc_check());
	ASSERT_EQ((void *)q, (void *)toy_malloc(40));
	ASSERT_EQ((void *)p, (void *)toy_malloc(40));
}

TEST_HARNESS_MAIN
