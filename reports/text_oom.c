/* SPDX-License-Identifier: MIT */
/*
 * The OOM explanation as text: one block per event of struct report_oom.
 * `memsnap oom FILE` prints it with detail (the trigger, whether the victim
 * is the trigger, the largest tasks); the report's OOM section prints the
 * same block without those lines.  So the two say every field they share
 * with the same bytes (tests/t31-oom-cli.sh compares them).
 *
 * Each line is "  LABEL     value", wrapped to the report's 100 columns
 * under the value.  Untrusted text goes through term_escape() (esc()).
 * Unknown is "?" or words, never 0.
 */
#include <inttypes.h>
#include <string.h>

#include "reports/model.h"
#include "reports/textout.h"

#include "common/banned.h"

#define INDENT 12
#define WIDTH 100

static void esc(struct strbuf *sb, const char *s)
{
	term_escape(sb, s ? s : "?", strlen(s ? s : "?"));
}

static const char *hb(struct rnum v, char *buf, size_t n)
{
	return report_bytes(v, buf, n);
}

/* May the line break at the space s[i]?  Not inside "4.0 KiB". */
static bool breakable(const char *s, size_t i)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t k, n;

	if (!i || s[i - 1] < '0' || s[i - 1] > '9')
		return true;
	for (k = 0; k < ARRAY_SIZE(units); k++) {
		n = strlen(units[k]);
		if (!strncmp(s + i + 1, units[k], n) && (!s[i + 1 + n] || strchr(" ,;)", s[i + 1 + n])))
			return false;
	}
	return true;
}

/*
 * Write "  label     " then the (escaped) value in t, wrapped to WIDTH
 * columns at spaces, never inside "4.0 KiB"; a word longer than a line (a
 * cgroup path) is cut after a '/'.  t is reset.
 */
static void line(struct strbuf *out, const char *label, struct strbuf *t)
{
	const char *s = t->buf;
	size_t col = INDENT, i = 0, start = 0, n = t->len;

	strbuf_addf(out, "  %-10s", label);
	while (i < n) {
		size_t end = i, w;

		/* the next word, with the spaces it may not break at */
		while (end < n && (s[end] != ' ' || !breakable(s, end)))
			end++;
		w = display_width(s + i, end - i);
		if (col > INDENT && col + 1 + w > WIDTH) {
			strbuf_addf(out, "\n%*s", INDENT, "");
			col = INDENT;
		} else if (i > start) {
			strbuf_addch(out, ' ');
			col++;
		}
		/* a word longer than the line (a cgroup path): cut after a '/',
		 * else at a character boundary */
		while (col + w > WIDTH && end - i > 1) {
			size_t cut = i + (WIDTH - col), k;

			for (k = cut; k > i + 1 && s[k - 1] != '/'; k--)
				;
			if (k > i + 1)
				cut = k;
			while (cut > i + 1 && ((unsigned char)s[cut] & 0xc0) == 0x80)
				cut--;
			strbuf_add(out, s + i, cut - i);
			strbuf_addf(out, "\n%*s", INDENT, "");
			col = INDENT;
			i = cut;
			w = display_width(s + i, end - i);
		}
		strbuf_add(out, s + i, end - i);
		col += w;
		i = end;
		while (i < n && s[i] == ' ')
			i++;
	}
	strbuf_addch(out, '\n');
	strbuf_reset(t);
}

static bool is(const char *s, const char *want)
{
	return s && !strcmp(s, want);
}

static void when(struct strbuf *out, const struct report_capture *c,
		 const struct report_oom *r, struct strbuf *t)
{
	if (r->wall_time) {
		esc(t, r->wall_time);
		if (is(r->wall_time_source, "log"))
			strbuf_addstr(t, r->wall_time[0] && r->wall_time[strlen(r->wall_time) - 1] == 'Z' ?
				      " (as logged)" : " (as logged, node local time)");
		if (r->kernel_time.set)
			strbuf_addstr(t, ", ");
	}
	if (r->kernel_time.set)
		strbuf_addf(t, "%.6f s after boot", r->kernel_time.v);
	/* why there is no date, unless plain: a log without one, no capture */
	if (!r->wall_time && (!r->kernel_time.set || c->started_monotonic.set)) {
		strbuf_addstr(t, r->kernel_time.set ? "; date unknown: " : "unknown: ");
		esc(t, r->wall_time_unknown);
	}
	line(out, "when", t);
}

static void chosen_task(struct strbuf *t, const struct report_oom *r)
{
	esc(t, r->chosen_comm);
	strbuf_addf(t, " (pid %" PRId64, r->chosen_pid.v);
	if (r->chosen_score.set)
		strbuf_addf(t, ", score %" PRId64, r->chosen_score.v);
	strbuf_addch(t, ')');
}

