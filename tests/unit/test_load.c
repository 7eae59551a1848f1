/* SPDX-License-Identifier: MIT */
/*
 * load_capture() and the public views of issue 3, on small captures written
 * by the test (folders and archives), with the values checked by hand.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
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

#include "analyze/capture/capture.h"
#include "analyze/db/db.h"
#include "analyze/load/load.h"
#include "common/util.h"

struct file {
	const char *path;
	const char *data;
};

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	strlcpy_s(tmpdir, "/tmp/memsnap-test-load-XXXXXX", sizeof(tmpdir));
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	xsnprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static void mkdirs(const char *path)
{
	char buf[1024];
	char *p;

	strlcpy_s(buf, path, sizeof(buf));
	for (p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	}
}

static void write_file(const char *dir, const char *rel, const char *data)
{
	char path[1024];
	int fd;

	xsnprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdirs(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, data, strlen(data)), 0);
	close(fd);
}

/* A capture folder <tmpdir>/<name>/ holding files. */
static const char *make_folder(const char *name, const struct file *files, size_t n)
{
	static char dir[512];
	size_t i;

	xsnprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
	mkdir(dir, 0755);
	for (i = 0; i < n; i++)
		write_file(dir, files[i].path, files[i].data);
	return dir;
}

/* A tar.gz <tmpdir>/<name>.tar.gz with entries under <name>/, in order. */
static const char *make_archive(const char *name, const struct file *files, size_t n)
{
	static char path[512];
	struct archive *a = archive_write_new();
	size_t i;

	xsnprintf(path, sizeof(path), "%s/%s.tar.gz", tmpdir, name);
	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		char p[1024];

		xsnprintf(p, sizeof(p), "%s/%s", name, files[i].path);
		archive_entry_set_pathname(e, p);
		archive_entry_set_size(e, (la_int64_t)strlen(files[i].data));
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0444);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, files[i].data, strlen(files[i].data)),
				 (la_ssize_t)strlen(files[i].data));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

static sqlite3 *new_db(void)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (db_open(":memory:", true, &db, &err) < 0)
		fail_msg("db_open: %s", err);
	return db;
}

/* The first column of the first row of a query, as int64; -1 when NULL. */
static int64_t q_int(sqlite3 *db, const char *fmt, ...)
{
	char sql[2048];
	sqlite3_stmt *st;
	int64_t v = -999;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *q_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	char *s = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s;
}

/* ---- a small v1 capture ----------------------------------------------------- */

#define MANIFEST_V1 \
	"{\"format\":\"memsnap-capture\",\"format_version\":1," \
	"\"collector\":{\"name\":\"memsnap-collect\",\"version\":\"0.1.0\",\"pid\":999}," \
	"\"complete\":true,\"hostname\":\"node-a\"," \
	"\"kernel\":{\"release\":\"6.1.0-test\"},\"boot_id\":\"b-1\",\"page_size\":4096," \
	"\"clock\":{\"started_utc\":\"2026-11-28T04:25:58.123456Z\"," \
	"\"finished_utc\":\"2026-11-28T04:25:59.000000Z\",\"started_monotonic\":100.5}," \
	"\"cgroup\":{\"mode\":\"hybrid\",\"memory_root\":\"sys/fs/cgroup/memory\"}," \
	"\"problems\":[{\"path\":\"proc/77/status\",\"kind\":\"vanished\",\"errno\":2," \
	"\"error\":\"No such file or directory\",\"action\":\"skipped\"}]}"

#define STATUS_42 \
	"Name:\tapp\nState:\tS (sleeping)\nTgid:\t42\nPid:\t42\nPPid:\t1\n" \
	"Uid:\t1000\t1000\t1000\t1000\nVmSize:\t  10000 kB\nVmRSS:\t   3000 kB\n" \
	"RssAnon:\t    2000 kB\nRssFile:\t     800 kB\nRssShmem:\t     200 kB\n" \
	"VmSwap:\t       4 kB\nThreads:\t2\n" \
	"SigQ:\t0/96364\nFuture_key:\ta \"b\" \\ \xff\n"
#define STATUS_KTHREAD \
	"Name:\tkworker/0:1\nState:\tI (idle)\nTgid:\t7\nPid:\t7\nPPid:\t2\n" \
	"Uid:\t0\t0\t0\t0\nThreads:\t1\nKthread:\t1\n"
#define STATUS_COLLECTOR \
	"Name:\tmemsnap-collect\nState:\tR (running)\nTgid:\t999\nPid:\t999\n" \
	"PPid:\t1\nUid:\t0\t0\t0\t0\nVmSize:\t 2000 kB\nVmRSS:\t 1000 kB\nThreads:\t2\n"
#define SMAPS_42 \
	"00400000-7fff00000000 ---p 00000000 00:00 0                  [rollup]\n" \
	"Rss:                3000 kB\nPss:                2500 kB\nPss_Anon:           2000 kB\n" \
	"Pss_File:            400 kB\nPss_Shmem:           100 kB\nAnonymous:          2000 kB\n" \
	"Swap:                  4 kB\n"
#define STAT_CHILD \
	"cache 8192000\nrss 4096000\nshmem 1024000\nactive_file 3072000\ninactive_file 4096000\n" \
	"total_cache 8192000\ntotal_rss 4096000\ntotal_shmem 1024000\n" \
	"total_active_file 3072000\ntotal_inactive_file 4096000\n" \
	"hierarchical_memory_limit 67108864\n"
#define STAT_ROOT \
	"cache 1000\nrss 2000\ntotal_cache 20000000\ntotal_rss 10000000\n" \
	"total_shmem 2000000\ntotal_active_file 9000000\ntotal_inactive_file 11000000\n"

