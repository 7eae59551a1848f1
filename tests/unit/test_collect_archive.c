/* SPDX-License-Identifier: MIT */
/*
 * The archive layout (capture.md 1.1): body in a temporary file, manifest
 * as its own gzip member / zstd frame in front, read back as ONE tar with
 * manifest.json first by libarchive, GNU tar and zstd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>

#include "collect/archive_out.h"
#include "tests/unit/test_collect_util.h"

#define TOP "memsnap-test-20261128T042558Z"

/* Build an archive at dir/out with a manifest of head + mid + tail. */
static void build(const char *dir, enum compress comp, const char *mid,
		  size_t mid_len, const char *const *names, size_t n,
		  char *ret_path, size_t path_n)
{
	static const char head[] = "{\"format\": \"memsnap-capture\", \"x\": \"";
	static const char tail[] = "\"}\n";
	struct manifest_text mt = { head, sizeof(head) - 1, -1, mid_len, tail,
				    sizeof(tail) - 1 };
	struct body b;
	uint64_t bytes;
	bool out_err;
	int body_fd, mid_fd = -1, out;
	size_t i;

	body_fd = tmpfile_open(dir);
	assert_true(body_fd >= 0);
	assert_int_equal(body_open(&b, body_fd, comp, 1), 0);
	for (i = 0; i < n; i++) {
		char data[64];

		snprintf(data, sizeof(data), "content of %zu\n", i);
		assert_int_equal(body_add(&b, TOP, names[i], data, strlen(data),
					  1764303958), 0);
	}
	assert_int_equal(body_close(&b), 0);
	body_free(&b);
	if (mid_len) {
		mid_fd = tmpfile_open(dir);
		assert_int_equal(write(mid_fd, mid, mid_len), (ssize_t)mid_len);
		mt.mid_fd = mid_fd;
	}
	snprintf(ret_path, path_n, "%s/out", dir);
	out = open(ret_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(out >= 0);
	assert_int_equal(output_write(out, comp, 1, TOP, 1764303958, &mt,
				      body_fd, 0, &bytes, &out_err), 0);
	assert_int_equal(close(out), 0);
	{
		struct stat st;

		assert_int_equal(stat(ret_path, &st), 0);
		assert_int_equal((uint64_t)st.st_size, bytes);
	}
	close(body_fd);
	if (mid_fd >= 0)
		close(mid_fd);
}

/* The command-line tools agree: GNU tar (and zstd) see one tar, manifest first. */
static void tar_lists(const char *path, enum compress comp, size_t entries)
{
	if (comp == COMPRESS_ZSTD)
		assert_int_equal(run_cmd("zstd -qdc '%s' | tar tf - > '%s.list'", path, path), 0);
	else
		assert_int_equal(run_cmd("tar t%sf '%s' > '%s.list'",
					 comp == COMPRESS_GZIP ? "z" : "", path, path), 0);
	assert_int_equal(run_cmd("head -n1 '%s.list' | grep -qx '" TOP "/manifest.json'", path), 0);
	assert_int_equal(run_cmd("test $(wc -l < '%s.list') = %zu", path, entries), 0);
}

static void check(enum compress comp)
{
	static const char *const names[] = {
		"proc/meminfo", "proc/1/status",
		"sys/fs/cgroup/memory/kubepods.slice/kubepods-burstable.slice/"
		"kubepods-burstable-pod6f1c8a52_3d0e_4a51_9d43_0d1f6bb1a2c7.slice/"
		"cri-containerd-8e1b3c94b7f64a6f0d8a1c2e4b5f6a7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b.scope/memory.stat",
		"sys/fs/cgroup/memory/caf\xc3\xa9/memory.stat",
		"collector/kmsg.txt",
	};
	char *dir = tmp_dir(), path[PATH_MAX + 64];
	char *mid = malloc(300000);
	struct capture c;
	size_t i;

	memset(mid, 'm', 300000);
	build(dir, comp, mid, 300000, names, ARRAY_SIZE(names), path, sizeof(path));

	memset(&c, 0, sizeof(c));
	assert_int_equal(read_archive(path, &c), 0);
	assert_string_equal(c.top, TOP);
	assert_true(c.one_top);
	assert_int_equal(c.n, ARRAY_SIZE(names) + 1);
	assert_string_equal(c.e[0].name, "manifest.json");
	assert_int_equal(c.e[0].len, 36 + 300000 + 3);
	assert_true(starts_with(c.e[0].data, "{\"format\": \"memsnap-capture\", \"x\": \"mmm"));
	assert_true(ends_with(c.e[0].data, "mmm\"}\n"));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char want[64];

		snprintf(want, sizeof(want), "content of %zu\n", i);
		assert_string_equal(c.e[i + 1].name, names[i]);
		assert_string_equal(c.e[i + 1].data, want);
		assert_int_equal(c.e[i + 1].mode, 0444);
	}

	tar_lists(path, comp, ARRAY_SIZE(names) + 1);
	capture_free(&c);
	free(mid);
	rm_rf(dir);
	free(dir);
}