/* The outcome in the view's own word, then what it means. */
static void outcome(struct strbuf *out, const struct report_oom *r, struct strbuf *t)
{
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	size_t i;

	if (!is(r->outcome, "killed")) {
		esc(t, r->outcome);
		strbuf_addstr(t, ": ");
		strbuf_addstr(t, report_oom_outcome_text(r));
		line(out, "outcome", t);
	}
	if (r->killed_pid.set) {
		esc(t, r->killed_comm);
		strbuf_addf(t, " (pid %" PRId64, r->killed_pid.v);
		if (r->uid.set)
			strbuf_addf(t, ", uid %" PRId64, r->uid.v);
		if (r->oom_score_adj.set)
			strbuf_addf(t, ", oom_score_adj %" PRId64, r->oom_score_adj.v);
		strbuf_addch(t, ')');
		if (r->reaped.set && r->reaped.v)
			strbuf_addstr(t, ", its memory reaped by oom_reaper");
		line(out, "killed", t);
		if (r->anon_rss.set || r->file_rss.set || r->total_vm.set) {
			strbuf_addf(t, "anon-rss %s, file-rss %s, shmem-rss %s; total-vm %s, "
				    "page tables %s", hb(r->anon_rss, b1, sizeof(b1)),
				    hb(r->file_rss, b2, sizeof(b2)), hb(r->shmem_rss, b3, sizeof(b3)),
				    hb(r->total_vm, b4, sizeof(b4)), hb(r->pgtables, b5, sizeof(b5)));
			line(out, "", t);
		}
	}
	/* the task chosen, when it is news: nobody killed, or someone else */
	if (r->chosen_pid.set && !(r->chosen_is_victim.set && r->chosen_is_victim.v &&
				   r->killed_pid.set)) {
		chosen_task(t, r);
		if (r->uid.set && !r->killed_pid.set)
			strbuf_addf(t, ", uid %" PRId64, r->uid.v);
		if (r->chosen_is_victim.set && !r->chosen_is_victim.v)
			strbuf_addstr(t, ": a child of it was killed instead (before Linux 5.1)");
		else if (r->chosen_is_victim.set)
			strbuf_addstr(t, ": the victim (since Linux 5.1 the task chosen is the "
				      "task killed)");
		else if (r->kernel_release || r->chosen_score.set)   /* "or sacrifice child" */
			strbuf_addstr(t, ": before Linux 5.1 a child of it may be killed instead");
		else
			strbuf_addstr(t, ": the victim if the kernel is Linux 5.1 or later; before, "
				      "a child of it may be killed instead");
		line(out, "chosen", t);
	}
	if (r->ngroup) {
		strbuf_addf(t, "%zu kill%s for memory.oom.group of ", r->ngroup,
			    r->ngroup > 1 ? "s" : "");
		esc(t, r->oom_group_memcg);
		strbuf_addch(t, ':');
		for (i = 0; i < r->ngroup; i++) {
			strbuf_addstr(t, i ? ", " : " ");
			esc(t, r->group[i].comm);
			if (r->group[i].pid.set)
				strbuf_addf(t, " (pid %" PRId64 "%s)", r->group[i].pid.v,
					    r->killed_pid.set && r->group[i].pid.v == r->killed_pid.v ?
					    ", the victim again" : "");
		}
		line(out, "also", t);
	}
}

static void where(struct strbuf *out, const struct report_oom *r, struct strbuf *t)
{
	if (r->task_memcg || r->oom_memcg) {
		esc(t, r->task_memcg ? r->task_memcg : r->oom_memcg);
		line(out, "cgroup", t);
		if (r->task_memcg && r->oom_memcg && strcmp(r->task_memcg, r->oom_memcg)) {
			esc(t, r->oom_memcg);
			line(out, "limit of", t);
		}
	}
	if (is(r->kind, "global")) {
		strbuf_addstr(t, "the whole node ran out of memory (global OOM");
		if (r->constraint && strcmp(r->constraint, "CONSTRAINT_NONE")) {
			strbuf_addstr(t, ", ");
			esc(t, r->constraint);
		}
		strbuf_addch(t, ')');
		line(out, "scope", t);
	}
	/* the capture's name for the cgroup (a report's; none without a capture) */
	if (!r->pod && r->cgroup_name && strcmp(r->cgroup_name, "(node)")) {
		esc(t, r->cgroup_name);
		line(out, "name", t);
	}
	if (r->pod || r->namespace_) {
		esc(t, r->namespace_);
		strbuf_addch(t, '/');
		esc(t, r->pod);
		if (r->container) {
			strbuf_addstr(t, ", container ");
			esc(t, r->container);
		}
		line(out, "pod", t);
	} else if (r->pod_uid || r->container_id) {
		if (r->pod_uid) {
			strbuf_addstr(t, "uid ");
			esc(t, r->pod_uid);
		}
		if (r->container_id) {
			strbuf_addstr(t, r->pod_uid ? ", container " : "id ");
			esc(t, r->container_id);
		}
		if (r->pod_uid)
			strbuf_addstr(t, " (names need a capture)");
		line(out, r->pod_uid ? "pod" : "container", t);
	}
	if (report_oom_k8s_text(r)) {
		strbuf_addstr(t, report_oom_k8s_text(r));
		line(out, "k8s", t);
	}
}

