/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_smaps_rollup() (/proc/PID/smaps_rollup). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smaps_rollup s = { 0 };
	struct parse_diag d = { 0 };
	int r;

	r = parse_smaps_rollup((const char *)data, size, &s, &d);
	fuzz_check_result(r, &d);
	fuzz_check_extras(&s.extra);
	smaps_rollup_free(&s);
	return 0;
}
