/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_FUZZ_H
#define MEMSNAP_FUZZ_H
/*
 * Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c).  Each target feeds
 * the fuzzer's bytes to one parser exactly as the loader does: (buf, len),
 * not NUL-terminated (libFuzzer's buffer is an exact-size heap block, so
 * ASan sees a read one byte past the end), and checks the parts of the
 * contract in analyze/parse.h that a crash would not show:
 *  - a parser returns 0 or a negative errno, nothing else;
 *  - diag.msg is always a terminated string;
 *  - a failed parse says why (diag.count > 0), so load_problems is never
 *    an empty reason.
 * A broken contract aborts, which libFuzzer records as a crash.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/parse/parse.h"

#define FUZZ_CHECK(cond)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: contract broken: %s\n",        \
				__FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_check_result(int r, const struct parse_diag *d)
{
	char buf[400];

	FUZZ_CHECK(r == 0 || (r < 0 && r > -4096));
	FUZZ_CHECK(memchr(d->msg, '\0', sizeof(d->msg)) != NULL);
	FUZZ_CHECK(r == 0 || d->count > 0);
	/* the text the loader stores */
	diag_text(d, buf, sizeof(buf));
	FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
}

/* Every extra key and value is a terminated string. */
static inline void fuzz_check_extras(const struct kv_extras *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		FUZZ_CHECK(x->v[i].key != NULL && x->v[i].value != NULL);
		(void)strlen(x->v[i].key);
		(void)strlen(x->v[i].value);
	}
}

/* A NUL-terminated copy, for the functions that take C strings. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
