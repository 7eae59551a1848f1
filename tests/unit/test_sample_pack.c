/* SPDX-License-Identifier: MIT */
/*
 * A later sample's packs (common/sample_pack.h, capture.md 6.1): records
 * written and read back, what is not a record, and the loader's spans of
 * unchanged samples (analyze/load/samples.c) over packs and the earlier
 * layout (an entry a file) alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "analyze/capture/capture.h"
#include "analyze/db/db.h"
#include "analyze/load/load.h"
#include "common/sample_pack.h"
#include "common/util.h"

/* A later sample's status as the collector cuts it, and a cgroup v2 memory.stat. */
static const char status_a[] =
	"Name:\tsleep\nTgid:\t4242\nPPid:\t4200\nVmRSS:\t    1024 kB\n"
	"RssAnon:\t      96 kB\nRssFile:\t     928 kB\nRssShmem:\t       0 kB\nVmSwap:\t       0 kB\n";
static const char status_b[] =
	"Name:\tsleep\nTgid:\t4242\nPPid:\t4200\nVmRSS:\t    2048 kB\n"
	"RssAnon:\t    1120 kB\nRssFile:\t     928 kB\nRssShmem:\t       0 kB\nVmSwap:\t       0 kB\n";
static const char memstat[] =
	"anon 1146880\nfile 950272\nkernel 311296\nshmem 0\nactive_file 475136\n"
	"inactive_file 475136\nslab_reclaimable 65536\nslab_unreclaimable 98304\n";

static void test_pack_round_trip(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct sample_pack_rec r;
	size_t pos = 0;

	(void)state;
	sample_pack_add(&sb, "proc/4242/status", 16, status_a, strlen(status_a));
	sample_pack_add(&sb, "sys/fs/cgroup/a b\nc/memory.stat", 31, memstat, strlen(memstat));
	sample_pack_add(&sb, "sys/fs/cgroup/memory.current", 28, "", 0);
	assert_true(starts_with(sb.buf, "16 "));
	assert_int_equal(sample_pack_next(sb.buf, sb.len, &pos, &r), 1);
	assert_int_equal(r.path_len, 16);
	assert_memory_equal(r.path, "proc/4242/status", 16);
	assert_int_equal(r.len, strlen(status_a));
	assert_memory_equal(r.data, status_a, r.len);
	assert_int_equal(sample_pack_next(sb.buf, sb.len, &pos, &r), 1);
	assert_memory_equal(r.path, "sys/fs/cgroup/a b\nc/memory.stat", 31);
	assert_memory_equal(r.data, memstat, strlen(memstat));
	assert_int_equal(sample_pack_next(sb.buf, sb.len, &pos, &r), 1);
	assert_int_equal(r.len, 0);
	assert_int_equal(sample_pack_next(sb.buf, sb.len, &pos, &r), 0);
	assert_int_equal(pos, sb.len);
	/* empty: no record */
	pos = 0;
	assert_int_equal(sample_pack_next("", 0, &pos, &r), 0);
	strbuf_release(&sb);
}

static void test_pack_not_records(void **state)
{
	static const char *const bad[] = {
		"x",                          /* no header */
		"3 2\nabcde",                 /* no LF after the data */
		"3 2\nabcdeX",
		"3 9\nabcde\n",               /* longer than the pack */
		"03 2\nabcde\n",              /* a leading zero */
		"3  2\nabcde\n", "-3 2\nabcde\n", "+3 2\nabcde\n", "3 2 \nabcde\n",
		"3\nabc\n", " 3 2\nabcde\n", "3 2", "3 ", "3", "3 2\r\nabcde\n",
		"99999999999999999999 2\nab\n", /* 20 digits */
		"18446744073709551615 18446744073709551615\nab\n",
	};
	struct sample_pack_rec r;
	size_t i, pos;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		pos = 0;
		if (sample_pack_next(bad[i], strlen(bad[i]), &pos, &r) != -1)
			fail_msg("'%s' read as a record", bad[i]);
		assert_int_equal(pos, 0);
	}
	/* a good record, then a bad one: the first is read */
	pos = 0;
	assert_int_equal(sample_pack_next("1 1\nab\n1 1\nab", 14, &pos, &r), 1);
	assert_int_equal(sample_pack_next("1 1\nab\n1 1\nab", 14, &pos, &r), -1);
	assert_int_equal(pos, 7);
}

static void test_pack_names(void **state)
{
	(void)state;
	assert_true(sample_pack_name("pack-1"));
	assert_true(sample_pack_name("pack-12"));
	assert_false(sample_pack_name("pack-0"));
	assert_false(sample_pack_name("pack-01"));
	assert_false(sample_pack_name("pack-"));
	assert_false(sample_pack_name("pack-1/x"));
	assert_false(sample_pack_name("proc/1/status"));
}

