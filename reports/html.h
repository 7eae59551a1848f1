/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_HTML_H
#define MEMSNAP_REPORT_HTML_H
/*
 * The frame every HTML report page shares (html.c): the head with its
 * Content-Security-Policy, the inline CSS and script (hashed at build
 * time), the footer; and the fold-out that shows the SQL behind a table.
 * The one-capture report (html.c) and the fleet summary (fleet.c) both
 * write their pages through these, so the page stays one definition.
 */
#include "common/util.h"

/* Up to <main>: title is untrusted text (escaped here). */
void report_html_page_open(struct strbuf *out, const char *version, const char *title);
/* From </main>: the footer naming source (untrusted), then the script. */
void report_html_page_close(struct strbuf *out, const char *version, const char *source);
/* The SQL under a table, and the `memsnap sql SOURCE 'SQL'` that reruns it. */
void report_html_sql(struct strbuf *out, const char *source, const char *sql);

#endif
