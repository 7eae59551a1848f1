/* SPDX-License-Identifier: MIT */
/*
 * cgroup hierarchy detection: mountinfo parsing, cgroup_detect() on the
 * fixture trees (mountinfo fallback) and on this machine (statfs), and the
 * depth-first order used to resume a walk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/statfs.h>

#include "tests/unit/test_collect_util.h"
static const char MI_HYBRID[] =
	"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	"23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
	"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static void test_mountinfo_parse_cgroups_hybrid(void **state)
{
	struct mountinfo_cgroup mi;

	(void)state;
	assert_int_equal(mountinfo_parse_cgroups(MI_HYBRID, sizeof(MI_HYBRID) - 1, &mi), 0);
	assert_string_equal(mi.v1_memory, "/sys/fs/cgroup/memory");
	assert_string_equal(mi.v1_memory_root, "/");
	assert_string_equal(mi.v2, "/sys/fs/cgroup/unified");
	assert_true(mi.any_v1);
}

static void test_mountinfo_parse_cgroups_v2(void **state)
{
	static const char mi_text[] =
		"30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
	struct mountinfo_cgroup mi;

	(void)state;
	assert_int_equal(mountinfo_parse_cgroups(mi_text, sizeof(mi_text) - 1, &mi), 0);
	assert_string_equal(mi.v2, "/sys/fs/cgroup");
	assert_string_equal(mi.v1_memory, "");
	assert_false(mi.any_v1);
}

/* Combined controllers, optional fields, escapes, a container's bind mount. */
static void test_mountinfo_parse_cgroups_odd_shapes(void **state)
{
	static const char mi_text[] =
		"50 40 0:40 /kubepods/pod1 /var/lib/x/memory rw shared:1 master:2 - cgroup cgroup rw,cpu,memory\n"
		"51 40 0:40 / /sys/fs/cgroup/cpu\\054memory rw shared:3 - cgroup cgroup rw,cpu,memory\n"
		"52 40 0:41 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
		"53 40 0:42 / /mnt/my\\040cgroup2 rw - cgroup2 none rw\n"
		"garbage line\n";
	struct mountinfo_cgroup mi;

	(void)state;
	assert_int_equal(mountinfo_parse_cgroups(mi_text, sizeof(mi_text) - 1, &mi), 0);
	/* /sys/fs/cgroup/memory wins over the first match. */
	assert_string_equal(mi.v1_memory, "/sys/fs/cgroup/memory");
	assert_string_equal(mi.v2, "/mnt/my cgroup2");
}

static void test_mountinfo_parse_cgroups_first_memory_mount(void **state)
{
	static const char mi_text[] =
		"50 40 0:40 /kubepods/pod1 /host/memory rw - cgroup cgroup rw,memory\n"
		"51 40 0:40 / /cgroup/cpu,memory rw - cgroup cgroup rw,cpu,memory\n";
	struct mountinfo_cgroup mi;

	(void)state;
	assert_int_equal(mountinfo_parse_cgroups(mi_text, sizeof(mi_text) - 1, &mi), 0);
	assert_string_equal(mi.v1_memory, "/host/memory");
	assert_string_equal(mi.v1_memory_root, "/kubepods/pod1");
}

static void test_mountinfo_parse_cgroups_none(void **state)
{
	static const char mi_text[] = "27 1 254:0 / / rw - ext4 /dev/vda rw\n";
	struct mountinfo_cgroup mi;

	(void)state;
	assert_int_equal(mountinfo_parse_cgroups(mi_text, sizeof(mi_text) - 1, &mi), -ENOENT);
	assert_int_equal(mountinfo_parse_cgroups("hello\nworld\n", 12, &mi), -EINVAL);
	assert_int_equal(mountinfo_parse_cgroups("", 0, &mi), -EINVAL);
}

