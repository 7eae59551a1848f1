/* SPDX-License-Identifier: MIT */
/*
 * The rows the loader stores: one column list per table, from which each
 * statement's SQL is made, so that a column's name, its place among the
 * `?`s and the field it is bound from are said once.  test_load_rows.c
 * prepares every statement against the schema and checks that each names
 * every column of its table: a column added to, renamed in or dropped from
 * schema/NN-*.sql without its list here fails there, not in a load.
 */
#include "analyze/load/loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/capture/manifest.h"
#include "analyze/db/db.h"
#include "analyze/parse/k8s.h"

#include "common/banned.h"

static const struct col status_cols[] = {
	COL(COL_TEXT, "comm", proc_status, name),
	COL(COL_TEXT, "state", proc_status, state),
	COL(COL_KV, "ppid", proc_status, ppid),
	COL(COL_KV, "uid", proc_status, uid),
	COL(COL_KV, "euid", proc_status, euid),
	COL(COL_KV, "threads", proc_status, threads),
	COL(COL_KV, "kthread", proc_status, kthread),
	COL(COL_KV, "nspid", proc_status, nspid_inner),
	COL(COL_KV, "vm_peak", proc_status, vm_peak),
	COL(COL_KV, "vm_size", proc_status, vm_size),
	COL(COL_KV, "vm_lck", proc_status, vm_lck),
	COL(COL_KV, "vm_pin", proc_status, vm_pin),
	COL(COL_KV, "vm_hwm", proc_status, vm_hwm),
	COL(COL_KV, "vm_rss", proc_status, vm_rss),
	COL(COL_KV, "rss_anon", proc_status, rss_anon),
	COL(COL_KV, "rss_file", proc_status, rss_file),
	COL(COL_KV, "rss_shmem", proc_status, rss_shmem),
	COL(COL_KV, "vm_data", proc_status, vm_data),
	COL(COL_KV, "vm_stk", proc_status, vm_stk),
	COL(COL_KV, "vm_exe", proc_status, vm_exe),
	COL(COL_KV, "vm_lib", proc_status, vm_lib),
	COL(COL_KV, "vm_pte", proc_status, vm_pte),
	COL(COL_KV, "vm_pmd", proc_status, vm_pmd),
	COL(COL_KV, "vm_swap", proc_status, vm_swap),
	COL(COL_KV, "hugetlb", proc_status, hugetlb_pages),
};

static const struct col smaps_cols[] = {
	COL(COL_KV, "rss", smaps_rollup, rss),
	COL(COL_KV, "pss", smaps_rollup, pss),
	COL(COL_KV, "pss_dirty", smaps_rollup, pss_dirty),
	COL(COL_KV, "pss_anon", smaps_rollup, pss_anon),
	COL(COL_KV, "pss_file", smaps_rollup, pss_file),
	COL(COL_KV, "pss_shmem", smaps_rollup, pss_shmem),
	COL(COL_KV, "shared_clean", smaps_rollup, shared_clean),
	COL(COL_KV, "shared_dirty", smaps_rollup, shared_dirty),
	COL(COL_KV, "private_clean", smaps_rollup, private_clean),
	COL(COL_KV, "private_dirty", smaps_rollup, private_dirty),
	COL(COL_KV, "referenced", smaps_rollup, referenced),
	COL(COL_KV, "anonymous", smaps_rollup, anonymous),
	COL(COL_KV, "ksm", smaps_rollup, ksm),
	COL(COL_KV, "lazyfree", smaps_rollup, lazyfree),
	COL(COL_KV, "anon_huge", smaps_rollup, anon_huge_pages),
	COL(COL_KV, "shmem_pmd", smaps_rollup, shmem_pmd_mapped),
	COL(COL_KV, "file_pmd", smaps_rollup, file_pmd_mapped),
	COL(COL_KV, "shared_hugetlb", smaps_rollup, shared_hugetlb),
	COL(COL_KV, "private_hugetlb", smaps_rollup, private_hugetlb),
	COL(COL_KV, "swap", smaps_rollup, swap),
	COL(COL_KV, "swap_pss", smaps_rollup, swap_pss),
	COL(COL_KV, "locked", smaps_rollup, locked),
};

