/* SPDX-License-Identifier: MIT */
/*
 * memsnap oom [--json] FILE|-
 *
 * Explain the OOM kills in a pasted kernel log, without a capture: parse it
 * (oom_log_parse), store it into a database in memory exactly as a loaded
 * capture's kernel log would be (oom_store), then read each event back
 * from SQL (the oom_kills view and the oom_* tables) into struct oom_report
 * and render that as text or JSON.  So the numbers shown are the ones
 * `memsnap sql` gives for a capture.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "analyze/oom/oom.h"
#include "reports/textout.h"
#include "common/util.h"

#include "common/banned.h"

#define OOM_DEFAULT_MAX_INPUT (256ull << 20)
#define OOM_TOP_TASKS 5

static const char usage_text[] =
	"usage: memsnap oom [OPTIONS] FILE|-\n"
	"\n"
	"Explain the OOM kills in a kernel log: dmesg (with -T, -x, any locale),\n"
	"journalctl, /var/log/messages, /dev/kmsg records, or a report pasted\n"
	"into a ticket (quoted, indented, wrapped, CRLF).  FILE - reads stdin.\n"
	"\n"
	"options:\n"
	"      --json              a JSON array of events, keyed by the columns\n"
	"                          of the oom_kills view\n"
	"      --db FILE           also write the database (capture, oom_* tables)\n"
	"                          to FILE, for `memsnap sql FILE`\n"
	"      --page-size BYTES   the node's page size (default: inferred per\n"
	"                          report from the victim's kill line, else 4096)\n"
	"      --max-size SIZE     refuse input larger than SIZE (default 256M)\n"
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 OOM events found, 1 no OOM event in the input, 2 usage,\n"
	"3 the input cannot be read (or is too large)\n";

/* ---- the data model: one event as read back from SQL ------------------- */

struct nint {
	int64_t v;
	bool set;
};

struct rep_counter {
	char *name;
	struct nint usage, limit, unlimited, failcnt;
};

struct rep_task {
	struct nint pid, uid, rss, swap, adj;
	char *name;
};

struct rep_kill {
	struct nint pid;
	char *comm;
};

/* What the memory was made of, in bytes; unset parts were not reported. */
struct composition {
	const char *source;     /* "stats", "meminfo", NULL when unknown */
	char *cgroup;           /* the stats block's cgroup (first block) */
	size_t nblocks;
	struct nint anon, file, shmem, kernel, sock, swap, free;
	char *kernel_parts;     /* "slab 908.3 KiB, kernel_stack 208.0 KiB, ..." */
};

struct oom_report {
	/* the oom_kills view, column for column */
	int64_t capture_id, event;
	struct nint kernel_time_us;     /* kernel_time * 1e6, rounded */
	double kernel_time;
	char *wall_time;
	char *trigger_comm;
	struct nint trigger_pid;
	char *constraint, *oom_memcg, *task_memcg;
	struct nint killed_pid;
	char *killed_comm;
	struct nint uid, total_vm, anon_rss, file_rss, shmem_rss, pgtables, adj;
	struct nint memcg_usage, memcg_limit;
	char *namespace_, *pod, *container;
	bool complete;
	/* from oom_event */
	struct nint first_line, last_line;
	char *log_time, *kind, *pod_uid, *container_id, *missing, *gfp_flags,
	     *gfp_mask, *chosen_comm, *oom_group_memcg, *wall_source, *oomkill_task;
	struct nint order, chosen_pid, chosen_score, no_killable, page_size;
	struct nint oomkill_pid, victim_exiting;
	/* from the other tables */
	struct rep_counter *counters;
	size_t ncounters;
	struct rep_task *top;
	size_t ntop;
	struct nint ntasks;
	bool has_task_header_rows;      /* any row at all */
	bool trigger_in_table;
	struct rep_kill *group;
	size_t ngroup;
	struct nint reaped;
	struct composition made_of, node;
};

/* ---- reading SQL ----------------------------------------------------- */

static struct nint col_int(sqlite3_stmt *st, int c)
{
	struct nint r = { 0, false };

	if (sqlite3_column_type(st, c) != SQLITE_NULL) {
		r.v = sqlite3_column_int64(st, c);
		r.set = true;
	}
	return r;
}

static char *col_str(sqlite3_stmt *st, int c)
{
	const unsigned char *s = sqlite3_column_text(st, c);

	return s ? xstrndup((const char *)s, (size_t)sqlite3_column_bytes(st, c)) : NULL;
}

static void composition_free(struct composition *c)
{
	free(c->cgroup);
	free(c->kernel_parts);
}

static void report_free(struct oom_report *r)
{
	size_t i;

	free(r->wall_time);
	free(r->trigger_comm);
	free(r->constraint);
	free(r->oom_memcg);
	free(r->task_memcg);
	free(r->killed_comm);
	free(r->namespace_);
	free(r->pod);
	free(r->container);
	free(r->log_time);
	free(r->kind);
	free(r->pod_uid);
	free(r->container_id);
	free(r->missing);
	free(r->gfp_flags);
	free(r->gfp_mask);
	free(r->chosen_comm);
	free(r->oomkill_task);
	free(r->oom_group_memcg);
	free(r->wall_source);
	for (i = 0; i < r->ncounters; i++)
		free(r->counters[i].name);
	free(r->counters);
	for (i = 0; i < r->ntop; i++)
		free(r->top[i].name);
	free(r->top);
	for (i = 0; i < r->ngroup; i++)
		free(r->group[i].comm);
	free(r->group);
	composition_free(&r->made_of);
	composition_free(&r->node);
}