static const struct file v1_files[] = {
	{ "manifest.json", MANIFEST_V1 },
	{ "proc/meminfo", "MemTotal:       16000000 kB\nMemFree:         1000000 kB\n"
			  "MemAvailable:    8000000 kB\nSwapTotal:             0 kB\n"
			  "SwapFree:              0 kB\n" },
	{ "proc/pressure/memory", "some avg10=1.50 avg60=0.50 avg300=0.10 total=12345\n"
				  "full avg10=0.00 avg60=0.00 avg300=0.00 total=10\n" },
	{ "sys/fs/cgroup/memory/memory.usage_in_bytes", "30000000\n" },
	{ "sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n" },
	{ "sys/fs/cgroup/memory/memory.stat", STAT_ROOT },
	{ "sys/fs/cgroup/memory/cgroup.procs", "1\n7\n999\n" },
	{ "sys/fs/cgroup/memory/app/memory.usage_in_bytes", "13000000\n" },
	{ "sys/fs/cgroup/memory/app/memory.limit_in_bytes", "67108864\n" },
	{ "sys/fs/cgroup/memory/app/memory.kmem.usage_in_bytes", "700000\n" },
	{ "sys/fs/cgroup/memory/app/memory.stat", STAT_CHILD },
	{ "sys/fs/cgroup/memory/app/memory.oom_control",
	  "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n" },
	{ "sys/fs/cgroup/memory/app/cgroup.procs", "42\n" },
	{ "proc/7/status", STATUS_KTHREAD },
	{ "proc/7/cgroup", "4:memory:/\n0::/\n" },
	{ "proc/42/status", STATUS_42 },
	{ "proc/42/smaps_rollup", SMAPS_42 },
	{ "proc/42/cgroup", "4:memory:/app\n1:name=systemd:/app\n0::/\n" },
	{ "proc/42/oom_score_adj", "500\n" },
	{ "proc/42/fdinfo/5", "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\n"
			      "map_type:\t1\nkey_size:\t4\nvalue_size:\t8\n"
			      "max_entries:\t1024\nmap_flags:\t0x0\nmap_extra:\t0x0\n"
			      "memlock:\t86016\nmap_id:\t17\nfrozen:\t0\n" },
	{ "proc/999/status", STATUS_COLLECTOR },
	{ "collector/bpftool-map.json",
	  "[{\"id\":17,\"type\":\"hash\",\"name\":\"my_map\",\"flags\":0,\"bytes_key\":4,"
	  "\"bytes_value\":8,\"max_entries\":1024,\"bytes_memlock\":86016,\"frozen\":0,"
	  "\"pids\":[{\"pid\":42,\"comm\":\"app\"}]},"
	  "{\"id\":18,\"type\":\"array\",\"name\":\"pinned_only\",\"flags\":0,"
	  "\"bytes_key\":4,\"bytes_value\":4,\"max_entries\":10,\"frozen\":0}]" },
	{ "collector/go/42.json", "{\"pid\":42,\"go_version\":\"go1.22.3\","
				  "\"env\":{\"GOMEMLIMIT\":\"48MiB\",\"GOGC\":\"50\"}}" },
};

static void check_v1_capture(sqlite3 *db)
{
	char *s;

	/* keys without a column, as rows of proc_kv, in file order */
	assert_int_equal(q_int(db, "SELECT count(*) FROM proc_kv WHERE pid = 42 "
			 "AND file = 'status' AND key = 'SigQ' AND value = '0/96364'"), 1);
	s = q_text(db, "SELECT group_concat(value, '|') FROM (SELECT value FROM proc_kv "
		   "WHERE pid = 42 AND key = 'Future_key' ORDER BY rowid)");
	assert_string_equal(s, "a \"b\" \\ \xef\xbf\xbd");
	free(s);
	/* captures view */
	assert_int_equal(q_int(db, "SELECT count(*) FROM captures"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM captures WHERE hostname = 'node-a' "
			 "AND kernel_release = '6.1.0-test' AND cgroup_mode = 'hybrid' "
			 "AND started_at = '2026-11-28T04:25:58.123456Z' "
			 "AND collector_version = '0.1.0'"), 1);
	/* cgroups: working set = usage - total_inactive_file, cAdvisor's v1 rule */
	assert_int_equal(q_int(db, "SELECT working_set_bytes FROM cgroups WHERE cgroup = '/app'"),
			 13000000 - 4096000);
	assert_int_equal(q_int(db, "SELECT usage_bytes FROM cgroups WHERE cgroup = '/app'"),
			 13000000);
	assert_int_equal(q_int(db, "SELECT limit_bytes FROM cgroups WHERE cgroup = '/app'"),
			 67108864);
	assert_int_equal(q_int(db, "SELECT parent = '/' FROM cgroups WHERE cgroup = '/app'"), 1);
	assert_int_equal(q_int(db, "SELECT anon_bytes FROM cgroups WHERE cgroup = '/app'"),
			 4096000);
	assert_int_equal(q_int(db, "SELECT shmem_bytes FROM cgroups WHERE cgroup = '/app'"),
			 1024000);
	assert_int_equal(q_int(db, "SELECT kernel_bytes FROM cgroups WHERE cgroup = '/app'"),
			 700000);
	assert_int_equal(q_int(db, "SELECT oom_kill_count FROM cgroups WHERE cgroup = '/app'"), 3);
	/* swap accounting absent: NULL, not 0 */
	assert_int_equal(q_int(db, "SELECT swap_bytes FROM cgroups WHERE cgroup = '/app'"), -1);
	/* the root: v1 "unlimited" is NULL */
	assert_int_equal(q_int(db, "SELECT limit_bytes FROM cgroups WHERE cgroup = '/'"), -1);
	assert_int_equal(q_int(db, "SELECT working_set_bytes FROM cgroups WHERE cgroup = '/'"),
			 30000000 - 11000000);
	assert_int_equal(q_int(db, "SELECT parent FROM cgroups WHERE cgroup = '/'"), -1);
	/* processes: kernel thread and collector left out */
	assert_int_equal(q_int(db, "SELECT count(*) FROM processes"), 1);
	assert_int_equal(q_int(db, "SELECT rss_bytes FROM processes WHERE pid = 42"), 3000 * 1024);
	assert_int_equal(q_int(db, "SELECT pss_bytes FROM processes WHERE pid = 42"), 2500 * 1024);
	assert_int_equal(q_int(db, "SELECT pss_anon_bytes FROM processes WHERE pid = 42"),
			 2000 * 1024);
	assert_int_equal(q_int(db, "SELECT anon_bytes FROM processes WHERE pid = 42"), 2000 * 1024);
	assert_int_equal(q_int(db, "SELECT swap_bytes FROM processes WHERE pid = 42"), 4 * 1024);
	assert_int_equal(q_int(db, "SELECT oom_score_adj FROM processes WHERE pid = 42"), 500);
	assert_int_equal(q_int(db, "SELECT cgroup = '/app' FROM processes WHERE pid = 42"), 1);
	/* BPF: map 17 from fdinfo and bpftool (one row per map and holder), 18 unheld */
	assert_int_equal(q_int(db, "SELECT count(*) FROM bpf_maps"), 2);
	assert_int_equal(q_int(db, "SELECT memlock_bytes FROM bpf_maps WHERE map_id = 17 "
			 "AND pid = 42 AND cgroup = '/app' AND name = 'my_map' AND type = 'hash'"),
			 86016);
	assert_int_equal(q_int(db, "SELECT count(*) FROM bpf_maps WHERE map_id = 18 "
			 "AND pid IS NULL AND memlock_bytes IS NULL"), 1);
	/* Go */
	assert_int_equal(q_int(db, "SELECT gomemlimit_bytes FROM proc_go WHERE pid = 42"),
			 48 << 20);
	/* node, PSI, collector problems */
	assert_int_equal(q_int(db, "SELECT mem_total_bytes FROM node"), 16000000LL * 1024);
	assert_int_equal(q_int(db, "SELECT kubelet_memory_available_bytes FROM node"),
			 16000000LL * 1024 - (30000000 - 11000000));
	assert_int_equal(q_int(db, "SELECT total_us FROM node_pressure WHERE kind = 'some'"),
			 12345);
	assert_int_equal(q_int(db, "SELECT count(*) FROM collect_problems WHERE "
			 "path = 'proc/77/status' AND kind = 'vanished'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems"), 0);
}

