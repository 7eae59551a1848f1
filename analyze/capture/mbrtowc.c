/* SPDX-License-Identifier: MIT */
/*
 * mbrtowc(3), answered here for ASCII in a single-byte locale.
 *
 * libarchive's tar reader turns the path of every entry into a wide string
 * (archive_read_format_tar_read_header(): does a regular file's name end in
 * '/'?), one mbrtowc() call a byte.  glibc's mbrtowc() goes through its
 * generic iconv machinery for each one: loading a capture of 83,000 files
 * spent a fifth of its instructions there (callgrind, tests/bench).
 *
 * memsnap never calls setlocale(), so it runs in the "C" locale, where
 * MB_CUR_MAX is 1 and a byte below 0x80 is the character of the same value
 * (the portable character set).  Defined in the executable, this function
 * takes the place of libc's for libarchive; it answers that one case itself,
 * exactly as glibc does, and hands every other case (a byte from 0x80, a
 * multibyte locale, a shift state, a NULL state or string) to the C
 * library's own mbrtowc().  tests/test_mbrtowc.c compares the two.
 *
 * Measured (tests/bench/README.md, 2026-12-04): without it, memsnap load
 * of the 10,000-process node takes 8.7% longer (median of 168 paired runs,
 * 1-11% by layout and CPUs) and 15% more instructions (callgrind).
 *
 * archive_entry_pathname_w(), the function that makes those calls, is
 * answered here too, for the same case (an ASCII path in a single-byte
 * locale): libarchive's loop still cost ~5,000 instructions an entry, 9% of
 * `memsnap load` of many captures (callgrind, tests/bench/README.md,
 * 2026-12-05).  libarchive's own calls go through its PLT, so this one
 * takes their place too.
 */
#include <archive_entry.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "analyze/capture/mbrtowc.h"

typedef size_t (*mbrtowc_fn)(wchar_t *, const char *, size_t, mbstate_t *);

static mbrtowc_fn libc_fn;
static pthread_once_t libc_once = PTHREAD_ONCE_INIT;

static void find_libc_mbrtowc(void)
{
	libc_fn = (mbrtowc_fn)dlsym(RTLD_NEXT, "mbrtowc");
}

/*
 * Never inlined into mbrtowc(): the registers this call needs saved cost a
 * quarter of the fast path's instructions (10 of 39 a byte, callgrind).
 */
__attribute__((noinline))
size_t libc_mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps)
{
	pthread_once(&libc_once, find_libc_mbrtowc);
	if (!libc_fn)
		abort();     /* no C library under us: cannot happen */
	return libc_fn(pwc, s, n, ps);
}

/*
 * MB_CUR_MAX asks the thread's locale each time (twice as long as the rest
 * of this function, perf on the 10,000-process load); memsnap never
 * changes its locale, so it is asked once.  (Were a locale set later, an
 * ASCII-compatible one, as every stateless glibc locale is, maps these
 * bytes to themselves too.)  -1: not asked yet.
 */
static atomic_int single_byte = -1;

__attribute__((noinline))
static int ask_single_byte(void)
{
	int sb = MB_CUR_MAX == 1;

	atomic_store_explicit(&single_byte, sb, memory_order_relaxed);
	return sb;
}

static bool single_byte_locale(void)
{
	int sb = atomic_load_explicit(&single_byte, memory_order_relaxed);

	if (sb < 0)
		sb = ask_single_byte();
	return sb;
}

/*
 * mbsinit(ps), without the call into libc: glibc's is `ps->__count == 0`
 * (wcsmbs/mbsinit.c), and the call was a third of this function's cost
 * (2.4% of `memsnap load` of many captures, perf).
 */
static inline bool initial_state(const mbstate_t *ps)
{
#ifdef __GLIBC__
	return ps->__count == 0;
#else
	return mbsinit(ps);
#endif
}

size_t mbrtowc(wchar_t *restrict pwc, const char *restrict s, size_t n,
	       mbstate_t *restrict ps)
{
	unsigned char c = s && n ? (unsigned char)*s : 0x80;
	size_t r;

	if (c < 0x80 && ps && single_byte_locale() && initial_state(ps)) {
		if (pwc)
			*pwc = (wchar_t)c;
		r = c != 0;
	} else {
		r = libc_mbrtowc(pwc, s, n, ps);
	}
	return r;
}

/* ---- archive_entry_pathname_w() ---------------------------------------- */

typedef const wchar_t *(*pathname_w_fn)(struct archive_entry *);

static pathname_w_fn archive_fn;
static pthread_once_t archive_once = PTHREAD_ONCE_INIT;
/* each thread's wide path: struct wide_path, freed when the thread ends */
static pthread_key_t wide_key;

struct wide_path {
	size_t alloc;      /* wide characters v holds */
	wchar_t v[];
};

static void find_archive_pathname_w(void)
{
	archive_fn = (pathname_w_fn)dlsym(RTLD_NEXT, "archive_entry_pathname_w");
	if (pthread_key_create(&wide_key, free) != 0)
		abort();     /* no key left this early: cannot happen */
}

__attribute__((noinline))
const wchar_t *libarchive_entry_pathname_w(struct archive_entry *e)
{
	pthread_once(&archive_once, find_archive_pathname_w);
	if (!archive_fn)
		abort();     /* no libarchive under us: cannot happen */
	return archive_fn(e);
}

/* This thread's buffer for n wide characters, or NULL (no memory). */
static struct wide_path *wide_path_get(size_t n)
{
	struct wide_path *w, *g;
	size_t alloc;

	pthread_once(&archive_once, find_archive_pathname_w);
	w = pthread_getspecific(wide_key);
	if (w && w->alloc >= n)
		return w;
	alloc = n < 256 ? 256 : 2 * n;
	g = malloc(sizeof(*g) + alloc * sizeof(wchar_t));
	if (g && pthread_setspecific(wide_key, g) != 0) {
		free(g);
		g = NULL;
	}
	if (g) {
		g->alloc = alloc;
		free(w);
	}
	return g;
}

/*
 * The wide string of e's path, as libarchive's own gives it, but held by
 * the thread until its next call rather than by the entry.  libarchive's
 * callers in its tar reader (the trailing '/' test, the Mac metadata test)
 * read it at once; memsnap calls archive_entry_pathname() only.
 */
const wchar_t *archive_entry_pathname_w(struct archive_entry *e)
{
	const char *p = single_byte_locale() ? archive_entry_pathname(e) : NULL;
	struct wide_path *w = NULL;
	const wchar_t *r;
	size_t i, n = p ? strlen(p) : 0;

	for (i = 0; p && i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			p = NULL;
	if (p)
		w = wide_path_get(n + 1);
	if (w) {
		for (i = 0; i <= n; i++)
			w->v[i] = (wchar_t)(unsigned char)p[i];
		r = w->v;
	} else {
		r = libarchive_entry_pathname_w(e);
	}
	return r;
}
