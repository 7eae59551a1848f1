/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: status_sample_parse() (a later sample's status).
 * Contract (analyze/parse/status_sample.h): when it reads a file, its Name
 * lies inside the input and its values are parse_status()'s.
 */
#include "analyze/parse/status_sample.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	struct status_sample f, g;

	if (status_sample_parse(buf, size, &f)) {
		FUZZ_CHECK(parse_status(buf, size, &s, &d) == 0);
		status_sample_of(&s, &g);
		FUZZ_CHECK(!f.name || (f.name >= buf && f.name + f.name_len <= buf + size));
		FUZZ_CHECK(status_sample_same(&f, &g));
		proc_status_free(&s);
	}
	return 0;
}
