/* SPDX-License-Identifier: MIT */
/*
 * parse_kill_log(): systemd-oomd and kubelet eviction-manager lines (oomd
 * and kubelet-eviction samples), and journalctl's other output formats
 * generated from them at test time.
 */
#include "tests/unit/test_parse_util.h"

#define MI (1024ull * 1024)

static void test_parse_kill_log_oomd(void **state)
{
	struct kill_events k = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf;

	(void)state;
	buf = tp_sample("oomd/systemd-gh23606-ubuntu2204-v249-killed-vte-scope.txt", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(k.n, 2);
	assert_int_equal(k.v[0].kind, KILL_OOMD_KILLED);
	assert_string_equal(k.v[0].time, "Dec 18 19:34:56");
	assert_string_equal(k.v[0].unit, "systemd-oomd");
	assert_string_equal(k.v[0].cgroup, "/user.slice/user-1001.slice/user@1001.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope");
	assert_true(mem_starts_with(k.v[0].reason, strlen(k.v[0].reason),
				    "memory pressure for /user.slice/user-1001.slice/user@1001.service being 51.07%"));
	assert_true(k.v[0].pct_set);
	assert_true(k.v[0].pressure_pct == 51.07 && k.v[0].limit_pct == 50.0);
	assert_int_equal(k.v[1].kind, KILL_OOMD_UNIT);
	assert_string_equal(k.v[1].unit, "systemd");
	assert_string_equal(k.v[1].cgroup, "vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope");
	assert_kv(k.v[1].processes, 12);
	kill_events_free(&k);
	free(buf);

	/* No kill in these: candidates (French month, no host), oomctl, FB oomd. */
	buf = tp_sample("oomd/systemd-gh32304-arch-v255-fr-locale-pressure-candidates.txt", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, NULL), 0);
	assert_int_equal(k.n, 0);
	free(buf);
	buf = tp_sample("oomd/systemd-pr26253-2023-oomctl-dump.txt", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, NULL), 0);
	assert_int_equal(k.n, 0);
	free(buf);
	buf = tp_sample("oomd/fb-oomd-gh125-ubuntu1910-kill-by-memory-size-log.txt", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, NULL), 0);
	assert_int_equal(k.n, 0);
	free(buf);
	kill_events_free(&k);
}

/* The same kill in short-unix and short-iso output, and with a French month and no host. */
static void test_parse_kill_log_formats(void **state)
{
	static const char unix_[] =
		"1702928096.123456 user-desktop systemd-oomd[840]: Killed /a.slice/b.scope due to memory used (3.5G) / total (3.7G) and swap used (900M) / total (1G) being more than 90.00%\n"
		"2023-12-18T19:34:56+0100 host systemd-oomd[840]: Killed /c.scope due to swap used (1) / total (2) being more than 90.00%\n"
		"avril 16 21:08:51 systemd-oomd[93234]: Killed /user.slice/app-firefox\\x2dw-96379.scope due to memory pressure for /user.slice being 60.00% > 50.00% for > 20s with reclaim activity\r\n";
	struct kill_events k = { 0 };

	(void)state;
	assert_int_equal(parse_kill_log(unix_, sizeof(unix_) - 1, &k, NULL), 0);
	assert_int_equal(k.n, 3);
	assert_kv(k.v[0].time_us, 1702928096123456ull);
	assert_string_equal(k.v[0].cgroup, "/a.slice/b.scope");
	assert_false(k.v[0].pct_set);
	assert_string_equal(k.v[1].time, "2023-12-18T19:34:56+0100");
	assert_unset(k.v[1].time_us);
	assert_string_equal(k.v[2].time, "avril 16 21:08:51");
	assert_string_equal(k.v[2].cgroup, "/user.slice/app-firefox\\x2dw-96379.scope");
	assert_true(k.v[2].pressure_pct == 60.0);
	kill_events_free(&k);
}

static void test_parse_kill_log_kubelet_glog(void **state)
{
	struct kill_events k = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf;

	(void)state;
	buf = tp_sample("kubelet-eviction/k8s-pr31939-2016-v1.4dev-journal-glog-eviction-memory.txt", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, &d), 0);
	assert_int_equal(d.count, 0);
	/* reclaim, must evict, ranked, evicted; "no resources are starved" is not one */
	assert_int_equal(k.n, 4);
	assert_int_equal(k.v[0].kind, KILL_KUBELET_THRESHOLD);
	assert_string_equal(k.v[0].resource, "memory");
	assert_string_equal(k.v[0].glog_time, "0902 15:20:12.963510");
	assert_string_equal(k.v[0].unit, "kubelet");
	assert_int_equal(k.v[1].kind, KILL_KUBELET_EVICTING);
	assert_int_equal(k.v[2].kind, KILL_KUBELET_EVICTING);
	assert_string_equal(k.v[2].pod, "guaranteed-cn933_e2e-tests-eviction-test-simple-rkrca(33a5f9aa-7142-11e6-a2e9-28d2444e470d)");
	assert_int_equal(k.v[3].kind, KILL_KUBELET_EVICTED);
	assert_string_equal(k.v[3].pod, "guaranteed-cn933_e2e-tests-eviction-test-simple-rkrca(33a5f9aa-7142-11e6-a2e9-28d2444e470d)");
	assert_string_equal(k.v[3].time, "Sep 02 15:20:14");
	kill_events_free(&k);
	free(buf);
}

