/* SPDX-License-Identifier: MIT */
/*
 * parse_proc_cgroup() and proc_cgroup_memory_path().  The paths are the
 * real ones of the real samples (oom/) (the kernel prints the same path in its OOM
 * report and in /proc/PID/cgroup).
 */
#include "tests/unit/test_parse_util.h"

#define BURSTABLE_CGROUPFS \
	"/kubepods/burstable/pod28fcb1a0-a45c-44e7-b9bf-e3b9360bedba/" \
	"3e5e5eab87df615f4777e6f7f261a7fb62f4a7ee5bc3e25e3a5b5223ccd368fe"
#define BURSTABLE_SYSTEMD \
	"/kubepods.slice/kubepods-burstable.slice/" \
	"kubepods-burstable-pod94eb36cd_29e1_478b_b365_4cb5dfc7d6fb.slice/" \
	"cri-containerd-46b3e0a4df44b752b841aecca454e6e78995d567912a84950390bae6f6777a63.scope"

static int parse(const char *s, struct proc_cgroup *c, struct parse_diag *d)
{
	return parse_proc_cgroup(s, strlen(s), c, d);
}

static void test_parse_proc_cgroup_v1(void **state)
{
	static const char buf[] =
		"12:memory:" BURSTABLE_CGROUPFS "\n"
		"11:cpu,cpuacct:" BURSTABLE_CGROUPFS "\n"
		"4:cpuset:" BURSTABLE_CGROUPFS "\n"
		"1:name=systemd:" BURSTABLE_CGROUPFS "\n";
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse(buf, &c, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.v[0].hierarchy, 12);
	assert_string_equal(c.v[0].controllers, "memory");
	assert_string_equal(c.v[0].path, BURSTABLE_CGROUPFS);
	assert_false(c.v[0].deleted);
	assert_int_equal(c.v[1].hierarchy, 11);
	assert_string_equal(c.v[1].controllers, "cpu,cpuacct");
	assert_string_equal(c.v[3].controllers, "name=systemd");
	assert_string_equal(proc_cgroup_memory_path(&c), BURSTABLE_CGROUPFS);
	proc_cgroup_free(&c);
}

static void test_parse_proc_cgroup_v2(void **state)
{
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse("0::" BURSTABLE_SYSTEMD "\n", &c, &d), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].hierarchy, 0);
	assert_string_equal(c.v[0].controllers, "");
	assert_string_equal(proc_cgroup_memory_path(&c), BURSTABLE_SYSTEMD);
	proc_cgroup_free(&c);

	assert_int_equal(parse("0::/\n", &c, &d), 0);
	assert_string_equal(proc_cgroup_memory_path(&c), "/");
	proc_cgroup_free(&c);
	assert_int_equal(d.count, 0);
}

static void test_parse_proc_cgroup_hybrid(void **state)
{
	/* systemd's hybrid layout: memory on v1, the unified tree beside it. */
	static const char v1mem[] =
		"12:memory:/system.slice/docker-3193584578ea07bf5ee503289e7fe7b69f20e60ad236b2b5ce2274419856f8f3.scope\n"
		"1:name=systemd:/system.slice/docker-3193584578ea07bf5ee503289e7fe7b69f20e60ad236b2b5ce2274419856f8f3.scope\n"
		"0::/system.slice/docker-3193584578ea07bf5ee503289e7fe7b69f20e60ad236b2b5ce2274419856f8f3.scope\n";
	/* memory not on any v1 hierarchy: the v2 line is the memory cgroup. */
	static const char v2mem[] =
		"3:name=memory:/not/this\n"
		"2:cpu,cpuacct:/not/this/either\n"
		"0::/user.slice/user-1000.slice\n";
	struct proc_cgroup c = { 0 };

	(void)state;
	assert_int_equal(parse(v1mem, &c, NULL), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(proc_cgroup_memory_path(&c),
			    "/system.slice/docker-3193584578ea07bf5ee503289e7fe7b69f20e60ad236b2b5ce2274419856f8f3.scope");
	assert_int_equal(c.v[0].hierarchy, 12);
	proc_cgroup_free(&c);

	assert_int_equal(parse(v2mem, &c, NULL), 0);
	assert_string_equal(proc_cgroup_memory_path(&c), "/user.slice/user-1000.slice");
	proc_cgroup_free(&c);

	/* Co-mounted controllers: "memory" is one entry of the list. */
	assert_int_equal(parse("5:cpuset,memory:/a\n0::/b\n", &c, NULL), 0);
	assert_string_equal(proc_cgroup_memory_path(&c), "/a");
	proc_cgroup_free(&c);
}

static void test_parse_proc_cgroup_path_with_colons(void **state)
{
	struct proc_cgroup c = { 0 };

	(void)state;
	assert_int_equal(parse("0::/a:b:c/d e\n7:memory:/x::y\n", &c, NULL), 0);
	assert_string_equal(c.v[0].path, "/a:b:c/d e");
	assert_string_equal(c.v[1].controllers, "memory");
	assert_string_equal(c.v[1].path, "/x::y");
	proc_cgroup_free(&c);
}

static void test_parse_proc_cgroup_deleted_namespace_zombie(void **state)
{
	static const char buf[] =
		"0::/system.slice/gone.service (deleted)\n"
		"4:memory:/../../kubepods/besteffort\n"     /* cgroup namespace */
		"3:pids:/\n"                                 /* v1 zombie */
		"2:cpu: (deleted)\n";                        /* 6.x: no cgroup */
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse(buf, &c, &d), 0);
	assert_int_equal(d.count, 0);
	assert_true(c.v[0].deleted);
	assert_string_equal(c.v[0].path, "/system.slice/gone.service");
	assert_string_equal(c.v[1].path, "/../../kubepods/besteffort");
	assert_false(c.v[1].deleted);
	assert_string_equal(c.v[2].path, "/");
	assert_true(c.v[3].deleted);
	assert_string_equal(c.v[3].path, "");
	assert_string_equal(proc_cgroup_memory_path(&c), "/../../kubepods/besteffort");
	proc_cgroup_free(&c);
}

