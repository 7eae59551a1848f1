/* SPDX-License-Identifier: MIT */
/*
 * /proc/cgroups: one row per controller.  The kernel prints a header
 * "#subsys_name\thierarchy\tnum_cgroups\tenabled" (the "enabled" column
 * since 2.6.26); columns are found from the header so a kernel that adds
 * or drops one still parses.
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

enum { COL_NAME, COL_HIERARCHY, COL_NUM, COL_ENABLED, COL_OTHER };
#define MAX_COLS 8

/* Split s[0..n) on blanks into at most MAX_COLS fields; returns the count. */
static size_t split_blank(const char *s, size_t n, const char **f, size_t *fl)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t st;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n)
			break;
		st = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		if (k == MAX_COLS)
			return MAX_COLS + 1;
		f[k] = s + st;
		fl[k++] = i - st;
	}
	return k;
}

static int col_kind(const char *s, size_t n)
{
	static const char *const names[] = {
		[COL_NAME] = "subsys_name", [COL_HIERARCHY] = "hierarchy",
		[COL_NUM] = "num_cgroups", [COL_ENABLED] = "enabled",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == n && !memcmp(names[i], s, n))
			return (int)i;
	return COL_OTHER;
}

static bool name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return false;
	return true;
}

int parse_proc_cgroups(const char *buf, size_t len, struct proc_cgroups *ret,
		       struct parse_diag *diag)
{
	int cols[MAX_COLS] = { COL_NAME, COL_HIERARCHY, COL_NUM, COL_ENABLED,
			       COL_OTHER, COL_OTHER, COL_OTHER, COL_OTHER };
	size_t ncols = 4;
	struct kv_iter it;
	const char *line;
	size_t n;
	char q[DIAG_QUOTE_MAX];
	bool header = false;

	kv_iter_init(&it, buf, len, ' ');
	while (kv_next_raw(&it, &line, &n)) {
		const char *f[MAX_COLS];
		size_t fl[MAX_COLS], nf, i;
		struct proc_cgroups_row row = { 0 };
		bool bad = false;

		if (!n)
			continue;
		if (!header && n > 12 && !memcmp(line, "#subsys_name", 12)) {
			nf = split_blank(line + 1, n - 1, f, fl);
			if (nf > MAX_COLS || nf < 2 || col_kind(f[0], fl[0]) != COL_NAME) {
				diag_add(diag, "line %u: header not understood, skipped",
					 it.lineno);
				continue;
			}
			for (i = 0; i < nf; i++)
				cols[i] = col_kind(f[i], fl[i]);
			ncols = nf;
			header = true;
			continue;
		}
		nf = split_blank(line, n, f, fl);
		/* A row: a name then numbers, as many as the header says. */
		if (nf != ncols || !name_ok(f[0], fl[0])) {
			diag_add(diag, "line %u: not a controller row: '%s', skipped",
				 it.lineno, diag_quote(line, n, q, sizeof(q)));
			continue;
		}
		for (i = 1; i < nf && !bad; i++) {
			struct kv_u64 *dst = cols[i] == COL_HIERARCHY ? &row.hierarchy :
					     cols[i] == COL_NUM ? &row.num_cgroups :
					     cols[i] == COL_ENABLED ? &row.enabled : NULL;
			uint64_t v;
			enum num_err e = num_u64(f[i], fl[i], &v);

			if (e != NUM_OK) {
				diag_num(diag, it.lineno, e, f[0], fl[0], f[i], fl[i]);
				bad = true;
			} else if (dst) {
				dst->v = v;
				dst->set = true;
			}
		}
		if (bad)
			continue;
		/* A kernel has a few dozen controllers: the rest is garbage. */
		if (ret->n >= 256) {
			diag_add(diag, "line %u: more than 256 rows, skipped", it.lineno);
			continue;
		}
		for (i = 0; i < ret->n; i++)
			if (strlen(ret->v[i].subsys) == fl[0] &&
			    !memcmp(ret->v[i].subsys, f[0], fl[0]))
				break;
		if (i < ret->n) {
			diag_add(diag, "line %u: duplicate controller '%s' ignored (the first one counts)",
				 it.lineno, diag_quote(f[0], fl[0], q, sizeof(q)));
			continue;
		}
		row.subsys = xstrndup(f[0], fl[0]);
		ALLOC_GROW(ret->v, ret->n + 1, ret->alloc);
		ret->v[ret->n++] = row;
	}
	if (ret->n)
		return 0;
	diag_add(diag, it.nonblank ? "no controller row found" : "empty file");
	return -EINVAL;
}

void proc_cgroups_free(struct proc_cgroups *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		free(c->v[i].subsys);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

const struct proc_cgroups_row *proc_cgroups_get(const struct proc_cgroups *c,
						const char *subsys)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].subsys, subsys))
			return &c->v[i];
	return NULL;
}
