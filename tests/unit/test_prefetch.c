/* SPDX-License-Identifier: MIT */
/*
 * The capture's reader thread (analyze/prefetch.c) against capture_next()
 * itself: the same files, problems and end, in the same order, over more
 * items than a batch and more bytes than the queue holds; an archive cut
 * short ends in the same error; stopping early (a duplicate capture) leaves
 * nothing behind (ASan's leak check in SAN=1 builds, valgrind in t71); a
 * reader stopped past the end frees its files on its own, after its capture
 * is closed; prefetch_set_background() readers run at a higher nice.
 */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze/capture/capture.h"
#include "analyze/capture/prefetch.h"
#include "common/util.h"

#define NFILES 3000

static char tmpdir[256];
static char archive_path[512];
static char cut_path[512];

static void add_entry(struct archive *a, const char *path, unsigned type,
		      const char *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, 0644);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, "/etc/passwd");
	else
		archive_entry_set_size(e, (la_int64_t)len);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (len)
		assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
	archive_entry_free(e);
}

/*
 * memsnap-t-<date>/ with a manifest, NFILES files of 10 bytes to 120 KiB
 * (about 12 MiB: more than the queue's PREFETCH_MAX_BYTES), and a link, a
 * '..' path, a FIFO and a second proc/7/status (after the set of paths
 * read has grown 3 times) among them, which the reader reports as problems.
 */
