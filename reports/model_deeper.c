/* SPDX-License-Identifier: MIT */
/*
 * The model of issue 16's report sections (reports/deeper.h): one query per
 * public view, kept in report_capture.queries like the rest of the report,
 * each row read by its column table (model_int.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reports/deeper.h"
#include "reports/model_int.h"

#include "common/banned.h"

static const struct col dying_cols[] = {
	COL(COL_STR, struct report_dying, cgroup, "cgroup"),
	COL(COL_STR, struct report_dying, name, "name"),
	COL(COL_NUM, struct report_dying, nr_dying, "nr_dying"),
	COL(COL_NUM, struct report_dying, nr_descendants, "nr_descendants"),
	COL(COL_NUM, struct report_dying, unaccounted, "unaccounted_bytes"),
	COL(COL_NUM, struct report_dying, usage, "usage_bytes"),
	COL(COL_NUM, struct report_dying, cgroup_version, "cgroup_version"),
};

#define T(kind, field, name) COL(kind, struct report_throttled, field, name)
static const struct col throttled_cols[] = {
	T(COL_STR, cgroup, "cgroup"), T(COL_STR, name, "name"),
	T(COL_NUM, usage, "usage_bytes"), T(COL_NUM, high, "high_bytes"),
	T(COL_NUM, max, "max_bytes"), T(COL_REAL, high_pct, "high_pct"),
	T(COL_NUM, events_high, "events_high"), T(COL_NUM, events_max, "events_max"),
	T(COL_NUM, events_oom_kill, "events_oom_kill"),
	T(COL_REAL, psi_some_avg10, "psi_some_avg10"), T(COL_REAL, psi_some_avg60, "psi_some_avg60"),
	T(COL_REAL, psi_full_avg10, "psi_full_avg10"), T(COL_REAL, psi_full_avg60, "psi_full_avg60"),
	T(COL_NUM, events_high_growth, "events_high_growth"),
	T(COL_NUM, events_max_growth, "events_max_growth"),
	T(COL_REAL, samples_seconds, "samples_seconds"),
};
#undef T

#define M(kind, field, name) COL(kind, struct report_tmpfs, field, name)
static const struct col tmpfs_cols[] = {
	M(COL_STR, namespace_, "namespace"), M(COL_STR, pod, "pod"),
	M(COL_STR, container, "container"), M(COL_STR, volume, "volume"),
	M(COL_STR, kind, "kind"), M(COL_STR, mount_point, "mount_point"),
	M(COL_STR, cgroup, "cgroup"), M(COL_NUM, used, "used_bytes"),
	M(COL_NUM, size, "size_bytes"),
};
#undef M

#define E(kind, field, name) COL(kind, struct report_eviction, field, name)
static const struct col eviction_cols[] = {
	E(COL_BOOL, set, "kubelet"), E(COL_NUM, threshold, "eviction_threshold_bytes"),
	E(COL_STR, threshold_source, "eviction_threshold_source"),
	E(COL_NUM, kubelet_available, "kubelet_memory_available_bytes"),
	E(COL_NUM, eviction_distance, "eviction_distance_bytes"),
	E(COL_NUM, oom_distance, "oom_distance_bytes"), E(COL_STR, first_to_act, "first_to_act"),
	E(COL_NUM, allocatable, "node_allocatable_bytes"),
	E(COL_NUM, system_reserved, "system_reserved_bytes"),
	E(COL_NUM, kube_reserved, "kube_reserved_bytes"),
};
#undef E

#define K(kind, field, name) COL(kind, struct report_kill, field, name)
static const struct col kill_cols[] = {
	K(COL_STR, time, "time"), K(COL_STR, source, "source"), K(COL_STR, cgroup, "cgroup"),
	K(COL_STR, namespace_, "namespace"), K(COL_STR, pod, "pod"),
	K(COL_STR, container, "container"), K(COL_NUM, pid, "pid"), K(COL_STR, comm, "comm"),
	K(COL_STR, reason, "reason"), K(COL_NUM, bytes, "bytes"),
	K(COL_NUM, k8s_visible, "k8s_visible"),
};
#undef K

#define H(kind, field, name) COL(kind, struct report_heap, field, name)
static const struct col heap_cols[] = {
	H(COL_I64, pid, "pid"), H(COL_STR, comm, "comm"), H(COL_STR, runtime, "runtime"),
	H(COL_STR, cgroup, "cgroup"), H(COL_STR, name, "name"),
	H(COL_NUM, heap_limit, "heap_limit_bytes"),
	H(COL_STR, heap_limit_source, "heap_limit_source"),
	H(COL_NUM, container_limit, "container_limit_bytes"),
};
#undef H

#define LIST(key, arr, n, cols) { key, cols, ARRAY_SIZE(cols), sizeof(*((struct report_deeper *)0)->arr), \
				 offsetof(struct report_deeper, arr), offsetof(struct report_deeper, n) }
const struct deeper_list deeper_lists[] = {
	LIST("dying_cgroups", dying, ndying, dying_cols),
	LIST("memory_high", throttled, nthrottled, throttled_cols),
	LIST("tmpfs_usage", tmpfs, ntmpfs, tmpfs_cols),
	LIST("kill_ledger", kills, nkills, kill_cols),
	LIST("runtime_heaps", heaps, nheaps, heap_cols),
};
const size_t deeper_nlists = ARRAY_SIZE(deeper_lists);
const struct col *const deeper_eviction_cols = eviction_cols;
const size_t deeper_neviction_cols = ARRAY_SIZE(eviction_cols);

int load_deeper(struct loader *l)
{
	struct report_deeper *d = xcalloc(1, sizeof(*d));
	int64_t id = l->c->capture_id;

	l->c->deeper = d;
	if (LOAD_ROWS(l, query(l, RQ_DYING,
		"SELECT d.cgroup, n.name, d.nr_dying, d.nr_descendants, d.unaccounted_bytes,\n"
		"       d.usage_bytes, d.cgroup_version\n"
		"FROM dying_cgroups d\n"
		"LEFT JOIN cgroup_names n ON n.capture_id = d.capture_id AND n.cgroup = d.cgroup\n"
		"WHERE d.capture_id = %" PRId64 "\n"
		"ORDER BY d.unaccounted_bytes DESC, d.nr_dying DESC, d.cgroup", id),
		dying_cols, d->dying, d->ndying) < 0)
		return -1;
	/* where memory.high is set: where the kernel may throttle (memory.events
	 * counts are hierarchical, so a parent of a throttled cgroup would show
	 * its child's) */
	if (LOAD_ROWS(l, query(l, RQ_THROTTLED,
		"SELECT cgroup, name, usage_bytes, high_bytes, max_bytes, high_pct, events_high,\n"
		"       events_max, events_oom_kill, psi_some_avg10, psi_some_avg60,\n"
		"       psi_full_avg10, psi_full_avg60, events_high_growth, events_max_growth,\n"
		"       samples_seconds\n"
		"FROM cgroup_throttling\n"
		"WHERE capture_id = %" PRId64 " AND high_bytes IS NOT NULL\n"
		"ORDER BY high_pct DESC, events_high DESC, cgroup", id),
		throttled_cols, d->throttled, d->nthrottled) < 0)
		return -1;
	if (LOAD_ROWS(l, query(l, RQ_TMPFS,
		"SELECT namespace, pod, container, volume, kind, mount_point, cgroup,\n"
		"       used_bytes, size_bytes\n"
		"FROM tmpfs_usage\n"
		"WHERE capture_id = %" PRId64 "\n"
		"ORDER BY used_bytes DESC, mount_point, namespace, pod, container", id),
		tmpfs_cols, d->tmpfs, d->ntmpfs) < 0)
		return -1;
	/* a node without a kubelet has no eviction threshold: no row */
	if (load_row(l, query(l, RQ_EVICTION,
		"SELECT 1 AS kubelet, eviction_threshold_bytes, eviction_threshold_source,\n"
		"       kubelet_memory_available_bytes, eviction_distance_bytes,\n"
		"       oom_distance_bytes, first_to_act, node_allocatable_bytes,\n"
		"       system_reserved_bytes, kube_reserved_bytes\n"
		"FROM node_eviction\n"
		"WHERE capture_id = %" PRId64 " AND eviction_threshold_bytes IS NOT NULL", id),
		eviction_cols, ARRAY_SIZE(eviction_cols), &d->eviction) < 0)
		return -1;
	/* the whole ledger when it holds a kill the kernel log does not show;
	 * else the OOM section has every row */
	if (LOAD_ROWS(l, query(l, RQ_KILLS,
		"SELECT time, source, cgroup, namespace, pod, container, pid, comm, reason,\n"
		"       bytes, k8s_visible\n"
		"FROM kill_ledger k\n"
		"WHERE capture_id = %" PRId64 "\n"
		"  AND EXISTS (SELECT 1 FROM kill_ledger o WHERE o.capture_id = k.capture_id\n"
		"              AND o.source != 'kernel')\n"
		"ORDER BY time IS NULL, time, source, namespace, pod, pid", id),
		kill_cols, d->kills, d->nkills) < 0)
		return -1;
	return LOAD_ROWS(l, query(l, RQ_HEAPS,
		"SELECT pid, comm, runtime, cgroup, name, heap_limit_bytes, heap_limit_source,\n"
		"       container_limit_bytes\n"
		"FROM runtime_heaps\n"
		"WHERE capture_id = %" PRId64 "\n"
		"ORDER BY pid", id),
		heap_cols, d->heaps, d->nheaps);
}

void deeper_free(struct report_deeper *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < deeper_nlists; i++) {
		const struct deeper_list *t = &deeper_lists[i];
		void *arr;
		size_t n;

		memcpy(&arr, (char *)d + t->arr_off, sizeof(arr));
		memcpy(&n, (char *)d + t->n_off, sizeof(n));
		rows_free(arr, n, t->size, t->cols, t->ncols);
	}
	free_cols(eviction_cols, ARRAY_SIZE(eviction_cols), &d->eviction);
	free(d);
}
