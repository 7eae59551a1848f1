/* SPDX-License-Identifier: MIT */
/*
 * The OOM report parser.  A report is a run of lines whose kinds come in a
 * fixed order (mm/oom_kill.c dump_header() and oom_kill_process()):
 *
 *   phase 0  "<comm> invoked oom-killer: gfp_mask=..., order=..."
 *   phase 1  "<comm> cpuset=<name> mems_allowed=<list>"      (before 4.19)
 *   phase 2  "CPU: N PID: N Comm: ..." (2.6.32: "Pid: N, comm: ...")
 *   phase 3  "Task in X killed as a result of limit of Y"     (memcg, before 4.19)
 *   phase 4  "memory: usage ..kB, limit ..kB, failcnt .." and friends (memcg)
 *   phase 5  "Memory cgroup stats for X: ..." (memcg)
 *   phase 6  Mem-Info (global, and memcg on 2.6.32)
 *   phase 7  the task table
 *   phase 8  "oom-kill:constraint=...,task=...,pid=...,uid=..." (4.19+)
 *   phase 9  "Kill process N (x) score S or sacrifice child"  (before 5.1)
 *   phase 10 "Killed process N (x) ..." / "Out of memory and no killable processes"
 *            / "OOM victim N (x) is already exiting. Skip killing the task"
 *   phase 11 "Tasks in X are going to be killed due to memory.oom.group set"
 *
 * A line whose phase is lower than the current report's starts a new
 * report; so does every trigger line.  That splits back-to-back reports
 * and reports that begin mid-way without any trigger line.  Lines that
 * also appear outside OOM reports (the CPU line of every WARN, Mem-Info of
 * SysRq-m and page allocation failures) are "weak": a report made only of
 * them is dropped.  oom_reaper lines come asynchronously and are matched
 * to an earlier report by pid.
 */
#include "analyze/oom/oom.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "analyze/oom/scan.h"

#include "common/banned.h"

enum kind {
	K_OTHER = 0,
	K_NOISE,        /* call trace, registers, Mem-Info detail: part of a report */
	K_BREAK,        /* starts something that is not an OOM report */
	K_TRIGGER,
	K_CPUSET,
	K_CPU,
	K_TASK_IN,
	K_COUNTER,
	K_STATS,
	K_MEMINFO_HDR,
	K_MEMINFO,
	K_TASKS_STATE,
	K_TASKS_HDR,
	K_TASK_ROW,
	K_OOMKILL,
	K_KILL_SELECT,
	K_KILLED,
	K_NO_KILLABLE,
	K_VICTIM_EXITING,
	K_OOM_GROUP,
	K_REAPER,
};

static const int kind_phase[] = {
	[K_TRIGGER] = 0, [K_CPUSET] = 1, [K_CPU] = 2, [K_TASK_IN] = 3,
	[K_COUNTER] = 4, [K_STATS] = 5, [K_MEMINFO_HDR] = 6, [K_MEMINFO] = 6,
	[K_TASKS_STATE] = 7, [K_TASKS_HDR] = 7, [K_TASK_ROW] = 7,
	[K_OOMKILL] = 8, [K_KILL_SELECT] = 9, [K_KILLED] = 10,
	[K_NO_KILLABLE] = 10, [K_VICTIM_EXITING] = 10, [K_OOM_GROUP] = 11, [K_REAPER] = 12,
};

/* Kinds that may repeat within their phase. */
static bool kind_repeats(enum kind k)
{
	return k == K_COUNTER || k == K_STATS || k == K_MEMINFO ||
	       k == K_TASK_ROW || k == K_TASKS_HDR;
}

/* Kinds that also occur outside OOM reports. */
static bool kind_weak(enum kind k)
{
	return k == K_CPUSET || k == K_CPU || k == K_MEMINFO_HDR || k == K_MEMINFO;
}

/* Lines of unrelated text after which an open report is closed. */
#define OOM_GAP_LINES 500
/* How far back an oom_reaper line looks for its report. */
#define OOM_REAPER_LOOKBACK 16

/* Task table columns. */
enum col {
	C_UNKNOWN = 0, C_UID, C_TGID, C_TOTAL_VM, C_RSS, C_RSS_ANON, C_RSS_FILE,
	C_RSS_SHMEM, C_NR_PTES, C_NR_PMDS, C_PGTABLES_BYTES, C_SWAPENTS,
	C_OOM_SCORE_ADJ, C_OOM_ADJ, C_CPU, C_NAME,
};

static const struct {
	const char *name;
	enum col col;
} col_names[] = {
	{ "uid", C_UID }, { "tgid", C_TGID }, { "total_vm", C_TOTAL_VM },
	{ "rss", C_RSS }, { "rss_anon", C_RSS_ANON }, { "rss_file", C_RSS_FILE },
	{ "rss_shmem", C_RSS_SHMEM }, { "nr_ptes", C_NR_PTES },
	{ "nr_pmds", C_NR_PMDS }, { "pgtables_bytes", C_PGTABLES_BYTES },
	{ "swapents", C_SWAPENTS }, { "oom_score_adj", C_OOM_SCORE_ADJ },
	{ "oom_adj", C_OOM_ADJ }, { "cpu", C_CPU }, { "name", C_NAME },
};

#define MAX_COLS 24

enum mode {
	M_NONE = 0,
	M_STATS,        /* after "Memory cgroup stats for X:" with nothing after */
};

/* A line with a kernel time, as read: what tells a record pasted twice. */
struct seen_line {
	double ktime;
	const char *host, *msg;         /* point into the input */
	size_t host_len, msg_len;
};

struct parser {
	struct oom_log *log;
	unsigned page_size;             /* 0: infer */
	bool has_cur;
	size_t cur;                     /* index in log->v */
	size_t lineno;
	size_t total_tasks;
	enum col cols[MAX_COLS];        /* the current report's task table */
	size_t ncols;
	bool foreign;                   /* cur is a non-OOM block (page allocation failure) */
	bool dropping;                  /* OOM_MAX_EVENTS reached */
	struct strbuf scratch;          /* unescaped kmsg text, joined lines */
	/* the records read so far, each array in increasing order (see
	 * seen_before()) */
	uint64_t *seqs;
	size_t nseqs, alloc_seqs;
	struct seen_line *seen;
	size_t nseen, alloc_seen;
	size_t touches;                 /* event_touch() calls, to tell a line an event took */
};

/* ---- small helpers ------------------------------------------------------ */

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_';
}

/* A copy of s[0..len) of at most max bytes; NUL bytes become '?'. */
static char *dup_span(const char *s, size_t len, size_t max)
{
	char *p;
	size_t i;

	if (len > max)
		len = max;
	p = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		p[i] = s[i] ? s[i] : '?';
	p[len] = '\0';
	return p;
}

static void set_str(char **dst, const char *s, size_t len, size_t max)
{
	free(*dst);
	*dst = dup_span(s, len, max);
}

static const char *find(const char *s, size_t len, const char *needle)
{
	return memmem_str(s, len, needle);
}

/* Last occurrence of needle in s[0..len). */
static const char *rfind(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *p;

	if (n > len)
		return NULL;
	for (p = s + len - n;; p--) {
		if (*p == *needle && !memcmp(p, needle, n))
			return p;
		if (p == s)
			return NULL;
	}
}

/* Digits at s (up to end) as u64; *ret unset when none or out of range. */
static const char *take_u64(const char *s, const char *end, struct kv_u64 *ret)
{
	const char *q = s;

	while (q < end && is_digit(*q))
		q++;
	if (q > s) {
		uint64_t v;

		if (parse_u64(s, (size_t)(q - s), &v) == 0) {
			ret->v = v;
			ret->set = true;
		}
	}
	return q;
}

static const char *take_i64(const char *s, const char *end, struct oom_i64 *ret)
{
	const char *q = s;
	int64_t v;

	if (q < end && *q == '-')
		q++;
	while (q < end && is_digit(*q))
		q++;
	if (q > s && parse_i64(s, (size_t)(q - s), &v) == 0) {
		ret->v = v;
		ret->set = true;
	}
	return q;
}

/* a * b into *ret when both are set and it does not overflow. */
static struct kv_u64 mul(struct kv_u64 a, uint64_t b)
{
	struct kv_u64 r = { 0, false };

	if (a.set && (b == 0 || a.v <= UINT64_MAX / b)) {
		r.v = a.v * b;
		r.set = true;
	}
	return r;
}

/* ---- classification --------------------------------------------------- */

/* The kernel prints a comm in at most 16 bytes (64 escaped); look that far. */
#define HEAD 200

static bool is_task_header(const char *s, size_t len)
{
	const char *p = s + 1, *end = s + len;

	if (!len || *s != '[')
		return false;
	while (p < end && is_blank(*p))
		p++;
	if (end - p < 3 || memcmp(p, "pid", 3))
		return false;
	p += 3;
	while (p < end && is_blank(*p))
		p++;
	if (p >= end || *p != ']')
		return false;
	return find(p, (size_t)(end - p), "uid") != NULL;
}

static bool is_task_row(const char *s, size_t len)
{
	const char *p = s + 1, *end = s + len, *d;

	if (!len || *s != '[')
		return false;
	while (p < end && is_blank(*p))
		p++;
	d = p;
	while (p < end && is_digit(*p))
		p++;
	return p > d && p < end && *p == ']';
}

