/* SPDX-License-Identifier: MIT */
/*
 * parse_kv_list(), kv_list_get(): memory.stat v1 and v2, memory.events,
 * memory.swap.events (the real samples, the cgroup docs' key lists),
 * hostile input.
 */
#include "tests/unit/test_parse_util.h"

static void parse_sample(const char *rel, struct kv_list *l, size_t n)
{
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_sample(rel, &len);

	assert_int_equal(parse_kv_list(buf, len, l, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(l->n, n);
	free(buf);
}

static void parse_fixture(const char *rel, struct kv_list *l, size_t n)
{
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_fixture(rel, &len);

	assert_int_equal(parse_kv_list(buf, len, l, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(l->n, n);
	free(buf);
}

#define assert_get(l, key, expected) do {				\
	uint64_t v_;							\
	assert_true(kv_list_get((l), (key), &v_));			\
	assert_int_equal(v_, (uint64_t)(expected));			\
} while (0)

/* ---- v1 ----------------------------------------------------------------- */

static void test_parse_kv_list_v1_k8s_shmem(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_sample("memstat-v1/cockroachdb-cgroups-test-v1MemoryStat-k8s-shmem.txt", &l, 36);
	assert_string_equal(l.v[0].key, "cache");       /* file order */
	assert_get(&l, "cache", 784113664);
	assert_get(&l, "rss", 1703952384);
	assert_get(&l, "rss_huge", 27262976);
	assert_get(&l, "shmem", 0);
	assert_get(&l, "dirty", 4096);
	assert_get(&l, "inactive_file", 1363746816);
	assert_get(&l, "active_file", 308867072);
	assert_get(&l, "hierarchical_memory_limit", 2936016896u);
	assert_get(&l, "hierarchical_memsw_limit", 9223372036854771712ull);
	assert_get(&l, "total_inactive_file", 1363746816);
	assert_get(&l, "total_unevictable", 0);
	assert_string_equal(l.v[35].key, "total_unevictable");
	kv_list_free(&l);
}

static void test_parse_kv_list_v1_docker_no_shmem(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_sample("memstat-v1/docker-inside-container-cat-memory.stat-issue-paste.txt", &l, 30);
	assert_get(&l, "cache", 139583488);
	assert_get(&l, "rss", 4206592);
	assert_get(&l, "mapped_file", 6574080);
	assert_get(&l, "inactive_file", 41877504);
	assert_get(&l, "total_active_file", 97697792);
	assert_get(&l, "hierarchical_memory_limit", 9223372036854771712ull);
	/* No shmem/dirty/writeback before 4.15-ish kernels: absent, not 0. */
	assert_false(kv_list_get(&l, "shmem", NULL));
	assert_false(kv_list_get(&l, "total_dirty", NULL));
	kv_list_free(&l);
}

static void test_parse_kv_list_v1_large_totals(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_sample("memstat-v1/go-test-TestReadTotalInactiveFile-large-total-counters.txt", &l, 30);
	assert_get(&l, "inactive_file", 116477952);
	assert_get(&l, "total_cache", 11008163840ull);
	assert_get(&l, "total_rss_huge", 853540864);
	assert_get(&l, "total_pgpgin", 1569197391);
	assert_get(&l, "total_pgfault", 3236424211u);  /* > 2^31 */
	assert_get(&l, "total_inactive_file", 4666023936ull);
	assert_get(&l, "total_active_file", 6236336128ull);
	kv_list_free(&l);
}

static void test_parse_kv_list_v1_docs_keys(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_fixture("cgroup-v1-memory-rst-memory.stat-keys.txt", &l, 14 + 2 + 14 + 4);
	assert_get(&l, "cache", 1 * 4096);
	assert_get(&l, "unevictable", 14 * 4096);
	assert_get(&l, "hierarchical_memsw_limit", 9223372036854771712ull);
	assert_get(&l, "total_cache", 1 * 8192);
	assert_get(&l, "total_inactive_file", 12 * 8192);
	assert_get(&l, "recent_scanned_file", 4);
	kv_list_free(&l);
}

/* ---- v2 ----------------------------------------------------------------- */

static void test_parse_kv_list_v2_java_pod(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_sample("memstat-v2/java-k8s-pod-memory.stat-kernel5.10ish-zh-blog.txt", &l, 40);
	assert_get(&l, "anon", 846118912);
	assert_get(&l, "file", 2321530880u);
	assert_get(&l, "shmem", 1933574144);
	assert_get(&l, "inactive_anon", 2602876928u);
	assert_get(&l, "inactive_file", 188608512);
	assert_get(&l, "active_file", 199348224);
	assert_get(&l, "slab_reclaimable", 11839688);
	assert_get(&l, "slab", 19249088);
	assert_get(&l, "workingset_refault_file", 318);
	assert_get(&l, "thp_collapse_alloc", 0);
	assert_false(kv_list_get(&l, "kernel", NULL));  /* 5.18+ */
	kv_list_free(&l);
}

static void test_parse_kv_list_v2_early_unsplit(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_sample("memstat-v2/oomd-fixture-early-cgroup2-memory.stat-kernel4.x-workingset_refault-unsplit.txt",
		     &l, 29);
	assert_string_equal(l.v[3].key, "slab");        /* listed early */
	assert_get(&l, "anon", 1056014336);
	assert_get(&l, "file", 11877441536ull);
	assert_get(&l, "kernel_stack", 158109696);
	assert_get(&l, "slab", 1440972800);
	assert_get(&l, "unevictable", 8138752);
	assert_get(&l, "pgfault", 1225796781);
	assert_get(&l, "workingset_refault", 0);
	assert_false(kv_list_get(&l, "workingset_refault_file", NULL));
	assert_false(kv_list_get(&l, "pagetables", NULL));
	kv_list_free(&l);
}

static void test_parse_kv_list_v2_kernel_6_8(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_sample("memstat-v2/rust-bench-cgroupv2-plugin-MEMORY_STAT-kernel6.8ish-zswpwb.txt", &l, 56);
	assert_get(&l, "anon", 9202163712ull);
	assert_get(&l, "file", 5392793600ull);
	assert_get(&l, "kernel", 446648320);
	assert_get(&l, "sec_pagetables", 0);
	assert_get(&l, "percpu", 2989240);
	assert_get(&l, "vmalloc", 2240512);
	assert_get(&l, "unevictable", 540581888);
	assert_get(&l, "slab", 322729192);
	assert_get(&l, "pgscan_kswapd", 396436);
	assert_get(&l, "zswpwb", 0);
	assert_string_equal(l.v[55].key, "thp_swpout_fallback");
	kv_list_free(&l);
}

static void test_parse_kv_list_v2_docs_keys(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_fixture("cgroup-v2-rst-5.4-memory.stat-keys.txt", &l, 31);
	assert_get(&l, "anon", 1 * 4096);
	assert_get(&l, "slab_unreclaimable", 17 * 4096);
	assert_get(&l, "pgfault", 18 * 10);
	assert_get(&l, "thp_collapse_alloc", 31 * 10);
	kv_list_free(&l);
}

static void test_parse_kv_list_memory_events_crlf(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	/* The sample was pasted with CRLF line ends. */
	parse_sample("memstat-v2/memory.events-k8s-pod-high91066-egachi.txt", &l, 6);
	assert_get(&l, "low", 0);
	assert_get(&l, "high", 91066);
	assert_get(&l, "max", 0);
	assert_get(&l, "oom", 0);
	assert_get(&l, "oom_kill", 0);
	assert_get(&l, "oom_group_kill", 0);
	assert_string_equal(l.v[5].key, "oom_group_kill");     /* no '\r' */
	kv_list_free(&l);
}

static void test_parse_kv_list_events_docs(void **state)
{
	struct kv_list l = { 0 };

	(void)state;
	parse_fixture("cgroup-v2-rst-memory.events.txt", &l, 5);
	assert_get(&l, "low", 1);
	assert_get(&l, "oom_kill", 5);
	kv_list_free(&l);
	parse_fixture("cgroup-v2-rst-memory.swap.events.txt", &l, 2);
	assert_get(&l, "max", 7);
	assert_get(&l, "fail", 8);
	kv_list_free(&l);
}

/* ---- hostile ------------------------------------------------------------ */

static void test_parse_kv_list_empty_garbage(void **state)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	char *g = tp_garbage(1u << 20, 5);

	(void)state;
	assert_int_equal(parse_kv_list("", 0, &l, &d), -EINVAL);
	assert_diag(d, 1, "empty file");
	assert_false(kv_list_get(&l, "anon", NULL));
	assert_false(kv_list_get(NULL, "anon", NULL));
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_kv_list(g, 1u << 20, &l, &d), -EINVAL);
	assert_int_equal(l.n, 0);
	kv_list_free(&l);
	free(g);
}

static void test_parse_kv_list_truncated_numbers(void **state)
{
	static const char buf[] =
		"anon 4096\n"
		"file -8192\n"                          /* negative */
		"kernel 18446744073709551616\n"         /* 2^64 */
		"shmem 12abc\n"
		"sock\n"                                /* no value */
		"slab 1 2\n"                            /* two values */
		"percpu 18446744073709551615\n"         /* 2^64 - 1: fits */
		"pagetables 40";                        /* cut, no newline */
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_kv_list(buf, sizeof(buf) - 1, &l, &d), 0);
	assert_int_equal(l.n, 3);
	assert_get(&l, "anon", 4096);
	assert_get(&l, "percpu", UINT64_MAX);
	assert_get(&l, "pagetables", 40);
	assert_false(kv_list_get(&l, "file", NULL));
	assert_false(kv_list_get(&l, "kernel", NULL));
	assert_diag(d, 5, "line 2: negative number '-8192' for 'file'");
	kv_list_free(&l);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_kv_list("anon -1\n", 8, &l, &d), -ERANGE);
	kv_list_free(&l);
}

