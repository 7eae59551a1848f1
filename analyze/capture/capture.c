/* SPDX-License-Identifier: MIT */
/*
 * Capture reader: archives decompressed by libarchive and read by tar.c,
 * folders through openat().  See capture.h for the contract.
 */
#include "analyze/capture/capture.h"
#include "analyze/capture/tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "common/hash.h"
#include "common/hashmap.h"
#include "common/shquote.h"
#include "common/util.h"

#include "common/banned.h"

#define MAX_PATH_LEN 4096
#define MAX_DIR_DEPTH 64

/*
 * The 64-bit hashes of the paths read so far, to find duplicate entries:
 * a path is taken for one read before when its hash is (a collision, one
 * in 2^64 a pair, would skip a file as a duplicate).
 */
struct path_set {
	struct hashmap map;
	uint64_t *hash;             /* the map's entries */
	size_t alloc;
};

struct dir_frame {
	char **names;       /* sorted entries of this folder */
	size_t n, next;
	size_t prefix_len;  /* length of the path prefix for this folder */
};

struct capture {
	struct capture_limits lim;
	/* archive mode */
	struct archive *ar;      /* the decompressed stream (format "raw") */
	bool raw_open;           /* its one raw entry's header read */
	int plain_fd;            /* or an uncompressed file, read here: -1 */
	char *plain_buf;
	uint64_t plain_off, plain_size;
	int plain_errno;         /* why plain_pull/plain_skip failed */
	struct tar_reader *tar;
	bool own_zstd;           /* zstd decoded here (zstd_read), not by libarchive */
	/* folder mode */
	int root_fd;
	struct dir_frame stack[MAX_DIR_DEPTH];
	int depth;
	bool manifest_pending;   /* folder mode: hand out manifest.json first */
	/* common */
	char *source;            /* as given, for messages */
	char *name;              /* top-level folder */
	size_t top_len;          /* archive: bytes of "<top>/" to strip; 0 = flat */
	bool top_known;
	struct strbuf path;
	struct strbuf data;
	uint64_t entries, bytes;
	/*
	 * Bytes of files --max-file-size skipped: not in `bytes` (a skipped file
	 * takes no memory), but a compressed archive is inflated to skip them,
	 * so there they are bounded by --max-total of their own.  A folder and
	 * a plain tar skip by seeking: no bound.
	 */
	uint64_t skipped_bytes;
	struct path_set seen;
	bool failed;
	/* a manifest or a capture's folder seen at the top (capture_top()) */
	bool recognised;
	bool foreign;            /* read to its end without one: no capture */
	bool limit_skipped;      /* --max-file-size skipped a file */
	bool limit_stopped;      /* --max-entries or --max-total stopped reading */
};

/* ---- small helpers -------------------------------------------------------- */

void capture_limits_default(struct capture_limits *l)
{
	l->max_entries = CAPTURE_DEFAULT_MAX_ENTRIES;
	l->max_file_bytes = CAPTURE_DEFAULT_MAX_FILE;
	l->max_total_bytes = CAPTURE_DEFAULT_MAX_TOTAL;
	l->max_zstd_window = CAPTURE_DEFAULT_ZSTD_WINDOW;
}

/*
 * Add a path's hash (fnv1a()); returns false when it was there already.
 * Not inlined: inlined into capture_next(), GCC 12 -O2 left fnv1a()'s
 * loop there one register short (a movabs a byte: +0.9% of
 * capture_next()'s instructions on the smem bench capture).
 */
__attribute__((noinline)) static bool path_set_add(struct path_set *s, uint64_t h)
{
	struct hashmap_probe p = hashmap_probe(&s->map, h);
	size_t i;

	while (hashmap_next(&s->map, &p, &i))
		if (s->hash[i] == h)
			return false;
	if (s->map.n == s->alloc)
		ALLOC_GROW(s->hash, s->map.n + 1, s->alloc);
	s->hash[hashmap_put(&s->map, &p)] = h;
	return true;
}

/* capture.h; the checks are the ones an extractor needs, although we
   never extract. */
const char *capture_path_problem(const char *p, size_t len)
{
	const char *q;
	size_t i = 0;

	if (!len)
		return "empty path";
	if (len > MAX_PATH_LEN)
		return "path too long";
	if (p[0] == '/')
		return "absolute path";
	/* most paths have no ".." at all: a scan of their few dots says so
	   (a later sample's pack records are checked one by one, 170,000 in
	   a capture) */
	q = memchr(p, '.', len);
	while (q && q + 1 < p + len && q[1] != '.')
		q = memchr(q + 1, '.', len - (size_t)(q + 1 - p));
	if (!q || q + 1 == p + len)
		return NULL;
	while (i < len) {
		size_t j = i;

		while (j < len && p[j] != '/')
			j++;
		if (j - i == 2 && p[i] == '.' && p[i + 1] == '.')
			return "path with '..'";
		i = j + 1;
	}
	return NULL;
}

