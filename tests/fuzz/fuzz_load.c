/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the analyzer's loader end to end.  Bytes -> a capture
 * archive in a memfd (see fuzz_capture.h for the input format) ->
 * load_capture() into a database in memory -> every public view read to
 * the last row (findings, working_set_breakdown, oom_kills and all the
 * others).
 *
 * Contract checked beyond crashes and leaks: a capture that fails says why;
 * one that loads is not a duplicate in an empty database; no public view
 * fails on what was loaded (an SQL error there -- an integer overflow in a
 * sum, say -- would make `memsnap sql` and `memsnap report` fail on a
 * hostile capture); no statement is left unfinalized.
 */
#include "tests/fuzz/fuzz_capture.h"

#define MAX_VIEWS 128

static sqlite3_stmt *views[MAX_VIEWS];
static size_t nviews;

static void prepare_views(sqlite3 *db)
{
	sqlite3_stmt *list = NULL;
	int r;

	r = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'view' "
			       "ORDER BY name", -1, &list, NULL);
	FUZZ_CHECK(r == SQLITE_OK);
	while (sqlite3_step(list) == SQLITE_ROW && nviews < MAX_VIEWS) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"",
			 (const char *)sqlite3_column_text(list, 0));
		r = sqlite3_prepare_v2(db, sql, -1, &views[nviews], NULL);
		FUZZ_CHECK(r == SQLITE_OK);
		nviews++;
	}
	sqlite3_finalize(list);
	FUZZ_CHECK(nviews >= 3);
}

static void read_views(sqlite3 *db)
{
	size_t i;

	for (i = 0; i < nviews; i++) {
		sqlite3_stmt *st = views[i];
		int r, c, n;

		while ((r = sqlite3_step(st)) == SQLITE_ROW) {
			n = sqlite3_column_count(st);
			for (c = 0; c < n; c++)
				(void)sqlite3_column_text(st, c);
		}
		if (r != SQLITE_DONE)
			fprintf(stderr, "%s: %s\n", sqlite3_sql(st), sqlite3_errmsg(db));
		FUZZ_CHECK(r == SQLITE_DONE);
		sqlite3_reset(st);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sqlite3 *db = fuzz_db_get();
	int64_t id;

	if (!nviews)
		prepare_views(db);
	fuzz_db_begin(db);
	if (fuzz_load_input(db, data, size, &id) == 0)
		read_views(db);
	fuzz_db_rollback(db, views, nviews);
	return 0;
}
