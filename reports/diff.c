/* SPDX-License-Identifier: MIT */
/*
 * `memsnap diff`: the model and its three renderers.  Every section is one
 * query on the diff_* views (schema/98-diff.sql) with ?1 = a, ?2 = b,
 * ?3 = a's sample, ?4 = b's sample, and its columns' kinds, in the table `sections` below: the text, HTML and
 * JSON renderers all walk that table, so a section is defined once.
 */
#include "reports/diff.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html.h"
#include "reports/htmlw.h"
#include "reports/textout.h"

#include "common/banned.h"

enum col_kind {
	COL_TEXT,
	COL_INT,      /* a count or a pid */
	COL_BYTES,    /* a size: "48.0 MiB" */
	COL_DELTA,    /* a signed change: "+48.0 MiB" */
	COL_RATE,     /* a signed change per hour: "+576.0 MiB/h" */
};

#define DIFF_MAX_COLS 11

struct diff_col {
	const char *name;       /* the SQL column and the JSON key */
	const char *label;      /* the text and HTML header */
	enum col_kind kind;
	bool wide;              /* not in the text (a path): HTML and JSON only */
};

struct diff_section_def {
	const char *key;        /* the JSON key and the HTML id */
	const char *title;
	const char *none;       /* said when the section has no rows */
	const char *sql;
	struct diff_col cols[DIFF_MAX_COLS];
};

/* The pair a section reads: capture and sample of A, of B. */
#define PAIR(tbl) tbl ".a = ?1 AND " tbl ".b = ?2 AND " tbl ".sample_a = ?3 AND " \
	tbl ".sample_b = ?4"

/* The change of a matched row as the sections print it. */
#define CHANGE(tbl) \
	"CASE WHEN " tbl ".change <> 'same' THEN " tbl ".change WHEN " tbl ".delta_bytes > 0 " \
	"THEN 'grew' ELSE 'shrank' END"
/* Grown and shrunk first, biggest change first, then restarts, added, removed. */
#define CHANGE_ORDER(tbl) \
	"CASE " tbl ".change WHEN 'same' THEN 0 WHEN 'restarted' THEN 1 WHEN 'added' THEN 2 " \
	"ELSE 3 END, abs(" tbl ".delta_bytes) DESC"

/* The last columns of a section: the two sides, the change and its rate. */
#define COLS_CHANGE(name_a, label_a, name_b, label_b) \
	{ name_a, label_a, COL_BYTES }, { name_b, label_b, COL_BYTES }, \
	{ "delta_bytes", "change", COL_DELTA }, { "bytes_per_hour", "per hour", COL_RATE }