/* "key:123 key:456 ..." (every token), the page counts of Mem-Info. */
static bool is_meminfo_kv_line(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	int ntok = 0;

	while (p < end) {
		const char *k = p;

		while (p < end && is_key_char(*p))
			p++;
		if (p == k || p >= end || *p != ':')
			return false;
		p++;
		if (p >= end || !is_digit(*p))
			return false;
		while (p < end && is_digit(*p))
			p++;
		ntok++;
		if (p < end && !is_blank(*p))
			return false;
		while (p < end && is_blank(*p))
			p++;
	}
	return ntok > 0;
}

/* "N pages RAM" and the other one-number lines of show_mem(). */
static const struct {
	const char *text;       /* what follows "N " */
	const char *key;
} meminfo_lines[] = {
	{ "total pagecache pages", "total_pagecache" },
	{ "pages in swap cache", "swap_cache" },
	{ "pages RAM", "ram" },
	{ "pages HighMem/MovableOnly", "highmem_movableonly" },
	{ "pages HighMem", "highmem" },
	{ "pages reserved", "reserved" },
	{ "pages cma reserved", "cma_reserved" },
	{ "pages hwpoisoned", "hwpoisoned" },
	{ "pages shared", "shared" },
	{ "pages non-shared", "non_shared" },
};

static int meminfo_number_line(const char *s, size_t len, struct kv_u64 *ret)
{
	const char *p = s, *end = s + len;
	size_t i, rest;

	p = take_u64(s, end, ret);
	if (p == s || p >= end || *p != ' ')
		return -1;
	p++;
	rest = (size_t)(end - p);
	for (i = 0; i < ARRAY_SIZE(meminfo_lines); i++)
		if (rest == strlen(meminfo_lines[i].text) &&
		    !memcmp(p, meminfo_lines[i].text, rest))
			return (int)i;
	return -1;
}

static bool is_noise(const char *s, size_t len)
{
	static const char *const starts[] = {
		"Call Trace:", "Call trace:", "Hardware name:", "<TASK>", "</TASK>",
		"RIP:", "RSP:", "RAX:", "RBX:", "RDX:", "RBP:", "R10:", "R13:",
		"Code:", "[<", "? ", "Node ", "lowmem_reserve[]:", "Swap cache stats:",
		"Free swap", "Total swap", "CPU ", "pc :", "lr :", "sp :", "x29:",
		"Workqueue:", "Tainted:", "Modules linked in:",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(starts); i++)
		if (mem_starts_with(s, len, starts[i]))
			return true;
	/* " dump_stack+0x45/0x56" lines of a call trace */
	return find(s, MIN(len, (size_t)HEAD), "+0x") != NULL;
}

/* "memory: usage 20480kB, limit 20480kB, failcnt 1204" */
static bool is_counter(const char *s, size_t len)
{
	const char *p = s, *end = s + MIN(len, (size_t)32);

	while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '+' || *p == '_'))
		p++;
	return p > s && p - s < 16 && end - p >= 8 && !memcmp(p, ": usage ", 8);
}

static enum kind classify(const char *s, size_t len)
{
	size_t head = MIN(len, (size_t)HEAD);

	if (!len)
		return K_OTHER;
	if (find(s, head, " invoked oom-killer:"))
		return K_TRIGGER;
	if (mem_starts_with(s, len, "oom-kill:"))
		return K_OOMKILL;
	if (mem_starts_with(s, len, "oom_reaper: reaped process "))
		return K_REAPER;
	if (find(s, head, "Killed process "))
		return K_KILLED;
	if ((find(s, head, "Kill process ") || find(s, head, "kill process ")) &&
	    find(s, head, " score "))
		return K_KILL_SELECT;
	if (mem_starts_with(s, len, "Out of memory and no killable processes"))
		return K_NO_KILLABLE;
	if (find(s, head, "OOM victim ") && find(s, len, " is already exiting. Skip killing"))
		return K_VICTIM_EXITING;
	if (mem_starts_with(s, len, "Tasks in ") &&
	    find(s, len, " are going to be killed due to memory.oom.group set"))
		return K_OOM_GROUP;
	if (mem_starts_with(s, len, "Task in ") &&
	    find(s, len, " killed as a result of limit of "))
		return K_TASK_IN;
	if (mem_starts_with(s, len, "Memory cgroup stats for "))
		return K_STATS;
	if (is_counter(s, len))
		return K_COUNTER;
	if (mem_starts_with(s, len, "Tasks state (memory values in pages)"))
		return K_TASKS_STATE;
	if (is_task_header(s, len))
		return K_TASKS_HDR;
	if (is_task_row(s, len))
		return K_TASK_ROW;
	if ((mem_starts_with(s, len, "CPU: ") && find(s, head, " PID: ") &&
	     find(s, head, " Comm: ")) ||
	    (mem_starts_with(s, len, "Pid: ") && find(s, head, ", comm: ")))
		return K_CPU;
	if (len == 9 && !memcmp(s, "Mem-Info:", 9))
		return K_MEMINFO_HDR;
	if (find(s, head, " cpuset=") && find(s, len, " mems_allowed="))
		return K_CPUSET;
	if (is_meminfo_kv_line(s, len) ||
	    (mem_starts_with(s, len, "Node ") && find(s, len, " kernel_stack:")) ||
	    mem_starts_with(s, len, "Free swap  = ") ||
	    mem_starts_with(s, len, "Total swap = ")) {
		return K_MEMINFO;
	}
	if (is_digit(*s)) {
		struct kv_u64 v = { 0, false };

		if (meminfo_number_line(s, len, &v) >= 0)
			return K_MEMINFO;
	}
	if (find(s, head, "page allocation failure") ||
	    find(s, head, "page allocation stalls") ||
	    mem_starts_with(s, len, "sysrq: Show Memory") ||
	    mem_starts_with(s, len, "SysRq : Show Memory"))
		return K_BREAK;
	if (is_noise(s, len))
		return K_NOISE;
	return K_OTHER;
}

/* ---- events ------------------------------------------------------------ */

static struct oom_event *cur(struct parser *ps)
{
	return ps->has_cur ? &ps->log->v[ps->cur] : NULL;
}

static void stat_block_free(struct oom_stat_block *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->v[i].key);
	free(b->v);
	free(b->cgroup);
}

static void kill_free(struct oom_kill *k)
{
	free(k->comm);
}

static void event_free(struct oom_event *ev)
{
	size_t i;

	free(ev->log_time);
	free(ev->log_wall_time);
	free(ev->trigger_comm);
	free(ev->gfp_mask);
	free(ev->gfp_flags);
	free(ev->nodemask);
	free(ev->cpuset);
	free(ev->mems_allowed);
	free(ev->kernel_release);
	free(ev->constraint);
	free(ev->oom_memcg);
	free(ev->task_memcg);
	free(ev->oom_group_memcg);
	for (i = 0; i < ev->nstats; i++)
		stat_block_free(&ev->stats[i]);
	free(ev->stats);
	for (i = 0; i < ev->nmeminfo; i++)
		free(ev->meminfo[i].key);
	free(ev->meminfo);
	for (i = 0; i < ev->ntasks; i++)
		free(ev->tasks[i].name);
	free(ev->tasks);
	free(ev->oomkill_task);
	free(ev->chosen_comm);
	for (i = 0; i < ev->nkills; i++)
		kill_free(&ev->kills[i]);
	free(ev->kills);
	free(ev->victim.comm);
	memset(ev, 0, sizeof(*ev));
}

/* Drop the current report when it is made of weak lines only. */
static void drop_weak(struct parser *ps)
{
	struct oom_event *ev = cur(ps);

	if (ev && !ev->strong) {
		ps->total_tasks -= ev->ntasks;
		event_free(ev);
		ps->log->n--;
		ps->has_cur = false;
	}
}

static struct oom_event *event_new(struct parser *ps)
{
	struct oom_log *log = ps->log;
	struct oom_event *ev;

	drop_weak(ps);
	ps->has_cur = false;
	ps->ncols = 0;
	ps->foreign = false;
	if (log->n >= OOM_MAX_EVENTS)
		return NULL;
	ALLOC_GROW(log->v, log->n + 1, log->alloc);
	ev = &log->v[log->n];
	memset(ev, 0, sizeof(*ev));
	ev->first_line = ev->last_line = ps->lineno;
	ev->phase = -1;
	ps->cur = log->n++;
	ps->has_cur = true;
	return ev;
}

static void event_touch(struct parser *ps, struct oom_event *ev,
			const struct oom_prefix *pf)
{
	ps->touches++;
	if (ps->lineno > ev->last_line)
		ev->last_line = ps->lineno;
	ev->last_activity = ps->lineno;
	if (pf->prefixed && !ev->shape) {
		ev->shape = pf->shape;
		ev->host = pf->host;
		ev->host_len = pf->host_len;
	}
	if (pf->has_ktime) {
		ev->has_last_ktime = true;
		ev->last_ktime = pf->ktime;
	}
	if (!ev->has_ktime && pf->has_ktime) {
		ev->has_ktime = true;
		ev->kernel_time = pf->ktime;
	}
	if (!ev->log_time && pf->wall) {
		char iso[48];

		ev->log_time = dup_span(pf->wall, pf->wall_len, 128);
		if (oom_wall_time_iso(pf->wall, pf->wall_len, iso, sizeof(iso)))
			ev->log_wall_time = xstrdup(iso);
		else
			ev->log_wall_time = xstrdup(ev->log_time);
	}
}

