/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: `memsnap report` end to end.  Bytes -> a capture
 * archive in a memfd (see fuzz_capture.h for the input format) ->
 * load_capture() -> report_load() (the report's queries over the public
 * views) -> the text (with colour) renderer, then report_load() with the
 * queries the JSON and HTML renderers show -> those renderers.  Slower than
 * fuzz_load (the report compiles its queries for every input), so its
 * smoke run is shorter; what it adds is the renderers' escaping of hostile
 * names and the model's handling of NULLs and extreme numbers.
 *
 * Contract checked beyond crashes and leaks: report_load() does not fail
 * on a loaded capture; no statement is left unfinalized.
 */
#include "tests/fuzz/fuzz_capture.h"
#include "reports/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sqlite3 *db = fuzz_db_get();
	struct report rep = { 0 };
	struct report_text_opts o = { .color = true };
	struct strbuf out = STRBUF_INIT;
	char *err = NULL;
	int64_t id;
	int r;

	fuzz_db_begin(db);
	if (fuzz_load_input(db, data, size, &id) < 0)
		goto out;
	/* the text report's own queries (show_queries false), then the shown ones */
	r = report_load(db, 0, "fuzz", false, &rep, &err);
	if (r < 0)
		fprintf(stderr, "report_load: %s\n", err ? err : "?");
	FUZZ_CHECK(r == 0);
	report_render_text(&rep, &o, &out);
	strbuf_reset(&out);
	o.color = false;
	o.max_containers = 3;
	report_render_text(&rep, &o, &out);
	strbuf_reset(&out);
	report_free(&rep);
	r = report_load(db, 0, "fuzz", true, &rep, &err);
	if (r < 0)
		fprintf(stderr, "report_load: %s\n", err ? err : "?");
	FUZZ_CHECK(r == 0);
	report_render_json(&rep, &out);
	strbuf_reset(&out);
	report_render_html(&rep, &out);
out:
	strbuf_release(&out);
	report_free(&rep);
	free(err);
	fuzz_db_rollback(db, NULL, 0);
	return 0;
}
