/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_DEEPER_H
#define MEMSNAP_REPORT_DEEPER_H
/*
 * The report's sections for issue 16's deeper questions, one per public
 * view (memsnap-views(7)): dying_cgroups, cgroup_throttling (memory.high),
 * tmpfs_usage, node_eviction, kill_ledger, runtime_heaps.  The model
 * (model_deeper.c) reads each from its query, kept in
 * report_capture.queries like every other; text_deeper.c, html_deeper.c
 * and json_deeper.c render it.  A section with no row is left out of the
 * text and the HTML; the JSON always has its key (an empty array, or null
 * for the node's eviction).  Unknown is unset, shown as "?", never 0.
 */
#include "reports/model.h"
#include "reports/sections.h"

/* One row of dying_cgroups (a parent of dying cgroups). */
struct report_dying {
	char *cgroup, *name;
	struct rnum nr_dying, nr_descendants, unaccounted, usage, cgroup_version;
};

/* One row of cgroup_throttling: memory.high set, or usage went over it. */
struct report_throttled {
	char *cgroup, *name;
	struct rnum usage, high, max, events_high, events_max, events_oom_kill;
	struct rreal high_pct, psi_some_avg10, psi_some_avg60, psi_full_avg10, psi_full_avg60;
	/* several samples: growth of events_high/max, and over how long */
	struct rnum events_high_growth, events_max_growth;
	struct rreal samples_seconds;
};

/* One row of tmpfs_usage. */
struct report_tmpfs {
	char *namespace_, *pod, *container, *volume, *kind, *mount_point, *cgroup;
	struct rnum used, size;
};

/* node_eviction's row (set: the node runs a kubelet). */
struct report_eviction {
	bool set;
	char *threshold_source, *first_to_act;
	struct rnum threshold, kubelet_available, eviction_distance, oom_distance,
		    allocatable, system_reserved, kube_reserved;
};

/* One row of kill_ledger. */
struct report_kill {
	char *time, *source, *cgroup, *namespace_, *pod, *container, *comm, *reason;
	struct rnum pid, bytes, k8s_visible;
};

/* One row of runtime_heaps. */
struct report_heap {
	int64_t pid;
	char *comm, *runtime, *cgroup, *name, *heap_limit_source;
	struct rnum heap_limit, container_limit;
};

struct report_deeper {
	struct report_dying *dying;
	size_t ndying;
	struct report_throttled *throttled;
	size_t nthrottled;
	struct report_tmpfs *tmpfs;
	size_t ntmpfs;
	struct report_eviction eviction;
	struct report_kill *kills;       /* empty unless a kill comes from
					    outside the kernel log */
	size_t nkills;
	struct report_heap *heaps;
	size_t nheaps;
};

/* The renderers' hooks: one call each, where the section goes. */
void report_deeper_text(const struct report_capture *c, bool color, struct strbuf *out);
void report_deeper_html(const struct report *r, const struct report_capture *c,
			struct strbuf *out);
/* The <li>s of the page's section list for the sections c has. */
void report_deeper_html_nav(const struct report_capture *c, struct strbuf *out);
void report_deeper_json(const struct report_capture *c, struct jsonw *w);

#endif
