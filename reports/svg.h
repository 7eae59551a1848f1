/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_SVG_H
#define MEMSNAP_REPORT_SVG_H
/*
 * The HTML report's charts, drawn here as inline SVG (no library, no
 * script): every label and tooltip goes through html_text(); colours are
 * CSS classes of report.css (c-blue, ... for the parts of working_set_parts), so light, dark and
 * print styles apply to them.  Coordinates are printed with one decimal:
 * the same model gives the same bytes.
 */
#include "reports/model.h"
#define SVG_MAX_BARS 30

/* The node's working set: group (QoS class or kind) -> pod or parent ->
 * container -> its parts, and the rest of the node. */
void svg_treemap(struct strbuf *out, const struct report_capture *c);
/* One stacked bar per container against its limit. */
void svg_container_bars(struct strbuf *out, const struct report_capture *c);
/* The OOM kills on a time axis that ends at the capture. */
void svg_oom_timeline(struct strbuf *out, const struct report_capture *c);

/* A sparkline: the series p[0..n) (growth.h) over its time, scaled from
 * its smallest value to its largest, as an area of CSS class cls (a
 * part's, svg_part_class()) under a line; title (plain text) is its
 * tooltip and label. */
struct report_growth_point;
void svg_sparkline(struct strbuf *out, const struct report_growth_point *p, size_t n,
		   const char *cls, const char *title);

/* A part's CSS class: "c-<colour>" (report.css has one per palette
 * colour), "c-none" when the colour is not a plain lowercase name. */
const char *svg_part_class(const struct report_part *p, char *buf, size_t n);

#endif
