/* SPDX-License-Identifier: MIT */
/*
 * common/: the one size formatter (human_bytes, human_bytes_signed), its SQL
 * face (human_bytes() on every memsnap connection: NULL is 'unknown'),
 * the one hash (fnv1a) and the files helpers (read_fd_all's bound,
 * read_file_at, write_all, now_ns).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyze/db/db.h"
#include "common/hash.h"
#include "common/util.h"

static void test_human_bytes_units(void **state)
{
	static const struct { uint64_t v; const char *want; } cases[] = {
		{ 0, "0 B" }, { 1, "1 B" }, { 1023, "1023 B" }, { 1024, "1.0 KiB" },
		{ 1536, "1.5 KiB" }, { 1048575, "1024.0 KiB" }, { 1048576, "1.0 MiB" },
		{ 203ull * 1048576 + 314572, "203.3 MiB" }, { 4ull << 30, "4.0 GiB" },
		{ 3ull << 40, "3.0 TiB" }, { 5ull << 50, "5.0 PiB" },
		{ UINT64_MAX, "16384.0 PiB" },    /* no unit past PiB */
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(human_bytes(cases[i].v, buf, sizeof(buf)), cases[i].want);
	/* a short buffer is cut, never overrun */
	assert_string_equal(human_bytes(1536, buf, 4), "1.5");
}

static void test_human_bytes_signed(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(human_bytes_signed(0, buf, sizeof(buf)), "0 B");
	assert_string_equal(human_bytes_signed(-1, buf, sizeof(buf)), "-1 B");
	assert_string_equal(human_bytes_signed(-1048576, buf, sizeof(buf)), "-1.0 MiB");
	assert_string_equal(human_bytes_signed(INT64_MAX, buf, sizeof(buf)), "8192.0 PiB");
	assert_string_equal(human_bytes_signed(INT64_MIN, buf, sizeof(buf)), "-8192.0 PiB");
}

/* The SQL function is the C formatter; an unknown is 'unknown', not 0. */
static void test_human_bytes_sql(void **state)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	char *err = NULL;
	int i;
	static const char *const want[] = { "unknown", "0 B", "1.5 KiB", "-1.0 MiB", "1.4 GiB",
					    "unknown", "4.0 KiB", "2 B" };

	(void)state;
	assert_int_equal(db_open(":memory:", true, &db, &err), 0);
	st = db_prepare(db, "SELECT human_bytes(NULL), human_bytes(0), human_bytes(1536), "
			"human_bytes(-1048576), human_bytes(1.5e9), human_bytes('x'), "
			"human_bytes('4096'), human_bytes(1.6)");
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	for (i = 0; i < (int)ARRAY_SIZE(want); i++)
		assert_string_equal((const char *)sqlite3_column_text(st, i), want[i]);
	sqlite3_finalize(st);
	db_close(db);
	free(err);
}

static void test_fnv1a_vectors(void **state)
{
	(void)state;
	/* the FNV authors' test vectors for 64-bit FNV-1a */
	assert_true(fnv1a("", 0) == 0xcbf29ce484222325ull);
	assert_true(fnv1a("a", 1) == 0xaf63dc4c8601ec8cull);
	assert_true(fnv1a("foobar", 6) == 0x85944171f73967e8ull);
	/* in parts as in one go */
	assert_true(fnv1a_add(fnv1a("foo", 3), "bar", 3) == fnv1a("foobar", 6));
}

static int tmp_file(const char *data, size_t len)
{
	char path[] = "/tmp/test_common_fmt.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write_all(fd, data, len), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void test_read_fd_all_limits(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *big = malloc(10000);
	int fd;

	(void)state;
	memset(big, 'x', 10000);
	fd = tmp_file(big, 10000);
	assert_int_equal(read_fd_all(fd, &sb, 10000), 0);    /* exactly the bound */
	assert_int_equal(sb.len, 10000);
	close(fd);
	strbuf_reset(&sb);
	fd = tmp_file(big, 10000);
	assert_int_equal(read_fd_all(fd, &sb, 9999), -EFBIG);   /* one byte over */
	assert_int_equal(sb.len, 9999);                         /* the first max bytes */
	assert_int_equal(strlen(sb.buf), 9999);
	close(fd);
	strbuf_reset(&sb);
	fd = tmp_file("", 0);
	assert_int_equal(read_fd_all(fd, &sb, 100), 0);         /* empty: 0 bytes */
	assert_int_equal(sb.len, 0);
	close(fd);
	strbuf_reset(&sb);
	fd = tmp_file("abc", 3);
	strbuf_addstr(&sb, "pre:");                             /* appends */
	assert_int_equal(read_fd_all(fd, &sb, 100), 0);
	assert_string_equal(sb.buf, "pre:abc");
	close(fd);
	strbuf_reset(&sb);
	assert_int_equal(read_fd_all(-1, &sb, 100), -EBADF);
	assert_int_equal(write_all(-1, "x", 1), -EBADF);
	/* a kernfs file: st_size 0, read until EOF */
	assert_int_equal(read_file_at(AT_FDCWD, "/proc/self/status", &sb, 1 << 20), 0);
	assert_non_null(strstr(sb.buf, "VmRSS:"));
	strbuf_reset(&sb);
	assert_int_equal(read_file_at(AT_FDCWD, "/nonexistent/x", &sb, 100), -ENOENT);
	strbuf_release(&sb);
	free(big);
}

static void test_fdopendir_or_close(void **state)
{
	DIR *d;
	int fd;

	(void)state;
	d = fdopendir_or_close(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	assert_non_null(d);
	assert_non_null(readdir(d));
	closedir(d);
	errno = ENOENT;                   /* what a failed openat() left */
	assert_null(fdopendir_or_close(-1));
	assert_int_equal(errno, ENOENT);
	fd = tmp_file("x", 1);            /* not a folder: fd closed */
	assert_null(fdopendir_or_close(fd));
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

static void test_now_ns_moves(void **state)
{
	uint64_t a = now_ns(CLOCK_MONOTONIC), b;

	(void)state;
	usleep(1000);
	b = now_ns(CLOCK_MONOTONIC);
	assert_true(b >= a + 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_bytes_units),
		cmocka_unit_test(test_human_bytes_signed),
		cmocka_unit_test(test_human_bytes_sql),
		cmocka_unit_test(test_fnv1a_vectors),
		cmocka_unit_test(test_read_fd_all_limits),
		cmocka_unit_test(test_fdopendir_or_close),
		cmocka_unit_test(test_now_ns_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
