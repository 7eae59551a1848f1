/* SPDX-License-Identifier: MIT */
/*
 * analyze/export/: the Thrift compact encoder and the Parquet writer
 * against bytes worked out by hand from the specifications
 * (thrift-compact-protocol.md, parquet.thrift, Encodings.md), the minimal
 * reader pq_check() on good and broken files, the capture uid and the text
 * rule of the export.  `test_parquet --check FILE...` runs pq_check() on
 * files (t80-export-schema.sh checks every exported file with it).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <cmocka.h>

#include "analyze/export/export.h"
#include "analyze/export/parquet.h"
#include "analyze/export/thrift.h"
#include "common/util.h"

#define assert_bytes(sb, want) do { \
	static const unsigned char w_[] = want; \
	assert_int_equal((sb)->len, sizeof(w_) - 1); \
	assert_memory_equal((sb)->buf, w_, sizeof(w_) - 1); \
} while (0)

static void test_tc_fields(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct tc t;

	(void)state;
	tc_init(&t, &sb);
	tc_field_i32(&t, 1, 1);          /* delta 1, i32: 0x15; zigzag(1) = 2 */
	tc_field_i64(&t, 3, -1);         /* delta 2, i64: 0x26; zigzag(-1) = 1 */
	tc_field_i32(&t, 20, 300);       /* delta 17: long form 0x05, zigzag(20) = 40,
					  * zigzag(300) = 600 = 0xd8 0x04 */
	tc_field_binary(&t, 21, "ab", 2);  /* 0x18, length 2 */
	tc_field(&t, 22, TC_LIST);       /* 0x19, 3 i32: 0x35 */
	tc_list(&t, TC_I32, 3);
	tc_i32(&t, 1);
	tc_i32(&t, 2);
	tc_i32(&t, 3);
	tc_field(&t, 23, TC_STRUCT);     /* 0x1c; inside, ids start again */
	tc_struct_begin(&t);
	tc_field_i32(&t, 1, 0);          /* 0x15 0x00 */
	tc_struct_end(&t);               /* 0x00 */
	tc_field_i32(&t, 24, 7);         /* delta from 23: 0x15, 14 */
	tc_field_bool(&t, 25, true);     /* 0x11 */
	tc_field_bool(&t, 26, false);    /* 0x12 */
	tc_field(&t, 27, TC_LIST);       /* 0x19; 20 elements: 0xf5 0x14 */
	tc_list(&t, TC_I32, 20);
	tc_stop(&t);
	assert_bytes(&sb, "\x15\x02" "\x26\x01" "\x05\x28\xd8\x04" "\x18\x02" "ab"
		     "\x19\x35\x02\x04\x06" "\x1c\x15\x00\x00" "\x15\x0e"
		     "\x11" "\x12" "\x19\xf5\x14" "\x00");
	strbuf_release(&sb);
}

