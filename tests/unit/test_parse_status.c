/* SPDX-License-Identifier: MIT */
/* parse_status(): every real sample, the proc.rst example, hostile input. */
#include "tests/unit/test_parse_util.h"

static const char *extra_get(const struct kv_extras *x, const char *key)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (!strcmp(x->v[i].key, key))
			return x->v[i].value;
	return NULL;
}

static void parse_sample(const char *rel, struct proc_status *s,
			 struct parse_diag *d)
{
	size_t len;
	char *buf = tp_sample(rel, &len);

	assert_int_equal(parse_status(buf, len, s, d), 0);
	free(buf);
}

/* ---- real samples ------------------------------------------------------- */

static void test_parse_status_docker_redis_tabs_as_spaces(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	parse_sample("status/docker-redis-kernel4.0-4.4-vmpmd-no-rssanon-tabs-as-spaces.txt",
		     &s, &d);
	assert_int_equal(d.count, 0);
	assert_string_equal(s.name, "redis-server");
	assert_string_equal(s.state, "S (sleeping)");
	assert_kv(s.tgid, 1099);
	assert_kv(s.pid, 1099);
	assert_kv(s.ppid, 1083);
	assert_kv(s.uid, 999);
	assert_kv(s.euid, 999);
	assert_kv(s.nspid_inner, 1);            /* NSpid: 1099    1 */
	assert_kv(s.vm_peak, 29156 * KB);
	assert_kv(s.vm_size, 29156 * KB);
	assert_kv(s.vm_lck, 0);
	assert_kv(s.vm_pin, 0);
	assert_kv(s.vm_hwm, 11316 * KB);
	assert_kv(s.vm_rss, 7032 * KB);
	assert_kv(s.vm_data, 23204 * KB);
	assert_kv(s.vm_stk, 132 * KB);
	assert_kv(s.vm_exe, 1672 * KB);
	assert_kv(s.vm_lib, 1656 * KB);
	assert_kv(s.vm_pte, 56 * KB);
	assert_kv(s.vm_pmd, 12 * KB);
	assert_kv(s.vm_swap, 4324 * KB);
	assert_kv(s.hugetlb_pages, 0);
	assert_kv(s.threads, 5);
	/* 4.0-4.4: no RssAnon/RssFile/RssShmem, no Kthread: unset, not 0. */
	assert_unset(s.rss_anon);
	assert_unset(s.rss_file);
	assert_unset(s.rss_shmem);
	assert_unset(s.kthread);
	assert_int_equal(s.extra.n, 26);
	assert_string_equal(extra_get(&s.extra, "Gid"), "1000    1000    1000    1000");
	assert_string_equal(extra_get(&s.extra, "Groups"), "1000 1000");
	assert_string_equal(extra_get(&s.extra, "SigQ"), "0/3824");
	assert_string_equal(extra_get(&s.extra, "Seccomp"), "2");
	assert_string_equal(extra_get(&s.extra, "nonvoluntary_ctxt_switches"), "507");
	assert_null(extra_get(&s.extra, "Name"));
	proc_status_free(&s);
}

static void test_parse_status_k8s_pause_userns(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	parse_sample("status/gopsutil-testdata-23819-k8s-pause-userns-untag_mask.txt",
		     &s, &d);
	assert_int_equal(d.count, 0);
	assert_string_equal(s.name, "pause");
	assert_kv(s.pid, 23819);
	assert_kv(s.ppid, 23783);
	assert_kv(s.uid, 4061200383u);
	assert_kv(s.euid, 4061200383u);
	assert_kv(s.nspid_inner, 1);
	assert_kv(s.kthread, 0);
	assert_kv(s.vm_peak, 972 * KB);
	assert_kv(s.vm_rss, 0);                 /* 0, and set */
	assert_kv(s.rss_anon, 0);
	assert_kv(s.rss_file, 0);
	assert_kv(s.rss_shmem, 0);
	assert_kv(s.vm_data, 172 * KB);
	assert_kv(s.vm_exe, 496 * KB);
	assert_kv(s.vm_lib, 8 * KB);
	assert_kv(s.vm_pte, 32 * KB);
	assert_unset(s.vm_pmd);
	assert_kv(s.threads, 1);
	assert_int_equal(s.extra.n, 34);
	assert_string_equal(extra_get(&s.extra, "untag_mask"), "0xffffffffffffffff");
	assert_string_equal(extra_get(&s.extra, "Speculation_Store_Bypass"),
			    "thread vulnerable");
	assert_string_equal(extra_get(&s.extra, "Cpus_allowed"),
			    "ffffffff,ffffffff,ffffffff");
	assert_string_equal(extra_get(&s.extra, "Umask"), "0022");
	proc_status_free(&s);
}

