/* SPDX-License-Identifier: MIT */
#include "analyze/db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/db/blobs.h"
#include "common/util.h"

#include "common/banned.h"

const char *db_schema_sql(void)
{
	return memsnap_schema_sql;
}

int db_exec(sqlite3 *db, const char *sql, char **ret_err)
{
	char *msg = NULL;
	int r = 0;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(ret_err, "%s", msg ? msg : sqlite3_errmsg(db));
		r = -1;
	}
	sqlite3_free(msg);
	return r;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(3, "BUG: cannot prepare '%s': %s", sql, sqlite3_errmsg(db));
	return st;
}

void db_bind_u64(sqlite3_stmt *st, int idx, uint64_t v)
{
	/* SQLite integers are signed 64-bit: larger values are not sizes. */
	if (v > (uint64_t)INT64_MAX)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_int64(st, idx, (sqlite3_int64)v);
}

void db_bind_kv(sqlite3_stmt *st, int idx, struct kv_u64 v)
{
	if (v.set)
		db_bind_u64(st, idx, v.v);
	else
		sqlite3_bind_null(st, idx);
}

void db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

void db_bind_text_len(sqlite3_stmt *st, int idx, const char *s, size_t len)
{
	if (s)
		sqlite3_bind_text(st, idx, s, (int)MIN(len, (size_t)INT32_MAX),
				  SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

void db_bind_double(sqlite3_stmt *st, int idx, double v, bool set)
{
	if (set)
		sqlite3_bind_double(st, idx, v);
	else
		sqlite3_bind_null(st, idx);
}

int db_step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static int db_user_version(sqlite3 *db, int *ret)
{
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*ret = sqlite3_column_int(st, 0);
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

static int db_table_count(sqlite3 *db, int *ret)
{
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1,
			       &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*ret = sqlite3_column_int(st, 0);
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

/*
 * human_bytes(N) in SQL: the one size formatter (common/util.c), so the
 * findings' sentences and the report's tables spell a size alike.  An
 * unknown size (NULL, or text that is no number) is 'unknown', never
 * '0 B': printf('%.1f MiB', NULL) would say 0.0 MiB.
 */
static void sql_human_bytes(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_value *v = argv[0];
	char buf[32];
	double d;

	(void)argc;
	switch (sqlite3_value_numeric_type(v)) {
	case SQLITE_INTEGER:
		human_bytes_signed(sqlite3_value_int64(v), buf, sizeof(buf));
		break;
	case SQLITE_FLOAT:
		d = sqlite3_value_double(v);
		if (d > -9.2e18 && d < 9.2e18)
			human_bytes_signed((int64_t)(d < 0 ? d - 0.5 : d + 0.5), buf, sizeof(buf));
		else
			xsnprintf(buf, sizeof(buf), "unknown");
		break;
	default:
		xsnprintf(buf, sizeof(buf), "unknown");
		break;
	}
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/*
 * Open a connection, set what every connection needs, and read the schema
 * version and whether the file is empty.
 */
static int db_connect(const char *path, int flags, sqlite3 **ret, int *ret_version,
		      int *ret_ntables, char **ret_err)
{
	static bool configured;
	sqlite3 *db = NULL;

	/*
	 * Before SQLite's first use: no memory statistics (they take a global
	 * lock on every allocation), and a connection is only ever used by
	 * the thread that opened it (NOMUTEX below).  A tenth of a report.
	 */
	if (!configured) {
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = true;
	}
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(ret_err, "cannot open database '%s': %s", path,
			db ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_create_function(db, "human_bytes", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_human_bytes, NULL, NULL);
	/* A connection setting, ignored inside a transaction: set it first. */
	db_exec(db, "PRAGMA foreign_keys = ON", NULL);
	if (db_user_version(db, ret_version) < 0 || db_table_count(db, ret_ntables) < 0) {
		err_set(ret_err, "'%s' is not an SQLite database: %s", path,
			sqlite3_errmsg(db));
		goto fail;
	}
	*ret = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

static int db_check_version(const char *path, int version, char **ret_err)
{
	if (version == DB_SCHEMA_VERSION)
		return 0;
	err_set(ret_err, "'%s' is not a memsnap database of schema version %d "
		"(user_version is %d): another memsnap made it; load its captures "
		"again into a new database", path, DB_SCHEMA_VERSION, version);
	return -1;
}

int db_open(const char *path, bool create, sqlite3 **ret, char **ret_err)
{
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	int version = 0, ntables = 0;
	sqlite3 *db = NULL;
	char buf[64], *err = NULL;

	if (db_connect(path, flags, &db, &version, &ntables, ret_err) < 0)
		return -1;
	if (version == 0 && ntables == 0) {
		/*
		 * Larger pages for a new database: a capture is 300,000 rows
		 * appended in key order, and fewer, larger pages split and
		 * write less (6% of a load).  Only possible before any table.
		 */
		db_exec(db, "PRAGMA page_size=16384", NULL);
		xsnprintf(buf, sizeof(buf), "PRAGMA user_version=%d", DB_SCHEMA_VERSION);
		/* COMMIT is where a full disk shows (/dev/full): name the file */
		if (db_exec(db, "BEGIN", &err) < 0 ||
		    db_exec(db, memsnap_schema_sql, &err) < 0 ||
		    db_exec(db, buf, &err) < 0 || db_exec(db, "COMMIT", &err) < 0) {
			err_set(ret_err, "cannot create the schema in '%s': %s",
				path, err ? err : "?");
			free(err);
			goto fail;
		}
	} else if (db_check_version(path, version, ret_err) < 0) {
		goto fail;
	}
	*ret = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

int db_open_existing(const char *path, bool writable, sqlite3 **ret,
		     char **ret_err)
{
	int flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	int version = 0, ntables = 0;
	sqlite3 *db = NULL;

	if (db_connect(path, flags, &db, &version, &ntables, ret_err) < 0)
		return -1;
	if (db_check_version(path, version, ret_err) < 0) {
		sqlite3_close(db);
		return -1;
	}
	*ret = db;
	return 0;
}

const char *db_name(sqlite3 *db)
{
	const char *f = sqlite3_db_filename(db, "main");

	return f && *f ? f : ":memory:";
}

void db_close(sqlite3 *db)
{
	sqlite3_close(db);
}