static void test_tc_varint_limits(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct tc t;

	(void)state;
	tc_init(&t, &sb);
	tc_i64(&t, INT64_MIN);   /* zigzag: 2^64 - 1, ten bytes */
	assert_bytes(&sb, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
	strbuf_reset(&sb);
	tc_i64(&t, INT64_MAX);   /* zigzag: 2^64 - 2 */
	assert_bytes(&sb, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01");
	strbuf_release(&sb);
}

static const struct pq_column three[] = {
	{ "a", PQ_INT64, false },
	{ "s", PQ_STRING, false },
	{ "d", PQ_DOUBLE, true },
};

/* rows (5, 'x', 0.5), (NULL, NULL, -0.0), (7, 'yz', 2.0) */
static void write_three(struct strbuf *out, size_t rg_rows)
{
	struct pq_writer *w = pq_writer_new(three, 3, rg_rows, "test");

	pq_i64(w, 0, 5); pq_string(w, 1, "x", 1); pq_double(w, 2, 0.5);
	assert_int_equal(pq_end_row(w), 0);
	pq_null(w, 0); pq_null(w, 1); pq_double(w, 2, -0.0);
	assert_int_equal(pq_end_row(w), 0);
	pq_i64(w, 0, 7); pq_string(w, 1, "yz", 2); pq_double(w, 2, 2.0);
	assert_int_equal(pq_end_row(w), 0);
	assert_int_equal(pq_finish(w, out), 0);
	pq_writer_free(w);
}

static const unsigned char *find(const struct strbuf *sb, const void *needle,
				 size_t n)
{
	return memmem(sb->buf, sb->len, needle, n);
}

static void test_pq_first_page(void **state)
{
	/* column a's page: definition levels 1,0,1 bit-packed (length 2,
	 * header (1 group << 1) | 1 = 3, bits 0b101), then 5 and 7 as
	 * DELTA_BINARY_PACKED, smaller than PLAIN: block size 128 (varint
	 * 0x80 0x01), 4 miniblocks, 2 values, first value 5 (zigzag 10);
	 * one block: least delta 2 (zigzag 4), the widths of its miniblocks
	 * all 0 (every delta is the least), so no miniblock body */
	static const unsigned char body[] =
		"\x02\x00\x00\x00" "\x03\x05"
		"\x80\x01" "\x04" "\x02" "\x0a" "\x04" "\x00\x00\x00\x00";
	/* PageHeader: type 0, uncompressed 16 (zigzag 32 = 0x20), compressed
	 * (read back), DataPageHeader {3 values, DELTA_BINARY_PACKED (5),
	 * RLE, RLE} */
	static const unsigned char head[] = "\x15\x00" "\x15\x20" "\x15";
	static const unsigned char dph[] =
		"\x2c" "\x15\x06" "\x15\x0a" "\x15\x06" "\x15\x06" "\x00" "\x00";
	struct strbuf f = STRBUF_INIT;
	const unsigned char *p;
	unsigned char out[64];
	uint64_t csize;
	size_t got;

	(void)state;
	write_three(&f, 0);
	assert_memory_equal(f.buf, "PAR1", 4);
	p = (const unsigned char *)f.buf + 4;
	assert_memory_equal(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	csize = *p >> 1;          /* one varint byte: a small page */
	assert_true(*p < 0x80);
	p++;
	assert_memory_equal(p, dph, sizeof(dph) - 1);
	p += sizeof(dph) - 1;
	got = ZSTD_decompress(out, sizeof(out), p, csize);
	assert_int_equal(got, sizeof(body) - 1);
	assert_memory_equal(out, body, sizeof(body) - 1);
	strbuf_release(&f);
}

static void test_pq_footer(void **state)
{
	/* SchemaElement of s: BYTE_ARRAY (6, zigzag 12), OPTIONAL (1 -> 2),
	 * name, converted_type UTF8 (0), logicalType { STRING {} } */
	static const unsigned char schema_s[] =
		"\x15\x0c" "\x25\x02" "\x18\x01s" "\x25\x00" "\x4c\x1c\x00\x00" "\x00";
	/* SchemaElement of d: DOUBLE (5 -> 10), REQUIRED (0) */
	static const unsigned char schema_d[] = "\x15\x0a" "\x25\x00" "\x18\x01" "d" "\x00";
	/* Statistics of a: null_count 1, max_value 7, min_value 5 */
	static const unsigned char stats_a[] =
		"\x36\x02" "\x28\x08\x07\x00\x00\x00\x00\x00\x00\x00"
		"\x18\x08\x05\x00\x00\x00\x00\x00\x00\x00" "\x00";
	/* Statistics of s: strings compare as bytes: max "yz", min "x" */
	static const unsigned char stats_s[] =
		"\x36\x02" "\x28\x02yz" "\x18\x01x" "\x00";
	/* Statistics of d: a zero minimum is -0.0, the maximum 2.0 */
	static const unsigned char stats_d[] =
		"\x36\x00" "\x28\x08\x00\x00\x00\x00\x00\x00\x00\x40"
		"\x18\x08\x00\x00\x00\x00\x00\x00\x00\x80" "\x00";
	struct strbuf f = STRBUF_INIT;
	int64_t rows;
	size_t chunks;

	(void)state;
	write_three(&f, 0);
	assert_non_null(find(&f, schema_s, sizeof(schema_s) - 1));
	assert_non_null(find(&f, schema_d, sizeof(schema_d) - 1));
	assert_non_null(find(&f, stats_a, sizeof(stats_a) - 1));
	assert_non_null(find(&f, stats_s, sizeof(stats_s) - 1));
	assert_non_null(find(&f, stats_d, sizeof(stats_d) - 1));
	assert_non_null(find(&f, "test", 4));   /* created_by */
	assert_int_equal(pq_check(f.buf, f.len, &rows, &chunks), 0);
	assert_int_equal(rows, 3);
	assert_int_equal(chunks, 3);
	strbuf_release(&f);
}

static void test_pq_row_groups(void **state)
{
	struct strbuf f = STRBUF_INIT, g = STRBUF_INIT;
	struct pq_writer *w;
	int64_t rows;
	size_t chunks, i;

	(void)state;
	write_three(&f, 2);      /* two row groups: 2 rows, then 1 */
	assert_int_equal(pq_check(f.buf, f.len, &rows, &chunks), 0);
	assert_int_equal(rows, 3);
	assert_int_equal(chunks, 6);
	/* 20 rows, all NULL in a: one RLE run (20 << 1 = 40, value 0) */
	w = pq_writer_new(three, 3, 0, "test");
	for (i = 0; i < 20; i++) {
		pq_null(w, 0); pq_null(w, 1); pq_double(w, 2, 1.0);
		assert_int_equal(pq_end_row(w), 0);
	}
	assert_int_equal(pq_finish(w, &g), 0);
	pq_writer_free(w);
	assert_int_equal(pq_check(g.buf, g.len, &rows, &chunks), 0);
	assert_int_equal(rows, 20);
	strbuf_release(&f);
	strbuf_release(&g);
}

/* a varint at *p (Thrift compact), *p moved past it */
static uint64_t varint_at(const unsigned char **p)
{
	uint64_t v = 0;
	int shift = 0;

	do {
		v |= (uint64_t)(**p & 0x7f) << shift;
		shift += 7;
	} while (*(*p)++ & 0x80);
	return v;
}

static void test_pq_dictionary(void **state)
{
	/* 400 rows of a required string, "alpha" or "beta-beta" at random: the
	 * dictionary is smaller than PLAIN, so the chunk is a dictionary page
	 * (Encodings.md: PLAIN values in the order first seen) and a data
	 * page of RLE_DICTIONARY indices: bit width 1, one bit-packed run of
	 * 50 groups (header (50 << 1) | 1 = 101), row 8g+i in bit i of byte g */
	static const struct pq_column one[] = { { "s", PQ_STRING, true } };
	static const unsigned char dict[] =
		"\x05\x00\x00\x00" "alpha" "\x09\x00\x00\x00" "beta-beta";
	/* PageHeader: DICTIONARY_PAGE (2), sizes, DictionaryPageHeader {2
	 * values, PLAIN} in field 7 */
	static const unsigned char dph[] = "\x15\x04" "\x15\x00" "\x00" "\x00";
	struct pq_writer *w = pq_writer_new(one, 1, 0, "test");
	struct strbuf f = STRBUF_INIT;
	unsigned char bits[50], out[128];
	const unsigned char *p;
	uint64_t usize, csize, x = 1;
	int64_t rows;
	size_t chunks, i, got;

	(void)state;
	memset(bits, 0, sizeof(bits));
	for (i = 0; i < 400; i++) {
		int b;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		b = i == 0 ? 0 : (int)(x >> 63);   /* "alpha" first: index 0 */
		bits[i / 8] |= (unsigned char)(b << (i % 8));
		if (b)
			pq_string(w, 0, "beta-beta", 9);
		else
			pq_string(w, 0, "alpha", 5);
		assert_int_equal(pq_end_row(w), 0);
	}
	assert_int_equal(pq_finish(w, &f), 0);
	pq_writer_free(w);
	assert_int_equal(pq_check(f.buf, f.len, &rows, &chunks), 0);
	assert_int_equal(rows, 400);
	p = (const unsigned char *)f.buf + 4;
	assert_memory_equal(p, "\x15\x04\x15", 3);   /* type 2, then sizes */
	p += 3;
	usize = varint_at(&p) >> 1;
	assert_int_equal(*p++, 0x15);
	csize = varint_at(&p) >> 1;
	assert_int_equal(*p++, 0x4c);                /* field 7, a struct */
	assert_memory_equal(p, dph, sizeof(dph) - 1);
	p += sizeof(dph) - 1;
	assert_int_equal(usize, sizeof(dict) - 1);
	got = ZSTD_decompress(out, sizeof(out), p, csize);
	assert_int_equal(got, sizeof(dict) - 1);
	assert_memory_equal(out, dict, sizeof(dict) - 1);
	p += csize;
	/* the data page: DATA_PAGE, sizes, {400 values, RLE_DICTIONARY (8)} */
	assert_memory_equal(p, "\x15\x00\x15", 3);
	p += 3;
	usize = varint_at(&p) >> 1;
	p++;
	csize = varint_at(&p) >> 1;
	assert_memory_equal(p, "\x2c\x15\xa0\x06\x15\x10", 6);
	p += 6 + 6;                                  /* RLE, RLE, two stops */
	assert_int_equal(usize, 2 + sizeof(bits));
	got = ZSTD_decompress(out, sizeof(out), p, csize);
	assert_int_equal(got, 2 + sizeof(bits));
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 101);
	assert_memory_equal(out + 2, bits, sizeof(bits));
	/* ColumnMetaData: encodings [PLAIN, RLE_DICTIONARY]; the dictionary
	 * page's offset (4) in field 11 after data_page_offset */
	assert_non_null(find(&f, "\x19\x25\x00\x10", 4));
	assert_non_null(find(&f, "\x26\x08\x1c", 3));
	strbuf_release(&f);
}

/* pq_value_hash() of a number as the file holds it: 8 bytes, LE */
static uint64_t hash_u64(size_t col, uint64_t index, uint64_t v)
{
	unsigned char le[8];
	int k;

	for (k = 0; k < 8; k++)
		le[k] = (unsigned char)(v >> (8 * k));
	return pq_value_hash(col, index, le, 8);
}

/* a random number of LCG x (the same sequence everywhere) */
static uint64_t next_rand(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x >> 11;
}

/*
 * Every encoding the writer chooses, read back by pq_check_values() and
 * compared value by value (the digest of pq_value_hash()): 1,000 rows of
 * sorted ids (DELTA_BINARY_PACKED over 8 blocks, a partial last one),
 * sizes that are page multiples at random (PLAIN), a few states
 * (dictionary), shares of a whole as doubles: the sign and exponent
 * bytes alike, the mantissas at random (BYTE_STREAM_SPLIT),
 * and each column NULL now and then.
 */
static void test_pq_encodings_round_trip(void **state)
{
	static const struct pq_column cols[] = {
		{ "id", PQ_INT64, true }, { "size", PQ_INT64, false },
		{ "state", PQ_STRING, false }, { "pct", PQ_DOUBLE, false },
		{ "wrap", PQ_INT64, true },
	};
	static const char *states[] = { "running", "sleeping", "zombie" };
	struct pq_writer *w = pq_writer_new(cols, 5, 0, "test");
	struct strbuf f = STRBUF_INIT;
	uint64_t x = 7, want = 0, got, n[5] = { 0 };
	int64_t rows;
	size_t chunks, i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		int64_t id = 1000 + (int64_t)i * 3 + (int64_t)(next_rand(&x) % 3);
		int64_t size = (int64_t)(next_rand(&x) % 100000) * 4096;
		/* extremes: the deltas wrap past INT64_MAX and INT64_MIN */
		int64_t wrap = i % 2 ? INT64_MIN + (int64_t)i : INT64_MAX - (int64_t)i;
		const char *st = states[next_rand(&x) % 3];
		double pct = 100.0 * (double)(next_rand(&x) % 100000) / 99991;

		pq_i64(w, 0, id);
		want += hash_u64(0, n[0]++, (uint64_t)id);
		if (i % 17 == 3) {
			pq_null(w, 1);
		} else {
			pq_i64(w, 1, size);
			want += hash_u64(1, n[1]++, (uint64_t)size);
		}
		if (i % 13 == 5) {
			pq_null(w, 2);
		} else {
			pq_string(w, 2, st, strlen(st));
			want += pq_value_hash(2, n[2]++, st, strlen(st));
		}
		if (i % 11 == 7) {
			pq_null(w, 3);
		} else {
			uint64_t bits;

			pq_double(w, 3, pct);
			memcpy(&bits, &pct, 8);
			want += hash_u64(3, n[3]++, bits);
		}
		pq_i64(w, 4, wrap);
		want += hash_u64(4, n[4]++, (uint64_t)wrap);
		assert_int_equal(pq_end_row(w), 0);
	}
	assert_int_equal(pq_finish(w, &f), 0);
	pq_writer_free(w);
	assert_int_equal(pq_check_values(f.buf, f.len, &rows, &chunks, &got), 0);
	assert_int_equal(rows, 1000);
	assert_int_equal(chunks, 5);
	assert_true(got == want);
	/* the encodings chosen, in ColumnMetaData's lists: id [DELTA_BINARY_
	 * PACKED] (list header 0x15, zigzag 10), pct [RLE, BYTE_STREAM_SPLIT]
	 * (0x25, 6, 18), state [PLAIN, RLE, RLE_DICTIONARY] (0x35, 0, 6, 16) */
	assert_non_null(find(&f, "\x19\x15\x0a\x19", 4));
	assert_non_null(find(&f, "\x19\x25\x06\x12\x19", 5));
	assert_non_null(find(&f, "\x19\x35\x00\x06\x10\x19", 6));
	strbuf_release(&f);
}

/* One INT64 column of n values v(i), its file; the checker's digest of it
 * must be the one worked out here. */
static void round_trip_i64(size_t n, int64_t (*v)(size_t))
{
	static const struct pq_column one[] = { { "v", PQ_INT64, true } };
	struct pq_writer *w = pq_writer_new(one, 1, 0, "test");
	struct strbuf f = STRBUF_INIT;
	uint64_t want = 0, got;
	int64_t rows;
	size_t chunks, i;

	for (i = 0; i < n; i++) {
		pq_i64(w, 0, v(i));
		want += hash_u64(0, i, (uint64_t)v(i));
		assert_int_equal(pq_end_row(w), 0);
	}
	assert_int_equal(pq_finish(w, &f), 0);
	pq_writer_free(w);
	assert_int_equal(pq_check_values(f.buf, f.len, &rows, &chunks, &got), 0);
	assert_int_equal(rows, (int64_t)n);
	assert_true(got == want);
	strbuf_release(&f);
}

static int64_t v_step(size_t i) { return 5 + 3 * (int64_t)i; }
static int64_t v_wide(size_t i) { return i % 2 ? INT64_MIN : INT64_MAX - (int64_t)(i % 5); }
static int64_t v_square(size_t i) { return (int64_t)(i * i) - 300; }

static void test_pq_delta_edges(void **state)
{
	size_t n[] = { 2, 3, 33, 128, 129, 130, 257, 1000 };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(n); i++) {
		round_trip_i64(n[i], v_step);     /* width 0: no bodies */
		round_trip_i64(n[i], v_wide);     /* width 64 */
		round_trip_i64(n[i], v_square);   /* widths growing */
	}
}

