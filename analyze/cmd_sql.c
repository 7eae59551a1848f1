/* SPDX-License-Identifier: MIT */
/*
 * memsnap sql SOURCE 'QUERY'
 *
 * Only option parsing: the stage is sql_run() (analyze/db/query.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "analyze/cmds.h"
#include "analyze/db/query.h"
#include "common/util.h"

#include "common/banned.h"

static const char usage_text[] =
	"usage: memsnap sql [OPTIONS] SOURCE 'QUERY'\n"
	"\n"
	"Run SQL on SOURCE: a memsnap database, or a capture (archive or folder)\n"
	"loaded into memory first.  QUERY may hold several statements; each\n"
	"one's rows are printed.  `memsnap schema` lists the tables and views.\n"
	"\n"
	"options:\n"
	"      --table             an aligned table (default); NULL shown as NULL\n"
	"      --csv               RFC 4180 CSV with a header line; NULL as empty\n"
	"      --json              a JSON array of objects per statement\n"
	"  -w, --write             allow statements that write: open a database\n"
	"                          read-write; without it ATTACH, VACUUM (INTO),\n"
	"                          INSERT, CREATE, pragmas that set and\n"
	"                          load_extension() are refused\n"
	"      --capture ID        only the database's capture ID (repeatable): QUERY\n"
	"                          runs on a copy of those captures alone, in memory,\n"
	"                          as fast as on a database of them alone (some views\n"
	"                          of a database of many captures work them all out\n"
	"                          before `capture_id = ID` picks one); not with --write\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"An empty QUERY (only white space or comments) is a usage error.\n"
	"\n"
	"exit status: 0 success (also when the reader of a pipe closes it early,\n"
	"as `| head` does: the rest of the output is not written), 1 the query\n"
	"failed (SQLite's message and the query are printed), 2 usage, 3 SOURCE\n"
	"cannot be read or standard output cannot be written\n";

enum { OPT_CAPTURE = 0x100 };

struct sql_opts {
	enum sql_format fmt;
	struct source_opts so;
	int64_t *ids;              /* --capture */
	size_t nids, ids_alloc;
};

static bool id_given(const int64_t *ids, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* One option into o; CMD_GO_ON or an exit status. */
static int sql_option(int opt, const char *arg, struct sql_opts *o)
{
	int ret = CMD_GO_ON;

	switch (opt) {
	case 't': o->fmt = SQL_TABLE; break;
	case 'c': o->fmt = SQL_CSV; break;
	case 'j': o->fmt = SQL_JSON; break;
	case 'w': o->so.writable = true; break;
	case OPT_CAPTURE:
		ALLOC_GROW(o->ids, o->nids + 1, o->ids_alloc);
		if (capture_id_option(arg, &o->ids[o->nids]) < 0)
			ret = EXIT_USAGE;
		else if (!id_given(o->ids, o->nids, o->ids[o->nids]))
			o->nids++;   /* an id given twice is copied once */
		break;
	case SOURCE_OPT_BAD: ret = EXIT_USAGE; break;
	default:   /* -h, or what getopt refused (said) */
		ret = cmd_usage(usage_text, opt == 'h' ? EXIT_OK : EXIT_USAGE);
	}
	return ret;
}

int cmd_sql(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "table", no_argument, NULL, 't' },
		{ "csv", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "write", no_argument, NULL, 'w' },
		{ "capture", required_argument, NULL, OPT_CAPTURE },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct sql_opts o = { SQL_TABLE };
	int opt, ret = CMD_GO_ON;

	source_opts_init(&o.so);
	optind = 0;
	while (ret == CMD_GO_ON &&
	       (opt = source_getopt(argc, argv, "wh", longopts, &o.so.lim)) != -1)
		ret = sql_option(opt, optarg, &o);
	if (ret == CMD_GO_ON && o.nids && o.so.writable) {
		error("--capture and --write: the copy of the captures is in memory, "
		      "what a statement wrote would be lost");
		ret = cmd_usage(usage_text, EXIT_USAGE);
	}
	if (ret == CMD_GO_ON && argc - optind != 2) {
		if (argc - optind < 2)
			error("need a SOURCE and a QUERY");
		else
			error("unexpected argument '%s': quote the query", argv[optind + 2]);
		ret = cmd_usage(usage_text, EXIT_USAGE);
	}
	if (ret == CMD_GO_ON)
		ret = sql_run(argv[optind], &o.so, o.ids, o.nids, argv[optind + 1], o.fmt);
	free(o.ids);
	return ret;
}
