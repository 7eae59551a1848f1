/* SPDX-License-Identifier: MIT */
/* Placeholder: replaced by the issue that implements `memsnap report`. */
#include "cmds.h"
#include "util.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return error("'memsnap report' is not implemented yet"), EXIT_FATAL;
}
