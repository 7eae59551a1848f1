/* SPDX-License-Identifier: MIT */
/*
 * The export's declaration of the public views (export.h), the capture
 * uid and the text rule.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"
#include "analyze/export/export.h"

#include "common/banned.h"

int export_decl_load(struct export_decl *d, char **ret_err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t valloc = 0, calloc_ = 0;
	struct export_view *v = NULL;
	int rc, ret = -1;

	memset(d, 0, sizeof(*d));
	/*
	 * From the built-in schema (a database in memory is a copy of the
	 * image made at build time), never from the database exported: there
	 * public_columns is a table whose rows a user may have changed
	 * (memsnap sql --write), and db_open() compares CREATE texts, not rows.
	 */
	if (db_open(":memory:", true, &db, ret_err) < 0)
		return -1;
	/* in the declaration's own order: views as listed, columns by ord */
	st = db_prepare(db, "SELECT view_name, column_name, type, not_null "
			    "FROM public_columns");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *view = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 2);
		struct export_column *c;

		if (!v || strcmp(v->name, view)) {
			d->views = xgrow(d->views, d->nviews + 1, &valloc,
					 sizeof(*d->views));
			v = &d->views[d->nviews++];
			memset(v, 0, sizeof(*v));
			v->name = xstrdup(view);
			calloc_ = 0;
		}
		/* the captures view's own: every exported row starts with it */
		if (!strcmp((const char *)sqlite3_column_text(st, 1), EXPORT_UID_COLUMN))
			continue;
		v->cols = xgrow(v->cols, v->ncols + 1, &calloc_, sizeof(*v->cols));
		c = &v->cols[v->ncols++];
		c->name = xstrdup((const char *)sqlite3_column_text(st, 1));
		c->type = !strcmp(type, "integer") ? EXPORT_INTEGER :
			  !strcmp(type, "float") ? EXPORT_FLOAT : EXPORT_TEXT;
		c->not_null = sqlite3_column_int(st, 3) != 0;
		if (!strcmp(c->name, "capture_id"))
			v->per_capture = true;
	}
	if (rc != SQLITE_DONE) {
		err_set(ret_err, "cannot read the view declarations: %s",
			sqlite3_errmsg(db));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	db_close(db);
	if (ret < 0)
		export_decl_free(d);
	return ret;
}

void export_decl_free(struct export_decl *d)
{
	size_t i, j;

	for (i = 0; i < d->nviews; i++) {
		for (j = 0; j < d->views[i].ncols; j++)
			free(d->views[i].cols[j].name);
		free(d->views[i].cols);
		free(d->views[i].name);
	}
	free(d->views);
	memset(d, 0, sizeof(*d));
}

const struct export_view *export_decl_find(const struct export_decl *d,
					   const char *name)
{
	size_t i;

	for (i = 0; i < d->nviews; i++)
		if (!strcmp(d->views[i].name, name))
			return &d->views[i];
	return NULL;
}

void export_text(struct strbuf *sb, const char *s, size_t len)
{
	size_t i = 0, start = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n) {
			i += n;
			continue;
		}
		strbuf_add(sb, s + start, i - start);
		strbuf_add(sb, "\xef\xbf\xbd", 3);
		start = ++i;
	}
	strbuf_add(sb, s + start, i - start);
}
