/* SPDX-License-Identifier: MIT */
/*
 * The loader's tables (analyze/load/route.c, rows.c) against what they must
 * agree with: every statement prepares against the real schema and names
 * every column of its table; every file collect/sources.c writes has a
 * route; cgroup_memstat's memory.stat keys are its columns, whatever they
 * are.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze/db/db.h"
#include "analyze/load/loader.h"
#include "collect/collect.h"
#include "common/util.h"

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (db_open(":memory:", true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	return db;
}

/* Is name one of the columns spec's statement names? */
static bool spec_names(sqlite3 *db, const struct row_spec *spec, const char *name)
{
	struct strbuf sql = STRBUF_INIT;
	char quoted[128];
	bool found;
	const char *p;
	size_t n = strlen(name);

	rows_sql(db, spec, &sql);
	xsnprintf(quoted, sizeof(quoted), "\"%s\"", name);
	found = false;
	for (p = sql.buf; (p = strstr(p, name)); p += n) {
		char before = p == sql.buf ? ' ' : p[-1], after = p[n];

		if ((before == ' ' || before == '(' || before == ',') &&
		    (after == ',' || after == ')' || after == ' '))
			found = true;
	}
	found = found || strstr(sql.buf, quoted);
	strbuf_release(&sql);
	return found;
}

static void test_rows_sql_prepares(void **state)
{
	sqlite3 *db = open_db();
	struct strbuf sql = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < T__COUNT; i++) {
		sqlite3_stmt *st = NULL;

		int whole, nparams;

		rows_sql(db, &row_specs[i], &sql);
		if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s: %s", row_specs[i].table, sqlite3_errmsg(db), sql.buf);
		nparams = sqlite3_bind_parameter_count(st);
		sqlite3_finalize(st);
		if (!strcmp(row_specs[i].verb, "UPDATE"))
			continue;
		/* row_start()'s batches of every table that could have them */
		for (whole = 0; whole < 2; whole++) {
			assert_int_equal(rows_batch_sql(db, &row_specs[i], whole, &sql),
					 nparams);
			if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK)
				fail_msg("%s: %s: %s", row_specs[i].table,
					 sqlite3_errmsg(db), sql.buf);
			assert_int_equal(sqlite3_bind_parameter_count(st),
					 ROWS_BATCH * nparams);
			sqlite3_finalize(st);
		}
	}
	strbuf_release(&sql);
	db_close(db);
}

/*
 * Every column of each table the loader writes is named by its statement:
 * a column added to schema/ without its place in rows.c fails here.  The
 * capture row is written in three steps: load.c inserts its key, source
 * and name and sets load_complete; meta.c sets the rest.
 */
static void test_rows_name_every_column(void **state)
{
	static const char *const elsewhere[] = {
		"capture.capture_id", "capture.source", "capture.name",
		"capture.load_complete",
	};
	sqlite3 *db = open_db();
	size_t i, j, k;

	(void)state;
	for (i = 0; i < T__COUNT; i++) {
		const struct row_spec *spec = &row_specs[i];
		char **cols;
		size_t n;

		table_columns(db, spec->table, 0, &cols, &n);
		assert_true(n > 0);
		for (j = 0; j < n; j++) {
			char full[160];
			bool ok = spec_names(db, spec, cols[j]);

			xsnprintf(full, sizeof(full), "%s.%s", spec->table, cols[j]);
			for (k = 0; k < ARRAY_SIZE(elsewhere); k++)
				ok = ok || !strcmp(full, elsewhere[k]);
			if (!ok)
				fail_msg("column %s is not written by the loader (rows.c)", full);
			free(cols[j]);
		}
		free(cols);
	}
	db_close(db);
}

/* A column list bound from a struct has a parameter for each column. */
static void test_rows_bind_counts(void **state)
{
	sqlite3 *db = open_db();
	struct strbuf sql = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < T__COUNT; i++) {
		const struct row_spec *spec = &row_specs[i];
		sqlite3_stmt *st = NULL;
		size_t keys = 1;
		const char *p;

		if (spec->schema_cols)
			continue;
		for (p = spec->keys; *p; p++)
			keys += *p == ',';
		rows_sql(db, spec, &sql);
		assert_int_equal(sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL), SQLITE_OK);
		/* an UPDATE has its WHERE's parameter too */
		assert_int_equal(sqlite3_bind_parameter_count(st),
				 keys + spec->ncols + !strcmp(spec->verb, "UPDATE"));
		sqlite3_finalize(st);
	}
	strbuf_release(&sql);
	db_close(db);
}

