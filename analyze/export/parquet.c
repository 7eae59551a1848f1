/* SPDX-License-Identifier: MIT */
/*
 * Parquet writer (see parquet.h).
 *
 * Why hand-written: no Debian 12 package writes Parquet from C
 * (`apt-cache search parquet` and `libarrow` find nothing: Apache Arrow's
 * parquet-glib and C++ library are not in bookworm), and the subset needed
 * is ~600 lines.  What it covers is the
 * subset every engine reads: Thrift compact footer, v1 data pages, PLAIN,
 * dictionary pages with RLE_DICTIONARY indices, DELTA_BINARY_PACKED
 * integers, BYTE_STREAM_SPLIT doubles (DuckDB 1.5 refuses it for integers:
 * "only supported for FLOAT or DOUBLE"), RLE/bit-packed definition levels,
 * zstd, statistics.  Kept honest by:
 * tests/unit/test_parquet.c (Thrift bytes worked out by hand from the spec),
 * tests/fuzz/fuzz_parquet.c (random typed rows through the writer, then
 * pq_check_values(): every page decoded, every value compared), and
 * t81-export-duckdb.sh, where two independent readers,
 * DuckDB (C++) and hyparquet (JavaScript), decode every file and DuckDB's
 * rows equal SQLite's both ways.  Figures: see tests/export/README.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "analyze/export/parquet.h"
#include "analyze/export/parquet_thrift.h"
#include "analyze/export/thrift.h"

#include "common/banned.h"


#define PQ_ROW_GROUP_ROWS 65536
/* String statistics longer than this are cut to a bound (PARQUET-2352):
 * the footer of every file carried whole SQL queries, findings' evidence
 * and cgroup paths twice a column (3% of the bytes of an export). */
#define PQ_STAT_MAX 32
#define ZSTD_LEVEL 3

struct chunk_meta {
	int64_t offset, uncompressed, compressed, num_values, null_count;
	int64_t data_offset;      /* offset, or past the dictionary page */
	bool dict;                /* a dictionary page, then RLE_DICTIONARY */
	int encoding;             /* of the data page's values */
	bool has_minmax;
	bool min_cut, max_cut;    /* a string bound cut short (not exact) */
	struct strbuf min, max;   /* PLAIN bytes of the value (strings: raw) */
};

struct col_state {
	struct pq_column c;
	struct strbuf values;      /* PLAIN values of this row group */
	unsigned char *defs;       /* 1 defined, 0 NULL, one per row */
	size_t defs_alloc;
	int64_t nulls;
	bool set;                  /* set in the current row */
	bool is_null;
	/* statistics of the current row group */
	bool has_minmax;
	int64_t imin, imax;
	double dmin, dmax;
	struct strbuf smin, smax;
};

struct row_group {
	int64_t rows, total_uncompressed, total_compressed, offset;
	struct chunk_meta *chunks;   /* ncols */
};

struct pq_writer {
	struct col_state *cols;
	size_t ncols;
	size_t rg_rows_max;
	size_t rows;               /* in the current row group */
	int64_t total_rows;
	char *created_by;
	struct strbuf body;        /* "PAR1" and the pages so far */
	struct row_group *rgs;
	size_t nrg, rg_alloc;
	bool failed;
};

struct pq_writer *pq_writer_new(const struct pq_column *cols, size_t ncols,
				size_t row_group_rows, const char *created_by)
{
	struct pq_writer *w = xcalloc(1, sizeof(*w));
	size_t i;

	w->cols = xcalloc(ncols ? ncols : 1, sizeof(*w->cols));
	w->ncols = ncols;
	for (i = 0; i < ncols; i++) {
		w->cols[i].c = cols[i];
		w->cols[i].c.name = xstrdup(cols[i].name);
		strbuf_init(&w->cols[i].values, 0);
		strbuf_init(&w->cols[i].smin, 0);
		strbuf_init(&w->cols[i].smax, 0);
	}
	w->rg_rows_max = row_group_rows ? row_group_rows : PQ_ROW_GROUP_ROWS;
	w->created_by = xstrdup(created_by);
	strbuf_init(&w->body, 0);
	strbuf_add(&w->body, "PAR1", 4);
	return w;
}

