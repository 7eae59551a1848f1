/* SPDX-License-Identifier: MIT */
#include "reports/svg.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/growth.h"
#include "reports/htmlw.h"

#include "common/banned.h"

const char *svg_part_class(const struct report_part *p, char *buf, size_t n)
{
	const char *s = p->colour ? p->colour : "";
	size_t i, len = strlen(s);

	for (i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			break;
	xsnprintf(buf, n, "c-%s", len && i == len && len < 16 ? s : "none");
	return buf;
}

static double pos(struct rnum v)
{
	return v.set && v.v > 0 ? (double)v.v : 0;
}

/* ---- treemap -------------------------------------------------------------- */

struct rect {
	double x, y, w, h;
};

/* The worst aspect ratio of a row of areas a[0..n) (sorted descending)
 * laid along a side of length side. */
static double worst(const double *a, size_t n, double sum, double side)
{
	double s2 = sum * sum, w2 = side * side, hi, lo;

	if (!n || sum <= 0)
		return INFINITY;
	hi = w2 * a[0] / s2;
	lo = s2 / (w2 * a[n - 1]);
	return hi > lo ? hi : lo;
}

/*
 * Squarified treemap (Bruls, Huizing, van Wijk 2000): values v[0..n)
 * sorted descending, all > 0, into r; rects in out[0..n).
 */
static void squarify(const double *v, size_t n, struct rect r, struct rect *out)
{
	double total = 0, *a;
	size_t i = 0, j;

	for (j = 0; j < n; j++)
		total += v[j];
	if (n == 0 || total <= 0 || r.w <= 0 || r.h <= 0) {
		for (j = 0; j < n; j++)
			out[j] = (struct rect){ r.x, r.y, 0, 0 };
		return;
	}
	a = xcalloc(n, sizeof(*a));
	for (j = 0; j < n; j++)
		a[j] = v[j] * r.w * r.h / total;
	while (i < n) {
		double side = r.w < r.h ? r.w : r.h, sum = a[i], best;
		size_t k;

		best = worst(a + i, 1, sum, side);
		for (j = i + 1; j < n; j++) {
			double w2 = worst(a + i, j - i + 1, sum + a[j], side);

			if (w2 > best)
				break;
			best = w2;
			sum += a[j];
		}
		if (j >= n) {
			/* the last row takes what is left, exactly */
			sum = 0;
			for (k = i; k < n; k++)
				sum += a[k];
		}
		if (r.w >= r.h) {
			double cw = r.h > 0 ? sum / r.h : 0, y = r.y;

			for (k = i; k < j; k++) {
				double hh = cw > 0 ? a[k] / cw : 0;

				out[k] = (struct rect){ r.x, y, cw, hh };
				y += hh;
			}
			r.x += cw;
			r.w -= cw;
		} else {
			double rh = r.w > 0 ? sum / r.w : 0, x = r.x;

			for (k = i; k < j; k++) {
				double ww = rh > 0 ? a[k] / rh : 0;

				out[k] = (struct rect){ x, r.y, ww, rh };
				x += ww;
			}
			r.y += rh;
			r.h -= rh;
		}
		i = j;
	}
	free(a);
}

/* A node of the treemap's hierarchy: indices into the containers. */
struct tnode {
	const char *label;
	double value;
	size_t *members;        /* containers (leaf level) */
	size_t nmembers;
	struct tnode *kids;
	size_t nkids;
};

static int cmp_tnode(const void *pa, const void *pb)
{
	const struct tnode *a = pa, *b = pb;

	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	return strcmp(a->label ? a->label : "", b->label ? b->label : "");
}

static struct tnode *child(struct tnode *t, const char *label)
{
	size_t i;

	for (i = 0; i < t->nkids; i++)
		if (!strcmp(t->kids[i].label, label))
			return &t->kids[i];
	t->kids = xrealloc(t->kids, (t->nkids + 1) * sizeof(*t->kids));
	memset(&t->kids[t->nkids], 0, sizeof(*t->kids));
	t->kids[t->nkids].label = label;
	return &t->kids[t->nkids++];
}

static void tnode_free(struct tnode *t)
{
	size_t i;

	for (i = 0; i < t->nkids; i++)
		tnode_free(&t->kids[i]);
	free(t->kids);
	free(t->members);
}

static void tnode_sort(struct tnode *t)
{
	size_t i;

	for (i = 0; i < t->nkids; i++)
		tnode_sort(&t->kids[i]);
	if (t->nkids > 1)
		qsort(t->kids, t->nkids, sizeof(*t->kids), cmp_tnode);
}

static void svg_rect(struct strbuf *out, struct rect r, const char *cls)
{
	strbuf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"%s\"",
		    r.x, r.y, r.w, r.h, cls);
}