static void test_route_match(void **state)
{
	(void)state;
	assert_true(route_match("proc/meminfo", "proc/meminfo"));
	assert_false(route_match("proc/meminfo", "proc/meminfo2"));
	assert_false(route_match("proc/meminfo", "proc/memin"));
	assert_true(route_match("memory.*", "memory.max"));
	assert_true(route_match("memory.*", "memory."));
	assert_false(route_match("memory.*", "memory.x/y"));
	assert_true(route_match("fdinfo/*", "fdinfo/12"));
	assert_true(route_match("fdinfo/*", "fdinfo/"));
	assert_false(route_match("fdinfo/*", "fdinfo/1/2"));
	assert_true(route_match("proc/sys/**", "proc/sys/kernel/random/boot_id"));
	assert_true(route_match("proc/sys/**", "proc/sys/"));
	assert_true(route_match("collector/go/**.json", "collector/go/12.json"));
	assert_true(route_match("collector/go/**.json", "collector/go/a/b.json"));
	assert_false(route_match("collector/go/**.json", "collector/go/12.jso"));
}

/* route_find() (an index) is the table's first match, as a linear scan. */
static void test_route_find_is_first_match(void **state)
{
	static const char *const names[] = {
		"manifest.json", "proc/meminfo", "proc/sys/vm/swappiness", "proc/sys/",
		"proc/swaps", "memory.stat", "memory.max", "memory.", "memory.numa_stat",
		"cgroup.procs", "cgroup.events", "status", "fdinfo/1", "fdinfo/1/2",
		"mountinfo", "collector/go/1.json", "collector/go/a/b.json",
		"collector/kmsg.txt", "sys/kernel/mm/transparent_hugepage/enabled",
		"", "zzz", "a", "proc/meminfo2",
	};
	size_t i, j, s;

	(void)state;
	for (s = IN_CAPTURE; s <= IN_CGROUP; s++)
		for (i = 0; i < ARRAY_SIZE(names) + routes_nr; i++) {
			const char *name = i < ARRAY_SIZE(names) ? names[i] :
					   routes[i - ARRAY_SIZE(names)].pattern;
			const struct route *want = NULL;

			for (j = 0; j < routes_nr && !want; j++)
				if (routes[j].scope == s && route_match(routes[j].pattern, name))
					want = &routes[j];
			if (route_find((enum route_scope)s, name) != want)
				fail_msg("route_find(%zu, '%s') is not the first match", s, name);
		}
}

/* Every file the collector writes (collect/sources.c and the sources'
 * own files) has a route, one that loads it or says it is listed only. */
static void test_routes_cover_the_collector(void **state)
{
	static const char *const process_files[] = {
		"status", "smaps_rollup", "cgroup", "oom_score_adj", "cmdline",
		"fdinfo/3", "mountinfo",
	};
	static const char *const collector_files[] = {
		"manifest.json", "collector/kmsg.txt", "collector/kmsg-syslog.txt",
		"collector/bpftool-map.json", "collector/bpftool-prog.json",
		"collector/k8s-pod-logs.txt", "collector/k8s-container-logs.txt",
		"collector/go/1234.json",
	};
	const struct route *r;
	size_t i;

	(void)state;
	for (i = 0; i < node_files_nr; i++) {
		const char *p = node_files[i].path, *rest;

		if (node_files[i].manifest_only)
			continue;
		/* proc/1/mountinfo is a process's file */
		rest = starts_with(p, "proc/1/") ? p + 7 : NULL;
		r = rest ? route_find(IN_PROCESS, rest) : route_find(IN_CAPTURE, p);
		if (!r)
			fail_msg("no route for %s", p);
	}
	for (i = 0; i < cgroup_v1_files_nr; i++)
		if (!route_find(IN_CGROUP, cgroup_v1_files[i]))
			fail_msg("no route for %s", cgroup_v1_files[i]);
	for (i = 0; i < cgroup_v2_files_nr; i++)
		if (!route_find(IN_CGROUP, cgroup_v2_files[i]))
			fail_msg("no route for %s", cgroup_v2_files[i]);
	for (i = 0; i < ARRAY_SIZE(process_files); i++)
		if (!route_find(IN_PROCESS, process_files[i]))
			fail_msg("no route for proc/<pid>/%s", process_files[i]);
	for (i = 0; i < ARRAY_SIZE(collector_files); i++)
		if (!route_find(IN_CAPTURE, collector_files[i]))
			fail_msg("no route for %s", collector_files[i]);
	/* the first match wins: memory.stat is not a one-value file */
	assert_ptr_equal(route_find(IN_CGROUP, "memory.stat")->load, load_memstat);
	assert_ptr_equal(route_find(IN_CGROUP, "memory.max")->load, load_one_value);
	assert_null(route_find(IN_CGROUP, "cgroup.events"));
	/* a route that stores rows says where */
	for (i = 0; i < routes_nr; i++)
		if (routes[i].load && routes[i].load != keep_kmsg)
			assert_true(routes[i].table < T__COUNT);
}

