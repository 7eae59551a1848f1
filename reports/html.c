/* SPDX-License-Identifier: MIT */
/*
 * The HTML report: one self-contained page that works offline.  Inline CSS
 * (reports/report.css), inline SVG charts (svg.c), a little inline script
 * (reports/report.js: sortable, filterable tables; the page reads the same
 * without it).  A Content-Security-Policy forbids every load and allows
 * only this page's own style and script, by hash (the Makefile hashes
 * report.css and report.js into report_csp.h).
 *
 * Markup is written here as literals; every string from the capture goes
 * through html_text()/html_attr() (htmlw.c), never concatenated raw.
 */
#include <inttypes.h>
#include <string.h>

#include "analyze/db/blobs.h"
#include "common/shquote.h"
#include "reports/deeper.h"
#include "reports/html.h"
#include "reports/htmlw.h"
#include "reports/model.h"
#include "reports/growth.h"
#include "report_csp.h"     /* made by the Makefile: the two hashes */
#include "reports/svg.h"

#include "common/banned.h"

#define S(lit) strbuf_addstr(out, lit)

static void bytes_cell(struct strbuf *out, struct rnum v)
{
	html_bytes_cell(out, v, "?");
}

static void int_cell(struct strbuf *out, struct rnum v)
{
	html_int_cell(out, v, "?");
}

static void pct_cell(struct strbuf *out, struct rreal v)
{
	html_pct_cell(out, v, "-");
}

static void text_cell(struct strbuf *out, const char *s)
{
	html_text_cell(out, s, "-");
}

/* The fold-out under a figure or table: the SQL that produced it. */
void report_html_sql(struct strbuf *out, const char *source, const char *sql)
{
	struct strbuf cmd = STRBUF_INIT;

	S("<details class=\"sql\"><summary>SQL</summary><pre><code>");
	if (sql)
		html_code(out, sql, strlen(sql));
	S("</code></pre><p>Run it: <code class=\"cmd\">");
	strbuf_addstr(&cmd, "memsnap sql ");
	sh_quote_path(&cmd, source);
	strbuf_addch(&cmd, ' ');
	sh_quote(&cmd, sql ? sql : "", sql ? strlen(sql) : 0);
	html_code(out, cmd.buf, cmd.len);
	S("</code></p></details>");
	strbuf_release(&cmd);
}

static void sql_details(struct strbuf *out, const struct report *r, const char *sql)
{
	report_html_sql(out, r->source, sql);
}

static void query_details(struct strbuf *out, const struct report *r,
			  const struct report_capture *c, enum report_query_id q)
{
	sql_details(out, r, c->queries[q].sql);
}

static void id(struct strbuf *out, const struct report_capture *c, const char *what)
{
	strbuf_addf(out, "c%" PRId64 "-%s", c->capture_id, what);
}

static void section_open(struct strbuf *out, const struct report_capture *c, const char *what,
			 const char *title)
{
	S("<section id=\"");
	id(out, c, what);
	S("\"><h2>");
	S(title);
	S("</h2>");
}

void report_html_section_open(struct strbuf *out, const struct report_capture *c,
			      const char *what, const char *title)
{
	section_open(out, c, what, title);
}

void report_html_id(struct strbuf *out, const struct report_capture *c, const char *what)
{
	id(out, c, what);
}

void report_html_query(struct strbuf *out, const struct report *r,
		       const struct report_capture *c, enum report_query_id q)
{
	query_details(out, r, c, q);
}

static void legend(struct strbuf *out, const struct report_capture *c)
{
	char cls[32];
	size_t i;

	S("<ul class=\"legend\">");
	for (i = 0; i < c->nparts; i++) {
		strbuf_addf(out, "<li><svg viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect "
			    "width=\"10\" height=\"10\" class=\"%s\"/></svg>",
			    svg_part_class(&c->parts[i], cls, sizeof(cls)));
		html_textz(out, c->parts[i].label);
		S("</li>");
	}
	S("<li><svg viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" "
	  "class=\"p-rest\"/></svg>rest of the node</li></ul>");
}

/* ---- sections -------------------------------------------------------------- */

static void pct(struct strbuf *out, struct rnum part, struct rnum whole)
{
	if (part.set && whole.set && whole.v > 0)
		strbuf_addf(out, " <span class=\"dim\">(%.0f%%)</span>",
			    100.0 * (double)part.v / (double)whole.v);
}

