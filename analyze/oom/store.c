/* SPDX-License-Identifier: MIT */
/*
 * OOM events into SQL (schema/40-oom.sql).  Page counts become bytes here,
 * with the page size the parser settled on for each report; kB become
 * bytes; what does not fit a signed 64-bit integer becomes NULL.
 */
#include "analyze/oom/oom.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"
#include "analyze/parse/k8s.h"
#include "common/util.h"

#include "common/banned.h"
#define OOM_UNLIMITED_KB (1ull << 52)

/*
 * oom_memcg_stat's rows, most of a report's (a v1 report prints a block
 * of ~40 keys for every cgroup below the OOM memcg: 1,302 of the 1,490
 * rows of the smem bench's capture), are stored STAT_BATCH an INSERT:
 * SQLite's work a statement is paid once a batch.  The rows of a batch
 * not yet whole wait in `pending`; what is left at the end goes one an
 * INSERT.
 */
#define STAT_BATCH 16
#define STAT_PARAMS 6

struct stat_row {
	int64_t no;
	size_t block;
	const char *cgroup;
	const struct oom_kv *kv;
};

struct stmts {
	sqlite3_stmt *event, *counter, *stat, *stat_batch, *meminfo, *task, *kill;
	struct stat_row pending[STAT_BATCH];
	size_t npending;
};

static void stmts_finalize(struct stmts *s)
{
	sqlite3_finalize(s->event);
	sqlite3_finalize(s->counter);
	sqlite3_finalize(s->stat);
	sqlite3_finalize(s->stat_batch);
	sqlite3_finalize(s->meminfo);
	sqlite3_finalize(s->task);
	sqlite3_finalize(s->kill);
}

static struct kv_u64 times(struct kv_u64 a, uint64_t b)
{
	struct kv_u64 r = { 0, false };

	if (a.set && (b == 0 || a.v <= UINT64_MAX / b)) {
		r.v = a.v * b;
		r.set = true;
	}
	return r;
}

static void bind_i64(sqlite3_stmt *st, int idx, struct oom_i64 v)
{
	if (v.set)
		sqlite3_bind_int64(st, idx, v.v);
	else
		sqlite3_bind_null(st, idx);
}

static void bind_bool(sqlite3_stmt *st, int idx, bool v)
{
	sqlite3_bind_int(st, idx, v ? 1 : 0);
}

