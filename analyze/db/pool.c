/* SPDX-License-Identifier: MIT */
/*
 * Several connections to one database file, a thread each (pool.h).
 */
#include "analyze/db/pool.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

void db_pool_init(struct db_pool *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
}

/* Hand out the next task of the run, if any: its index, or ntasks.  Locked. */
static size_t take(struct db_pool *p)
{
	if (!p->fn || p->stop || p->next >= p->ntasks)
		return p->ntasks;
	p->running++;
	return p->next++;
}

/* Run task i on db, then say how it went.  Called unlocked, returns locked. */
static void run_task(struct db_pool *p, sqlite3 *db, size_t worker, size_t i)
{
	int r = p->fn(p->arg, db, worker, i);

	pthread_mutex_lock(&p->lock);
	p->result[i] = r < 0 ? -1 : 0;
	if (r < 0)
		p->stop = true;
	p->running--;
	pthread_cond_broadcast(&p->cond);
}

/* The end of a thread's read transaction.  Locked, returns locked. */
static void read_end(struct db_pool *p, struct db_pool_thread *t)
{
	pthread_mutex_unlock(&p->lock);
	db_read_end(t->db);
	t->reading = false;
	pthread_mutex_lock(&p->lock);
	p->joined--;
	pthread_cond_broadcast(&p->cond);
}

static void *pool_thread(void *arg)
{
	struct db_pool_thread *t = arg;
	struct db_pool *p = t->pool;
	size_t worker = (size_t)(t - p->threads) + 1;
	char *err = NULL;

	if (db_open_existing(t->path, false, &t->db, &err) < 0) {
		free(err);   /* the other connections do it all */
		t->db = NULL;
		return NULL;
	}
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct db_deadline *d = p->deadline;
		size_t i, run = p->run;

		/*
		 * A run's tasks read one state of the file: this connection
		 * takes some only with its read lock taken while the caller's
		 * was held (the run under way before and after it), so no
		 * commit came between the two.  One try a run.
		 */
		if (!t->reading && p->fn && p->shared && t->run != run) {
			t->run = run;
			p->joined++;   /* the run waits for its end (db_pool_run()) */
			pthread_mutex_unlock(&p->lock);
			t->reading = db_read_lock(t->db) == 0;
			pthread_mutex_lock(&p->lock);
			if (!t->reading) {
				p->joined--;
				pthread_cond_broadcast(&p->cond);
			} else if (!p->fn || p->run != run) {
				read_end(p, t);
			}
			continue;
		}
		i = t->reading ? take(p) : p->ntasks;
		if (i < p->ntasks) {
			pthread_mutex_unlock(&p->lock);
			if (d)
				db_add_deadline(t->db, d);
			run_task(p, t->db, worker, i);
			continue;
		}
		if (t->reading) {   /* the run's tasks all handed out */
			read_end(p, t);
			continue;
		}
		if (p->quit)
			break;
		pthread_cond_wait(&p->cond, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	db_close(t->db);   /* on the thread that used it */
	t->db = NULL;
	return NULL;
}

/* The CPUs this process may run on (taskset, a cpuset): 1 when unknown. */
static size_t usable_cpus(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	return sched_getaffinity(0, sizeof(set), &set) == 0 ? (size_t)CPU_COUNT(&set) : 1;
}

void db_pool_open(struct db_pool *p, const char *path)
{
	size_t i, n = usable_cpus();

	/* on one CPU a second connection is only its open and its cache more */
	for (i = 0; i + 1 < n && i < ARRAY_SIZE(p->threads); i++) {
		struct db_pool_thread *t = &p->threads[i];

		t->pool = p;
		t->path = path;
		t->started = pthread_create(&t->thread, NULL, pool_thread, t) == 0;
	}
}

void db_pool_set_deadline(struct db_pool *p, struct db_deadline *d)
{
	pthread_mutex_lock(&p->lock);
	p->deadline = d;
	pthread_mutex_unlock(&p->lock);
}

int db_pool_run(struct db_pool *p, sqlite3 *db, size_t ntasks, db_task_fn *fn, void *arg)
{
	size_t i;
	bool failed, mine = false;

	/* one state of the file for every connection (the thread's side above) */
	if (sqlite3_get_autocommit(db))
		mine = db_read_lock(db) == 0;
	pthread_mutex_lock(&p->lock);
	p->run++;
	p->shared = sqlite3_txn_state(db, NULL) == SQLITE_TXN_READ;
	p->fn = fn;
	p->arg = arg;
	p->ntasks = ntasks;
	p->next = 0;
	p->stop = false;
	p->result = xmalloc(ntasks + 1);
	memset(p->result, 1, ntasks + 1);
	pthread_cond_broadcast(&p->cond);
	while ((i = take(p)) < ntasks) {
		pthread_mutex_unlock(&p->lock);
		run_task(p, db, 0, i);
	}
	/* every task done, and every thread's read lock of the run let go */
	while (p->running || p->joined)
		pthread_cond_wait(&p->cond, &p->lock);
	failed = p->stop;
	p->fn = NULL;
	free(p->result);
	p->result = NULL;
	pthread_mutex_unlock(&p->lock);
	if (mine)
		db_read_end(db);
	return failed ? -1 : 0;
}

int db_pool_wait(struct db_pool *p, size_t task)
{
	int r;

	pthread_mutex_lock(&p->lock);
	while (p->result[task] > 0)
		pthread_cond_wait(&p->cond, &p->lock);
	r = p->result[task];
	pthread_mutex_unlock(&p->lock);
	return r;
}

void db_pool_close(struct db_pool *p)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	p->quit = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < ARRAY_SIZE(p->threads); i++) {
		struct db_pool_thread *t = &p->threads[i];

		if (!t->started)
			continue;
		pthread_join(t->thread, NULL);
		t->started = false;
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
}