static void test_load_capture_folder_v1(void **state)
{
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();
	const char *dir;

	(void)state;
	dir = make_folder("memsnap-node-a-20261128T042558Z", v1_files, ARRAY_SIZE(v1_files));
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_false(st.duplicate);
	assert_int_equal(st.files, ARRAY_SIZE(v1_files));
	assert_int_equal(st.problems, 0);
	check_v1_capture(db);
	db_close(db);
}

/*
 * cgroup_components_span gives each component of working_set_components
 * the cgroup_parts_data column of the same name (it finds the column by
 * the component's ord): a row with a value of its own in every column.
 */
static void test_components_are_their_columns(void **state)
{
	sqlite3 *db = new_db();
	struct strbuf sql = STRBUF_INIT, cols = STRBUF_INIT, vals = STRBUF_INIT;
	sqlite3_stmt *st;
	int ncomp = 0, c = 0;

	(void)state;
	assert_int_equal(db_exec(db, "INSERT INTO capture (capture_id, capture_key) "
				 "VALUES (1, 'k')", NULL), 0);
	/* every column a component names: 1000 + its place in the table */
	st = db_prepare(db, "SELECT name, cid FROM pragma_table_info('cgroup_parts_data') "
			    "WHERE name IN (SELECT component FROM working_set_components)");
	while (sqlite3_step(st) == SQLITE_ROW) {
		strbuf_addf(&cols, ", %s", (const char *)sqlite3_column_text(st, 0));
		strbuf_addf(&vals, ", %d", 1000 + sqlite3_column_int(st, 1));
		c++;
	}
	sqlite3_finalize(st);
	assert_int_equal(c, q_int(db, "SELECT count(*) FROM working_set_components"));
	strbuf_addf(&sql, "INSERT INTO cgroup_parts_data (capture_id, sample, sample_last, "
		    "cgroup%s) VALUES (1, 1, 1, '/x'%s)", cols.buf, vals.buf);
	assert_int_equal(db_exec(db, sql.buf, NULL), 0);
	st = db_prepare(db, "SELECT s.component, s.bytes, 1000 + t.cid "
			    "FROM cgroup_components_span s "
			    "LEFT JOIN pragma_table_info('cgroup_parts_data') t ON t.name = s.component");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 1) != sqlite3_column_int64(st, 2))
			fail_msg("component %s: %lld, its column holds %lld",
				 (const char *)sqlite3_column_text(st, 0),
				 (long long)sqlite3_column_int64(st, 1),
				 (long long)sqlite3_column_int64(st, 2));
		ncomp++;
	}
	sqlite3_finalize(st);
	assert_int_equal(ncomp, c);
	strbuf_release(&sql);
	strbuf_release(&cols);
	strbuf_release(&vals);
	db_close(db);
}

static void test_load_capture_archive_v1(void **state)
{
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();
	const char *path;

	(void)state;
	path = make_archive("memsnap-node-a-20261128T042558Z", v1_files, ARRAY_SIZE(v1_files));
	assert_int_equal(load_capture(db, path, NULL, &st, &err), 0);
	assert_int_equal(st.files, ARRAY_SIZE(v1_files));
	check_v1_capture(db);
	db_close(db);
}

/* An unpacked folder given as its parent (the result of `tar xf` in a dir). */
static void test_load_capture_folder_parent(void **state)
{
	struct load_stats st;
	char *err = NULL, parent[512];
	sqlite3 *db = new_db();

	(void)state;
	make_folder("p/memsnap-node-a-20261128T042558Z", v1_files, ARRAY_SIZE(v1_files));
	xsnprintf(parent, sizeof(parent), "%s/p", tmpdir);
	assert_int_equal(load_capture(db, parent, NULL, &st, &err), 0);
	check_v1_capture(db);
	assert_int_equal(q_int(db, "SELECT count(*) FROM captures WHERE "
			 "name = 'memsnap-node-a-20261128T042558Z'"), 1);
	db_close(db);
}

