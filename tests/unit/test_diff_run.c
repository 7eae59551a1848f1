/* SPDX-License-Identifier: MIT */
/*
 * diff_samples_parse(): the --samples S1:S2 of `memsnap diff`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reports/diff_run.h"

static int parse(const char *arg, int64_t ret[2])
{
	ret[0] = ret[1] = 42;
	return diff_samples_parse(arg, strlen(arg), ret);
}

static void test_diff_samples_parse_numbers_and_names(void **state)
{
	int64_t s[2];

	(void)state;
	assert_int_equal(parse("1:4", s), 0);
	assert_int_equal(s[0], 1);
	assert_int_equal(s[1], 4);
	assert_int_equal(parse("first:last", s), 0);
	assert_int_equal(s[0], DIFF_SAMPLE_FIRST);
	assert_int_equal(s[1], DIFF_SAMPLE_LAST);
	assert_int_equal(parse("last:2", s), 0);
	assert_int_equal(s[0], DIFF_SAMPLE_LAST);
	assert_int_equal(s[1], 2);
	/* the same sample twice parses: the stage says it is one sample */
	assert_int_equal(parse("3:3", s), 0);
	assert_int_equal(s[0], 3);
	assert_int_equal(s[1], 3);
	assert_int_equal(parse("9223372036854775807:1", s), 0);
	assert_int_equal(s[0], INT64_MAX);
}

static void test_diff_samples_parse_refused(void **state)
{
	static const char *const bad[] = {
		"", "1", ":", "1:", ":2", "0:1", "1:0", "1-2", "1:2:3", "-1:2", "1: 2",
		" 1:2", "one:two", "First:last", "last:lastt", "9223372036854775808:1",
		"1:18446744073709551616", "0x1:2",
	};
	int64_t s[2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], s) != -1)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

/* arg is (buf, len): bytes past len are not read */
static void test_diff_samples_parse_len(void **state)
{
	int64_t s[2];

	(void)state;
	assert_int_equal(diff_samples_parse("1:23", 3, s), 0);
	assert_int_equal(s[1], 2);
	assert_int_equal(diff_samples_parse("1:2", 1, s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_samples_parse_numbers_and_names),
		cmocka_unit_test(test_diff_samples_parse_refused),
		cmocka_unit_test(test_diff_samples_parse_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
