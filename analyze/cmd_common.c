/* SPDX-License-Identifier: MIT */
/*
 * Option parsing every `memsnap` command shares (analyze/cmds.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze/cmds.h"
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
