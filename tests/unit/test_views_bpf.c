/* SPDX-License-Identifier: MIT */
/*
 * The bpf_maps view (schema/70-views.sql): one row per map and holding
 * process from its two sources, the fdinfo of the map fds processes hold
 * and bpftool's maps and "pids", each case of which is a row below; and a
 * query of one capture reads that capture alone: the same VM steps in a
 * database of one capture as among many (its earlier form worked every
 * capture out first, and fails the second test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/db/db.h"
#include "common/util.h"

static sqlite3 *new_db(void)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (db_open(":memory:", true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (db_exec(db, sql, &err) < 0)
		fail_msg("'%s': %s", sql, err);
}

/*
 * Capture `id`'s maps: 1 in the fdinfo of pids 10 (twice) and 11 and in
 * bpftool, whose "pids" say 10 again and 21; 2 in the fdinfo of pid 13
 * alone; 3 in bpftool held by pid 20; 4 in bpftool held by nobody; an fd
 * of pid 12 whose map id the kernel did not print (before 4.14).
 */
static void add_capture(sqlite3 *db, int id)
{
	char sql[2048];

	xsnprintf(sql, sizeof(sql),
		"INSERT INTO capture(capture_id, capture_key, source, name) "
		"VALUES (%d, 'key %d', 'test', 'capture %d');"
		"INSERT INTO bpf_fdinfo(capture_id, pid, fd, map_id, type_name, max_entries, memlock) "
		"VALUES (%d, 10, 3, 1, 'hash', 100, 4096), (%d, 10, 5, 1, 'hash', 100, 4096), "
		"(%d, 11, 4, 1, 'hash', 100, 8192), (%d, 12, 6, NULL, 'array', 1, 64), "
		"(%d, 13, 7, 2, 'array', 5, 100);"
		"INSERT INTO bpftool_map(capture_id, map_id, type, name, max_entries, bytes_memlock) "
		"VALUES (%d, 1, 'lru_hash', 'm1', 200, 1000), (%d, 3, 'array', 'm3', NULL, 3000), "
		"(%d, 4, 'ringbuf', 'm4', 8, 4000);"
		"INSERT INTO bpftool_map_pid(capture_id, map_id, pid, comm) "
		"VALUES (%d, 1, 10, 'a'), (%d, 1, 21, 'b'), (%d, 3, 20, 'c');",
		id, id, id, id, id, id, id, id, id, id, id, id, id, id);
	exec(db, sql);
}

/* The rows of a query as one string: "a|b|...\n" a row, NULL as "-". */
static void rows(sqlite3 *db, const char *sql, struct strbuf *out)
{
	sqlite3_stmt *st = NULL;
	int c;

	strbuf_reset(out);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);

			strbuf_addf(out, "%s%s", c ? "|" : "", t ? (const char *)t : "-");
		}
		strbuf_addch(out, '\n');
	}
	sqlite3_finalize(st);
}

static void test_bpf_maps_every_source(void **state)
{
	sqlite3 *db = new_db();
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	add_capture(db, 1);
	rows(db, "SELECT map_id, name, type, max_entries, memlock_bytes, pid, cgroup "
		 "FROM bpf_maps WHERE capture_id = 1 ORDER BY map_id, pid", &sb);
	assert_string_equal(sb.buf,
		/* 4 holders less the fd twice: bpftool's name, type and size,
		 * the fdinfo's memlock (the larger of its fds') */
		"1|m1|lru_hash|200|8192|10|-\n"
		"1|m1|lru_hash|200|8192|11|-\n"
		"1|m1|lru_hash|200|8192|21|-\n"
		/* the fdinfo alone */
		"2|-|array|5|100|13|-\n"
		/* bpftool alone, held, then held by nobody */
		"3|m3|array|-|3000|20|-\n"
		"4|m4|ringbuf|8|4000|-|-\n");
	strbuf_release(&sb);
	db_close(db);
}

/* The VM steps of a query of capture 1, and its rows. */
static int vm_steps(sqlite3 *db, const char *sql, struct strbuf *out)
{
	sqlite3_stmt *st = NULL;
	int steps;

	rows(db, sql, out);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
	sqlite3_finalize(st);
	return steps;
}

static void test_bpf_maps_one_capture_of_many(void **state)
{
	static const char sql[] = "SELECT * FROM bpf_maps WHERE capture_id = 1";
	sqlite3 *one = new_db(), *many = new_db();
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int i, alone, among;

	(void)state;
	add_capture(one, 1);
	for (i = 1; i <= 40; i++)
		add_capture(many, i);
	alone = vm_steps(one, sql, &a);
	among = vm_steps(many, sql, &b);
	assert_string_equal(a.buf, b.buf);
	/* the same seeks and the capture's rows: 40 captures worked out
	 * would be ~40 times the steps */
	if (among > alone + alone / 4)
		fail_msg("capture 1 among 40: %d VM steps, alone %d", among, alone);
	strbuf_release(&a);
	strbuf_release(&b);
	db_close(one);
	db_close(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bpf_maps_every_source),
		cmocka_unit_test(test_bpf_maps_one_capture_of_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
