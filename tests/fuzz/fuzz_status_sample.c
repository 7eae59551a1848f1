/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: status_sample_parse() (a later sample's status).
 * Contract (analyze/parse/status_sample.h): when it reads a file, its Name
 * lies inside the input and its values are parse_status()'s.
 */
#include "analyze/parse/status_sample.h"
#include "tests/fuzz/fuzz.h"

static void same(struct kv_u64 a, struct kv_u64 b)
{
	FUZZ_CHECK(a.set == b.set);
	FUZZ_CHECK(!a.set || a.v == b.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	struct status_sample f;

	if (status_sample_parse(buf, size, &f)) {
		FUZZ_CHECK(parse_status(buf, size, &s, &d) == 0);
		FUZZ_CHECK(!f.name == !s.name);
		if (f.name) {
			FUZZ_CHECK(f.name >= buf && f.name + f.name_len <= buf + size);
			FUZZ_CHECK(f.name_len == strlen(s.name));
			FUZZ_CHECK(!memcmp(f.name, s.name, f.name_len));
		}
		same(f.vm_rss, s.vm_rss);
		same(f.rss_anon, s.rss_anon);
		same(f.rss_file, s.rss_file);
		same(f.rss_shmem, s.rss_shmem);
		same(f.vm_swap, s.vm_swap);
		proc_status_free(&s);
	}
	return 0;
}
