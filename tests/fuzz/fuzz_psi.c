/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_psi() (proc/pressure/memory, memory.pressure). */
#include <math.h>

#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psi p = { 0 };
	struct parse_diag d = { 0 };
	int r;

	r = parse_psi((const char *)data, size, &p, &d);
	fuzz_check_result(r, &d);
	/* a NaN or infinity would reach SQLite as NULL or inf: not a percent */
	if (p.some.set)
		FUZZ_CHECK(isfinite(p.some.avg10) && isfinite(p.some.avg60) &&
			   isfinite(p.some.avg300));
	if (p.full.set)
		FUZZ_CHECK(isfinite(p.full.avg10) && isfinite(p.full.avg60) &&
			   isfinite(p.full.avg300));
	return 0;
}
