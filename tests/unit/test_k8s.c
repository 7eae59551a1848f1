/* SPDX-License-Identifier: MIT */
/*
 * k8s.c: cgroup paths of both kubelet drivers and every runtime (the
 * kubepods paths are the real ones of the real samples (oom/)), /var/log names.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "analyze/parse/k8s.h"
#include "common/util.h"

#define UID1 "28fcb1a0-a45c-44e7-b9bf-e3b9360bedba"
#define ID1 "3e5e5eab87df615f4777e6f7f261a7fb62f4a7ee5bc3e25e3a5b5223ccd368fe"
#define UID2 "951f6bc5-c5a5-11ea-8707-80e455f266a2"
#define ID2 "024952d653ef1cd852f875a61bd27cf45cb1fd6cab3659ca7e5f12f037d99aa9"
#define UID3 "94eb36cd-29e1-478b-b365-4cb5dfc7d6fb"
#define UID3_ "94eb36cd_29e1_478b_b365_4cb5dfc7d6fb"
#define ID3 "46b3e0a4df44b752b841aecca454e6e78995d567912a84950390bae6f6777a63"
#define UID4_ "089f25ee_a41a_414c_a028_71a38dfb30d3"
#define ID4 "c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d15225139c74f"
#define DOCKER1 "2e088fe462e25e60be1dafafe2c05c47bda1a97978648d10ad2b7484fc0b8f50"
#define DOCKER2 "1da1ac35179e4a431244118025a4806f88ca172ffdba9e035076add06e912e6f"

static void check(const char *path, enum k8s_level level, const char *qos,
		  const char *uid, const char *id, const char *runtime)
{
	struct k8s_cgroup c;

	/* Dirty the struct: the parser must clear it. */
	memset(&c, 'x', sizeof(c));
	assert_int_equal(k8s_parse_cgroup_path(path, &c), level);
	assert_string_equal(c.qos, qos);
	assert_string_equal(c.pod_uid, uid);
	assert_string_equal(c.container_id, id);
	assert_string_equal(c.runtime, runtime);
	assert_string_equal(c.conmon_id, "");
}

/* ---- cgroupfs driver ---------------------------------------------------- */

static void test_k8s_parse_cgroup_path_cgroupfs(void **state)
{
	(void)state;
	check("/kubepods", K8S_ROOT, "", "", "", "");
	check("/kubepods/burstable", K8S_QOS, "burstable", "", "", "");
	check("/kubepods/besteffort/", K8S_QOS, "besteffort", "", "", "");
	check("/kubepods/burstable/pod" UID1, K8S_POD, "burstable", UID1, "", "");
	check("/kubepods/burstable/pod" UID1 "/" ID1, K8S_CONTAINER, "burstable",
	      UID1, ID1, "");
	/* Guaranteed: pods directly under /kubepods. */
	check("/kubepods/pod" UID2, K8S_POD, "guaranteed", UID2, "", "");
	check("/kubepods/pod" UID2 "/" ID2, K8S_CONTAINER, "guaranteed", UID2, ID2, "");
	/* CRI-O with the cgroupfs manager. */
	check("/kubepods/besteffort/pod" UID1 "/crio-" ID1, K8S_CONTAINER,
	      "besteffort", UID1, ID1, "cri-o");
}

/* ---- systemd driver ----------------------------------------------------- */

static void test_k8s_parse_cgroup_path_systemd(void **state)
{
	(void)state;
	check("/kubepods.slice", K8S_ROOT, "", "", "", "");
	check("/kubepods.slice/kubepods-burstable.slice", K8S_QOS, "burstable", "", "", "");
	check("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID3_ ".slice",
	      K8S_POD, "burstable", UID3, "", "");
	check("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID3_
	      ".slice/cri-containerd-" ID3 ".scope",
	      K8S_CONTAINER, "burstable", UID3, ID3, "containerd");
	/* Guaranteed: kubepods-pod<uid>.slice right under kubepods.slice. */
	check("/kubepods.slice/kubepods-pod" UID4_ ".slice/cri-containerd-" ID4 ".scope",
	      K8S_CONTAINER, "guaranteed", "089f25ee-a41a-414c-a028-71a38dfb30d3", ID4,
	      "containerd");
	check("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID3_
	      ".slice/crio-" ID3 ".scope",
	      K8S_CONTAINER, "besteffort", UID3, ID3, "cri-o");
	/* dockershim / cri-dockerd. */
	check("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID3_
	      ".slice/docker-" ID3 ".scope",
	      K8S_CONTAINER, "burstable", UID3, ID3, "docker");
	/* crun's "container" child on cgroup v2: still that container. */
	check("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID3_
	      ".slice/crio-" ID3 ".scope/container",
	      K8S_CONTAINER, "burstable", UID3, ID3, "cri-o");
}

