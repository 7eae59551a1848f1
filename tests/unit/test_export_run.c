/* SPDX-License-Identifier: MIT */
/*
 * analyze/export/run.c: a `memsnap load` committing while `memsnap export`
 * works never gives a listed capture files of another state.  The export
 * lists a SOURCE's captures, then reads their views; a load that commits
 * in between (the loader replacing a capture a limit cut, under the same
 * capture_uid and a new capture_id, and deleting another) once left the
 * listed captures' files empty.  The test commits there, from another
 * connection (export_run_opts.listed_hook), with the file in rollback-
 * journal mode (memsnap's: the commit waits for the export) and in WAL
 * mode (the commit goes through, the export does not see it), and checks
 * that every file holds the capture as it was listed, none is left aside,
 * and the next export gives the replacement under the same uid.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "analyze/export/run.h"
#include "common/util.h"

static char tmpdir[64], dbpath[96], outdir[96];

#define UID_CUT  "00000000000000a1"   /* loaded with a limit: replaced */
#define UID_GONE "00000000000000b2"   /* deleted */
#define DAY "2024-01-02"

/* Two captures and their load problems, as a load leaves them. */
static const char seed[] =
	"INSERT INTO capture (capture_id, capture_key, source, name, started_at, "
	"load_complete, capture_uid) VALUES "
	"(1, 'k1', 'a.tar', 'memsnap-a', '" DAY "T03:04:05Z', 0, '" UID_CUT "'), "
	"(2, 'k2', 'b.tar', 'memsnap-b', '" DAY "T05:00:00Z', 1, '" UID_GONE "');"
	"INSERT INTO load_problem VALUES (1, 'x', 'one'), (1, 'x', 'two'), "
	"(2, 'y', 'three');";

/*
 * What a load does in one transaction: capture 1 loaded again without the
 * limit (analyze/load/meta.c: the cut load deleted, the new one under a
 * new capture_id, the same uid), and capture 2 gone.
 */
static const char replace[] =
	"BEGIN IMMEDIATE;"
	"DELETE FROM load_problem WHERE capture_id IN (1, 2);"
	"DELETE FROM capture WHERE capture_id IN (1, 2);"
	"INSERT INTO capture (capture_id, capture_key, source, name, started_at, "
	"load_complete, capture_uid) VALUES "
	"(3, 'k1', 'a.tar', 'memsnap-a', '" DAY "T03:04:05Z', 1, '" UID_CUT "');"
	"INSERT INTO load_problem VALUES (3, 'x', 'new1'), (3, 'x', 'new2'), "
	"(3, 'x', 'new3');"
	"COMMIT;";

struct hook {
	int calls;
	int rc;          /* what the load's transaction said */
};

/* The load, on a connection of its own without a busy handler: a commit
 * held off fails at once (and is rolled back) rather than wait. */
static int commit_load(void)
{
	sqlite3 *w = NULL;
	int rc = sqlite3_open(dbpath, &w);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(w, replace, NULL, NULL, NULL);
	if (w && !sqlite3_get_autocommit(w))
		sqlite3_exec(w, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(w);
	return rc;
}

static void listed(void *arg, const char *source)
{
	struct hook *h = arg;

	assert_string_equal(source, dbpath);
	h->calls++;
	h->rc = commit_load();
}

static int setup(void **state)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	(void)state;
	xsnprintf(tmpdir, sizeof(tmpdir), "/tmp/test_export_run.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	xsnprintf(dbpath, sizeof(dbpath), "%s/fleet.db", tmpdir);
	xsnprintf(outdir, sizeof(outdir), "%s/out", tmpdir);
	if (db_open(dbpath, true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_exec(db, seed, &err), 0);
	db_close(db);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	xsnprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static int export(struct hook *h)
{
	static const char *views[] = { "captures", "load_problems" };
	struct export_run_opts o = {
		.fmt = EXPORT_NDJSON,
		.dir = outdir,
		.views = views,
		.nviews = ARRAY_SIZE(views),   /* two: a second connection */
		.quiet = true,
		.listed_hook = h ? listed : NULL,
		.listed_arg = h,
	};
	char *sources[] = { dbpath };

	source_opts_init(&o.so);
	return export_run(&o, sources, 1);
}

/* The file of view and uid, which must be there, and nothing left aside. */
static char *exported(const char *view, const char *uid)
{
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;

	strbuf_addf(&path, "%s/%s/date=" DAY "/.%s.ndjson.tmp", outdir, view, uid);
	assert_int_equal(access(path.buf, F_OK), -1);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/%s/date=" DAY "/%s.ndjson", outdir, view, uid);
	if (read_file_at(AT_FDCWD, path.buf, &sb, 1 << 20) < 0)
		fail_msg("cannot read '%s'", path.buf);
	strbuf_release(&path);
	return strbuf_detach(&sb, NULL);
}

static void expect_file(const char *view, const char *uid, const char *want)
{
	char *got = exported(view, uid);

	assert_string_equal(got, want);
	free(got);
}

#define ROW_PROBLEM(id, path, problem) \
	"{\"capture_uid\":\"" UID_CUT "\",\"capture_id\":" #id \
	",\"path\":\"" path "\",\"problem\":\"" problem "\"}\n"

static void expect_listed_state(void)
{
	char *cap = exported("captures", UID_CUT);

	assert_non_null(strstr(cap, "\"capture_id\":1,"));
	assert_int_equal(strchr(cap, '\n') - cap + 1, (long)strlen(cap));
	free(cap);
	expect_file("load_problems", UID_CUT,
		    ROW_PROBLEM(1, "x", "one") ROW_PROBLEM(1, "x", "two"));
	cap = exported("captures", UID_GONE);
	assert_non_null(strstr(cap, "\"capture_id\":2,"));
	free(cap);
	expect_file("load_problems", UID_GONE,
		    "{\"capture_uid\":\"" UID_GONE "\",\"capture_id\":2,"
		    "\"path\":\"y\",\"problem\":\"three\"}\n");
}

/* A load commits between the listing and the views: each listed capture's
 * files are the capture as listed; the next export is the load's. */
static void load_while_exporting(bool wal)
{
	struct hook h = { 0 };
	char *cap;

	if (wal) {
		sqlite3 *db = NULL;

		assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL,
					      NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(export(&h), EXIT_OK);
	assert_int_equal(h.calls, 1);
	expect_listed_state();
	/* WAL: a reader holds no commit off; rollback journal: the export's
	 * read lock does, from the listing on */
	if (wal)
		assert_int_equal(h.rc, SQLITE_OK);
	else
		assert_int_equal(h.rc & 0xff, SQLITE_BUSY);

	if (!wal)   /* the export over, its lock is gone: the load goes through */
		assert_int_equal(commit_load(), SQLITE_OK);
	assert_int_equal(export(NULL), EXIT_OK);
	cap = exported("captures", UID_CUT);
	assert_non_null(strstr(cap, "\"capture_id\":3,"));
	free(cap);
	expect_file("load_problems", UID_CUT, ROW_PROBLEM(3, "x", "new1")
		    ROW_PROBLEM(3, "x", "new2") ROW_PROBLEM(3, "x", "new3"));
}

static void test_export_run_load_commits_rollback_journal(void **state)
{
	(void)state;
	load_while_exporting(false);
}

static void test_export_run_load_commits_wal(void **state)
{
	(void)state;
	load_while_exporting(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_export_run_load_commits_rollback_journal,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_run_load_commits_wal,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
