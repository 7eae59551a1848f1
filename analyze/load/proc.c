/* SPDX-License-Identifier: MIT */
/*
 * Processes: proc/<pid>/status, smaps_rollup, cgroup, oom_score_adj,
 * cmdline, and collector/go/<pid>.json, into proc_status, proc_smaps,
 * proc_extra, proc_cgroup_data, proc_misc and proc_go (schema/20-proc.sql).
 */
#include "analyze/load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"

#include "common/banned.h"

/* The keys without a column, as one JSON object (proc_extra's keys). */
static void extras_json(struct strbuf *sb, const struct kv_extras *x)
{
	size_t i;

	strbuf_addch(sb, '{');
	for (i = 0; i < x->n; i++) {
		const char *v = x->v[i].value ? x->v[i].value : "";

		if (i)
			strbuf_addch(sb, ',');
		json_escape(sb, x->v[i].key, strlen(x->v[i].key));
		strbuf_addch(sb, ':');
		json_escape(sb, v, strlen(v));
	}
	strbuf_addch(sb, '}');
}

/*
 * A status or smaps_rollup file parsed, with its extra keys as JSON: on the
 * reader thread when there is one (route.ahead, through prefetch_hooks:
 * parsing is a fifth of the loading thread's work otherwise), else by the
 * loader itself.
 */
enum parsed_kind { PARSED_STATUS = 1, PARSED_SMAPS };

struct parsed_file {
	enum parsed_kind kind;
	int r;                      /* the parser's result */
	struct parse_diag d;
	union {
		struct proc_status status;
		struct smaps_rollup smaps;
	} u;
	struct strbuf extras;       /* JSON; empty when no extra keys */
};

static void parsed_file_fill(struct parsed_file *pf, enum parsed_kind kind,
			     const char *buf, size_t len)
{
	const struct kv_extras *x;

	memset(pf, 0, sizeof(*pf));
	pf->kind = kind;
	strbuf_init(&pf->extras, 0);
	if (kind == PARSED_STATUS) {
		pf->r = parse_status(buf, len, &pf->u.status, &pf->d);
		x = &pf->u.status.extra;
	} else {
		pf->r = parse_smaps_rollup(buf, len, &pf->u.smaps, &pf->d);
		x = &pf->u.smaps.extra;
	}
	if (pf->r >= 0 && x->n)
		extras_json(&pf->extras, x);
}

static void parsed_file_release(struct parsed_file *pf)
{
	if (pf->kind == PARSED_STATUS)
		proc_status_free(&pf->u.status);
	else if (pf->kind == PARSED_SMAPS)
		smaps_rollup_free(&pf->u.smaps);
	strbuf_release(&pf->extras);
}

static struct parsed_file *parse_ahead(enum parsed_kind kind, const char *buf,
				       size_t len)
{
	struct parsed_file *pf = xmalloc(sizeof(*pf));

	parsed_file_fill(pf, kind, buf, len);
	return pf;
}

struct parsed_file *parse_status_ahead(const char *buf, size_t len)
{
	return parse_ahead(PARSED_STATUS, buf, len);
}

/* An empty rollup (kernel threads, zombies) is not loaded: not parsed. */
struct parsed_file *parse_smaps_ahead(const char *buf, size_t len)
{
	return len ? parse_ahead(PARSED_SMAPS, buf, len) : NULL;
}

void parsed_file_free(void *p)
{
	if (!p)
		return;
	parsed_file_release(p);
	free(p);
}

/* The file parsed ahead when it is of that kind, else parsed now into own. */
static struct parsed_file *parsed_get(const struct file_in *f, enum parsed_kind kind,
				      struct parsed_file *own)
{
	if (f->ahead && f->ahead->kind == kind)
		return f->ahead;
	parsed_file_fill(own, kind, f->buf, f->len);
	return own;
}

static void put_extras(struct loader *l, int64_t pid, const char *file,
		       const struct strbuf *json)
{
	sqlite3_stmt *st;

	if (!json->len || !l->raw)
		return;
	st = S(l, T_PROC_EXTRA);
	sqlite3_bind_int64(st, 1, l->capture_id);
	sqlite3_bind_int64(st, 2, pid);
	db_bind_text(st, 3, file);
	db_bind_text_len(st, 4, json->buf, json->len);
	put(l, st);
}

/* status and smaps_rollup: a row of columns, and the other keys' JSON */
static void load_parsed(struct loader *l, const struct file_in *f,
			enum parsed_kind kind)
{
	struct parsed_file own = { 0 }, *pf = parsed_get(f, kind, &own);
	enum table_id t = kind == PARSED_STATUS ? T_PROC_STATUS : T_PROC_SMAPS;
	sqlite3_stmt *st;

	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	st = S(l, t);
	sqlite3_bind_int64(st, 1, l->capture_id);
	sqlite3_bind_int64(st, 2, f->pid);
	rows_bind(st, 3, &row_specs[t], &pf->u);
	put(l, st);
	put_extras(l, f->pid, f->name, &pf->extras);
	if (kind == PARSED_STATUS)
		l->stats->processes++;
out:
	if (pf == &own)
		parsed_file_release(&own);
}

