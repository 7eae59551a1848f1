/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORTS_DIFF_RUN_H
#define MEMSNAP_REPORTS_DIFF_RUN_H
/*
 * `memsnap diff` after its options: open the captures or the database
 * (analyze/capture/source.h), choose the pair (two captures, or two
 * samples of one), fill the diff's model (reports/diff.c) and render it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/capture/source.h"
#include "reports/output.h"

/* A sample as --samples names it: a number from 1, or these. */
#define DIFF_SAMPLE_FIRST 0
#define DIFF_SAMPLE_LAST (-1)

struct diff_run_opts {
	enum report_format fmt;
	struct source_opts so;
	const char *output;          /* NULL or "-": standard output */
	size_t top;                  /* text: rows per table, 0: all */
	int64_t ids[2];              /* --capture, given nids times */
	size_t nids;
	bool samples_set;            /* --samples given */
	int64_t samples[2];          /* its S1 and S2 (DIFF_SAMPLE_* or a number) */
};

/*
 * "S1:S2", each a sample number (1 is the first), "first" or "last": 0,
 * or -1 when arg is not that.
 */
int diff_samples_parse(const char *arg, size_t len, int64_t ret[2]);

/*
 * The exit status of `memsnap diff` (analyze/cmds.h) for its operands
 * args[0..nargs): two captures A B, or one capture or database; everything
 * said.
 */
int diff_run(char *const *args, size_t nargs, const struct diff_run_opts *o);

#endif