/* ---- line parsers ----------------------------------------------------- */

/*
 * "<comm> invoked oom-killer: gfp_mask=0x280da(GFP_..), nodemask=0,
 * order=0, oom_adj=0, oom_score_adj=0"
 */
static void parse_trigger(struct oom_event *ev, const char *s, size_t len)
{
	const char *end = s + len, *p = find(s, MIN(len, (size_t)HEAD), " invoked oom-killer:");

	ev->has_trigger = true;
	set_str(&ev->trigger_comm, s, (size_t)(p - s), OOM_MAX_COMM);
	p += strlen(" invoked oom-killer:");
	while (p < end) {
		const char *f, *fe, *eq;

		while (p < end && (is_blank(*p) || *p == ','))
			p++;
		f = p;
		fe = find(p, (size_t)(end - p), ", ");
		if (!fe)
			fe = end;
		p = fe;
		eq = memchr(f, '=', (size_t)(fe - f));
		if (!eq)
			continue;
#define KEY(k) ((size_t)(eq - f) == strlen(k) && !memcmp(f, k, strlen(k)))
		if (KEY("gfp_mask")) {
			const char *v = eq + 1, *paren = memchr(v, '(', (size_t)(fe - v));

			set_str(&ev->gfp_mask, v, (size_t)((paren ? paren : fe) - v), 64);
			if (paren) {
				const char *close = memchr(paren, ')', (size_t)(fe - paren));

				set_str(&ev->gfp_flags, paren + 1,
					(size_t)((close ? close : fe) - paren - 1), 256);
			}
		} else if (KEY("order")) {
			take_u64(eq + 1, fe, &ev->order);
		} else if (KEY("oom_score_adj")) {
			take_i64(eq + 1, fe, &ev->trigger_oom_score_adj);
		} else if (KEY("oom_adj")) {
			take_i64(eq + 1, fe, &ev->trigger_oom_adj);
		} else if (KEY("nodemask")) {
			set_str(&ev->nodemask, eq + 1, (size_t)(fe - eq - 1), 256);
		}
#undef KEY
	}
}

/* "<comm> cpuset=<name> mems_allowed=<list>" */
static void parse_cpuset(struct oom_event *ev, const char *s, size_t len)
{
	const char *end = s + len, *c = find(s, MIN(len, (size_t)HEAD), " cpuset=");
	const char *m = rfind(s, len, " mems_allowed=");

	if (!c || !m || m < c)
		return;
	if (!ev->trigger_comm)
		set_str(&ev->trigger_comm, s, (size_t)(c - s), OOM_MAX_COMM);
	c += strlen(" cpuset=");
	set_str(&ev->cpuset, c, (size_t)(m - c), OOM_MAX_PATH);
	m += strlen(" mems_allowed=");
	set_str(&ev->mems_allowed, m, (size_t)(end - m), 256);
}

/*
 * "CPU: 1 UID: 0 PID: 116 Comm: x Kdump: loaded Not tainted 6.11.0 #15 ..."
 * "Pid: 14095, comm: mruby Not tainted 2.6.32-358.el6.x86_64 #1"
 * The comm ends where "Kdump: loaded" or the taint begins; the release is
 * the first token after it that starts with a digit and has a dot.
 */
static void parse_cpu(struct oom_event *ev, const char *s, size_t len)
{
	static const char *const marks[] = {
		" Kdump: loaded ", " Not tainted ", " Tainted: ",
	};
	const char *end = s + len;
	size_t head = MIN(len, (size_t)HEAD), i;
	const char *p, *comm, *comm_end = NULL;
	struct kv_u64 pid = { 0, false };

	if (mem_starts_with(s, len, "Pid: ")) {
		p = take_u64(s + 5, end, &pid);
		comm = find(p, (size_t)(s + head - p), ", comm: ");
		if (!comm)
			return;
		comm += strlen(", comm: ");
	} else {
		p = find(s, head, " UID: ");
		if (p)
			take_u64(p + 6, end, &ev->trigger_uid);
		p = find(s, head, " PID: ");
		if (!p)
			return;
		take_u64(p + 6, end, &pid);
		comm = find(p, (size_t)(s + head - p), " Comm: ");
		if (!comm)
			return;
		comm += strlen(" Comm: ");
	}
	if (pid.set)
		ev->trigger_pid = pid;
	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		const char *t = find(comm, (size_t)(end - comm), marks[i]);

		if (t && (!comm_end || t < comm_end))
			comm_end = t;
	}
	if (!comm_end)
		return;
	if (!ev->trigger_comm)
		set_str(&ev->trigger_comm, comm, (size_t)(comm_end - comm), OOM_MAX_COMM);
	for (p = comm_end; p < end;) {
		const char *tok;

		while (p < end && is_blank(*p))
			p++;
		tok = p;
		while (p < end && !is_blank(*p))
			p++;
		if (p == tok || *tok == '#')
			break;
		if (is_digit(*tok) && memchr(tok, '.', (size_t)(p - tok))) {
			set_str(&ev->kernel_release, tok, (size_t)(p - tok), 128);
			break;
		}
	}
}

/* "Task in X killed as a result of limit of Y" */
static void parse_task_in(struct oom_event *ev, const char *s, size_t len)
{
	const char *end = s + len, *x = s + strlen("Task in ");
	const char *k = find(s, len, " killed as a result of limit of ");

	set_str(&ev->task_memcg, x, (size_t)(k - x), OOM_MAX_PATH);
	k += strlen(" killed as a result of limit of ");
	set_str(&ev->oom_memcg, k, (size_t)(end - k), OOM_MAX_PATH);
}

/* "memory+swap: usage 40940kB, limit 40960kB, failcnt 6" */
static void parse_counter(struct oom_event *ev, const char *s, size_t len)
{
	const char *end = s + len, *colon = memchr(s, ':', len), *p;
	struct oom_counter *c;
	size_t i;

	for (i = 0; i < ev->ncounters; i++)
		if (strlen(ev->counters[i].name) == (size_t)(colon - s) &&
		    !memcmp(ev->counters[i].name, s, (size_t)(colon - s)))
			return;         /* a second "memory:" belongs to no one */
	if (ev->ncounters >= ARRAY_SIZE(ev->counters))
		return;
	c = &ev->counters[ev->ncounters++];
	memset(c, 0, sizeof(*c));
	memcpy(c->name, s, MIN((size_t)(colon - s), sizeof(c->name) - 1));
	p = find(colon, (size_t)(end - colon), "usage ");
	if (p)
		take_u64(p + 6, end, &c->usage_kb);
	p = find(colon, (size_t)(end - colon), "limit ");
	if (p)
		take_u64(p + 6, end, &c->limit_kb);
	p = find(colon, (size_t)(end - colon), "failcnt ");
	if (p)
		take_u64(p + 8, end, &c->failcnt);
}

static void stat_add(struct oom_stat_block *b, const char *k, size_t klen,
		     uint64_t v)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strlen(b->v[i].key) == klen && !memcmp(b->v[i].key, k, klen))
			return;
	if (b->n >= OOM_MAX_STAT_KEYS)
		return;
	ALLOC_GROW(b->v, b->n + 1, b->alloc);
	b->v[b->n].key = dup_span(k, klen, 64);
	b->v[b->n].value = v;
	b->n++;
}

/*
 * "key 123" (v2 memory.stat; v1's on 6.x): 1 and the pair, 2 for a key with
 * a number out of range, 0 when the line is something else.
 */
static int stat_kv_line(const char *s, size_t len, size_t *ret_klen,
			uint64_t *ret_v)
{
	const char *p = s, *end = s + len, *v;

	if (!len || !(*s >= 'a' && *s <= 'z'))
		return 0;
	while (p < end && is_key_char(*p))
		p++;
	if (p - s > 64 || p >= end || *p != ' ')
		return 0;
	*ret_klen = (size_t)(p - s);
	v = p + 1;
	for (p = v; p < end; p++)
		if (!is_digit(*p))
			return 0;
	if (p == v)
		return 0;
	return parse_u64(v, (size_t)(p - v), ret_v) == 0 ? 1 : 2;
}

/*
 * "Memory cgroup stats for X: cache:0KB rss:980KB ..." (v1, one line per
 * cgroup of the hierarchy) or "Memory cgroup stats for X:" followed by
 * "key value" lines (v2, and v1 on 6.x).  Returns true when a block of
 * key-value lines follows.
 */
