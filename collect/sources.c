/* SPDX-License-Identifier: MIT */
/*
 * Everything memsnap-collect puts into a capture, in archive order
 * (capture.md section 2).  A file that is not named here, or by the
 * per-process rules of proc.c, is never read.
 */
#include "collect/collect.h"

#include "common/banned.h"
const struct source sources[] = {
	[SRC_NODE]      = { "node",      node_collect },    /* node.c */
	[SRC_CGROUPS]   = { "cgroups",   cgroup_collect },  /* cgroup.c */
	[SRC_PROCESSES] = { "processes", proc_collect },    /* proc.c, goinfo.c */
	[SRC_KMSG]      = { "kmsg",      kmsg_collect },    /* kmsg.c */
	[SRC_BPFTOOL]   = { "bpftool",   bpftool_collect }, /* bpftool.c */
	[SRC_K8S]       = { "k8s",       k8s_collect },     /* k8s.c */
	[SRC_JOURNAL]   = { "journal",   journal_collect }, /* journal.c */
	[SRC_TMPFS]     = { "tmpfs",     tmpfs_collect },   /* tmpfs.c */
	[SRC_KUBELET]   = { "kubelet",   kubelet_collect }, /* kubelet.c */
};
const size_t sources_nr = ARRAY_SIZE(sources);

/* Node files (2.1), relative to the root. */
const struct node_file node_files[] = {
	{ "proc/meminfo", false },
	{ "proc/vmstat", false },
	{ "proc/pressure/memory", false },
	{ "proc/uptime", false },
	{ "proc/loadavg", false },
	{ "proc/swaps", false },
	{ "proc/cgroups", false },
	{ "proc/1/mountinfo", false },
	{ "proc/sys/vm/overcommit_memory", false },
	{ "proc/sys/vm/overcommit_ratio", false },
	{ "proc/sys/vm/overcommit_kbytes", false },
	{ "proc/sys/vm/swappiness", false },
	{ "proc/sys/vm/min_free_kbytes", false },
	{ "proc/sys/vm/watermark_scale_factor", false },
	{ "proc/sys/vm/panic_on_oom", false },
	{ "proc/sys/vm/oom_kill_allocating_task", false },
	{ "proc/sys/kernel/osrelease", false },
	{ "sys/kernel/mm/transparent_hugepage/enabled", false },
	{ "sys/kernel/mm/transparent_hugepage/defrag", false },
	/* Goes into manifest.boot_id only. */
	{ "proc/sys/kernel/random/boot_id", true },
};
const size_t node_files_nr = ARRAY_SIZE(node_files);

/*
 * Memory cgroup files (2.2), read in every directory of the hierarchy.
 * Never memory.kmem.slabinfo (walks every slab cache, can stall the kernel),
 * memory.numa_stat, memory.force_empty or anything with side effects.
 */
const char *const cgroup_v2_files[] = {
	/* First: it says whether the memory controller is enabled here. */
	"cgroup.controllers",
	"memory.current", "memory.stat", "memory.max", "memory.high",
	"memory.low", "memory.min", "memory.events", "memory.events.local",
	"memory.peak", "memory.swap.current", "memory.swap.max",
	"memory.swap.peak", "memory.swap.events", "memory.zswap.current",
	"memory.zswap.max", "memory.pressure", "memory.oom.group",
	"cgroup.procs", "cgroup.stat", "cgroup.subtree_control",
};
const size_t cgroup_v2_files_nr = ARRAY_SIZE(cgroup_v2_files);

const char *const cgroup_v1_files[] = {
	"memory.usage_in_bytes", "memory.limit_in_bytes",
	"memory.max_usage_in_bytes", "memory.stat", "memory.failcnt",
	"memory.oom_control", "memory.kmem.usage_in_bytes",
	"memory.kmem.limit_in_bytes", "memory.kmem.max_usage_in_bytes",
	"memory.kmem.failcnt", "memory.kmem.tcp.usage_in_bytes",
	"memory.memsw.usage_in_bytes", "memory.memsw.limit_in_bytes",
	"memory.memsw.max_usage_in_bytes", "memory.memsw.failcnt",
	"memory.soft_limit_in_bytes", "memory.use_hierarchy",
	"memory.swappiness", "memory.pressure", "cgroup.procs",
};
const size_t cgroup_v1_files_nr = ARRAY_SIZE(cgroup_v1_files);
