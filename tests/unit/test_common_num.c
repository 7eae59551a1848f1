/* SPDX-License-Identifier: MIT */
/*
 * common/: checked number parsing (parse_u64, parse_i64, parse_double,
 * parse_hex_u64) and the size argument parser (parse_size_arg): every
 * edge a kernel file or a command line can hold: empty, sign, white space,
 * trailing bytes, the last value that fits and the first that does not.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"

struct int_case {
	const char *s;
	int r;              /* 0, -EINVAL, -ERANGE */
	int64_t i;          /* parse_i64's value when r is 0 */
};

/* Each case through parse_u64 (want_u) or parse_i64 (want_i); a failure
 * leaves the output untouched. */
static void run_cases(const struct int_case *c, size_t n, bool is_signed)
{
	size_t k;

	for (k = 0; k < n; k++) {
		uint64_t u = 12345;
		int64_t i = 12345;
		int r = is_signed ? parse_i64(c[k].s, strlen(c[k].s), &i) :
				    parse_u64(c[k].s, strlen(c[k].s), &u);

		if (r != c[k].r)
			fail_msg("parse_%s('%s') = %d, want %d", is_signed ? "i64" : "u64",
				 c[k].s, r, c[k].r);
		if (r < 0 && (u != 12345 || i != 12345))
			fail_msg("'%s' failed but wrote its result", c[k].s);
		if (!r && !is_signed && u != (uint64_t)c[k].i)
			fail_msg("parse_u64('%s') gave %llu", c[k].s, (unsigned long long)u);
		if (!r && is_signed && i != c[k].i)
			fail_msg("parse_i64('%s') gave %lld", c[k].s, (long long)i);
	}
}

static void test_parse_u64_edges(void **state)
{
	static const struct int_case cases[] = {
		{ "0", 0, 0 }, { "007", 0, 7 },
		{ "18446744073709551615", 0, -1 },          /* UINT64_MAX */
		{ "18446744073709551616", -ERANGE, 0 }, { "99999999999999999999", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 }, { "1 ", -EINVAL, 0 }, { "1\n", -EINVAL, 0 },
		{ "12a", -EINVAL, 0 }, { "0x10", -EINVAL, 0 }, { "1.0", -EINVAL, 0 },
	};
	uint64_t v;

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases), false);
	/* only len bytes count: a number inside a longer line */
	assert_int_equal(parse_u64("4096 kB", 4, &v), 0);
	assert_int_equal(v, 4096);
}

static void test_parse_i64_edges(void **state)
{
	static const struct int_case cases[] = {
		{ "0", 0, 0 }, { "-0", 0, 0 }, { "-1", 0, -1 },
		{ "9223372036854775807", 0, INT64_MAX }, { "9223372036854775808", -ERANGE, 0 },
		{ "-9223372036854775808", 0, INT64_MIN }, { "-9223372036854775809", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "-", -EINVAL, 0 }, { "--1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 }, { " -1", -EINVAL, 0 }, { "-1 ", -EINVAL, 0 },
	};

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases), true);
}

static void test_parse_double_edges(void **state)
{
	double v = 7;

	(void)state;
	assert_int_equal(parse_double("12.34", 5, &v), 0);
	assert_true(v > 12.339 && v < 12.341);
	assert_int_equal(parse_double("-0.5", 4, &v), 0);
	assert_true(v == -0.5);
	assert_int_equal(parse_double("3", 1, &v), 0);
	assert_true(v == 3);
	v = 7;
	assert_int_equal(parse_double("", 0, &v), -EINVAL);
	assert_int_equal(parse_double("-", 1, &v), -EINVAL);
	assert_int_equal(parse_double(".", 1, &v), -EINVAL);
	assert_int_equal(parse_double("1.2.3", 5, &v), -EINVAL);
	assert_int_equal(parse_double(" 1", 2, &v), -EINVAL);
	assert_int_equal(parse_double("1 ", 2, &v), -EINVAL);
	assert_int_equal(parse_double("1e3", 3, &v), -EINVAL);   /* strtod would */
	assert_int_equal(parse_double("inf", 3, &v), -EINVAL);
	assert_int_equal(parse_double("nan", 3, &v), -EINVAL);
	assert_int_equal(parse_double("0x1p3", 5, &v), -EINVAL);
	assert_int_equal(parse_double("+1", 2, &v), -EINVAL);
	assert_int_equal(parse_double("1-", 2, &v), -EINVAL);
	assert_true(v == 7);
	/* longer than its buffer: refused, not cut */
	{
		char big[80];

		memset(big, '1', sizeof(big));
		assert_int_equal(parse_double(big, sizeof(big), &v), -EINVAL);
	}
}

