/* SPDX-License-Identifier: MIT */
/*
 * Flat-keyed files, `key value` per line, every value one number:
 * memory.stat (v1 and v2), memory.events, memory.events.local,
 * memory.swap.events, cgroup.stat, /proc/vmstat.  Also the engine of
 * parse_meminfo() (parse_meminfo.c), which is the same with ':' and kB.
 *
 * Every key is kept, in file order: the key sets differ between v1 and v2
 * and grow with every kernel (v1 adds total_<key> with use_hierarchy=1 and
 * has none without; v2 split workingset_refault into _anon/_file in 5.9,
 * added kernel in 5.18, zswap keys in 5.19 and 6.x...).
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

static bool starts_with_span(const char *s, size_t n, const char *prefix)
{
	size_t l = strlen(prefix);

	return n >= l && !memcmp(s, prefix, l);
}

/* More than one blank-separated token in s[0..n)? */
static bool has_two_tokens(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n;
}

int kv_list_parse_opts(const char *buf, size_t len, char sep, bool allow_kb,
		       bool meminfo, struct kv_list *ret,
		       struct parse_diag *diag)
{
	struct keyset ks;
	struct kv_iter it;
	const char *line;
	size_t n, i, added = 0, range = 0;
	unsigned legacy_from = 0, legacy_to = 0;
	bool legacy_reported = false;
	char q[DIAG_QUOTE_MAX], q2[DIAG_QUOTE_MAX];
	int r = 0;

	keyset_init(&ks);
	for (i = 0; i < ret->n; i++)
		keyset_add(&ks, ret->v[i].key, strlen(ret->v[i].key));
	kv_iter_init(&it, buf, len, sep);
	while (kv_next_raw(&it, &line, &n)) {
		struct kv_line l;
		enum num_err e;
		uint64_t v;
		bool kb;

		if (!n)
			continue;
		if (meminfo) {
			/*
			 * Linux 2.4 (and 2.6 kernels built with the old
			 * layout, e.g. 32-bit embedded ones) start meminfo
			 * with "        total:    used:    free:  shared:
			 * buffers:  cached:" and a Mem: and a Swap: row in
			 * bytes, then the `Key: N kB` lines.
			 */
			if (!legacy_from && starts_with_span(line, n, "total:") &&
			    memmem_str(line, n, "used:")) {
				legacy_from = legacy_to = it.lineno;
				continue;
			}
			if (legacy_from && legacy_to == it.lineno - 1) {
				size_t pl = starts_with_span(line, n, "Mem:") ? 4 :
					    starts_with_span(line, n, "Swap:") ? 5 : 0;

				if (pl && has_two_tokens(line + pl, n - pl)) {
					legacy_to = it.lineno;
					continue;
				}
			}
		}
		if (legacy_from && !legacy_reported) {
			diag_add(diag, "lines %u-%u: 2.4-era 'total: used: free:' table skipped",
				 legacy_from, legacy_to);
			legacy_reported = true;
		}
		if (!kv_split(line, n, sep, it.lineno, &l, diag))
			continue;
		if (keyset_has(&ks, l.key, l.klen)) {
			diag_add(diag, "line %u: duplicate key '%s' ignored (the first one counts)",
				 l.lineno, diag_quote(l.key, l.klen, q, sizeof(q)));
			continue;
		}
		kb = false;
		e = allow_kb ? num_u64_unit(l.val, l.vlen, &v, &kb) :
			       num_u64(l.val, l.vlen, &v);
		/*
		 * meminfo prints every key "%8lu kB" except the four
		 * HugePages_ page counts: a size without its unit is a line
		 * cut short, and a wrong number is worse than none.
		 */
		if (e == NUM_OK && meminfo &&
		    kb == starts_with_span(l.key, l.klen, "HugePages_")) {
			diag_add(diag, kb ? "line %u: unexpected unit in '%s' for '%s'" :
				 "line %u: no 'kB' in '%s' for '%s' (truncated?)",
				 l.lineno, diag_quote(l.val, l.vlen, q, sizeof(q)),
				 diag_quote(l.key, l.klen, q2, sizeof(q2)));
			continue;
		}
		if (e != NUM_OK) {
			/* The key is left out (NULL in SQL), never 0. */
			diag_num(diag, l.lineno, e, l.key, l.klen, l.val, l.vlen);
			if (e != NUM_INVALID)
				range++;
			continue;
		}
		ALLOC_GROW(ret->v, ret->n + 1, ret->alloc);
		ret->v[ret->n].key = str_blocks_dup(&ret->blocks, l.key, l.klen,
						    KV_BLOCK);
		ret->v[ret->n].value = v;
		keyset_add(&ks, l.key, l.klen);
		ret->n++;
		added++;
	}
	if (legacy_from && !legacy_reported)
		diag_add(diag, "lines %u-%u: 2.4-era 'total: used: free:' table skipped",
			 legacy_from, legacy_to);
	if (added)
		r = 0;
	else if (range)
		r = -ERANGE;
	else {
		r = -EINVAL;
		diag_add(diag, it.nonblank ? "no 'key value' line found" :
					     "empty file");
	}
	keyset_release(&ks);
	return r;
}

int parse_kv_list(const char *buf, size_t len, struct kv_list *ret,
		  struct parse_diag *diag)
{
	/* memory.stat and friends print bytes and counts, never kB. */
	return kv_list_parse_opts(buf, len, ' ', false, false, ret, diag);
}

void kv_list_free(struct kv_list *l)
{
	if (!l)
		return;
	str_blocks_free(&l->blocks);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

bool kv_list_get(const struct kv_list *l, const char *key, uint64_t *ret)
{
	size_t i;

	if (!l)
		return false;
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key)) {
			if (ret)
				*ret = l->v[i].value;
			return true;
		}
	return false;
}
