/* SPDX-License-Identifier: MIT */
/*
 * The report's "What grew" (growth.h): its part of the model, read from
 * the views samples, growth and cgroup_sample_parts (schema/88-samples.sql)
 * for the parts growth_report_parts maps, and its text, JSON and HTML.
 */
#include "reports/growth.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/shquote.h"
#include "reports/htmlw.h"
#include "reports/model_int.h"
#include "reports/sections.h"
#include "reports/svg.h"
#include "reports/textout.h"

#include "common/banned.h"

/* ---- the model ------------------------------------------------------------ */

static int load_samples(struct loader *l, struct report_growth **ret)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_SAMPLES,
		"SELECT count(*) AS samples, max(mono_s) - min(mono_s) AS seconds\n"
		"FROM samples\n"
		"WHERE capture_id = %" PRId64, c->capture_id);
	int64_t n = 0;
	struct rreal seconds = { 0, false };
	int rc;

	*ret = NULL;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n = get_i64(st, "samples");
		seconds = get_real(st, "seconds");
	}
	if (finish(l, st, rc) < 0)
		return -1;
	if (n < 2) {
		/* one instant: no section, and no query to show */
		free(c->queries[RQ_SAMPLES].sql);
		c->queries[RQ_SAMPLES].sql = NULL;
		return 0;
	}
	*ret = xcalloc(1, sizeof(**ret));
	(*ret)->samples = n;
	(*ret)->seconds = seconds;
	return 0;
}

static size_t part_index(const struct report_capture *c, const char *part)
{
	size_t i;

	for (i = 0; i < c->nparts; i++)
		if (part && !strcmp(c->parts[i].part, part))
			return i;
	return c->nparts;
}

static int load_growth_rows(struct loader *l, struct report_growth *g)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_GROWTH,
		"SELECT g.cgroup, k.name, p.part, g.bytes_first, g.bytes_last, g.bytes_per_hour,\n"
		"       g.steady, g.samples, g.seconds,\n"
		"       max(g.bytes_per_hour) OVER (PARTITION BY g.cgroup) AS fastest\n"
		"FROM growth g\n"
		"JOIN growth_report_parts p ON p.component = g.component\n"
		"JOIN report_containers k ON k.capture_id = g.capture_id AND k.cgroup = g.cgroup\n"
		"WHERE g.capture_id = %" PRId64 "\n"
		"ORDER BY fastest DESC, g.cgroup, p.ord", c->capture_id);
	struct report_growth_container *k = NULL;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *cgroup = get_str(st, "cgroup"), *part = get_str(st, "part");
		struct report_growth_row *row;
		size_t pi = part_index(c, part);

		free(part);
		if (pi == c->nparts || !cgroup) {    /* a part the report does not draw */
			free(cgroup);
			continue;
		}
		if (!k || strcmp(k->cgroup, cgroup)) {
			k = GROW(g->containers, g->ncontainers);
			k->cgroup = cgroup;
			k->name = get_str(st, "name");
		} else {
			free(cgroup);
		}
		row = GROW(k->rows, k->nrows);
		row->part = pi;
		row->first = get_num(st, "bytes_first");
		row->last = get_num(st, "bytes_last");
		row->per_hour = get_num(st, "bytes_per_hour");
		row->steady = get_i64(st, "steady") != 0;
		row->samples = get_i64(st, "samples");
		row->seconds = get_real(st, "seconds");
	}
	return finish(l, st, rc);
}

static struct report_growth_row *find_row(struct report_growth *g, const char *cgroup, size_t part)
{
	size_t i, j;

	for (i = 0; i < g->ncontainers; i++) {
		if (strcmp(g->containers[i].cgroup, cgroup))
			continue;
		for (j = 0; j < g->containers[i].nrows; j++)
			if (g->containers[i].rows[j].part == part)
				return &g->containers[i].rows[j];
	}
	return NULL;
}