/* key -> summed value of a stats or Mem-Info query */
struct kv_sum {
	char **keys;
	int64_t *vals;
	size_t n, alloc, alloc2;
};

static bool kv_get(const struct kv_sum *s, const char *key, int64_t *ret)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->keys[i], key)) {
			*ret = s->vals[i];
			return true;
		}
	return false;
}

static void kv_sum_free(struct kv_sum *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->vals);
}

static void kv_sum_read(sqlite3 *db, const char *sql, int64_t capture_id,
			int64_t event, struct kv_sum *ret)
{
	sqlite3_stmt *st = db_prepare(db, sql);

	sqlite3_bind_int64(st, 1, capture_id);
	sqlite3_bind_int64(st, 2, event);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		ALLOC_GROW(ret->keys, ret->n + 1, ret->alloc);
		ALLOC_GROW(ret->vals, ret->n + 1, ret->alloc2);
		ret->keys[ret->n] = col_str(st, 0);
		ret->vals[ret->n] = sqlite3_column_int64(st, 1);
		ret->n++;
	}
	sqlite3_finalize(st);
}

/* Sum of the keys present; unset when none is. */
static struct nint sum_keys(const struct kv_sum *s, const char *const *keys,
			    struct strbuf *parts)
{
	struct nint r = { 0, false };
	char hb[32];
	int64_t v;

	for (; *keys; keys++)
		if (kv_get(s, *keys, &v)) {
			r.v += v;
			r.set = true;
			if (parts && v) {
				if (parts->len)
					strbuf_addstr(parts, ", ");
				strbuf_addf(parts, "%s %s", *keys,
					    human_bytes((uint64_t)v, hb, sizeof(hb)));
			}
		}
	return r;
}

static struct nint minus(struct nint a, struct nint b)
{
	if (a.set && b.set)
		a.v = a.v > b.v ? a.v - b.v : 0;
	return a;
}

/*
 * The memcg stats, summed over the event's blocks: v1 before 4.19 prints
 * one line of local values per cgroup of the hierarchy (the sum is the
 * hierarchy's total); v2 and v1 on 6.x print one block.
 */
