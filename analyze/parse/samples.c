/* SPDX-License-Identifier: MIT */
/* samples/index.tsv: see samples.h. */
#include "analyze/parse/samples.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

enum { SAMPLE_FIELDS = 7 };

static int parse_line(const char *s, size_t len, struct sample_row *r)
{
	const char *f[SAMPLE_FIELDS];
	size_t fl[SAMPLE_FIELDS], i = 0;
	const char *p = s, *end = s + len;

	while (i < SAMPLE_FIELDS) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));

		f[i] = p;
		fl[i] = (size_t)((tab ? tab : end) - p);
		i++;
		if (!tab)
			break;
		p = tab + 1;
	}
	if (i != SAMPLE_FIELDS || memchr(p, '\t', (size_t)(end - p)) ||
	    parse_u64(f[0], fl[0], &r->sample) < 0 ||
	    parse_u64(f[1], fl[1], &r->mono_ns) < 0 ||
	    parse_u64(f[2], fl[2], &r->mono_end_ns) < 0)
		return -1;
	r->realtime = xstrndup(f[3], fl[3]);
	r->kind = xstrndup(f[4], fl[4]);
	r->trigger = xstrndup(f[5], fl[5]);
	r->status = xstrndup(f[6], fl[6]);
	return 0;
}

int parse_sample_index(const char *buf, size_t len, struct sample_index *ret,
		       struct parse_diag *diag)
{
	const char *p = buf, *end = buf + len;
	unsigned line = 0;

	memset(ret, 0, sizeof(*ret));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		struct sample_row r = { 0 };

		line++;
		if (line > 1 && n) {
			if (parse_line(p, n, &r) < 0) {
				diag_add(diag, "line %u: not a sample line, skipping", line);
			} else {
				ALLOC_GROW(ret->v, ret->n + 1, ret->alloc);
				ret->v[ret->n++] = r;
			}
		}
		p += n + (nl != NULL);
	}
	return 0;
}

void sample_index_free(struct sample_index *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].realtime);
		free(s->v[i].kind);
		free(s->v[i].trigger);
		free(s->v[i].status);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
