/* SPDX-License-Identifier: MIT */
/*
 * Option parsing every `memsnap` command shares (analyze/cmds.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze/cmds.h"
#include "common/shquote.h"
#include "common/util.h"

#include "common/banned.h"

int cmd_usage(const char *usage, int status)
{
	fputs(usage, status == EXIT_OK ? stdout : stderr);
	return status;
}

int cmd_u64_option(const char *name, const char *arg, uint64_t min, uint64_t max,
		   bool size, const char *hint, uint64_t *ret)
{
	uint64_t v;
	int r = size ? parse_size_arg(arg, &v) : parse_u64(arg, strlen(arg), &v);

	if (r < 0 || v < min || v > max)
		return error("invalid --%s '%s'%s%s", name, arg, hint ? ": " : "",
			     hint ? hint : "");
	*ret = v;
	return 0;
}

int cmd_one_operand(int argc, char **argv, const char *none, const char *usage)
{
	if (argc - optind == 1)
		return CMD_GO_ON;
	if (argc - optind)
		error("unexpected argument '%s'", argv[optind + 1]);
	else
		error("%s", none);
	return cmd_usage(usage, EXIT_USAGE);
}

int report_format_option(const char *arg, enum report_format *ret)
{
	int r = 0;

	if (!strcmp(arg, "text"))
		*ret = FMT_TEXT;
	else if (!strcmp(arg, "html"))
		*ret = FMT_HTML;
	else if (!strcmp(arg, "json"))
		*ret = FMT_JSON;
	else
		r = error("unknown --format '%s': text, html or json", arg);
	return r;
}

void cmd_hint_captures(const char *source)
{
	struct strbuf cmd = STRBUF_INIT;

	sh_quote_path(&cmd, source);
	fprintf(stderr, "hint: its captures: memsnap sql %s 'SELECT capture_id, "
		"hostname, started_at FROM captures'\n", cmd.buf);
	strbuf_release(&cmd);
}

int cmd_output_option(const char *arg, const char **ret)
{
	/* '' would be SQLite's temporary database, or the root's folder for
	   export's partitions: nothing the user could find again */
	if (!*arg)
		return error("invalid --output '': an empty path");
	*ret = arg;
	return 0;
}

int capture_id_option(const char *arg, int64_t *ret)
{
	uint64_t v = 0;
	int r = cmd_u64_option("capture", arg, 1, INT64_MAX, false,
			       "a capture_id (1, 2, ...)", &v);

	if (r == 0)
		*ret = (int64_t)v;
	return r;
}