static bool parse_stats_header(struct parser *ps, struct oom_event *ev,
			       const char *s, size_t len)
{
	const char *end = s + len, *path = s + strlen("Memory cgroup stats for ");
	const char *path_end = NULL, *p;
	struct oom_stat_block *b;
	bool block = false;

	(void)ps;
	if (end > path && end[-1] == ':') {
		path_end = end - 1;
		block = true;
	} else {
		/* the first ": " followed by "key:digit" */
		for (p = path; p + 2 < end; p++) {
			const char *q;

			p = memchr(p, ':', (size_t)(end - p));
			if (!p || p + 2 >= end)
				break;
			if (p[1] != ' ')
				continue;
			q = p + 2;
			while (q < end && is_key_char(*q))
				q++;
			if (q > p + 2 && q + 1 < end && *q == ':' && is_digit(q[1])) {
				path_end = p;
				break;
			}
		}
		if (!path_end)
			path_end = end;
	}
	if (ev->nstats >= OOM_MAX_STAT_BLOCKS) {
		ev->stats_dropped++;
		return false;
	}
	ALLOC_GROW(ev->stats, ev->nstats + 1, ev->alloc_stats);
	b = &ev->stats[ev->nstats++];
	memset(b, 0, sizeof(*b));
	b->cgroup = dup_span(path, (size_t)(path_end - path), OOM_MAX_PATH);
	if (block)
		return true;
	/* single line: "key:123KB key:456KB ..." */
	p = path_end < end ? path_end + 1 : end;
	while (p < end) {
		const char *k, *ke, *v;
		struct kv_u64 val = { 0, false };

		while (p < end && is_blank(*p))
			p++;
		k = p;
		while (p < end && is_key_char(*p))
			p++;
		ke = p;
		if (p >= end || *p != ':' || ke == k) {
			while (p < end && !is_blank(*p))
				p++;
			continue;
		}
		v = p + 1;
		p = take_u64(v, end, &val);
		if (val.set && end - p >= 2 && (p[0] == 'K' || p[0] == 'k') && p[1] == 'B') {
			val = mul(val, 1024);
			p += 2;
		}
		if (val.set && (p >= end || is_blank(*p)))
			stat_add(b, k, (size_t)(ke - k), val.v);
		while (p < end && !is_blank(*p))
			p++;
	}
	return false;
}

static void meminfo_add(struct oom_event *ev, const char *k, size_t klen,
			uint64_t v, enum oom_unit unit, bool sum)
{
	size_t i;

	for (i = 0; i < ev->nmeminfo; i++)
		if (strlen(ev->meminfo[i].key) == klen &&
		    !memcmp(ev->meminfo[i].key, k, klen)) {
			if (sum && ev->meminfo[i].value <= UINT64_MAX - v)
				ev->meminfo[i].value += v;
			return;
		}
	if (ev->nmeminfo >= OOM_MAX_MEMINFO_KEYS)
		return;
	ALLOC_GROW(ev->meminfo, ev->nmeminfo + 1, ev->alloc_meminfo);
	ev->meminfo[ev->nmeminfo].key = dup_span(k, klen, 64);
	ev->meminfo[ev->nmeminfo].value = v;
	ev->meminfo[ev->nmeminfo].unit = unit;
	ev->nmeminfo++;
}

static void parse_meminfo_line(struct oom_event *ev, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	struct kv_u64 v = { 0, false };
	int i;

	ev->has_meminfo = true;
	if (mem_starts_with(s, len, "Node ")) {
		/* per node (5.x+) or per zone (older): kernel_stack in kB, summed */
		p = find(s, len, " kernel_stack:");
		if (p)
			take_u64(p + strlen(" kernel_stack:"), end, &v);
		if (v.set)
			meminfo_add(ev, "kernel_stack", 12, v.v, OOM_UNIT_KB, true);
		return;
	}
	if (mem_starts_with(s, len, "Free swap  = ") || mem_starts_with(s, len, "Total swap = ")) {
		take_u64(s + 13, end, &v);
		if (v.set)
			meminfo_add(ev, s[0] == 'F' ? "free_swap" : "total_swap", s[0] == 'F' ? 9 : 10,
				    v.v, OOM_UNIT_KB, false);
		return;
	}
	if (is_digit(*s)) {
		i = meminfo_number_line(s, len, &v);
		if (i >= 0 && v.set)
			meminfo_add(ev, meminfo_lines[i].key, strlen(meminfo_lines[i].key),
				    v.v, OOM_UNIT_PAGES, false);
		return;
	}
	while (p < end) {
		const char *k = p, *ke;

		while (p < end && is_key_char(*p))
			p++;
		ke = p;
		v.set = false;
		p = take_u64(p + 1, end, &v);
		if (v.set)
			meminfo_add(ev, k, (size_t)(ke - k), v.v, OOM_UNIT_PAGES, false);
		while (p < end && is_blank(*p))
			p++;
	}
}

static void parse_task_header(struct parser *ps, struct oom_event *ev,
			      const char *s, size_t len)
{
	const char *p = memchr(s, ']', len), *end = s + len;

	ev->has_task_header = true;
	ps->ncols = 0;
	p++;
	while (p < end && ps->ncols < MAX_COLS) {
		const char *tok;
		size_t i, n;
		enum col c = C_UNKNOWN;

		while (p < end && is_blank(*p))
			p++;
		tok = p;
		while (p < end && !is_blank(*p))
			p++;
		n = (size_t)(p - tok);
		if (!n)
			break;
		for (i = 0; i < ARRAY_SIZE(col_names); i++)
			if (strlen(col_names[i].name) == n && !memcmp(col_names[i].name, tok, n))
				c = col_names[i].col;
		ps->cols[ps->ncols++] = c;
		if (c == C_NAME)
			break;
	}
}

static void parse_task_row(struct parser *ps, struct oom_event *ev,
			   const char *s, size_t len)
{
	const char *p = s + 1, *end = s + len;
	struct oom_task t;
	size_t i;

	if (!ps->ncols)
		return;                 /* rows without their header: layout unknown */
	if (ps->total_tasks >= OOM_MAX_TASKS) {
		ps->log->tasks_dropped++;
		return;
	}
	memset(&t, 0, sizeof(t));
	while (p < end && is_blank(*p))
		p++;
	p = take_u64(p, end, &t.pid);
	p++;                            /* ']' */
	for (i = 0; i < ps->ncols; i++) {
		const char *tok, *te;
		struct kv_u64 u = { 0, false };
		struct oom_i64 n = { 0, false };

		while (p < end && is_blank(*p))
			p++;
		if (ps->cols[i] == C_NAME) {
			t.name = dup_span(p, (size_t)(end - p), OOM_MAX_COMM);
			break;
		}
		tok = p;
		while (p < end && !is_blank(*p))
			p++;
		te = p;
		if (te == tok)
			return;         /* a short row: cut or wrapped */
		if (ps->cols[i] == C_OOM_SCORE_ADJ || ps->cols[i] == C_OOM_ADJ) {
			if (take_i64(tok, te, &n) != te)
				return;
		} else if (take_u64(tok, te, &u) != te) {
			return;
		}
		switch (ps->cols[i]) {
		case C_UID: t.uid = u; break;
		case C_TGID: t.tgid = u; break;
		case C_TOTAL_VM: t.total_vm = u; break;
		case C_RSS: t.rss = u; break;
		case C_RSS_ANON: t.rss_anon = u; break;
		case C_RSS_FILE: t.rss_file = u; break;
		case C_RSS_SHMEM: t.rss_shmem = u; break;
		case C_NR_PTES: t.nr_ptes = u; break;
		case C_NR_PMDS: t.nr_pmds = u; break;
		case C_PGTABLES_BYTES: t.pgtables_bytes = u; break;
		case C_SWAPENTS: t.swapents = u; break;
		case C_CPU: t.cpu = u; break;
		case C_OOM_SCORE_ADJ: t.oom_score_adj = n; break;
		case C_OOM_ADJ: t.oom_adj = n; break;
		case C_UNKNOWN: case C_NAME: break;
		}
	}
	t.line = ps->lineno;
	ALLOC_GROW(ev->tasks, ev->ntasks + 1, ev->alloc_tasks);
	ev->tasks[ev->ntasks++] = t;
	ps->total_tasks++;
}

/*
 * "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x,
 * mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=comm,pid=1,uid=0"
 * (global_oom instead of oom_memcg=).  Values may hold commas (nodemask
 * lists, cgroup names, comms), so fields are found by their names.
 */
static void parse_oomkill(struct oom_event *ev, const char *s, size_t len)
{
	const char *end = s + len, *p = s + strlen("oom-kill:"), *f, *fe;
	const char *task = NULL, *pid = NULL, *uid = NULL, *tmcg;

	pid = rfind(s, len, ",pid=");
	if (pid) {
		uid = find(pid, (size_t)(end - pid), ",uid=");
		task = rfind(s, (size_t)(pid - s), ",task=");
	}
	if (mem_starts_with(p, (size_t)(end - p), "constraint=")) {
		f = p + strlen("constraint=");
		fe = memchr(f, ',', (size_t)(end - f));
		if (!fe)
			fe = end;
		if (fe > f)
			set_str(&ev->constraint, f, (size_t)(fe - f), 64);
		p = fe;
	}
	f = find(p, (size_t)(end - p), ",nodemask=");
	if (f) {
		f += strlen(",nodemask=");
		fe = find(f, (size_t)(end - f), ",cpuset=");
		if (!fe)
			fe = memchr(f, ',', (size_t)(end - f));
		if (!ev->nodemask)
			set_str(&ev->nodemask, f, (size_t)((fe ? fe : end) - f), 256);
		p = fe ? fe : end;
	}
	f = find(p, (size_t)(end - p), ",cpuset=");
	if (f) {
		f += strlen(",cpuset=");
		fe = find(f, (size_t)(end - f), ",mems_allowed=");
		if (!ev->cpuset)
			set_str(&ev->cpuset, f, (size_t)((fe ? fe : end) - f), OOM_MAX_PATH);
		p = fe ? fe : end;
	}
	tmcg = find(p, (size_t)(end - p), ",task_memcg=");
	f = find(p, (size_t)(end - p), ",mems_allowed=");
	if (f) {
		const char *o, *g;

		f += strlen(",mems_allowed=");
		o = find(f, (size_t)(end - f), ",oom_memcg=");
		g = find(f, (size_t)(end - f), ",global_oom");
		fe = o ? o : g ? g : tmcg;
		if (!ev->mems_allowed)
			set_str(&ev->mems_allowed, f, (size_t)((fe ? fe : end) - f), 256);
		if (g && (!o || g < o))
			ev->global_oom = true;
		if (o && (!tmcg || o < tmcg)) {
			o += strlen(",oom_memcg=");
			set_str(&ev->oom_memcg, o, (size_t)((tmcg ? tmcg : end) - o), OOM_MAX_PATH);
		}
	}
	if (tmcg) {
		tmcg += strlen(",task_memcg=");
		fe = task && task >= tmcg ? task : pid && pid >= tmcg ? pid : end;
		set_str(&ev->task_memcg, tmcg, (size_t)(fe - tmcg), OOM_MAX_PATH);
	}
	if (task && (!tmcg || task >= tmcg)) {
		task += strlen(",task=");
		set_str(&ev->oomkill_task, task, (size_t)(pid - task), OOM_MAX_COMM);
	}
	if (pid)
		take_u64(pid + strlen(",pid="), end, &ev->oomkill_pid);
	if (uid)
		take_u64(uid + strlen(",uid="), end, &ev->oomkill_uid);
}