static void test_load_capture_twice_is_noop(void **state)
{
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();
	const char *dir, *path;

	(void)state;
	dir = make_folder("memsnap-node-a-20261128T042558Z", v1_files, ARRAY_SIZE(v1_files));
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_false(st.duplicate);
	/* the same capture as an archive is the same capture */
	path = make_archive("memsnap-node-a-20261128T042558Z", v1_files, ARRAY_SIZE(v1_files));
	assert_int_equal(load_capture(db, path, NULL, &st, &err), 0);
	assert_true(st.duplicate);
	assert_int_equal(q_int(db, "SELECT count(*) FROM capture"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM proc_status"), 3);
	assert_int_equal(q_int(db, "SELECT count(*) FROM collect_problem"), 1);
	db_close(db);
}

/* A database of another schema version is refused, with both versions named. */
static void test_db_other_version_refused(void **state)
{
	char path[512], *err = NULL;
	sqlite3 *db = NULL;

	(void)state;
	xsnprintf(path, sizeof(path), "%s/old.db", tmpdir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE capture(x); PRAGMA user_version = 1",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	db = NULL;
	assert_int_equal(db_open(path, true, &db, &err), -1);
	assert_null(db);
	assert_non_null(err);
	assert_non_null(strstr(err, "old.db"));
	assert_non_null(strstr(err, "user_version is 1"));
	assert_non_null(strstr(err, "load its captures again"));
	free(err);
	err = NULL;
	assert_int_equal(db_open_existing(path, false, &db, &err), -1);
	assert_non_null(err);
	free(err);
}

/* Foreign keys hold on every connection: deleting a capture deletes its rows. */
static void test_load_capture_delete_cascades(void **state)
{
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(q_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(load_capture(db, make_folder("fk", v1_files, ARRAY_SIZE(v1_files)),
				      NULL, &st, &err), 0);
	assert_true(q_int(db, "SELECT count(*) FROM cgroup_stat") > 0);
	assert_int_equal(db_exec(db, "DELETE FROM capture", &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM cgroup_stat"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM proc_status"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM capture_file"), 0);
	db_close(db);
}

/* A second node, cgroup v2. */
static const struct file node_b_files[] = {
	{ "manifest.json", "{\"format\":\"memsnap-capture\",\"format_version\":1,"
	  "\"hostname\":\"node-b\",\"boot_id\":\"b-2\",\"clock\":{\"started_monotonic\":5},"
	  "\"cgroup\":{\"mode\":\"v2\",\"memory_root\":\"sys/fs/cgroup\"}}" },
	{ "sys/fs/cgroup/memory.stat", "anon 1000\nfile 5000\ninactive_file 2000\n"
				       "active_file 2500\nshmem 500\n" },
	{ "sys/fs/cgroup/app.slice/memory.current", "9000\n" },
	{ "sys/fs/cgroup/app.slice/memory.max", "max\n" },
	{ "sys/fs/cgroup/app.slice/memory.stat", "anon 1000\nfile 5000\n"
	  "inactive_file 20000\n" },
};

static void test_load_capture_two_nodes(void **state)
{
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load_capture(db, make_folder("a", v1_files, ARRAY_SIZE(v1_files)),
				      NULL, &st, &err), 0);
	assert_int_equal(load_capture(db, make_folder("b", node_b_files, ARRAY_SIZE(node_b_files)),
				      NULL, &st, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM captures"), 2);
	/* v2 root: no memory.current, usage = anon + file */
	assert_int_equal(q_int(db, "SELECT working_set_bytes FROM cgroups c JOIN captures "
			 "USING (capture_id) WHERE hostname = 'node-b' AND cgroup = '/'"),
			 1000 + 5000 - 2000);
	/* v2 "max" is unlimited: NULL; working set floored at 0 */
	assert_int_equal(q_int(db, "SELECT limit_bytes FROM cgroups WHERE cgroup = '/app.slice'"),
			 -1);
	assert_int_equal(q_int(db, "SELECT working_set_bytes FROM cgroups WHERE "
			 "cgroup = '/app.slice'"), 0);
	db_close(db);
}

/* Every row a query gives, as text: "v|v|...\n" each. */
static char *rows_of(sqlite3 *db, const char *sql, int64_t id)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = db_prepare(db, sql);
	int i;

	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < sqlite3_column_count(st); i++)
			strbuf_addf(&sb, "%s%c", sqlite3_column_type(st, i) == SQLITE_NULL ? "NULL" :
				    (const char *)sqlite3_column_text(st, i),
				    i + 1 < sqlite3_column_count(st) ? '|' : '\n');
	sqlite3_finalize(st);
	return strbuf_detach(&sb, NULL);
}

/*
 * db_copy_captures(): one capture of a database file alone in memory, every
 * table's rows of it and none of another, its views the same rows; a
 * capture the file lacks gives an empty database.
 */
static void test_copy_capture(void **state)
{
	static const char *const views[] = {
		"SELECT * FROM captures WHERE capture_id = ?",
		"SELECT * FROM processes WHERE capture_id = ? ORDER BY pid",
		"SELECT * FROM cgroups WHERE capture_id = ? ORDER BY cgroup",
		"SELECT * FROM working_set_breakdown WHERE capture_id = ? ORDER BY cgroup, component",
		"SELECT * FROM findings WHERE capture_id = ? ORDER BY code, cgroup, title",
		"SELECT * FROM load_problems WHERE capture_id = ? ORDER BY path, problem",
	};
	char path[512], *err = NULL;
	struct load_stats st;
	sqlite3 *db = NULL, *one = NULL;
	sqlite3_stmt *tables;
	int64_t id;
	size_t i;

	(void)state;
	xsnprintf(path, sizeof(path), "%s/many.db", tmpdir);
	assert_int_equal(db_open(path, true, &db, &err), 0);
	assert_int_equal(load_capture(db, make_folder("a", v1_files, ARRAY_SIZE(v1_files)),
				      NULL, &st, &err), 0);
	assert_int_equal(load_capture(db, make_folder("b", node_b_files, ARRAY_SIZE(node_b_files)),
				      NULL, &st, &err), 0);
	/* the first: the second's rows left out (the later one, reading the
	 * capture table's rowid order first, would not tell) */
	id = q_int(db, "SELECT capture_id FROM capture WHERE name = 'a'");
	assert_true(id > 0 && q_int(db, "SELECT count(*) FROM capture") == 2);
	if (db_copy_captures(path, &id, 1, NULL, &one, &err) < 0)
		fail_msg("db_copy_captures: %s", err);
	assert_int_equal(q_int(one, "SELECT count(*) FROM capture"), 1);
	assert_int_equal(q_int(one, "SELECT capture_id FROM capture"), id);
	/* every table: the capture's rows, all of them */
	tables = db_prepare(db, "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' "
			    "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p "
			    "WHERE p.name = 'capture_id')");
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);
		int64_t want = q_int(db, "SELECT count(*) FROM \"%s\" WHERE capture_id = %" PRId64,
				     t, id);

		if (q_int(one, "SELECT count(*) FROM \"%s\"", t) != want)
			fail_msg("%s: %lld rows copied, %lld in the file", t,
				 (long long)q_int(one, "SELECT count(*) FROM \"%s\"", t),
				 (long long)want);
	}
	sqlite3_finalize(tables);
	assert_true(q_int(one, "SELECT count(*) FROM proc_status") > 0);
	for (i = 0; i < ARRAY_SIZE(views); i++) {
		char *a = rows_of(db, views[i], id), *b = rows_of(one, views[i], id);

		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	db_close(one);
	one = NULL;
	/* no such capture: nothing */
	{
		int64_t none = id + 10;

		assert_int_equal(db_copy_captures(path, &none, 1, NULL, &one, &err), 0);
	}
	assert_int_equal(q_int(one, "SELECT count(*) FROM capture"), 0);
	db_close(one);
	db_close(db);
}

/* A file that does not parse is recorded; the rest loads. */
static void test_load_capture_bad_files_recorded(void **state)
{
	static const struct file files[] = {
		{ "manifest.json", MANIFEST_V1 },
		{ "proc/42/status", "\x01\x02garbage\x7f without any key\n" },
		{ "proc/42/oom_score_adj", "lots\n" },
		{ "proc/43/status", STATUS_42 },
		{ "sys/fs/cgroup/memory/app/memory.usage_in_bytes", "-5\n" },
		{ "sys/fs/cgroup/memory/app/memory.limit_in_bytes", "67108864\n" },
		{ "collector/go/1.json", "{not json" },
		{ "unknown/file.txt", "kept in capture_file only" },
	};
	struct load_stats st;
	char *err = NULL, *s;
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load_capture(db, make_folder("bad", files, ARRAY_SIZE(files)),
				      NULL, &st, &err), 0);
	assert_true(st.problems >= 3);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "path = 'proc/42/oom_score_adj'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "path = 'sys/fs/cgroup/memory/app/memory.usage_in_bytes'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "path = 'collector/go/1.json'"), 1);
	s = q_text(db, "SELECT problem FROM load_problems WHERE path = 'proc/42/oom_score_adj'");
	assert_non_null(strstr(s, "lots"));
	free(s);
	/* the good ones are there */
	assert_int_equal(q_int(db, "SELECT rss_bytes FROM processes WHERE pid = 43"), 3000 * 1024);
	assert_int_equal(q_int(db, "SELECT limit_bytes FROM cgroups WHERE cgroup = '/app'"),
			 67108864);
	assert_int_equal(q_int(db, "SELECT usage_bytes FROM cgroups WHERE cgroup = '/app'"), -1);
	assert_int_equal(q_int(db, "SELECT bytes FROM capture_file WHERE path = 'unknown/file.txt'"),
			 25);
	db_close(db);
}

static void test_load_capture_missing_manifest(void **state)
{
	static const struct file files[] = {
		{ "sys/fs/cgroup/memory/memory.usage_in_bytes", "100\n" },
		{ "sys/fs/cgroup/memory/memory.stat", "total_inactive_file 40\n" },
	};
	struct load_stats st;
	char *err = NULL, *s;
	sqlite3 *db = new_db();
	const char *dir;

	(void)state;
	dir = make_folder("nomanifest", files, ARRAY_SIZE(files));
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "path = 'manifest.json'"), 1);
	s = q_text(db, "SELECT cgroup_mode FROM captures");
	assert_string_equal(s, "v1");
	free(s);
	assert_int_equal(q_int(db, "SELECT working_set_bytes FROM cgroups WHERE cgroup = '/'"), 60);
	/* and twice is still once */
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_true(st.duplicate);
	db_close(db);
}

