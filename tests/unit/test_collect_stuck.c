/* SPDX-License-Identifier: MIT */
/*
 * capture_run() when reads go wrong mid-way, on the fixture root trees:
 * reads that block (FIFOs) until their deadline, threads left stuck, late
 * data, the per-kind cap, the overall deadline, signals, and a cgroup
 * removed while it is read.  The rest: test_collect_capture.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/klog.h>

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/unit/test_collect_util.h"

/* A read that blocks (a FIFO) is given up at the deadline; the rest goes on. */
static void test_capture_run_fifo_times_out(void **state)
{
	char *dir = fixture_copy("v1");
	struct capture_opts o;
	struct capture c;
	json_t *p;
	uint64_t t0;

	(void)state;
	make_fifo(dir, "proc/1/smaps_rollup");
	test_opts(&o, dir);
	o.file_timeout_ms = 200;
	o.cmdline = true;
	t0 = ms_now();
	run_capture(&o, dir, &c);
	assert_true(ms_now() - t0 < 2000);
	assert_int_equal(c.ret, 0);
	p = problem_for(&c, "proc/1/smaps_rollup");
	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(p, "kind")), "timeout");
	assert_int_equal(json_integer_value(json_object_get(p, "errno")), ETIMEDOUT);
	assert_null(find_entry(&c, "proc/1/smaps_rollup"));
	/* The stuck process's later mmap-lock files are not tried. */
	assert_null(find_entry(&c, "proc/1/cmdline"));
	/* What came before and after is there. */
	assert_non_null(find_entry(&c, "proc/1/status"));
	assert_non_null(find_entry(&c, "proc/4242/status"));
	assert_non_null(find_entry(&c, "proc/4242/cmdline"));
	assert_non_null(find_entry(&c, "collector/k8s-pod-logs.txt"));
	assert_true(json_is_true(mget(c.manifest, "complete")));
	assert_int_equal(c.res.exit_code, 1);
	release_fifos(dir);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* A stuck step anywhere: the walk resumes right after it, nothing twice. */
static void test_capture_run_resumes_after_stuck_step(void **state)
{
	static const char *const stuck[] = {
		"proc/vmstat",                                   /* node */
		"sys/fs/cgroup/memory/kubepods/burstable/memory.stat", /* cgroups */
		"proc/4242/status",                              /* processes */
	};
	char *dir = fixture_copy("v1");
	char path[PATH_MAX + 256];
	struct capture_opts o;
	struct capture c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(stuck); i++)
		make_fifo(dir, stuck[i]);
	test_opts(&o, dir);
	o.file_timeout_ms = 100;
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	check_unique(&c);
	assert_true(json_is_true(mget(c.manifest, "complete")));
	for (i = 0; i < ARRAY_SIZE(stuck); i++)
		assert_string_equal(problem_kind(&c, stuck[i]), "timeout");
	assert_int_equal(problems_of_kind(&c, "timeout"), 3);
	/* Node: the file after the stuck one, and the rest. */
	assert_non_null(find_entry(&c, "proc/pressure/memory"));
	assert_non_null(find_entry(&c, "sys/kernel/mm/transparent_hugepage/defrag"));
	assert_string_equal(mstr(&c, "boot_id"), "0f5c2a4e-8d1b-4c3a-9e7f-6b5a4d3c2b1a");
	/* Cgroups: the same directory after the stuck file, its subtree, siblings. */
	assert_non_null(find_entry(&c, "sys/fs/cgroup/memory/kubepods/burstable/memory.failcnt"));
	assert_non_null(find_entry(&c, "sys/fs/cgroup/memory/kubepods/burstable/memory.usage_in_bytes"));
	snprintf(path, sizeof(path), "%s/%s/memory.stat", POD_V1, CID);
	assert_non_null(find_entry(&c, path));
	assert_non_null(find_entry(&c, "sys/fs/cgroup/memory/system.slice/memory.stat"));
	assert_int_equal(mint(&c, "counts.cgroups"), 6);
	/* Processes: the stuck pid's later files, and the pids after it. */
	assert_non_null(find_entry(&c, "proc/4242/oom_score_adj"));
	assert_non_null(find_entry(&c, "proc/4242/cgroup"));
	assert_non_null(find_entry(&c, "proc/4242/fdinfo/3"));
	assert_non_null(find_entry(&c, "collector/k8s-pod-logs.txt"));
	release_fifos(dir);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

