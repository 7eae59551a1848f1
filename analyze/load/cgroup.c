/* SPDX-License-Identifier: MIT */
/*
 * Memory cgroups: every folder of the memory hierarchy (cgroup_node) and
 * its files: memory.stat (cgroup_stat_data, cgroup_memstat), cgroup.procs
 * (cgroup_proc) and the one-value files (cgroup_file_data); the key/value
 * and PSI files go through node.c's loaders (schema/30-cgroup.sql).
 */
#include "analyze/load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"
#include "analyze/parse/k8s.h"

#include "common/banned.h"

/*
 * A cgroup's row of cgroup_node, once: the files of a folder come one
 * after the other, and a folder met again (its files after a child's)
 * is left out by the INSERT OR IGNORE (rows.c counts the rows stored as
 * the load's cgroups).
 */
static void ensure_cgroup_node(struct loader *l, const char *cg)
{
	struct k8s_cgroup k = { 0 };
	sqlite3_stmt *st;
	const char *slash;
	enum k8s_level lv;
	int depth = 0, c;
	const char *p;

	if (!strcmp(l->last_cgroup.buf, cg))
		return;
	strbuf_reset(&l->last_cgroup);
	strbuf_addstr(&l->last_cgroup, cg);
	for (p = cg; *p; p++)
		depth += *p == '/';
	if (!strcmp(cg, "/"))
		depth = 0;
	st = row_start(l, T_CG_NODE, &c);
	sqlite3_bind_int64(st, c + 1, l->capture_id);
	row_text(l, T_CG_NODE, st, c + 2, cg);
	slash = strrchr(cg, '/');
	if (depth == 0)
		sqlite3_bind_null(st, c + 3);
	else if (slash == cg)
		row_text(l, T_CG_NODE, st, c + 3, "/");
	else
		row_text_len(l, T_CG_NODE, st, c + 3, cg, (size_t)(slash - cg));
	sqlite3_bind_int64(st, c + 4, depth);
	lv = k8s_parse_cgroup_path(cg, &k);
	row_text(l, T_CG_NODE, st, c + 5, k8s_level_name(lv));
	row_bind(l, T_CG_NODE, st, c + 6, &k);
	row_done(l, T_CG_NODE, st);
}

/*
 * Every file of a cgroup's folder, routed or not: its cgroup_node row, and
 * which hierarchy a capture without a manifest holds.
 */
void cgroup_file_seen(struct loader *l, const char *cgroup, const char *file)
{
	if (!strcmp(file, "memory.usage_in_bytes"))
		l->saw_v1_files = true;
	if (!strcmp(file, "memory.current"))
		l->saw_v2_files = true;
	ensure_cgroup_node(l, cgroup);
}

/* Every key of memory.stat as one JSON object (cgroup_stat_data). */
static void put_stat_json(struct loader *l, const char *cg, const struct kv_list *kv)
{
	struct strbuf *sb = &l->tmp;
	sqlite3_stmt *st;
	size_t i;

	if (!l->raw)
		return;
	st = S(l, T_CG_STAT);
	strbuf_reset(sb);
	strbuf_addch(sb, '{');
	for (i = 0; i < kv->n; i++) {
		if (i)
			strbuf_addch(sb, ',');
		json_escape_bytes(sb, kv->v[i].key, strlen(kv->v[i].key));
		strbuf_addch(sb, ':');
		json_u64(sb, kv->v[i].value);
	}
	strbuf_addch(sb, '}');
	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text(st, 2, cg);
	db_bind_text_len(st, 3, sb->buf, sb->len);
	put(l, st);
}

/*
 * The memory.stat keys the working-set formulas read are the columns of
 * cgroup_memstat past (capture_id, cgroup), named as the kernel names the
 * keys (schema/30-cgroup.sql): that table is the one list of them.  Here
 * they are sorted by name, each with its parameter in T_CG_MEMSTAT's
 * INSERT (rows.c puts them in schema order, after the two keys).
 */
struct memstat_key {
	char *name;
	int param;
};

static int memstat_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct memstat_key *)a)->name,
		      ((const struct memstat_key *)b)->name);
}

