/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: parse_one_value() (memory.current, memory.max,
 * memory.limit_in_bytes, ...) and parse_gomemlimit() (GOMEMLIMIT's syntax).
 */
#include "tests/fuzz/fuzz.h"
#include "analyze/load/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct one_value v = { 0 };
	struct parse_diag d = { 0 };
	uint64_t gml;
	int r;

	r = parse_one_value((const char *)data, size, &v, &d);
	fuzz_check_result(r, &d);
	/* "max" is the only way to UINT64_MAX, and it is unlimited */
	if (r == 0 && v.v == UINT64_MAX)
		FUZZ_CHECK(v.unlimited);
	r = parse_gomemlimit((const char *)data, size, &gml);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	return 0;
}
