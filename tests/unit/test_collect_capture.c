/* SPDX-License-Identifier: MIT */
/*
 * capture_run() end to end on the fixture root trees (tests/fixtures/roots,
 * copied to a temporary directory per test so FIFOs and permissions can be
 * changed), each archive read back with libarchive and its manifest with
 * jansson.  Reads that hang, time out, are interrupted or lose their
 * target mid-way: test_collect_stuck.c.
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
#include "tests/unit/test_samples.h"


/* What every capture of a fixture tree must hold, whatever the layout. */
static void check_common(const struct capture *c)
{
	size_t i;

	assert_int_equal(c->ret, 0);
	assert_true(c->one_top);
	check_unique(c);
	assert_true(!strncmp(c->top, "memsnap-", 8));
	for (i = 0; i < c->n; i++) {
		assert_int_equal(c->e[i].type, AE_IFREG);
		assert_int_equal(c->e[i].mode, 0444);
	}
	assert_string_equal(mstr(c, "format"), "memsnap-capture");
	assert_int_equal(mint(c, "format_version"), 1);
	assert_true(json_is_true(mget(c->manifest, "complete")));
	assert_true(json_is_null(mget(c->manifest, "interrupted")));
	assert_string_equal(mstr(c, "boot_id"),
			    "0f5c2a4e-8d1b-4c3a-9e7f-6b5a4d3c2b1a");

	/* Node files, stored byte for byte. */
	assert_non_null(find_entry(c, "proc/meminfo"));
	assert_non_null(find_entry(c, "proc/sys/vm/overcommit_memory"));
	assert_string_equal(find_entry(c, "proc/sys/kernel/osrelease")->data,
			    "6.18.44-fixture\n");
	assert_null(find_entry(c, "proc/sys/kernel/random/boot_id"));

	/* Processes: pid 2 is a kernel thread, 17 a zombie, 300 vanished. */
	assert_int_equal(mint(c, "counts.processes"), 4);
	assert_int_equal(mint(c, "counts.kernel_threads"), 1);
	assert_int_equal(mint(c, "counts.vanished"), 1);
	assert_non_null(find_entry(c, "proc/1/smaps_rollup"));
	assert_non_null(find_entry(c, "proc/2/status"));
	assert_null(find_entry(c, "proc/2/smaps_rollup"));
	assert_null(find_entry(c, "proc/17/smaps_rollup"));
	assert_non_null(find_entry(c, "proc/17/status"));
	assert_string_equal(problem_kind(c, "proc/300/status"), "vanished");
	assert_null(find_entry(c, "proc/300/status"));
	/* Before 4.14 there is no smaps_rollup: absent, not vanished. */
	assert_string_equal(problem_kind(c, "proc/4242/smaps_rollup"), "absent");
	assert_non_null(find_entry(c, "proc/4242/oom_score_adj"));

	/* BPF map fds: only the anon_inode:bpf-map one. */
	assert_int_equal(mint(c, "counts.bpf_map_fds"), 1);
	assert_non_null(find_entry(c, "proc/4242/fdinfo/3"));
	assert_non_null(strstr(find_entry(c, "proc/4242/fdinfo/3")->data,
			       "map_id:\t42"));
	assert_null(find_entry(c, "proc/4242/fdinfo/4"));

	/* Never captured: cmdline (without --cmdline), environ, log content. */
	assert_null(find_entry(c, "proc/4242/cmdline"));
	assert_false(archive_contains(c, "hunter2"));
	assert_false(archive_contains(c, "s3cr3t-do-not-capture"));
	assert_false(archive_contains(c, "environ"));
	assert_false(archive_contains(c, "log content must never"));

	/* Kubernetes names. */
	assert_string_equal(find_entry(c, "collector/k8s-pod-logs.txt")->data,
			    "default_app-7d4b9_6f1c8a52-3d0e-4a51-9d43-0d1f6bb1a2c7/app\n");
	assert_non_null(strstr(find_entry(c, "collector/k8s-container-logs.txt")->data,
			       "app-7d4b9_default_app-8e1b3c94"));

	/* Order: node, cgroups, processes (ascending pid), k8s. */
	assert_true(entry_index(c, "proc/meminfo") < entry_index(c, "proc/1/status"));
	assert_true(entry_index(c, "proc/1/status") < entry_index(c, "proc/2/status"));
	assert_true(entry_index(c, "proc/2/status") < entry_index(c, "proc/17/status"));
	assert_true(entry_index(c, "proc/17/status") < entry_index(c, "proc/4242/status"));
	assert_true(entry_index(c, "proc/4242/status") <
		    entry_index(c, "collector/k8s-pod-logs.txt"));
	assert_int_equal(c->res.exit_code, 0);
}

