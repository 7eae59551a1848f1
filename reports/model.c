/* SPDX-License-Identifier: MIT */
/*
 * report_load(): the report's data model, filled from the public views.
 *
 * Each query is formatted once with the capture id written in (an integer,
 * so nothing to quote), kept in report_capture.queries, and run as is: what
 * the HTML shows under a figure is exactly what produced it.
 */
#include "reports/model.h"
#include "reports/model_int.h"
#include "reports/growth.h"
#include "analyze/db/pool.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/banned.h"

static const struct {
	const char *key, *title;
} query_names[RQ_COUNT] = {
	[RQ_CAPTURE] = { "capture", "The capture" },
	[RQ_NODE] = { "node", "The node" },
	[RQ_PARTS] = { "parts", "The parts of a working set" },
	[RQ_CONTAINERS] = { "containers", "Containers by working set" },
	[RQ_NODE_REST] = { "node_rest", "The node outside the containers" },
	[RQ_SAMPLES] = { "samples", "The samples" },
	[RQ_GROWTH] = { "growth", "What grew" },
	[RQ_GROWTH_SAMPLES] = { "growth_samples", "What grew: the samples" },
	[RQ_FINDINGS] = { "findings", "Findings" },
	[RQ_FINDINGS_1] = { "findings_1", "Findings: the first half" },
	[RQ_OOM] = { "oom_kills", "OOM kills" },
	[RQ_OOM_COUNTERS] = { "oom_counters", "OOM kills: the memory cgroup's counters" },
	[RQ_OOM_TASKS] = { "oom_tasks", "OOM kills: the largest tasks" },
	[RQ_OOM_GROUP] = { "oom_group_kills", "OOM kills: killed with the victim (memory.oom.group)" },
	[RQ_PROCESSES] = { "processes", "Top processes" },
	[RQ_BPF_OWNERS] = { "bpf_owners", "BPF maps by owner" },
	[RQ_BPF_MAPS] = { "bpf_maps", "BPF maps" },
	[RQ_PROBLEMS] = { "problems", "What the capture could not read" },
	[RQ_DYING] = { "dying_cgroups", "Dying cgroups" },
	[RQ_THROTTLED] = { "memory_high", "Throttled by memory.high" },
	[RQ_TMPFS] = { "tmpfs", "tmpfs and emptyDir volumes" },
	[RQ_EVICTION] = { "eviction", "Kubelet eviction or the kernel OOM killer" },
	[RQ_KILLS] = { "kill_ledger", "Kills and evictions" },
	[RQ_HEAPS] = { "runtime_heaps", "JVM and Node.js heap limits" },
};

const char *report_query_title(enum report_query_id q)
{
	return query_names[q].title;
}

const char *report_bytes(struct rnum v, char *buf, size_t n)
{
	if (!v.set) {
		xsnprintf(buf, n, "?");
		return buf;
	}
	return human_bytes_signed(v.v, buf, n);
}

/* ---- reading rows by column name -------------------------------------- */

static int col(sqlite3_stmt *st, const char *name)
{
	/* the columns are mostly read in the query's order: the one after
	 * the last found first (a name search per value was 3% of a report) */
	static _Thread_local int next;
	int i, n = sqlite3_column_count(st);

	if (next < n && !strcmp(sqlite3_column_name(st, next), name))
		return next++;
	for (i = 0; i < n; i++)
		if (!strcmp(sqlite3_column_name(st, i), name)) {
			next = i + 1;
			return i;
		}
	die(3, "report: no column '%s' in: %s", name, sqlite3_sql(st));
}

struct rnum get_num(sqlite3_stmt *st, const char *name)
{
	int c = col(st, name);
	struct rnum r = { 0, false };

	if (sqlite3_column_type(st, c) != SQLITE_NULL) {
		r.v = sqlite3_column_int64(st, c);
		r.set = true;
	}
	return r;
}

struct rreal get_real(sqlite3_stmt *st, const char *name)
{
	int c = col(st, name);
	struct rreal r = { 0, false };

	if (sqlite3_column_type(st, c) != SQLITE_NULL) {
		r.v = sqlite3_column_double(st, c);
		r.set = true;
	}
	return r;
}

char *get_str(sqlite3_stmt *st, const char *name)
{
	int c = col(st, name);
	const unsigned char *s;

	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return NULL;
	s = sqlite3_column_text(st, c);
	return s ? xstrndup((const char *)s, (size_t)sqlite3_column_bytes(st, c)) : NULL;
}

int64_t get_i64(sqlite3_stmt *st, const char *name)
{
	return sqlite3_column_int64(st, col(st, name));
}

void read_cols(sqlite3_stmt *st, const struct col *cols, size_t n, void *row)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *f = (char *)row + cols[i].off;

		switch (cols[i].kind) {
		case COL_STR: *(char **)f = get_str(st, cols[i].name); break;
		case COL_NUM: *(struct rnum *)f = get_num(st, cols[i].name); break;
		case COL_REAL: *(struct rreal *)f = get_real(st, cols[i].name); break;
		case COL_I64: *(int64_t *)f = get_i64(st, cols[i].name); break;
		case COL_BOOL: *(bool *)f = get_i64(st, cols[i].name) != 0; break;
		}
	}
}