static void psi(struct strbuf *out, struct rreal v)
{
	if (v.set)
		strbuf_addf(out, "%.2f%%", v.v);
	else
		S("?");
}

static void node(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	const struct report_node *n = &c->node;
	char a[32], b[32], d[32];

	section_open(out, c, "node", "Node");
	S("<dl class=\"kv\"><dt>Memory</dt><dd>");
	strbuf_addf(out, "<b>%s</b> total, %s available", report_bytes(n->mem_total, a, sizeof(a)),
		    report_bytes(n->mem_available, b, sizeof(b)));
	pct(out, n->mem_available, n->mem_total);
	strbuf_addf(out, ", %s free; swap %s used of %s</dd>", report_bytes(n->mem_free, a, sizeof(a)),
		    report_bytes(n->swap_used, b, sizeof(b)), report_bytes(n->swap_total, d, sizeof(d)));
	strbuf_addf(out, "<dt>Working set</dt><dd><b>%s</b>", report_bytes(n->working_set, a,
									    sizeof(a)));
	pct(out, n->working_set, n->mem_total);
	strbuf_addf(out, "; kubelet <code>memory.available</code> %s",
		    report_bytes(n->kubelet_available, a, sizeof(a)));
	pct(out, n->kubelet_available, n->mem_total);
	S("</dd><dt>Pressure</dt><dd>PSI memory some ");
	psi(out, n->psi_some_avg10);
	S(", full ");
	psi(out, n->psi_full_avg10);
	S(" (avg10); some ");
	psi(out, n->psi_some_avg60);
	S(", full ");
	psi(out, n->psi_full_avg60);
	strbuf_addf(out, " (avg60); BPF maps %s</dd></dl>", report_bytes(n->bpf_maps, a, sizeof(a)));
	query_details(out, r, c, RQ_NODE);

	S("<figure><figcaption>Where the node's working set goes: ");
	S(c->kubernetes ? "QoS class \xe2\x86\x92 pod \xe2\x86\x92 container \xe2\x86\x92 component"
			: "kind \xe2\x86\x92 parent cgroup \xe2\x86\x92 cgroup \xe2\x86\x92 component");
	S(". Areas are bytes; hover for the numbers.</figcaption>");
	svg_treemap(out, c);
	legend(out, c);
	query_details(out, r, c, RQ_CONTAINERS);
	query_details(out, r, c, RQ_NODE_REST);
	S("</figure></section>");
}

/* The limit that holds a container back, and whose it is when not its own:
 * "none (pods 13.9 GiB)" (sorted by the bytes); memory.high after it when
 * set: "4.0 GiB (memory.high 3.0 GiB)". */
static void limit_cell(struct strbuf *out, const struct report_capture *c,
		       const struct report_container *k)
{
	const char *scope = k->limit_scope ? k->limit_scope : "own";
	char a[32];

	if (!k->effective_limit.set)
		strbuf_addf(out, "<td class=\"n null%s\" data-v=\"\">none",
			    k->high.set ? " lim" : "");
	else if (!strcmp(scope, "own"))
		strbuf_addf(out, "<td class=\"n%s\" data-v=\"%" PRId64 "\">%s",
			    k->high.set ? " lim" : "", k->effective_limit.v,
			    report_bytes(k->effective_limit, a, sizeof(a)));
	else
		/* "none" and what holds it back may wrap onto two lines (report.css) */
		strbuf_addf(out, "<td class=\"n lim\" data-v=\"%" PRId64 "\">none (%s "
			    "<span class=\"nw\">%s</span>)",
			    k->effective_limit.v,
			    !strcmp(scope, "parent") ? (c->kubernetes ? "pod" : "parent") :
			    (c->kubernetes ? "pods" : "above"),
			    report_bytes(k->effective_limit, a, sizeof(a)));
	if (k->high.set)
		strbuf_addf(out, " (memory.high <span class=\"nw\">%s</span>)",
			    report_bytes(k->high, a, sizeof(a)));
	S("</td>");
}

/* A container's name ("namespace/pod/container"), free to wrap after each
 * '/' (<wbr>) rather than inside a word; none for NULL, as html_textz(). */
static void name_wbr(struct strbuf *out, const char *name)
{
	const char *slash;

	while (name && (slash = strchr(name, '/'))) {
		html_text(out, name, (size_t)(slash - name) + 1);
		S("<wbr>");
		name = slash + 1;
	}
	html_textz(out, name);
}

