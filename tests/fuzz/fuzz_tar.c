/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the tar reader (analyze/capture/tar.c) over the bytes
 * as a tar stream, handed out in pieces of a size the first byte picks
 * (1 to 4096 bytes: headers and meta entries cut across pieces), with a
 * skip function (as a plain file has) when that byte is odd, and
 * tar_pax_parse() over the same bytes.
 *
 * Contract checked beyond crashes and leaks: tar_next() returns TAR_OK,
 * TAR_END or one of its errors, and once failed, fails again; an entry's
 * path is as long as it says; tar_data() never hands out more than the
 * entry's size, nor more than the stream held.
 */
#include "tests/fuzz/fuzz.h"

#include "tests/fuzz/tar_src.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem_src s = { data, size, 0, 0, false, false };
	struct tar_reader *t;
	struct tar_entry e;
	struct tar_pax pax;
	uint64_t total = 0;
	int r;

	tar_pax_parse((const char *)data, size, &pax);
	FUZZ_CHECK(!pax.path || pax.path + pax.path_len <= (const char *)data + size);
	if (!size)
		return 0;
	s.piece = data[0] < 128 ? (size_t)data[0] + 1 : ((size_t)data[0] - 127) * 32;
	s.off = 1;
	s.seek = data[0] % 2;
	t = mem_src_reader(&s);
	while ((r = tar_next(t, &e)) == TAR_OK) {
		const void *buf;
		uint64_t got = 0;
		ssize_t n;

		FUZZ_CHECK(strlen(e.path) == e.path_len);
		FUZZ_CHECK(e.kind < TAR_LONGNAME);
		while ((n = tar_data(t, &buf, 1000)) > 0) {
			FUZZ_CHECK(n <= 1000);
			got += (uint64_t)n;
		}
		FUZZ_CHECK(got <= e.size);
		FUZZ_CHECK(n == 0 ? got == e.size : n == TAR_E_TRUNCATED);
		total += got;
	}
	FUZZ_CHECK(r == TAR_END || (r < 0 && r >= TAR_E_PAX_SIZE && r != TAR_E_SOURCE));
	FUZZ_CHECK(total <= size);
	if (r < 0)
		FUZZ_CHECK(tar_next(t, &e) == r);
	tar_reader_free(t);
	return 0;
}
