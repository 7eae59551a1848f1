/* SPDX-License-Identifier: MIT */
/*
 * BPF maps: the fdinfo of each map a process holds (proc/<pid>/fdinfo/<fd>,
 * bpf_fdinfo) and bpftool's list (collector/bpftool-map.json, bpftool_map
 * and bpftool_map_pid; schema/50-bpf.sql).
 */
#include "analyze/load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"

#include "common/banned.h"

/*
 * A map id a row stores (ids past INT64_MAX are stored NULL: not a map the
 * view names).  Counted here rather than by a query of the three tables
 * at the load's end: a UNION over them was 2% of a fleet capture's writer.
 */
static void map_seen(struct loader *l, struct kv_u64 id)
{
	if (!id.set || id.v > (uint64_t)INT64_MAX)
		return;
	ALLOC_GROW(l->map_ids, l->map_ids_n + 1, l->map_ids_alloc);
	l->map_ids[l->map_ids_n++] = id.v;
}

uint64_t bpf_maps_count(struct loader *l)
{
	uint64_t n = 0;
	size_t i;

	if (!l->map_ids_n)
		return 0;
	qsort(l->map_ids, l->map_ids_n, sizeof(*l->map_ids), cmp_u64);
	for (i = 0; i < l->map_ids_n; i++)
		n += !i || l->map_ids[i] != l->map_ids[i - 1];
	return n;
}

/*
 * PRAGMA optimize analyzes the tables whose indexes a statement of the
 * connection was planned with.  The loader counted the maps with a query
 * of the three BPF tables until bpf_maps_count(), which gave them their
 * statistics (sqlite_stat1) in a database of many captures, and the
 * fleet's BPF queries their plans: planned once a load, as before.
 */
void bpf_tables_planned(sqlite3 *db)
{
	sqlite3_finalize(db_prepare(db, "SELECT count(*) FROM ("
		"SELECT map_id FROM bpf_fdinfo WHERE capture_id = ?1 "
		"AND map_id IS NOT NULL "
		"UNION SELECT map_id FROM bpftool_map_pid WHERE capture_id = ?1 "
		"UNION SELECT map_id FROM bpftool_map WHERE capture_id = ?1)"));
}

void load_fdinfo(struct loader *l, const struct file_in *f)
{
	const char *fdname = f->name + strlen("fdinfo/");
	struct parsed_file own, *pf;
	const struct bpf_fdinfo *fi;
	sqlite3_stmt *st;
	int c;
	uint64_t fd;

	if (parse_u64(fdname, strlen(fdname), &fd) < 0 || fd > 0x7fffffff) {
		add_problem(l, f->path, "not a file descriptor number, skipping");
		return;
	}
	pf = parsed_get(f, PARSED_FDINFO, &own);
	fi = &pf->u.fdinfo;
	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	if (!fi->map_type.set) {
		add_problem(l, f->path, "not the fdinfo of a BPF map (no map_type), skipping");
		goto out;
	}
	st = row_start(l, T_BPF_FDINFO, &c);
	sqlite3_bind_int64(st, c + 1, l->capture_id);
	sqlite3_bind_int64(st, c + 2, f->pid);
	sqlite3_bind_int64(st, c + 3, (int64_t)fd);
	row_text(l, T_BPF_FDINFO, st, c + 4, bpf_map_type_name(fi->map_type.v));
	row_bind(l, T_BPF_FDINFO, st, c + 5, fi);
	row_done(l, T_BPF_FDINFO, st);
	map_seen(l, fi->map_id);
out:
	parsed_put(pf, &own);
}

void load_bpftool_maps(struct loader *l, const struct file_in *f)
{
	struct parsed_file own, *pf;
	const struct bpftool_maps *m;
	size_t i, j;

	if (f->len == 0)
		return;
	pf = parsed_get(f, PARSED_BPFTOOL, &own);
	m = &pf->u.maps;
	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	if (m->error)
		add_problemf(l, f->path, "bpftool said: %.300s", m->error);
	for (i = 0; i < m->n; i++) {
		const struct bpftool_map *b = &m->v[i];
		sqlite3_stmt *st;
		int c;

		if (!b->id.set)
			continue;
		st = row_start(l, T_BPFTOOL_MAP, &c);
		sqlite3_bind_int64(st, c + 1, l->capture_id);
		row_bind(l, T_BPFTOOL_MAP, st, c + 2, b);
		row_done(l, T_BPFTOOL_MAP, st);
		map_seen(l, b->id);
		for (j = 0; j < b->npids; j++) {
			st = row_start(l, T_BPFTOOL_MAP_PID, &c);
			sqlite3_bind_int64(st, c + 1, l->capture_id);
			db_bind_kv(st, c + 2, b->id);
			db_bind_u64(st, c + 3, b->pids[j].pid);
			row_text(l, T_BPFTOOL_MAP_PID, st, c + 4, b->pids[j].comm);
			row_done(l, T_BPFTOOL_MAP_PID, st);
		}
	}
out:
	parsed_put(pf, &own);
}
