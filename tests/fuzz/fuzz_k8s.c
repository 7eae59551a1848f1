/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the Kubernetes name parsers (k8s.h): a memory cgroup
 * path, a var/log/pods pair, a var/log/containers name.  Each output field
 * is a fixed array: it must come back terminated.  The same bytes as a
 * whole collector/k8s-*-logs.txt: every name kept is terminated too.
 */
#include "tests/fuzz/fuzz.h"
#include "analyze/parse/k8s.h"

#define TERMINATED(a) FUZZ_CHECK(memchr((a), '\0', sizeof(a)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_cgroup k;
	struct k8s_pod_log p;
	struct k8s_container_log c;
	char *s = fuzz_strndup(data, size);
	enum k8s_level lv;

	memset(&k, 0x55, sizeof(k));
	lv = k8s_parse_cgroup_path(s, &k);
	FUZZ_CHECK(lv >= K8S_NONE && lv <= K8S_CONTAINER);
	TERMINATED(k.qos);
	TERMINATED(k.pod_uid);
	TERMINATED(k.container_id);
	TERMINATED(k.runtime);
	TERMINATED(k.conmon_id);

	memset(&p, 0x55, sizeof(p));
	if (k8s_parse_pod_log((const char *)data, size, &p) == 0) {
		TERMINATED(p.namespace_);
		TERMINATED(p.pod);
		TERMINATED(p.pod_uid);
		TERMINATED(p.container);
	}
	memset(&c, 0x55, sizeof(c));
	if (k8s_parse_container_log((const char *)data, size, &c) == 0) {
		TERMINATED(c.pod);
		TERMINATED(c.namespace_);
		TERMINATED(c.container);
		TERMINATED(c.container_id);
	}
	{
		struct k8s_pod_logs pl = { 0 };
		struct k8s_container_logs cl = { 0 };
		struct parse_diag d = { 0 };
		size_t i;

		fuzz_check_result(k8s_parse_pod_logs((const char *)data, size, &pl, &d), &d);
		for (i = 0; i < pl.n; i++) {
			TERMINATED(pl.v[i].namespace_);
			TERMINATED(pl.v[i].container);
		}
		memset(&d, 0, sizeof(d));
		fuzz_check_result(k8s_parse_container_logs((const char *)data, size, &cl,
							   &d), &d);
		for (i = 0; i < cl.n; i++) {
			TERMINATED(cl.v[i].pod);
			TERMINATED(cl.v[i].container_id);
		}
		k8s_pod_logs_free(&pl);
		k8s_container_logs_free(&cl);
	}
	free(s);
	return 0;
}
