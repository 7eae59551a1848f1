/* SPDX-License-Identifier: MIT */
/* parse_one_value() and parse_oom_control(). */
#include "tests/unit/test_parse_util.h"

static int one(const char *s, struct one_value *v, struct parse_diag *d)
{
	memset(v, 0, sizeof(*v));
	return parse_one_value(s, strlen(s), v, d);
}

static void test_parse_one_value_memory_current_sample(void **state)
{
	struct one_value v = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_sample("memstat-v2/memory.current-docker-scope-5.15-arm64-blog.txt", &len);

	(void)state;
	assert_int_equal(parse_one_value(buf, len, &v, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(v.v, 397312);
	assert_false(v.unlimited);
	free(buf);
}

static void test_parse_one_value_memory_max_sample(void **state)
{
	struct one_value v = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_sample("memstat-v2/memory.max-docker-scope-unlimited-5.15-arm64-blog.txt", &len);

	(void)state;
	assert_int_equal(parse_one_value(buf, len, &v, &d), 0);
	assert_int_equal(d.count, 0);
	assert_true(v.unlimited);
	assert_int_equal(v.v, UINT64_MAX);
	free(buf);
}

static void test_parse_one_value_v1_unlimited_spellings(void **state)
{
	struct one_value v;

	(void)state;
	/* 4.6+ page_counter, 4K pages: PAGE_COUNTER_MAX * PAGE_SIZE. */
	assert_int_equal(one("9223372036854771712\n", &v, NULL), 0);
	assert_int_equal(v.v, 9223372036854771712ull);
	assert_true(v.unlimited);
	/* 16K and 64K pages. */
	assert_int_equal(one("9223372036854759424\n", &v, NULL), 0);
	assert_true(v.unlimited);
	assert_int_equal(one("9223372036854710272\n", &v, NULL), 0);
	assert_true(v.unlimited);
	/* 2.6.32 (RHEL 6) RESOURCE_MAX, and all 64 bits. */
	assert_int_equal(one("9223372036854775807\n", &v, NULL), 0);
	assert_true(v.unlimited);
	assert_int_equal(one("18446744073709551615\n", &v, NULL), 0);
	assert_true(v.unlimited);
	/* Exactly 2^62 is "unlimited", one below is a (silly) limit. */
	assert_int_equal(one("4611686018427387904", &v, NULL), 0);
	assert_true(v.unlimited);
	assert_int_equal(one("4611686018427387903", &v, NULL), 0);
	assert_false(v.unlimited);
	/* A real limit: the cockroach sample's 2.9 GB pod. */
	assert_int_equal(one("2936016896\n", &v, NULL), 0);
	assert_int_equal(v.v, 2936016896u);
	assert_false(v.unlimited);
	assert_int_equal(one("0\n", &v, NULL), 0);
	assert_int_equal(v.v, 0);
	assert_false(v.unlimited);
}

static void test_parse_one_value_whitespace_crlf(void **state)
{
	struct one_value v;

	(void)state;
	assert_int_equal(one("  4096\r\n", &v, NULL), 0);
	assert_int_equal(v.v, 4096);
	assert_int_equal(one("max\r\n", &v, NULL), 0);
	assert_true(v.unlimited);
	assert_int_equal(one("4096", &v, NULL), 0);     /* no newline */
	assert_int_equal(v.v, 4096);
}

static void test_parse_one_value_hostile(void **state)
{
	struct one_value v;
	struct parse_diag d = { 0 };
	char *g = tp_garbage(1u << 20, 1), *big;
	size_t len;

	(void)state;
	assert_int_equal(one("", &v, &d), -EINVAL);
	assert_diag(d, 1, "empty file");
	memset(&d, 0, sizeof(d));
	assert_int_equal(one("\n\n", &v, NULL), -EINVAL);
	assert_int_equal(parse_one_value(NULL, 0, &v, NULL), -EINVAL);
	assert_int_equal(one("-1\n", &v, &d), -ERANGE);
	assert_diag(d, 1, "line 1: negative number '-1' for 'value'");
	memset(&d, 0, sizeof(d));
	assert_int_equal(one("18446744073709551616\n", &v, &d), -ERANGE);
	assert_diag(d, 1, "line 1: number '18446744073709551616' for 'value' is out of range");
	memset(&d, 0, sizeof(d));
	assert_int_equal(one("max 100000\n", &v, &d), -EINVAL);   /* cpu.max-like */
	assert_diag(d, 1, "expected one value, found 'max 100000'");
	assert_int_equal(one("4096\n8192\n", &v, NULL), -EINVAL);
	assert_int_equal(one("MAX\n", &v, NULL), -EINVAL);
	assert_int_equal(one("12k\n", &v, NULL), -EINVAL);
	assert_int_equal(one("0x10\n", &v, NULL), -EINVAL);
	assert_int_equal(parse_one_value("40\0" "96\n", 6, &v, NULL), -EINVAL);
	assert_int_equal(parse_one_value(g, 1u << 20, &v, NULL), -EINVAL);
	free(g);
	big = tp_long_line("", '9', SIZE_50M, "\n", &len);
	assert_int_equal(parse_one_value(big, len, &v, NULL), -ERANGE);
	free(big);
}

/* ---- memory.oom_control ------------------------------------------------- */

static void test_parse_oom_control_docs(void **state)
{
	struct oom_control o = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_fixture("cgroup-v1-memory-rst-oom_control.txt", &len);

	(void)state;
	assert_int_equal(parse_oom_control(buf, len, &o, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(o.oom_kill_disable, 0);
	assert_kv(o.under_oom, 0);
	assert_kv(o.oom_kill, 0);
	free(buf);

	memset(&o, 0, sizeof(o));
	buf = tp_fixture("cgroup-v1-oom_control-4.12-no-oom_kill.txt", &len);
	assert_int_equal(parse_oom_control(buf, len, &o, &d), 0);
	assert_kv(o.oom_kill_disable, 1);
	assert_kv(o.under_oom, 1);
	assert_unset(o.oom_kill);               /* before 4.13: NULL, not 0 */
	free(buf);
}

static void test_parse_oom_control_hostile(void **state)
{
	static const char buf[] =
		"oom_kill_disable 0\r\n"
		"under_oom -1\r\n"
		"oom_kill 18446744073709551616\r\n"
		"oom_kill 3\r\n"                        /* duplicate */
		"new_key 1\r\n";                        /* no extras: reported */
	struct oom_control o = { 0 };
	struct parse_diag d = { 0 };
	char *g = tp_garbage(4096, 8);

	(void)state;
	assert_int_equal(parse_oom_control(buf, sizeof(buf) - 1, &o, &d), 0);
	assert_kv(o.oom_kill_disable, 0);
	assert_unset(o.under_oom);
	assert_unset(o.oom_kill);
	assert_diag(d, 4, "line 2: negative number '-1' for 'under_oom'");

	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_oom_control("", 0, &o, &d), -EINVAL);
	assert_int_equal(parse_oom_control(g, 4096, &o, NULL), -EINVAL);
	assert_int_equal(parse_oom_control("oom_kill 99999999999999999999", 29, &o, NULL),
			 -ERANGE);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_one_value_memory_current_sample),
		cmocka_unit_test(test_parse_one_value_memory_max_sample),
		cmocka_unit_test(test_parse_one_value_v1_unlimited_spellings),
		cmocka_unit_test(test_parse_one_value_whitespace_crlf),
		cmocka_unit_test(test_parse_one_value_hostile),
		cmocka_unit_test(test_parse_oom_control_docs),
		cmocka_unit_test(test_parse_oom_control_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
