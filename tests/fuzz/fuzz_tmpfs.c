/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_tmpfs_usage() (collector/tmpfs.txt). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpfs_usage t = { 0 };
	struct parse_diag d = { 0 };
	size_t i;
	int r;

	r = parse_tmpfs_usage((const char *)data, size, &t, &d);
	fuzz_check_result(r, &d);
	for (i = 0; i < t.n; i++) {
		FUZZ_CHECK(t.v[i].kind && t.v[i].fstype && t.v[i].mount_point);
		FUZZ_CHECK(!t.v[i].volume == !t.v[i].pod_uid);
	}
	tmpfs_usage_free(&t);
	return 0;
}
