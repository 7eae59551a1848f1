/* SPDX-License-Identifier: MIT */
/* Placeholder: replaced by the issue that implements `memsnap sql`. */
#include "cmds.h"
#include "util.h"

int cmd_sql(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return error("'memsnap sql' is not implemented yet"), EXIT_FATAL;
}
