/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_TEST_OOM_UTIL_H
#define MEMSNAP_TEST_OOM_UTIL_H
/*
 * Helpers of tests/test_oom_*.c: reading the real OOM samples
 * ($SAMPLES_DIR/oom), the variants made from them ($SAMPLE_FIXTURES_DIR/oom;
 * both skip the test where absent) and the fixtures (tests/fixtures/oom
 * under $TESTS_DIR), parsing them, asserting on
 * optional values.  Tests run from the repository root (tests/run-tests).
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
#include <cmocka.h>

#include "analyze/oom/oom.h"
#include "common/util.h"
#include "tests/unit/test_samples.h"

#define KB 1024ull
/* Read the file at *path and release path: the caller frees the text. */

static inline char *to_read_path(struct strbuf *path, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	r = read_file_at(AT_FDCWD, path->buf, &sb, 64u << 20);
	if (r < 0)
		fail_msg("cannot read '%s': %s", path->buf, strerror(-r));
	strbuf_release(path);
	return strbuf_detach(&sb, ret_len);
}

/* $SAMPLES_DIR/oom/<name> */
static inline char *to_sample(const char *name, size_t *ret_len)
{
	const char *dir = ts_samples_dir();
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/oom/%s", dir, name);
	return to_read_path(&path, ret_len);
}

/* tests/fixtures/oom/<name>, or a variant made from the samples
 * ($SAMPLE_FIXTURES_DIR/oom/variant-*, see make-variants.py) */
static inline char *to_fixture(const char *name, size_t *ret_len)
{
	const char *dir = getenv("TESTS_DIR");
	struct strbuf path = STRBUF_INIT;

	if (!strncmp(name, "variant-", 8))
		strbuf_addf(&path, "%s/oom/%s", ts_made_dir(), name);
	else
		strbuf_addf(&path, "%s/fixtures/oom/%s", dir && *dir ? dir : "tests", name);
	return to_read_path(&path, ret_len);
}

static inline void to_parse_buf(const char *buf, size_t len, unsigned page_size,
				struct oom_log *log)
{
	assert_int_equal(oom_log_parse(buf, len, page_size, log), 0);
}

static inline void to_parse_sample(const char *name, struct oom_log *log)
{
	size_t len;
	char *buf = to_sample(name, &len);

	to_parse_buf(buf, len, 0, log);
	free(buf);
}

static inline void to_parse_fixture(const char *name, struct oom_log *log)
{
	size_t len;
	char *buf = to_fixture(name, &len);

	to_parse_buf(buf, len, 0, log);
	free(buf);
}

#define assert_kv(kv, expected) do {					\
	assert_true((kv).set);						\
	assert_int_equal((kv).v, (uint64_t)(expected));			\
} while (0)

#define assert_i64(x, expected) do {					\
	assert_true((x).set);						\
	assert_int_equal((x).v, (int64_t)(expected));			\
} while (0)

#define assert_unset(kv) assert_false((kv).set)

/* A string field: expected NULL means the field must be NULL. */
#define assert_str(field, expected) do {				\
	const char *e_ = (expected), *f_ = (field);			\
	if (!e_)							\
		assert_null(f_);					\
	else {								\
		assert_non_null(f_);					\
		assert_string_equal(f_, e_);				\
	}								\
} while (0)

static inline const struct oom_counter *to_counter(const struct oom_event *ev,
						   const char *name)
{
	size_t i;

	for (i = 0; i < ev->ncounters; i++)
		if (!strcmp(ev->counters[i].name, name))
			return &ev->counters[i];
	fail_msg("no counter '%s'", name);
	return NULL;
}

#define assert_counter(ev, name, usage, limit, fail) do {		\
	const struct oom_counter *c_ = to_counter((ev), (name));	\
	assert_kv(c_->usage_kb, (usage));				\
	assert_kv(c_->limit_kb, (limit));				\
	assert_kv(c_->failcnt, (fail));					\
} while (0)

static inline uint64_t to_stat(const struct oom_stat_block *b, const char *key)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->v[i].key, key))
			return b->v[i].value;
	fail_msg("no stat '%s' in the block of '%s'", key, b->cgroup);
	return 0;
}

static inline const struct oom_meminfo *to_meminfo(const struct oom_event *ev,
						   const char *key)
{
	size_t i;

	for (i = 0; i < ev->nmeminfo; i++)
		if (!strcmp(ev->meminfo[i].key, key))
			return &ev->meminfo[i];
	fail_msg("no Mem-Info key '%s'", key);
	return NULL;
}

#define assert_meminfo(ev, key, val, u) do {				\
	const struct oom_meminfo *m_ = to_meminfo((ev), (key));		\
	assert_int_equal(m_->value, (uint64_t)(val));			\
	assert_int_equal(m_->unit, (u));				\
} while (0)

static inline const struct oom_task *to_task(const struct oom_event *ev,
					     uint64_t pid)
{
	size_t i;

	for (i = 0; i < ev->ntasks; i++)
		if (ev->tasks[i].pid.set && ev->tasks[i].pid.v == pid)
			return &ev->tasks[i];
	fail_msg("no task %llu", (unsigned long long)pid);
	return NULL;
}

#endif