/* "pid (comm)" -> pid and comm (up to the last ')' of the line). */
static const char *parse_pid_comm(const char *p, const char *end,
				  struct kv_u64 *ret_pid, char **ret_comm,
				  struct kv_u64 *ret_uid)
{
	const char *open, *close;

	p = take_u64(p, end, ret_pid);
	/* RHEL 6: "Killed process 14095, UID 0, (mruby) ..." */
	if (end - p > 6 && !memcmp(p, ", UID ", 6)) {
		p = take_u64(p + 6, end, ret_uid);
		if (p < end && *p == ',')
			p++;
	}
	while (p < end && is_blank(*p))
		p++;
	if (p >= end || *p != '(')
		return p;
	open = p;
	close = rfind(open, (size_t)(end - open), ")");
	if (!close)
		return p;
	set_str(ret_comm, open + 1, (size_t)(close - open - 1), OOM_MAX_COMM);
	return close + 1;
}

/* "total-vm:2121528kB, anon-rss:18624kB, ... UID:0 pgtables:80kB oom_score_adj:0" */
static void parse_kill_fields(struct oom_kill *k, const char *p, const char *end)
{
	while (p < end) {
		const char *key, *ke, *v;
		struct kv_u64 u = { 0, false };

		while (p < end && (is_blank(*p) || *p == ','))
			p++;
		key = p;
		while (p < end && !is_blank(*p) && *p != ',' && *p != ':')
			p++;
		ke = p;
		if (p < end && *p == ':') {
			v = p + 1;
		} else if ((size_t)(ke - key) == 3 && !memcmp(key, "UID", 3)) {
			/* RHEL 7: ", UID 1000," */
			v = p;
			while (v < end && is_blank(*v))
				v++;
		} else {
			continue;
		}
#define KEY(s) ((size_t)(ke - key) == strlen(s) && !memcmp(key, s, strlen(s)))
		if (KEY("oom_score_adj")) {
			p = take_i64(v, end, &k->oom_score_adj);
		} else {
			p = take_u64(v, end, &u);
			if (KEY("total-vm") || KEY("vsz"))
				k->total_vm_kb = u;
			else if (KEY("anon-rss"))
				k->anon_rss_kb = u;
			else if (KEY("file-rss"))
				k->file_rss_kb = u;
			else if (KEY("shmem-rss"))
				k->shmem_rss_kb = u;
			else if (KEY("pgtables"))
				k->pgtables_kb = u;
			else if (KEY("UID"))
				k->uid = u;
		}
#undef KEY
		while (p < end && !is_blank(*p) && *p != ',')
			p++;
	}
}

/* The message before "Kill(ed) process": whose limit it was. */
static void note_message(struct oom_event *ev, const char *s, size_t len)
{
	if (mem_starts_with(s, len, "Memory cgroup out of memory"))
		ev->said_memcg = true;
	else if (mem_starts_with(s, len, "Out of memory") ||
		 mem_starts_with(s, len, "Out of Memory"))
		ev->said_global = true;
}

static struct oom_kill *kill_add(struct parser *ps, struct oom_event *ev,
				 enum oom_kill_reason reason)
{
	struct oom_kill *k;

	ALLOC_GROW(ev->kills, ev->nkills + 1, ev->alloc_kills);
	k = &ev->kills[ev->nkills++];
	memset(k, 0, sizeof(*k));
	k->reason = reason;
	k->line = ps->lineno;
	return k;
}

static void parse_killed(struct parser *ps, struct oom_event *ev,
			 const char *s, size_t len, enum oom_kill_reason reason)
{
	const char *end = s + len, *p = find(s, MIN(len, (size_t)HEAD), "Killed process ");
	struct oom_kill *k = kill_add(ps, ev, reason);

	k->memcg = find(s, (size_t)(p - s), "Memory cgroup") != NULL;
	note_message(ev, s, (size_t)(p - s));
	p = parse_pid_comm(p + strlen("Killed process "), end, &k->pid, &k->comm, &k->uid);
	parse_kill_fields(k, p, end);
}

/* "Memory cgroup out of memory: Kill process 1381 (x) score 1046 or sacrifice child" */
static void parse_kill_select(struct oom_event *ev, const char *s, size_t len)
{
	const char *end = s + len, *p = find(s, MIN(len, (size_t)HEAD), "ill process ");
	const char *sc;
	struct kv_u64 uid_unused = { 0, false };

	note_message(ev, s, (size_t)(p + 1 - s));

	p = parse_pid_comm(p + strlen("ill process "), end, &ev->chosen_pid,
			   &ev->chosen_comm, &uid_unused);
	sc = find(p, (size_t)(end - p), "score ");
	if (sc)
		take_u64(sc + 6, end, &ev->chosen_score);
}

/* "oom_reaper: reaped process 1381 (x), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB" */
static void parse_reaper(struct parser *ps, const char *s, size_t len,
			 const struct oom_prefix *pf)
{
	const char *end = s + len, *p = s + strlen("oom_reaper: reaped process ");
	struct kv_u64 pid = { 0, false }, uid = { 0, false };
	char *comm = NULL;
	struct oom_kill tmp, *k = NULL;
	struct oom_event *ev = NULL;
	size_t i, j, n = ps->log->n;

	p = parse_pid_comm(p, end, &pid, &comm, &uid);
	if (!pid.set) {
		free(comm);
		return;
	}
	for (i = n; i > 0 && n - i < OOM_REAPER_LOOKBACK && !k; i--) {
		struct oom_event *e = &ps->log->v[i - 1];

		for (j = 0; j < e->nkills; j++)
			if (e->kills[j].pid.set && e->kills[j].pid.v == pid.v &&
			    !e->kills[j].reaped) {
				k = &e->kills[j];
				ev = e;
				break;
			}
	}
	if (!k) {
		/* the report itself is not in the log: an event of its own */
		ev = event_new(ps);
		if (!ev) {
			ps->log->events_dropped++;
			free(comm);
			return;
		}
		ev->strong = true;
		ev->phase = kind_phase[K_REAPER];
		k = kill_add(ps, ev, OOM_KILL_REAPED_ONLY);
		k->pid = pid;
		k->comm = comm;
		comm = NULL;
	}
	free(comm);
	memset(&tmp, 0, sizeof(tmp));
	parse_kill_fields(&tmp, p, end);
	k->reaped = true;
	k->reaped_anon_rss_kb = tmp.anon_rss_kb;
	k->reaped_file_rss_kb = tmp.file_rss_kb;
	k->reaped_shmem_rss_kb = tmp.shmem_rss_kb;
	event_touch(ps, ev, pf);
}

/* ---- dispatch ------------------------------------------------------------ */

static bool needs_new_event(struct parser *ps, struct oom_event *ev,
			    enum kind k)
{
	int phase = kind_phase[k];

	if (!ev || k == K_TRIGGER)
		return true;
	if (ps->foreign)
		return !kind_weak(k);
	if (ps->lineno - ev->last_activity > OOM_GAP_LINES)
		return true;
	if (k == K_KILLED && ev->phase == kind_phase[K_OOM_GROUP])
		return false;   /* the other members of the oom.group */
	if (phase < ev->phase)
		return true;
	if (phase == ev->phase && !kind_repeats(k))
		return true;
	return false;
}

/*
 * Does this line come from another log than the event's lines so far?  A
 * report is printed by one kernel and read by one tool: a line in another
 * prefix shape or from another host, or a kernel time more than a second
 * before the event's latest (another boot; lines pasted twice were dropped
 * before), begins a new event, so two logs never merge into one.
 */
static bool other_source(const struct oom_event *ev, const struct oom_prefix *pf)
{
	if (pf->prefixed && ev->shape) {
		if (pf->shape != ev->shape)
			return true;
		if (ev->host && pf->host && (ev->host_len != pf->host_len ||
					     memcmp(ev->host, pf->host, pf->host_len)))
			return true;
	}
	return pf->has_ktime && ev->has_last_ktime && pf->ktime + 1.0 < ev->last_ktime;
}

