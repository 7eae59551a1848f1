/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_manifest() (manifest.json). */
#include "tests/fuzz/fuzz.h"
#include "analyze/capture/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct parse_diag d = { 0 };
	size_t i;
	int r;

	r = parse_manifest((const char *)data, size, &m, &d);
	fuzz_check_result(r, &d);
	for (i = 0; i < m.nproblems; i++) {
		if (m.problems[i].path)
			(void)strlen(m.problems[i].path);
		if (m.problems[i].error)
			(void)strlen(m.problems[i].error);
	}
	if (m.hostname)
		(void)strlen(m.hostname);
	if (m.memory_root)
		(void)strlen(m.memory_root);
	manifest_free(&m);
	return 0;
}
