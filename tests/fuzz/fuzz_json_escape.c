/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the collector's JSON writer (collect/util.c,
 * json_escape() behind jsonw_string_len()).  The manifest carries strings
 * the node chose: cgroup and file names in problem paths, Go environment
 * values, bpftool's stderr.  The writer promises valid JSON whatever the
 * bytes ("Invalid UTF-8 is written as U+FFFD"): here jansson, which the
 * analyzer reads the manifest with, must accept the output and give back
 * the input with each byte that does not start a valid UTF-8 sequence
 * replaced by U+FFFD.
 *
 * Byte 0 (bit 0) chooses whether the string is an object's key or a value;
 * it stays part of the string.
 */
#include <jansson.h>

#include "collect/collect.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
	const char *s = (const char *)data;
	bool as_key = size && (data[0] & 1);
	char *key = NULL;
	json_error_t err;
	json_t *j, *v;
	size_t i;

	/* the expected text: the input, invalid bytes as U+FFFD */
	for (i = 0; i < size;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, size - i, &cp);

		if (!n) {
			strbuf_add(&want, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		strbuf_add(&want, s + i, n);
		i += n;
	}

	if (as_key) {
		struct jsonw w;

		/* jsonw_name() takes a C string: what strlen() sees of it */
		key = fuzz_strndup(data, size);
		jsonw_init(&w, &out, false);
		jsonw_start_object(&w);
		jsonw_name(&w, key);
		jsonw_u64(&w, 1);
		jsonw_end_object(&w);
		/* the expected key ends at the input's first NUL */
		strbuf_setlen(&want, strnlen(want.buf, want.len));
	} else {
		struct jsonw w;

		jsonw_init(&w, &out, false);
		jsonw_start_array(&w);
		jsonw_string_len(&w, s, size);
		jsonw_end_array(&w);
	}

	j = json_loadb(out.buf, out.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!j)
		fprintf(stderr, "jansson: %s at %d: %.200s\n", err.text, err.position,
			out.buf);
	FUZZ_CHECK(j != NULL);
	if (as_key) {
		const char *k;

		FUZZ_CHECK(json_is_object(j) && json_object_size(j) == 1);
		json_object_foreach(j, k, v) {
			FUZZ_CHECK(strlen(k) == want.len && !memcmp(k, want.buf, want.len));
			FUZZ_CHECK(json_integer_value(v) == 1);
		}
	} else {
		FUZZ_CHECK(json_is_array(j) && json_array_size(j) == 1);
		v = json_array_get(j, 0);
		FUZZ_CHECK(json_is_string(v));
		FUZZ_CHECK(json_string_length(v) == want.len);
		FUZZ_CHECK(!memcmp(json_string_value(v), want.buf, want.len));
	}
	json_decref(j);
	free(key);
	strbuf_release(&out);
	strbuf_release(&want);
	return 0;
}
