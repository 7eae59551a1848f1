/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_FUZZ_CAPTURE_H
#define MEMSNAP_FUZZ_CAPTURE_H
/*
 * Shared by fuzz_load.c and fuzz_report.c: the fuzzer's bytes as a capture
 * archive in a memfd, and one database for the whole run.
 *
 * Input format:
 *  - "@@@ path\n<content>@@@ path\n<content>...": a capture described file
 *    by file; it is written as the collector would (pax tar, one top-level
 *    folder) so that the fuzzer works on file contents and paths instead of
 *    tar checksums.  "@@@S", "@@@H" make a symbolic or hard link to the
 *    content's first line, "@@@F" a FIFO, "@@@C" a character device, "@@@D"
 *    a folder.  tests/fuzz/make-seeds.py makes such seeds from the fixture
 *    captures.
 *  - anything else: the bytes are the archive file itself (tar, gzip, zstd,
 *    xz...), to reach libarchive's readers and the reader's limits.
 * The file is a memfd: nothing is written to disk.
 *
 * The database: compiling the public views' SQL costs ~60 ms even natively
 * (nested views), several times the load of a small capture.  So one
 * database in memory lives for the whole run, the view statements are
 * prepared once, and each input runs inside a SAVEPOINT that is rolled
 * back afterwards: every input starts from the same empty database, which
 * keeps crashes reproducible from the one input.
 */
#include <archive.h>
#include <archive_entry.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyze/db/db.h"
#include "tests/fuzz/fuzz.h"
#include "analyze/load/load.h"

#define TOP "memsnap-fuzz-20260101T000000Z/"

struct entry {
	char kind;                  /* ' ', 'S', 'H', 'F', 'C', 'D' */
	const char *path, *data;
	size_t path_len, len;
};

static inline int write_tar(int fd, const uint8_t *in, size_t size)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	const char *p = (const char *)in, *end = p + size;
	char name[512];
	int r = -1;

	if (!a || !e)
		abort();
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		goto out;
	while (p < end && end - p >= 4 && !memcmp(p, "@@@", 3)) {
		struct entry en = { .kind = p[3] };
		const char *nl, *next;

		p += 4;
		nl = memchr(p, '\n', (size_t)(end - p));
		en.path = p;
		en.path_len = (size_t)((nl ? nl : end) - p);
		p = nl ? nl + 1 : end;
		next = p;
		while (next < end && !(end - next >= 4 && !memcmp(next, "@@@", 3) &&
				       (next == p || next[-1] == '\n')))
			next++;
		en.data = p;
		en.len = (size_t)(next - p);
		p = next;
		if (en.path_len > sizeof(name) - sizeof(TOP))
			en.path_len = sizeof(name) - sizeof(TOP);
		memcpy(name, TOP, sizeof(TOP) - 1);
		memcpy(name + sizeof(TOP) - 1, en.path, en.path_len);
		name[sizeof(TOP) - 1 + en.path_len] = '\0';
		archive_entry_clear(e);
		archive_entry_set_pathname(e, name);
		archive_entry_set_perm(e, 0444);
		archive_entry_set_mtime(e, 1767225600, 0);
		switch (en.kind) {
		case 'S':
		case 'H': {
			char target[256];
			const char *nl = memchr(en.data, '\n', en.len);
			size_t tl = nl ? (size_t)(nl - en.data) : en.len;

			tl = tl < sizeof(target) - 1 ? tl : sizeof(target) - 1;
			memcpy(target, en.data, tl);
			target[tl] = '\0';
			if (en.kind == 'S') {
				archive_entry_set_filetype(e, AE_IFLNK);
				archive_entry_set_symlink(e, target);
			} else {
				archive_entry_set_filetype(e, AE_IFREG);
				archive_entry_set_hardlink(e, target);
			}
			archive_entry_set_size(e, 0);
			archive_write_header(a, e);
			break;
		}
		case 'F':
		case 'C':
		case 'D':
			archive_entry_set_filetype(e, en.kind == 'F' ? AE_IFIFO :
						   en.kind == 'C' ? AE_IFCHR : AE_IFDIR);
			archive_entry_set_size(e, 0);
			archive_write_header(a, e);
			break;
		default:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, (la_int64_t)en.len);
			if (archive_write_header(a, e) == ARCHIVE_OK)
				archive_write_data(a, en.data, en.len);
			break;
		}
	}
	if (archive_write_close(a) == ARCHIVE_OK)
		r = 0;
