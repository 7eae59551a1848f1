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
	struct parsed_file own, *pf = parsed_get(f, kind, &own);
	enum table_id t = kind == PARSED_STATUS ? T_PROC_STATUS : T_PROC_SMAPS;
	sqlite3_stmt *st;
	int c;

	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	st = row_start(l, t, &c);
	sqlite3_bind_int64(st, c + 1, l->capture_id);
	sqlite3_bind_int64(st, c + 2, f->pid);
	row_bind(l, t, st, c + 3, &pf->u);
	row_done(l, t, st);
	put_extras(l, f->pid, f->name, &pf->extras);
	if (kind == PARSED_STATUS)
		l->stats->processes++;
out:
	parsed_put(pf, &own);
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
	int c;

	if (!l->misc.pid)
		return;
	if (l->misc.oom_score_adj_set || l->misc.cmdline || l->misc.memcg) {
		st = row_start(l, T_PROC_MISC, &c);
		sqlite3_bind_int64(st, c + 1, l->capture_id);
		sqlite3_bind_int64(st, c + 2, l->misc.pid);
		if (l->misc.oom_score_adj_set)
			sqlite3_bind_int64(st, c + 3, l->misc.oom_score_adj);
		else
			sqlite3_bind_null(st, c + 3);
		row_text_len(l, T_PROC_MISC, st, c + 4, l->misc.cmdline,
			     l->misc.cmdline_len);
		row_text(l, T_PROC_MISC, st, c + 5, l->misc.memcg);
		row_done(l, T_PROC_MISC, st);
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
	struct parsed_file own, *pf = parsed_get(f, PARSED_PROC_CGROUP, &own);
	const struct proc_cgroup *cg = &pf->u.cgroup;
	const char *memcg;
	sqlite3_stmt *st;
	size_t i;

	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	if (l->raw) {
		strbuf_reset(&l->tmp);
		strbuf_addch(&l->tmp, '[');
		for (i = 0; i < cg->n; i++) {
			strbuf_add(&l->tmp, i ? ",[" : "[", i ? 2 : 1);
			strbuf_add_u64(&l->tmp, cg->v[i].hierarchy);
			strbuf_addch(&l->tmp, ',');
			json_escape_bytes(&l->tmp, cg->v[i].controllers,
					  strlen(cg->v[i].controllers));
			strbuf_addch(&l->tmp, ',');
			json_escape_bytes(&l->tmp, cg->v[i].path, strlen(cg->v[i].path));
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
	memcg = proc_cgroup_memory_path(cg);
	if (memcg) {
		bool v2_line = false;

		for (i = 0; i < cg->n; i++)
			if (cg->v[i].path == memcg && cg->v[i].hierarchy == 0)
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
	parsed_put(pf, &own);
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