static void containers(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	size_t i;

	section_open(out, c, "containers", "Containers");
	strbuf_addf(out, "<p>%zu %s, ranked by working set (what <code>kubectl top</code> and "
		    "cAdvisor show), each split into the parts the kernel can and cannot take "
		    "back.</p>", c->ncontainers,
		    c->kubernetes ? "Kubernetes containers" : "cgroups holding processes");
	S("<figure><figcaption>Working set against the limit (the line); without a limit, against "
	  "the node's memory");
	if (c->ncontainers > SVG_MAX_BARS)
		strbuf_addf(out, "; the %d largest of %zu", SVG_MAX_BARS, c->ncontainers);
	S(".</figcaption>");
	svg_container_bars(out, c);
	legend(out, c);
	query_details(out, r, c, RQ_CONTAINERS);
	S("</figure>");
	/* The eight key columns first, so that they fit the box (report.css);
	 * the parts of the working set after them, from column 9 on, which
	 * report.js folds away when they do not fit (the bars above show them). */
	S("<div class=\"scroll\"><table class=\"data containers\"><thead><tr><th>Name</th><th>Group</th>"
	  "<th class=\"n\">Working set</th><th class=\"n\">Limit</th><th class=\"n\">Use</th>"
	  "<th class=\"n\" title=\"working set less what the kernel can reclaim without swap\">"
	  "Unreclaimable</th><th class=\"n\">Unreclaimable use</th><th class=\"n\">OOM kills</th>");
	for (i = 0; i < c->nparts; i++) {
		S("<th class=\"n\" title=\"");
		html_attrz(out, c->parts[i].meaning);
		S("\">");
		html_textz(out, c->parts[i].label);
		S("</th>");
	}
	S("<th class=\"n\">reclaimable</th></tr></thead><tbody>");
	for (i = 0; i < c->ncontainers; i++) {
		const struct report_container *k = &c->containers[i];
		size_t p;

		S("<tr><td><span class=\"cname\" title=\"");
		html_attrz(out, k->cgroup);
		S("\">");
		name_wbr(out, k->name);
		S("</span></td>");
		text_cell(out, k->group);
		bytes_cell(out, k->working_set);
		limit_cell(out, c, k);
		pct_cell(out, k->working_set_pct);
		bytes_cell(out, k->unreclaimable);
		pct_cell(out, k->unreclaimable_pct);
		int_cell(out, k->oom_kill_count);
		for (p = 0; p < c->nparts; p++)
			bytes_cell(out, k->parts[p]);
		bytes_cell(out, k->reclaimable);
		S("</tr>");
	}
	S("</tbody></table></div>");
	if (c->node.rest.set) {
		struct strbuf note = STRBUF_INIT;

		report_node_rest_note(c, &note);
		S("<p class=\"note\">");
		html_text(out, note.buf, note.len);
		S("</p>");
		strbuf_release(&note);
	}
	S("</section>");
}

/* What grew over the samples (growth.c); nothing for a capture of one sample. */
static void growth(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	if (!c->growth)
		return;
	section_open(out, c, "growth", "What grew");
	report_growth_html(c, out);
	query_details(out, r, c, RQ_GROWTH);
	query_details(out, r, c, RQ_GROWTH_SAMPLES);
	S("</section>");
}

static void findings(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	size_t i;

	section_open(out, c, "findings", "Findings");
	if (!c->nfindings)
		S("<p>Nothing stands out.</p>");
	S("<ol class=\"findings\">");
	for (i = 0; i < c->nfindings; i++) {
		const struct report_finding *f = &c->findings[i];

		S("<li class=\"finding sev-");
		html_attrz(out, f->severity);
		S("\"><p class=\"ftitle\"><span class=\"sev\">");
		html_textz(out, f->severity);
		S("</span> ");
		html_textz(out, f->title);
		S(" <code class=\"code\">");
		html_textz(out, f->code);
		S("</code></p><p class=\"evidence\">");
		html_textz(out, f->evidence);
		S("</p>");
		if (f->query)
			sql_details(out, r, f->query);
		S("</li>");
	}
	S("</ol>");
	query_details(out, r, c, RQ_FINDINGS);
	S("</section>");
}