static void test_k8s_parse_cgroup_path_crio_conmon(void **state)
{
	struct k8s_cgroup c;

	(void)state;
	/* conmon is pod overhead, not the container it monitors. */
	assert_int_equal(k8s_parse_cgroup_path(
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID3_
		".slice/crio-conmon-" ID3 ".scope", &c), K8S_POD);
	assert_string_equal(c.qos, "burstable");
	assert_string_equal(c.pod_uid, UID3);
	assert_string_equal(c.container_id, "");
	assert_string_equal(c.runtime, "");
	assert_string_equal(c.conmon_id, ID3);
	/* And below it. */
	assert_int_equal(k8s_parse_cgroup_path(
		"/kubepods/pod" UID2 "/crio-conmon-" ID2 "/x", &c), K8S_POD);
	assert_string_equal(c.conmon_id, ID2);
	assert_string_equal(c.qos, "guaranteed");
}

static void test_k8s_parse_cgroup_path_nested_prefix(void **state)
{
	(void)state;
	/* kind: the node is a docker container; kubelet --cgroup-root. */
	check("/docker/" DOCKER1 "/kubelet/kubepods/burstable/pod" UID1 "/" ID1,
	      K8S_CONTAINER, "burstable", UID1, ID1, "");
	check("/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/"
	      "kubelet-kubepods-burstable-pod" UID3_ ".slice/cri-containerd-" ID3 ".scope",
	      K8S_CONTAINER, "burstable", UID3, ID3, "containerd");
	check("/kubelet.slice/kubelet-kubepods.slice", K8S_ROOT, "", "", "", "");
	check("/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod" UID4_ ".slice",
	      K8S_POD, "guaranteed", "089f25ee-a41a-414c-a028-71a38dfb30d3", "", "");
}

static void test_k8s_parse_cgroup_path_not_kubernetes(void **state)
{
	struct k8s_cgroup c;

	(void)state;
	/* Docker outside Kubernetes keeps its id and runtime. */
	check("/docker/" DOCKER1, K8S_NONE, "", "", DOCKER1, "docker");
	check("/system.slice/docker-" DOCKER2 ".scope", K8S_NONE, "", "", DOCKER2, "docker");
	check("/machine.slice/libpod-" DOCKER2 ".scope", K8S_NONE, "", "", DOCKER2, "podman");
	check("/machine.slice/libpod-conmon-" DOCKER2 ".scope", K8S_NONE, "", "", "", "");
	/* Services, sessions, the root, Mesos: readable, nothing to parse. */
	check("/system.slice/containerd.service", K8S_NONE, "", "", "", "");
	check("/system.slice/docker.service", K8S_NONE, "", "", "", "");
	check("/user.slice/user-1000.slice/session-3.scope", K8S_NONE, "", "", "", "");
	check("/mesos/1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809", K8S_NONE, "", "", "", "");
	check("/", K8S_NONE, "", "", "", "");
	check("", K8S_NONE, "", "", "", "");
	assert_int_equal(k8s_parse_cgroup_path(NULL, &c), K8S_NONE);
	/* Names that look close but are not kubepods. */
	check("/kubepodsx/burstable", K8S_NONE, "", "", "", "");
	check("/mykubepods.slice", K8S_NONE, "", "", "", "");
	check("/burstable/pod" UID1, K8S_NONE, "", "", "", "");
	check("/docker/not-an-id", K8S_NONE, "", "", "", "");
}

