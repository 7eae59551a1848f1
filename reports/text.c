/* SPDX-License-Identifier: MIT */
/*
 * The text report: what a support engineer reads first and pastes into a
 * ticket.  100 columns at most; colour only when asked (the command layer
 * decides: a terminal, NO_COLOR, --color).  Every string from the capture
 * goes through term_escape() (via esc() and fit() below) before it is
 * written.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "reports/deeper.h"
#include "reports/model.h"
#include "reports/growth.h"
#include "common/shquote.h"
#include "reports/textout.h"

#include "common/banned.h"

#define WIDTH 100
#define BAR 60

struct out {
	struct strbuf *sb;
	bool color;
};

/* ANSI SGR, only with colour. */
static void sgr(struct out *o, const char *code)
{
	if (o->color)
		strbuf_addf(o->sb, "\033[%sm", code);
}

static void reset(struct out *o)
{
	sgr(o, "0");
}

/* Untrusted text, escaped, in full. */
static void esc(struct strbuf *sb, const char *s)
{
	if (!s) {
		strbuf_addch(sb, '?');
		return;
	}
	term_escape(sb, s, strlen(s));
}

/*
 * Untrusted text, escaped, cut to at most `cols` columns (ending in "…"
 * when cut), padded with spaces to `pad` columns when pad > 0.
 */
static void fit(struct strbuf *sb, const char *s, size_t cols, size_t pad)
{
	struct strbuf e = STRBUF_INIT;
	size_t used;

	esc(&e, s);
	used = term_fit(sb, e.buf, e.len, cols);
	while (used < pad) {
		strbuf_addch(sb, ' ');
		used++;
	}
	strbuf_release(&e);
}

/*
 * Untrusted text, escaped, in a column `cols` wide that starts at column
 * `indent`: on up to `max_lines` lines, each broken after a '/' when one
 * falls in its second half (a Kubernetes name is namespace/pod/container),
 * the last one cut with "…".  Ends with a newline.
 */
static void fit_lines(struct strbuf *sb, const char *s, size_t cols, size_t indent,
		      size_t max_lines)
{
	struct strbuf e = STRBUF_INIT;
	size_t pos = 0, line;

	esc(&e, s);
	for (line = 1; pos < e.len; line++) {
		size_t i = pos, w = 0, slash = 0;

		if (line > 1)
			strbuf_addf(sb, "%*s", (int)indent, "");
		if (display_width(e.buf + pos, e.len - pos) <= cols) {
			strbuf_add(sb, e.buf + pos, e.len - pos);
			break;
		}
		if (line == max_lines) {
			term_fit(sb, e.buf + pos, e.len - pos, cols);
			break;
		}
		while (i < e.len) {
			size_t n = term_char_len(e.buf + i), cw = display_width(e.buf + i, n);

			if (w + cw > cols)
				break;
			w += cw;
			i += n;
			if (e.buf[i - 1] == '/' && w > cols / 2)
				slash = i;
		}
		if (slash)
			i = slash;
		strbuf_add(sb, e.buf + pos, i - pos);
		strbuf_addch(sb, '\n');
		pos = i;
	}
	strbuf_addch(sb, '\n');
	strbuf_release(&e);
}

/*
 * Is the space at p[i] the one between a number and its unit ("150.2 MiB",
 * "4.0 KiB", "0 B")?  The wrap keeps the two together, as if the space
 * were a non-breaking one.
 */
static bool number_unit_space(const char *p, size_t i)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "kB" };
	size_t k, n;

	if (!i || p[i - 1] < '0' || p[i - 1] > '9')
		return false;
	for (k = 0; k < ARRAY_SIZE(units); k++) {
		n = strlen(units[k]);
		if (!strncmp(p + i + 1, units[k], n) &&
		    !((p[i + 1 + n] >= 'a' && p[i + 1 + n] <= 'z') ||
		      (p[i + 1 + n] >= 'A' && p[i + 1 + n] <= 'Z')))
			return true;
	}
	return false;
}