static int load_points(struct loader *l, struct report_growth *g)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_GROWTH_SAMPLES,
		"SELECT s.cgroup, p.part, s.sample, s.mono_s, s.bytes\n"
		"FROM cgroup_sample_parts s\n"
		"JOIN growth_report_parts p ON p.component = s.component\n"
		"JOIN report_containers k ON k.capture_id = s.capture_id AND k.cgroup = s.cgroup\n"
		"WHERE s.capture_id = %" PRId64 " AND s.bytes IS NOT NULL\n"
		"ORDER BY s.cgroup, p.ord, s.sample", c->capture_id);
	struct report_growth_row *row = NULL;
	char *last_cgroup = NULL;
	size_t last_part = c->nparts;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *cgroup = get_str(st, "cgroup"), *part = get_str(st, "part");
		size_t pi = part_index(c, part);
		struct report_growth_point *pt;

		free(part);
		if (!cgroup) {
			continue;
		}
		/* rows come grouped by cgroup and part: look a series up once */
		if (!last_cgroup || strcmp(last_cgroup, cgroup) || pi != last_part) {
			free(last_cgroup);
			last_cgroup = cgroup;
			last_part = pi;
			row = pi < c->nparts ? find_row(g, cgroup, pi) : NULL;
		} else {
			free(cgroup);
		}
		if (!row)
			continue;
		pt = GROW(row->points, row->npoints);
		pt->sample = get_i64(st, "sample");
		pt->mono_s = get_real(st, "mono_s").v;
		pt->bytes = get_i64(st, "bytes");
	}
	free(last_cgroup);
	return finish(l, st, rc);
}

/* Each row's peak: the largest of its series. */
static void peaks(struct report_growth *g)
{
	size_t i, j, p;

	for (i = 0; i < g->ncontainers; i++)
		for (j = 0; j < g->containers[i].nrows; j++) {
			struct report_growth_row *row = &g->containers[i].rows[j];

			for (p = 0; p < row->npoints; p++)
				if (!row->peak.set || row->points[p].bytes > row->peak.v)
					row->peak = (struct rnum){ row->points[p].bytes, true };
		}
}

int load_growth(struct loader *l)
{
	struct report_growth *g = NULL;
	int ret = load_samples(l, &g);

	l->c->growth = g;
	if (ret < 0 || !g)
		return ret;
	if (load_growth_rows(l, g) < 0 || load_points(l, g) < 0)
		return -1;
	peaks(g);
	return 0;
}

void growth_free(struct report_growth *g)
{
	size_t i, j;

	if (!g)
		return;
	for (i = 0; i < g->ncontainers; i++) {
		struct report_growth_container *k = &g->containers[i];

		for (j = 0; j < k->nrows; j++)
			free(k->rows[j].points);
		free(k->rows);
		free(k->cgroup);
		free(k->name);
	}
	free(g->containers);
	free(g);
}

/* ---- shared by the renderers ------------------------------------------------ */

/* Rates per minute below this span of the samples, per hour from it. */
#define PER_MINUTE_BELOW_S 7200.0

static bool per_minute(const struct report_growth *g)
{
	return !g->seconds.set || g->seconds.v < PER_MINUTE_BELOW_S;
}

const char *report_growth_rate(const struct report_growth *g, struct rnum per_hour,
			       char *buf, size_t n)
{
	char a[32];
	int64_t v;

	if (!per_hour.set) {
		xsnprintf(buf, n, "?");
		return buf;
	}
	v = per_minute(g) ? per_hour.v / 60 : per_hour.v;
	xsnprintf(buf, n, "%s%s/%s", v > 0 ? "+" : "", human_bytes_signed(v, a, sizeof(a)),
		  per_minute(g) ? "min" : "h");
	return buf;
}

void report_growth_summary(const struct report_growth *g, struct strbuf *out)
{
	strbuf_addf(out, "%" PRId64 " samples over ", g->samples);
	if (!g->seconds.set)
		strbuf_addstr(out, "an unknown time");
	else if (g->seconds.v < 120)
		strbuf_addf(out, "%.1f s", g->seconds.v);
	else if (g->seconds.v < PER_MINUTE_BELOW_S)
		strbuf_addf(out, "%.1f min", g->seconds.v / 60);
	else
		strbuf_addf(out, "%.1f h", g->seconds.v / 3600);
}

static const char *const steady_note =
	"steady: it grew by a page or more in every interval (a one-off allocation is not a leak)";

/* ---- the OOM section's note: the flight recorder's finding ------------------- */

