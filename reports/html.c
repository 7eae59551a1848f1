/* SPDX-License-Identifier: MIT */
#include "model.h"
void report_render_html(const struct report *r, struct strbuf *out) { (void)r; (void)out; }
