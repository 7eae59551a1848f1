/* SPDX-License-Identifier: MIT */
/*
 * parse_tmpfs_usage() (collector/tmpfs.txt).  The tmpfs-emptydir samples
 * (mount and df output of real nodes and pods) are turned into the lines
 * memsnap-collect writes for those mounts at test time.
 */
#include <inttypes.h>

#include "tests/unit/test_parse_util.h"

/* "tmpfs on <mnt> type tmpfs (...size=102400k...)" -> "emptydir 0 tmpfs <size> 0 <mnt>" */
static char *from_mount_output(const char *buf, size_t len, size_t *ret_len,
			       size_t *ret_lines)
{
	struct strbuf sb = STRBUF_INIT;
	const char *line;
	size_t pos = 0, n;

	*ret_lines = 0;
	while (next_line(buf, len, &pos, &line, &n)) {
		const char *on = memmem_str(line, n, " on "), *type, *sz;
		uint64_t size = 0;

		type = on ? memmem_str(on, n - (size_t)(on - line), " type tmpfs ") : NULL;
		if (!on || !type || !mem_starts_with(line, n, "tmpfs"))
			continue;
		sz = memmem_str(type, n - (size_t)(type - line), "size=");
		if (sz) {
			const char *e = sz + 5;

			while (*e >= '0' && *e <= '9')
				e++;
			assert_int_equal(parse_u64(sz + 5, (size_t)(e - sz - 5), &size), 0);
			if (*e == 'k')
				size *= 1024;
		}
		strbuf_addf(&sb, "%s 0 tmpfs %" PRIu64 " 0 %.*s\n",
			    memmem_str(on, (size_t)(type - on), "kubelet") ? "emptydir" : "dev-shm",
			    size, (int)(type - on - 4), on + 4);
		(*ret_lines)++;
	}
	return strbuf_detach(&sb, ret_len);
}

