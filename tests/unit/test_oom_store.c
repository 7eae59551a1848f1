/* SPDX-License-Identifier: MIT */
/*
 * oom_store() and the oom_kills view: what a loaded capture's kernel log
 * becomes in SQL.  Wall time from the capture clock, Kubernetes names from
 * the capture's name tables, bytes from pages and kB, NULL for what the
 * report did not say.
 */
#include "tests/unit/test_oom_util.h"

#include "analyze/db/db.h"

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (db_open(":memory:", true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	/*
	 * As schema/10-tables.sql means it: that PRAGMA runs inside
	 * db_open()'s transaction, where SQLite ignores it.
	 */
	if (db_exec(db, "PRAGMA foreign_keys = ON", &err) < 0)
		fail_msg("foreign_keys: %s", err);
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (db_exec(db, sql, &err) < 0)
		fail_msg("%s: %s", sql, err);
}

/* A capture row; clock NULL for a pasted log. */
static int64_t add_capture(sqlite3 *db, const char *key, const char *started_at,
			   double started_monotonic)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO capture (capture_key, started_at, started_monotonic, page_size)"
		" VALUES (?, ?, ?, 4096)");

	db_bind_text(st, 1, key);
	db_bind_text(st, 2, started_at);
	db_bind_double(st, 3, started_monotonic, started_at != NULL);
	assert_int_equal(db_step_reset(st), 0);
	sqlite3_finalize(st);
	return sqlite3_last_insert_rowid(db);
}

static void store_sample(sqlite3 *db, int64_t cid, const char *name, bool fixture)
{
	struct oom_log log;
	char *err = NULL;

	if (fixture)
		to_parse_fixture(name, &log);
	else
		to_parse_sample(name, &log);
	if (oom_store(db, cid, &log, &err) < 0)
		fail_msg("oom_store '%s': %s", name, err);
	oom_log_free(&log);
}

/* The one-row, one-column result of sql as text ("NULL" for NULL). */
static char *q(sqlite3 *db, const char *fmt, ...) ATTR_PRINTF(2, 3);
static char *q(sqlite3 *db, const char *fmt, ...)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	va_list ap;
	char *r;
	int rc;

	va_start(ap, fmt);
	strbuf_vaddf(&sql, fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql.buf, sqlite3_errmsg(db));
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		fail_msg("%s: no row", sql.buf);
	r = xstrdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL" :
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	strbuf_release(&sql);
	return r;
}

#define assert_q(db, expected, ...) do {				\
	char *r_ = q((db), __VA_ARGS__);				\
	if (strcmp(r_, (expected)))					\
		fail_msg("%s: '%s', expected '%s'", #__VA_ARGS__, r_, (expected)); \
	free(r_);							\
} while (0)

