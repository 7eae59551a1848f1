/* SPDX-License-Identifier: MIT */
/*
 * The archive: the tar of libarchive's pax writer in its restricted form
 * (ustar headers; a pax extended header only for names ustar cannot hold),
 * with libarchive's gzip or zstd filter.  The body's ustar headers are made
 * here, byte for byte as that writer makes them (struct body in
 * archive_out.h says why); the writer itself makes the rest.  See
 * archive_out.h for the layout and archive_stub.c for how the static link
 * stays small.
 */
#include "collect/archive_out.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/banned.h"

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

/* What the pax writer makes for a name ustar cannot hold: its header only. */
static la_ssize_t hdr_write_cb(struct archive *a, void *cd, const void *buf,
			       size_t n)
{
	struct body *b = cd;

	(void)a;
	if (b->hdr_capture)
		strbuf_add(&b->hdr_out, buf, n);
	return (la_ssize_t)n;
}

int body_open(struct body *b, int fd, enum compress c, int level)
{
	int ret = 0;

	memset(b, 0, sizeof(*b));
	strbuf_init(&b->name, 0);
	strbuf_init(&b->rec, 0);
	strbuf_init(&b->hdr_out, 0);
	b->fd = fd;
	b->a = archive_write_new();
	b->hdr = archive_write_new();
	b->entry = archive_entry_new();
	if (!b->a || !b->hdr || !b->entry)
		die(3, "out of memory starting the archive");
	if (archive_write_set_format_raw(b->a) != ARCHIVE_OK ||
	    set_filter(b->a, c, level) < 0 ||
	    archive_write_set_format_pax_restricted(b->hdr) != ARCHIVE_OK ||
	    archive_write_add_filter_none(b->hdr) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(b->hdr, 0) != ARCHIVE_OK) {
		ret = -EINVAL;
		goto out;
	}
	/* Full blocks inside, but no zero padding after the compressed end. */
	archive_write_set_bytes_in_last_block(b->a, 1);
	if (archive_write_open2(b->a, b, NULL, body_write_cb, NULL, NULL) !=
	    ARCHIVE_OK) {
		ret = la_err(b->a, b->err);
		goto out;
	}
	if (archive_write_open2(b->hdr, b, NULL, hdr_write_cb, NULL, NULL) !=
	    ARCHIVE_OK) {
		ret = -EINVAL;
		goto out;
	}
	/* The raw format's one entry: the whole tar stream. */
	archive_entry_clear(b->entry);
	archive_entry_set_filetype(b->entry, AE_IFREG);
	archive_entry_copy_pathname(b->entry, "body.tar");
	if (archive_write_header(b->a, b->entry) != ARCHIVE_OK)
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

/* v in octal, `digits` wide, zero-filled (ustar's numeric fields). */
static void put_octal(char *p, size_t digits, uint64_t v)
{
	while (digits--) {
		p[digits] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

bool ustar_header(char h[512], const char *name, size_t nlen, uint64_t len,
		  int64_t mtime)
{
	const char *slash = NULL, *end = name + nlen;
	unsigned sum = 0;
	bool ok = nlen > 0 && len < (1ull << 33) && mtime >= 0 &&
		  mtime < 0x7fffffff;
	size_t i;

	for (i = 0; ok && i < nlen; i++)
		ok = name[i] >= 0x20 && name[i] < 0x7f;
	if (ok && nlen > 100) {
		/*
		 * As libarchive splits: at the first '/' that leaves at most
		 * 100 bytes after it, never at the first byte (no empty
		 * prefix), with at most 155 before it and something after.
		 */
		slash = memchr(name + nlen - 101, '/', 101);
		if (slash == name)
			slash = memchr(name + 1, '/', nlen - 1);
		ok = slash && slash + 1 < end && slash - name <= 155;
	}
	if (!ok)
		return false;
	memset(h, 0, 512);
	if (slash) {
		memcpy(h + 345, name, (size_t)(slash - name));
		memcpy(h, slash + 1, (size_t)(end - slash - 1));
	} else {
		memcpy(h, name, nlen);
	}
	/* the NUL after each field is memset's */
	memcpy(h + 100, "000444 ", 7);           /* mode */
	memcpy(h + 108, "000000 ", 7);           /* uid */
	memcpy(h + 116, "000000 ", 7);           /* gid */
	put_octal(h + 124, 11, len);
	h[135] = ' ';
	put_octal(h + 136, 11, (uint64_t)mtime);
	h[147] = ' ';
	memset(h + 148, ' ', 8);                 /* the checksum, while summed */
	h[156] = '0';                            /* a regular file */
	memcpy(h + 257, "ustar", 5);             /* magic "ustar\0", version "00" */
	memcpy(h + 263, "00", 2);
	memcpy(h + 329, "000000 ", 7);           /* devmajor */
	memcpy(h + 337, "000000 ", 7);           /* devminor */
	for (i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	put_octal(h + 148, 6, sum);
	h[154] = '\0';
	return true;
}

static int body_write(struct body *b, const void *buf, size_t n)
{
	la_ssize_t w = archive_write_data(b->a, buf, n);

	return w >= 0 && (size_t)w == n ? 0 : la_err(b->a, b->err);
}

/* The header libarchive's pax writer makes for this entry, in b->rec. */
static int pax_header(struct body *b, size_t len, int64_t mtime)
{
	int r;

	entry_fill(b->entry, b->name.buf, len, mtime);
	strbuf_reset(&b->hdr_out);
	/* (what it writes outside the header, the entry's zeros, is dropped) */
	b->hdr_capture = true;
	r = archive_write_header(b->hdr, b->entry);
	b->hdr_capture = false;
	if (r < ARCHIVE_WARN)
		return la_err(b->hdr, 0);
	/* its data (zeros, dropped) now, not in the next header's bytes */
	if (archive_write_finish_entry(b->hdr) != ARCHIVE_OK)
		return la_err(b->hdr, 0);
	strbuf_add(&b->rec, b->hdr_out.buf, b->hdr_out.len);
	return 0;
}

#define SMALL_ENTRY (64u << 10)

int body_add(struct body *b, const char *top, const char *path,
	     const void *data, size_t len, int64_t mtime)
{
	static const char zeros[512];
	size_t pad = (512 - (len & 511)) & 511, hlen;
	char h[512];
	int ret;

	strbuf_reset(&b->name);
	strbuf_addstr(&b->name, top);
	strbuf_addch(&b->name, '/');
	strbuf_addstr(&b->name, path);
	strbuf_reset(&b->rec);
	if (ustar_header(h, b->name.buf, b->name.len, len, mtime)) {
		strbuf_add(&b->rec, h, sizeof(h));
	} else {
		ret = pax_header(b, len, mtime);
		if (ret < 0)
			goto out;
	}
	hlen = b->rec.len;
	/* a small file goes in one write with its header and padding */
	if (len <= SMALL_ENTRY) {
		strbuf_add(&b->rec, data, len);
		strbuf_add(&b->rec, zeros, pad);
		ret = body_write(b, b->rec.buf, b->rec.len);
	} else {
		ret = body_write(b, b->rec.buf, b->rec.len);
		if (!ret)
			ret = body_write(b, data, len);
		if (!ret && pad)
			ret = body_write(b, zeros, pad);
	}
	if (!ret)
		b->raw_bytes += hlen + len + pad;
out:
	return ret;
}

int body_close(struct body *b)
{
	static const char zeros[1024];
	int ret;

	/* tar's end: two blocks of zeros */
	ret = body_write(b, zeros, sizeof(zeros));
	if (!ret)
		ret = body_close_member(b);
	return ret;
}

int body_close_member(struct body *b)
{
	return archive_write_close(b->a) == ARCHIVE_OK ? 0 : la_err(b->a, b->err);
}

void body_free(struct body *b)
{
	if (b->a)
		archive_write_free(b->a);
	if (b->hdr)
		archive_write_free(b->hdr);
	if (b->entry)
		archive_entry_free(b->entry);
	strbuf_release(&b->name);
	strbuf_release(&b->rec);
	strbuf_release(&b->hdr_out);
	b->a = NULL;
	b->hdr = NULL;
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
	uint64_t deadline;       /* see out_write() */
	struct archive *raw;     /* NULL: no compression */
	uint64_t seen;           /* tar bytes produced so far */
	uint64_t keep;           /* tar bytes that belong to the entry */
	uint64_t written;        /* bytes written to fd */
	int out_err;             /* errno writing fd */
};

/*
 * The output may be a pipe or FIFO whose reader stops reading (issue 17.2);
 * capture.c makes such an fd O_NONBLOCK.  A wait for room ends at the
 * capture's deadline or, when later, OUTPUT_STALL_NS after the output last
 * took a byte (or the write began):
 * a slow reader that keeps reading still gets the archive after the
 * deadline; one that reads nothing is given up.  deadline 0: no limit.
 */
#define OUTPUT_STALL_NS (5000ull * 1000 * 1000)

static int wait_room(int fd, uint64_t deadline, uint64_t since)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	uint64_t until, now = now_ns(CLOCK_MONOTONIC);
	int ms = -1;

	if (deadline) {
		until = MAX(deadline, since + OUTPUT_STALL_NS);
		if (now >= until)
			return -ETIMEDOUT;
		ms = (int)MIN((until - now) / 1000000u + 1, (uint64_t)INT32_MAX);
	}
	if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

static int out_write(int fd, const void *buf, size_t len, uint64_t deadline)
{
	uint64_t since = now_ns(CLOCK_MONOTONIC);
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		int err;

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			since = now_ns(CLOCK_MONOTONIC);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		err = wait_room(fd, deadline, since);
		if (err < 0)
			return err;
	}
	return 0;
}

static la_ssize_t out_write_cb(struct archive *a, void *cd, const void *buf,
			       size_t n)
{
	struct member *m = cd;
	int err = out_write(m->fd, buf, n, m->deadline);

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
		err = -out_write(m->fd, buf, keep, m->deadline);
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

/*
 * Copy in from offset `from` to its end to out: in the kernel when it can.
 * out may be O_NONBLOCK: waits for room end as out_write() says.
 */
static int copy_body(int in, off_t from, int out, uint64_t deadline,
		     uint64_t *ret_bytes, bool *ret_out_err)
{
	uint64_t since = now_ns(CLOCK_MONOTONIC);
	struct stat st;
	off_t off = from;
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
			if (n < 0 && errno == EAGAIN) {
				ret = wait_room(out, deadline, since);
				if (ret < 0) {
					*ret_out_err = true;
					goto out;
				}
				continue;
			}
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
			since = now_ns(CLOCK_MONOTONIC);
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
		ret = out_write(out, buf, (size_t)n, deadline);
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
		 uint64_t deadline, uint64_t *ret_bytes, bool *ret_out_err)
{
	struct member m = { .fd = fd, .deadline = deadline };
	int ret;

	*ret_bytes = 0;
	ret = write_manifest(&m, c, level, top, mtime, mt, ret_out_err);
	*ret_bytes = m.written;
	if (ret < 0) {
		if (*ret_out_err && m.out_err)
			ret = -m.out_err;
		return ret;
	}
	return copy_body(body_fd, 0, fd, deadline, ret_bytes, ret_out_err);
}

/* ---- --compress none into a regular file: the manifest written in place -- */

int output_write_in_place(int fd, const char *top, int64_t mtime,
			  const struct manifest_text *mt, uint64_t *ret_bytes,
			  bool *ret_out_err)
{
	const uint64_t room = MANIFEST_SLOT - 512;
	uint64_t size = mt->head_len + mt->mid_len + mt->tail_len, done = 0;
	struct strbuf name = STRBUF_INIT;
	char *slot = NULL, *p;
	struct stat st;
	int ret = 0;

	*ret_out_err = true;
	strbuf_addf(&name, "%s/manifest.json", top);
	slot = xmalloc(MANIFEST_SLOT);
	if (size > room || !ustar_header(slot, name.buf, name.len, room, mtime))
		goto out;    /* 0: the caller moves the body */
	/* the whole slot in memory: header, JSON, spaces (JSON whitespace) */
	p = slot + 512;
	memcpy(p, mt->head, mt->head_len);
	p += mt->head_len;
	while (mt->mid_fd >= 0 && done < mt->mid_len) {
		ssize_t n = pread(mt->mid_fd, p, (size_t)(mt->mid_len - done), (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			*ret_out_err = false;
			goto out;
		}
		p += n;
		done += (uint64_t)n;
	}
	memcpy(p, mt->tail, mt->tail_len);
	p += mt->tail_len;
	memset(p, ' ', (size_t)(slot + MANIFEST_SLOT - p));
	if (lseek(fd, 0, SEEK_SET) < 0)
		ret = -errno;
	if (!ret)
		ret = write_all(fd, slot, MANIFEST_SLOT);
	if (!ret && fstat(fd, &st) < 0)
		ret = -errno;
	if (!ret) {
		*ret_bytes = (uint64_t)st.st_size;
		ret = 1;
	}
out:
	free(slot);
	strbuf_release(&name);
	return ret;
}

int output_move_body(int fd, int tmp_fd, enum compress c, int level,
		     const char *top, int64_t mtime,
		     const struct manifest_text *mt, uint64_t *ret_bytes,
		     bool *ret_out_err)
{
	uint64_t moved = 0;
	int ret;

	/* regular files both: no waiting */
	ret = copy_body(fd, MANIFEST_SLOT, tmp_fd, 0, &moved, ret_out_err);
	if (ret < 0) {
		*ret_out_err = !*ret_out_err;   /* here fd is the one read */
		return ret;
	}
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		*ret_out_err = true;
		return -errno;
	}
	return output_write(fd, c, level, top, mtime, mt, tmp_fd, 0, ret_bytes,
			    ret_out_err);
}