static void read_made_of_stats(sqlite3 *db, int64_t cid, struct oom_report *r)
{
	static const char *const v2_kernel[] = {
		"kernel_stack", "pagetables", "sec_pagetables", "percpu", "slab",
		"vmalloc", NULL,
	};
	static const char *const k_anon[] = { "anon", NULL };
	static const char *const k_file[] = { "file", NULL };
	static const char *const k_shmem[] = { "shmem", NULL };
	static const char *const k_kernel[] = { "kernel", NULL };
	static const char *const k_sock[] = { "sock", NULL };
	static const char *const k_swap_v1[] = { "swap", NULL };
	static const char *const k_tswap_v1[] = { "total_swap", NULL };
	static const char *const k_rss[] = { "rss", NULL };
	static const char *const k_cache[] = { "cache", NULL };
	static const char *const k_trss[] = { "total_rss", NULL };
	static const char *const k_tcache[] = { "total_cache", NULL };
	static const char *const k_tshmem[] = { "total_shmem", NULL };
	struct composition *c = &r->made_of;
	struct kv_sum s = { 0 };
	struct strbuf parts = STRBUF_INIT;
	sqlite3_stmt *st;
	int64_t v;
	size_t i;

	st = db_prepare(db, "SELECT cgroup, (SELECT count(DISTINCT block) FROM oom_memcg_stat"
			" WHERE capture_id = ?1 AND event = ?2) FROM oom_memcg_stat"
			" WHERE capture_id = ?1 AND event = ?2 ORDER BY block LIMIT 1");
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, r->event);
	if (sqlite3_step(st) == SQLITE_ROW) {
		c->cgroup = col_str(st, 0);
		c->nblocks = (size_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (!c->nblocks)
		return;
	kv_sum_read(db, "SELECT key, sum(value) FROM oom_memcg_stat"
		    " WHERE capture_id = ? AND event = ? GROUP BY key", cid, r->event, &s);
	c->source = "stats";
	if (kv_get(&s, "anon", &v)) {
		/* v2: file includes shmem; kernel (5.18+) excludes sock */
		c->anon = sum_keys(&s, k_anon, NULL);
		c->shmem = sum_keys(&s, k_shmem, NULL);
		c->file = minus(sum_keys(&s, k_file, NULL), c->shmem);
		c->kernel = sum_keys(&s, k_kernel, NULL);
		{
			struct nint parts_sum = sum_keys(&s, v2_kernel, &parts);

			if (!c->kernel.set)
				c->kernel = parts_sum;
		}
		c->sock = sum_keys(&s, k_sock, NULL);
	} else if (kv_get(&s, "total_rss", &v)) {
		/* v1 on 6.x: hierarchical total_* keys */
		c->anon = sum_keys(&s, k_trss, NULL);
		c->shmem = sum_keys(&s, k_tshmem, NULL);
		c->file = minus(sum_keys(&s, k_tcache, NULL), c->shmem);
		c->swap = sum_keys(&s, k_tswap_v1, NULL);
	} else {
		/* v1: rss includes rss_huge, cache includes shmem */
		c->anon = sum_keys(&s, k_rss, NULL);
		c->shmem = sum_keys(&s, k_shmem, NULL);
		c->file = minus(sum_keys(&s, k_cache, NULL), c->shmem);
		c->swap = sum_keys(&s, k_swap_v1, NULL);
	}
	if (!c->kernel.set) {
		/* v1 has no kernel keys: kmem's usage is the kernel part */
		for (i = 0; i < r->ncounters; i++)
			if (!strcmp(r->counters[i].name, "kmem") && r->counters[i].usage.set) {
				c->kernel = r->counters[i].usage;
				strbuf_addstr(&parts, "kmem");
			}
	}
	if (parts.len)
		c->kernel_parts = strbuf_detach(&parts, NULL);
	strbuf_release(&parts);
	kv_sum_free(&s);
}

/* Mem-Info (bytes already scaled by the page size). */
static void read_made_of_meminfo(sqlite3 *db, int64_t cid, int64_t event,
				 struct composition *c)
{
	static const char *const k_anon[] = { "active_anon", "inactive_anon", NULL };
	static const char *const k_file[] = { "active_file", "inactive_file", NULL };
	static const char *const k_shmem[] = { "shmem", NULL };
	static const char *const k_kernel[] = {
		"slab_reclaimable", "slab_unreclaimable", "kernel_stack",
		"pagetables", "sec_pagetables", NULL,
	};
	static const char *const k_free[] = { "free", NULL };
	struct kv_sum s = { 0 };
	struct strbuf parts = STRBUF_INIT;

	kv_sum_read(db, "SELECT key, bytes FROM oom_meminfo"
		    " WHERE capture_id = ? AND event = ?", cid, event, &s);
	if (s.n) {
		c->anon = sum_keys(&s, k_anon, NULL);
		c->shmem = sum_keys(&s, k_shmem, NULL);
		/* shmem pages sit on the anon LRU lists */
		c->anon = minus(c->anon, c->shmem);
		c->file = sum_keys(&s, k_file, NULL);
		c->kernel = sum_keys(&s, k_kernel, &parts);
		c->free = sum_keys(&s, k_free, NULL);
		if (c->anon.set || c->file.set || c->kernel.set)
			c->source = "meminfo";
		if (parts.len)
			c->kernel_parts = strbuf_detach(&parts, NULL);
	}
	strbuf_release(&parts);
	kv_sum_free(&s);
}

static void read_details(sqlite3 *db, int64_t cid, struct oom_report *r)
{
	sqlite3_stmt *st;

	st = db_prepare(db, "SELECT counter, usage_bytes, limit_bytes, unlimited, failcnt"
			" FROM oom_memcg_counter WHERE capture_id = ? AND event = ?"
			" ORDER BY CASE counter WHEN 'memory' THEN 0 WHEN 'swap' THEN 1"
			" WHEN 'memory+swap' THEN 2 WHEN 'kmem' THEN 3 ELSE 4 END, counter");
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, r->event);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rep_counter *c;

		r->counters = xrealloc(r->counters, (r->ncounters + 1) * sizeof(*c));
		c = &r->counters[r->ncounters++];
		c->name = col_str(st, 0);
		c->usage = col_int(st, 1);
		c->limit = col_int(st, 2);
		c->unlimited = col_int(st, 3);
		c->failcnt = col_int(st, 4);
	}
	sqlite3_finalize(st);

	st = db_prepare(db, "SELECT count(*), sum(pid = ?3) FROM oom_task"
			" WHERE capture_id = ?1 AND event = ?2");
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, r->event);
	if (r->trigger_pid.set)
		sqlite3_bind_int64(st, 3, r->trigger_pid.v);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->ntasks = col_int(st, 0);
		r->trigger_in_table = sqlite3_column_int64(st, 1) > 0;
	}
	sqlite3_finalize(st);

	st = db_prepare(db, "SELECT pid, uid, rss_bytes, swap_bytes, oom_score_adj, name"
			" FROM oom_task WHERE capture_id = ? AND event = ?"
			" ORDER BY rss_bytes IS NULL, rss_bytes DESC, pid LIMIT ?");
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, r->event);
	sqlite3_bind_int(st, 3, OOM_TOP_TASKS);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rep_task *t;

		r->top = xrealloc(r->top, (r->ntop + 1) * sizeof(*t));
		t = &r->top[r->ntop++];
		t->pid = col_int(st, 0);
		t->uid = col_int(st, 1);
		t->rss = col_int(st, 2);
		t->swap = col_int(st, 3);
		t->adj = col_int(st, 4);
		t->name = col_str(st, 5);
	}
	sqlite3_finalize(st);

	st = db_prepare(db, "SELECT pid, comm FROM oom_kill WHERE capture_id = ? AND event = ?"
			" AND reason = 'oom_group' ORDER BY seq");
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, r->event);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rep_kill *k;

		r->group = xrealloc(r->group, (r->ngroup + 1) * sizeof(*k));
		k = &r->group[r->ngroup++];
		k->pid = col_int(st, 0);
		k->comm = col_str(st, 1);
	}
	sqlite3_finalize(st);

	st = db_prepare(db, "SELECT reaped FROM oom_kill WHERE capture_id = ? AND event = ?"
			" AND reason IN ('victim', 'reaped_only') ORDER BY seq LIMIT 1");
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, r->event);
	if (sqlite3_step(st) == SQLITE_ROW)
		r->reaped = col_int(st, 0);
	sqlite3_finalize(st);

	read_made_of_stats(db, cid, r);
	read_made_of_meminfo(db, cid, r->event,
			     r->kind && !strcmp(r->kind, "global") && !r->made_of.source ?
			     &r->made_of : &r->node);
}

