/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_CMDS_H
#define MEMSNAP_CMDS_H
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

/*
 * Option helpers every command shares (analyze/cmd_common.c); the rest of
 * a command is in its stage (the command's header comment names it).
 */
#include <stdbool.h>
#include <stdint.h>

#include "reports/output.h"   /* enum report_format, report_write_output() */

/* The usage text on stdout for status EXIT_OK (--help), else on stderr;
 * returns status. */
int cmd_usage(const char *usage, int status);
/* An option's number (suffixes K, M, G, T when size) from min to max:
 * 0, or -1 after "invalid --NAME 'ARG': HINT" (just "invalid --NAME 'ARG'"
 * without a hint). */
int cmd_u64_option(const char *name, const char *arg, uint64_t min, uint64_t max,
		   bool size, const char *hint, uint64_t *ret);
/* What a command's option steps return while it is not finished yet;
 * else they return its exit status. */
#define CMD_GO_ON (-1)
/* Exactly one operand left after the options: CMD_GO_ON, or EXIT_USAGE
 * (said, usage on stderr) when none ("error: NONE") or more. */
int cmd_one_operand(int argc, char **argv, const char *none, const char *usage);
/* -o/--output's path (a file, database or folder): 0, or -1 after
 * "invalid --output '': an empty path". */
int cmd_output_option(const char *arg, const char **ret);
/* --format and --capture of report and diff: 0, or -1 with the message printed. */
int report_format_option(const char *arg, enum report_format *ret);
int capture_id_option(const char *arg, int64_t *ret);
/* --capture ID named no capture of the database source: how to list them. */
void cmd_hint_captures(const char *source);

int cmd_load(int argc, char **argv);
int cmd_sql(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_oom(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_diff(int argc, char **argv);

#endif
