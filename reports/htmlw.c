/* SPDX-License-Identifier: MIT */
#include "reports/htmlw.h"

#include <stdarg.h>
#include <string.h>

#include "reports/textout.h"

#include "common/banned.h"

static void escape(struct strbuf *out, const char *s, size_t len)
{
	struct strbuf safe = STRBUF_INIT;
	size_t i;

	term_escape(&safe, s, len);
	for (i = 0; i < safe.len; i++) {
		switch (safe.buf[i]) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		default: strbuf_addch(out, safe.buf[i]);
		}
	}
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