static int read_reports(sqlite3 *db, int64_t cid, struct oom_report **ret,
			size_t *ret_n)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT v.capture_id, v.event, v.kernel_time, v.wall_time, v.trigger_comm, v.trigger_pid,"
		" v.\"constraint\", v.oom_memcg, v.task_memcg, v.killed_pid, v.killed_comm,"
		" v.uid, v.total_vm_bytes, v.anon_rss_bytes, v.file_rss_bytes,"
		" v.shmem_rss_bytes, v.pgtables_bytes, v.oom_score_adj,"
		" v.memcg_usage_bytes, v.memcg_limit_bytes, v.namespace, v.pod,"
		" v.container, v.complete,"
		" e.first_line, e.last_line, e.log_time, e.kind, e.pod_uid, e.container_id,"
		" e.missing, e.gfp_flags, e.gfp_mask, e.alloc_order, e.chosen_pid,"
		" e.chosen_comm, e.chosen_score, e.no_killable, e.oom_group_memcg,"
		" e.page_size, e.oomkill_pid, e.oomkill_task, e.victim_exiting,"
		" CASE WHEN v.wall_time IS NULL THEN NULL"
		"      WHEN v.wall_time IS e.log_wall_time THEN 'log' ELSE 'capture' END"
		" FROM oom_kills v JOIN oom_event e USING (capture_id, event)"
		" WHERE v.capture_id = ? ORDER BY v.event");
	struct oom_report *v = NULL;
	size_t n = 0, alloc = 0;

	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct oom_report *r;
		int c = 0;

		ALLOC_GROW(v, n + 1, alloc);
		r = &v[n++];
		memset(r, 0, sizeof(*r));
		r->capture_id = sqlite3_column_int64(st, c++);
		r->event = sqlite3_column_int64(st, c++);
		if (sqlite3_column_type(st, c) != SQLITE_NULL) {
			r->kernel_time = sqlite3_column_double(st, c);
			r->kernel_time_us.set = true;
		}
		c++;
		r->wall_time = col_str(st, c++);
		r->trigger_comm = col_str(st, c++);
		r->trigger_pid = col_int(st, c++);
		r->constraint = col_str(st, c++);
		r->oom_memcg = col_str(st, c++);
		r->task_memcg = col_str(st, c++);
		r->killed_pid = col_int(st, c++);
		r->killed_comm = col_str(st, c++);
		r->uid = col_int(st, c++);
		r->total_vm = col_int(st, c++);
		r->anon_rss = col_int(st, c++);
		r->file_rss = col_int(st, c++);
		r->shmem_rss = col_int(st, c++);
		r->pgtables = col_int(st, c++);
		r->adj = col_int(st, c++);
		r->memcg_usage = col_int(st, c++);
		r->memcg_limit = col_int(st, c++);
		r->namespace_ = col_str(st, c++);
		r->pod = col_str(st, c++);
		r->container = col_str(st, c++);
		r->complete = sqlite3_column_int(st, c++) != 0;
		r->first_line = col_int(st, c++);
		r->last_line = col_int(st, c++);
		r->log_time = col_str(st, c++);
		r->kind = col_str(st, c++);
		r->pod_uid = col_str(st, c++);
		r->container_id = col_str(st, c++);
		r->missing = col_str(st, c++);
		r->gfp_flags = col_str(st, c++);
		r->gfp_mask = col_str(st, c++);
		r->order = col_int(st, c++);
		r->chosen_pid = col_int(st, c++);
		r->chosen_comm = col_str(st, c++);
		r->chosen_score = col_int(st, c++);
		r->no_killable = col_int(st, c++);
		r->oom_group_memcg = col_str(st, c++);
		r->page_size = col_int(st, c++);
		r->oomkill_pid = col_int(st, c++);
		r->oomkill_task = col_str(st, c++);
		r->victim_exiting = col_int(st, c++);
		r->wall_source = col_str(st, c++);
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++)
		read_details(db, cid, &v[i]);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---- text ------------------------------------------------------------- */

static void esc(struct strbuf *sb, const char *s)
{
	term_escape(sb, s ? s : "?", strlen(s ? s : "?"));
}

static const char *hb(struct nint v, char *buf, size_t n)
{
	if (!v.set)
		return "?";
	return human_bytes(v.v < 0 ? 0 : (uint64_t)v.v, buf, n);
}

static void label(struct strbuf *sb, const char *name)
{
	strbuf_addf(sb, "  %-10s", name);
}

static void text_when(struct strbuf *sb, const struct oom_report *r)
{
	if (!r->wall_time && !r->kernel_time_us.set)
		return;
	label(sb, "when");
	if (r->wall_time) {
		esc(sb, r->wall_time);
		if (r->wall_source && !strcmp(r->wall_source, "log"))
			strbuf_addstr(sb, ends_with(r->wall_time, "Z") ? " (as logged)" :
				      " (as logged, node local time)");
		if (r->kernel_time_us.set)
			strbuf_addstr(sb, ", ");
	}
	if (r->kernel_time_us.set)
		strbuf_addf(sb, "%.6f s after boot", r->kernel_time);
	strbuf_addch(sb, '\n');
}

