/* SPDX-License-Identifier: MIT */
/*
 * A schema's objects as db_open() compares them, read by bin/memsnap from
 * the database it opens and by the build's schema image maker
 * (analyze/db/image/mkimage.c) from the database it makes: so this file
 * uses SQLite alone.
 */
#include <string.h>

#include "analyze/db/db.h"

/*
 * sqlite_*: SQLite's own (autoindexes, sqlite_stat1 of PRAGMA optimize).
 * In the order SQLite keeps them (rowid): no sort, and a database made
 * from the image or by executing the schema has the image's order.
 */
static const char objects_sql[] = "SELECT type, name, sql FROM sqlite_master "
				  "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

int db_schema_objects(sqlite3 *db, char **ret, size_t *ret_len)
{
	sqlite3_stmt *st = NULL;
	sqlite3_str *s = sqlite3_str_new(db);
	int rc, c;

	rc = sqlite3_prepare_v2(db, objects_sql, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (c = 0; c < 3; c++) {
			const char *t = (const char *)sqlite3_column_text(st, c);

			sqlite3_str_appendall(s, t ? t : "");
			sqlite3_str_appendchar(s, 1, '\n');
		}
		sqlite3_str_appendchar(s, 1, '\0');
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	*ret_len = (size_t)sqlite3_str_length(s);
	if (sqlite3_str_errcode(s) != SQLITE_OK)
		rc = SQLITE_NOMEM;
	*ret = sqlite3_str_finish(s);
	if (rc != SQLITE_DONE) {
		sqlite3_free(*ret);
		*ret = NULL;
		*ret_len = 0;
		return -1;
	}
	return 0;
}

bool db_schema_objects_same(sqlite3 *db, const char *objects, size_t len)
{
	const char *p = objects, *end = objects + len;
	sqlite3_stmt *st = NULL;
	bool same = sqlite3_prepare_v2(db, objects_sql, -1, &st, NULL) == SQLITE_OK;
	int rc = SQLITE_DONE, c;

	while (same && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (c = 0; same && c < 3; c++) {
			const char *t = (const char *)sqlite3_column_text(st, c);
			size_t n = (size_t)sqlite3_column_bytes(st, c);

			same = (size_t)(end - p) > n && (!n || !memcmp(p, t, n)) && p[n] == '\n';
			p += same ? n + 1 : 0;
		}
		same = same && p < end && !*p++;
	}
	sqlite3_finalize(st);
	return same && rc == SQLITE_DONE && p == end;
}