static int next_event_number(sqlite3 *db, int64_t capture_id, int64_t *ret)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT COALESCE(MAX(event), 0) FROM oom_event WHERE capture_id = ?");
	int r = -1;

	sqlite3_bind_int64(st, 1, capture_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*ret = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static const char *page_size_source(enum oom_page_size_source s)
{
	switch (s) {
	case OOM_PAGE_SIZE_GIVEN: return "given";
	case OOM_PAGE_SIZE_INFERRED: return "inferred";
	case OOM_PAGE_SIZE_DEFAULT: break;
	}
	return "default";
}

static const char *kill_reason(enum oom_kill_reason r)
{
	switch (r) {
	case OOM_KILL_GROUP: return "oom_group";
	case OOM_KILL_REAPED_ONLY: return "reaped_only";
	case OOM_KILL_VICTIM: break;
	}
	return "victim";
}

static int store_event(sqlite3 *db, struct stmts *s, int64_t capture_id,
		       int64_t no, const struct oom_event *ev)
{
	sqlite3_stmt *st = s->event;
	const struct oom_victim *v = &ev->victim;
	struct k8s_cgroup k8s;
	const char *path = ev->task_memcg ? ev->task_memcg : ev->oom_memcg;
	char missing[256];
	int i = 1;

	(void)db;
	memset(&k8s, 0, sizeof(k8s));
	if (path)
		k8s_parse_cgroup_path(path, &k8s);
	sqlite3_bind_int64(st, i++, capture_id);
	sqlite3_bind_int64(st, i++, no);
	db_bind_u64(st, i++, ev->first_line);
	db_bind_u64(st, i++, ev->last_line);
	db_bind_double(st, i++, ev->kernel_time, ev->has_ktime);
	db_bind_text(st, i++, ev->log_time);
	db_bind_text(st, i++, ev->log_wall_time);
	db_bind_text(st, i++, ev->trigger_comm);
	db_bind_kv(st, i++, ev->trigger_pid);
	db_bind_kv(st, i++, ev->trigger_uid);
	db_bind_text(st, i++, ev->gfp_mask);
	db_bind_text(st, i++, ev->gfp_flags);
	db_bind_kv(st, i++, ev->order);
	bind_i64(st, i++, ev->trigger_oom_score_adj);
	bind_i64(st, i++, ev->trigger_oom_adj);
	db_bind_text(st, i++, ev->nodemask);
	db_bind_text(st, i++, ev->cpuset);
	db_bind_text(st, i++, ev->mems_allowed);
	db_bind_text(st, i++, ev->kernel_release);
	db_bind_text(st, i++, oom_event_kind(ev));
	db_bind_text(st, i++, ev->constraint);
	bind_bool(st, i++, ev->global_oom);
	db_bind_text(st, i++, ev->oom_memcg);
	db_bind_text(st, i++, ev->task_memcg);
	db_bind_text(st, i++, ev->oom_group_memcg);
	db_bind_text(st, i++, k8s.pod_uid[0] ? k8s.pod_uid : NULL);
	db_bind_text(st, i++, k8s.container_id[0] ? k8s.container_id : NULL);
	db_bind_text(st, i++, ev->oomkill_task);
	db_bind_kv(st, i++, ev->oomkill_pid);
	db_bind_kv(st, i++, ev->oomkill_uid);
	db_bind_kv(st, i++, ev->chosen_pid);
	db_bind_text(st, i++, ev->chosen_comm);
	db_bind_kv(st, i++, ev->chosen_score);
	bind_bool(st, i++, ev->no_killable);
	db_bind_kv(st, i++, v->pid);
	db_bind_text(st, i++, v->comm);
	db_bind_kv(st, i++, v->uid);
	db_bind_kv(st, i++, v->total_vm_bytes);
	db_bind_kv(st, i++, v->anon_rss_bytes);
	db_bind_kv(st, i++, v->file_rss_bytes);
	db_bind_kv(st, i++, v->shmem_rss_bytes);
	db_bind_kv(st, i++, v->pgtables_bytes);
	bind_i64(st, i++, v->oom_score_adj);
	bind_bool(st, i++, ev->victim_exiting);
	sqlite3_bind_int64(st, i++, ev->page_size);
	db_bind_text(st, i++, page_size_source(ev->page_size_source));
	bind_bool(st, i++, ev->complete);
	db_bind_text(st, i++, ev->missing ? oom_missing_text(ev->missing, missing,
							      sizeof(missing)) : NULL);
	return db_step_reset(st);
}

static int store_counters(struct stmts *s, int64_t capture_id, int64_t no,
			  const struct oom_event *ev)
{
	size_t i;

	for (i = 0; i < ev->ncounters; i++) {
		const struct oom_counter *c = &ev->counters[i];
		sqlite3_stmt *st = s->counter;
		bool unlimited = c->limit_kb.set && c->limit_kb.v >= OOM_UNLIMITED_KB;

		sqlite3_bind_int64(st, 1, capture_id);
		sqlite3_bind_int64(st, 2, no);
		db_bind_text(st, 3, c->name);
		db_bind_kv(st, 4, times(c->usage_kb, 1024));
		if (unlimited)
			sqlite3_bind_null(st, 5);
		else
			db_bind_kv(st, 5, times(c->limit_kb, 1024));
		if (c->limit_kb.set)
			bind_bool(st, 6, unlimited);
		else
			sqlite3_bind_null(st, 6);
		db_bind_kv(st, 7, c->failcnt);
		if (db_step_reset(st) < 0)
			return -1;
	}
	return 0;
}

static void bind_stat(sqlite3_stmt *st, int base, int64_t capture_id,
		      const struct stat_row *r)
{
	sqlite3_bind_int64(st, base + 1, capture_id);
	sqlite3_bind_int64(st, base + 2, r->no);
	sqlite3_bind_int64(st, base + 3, (sqlite3_int64)r->block);
	db_bind_text(st, base + 4, r->cgroup);
	db_bind_text(st, base + 5, r->kv->key);
	db_bind_u64(st, base + 6, r->kv->value);
}

/* The INSERT of `rows` rows of oom_memcg_stat (bind_stat()'s). */
static sqlite3_stmt *prepare_stat(sqlite3 *db, size_t rows)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;

	strbuf_addstr(&sql, "INSERT OR IGNORE INTO oom_memcg_stat (capture_id, event,"
		      " block, cgroup, key, value)");
	db_values_sql(&sql, rows, STAT_PARAMS, false);
	st = db_prepare(db, sql.buf);
	strbuf_release(&sql);
	return st;
}

/* The pending rows: one INSERT when whole, else (the last) one a row. */
static int flush_stats(struct stmts *s, int64_t capture_id)
{
	size_t i, n = s->npending;

	s->npending = 0;
	if (n == STAT_BATCH) {
		for (i = 0; i < n; i++)
			bind_stat(s->stat_batch, (int)i * STAT_PARAMS, capture_id,
				  &s->pending[i]);
		return db_step_reset(s->stat_batch);
	}
	for (i = 0; i < n; i++) {
		bind_stat(s->stat, 0, capture_id, &s->pending[i]);
		if (db_step_reset(s->stat) < 0)
			return -1;
	}
	return 0;
}