static const struct diff_section_def sections[] = {
	{ "pods", "Pods added and removed", "no pod added or removed",
	  "SELECT d.change, d.namespace, d.pod, d.pod_uid,\n"
	  "       coalesce(d.working_set_b, d.working_set_a) AS working_set_bytes\n"
	  "FROM diff_pods d WHERE " PAIR("d") " AND d.change <> 'same'\n"
	  "ORDER BY d.change, d.namespace, d.pod, d.pod_uid",
	  { { "change", "change", COL_TEXT }, { "namespace", "namespace", COL_TEXT },
	    { "pod", "pod", COL_TEXT }, { "pod_uid", "uid", COL_TEXT },
	    { "working_set_bytes", "working set", COL_BYTES } } },
	{ "containers", "Containers", "no container changed",
	  "SELECT " CHANGE("d") " AS change,\n"
	  "       d.namespace, d.pod, d.container,\n"
	  "       substr(d.container_id_a, 1, 12) AS id_a, substr(d.container_id_b, 1, 12) AS id_b,\n"
	  "       d.working_set_a, d.working_set_b, d.delta_bytes, d.bytes_per_hour,\n"
	  "       CASE d.note WHEN 'by program' THEN 'same program: ' || d.program_b\n"
	  "         WHEN 'ambiguous' THEN 'not paired: others of the pod run '\n"
	  "                               || coalesce(d.program_b, d.program_a) || ' too'\n"
	  "         WHEN 'unmatched' THEN 'not paired: none ' || iif(d.change = 'added', 'removed',\n"
	  "                               'added') || ' runs ' || coalesce(d.program_b, d.program_a)\n"
	  "       END AS note\n"
	  "FROM diff_containers d\n"
	  "WHERE " PAIR("d") " AND (d.change <> 'same' OR d.delta_bytes <> 0)\n"
	  "ORDER BY " CHANGE_ORDER("d") ", d.namespace, d.pod, d.container, id_a, id_b",
	  { { "change", "change", COL_TEXT }, { "namespace", "namespace", COL_TEXT },
	    { "pod", "pod", COL_TEXT }, { "container", "container", COL_TEXT },
	    { "id_a", "id in A", COL_TEXT }, { "id_b", "id in B", COL_TEXT },
	    COLS_CHANGE("working_set_a", "working set A", "working_set_b", "working set B"),
	    { "note", "note", COL_TEXT } } },
	{ "container_components", "What grew or shrank in the containers, by component",
	  "no component of a container changed",
	  "SELECT coalesce(d.namespace, '?') || '/' || coalesce(d.pod, '?') || '/'\n"
	  "         || coalesce(d.container, substr(d.container_id_b, 1, 12)) AS container,\n"
	  "       k.component, k.bytes_a, k.bytes_b, k.delta_bytes, k.bytes_per_hour\n"
	  "FROM diff_containers d\n"
	  "JOIN diff_cgroup_components k ON k.a = d.a AND k.b = d.b AND k.sample_a = d.sample_a\n"
	  "                             AND k.sample_b = d.sample_b AND k.cgroup = d.cgroup_b\n"
	  "WHERE " PAIR("d") " AND d.change = 'same' AND k.delta_bytes <> 0\n"
	  "ORDER BY container, k.ord",
	  { { "container", "container", COL_TEXT }, { "component", "component", COL_TEXT },
	    COLS_CHANGE("bytes_a", "A", "bytes_b", "B") } },
	{ "cgroups", "Other cgroups (matched by path)", "no other cgroup changed",
	  "SELECT " CHANGE("d") " AS change,\n"
	  "       d.kind, d.cgroup, d.working_set_a, d.working_set_b, d.delta_bytes,\n"
	  "       d.bytes_per_hour\n"
	  "FROM diff_cgroups d\n"
	  "WHERE " PAIR("d") "\n"
	  "  AND coalesce(d.kind, '') NOT IN ('k8s-container', 'k8s-pod')\n"
	  "  AND (d.change <> 'same' OR d.delta_bytes <> 0)\n"
	  "ORDER BY " CHANGE_ORDER("d") ", d.cgroup",
	  { { "change", "change", COL_TEXT }, { "kind", "kind", COL_TEXT },
	    { "cgroup", "cgroup", COL_TEXT },
	    COLS_CHANGE("working_set_a", "working set A", "working_set_b", "working set B") } },
	{ "processes", "Processes (matched by pid and name)", "no process changed",
	  "SELECT " CHANGE("d") " AS change,\n"
	  "       d.pid, d.comm_a, d.comm_b, n.name AS cgroup_name,\n"
	  "       coalesce(d.cgroup_b, d.cgroup_a) AS cgroup,\n"
	  "       d.rss_a, d.rss_b, d.delta_bytes, d.bytes_per_hour\n"
	  "FROM diff_processes d\n"
	  "LEFT JOIN cgroup_names n ON n.capture_id = iif(d.cgroup_b IS NULL, d.a, d.b)\n"
	  "                        AND n.cgroup = coalesce(d.cgroup_b, d.cgroup_a)\n"
	  "WHERE " PAIR("d") " AND (d.change <> 'same' OR d.delta_bytes <> 0)\n"
	  "ORDER BY " CHANGE_ORDER("d") ", d.pid",
	  { { "change", "change", COL_TEXT }, { "pid", "pid", COL_INT },
	    { "comm_a", "name in A", COL_TEXT }, { "comm_b", "name in B", COL_TEXT },
	    { "cgroup_name", "cgroup", COL_TEXT, false },
	    { "cgroup", "cgroup path", COL_TEXT, true },
	    COLS_CHANGE("rss_a", "RSS A", "rss_b", "RSS B") } },
	{ "process_parts", "What grew or shrank in the processes, by part",
	  "no part of a process changed",
	  "SELECT k.pid, k.comm, k.label AS part, k.bytes_a, k.bytes_b, k.delta_bytes,\n"
	  "       k.bytes_per_hour\n"
	  "FROM diff_process_parts k\n"
	  "WHERE " PAIR("k") " AND k.delta_bytes <> 0\n"
	  "ORDER BY k.pid, k.ord",
	  { { "pid", "pid", COL_INT }, { "comm", "name", COL_TEXT },
	    { "part", "part", COL_TEXT }, COLS_CHANGE("bytes_a", "A", "bytes_b", "B") } },
};

