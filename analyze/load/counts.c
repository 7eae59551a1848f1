/* SPDX-License-Identifier: MIT */
/*
 * cgroup_process_count_data (schema/95-report.sql): the processes of the
 * capture being loaded counted and summed by their cgroup, as the
 * `processes` view attributes them (the view is the rule's one
 * definition; this reads its rows).
 *
 * SQL did the grouping (INSERT ... SELECT ... FROM processes GROUP BY
 * capture_id, cgroup) and its temporary b-tree was a third of the
 * statement: 23.0 M instructions on a node of 1,391 processes, 18.8 M on a
 * fleet capture of 1,000, a tenth of the writer's.  Here the rows are
 * grouped in a hash table and only the ~200 groups are sorted: 16.0 M and
 * 13.2 M (tests/bench/README.md, "The derived tables on the writer").
 * The sums are SQLite's sum() (3.40, func.c sumStep() and sumFinalize()):
 * an integer sum, NULL over no value, "integer overflow" an error that
 * stores nothing for the statement, a REAL (approximate) sum once a value
 * is not an integer (the loader binds integers: a REAL sum, in the view's
 * order here and the sorter's there, could differ in its last bits).  The
 * rows are inserted in the order GROUP BY gave them (NULL first, then the
 * cgroup's bytes as BINARY compares them): the table's rowids are the
 * same.  tests/t43d keeps the table equal to SQL's GROUP BY, a NULL group
 * and an overflow included.
 */
#include "analyze/load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"
#include "common/hash.h"
#include "common/hashmap.h"

#include "common/banned.h"

/* SQLite's sum() of one column over a group. */
struct sql_sum {
	int64_t isum;
	double rsum;
	int64_t cnt;         /* values that were not NULL */
	bool approx;         /* a value was not an integer: the REAL sum */
	bool overflow;       /* the integer sum overflowed: an error */
};

/* The summed columns, in the table's order after processes. */
enum {
	SUM_RSS, SUM_PSS, SUM_PSS_ANON, SUM_PSS_FILE, SUM_PSS_SHMEM,
	SUM_RSS_PSS_KNOWN, SUM__COUNT
};

struct group {
	char *cgroup;        /* NULL: the processes of no known cgroup */
	size_t len;
	int64_t processes;
	struct sql_sum sum[SUM__COUNT];
};

struct groups {
	struct group *g;
	size_t nr, alloc;
	struct hashmap map;  /* of g, by cgroup */
};

/*
 * A column's sqlite3_value (sqlite3_column_value(): one call that takes the
 * connection's mutex, where sqlite3_column_type() and _int64() took two):
 * the writer thread alone uses the connection.
 */
static void sum_add(struct sql_sum *s, sqlite3_value *v)
{
	int type = sqlite3_value_type(v);

	if (type == SQLITE_NULL)
		return;
	s->cnt++;
	if (type == SQLITE_INTEGER) {
		int64_t i = sqlite3_value_int64(v);

		s->rsum += (double)i;
		if (!s->approx && !s->overflow &&
		    __builtin_add_overflow(s->isum, i, &s->isum))
			s->approx = s->overflow = true;
	} else {
		s->rsum += sqlite3_value_double(v);
		s->approx = true;
	}
}

static void sum_bind(sqlite3_stmt *st, int idx, const struct sql_sum *s)
{
	if (!s->cnt)
		sqlite3_bind_null(st, idx);
	else if (s->approx)
		sqlite3_bind_double(st, idx, s->rsum);
	else
		sqlite3_bind_int64(st, idx, s->isum);
}

static uint64_t key_hash(const char *s, size_t len)
{
	return s ? fnv1a(s, len) : 0;
}

static bool key_is(const struct group *g, const char *s, size_t len)
{
	if (!s || !g->cgroup)
		return !s && !g->cgroup;
	return g->len == len && !memcmp(g->cgroup, s, len);
}

static struct group *group_of(struct groups *gs, const char *s, size_t len)
{
	struct hashmap_probe p;
	struct group *g;
	size_t i;

	p = hashmap_probe(&gs->map, key_hash(s, len));
	while (hashmap_next(&gs->map, &p, &i))
		if (key_is(&gs->g[i], s, len))
			return &gs->g[i];
	ALLOC_GROW(gs->g, gs->nr + 1, gs->alloc);
	g = &gs->g[gs->nr];
	memset(g, 0, sizeof(*g));
	if (s) {
		g->cgroup = xmalloc(len + 1);
		memcpy(g->cgroup, s, len);
		g->cgroup[len] = '\0';
		g->len = len;
	}
	gs->nr = hashmap_put(&gs->map, &p) + 1;
	return g;
}

/* GROUP BY's order: NULL first, then BINARY (the bytes, then the length). */
static int group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (!x->cgroup || !y->cgroup)
		return !!x->cgroup - !!y->cgroup;
	return mem_cmp(x->cgroup, x->len, y->cgroup, y->len);
}