static int store_stats(struct stmts *s, int64_t capture_id, int64_t no,
		       const struct oom_event *ev)
{
	size_t b, i;

	for (b = 0; b < ev->nstats; b++) {
		const struct oom_stat_block *blk = &ev->stats[b];

		for (i = 0; i < blk->n; i++) {
			struct stat_row *r = &s->pending[s->npending++];

			r->no = no;
			r->block = b;
			r->cgroup = blk->cgroup;
			r->kv = &blk->v[i];
			if (s->npending == STAT_BATCH && flush_stats(s, capture_id) < 0)
				return -1;
		}
	}
	return 0;
}

static int store_meminfo(struct stmts *s, int64_t capture_id, int64_t no,
			 const struct oom_event *ev)
{
	size_t i;

	for (i = 0; i < ev->nmeminfo; i++) {
		const struct oom_meminfo *m = &ev->meminfo[i];
		sqlite3_stmt *st = s->meminfo;
		struct kv_u64 v = { m->value, true };

		sqlite3_bind_int64(st, 1, capture_id);
		sqlite3_bind_int64(st, 2, no);
		db_bind_text(st, 3, m->key);
		if (m->unit == OOM_UNIT_PAGES) {
			db_bind_u64(st, 4, m->value);
			db_bind_kv(st, 5, times(v, ev->page_size));
		} else {
			sqlite3_bind_null(st, 4);
			db_bind_kv(st, 5, times(v, 1024));
		}
		if (db_step_reset(st) < 0)
			return -1;
	}
	return 0;
}

static int store_tasks(struct stmts *s, int64_t capture_id, int64_t no,
		       const struct oom_event *ev)
{
	uint64_t ps = ev->page_size;
	size_t i;

	for (i = 0; i < ev->ntasks; i++) {
		const struct oom_task *t = &ev->tasks[i];
		sqlite3_stmt *st = s->task;
		struct kv_u64 pgtables = t->pgtables_bytes;

		if (!pgtables.set && t->nr_ptes.set) {
			struct kv_u64 pages = t->nr_ptes;

			if (t->nr_pmds.set && pages.v <= UINT64_MAX - t->nr_pmds.v)
				pages.v += t->nr_pmds.v;
			pgtables = times(pages, ps);
		}
		sqlite3_bind_int64(st, 1, capture_id);
		sqlite3_bind_int64(st, 2, no);
		db_bind_u64(st, 3, t->line);
		db_bind_kv(st, 4, t->pid);
		db_bind_kv(st, 5, t->uid);
		db_bind_kv(st, 6, t->tgid);
		db_bind_kv(st, 7, times(t->total_vm, ps));
		db_bind_kv(st, 8, times(t->rss, ps));
		db_bind_kv(st, 9, times(t->rss_anon, ps));
		db_bind_kv(st, 10, times(t->rss_file, ps));
		db_bind_kv(st, 11, times(t->rss_shmem, ps));
		db_bind_kv(st, 12, pgtables);
		db_bind_kv(st, 13, times(t->swapents, ps));
		bind_i64(st, 14, t->oom_score_adj);
		bind_i64(st, 15, t->oom_adj);
		db_bind_kv(st, 16, t->cpu);
		db_bind_text(st, 17, t->name);
		if (db_step_reset(st) < 0)
			return -1;
	}
	return 0;
}

static int store_kills(struct stmts *s, int64_t capture_id, int64_t no,
		       const struct oom_event *ev)
{
	size_t i;

	for (i = 0; i < ev->nkills; i++) {
		const struct oom_kill *k = &ev->kills[i];
		sqlite3_stmt *st = s->kill;

		sqlite3_bind_int64(st, 1, capture_id);
		sqlite3_bind_int64(st, 2, no);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
		db_bind_text(st, 4, kill_reason(k->reason));
		db_bind_u64(st, 5, k->line);
		db_bind_kv(st, 6, k->pid);
		db_bind_text(st, 7, k->comm);
		db_bind_kv(st, 8, k->uid);
		db_bind_kv(st, 9, times(k->total_vm_kb, 1024));
		db_bind_kv(st, 10, times(k->anon_rss_kb, 1024));
		db_bind_kv(st, 11, times(k->file_rss_kb, 1024));
		db_bind_kv(st, 12, times(k->shmem_rss_kb, 1024));
		db_bind_kv(st, 13, times(k->pgtables_kb, 1024));
		bind_i64(st, 14, k->oom_score_adj);
		bind_bool(st, 15, k->memcg);
		bind_bool(st, 16, k->reaped);
		db_bind_kv(st, 17, times(k->reaped_anon_rss_kb, 1024));
		db_bind_kv(st, 18, times(k->reaped_file_rss_kb, 1024));
		db_bind_kv(st, 19, times(k->reaped_shmem_rss_kb, 1024));
		if (db_step_reset(st) < 0)
			return -1;
	}
	return 0;
}