/* String statistics past 32 bytes are cut to bounds, flagged not exact. */
static void test_pq_string_stats_cut(void **state)
{
	static const struct pq_column one[] = { { "s", PQ_STRING, true } };
	/* "a" then 20 "é" (41 bytes): byte 32 continues a character, so the
	 * minimum is cut at 31; the maximum, 33 "z", becomes 31 "z" then "{";
	 * 20 "é" alone has no byte below 0x7f to raise: kept whole */
	static const char lo[] = "a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
	static const char hi[] = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
	/* Statistics: null_count 0, max_value (32 bytes), min_value (31),
	 * is_max_value_exact false (field 7: 0x12), is_min_value_exact false */
	static const unsigned char stats[] =
		"\x36\x00" "\x28\x20" "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz{"
		"\x18\x1f" "a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9" "\x12\x12\x00";
	static const unsigned char whole[] =
		"\x28\x28\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" "\x18";
	struct strbuf f = STRBUF_INIT, g = STRBUF_INIT;
	struct pq_writer *w = pq_writer_new(one, 1, 0, "test");
	int64_t rows;
	size_t chunks;

	(void)state;
	pq_string(w, 0, lo, sizeof(lo) - 1);
	assert_int_equal(pq_end_row(w), 0);
	pq_string(w, 0, hi, sizeof(hi) - 1);
	assert_int_equal(pq_end_row(w), 0);
	assert_int_equal(pq_finish(w, &f), 0);
	pq_writer_free(w);
	assert_int_equal(sizeof(lo) - 1, 41);
	assert_non_null(find(&f, stats, sizeof(stats) - 1));
	assert_int_equal(pq_check(f.buf, f.len, &rows, &chunks), 0);
	w = pq_writer_new(one, 1, 0, "test");
	pq_string(w, 0, lo + 1, sizeof(lo) - 2);
	assert_int_equal(pq_end_row(w), 0);
	assert_int_equal(pq_finish(w, &g), 0);
	pq_writer_free(w);
	assert_non_null(find(&g, whole, sizeof(whole) - 1));   /* max whole */
	/* the minimum cut at 32 bytes (16 "é"), then only is_min_value_exact
	 * false (field 8, two after 6: 0x22) */
	assert_non_null(find(&g, "\x18\x20\xc3\xa9", 4));
	assert_non_null(find(&g, "\xc3\xa9\x22\x00", 4));
	strbuf_release(&f);
	strbuf_release(&g);
}

