/* SPDX-License-Identifier: MIT */
/*
 * The kernel log filter (capture.md 2.4) on recorded /dev/kmsg text from a
 * 6.18 VM with two memcg OOM kills (tests/fixtures/kmsg), and on synthetic
 * records for the edges: report length cap, old kernels' "sacrifice child",
 * orphan kill lines, oom.group, the reaper window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/test_collect_util.h"

struct run {
	struct kmsg_filter f;
	size_t records, kept;
	struct strbuf out;          /* kept records, one per line */
};

static void feed(struct run *r, const char *rec)
{
	const char *msg;
	size_t len;

	kmsg_record_message(rec, strlen(rec), &msg, &len);
	r->records++;
	if (kmsg_filter_keep(&r->f, msg, len)) {
		r->kept++;
		strbuf_addstr(&r->out, rec);
		strbuf_addch(&r->out, '\n');
	}
}

static void run_init(struct run *r, enum kmsg_mode mode)
{
	memset(r, 0, sizeof(*r));
	kmsg_filter_init(&r->f, mode);
	strbuf_init(&r->out, 0);
}

/* Feed a kmsg text file: records are the lines not starting with a space. */
static void feed_file(struct run *r, const char *name)
{
	char path[PATH_MAX + 64];
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0, len;
	const char *line;

	snprintf(path, sizeof(path), "%s/kmsg/%s", fixtures_dir(), name);
	assert_int_equal(read_file_at(AT_FDCWD, path, &sb, 1 << 24), 0);
	while (next_line(sb.buf, sb.len, &pos, &line, &len)) {
		char *rec;

		if (!len || line[0] == ' ')
			continue;
		rec = strndup(line, len);
		feed(r, rec);
		free(rec);
	}
	strbuf_release(&sb);
}

static void test_kmsg_filter_keep_recorded_memcg_ooms(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, KMSG_OOM);
	feed_file(&r, "vm-6.18-two-memcg-ooms.kmsg");
	assert_int_equal(r.records, 224);
	assert_int_equal(r.f.reports, 2);
	assert_int_equal(r.f.truncated, 0);
	/* Each report: 78 records from "invoked oom-killer" to "Killed process". */
	assert_int_equal(r.kept, 156);
	assert_true(starts_with(r.out.buf,
				"4,341,956516051,-;python3 invoked oom-killer"));
	assert_non_null(strstr(r.out.buf, "Memory cgroup stats for /memsnap-oom-sample:"));
	assert_non_null(strstr(r.out.buf, "[  10303]     0 10303"));
	assert_true(ends_with(r.out.buf,
			      "Killed process 11248 (memhog) total-vm:66540kB, anon-rss:65280kB, file-rss:520kB, shmem-rss:0kB, UID:0 pgtables:164kB oom_score_adj:0\n"));
	/* Nothing from before or between. */
	assert_null(strstr(r.out.buf, "drop_caches"));
	assert_null(strstr(r.out.buf, "EXT4-fs"));
	strbuf_release(&r.out);
}

static void test_kmsg_filter_keep_all_mode(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, KMSG_ALL);
	feed_file(&r, "vm-6.18-two-memcg-ooms.kmsg");
	assert_int_equal(r.kept, r.records);
	assert_int_equal(r.f.reports, 2);
	strbuf_release(&r.out);
}

static void test_kmsg_filter_keep_reaper_after_kill(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, KMSG_OOM);
	feed(&r, "6,1,10,-;eth0: link up");
	feed(&r, "4,2,20,-;stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0");
	feed(&r, "4,3,21,-;CPU: 1 UID: 0 PID: 77 Comm: stress");
	feed(&r, "6,4,22,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=stress,pid=77,uid=0");
	feed(&r, "3,5,23,-;Out of memory: Killed process 77 (stress) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0");
	feed(&r, "6,6,24,-;audit: type=1334 audit(1:2): prog-id=7 op=LOAD");
	feed(&r, "6,7,25,-;oom_reaper: reaped process 77 (stress), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
	feed(&r, "6,8,26,-;usb 1-1: new device");
	assert_int_equal(r.kept, 5);
	assert_int_equal(r.f.reports, 1);
	assert_null(strstr(r.out.buf, "link up"));
	assert_null(strstr(r.out.buf, "audit"));
	assert_null(strstr(r.out.buf, "usb"));
	assert_non_null(strstr(r.out.buf, "oom_reaper: reaped process 77"));
	strbuf_release(&r.out);
}

/* 2.6.x - 4.x: "Kill process N (x) score S or sacrifice child", then "Killed". */
static void test_kmsg_filter_keep_sacrifice_child(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, KMSG_OOM);
	feed(&r, "4,1,1,-;java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0");
	feed(&r, "4,2,2,-;java cpuset=/ mems_allowed=0");
	feed(&r, "3,3,3,-;Memory cgroup out of memory: Kill process 4242 (java) score 999 or sacrifice child");
	feed(&r, "6,4,4,-;random noise");
	feed(&r, "3,5,5,-;Killed process 4242 (java) total-vm:100kB, anon-rss:10kB, file-rss:0kB");
	feed(&r, "6,6,6,-;more noise");
	assert_int_equal(r.kept, 4);
	assert_int_equal(r.f.reports, 1);
	assert_null(strstr(r.out.buf, "noise"));
	strbuf_release(&r.out);
}

