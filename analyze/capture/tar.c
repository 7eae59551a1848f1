/* SPDX-License-Identifier: MIT */
/*
 * The tar reader (tar.h): POSIX.1-2001 ustar and pax, GNU tar's
 * extensions, old headers.  Field offsets are POSIX's (ustar header).
 */
#include "analyze/capture/tar.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

/* ustar header fields' offsets (and lengths): name 0 (100), size 124
   (12), chksum 148 (8), typeflag 156, linkname 157 (100), magic 257 (6),
   version 263 (2), prefix 345 (155) */
#define F_TYPE 156
#define F_MAGIC 257

const char *tar_error(int r)
{
	switch (r) {
	case TAR_OK: return "no error";
	case TAR_END: return "end of the archive";
	case TAR_E_SOURCE: return "cannot read";
	case TAR_E_TRUNCATED: return "truncated tar archive";
	case TAR_E_CHECKSUM: return "not a tar header (bad checksum)";
	case TAR_E_NUMBER: return "a tar header whose size is not a number";
	case TAR_E_META: return "a long name or pax header over 1 MiB";
	case TAR_E_PAX_SIZE: return "a pax header whose size is not a number";
	default: return "corrupt tar archive";
	}
}

/*
 * A numeric field: octal digits, leading spaces, ending in spaces or NULs
 * (every writer's way); or GNU's base-256, the first byte's top bit set and
 * its next bit the sign.  -1 when it is neither or exceeds 64 bits.
 */
static int field_number(const unsigned char *p, size_t n, uint64_t *ret, bool *ret_neg)
{
	uint64_t v = 0;
	size_t i = 0;

	*ret_neg = false;
	if (p[0] & 0x80) {
		*ret_neg = (p[0] & 0x40) != 0;
		v = p[0] & 0x3f;
		for (i = 1; i < n; i++) {
			if (!*ret_neg && v >> 56)
				return -1;
			v = v << 8 | p[i];
		}
		*ret = v;
		return 0;
	}
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 61)
			return -1;
		v = v << 3 | (uint64_t)(p[i] - '0');
	}
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	*ret = v;
	return 0;
}

/*
 * The sum of a block's bytes, eight at a time: each 16-bit lane of acc
 * adds two bytes a word, at most 2 * 255 * 64 < 65,536 in all.  A loop a
 * byte was 1,000 instructions a header, a tenth of reading one (callgrind).
 */
static unsigned block_sum(const unsigned char *h)
{
	const uint64_t m = 0x00ff00ff00ff00ffull;
	uint64_t acc = 0;
	size_t i;

	for (i = 0; i < TAR_BLOCK; i += 8) {
		uint64_t w;

		memcpy(&w, h + i, sizeof(w));
		acc += (w & m) + ((w >> 8) & m);
	}
	return (unsigned)((acc & 0xffff) + ((acc >> 16) & 0xffff) +
			  ((acc >> 32) & 0xffff) + (acc >> 48));
}

/*
 * The checksum: the header's bytes with its own field as spaces, summed
 * unsigned (POSIX) or, failing that, signed (old Sun tar and others).
 */
static bool checksum_ok(const unsigned char *h)
{
	uint64_t want = 0;
	unsigned u = block_sum(h) + 8 * ' ';
	int s = 8 * ' ';
	bool neg;
	size_t i;

	if (field_number(h + 148, 8, &want, &neg) < 0 || neg)
		return false;
	for (i = 148; i < 156; i++)
		u -= h[i];
	if (want == u)
		return true;
	for (i = 0; i < TAR_BLOCK; i++)
		s += (signed char)h[i];
	for (i = 148; i < 156; i++)
		s -= (signed char)h[i];
	return s >= 0 && want == (uint64_t)s;
}

static size_t field_len(const unsigned char *p, size_t n)
{
	const unsigned char *z = memchr(p, '\0', n);

	return z ? (size_t)(z - p) : n;
}

static enum tar_kind kind_of(char type)
{
	switch (type) {
	case '1': return TAR_HARDLINK;
	case '2': return TAR_SYMLINK;
	case '3': return TAR_CHR;
	case '4': return TAR_BLK;
	case '5': case 'D': return TAR_DIR;
	case '6': return TAR_FIFO;
	case 'S': return TAR_SPARSE;
	case 'L': return TAR_LONGNAME;
	case 'K': return TAR_LONGLINK;
	case 'x': case 'X': return TAR_PAX;
	case 'g': return TAR_PAX_GLOBAL;
	case 'V': case 'A': return TAR_META_SKIP;
	/* '0', '\0', '7' (contiguous), 'M', 'N' and unknown types: POSIX says
	   a reader treats them as regular files, and libarchive does */
	default: return TAR_FILE;
	}
}