static int setup(void **state)
{
	struct archive *a = archive_write_new();
	char *big = xmalloc(120 << 10);
	FILE *in;
	long size;
	int i;

	(void)state;
	strlcpy_s(tmpdir, "/tmp/memsnap-test-prefetch-XXXXXX", sizeof(tmpdir));
	assert_non_null(mkdtemp(tmpdir));
	xsnprintf(archive_path, sizeof(archive_path), "%s/c.tar.gz", tmpdir);
	xsnprintf(cut_path, sizeof(cut_path), "%s/cut.tar", tmpdir);
	for (i = 0; i < (120 << 10); i++)
		big[i] = (char)('a' + i % 26);
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	assert_int_equal(archive_write_open_filename(a, archive_path), ARCHIVE_OK);
	add_entry(a, "memsnap-t-20261128T000000Z/manifest.json", AE_IFREG, "{}", 2);
	for (i = 0; i < NFILES; i++) {
		char path[128];
		size_t len = i % 100 == 0 ? (size_t)(120 << 10) - (size_t)i : 10 + (size_t)i % 50;

		xsnprintf(path, sizeof(path), "memsnap-t-20261128T000000Z/proc/%d/status", i + 1);
		add_entry(a, path, AE_IFREG, big, len);
		if (i == 500)
			add_entry(a, "memsnap-t-20261128T000000Z/proc/link", AE_IFLNK, NULL, 0);
		if (i == 1500)
			add_entry(a, "memsnap-t-20261128T000000Z/../escape", AE_IFREG, "x", 1);
		if (i == 2500)
			add_entry(a, "memsnap-t-20261128T000000Z/proc/fifo", AE_IFIFO, NULL, 0);
		if (i == 2800)
			add_entry(a, "memsnap-t-20261128T000000Z/proc/7/status", AE_IFREG,
				  "again", 5);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);

	/* the same, uncompressed, cut in the middle of the data */
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, cut_path), ARCHIVE_OK);
	add_entry(a, "memsnap-t-20261128T000000Z/manifest.json", AE_IFREG, "{}", 2);
	for (i = 0; i < 200; i++) {
		char path[128];

		xsnprintf(path, sizeof(path), "memsnap-t-20261128T000000Z/proc/%d/status", i + 1);
		add_entry(a, path, AE_IFREG, big, 30000);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	in = fopen(cut_path, "r+");
	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	size = ftell(in);
	/* in the middle of a file's data */
	assert_int_equal(ftruncate(fileno(in), size / 2 + 5000), 0);
	fclose(in);
	free(big);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	xsnprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

/* What a reader handed out, as text: one line per file, problem and end. */
static void record_problem(void *ud, const char *path, const char *problem)
{
	struct strbuf *sb = ud;

	strbuf_addf(sb, "problem %s: %s\n", path ? path : "(none)", problem);
}

static void record_ahead(const char *source, bool threaded,
			 const struct prefetch_hooks *hooks, size_t max_bytes,
			 size_t stop_after, struct strbuf *sb)
{
	struct capture_limits lim;
	struct capture *c = NULL;
	struct prefetch *p = NULL;
	struct capture_file f;
	char *err = NULL;
	size_t files = 0;
	int n;

	capture_limits_default(&lim);
	assert_int_equal(capture_open(source, &lim, &c, &err), 0);
	if (threaded)
		assert_int_equal(prefetch_start(c, hooks, max_bytes, &p), 0);
	while ((n = threaded ? prefetch_next(p, &f, NULL, record_problem, sb, &err)
			     : capture_next(c, &f, record_problem, sb, &err)) > 0) {
		uint64_t h = 1469598103934665603ull;
		size_t i;

		for (i = 0; i < f.len; i++)
			h = (h ^ (unsigned char)f.data[i]) * 1099511628211ull;
		assert_int_equal(f.data[f.len], '\0');
		strbuf_addf(sb, "file %s %zu %016llx\n", f.path, f.len,
			    (unsigned long long)h);
		if (++files == stop_after)
			break;
	}
	strbuf_addf(sb, "end %d %s\n", n, err ? err : "");
	free(err);
	prefetch_stop(p);
	capture_close(c);
}

static void record(const char *source, bool threaded, size_t stop_after,
		   struct strbuf *sb)
{
	record_ahead(source, threaded, NULL, 0, stop_after, sb);
}

static void test_prefetch_same_as_capture_next(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *p;

	(void)state;
	record(archive_path, false, 0, &a);
	record(archive_path, true, 0, &b);
	assert_non_null(strstr(a.buf, "problem"));
	assert_non_null(strstr(a.buf, "proc/3000/status"));
	p = strstr(a.buf, "file proc/7/status ");
	assert_non_null(p);
	assert_null(strstr(p + 1, "file proc/7/status "));   /* the first one */
	assert_non_null(strstr(a.buf, "problem proc/7/status: duplicate entry, "
			       "skipping (the first one was used)\n"));
	assert_non_null(strstr(a.buf, "end 0"));
	assert_string_equal(a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_prefetch_cut_archive_same_error(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	(void)state;
	record(cut_path, false, 0, &a);
	record(cut_path, true, 0, &b);
	assert_non_null(strstr(a.buf, "end -1 "));
	assert_string_equal(a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_prefetch_stop_early(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t stops[] = { 1, 2, 700, 2999 };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(stops); i++) {
		strbuf_reset(&a);
		strbuf_reset(&b);
		record(archive_path, false, stops[i], &a);
		record(archive_path, true, stops[i], &b);
		assert_string_equal(a.buf, b.buf);
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

/* prepare() hook: the reader thread's nice value, in the file's place. */
static int reader_nice = -100;

static void *note_nice(const struct capture_file *f, bool behind)
{
	(void)f;
	(void)behind;
	reader_nice = getpriority(PRIO_PROCESS, (id_t)gettid());
	return NULL;
}

static void release_none(void *prepared)
{
	(void)prepared;
}

/*
 * As `memsnap load -j` does: whole captures read ahead, each stopped once
 * read (its reader detached, freeing the files it still has) and its
 * capture closed at once, readers behind the loader.
 */
static void test_prefetch_stop_after_end(void **state)
{
	static const struct prefetch_hooks hooks = { note_nice, release_none };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int own = getpriority(PRIO_PROCESS, (id_t)gettid());
	int round;

	(void)state;
	record(archive_path, false, 0, &a);
	for (round = 0; round < 8; round++) {
		prefetch_set_background(round % 2 == 1);
		strbuf_reset(&b);
		record_ahead(archive_path, true, &hooks, (size_t)64 << 20, 0, &b);
		assert_string_equal(a.buf, b.buf);
		/* nice is at most 19 */
		if (round % 2 == 1 && own + PREFETCH_NICE <= 19)
			assert_int_equal(reader_nice, own + PREFETCH_NICE);
		else
			assert_int_equal(reader_nice, own);
	}
	prefetch_wait_detached();   /* the background rounds' readers */
	prefetch_set_background(false);
	strbuf_release(&a);
	strbuf_release(&b);
}

/*
 * prepare() hook: whether the loader was behind, each file in turn.  A
 * loader that takes nothing until every file is prepared is behind from
 * the reader's third batch on (the first is handed over to an empty queue,
 * so the second is read not knowing), so the reader does the work it may
 * leave to the loader (analyze/load/load.c, ALONE_WRITER_PARSES).
 */
#define BEHIND_MAX 8192
static atomic_uint behind_n;
static bool behind_seen[BEHIND_MAX];

static void *note_behind(const struct capture_file *f, bool behind)
{
	unsigned i = atomic_load(&behind_n);

	(void)f;
	if (i < BEHIND_MAX)
		behind_seen[i] = behind;
	atomic_store(&behind_n, i + 1);
	return NULL;
}

static void test_prefetch_behind(void **state)
{
	static const struct prefetch_hooks hooks = { note_behind, release_none };
	struct capture_limits lim;
	struct capture *c = NULL;
	struct prefetch *p = NULL;
	struct capture_file f;
	struct strbuf a = STRBUF_INIT;
	char *err = NULL;
	const char *s;
	unsigned files = 0, i, waited;
	int n;

	(void)state;
	record(archive_path, false, 0, &a);
	for (s = a.buf; (s = strstr(s, "\nfile ")); s++)
		files++;
	files += starts_with(a.buf, "file ");
	assert_true(files > 2 * 256 && files < BEHIND_MAX);
	atomic_store(&behind_n, 0);
	capture_limits_default(&lim);
	assert_int_equal(capture_open(archive_path, &lim, &c, &err), 0);
	assert_int_equal(prefetch_start(c, &hooks, (size_t)64 << 20, &p), 0);
	for (waited = 0; atomic_load(&behind_n) < files && waited < 20000; waited++)
		usleep(1000);
	assert_int_equal(atomic_load(&behind_n), files);
	assert_false(behind_seen[0]);
	assert_true(behind_seen[files - 1]);
	for (i = 1; i < files && !behind_seen[i]; i++)
		;
	assert_true(i <= 2 * 256);   /* from the third batch on */
	for (; i < files; i++)
		assert_true(behind_seen[i]);
	strbuf_reset(&a);
	while ((n = prefetch_next(p, &f, NULL, record_problem, &a, &err)) > 0)
		;
	assert_int_equal(n, 0);
	free(err);
	prefetch_stop(p);
	capture_close(c);
	strbuf_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefetch_same_as_capture_next),
		cmocka_unit_test(test_prefetch_cut_archive_same_error),
		cmocka_unit_test(test_prefetch_stop_early),
		cmocka_unit_test(test_prefetch_stop_after_end),
		cmocka_unit_test(test_prefetch_behind),
	};

	return cmocka_run_group_tests(tests, setup, getenv("KEEP") ? NULL : teardown);
}