static const char pair_sql[] =
	"SELECT p.same_boot, p.same_host, p.interval_s,\n"
	"       x.name, x.hostname, x.started_at, x.boot_id,\n"
	"       y.name, y.hostname, y.started_at, y.boot_id,\n"
	"       EXISTS (SELECT 1 FROM report_problems r WHERE r.capture_id IN (?1, ?2)\n"
	"               AND NOT r.normal)\n"
	"       OR EXISTS (SELECT 1 FROM capture c WHERE c.capture_id IN (?1, ?2)\n"
	"                  AND NOT coalesce(c.complete, 0)),\n"
	"       p.series, (SELECT count(*) FROM samples s WHERE s.capture_id = ?1),\n"
	"       (SELECT s.wall_time FROM samples s WHERE s.capture_id = ?1 AND s.sample = ?3),\n"
	"       (SELECT s.wall_time FROM samples s WHERE s.capture_id = ?2 AND s.sample = ?4)\n"
	"FROM diff_pairs p JOIN captures x ON x.capture_id = p.a\n"
	"JOIN captures y ON y.capture_id = p.b\n"
	"WHERE " PAIR("p");

static size_t ncols_of(const struct diff_section_def *def)
{
	size_t n = 0;

	while (n < DIFF_MAX_COLS && def->cols[n].name)
		n++;
	return n;
}

static char *column_dup(sqlite3_stmt *st, int c)
{
	const unsigned char *s = sqlite3_column_text(st, c);

	return s ? xstrndup((const char *)s, (size_t)sqlite3_column_bytes(st, c)) : NULL;
}

static char *db_error(sqlite3 *db)
{
	return xstrndup(sqlite3_errmsg(db), strlen(sqlite3_errmsg(db)));
}

static int prepare(sqlite3 *db, const char *sql, const struct diff *d, sqlite3_stmt **ret,
		   char **ret_err)
{
	if (sqlite3_prepare_v2(db, sql, -1, ret, NULL) != SQLITE_OK) {
		*ret_err = db_error(db);
		return -1;
	}
	sqlite3_bind_int64(*ret, 1, d->a.capture_id);
	sqlite3_bind_int64(*ret, 2, d->b.capture_id);
	sqlite3_bind_int64(*ret, 3, d->a.sample);
	sqlite3_bind_int64(*ret, 4, d->b.sample);
	return 0;
}