/* SQLite's message of the last failure, kept before the next call */
static void keep_errmsg(struct loader *l, char *err, size_t size)
{
	xsnprintf(err, size, "%s", sqlite3_errmsg(l->db));
}

/* The rows of the capture being loaded into gs: 0, or -1 (err). */
static int groups_read(struct loader *l, struct groups *gs, char *err, size_t size)
{
	sqlite3_stmt *st = l->cache->proc_sums;
	int rc;

	if (!st)
		st = l->cache->proc_sums = db_prepare(l->db,
			"SELECT cgroup, rss_bytes, pss_bytes, pss_anon_bytes, pss_file_bytes, "
			"pss_shmem_bytes FROM processes WHERE capture_id = ?");
	sqlite3_bind_int64(st, 1, l->capture_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cg = (const char *)sqlite3_column_text(st, 0);
		struct group *g = group_of(gs, cg, (size_t)sqlite3_column_bytes(st, 0));

		sqlite3_value *rss = sqlite3_column_value(st, 1);
		sqlite3_value *pss = sqlite3_column_value(st, 2);

		g->processes++;
		sum_add(&g->sum[SUM_RSS], rss);
		sum_add(&g->sum[SUM_PSS], pss);
		sum_add(&g->sum[SUM_PSS_ANON], sqlite3_column_value(st, 3));
		sum_add(&g->sum[SUM_PSS_FILE], sqlite3_column_value(st, 4));
		sum_add(&g->sum[SUM_PSS_SHMEM], sqlite3_column_value(st, 5));
		/* sum(CASE WHEN pss_bytes IS NOT NULL THEN rss_bytes END) */
		if (sqlite3_value_type(pss) != SQLITE_NULL)
			sum_add(&g->sum[SUM_RSS_PSS_KNOWN], rss);
	}
	if (rc != SQLITE_DONE)
		keep_errmsg(l, err, size);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* sumFinalize()'s error, before any row is stored */
static bool groups_overflow(const struct groups *gs)
{
	size_t i, k;

	for (i = 0; i < gs->nr; i++)
		for (k = 0; k < SUM__COUNT; k++)
			if (gs->g[i].sum[k].overflow)
				return true;
	return false;
}

/* The groups, sorted, into the table: 0, or -1 (err) and none stored. */
static int groups_store(struct loader *l, const struct groups *gs, char *err, size_t size)
{
	sqlite3_stmt *st = l->cache->proc_sums_insert;
	size_t i, k;

	if (!st)
		st = l->cache->proc_sums_insert = db_prepare(l->db,
			"INSERT INTO cgroup_process_count_data (capture_id, cgroup, "
			"processes, rss_sum, pss_sum, pss_anon_sum, pss_file_sum, "
			"pss_shmem_sum, pss_processes, rss_pss_known_sum) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	for (i = 0; i < gs->nr; i++) {
		const struct group *g = &gs->g[i];

		sqlite3_bind_int64(st, 1, l->capture_id);
		db_bind_text_len(st, 2, g->cgroup, g->len);
		sqlite3_bind_int64(st, 3, g->processes);
		for (k = 0; k < SUM_RSS_PSS_KNOWN; k++)
			sum_bind(st, 4 + (int)k, &g->sum[k]);
		/* count(pss_bytes) */
		sqlite3_bind_int64(st, 9, g->sum[SUM_PSS].cnt);
		sum_bind(st, 10, &g->sum[SUM_RSS_PSS_KNOWN]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			keep_errmsg(l, err, size);
			sqlite3_reset(st);
			/* as the one statement it was: none of the capture's rows */
			st = db_prepare(l->db, "DELETE FROM cgroup_process_count_data "
					"WHERE capture_id = ?");
			sqlite3_bind_int64(st, 1, l->capture_id);
			db_step_reset(st);
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	return 0;
}

/* A failure is the load's problem (l->cur_path), the load going on. */
void load_process_counts(struct loader *l)
{
	struct groups gs = { 0 };
	char err[256];
	int r;
	size_t i;

	hashmap_init(&gs.map, NULL, 256);
	r = groups_read(l, &gs, err, sizeof(err));
	if (!r && groups_overflow(&gs)) {
		xsnprintf(err, sizeof(err), "integer overflow");
		r = -1;
	}
	if (!r && gs.nr) {   /* (no process: gs.g NULL, which qsort() may not take) */
		qsort(gs.g, gs.nr, sizeof(*gs.g), group_cmp);
		r = groups_store(l, &gs, err, sizeof(err));
	}
	if (r < 0)
		add_problemf(l, l->cur_path, "cannot store: %s", err);
	for (i = 0; i < gs.nr; i++)
		free(gs.g[i].cgroup);
	free(gs.g);
	hashmap_release(&gs.map);
}
