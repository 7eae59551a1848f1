/* SPDX-License-Identifier: MIT */
/*
 * pq_check(): the minimal Parquet reader that keeps parquet.c honest (see
 * parquet.h).  It reads any Thrift compact struct generically, so a field
 * the writer got wrong (type, length, nesting) makes the walk fail, and
 * follows every column chunk to its pages (the dictionary page too).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "analyze/export/parquet.h"
#include "analyze/export/parquet_thrift.h"
#include "analyze/export/thrift.h"

#include "common/banned.h"

struct rd {
	const unsigned char *p;
	size_t len, pos;
};

static int rd_varint(struct rd *r, uint64_t *ret)
{
	uint64_t v = 0;
	int shift = 0;

	while (r->pos < r->len && shift < 64) {
		unsigned char b = r->p[r->pos++];

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return 0;
		}
		shift += 7;
	}
	return -EINVAL;
}

static int rd_zigzag(struct rd *r, int64_t *ret)
{
	uint64_t v;

	if (rd_varint(r, &v) < 0)
		return -EINVAL;
	*ret = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
	return 0;
}

/* A field header: *ret_type 0 at the stop byte. */
static int rd_field(struct rd *r, int16_t *last, int16_t *ret_id,
		    int *ret_type)
{
	unsigned char b;
	int64_t id;

	if (r->pos >= r->len)
		return -EINVAL;
	b = r->p[r->pos++];
	*ret_type = b & 0x0f;
	if (!*ret_type)
		return 0;
	if (b >> 4) {
		*ret_id = (int16_t)(*last + (b >> 4));
	} else {
		if (rd_zigzag(r, &id) < 0 || id < INT16_MIN || id > INT16_MAX)
			return -EINVAL;
		*ret_id = (int16_t)id;
	}
	*last = *ret_id;
	return 0;
}

static int rd_skip(struct rd *r, int type, int depth);

static int rd_list(struct rd *r, int *ret_elem, uint64_t *ret_n)
{
	unsigned char b;

	if (r->pos >= r->len)
		return -EINVAL;
	b = r->p[r->pos++];
	*ret_elem = b & 0x0f;
	*ret_n = b >> 4;
	if (*ret_n == 15 && rd_varint(r, ret_n) < 0)
		return -EINVAL;
	/* every element takes a byte at least (bools in lists too) */
	if (*ret_n > r->len - r->pos)
		return -EINVAL;
	return 0;
}

static int rd_skip_struct(struct rd *r, int depth)
{
	int16_t last = 0, id;
	int type;

	for (;;) {
		if (rd_field(r, &last, &id, &type) < 0)
			return -EINVAL;
		if (!type)
			return 0;
		if (rd_skip(r, type, depth) < 0)
			return -EINVAL;
	}
}

static int rd_skip(struct rd *r, int type, int depth)
{
	uint64_t n, i;
	int64_t v;
	int elem;

	if (depth > TC_MAX_DEPTH)
		return -EINVAL;
	switch (type) {
	case TC_BOOL_TRUE: case TC_BOOL_FALSE:
		return 0;
	case TC_BYTE:
		if (r->pos >= r->len)
			return -EINVAL;
		r->pos++;
		return 0;
	case TC_I16: case TC_I32: case TC_I64:
		return rd_zigzag(r, &v);
	case TC_DOUBLE:
		if (r->len - r->pos < 8)
			return -EINVAL;
		r->pos += 8;
		return 0;
	case TC_BINARY:
		if (rd_varint(r, &n) < 0 || n > r->len - r->pos)
			return -EINVAL;
		r->pos += n;
		return 0;
	case TC_LIST: case TC_SET:
		if (rd_list(r, &elem, &n) < 0)
			return -EINVAL;
		for (i = 0; i < n; i++) {
			if (elem == TC_BOOL_TRUE || elem == TC_BOOL_FALSE) {
				if (rd_skip(r, TC_BYTE, depth + 1) < 0)
					return -EINVAL;
			} else if (rd_skip(r, elem, depth + 1) < 0) {
				return -EINVAL;
			}
		}
		return 0;
	case TC_STRUCT:
		return rd_skip_struct(r, depth + 1);
	default:
		return -EINVAL;   /* maps are not in a Parquet footer */
	}
}