int tar_header_parse(const void *buf, size_t len, struct tar_header *ret)
{
	const unsigned char *h = buf;
	size_t i, n;
	bool neg;

	if (len < TAR_BLOCK)
		return TAR_E_TRUNCATED;
	if (h[0] == '\0') {
		for (i = 1; i < TAR_BLOCK && !h[i]; i++)
			;
		if (i == TAR_BLOCK)
			return TAR_END;
	}
	if (!checksum_ok(h))
		return TAR_E_CHECKSUM;
	memset(ret, 0, sizeof(*ret));
	if (field_number(h + 124, 12, &ret->size, &neg) < 0)
		return TAR_E_NUMBER;
	if (neg)
		ret->size = 0;
	ret->typeflag = (char)h[F_TYPE];
	ret->kind = kind_of(ret->typeflag);
	ret->gnu = !memcmp(h + F_MAGIC, "ustar  \0", 8);
	n = 0;
	/* the prefix is ustar's; GNU keeps times there */
	if (!ret->gnu && !memcmp(h + F_MAGIC, "ustar", 5) && h[345]) {
		n = field_len(h + 345, 155);
		memcpy(ret->name, h + 345, n);
		if (ret->name[n - 1] != '/')
			ret->name[n++] = '/';
	}
	i = field_len(h, 100);
	memcpy(ret->name + n, h, i);
	ret->name[n + i] = '\0';
	i = field_len(h + 157, 100);
	memcpy(ret->linkname, h + 157, i);
	ret->linkname[i] = '\0';
	return TAR_OK;
}

void tar_pax_parse(const char *buf, size_t len, struct tar_pax *ret)
{
	size_t off = 0;

	memset(ret, 0, sizeof(*ret));
	/* records: "<length> <key>=<value>\n", the length counting it all */
	while (off < len) {
		const char *rec = buf + off, *key, *eq, *val;
		size_t rlen = 0, i = 0, left = len - off, vn;

		while (i < left && rec[i] >= '0' && rec[i] <= '9' && rlen < 1000000)
			rlen = rlen * 10 + (size_t)(rec[i++] - '0');
		if (!i || i >= left || rec[i] != ' ' || rlen > left || rlen <= i + 1 ||
		    rec[rlen - 1] != '\n') {
			ret->malformed = true;
			break;
		}
		key = rec + i + 1;
		eq = memchr(key, '=', (size_t)(rec + rlen - 1 - key));
		if (!eq || eq == key) {
			ret->malformed = true;
			break;
		}
		val = eq + 1;
		vn = (size_t)(rec + rlen - 1 - val);
		if (mem_is(key, (size_t)(eq - key), "path")) {
			ret->path = val;
			ret->path_len = vn;
		} else if (mem_is(key, (size_t)(eq - key), "linkpath")) {
			ret->linkpath = val;
			ret->linkpath_len = vn;
		} else if (mem_is(key, (size_t)(eq - key), "size")) {
			ret->has_size = parse_u64(val, vn, &ret->size) == 0;
			ret->bad_size = !ret->has_size;
		} else if ((size_t)(eq - key) > 11 && !memcmp(key, "GNU.sparse.", 11)) {
			ret->sparse = true;
			/* the real name: "path" holds a made-up one (GNU tar 1.0
			   sparse format; libarchive takes it too) */
			if (mem_is(key, (size_t)(eq - key), "GNU.sparse.name")) {
				ret->sparse_name = val;
				ret->sparse_name_len = vn;
			}
		}
		off += rlen;
	}
	if (ret->sparse_name && ret->sparse_name_len) {
		ret->path = ret->sparse_name;
		ret->path_len = ret->sparse_name_len;
	}
	/* an empty path is no path (libarchive) */
	if (ret->path && !ret->path_len)
		ret->path = NULL;
	if (ret->linkpath && !ret->linkpath_len)
		ret->linkpath = NULL;
}

/* ---- the stream ------------------------------------------------------------ */