static void text_killed(struct strbuf *sb, const struct oom_report *r)
{
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	size_t i;

	label(sb, "killed");
	if (!r->killed_pid.set) {
		if (r->no_killable.set && r->no_killable.v) {
			strbuf_addstr(sb, "nobody: \"Out of memory and no killable processes\"\n");
		} else if (r->victim_exiting.set && r->victim_exiting.v) {
			strbuf_addstr(sb, "nobody: the task chosen, ");
			esc(sb, r->oomkill_task);
			if (r->oomkill_pid.set)
				strbuf_addf(sb, " (pid %" PRId64 ")", r->oomkill_pid.v);
			strbuf_addstr(sb, ", was already exiting\n");
		} else if (r->oomkill_pid.set && !r->chosen_pid.set) {
			strbuf_addstr(sb, "unknown: the log ends before the kill; chosen ");
			esc(sb, r->oomkill_task);
			strbuf_addf(sb, " (pid %" PRId64 ")\n", r->oomkill_pid.v);
		} else if (r->chosen_pid.set) {
			strbuf_addstr(sb, "unknown: the log ends before the kill; selected ");
			esc(sb, r->chosen_comm);
			strbuf_addf(sb, " (pid %" PRId64 ")", r->chosen_pid.v);
			if (r->chosen_score.set)
				strbuf_addf(sb, ", score %" PRId64, r->chosen_score.v);
			strbuf_addstr(sb, " (or a child of it)\n");
		} else {
			strbuf_addstr(sb, "unknown: no kill line in the log\n");
		}
		return;
	}
	esc(sb, r->killed_comm);
	strbuf_addf(sb, " (pid %" PRId64, r->killed_pid.v);
	if (r->uid.set)
		strbuf_addf(sb, ", uid %" PRId64, r->uid.v);
	if (r->adj.set)
		strbuf_addf(sb, ", oom_score_adj %" PRId64, r->adj.v);
	strbuf_addstr(sb, ")");
	if (r->reaped.set && r->reaped.v)
		strbuf_addstr(sb, ", its memory reaped by oom_reaper");
	strbuf_addch(sb, '\n');
	if (r->anon_rss.set || r->file_rss.set || r->total_vm.set) {
		label(sb, "");
		strbuf_addf(sb, "anon-rss %s, file-rss %s, shmem-rss %s; total-vm %s, page tables %s\n",
			    hb(r->anon_rss, b1, sizeof(b1)), hb(r->file_rss, b2, sizeof(b2)),
			    hb(r->shmem_rss, b3, sizeof(b3)), hb(r->total_vm, b4, sizeof(b4)),
			    hb(r->pgtables, b5, sizeof(b5)));
	}
	if (r->ngroup) {
		label(sb, "also");
		strbuf_addf(sb, "%zu kill%s for memory.oom.group of ", r->ngroup,
			    r->ngroup > 1 ? "s" : "");
		esc(sb, r->oom_group_memcg);
		strbuf_addstr(sb, ":");
		for (i = 0; i < r->ngroup; i++) {
			strbuf_addstr(sb, i ? ", " : " ");
			esc(sb, r->group[i].comm);
			if (r->group[i].pid.set)
				strbuf_addf(sb, " (pid %" PRId64 "%s)", r->group[i].pid.v,
					    r->killed_pid.set && r->group[i].pid.v == r->killed_pid.v ?
					    ", the victim again" : "");
		}
		strbuf_addch(sb, '\n');
	}
}

static void text_cgroup(struct strbuf *sb, const struct oom_report *r)
{
	bool global = r->kind && !strcmp(r->kind, "global");

	if (r->task_memcg || r->oom_memcg) {
		label(sb, "cgroup");
		esc(sb, r->task_memcg ? r->task_memcg : r->oom_memcg);
		if (r->task_memcg && r->oom_memcg && strcmp(r->task_memcg, r->oom_memcg)) {
			strbuf_addstr(sb, "\n");
			label(sb, "limit of");
			esc(sb, r->oom_memcg);
		}
		strbuf_addch(sb, '\n');
	}
	if (global) {
		label(sb, "scope");
		strbuf_addstr(sb, "the whole node ran out of memory (global OOM");
		if (r->constraint && strcmp(r->constraint, "CONSTRAINT_NONE")) {
			strbuf_addstr(sb, ", ");
			esc(sb, r->constraint);
		}
		strbuf_addstr(sb, ")\n");
	}
	if (r->pod || r->namespace_) {
		label(sb, "pod");
		esc(sb, r->namespace_);
		strbuf_addch(sb, '/');
		esc(sb, r->pod);
		if (r->container) {
			strbuf_addstr(sb, ", container ");
			esc(sb, r->container);
		}
		strbuf_addch(sb, '\n');
	} else if (r->pod_uid || r->container_id) {
		label(sb, r->pod_uid ? "pod" : "container");
		if (r->pod_uid) {
			strbuf_addstr(sb, "uid ");
			esc(sb, r->pod_uid);
		}
		if (r->container_id) {
			strbuf_addstr(sb, r->pod_uid ? ", container " : "id ");
			esc(sb, r->container_id);
		}
		strbuf_addstr(sb, r->pod_uid ? " (names need a capture)\n" : "\n");
	}
}