struct late_writer {
	char fifo[4][PATH_MAX + 256];
	int n;
	unsigned delay_ms;
};

/* Feed each FIFO a while after its reader was given up, then close it. */
static void *write_late(void *arg)
{
	struct late_writer *lw = arg;
	int i, tries;

	for (i = 0; i < lw->n; i++) {
		int fd = -1;

		for (tries = 0; tries < 400 && fd < 0; tries++) {
			fd = open(lw->fifo[i], O_WRONLY | O_NONBLOCK);
			if (fd < 0)
				usleep(5000);   /* no reader yet */
		}
		if (fd < 0)
			continue;
		usleep(lw->delay_ms * 1000);
		if (write(fd, "LATE-DATA-MUST-NOT-BE-STORED\n", 29) < 0)
			(void)0;
		close(fd);
	}
	return NULL;
}

/*
 * Reads that finish after their deadline: the abandoned thread wakes up
 * with data while a newer thread carries on; its data is dropped, it frees
 * itself, and the capture is the same as if the read had never returned.
 */
static void test_capture_run_late_data_discarded(void **state)
{
	static const char *const rel[] = { "proc/uptime", "proc/loadavg",
					   "proc/1/oom_score_adj" };
	struct late_writer lw = { .n = 3, .delay_ms = 120 };
	char *dir = fixture_copy("v1");
	struct capture_opts o;
	struct capture c;
	pthread_t t;
	int i;

	(void)state;
	for (i = 0; i < lw.n; i++) {
		make_fifo(dir, rel[i]);
		snprintf(lw.fifo[i], sizeof(lw.fifo[i]), "%s/%s", dir, rel[i]);
	}
	test_opts(&o, dir);
	o.file_timeout_ms = 60;
	pthread_create(&t, NULL, write_late, &lw);
	run_capture(&o, dir, &c);
	pthread_join(t, NULL);
	assert_int_equal(c.ret, 0);
	check_unique(&c);
	for (i = 0; i < lw.n; i++) {
		assert_string_equal(problem_kind(&c, rel[i]), "timeout");
		assert_null(find_entry(&c, rel[i]));
	}
	assert_false(archive_contains(&c, "LATE-DATA"));
	assert_non_null(find_entry(&c, "proc/swaps"));
	assert_non_null(find_entry(&c, "proc/1/cgroup"));
	assert_true(json_is_true(mget(c.manifest, "complete")));
	capture_free(&c);
	/* The same tree once more: the abandoned threads are gone or going. */
	o.output = NULL;
	o.file_timeout_ms = 500;
	release_fifos(dir);
	rm_rf(dir);
	free(dir);
}

/*
 * Issue 17.9: a cgroup removed while it is read.  Its first file is a FIFO;
 * once the reader waits on it, the cgroup's files and directory are
 * removed, then the FIFO answers.  The next files are gone with their
 * directory: `vanished` (not `absent`, which says the kernel lacks the
 * file), and the directory is marked `vanished`/`partial`.
 */
struct remover {
	char dir[PATH_MAX];
	char fifo[PATH_MAX + 128];
};

static void *remove_while_read(void *arg)
{
	struct remover *rm = arg;
	int fd = -1, tries;

	for (tries = 0; tries < 2000 && fd < 0; tries++) {
		fd = open(rm->fifo, O_WRONLY | O_NONBLOCK);
		if (fd < 0)
			usleep(2000);   /* the reader is not there yet */
	}
	if (fd < 0)
		return NULL;
	assert_int_equal(run_cmd("rm -rf '%s'", rm->dir), 0);
	if (write(fd, "4096\n", 5) < 0)
		(void)0;
	close(fd);
	return NULL;
}

