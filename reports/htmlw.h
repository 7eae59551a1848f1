/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_HTMLW_H
#define MEMSNAP_REPORT_HTMLW_H
/*
 * The HTML writer: the one place text becomes HTML.  Everything a capture
 * holds is untrusted (a process may be named `<svg onload=1>`), so every
 * string that is not a literal of our own goes through html_text() or
 * html_attr(); renderers never escape at call sites.
 *
 * Both first make the bytes safe the way a terminal needs them
 * (term_escape(): control characters, bidi overrides and invalid UTF-8
 * shown as \e, \x07, \u202e, \xff), so what a reader sees in the HTML is
 * what `memsnap report` prints on a terminal, then escape & < > " ' as
 * character references.  The output is valid UTF-8 and safe both in
 * element content and in a double-quoted attribute value (SVG too).
 */
#include <stddef.h>

#include "common/util.h"
#include "reports/model.h"
void html_text(struct strbuf *out, const char *s, size_t len);
/* s[0..len) as a double-quoted attribute value (without the quotes). */
void html_attr(struct strbuf *out, const char *s, size_t len);
/*
 * Text shown as it is, newlines and backslashes kept: a command made with
 * sh_quote() (common/shquote.h), for pasting, or an SQL query.  The terminal
 * escaper must not rewrite it ("\n" or a doubled backslash would change the
 * command); only bytes sh_quote() never leaves (control characters but the
 * newline, invalid UTF-8: a cgroup name inside a finding's query may hold
 * them) are shown escaped, then & < > " ' become references.
 */
void html_code(struct strbuf *out, const char *s, size_t len);
/* NUL-terminated shorthands; NULL writes nothing. */
void html_textz(struct strbuf *out, const char *s);
void html_attrz(struct strbuf *out, const char *s);
/* printf, then html_text: for text mixing numbers and capture strings. */
void html_textf(struct strbuf *out, const char *fmt, ...) ATTR_PRINTF(2, 3);

/*
 * Table cells, the one writer for the report's and the fleet summary's
 * tables: an integer (right-aligned, data-v for report.js's sort) or text
 * (escaped).  Unset or NULL shows `unknown` (a literal of ours: "?", "-",
 * "unknown"), dimmed, with an empty data-v that sorts last; never 0.
 */
void html_int_cell(struct strbuf *out, struct rnum v, const char *unknown);
void html_text_cell(struct strbuf *out, const char *s, const char *unknown);
/* Bytes as report_bytes() writes them, data-v the number. */
void html_bytes_cell(struct strbuf *out, struct rnum v, const char *unknown);
/* A percentage with one decimal. */
void html_pct_cell(struct strbuf *out, struct rreal v, const char *unknown);

#endif
