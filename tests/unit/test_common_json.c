/* SPDX-License-Identifier: MIT */
/*
 * common/: the JSON writer (jsonw_*), its escaping (json_escape: always
 * valid JSON, invalid UTF-8 as U+FFFD; json_escape_bytes: bytes kept for
 * SQLite) and utf8_decode().  Every output is also read back by jansson,
 * the library the writer stands in for in the static collector.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"

static void assert_valid_json(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &e);

	if (!j)
		fail_msg("not JSON (%s): %s", e.text, s);
	json_decref(j);
}

static void esc(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_reset(sb);
	json_escape(sb, s, len);
	assert_valid_json(sb->buf);
}

static void test_json_escape_controls(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	esc(&sb, "a\"b\\c", 5);
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\"");
	esc(&sb, "\n\r\t\b\f\x01\x1f\x7f", 8);
	assert_string_equal(sb.buf, "\"\\n\\r\\t\\u0008\\u000c\\u0001\\u001f\\u007f\"");
	esc(&sb, "a\0b", 3);                  /* a NUL inside: kept, escaped */
	assert_string_equal(sb.buf, "\"a\\u0000b\"");
	esc(&sb, "", 0);
	assert_string_equal(sb.buf, "\"\"");
	esc(&sb, "/<>&'", 5);                 /* nothing else needs escaping */
	assert_string_equal(sb.buf, "\"/<>&'\"");
	strbuf_release(&sb);
}

static void test_json_escape_utf8(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	esc(&sb, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", 14);     /* kept */
	assert_string_equal(sb.buf, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7\"");
	esc(&sb, "\xff\xfe", 2);              /* not UTF-8 */
	assert_string_equal(sb.buf, "\"\\ufffd\\ufffd\"");
	esc(&sb, "\xc3(", 2);                 /* a lead byte without its tail */
	assert_string_equal(sb.buf, "\"\\ufffd(\"");
	esc(&sb, "x\xe2\x82", 3);             /* cut short at the end */
	assert_string_equal(sb.buf, "\"x\\ufffd\\ufffd\"");
	esc(&sb, "\xc0\xaf", 2);              /* overlong '/' */
	assert_string_equal(sb.buf, "\"\\ufffd\\ufffd\"");
	esc(&sb, "\xed\xa0\x80", 3);          /* a surrogate */
	assert_string_equal(sb.buf, "\"\\ufffd\\ufffd\\ufffd\"");
	esc(&sb, "\xf4\x90\x80\x80", 4);      /* past U+10FFFF */
	assert_string_equal(sb.buf, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	strbuf_release(&sb);
}

static void test_json_escape_bytes_keeps(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	json_escape_bytes(&sb, "p\xff\"\\\n\x01", 6);
	assert_memory_equal(sb.buf, "\"p\xff\\\"\\\\\\u000a\\u0001\"", sb.len);
	assert_int_equal(sb.len, strlen("\"p\xff\\\"\\\\\\u000a\\u0001\""));
	strbuf_release(&sb);
}

static void test_utf8_decode_shapes(void **state)
{
	static const struct { const char *s; size_t len, want; uint32_t cp; } cases[] = {
		{ "A", 1, 1, 'A' },
		{ "\xc2\x80", 2, 2, 0x80 }, { "\xdf\xbf", 2, 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 3, 0x800 }, { "\xef\xbf\xbf", 3, 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 4, 0x10000 }, { "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "", 0, 0, 0 },
		{ "\x80", 1, 0, 0 },                      /* a tail byte */
		{ "\xc1\xbf", 2, 0, 0 },                  /* overlong */
		{ "\xe0\x9f\xbf", 3, 0, 0 },              /* overlong */
		{ "\xf0\x8f\xbf\xbf", 4, 0, 0 },          /* overlong */
		{ "\xed\xbf\xbf", 3, 0, 0 },              /* surrogate */
		{ "\xf5\x80\x80\x80", 4, 0, 0 },          /* no such lead byte */
		{ "\xe2\x82\xac", 2, 0, 0 },              /* len cuts it */
		{ "\xe2\x28\xac", 3, 0, 0 },              /* a bad tail */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t cp = 0xdead;
		size_t n = utf8_decode(cases[i].s, cases[i].len, &cp);

		if (n != cases[i].want || (n && cp != cases[i].cp))
			fail_msg("case %zu: utf8_decode = %zu (U+%04X), want %zu (U+%04X)", i, n,
				 (unsigned)cp, cases[i].want, (unsigned)cases[i].cp);
	}
}

/* One document with every kind of value, pretty or not. */
static void write_doc(struct strbuf *sb, bool pretty)
{
	struct jsonw w;

	jsonw_init(&w, sb, pretty);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "s", "x\"y");
	jsonw_kv_string(&w, "null", NULL);
	jsonw_kv_u64(&w, "u", UINT64_MAX);
	jsonw_kv_i64(&w, "i", INT64_MIN);
	jsonw_kv_bool(&w, "b", true);
	jsonw_name(&w, "d");
	jsonw_double(&w, 1.25, 1);
	jsonw_name(&w, "nan");
	jsonw_double(&w, 0.0 / 0.0, 2);       /* not a JSON number: null */
	jsonw_name(&w, "a");
	jsonw_start_array(&w);
	jsonw_u64(&w, 1);
	jsonw_raw(&w, "2.5", 3);
	jsonw_start_array(&w);
	jsonw_end_array(&w);
	jsonw_start_object(&w);
	jsonw_end_object(&w);
	jsonw_null(&w);
	jsonw_bool(&w, false);
	jsonw_string_len(&w, "ab", 1);
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	assert_valid_json(sb->buf);
}

static void test_jsonw_document(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	write_doc(&sb, false);
	assert_string_equal(sb.buf, "{\"s\":\"x\\\"y\",\"null\":null,\"u\":18446744073709551615,"
			    "\"i\":-9223372036854775808,\"b\":true,\"d\":1.2,\"nan\":null,"
			    "\"a\":[1,2.5,[],{},null,false,\"a\"]}");
	strbuf_release(&sb);
}

static void test_jsonw_pretty(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	write_doc(&sb, true);
	assert_non_null(strchr(sb.buf, '\n'));
	assert_non_null(strstr(sb.buf, "\"u\": 18446744073709551615"));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escape_controls),
		cmocka_unit_test(test_json_escape_utf8),
		cmocka_unit_test(test_json_escape_bytes_keeps),
		cmocka_unit_test(test_utf8_decode_shapes),
		cmocka_unit_test(test_jsonw_document),
		cmocka_unit_test(test_jsonw_pretty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
