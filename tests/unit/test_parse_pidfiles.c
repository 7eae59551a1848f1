/* SPDX-License-Identifier: MIT */
/*
 * parse_oom_score_adj(), parse_cmdline(), parse_pid() and parse_pid_list()
 * (proc/<pid>/oom_score_adj, proc/<pid>/cmdline, cgroup.procs).
 */
#include "tests/unit/test_parse_util.h"

static void test_parse_oom_score_adj_valid(void **state)
{
	struct parse_diag d = { 0 };
	int64_t v;

	(void)state;
	assert_int_equal(parse_oom_score_adj("0\n", 2, &v, &d), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_oom_score_adj("-1000\n", 6, &v, &d), 0);
	assert_int_equal(v, -1000);
	assert_int_equal(parse_oom_score_adj(" 1000 ", 6, &v, &d), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(d.count, 0);
}

static void test_parse_oom_score_adj_invalid(void **state)
{
	static const char *const bad[] = { "", "1001", "-1001", "abc", "1 2", "0x10",
					   "99999999999999999999" };
	size_t i;
	int64_t v = 5;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct parse_diag d = { 0 };

		assert_int_equal(parse_oom_score_adj(bad[i], strlen(bad[i]), &v, &d),
				 -EINVAL);
		assert_int_equal(d.count, 1);
	}
	assert_int_equal(v, 5);   /* untouched */
	{
		struct parse_diag d = { 0 };

		parse_oom_score_adj("abc\n", 4, &v, &d);
		assert_string_equal(d.msg, "'abc' is not an oom_score_adj (-1000..1000)");
	}
}

static void test_parse_cmdline(void **state)
{
	char *s;
	size_t n;

	(void)state;
	assert_int_equal(parse_cmdline("sleep\0" "10\0\0", 10, &s, &n), 0);
	assert_int_equal(n, 8);
	assert_string_equal(s, "sleep 10");
	free(s);
	assert_int_equal(parse_cmdline("", 0, &s, &n), 0);
	assert_int_equal(n, 0);
	assert_string_equal(s, "");
	free(s);
	/* a program that rewrote its arguments: no NUL at all */
	assert_int_equal(parse_cmdline("nginx: worker", 13, &s, &n), 0);
	assert_string_equal(s, "nginx: worker");
	free(s);
}

static void test_parse_pid(void **state)
{
	(void)state;
	assert_int_equal(parse_pid("1", 1), 1);
	assert_int_equal(parse_pid("2147483647", 10), 2147483647);
	assert_int_equal(parse_pid("2147483648", 10), -1);
	assert_int_equal(parse_pid("0", 1), -1);
	assert_int_equal(parse_pid("-1", 2), -1);
	assert_int_equal(parse_pid("self", 4), -1);
	assert_int_equal(parse_pid("", 0), -1);
}

static void test_parse_pid_list(void **state)
{
	static const char buf[] = "12\n\n  34 \nfoo\n0\n56";
	struct pid_list p = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_pid_list(buf, sizeof(buf) - 1, &p, &d), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.v[0], 12);
	assert_int_equal(p.v[1], 34);
	assert_int_equal(p.v[2], 56);
	assert_diag(d, 2, "line 4: 'foo' is not a pid, skipping");
	pid_list_free(&p);
	pid_list_free(NULL);
	assert_int_equal(parse_pid_list("", 0, &p, &d), 0);
	assert_int_equal(p.n, 0);
}

/* Garbage and a long list: no crash, every good line kept. */
static void test_parse_pid_list_garbage(void **state)
{
	char *g = tp_garbage(1 << 16, 3);
	struct strbuf sb = STRBUF_INIT;
	struct pid_list p = { 0 };
	struct parse_diag d = { 0 };
	int i;

	(void)state;
	assert_int_equal(parse_pid_list(g, 1 << 16, &p, &d), 0);
	pid_list_free(&p);
	for (i = 1; i <= 10000; i++)
		strbuf_addf(&sb, "%d\n", i);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_pid_list(sb.buf, sb.len, &p, &d), 0);
	assert_int_equal(p.n, 10000);
	assert_int_equal(p.v[9999], 10000);
	assert_int_equal(d.count, 0);
	pid_list_free(&p);
	strbuf_release(&sb);
	free(g);
}

static void test_parse_setting(void **state)
{
	size_t blen, n;
	char *big = tp_long_line("", 'x', 10000, "", &blen);
	const char *s;

	(void)state;
	assert_int_equal(parse_setting("  always [madvise] never\n", 25, &s, &n), 0);
	assert_int_equal(n, 22);
	assert_memory_equal(s, "always [madvise] never", n);
	assert_int_equal(parse_setting(big, blen, &s, &n), 0);
	assert_int_equal(n, 4096);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_oom_score_adj_valid),
		cmocka_unit_test(test_parse_oom_score_adj_invalid),
		cmocka_unit_test(test_parse_cmdline),
		cmocka_unit_test(test_parse_pid),
		cmocka_unit_test(test_parse_pid_list),
		cmocka_unit_test(test_parse_pid_list_garbage),
		cmocka_unit_test(test_parse_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
