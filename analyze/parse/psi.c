/* SPDX-License-Identifier: MIT */
/*
 * PSI (4.20+; kernel/sched/psi.c, psi_show()): /proc/pressure/memory and
 * a v2 cgroup's memory.pressure,
 *
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *
 * averages in percent with two decimals, total in microseconds.  The cpu
 * file had no "full" line before 5.13; memory and io always have both.
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

enum { AVG10, AVG60, AVG300, TOTAL, NFIELDS };
static const char *const psi_keys[NFIELDS] = { "avg10", "avg60", "avg300", "total" };

/* Parse "avg10=... total=..." into *ret; false (with diag) when not whole. */
static bool psi_fields(const char *s, size_t n, unsigned lineno,
		       struct psi_line *ret, bool *range,
		       struct parse_diag *diag)
{
	bool have[NFIELDS] = { false };
	const char *p = s, *end = s + n;
	char q[DIAG_QUOTE_MAX];
	int i;

	while (p < end) {
		const char *tok, *eq;
		size_t tl;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		tok = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		tl = (size_t)(p - tok);
		eq = memchr(tok, '=', tl);
		if (!eq) {
			diag_add(diag, "line %u: '%s' is not key=value", lineno,
				 diag_quote(tok, tl, q, sizeof(q)));
			return false;
		}
		for (i = 0; i < NFIELDS; i++)
			if ((size_t)(eq - tok) == strlen(psi_keys[i]) &&
			    !memcmp(tok, psi_keys[i], strlen(psi_keys[i])))
				break;
		if (i == NFIELDS)
			continue;       /* a key a later kernel may add */
		if (have[i]) {
			diag_add(diag, "line %u: duplicate '%s'", lineno, psi_keys[i]);
			return false;
		}
		have[i] = true;
		if (i == TOTAL) {
			enum num_err e = num_u64(eq + 1, tl - (size_t)(eq + 1 - tok),
						 &ret->total);

			if (e != NUM_OK) {
				diag_num(diag, lineno, e, "total", 5, eq + 1,
					 tl - (size_t)(eq + 1 - tok));
				*range |= e != NUM_INVALID;
				return false;
			}
		} else {
			double *dst = i == AVG10 ? &ret->avg10 :
				      i == AVG60 ? &ret->avg60 : &ret->avg300;
			size_t vl = tl - (size_t)(eq + 1 - tok);

			if (parse_double(eq + 1, vl, dst) < 0 || *dst < 0 ||
			    *dst > 100) {
				diag_add(diag, "line %u: invalid percentage '%s' for '%s'",
					 lineno, diag_quote(eq + 1, vl, q, sizeof(q)),
					 psi_keys[i]);
				return false;
			}
		}
	}
	for (i = 0; i < NFIELDS; i++)
		if (!have[i]) {
			diag_add(diag, "line %u: no '%s'", lineno, psi_keys[i]);
			return false;
		}
	return true;
}

int parse_psi(const char *buf, size_t len, struct psi *ret,
	      struct parse_diag *diag)
{
	struct kv_iter it;
	const char *line;
	size_t n;
	bool range = false, seen_some = false, seen_full = false;
	char q[DIAG_QUOTE_MAX];
	int r = 0;

	kv_iter_init(&it, buf, len, ' ');
	while (kv_next_raw(&it, &line, &n)) {
		struct psi_line *dst, tmp = { 0 };
		bool *seen;

		if (!n)
			continue;
		if (n > 5 && !memcmp(line, "some", 4) &&
		    (line[4] == ' ' || line[4] == '\t')) {
			dst = &ret->some;
			seen = &seen_some;
		} else if (n > 5 && !memcmp(line, "full", 4) &&
			   (line[4] == ' ' || line[4] == '\t')) {
			dst = &ret->full;
			seen = &seen_full;
		} else {
			diag_add(diag, "line %u: not a 'some' or 'full' line: '%s', skipped",
				 it.lineno, diag_quote(line, n, q, sizeof(q)));
			continue;
		}
		if (*seen) {
			diag_add(diag, "line %u: duplicate '%.4s' line ignored (the first one counts)",
				 it.lineno, line);
			continue;
		}
		*seen = true;
		if (!psi_fields(line + 5, n - 5, it.lineno, &tmp, &range, diag))
			continue;
		tmp.set = true;
		*dst = tmp;
	}
	if (ret->some.set || ret->full.set)
		r = 0;
	else if (range)
		r = -ERANGE;
	else {
		r = -EINVAL;
		diag_add(diag, it.nonblank ? "no 'some' or 'full' line found" :
					     "empty file");
	}
	return r;
}