static void test_oom_store_live_with_capture_clock(void **state)
{
	sqlite3 *db = open_db();
	int64_t cid;

	(void)state;
	/* the capture started 1000.5 s after boot; the kill was at 956.516051 */
	cid = add_capture(db, "k1", "2026-11-28T04:25:58.123456Z", 1000.5);
	store_sample(db, cid, "live-kernel6.18-memcg-v1.txt", true);
	assert_q(db, "1", "SELECT count(*) FROM oom_kills");
	assert_q(db, "1", "SELECT event FROM oom_kills");
	assert_q(db, "956.516051", "SELECT printf('%%.6f', kernel_time) FROM oom_kills");
	/* 58.123456 - (1000.5 - 956.516051) = 14.139507 s, in milliseconds */
	assert_q(db, "2026-11-28T04:25:14.139Z", "SELECT wall_time FROM oom_kills");
	assert_q(db, "python3", "SELECT trigger_comm FROM oom_kills");
	assert_q(db, "10303", "SELECT trigger_pid FROM oom_kills");
	assert_q(db, "CONSTRAINT_MEMCG", "SELECT \"constraint\" FROM oom_kills");
	assert_q(db, "/memsnap-oom-sample", "SELECT oom_memcg FROM oom_kills");
	assert_q(db, "/memsnap-oom-sample", "SELECT task_memcg FROM oom_kills");
	assert_q(db, "10303", "SELECT killed_pid FROM oom_kills");
	assert_q(db, "python3", "SELECT killed_comm FROM oom_kills");
	assert_q(db, "0", "SELECT uid FROM oom_kills");
	assert_q(db, "43278336", "SELECT total_vm_bytes FROM oom_kills");       /* 42264 kB */
	assert_q(db, "33292288", "SELECT anon_rss_bytes FROM oom_kills");       /* 32512 kB */
	assert_q(db, "6647808", "SELECT file_rss_bytes FROM oom_kills");        /* 6492 kB */
	assert_q(db, "0", "SELECT shmem_rss_bytes FROM oom_kills");
	assert_q(db, "135168", "SELECT pgtables_bytes FROM oom_kills");         /* 132 kB */
	assert_q(db, "0", "SELECT oom_score_adj FROM oom_kills");
	assert_q(db, "33554432", "SELECT memcg_usage_bytes FROM oom_kills");
	assert_q(db, "33554432", "SELECT memcg_limit_bytes FROM oom_kills");
	assert_q(db, "NULL", "SELECT namespace FROM oom_kills");
	assert_q(db, "NULL", "SELECT pod FROM oom_kills");
	assert_q(db, "NULL", "SELECT container FROM oom_kills");
	assert_q(db, "1", "SELECT complete FROM oom_kills");
	/* the columns the first issue named, in its order (a contract), then
	 * those added since (issue 13), in theirs */
	assert_q(db, "capture_id,event,kernel_time,wall_time,trigger_comm,trigger_pid,"
		 "constraint,oom_memcg,task_memcg,killed_pid,killed_comm,uid,total_vm_bytes,"
		 "anon_rss_bytes,file_rss_bytes,shmem_rss_bytes,pgtables_bytes,oom_score_adj,"
		 "memcg_usage_bytes,memcg_limit_bytes,namespace,pod,container,complete,"
		 "chosen_pid,chosen_comm,chosen_is_victim,kernel_release,kind,pod_uid,"
		 "container_id,outcome,wall_time_source,wall_time_unknown",
		 "SELECT group_concat(name, ',') FROM pragma_table_info('oom_kills')");
	assert_q(db, "killed", "SELECT outcome FROM oom_kills");
	assert_q(db, "capture", "SELECT wall_time_source FROM oom_kills");
	/* the detail tables */
	assert_q(db, "memcg", "SELECT kind FROM oom_event");
	assert_q(db, "inferred", "SELECT page_size_source FROM oom_event");
	assert_q(db, "1|9223372036854771712",
		 "SELECT unlimited || '|' || (SELECT 1024 * 9007199254740988) FROM oom_memcg_counter"
		 " WHERE counter = 'memory+swap'");
	assert_q(db, "NULL", "SELECT limit_bytes FROM oom_memcg_counter WHERE counter = 'kmem'");
	assert_q(db, "176128", "SELECT usage_bytes FROM oom_memcg_counter WHERE counter = 'kmem'");
	assert_q(db, "96", "SELECT failcnt FROM oom_memcg_counter WHERE counter = 'memory'");
	assert_q(db, "42", "SELECT count(*) FROM oom_memcg_stat");
	assert_q(db, "33333248", "SELECT value FROM oom_memcg_stat WHERE key = 'total_rss'");
	assert_q(db, "1", "SELECT count(*) FROM oom_task");
	/* 9751 pages, 8128 + 1623 */
	assert_q(db, "39940096|33292288|6647808|0|135168|0",
		 "SELECT rss_bytes || '|' || rss_anon_bytes || '|' || rss_file_bytes || '|'"
		 " || rss_shmem_bytes || '|' || pgtables_bytes || '|' || swap_bytes FROM oom_task");
	assert_q(db, "victim|78|1|0", "SELECT reason || '|' || line || '|' || memcg || '|' || reaped"
		 " FROM oom_kill");
	db_close(db);
}

