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

#include <string.h>

#include "common/banned.h"

const struct route routes[] = {
	/* scope       pattern                     loader              table */
	/* collector metadata and the capture's identity (meta.c) */
	{ IN_CAPTURE, "manifest.json",             load_manifest,      T_CAPTURE },

	/* node (node.c): collect/sources.c node_files */
	{ IN_CAPTURE, "proc/meminfo",              load_meminfo,       T_NODE_MEMINFO },
	{ IN_CAPTURE, "proc/vmstat",               load_kv_rows,       T_NODE_VMSTAT },
	{ IN_CAPTURE, "proc/pressure/memory",      load_psi,           T_NODE_PRESSURE },
	{ IN_CAPTURE, "proc/uptime",               load_setting,       T_NODE_SETTING },
	{ IN_CAPTURE, "proc/loadavg",              load_setting,       T_NODE_SETTING },
	{ IN_CAPTURE, "proc/sys/**",               load_setting,       T_NODE_SETTING },
	{ IN_CAPTURE, "sys/kernel/mm/transparent_hugepage/**",
						   load_setting,       T_NODE_SETTING },
	/* in the capture for whoever reads it; not loaded: listed only */
	{ IN_CAPTURE, "proc/swaps",                NULL,               T_NONE },
	{ IN_CAPTURE, "proc/cgroups",              NULL,               T_NONE },
	{ IN_PROCESS, "mountinfo",                 NULL,               T_NONE },

	/* memory cgroups (cgroup.c): collect/sources.c cgroup_v2_files, cgroup_v1_files */
	{ IN_CGROUP,  "memory.stat",               load_memstat,       T_CG_STAT },
	{ IN_CGROUP,  "memory.events",             load_kv_rows,       T_CG_EVENT },
	{ IN_CGROUP,  "memory.events.local",       load_kv_rows,       T_CG_EVENT },
	{ IN_CGROUP,  "memory.swap.events",        load_kv_rows,       T_CG_EVENT },
	{ IN_CGROUP,  "cgroup.stat",               load_kv_rows,       T_CG_EVENT },
	{ IN_CGROUP,  "memory.oom_control",        load_kv_rows,       T_CG_EVENT },
	{ IN_CGROUP,  "memory.pressure",           load_psi,           T_CG_PRESSURE },
	{ IN_CGROUP,  "cgroup.procs",              load_cgroup_procs,  T_CG_PROC },
	/* not one number: listed only */
	{ IN_CGROUP,  "cgroup.controllers",        NULL,               T_NONE },
	{ IN_CGROUP,  "cgroup.subtree_control",    NULL,               T_NONE },
	{ IN_CGROUP,  "memory.numa_stat",          NULL,               T_NONE },
	/* memory.current, memory.max, memory.limit_in_bytes, ... */
	{ IN_CGROUP,  "memory.*",                  load_one_value,     T_CG_FILE },

	/* processes (proc.c): collect/proc.c's per-process files, goinfo.c */
	{ IN_PROCESS, "status",                    load_status,        T_PROC_STATUS,
	  parse_status_ahead },
	{ IN_PROCESS, "smaps_rollup",              load_smaps,         T_PROC_SMAPS,
	  parse_smaps_ahead },
	{ IN_PROCESS, "cgroup",                    load_proc_cgroup,   T_PROC_CGROUP },
	{ IN_PROCESS, "oom_score_adj",             load_oom_score_adj, T_PROC_MISC },
	{ IN_PROCESS, "cmdline",                   load_cmdline,       T_PROC_MISC },
	{ IN_CAPTURE, "collector/go/**.json",      load_go,            T_PROC_GO },

	/* the kernel log (kmsg.c): oom_* tables, stored by analyze/oom/store.c */
	{ IN_CAPTURE, "collector/kmsg.txt",        keep_kmsg,          T_NONE },
	{ IN_CAPTURE, "collector/kmsg-syslog.txt", keep_kmsg,          T_NONE },

	/* BPF (bpf.c) */
	{ IN_PROCESS, "fdinfo/*",                  load_fdinfo,        T_BPF_FDINFO },
	{ IN_CAPTURE, "collector/bpftool-map.json", load_bpftool_maps, T_BPFTOOL_MAP },
	{ IN_CAPTURE, "collector/bpftool-prog.json", NULL,             T_NONE },

	/* Kubernetes names (k8s.c) */
	{ IN_CAPTURE, "collector/k8s-pod-logs.txt", load_pod_logs,     T_K8S_POD_LOG },
	{ IN_CAPTURE, "collector/k8s-container-logs.txt",
						   load_container_logs, T_K8S_CONTAINER_LOG },
};
const size_t routes_nr = ARRAY_SIZE(routes);

bool route_match(const char *pat, const char *s)
{
	for (;;) {
		if (*pat == '*') {
			bool any = pat[1] == '*';

			pat += any ? 2 : 1;
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

const struct route *route_find(enum route_scope scope, const char *name)
{
	size_t i;

	for (i = 0; i < routes_nr; i++)
		if (routes[i].scope == scope && route_match(routes[i].pattern, name))
			return &routes[i];
	return NULL;
}
