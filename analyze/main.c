/* SPDX-License-Identifier: MIT */
/*
 * memsnap: the analyzer.  `memsnap COMMAND [ARGS]`, one command per file
 * (analyze/cmd_<name>.c), dispatched from the table below.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "analyze/cmds.h"
#include "common/util.h"

#include "common/banned.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "load", cmd_load, "load captures into an SQLite database" },
	{ "sql", cmd_sql, "run an SQL query on a capture or a database" },
	{ "report", cmd_report, "explain a capture: text, HTML or JSON" },
	{ "oom", cmd_oom, "explain the OOM kills in a kernel log" },
	{ "schema", cmd_schema, "print the SQL schema with its comments" },
	{ "export", cmd_export, "write the views as Parquet or NDJSON, per capture" },
	{ "diff", cmd_diff, "what changed between two captures of a node" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: memsnap COMMAND [OPTIONS] [ARGS]\n"
		   "       memsnap COMMAND --help\n\n"
		   "Explain where a Linux node's or container's memory goes, from\n"
		   "captures written by memsnap-collect.\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\noptions:\n"
		   "  -h, --help     this help\n"
		   "  -V, --version  print the version\n\n"
		   "exit status: 0 success, 1 the command ran and found problems it\n"
		   "reports, 2 usage, 3 its input could not be read or its output\n"
		   "written; each command's --help says more.  `memsnap --help` and\n"
		   "`--version` exit 0; no command or an unknown one exits 2.\n\n"
		   "See memsnap(1), memsnap-views(7) (the SQL views) and\n"
		   "`memsnap COMMAND --help` for details.\n");
}

static int run(int argc, char **argv)
{
	size_t i;

	progname = "memsnap";
	/*
	 * A reader that closes our stdout early (`memsnap sql ... | head`)
	 * makes writes fail with EPIPE, which the commands treat as the end
	 * of the output (exit status unchanged), instead of a death by
	 * SIGPIPE whose status (141) depended on how much was left to write.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *args[] = { argv[2], (char *)"--help", NULL };

			for (i = 0; i < ARRAY_SIZE(cmds); i++)
				if (!strcmp(argv[2], cmds[i].name))
					return cmds[i].fn(2, args);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version") ||
	    !strcmp(argv[1], "version")) {
		printf("memsnap %s\n", MEMSNAP_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	error("'%s' is not a memsnap command; see 'memsnap --help'", argv[1]);
	return EXIT_USAGE;
}

/*
 * What is still buffered for standard output (a --help, --version or a
 * short result) written before exit: lost unseen, status 3, not a silent
 * 0 (as git's run_builtin() checks).
 */
int main(int argc, char **argv)
{
	int ret = run(argc, argv);

	return ret == EXIT_OK && flush_stdout() < 0 ? EXIT_FATAL : ret;
}