static void memstat_keys_load(struct loader *l)
{
	char **names;
	size_t i, n;

	table_columns(l->db, row_specs[T_CG_MEMSTAT].table, 2, &names, &n);
	l->cache->memstat_keys = xcalloc(n ? n : 1, sizeof(*l->cache->memstat_keys));
	for (i = 0; i < n; i++) {
		l->cache->memstat_keys[i].name = names[i];
		l->cache->memstat_keys[i].param = (int)i + 3;
	}
	free(names);
	l->cache->memstat_nkeys = n;
	qsort(l->cache->memstat_keys, n, sizeof(*l->cache->memstat_keys), memstat_key_cmp);
}

void memstat_keys_free(struct load_cache *c)
{
	size_t i;

	for (i = 0; i < c->memstat_nkeys; i++)
		free(c->memstat_keys[i].name);
	free(c->memstat_keys);
	c->memstat_keys = NULL;
	c->memstat_nkeys = 0;
	for (i = 0; i < c->memstat_at_n; i++)
		free(c->memstat_at[i].name);
	free(c->memstat_at);
	c->memstat_at = NULL;
	c->memstat_at_n = 0;
}

/* The parameter of memory.stat's i-th key, key (0: not a column). */
static int memstat_param(struct load_cache *c, size_t i, const char *key)
{
	struct memstat_key want = { (char *)key, 0 }, *at;
	const struct memstat_key *k;

	if (i < c->memstat_at_n && !strcmp(c->memstat_at[i].name, key))
		return c->memstat_at[i].param;
	k = bsearch(&want, c->memstat_keys, c->memstat_nkeys, sizeof(want),
		    memstat_key_cmp);
	if (i >= c->memstat_at_n) {
		c->memstat_at = xrealloc(c->memstat_at, (i + 1) * sizeof(*at));
		for (; c->memstat_at_n <= i; c->memstat_at_n++)
			c->memstat_at[c->memstat_at_n].name = xstrdup("");
	}
	at = &c->memstat_at[i];
	free(at->name);
	at->name = xstrdup(key);
	at->param = k ? k->param : 0;
	return at->param;
}

/*
 * memory.stat's keys the working-set formulas read, as one row
 * (cgroup_memstat); a key not in the file stays NULL.  (A key the file
 * repeats is in the list once: parse_kv_list() keeps the first.)
 */
size_t memstat_bind_keys(struct loader *l, sqlite3_stmt *st, const struct kv_list *kv)
{
	size_t i;

	if (!l->cache->memstat_keys)
		memstat_keys_load(l);
	for (i = 0; i < kv->n; i++) {
		int param = memstat_param(l->cache, i, kv->v[i].key);

		if (param)
			db_bind_u64(st, param, kv->v[i].value);
	}
	return l->cache->memstat_nkeys;
}

static void put_memstat(struct loader *l, const char *cg, const struct kv_list *kv)
{
	sqlite3_stmt *st = S(l, T_CG_MEMSTAT);

	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text(st, 2, cg);
	memstat_bind_keys(l, st, kv);
	put(l, st);
}

void load_memstat(struct loader *l, const struct file_in *f)
{
	struct parsed_file own, *pf = parsed_get(f, PARSED_KV, &own);

	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r == 0) {
		put_stat_json(l, f->cgroup, &pf->u.kv);
		put_memstat(l, f->cgroup, &pf->u.kv);
	}
	parsed_put(pf, &own);
}

/*
 * cgroup_proc's rows, a cgroup.procs file at a time (a group: its cgroup
 * and pids), are stored once the memory hierarchy's files end, in the
 * order of the table's index by cgroup, each cgroup's pids sorted: each
 * insert then lands next to the one before in the index (the collector
 * walks the hierarchy parents first, not in the order of the names).
 * 20 fleet captures: 114.3 -> 112.1 M instructions a capture's writer.
 */