int load_row(struct loader *l, sqlite3_stmt *st, const struct col *cols, size_t ncols,
	     void *row)
{
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		read_cols(st, cols, ncols, row);
	return finish(l, st, rc);
}

int load_rows(struct loader *l, sqlite3_stmt *st, const struct col *cols, size_t ncols,
	      size_t size, void *ret_arr, size_t *n)
{
	char *arr;
	int rc;

	if (!st)
		return -1;
	memcpy(&arr, ret_arr, sizeof(arr));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		arr = xrealloc(arr, (*n + 1) * size);
		memset(arr + *n * size, 0, size);
		read_cols(st, cols, ncols, arr + (*n)++ * size);
	}
	memcpy(ret_arr, &arr, sizeof(arr));
	return finish(l, st, rc);
}

void free_cols(const struct col *cols, size_t n, void *row)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cols[i].kind == COL_STR) {
			char **f = (char **)((char *)row + cols[i].off);

			free(*f);
			*f = NULL;
		}
}

/* ---- the queries -------------------------------------------------------- */


/* The query as formatted is what is kept and shown; its run has `with` inlined. */
sqlite3_stmt *query_with(struct loader *l, enum report_query_id q,
			 const char *const *with, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	char *run;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	l->c->queries[q].key = query_names[q].key;
	l->c->queries[q].sql = strbuf_detach(&sb, NULL);
	run = with ? db_with_views(l->c->queries[q].sql, with) : NULL;
	rc = sqlite3_prepare_v2(l->db, run ? run : l->c->queries[q].sql, -1, &st, NULL);
	free(run);
	if (rc != SQLITE_OK) {
		struct strbuf e = STRBUF_INIT;

		strbuf_addf(&e, "SQL: %s (query '%s')", sqlite3_errmsg(l->db), query_names[q].key);
		*l->err = strbuf_detach(&e, NULL);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int finish(struct loader *l, sqlite3_stmt *st, int rc)
{
	if (rc != SQLITE_DONE) {
		struct strbuf e = STRBUF_INIT;

		strbuf_addf(&e, "SQL: %s", sqlite3_errmsg(l->db));
		*l->err = strbuf_detach(&e, NULL);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static const struct col capture_cols[] = {
	COL(COL_STR, struct report_capture, name, "name"),
	COL(COL_STR, struct report_capture, hostname, "hostname"),
	COL(COL_STR, struct report_capture, kernel_release, "kernel_release"),
	COL(COL_STR, struct report_capture, cgroup_mode, "cgroup_mode"),
	COL(COL_STR, struct report_capture, started_at, "started_at"),
	COL(COL_STR, struct report_capture, finished_at, "finished_at"),
	COL(COL_REAL, struct report_capture, started_monotonic, "started_monotonic"),
	COL(COL_STR, struct report_capture, collector_version, "collector_version"),
	COL(COL_BOOL, struct report_capture, complete, "complete"),
	COL(COL_STR, struct report_capture, interrupted, "interrupted"),
	COL(COL_NUM, struct report_capture, bpf_maps_charged, "bpf_maps_charged"),
	COL(COL_NUM, struct report_capture, bpf_memlock_exact, "bpf_memlock_exact"),
};

static int load_capture_row(struct loader *l)
{
	return load_row(l, query(l, RQ_CAPTURE,
		"SELECT capture_id, name, hostname, kernel_release, cgroup_mode,\n"
		"       started_at, finished_at, started_monotonic, collector_version,\n"
		"       complete, interrupted, bpf_maps_charged, bpf_memlock_exact\n"
		"FROM report_capture\n"
		"WHERE capture_id = %" PRId64, l->c->capture_id),
		capture_cols, ARRAY_SIZE(capture_cols), l->c);
}

static const struct col node_cols[] = {
	COL(COL_NUM, struct report_node, mem_total, "mem_total_bytes"),
	COL(COL_NUM, struct report_node, mem_available, "mem_available_bytes"),
	COL(COL_NUM, struct report_node, mem_free, "mem_free_bytes"),
	COL(COL_NUM, struct report_node, working_set, "node_working_set_bytes"),
	COL(COL_NUM, struct report_node, kubelet_available, "kubelet_memory_available_bytes"),
	COL(COL_NUM, struct report_node, swap_total, "swap_total_bytes"),
	COL(COL_NUM, struct report_node, swap_used, "swap_used_bytes"),
	COL(COL_REAL, struct report_node, psi_some_avg10, "psi_some_avg10"),
	COL(COL_REAL, struct report_node, psi_full_avg10, "psi_full_avg10"),
	COL(COL_REAL, struct report_node, psi_some_avg60, "psi_some_avg60"),
	COL(COL_REAL, struct report_node, psi_full_avg60, "psi_full_avg60"),
	COL(COL_NUM, struct report_node, bpf_maps, "bpf_maps_bytes"),
}, node_rest_cols[] = {
	COL(COL_NUM, struct report_node, containers_total, "containers_bytes"),
	COL(COL_NUM, struct report_node, left_out, "left_out_bytes"),
	COL(COL_NUM, struct report_node, rest, "rest_bytes"),
	COL(COL_STR, struct report_node, left_out_reason, "left_out_reason"),
};

static int load_node(struct loader *l)
{
	struct report_node *n = &l->c->node;

	if (load_row(l, query(l, RQ_NODE,
		"SELECT mem_total_bytes, mem_available_bytes, mem_free_bytes,\n"
		"       node_working_set_bytes, kubelet_memory_available_bytes,\n"
		"       swap_total_bytes, swap_used_bytes, psi_some_avg10, psi_full_avg10,\n"
		"       psi_some_avg60, psi_full_avg60, bpf_maps_bytes\n"
		"FROM node\n"
		"WHERE capture_id = %" PRId64, l->c->capture_id),
		node_cols, ARRAY_SIZE(node_cols), n) < 0)
		return -1;
	return load_row(l, query(l, RQ_NODE_REST,
		"SELECT containers_bytes, left_out_bytes, rest_bytes, left_out_reason\n"
		"FROM report_node_rest\n"
		"WHERE capture_id = %" PRId64, l->c->capture_id),
		node_rest_cols, ARRAY_SIZE(node_rest_cols), n);
}

static const struct col part_cols[] = {
	COL(COL_STR, struct report_part, part, "part"),
	COL(COL_STR, struct report_part, label, "label"),
	COL(COL_STR, struct report_part, letter, "letter"),
	COL(COL_STR, struct report_part, colour, "colour"),
	COL(COL_STR, struct report_part, meaning, "meaning"),
};

static int load_parts(struct loader *l)
{
	return LOAD_ROWS(l, query(l, RQ_PARTS,
		"SELECT part, label, letter, colour, meaning\n"
		"FROM working_set_parts\n"
		"ORDER BY ord"),
		part_cols, l->c->parts, l->c->nparts);
}

/* A part's column in report_containers; NULL unless the name is a plain
 * identifier (the list comes from the database). */
static const char *part_column(const struct report_part *p, char *buf, size_t n)
{
	const char *s = p->part ? p->part : "";
	size_t i, len = strlen(s);

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return NULL;
	if (!len || len + sizeof("_bytes") > n)
		return NULL;
	xsnprintf(buf, n, "%s_bytes", s);
	return buf;
}

#define K(kind, field, name) COL(kind, struct report_container, field, name)
static const struct col container_cols[] = {
	K(COL_STR, cgroup, "cgroup"), K(COL_STR, kind, "kind"), K(COL_STR, name, "name"),
	K(COL_STR, group, "group_name"), K(COL_STR, subgroup, "subgroup_name"),
	K(COL_STR, namespace_, "namespace"), K(COL_STR, pod, "pod"),
	K(COL_STR, container, "container"), K(COL_STR, qos_class, "qos_class"),
	K(COL_NUM, working_set, "working_set_bytes"), K(COL_NUM, limit, "limit_bytes"),
	K(COL_NUM, high, "high_bytes"), K(COL_NUM, effective_limit, "effective_limit_bytes"),
	K(COL_REAL, working_set_pct, "working_set_pct"),
	K(COL_NUM, reclaimable, "reclaimable_bytes"),
	K(COL_NUM, unreclaimable, "unreclaimable_bytes"),
	K(COL_REAL, unreclaimable_pct, "unreclaimable_pct"),
	K(COL_STR, limit_scope, "limit_scope"), K(COL_NUM, kernel, "kernel_bytes"),
	K(COL_NUM, bpf_maps, "bpf_maps"), K(COL_NUM, bpf_held, "bpf_held_bytes"),
	K(COL_NUM, swap, "swap_bytes"), K(COL_NUM, oom_kill_count, "oom_kill_count"),
	K(COL_NUM, processes, "processes"),
};
#undef K

static int load_containers(struct loader *l)
{
	struct report_capture *c = l->c;
	struct strbuf cols = STRBUF_INIT;
	char name[64];
	sqlite3_stmt *st;
	size_t i;
	int rc;

	/* the parts' columns, in the list's order */
	for (i = 0; i < c->nparts; i++)
		if (part_column(&c->parts[i], name, sizeof(name)))
			strbuf_addf(&cols, "%s%s", cols.len ? ", " : "       ", name);
	st = query(l, RQ_CONTAINERS,
		"SELECT cgroup, kind, name, group_name, subgroup_name, namespace, pod,\n"
		"       container, qos_class, working_set_bytes, limit_bytes,\n"
		"       effective_limit_bytes, working_set_pct, reclaimable_bytes,\n"
		"       unreclaimable_bytes, unreclaimable_pct, limit_scope,\n"
		"%s%s"
		"       kernel_bytes, bpf_maps, bpf_held_bytes, swap_bytes, oom_kill_count,\n"
		"       processes, high_bytes\n"
		"FROM report_containers\n"
		"WHERE capture_id = %" PRId64 "\n"
		"ORDER BY working_set_bytes DESC, cgroup", cols.buf, cols.len ? ",\n" : "",
		c->capture_id);
	strbuf_release(&cols);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_container *k = GROW(c->containers, c->ncontainers);

		read_cols(st, container_cols, ARRAY_SIZE(container_cols), k);
		k->parts = xcalloc(c->nparts + 1, sizeof(*k->parts));
		for (i = 0; i < c->nparts; i++)
			if (part_column(&c->parts[i], name, sizeof(name)))
				k->parts[i] = get_num(st, name);
		if (k->kind && !strcmp(k->kind, "k8s-container"))
			c->kubernetes = true;
	}
	return finish(l, st, rc);
}

static const struct col finding_cols[] = {
	COL(COL_STR, struct report_finding, cgroup, "cgroup"),
	COL(COL_STR, struct report_finding, name, "name"),
	COL(COL_STR, struct report_finding, severity, "severity"),
	COL(COL_NUM, struct report_finding, severity_rank, "severity_rank"),
	COL(COL_STR, struct report_finding, code, "code"),
	COL(COL_STR, struct report_finding, title, "title"),
	COL(COL_STR, struct report_finding, evidence, "evidence"),
	COL(COL_STR, struct report_finding, query, "query"),
};

/*
 * The views only the findings read, under the one the query reads: part
 * of its text, not views (db_with_views()), SQLite prepares them once
 * instead of twice.  The public views under them (bpf_by_cgroup,
 * node_eviction, oom_kills, ...) stay views: the deeper sections read them
 * too, on the same connection, and work their columns out once for both.
 * The text report's findings and deeper sections: 66.6 M instructions
 * against 76.8 M, the report 19.9 ms against 21.8 (tests/bench/README.md,
 * with).
 */
static const char *const findings_views[] = {
	"report_findings", "report_findings_now_2", "findings_now_1", "findings_now_2",
	"findings_over_samples", "report_no_limit", "finding_cgroups", "finding_go",
	"finding_no_limit", "finding_growth", "finding_growth_before_kill", "finding_restarts",
	NULL
};

/*
 * The text report of a capture of one sample (load_growth() left no
 * growth: no finding compares samples) reads the findings in two halves,
 * one on each connection at once (load_findings_1(), then
 * findings_merge()): preparing them is the longest of a report's tasks
 * (~8-14 ms of a 24 ms text report on the bench's node, with the other
 * tasks on the other connection done in 12; tests/bench/README.md,
 * fhalf).  HTML and JSON show the query they ran: one, report_findings.
 */
static bool findings_in_halves(const struct loader *l)
{
	return !l->show_queries && !l->c->growth;
}

/*
 * The findings' order, said once: by the severity's rank in
 * finding_severities, then these columns.  FINDINGS_QUERY's ORDER BY is
 * made from it, and finding_cmp() (the merge of the two halves) walks it.
 */
#define FINDING_ORDER(X) X(code) X(cgroup) X(title)
#define ORDER_BY_COLUMN(col) ", f." #col

#define FINDINGS_QUERY \
	"SELECT f.cgroup, n.name, f.severity, s.rank AS severity_rank, f.code, f.title,\n" \
	"       f.evidence, f.query\n" \
	"FROM %s f\n" \
	"LEFT JOIN finding_severities s ON s.severity = f.severity\n" \
	"LEFT JOIN cgroup_names n ON n.capture_id = f.capture_id AND n.cgroup = f.cgroup\n" \
	"WHERE f.capture_id = %" PRId64 "\n" \
	"ORDER BY s.rank" FINDING_ORDER(ORDER_BY_COLUMN)

static int load_findings(struct loader *l)
{
	struct report_capture *c = l->c;
	const char *view = findings_in_halves(l) ? "report_findings_now_2" : "report_findings";

	return LOAD_ROWS(l, query_with(l, RQ_FINDINGS, findings_views, FINDINGS_QUERY, view,
				       c->capture_id),
		finding_cols, c->findings, c->nfindings);
}

/* The first half, where findings_in_halves(); nothing otherwise. */
static int load_findings_1(struct loader *l)
{
	return !findings_in_halves(l) ? 0 :
	       load_rows(l, query_with(l, RQ_FINDINGS_1, findings_views, FINDINGS_QUERY,
				       "findings_now_1", l->c->capture_id),
			 finding_cols, ARRAY_SIZE(finding_cols), sizeof(**l->half), l->half,
			 l->nhalf);
}

/* NULL first, as SQLite sorts */
static int cmp_null_first(const char *a, const char *b)
{
	return !a || !b ? (a != NULL) - (b != NULL) : strcmp(a, b);
}

/* FINDINGS_QUERY's order (FINDING_ORDER) */
static int finding_cmp(const struct report_finding *a, const struct report_finding *b)
{
	int r = a->severity_rank.set != b->severity_rank.set ?
		(int)a->severity_rank.set - (int)b->severity_rank.set :
		(a->severity_rank.v > b->severity_rank.v) - (a->severity_rank.v < b->severity_rank.v);

#define CMP_COLUMN(col) \
	if (!r) \
		r = cmp_null_first(a->col, b->col);
	FINDING_ORDER(CMP_COLUMN)
#undef CMP_COLUMN
	return r;
}

/*
 * The two halves, each in FINDINGS_QUERY's order, merged into c->findings
 * in that order (no finding code is in both halves: no two rows of
 * different halves are equal by it).
 */
static void findings_merge(struct report_capture *c, struct report_finding *half, size_t nhalf)
{
	struct report_finding *all;
	size_t i = 0, j = 0, n = 0;

	if (!nhalf) {
		free(half);
		return;
	}
	all = xcalloc(c->nfindings + nhalf, sizeof(*all));
	while (i < c->nfindings || j < nhalf)
		all[n++] = j == nhalf || (i < c->nfindings &&
					  finding_cmp(&c->findings[i], &half[j]) <= 0) ?
			   c->findings[i++] : half[j++];
	free(c->findings);
	free(half);
	c->findings = all;
	c->nfindings = n;
}

#define P(kind, field, name) COL(kind, struct report_process, field, name)
static const struct col process_cols[] = {
	P(COL_I64, pid, "pid"), P(COL_STR, comm, "comm"), P(COL_STR, cgroup, "cgroup"),
	P(COL_STR, cgroup_name, "cgroup_name"), P(COL_NUM, rss, "rss_bytes"),
	P(COL_NUM, pss, "pss_bytes"), P(COL_NUM, pss_anon, "pss_anon_bytes"),
	P(COL_NUM, pss_file, "pss_file_bytes"), P(COL_NUM, pss_shmem, "pss_shmem_bytes"),
	P(COL_NUM, swap, "swap_bytes"), P(COL_REAL, share_pct, "share_pct"),
};
#undef P

static int load_processes(struct loader *l)
{
	struct report_capture *c = l->c;
	/*
	 * The top processes first, then their names: joined before the
	 * LIMIT, cgroup_names was worked out for every process.  Where the
	 * query is not shown (the text report), the top are found by pid
	 * from processes alone and only they are read from
	 * process_shares_unranked: no rank in the cgroup (a window over every
	 * process, which no renderer shows), and the other columns of 20
	 * processes, not of all (the same rows, a third of the work).
	 */
	bool all = l->show_queries;

	return LOAD_ROWS(l, query(l, RQ_PROCESSES,
		"WITH top AS MATERIALIZED (\n"
		"    SELECT %s FROM %s WHERE capture_id = %" PRId64 "\n"
		"    ORDER BY coalesce(pss_bytes, rss_bytes) DESC, pid LIMIT %d)\n"
		"SELECT p.pid, p.comm, p.cgroup, n.name AS cgroup_name, p.rss_bytes,\n"
		"       p.pss_bytes, p.pss_anon_bytes, p.pss_file_bytes, p.pss_shmem_bytes,\n"
		"       p.swap_bytes, p.share_pct\n"
		"%s"
		"LEFT JOIN cgroup_names n ON n.capture_id = p.capture_id AND n.cgroup = p.cgroup\n"
		"ORDER BY coalesce(p.pss_bytes, p.rss_bytes) DESC, p.pid",
		all ? "*" : "capture_id, pid", all ? "process_shares" : "processes",
		c->capture_id, REPORT_TOP_PROCESSES,
		all ? "FROM top p\n"
		    : "FROM top t\n"
		      "JOIN process_shares_unranked p ON p.capture_id = t.capture_id AND p.pid = t.pid\n"),
		process_cols, c->processes, c->nprocesses);
}

static const struct col bpf_owner_cols[] = {
	COL(COL_NUM, struct report_bpf_owner, pid, "pid"),
	COL(COL_STR, struct report_bpf_owner, comm, "comm"),
	COL(COL_STR, struct report_bpf_owner, cgroup, "cgroup"),
	COL(COL_STR, struct report_bpf_owner, cgroup_name, "cgroup_name"),
	COL(COL_I64, struct report_bpf_owner, maps, "maps"),
	COL(COL_NUM, struct report_bpf_owner, memlock, "memlock_bytes"),
}, bpf_map_cols[] = {
	COL(COL_I64, struct report_bpf_map, map_id, "map_id"),
	COL(COL_STR, struct report_bpf_map, name, "name"),
	COL(COL_STR, struct report_bpf_map, type, "type"),
	COL(COL_NUM, struct report_bpf_map, max_entries, "max_entries"),
	COL(COL_NUM, struct report_bpf_map, memlock, "memlock_bytes"),
	COL(COL_STR, struct report_bpf_map, holders, "holders"),
};

static int load_bpf(struct loader *l)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_BPF_OWNERS,
		"SELECT b.pid, p.comm, b.cgroup, n.name AS cgroup_name,\n"
		"       count(*) AS maps, sum(b.memlock_bytes) AS memlock_bytes\n"
		"FROM (SELECT DISTINCT capture_id, map_id, pid, cgroup, memlock_bytes\n"
		"      FROM bpf_maps) b\n"
		"LEFT JOIN processes p ON p.capture_id = b.capture_id AND p.pid = b.pid\n"
		"LEFT JOIN cgroup_names n ON n.capture_id = b.capture_id AND n.cgroup = b.cgroup\n"
		"WHERE b.capture_id = %" PRId64 "\n"
		"GROUP BY b.pid\n"
		"ORDER BY memlock_bytes DESC, b.pid IS NULL, b.pid", c->capture_id);

	if (LOAD_ROWS(l, st, bpf_owner_cols, c->bpf_owners, c->nbpf_owners) < 0)
		return -1;
	st = query(l, RQ_BPF_MAPS,
		"SELECT b.map_id, max(b.name) AS name, max(b.type) AS type,\n"
		"       max(b.max_entries) AS max_entries, max(b.memlock_bytes) AS memlock_bytes,\n"
		"       group_concat(coalesce(p.comm, '?') || ' (' || b.pid || ')', ', ')\n"
		"           AS holders\n"
		"FROM (SELECT * FROM bpf_maps ORDER BY capture_id, map_id, pid) b\n"
		"LEFT JOIN processes p ON p.capture_id = b.capture_id AND p.pid = b.pid\n"
		"WHERE b.capture_id = %" PRId64 "\n"
		"GROUP BY b.map_id\n"
		"ORDER BY memlock_bytes DESC, b.map_id", c->capture_id);
	return LOAD_ROWS(l, st, bpf_map_cols, c->bpf_maps, c->nbpf_maps);
}

static const struct col problem_cols[] = {
	COL(COL_STR, struct report_problem, source, "source"),
	COL(COL_STR, struct report_problem, kind, "kind"),
	COL(COL_BOOL, struct report_problem, normal, "normal"),
	COL(COL_STR, struct report_problem, what, "what"),
	COL(COL_I64, struct report_problem, files, "files"),
	COL(COL_STR, struct report_problem, example, "example"),
	COL(COL_STR, struct report_problem, error, "example_error"),
};

static int load_problems(struct loader *l)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_PROBLEMS,
		"SELECT source, kind, normal, what, files, example, example_error\n"
		"FROM report_problems\n"
		"WHERE capture_id = %" PRId64 "\n"
		"ORDER BY normal, source DESC, kind, what, example_error", c->capture_id);
	size_t i;

	if (LOAD_ROWS(l, st, problem_cols, c->problems, c->nproblems) < 0)
		return -1;
	for (i = 0; i < c->nproblems; i++)
		if (!c->problems[i].normal)
			c->problem_files += c->problems[i].files;
	return 0;
}