/* Structured logging (1.2x kubelets), written from the kubelet's format strings. */
static void test_parse_kill_log_kubelet_structured(void **state)
{
	static const char log[] =
		"Mar 15 10:00:00 node kubelet[1234]: I0315 10:00:00.000001    1234 eviction_manager.go:366] \"Eviction manager: attempting to reclaim\" resourceName=\"memory\"\n"
		"Mar 15 10:00:00 node kubelet[1234]: I0315 10:00:00.100000    1234 eviction_manager.go:614] \"Eviction manager: evicting pod\" pod=\"ci/dptp-0\" podUID=\"u\" message=\"The node was low on resource: memory. Threshold quantity: 100Mi, available: 87608Ki. Container c was using 48458972Ki, request is 15Gi, has larger consumption of memory. \"\n"
		"Mar 15 10:00:02 node kubelet[1234]: I0315 10:00:02.000000    1234 eviction_manager.go:410] \"Eviction manager: pod is evicted successfully\" pod=\"ci/dptp-0\"\n";
	struct kill_events k = { 0 };

	(void)state;
	assert_int_equal(parse_kill_log(log, sizeof(log) - 1, &k, NULL), 0);
	assert_int_equal(k.n, 3);
	assert_string_equal(k.v[0].resource, "memory");
	assert_int_equal(k.v[1].kind, KILL_KUBELET_EVICTING);
	assert_string_equal(k.v[1].pod, "ci/dptp-0");
	assert_string_equal(k.v[1].resource, "memory");
	assert_kv(k.v[1].threshold_bytes, 100 * MI);
	assert_kv(k.v[1].available_bytes, 87608 * 1024ull);
	assert_kv(k.v[1].usage_bytes, 48458972 * 1024ull);
	assert_kv(k.v[1].request_bytes, 15 * 1024 * MI);
	assert_string_equal(k.v[1].container, "c");
	assert_int_equal(k.v[2].kind, KILL_KUBELET_EVICTED);
	assert_string_equal(k.v[2].pod, "ci/dptp-0");
	kill_events_free(&k);
}

/* Eviction messages as pod statuses and node events show them. */
static void test_parse_kill_log_messages(void **state)
{
	struct kill_events k = { 0 };
	size_t len;
	char *buf;

	(void)state;
	buf = tp_sample("kubelet-eviction/openshift-release-pr76967-2026-yq-status-threshold-quantity-multiline.txt", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, NULL), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.v[0].kind, KILL_KUBELET_EVICTED);
	assert_kv(k.v[0].threshold_bytes, 100 * MI);
	assert_kv(k.v[0].available_bytes, 87608 * 1024ull);
	/* on the next line of the message */
	assert_kv(k.v[0].usage_bytes, 48458972 * 1024ull);
	assert_kv(k.v[0].request_bytes, 15 * 1024 * MI);
	assert_string_equal(k.v[0].container, "dptp-controller-manager");
	kill_events_free(&k);
	free(buf);

	buf = tp_sample("kubelet-eviction/k9s-gh174-2019-gke-describe-evicted-pod-old-message.txt", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, NULL), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.v[0].resource, "memory");
	assert_kv(k.v[0].usage_bytes, 9402820 * 1024ull);
	assert_kv(k.v[0].request_bytes, 7000000000ull);
	assert_unset(k.v[0].threshold_bytes);
	assert_string_equal(k.v[0].container, "proprietary-crawler");
	kill_events_free(&k);
	free(buf);

	buf = tp_sample("kubelet-eviction/kubeasz-gh799-2020-describe-node-EvictionThresholdMet-events.txt", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, NULL), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.v[0].kind, KILL_KUBELET_THRESHOLD);
	assert_string_equal(k.v[0].resource, "memory");
	kill_events_free(&k);
	free(buf);
}

static void test_parse_kill_log_hostile(void **state)
{
	static const char cut[] = "Dec 18 19:34:56 h systemd-oomd[840]: Killed /x due to m\n"
				  "Dec 18 19:34:56 h systemd[1]: x: systemd-oomd killed p\n"
				  "I0902 15:20:12.963510   18530 eviction_manager.go:223] eviction manager: pod x evicted successfully\n"
				  "The node was low on resource: memory. Threshold quantity: 1\n"
				  "Dec 18 19:34:56 h kubelet[1]: I0902 15:20";
	struct kill_events k = { 0 };
	struct parse_diag d = { 0 };
	size_t len, i;
	char *buf;

	(void)state;
	assert_int_equal(parse_kill_log(NULL, 0, &k, NULL), -EINVAL);
	assert_int_equal(parse_kill_log("", 0, &k, NULL), 0);
	assert_int_equal(k.n, 0);
	assert_int_equal(parse_kill_log(cut, sizeof(cut) - 1, &k, &d), 0);
	assert_int_equal(k.n, 4);
	assert_unset(k.v[1].processes);
	kill_events_free(&k);
	/* a NUL in a line, a huge line */
	assert_int_equal(parse_kill_log("Killed /x\0 due to y\n", 20, &k, &d), 0);
	assert_int_equal(k.n, 0);
	buf = tp_long_line("Dec 18 19:34:56 h systemd-oomd[840]: Killed /", 'a', SIZE_50M, " due to x\n", &len);
	assert_int_equal(parse_kill_log(buf, len, &k, &d), 0);
	assert_int_equal(k.n, 0);
	free(buf);
	for (i = 0; i < 4; i++) {
		buf = tp_garbage(1 << 20, (uint32_t)i);
		assert_int_equal(parse_kill_log(buf, 1 << 20, &k, NULL), 0);
		kill_events_free(&k);
		free(buf);
	}
	kill_events_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kill_log_oomd),
		cmocka_unit_test(test_parse_kill_log_formats),
		cmocka_unit_test(test_parse_kill_log_kubelet_glog),
		cmocka_unit_test(test_parse_kill_log_kubelet_structured),
		cmocka_unit_test(test_parse_kill_log_messages),
		cmocka_unit_test(test_parse_kill_log_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