struct chunk_ref {
	int64_t num_values, compressed, page_offset;
	int64_t dict_offset;      /* -1: no dictionary page */
	int32_t codec;
	int32_t type;             /* physical: T_INT64, T_DOUBLE, T_BYTE_ARRAY */
};

/*
 * A struct's integer fields (i16, i32, i64) of ids below n into v[id] (the
 * others -1); with sub, its struct fields of ids below n read the same way
 * into sub (a page header's DataPageHeader or DictionaryPageHeader);
 * everything else skipped.
 */
static int rd_ints(struct rd *r, int64_t *v, int64_t *sub, int n, int depth)
{
	int16_t last = 0, id;
	int type, i;

	for (i = 0; i < n; i++)
		v[i] = -1;
	for (;;) {
		if (rd_field(r, &last, &id, &type) < 0)
			return -EINVAL;
		if (!type)
			return 0;
		if (id >= 0 && id < n &&
		    (type == TC_I16 || type == TC_I32 || type == TC_I64)) {
			if (rd_zigzag(r, &v[id]) < 0)
				return -EINVAL;
		} else if (id >= 0 && id < n && type == TC_STRUCT && sub) {
			if (rd_ints(r, sub, NULL, n, depth + 1) < 0)
				return -EINVAL;
		} else if (rd_skip(r, type, depth) < 0) {
			return -EINVAL;
		}
	}
}

/* ColumnMetaData: type (1), codec (4), num_values (5), compressed size
 * (7), data page offset (9), dictionary page offset (11). */
static int rd_column_meta(struct rd *r, struct chunk_ref *c)
{
	int64_t v[12];

	if (rd_ints(r, v, NULL, 12, 3) < 0 || v[9] < 0 ||
	    v[1] < 0 || v[1] > INT32_MAX || v[4] < 0 || v[4] > INT32_MAX)
		return -EINVAL;
	c->type = (int32_t)v[1];
	c->codec = (int32_t)v[4];
	c->num_values = v[5];
	c->compressed = v[7];
	c->page_offset = v[9];
	c->dict_offset = v[11];
	return 0;
}

/* no more values in a page than this: allocations stay bounded */
#define MAX_PAGE_VALUES (1 << 26)

struct page {
	int32_t type, num_values, encoding;
	unsigned char *data;      /* decompressed, len bytes */
	size_t len;
};

/* The page at offset: its header, then its body decompressed into pg->data
 * (the caller frees it). */
static int read_page(const unsigned char *buf, size_t end,
		     const struct chunk_ref *c, int64_t offset, struct page *pg)
{
	struct rd r = { buf, end, 0 };
	int64_t v[8], sub[8], usize, csize;
	size_t got;

	int i;

	memset(pg, 0, sizeof(*pg));
	for (i = 0; i < 8; i++)
		sub[i] = -1;      /* rd_ints() sets it only when there is one */
	if (offset < 4 || (uint64_t)offset >= end)
		return -EINVAL;
	r.pos = (size_t)offset;
	/* PageHeader: type (1), sizes (2, 3), the data (5) or dictionary (7)
	 * page header: num_values (1), encoding (2) */
	if (rd_ints(&r, v, sub, 8, 1) < 0)
		return -EINVAL;
	usize = v[2];
	csize = v[3];
	if (usize < 0 || csize < 0 || (uint64_t)csize > end - r.pos ||
	    usize > (1 << 30) || v[1] < 0 || v[1] > 7 || sub[1] < 0 ||
	    sub[1] > MAX_PAGE_VALUES || sub[2] < 0 || sub[2] > 16)
		return -EINVAL;
	pg->type = (int32_t)v[1];
	pg->num_values = (int32_t)sub[1];
	pg->encoding = (int32_t)sub[2];
	pg->data = xmalloc(usize ? (size_t)usize : 1);
	pg->len = (size_t)usize;
	if (c->codec == CODEC_UNCOMPRESSED) {
		if (csize != usize)
			return -EINVAL;
		memcpy(pg->data, buf + r.pos, pg->len);
		return 0;
	}
	if (c->codec != CODEC_ZSTD)
		return -EINVAL;
	got = ZSTD_decompress(pg->data, pg->len, buf + r.pos, (size_t)csize);
	return !ZSTD_isError(got) && got == pg->len ? 0 : -EINVAL;
}