static void ooms(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	size_t i;

	section_open(out, c, "oom", "OOM kills");
	strbuf_addf(out, "<p>%zu in the captured kernel log.</p>", c->nooms);
	report_growth_oom_note_html(c, out);
	if (c->nooms) {
		S("<figure><figcaption>When, up to the capture (kernel time, shown as UTC from the "
		  "capture's clock)</figcaption>");
		svg_oom_timeline(out, c);
		query_details(out, r, c, RQ_OOM);
		S("</figure>");
	}
	S("<div class=\"scroll\"><table class=\"data\"><thead><tr><th>When</th><th>Outcome</th>"
	  "<th>Killed</th><th class=\"n\">pid</th>"
	  "<th>Where</th><th>Why</th><th class=\"n\">cgroup usage</th><th class=\"n\">limit</th>"
	  "<th>Made of</th><th class=\"n\">victim anon-rss</th></tr></thead><tbody>");
	for (i = 0; i < c->nooms; i++) {
		const struct report_oom *k = &c->ooms[i];
		struct strbuf t = STRBUF_INIT;

		S("<tr>");
		if (k->kernel_time.set)
			strbuf_addf(out, "<td data-v=\"%.6f\">", k->kernel_time.v);
		else
			S("<td data-v=\"\">");
		if (k->wall_time) {
			html_textz(out, k->wall_time);
		} else {
			if (k->kernel_time.set)
				strbuf_addf(out, "%.6f s after boot<br>", k->kernel_time.v);
			S("<span class=\"null\">no date: ");
			html_textz(out, k->wall_time_unknown ? k->wall_time_unknown : "?");
			S("</span>");
		}
		S("</td><td><code>");
		html_textz(out, k->outcome ? k->outcome : "?");
		S("</code><br>");
		html_textz(out, report_oom_outcome_text(k));
		if (report_oom_k8s_text(k)) {
			S("<br><span class=\"dim\">");
			S(report_oom_k8s_text(k));
			S("</span>");
		}
		S("</td>");
		if (k->killed_pid.set || !k->chosen_pid.set) {
			text_cell(out, k->killed_comm);
			int_cell(out, k->killed_pid);
		} else {
			S("<td>chosen: ");
			html_textz(out, k->chosen_comm ? k->chosen_comm : "?");
			S("</td>");
			int_cell(out, k->chosen_pid);
		}
		S("<td>");
		if (k->pod) {
			html_textz(out, k->namespace_);
			S("/");
			html_textz(out, k->pod);
			if (k->container) {
				S("/");
				html_textz(out, k->container);
			}
			S("<br>");
		}
		S("<span class=\"path\">");
		html_textz(out, k->task_memcg ? k->task_memcg : k->oom_memcg);
		S("</span></td><td>");
		S(report_oom_kind_text(k));
		if (k->constraint) {
			S(" <span class=\"dim\">");
			html_textz(out, k->constraint);
			S("</span>");
		}
		if (!k->complete)
			S(" <span class=\"warn\">(partial report)</span>");
		S("</td>");
		bytes_cell(out, k->memcg_usage);
		bytes_cell(out, k->memcg_limit);
		S("<td>");
		if (k->made_of.source) {
			report_oom_made_of_text(&k->made_of, &t);
			html_textz(out, t.buf);
		} else {
			S("<span class=\"null\">not in the log</span>");
		}
		S("</td>");
		bytes_cell(out, k->anon_rss);
		S("</tr>");
		strbuf_release(&t);
	}
	S("</tbody></table></div>");
	if (!c->nooms)
		query_details(out, r, c, RQ_OOM);
	S("</section>");
}

static void processes(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	size_t i;

	section_open(out, c, "processes", "Top processes");
	strbuf_addf(out, "<p>The %zu largest by PSS (shared pages divided among the processes "
		    "mapping them; RSS when PSS is unknown).</p>", c->nprocesses);
	S("<div class=\"scroll\"><table class=\"data\"><thead><tr><th class=\"n\">pid</th><th>Name</th><th>Cgroup</th>"
	  "<th class=\"n\">PSS</th><th class=\"n\">RSS</th><th class=\"n\">PSS anon</th>"
	  "<th class=\"n\">PSS file</th><th class=\"n\">PSS shmem</th><th class=\"n\">swap</th>"
	  "<th class=\"n\">share</th></tr></thead><tbody>");
	for (i = 0; i < c->nprocesses; i++) {
		const struct report_process *p = &c->processes[i];
		struct rnum pid = { p->pid, true };

		S("<tr>");
		int_cell(out, pid);
		text_cell(out, p->comm);
		text_cell(out, p->cgroup_name ? p->cgroup_name : p->cgroup);
		bytes_cell(out, p->pss);
		bytes_cell(out, p->rss);
		bytes_cell(out, p->pss_anon);
		bytes_cell(out, p->pss_file);
		bytes_cell(out, p->pss_shmem);
		bytes_cell(out, p->swap);
		pct_cell(out, p->share_pct);
		S("</tr>");
	}
	S("</tbody></table></div>");
	query_details(out, r, c, RQ_PROCESSES);
	S("</section>");
}

