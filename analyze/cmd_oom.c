/* SPDX-License-Identifier: MIT */
/*
 * memsnap oom [--json] FILE|-
 *
 * Explain the OOM kills in a pasted kernel log, without a capture.  Only
 * option parsing: the stage is oom_explain() (analyze/oom/explain.c).
 */
#include <getopt.h>
#include <string.h>

#include "analyze/cmds.h"
#include "analyze/oom/explain.h"
#include "common/util.h"

#include "common/banned.h"

#define OOM_DEFAULT_MAX_INPUT (256ull << 20)

static const char usage_text[] =
	"usage: memsnap oom [OPTIONS] FILE|-\n"
	"\n"
	"Explain the OOM kills in a kernel log: dmesg (with -T, -x, any locale),\n"
	"journalctl, /var/log/messages, /dev/kmsg records, or a report pasted\n"
	"into a ticket (quoted, indented, wrapped, CRLF).  FILE - reads stdin.\n"
	"\n"
	"options:\n"
	"      --json              a JSON array of events: the JSON report's\n"
	"                          oom_kills objects (the oom_kills view's\n"
	"                          columns, then cgroup_name, first_line,\n"
	"                          last_line, missing, k8s_visible, made_of,\n"
	"                          node_made_of)\n"
	"      --db FILE           also write the database (capture, oom_* tables)\n"
	"                          to FILE, for `memsnap sql FILE`\n"
	"      --page-size BYTES   the node's page size (default: inferred per\n"
	"                          report from the victim's kill line, else 4096)\n"
	"      --max-size SIZE     refuse input larger than SIZE (default 256M)\n"
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 OOM events found, 1 no OOM event in the input, 2 usage,\n"
	"3 the input cannot be read (or is too large)\n";

enum { OPT_JSON = 0x100, OPT_PAGE_SIZE, OPT_MAX_SIZE, OPT_DB };

/* One option into o; CMD_GO_ON or an exit status. */
static int oom_option(int opt, const char *arg, struct oom_explain_opts *o)
{
	uint64_t v = 0;
	int ret = CMD_GO_ON;

	switch (opt) {
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_PAGE_SIZE:
		if (parse_size_arg(arg, &v) < 0 || v < 512 || v > (1u << 20) || (v & (v - 1))) {
			error("invalid --page-size '%s': a power of two from 512 to 1M", arg);
			ret = EXIT_USAGE;
		}
		o->page_size = (unsigned)v;
		break;
	case OPT_MAX_SIZE:
		if (cmd_u64_option("max-size", arg, 1, UINT64_MAX, true, NULL,
				   &o->max_input) < 0)
			ret = EXIT_USAGE;
		break;
	case OPT_DB:
		o->db_path = arg;
		break;
	default:   /* -h, or what getopt refused (said) */
		ret = cmd_usage(usage_text, opt == 'h' ? EXIT_OK : EXIT_USAGE);
	}
	return ret;
}

int cmd_oom(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "db", required_argument, NULL, OPT_DB },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct oom_explain_opts o = { .max_input = OOM_DEFAULT_MAX_INPUT };
	int opt, ret = CMD_GO_ON;

	optind = 0;   /* GNU getopt: options after FILE too; "--" ends them */
	while (ret == CMD_GO_ON && (opt = getopt_said(argc, argv, "h", longopts)) != -1)
		ret = oom_option(opt, optarg, &o);
	if (ret == CMD_GO_ON)
		ret = cmd_one_operand(argc, argv, "no input: give a FILE or -", usage_text);
	if (ret == CMD_GO_ON)
		ret = oom_explain(argv[optind], &o);
	return ret;
}
