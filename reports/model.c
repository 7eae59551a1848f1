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
	[RQ_OOM] = { "oom_kills", "OOM kills" },
	[RQ_OOM_COUNTERS] = { "oom_counters", "OOM kills: the memory cgroup's counters" },
	[RQ_OOM_TASKS] = { "oom_tasks", "OOM kills: the largest tasks" },
	[RQ_OOM_GROUP] = { "oom_group_kills", "OOM kills: killed with the victim (memory.oom.group)" },
	[RQ_PROCESSES] = { "processes", "Top processes" },
	[RQ_BPF_OWNERS] = { "bpf_owners", "BPF maps by owner" },
	[RQ_BPF_MAPS] = { "bpf_maps", "BPF maps" },
	[RQ_PROBLEMS] = { "problems", "What the capture could not read" },
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
	int i, n = sqlite3_column_count(st);

	for (i = 0; i < n; i++)
		if (!strcmp(sqlite3_column_name(st, i), name))
			return i;
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

/* ---- the queries -------------------------------------------------------- */


sqlite3_stmt *query(struct loader *l, enum report_query_id q, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	l->c->queries[q].key = query_names[q].key;
	l->c->queries[q].sql = strbuf_detach(&sb, NULL);
	if (sqlite3_prepare_v2(l->db, l->c->queries[q].sql, -1, &st, NULL) != SQLITE_OK) {
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

static int load_capture_row(struct loader *l)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_CAPTURE,
		"SELECT capture_id, name, hostname, kernel_release, cgroup_mode,\n"
		"       started_at, finished_at, started_monotonic, collector_version,\n"
		"       complete, interrupted, bpf_maps_charged, bpf_memlock_exact\n"
		"FROM report_capture\n"
		"WHERE capture_id = %" PRId64, c->capture_id);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->name = get_str(st, "name");
		c->hostname = get_str(st, "hostname");
		c->kernel_release = get_str(st, "kernel_release");
		c->cgroup_mode = get_str(st, "cgroup_mode");
		c->started_at = get_str(st, "started_at");
		c->finished_at = get_str(st, "finished_at");
		c->started_monotonic = get_real(st, "started_monotonic");
		c->collector_version = get_str(st, "collector_version");
		c->complete = get_i64(st, "complete") != 0;
		c->interrupted = get_str(st, "interrupted");
		c->bpf_maps_charged = get_num(st, "bpf_maps_charged");
		c->bpf_memlock_exact = get_num(st, "bpf_memlock_exact");
	}
	return finish(l, st, rc);
}

static int load_node(struct loader *l)
{
	struct report_node *n = &l->c->node;
	sqlite3_stmt *st = query(l, RQ_NODE,
		"SELECT mem_total_bytes, mem_available_bytes, mem_free_bytes,\n"
		"       node_working_set_bytes, kubelet_memory_available_bytes,\n"
		"       swap_total_bytes, swap_used_bytes, psi_some_avg10, psi_full_avg10,\n"
		"       psi_some_avg60, psi_full_avg60, bpf_maps_bytes\n"
		"FROM node\n"
		"WHERE capture_id = %" PRId64, l->c->capture_id);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n->mem_total = get_num(st, "mem_total_bytes");
		n->mem_available = get_num(st, "mem_available_bytes");
		n->mem_free = get_num(st, "mem_free_bytes");
		n->working_set = get_num(st, "node_working_set_bytes");
		n->kubelet_available = get_num(st, "kubelet_memory_available_bytes");
		n->swap_total = get_num(st, "swap_total_bytes");
		n->swap_used = get_num(st, "swap_used_bytes");
		n->psi_some_avg10 = get_real(st, "psi_some_avg10");
		n->psi_full_avg10 = get_real(st, "psi_full_avg10");
		n->psi_some_avg60 = get_real(st, "psi_some_avg60");
		n->psi_full_avg60 = get_real(st, "psi_full_avg60");
		n->bpf_maps = get_num(st, "bpf_maps_bytes");
	}
	if (finish(l, st, rc) < 0)
		return -1;

	st = query(l, RQ_NODE_REST,
		"SELECT containers_bytes, left_out_bytes, rest_bytes, left_out_reason\n"
		"FROM report_node_rest\n"
		"WHERE capture_id = %" PRId64, l->c->capture_id);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n->containers_total = get_num(st, "containers_bytes");
		n->left_out = get_num(st, "left_out_bytes");
		n->rest = get_num(st, "rest_bytes");
		n->left_out_reason = get_str(st, "left_out_reason");
	}
	return finish(l, st, rc);
}

