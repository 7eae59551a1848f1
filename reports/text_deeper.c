/* SPDX-License-Identifier: MIT */
/*
 * Issue 16's report sections as text (reports/deeper.h): a sentence per
 * row, wrapped to the report's 100 columns like the findings.  A section
 * without rows is left out.  Strings from the capture go through
 * term_escape(); unknown numbers are "?" (report_bytes()), never 0.
 */
#include <inttypes.h>
#include <string.h>

#include "reports/deeper.h"
#include "reports/textout.h"

#include "common/banned.h"

static void esc(struct strbuf *sb, const char *s)
{
	term_escape(sb, s ? s : "?", strlen(s ? s : "?"));
}

static void count(struct strbuf *sb, struct rnum v)
{
	if (v.set)
		strbuf_addf(sb, "%" PRId64, v.v);
	else
		strbuf_addch(sb, '?');
}

static void pct(struct strbuf *sb, struct rreal v)
{
	if (v.set)
		strbuf_addf(sb, "%.2f%%", v.v);
	else
		strbuf_addch(sb, '?');
}

/* Who a row is about: namespace/pod[/container] when known, else the
 * cgroup's name, else its path. */
static void who(struct strbuf *sb, const char *ns, const char *pod, const char *container,
		const char *name, const char *cgroup)
{
	if (pod) {
		esc(sb, ns);
		strbuf_addch(sb, '/');
		esc(sb, pod);
		if (container) {
			strbuf_addch(sb, '/');
			esc(sb, container);
		}
	} else {
		esc(sb, name ? name : cgroup);
	}
}

/* One row: already escaped text, two spaces in, wrapped at four; t is reset. */
static void row(struct strbuf *out, struct strbuf *t)
{
	strbuf_addstr(out, "  ");
	report_text_wrap(out, t->buf, 2, 4);
	strbuf_reset(t);
}

/* A section's title and "N things ...", the noun's plural its suffix. */
static void head(struct strbuf *out, bool color, struct strbuf *t, const char *title, size_t n,
		 const char *noun, const char *plural, const char *rest)
{
	strbuf_addf(t, "%zu %s%s%s", n, noun, n == 1 ? "" : plural, rest);
	report_text_section(out, color, title, t->buf);
	strbuf_reset(t);
}

static void dying(struct strbuf *out, bool color, const struct report_deeper *d, struct strbuf *t)
{
	char a[32], b[32];
	size_t i;

	head(out, color, t, "DYING CGROUPS", d->ndying, "cgroup", "s",
	     " holding removed cgroups still charged");
	for (i = 0; i < d->ndying; i++) {
		const struct report_dying *k = &d->dying[i];

		who(t, NULL, NULL, NULL, k->name, k->cgroup);
		strbuf_addstr(t, ": ");
		count(t, k->nr_dying);
		strbuf_addstr(t, " dying (");
		count(t, k->nr_descendants);
		strbuf_addf(t, " live) below it; %s of its usage %s is charged to no live child nor "
			    "to its own processes (page cache or slab of exited containers; at most)",
			    report_bytes(k->unaccounted, a, sizeof(a)),
			    report_bytes(k->usage, b, sizeof(b)));
		row(out, t);
	}
}

static void throttled(struct strbuf *out, bool color, const struct report_deeper *d,
		      struct strbuf *t)
{
	char a[32], b[32], m[32];
	size_t i;

	head(out, color, t, "THROTTLED BY MEMORY.HIGH", d->nthrottled, "cgroup", "s",
	     " with memory.high set: slowed by reclaim, not killed");
	for (i = 0; i < d->nthrottled; i++) {
		const struct report_throttled *k = &d->throttled[i];

		esc(t, k->name ? k->name : k->cgroup);
		strbuf_addf(t, ": usage %s of memory.high %s", report_bytes(k->usage, a, sizeof(a)),
			    report_bytes(k->high, b, sizeof(b)));
		if (k->high_pct.set)
			strbuf_addf(t, " (%.1f%%)", k->high_pct.v);
		strbuf_addf(t, ", memory.max %s; memory.events high ",
			    k->max.set ? report_bytes(k->max, m, sizeof(m)) : "max");
		count(t, k->events_high);
		strbuf_addstr(t, ", max ");
		count(t, k->events_max);
		strbuf_addstr(t, ", oom_kill ");
		count(t, k->events_oom_kill);
		if (k->events_high_growth.set && k->samples_seconds.set) {
			strbuf_addstr(t, " (during the capture's ");
			strbuf_addf(t, "%.0f s: high +", k->samples_seconds.v);
			count(t, k->events_high_growth);
			strbuf_addstr(t, ", max +");
			count(t, k->events_max_growth);
			strbuf_addch(t, ')');
		}
		strbuf_addstr(t, "; stalled on memory (PSI) some ");
		pct(t, k->psi_some_avg10);
		strbuf_addstr(t, " / ");
		pct(t, k->psi_some_avg60);
		strbuf_addstr(t, ", full ");
		pct(t, k->psi_full_avg10);
		strbuf_addstr(t, " / ");
		pct(t, k->psi_full_avg60);
		strbuf_addstr(t, " (avg10 / avg60)");
		row(out, t);
	}
}

