/* SPDX-License-Identifier: MIT */
/*
 * The archive: libarchive's pax writer in its restricted form (ustar headers;
 * a pax extended header only for names ustar cannot hold), with libarchive's
 * gzip or zstd filter.  See archive.h for the layout and archive_stub.c for
 * how the static link stays small.
 */
#include "archive_out.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

#define COPY_CHUNK (64u << 10)

/* See archive_stub.c: this reference pulls the stub into the static link. */
int __archive_write_entry_filetype_unsupported(struct archive *a,
					       struct archive_entry *entry,
					       const char *format);
__attribute__((used)) static int (*const keep_stub)(struct archive *,
						   struct archive_entry *,
						   const char *) =
	__archive_write_entry_filetype_unsupported;

int tmpfile_open(const char *dir)
{
	struct strbuf tmpl = STRBUF_INIT;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		goto out;
	/* Filesystems without O_TMPFILE say EOPNOTSUPP (or EISDIR: old kernels). */
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
		fd = -errno;
		goto out;
	}
	strbuf_addf(&tmpl, "%s/.memsnap-XXXXXX", dir);
	fd = mkostemp(tmpl.buf, O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		goto out;
	}
	unlink(tmpl.buf);
out:
	strbuf_release(&tmpl);
	return fd;
}

/* ---- the body ------------------------------------------------------------- */

static la_ssize_t body_write_cb(struct archive *a, void *cd, const void *buf,
				size_t n)
{
	struct body *b = cd;
	int err = write_all(b->fd, buf, n);

	if (err < 0) {
		b->err = -err;
		archive_set_error(a, -err, "cannot write the temporary file");
		return -1;
	}
	b->compressed += n;
	return (la_ssize_t)n;
}

static int set_filter(struct archive *a, enum compress c, int level)
{
	char lv[16];
	int r = ARCHIVE_OK;

	xsnprintf(lv, sizeof(lv), "%d", level > 0 ? level : 1);
	switch (c) {
	case COMPRESS_GZIP:
		r = archive_write_add_filter_gzip(a);
		if (r == ARCHIVE_OK)
			r = archive_write_set_filter_option(a, "gzip",
							    "compression-level", lv);
		break;
	case COMPRESS_ZSTD:
		r = archive_write_add_filter_zstd(a);
		if (r == ARCHIVE_OK)
			r = archive_write_set_filter_option(a, "zstd",
							    "compression-level", lv);
		break;
	case COMPRESS_NONE:
		r = archive_write_add_filter_none(a);
		break;
	}
	return r == ARCHIVE_OK ? 0 : -EINVAL;
}

/* A libarchive failure as a negative errno (EIO when it has none). */
static int la_err(struct archive *a, int saved)
{
	int e = saved ? saved : archive_errno(a);

	return e > 0 ? -e : -EIO;
}

int body_open(struct body *b, int fd, enum compress c, int level)
{
	int ret = 0;

	memset(b, 0, sizeof(*b));
	strbuf_init(&b->name, 0);
	b->fd = fd;
	b->a = archive_write_new();
	b->entry = archive_entry_new();
	if (!b->a || !b->entry)
		die(3, "out of memory starting the archive");
	if (archive_write_set_format_pax_restricted(b->a) != ARCHIVE_OK ||
	    set_filter(b->a, c, level) < 0) {
		ret = -EINVAL;
		goto out;
	}
	/* Full blocks inside, but no zero padding after the compressed end. */
	archive_write_set_bytes_in_last_block(b->a, 1);
	if (archive_write_open2(b->a, b, NULL, body_write_cb, NULL, NULL) !=
	    ARCHIVE_OK)
		ret = la_err(b->a, b->err);
out:
	return ret;
}

static void entry_fill(struct archive_entry *e, const char *name, size_t len,
		       int64_t mtime)
{
	archive_entry_clear(e);
	/*
	 * Kernel names are bytes.  We never call setlocale(), so libarchive
	 * sees the C locale and stores a non-ASCII name as it is, flagged
	 * hdrcharset=BINARY in its pax header: the bytes survive exactly.
	 */
	archive_entry_copy_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0444);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
}

