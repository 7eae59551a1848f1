/* SPDX-License-Identifier: MIT */
/*
 * common/: messages, allocation, strbuf and the string helpers
 * (next_line, trim_span, starts_with...), which every parser trusts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/util.h"

static void test_strbuf_init_empty(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);              /* of an unused buffer: no free */
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	strbuf_init(&sb, 100);
	assert_true(sb.alloc >= 101);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_int_equal(sb.alloc, 0);
	assert_string_equal(sb.buf, "");
}

static void test_strbuf_add_grows(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 10000; i++)
		strbuf_addch(&sb, 'a' + (int)(i % 26));
	assert_int_equal(sb.len, 10000);
	assert_int_equal(strlen(sb.buf), 10000);
	assert_int_equal(sb.buf[9999], 'a' + 9999 % 26);
	strbuf_add(&sb, "x\0y", 3);          /* bytes, NULs too */
	assert_int_equal(sb.len, 10003);
	assert_memory_equal(sb.buf + 10000, "x\0y", 4);
	strbuf_setlen(&sb, 2);
	assert_string_equal(sb.buf, "ab");
	strbuf_setlen(&sb, 50);              /* never longer */
	assert_int_equal(sb.len, 2);
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	strbuf_addstr(&sb, "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

static void test_strbuf_addf_long(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[300];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addf(&sb, "%d-%s", 42, "x");
	assert_string_equal(sb.buf, "42-x");
	strbuf_addf(&sb, "[%s]", big);        /* longer than the first guess */
	assert_int_equal(sb.len, 4 + 2 + 299);
	assert_int_equal(sb.buf[sb.len - 1], ']');
	assert_int_equal(strlen(sb.buf), sb.len);
	strbuf_release(&sb);
}

static void test_strbuf_add_u64(void **state)
{
	static const uint64_t v[] = { 0, 9, 10, 4294967296ull, UINT64_MAX };
	struct strbuf sb = STRBUF_INIT;
	char want[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		strbuf_reset(&sb);
		strbuf_add_u64(&sb, v[i]);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
		assert_string_equal(sb.buf, want);
	}
	strbuf_release(&sb);
}

static void test_strbuf_detach(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *p;

	(void)state;
	p = strbuf_detach(&sb, &len);        /* never used: still a heap string */
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	strbuf_addstr(&sb, "kept");
	p = strbuf_detach(&sb, &len);
	assert_string_equal(p, "kept");
	assert_int_equal(len, 4);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	free(p);
}

static void test_err_set_replaces(void **state)
{
	char *err = NULL;

	(void)state;
	err_set(&err, "cannot read '%s': %s", "x", "why");
	assert_string_equal(err, "cannot read 'x': why");
	err_set(&err, "second");             /* the first is freed (ASan) */
	assert_string_equal(err, "second");
	err_set(NULL, "nowhere");
	free(err);
}

static void test_xsnprintf_strlcpy_cut(void **state)
{
	char buf[5];

	(void)state;
	assert_int_equal(xsnprintf(buf, sizeof(buf), "%s", "abcdefg"), 7);
	assert_string_equal(buf, "abcd");
	assert_int_equal(strlcpy_s(buf, "xyzuvw", sizeof(buf)), 6);
	assert_string_equal(buf, "xyzu");
	assert_int_equal(strlcpy_s(buf, "ab", sizeof(buf)), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(strlcpy_s(buf, "ab", 0), 2);    /* n 0: nothing written */
	assert_string_equal(buf, "ab");
}

static void test_prefix_suffix_search(void **state)
{
	(void)state;
	assert_true(starts_with("memory.stat", "memory."));
	assert_true(starts_with("x", ""));
	assert_false(starts_with("mem", "memory"));
	assert_true(ends_with("a.scope", ".scope"));
	assert_true(ends_with("", ""));
	assert_false(ends_with("scope", "a.scope"));
	assert_true(mem_starts_with("Name:\tx", 7, "Name:"));
	assert_false(mem_starts_with("Name:\tx", 3, "Name:"));   /* past len */
	{
		static const char s[] = "a\0key=1";

		assert_ptr_equal(memmem_str(s, sizeof(s) - 1, "key="), s + 2);
		assert_null(memmem_str(s, 3, "key="));
	}
}

static void test_next_line_shapes(void **state)
{
	static const char buf[] = "one\n\nthree\r\nlast";
	const char *line;
	size_t pos = 0, len, n = 0;
	const char *want[] = { "one", "", "three\r", "last" };

	(void)state;
	while (next_line(buf, sizeof(buf) - 1, &pos, &line, &len)) {
		assert_true(n < ARRAY_SIZE(want));
		assert_int_equal(len, strlen(want[n]));
		assert_memory_equal(line, want[n], len);
		n++;
	}
	assert_int_equal(n, 4);
	assert_int_equal(pos, sizeof(buf) - 1);
	/* a final newline makes no empty last line; an empty buffer no line */
	pos = 0;
	n = 0;
	while (next_line("a\n", 2, &pos, &line, &len))
		n++;
	assert_int_equal(n, 1);
	pos = 0;
	assert_false(next_line("", 0, &pos, &line, &len));
	/* a NUL inside a line is part of it */
	pos = 0;
	assert_true(next_line("a\0b\nc", 5, &pos, &line, &len));
	assert_int_equal(len, 3);
}

static void test_trim_span_spaces(void **state)
{
	const char *s = " \t\r\n\v\fvalue  x \n";
	size_t len = strlen(s);

	(void)state;
	trim_span(&s, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(s, "value  x", 8);
	s = " \t\n";
	len = 3;
	trim_span(&s, &len);
	assert_int_equal(len, 0);
	s = "";
	len = 0;
	trim_span(&s, &len);
	assert_int_equal(len, 0);
	s = "a";
	len = 1;
	trim_span(&s, &len);
	assert_int_equal(len, 1);
}

static void test_xgrow_alloc_grow(void **state)
{
	int *arr = NULL;
	size_t alloc = 0, i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		ALLOC_GROW(arr, i + 1, alloc);
		arr[i] = (int)i;
	}
	assert_true(alloc >= 1000);
	assert_int_equal(arr[999], 999);
	free(arr);
	arr = xcalloc(4, sizeof(*arr));
	assert_int_equal(arr[3], 0);
	free(arr);
	{
		char *d = xstrndup("abcdef", 3), *e = xstrdup("q");

		assert_string_equal(d, "abc");
		assert_string_equal(e, "q");
		free(d);
		free(e);
	}
}

/* error() and warning() print git-style and go on; die() exits with its code. */
static void test_messages(void **state)
{
	int fds[2], status;
	char out[256];
	size_t len;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(fds[1], 2);
		if (error("cannot read '%s': %s", "x", "No such file or directory") != -1)
			_exit(9);
		warning("'%s' skipped", "y");
		die(3, "out of %s", "memory");
	}
	close(fds[1]);
	/* one write a message: read until the child is gone */
	for (len = 0; (n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0; len += (size_t)n)
		;
	out[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_string_equal(out, "error: cannot read 'x': No such file or directory\n"
			    "warning: 'y' skipped\nfatal: out of memory\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_init_empty),
		cmocka_unit_test(test_strbuf_add_grows),
		cmocka_unit_test(test_strbuf_addf_long),
		cmocka_unit_test(test_strbuf_add_u64),
		cmocka_unit_test(test_strbuf_detach),
		cmocka_unit_test(test_err_set_replaces),
		cmocka_unit_test(test_xsnprintf_strlcpy_cut),
		cmocka_unit_test(test_prefix_suffix_search),
		cmocka_unit_test(test_next_line_shapes),
		cmocka_unit_test(test_trim_span_spaces),
		cmocka_unit_test(test_xgrow_alloc_grow),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
