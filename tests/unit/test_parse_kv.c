/* SPDX-License-Identifier: MIT */
/* The shared pieces: diag, kv_extras, the public kv_table_parse(). */
#include "tests/unit/test_parse_util.h"

struct demo {
	struct kv_u64 alpha, beta, gamma;
};

/* Sorted, as kv_table_parse() wants (and unsorted below, which also works). */
static const struct kv_field demo_fields[] = {
	{ "alpha", offsetof(struct demo, alpha) },
	{ "beta", offsetof(struct demo, beta) },
	{ "gamma", offsetof(struct demo, gamma) },
};

static const struct kv_field demo_unsorted[] = {
	{ "gamma", offsetof(struct demo, gamma) },
	{ "alpha", offsetof(struct demo, alpha) },
	{ "beta", offsetof(struct demo, beta) },
};

static int kvp(const char *buf, char sep, const struct kv_field *f, size_t n,
	       void *base, struct kv_extras *x, struct parse_diag *d)
{
	return kv_table_parse(buf, strlen(buf), sep, f, n, base, x, d);
}

static void test_diag_text_counts(void **state)
{
	struct parse_diag d = { 0 };
	char buf[300];

	(void)state;
	assert_string_equal(diag_text(&d, buf, sizeof(buf)), "");
	assert_string_equal(diag_text(NULL, buf, sizeof(buf)), "");
	diag_add(&d, "line %u: first", 3u);
	assert_string_equal(diag_text(&d, buf, sizeof(buf)), "line 3: first");
	diag_add(&d, "second");
	assert_string_equal(diag_text(&d, buf, sizeof(buf)),
			    "line 3: first (and 1 more problem)");
	diag_add(&d, "third");
	assert_string_equal(diag_text(&d, buf, sizeof(buf)),
			    "line 3: first (and 2 more problems)");
	assert_int_equal(d.count, 3);
	diag_add(NULL, "ignored");              /* parsers accept diag NULL */
	/* A message longer than msg is cut, never overflows. */
	memset(&d, 0, sizeof(d));
	diag_add(&d, "%0400d", 1);
	assert_int_equal(strlen(d.msg), sizeof(d.msg) - 1);
	/* A small buffer. */
	assert_string_equal(diag_text(&d, buf, 5), "0000");
}

static void test_kv_extras_add_free(void **state)
{
	struct kv_extras x = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		kv_extras_add(&x, "key_x", 3, "value", 5);
	kv_extras_add(&x, "", 0, "", 0);
	assert_int_equal(x.n, 1001);
	assert_string_equal(x.v[0].key, "key");
	assert_string_equal(x.v[0].value, "value");
	assert_string_equal(x.v[1000].key, "");
	kv_extras_free(&x);
	assert_int_equal(x.n, 0);
	assert_null(x.v);
	kv_extras_free(&x);                     /* twice: a no-op */
	kv_extras_free(NULL);
}

static void test_kv_table_parse_space_and_colon(void **state)
{
	struct demo s = { 0 };
	struct kv_extras x = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(kvp("alpha 1\nzeta two words\ngamma 3 kB\n",
			     ' ', demo_fields, 3, &s, &x, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(s.alpha, 1);
	assert_unset(s.beta);
	assert_kv(s.gamma, 3 * KB);             /* "Values with a trailing kB" */
	assert_int_equal(x.n, 1);
	assert_string_equal(x.v[0].key, "zeta");
	assert_string_equal(x.v[0].value, "two words");
	kv_extras_free(&x);

	memset(&s, 0, sizeof(s));
	assert_int_equal(kvp("beta:\t 7\n", ':', demo_unsorted, 3,
					&s, NULL, &d), 0);
	assert_kv(s.beta, 7);
}

static void test_kv_table_parse_no_extras_and_errors(void **state)
{
	struct demo s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	/* Without an extras list, unknown keys are reported. */
	assert_int_equal(kvp("alpha 1\nnew 2\n", ' ', demo_fields, 3,
					&s, NULL, &d), 0);
	assert_diag(d, 1, "line 2: unknown key 'new' ignored");

	memset(&s, 0, sizeof(s));
	memset(&d, 0, sizeof(d));
	assert_int_equal(kvp("new 2\n", ' ', demo_fields, 3, &s, NULL, &d),
			 -EINVAL);
	assert_diag(d, 2, "line 1: unknown key 'new' ignored");
	assert_string_equal(d.msg, "line 1: unknown key 'new' ignored");

	memset(&d, 0, sizeof(d));
	assert_int_equal(kvp("alpha 99999999999999999999\n", ' ',
					demo_fields, 3, &s, NULL, &d), -ERANGE);

	/* No known fields at all: extras alone make the file understood. */
	{
		struct kv_extras x = { 0 };

		assert_int_equal(kvp("a 1\n", ' ', NULL, 0, NULL, &x, NULL), 0);
		assert_int_equal(x.n, 1);
		kv_extras_free(&x);
	}
}

static void test_kv_table_parse_quoting_in_messages(void **state)
{
	/* Control bytes and non-ASCII come out as \xNN; long values are cut. */
	static const char buf[] = "alpha \xff\x01zz\nbeta 1234567890123456789012345678901234567890123456789x\n";
	struct demo s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(kv_table_parse(buf, sizeof(buf) - 1, ' ', demo_fields, 3, &s,
					NULL, &d), -EINVAL);
	assert_diag(d, 3, "line 1: value of 'alpha' has a control byte, skipped");

	memset(&d, 0, sizeof(d));
	assert_int_equal(kvp(strchr(buf, '\n') + 1, ' ', demo_fields, 3, &s, NULL, &d),
			 -EINVAL);
	assert_string_equal(d.msg, "line 1: invalid number "
			    "'1234567890123456789012345678901234567890...' for 'beta'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_text_counts),
		cmocka_unit_test(test_kv_extras_add_free),
		cmocka_unit_test(test_kv_table_parse_space_and_colon),
		cmocka_unit_test(test_kv_table_parse_no_extras_and_errors),
		cmocka_unit_test(test_kv_table_parse_quoting_in_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