/* A record's path gets an entry's checks (capture_path_problem()). */
static void test_pack_record_paths(void **state)
{
	static const char *const good[] = {
		"proc/1/status", "a..b/c", "a/b..", "..a/b", "a/.", ".", "x.", "a/...",
		"sys/fs/cgroup/memory/memory.kmem.usage_in_bytes",
	};
	static const char *const bad[] = {
		"..", "../a", "a/..", "a/../b", "a/b/..", "a.b/../c", "./..",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++)
		assert_null(capture_path_problem(good[i], strlen(good[i])));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_string_equal(capture_path_problem(bad[i], strlen(bad[i])),
				    "path with '..'");
	/* only the first len bytes count */
	assert_null(capture_path_problem("a/..", 3));
	assert_string_equal(capture_path_problem("/a", 2), "absolute path");
	assert_string_equal(capture_path_problem("a", 0), "empty path");
}

static void write_file(const char *dir, const char *rel, const char *data, size_t len)
{
	char path[512], *slash;
	FILE *f;

	xsnprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void write_str(const char *dir, const char *rel, const char *data)
{
	write_file(dir, rel, data, strlen(data));
}

/* samples/<k>/pack-1 of a status and the cgroup's three files */
static void write_pack(const char *dir, unsigned k, const char *status, const char *current,
		       const char *procs)
{
	struct strbuf sb = STRBUF_INIT;
	char rel[64];

	sample_pack_add(&sb, "proc/4242/status", 16, status, strlen(status));
	/* in the order of a directory capture's (sorted) names, as sample 5's */
	sample_pack_add(&sb, "sys/fs/cgroup/app/cgroup.procs", 30, procs, strlen(procs));
	sample_pack_add(&sb, "sys/fs/cgroup/app/memory.current", 32, current, strlen(current));
	sample_pack_add(&sb, "sys/fs/cgroup/app/memory.stat", 29, memstat, strlen(memstat));
	xsnprintf(rel, sizeof(rel), "samples/%u/pack-1", k);
	write_file(dir, rel, sb.buf, sb.len);
	strbuf_release(&sb);
}

static int64_t q64(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int64_t v;

	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Samples 2 and 3 the same, 4 another status, 5 the same as 4 in the
 * earlier layout, 6 the same again but sample 6 is not in the archive's
 * folders (only in the index), 7 the same as 5: spans 2-3, 4-5, 7-7 of the
 * process; 2-5, 7-7 of the cgroup; its cgroup.procs, another in sample 3
 * only, 2-2, 3-3, 4-5, 7-7; every sample's row in the views.
 */
static void test_spans_of_unchanged_samples(void **state)
{
	char dir[] = "/tmp/memsnap-test-sample-pack-XXXXXX", cap[600], cmd[700];
	struct load_stats stats;
	sqlite3 *db = NULL;
	char *err = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	xsnprintf(cap, sizeof(cap), "%s/memsnap-x-20260101T000000Z", dir);
	/* the memory hierarchy must be known before samples/ (sorted before sys/) */
	write_str(cap, "manifest.json",
		  "{\"format\": \"memsnap-capture\", \"format_version\": 1, \"hostname\": \"x\", "
		  "\"page_size\": 4096, \"clock\": {\"started_utc\": \"2026-01-01T00:00:00.000000Z\", "
		  "\"started_monotonic\": 1.0}, \"cgroup\": {\"mode\": \"v2\", "
		  "\"memory_root\": \"sys/fs/cgroup\"}, \"problems\": []}\n");
	write_str(cap, "sys/fs/cgroup/app/memory.stat", memstat);
	write_str(cap, "sys/fs/cgroup/app/memory.current", "2400000\n");
	write_str(cap, "sys/fs/cgroup/app/cgroup.procs", "4242\n");
	write_str(cap, "proc/4242/status", status_a);
	write_pack(cap, 2, status_a, "2400000\n", "4242\n");
	/* a process came for sample 3 only: its own spans, not the cgroup's */
	write_pack(cap, 3, status_a, "2400000\n", "4242\n4243\n");
	write_pack(cap, 4, status_b, "2400000\n", "4242\n");
	write_str(cap, "samples/5/proc/4242/status", status_b);
	write_str(cap, "samples/5/sys/fs/cgroup/app/cgroup.procs", "4242\n");
	write_str(cap, "samples/5/sys/fs/cgroup/app/memory.stat", memstat);
	write_str(cap, "samples/5/sys/fs/cgroup/app/memory.current", "2400000\n");
	write_pack(cap, 7, status_b, "2400000\n", "4242\n");
	write_str(cap, "samples/index.tsv",
		  "sample\tmono_ns\tmono_end_ns\trealtime\tkind\ttrigger\tstatus\n"
		  "1\t1000000000\t1100000000\t1767225600.000000000\tfull\tstart\tcomplete\n"
		  "2\t2000000000\t2100000000\t1767225601.000000000\tchanges\tinterval\tcomplete\n"
		  "3\t3000000000\t3100000000\t1767225602.000000000\tchanges\tinterval\tcomplete\n"
		  "4\t4000000000\t4100000000\t1767225603.000000000\tchanges\tinterval\tcomplete\n"
		  "5\t5000000000\t5100000000\t1767225604.000000000\tchanges\tinterval\tcomplete\n"
		  "6\t6000000000\t6100000000\t1767225605.000000000\tchanges\tinterval\terror\n"
		  "7\t7000000000\t7100000000\t1767225606.000000000\tchanges\tinterval\tcomplete\n");
	if (db_open(":memory:", true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	if (load_capture(db, cap, NULL, &stats, &err) < 0)
		fail_msg("load_capture: %s", err);
	assert_int_equal(q64(db, "SELECT group_concat(sample || '-' || sample_last || ':' || vm_rss, ' ') = "
			 "'2-3:1048576 4-5:2097152 7-7:2097152' FROM (SELECT * FROM proc_status_span "
			 "ORDER BY sample)"), 1);
	assert_int_equal(q64(db, "SELECT group_concat(sample || '-' || sample_last, ' ') = '2-5 7-7' "
			 "FROM (SELECT * FROM cgroup_file_span WHERE cgroup = '/app' ORDER BY sample)"), 1);
	assert_int_equal(q64(db, "SELECT group_concat(sample || '-' || sample_last || ':' || pid, ' ') = "
			 "'2-2:4242 3-3:4242 3-3:4243 4-5:4242 7-7:4242' FROM (SELECT * FROM "
			 "cgroup_proc_span WHERE cgroup = '/app' ORDER BY sample, pid)"), 1);
	assert_int_equal(q64(db, "SELECT group_concat(sample || ':' || n, ' ') = '2:1 3:2 4:1 5:1 7:1' "
			 "FROM (SELECT sample, count(*) AS n FROM cgroup_proc_sample "
			 "WHERE cgroup = '/app' GROUP BY sample ORDER BY sample)"), 1);
	assert_int_equal(q64(db, "SELECT group_concat(sample || '-' || sample_last, ' ') = '1-1 2-5 7-7' "
			 "FROM (SELECT * FROM cgroup_parts_data WHERE cgroup = '/app' ORDER BY sample)"), 1);
	/* a row a sample in the views, sample 6 (no files) in none */
	assert_int_equal(q64(db, "SELECT group_concat(sample || ':' || rss_bytes, ' ') = "
			 "'1:1048576 2:1048576 3:1048576 4:2097152 5:2097152 7:2097152' "
			 "FROM (SELECT * FROM process_samples WHERE pid = 4242 ORDER BY sample)"), 1);
	assert_int_equal(q64(db, "SELECT group_concat(sample || ':' || usage_bytes || ':' || anon_bytes, ' ') = "
			 "'1:2400000:1146880 2:2400000:1146880 3:2400000:1146880 4:2400000:1146880 "
			 "5:2400000:1146880 7:2400000:1146880' "
			 "FROM (SELECT * FROM cgroup_samples WHERE cgroup = '/app' ORDER BY sample)"), 1);
	/* the breakdown of every sample by the same SQL: sample 1's, six times */
	assert_int_equal(q64(db, "SELECT count(DISTINCT sample) FROM working_set_breakdown_samples "
			 "WHERE cgroup = '/app'"), 6);
	assert_int_equal(q64(db, "SELECT count(*) FROM (SELECT component, bytes FROM "
			 "working_set_breakdown_samples WHERE cgroup = '/app' GROUP BY component, bytes "
			 "HAVING count(*) = 6)"),
			 q64(db, "SELECT count(*) FROM working_set_breakdown WHERE cgroup = '/app'"));
	assert_int_equal(q64(db, "SELECT count(*) FROM load_problems"), 0);
	db_close(db);
	xsnprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack_round_trip),
		cmocka_unit_test(test_pack_not_records),
		cmocka_unit_test(test_pack_names),
		cmocka_unit_test(test_pack_record_paths),
		cmocka_unit_test(test_spans_of_unchanged_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