static void bpf(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	size_t i;

	section_open(out, c, "bpf", "BPF maps");
	S("<p>");
	html_textz(out, report_bpf_charged_note(c));
	if (c->bpf_maps_charged.set && c->bpf_maps_charged.v)
		S(" The containers above show it as their BPF part.");
	S(" ");
	html_textz(out, report_bpf_memlock_note(c));
	S("</p>");
	S("<h3>By owner</h3><div class=\"scroll\"><table class=\"data\"><thead><tr><th class=\"n\">pid</th><th>Process"
	  "</th><th>Cgroup</th><th class=\"n\">maps</th><th class=\"n\">memlock</th></tr></thead>"
	  "<tbody>");
	for (i = 0; i < c->nbpf_owners; i++) {
		const struct report_bpf_owner *b = &c->bpf_owners[i];

		S("<tr>");
		int_cell(out, b->pid);
		text_cell(out, b->pid.set ? b->comm : "(no process: pinned or used by programs)");
		text_cell(out, b->cgroup_name ? b->cgroup_name : b->cgroup);
		strbuf_addf(out, "<td class=\"n\" data-v=\"%" PRId64 "\">%" PRId64 "</td>", b->maps,
			    b->maps);
		bytes_cell(out, b->memlock);
		S("</tr>");
	}
	S("</tbody></table></div>");
	query_details(out, r, c, RQ_BPF_OWNERS);
	S("<h3>Maps</h3><div class=\"scroll\"><table class=\"data\"><thead><tr><th class=\"n\">id</th><th>Name</th>"
	  "<th>Type</th><th class=\"n\">max entries</th><th class=\"n\">memlock</th><th>Held by"
	  "</th></tr></thead><tbody>");
	for (i = 0; i < c->nbpf_maps; i++) {
		const struct report_bpf_map *m = &c->bpf_maps[i];
		struct rnum mid = { m->map_id, true };

		S("<tr>");
		int_cell(out, mid);
		text_cell(out, m->name);
		text_cell(out, m->type);
		int_cell(out, m->max_entries);
		bytes_cell(out, m->memlock);
		text_cell(out, m->holders);
		S("</tr>");
	}
	S("</tbody></table></div>");
	query_details(out, r, c, RQ_BPF_MAPS);
	S("</section>");
}

static void problems(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	size_t i;

	section_open(out, c, "problems", "What the capture could not read");
	strbuf_addf(out, "<p>%" PRId64 " file%s not read or not parsed. <i>absent</i> (files this "
		    "kernel does not have) and <i>vanished</i> (processes that exited while being "
		    "read) are normal.</p>", c->problem_files, c->problem_files == 1 ? "" : "s");
	S("<div class=\"scroll\"><table class=\"data\"><thead><tr><th>Kind</th><th>What</th><th class=\"n\">files</th>"
	  "<th>Why</th><th>First</th></tr></thead><tbody>");
	for (i = 0; i < c->nproblems; i++) {
		const struct report_problem *p = &c->problems[i];
		struct rnum files = { p->files, true };

		S(p->normal ? "<tr class=\"normal\">" : "<tr class=\"problem\">");
		text_cell(out, p->kind);
		S("<td><code>");
		html_textz(out, p->what);
		S("</code></td>");
		int_cell(out, files);
		text_cell(out, p->error);
		S("<td><code class=\"path\">");
		html_textz(out, p->example);
		S("</code></td></tr>");
	}
	S("</tbody></table></div>");
	query_details(out, r, c, RQ_PROBLEMS);
	S("</section>");
}

/* ---- the page ---------------------------------------------------------------- */

