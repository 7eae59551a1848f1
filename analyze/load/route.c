/* SPDX-License-Identifier: MIT */
/*
 * Which file goes where: every file the loader reads, its parser's loader
 * and the table its rows land in, in the order of collect/sources.c (the
 * collector's table of what it writes; capture.md section 2).  A file no
 * route matches is only listed (capture_file).
 *
 * Where a path is looked up (load.c, load_file()): manifest.json and
 * anything that is not below proc/<pid>/ or the memory hierarchy in
 * IN_CAPTURE; proc/<pid>/<rest> as <rest> in IN_PROCESS; a file of the
 * memory hierarchy as its name in IN_CGROUP.  The first matching route of
 * the scope wins.
 */
#include "analyze/load/loader.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/banned.h"

const struct route routes[] = {
	/* scope       pattern                     loader              table */
	/* collector metadata and the capture's identity (meta.c) */
	{ IN_CAPTURE, "manifest.json",             load_manifest,      T_CAPTURE,
	  PARSED_MANIFEST },

	/* node (node.c): collect/sources.c node_files */
	{ IN_CAPTURE, "proc/meminfo",              load_meminfo,       T_NODE_MEMINFO,
	  PARSED_MEMINFO },
	{ IN_CAPTURE, "proc/vmstat",               load_kv_rows,       T_NODE_VMSTAT, PARSED_KV },
	{ IN_CAPTURE, "proc/pressure/memory",      load_psi,           T_NODE_PRESSURE,
	  PARSED_PSI },
	{ IN_CAPTURE, "proc/uptime",               load_setting,       T_NODE_SETTING },
	{ IN_CAPTURE, "proc/loadavg",              load_setting,       T_NODE_SETTING },
	{ IN_CAPTURE, "proc/sys/**",               load_setting,       T_NODE_SETTING },
	{ IN_CAPTURE, "sys/kernel/mm/transparent_hugepage/**",
						   load_setting,       T_NODE_SETTING },
	/* in the capture for whoever reads it; not loaded: listed only */
	{ IN_CAPTURE, "proc/swaps",                NULL,               T_NONE },
	{ IN_PROCESS, "mountinfo",                 NULL,               T_NONE },

	/* memory cgroups (cgroup.c): collect/sources.c cgroup_v2_files, cgroup_v1_files */
	{ IN_CGROUP,  "memory.stat",               load_memstat,       T_CG_STAT, PARSED_KV },
	{ IN_CGROUP,  "memory.events",             load_kv_rows,       T_CG_EVENT, PARSED_KV },
	{ IN_CGROUP,  "memory.events.local",       load_kv_rows,       T_CG_EVENT, PARSED_KV },
	{ IN_CGROUP,  "memory.swap.events",        load_kv_rows,       T_CG_EVENT, PARSED_KV },
	{ IN_CGROUP,  "cgroup.stat",               load_kv_rows,       T_CG_EVENT, PARSED_KV },
	{ IN_CGROUP,  "memory.oom_control",        load_kv_rows,       T_CG_EVENT, PARSED_KV },
	{ IN_CGROUP,  "memory.pressure",           load_psi,           T_CG_PRESSURE, PARSED_PSI },
	{ IN_CGROUP,  "cgroup.procs",              load_cgroup_procs,  T_CG_PROC, PARSED_PIDS },
	/* not one number: listed only */
	{ IN_CGROUP,  "cgroup.controllers",        NULL,               T_NONE },
	{ IN_CGROUP,  "cgroup.subtree_control",    NULL,               T_NONE },
	{ IN_CGROUP,  "memory.numa_stat",          NULL,               T_NONE },
	/* memory.current, memory.max, memory.limit_in_bytes, ... */
	{ IN_CGROUP,  "memory.*",                  load_one_value,     T_CG_FILE,
	  PARSED_ONE_VALUE },

	/* processes (proc.c): collect/proc.c's per-process files, goinfo.c */
	{ IN_PROCESS, "status",                    load_status,        T_PROC_STATUS,
	  PARSED_STATUS },
	{ IN_PROCESS, "smaps_rollup",              load_smaps,         T_PROC_SMAPS,
	  PARSED_SMAPS },
	{ IN_PROCESS, "cgroup",                    load_proc_cgroup,   T_PROC_CGROUP,
	  PARSED_PROC_CGROUP },
	{ IN_PROCESS, "oom_score_adj",             load_oom_score_adj, T_PROC_MISC },
	{ IN_PROCESS, "cmdline",                   load_cmdline,       T_PROC_MISC },
	{ IN_CAPTURE, "collector/go/**.json",      load_go,            T_PROC_GO },

	/* issue 16's node files (deeper.c) */
	{ IN_CAPTURE, "proc/cgroups",              load_proc_cgroups,  T_CG_SUBSYS },
	{ IN_CAPTURE, "collector/tmpfs.txt",       load_tmpfs,         T_TMPFS },
	{ IN_CAPTURE, "collector/heap/*.json",     load_heap,          T_PROC_HEAP },

	/* the kernel log (kmsg.c): oom_* tables, stored by analyze/oom/store.c */
	{ IN_CAPTURE, "collector/kmsg.txt",        keep_kmsg,          T_NONE, PARSED_KMSG },
	{ IN_CAPTURE, "collector/kmsg-syslog.txt", keep_kmsg,          T_NONE, PARSED_KMSG },

	/* BPF (bpf.c) */
	{ IN_PROCESS, "fdinfo/*",                  load_fdinfo,        T_BPF_FDINFO,
	  PARSED_FDINFO },
	{ IN_CAPTURE, "collector/bpftool-map.json", load_bpftool_maps, T_BPFTOOL_MAP,
	  PARSED_BPFTOOL },
	{ IN_CAPTURE, "collector/bpftool-prog.json", NULL,             T_NONE },

	/* Kubernetes names (k8s.c) */
	{ IN_CAPTURE, "collector/k8s-pod-logs.txt", load_pod_logs,     T_K8S_POD_LOG },
	{ IN_CAPTURE, "collector/k8s-container-logs.txt",
						   load_container_logs, T_K8S_CONTAINER_LOG },

	/* the kubelet's eviction settings, journal kills (kubelet.c) */
	{ IN_CAPTURE, "collector/kubelet.txt",     load_kubelet_settings, T_KUBELET_SETTING },
	{ IN_CAPTURE, "collector/journal-kills.txt", load_journal_kills, T_JOURNAL_KILL },
};
const size_t routes_nr = ARRAY_SIZE(routes);

