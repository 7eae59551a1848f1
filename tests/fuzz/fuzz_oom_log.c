/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: oom_log_parse() (any kernel log text), with the page
 * size the capture would give (first byte: 0 = infer, else 4 KiB or 64 KiB),
 * and what `memsnap oom` and the store call on its result.
 */
#include "tests/fuzz/fuzz.h"
#include "analyze/oom/oom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned page_sizes[] = { 0, 4096, 65536, 16384 };
	struct oom_log log;
	unsigned ps = 0;
	char buf[256];
	size_t i, j;
	int r;

	if (size) {
		ps = page_sizes[data[0] & 3];
		/* the rest of the first line is log text, so seeds work as they are */
	}
	r = oom_log_parse((const char *)data, size, ps, &log);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(log.n <= OOM_MAX_EVENTS);
	for (i = 0; i < log.n; i++) {
		const struct oom_event *ev = &log.v[i];
		const char *kind = oom_event_kind(ev);

		if (kind)
			(void)strlen(kind);
		oom_missing_text(ev->missing, buf, sizeof(buf));
		FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
		FUZZ_CHECK(ev->first_line <= ev->last_line);
		FUZZ_CHECK(ev->page_size >= 512 && (ev->page_size & (ev->page_size - 1)) == 0);
		for (j = 0; j < ev->ntasks; j++)
			if (ev->tasks[j].name)
				(void)strlen(ev->tasks[j].name);
		for (j = 0; j < ev->nkills; j++)
			if (ev->kills[j].comm)
				(void)strlen(ev->kills[j].comm);
		if (ev->victim.comm)
			(void)strlen(ev->victim.comm);
	}
	oom_log_free(&log);
	return 0;
}
