/* SPDX-License-Identifier: MIT */
/*
 * Issue 16's report sections as HTML (reports/deeper.h): a table each,
 * the SQL under it, through the writers of htmlw.c.  A section without
 * rows is left out, and so is its entry in the page's section list.
 */
#include <inttypes.h>
#include <string.h>

#include "reports/deeper.h"
#include "reports/htmlw.h"

#include "common/banned.h"

#define S(lit) strbuf_addstr(out, lit)

static const struct {
	const char *id, *nav;
} sections[] = {
	{ "dying", "Dying cgroups" }, { "memory-high", "memory.high" },
	{ "tmpfs", "tmpfs" }, { "eviction", "Eviction or OOM" },
	{ "kills", "Kills and evictions" }, { "heaps", "Heap limits" },
};

enum { SEC_DYING, SEC_HIGH, SEC_TMPFS, SEC_EVICTION, SEC_KILLS, SEC_HEAPS };

static bool has(const struct report_deeper *d, size_t sec)
{
	switch (sec) {
	case SEC_DYING: return d->ndying;
	case SEC_HIGH: return d->nthrottled;
	case SEC_TMPFS: return d->ntmpfs;
	case SEC_EVICTION: return d->eviction.set;
	case SEC_KILLS: return d->nkills;
	default: return d->nheaps;
	}
}

void report_deeper_html_nav(const struct report_capture *c, struct strbuf *out)
{
	size_t i;

	for (i = 0; c->deeper && i < ARRAY_SIZE(sections); i++) {
		if (!has(c->deeper, i))
			continue;
		S("<li><a href=\"#");
		report_html_id(out, c, sections[i].id);
		S("\">");
		S(sections[i].nav);
		S("</a></li>");
	}
}

/* The section, its sentence and its table's head (th: literal markup). */
static void open_table(struct strbuf *out, const struct report_capture *c, size_t sec,
		       enum report_query_id q, const char *sentence, const char *heads)
{
	report_html_section_open(out, c, sections[sec].id, report_query_title(q));
	S("<p>");
	S(sentence);
	S("</p><div class=\"scroll\"><table class=\"data\"><thead><tr>");
	S(heads);
	S("</tr></thead><tbody>");
}

static void close_table(struct strbuf *out, const struct report *r,
			const struct report_capture *c, enum report_query_id q)
{
	S("</tbody></table></div>");
	report_html_query(out, r, c, q);
	S("</section>");
}

/* The name of a row: namespace/pod[/container] when known, else fallback. */
static void who_cell(struct strbuf *out, const char *ns, const char *pod, const char *container,
		     const char *fallback, const char *title)
{
	S("<td");
	if (title) {
		S(" title=\"");
		html_attrz(out, title);
		S("\"");
	}
	S(">");
	if (pod) {
		html_textz(out, ns ? ns : "?");
		S("/");
		html_textz(out, pod);
		if (container) {
			S("/");
			html_textz(out, container);
		}
	} else {
		html_textz(out, fallback ? fallback : "?");
	}
	S("</td>");
}

static void dying(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	const struct report_deeper *d = c->deeper;
	size_t i;

	open_table(out, c, SEC_DYING, RQ_DYING,
		   "Removed memory cgroups the kernel still holds, because pages (page cache, "
		   "slab) are still charged to them, by the cgroup they were under. "
		   "<i>Unaccounted</i> is the parent's usage that no live child nor its own "
		   "processes hold: at most what the dying ones pin.",
		   "<th>Cgroup</th><th class=\"n\">dying</th><th class=\"n\">live below</th>"
		   "<th class=\"n\">unaccounted</th><th class=\"n\">usage</th>"
		   "<th class=\"n\">cgroup version</th>");
	for (i = 0; i < d->ndying; i++) {
		const struct report_dying *k = &d->dying[i];

		S("<tr>");
		who_cell(out, NULL, NULL, NULL, k->name ? k->name : k->cgroup, k->cgroup);
		html_int_cell(out, k->nr_dying, "?");
		html_int_cell(out, k->nr_descendants, "?");
		html_bytes_cell(out, k->unaccounted, "?");
		html_bytes_cell(out, k->usage, "?");
		html_int_cell(out, k->cgroup_version, "?");
		S("</tr>");
	}
	close_table(out, r, c, RQ_DYING);
}