static const struct col go_cols[] = {
	COL(COL_TEXT, "go_version", go_info, go_version),
	COL(COL_TEXT, "gogc", go_info, gogc),
	COL(COL_TEXT, "gomemlimit", go_info, gomemlimit),
	COL(COL_KV, "gomemlimit_bytes", go_info, gomemlimit_bytes),
	COL(COL_TEXT, "gomaxprocs", go_info, gomaxprocs),
	COL(COL_TEXT, "godebug", go_info, godebug),
	COL(COL_BOOL, "env_known", go_info, env_known),
};

static const struct col fdinfo_cols[] = {
	COL(COL_KV, "map_id", bpf_fdinfo, map_id),
	COL(COL_KV, "map_type", bpf_fdinfo, map_type),
	COL(COL_KV, "key_size", bpf_fdinfo, key_size),
	COL(COL_KV, "value_size", bpf_fdinfo, value_size),
	COL(COL_KV, "max_entries", bpf_fdinfo, max_entries),
	COL(COL_KV, "map_flags", bpf_fdinfo, map_flags),
	COL(COL_KV, "memlock", bpf_fdinfo, memlock),
	COL(COL_KV, "frozen", bpf_fdinfo, frozen),
};

static const struct col bpftool_cols[] = {
	COL(COL_KV, "map_id", bpftool_map, id),
	COL(COL_TEXT, "type", bpftool_map, type),
	COL(COL_TEXT, "name", bpftool_map, name),
	COL(COL_KV, "flags", bpftool_map, flags),
	COL(COL_KV, "bytes_key", bpftool_map, bytes_key),
	COL(COL_KV, "bytes_value", bpftool_map, bytes_value),
	COL(COL_KV, "max_entries", bpftool_map, max_entries),
	COL(COL_KV, "bytes_memlock", bpftool_map, bytes_memlock),
	COL(COL_KV, "frozen", bpftool_map, frozen),
	COL(COL_KV, "btf_id", bpftool_map, btf_id),
	COL(COL_TEXT, "loaded_at", bpftool_map, loaded_at),
};

static const struct col psi_cols[] = {
	COL_SET(COL_DOUBLE, "avg10", psi_line, avg10, set),
	COL_SET(COL_DOUBLE, "avg60", psi_line, avg60, set),
	COL_SET(COL_DOUBLE, "avg300", psi_line, avg300, set),
	COL(COL_U64, "total_us", psi_line, total),
};

static const struct col cgroup_node_cols[] = {
	COL(COL_CHARS_OR_NULL, "qos_class", k8s_cgroup, qos),
	COL(COL_CHARS_OR_NULL, "pod_uid", k8s_cgroup, pod_uid),
	COL(COL_CHARS_OR_NULL, "container_id", k8s_cgroup, container_id),
	COL(COL_CHARS_OR_NULL, "runtime", k8s_cgroup, runtime),
};

static const struct col pod_log_cols[] = {
	COL(COL_CHARS, "namespace", k8s_pod_log, namespace_),
	COL(COL_CHARS, "pod", k8s_pod_log, pod),
	COL(COL_CHARS, "pod_uid", k8s_pod_log, pod_uid),
	COL(COL_CHARS, "container", k8s_pod_log, container),
};

static const struct col container_log_cols[] = {
	COL(COL_CHARS, "namespace", k8s_container_log, namespace_),
	COL(COL_CHARS, "pod", k8s_container_log, pod),
	COL(COL_CHARS, "container", k8s_container_log, container),
	COL(COL_CHARS, "container_id", k8s_container_log, container_id),
};

static const struct col collect_problem_cols[] = {
	COL(COL_TEXT, "path", manifest_problem, path),
	COL(COL_TEXT, "kind", manifest_problem, kind),
	COL(COL_KV, "errno", manifest_problem, err_no),
	COL(COL_TEXT, "error", manifest_problem, error),
	COL(COL_TEXT, "action", manifest_problem, action),
};