static int load_ooms_all(struct loader *l)
{
	return load_ooms(l) < 0 || load_oom_details(l) < 0 ? -1 : 0;
}

/*
 * The deeper sections read many of the views the findings read (dying
 * cgroups, tmpfs, heaps, eviction, throttling): on the findings'
 * connection SQLite knows their columns already, where another works each
 * view out once more to learn them (17.0 M instructions against 20.2 M on
 * the bench's node, tests/bench/README.md, rstm).
 */
static int load_findings_deeper(struct loader *l)
{
	return load_findings(l) < 0 || load_deeper(l) < 0 ? -1 : 0;
}

/*
 * A capture's queries as tasks of a db_pool (analyze/db/pool.h): each
 * task fills its own fields of the capture, and one that reads what an
 * earlier one filled waits for it.  The costliest first (findings and the
 * deeper sections, then containers: more than half of the work), so that
 * whichever connection is ready first takes findings and the two end about
 * together.  The error is the first task's in this order that failed, as
 * when they run in turn on one connection (a capture loaded into memory):
 * the tasks after it are not handed out.
 */
static const struct load_task {
	int (*load)(struct loader *l);
	int after;              /* the task it reads, or -1 */
} load_tasks[] = {
	{ load_capture_row, -1 },
	{ load_parts, -1 },
	{ load_growth, 1 },      /* the parts that grew */
	{ load_findings_deeper, 2 },  /* one sample or several */
	{ load_findings_1, 2 },
	{ load_containers, 1 },  /* a column per part */
	{ load_ooms_all, -1 },
	{ load_node, -1 },
	{ load_processes, -1 },
	{ load_problems, -1 },
	{ load_bpf, -1 },
};

