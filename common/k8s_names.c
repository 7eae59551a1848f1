/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes names and the /var/log names made of them (k8s_names.h).
 */
#include "common/k8s_names.h"

#include <errno.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

static bool alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool hex_lower(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? of len bytes (len > 0). */
static bool label_chars(const char *s, size_t len)
{
	size_t i;

	if (!len || !alnum_lower(s[0]) || !alnum_lower(s[len - 1]))
		return false;
	for (i = 1; i + 1 < len; i++)
		if (!alnum_lower(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool k8s_dns_label(const char *s, size_t len)
{
	return s && len <= 63 && label_chars(s, len);
}

bool k8s_dns_subdomain(const char *s, size_t len)
{
	const char *end = s + len, *dot;

	if (!s || !len || len > 253)
		return false;
	for (;;) {
		dot = memchr(s, '.', (size_t)(end - s));
		if (!label_chars(s, (size_t)((dot ? dot : end) - s)))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

bool k8s_pod_uid(const char *s, size_t len)
{
	size_t i;

	if (!s || (len != 36 && len != 32))
		return false;
	for (i = 0; i < len; i++) {
		bool dash = len == 36 && (i == 8 || i == 13 || i == 18 || i == 23);

		if (dash ? s[i] != '-' : !hex_lower(s[i]))
			return false;
	}
	return true;
}

/* "a_b_c" into three parts (pointer, length); false unless exactly two '_'. */
static bool split3(const char *s, size_t len, const char *p[3], size_t n[3])
{
	const char *u1 = memchr(s, '_', len), *u2;

	if (!u1)
		return false;
	u2 = memchr(u1 + 1, '_', len - (size_t)(u1 + 1 - s));
	if (!u2 || memchr(u2 + 1, '_', len - (size_t)(u2 + 1 - s)))
		return false;
	p[0] = s;
	n[0] = (size_t)(u1 - s);
	p[1] = u1 + 1;
	n[1] = (size_t)(u2 - u1 - 1);
	p[2] = u2 + 1;
	n[2] = len - (size_t)(u2 + 1 - s);
	return true;
}

/* Copy n bytes that fit dst (checked by the callers' length rules). */
static void copy(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int k8s_parse_pod_log(const char *s, size_t len, struct k8s_pod_log *ret)
{
	const char *p[3], *slash, *ctr;
	size_t n[3], dlen, clen;

	memset(ret, 0, sizeof(*ret));
	if (!s)
		return -EINVAL;
	trim_span(&s, &len);
	while (len && s[len - 1] == '/')
		len--;
	slash = memchr(s, '/', len);
	if (!slash)
		return -EINVAL;
	dlen = (size_t)(slash - s);
	ctr = slash + 1;
	clen = len - dlen - 1;
	if (!split3(s, dlen, p, n) || !k8s_dns_label(p[0], n[0]) ||
	    !k8s_dns_subdomain(p[1], n[1]) || !k8s_pod_uid(p[2], n[2]) ||
	    !k8s_dns_label(ctr, clen))
		return -EINVAL;
	copy(ret->namespace_, p[0], n[0]);
	copy(ret->pod, p[1], n[1]);
	copy(ret->pod_uid, p[2], n[2]);
	copy(ret->container, ctr, clen);
	return 0;
}

int k8s_parse_container_log(const char *s, size_t len,
			    struct k8s_container_log *ret)
{
	const char *p[3], *id;
	size_t n[3], i;

	memset(ret, 0, sizeof(*ret));
	if (!s)
		return -EINVAL;
	trim_span(&s, &len);
	/* "-<64 hex>.log" at the end: the id is split from the right. */
	if (len < 4 + 65 || memcmp(s + len - 4, ".log", 4))
		return -EINVAL;
	len -= 4;
	id = s + len - 64;
	if (id[-1] != '-')
		return -EINVAL;
	for (i = 0; i < 64; i++)
		if (!hex_lower(id[i]))
			return -EINVAL;
	len -= 65;
	if (!split3(s, len, p, n) || !k8s_dns_subdomain(p[0], n[0]) ||
	    !k8s_dns_label(p[1], n[1]) || !k8s_dns_label(p[2], n[2]))
		return -EINVAL;
	copy(ret->pod, p[0], n[0]);
	copy(ret->namespace_, p[1], n[1]);
	copy(ret->container, p[2], n[2]);
	copy(ret->container_id, id, 64);
	return 0;
}
