/* SPDX-License-Identifier: MIT */
/*
 * memsnap diff [OPTIONS] A B
 * memsnap diff [OPTIONS] CAPTURE [--samples S1:S2]
 * memsnap diff [OPTIONS] DB [--capture ID1 --capture ID2 | --capture ID [--samples S1:S2]]
 *
 * Only option parsing: the stage is diff_run() (reports/diff_run.c).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cmds.h"
#include "reports/diff_run.h"
#include "common/util.h"

#include "common/banned.h"

#define DEFAULT_TOP 20

static const char usage_text[] =
	"usage: memsnap diff [OPTIONS] A B\n"
	"       memsnap diff [OPTIONS] CAPTURE [--samples S1:S2]\n"
	"       memsnap diff [OPTIONS] DB [--capture ID1 --capture ID2]\n"
	"       memsnap diff [OPTIONS] DB --capture ID [--samples S1:S2]\n"
	"\n"
	"What changed between two captures of a node, or two samples of one\n"
	"capture: pods and containers added, removed or restarted, what grew or\n"
	"shrank in each container and process, by working-set component, with\n"
	"the time between them and a rate per hour.  A and B are captures\n"
	"(archives or folders), B the later one; or DB, a database written by\n"
	"`memsnap load`, with the two captures given by --capture (A first), or\n"
	"without it when DB holds exactly two (the earlier one is A).  CAPTURE\n"
	"alone, a capture of several samples (memsnap-collect --samples N or\n"
	"--until-oom), or DB with one --capture (or holding one capture): its\n"
	"first and last sample, or the two --samples names.  Cgroups are matched\n"
	"by path, pods by uid, containers by id and processes by pid and name\n"
	"(the capture holds no start time), the latter only on the same boot.\n"
	"A container of the same pod and name with a new id, or a pid with\n"
	"another name, is a restart, never a growth or a shrink.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT     text (default), html (one self-contained page)\n"
	"                          or json\n"
	"  -o, --output FILE       write to FILE instead of standard output\n"
	"  -c, --capture ID        on a database: a capture_id; twice, A then B, or\n"
	"                          once for two of its samples\n"
	"  -s, --samples S1:S2     two samples of one capture, A then B: each a\n"
	"                          number (1 is the first), first or last\n"
	"                          (default first:last)\n"
	"      --top N             text: at most N rows per table (default 20, 0: all);\n"
	"                          html and json hold them all\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 diff written, 1 diff written but A or B is incomplete\n"
	"(files not read or not parsed, or the collector was stopped), 2 usage,\n"
	"3 a capture or DB cannot be read, or FILE cannot be written\n";

enum { OPT_TOP = 0x100 };

static int diff_option(int opt, const char *arg, struct diff_run_opts *o)
{
	uint64_t v;

	switch (opt) {
	case SOURCE_OPT_BAD:
		return EXIT_USAGE;
	case 'f':
		return report_format_option(arg, &o->fmt) < 0 ? EXIT_USAGE : CMD_GO_ON;
	case 'o':
		return cmd_output_option(arg, &o->output) < 0 ? EXIT_USAGE : CMD_GO_ON;
	case 'c':
		if (o->nids == 2) {
			error("--capture given more than twice: A and B only");
			return EXIT_USAGE;
		}
		return capture_id_option(arg, &o->ids[o->nids++]) < 0 ? EXIT_USAGE : CMD_GO_ON;
	case 's':
		if (diff_samples_parse(arg, strlen(arg), o->samples) < 0) {
			error("invalid --samples '%s': S1:S2, each a sample number, first or "
			      "last (e.g. 1:last)", arg);
			return EXIT_USAGE;
		}
		o->samples_set = true;
		return CMD_GO_ON;
	case OPT_TOP:
		if (cmd_u64_option("top", arg, 0, 1000000, false, "a number, 0 for all", &v) < 0)
			return EXIT_USAGE;
		o->top = (size_t)v;
		return CMD_GO_ON;
	case 'h':
		return cmd_usage(usage_text, EXIT_OK);
	default:
		return cmd_usage(usage_text, EXIT_USAGE);
	}
}

/* The operands and options that cannot go together: CMD_GO_ON or EXIT_USAGE (said). */
static int diff_operands(int nargs, char **args, const struct diff_run_opts *o)
{
	if (o->nids == 2 && o->ids[0] == o->ids[1]) {
		error("--capture %" PRId64 " twice: A and B must differ", o->ids[0]);
		return EXIT_USAGE;
	}
	if (nargs == 2 && o->nids) {
		error("--capture names captures of a database: give one DB, not A and B");
		return EXIT_USAGE;
	}
	if (o->samples_set && (nargs == 2 || o->nids == 2)) {
		error("--samples compares two samples of one capture: give one capture, or "
		      "one --capture");
		return EXIT_USAGE;
	}
	if (nargs == 1 || nargs == 2)
		return CMD_GO_ON;
	if (nargs)
		error("unexpected argument '%s'", args[2]);
	else
		error("no captures: give A and B, a capture of several samples, or a database");
	return cmd_usage(usage_text, EXIT_USAGE);
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "capture", required_argument, NULL, 'c' },
		{ "samples", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct diff_run_opts o = { .fmt = FMT_TEXT, .top = DEFAULT_TOP };
	int opt, ret = CMD_GO_ON;

	source_opts_init(&o.so);
	optind = 0;
	while (ret == CMD_GO_ON &&
	       (opt = source_getopt(argc, argv, "f:o:c:s:h", longopts, &o.so.lim)) != -1)
		ret = diff_option(opt, optarg, &o);
	if (ret == CMD_GO_ON)
		ret = diff_operands(argc - optind, argv + optind, &o);
	if (ret == CMD_GO_ON)
		ret = diff_run(argv + optind, (size_t)(argc - optind), &o);
	return ret;
}
