/* SPDX-License-Identifier: MIT */
/*
 * The fleet summary: a database of several captures as one report.  What
 * it covers ("20 captures from 3 nodes, 2026-11-02 to 2026-12-04"; the
 * inputs that could not be loaded), then captures by node and kernel, OOM
 * kills by namespace, pod and container across captures, findings by code
 * with the captures they occur in, and the inputs not loaded.
 *
 * The model is filled from the report_fleet_* views only (each query kept
 * as it ran, shown under its table in the HTML); the three renderers below
 * format it.  Capture strings go through term_escape() (textout's table),
 * html_text()/html_attr() and jsonw, never raw.  Rows come sorted by the
 * queries, so the output is deterministic.
 */
#include "reports/fleet.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html.h"
#include "reports/htmlw.h"
#include "reports/textout.h"

#include "common/banned.h"

/* The text keeps to 100 columns, as the one-capture report does: names
 * are cut with "\u2026" to their column's width below, and a cell of capture
 * ids lists those that fit, then "+N more" (HTML and JSON list them all). */

static const struct {
	const char *key, *title;
} fleet_queries[FQ_COUNT] = {
	[FQ_SUMMARY] = { "fleet_summary", "What the database covers" },
	[FQ_NODES] = { "fleet_nodes", "Captures by node and kernel" },
	[FQ_OOM] = { "fleet_oom_kills", "OOM kills by namespace, pod and container" },
	[FQ_FINDINGS] = { "fleet_findings", "Findings by code" },
	[FQ_NOT_LOADED] = { "fleet_not_loaded", "Inputs not loaded" },
};

static const char *const fleet_sql[FQ_COUNT] = {
	[FQ_SUMMARY] =
		"SELECT captures, nodes, unknown_nodes, kernels, first_started_at,\n"
		"       last_started_at, incomplete_captures, problem_captures, oom_kills,\n"
		"       oom_kill_rows, inputs_not_loaded\n"
		"FROM report_fleet_summary",
	[FQ_NODES] =
		"SELECT hostname, kernel_release, captures, first_started_at,\n"
		"       last_started_at, last_capture_id, capture_ids, oom_kills\n"
		"FROM report_fleet_nodes\n"
		"ORDER BY hostname, first_started_at, kernel_release",
	[FQ_OOM] =
		"SELECT namespace, pod, container, task_memcg, kills, captures, nodes,\n"
		"       first_wall_time, last_wall_time, capture_ids\n"
		"FROM report_fleet_oom_kills\n"
		"ORDER BY kills DESC, namespace, pod, container, task_memcg",
	[FQ_FINDINGS] =
		"SELECT severity, code, findings, captures, nodes, capture_ids\n"
		"FROM report_fleet_findings\n"
		"ORDER BY severity_rank, code, severity",
	[FQ_NOT_LOADED] =
		"SELECT path, problem\n"
		"FROM report_fleet_not_loaded\n"
		"ORDER BY path, problem",
};

#define GROW(arr, n) ((arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))), \
		      memset(&(arr)[n], 0, sizeof(*(arr))), &(arr)[(n)++])

/* ---- the model ------------------------------------------------------------ */

static void sql_error(sqlite3 *db, const char *key, char **ret_err)
{
	struct strbuf e = STRBUF_INIT;

	strbuf_addf(&e, "SQL: %s (query '%s')", sqlite3_errmsg(db), key);
	*ret_err = strbuf_detach(&e, NULL);
}

