/* SPDX-License-Identifier: MIT */
/*
 * analyze/db: a database memsnap did not write is refused, every query can
 * run under a time budget, the read-only guard refuses what writes, and
 * k8s_cgroup() reads a path as the loader does.  The pool (pool.h): tasks
 * are handed out in order; on the caller's connection alone they run in
 * that order; a thread's own connection takes tasks while the caller is
 * busy; a failed task stops the handing out and what waits for it hears
 * so; the caller's time budget holds on the thread's connection too.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "analyze/db/blobs.h"
#include "analyze/db/db.h"
#include "analyze/db/pool.h"
#include "common/util.h"

static char path[64];

static int setup(void **state)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	int fd;

	(void)state;
	xsnprintf(path, sizeof(path), "/tmp/test_db.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	if (db_open(path, true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	db_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void tamper(const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void expect_refused(const char *what)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	assert_int_equal(db_open_existing(path, false, &db, &err), -1);
	assert_null(db);
	if (!strstr(err, "is not a database memsnap wrote") || !strstr(err, what))
		fail_msg("message '%s' does not name %s", err, what);
	free(err);
	err = NULL;
	/* nor loaded into */
	assert_int_equal(db_open(path, true, &db, &err), -1);
	free(err);
}

static void test_db_open_existing_own(void **state)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	(void)state;
	/* a user's own table, view and index, and SQLite's statistics, are fine */
	tamper("CREATE TABLE mine(a); CREATE VIEW my_view AS SELECT 1; "
	       "CREATE INDEX my_index ON mine(a); ANALYZE");
	if (db_open_existing(path, false, &db, &err) < 0)
		fail_msg("%s", err);
	db_close(db);
}

/*
 * A load stopped mid-capture (SIGINT) leaves a hot journal: a read-only
 * open (memsnap sql, report) rolls the capture back and reads the
 * database as it was before that capture, instead of calling the file
 * "not an SQLite database" (SQLITE_READONLY_ROLLBACK).
 */
static void test_db_open_existing_stopped_load(void **state)
{
	char journal[80];
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	char *err = NULL;
	struct stat st;
	pid_t pid;
	int status, n = -1;

	(void)state;
	tamper("CREATE TABLE mine(a); INSERT INTO mine VALUES (1)");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a write that spills to the file, then a death before COMMIT */
		if (sqlite3_open(path, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA cache_size = 1; BEGIN; "
				 "INSERT INTO mine SELECT zeroblob(4000) FROM "
				 "(WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
				 "FROM r WHERE i < 500) SELECT i FROM r)", NULL, NULL,
				 NULL) != SQLITE_OK)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	xsnprintf(journal, sizeof(journal), "%s-journal", path);
	assert_int_equal(stat(journal, &st), 0);
	assert_true(st.st_size > 0);

	if (db_open_existing(path, false, &db, &err) < 0)
		fail_msg("db_open_existing: %s", err);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM mine", -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	assert_int_equal(n, 1);
	db_close(db);
	unlink(journal);
}

/* db_check_schema()'s pass in place: the built-in objects, in their order? */
static bool builtin_schema(sqlite3 *db)
{
	return db_schema_objects_same(db, memsnap_schema_objects,
				      (size_t)(memsnap_schema_objects_end - memsnap_schema_objects));
}

/*
 * A view dropped and made again with the same text is the schema memsnap
 * writes, in another order (rowid): the comparison in place fails, the
 * merge by name accepts it.
 */
static void test_db_open_existing_reordered(void **state)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *err = NULL, *sql;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_true(builtin_schema(db));
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master "
					    "WHERE name = 'report_capture'", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	sql = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "DROP VIEW report_capture", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_false(builtin_schema(db));
	sqlite3_close(db);
	free(sql);
	if (db_open_existing(path, false, &db, &err) < 0)
		fail_msg("%s", err);
	db_close(db);
}

static void test_db_open_existing_view_replaced(void **state)
{
	(void)state;
	/* the view memsnap report reads first, made endless */
	tamper("DROP VIEW report_capture; CREATE VIEW report_capture AS "
	       "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
	       "SELECT x AS capture_id FROM c");
	expect_refused("report_capture");
}

static void test_db_open_existing_view_missing(void **state)
{
	(void)state;
	tamper("DROP VIEW processes");
	expect_refused("'processes' is missing");
}