/* The manifest's part of the capture row (meta.c binds the rest). */
static const struct col capture_cols[] = {
	COL(COL_KV, "format_version", manifest, format_version),
	COL(COL_TEXT, "collector_version", manifest, collector_version),
	COL(COL_KV, "collector_pid", manifest, collector_pid),
	COL(COL_KV, "reader_pid", manifest, reader_pid),
	COL(COL_TEXT, "hostname", manifest, hostname),
	COL(COL_TEXT, "kernel_release", manifest, kernel_release),
	COL(COL_TEXT, "kernel_version", manifest, kernel_version),
	COL(COL_TEXT, "machine", manifest, machine),
	COL(COL_TEXT, "boot_id", manifest, boot_id),
	COL(COL_KV, "page_size", manifest, page_size),
	COL(COL_TEXT, "started_at", manifest, started_utc),
	COL(COL_TEXT, "finished_at", manifest, finished_utc),
	COL_SET(COL_DOUBLE, "started_monotonic", manifest, started_monotonic,
		started_monotonic_set),
	COL_SET(COL_DOUBLE, "finished_monotonic", manifest, finished_monotonic,
		finished_monotonic_set),
	COL_SET(COL_DOUBLE, "started_boottime", manifest, started_boottime,
		started_boottime_set),
	COL_SET(COL_DOUBLE, "finished_boottime", manifest, finished_boottime,
		finished_boottime_set),
	COL(COL_TEXT, "cgroup_mode", manifest, cgroup_mode),
	COL_SET(COL_BOOL_SET, "complete", manifest, complete, complete_set),
	COL(COL_TEXT, "interrupted", manifest, interrupted),
};

/* cgroup.procs: an array of pids */
static const struct col cgroup_proc_cols[] = {
	{ "pid", COL_I64, 0, COL_NO_SET },
};

/* proc/cgroups, collector/tmpfs.txt, collector/heap/<pid>.json (deeper.c) */
static const struct col cg_subsys_cols[] = {
	COL(COL_TEXT, "subsys", proc_cgroups_row, subsys),
	COL(COL_KV, "hierarchy", proc_cgroups_row, hierarchy),
	COL(COL_KV, "num_cgroups", proc_cgroups_row, num_cgroups),
	COL(COL_KV, "enabled", proc_cgroups_row, enabled),
};

static const struct col tmpfs_cols[] = {
	COL(COL_TEXT, "kind", tmpfs_mount, kind),
	COL(COL_U64, "pid", tmpfs_mount, pid),
	COL(COL_TEXT, "fstype", tmpfs_mount, fstype),
	COL(COL_U64, "size_bytes", tmpfs_mount, size_bytes),
	COL(COL_U64, "used_bytes", tmpfs_mount, used_bytes),
	COL(COL_TEXT, "mount_point", tmpfs_mount, mount_point),
	COL(COL_TEXT, "pod_uid", tmpfs_mount, pod_uid),
	COL(COL_TEXT, "volume", tmpfs_mount, volume),
};

static const struct col heap_cols[] = {
	COL(COL_KV, "xmx", heap_flags, xmx),
	COL(COL_KV, "max_ram", heap_flags, max_ram),
	COL_SET(COL_DOUBLE, "max_ram_pct", heap_flags, max_ram_pct, max_ram_pct_set),
	COL(COL_KV, "max_old_space", heap_flags, node_max_old_space),
};

static const struct col kubelet_setting_cols[] = {
	COL(COL_TEXT, "key", kubelet_row, key),
	COL(COL_TEXT, "source", kubelet_row, source),
	COL(COL_TEXT, "value", kubelet_row, value),
	COL(COL_KV, "memory_bytes", kubelet_row, memory_bytes),
	COL_SET(COL_DOUBLE, "memory_pct", kubelet_row, memory_pct, memory_pct_set),
};

static const struct col journal_kill_cols[] = {
	COL(COL_TEXT, "time", kill_event, time),
	COL(COL_KV, "time_us", kill_event, time_us),
	COL(COL_TEXT, "glog_time", kill_event, glog_time),
	COL(COL_TEXT, "unit", kill_event, unit),
	COL(COL_TEXT, "cgroup", kill_event, cgroup),
	COL(COL_TEXT, "pod", kill_event, pod),
	COL(COL_TEXT, "resource", kill_event, resource),
	COL(COL_TEXT, "container", kill_event, container),
	COL(COL_TEXT, "reason", kill_event, reason),
	COL(COL_KV, "processes", kill_event, processes),
	COL(COL_KV, "threshold_bytes", kill_event, threshold_bytes),
	COL(COL_KV, "available_bytes", kill_event, available_bytes),
	COL(COL_KV, "usage_bytes", kill_event, usage_bytes),
	COL(COL_KV, "request_bytes", kill_event, request_bytes),
	COL_SET(COL_DOUBLE, "pressure_pct", kill_event, pressure_pct, pct_set),
	COL_SET(COL_DOUBLE, "limit_pct", kill_event, limit_pct, pct_set),
};