struct load_run {
	struct db_pool *pool;
	struct report_capture *c;
	bool show_queries;
	char *err[ARRAY_SIZE(load_tasks)];
	struct report_finding *half;   /* load_findings_1()'s */
	size_t nhalf;
};

static int load_task(void *arg, sqlite3 *db, size_t worker, size_t i)
{
	struct load_run *run = arg;
	struct loader l = { db, run->c, &run->err[i], run->show_queries, &run->half,
			    &run->nhalf };

	(void)worker;
	/* when what it reads failed, that task's error is the one said */
	return load_tasks[i].after >= 0 &&
	       db_pool_wait(run->pool, (size_t)load_tasks[i].after) < 0 ? -1 :
	       load_tasks[i].load(&l);
}

static int load_capture(struct db_pool *pool, sqlite3 *db, struct report_capture *c,
			bool show_queries, char **ret_err)
{
	struct load_run run = { pool, c, show_queries, { NULL }, NULL, 0 };
	int ret = db_pool_run(pool, db, ARRAY_SIZE(load_tasks), load_task, &run);
	char *err = NULL;
	size_t i;

	findings_merge(c, run.half, run.nhalf);

	for (i = 0; i < ARRAY_SIZE(load_tasks); i++) {
		if (run.err[i] && !err)
			err = run.err[i];
		else
			free(run.err[i]);
	}
	if (err)
		*ret_err = err;
	return ret;
}