/* The values of a column as they are decoded, for the digest. */
struct values {
	size_t col;
	uint64_t next;            /* index of the next non-NULL value */
	uint64_t digest;
};

static void value(struct values *vs, const void *p, size_t len)
{
	vs->digest += pq_value_hash(vs->col, vs->next++, p, len);
}

/*
 * n values of the RLE/bit-packed hybrid at bit width (<= 32) from p[0..len)
 * into out[], which must fill len exactly (the last bit-packed group may be
 * padded past n).  Every value must be below limit.
 */
static int rd_hybrid(const unsigned char *p, size_t len, int width, size_t n,
		     uint32_t *out, uint64_t limit)
{
	struct rd r = { p, len, 0 };
	size_t got = 0, i, bytes = (size_t)(width + 7) / 8;
	uint64_t h;

	if (width < 0 || width > 32)
		return -EINVAL;
	while (got < n) {
		if (rd_varint(&r, &h) < 0 || !(h >> 1) || (h >> 1) > n)
			return -EINVAL;
		if (h & 1) {            /* bit-packed: (h >> 1) groups of 8 */
			uint64_t vals = (h >> 1) * 8, bit = 0;

			if ((h >> 1) > (len - r.pos) / (size_t)(width ? width : 1) ||
			    vals - 8 >= n - got)
				return -EINVAL;   /* too long, or padding a whole group */
			for (i = 0; i < vals; i++, bit += (uint64_t)width) {
				uint64_t v = 0;
				int k;

				for (k = 0; k < width; k++) {
					uint64_t b = bit + (uint64_t)k;

					v |= (uint64_t)(p[r.pos + b / 8] >> (b % 8) & 1) << k;
				}
				if (got + i < n) {
					if (v >= limit)
						return -EINVAL;
					out[got + i] = (uint32_t)v;
				}
			}
			r.pos += (size_t)(h >> 1) * (size_t)width;
			got += vals < n - got ? vals : n - got;
		} else {                /* a run of h >> 1 copies of one value */
			uint64_t v = 0;

			if (h >> 1 > n - got || len - r.pos < bytes)
				return -EINVAL;
			for (i = 0; i < bytes; i++)
				v |= (uint64_t)p[r.pos + i] << (8 * i);
			r.pos += bytes;
			if (v >= limit)
				return -EINVAL;
			for (i = 0; i < (h >> 1); i++)
				out[got++] = (uint32_t)v;
		}
	}
	return r.pos == len ? 0 : -EINVAL;
}

static void value_u64(struct values *vs, uint64_t v)
{
	unsigned char le[8];
	int j;

	for (j = 0; j < 8; j++)
		le[j] = (unsigned char)(v >> (8 * j));
	value(vs, le, 8);
}

/* The bits [bit, bit + width) of p, LSB first. */
static uint64_t get_bits(const unsigned char *p, uint64_t bit, int width)
{
	uint64_t v = 0, b;
	int k;

	for (k = 0; k < width; k++) {
		b = bit + (uint64_t)k;
		v |= (uint64_t)(p[b / 8] >> (b % 8) & 1) << k;
	}
	return v;
}

/* DELTA_BINARY_PACKED INT64 values, n of them, filling p[0..len): the
 * header, the first value, then blocks of a least delta, the miniblocks'
 * bit widths and the bodies of the miniblocks needed. */