#define COLS(a) a, ARRAY_SIZE(a)

const struct row_spec row_specs[T__COUNT] = {
	[T_LOAD_PROBLEM] = { "INSERT", "load_problem", "capture_id, path, problem" },
	[T_COLLECT_PROBLEM] = { "INSERT", "collect_problem", "capture_id",
		COLS(collect_problem_cols) },
	[T_CAPTURE] = { "UPDATE", "capture", "capture_key, capture_uid, memory_root, manifest",
		COLS(capture_cols), false, "WHERE capture_id = ?" },
	[T_CAPTURE_FILE] = { "INSERT", "capture_file_data", "capture_id, files" },
	[T_PROC_STATUS] = { "INSERT OR REPLACE", "proc_status", "capture_id, pid",
		COLS(status_cols) },
	[T_PROC_SMAPS] = { "INSERT OR REPLACE", "proc_smaps", "capture_id, pid",
		COLS(smaps_cols) },
	[T_PROC_EXTRA] = { "INSERT", "proc_extra", "capture_id, pid, file, keys" },
	[T_PROC_CGROUP] = { "INSERT", "proc_cgroup_data", "capture_id, pid, lines" },
	[T_PROC_MISC] = { "INSERT", "proc_misc",
		"capture_id, pid, oom_score_adj, cmdline, memcg", NULL, 0, false,
		"ON CONFLICT(capture_id, pid) DO UPDATE SET "
		"oom_score_adj = coalesce(excluded.oom_score_adj, oom_score_adj), "
		"cmdline = coalesce(excluded.cmdline, cmdline), "
		"memcg = coalesce(excluded.memcg, memcg)" },
	[T_PROC_GO] = { "INSERT OR REPLACE", "proc_go", "capture_id, pid",
		COLS(go_cols) },
	[T_CG_NODE] = { "INSERT OR IGNORE", "cgroup_node",
		"capture_id, cgroup, parent, depth, k8s_level", COLS(cgroup_node_cols) },
	[T_CG_FILE] = { "INSERT", "cgroup_file_data", "capture_id, cgroup, files",
		NULL, 0, false, "ON CONFLICT(capture_id, cgroup) DO UPDATE SET "
		"files = json_patch(files, excluded.files)" },
	[T_CG_STAT] = { "INSERT OR REPLACE", "cgroup_stat_data",
		"capture_id, cgroup, keys" },
	/* every other column is a memory.stat key of its name (cgroup.c) */
	[T_CG_MEMSTAT] = { "INSERT OR REPLACE", "cgroup_memstat", "capture_id, cgroup",
		NULL, 0, true },
	[T_CG_EVENT] = { "INSERT OR REPLACE", "cgroup_event",
		"capture_id, cgroup, file, key, value" },
	[T_CG_PRESSURE] = { "INSERT OR REPLACE", "cgroup_pressure",
		"capture_id, cgroup, kind", COLS(psi_cols) },
	[T_CG_PROC] = { "INSERT OR IGNORE", "cgroup_proc", "capture_id, cgroup",
		COLS(cgroup_proc_cols) },
	[T_NODE_MEMINFO] = { "INSERT OR REPLACE", "node_meminfo", "capture_id, key, value" },
	[T_NODE_VMSTAT] = { "INSERT OR REPLACE", "node_vmstat", "capture_id, key, value" },
	[T_NODE_PRESSURE] = { "INSERT OR REPLACE", "node_pressure", "capture_id, kind",
		COLS(psi_cols) },
	[T_NODE_SETTING] = { "INSERT OR REPLACE", "node_setting", "capture_id, path, value" },
	[T_BPF_FDINFO] = { "INSERT OR REPLACE", "bpf_fdinfo",
		"capture_id, pid, fd, type_name", COLS(fdinfo_cols) },
	[T_BPFTOOL_MAP] = { "INSERT OR REPLACE", "bpftool_map", "capture_id",
		COLS(bpftool_cols) },
	[T_BPFTOOL_MAP_PID] = { "INSERT OR IGNORE", "bpftool_map_pid",
		"capture_id, map_id, pid, comm" },
	[T_K8S_POD_LOG] = { "INSERT OR IGNORE", "k8s_pod_log", "capture_id",
		COLS(pod_log_cols) },
	[T_K8S_CONTAINER_LOG] = { "INSERT OR IGNORE", "k8s_container_log", "capture_id",
		COLS(container_log_cols) },
	[T_CG_SUBSYS] = { "INSERT OR IGNORE", "cgroup_subsys", "capture_id",
		COLS(cg_subsys_cols) },
	[T_TMPFS] = { "INSERT", "tmpfs_mount", "capture_id", COLS(tmpfs_cols) },
	[T_PROC_HEAP] = { "INSERT OR REPLACE", "proc_heap", "capture_id, pid, runtime",
		COLS(heap_cols) },
	[T_KUBELET_SETTING] = { "INSERT OR REPLACE", "kubelet_setting", "capture_id",
		COLS(kubelet_setting_cols) },
	[T_JOURNAL_KILL] = { "INSERT", "journal_kill", "capture_id, seq, kind",
		COLS(journal_kill_cols) },
};