/* Every cgroup file of a v1 hierarchy, never the dangerous ones. */
static void check_v1_cgroups(const struct capture *c)
{
	char path[PATH_MAX + 256];

	assert_string_equal(mstr(c, "cgroup.memory_mount"), "/sys/fs/cgroup/memory");
	assert_string_equal(mstr(c, "cgroup.memory_root"), "sys/fs/cgroup/memory");
	assert_string_equal(mstr(c, "cgroup.detected_by"), "mountinfo");
	assert_int_equal(mint(c, "counts.cgroups"), 6);
	assert_non_null(find_entry(c, "sys/fs/cgroup/memory/memory.stat"));
	assert_non_null(find_entry(c, "sys/fs/cgroup/memory/memory.limit_in_bytes"));
	snprintf(path, sizeof(path), "%s/%s/memory.stat", POD_V1, CID);
	assert_non_null(find_entry(c, path));
	snprintf(path, sizeof(path), "%s/%s/cgroup.procs", POD_V1, CID);
	assert_string_equal(find_entry(c, path)->data, "4242\n");
	/* Missing files (no swap accounting in the pod cgroup): absent. */
	snprintf(path, sizeof(path), "%s/memory.memsw.usage_in_bytes", POD_V1);
	assert_null(find_entry(c, path));
	assert_string_equal(problem_kind(c, path), "absent");
	/* Never read. */
	assert_false(archive_contains(c, "memory.kmem.slabinfo"));
	assert_false(archive_contains(c, "memory.numa_stat"));
	assert_false(archive_contains(c, "memory.force_empty"));
	/* Depth first, children in name order. */
	assert_true(entry_index(c, "sys/fs/cgroup/memory/memory.stat") <
		    entry_index(c, "sys/fs/cgroup/memory/kubepods/memory.stat"));
	assert_true(entry_index(c, "sys/fs/cgroup/memory/kubepods/burstable/memory.stat") <
		    entry_index(c, "sys/fs/cgroup/memory/system.slice/memory.stat"));
	snprintf(path, sizeof(path), "%s/%s/memory.stat", POD_V1, CID);
	assert_true(entry_index(c, path) <
		    entry_index(c, "sys/fs/cgroup/memory/system.slice/memory.stat"));
	assert_true(entry_index(c, "sys/fs/cgroup/memory/system.slice/memory.stat") <
		    entry_index(c, "proc/1/status"));
	/* Other hierarchies are not memory cgroups. */
	assert_false(has_name_prefix(c, "sys/fs/cgroup/systemd"));
	assert_false(has_name_prefix(c, "sys/fs/cgroup/unified"));
	assert_false(has_name_prefix(c, "sys/fs/cgroup/cpu"));
}