/* Is the space at p[i] the one after a part's one-letter key ("a anon")? */
static bool letter_space(const char *p, size_t i)
{
	return i && (i == 1 || p[i - 2] == ' ') &&
	       ((p[i - 1] >= 'a' && p[i - 1] <= 'z') || (p[i - 1] >= 'A' && p[i - 1] <= 'Z'));
}

/*
 * Already escaped text, word-wrapped to WIDTH columns: the first line
 * continues a line that already holds `used` columns, the next ones start
 * with `indent` spaces.
 */
static void wrap_on(struct strbuf *sb, const char *text, size_t used, size_t indent)
{
	const char *p = text;
	bool first = true;

	while (*p) {
		size_t avail = WIDTH - (first ? used : indent);
		size_t len = strlen(p), cut = 0, w = 0, i = 0, last_space = 0;

		/* the longest prefix that fits, preferring a break at a space */
		while (i < len) {
			size_t n = term_char_len(p + i), cw = display_width(p + i, n);

			if (w + cw > avail)
				break;
			if (p[i] == ' ' && !number_unit_space(p, i) && !letter_space(p, i))
				last_space = i;
			w += cw;
			i += n;
		}
		if (i >= len)
			cut = len;
		else if (last_space)
			cut = last_space;
		else
			cut = i ? i : term_char_len(p);
		if (!first)
			strbuf_addf(sb, "%*s", (int)indent, "");
		strbuf_add(sb, p, cut);
		strbuf_addch(sb, '\n');
		p += cut;
		while (*p == ' ')
			p++;
		first = false;
	}
	if (first)
		strbuf_addch(sb, '\n');
}

void report_text_wrap(struct strbuf *sb, const char *text, size_t used, size_t indent)
{
	wrap_on(sb, text, used, indent);
}

/* Already escaped text on lines of their own, `indent` spaces in. */
static void wrap(struct strbuf *sb, const char *text, size_t indent)
{
	strbuf_addf(sb, "%*s", (int)indent, "");
	wrap_on(sb, text, indent, indent);
}

static const char *bytes(struct rnum v, char *buf, size_t n)
{
	return report_bytes(v, buf, n);
}

static void section(struct out *o, const char *title, const char *summary)
{
	strbuf_addch(o->sb, '\n');
	sgr(o, "1");
	strbuf_addstr(o->sb, title);
	reset(o);
	if (summary && *summary)
		strbuf_addf(o->sb, "  %s", summary);
	strbuf_addch(o->sb, '\n');
}

void report_text_section(struct strbuf *out, bool color, const char *title, const char *summary)
{
	struct out o = { out, color };

	section(&o, title, summary);
}

/* ---- header and node --------------------------------------------------- */

static void header(struct out *o, const struct report *r, const struct report_capture *c)
{
	struct strbuf line = STRBUF_INIT;

	sgr(o, "1");
	strbuf_addstr(o->sb, "memsnap report: ");
	reset(o);
	strbuf_addstr(&line, "");
	fit(&line, c->hostname, 40, 0);
	strbuf_addf(&line, ", captured %s", "");
	fit(&line, c->started_at, 32, 0);
	if (r->ncaptures > 1)
		strbuf_addf(&line, " (capture %" PRId64 ")", c->capture_id);
	strbuf_add(o->sb, line.buf, line.len);
	strbuf_addch(o->sb, '\n');
	strbuf_reset(&line);
	strbuf_addstr(&line, "kernel ");
	fit(&line, c->kernel_release, 40, 0);
	strbuf_addstr(&line, ", cgroup ");
	fit(&line, c->cgroup_mode, 8, 0);
	strbuf_addstr(&line, ", ");
	fit(&line, c->name, 60, 0);
	strbuf_add(o->sb, line.buf, line.len);
	strbuf_addch(o->sb, '\n');
	if (!c->complete) {
		sgr(o, "33");
		strbuf_addstr(o->sb, "INCOMPLETE capture: the collector stopped early (");
		fit(o->sb, c->interrupted ? c->interrupted : "reason unknown", 20, 0);
		strbuf_addstr(o->sb, "): numbers may be missing");
		reset(o);
		strbuf_addch(o->sb, '\n');
	}
	strbuf_release(&line);
}