static void text_limits(struct strbuf *sb, const struct oom_report *r)
{
	char b1[32], b2[32];
	size_t i;

	for (i = 0; i < r->ncounters; i++) {
		const struct rep_counter *c = &r->counters[i];

		label(sb, i ? "" : "limit");
		esc(sb, c->name);
		strbuf_addf(sb, " %s", hb(c->usage, b1, sizeof(b1)));
		if (c->unlimited.set && c->unlimited.v)
			strbuf_addstr(sb, ", no limit");
		else if (c->limit.set) {
			strbuf_addf(sb, " of limit %s", hb(c->limit, b2, sizeof(b2)));
			if (c->usage.set && c->limit.v > 0)
				strbuf_addf(sb, " (%.0f%%)", 100.0 * (double)c->usage.v /
					    (double)c->limit.v);
		}
		if (c->failcnt.set && c->failcnt.v)
			strbuf_addf(sb, ", hit %" PRId64 " time%s", c->failcnt.v,
				    c->failcnt.v == 1 ? "" : "s");
		strbuf_addch(sb, '\n');
	}
}

static void text_composition(struct strbuf *sb, const char *name,
			     const struct composition *c, const struct oom_report *r)
{
	char b[32];

	if (!c->source)
		return;
	label(sb, name);
	strbuf_addf(sb, "anon %s", hb(c->anon, b, sizeof(b)));
	strbuf_addf(sb, ", page cache %s", hb(c->file, b, sizeof(b)));
	strbuf_addf(sb, ", shmem %s", hb(c->shmem, b, sizeof(b)));
	strbuf_addf(sb, ", kernel %s", hb(c->kernel, b, sizeof(b)));
	if (c->kernel_parts) {
		strbuf_addstr(sb, " (");
		esc(sb, c->kernel_parts);
		strbuf_addstr(sb, ")");
	}
	if (c->sock.set && c->sock.v)
		strbuf_addf(sb, ", socket buffers %s", hb(c->sock, b, sizeof(b)));
	if (c->swap.set && c->swap.v)
		strbuf_addf(sb, ", swapped out %s", hb(c->swap, b, sizeof(b)));
	if (c->free.set)
		strbuf_addf(sb, ", free %s", hb(c->free, b, sizeof(b)));
	strbuf_addch(sb, '\n');
	label(sb, "");
	if (!strcmp(c->source, "stats")) {
		strbuf_addstr(sb, "from \"Memory cgroup stats for ");
		esc(sb, c->cgroup);
		strbuf_addstr(sb, "\"");
		if (c->nblocks > 1)
			strbuf_addf(sb, " and %zu cgroups below it", c->nblocks - 1);
		if (r->memcg_usage.set) {
			struct nint parts[] = { c->anon, c->file, c->shmem, c->kernel, c->sock };
			int64_t sum = 0;
			size_t i;

			for (i = 0; i < ARRAY_SIZE(parts); i++)
				sum += parts[i].set ? parts[i].v : 0;
			strbuf_addf(sb, "; together %s", human_bytes((uint64_t)sum, b, sizeof(b)));
			strbuf_addf(sb, " of the %s charged", hb(r->memcg_usage, b, sizeof(b)));
		}
	} else {
		strbuf_addstr(sb, "from Mem-Info: the whole node");
	}
	strbuf_addch(sb, '\n');
}

/* Was the victim the task that asked for memory? */
static void text_trigger(struct strbuf *sb, const struct oom_report *r)
{
	bool same_name = r->trigger_comm && r->killed_comm &&
			 !strcmp(r->trigger_comm, r->killed_comm);

	if (!r->trigger_comm && !r->trigger_pid.set)
		return;
	label(sb, "trigger");
	esc(sb, r->trigger_comm);
	if (r->trigger_pid.set)
		strbuf_addf(sb, " (pid %" PRId64 ")", r->trigger_pid.v);
	strbuf_addstr(sb, " asked for memory");
	if (r->gfp_flags || r->gfp_mask || r->order.set) {
		strbuf_addstr(sb, " (");
		esc(sb, r->gfp_flags ? r->gfp_flags : r->gfp_mask);
		if (r->order.set)
			strbuf_addf(sb, ", order %" PRId64, r->order.v);
		strbuf_addstr(sb, ")");
	}
	strbuf_addch(sb, '\n');
	if (!r->killed_pid.set)
		return;
	label(sb, "victim");
	if (r->trigger_pid.set && r->trigger_pid.v == r->killed_pid.v)
		strbuf_addstr(sb, "the trigger itself\n");
	else if (r->trigger_pid.set && r->trigger_in_table)
		strbuf_addstr(sb, "a bystander: the trigger is another process\n");
	else if (r->trigger_pid.set && same_name)
		strbuf_addstr(sb, "probably the trigger's own process (the trigger pid is"
			      " a thread with the victim's name)\n");
	else if (same_name)
		strbuf_addstr(sb, "probably the trigger itself (same name)\n");
	else if (r->trigger_pid.set && r->ntasks.set && r->ntasks.v > 0)
		strbuf_addstr(sb, "unknown: the trigger pid is a thread of a process"
			      " the report does not name\n");
	else
		strbuf_addstr(sb, "unknown: a bystander, or a thread of the trigger's"
			      " process\n");
}