void pq_writer_free(struct pq_writer *w)
{
	size_t i, j;

	if (!w)
		return;
	for (i = 0; i < w->ncols; i++) {
		free((char *)w->cols[i].c.name);
		strbuf_release(&w->cols[i].values);
		strbuf_release(&w->cols[i].smin);
		strbuf_release(&w->cols[i].smax);
		free(w->cols[i].defs);
	}
	for (i = 0; i < w->nrg; i++) {
		for (j = 0; j < w->ncols; j++) {
			strbuf_release(&w->rgs[i].chunks[j].min);
			strbuf_release(&w->rgs[i].chunks[j].max);
		}
		free(w->rgs[i].chunks);
	}
	free(w->rgs);
	free(w->cols);
	free(w->created_by);
	strbuf_release(&w->body);
	free(w);
}

/* v as n little-endian bytes (Parquet's PLAIN integers, lengths, footer) */
static void put_le(struct strbuf *sb, uint64_t v, int n)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	strbuf_add(sb, b, (size_t)n);
}

#define put_le64(sb, v) put_le(sb, v, 8)
#define put_le32(sb, v) put_le(sb, v, 4)

static void mark(struct col_state *s, bool is_null)
{
	s->set = true;
	s->is_null = is_null;
}

void pq_null(struct pq_writer *w, size_t col)
{
	mark(&w->cols[col], true);
}

void pq_i64(struct pq_writer *w, size_t col, int64_t v)
{
	struct col_state *s = &w->cols[col];

	mark(s, false);
	put_le64(&s->values, (uint64_t)v);
	if (!s->has_minmax || v < s->imin)
		s->imin = v;
	if (!s->has_minmax || v > s->imax)
		s->imax = v;
	s->has_minmax = true;
}

void pq_double(struct pq_writer *w, size_t col, double v)
{
	struct col_state *s = &w->cols[col];
	uint64_t bits;

	mark(s, false);
	memcpy(&bits, &v, 8);
	put_le64(&s->values, bits);
	if (v != v)
		return;   /* NaN: left out of min/max, as the spec says */
	if (!s->has_minmax || v < s->dmin)
		s->dmin = v;
	if (!s->has_minmax || v > s->dmax)
		s->dmax = v;
	s->has_minmax = true;
}

void pq_string(struct pq_writer *w, size_t col, const char *s, size_t len)
{
	struct col_state *st = &w->cols[col];

	mark(st, false);
	if (len > UINT32_MAX)
		len = UINT32_MAX;   /* cannot happen: SQLite values are < 2 GiB */
	put_le32(&st->values, (uint32_t)len);
	strbuf_add(&st->values, s, len);
	if (!st->has_minmax || mem_cmp(s, len, st->smin.buf, st->smin.len) < 0) {
		strbuf_reset(&st->smin);
		strbuf_add(&st->smin, s, len);
	}
	if (!st->has_minmax || mem_cmp(s, len, st->smax.buf, st->smax.len) > 0) {
		strbuf_reset(&st->smax);
		strbuf_add(&st->smax, s, len);
	}
	st->has_minmax = true;
}

/* Definition levels of a row group: one RLE run when they are all equal,
 * else bit-packed groups of 8 (bit width 1), after a 4-byte length. */
static void encode_defs(struct strbuf *page, const unsigned char *defs,
			size_t n)
{
	struct strbuf run = STRBUF_INIT;
	struct tc t;
	size_t i, g;
	bool same = true;

	tc_init(&t, &run);
	for (i = 1; i < n; i++)
		if (defs[i] != defs[0]) {
			same = false;
			break;
		}
	if (same) {
		tc_varint(&t, (uint64_t)n << 1);
		strbuf_addch(&run, n ? defs[0] : 0);
	} else {
		size_t groups = (n + 7) / 8;

		tc_varint(&t, ((uint64_t)groups << 1) | 1);
		for (g = 0; g < groups; g++) {
			int byte = 0;

			for (i = 0; i < 8 && g * 8 + i < n; i++)
				byte |= defs[g * 8 + i] << i;
			strbuf_addch(&run, byte);
		}
	}
	put_le32(page, (uint32_t)run.len);
	strbuf_add(page, run.buf, run.len);
	strbuf_release(&run);
}

