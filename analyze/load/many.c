/* SPDX-License-Identifier: MIT */
/*
 * Many captures into one database (load_many(), load.h): with -j N, 2N
 * captures read and parsed at once, each on its reader thread
 * (load_source_open()), while this thread, the one writer, stores them in
 * argument order, so the database is the same for any N.  A capture that
 * cannot be read is a load_problem row of no capture and the others still
 * load.
 */
#include "analyze/load/load.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "analyze/capture/prefetch.h"
#include "analyze/db/db.h"
#include "common/util.h"

#include "common/banned.h"

/*
 * With jobs > 1, the file data read ahead but not yet stored, per job (a
 * 1,000-process capture is about 20 MiB): shared by the captures in
 * flight (JOB_WINDOW), so that they hold at most jobs * JOB_READ_AHEAD.
 */
#define JOB_READ_AHEAD ((size_t)256 << 20)
/*
 * Captures in flight per job.  Stored in argument order, capture k waits
 * for its own reader however far the others are: with one capture in
 * flight per job, a reader that had finished capture k + 1 sat idle while
 * k's was still parsing, and two CPUs were busy 1.82 of the time (1,000
 * captures).  With two per job a reader has always another capture to
 * read, and the writer found capture k not yet read 12 to 25 times in 150
 * captures instead of 173 to 198 (CLOCK_MONOTONIC around its waits, in a
 * debug build): peak RSS of -j2 from 103 to 126 MiB.
 */
#define JOB_WINDOW 2

/* A capture opened ahead, in its slot: its source, or why it cannot be read. */
struct pending {
	struct load_source *src;
	char *err;
};

static void pending_open(struct pending *p, const char *source,
			 const struct capture_limits *lim, size_t read_ahead,
			 bool alone)
{
	p->src = NULL;
	p->err = NULL;
	if (load_source_open(source, lim, read_ahead, alone, &p->src, &p->err) < 0)
		p->src = NULL;
}

/*
 * A capture that cannot be read at all: a load_problem row of no capture,
 * naming it, so that a load of many goes on.  The problem's first line
 * only: a "hint: ..." line after it (a folder of captures) is said on
 * standard error, not a problem of the database.  -1 when even that cannot
 * be written (the database is then the problem).
 */
static int record_unreadable(sqlite3 *db, const char *source, const char *why)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO load_problem(capture_id, "
				      "path, problem) VALUES (NULL, ?, ?)");
	int r;

	db_bind_text(st, 1, source);
	db_bind_text_len(st, 2, why, strcspn(why, "\n"));
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
	/*
	 * Debian's SQLite zeroes the space every cell frees and every new
	 * page (SQLITE_SECURE_DELETE): a b-tree's split frees cells on each
	 * page it rebalances, 3.6% of a fleet capture's writer (memset(),
	 * callgrind).  What the load deletes is its own capture's rows (the
	 * working-set scratch rows, an incomplete load of the same capture
	 * it replaces), which it stores again: nothing left in free pages
	 * that the database does not hold.  A deletion on any other
	 * connection (memsnap sql) still zeroes.
	 */
	db_exec(db, "PRAGMA secure_delete=OFF", NULL);
}

/*
 * Each capture is a transaction of its own, and in the default journal
 * mode (DELETE) each made a new -journal file, wrote the ~90 pages it
 * changes there (1.5 MiB a capture of the bench's), and unlinked it: the
 * file system's allocation and freeing of a file a capture.  PERSIST
 * overwrites one file, and a crash leaves a journal just as hot: writer's
 * system CPU 0.5 to 1.2 ms a capture less (of 17, five pairs of
 * alternate runs, 100 to 150 captures, -j1 on one CPU).  Only a database
 * in DELETE mode is switched, and back at the end, which removes the file:
 * true when it was.
 */