/* The report start was overwritten in the ring: the kill still counts. */
static void test_kmsg_filter_keep_orphan_kill(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, KMSG_OOM);
	feed(&r, "4,900,1,-;[  1234]     0  1234    10566     9751     8128     1623         0         98304        0             0 python3");
	feed(&r, "6,901,2,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=python3,pid=1234,uid=0");
	feed(&r, "3,902,3,-;Memory cgroup out of memory: Killed process 1234 (python3) total-vm:42264kB");
	assert_int_equal(r.kept, 2);
	assert_int_equal(r.f.reports, 1);
	strbuf_release(&r.out);
}

/*
 * Issue 13.10: oom-kill: summary lines alone (what `dmesg | grep` keeps) are
 * kept, and each loads as an event: each counts, as memsnap load counts.
 */
static void test_kmsg_filter_keep_oomkill_lines_alone(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, KMSG_OOM);
	feed(&r, "6,1,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=a,pid=11,uid=0");
	feed(&r, "6,2,2,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/b,task_memcg=/b,task=b,pid=12,uid=0");
	feed(&r, "6,3,3,-;oom_reaper: reaped process 12 (b), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
	feed(&r, "6,4,4,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/c,task=c,pid=13,uid=0");
	feed(&r, "3,5,5,-;Out of memory: Killed process 13 (c) total-vm:1kB");
	feed(&r, "3,6,6,-;Out of memory and no killable processes...");
	assert_int_equal(r.kept, 6);
	assert_int_equal(r.f.reports, 4);
	strbuf_release(&r.out);
}

/* memory.oom.group: one report, several kills. */
static void test_kmsg_filter_keep_oom_group(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, KMSG_OOM);
	feed(&r, "4,1,1,-;node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=984");
	feed(&r, "6,2,2,-;Memory cgroup out of memory: Killed process 11 (node) total-vm:1kB");
	feed(&r, "6,3,3,-;Tasks in /kubepods.slice/x.slice are going to be killed due to memory.oom.group set");
	feed(&r, "6,4,4,-;Memory cgroup out of memory: Killed process 12 (sh) total-vm:1kB");
	feed(&r, "6,5,5,-;Memory cgroup out of memory: Killed process 13 (pause) total-vm:1kB");
	assert_int_equal(r.kept, 5);
	assert_int_equal(r.f.reports, 1);
	strbuf_release(&r.out);
}

/* A report longer than KMSG_REPORT_MAX records is cut there. */
static void test_kmsg_filter_keep_long_report_cut(void **state)
{
	char rec[128];
	struct run r;
	size_t i;

	(void)state;
	run_init(&r, KMSG_OOM);
	feed(&r, "4,0,0,-;x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0");
	for (i = 1; i < KMSG_REPORT_MAX + 100; i++) {
		snprintf(rec, sizeof(rec), "6,%zu,%zu,-;[ %zu]     0  %zu  10  10  10  0  0  0  0  0 task", i, i, i, i);
		feed(&r, rec);
	}
	feed(&r, "3,9999,9999,-;Out of memory: Killed process 1 (x)");
	feed(&r, "6,10000,10000,-;after");
	assert_int_equal(r.f.truncated, 1);
	assert_int_equal(r.f.reports, 1);
	/* The first KMSG_REPORT_MAX records, then the kill line. */
	assert_int_equal(r.kept, KMSG_REPORT_MAX + 1);
	assert_non_null(strstr(r.out.buf, "Killed process 1 (x)"));
	assert_null(strstr(r.out.buf, "after"));
	strbuf_release(&r.out);
}