static void test_output_write_gzip(void **state)
{
	(void)state;
	check(COMPRESS_GZIP);
}

static void test_output_write_zstd(void **state)
{
	(void)state;
	check(COMPRESS_ZSTD);
}

static void test_output_write_none(void **state)
{
	(void)state;
	check(COMPRESS_NONE);
}

/* The manifest is a member of its own: the output holds two gzip members. */
static void test_output_write_gzip_members(void **state)
{
	static const char *const names[] = { "proc/meminfo" };
	char *dir = tmp_dir(), path[PATH_MAX + 64];
	struct strbuf sb = STRBUF_INIT;
	size_t i, members = 0;

	(void)state;
	build(dir, COMPRESS_GZIP, NULL, 0, names, 1, path, sizeof(path));
	assert_int_equal(read_file_at(AT_FDCWD, path, &sb, 1 << 20), 0);
	/* gzip member header: 1f 8b 08, flags, mtime, xfl, OS. */
	for (i = 0; i + 3 < sb.len; i++)
		if ((unsigned char)sb.buf[i] == 0x1f &&
		    (unsigned char)sb.buf[i + 1] == 0x8b && sb.buf[i + 2] == 8)
			members++;
	assert_true((unsigned char)sb.buf[0] == 0x1f);
	assert_true(members >= 2);
	/* gzip -t accepts the concatenation without complaint. */
	assert_int_equal(run_cmd("gzip -t '%s' 2>&1 | grep -q . && exit 1 || exit 0", path), 0);
	strbuf_release(&sb);
	rm_rf(dir);
	free(dir);
}

/* An empty body (nothing read) is still a valid archive. */
static void test_output_write_empty_body(void **state)
{
	char *dir = tmp_dir(), path[PATH_MAX + 64];
	struct capture c;

	(void)state;
	build(dir, COMPRESS_ZSTD, NULL, 0, NULL, 0, path, sizeof(path));
	memset(&c, 0, sizeof(c));
	assert_int_equal(read_archive(path, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.e[0].name, "manifest.json");
	capture_free(&c);
	rm_rf(dir);
	free(dir);
}

/* The temporary file has no name in the directory. */
static void test_tmpfile_open_unlinked(void **state)
{
	char *dir = tmp_dir();
	struct dirent *de;
	DIR *d;
	int fd, n = 0;

	(void)state;
	fd = tmpfile_open(dir);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	d = opendir(dir);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	assert_int_equal(n, 0);
	close(fd);
	assert_true(tmpfile_open("/nonexistent-memsnap-dir") < 0);
	rm_rf(dir);
	free(dir);
}

/* capture_top_name: host characters outside [A-Za-z0-9._-] become '_'. */
static void test_capture_top_name_sanitised(void **state)
{
	char buf[256];

	(void)state;
	capture_top_name("node-1.eu west/x", 1764303958, buf, sizeof(buf));
	assert_string_equal(buf, "memsnap-node-1.eu_west_x-20251128T042558Z");
	capture_top_name("", 0, buf, sizeof(buf));
	assert_string_equal(buf, "memsnap-unknown-19700101T000000Z");
	/* A leap day, and before the epoch. */
	capture_top_name("h", 951782400, buf, sizeof(buf));
	assert_string_equal(buf, "memsnap-h-20000229T000000Z");
	capture_top_name("h", -1, buf, sizeof(buf));
	assert_string_equal(buf, "memsnap-h-19691231T235959Z");
}


/* ---- the body's own ustar headers against libarchive's pax writer ------ */

struct memout {
	struct strbuf sb;
};

static la_ssize_t mem_write_cb(struct archive *a, void *cd, const void *buf,
			       size_t n)
{
	struct memout *m = cd;

	(void)a;
	strbuf_add(&m->sb, buf, n);
	return (la_ssize_t)n;
}

struct tar_case {
	const char *path;        /* below TOP */
	size_t len;
	int64_t mtime;
	bool ustar;              /* ustar_header() makes it (no pax header) */
};

/* libarchive's restricted pax writer: what the body wrote before. */
static void reference_tar(const struct tar_case *tc, size_t n, const char *data,
			  struct strbuf *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct memout m = { STRBUF_INIT };
	size_t i;

	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_add_filter_none(a), ARCHIVE_OK);
	assert_int_equal(archive_write_set_bytes_per_block(a, 0), ARCHIVE_OK);
	assert_int_equal(archive_write_open2(a, &m, NULL, mem_write_cb, NULL, NULL),
			 ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct strbuf name = STRBUF_INIT;

		strbuf_addf(&name, "%s/%s", TOP, tc[i].path);
		archive_entry_clear(e);
		archive_entry_copy_pathname(e, name.buf);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0444);
		archive_entry_set_uid(e, 0);
		archive_entry_set_gid(e, 0);
		archive_entry_set_size(e, (la_int64_t)tc[i].len);
		archive_entry_set_mtime(e, (time_t)tc[i].mtime, 0);
		assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
		if (tc[i].len)
			assert_int_equal(archive_write_data(a, data, tc[i].len),
					 (la_ssize_t)tc[i].len);
		strbuf_release(&name);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
	*out = m.sb;
}