/*
 * A file built here, not by the writer: one required INT64 column "v",
 * one UNCOMPRESSED data page of n values in encoding enc holding body, so
 * that pq_check_values() can be handed pages the writer never makes.
 */
static void hand_file(struct strbuf *f, int enc, int32_t n,
		      const void *body, size_t len)
{
	struct strbuf foot = STRBUF_INIT;
	struct tc t;
	int64_t page_at = 4, page_len;

	strbuf_add(f, "PAR1", 4);
	tc_init(&t, f);
	tc_field_i32(&t, 1, 0);                   /* DATA_PAGE */
	tc_field_i32(&t, 2, (int32_t)len);
	tc_field_i32(&t, 3, (int32_t)len);
	tc_field(&t, 5, TC_STRUCT);
	tc_struct_begin(&t);
	tc_field_i32(&t, 1, n);
	tc_field_i32(&t, 2, enc);
	tc_field_i32(&t, 3, 3);
	tc_field_i32(&t, 4, 3);
	tc_struct_end(&t);
	tc_stop(&t);
	strbuf_add(f, body, len);
	page_len = (int64_t)f->len - page_at;
	tc_init(&t, &foot);
	tc_field_i32(&t, 1, 1);
	tc_field(&t, 2, TC_LIST);
	tc_list(&t, TC_STRUCT, 2);
	tc_struct_begin(&t);
	tc_field_binary(&t, 4, "schema", 6);
	tc_field_i32(&t, 5, 1);
	tc_struct_end(&t);
	tc_struct_begin(&t);
	tc_field_i32(&t, 1, 2);                   /* INT64 */
	tc_field_i32(&t, 3, 0);                   /* REQUIRED */
	tc_field_binary(&t, 4, "v", 1);
	tc_struct_end(&t);
	tc_field_i64(&t, 3, n);
	tc_field(&t, 4, TC_LIST);
	tc_list(&t, TC_STRUCT, 1);
	tc_struct_begin(&t);                      /* RowGroup */
	tc_field(&t, 1, TC_LIST);
	tc_list(&t, TC_STRUCT, 1);
	tc_struct_begin(&t);                      /* ColumnChunk */
	tc_field_i64(&t, 2, 0);
	tc_field(&t, 3, TC_STRUCT);
	tc_struct_begin(&t);
	tc_field_i32(&t, 1, 2);
	tc_field(&t, 2, TC_LIST);
	tc_list(&t, TC_I32, 1);
	tc_i32(&t, enc);
	tc_field(&t, 3, TC_LIST);
	tc_list(&t, TC_BINARY, 1);
	tc_binary(&t, "v", 1);
	tc_field_i32(&t, 4, 0);                   /* UNCOMPRESSED */
	tc_field_i64(&t, 5, n);
	tc_field_i64(&t, 6, page_len);
	tc_field_i64(&t, 7, page_len);
	tc_field_i64(&t, 9, page_at);
	tc_struct_end(&t);
	tc_struct_end(&t);
	tc_field_i64(&t, 2, page_len);
	tc_field_i64(&t, 3, n);
	tc_struct_end(&t);
	tc_stop(&t);
	strbuf_add(f, foot.buf, foot.len);
	strbuf_addch(f, (int)(foot.len & 0xff));
	strbuf_addch(f, (int)(foot.len >> 8 & 0xff));
	strbuf_add(f, "\0\0PAR1", 6);
	strbuf_release(&foot);
}

