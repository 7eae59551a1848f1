/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_DB_H
#define MEMSNAP_DB_H
/*
 * The SQLite side.  Conventions every module follows:
 *  - the schema is schema/NN-*.sql (built into the binary, applied in name
 *    order at build time to the empty database db_open() copies); views
 *    use SQLite's built-in functions and one of memsnap's, human_bytes()
 *    (db.c), only where they spell sizes in words
 *    (findings, bpf_by_cgroup), and k8s_cgroup() (db.c) in the diff views
 *    of two samples (diff_*): every other view works in any sqlite3 shell;
 *  - every table has capture_id (captures of many nodes share one file);
 *  - sizes are INTEGER bytes; NULL means "unknown/absent", never 0;
 *  - these functions never print; they return 0 or -1 with the message in
 *    *ret_err (owned by the caller, free()) when ret_err is non-NULL.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

#include "analyze/parse/parse.h"
/*
 * 3: oom_event.victim_exiting; capture.load_complete; capture_key of
 * manifest-less captures hashed; proc_go.env_known; the tables the loader
 * fills at the end (cgroups_data, cgroup_names_data,
 * cgroup_process_count_data).
 * 4: memory.stat, proc/<pid>/cgroup and the file list as JSON a row
 * (cgroup_stat_data, proc_cgroup_data, capture_file_data; cgroup_stat,
 * proc_cgroup and capture_file are views); slab,
 * total_swap and hierarchical_memory_limit in cgroup_memstat.
 * 5: k8s_pod_log and k8s_container_log declare their key's columns first
 * (SQLite 3.40's integrity_check, schema/60-k8s.sql).
 * 6: the samples' and issue 16's tables, capture_uid.
 * 7: cgroup_parts_data holds every sample (its sample column);
 * cgroup_proc_sample; hugetlb in cgroup_memstat.
 * 8: the later samples in spans (the *_span tables; the *_sample of 7 are
 * views); cgroup_parts_data's later samples worked out once a span;
 * cgroup_process_count_data holds the processes' size sums too (and the
 * processes of no known cgroup); collect_problem_capture indexes the path
 * too.
 * 9: cgroup_memory_load, the loading capture's cgroup_memory_at, which
 * cgroups_calc and cgroup_parts_calc read; capture_loading, the captures
 * the other *_calc views work out.
 * 10: finding_growth and the recorder's findings, one view level less.
 * 11: collect_problem indexed by capture, and by path only where a cgroup
 * vanished (collect_problem_vanished, a partial index).
 * 12: processes joins cgroup_proc by its key; kernel_features looks the
 * kernel release up once a capture.
 * 13: cgroup_process_count_calc gone (the loader groups the processes
 * itself, analyze/load/counts.c); cheaper *_calc views, the same rows.
 * 14: public_columns a table of the same rows (written into the schema
 * image), not a view: a sixth less schema for every connection to parse.
 * 15: report_node_rest reads the listed containers once, report_containers
 * works a cgroup's BPF part out in its row; the findings' and the report's
 * internal views read cgroups_data, cgroup_names_data and
 * cgroup_headroom_data (one view level less to prepare).
 * 16: cgroup_components_span finds a component's column by its ord;
 * finding_no_limit looks the pod's limit up (no LEFT JOIN of cgroup_file).
 * 17: findings_now in two halves (findings_now_1, findings_now_2) the text
 * report reads on two connections; report_findings_now_2 instead of
 * report_findings_now.
 * 18: finding_severities, the severities' order the findings are listed in
 * (report_fleet_findings' severity_rank reads it).
 * 19: the report_fleet_* views count a capture of an empty hostname as one
 * of no hostname, and an OOM kill once however many captures of its boot
 * hold it (fleet_oom_sightings; report_fleet_summary.oom_kill_rows);
 * report_fleet_not_loaded, the inputs memsnap load could not read at all
 * (report_fleet_summary.inputs_not_loaded).
 */