/*
 * A string's min or max statistic into out: the string itself when it is
 * at most PQ_STAT_MAX bytes, else a bound cut short, as parquet.thrift's
 * Statistics allows with is_min/max_value_exact false (DuckDB's writer
 * does the same at 256 bytes): a minimum is its first bytes, cut at a
 * UTF-8 character's start so the bound stays valid text; a maximum is
 * those bytes up to the last one below 0x7f, that one increased (an ASCII
 * byte stays ASCII), so it is above every string it stands for.  A maximum
 * with no such byte is kept whole.  Returns whether the bound was cut.
 */
static bool stat_string(struct strbuf *out, const char *s, size_t len,
			bool is_max)
{
	size_t cut = PQ_STAT_MAX;

	if (len <= PQ_STAT_MAX)
		goto whole;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;                /* s[cut] continues a character */
	if (is_max) {
		while (cut > 0 && (unsigned char)s[cut - 1] >= 0x7f)
			cut--;
		if (!cut)
			goto whole;
		strbuf_add(out, s, cut - 1);
		strbuf_addch(out, s[cut - 1] + 1);
	} else {
		strbuf_add(out, s, cut);
	}
	return true;
whole:
	strbuf_add(out, s, len);
	return false;
}

static void stat_bytes(struct col_state *s, struct chunk_meta *m)
{
	m->has_minmax = s->has_minmax;
	if (!s->has_minmax)
		return;
	switch (s->c.type) {
	case PQ_INT64:
		put_le64(&m->min, (uint64_t)s->imin);
		put_le64(&m->max, (uint64_t)s->imax);
		break;
	case PQ_DOUBLE: {
		/* the spec: a zero minimum is written -0.0, a zero maximum +0.0 */
		double mn = s->dmin == 0 ? -0.0 : s->dmin;
		double mx = s->dmax == 0 ? 0.0 : s->dmax;
		uint64_t b;

		memcpy(&b, &mn, 8);
		put_le64(&m->min, b);
		memcpy(&b, &mx, 8);
		put_le64(&m->max, b);
		break;
	}
	case PQ_STRING:
		m->min_cut = stat_string(&m->min, s->smin.buf, s->smin.len, false);
		m->max_cut = stat_string(&m->max, s->smax.buf, s->smax.len, true);
		break;
	}
}

/*
 * The distinct values of a column chunk's PLAIN values (n of them, NULLs
 * left out) in the order first seen, PLAIN, into *dict, and each value's
 * index into idx[n]; returns how many.  Open addressing over the bytes of
 * each value (a string's with its length).
 */
static uint32_t dict_build(const struct col_state *s, size_t n,
			   struct strbuf *dict, uint32_t *idx)
{
	size_t cap = 16, i, pos = 0;
	uint32_t nd = 0, *slot, *first;

	while (cap < 2 * n)
		cap <<= 1;
	slot = xcalloc(cap, sizeof(*slot));        /* 0 empty, else index + 1 */
	first = xcalloc(n ? n : 1, sizeof(*first)); /* dict index -> value's pos */
	for (i = 0; i < n; i++) {
		const unsigned char *v = (const unsigned char *)s->values.buf + pos;
		size_t len = 8, h = 14695981039346656037ULL, k;

		if (s->c.type == PQ_STRING)
			len = 4 + ((size_t)v[0] | (size_t)v[1] << 8 |
				   (size_t)v[2] << 16 | (size_t)v[3] << 24);
		for (k = 0; k < len; k++)
			h = (h ^ v[k]) * 1099511628211ULL;
		for (k = h & (cap - 1); slot[k]; k = (k + 1) & (cap - 1)) {
			const unsigned char *o = (const unsigned char *)s->values.buf +
						 first[slot[k] - 1];

			if (!memcmp(o, v, len))
				break;   /* the same length prefix: the same length */
		}
		if (!slot[k]) {
			first[nd] = (uint32_t)pos;
			slot[k] = ++nd;
			strbuf_add(dict, v, len);
		}
		idx[i] = slot[k] - 1;
		pos += len;
	}
	free(slot);
	free(first);
	return nd;
}

