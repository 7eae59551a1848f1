/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_COMMON_HASH_H
#define MEMSNAP_COMMON_HASH_H
/*
 * 64-bit FNV-1a: the one hash of the project (hash sets of paths and keys,
 * a capture's identity when it has no manifest).  Not for anything an
 * attacker could exploit beyond a slower lookup.
 *
 *   h = fnv1a(buf, len);
 *   h = fnv1a_add(fnv1a_add(FNV1A_INIT, a, alen), b, blen);   (several parts)
 */
#include <stddef.h>
#include <stdint.h>

#define FNV1A_INIT 0xcbf29ce484222325ull

static inline uint64_t fnv1a_add(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static inline uint64_t fnv1a(const void *buf, size_t len)
{
	return fnv1a_add(FNV1A_INIT, buf, len);
}

#endif