void table_columns(sqlite3 *db, const char *table, size_t skip,
		   char ***ret, size_t *ret_n)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT name FROM pragma_table_info(?) "
				      "ORDER BY cid");
	char **v = NULL;
	size_t n = 0, i = 0;

	db_bind_text(st, 1, table);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (i++ < skip)
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	*ret = v;
	*ret_n = n;
}

/* How many names a "a, b, c" list holds. */
static size_t count_names(const char *list)
{
	size_t n = 1;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

/*
 * "VERB INTO table(columns" of an INSERT of spec into sb (reset first);
 * returns how many parameters a row has.
 */
static size_t rows_insert_head(sqlite3 *db, const struct row_spec *spec,
			       struct strbuf *sb)
{
	size_t nparams = count_names(spec->keys) + spec->ncols;
	size_t i, nschema = 0;
	char **schema = NULL;

	strbuf_reset(sb);
	strbuf_addf(sb, "%s INTO %s(%s", spec->verb, spec->table, spec->keys);
	for (i = 0; i < spec->ncols; i++)
		strbuf_addf(sb, ", %s", spec->cols[i].name);
	if (spec->schema_cols) {
		/* keys are the table's first columns; the rest follow */
		table_columns(db, spec->table, count_names(spec->keys), &schema,
			      &nschema);
		for (i = 0; i < nschema; i++) {
			strbuf_addf(sb, ", \"%s\"", schema[i]);
			free(schema[i]);
		}
		free(schema);
		nparams += nschema;
	}
	strbuf_addch(sb, ')');
	return nparams;
}

void rows_sql(sqlite3 *db, const struct row_spec *spec, struct strbuf *sb)
{
	size_t i;

	if (!strcmp(spec->verb, "UPDATE")) {
		const char *p = spec->keys;

		strbuf_reset(sb);
		strbuf_addf(sb, "UPDATE %s SET ", spec->table);
		while (*p) {
			size_t n = strcspn(p, ",");

			strbuf_addf(sb, "%s%.*s = ?", p == spec->keys ? "" : ", ",
				    (int)n, p);
			p += n;
			p += strspn(p, ", ");
		}
		for (i = 0; i < spec->ncols; i++)
			strbuf_addf(sb, ", %s = ?", spec->cols[i].name);
		strbuf_addf(sb, " %s", spec->tail);
		return;
	}
	i = rows_insert_head(db, spec, sb);
	db_values_sql(sb, 1, i, false);
	if (spec->tail)
		strbuf_addf(sb, " %s", spec->tail);
}

/*
 * The INSERT of ROWS_BATCH rows of spec: a plain VALUES list when `whole`;
 * else each row whose first parameter (its capture_id) is NULL is left out,
 * so that a capture's last batch may hold fewer (the WHERE also lets an
 * upsert's ON CONFLICT follow the SELECT).  The plain one costs less:
 * SELECT ... FROM (VALUES ...) copies each row's values once more.
 * Returns the parameters of one row.
 */
int rows_batch_sql(sqlite3 *db, const struct row_spec *spec, bool whole,
		   struct strbuf *sb)
{
	size_t nparams = rows_insert_head(db, spec, sb);

	db_values_sql(sb, ROWS_BATCH, nparams, !whole);
	if (spec->tail)
		strbuf_addf(sb, " %s", spec->tail);
	return (int)nparams;
}

static void bind_text(struct loader *l, enum table_id t, sqlite3_stmt *st,
		      int idx, const char *s);

/* rows_bind(), its texts bound by row_text() when l is not NULL. */
static int bind_cols(struct loader *l, enum table_id t, sqlite3_stmt *st,
		     int first, const struct row_spec *spec, const void *base)
{
	const char *b = base;
	size_t i;
	int c = first;

	for (i = 0; i < spec->ncols; i++, c++) {
		const struct col *col = &spec->cols[i];
		const void *p = b + col->offset;
		bool set = col->set_offset == COL_NO_SET ||
			   *(const bool *)(b + col->set_offset);

		switch (col->type) {
		case COL_KV:
			db_bind_kv(st, c, *(const struct kv_u64 *)p);
			break;
		case COL_U64:
			db_bind_u64(st, c, *(const uint64_t *)p);
			break;
		case COL_I64:
			sqlite3_bind_int64(st, c, *(const int64_t *)p);
			break;
		case COL_TEXT:
			bind_text(l, t, st, c, *(char *const *)p);
			break;
		case COL_CHARS:
			bind_text(l, t, st, c, p);
			break;
		case COL_CHARS_OR_NULL:
			bind_text(l, t, st, c, *(const char *)p ? p : NULL);
			break;
		case COL_BOOL:
			sqlite3_bind_int(st, c, *(const bool *)p);
			break;
		case COL_DOUBLE:
			db_bind_double(st, c, *(const double *)p, set);
			break;
		case COL_BOOL_SET:
			if (set)
				sqlite3_bind_int(st, c, *(const bool *)p);
			else
				sqlite3_bind_null(st, c);
			break;
		}
	}
	return c;
}

int rows_bind(sqlite3_stmt *st, int first, const struct row_spec *spec,
	      const void *base)
{
	return bind_cols(NULL, T__COUNT, st, first, spec, base);
}

int row_bind(struct loader *l, enum table_id t, sqlite3_stmt *st, int first,
	     const void *base)
{
	return bind_cols(l, t, st, first, &row_specs[t], base);
}

sqlite3_stmt *rows_prepare(sqlite3 *db, enum table_id id)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;

	rows_sql(db, &row_specs[id], &sql);
	st = db_prepare(db, sql.buf);
	strbuf_release(&sql);
	return st;
}