static void test_db_open_existing_trigger(void **state)
{
	(void)state;
	tamper("CREATE TRIGGER zz AFTER INSERT ON capture BEGIN SELECT 1; END");
	expect_refused("trigger 'zz'");
}

/* Can db prepare sql? */
static bool prepares(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;

	sqlite3_finalize(st);
	return ok;
}

/* sqlite_master of the file at p, every column of every row by rowid, as text. */
static char *master_rows(const char *p)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int c;

	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid, type, name, tbl_name, rootpage, "
					    "sql FROM sqlite_master ORDER BY rowid", -1, &st,
					    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (c = 0; c < 6; c++) {
			const unsigned char *t = sqlite3_column_text(st, c);

			strbuf_addf(&sb, "%s%c", t ? (const char *)t : "NULL", c == 5 ? '\n' : '|');
		}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return strbuf_detach(&sb, NULL);
}

/*
 * The loader's new file (db_open_loader()): the writer's image, the views
 * it leaves out put back, so every other connection finds the whole
 * schema, in the image's order (sqlite_master row for row as db_open()
 * makes it), while the loader's own prepares only the views it reads
 * (findings is not one of them).
 */
static void test_db_open_loader_whole_file(void **state)
{
	sqlite3 *db = NULL, *other = NULL;
	char *err = NULL;

	(void)state;
	unlink(path);
	if (db_open_loader(path, &db, &err) < 0)
		fail_msg("db_open_loader: %s", err);
	assert_true(prepares(db, "SELECT * FROM cgroup_headroom_calc"));
	assert_false(prepares(db, "SELECT * FROM findings"));
	if (db_open_existing(path, false, &other, &err) < 0)
		fail_msg("db_open_existing: %s", err);
	assert_true(db_schema_objects_same(other, memsnap_schema_objects,
					   (size_t)(memsnap_schema_objects_end -
						    memsnap_schema_objects)));
	assert_true(prepares(other, "SELECT * FROM findings"));
	db_close(other);
	db_close(db);
	{
		char whole[80], *a, *b;

		xsnprintf(whole, sizeof(whole), "%s-whole", path);
		unlink(whole);
		if (db_open(whole, true, &other, &err) < 0)
			fail_msg("db_open: %s", err);
		db_close(other);
		a = master_rows(path);
		b = master_rows(whole);
		assert_string_equal(a, b);
		free(a);
		free(b);
		unlink(whole);
	}
	/* an existing file: as db_open() opens it, every view */
	if (db_open_loader(path, &db, &err) < 0)
		fail_msg("db_open_loader: %s", err);
	assert_true(prepares(db, "SELECT * FROM findings"));
	db_close(db);
}

/*
 * A load stopped between making the file and putting the views back
 * leaves the writer's image alone (here: those views deleted again).  A
 * reader refuses it, naming a view; the next load puts them back; and a
 * connection that read the schema before sees them (the schema cookie
 * changed).  Views dropped by hand are not put back.
 */