/* pq_check_values() on pages it must read, and on pages it must refuse */
static void test_pq_check_decodes(void **state)
{
	static const struct {
		int enc;
		int32_t n;
		const char *body;
		size_t len;
		int want;
	} cases[] = {
		/* 5, 7, 9: first 5, least delta 2, width 0: read */
		{ 5, 3, "\x80\x01\x04\x03\x0a" "\x04\x00\x00\x00\x00", 10, 0 },
		/* the header says 4 values, the page 3 */
		{ 5, 3, "\x80\x01\x04\x04\x0a" "\x04\x00\x00\x00\x00", 10, -EINVAL },
		/* a byte too many after the block */
		{ 5, 3, "\x80\x01\x04\x03\x0a" "\x04\x00\x00\x00\x00\x00", 11, -EINVAL },
		/* a block of 100 values: not a multiple of 128 */
		{ 5, 3, "\x64\x04\x03\x0a" "\x04\x00\x00\x00\x00", 9, -EINVAL },
		/* a miniblock of width 65 */
		{ 5, 3, "\x80\x01\x04\x03\x0a" "\x04\x41\x00\x00\x00", 10, -EINVAL },
		/* width 1 (32 values, 4 bytes) but the page ends */
		{ 5, 3, "\x80\x01\x04\x03\x0a" "\x04\x01\x00\x00\x00\x01\x00", 12, -EINVAL },
		/* BYTE_STREAM_SPLIT of 2 values: 16 bytes, not 15 */
		{ 9, 2, "\x05\x07\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16, 0 },
		{ 9, 2, "\x05\x07\0\0\0\0\0\0\0\0\0\0\0\0\0", 15, -EINVAL },
		/* PLAIN: 8 bytes a value, exactly */
		{ 0, 1, "\x05\0\0\0\0\0\0\0", 8, 0 },
		{ 0, 1, "\x05\0\0\0\0\0\0\0\0", 9, -EINVAL },
		/* RLE_DICTIONARY indices without a dictionary page */
		{ 8, 1, "\x01\x02\x00", 3, -EINVAL },
		/* an encoding the writer never uses (DELTA_BYTE_ARRAY) */
		{ 7, 1, "\x05\0\0\0\0\0\0\0", 8, -EINVAL },
	};
	size_t i, chunks;
	int64_t rows;
	uint64_t got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf f = STRBUF_INIT;

		hand_file(&f, cases[i].enc, cases[i].n, cases[i].body, cases[i].len);
		assert_int_equal(pq_check_values(f.buf, f.len, &rows, &chunks, &got),
				 cases[i].want);
		if (i == 0)   /* 5, 7, 9 */
			assert_true(got == hash_u64(0, 0, 5) + hash_u64(0, 1, 7) +
					   hash_u64(0, 2, 9));
		if (i == 6)   /* byte 0 of both, then byte 1...: 5 and 7 */
			assert_true(got == hash_u64(0, 0, 5) + hash_u64(0, 1, 7));
		strbuf_release(&f);
	}
}

