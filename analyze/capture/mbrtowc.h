/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_MBRTOWC_H
#define MEMSNAP_MBRTOWC_H
/*
 * memsnap defines mbrtowc() itself (mbrtowc.c: libarchive calls it once a
 * byte of every path).  The C library's own, for the cases it hands on
 * and for tests/test_mbrtowc.c.
 */
#include <wchar.h>

size_t libc_mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps);

#endif