static bool grew_before_kill(const struct report_finding *f)
{
	return f->code && !strcmp(f->code, "growth_before_oom_kill") && f->title;
}

void report_growth_oom_note_text(const struct report_capture *c, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < c->nfindings; i++) {
		struct strbuf t = STRBUF_INIT;

		if (!grew_before_kill(&c->findings[i]))
			continue;
		strbuf_addstr(out, "  ");
		strbuf_addstr(&t, "Before the kill (flight recorder): ");
		term_escape(&t, c->findings[i].title, strlen(c->findings[i].title));
		report_text_wrap(out, t.buf, 2, 2);
		strbuf_release(&t);
	}
}

void report_growth_oom_note_html(const struct report_capture *c, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < c->nfindings; i++) {
		if (!grew_before_kill(&c->findings[i]))
			continue;
		strbuf_addstr(out, "<p class=\"note\">Before the kill (flight recorder): ");
		html_textz(out, c->findings[i].title);
		strbuf_addstr(out, "</p>");
	}
}

/* ---- text ------------------------------------------------------------------ */

void report_growth_text(const struct report_capture *c, size_t max, const char *source,
			struct strbuf *out)
{
	const struct report_growth *g = c->growth;
	size_t i, j, n = g->ncontainers;
	char a[32], b[32], d[48];

	if (max && n > max)
		n = max;
	if (!g->ncontainers) {
		strbuf_addstr(out, "  no container is in two samples or more\n");
		return;
	}
	strbuf_addf(out, "    %-16s %12s %12s %12s %17s  %s\n", "PART", "FIRST", "PEAK", "LAST", "RATE",
		    "STEADY");
	for (i = 0; i < n; i++) {
		const struct report_growth_container *k = &g->containers[i];
		struct strbuf name = STRBUF_INIT;

		term_escape(&name, k->name ? k->name : k->cgroup, strlen(k->name ? k->name : k->cgroup));
		strbuf_addstr(out, "  ");
		term_fit(out, name.buf, name.len, 98);
		strbuf_addch(out, '\n');
		strbuf_release(&name);
		for (j = 0; j < k->nrows; j++) {
			const struct report_growth_row *row = &k->rows[j];
			struct strbuf label = STRBUF_INIT;
			const char *l = c->parts[row->part].label;
			size_t used;

			term_escape(&label, l ? l : "?", strlen(l ? l : "?"));
			strbuf_addstr(out, "    ");
			used = term_fit(out, label.buf, label.len, 16);
			for (; used < 16; used++)
				strbuf_addch(out, ' ');
			strbuf_addf(out, " %12s", report_bytes(row->first, a, sizeof(a)));
			strbuf_addf(out, " %12s %12s %17s  %s\n", report_bytes(row->peak, a, sizeof(a)),
				    report_bytes(row->last, b, sizeof(b)),
				    report_growth_rate(g, row->per_hour, d, sizeof(d)),
				    row->steady ? "yes" : "no");
			strbuf_release(&label);
		}
	}
	if (n < g->ncontainers) {
		strbuf_addf(out, "  ... %zu more: memsnap sql ", g->ncontainers - n);
		sh_quote_path(out, source);
		strbuf_addf(out, " 'SELECT * FROM growth WHERE capture_id = %" PRId64 "'\n",
			    c->capture_id);
	}
	strbuf_addstr(out, "  ");
	report_text_wrap(out, steady_note, 2, 2);
}

/* ---- JSON ------------------------------------------------------------------- */

