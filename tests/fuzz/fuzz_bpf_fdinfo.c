/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_bpf_fdinfo() and bpf_map_type_name(). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpf_fdinfo f = { 0 };
	struct parse_diag d = { 0 };
	const char *name;
	int r;

	r = parse_bpf_fdinfo((const char *)data, size, &f, &d);
	fuzz_check_result(r, &d);
	fuzz_check_extras(&f.extra);
	if (f.map_type.set && (name = bpf_map_type_name(f.map_type.v)))
		(void)strlen(name);
	bpf_fdinfo_free(&f);
	return 0;
}