static void test_parse_status_leading_empty_line(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	parse_sample("status/prometheus-procfs-fixture-26231-vim.txt", &s, &d);
	assert_int_equal(d.count, 0);
	assert_string_equal(s.name, "prometheus");
	assert_kv(s.pid, 26231);
	assert_kv(s.ppid, 1);
	assert_kv(s.uid, 1000);                 /* Uid: 1000 1000 1000 0 */
	assert_kv(s.euid, 1000);
	assert_kv(s.vm_peak, 58472 * KB);
	assert_kv(s.vm_size, 58440 * KB);
	assert_kv(s.vm_hwm, 8028 * KB);
	assert_kv(s.vm_rss, 6716 * KB);
	assert_kv(s.rss_anon, 2092 * KB);
	assert_kv(s.rss_file, 4624 * KB);
	assert_kv(s.rss_shmem, 0);
	assert_kv(s.vm_pmd, 12 * KB);
	assert_kv(s.vm_swap, 660 * KB);
	assert_kv(s.threads, 1);
	assert_kv(s.nspid_inner, 1);
	assert_unset(s.kthread);
	/* "Groups:" with nothing after it is kept, as "". */
	assert_string_equal(extra_get(&s.extra, "Groups"), "");
	assert_string_equal(extra_get(&s.extra, "voluntary_ctxt_switches"), "4742839");
	proc_status_free(&s);
}

static void test_parse_status_apport_leading_space(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	const char *mems;

	(void)state;
	parse_sample("status/ubuntu-kernel4.10.0-38-apport-ProcStatus-as-pasted-leading-space.txt",
		     &s, &d);
	assert_int_equal(d.count, 0);
	assert_string_equal(s.name, "upstart");
	assert_kv(s.tgid, 4126);
	assert_kv(s.pid, 4126);
	assert_kv(s.ppid, 3957);
	assert_kv(s.uid, 1000);
	assert_kv(s.nspid_inner, 4126);
	assert_kv(s.vm_peak, 53852 * KB);
	assert_kv(s.vm_rss, 4756 * KB);
	assert_kv(s.rss_anon, 1184 * KB);
	assert_kv(s.rss_file, 3572 * KB);
	assert_kv(s.rss_shmem, 0);
	assert_kv(s.vm_lib, 5032 * KB);
	assert_kv(s.vm_pte, 120 * KB);
	assert_kv(s.vm_pmd, 12 * KB);
	assert_kv(s.vm_swap, 0);
	assert_unset(s.kthread);
	mems = extra_get(&s.extra, "Mems_allowed");
	assert_non_null(mems);
	assert_int_equal(strlen(mems), 32 * 9 - 1);     /* 1024-bit mask */
	proc_status_free(&s);
}

static void test_parse_status_kernel_6_14_kthread(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	parse_sample("status/ubuntu-kernel6.14.0-15-aarch64-gnome-terminal-kthread-untag_mask.txt",
		     &s, &d);
	assert_int_equal(d.count, 0);
	assert_string_equal(s.name, "gnome-terminal-");
	assert_kv(s.pid, 5751);
	assert_kv(s.ppid, 1875);
	assert_kv(s.kthread, 0);
	assert_kv(s.vm_peak, 645384 * KB);
	assert_kv(s.vm_size, 645228 * KB);
	assert_kv(s.vm_hwm, 56420 * KB);
	assert_kv(s.vm_rss, 56284 * KB);
	assert_kv(s.rss_anon, 11260 * KB);
	assert_kv(s.rss_file, 41156 * KB);
	assert_kv(s.rss_shmem, 3868 * KB);
	assert_kv(s.vm_data, 59656 * KB);
	assert_kv(s.vm_lib, 87672 * KB);
	assert_kv(s.vm_pte, 300 * KB);
	assert_unset(s.vm_pmd);                 /* gone since 4.15 */
	assert_kv(s.threads, 7);
	assert_string_equal(extra_get(&s.extra, "THP_enabled"), "1");
	assert_string_equal(extra_get(&s.extra, "Groups"), "4 24 27 30 46 100 115 123 1000");
	proc_status_free(&s);
}

