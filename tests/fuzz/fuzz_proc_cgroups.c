/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_proc_cgroups() (/proc/cgroups). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_cgroups c = { 0 };
	struct parse_diag d = { 0 };
	size_t i;
	int r;

	r = parse_proc_cgroups((const char *)data, size, &c, &d);
	fuzz_check_result(r, &d);
	FUZZ_CHECK(r == 0 ? c.n > 0 : c.n == 0);
	for (i = 0; i < c.n; i++)
		FUZZ_CHECK(c.v[i].subsys && *c.v[i].subsys);
	proc_cgroups_free(&c);
	return 0;
}
