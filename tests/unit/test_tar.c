/* SPDX-License-Identifier: MIT */
/*
 * The tar reader (analyze/capture/tar.c): headers (ustar prefix, base-256
 * sizes, checksums), pax records, and the stream over every piece size
 * the source may hand out (one byte at a time to whole), with GNU long
 * names, pax paths and sizes, types without data, a cut stream.  Archives
 * that real writers make are read in tests/t76-tar-formats.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/capture/tar.h"
#include "tests/fuzz/tar_src.h"
#include "common/util.h"

static void set_checksum(unsigned char *h)
{
	unsigned sum = 0;
	size_t i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

/* A header block: ustar ("ustar\0" "00"), GNU ("ustar  \0") or old (none). */
static void header(unsigned char *h, const char *name, uint64_t size, char type,
		   const char *magic, const char *prefix, const char *link)
{
	size_t i;

	memset(h, 0, TAR_BLOCK);
	memcpy(h, name, strnlen(name, 100));
	memcpy(h + 100, "0000444", 7);
	if (size < 077777777777ull)
		snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	else
		for (i = 0, h[124] = 0x80; i < 8; i++)
			h[135 - i] = (unsigned char)(size >> (8 * i));
	h[156] = (unsigned char)type;
	if (link)
		memcpy(h + 157, link, strnlen(link, 100));
	if (magic)
		memcpy(h + 257, magic, 8);
	if (prefix)
		memcpy(h + 345, prefix, strnlen(prefix, 155));
	set_checksum(h);
}

#define USTAR "ustar\0" "00"
#define GNU "ustar  \0"

static void test_tar_header_parse_ustar_prefix(void **state)
{
	unsigned char h[TAR_BLOCK];
	struct tar_header th;
	char name[101];

	(void)state;
	memset(name, 'n', 100);
	name[100] = '\0';
	header(h, name, 42, '0', USTAR, "memsnap-x/proc", NULL);
	assert_int_equal(tar_header_parse(h, sizeof(h), &th), TAR_OK);
	assert_int_equal(th.kind, TAR_FILE);
	assert_int_equal(th.size, 42);
	assert_int_equal(strlen(th.name), strlen("memsnap-x/proc/") + 100);
	assert_memory_equal(th.name, "memsnap-x/proc/nnn", 18);
	/* GNU keeps times where ustar has its prefix: not part of the name */
	header(h, "a/b", 1, '0', GNU, "junk", NULL);
	assert_int_equal(tar_header_parse(h, sizeof(h), &th), TAR_OK);
	assert_string_equal(th.name, "a/b");
	assert_true(th.gnu);
	/* an old header: name only */
	header(h, "old", 0, '\0', NULL, "junk", NULL);
	assert_int_equal(tar_header_parse(h, sizeof(h), &th), TAR_OK);
	assert_string_equal(th.name, "old");
	assert_int_equal(th.kind, TAR_FILE);
}

static void test_tar_header_parse_numbers(void **state)
{
	unsigned char h[TAR_BLOCK];
	struct tar_header th;

	(void)state;
	header(h, "big", 9ull << 30, '0', GNU, NULL, NULL);   /* base-256 */
	assert_int_equal(tar_header_parse(h, sizeof(h), &th), TAR_OK);
	assert_int_equal(th.size, 9ull << 30);
	header(h, "x", 0, '0', USTAR, NULL, NULL);
	memcpy(h + 124, "00000000x12", 11);
	set_checksum(h);
	assert_int_equal(tar_header_parse(h, sizeof(h), &th), TAR_E_NUMBER);
}