static void test_body_tar_as_libarchive(void **state)
{
	char p100[101], p155[200], p156[200], noslash[160];
	const size_t top = sizeof(TOP);       /* TOP and its '/' */
	struct tar_case tc[] = {
		{ "proc/meminfo", 1509, 1764303958, true },
		{ "proc/1/status", 0, 0, true },
		{ "a", 511, 1, true },
		{ "b", 512, 0x7ffffffe, true },
		{ "c", 513, 1764303958, true },
		{ "big", 70000, 1764303958, true },      /* past SMALL_ENTRY */
		{ p100, 3, 1764303958, true },           /* a name of 100 bytes */
		{ p155, 3, 1764303958, true },           /* a prefix of 155 */
		{ p156, 3, 1764303958, false },          /* a prefix of 156 */
		{ noslash, 3, 1764303958, false },       /* > 100, no '/' */
		{ "sys/fs/cgroup/memory/kubepods.slice/kubepods-burstable.slice/"
		  "kubepods-burstable-pod6f1c8a52_3d0e_4a51_9d43_0d1f6bb1a2c7.slice/"
		  "cri-containerd-8e1b3c94b7f64a6f0d8a1c2e4b5f6a7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b.scope/"
		  "memory.stat", 3, 1764303958, true },  /* 253: prefix 155, name 97 */
		{ "sys/fs/cgroup/memory/kubepods.slice/kubepods-burstable.slice/"
		  "kubepods-burstable-pod6f1c8a52_3d0e_4a51_9d43_0d1f6bb1a2c7.slice/"
		  "cri-containerd-8e1b3c94b7f64a6f0d8a1c2e4b5f6a7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b.scope/"
		  "memory.kmem.tcp.max_usage_in_bytes", 3, 1764303958, false }, /* 276 */
		{ "sys/fs/cgroup/memory/caf\xc3\xa9/memory.stat", 3, 1764303958, false },
		{ "proc/7/comm with space", 3, 1764303958, true },
		{ "ctl\x01byte", 3, 1764303958, false },
		{ "late", 3, 0x7fffffff, false },        /* mtime past 2^31 - 2 */
		{ "early", 3, -1, false },
		{ "x/", 3, 1764303958, true },
	};
	char *dir = tmp_dir(), *data = malloc(70000), *got;
	struct strbuf want;
	struct stat st;
	struct body b;
	size_t i;
	int fd;

	(void)state;
	/* p100: TOP/ and 100 - top bytes; p155: prefix TOP/xxx (155) / name */
	memset(p100, 'n', sizeof(p100));
	p100[100 - top] = '\0';
	memset(p155, 'p', sizeof(p155));
	p155[155 - top] = '/';
	strcpy(p155 + 155 - top + 1, "name");
	memset(p156, 'p', sizeof(p156));
	p156[156 - top] = '/';
	strcpy(p156 + 156 - top + 1, "name");
	memset(noslash, 'z', sizeof(noslash));
	noslash[sizeof(noslash) - 1] = '\0';
	for (i = 0; i < 70000; i++)
		data[i] = (char)('a' + i % 26);

	for (i = 0; i < ARRAY_SIZE(tc); i++) {
		char h[512], name[400];

		snprintf(name, sizeof(name), "%s/%s", TOP, tc[i].path);
		if (ustar_header(h, name, strlen(name), tc[i].len, tc[i].mtime) != tc[i].ustar)
			fail_msg("ustar_header('%s') should be %d", tc[i].path, tc[i].ustar);
	}

	reference_tar(tc, ARRAY_SIZE(tc), data, &want);
	fd = tmpfile_open(dir);
	assert_true(fd >= 0);
	assert_int_equal(body_open(&b, fd, COMPRESS_NONE, 0), 0);
	for (i = 0; i < ARRAY_SIZE(tc); i++)
		assert_int_equal(body_add(&b, TOP, tc[i].path, data, tc[i].len,
					  tc[i].mtime), 0);
	assert_int_equal(body_close(&b), 0);
	assert_int_equal(b.raw_bytes + 1024, want.len);
	body_free(&b);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal((size_t)st.st_size, want.len);
	got = malloc(want.len);
	assert_int_equal(pread(fd, got, want.len, 0), (ssize_t)want.len);
	for (i = 0; i < want.len; i++)
		if (got[i] != want.buf[i])
			fail_msg("byte %zu (entry header at %zu) differs: %02x, libarchive %02x",
				 i, i & ~(size_t)511, (unsigned char)got[i],
				 (unsigned char)want.buf[i]);
	free(got);
	close(fd);
	strbuf_release(&want);
	free(data);
	rm_rf(dir);
	free(dir);
}

