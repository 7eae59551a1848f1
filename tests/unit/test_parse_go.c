/* SPDX-License-Identifier: MIT */
/* parse_go_info() (collector/go/<pid>.json) and parse_gomemlimit(). */
#include "tests/unit/test_parse_util.h"

static void test_parse_go_info_full(void **state)
{
	static const char buf[] = "{\"pid\":42,\"go_version\":\"go1.22.1\",\"env\":"
		"{\"GOGC\":\"50\",\"GOMEMLIMIT\":\"900MiB\",\"GOMAXPROCS\":\"2\","
		"\"GODEBUG\":\"madvdontneed=1\",\"HOME\":\"/root\"}}";
	struct go_info g = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_go_info(buf, strlen(buf), &g, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(g.pid, 42);
	assert_string_equal(g.go_version, "go1.22.1");
	assert_true(g.env_known);
	assert_string_equal(g.gogc, "50");
	assert_string_equal(g.gomemlimit, "900MiB");
	assert_kv(g.gomemlimit_bytes, 900ull << 20);
	assert_string_equal(g.gomaxprocs, "2");
	assert_string_equal(g.godebug, "madvdontneed=1");
	go_info_free(&g);
	go_info_free(NULL);
}

static void test_parse_go_info_unset(void **state)
{
	static const char buf[] = "{\"pid\":7,\"env\":{}}";
	struct go_info g = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_go_info(buf, strlen(buf), &g, &d), 0);
	assert_int_equal(d.count, 0);
	assert_true(g.env_known);
	assert_null(g.go_version);
	assert_null(g.gogc);
	assert_null(g.gomemlimit);
	assert_unset(g.gomemlimit_bytes);
	go_info_free(&g);
}

/* "env" not an object ("env": null, environ denied): unset is unknown, and said */
static void test_parse_go_info_env_unknown(void **state)
{
	static const char null_env[] = "{\"pid\":7,\"env\":null}";
	static const char str_env[] = "{\"pid\":7,\"env\":\"GOGC=1\"}";
	struct go_info g = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_go_info(null_env, strlen(null_env), &g, &d), 0);
	assert_false(g.env_known);
	assert_diag(d, 1, "'env' is not an object, ignored");
	go_info_free(&g);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_go_info(str_env, strlen(str_env), &g, &d), 0);
	assert_false(g.env_known);
	assert_null(g.gogc);
	assert_diag(d, 1, "'env' is not an object, ignored");
	go_info_free(&g);
}

static void test_parse_go_info_gomemlimit(void **state)
{
	static const char off[] = "{\"pid\":7,\"env\":{\"GOMEMLIMIT\":\"off\"}}";
	static const char bad[] = "{\"pid\":7,\"env\":{\"GOMEMLIMIT\":\"1GB\"}}";
	struct go_info g = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_go_info(off, strlen(off), &g, &d), 0);
	assert_string_equal(g.gomemlimit, "off");
	assert_unset(g.gomemlimit_bytes);     /* no limit */
	assert_int_equal(d.count, 0);
	go_info_free(&g);
	assert_int_equal(parse_go_info(bad, strlen(bad), &g, &d), 0);
	assert_string_equal(g.gomemlimit, "1GB");   /* kept as set */
	assert_unset(g.gomemlimit_bytes);
	assert_diag(d, 1, "GOMEMLIMIT '1GB' is not a valid limit");
	go_info_free(&g);
}

static void test_parse_go_info_invalid(void **state)
{
	static const struct { const char *buf, *why; } cases[] = {
		{ "[1,2]", "not a JSON object" },
		{ "{\"pid\":0}", "no valid 'pid'" },
		{ "{\"pid\":\"12\"}", "no valid 'pid'" },
		{ "{\"pid\":2147483648}", "no valid 'pid'" },
		{ "{\"go_version\":\"go1\"}", "no valid 'pid'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct go_info g = { 0 };
		struct parse_diag d = { 0 };

		assert_int_equal(parse_go_info(cases[i].buf, strlen(cases[i].buf), &g, &d),
				 -EINVAL);
		assert_diag(d, 1, cases[i].why);
		go_info_free(&g);
	}
}

/* Broken JSON, NUL bytes, garbage: -EINVAL with a reason, no crash. */
static void test_parse_go_info_garbage(void **state)
{
	char *g1 = tp_garbage(4096, 7);
	struct go_info g = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_go_info("{\"pid\":1", 8, &g, &d), -EINVAL);
	assert_int_equal(d.count, 1);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_go_info(g1, 4096, &g, &d), -EINVAL);
	assert_int_equal(d.count, 1);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_go_info("", 0, &g, &d), -EINVAL);
	assert_int_equal(d.count, 1);
	free(g1);
}

static void test_parse_gomemlimit_units(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_gomemlimit(" 2KiB\n", 6, &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(parse_gomemlimit("1TiB", 4, &v), 0);
	assert_int_equal(v, 1ull << 40);
	assert_int_equal(parse_gomemlimit("16777215TiB", 11, &v), 0);
	assert_int_equal(parse_gomemlimit("16777216TiB", 11, &v), -EINVAL);
	assert_int_equal(parse_gomemlimit("MiB", 3, &v), -EINVAL);
	assert_int_equal(parse_gomemlimit("1 MiB", 5, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_go_info_full),
		cmocka_unit_test(test_parse_go_info_unset),
		cmocka_unit_test(test_parse_go_info_env_unknown),
		cmocka_unit_test(test_parse_go_info_gomemlimit),
		cmocka_unit_test(test_parse_go_info_invalid),
		cmocka_unit_test(test_parse_go_info_garbage),
		cmocka_unit_test(test_parse_gomemlimit_units),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
