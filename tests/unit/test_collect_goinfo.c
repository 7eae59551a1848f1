/* SPDX-License-Identifier: MIT */
/*
 * Go detection: goinfo_read_version() on crafted ELF files (both buildinfo
 * formats, 32/64-bit, both byte orders, broken ones) and the environ filter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/test_collect_util.h"

static int version_of(const char *path, char *ver, size_t n)
{
	int fd = open(path, O_RDONLY), r;

	assert_true(fd >= 0);
	r = goinfo_read_version(fd, ver, n);
	close(fd);
	return r;
}

static void check_elf(enum go_format fmt, bool is64, bool big,
		      const char *version, int want)
{
	char *dir = tmp_dir(), path[PATH_MAX + 64], ver[40];

	snprintf(path, sizeof(path), "%s/exe", dir);
	make_go_elf(path, version, fmt, is64, big);
	assert_int_equal(version_of(path, ver, sizeof(ver)), want);
	if (want == 1)
		assert_string_equal(ver, version);
	else
		assert_string_equal(ver, "");
	rm_rf(dir);
	free(dir);
}

static void test_goinfo_read_version_inline_64_le(void **state)
{
	(void)state;
	check_elf(GO_INLINE, true, false, "go1.22.3", 1);
}

static void test_goinfo_read_version_inline_32_be(void **state)
{
	(void)state;
	check_elf(GO_INLINE, false, true, "go1.21.0", 1);
}

static void test_goinfo_read_version_pointer_64_le(void **state)
{
	(void)state;
	check_elf(GO_POINTER, true, false, "go1.16.15", 1);
}

static void test_goinfo_read_version_pointer_32_be(void **state)
{
	(void)state;
	check_elf(GO_POINTER, false, true, "go1.10.8", 1);
}

static void test_goinfo_read_version_devel(void **state)
{
	(void)state;
	check_elf(GO_INLINE, true, false, "devel go1.23-abcdef Tue Jan 1", 1);
}

static void test_goinfo_read_version_no_section(void **state)
{
	(void)state;
	check_elf(GO_NONE, true, false, "go1.22.3", 0);
}

static void test_goinfo_read_version_bad_magic(void **state)
{
	(void)state;
	check_elf(GO_BAD_MAGIC, true, false, "go1.22.3", 0);
}

/* A real non-Go program: this test binary itself. */
static void test_goinfo_read_version_c_program(void **state)
{
	char ver[40];

	(void)state;
	assert_int_equal(version_of("/proc/self/exe", ver, sizeof(ver)), 0);
}

static void test_goinfo_read_version_not_elf(void **state)
{
	char *dir = tmp_dir(), path[PATH_MAX + 64], ver[40];

	(void)state;
	write_file(dir, "script", "#!/bin/sh\necho hi\n", 18);
	snprintf(path, sizeof(path), "%s/script", dir);
	assert_int_equal(version_of(path, ver, sizeof(ver)), 0);
	write_file(dir, "empty", "", 0);
	snprintf(path, sizeof(path), "%s/empty", dir);
	assert_int_equal(version_of(path, ver, sizeof(ver)), 0);
	rm_rf(dir);
	free(dir);
}

/* Every prefix of a valid file: never a crash, never a wrong answer. */
static void test_goinfo_read_version_truncated(void **state)
{
	char *dir = tmp_dir(), path[PATH_MAX + 64], cut[PATH_MAX + 64], ver[40];
	struct stat st;
	off_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/exe", dir);
	snprintf(cut, sizeof(cut), "%s/cut", dir);
	make_go_elf(path, "go1.22.3", GO_POINTER, true, false);
	assert_int_equal(stat(path, &st), 0);
	for (len = 0; len < st.st_size; len += 7) {
		int r;

		assert_int_equal(run_cmd("head -c %lld '%s' > '%s'",
					 (long long)len, path, cut), 0);
		r = version_of(cut, ver, sizeof(ver));
		assert_true(r == 0 || (r == 1 && !strcmp(ver, "go1.22.3")));
	}
	rm_rf(dir);
	free(dir);
}