static void handle_message(struct parser *ps, const char *s, size_t len,
			   const struct oom_prefix *pf, int *mode)
{
	struct oom_event *ev = cur(ps);
	enum kind k;
	size_t klen;
	uint64_t v;

	if (pf->not_kernel)
		return;
	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	if (!len)
		return;
	if (*mode == M_STATS && ev && ev->nstats) {
		int r = stat_kv_line(s, len, &klen, &v);

		if (r) {
			if (r == 1)
				stat_add(&ev->stats[ev->nstats - 1], s, klen, v);
			event_touch(ps, ev, pf);
			return;
		}
	}
	k = classify(s, len);
	if (k == K_OTHER)
		return;         /* another CPU's line does not end a stats block */
	*mode = M_NONE;
	switch (k) {
	case K_NOISE:
		if (ev && (ev->phase <= kind_phase[K_CPU] ||
			   ev->phase == kind_phase[K_MEMINFO]) &&
		    ps->lineno - ev->last_activity <= OOM_GAP_LINES)
			ev->last_activity = ps->lineno;
		return;
	case K_BREAK:
		ev = event_new(ps);
		if (ev) {
			ps->foreign = true;
			ev->phase = 0;
			event_touch(ps, ev, pf);
		}
		return;
	case K_REAPER:
		parse_reaper(ps, s, len, pf);
		return;
	case K_TASK_ROW:
		if (!ev || !ev->has_task_header || ev->phase != kind_phase[K_TASK_ROW] ||
		    ps->foreign)
			return;
		break;
	default:
		break;
	}
	if (needs_new_event(ps, ev, k) || (ev && other_source(ev, pf))) {
		ev = event_new(ps);
		if (!ev) {
			/* past OOM_MAX_EVENTS: count reports, not lines */
			if (k == K_TRIGGER || !ps->dropping)
				ps->log->events_dropped++;
			ps->dropping = true;
			return;
		}
	}
	if (!kind_weak(k))
		ev->strong = true;
	if (kind_phase[k] > ev->phase)
		ev->phase = kind_phase[k];
	event_touch(ps, ev, pf);

	switch (k) {
	case K_TRIGGER:
		parse_trigger(ev, s, len);
		break;
	case K_CPUSET:
		parse_cpuset(ev, s, len);
		break;
	case K_CPU:
		parse_cpu(ev, s, len);
		break;
	case K_TASK_IN:
		parse_task_in(ev, s, len);
		break;
	case K_COUNTER:
		parse_counter(ev, s, len);
		break;
	case K_STATS:
		if (parse_stats_header(ps, ev, s, len))
			*mode = M_STATS;
		break;
	case K_MEMINFO_HDR:
		ev->has_meminfo = true;
		break;
	case K_MEMINFO:
		parse_meminfo_line(ev, s, len);
		break;
	case K_TASKS_STATE:
		break;
	case K_TASKS_HDR:
		parse_task_header(ps, ev, s, len);
		break;
	case K_TASK_ROW:
		parse_task_row(ps, ev, s, len);
		break;
	case K_OOMKILL:
		parse_oomkill(ev, s, len);
		break;
	case K_KILL_SELECT:
		parse_kill_select(ev, s, len);
		break;
	case K_KILLED:
		parse_killed(ps, ev, s, len,
			     ev->oom_group_memcg && ev->nkills ? OOM_KILL_GROUP : OOM_KILL_VICTIM);
		break;
	case K_NO_KILLABLE:
		ev->no_killable = true;
		break;
	case K_VICTIM_EXITING:
		ev->victim_exiting = true;
		note_message(ev, s, (size_t)(find(s, MIN(len, (size_t)HEAD), "OOM victim ") - s));
		break;
	case K_OOM_GROUP: {
		const char *x = s + strlen("Tasks in ");
		const char *e = find(s, len, " are going to be killed due to memory.oom.group set");

		set_str(&ev->oom_group_memcg, x, (size_t)(e - x), OOM_MAX_PATH);
		break;
	}
	default:
		break;
	}
}

/* ---- lines ------------------------------------------------------------- */

/*
 * /dev/kmsg escapes bytes < 0x20, >= 0x7f and '\' as \xNN: undo that.  The
 * runs between backslashes are copied whole: a byte at a time, this was a
 * fifth of the kernel log's parse (callgrind).
 */
static void kmsg_unescape(struct strbuf *sb, const char *s, size_t len)
{
	size_t i = 0;

	strbuf_reset(sb);
	while (i < len) {
		const char *bs = memchr(s + i, '\\', len - i);
		size_t run = bs ? (size_t)(bs - (s + i)) : len - i;
		uint64_t v;

		strbuf_add(sb, s + i, run);
		i += run;
		if (i == len)
			break;
		if (i + 3 < len && s[i + 1] == 'x' &&
		    parse_hex_u64(s + i + 2, 2, &v) == 0 && v != 0) {
			strbuf_addch(sb, (int)v);
			i += 4;
		} else {
			strbuf_addch(sb, '\\');
			i++;
		}
	}
}

/* Blank-separated fields of p[0..end). */
static size_t count_fields(const char *p, const char *end)
{
	size_t n = 0;

	while (p < end) {
		while (p < end && is_blank(*p))
			p++;
		if (p >= end)
			break;
		n++;
		while (p < end && !is_blank(*p))
			p++;
	}
	return n;
}

/* Fields after "[ pid ]" of a task-table row. */
static size_t row_fields(const char *s, size_t len)
{
	const char *p = memchr(s, ']', len);

	return p ? count_fields(p + 1, s + len) : 0;
}

/*
 * A line a mail client or a narrow paste split off the one before: no
 * prefix of its own in a log whose lines have one, and not indented (a
 * continuation line of a multi-line record is) -- unless the line before
 * is a task-table row short of its columns (ncols, the table's): a
 * terminal cut between two columns leaves the tail's blanks in front.
 * It is refused when both halves are OOM lines on their own.
 */
static bool is_wrapped_tail(const struct oom_prefix *pf, const char *prev,
			    size_t prev_len, size_t ncols)
{
	const char *s = pf->msg;
	size_t i, len = pf->msg_len;
	enum kind a, b;
	char c;

	if (pf->prefixed || pf->not_kernel || !len)
		return false;
	if (pf->indented) {
		return ncols && classify(prev, prev_len) == K_TASK_ROW &&
		       row_fields(prev, prev_len) < ncols &&
		       row_fields(prev, prev_len) + count_fields(s, s + len) >= ncols &&
		       is_digit(s[0]);
	}
	c = s[0];
	if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	      c == '/' || c == '_' || c == '-' || c == '.' || c == ',' || c == ':' ||
	      c == '(' || c == ')' || c == '='))
		return false;
	for (i = 0; i < len && (s[i] == '.' || is_blank(s[i])); i++)
		;
	if (i == len)
		return false;   /* "......" between pasted lines */
	a = classify(prev, prev_len);
	b = classify(s, len);
	return a == K_OTHER || a == K_NOISE || b == K_OTHER || b == K_NOISE;
}

/* No blank past column 78: a line a mail client let run long, or a cut one. */
static bool no_blank_past_78(const char *s, size_t len)
{
	size_t i;

	for (i = 78; i < len; i++)
		if (is_blank(s[i]))
			return false;
	return true;
}

/*
 * Whether the wrap after raw line prev[0..len) removed a blank, so the
 * rejoin must put one back.  A mail client (format=flowed off) breaks a
 * line at its last blank before the width (72 to 78 columns, RFC 5322
 * asks for 78) and drops it; a token longer than that runs on to the
 * blank after it, so such a line has no blank past column 78.  A
 * terminal or a fixed-width paste cuts at exactly N columns, mid-token,
 * dropping nothing: a long line with a blank past column 78, or one as
 * long as the other cut lines of the log (fixed_width, 0 when unknown).
 * format=flowed keeps the blank at the end of the line.
 */
static bool wrap_dropped_blank(const char *prev, size_t len, size_t fixed_width)
{
	if (!len || is_blank(prev[len - 1]) || len < 80)
		return true;
	if (fixed_width && len + 1 >= fixed_width && len <= fixed_width + 1)
		return false;
	return no_blank_past_78(prev, len);
}

/*
 * The width of a terminal or fixed-width paste that cut the log's long
 * lines: a length (>= 80) shared by at least two lines that have no blank
 * past column 78 and are followed by a line that may be their tail (no
 * prefix, not indented, no OOM line of its own).  Lines a mail client let run long have lengths
 * of their own.  0 when there is none.
 */
static size_t fixed_wrap_width(const char *buf, size_t len)
{
	size_t pos = 0, best = 0, best_n = 0, prev_len = 0, i;
	size_t lens[64], counts[64], n = 0;
	const char *line, *prev = NULL;
	size_t line_len;

	while (next_line(buf, len, &pos, &line, &line_len)) {
		struct oom_prefix pf;

		if (line_len && line[line_len - 1] == '\r')
			line_len--;
		if (prev && prev_len >= 80 && no_blank_past_78(prev, prev_len)) {
			oom_line_prefix(line, line_len, &pf);
			if (!pf.prefixed && !pf.indented && pf.msg_len &&
			    classify(pf.msg, pf.msg_len) == K_OTHER) {
				for (i = 0; i < n && lens[i] != prev_len; i++)
					;
				if (i == n && n < ARRAY_SIZE(lens)) {
					lens[n] = prev_len;
					counts[n++] = 0;
				}
				if (i < n)
					counts[i]++;
			}
		}
		prev = line;
		prev_len = line_len;
	}
	for (i = 0; i < n; i++)
		if (counts[i] >= 2 && counts[i] > best_n) {
			best = lens[i];
			best_n = counts[i];
		}
	return best;
}