static void test_oom_store_k8s_names(void **state)
{
	sqlite3 *db;
	int64_t cid;

	(void)ts_samples_dir();	/* skip before the database is open */
	db = open_db();
	(void)state;
	cid = add_capture(db, "k2", NULL, 0);
	exec(db, "INSERT INTO k8s_pod_log(capture_id, namespace, pod, pod_uid, container) "
		 "VALUES (1, 'shop', 'java-7d4f9b8c6-xk2mw', "
		 "'28fcb1a0-a45c-44e7-b9bf-e3b9360bedba', 'app'),"
		 "(1, 'shop', 'java-7d4f9b8c6-xk2mw', '28fcb1a0-a45c-44e7-b9bf-e3b9360bedba', 'sidecar')");
	exec(db, "INSERT INTO k8s_container_log(capture_id, namespace, pod, container, "
		 "container_id) VALUES (1, 'shop', 'java-7d4f9b8c6-xk2mw', 'app', "
		 "'3e5e5eab87df615f4777e6f7f261a7fb62f4a7ee5bc3e25e3a5b5223ccd368fe')");
	store_sample(db, cid, "k8s-cgroupfs-dmesg-T-zh-locale-two-lines.txt", false);
	assert_q(db, "28fcb1a0-a45c-44e7-b9bf-e3b9360bedba", "SELECT pod_uid FROM oom_event");
	assert_q(db, "3e5e5eab87df615f4777e6f7f261a7fb62f4a7ee5bc3e25e3a5b5223ccd368fe",
		 "SELECT container_id FROM oom_event");
	assert_q(db, "shop", "SELECT namespace FROM oom_kills");
	assert_q(db, "java-7d4f9b8c6-xk2mw", "SELECT pod FROM oom_kills");
	assert_q(db, "app", "SELECT container FROM oom_kills");
	/* no capture clock: the log's own time (dmesg -T, node local time) */
	assert_q(db, "2024-09-03T05:57:48", "SELECT wall_time FROM oom_kills");
	assert_q(db, "NULL", "SELECT kernel_time FROM oom_kills");
	assert_q(db, "0", "SELECT complete FROM oom_kills");
	assert_q(db, "no 'invoked oom-killer' line (it begins mid-way)", "SELECT missing FROM oom_event");
	assert_q(db, "50624", "SELECT killed_pid FROM oom_kills");
	assert_q(db, "10000", "SELECT uid FROM oom_kills");
	assert_q(db, "969", "SELECT oom_score_adj FROM oom_kills");
	assert_q(db, "NULL", "SELECT memcg_usage_bytes FROM oom_kills");
	/* systemd cgroup driver: the uid's '_' become '-' */
	store_sample(db, cid, "k8s-cgroupv2-guaranteed-kernel5.14.0-333.el9-dmesg-Tx-blog-as-pasted-indented.txt",
		     false);
	assert_q(db, "089f25ee-a41a-414c-a028-71a38dfb30d3", "SELECT pod_uid FROM oom_event WHERE event = 2");
	assert_q(db, "c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d15225139c74f",
		 "SELECT container_id FROM oom_event WHERE event = 2");
	assert_q(db, "NULL", "SELECT namespace FROM oom_kills WHERE event = 2");
	assert_q(db, "2023-08-17T17:29:27", "SELECT wall_time FROM oom_kills WHERE event = 2");
	assert_q(db, "213200896|209715200", "SELECT memcg_usage_bytes || '|' || memcg_limit_bytes"
		 " FROM oom_kills WHERE event = 2");
	/* swap: limit 0 is a limit, not "unlimited" and not NULL */
	assert_q(db, "0|0", "SELECT limit_bytes || '|' || unlimited FROM oom_memcg_counter"
		 " WHERE event = 2 AND counter = 'swap'");
	db_close(db);
}

