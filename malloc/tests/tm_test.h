/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the toymalloc tests share: the kernel's kselftest harness (each TEST
 * runs in a child process of its own), TM_TEST, which also runs the
 * allocator's own validator when a test's body has passed, and
 * ASSERT_ABORTS, which runs a function in a grandchild with stderr captured
 * and asserts that it died of SIGABRT after printing exactly one line.
 */
#ifndef TM_TEST_H
#define TM_TEST_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "toymalloc.h"

#define TM_TEST(name) \
	static void name##_body(struct __test_metadata *_metadata); \
	TEST(name) \
	{ \
		name##_body(_metadata); \
		ASSERT_EQ(0, toy_malloc_check()); \
	} \
	static void name##_body(struct __test_metadata *_metadata)

/* Same, for tests that must run longer than the harness default of 30 s. */
#define TM_TEST_TIMEOUT(name, seconds) \
	static void name##_body(struct __test_metadata *_metadata); \
	FIXTURE(name) {}; \
	FIXTURE_SETUP(name) {} \
	FIXTURE_TEARDOWN(name) {} \
	TEST_F_TIMEOUT(name, run, seconds) \
	{ \
		(void)self; \
		name##_body(_metadata); \
		ASSERT_EQ(0, toy_malloc_check()); \
	} \
	static void name##_body(struct __test_metadata *_metadata)

/* Run fn() in a child with its stderr in buf; returns the child's wait status. */
static inline int run_captured(void (*fn)(void), char *buf, size_t len)
{
	struct rlimit nocore = { 0, 0 };
	int pfd[2], status = -1;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &nocore);
		close(pfd[0]);
		dup2(pfd[1], STDERR_FILENO);
		fn();
		_exit(0);
	}
	close(pfd[1]);
	while (got + 1 < len && (n = read(pfd[0], buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return status;
}

#define ASSERT_ABORTS(fn, msg) do { \
	char _err[1024]; \
	int _st = run_captured(fn, _err, sizeof(_err)); \
	ASSERT_TRUE(WIFSIGNALED(_st) && WTERMSIG(_st) == SIGABRT) \
		TH_LOG("status %#x, stderr \"%s\"", _st, _err); \
	ASSERT_STREQ("toymalloc: " msg "\n", _err); \
} while (0)

/* For messages that end in an address: the prefix, then one line. */
#define ASSERT_ABORTS_PREFIX(fn, prefix) do { \
	char _err[1024]; \
	int _st = run_captured(fn, _err, sizeof(_err)); \
	ASSERT_TRUE(WIFSIGNALED(_st) && WTERMSIG(_st) == SIGABRT) \
		TH_LOG("status %#x, stderr \"%s\"", _st, _err); \
	ASSERT_EQ(0, strncmp(_err, "toymalloc: " prefix, strlen("toymalloc: " prefix))) \
		TH_LOG("stderr \"%s\"", _err); \
	ASSERT_EQ(1, (int)(strchr(_err, '\n') - _err + 1 == (long)strlen(_err))); \
} while (0)

/* The chunk header words in front of a block, as the allocator lays them out. */
#define HDR_PREV_SIZE(m)	(((size_t *)(m))[-2])
#define HDR_SIZE(m)		(((size_t *)(m))[-1])
#define CHUNK_SIZE(m)		(HDR_SIZE(m) & ~(size_t)7)

/* Usable bytes of an arena chunk serving a request of n bytes. */
static inline size_t expected_usable(size_t n)
{
	size_t s = (n + 8 + 15) & ~(size_t)15;

	return (s < 32 ? 32 : s) - 8;
}

#endif
