/* SPDX-License-Identifier: MIT */
/*
 * Many captures into one database (load_many(), load.h): N captures read
 * and parsed at once, each on its reader thread (load_source_open()), while
 * this thread, the one writer, stores them in argument order, so the
 * database is the same for any N.  A capture that cannot be read is a
 * load_problem row of no capture and the others still load.
 */
#include "analyze/load/load.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "analyze/db/db.h"
#include "common/util.h"

#include "common/banned.h"

/*
 * With jobs > 1, each capture read ahead may hold this much file data not
 * yet stored (a 1,000-process capture is about 20 MiB): at most `jobs`
 * captures are in memory at once, parsed but not written.
 */
#define JOB_READ_AHEAD ((size_t)256 << 20)

/* A capture opened ahead, in its slot: its source, or why it cannot be read. */
struct pending {
	struct load_source *src;
	char *err;
};

static void pending_open(struct pending *p, const char *source,
			 const struct capture_limits *lim, int jobs)
{
	p->src = NULL;
	p->err = NULL;
	if (load_source_open(source, lim, jobs > 1 ? JOB_READ_AHEAD : 0,
			     &p->src, &p->err) < 0)
		p->src = NULL;
}

/*
 * A capture that cannot be read at all: a load_problem row of no capture,
 * naming it, so that a load of many goes on.  -1 when even that cannot be
 * written (the database is then the problem).
 */
static int record_unreadable(sqlite3 *db, const char *source, const char *why)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO load_problem(capture_id, "
				      "path, problem) VALUES (NULL, ?, ?)");
	int r;

	db_bind_text(st, 1, source);
	db_bind_text(st, 2, why);
	r = db_step_reset(st);
	sqlite3_finalize(st);
	return r;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The connection's settings for a bulk load. */
static void bulk_pragmas(sqlite3 *db)
{
	db_exec(db, "PRAGMA synchronous=OFF", NULL);
	db_exec(db, "PRAGMA cache_size=-65536", NULL);
	/*
	 * Every row the loader writes names the capture row it has just made
	 * in the same savepoint: checking that key on each of ~400,000
	 * inserts cost a tenth of a load.  Other connections (memsnap sql,
	 * report) keep the keys on, so deleting a capture still cascades.
	 */
	db_exec(db, "PRAGMA foreign_keys=OFF", NULL);
	/*
	 * A statement that writes many rows (rows.c's batches) keeps a
	 * statement journal of the pages it changes, to undo itself should a
	 * row fail: SQLite spills it past 64 KiB (four 16 KiB pages) to a
	 * temporary file, a write() a page.  In memory it is a copy, freed
	 * with the statement; the capture's savepoint journal too.
	 */
	db_exec(db, "PRAGMA temp_store=MEMORY", NULL);
}

/*
 * glibc's malloc for many captures in a row: each capture's reader makes
 * and frees ~25,000 blocks, up to 20 MiB of file data, in its thread's
 * arena.  By default glibc gives the top of that arena back to the kernel
 * once 128 KiB are free (and maps each block over a threshold that grows
 * with the largest freed), so every capture faulted its pages in again:
 * with -j2, 6 ms of CPU a capture of page faults and zeroing (perf; 53 ms
 * a capture with these settings against 59 ms without, 40 captures).
 * Kept: at most 64 MiB free per arena; blocks over 4 MiB are mapped.
 */
static void bulk_malloc(void)
{
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
}

int load_many(sqlite3 *db, char *const *sources, int n,
	      const struct load_many_opts *o)
{
	struct load_cache *cache = load_cache_new();
	struct pending *pend;
	int i, jobs = o->jobs < 1 ? 1 : o->jobs, ret = LOAD_MANY_OK;

	bulk_pragmas(db);
	bulk_malloc();
	/*
	 * Capture i is in slot i % jobs: opened (its reader thread started)
	 * jobs - 1 captures before it is stored, so that `jobs` readers
	 * inflate and parse while this thread stores in argument order.
	 */
	if (jobs > n)
		jobs = n;
	pend = xcalloc((size_t)(jobs ? jobs : 1), sizeof(*pend));
	for (i = 0; i < jobs; i++)
		pending_open(&pend[i], sources[i], o->lim, jobs);
	for (i = 0; i < n; i++) {
		struct pending *p = &pend[i % jobs];
		struct load_source *ls = p->src;
		struct load_many_item it = { i, n, sources[i], NULL, NULL, 0 };
		struct load_stats st;
		struct timespec t0;
		char *err = p->err;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		p->src = NULL;
		p->err = NULL;
		memset(&st, 0, sizeof(st));
		r = ls ? load_capture_with(db, cache, ls, &st, &err) : -1;
		if (i + jobs < n)
			pending_open(p, sources[i + jobs], o->lim, jobs);
		if (r < 0) {
			it.err = err;
			o->done(o->ud, &it);
			if (db_lock_waited_out() ||
			    record_unreadable(db, sources[i], err) < 0) {
				free(err);
				ret = LOAD_MANY_FATAL;
				break;   /* the next would fail as well */
			}
			free(err);
			ret = LOAD_MANY_PROBLEMS;
			continue;
		}
		if (st.problems && !st.duplicate)
			ret = LOAD_MANY_PROBLEMS;
		it.stats = &st;
		it.seconds = elapsed(&t0);
		o->done(o->ud, &it);
	}
	for (i = 0; i < jobs; i++) {
		load_source_close(pend[i].src);
		free(pend[i].err);
	}
	free(pend);
	load_cache_free(cache);
	db_exec(db, "PRAGMA optimize", NULL);
	return ret;
}