/* ---- the kernel's documentation ----------------------------------------- */

static void test_parse_status_proc_rst_example(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_fixture("proc-rst-status-self.txt", &len);

	(void)state;
	assert_int_equal(parse_status(buf, len, &s, &d), 0);
	assert_int_equal(d.count, 0);
	assert_string_equal(s.name, "cat");
	assert_string_equal(s.state, "R (running)");
	assert_kv(s.pid, 5452);
	assert_kv(s.ppid, 743);
	assert_kv(s.uid, 501);
	assert_kv(s.kthread, 0);
	assert_kv(s.vm_peak, 5004 * KB);
	assert_kv(s.vm_rss, 476 * KB);
	assert_kv(s.rss_anon, 352 * KB);
	assert_kv(s.rss_file, 120 * KB);
	assert_kv(s.rss_shmem, 4 * KB);
	assert_kv(s.vm_pte, 20 * KB);           /* documented as "20 kb" */
	assert_unset(s.vm_pin);                 /* not in the example */
	assert_unset(s.nspid_inner);
	/* The doc's "(2.4)" margin note stays with TracerPid's text. */
	assert_string_equal(extra_get(&s.extra, "TracerPid"), "0\t\t\t\t\t\t(2.4)");
	assert_string_equal(extra_get(&s.extra, "THP_enabled"), "1");
	proc_status_free(&s);
	free(buf);
}

/* ---- hostile input ------------------------------------------------------ */

static void test_parse_status_empty(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status("", 0, &s, &d), -EINVAL);
	assert_diag(d, 1, "empty file");
	assert_int_equal(parse_status("\n\n  \n", 5, &s, NULL), -EINVAL);
	assert_int_equal(parse_status(NULL, 0, &s, NULL), -EINVAL);
	proc_status_free(&s);
}

static void test_parse_status_truncated_mid_line(void **state)
{
	static const char buf[] = "Name:\tbash\nPid:\t42\nVmRSS:\t    1234 k";
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_string_equal(s.name, "bash");
	assert_kv(s.pid, 42);
	assert_unset(s.vm_rss);
	assert_diag(d, 1, "line 3: invalid number '1234 k' for 'VmRSS'");
	proc_status_free(&s);

	/* Cut inside the key: no ':' on the last line. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_status("Pid:\t42\nVmR", 11, &s, &d), 0);
	assert_kv(s.pid, 42);
	assert_diag(d, 1, "line 2: no ':' in 'VmR', skipped");
	proc_status_free(&s);
}

static void test_parse_status_binary_garbage(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	char *g = tp_garbage(1u << 20, 42);

	(void)state;
	assert_int_equal(parse_status(g, 1u << 20, &s, &d), -EINVAL);
	assert_true(d.count > 0);
	assert_null(s.name);
	proc_status_free(&s);
	free(g);
}

static void test_parse_status_nul_bytes(void **state)
{
	static const char buf[] = "Name:\tba\0sh\nPid:\t4\0002\nPPid:\t7\n";
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_null(s.name);                    /* a NUL is no comm */
	assert_unset(s.pid);
	assert_kv(s.ppid, 7);
	assert_diag(d, 2, "line 1: value of 'Name' has a NUL byte, skipped");
	proc_status_free(&s);
}

/*
 * proc_task_name() escapes only '\n' and '\\' of a comm: ESC, BEL and the
 * other control bytes come through raw, and the name is kept as it is (the
 * report escapes it); other keys still refuse them.
 */