static void test_tar_header_parse_checksum_end(void **state)
{
	unsigned char h[TAR_BLOCK];
	struct tar_header th;

	(void)state;
	header(h, "a", 1, '0', USTAR, NULL, NULL);
	h[0] = 'b';
	assert_int_equal(tar_header_parse(h, sizeof(h), &th), TAR_E_CHECKSUM);
	memset(h, 0, sizeof(h));
	assert_int_equal(tar_header_parse(h, sizeof(h), &th), TAR_END);
	assert_int_equal(tar_header_parse(h, 100, &th), TAR_E_TRUNCATED);
	h[511] = 1;
	assert_int_equal(tar_header_parse(h, sizeof(h), &th), TAR_E_CHECKSUM);
}

static void test_tar_pax_parse_records(void **state)
{
	static const char recs[] = "30 mtime=1767225600.123456789\n"
				   "16 path=a/b/c/d\n" "12 size=100\n"
				   "22 GNU.sparse.major=1\n" "8 x=y=z\n";
	struct tar_pax p;

	(void)state;
	tar_pax_parse(recs, strlen(recs), &p);
	assert_false(p.malformed);
	assert_int_equal(p.path_len, 7);
	assert_memory_equal(p.path, "a/b/c/d", 7);
	assert_true(p.has_size);
	assert_int_equal(p.size, 100);
	assert_true(p.sparse);
	/* GNU tar's 1.0 sparse format: the real name is GNU.sparse.name */
	tar_pax_parse("30 GNU.sparse.name=top/sparse\n" "31 path=top/GNUSparseFile.0/sp\n",
		      61, &p);
	assert_true(p.sparse);
	assert_int_equal(p.path_len, 10);
	assert_memory_equal(p.path, "top/sparse", 10);
	tar_pax_parse("12 size=1x0\n", 12, &p);
	assert_true(p.bad_size);
	/* a record longer than what is left: the ones before count */
	tar_pax_parse("11 path=ab\n99 size=1\n", 21, &p);
	assert_true(p.malformed);
	assert_int_equal(p.path_len, 2);
	tar_pax_parse("8 path=\n", 8, &p);
	assert_null(p.path);
	tar_pax_parse("5 =x\n", 5, &p);
	assert_true(p.malformed);
}

/* ---- the stream ------------------------------------------------------------ */

static void add_entry(struct strbuf *sb, const char *name, char type,
		      const char *data, size_t len, const char *link)
{
	unsigned char h[TAR_BLOCK];

	header(h, name, len, type, USTAR, NULL, link);
	strbuf_add(sb, h, sizeof(h));
	strbuf_add(sb, data, len);
	while (sb->len % TAR_BLOCK)
		strbuf_addch(sb, '\0');
}

