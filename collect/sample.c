/* SPDX-License-Identifier: MIT */
/*
 * What samples 2..N re-read (capture.md section 6): only the files that
 * change from one moment to the next and are cheap to read.  The first
 * sample (o->sample 0) reads everything; this is the one list of the rest.
 */
#include "collect/collect.h"

#include <string.h>

#include "common/banned.h"

static bool listed(const char *const *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

bool sample_source(const struct capture_opts *o, int source)
{
	/* kernel log, bpftool and k8s names come from the first sample only */
	return o->sample < 2 || source == SRC_NODE || source == SRC_CGROUPS ||
	       source == SRC_PROCESSES;
}

bool sample_node_file(const struct capture_opts *o, const char *path)
{
	static const char *const files[] = {
		"proc/meminfo", "proc/vmstat", "proc/pressure/memory",
	};

	return o->sample < 2 || listed(files, ARRAY_SIZE(files), path);
}

bool sample_cgroup_file(const struct capture_opts *o, const char *file)
{
	static const char *const files[] = {
		/* v2; cgroup.controllers says whether memory.* exist here */
		"cgroup.controllers", "memory.current", "memory.stat",
		"memory.events", "memory.pressure", "memory.swap.current",
		/* v1; oom_control holds the oom_kill counter (v1's events) */
		"memory.usage_in_bytes", "memory.oom_control",
	};

	return o->sample < 2 || listed(files, ARRAY_SIZE(files), file);
}

bool sample_proc_file(const struct capture_opts *o, const char *file)
{
	if (o->sample < 2)
		return true;
	/* a phase proc.c has not named (NULL): the first sample's only */
	if (!file)
		return false;
	/* smaps_rollup walks the page tables: first and last sample only */
	return !strcmp(file, "status") ||
	       (o->sample_smaps && !strcmp(file, "smaps_rollup"));
}
