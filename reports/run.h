/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORTS_RUN_H
#define MEMSNAP_REPORTS_RUN_H
/*
 * `memsnap report` after its options: open SOURCE (analyze/capture/
 * source.h), fill the report's model from the public views (model.c) and
 * render it (text.c, html.c, json.c); a database of several captures is a
 * fleet summary instead (fleet.c), unless a capture or each is asked for.
 */
#include <stdbool.h>
#include <stdint.h>

#include "analyze/capture/source.h"
#include "reports/model.h"
#include "reports/output.h"

struct report_run_opts {
	enum report_format fmt;
	struct report_text_opts topts;
	struct source_opts so;
	const char *output;          /* NULL or "-": standard output */
	int64_t capture_id;          /* 0: the only one, or the fleet */
	bool each;                   /* every capture in full */
	uint64_t query_timeout;      /* seconds, 0: never */
};

/* The exit status of `memsnap report` (analyze/cmds.h); everything said. */
int report_run(const char *source, const struct report_run_opts *o);

#endif
