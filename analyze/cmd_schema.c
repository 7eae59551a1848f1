/* SPDX-License-Identifier: MIT */
/*
 * memsnap schema: the SQL schema (schema/NN-*.sql) built into the binary.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "common/util.h"

#include "common/banned.h"

static const char usage_text[] =
	"usage: memsnap schema [-h]\n"
	"\n"
	"Print the SQL schema of memsnap databases, with its comments: the\n"
	"tables the loader fills and the public views (captures, cgroups,\n"
	"processes, bpf_maps, oom_kills, working_set_breakdown, containers,\n"
	"pods, node, findings, load_problems and more).  The same text creates\n"
	"an empty memsnap database: memsnap schema | sqlite3 new.db\n"
	"memsnap-views(7) describes every public view and column.\n"
	"\n"
	"options:\n"
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 printed (also when the reader of a pipe closes it\n"
	"early), 2 usage, 3 standard output cannot be written\n";

int cmd_schema(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sql = db_schema_sql();
	char version[64];
	int opt, ret = CMD_GO_ON;

	optind = 0;
	while (ret == CMD_GO_ON && (opt = getopt_said(argc, argv, "h", longopts)) != -1)
		ret = cmd_usage(usage_text, opt == 'h' ? EXIT_OK : EXIT_USAGE);
	if (ret == CMD_GO_ON && optind < argc) {
		error("unexpected argument '%s'", argv[optind]);
		ret = EXIT_USAGE;
	}
	/* EPIPE: the reader took what it wanted (memsnap sql does the same) */
	if (ret == CMD_GO_ON) {
		/*
		 * The version a new database gets (db.c): without it the
		 * database `memsnap schema | sqlite3 new.db` makes was refused
		 * by load, sql and report as "another memsnap made it".
		 */
		xsnprintf(version, sizeof(version), "\nPRAGMA user_version = %d;\n",
			  DB_SCHEMA_VERSION);
		ret = EXIT_OK;
		if ((fwrite(sql, 1, strlen(sql), stdout) != strlen(sql) ||
		     fputs(version, stdout) == EOF ||
		     fflush(stdout) != 0) && errno != EPIPE) {
			error("cannot write the schema to 'standard output': %s",
			      strerror(errno));
			ret = EXIT_FATAL;
		}
	}
	return ret;
}