int body_add(struct body *b, const char *top, const char *path,
	     const void *data, size_t len, int64_t mtime)
{
	la_ssize_t n;

	strbuf_reset(&b->name);
	strbuf_addstr(&b->name, top);
	strbuf_addch(&b->name, '/');
	strbuf_addstr(&b->name, path);
	entry_fill(b->entry, b->name.buf, len, mtime);
	if (archive_write_header(b->a, b->entry) < ARCHIVE_WARN)
		return la_err(b->a, b->err);
	if (len) {
		n = archive_write_data(b->a, data, len);
		if (n < 0 || (size_t)n != len)
			return la_err(b->a, b->err);
	}
	b->raw_bytes += 512 + ((len + 511) & ~(size_t)511);
	return 0;
}

int body_close(struct body *b)
{
	if (archive_write_close(b->a) != ARCHIVE_OK)
		return la_err(b->a, b->err);
	return 0;
}

void body_free(struct body *b)
{
	if (b->a)
		archive_write_free(b->a);
	if (b->entry)
		archive_entry_free(b->entry);
	strbuf_release(&b->name);
	b->a = NULL;
	b->entry = NULL;
}

/* ---- the output: manifest member, then the body ----------------------------- */

/*
 * The manifest goes through two libarchive writers: the pax writer (no
 * filter, no blocking) makes the tar bytes; this callback keeps the entry's
 * bytes, drops the end-of-archive blocks after it, and feeds the rest to
 * the "raw" writer, whose filter makes one gzip member / zstd frame of
 * exactly those bytes (or writes them as they are with --compress none).
 */
struct member {
	int fd;
	struct archive *raw;     /* NULL: no compression */
	uint64_t seen;           /* tar bytes produced so far */
	uint64_t keep;           /* tar bytes that belong to the entry */
	uint64_t written;        /* bytes written to fd */
	int out_err;             /* errno writing fd */
};

static la_ssize_t out_write_cb(struct archive *a, void *cd, const void *buf,
			       size_t n)
{
	struct member *m = cd;
	int err = write_all(m->fd, buf, n);

	if (err < 0) {
		m->out_err = -err;
		archive_set_error(a, -err, "cannot write the output");
		return -1;
	}
	m->written += n;
	return (la_ssize_t)n;
}

static la_ssize_t member_tar_cb(struct archive *a, void *cd, const void *buf,
				size_t n)
{
	struct member *m = cd;
	size_t keep = n;
	int err = 0;

	if (m->seen >= m->keep)
		keep = 0;
	else if (m->keep - m->seen < n)
		keep = (size_t)(m->keep - m->seen);
	m->seen += n;
	if (!keep)
		return (la_ssize_t)n;
	if (m->raw) {
		la_ssize_t w = archive_write_data(m->raw, buf, keep);

		if (w < 0 || (size_t)w != keep)
			err = m->out_err ? m->out_err : EIO;
	} else {
		err = -write_all(m->fd, buf, keep);
		if (!err)
			m->written += keep;
		else
			m->out_err = err;
	}
	if (err) {
		archive_set_error(a, err, "cannot write the output");
		return -1;
	}
	return (la_ssize_t)n;
}

/* Feed len bytes of fd (from its start) into the pax writer. */
static int feed_fd(struct archive *a, int fd, uint64_t len, char *buf,
		   bool *ret_out_err)
{
	off_t off = 0;

	while ((uint64_t)off < len) {
		size_t want = (size_t)MIN((uint64_t)COPY_CHUNK, len - (uint64_t)off);
		ssize_t n = pread(fd, buf, want, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*ret_out_err = false;
			return n < 0 ? -errno : -EIO;
		}
		if (archive_write_data(a, buf, (size_t)n) != n) {
			*ret_out_err = true;
			return -EIO;
		}
		off += n;
	}
	return 0;
}

