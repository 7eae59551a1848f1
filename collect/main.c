/* SPDX-License-Identifier: MIT */
/* Placeholder: replaced by issue 2 (the collector). */
#include "util.h"

int main(void)
{
	return error("memsnap-collect is not implemented yet"), 3;
}
