/* SPDX-License-Identifier: MIT */
/*
 * analyze/mbrtowc.c: memsnap's mbrtowc() answers as the C library's does,
 * for every byte, in the "C" locale and in a UTF-8 one, and it is the one
 * the dynamic linker hands to the shared libraries (libarchive); so does its
 * archive_entry_pathname_w() as libarchive's.
 */
#include <dlfcn.h>
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "analyze/capture/mbrtowc.h"

struct answer {
	size_t r;
	wchar_t wc;
	int err;
	int state_init;
};

static struct answer ask(size_t (*fn)(wchar_t *, const char *, size_t, mbstate_t *),
			 const char *s, size_t n, bool with_state)
{
	struct answer a = { 0 };
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	a.wc = L'?';
	errno = 0;
	a.r = fn(&a.wc, s, n, with_state ? &st : NULL);
	a.err = errno;
	a.state_init = mbsinit(&st);
	return a;
}

static void same_answers(const char *s, size_t n, bool with_state)
{
	struct answer mine = ask(mbrtowc, s, n, with_state);
	struct answer libc = ask(libc_mbrtowc, s, n, with_state);

	assert_int_equal(mine.r, libc.r);
	if (libc.r <= n)
		assert_int_equal(mine.wc, libc.wc);
	if (libc.r == (size_t)-1)
		assert_int_equal(mine.err, libc.err);
	assert_int_equal(mine.state_init, libc.state_init);
}

/*
 * null_state: also with the C library's own state (ps NULL), which a byte
 * that starts a multibyte character leaves incomplete for the next call:
 * only where no byte does (the C locale).
 */
static void every_byte(bool null_state)
{
	char buf[4];
	int b;

	for (b = 0; b < 256; b++) {
		buf[0] = (char)b;
		buf[1] = 'x';
		buf[2] = '\0';
		same_answers(buf, 1, true);
		same_answers(buf, 3, true);
		if (null_state)
			same_answers(buf, 1, false);
		same_answers(buf, 0, true);
	}
}

static void test_mbrtowc_c_locale(void **state)
{
	wchar_t wc = 0;
	mbstate_t st;

	(void)state;
	every_byte(true);
	/* the cases the fast path answers: the byte, 0 for NUL */
	memset(&st, 0, sizeof(st));
	assert_int_equal(mbrtowc(&wc, "/", 1, &st), 1);
	assert_int_equal(wc, L'/');
	assert_int_equal(mbrtowc(&wc, "", 1, &st), 0);
	assert_int_equal(wc, L'\0');
	assert_int_equal(mbrtowc(NULL, "a", 1, &st), 1);
	/* a NULL string resets the state, as libc's */
	assert_int_equal(mbrtowc(NULL, NULL, 0, &st), libc_mbrtowc(NULL, NULL, 0, &st));
	/* the C locale has no byte from 0x80 */
	assert_int_equal(mbrtowc(&wc, "\xc3\xa9", 2, &st), (size_t)-1);
	assert_int_equal(errno, EILSEQ);
}

static void test_mbrtowc_utf8_locale(void **state)
{
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old;

	(void)state;
	if (!utf8)
		skip();   /* no C.UTF-8 locale on this system */
	old = uselocale(utf8);
	every_byte(false);
	/* a two-byte character, and one cut short */
	same_answers("\xc3\xa9", 2, true);
	same_answers("\xc3\xa9", 1, true);
	same_answers("\xe2\x82\xac", 3, true);
	same_answers("\xff\xfe", 2, true);
	uselocale(old);
	freelocale(utf8);
}

/* The executable's mbrtowc is the one shared libraries get. */
static void test_mbrtowc_interposes(void **state)
{
	void *found = dlsym(RTLD_DEFAULT, "mbrtowc");

	(void)state;
	assert_ptr_equal(found, (void *)mbrtowc);
	assert_ptr_not_equal(found, dlsym(RTLD_NEXT, "mbrtowc"));
}

/* memsnap's archive_entry_pathname_w() gives libarchive's string. */
static void same_wide_path(const char *path)
{
	struct archive_entry *e = archive_entry_new();
	const wchar_t *mine, *lib;
	wchar_t *copy = NULL;

	archive_entry_copy_pathname(e, path);
	mine = archive_entry_pathname_w(e);
	if (mine) {
		copy = calloc(wcslen(mine) + 1, sizeof(wchar_t));
		assert_non_null(copy);
		wmemcpy(copy, mine, wcslen(mine));
	}
	lib = libarchive_entry_pathname_w(e);
	if (!lib)
		assert_null(copy);
	else
		assert_true(copy && wcscmp(copy, lib) == 0);
	free(copy);
	archive_entry_free(e);
}

static void test_pathname_w_same_as_libarchive(void **state)
{
	char longer[600];

	(void)state;
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	same_wide_path("proc/1/status");
	same_wide_path("sys/fs/cgroup/memory/");
	same_wide_path("");
	same_wide_path(longer);          /* past the first buffer */
	same_wide_path("proc/1/status"); /* and back */
	same_wide_path("caf\xc3\xa9");  /* not ASCII: libarchive's own answer */
}

/* And it is the one libarchive's own calls reach. */
static void test_pathname_w_interposes(void **state)
{
	void *found = dlsym(RTLD_DEFAULT, "archive_entry_pathname_w");

	(void)state;
	assert_ptr_equal(found, (void *)archive_entry_pathname_w);
	assert_ptr_not_equal(found, dlsym(RTLD_NEXT, "archive_entry_pathname_w"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbrtowc_c_locale),
		cmocka_unit_test(test_mbrtowc_utf8_locale),
		cmocka_unit_test(test_mbrtowc_interposes),
		cmocka_unit_test(test_pathname_w_same_as_libarchive),
		cmocka_unit_test(test_pathname_w_interposes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
