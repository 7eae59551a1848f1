/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_MBRTOWC_H
#define MEMSNAP_MBRTOWC_H
/*
 * memsnap defines mbrtowc() itself (mbrtowc.c: libarchive calls it once a
 * byte of every path), and archive_entry_pathname_w(), which calls it.  The C library's own, for the cases it hands on
 * and for tests/test_mbrtowc.c.
 */
#include <wchar.h>

struct archive_entry;

size_t libc_mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps);

/*
 * And archive_entry_pathname_w() (libarchive's own: the wide string held
 * by the entry), which memsnap defines too, for ASCII paths.
 */
const wchar_t *libarchive_entry_pathname_w(struct archive_entry *e);

#endif
