/* SPDX-License-Identifier: MIT */
/*
 * analyze/db/pool: tasks are handed out in order; on the caller's
 * connection alone they run in that order; a thread's own connection takes
 * tasks while the caller is busy; a failed task stops the handing out and
 * what waits for it hears so; the caller's time budget holds on the
 * thread's connection too.
 */
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
#include <cmocka.h>

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
	xsnprintf(path, sizeof(path), "/tmp/test_pool.XXXXXX");
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

#define NTASKS 8

struct record {
	struct db_pool *pool;
	sqlite3 *caller;
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int task(void *arg, sqlite3 *db, size_t worker, size_t i)
{
	struct record *r = arg;
	double until = now() + 10;

	r->order[i] = atomic_fetch_add(&r->started, 1) + 1;
	r->worker[i] = worker;
	/* checked by the test's thread: cmocka's asserts jump */
	r->own_db[i] = (worker == 0) == (db == r->caller);
	if (i > 0)
		r->waited[i] = db_pool_wait(r->pool, i - 1);
	if (r->wait_for_other && i == 0)
		while (!r->order[1] && now() < until)
			usleep(1000);
	if (r->sql) {
		sqlite3_stmt *st = db_prepare(db, r->sql);

		r->step[i] = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return (int)i == r->fail_at ? -1 : 0;
}

static void record_init(struct record *r, struct db_pool *p, sqlite3 *db)
{
	memset(r, 0, sizeof(*r));
	r->pool = p;
	r->caller = db;
	r->fail_at = -1;
}

static sqlite3 *open_caller(void)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (db_open_existing(path, false, &db, &err) < 0)
		fail_msg("db_open_existing: %s", err);
	return db;
}

static void test_db_pool_alone_in_order(void **state)
{
	struct db_pool p;
	struct record r;
	sqlite3 *db = open_caller();
	size_t i;

	(void)state;
	db_pool_init(&p);
	record_init(&r, &p, db);
	assert_int_equal(db_pool_run(&p, db, NTASKS, task, &r), 0);
	for (i = 0; i < NTASKS; i++) {
		assert_int_equal(r.order[i], (int)i + 1);
		assert_int_equal(r.worker[i], 0);
		assert_true(r.own_db[i]);
		assert_int_equal(r.waited[i], 0);
	}
	/* a failure: what comes after it is not handed out */
	record_init(&r, &p, db);
	r.fail_at = 3;
	assert_int_equal(db_pool_run(&p, db, NTASKS, task, &r), -1);
	for (i = 0; i < NTASKS; i++)
		assert_int_equal(r.order[i], i <= 3 ? (int)i + 1 : 0);
	db_pool_close(&p);
	db_close(db);
}

static void test_db_pool_thread_takes_tasks(void **state)
{
	struct db_pool p;
	struct record r;
	sqlite3 *db = open_caller();
	size_t i;

	(void)state;
	db_pool_init(&p);
	db_pool_open(&p, path);
	/* twice: the thread's connection serves run after run */
	for (i = 0; i < 2; i++) {
		size_t j;

		record_init(&r, &p, db);
		r.wait_for_other = true;   /* the caller busy: the thread takes 1 */
		r.sql = "SELECT count(*) FROM sqlite_master";
		assert_int_equal(db_pool_run(&p, db, NTASKS, task, &r), 0);
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
	record_init(&r, &p, db);
	r.wait_for_other = true;
	r.fail_at = 1;
	assert_int_equal(db_pool_run(&p, db, NTASKS, task, &r), -1);
	assert_int_equal(r.worker[1], 1);
	/* task 2 only if the caller took it before task 1 ended: it heard */
	if (r.order[2])
		assert_int_equal(r.waited[2], -1);
	for (i = 3; i < NTASKS; i++)
		assert_int_equal(r.order[i], 0);
	db_pool_close(&p);
	db_close(db);
}

static void test_db_pool_deadline_on_every_connection(void **state)
{
	struct db_deadline d;
	struct db_pool p;
	struct record r;
	sqlite3 *db = open_caller();

	(void)state;
	db_pool_init(&p);
	db_pool_open(&p, path);
	db_set_deadline(db, &d, 0.2);
	db_pool_set_deadline(&p, &d);
	record_init(&r, &p, db);
	r.wait_for_other = true;
	/* seconds without a budget: a thread without it fails, not hangs */
	r.sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
		"WHERE x < 20000000) SELECT count(*) FROM c";
	assert_int_equal(db_pool_run(&p, db, 2, task, &r), 0);
	assert_int_equal(r.worker[1], 1);
	assert_int_equal(r.step[0], SQLITE_INTERRUPT);
	assert_int_equal(r.step[1], SQLITE_INTERRUPT);
	assert_true(db_deadline_passed(&d));
	db_pool_close(&p);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_db_pool_alone_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_pool_thread_takes_tasks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_pool_deadline_on_every_connection, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