static void detect_fixture(const char *layout, struct cgroup_info *ci)
{
	char root[PATH_MAX + 64];
	struct strbuf mi = STRBUF_INIT;
	int fd;

	snprintf(root, sizeof(root), "%s/roots/%s", fixtures_dir(), layout);
	fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(read_file_at(fd, "proc/1/mountinfo", &mi, 1 << 20), 0);
	cgroup_detect(fd, mi.buf, mi.len, ci);
	close(fd);
	strbuf_release(&mi);
}

static void test_cgroup_detect_fixture_v1(void **state)
{
	struct cgroup_info ci;

	(void)state;
	detect_fixture("v1", &ci);
	assert_int_equal(ci.mode, CG_V1);
	assert_int_equal(ci.detected_by, CG_BY_MOUNTINFO);
	assert_false(ci.memory_v2);
	assert_string_equal(ci.memory_mount, "/sys/fs/cgroup/memory");
	assert_string_equal(ci.memory_root, "sys/fs/cgroup/memory");
}

static void test_cgroup_detect_fixture_hybrid(void **state)
{
	struct cgroup_info ci;

	(void)state;
	detect_fixture("hybrid", &ci);
	assert_int_equal(ci.mode, CG_HYBRID);
	assert_int_equal(ci.detected_by, CG_BY_MOUNTINFO);
	assert_string_equal(ci.memory_root, "sys/fs/cgroup/memory");
}

static void test_cgroup_detect_fixture_v2(void **state)
{
	struct cgroup_info ci;

	(void)state;
	detect_fixture("v2", &ci);
	assert_int_equal(ci.mode, CG_V2);
	assert_true(ci.memory_v2);
	assert_string_equal(ci.memory_mount, "/sys/fs/cgroup");
	assert_string_equal(ci.memory_root, "sys/fs/cgroup");
}

/* cgroup v2 whose root does not offer the memory controller: none. */
static void test_cgroup_detect_v2_without_memory(void **state)
{
	char *dir = fixture_copy("v2");
	struct strbuf mi = STRBUF_INIT;
	struct cgroup_info ci;
	int fd;

	(void)state;
	write_file(dir, "sys/fs/cgroup/cgroup.controllers", "cpu io pids\n", 12);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(read_file_at(fd, "proc/1/mountinfo", &mi, 1 << 20), 0);
	assert_int_equal(cgroup_detect(fd, mi.buf, mi.len, &ci), -ENOENT);
	assert_int_equal(ci.mode, CG_NONE);
	close(fd);
	strbuf_release(&mi);
	rm_rf(dir);
	free(dir);
}

/* No cgroup filesystem and no mountinfo: nothing to go on. */
static void test_cgroup_detect_nothing(void **state)
{
	char *dir = tmp_dir();
	struct cgroup_info ci;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_int_equal(cgroup_detect(fd, NULL, 0, &ci), -ENOENT);
	assert_int_equal(ci.mode, CG_NONE);
	assert_int_equal(ci.detected_by, CG_BY_NOTHING);
	close(fd);
	rm_rf(dir);
	free(dir);
}

/* This machine, through statfs, agrees with its own mountinfo. */
static void test_cgroup_detect_this_machine(void **state)
{
	struct strbuf mi = STRBUF_INIT;
	struct mountinfo_cgroup m;
	struct cgroup_info ci;
	struct statfs sf;
	int root;

	(void)state;
	if (statfs("/sys/fs/cgroup", &sf) < 0 ||
	    (sf.f_type != 0x63677270 && sf.f_type != 0x01021994))
		skip();
	assert_int_equal(read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi, 1 << 22), 0);
	assert_int_equal(mountinfo_parse_cgroups(mi.buf, mi.len, &m), 0);
	root = open("/", O_RDONLY | O_DIRECTORY);
	assert_int_equal(cgroup_detect(root, mi.buf, mi.len, &ci), 0);
	close(root);
	assert_int_equal(ci.detected_by, CG_BY_STATFS);
	if (sf.f_type == 0x63677270) {
		assert_int_equal(ci.mode, CG_V2);
		assert_string_equal(ci.memory_mount, "/sys/fs/cgroup");
	} else {
		assert_int_equal(ci.mode, m.v2[0] ? CG_HYBRID : CG_V1);
		assert_string_equal(ci.memory_mount, m.v1_memory);
	}
	strbuf_release(&mi);
}