static void test_load_capture_alien_manifest(void **state)
{
	static const struct file files[] = {
		{ "manifest.json", "{\"format\":\"something-else\",\"hostname\":\"x\"}" },
		{ "proc/meminfo", "MemTotal: 100 kB\n" },
	};
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load_capture(db, make_folder("alien", files, ARRAY_SIZE(files)),
				      NULL, &st, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "path = 'manifest.json' AND problem LIKE '%%not a memsnap capture%%'"), 1);
	assert_int_equal(q_int(db, "SELECT value FROM node_meminfo WHERE key = 'MemTotal'"),
			 102400);
	db_close(db);
}

static void test_load_capture_unreadable(void **state)
{
	struct load_stats st;
	char *err = NULL, path[512];
	sqlite3 *db = new_db();

	(void)state;
	xsnprintf(path, sizeof(path), "%s/does-not-exist.tar.gz", tmpdir);
	assert_int_equal(load_capture(db, path, NULL, &st, &err), -1);
	assert_non_null(strstr(err, "does-not-exist.tar.gz"));
	assert_non_null(strstr(err, "No such file"));
	free(err);
	err = NULL;
	write_file(tmpdir, "notatar.tar.gz", "this is not an archive at all\n");
	xsnprintf(path, sizeof(path), "%s/notatar.tar.gz", tmpdir);
	assert_int_equal(load_capture(db, path, NULL, &st, &err), -1);
	assert_non_null(strstr(err, "notatar.tar.gz"));
	free(err);
	/* nothing half-loaded */
	assert_int_equal(q_int(db, "SELECT count(*) FROM capture"), 0);
	db_close(db);
}

