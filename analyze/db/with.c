/* SPDX-License-Identifier: MIT */
/*
 * memsnap's own queries over its own views, with some of those views as
 * common table expressions (db.h, db_with_views()).
 *
 * SQLite prepares a view twice on a connection: the first query that reads
 * it has SQLite work its columns out (sqlite3ViewGetColumnNames(): the
 * view's SELECT, and the views under it, expanded and resolved on a copy
 * thrown away after), and the query expands it again.  The same SELECT as
 * a common table expression of the query is expanded once, its columns
 * read off that expansion.  It pays where a query alone reads a large
 * view: the text report's findings read report_findings_now over
 * findings_now (20 arms) and the findings' own views, 56.6 M instructions
 * to prepare, 43.5 M with those as the query's WITH (tests/bench/README.md,
 * with).  Not everywhere: a view other queries read on the same connection
 * has its columns worked out once for all of them, and SQLite plans a
 * common table expression that a query reads twice otherwise than a view
 * (NOT MATERIALIZED: never once into a table, where it did materialize
 * some views; without the hint: always): with every view the findings
 * read inlined, they ran 2.4 ms longer (3.3 ms without the hint).  So the
 * caller names the views to inline.
 *
 * A view's body is taken from the built-in schema (memsnap_schema_objects,
 * the image's objects, which db_open() holds every database to), not from
 * the database: the same text, NOT MATERIALIZED as a view is, under the
 * same name and with the same column list.  Inside a view a name can only
 * mean a table or a view of the schema; inside a common table expression
 * it could also mean another of the query's: a query whose own WITH uses
 * one of the names inlined is left as it is.
 */
#include "analyze/db/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/db/blobs.h"
#include "common/util.h"

#include "common/banned.h"

struct view {
	const char *name, *cols, *body;
	size_t name_len, cols_len, body_len;
	size_t *deps;                /* the views its body names, by index */
	size_t ndeps;
	bool deps_known;
};

static pthread_mutex_t views_lock = PTHREAD_MUTEX_INITIALIZER;
static struct view *views;           /* sorted by name */
static size_t nviews;
static bool views_read;

/* ---- tokens ---------------------------------------------------------------- */

static bool ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/*
 * The next identifier or punctuation of SQL text from *p (comments,
 * blanks and string literals skipped; a "quoted" name is an identifier):
 * 'i' an identifier at *ret of *ret_len bytes, '(' , ')' , ',' or '.',
 * another byte for anything else, 0 at the end.
 */
static int next_token(const char **p, const char *end, const char **ret, size_t *ret_len)
{
	const char *s = *p;
	int kind = 0;

	while (s < end && !kind) {
		unsigned char c = (unsigned char)*s;

		if (c == '-' && s + 1 < end && s[1] == '-') {
			while (s < end && *s != '\n')
				s++;
		} else if (c == '/' && s + 1 < end && s[1] == '*') {
			for (s += 2; s < end && !(*s == '*' && s + 1 < end && s[1] == '/'); s++)
				;
			s = s < end ? s + 2 : end;
		} else if (c == '\'' || c == '"' || c == '`' || c == '[') {
			char close = c == '[' ? ']' : (char)c;
			const char *from = ++s;

			while (s < end && (*s != close || (s + 1 < end && s[1] == close &&
							   close != ']'))) {
				if (*s == close)
					s++;   /* a doubled quote */
				s++;
			}
			*ret = from;
			*ret_len = (size_t)(s - from);
			s = s < end ? s + 1 : end;
			kind = c == '\'' ? 's' : 'i';
		} else if (ident_start(c)) {
			*ret = s;
			while (s < end && ident_char((unsigned char)*s))
				s++;
			*ret_len = (size_t)(s - *ret);
			kind = 'i';
		} else if (c <= ' ') {
			s++;
		} else {
			*ret = s++;
			*ret_len = 1;
			kind = c;
		}
	}
	*p = s;
	return kind;
}