static void test_pq_empty(void **state)
{
	struct strbuf f = STRBUF_INIT;
	struct pq_writer *w = pq_writer_new(three, 3, 0, "test");
	int64_t rows = -1;
	size_t chunks = 1;

	(void)state;
	assert_int_equal(pq_finish(w, &f), 0);
	assert_int_equal(pq_check(f.buf, f.len, &rows, &chunks), 0);
	assert_int_equal(rows, 0);
	assert_int_equal(chunks, 0);
	pq_writer_free(w);
	strbuf_release(&f);
}

static void test_pq_bad_rows(void **state)
{
	struct strbuf f = STRBUF_INIT;
	struct pq_writer *w = pq_writer_new(three, 3, 0, "test");

	(void)state;
	pq_i64(w, 0, 1); pq_null(w, 1);          /* d left unset */
	assert_int_equal(pq_end_row(w), -EINVAL);
	pq_i64(w, 0, 1); pq_null(w, 1); pq_null(w, 2);   /* d is required */
	assert_int_equal(pq_end_row(w), -EINVAL);
	assert_int_equal(pq_finish(w, &f), -EINVAL);
	pq_writer_free(w);
	pq_writer_free(NULL);
	strbuf_release(&f);
}

static void test_pq_check_refuses(void **state)
{
	struct strbuf f = STRBUF_INIT;
	int64_t rows;
	size_t chunks, i;

	(void)state;
	write_three(&f, 0);
	for (i = 0; i < f.len; i += 7)   /* every cut is refused */
		assert_int_equal(pq_check(f.buf, i, &rows, &chunks), -EINVAL);
	f.buf[f.len - 8] ^= 0x40;        /* footer length past the file */
	assert_int_equal(pq_check(f.buf, f.len, &rows, &chunks), -EINVAL);
	f.buf[f.len - 8] ^= 0x40;
	f.buf[f.len - 9] = 0x0d;         /* stop byte made a map: not Parquet */
	assert_int_equal(pq_check(f.buf, f.len, &rows, &chunks), -EINVAL);
	strbuf_release(&f);
}

