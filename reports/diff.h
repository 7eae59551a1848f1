/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_DIFF_H
#define MEMSNAP_REPORT_DIFF_H
/*
 * `memsnap diff`: what changed between two captures a and b of a database,
 * or two samples of one capture (a = b).  diff_load() fills the model from the diff_* views (schema/98-diff.sql),
 * which define every comparison; the renderers (text, HTML, JSON) only
 * format it.  Each section is one query, listed once in reports/diff.c.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/util.h"

struct diff_cell {
	char *s;          /* text columns; NULL = SQL NULL */
	int64_t v;        /* number columns (bytes, bytes per hour) */
	bool set;         /* v is known */
};

struct diff_section_def;
struct diff_section {
	const struct diff_section_def *def;
	struct diff_cell *cells;          /* row-major */
	size_t nrows;
};

struct diff_side {
	int64_t capture_id;
	int64_t sample;                   /* 1 for a capture's instant */
	char *name, *hostname, *started_at, *boot_id;
	char *taken_at;                   /* the sample's wall time (samples.wall_time) */
};

struct diff {
	const char *version;
	char *source;                 /* what the footer and the SQL fold-outs name */
	bool source_is_db;            /* the SQL can be rerun on source as it is */
	struct diff_side a, b;
	bool series;                  /* two samples of one capture (a = b) */
	int64_t nsamples;             /* series: how many samples the capture has */
	double interval_s;
	bool same_boot, same_host;
	bool problems;                /* a or b is incomplete (report_problems, complete) */
	struct diff_section *sections;
	size_t nsections;
};

/*
 * Fill d for capture a's sample sa and capture b's sample sb (diff_pairs:
 * 1 and 1 for two captures); -1 with *ret_err (a message) on failure.
 */
int diff_load(sqlite3 *db, int64_t a, int64_t sa, int64_t b, int64_t sb, struct diff *d,
	      char **ret_err);
void diff_free(struct diff *d);

/* Text: at most top rows per table (0: all). */
void diff_render_text(const struct diff *d, size_t top, struct strbuf *out);
void diff_render_html(const struct diff *d, struct strbuf *out);
void diff_render_json(const struct diff *d, struct strbuf *out);

#endif
