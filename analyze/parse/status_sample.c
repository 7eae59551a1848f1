/* SPDX-License-Identifier: MIT */
/*
 * A later sample's status, its few keys only (status_sample.h).  The lines
 * are split and trimmed as kv_next() does (trim_span(): apport's indented
 * copies read the same), the sizes converted by the same num_u64_unit() with
 * parse_status()'s strict " kB", so both parsers give one answer.
 */
#include "analyze/parse/status_sample.h"

#include <string.h>

#include "analyze/parse/internal.h"
#include "common/util.h"

#include "common/banned.h"

enum { F_NAME, F_VM_RSS, F_RSS_ANON, F_RSS_FILE, F_RSS_SHMEM, F_VM_SWAP, F_NR };

static int key_of(const char *k, size_t n)
{
	static const char *const keys[F_NR] = {
		[F_NAME] = "Name", [F_VM_RSS] = "VmRSS", [F_RSS_ANON] = "RssAnon",
		[F_RSS_FILE] = "RssFile", [F_RSS_SHMEM] = "RssShmem",
		[F_VM_SWAP] = "VmSwap",
	};
	int i;

	/* every key read starts with N, V or R: most lines end here */
	if (!n || (k[0] != 'N' && k[0] != 'V' && k[0] != 'R'))
		return -1;
	for (i = 0; i < F_NR; i++)
		if (strlen(keys[i]) == n && !memcmp(keys[i], k, n))
			return i;
	return -1;
}

bool status_sample_parse(const char *buf, size_t len, struct status_sample *ret)
{
	struct kv_u64 *size[F_NR] = {
		[F_VM_RSS] = &ret->vm_rss, [F_RSS_ANON] = &ret->rss_anon,
		[F_RSS_FILE] = &ret->rss_file, [F_RSS_SHMEM] = &ret->rss_shmem,
		[F_VM_SWAP] = &ret->vm_swap,
	};
	const char *line;
	unsigned seen = 0;
	size_t pos = 0, n;

	memset(ret, 0, sizeof(*ret));
	while (next_line(buf, len, &pos, &line, &n)) {
		const char *colon, *k, *v;
		enum num_err e;
		bool kb = false;
		size_t kl, vl;
		uint64_t x;
		int f;

		trim_span(&line, &n);
		if (!n)
			continue;
		colon = memchr(line, ':', n);
		if (!colon)
			return false;
		k = line;
		kl = (size_t)(colon - line);
		trim_span(&k, &kl);
		f = key_of(k, kl);
		if (f < 0)
			continue;
		if (seen & (1u << f))
			return false;
		seen |= 1u << f;
		v = colon + 1;
		vl = n - (size_t)(v - line);
		trim_span(&v, &vl);
		if (vl > KV_VALUE_MAX)
			return false;
		if (f == F_NAME) {
			if (memchr(v, '\0', vl))
				return false;
			ret->name = v;
			ret->name_len = vl;
			continue;
		}
		e = num_u64_unit(v, vl, &x, &kb);
		if (e != NUM_OK || !kb)
			return false;
		size[f]->v = x;
		size[f]->set = true;
	}
	return seen != 0;
}

void status_sample_of(const struct proc_status *s, struct status_sample *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->name = s->name;
	ret->name_len = s->name ? strlen(s->name) : 0;
	ret->vm_rss = s->vm_rss;
	ret->rss_anon = s->rss_anon;
	ret->rss_file = s->rss_file;
	ret->rss_shmem = s->rss_shmem;
	ret->vm_swap = s->vm_swap;
}

static bool kv_same(struct kv_u64 a, struct kv_u64 b)
{
	return a.set == b.set && (!a.set || a.v == b.v);
}

bool status_sample_same(const struct status_sample *a, const struct status_sample *b)
{
	return !a->name == !b->name && a->name_len == b->name_len &&
	       (!a->name || !memcmp(a->name, b->name, a->name_len)) &&
	       kv_same(a->vm_rss, b->vm_rss) && kv_same(a->rss_anon, b->rss_anon) &&
	       kv_same(a->rss_file, b->rss_file) &&
	       kv_same(a->rss_shmem, b->rss_shmem) && kv_same(a->vm_swap, b->vm_swap);
}
