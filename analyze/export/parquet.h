/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_PARQUET_H
#define MEMSNAP_PARQUET_H
/*
 * A small, strict Parquet writer: flat schemas of INT64, DOUBLE and UTF-8
 * strings (BYTE_ARRAY, STRING logical type), required or optional columns,
 * definition levels in the RLE/bit-packed hybrid, one zstd data page (v1)
 * per column and row group, in the encoding that compresses smallest:
 * PLAIN; RLE_DICTIONARY indices after a dictionary page (repeated paths and
 * names); DELTA_BINARY_PACKED for integers (sorted ids); BYTE_STREAM_SPLIT
 * for doubles; min/max/null_count statistics.
 * The whole file is built in memory (memsnap writes one per view and
 * capture) and handed back in a strbuf.
 *
 *   w = pq_writer_new(cols, n, 0, "memsnap 0.1.0");
 *   for each row: pq_i64(w, 0, v); pq_null(w, 1); pq_string(w, 2, s, len);
 *                 if (pq_end_row(w) < 0) ... (a column left unset, or a
 *                 required one NULL)
 *   pq_finish(w, &out); pq_writer_free(w);
 *
 * pq_string() stores the bytes as given: the caller makes them UTF-8.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/util.h"

enum pq_type { PQ_INT64, PQ_DOUBLE, PQ_STRING };

struct pq_column {
	const char *name;
	enum pq_type type;
	bool required;       /* no NULL: no definition levels */
};

struct pq_writer;

/* row_group_rows: rows per row group, 0 for the default (65536). */
struct pq_writer *pq_writer_new(const struct pq_column *cols, size_t ncols,
				size_t row_group_rows, const char *created_by);
void pq_writer_free(struct pq_writer *w);

void pq_null(struct pq_writer *w, size_t col);
void pq_i64(struct pq_writer *w, size_t col, int64_t v);
void pq_double(struct pq_writer *w, size_t col, double v);
void pq_string(struct pq_writer *w, size_t col, const char *s, size_t len);
/* 0, or -EINVAL when a column was not set or a required one is NULL: the
 * writer is then spoilt and pq_finish() fails (callers check first). */
int pq_end_row(struct pq_writer *w);
/* Append the whole file to out; 0, -EIO when zstd fails, or -EINVAL when
 * the writer is spoilt or a row was begun and not ended. */
int pq_finish(struct pq_writer *w, struct strbuf *out);

/*
 * The minimal reader that keeps the writer honest (unit tests, fuzz target):
 * checks both magics, walks the whole Thrift footer (every field of every
 * struct, bounded), and for every column chunk reads its page header and
 * decompresses the page (and the dictionary page) to the size the header
 * states, then decodes every data page: definition levels, and the values
 * in each encoding the writer uses, every byte accounted for.  Returns 0
 * with the file's num_rows and the number of column chunks, or -EINVAL.
 */
int pq_check(const void *buf, size_t len, int64_t *ret_rows,
	     size_t *ret_chunks);
/* The same, and a digest of every value decoded: the sum over every
 * non-NULL value of pq_value_hash(its column, its index among the column's
 * non-NULL values, its bytes: 8 little-endian bytes for INT64 and DOUBLE,
 * the text for strings).  A test sums the same over what it wrote. */
int pq_check_values(const void *buf, size_t len, int64_t *ret_rows,
		    size_t *ret_chunks, uint64_t *ret_digest);
uint64_t pq_value_hash(size_t col, uint64_t index, const void *buf,
		       size_t len);

#endif