static void limits(struct strbuf *out, const struct report_oom *r, struct strbuf *t)
{
	char b1[32], b2[32];
	size_t i;

	for (i = 0; i < r->ncounters; i++) {
		const struct report_oom_counter *c = &r->counters[i];

		esc(t, c->name);
		strbuf_addf(t, " %s", hb(c->usage, b1, sizeof(b1)));
		if (c->unlimited.set && c->unlimited.v) {
			strbuf_addstr(t, ", no limit");
		} else if (c->limit.set) {
			strbuf_addf(t, " of limit %s", hb(c->limit, b2, sizeof(b2)));
			if (c->usage.set && c->limit.v > 0)
				strbuf_addf(t, " (%.0f%%)", 100.0 * (double)c->usage.v /
					    (double)c->limit.v);
		} else {
			strbuf_addstr(t, " of limit ?");
		}
		if (c->failcnt.set && c->failcnt.v)
			strbuf_addf(t, ", hit %" PRId64 " time%s", c->failcnt.v,
				    c->failcnt.v == 1 ? "" : "s");
		line(out, i ? "" : "limit", t);
	}
}

static void made_of(struct strbuf *out, const char *label, const struct report_oom_made_of *m,
		    const struct report_oom *r, struct strbuf *t)
{
	char b[32], b2[32];

	report_oom_made_of_text(m, t);
	line(out, label, t);
	if (is(m->source, "memcg_stats")) {
		strbuf_addstr(t, "from \"Memory cgroup stats for ");
		esc(t, m->cgroup);
		strbuf_addch(t, '"');
		if (m->cgroups.set && m->cgroups.v > 1)
			strbuf_addf(t, " and %" PRId64 " cgroups below it", m->cgroups.v - 1);
		if (m->total.set && r->memcg_usage.set)
			strbuf_addf(t, "; together %s of the %s charged", hb(m->total, b, sizeof(b)),
				    hb(r->memcg_usage, b2, sizeof(b2)));
	} else {
		strbuf_addstr(t, "from Mem-Info: the whole node");
	}
	line(out, "", t);
}

void report_oom_made_of_text(const struct report_oom_made_of *m, struct strbuf *out)
{
	char b[32];

	strbuf_addf(out, "anon %s", hb(m->anon, b, sizeof(b)));
	strbuf_addf(out, ", page cache %s", hb(m->file, b, sizeof(b)));
	strbuf_addf(out, ", shmem %s", hb(m->shmem, b, sizeof(b)));
	strbuf_addf(out, ", kernel %s", hb(m->kernel, b, sizeof(b)));
	if (m->kernel_keys && strcmp(m->kernel_keys, "kernel"))
		strbuf_addf(out, " (%s)", m->kernel_keys);  /* key names: ASCII */
	if (m->sock.set)
		strbuf_addf(out, ", socket buffers %s", hb(m->sock, b, sizeof(b)));
	if (m->swap.set)
		strbuf_addf(out, ", swapped out %s", hb(m->swap, b, sizeof(b)));
	if (m->free.set)
		strbuf_addf(out, ", free %s", hb(m->free, b, sizeof(b)));
}