struct tar_reader {
	tar_pull_fn pull;
	tar_skip_fn skip;           /* NULL: skipping reads */
	void *ud;
	const unsigned char *cur;   /* the source's piece not used yet */
	size_t left;
	bool src_end;
	int failed;                 /* 0, or the error every call returns */
	uint64_t data_left;         /* of the current entry */
	uint64_t pad_left;          /* after its data */
	bool pax_seen;              /* this (non-GNU) archive is pax: hard links have data */
	bool started;               /* a header (or the end's zero block) read whole */
	unsigned char block[TAR_BLOCK];   /* a header cut across two pieces */
	struct tar_header h;
	struct strbuf meta;         /* a meta entry's body */
	/* what meta entries said about the next entry */
	struct strbuf longname, longlink, pax_path, pax_link;
	bool has_longname, has_longlink, has_pax_path, has_pax_link;
	bool has_pax_size, pax_sparse;
	uint64_t pax_size;
};

struct tar_reader *tar_reader_new(tar_pull_fn pull, tar_skip_fn skip, void *ud)
{
	struct tar_reader *t = xcalloc(1, sizeof(*t));

	t->pull = pull;
	t->skip = skip;
	t->ud = ud;
	strbuf_init(&t->meta, 0);
	strbuf_init(&t->longname, 0);
	strbuf_init(&t->longlink, 0);
	strbuf_init(&t->pax_path, 0);
	strbuf_init(&t->pax_link, 0);
	return t;
}

void tar_reader_free(struct tar_reader *t)
{
	if (!t)
		return;
	strbuf_release(&t->meta);
	strbuf_release(&t->longname);
	strbuf_release(&t->longlink);
	strbuf_release(&t->pax_path);
	strbuf_release(&t->pax_link);
	free(t);
}

/* Bytes in t->cur: 1, 0 at the source's end, or TAR_E_SOURCE. */
static int fill(struct tar_reader *t)
{
	while (!t->left) {
		const void *p = NULL;
		ssize_t n;

		if (t->src_end)
			return 0;
		n = t->pull(t->ud, &p);
		if (n < 0)
			return TAR_E_SOURCE;
		if (n == 0)
			t->src_end = true;
		t->cur = p;
		t->left = n > 0 ? (size_t)n : 0;
	}
	return 1;
}

static int skip(struct tar_reader *t, uint64_t n)
{
	while (n) {
		int r;
		size_t k;

		if (!t->left && t->skip && !t->src_end)
			return t->skip(t->ud, n);
		r = fill(t);

		if (r <= 0)
			return r ? r : TAR_E_TRUNCATED;
		k = t->left < n ? t->left : (size_t)n;
		t->cur += k;
		t->left -= k;
		n -= k;
	}
	return 0;
}

/* Copy n bytes; at the source's end before the first byte: TAR_END. */
static int take(struct tar_reader *t, void *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		int r = fill(t);
		size_t k;

		if (r <= 0)
			return r ? r : got ? TAR_E_TRUNCATED : TAR_END;
		k = t->left < n - got ? t->left : n - got;
		memcpy((char *)dst + got, t->cur, k);
		t->cur += k;
		t->left -= k;
		got += k;
	}
	return 0;
}

/* The next header, parsed into t->h; in place when the piece holds it. */
static int next_header(struct tar_reader *t)
{
	const void *h = t->block;
	int r = fill(t);

	if (r < 0)
		return r;
	if (r == 0)
		return TAR_END;   /* the end at a block's boundary: no zero blocks */
	if (t->left >= TAR_BLOCK) {
		h = t->cur;
		t->cur += TAR_BLOCK;
		t->left -= TAR_BLOCK;
	} else if ((r = take(t, t->block, TAR_BLOCK)) != 0) {
		return r == TAR_END ? TAR_E_TRUNCATED : r;
	}
	r = tar_header_parse(h, TAR_BLOCK, &t->h);
	if (r == TAR_OK || r == TAR_END)
		t->started = true;
	return r;
}

bool tar_started(const struct tar_reader *t)
{
	return t->started;
}