/* Text that fits in width px (about 6.6 px per character at 11 px). */
static void svg_label(struct strbuf *out, double x, double y, double width, const char *cls,
		      const char *s)
{
	size_t max = width > 0 ? (size_t)(width / 6.6) : 0, len = s ? strlen(s) : 0, cut = len;

	if (max < 3 || !s)
		return;
	if (len > max) {
		cut = max - 1;
		while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\">", x, y, cls);
	html_text(out, s, cut);
	if (cut < len)
		strbuf_addstr(out, "\xe2\x80\xa6");
	strbuf_addstr(out, "</text>");
}

static void leaf(struct strbuf *out, const struct report_capture *c,
		 const struct report_container *k, struct rect r)
{
	double *vals = xcalloc(c->nparts + 1, sizeof(*vals)), total = 0, at;
	size_t i;
	char a[32], cls[32];
	bool horizontal = r.w >= r.h;

	strbuf_addstr(out, "<g class=\"leaf\"><title>");
	html_textz(out, k->name);
	strbuf_addf(out, ": working set %s", report_bytes(k->working_set, a, sizeof(a)));
	for (i = 0; i < c->nparts; i++) {
		struct rnum v = k->parts[i];

		vals[i] = pos(v);
		total += vals[i];
		if (v.set && v.v) {
			strbuf_addf(out, "\n");
			html_textz(out, c->parts[i].label);
			strbuf_addf(out, " %s", report_bytes(v, a, sizeof(a)));
		}
	}
	strbuf_addstr(out, "</title>");
	at = horizontal ? r.x : r.y;
	for (i = 0; i < c->nparts && total > 0; i++) {
		struct rect p = r;
		double len;

		if (!vals[i])
			continue;
		len = (horizontal ? r.w : r.h) * vals[i] / total;
		if (horizontal)
			p.x = at, p.w = len;
		else
			p.y = at, p.h = len;
		at += len;
		svg_rect(out, p, svg_part_class(&c->parts[i], cls, sizeof(cls)));
		strbuf_addstr(out, "/>");
	}
	free(vals);
	svg_rect(out, r, "frame");
	strbuf_addstr(out, "/>");
	if (r.h >= 16)
		svg_label(out, r.x + 3, r.y + 13, r.w - 6, "tm-label",
			  k->container ? k->container : k->name);
	if (r.h >= 30) {
		report_bytes(k->working_set, a, sizeof(a));
		svg_label(out, r.x + 3, r.y + 26, r.w - 6, "tm-value", a);
	}
	strbuf_addstr(out, "</g>");
}

static void layout(struct strbuf *out, const struct report_capture *c, struct tnode *t,
		   struct rect r, int depth)
{
	double *v;
	struct rect *rs;
	size_t i, n = t->nkids ? t->nkids : t->nmembers;

	if (!n)
		return;
	v = xcalloc(n, sizeof(*v));
	rs = xcalloc(n, sizeof(*rs));
	for (i = 0; i < n; i++)
		v[i] = t->nkids ? t->kids[i].value : pos(c->containers[t->members[i]].working_set);
	squarify(v, n, r, rs);
	for (i = 0; i < n; i++) {
		if (rs[i].w < 0.05 || rs[i].h < 0.05)
			continue;
		if (!t->nkids) {
			leaf(out, c, &c->containers[t->members[i]], rs[i]);
			continue;
		}
		{
			struct tnode *k = &t->kids[i];
			struct rect in = rs[i];
			double head = depth == 0 && rs[i].h > 40 && rs[i].w > 40 ? 16 : 0;

			strbuf_addstr(out, "<g class=\"group\">");
			svg_rect(out, rs[i], depth == 0 ? "tm-group" : "tm-sub");
			strbuf_addstr(out, "><title>");
			html_textz(out, k->label);
			strbuf_addstr(out, "</title></rect>");
			if (head) {
				svg_label(out, rs[i].x + 4, rs[i].y + 12, rs[i].w - 8, "tm-head",
					  k->label);
				in.y += head;
				in.h -= head;
			}
			in.x += 1, in.y += 1, in.w -= 2, in.h -= 2;
			layout(out, c, k, in, depth + 1);
			strbuf_addstr(out, "</g>");
		}
	}
	free(v);
	free(rs);
}

