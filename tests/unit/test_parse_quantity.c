/* SPDX-License-Identifier: MIT */
/*
 * Sizes as Kubernetes, the JVM and Node.js write them; the kubelet's
 * eviction thresholds (kubelet-config samples) and heap flags
 * (runtime-heap samples).
 */
#include "tests/unit/test_parse_util.h"

#define MI (1024ull * 1024)
#define GI (1024ull * MI)

static uint64_t q(const char *s)
{
	uint64_t v = 0;

	assert_int_equal(parse_k8s_quantity(s, strlen(s), &v), 0);
	return v;
}

static int qerr(const char *s)
{
	uint64_t v;

	return parse_k8s_quantity(s, strlen(s), &v);
}

static void test_parse_k8s_quantity_units(void **state)
{
	(void)state;
	assert_int_equal(q("100Mi"), 100 * MI);
	assert_int_equal(q("1Gi"), GI);
	assert_int_equal(q("1.5Gi"), 3 * GI / 2);
	assert_int_equal(q("7G"), 7000000000ull);
	assert_int_equal(q("4G"), 4000000000ull);
	assert_int_equal(q("87608Ki"), 87608 * 1024ull);
	assert_int_equal(q("9148093649"), 9148093649ull);
	assert_int_equal(q("500k"), 500000);
	assert_int_equal(q("1e3"), 1000);
	assert_int_equal(q("0"), 0);
	assert_int_equal(q("0.5"), 1);          /* a fraction of a byte rounds up */
	assert_int_equal(q("15Ei"), 15ull << 60);
	assert_int_equal(qerr("16Ei"), -ERANGE);
	assert_int_equal(qerr("99999999999999999999"), -ERANGE);
	assert_int_equal(qerr("500m"), -EINVAL);
	assert_int_equal(qerr("Mi"), -EINVAL);
	assert_int_equal(qerr("10%"), -EINVAL);
	assert_int_equal(qerr("1 Gi"), -EINVAL);
	assert_int_equal(qerr("-1Gi"), -EINVAL);
	assert_int_equal(qerr("1e99"), -ERANGE);
	assert_int_equal(qerr(""), -EINVAL);
}

static void test_parse_jvm_size_and_duration(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_jvm_size("48m", 3, &v), 0);
	assert_int_equal(v, 48 * MI);
	assert_int_equal(parse_jvm_size("2G", 2, &v), 0);
	assert_int_equal(v, 2 * GI);
	assert_int_equal(parse_jvm_size("9148280340", 10, &v), 0);
	assert_int_equal(v, 9148280340ull);
	assert_int_equal(parse_jvm_size("m", 1, &v), -EINVAL);
	assert_int_equal(parse_jvm_size("1x", 2, &v), -EINVAL);
	assert_int_equal(parse_jvm_size("99999999999999t", 15, &v), -ERANGE);
	assert_int_equal(parse_go_duration_ms("1m30s", 5, &v), 0);
	assert_int_equal(v, 90000);
	assert_int_equal(parse_go_duration_ms("5m", 2, &v), 0);
	assert_int_equal(v, 300000);
	assert_int_equal(parse_go_duration_ms("1h0m0s", 6, &v), 0);
	assert_int_equal(v, 3600000);
	assert_int_equal(parse_go_duration_ms("250ms", 5, &v), 0);
	assert_int_equal(v, 250);
	assert_int_equal(parse_go_duration_ms("5", 1, &v), -EINVAL);
	assert_int_equal(parse_go_duration_ms("5x", 2, &v), -EINVAL);
}

/* The --eviction-* values of a kubelet-config sample (what the collector keeps). */
static char *flag_value(const char *buf, size_t len, const char *flag,
			size_t *ret_len)
{
	const char *p = memmem_str(buf, len, flag), *e;

	assert_non_null(p);
	p += strlen(flag);
	for (e = p; e < buf + len && *e != ' ' && *e != '"' && *e != '\n'; e++)
		;
	*ret_len = (size_t)(e - p);
	return xstrndup(p, *ret_len);
}

