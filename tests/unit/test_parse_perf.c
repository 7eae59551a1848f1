/* SPDX-License-Identifier: MIT */
/*
 * The parsers' share of the load budget (issue 3: 10,000 processes and
 * 2,000 cgroups in under 1 s with the SQLite inserts): parse that many real
 * files and print the time.  Asserted only in a plain build (sanitizers and
 * valgrind are many times slower): at most 250 ms, a quarter of the budget.
 */
#include "tests/unit/test_parse_util.h"

#include "analyze/parse/k8s.h"

#define NPROC 10000
#define NCGROUP 2000

static void test_parse_perf_node_of_10000_processes(void **state)
{
	size_t st_len, sm_len, ms_len, ev_len, psi_len;
	char *st = tp_sample("status/ubuntu-kernel6.14.0-15-aarch64-gnome-terminal-kthread-untag_mask.txt", &st_len);
	char *sm = tp_sample("smaps_rollup/rust-fixture-real-machine-KSM-FilePmdMapped.txt", &sm_len);
	char *ms = tp_sample("memstat-v2/rust-bench-cgroupv2-plugin-MEMORY_STAT-kernel6.8ish-zswpwb.txt", &ms_len);
	char *ev = tp_sample("memstat-v2/memory.events-k8s-pod-high91066-egachi.txt", &ev_len);
	char *psi = tp_sample("other/prometheus-procfs-fixture-pressure-memory.txt", &psi_len);
	static const char cg[] =
		"0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod94eb36cd_29e1_478b_b365_4cb5dfc7d6fb.slice/cri-containerd-46b3e0a4df44b752b841aecca454e6e78995d567912a84950390bae6f6777a63.scope\n";
	double t0, t_proc, t_cg;
	size_t extras = 0, keys = 0;
	int i, r = 0;

	(void)state;
	t0 = tp_now();
	for (i = 0; i < NPROC; i++) {
		struct proc_status s = { 0 };
		struct smaps_rollup m = { 0 };
		struct proc_cgroup c = { 0 };
		struct parse_diag d = { 0 };
		struct k8s_cgroup k;

		r |= parse_status(st, st_len, &s, &d);
		r |= parse_smaps_rollup(sm, sm_len, &m, &d);
		r |= parse_proc_cgroup(cg, sizeof(cg) - 1, &c, &d);
		k8s_parse_cgroup_path(proc_cgroup_memory_path(&c), &k);
		extras += s.extra.n + m.extra.n;
		proc_status_free(&s);
		smaps_rollup_free(&m);
		proc_cgroup_free(&c);
	}
	t_proc = tp_now() - t0;
	t0 = tp_now();
	for (i = 0; i < NCGROUP; i++) {
		struct kv_list stat = { 0 }, events = { 0 };
		struct one_value v = { 0 };
		struct psi p = { 0 };
		struct parse_diag d = { 0 };
		struct k8s_cgroup k;

		r |= parse_kv_list(ms, ms_len, &stat, &d);
		r |= parse_kv_list(ev, ev_len, &events, &d);
		r |= parse_one_value("397312\n", 7, &v, &d);        /* memory.current */
		r |= parse_one_value("max\n", 4, &v, &d);           /* memory.max */
		r |= parse_one_value("max\n", 4, &v, &d);           /* memory.high */
		r |= parse_one_value("0\n", 2, &v, &d);             /* memory.low */
		r |= parse_one_value("0\n", 2, &v, &d);             /* memory.min */
		r |= parse_psi(psi, psi_len, &p, &d);
		k8s_parse_cgroup_path(cg + 3, &k);
		keys += stat.n + events.n;
		kv_list_free(&stat);
		kv_list_free(&events);
	}
	t_cg = tp_now() - t0;
	assert_int_equal(r, 0);
	assert_int_equal(extras, (size_t)NPROC * 34);
	assert_int_equal(keys, (size_t)NCGROUP * (56 + 6));
	print_message("parsed %d processes (status, smaps_rollup, cgroup) in %.1f ms, "
		      "%d cgroups (memory.stat, events, 5 one-value files, PSI) in %.1f ms\n",
		      NPROC, t_proc * 1e3, NCGROUP, t_cg * 1e3);
	if (tp_timing_applies())
		assert_true(t_proc + t_cg < 0.25);
	free(st);
	free(sm);
	free(ms);
	free(ev);
	free(psi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_perf_node_of_10000_processes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