#define DB_SCHEMA_VERSION 19
/*
 * A new database's page size: a capture is 300,000 rows appended in key
 * order, and fewer, larger pages split and write less (6% of a load).
 */
#define DB_PAGE_SIZE 16384

/*
 * The schema's objects but SQLite's own, in SQLite's order (rowid), each
 * "type\nname\nsql\n" and a NUL, in *ret (sqlite3_free()) of *ret_len
 * bytes: what db_open() compares with the built-in schema's (objects.c).
 */
int db_schema_objects(sqlite3 *db, char **ret, size_t *ret_len);
/*
 * Are db's objects exactly these (as db_schema_objects() gives them, in
 * the same order)?  Compared in place, row by row; false on an error.
 */
bool db_schema_objects_same(sqlite3 *db, const char *objects, size_t len);

/*
 * Open (and create, when `create`) a database at path (":memory:" for one in
 * memory) and make sure the schema is there.  Refuses a file that is not a
 * memsnap database or has another schema version.
 */
int db_open(const char *path, bool create, sqlite3 **ret, char **ret_err);
/*
 * db_open(path, true, ...) for the loader: a new file is made from the
 * writer's image (analyze/db/image/mkimage.c) and the views it leaves out
 * put back, so the file holds the whole schema, but this connection
 * prepares only the views the loader's SQL names (SQLite prepares every
 * view of the schema it reads: 6.6 ms of a 34 ms load, on the writer
 * before its first file).  An existing file is opened as db_open() does.
 */
int db_open_loader(const char *path, sqlite3 **ret, char **ret_err);
/*
 * Open an existing memsnap database without creating anything; read-only
 * unless `writable`.
 */
int db_open_existing(const char *path, bool writable, sqlite3 **ret,
		     char **ret_err);
void db_close(sqlite3 *db);

/*
 * Another process's lock (a second `memsnap load` into the same file) is
 * waited for up to `seconds` (default DB_LOCK_TIMEOUT) by every
 * connection opened after this call; then the statement fails with
 * SQLITE_BUSY and db_lock_waited_out() is true.
 */
#define DB_LOCK_TIMEOUT 10
void db_set_lock_timeout(double seconds);
bool db_lock_waited_out(void);
/* " (another process ... has held its lock ...)" after a wait ran out, or "". */
const char *db_lock_hint(void);
/*
 * BEGIN and a read, without waiting for another process's lock: in
 * rollback-journal mode the transaction's SHARED lock holds every other
 * connection's commit off until it ends (COMMIT), so what db reads until
 * then is one state of the file.  0, or -1 and no transaction when a
 * writer's lock is in the way or the file is in WAL mode (where a reader
 * holds no commit off).  analyze/db/pool.h.
 */
int db_read_lock(sqlite3 *db);
/* End db's read transaction: COMMIT (ROLLBACK when that fails). */
void db_read_end(sqlite3 *db);
/* How many captures db holds, counted up to limit at most; -1 on an error. */
int db_captures_upto(sqlite3 *db, int limit);
/* The file of a connection's main database, for messages (":memory:"). */
const char *db_name(sqlite3 *db);

/* Run SQL without results. */
int db_exec(sqlite3 *db, const char *sql, char **ret_err);
/* Prepare, dying on a programming error (bad SQL in our own code). */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

struct strbuf;
/*
 * The rows of an INSERT (after "INSERT INTO t(a, b)"), nrows of nparams
 * parameters each, appended to sb: " VALUES (?,?),(?,?)"; with skip_null,
 * the rows whose first parameter is NULL left out:
 * " SELECT * FROM (VALUES (?,?),(?,?)) WHERE column1 IS NOT NULL".
 */
void db_values_sql(struct strbuf *sb, size_t nrows, size_t nparams,
		   bool skip_null);