bool path_is_sqlite(const char *path)
{
	char hdr[16];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	return n == (ssize_t)sizeof(hdr) && memcmp(hdr, "SQLite format 3", 16) == 0;
}

static void problemf(capture_problem_fn fn, void *ud, const char *path,
		     const char *fmt, ...) ATTR_PRINTF(4, 5);

static void problemf(capture_problem_fn fn, void *ud, const char *path,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(ud, path, msg);
}

/* The capture archives' names (schema/capture.md, section 1): longest first. */
static const char *const archive_exts[] = { ".tar.gz", ".tgz", ".tar.zst",
	".tar.xz", ".tar.bz2", ".tar" };

/* The index in archive_exts of the end of name[0..len), or -1. */
static int archive_ext(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(archive_exts); i++) {
		size_t el = strlen(archive_exts[i]);

		if (len > el && !memcmp(name + len - el, archive_exts[i], el))
			return (int)i;
	}
	return -1;
}

/*
 * The folder name of a source path: "a/b/memsnap-x.tar.gz" -> "memsnap-x".
 * Trailing slashes go first: "a/node/", "a/node//" and "a/node" are one
 * folder, and a capture without a manifest is known by its name
 * (meta_finish()).  "." and ".." are named as the folder they are (`memsnap
 * load .` in a capture's folder), "/" as itself.
 */
static char *name_from_source(const char *source)
{
	size_t end = strlen(source), start, len;
	const char *base;
	int ext;

	while (end > 1 && source[end - 1] == '/')
		end--;
	for (start = end; start > 0 && source[start - 1] != '/'; start--)
		;
	base = source + start;
	len = end - start;
	if (!len)
		return xstrdup("/");
	if ((len == 1 && base[0] == '.') || (len == 2 && !memcmp(base, "..", 2))) {
		char *real = realpath(source, NULL), *name;

		if (real) {
			/* a resolved path ends in neither "." nor "..": no loop */
			name = name_from_source(real);
			free(real);
			return name;
		}
	}
	if ((ext = archive_ext(base, len)) >= 0)
		len -= strlen(archive_exts[ext]);
	return xstrndup(base, len);
}

/*
 * What the top of a capture holds (schema/capture.md, sections 2 and 6):
 * its manifest, and the folders of the files the collector read (proc/,
 * sys/) or wrote (collector/, samples/).  A source whose top holds none of
 * them is not a capture, whatever else it holds: a folder of archives, of
 * notes, an empty one.  A capture without a manifest (made by hand, or cut
 * before it) is one all the same.
 */
#define CAPTURE_MANIFEST "manifest.json"
static const char *const capture_top_folders[] = { "proc", "sys", "collector", "samples" };
static const char not_capture[] =
	"not a memsnap capture (no " CAPTURE_MANIFEST ", no proc/ or sys/)";
/*
 * libarchive's ARCHIVE_ERRNO_FILE_FORMAT, which archive.h only names (it is
 * in archive_platform.h, not installed): EFTYPE where there is one, else
 * EILSEQ, as on Linux.
 */
#ifdef EFTYPE
#define LA_ERRNO_FILE_FORMAT EFTYPE
#else
#define LA_ERRNO_FILE_FORMAT EILSEQ
#endif
/* A file that is neither an archive of a kind capture_open() reads nor tar. */
static const char not_archive[] =
	"not a capture archive (tar, tar.gz, tar.zst, tar.xz, tar.bz2) or folder";

/* Is path (relative to the top) the manifest, or in one of those folders? */
static bool capture_top(const char *path)
{
	const char *slash = strchr(path, '/');
	size_t i, len;

	if (!slash)
		return !strcmp(path, CAPTURE_MANIFEST);
	len = (size_t)(slash - path);
	for (i = 0; i < ARRAY_SIZE(capture_top_folders); i++)
		if (strlen(capture_top_folders[i]) == len &&
		    !memcmp(path, capture_top_folders[i], len))
			return true;
	return false;
}

