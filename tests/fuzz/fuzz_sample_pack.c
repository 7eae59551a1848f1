/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: sample_pack_next() (a later sample's pack,
 * common/sample_pack.h).  Contract: each record lies inside the input, the
 * records read are the input's bytes up to where reading stopped (written
 * again by sample_pack_add(), byte for byte), and a stop is the end or a
 * bad record, never a record read twice.
 */
#include "common/sample_pack.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct strbuf again = STRBUF_INIT;
	struct sample_pack_rec r;
	size_t pos = 0, before;
	int ret;

	for (;;) {
		before = pos;
		ret = sample_pack_next(buf, size, &pos, &r);
		FUZZ_CHECK(ret == 1 || ret == 0 || ret == -1);
		if (ret != 1) {
			FUZZ_CHECK(pos == before);
			FUZZ_CHECK(ret != 0 || pos == size);
			break;
		}
		FUZZ_CHECK(pos > before && pos <= size);
		FUZZ_CHECK(r.path >= buf + before && r.path + r.path_len <= buf + size);
		FUZZ_CHECK(r.data == r.path + r.path_len && r.data + r.len + 1 == buf + pos);
		sample_pack_add(&again, r.path, r.path_len, r.data, r.len);
	}
	FUZZ_CHECK(again.len == pos && (!pos || !memcmp(again.buf, buf, pos)));
	strbuf_release(&again);
	return 0;
}