static bool token_is(const char *t, size_t len, const char *word)
{
	return strlen(word) == len && !strncasecmp(t, word, len);
}

/* ---- the built-in views ---------------------------------------------------- */

static int view_cmp(const void *a, const void *b)
{
	const struct view *x = a, *y = b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c = strncasecmp(x->name, y->name, n);

	return c ? c : (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

static struct view *view_find(const char *name, size_t len)
{
	struct view key = { .name = name, .name_len = len };

	return nviews ? bsearch(&key, views, nviews, sizeof(*views), view_cmp) : NULL;
}

/*
 * Each "view\nNAME\nCREATE VIEW NAME[(COLS)] AS\nBODY\n" of the built-in
 * objects: name, column list and body, pointing into the objects (which
 * live as long as the binary).
 */
static void views_read_objects(void)
{
	const char *p = memsnap_schema_objects, *end = memsnap_schema_objects_end;
	size_t cap = 0;

	while (p < end && *p) {
		size_t len = strnlen(p, (size_t)(end - p));
		const char *e = p + len, *name = strchr(p, '\n') + 1;
		const char *sql = strchr(name, '\n') + 1, *s, *as;
		struct view v = { 0 };

		if (starts_with(p, "view\n") && starts_with(sql, "CREATE VIEW ")) {
			v.name = name;
			v.name_len = (size_t)(sql - 1 - name);
			s = sql + strlen("CREATE VIEW ") + v.name_len;
			as = *s == '(' ? strchr(s, ')') : s;   /* no '(' in a column list */
			as = as && *as == ')' ? as + 1 : as;
			if (as != s) {
				v.cols = s;
				v.cols_len = (size_t)(as - s);
			}
			if (as && starts_with(as, " AS") && as < e) {
				v.body = as + 3;
				v.body_len = (size_t)(e - 1 - v.body);   /* the last \n */
				ALLOC_GROW(views, nviews + 1, cap);
				views[nviews++] = v;
			}
		}
		p = e + 1;
	}
	if (nviews)
		qsort(views, nviews, sizeof(*views), view_cmp);
}

/* The views a text names (each once; not self, a view's own body). */
static size_t *names_in(const char *text, size_t len, const struct view *self, size_t *ret_n)
{
	const char *p = text, *end = text + len, *t;
	size_t *out = NULL, n = 0, alloc = 0, tl, i;
	int kind;

	while ((kind = next_token(&p, end, &t, &tl))) {
		struct view *v = kind == 'i' ? view_find(t, tl) : NULL;
		size_t idx = v ? (size_t)(v - views) : 0;

		if (!v || v == self)
			continue;
		for (i = 0; i < n && out[i] != idx; i++)
			;
		if (i == n) {
			ALLOC_GROW(out, n + 1, alloc);
			out[n++] = idx;
		}
	}
	*ret_n = n;
	return out;
}

/* Is views[i] one of names (NULL-terminated)? */
static bool listed(size_t i, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == views[i].name_len &&
		    !strncasecmp(*names, views[i].name, views[i].name_len))
			return true;
	return false;
}

/*
 * The listed views that text reads, and those they read, in the order
 * their bodies need them (what a view reads first).
 */
static void closure_add(size_t i, const char *const *names, unsigned char *state,
			size_t *order, size_t *n)
{
	struct view *v = &views[i];
	size_t k;

	if (state[i] || !listed(i, names))
		return;   /* placed, on the way (a name an inner WITH reuses), or not asked for */
	state[i] = 1;
	if (!v->deps_known) {
		v->deps = names_in(v->body, v->body_len, v, &v->ndeps);
		v->deps_known = true;
	}
	for (k = 0; k < v->ndeps; k++)
		closure_add(v->deps[k], names, state, order, n);
	order[(*n)++] = i;   /* each view once: room for nviews */
}

/* Past the closing parenthesis of a group whose '(' was the last token. */
static void skip_group(const char **p, const char *end)
{
	const char *t;
	size_t tl;
	int kind, depth = 1;

	while (depth && (kind = next_token(p, end, &t, &tl)))
		depth += kind == '(' ? 1 : kind == ')' ? -1 : 0;
}

/*
 * A query that opens with its own WITH: *ret_head is "WITH [RECURSIVE]"
 * and *ret_rest what follows, where the views go before the query's own
 * common table expressions.  True when one of those has the name of a
 * view of order: the query is then left as it is.
 */
static bool own_with(const char *sql, const char **ret_head, size_t *ret_head_len,
		     const char **ret_rest, const size_t *order, size_t n)
{
	const char *p = sql, *end = sql + strlen(sql), *t, *q;
	size_t tl, i;
	int kind = next_token(&p, end, &t, &tl);
	bool clash = false;

	*ret_rest = NULL;
	if (kind != 'i' || !token_is(t, tl, "WITH"))
		return false;
	*ret_head = t;
	q = p;
	if (next_token(&q, end, &t, &tl) == 'i' && token_is(t, tl, "RECURSIVE"))
		p = q;
	*ret_head_len = (size_t)(p - *ret_head);
	*ret_rest = p;
	/* NAME [(COLUMNS)] AS [NOT] [MATERIALIZED] (SELECT ...) [, ...] */
	while (next_token(&p, end, &t, &tl) == 'i') {
		for (i = 0; i < n; i++)
			if (views[order[i]].name_len == tl &&
			    !strncasecmp(views[order[i]].name, t, tl))
				clash = true;
		kind = next_token(&p, end, &t, &tl);
		if (kind == '(') {
			skip_group(&p, end);
			kind = next_token(&p, end, &t, &tl);
		}
		if (kind != 'i' || !token_is(t, tl, "AS"))
			break;
		while ((kind = next_token(&p, end, &t, &tl)) == 'i')
			;   /* NOT, MATERIALIZED */
		if (kind != '(')
			break;
		skip_group(&p, end);
		q = p;
		if (next_token(&q, end, &t, &tl) != ',')
			break;
		p = q;
	}
	return clash;
}

char *db_with_views(const char *sql, const char *const *names)
{
	struct strbuf out = STRBUF_INIT;
	unsigned char *state = NULL;
	const char *rest = NULL, *head = NULL;
	size_t *roots = NULL, nroots = 0, *order = NULL, n = 0, head_len = 0, i;

	pthread_mutex_lock(&views_lock);
	if (!views_read) {
		views_read_objects();
		views_read = true;
	}
	roots = names_in(sql, strlen(sql), NULL, &nroots);
	if (nroots) {
		state = xcalloc(nviews, 1);
		order = xcalloc(nviews, sizeof(*order));
	}
	for (i = 0; i < nroots; i++)
		closure_add(roots[i], names, state, order, &n);
	pthread_mutex_unlock(&views_lock);

	if (!n || own_with(sql, &head, &head_len, &rest, order, n)) {
		strbuf_addstr(&out, sql);
		goto out;
	}
	if (rest)
		strbuf_add(&out, head, head_len);
	else
		strbuf_addstr(&out, "WITH");
	for (i = 0; i < n; i++) {
		const struct view *v = &views[order[i]];

		strbuf_addf(&out, "%s\n%.*s%.*s AS NOT MATERIALIZED (%.*s\n)", i ? "," : "",
			    (int)v->name_len, v->name, (int)v->cols_len, v->cols ? v->cols : "",
			    (int)v->body_len, v->body);
	}
	if (rest) {
		strbuf_addch(&out, ',');
		strbuf_addstr(&out, rest);
	} else {
		strbuf_addch(&out, '\n');
		strbuf_addstr(&out, sql);
	}
out:
	free(state);
	free(roots);
	free(order);
	return strbuf_detach(&out, NULL);
}
