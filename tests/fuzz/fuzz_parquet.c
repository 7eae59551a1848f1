/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the Parquet writer (analyze/export/parquet.c) on random
 * typed rows.  The input's first bytes choose the schema (1-8 columns, each
 * INT64, DOUBLE or STRING, required or optional) and the rows per row
 * group; the rest are the rows, a column at a time: a NULL flag, then the
 * value (8 bytes, or a length byte and that many bytes).  The writer must
 * not crash, must refuse exactly the rows that break the schema, and its
 * file must pass pq_check_values() (footer walked, every page decompressed
 * and decoded, whatever encoding the writer chose) with the number of rows
 * written and the digest of every value written.  A broken contract
 * aborts.
 */
#include <string.h>

#include "analyze/export/export.h"
#include "analyze/export/parquet.h"
#include "tests/fuzz/fuzz.h"

struct in {
	const uint8_t *p;
	size_t len, pos;
};

static int take(struct in *in, void *dst, size_t n)
{
	if (in->len - in->pos < n)
		return -1;
	memcpy(dst, in->p + in->pos, n);
	in->pos += n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *names[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	struct pq_column cols[8];
	struct in in = { data, size, 0 };
	struct strbuf out = STRBUF_INIT, text = STRBUF_INIT;
	struct pq_writer *w;
	uint8_t ncols, rg, b;
	int64_t rows = 0, got;
	uint64_t digest = 0, got_digest, nvals[8] = { 0 };
	size_t i, chunks;
	bool spoilt = false;

	if (take(&in, &ncols, 1) < 0 || take(&in, &rg, 1) < 0)
		return 0;
	ncols = (uint8_t)(ncols % 8 + 1);
	for (i = 0; i < ncols; i++) {
		if (take(&in, &b, 1) < 0)
			return 0;
		cols[i].name = names[i];
		cols[i].type = (enum pq_type)(b % 3);
		cols[i].required = (b & 4) != 0;
	}
	w = pq_writer_new(cols, ncols, rg % 16, "fuzz");
	while (in.pos < in.len) {
		uint64_t row_digest = 0;
		bool bad = false, begun = false, set[8] = { false };

		for (i = 0; i < ncols; i++) {
			uint8_t flag = 0, len = 0;
			char buf[255];
			int64_t v = 0;
			double d;

			if (take(&in, &flag, 1) < 0)
				break;
			begun |= (flag & 1) || !(flag & 2);   /* marked */
			if (flag & 1) {
				pq_null(w, i);
				bad |= cols[i].required;
				continue;
			}
			if (flag & 2) {
				bad = true;      /* leave the column unset */
				continue;
			}
			switch (cols[i].type) {
			case PQ_INT64:
				take(&in, &v, 8);
				pq_i64(w, i, v);
				break;
			case PQ_DOUBLE:
				take(&in, &v, 8);
				memcpy(&d, &v, 8);
				pq_double(w, i, d);
				break;
			case PQ_STRING:
				take(&in, &len, 1);
				if (take(&in, buf, len) < 0)
					len = 0;
				strbuf_reset(&text);
				export_text(&text, buf, len);
				pq_string(w, i, text.buf, text.len);
				break;
			}
			set[i] = true;
			if (cols[i].type == PQ_STRING) {
				row_digest += pq_value_hash(i, nvals[i], text.buf, text.len);
			} else {
				uint8_t le[8];
				int k;

				for (k = 0; k < 8; k++)   /* as stored: little-endian */
					le[k] = (uint8_t)((uint64_t)v >> (8 * k));
				row_digest += pq_value_hash(i, nvals[i], le, 8);
			}
		}
		if (i < ncols) {         /* a row cut short is not ended: */
			spoilt |= begun; /* pq_finish() refuses a row begun */
			break;
		}
		FUZZ_CHECK((pq_end_row(w) < 0) == bad);
		if (bad) {
			spoilt = true;
		} else {
			rows++;
			digest += row_digest;
			for (i = 0; i < ncols; i++)
				nvals[i] += set[i];
		}
	}
	if (spoilt) {
		FUZZ_CHECK(pq_finish(w, &out) < 0);
	} else {
		FUZZ_CHECK(pq_finish(w, &out) == 0);
		FUZZ_CHECK(pq_check_values(out.buf, out.len, &got, &chunks,
					   &got_digest) == 0);
		FUZZ_CHECK(got == rows);
		FUZZ_CHECK(got_digest == digest);
	}
	pq_writer_free(w);
	strbuf_release(&out);
	strbuf_release(&text);
	return 0;
}
