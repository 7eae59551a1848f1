/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_status() (/proc/PID/status). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	int r;

	r = parse_status((const char *)data, size, &s, &d);
	fuzz_check_result(r, &d);
	if (s.name)
		(void)strlen(s.name);
	if (s.state)
		(void)strlen(s.state);
	fuzz_check_extras(&s.extra);
	proc_status_free(&s);
	return 0;
}