static int rd_dbp(const unsigned char *p, size_t len, size_t n,
		  struct values *vs)
{
	struct rd r = { p, len, 0 };
	uint64_t block, minis, count, per, v, left, m, i;
	int64_t first, min;

	if (rd_varint(&r, &block) < 0 || rd_varint(&r, &minis) < 0 ||
	    rd_varint(&r, &count) < 0 || rd_zigzag(&r, &first) < 0 ||
	    !block || block % 128 || block > 1 << 20 || !minis ||
	    block % minis || (block / minis) % 32 || count != n)
		return -EINVAL;
	per = block / minis;
	v = (uint64_t)first;
	if (n)
		value_u64(vs, v);
	left = n ? n - 1 : 0;           /* deltas */
	while (left) {
		size_t wpos;

		if (rd_zigzag(&r, &min) < 0 || len - r.pos < minis)
			return -EINVAL;
		wpos = r.pos;
		r.pos += minis;
		for (m = 0; m < minis && left; m++) {
			int width = p[wpos + m];

			if (width > 64 || len - r.pos < per * (uint64_t)width / 8)
				return -EINVAL;
			for (i = 0; i < per && left; i++, left--) {
				v += (uint64_t)min +
				     get_bits(p + r.pos, i * (uint64_t)width, width);
				value_u64(vs, v);
			}
			r.pos += (size_t)(per * (uint64_t)width / 8);
		}
	}
	return r.pos == len ? 0 : -EINVAL;
}

/* A decoded dictionary: its values' bytes (PLAIN, lengths left out). */
struct dict {
	const unsigned char **val;
	size_t *len, n;
};

/* n PLAIN values of physical type at p[0..len), exactly; with d, kept
 * as a dictionary instead of counted. */
static int rd_plain(const unsigned char *p, size_t len, int32_t type, size_t n,
		    struct values *vs, struct dict *d)
{
	size_t pos = 0, i;

	if (d) {
		d->val = xcalloc(n ? n : 1, sizeof(*d->val));
		d->len = xcalloc(n ? n : 1, sizeof(*d->len));
		d->n = n;
	}
	for (i = 0; i < n; i++) {
		size_t l = 8;

		if (type == T_BYTE_ARRAY) {
			if (len - pos < 4)
				return -EINVAL;
			l = (size_t)p[pos] | (size_t)p[pos + 1] << 8 |
			    (size_t)p[pos + 2] << 16 | (size_t)p[pos + 3] << 24;
			pos += 4;
		}
		if (len - pos < l)
			return -EINVAL;
		if (d) {
			d->val[i] = p + pos;
			d->len[i] = l;
		} else {
			value(vs, p + pos, l);
		}
		pos += l;
	}
	return pos == len ? 0 : -EINVAL;
}

/*
 * A v1 data page of a column chunk: the definition levels (optional
 * columns: a 4-byte length, then the hybrid at bit width 1), then the
 * defined values in the page's encoding, every byte accounted for.
 */