/* Was the victim the task that asked for memory? */
static void trigger(struct strbuf *out, const struct report_oom *r, struct strbuf *t)
{
	bool same_name = r->trigger_comm && r->killed_comm &&
			 !strcmp(r->trigger_comm, r->killed_comm);

	if (!r->trigger_comm && !r->trigger_pid.set)
		return;
	esc(t, r->trigger_comm);
	if (r->trigger_pid.set)
		strbuf_addf(t, " (pid %" PRId64 ")", r->trigger_pid.v);
	strbuf_addstr(t, " asked for memory");
	if (r->gfp || r->alloc_order.set) {
		strbuf_addstr(t, " (");
		esc(t, r->gfp);
		if (r->alloc_order.set)
			strbuf_addf(t, ", order %" PRId64, r->alloc_order.v);
		strbuf_addch(t, ')');
	}
	line(out, "trigger", t);
	if (!r->killed_pid.set)
		return;
	if (r->trigger_pid.set && r->trigger_pid.v == r->killed_pid.v)
		strbuf_addstr(t, "the trigger itself");
	else if (r->trigger_pid.set && r->trigger_in_table)
		strbuf_addstr(t, "a bystander: the trigger is another process");
	else if (r->trigger_pid.set && same_name)
		strbuf_addstr(t, "probably the trigger's own process (the trigger pid is a "
			      "thread with the victim's name)");
	else if (same_name)
		strbuf_addstr(t, "probably the trigger itself (same name)");
	else if (r->trigger_pid.set && r->ntasks.set && r->ntasks.v > 0)
		strbuf_addstr(t, "unknown: the trigger pid is a thread of a process the report "
			      "does not name");
	else
		strbuf_addstr(t, "unknown: a bystander, or a thread of the trigger's process");
	line(out, "victim", t);
}

static void cell_num(struct strbuf *sb, int width, struct rnum v)
{
	if (v.set)
		strbuf_addf(sb, " %*" PRId64, width, v.v);
	else
		strbuf_addf(sb, " %*s", width, "?");
}

static void tasks(struct strbuf *out, const struct report_oom *r, struct strbuf *t)
{
	char b1[32], b2[32];
	size_t i;

	if (!r->ntasks.set || r->ntasks.v == 0) {
		strbuf_addstr(t, "none in the log");
		line(out, "tasks", t);
		return;
	}
	strbuf_addf(t, "%" PRId64 " in the report", r->ntasks.v);
	if (r->ntasks.v > (int64_t)r->ntasks_shown)
		strbuf_addf(t, "; the %zu largest by rss:", r->ntasks_shown);
	else
		strbuf_addstr(t, ", by rss:");
	line(out, "tasks", t);
	strbuf_addf(out, "  %12s %8s %10s %10s %6s  %s\n", "PID", "UID", "RSS", "SWAP",
		    "ADJ", "NAME");
	for (i = 0; i < r->ntasks_shown; i++) {
		const struct report_oom_task *k = &r->tasks[i];
		bool killed = k->pid.set && r->killed_pid.set && k->pid.v == r->killed_pid.v;

		strbuf_addch(out, ' ');
		cell_num(out, 12, k->pid);
		cell_num(out, 8, k->uid);
		strbuf_addf(out, " %10s %10s", hb(k->rss, b1, sizeof(b1)), hb(k->swap, b2, sizeof(b2)));
		cell_num(out, 6, k->oom_score_adj);
		strbuf_addstr(out, "  ");
		esc(out, k->name);
		if (killed)
			strbuf_addstr(out, "  <- killed");
		if (k->pid.set && r->trigger_pid.set && k->pid.v == r->trigger_pid.v)
			strbuf_addstr(out, killed ? ", trigger" : "  <- trigger");
		strbuf_addch(out, '\n');
	}
}

static void event(struct strbuf *out, const struct report_capture *c,
		  const struct report_oom *r, const char *input, bool detail)
{
	struct strbuf t = STRBUF_INIT;

	strbuf_addf(out, "OOM event %" PRId64 " of %zu: %s (", r->event, c->nooms,
		    report_oom_kind_text(r));
	esc(out, input);
	if (r->first_line.set && r->last_line.set)
		strbuf_addf(out, ", lines %" PRId64 "-%" PRId64, r->first_line.v, r->last_line.v);
	strbuf_addch(out, ')');
	strbuf_addch(out, '\n');
	if (!r->complete) {
		strbuf_addstr(&t, "the log holds only part of this report: ");
		esc(&t, r->missing);
		line(out, "partial", &t);
	}
	when(out, c, r, &t);
	outcome(out, r, &t);
	where(out, r, &t);
	limits(out, r, &t);
	if (r->made_of.source)
		made_of(out, "made of", &r->made_of, r, &t);
	else {
		strbuf_addstr(&t, is(r->kind, "memcg") ?
			      "unknown: no \"Memory cgroup stats\" in the log" :
			      "unknown: the log holds no memory statistics for it");
		line(out, "made of", &t);
	}
	if (r->node.source)
		made_of(out, "node", &r->node, r, &t);
	if (detail) {
		trigger(out, r, &t);
		tasks(out, r, &t);
	}
	strbuf_release(&t);
}

void report_render_oom_text(const struct report_capture *c, const char *input,
			    bool detail, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < c->nooms; i++) {
		if (i)
			strbuf_addch(out, '\n');
		event(out, c, &c->ooms[i], input, detail);
	}
}