static void test_capture_run_cgroup_vanished(void **state)
{
	static const char *const gone = "sys/fs/cgroup/memory/gone";
	char *dir = fixture_copy("v1");
	struct remover rm;
	struct capture_opts o;
	struct capture c;
	char path[128];
	json_t *p;
	pthread_t t;

	(void)state;
	snprintf(rm.dir, sizeof(rm.dir), "%s/%s", dir, gone);
	assert_int_equal(run_cmd("cp -a '%s/%s' '%s'", dir,
				 "sys/fs/cgroup/memory/system.slice", rm.dir), 0);
	assert_int_equal(run_cmd("find '%s' -mindepth 1 -type d -prune -exec rm -rf {} +",
				 rm.dir), 0);
	snprintf(path, sizeof(path), "%s/memory.usage_in_bytes", gone);
	make_fifo(dir, path);
	snprintf(rm.fifo, sizeof(rm.fifo), "%s/%s", dir, path);
	test_opts(&o, dir);
	pthread_create(&t, NULL, remove_while_read, &rm);
	run_capture(&o, dir, &c);
	pthread_join(t, NULL);
	assert_int_equal(c.ret, 0);
	assert_non_null(find_entry(&c, "sys/fs/cgroup/memory/gone/memory.usage_in_bytes"));
	assert_string_equal(problem_kind(&c, "sys/fs/cgroup/memory/gone/memory.limit_in_bytes"),
			    "vanished");
	p = problem_for(&c, gone);
	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(p, "kind")), "vanished");
	assert_string_equal(json_string_value(json_object_get(p, "action")), "partial");
	/* nothing of it reads as "the kernel has no such file" */
	assert_null(problem_kind(&c, "sys/fs/cgroup/memory/gone/memory.stat"));
	/* the rest of the hierarchy as always, and vanished is not serious */
	assert_non_null(find_entry(&c, "sys/fs/cgroup/memory/system.slice/memory.stat"));
	assert_int_equal(c.res.exit_code, 0);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* After KIND_TIMEOUTS_MAX timeouts of one kind, that kind is skipped. */
