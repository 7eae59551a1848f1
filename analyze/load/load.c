/* SPDX-License-Identifier: MIT */
/*
 * The loader: capture files -> parsers -> SQLite.  This file reads the
 * capture and finds where each file is (load_file()); route.c's table says
 * which loader and table each file goes to; the source families' files
 * (proc.c, cgroup.c, node.c, kmsg.c, bpf.c, k8s.c, meta.c) store what its
 * parser returns.  See loader.h.
 */
#include "analyze/load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/capture/prefetch.h"
#include "analyze/db/db.h"

#include "common/banned.h"

static void capture_problem_cb(void *ud, const char *path, const char *problem)
{
	add_problem(ud, path, problem);
}

/*
 * The cgroup a memory-hierarchy file belongs to: its folder relative to the
 * memory root, "/" for the root.  Returns false when path is not below the
 * memory root.  *ret_file points at the file name inside path.
 */
static bool cgroup_of(struct loader *l, const char *path, struct strbuf *ret,
		      const char **ret_file)
{
	size_t rl = strlen(l->memory_root);
	const char *slash = strrchr(path, '/');

	if (!slash || strncmp(path, l->memory_root, rl) ||
	    (path[rl] != '/'))
		return false;
	strbuf_reset(ret);
	if (slash == path + rl)
		strbuf_addch(ret, '/');
	else
		strbuf_add(ret, path + rl, (size_t)(slash - (path + rl)));
	*ret_file = slash + 1;
	return true;
}

/*
 * Does path start with the string literal lit?  starts_with() with the
 * literal's length known: load_file() tests each of a capture's ~8,000
 * paths against several (1.4 M instructions a fleet capture's writer).
 */
#define PATH_UNDER(path, lit) (strncmp((path), (lit), sizeof(lit) - 1) == 0)

/* proc/<pid>/<rest>: the pid (and *ret_rest), else -1. */
static int64_t process_of(const char *path, const char **ret_rest)
{
	const char *q = path + 5, *slash;

	if (!PATH_UNDER(path, "proc/") || !(slash = strchr(q, '/')))
		return -1;
	*ret_rest = slash + 1;
	return parse_pid(q, (size_t)(slash - q));
}

/*
 * Run the route of f->name in scope, if there is one: the reader's when
 * it placed the file in the same scope (the same name, parse_file_ahead()).
 */
static void route_file(struct loader *l, enum route_scope scope, struct file_in *f)
{
	if (f->ahead && f->ahead->scope == scope)
		f->route = f->ahead->route;
	else
		f->route = route_find(scope, f->name);
	if (f->route && f->route->load)
		f->route->load(l, f);
}

/*
 * Where a file is: manifest.json first; proc/<pid>/... in a process (any
 * other proc/ file is the node's); then the memory hierarchy (its place
 * guessed from the first cgroup file when no manifest said it), whose files
 * each name a cgroup, routed or not; everything else from the top.
 */
static void load_file(struct loader *l, const struct capture_file *cf,
		      struct parsed_file *ahead)
{
	struct file_in f = {
		.path = cf->path, .buf = cf->data, .len = cf->len,
		.name = cf->path, .ahead = ahead,
	};
	const char *p = cf->path, *rest;

	if (l->cg_procs.ngroups && !PATH_UNDER(p, "sys/fs/cgroup/"))
		flush_cgroup_procs(l);   /* the memory hierarchy's files end */
	list_file(l, cf);
	l->stats->files++;
	l->stats->bytes += cf->len;
	l->cur_path = p;
	l->cur_failed = false;

	if (!strcmp(p, "manifest.json")) {
		route_file(l, IN_CAPTURE, &f);
	} else if (PATH_UNDER(p, "samples/")) {
		load_sample_file(l, p, cf->data, cf->len);   /* samples.c */
	} else if (PATH_UNDER(p, "proc/")) {
		f.pid = process_of(p, &rest);
		if (f.pid > 0) {
			f.name = rest;
			route_file(l, IN_PROCESS, &f);
		} else {
			route_file(l, IN_CAPTURE, &f);
		}
	} else if (PATH_UNDER(p, "sys/fs/cgroup/") ||
		   (l->memory_root && starts_with(p, l->memory_root))) {
		guess_memory_root(l, p);
		if (cgroup_of(l, p, &l->cur_cgroup, &f.name)) {
			f.cgroup = l->cur_cgroup.buf;
			cgroup_file_seen(l, f.cgroup, f.name);
			route_file(l, IN_CGROUP, &f);
		}
	} else {
		route_file(l, IN_CAPTURE, &f);
	}
}

