/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_TEST_COLLECT_UTIL_H
#define MEMSNAP_TEST_COLLECT_UTIL_H
/*
 * Helpers shared by the collector's unit tests (static functions: each test
 * program includes this once): temporary fixture trees, running a capture,
 * reading the archive back with libarchive and the manifest with jansson,
 * and crafting ELF files with a .go.buildinfo section.
 *
 * Include after <cmocka.h>.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collect.h"
#define TEST_HELPER static __attribute__((unused))

/* tests/fixtures, from $TESTS_DIR (set by tests/run-tests) or the cwd. */
TEST_HELPER const char *fixtures_dir(void)
{
	static char dir[PATH_MAX / 2];
	const char *t = getenv("TESTS_DIR");

	snprintf(dir, sizeof(dir), "%s/fixtures", t && *t ? t : "tests");
	return dir;
}

/* ---- temporary trees -------------------------------------------------------- */

TEST_HELPER int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

TEST_HELPER void rm_rf(const char *path)
{
	nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory under $TMPDIR (or /tmp); the caller frees the string. */
TEST_HELPER char *tmp_dir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (!base || !*base)
		base = "/tmp";
	path = malloc(strlen(base) + 32);
	assert_non_null(path);
	snprintf(path, strlen(base) + 32, "%s/memsnap-test-XXXXXX", base);
	assert_non_null(mkdtemp(path));
	return path;
}

static int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
TEST_HELPER int run_cmd(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Copy tests/fixtures/roots/<layout> into a fresh directory. */
TEST_HELPER char *fixture_copy(const char *layout)
{
	char *dir = tmp_dir();

	assert_int_equal(run_cmd("cp -a '%s/roots/%s/.' '%s/'", fixtures_dir(),
				 layout, dir), 0);
	return dir;
}

TEST_HELPER void write_file(const char *root, const char *rel, const char *text,
		       size_t len)
{
	char path[PATH_MAX + 256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Replace root/rel by a FIFO: opening it blocks until someone writes. */
TEST_HELPER void make_fifo(const char *root, const char *rel)
{
	char path[PATH_MAX + 256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	assert_int_equal(mkfifo(path, 0644), 0);
}

/*
 * Let reader threads stuck in open() of FIFOs go: open each for writing
 * (it succeeds while a reader waits) and close it, which ends their read.
 */
TEST_HELPER int release_one(const char *path, const struct stat *st, int flag,
		       struct FTW *ftw)
{
	(void)flag;
	(void)ftw;
	if (S_ISFIFO(st->st_mode)) {
		int i;

		for (i = 0; i < 4; i++) {
			int fd = open(path, O_WRONLY | O_NONBLOCK);

			if (fd >= 0)
				close(fd);
			usleep(1000);
		}
	}
	return 0;
}

TEST_HELPER void release_fifos(const char *root)
{
	nftw(root, release_one, 32, FTW_PHYS);
}

/* ---- running a capture and reading it back --------------------------------- */

struct entry {
	char *name;               /* below the top folder */
	char *data;
	size_t len;
	unsigned mode;
	int type;
};

struct capture {
	struct capture_result res;
	int ret;
	char *out;                /* the archive's path */
	char top[NAME_MAX + 1];
	struct entry *e;
	size_t n;
	json_t *manifest;
	char *manifest_text;
	bool one_top;             /* every entry below the same top folder */
};

TEST_HELPER void capture_free(struct capture *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->e[i].name);
		free(c->e[i].data);
	}
	free(c->e);
	free(c->out);
	free(c->manifest_text);
	if (c->manifest)
		json_decref(c->manifest);
	memset(c, 0, sizeof(*c));
}

/* Read every entry of an archive with libarchive (any filter, tar). */
TEST_HELPER int read_archive(const char *path, struct capture *c)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	int r;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		archive_read_free(a);
		return -1;
	}
	c->one_top = true;
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ae);
		const char *slash = strchr(name, '/');
		struct entry *e;
		size_t cap = (size_t)archive_entry_size(ae);
		la_ssize_t got;

		c->e = realloc(c->e, (c->n + 1) * sizeof(*c->e));
		e = &c->e[c->n++];
		memset(e, 0, sizeof(*e));
		if (c->n == 1 && slash)
			snprintf(c->top, sizeof(c->top), "%.*s",
				 (int)(slash - name), name);
		if (!slash || strncmp(name, c->top, strlen(c->top)) ||
		    name[strlen(c->top)] != '/')
			c->one_top = false;
		e->name = strdup(slash ? slash + 1 : name);
		e->mode = archive_entry_perm(ae);
		e->type = (int)archive_entry_filetype(ae);
		e->data = malloc(cap + 1);
		got = archive_read_data(a, e->data, cap);
		if (got < 0 || (size_t)got != cap) {
			archive_read_free(a);
			return -1;
		}
		e->data[cap] = '\0';
		e->len = cap;
	}
	archive_read_free(a);
	return r == ARCHIVE_EOF ? 0 : -1;
}

