/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: parse_kv_list() (memory.stat v1 and v2, vmstat,
 * memory.events, memory.swap.events, cgroup.stat) and kv_list_get().
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	uint64_t v;
	size_t i;
	int r;

	r = parse_kv_list((const char *)data, size, &l, &d);
	fuzz_check_result(r, &d);
	for (i = 0; i < l.n; i++) {
		FUZZ_CHECK(l.v[i].key != NULL);
		/* the first occurrence of a key is the one kept */
		FUZZ_CHECK(kv_list_get(&l, l.v[i].key, &v));
	}
	(void)kv_list_get(&l, "total_inactive_file", &v);
	kv_list_free(&l);
	return 0;
}