void svg_treemap(struct strbuf *out, const struct report_capture *c)
{
	struct tnode root = { 0 };
	const double W = 960, H = 420;
	size_t i;
	char a[32];

	for (i = 0; i < c->ncontainers; i++) {
		const struct report_container *k = &c->containers[i];
		double v = pos(k->working_set);
		struct tnode *g, *s;

		if (v <= 0)
			continue;
		g = child(&root, k->group ? k->group : "?");
		s = child(g, k->subgroup ? k->subgroup : "?");
		s->members = xrealloc(s->members, (s->nmembers + 1) * sizeof(size_t));
		s->members[s->nmembers++] = i;
		s->value += v;
		g->value += v;
	}
	/* members are in the model's order: by working set, then cgroup */
	if (pos(c->node.rest) > 0) {
		struct tnode *r = child(&root, "rest of the node");

		r->value = pos(c->node.rest);
	}
	tnode_sort(&root);
	strbuf_addf(out, "<svg class=\"chart treemap\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		    "aria-label=\"The node's working set by group, pod and container\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">", W, H);
	if (!root.nkids) {
		strbuf_addstr(out, "<text x=\"10\" y=\"24\" class=\"tm-head\">no working set to "
			      "show</text>");
	} else {
		struct rect all = { 0, 0, W, H };
		double *v = xcalloc(root.nkids, sizeof(*v));
		struct rect *rs = xcalloc(root.nkids, sizeof(*rs));

		for (i = 0; i < root.nkids; i++)
			v[i] = root.kids[i].value;
		squarify(v, root.nkids, all, rs);
		for (i = 0; i < root.nkids; i++) {
			struct tnode *g = &root.kids[i];
			struct rect in = rs[i];

			if (rs[i].w < 0.05 || rs[i].h < 0.05)
				continue;
			strbuf_addstr(out, "<g class=\"group\">");
			if (!g->nkids) {
				/* the rest of the node */
				svg_rect(out, rs[i], "p-rest");
				strbuf_addstr(out, "><title>");
				strbuf_addf(out, "the rest of the node's working set: %s",
					    report_bytes(c->node.rest, a, sizeof(a)));
				strbuf_addstr(out, "</title></rect>");
				svg_label(out, rs[i].x + 4, rs[i].y + 13, rs[i].w - 8, "tm-head",
					  "rest of the node");
				svg_label(out, rs[i].x + 4, rs[i].y + 26, rs[i].w - 8, "tm-value",
					  report_bytes(c->node.rest, a, sizeof(a)));
				strbuf_addstr(out, "</g>");
				continue;
			}
			svg_rect(out, rs[i], "tm-group");
			strbuf_addstr(out, "><title>");
			html_textz(out, g->label);
			strbuf_addstr(out, "</title></rect>");
			if (rs[i].h > 40 && rs[i].w > 40) {
				svg_label(out, rs[i].x + 4, rs[i].y + 12, rs[i].w - 8, "tm-head",
					  g->label);
				in.y += 16;
				in.h -= 16;
			}
			in.x += 2, in.y += 1, in.w -= 4, in.h -= 3;
			layout(out, c, g, in, 1);
			strbuf_addstr(out, "</g>");
		}
		free(v);
		free(rs);
	}
	strbuf_addstr(out, "</svg>");
	tnode_free(&root);
}

/* ---- bars per container ---------------------------------------------------- */

void svg_container_bars(struct strbuf *out, const struct report_capture *c)
{
	const double W = 960, LABEL = 290, BARW = 420, ROW = 24;
	size_t i, n = c->ncontainers < SVG_MAX_BARS ? c->ncontainers : SVG_MAX_BARS;
	char a[32], b[32], cls[32];

	strbuf_addf(out, "<svg class=\"chart bars\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		    "aria-label=\"Each container's working set against its limit\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">", W, ROW * (double)(n ? n : 1) + 6);
	for (i = 0; i < n; i++) {
		const struct report_container *k = &c->containers[i];
		double scale = k->effective_limit.set ? (double)k->effective_limit.v :
			       pos(c->node.mem_total), x = LABEL, y = 3 + ROW * (double)i;
		size_t p;

		if (pos(k->working_set) > scale)
			scale = pos(k->working_set);
		strbuf_addstr(out, "<g class=\"bar\"><title>");
		html_textz(out, k->name);
		strbuf_addf(out, ": working set %s", report_bytes(k->working_set, a, sizeof(a)));
		if (k->effective_limit.set)
			strbuf_addf(out, " of a %s limit", report_bytes(k->effective_limit, b,
									sizeof(b)));
		else
			strbuf_addstr(out, ", no limit (scale: the node's memory)");
		strbuf_addstr(out, "</title>");
		svg_label(out, 0, y + 15, LABEL - 10, "bar-label", k->name);
		strbuf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" "
			    "class=\"track\"/>", LABEL, y + 2, BARW);
		for (p = 0; p < c->nparts && scale > 0; p++) {
			double w = BARW * pos(k->parts[p]) / scale;

			if (w <= 0)
				continue;
			if (x + w > LABEL + BARW)
				w = LABEL + BARW - x;
			strbuf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" "
				    "class=\"%s\"/>", x, y + 2, w,
				    svg_part_class(&c->parts[p], cls, sizeof(cls)));
			x += w;
		}
		if (k->effective_limit.set && scale > 0) {
			double lx = LABEL + BARW * (double)k->effective_limit.v / scale;

			strbuf_addf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
				    "class=\"limit\"/>", lx, lx, y, y + 20);
		}
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"bar-value\">", LABEL + BARW + 8,
			    y + 15);
		strbuf_addstr(out, report_bytes(k->working_set, a, sizeof(a)));
		if (k->working_set_pct.set)
			strbuf_addf(out, " \xc2\xb7 %.1f%% of %s", k->working_set_pct.v,
				    report_bytes(k->effective_limit, b, sizeof(b)));
		else
			strbuf_addstr(out, " \xc2\xb7 no limit");
		strbuf_addstr(out, "</text></g>");
	}
	if (!n)
		strbuf_addstr(out, "<text x=\"0\" y=\"18\" class=\"bar-label\">no containers</text>");
	strbuf_addstr(out, "</svg>");
}

