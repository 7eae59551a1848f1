/* SPDX-License-Identifier: MIT */
/* libFuzzer target: parse_bpftool_maps() (bpftool map -j, pretty, text). */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };
	size_t i, j;
	int r;

	r = parse_bpftool_maps((const char *)data, size, &m, &d);
	fuzz_check_result(r, &d);
	for (i = 0; i < m.n; i++) {
		const struct bpftool_map *b = &m.v[i];

		if (b->type)
			(void)strlen(b->type);
		if (b->name)
			(void)strlen(b->name);
		if (b->loaded_at)
			(void)strlen(b->loaded_at);
		for (j = 0; j < b->npids; j++)
			if (b->pids[j].comm)
				(void)strlen(b->pids[j].comm);
	}
	if (m.error)
		(void)strlen(m.error);
	bpftool_maps_free(&m);
	return 0;
}