static void test_k8s_parse_cgroup_path_odd_names(void **state)
{
	(void)state;
	/* Static pods: the uid is 32 hex digits without dashes. */
	check("/kubepods/burstable/podd41d8cd98f00b204e9800998ecf8427e", K8S_POD,
	      "burstable", "d41d8cd98f00b204e9800998ecf8427e", "", "");
	/* Upper case is lowered. */
	check("/kubepods/pod951F6BC5-C5A5-11EA-8707-80E455F266A2/" ID2, K8S_CONTAINER,
	      "guaranteed", UID2, ID2, "");
	/* Not a uid: the pod level is not reached. */
	check("/kubepods/burstable/podXYZ", K8S_QOS, "burstable", "", "", "");
	check("/kubepods/burstable/pod", K8S_QOS, "burstable", "", "", "");
	check("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podnot_hex.slice",
	      K8S_QOS, "burstable", "", "", "");
	/* An unrecognised child of a pod is a container without an id. */
	check("/kubepods/burstable/pod" UID1 "/something-else", K8S_CONTAINER,
	      "burstable", UID1, "", "");
	/* 65 hex digits is no container id. */
	check("/kubepods/burstable/pod" UID1 "/" ID1 "a", K8S_CONTAINER, "burstable",
	      UID1, "", "");
	/* Doubled and trailing slashes. */
	check("//kubepods//burstable//pod" UID1 "//" ID1 "//", K8S_CONTAINER,
	      "burstable", UID1, ID1, "");
}

static void test_k8s_parse_cgroup_path_long(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct k8s_cgroup c;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++)
		strbuf_addstr(&sb, "/kubepods");
	strbuf_addstr(&sb, "/burstable/pod" UID1 "/" ID1);
	assert_int_equal(k8s_parse_cgroup_path(sb.buf, &c), K8S_CONTAINER);
	assert_string_equal(c.container_id, ID1);
	strbuf_reset(&sb);
	for (i = 0; i < 1000000; i++)
		strbuf_addch(&sb, 'k');
	assert_int_equal(k8s_parse_cgroup_path(sb.buf, &c), K8S_NONE);
	strbuf_release(&sb);
}

/* ---- /var/log/pods ------------------------------------------------------ */

static int pod_log(const char *s, struct k8s_pod_log *p)
{
	return k8s_parse_pod_log(s, strlen(s), p);
}

static void test_k8s_parse_pod_log_valid(void **state)
{
	struct k8s_pod_log p;

	(void)state;
	assert_int_equal(pod_log("kube-system_coredns-5d78c9869d-x7k2p_" UID3 "/coredns", &p), 0);
	assert_string_equal(p.namespace_, "kube-system");
	assert_string_equal(p.pod, "coredns-5d78c9869d-x7k2p");
	assert_string_equal(p.pod_uid, UID3);
	assert_string_equal(p.container, "coredns");
	/* A trailing '/', a newline, dots in the pod name, a static pod's uid. */
	assert_int_equal(pod_log("default_web.v1-0_" UID1 "/istio-proxy/\n", &p), 0);
	assert_string_equal(p.pod, "web.v1-0");
	assert_string_equal(p.container, "istio-proxy");
	assert_int_equal(pod_log("kube-system_kube-apiserver-node1_d41d8cd98f00b204e9800998ecf8427e/kube-apiserver",
				 &p), 0);
	assert_string_equal(p.pod_uid, "d41d8cd98f00b204e9800998ecf8427e");
}