static void test_load_capture_folder_symlink_fifo_skipped(void **state)
{
	static const struct file files[] = {
		{ "manifest.json", MANIFEST_V1 },
		{ "proc/42/status", STATUS_42 },
	};
	struct load_stats st;
	char *err = NULL, p1[512], p2[512];
	sqlite3 *db = new_db();
	const char *dir;

	(void)state;
	dir = make_folder("links", files, ARRAY_SIZE(files));
	xsnprintf(p1, sizeof(p1), "%s/proc/meminfo", dir);
	assert_int_equal(symlink("/proc/meminfo", p1), 0);
	xsnprintf(p2, sizeof(p2), "%s/proc/vmstat", dir);
	assert_int_equal(mkfifo(p2, 0644), 0);
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "path = 'proc/meminfo' AND problem LIKE '%%not a regular file%%'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "path = 'proc/vmstat' AND problem LIKE '%%not a regular file%%'"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM node_meminfo"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM processes"), 1);
	db_close(db);
}

static void test_load_capture_limits(void **state)
{
	struct capture_limits lim;
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();
	const char *path;

	(void)state;
	path = make_archive("memsnap-node-a-20261128T042558Z", v1_files, ARRAY_SIZE(v1_files));
	capture_limits_default(&lim);
	lim.max_file_bytes = 200;   /* status, smaps, the manifest are larger */
	assert_int_equal(load_capture(db, path, &lim, &st, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "path = 'proc/42/status' AND problem LIKE '%%--max-file-size%%'"), 1);
	/* pid 42's status was skipped; the small collector status stays (the
	 * manifest naming it as the collector was skipped too) */
	assert_int_equal(q_int(db, "SELECT count(*) FROM processes WHERE pid = 42"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM processes WHERE pid = 999"), 1);
	assert_int_equal(q_int(db, "SELECT limit_bytes FROM cgroups WHERE cgroup = '/app'"),
			 67108864);
	db_close(db);

	db = new_db();
	capture_limits_default(&lim);
	lim.max_entries = 5;
	assert_int_equal(load_capture(db, path, &lim, &st, &err), 0);
	assert_true(st.truncated);
	assert_int_equal(st.files, 5);
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "problem LIKE '%%--max-entries%%'"), 1);
	db_close(db);
}

/* Rows of capture id left in any table (capture itself included). */
static int64_t rows_of_capture(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st;
	int64_t n = 0;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT m.name FROM sqlite_master m, "
		"pragma_table_info(m.name) p WHERE m.type = 'table' AND "
		"p.name = 'capture_id'", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += q_int(db, "SELECT count(*) FROM \"%s\" WHERE capture_id = %lld",
			   (const char *)sqlite3_column_text(st, 0), (long long)id);
	sqlite3_finalize(st);
	return n;
}

/*
 * A load a limit cut is marked incomplete; loading the capture again (with
 * higher limits) replaces it, row for row; a complete one is then skipped.
 * Foreign keys off, as memsnap load runs: no cascade does the deleting.
 */