sqlite3_stmt *S(struct loader *l, enum table_id id)
{
	if (!l->cache->st[id])
		l->cache->st[id] = rows_prepare(l->db, id);
	return l->cache->st[id];
}

/*
 * The tables with hundreds of rows a capture, stored ROWS_BATCH rows a
 * statement.  Their binders bind every parameter of a row, and nothing but
 * row_start()'s statement reads or writes them during a load (load.c
 * flushes them before the derived tables).
 *
 * BATCHED_IGNORE_FIRST: the batched tables whose rows replace ("INSERT OR
 * REPLACE") or merge into (proc_misc's and cgroup_file_data's upserts) a
 * row of the same key: their batches first run as "INSERT OR IGNORE".  A
 * statement of many rows that may abort keeps a statement journal, a copy
 * of every page it changes (SQLite: a NOT NULL column under OR REPLACE or
 * a plain INSERT aborts, under OR IGNORE it skips the row): 2.7% of a
 * fleet capture's writer (callgrind).  A batch that stored fewer rows than it
 * holds met a key already there (OR REPLACE's tables), and then runs
 * again with the table's own verb, its rows in the same order: each key
 * ends with its last row, as the table's verb alone would have left it.
 * None of their keys is ever bound NULL: pids and fds are checked
 * numbers, cgroups, names and keys strings, bpftool's map ids
 * non-negative JSON integers (under OR IGNORE a NULL key would skip its
 * row, not fail the batch).
 */
enum batch_mode {
	ONE_A_STATEMENT,
	BATCHED,
	BATCHED_IGNORE_FIRST,
};