static void text_tasks(struct strbuf *sb, const struct oom_report *r)
{
	char b1[32], b2[32];
	size_t i;

	label(sb, "tasks");
	if (!r->ntasks.set || r->ntasks.v == 0) {
		strbuf_addstr(sb, "none in the log\n");
		return;
	}
	strbuf_addf(sb, "%" PRId64 " in the report", r->ntasks.v);
	strbuf_addf(sb, r->ntasks.v > (int64_t)r->ntop ? "; the %zu largest by rss:\n" :
		    ", by rss:\n", r->ntop);
	strbuf_addf(sb, "  %12s %8s %10s %10s %6s  %s\n", "PID", "UID", "RSS", "SWAP",
		    "ADJ", "NAME");
	for (i = 0; i < r->ntop; i++) {
		const struct rep_task *t = &r->top[i];

		strbuf_addch(sb, ' ');
		strbuf_addch(sb, ' ');
		if (t->pid.set)
			strbuf_addf(sb, "%12" PRId64, t->pid.v);
		else
			strbuf_addf(sb, "%12s", "?");
		if (t->uid.set)
			strbuf_addf(sb, " %8" PRId64, t->uid.v);
		else
			strbuf_addf(sb, " %8s", "?");
		strbuf_addf(sb, " %10s %10s", hb(t->rss, b1, sizeof(b1)),
			    hb(t->swap, b2, sizeof(b2)));
		if (t->adj.set)
			strbuf_addf(sb, " %6" PRId64, t->adj.v);
		else
			strbuf_addf(sb, " %6s", "?");
		strbuf_addstr(sb, "  ");
		esc(sb, t->name);
		if (t->pid.set && r->killed_pid.set && t->pid.v == r->killed_pid.v)
			strbuf_addstr(sb, "  <- killed");
		if (t->pid.set && r->trigger_pid.set && t->pid.v == r->trigger_pid.v)
			strbuf_addstr(sb, r->killed_pid.set && t->pid.v == r->killed_pid.v ?
				      ", trigger" : "  <- trigger");
		strbuf_addch(sb, '\n');
	}
}

static void render_text(struct strbuf *sb, const struct oom_report *v, size_t n,
			const char *input)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct oom_report *r = &v[i];
		const char *what = !r->kind ? "out of memory" :
				   !strcmp(r->kind, "memcg") ? "a memory cgroup hit its limit" :
				   "the node ran out of memory";

		if (i)
			strbuf_addch(sb, '\n');
		strbuf_addf(sb, "OOM event %" PRId64 " of %zu: %s (", r->event, n, what);
		esc(sb, input);
		if (r->first_line.set && r->last_line.set)
			strbuf_addf(sb, ", lines %" PRId64 "-%" PRId64, r->first_line.v,
				    r->last_line.v);
		strbuf_addstr(sb, ")\n");
		if (!r->complete) {
			strbuf_addstr(sb, "  INCOMPLETE: the log holds only part of this report: ");
			esc(sb, r->missing);
			strbuf_addch(sb, '\n');
		}
		text_when(sb, r);
		text_killed(sb, r);
		text_cgroup(sb, r);
		text_limits(sb, r);
		text_composition(sb, "made of", &r->made_of, r);
		if (!r->made_of.source && r->kind && !strcmp(r->kind, "memcg")) {
			label(sb, "made of");
			strbuf_addstr(sb, "unknown: no \"Memory cgroup stats\" in the log\n");
		}
		text_composition(sb, "node", &r->node, r);
		text_trigger(sb, r);
		text_tasks(sb, r);
	}
}

/* ---- JSON --------------------------------------------------------------- */

static void json_nint(struct jsonw *w, const char *name, struct nint v)
{
	jsonw_name(w, name);
	if (v.set)
		jsonw_i64(w, v.v);
	else
		jsonw_null(w);
}

static void render_json(struct strbuf *sb, const struct oom_report *v, size_t n)
{
	struct jsonw w;
	size_t i;

	jsonw_init(&w, sb, true);
	jsonw_start_array(&w);
	for (i = 0; i < n; i++) {
		const struct oom_report *r = &v[i];

		jsonw_start_object(&w);
		jsonw_kv_i64(&w, "capture_id", r->capture_id);
		jsonw_kv_i64(&w, "event", r->event);
		jsonw_name(&w, "kernel_time");
		if (r->kernel_time_us.set)
			jsonw_double(&w, r->kernel_time, 6);
		else
			jsonw_null(&w);
		jsonw_kv_string(&w, "wall_time", r->wall_time);
		jsonw_kv_string(&w, "trigger_comm", r->trigger_comm);
		json_nint(&w, "trigger_pid", r->trigger_pid);
		jsonw_kv_string(&w, "constraint", r->constraint);
		jsonw_kv_string(&w, "oom_memcg", r->oom_memcg);
		jsonw_kv_string(&w, "task_memcg", r->task_memcg);
		json_nint(&w, "killed_pid", r->killed_pid);
		jsonw_kv_string(&w, "killed_comm", r->killed_comm);
		json_nint(&w, "uid", r->uid);
		json_nint(&w, "total_vm_bytes", r->total_vm);
		json_nint(&w, "anon_rss_bytes", r->anon_rss);
		json_nint(&w, "file_rss_bytes", r->file_rss);
		json_nint(&w, "shmem_rss_bytes", r->shmem_rss);
		json_nint(&w, "pgtables_bytes", r->pgtables);
		json_nint(&w, "oom_score_adj", r->adj);
		json_nint(&w, "memcg_usage_bytes", r->memcg_usage);
		json_nint(&w, "memcg_limit_bytes", r->memcg_limit);
		jsonw_kv_string(&w, "namespace", r->namespace_);
		jsonw_kv_string(&w, "pod", r->pod);
		jsonw_kv_string(&w, "container", r->container);
		jsonw_kv_bool(&w, "complete", r->complete);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	strbuf_addch(sb, '\n');
}

/* ---- the command -------------------------------------------------------- */

static int read_input(const char *path, uint64_t max, struct strbuf *sb)
{
	int fd, r;

	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return -errno;
	}
	r = read_fd_all(fd, sb, (size_t)MIN(max, (uint64_t)SIZE_MAX - 1));
	if (fd != STDIN_FILENO)
		close(fd);
	return r;
}