static void throttled(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	const struct report_deeper *d = c->deeper;
	size_t i;

	open_table(out, c, SEC_HIGH, RQ_THROTTLED,
		   "Cgroups with <code>memory.high</code> set (cgroup v2; Kubernetes MemoryQoS): "
		   "above it the kernel slows the cgroup by reclaim instead of killing it. "
		   "<code>memory.events</code> counts how often it went over (high) or hit "
		   "<code>memory.max</code>; PSI is the share of time its tasks stalled on memory.",
		   "<th>Cgroup</th><th class=\"n\">usage</th><th class=\"n\">memory.high</th>"
		   "<th class=\"n\">use of high</th><th class=\"n\">memory.max</th>"
		   "<th class=\"n\">events high</th><th class=\"n\">events max</th>"
		   "<th class=\"n\">high during capture</th>"
		   "<th class=\"n\">OOM kills</th><th class=\"n\">PSI some avg10</th>"
		   "<th class=\"n\">PSI some avg60</th><th class=\"n\">PSI full avg10</th>");
	for (i = 0; i < d->nthrottled; i++) {
		const struct report_throttled *k = &d->throttled[i];

		S("<tr>");
		who_cell(out, NULL, NULL, NULL, k->name ? k->name : k->cgroup, k->cgroup);
		html_bytes_cell(out, k->usage, "?");
		html_bytes_cell(out, k->high, "?");
		html_pct_cell(out, k->high_pct, "?");
		html_bytes_cell(out, k->max, "max");
		html_int_cell(out, k->events_high, "?");
		html_int_cell(out, k->events_max, "?");
		html_int_cell(out, k->events_high_growth, "-");
		html_int_cell(out, k->events_oom_kill, "?");
		html_pct_cell(out, k->psi_some_avg10, "?");
		html_pct_cell(out, k->psi_some_avg60, "?");
		html_pct_cell(out, k->psi_full_avg10, "?");
		S("</tr>");
	}
	close_table(out, r, c, RQ_THROTTLED);
}

static void tmpfs(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	const struct report_deeper *d = c->deeper;
	size_t i;

	open_table(out, c, SEC_TMPFS, RQ_TMPFS,
		   "tmpfs mounts: emptyDir volumes of medium Memory and each container's "
		   "<code>/dev/shm</code>. What is written there is shmem, charged to the container "
		   "that writes it (sizes from statfs, never the files).",
		   "<th>Pod or container</th><th>Volume</th><th class=\"n\">used</th>"
		   "<th class=\"n\">size</th><th>Mount point</th>");
	for (i = 0; i < d->ntmpfs; i++) {
		const struct report_tmpfs *k = &d->tmpfs[i];

		S("<tr>");
		who_cell(out, k->namespace_, k->pod, k->container, k->cgroup, k->cgroup);
		html_text_cell(out, k->volume ? k->volume : k->kind, "?");
		html_bytes_cell(out, k->used, "?");
		html_bytes_cell(out, k->size, "?");
		S("<td><code class=\"path\">");
		html_textz(out, k->mount_point);
		S("</code></td></tr>");
	}
	close_table(out, r, c, RQ_TMPFS);
}