static void test_k8s_parse_pod_log_invalid(void **state)
{
	static const char nul[] = "ns_po\0d_" UID3 "/c";
	struct k8s_pod_log p;
	char big[400];

	(void)state;
	assert_int_equal(pod_log("", &p), -EINVAL);
	assert_int_equal(k8s_parse_pod_log(NULL, 0, &p), -EINVAL);
	assert_int_equal(pod_log("kube-system_coredns_" UID3, &p), -EINVAL);   /* no container */
	assert_int_equal(pod_log("kube-system_coredns_" UID3 "/", &p), -EINVAL);
	assert_int_equal(pod_log("kube_system_coredns_" UID3 "/c", &p), -EINVAL);
	assert_int_equal(pod_log("kube-system_coredns/c", &p), -EINVAL);
	assert_int_equal(pod_log("Kube-System_coredns_" UID3 "/c", &p), -EINVAL);
	assert_int_equal(pod_log("ns_pod_" UID3 "/my_container", &p), -EINVAL);
	assert_int_equal(pod_log("ns_pod_" UID3 "/c/0.log", &p), -EINVAL);
	assert_int_equal(pod_log("ns_pod_not-a-uid!/c", &p), -EINVAL);
	/* DNS-1123: alphanumeric at both ends of every label (issue 17.4) */
	assert_int_equal(pod_log("-ns_pod_" UID3 "/c", &p), -EINVAL);
	assert_int_equal(pod_log("ns_pod-_" UID3 "/c", &p), -EINVAL);
	assert_int_equal(pod_log("ns_a..b_" UID3 "/c", &p), -EINVAL);
	assert_int_equal(pod_log("ns_.pod_" UID3 "/c", &p), -EINVAL);
	assert_int_equal(pod_log("ns_pod_" UID3 "/c-", &p), -EINVAL);
	/* UIDs: 8-4-4-4-12 lower-case hex, or 32 hex */
	assert_int_equal(pod_log("ns_pod_94EB36CD-29e1-478b-b365-4cb5dfc7d6fb/c", &p), -EINVAL);
	assert_int_equal(pod_log("ns_pod_94eb36cd2-9e1-478b-b365-4cb5dfc7d6fb/c", &p), -EINVAL);
	assert_int_equal(pod_log("ns_pod_abc/c", &p), -EINVAL);
	assert_int_equal(pod_log("ns_pod_" UID3_ "/c", &p), -EINVAL);
	/* a newline inside a folder name: the whole pair is refused */
	assert_int_equal(pod_log("junk_junk_junk\nkube-system_injected-pod_" UID3 "/c", &p), -EINVAL);
	assert_int_equal(k8s_parse_pod_log(nul, sizeof(nul) - 1, &p), -EINVAL);
	memset(big, 'a', sizeof(big));
	memcpy(big, "ns_", 3);
	memcpy(big + 300, "_" UID3 "/c", 39);
	assert_int_equal(k8s_parse_pod_log(big, 339, &p), -EINVAL);    /* pod > 253 */
	assert_string_equal(p.pod, "");         /* cleared on failure */
	memcpy(big + 3 + 253, "_" UID3 "/c", 39);
	assert_int_equal(k8s_parse_pod_log(big, 3 + 253 + 39, &p), 0);  /* pod == 253 */
	assert_int_equal(strlen(p.pod), 253);
	assert_int_equal(pod_log("ns_pod_" UID3 "/c", &p), 0);
}

/* ---- /var/log/containers ------------------------------------------------ */

static int ctr_log(const char *s, struct k8s_container_log *c)
{
	return k8s_parse_container_log(s, strlen(s), c);
}

static void test_k8s_parse_container_log_valid(void **state)
{
	struct k8s_container_log c;

	(void)state;
	assert_int_equal(ctr_log("coredns-5d78c9869d-x7k2p_kube-system_coredns-" ID3 ".log", &c), 0);
	assert_string_equal(c.pod, "coredns-5d78c9869d-x7k2p");
	assert_string_equal(c.namespace_, "kube-system");
	assert_string_equal(c.container, "coredns");
	assert_string_equal(c.container_id, ID3);
	/* A container name with dashes: the id is split from the right. */
	assert_int_equal(ctr_log("web.v1-0_default_istio-proxy-" ID1 ".log\n", &c), 0);
	assert_string_equal(c.pod, "web.v1-0");
	assert_string_equal(c.container, "istio-proxy");
	assert_string_equal(c.container_id, ID1);
}