static void test_oom_store_numbering_and_nulls(void **state)
{
	sqlite3 *db;
	int64_t c1, c2;

	(void)ts_samples_dir();	/* skip before the database is open */
	(void)ts_made_dir();
	db = open_db();
	(void)state;
	c1 = add_capture(db, "a", NULL, 0);
	c2 = add_capture(db, "b", NULL, 0);
	store_sample(db, c1, "variant-two-reports-with-noise.txt", true);
	store_sample(db, c2, "fragment-k8s-cgroupfs-guaranteed-kernel4.19ish-github-wrapped-lines-kubedirector-356.txt",
		     false);
	store_sample(db, c1, "cadvisor-test-global-kernel3.13.0-27-ubuntu.txt", false);
	/* events numbered per capture, continuing after what is stored */
	assert_q(db, "1,2,3", "SELECT group_concat(event) FROM (SELECT event FROM oom_kills"
		 " WHERE capture_id = 1 ORDER BY event)");
	assert_q(db, "1", "SELECT group_concat(event) FROM oom_kills WHERE capture_id = 2");
	/* the fragment: selected but not killed; cut at both ends */
	assert_q(db, "NULL", "SELECT killed_pid FROM oom_kills WHERE capture_id = 2");
	assert_q(db, "62685|bash|0", "SELECT chosen_pid || '|' || chosen_comm || '|' || chosen_score"
		 " FROM oom_event WHERE capture_id = 2");
	assert_q(db, "0", "SELECT complete FROM oom_kills WHERE capture_id = 2");
	assert_q(db, "NULL", "SELECT trigger_comm FROM oom_kills WHERE capture_id = 2");
	assert_q(db, "default", "SELECT page_size_source FROM oom_event WHERE capture_id = 2");
	/* kB to bytes, pages to bytes (4.19: pgtables_bytes as printed) */
	assert_q(db, "536870912", "SELECT memcg_limit_bytes FROM oom_kills WHERE capture_id = 2");
	assert_q(db, "2781184|65536", "SELECT rss_bytes || '|' || pgtables_bytes FROM oom_task"
		 " WHERE capture_id = 2 AND pid = 62685");
	/* the global OOM: no memcg, Mem-Info in bytes */
	assert_q(db, "global", "SELECT kind FROM oom_event WHERE capture_id = 1 AND event = 3");
	assert_q(db, "NULL", "SELECT oom_memcg FROM oom_kills WHERE capture_id = 1 AND event = 3");
	assert_q(db, "NULL", "SELECT memcg_limit_bytes FROM oom_kills WHERE capture_id = 1 AND event = 3");
	assert_q(db, "405991|1662939136", "SELECT pages || '|' || bytes FROM oom_meminfo"
		 " WHERE capture_id = 1 AND event = 3 AND key = 'active_anon'");
	assert_q(db, "NULL|606208", "SELECT coalesce(pages, 'NULL') || '|' || bytes FROM oom_meminfo"
		 " WHERE capture_id = 1 AND event = 3 AND key = 'kernel_stack'");
	assert_q(db, "28", "SELECT count(*) FROM oom_task WHERE capture_id = 1 AND event = 3");
	/* 3.x nr_ptes: page-table pages */
	assert_q(db, "3227648", "SELECT pgtables_bytes FROM oom_task WHERE capture_id = 1"
		 " AND event = 3 AND pid = 1532");
	assert_q(db, "1020", "SELECT uid FROM oom_kills WHERE capture_id = 1 AND event = 3");
	assert_q(db, "NULL", "SELECT shmem_rss_bytes FROM oom_kills WHERE capture_id = 1 AND event = 3");
	/* the v1 report of the two: reaped, unlimited kmem */
	assert_q(db, "1", "SELECT reaped FROM oom_kill WHERE capture_id = 1 AND event = 2");
	assert_q(db, "0|0|0", "SELECT reaped_anon_rss_bytes || '|' || reaped_file_rss_bytes || '|'"
		 " || reaped_shmem_rss_bytes FROM oom_kill WHERE capture_id = 1 AND event = 2");
	assert_q(db, "1", "SELECT unlimited FROM oom_memcg_counter WHERE capture_id = 1"
		 " AND event = 2 AND counter = 'kmem'");
	/* deleting a capture deletes its events */
	exec(db, "DELETE FROM capture WHERE capture_id = 1");
	assert_q(db, "0", "SELECT count(*) FROM oom_task WHERE capture_id = 1");
	assert_q(db, "1", "SELECT count(*) FROM oom_event");
	db_close(db);
}