static void test_parse_status_name_control_bytes_kept(void **state)
{
	static const char buf[] = "Name:\t\x1b]0;pwned\x07\x01\x7f\nState:\tS\x1b\nPid:\t502\n";
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_string_equal(s.name, "\x1b]0;pwned\x07\x01\x7f");
	assert_null(s.state);
	assert_kv(s.pid, 502);
	assert_diag(d, 1, "line 2: value of 'State' has a control byte, skipped");
	proc_status_free(&s);
}

static void test_parse_status_50mb_line(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_long_line("Name:\t", 'a', SIZE_50M, "\nPid:\t7\n", &len);
	double t0 = tp_now(), t;

	(void)state;
	assert_int_equal(parse_status(buf, len, &s, &d), 0);
	t = tp_now() - t0;
	assert_null(s.name);
	assert_kv(s.pid, 7);
	assert_diag(d, 1, "line 1: value of 'Name' is 52428800 bytes long, skipped");
	proc_status_free(&s);
	free(buf);

	/* A 50 MB key (no ':' at all) and 50 MB of newlines: linear too. */
	memset(&d, 0, sizeof(d));
	buf = tp_long_line("Pid:\t1\n", 'K', SIZE_50M, "\n", &len);
	assert_int_equal(parse_status(buf, len, &s, &d), 0);
	assert_kv(s.pid, 1);
	assert_int_equal(d.count, 1);
	proc_status_free(&s);
	free(buf);
	buf = tp_long_line("Pid:\t1", '\n', SIZE_50M, "PPid:\t2\n", &len);
	assert_int_equal(parse_status(buf, len, &s, NULL), 0);
	assert_kv(s.ppid, 2);
	proc_status_free(&s);
	free(buf);
	if (tp_timing_applies())
		assert_true(tp_now() - t0 < 2.0 && t < 1.0);
}

static void test_parse_status_numbers_out_of_range(void **state)
{
	static const char buf[] =
		"Name:\tx\n"
		"Pid:\t18446744073709551616\n"          /* 2^64 */
		"PPid:\t-1\n"
		"VmRSS:\t18014398509481984 kB\n"        /* 2^54 kB = 2^64 bytes */
		"VmSize:\t18014398509481983 kB\n"       /* fits */
		"Threads:\t18446744073709551615\n";    /* 2^64 - 1 fits */
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_unset(s.pid);
	assert_unset(s.ppid);
	assert_unset(s.vm_rss);
	assert_kv(s.vm_size, 18014398509481983ull * 1024);
	assert_kv(s.threads, UINT64_MAX);
	assert_diag(d, 3, "line 2: number '18446744073709551616' for 'Pid' is out of range");
	proc_status_free(&s);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_status("PPid:\t-1\n", 9, &s, &d), -ERANGE);
	assert_diag(d, 1, "line 1: negative number '-1' for 'PPid'");
	proc_status_free(&s);
}

static void test_parse_status_missing_keys(void **state)
{
	/* A kernel thread: no Vm* lines at all. */
	static const char buf[] =
		"Name:\tkthreadd\nUmask:\t0000\nState:\tS (sleeping)\nTgid:\t2\n"
		"Ngid:\t0\nPid:\t2\nPPid:\t0\nKthread:\t1\nThreads:\t1\n";
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(s.kthread, 1);
	assert_kv(s.ppid, 0);
	assert_unset(s.vm_size);
	assert_unset(s.vm_rss);
	assert_unset(s.uid);
	assert_unset(s.nspid_inner);
	proc_status_free(&s);
}