/* The same of the folder dirfd: a manifest, or one of those folders in it. */
static bool folder_is_capture(int dirfd)
{
	struct stat st;
	size_t i;

	if (fstatat(dirfd, CAPTURE_MANIFEST, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		return true;
	for (i = 0; i < ARRAY_SIZE(capture_top_folders); i++)
		if (fstatat(dirfd, capture_top_folders[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			return true;
	return false;
}

/* ---- folder mode ------------------------------------------------------------ */

/* One more entry read, folder or archive: -1 (with *ret_err) past --max-entries. */
static int count_entry(struct capture *c, char **ret_err)
{
	if (++c->entries <= c->lim.max_entries)
		return 0;
	c->limit_stopped = true;
	err_set(ret_err, "more than %llu entries (--max-entries), stopped reading",
		(unsigned long long)c->lim.max_entries);
	return -1;
}

/* Past --max-total at c->path: -1 with *ret_err. */
static int stop_total(struct capture *c, char **ret_err)
{
	c->limit_stopped = true;
	err_set(ret_err, "more than %llu bytes in all (--max-total), stopped at '%s'",
		(unsigned long long)c->lim.max_total_bytes, c->path.buf);
	return -1;
}

static void frame_free(struct dir_frame *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	memset(f, 0, sizeof(*f));
}

/* Read and sort the names of the folder at path (relative to root_fd). */
static int frame_load(struct capture *c, const char *path, struct dir_frame *f)
{
	size_t alloc = 0;
	DIR *d = NULL;
	int fd, r = 0;
	struct dirent *de;

	memset(f, 0, sizeof(*f));
	fd = openat(c->root_fd, *path ? path : ".",
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		goto out;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ALLOC_GROW(f->names, f->n + 1, alloc);
		f->names[f->n++] = xstrdup(de->d_name);
	}
	if (f->n)   /* an empty folder: names NULL, which qsort() may not take */
		qsort(f->names, f->n, sizeof(char *), cmp_str);
out:
	if (d)
		closedir(d);
	return r;
}

/*
 * The capture folder of the folder fd (which it takes): fd itself, or the
 * one folder it holds when that is a capture (the result of `tar xf`),
 * its name in *ret_name; a capture whose top holds one folder (proc/
 * alone) is itself.  fd when neither.  *ret_capture: whether it is one
 * (folder_is_capture() of what it returns).
 */
static int capture_root(int fd, char **ret_name, bool *ret_capture)
{
	struct capture probe = { .root_fd = fd };
	struct dir_frame f;

	*ret_capture = folder_is_capture(fd);
	if (*ret_capture)
		return fd;
	if (frame_load(&probe, "", &f) == 0 && f.n == 1) {
		int sub = openat(fd, f.names[0],
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (sub >= 0 && folder_is_capture(sub)) {
			close(fd);
			fd = sub;
			*ret_capture = true;
			if (ret_name)
				*ret_name = xstrdup(f.names[0]);
		} else if (sub >= 0) {
			close(sub);
		}
	}
	frame_free(&f);
	return fd;
}

static int folder_open(struct capture *c, const char *source, char **ret_err)
{
	struct stat st;
	int fd = -1, r = -1;

	fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err_set(ret_err, "cannot open '%s': %s", source, strerror(errno));
		goto out;
	}
	/* nothing is read from a folder that is no capture: folder_next() says so */
	fd = capture_root(fd, &c->name, &c->recognised);
	if (!c->name)
		c->name = name_from_source(source);
	c->root_fd = fd;
	fd = -1;
	c->manifest_pending = fstatat(c->root_fd, CAPTURE_MANIFEST, &st,
				      AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
	r = frame_load(c, "", &c->stack[0]);
	if (r < 0) {
		err_set(ret_err, "cannot read folder '%s': %s", source, strerror(-r));
		goto out;
	}
	c->stack[0].prefix_len = 0;
	c->depth = 1;
	c->top_known = true;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

/*
 * A folder that is no capture may hold captures: `memsnap load DIR`, where
 * its archives or capture folders were meant, is the usual slip.  Then
 * "\nhint: ..." on sb, naming them by globs (archives by their extension,
 * capture folders as folders); else nothing.
 */
static void folder_hint(struct capture *c, struct strbuf *sb)
{
	const struct dir_frame *f = &c->stack[0];
	bool ext_seen[ARRAY_SIZE(archive_exts)] = { false }, folders = false, any = false;
	struct strbuf dir = STRBUF_INIT;
	size_t i, end = strlen(c->source);

	for (i = 0; i < f->n; i++) {
		struct stat st;
		int e, sub;

		/* as the shell's glob and capture_open() will: through links */
		if (fstatat(c->root_fd, f->names[i], &st, 0) < 0)
			continue;
		if (S_ISREG(st.st_mode) &&
		    (e = archive_ext(f->names[i], strlen(f->names[i]))) >= 0) {
			ext_seen[e] = any = true;
		} else if (S_ISDIR(st.st_mode) &&
			   (sub = openat(c->root_fd, f->names[i],
					 O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			bool capture;

			sub = capture_root(sub, NULL, &capture);
			if (capture)
				folders = any = true;
			close(sub);
		}
	}
	if (!any)
		return;
	while (end > 1 && c->source[end - 1] == '/')
		end--;
	if (end > 1 || c->source[0] != '/') {   /* "/" is left out: no "//" */
		char *d = xstrndup(c->source, end);

		sh_quote_path(&dir, d);
		free(d);
	}
	strbuf_addstr(sb, "\nhint: to load the captures in it: memsnap load");
	for (i = 0; i < ARRAY_SIZE(archive_exts); i++)
		if (ext_seen[i])
			strbuf_addf(sb, " %s/*%s", dir.buf, archive_exts[i]);
	if (folders)
		strbuf_addf(sb, " %s/*/", dir.buf);
	strbuf_addstr(sb, " -o DB");
	strbuf_release(&dir);
}

/* Reading a source that is no capture ends here: -1 with *ret_err. */
static int refuse_foreign(struct capture *c, char **ret_err)
{
	struct strbuf sb = STRBUF_INIT;

	c->foreign = true;
	strbuf_addstr(&sb, not_capture);
	if (!c->tar)
		folder_hint(c, &sb);
	err_set(ret_err, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* Read path (relative to root_fd) into c->data, within the limits. */
static int folder_read(struct capture *c, const char *path,
		       capture_problem_fn pfn, void *ud)
{
	struct stat st;
	int fd, r;

	strbuf_reset(&c->data);
	fd = openat(c->root_fd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		problemf(pfn, ud, path, "cannot open: %s, skipping", strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		problemf(pfn, ud, path, "not a regular file, skipping");
		close(fd);
		return 0;
	}
	if ((uint64_t)st.st_size > c->lim.max_file_bytes) {
		c->limit_skipped = true;
		problemf(pfn, ud, path, "file of %lld bytes exceeds the limit of "
			 "%llu bytes (--max-file-size), skipping",
			 (long long)st.st_size,
			 (unsigned long long)c->lim.max_file_bytes);
		close(fd);
		return 0;
	}
	r = read_fd_all(fd, &c->data, (size_t)c->lim.max_file_bytes);
	close(fd);
	if (r < 0) {
		problemf(pfn, ud, path, "cannot read: %s, skipping", strerror(-r));
		return 0;
	}
	c->bytes += c->data.len;
	return 1;
}

static int folder_next(struct capture *c, struct capture_file *ret,
		       capture_problem_fn pfn, void *ud, char **ret_err)
{
	if (!c->recognised)
		return refuse_foreign(c, ret_err);
	if (c->manifest_pending) {
		c->manifest_pending = false;
		strbuf_reset(&c->path);
		strbuf_addstr(&c->path, CAPTURE_MANIFEST);
		if (folder_read(c, CAPTURE_MANIFEST, pfn, ud) == 1)
			goto found;
	}
	while (c->depth > 0) {
		struct dir_frame *f = &c->stack[c->depth - 1];
		const char *name;
		struct stat st;

		if (f->next >= f->n) {
			frame_free(f);
			c->depth--;
			continue;
		}
		name = f->names[f->next++];
		c->path.len = f->prefix_len;
		c->path.buf[c->path.len] = '\0';
		if (c->path.len)
			strbuf_addch(&c->path, '/');
		strbuf_addstr(&c->path, name);
		if (c->path.len == strlen(CAPTURE_MANIFEST) &&
		    !strcmp(c->path.buf, CAPTURE_MANIFEST))
			continue;   /* handed out first */
		if (count_entry(c, ret_err) < 0)
			return -1;
		if (fstatat(c->root_fd, c->path.buf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			problemf(pfn, ud, c->path.buf, "cannot stat: %s, skipping",
				 strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dir_frame *sub;

			if (c->depth >= MAX_DIR_DEPTH) {
				problemf(pfn, ud, c->path.buf,
					 "folders nested deeper than %d, skipping",
					 MAX_DIR_DEPTH);
				continue;
			}
			sub = &c->stack[c->depth];
			if (frame_load(c, c->path.buf, sub) < 0) {
				problemf(pfn, ud, c->path.buf,
					 "cannot read folder: %s, skipping",
					 strerror(errno));
				continue;
			}
			sub->prefix_len = c->path.len;
			c->depth++;
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			problemf(pfn, ud, c->path.buf, "not a regular file (%s), skipping",
				 S_ISLNK(st.st_mode) ? "symbolic link" :
				 S_ISFIFO(st.st_mode) ? "FIFO" :
				 S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device" :
				 "special file");
			continue;
		}
		/* a file --max-file-size skips (in folder_read) does not count */
		if ((uint64_t)st.st_size <= c->lim.max_file_bytes &&
		    c->bytes + (uint64_t)st.st_size > c->lim.max_total_bytes)
			return stop_total(c, ret_err);
		if (folder_read(c, c->path.buf, pfn, ud) == 1)
			goto found;
	}
	return 0;
found:
	ret->path = c->path.buf;
	ret->data = c->data.buf;
	ret->len = c->data.len;
	return 1;
}

/* ---- archive mode --------------------------------------------------------- */

/*
 * libarchive's message, and for a zstd window that is not decoded, which
 * limit that is and how to raise it: zstd's decoder refuses a window past
 * its windowLogMax (128 MiB by default; libarchive has no option for it,
 * libarchive issue 3387), and `zstd --long=28` to `--long=31` write frames
 * that need up to 2 GiB.
 */
static char *archive_why(struct capture *c, struct archive *a, const char *fallback)
{
	const char *msg = archive_error_string(a);
	struct strbuf sb = STRBUF_INIT;
	char sz[32];

	strbuf_addstr(&sb, msg ? msg : fallback);
	if (msg && strstr(msg, "Frame requires too much memory")) {
		strbuf_addf(&sb, ": the archive was compressed with a zstd window larger "
			    "than --max-zstd-window (%s; zstd --long=28 or more makes "
			    "one): --max-zstd-window 2G reads it, with up to that much "
			    "memory, or decompress it first: zstd -d --long=31 ",
			    human_bytes(c->lim.max_zstd_window, sz, sizeof(sz)));
		sh_quote_path(&sb, c->source);
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- zstd past libarchive's window limit ------------------------------------ */

/*
 * libarchive's zstd reader cannot take a window over 128 MiB: above
 * --max-zstd-window 128M the archive's zstd frames are decoded here, with
 * ZSTD_d_windowLogMax raised, and libarchive reads the plain tar.
 */
struct zstd_src {
	int fd;
	ZSTD_DStream *ds;
	ZSTD_inBuffer in;
	size_t last;         /* ZSTD_decompressStream's last hint: 0 = frame ended */
	bool eof;
	char inbuf[128 * 1024];
	char outbuf[128 * 1024];
};

static bool is_zstd_file(const char *path)
{
	static const unsigned char magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char hdr[4];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	return n == (ssize_t)sizeof(hdr) && !memcmp(hdr, magic, sizeof(hdr));
}

static la_ssize_t zstd_read(struct archive *a, void *ud, const void **ret)
{
	struct zstd_src *z = ud;
	ZSTD_outBuffer out = { z->outbuf, sizeof(z->outbuf), 0 };

	for (;;) {
		size_t r;

		if (z->in.pos == z->in.size && !z->eof) {
			ssize_t n = read(z->fd, z->inbuf, sizeof(z->inbuf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				archive_set_error(a, errno, "cannot read: %s", strerror(errno));
				return -1;
			}
			z->eof = n == 0;
			z->in.src = z->inbuf;
			z->in.size = (size_t)n;
			z->in.pos = 0;
		}
		r = ZSTD_decompressStream(z->ds, &out, &z->in);
		if (ZSTD_isError(r)) {
			archive_set_error(a, EIO, "Zstd decompression failed: %s",
					  ZSTD_getErrorName(r));
			return -1;
		}
		z->last = r;
		if (out.pos)
			break;
		if (z->eof && z->in.pos == z->in.size) {
			if (z->last) {
				archive_set_error(a, EIO, "Zstd decompression "
						  "failed: the archive ends inside a frame");
				return -1;
			}
			return 0;
		}
	}
	*ret = z->outbuf;
	return (la_ssize_t)out.pos;
}

static int zstd_close(struct archive *a, void *ud)
{
	struct zstd_src *z = ud;

	(void)a;
	ZSTD_freeDStream(z->ds);
	close(z->fd);
	free(z);
	return ARCHIVE_OK;
}

/* Open source through zstd_read; -1 with errno when it cannot be opened. */
static int zstd_open(struct capture *c, struct archive *a, const char *source)
{
	struct zstd_src *z = xcalloc(1, sizeof(*z));
	int log = 10;

	z->fd = open(source, O_RDONLY | O_CLOEXEC);
	if (z->fd < 0) {
		free(z);
		return -1;
	}
	z->ds = ZSTD_createDStream();
	if (!z->ds)
		die(3, "out of memory");
	while (log < 31 && (1ull << (log + 1)) <= c->lim.max_zstd_window)
		log++;
	ZSTD_DCtx_setParameter(z->ds, ZSTD_d_windowLogMax, log);
	c->own_zstd = true;
	/* archive_read_open() calls zstd_close() when it fails, too */
	return archive_read_open(a, z, NULL, zstd_read, zstd_close) == ARCHIVE_OK ? 0 : 1;
}

/* tar.c's byte source: the blocks of libarchive's raw entry. */
static ssize_t archive_pull(void *ud, const void **ret)
{
	struct capture *c = ud;
	struct archive_entry *e;
	la_int64_t off;
	size_t size = 0;
	int r;

	if (!c->raw_open) {
		r = archive_read_next_header(c->ar, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return -1;
		c->raw_open = true;
	}
	do {
		r = archive_read_data_block(c->ar, ret, &size, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return -1;
	} while (!size);
	return (ssize_t)size;
}

/*
 * An uncompressed tar, read here: a file's data passed over with lseek()
 * (as libarchive did), not read, and no copy through libarchive.
 */
#define PLAIN_BUF (64u << 10)

static ssize_t plain_pull(void *ud, const void **ret)
{
	struct capture *c = ud;
	ssize_t n;

	do
		n = read(c->plain_fd, c->plain_buf, PLAIN_BUF);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		c->plain_errno = errno;
		return -1;
	}
	c->plain_off += (uint64_t)n;
	*ret = c->plain_buf;
	return n;
}

static int plain_skip(void *ud, uint64_t n)
{
	struct capture *c = ud;

	/* past the end lseek() succeeds: the file's size says it is cut */
	if (c->plain_off > c->plain_size || n > c->plain_size - c->plain_off)
		return TAR_E_TRUNCATED;
	if (lseek(c->plain_fd, (off_t)n, SEEK_CUR) < 0) {
		c->plain_errno = errno;
		return TAR_E_SOURCE;
	}
	c->plain_off += n;
	return 0;
}

/* Uncompressed (libarchive's filter says so) and a regular file: read it
   here; true when c->plain_fd is set up. */
static bool plain_open(struct capture *c, struct archive *a, const char *source)
{
	struct stat st;
	int fd;

	if (c->own_zstd || archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE)
		return false;
	fd = open(source, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	c->plain_fd = fd;
	c->plain_size = (uint64_t)st.st_size;
	c->plain_buf = xmalloc(PLAIN_BUF);
	return true;
}

/* The compression the archive is read through ("gzip"), or NULL: none. */
static const char *compression_name(struct capture *c)
{
	if (c->plain_fd >= 0)
		return NULL;
	if (c->own_zstd)
		return "zstd";
	if (archive_filter_code(c->ar, 0) == ARCHIVE_FILTER_NONE)
		return NULL;
	return archive_filter_name(c->ar, 0);
}

/* Why tar.c stopped: its own reason, or its source's. */
static char *tar_why(struct capture *c, int r)
{
	if (r == TAR_E_SOURCE && c->plain_fd >= 0)
		return xstrdup(strerror(c->plain_errno));
	if (r == TAR_E_SOURCE)
		return archive_why(c, c->ar, "corrupt");
	return xstrdup(tar_error(r));
}

static int archive_open_source(struct capture *c, const char *source,
			       char **ret_err)
{
	struct archive *a = archive_read_new();
	int r = -1;

	if (!a)
		die(3, "out of memory");
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_bzip2(a);
	/*
	 * libarchive undoes the compression only (these filters, not _all():
	 * some of the others run external programs); tar.c reads the tar
	 * stream, for a fraction of libarchive's tar reader's instructions.
	 */
	archive_read_support_format_raw(a);
	if (c->lim.max_zstd_window > CAPTURE_DEFAULT_ZSTD_WINDOW && is_zstd_file(source)) {
		if (zstd_open(c, a, source) != 0) {
			char *why = archive_why(c, a, errno ? strerror(errno) : "?");

			err_set(ret_err, "cannot read '%s': %s", source, why);
			free(why);
			archive_read_free(a);
			goto out;
		}
	} else if (archive_read_open_filename(a, source, 64 * 1024) != ARCHIVE_OK) {
		int fd = -1;

		/*
		 * libarchive's "Unrecognized archive format": an empty file,
		 * /dev/null (its raw format wants a byte at least); its "Failed
		 * to open 'x'" does not say why, open() does.
		 */
		if (archive_errno(a) == LA_ERRNO_FILE_FORMAT) {
			err_set(ret_err, "cannot read '%s': %s", source, not_archive);
		} else if ((fd = open(source, O_RDONLY | O_CLOEXEC)) < 0) {
			err_set(ret_err, "cannot open '%s': %s", source, strerror(errno));
		} else {
			char *why = archive_why(c, a, "not a tar archive");

			err_set(ret_err, "cannot read '%s': %s", source, why);
			free(why);
		}
		if (fd >= 0)
			close(fd);
		archive_read_free(a);
		goto out;
	}
	if (plain_open(c, a, source)) {
		archive_read_free(a);
		c->tar = tar_reader_new(plain_pull, plain_skip, c);
	} else {
		c->ar = a;
		c->tar = tar_reader_new(archive_pull, NULL, c);
	}
	c->name = NULL;
	r = 0;
out:
	return r;
}

static const char *entry_type_name(enum tar_kind kind)
{
	switch (kind) {
	case TAR_SYMLINK: return "symbolic link";
	case TAR_CHR: return "character device";
	case TAR_BLK: return "block device";
	case TAR_FIFO: return "FIFO";
	case TAR_DIR: return "folder";
	case TAR_SPARSE: return "sparse file";
	default: return "special file";
	}
}

/*
 * Work out the top folder from the first entry: "<top>/manifest.json" (what
 * the collector writes), a "memsnap-*" first component, a folder entry, or
 * "<top>/proc/..." (a capture's folder below a first component that is
 * none: a capture without a manifest, archived without its folders);
 * otherwise the archive is flat (made with `tar -C folder .`).
 */
static void archive_find_top(struct capture *c, const char *p)
{
	const char *slash = strchr(p, '/');

	c->top_known = true;
	c->top_len = 0;
	if (!slash)
		return;
	if (!strcmp(slash + 1, CAPTURE_MANIFEST) || starts_with(p, "memsnap-") ||
	    slash[1] == '\0' || (!capture_top(p) && capture_top(slash + 1))) {
		free(c->name);
		c->name = xstrndup(p, (size_t)(slash - p));
		c->top_len = (size_t)(slash - p) + 1;
	}
}

/*
 * A file of `size` bytes that --max-file-size skips: within the bound of
 * skipped bytes when the archive is compressed (skipping inflates it), or
 * -1 with *ret_err.
 */
static int skip_inflates(struct capture *c, uint64_t size, const char *path,
			 char **ret_err)
{
	c->skipped_bytes += size;
	if (c->plain_fd >= 0 ||
	    (archive_filter_code(c->ar, 0) == ARCHIVE_FILTER_NONE && !c->own_zstd) ||
	    c->skipped_bytes <= c->lim.max_total_bytes)
		return 0;
	c->limit_stopped = true;
	err_set(ret_err, "more than %llu bytes in all (--max-total) of files "
		"larger than --max-file-size, stopped at '%s': a compressed "
		"archive is inflated to skip them",
		(unsigned long long)c->lim.max_total_bytes, path);
	return -1;
}

static int archive_next(struct capture *c, struct capture_file *ret,
			capture_problem_fn pfn, void *ud, char **ret_err)
{
	struct tar_entry e;

	for (;;) {
		const char *raw, *p;
		int r;

		r = tar_next(c->tar, &e);
		if (r == TAR_END)
			return c->recognised ? 0 : refuse_foreign(c, ret_err);
		if ((r == TAR_E_CHECKSUM || r == TAR_E_TRUNCATED) && !tar_started(c->tar)) {
			/* a text file, say; or what a compression holds is */
			const char *z = compression_name(c);

			if (z)
				err_set(ret_err, "not a tar archive (%s data that holds no tar)", z);
			else
				err_set(ret_err, "%s", not_archive);
			return -1;
		}
		if (r != TAR_OK) {
			char *why = tar_why(c, r);

			err_set(ret_err, "cannot read the archive after %llu entries: %s",
				 (unsigned long long)c->entries, why);
			free(why);
			return -1;
		}
		if (count_entry(c, ret_err) < 0)
			return -1;
		raw = e.path;
		while (raw[0] == '.' && raw[1] == '/')
			raw += 2;
		if (!c->top_known)
			archive_find_top(c, raw);
		p = raw;
		if (c->top_len) {
			if (strncmp(raw, c->name, c->top_len - 1) ||
			    (raw[c->top_len - 1] != '/' && raw[c->top_len - 1] != '\0')) {
				problemf(pfn, ud, raw, "outside the capture folder '%s', "
					 "skipping", c->name);
				continue;
			}
			p = raw[c->top_len - 1] ? raw + c->top_len : "";
		}
		/* a hostile "proc/../x" makes no capture of what holds it */
		if (!c->recognised)
			c->recognised = capture_top(p) && !capture_path_problem(p, strlen(p));
		if (e.kind == TAR_DIR)
			continue;   /* folders carry nothing */
		if (!*p) {
			problemf(pfn, ud, raw, "entry without a name, skipping");
			continue;
		}
		{
			const char *why = capture_path_problem(p, strlen(p));

			if (why) {
				problemf(pfn, ud, raw, "%s, skipping", why);
				continue;
			}
		}
		if (e.kind == TAR_HARDLINK) {
			problemf(pfn, ud, p, "not a regular file (hard link to '%s'), "
				 "skipping", e.link);
			continue;
		}
		if (e.kind != TAR_FILE) {
			problemf(pfn, ud, p, "not a regular file (%s), skipping",
				 entry_type_name(e.kind));
			continue;
		}
		if (!path_set_add(&c->seen, fnv1a(p, strlen(p)))) {
			problemf(pfn, ud, p, "duplicate entry, skipping (the first "
				 "one was used)");
			continue;
		}
		if (e.size > c->lim.max_file_bytes) {
			c->limit_skipped = true;
			problemf(pfn, ud, p, "file of %llu bytes exceeds the limit of "
				 "%llu bytes (--max-file-size), skipping",
				 (unsigned long long)e.size,
				 (unsigned long long)c->lim.max_file_bytes);
			if (skip_inflates(c, e.size, p, ret_err) < 0)
				return -1;
			continue;   /* tar_next() skips the data */
		}
		if (c->bytes + e.size > c->lim.max_total_bytes) {
			strbuf_reset(&c->path);
			strbuf_addstr(&c->path, p);
			return stop_total(c, ret_err);
		}
		strbuf_reset(&c->path);
		strbuf_addstr(&c->path, p);
		strbuf_reset(&c->data);
		/* not all at once: a cut archive may not hold what its header says */
		strbuf_grow(&c->data, e.size < (1u << 20) ? (size_t)e.size : 1u << 20);
		while (c->data.len < e.size) {
			const void *buf;
			ssize_t n = tar_data(c->tar, &buf, (size_t)e.size - c->data.len);

			if (n <= 0) {
				char *why = tar_why(c, n < 0 ? (int)n : TAR_E_TRUNCATED);

				err_set(ret_err, "cannot read '%s' from the archive: %s",
					 c->path.buf, why);
				free(why);
				return -1;
			}
			strbuf_grow(&c->data, (size_t)n);
			memcpy(c->data.buf + c->data.len, buf, (size_t)n);
			c->data.len += (size_t)n;
		}
		c->bytes += e.size;
		c->data.buf[c->data.len] = '\0';
		ret->path = c->path.buf;
		ret->data = c->data.buf;
		ret->len = c->data.len;
		return 1;
	}
}

/* ---- public --------------------------------------------------------------- */

int capture_open(const char *source, const struct capture_limits *lim,
		 struct capture **ret, char **ret_err)
{
	struct capture *c = xcalloc(1, sizeof(*c));
	struct stat st;
	int r = -1;

	c->root_fd = -1;
	c->plain_fd = -1;
	if (lim)
		c->lim = *lim;
	else
		capture_limits_default(&c->lim);
	c->source = xstrdup(source);
	strbuf_init(&c->path, 256);
	strbuf_init(&c->data, 0);
	hashmap_init(&c->seen.map, NULL, 1024);
	if (stat(source, &st) < 0) {
		err_set(ret_err, "cannot open '%s': %s", source, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode))
		r = folder_open(c, source, ret_err);
	else
		r = archive_open_source(c, source, ret_err);
	if (r == 0 && !c->name)
		c->name = name_from_source(source);
out:
	if (r < 0) {
		capture_close(c);
		c = NULL;
	}
	*ret = c;
	return r;
}

int capture_next(struct capture *c, struct capture_file *ret,
		 capture_problem_fn problem_fn, void *ud, char **ret_err)
{
	int r;

	if (c->failed)
		return -1;
	r = c->tar ? archive_next(c, ret, problem_fn, ud, ret_err)
		  : folder_next(c, ret, problem_fn, ud, ret_err);
	if (r < 0)
		c->failed = true;
	return r;
}

const char *capture_name(const struct capture *c)
{
	return c->name ? c->name : "";
}

uint64_t capture_bytes(const struct capture *c)
{
	return c->bytes;
}

uint64_t capture_entries(const struct capture *c)
{
	return c->entries;
}

bool capture_limit_stopped(const struct capture *c)
{
	return c->limit_stopped;
}

bool capture_limit_skipped(const struct capture *c)
{
	return c->limit_skipped;
}

bool capture_foreign(const struct capture *c)
{
	return c->foreign;
}

void capture_close(struct capture *c)
{
	int i;

	if (!c)
		return;
	tar_reader_free(c->tar);
	if (c->ar)
		archive_read_free(c->ar);
	if (c->plain_fd >= 0)
		close(c->plain_fd);
	free(c->plain_buf);
	for (i = 0; i < c->depth; i++)
		frame_free(&c->stack[i]);
	if (c->root_fd >= 0)
		close(c->root_fd);
	strbuf_release(&c->path);
	strbuf_release(&c->data);
	hashmap_release(&c->seen.map);
	free(c->seen.hash);
	free(c->source);
	free(c->name);
	free(c);
}
