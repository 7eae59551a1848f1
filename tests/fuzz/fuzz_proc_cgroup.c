/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_proc_cgroup() and proc_cgroup_memory_path(). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };
	const char *memcg;
	size_t i;
	int r;

	r = parse_proc_cgroup((const char *)data, size, &c, &d);
	fuzz_check_result(r, &d);
	for (i = 0; i < c.n; i++) {
		FUZZ_CHECK(c.v[i].controllers && c.v[i].path);
		(void)strlen(c.v[i].controllers);
		(void)strlen(c.v[i].path);
	}
	memcg = proc_cgroup_memory_path(&c);
	if (memcg)
		(void)strlen(memcg);
	proc_cgroup_free(&c);
	return 0;
}
