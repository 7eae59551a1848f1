/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORTS_OUTPUT_H
#define MEMSNAP_REPORTS_OUTPUT_H
/*
 * Where a rendered report (or any command's whole output) goes.
 */
#include "common/util.h"

/*
 * Write sb to path, or to standard output when path is NULL or "-".  A
 * half-written file is removed, but only a regular file (never a device or
 * a pipe the user named).  On standard output EPIPE is not an error: the
 * reader took what it wanted (analyze/main.c ignores SIGPIPE).  0, or -1
 * with the error said ("cannot write 'X': why").
 */
int report_output(const char *path, const struct strbuf *sb);

#endif