/* idx[0..n) as RLE_DICTIONARY data: the bit width, then one bit-packed
 * run of groups of 8 (the last padded with zeros: readers stop at n). */
static void encode_indices(struct strbuf *page, const uint32_t *idx, size_t n,
			   uint32_t ndict)
{
	struct strbuf run = STRBUF_INIT;
	struct tc t;
	int width = 1;
	size_t g, i;

	while (width < 32 && (ndict - 1) >> width)
		width++;
	strbuf_addch(page, width);
	tc_init(&t, page);
	tc_varint(&t, ((uint64_t)((n + 7) / 8) << 1) | 1);
	for (g = 0; g < (n + 7) / 8; g++) {
		uint64_t acc = 0;
		int nbits = 0;

		for (i = g * 8; i < g * 8 + 8; i++) {
			uint64_t v = i < n ? idx[i] : 0;

			acc |= v << nbits;
			nbits += width;
			while (nbits >= 8) {
				strbuf_addch(&run, (int)(acc & 0xff));
				acc >>= 8;
				nbits -= 8;
			}
		}
	}
	strbuf_add(page, run.buf, run.len);
	strbuf_release(&run);
}

/* The n 8-byte PLAIN values of plain as BYTE_STREAM_SPLIT (Encodings.md):
 * byte 0 of every value, then byte 1 of every value, and so on.  Bytes of
 * one weight side by side: the zero high bytes of sizes and counts, and
 * the zero low bytes of page multiples, compress to almost nothing. */
static void encode_bss(struct strbuf *page, const struct strbuf *plain)
{
	size_t n = plain->len / 8, i;
	int k;
	unsigned char *d;

	strbuf_grow(page, plain->len);
	d = (unsigned char *)page->buf + page->len;
	for (k = 0; k < 8; k++)
		for (i = 0; i < n; i++)
			*d++ = (unsigned char)plain->buf[i * 8 + (size_t)k];
	page->len += plain->len;   /* strbuf_setlen() only shortens */
	page->buf[page->len] = '\0';
}