static void test_parse_hex_u64_edges(void **state)
{
	uint64_t v = 1;

	(void)state;
	assert_int_equal(parse_hex_u64("ffffffffffffffff", 16, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_hex_u64("00000000000003fF", 16, &v), 0);
	assert_true(v == 0x3ff);
	assert_int_equal(parse_hex_u64("0", 1, &v), 0);
	assert_true(v == 0);
	assert_int_equal(parse_hex_u64("1ffffffffffffffff", 17, &v), -ERANGE);
	assert_int_equal(parse_hex_u64("", 0, &v), -EINVAL);
	assert_int_equal(parse_hex_u64("0x1", 3, &v), -EINVAL);
	assert_int_equal(parse_hex_u64("g", 1, &v), -EINVAL);
	assert_int_equal(parse_hex_u64(" 1", 2, &v), -EINVAL);
	assert_int_equal(parse_hex_u64("-1", 2, &v), -EINVAL);
}

static void test_parse_size_arg_suffixes(void **state)
{
	static const struct { const char *s; int r; uint64_t v; } cases[] = {
		{ "0", 0, 0 },
		{ "512", 0, 512 },
		{ "512B", 0, 512 },
		{ "4K", 0, 4096 }, { "4k", 0, 4096 }, { "4KiB", 0, 4096 },
		{ "4kB", 0, 4096 }, { "4KB", 0, 4096 },
		{ "3M", 0, 3ull << 20 }, { "3MiB", 0, 3ull << 20 }, { "3MB", 0, 3ull << 20 },
		{ "2G", 0, 2ull << 30 }, { "2GiB", 0, 2ull << 30 }, { "2GB", 0, 2ull << 30 },
		{ "1T", 0, 1ull << 40 }, { "1TiB", 0, 1ull << 40 }, { "1TB", 0, 1ull << 40 },
		{ "16777215T", 0, 16777215ull << 40 },
		{ "16777216T", -ERANGE, 0 },           /* 2^64 */
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "M", -EINVAL, 0 },                   /* no digits */
		{ "-1", -EINVAL, 0 },
		{ " 1M", -EINVAL, 0 },
		{ "1 M", -EINVAL, 0 },
		{ "1M ", -EINVAL, 0 },
		{ "1m", -EINVAL, 0 },                  /* m is milli, not mega */
		{ "1P", -EINVAL, 0 },
		{ "1.5G", -EINVAL, 0 },
		{ "1MiBs", -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 99;
		int r = parse_size_arg(cases[i].s, &v);

		if (r != cases[i].r)
			fail_msg("parse_size_arg('%s') = %d, want %d", cases[i].s, r, cases[i].r);
		if (!r && v != cases[i].v)
			fail_msg("parse_size_arg('%s') gave %llu", cases[i].s, (unsigned long long)v);
		if (r && v != 99)
			fail_msg("parse_size_arg('%s') failed but wrote its result", cases[i].s);
	}
}

static void test_parse_duration_ms_units(void **state)
{
	static const struct { const char *s; int r; uint64_t v; } cases[] = {
		{ "500ms", 0, 500 }, { "2s", 0, 2000 }, { "1m", 0, 60000 },
		{ "1h", 0, 3600000 }, { "0ms", 0, 0 }, { "200ms", 0, 200 },
		{ "2", -EINVAL, 0 }, { "", -EINVAL, 0 }, { "ms", -EINVAL, 0 },
		{ "1.5s", -EINVAL, 0 }, { "-1s", -EINVAL, 0 }, { "2 s", -EINVAL, 0 },
		{ "2S", -EINVAL, 0 }, { "2sec", -EINVAL, 0 }, { "1d", -EINVAL, 0 },
		{ "18446744073709551615ms", 0, UINT64_MAX },
		{ "18446744073709551616ms", -ERANGE, 0 },
		{ "18446744073709551615s", -ERANGE, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 99;
		int r = parse_duration_ms(cases[i].s, strlen(cases[i].s), &v);

		if (r != cases[i].r)
			fail_msg("parse_duration_ms('%s') = %d, want %d", cases[i].s, r, cases[i].r);
		if (!r && v != cases[i].v)
			fail_msg("parse_duration_ms('%s') gave %llu", cases[i].s, (unsigned long long)v);
		if (r && v != 99)
			fail_msg("parse_duration_ms('%s') failed but wrote its result", cases[i].s);
	}
	/* the length is the bound, not the NUL */
	{
		uint64_t v = 0;

		assert_int_equal(parse_duration_ms("2sXYZ", 2, &v), 0);
		assert_int_equal(v, 2000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64_edges),
		cmocka_unit_test(test_parse_i64_edges),
		cmocka_unit_test(test_parse_double_edges),
		cmocka_unit_test(test_parse_hex_u64_edges),
		cmocka_unit_test(test_parse_size_arg_suffixes),
		cmocka_unit_test(test_parse_duration_ms_units),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