static int load_parts(struct loader *l)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_PARTS,
		"SELECT part, label, letter, colour, meaning\n"
		"FROM working_set_parts\n"
		"ORDER BY ord");
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_part *p = GROW(c->parts, c->nparts);

		p->part = get_str(st, "part");
		p->label = get_str(st, "label");
		p->letter = get_str(st, "letter");
		p->colour = get_str(st, "colour");
		p->meaning = get_str(st, "meaning");
	}
	return finish(l, st, rc);
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

		k->cgroup = get_str(st, "cgroup");
		k->kind = get_str(st, "kind");
		k->name = get_str(st, "name");
		k->group = get_str(st, "group_name");
		k->subgroup = get_str(st, "subgroup_name");
		k->namespace_ = get_str(st, "namespace");
		k->pod = get_str(st, "pod");
		k->container = get_str(st, "container");
		k->qos_class = get_str(st, "qos_class");
		k->working_set = get_num(st, "working_set_bytes");
		k->limit = get_num(st, "limit_bytes");
		k->high = get_num(st, "high_bytes");
		k->effective_limit = get_num(st, "effective_limit_bytes");
		k->working_set_pct = get_real(st, "working_set_pct");
		k->reclaimable = get_num(st, "reclaimable_bytes");
		k->unreclaimable = get_num(st, "unreclaimable_bytes");
		k->unreclaimable_pct = get_real(st, "unreclaimable_pct");
		k->limit_scope = get_str(st, "limit_scope");
		k->parts = xcalloc(c->nparts + 1, sizeof(*k->parts));
		for (i = 0; i < c->nparts; i++)
			if (part_column(&c->parts[i], name, sizeof(name)))
				k->parts[i] = get_num(st, name);
		k->kernel = get_num(st, "kernel_bytes");
		k->bpf_maps = get_num(st, "bpf_maps");
		k->bpf_held = get_num(st, "bpf_held_bytes");
		k->swap = get_num(st, "swap_bytes");
		k->oom_kill_count = get_num(st, "oom_kill_count");
		k->processes = get_num(st, "processes");
		if (k->kind && !strcmp(k->kind, "k8s-container"))
			c->kubernetes = true;
	}
	return finish(l, st, rc);
}

static int load_findings(struct loader *l)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_FINDINGS,
		"SELECT f.cgroup, n.name, f.severity, f.code, f.title, f.evidence, f.query\n"
		"FROM report_findings f\n"
		"LEFT JOIN cgroup_names n ON n.capture_id = f.capture_id AND n.cgroup = f.cgroup\n"
		"WHERE f.capture_id = %" PRId64 "\n"
		"ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,\n"
		"         f.code, f.cgroup, f.title", c->capture_id);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_finding *f = GROW(c->findings, c->nfindings);

		f->cgroup = get_str(st, "cgroup");
		f->name = get_str(st, "name");
		f->severity = get_str(st, "severity");
		f->code = get_str(st, "code");
		f->title = get_str(st, "title");
		f->evidence = get_str(st, "evidence");
		f->query = get_str(st, "query");
	}
	return finish(l, st, rc);
}

static int load_processes(struct loader *l)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_PROCESSES,
		/* the top processes first, then their names: joined before the
		 * LIMIT, cgroup_names was worked out for every process */
		"WITH top AS MATERIALIZED (\n"
		"    SELECT * FROM process_shares WHERE capture_id = %" PRId64 "\n"
		"    ORDER BY coalesce(pss_bytes, rss_bytes) DESC, pid LIMIT %d)\n"
		"SELECT p.pid, p.comm, p.cgroup, n.name AS cgroup_name, p.rss_bytes,\n"
		"       p.pss_bytes, p.pss_anon_bytes, p.pss_file_bytes, p.pss_shmem_bytes,\n"
		"       p.swap_bytes, p.share_pct\n"
		"FROM top p\n"
		"LEFT JOIN cgroup_names n ON n.capture_id = p.capture_id AND n.cgroup = p.cgroup\n"
		"ORDER BY coalesce(p.pss_bytes, p.rss_bytes) DESC, p.pid",
		c->capture_id, REPORT_TOP_PROCESSES);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_process *p = GROW(c->processes, c->nprocesses);

		p->pid = get_i64(st, "pid");
		p->comm = get_str(st, "comm");
		p->cgroup = get_str(st, "cgroup");
		p->cgroup_name = get_str(st, "cgroup_name");
		p->rss = get_num(st, "rss_bytes");
		p->pss = get_num(st, "pss_bytes");
		p->pss_anon = get_num(st, "pss_anon_bytes");
		p->pss_file = get_num(st, "pss_file_bytes");
		p->pss_shmem = get_num(st, "pss_shmem_bytes");
		p->swap = get_num(st, "swap_bytes");
		p->share_pct = get_real(st, "share_pct");
	}
	return finish(l, st, rc);
}

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
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_bpf_owner *o = GROW(c->bpf_owners, c->nbpf_owners);

		o->pid = get_num(st, "pid");
		o->comm = get_str(st, "comm");
		o->cgroup = get_str(st, "cgroup");
		o->cgroup_name = get_str(st, "cgroup_name");
		o->maps = get_i64(st, "maps");
		o->memlock = get_num(st, "memlock_bytes");
	}
	if (finish(l, st, rc) < 0)
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
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_bpf_map *m = GROW(c->bpf_maps, c->nbpf_maps);

		m->map_id = get_i64(st, "map_id");
		m->name = get_str(st, "name");
		m->type = get_str(st, "type");
		m->max_entries = get_num(st, "max_entries");
		m->memlock = get_num(st, "memlock_bytes");
		m->holders = get_str(st, "holders");
	}
	return finish(l, st, rc);
}