/* A version string longer than the buffer is cut, NUL-terminated. */
static void test_goinfo_read_version_small_buffer(void **state)
{
	char *dir = tmp_dir(), path[PATH_MAX + 64], ver[6];

	(void)state;
	snprintf(path, sizeof(path), "%s/exe", dir);
	make_go_elf(path, "go1.22.3", GO_INLINE, true, false);
	assert_int_equal(version_of(path, ver, sizeof(ver)), 1);
	assert_string_equal(ver, "go1.2");
	rm_rf(dir);
	free(dir);
}

/*
 * Offsets past what off_t holds (found by fuzz_goinfo): pread() fails with
 * EINVAL, which was returned as a read error, so a stranger's malformed
 * executable became an error problem of the capture.  It is not a Go
 * program: 0.
 */
static void patch_u64(const char *path, off_t at, uint64_t v)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &v, 8, at), 8);   /* little endian */
	close(fd);
}

static void test_goinfo_read_version_offset_past_off_t(void **state)
{
	/* make_go_elf(): section headers at 0x600, 64 bytes each */
	static const struct {
		off_t at;
		uint64_t v;
	} cases[] = {
		{ 40, UINT64_MAX - 100 },                     /* e_shoff */
		{ 0x600 + 1 * 64 + 24, 0x8000000000000000u }, /* .shstrtab */
		{ 0x600 + 2 * 64 + 24, UINT64_MAX - 16 },     /* .go.buildinfo */
	};
	char *dir = tmp_dir(), path[PATH_MAX + 64], ver[40];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/exe", dir);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		make_go_elf(path, "go1.22.3", GO_INLINE, true, false);
		patch_u64(path, cases[i].at, cases[i].v);
		assert_int_equal(version_of(path, ver, sizeof(ver)), 0);
		assert_string_equal(ver, "");
	}
	rm_rf(dir);
	free(dir);
}

/*
 * e_shentsize is 16 bits: 4096 sections of 64 KiB entries asked for a
 * 256 MiB table for one executable (found by fuzz_goinfo's malloc limit).
 * Entries longer than any ELF writes are refused: up to 256 bytes the file
 * still reads, past that it is not taken for ELF.  make_go_elf()'s four
 * 64-bit section headers at 0x600 are copied to the end with `stride`.
 */
static int version_with_shentsize(const char *path, unsigned stride, char *ver,
				  size_t n)
{
	unsigned char sh[4 * 64], big[4 * 512];
	uint64_t off = 0x1000;
	uint16_t ent = (uint16_t)stride;
	unsigned i;
	int fd;

	make_go_elf(path, "go1.22.3", GO_INLINE, true, false);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, sh, sizeof(sh), 0x600), (ssize_t)sizeof(sh));
	memset(big, 0, sizeof(big));
	for (i = 0; i < 4; i++)
		memcpy(big + i * stride, sh + i * 64, 64);
	assert_int_equal(pwrite(fd, big, 4 * stride, (off_t)off), (ssize_t)(4 * stride));
	assert_int_equal(pwrite(fd, &off, 8, 40), 8);       /* e_shoff */
	assert_int_equal(pwrite(fd, &ent, 2, 58), 2);       /* e_shentsize */
	close(fd);
	return version_of(path, ver, n);
}

static void test_goinfo_read_version_shentsize_bound(void **state)
{
	char *dir = tmp_dir(), path[PATH_MAX + 64], ver[40];

	(void)state;
	snprintf(path, sizeof(path), "%s/exe", dir);
	assert_int_equal(version_with_shentsize(path, 64, ver, sizeof(ver)), 1);
	assert_string_equal(ver, "go1.22.3");
	assert_int_equal(version_with_shentsize(path, 256, ver, sizeof(ver)), 1);
	assert_int_equal(version_with_shentsize(path, 264, ver, sizeof(ver)), 0);
	assert_int_equal(version_with_shentsize(path, 512, ver, sizeof(ver)), 0);
	rm_rf(dir);
	free(dir);
}

/* ---- environ ---------------------------------------------------------------- */

static const char ENV[] =
	"HOME=/root\0GOGC=off\0DB_PASSWORD=hunter2\0GOMAXPROCS=4\0"
	"GOGC=100\0GOMEMLIMITX=1\0XGOGC=5\0GODEBUG=gctrace=1,madvdontneed=1\0"
	"GOMEMLIMIT=900MiB\0=weird\0noequals\0";