TEST_HELPER const struct entry *find_entry(const struct capture *c,
				      const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].name, name))
			return &c->e[i];
	return NULL;
}

TEST_HELPER ssize_t entry_index(const struct capture *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].name, name))
			return (ssize_t)i;
	return -1;
}

/* Does an entry's name start with prefix? */
TEST_HELPER bool has_name_prefix(const struct capture *c, const char *prefix)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strncmp(c->e[i].name, prefix, strlen(prefix)))
			return true;
	return false;
}

/* Is the text anywhere in the archive's data or names? */
TEST_HELPER bool archive_contains(const struct capture *c, const char *text)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strstr(c->e[i].name, text) ||
		    memmem(c->e[i].data, c->e[i].len, text, strlen(text)))
			return true;
	return false;
}

TEST_HELPER void test_opts(struct capture_opts *o, const char *root)
{
	capture_opts_init(o);
	o->root = root;
	o->bpftool = false;
	o->kmsg = KMSG_NONE;
	o->file_timeout_ms = 500;
	o->timeout_ms = 30000;
}

/* Run a capture into <dir>/out.tar.gz and read it back (when written). */
TEST_HELPER void run_capture(struct capture_opts *o, const char *dir,
			struct capture *c)
{
	const char *ext = o->compress == COMPRESS_ZSTD ? "tar.zst" :
			  o->compress == COMPRESS_NONE ? "tar" : "tar.gz";
	json_error_t jerr;
	const struct entry *m;

	memset(c, 0, sizeof(*c));
	c->out = malloc(strlen(dir) + 32);
	snprintf(c->out, strlen(dir) + 32, "%s/out.%s", dir, ext);
	if (!o->output)
		o->output = c->out;
	c->ret = capture_run(o, &c->res);
	if (c->ret < 0)
		return;
	assert_int_equal(read_archive(o->output, c), 0);
	assert_true(c->n > 0);
	assert_string_equal(c->e[0].name, "manifest.json");
	m = &c->e[0];
	c->manifest_text = strndup(m->data, m->len);
	c->manifest = json_loadb(m->data, m->len, 0, &jerr);
	if (!c->manifest)
		fail_msg("manifest.json is not JSON: %s (line %d)", jerr.text,
			 jerr.line);
}

/* manifest["a"]["b"]... as a json_t (NULL when absent). */
TEST_HELPER json_t *mget(json_t *j, const char *path)
{
	char key[128];
	const char *p = path;

	while (j && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		snprintf(key, sizeof(key), "%.*s", (int)len, p);
		j = json_object_get(j, key);
		p += len + (dot ? 1 : 0);
	}
	return j;
}

TEST_HELPER const char *mstr(const struct capture *c, const char *path)
{
	return json_string_value(mget(c->manifest, path));
}

TEST_HELPER long long mint(const struct capture *c, const char *path)
{
	json_t *j = mget(c->manifest, path);

	assert_non_null(j);
	return json_integer_value(j);
}

/* The problem listed for a path (NULL when none). */
TEST_HELPER json_t *problem_for(const struct capture *c, const char *path)
{
	json_t *arr = json_object_get(c->manifest, "problems"), *p;
	size_t i;

	json_array_foreach(arr, i, p) {
		if (!strcmp(json_string_value(json_object_get(p, "path")), path))
			return p;
	}
	return NULL;
}

TEST_HELPER const char *problem_kind(const struct capture *c, const char *path)
{
	json_t *p = problem_for(c, path);

	return p ? json_string_value(json_object_get(p, "kind")) : NULL;
}

TEST_HELPER size_t problems_of_kind(const struct capture *c, const char *kind)
{
	json_t *arr = json_object_get(c->manifest, "problems"), *p;
	size_t i, n = 0;

	json_array_foreach(arr, i, p)
		if (!strcmp(json_string_value(json_object_get(p, "kind")), kind))
			n++;
	return n;
}

/* ---- crafted ELF files --------------------------------------------------------- */

struct elfw {
	unsigned char buf[8192];
	size_t len;
	bool is64, big;
};

TEST_HELPER void put(struct elfw *w, size_t off, uint64_t v, unsigned size)
{
	unsigned i;

	for (i = 0; i < size; i++)
		w->buf[off + (w->big ? size - 1 - i : i)] =
			(unsigned char)(v >> (8 * i));
	if (off + size > w->len)
		w->len = off + size;
}

TEST_HELPER void put_bytes(struct elfw *w, size_t off, const void *p, size_t n)
{
	memcpy(w->buf + off, p, n);
	if (off + n > w->len)
		w->len = off + n;
}

enum go_format { GO_INLINE, GO_POINTER, GO_NONE, GO_BAD_MAGIC };

/*
 * An ELF file (64 or 32-bit, either byte order) with sections
 * [1] .shstrtab, [2] .go.buildinfo (unless GO_NONE), [3] .rodata holding,
 * for the pointer format, the Go string header and the version bytes.
 */