static int load_problems(struct loader *l)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_PROBLEMS,
		"SELECT source, kind, normal, what, files, example, example_error\n"
		"FROM report_problems\n"
		"WHERE capture_id = %" PRId64 "\n"
		"ORDER BY normal, source DESC, kind, what, example_error", c->capture_id);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_problem *p = GROW(c->problems, c->nproblems);

		p->source = get_str(st, "source");
		p->kind = get_str(st, "kind");
		p->normal = get_i64(st, "normal") != 0;
		p->what = get_str(st, "what");
		p->files = get_i64(st, "files");
		p->example = get_str(st, "example");
		p->error = get_str(st, "example_error");
		if (!p->normal)
			c->problem_files += p->files;
	}
	return finish(l, st, rc);
}

int report_load(sqlite3 *db, int64_t capture_id, const char *source_name,
		struct report *r, char **ret_err)
{
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, i;
	int rc;

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
		ids = xrealloc(ids, (nids + 1) * sizeof(*ids));
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
	for (i = 0; i < nids; i++) {
		struct loader l = { db, &r->captures[i], ret_err };

		r->ncaptures++;
		l.c->capture_id = ids[i];
		if (load_capture_row(&l) < 0 || load_node(&l) < 0 ||
		    load_parts(&l) < 0 || load_containers(&l) < 0 || load_growth(&l) < 0 ||
		    load_findings(&l) < 0 ||
		    load_ooms(&l) < 0 || load_oom_details(&l) < 0 || load_processes(&l) < 0 ||
		    load_bpf(&l) < 0 ||
		    load_problems(&l) < 0) {
			free(ids);
			return -1;
		}
	}
	free(ids);
	return 0;
}

int report_load_ooms(sqlite3 *db, int64_t capture_id, const char *source_name,
		     struct report *r, char **ret_err)
{
	struct loader l = { db, NULL, ret_err };

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

static void capture_free(struct report_capture *c)
{
	size_t i;

	free(c->name);
	free(c->hostname);
	free(c->kernel_release);
	free(c->cgroup_mode);
	free(c->started_at);
	free(c->finished_at);
	free(c->collector_version);
	free(c->interrupted);
	for (i = 0; i < c->ncontainers; i++) {
		struct report_container *k = &c->containers[i];

		free(k->cgroup);
		free(k->kind);
		free(k->name);
		free(k->group);
		free(k->subgroup);
		free(k->namespace_);
		free(k->pod);
		free(k->container);
		free(k->qos_class);
		free(k->limit_scope);
		free(k->parts);
	}
	free(c->containers);
	growth_free(c->growth);
	for (i = 0; i < c->nparts; i++) {
		free(c->parts[i].part);
		free(c->parts[i].label);
		free(c->parts[i].letter);
		free(c->parts[i].colour);
		free(c->parts[i].meaning);
	}
	free(c->parts);
	free(c->node.left_out_reason);
	for (i = 0; i < c->nfindings; i++) {
		struct report_finding *f = &c->findings[i];

		free(f->cgroup);
		free(f->name);
		free(f->severity);
		free(f->code);
		free(f->title);
		free(f->evidence);
		free(f->query);
	}
	free(c->findings);
	for (i = 0; i < c->nooms; i++)
		oom_free(&c->ooms[i]);
	free(c->ooms);
	for (i = 0; i < c->nprocesses; i++) {
		free(c->processes[i].comm);
		free(c->processes[i].cgroup);
		free(c->processes[i].cgroup_name);
	}
	free(c->processes);
	for (i = 0; i < c->nbpf_owners; i++) {
		free(c->bpf_owners[i].comm);
		free(c->bpf_owners[i].cgroup);
		free(c->bpf_owners[i].cgroup_name);
	}
	free(c->bpf_owners);
	for (i = 0; i < c->nbpf_maps; i++) {
		free(c->bpf_maps[i].name);
		free(c->bpf_maps[i].type);
		free(c->bpf_maps[i].holders);
	}
	free(c->bpf_maps);
	for (i = 0; i < c->nproblems; i++) {
		struct report_problem *p = &c->problems[i];

		free(p->source);
		free(p->kind);
		free(p->what);
		free(p->example);
		free(p->error);
	}
	free(c->problems);
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
