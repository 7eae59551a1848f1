/* SPDX-License-Identifier: MIT */
/*
 * The kubelet's settings: kubelet_extract() (what memsnap-collect keeps,
 * common/kubelet_settings.c) on the kubelet-config samples, and
 * parse_kubelet_settings() on what it wrote.
 */
#include "tests/unit/test_parse_util.h"

#include "common/kubelet_settings.h"

#define MI (1024ull * 1024)
#define GI (1024ull * MI)

static char *extract(const char *sample, const char *source, size_t *ret_len)
{
	struct strbuf out = STRBUF_INIT;
	size_t len;
	char *buf = tp_sample(sample, &len);

	kubelet_extract(buf, len, source, &out);
	free(buf);
	return strbuf_detach(&out, ret_len);
}

static void test_kubelet_extract_samples(void **state)
{
	static const struct { const char *file, *expect; } cases[] = {
		{ "kubelet-config/k8s-gh58541-v1.9.1-kubeadm-dropin-eviction-env-lines.txt",
		  "drop-in evictionHard memory.available<3000Mi,nodefs.available<1Gi,imagefs.available<40Gi\n"
		  "drop-in evictionSoft memory.available<3500Mi,nodefs.available<2Gi,imagefs.available<50Gi\n"
		  "drop-in evictionSoftGracePeriod memory.available=1m30s,nodefs.available=5m,imagefs.available=5m\n" },
		{ "kubelet-config/learnk8s-inspector-aks-ubuntu1804-2022-etc-default-kubelet.env",
		  "drop-in enforceNodeAllocatable pods\n"
		  "drop-in evictionHard memory.available<750Mi,nodefs.available<10%,nodefs.inodesFree<5%\n"
		  "drop-in kubeReserved cpu=100m,memory=1843Mi\n" },
		{ "kubelet-config/learnk8s-inspector-eks-al2-node-kubelet-config.json",
		  "drop-in evictionHard memory.available=100Mi,nodefs.available=10%,nodefs.inodesFree=5%\n"
		  "drop-in kubeReserved cpu=70m,ephemeral-storage=1Gi,memory=574Mi\n" },
		{ "kubelet-config/tanguille-cluster-talos-machine-kubelet-patch.yaml",
		  "drop-in evictionHard memory.available=1Gi\n"
		  "drop-in kubeReserved cpu=500m,memory=2Gi\n"
		  "drop-in systemReserved cpu=500m,memory=1Gi\n" },
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = extract(cases[i].file, "drop-in", &len);

		assert_string_equal(got, cases[i].expect);
		free(got);
	}
}

static void test_parse_kubelet_settings_samples(void **state)
{
	struct kubelet_settings k = { 0 };
	struct parse_diag d = { 0 };
	const struct eviction_threshold *t;
	size_t len;
	char *txt;

	(void)state;
	txt = extract("kubelet-config/learnk8s-inspector-eks-al2-node-kubelet-config.json", "config", &len);
	assert_int_equal(parse_kubelet_settings(txt, len, &k, &d), 0);
	assert_int_equal(d.count, 0);
	assert_true(k.v[KUBELET_EVICTION_HARD].set);
	t = eviction_thresholds_get(&k.v[KUBELET_EVICTION_HARD].entries, "memory.available");
	assert_kv(t->quantity, 100 * MI);
	t = eviction_thresholds_get(&k.v[KUBELET_KUBE_RESERVED].entries, "memory");
	assert_kv(t->quantity, 574 * MI);
	assert_false(k.v[KUBELET_SYSTEM_RESERVED].set);
	assert_false(k.v[KUBELET_ENFORCE_NODE_ALLOCATABLE].set);
	kubelet_settings_free(&k);
	free(txt);

	txt = extract("kubelet-config/learnk8s-inspector-aks-ubuntu1804-2022-etc-default-kubelet.env", "env-file", &len);
	assert_int_equal(parse_kubelet_settings(txt, len, &k, &d), 0);
	assert_string_equal(k.v[KUBELET_ENFORCE_NODE_ALLOCATABLE].value, "pods");
	assert_string_equal(k.v[KUBELET_ENFORCE_NODE_ALLOCATABLE].source, "env-file");
	t = eviction_thresholds_get(&k.v[KUBELET_EVICTION_HARD].entries, "nodefs.available");
	assert_true(t->percent && t->pct == 10.0);
	kubelet_settings_free(&k);
	free(txt);
}

