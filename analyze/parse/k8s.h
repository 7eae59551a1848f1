/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_K8S_H
#define MEMSNAP_K8S_H
/*
 * Kubernetes and container names without the API: from memory cgroup paths
 * and from the names of /var/log/pods and /var/log/containers entries.
 * Pure functions over strings; they never print.
 */
#include <stdbool.h>
#include <stddef.h>

#include "analyze/parse/parse.h"

enum k8s_level {
	K8S_NONE = 0,       /* not a Kubernetes cgroup */
	K8S_ROOT,           /* /kubepods or /kubepods.slice */
	K8S_QOS,            /* /kubepods/burstable, kubepods-besteffort.slice */
	K8S_POD,            /* .../pod<uid>, kubepods-...-pod<uid>.slice */
	K8S_CONTAINER,      /* .../<id>, cri-containerd-<id>.scope, ... */
};

struct k8s_cgroup {
	enum k8s_level level;
	char qos[12];           /* "guaranteed", "burstable", "besteffort", "" */
	char pod_uid[40];       /* with dashes (systemd's '_' converted), "" */
	char container_id[72];  /* hex id, "" */
	char runtime[16];       /* "containerd", "cri-o", "docker", "podman", "" */
	/*
	 * CRI-O's crio-conmon-<id>.scope holds conmon, the monitor of
	 * container <id>, not the container: its memory is pod overhead.
	 * Such a cgroup is level K8S_POD (with the pod's qos and uid), its
	 * container_id and runtime are "", and conmon_id is the monitored
	 * container's id.  "" for every other cgroup.
	 */
	char conmon_id[72];
};

/*
 * Recognise a memory cgroup path (as in the cgroups view: "/kubepods/...").
 * Both kubelet cgroup drivers: cgroupfs (/kubepods/burstable/pod<uid>/<id>,
 * guaranteed pods directly under /kubepods) and systemd
 * (kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid with
 * '_'>.slice/cri-containerd-<id>.scope; crio-<id>.scope, docker-<id>.scope),
 * also when nested below another prefix.  Docker outside Kubernetes
 * (/docker/<id>, /system.slice/docker-<id>.scope) gives level K8S_NONE with
 * container_id and runtime set.  Returns the level.
 */
enum k8s_level k8s_parse_cgroup_path(const char *path, struct k8s_cgroup *ret);

/* cgroup_node.k8s_level's name of a level: "root", ..., NULL for K8S_NONE. */
const char *k8s_level_name(enum k8s_level lv);

/* The /var/log names: k8s_parse_pod_log(), k8s_parse_container_log(). */
#include "common/k8s_names.h"

/*
 * collector/k8s-pod-logs.txt and k8s-container-logs.txt: one name a line,
 * as above, in file order.  Blank lines are skipped; a line that is not
 * such a name is skipped with a diag message ("line 3: '...' is not a
 * Kubernetes log name, skipping").  Return 0 (a parse_*() of parse.h).
 */
struct k8s_pod_logs {
	struct k8s_pod_log *v;
	size_t n, alloc;
};
struct k8s_container_logs {
	struct k8s_container_log *v;
	size_t n, alloc;
};
int k8s_parse_pod_logs(const char *buf, size_t len, struct k8s_pod_logs *ret,
		       struct parse_diag *diag);
int k8s_parse_container_logs(const char *buf, size_t len,
			     struct k8s_container_logs *ret,
			     struct parse_diag *diag);
void k8s_pod_logs_free(struct k8s_pod_logs *l);
void k8s_container_logs_free(struct k8s_container_logs *l);

#endif