/* ---- OOM timeline ------------------------------------------------------------ */

void svg_oom_timeline(struct strbuf *out, const struct report_capture *c)
{
	const double W = 960, H = 150, L = 40, R = 920, AXIS = 90;
	double t0 = INFINITY, t1 = -INFINITY;
	size_t i, placed = 0;

	for (i = 0; i < c->nooms; i++)
		if (c->ooms[i].kernel_time.set) {
			t0 = fmin(t0, c->ooms[i].kernel_time.v);
			t1 = fmax(t1, c->ooms[i].kernel_time.v);
		}
	if (c->started_monotonic.set && isfinite(t0))
		t1 = fmax(t1, c->started_monotonic.v);
	strbuf_addf(out, "<svg class=\"chart timeline\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		    "aria-label=\"OOM kills in time, up to the capture\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">", W, H);
	strbuf_addf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>",
		    L, R, AXIS, AXIS);
	if (!isfinite(t0)) {
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"tl-note\">no OOM kill with a "
			    "kernel time</text></svg>", L, AXIS - 12);
		return;
	}
	if (t1 - t0 < 1)
		t0 -= 1;
	for (i = 0; i < c->nooms; i++) {
		const struct report_oom *k = &c->ooms[i];
		double x, ly;
		char a[32];

		if (!k->kernel_time.set)
			continue;
		x = L + (R - L) * (k->kernel_time.v - t0) / (t1 - t0);
		ly = placed % 2 ? AXIS + 34 : AXIS - 30;
		strbuf_addstr(out, "<g class=\"oom\"><title>");
		if (k->wall_time)
			html_textz(out, k->wall_time);
		else
			strbuf_addf(out, "%.3f s after boot", k->kernel_time.v);
		strbuf_addstr(out, ": ");
		if (k->killed_pid.set) {
			html_textz(out, k->killed_comm ? k->killed_comm : "?");
			strbuf_addf(out, " (pid %" PRId64 ") killed", k->killed_pid.v);
		} else {
			/* the outcome's word and meaning, as the OOM table says them */
			html_textz(out, k->outcome ? k->outcome : "?");
			strbuf_addstr(out, ": ");
			html_textz(out, report_oom_outcome_text(k));
		}
		strbuf_addstr(out, " in ");
		html_textz(out, k->cgroup_name ? k->cgroup_name :
			   k->task_memcg ? k->task_memcg : k->oom_memcg ? k->oom_memcg : "?");
		if (k->memcg_usage.set)
			strbuf_addf(out, "; memory cgroup usage %s",
				    report_bytes(k->memcg_usage, a, sizeof(a)));
		strbuf_addstr(out, "</title>");
		strbuf_addf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
			    "class=\"tick\"/>", x, x, AXIS, ly + (placed % 2 ? -12 : 4));
		strbuf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" class=\"kill\"/>", x, AXIS);
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"tl-label%s\">", x, ly,
			    x > W / 2 ? " end" : "");
		html_textz(out, k->killed_pid.set && k->killed_comm ? k->killed_comm :
			   k->killed_pid.set || !k->outcome ? "?" : k->outcome);
		strbuf_addstr(out, "</text>");
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"tl-time%s\">", x, ly + 13,
			    x > W / 2 ? " end" : "");
		if (k->wall_time)
			html_textz(out, k->wall_time);
		else
			strbuf_addf(out, "%.0f s after boot", k->kernel_time.v);
		strbuf_addstr(out, "</text></g>");
		placed++;
	}
	if (c->started_monotonic.set) {
		double x = L + (R - L) * (c->started_monotonic.v - t0) / (t1 - t0);

		strbuf_addf(out, "<g class=\"capture\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
			    "y2=\"%.1f\" class=\"capture-mark\"/>", x, x, AXIS - 50, AXIS + 10);
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"tl-time end\">capture ", x,
			    AXIS - 54);
		html_textz(out, c->started_at);
		strbuf_addstr(out, "</text></g>");
	}
	strbuf_addstr(out, "</svg>");
}

