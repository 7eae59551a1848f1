/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_DB_H
#define MEMSNAP_DB_H
/*
 * The SQLite side.  Conventions every module follows:
 *  - the schema is schema/NN-*.sql (built into the binary, applied in name
 *    order by db_open()); views use SQLite's built-in functions and one of
 *    memsnap's, human_bytes() (db.c), only where they spell sizes in words
 *    (findings, bpf_by_cgroup): every other view works in any sqlite3 shell;
 *  - every table has capture_id (captures of many nodes share one file);
 *  - sizes are INTEGER bytes; NULL means "unknown/absent", never 0;
 *  - these functions never print; they return 0 or -1 with the message in
 *    *ret_err (owned by the caller, free()) when ret_err is non-NULL.
 */
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
 */
#define DB_SCHEMA_VERSION 5

/*
 * Open (and create, when `create`) a database at path (":memory:" for one in
 * memory) and make sure the schema is there.  Refuses a file that is not a
 * memsnap database or has another schema version.
 */
int db_open(const char *path, bool create, sqlite3 **ret, char **ret_err);
/*
 * Open an existing memsnap database without creating anything; read-only
 * unless `writable`.
 */
int db_open_existing(const char *path, bool writable, sqlite3 **ret,
		     char **ret_err);
void db_close(sqlite3 *db);
/* The file of a connection's main database, for messages (":memory:"). */
const char *db_name(sqlite3 *db);

/* Run SQL without results. */
int db_exec(sqlite3 *db, const char *sql, char **ret_err);
/* Prepare, dying on a programming error (bad SQL in our own code). */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* Bind helpers: a struct kv_u64 or a C string binds NULL when unset. */
void db_bind_u64(sqlite3_stmt *st, int idx, uint64_t v);
void db_bind_kv(sqlite3_stmt *st, int idx, struct kv_u64 v);
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);
void db_bind_text_len(sqlite3_stmt *st, int idx, const char *s, size_t len);
void db_bind_double(sqlite3_stmt *st, int idx, double v, bool set);
/* Step a statement that returns no rows and reset it; 0 or -1. */
int db_step_reset(sqlite3_stmt *st);

/* The schema text (schema/NN-*.sql) built into the binary. */
const char *db_schema_sql(void);

#endif