static void pct_of(struct strbuf *sb, struct rnum part, struct rnum whole)
{
	if (part.set && whole.set && whole.v > 0)
		strbuf_addf(sb, " (%.0f%%)", 100.0 * (double)part.v / (double)whole.v);
}

static void psi(struct strbuf *sb, struct rreal v)
{
	if (v.set)
		strbuf_addf(sb, "%.2f%%", v.v);
	else
		strbuf_addstr(sb, "?");
}

static void node(struct out *o, const struct report_capture *c)
{
	const struct report_node *n = &c->node;
	struct strbuf l = STRBUF_INIT;
	char a[32], b[32], d[32];

	section(o, "NODE", NULL);
	strbuf_addf(&l, "memory       %s total, %s available", bytes(n->mem_total, a, sizeof(a)),
		    bytes(n->mem_available, b, sizeof(b)));
	pct_of(&l, n->mem_available, n->mem_total);
	strbuf_addf(&l, ", %s free; swap %s used of %s", bytes(n->mem_free, a, sizeof(a)),
		    bytes(n->swap_used, b, sizeof(b)), bytes(n->swap_total, d, sizeof(d)));
	strbuf_addstr(o->sb, "  ");
	wrap_on(o->sb, l.buf, 2, 15);
	strbuf_reset(&l);
	strbuf_addf(&l, "working set  %s", bytes(n->working_set, a, sizeof(a)));
	pct_of(&l, n->working_set, n->mem_total);
	strbuf_addf(&l, "; kubelet memory.available %s", bytes(n->kubelet_available, a, sizeof(a)));
	pct_of(&l, n->kubelet_available, n->mem_total);
	strbuf_addf(&l, "; BPF maps %s", bytes(n->bpf_maps, a, sizeof(a)));
	strbuf_addstr(o->sb, "  ");
	wrap_on(o->sb, l.buf, 2, 15);
	strbuf_reset(&l);
	strbuf_addstr(&l, "pressure     PSI some ");
	psi(&l, n->psi_some_avg10);
	strbuf_addstr(&l, ", full ");
	psi(&l, n->psi_full_avg10);
	strbuf_addstr(&l, " (avg10); some ");
	psi(&l, n->psi_some_avg60);
	strbuf_addstr(&l, ", full ");
	psi(&l, n->psi_full_avg60);
	strbuf_addstr(&l, " (avg60)");
	strbuf_addstr(o->sb, "  ");
	wrap_on(o->sb, l.buf, 2, 15);
	strbuf_release(&l);
}

/* ---- containers ---------------------------------------------------------- */

/* The palette of working_set_parts.colour as terminal colours (SGR). */
static const char *part_sgr(const struct report_part *p)
{
	static const struct {
		const char *name, *sgr;
	} palette[] = {
		{ "red", "31" }, { "green", "32" }, { "orange", "33" }, { "blue", "34" },
		{ "purple", "35" }, { "cyan", "36" }, { "grey", "90" },
	};
	size_t i;

	for (i = 0; p->colour && i < ARRAY_SIZE(palette); i++)
		if (!strcmp(p->colour, palette[i].name))
			return palette[i].sgr;
	return "39";
}

static char part_letter(const struct report_part *p)
{
	return p->letter && p->letter[0] ? p->letter[0] : '?';
}

/*
 * The bar: BAR columns stand for the effective limit (the node's memory
 * when there is none, or the working set when it is above); each part
 * takes the columns its bytes cover, rounded on the running sum so the
 * parts add up to the working set's columns.
 */