/*
 * The kind a capture read alone (load_source_open(): one capture in
 * flight) leaves to the writer, while the writer keeps up.  Then the
 * reader was the longer of the two threads: a one-capture load of the smem
 * bench's node (1,394 processes, thread CPU clocks, median of 30) had the
 * reader end at 20.9 ms and the writer take its last file at 15.8.  A
 * process's status file is the largest kind it parses (46 of its 176 M
 * instructions): parsed on the writer, they end at 17.8 and 18.5 ms, and
 * the load's critical path on two CPUs (the later of them, then the
 * writer's work after the last file) is 27.3 ms instead of 29.7.  But the
 * writer starts late (it opens the database while the reader reads) and,
 * on a machine where SQLite's share is larger, stays behind: the reader
 * parses them too once the writer has not taken the batch before (the
 * hook's `behind`), so neither waits for the other (tests/bench/README.md,
 * behind: a load 33.0 -> 31.4 ms, mean of 150 alternating runs).  With -j
 * N the writer is the longer thread and the readers parse everything.
 */
#define ALONE_WRITER_PARSES PARSED_STATUS

/*
 * prefetch_hooks.prepare, on the reader thread: a file whose route parses
 * ahead (ahead.c), its route guessed from the path alone as load_file()
 * finds it, but for the memory hierarchy, which the reader cannot place:
 * any file below sys/fs/cgroup/ is taken for a cgroup's (the writer
 * parses again what its route does not confirm).  Alone: but for
 * ALONE_WRITER_PARSES, unless the writer is behind.
 */
static void *parse_ahead(const struct capture_file *f, bool alone, bool behind)
{
	enum route_scope scope = IN_CAPTURE;
	const char *name = f->path;
	const struct route *r;
	struct parsed_file *pf;
	const char *rest;

	if (process_of(f->path, &rest) > 0) {
		scope = IN_PROCESS;
		name = rest;
	} else if (PATH_UNDER(f->path, "sys/fs/cgroup/")) {
		scope = IN_CGROUP;
		name = strrchr(f->path, '/') + 1;
	}
	r = route_find(scope, name);
	if (!r || r->ahead == PARSED_NONE ||
	    (alone && !behind && r->ahead == ALONE_WRITER_PARSES))
		return parsed_route_only(scope, r);
	pf = parsed_file_new(r->ahead, f->data, f->len);
	pf->scope = scope;
	pf->route = r;
	if (pf->kind == PARSED_ONE_VALUE && pf->r >= 0)
		one_value_json(&pf->extras, name, &pf->u.one);
	return pf;
}

static void *parse_file_ahead(const struct capture_file *f, bool behind)
{
	return parse_ahead(f, false, behind);
}

static void *parse_file_ahead_alone(const struct capture_file *f, bool behind)
{
	return parse_ahead(f, true, behind);
}

/*
 * After the last file: what needs every file seen first.  The per-cgroup
 * numbers and names most views read, computed once now that every file is
 * in (cgroups_data, cgroup_names_data, cgroup_parts_data, ...:
 * schema/70-views.sql, 85-k8s-views.sql, 80-working-set.sql,
 * 95-report.sql); each reads only the tables filled before it.  The
 * capture's cgroup_memory_at is kept in cgroup_memory_load while they run
 * (emptied in the same statement list: a failed statement is a problem
 * recorded, and the load goes on).
 */
static void load_derived(struct loader *l)
{
	static const char *const sql[LOAD_DERIVED_N] = {
		/* the v1/v2 mapping, worked out once for the two that read it */
		"INSERT INTO cgroup_memory_load SELECT * FROM cgroup_memory_at "
		"WHERE capture_id = ?",
		"INSERT INTO cgroups_data SELECT * FROM cgroups_calc "
		"WHERE capture_id = ?",
		"INSERT INTO cgroup_names_data SELECT * FROM cgroup_names_calc "
		"WHERE capture_id = ?",
		"INSERT INTO cgroup_parts_data SELECT * FROM cgroup_parts_calc "
		"WHERE capture_id = ?",
		/* the loading capture's rows only (empty between loads): all
		   at once, no row by row */
		"DELETE FROM cgroup_memory_load",
		"INSERT INTO cgroup_headroom_data SELECT * FROM cgroup_headroom_calc "
		"WHERE capture_id = ?",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sql); i++) {
		sqlite3_stmt *st = l->cache->derived[i];

		if (!st)
			st = l->cache->derived[i] = db_prepare(l->db, sql[i]);
		if (sqlite3_bind_parameter_count(st))
			sqlite3_bind_int64(st, 1, l->capture_id);
		l->cur_path = "(the working-set tables)";
		l->cur_failed = false;
		put(l, st);
	}
	load_process_counts(l);
}