static int write_manifest(struct member *m, enum compress c, int level,
			  const char *top, int64_t mtime,
			  const struct manifest_text *mt, bool *ret_out_err)
{
	struct archive *tar = NULL;
	struct archive_entry *e = NULL;
	struct strbuf name = STRBUF_INIT;
	uint64_t size = mt->head_len + mt->mid_len + mt->tail_len;
	char *buf = NULL;
	int ret = 0;

	*ret_out_err = true;
	if (c != COMPRESS_NONE) {
		m->raw = archive_write_new();
		if (!m->raw)
			die(3, "out of memory writing the manifest");
		if (archive_write_set_format_raw(m->raw) != ARCHIVE_OK ||
		    set_filter(m->raw, c, level) < 0) {
			ret = -EINVAL;
			goto out;
		}
		archive_write_set_bytes_in_last_block(m->raw, 1);
		if (archive_write_open2(m->raw, m, NULL, out_write_cb, NULL,
					NULL) != ARCHIVE_OK) {
			ret = la_err(m->raw, m->out_err);
			goto out;
		}
	}
	tar = archive_write_new();
	e = archive_entry_new();
	if (!tar || !e)
		die(3, "out of memory writing the manifest");
	strbuf_addf(&name, "%s/manifest.json", top);
	entry_fill(e, name.buf, (size_t)size, mtime);
	if (m->raw && archive_write_header(m->raw, e) != ARCHIVE_OK) {
		ret = la_err(m->raw, m->out_err);
		goto out;
	}
	if (archive_write_set_format_pax_restricted(tar) != ARCHIVE_OK ||
	    archive_write_add_filter_none(tar) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(tar, 0) != ARCHIVE_OK) {
		ret = -EINVAL;
		goto out;
	}
	m->keep = UINT64_MAX;
	if (archive_write_open2(tar, m, NULL, member_tar_cb, NULL, NULL) !=
	    ARCHIVE_OK ||
	    archive_write_header(tar, e) < ARCHIVE_WARN) {
		ret = la_err(tar, m->out_err);
		goto out;
	}
	/* Unblocked: the header is out; the entry ends after its padded data. */
	m->keep = m->seen + ((size + 511) & ~(uint64_t)511);
	if (mt->head_len &&
	    archive_write_data(tar, mt->head, mt->head_len) !=
	    (la_ssize_t)mt->head_len) {
		ret = la_err(tar, m->out_err);
		goto out;
	}
	if (mt->mid_fd >= 0 && mt->mid_len) {
		buf = xmalloc(COPY_CHUNK);
		ret = feed_fd(tar, mt->mid_fd, mt->mid_len, buf, ret_out_err);
		if (ret < 0) {
			if (*ret_out_err)
				ret = la_err(tar, m->out_err);
			goto out;
		}
	}
	if (mt->tail_len &&
	    archive_write_data(tar, mt->tail, mt->tail_len) !=
	    (la_ssize_t)mt->tail_len) {
		ret = la_err(tar, m->out_err);
		goto out;
	}
	if (archive_write_close(tar) != ARCHIVE_OK) {
		ret = la_err(tar, m->out_err);
		goto out;
	}
	if (m->raw && archive_write_close(m->raw) != ARCHIVE_OK)
		ret = la_err(m->raw, m->out_err);
out:
	free(buf);
	strbuf_release(&name);
	if (e)
		archive_entry_free(e);
	if (tar)
		archive_write_free(tar);
	if (m->raw)
		archive_write_free(m->raw);
	m->raw = NULL;
	return ret;
}

/* Copy all of in (from its start) to out: in the kernel when it can. */
static int copy_body(int in, int out, uint64_t *ret_bytes, bool *ret_out_err)
{
	struct stat st;
	off_t off = 0;
	char *buf = NULL;
	int ret = 0;
	bool kernel = true;

	if (fstat(in, &st) < 0) {
		*ret_out_err = false;
		return -errno;
	}
	while (off < st.st_size) {
		size_t want = (size_t)MIN((off_t)(1u << 30), st.st_size - off);
		ssize_t n;

		if (kernel) {
			n = sendfile(out, in, &off, want);
			if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
				kernel = false;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				/* sendfile does not say which side failed. */
				ret = -errno;
				*ret_out_err = ret != -EIO;
				goto out;
			}
			if (n == 0) {
				ret = -EIO;
				*ret_out_err = false;
				goto out;
			}
			*ret_bytes += (uint64_t)n;
			continue;
		}
		if (!buf)
			buf = xmalloc(COPY_CHUNK);
		n = pread(in, buf, MIN(want, (size_t)COPY_CHUNK), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			*ret_out_err = false;
			goto out;
		}
		ret = write_all(out, buf, (size_t)n);
		if (ret < 0) {
			*ret_out_err = true;
			goto out;
		}
		off += n;
		*ret_bytes += (uint64_t)n;
	}
out:
	free(buf);
	return ret;
}

int output_write(int fd, enum compress c, int level, const char *top,
		 int64_t mtime, const struct manifest_text *mt, int body_fd,
		 uint64_t *ret_bytes, bool *ret_out_err)
{
	struct member m = { .fd = fd };
	int ret;

	*ret_bytes = 0;
	ret = write_manifest(&m, c, level, top, mtime, mt, ret_out_err);
	*ret_bytes = m.written;
	if (ret < 0) {
		if (*ret_out_err && m.out_err)
			ret = -m.out_err;
		return ret;
	}
	return copy_body(body_fd, fd, ret_bytes, ret_out_err);
}
