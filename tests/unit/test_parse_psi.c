/* SPDX-License-Identifier: MIT */
/* parse_psi(): the real sample, psi.rst's format, hostile input. */
#include "tests/unit/test_parse_util.h"

static int parse(const char *s, struct psi *p, struct parse_diag *d)
{
	memset(p, 0, sizeof(*p));
	return parse_psi(s, strlen(s), p, d);
}

static void test_parse_psi_sample(void **state)
{
	struct psi p = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_sample("other/prometheus-procfs-fixture-pressure-memory.txt", &len);

	(void)state;
	assert_int_equal(parse_psi(buf, len, &p, &d), 0);
	assert_int_equal(d.count, 0);
	assert_true(p.some.set);
	assert_float_equal(p.some.avg10, 0.10, 1e-9);
	assert_float_equal(p.some.avg60, 2.00, 1e-9);
	assert_float_equal(p.some.avg300, 3.85, 1e-9);
	assert_int_equal(p.some.total, 15);
	assert_true(p.full.set);
	assert_float_equal(p.full.avg10, 0.20, 1e-9);
	assert_float_equal(p.full.avg60, 3.00, 1e-9);
	assert_float_equal(p.full.avg300, 4.95, 1e-9);
	assert_int_equal(p.full.total, 25);
	free(buf);
}

static void test_parse_psi_docs(void **state)
{
	struct psi p = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_fixture("psi-rst-memory.txt", &len);

	(void)state;
	assert_int_equal(parse_psi(buf, len, &p, &d), 0);
	assert_int_equal(d.count, 0);
	assert_true(p.some.set && p.full.set);
	assert_float_equal(p.full.avg300, 0.0, 0);
	assert_int_equal(p.full.total, 0);
	free(buf);

	memset(&p, 0, sizeof(p));
	buf = tp_fixture("psi-rst-cpu-before-5.13.txt", &len);
	assert_int_equal(parse_psi(buf, len, &p, &d), 0);
	assert_true(p.some.set);
	assert_false(p.full.set);               /* cpu before 5.13: no full */
	assert_int_equal(d.count, 0);
	free(buf);
}

static void test_parse_psi_field_order_and_new_keys(void **state)
{
	struct psi p;

	(void)state;
	/* Keys in any order; a key a later kernel may add is ignored. */
	assert_int_equal(parse("full total=7 avg300=1.5 avg60=2.5 avg10=3.5 avg3600=9.0\r\n",
			       &p, NULL), 0);
	assert_false(p.some.set);
	assert_true(p.full.set);
	assert_int_equal(p.full.total, 7);
	assert_float_equal(p.full.avg10, 3.5, 1e-9);
	/* A large total (microseconds since boot, years of stall). */
	assert_int_equal(parse("some avg10=100.00 avg60=0.00 avg300=0.00 total=18446744073709551615\n",
			       &p, NULL), 0);
	assert_int_equal(p.some.total, UINT64_MAX);
	assert_float_equal(p.some.avg10, 100.0, 1e-9);
}

static void test_parse_psi_hostile(void **state)
{
	struct psi p;
	struct parse_diag d = { 0 };
	char *g = tp_garbage(1u << 20, 13), *big;
	size_t len;

	(void)state;
	assert_int_equal(parse("", &p, &d), -EINVAL);
	assert_diag(d, 1, "empty file");

	/* Truncated mid-line: the line is incomplete, so not set. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse("some avg10=0.25 avg60=1.50 avg300=2.75 total=42\nfull avg10=0.2",
			       &p, &d), 0);
	assert_true(p.some.set);
	assert_false(p.full.set);
	assert_diag(d, 1, "line 2: no 'avg60'");

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse("some avg10=-1.00 avg60=0 avg300=0 total=0\n"
			       "full avg10=0.00 avg60=0.00 avg300=0.00 total=-3\n"
			       "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
			       "half avg10=0.00\n"
			       "full avg10=nan avg60=0.00 avg300=0.00 total=0\n",
			       &p, &d), -ERANGE);
	assert_false(p.some.set);
	assert_false(p.full.set);
	assert_diag(d, 5, "line 1: invalid percentage '-1.00' for 'avg10'");

	assert_int_equal(parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=99999999999999999999\n",
			       &p, NULL), -ERANGE);
	assert_int_equal(parse("some avg10=0.00 avg10=0.00 avg60=0.00 avg300=0.00 total=1\n",
			       &p, NULL), -EINVAL);
	assert_int_equal(parse("some avg10 avg60=0.00\n", &p, NULL), -EINVAL);
	assert_int_equal(parse_psi("some avg10=0.\0" "00 avg60=0.00 avg300=0.00 total=1\n",
				   49, &p, NULL), -EINVAL);
	memset(&p, 0, sizeof(p));
	assert_int_equal(parse_psi(g, 1u << 20, &p, NULL), -EINVAL);
	free(g);

	big = tp_long_line("some avg10=0.00 avg60=0.00 avg300=0.00 total=1 x=", 'x',
			   SIZE_50M, "\n", &len);
	memset(&p, 0, sizeof(p));
	assert_int_equal(parse_psi(big, len, &p, NULL), 0);
	assert_true(p.some.set);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_psi_sample),
		cmocka_unit_test(test_parse_psi_docs),
		cmocka_unit_test(test_parse_psi_field_order_and_new_keys),
		cmocka_unit_test(test_parse_psi_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