/* The kubelet's order: its flags beat its config file, whatever the line order. */
static void test_parse_kubelet_settings_precedence(void **state)
{
	static const char txt[] =
		"env-file evictionHard memory.available<1Mi\n"
		"config evictionHard memory.available=100Mi\n"
		"cmdline evictionHard memory.available<500Mi\n"
		"config evictionHard memory.available=7Mi\n"
		"config systemReserved memory=1Gi\n";
	struct kubelet_settings k = { 0 };
	const struct eviction_threshold *t;

	(void)state;
	assert_int_equal(parse_kubelet_settings(txt, sizeof(txt) - 1, &k, NULL), 0);
	assert_string_equal(k.v[KUBELET_EVICTION_HARD].source, "cmdline");
	t = eviction_thresholds_get(&k.v[KUBELET_EVICTION_HARD].entries, "memory.available");
	assert_int_equal(t->op, '<');
	assert_kv(t->quantity, 500 * MI);
	assert_kv(k.v[KUBELET_SYSTEM_RESERVED].entries.v[0].quantity, GI);
	kubelet_settings_free(&k);
	kubelet_settings_free(NULL);
}

/* Nothing but the kept settings leaves kubelet_extract(), whatever the file holds. */
static void test_kubelet_extract_privacy(void **state)
{
	static const char cfg[] =
		"apiVersion: kubelet.config.k8s.io/v1beta1\n"
		"tlsPrivateKeyFile: /SECRET1\n"
		"evictionHard:\n"
		"  memory.available: \"100Mi\"   # hard\n"
		"  nodefs.available: 10%\n"
		"staticPodURLHeader:\n"
		"  Authorization: [\"Bearer SECRET2\"]\n"
		"kubeReserved: {memory: 1Gi, token: \"a b SECRET3\"}\n"
		"systemReserved: {memory: 2Gi}\n"
		"enforceNodeAllocatable: [pods, system-reserved]\n"
		"evictionSoft:\n"
		"  memory.available: $(SECRET4)\n";
	static const char cmd[] = "/usr/bin/kubelet\0--token=SECRET5\0--eviction-hard\0"
				  "memory.available<200Mi\0--kube-reserved=memory=1Gi;SECRET6\0"
				  "--eviction-soft\0--v=2\0";
	struct strbuf out = STRBUF_INIT;
	size_t n;

	(void)state;
	n = kubelet_extract(cfg, sizeof(cfg) - 1, "config", &out);
	assert_string_equal(out.buf,
			    "config evictionHard memory.available=100Mi,nodefs.available=10%\n"
			    "config systemReserved memory=2Gi\n"
			    "config enforceNodeAllocatable pods,system-reserved\n");
	assert_int_equal(n, 3);
	strbuf_reset(&out);
	n = kubelet_extract(cmd, sizeof(cmd) - 1, "cmdline", &out);
	assert_string_equal(out.buf, "cmdline evictionHard memory.available<200Mi\n");
	assert_int_equal(n, 1);
	assert_null(strstr(out.buf, "SECRET"));
	strbuf_release(&out);
	{
		struct strbuf p = STRBUF_INIT;
		static const char c2[] = "kubelet\0--config\0/etc/k/c.yaml\0";

		assert_true(kubelet_config_path(c2, sizeof(c2) - 1, &p));
		assert_string_equal(p.buf, "/etc/k/c.yaml");
		strbuf_release(&p);
		assert_false(kubelet_config_path(cmd, sizeof(cmd) - 1, &p));
	}
}

static void test_parse_kubelet_settings_hostile(void **state)
{
	struct kubelet_settings k = { 0 };
	struct parse_diag d = { 0 };
	struct strbuf out = STRBUF_INIT;
	size_t len, i;
	char *buf;

	(void)state;
	assert_int_equal(parse_kubelet_settings("", 0, &k, &d), 0);
	assert_int_equal(parse_kubelet_settings("config evictionHard", 19, &k, &d), -EINVAL);
	assert_int_equal(parse_kubelet_settings("x evictionHard 1\nconfig tls x\n", 30, &k, &d), -EINVAL);
	kubelet_settings_free(&k);
	for (i = 0; i < 3; i++) {
		buf = tp_garbage(1 << 20, (uint32_t)i + 7);
		parse_kubelet_settings(buf, 1 << 20, &k, NULL);
		kubelet_settings_free(&k);
		kubelet_extract(buf, 1 << 20, "config", &out);
		free(buf);
	}
	buf = tp_long_line("evictionHard:\n  memory.available: ", '9', SIZE_50M, "Mi\n", &len);
	strbuf_reset(&out);
	assert_int_equal(kubelet_extract(buf, len, "config", &out), 0);
	free(buf);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kubelet_extract_samples),
		cmocka_unit_test(test_parse_kubelet_settings_samples),
		cmocka_unit_test(test_parse_kubelet_settings_precedence),
		cmocka_unit_test(test_kubelet_extract_privacy),
		cmocka_unit_test(test_parse_kubelet_settings_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
