/* SPDX-License-Identifier: MIT */
/* parse_smaps_rollup(): the four real samples, proc.rst's smaps, hostile input. */
#include "tests/unit/test_parse_util.h"

static char *sample(const char *rel, size_t *len)
{
	return tp_sample(rel, len);
}

static void test_parse_smaps_rollup_android_no_trailing_newline(void **state)
{
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = sample("smaps_rollup/android-libmeminfo-test-rollup-arm64-no-LazyFree-no-trailing-newline.txt",
			   &len);

	(void)state;
	assert_int_not_equal(buf[len - 1], '\n');
	assert_int_equal(parse_smaps_rollup(buf, len, &s, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(s.rss, 331908 * KB);
	assert_kv(s.pss, 202052 * KB);
	assert_kv(s.shared_clean, 158492 * KB);
	assert_kv(s.shared_dirty, 18928 * KB);
	assert_kv(s.private_clean, 90472 * KB);
	assert_kv(s.private_dirty, 64016 * KB);
	assert_kv(s.referenced, 318700 * KB);
	assert_kv(s.anonymous, 81984 * KB);
	assert_kv(s.anon_huge_pages, 0);
	assert_kv(s.shared_hugetlb, 0);
	assert_kv(s.private_hugetlb, 0);
	assert_kv(s.swap, 5344 * KB);
	assert_kv(s.swap_pss, 442 * KB);
	assert_kv(s.locked, 1523537 * KB);      /* last line, no newline */
	/* 14 fields only: the rest unset, not 0. */
	assert_unset(s.pss_anon);
	assert_unset(s.pss_file);
	assert_unset(s.pss_shmem);
	assert_unset(s.pss_dirty);
	assert_unset(s.lazyfree);
	assert_unset(s.shmem_pmd_mapped);
	assert_unset(s.file_pmd_mapped);
	assert_unset(s.ksm);
	assert_int_equal(s.extra.n, 0);
	smaps_rollup_free(&s);
	free(buf);
}

static void test_parse_smaps_rollup_pss_anon_odd_padding(void **state)
{
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = sample("smaps_rollup/huawei-cloud-jump-server-pid1185-pss_anon-no-pss_dirty-zh-doc.txt",
			   &len);

	(void)state;
	assert_int_equal(parse_smaps_rollup(buf, len, &s, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(s.rss, 21952 * KB);
	assert_kv(s.pss, 21948 * KB);
	assert_kv(s.pss_anon, 10372 * KB);
	assert_kv(s.pss_file, 11576 * KB);
	assert_kv(s.pss_shmem, 0);
	assert_unset(s.pss_dirty);              /* 5.3 .. 5.19 */
	assert_kv(s.shared_clean, 4 * KB);
	assert_kv(s.private_clean, 11576 * KB);
	assert_kv(s.private_dirty, 10372 * KB);
	assert_kv(s.anonymous, 10372 * KB);
	assert_kv(s.lazyfree, 0);
	assert_kv(s.file_pmd_mapped, 0);        /* one space less, as pasted */
	assert_kv(s.locked, 0);
	assert_unset(s.ksm);
	smaps_rollup_free(&s);
	free(buf);
}

static void test_parse_smaps_rollup_pss_dirty(void **state)
{
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = sample("smaps_rollup/portuguese-doc-pid236341-pss_dirty-no-KSM.txt", &len);

	(void)state;
	assert_int_equal(parse_smaps_rollup(buf, len, &s, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(s.rss, 7368 * KB);
	assert_kv(s.pss, 1171 * KB);
	assert_kv(s.pss_dirty, 868 * KB);
	assert_kv(s.pss_anon, 868 * KB);
	assert_kv(s.pss_file, 303 * KB);
	assert_kv(s.pss_shmem, 0);
	assert_kv(s.shared_clean, 6444 * KB);
	assert_kv(s.private_clean, 56 * KB);
	assert_kv(s.private_dirty, 868 * KB);
	assert_kv(s.referenced, 7368 * KB);
	assert_unset(s.ksm);
	smaps_rollup_free(&s);
	free(buf);
}

static void test_parse_smaps_rollup_ksm_file_pmd(void **state)
{
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = sample("smaps_rollup/rust-fixture-real-machine-KSM-FilePmdMapped.txt", &len);

	(void)state;
	assert_int_equal(parse_smaps_rollup(buf, len, &s, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(s.rss, 3932 * KB);
	assert_kv(s.pss, 208 * KB);
	assert_kv(s.pss_dirty, 108 * KB);
	assert_kv(s.pss_anon, 108 * KB);
	assert_kv(s.pss_file, 100 * KB);
	assert_kv(s.shared_clean, 3776 * KB);
	assert_kv(s.private_clean, 48 * KB);
	assert_kv(s.ksm, 0);
	assert_kv(s.file_pmd_mapped, 2048 * KB);
	assert_kv(s.shmem_pmd_mapped, 0);
	assert_kv(s.swap_pss, 0);
	smaps_rollup_free(&s);
	free(buf);
}

/* A whole-smaps block (not a rollup), straight from proc.rst. */
static void test_parse_smaps_rollup_proc_rst_smaps_block(void **state)
{
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_fixture("proc-rst-smaps-vma-bash.txt", &len);

	(void)state;
	assert_int_equal(parse_smaps_rollup(buf, len, &s, &d), 0);
	assert_kv(s.rss, 892 * KB);
	assert_kv(s.pss, 374 * KB);
	assert_kv(s.pss_dirty, 0);
	assert_kv(s.shared_clean, 892 * KB);
	assert_kv(s.referenced, 892 * KB);
	assert_kv(s.ksm, 0);
	assert_unset(s.pss_anon);               /* rollup-only keys */
	assert_int_equal(s.extra.n, 5);
	assert_string_equal(s.extra.v[0].key, "Size");
	assert_string_equal(s.extra.v[0].value, "1084 kB");
	assert_string_equal(s.extra.v[3].key, "THPeligible");
	assert_string_equal(s.extra.v[4].key, "VmFlags");
	assert_string_equal(s.extra.v[4].value, "rd ex mr mw me dw");
	/* KernelPageSize and MMUPageSize are printed twice. */
	assert_diag(d, 2, "line 23: duplicate key 'KernelPageSize' ignored (the first one counts)");
	smaps_rollup_free(&s);
	free(buf);
}

static void test_parse_smaps_rollup_empty_and_header_only(void **state)
{
	static const char hdr[] =
		"55d1c0de0000-7ffee0c0f000 ---p 00000000 00:00 0      [rollup]\n";
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_smaps_rollup("", 0, &s, &d), -EINVAL);
	assert_diag(d, 1, "empty file");
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_smaps_rollup(hdr, sizeof(hdr) - 1, &s, &d), -EINVAL);
	assert_diag(d, 1, "no known key found");
	smaps_rollup_free(&s);
}

static void test_parse_smaps_rollup_truncated(void **state)
{
	static const char buf[] =
		"00400000-7ffd1234a000 ---p 00000000 00:00 0 [rollup]\n"
		"Rss:               21952 kB\nPss:               21";
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_smaps_rollup(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_kv(s.rss, 21952 * KB);
	/* "21" without its kB is the start of a cut line: unset, not 21. */
	assert_unset(s.pss);
	assert_diag(d, 1, "line 3: no 'kB' in '21' for 'Pss' (truncated?)");
	smaps_rollup_free(&s);

	/* Cut inside the unit: "12 k" is no number at all. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_smaps_rollup("Rss: 5 kB\nPss: 12 k", 19, &s, &d), 0);
	assert_kv(s.rss, 5 * KB);
	assert_unset(s.pss);
	assert_diag(d, 1, "line 2: invalid number '12 k' for 'Pss'");
	smaps_rollup_free(&s);
}

static void test_parse_smaps_rollup_garbage_nul_50mb(void **state)
{
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };
	static const char nul[] = "Rss:\t1\0 kB\nPss:\t2 kB\n";
	char *g = tp_garbage(1u << 20, 7), *big;
	size_t len;

	(void)state;
	assert_int_equal(parse_smaps_rollup(g, 1u << 20, &s, &d), -EINVAL);
	smaps_rollup_free(&s);
	free(g);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_smaps_rollup(nul, sizeof(nul) - 1, &s, &d), 0);
	assert_unset(s.rss);
	assert_kv(s.pss, 2 * KB);
	assert_diag(d, 1, "line 1: value of 'Rss' has a control byte, skipped");
	smaps_rollup_free(&s);

	big = tp_long_line("Rss:  ", '9', SIZE_50M, " kB\nPss:  3 kB\n", &len);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_smaps_rollup(big, len, &s, &d), 0);
	assert_unset(s.rss);
	assert_kv(s.pss, 3 * KB);
	assert_int_equal(d.count, 1);
	smaps_rollup_free(&s);
	free(big);
}

static void test_parse_smaps_rollup_range_dup_crlf(void **state)
{
	static const char buf[] =
		"Rss:\t99999999999999999999 kB\r\n"
		"Pss:\t-4 kB\r\n"
		"Swap:\t8 kB\r\n"
		"Swap:\t9 kB\r\n"
		"Locked:\t18014398509481984 kB\r\n";
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_smaps_rollup(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_unset(s.rss);
	assert_unset(s.pss);
	assert_kv(s.swap, 8 * KB);
	assert_unset(s.locked);
	assert_diag(d, 4, "line 1: number '99999999999999999999 kB' for 'Rss' is out of range");
	smaps_rollup_free(&s);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_smaps_rollup("Rss:\t-4 kB\n", 11, &s, &d), -ERANGE);
	assert_diag(d, 1, "line 1: negative number '-4 kB' for 'Rss'");
	smaps_rollup_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_smaps_rollup_android_no_trailing_newline),
		cmocka_unit_test(test_parse_smaps_rollup_pss_anon_odd_padding),
		cmocka_unit_test(test_parse_smaps_rollup_pss_dirty),
		cmocka_unit_test(test_parse_smaps_rollup_ksm_file_pmd),
		cmocka_unit_test(test_parse_smaps_rollup_proc_rst_smaps_block),
		cmocka_unit_test(test_parse_smaps_rollup_empty_and_header_only),
		cmocka_unit_test(test_parse_smaps_rollup_truncated),
		cmocka_unit_test(test_parse_smaps_rollup_garbage_nul_50mb),
		cmocka_unit_test(test_parse_smaps_rollup_range_dup_crlf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
