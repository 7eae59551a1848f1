/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORTS_SECTIONS_H
#define MEMSNAP_REPORTS_SECTIONS_H
/*
 * What text.c, html.c and json.c lend the sections written in files of
 * their own (deeper.c's, growth.c): a section's header, its anchor and
 * query, and the JSON writers of a number that may be NULL (null, never 0).
 */
#include <stdbool.h>

#include "common/util.h"
#include "reports/model.h"

void report_text_section(struct strbuf *out, bool color, const char *title,
			 const char *summary);
void report_html_section_open(struct strbuf *out, const struct report_capture *c,
			      const char *what, const char *title);
void report_html_id(struct strbuf *out, const struct report_capture *c, const char *what);
void report_html_query(struct strbuf *out, const struct report *r,
		       const struct report_capture *c, enum report_query_id q);
void report_json_num(struct jsonw *w, const char *name, struct rnum v);
void report_json_real(struct jsonw *w, const char *name, struct rreal v, int decimals);

#endif
