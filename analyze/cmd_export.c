/* SPDX-License-Identifier: MIT */
/*
 * memsnap export SOURCE... -o DIR [--format parquet|ndjson] [--view V...]
 * memsnap export --ddl clickhouse
 *
 * Option parsing and the stop signals: the stage is export_run()
 * (analyze/export/run.c).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cmds.h"
#include "analyze/export/run.h"
#include "common/util.h"

#include "common/banned.h"

static const char usage_text[] =
	"usage: memsnap export [OPTIONS] SOURCE... -o DIR\n"
	"       memsnap export --ddl clickhouse [--view VIEW...] [--database DB]\n"
	"                      [--cluster NAME]\n"
	"\n"
	"Write every public view of every capture in SOURCE (a memsnap database,\n"
	"or a capture archive or folder) as one file per view and capture:\n"
	"  DIR/VIEW/date=YYYY-MM-DD/CAPTURE_UID.parquet\n"
	"partitioned by the capture's start date (`unknown` without one), for\n"
	"engines that read Hive partitions.  Each row starts with capture_uid,\n"
	"the capture's identity in every database (a hash of its host, boot id\n"
	"and start time), then the view's columns with the types schema/97-\n"
	"export.sql declares (integer, float, text; NULL stays NULL).  Text that\n"
	"is not valid UTF-8 has each bad byte replaced by U+FFFD.  Each file is\n"
	"written under a temporary name and renamed when whole: exporting again\n"
	"gives the same bytes, and exporting new captures adds files.  A database\n"
	"is exported as one state: a `memsnap load` committing meanwhile (one\n"
	"replacing or deleting a capture) waits for the export's end, or in WAL\n"
	"mode is not seen; the next export has it.  A capture that a limit or a\n"
	"broken archive cut (a SOURCE read with --max-*, a database's capture\n"
	"of load_complete 0), under the uid of the whole capture, never\n"
	"replaces a file there: the files stay (said, status 1), as `memsnap\n"
	"load` keeps a complete load; the whole capture replaces a cut one's.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR        the folder to write into (made when missing)\n"
	"  -f, --format FMT        parquet (default: zstd pages, statistics) or\n"
	"                          ndjson (one JSON object per line)\n"
	"      --view VIEW         only this view (repeat for more; default all),\n"
	"                          with --ddl too\n"
	"      --ddl clickhouse    print the ClickHouse tables for the export: a\n"
	"                          MergeTree VIEW_local and a Distributed VIEW\n"
	"                          sharded by capture_uid, per view (on standard\n"
	"                          output: no -o, --format or SOURCE)\n"
	"      --database DB       the ClickHouse database of --ddl (memsnap)\n"
	"      --cluster NAME      the ClickHouse cluster of --ddl (memsnap)\n"
	"  -q, --quiet             no progress on standard error\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"SIGINT, SIGTERM or SIGHUP (unless ignored when it started, as under\n"
	"nohup) stops the export between two files: the files written are\n"
	"whole and stay, no temporary file is left, what was written is said\n"
	"(status 1; exporting again adds the rest).  A second signal ends it at\n"
	"once, killed by that signal, its temporary files removed.\n"
	"\n"
	"exit status: 0 success, 1 some view of some capture could not be\n"
	"exported (said on standard error; the rest is written), a cut\n"
	"capture's files were not written over those there, or the export was\n"
	"interrupted, 2 usage, 3 a SOURCE cannot be read (said; the other\n"
	"SOURCEs are still exported) or DIR cannot be written (the export stops\n"
	"there)\n";

static volatile sig_atomic_t stop_signal;

/*
 * The first stop signal (SIGINT, SIGTERM, SIGHUP) asks the export to stop
 * between two files (export_run_opts.stop_signal).  A second ends it at
 * once, as SA_RESETHAND would, but not before the temporary files being
 * written are removed (SA_RESETHAND's default action would leave each
 * worker's); then the signal's default action is taken, so the parent
 * sees the process killed by it (write_aside() says what can be left).
 */
static void on_signal(int sig)
{
	int saved = errno;

	if (stop_signal) {
		export_remove_temporaries();
		signal(sig, SIG_DFL);
		raise(sig);   /* blocked in its handler: ends us on return */
	} else {
		stop_signal = sig;
	}
	errno = saved;
}

enum {
	OPT_VIEW = 0x2000,
	OPT_DDL,
	OPT_DATABASE,
	OPT_CLUSTER,
};

/*
 * --database and --cluster go into the DDL between backquotes and after
 * '--' in a comment: a backquote or a backslash would end or escape the
 * name, a newline the comment (the rest a statement of its own).
 */