/*
 * --compress none into a regular file: body written in place after the
 * manifest's slot; a manifest too big for the slot moves the body.
 */
static void in_place(size_t mid_len)
{
	static const char head[] = "{\"format\": \"memsnap-capture\", \"x\": \"";
	static const char tail[] = "\"}\n";
	static const char *const names[] = { "proc/meminfo", "proc/1/status",
					     "sys/fs/cgroup/memory/caf\xc3\xa9/memory.stat" };
	struct manifest_text mt = { head, sizeof(head) - 1, -1, mid_len, tail,
				    sizeof(tail) - 1 };
	char *dir = tmp_dir(), path[PATH_MAX + 64], *mid = malloc(mid_len + 1);
	struct capture c;
	struct body b;
	uint64_t bytes = 0;
	bool out_err;
	int out, body_fd, r;
	size_t i, n;
	struct stat st;

	memset(mid, 'm', mid_len);
	mt.mid_fd = tmpfile_open(dir);
	assert_int_equal(write(mt.mid_fd, mid, mid_len), (ssize_t)mid_len);
	snprintf(path, sizeof(path), "%s/out.tar", dir);
	out = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(out >= 0);
	body_fd = dup(out);
	assert_int_equal(lseek(body_fd, MANIFEST_SLOT, SEEK_SET), MANIFEST_SLOT);
	assert_int_equal(body_open(&b, body_fd, COMPRESS_NONE, 0), 0);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		assert_int_equal(body_add(&b, TOP, names[i], "data\n", 5, 1764303958), 0);
	assert_int_equal(body_close(&b), 0);
	body_free(&b);
	r = output_write_in_place(out, TOP, 1764303958, &mt, &bytes, &out_err);
	if (mid_len + sizeof(head) + sizeof(tail) - 2 <= MANIFEST_SLOT - 512) {
		assert_int_equal(r, 1);
	} else {
		int tmp = tmpfile_open(dir);

		assert_int_equal(r, 0);
		assert_int_equal(output_move_body(out, tmp, COMPRESS_NONE, 0, TOP,
						  1764303958, &mt, &bytes, &out_err), 0);
		close(tmp);
	}
	assert_int_equal(close(out), 0);
	close(body_fd);
	close(mt.mid_fd);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((uint64_t)st.st_size, bytes);

	memset(&c, 0, sizeof(c));
	assert_int_equal(read_archive(path, &c), 0);
	assert_int_equal(c.n, ARRAY_SIZE(names) + 1);
	assert_string_equal(c.e[0].name, "manifest.json");
	assert_true(starts_with(c.e[0].data, head));
	/* the JSON, then (in place) spaces */
	n = c.e[0].len;
	while (n && c.e[0].data[n - 1] == ' ')
		n--;
	assert_int_equal(n, sizeof(head) - 1 + mid_len + sizeof(tail) - 1);
	assert_memory_equal(c.e[0].data + n - 3, "\"}\n", 3);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		assert_string_equal(c.e[i + 1].name, names[i]);
		assert_string_equal(c.e[i + 1].data, "data\n");
	}
	tar_lists(path, COMPRESS_NONE, ARRAY_SIZE(names) + 1);
	capture_free(&c);
	free(mid);
	rm_rf(dir);
	free(dir);
}

static void test_output_in_place(void **state)
{
	(void)state;
	in_place(100);
	in_place(MANIFEST_SLOT - 512 - 39);      /* fills the slot exactly */
	in_place(MANIFEST_SLOT - 512 - 38);      /* one byte too many: moved */
	in_place(300000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_write_gzip),
		cmocka_unit_test(test_output_write_zstd),
		cmocka_unit_test(test_output_write_none),
		cmocka_unit_test(test_output_write_gzip_members),
		cmocka_unit_test(test_output_write_empty_body),
		cmocka_unit_test(test_tmpfile_open_unlinked),
		cmocka_unit_test(test_capture_top_name_sanitised),
		cmocka_unit_test(test_body_tar_as_libarchive),
		cmocka_unit_test(test_output_in_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
