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

int cmd_load(int argc, char **argv);
int cmd_sql(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_oom(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