void load_status(struct loader *l, const struct file_in *f)
{
	load_parsed(l, f, PARSED_STATUS);
}

void load_smaps(struct loader *l, const struct file_in *f)
{
	if (f->len == 0)
		return;   /* kernel threads and zombies have an empty rollup */
	load_parsed(l, f, PARSED_SMAPS);
}

/* Store what proc_misc has of the process read last, in one row. */
void flush_misc(struct loader *l)
{
	sqlite3_stmt *st;
	char path[40];

	if (!l->misc.pid)
		return;
	if (l->misc.oom_score_adj_set || l->misc.cmdline || l->misc.memcg) {
		st = S(l, T_PROC_MISC);
		sqlite3_bind_int64(st, 1, l->capture_id);
		sqlite3_bind_int64(st, 2, l->misc.pid);
		if (l->misc.oom_score_adj_set)
			sqlite3_bind_int64(st, 3, l->misc.oom_score_adj);
		if (l->misc.cmdline)
			db_bind_text_len(st, 4, l->misc.cmdline, l->misc.cmdline_len);
		db_bind_text(st, 5, l->misc.memcg);
		xsnprintf(path, sizeof(path), "proc/%lld", (long long)l->misc.pid);
		put_for(l, st, path);
	}
	free(l->misc.cmdline);
	free(l->misc.memcg);
	memset(&l->misc, 0, sizeof(l->misc));
}

/* proc_misc's pending row for pid: the last one's is stored first. */
static void misc_for(struct loader *l, int64_t pid)
{
	if (l->misc.pid != pid) {
		flush_misc(l);
		l->misc.pid = pid;
	}
}

void load_proc_cgroup(struct loader *l, const struct file_in *f)
{
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };
	const char *memcg;
	sqlite3_stmt *st;
	size_t i;
	int r;

	r = parse_proc_cgroup(f->buf, f->len, &c, &d);
	note_diag(l, f->path, r, &d);
	if (r < 0)
		goto out;
	if (l->raw) {
		strbuf_reset(&l->tmp);
		strbuf_addch(&l->tmp, '[');
		for (i = 0; i < c.n; i++) {
			strbuf_add(&l->tmp, i ? ",[" : "[", i ? 2 : 1);
			strbuf_add_u64(&l->tmp, c.v[i].hierarchy);
			strbuf_addch(&l->tmp, ',');
			json_escape_bytes(&l->tmp, c.v[i].controllers,
					  strlen(c.v[i].controllers));
			strbuf_addch(&l->tmp, ',');
			json_escape_bytes(&l->tmp, c.v[i].path, strlen(c.v[i].path));
			strbuf_addch(&l->tmp, ']');
		}
		strbuf_addch(&l->tmp, ']');
		st = S(l, T_PROC_CGROUP);
		sqlite3_bind_int64(st, 1, l->capture_id);
		sqlite3_bind_int64(st, 2, f->pid);
		db_bind_text_len(st, 3, l->tmp.buf, l->tmp.len);
		put(l, st);
	}
	/*
	 * On hybrid systems the "0::" line names the unified hierarchy, which
	 * has no memory controller: only take it when the memory hierarchy is
	 * v2.  proc_cgroup_memory_path() prefers the v1 memory line.
	 */
	memcg = proc_cgroup_memory_path(&c);
	if (memcg) {
		bool v2_line = false;

		for (i = 0; i < c.n; i++)
			if (c.v[i].path == memcg && c.v[i].hierarchy == 0)
				v2_line = true;
		if (v2_line && l->cgroup_mode && strcmp(l->cgroup_mode, "v2"))
			memcg = NULL;
	}
	if (memcg) {
		misc_for(l, f->pid);
		free(l->misc.memcg);
		l->misc.memcg = xstrdup(memcg);
	}
out:
	proc_cgroup_free(&c);
}

void load_oom_score_adj(struct loader *l, const struct file_in *f)
{
	struct parse_diag d = { 0 };
	int64_t v;
	int r;

	r = parse_oom_score_adj(f->buf, f->len, &v, &d);
	note_diag(l, f->path, r, &d);
	if (r < 0)
		return;
	misc_for(l, f->pid);
	l->misc.oom_score_adj_set = true;
	l->misc.oom_score_adj = v;
}

void load_cmdline(struct loader *l, const struct file_in *f)
{
	misc_for(l, f->pid);
	free(l->misc.cmdline);
	parse_cmdline(f->buf, f->len, &l->misc.cmdline, &l->misc.cmdline_len);
}

void load_go(struct loader *l, const struct file_in *f)
{
	struct go_info g = { 0 };
	struct parse_diag d = { 0 };
	sqlite3_stmt *st;
	int r;

	r = parse_go_info(f->buf, f->len, &g, &d);
	if (r < 0) {
		note_diag(l, f->path, r, &d);
		goto out;
	}
	note_skipped(l, f->path, &d);
	st = S(l, T_PROC_GO);
	sqlite3_bind_int64(st, 1, l->capture_id);
	sqlite3_bind_int64(st, 2, g.pid);
	rows_bind(st, 3, &row_specs[T_PROC_GO], &g);
	put(l, st);
out:
	go_info_free(&g);
}