static void test_load_capture_incomplete_replaced(void **state)
{
	struct capture_limits lim;
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();
	const char *path;
	int64_t first;

	(void)state;
	assert_int_equal(db_exec(db, "PRAGMA foreign_keys=OFF", &err), 0);
	path = make_archive("memsnap-node-a-20261128T042558Z", v1_files, ARRAY_SIZE(v1_files));
	capture_limits_default(&lim);
	lim.max_entries = 3;
	assert_int_equal(load_capture(db, path, &lim, &st, &err), 0);
	assert_true(st.truncated);
	assert_string_equal(st.stop_reason, "more than 3 entries (--max-entries), "
			    "stopped reading");
	first = st.capture_id;
	assert_int_equal(q_int(db, "SELECT load_complete FROM capture"), 0);
	assert_true(rows_of_capture(db, first) > 1);

	assert_int_equal(load_capture(db, path, NULL, &st, &err), 0);
	assert_false(st.duplicate);
	assert_int_equal(st.replaced_id, first);
	assert_int_equal(rows_of_capture(db, first), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM capture"), 1);
	assert_int_equal(q_int(db, "SELECT load_complete FROM capture"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM proc_status"), 3);

	assert_int_equal(load_capture(db, path, &lim, &st, &err), 0);
	assert_true(st.duplicate);
	assert_int_equal(q_int(db, "SELECT count(*) FROM proc_status"), 3);

	/* a file --max-file-size left out makes the load incomplete too */
	db_close(db);
	db = new_db();
	capture_limits_default(&lim);
	lim.max_file_bytes = 200;
	assert_int_equal(load_capture(db, path, &lim, &st, &err), 0);
	assert_false(st.truncated);
	assert_int_equal(q_int(db, "SELECT load_complete FROM capture"), 0);
	assert_int_equal(load_capture(db, path, NULL, &st, &err), 0);
	assert_true(st.replaced_id > 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM proc_status WHERE pid = 42"), 1);
	db_close(db);
}

/*
 * --max-total, like --max-entries, keeps what it let through and says so,
 * even when it stops before the first file: not a failure.
 */
static void test_load_capture_max_total_keeps(void **state)
{
	struct capture_limits lim;
	struct load_stats st;
	char *err = NULL;
	sqlite3 *db = new_db();
	const char *path;

	(void)state;
	path = make_archive("memsnap-node-a-20261128T042558Z", v1_files, ARRAY_SIZE(v1_files));
	capture_limits_default(&lim);
	lim.max_total_bytes = 10;
	assert_int_equal(load_capture(db, path, &lim, &st, &err), 0);
	assert_null(err);
	assert_true(st.truncated);
	assert_non_null(strstr(st.stop_reason, "more than 10 bytes in all (--max-total), "
			       "stopped at 'manifest.json'"));
	assert_int_equal(q_int(db, "SELECT count(*) FROM load_problems WHERE "
			 "problem LIKE '%%--max-total%%'"), 1);
	assert_int_equal(q_int(db, "SELECT load_complete FROM capture"), 0);
	db_close(db);
}

/* Without a manifest, two captures of one folder name differ by their files. */
static void test_load_capture_no_manifest_by_content(void **state)
{
	static const struct file a[] = {
		{ "proc/meminfo", "MemTotal: 100 kB\n" },
	};
	static const struct file b[] = {
		{ "proc/meminfo", "MemTotal: 200 kB\n" },
	};
	struct load_stats st;
	char *err = NULL, dir[512];
	sqlite3 *db = new_db();

	(void)state;
	make_folder("x", NULL, 0);
	make_folder("y", NULL, 0);
	xsnprintf(dir, sizeof(dir), "%s", make_folder("x/memsnap-cap", a, ARRAY_SIZE(a)));
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_false(st.duplicate);
	assert_int_equal(load_capture(db, make_folder("y/memsnap-cap", b, ARRAY_SIZE(b)),
				      NULL, &st, &err), 0);
	assert_false(st.duplicate);
	assert_int_equal(q_int(db, "SELECT count(*) FROM capture"), 2);
	/* the same files are the same capture, as a folder or an archive */
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_true(st.duplicate);
	assert_int_equal(load_capture(db, make_archive("memsnap-cap", a, ARRAY_SIZE(a)),
				      NULL, &st, &err), 0);
	assert_true(st.duplicate);
	assert_int_equal(q_int(db, "SELECT count(*) FROM capture"), 2);
	db_close(db);
}

/* load_capture() of path fails as no capture: the message, then hint ("" none). */
static void expect_not_capture(sqlite3 *db, const char *path, const char *hint)
{
	struct load_stats st;
	char *err = NULL, want[1024];

	assert_int_equal(load_capture(db, path, NULL, &st, &err), -1);
	xsnprintf(want, sizeof(want), "cannot load '%s': not a memsnap capture "
		  "(no manifest.json, no proc/ or sys/)%s", path, hint);
	assert_string_equal(err, want);
	free(err);
}

/*
 * What holds no manifest.json and none of a capture's folders is no
 * capture, and nothing of it is loaded: an empty folder, one of notes, a
 * folder of captures (with a hint naming them), an archive of notes or of
 * nothing.  A capture without a manifest is one all the same, as a folder,
 * in the folder holding it, or archived without its folders' entries.
 */
static void test_load_capture_not_a_capture(void **state)
{
	static const struct file notes[] = {
		{ "README", "notes\n" },
	};
	static const struct file bare[] = {
		{ "proc/meminfo", "MemTotal: 100 kB\n" },
	};
	struct load_stats st;
	char *err = NULL, dir[512], hint[1024];
	sqlite3 *db = new_db();

	(void)state;
	expect_not_capture(db, make_folder("empty", NULL, 0), "");
	expect_not_capture(db, make_folder("notes", notes, ARRAY_SIZE(notes)), "");
	/* the archive of the notes, and one of no entry at all */
	expect_not_capture(db, make_archive("notes", notes, ARRAY_SIZE(notes)), "");
	expect_not_capture(db, make_archive("nothing", NULL, 0), "");
	/* a folder of archives (the two above), then of capture folders too */
	xsnprintf(dir, sizeof(dir), "%s", tmpdir);
	xsnprintf(hint, sizeof(hint), "\nhint: to load the captures in it: memsnap load "
		  "'%s'/*.tar.gz -o DB", tmpdir);
	expect_not_capture(db, dir, hint);
	make_folder("bare", bare, ARRAY_SIZE(bare));
	make_folder("held", NULL, 0);
	make_folder("held/bare", bare, ARRAY_SIZE(bare));
	xsnprintf(hint, sizeof(hint), "\nhint: to load the captures in it: memsnap load "
		  "'%s'/*.tar.gz '%s'/*/ -o DB", tmpdir, tmpdir);
	expect_not_capture(db, dir, hint);
	xsnprintf(dir, sizeof(dir), "%s/", tmpdir);   /* the hint's folder without it */
	expect_not_capture(db, dir, hint);
	assert_int_equal(q_int(db, "SELECT count(*) FROM capture"), 0);

	/* no manifest, but proc/: captures */
	xsnprintf(dir, sizeof(dir), "%s/bare", tmpdir);
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	xsnprintf(dir, sizeof(dir), "%s/held", tmpdir);
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_true(st.duplicate);   /* the same name and files: the same capture */
	assert_int_equal(load_capture(db, make_archive("bare", bare, ARRAY_SIZE(bare)),
				      NULL, &st, &err), 0);
	assert_true(st.duplicate);
	assert_int_equal(q_int(db, "SELECT count(*) FROM captures WHERE name = 'bare'"), 1);
	assert_int_equal(q_int(db, "SELECT value FROM node_meminfo WHERE key = 'MemTotal'"),
			 102400);
	db_close(db);
}

/*
 * A folder given with trailing slashes is the same folder: one capture, of
 * the folder's name, with one capture_uid (without a manifest the name is
 * its identity); "." is named as the folder it is.
 */
static void test_load_capture_folder_trailing_slash(void **state)
{
	static const struct file files[] = {
		{ "proc/meminfo", "MemTotal: 100 kB\n" },
	};
	static const char *const suffixes[] = { "/", "//", "", "/." };
	struct load_stats st;
	char *err = NULL, dir[512], path[600], cwd[1024], *s;
	sqlite3 *db = new_db();
	size_t i;

	(void)state;
	xsnprintf(dir, sizeof(dir), "%s", make_folder("F/node", files, ARRAY_SIZE(files)));
	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		xsnprintf(path, sizeof(path), "%s%s", dir, suffixes[i]);
		assert_int_equal(load_capture(db, path, NULL, &st, &err), 0);
		assert_int_equal(st.duplicate, i > 0);
	}
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(load_capture(db, ".", NULL, &st, &err), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_true(st.duplicate);
	assert_int_equal(q_int(db, "SELECT count(*) FROM captures"), 1);
	s = q_text(db, "SELECT name FROM captures");
	assert_string_equal(s, "node");
	free(s);
	/* the uid a database of the plain name gives it */
	s = q_text(db, "SELECT capture_uid FROM captures");
	db_close(db);
	db = new_db();
	assert_int_equal(load_capture(db, dir, NULL, &st, &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM captures WHERE capture_uid = '%s'", s), 1);
	free(s);
	db_close(db);
}

/*
 * A process moved during the capture is in two cgroup.procs files: the
 * cgroup its proc/<pid>/cgroup names wins, else the deepest (as the v2
 * fixture's pid 4242, which used to land in /kubepods.slice).
 */
static void test_processes_cgroup_moved(void **state)
{
	static const char scope[] = "/kubepods.slice/pod1.slice/cri-1.scope";
	static const struct file files[] = {
		{ "manifest.json", "{\"format\":\"memsnap-capture\",\"format_version\":1,"
		  "\"hostname\":\"n\",\"boot_id\":\"mv\",\"clock\":{\"started_monotonic\":1},"
		  "\"cgroup\":{\"mode\":\"v2\",\"memory_root\":\"sys/fs/cgroup\"}}" },
		{ "proc/42/status", STATUS_42 },
		{ "proc/42/cgroup", "0::/kubepods.slice/pod1.slice/cri-1.scope\n" },
		{ "proc/43/status", STATUS_42 },
		{ "proc/44/status", STATUS_42 },
		{ "proc/44/cgroup", "0::/a.slice\n" },
		{ "sys/fs/cgroup/kubepods.slice/cgroup.procs", "42\n43\n" },
		{ "sys/fs/cgroup/kubepods.slice/pod1.slice/cgroup.procs", "43\n" },
		{ "sys/fs/cgroup/kubepods.slice/pod1.slice/cri-1.scope/cgroup.procs", "42\n" },
		{ "sys/fs/cgroup/a.slice/cgroup.procs", "44\n" },
		{ "sys/fs/cgroup/b.slice/x/cgroup.procs", "44\n" },
	};
	struct load_stats st;
	char *err = NULL, *s;
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load_capture(db, make_folder("moved", files, ARRAY_SIZE(files)),
				      NULL, &st, &err), 0);
	s = q_text(db, "SELECT cgroup FROM processes WHERE pid = 42");
	assert_string_equal(s, scope);
	free(s);
	/* no proc/43/cgroup: the deepest */
	s = q_text(db, "SELECT cgroup FROM processes WHERE pid = 43");
	assert_string_equal(s, "/kubepods.slice/pod1.slice");
	free(s);
	/* proc/44/cgroup names a captured one, though shallower */
	s = q_text(db, "SELECT cgroup FROM processes WHERE pid = 44");
	assert_string_equal(s, "/a.slice");
	free(s);
	db_close(db);
}

static void test_parse_gomemlimit(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_gomemlimit("900MiB", 6, &v), 0);
	assert_int_equal(v, 900ull << 20);
	assert_int_equal(parse_gomemlimit("1GiB", 4, &v), 0);
	assert_int_equal(v, 1ull << 30);
	assert_int_equal(parse_gomemlimit("12345", 5, &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(parse_gomemlimit("100B", 4, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(parse_gomemlimit("off", 3, &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse_gomemlimit("1GB", 3, &v), -EINVAL);   /* Go has no GB */
	assert_int_equal(parse_gomemlimit("-1", 2, &v), -EINVAL);
	assert_int_equal(parse_gomemlimit("99999999999TiB", 14, &v), -EINVAL);
	assert_int_equal(parse_gomemlimit("", 0, &v), -EINVAL);
}

static void test_capture_uid(void **state)
{
	char a[17], b[17], c[17];

	(void)state;
	/* FNV-1a 64 of "memsnap-capture\0node-a\0boot-1 2026-03-01T12:00:00Z\0",
	 * computed apart (Python); a change breaks every export's identity */
	capture_uid("node-a", "boot-1 2026-03-01T12:00:00Z", a);
	assert_string_equal(a, "07e8b20226d719bc");
	capture_uid("node-b", "boot-1 2026-03-01T12:00:00Z", b);
	capture_uid(NULL, "boot-1 2026-03-01T12:00:00Z", c);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(c), 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_capture_folder_v1, setup, teardown),
		cmocka_unit_test(test_components_are_their_columns),
		cmocka_unit_test_setup_teardown(test_copy_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_archive_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_folder_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_twice_is_noop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_two_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_delete_cascades, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_other_version_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_bad_files_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_missing_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_alien_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_folder_symlink_fifo_skipped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_incomplete_replaced,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_max_total_keeps,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_no_manifest_by_content,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_not_a_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_capture_folder_trailing_slash,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_processes_cgroup_moved, setup, teardown),
		cmocka_unit_test(test_parse_gomemlimit),
		cmocka_unit_test(test_capture_uid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
