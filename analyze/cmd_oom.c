/* SPDX-License-Identifier: MIT */
/* Placeholder: replaced by the issue that implements `memsnap oom`. */
#include "cmds.h"
#include "util.h"

int cmd_oom(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return error("'memsnap oom' is not implemented yet"), EXIT_FATAL;
}
