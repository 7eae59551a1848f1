/* SPDX-License-Identifier: MIT */
/* Placeholder: replaced by the issue that implements `memsnap load`. */
#include "cmds.h"
#include "util.h"

int cmd_load(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return error("'memsnap load' is not implemented yet"), EXIT_FATAL;
}
