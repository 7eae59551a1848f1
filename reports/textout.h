/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_TEXTOUT_H
#define MEMSNAP_TEXTOUT_H
/*
 * Text for terminals.  Everything a capture holds is untrusted: process
 * names, paths and keys may carry terminal escapes, control characters and
 * invalid UTF-8.  term_escape() is the one place they are made safe; every
 * text renderer goes through it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/util.h"

/*
 * Append s[0..len) to sb with C0/C1 control characters, DEL and invalid
 * UTF-8 shown as escapes (\n, \t, \e, \xNN, \u0085) and backslashes
 * doubled, so the result holds no byte a terminal acts on.
 */
void term_escape(struct strbuf *sb, const char *s, size_t len);
/* Columns the (already escaped) UTF-8 text takes on a terminal. */
size_t display_width(const char *s, size_t len);
/* Bytes of the UTF-8 character at s (escaped text; fewer at a NUL). */
size_t term_char_len(const char *s);
/* Already escaped text e[0..len) appended cut to at most cols columns (cols
 * >= 1), ending in "\u2026" when cut; returns the columns used. */
size_t term_fit(struct strbuf *sb, const char *e, size_t len, size_t cols);

/* An aligned table: columns, then rows of cells (NULL cell = SQL NULL). */
struct table {
	size_t ncols;
	char **headers;
	bool *right;          /* right-align this column (numbers) */
	size_t *max;          /* cut cells to this many columns with "\u2026" (0: never) */
	char **cells;         /* row-major, escaped text; NULL = null */
	size_t nrows, alloc;
};

void table_init(struct table *t, size_t ncols);
void table_set_header(struct table *t, size_t col, const char *name, bool right);
/* Cut the cells of col, from the next row added on, to at most cols columns. */
void table_set_max(struct table *t, size_t col, size_t cols);
/* Add a row of ncols cells (copied, escaped); NULL means SQL NULL. */
void table_add_row(struct table *t, const char *const *cells, const size_t *lens);
/* Print with a header and a separator line; null_text for NULL cells. */
void table_print(const struct table *t, FILE *f, const char *null_text);
/* table_print() appended to sb. */
void table_print_sb(const struct table *t, struct strbuf *sb, const char *null_text);
void table_free(struct table *t);

/* Does the user want colour on f?  (a terminal, and NO_COLOR unset) */
bool use_color(FILE *f);

#endif
