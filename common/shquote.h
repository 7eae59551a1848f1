/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_SHQUOTE_H
#define MEMSNAP_SHQUOTE_H
/*
 * The one shell quoter: every command memsnap prints or shows (the text
 * report, the HTML's "Run it" lines, the hints after a message) quotes each
 * argument here, and nothing else touches a command's text afterwards but
 * the HTML escaping (html_cmd()).
 *
 * The word works in POSIX sh (Debian's dash has no $'...') and in bash, and
 * is safe both to show on a terminal and to copy from one:
 *  - everything is single-quoted; a single quote is written '\'' ;
 *  - a newline stays a newline inside the quotes (the word spans lines);
 *  - bytes a terminal would act on or hide (C0 controls but the newline,
 *    DEL, C1 controls, bidi overrides, U+2028/9, invalid UTF-8) are written
 *    as "$(printf '\033')" -- octal escapes, so the text shown is printable
 *    ASCII and the shell makes the byte back.  (A command substitution
 *    drops trailing newlines, which is why a newline is kept literal.)
 * So `sh -c` of the text shown runs the command with the exact bytes.
 */
#include <stddef.h>

#include "common/util.h"

/* s[0..len) as one shell word, appended to sb. */
void sh_quote(struct strbuf *sb, const char *s, size_t len);
/*
 * A path as one word: as sh_quote(), with "./" before a relative path that
 * starts with '-', which the command would otherwise read as an option.
 */
void sh_quote_path(struct strbuf *sb, const char *path);

#endif