static bool ddl_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s == '`' || *s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* What the options said beyond o: what export_check() weighs. */
struct export_cli {
	const char *ddl;             /* --ddl's word */
	bool format;                 /* -f given */
	bool names;                  /* --database or --cluster given */
	size_t views_alloc;
};

/* One option into o and cli; CMD_GO_ON or an exit status. */
static int export_option(int opt, const char *arg, struct export_run_opts *o,
			 struct export_cli *cli)
{
	int ret = CMD_GO_ON;

	switch (opt) {
	case 'o':
		if (cmd_output_option(arg, &o->dir) < 0)
			ret = EXIT_USAGE;
		break;
	case 'f':
		cli->format = true;
		if (!strcmp(arg, "parquet")) {
			o->fmt = EXPORT_PARQUET;
		} else if (!strcmp(arg, "ndjson")) {
			o->fmt = EXPORT_NDJSON;
		} else {
			error("unknown format '%s': parquet or ndjson", arg);
			ret = EXIT_USAGE;
		}
		break;
	case OPT_VIEW:
		o->views = xgrow(o->views, o->nviews + 1, &cli->views_alloc,
				 sizeof(*o->views));
		o->views[o->nviews++] = arg;
		break;
	case OPT_DDL: cli->ddl = arg; break;
	case OPT_DATABASE:
	case OPT_CLUSTER:
		cli->names = true;
		if (!ddl_name_ok(arg)) {
			error("invalid --%s '%s': a ClickHouse name, without backquotes, "
			      "backslashes or control characters",
			      opt == OPT_DATABASE ? "database" : "cluster", arg);
			ret = EXIT_USAGE;
		} else if (opt == OPT_DATABASE) {
			o->database = arg;
		} else {
			o->cluster = arg;
		}
		break;
	case 'q': o->quiet = true; break;
	case SOURCE_OPT_BAD: ret = EXIT_USAGE; break;
	default:   /* -h, or what getopt refused (said) */
		ret = cmd_usage(usage_text, opt == 'h' ? EXIT_OK : EXIT_USAGE);
	}
	return ret;
}

/* What the options and operands ask for fits together: CMD_GO_ON, or
 * EXIT_USAGE (said). */
static int export_check(int argc, const struct export_cli *cli,
			const struct export_run_opts *o)
{
	const char *ddl = cli->ddl;
	int ret = CMD_GO_ON;

	if (ddl && strcmp(ddl, "clickhouse")) {
		error("unknown --ddl '%s': only clickhouse", ddl);
		ret = EXIT_USAGE;
	} else if (!ddl && (optind >= argc || !o->dir)) {
		error(optind >= argc ? "need a SOURCE" : "need an output folder: -o DIR");
		ret = cmd_usage(usage_text, EXIT_USAGE);
	} else if (ddl && optind < argc) {
		error("--ddl takes no SOURCE");
		ret = EXIT_USAGE;
	} else if (ddl && (o->dir || cli->format)) {
		/* it writes no file: an -o or -f taken in silence misleads */
		error("--ddl prints the DDL on standard output: no -o or --format");
		ret = EXIT_USAGE;
	} else if (!ddl && cli->names) {
		error("--database and --cluster name the DDL's: give --ddl clickhouse");
		ret = EXIT_USAGE;
	}
	return ret;
}

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "view", required_argument, NULL, OPT_VIEW },
		{ "ddl", required_argument, NULL, OPT_DDL },
		{ "database", required_argument, NULL, OPT_DATABASE },
		{ "cluster", required_argument, NULL, OPT_CLUSTER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct export_run_opts o = {
		.fmt = EXPORT_PARQUET,
		.database = "memsnap",
		.cluster = "memsnap",
	};
	struct export_cli cli = { NULL, false, false, 0 };
	int opt, ret = CMD_GO_ON;

	source_opts_init(&o.so);
	optind = 0;
	while (ret == CMD_GO_ON &&
	       (opt = source_getopt(argc, argv, "o:f:qh", longopts, &o.so.lim)) != -1)
		ret = export_option(opt, optarg, &o, &cli);
	if (ret == CMD_GO_ON)
		ret = export_check(argc, &cli, &o);
	if (ret == CMD_GO_ON) {
		o.ddl = cli.ddl != NULL;
		/* SA_RESTART: the export looks at stop_signal between files;
		   no call of it need be cut short (a progress line on stderr) */
		catch_stop_signals_unless_ignored(on_signal, SA_RESTART);
		o.stop_signal = &stop_signal;
		ret = export_run(&o, argv + optind, (size_t)(argc - optind));
	}
	free(o.views);
	return ret;
}
