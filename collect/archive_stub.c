/* SPDX-License-Identifier: MIT */
/*
 * Keeps the static collector small.
 *
 * libarchive's pax writer (archive_write_set_format_pax.o) calls
 * __archive_write_entry_filetype_unsupported() for entry types it cannot
 * store.  That function lives in archive_write_set_format.o, next to the
 * table behind archive_write_set_format(code), which names every format
 * writer libarchive has: linking it statically pulls in all of them, and
 * with xar, 7-zip and zip come libxml2, liblzma, libbz2, liblz4 and nettle.
 *
 * Defining the one symbol here satisfies the reference first, so the linker
 * never opens archive_write_set_format.o.  The collector only writes regular
 * files, so the function is never reached; if it were, refusing the entry
 * (ARCHIVE_FAILED, as libarchive's own version does) is the right answer.
 *
 * The linker only takes an archive member for a symbol that is undefined
 * when it reaches the member, and libcollect.a comes before -larchive on the
 * command line: archive.c therefore refers to this symbol itself, which puts
 * this file into the link whenever archive.o is in it.
 *
 * In the dynamic builds (tests, SAN=1) this definition may interpose
 * libarchive.so's own; both refuse the entry the same way.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>

int __archive_write_entry_filetype_unsupported(struct archive *a,
					       struct archive_entry *entry,
					       const char *format);

int __archive_write_entry_filetype_unsupported(struct archive *a,
					       struct archive_entry *entry,
					       const char *format)
{
	archive_set_error(a, EINVAL,
			  "%s: cannot store '%s' in %s: not a regular file",
			  "memsnap-collect", archive_entry_pathname(entry),
			  format);
	return ARCHIVE_FAILED;
}
