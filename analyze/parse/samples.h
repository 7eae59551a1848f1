/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_PARSE_SAMPLES_H
#define MEMSNAP_PARSE_SAMPLES_H
/*
 * samples/index.tsv (schema/capture.md section 6.1): a header line, then
 * one line per sample: sample, mono_ns, mono_end_ns, realtime, kind,
 * trigger, status, tab-separated.
 */
#include <stddef.h>
#include <stdint.h>

#include "analyze/parse/parse.h"

struct sample_row {
	uint64_t sample, mono_ns, mono_end_ns;
	char *realtime;             /* "seconds.nanoseconds", as written */
	char *kind, *trigger, *status;
};

struct sample_index {
	struct sample_row *v;
	size_t n, alloc;
};

/* A line that is not 7 fields or whose numbers do not parse is skipped
   (diag says so); returns 0. */
int parse_sample_index(const char *buf, size_t len, struct sample_index *ret,
		       struct parse_diag *diag);
void sample_index_free(struct sample_index *s);

#endif
