/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the kernel log filter (collect/kmsg.c) over lines of
 * text as the collector takes them (take_text: empty lines and " KEY=value"
 * continuation lines skipped): kmsg_record_message() for /dev/kmsg records
 * or kmsg_syslog_message() for syslog(2) lines, then kmsg_filter_keep()
 * and kmsg_oom_kill_matches().
 * Byte 0 chooses (bit 0: --kmsg all, bit 1: syslog lines); the rest of the
 * first line is log text, so seeds work as they are.
 *
 * Checked beyond not crashing:
 *  - the message is the tail of its line: within the input, ending where
 *    the line ends; a record's message starts after its first ';';
 *  - --kmsg all keeps every line; any line naming an OOM kill is kept;
 *  - the counters stay bounded: reports <= lines, truncated <= reports,
 *    report_records <= lines, after_kill in -1..KMSG_REAPER_WINDOW.
 */
#include "collect/collect.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *line, *msg;
	size_t pos = 0, llen, mlen;
	uint64_t lines = 0;
	struct kmsg_filter f;
	bool all = size && (data[0] & 1), syslog = size && (data[0] & 2);

	kmsg_filter_init(&f, all ? KMSG_ALL : KMSG_OOM);
	while (next_line(buf, size, &pos, &line, &llen)) {
		bool keep;

		if (!llen || line[0] == ' ')
			continue;
		lines++;
		msg = NULL;
		mlen = SIZE_MAX;
		if (syslog) {
			kmsg_syslog_message(line, llen, &msg, &mlen);
		} else {
			const char *semi = memchr(line, ';', llen);

			kmsg_record_message(line, llen, &msg, &mlen);
			FUZZ_CHECK(msg == (semi ? semi + 1 : line));
		}
		FUZZ_CHECK(msg >= line && mlen <= llen);
		FUZZ_CHECK(msg + mlen == line + llen);
		keep = kmsg_filter_keep(&f, msg, mlen);
		if (all)
			FUZZ_CHECK(keep);
		if (memmem(msg, mlen, "Killed process", 14) ||
		    memmem(msg, mlen, "oom-kill:", 9))
			FUZZ_CHECK(keep);
		FUZZ_CHECK(f.reports <= lines);
		FUZZ_CHECK(f.truncated <= f.reports);
		FUZZ_CHECK(f.report_records <= lines);
		FUZZ_CHECK(f.report_records <= KMSG_REPORT_MAX || f.truncated);
		FUZZ_CHECK(f.after_kill >= -1 && f.after_kill <= KMSG_REAPER_WINDOW);
		/* A kept line the loader takes as an event's start is counted
		 * (the filter keeps more than the loader starts events on: a
		 * message that only holds "invoked oom-killer" somewhere opens a
		 * report to keep, but no event, so in_report alone says nothing). */
		if (keep && memmem(msg, MIN(mlen, (size_t)200), " invoked oom-killer:", 20))
			FUZZ_CHECK(f.reports > 0);
		/* the flight recorder's match: a kill under /a is a kill */
		if (kmsg_oom_kill_matches(msg, mlen, "/a"))
			FUZZ_CHECK(kmsg_oom_kill_matches(msg, mlen, NULL) &&
				   kmsg_oom_kill_matches(msg, mlen, "/"));
	}
	return 0;
}