void report_growth_json(struct jsonw *w, const struct report_capture *c)
{
	const struct report_growth *g = c->growth;
	size_t i, j, p;

	if (!g)
		return;
	jsonw_name(w, "growth");
	jsonw_start_object(w);
	jsonw_kv_i64(w, "samples", g->samples);
	report_json_real(w, "seconds", g->seconds, 3);
	jsonw_name(w, "containers");
	jsonw_start_array(w);
	for (i = 0; i < g->ncontainers; i++) {
		const struct report_growth_container *k = &g->containers[i];

		jsonw_start_object(w);
		jsonw_kv_string(w, "cgroup", k->cgroup);
		jsonw_kv_string(w, "name", k->name);
		jsonw_name(w, "parts");
		jsonw_start_array(w);
		for (j = 0; j < k->nrows; j++) {
			const struct report_growth_row *row = &k->rows[j];

			jsonw_start_object(w);
			jsonw_kv_string(w, "part", c->parts[row->part].part);
			report_json_num(w, "bytes_first", row->first);
			report_json_num(w, "bytes_peak", row->peak);
			report_json_num(w, "bytes_last", row->last);
			report_json_num(w, "bytes_per_hour", row->per_hour);
			jsonw_kv_bool(w, "steady", row->steady);
			jsonw_kv_i64(w, "samples", row->samples);
			report_json_real(w, "seconds", row->seconds, 3);
			jsonw_name(w, "series");
			jsonw_start_array(w);
			for (p = 0; p < row->npoints; p++) {
				jsonw_start_object(w);
				jsonw_kv_i64(w, "sample", row->points[p].sample);
				jsonw_name(w, "mono_s");
				jsonw_double(w, row->points[p].mono_s, 3);
				jsonw_kv_i64(w, "bytes", row->points[p].bytes);
				jsonw_end_object(w);
			}
			jsonw_end_array(w);
			jsonw_end_object(w);
		}
		jsonw_end_array(w);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_end_object(w);
}

/* ---- HTML ------------------------------------------------------------------- */

#define S(lit) strbuf_addstr(out, lit)

/* A number cell that report.js sorts by its value (data-v), as html.c's. */
static void cell_num(struct strbuf *out, struct rnum v, const char *text)
{
	if (v.set)
		strbuf_addf(out, "<td class=\"n\" data-v=\"%" PRId64 "\">", v.v);
	else
		S("<td class=\"n null\" data-v=\"\">");
	html_textz(out, text);
	S("</td>");
}

void report_growth_html(const struct report_capture *c, struct strbuf *out)
{
	const struct report_growth *g = c->growth;
	struct strbuf t = STRBUF_INIT;
	size_t i, j;

	report_growth_summary(g, &t);
	S("<p>");
	html_text(out, t.buf, t.len);
	S(": each container's parts of the working set from the first sample to the last, "
	  "the fastest growing container first; ");
	html_textz(out, steady_note);
	S(".</p>");
	strbuf_release(&t);
	if (!g->ncontainers) {
		S("<p>No container is in two samples or more.</p>");
		return;
	}
	S("<div class=\"scroll\"><table class=\"data growth\"><thead><tr><th>Container</th>"
	  "<th>Part</th><th>Over the samples</th><th class=\"n\">First</th>"
	  "<th class=\"n\">Peak</th><th class=\"n\">Last</th><th class=\"n\">Rate</th><th>Steady</th></tr></thead><tbody>");
	for (i = 0; i < g->ncontainers; i++) {
		const struct report_growth_container *k = &g->containers[i];

		for (j = 0; j < k->nrows; j++) {
			const struct report_growth_row *row = &k->rows[j];
			const struct report_part *p = &c->parts[row->part];
			char a[32], b[32], d[48], cls[32];

			/* the container on every row: report.js sorts and filters rows */
			S("<tr><td><span class=\"cname\" title=\"");
			html_attrz(out, k->cgroup);
			S("\">");
			html_textz(out, k->name ? k->name : k->cgroup);
			S("</span></td><td>");
			html_textz(out, p->label);
			S("</td><td>");
			strbuf_reset(&t);
			strbuf_addf(&t, "%s: %s to %s in %" PRId64 " samples", p->label ? p->label : "?",
				   report_bytes(row->first, a, sizeof(a)),
				   report_bytes(row->last, b, sizeof(b)), row->samples);
			svg_sparkline(out, row->points, row->npoints,
				      svg_part_class(p, cls, sizeof(cls)), t.buf);
			S("</td>");
			cell_num(out, row->first, report_bytes(row->first, a, sizeof(a)));
			cell_num(out, row->peak, report_bytes(row->peak, a, sizeof(a)));
			cell_num(out, row->last, report_bytes(row->last, a, sizeof(a)));
			cell_num(out, row->per_hour, report_growth_rate(g, row->per_hour, d, sizeof(d)));
			S("<td>");
			S(row->steady ? "steady" : "not steady");
			S("</td></tr>");
		}
	}
	S("</tbody></table></div>");
	strbuf_release(&t);
}