static void test_db_open_loader_stopped(void **state)
{
	const char *p = memsnap_schema_rest;
	struct strbuf del = STRBUF_INIT;
	sqlite3 *db = NULL, *before = NULL;
	char *err = NULL;

	(void)state;
	unlink(path);
	if (db_open_loader(path, &db, &err) < 0)
		fail_msg("db_open_loader: %s", err);
	db_close(db);
	strbuf_addstr(&del, "PRAGMA writable_schema = ON; DELETE FROM sqlite_master WHERE rowid IN (0");
	while (p[0] || p[1] || p[2] || p[3]) {   /* schema.rest: u32 rowid, 3 strings */
		const unsigned char *b = (const unsigned char *)p;
		unsigned rowid = b[0] | b[1] << 8 | b[2] << 16 | (unsigned)b[3] << 24;
		int k;

		strbuf_addf(&del, ", %u", rowid);
		for (p += 4, k = 0; k < 3; k++)
			p += strlen(p) + 1;
	}
	strbuf_addstr(&del, "); PRAGMA writable_schema = OFF");
	tamper(del.buf);
	assert_int_equal(sqlite3_open(path, &before), SQLITE_OK);
	assert_true(prepares(before, "SELECT * FROM capture"));
	/* a raw connection: a view with none of memsnap's SQL functions */
	assert_false(prepares(before, "SELECT * FROM oom_kills"));

	assert_int_equal(db_open_existing(path, false, &db, &err), -1);
	assert_non_null(strstr(err, "is missing"));
	free(err);
	err = NULL;
	if (db_open(path, true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	assert_true(prepares(db, "SELECT * FROM findings"));
	db_close(db);
	assert_true(prepares(before, "SELECT * FROM oom_kills"));
	sqlite3_close(before);
	if (db_open_existing(path, false, &db, &err) < 0)
		fail_msg("db_open_existing: %s", err);
	db_close(db);

	/* one of them dropped: refused, not put back */
	tamper("DROP VIEW findings");
	expect_refused("'findings' is missing");
	strbuf_release(&del);
}

/* A database's objects, user_version and page size, in one string. */
static char *db_summary(sqlite3 *db)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	char *objects = NULL;
	size_t len = 0, i;

	assert_int_equal(db_schema_objects(db, &objects, &len), 0);
	assert_true(len > 0);
	/* one C string: each object's NUL made a form feed */
	for (i = 0; i < len; i++)
		strbuf_addch(&sb, objects[i] ? objects[i] : '\f');
	sqlite3_free(objects);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version), "
					    "(SELECT page_size FROM pragma_page_size), "
					    "(SELECT count(*) FROM working_set_parts), "
					    "(SELECT count(*) FROM public_columns)", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_true(sqlite3_column_int(st, 3) > 0);
	strbuf_addf(&sb, "%d %d %d %d", sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
		    sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
	sqlite3_finalize(st);
	return strbuf_detach(&sb, NULL);
}

/*
 * A new file and a database in memory are copies of the image made at
 * build time; an empty file that is there already gets the schema
 * executed: all three are one schema.
 */
static void test_db_open_image_is_schema(void **state)
{
	char empty[64], *made, *mem, *executed, *err = NULL;
	sqlite3 *db = NULL;
	int fd;

	(void)state;
	assert_int_equal(db_open_existing(path, false, &db, &err), 0);
	made = db_summary(db);
	db_close(db);
	assert_int_equal(db_open(":memory:", true, &db, &err), 0);
	mem = db_summary(db);
	db_close(db);
	xsnprintf(empty, sizeof(empty), "/tmp/test_db.XXXXXX");
	fd = mkstemp(empty);
	assert_true(fd >= 0);
	close(fd);
	if (db_open(empty, true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	executed = db_summary(db);
	db_close(db);
	unlink(empty);
	assert_string_equal(made, executed);
	assert_string_equal(mem, executed);
	assert_non_null(strstr(executed, "\fview\nfindings\nCREATE VIEW findings AS"));
	free(made);
	free(mem);
	free(executed);
}

static void test_db_set_deadline_interrupts(void **state)
{
	struct db_deadline d;
	struct timespec t0, t1;
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	char *err = NULL;

	(void)state;
	if (db_open(":memory:", true, &db, &err) < 0)
		fail_msg("%s", err);
	db_set_deadline(db, &d, 0.2);
	st = db_prepare(db, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
			"FROM c) SELECT count(*) FROM c");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sqlite3_step(st), SQLITE_INTERRUPT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	assert_true(db_deadline_passed(&d));
	sqlite3_finalize(st);
	/* 0: no budget */
	db_set_deadline(db, &d, 0);
	st = db_prepare(db, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
			"FROM c WHERE x < 100000) SELECT count(*) FROM c");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_false(db_deadline_passed(&d));
	sqlite3_finalize(st);
	db_close(db);
}

static void guard_expect(sqlite3 *db, struct db_guard *g, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	const char *got = NULL;
	int r;

	db_guard_reset(g);
	sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	r = db_guard_check(g, st, &got);
	sqlite3_finalize(st);
	if (what && (r != -1 || strcmp(got, what)))
		fail_msg("%s: got %d '%s', want '%s' refused", sql, r, got ? got : "", what);
	if (!what && r != 0)
		fail_msg("%s: refused as '%s'", sql, got);
}

static void test_db_guard_read_only(void **state)
{
	struct db_guard g;
	sqlite3 *db = NULL;
	char *err = NULL;

	(void)state;
	if (db_open(":memory:", true, &db, &err) < 0)
		fail_msg("%s", err);
	db_guard_read_only(db, &g);
	guard_expect(db, &g, "VACUUM INTO '/tmp/test_db-vacuum'", "VACUUM");
	guard_expect(db, &g, "ATTACH '/tmp/test_db-attach' AS a", "ATTACH");
	guard_expect(db, &g, "  delete FROM capture", "DELETE");
	guard_expect(db, &g, "CREATE TEMP VIEW v AS SELECT 1", "CREATE");
	guard_expect(db, &g, "PRAGMA user_version = 1", "PRAGMA user_version with a value");
	guard_expect(db, &g, "PRAGMA wal_checkpoint", "PRAGMA wal_checkpoint");
	guard_expect(db, &g, "SELECT load_extension('x')", "load_extension()");
	guard_expect(db, &g, "SELECT count(*) FROM processes", NULL);
	guard_expect(db, &g, "PRAGMA table_info('capture')", NULL);
	guard_expect(db, &g, "PRAGMA user_version", NULL);
	guard_expect(db, &g, "BEGIN", NULL);
	db_close(db);
}

/* One k8s_cgroup(PATH, FIELD) of a query, as text ("NULL" for NULL). */
static void k8s_expect(sqlite3 *db, const char *cgroup, const char *field, const char *want)
{
	sqlite3_stmt *st = NULL;
	const char *got;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(k8s_cgroup(?1, ?2), 'NULL')", -1, &st,
			       NULL) != SQLITE_OK)
		fail_msg("prepare: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, cgroup, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	got = (const char *)sqlite3_column_text(st, 0);
	if (strcmp(got, want))
		fail_msg("k8s_cgroup('%s', '%s') = '%s', want '%s'", cgroup, field, got, want);
	sqlite3_finalize(st);
}

static void test_db_k8s_cgroup(void **state)
{
	static const char pod[] = "/kubepods/burstable/pod6e0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a01";
	static const char ctr[] = "/kubepods/burstable/pod6e0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a01/"
				  "b200000000000000000000000000000000000000000000000000000000000002";
	sqlite3 *db = NULL;
	char *err = NULL;

	(void)state;
	if (db_open(":memory:", true, &db, &err) < 0)
		fail_msg("%s", err);
	k8s_expect(db, ctr, "level", "container");
	k8s_expect(db, ctr, "pod_uid", "6e0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a01");
	k8s_expect(db, ctr, "container_id", ctr + sizeof(pod));
	k8s_expect(db, pod, "level", "pod");
	k8s_expect(db, pod, "container_id", "NULL");
	k8s_expect(db, "/kubepods/burstable", "level", "qos");
	k8s_expect(db, "/system.slice/sshd.service", "level", "NULL");
	k8s_expect(db, "/system.slice/sshd.service", "pod_uid", "NULL");
	k8s_expect(db, ctr, "runtime", "NULL");   /* not a field it gives */
	db_close(db);
}

/* ---- analyze/db/pool: several connections, a thread each ---- */

/* The caller's connection to the test's database, and a pool on it (with
 * its thread's connection too when `threads`). */
static struct db_pool pool;
static sqlite3 *caller;

static void pool_start(bool threads)
{
	char *err = NULL;
	cpu_set_t set;

	/* a process allowed one CPU starts no thread (pool.h) */
	CPU_ZERO(&set);
	if (threads && (sched_getaffinity(0, sizeof(set), &set) < 0 || CPU_COUNT(&set) < 2))
		skip();
	caller = NULL;
	if (db_open_existing(path, false, &caller, &err) < 0)
		fail_msg("db_open_existing: %s", err);
	db_pool_init(&pool);
	if (threads)
		db_pool_open(&pool, path);
}

static void pool_end(void)
{
	db_pool_close(&pool);
	db_close(caller);
}

#define NTASKS 8

struct record {
	atomic_int order[NTASKS];    /* 1 + the rank it started at; 0: never */
	atomic_int started;
	size_t worker[NTASKS];
	bool own_db[NTASKS];         /* worker 0 on the caller's connection only */
	int fail_at;                 /* a task that fails, or -1 */
	int waited[NTASKS];          /* what db_pool_wait() said */
	int step[NTASKS];            /* what the task's statement said */
	bool wait_for_other;         /* task 0 waits until task 1 has started */
	const char *sql;             /* a statement each task runs, or NULL */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int task(void *arg, sqlite3 *db, size_t worker, size_t i)
{
	struct record *r = arg;
	double until = now_s() + 10;

	r->order[i] = atomic_fetch_add(&r->started, 1) + 1;
	r->worker[i] = worker;
	/* checked by the test's thread: cmocka's asserts jump */
	r->own_db[i] = (worker == 0) == (db == caller);
	if (i > 0)
		r->waited[i] = db_pool_wait(&pool, i - 1);
	if (r->wait_for_other && i == 0)
		while (!r->order[1] && now_s() < until)
			usleep(1000);
	if (r->sql) {
		sqlite3_stmt *st = db_prepare(db, r->sql);

		r->step[i] = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return (int)i == r->fail_at ? -1 : 0;
}

static void record_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->fail_at = -1;
}

static void test_db_pool_alone_in_order(void **state)
{
	struct record r;
	size_t i;

	(void)state;
	pool_start(false);
	record_init(&r);
	assert_int_equal(db_pool_run(&pool, caller, NTASKS, task, &r), 0);
	for (i = 0; i < NTASKS; i++) {
		assert_int_equal(r.order[i], (int)i + 1);
		assert_int_equal(r.worker[i], 0);
		assert_true(r.own_db[i]);
		assert_int_equal(r.waited[i], 0);
	}
	/* a failure: what comes after it is not handed out */
	record_init(&r);
	r.fail_at = 3;
	assert_int_equal(db_pool_run(&pool, caller, NTASKS, task, &r), -1);
	for (i = 0; i < NTASKS; i++)
		assert_int_equal(r.order[i], i <= 3 ? (int)i + 1 : 0);
	pool_end();
}

static void test_db_pool_thread_takes_tasks(void **state)
{
	struct record r;
	size_t i;

	(void)state;
	pool_start(true);
	/* twice: the thread's connection serves run after run */
	for (i = 0; i < 2; i++) {
		size_t j;

		record_init(&r);
		r.wait_for_other = true;   /* the caller busy: the thread takes 1 */
		r.sql = "SELECT count(*) FROM sqlite_master";
		assert_int_equal(db_pool_run(&pool, caller, NTASKS, task, &r), 0);
		assert_int_equal(r.worker[0], 0);
		assert_int_equal(r.worker[1], 1);
		for (j = 0; j < NTASKS; j++) {
			assert_int_not_equal(r.order[j], 0);
			assert_true(r.own_db[j]);
			assert_int_equal(r.step[j], SQLITE_ROW);
			assert_int_equal(r.waited[j], 0);
		}
	}
	/* a failure on the thread's connection: the task waiting for it hears
	 * so, the run fails */
	record_init(&r);
	r.wait_for_other = true;
	r.fail_at = 1;
	assert_int_equal(db_pool_run(&pool, caller, NTASKS, task, &r), -1);
	assert_int_equal(r.worker[1], 1);
	/* task 2 only if the caller took it before task 1 ended: it heard */
	if (r.order[2])
		assert_int_equal(r.waited[2], -1);
	for (i = 3; i < NTASKS; i++)
		assert_int_equal(r.order[i], 0);
	pool_end();
}

static void test_db_pool_deadline_on_every_connection(void **state)
{
	struct db_deadline d;
	struct record r;

	(void)state;
	pool_start(true);
	db_set_deadline(caller, &d, 0.2);
	db_pool_set_deadline(&pool, &d);
	record_init(&r);
	r.wait_for_other = true;
	/* seconds without a budget: a thread without it fails, not hangs */
	r.sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
		"WHERE x < 20000000) SELECT count(*) FROM c";
	assert_int_equal(db_pool_run(&pool, caller, 2, task, &r), 0);
	assert_int_equal(r.worker[1], 1);
	assert_int_equal(r.step[0], SQLITE_INTERRUPT);
	assert_int_equal(r.step[1], SQLITE_INTERRUPT);
	assert_true(db_deadline_passed(&d));
	pool_end();
}

/*
 * A `memsnap load` committing while a run reads: no task sees it, whichever
 * connection runs it (one state of the file, pool.h).  Task 0 reads the
 * probe row, then another connection tries to change it; task 1, on the
 * thread's connection when there is one, reads it after.
 */
struct probe {
	atomic_int started1;
	int seen[2];
	size_t worker[2];
	int write;           /* what the other connection's UPDATE said */
};

static int read_probe(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT value FROM node_meminfo WHERE key = 'probe'");
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;

	sqlite3_finalize(st);
	return v;
}

static int probe_task(void *arg, sqlite3 *db, size_t worker, size_t i)
{
	struct probe *pr = arg;
	double until = now_s() + 10;
	sqlite3 *w = NULL;

	pr->worker[i] = worker;
	if (i == 1) {
		pr->started1 = 1;
		if (db_pool_wait(&pool, 0) < 0)
			return -1;
		pr->seen[1] = read_probe(db);
		return 0;
	}
	/* with a thread: task 1 handed out to it before the write */
	while (pool.threads[0].started && !pr->started1 && now_s() < until)
		usleep(1000);
	pr->seen[0] = read_probe(db);
	/* no busy handler: a commit held off fails at once */
	pr->write = sqlite3_open(path, &w) == SQLITE_OK ?
		    sqlite3_exec(w, "UPDATE node_meminfo SET value = 2 WHERE key = 'probe'",
				 NULL, NULL, NULL) : -1;
	sqlite3_close(w);
	return 0;
}

static void pool_one_state(bool threads)
{
	struct probe pr;

	tamper("INSERT INTO node_meminfo VALUES (1, 'probe', 1)");
	pool_start(threads);
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(db_pool_run(&pool, caller, 2, probe_task, &pr), 0);
	if (threads) {
		assert_int_equal(pr.worker[0], 0);
		assert_int_equal(pr.worker[1], 1);
	}
	assert_int_equal(pr.seen[0], 1);
	assert_int_equal(pr.seen[1], 1);
	assert_int_not_equal(pr.write, SQLITE_OK);
	/* the run over, its lock is gone: the write goes through */
	tamper("UPDATE node_meminfo SET value = 3 WHERE key = 'probe'");
	assert_int_equal(read_probe(caller), 3);
	pool_end();
}

static void test_db_pool_one_state_alone(void **state)
{
	(void)state;
	pool_one_state(false);
}

static void test_db_pool_one_state_on_two_connections(void **state)
{
	(void)state;
	pool_one_state(true);
}

/* The columns a statement gives, "name type\n" each. */
static char *columns_of(sqlite3 *db, const char *sql)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int i;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare: %s\n%.300s", sqlite3_errmsg(db), sql);
	for (i = 0; i < sqlite3_column_count(st); i++)
		strbuf_addf(&sb, "%s %s\n", sqlite3_column_name(st, i),
			    sqlite3_column_decltype(st, i) ? sqlite3_column_decltype(st, i) : "-");
	sqlite3_finalize(st);
	return strbuf_detach(&sb, NULL);
}

/*
 * Every view of the built-in schema, as the query's own text: the query
 * prepares and gives the view's columns, by name and declared type (a view
 * with a column list keeps its names).
 */
static void test_db_with_views_every_view(void **state)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	char *err = NULL;
	int nviews = 0;

	(void)state;
	assert_int_equal(db_open(":memory:", true, &db, &err), 0);
	st = db_prepare(db, "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *names[] = { name, NULL };
		char sql[256], *with, *want, *have;

		xsnprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE 1", name);
		with = db_with_views(sql, names);
		if (!starts_with(with, "WITH\n") || !strstr(with, " AS NOT MATERIALIZED ("))
			fail_msg("%s: not inlined: %.200s", name, with);
		want = columns_of(db, sql);
		have = columns_of(db, with);
		if (strcmp(want, have))
			fail_msg("%s: columns\n%s\nas a view, and\n%s\ninlined", name, want, have);
		free(want);
		free(have);
		free(with);
		nviews++;
	}
	sqlite3_finalize(st);
	assert_true(nviews > 50);
	db_close(db);
}

/* The same rows through the views and through their inlined text. */
static void expect_same_rows(sqlite3 *db, const char *sql, const char *const *names)
{
	char *with = db_with_views(sql, names), *a, *b;
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	struct strbuf *out[] = { &x, &y };
	const char *texts[] = { sql, with };
	int k, i;

	assert_string_not_equal(sql, with);
	for (k = 0; k < 2; k++) {
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(db, texts[k], -1, &st, NULL) != SQLITE_OK)
			fail_msg("prepare: %s\n%.400s", sqlite3_errmsg(db), texts[k]);
		while (sqlite3_step(st) == SQLITE_ROW)
			for (i = 0; i < sqlite3_column_count(st); i++)
				strbuf_addf(out[k], "%s%c", sqlite3_column_type(st, i) == SQLITE_NULL ?
					    "NULL" : (const char *)sqlite3_column_text(st, i),
					    i + 1 < sqlite3_column_count(st) ? '|' : '\n');
		sqlite3_finalize(st);
	}
	a = x.buf;
	b = y.buf;
	assert_true(x.len > 0);
	assert_string_equal(a, b);
	strbuf_release(&x);
	strbuf_release(&y);
	free(with);
}