void load_cgroup_procs(struct loader *l, const struct file_in *f)
{
	struct parsed_file own, *pf = parsed_get(f, PARSED_PIDS, &own);
	struct cg_proc_group *g;
	size_t i;

	note_skipped(l, f->path, &pf->d);
	if (pf->u.pids.n) {
		ALLOC_GROW(l->cg_procs.groups, l->cg_procs.ngroups + 1,
			   l->cg_procs.groups_alloc);
		g = &l->cg_procs.groups[l->cg_procs.ngroups++];
		g->name = l->cg_procs.names.len;
		g->first = l->cg_procs.npids;
		g->n = pf->u.pids.n;
		strbuf_add(&l->cg_procs.names, f->cgroup, strlen(f->cgroup) + 1);
		ALLOC_GROW(l->cg_procs.pids, l->cg_procs.npids + g->n,
			   l->cg_procs.pids_alloc);
		for (i = 0; i < g->n; i++)
			l->cg_procs.pids[g->first + i] = pf->u.pids.v[i];
		l->cg_procs.npids += g->n;
	}
	parsed_put(pf, &own);
}

static int cg_proc_group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cg_proc_group *)a)->cgroup,
		      ((const struct cg_proc_group *)b)->cgroup);
}

void flush_cgroup_procs(struct loader *l)
{
	struct cg_procs *cp = &l->cg_procs;
	size_t i, j;

	if (!cp->ngroups)
		return;
	for (i = 0; i < cp->ngroups; i++)
		cp->groups[i].cgroup = cp->names.buf + cp->groups[i].name;
	qsort(cp->groups, cp->ngroups, sizeof(*cp->groups), cg_proc_group_cmp);
	for (i = 0; i < cp->ngroups; i++) {
		const struct cg_proc_group *g = &cp->groups[i];
		int64_t *pids = cp->pids + g->first;

		qsort(pids, g->n, sizeof(*pids), cmp_i64);
		for (j = 0; j < g->n; j++) {
			int c;
			sqlite3_stmt *st = row_start(l, T_CG_PROC, &c);

			sqlite3_bind_int64(st, c + 1, l->capture_id);
			row_text(l, T_CG_PROC, st, c + 2, g->cgroup);
			sqlite3_bind_int64(st, c + 3, pids[j]);
			row_done(l, T_CG_PROC, st);
		}
	}
	cp->ngroups = 0;
	cp->npids = 0;
	strbuf_reset(&cp->names);
}

void cg_procs_free(struct cg_procs *cp)
{
	free(cp->groups);
	free(cp->pids);
	strbuf_release(&cp->names);
}

/*
 * Store the one-value files read of a cgroup as its row of
 * cgroup_file_data (a cgroup met again later, as a folder read in sorted
 * order does after a child's files, is merged into its row).
 */
void flush_cgroup_files(struct loader *l)
{
	sqlite3_stmt *st;
	int c;

	if (l->cg_files.len) {
		strbuf_addch(&l->cg_files, '}');
		st = row_start(l, T_CG_FILE, &c);
		sqlite3_bind_int64(st, c + 1, l->capture_id);
		row_text(l, T_CG_FILE, st, c + 2, l->cg_files_of.buf);
		row_text_len(l, T_CG_FILE, st, c + 3, l->cg_files.buf, l->cg_files.len);
		row_done(l, T_CG_FILE, st);
	}
	strbuf_reset(&l->cg_files);
	strbuf_reset(&l->cg_files_of);
}

void one_value_json(struct strbuf *sb, const char *name, const struct one_value *v)
{
	json_escape_bytes(sb, name, strlen(name));
	/* v2 "max" parses as UINT64_MAX: null */
	strbuf_add(sb, ":[", 2);
	json_u64(sb, v->v);
	strbuf_add(sb, v->unlimited ? ",1]" : ",0]", 3);
}

/*
 * The file's member of its cgroup's object: made by the reader
 * (parse_file_ahead(): its name is f->name, the file's own, as the only
 * route that parses a one value is a cgroup's), else here.
 */
void load_one_value(struct loader *l, const struct file_in *f)
{
	struct parsed_file own, *pf = parsed_get(f, PARSED_ONE_VALUE, &own);

	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	if (strcmp(l->cg_files_of.buf, f->cgroup)) {
		flush_cgroup_files(l);
		strbuf_addstr(&l->cg_files_of, f->cgroup);
	}
	strbuf_addch(&l->cg_files, l->cg_files.len ? ',' : '{');
	if (pf->extras.len)
		strbuf_add(&l->cg_files, pf->extras.buf, pf->extras.len);
	else
		one_value_json(&l->cg_files, f->name, &pf->u.one);
out:
	parsed_put(pf, &own);
}
