/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: parse_go_info() (collector/go/<pid>.json, whatever a
 * capture holds there).  Beyond parse.h's contract: a parsed file has a
 * valid pid, and its GOMEMLIMIT in bytes is set only when the text is a
 * limit (not "off") that parse_gomemlimit() reads the same way.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct go_info g = { 0 };
	struct parse_diag d = { 0 };
	uint64_t bytes;
	int r;

	r = parse_go_info((const char *)data, size, &g, &d);
	fuzz_check_result(r, &d);
	if (r == 0) {
		FUZZ_CHECK(g.pid > 0 && g.pid <= 0x7fffffff);
		if (g.gomemlimit_bytes.set) {
			FUZZ_CHECK(g.gomemlimit != NULL);
			FUZZ_CHECK(parse_gomemlimit(g.gomemlimit, strlen(g.gomemlimit),
						    &bytes) == 0);
			FUZZ_CHECK(bytes == g.gomemlimit_bytes.v && bytes != UINT64_MAX);
		}
		if (!g.env_known)
			FUZZ_CHECK(!g.gogc && !g.gomemlimit && !g.gomaxprocs && !g.godebug);
	}
	go_info_free(&g);
	return 0;
}