static void load_finish(struct loader *l, struct capture *c)
{
	flush_misc(l);
	flush_cgroup_files(l);
	flush_file_list(l);
	flush_cgroup_procs(l);
	rows_flush(l);
	load_kmsg(l);
	meta_finish(l, capture_name(c));
	if (l->duplicate)
		return;
	samples_finish(l);
	rows_flush(l);
	load_derived(l);
	l->stats->bpf_maps = bpf_maps_count(l);
}

struct load_source {
	char *source;
	/* capture_name() when opened: the reader thread changes it as it reads
	 * (an archive's top folder), so it is only read again once stopped */
	char *name;
	struct capture *c;
	struct prefetch *pf;      /* NULL: no thread could start */
};

int load_source_open(const char *source, const struct capture_limits *lim,
		     size_t read_ahead, bool alone, struct load_source **ret,
		     char **ret_err)
{
	static const struct prefetch_hooks hooks = {
		parse_file_ahead, parsed_file_free,
	};
	static const struct prefetch_hooks hooks_alone = {
		parse_file_ahead_alone, parsed_file_free,
	};
	struct load_source *s = xcalloc(1, sizeof(*s));

	*ret = NULL;
	if (capture_open(source, lim, &s->c, ret_err) < 0) {
		free(s);
		return -1;
	}
	s->source = xstrdup(source);
	s->name = xstrdup(capture_name(s->c));
	/* Without a thread (none could start), the loader reads it itself. */
	if (prefetch_start(s->c, alone ? &hooks_alone : &hooks, read_ahead,
			   &s->pf) < 0)
		s->pf = NULL;
	*ret = s;
	return 0;
}

void load_source_close(struct load_source *s)
{
	if (!s)
		return;
	prefetch_stop(s->pf);
	capture_close(s->c);
	free(s->name);
	free(s->source);
	free(s);
}

static bool keep_raw = true;

void load_set_raw(bool keep)
{
	keep_raw = keep;
}

bool load_raw(void)
{
	return keep_raw;
}

int load_capture(sqlite3 *db, const char *source,
		 const struct capture_limits *lim, struct load_stats *stats,
		 char **ret_err)
{
	struct load_source *src = NULL;

	memset(stats, 0, sizeof(*stats));
	if (load_source_open(source, lim, 0, true, &src, ret_err) < 0)
		return -1;
	return load_capture_from(db, src, stats, ret_err);
}

struct load_cache *load_cache_new(void)
{
	return xcalloc(1, sizeof(struct load_cache));
}

void load_cache_free(struct load_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < T__COUNT; i++) {
		sqlite3_finalize(c->st[i]);
		sqlite3_finalize(c->batch[i]);
		sqlite3_finalize(c->batch_part[i]);
		sqlite3_finalize(c->batch_own[i]);
		sqlite3_finalize(c->batch_part_own[i]);
	}
	for (i = 0; i < LOAD_DERIVED_N; i++)
		sqlite3_finalize(c->derived[i]);
	sqlite3_finalize(c->proc_sums);
	sqlite3_finalize(c->proc_sums_insert);
	memstat_keys_free(c);
	free(c);
}

int load_capture_from(sqlite3 *db, struct load_source *src,
		      struct load_stats *stats, char **ret_err)
{
	struct load_cache *c = load_cache_new();
	int r = load_capture_with(db, c, src, stats, ret_err);

	load_cache_free(c);
	return r;
}