static const enum batch_mode batch_mode[T__COUNT] = {
	[T_COLLECT_PROBLEM] = BATCHED,
	[T_PROC_STATUS] = BATCHED_IGNORE_FIRST,
	[T_PROC_SMAPS] = BATCHED_IGNORE_FIRST,
	[T_PROC_MISC] = BATCHED_IGNORE_FIRST,
	[T_CG_NODE] = BATCHED,
	[T_CG_FILE] = BATCHED_IGNORE_FIRST,
	[T_CG_PROC] = BATCHED,
	[T_CG_EVENT] = BATCHED_IGNORE_FIRST,
	[T_BPF_FDINFO] = BATCHED_IGNORE_FIRST,
	[T_BPFTOOL_MAP] = BATCHED_IGNORE_FIRST,
	[T_BPFTOOL_MAP_PID] = BATCHED,
	[T_NODE_MEMINFO] = BATCHED_IGNORE_FIRST,
	[T_NODE_VMSTAT] = BATCHED_IGNORE_FIRST,
	[T_K8S_POD_LOG] = BATCHED,
	[T_K8S_CONTAINER_LOG] = BATCHED,
};

/*
 * The texts of a batch's rows, copied into blocks of its table and bound
 * SQLITE_STATIC until the batch is stored: bound SQLITE_TRANSIENT, SQLite
 * allocated a copy of each (and freed it at the next binding), ~300
 * instructions a text, ~9,000 texts a fleet capture.
 */
#define TEXT_BLOCK (16u << 10)

void rows_texts_free(struct loader *l)
{
	size_t t;

	for (t = 0; t < T__COUNT; t++)
		str_blocks_free(&l->texts[t]);
}

void row_text_len(struct loader *l, enum table_id t, sqlite3_stmt *st, int idx,
		  const char *s, size_t len)
{
	if (!s || !l || batch_mode[t] == ONE_A_STATEMENT) {
		db_bind_text_len(st, idx, s, len);
		return;
	}
	len = MIN(len, (size_t)INT32_MAX);
	sqlite3_bind_text(st, idx, str_blocks_dup(&l->texts[t], s, len, TEXT_BLOCK),
			  (int)len, SQLITE_STATIC);
}

void row_text(struct loader *l, enum table_id t, sqlite3_stmt *st, int idx,
	      const char *s)
{
	row_text_len(l, t, st, idx, s, s ? strlen(s) : 0);
}

static void bind_text(struct loader *l, enum table_id t, sqlite3_stmt *st,
		      int idx, const char *s)
{
	if (l)
		row_text(l, t, st, idx, s);
	else
		db_bind_text(st, idx, s);
}

/* Table t's batch statement, whole or not (its verb "INSERT OR IGNORE"
   when `ignore`). */
static sqlite3_stmt *batch_prepare(sqlite3 *db, enum table_id t, bool whole,
				   bool ignore, int *ret_params)
{
	struct row_spec spec = row_specs[t];
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int n;

	if (ignore)
		spec.verb = "INSERT OR IGNORE";
	n = rows_batch_sql(db, &spec, whole, &sql);
	st = db_prepare(db, sql.buf);
	strbuf_release(&sql);
	if (ret_params)
		*ret_params = n;
	return st;
}

sqlite3_stmt *row_start(struct loader *l, enum table_id t, int *ret_base)
{
	struct load_cache *c = l->cache;

	if (batch_mode[t] == ONE_A_STATEMENT) {
		*ret_base = 0;
		return S(l, t);
	}
	if (!c->batch[t]) {
		bool ignore = batch_mode[t] == BATCHED_IGNORE_FIRST;

		c->batch[t] = batch_prepare(l->db, t, true, ignore,
					    &c->batch_params[t]);
		c->batch_part[t] = batch_prepare(l->db, t, false, ignore, NULL);
	}
	*ret_base = (int)l->pending[t] * c->batch_params[t];
	return c->batch[t];
}

/*
 * A batch that OR IGNORE would not store whole: its parameters, moved to
 * the same batch with the table's verb (prepared the first time), run.
 */
static int batch_own_verb(struct loader *l, enum table_id t, sqlite3_stmt *st,
			  bool whole)
{
	struct load_cache *c = l->cache;
	sqlite3_stmt **rep = whole ? &c->batch_own[t] : &c->batch_part_own[t];
	int r;

	if (!*rep)
		*rep = batch_prepare(l->db, t, whole, false, NULL);
	sqlite3_transfer_bindings(st, *rep);
	r = sqlite3_step(*rep);
	sqlite3_reset(*rep);
	sqlite3_clear_bindings(*rep);
	return r;
}