static void bar(struct out *o, const struct report_capture *c, const struct report_container *k)
{
	struct rnum mem_total = c->node.mem_total;
	double scale = 0, cum = 0;
	size_t col = 0, i;

	if (k->effective_limit.set)
		scale = (double)k->effective_limit.v;
	else if (mem_total.set)
		scale = (double)mem_total.v;
	if (k->working_set.set && (double)k->working_set.v > scale)
		scale = (double)k->working_set.v;
	strbuf_addstr(o->sb, "          [");
	for (i = 0; i < c->nparts && scale > 0; i++) {
		struct rnum v = k->parts[i];
		size_t end;

		if (!v.set || v.v <= 0)
			continue;
		cum += (double)v.v;
		end = (size_t)llround(cum * BAR / scale);
		if (end > BAR)
			end = BAR;
		if (end <= col)
			continue;
		sgr(o, part_sgr(&c->parts[i]));
		for (; col < end; col++) {
			if (o->color)
				strbuf_addstr(o->sb, "\xe2\x96\x88");
			else
				strbuf_addch(o->sb, part_letter(&c->parts[i]));
		}
		reset(o);
	}
	sgr(o, "2");
	for (; col < BAR; col++)
		strbuf_addstr(o->sb, "\xc2\xb7");
	reset(o);
	strbuf_addstr(o->sb, "]");
	if (k->effective_limit.set)
		strbuf_addstr(o->sb, " limit\n");
	else
		strbuf_addstr(o->sb, " node memory\n");
}

/*
 * The LIMIT column: the limit that holds the container back, and whose it is
 * when not its own ("pods 13.9 GiB": a Kubernetes container with no limit of
 * its own nor on its pod, held only by the limit of all pods together), so
 * the USE next to it is never read as a limit the container has.
 */
static const char *limit_text(const struct report_capture *c, const struct report_container *k,
			      char *buf, size_t n)
{
	char a[32];
	const char *scope = k->limit_scope ? k->limit_scope : "own";
	const char *whose = "";

	if (!k->effective_limit.set)
		return "none";
	if (!strcmp(scope, "parent"))
		whose = c->kubernetes ? "pod " : "above ";
	else if (!strcmp(scope, "above"))
		whose = c->kubernetes ? "pods " : "above ";
	xsnprintf(buf, n, "%s%s", whose, bytes(k->effective_limit, a, sizeof(a)));
	return buf;
}

static void pct_col(struct strbuf *sb, struct rreal v)
{
	if (v.set)
		strbuf_addf(sb, " %5.1f%%", v.v);
	else
		strbuf_addstr(sb, "      -");
}

static void container(struct out *o, const struct report_capture *c,
		      const struct report_container *k, size_t rank)
{
	struct strbuf sb = STRBUF_INIT, parts_text = STRBUF_INIT;
	char a[32], b[32];
	size_t i;

	/* the columns of HEADER below: 61 columns before the name */
	strbuf_addf(&sb, "%4zu %10s", rank, bytes(k->working_set, a, sizeof(a)));
	pct_col(&sb, k->working_set_pct);
	strbuf_addf(&sb, "  %10s", bytes(k->unreclaimable, a, sizeof(a)));
	pct_col(&sb, k->unreclaimable_pct);
	strbuf_addf(&sb, "  %-16s  ", limit_text(c, k, b, sizeof(b)));
	fit_lines(&sb, k->name, WIDTH - 61, 61, 3);
	strbuf_add(o->sb, sb.buf, sb.len);
	bar(o, c, k);
	/* the parts the cgroup has: set and not 0 */
	for (i = 0; i < c->nparts; i++) {
		struct rnum v = k->parts[i];

		if (!v.set || !v.v)
			continue;
		if (parts_text.len)
			strbuf_addstr(&parts_text, ", ");
		strbuf_addf(&parts_text, "%c %s %s", part_letter(&c->parts[i]), c->parts[i].label,
			    bytes(v, a, sizeof(a)));
	}
	if (!k->working_set.set)
		strbuf_addstr(&parts_text, "working set unknown: its memory.stat or usage was not read");
	if (k->reclaimable.set && k->reclaimable.v)
		strbuf_addf(&parts_text, "; reclaimable %s", bytes(k->reclaimable, a, sizeof(a)));
	if (k->high.set)
		strbuf_addf(&parts_text, "; memory.high %s", bytes(k->high, a, sizeof(a)));
	if (k->oom_kill_count.set && k->oom_kill_count.v)
		strbuf_addf(&parts_text, "; OOM kills %" PRId64, k->oom_kill_count.v);
	if (parts_text.len)
		wrap(o->sb, parts_text.buf, 10);
	/* on a line of its own: not a part of the working set */
	if (k->bpf_held.set && c->bpf_maps_charged.set && !c->bpf_maps_charged.v) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "its processes hold %s of BPF maps, charged to no cgroup "
			    "(before Linux 5.11)", bytes(k->bpf_held, a, sizeof(a)));
		wrap(o->sb, sb.buf, 10);
	}
	strbuf_release(&sb);
	strbuf_release(&parts_text);
}

