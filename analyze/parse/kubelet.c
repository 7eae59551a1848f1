/* SPDX-License-Identifier: MIT */
/* collector/kubelet.txt (collect/kubelet.c; capture.md 2.9). */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/kubelet_settings.h"
#include "common/util.h"

#include "common/banned.h"

_Static_assert((int)KUBELET_SETTINGS_NR == (int)KUBELET_KEY_NR,
	       "parse.h's KUBELET_SETTINGS_NR follows common/kubelet_settings.h");

/* Lower ranks win: the kubelet's flags beat its config file. */
static int source_rank(const char *s, size_t n)
{
	static const char *const order[] = { "cmdline", "config", "drop-in",
					      "env-file" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (strlen(order[i]) == n && !memcmp(order[i], s, n))
			return (int)i;
	return -1;
}

int parse_kubelet_settings(const char *buf, size_t len,
			   struct kubelet_settings *ret, struct parse_diag *diag)
{
	int rank[KUBELET_KEY_NR];
	struct kv_iter it;
	const char *line;
	size_t n, i, found = 0;
	char q[DIAG_QUOTE_MAX];

	for (i = 0; i < KUBELET_KEY_NR; i++)
		rank[i] = 99;
	kv_iter_init(&it, buf, len, ' ');
	while (kv_next_raw(&it, &line, &n)) {
		const char *sp1, *sp2;
		enum kubelet_key k;
		struct kubelet_setting *s;
		int r;

		if (!n)
			continue;
		sp1 = memchr(line, ' ', n);
		sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line)) : NULL;
		r = sp1 ? source_rank(line, (size_t)(sp1 - line)) : -1;
		k = sp2 ? kubelet_key_of(sp1 + 1, (size_t)(sp2 - sp1 - 1)) : KUBELET_KEY_NR;
		if (r < 0 || k == KUBELET_KEY_NR || sp2 + 1 >= line + n ||
		    memchr(line, '\0', n)) {
			diag_add(diag, "line %u: not a kubelet setting: '%s', skipped",
				 it.lineno, diag_quote(line, n, q, sizeof(q)));
			continue;
		}
		found++;
		if (r >= rank[k])
			continue;
		rank[k] = r;
		s = &ret->v[k];
		free(s->source);
		free(s->value);
		eviction_thresholds_free(&s->entries);
		s->set = true;
		s->source = xstrndup(line, (size_t)(sp1 - line));
		s->value = xstrndup(sp2 + 1, n - (size_t)(sp2 + 1 - line));
		if (k != KUBELET_ENFORCE_NODE_ALLOCATABLE)
			parse_eviction_thresholds(s->value, strlen(s->value),
						  &s->entries, diag);
	}
	if (found || !it.nonblank)
		return 0;
	diag_add(diag, "no kubelet setting found");
	return -EINVAL;
}

void kubelet_settings_free(struct kubelet_settings *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < KUBELET_KEY_NR; i++) {
		free(k->v[i].source);
		free(k->v[i].value);
		eviction_thresholds_free(&k->v[i].entries);
	}
	memset(k, 0, sizeof(*k));
}
