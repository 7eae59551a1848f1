/* SPDX-License-Identifier: MIT */
#include "reports/textout.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/banned.h"

void term_escape(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (!n) {
			strbuf_addf(sb, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (cp == '\\') {
			strbuf_add(sb, "\\\\", 2);
		} else if (cp == '\n') {
			strbuf_add(sb, "\\n", 2);
		} else if (cp == '\t') {
			strbuf_add(sb, "\\t", 2);
		} else if (cp == '\r') {
			strbuf_add(sb, "\\r", 2);
		} else if (cp == 0x1b) {
			strbuf_add(sb, "\\e", 2);
		} else if (cp_is_control(cp)) {
			/* C1 controls and bidi overrides too: some terminals act on them */
			strbuf_addf(sb, cp < 0x80 ? "\\x%02x" : "\\u%04x", cp);
		} else {
			strbuf_add(sb, p + i, n);
		}
		i += n;
	}
}

size_t display_width(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, i;

	for (i = 0; i < len; i++) {
		if ((p[i] & 0xc0) == 0x80)
			continue;
		/* East Asian wide ranges (enough for CJK names in paths). */
		if (p[i] >= 0xe1 && p[i] <= 0xef && i + 1 < len &&
		    !(p[i] == 0xef && p[i + 1] >= 0xbc)) {
			uint32_t cp = 0;

			if (utf8_decode(s + i, len - i, &cp) == 3 &&
			    ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
			     (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
			     (cp >= 0xff00 && cp <= 0xff60))) {
				w += 2;
				continue;
			}
		}
		w++;
	}
	return w;
}

size_t term_char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	size_t i;

	for (i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

size_t term_fit(struct strbuf *sb, const char *e, size_t len, size_t cols)
{
	size_t w = display_width(e, len), used = 0, i = 0;

	if (w <= cols) {
		strbuf_add(sb, e, len);
		return w;
	}
	while (i < len) {
		size_t n = term_char_len(e + i), cw = display_width(e + i, n);

		if (used + cw > cols - 1)
			break;
		strbuf_add(sb, e + i, n);
		used += cw;
		i += n;
	}
	strbuf_addstr(sb, "\xe2\x80\xa6");
	return used + 1;
}

void table_init(struct table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->headers = xcalloc(ncols, sizeof(char *));
	t->right = xcalloc(ncols, sizeof(bool));
	t->max = xcalloc(ncols, sizeof(size_t));
}

void table_set_max(struct table *t, size_t col, size_t cols)
{
	t->max[col] = cols;
}

void table_set_header(struct table *t, size_t col, const char *name, bool right)
{
	struct strbuf sb = STRBUF_INIT;

	term_escape(&sb, name, strlen(name));
	free(t->headers[col]);
	t->headers[col] = strbuf_detach(&sb, NULL);
	t->right[col] = right;
}

void table_add_row(struct table *t, const char *const *cells, const size_t *lens)
{
	size_t c, need = (t->nrows + 1) * t->ncols;

	ALLOC_GROW(t->cells, need, t->alloc);
	for (c = 0; c < t->ncols; c++) {
		struct strbuf sb = STRBUF_INIT;

		if (!cells[c]) {
			t->cells[t->nrows * t->ncols + c] = NULL;
			continue;
		}
		term_escape(&sb, cells[c], lens ? lens[c] : strlen(cells[c]));
		if (t->max[c] && display_width(sb.buf, sb.len) > t->max[c]) {
			struct strbuf cut = STRBUF_INIT;

			term_fit(&cut, sb.buf, sb.len, t->max[c]);
			strbuf_release(&sb);
			sb = cut;
		}
		t->cells[t->nrows * t->ncols + c] = strbuf_detach(&sb, NULL);
	}
	t->nrows++;
}

static void pad(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

void table_print(const struct table *t, FILE *f, const char *null_text)
{
	size_t *w = xcalloc(t->ncols, sizeof(size_t));
	size_t r, c;

	for (c = 0; c < t->ncols; c++)
		w[c] = display_width(t->headers[c], strlen(t->headers[c]));
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			s = s ? s : null_text;
			w[c] = MAX(w[c], display_width(s, strlen(s)));
		}
	for (c = 0; c < t->ncols; c++) {
		size_t hw = display_width(t->headers[c], strlen(t->headers[c]));

		if (c)
			fputs("  ", f);
		if (t->right[c])
			pad(f, w[c] - hw);
		fputs(t->headers[c], f);
		if (!t->right[c] && c + 1 < t->ncols)
			pad(f, w[c] - hw);
	}
	fputc('\n', f);
	for (c = 0; c < t->ncols; c++) {
		size_t i;

		if (c)
			fputs("  ", f);
		for (i = 0; i < w[c]; i++)
			fputc('-', f);
	}
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t sw;

			s = s ? s : null_text;
			sw = display_width(s, strlen(s));
			if (c)
				fputs("  ", f);
			if (t->right[c])
				pad(f, w[c] - sw);
			fputs(s, f);
			if (!t->right[c] && c + 1 < t->ncols)
				pad(f, w[c] - sw);
		}
		fputc('\n', f);
	}
	free(w);
}

void table_print_sb(const struct table *t, struct strbuf *sb, const char *null_text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	/* table_print() writes to a FILE: here one in memory */
	mem = open_memstream(&buf, &len);
	if (!mem)
		die(3, "out of memory");
	table_print(t, mem, null_text);
	if (fclose(mem))
		die(3, "out of memory");
	strbuf_add(sb, buf, len);
	free(buf);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->headers[i]);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->headers);
	free(t->right);
	free(t->max);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

bool use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (nc && *nc)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(f));
}
