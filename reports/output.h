/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORTS_OUTPUT_H
#define MEMSNAP_REPORTS_OUTPUT_H
/*
 * Where a rendered report (or any command's whole output) goes, and what
 * it calls SOURCE.
 */
#include "common/util.h"

/* report, diff: --format */
enum report_format { FMT_TEXT, FMT_HTML, FMT_JSON };

/* The name a report shows for SOURCE: its last path element (allocated),
 * never a path of the machine the report is made on. */
char *report_source_name(const char *source);

/*
 * Write sb to path, or to standard output when path is NULL or "-".  A
 * half-written file is removed, but only a regular file (never a device or
 * a pipe the user named).  On standard output EPIPE is not an error: the
 * reader took what it wanted (analyze/main.c ignores SIGPIPE).  0, or -1
 * with the error said ("cannot write 'X': why").
 */
int report_write_output(const char *path, const struct strbuf *sb);

#endif