static void write_file(const char *dir, const char *rel, const char *data)
{
	char path[512], *slash;
	FILE *f;

	xsnprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

/*
 * The memory.stat keys cgroup_memstat holds are its columns: a column
 * added to the table (here by ALTER TABLE; in schema/30-cgroup.sql for
 * real) is filled from memory.stat with no change to the loader.
 */
static void test_memstat_keys_are_the_columns(void **state)
{
	char dir[] = "/tmp/memsnap-test-load-rows-XXXXXX", cap[600], cmd[700];
	struct load_stats stats;
	sqlite3_stmt *st;
	sqlite3 *db = open_db();
	char *err = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	xsnprintf(cap, sizeof(cap), "%s/memsnap-x-20260101T000000Z", dir);
	write_file(cap, "sys/fs/cgroup/app/memory.stat",
		   "anon 4096\nfile 8192\nzswap 12288\nzswapped 3\n");
	write_file(cap, "sys/fs/cgroup/app/memory.current", "12288\n");
	assert_int_equal(db_exec(db, "ALTER TABLE cgroup_memstat ADD COLUMN zswapped INTEGER",
				 &err), 0);
	/* made from cgroup_memstat's columns when the schema is (36-samples.sql) */
	assert_int_equal(db_exec(db, "ALTER TABLE cgroup_memstat_span ADD COLUMN "
				 "zswapped INTEGER", &err), 0);
	if (load_capture(db, cap, NULL, &stats, &err) < 0)
		fail_msg("load_capture: %s", err);
	st = db_prepare(db, "SELECT anon, file, zswapped, sock FROM cgroup_memstat "
			"WHERE cgroup = '/app'");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 4096);
	assert_int_equal(sqlite3_column_int64(st, 1), 8192);
	assert_int_equal(sqlite3_column_int64(st, 2), 3);
	assert_int_equal(sqlite3_column_type(st, 3), SQLITE_NULL);   /* not in the file */
	sqlite3_finalize(st);
	db_close(db);
	xsnprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * A file parsed ahead (on the reader thread) is taken as it is when it was
 * parsed by the parser its route asks for, and parsed again when the
 * reader guessed another: the same result either way.
 */
static void test_parsed_get_ahead_or_own(void **state)
{
	static const char text[] = "cache 4096\nrss 8192\n";
	struct file_in f = { .path = "x/memory.stat", .buf = text, .len = sizeof(text) - 1 };
	struct parsed_file own, *pf;
	uint64_t v;

	(void)state;
	f.ahead = parsed_file_new(PARSED_KV, f.buf, f.len);
	pf = parsed_get(&f, PARSED_KV, &own);
	assert_ptr_equal(pf, f.ahead);
	assert_true(kv_list_get(&pf->u.kv, "rss", &v));
	assert_int_equal(v, 8192);
	parsed_put(pf, &own);
	parsed_file_free(f.ahead);

	f.ahead = parsed_file_new(PARSED_PIDS, f.buf, f.len);   /* a wrong guess */
	pf = parsed_get(&f, PARSED_KV, &own);
	assert_ptr_equal(pf, &own);
	assert_int_equal(pf->r, 0);
	assert_true(kv_list_get(&pf->u.kv, "cache", &v));
	assert_int_equal(v, 4096);
	parsed_put(pf, &own);
	parsed_file_free(f.ahead);
	assert_null(parsed_file_new(PARSED_NONE, f.buf, f.len));
}

/* Every route that parses ahead is one the writer's loader takes it from. */
static void test_routes_ahead_kinds(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < routes_nr; i++)
		if (routes[i].ahead != PARSED_NONE)
			assert_non_null(routes[i].load);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_sql_prepares),
		cmocka_unit_test(test_rows_name_every_column),
		cmocka_unit_test(test_rows_bind_counts),
		cmocka_unit_test(test_route_match),
		cmocka_unit_test(test_route_find_is_first_match),
		cmocka_unit_test(test_routes_cover_the_collector),
		cmocka_unit_test(test_memstat_keys_are_the_columns),
		cmocka_unit_test(test_parsed_get_ahead_or_own),
		cmocka_unit_test(test_routes_ahead_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