/* s begins with "key:123" (the key `key` when non-NULL). */
static bool is_field(const char *s, size_t len, const char *key)
{
	const char *p = s, *end = s + len;

	if (key) {
		if (!mem_starts_with(s, len, key))
			return false;
		p += strlen(key);
	} else {
		while (p < end && (is_key_char(*p) || *p == '-'))
			p++;
		if (p == s)
			return false;
	}
	return end - p >= 2 && *p == ':' && is_digit(p[1]);
}

/*
 * Without prefixes (a plain paste, journalctl -o cat, dmesg --notime)
 * every line looks like a tail; take one only when it is not a line of
 * its own and the join makes an OOM line: the line before is no OOM line
 * yet (its end was cut off: "Task in /a killed as a result of limit of")
 * or one whose end is missing (an oom-kill: line before its ",uid=", a
 * single-line stats block continued by "key:NKB" fields, a kill line
 * continued by its "key:NkB" fields).
 */
static bool is_unprefixed_tail(struct strbuf *tmp, const char *prev,
			       size_t prev_len, const struct oom_prefix *pf,
			       size_t ncols)
{
	const char *s = pf->msg;
	size_t len = pf->msg_len, klen;
	enum kind a = classify(prev, prev_len), b = classify(s, len), j;
	uint64_t v;

	if (b != K_OTHER || stat_kv_line(s, len, &klen, &v))
		return false;
	strbuf_reset(tmp);
	strbuf_add(tmp, prev, prev_len);
	strbuf_addch(tmp, ' ');
	strbuf_add(tmp, s, len);
	j = classify(tmp->buf, tmp->len);
	/* the start of a line that says what it is only at its end */
	if (a == K_OTHER && j == K_OTHER &&
	    (mem_starts_with(tmp->buf, tmp->len, "Task in ") ||
	     mem_starts_with(tmp->buf, tmp->len, "Tasks in ") ||
	     mem_starts_with(tmp->buf, tmp->len, "Memory cgroup stats for ") ||
	     find(tmp->buf, MIN(tmp->len, (size_t)HEAD), " cpuset=")))
		return true;
	if (j == K_OTHER || j == K_NOISE || j == K_BREAK)
		return false;
	if (a == K_OTHER)
		return true;
	if (a != j)
		return false;
	switch (a) {
	case K_OOMKILL: {
		const char *pid = rfind(prev, prev_len, ",pid=");

		return !pid || !find(pid, (size_t)(prev + prev_len - pid), ",uid=");
	}
	case K_TRIGGER:         /* "..., order=0," + "oom_score_adj=0" */
		return prev[prev_len - 1] == ',';
	case K_CPU:             /* "... Tainted: P OE" + "4.8.11-200.fc24.x86_64 #1" */
		return is_digit(s[0]) && memchr(s, '.', len) &&
		       !find(prev, prev_len, " #");
	case K_STATS:
		/* "rss:448KB ..." (v2's block lines are "key 123") */
		return is_field(s, len, NULL);
	case K_TASKS_HDR:       /* "... swapents" + "oom_score_adj name" */
		return !find(prev, prev_len, " name") && s[0] >= 'a' && s[0] <= 'z';
	case K_TASK_ROW:        /* "... 23" + "0 stress": short of the header's columns */
		return ncols && row_fields(prev, prev_len) < ncols &&
		       row_fields(prev, prev_len) + count_fields(s, s + len) >= ncols;
	case K_KILLED: {
		static const char *const keys[] = {
			"total-vm", "anon-rss", "file-rss", "shmem-rss", "UID",
			"pgtables", "oom_score_adj",
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (is_field(s, len, keys[i]))
				return true;
		return false;
	}
	default:
		return false;
	}
}

/*
 * One line of the log (prefix removed).  rsyslog writes a record's
 * newlines as "#012": split there as the kernel meant.
 */
static void handle_line(struct parser *ps, const char *s, size_t len,
			const struct oom_prefix *pf, int *mode)
{
	const char *p = s, *end = s + len, *q;

	if (!memmem_str(s, len, "#012")) {
		handle_message(ps, s, len, pf, mode);
		return;
	}
	for (;;) {
		q = memmem_str(p, (size_t)(end - p), "#012");
		if (!q) {
			handle_message(ps, p, (size_t)(end - p), pf, mode);
			return;
		}
		handle_message(ps, p, (size_t)(q - p), pf, mode);
		p = q + 4;
	}
}

/* ---- records pasted twice ---------------------------------------------------- */

static bool same_line(const struct seen_line *a, const struct oom_prefix *pf)
{
	return a->ktime == pf->ktime && a->msg_len == pf->msg_len &&
	       a->host_len == pf->host_len && !memcmp(a->msg, pf->msg, pf->msg_len) &&
	       (!pf->host_len || !memcmp(a->host, pf->host, pf->host_len));
}

/*
 * Has this record been read already?  Two dumps of one kernel log pasted
 * one after the other hold the same records twice: a /dev/kmsg record is
 * the same when its sequence number is, any other line when its kernel
 * time, host and text are.  Lines without a kernel time are never taken
 * for repeats.  Only the lines an event took are remembered (remember()),
 * so memory stays bounded by the events' own.
 */
static bool seen_before(const struct parser *ps, const struct oom_prefix *pf)
{
	size_t lo = 0, hi, i;

	if (pf->kmsg && pf->has_seq) {
		hi = ps->nseqs;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (ps->seqs[mid] < pf->seq)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < ps->nseqs && ps->seqs[lo] == pf->seq;
	}
	if (!pf->has_ktime)
		return false;
	hi = ps->nseen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ps->seen[mid].ktime < pf->ktime)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < ps->nseen && ps->seen[i].ktime == pf->ktime; i++)
		if (same_line(&ps->seen[i], pf))
			return true;
	return false;
}

/*
 * Remember a line an event took.  A log runs forward, so appending what
 * comes later keeps each array sorted for seen_before()'s binary search;
 * a line from the past (another boot or host) is not kept.
 */
static void remember(struct parser *ps, const struct oom_prefix *pf)
{
	if (pf->kmsg && pf->has_seq) {
		if (!ps->nseqs || pf->seq > ps->seqs[ps->nseqs - 1]) {
			ALLOC_GROW(ps->seqs, ps->nseqs + 1, ps->alloc_seqs);
			ps->seqs[ps->nseqs++] = pf->seq;
		}
	} else if (pf->has_ktime && (!ps->nseen || pf->ktime >= ps->seen[ps->nseen - 1].ktime)) {
		ALLOC_GROW(ps->seen, ps->nseen + 1, ps->alloc_seen);
		ps->seen[ps->nseen++] = (struct seen_line){ pf->ktime, pf->host, pf->msg,
							    pf->host_len, pf->msg_len };
	}
}

/* ---- after the last line ------------------------------------------------- */

static const struct oom_task *task_of(const struct oom_event *ev, uint64_t pid)
{
	size_t i;

	for (i = 0; i < ev->ntasks; i++)
		if (ev->tasks[i].pid.set && ev->tasks[i].pid.v == pid)
			return &ev->tasks[i];
	return NULL;
}

static const struct oom_kill *victim_kill(const struct oom_event *ev)
{
	size_t i;

	for (i = 0; i < ev->nkills; i++)
		if (ev->kills[i].reason == OOM_KILL_VICTIM)
			return &ev->kills[i];
	return NULL;
}

/*
 * The page size from the victim's kill line (kB) and task row (pages): the
 * kernel prints both from the same counters, a few pages apart at most.
 */
static unsigned infer_page_size(const struct oom_event *ev)
{
	static const unsigned sizes[] = { 4096, 8192, 16384, 65536 };
	const struct oom_kill *k = victim_kill(ev);
	const struct oom_task *t;
	uint64_t kb;
	double ratio;
	size_t i;

	if (!k || !k->pid.set || !k->anon_rss_kb.set || !k->file_rss_kb.set)
		return 0;
	t = task_of(ev, k->pid.v);
	if (!t || !t->rss.set || t->rss.v < 16)
		return 0;
	kb = k->anon_rss_kb.v + k->file_rss_kb.v +
	     (k->shmem_rss_kb.set ? k->shmem_rss_kb.v : 0);
	ratio = (double)kb * 1024.0 / (double)t->rss.v;
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (ratio > sizes[i] * 0.875 && ratio < sizes[i] * 1.125)
			return sizes[i];
	return 0;
}

/*
 * The victim is who a kill line says was killed (or, without the report,
 * whom oom_reaper reaped).  The oom-kill: line names the task chosen, not
 * one killed: __oom_kill_process() may find it exiting and skip the kill,
 * or kill another thread of it, and the log may end first; then the
 * victim stays unknown and the choice is only in oomkill_pid.
 */
