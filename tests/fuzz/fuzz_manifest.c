/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: parse_manifest() (manifest.json), against jansson, the
 * parser it replaced: what jansson rejects, parse_manifest() rejects as
 * invalid JSON; what parse_manifest() rejects so, jansson rejects too with
 * JSON_REJECT_DUPLICATES (parse_manifest() rejects a duplicate only among
 * the keys it reads); and the strings and numbers it keeps are jansson's.
 */
#include <jansson.h>

#include "tests/fuzz/fuzz.h"
#include "analyze/capture/manifest.h"

static bool invalid_json(int r, const struct parse_diag *d)
{
	static const char prefix[] = "manifest: invalid JSON";

	return r == -EINVAL && !strncmp(d->msg, prefix, sizeof(prefix) - 1);
}

/* Our copy of a string of jansson's: the same bytes, or NULL when too long. */
static void check_str(json_t *obj, const char *key, const char *ours, size_t max)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v) || json_string_length(v) > max) {
		FUZZ_CHECK(ours == NULL);
		return;
	}
	FUZZ_CHECK(ours != NULL);
	FUZZ_CHECK(strlen(ours) == json_string_length(v));
	FUZZ_CHECK(!memcmp(ours, json_string_value(v), json_string_length(v)));
}

static void check_same(json_t *root, const struct manifest *m)
{
	json_t *arr = json_object_get(root, "problems"), *p;
	size_t i, k = 0;

	check_str(root, "hostname", m->hostname, 255);
	check_str(root, "boot_id", m->boot_id, 64);
	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, p) {
		const struct manifest_problem *mp;
		json_t *e;

		if (!json_is_object(p))
			continue;
		if (k == m->nproblems)
			break;
		mp = &m->problems[k++];
		check_str(p, "path", mp->path, 8192);
		check_str(p, "error", mp->error, 1024);
		e = json_object_get(p, "errno");
		FUZZ_CHECK(mp->err_no.set == (json_is_integer(e) &&
					      json_integer_value(e) >= 0));
		if (mp->err_no.set)
			FUZZ_CHECK(mp->err_no.v == (uint64_t)json_integer_value(e));
	}
	FUZZ_CHECK(k == m->nproblems);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct parse_diag d = { 0 };
	json_error_t jerr;
	json_t *j, *jd;
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
	if (size <= MANIFEST_MAX_BYTES) {
		j = json_loadb((const char *)data, size, 0, &jerr);
		if (!j)
			FUZZ_CHECK(invalid_json(r, &d));
		/* jansson skips a NUL byte after a number (its lexer takes
		 * it for the end of a buffered character): not JSON */
		if (invalid_json(r, &d) && !memchr(data, '\0', size)) {
			jd = json_loadb((const char *)data, size,
					JSON_REJECT_DUPLICATES, &jerr);
			FUZZ_CHECK(jd == NULL);
		}
		if (j && r == 0)
			check_same(j, &m);
		json_decref(j);
	}
	manifest_free(&m);
	return 0;
}
