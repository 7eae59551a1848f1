/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_CMDS_H
#define MEMSNAP_CMDS_H

#include <stdint.h>
/*
 * One function per `memsnap` command, each in its own analyze/cmd_<name>.c.
 * argv[0] is the command's name; the return value is the exit status.
 *
 * Exit statuses shared by every command:
 *   0  success
 *   1  the command ran but found problems it reports (e.g. load problems)
 *   2  usage error (bad option or argument)
 *   3  nothing could be done (unreadable input, cannot write output)
 */
enum {
	EXIT_OK = 0,
	EXIT_PROBLEMS = 1,
	EXIT_USAGE = 2,
	EXIT_FATAL = 3,
};

int cmd_load(int argc, char **argv);
int cmd_sql(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_oom(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_diff(int argc, char **argv);

/*
 * Shared by the commands that write a report (cmd_report.c): the name a
 * report shows for SOURCE (its last path element, allocated), and writing
 * the report to path ("-" or NULL: standard output; a half-written file is
 * removed), 0 or -1 with the message printed.
 */
char *report_source_name(const char *source);
/* --format and --capture of report and diff: 0, or -1 with the message printed. */
enum report_format { FMT_TEXT, FMT_HTML, FMT_JSON };
int report_format_option(const char *arg, enum report_format *ret);
int capture_id_option(const char *arg, int64_t *ret);
struct strbuf;
int report_write_output(const char *path, const struct strbuf *sb);

#endif