int oom_store(sqlite3 *db, int64_t capture_id, const struct oom_log *log,
	      char **ret_err)
{
	struct stmts s;
	int64_t base = 0, no = 0;
	size_t i;
	int r = -1;

	memset(&s, 0, sizeof(s));
	if (db_exec(db, "SAVEPOINT oom_store", ret_err) < 0)
		return -1;
	if (next_event_number(db, capture_id, &base) < 0)
		goto fail;
	s.event = db_prepare(db,
		"INSERT INTO oom_event (capture_id, event, first_line, last_line,"
		" kernel_time, log_time, log_wall_time, trigger_comm, trigger_pid,"
		" trigger_uid, gfp_mask, gfp_flags, alloc_order,"
		" trigger_oom_score_adj, trigger_oom_adj, nodemask, cpuset,"
		" mems_allowed, kernel_release, kind, oom_constraint, global_oom,"
		" oom_memcg, task_memcg, oom_group_memcg, pod_uid, container_id,"
		" oomkill_task, oomkill_pid, oomkill_uid, chosen_pid, chosen_comm,"
		" chosen_score, no_killable, killed_pid, killed_comm, killed_uid,"
		" killed_total_vm_bytes, killed_anon_rss_bytes,"
		" killed_file_rss_bytes, killed_shmem_rss_bytes,"
		" killed_pgtables_bytes, killed_oom_score_adj, victim_exiting, page_size,"
		" page_size_source, complete, missing)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	s.counter = db_prepare(db,
		"INSERT OR IGNORE INTO oom_memcg_counter (capture_id, event, counter,"
		" usage_bytes, limit_bytes, unlimited, failcnt)"
		" VALUES (?,?,?,?,?,?,?)");
	s.stat = prepare_stat(db, 1);
	s.stat_batch = prepare_stat(db, STAT_BATCH);
	s.meminfo = db_prepare(db,
		"INSERT OR IGNORE INTO oom_meminfo (capture_id, event, key, pages, bytes)"
		" VALUES (?,?,?,?,?)");
	s.task = db_prepare(db,
		"INSERT INTO oom_task (capture_id, event, line, pid, uid, tgid,"
		" total_vm_bytes, rss_bytes, rss_anon_bytes, rss_file_bytes,"
		" rss_shmem_bytes, pgtables_bytes, swap_bytes, oom_score_adj,"
		" oom_adj, cpu, name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	s.kill = db_prepare(db,
		"INSERT INTO oom_kill (capture_id, event, seq, reason, line, pid, comm,"
		" uid, total_vm_bytes, anon_rss_bytes, file_rss_bytes,"
		" shmem_rss_bytes, pgtables_bytes, oom_score_adj, memcg, reaped,"
		" reaped_anon_rss_bytes, reaped_file_rss_bytes,"
		" reaped_shmem_rss_bytes)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	for (i = 0; i < log->n; i++) {
		const struct oom_event *ev = &log->v[i];

		no = base + (int64_t)i + 1;

		if (store_event(db, &s, capture_id, no, ev) < 0 ||
		    store_counters(&s, capture_id, no, ev) < 0 ||
		    store_stats(&s, capture_id, no, ev) < 0 ||
		    store_meminfo(&s, capture_id, no, ev) < 0 ||
		    store_tasks(&s, capture_id, no, ev) < 0 ||
		    store_kills(&s, capture_id, no, ev) < 0)
			goto fail;
	}
	if (flush_stats(&s, capture_id) < 0)
		goto fail;
	r = 0;
fail:
	if (r < 0 && ret_err) {
		struct strbuf sb = STRBUF_INIT;

		if (no)
			strbuf_addf(&sb, "OOM event %lld (lines %zu-%zu): ", (long long)no,
				    log->v[no - base - 1].first_line,
				    log->v[no - base - 1].last_line);
		strbuf_addstr(&sb, sqlite3_errmsg(db));
		free(*ret_err);
		*ret_err = strbuf_detach(&sb, NULL);
	}
	stmts_finalize(&s);
	if (r < 0) {
		db_exec(db, "ROLLBACK TO oom_store", NULL);
		db_exec(db, "RELEASE oom_store", NULL);
		return -1;
	}
	return db_exec(db, "RELEASE oom_store", ret_err);
}

int oom_store_log(sqlite3 *db, const char *input, unsigned page_size,
		  const struct oom_log *log, int64_t *ret_capture_id, char **ret_err)
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
	*ret_capture_id = sqlite3_last_insert_rowid(db);
	return r < 0 ? r : oom_store(db, *ret_capture_id, log, ret_err);
}