static bool bulk_journal(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "PRAGMA journal_mode");
	const char *mode = sqlite3_step(st) == SQLITE_ROW ?
			   (const char *)sqlite3_column_text(st, 0) : NULL;
	bool del = mode && !strcmp(mode, "delete");

	sqlite3_finalize(st);
	return del && db_exec(db, "PRAGMA journal_mode=PERSIST", NULL) == 0;
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

/*
 * True when the database holds one capture at most.  PRAGMA optimize at
 * the end of a load runs ANALYZE on the tables the loader's queries would
 * have wanted statistics for (sqlite_stat1).  On a database of one capture
 * the report is the same without them: its output identical, 226.8 M
 * instructions against 224.3 M, 34.0 against 34.1 ms of CPU (least of 15;
 * the smem bench's node).  Optimize was 1.1 ms of the 31 ms load of that
 * capture, at its end, on the writer alone.  The next load into the
 * database, once it holds two captures, runs it: SQLite analyzes a table
 * it used whose indexes have no statistics yet.
 */
static bool one_capture(sqlite3 *db)
{
	int n = db_captures_upto(db, 2);

	return n >= 0 && n < 2;
}

int load_many(sqlite3 *db, char *const *sources, int n,
	      const struct load_many_opts *o)
{
	struct load_cache *cache = load_cache_new();
	struct pending *pend;
	int i, jobs = o->jobs < 1 ? 1 : o->jobs, ret = LOAD_MANY_OK;
	int window = jobs > 1 ? jobs * JOB_WINDOW : 1;
	/* -j1 reads its one capture a few MiB ahead (prefetch.h) */
	size_t read_ahead = jobs > 1 ? JOB_READ_AHEAD / JOB_WINDOW : 0;
	bool journal_back = false;

	bulk_malloc();
	/*
	 * Capture i is in slot i % window: opened (its reader thread started)
	 * window - 1 captures before it is stored, so that the readers
	 * inflate and parse while this thread stores in argument order.
	 */
	if (window > n)
		window = n;
	/*
	 * Late in a load of many captures, the writer's share of a capture is
	 * about half its CPU (26 ms of 54 a capture over 1,000 captures, and
	 * growing with the database), and with -j2 it ran one thread of three
	 * on two CPUs.  Its readers run behind it, having captures read ahead
	 * to spare.  Four pairs of alternate runs, -j2, 100 to 150 captures into
	 * databases of 0 and 600 captures (shared machine, the load in an
	 * autogroup of its own at nice -19): two CPUs busy 1.73 to 1.80 of the
	 * time instead of 1.53 to 1.60, the same CPU a capture.  One
	 * capture alone has no reader to spare.
	 */
	prefetch_set_background(window > 1);
	pend = xcalloc((size_t)(window ? window : 1), sizeof(*pend));
	for (i = 0; i < window; i++)
		pending_open(&pend[i], sources[i], o->lim, read_ahead, window == 1);
	/*
	 * Opening a new database (its image written and its schema read back:
	 * 22 M instructions) was a seventh of loading one capture of 1,400
	 * processes, before its reader started: now they overlap.
	 */
	if (!db)
		db = o->open_db(o->ud);
	if (db) {
		bulk_pragmas(db);
		journal_back = bulk_journal(db);
	} else {
		ret = LOAD_MANY_FATAL;   /* open_db() said why */
	}
	for (i = 0; db && i < n; i++) {
		struct pending *p = &pend[i % window];
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
		if (i + window < n)
			pending_open(p, sources[i + window], o->lim, read_ahead,
				     window == 1);
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
	for (i = 0; i < window; i++) {
		load_source_close(pend[i].src);
		free(pend[i].err);
	}
	free(pend);
	prefetch_wait_detached();
	prefetch_set_background(false);
	load_cache_free(cache);
	if (journal_back)
		db_exec(db, "PRAGMA journal_mode=DELETE", NULL);
	if (db && !one_capture(db)) {
		bpf_tables_planned(db);
		db_exec(db, "PRAGMA optimize", NULL);
	}
	return ret;
}