static int load_section(sqlite3 *db, const struct diff *d, struct diff_section *s,
			char **ret_err)
{
	size_t ncols = ncols_of(s->def), alloc = 0, c;
	sqlite3_stmt *st = NULL;
	int rc, ret = -1;

	if (prepare(db, s->def->sql, d, &st, ret_err) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct diff_cell *row;

		ALLOC_GROW(s->cells, (s->nrows + 1) * ncols, alloc);
		row = s->cells + s->nrows * ncols;
		for (c = 0; c < ncols; c++) {
			memset(&row[c], 0, sizeof(row[c]));
			if (s->def->cols[c].kind == COL_TEXT) {
				row[c].s = column_dup(st, (int)c);
			} else if (sqlite3_column_type(st, (int)c) != SQLITE_NULL) {
				row[c].v = sqlite3_column_int64(st, (int)c);
				row[c].set = true;
			}
		}
		s->nrows++;
	}
	if (rc != SQLITE_DONE) {
		*ret_err = db_error(db);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

int diff_load(sqlite3 *db, int64_t a, int64_t sa, int64_t b, int64_t sb, struct diff *d,
	      char **ret_err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc, ret = -1;

	d->a.capture_id = a;
	d->a.sample = sa;
	d->b.capture_id = b;
	d->b.sample = sb;
	if (prepare(db, pair_sql, d, &st, ret_err) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			struct strbuf msg = STRBUF_INIT;

			if (a == b)
				strbuf_addf(&msg, "no sample %" PRId64 " or no sample %" PRId64
					    " in capture %" PRId64, sa, sb, a);
			else
				strbuf_addf(&msg, "no capture %" PRId64 " or no capture %" PRId64,
					    a, b);
			*ret_err = strbuf_detach(&msg, NULL);
		} else {
			*ret_err = db_error(db);
		}
		goto out;
	}
	d->same_boot = sqlite3_column_int(st, 0);
	d->same_host = sqlite3_column_int(st, 1);
	d->interval_s = sqlite3_column_double(st, 2);
	d->a.name = column_dup(st, 3);
	d->a.hostname = column_dup(st, 4);
	d->a.started_at = column_dup(st, 5);
	d->a.boot_id = column_dup(st, 6);
	d->b.name = column_dup(st, 7);
	d->b.hostname = column_dup(st, 8);
	d->b.started_at = column_dup(st, 9);
	d->b.boot_id = column_dup(st, 10);
	d->problems = sqlite3_column_int(st, 11);
	d->series = sqlite3_column_int(st, 12);
	d->nsamples = sqlite3_column_int64(st, 13);
	d->a.taken_at = column_dup(st, 14);
	d->b.taken_at = column_dup(st, 15);
	d->nsections = ARRAY_SIZE(sections);
	d->sections = xcalloc(d->nsections, sizeof(*d->sections));
	for (i = 0; i < d->nsections; i++) {
		d->sections[i].def = &sections[i];
		if (load_section(db, d, &d->sections[i], ret_err) < 0)
			goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static void side_free(struct diff_side *s)
{
	free(s->name);
	free(s->hostname);
	free(s->started_at);
	free(s->boot_id);
	free(s->taken_at);
}

void diff_free(struct diff *d)
{
	size_t i, j;

	for (i = 0; i < d->nsections; i++) {
		struct diff_section *s = &d->sections[i];

		for (j = 0; j < s->nrows * ncols_of(s->def); j++)
			free(s->cells[j].s);
		free(s->cells);
	}
	free(d->sections);
	side_free(&d->a);
	side_free(&d->b);
	free(d->source);
	memset(d, 0, sizeof(*d));
}

/* ---- what every renderer says the same way ------------------------------ */

/* A cell as text ("" for NULL text, NULL for an unknown number). */
static const char *cell_text(const struct diff_cell *cell, enum col_kind kind, char *buf,
			     size_t n)
{
	char tmp[32];

	if (kind == COL_TEXT)
		return cell->s;
	if (!cell->set)
		return NULL;
	switch (kind) {
	case COL_INT:
		xsnprintf(buf, n, "%" PRId64, cell->v);
		break;
	case COL_BYTES:
		human_bytes_signed(cell->v, buf, n);
		break;
	case COL_DELTA:
	case COL_RATE:
		human_bytes_signed(cell->v, tmp, sizeof(tmp));
		xsnprintf(buf, n, "%s%s%s", cell->v > 0 ? "+" : "", tmp,
			  kind == COL_RATE ? "/h" : "");
		break;
	case COL_TEXT:
		break;
	}
	return buf;
}

/* The interval as people read it: "300 s (5.0 min)", "1.50 s" (samples). */
static void interval_text(struct strbuf *sb, double s)
{
	strbuf_addf(sb, s < 10 && s > -10 ? "%.2f s" : "%.0f s", s);
	if (s >= 3600 || s <= -3600)
		strbuf_addf(sb, " (%.1f h)", s / 3600);
	else if (s >= 60 || s <= -60)
		strbuf_addf(sb, " (%.1f min)", s / 60);
}

/* What was matched and how, one sentence each. */
static void matching_notes(const struct diff *d, const char **notes, size_t *n)
{
	*n = 0;
	if (!d->same_host)
		notes[(*n)++] = "the captures are of two different hosts: cgroups are matched "
				"by path, pods by uid and containers by id all the same";
	if (d->same_boot)
		notes[(*n)++] = "processes are matched by pid and name: the captures hold no "
				"process start time, so a pid reused by a program of the same "
				"name is taken for the same process";
	else
		notes[(*n)++] = "the captures are of different boots (boot ids differ): "
				"processes are not compared (pids mean nothing across boots); "
				"cgroups are matched by path, pods by uid, containers by id";
	if (d->series) {
		notes[(*n)++] = "two samples of one capture: a later sample holds only the "
				"cgroups' memory.stat and usage and the processes' status, so "
				"the processes' sizes are status's in both (VmRSS, RssAnon, "
				"RssFile, RssShmem); on cgroup v1, kernel_other and unexplained "
				"are compared only where both samples have the kmem counter";
		notes[(*n)++] = "names are those of the first sample (Kubernetes names are read "
				"once): a pod or container made after it is known by its cgroup "
				"path only (uid, id); a container gone from a pod and one new in "
				"it are a restart when they run the same program (the name of "
				"their lowest pid) and no other gone or new one of the pod does; "
				"any other cgroup made after it is an added cgroup of no kind";
	}
	if (d->interval_s <= 0)
		notes[(*n)++] = "B was not taken after A: no rates";
	notes[(*n)++] = "a restarted container (same pod and name, or without names the same "
			"program, a new id) or process (same pid, another name) is a restart, "
			"never a growth or a shrink";
}

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

/* ---- text ---------------------------------------------------------------- */

static void text_section(const struct diff_section *s, size_t top, struct strbuf *out)
{
	size_t ncols = ncols_of(s->def), nshown = 0, shown, r, c;
	const char *cells[DIFF_MAX_COLS];
	char bufs[DIFF_MAX_COLS][48];
	size_t cols[DIFF_MAX_COLS];
	struct table t;

	strbuf_addf(out, "\n%s\n", s->def->title);
	if (!s->nrows) {
		strbuf_addf(out, "  %s\n", s->def->none);
		return;
	}
	for (c = 0; c < ncols; c++)
		if (!s->def->cols[c].wide)
			cols[nshown++] = c;
	table_init(&t, nshown);
	for (c = 0; c < nshown; c++)
		table_set_header(&t, c, s->def->cols[cols[c]].label,
				 s->def->cols[cols[c]].kind != COL_TEXT);
	shown = top && s->nrows > top ? top : s->nrows;
	for (r = 0; r < shown; r++) {
		for (c = 0; c < nshown; c++)
			cells[c] = cell_text(&s->cells[r * ncols + cols[c]],
					     s->def->cols[cols[c]].kind, bufs[c], sizeof(bufs[c]));
		table_add_row(&t, cells, NULL);
	}
	table_print_sb(&t, out, "-");
	table_free(&t);
	if (shown < s->nrows)
		strbuf_addf(out, "... and %zu more (--top 0 shows all)\n", s->nrows - shown);
}

static void text_escaped(struct strbuf *out, const char *s)
{
	s = or_unknown(s);
	term_escape(out, s, strlen(s));
}

static void text_side(struct strbuf *out, const char *label, const struct diff *d,
		      const struct diff_side *s)
{
	strbuf_addf(out, "%s: capture %" PRId64 " ", label, s->capture_id);
	if (d->series)
		strbuf_addf(out, "sample %" PRId64 " of %" PRId64 " ", s->sample, d->nsamples);
	text_escaped(out, s->name);
	strbuf_addstr(out, ", host ");
	text_escaped(out, s->hostname);
	strbuf_addstr(out, d->series ? ", taken " : ", started ");
	text_escaped(out, d->series ? s->taken_at : s->started_at);
	strbuf_addstr(out, ", boot ");
	text_escaped(out, s->boot_id);
	strbuf_addch(out, '\n');
}

void diff_render_text(const struct diff *d, size_t top, struct strbuf *out)
{
	const char *notes[8];
	size_t i, n;

	strbuf_addstr(out, "memsnap diff\n\n");
	text_side(out, "A", d, &d->a);
	text_side(out, "B", d, &d->b);
	strbuf_addstr(out, "interval: ");
	interval_text(out, d->interval_s);
	strbuf_addf(out, ", %s\n", d->same_boot ? "same boot" : "different boots");
	matching_notes(d, notes, &n);
	for (i = 0; i < n; i++)
		strbuf_addf(out, "note: %s\n", notes[i]);
	for (i = 0; i < d->nsections; i++) {
		if (!d->same_boot && starts_with(d->sections[i].def->key, "process"))
			continue;
		text_section(&d->sections[i], top, out);
	}
	if (d->problems)
		strbuf_addstr(out, "\nA or B is incomplete: `memsnap report` on each says what "
				   "it could not read\n");
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_side(struct jsonw *w, const char *name, const struct diff *d,
		      const struct diff_side *s)
{
	jsonw_name(w, name);
	jsonw_start_object(w);
	jsonw_kv_i64(w, "capture_id", s->capture_id);
	if (d->series) {
		jsonw_kv_i64(w, "sample", s->sample);
		jsonw_kv_string(w, "taken_at", s->taken_at);
	}
	jsonw_kv_string(w, "name", s->name);
	jsonw_kv_string(w, "hostname", s->hostname);
	jsonw_kv_string(w, "started_at", s->started_at);
	jsonw_kv_string(w, "boot_id", s->boot_id);
	jsonw_end_object(w);
}

void diff_render_json(const struct diff *d, struct strbuf *out)
{
	const char *notes[8];
	struct jsonw w;
	size_t i, r, c, n;

	jsonw_init(&w, out, true);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "memsnap_version", d->version);
	json_side(&w, "a", d, &d->a);
	json_side(&w, "b", d, &d->b);
	if (d->series) {
		jsonw_kv_bool(&w, "series", true);
		jsonw_kv_i64(&w, "samples", d->nsamples);
	}
	jsonw_name(&w, "interval_s");
	jsonw_double(&w, d->interval_s, 3);
	jsonw_kv_bool(&w, "same_boot", d->same_boot);
	jsonw_kv_bool(&w, "same_host", d->same_host);
	jsonw_kv_bool(&w, "processes_compared", d->same_boot);
	jsonw_kv_bool(&w, "incomplete", d->problems);
	jsonw_name(&w, "notes");
	jsonw_start_array(&w);
	matching_notes(d, notes, &n);
	for (i = 0; i < n; i++)
		jsonw_string(&w, notes[i]);
	jsonw_end_array(&w);
	for (i = 0; i < d->nsections; i++) {
		const struct diff_section *s = &d->sections[i];
		size_t ncols = ncols_of(s->def);

		jsonw_name(&w, s->def->key);
		jsonw_start_array(&w);
		for (r = 0; r < s->nrows; r++) {
			jsonw_start_object(&w);
			for (c = 0; c < ncols; c++) {
				const struct diff_cell *cell = &s->cells[r * ncols + c];

				jsonw_name(&w, s->def->cols[c].name);
				if (s->def->cols[c].kind == COL_TEXT && cell->s)
					jsonw_string(&w, cell->s);
				else if (s->def->cols[c].kind != COL_TEXT && cell->set)
					jsonw_i64(&w, cell->v);
				else
					jsonw_null(&w);
			}
			jsonw_end_object(&w);
		}
		jsonw_end_array(&w);
	}
	jsonw_end_object(&w);
	strbuf_addch(out, '\n');
}

/* ---- HTML ---------------------------------------------------------------- */

#define S(lit) strbuf_addstr(out, lit)

/* The section's SQL with its pair written in, so that it runs as it is. */
static char *section_sql(const struct diff *d, const char *sql)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *sql; sql++) {
		if (sql[0] == '?' && sql[1] >= '1' && sql[1] <= '4') {
			const int64_t v[4] = { d->a.capture_id, d->b.capture_id, d->a.sample,
					       d->b.sample };

			strbuf_addf(&sb, "%" PRId64, v[sql[1] - '1']);
			sql++;
		} else {
			strbuf_addch(&sb, *sql);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static void html_side(struct strbuf *out, const char *label, const struct diff *d,
		      const struct diff_side *s)
{
	strbuf_addf(out, "<tr><th>%s</th><td>%" PRId64 "</td><td>", label, s->capture_id);
	if (d->series)
		strbuf_addf(out, "%" PRId64 " of %" PRId64 "</td><td>", s->sample, d->nsamples);
	html_textz(out, or_unknown(s->name));
	S("</td><td>");
	html_textz(out, or_unknown(s->hostname));
	S("</td><td>");
	html_textz(out, or_unknown(d->series ? s->taken_at : s->started_at));
	S("</td><td>");
	html_textz(out, or_unknown(s->boot_id));
	S("</td></tr>\n");
}

static void html_section(struct strbuf *out, const struct diff *d, const struct diff_section *s)
{
	size_t ncols = ncols_of(s->def), r, c;
	char buf[48], *sql;

	strbuf_addf(out, "<section id=\"%s\">\n<h2>", s->def->key);
	html_textz(out, s->def->title);
	S("</h2>\n");
	if (!s->nrows) {
		S("<p>");
		html_textz(out, s->def->none);
		S("</p>\n");
	} else {
		S("<table>\n<thead><tr>");
		for (c = 0; c < ncols; c++) {
			S(s->def->cols[c].kind == COL_TEXT ? "<th>" : "<th class=\"num\">");
			html_textz(out, s->def->cols[c].label);
			S("</th>");
		}
		S("</tr></thead>\n<tbody>\n");
		for (r = 0; r < s->nrows; r++) {
			S("<tr>");
			for (c = 0; c < ncols; c++) {
				const char *t = cell_text(&s->cells[r * ncols + c],
							  s->def->cols[c].kind, buf, sizeof(buf));

				S(s->def->cols[c].kind == COL_TEXT ? "<td>" : "<td class=\"num\">");
				html_textz(out, t ? t : "-");
				S("</td>");
			}
			S("</tr>\n");
		}
		S("</tbody>\n</table>\n");
	}
	sql = section_sql(d, s->def->sql);
	report_html_sql(out, d->source, sql);
	free(sql);
	S("</section>\n");
}

void diff_render_html(const struct diff *d, struct strbuf *out)
{
	struct strbuf title = STRBUF_INIT;
	const char *notes[8];
	size_t i, n;

	strbuf_addf(&title, "memsnap diff: %s", or_unknown(d->a.hostname));
	report_html_page_open(out, d->version, title.buf);
	if (d->series)
		S("<section id=\"pair\">\n<h1>What changed between two samples of one capture"
		  "</h1>\n<table>\n<thead><tr><th></th><th class=\"num\">capture</th>"
		  "<th>sample</th><th>name</th><th>host</th><th>taken</th><th>boot id</th></tr>"
		  "</thead>\n<tbody>\n");
	else
		S("<section id=\"pair\">\n<h1>What changed between two captures</h1>\n<table>\n"
		  "<thead><tr><th></th><th class=\"num\">capture</th><th>name</th><th>host</th>"
		  "<th>started</th><th>boot id</th></tr></thead>\n<tbody>\n");
	html_side(out, "A", d, &d->a);
	html_side(out, "B", d, &d->b);
	S("</tbody>\n</table>\n<p>Interval: ");
	strbuf_reset(&title);
	interval_text(&title, d->interval_s);
	html_text(out, title.buf, title.len);
	S(d->same_boot ? ", same boot.</p>\n<ul>\n" : ", different boots.</p>\n<ul>\n");
	matching_notes(d, notes, &n);
	for (i = 0; i < n; i++) {
		S("<li>");
		html_textz(out, notes[i]);
		S("</li>\n");
	}
	S("</ul>\n");
	if (!d->source_is_db)
		S(d->series ? "<p>The SQL below runs on a database of the capture: "
			      "<code>memsnap load -o DB CAPTURE</code>.</p>\n"
			    : "<p>The SQL below runs on a database of both captures: "
			      "<code>memsnap load -o DB A B</code>.</p>\n");
	if (d->problems)
		S("<p>A or B is incomplete: <code>memsnap report</code> on each says what it "
		  "could not read.</p>\n");
	S("</section>\n");
	for (i = 0; i < d->nsections; i++) {
		if (!d->same_boot && starts_with(d->sections[i].def->key, "process"))
			continue;
		html_section(out, d, &d->sections[i]);
	}
	report_html_page_close(out, d->version, d->source);
	strbuf_release(&title);
}