static void test_parse_eviction_thresholds_flags(void **state)
{
	struct eviction_thresholds t = { 0 };
	struct parse_diag d = { 0 };
	const struct eviction_threshold *m;
	size_t len, vl;
	char *buf, *v;
	uint64_t b;

	(void)state;
	buf = tp_sample("kubelet-config/k8s-gh58541-v1.9.1-kubeadm-dropin-eviction-env-lines.txt", &len);
	v = flag_value(buf, len, "--eviction-hard=", &vl);
	assert_int_equal(parse_eviction_thresholds(v, vl, &t, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(t.n, 3);
	m = eviction_thresholds_get(&t, "memory.available");
	assert_int_equal(m->op, '<');
	assert_kv(m->quantity, 3000 * MI);
	assert_kv(eviction_thresholds_get(&t, "imagefs.available")->quantity, 40 * GI);
	eviction_thresholds_free(&t);
	free(v);
	/* Two flags in one variable: each value alone. */
	v = flag_value(buf, len, "--eviction-soft-grace-period=", &vl);
	assert_int_equal(parse_eviction_thresholds(v, vl, &t, &d), 0);
	m = eviction_thresholds_get(&t, "memory.available");
	assert_int_equal(m->op, '=');
	assert_kv(m->grace_ms, 90000);
	assert_kv(eviction_thresholds_get(&t, "nodefs.available")->grace_ms, 300000);
	eviction_thresholds_free(&t);
	free(v);
	free(buf);

	buf = tp_sample("kubelet-config/learnk8s-inspector-aks-ubuntu1804-2022-etc-default-kubelet.env", &len);
	v = flag_value(buf, len, "--eviction-hard=", &vl);
	assert_int_equal(parse_eviction_thresholds(v, vl, &t, &d), 0);
	assert_kv(eviction_thresholds_get(&t, "memory.available")->quantity, 750 * MI);
	m = eviction_thresholds_get(&t, "nodefs.available");
	assert_true(m->percent);
	assert_true(m->pct == 10.0);
	assert_true(eviction_threshold_bytes(m, 1000, &b));
	assert_int_equal(b, 100);
	eviction_thresholds_free(&t);
	free(v);
	v = flag_value(buf, len, "--kube-reserved=", &vl);
	assert_int_equal(parse_eviction_thresholds(v, vl, &t, &d), 0);
	assert_kv(eviction_thresholds_get(&t, "memory")->quantity, 1843 * MI);
	eviction_thresholds_free(&t);
	free(v);
	free(buf);
	assert_int_equal(d.count, 0);
}

/* The map form: one "signal: value" a line, as the collector stores a config file's. */
static void test_parse_eviction_thresholds_maps(void **state)
{
	static const char json[] = "\"memory.available\": \"100Mi\",\n"
				   "\"nodefs.available\": \"10%\",\n"
				   "\"nodefs.inodesFree\": \"5%\"\n";
	static const char yaml[] = "  memory.available: 1Gi\n";
	struct eviction_thresholds t = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_eviction_thresholds(json, sizeof(json) - 1, &t, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(t.n, 3);
	assert_kv(eviction_thresholds_get(&t, "memory.available")->quantity, 100 * MI);
	assert_string_equal(eviction_thresholds_get(&t, "memory.available")->raw, "100Mi");
	eviction_thresholds_free(&t);
	assert_int_equal(parse_eviction_thresholds(yaml, sizeof(yaml) - 1, &t, &d), 0);
	assert_kv(t.v[0].quantity, GI);
	eviction_thresholds_free(&t);
	eviction_thresholds_free(NULL);
}

static void test_parse_eviction_thresholds_hostile(void **state)
{
	static const char bad[] = "memory.available<lots,memory.available<1Gi,"
				  "memory.available<2Gi,<1Gi,x y<1,pct<200%,,";
	struct eviction_thresholds t = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf;

	(void)state;
	assert_int_equal(parse_eviction_thresholds("", 0, &t, &d), -EINVAL);
	assert_int_equal(parse_eviction_thresholds(NULL, 0, &t, NULL), -EINVAL);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_eviction_thresholds(bad, sizeof(bad) - 1, &t, &d), 0);
	assert_int_equal(t.n, 1);
	assert_kv(t.v[0].quantity, GI);
	assert_int_equal(d.count, 5);
	eviction_thresholds_free(&t);
	/* truncated */
	assert_int_equal(parse_eviction_thresholds("memory.available<", 17, &t, NULL), -EINVAL);
	buf = tp_garbage(1 << 20, 3);
	parse_eviction_thresholds(buf, 1 << 20, &t, NULL);
	assert_true(t.n <= 64);
	eviction_thresholds_free(&t);
	free(buf);
	buf = tp_long_line("memory.available<", '9', SIZE_50M, "Mi", &len);
	assert_int_equal(parse_eviction_thresholds(buf, len, &t, NULL), -EINVAL);
	free(buf);
}

static void test_parse_heap_flags_samples(void **state)
{
	struct heap_flags h = { 0 };
	size_t len;
	char *buf;
	const char *p;

	(void)state;
	buf = tp_sample("runtime-heap/strimzi-gh4094-2021-kafka-connect-ps-ef-Xmx-exceeds-pod-limit.txt", &len);
	p = memmem_str(buf, len, "java ");
	assert_non_null(p);
	assert_int_equal(parse_heap_flags(p, len - (size_t)(p - buf), &h, NULL), 0);
	assert_kv(h.xmx, 9148280340ull);
	assert_kv(h.xms, 9148280340ull);
	assert_false(h.max_ram_pct_set);
	free(buf);

	memset(&h, 0, sizeof(h));
	buf = tp_sample("runtime-heap/keycloak-benchmark-gh1016-2024-printflagsfinal-heapsize-4G-limit.txt", &len);
	assert_int_equal(parse_heap_flags(buf, len, &h, NULL), 0);
	assert_true(h.max_ram_pct_set && h.max_ram_pct == 70.0);
	assert_true(h.min_ram_pct_set && h.min_ram_pct == 70.0);
	assert_true(h.initial_ram_pct_set && h.initial_ram_pct == 50.0);
	assert_unset(h.xmx);
	assert_int_equal(h.found, 3);
	free(buf);

	/* No heap flag in these: nothing found, nothing invented. */
	memset(&h, 0, sizeof(h));
	buf = tp_sample("runtime-heap/docker-library-openjdk-gh57-2017-jdk9-b161-128m-container-xlog-heap-500MB.txt", &len);
	assert_int_equal(parse_heap_flags(buf, len, &h, NULL), 0);
	assert_int_equal(h.found, 0);
	free(buf);
	buf = tp_sample("runtime-heap/cf-nodejs-buildpack-gh126-2018-cf-logs-v8-heap-limit-killed-137.txt", &len);
	assert_int_equal(parse_heap_flags(buf, len, &h, NULL), 0);
	assert_int_equal(h.found, 0);
	free(buf);
}

static void test_parse_heap_flags_cmdline(void **state)
{
	/* NUL-separated as /proc/PID/cmdline; the last one wins. */
	static const char cmd[] = "java\0-Xmx1g\0-XX:MaxRAM=4g\0-Xmx48m\0"
				  "-XX:MaxRAMPercentage=50.5\0-cp\0.\0Sleep";
	static const char node[] = "node --max-old-space-size=64 --max_old_space_size=96 -e x";
	struct heap_flags h = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_heap_flags(cmd, sizeof(cmd) - 1, &h, &d), 0);
	assert_kv(h.xmx, 48 * MI);
	assert_kv(h.max_ram, 4 * GI);
	assert_true(h.max_ram_pct == 50.5);
	memset(&h, 0, sizeof(h));
	assert_int_equal(parse_heap_flags(node, sizeof(node) - 1, &h, &d), 0);
	assert_kv(h.node_max_old_space, 96 * MI);
	assert_int_equal(d.count, 0);
	assert_true(heap_flag_wanted("-Xmx48m", 7));
	assert_true(heap_flag_wanted("--max-old-space-size=64", 23));
	assert_false(heap_flag_wanted("-Xmx", 4));
	assert_false(heap_flag_wanted("-Dpassword=x", 12));
	assert_false(heap_flag_wanted("-XX:+UseG1GC", 12));
}

static void test_parse_heap_flags_hostile(void **state)
{
	static const char bad[] = "-Xmxlots -XX:MaxRAMPercentage=150 -XX:MaxRAMPercentage=nan "
				  "--max-old-space-size=99999999999999999 -Xmx99999999999t";
	struct heap_flags h = { 0 };
	struct parse_diag d = { 0 };
	char *buf;

	(void)state;
	assert_int_equal(parse_heap_flags(NULL, 0, &h, &d), -EINVAL);
	assert_int_equal(parse_heap_flags(bad, sizeof(bad) - 1, &h, &d), 0);
	assert_int_equal(h.found, 0);
	assert_int_equal(d.count, 5);
	buf = tp_garbage(1 << 20, 9);
	assert_int_equal(parse_heap_flags(buf, 1 << 20, &h, NULL), 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_k8s_quantity_units),
		cmocka_unit_test(test_parse_jvm_size_and_duration),
		cmocka_unit_test(test_parse_eviction_thresholds_flags),
		cmocka_unit_test(test_parse_eviction_thresholds_maps),
		cmocka_unit_test(test_parse_eviction_thresholds_hostile),
		cmocka_unit_test(test_parse_heap_flags_samples),
		cmocka_unit_test(test_parse_heap_flags_cmdline),
		cmocka_unit_test(test_parse_heap_flags_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