static void tmpfs(struct strbuf *out, bool color, const struct report_deeper *d, struct strbuf *t)
{
	char a[32], b[32];
	size_t i;

	head(out, color, t, "TMPFS AND EMPTYDIR VOLUMES", d->ntmpfs, "mount", "s",
	     ": shmem of the container that writes");
	for (i = 0; i < d->ntmpfs; i++) {
		const struct report_tmpfs *k = &d->tmpfs[i];

		who(t, k->namespace_, k->pod, k->container, NULL, k->cgroup);
		if (k->volume) {
			strbuf_addstr(t, ": emptyDir volume ");
			esc(t, k->volume);
		} else {
			strbuf_addstr(t, ": ");
			esc(t, k->kind);
		}
		strbuf_addf(t, ", %s used of %s", report_bytes(k->used, a, sizeof(a)),
			    report_bytes(k->size, b, sizeof(b)));
		/* an emptyDir's mount point is the kubelet's path of its volume:
		 * too long for a line, and said by the volume's name */
		if (!k->volume) {
			strbuf_addstr(t, ", at ");
			esc(t, k->mount_point);
		}
		row(out, t);
	}
}

static void eviction(struct strbuf *out, bool color, const struct report_deeper *d,
		     struct strbuf *t)
{
	const struct report_eviction *e = &d->eviction;
	char a[32], b[32], m[32];

	strbuf_addstr(t, "first to act: ");
	esc(t, e->first_to_act ? e->first_to_act : "unknown");
	report_text_section(out, color, "KUBELET EVICTION OR KERNEL OOM", t->buf);
	strbuf_reset(t);
	strbuf_addf(t, "the kubelet evicts pods when memory.available (%s) falls below %s (",
		    report_bytes(e->kubelet_available, a, sizeof(a)),
		    report_bytes(e->threshold, b, sizeof(b)));
	esc(t, e->threshold_source);
	strbuf_addf(t, "): %s to go", report_bytes(e->eviction_distance, m, sizeof(m)));
	row(out, t);
	strbuf_addf(t, "the kernel's OOM killer acts when MemAvailable (%s) runs out",
		    report_bytes(e->oom_distance, a, sizeof(a)));
	row(out, t);
	strbuf_addf(t, "node allocatable (the kubepods limit) %s; systemReserved %s, ",
		    report_bytes(e->allocatable, a, sizeof(a)),
		    report_bytes(e->system_reserved, b, sizeof(b)));
	strbuf_addf(t, "kubeReserved %s", report_bytes(e->kube_reserved, m, sizeof(m)));
	row(out, t);
}

static void kills(struct strbuf *out, bool color, const struct report_deeper *d, struct strbuf *t)
{
	char a[32];
	size_t i;

	head(out, color, t, "KILLS AND EVICTIONS", d->nkills, "kill", "s",
	     ": the kernel's, systemd-oomd's and the kubelet's");
	for (i = 0; i < d->nkills; i++) {
		const struct report_kill *k = &d->kills[i];

		esc(t, k->time);
		strbuf_addch(t, ' ');
		esc(t, k->source);
		strbuf_addstr(t, ": ");
		who(t, k->namespace_, k->pod, k->container, NULL, k->cgroup);
		if (k->comm) {
			strbuf_addstr(t, ", ");
			esc(t, k->comm);
			if (k->pid.set)
				strbuf_addf(t, " (pid %" PRId64 ")", k->pid.v);
		}
		strbuf_addstr(t, ": ");
		esc(t, k->reason);
		if (k->bytes.set)
			strbuf_addf(t, ", %s", report_bytes(k->bytes, a, sizeof(a)));
		if (k->k8s_visible.set)
			strbuf_addstr(t, k->k8s_visible.v ? "; Kubernetes sees it" :
				      "; Kubernetes does not see it");
		row(out, t);
	}
}

static void heaps(struct strbuf *out, bool color, const struct report_deeper *d, struct strbuf *t)
{
	char a[32], b[32];
	size_t i;

	head(out, color, t, "HEAP LIMITS", d->nheaps, "JVM or Node.js process", "es",
	     " against the container's limit");
	for (i = 0; i < d->nheaps; i++) {
		const struct report_heap *k = &d->heaps[i];

		esc(t, k->comm);
		strbuf_addf(t, " (pid %" PRId64 ", ", k->pid);
		esc(t, k->runtime);
		strbuf_addstr(t, ") in ");
		esc(t, k->name ? k->name : k->cgroup);
		if (k->heap_limit.set) {
			strbuf_addf(t, ": heap limit %s (", report_bytes(k->heap_limit, a, sizeof(a)));
			esc(t, k->heap_limit_source);
			strbuf_addch(t, ')');
		} else {
			strbuf_addstr(t, ": no heap limit set");
		}
		strbuf_addf(t, ", container limit %s",
			    k->container_limit.set ? report_bytes(k->container_limit, b, sizeof(b)) :
			    "none");
		row(out, t);
	}
}

void report_deeper_text(const struct report_capture *c, bool color, struct strbuf *out)
{
	const struct report_deeper *d = c->deeper;
	struct strbuf t = STRBUF_INIT;

	if (!d)
		return;
	if (d->ndying)
		dying(out, color, d, &t);
	if (d->nthrottled)
		throttled(out, color, d, &t);
	if (d->ntmpfs)
		tmpfs(out, color, d, &t);
	if (d->eviction.set)
		eviction(out, color, d, &t);
	if (d->nkills)
		kills(out, color, d, &t);
	if (d->nheaps)
		heaps(out, color, d, &t);
	strbuf_release(&t);
}