static uint64_t get_le64(const char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

static void put_zigzag(struct strbuf *sb, int64_t v)
{
	struct tc t;

	tc_init(&t, sb);
	tc_i64(&t, v);
}

static void put_varint(struct strbuf *sb, uint64_t v)
{
	struct tc t;

	tc_init(&t, sb);
	tc_varint(&t, v);
}

/* The low w bits of v after the *nbits (< 8) bits in *acc, LSB first; whole
 * bytes go to sb.  At most 56 bits at a time, so that the shift fits. */
static void pack_bits(struct strbuf *sb, uint64_t *acc, int *nbits,
		      uint64_t v, int w)
{
	while (w > 0) {
		int take = w < 56 ? w : 56;

		*acc |= (v & ((1ULL << take) - 1)) << *nbits;
		*nbits += take;
		v >>= take;
		w -= take;
		for (; *nbits >= 8; *nbits -= 8, *acc >>= 8)
			strbuf_addch(sb, (int)(*acc & 0xff));
	}
}

#define DBP_BLOCK 128          /* values a block */
#define DBP_MINIBLOCKS 4       /* of 32 values each */
#define DBP_MINI (DBP_BLOCK / DBP_MINIBLOCKS)

/*
 * The n PLAIN INT64 values of plain as DELTA_BINARY_PACKED (Encodings.md):
 * the header (block size, miniblocks a block, count, first value), then per
 * block of 128 deltas the least delta (zigzag) and four bit widths, and
 * each miniblock's 32 deltas less the least, bit-packed at its width (the
 * last miniblock padded with zeros, the widths of unused miniblocks 0, and
 * no block at all for one value).  Differences wrap as unsigned 64-bit
 * numbers, as the spec says readers add them.  Sorted columns (pids, ids)
 * come out at a few bits a value.
 */
static void encode_dbp(struct strbuf *page, const struct strbuf *plain)
{
	size_t n = plain->len / 8, b, m, i;
	uint64_t prev, d[DBP_BLOCK];

	put_varint(page, DBP_BLOCK);
	put_varint(page, DBP_MINIBLOCKS);
	put_varint(page, n);
	prev = n ? get_le64(plain->buf) : 0;
	put_zigzag(page, (int64_t)prev);
	for (b = 1; b < n; b += DBP_BLOCK) {
		size_t nd = n - b < DBP_BLOCK ? n - b : DBP_BLOCK;
		int64_t min = INT64_MAX;
		uint64_t any[DBP_MINIBLOCKS] = { 0 };   /* the bits set */
		int width[DBP_MINIBLOCKS] = { 0 };

		for (i = 0; i < nd; i++) {
			uint64_t v = get_le64(plain->buf + (b + i) * 8);

			d[i] = v - prev;
			prev = v;
			if ((int64_t)d[i] < min)
				min = (int64_t)d[i];
		}
		for (i = 0; i < nd; i++) {
			d[i] -= (uint64_t)min;
			any[i / DBP_MINI] |= d[i];
		}
		put_zigzag(page, min);
		for (m = 0; m < DBP_MINIBLOCKS; m++) {
			while (width[m] < 64 && any[m] >> width[m])
				width[m]++;
			strbuf_addch(page, width[m]);
		}
		for (m = 0; m * DBP_MINI < nd; m++) {
			uint64_t acc = 0;
			int nbits = 0;

			for (i = m * DBP_MINI; i < (m + 1) * DBP_MINI; i++)
				pack_bits(page, &acc, &nbits, i < nd ? d[i] : 0, width[m]);
		}
	}
}

/* page compressed into *z (grown as needed); its size, or 0 on error. */
static size_t compress_page(const struct strbuf *page, void **z, size_t *zalloc)
{
	size_t bound = ZSTD_compressBound(page->len), zlen;

	if (bound > *zalloc) {
		*z = xrealloc(*z, bound);
		*zalloc = bound;
	}
	zlen = ZSTD_compress(*z, bound, page->buf, page->len, ZSTD_LEVEL);
	return ZSTD_isError(zlen) || page->len > INT32_MAX || zlen > INT32_MAX ||
	       zlen == 0 ? 0 : zlen;
}

/* A page header, then the compressed page, to w->body; the bytes added
 * (header and page, compressed and not) go to m. */
static void put_page(struct pq_writer *w, struct chunk_meta *m, int type,
		     int encoding, int32_t num_values, size_t len,
		     const void *z, size_t zlen)
{
	struct strbuf hdr = STRBUF_INIT;
	struct tc t;

	tc_init(&t, &hdr);
	tc_field_i32(&t, 1, type);
	tc_field_i32(&t, 2, (int32_t)len);
	tc_field_i32(&t, 3, (int32_t)zlen);
	if (type == PAGE_DATA) {
		tc_field(&t, 5, TC_STRUCT);
		tc_struct_begin(&t);
		tc_field_i32(&t, 1, num_values);
		tc_field_i32(&t, 2, encoding);
		tc_field_i32(&t, 3, ENC_RLE);
		tc_field_i32(&t, 4, ENC_RLE);
		tc_struct_end(&t);
	} else {
		tc_field(&t, 7, TC_STRUCT);
		tc_struct_begin(&t);
		tc_field_i32(&t, 1, num_values);
		tc_field_i32(&t, 2, encoding);
		tc_struct_end(&t);
	}
	tc_stop(&t);
	m->uncompressed += (int64_t)(hdr.len + len);
	m->compressed += (int64_t)(hdr.len + zlen);
	strbuf_add(&w->body, hdr.buf, hdr.len);
	strbuf_add(&w->body, z, zlen);
	strbuf_release(&hdr);
}

/* The smallest data page so far of a column chunk: its encoding, its
 * uncompressed length, and its compressed bytes. */
struct best_page {
	int encoding;
	size_t len, zlen;
	void *z;
	size_t zalloc;
};

/* page (the levels, then the values in encoding) compressed; kept in *best
 * when it is smaller than what best holds (extra: the bytes of a dictionary
 * page it needs).  0, or -EIO when zstd fails. */
static int try_page(struct best_page *best, const struct strbuf *page,
		    int encoding, size_t extra)
{
	void *z = NULL;
	size_t zalloc = 0, zlen = compress_page(page, &z, &zalloc);

	if (!zlen) {
		free(z);
		return -EIO;
	}
	if (!best->z || zlen + extra < best->zlen) {
		free(best->z);
		best->encoding = encoding;
		best->len = page->len;
		best->zlen = zlen + extra;
		best->z = z;
		best->zalloc = zalloc;
	} else {
		free(z);
	}
	return 0;
}

/*
 * One column chunk: one data page of the values in the encoding that
 * compresses smallest: PLAIN; RLE_DICTIONARY indices after a dictionary
 * page (repeated cgroup paths, names, states); for numbers
 * BYTE_STREAM_SPLIT (sizes and counts: the zero bytes side by side); for
 * integers DELTA_BINARY_PACKED (sorted pids and ids).  Every reader the
 * tests run (DuckDB, hyparquet) reads all four.  0, or -EIO when zstd
 * fails.
 */
static int put_chunk(struct pq_writer *w, struct col_state *s,
		     struct chunk_meta *m)
{
	struct strbuf levels = STRBUF_INIT, page = STRBUF_INIT, dict = STRBUF_INIT;
	struct best_page best = { 0 };
	size_t nvals = w->rows - (size_t)s->nulls, dzlen = 0, dzalloc = 0;
	void *dz = NULL;
	uint32_t *idx = NULL, ndict = 0;
	int r = -EIO;

	if (!s->c.required)
		encode_defs(&levels, s->defs, w->rows);
	strbuf_add(&page, levels.buf, levels.len);
	strbuf_add(&page, s->values.buf, s->values.len);
	if (try_page(&best, &page, ENC_PLAIN, 0) < 0)
		goto out;
	if (s->c.type == PQ_DOUBLE && nvals >= 2) {
		strbuf_setlen(&page, levels.len);
		encode_bss(&page, &s->values);
		if (try_page(&best, &page, ENC_BYTE_STREAM_SPLIT, 0) < 0)
			goto out;
	}
	if (s->c.type == PQ_INT64 && nvals >= 2) {
		strbuf_setlen(&page, levels.len);
		encode_dbp(&page, &s->values);
		/* bit-packed deltas are dense: compressed only when they may win
		 * (sorted or near-constant columns), not for random sizes */
		if (page.len < best.zlen &&
		    try_page(&best, &page, ENC_DELTA_BINARY_PACKED, 0) < 0)
			goto out;
	}
	if (nvals >= 2) {
		idx = xcalloc(nvals, sizeof(*idx));
		ndict = dict_build(s, nvals, &dict, idx);
	}
	/* a dictionary of more than half the values did not win on the
	 * bench's columns: not worth its two zstd calls */
	if (ndict && ndict <= nvals / 2) {
		dzlen = compress_page(&dict, &dz, &dzalloc);
		if (!dzlen)
			goto out;
		strbuf_setlen(&page, levels.len);
		encode_indices(&page, idx, nvals, ndict);
		/* a dictionary page header is ~10 bytes */
		if (try_page(&best, &page, ENC_RLE_DICTIONARY, dzlen + 10) < 0)
			goto out;
	}
	m->dict = best.encoding == ENC_RLE_DICTIONARY;
	m->encoding = best.encoding;
	m->offset = (int64_t)w->body.len;
	m->data_offset = m->offset;
	if (m->dict) {
		put_page(w, m, PAGE_DICTIONARY, ENC_PLAIN, (int32_t)ndict,
			 dict.len, dz, dzlen);
		m->data_offset = (int64_t)w->body.len;
		best.zlen -= dzlen + 10;
	}
	put_page(w, m, PAGE_DATA, best.encoding, (int32_t)w->rows, best.len,
		 best.z, best.zlen);
	r = 0;
out:
	free(best.z);
	free(dz);
	free(idx);
	strbuf_release(&levels);
	strbuf_release(&page);
	strbuf_release(&dict);
	return r;
}

static int flush_row_group(struct pq_writer *w)
{
	struct row_group *rg;
	size_t i;

	if (!w->rows)
		return 0;
	w->rgs = xgrow(w->rgs, w->nrg + 1, &w->rg_alloc, sizeof(*w->rgs));
	rg = &w->rgs[w->nrg++];
	memset(rg, 0, sizeof(*rg));
	rg->rows = (int64_t)w->rows;
	rg->offset = (int64_t)w->body.len;
	rg->chunks = xcalloc(w->ncols ? w->ncols : 1, sizeof(*rg->chunks));
	for (i = 0; i < w->ncols; i++) {
		struct col_state *s = &w->cols[i];
		struct chunk_meta *m = &rg->chunks[i];

		strbuf_init(&m->min, 0);
		strbuf_init(&m->max, 0);
		if (put_chunk(w, s, m) < 0)
			return -EIO;
		m->num_values = (int64_t)w->rows;
		m->null_count = s->nulls;
		stat_bytes(s, m);
		rg->total_uncompressed += m->uncompressed;
		rg->total_compressed += m->compressed;

		strbuf_reset(&s->values);
		strbuf_reset(&s->smin);
		strbuf_reset(&s->smax);
		s->nulls = 0;
		s->has_minmax = false;
	}
	w->rows = 0;
	return 0;
}

int pq_end_row(struct pq_writer *w)
{
	size_t i;
	int r = 0;

	for (i = 0; i < w->ncols; i++)
		if (!w->cols[i].set || (w->cols[i].is_null && w->cols[i].c.required))
			r = -EINVAL;
	for (i = 0; i < w->ncols; i++) {
		struct col_state *s = &w->cols[i];

		if (r == 0 && !s->c.required) {
			s->defs = xgrow(s->defs, w->rows + 1, &s->defs_alloc, 1);
			s->defs[w->rows] = !s->is_null;
			s->nulls += s->is_null;
		}
		s->set = false;
	}
	if (r < 0) {
		w->failed = true;
		return r;
	}
	w->rows++;
	w->total_rows++;
	if (w->rows >= w->rg_rows_max && flush_row_group(w) < 0)
		w->failed = true;
	return 0;
}

static void write_schema(struct tc *t, const struct pq_writer *w)
{
	static const int ptype[] = {
		[PQ_INT64] = T_INT64, [PQ_DOUBLE] = T_DOUBLE,
		[PQ_STRING] = T_BYTE_ARRAY,
	};
	size_t i;

	tc_list(t, TC_STRUCT, w->ncols + 1);
	tc_struct_begin(t);
	tc_field_binary(t, 4, "schema", 6);
	tc_field_i32(t, 5, (int32_t)w->ncols);
	tc_struct_end(t);
	for (i = 0; i < w->ncols; i++) {
		const struct pq_column *c = &w->cols[i].c;

		tc_struct_begin(t);
		tc_field_i32(t, 1, ptype[c->type]);
		tc_field_i32(t, 3, c->required ? REP_REQUIRED : REP_OPTIONAL);
		tc_field_binary(t, 4, c->name, strlen(c->name));
		if (c->type == PQ_STRING) {
			tc_field_i32(t, 6, CONVERTED_UTF8);
			tc_field(t, 10, TC_STRUCT);     /* logicalType */
			tc_struct_begin(t);
			tc_field(t, 1, TC_STRUCT);      /* STRING */
			tc_struct_begin(t);
			tc_struct_end(t);
			tc_struct_end(t);
		}
		tc_struct_end(t);
	}
}

static void write_chunk(struct tc *t, const struct pq_column *c,
			const struct chunk_meta *m)
{
	static const int ptype[] = {
		[PQ_INT64] = T_INT64, [PQ_DOUBLE] = T_DOUBLE,
		[PQ_STRING] = T_BYTE_ARRAY,
	};
	bool plain;

	tc_struct_begin(t);                      /* ColumnChunk */
	tc_field_i64(t, 2, m->offset);
	tc_field(t, 3, TC_STRUCT);               /* ColumnMetaData */
	tc_struct_begin(t);
	tc_field_i32(t, 1, ptype[c->type]);
	tc_field(t, 2, TC_LIST);
	/* every encoding of the chunk's pages: PLAIN for the values or the
	 * dictionary, RLE for definition levels, the values' own */
	plain = m->encoding == ENC_PLAIN || m->dict;
	tc_list(t, TC_I32, plain + !c->required + (m->encoding != ENC_PLAIN));
	if (plain)
		tc_i32(t, ENC_PLAIN);
	if (!c->required)
		tc_i32(t, ENC_RLE);
	if (m->encoding != ENC_PLAIN)
		tc_i32(t, m->encoding);
	tc_field(t, 3, TC_LIST);
	tc_list(t, TC_BINARY, 1);
	tc_binary(t, c->name, strlen(c->name));
	tc_field_i32(t, 4, CODEC_ZSTD);
	tc_field_i64(t, 5, m->num_values);
	tc_field_i64(t, 6, m->uncompressed);
	tc_field_i64(t, 7, m->compressed);
	tc_field_i64(t, 9, m->data_offset);
	if (m->dict)
		tc_field_i64(t, 11, m->offset);
	tc_field(t, 12, TC_STRUCT);              /* Statistics */
	tc_struct_begin(t);
	tc_field_i64(t, 3, m->null_count);
	if (m->has_minmax) {
		tc_field_binary(t, 5, m->max.buf, m->max.len);
		tc_field_binary(t, 6, m->min.buf, m->min.len);
		if (m->max_cut)
			tc_field_bool(t, 7, false);   /* is_max_value_exact */
		if (m->min_cut)
			tc_field_bool(t, 8, false);   /* is_min_value_exact */
	}
	tc_struct_end(t);
	tc_struct_end(t);                        /* ColumnMetaData */
	tc_struct_end(t);                        /* ColumnChunk */
}

int pq_finish(struct pq_writer *w, struct strbuf *out)
{
	struct strbuf foot = STRBUF_INIT;
	struct tc t;
	size_t i, j;
	int r;

	for (i = 0; i < w->ncols; i++)
		if (w->cols[i].set)
			w->failed = true;   /* a row begun, never ended */
	r = w->failed ? -EINVAL : flush_row_group(w);
	if (r < 0)
		goto out;
	tc_init(&t, &foot);
	tc_field_i32(&t, 1, 1);                  /* version */
	tc_field(&t, 2, TC_LIST);
	write_schema(&t, w);
	tc_field_i64(&t, 3, w->total_rows);
	tc_field(&t, 4, TC_LIST);
	tc_list(&t, TC_STRUCT, w->nrg);
	for (i = 0; i < w->nrg; i++) {
		const struct row_group *rg = &w->rgs[i];

		tc_struct_begin(&t);
		tc_field(&t, 1, TC_LIST);
		tc_list(&t, TC_STRUCT, w->ncols);
		for (j = 0; j < w->ncols; j++)
			write_chunk(&t, &w->cols[j].c, &rg->chunks[j]);
		tc_field_i64(&t, 2, rg->total_uncompressed);
		tc_field_i64(&t, 3, rg->rows);
		tc_field_i64(&t, 5, rg->offset);
		tc_field_i64(&t, 6, rg->total_compressed);
		tc_field(&t, 7, TC_I16);
		tc_i32(&t, (int32_t)i);
		tc_struct_end(&t);
	}
	tc_field_binary(&t, 6, w->created_by, strlen(w->created_by));
	tc_field(&t, 7, TC_LIST);                /* column_orders */
	tc_list(&t, TC_STRUCT, w->ncols);
	for (j = 0; j < w->ncols; j++) {
		tc_struct_begin(&t);
		tc_field(&t, 1, TC_STRUCT);      /* TYPE_ORDER */
		tc_struct_begin(&t);
		tc_struct_end(&t);
		tc_struct_end(&t);
	}
	tc_stop(&t);
	strbuf_add(out, w->body.buf, w->body.len);
	strbuf_add(out, foot.buf, foot.len);
	put_le32(out, (uint32_t)foot.len);
	strbuf_add(out, "PAR1", 4);
out:
	strbuf_release(&foot);
	return r;
}