static int cmp_paths(const void *a, const void *b)
{
	return cgroup_path_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* The order of a depth-first walk with children sorted by strcmp. */
static void test_cgroup_path_cmp_depth_first(void **state)
{
	const char *walk[] = { "", "a", "a/b", "a/b/c", "a/c", "a-b", "a.b",
			       "a0", "b", "b/a", "kubepods", "kubepods/pod1",
			       "kubepods-besteffort" };
	const char *shuffled[ARRAY_SIZE(walk)];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(walk); i++)
		shuffled[i] = walk[(i * 7 + 3) % ARRAY_SIZE(walk)];
	qsort(shuffled, ARRAY_SIZE(shuffled), sizeof(shuffled[0]), cmp_paths);
	for (i = 0; i < ARRAY_SIZE(walk); i++)
		assert_string_equal(shuffled[i], walk[i]);
	assert_int_equal(cgroup_path_cmp("x/y", "x/y"), 0);
}

static void test_cgroup_self_path_v1_v2_hybrid(void **state)
{
	/* a hybrid host's /proc/self/cgroup: v1 controllers and the 0:: line */
	static const char text[] =
		"12:cpu,cpuacct:/user.slice\n"
		"5:memory:/user.slice/user-0.slice/session-3.scope\n"
		"1:name=systemd:/user.slice/user-0.slice/session-3.scope\n"
		"0::/user.slice/user-0.slice/session-3.scope/x\n";
	static const char odd[] =
		"garbage\n"
		"4:memorysomething:/no\n"
		"3:cpu,memory:/yes\n"
		"0:x:/not-v2\n";
	char out[64], tiny[5];

	(void)state;
	cgroup_self_path(text, sizeof(text) - 1, false, out, sizeof(out));
	assert_string_equal(out, "/user.slice/user-0.slice/session-3.scope");
	cgroup_self_path(text, sizeof(text) - 1, true, out, sizeof(out));
	assert_string_equal(out, "/user.slice/user-0.slice/session-3.scope/x");
	/* "memory" is a whole controller name, not a prefix of one */
	cgroup_self_path(odd, sizeof(odd) - 1, false, out, sizeof(out));
	assert_string_equal(out, "/yes");
	cgroup_self_path(odd, sizeof(odd) - 1, true, out, sizeof(out));
	assert_string_equal(out, "");
	/* cut to the buffer, never past it; a last line without a newline */
	cgroup_self_path("0::/abcdefgh", 12, true, tiny, sizeof(tiny));
	assert_string_equal(tiny, "/abc");
	cgroup_self_path("", 0, false, out, sizeof(out));
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_self_path_v1_v2_hybrid),
		cmocka_unit_test(test_mountinfo_parse_cgroups_hybrid),
		cmocka_unit_test(test_mountinfo_parse_cgroups_v2),
		cmocka_unit_test(test_mountinfo_parse_cgroups_odd_shapes),
		cmocka_unit_test(test_mountinfo_parse_cgroups_first_memory_mount),
		cmocka_unit_test(test_mountinfo_parse_cgroups_none),
		cmocka_unit_test(test_cgroup_detect_fixture_v1),
		cmocka_unit_test(test_cgroup_detect_fixture_hybrid),
		cmocka_unit_test(test_cgroup_detect_fixture_v2),
		cmocka_unit_test(test_cgroup_detect_v2_without_memory),
		cmocka_unit_test(test_cgroup_detect_nothing),
		cmocka_unit_test(test_cgroup_detect_this_machine),
		cmocka_unit_test(test_cgroup_path_cmp_depth_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