/* Capture c from db, or from its copy alone when copy_from names db's file. */
static int load_one(struct db_pool *pool, sqlite3 *db, struct report_capture *c,
		    bool show_queries, const char *copy_from, struct db_deadline *d,
		    char **ret_err)
{
	sqlite3 *copy = NULL;
	int ret;

	if (!copy_from)
		return load_capture(pool, db, c, show_queries, ret_err);
	if (db_copy_captures(copy_from, &c->capture_id, 1, d, &copy, ret_err) < 0)
		return -1;
	ret = load_capture(pool, copy, c, show_queries, ret_err);
	db_close(copy);
	return ret;
}

static int load_report(struct db_pool *pool, sqlite3 *db, int64_t capture_id,
		       const char *source_name, bool show_queries, const char *copy_from,
		       struct db_deadline *d, struct report *r, char **ret_err)
{
	struct db_pool one;
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, alloc = 0, i;
	int rc, ret = 0;

	memset(r, 0, sizeof(*r));
	r->source = xstrdup(source_name ? source_name : "SOURCE");
	if (sqlite3_prepare_v2(db, capture_id > 0 ?
			       "SELECT capture_id FROM captures WHERE capture_id = ?" :
			       "SELECT capture_id FROM captures ORDER BY capture_id",
			       -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		*ret_err = xstrdup(sqlite3_errmsg(db));
		return -1;
	}
	if (capture_id > 0)
		sqlite3_bind_int64(st, 1, capture_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(ids, nids + 1, alloc);
		ids[nids++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*ret_err = xstrdup(sqlite3_errmsg(db));
		free(ids);
		return -1;
	}
	if (!nids) {
		struct strbuf e = STRBUF_INIT;

		if (capture_id > 0)   /* cmd_report.c adds the command that lists them */
			strbuf_addf(&e, "no capture %" PRId64, capture_id);
		else
			strbuf_addstr(&e, "no capture in the database");
		*ret_err = strbuf_detach(&e, NULL);
		return -1;
	}
	r->captures = xcalloc(nids, sizeof(*r->captures));
	if (!pool || copy_from) {   /* a copy: one connection (no other reads it) */
		db_pool_init(&one);
		pool = &one;
	}
	for (i = 0; i < nids && ret == 0; i++) {
		r->ncaptures++;
		r->captures[i].capture_id = ids[i];
		ret = load_one(pool, db, &r->captures[i], show_queries, copy_from, d, ret_err);
	}
	if (pool == &one)
		db_pool_close(&one);
	free(ids);
	return ret;
}

int report_load_pool(struct db_pool *pool, sqlite3 *db, int64_t capture_id,
		     const char *source_name, bool show_queries, const char *copy_from,
		     struct db_deadline *d, struct report *r, char **ret_err)
{
	/* one state of the file, the captures listed and each one's queries,
	 * whatever a `memsnap load` commits meanwhile (pool.h): a read
	 * transaction, its lock taken by the list's query */
	bool txn = sqlite3_get_autocommit(db) && db_exec(db, "BEGIN", NULL) == 0;
	int ret = load_report(pool, db, capture_id, source_name, show_queries, copy_from, d, r,
			      ret_err);

	if (txn)
		db_read_end(db);
	return ret;
}

int report_load(sqlite3 *db, int64_t capture_id, const char *source_name,
		bool show_queries, struct report *r, char **ret_err)
{
	return report_load_pool(NULL, db, capture_id, source_name, show_queries, NULL, NULL, r,
				ret_err);
}

int report_load_ooms(sqlite3 *db, int64_t capture_id, const char *source_name,
		     struct report *r, char **ret_err)
{
	struct loader l = { db, NULL, ret_err, true, NULL, NULL };

	memset(r, 0, sizeof(*r));
	r->source = xstrdup(source_name ? source_name : "SOURCE");
	r->captures = xcalloc(1, sizeof(*r->captures));
	r->ncaptures = 1;
	l.c = r->captures;
	l.c->capture_id = capture_id;
	if (load_capture_row(&l) < 0 || load_ooms(&l) < 0 || load_oom_details(&l) < 0)
		return -1;
	return 0;
}

bool report_has_problems(const struct report *r)
{
	size_t i;

	for (i = 0; i < r->ncaptures; i++)
		if (r->captures[i].problem_files || !r->captures[i].complete)
			return true;
	return false;
}

void rows_free(void *arr, size_t n, size_t size, const struct col *cols, size_t ncols)
{
	size_t i;

	for (i = 0; i < n; i++)
		free_cols(cols, ncols, (char *)arr + i * size);
	free(arr);
}

static void capture_free(struct report_capture *c)
{
	size_t i;

	free_cols(capture_cols, ARRAY_SIZE(capture_cols), c);
	for (i = 0; i < c->ncontainers; i++)
		free(c->containers[i].parts);
	ROWS_FREE(c->containers, c->ncontainers, container_cols);
	growth_free(c->growth);
	ROWS_FREE(c->parts, c->nparts, part_cols);
	free_cols(node_rest_cols, ARRAY_SIZE(node_rest_cols), &c->node);
	ROWS_FREE(c->findings, c->nfindings, finding_cols);
	for (i = 0; i < c->nooms; i++)
		oom_free(&c->ooms[i]);
	free(c->ooms);
	ROWS_FREE(c->processes, c->nprocesses, process_cols);
	ROWS_FREE(c->bpf_owners, c->nbpf_owners, bpf_owner_cols);
	ROWS_FREE(c->bpf_maps, c->nbpf_maps, bpf_map_cols);
	ROWS_FREE(c->problems, c->nproblems, problem_cols);
	deeper_free(c->deeper);
	for (i = 0; i < RQ_COUNT; i++)
		free(c->queries[i].sql);
}

void report_free(struct report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ncaptures; i++)
		capture_free(&r->captures[i]);
	free(r->captures);
	free(r->source);
	memset(r, 0, sizeof(*r));
}

const char *report_bpf_charged_note(const struct report_capture *c)
{
	if (!c->bpf_maps_charged.set)
		return "The kernel's version is unknown, so is where BPF map memory is charged: "
		       "from Linux 5.11 on to the memory cgroup of the process that created the "
		       "map, before that to no cgroup.";
	if (!c->bpf_maps_charged.v)
		return "Before Linux 5.11 BPF map memory is charged to no cgroup: it counts "
		       "against the node, not against any container's limit.";
	return "Since Linux 5.11 a map is charged to the memory cgroup of the process that "
	       "created it, as kernel memory (cgroup v1 and v2).";
}

void report_node_rest_note(const struct report_capture *c, struct strbuf *out)
{
	const struct report_node *n = &c->node;
	char a[32], b[32], d[32];

	if (!n->rest.set)
		return;
	if (n->left_out.set && n->left_out.v > 0)
		strbuf_addf(out, "The containers' working sets add up to %s, of which %s is their "
			    "kernel memory and swap cache, which the node's working set (%s) leaves "
			    "out: %s. ", report_bytes(n->containers_total, a, sizeof(a)),
			    report_bytes(n->left_out, b, sizeof(b)),
			    report_bytes(n->working_set, d, sizeof(d)),
			    n->left_out_reason ? n->left_out_reason : "?");
	strbuf_addf(out, "The rest of the node's working set (outside the containers, counted as "
		    "the node's is): %s", report_bytes(n->rest, a, sizeof(a)));
	if (n->rest.v < 0)
		strbuf_addstr(out, " (below 0: the containers' counters hold pages that are "
			      "neither anon nor page cache of the root, such as per-CPU charge "
			      "stocks)");
	strbuf_addch(out, '.');
}

const char *report_bpf_memlock_note(const struct report_capture *c)
{
	if (!c->bpf_memlock_exact.set)
		return "memlock is the memory a map uses from Linux 6.4 on, an estimate from its "
		       "size before (hash maps use more); this kernel's version is unknown.";
	if (!c->bpf_memlock_exact.v)
		return "memlock is the kernel's estimate from the map's size before Linux 6.4 "
		       "(hash maps use more).";
	return "memlock is the memory the map uses (Linux 6.4+).";
}

/* The row readers, for the fleet summary's model (fleet.c). */
struct rnum report_col_num(sqlite3_stmt *st, const char *name)
{
	return get_num(st, name);
}

char *report_col_str(sqlite3_stmt *st, const char *name)
{
	return get_str(st, name);
}
