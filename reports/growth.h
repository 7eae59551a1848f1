/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_GROWTH_H
#define MEMSNAP_REPORT_GROWTH_H
/*
 * The report's "What grew" (growth.c): for a capture of two samples or
 * more (schema/capture.md section 6), each container's parts of the
 * working set (working_set_parts, through growth_report_parts) from the
 * first sample to the last: the growth view's row and the series of
 * cgroup_sample_parts behind it.  A capture of one sample has none: no
 * section, no query kept.  Text, JSON and the HTML table are written here;
 * the renderers only open the section (text.c, json.c, html.c).
 */
#include "reports/model.h"

struct report_growth_point {
	int64_t sample;
	double mono_s;                   /* the sample's start, CLOCK_MONOTONIC seconds */
	int64_t bytes;
};

/* One row of growth, for one part of a container. */
struct report_growth_row {
	size_t part;                     /* index into report_capture.parts */
	struct rnum first, last;         /* bytes in the first and the last sample */
	struct rnum peak;                /* the largest of points: the flight recorder's
					    last sample is after the kill */
	struct rnum per_hour;            /* bytes_per_hour; unset: no time between */
	bool steady;                     /* it grew by a page or more in every interval */
	int64_t samples;                 /* the samples it is known in */
	struct rreal seconds;            /* from its first sample to its last */
	struct report_growth_point *points;   /* in sample order */
	size_t npoints;
};

struct report_growth_container {
	char *cgroup, *name;
	struct report_growth_row *rows;  /* in working_set_parts' order */
	size_t nrows;
};

struct report_growth {
	int64_t samples;                 /* in the capture (samples), 2 or more */
	struct rreal seconds;            /* from its first sample to its last */
	/* the fastest growing first (their largest bytes_per_hour), then by cgroup */
	struct report_growth_container *containers;
	size_t ncontainers;
};

/* model.c's part, for report_load(): c->growth stays NULL for a capture of
 * one sample.  0, or -1 with the loader's error set. */
struct loader;
int load_growth(struct loader *l);
void growth_free(struct report_growth *g);

/* A rate as the section prints it: "+20.0 MiB/min" when the samples span
 * less than two hours, else "+1.2 GiB/h"; "?" when unknown. */
const char *report_growth_rate(const struct report_growth *g, struct rnum per_hour,
			       char *buf, size_t n);

/* "5 samples over 2.0 min": the section's summary. */
void report_growth_summary(const struct report_growth *g, struct strbuf *out);
/* The section's body, after its title (text: at most max containers, 0:
 * all; source names the database in the command that lists the rest). */
void report_growth_text(const struct report_capture *c, size_t max, const char *source,
			struct strbuf *out);
/* The OOM section's note, in text and HTML: the finding
 * growth_before_oom_kill (a flight recorder's capture), one line each;
 * nothing without it. */
void report_growth_oom_note_text(const struct report_capture *c, struct strbuf *out);
void report_growth_oom_note_html(const struct report_capture *c, struct strbuf *out);

/* "growth": {...}, a key of the capture's object. */
void report_growth_json(struct jsonw *w, const struct report_capture *c);
/* The summary and the table with a sparkline per part (svg_sparkline()). */
void report_growth_html(const struct report_capture *c, struct strbuf *out);

#endif
