/* SPDX-License-Identifier: MIT */
/* Packed later samples (common/sample_pack.h, schema/capture.md 6.1). */
#include "common/sample_pack.h"

#include <string.h>

#include "common/banned.h"

size_t sample_pack_header(char buf[SAMPLE_PACK_HEADER_MAX], size_t path_len,
			  size_t len)
{
	return (size_t)xsnprintf(buf, SAMPLE_PACK_HEADER_MAX, "%zu %zu\n", path_len, len);
}

void sample_pack_add(struct strbuf *sb, const char *path, size_t path_len,
		     const char *data, size_t len)
{
	char h[SAMPLE_PACK_HEADER_MAX];

	strbuf_add(sb, h, sample_pack_header(h, path_len, len));
	strbuf_add(sb, path, path_len);
	strbuf_add(sb, data, len);
	strbuf_addch(sb, '\n');
}

/* A length of the header: digits up to `end`, no leading zero but "0". */
static bool header_number(const char *s, size_t n, size_t *ret)
{
	uint64_t v;

	if (!n || n > 19 || (n > 1 && s[0] == '0') || s[0] < '0' || s[0] > '9' ||
	    parse_u64(s, n, &v) < 0 || v > SIZE_MAX)
		return false;
	*ret = (size_t)v;
	return true;
}

int sample_pack_next(const char *buf, size_t len, size_t *pos,
		     struct sample_pack_rec *ret)
{
	const char *h = buf + *pos, *sp, *nl;
	size_t left = len - *pos, hl;

	if (*pos >= len)
		return 0;
	/* the header is two numbers of 19 digits at most */
	nl = memchr(h, '\n', MIN(left, (size_t)40));
	sp = nl ? memchr(h, ' ', (size_t)(nl - h)) : NULL;
	if (!sp || !header_number(h, (size_t)(sp - h), &ret->path_len) ||
	    !header_number(sp + 1, (size_t)(nl - sp - 1), &ret->len))
		return -1;
	hl = (size_t)(nl - h) + 1;
	left -= hl;
	if (ret->path_len > left || ret->len > left - ret->path_len ||
	    left - ret->path_len - ret->len < 1 ||
	    h[hl + ret->path_len + ret->len] != '\n')
		return -1;
	ret->path = h + hl;
	ret->data = ret->path + ret->path_len;
	*pos += hl + ret->path_len + ret->len + 1;
	return 1;
}

bool sample_pack_name(const char *name)
{
	size_t pl = strlen(SAMPLE_PACK_PREFIX), n;

	return !strncmp(name, SAMPLE_PACK_PREFIX, pl) &&
	       header_number(name + pl, strlen(name + pl), &n) && n > 0;
}
