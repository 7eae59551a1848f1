/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: parse_eviction_thresholds() and parse_heap_flags() on
 * the same bytes, and the size parsers under them on the first line.
 */
#include <math.h>

#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct eviction_thresholds t = { 0 };
	struct heap_flags h = { 0 };
	struct parse_diag d = { 0 }, d2 = { 0 };
	const char *nl = memchr(buf, '\n', size);
	size_t first = nl ? (size_t)(nl - buf) : size, i;
	uint64_t v;
	int r;

	r = parse_eviction_thresholds(buf, size, &t, &d);
	fuzz_check_result(r, &d);
	FUZZ_CHECK(t.n <= 64);
	for (i = 0; i < t.n; i++) {
		FUZZ_CHECK(t.v[i].signal && t.v[i].raw);
		if (t.v[i].percent)
			FUZZ_CHECK(t.v[i].pct >= 0 && t.v[i].pct <= 100);
		eviction_threshold_bytes(&t.v[i], UINT64_MAX, &v);
	}
	eviction_thresholds_free(&t);
	r = parse_heap_flags(buf, size, &h, &d2);
	fuzz_check_result(r, &d2);
	if (h.max_ram_pct_set)
		FUZZ_CHECK(isfinite(h.max_ram_pct) && h.max_ram_pct <= 100);
	parse_k8s_quantity(buf, first, &v);
	parse_jvm_size(buf, first, &v);
	parse_go_duration_ms(buf, first, &v);
	return 0;
}