static void test_kmsg_record_message_shapes(void **state)
{
	const char *m;
	size_t len;

	(void)state;
	kmsg_record_message("6,1,0,-;hello", 13, &m, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(m, "hello", 5);
	/* CONFIG_PRINTK_CALLER adds a field before the ';'. */
	kmsg_record_message("6,1,0,-,caller=T1;a;b", 21, &m, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(m, "a;b", 3);
	kmsg_record_message("no separator", 12, &m, &len);
	assert_int_equal(len, 12);
	kmsg_record_message("", 0, &m, &len);
	assert_int_equal(len, 0);
}

static void test_kmsg_syslog_message_shapes(void **state)
{
	static const char a[] = "<4>[  956.516051] python3 invoked oom-killer: x";
	static const char b[] = "<3>Killed process 1 (x)";
	static const char c[] = "[    1.000000] no level";
	const char *m;
	size_t len;

	(void)state;
	kmsg_syslog_message(a, sizeof(a) - 1, &m, &len);
	assert_true(mem_starts_with(m, len, "python3 invoked"));
	kmsg_syslog_message(b, sizeof(b) - 1, &m, &len);
	assert_true(mem_starts_with(m, len, "Killed process"));
	kmsg_syslog_message(c, sizeof(c) - 1, &m, &len);
	assert_true(mem_starts_with(m, len, "no level"));
	kmsg_syslog_message("<4", 2, &m, &len);
	assert_int_equal(len, 2);
}

static void test_kmsg_oom_kill_matches_cgroup(void **state)
{
	static const char k419[] = "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/burstable/pod1,task_memcg=/kubepods/burstable/pod1/c2,task=hog,pid=42,uid=0";
	static const char old[] = "Task in /a/b killed as a result of limit of /a";
	static const struct { const char *msg, *cg; bool want; } cases[] = {
		{ k419, NULL, true },
		{ k419, "/", true },
		{ k419, "/kubepods", true },
		{ k419, "/kubepods/", true },
		{ k419, "/kubepods/burstable/pod1", true },
		{ k419, "/kubepods/burstable/pod1/c2", true },      /* task_memcg */
		{ k419, "/kubepods/burstable/pod", false },         /* a prefix, not a parent */
		{ k419, "/kubepods/burstable/pod1/c", false },
		{ k419, "/system.slice", false },
		{ old, NULL, true },
		{ old, "/a", true },
		{ old, "/a/b", true },
		{ old, "/b", false },
		{ "Killed process 42 (hog)", NULL, false },
		{ "oom-kill:constraint=CONSTRAINT_NONE,task=x,pid=1,uid=0", "/x", false },
		{ "oom-kill:constraint=CONSTRAINT_NONE,task=x,pid=1,uid=0", NULL, true },
		/* a key's name inside another key's value is not that key */
		{ "oom-kill:task=xoom_memcg=/a,pid=1", "/a", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool got = kmsg_oom_kill_matches(cases[i].msg, strlen(cases[i].msg),
						 cases[i].cg);

		if (got != cases[i].want)
			fail_msg("case %zu (%s in %s): %d, want %d", i,
				 cases[i].cg ? cases[i].cg : "NULL", cases[i].msg,
				 got, cases[i].want);
	}
}

/* Records through a pipe, one read each: the follower keeps the latest. */
static void test_kmsg_follow_keeps_latest(void **state)
{
	struct kmsg_follow *k = NULL;
	struct kmsg_follow_info ki;
	char path[64], rec[1024];
	int p[2], i, n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	assert_int_equal(kmsg_follow_open(path, KMSG_OOM, "/pod1", &k), 0);
	/* 4,000 records of 520-610 bytes, kills in another cgroup: over 2 MiB */
	for (i = 0; i < 4000; i++) {
		n = snprintf(rec, sizeof(rec), "6,%d,1000,-;%s %0500d\n", i + 1,
			     i % 2 ? "Out of memory:" : "oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/pod2,task_memcg=/pod2,task=x,pid=1,uid=0,",
			     i);
		assert_int_equal(write(p[1], rec, (size_t)n), n);
		assert_int_equal(kmsg_follow_read(k), 0);
	}
	n = snprintf(rec, sizeof(rec), "3,4001,2000,-;oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/pod1,task_memcg=/pod1/c,task=hog,pid=42,uid=0\n");
	assert_int_equal(write(p[1], rec, (size_t)n), n);
	assert_int_equal(kmsg_follow_read(k), 1);
	assert_int_equal(kmsg_follow_read(k), 0);
	kmsg_follow_result(k, &ki);
	assert_true(ki.len <= KMSG_FOLLOW_MAX);
	assert_true(ki.len > KMSG_FOLLOW_MAX / 4);
	assert_int_equal(ki.read, 4001);
	assert_int_equal(ki.kills, 1);
	assert_true(ki.have_seq);
	assert_int_equal(ki.last_seq, 4001);
	assert_false(ki.full);
	/* whole records: starts at one, ends with the kill */
	assert_true(ki.text[0] == '6' && ki.text[ki.len - 1] == '\n');
	assert_non_null(strstr(ki.text, "task=hog,pid=42"));
	assert_null(strstr(ki.text, "6,1,1000,-;"));
	kmsg_follow_free(k);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmsg_follow_keeps_latest),
		cmocka_unit_test(test_kmsg_oom_kill_matches_cgroup),
		cmocka_unit_test(test_kmsg_filter_keep_recorded_memcg_ooms),
		cmocka_unit_test(test_kmsg_filter_keep_all_mode),
		cmocka_unit_test(test_kmsg_filter_keep_reaper_after_kill),
		cmocka_unit_test(test_kmsg_filter_keep_sacrifice_child),
		cmocka_unit_test(test_kmsg_filter_keep_orphan_kill),
		cmocka_unit_test(test_kmsg_filter_keep_oomkill_lines_alone),
		cmocka_unit_test(test_kmsg_filter_keep_oom_group),
		cmocka_unit_test(test_kmsg_filter_keep_long_report_cut),
		cmocka_unit_test(test_kmsg_record_message_shapes),
		cmocka_unit_test(test_kmsg_syslog_message_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