static void containers(struct out *o, const struct report *r, const struct report_capture *c,
		       size_t max)
{
	struct strbuf sum = STRBUF_INIT;
	size_t i, n = c->ncontainers;

	if (max && n > max)
		n = max;
	strbuf_addf(&sum, "%zu %s by working set; %% and the bar are of the limit", c->ncontainers,
		    c->kubernetes ? "Kubernetes containers" : "cgroups with processes");
	section(o, "CONTAINERS", sum.buf);
	strbuf_release(&sum);
	if (!c->ncontainers) {
		strbuf_addstr(o->sb, "  none: no cgroup below the root holds a process\n");
		return;
	}
	strbuf_addstr(o->sb, "   #       WORKING SET      UNRECLAIMABLE  LIMIT             NAME\n");
	for (i = 0; i < n; i++)
		container(o, c, &c->containers[i], i + 1);
	for (i = 0; i < n; i++)
		if (c->containers[i].limit_scope && strcmp(c->containers[i].limit_scope, "own"))
			break;
	if (i < n)
		wrap(o->sb, c->kubernetes ?
		     "LIMIT \"pod N\": no limit of its own, its pod's applies; \"pods N\": none on "
		     "the container nor its pod, only the one on all pods together" :
		     "LIMIT \"above N\": no limit of its own, a cgroup above it has one", 2);
	if (n < c->ncontainers) {
		strbuf_addf(o->sb, "  ... %zu more: memsnap sql ", c->ncontainers - n);
		sh_quote_path(o->sb, r->source);
		strbuf_addf(o->sb, " 'SELECT * FROM report_containers WHERE capture_id = %" PRId64
			    "'\n", c->capture_id);
	}
	if (c->node.rest.set) {
		struct strbuf note = STRBUF_INIT;

		report_node_rest_note(c, &note);
		wrap(o->sb, note.buf, 2);
		strbuf_release(&note);
	}
}

/* What grew over the samples (growth.c); nothing for a capture of one sample. */
static void growth(struct out *o, const struct report *r, const struct report_capture *c,
		   size_t max)
{
	struct strbuf sum = STRBUF_INIT;

	if (!c->growth)
		return;
	report_growth_summary(c->growth, &sum);
	section(o, "WHAT GREW", sum.buf);
	strbuf_release(&sum);
	report_growth_text(c, max, r->source, o->sb);
}

/* ---- findings ------------------------------------------------------------ */

/*
 * A terminal shows at most this many findings of one code (and severity)
 * in a row, then "and N more": on a busy node one code must not drown the
 * rest.  The HTML and the JSON list them all.
 */
#define FINDINGS_PER_CODE 5

static bool same_kind(const struct report_finding *a, const struct report_finding *b)
{
	return a->code && b->code && !strcmp(a->code, b->code) &&
	       !strcmp(a->severity ? a->severity : "", b->severity ? b->severity : "");
}

