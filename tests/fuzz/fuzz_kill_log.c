/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_kill_log() (journal lines of systemd-oomd and the kubelet). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kill_events k = { 0 };
	struct parse_diag d = { 0 };
	size_t i;
	int r;

	r = parse_kill_log((const char *)data, size, &k, &d);
	fuzz_check_result(r, &d);
	FUZZ_CHECK(r == 0);
	for (i = 0; i < k.n; i++) {
		FUZZ_CHECK(k.v[i].kind >= KILL_OOMD_KILLED &&
			   k.v[i].kind <= KILL_KUBELET_EVICTED);
		FUZZ_CHECK(k.v[i].lineno > 0);
	}
	kill_events_free(&k);
	return 0;
}