static void eviction(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	const struct report_eviction *e = &c->deeper->eviction;
	char a[32], b[32];

	report_html_section_open(out, c, sections[SEC_EVICTION].id,
				 report_query_title(RQ_EVICTION));
	S("<dl class=\"kv\"><dt>First to act</dt><dd><b>");
	html_textz(out, e->first_to_act ? e->first_to_act : "unknown");
	S("</b></dd><dt>Kubelet eviction</dt><dd>");
	html_textf(out, "memory.available %s against a threshold of %s (",
		   report_bytes(e->kubelet_available, a, sizeof(a)),
		   report_bytes(e->threshold, b, sizeof(b)));
	html_textz(out, e->threshold_source ? e->threshold_source : "?");
	html_textf(out, "): %s to go", report_bytes(e->eviction_distance, a, sizeof(a)));
	S("</dd><dt>Kernel OOM</dt><dd>");
	html_textf(out, "MemAvailable %s", report_bytes(e->oom_distance, a, sizeof(a)));
	S("</dd><dt>Allocatable</dt><dd>");
	html_textf(out, "node allocatable (the kubepods limit) %s; systemReserved %s, ",
		   report_bytes(e->allocatable, a, sizeof(a)),
		   report_bytes(e->system_reserved, b, sizeof(b)));
	html_textf(out, "kubeReserved %s", report_bytes(e->kube_reserved, a, sizeof(a)));
	S("</dd></dl>");
	report_html_query(out, r, c, RQ_EVICTION);
	S("</section>");
}

static void kills(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	const struct report_deeper *d = c->deeper;
	size_t i;

	open_table(out, c, SEC_KILLS, RQ_KILLS,
		   "Every kill and eviction the capture knows of: the kernel's OOM kills, "
		   "systemd-oomd's kills and the kubelet's evictions (the journal of those two "
		   "units), and whether Kubernetes sees each.",
		   "<th>When</th><th>Source</th><th>Pod or cgroup</th><th>Process</th>"
		   "<th class=\"n\">pid</th><th>Reason</th><th class=\"n\">bytes</th>"
		   "<th>Kubernetes sees it</th>");
	for (i = 0; i < d->nkills; i++) {
		const struct report_kill *k = &d->kills[i];

		S("<tr>");
		html_text_cell(out, k->time, "?");
		html_text_cell(out, k->source, "?");
		who_cell(out, k->namespace_, k->pod, k->container, k->cgroup, k->cgroup);
		html_text_cell(out, k->comm, "-");
		html_int_cell(out, k->pid, "-");
		html_text_cell(out, k->reason, "?");
		html_bytes_cell(out, k->bytes, "?");
		html_text_cell(out, !k->k8s_visible.set ? NULL : k->k8s_visible.v ? "yes" : "no",
			       "unknown");
		S("</tr>");
	}
	close_table(out, r, c, RQ_KILLS);
}

static void heaps(struct strbuf *out, const struct report *r, const struct report_capture *c)
{
	const struct report_deeper *d = c->deeper;
	size_t i;

	open_table(out, c, SEC_HEAPS, RQ_HEAPS,
		   "JVM and Node.js processes: the heap limit their flags set (or the JVM's "
		   "default share of the container limit) against the container's limit.",
		   "<th class=\"n\">pid</th><th>Process</th><th>Runtime</th><th>Cgroup</th>"
		   "<th class=\"n\">heap limit</th><th>set by</th>"
		   "<th class=\"n\">container limit</th>");
	for (i = 0; i < d->nheaps; i++) {
		const struct report_heap *k = &d->heaps[i];
		struct rnum pid = { k->pid, true };

		S("<tr>");
		html_int_cell(out, pid, "?");
		html_text_cell(out, k->comm, "?");
		html_text_cell(out, k->runtime, "?");
		who_cell(out, NULL, NULL, NULL, k->name ? k->name : k->cgroup, k->cgroup);
		html_bytes_cell(out, k->heap_limit, "none");
		html_text_cell(out, k->heap_limit_source, "-");
		html_bytes_cell(out, k->container_limit, "none");
		S("</tr>");
	}
	close_table(out, r, c, RQ_HEAPS);
}

void report_deeper_html(const struct report *r, const struct report_capture *c,
			struct strbuf *out)
{
	static void (*const render[])(struct strbuf *, const struct report *,
				      const struct report_capture *) = {
		[SEC_DYING] = dying, [SEC_HIGH] = throttled, [SEC_TMPFS] = tmpfs,
		[SEC_EVICTION] = eviction, [SEC_KILLS] = kills, [SEC_HEAPS] = heaps,
	};
	size_t i;

	for (i = 0; c->deeper && i < ARRAY_SIZE(render); i++)
		if (has(c->deeper, i))
			render[i](out, r, c);
}
