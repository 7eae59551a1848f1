/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_TEST_PARSE_UTIL_H
#define MEMSNAP_TEST_PARSE_UTIL_H
/*
 * Helpers shared by tests/test_parse_*.c: reading the real samples
 * (../shared/samples, or $SAMPLES_DIR: skipped where absent) and the
 * fixtures (tests/fixtures/parse,
 * under $TESTS_DIR when set), asserting on struct kv_u64, and building
 * hostile buffers.  Tests run from the repository root (tests/run-tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>

#include "analyze/parse/parse.h"
#include "common/util.h"
#include "tests/unit/test_samples.h"

#define KB 1024ull

static inline char *tp_read_path(const char *path, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	int r = read_file_at(AT_FDCWD, path, &sb, 64u << 20);

	if (r < 0)
		fail_msg("cannot read '%s': %s", path, strerror(-r));
	return strbuf_detach(&sb, ret_len);
}

/* A file of the real samples (skips the test where they are absent):
 * the caller frees it. */
static inline char *tp_sample(const char *rel, size_t *ret_len)
{
	const char *dir = ts_samples_dir();
	struct strbuf path = STRBUF_INIT;
	char *buf;

	strbuf_addf(&path, "%s/%s", dir, rel);
	buf = tp_read_path(path.buf, ret_len);
	strbuf_release(&path);
	return buf;
}

/* A file of tests/fixtures/parse (under $TESTS_DIR when set). */
static inline char *tp_fixture(const char *rel, size_t *ret_len)
{
	const char *dir = getenv("TESTS_DIR");
	struct strbuf path = STRBUF_INIT;
	char *buf;

	strbuf_addf(&path, "%s/fixtures/parse/%s", dir && *dir ? dir : "tests",
		    rel);
	buf = tp_read_path(path.buf, ret_len);
	strbuf_release(&path);
	return buf;
}

#define assert_kv(kv, expected) do {					\
	assert_true((kv).set);						\
	assert_int_equal((kv).v, (uint64_t)(expected));			\
} while (0)

#define assert_unset(kv) assert_false((kv).set)

/* The whole diag, first message and count. */
#define assert_diag(d, n, first) do {					\
	assert_int_equal((d).count, (n));				\
	assert_string_equal((d).msg, (first));				\
} while (0)

/* Deterministic garbage (an LCG), NUL bytes and newlines included. */
static inline char *tp_garbage(size_t n, uint32_t seed)
{
	char *b = xmalloc(n);
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (char)(seed >> 16);
	}
	return b;
}

/* prefix + n copies of c + suffix, in a new buffer. */
static inline char *tp_long_line(const char *prefix, char c, size_t n,
				 const char *suffix, size_t *ret_len)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	char *b = xmalloc(pl + n + sl + 1);

	memcpy(b, prefix, pl);
	memset(b + pl, c, n);
	memcpy(b + pl + n, suffix, sl + 1);
	*ret_len = pl + n + sl;
	return b;
}

/* Every "\n" of buf as "\r\n", in a new buffer. */
static inline char *tp_crlf(const char *buf, size_t len, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			strbuf_addch(&sb, '\r');
		strbuf_addch(&sb, buf[i]);
	}
	return strbuf_detach(&sb, ret_len);
}

/* The process's CPU time: the speed bounds measure the parser's own work,
 * which other programs on a loaded machine (a load of 15 on 2 cores made
 * wall-clock bounds fail) do not slow down. */
static inline double tp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Timing asserts only mean something in a plain build: sanitizers and
 * valgrind are many times slower.
 */
/*
 * Timing is a benchmark's business, not a test's: on a loaded machine a
 * time limit fails at random.  The limits are asserted only under
 * tests/bench/parse-bench.sh (MEMSNAP_TIMING=1, a plain build); elsewhere
 * the same code runs and only its results are checked.
 */
static inline bool tp_timing_applies(void)
{
	const char *t = getenv("MEMSNAP_TIMING");
	const char *san = getenv("SAN");

	return t && !strcmp(t, "1") && !(san && !strcmp(san, "1")) &&
	       !getenv("VALGRIND_OPTS");
}

#define SIZE_50M (50u << 20)

#endif