static void test_parse_proc_cgroup_empty_and_garbage(void **state)
{
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };
	char *g = tp_garbage(1u << 20, 3);

	(void)state;
	assert_int_equal(parse_proc_cgroup("", 0, &c, &d), -EINVAL);
	assert_diag(d, 1, "empty file");
	assert_null(proc_cgroup_memory_path(&c));
	assert_null(proc_cgroup_memory_path(NULL));
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_proc_cgroup(g, 1u << 20, &c, &d), -EINVAL);
	assert_int_equal(c.n, 0);
	assert_true(d.count > 0);
	proc_cgroup_free(&c);
	free(g);
}

static void test_parse_proc_cgroup_hostile_lines(void **state)
{
	static const char buf[] =
		"no colon at all\n"
		"1:only-one-colon\n"
		"x1:memory:/a\n"
		"-1:memory:/b\n"
		"4294967296:memory:/c\n"            /* > u32 */
		"99999999999999999999999:memory:/d\n"
		"5:mem ory:/e\n"                     /* blank in controllers */
		"6:memory:/f\0g\n"                   /* NUL in the path */
		"7:memory:/ok\r\n";
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_proc_cgroup(buf, sizeof(buf) - 1, &c, &d), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].hierarchy, 7);
	assert_string_equal(c.v[0].path, "/ok");        /* CR trimmed */
	assert_diag(d, 8, "line 1: not 'id:controllers:path': 'no colon at all', skipped");
	proc_cgroup_free(&c);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse("4294967296:memory:/c\n", &c, &d), -ERANGE);
	assert_diag(d, 1, "line 1: number '4294967296' for 'hierarchy' is out of range");
	proc_cgroup_free(&c);
}

/* A cgroup directory may be named with any byte but '/' and NUL: kept raw. */
static void test_parse_proc_cgroup_control_bytes_kept(void **state)
{
	static const char buf[] = "0::/system.slice/\x1b]0;pwned\x07\x7f.service\n";
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse(buf, &c, &d), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].path, "/system.slice/\x1b]0;pwned\x07\x7f.service");
	assert_string_equal(proc_cgroup_memory_path(&c), c.v[0].path);
	assert_int_equal(d.count, 0);
	proc_cgroup_free(&c);
}

static void test_parse_proc_cgroup_50mb_path(void **state)
{
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf = tp_long_line("0::/", 'p', SIZE_50M, "\n1:memory:/short\n", &len);
	double t0 = tp_now();

	(void)state;
	assert_int_equal(parse_proc_cgroup(buf, len, &c, &d), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(proc_cgroup_memory_path(&c), "/short");
	assert_int_equal(d.count, 1);
	if (tp_timing_applies())
		assert_true(tp_now() - t0 < 1.0);
	proc_cgroup_free(&c);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_proc_cgroup_v1),
		cmocka_unit_test(test_parse_proc_cgroup_v2),
		cmocka_unit_test(test_parse_proc_cgroup_hybrid),
		cmocka_unit_test(test_parse_proc_cgroup_path_with_colons),
		cmocka_unit_test(test_parse_proc_cgroup_deleted_namespace_zombie),
		cmocka_unit_test(test_parse_proc_cgroup_empty_and_garbage),
		cmocka_unit_test(test_parse_proc_cgroup_hostile_lines),
		cmocka_unit_test(test_parse_proc_cgroup_control_bytes_kept),
		cmocka_unit_test(test_parse_proc_cgroup_50mb_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