bool route_match(const char *pat, const char *s)
{
	for (;;) {
		if (*pat == '*') {
			bool any = pat[1] == '*';

			pat += any ? 2 : 1;
			if (!*pat)      /* a last '*': the rest of the name */
				return any || !strchr(s, '/');
			for (;; s++) {
				if (route_match(pat, s))
					return true;
				if (!*s || (!any && *s == '/'))
					return false;
			}
		}
		if (*pat != *s)
			return false;
		if (!*s)
			return true;
		pat++;
		s++;
	}
}

/*
 * The lookup, which runs for every file (twice for a process's: the reader
 * thread asks too): the routes without '*', sorted by scope and pattern
 * for bsearch, and those with one, in table order.  A linear match over
 * the table cost 1% of a load's instructions.
 */
#define NROUTES ARRAY_SIZE(routes)

static size_t exact[NROUTES], nexact;   /* indexes into routes */
static size_t globs[NROUTES], nglobs;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static int cmp_scope_pattern(enum route_scope sa, const char *pa,
			     enum route_scope sb, const char *pb)
{
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return strcmp(pa, pb);
}

static int exact_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = cmp_scope_pattern(routes[x].scope, routes[x].pattern,
				  routes[y].scope, routes[y].pattern);

	return c ? c : CMP(x, y);
}

static void index_build(void)
{
	size_t i;

	for (i = 0; i < NROUTES; i++) {
		if (strchr(routes[i].pattern, '*'))
			globs[nglobs++] = i;
		else
			exact[nexact++] = i;
	}
	qsort(exact, nexact, sizeof(exact[0]), exact_cmp);
}

/* The first route of the table among those of scope whose pattern is name. */
static size_t exact_find(enum route_scope scope, const char *name)
{
	size_t lo = 0, hi = nexact;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct route *r = &routes[exact[mid]];

		if (cmp_scope_pattern(r->scope, r->pattern, scope, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < nexact && !cmp_scope_pattern(routes[exact[lo]].scope,
					      routes[exact[lo]].pattern, scope, name))
		return exact[lo];
	return NROUTES;
}

const struct route *route_find(enum route_scope scope, const char *name)
{
	size_t e, i;

	pthread_once(&index_once, index_build);
	e = exact_find(scope, name);
	/* a pattern with '*' before it in the table wins */
	for (i = 0; i < nglobs && globs[i] < e; i++)
		if (routes[globs[i]].scope == scope &&
		    route_match(routes[globs[i]].pattern, name))
			return &routes[globs[i]];
	return e < NROUTES ? &routes[e] : NULL;
}
