/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: kubelet_extract() (what the collector keeps of the
 * kubelet's files) and parse_kubelet_settings() on its output and on the
 * bytes themselves.  Whatever the input, every kept line is
 * "<source> <key> <value>" with a value of the allowed bytes only.
 */
#include "tests/fuzz/fuzz.h"

#include "common/kubelet_settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct strbuf out = STRBUF_INIT;
	struct kubelet_settings k = { 0 };
	struct parse_diag d = { 0 }, d2 = { 0 };
	size_t i;
	int r;

	kubelet_extract(buf, size, "config", &out);
	for (i = 0; i < out.len; i++) {
		char c = out.buf[i];

		FUZZ_CHECK(c == '\n' || c == ' ' || (c > ' ' && c < 0x7f));
	}
	r = parse_kubelet_settings(out.buf, out.len, &k, &d);
	fuzz_check_result(r, &d);
	FUZZ_CHECK(r == 0);
	kubelet_settings_free(&k);
	r = parse_kubelet_settings(buf, size, &k, &d2);
	fuzz_check_result(r, &d2);
	kubelet_settings_free(&k);
	strbuf_release(&out);
	return 0;
}
