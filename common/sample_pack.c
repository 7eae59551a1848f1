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

/*
 * A header's number at s[0..left), ended by `end`: its value into *ret and
 * its length with the end byte; 0 when it is not one.  Digits only, no
 * leading zero but "0", 19 digits at most (below 2^64: no overflow).
 */
static size_t header_field(const char *s, size_t left, char end, size_t *ret)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < left && i < 20 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (!i || i > 19 || i == left || s[i] != end || (i > 1 && s[0] == '0') ||
	    v > SIZE_MAX)
		return 0;
	*ret = (size_t)v;
	return i + 1;
}

int sample_pack_next(const char *buf, size_t len, size_t *pos,
		     struct sample_pack_rec *ret)
{
	const char *h = buf + *pos;
	size_t left = len - *pos, a, b, hl;

	if (*pos >= len)
		return 0;
	/* the header is two numbers, one pass over its bytes: a record a
	   file, 170,000 in a 60-sample capture */
	a = header_field(h, left, ' ', &ret->path_len);
	b = a ? header_field(h + a, left - a, '\n', &ret->len) : 0;
	if (!b)
		return -1;
	hl = a + b;
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
	size_t pl = strlen(SAMPLE_PACK_PREFIX), n, k;

	if (strncmp(name, SAMPLE_PACK_PREFIX, pl))
		return false;
	/* the number and its NUL, nothing after it */
	k = strlen(name + pl) + 1;
	return header_field(name + pl, k, '\0', &n) == k && n > 0;
}