int report_fleet_count(sqlite3 *db, int64_t *ret_n, char **ret_err)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM captures", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sql_error(db, "count", ret_err);
		goto out;
	}
	*ret_n = sqlite3_column_int64(st, 0);
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static void read_row(struct report_fleet *f, enum fleet_query_id q, sqlite3_stmt *st)
{
	switch (q) {
	case FQ_SUMMARY:
		f->captures = report_col_num(st, "captures");
		f->nodes = report_col_num(st, "nodes");
		f->unknown_nodes = report_col_num(st, "unknown_nodes");
		f->kernels = report_col_num(st, "kernels");
		f->first_started_at = report_col_str(st, "first_started_at");
		f->last_started_at = report_col_str(st, "last_started_at");
		f->incomplete_captures = report_col_num(st, "incomplete_captures");
		f->problem_captures = report_col_num(st, "problem_captures");
		f->oom_kills = report_col_num(st, "oom_kills");
		f->oom_kill_rows = report_col_num(st, "oom_kill_rows");
		f->inputs_not_loaded = report_col_num(st, "inputs_not_loaded");
		break;
	case FQ_NODES: {
		struct fleet_node *n = GROW(f->nodes_, f->nnodes);

		n->hostname = report_col_str(st, "hostname");
		n->kernel_release = report_col_str(st, "kernel_release");
		n->captures = report_col_num(st, "captures");
		n->first_started_at = report_col_str(st, "first_started_at");
		n->last_started_at = report_col_str(st, "last_started_at");
		n->last_capture_id = report_col_num(st, "last_capture_id");
		n->capture_ids = report_col_str(st, "capture_ids");
		n->oom_kills = report_col_num(st, "oom_kills");
		break;
	}
	case FQ_OOM: {
		struct fleet_oom *o = GROW(f->ooms, f->nooms);

		o->namespace_ = report_col_str(st, "namespace");
		o->pod = report_col_str(st, "pod");
		o->container = report_col_str(st, "container");
		o->task_memcg = report_col_str(st, "task_memcg");
		o->kills = report_col_num(st, "kills");
		o->captures = report_col_num(st, "captures");
		o->nodes = report_col_num(st, "nodes");
		o->first_wall_time = report_col_str(st, "first_wall_time");
		o->last_wall_time = report_col_str(st, "last_wall_time");
		o->capture_ids = report_col_str(st, "capture_ids");
		break;
	}
	case FQ_FINDINGS: {
		struct fleet_finding *k = GROW(f->finds, f->nfinds);

		k->severity = report_col_str(st, "severity");
		k->code = report_col_str(st, "code");
		k->findings = report_col_num(st, "findings");
		k->captures = report_col_num(st, "captures");
		k->nodes = report_col_num(st, "nodes");
		k->capture_ids = report_col_str(st, "capture_ids");
		break;
	}
	case FQ_NOT_LOADED: {
		struct fleet_input *in = GROW(f->not_loaded, f->nnot_loaded);

		in->path = report_col_str(st, "path");
		in->problem = report_col_str(st, "problem");
		break;
	}
	case FQ_COUNT:
		break;
	}
}

