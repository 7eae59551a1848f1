/* SPDX-License-Identifier: MIT */
/*
 * memsnap report [--format text|html|json] [-o FILE] [--capture ID|--each] SOURCE
 *
 * Only option parsing: the stage is report_run() (reports/run.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze/cmds.h"
#include "common/util.h"
#include "reports/run.h"
#include "reports/textout.h"

#include "common/banned.h"

#define DEFAULT_TEXT_CONTAINERS 30

static const char usage_text[] =
	"usage: memsnap report [OPTIONS] SOURCE\n"
	"\n"
	"Explain a capture: the node, containers ranked by working set and what\n"
	"it is made of, findings with their evidence, OOM kills, top processes,\n"
	"BPF maps and what the capture could not read.  SOURCE is a capture\n"
	"(archive or folder) or a database written by `memsnap load`.  A\n"
	"database of several captures gives a fleet summary: captures by node\n"
	"and kernel, OOM kills by namespace, pod and container (each kill once),\n"
	"findings by code with the captures they occur in, and the inputs that\n"
	"could not be loaded.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT     text (default), html (one self-contained page)\n"
	"                          or json\n"
	"  -o, --output FILE       write to FILE instead of standard output\n"
	"  -c, --capture ID        only the capture with this capture_id, in full\n"
	"      --each              every capture in full, one after the other, not\n"
	"                          the fleet summary\n"
	"      --color WHEN        text colour: auto (default: on a terminal, unless\n"
	"                          NO_COLOR is set), always, never\n"
	"      --containers N      text: list at most N containers (default 30,\n"
	"                          0: all); html and json hold them all\n"
	"      --query-timeout SECONDS  stop the report's queries after SECONDS\n"
	"                          (default 600, 0: never)\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 report written, 1 report written but the capture (or a\n"
	"capture of the fleet) is incomplete (files not read or not parsed, or the\n"
	"collector was stopped: see the report's last section) or an input of the\n"
	"fleet could not be loaded, 2 usage, 3 SOURCE cannot be read or FILE\n"
	"cannot be written\n";

enum { OPT_COLOR = 0x100, OPT_CONTAINERS, OPT_QUERY_TIMEOUT, OPT_EACH };
#define DEFAULT_QUERY_TIMEOUT 600

/* One option into o (color: its word); CMD_GO_ON or an exit status. */
static int report_option(int opt, const char *arg, struct report_run_opts *o,
			 const char **color)
{
	uint64_t v = 0;
	int ret = CMD_GO_ON;

	switch (opt) {
	case 'f':
		if (report_format_option(arg, &o->fmt) < 0)
			ret = EXIT_USAGE;
		break;
	case 'o':
		if (cmd_output_option(arg, &o->output) < 0)
			ret = EXIT_USAGE;
		break;
	case 'c':
		if (capture_id_option(arg, &o->capture_id) < 0)
			ret = EXIT_USAGE;
		break;
	case OPT_COLOR:
		if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never")) {
			error("invalid --color '%s': auto, always or never", arg);
			ret = EXIT_USAGE;
		}
		*color = arg;
		break;
	case OPT_CONTAINERS:
		if (cmd_u64_option("containers", arg, 0, 1000000, false,
				   "a number, 0 for all", &v) < 0)
			ret = EXIT_USAGE;
		o->topts.max_containers = (size_t)v;
		break;
	case OPT_QUERY_TIMEOUT:
		if (cmd_u64_option("query-timeout", arg, 0, 1000000, false,
				   "seconds, 0 for none", &o->query_timeout) < 0)
			ret = EXIT_USAGE;
		break;
	case OPT_EACH:
		o->each = true;
		break;
	case SOURCE_OPT_BAD:
		ret = EXIT_USAGE;
		break;
	default:   /* -h, or what getopt refused (said) */
		ret = cmd_usage(usage_text, opt == 'h' ? EXIT_OK : EXIT_USAGE);
	}
	return ret;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "capture", required_argument, NULL, 'c' },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "containers", required_argument, NULL, OPT_CONTAINERS },
		{ "query-timeout", required_argument, NULL, OPT_QUERY_TIMEOUT },
		{ "each", no_argument, NULL, OPT_EACH },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct report_run_opts o = {
		.fmt = FMT_TEXT,
		.topts = { false, DEFAULT_TEXT_CONTAINERS },
		.query_timeout = DEFAULT_QUERY_TIMEOUT,
	};
	const char *color = "auto";
	int opt, ret = CMD_GO_ON;

	source_opts_init(&o.so);
	optind = 0;
	while (ret == CMD_GO_ON &&
	       (opt = source_getopt(argc, argv, "f:o:c:h", longopts, &o.so.lim)) != -1)
		ret = report_option(opt, optarg, &o, &color);
	if (ret == CMD_GO_ON && o.each && o.capture_id) {
		error("--each and --capture: one capture or all of them, not both");
		ret = EXIT_USAGE;
	}
	if (ret == CMD_GO_ON)
		ret = cmd_one_operand(argc, argv, "no SOURCE: give a capture or a database",
				      usage_text);
	if (ret == CMD_GO_ON) {
		if (!strcmp(color, "always"))
			o.topts.color = true;
		else if (!strcmp(color, "auto"))
			o.topts.color = (!o.output || !strcmp(o.output, "-")) &&
					use_color(stdout);
		ret = report_run(argv[optind], &o);
	}
	return ret;
}