static void resolve_victim(struct oom_event *ev)
{
	const struct oom_kill *k = victim_kill(ev);
	struct oom_victim *v = &ev->victim;
	const struct oom_task *t = NULL;
	uint64_t ps = ev->page_size;

	memset(v, 0, sizeof(*v));
	if (k) {
		v->pid = k->pid;
		if (k->comm)
			v->comm = xstrdup(k->comm);
		v->uid = k->uid;
		v->total_vm_bytes = mul(k->total_vm_kb, 1024);
		v->anon_rss_bytes = mul(k->anon_rss_kb, 1024);
		v->file_rss_bytes = mul(k->file_rss_kb, 1024);
		v->shmem_rss_bytes = mul(k->shmem_rss_kb, 1024);
		v->pgtables_bytes = mul(k->pgtables_kb, 1024);
		v->oom_score_adj = k->oom_score_adj;
	} else if (ev->nkills && ev->kills[0].reason == OOM_KILL_REAPED_ONLY) {
		v->pid = ev->kills[0].pid;
		if (ev->kills[0].comm)
			v->comm = xstrdup(ev->kills[0].comm);
	}
	if (!v->pid.set)
		return;
	if (!v->uid.set && ev->oomkill_uid.set && ev->oomkill_pid.set &&
	    ev->oomkill_pid.v == v->pid.v)
		v->uid = ev->oomkill_uid;
	t = task_of(ev, v->pid.v);
	if (!t)
		return;
	if (!v->comm && t->name)
		v->comm = xstrdup(t->name);
	if (!v->uid.set)
		v->uid = t->uid;
	if (!v->total_vm_bytes.set)
		v->total_vm_bytes = mul(t->total_vm, ps);
	if (!v->anon_rss_bytes.set)
		v->anon_rss_bytes = mul(t->rss_anon, ps);
	if (!v->file_rss_bytes.set)
		v->file_rss_bytes = mul(t->rss_file, ps);
	if (!v->shmem_rss_bytes.set)
		v->shmem_rss_bytes = mul(t->rss_shmem, ps);
	if (!v->pgtables_bytes.set) {
		if (t->pgtables_bytes.set) {
			v->pgtables_bytes = t->pgtables_bytes;
		} else if (t->nr_ptes.set) {
			struct kv_u64 pages = t->nr_ptes;

			if (t->nr_pmds.set && pages.v <= UINT64_MAX - t->nr_pmds.v)
				pages.v += t->nr_pmds.v;
			v->pgtables_bytes = mul(pages, ps);
		}
	}
	if (!v->oom_score_adj.set)
		v->oom_score_adj = t->oom_score_adj;
}

static void event_finish(struct oom_event *ev, unsigned page_size)
{
	unsigned inferred;

	ev->host = NULL;   /* pointed into the input */
	if (page_size) {
		ev->page_size = page_size;
		ev->page_size_source = OOM_PAGE_SIZE_GIVEN;
	} else if ((inferred = infer_page_size(ev))) {
		ev->page_size = inferred;
		ev->page_size_source = OOM_PAGE_SIZE_INFERRED;
	} else {
		ev->page_size = 4096;
		ev->page_size_source = OOM_PAGE_SIZE_DEFAULT;
	}
	/* The stats block is the OOM memcg's (the hierarchy's top on v1). */
	if (!ev->oom_memcg && !ev->global_oom && ev->nstats)
		ev->oom_memcg = xstrdup(ev->stats[0].cgroup);
	resolve_victim(ev);

	ev->missing = 0;
	if (!ev->has_trigger)
		ev->missing |= OOM_MISSING_TRIGGER;
	if (!victim_kill(ev) && !ev->no_killable && !ev->victim_exiting)
		ev->missing |= OOM_MISSING_KILL;
	if (ev->has_task_header && !ev->ntasks)
		ev->missing |= OOM_MISSING_TASKS;
	else if (ev->ntasks && ev->victim.pid.set && !task_of(ev, ev->victim.pid.v))
		ev->missing |= OOM_MISSING_VICTIM_ROW;
	ev->complete = ev->missing == 0;
}

const char *oom_event_kind(const struct oom_event *ev)
{
	if (ev->constraint)
		return strcmp(ev->constraint, "CONSTRAINT_MEMCG") ? "global" : "memcg";
	if (ev->global_oom)
		return "global";
	if (ev->oom_memcg || ev->ncounters || ev->nstats)
		return "memcg";
	if (ev->said_memcg)
		return "memcg";
	if (ev->said_global)
		return "global";
	/* show_mem() alone: 2.6.32 printed it for memcg OOMs too */
	if (ev->has_meminfo && ev->has_trigger)
		return "global";
	return NULL;
}

const char *oom_missing_text(unsigned missing, char *buf, size_t n)
{
	static const struct {
		unsigned bit;
		const char *text;
	} texts[] = {
		{ OOM_MISSING_TRIGGER, "no 'invoked oom-killer' line (it begins mid-way)" },
		{ OOM_MISSING_KILL, "no 'Killed process' line (it ends before the kill)" },
		{ OOM_MISSING_TASKS, "the task table has no rows" },
		{ OOM_MISSING_VICTIM_ROW, "the victim is not in the task table" },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++)
		if (missing & texts[i].bit) {
			if (sb.len)
				strbuf_addstr(&sb, "; ");
			strbuf_addstr(&sb, texts[i].text);
		}
	strlcpy_s(buf, sb.len ? sb.buf : "", n);
	strbuf_release(&sb);
	return buf;
}

int oom_log_parse(const char *buf, size_t len, unsigned page_size,
		  struct oom_log *ret)
{
	struct parser ps;
	struct strbuf join = STRBUF_INIT;
	size_t pos = 0, i;
	const char *line;
	size_t line_len;
	int mode = M_NONE;
	size_t fixed_width;

	memset(ret, 0, sizeof(*ret));
	if (page_size && (page_size < 512 || page_size > (1u << 20) ||
			  (page_size & (page_size - 1))))
		return -EINVAL;
	memset(&ps, 0, sizeof(ps));
	ps.log = ret;
	ps.page_size = page_size;
	strbuf_init(&ps.scratch, 0);
	fixed_width = fixed_wrap_width(buf, len);

	while (next_line(buf, len, &pos, &line, &line_len)) {
		struct oom_prefix pf;
		size_t touches;
		bool dup;

		ps.lineno++;
		if (line_len && line[line_len - 1] == '\r')
			line_len--;
		oom_line_prefix(line, line_len, &pf);
		dup = seen_before(&ps, &pf);
		touches = ps.touches;
		if (pf.kmsg) {
			if (dup)
				continue;
			/* one record; its message may span lines (\x0a) */
			const char *m, *e, *nl;

			kmsg_unescape(&ps.scratch, pf.msg, pf.msg_len);
			m = ps.scratch.buf;
			e = m + ps.scratch.len;
			for (; m <= e; m = nl + 1) {
				size_t n;

				nl = memchr(m, '\n', (size_t)(e - m));
				if (!nl)
					nl = e;
				n = (size_t)(nl - m);
				while (n && (m[n - 1] == ' ' || m[n - 1] == '\r'))
					n--;
				handle_message(&ps, m, n, &pf, &mode);
			}
			if (ps.touches != touches)
				remember(&ps, &pf);
			continue;
		}
		if ((line_len >= 20 || !pf.prefixed) && !pf.not_kernel) {
			/* Rejoin the tails a wrap cut off (wrap_dropped_blank()). */
			size_t save = pos, last = ps.lineno, prev_len = line_len;
			const char *nline, *prev = line;
			size_t nlen;
			bool joined = false;

			while (next_line(buf, len, &pos, &nline, &nlen)) {
				struct oom_prefix npf;
				const char *h = joined ? join.buf : pf.msg;
				size_t hlen = joined ? join.len : pf.msg_len;

				oom_line_prefix(nline, nlen, &npf);
				if (!is_wrapped_tail(&npf, h, hlen, ps.ncols))
					break;
				if (!pf.prefixed && !npf.indented &&
				    !is_unprefixed_tail(&ps.scratch, h, hlen, &npf, ps.ncols))
					break;
				if (!joined) {
					strbuf_reset(&join);
					strbuf_add(&join, pf.msg, pf.msg_len);
					joined = true;
				}
				if (npf.indented ||
				    wrap_dropped_blank(prev, prev_len, fixed_width))
					strbuf_addch(&join, ' ');
				strbuf_add(&join, npf.msg, npf.msg_len);
				prev = nline;
				prev_len = nlen;
				while (prev_len && (prev[prev_len - 1] == '\r' ||
						    prev[prev_len - 1] == '\n'))
					prev_len--;
				save = pos;
				last++;
			}
			pos = save;
			if (joined && dup) {
				ps.lineno = last;
				continue;
			}
			if (joined) {
				size_t first = ps.lineno;

				handle_line(&ps, join.buf, join.len, &pf, &mode);
				if (ps.touches != touches)
					remember(&ps, &pf);
				if (ps.has_cur && cur(&ps)->last_activity == first &&
				    cur(&ps)->last_line < last)
					cur(&ps)->last_line = last;
				ps.lineno = last;
				continue;
			}
		}
		if (!dup)
			handle_line(&ps, pf.msg, pf.msg_len, &pf, &mode);
		if (ps.touches != touches)
			remember(&ps, &pf);
	}
	ret->lines = ps.lineno;
	drop_weak(&ps);
	for (i = 0; i < ret->n; i++)
		event_finish(&ret->v[i], page_size);
	strbuf_release(&ps.scratch);
	strbuf_release(&join);
	free(ps.seqs);
	free(ps.seen);
	return 0;
}

void oom_log_free(struct oom_log *log)
{
	size_t i;

	if (!log)
		return;
	for (i = 0; i < log->n; i++)
		event_free(&log->v[i]);
	free(log->v);
	memset(log, 0, sizeof(*log));
}
