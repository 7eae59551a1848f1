/* SPDX-License-Identifier: MIT */
/*
 * The JSON writer declared in common/util.h (after bpftool's json_writer).
 * Written here rather than taken from jansson because the collector is a
 * static binary: see the measurement above struct jsonw in util.h.
 */
#include "common/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/banned.h"
/* ---- JSON writer ------------------------------------------------------- */

void jsonw_init(struct jsonw *w, struct strbuf *out, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
}

static void jsonw_indent(struct jsonw *w)
{
	int i;

	if (!w->pretty)
		return;
	strbuf_addch(w->out, '\n');
	for (i = 0; i < w->depth; i++)
		strbuf_add(w->out, "  ", 2);
}

/* Before any value: a comma and indentation, unless it follows a key. */
static void jsonw_pre_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		strbuf_addch(w->out, ',');
	if (w->depth)
		jsonw_indent(w);
	w->need_comma[w->depth] = true;
}

static void jsonw_open(struct jsonw *w, char c)
{
	jsonw_pre_value(w);
	strbuf_addch(w->out, c);
	if (w->depth < (int)ARRAY_SIZE(w->need_comma) - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void jsonw_close(struct jsonw *w, char c)
{
	bool had = w->need_comma[w->depth];

	if (w->depth)
		w->depth--;
	if (had)
		jsonw_indent(w);
	strbuf_addch(w->out, c);
}

void jsonw_start_object(struct jsonw *w)
{
	jsonw_open(w, '{');
}

void jsonw_end_object(struct jsonw *w)
{
	jsonw_close(w, '}');
}

void jsonw_start_array(struct jsonw *w)
{
	jsonw_open(w, '[');
}

void jsonw_end_array(struct jsonw *w)
{
	jsonw_close(w, ']');
}

bool cp_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	       cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t utf8_decode(const char *str, size_t len, uint32_t *ret_cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c;
	size_t n, i;
	uint32_t cp;

	if (!len)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*ret_cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF are invalid */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

/*
 * Bytes a JSON string holds as they are: 1, printable ASCII but the quote
 * and the backslash; 2, bytes from 0x80 (json_escape_bytes() only).  A
 * table: the loops below run over every byte of every path and key the
 * loader stores.
 */
static const unsigned char json_plain[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
	[0x80 ... 0xff] = 2,
};

void json_escape(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	strbuf_grow(sb, len + 2);
	strbuf_addch(sb, '"');
	while (i < len) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t n, run;

		/* printable ASCII but the quote and backslash goes as it is, in
		 * one copy: most of what is escaped (status values, names) */
		for (run = i; run < len && json_plain[p[run]] == 1; run++)
			;
		if (run > i) {
			strbuf_add(sb, p + i, run - i);
			i = run;
			continue;
		}
		switch (c) {
		case '"': strbuf_add(sb, "\\\"", 2); i++; continue;
		case '\\': strbuf_add(sb, "\\\\", 2); i++; continue;
		case '\n': strbuf_add(sb, "\\n", 2); i++; continue;
		case '\r': strbuf_add(sb, "\\r", 2); i++; continue;
		case '\t': strbuf_add(sb, "\\t", 2); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_addf(sb, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (!n) {
			strbuf_add(sb, "\\ufffd", 6);
			i++;
			continue;
		}
		strbuf_add(sb, p + i, n);
		i += n;
	}
	strbuf_addch(sb, '"');
}

void json_escape_bytes(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run;

	strbuf_grow(sb, len + 2);
	strbuf_addch(sb, '"');
	while (i < len) {
		for (run = i; run < len && json_plain[p[run]]; run++)
			;
		if (run > i) {
			strbuf_add(sb, p + i, run - i);
			i = run;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, (char)p[i]);
		} else {
			strbuf_addf(sb, "\\u%04x", p[i]);
		}
		i++;
	}
	strbuf_addch(sb, '"');
}

void jsonw_name(struct jsonw *w, const char *name)
{
	jsonw_pre_value(w);
	json_escape(w->out, name, strlen(name));
	strbuf_addch(w->out, ':');
	if (w->pretty)
		strbuf_addch(w->out, ' ');
	w->after_key = true;
}

void jsonw_string_len(struct jsonw *w, const char *s, size_t len)
{
	jsonw_pre_value(w);
	json_escape(w->out, s, len);
}

void jsonw_string(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	jsonw_string_len(w, s, strlen(s));
}

void jsonw_u64(struct jsonw *w, uint64_t v)
{
	jsonw_pre_value(w);
	strbuf_addf(w->out, "%llu", (unsigned long long)v);
}

void jsonw_i64(struct jsonw *w, int64_t v)
{
	jsonw_pre_value(w);
	strbuf_addf(w->out, "%lld", (long long)v);
}

void jsonw_double(struct jsonw *w, double v, int decimals)
{
	jsonw_pre_value(w);
	if (!isfinite(v))
		strbuf_add(w->out, "null", 4);
	else
		strbuf_addf(w->out, "%.*f", decimals, v);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	jsonw_pre_value(w);
	strbuf_addstr(w->out, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
	jsonw_pre_value(w);
	strbuf_add(w->out, "null", 4);
}

void jsonw_raw(struct jsonw *w, const char *s, size_t len)
{
	jsonw_pre_value(w);
	strbuf_add(w->out, s, len);
}

void jsonw_kv_string(struct jsonw *w, const char *name, const char *s)
{
	jsonw_name(w, name);
	jsonw_string(w, s);
}

void jsonw_kv_u64(struct jsonw *w, const char *name, uint64_t v)
{
	jsonw_name(w, name);
	jsonw_u64(w, v);
}

void jsonw_kv_i64(struct jsonw *w, const char *name, int64_t v)
{
	jsonw_name(w, name);
	jsonw_i64(w, v);
}

void jsonw_kv_bool(struct jsonw *w, const char *name, bool v)
{
	jsonw_name(w, name);
	jsonw_bool(w, v);
}