static void test_parse_tmpfs_usage_kubelet_mounts(void **state)
{
	struct tmpfs_usage t = { 0 };
	struct parse_diag d = { 0 };
	size_t len, glen, lines, i, emptydirs = 0;
	char *buf, *gen;

	(void)state;
	buf = tp_sample("tmpfs-emptydir/strimzi-gh6398-2022-minikube-mount-kubelet-pods-emptydir-tmpfs-size4k.txt", &len);
	gen = from_mount_output(buf, len, &glen, &lines);
	assert_int_equal(lines, 6);
	assert_int_equal(parse_tmpfs_usage(gen, glen, &t, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(t.n, 6);
	for (i = 0; i < t.n; i++) {
		if (!t.v[i].volume) {
			/* projected service-account tokens are tmpfs too, not emptyDirs */
			assert_null(t.v[i].pod_uid);
			assert_non_null(strstr(t.v[i].mount_point, "kubernetes.io~projected"));
			continue;
		}
		emptydirs++;
		assert_string_equal(t.v[i].volume, "strimzi-tmp");
	}
	assert_int_equal(emptydirs, 2);
	assert_string_equal(t.v[3].pod_uid, "2a54840f-cc30-4df4-bab1-1b1ed019c796");
	assert_int_equal(t.v[3].size_bytes, 102400 * KB);
	assert_string_equal(t.v[5].pod_uid, "f5f35747-f45a-471e-a20a-c3d751205468");
	assert_int_equal(t.v[5].size_bytes, 4 * KB);   /* the pathological size=4k */
	tmpfs_usage_free(&t);
	free(gen);
	free(buf);

	/* Kata: the guest's tmpfs has no size= option (size 0 here) */
	buf = tp_sample("tmpfs-emptydir/kata-tests-gh1310-2019-kata-pod-mount-grep-memory-emptydir-tmpfs-vs-9p.txt", &len);
	gen = from_mount_output(buf, len, &glen, &lines);
	assert_int_equal(lines, 1);
	assert_int_equal(parse_tmpfs_usage(gen, glen, &t, &d), 0);
	assert_string_equal(t.v[0].mount_point, "/tmp/cache");
	assert_string_equal(t.v[0].kind, "dev-shm");
	assert_null(t.v[0].volume);
	tmpfs_usage_free(&t);
	free(gen);
	free(buf);
}

/* df output: "shm tmpfs 64.0M 0 64.0M 0% /dev/shm", "tmpfs 126G 40K 126G 1% /dev/shm" */
static void test_parse_tmpfs_usage_df(void **state)
{
	static const char *const files[] = {
		"tmpfs-emptydir/docker-library-postgres-gh416-2018-alpine-busybox-df-hT-shm-64M.txt",
		"tmpfs-emptydir/kubeblocks-gh6014-2023-pod-df-h-dev-shm-126G-memory-emptydir.txt",
	};
	size_t f;

	(void)state;
	for (f = 0; f < ARRAY_SIZE(files); f++) {
		struct strbuf sb = STRBUF_INIT;
		struct tmpfs_usage t = { 0 };
		const char *line;
		size_t len, pos = 0, n;
		char *buf = tp_sample(files[f], &len);

		while (next_line(buf, len, &pos, &line, &n)) {
			const char *shm = memmem_str(line, n, "% /dev/shm");

			if (!shm)
				continue;
			/* size: the word after the fstype ("tmpfs"); sizes as df -h prints them */
			strbuf_addf(&sb, "dev-shm 42 tmpfs %s 0 /dev/shm\n",
				    f == 0 ? "67108864" : "135291469824");
		}
		assert_int_equal(parse_tmpfs_usage(sb.buf, sb.len, &t, NULL), 0);
		assert_int_equal(t.n, 1);
		assert_int_equal(t.v[0].pid, 42);
		assert_string_equal(t.v[0].mount_point, "/dev/shm");
		tmpfs_usage_free(&t);
		strbuf_release(&sb);
		free(buf);
	}
}

/* What the collector writes for hostile paths, and hostile files. */
static void test_parse_tmpfs_usage_hostile(void **state)
{
	static const char esc[] =
		"emptydir 0 tmpfs 8388608 3145728 /var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/a\\040b\\012c\\134\n"
		"emptydir 0 tmpfs 1 2 3 4 5\n"
		"emptydir x tmpfs 1 2 /x\n"
		"emptydir 0 tmpfs 99999999999999999999 2 /x\n"
		"emptydir 0 tmpfs 1 2 relative\n"
		"emptydir 0 tmpfs 1 2\n";
	struct tmpfs_usage t = { 0 };
	struct parse_diag d = { 0 };
	size_t len, i;
	char *buf;

	(void)state;
	assert_int_equal(parse_tmpfs_usage(esc, sizeof(esc) - 1, &t, &d), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(d.count, 5);
	assert_string_equal(t.v[0].volume, "a b\nc\\");
	assert_string_equal(t.v[0].pod_uid, "u");
	assert_int_equal(t.v[0].used_bytes, 3u << 20);
	tmpfs_usage_free(&t);
	tmpfs_usage_free(NULL);
	assert_int_equal(parse_tmpfs_usage("", 0, &t, NULL), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(parse_tmpfs_usage("dev-shm 1 tmpfs 64", 18, &t, &d), -EINVAL);
	buf = tp_long_line("dev-shm 1 tmpfs 1 1 /", 'a', SIZE_50M, "\n", &len);
	assert_int_equal(parse_tmpfs_usage(buf, len, &t, NULL), -EINVAL);
	free(buf);
	for (i = 0; i < 3; i++) {
		buf = tp_garbage(1 << 20, (uint32_t)i + 100);
		parse_tmpfs_usage(buf, 1 << 20, &t, NULL);
		tmpfs_usage_free(&t);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_tmpfs_usage_kubelet_mounts),
		cmocka_unit_test(test_parse_tmpfs_usage_df),
		cmocka_unit_test(test_parse_tmpfs_usage_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