/* ---- sparkline (What grew) ---------------------------------------------------- */

void svg_sparkline(struct strbuf *out, const struct report_growth_point *p, size_t n,
		   const char *cls, const char *title)
{
	const double W = 120, H = 24, PAD = 1.5;
	struct strbuf line = STRBUF_INIT;
	double t0, t1, lo, hi;
	size_t i;

	strbuf_addf(out, "<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		    "role=\"img\" aria-label=\"", W, H, W, H);
	html_attrz(out, title);
	strbuf_addstr(out, "\" xmlns=\"http://www.w3.org/2000/svg\"><title>");
	html_textz(out, title);
	strbuf_addstr(out, "</title>");
	if (!n)
		goto out;
	t0 = p[0].mono_s;
	t1 = p[n - 1].mono_s;
	lo = hi = (double)p[0].bytes;
	for (i = 1; i < n; i++) {
		if ((double)p[i].bytes < lo)
			lo = (double)p[i].bytes;
		if ((double)p[i].bytes > hi)
			hi = (double)p[i].bytes;
	}
	for (i = 0; i < n; i++) {
		/* one sample, or all at one time: spread evenly; flat: mid-height */
		double x = t1 > t0 ? W * (p[i].mono_s - t0) / (t1 - t0) :
			   n > 1 ? W * (double)i / (double)(n - 1) : W / 2;
		double y = hi > lo ? H - PAD - (H - 2 * PAD) * ((double)p[i].bytes - lo) / (hi - lo) :
			   H / 2;

		strbuf_addf(&line, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	strbuf_addf(out, "<polygon class=\"%s\" fill-opacity=\"0.45\" points=\"%.1f,%.1f %s %.1f,%.1f\"/>",
		    cls, t1 > t0 || n > 1 ? 0.0 : W / 2, H, line.buf,
		    t1 > t0 || n > 1 ? W : W / 2, H);
	strbuf_addf(out, "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.2\" "
		    "points=\"%s\"/>", line.buf);
out:
	strbuf_addstr(out, "</svg>");
	strbuf_release(&line);
}