static void findings(struct out *o, const struct report_capture *c)
{
	struct strbuf sum = STRBUF_INIT;
	size_t i, crit = 0, warn = 0, info = 0, run = 0;

	for (i = 0; i < c->nfindings; i++) {
		const char *s = c->findings[i].severity ? c->findings[i].severity : "";

		if (!strcmp(s, "critical"))
			crit++;
		else if (!strcmp(s, "warning"))
			warn++;
		else
			info++;
	}
	strbuf_addf(&sum, "%zu critical, %zu warning, %zu info", crit, warn, info);
	section(o, "FINDINGS", sum.buf);
	strbuf_release(&sum);
	if (!c->nfindings)
		strbuf_addstr(o->sb, "  nothing stands out\n");
	for (i = 0; i < c->nfindings; i++) {
		const struct report_finding *f = &c->findings[i];
		const char *s = f->severity ? f->severity : "";
		struct strbuf t = STRBUF_INIT;
		size_t more = 0;

		run = i && same_kind(f, f - 1) ? run + 1 : 0;
		if (run >= FINDINGS_PER_CODE) {
			if (i + 1 < c->nfindings && same_kind(f, f + 1))
				continue;
			more = run - FINDINGS_PER_CODE + 1;
			strbuf_addf(&t, "           and %zu more ", more);
			esc(&t, f->code);
			strbuf_addf(&t, " finding%s (--format html or json lists them all)\n",
				    more > 1 ? "s" : "");
			strbuf_add(o->sb, t.buf, t.len);
			strbuf_release(&t);
			continue;
		}
		strbuf_addstr(o->sb, "  ");
		sgr(o, !strcmp(s, "critical") ? "1;31" : !strcmp(s, "warning") ? "33" : "36");
		fit(o->sb, s, 8, 8);
		reset(o);
		strbuf_addch(o->sb, ' ');
		esc(&t, f->title);
		strbuf_addstr(&t, " [");
		esc(&t, f->code);
		strbuf_addch(&t, ']');
		wrap_on(o->sb, t.buf, 11, 11);
		strbuf_reset(&t);
		esc(&t, f->evidence);
		sgr(o, "2");
		wrap(o->sb, t.buf, 11);
		reset(o);
		strbuf_release(&t);
	}
}

/* ---- OOM kills ------------------------------------------------------------- */

static void ooms(struct out *o, const struct report_capture *c)
{
	struct strbuf sum = STRBUF_INIT;

	strbuf_addf(&sum, "%zu in the kernel log", c->nooms);
	section(o, "OOM KILLS", sum.buf);
	strbuf_release(&sum);
	if (!c->nooms)
		strbuf_addstr(o->sb, "  none in the captured kernel log\n");
	report_render_oom_text(c, "kernel log", false, o->sb);
	report_growth_oom_note_text(c, o->sb);
}

/* ---- processes, BPF, problems -------------------------------------------- */

static void processes(struct out *o, const struct report_capture *c)
{
	struct strbuf sum = STRBUF_INIT;
	char a[32];
	size_t i;

	strbuf_addf(&sum, "top %zu by PSS (RSS when PSS is unknown)", c->nprocesses);
	section(o, "PROCESSES", sum.buf);
	strbuf_release(&sum);
	if (!c->nprocesses) {
		strbuf_addstr(o->sb, "  none captured\n");
		return;
	}
	strbuf_addstr(o->sb, "      PID         PSS         RSS        SWAP  SHARE  NAME             "
		      "CGROUP\n");
	for (i = 0; i < c->nprocesses; i++) {
		const struct report_process *p = &c->processes[i];

		strbuf_addf(o->sb, "  %7" PRId64, p->pid);
		strbuf_addf(o->sb, " %11s", bytes(p->pss, a, sizeof(a)));
		strbuf_addf(o->sb, " %11s", bytes(p->rss, a, sizeof(a)));
		strbuf_addf(o->sb, " %11s", bytes(p->swap, a, sizeof(a)));
		if (p->share_pct.set)
			strbuf_addf(o->sb, " %5.1f%%  ", p->share_pct.v);
		else
			strbuf_addstr(o->sb, "      -  ");
		fit(o->sb, p->comm, 16, 17);
		fit(o->sb, p->cgroup_name ? p->cgroup_name : p->cgroup, WIDTH - 71, 0);
		strbuf_addch(o->sb, '\n');
	}
}