static void test_parse_kv_list_duplicates_first_wins(void **state)
{
	static const char buf[] = "anon 1\nfile 2\nanon 3\nanon 4\n";
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_kv_list(buf, sizeof(buf) - 1, &l, &d), 0);
	assert_int_equal(l.n, 2);
	assert_get(&l, "anon", 1);
	assert_diag(d, 2, "line 3: duplicate key 'anon' ignored (the first one counts)");
	kv_list_free(&l);
}

static void test_parse_kv_list_odd_keys_tabs_nul(void **state)
{
	static const char buf[] =
		"weird:key(x) 1\n"              /* printable: kept */
		"tab\tseparated 2\n"            /* a tab splits too: value "separated 2" */
		"nul\0key 3\n"
		"ok\t4\n"
		"\xc3\xa9t\xc3\xa9 5\n";        /* UTF-8 key: skipped */
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_kv_list(buf, sizeof(buf) - 1, &l, &d), 0);
	assert_int_equal(l.n, 2);
	assert_get(&l, "weird:key(x)", 1);
	assert_get(&l, "ok", 4);
	assert_diag(d, 3, "line 2: invalid number 'separated 2' for 'tab'");
	kv_list_free(&l);
}

static void test_parse_kv_list_many_keys_linear(void **state)
{
	/* 200,000 distinct keys, then 50 MB of one line: no quadratic step. */
	struct strbuf sb = STRBUF_INIT;
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	double t0;
	char *big;
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++)
		strbuf_addf(&sb, "key_%d %d\n", i, i);
	strbuf_addstr(&sb, "key_7 dup\n");
	t0 = tp_now();
	assert_int_equal(parse_kv_list(sb.buf, sb.len, &l, &d), 0);
	if (tp_timing_applies())
		assert_true(tp_now() - t0 < 1.0);
	assert_int_equal(l.n, 200000);
	assert_get(&l, "key_199999", 199999);
	assert_int_equal(d.count, 1);
	kv_list_free(&l);
	strbuf_release(&sb);

	big = tp_long_line("anon ", '1', SIZE_50M, "\nfile 2\n", &len);
	memset(&d, 0, sizeof(d));
	t0 = tp_now();
	assert_int_equal(parse_kv_list(big, len, &l, &d), 0);
	if (tp_timing_applies())
		assert_true(tp_now() - t0 < 1.0);
	assert_int_equal(l.n, 1);
	assert_get(&l, "file", 2);
	kv_list_free(&l);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kv_list_v1_k8s_shmem),
		cmocka_unit_test(test_parse_kv_list_v1_docker_no_shmem),
		cmocka_unit_test(test_parse_kv_list_v1_large_totals),
		cmocka_unit_test(test_parse_kv_list_v1_docs_keys),
		cmocka_unit_test(test_parse_kv_list_v2_java_pod),
		cmocka_unit_test(test_parse_kv_list_v2_early_unsplit),
		cmocka_unit_test(test_parse_kv_list_v2_kernel_6_8),
		cmocka_unit_test(test_parse_kv_list_v2_docs_keys),
		cmocka_unit_test(test_parse_kv_list_memory_events_crlf),
		cmocka_unit_test(test_parse_kv_list_events_docs),
		cmocka_unit_test(test_parse_kv_list_empty_garbage),
		cmocka_unit_test(test_parse_kv_list_truncated_numbers),
		cmocka_unit_test(test_parse_kv_list_duplicates_first_wins),
		cmocka_unit_test(test_parse_kv_list_odd_keys_tabs_nul),
		cmocka_unit_test(test_parse_kv_list_many_keys_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
