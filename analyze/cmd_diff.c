/* SPDX-License-Identifier: MIT */
/*
 * memsnap diff [OPTIONS] A B
 * memsnap diff [OPTIONS] DB [--capture ID1 --capture ID2]
 *
 * Open the two captures (both loaded into one database in memory, or a
 * database that holds them), fill the diff's model from the diff_* views
 * (schema/98-diff.sql, reports/diff.c) and render it.  Nothing here
 * compares anything.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "analyze/capture/source.h"
#include "reports/diff.h"
#include "common/util.h"

#include "common/banned.h"

#define DEFAULT_TOP 20

static const char usage_text[] =
	"usage: memsnap diff [OPTIONS] A B\n"
	"       memsnap diff [OPTIONS] DB [--capture ID1 --capture ID2]\n"
	"\n"
	"What changed between two captures of a node: pods and containers added,\n"
	"removed or restarted, what grew or shrank in each container and process,\n"
	"by working-set component, with the time between the captures and a rate\n"
	"per hour.  A and B are captures (archives or folders), B the later one;\n"
	"or DB, a database written by `memsnap load`, with the two captures\n"
	"given by --capture (A first), or without it when DB holds exactly two\n"
	"(the earlier one is A).  Cgroups are matched by path, pods by uid,\n"
	"containers by id and processes by pid and name (the capture holds no\n"
	"start time), the latter only on the same boot.  A container of the same\n"
	"pod and name with a new id, or a pid with another name, is a restart,\n"
	"never a growth or a shrink.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT     text (default), html (one self-contained page)\n"
	"                          or json\n"
	"  -o, --output FILE       write to FILE instead of standard output\n"
	"  -c, --capture ID        on a database: a capture_id; give it twice, A then B\n"
	"      --top N             text: at most N rows per table (default 20, 0: all);\n"
	"                          html and json hold them all\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 diff written, 1 diff written but A or B is incomplete\n"
	"(files not read or not parsed, or the collector was stopped), 2 usage,\n"
	"3 a capture or DB cannot be read, or FILE cannot be written\n";

enum { OPT_TOP = 0x100 };

/* DB without --capture: its two captures, the earlier one first. */
static int two_captures(sqlite3 *db, int64_t *ids, char **ret_err)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT capture_id FROM capture "
			       "ORDER BY started_at, capture_id", -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < 2)
			ids[n] = sqlite3_column_int64(st, 0);
		n++;
	}
	if (rc != SQLITE_DONE)
		goto out;
	ret = 0;
	if (n != 2) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "it holds %zu captures: name two with --capture ID1 "
			    "--capture ID2", n);
		*ret_err = strbuf_detach(&sb, NULL);
		ret = -1;
	}
out:
	if (ret < 0 && !*ret_err)
		*ret_err = xstrndup(sqlite3_errmsg(db), strlen(sqlite3_errmsg(db)));
	sqlite3_finalize(st);
	return ret;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "capture", required_argument, NULL, 'c' },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	enum report_format fmt = FMT_TEXT;
	struct source_opts so;
	struct load_stats stats;
	struct strbuf out = STRBUF_INIT;
	struct diff d;
	const char *output = NULL;
	char *err = NULL;
	sqlite3 *db = NULL;
	int64_t ids[2] = { 0, 0 };
	size_t ncapture = 0, top = DEFAULT_TOP;
	uint64_t v;
	bool loaded;
	int opt, ret = EXIT_FATAL;

	memset(&d, 0, sizeof(d));
	source_opts_init(&so);
	optind = 0;
	while ((opt = source_getopt(argc, argv, "f:o:c:h", longopts, &so.lim)) != -1) {
		switch (opt) {
		case SOURCE_OPT_BAD:
			return EXIT_USAGE;
		case 'f':
			if (report_format_option(optarg, &fmt) < 0)
				return EXIT_USAGE;
			break;
		case 'o':
			output = optarg;
			break;
		case 'c':
			if (ncapture == 2) {
				error("--capture given more than twice: A and B only");
				return EXIT_USAGE;
			}
			if (capture_id_option(optarg, &ids[ncapture++]) < 0)
				return EXIT_USAGE;
			break;
		case OPT_TOP:
			if (parse_u64(optarg, strlen(optarg), &v) < 0 || v > 1000000) {
				error("invalid --top '%s': a number, 0 for all", optarg);
				return EXIT_USAGE;
			}
			top = (size_t)v;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (ncapture == 1) {
		error("one --capture: give two, A then B");
		return EXIT_USAGE;
	}
	if (ncapture == 2 && ids[0] == ids[1]) {
		error("--capture %" PRId64 " twice: A and B must differ", ids[0]);
		return EXIT_USAGE;
	}
	if (argc - optind == 2 && ncapture) {
		error("--capture names captures of a database: give one DB, not A and B");
		return EXIT_USAGE;
	}
	if (argc - optind != 1 && argc - optind != 2) {
		if (argc - optind)
			error("unexpected argument '%s'", argv[optind + 2]);
		else
			error("no captures: give A and B, or a database");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}

	if (argc - optind == 2) {
		if (path_is_sqlite(argv[optind]) || path_is_sqlite(argv[optind + 1])) {
			error("A and B are captures; for a database: memsnap diff DB "
			      "--capture ID1 --capture ID2");
			return EXIT_USAGE;
		}
		if (source_open_captures((const char *const *)argv + optind, 2, &so, &db,
					 ids, &err) < 0) {
			error("%s", err);
			goto out;
		}
		if (ids[1] < 0) {
			error("'%s' and '%s' are the same capture", argv[optind], argv[optind + 1]);
			ret = EXIT_USAGE;
			goto out;
		}
		d.source = xstrdup("DB");
	} else {
		if (source_open(argv[optind], &so, &db, &loaded, &stats, &err) < 0) {
			error("%s", err);
			goto out;
		}
		if (loaded) {
			error("'%s' is one capture: give A and B, or a database", argv[optind]);
			ret = EXIT_USAGE;
			goto out;
		}
		if (!ncapture && two_captures(db, ids, &err) < 0) {
			error("cannot diff '%s': %s", argv[optind], err);
			ret = EXIT_USAGE;
			goto out;
		}
		d.source = report_source_name(argv[optind]);
		d.source_is_db = true;
	}
	if (diff_load(db, ids[0], ids[1], &d, &err) < 0) {
		error("cannot diff: %s", err);
		goto out;
	}
	if (d.interval_s <= 0)
		warning("B (capture %" PRId64 ") was not taken after A (capture %" PRId64 "): "
			"no rates", ids[1], ids[0]);
	d.version = MEMSNAP_VERSION;
	switch (fmt) {
	case FMT_TEXT: diff_render_text(&d, top, &out); break;
	case FMT_HTML: diff_render_html(&d, &out); break;
	case FMT_JSON: diff_render_json(&d, &out); break;
	}
	if (report_write_output(output, &out) < 0)
		goto out;
	ret = EXIT_OK;
	if (d.problems) {
		warning("A or B is incomplete: some files were not read or not parsed "
			"(memsnap report on each says which)");
		ret = EXIT_PROBLEMS;
	}
out:
	diff_free(&d);
	db_close(db);
	strbuf_release(&out);
	free(err);
	return ret;
}