static int rd_data_page(const struct page *pg, int32_t type, bool optional,
			const struct dict *d, struct values *vs)
{
	const unsigned char *p = pg->data;
	size_t len = pg->len, n = (size_t)pg->num_values, i, k;
	uint32_t *lv = NULL;
	int r = -EINVAL;

	if (type != T_INT64 && type != T_DOUBLE && type != T_BYTE_ARRAY)
		return -EINVAL;
	lv = xcalloc(n ? n : 1, sizeof(*lv));
	if (optional) {
		size_t dl;

		if (len < 4)
			goto out;
		dl = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
		     (size_t)p[3] << 24;
		if (dl > len - 4 || rd_hybrid(p + 4, dl, 1, n, lv, 2) < 0)
			goto out;
		p += 4 + dl;
		len -= 4 + dl;
		for (i = 0, k = 0; i < n; i++)
			k += lv[i];
		n = k;
	}
	switch (pg->encoding) {
	case ENC_PLAIN:
		r = rd_plain(p, len, type, n, vs, NULL);
		break;
	case ENC_BYTE_STREAM_SPLIT:
		if (type == T_BYTE_ARRAY || len != n * 8)
			break;
		for (i = 0; i < n; i++) {
			unsigned char le[8];

			for (k = 0; k < 8; k++)
				le[k] = p[k * n + i];
			value(vs, le, 8);
		}
		r = 0;
		break;
	case ENC_DELTA_BINARY_PACKED:
		if (type == T_INT64)
			r = rd_dbp(p, len, n, vs);
		break;
	case ENC_RLE_DICTIONARY:
		if (!d || len < 1 || rd_hybrid(p + 1, len - 1, p[0], n, lv, d->n) < 0)
			break;
		for (i = 0; i < n; i++)
			value(vs, d->val[lv[i]], d->len[lv[i]]);
		r = 0;
		break;
	}
out:
	free(lv);
	return r;
}

/*
 * A column chunk: its dictionary page if it has one (PLAIN), then its one
 * data page, of c->num_values values; their digest into vs.
 */
static int check_chunk(const unsigned char *buf, size_t end,
		       const struct chunk_ref *c, bool optional,
		       struct values *vs)
{
	struct page dp = { 0 }, pg = { 0 };
	struct dict d = { 0 };
	int r = -EINVAL;

	if (c->dict_offset >= 0 &&
	    (c->dict_offset >= c->page_offset ||
	     read_page(buf, end, c, c->dict_offset, &dp) < 0 ||
	     dp.type != PAGE_DICTIONARY || dp.encoding != ENC_PLAIN ||
	     rd_plain(dp.data, dp.len, c->type, (size_t)dp.num_values, vs, &d) < 0))
		goto out;
	if (read_page(buf, end, c, c->page_offset, &pg) < 0 ||
	    pg.type != PAGE_DATA || pg.num_values != c->num_values ||
	    (pg.encoding == ENC_RLE_DICTIONARY) != (c->dict_offset >= 0) ||
	    rd_data_page(&pg, c->type, optional, c->dict_offset >= 0 ? &d : NULL, vs) < 0)
		goto out;
	r = 0;
out:
	free(d.val);
	free(d.len);
	free(dp.data);
	free(pg.data);
	return r;
}

