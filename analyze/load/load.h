/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_LOAD_H
#define MEMSNAP_LOAD_H
/*
 * Load one capture into a memsnap database: every file through its parser
 * into the tables of schema/NN-*.sql, inside one transaction.  Which parser
 * and table a file goes to is one table of path patterns, `routes` in
 * route.c, the mirror of the collector's collect/sources.c.  A file that
 * does not parse is recorded in load_problem and the rest still loads; only
 * an archive that cannot be opened fails, and a source that is no capture
 * (capture_foreign()).  Never prints.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "analyze/capture/capture.h"

struct load_stats {
	int64_t capture_id;
	bool duplicate;          /* already in the database: nothing loaded */
	uint64_t files, bytes;
	uint64_t processes, cgroups, bpf_maps, oom_events;
	uint64_t problems;       /* rows added to load_problem */
	bool truncated;          /* the archive ended early or a limit stopped it */
	char stop_reason[320];   /* when truncated: why, e.g. "more than ... (--max-total)" */
	int64_t replaced_id;     /* an incomplete load of this capture it replaced, or 0 */
};

/*
 * Returns 0 (loaded, or a duplicate: see stats->duplicate) or -1 when the
 * capture cannot be read at all or the database cannot be written
 * (*ret_err says why, naming the file; nothing is kept).
 *
 * A capture already in the database is a duplicate when its load was
 * complete (capture.load_complete = 1).  When a limit or a broken archive
 * cut the earlier load, its rows are deleted and the capture is loaded
 * again, in the same transaction (stats->replaced_id).
 */
int load_capture(sqlite3 *db, const char *source,
		 const struct capture_limits *lim, struct load_stats *stats,
		 char **ret_err);

/*
 * load_capture() in two steps, so that the capture is read ahead (a second
 * thread inflates and parses it) while the database is made:
 * load_source_open() opens the capture and starts reading it (-1 with
 * *ret_err when it cannot be opened); load_capture_from() loads it into db
 * as load_capture() does and closes src, whatever it returns.
 * load_source_close() closes a source that is not loaded; NULL is a no-op.
 * read_ahead bounds the bytes of file data read but not yet loaded (0: a
 * few MiB, prefetch.h); `memsnap load -j N` opens N sources with a large
 * bound, so that N captures are read and parsed while one is stored.
 * alone: no other capture is read while this one is stored; its reader
 * then leaves one kind of file to the writer to parse, which would
 * otherwise wait for it (load.c).
 */
/*
 * Whether loads keep the captured files' raw rows that only internal views
 * read (proc_kv, proc_cgroup, cgroup_stat, capture_file: 2.6 MiB of the
 * 3.7 of a 1,000-process capture).  On by default; `memsnap load` turns it
 * off unless --raw.  Every public view is the same either way (t45).
 */
void load_set_raw(bool keep);

/*
 * A capture's identity across databases (capture.capture_uid, and the
 * capture_uid of every exported row): 16 hex digits of the 64-bit FNV-1a
 * (common/hash.h) of "memsnap-capture", hostname and capture_key, each
 * followed by a NUL byte (hostname "" when unknown).  capture_key is what
 * makes `memsnap load` of the same capture twice a no-op: boot id and
 * start time from the manifest (without one: the folder name and a hash of
 * its files), so the same capture has the same uid in every database.
 * ret holds 17 bytes.
 */
void capture_uid(const char *hostname, const char *capture_key, char ret[17]);
/* Is uid of the shape capture_uid() writes (16 lower-case hex digits)?  A
 * uid names exported files: one read from a database is checked first. */
bool capture_uid_valid(const char *uid);

struct load_source;
int load_source_open(const char *source, const struct capture_limits *lim,
		     size_t read_ahead, bool alone, struct load_source **ret,
		     char **ret_err);
int load_capture_from(sqlite3 *db, struct load_source *src,
		      struct load_stats *stats, char **ret_err);
void load_source_close(struct load_source *src);

/*
 * The statements the loader prepares, kept from one capture to the next
 * loaded into the same database: load_capture_with() is
 * load_capture_from() with a cache, which must be freed (NULL is a no-op)
 * before db is closed.
 */
struct load_cache;
struct load_cache *load_cache_new(void);
void load_cache_free(struct load_cache *cache);
/* Before PRAGMA optimize at the end of a load of many (bpf.c). */
void bpf_tables_planned(sqlite3 *db);
int load_capture_with(sqlite3 *db, struct load_cache *cache,
		      struct load_source *src, struct load_stats *stats,
		      char **ret_err);

/*
 * Many captures into db (many.c): read and parsed on `jobs` CPUs, 2 * jobs
 * at once when jobs > 1 (load_source_open()), stored one after the other
 * in the order of sources by the calling thread, so the database is the
 * same for any jobs.  A capture that cannot be read at all is a
 * load_problem row of no capture and the next one loads.  done() is called
 * once per capture, in order, as it is stored or found unreadable (the
 * caller says progress and errors).
 * Returns LOAD_MANY_OK, LOAD_MANY_PROBLEMS (a capture unreadable or loaded
 * with problems) or LOAD_MANY_FATAL (the database cannot be opened or
 * written: the captures after it were not loaded).
 */
struct load_many_item {
	int index, count;         /* 0-based, of count */
	const char *source;
	const struct load_stats *stats;  /* NULL when it could not be loaded */
	const char *err;          /* then: why */
	double seconds;           /* storing it took */
};

struct load_many_opts {
	const struct capture_limits *lim;
	int jobs;
	void (*done)(void *ud, const struct load_many_item *it);
	void *ud;
	/*
	 * With db NULL: opens the database (NULL when it cannot: it says why)
	 * once the first captures' readers have started, so that they read
	 * while it opens.
	 */
	sqlite3 *(*open_db)(void *ud);
};

enum { LOAD_MANY_FATAL = -1, LOAD_MANY_OK = 0, LOAD_MANY_PROBLEMS = 1 };

int load_many(sqlite3 *db, char *const *sources, int n,
	      const struct load_many_opts *opts);

#endif
