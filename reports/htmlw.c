/* SPDX-License-Identifier: MIT */
#include "reports/htmlw.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "reports/textout.h"

#include "common/banned.h"

/* Character references for & < > " ' in text already safe to show. */
static void references(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		default: strbuf_addch(out, s[i]);
		}
	}
}

static void escape(struct strbuf *out, const char *s, size_t len)
{
	struct strbuf safe = STRBUF_INIT;

	term_escape(&safe, s, len);
	references(out, safe.buf, safe.len);
	strbuf_release(&safe);
}

void html_code(struct strbuf *out, const char *s, size_t len)
{
	struct strbuf safe = STRBUF_INIT;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (!n || (cp != '\n' && cp_is_control(cp)))
			term_escape(&safe, s + i, n ? n : 1);
		else
			strbuf_add(&safe, s + i, n);
		i += n ? n : 1;
	}
	references(out, safe.buf, safe.len);
	strbuf_release(&safe);
}

void html_text(struct strbuf *out, const char *s, size_t len)
{
	escape(out, s, len);
}

void html_attr(struct strbuf *out, const char *s, size_t len)
{
	escape(out, s, len);
}

void html_textz(struct strbuf *out, const char *s)
{
	if (s)
		escape(out, s, strlen(s));
}

void html_attrz(struct strbuf *out, const char *s)
{
	if (s)
		escape(out, s, strlen(s));
}

void html_textf(struct strbuf *out, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	escape(out, sb.buf, sb.len);
	strbuf_release(&sb);
}

void html_int_cell(struct strbuf *out, struct rnum v, const char *unknown)
{
	if (v.set)
		strbuf_addf(out, "<td class=\"n\" data-v=\"%" PRId64 "\">%" PRId64 "</td>", v.v, v.v);
	else
		strbuf_addf(out, "<td class=\"n null\" data-v=\"\">%s</td>", unknown);
}

void html_text_cell(struct strbuf *out, const char *s, const char *unknown)
{
	if (!s) {
		strbuf_addf(out, "<td class=\"null\">%s</td>", unknown);
		return;
	}
	strbuf_addstr(out, "<td>");
	html_textz(out, s);
	strbuf_addstr(out, "</td>");
}

void html_bytes_cell(struct strbuf *out, struct rnum v, const char *unknown)
{
	char a[32];

	if (v.set)
		strbuf_addf(out, "<td class=\"n\" data-v=\"%" PRId64 "\">%s</td>", v.v,
			    report_bytes(v, a, sizeof(a)));
	else
		strbuf_addf(out, "<td class=\"n null\" data-v=\"\">%s</td>", unknown);
}

void html_pct_cell(struct strbuf *out, struct rreal v, const char *unknown)
{
	if (v.set)
		strbuf_addf(out, "<td class=\"n\" data-v=\"%.1f\">%.1f%%</td>", v.v, v.v);
	else
		strbuf_addf(out, "<td class=\"n null\" data-v=\"\">%s</td>", unknown);
}