uint64_t pq_value_hash(size_t col, uint64_t index, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t h = 14695981039346656037ULL ^ len, x;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	/* splitmix64 of the value's hash, its column and its place */
	x = h ^ ((uint64_t)col << 48) ^ (index * 0x9e3779b97f4a7c15ULL);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The schema (FileMetaData field 2): a root, then flat leaves; whether each
 * leaf is optional, into *ret_opt (ret_n of them). */
static int rd_schema(struct rd *r, bool **ret_opt, uint64_t *ret_n)
{
	uint64_t n, i;
	int elem;

	if (rd_list(r, &elem, &n) < 0 || elem != TC_STRUCT || n < 1 ||
	    rd_skip_struct(r, 1) < 0)
		return -EINVAL;
	free(*ret_opt);
	*ret_opt = xcalloc(n, sizeof(**ret_opt));
	*ret_n = n - 1;
	for (i = 0; i + 1 < n; i++) {
		int16_t last = 0, id;
		int type;
		int64_t v;

		for (;;) {
			if (rd_field(r, &last, &id, &type) < 0)
				return -EINVAL;
			if (!type)
				break;
			if (id == 3 && type == TC_I32) {
				if (rd_zigzag(r, &v) < 0 || v < 0 || v > 1)
					return -EINVAL;   /* required or optional */
				(*ret_opt)[i] = v == REP_OPTIONAL;
			} else if (id == 5) {
				return -EINVAL;           /* a nested group */
			} else if (rd_skip(r, type, 2) < 0) {
				return -EINVAL;
			}
		}
	}
	return 0;
}

int pq_check(const void *buf, size_t len, int64_t *ret_rows,
	     size_t *ret_chunks)
{
	uint64_t digest;

	return pq_check_values(buf, len, ret_rows, ret_chunks, &digest);
}

int pq_check_values(const void *buf, size_t len, int64_t *ret_rows,
		    size_t *ret_chunks, uint64_t *ret_digest)
{
	const unsigned char *p = buf;
	struct rd r;
	uint32_t flen;
	int16_t last = 0, id;
	int type, elem, elem2, ret = -EINVAL;
	uint64_t n, i, k, ncols, nleaves = 0;
	int64_t rows = -1, rg_rows_sum = 0;
	size_t chunks = 0;
	bool *optional = NULL;
	struct values *vs = NULL;
	uint64_t digest = 0;

	if (len < 12 || memcmp(p, "PAR1", 4) || memcmp(p + len - 4, "PAR1", 4))
		return -EINVAL;
	flen = (uint32_t)p[len - 8] | (uint32_t)p[len - 7] << 8 |
	       (uint32_t)p[len - 6] << 16 | (uint32_t)p[len - 5] << 24;
	if (flen > len - 12)
		return -EINVAL;
	r.p = p + len - 8 - flen;
	r.len = flen;
	r.pos = 0;
	for (;;) {
		if (rd_field(&r, &last, &id, &type) < 0)
			goto out;
		if (!type)
			break;
		if (id == 3 && type == TC_I64) {
			if (rd_zigzag(&r, &rows) < 0)
				goto out;
			continue;
		}
		if (id == 2 && type == TC_LIST) {
			if (vs || rd_schema(&r, &optional, &nleaves) < 0)
				goto out;
			vs = xcalloc(nleaves ? nleaves : 1, sizeof(*vs));
			for (k = 0; k < nleaves; k++)
				vs[k].col = k;
			continue;
		}
		if (id != 4 || type != TC_LIST) {
			if (rd_skip(&r, type, 0) < 0)
				goto out;
			continue;
		}
		if (!vs || rd_list(&r, &elem, &n) < 0 || elem != TC_STRUCT)
			goto out;
		for (i = 0; i < n; i++) {       /* RowGroup */
			int16_t rlast = 0;
			int64_t rg_rows = -1;

			for (;;) {
				if (rd_field(&r, &rlast, &id, &type) < 0)
					goto out;
				if (!type)
					break;
				if (id == 3 && type == TC_I64) {
					if (rd_zigzag(&r, &rg_rows) < 0)
						goto out;
					continue;
				}
				if (id != 1 || type != TC_LIST) {
					if (rd_skip(&r, type, 1) < 0)
						goto out;
					continue;
				}
				if (rd_list(&r, &elem2, &ncols) < 0 ||
				    elem2 != TC_STRUCT || ncols != nleaves)
					goto out;
				for (k = 0; k < ncols; k++) {   /* ColumnChunk */
					int16_t clast = 0;
					struct chunk_ref c = { -1, -1, -1, -1, 0, -1 };

					for (;;) {
						if (rd_field(&r, &clast, &id, &type) < 0)
							goto out;
						if (!type)
							break;
						if (id == 3 && type == TC_STRUCT) {
							if (rd_column_meta(&r, &c) < 0)
								goto out;
						} else if (rd_skip(&r, type, 2) < 0) {
							goto out;
						}
					}
					if (check_chunk(p, len - 8 - flen, &c, optional[k],
							&vs[k]) < 0)
						goto out;
					chunks++;
				}
			}
			if (rg_rows < 0)
				goto out;
			rg_rows_sum += rg_rows;
		}
	}
	if (rows < 0 || rows != rg_rows_sum || r.pos != r.len)
		goto out;
	for (k = 0; k < nleaves; k++)
		digest += vs[k].digest;
	*ret_rows = rows;
	*ret_chunks = chunks;
	*ret_digest = digest;
	ret = 0;
out:
	free(optional);
	free(vs);
	return ret;
}
