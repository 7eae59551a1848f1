/* SPDX-License-Identifier: MIT */
/* parse_meminfo(): the three real samples, proc.rst's example, hostile input. */
#include "tests/unit/test_parse_util.h"

#define assert_get(l, key, expected) do {				\
	uint64_t v_;							\
	assert_true(kv_list_get((l), (key), &v_));			\
	assert_int_equal(v_, (uint64_t)(expected));			\
} while (0)

static int parse(const char *s, struct kv_list *l, struct parse_diag *d)
{
	return parse_meminfo(s, strlen(s), l, d);
}

static void test_parse_meminfo_zswap(void **state)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_sample("meminfo/prometheus-procfs-fixture-meminfo-zswap.txt", &len);

	(void)state;
	assert_int_equal(parse_meminfo(buf, len, &l, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(l.n, 45);
	assert_string_equal(l.v[0].key, "MemTotal");
	assert_string_equal(l.v[44].key, "DirectMap2M");
	assert_get(&l, "MemTotal", 15666184 * KB);
	assert_get(&l, "MemFree", 440324 * KB);
	assert_get(&l, "Active(anon)", 267256 * KB);
	assert_get(&l, "Inactive(file)", 6532440 * KB);
	assert_get(&l, "Zswap", 22414 * KB);
	assert_get(&l, "Zswapped", 10502 * KB);
	assert_get(&l, "SReclaimable", 1738124 * KB);
	assert_get(&l, "VmallocTotal", 34359738367ull * KB);
	assert_get(&l, "HugePages_Total", 0);           /* a count */
	assert_get(&l, "Hugepagesize", 2048 * KB);
	assert_false(kv_list_get(&l, "MemAvailable", NULL));
	kv_list_free(&l);
	free(buf);
}

static void test_parse_meminfo_legacy_table(void **state)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_sample("meminfo/gopsutil-testdata-issue1002.txt", &len);

	(void)state;
	assert_int_equal(parse_meminfo(buf, len, &l, &d), 0);
	assert_diag(d, 1, "lines 1-3: 2.4-era 'total: used: free:' table skipped");
	assert_int_equal(l.n, 39);
	assert_string_equal(l.v[0].key, "MemTotal");
	assert_get(&l, "MemTotal", 254472 * KB);
	assert_get(&l, "MemShared", 0);
	assert_get(&l, "MemAvailable", 210156 * KB);
	assert_get(&l, "HighTotal", 131072 * KB);
	assert_get(&l, "LowFree", 55392 * KB);
	assert_get(&l, "VmallocChunk", 0);
	assert_false(kv_list_get(&l, "Mem", NULL));
	assert_false(kv_list_get(&l, "Swap", NULL));
	assert_false(kv_list_get(&l, "total", NULL));
	kv_list_free(&l);
	free(buf);
}

static void test_parse_meminfo_no_trailing_newline(void **state)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_sample("meminfo/gopsutil-testdata-anonhugepages.txt", &len);

	(void)state;
	assert_int_not_equal(buf[len - 1], '\n');
	assert_int_equal(parse_meminfo(buf, len, &l, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(l.n, 4);
	assert_get(&l, "MemTotal", 260799420 * KB);
	assert_get(&l, "MemAvailable", 127880216 * KB);
	assert_get(&l, "AnonHugePages", 50409472 * KB);
	kv_list_free(&l);
	free(buf);
}

static void test_parse_meminfo_proc_rst_example(void **state)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_fixture("proc-rst-meminfo.txt", &len);

	(void)state;
	assert_int_equal(parse_meminfo(buf, len, &l, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(l.n, 57);
	assert_get(&l, "MemTotal", 32858820 * KB);
	assert_get(&l, "MemAvailable", 27214312 * KB);
	assert_get(&l, "KReclaimable", 517708 * KB);
	assert_get(&l, "SecPageTables", 0);
	assert_get(&l, "EarlyMemtestBad", 0);
	assert_get(&l, "HugePages_Surp", 0);
	assert_get(&l, "DirectMap1G", 24117248 * KB);
	kv_list_free(&l);
	free(buf);
}

static void test_parse_meminfo_truncated_and_units(void **state)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse("MemTotal:  1000 kB\nMemFree:   123", &l, &d), 0);
	assert_int_equal(l.n, 1);
	assert_diag(d, 1, "line 2: no 'kB' in '123' for 'MemFree' (truncated?)");
	kv_list_free(&l);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse("HugePages_Total:  5 kB\nHugePages_Free: 3\n", &l, &d), 0);
	assert_int_equal(l.n, 1);
	assert_get(&l, "HugePages_Free", 3);
	assert_diag(d, 1, "line 1: unexpected unit in '5 kB' for 'HugePages_Total'");
	kv_list_free(&l);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse("MemTotal:  10", &l, &d), -EINVAL);
	kv_list_free(&l);
}

static void test_parse_meminfo_hostile(void **state)
{
	static const char buf[] =
		"MemTotal:\t18014398509481984 kB\r\n"   /* 2^54 kB overflows */
		"MemFree:\t-5 kB\r\n"
		"Buffers:\t1 kB\r\n"
		"Buffers:\t2 kB\r\n"                    /* duplicate */
		"Cached\t3 kB\r\n"                      /* no ':' */
		"Weird Key:\t4 kB\r\n"
		"Nul:\t5\0 kB\r\n"
		"Mem:  260579328 136073216\r\n";        /* a table row out of place */
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	char *g = tp_garbage(1u << 20, 11), *big;
	size_t len;

	(void)state;
	assert_int_equal(parse_meminfo(buf, sizeof(buf) - 1, &l, &d), 0);
	assert_int_equal(l.n, 1);
	assert_get(&l, "Buffers", 1 * KB);
	assert_diag(d, 7, "line 1: number '18014398509481984 kB' for 'MemTotal' is out of range");
	kv_list_free(&l);

	/* Found by fuzzing: a bare "Mem:" after the legacy header read past it. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_meminfo("  total: used: free:\nMem:", 25, &l, &d), -EINVAL);
	assert_int_equal(l.n, 0);
	kv_list_free(&l);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse("total: used:\nSwap: 1 2\nMem:\nMemTotal: 1 kB\n", &l, &d), 0);
	assert_int_equal(l.n, 1);
	assert_diag(d, 2, "lines 1-2: 2.4-era 'total: used: free:' table skipped");
	kv_list_free(&l);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_meminfo("", 0, &l, &d), -EINVAL);
	assert_diag(d, 1, "empty file");
	assert_int_equal(parse_meminfo(g, 1u << 20, &l, NULL), -EINVAL);
	kv_list_free(&l);
	free(g);

	big = tp_long_line("MemTotal: 1 kB\nX", 'y', SIZE_50M, ": 1 kB\n", &len);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_meminfo(big, len, &l, &d), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(d.count, 1);
	kv_list_free(&l);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_meminfo_zswap),
		cmocka_unit_test(test_parse_meminfo_legacy_table),
		cmocka_unit_test(test_parse_meminfo_no_trailing_newline),
		cmocka_unit_test(test_parse_meminfo_proc_rst_example),
		cmocka_unit_test(test_parse_meminfo_truncated_and_units),
		cmocka_unit_test(test_parse_meminfo_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
