/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes names without the API: the collector's lists of
 * /var/log/pods and /var/log/containers entries, into k8s_pod_log and
 * k8s_container_log (schema/60-k8s.sql).  (The names in cgroup paths are
 * cgroup.c's, in cgroup_node.)
 */
#include "analyze/load/loader.h"

#include "analyze/parse/k8s.h"

#include "common/banned.h"

void load_pod_logs(struct loader *l, const struct file_in *f)
{
	struct k8s_pod_logs p = { 0 };
	struct parse_diag d = { 0 };

	k8s_parse_pod_logs(f->buf, f->len, &p, &d);
	note_skipped(l, f->path, &d);
	put_rows(l, T_K8S_POD_LOG, NULL, p.v, p.n, sizeof(*p.v));
	k8s_pod_logs_free(&p);
}

void load_container_logs(struct loader *l, const struct file_in *f)
{
	struct k8s_container_logs c = { 0 };
	struct parse_diag d = { 0 };

	k8s_parse_container_logs(f->buf, f->len, &c, &d);
	note_skipped(l, f->path, &d);
	put_rows(l, T_K8S_CONTAINER_LOG, NULL, c.v, c.n, sizeof(*c.v));
	k8s_container_logs_free(&c);
}
