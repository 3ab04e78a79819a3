// SPDX-License-Identifier: GPL-2.0
/*
 * The lecture's coding practice: the two trunk views its sequence must print
 * (sizes, PREV_INUSE, links, addresses that follow from the sizes), and bad
 * input (NULL, a pointer that is no chunk, a double free, a request larger
 * than the heap) refused with one line on stderr and the heap unchanged.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "../practice/chunk.h"

/* Capture what fn() prints on stdout and stderr. */
static void capture(void (*fn)(void *), void *arg, char *out, size_t outlen, char *err, size_t errlen)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int so = dup(STDOUT_FILENO), se = dup(STDERR_FILENO);
	size_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(fileno(o), STDOUT_FILENO);
	dup2(fileno(e), STDERR_FILENO);
	fn(arg);
	fflush(stdout);
	fflush(stderr);
	dup2(so, STDOUT_FILENO);
	dup2(se, STDERR_FILENO);
	close(so);
	close(se);
	rewind(o);
	rewind(e);
	n = fread(out, 1, outlen - 1, o);
	out[n] = '\0';
	n = fread(err, 1, errlen - 1, e);
	err[n] = '\0';
	fclose(o);
	fclose(e);
}

static void view(void *arg)
{
	view_chunk(p);
}

static void do_free(void *arg)
{
	new_free(arg);
}

struct line {
	void *addr, *fd, *bk;
	unsigned long prev, size;
	int inuse;
};

static int parse(const char *text, struct line *l, int max)
{
	const char *s = strstr(text, "=====trunk view begin=====\n");
	int n = 0;

	if (!s)
		return -1;
	s = strchr(s, '\n') + 1;
	while (n < max && sscanf(s, "chunk addr = %p, prev size = %lu, size: %lu, prev inuse: %d, fd = %p, bk = %p",
				 &l[n].addr, &l[n].prev, &l[n].size, &l[n].inuse, &l[n].fd, &l[n].bk) == 6) {
		n++;
		s = strchr(s, '\n') + 1;
	}
	return strncmp(s, "=====trunk view end=====\n", 25) ? -1 : n;
}

TEST(lecture_sequence)
{
	static const unsigned long sizes[] = { 24, 32, 48, 64, 80, 776 };
	char out[4096], err[256];
	struct line l[16];
	void *x[5];
	int i, n;

	x[0] = new_malloc(8);
	x[1] = new_malloc(16);
	x[2] = new_malloc(32);
	x[3] = new_malloc(48);
	x[4] = new_malloc(64);
	capture(view, NULL, out, sizeof(out), err, sizeof(err));
	n = parse(out, l, 16);
	ASSERT_EQ(6, n) TH_LOG("%s", out);
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(sizes[i], l[i].size);
		ASSERT_EQ(1, l[i].inuse);
		ASSERT_EQ(i ? sizes[i - 1] : 0, l[i].prev);
		ASSERT_EQ(NULL, l[i].fd);
		if (i)
			ASSERT_EQ((char *)l[i - 1].addr + sizes[i - 1], (char *)l[i].addr);
		if (i < 5)
			ASSERT_EQ((char *)l[i].addr + 16, (char *)x[i]);
	}
	ASSERT_EQ((void *)p, l[0].addr);
	ASSERT_EQ((void *)0x18, l[0].bk);	/* overlaps the next chunk's prev_size */
	ASSERT_EQ(NULL, l[5].bk);

	for (i = 0; i < 5; i++)
		new_free(x[i]);
	capture(view, NULL, out, sizeof(out), err, sizeof(err));
	n = parse(out, l, 16);
	ASSERT_EQ(2, n) TH_LOG("%s", out);
	ASSERT_EQ(248, l[0].size);
	ASSERT_EQ(1, l[0].inuse);
	ASSERT_EQ(0, l[0].prev);
	ASSERT_EQ(l[1].addr, l[0].fd);
	ASSERT_EQ((void *)0x18, l[0].bk);
	ASSERT_EQ((char *)l[0].addr + 248, (char *)l[1].addr);
	ASSERT_EQ(776, l[1].size);
	ASSERT_EQ(0, l[1].inuse);
	ASSERT_EQ(248, l[1].prev);
	ASSERT_EQ(NULL, l[1].fd);
	ASSERT_EQ(NULL, l[1].bk);
	ASSERT_EQ('\0', err[0]);
}

/* A refused free prints one line on stderr and leaves the heap as it was. */
static void refused(struct __test_metadata *_metadata, void *ptr, const char *why)
{
	char before[4096], after[4096], out[256], err[256];

	capture(view, NULL, before, sizeof(before), err, sizeof(err));
	capture(do_free, ptr, out, sizeof(out), err, sizeof(err));
	capture(view, NULL, after, sizeof(after), out, sizeof(out));
	ASSERT_STREQ(before, after);
	ASSERT_NE(NULL, strstr(err, why)) TH_LOG("stderr: %s", err);
	ASSERT_EQ(1, (int)(strchr(err, '\n') - err + 1 == (long)strlen(err)));
}

TEST(free_of_non_chunk_pointers_refused)
{
	static char outside[64];
	char *a = new_malloc(40);

	new_malloc(40);
	refused(_metadata, a + 8, "not a chunk");
	refused(_metadata, a - 16, "not a chunk");
	refused(_metadata, outside + 16, "not a chunk");
	refused(_metadata, (char *)p + 1024 + 16, "not a chunk");
}

TEST(double_free_refused)
{
	char *a = new_malloc(40), *b = new_malloc(40);

	new_malloc(40);
	new_free(a);
	refused(_metadata, a, "already free");
	new_free(b);	/* merged into a: b is no chunk any more */
	refused(_metadata, b, "not a chunk");
}

TEST(free_null_does_nothing)
{
	char before[4096], after[4096], out[256], err[256];

	new_malloc(100);
	capture(view, NULL, before, sizeof(before), err, sizeof(err));
	capture(do_free, NULL, out, sizeof(out), err, sizeof(err));
	capture(view, NULL, after, sizeof(after), out, sizeof(out));
	ASSERT_STREQ(before, after);
	ASSERT_STREQ("", err);
}

TEST(request_larger_than_heap)
{
	char before[4096], after[4096], err[256];

	capture(view, NULL, before, sizeof(before), err, sizeof(err));
	ASSERT_EQ(NULL, new_malloc(1024));
	ASSERT_EQ(NULL, new_malloc(2000));
	ASSERT_EQ(NULL, new_malloc((size_t)-1));
	capture(view, NULL, after, sizeof(after), err, sizeof(err));
	ASSERT_STREQ(before, after);
	/* The largest request that fits takes the whole heap. */
	ASSERT_EQ((char *)p + 16, (char *)new_malloc(1024 - 16));
	ASSERT_EQ(NULL, new_malloc(0));
}

TEST(freed_memory_is_reused)
{
	void *x[5];
	int round, i;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 5; i++)
			x[i] = new_malloc(8 << i);
		ASSERT_EQ((char *)p + 16, (char *)x[0]);
		for (i = 0; i < 5; i++)
			new_free(x[i]);
	}
}

TEST_HARNESS_MAIN