/* Store table t's pending rows; the rest of the batch is left out. */
static void batch_put(struct loader *l, enum table_id t)
{
	sqlite3_stmt *st = l->cache->batch[t];
	unsigned i, n = l->pending[t];
	int r, stored;

	l->pending[t] = 0;
	if (n < ROWS_BATCH) {
		/* every parameter: a text of an earlier batch may be gone */
		for (i = n * (unsigned)l->cache->batch_params[t];
		     i < ROWS_BATCH * (unsigned)l->cache->batch_params[t]; i++)
			sqlite3_bind_null(st, (int)i + 1);
		/* the same parameters: moved, not copied (batch[t]'s are NULL) */
		sqlite3_transfer_bindings(st, l->cache->batch_part[t]);
		st = l->cache->batch_part[t];
	}
	/* no sqlite3_clear_bindings(): every row's parameters are bound again */
	r = sqlite3_step(st);
	stored = sqlite3_changes(l->db);
	sqlite3_reset(st);
	if (t == T_CG_NODE)   /* a cgroup met again is not stored again */
		l->stats->cgroups += (uint64_t)stored;
	if (r == SQLITE_DONE && batch_mode[t] == BATCHED_IGNORE_FIRST &&
	    stored < (int)n)
		r = batch_own_verb(l, t, st, n == ROWS_BATCH);
	if (r != SQLITE_DONE)
		add_problemf(l, row_specs[t].table, "cannot store %u rows: %s", n,
			     sqlite3_errmsg(l->db));
	str_blocks_reset(&l->texts[t]);   /* the batch stored: its texts too */
}

void row_done(struct loader *l, enum table_id t, sqlite3_stmt *st)
{
	if (batch_mode[t] == ONE_A_STATEMENT)
		put(l, st);
	else if (++l->pending[t] == ROWS_BATCH)
		batch_put(l, t);
}

void rows_flush(struct loader *l)
{
	size_t t;

	for (t = 0; t < T__COUNT; t++)
		if (l->pending[t])
			batch_put(l, (enum table_id)t);
}

void add_problem(struct loader *l, const char *path, const char *problem)
{
	sqlite3_stmt *st = S(l, T_LOAD_PROBLEM);

	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text(st, 2, path);
	db_bind_text(st, 3, problem);
	db_step_reset(st);
	l->stats->problems++;
}

void add_problemf(struct loader *l, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_problem(l, path, msg);
}

/*
 * A failure is not a parser problem but the file's data still did not
 * land: record it once per file.
 */
void put(struct loader *l, sqlite3_stmt *st)
{
	if (db_step_reset(st) == 0 || l->cur_failed)
		return;
	l->cur_failed = true;
	add_problemf(l, l->cur_path, "cannot store: %s", sqlite3_errmsg(l->db));
}

/* The file being loaded stays the current one. */
void put_for(struct loader *l, sqlite3_stmt *st, const char *what)
{
	const char *saved_path = l->cur_path;
	bool saved_failed = l->cur_failed;

	l->cur_path = what;
	l->cur_failed = false;
	put(l, st);
	l->cur_path = saved_path;
	l->cur_failed = saved_failed;
}

void put_rows(struct loader *l, enum table_id t, const char *key,
	      const void *v, size_t n, size_t size)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int c;
		sqlite3_stmt *st = row_start(l, t, &c);

		sqlite3_bind_int64(st, ++c, l->capture_id);
		if (key)
			row_text(l, t, st, ++c, key);
		row_bind(l, t, st, c + 1, (const char *)v + i * size);
		row_done(l, t, st);
	}
}

void json_u64(struct strbuf *sb, uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		strbuf_add(sb, "null", 4);
	else
		strbuf_add_u64(sb, v);
}

void note_diag(struct loader *l, const char *path, int r,
	       const struct parse_diag *d)
{
	char buf[400];

	if (r < 0)
		add_problemf(l, path, "cannot parse: %s",
			     d->count ? diag_text(d, buf, sizeof(buf)) : strerror(-r));
	else if (d->count)
		add_problemf(l, path, "parsed with problems: %s",
			     diag_text(d, buf, sizeof(buf)));
}

void note_skipped(struct loader *l, const char *path, const struct parse_diag *d)
{
	if (d->count)
		add_problem(l, path, d->msg);
}