static void test_capture_run_v1_layout(void **state)
{
	char *dir = fixture_copy("v1");
	struct capture_opts o;
	struct capture c;

	(void)state;
	test_opts(&o, dir);
	run_capture(&o, dir, &c);
	check_common(&c);
	check_v1_cgroups(&c);
	assert_string_equal(mstr(&c, "cgroup.mode"), "v1");
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

static void test_capture_run_hybrid_layout(void **state)
{
	char *dir = fixture_copy("hybrid");
	struct capture_opts o;
	struct capture c;

	(void)state;
	test_opts(&o, dir);
	run_capture(&o, dir, &c);
	check_common(&c);
	check_v1_cgroups(&c);
	assert_string_equal(mstr(&c, "cgroup.mode"), "hybrid");
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

static void test_capture_run_v2_layout(void **state)
{
	static const char *const pod =
		"sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/"
		"kubepods-burstable-pod6f1c8a52_3d0e_4a51_9d43_0d1f6bb1a2c7.slice";
	char *dir = fixture_copy("v2");
	char path[PATH_MAX + 256];
	struct capture_opts o;
	struct capture c;

	(void)state;
	test_opts(&o, dir);
	run_capture(&o, dir, &c);
	check_common(&c);
	assert_string_equal(mstr(&c, "cgroup.mode"), "v2");
	assert_string_equal(mstr(&c, "cgroup.memory_mount"), "/sys/fs/cgroup");
	assert_string_equal(mstr(&c, "cgroup.memory_root"), "sys/fs/cgroup");
	assert_int_equal(mint(&c, "counts.cgroups"), 6);
	snprintf(path, sizeof(path), "%s/cri-containerd-%s.scope/memory.max", pod, CID);
	assert_string_equal(find_entry(&c, path)->data, "536870912\n");
	snprintf(path, sizeof(path), "%s/cri-containerd-%s.scope/memory.events", pod, CID);
	assert_non_null(find_entry(&c, path));
	/* The root cgroup has no memory.current: absent. */
	assert_string_equal(problem_kind(&c, "sys/fs/cgroup/memory.current"), "absent");
	assert_non_null(find_entry(&c, "sys/fs/cgroup/memory.stat"));
	/* system.slice without the memory controller: said once, pressure kept. */
	assert_string_equal(problem_kind(&c, "sys/fs/cgroup/system.slice"), "absent");
	assert_null(problem_for(&c, "sys/fs/cgroup/system.slice/memory.current"));
	assert_non_null(find_entry(&c, "sys/fs/cgroup/system.slice/memory.pressure"));
	assert_non_null(find_entry(&c, "sys/fs/cgroup/system.slice/cgroup.procs"));
	assert_false(archive_contains(&c, "memory.numa_stat"));
	assert_false(archive_contains(&c, "memory.reclaim"));
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* The manifest's facts: clocks, identity, counts that add up. */
static void test_capture_run_manifest_fields(void **state)
{
	char *dir = fixture_copy("hybrid");
	struct capture_opts o;
	struct capture c;
	long long bytes = 0;
	size_t i;
	const char *a, *b;

	(void)state;
	test_opts(&o, dir);
	o.compress = COMPRESS_ZSTD;
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	assert_int_equal(mint(&c, "collector.pid"), getpid());
	assert_int_equal(mint(&c, "collector.uid"), getuid());
	assert_string_equal(mstr(&c, "collector.name"), "memsnap-collect");
	assert_true(mint(&c, "collector.max_rss_kb") > 0);
	assert_string_equal(mstr(&c, "root"), dir);
	assert_non_null(mstr(&c, "hostname"));
	assert_non_null(mstr(&c, "kernel.release"));
	assert_int_equal(mint(&c, "page_size"), sysconf(_SC_PAGESIZE));
	a = mstr(&c, "clock.started_utc");
	b = mstr(&c, "clock.finished_utc");
	assert_int_equal(strlen(a), 27);
	assert_true(a[26] == 'Z' && a[10] == 'T');
	assert_true(strcmp(a, b) <= 0);
	assert_true(json_real_value(mget(c.manifest, "clock.started_monotonic")) <=
		    json_real_value(mget(c.manifest, "clock.finished_monotonic")));
	assert_true(json_real_value(mget(c.manifest, "clock.started_boottime")) > 0);
	/* The top folder is named after the host and the start time. */
	assert_true(strstr(c.top, "-20") != NULL);
	assert_string_equal(mstr(&c, "options.compress"), "zstd");
	assert_string_equal(mstr(&c, "options.kmsg"), "none");
	assert_false(json_is_true(mget(c.manifest, "options.bpftool")));
	assert_int_equal(mint(&c, "options.file_timeout_ms"), 500);
	assert_true(json_is_null(mget(c.manifest, "kmsg")));
	assert_int_equal(json_array_size(mget(c.manifest, "commands")), 0);
	/* counts.files and bytes are what the archive holds. */
	assert_int_equal(mint(&c, "counts.files"), (long long)c.n - 1);
	for (i = 1; i < c.n; i++)
		bytes += (long long)c.e[i].len;
	assert_int_equal(mint(&c, "counts.bytes"), bytes);
	assert_int_equal(mint(&c, "counts.problems"),
			 (long long)json_array_size(mget(c.manifest, "problems")));
	assert_int_equal(mint(&c, "problems_dropped"), 0);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* A capture of dir in n samples, interval_ms apart, that succeeds. */
static void run_samples(const char *dir, unsigned n, unsigned interval_ms, struct capture *c)
{
	struct capture_opts o;

	test_opts(&o, dir);
	o.samples = n;
	o.interval_ms = interval_ms;
	run_capture(&o, dir, c);
	assert_int_equal(c->ret, 0);
}

/*
 * samples/index.tsv's mono_ns is when the sample's walk started
 * (capture.md 6), for sample 1 too: not the collector's start, which comes
 * before the output and temporary files are made (a growth rate divides by
 * the time between samples: that gap was 0.5 s under qemu's TCG).  Sample
 * 2 is due an interval after sample 1's start.
 */
static void test_capture_run_samples_clock(void **state)
{
	char *dir = fixture_copy("hybrid");
	unsigned long long mono[2] = { 0, 0 };
	const struct entry *e;
	struct capture c;
	double started;
	const char *p;
	int i;

	(void)state;
	run_samples(dir, 2, 50, &c);
	e = find_entry(&c, "samples/index.tsv");
	assert_non_null(e);
	p = e->data;
	for (i = 0; i < 2; i++) {
		/* after the header line: sample 1, then 2 */
		p = strchr(p, '\n');
		assert_non_null(p);
		assert_int_equal(sscanf(++p, "%*u\t%llu", &mono[i]), 1);
	}
	started = json_real_value(mget(c.manifest, "clock.started_monotonic"));
	/* started_monotonic is rounded to the microsecond */
	assert_true((double)mono[0] / 1e3 > started * 1e6 + 1.0);
	assert_true(mono[1] >= mono[0] + 50u * 1000000u);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/*
 * A cgroup file the kernel lacks, or a v2 cgroup without the memory
 * controller, is named by sample 1 only (capture.md 6.1): named at every
 * later sample and cgroup, they filled a 60-sample capture's problems.
 */
static void test_capture_run_samples_absent_once(void **state)
{
	char *dir = fixture_copy("v2");
	json_t *arr, *p;
	struct capture c;
	size_t i, later = 0;

	(void)state;
	run_samples(dir, 3, 10, &c);
	assert_string_equal(problem_kind(&c, "sys/fs/cgroup/memory.current"), "absent");
	assert_string_equal(problem_kind(&c, "sys/fs/cgroup/system.slice"), "absent");
	/* the later samples read the cgroups again, quietly */
	assert_non_null(find_entry(&c, "samples/index.tsv"));
	assert_null(problem_for(&c, "samples/2/sys/fs/cgroup/memory.current"));
	assert_null(problem_for(&c, "samples/3/sys/fs/cgroup/system.slice"));
	arr = json_object_get(c.manifest, "problems");
	json_array_foreach(arr, i, p) {
		const char *path = json_string_value(json_object_get(p, "path"));

		/* a cgroup's (the fixture's process has no smaps_rollup: absent) */
		if (!strncmp(path, "samples/", 8) && strstr(path, "/sys/fs/cgroup") &&
		    !strcmp(json_string_value(json_object_get(p, "kind")), "absent"))
			later++;
	}
	assert_int_equal(later, 0);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* Past PROBLEMS_MAX the problems are counted, not listed. */
static void test_capture_run_problems_capped(void **state)
{
	char *dir = fixture_copy("v1");
	char path[PATH_MAX + 256];
	struct capture_opts o;
	struct capture c;
	long long total;
	int i;

	(void)state;
	/* 520 empty cgroups x 20 absent files = 10,400 problems. */
	for (i = 0; i < 520; i++) {
		snprintf(path, sizeof(path), "%s/sys/fs/cgroup/memory/system.slice/e%03d", dir, i);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	test_opts(&o, dir);
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	total = mint(&c, "counts.problems");
	assert_true(total > PROBLEMS_MAX);
	assert_int_equal(json_array_size(mget(c.manifest, "problems")), PROBLEMS_MAX);
	assert_int_equal(mint(&c, "problems_dropped"), total - PROBLEMS_MAX);
	assert_int_equal(mint(&c, "counts.cgroups"), 6 + 520);
	/* Absent files are normal: still exit 0. */
	assert_int_equal(c.res.exit_code, 0);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* EACCES for real: run the capture as nobody on a file only root may read. */
static void test_capture_run_denied(void **state)
{
	char *dir, out[PATH_MAX + 256], path[PATH_MAX + 256];
	struct capture c;
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	dir = fixture_copy("v1");
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(out, sizeof(out), "%s/out", dir);
	assert_int_equal(mkdir(out, 0777), 0);
	assert_int_equal(chmod(out, 0777), 0);
	snprintf(path, sizeof(path), "%s/proc/1/smaps_rollup", dir);
	assert_int_equal(chmod(path, 0), 0);
	snprintf(path, sizeof(path), "%s/out/c.tar.gz", dir);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct capture_opts o;
		struct capture_result res;
		int r;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(99);
		test_opts(&o, dir);
		o.output = path;
		o.tmpdir = out;
		r = capture_run(&o, &res);
		_exit(r < 0 ? 100 : res.exit_code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);

	memset(&c, 0, sizeof(c));
	assert_int_equal(read_archive(path, &c), 0);
	assert_string_equal(c.e[0].name, "manifest.json");
	c.manifest = json_loadb(c.e[0].data, c.e[0].len, 0, NULL);
	assert_non_null(c.manifest);
	assert_string_equal(problem_kind(&c, "proc/1/smaps_rollup"), "denied");
	assert_int_equal(json_integer_value(json_object_get(
				 problem_for(&c, "proc/1/smaps_rollup"), "errno")),
			 EACCES);
	assert_int_equal(mint(&c, "collector.uid"), 65534);
	assert_non_null(find_entry(&c, "proc/1/status"));
	assert_non_null(find_entry(&c, "proc/4242/status"));
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* --cmdline stores cmdline; environ still never. */
static void test_capture_run_cmdline(void **state)
{
	char *dir = fixture_copy("v2");
	struct capture_opts o;
	struct capture c;

	(void)state;
	test_opts(&o, dir);
	o.cmdline = true;
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	assert_int_equal(find_entry(&c, "proc/4242/cmdline")->len, 23);
	assert_null(find_entry(&c, "proc/2/cmdline"));
	assert_true(json_is_true(mget(c.manifest, "options.cmdline")));
	assert_false(archive_contains(&c, "s3cr3t-do-not-capture"));
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* A Go program: version and the four variables, nothing else of environ. */
static void test_capture_run_go_process(void **state)
{
	char *dir = fixture_copy("v1");
	char path[PATH_MAX + 256], link[PATH_MAX + 256];
	static const char env[] =
		"PATH=/usr/bin\0GOMEMLIMIT=900MiB\0AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\0"
		"GOGC=100\0GOGC=200\0GODEBUG=madvdontneed=1\0GOFLAGS=-mod=vendor\0";
	struct capture_opts o;
	struct capture c;
	const struct entry *g;
	json_t *j;

	(void)state;
	snprintf(path, sizeof(path), "%s/bin", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bin/goapp", dir);
	make_go_elf(path, "go1.22.3", GO_INLINE, true, false);
	snprintf(link, sizeof(link), "%s/proc/4242/exe", dir);
	assert_int_equal(symlink(path, link), 0);
	/* Same executable for pid 1: examined once (cache), both reported. */
	snprintf(link, sizeof(link), "%s/proc/1/exe", dir);
	assert_int_equal(symlink(path, link), 0);
	write_file(dir, "proc/4242/environ", env, sizeof(env) - 1);
	test_opts(&o, dir);
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	assert_int_equal(mint(&c, "counts.go_processes"), 2);
	g = find_entry(&c, "collector/go/4242.json");
	assert_non_null(g);
	j = json_loadb(g->data, g->len, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "pid")), 4242);
	assert_string_equal(json_string_value(json_object_get(j, "go_version")), "go1.22.3");
	assert_string_equal(json_string_value(mget(j, "env.GOMEMLIMIT")), "900MiB");
	assert_string_equal(json_string_value(mget(j, "env.GOGC")), "100");
	assert_string_equal(json_string_value(mget(j, "env.GODEBUG")), "madvdontneed=1");
	assert_null(mget(j, "env.GOMAXPROCS"));
	assert_int_equal(json_object_size(json_object_get(j, "env")), 3);
	json_decref(j);
	assert_non_null(find_entry(&c, "collector/go/1.json"));
	assert_false(archive_contains(&c, "wJalrXUtnFEMI"));
	assert_false(archive_contains(&c, "GOFLAGS"));
	assert_false(archive_contains(&c, "s3cr3t-do-not-capture"));
	/* Right after the process's own files. */
	assert_true(entry_index(&c, "proc/4242/status") <
		    entry_index(&c, "collector/go/4242.json"));
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* The kernel log from a file of records: only the OOM reports are kept. */
static void test_capture_run_kmsg_file(void **state)
{
	char *dir = fixture_copy("v1");
	char kf[PATH_MAX + 256];
	struct capture_opts o;
	struct capture c;
	const struct entry *k;

	(void)state;
	snprintf(kf, sizeof(kf), "%s/kmsg/vm-6.18-two-memcg-ooms.kmsg",
		 fixtures_dir());
	test_opts(&o, dir);
	o.kmsg = KMSG_OOM;
	o.kmsg_file = kf;
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	k = find_entry(&c, "collector/kmsg.txt");
	assert_non_null(k);
	assert_string_equal(mstr(&c, "kmsg.source"), kf);
	assert_int_equal(mint(&c, "counts.oom_reports"), 2);
	assert_int_equal(mint(&c, "counts.kmsg_records_read"), 224);
	/* Two reports of 78 records each, nothing else. */
	assert_int_equal(mint(&c, "counts.kmsg_records_kept"), 156);
	assert_non_null(strstr(k->data, "4,341,956516051,-;python3 invoked oom-killer"));
	assert_non_null(strstr(k->data, "Killed process 11248 (memhog)"));
	assert_null(strstr(k->data, "SUBSYSTEM="));
	assert_null(strstr(k->data, "drop_caches"));
	/* After processes, before the Kubernetes names. */
	assert_true(entry_index(&c, "proc/4242/status") <
		    entry_index(&c, "collector/kmsg.txt"));
	assert_true(entry_index(&c, "collector/kmsg.txt") <
		    entry_index(&c, "collector/k8s-pod-logs.txt"));
	capture_free(&c);

	/* --kmsg all keeps every record (minus the continuation lines). */
	o.kmsg = KMSG_ALL;
	o.output = NULL;
	run_capture(&o, dir, &c);
	assert_int_equal(mint(&c, "counts.kmsg_records_kept"), 224);
	assert_null(strstr(find_entry(&c, "collector/kmsg.txt")->data, "SUBSYSTEM="));
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/*
 * No usable /dev/kmsg (a container without it, an old kernel): the same ring
 * through syslog(2), stored as collector/kmsg-syslog.txt.  The test points
 * the device at a path that does not exist; where syslog(2) is denied too
 * (no CAP_SYSLOG and dmesg_restrict) it skips, and says so.
 */
static void test_capture_run_kmsg_syslog_fallback(void **state)
{
	char *dir;
	struct capture_opts o;
	struct capture c;
	const struct entry *k;

	(void)state;
	if (klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0) < 0 ||
	    klogctl(3 /* SYSLOG_ACTION_READ_ALL */, (char[16]){ 0 }, 16) < 0) {
		fprintf(stderr, "SKIP: syslog(2) is denied here (%s)\n",
			strerror(errno));
		skip();
	}
	dir = fixture_copy("v1");
	test_opts(&o, dir);
	o.kmsg = KMSG_ALL;
	o.kmsg_device = "/nonexistent/kmsg";
	run_capture(&o, dir, &c);
	assert_int_equal(c.ret, 0);
	assert_null(find_entry(&c, "collector/kmsg.txt"));
	k = find_entry(&c, "collector/kmsg-syslog.txt");
	assert_non_null(k);
	assert_string_equal(mstr(&c, "kmsg.source"), "syslog");
	/* the ring of a booted kernel is never empty, and it is text */
	assert_true(mint(&c, "counts.kmsg_records_read") > 0);
	assert_true(k->len > 0);
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* gzip, zstd and none: one tar each, manifest first, the same entries. */
static void test_capture_run_compressions(void **state)
{
	static const enum compress cs[] = { COMPRESS_GZIP, COMPRESS_ZSTD,
					    COMPRESS_NONE };
	char *dir = fixture_copy("hybrid");
	size_t n = 0, i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cs); i++) {
		struct capture_opts o;
		struct capture c;

		test_opts(&o, dir);
		o.compress = cs[i];
		run_capture(&o, dir, &c);
		assert_int_equal(c.ret, 0);
		assert_true(c.one_top);
		if (i == 0)
			n = c.n;
		assert_int_equal(c.n, n);
		assert_string_equal(mstr(&c, "options.compress"),
				    cs[i] == COMPRESS_GZIP ? "gzip" :
				    cs[i] == COMPRESS_ZSTD ? "zstd" : "none");
		capture_free(&c);
	}
	rm_rf(dir);
	free(dir);
}

/* Nothing written: a bad root, an output that cannot be made, a full disk. */
static void test_capture_run_failures(void **state)
{
	char *dir = fixture_copy("v1");
	struct capture_opts o;
	struct capture_result res;
	char out[PATH_MAX + 256];
	struct stat st;
	int r;

	(void)state;
	test_opts(&o, "/nonexistent-memsnap-root");
	snprintf(out, sizeof(out), "%s/x.tar.gz", dir);
	o.output = out;
	r = capture_run(&o, &res);
	assert_int_equal(r, -ENOENT);
	assert_string_equal(res.err_what,
			    "cannot open root directory '/nonexistent-memsnap-root'");
	assert_int_equal(res.exit_code, 3);
	assert_int_not_equal(stat(out, &st), 0);

	test_opts(&o, dir);
	snprintf(out, sizeof(out), "%s/no/such/dir/x.tar.gz", dir);
	o.output = out;
	r = capture_run(&o, &res);
	assert_int_equal(r, -ENOENT);
	assert_non_null(strstr(res.err_what, "cannot create '"));

	test_opts(&o, dir);
	o.output = "/dev/full";
	o.tmpdir = dir;
	r = capture_run(&o, &res);
	assert_int_equal(r, -ENOSPC);
	assert_string_equal(res.err_what, "cannot write '/dev/full'");
	assert_int_equal(res.exit_code, 3);
	rm_rf(dir);
	free(dir);
}

/* A write that fails midway removes the half-written output file. */
static void test_capture_run_removes_partial_output(void **state)
{
	char *dir = fixture_copy("v1");
	char out[PATH_MAX + 256];
	struct stat st;
	pid_t pid;
	int status;

	(void)state;
	snprintf(out, sizeof(out), "%s/x.tar.gz", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Files may not grow past 2 KiB: writes fail with EFBIG. */
		struct rlimit rl = { 2048, 2048 };
		struct capture_opts o;
		struct capture_result res;
		int r;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		test_opts(&o, dir);
		o.output = out;
		r = capture_run(&o, &res);
		_exit(r == -EFBIG && res.exit_code == 3 &&
		      strstr(res.err_what, "cannot write") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_not_equal(stat(out, &st), 0);
	rm_rf(dir);
	free(dir);
}

static void test_proc_status_kind_shapes(void **state)
{
	/* 6.x: Kthread: says it; before it, a kernel thread has no VmSize */
	static const char k6[] = "Name:\tkworker/0:1\nState:\tI (idle)\nKthread:\t1\n";
	static const char u6[] = "Name:\tsh\nState:\tS (sleeping)\nKthread:\t0\n";
	static const char k4[] = "Name:\tkswapd0\nState:\tS (sleeping)\nPid:\t90\n";
	static const char u4[] = "Name:\tsh\nState:\tS (sleeping)\nVmSize:\t  2400 kB\n";
	static const char z[] = "Name:\tdefunct\nState:\tZ (zombie)\nPid:\t7\n";
	static const char x[] = "Name:\tgone\nState:\tX (dead)\nKthread:\t0\n";
	static const char zk[] = "Name:\tk\nState:\tZ (zombie)\nKthread:\t1\n";

	(void)state;
	assert_int_equal(proc_status_kind(k6, sizeof(k6) - 1), PK_KTHREAD);
	assert_int_equal(proc_status_kind(u6, sizeof(u6) - 1), PK_USER);
	assert_int_equal(proc_status_kind(k4, sizeof(k4) - 1), PK_KTHREAD);
	assert_int_equal(proc_status_kind(u4, sizeof(u4) - 1), PK_USER);
	assert_int_equal(proc_status_kind(z, sizeof(z) - 1), PK_ZOMBIE);
	assert_int_equal(proc_status_kind(x, sizeof(x) - 1), PK_ZOMBIE);
	assert_int_equal(proc_status_kind(zk, sizeof(zk) - 1), PK_KTHREAD);
	assert_int_equal(proc_status_kind("", 0), PK_KTHREAD);
}

/* Every status file of the real samples is a user process. */
static void test_proc_status_kind_samples(void **state)
{
	const char *dir = ts_samples_dir();
	struct strbuf path = STRBUF_INIT;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	(void)state;
	strbuf_addf(&path, "%s/status", dir);
	d = opendir(path.buf);
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct strbuf f = STRBUF_INIT, buf = STRBUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		strbuf_addf(&f, "%s/%s", path.buf, de->d_name);
		assert_true(read_file_at(AT_FDCWD, f.buf, &buf, 1 << 20) >= 0);
		if (proc_status_kind(buf.buf, buf.len) != PK_USER)
			fail_msg("%s: not a user process", f.buf);
		n++;
		strbuf_release(&buf);
		strbuf_release(&f);
	}
	closedir(d);
	assert_true(n >= 5);
	strbuf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_status_kind_shapes),
		cmocka_unit_test(test_proc_status_kind_samples),
		cmocka_unit_test(test_capture_run_v1_layout),
		cmocka_unit_test(test_capture_run_hybrid_layout),
		cmocka_unit_test(test_capture_run_v2_layout),
		cmocka_unit_test(test_capture_run_manifest_fields),
		cmocka_unit_test(test_capture_run_samples_clock),
		cmocka_unit_test(test_capture_run_samples_absent_once),
		cmocka_unit_test(test_capture_run_problems_capped),
		cmocka_unit_test(test_capture_run_denied),
		cmocka_unit_test(test_capture_run_cmdline),
		cmocka_unit_test(test_capture_run_go_process),
		cmocka_unit_test(test_capture_run_kmsg_file),
		cmocka_unit_test(test_capture_run_kmsg_syslog_fallback),
		cmocka_unit_test(test_capture_run_compressions),
		cmocka_unit_test(test_capture_run_failures),
		cmocka_unit_test(test_capture_run_removes_partial_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