static void check_env(const struct goenv *e)
{
	assert_string_equal(e->value[GOENV_GOGC], "off");       /* first wins */
	assert_string_equal(e->value[GOENV_GOMAXPROCS], "4");
	assert_string_equal(e->value[GOENV_GODEBUG], "gctrace=1,madvdontneed=1");
	assert_string_equal(e->value[GOENV_GOMEMLIMIT], "900MiB");
}

static void test_goenv_feed_whole(void **state)
{
	struct goenv e;

	(void)state;
	goenv_init(&e);
	goenv_feed(&e, ENV, sizeof(ENV) - 1);
	goenv_finish(&e);
	check_env(&e);
	goenv_release(&e);
}

/* Split at every position: the chunk boundaries of a streamed read. */
static void test_goenv_feed_split_everywhere(void **state)
{
	size_t cut;

	(void)state;
	for (cut = 0; cut <= sizeof(ENV) - 1; cut++) {
		struct goenv e;

		goenv_init(&e);
		goenv_feed(&e, ENV, cut);
		goenv_feed(&e, ENV + cut, sizeof(ENV) - 1 - cut);
		goenv_finish(&e);
		check_env(&e);
		goenv_release(&e);
	}
}

static void test_goenv_feed_byte_by_byte(void **state)
{
	struct goenv e;
	size_t i;

	(void)state;
	goenv_init(&e);
	for (i = 0; i < sizeof(ENV) - 1; i++)
		goenv_feed(&e, ENV + i, 1);
	goenv_finish(&e);
	check_env(&e);
	goenv_release(&e);
}

static void test_goenv_feed_none_set(void **state)
{
	static const char env[] = "PATH=/bin\0HOME=/\0";
	struct goenv e;
	int i;

	(void)state;
	goenv_init(&e);
	goenv_feed(&e, env, sizeof(env) - 1);
	goenv_finish(&e);
	for (i = 0; i < GOENV_NR; i++)
		assert_null(e.value[i]);
	goenv_release(&e);
}

/* A huge value is cut at GOENV_VALUE_MAX and flagged; no NUL at the end. */
static void test_goenv_feed_long_value(void **state)
{
	size_t n = GOENV_VALUE_MAX * 3;
	char *buf = malloc(n + 32);
	struct goenv e;

	(void)state;
	memcpy(buf, "GODEBUG=", 8);
	memset(buf + 8, 'x', n);
	goenv_init(&e);
	goenv_feed(&e, buf, 8 + n);
	goenv_finish(&e);
	assert_int_equal(strlen(e.value[GOENV_GODEBUG]), GOENV_VALUE_MAX);
	assert_true(e.truncated[GOENV_GODEBUG]);
	assert_false(e.truncated[GOENV_GOGC]);
	goenv_release(&e);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goinfo_read_version_inline_64_le),
		cmocka_unit_test(test_goinfo_read_version_inline_32_be),
		cmocka_unit_test(test_goinfo_read_version_pointer_64_le),
		cmocka_unit_test(test_goinfo_read_version_pointer_32_be),
		cmocka_unit_test(test_goinfo_read_version_devel),
		cmocka_unit_test(test_goinfo_read_version_no_section),
		cmocka_unit_test(test_goinfo_read_version_bad_magic),
		cmocka_unit_test(test_goinfo_read_version_c_program),
		cmocka_unit_test(test_goinfo_read_version_not_elf),
		cmocka_unit_test(test_goinfo_read_version_truncated),
		cmocka_unit_test(test_goinfo_read_version_small_buffer),
		cmocka_unit_test(test_goinfo_read_version_offset_past_off_t),
		cmocka_unit_test(test_goinfo_read_version_shentsize_bound),
		cmocka_unit_test(test_goenv_feed_whole),
		cmocka_unit_test(test_goenv_feed_split_everywhere),
		cmocka_unit_test(test_goenv_feed_byte_by_byte),
		cmocka_unit_test(test_goenv_feed_none_set),
		cmocka_unit_test(test_goenv_feed_long_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