static uint64_t padding(uint64_t size)
{
	return (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
}

/* A meta entry's body into t->meta (NUL-terminated), padding skipped. */
static int read_meta(struct tar_reader *t)
{
	int r;

	if (t->h.size > TAR_META_MAX)
		return TAR_E_META;
	strbuf_reset(&t->meta);
	strbuf_grow(&t->meta, (size_t)t->h.size);
	r = take(t, t->meta.buf, (size_t)t->h.size);
	if (r)
		return r == TAR_END ? TAR_E_TRUNCATED : r;
	t->meta.len = (size_t)t->h.size;   /* strbuf_setlen() only shortens */
	t->meta.buf[t->meta.len] = '\0';
	return skip(t, padding(t->h.size));
}

static void set_str(struct strbuf *sb, bool *has, const char *s, size_t n)
{
	strbuf_reset(sb);
	strbuf_add(sb, s, n);
	*has = true;
}

static int apply_meta(struct tar_reader *t)
{
	struct tar_pax pax;
	int r;

	if (t->h.kind == TAR_META_SKIP && t->h.typeflag == 'V')
		return 0;   /* a volume label has no body (libarchive) */
	r = read_meta(t);
	if (r)
		return r;
	switch (t->h.kind) {
	case TAR_LONGNAME:
		/* up to the first NUL, as GNU tar writes it */
		set_str(&t->longname, &t->has_longname, t->meta.buf, strlen(t->meta.buf));
		break;
	case TAR_LONGLINK:
		set_str(&t->longlink, &t->has_longlink, t->meta.buf, strlen(t->meta.buf));
		break;
	case TAR_PAX:
		t->pax_seen = true;
		tar_pax_parse(t->meta.buf, t->meta.len, &pax);
		if (pax.bad_size)
			return TAR_E_PAX_SIZE;
		if (pax.path)
			set_str(&t->pax_path, &t->has_pax_path, pax.path, pax.path_len);
		if (pax.linkpath)
			set_str(&t->pax_link, &t->has_pax_link, pax.linkpath, pax.linkpath_len);
		if (pax.has_size) {
			t->has_pax_size = true;
			t->pax_size = pax.size;
		}
		t->pax_sparse |= pax.sparse;
		break;
	case TAR_PAX_GLOBAL:
		/* libarchive, whose reading this follows, ignores them */
		t->pax_seen = true;
		break;
	default:
		break;
	}
	return 0;
}

static void clear_meta(struct tar_reader *t)
{
	t->has_longname = t->has_longlink = false;
	t->has_pax_path = t->has_pax_link = false;
	t->has_pax_size = t->pax_sparse = false;
}

int tar_next(struct tar_reader *t, struct tar_entry *ret)
{
	int r = t->failed;

	if (r)
		return r;
	r = skip(t, t->data_left + t->pad_left);
	t->data_left = t->pad_left = 0;
	while (!r) {
		r = next_header(t);
		if (r)
			break;
		if (t->h.kind >= TAR_LONGNAME) {
			r = apply_meta(t);
			continue;
		}
		break;
	}
	if (r) {
		clear_meta(t);
		if (r != TAR_END)
			t->failed = r;
		return r;
	}
	memset(ret, 0, sizeof(*ret));
	ret->kind = t->h.kind;
	if (t->h.gnu)
		t->pax_seen = false;
	ret->path = t->has_pax_path ? t->pax_path.buf :
		    t->has_longname ? t->longname.buf : t->h.name;
	ret->path_len = strlen(ret->path);
	ret->link = t->has_pax_link ? t->pax_link.buf :
		    t->has_longlink ? t->longlink.buf : t->h.linkname;
	ret->size = t->h.size;
	switch (ret->kind) {
	case TAR_SYMLINK: case TAR_CHR: case TAR_BLK: case TAR_FIFO:
		ret->size = 0;
		break;
	case TAR_DIR:
		if (t->h.typeflag == '5')
			ret->size = 0;   /* 'D', GNU's dumpdir, has data */
		break;
	case TAR_HARDLINK:
		/* a body only in pax (POSIX.1-2001); before, the size was
		   ignored and some writers put the target's there */
		if (!t->pax_seen)
			ret->size = 0;
		break;
	case TAR_FILE:
		if (ret->path_len && ret->path[ret->path_len - 1] == '/')
			ret->kind = TAR_DIR;   /* old tars' folders */
		break;
	default:
		break;
	}
	if (t->has_pax_size)
		ret->size = t->pax_size;
	if (t->pax_sparse)
		ret->kind = TAR_SPARSE;
	clear_meta(t);
	t->data_left = ret->size;
	t->pad_left = padding(ret->size);
	return TAR_OK;
}

ssize_t tar_data(struct tar_reader *t, const void **ret_buf, size_t max)
{
	size_t k;
	int r;

	if (t->failed)
		return t->failed;
	if (!t->data_left)
		return 0;
	r = fill(t);
	if (r <= 0) {
		t->failed = r ? r : TAR_E_TRUNCATED;
		return t->failed;
	}
	k = t->left < max ? t->left : max;
	if (k > t->data_left)
		k = (size_t)t->data_left;
	if (k > SSIZE_MAX)
		k = SSIZE_MAX;
	*ret_buf = t->cur;
	t->cur += k;
	t->left -= k;
	t->data_left -= k;
	return (ssize_t)k;
}