out:
	archive_entry_free(e);
	archive_write_free(a);
	return r;
}

static inline void write_raw(int fd, const uint8_t *data, size_t size)
{
	while (size) {
		ssize_t n = write(fd, data, size);

		if (n <= 0)
			abort();
		data += n;
		size -= (size_t)n;
	}
}

/* The input as a capture file: a memfd; *path names it ("/proc/self/fd/N"). */
static inline int fuzz_capture_fd(const uint8_t *data, size_t size, char *path,
				  size_t n)
{
	int fd = memfd_create("fuzz-capture", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (size >= 4 && !memcmp(data, "@@@", 3)) {
		if (write_tar(fd, data, size) < 0) {
			close(fd);
			return -1;
		}
	} else {
		write_raw(fd, data, size);
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

static sqlite3 *fuzz_db;

/* The run's database (created on first use). */
static inline sqlite3 *fuzz_db_get(void)
{
	char *err = NULL;

	if (!fuzz_db && db_open(":memory:", true, &fuzz_db, &err) < 0) {
		fprintf(stderr, "db_open: %s\n", err);
		abort();
	}
	return fuzz_db;
}

static inline void fuzz_db_begin(sqlite3 *db)
{
	FUZZ_CHECK(db_exec(db, "SAVEPOINT fuzz", NULL) == 0);
}

/*
 * Back to the empty database.  `keep` are the statements the target holds
 * on purpose; any other statement still alive was leaked by the code under
 * test (a missing sqlite3_finalize()).
 */
static inline void fuzz_db_rollback(sqlite3 *db, sqlite3_stmt *const *keep,
				    size_t nkeep)
{
	sqlite3_stmt *st = NULL;

	while ((st = sqlite3_next_stmt(db, st))) {
		size_t i;
		bool ours = false;

		for (i = 0; i < nkeep; i++)
			ours |= keep[i] == st;
		if (!ours)
			fprintf(stderr, "statement not finalized: %s\n", sqlite3_sql(st));
		FUZZ_CHECK(ours);
	}
	FUZZ_CHECK(db_exec(db, "ROLLBACK TO fuzz", NULL) == 0);
	FUZZ_CHECK(db_exec(db, "RELEASE fuzz", NULL) == 0);
	FUZZ_CHECK(sqlite3_get_autocommit(db));
}

/* Load the input; 0 when a capture was loaded (its id in *ret_id). */
static inline int fuzz_load_input(sqlite3 *db, const uint8_t *data, size_t size,
				  int64_t *ret_id)
{
	struct capture_limits lim;
	struct load_stats st;
	char path[64], *err = NULL;
	int fd, r;

	fd = fuzz_capture_fd(data, size, path, sizeof(path));
	if (fd < 0)
		return -1;
	/* Small limits: a bomb in the corpus must stay fast. */
	capture_limits_default(&lim);
	lim.max_file_bytes = 4 << 20;
	lim.max_total_bytes = 32 << 20;
	lim.max_entries = 100000;
	r = load_capture(db, path, &lim, &st, &err);
	FUZZ_CHECK(r == 0 || r == -1);
	if (r < 0) {
		FUZZ_CHECK(err != NULL && *err);
	} else {
		/* a fresh database holds no capture to be a duplicate of */
		FUZZ_CHECK(!st.duplicate && st.capture_id > 0);
		*ret_id = st.capture_id;
	}
	free(err);
	close(fd);
	return r;
}

#endif