int load_capture_with(sqlite3 *db, struct load_cache *cache,
		      struct load_source *src, struct load_stats *stats,
		      char **ret_err)
{
	struct loader l = { 0 };
	struct capture *c = src->c;
	const char *source = src->source;
	struct capture_file f;
	void *ahead = NULL;
	sqlite3_stmt *st;
	char *err = NULL;
	int r = -1, n;

	memset(stats, 0, sizeof(*stats));
	l.db = db;
	l.cache = cache;
	l.raw = keep_raw;
	l.stats = stats;
	l.page_size = 4096;
	strbuf_init(&l.last_cgroup, 0);
	strbuf_init(&l.tmp, 0);
	strbuf_init(&l.files, 0);
	strbuf_init(&l.cg_files, 0);
	strbuf_init(&l.cg_files_of, 0);
	strbuf_init(&l.cur_cgroup, 0);
	strbuf_init(&l.cg_procs.names, 0);
	if (db_exec(db, "SAVEPOINT load_capture", &err) < 0) {
		err_set(ret_err, "cannot write '%s': %s", db_name(db), err);
		goto out;
	}
	st = db_prepare(db, "INSERT INTO capture(capture_key, source, name) VALUES "
			"('loading:' || ?, ?, ?)");
	db_bind_text(st, 1, source);
	db_bind_text(st, 2, source);
	db_bind_text(st, 3, src->name);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err_set(ret_err, "cannot write '%s': %s", db_name(db), sqlite3_errmsg(db));
		sqlite3_finalize(st);
		goto rollback;
	}
	sqlite3_finalize(st);
	l.capture_id = sqlite3_last_insert_rowid(db);
	stats->capture_id = l.capture_id;

	while ((n = src->pf ? prefetch_next(src->pf, &f, &ahead, capture_problem_cb,
					    &l, &err)
			    : capture_next(c, &f, capture_problem_cb, &l, &err)) > 0) {
		load_file(&l, &f, ahead);
		if (l.duplicate)
			break;
	}
	prefetch_stop(src->pf);
	src->pf = NULL;
	if (n < 0 && capture_foreign(c)) {
		/* whatever it read: notes, archives (a folder of captures) */
		err_set(ret_err, "cannot load '%s': %s", source, err);
		goto rollback;
	}
	if (n < 0) {
		/*
		 * An archive that breaks before its first file is unreadable;
		 * a limit keeps what it let through, even nothing, as
		 * --max-entries and --max-total alike: the capture is then in
		 * the database, marked incomplete, and a load with higher
		 * limits replaces it.
		 */
		if (stats->files == 0 && !l.have_manifest && !capture_limit_stopped(c)) {
			err_set(ret_err, "cannot read '%s': %s", source, err);
			goto rollback;
		}
		add_problemf(&l, capture_name(c), "%s; what was read before is loaded",
			     err);
		stats->truncated = true;
		strlcpy_s(stats->stop_reason, err, sizeof(stats->stop_reason));
	}
	if (!l.duplicate)
		load_finish(&l, c);
	if (l.fatal) {
		err_set(ret_err, "cannot load '%s' into '%s': %s", source,
			db_name(db), l.fatal);
		goto rollback;
	}
	if (l.duplicate) {
		stats->duplicate = true;
		stats->capture_id = -1;
		db_exec(db, "ROLLBACK TO load_capture", NULL);
		db_exec(db, "RELEASE load_capture", NULL);
		r = 0;
		goto out;
	}
	st = db_prepare(db, "UPDATE capture SET load_complete = ? WHERE capture_id = ?");
	sqlite3_bind_int(st, 1, !stats->truncated && !capture_limit_skipped(c));
	sqlite3_bind_int64(st, 2, l.capture_id);
	r = db_step_reset(st);
	sqlite3_finalize(st);
	if (r < 0 || db_exec(db, "RELEASE load_capture", &err) < 0) {
		r = -1;
		err_set(ret_err, "cannot write '%s': %s", db_name(db),
			err ? err : sqlite3_errmsg(db));
		goto rollback;
	}
	r = 0;
	goto out;
rollback:
	db_exec(db, "ROLLBACK TO load_capture", NULL);
	db_exec(db, "RELEASE load_capture", NULL);
out:
	prefetch_stop(src->pf);
	src->pf = NULL;
	samples_close(&l);
	free(err);
	free(l.fatal);
	free(l.memory_root);
	free(l.cgroup_mode);
	free(l.kmsg_path);
	free(l.kmsg_data);
	free(l.map_ids);
	oom_log_free(&l.kmsg_log);
	strbuf_release(&l.last_cgroup);
	strbuf_release(&l.tmp);
	strbuf_release(&l.files);
	strbuf_release(&l.cg_files);
	strbuf_release(&l.cg_files_of);
	strbuf_release(&l.cur_cgroup);
	cg_procs_free(&l.cg_procs);
	rows_texts_free(&l);
	free(l.misc.cmdline);
	free(l.misc.memcg);
	load_source_close(src);
	return r;
}