static int insert_capture(sqlite3 *db, const char *input, unsigned page_size,
			  int64_t *ret, char **ret_err)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO capture (capture_key, source, page_size, complete)"
		" VALUES (?, ?, ?, 1)");
	struct strbuf key = STRBUF_INIT;
	int r;

	strbuf_addf(&key, "oom:%s", input);
	db_bind_text(st, 1, key.buf);
	db_bind_text(st, 2, input);
	if (page_size)
		sqlite3_bind_int64(st, 3, page_size);
	r = db_step_reset(st);
	if (r < 0 && ret_err)
		*ret_err = xstrdup(sqlite3_errmsg(db));
	sqlite3_finalize(st);
	strbuf_release(&key);
	*ret = sqlite3_last_insert_rowid(db);
	return r;
}

static int save_db(sqlite3 *db, const char *path, char **ret_err)
{
	sqlite3_stmt *st = db_prepare(db, "VACUUM INTO ?");
	int r;

	unlink(path);
	db_bind_text(st, 1, path);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (r < 0 && ret_err)
		*ret_err = xstrdup(sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return r;
}

enum { OPT_JSON = 0x100, OPT_PAGE_SIZE, OPT_MAX_SIZE, OPT_DB };

int cmd_oom(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "db", required_argument, NULL, OPT_DB },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct oom_log log;
	struct oom_report *reports = NULL;
	size_t nreports = 0, i;
	sqlite3 *db = NULL;
	char *err = NULL;
	const char *path, *input, *db_path = NULL;
	uint64_t max = OOM_DEFAULT_MAX_INPUT, page_size = 0;
	int64_t capture_id = 0;
	bool json = false;
	int opt, r, ret = EXIT_FATAL;

	memset(&log, 0, sizeof(log));
	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_PAGE_SIZE:
			if (parse_size_arg(optarg, &page_size) < 0 || page_size < 512 ||
			    page_size > (1u << 20) || (page_size & (page_size - 1))) {
				error("invalid --page-size '%s': a power of two from 512 to 1M",
				      optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_MAX_SIZE:
			if (parse_size_arg(optarg, &max) < 0 || !max) {
				error("invalid --max-size '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_DB:
			db_path = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		error(argc - optind ? "one input only, got %d" : "no input: give a FILE or -",
		      argc - optind);
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	path = argv[optind];
	input = !strcmp(path, "-") ? "<stdin>" : path;

	r = read_input(path, max, &in);
	if (r == -EFBIG) {
		error("'%s' is larger than %" PRIu64 " bytes; see --max-size", input, max);
		goto out;
	}
	if (r < 0) {
		error("cannot read '%s': %s", input, strerror(-r));
		goto out;
	}
	if (oom_log_parse(in.buf, in.len, (unsigned)page_size, &log) < 0) {
		error("cannot parse '%s'", input);
		goto out;
	}
	if (db_open(":memory:", true, &db, &err) < 0 ||
	    db_exec(db, "BEGIN", &err) < 0 ||
	    insert_capture(db, input, (unsigned)page_size, &capture_id, &err) < 0 ||
	    oom_store(db, capture_id, &log, &err) < 0 ||
	    db_exec(db, "COMMIT", &err) < 0) {
		error("cannot store the OOM events of '%s': %s", input, err ? err : "?");
		goto out;
	}
	if (db_path && save_db(db, db_path, &err) < 0) {
		error("cannot write '%s': %s", db_path, err ? err : "?");
		goto out;
	}
	read_reports(db, capture_id, &reports, &nreports);
	if (log.events_dropped)
		warning("'%s' holds more than %d OOM reports; %zu not shown",
			input, OOM_MAX_EVENTS, log.events_dropped);
	if (log.tasks_dropped)
		warning("'%s' holds more than %d task-table rows; %zu skipped",
			input, OOM_MAX_TASKS, log.tasks_dropped);
	if (json)
		render_json(&out, reports, nreports);
	else if (nreports)
		render_text(&out, reports, nreports, input);
	r = write_all(STDOUT_FILENO, out.buf, out.len);
	if (r < 0 && r != -EPIPE) {   /* EPIPE: the reader left (main.c) */
		error("cannot write 'standard output': %s", strerror(-r));
		goto out;
	}
	if (!nreports) {
		error("no OOM event found in '%s' (%zu lines read)", input, log.lines);
		ret = EXIT_PROBLEMS;
		goto out;
	}
	ret = EXIT_OK;
out:
	for (i = 0; i < nreports; i++)
		report_free(&reports[i]);
	free(reports);
	db_close(db);
	free(err);
	oom_log_free(&log);
	strbuf_release(&in);
	strbuf_release(&out);
	return ret;
}