static void capture_header(struct strbuf *out, const struct report *r,
			   const struct report_capture *c)
{
	S("<header class=\"capture-head\"><h1>");
	html_textz(out, c->hostname ? c->hostname : "?");
	S("</h1><p class=\"meta\">captured <time>");
	html_textz(out, c->started_at);
	S("</time> \xc2\xb7 kernel ");
	html_textz(out, c->kernel_release);
	S(" \xc2\xb7 cgroup ");
	html_textz(out, c->cgroup_mode);
	S(" \xc2\xb7 <code>");
	html_textz(out, c->name);
	strbuf_addf(out, "</code> \xc2\xb7 capture_id %" PRId64, c->capture_id);
	S(" \xc2\xb7 collector ");
	html_textz(out, c->collector_version);
	S("</p>");
	if (!c->complete) {
		S("<p class=\"warn\">Incomplete capture: the collector stopped early (");
		html_textz(out, c->interrupted ? c->interrupted : "reason unknown");
		S("); numbers may be missing.</p>");
	}
	S("<nav aria-label=\"Sections\"><ul>");
	{
		static const char *const secs[][2] = {
			{ "node", "Node" }, { "containers", "Containers" },
			{ "findings", "Findings" }, { "oom", "OOM kills" },
			{ "processes", "Processes" }, { "bpf", "BPF maps" },
			{ "problems", "Could not read" },
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(secs); i++) {
			S("<li><a href=\"#");
			id(out, c, secs[i][0]);
			S("\">");
			S(secs[i][1]);
			if (!strcmp(secs[i][0], "findings"))
				strbuf_addf(out, " <span class=\"count\">%zu</span>", c->nfindings);
			else if (!strcmp(secs[i][0], "oom"))
				strbuf_addf(out, " <span class=\"count\">%zu</span>", c->nooms);
			S("</a></li>");
			if (!strcmp(secs[i][0], "containers") && c->growth) {
				S("<li><a href=\"#");
				id(out, c, "growth");
				S("\">What grew</a></li>");
			}
			if (!strcmp(secs[i][0], "oom"))
				report_deeper_html_nav(c, out);
		}
	}
	S("</ul></nav>");
	query_details(out, r, c, RQ_CAPTURE);
	S("</header>");
}

void report_html_page_open(struct strbuf *out, const char *version, const char *title)
{
	const char *css = memsnap_report_css;
	size_t css_len = (size_t)(memsnap_report_css_end - memsnap_report_css);

	S("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
	/* nothing from anywhere: no fetch, image, font, frame or form target;
	 * only this page's own <style> and <script>, by their hashes */
	S("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	  "style-src " REPORT_CSS_CSP_HASH "; script-src " REPORT_JS_CSP_HASH
	  "; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; "
	  "form-action 'none'\">\n");
	S("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	  "<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"referrer\" "
	  "content=\"no-referrer\">\n<meta name=\"generator\" content=\"memsnap ");
	html_textz(out, version);
	S("\">\n<title>memsnap report: ");
	html_textz(out, title);
	S("</title>\n<style>");
	strbuf_add(out, css, css_len);
	S("</style>\n</head>\n<body>\n<main>\n");
}

void report_html_page_close(struct strbuf *out, const char *version, const char *source)
{
	const char *js = memsnap_report_js;
	size_t js_len = (size_t)(memsnap_report_js_end - memsnap_report_js);

	S("</main>\n<footer><p>memsnap ");
	html_textz(out, version);
	S(" report of <code>");
	html_textz(out, source);
	S("</code>. Every figure and table shows the SQL behind it: <code>memsnap sql</code> "
	  "runs it on the same capture or database.</p></footer>\n<script>");
	strbuf_add(out, js, js_len);
	S("</script>\n</body>\n</html>\n");
}

void report_render_html(const struct report *r, struct strbuf *out)
{
	struct strbuf title = STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->ncaptures; i++) {
		if (i)
			strbuf_addstr(&title, ", ");
		strbuf_addstr(&title, r->captures[i].hostname ? r->captures[i].hostname : "?");
	}
	report_html_page_open(out, r->version, title.buf);
	strbuf_release(&title);
	for (i = 0; i < r->ncaptures; i++) {
		const struct report_capture *c = &r->captures[i];

		strbuf_addf(out, "<article class=\"capture\" id=\"c%" PRId64 "\">\n", c->capture_id);
		capture_header(out, r, c);
		node(out, r, c);
		containers(out, r, c);
		growth(out, r, c);
		findings(out, r, c);
		ooms(out, r, c);
		report_deeper_html(r, c, out);
		processes(out, r, c);
		bpf(out, r, c);
		problems(out, r, c);
		S("</article>\n");
	}
	report_html_page_close(out, r->version, r->source);
}
