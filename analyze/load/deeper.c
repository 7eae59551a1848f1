/* SPDX-License-Identifier: MIT */
/*
 * Issue 16's node files: proc/cgroups (cgroup_subsys), collector/tmpfs.txt
 * (tmpfs_mount) and collector/heap/<pid>.json (proc_heap), into the tables
 * of schema/88-deeper.sql.
 */
#include "analyze/load/loader.h"

#include <string.h>

#include "analyze/db/db.h"

#include "common/banned.h"

void load_proc_cgroups(struct loader *l, const struct file_in *f)
{
	struct proc_cgroups c = { 0 };
	struct parse_diag d = { 0 };
	int r = parse_proc_cgroups(f->buf, f->len, &c, &d);

	if (r < 0)
		note_diag(l, f->path, r, &d);
	else
		note_skipped(l, f->path, &d);
	put_rows(l, T_CG_SUBSYS, NULL, c.v, c.n, sizeof(*c.v));
	proc_cgroups_free(&c);
}

void load_tmpfs(struct loader *l, const struct file_in *f)
{
	struct tmpfs_usage t = { 0 };
	struct parse_diag d = { 0 };
	int r = parse_tmpfs_usage(f->buf, f->len, &t, &d);

	if (r < 0)
		note_diag(l, f->path, r, &d);
	else
		note_skipped(l, f->path, &d);
	put_rows(l, T_TMPFS, NULL, t.v, t.n, sizeof(*t.v));
	tmpfs_usage_free(&t);
}

/*
 * collector/heap/<pid>.json: its settings in the order the runtime reads
 * them, the last one winning (parse_heap_flags()): JAVA_TOOL_OPTIONS and
 * JDK_JAVA_OPTIONS before the command line, _JAVA_OPTIONS after it (it
 * overrides it); NODE_OPTIONS before the command line.  The JSON is read
 * by SQLite's json functions, which the schema relies on anyway.
 */
static const char heap_sql[] =
	"SELECT json_extract(?1, '$.pid'), json_extract(?1, '$.runtime'), "
	"coalesce(json_extract(?1, '$.env.JAVA_TOOL_OPTIONS'), '') || ' ' || "
	"coalesce(json_extract(?1, '$.env.JDK_JAVA_OPTIONS'), '') || ' ' || "
	"coalesce(json_extract(?1, '$.env.NODE_OPTIONS'), '') || ' ' || "
	"coalesce((SELECT group_concat(value, ' ') FROM json_each(?1, '$.args')), '') "
	"|| ' ' || coalesce(json_extract(?1, '$.env._JAVA_OPTIONS'), '') "
	"WHERE json_valid(?1) AND json_type(?1, '$.pid') = 'integer'";

void load_heap(struct loader *l, const struct file_in *f)
{
	sqlite3_stmt *q = db_prepare(l->db, heap_sql);
	struct heap_flags h = { 0 };
	struct parse_diag d = { 0 };
	sqlite3_stmt *st;
	const char *all;

	db_bind_text_len(q, 1, f->buf, f->len);
	if (sqlite3_step(q) != SQLITE_ROW) {
		add_problem(l, f->path, "cannot parse: not a JSON object with a pid");
		goto out;
	}
	all = (const char *)sqlite3_column_text(q, 2);
	parse_heap_flags(all ? all : "", all ? strlen(all) : 0, &h, &d);
	st = S(l, T_PROC_HEAP);
	sqlite3_bind_int64(st, 1, l->capture_id);
	sqlite3_bind_int64(st, 2, sqlite3_column_int64(q, 0));
	sqlite3_bind_value(st, 3, sqlite3_column_value(q, 1));
	rows_bind(st, 4, &row_specs[T_PROC_HEAP], &h);
	put(l, st);
out:
	sqlite3_finalize(q);
}
