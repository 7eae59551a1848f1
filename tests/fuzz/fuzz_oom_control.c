/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_oom_control() (v1 memory.oom_control). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oom_control o = { 0 };
	struct parse_diag d = { 0 };
	int r;

	r = parse_oom_control((const char *)data, size, &o, &d);
	fuzz_check_result(r, &d);
	return 0;
}