static void test_k8s_parse_container_log_invalid(void **state)
{
	struct k8s_container_log c;

	(void)state;
	assert_int_equal(ctr_log("", &c), -EINVAL);
	assert_int_equal(k8s_parse_container_log(NULL, 0, &c), -EINVAL);
	assert_int_equal(ctr_log("pod_ns_ctr-" ID3, &c), -EINVAL);              /* no .log */
	assert_int_equal(ctr_log("pod_ns_ctr-" ID3 "a.log", &c), -EINVAL);      /* 65 hex */
	assert_int_equal(ctr_log("pod_ns_ctr_" ID3 ".log", &c), -EINVAL);       /* no '-' */
	assert_int_equal(ctr_log("pod_ns-" ID3 ".log", &c), -EINVAL);           /* 2 parts */
	assert_int_equal(ctr_log("pod_ns_ctr_x-" ID3 ".log", &c), -EINVAL);     /* 4 parts */
	assert_int_equal(ctr_log("pod_ns_ctr-zz" ID3 ".log", &c), -EINVAL);
	assert_int_equal(ctr_log("x.log", &c), -EINVAL);
	assert_int_equal(ctr_log("pod_ns_-ctr-" ID3 ".log", &c), -EINVAL);
	assert_int_equal(ctr_log("pod_ns_ctr\nx-" ID3 ".log", &c), -EINVAL);
	assert_string_equal(c.container_id, "");
}

/* collector/k8s-*-logs.txt: one name a line, bad lines skipped and said */
static void test_k8s_parse_pod_logs(void **state)
{
	static const char buf[] =
		"default_web-1_0b6f2a4e-1111-4222-8333-444455556666/nginx\n"
		"not a name\n\n"
		"kube-system_dns_0b6f2a4e-1111-4222-8333-444455556667/coredns/\n"
		"x/y\n";
	struct k8s_pod_logs p = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(k8s_parse_pod_logs(buf, sizeof(buf) - 1, &p, &d), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].namespace_, "default");
	assert_string_equal(p.v[0].container, "nginx");
	assert_string_equal(p.v[1].pod, "dns");
	assert_int_equal(d.count, 2);
	assert_string_equal(d.msg, "line 2: 'not a name' is not a Kubernetes log name, "
			    "skipping");
	k8s_pod_logs_free(&p);
	k8s_pod_logs_free(NULL);
}

static void test_k8s_parse_container_logs(void **state)
{
	struct k8s_container_logs c = { 0 };
	struct parse_diag d = { 0 };
	struct strbuf sb = STRBUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		strbuf_addf(&sb, "web-%d_default_nginx-%064x.log\n", i, i);
	strbuf_addstr(&sb, "nope.log");
	assert_int_equal(k8s_parse_container_logs(sb.buf, sb.len, &c, &d), 0);
	assert_int_equal(c.n, 100);
	assert_string_equal(c.v[99].pod, "web-99");
	assert_string_equal(c.v[99].namespace_, "default");
	assert_int_equal(d.count, 1);
	assert_string_equal(d.msg, "line 101: 'nope.log' is not a Kubernetes log name, "
			    "skipping");
	k8s_container_logs_free(&c);
	assert_int_equal(k8s_parse_container_logs("", 0, &c, NULL), 0);
	assert_int_equal(c.n, 0);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k8s_parse_cgroup_path_cgroupfs),
		cmocka_unit_test(test_k8s_parse_cgroup_path_systemd),
		cmocka_unit_test(test_k8s_parse_cgroup_path_crio_conmon),
		cmocka_unit_test(test_k8s_parse_cgroup_path_nested_prefix),
		cmocka_unit_test(test_k8s_parse_cgroup_path_not_kubernetes),
		cmocka_unit_test(test_k8s_parse_cgroup_path_odd_names),
		cmocka_unit_test(test_k8s_parse_cgroup_path_long),
		cmocka_unit_test(test_k8s_parse_pod_log_valid),
		cmocka_unit_test(test_k8s_parse_pod_log_invalid),
		cmocka_unit_test(test_k8s_parse_container_log_valid),
		cmocka_unit_test(test_k8s_parse_container_log_invalid),
		cmocka_unit_test(test_k8s_parse_pod_logs),
		cmocka_unit_test(test_k8s_parse_container_logs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
