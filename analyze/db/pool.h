/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_DB_POOL_H
#define MEMSNAP_DB_POOL_H
/*
 * Reading one database file on several connections at once: the caller's
 * own connection and DB_POOL_THREADS - 1 threads, each opening its own
 * read-only connection to the file in the background from db_pool_open()
 * on (an open reads the schema back: a tenth of a report, paid while the
 * caller opens its own).  db_pool_run() hands tasks 0..n-1 out in that
 * order, each to whichever connection is free, and returns when every task
 * handed out is done and every read lock the run took is let go (a write
 * the moment after goes through).  A task may wait for an earlier one (db_pool_wait()),
 * never a later one: what it waits for was handed out before it, so no
 * deadlock.
 *
 * Every task of a run reads one state of the file, as if the caller's
 * connection ran them all inside one transaction: a `memsnap load`
 * committing meanwhile is seen by none of them.  The caller's connection
 * holds a read transaction over the run (its own, else one db_pool_run()
 * begins and ends), and a thread's connection joins the run only with one
 * of its own begun while the caller's was held: in rollback-journal mode
 * (memsnap's) no commit falls between the two (db_read_lock()).  Where
 * that cannot be (a file in WAL mode, a writer's lock in the way at that
 * moment, the caller in a write transaction), the caller's connection
 * does the run's tasks alone (one state only inside the caller's own
 * transaction: db_pool_run() takes none then).  A writer waits for the
 * run's end to commit (its lock timeout, DB_LOCK_TIMEOUT by default).
 *
 * Without db_pool_open() (a database in memory, which no other
 * connection can read), on a process allowed one CPU (taskset, a cpuset),
 * or when a thread's open fails, the caller's connection does every task,
 * in order.  Used by memsnap export (a view a
 * task) and memsnap report (a group of the report's queries a task): the
 * text report of a 1,328-process node was 206.6 M instructions on one
 * thread, ~122 M on the busier of two (tests/bench/README.md, rpar).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "analyze/db/db.h"

#define DB_POOL_THREADS 2

/*
 * One task: 0, or -1 to hand no further task out (what went wrong is the
 * task's to keep).  worker: 0 for the caller's connection, 1.. for the
 * threads' (for buffers of a worker's own).
 */
typedef int db_task_fn(void *arg, sqlite3 *db, size_t worker, size_t task);

struct db_pool_thread {
	struct db_pool *pool;
	const char *path;
	sqlite3 *db;               /* NULL: its open failed */
	pthread_t thread;
	bool started;
	bool reading;              /* in a read transaction for run `run` */
	size_t run;                /* the last run it tried to join */
};

struct db_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct db_pool_thread threads[DB_POOL_THREADS - 1];
	struct db_deadline *deadline;   /* the caller's, for every connection */
	/* the run under way */
	db_task_fn *fn;
	void *arg;
	size_t ntasks, next;
	signed char *result;       /* per task: 1 running or not yet, 0 done, -1 failed */
	size_t running;
	size_t joined;             /* threads in the run's read transaction, or taking it */
	size_t run;                /* runs begun, for the threads' joining */
	bool shared;               /* the caller's connection holds a read lock */
	bool stop, quit;
};

/* A pool of the caller's connection only (db_pool_close() it). */
void db_pool_init(struct db_pool *p);
/* ... and the threads' connections to the database file at path (kept). */
void db_pool_open(struct db_pool *p, const char *path);
/* Every connection's statements under the caller's budget d (db.h), which
 * must outlive the pool: its passed flag is the one all of them set. */
void db_pool_set_deadline(struct db_pool *p, struct db_deadline *d);
/* Tasks 0..ntasks-1 of fn; db: the caller's connection.  0, or -1 when a
 * task failed (the tasks after it were not handed out). */
int db_pool_run(struct db_pool *p, sqlite3 *db, size_t ntasks, db_task_fn *fn, void *arg);
/* Inside a task of the run: wait until the earlier task is done; 0, or -1
 * when it failed. */
int db_pool_wait(struct db_pool *p, size_t task);
/* Stop the threads and close their connections. */
void db_pool_close(struct db_pool *p);

#endif