TEST_HELPER void make_go_elf(const char *path, const char *version,
			enum go_format fmt, bool is64, bool big)
{
	static const char names[] = "\0.shstrtab\0.go.buildinfo\0.rodata\0";
	struct elfw w = { .is64 = is64, .big = big };
	const uint64_t base = 0x400000;
	const size_t shstr = 0x100, bi = 0x200, ro = 0x400, sh = 0x600;
	unsigned ps = is64 ? 8 : 4, shent = is64 ? 64 : 40, i;
	size_t vlen = strlen(version);
	int fd;

	memset(w.buf, 0, sizeof(w.buf));
	put_bytes(&w, 0, "\x7f" "ELF", 4);
	w.buf[4] = is64 ? 2 : 1;
	w.buf[5] = big ? 2 : 1;
	w.buf[6] = 1;
	put(&w, 16, 2, 2);                       /* ET_EXEC */
	put(&w, 18, is64 ? 62 : 3, 2);           /* x86-64 / i386 */
	put(&w, 20, 1, 4);
	if (is64) {
		put(&w, 40, sh, 8);              /* e_shoff */
		put(&w, 52, 64, 2);              /* e_ehsize */
		put(&w, 58, shent, 2);
		put(&w, 60, 4, 2);               /* e_shnum */
		put(&w, 62, 1, 2);               /* e_shstrndx */
	} else {
		put(&w, 32, sh, 4);
		put(&w, 40, 52, 2);
		put(&w, 46, shent, 2);
		put(&w, 48, 4, 2);
		put(&w, 50, 1, 2);
	}
	put_bytes(&w, shstr, names, sizeof(names));

	/* .go.buildinfo */
	put_bytes(&w, bi, fmt == GO_BAD_MAGIC ? "\xff Go buildinX:" :
			  "\xff Go buildinf:", 14);
	w.buf[bi + 14] = (unsigned char)ps;
	if (fmt == GO_INLINE || fmt == GO_NONE || fmt == GO_BAD_MAGIC) {
		w.buf[bi + 15] = 0x2 | (big ? 0x1 : 0);
		w.buf[bi + 32] = (unsigned char)vlen;   /* uvarint < 128 */
		put_bytes(&w, bi + 33, version, vlen);
		put_bytes(&w, bi + 33 + vlen, "\x05mod\tx", 6);
	} else {
		w.buf[bi + 15] = big ? 0x1 : 0;
		/* versionAddr -> {data, len} at .rodata, data right after. */
		put(&w, bi + 16, base + ro, ps);
		put(&w, bi + 16 + ps, 0, ps);
		put(&w, ro, base + ro + 2 * ps, ps);
		put(&w, ro + ps, vlen, ps);
		put_bytes(&w, ro + 2 * ps, version, vlen);
	}

	/* Section headers: [0] null, [1] .shstrtab, [2] .go.buildinfo, [3] .rodata */
	for (i = 1; i < 4; i++) {
		size_t o = sh + i * shent;
		uint64_t name = i == 1 ? 1 : i == 2 ? 11 : 25;
		uint64_t type = i == 1 ? 3 : 1;          /* STRTAB, PROGBITS */
		uint64_t addr = i == 1 ? 0 : base + (i == 2 ? bi : ro);
		uint64_t off = i == 1 ? shstr : i == 2 ? bi : ro;
		uint64_t size = i == 1 ? sizeof(names) : i == 2 ? 0x100 : 0x100;

		if (i == 2 && fmt == GO_NONE)
			name = 25 + 1;      /* "rodata": not .go.buildinfo */
		put(&w, o, name, 4);
		put(&w, o + 4, type, 4);
		if (is64) {
			put(&w, o + 16, addr, 8);
			put(&w, o + 24, off, 8);
			put(&w, o + 32, size, 8);
		} else {
			put(&w, o + 12, addr, 4);
			put(&w, o + 16, off, 4);
			put(&w, o + 20, size, 4);
		}
	}
	w.len = sh + 4 * shent;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, w.buf, w.len), (ssize_t)w.len);
	close(fd);
}

/* ---- shared by test_collect_capture.c and test_collect_stuck.c ---------- */

TEST_HELPER const char *const POD_V1 =
	"sys/fs/cgroup/memory/kubepods/burstable/pod6f1c8a52-3d0e-4a51-9d43-0d1f6bb1a2c7";
TEST_HELPER const char *const CID =
	"8e1b3c94b7f64a6f0d8a1c2e4b5f6a7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b";

TEST_HELPER uint64_t ms_now(void)
{
	return now_ns(CLOCK_MONOTONIC) / 1000000u;
}

/* No file is stored twice (a resumed walk must not repeat itself). */
TEST_HELPER void check_unique(const struct capture *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++)
		for (j = i + 1; j < c->n; j++)
			if (!strcmp(c->e[i].name, c->e[j].name))
				fail_msg("%s stored twice", c->e[i].name);
}

#endif