/*
 * Only the listed views are inlined, those they read that are listed too
 * (before them), the others left as views; a name in a string or a comment
 * is no reference; the query's own WITH comes after the views' (RECURSIVE
 * kept in front), and one that reuses a listed name leaves the query alone.
 */
static void test_db_with_views_text(void **state)
{
	static const char *const two[] = { "report_findings_now_2", "findings_now_2", NULL };
	static const char *const one[] = { "findings_now_2", NULL };
	sqlite3 *db = NULL;
	char *err = NULL, *w;
	const char *a, *b;

	(void)state;
	assert_int_equal(db_open(":memory:", true, &db, &err), 0);

	w = db_with_views("SELECT * FROM report_findings_now_2", two);
	a = strstr(w, "\nfindings_now_2 AS NOT MATERIALIZED (");
	b = strstr(w, "\nreport_findings_now_2 AS NOT MATERIALIZED (");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);   /* what it reads first */
	assert_null(strstr(w, "\nfinding_cgroups AS"));   /* not listed: a view */
	assert_true(ends_with(w, "\nSELECT * FROM report_findings_now_2"));
	free(columns_of(db, w));
	free(w);

	/* findings_now_2 reached only through a view not listed: left alone */
	w = db_with_views("SELECT * FROM report_findings_now_2", one);
	assert_string_equal(w, "SELECT * FROM report_findings_now_2");
	free(w);
	w = db_with_views("SELECT 'findings_now_2' -- findings_now_2\n/* findings_now_2 */", one);
	assert_string_equal(w, "SELECT 'findings_now_2' -- findings_now_2\n/* findings_now_2 */");
	free(w);
	w = db_with_views("SELECT * FROM \"findings_now_2\"", one);
	assert_true(starts_with(w, "WITH\nfindings_now_2 AS"));
	free(columns_of(db, w));
	free(w);

	w = db_with_views("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
			  "WHERE i < 3), x AS (SELECT 2) SELECT * FROM n, x, FINDINGS_NOW_2", one);
	assert_true(starts_with(w, "WITH RECURSIVE\nfindings_now_2 AS NOT MATERIALIZED ("));
	assert_true(ends_with(w, "\n), n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
			      "WHERE i < 3), x AS (SELECT 2) SELECT * FROM n, x, FINDINGS_NOW_2"));
	free(columns_of(db, w));
	free(w);
	w = db_with_views("WITH x AS (SELECT 1), findings_now_2(a) AS MATERIALIZED (SELECT 2) "
			  "SELECT * FROM x, findings_now_2", one);
	assert_string_equal(w, "WITH x AS (SELECT 1), findings_now_2(a) AS MATERIALIZED "
			    "(SELECT 2) SELECT * FROM x, findings_now_2");
	free(w);

	/* rows: a view of a column list, and one over others */
	assert_int_equal(db_exec(db, "INSERT INTO capture (capture_id, capture_key) VALUES (7, 'k');"
				 "INSERT INTO cgroups_data (capture_id, cgroup, limit_bytes) "
				 "VALUES (7, '/a', 100), (7, '/b', NULL)", &err), 0);
	{
		static const char *const own[] = { "cgroup_own_limit", NULL };

		expect_same_rows(db, "SELECT * FROM cgroup_own_limit ORDER BY cgroup", own);
	}
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_db_open_image_is_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_open_existing_own, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_open_existing_reordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_open_existing_view_replaced, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_db_open_existing_view_missing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_db_open_existing_trigger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_open_existing_stopped_load, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_db_open_loader_whole_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_open_loader_stopped, setup, teardown),
		cmocka_unit_test(test_db_set_deadline_interrupts),
		cmocka_unit_test(test_db_guard_read_only),
		cmocka_unit_test(test_db_k8s_cgroup),
		cmocka_unit_test(test_db_with_views_every_view),
		cmocka_unit_test(test_db_with_views_text),
		cmocka_unit_test_setup_teardown(test_db_pool_alone_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_pool_thread_takes_tasks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_pool_deadline_on_every_connection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_db_pool_one_state_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_pool_one_state_on_two_connections, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
