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
};

/* ColumnMetaData: the fields pq_check follows, the rest skipped. */
static int rd_column_meta(struct rd *r, struct chunk_ref *c)
{
	int16_t last = 0, id;
	int type;
	int64_t v;

	for (;;) {
		if (rd_field(r, &last, &id, &type) < 0)
			return -EINVAL;
		if (!type)
			return c->page_offset >= 0 ? 0 : -EINVAL;
		if ((id == 4 && type == TC_I32) ||
		    ((id == 5 || id == 7 || id == 9 || id == 11) && type == TC_I64)) {
			if (rd_zigzag(r, &v) < 0)
				return -EINVAL;
			if (id == 4)
				c->codec = (int32_t)v;
			else if (id == 5)
				c->num_values = v;
			else if (id == 7)
				c->compressed = v;
			else if (id == 9)
				c->page_offset = v;
			else
				c->dict_offset = v;
		} else if (rd_skip(r, type, 3) < 0) {
			return -EINVAL;
		}
	}
}

/* The page at offset: header, then the body decompressed. */
static int check_page(const unsigned char *buf, size_t end,
		      const struct chunk_ref *c, int64_t offset)
{
	struct rd r = { buf, end, 0 };
	int16_t last = 0, id;
	int type, ret = -EINVAL;
	int64_t v, usize = -1, csize = -1;
	void *out = NULL;
	size_t got;

	if (offset < 4 || (uint64_t)offset >= end)
		return -EINVAL;
	r.pos = (size_t)offset;
	for (;;) {
		if (rd_field(&r, &last, &id, &type) < 0)
			return -EINVAL;
		if (!type)
			break;
		if ((id == 2 || id == 3) && type == TC_I32) {
			if (rd_zigzag(&r, &v) < 0)
				return -EINVAL;
			if (id == 2)
				usize = v;
			else
				csize = v;
		} else if (rd_skip(&r, type, 1) < 0) {
			return -EINVAL;
		}
	}
	if (usize < 0 || csize < 0 || (uint64_t)csize > end - r.pos ||
	    usize > (1 << 30))
		return -EINVAL;
	if (c->codec != 6)
		return c->codec == 0 && csize == usize ? 0 : -EINVAL;
	out = xmalloc(usize ? (size_t)usize : 1);
	got = ZSTD_decompress(out, (size_t)usize, buf + r.pos, (size_t)csize);
	if (!ZSTD_isError(got) && got == (size_t)usize)
		ret = 0;
	free(out);
	return ret;
}

int pq_check(const void *buf, size_t len, int64_t *ret_rows,
	     size_t *ret_chunks)
{
	const unsigned char *p = buf;
	struct rd r;
	uint32_t flen;
	int16_t last = 0, id;
	int type, elem, elem2;
	uint64_t n, i, k, ncols;
	int64_t rows = -1, rg_rows_sum = 0;
	size_t chunks = 0;

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
			return -EINVAL;
		if (!type)
			break;
		if (id == 3 && type == TC_I64) {
			if (rd_zigzag(&r, &rows) < 0)
				return -EINVAL;
			continue;
		}
		if (id != 4 || type != TC_LIST) {
			if (rd_skip(&r, type, 0) < 0)
				return -EINVAL;
			continue;
		}
		if (rd_list(&r, &elem, &n) < 0 || elem != TC_STRUCT)
			return -EINVAL;
		for (i = 0; i < n; i++) {       /* RowGroup */
			int16_t rlast = 0;
			int64_t rg_rows = -1;

			for (;;) {
				if (rd_field(&r, &rlast, &id, &type) < 0)
					return -EINVAL;
				if (!type)
					break;
				if (id == 3 && type == TC_I64) {
					if (rd_zigzag(&r, &rg_rows) < 0)
						return -EINVAL;
					continue;
				}
				if (id != 1 || type != TC_LIST) {
					if (rd_skip(&r, type, 1) < 0)
						return -EINVAL;
					continue;
				}
				if (rd_list(&r, &elem2, &ncols) < 0 ||
				    elem2 != TC_STRUCT)
					return -EINVAL;
				for (k = 0; k < ncols; k++) {   /* ColumnChunk */
					int16_t clast = 0;
					struct chunk_ref c = { -1, -1, -1, -1, 0 };

					for (;;) {
						if (rd_field(&r, &clast, &id, &type) < 0)
							return -EINVAL;
						if (!type)
							break;
						if (id == 3 && type == TC_STRUCT) {
							if (rd_column_meta(&r, &c) < 0)
								return -EINVAL;
						} else if (rd_skip(&r, type, 2) < 0) {
							return -EINVAL;
						}
					}
					if (check_page(p, len - 8 - flen, &c, c.page_offset) < 0 ||
					    (c.dict_offset >= 0 &&
					     (c.dict_offset >= c.page_offset ||
					      check_page(p, len - 8 - flen, &c, c.dict_offset) < 0)))
						return -EINVAL;
					chunks++;
				}
			}
			if (rg_rows < 0)
				return -EINVAL;
			rg_rows_sum += rg_rows;
		}
	}
	if (rows < 0 || rows != rg_rows_sum || r.pos != r.len)
		return -EINVAL;
	*ret_rows = rows;
	*ret_chunks = chunks;
	return 0;
}