/* Bind helpers: a struct kv_u64 or a C string binds NULL when unset. */
void db_bind_u64(sqlite3_stmt *st, int idx, uint64_t v);
void db_bind_kv(sqlite3_stmt *st, int idx, struct kv_u64 v);
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);
void db_bind_text_len(sqlite3_stmt *st, int idx, const char *s, size_t len);
void db_bind_double(sqlite3_stmt *st, int idx, double v, bool set);
/* Step a statement that returns no rows and reset it; 0 or -1. */
int db_step_reset(sqlite3_stmt *st);

/*
 * Read-only SQL for `memsnap sql` without --write: nothing a query does may
 * create or change a file, nor the database (not even one loaded in
 * memory).  The authorizer refuses ATTACH, REINDEX, pragmas that write or
 * act (PRAGMA x = y, optimize, wal_checkpoint, ...) and load_extension();
 * db_guard_check() refuses, after the prepare, every statement SQLite says
 * writes (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ANALYZE, VACUUM and
 * VACUUM INTO, which the authorizer never sees).  The guard must outlive db.
 */
struct db_guard {
	char refused[96];    /* what the authorizer refused last, or "" */
	bool pragma_read;    /* the statement is a pragma that only reads */
};
void db_guard_read_only(sqlite3 *db, struct db_guard *g);
/*
 * Before preparing a statement: forget the last one.  After, also after a
 * failed prepare (st NULL: the authorizer may have refused it): 0 when st
 * may run, or -1 with *ret_what naming what is refused ("VACUUM", "ATTACH").
 */
void db_guard_reset(struct db_guard *g);
int db_guard_check(struct db_guard *g, sqlite3_stmt *st, const char **ret_what);

/*
 * A time budget for every statement on db from now on: past it, the
 * running statement stops with SQLITE_INTERRUPT, and db_deadline_passed()
 * tells that apart from other errors.  0 seconds: none.  d must outlive db.
 */
struct db_deadline {
	double at;        /* CLOCK_MONOTONIC seconds; 0: none */
	double seconds;   /* the budget, for messages */
	atomic_bool passed;   /* set by whichever connection's statement ran out */
};
void db_set_deadline(sqlite3 *db, struct db_deadline *d, double seconds);
/* Another connection's statements under the same budget d (pool.h). */
void db_add_deadline(sqlite3 *db, struct db_deadline *d);
bool db_deadline_passed(const struct db_deadline *d);

/*
 * sql with those of the built-in views `names` (NULL-terminated) that it
 * reads, and those of them they read, before it as common table
 * expressions (WITH name AS NOT MATERIALIZED (the view's SELECT)): the
 * same query, which SQLite prepares without working each view out a
 * second time to learn its columns (with.c).  For memsnap's own queries:
 * a query whose own WITH uses one of those names is given back as it is.
 * Never NULL; free() it.
 */
char *db_with_views(const char *sql, const char *const *names);

/*
 * Captures ids[0..nids) of the memsnap database file at path
 * (db_open_existing() checked), alone in a new database in memory: *ret,
 * which reads as a database of those captures loaded alone, whatever the
 * file holds besides, copied in one read transaction (copy.c).  Its
 * statements, the copy's too, under the budget d (NULL: none).  An id the
 * file lacks: no rows.  0, or -1 with *ret_err.
 */
int db_copy_captures(const char *path, const int64_t *ids, size_t nids,
		     struct db_deadline *d, sqlite3 **ret, char **ret_err);
/*
 * Does db hold DB_COPY_FROM captures or more, from which one or two are
 * read faster from a copy of their rows (db_copy_captures()) than in
 * place?  Some views work every capture out before picking one (~13 ms a
 * capture of the fleet bench's, 500 BPF maps each).  Measured
 * (tests/bench/README.md, copy), a report of one capture: 2 captures 27-38
 * ms in place against 43-59 ms copied; 4, 41-61 against 41-59; 8, 69-112
 * against 41-59; 200, 2.7 s against 57 ms.  The same bytes either way.
 */
#define DB_COPY_FROM 4
bool db_copy_pays(sqlite3 *db);

/* The schema text (schema/NN-*.sql) built into the binary. */
const char *db_schema_sql(void);

#endif
