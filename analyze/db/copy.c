/* SPDX-License-Identifier: MIT */
/*
 * Some captures of a database of many, alone in a database in memory
 * (db.h, db_copy_captures()).
 *
 * Several views work every capture out before a query's `capture_id = N`
 * can pick one: those whose CTEs aggregate (bpf_maps' holders and fdinfo
 * columns, bpf_by_cgroup, the containers' BPF column, k8s_pod_names) and
 * are joined to the capture's rows rather than filtered, which SQLite
 * cannot narrow (it pushes a WHERE term into a subquery, never a join's
 * ON term).  A report of one capture of 200 fleet-bench captures (500 BPF
 * maps each) took 2.7 s against 0.03 s for the same capture alone.  Its
 * rows copied into an empty database first, every view reads that one
 * capture: tests/bench/README.md (copy) has the figures.
 */
#include "analyze/db/db.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

/* Every table of the schema with a capture_id column (all but constants). */
static const char tables_sql[] =
	"SELECT m.name FROM main.sqlite_master m WHERE m.type = 'table' "
	"AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	"AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'capture_id') "
	"ORDER BY m.rowid";

static int copy_rows(sqlite3 *db, const int64_t *ids, size_t nids, char **ret_err)
{
	size_t i;
	sqlite3_stmt *tables = NULL, *st = NULL;
	struct strbuf sql = STRBUF_INIT;
	int rc, r = -1;

	if (sqlite3_prepare_v2(db, tables_sql, -1, &tables, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(tables)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);

		strbuf_reset(&sql);
		/* the same schema on both sides (db_open_existing() checked
		 * src's): the columns in the same order */
		strbuf_addf(&sql, "INSERT INTO main.\"%s\" SELECT * FROM src.\"%s\" "
			    "WHERE capture_id = ?", t, t);
		if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK)
			goto fail;
		for (i = 0; i < nids; i++) {
			sqlite3_bind_int64(st, 1, ids[i]);
			if (db_step_reset(st) < 0)
				goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	r = 0;
	goto out;
fail:
	err_set(ret_err, "%s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_finalize(tables);
	strbuf_release(&sql);
	return r;
}

int db_copy_captures(const char *path, const int64_t *ids, size_t nids,
		     struct db_deadline *d, sqlite3 **ret, char **ret_err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *err = NULL;
	bool attached = false;
	int r = -1;

	if (db_open(":memory:", true, &db, ret_err) < 0)
		return -1;
	if (d)
		db_add_deadline(db, d);
	/* parents before children would do too; the source kept its keys */
	db_exec(db, "PRAGMA foreign_keys = OFF", NULL);
	if (sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS src", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	attached = true;
	/* one state of the file: a load committing meanwhile waits */
	if (db_exec(db, "BEGIN", &err) < 0 || copy_rows(db, ids, nids, &err) < 0 ||
	    db_exec(db, "COMMIT", &err) < 0)
		goto fail_err;
	r = 0;
	goto out;
fail:
	err = xstrdup(sqlite3_errmsg(db));
fail_err:
	err_set(ret_err, "cannot read capture %" PRId64 ": %s%s", nids ? ids[0] : 0,
		err ? err : "?", db_lock_hint());
	if (!sqlite3_get_autocommit(db))
		db_exec(db, "ROLLBACK", NULL);
out:
	sqlite3_finalize(st);
	if (attached)
		db_exec(db, "DETACH DATABASE src", NULL);
	db_exec(db, "PRAGMA foreign_keys = ON", NULL);
	free(err);
	if (r < 0) {
		db_close(db);
		db = NULL;
	}
	*ret = db;
	return r;
}

bool db_copy_pays(sqlite3 *db)
{
	return db_captures_upto(db, DB_COPY_FROM) >= DB_COPY_FROM;
}
