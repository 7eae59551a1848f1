/* SPDX-License-Identifier: MIT */
/* Placeholder: replaced by the issue that implements `memsnap schema`. */
#include "cmds.h"
#include "util.h"

int cmd_schema(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return error("'memsnap schema' is not implemented yet"), EXIT_FATAL;
}
