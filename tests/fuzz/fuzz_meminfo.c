/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_meminfo() (/proc/meminfo). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	size_t i;
	int r;

	r = parse_meminfo((const char *)data, size, &l, &d);
	fuzz_check_result(r, &d);
	for (i = 0; i < l.n; i++)
		FUZZ_CHECK(l.v[i].key != NULL);
	kv_list_free(&l);
	return 0;
}