static void test_oom_store_group_and_control_chars(void **state)
{
	sqlite3 *db = open_db();
	int64_t cid;
	struct oom_log log;
	char *err = NULL;
	const char *s =
		"6,1,100,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/g,task_memcg=/g/a,task=\\x1b]0;pwned\\x07,pid=7,uid=0\n"
		"3,2,101,-;Memory cgroup out of memory: Killed process 7 (\\x1b]0;pwned\\x07) total-vm:8kB, "
		"anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n"
		"6,3,102,-;Tasks in /g are going to be killed due to memory.oom.group set\n"
		"3,4,103,-;Memory cgroup out of memory: Killed process 8 (b) total-vm:8kB, anon-rss:4kB, "
		"file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n";

	(void)state;
	cid = add_capture(db, "g", "2026-01-01T00:00:00Z", 100.0);
	to_parse_buf(s, strlen(s), 0, &log);
	assert_int_equal(oom_store(db, cid, &log, &err), 0);
	oom_log_free(&log);
	/* stored as the kernel printed it; escaping is the renderers' job */
	assert_q(db, "\x1b]0;pwned\x07", "SELECT killed_comm FROM oom_kills");
	assert_q(db, "2", "SELECT count(*) FROM oom_kill");
	assert_q(db, "oom_group|8|b", "SELECT reason || '|' || pid || '|' || comm FROM oom_kill WHERE seq = 1");
	assert_q(db, "/g", "SELECT oom_group_memcg FROM oom_event");
	assert_q(db, "2025-12-31T23:58:20.000Z", "SELECT wall_time FROM oom_kills");
	db_close(db);
}

static void test_oom_store_failure_rolls_back(void **state)
{
	sqlite3 *db;
	struct oom_log log;
	char *err = NULL;

	(void)ts_samples_dir();	/* skip before the database is open */
	db = open_db();
	(void)state;
	to_parse_sample("global-oom-kernel6.11-qemu-stress-ng-full.txt", &log);
	/* capture 42 does not exist: the foreign key refuses the event */
	assert_int_equal(oom_store(db, 42, &log, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "FOREIGN KEY"));
	free(err);
	assert_q(db, "0", "SELECT count(*) FROM oom_event");
	assert_q(db, "0", "SELECT count(*) FROM oom_meminfo");
	/* a failure half-way (after the event row): nothing is left */
	add_capture(db, "x", NULL, 0);
	exec(db, "CREATE TRIGGER full BEFORE INSERT ON oom_task"
		 " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
	err = NULL;
	assert_int_equal(oom_store(db, 1, &log, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "disk is full"));
	free(err);
	assert_q(db, "0", "SELECT count(*) FROM oom_event");
	assert_q(db, "0", "SELECT count(*) FROM oom_meminfo");
	/* and the caller's transaction is still usable */
	exec(db, "DROP TRIGGER full");
	exec(db, "BEGIN");
	assert_int_equal(oom_store(db, 1, &log, NULL), 0);
	exec(db, "COMMIT");
	assert_q(db, "1|4", "SELECT count(*) || '|' || (SELECT count(*) FROM oom_task) FROM oom_event");
	/* an empty log stores nothing and succeeds */
	oom_log_free(&log);
	to_parse_buf("", 0, 0, &log);
	assert_int_equal(oom_store(db, 42, &log, NULL), 0);
	oom_log_free(&log);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_store_live_with_capture_clock),
		cmocka_unit_test(test_oom_store_k8s_names),
		cmocka_unit_test(test_oom_store_numbering_and_nulls),
		cmocka_unit_test(test_oom_store_group_and_control_chars),
		cmocka_unit_test(test_oom_store_failure_rolls_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
