/* SPDX-License-Identifier: MIT */
/*
 * The node: proc/meminfo, proc/vmstat, proc/pressure/memory and the
 * settings (proc/sys/..., THP), into node_meminfo, node_vmstat,
 * node_pressure and node_setting (schema/55-node.sql).  The key/value and
 * PSI loaders serve a cgroup's files too (cgroup_event, cgroup_pressure):
 * with f->cgroup set, its rows name the cgroup (and, for key/value rows,
 * the file).
 */
#include "analyze/load/loader.h"

#include <string.h>

#include "analyze/db/db.h"

#include "common/banned.h"

static void put_kv_rows(struct loader *l, const struct file_in *f,
			const struct kv_list *kv)
{
	enum table_id t = f->route->table;
	size_t i;

	for (i = 0; i < kv->n; i++) {
		int c;
		sqlite3_stmt *st = row_start(l, t, &c);

		sqlite3_bind_int64(st, ++c, l->capture_id);
		if (f->cgroup) {
			row_text(l, t, st, ++c, f->cgroup);
			row_text(l, t, st, ++c, f->name);
		}
		row_text(l, t, st, ++c, kv->v[i].key);
		db_bind_u64(st, ++c, kv->v[i].value);
		row_done(l, t, st);
	}
}

static void load_kv_with(struct loader *l, const struct file_in *f,
			 enum parsed_kind kind)
{
	struct parsed_file own, *pf = parsed_get(f, kind, &own);

	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r == 0)
		put_kv_rows(l, f, &pf->u.kv);
	parsed_put(pf, &own);
}

/* vmstat, memory.events, memory.swap.events, cgroup.stat, memory.oom_control */
void load_kv_rows(struct loader *l, const struct file_in *f)
{
	load_kv_with(l, f, PARSED_KV);
}

void load_meminfo(struct loader *l, const struct file_in *f)
{
	load_kv_with(l, f, PARSED_MEMINFO);
}

void load_psi(struct loader *l, const struct file_in *f)
{
	const struct psi_line *lines[2];
	static const char *const kinds[2] = { "some", "full" };
	struct parsed_file own, *pf = parsed_get(f, PARSED_PSI, &own);
	sqlite3_stmt *st;
	int k;

	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r != 0)
		goto out;
	lines[0] = &pf->u.psi.some;
	lines[1] = &pf->u.psi.full;
	st = S(l, f->route->table);
	for (k = 0; k < 2; k++) {
		int c = 1;

		if (!lines[k]->set)
			continue;
		sqlite3_bind_int64(st, c++, l->capture_id);
		if (f->cgroup)
			db_bind_text(st, c++, f->cgroup);
		db_bind_text(st, c++, kinds[k]);
		rows_bind(st, c, &row_specs[f->route->table], lines[k]);
		put(l, st);
	}
out:
	parsed_put(pf, &own);
}

void load_setting(struct loader *l, const struct file_in *f)
{
	sqlite3_stmt *st = S(l, T_NODE_SETTING);
	const char *s;
	size_t n;

	parse_setting(f->buf, f->len, &s, &n);
	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text(st, 2, f->path);
	db_bind_text_len(st, 3, s, n);
	put(l, st);
}