static void test_capture_run_kind_skipped(void **state)
{
	char *dir = fixture_copy("v1");
	struct capture_opts o;
	struct capture c;
	char rel[64];
	json_t *p;
	int pid;
	uint64_t t0;

	(void)state;
	for (pid = 5001; pid <= 5005; pid++) {
		assert_int_equal(run_cmd("cp -a '%s/proc/1' '%s/proc/%d'", dir, dir, pid), 0);
		snprintf(rel, sizeof(rel), "proc/%d/smaps_rollup", pid);
		make_fifo(dir, rel);
	}
	test_opts(&o, dir);
	o.file_timeout_ms = 100;
	t0 = ms_now();
	run_capture(&o, dir, &c);
	/* Three deadlines, not five. */
	assert_true(ms_now() - t0 < 100 * 5);
	assert_int_equal(problems_of_kind(&c, "timeout"), 5);
	p = problem_for(&c, "proc/5005/smaps_rollup");
	assert_non_null(strstr(json_string_value(json_object_get(p, "error")),
			       "3 earlier reads"));
	p = problem_for(&c, "proc/5001/smaps_rollup");
	assert_non_null(strstr(json_string_value(json_object_get(p, "error")),
			       "no answer within 100 ms"));
	assert_non_null(find_entry(&c, "proc/5005/status"));
	assert_non_null(find_entry(&c, "proc/1/smaps_rollup"));
	release_fifos(dir);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* Too many stuck threads at once: the capture stops, marked "stuck". */
static void test_capture_run_stuck_threads_capped(void **state)
{
	char *dir = fixture_copy("v1");
	struct capture_opts o;
	struct capture c;
	size_t i, fifos = 0;

	(void)state;
	for (i = 0; i < node_files_nr && fifos < ABANDONED_MAX + 2; i++) {
		make_fifo(dir, node_files[i].path);
		fifos++;
	}
	test_opts(&o, dir);
	o.file_timeout_ms = 30;
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	assert_true(json_is_false(mget(c.manifest, "complete")));
	assert_string_equal(mstr(&c, "interrupted"), "stuck");
	assert_int_equal(problems_of_kind(&c, "timeout"), ABANDONED_MAX);
	assert_int_equal(c.res.exit_code, 1);
	release_fifos(dir);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* The overall deadline ends the run with what was read. */
static void test_capture_run_overall_timeout(void **state)
{
	char *dir = fixture_copy("v1");
	struct capture_opts o;
	struct capture c;
	uint64_t t0;

	(void)state;
	make_fifo(dir, "proc/4242/status");
	test_opts(&o, dir);
	o.file_timeout_ms = 10000;
	o.timeout_ms = 300;
	t0 = ms_now();
	run_capture(&o, dir, &c);
	assert_true(ms_now() - t0 < 2000);
	assert_int_equal(c.ret, 0);
	assert_true(json_is_false(mget(c.manifest, "complete")));
	assert_string_equal(mstr(&c, "interrupted"), "timeout");
	assert_non_null(find_entry(&c, "proc/1/status"));
	assert_null(find_entry(&c, "collector/k8s-pod-logs.txt"));
	assert_int_equal(c.res.exit_code, 1);
	release_fifos(dir);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* The overall deadline also ends a run whose items never stop flowing. */
static void test_capture_run_timeout_while_flowing(void **state)
{
	char *dir = fixture_copy("v1");
	char path[PATH_MAX + 256], from[PATH_MAX + 256];
	struct capture_opts o;
	struct capture c;
	uint64_t t0;
	size_t i, f;

	(void)state;
	/* 1,500 cgroups of 20 files: tens of thousands of quick reads. */
	for (i = 0; i < 1500; i++) {
		snprintf(path, sizeof(path), "%s/sys/fs/cgroup/memory/system.slice/s%04zu",
			 dir, i);
		assert_int_equal(mkdir(path, 0755), 0);
		for (f = 0; f < cgroup_v1_files_nr; f++) {
			snprintf(from, sizeof(from), "%s/sys/fs/cgroup/memory/%s", dir,
				 cgroup_v1_files[f]);
			snprintf(path, sizeof(path),
				 "%s/sys/fs/cgroup/memory/system.slice/s%04zu/%s",
				 dir, i, cgroup_v1_files[f]);
			link(from, path);
		}
	}
	test_opts(&o, dir);
	/* A slow compressor keeps the ring full: items never stop coming. */
	o.compress = COMPRESS_ZSTD;
	o.level = 19;
	o.timeout_ms = 40;
	t0 = ms_now();
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	assert_string_equal(mstr(&c, "interrupted"), "timeout");
	assert_true(mint(&c, "counts.cgroups") < 1500);
	assert_true(ms_now() - t0 < 1000);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

static volatile sig_atomic_t got_signal;

static void on_term(int sig)
{
	got_signal = sig;
}

/* A real SIGTERM, as main.c's handler would see it. */
static void *send_term(void *arg)
{
	(void)arg;
	usleep(150 * 1000);
	kill(getpid(), SIGTERM);
	return NULL;
}

/* SIGTERM mid-run: the archive is finished and marked incomplete. */
static void test_capture_run_signal_stops(void **state)
{
	char *dir = fixture_copy("v1");
	struct sigaction sa = { .sa_handler = on_term }, old;
	struct capture_opts o;
	struct capture c;
	pthread_t t;

	(void)state;
	make_fifo(dir, "proc/4242/status");
	test_opts(&o, dir);
	o.file_timeout_ms = 10000;
	got_signal = 0;
	o.stop_signal = &got_signal;
	sigaction(SIGTERM, &sa, &old);
	pthread_create(&t, NULL, send_term, NULL);
	run_capture(&o, dir, &c);
	pthread_join(t, NULL);
	sigaction(SIGTERM, &old, NULL);
	assert_int_equal(c.ret, 0);
	assert_true(json_is_false(mget(c.manifest, "complete")));
	assert_string_equal(mstr(&c, "interrupted"), "SIGTERM");
	assert_string_equal(c.res.interrupted, "SIGTERM");
	assert_non_null(find_entry(&c, "proc/1/status"));
	assert_non_null(mget(c.manifest, "clock.finished_utc"));
	release_fifos(dir);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_run_fifo_times_out),
		cmocka_unit_test(test_capture_run_resumes_after_stuck_step),
		cmocka_unit_test(test_capture_run_late_data_discarded),
		cmocka_unit_test(test_capture_run_cgroup_vanished),
		cmocka_unit_test(test_capture_run_kind_skipped),
		cmocka_unit_test(test_capture_run_stuck_threads_capped),
		cmocka_unit_test(test_capture_run_overall_timeout),
		cmocka_unit_test(test_capture_run_timeout_while_flowing),
		cmocka_unit_test(test_capture_run_signal_stops),
	};

	/*
	 * As memsnap-collect does: the reads happen in a child process, and a
	 * FIFO a test writes to late may have lost its reader.
	 */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