static void bpf(struct out *o, const struct report_capture *c)
{
	struct strbuf sum = STRBUF_INIT;
	char a[32];
	size_t i;

	strbuf_addf(&sum, "%zu maps, %s of memlock", c->nbpf_maps, bytes(c->node.bpf_maps, a,
									sizeof(a)));
	section(o, "BPF MAPS BY OWNER", sum.buf);
	strbuf_release(&sum);
	if (!c->nbpf_maps) {
		strbuf_addstr(o->sb, "  none captured\n");
		return;
	}
	strbuf_addstr(o->sb, "      PID  PROCESS          MAPS     MEMLOCK  CGROUP\n");
	for (i = 0; i < c->nbpf_owners; i++) {
		const struct report_bpf_owner *b = &c->bpf_owners[i];

		if (b->pid.set)
			strbuf_addf(o->sb, "  %7" PRId64 "  ", b->pid.v);
		else
			strbuf_addstr(o->sb, "        -  ");
		fit(o->sb, b->pid.set ? b->comm : "(no process)", 16, 16);
		strbuf_addf(o->sb, " %4" PRId64 " %11s  ", b->maps, bytes(b->memlock, a, sizeof(a)));
		fit(o->sb, b->cgroup_name ? b->cgroup_name : b->cgroup ? b->cgroup : "-",
		    WIDTH - 46, 0);
		strbuf_addch(o->sb, '\n');
	}
	wrap(o->sb, report_bpf_charged_note(c), 2);
	wrap(o->sb, report_bpf_memlock_note(c), 2);
}

static void problems(struct out *o, const struct report_capture *c)
{
	struct strbuf sum = STRBUF_INIT;
	int64_t normal = 0;
	size_t i;

	for (i = 0; i < c->nproblems; i++)
		if (c->problems[i].normal)
			normal += c->problems[i].files;
	strbuf_addf(&sum, "%" PRId64 " file%s not read or not parsed; %" PRId64 " absent or "
		    "vanished (normal)", c->problem_files, c->problem_files == 1 ? "" : "s", normal);
	section(o, "COULD NOT READ", sum.buf);
	strbuf_release(&sum);
	if (!c->nproblems)
		strbuf_addstr(o->sb, "  nothing: every file was read and parsed\n");
	for (i = 0; i < c->nproblems; i++) {
		const struct report_problem *p = &c->problems[i];
		struct strbuf t = STRBUF_INIT;

		if (p->normal)
			sgr(o, "2");
		strbuf_addstr(o->sb, "  ");
		fit(o->sb, p->kind, 9, 9);
		strbuf_addf(o->sb, " %5" PRId64 "  ", p->files);
		fit(o->sb, p->what, WIDTH - 19, 0);
		strbuf_addch(o->sb, '\n');
		esc(&t, p->error);
		if (p->example && p->what && strcmp(p->example, p->what)) {
			strbuf_addstr(&t, " (");
			esc(&t, p->example);
			strbuf_addch(&t, ')');
		}
		wrap(o->sb, t.buf, 19);
		if (p->normal)
			reset(o);
		strbuf_release(&t);
	}
}

void report_render_text(const struct report *r, const struct report_text_opts *opts,
			struct strbuf *sb)
{
	struct out o = { sb, opts->color };
	size_t i;

	for (i = 0; i < r->ncaptures; i++) {
		const struct report_capture *c = &r->captures[i];

		if (i)
			strbuf_addstr(sb, "\n\n");
		header(&o, r, c);
		node(&o, c);
		containers(&o, r, c, opts->max_containers);
		growth(&o, r, c, opts->max_containers);
		findings(&o, c);
		ooms(&o, c);
		report_deeper_text(c, o.color, sb);
		processes(&o, c);
		bpf(&o, c);
		problems(&o, c);
		strbuf_addch(sb, '\n');
		wrap(sb, "Every number above is a row of a public view: memsnap report --format html "
		     "shows each query, or run them with memsnap sql.", 0);
	}
}