/* A tar of every kind tar_next() must take apart. */
static void make_stream(struct strbuf *sb)
{
	char longname[300];
	char pax[64];
	int n;

	memset(longname, 'L', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	add_entry(sb, "top/", '5', "", 0, NULL);
	add_entry(sb, "top/a", '0', "hello", 5, NULL);
	add_entry(sb, "././@LongLink", 'L', longname, sizeof(longname), NULL);
	add_entry(sb, "top/short", '0', "long", 4, NULL);
	n = snprintf(pax, sizeof(pax), "18 path=top/paxed\n10 size=3\n");
	add_entry(sb, "PaxHeaders/x", 'x', pax, (size_t)n, NULL);
	/* the header says 1 byte, the pax header 3: the pax header wins */
	{
		unsigned char h[TAR_BLOCK];

		header(h, "top/ignored", 1, '0', USTAR, NULL, NULL);
		strbuf_add(sb, h, sizeof(h));
		strbuf_add(sb, "abc", 3);
		while (sb->len % TAR_BLOCK)
			strbuf_addch(sb, '\0');
	}
	add_entry(sb, "g", 'g', "13 comment=x\n", 13, NULL);
	add_entry(sb, "top/link", '2', "", 0, "/etc/passwd");
	{
		/* a symlink whose size field is not 0: no data follows */
		unsigned char h[TAR_BLOCK];

		header(h, "top/link2", 700, '2', USTAR, NULL, "x");
		strbuf_add(sb, h, sizeof(h));
	}
	add_entry(sb, "top/hard", '1', "", 0, "top/a");
	add_entry(sb, "top/old-dir/", '0', "", 0, NULL);
	add_entry(sb, "top/last", '0', "bye\n", 4, NULL);
	strbuf_add(sb, "\0\0\0\0", 4);
	while (sb->len % (2 * TAR_BLOCK))
		strbuf_addch(sb, '\0');
	strbuf_add(sb, "garbage after the end", 21);
}

static void read_all(struct mem_src *s, struct strbuf *out)
{
	struct tar_reader *t = mem_src_reader(s);
	struct tar_entry e;
	int r;

	while ((r = tar_next(t, &e)) == TAR_OK) {
		const void *buf;
		ssize_t n;

		strbuf_addf(out, "%d %s %s %llu:", (int)e.kind, e.path, e.link,
			    (unsigned long long)e.size);
		/* the data of every other entry is left to tar_next() to skip */
		if (e.kind == TAR_FILE && strcmp(e.path, "top/a"))
			while ((n = tar_data(t, &buf, 2)) > 0)
				strbuf_add(out, buf, (size_t)n);
		strbuf_addch(out, '\n');
	}
	strbuf_addf(out, "end %d\n", r);
	tar_reader_free(t);
}

static void test_tar_next_every_piece_size(void **state)
{
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	size_t piece;

	(void)state;
	make_stream(&sb);
	for (piece = 1; piece <= sb.len; piece = piece < 1100 ? piece + 1 : piece * 2) {
		struct mem_src s = { (const unsigned char *)sb.buf, sb.len, 0, piece, false, false };
		struct mem_src seek = s;

		strbuf_reset(&got);
		read_all(&s, &got);
		if (piece == 1)
			strbuf_add(&want, got.buf, got.len);
		assert_string_equal(got.buf, want.buf);
		seek.seek = true;
		strbuf_reset(&got);
		read_all(&seek, &got);
		assert_string_equal(got.buf, want.buf);
	}
	assert_non_null(strstr(want.buf, "0 top/a  5:\n"));
	assert_non_null(strstr(want.buf, "0 LLLL"));
	assert_non_null(strstr(want.buf, "0 top/paxed  3:abc\n"));
	assert_non_null(strstr(want.buf, "2 top/link /etc/passwd 0:\n"));
	assert_non_null(strstr(want.buf, "2 top/link2 x 0:\n"));
	assert_non_null(strstr(want.buf, "1 top/hard top/a 0:\n"));
	assert_non_null(strstr(want.buf, "5 top/old-dir/  0:\n"));
	assert_non_null(strstr(want.buf, "0 top/last  4:bye\n\nend 1\n"));
	assert_null(strstr(want.buf, "ignored"));
	strbuf_release(&sb);
	strbuf_release(&want);
	strbuf_release(&got);
}

static void test_tar_next_cut_and_failing(void **state)
{
	struct strbuf sb = STRBUF_INIT, got = STRBUF_INIT;
	size_t cut;

	(void)state;
	make_stream(&sb);
	/* cut anywhere before the end: an error or, at a header's boundary,
	   the end; never a crash, never more than was there */
	for (cut = 0; cut < 6 * TAR_BLOCK; cut += 37) {
		struct mem_src s = { (const unsigned char *)sb.buf, cut, 0, 100, false, cut % 2 };

		strbuf_reset(&got);
		read_all(&s, &got);
		assert_true(strstr(got.buf, "end -2\n") || strstr(got.buf, "end 1\n"));
	}
	{
		/* cut in the data of a file nobody reads: skipped past the end */
		struct mem_src s = { (const unsigned char *)sb.buf, TAR_BLOCK * 2 + 3, 0, 512, false, true };

		strbuf_reset(&got);
		read_all(&s, &got);
		assert_non_null(strstr(got.buf, "end -2\n"));
	}
	{
		/* cut in a file's data: truncated */
		struct mem_src s = { (const unsigned char *)sb.buf, TAR_BLOCK * 2 + 3, 0, 64, false, false };

		strbuf_reset(&got);
		read_all(&s, &got);
		assert_non_null(strstr(got.buf, "end -2\n"));
	}
	{
		struct mem_src s = { (const unsigned char *)sb.buf, TAR_BLOCK * 2 + 3, 0, 64, true, false };

		strbuf_reset(&got);
		read_all(&s, &got);
		assert_non_null(strstr(got.buf, "end -1\n"));
	}
	assert_string_equal(tar_error(TAR_E_TRUNCATED), "truncated tar archive");
	strbuf_release(&sb);
	strbuf_release(&got);
}

/*
 * tar_started(): a stream that fails before one header was read whole and
 * right is no tar (text, shorter or longer than a header); one that fails
 * after it is a tar, cut or damaged.
 */
static void test_tar_started(void **state)
{
	static const char text[] = "MemTotal: 100 kB\nnot a tar at all\n";
	struct strbuf sb = STRBUF_INIT, big = STRBUF_INIT;
	struct tar_reader *t;
	struct tar_entry e;
	struct mem_src s;

	(void)state;
	s = (struct mem_src){ (const unsigned char *)text, sizeof(text) - 1, 0, 512, false, false };
	t = mem_src_reader(&s);
	assert_int_equal(tar_next(t, &e), TAR_E_TRUNCATED);
	assert_false(tar_started(t));
	tar_reader_free(t);
	while (big.len < 3 * TAR_BLOCK)
		strbuf_addstr(&big, text);
	s = (struct mem_src){ (const unsigned char *)big.buf, big.len, 0, 100, false, false };
	t = mem_src_reader(&s);
	assert_int_equal(tar_next(t, &e), TAR_E_CHECKSUM);
	assert_false(tar_started(t));
	tar_reader_free(t);
	/* a tar cut in its second header: started */
	make_stream(&sb);
	s = (struct mem_src){ (const unsigned char *)sb.buf, TAR_BLOCK + 300, 0, 64, false, false };
	t = mem_src_reader(&s);
	assert_int_equal(tar_next(t, &e), TAR_OK);
	assert_true(tar_started(t));
	assert_int_equal(tar_next(t, &e), TAR_E_TRUNCATED);
	tar_reader_free(t);
	/* nothing at all: the end, and no tar either */
	s = (struct mem_src){ (const unsigned char *)sb.buf, 0, 0, 64, false, false };
	t = mem_src_reader(&s);
	assert_int_equal(tar_next(t, &e), TAR_END);
	assert_false(tar_started(t));
	tar_reader_free(t);
	strbuf_release(&sb);
	strbuf_release(&big);
}

static void test_tar_next_meta_too_large(void **state)
{
	struct strbuf sb = STRBUF_INIT, got = STRBUF_INIT;
	unsigned char h[TAR_BLOCK];
	struct mem_src s;

	(void)state;
	header(h, "././@LongLink", TAR_META_MAX + 1, 'L', GNU, NULL, NULL);
	strbuf_add(&sb, h, sizeof(h));
	s = (struct mem_src){ (const unsigned char *)sb.buf, sb.len, 0, 512, false, false };
	read_all(&s, &got);
	assert_string_equal(got.buf, "end -5\n");
	strbuf_release(&sb);
	strbuf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tar_header_parse_ustar_prefix),
		cmocka_unit_test(test_tar_header_parse_numbers),
		cmocka_unit_test(test_tar_header_parse_checksum_end),
		cmocka_unit_test(test_tar_pax_parse_records),
		cmocka_unit_test(test_tar_next_every_piece_size),
		cmocka_unit_test(test_tar_next_cut_and_failing),
		cmocka_unit_test(test_tar_started),
		cmocka_unit_test(test_tar_next_meta_too_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