static void test_export_text(void **state)
{
	static const struct { const char *in; size_t len; const char *want; } cases[] = {
		{ "plain", 5, "plain" },
		{ "a\xff" "b", 3, "a\xef\xbf\xbd" "b" },
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },   /* overlong '/' */
		{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
		{ "cut\xe2\x82", 5, "cut\xef\xbf\xbd\xef\xbf\xbd" },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		export_text(&sb, cases[i].in, cases[i].len);
		assert_int_equal(sb.len, strlen(cases[i].want));
		assert_memory_equal(sb.buf, cases[i].want, sb.len);
	}
	/* NUL is valid UTF-8: kept, as json_escape keeps it (\u0000) */
	strbuf_reset(&sb);
	export_text(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 3);
	strbuf_release(&sb);
}

/* `test_parquet --check FILE...`: pq_check() on files, for t80 */
static int check_files(int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t rows;
	size_t chunks;
	int i, fails = 0;

	for (i = 2; i < argc; i++) {
		strbuf_reset(&sb);
		if (read_file_at(AT_FDCWD, argv[i], &sb, 1u << 30) < 0 ||
		    pq_check(sb.buf, sb.len, &rows, &chunks) < 0) {
			printf("FAIL %s\n", argv[i]);
			fails++;
		} else {
			printf("ok %s: %lld rows, %zu chunks\n", argv[i],
			       (long long)rows, chunks);
		}
	}
	strbuf_release(&sb);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tc_fields),
		cmocka_unit_test(test_tc_varint_limits),
		cmocka_unit_test(test_pq_first_page),
		cmocka_unit_test(test_pq_footer),
		cmocka_unit_test(test_pq_row_groups),
		cmocka_unit_test(test_pq_dictionary),
		cmocka_unit_test(test_pq_encodings_round_trip),
		cmocka_unit_test(test_pq_delta_edges),
		cmocka_unit_test(test_pq_string_stats_cut),
		cmocka_unit_test(test_pq_check_decodes),
		cmocka_unit_test(test_pq_empty),
		cmocka_unit_test(test_pq_bad_rows),
		cmocka_unit_test(test_pq_check_refuses),
		cmocka_unit_test(test_export_text),
	};

	if (argc > 1 && !strcmp(argv[1], "--check"))
		return check_files(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