int report_fleet_load(sqlite3 *db, const char *source_name, struct report_fleet *f,
		      char **ret_err)
{
	sqlite3_stmt *st = NULL;
	size_t q;
	int rc, ret = -1;

	memset(f, 0, sizeof(*f));
	f->source = xstrdup(source_name);
	for (q = 0; q < FQ_COUNT; q++) {
		f->queries[q].key = fleet_queries[q].key;
		f->queries[q].sql = xstrdup(fleet_sql[q]);
		if (sqlite3_prepare_v2(db, fleet_sql[q], -1, &st, NULL) != SQLITE_OK) {
			sql_error(db, fleet_queries[q].key, ret_err);
			goto out;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			read_row(f, (enum fleet_query_id)q, st);
		if (rc != SQLITE_DONE) {
			sql_error(db, fleet_queries[q].key, ret_err);
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

void report_fleet_free(struct report_fleet *f)
{
	size_t i;

	if (!f)
		return;
	free(f->first_started_at);
	free(f->last_started_at);
	for (i = 0; i < f->nnodes; i++) {
		free(f->nodes_[i].hostname);
		free(f->nodes_[i].kernel_release);
		free(f->nodes_[i].first_started_at);
		free(f->nodes_[i].last_started_at);
		free(f->nodes_[i].capture_ids);
	}
	free(f->nodes_);
	for (i = 0; i < f->nooms; i++) {
		free(f->ooms[i].namespace_);
		free(f->ooms[i].pod);
		free(f->ooms[i].container);
		free(f->ooms[i].task_memcg);
		free(f->ooms[i].first_wall_time);
		free(f->ooms[i].last_wall_time);
		free(f->ooms[i].capture_ids);
	}
	free(f->ooms);
	for (i = 0; i < f->nfinds; i++) {
		free(f->finds[i].severity);
		free(f->finds[i].code);
		free(f->finds[i].capture_ids);
	}
	free(f->finds);
	for (i = 0; i < f->nnot_loaded; i++) {
		free(f->not_loaded[i].path);
		free(f->not_loaded[i].problem);
	}
	free(f->not_loaded);
	for (i = 0; i < FQ_COUNT; i++)
		free(f->queries[i].sql);
	free(f->source);
	memset(f, 0, sizeof(*f));
}

/* ---- words every renderer shows --------------------------------------------- */

/* "12" or "unknown": a count a view could not make. */
static void count_text(struct strbuf *sb, struct rnum v)
{
	if (v.set)
		strbuf_addf(sb, "%" PRId64, v.v);
	else
		strbuf_addstr(sb, "unknown");
}

/* "3 captures", "1 capture", "unknown captures" */
static void counted(struct strbuf *sb, struct rnum v, const char *one, const char *many)
{
	count_text(sb, v);
	strbuf_addf(sb, " %s", v.set && v.v == 1 ? one : many);
}

/* The day of an ISO 8601 time, as the capture wrote it (untrusted: the
 * caller escapes); "unknown" for NULL. */
static void day(struct strbuf *sb, const char *iso)
{
	if (!iso)
		strbuf_addstr(sb, "unknown");
	else
		strbuf_add(sb, iso, strnlen(iso, 10));
}

/* "2 inputs could not be loaded"; nothing when every input was. */
static void not_loaded_clause(struct strbuf *sb, const struct report_fleet *f)
{
	if (!f->inputs_not_loaded.set || !f->inputs_not_loaded.v)
		return;
	counted(sb, f->inputs_not_loaded, "input", "inputs");
	strbuf_addstr(sb, " could not be loaded");
}

/* The opening sentence: "20 captures from 3 nodes, 2026-11-02 to
 * 2026-12-04", then "; 2 inputs could not be loaded" when some could not
 * and `not_loaded` (the text says that on a line of its own) (raw: the
 * caller escapes, the dates are capture text). */
static void cover(struct strbuf *sb, const struct report_fleet *f, bool not_loaded)
{
	counted(sb, f->captures, "capture", "captures");
	strbuf_addstr(sb, " from ");
	counted(sb, f->nodes, "node", "nodes");
	if (f->unknown_nodes.set && f->unknown_nodes.v)
		strbuf_addf(sb, " (and %" PRId64 " without a hostname)", f->unknown_nodes.v);
	strbuf_addstr(sb, ", ");
	day(sb, f->first_started_at);
	strbuf_addstr(sb, " to ");
	day(sb, f->last_started_at);
	if (not_loaded && f->inputs_not_loaded.set && f->inputs_not_loaded.v) {
		strbuf_addstr(sb, "; ");
		not_loaded_clause(sb, f);
	}
}

/* The second line: kernels, kills, incomplete captures.  A kill is
 * counted once however many captures' logs repeat it; when some do, the
 * rows the one-capture reports add up to are said too, and why. */
static void cover_details(struct strbuf *sb, const struct report_fleet *f)
{
	counted(sb, f->kernels, "kernel", "kernels");
	strbuf_addstr(sb, ", ");
	counted(sb, f->oom_kills, "OOM kill", "OOM kills");
	if (f->oom_kills.set && f->oom_kill_rows.set && f->oom_kill_rows.v > f->oom_kills.v)
		strbuf_addf(sb, " (%" PRId64 " in the captures' logs, which repeat a boot's "
			    "earlier kills)", f->oom_kill_rows.v);
	if (f->problem_captures.set && f->problem_captures.v) {
		strbuf_addstr(sb, "; ");
		counted(sb, f->problem_captures, "capture is", "captures are");
		strbuf_addstr(sb, " incomplete or could not read some files");
	}
}

/* Whom an OOM kill row is about: "namespace/pod/container", each part
 * "unknown" when NULL, or "cgroup PATH" for a kill without any name. */
static void oom_who(struct strbuf *sb, const struct fleet_oom *o)
{
	if (!o->namespace_ && !o->pod && !o->container) {
		strbuf_addstr(sb, "cgroup ");
		strbuf_addstr(sb, o->task_memcg ? o->task_memcg : "unknown");
		return;
	}
	strbuf_addf(sb, "%s/%s/%s", o->namespace_ ? o->namespace_ : "unknown",
		    o->pod ? o->pod : "unknown", o->container ? o->container : "unknown");
}

/* A comma-separated id list (digits and commas) in at most cols columns:
 * the first ids, then " +N more" for the rest when they do not all fit. */
static void ids_text(struct strbuf *sb, const char *ids, size_t cols)
{
	size_t total = 1, shown = 0, end = 0, i;
	const char *p;
	char more[32];

	if (!ids) {
		strbuf_addstr(sb, "unknown");
		return;
	}
	if (strlen(ids) <= cols) {
		strbuf_addstr(sb, ids);
		return;
	}
	for (p = ids; *p; p++)
		total += *p == ',';
	/* grow the prefix id by id while it and the " +N more" after it fit */
	for (i = 0; ; i++) {
		size_t next = i + strcspn(ids + i, ",");

		xsnprintf(more, sizeof(more), " +%zu more", total - shown - 1);
		if (shown && next + strlen(more) > cols)
			break;
		end = next;
		shown++;
		if (!ids[next])
			break;
		i = next;
	}
	strbuf_add(sb, ids, end);
	if (shown < total)
		strbuf_addf(sb, " +%zu more", total - shown);
}

/* ---- text ----------------------------------------------------------------- */

struct tout {
	struct strbuf *sb;
	bool color;
};

static void bold(struct tout *o, const char *s)
{
	if (o->color)
		strbuf_addf(o->sb, "\033[1m%s\033[0m", s);
	else
		strbuf_addstr(o->sb, s);
}

/* The three tables: headers and widths (0: a number); each adds up to 100
 * columns with the two spaces between columns. */
static const char *const node_heads[] = { "node", "kernel", "captures", "first", "last",
					  "latest id", "OOM kills" };
static const size_t node_max[] = { 20, 22, 0, 10, 10, 0, 0 };
#define OOM_IDS 18
static const char *const oom_heads[] = { "namespace/pod/container", "kills", "captures",
					 "nodes", "last", "capture ids" };
static const size_t oom_max[] = { 44, 0, 0, 0, 10, OOM_IDS };
#define FINDING_IDS 36
static const char *const finding_heads[] = { "severity", "code", "findings", "captures",
					     "nodes", "capture ids" };
static const size_t finding_max[] = { 8, 24, 0, 0, 0, FINDING_IDS };

/* The cells of row i of a table, as raw capture text (the table escapes). */
typedef void fill_row_fn(const struct report_fleet *f, size_t i, struct strbuf *cells);

/* A titled table of nrows rows; "none in any capture" when empty.  Column
 * j is at most max[j] columns wide (0: a number, as wide as it is). */
static void text_table(struct tout *o, const struct report_fleet *f, const char *title,
		       const char *const *heads, const size_t *max, size_t ncols,
		       size_t nrows, fill_row_fn *fill)
{
	struct strbuf cells[8];
	const char *p[ARRAY_SIZE(cells)];
	struct table t;
	size_t i, j;

	strbuf_addch(o->sb, '\n');
	bold(o, title);
	if (!nrows) {
		strbuf_addstr(o->sb, "  none in any capture\n");
		return;
	}
	strbuf_addch(o->sb, '\n');
	table_init(&t, ncols);
	for (j = 0; j < ncols; j++) {
		table_set_header(&t, j, heads[j], !max[j]);
		table_set_max(&t, j, max[j]);
		strbuf_init(&cells[j], 0);
	}
	for (i = 0; i < nrows; i++) {
		fill(f, i, cells);
		for (j = 0; j < ncols; j++)
			p[j] = cells[j].buf;
		table_add_row(&t, p, NULL);
		for (j = 0; j < ncols; j++)
			strbuf_reset(&cells[j]);
	}
	table_print_sb(&t, o->sb, "unknown");
	table_free(&t);
	for (j = 0; j < ncols; j++)
		strbuf_release(&cells[j]);
}

static void fill_node(const struct report_fleet *f, size_t i, struct strbuf *c)
{
	const struct fleet_node *n = &f->nodes_[i];

	strbuf_addstr(&c[0], n->hostname ? n->hostname : "unknown");
	strbuf_addstr(&c[1], n->kernel_release ? n->kernel_release : "unknown");
	count_text(&c[2], n->captures);
	day(&c[3], n->first_started_at);
	day(&c[4], n->last_started_at);
	count_text(&c[5], n->last_capture_id);
	count_text(&c[6], n->oom_kills);
}

static void fill_oom(const struct report_fleet *f, size_t i, struct strbuf *c)
{
	const struct fleet_oom *k = &f->ooms[i];

	oom_who(&c[0], k);
	count_text(&c[1], k->kills);
	count_text(&c[2], k->captures);
	count_text(&c[3], k->nodes);
	day(&c[4], k->last_wall_time);
	ids_text(&c[5], k->capture_ids, OOM_IDS);
}

static void fill_finding(const struct report_fleet *f, size_t i, struct strbuf *c)
{
	const struct fleet_finding *k = &f->finds[i];

	strbuf_addstr(&c[0], k->severity ? k->severity : "unknown");
	strbuf_addstr(&c[1], k->code ? k->code : "unknown");
	count_text(&c[2], k->findings);
	count_text(&c[3], k->captures);
	count_text(&c[4], k->nodes);
	ids_text(&c[5], k->capture_ids, FINDING_IDS);
}

/* The inputs memsnap load could not read: each its path, and why below
 * it, both wrapped but never cut (the path is what to fix); no section
 * when every input was loaded. */
static void text_not_loaded(struct tout *o, const struct report_fleet *f)
{
	struct strbuf t = STRBUF_INIT;
	size_t i;

	if (!f->nnot_loaded)
		return;
	strbuf_addch(o->sb, '\n');
	bold(o, "INPUTS NOT LOADED");
	strbuf_addstr(o->sb, "  memsnap load could not read them: none of the tables above holds them\n");
	for (i = 0; i < f->nnot_loaded; i++) {
		const struct fleet_input *in = &f->not_loaded[i];
		const char *path = in->path ? in->path : "unknown";
		const char *problem = in->problem ? in->problem : "unknown";

		strbuf_addstr(o->sb, "  ");
		term_escape(&t, path, strlen(path));
		report_text_wrap(o->sb, t.buf, 2, 4);
		strbuf_reset(&t);
		strbuf_addstr(o->sb, "      ");
		term_escape(&t, problem, strlen(problem));
		report_text_wrap(o->sb, t.buf, 6, 6);
		strbuf_reset(&t);
	}
	strbuf_release(&t);
}

void report_fleet_render_text(const struct report_fleet *f, const struct report_text_opts *opts,
			      struct strbuf *sb)
{
	static const char head[] = "memsnap fleet report: ";
	struct tout o = { sb, opts->color };
	struct strbuf line = STRBUF_INIT, esc = STRBUF_INIT;

	/* the sentences wrapped to 100 columns, the lines after each first
	 * one two spaces in; the inputs not loaded on a line of their own,
	 * not broken between the count and its noun */
	bold(&o, head);
	cover(&line, f, false);
	term_escape(&esc, line.buf, line.len);
	report_text_wrap(sb, esc.buf, strlen(head), 2);
	strbuf_reset(&line);
	strbuf_reset(&esc);
	not_loaded_clause(&line, f);
	if (line.len)
		strbuf_addf(sb, "%s (INPUTS NOT LOADED, at the end, lists them)\n", line.buf);
	strbuf_reset(&line);
	cover_details(&line, f);
	term_escape(&esc, line.buf, line.len);
	report_text_wrap(sb, esc.buf, 0, 2);
	text_table(&o, f, "CAPTURES BY NODE AND KERNEL", node_heads, node_max,
		   ARRAY_SIZE(node_heads), f->nnodes, fill_node);
	text_table(&o, f, f->nooms ? "OOM KILLS BY NAMESPACE, POD AND CONTAINER" : "OOM KILLS",
		   oom_heads, oom_max, ARRAY_SIZE(oom_heads), f->nooms, fill_oom);
	text_table(&o, f, f->nfinds ? "FINDINGS BY CODE" : "FINDINGS", finding_heads,
		   finding_max, ARRAY_SIZE(finding_heads), f->nfinds, fill_finding);
	text_not_loaded(&o, f);
	strbuf_addstr(sb, "\nOne capture in full: memsnap report --capture ID; every capture one "
		      "after the other: --each.\nEvery number above is a row of a report_fleet_* "
		      "view: --format html shows each query.\n");
	strbuf_release(&line);
	strbuf_release(&esc);
}

/* ---- HTML ----------------------------------------------------------------- */

#define S(lit) strbuf_addstr(out, lit)

static void h_num(struct strbuf *out, struct rnum v)
{
	html_int_cell(out, v, "unknown");
}

static void h_text(struct strbuf *out, const char *s)
{
	html_text_cell(out, s, "unknown");
}

/* A cell of already-built raw text (escaped here). */
static void h_sb(struct strbuf *out, struct strbuf *sb)
{
	S("<td>");
	html_text(out, sb->buf, sb->len);
	S("</td>");
	strbuf_reset(sb);
}

/* A section and its table, or a sentence when the table has no row. */
static void h_section(struct strbuf *out, const char *id, const char *title, size_t nrows,
		      const char *heads)
{
	strbuf_addf(out, "<section id=\"fleet-%s\"><h2>%s</h2>", id, title);
	if (!nrows) {
		S("<p>None in any capture.</p>");
		return;
	}
	S("<div class=\"scroll\"><table class=\"data\"><thead><tr>");
	S(heads);
	S("</tr></thead><tbody>");
}

static void h_section_close(struct strbuf *out, const struct report_fleet *f, size_t nrows,
			    enum fleet_query_id q)
{
	if (nrows)
		S("</tbody></table></div>");
	report_html_sql(out, f->source, f->queries[q].sql);
	S("</section>\n");
}

void report_fleet_render_html(const struct report_fleet *f, struct strbuf *out)
{
	struct strbuf t = STRBUF_INIT;
	size_t i;

	cover(&t, f, true);
	report_html_page_open(out, f->version, t.buf);
	S("<article class=\"capture fleet\" id=\"fleet\">\n<header class=\"capture-head\"><h1>");
	html_text(out, t.buf, t.len);
	strbuf_reset(&t);
	S("</h1><p class=\"meta\">");
	cover_details(&t, f);
	html_text(out, t.buf, t.len);
	strbuf_reset(&t);
	S(". One capture in full: <code>memsnap report --capture ID</code>; every capture one "
	  "after the other: <code>--each</code>.</p>");
	report_html_sql(out, f->source, f->queries[FQ_SUMMARY].sql);
	S("</header>\n");

	h_section(out, "nodes", "Captures by node and kernel", f->nnodes,
		  "<th>Node</th><th>Kernel</th><th class=\"n\">captures</th><th>first</th>"
		  "<th>last</th><th class=\"n\">last capture</th><th class=\"n\">OOM kills</th>"
		  "<th>capture ids</th>");
	for (i = 0; i < f->nnodes; i++) {
		const struct fleet_node *n = &f->nodes_[i];

		S("<tr>");
		h_text(out, n->hostname);
		h_text(out, n->kernel_release);
		h_num(out, n->captures);
		h_text(out, n->first_started_at);
		h_text(out, n->last_started_at);
		h_num(out, n->last_capture_id);
		h_num(out, n->oom_kills);
		h_text(out, n->capture_ids);
		S("</tr>");
	}
	h_section_close(out, f, f->nnodes, FQ_NODES);

	h_section(out, "oom", "OOM kills by namespace, pod and container", f->nooms,
		  "<th>Namespace/pod/container</th><th class=\"n\">kills</th>"
		  "<th class=\"n\">captures</th><th class=\"n\">nodes</th><th>first</th>"
		  "<th>last</th><th>capture ids</th>");
	for (i = 0; i < f->nooms; i++) {
		const struct fleet_oom *k = &f->ooms[i];

		S("<tr>");
		oom_who(&t, k);
		h_sb(out, &t);
		h_num(out, k->kills);
		h_num(out, k->captures);
		h_num(out, k->nodes);
		h_text(out, k->first_wall_time);
		h_text(out, k->last_wall_time);
		h_text(out, k->capture_ids);
		S("</tr>");
	}
	h_section_close(out, f, f->nooms, FQ_OOM);

	h_section(out, "findings", "Findings by code", f->nfinds,
		  "<th>Severity</th><th>Code</th><th class=\"n\">findings</th>"
		  "<th class=\"n\">captures</th><th class=\"n\">nodes</th><th>capture ids</th>");
	for (i = 0; i < f->nfinds; i++) {
		const struct fleet_finding *k = &f->finds[i];

		S("<tr>");
		h_text(out, k->severity);
		h_text(out, k->code);
		h_num(out, k->findings);
		h_num(out, k->captures);
		h_num(out, k->nodes);
		h_text(out, k->capture_ids);
		S("</tr>");
	}
	h_section_close(out, f, f->nfinds, FQ_FINDINGS);

	/* only when some input could not be loaded (the summary's query
	 * counts them either way) */
	if (f->nnot_loaded) {
		h_section(out, "not-loaded", "Inputs not loaded", f->nnot_loaded,
			  "<th>Input</th><th>Problem</th>");
		for (i = 0; i < f->nnot_loaded; i++) {
			S("<tr>");
			h_text(out, f->not_loaded[i].path);
			h_text(out, f->not_loaded[i].problem);
			S("</tr>");
		}
		h_section_close(out, f, f->nnot_loaded, FQ_NOT_LOADED);
	}
	S("</article>\n");
	report_html_page_close(out, f->version, f->source);
	strbuf_release(&t);
}

/* ---- JSON ----------------------------------------------------------------- */

static void j_num(struct jsonw *w, const char *name, struct rnum v)
{
	jsonw_name(w, name);
	if (v.set)
		jsonw_i64(w, v.v);
	else
		jsonw_null(w);
}

/* "1,2,3" as [1, 2, 3]: the view's list is digits and commas. */
static void j_ids(struct jsonw *w, const char *name, const char *ids)
{
	const char *p = ids;
	uint64_t v;

	jsonw_name(w, name);
	if (!ids) {
		jsonw_null(w);
		return;
	}
	jsonw_start_array(w);
	while (*p) {
		size_t n = strcspn(p, ",");

		if (parse_u64(p, n, &v) == 0)
			jsonw_u64(w, v);
		p += n + (p[n] == ',');
	}
	jsonw_end_array(w);
}

void report_fleet_render_json(const struct report_fleet *f, struct strbuf *out)
{
	struct jsonw w;
	size_t i;

	jsonw_init(&w, out, true);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "format", "memsnap-fleet-report");
	jsonw_kv_i64(&w, "format_version", 1);
	jsonw_kv_string(&w, "memsnap_version", f->version);
	jsonw_kv_string(&w, "source", f->source);
	j_num(&w, "captures", f->captures);
	j_num(&w, "nodes", f->nodes);
	j_num(&w, "unknown_nodes", f->unknown_nodes);
	j_num(&w, "kernels", f->kernels);
	jsonw_kv_string(&w, "first_started_at", f->first_started_at);
	jsonw_kv_string(&w, "last_started_at", f->last_started_at);
	j_num(&w, "incomplete_captures", f->incomplete_captures);
	j_num(&w, "problem_captures", f->problem_captures);
	j_num(&w, "oom_kills", f->oom_kills);
	j_num(&w, "oom_kill_rows", f->oom_kill_rows);
	j_num(&w, "inputs_not_loaded", f->inputs_not_loaded);
	jsonw_name(&w, "nodes_by_kernel");
	jsonw_start_array(&w);
	for (i = 0; i < f->nnodes; i++) {
		const struct fleet_node *n = &f->nodes_[i];

		jsonw_start_object(&w);
		jsonw_kv_string(&w, "hostname", n->hostname);
		jsonw_kv_string(&w, "kernel_release", n->kernel_release);
		j_num(&w, "captures", n->captures);
		jsonw_kv_string(&w, "first_started_at", n->first_started_at);
		jsonw_kv_string(&w, "last_started_at", n->last_started_at);
		j_num(&w, "last_capture_id", n->last_capture_id);
		j_ids(&w, "capture_ids", n->capture_ids);
		j_num(&w, "oom_kills", n->oom_kills);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_name(&w, "oom_kills_by_container");
	jsonw_start_array(&w);
	for (i = 0; i < f->nooms; i++) {
		const struct fleet_oom *k = &f->ooms[i];

		jsonw_start_object(&w);
		jsonw_kv_string(&w, "namespace", k->namespace_);
		jsonw_kv_string(&w, "pod", k->pod);
		jsonw_kv_string(&w, "container", k->container);
		jsonw_kv_string(&w, "task_memcg", k->task_memcg);
		j_num(&w, "kills", k->kills);
		j_num(&w, "captures", k->captures);
		j_num(&w, "nodes", k->nodes);
		jsonw_kv_string(&w, "first_wall_time", k->first_wall_time);
		jsonw_kv_string(&w, "last_wall_time", k->last_wall_time);
		j_ids(&w, "capture_ids", k->capture_ids);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_name(&w, "findings_by_code");
	jsonw_start_array(&w);
	for (i = 0; i < f->nfinds; i++) {
		const struct fleet_finding *k = &f->finds[i];

		jsonw_start_object(&w);
		jsonw_kv_string(&w, "severity", k->severity);
		jsonw_kv_string(&w, "code", k->code);
		j_num(&w, "findings", k->findings);
		j_num(&w, "captures", k->captures);
		j_num(&w, "nodes", k->nodes);
		j_ids(&w, "capture_ids", k->capture_ids);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_name(&w, "not_loaded");
	jsonw_start_array(&w);
	for (i = 0; i < f->nnot_loaded; i++) {
		jsonw_start_object(&w);
		jsonw_kv_string(&w, "path", f->not_loaded[i].path);
		jsonw_kv_string(&w, "problem", f->not_loaded[i].problem);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_name(&w, "queries");
	jsonw_start_object(&w);
	for (i = 0; i < FQ_COUNT; i++)
		jsonw_kv_string(&w, f->queries[i].key, f->queries[i].sql);
	jsonw_end_object(&w);
	jsonw_end_object(&w);
	strbuf_addch(out, '\n');
}