static void test_parse_status_duplicate_keys_first_wins(void **state)
{
	static const char buf[] =
		"Name:\tfirst\nPid:\t1\nFoo:\ta\nPid:\t2\nName:\tsecond\nFoo:\tb\n"
		"Uid:\t5 6 7 8\nUid:\t9 9 9 9\n";
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_string_equal(s.name, "first");
	assert_kv(s.pid, 1);
	assert_kv(s.uid, 5);
	assert_kv(s.euid, 6);
	assert_int_equal(s.extra.n, 1);
	assert_string_equal(extra_get(&s.extra, "Foo"), "a");
	assert_diag(d, 4, "line 4: duplicate key 'Pid' ignored (the first one counts)");
	proc_status_free(&s);

	/* Also when the first one was invalid: it still was the first. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_status("Pid:\tx\nPid:\t3\nPPid:\t1\n", 22, &s, &d), 0);
	assert_unset(s.pid);
	assert_int_equal(d.count, 2);
	proc_status_free(&s);
}

static void test_parse_status_crlf(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	size_t len, clen;
	char *buf = tp_sample("status/prometheus-procfs-fixture-26231-vim.txt", &len);
	char *crlf = tp_crlf(buf, len, &clen);

	(void)state;
	assert_int_equal(parse_status(crlf, clen, &s, &d), 0);
	assert_int_equal(d.count, 0);
	assert_string_equal(s.name, "prometheus");
	assert_string_equal(s.state, "S (sleeping)");
	assert_kv(s.vm_rss, 6716 * KB);
	assert_string_equal(extra_get(&s.extra, "Cpus_allowed_list"), "0-7");
	proc_status_free(&s);
	free(buf);
	free(crlf);
}

static void test_parse_status_odd_keys(void **state)
{
	static const char buf[] =
		"Pid:\t1\n"
		"Weird(key)-x.y/z:\tkept\n"             /* printable: kept */
		"Two words:\t1\n"                       /* blank in key */
		"\xff\xfeKey:\t1\n"                     /* not ASCII */
		":\tno key\n"
		"Ctl\x01Key:\t1\n";
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_kv(s.pid, 1);
	assert_int_equal(s.extra.n, 1);
	assert_string_equal(extra_get(&s.extra, "Weird(key)-x.y/z"), "kept");
	assert_diag(d, 4, "line 3: not a key and value: 'Two words:\\x091', skipped");
	proc_status_free(&s);
}

static void test_parse_status_uid_short(void **state)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status("Uid:\t1000\n", 10, &s, &d), 0);
	assert_kv(s.uid, 1000);
	assert_unset(s.euid);
	assert_diag(d, 1, "line 1: 'Uid' has 1 values, expected 4");
	proc_status_free(&s);
}

static void test_parse_status_units_checked(void **state)
{
	static const char buf[] =
		"Pid:\t5 kB\n"                  /* a count with a unit */
		"VmRSS:\t   476\n"              /* a size cut before its unit */
		"VmSize:\t  5004 kB\n";
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_status(buf, sizeof(buf) - 1, &s, &d), 0);
	assert_unset(s.pid);
	assert_unset(s.vm_rss);
	assert_kv(s.vm_size, 5004 * KB);
	assert_diag(d, 2, "line 1: unexpected unit in '5 kB' for 'Pid'");
	proc_status_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_status_docker_redis_tabs_as_spaces),
		cmocka_unit_test(test_parse_status_k8s_pause_userns),
		cmocka_unit_test(test_parse_status_leading_empty_line),
		cmocka_unit_test(test_parse_status_apport_leading_space),
		cmocka_unit_test(test_parse_status_kernel_6_14_kthread),
		cmocka_unit_test(test_parse_status_proc_rst_example),
		cmocka_unit_test(test_parse_status_empty),
		cmocka_unit_test(test_parse_status_truncated_mid_line),
		cmocka_unit_test(test_parse_status_binary_garbage),
		cmocka_unit_test(test_parse_status_nul_bytes),
		cmocka_unit_test(test_parse_status_name_control_bytes_kept),
		cmocka_unit_test(test_parse_status_50mb_line),
		cmocka_unit_test(test_parse_status_numbers_out_of_range),
		cmocka_unit_test(test_parse_status_missing_keys),
		cmocka_unit_test(test_parse_status_duplicate_keys_first_wins),
		cmocka_unit_test(test_parse_status_crlf),
		cmocka_unit_test(test_parse_status_odd_keys),
		cmocka_unit_test(test_parse_status_uid_short),
		cmocka_unit_test(test_parse_status_units_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
