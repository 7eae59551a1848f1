/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_K8S_NAMES_H
#define MEMSNAP_K8S_NAMES_H
/*
 * Kubernetes names, and the /var/log names the kubelet and the runtime make
 * of them: one definition for the collector, which keeps only valid names
 * (issue 17.4: a folder name holding a newline injected a pod), and for the
 * loader, which reads them.  The rules are the API server's
 * (k8s.io/apimachinery/pkg/util/validation): no valid name holds a byte
 * outside [a-z0-9.-], so '_', '/' and '\n' always split the names
 * correctly.  Pure functions over (buf, len); they never print.
 */
#include <stdbool.h>
#include <stddef.h>

/* IsDNS1123Label: namespaces, container names ([a-z0-9]([-a-z0-9]*[a-z0-9])?, <= 63). */
bool k8s_dns_label(const char *s, size_t len);
/* IsDNS1123Subdomain: pod names (labels joined by '.', <= 253 in all). */
bool k8s_dns_subdomain(const char *s, size_t len);
/*
 * A pod UID as the kubelet names folders with it: a UUID in its 36-character
 * form (8-4-4-4-12 lower-case hex), or 32 lower-case hex digits (a static
 * pod's: the hash of its manifest).
 */
bool k8s_pod_uid(const char *s, size_t len);

/* "<namespace>_<pod>_<uid>/<container>" (a var/log/pods folder pair). */
struct k8s_pod_log {
	char namespace_[256];
	char pod[256];
	char pod_uid[40];
	char container[256];
};
/* 0, or -EINVAL (and *ret cleared) unless every name is valid. */
int k8s_parse_pod_log(const char *s, size_t len, struct k8s_pod_log *ret);

/* "<pod>_<namespace>_<container>-<64 hex id>.log" (a var/log/containers name). */
struct k8s_container_log {
	char pod[256];
	char namespace_[256];
	char container[256];
	char container_id[72];
};
int k8s_parse_container_log(const char *s, size_t len,
			    struct k8s_container_log *ret);

#endif
