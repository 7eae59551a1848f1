/* SPDX-License-Identifier: MIT */
/*
 * mkimage SCHEMA.sql OUT.img OUT.objects OUT.writer.img OUT.rest SOURCE.c...:
 * the build's maker of the empty database, run by the Makefile.  It makes
 * the database db_open() would make (page size, schema, user_version) and
 * writes
 *  - OUT.img, the file in runs: a little-endian u32 of the file's size,
 *    then for each run of bytes that are not long runs of zeros its u32
 *    offset, its u32 length and its bytes, then a u32 0 and a u32 0
 *    (db.c's image_expand() reads it back);
 *  - OUT.objects, the schema's objects as db_schema_objects() reads them,
 *    which db_open() compares with a database's own;
 *  - OUT.writer.img, the same file as OUT.img (in runs) without the views
 *    no SQL of the loader reads: the views named in the string literals of
 *    SOURCE.c... (the loader's), and the views those read, are kept;
 *  - OUT.rest, the views left out, in the order of their rowids: for each,
 *    its u32 rowid, then its name, its tbl_name and its sql, each ended by
 *    a NUL; then a u32 0.
 * A new database file is OUT.writer.img with OUT.rest put back at their
 * rowids (db.c, db_schema_complete()): the same objects as OUT.img, in the
 * same order, but the connection that made it, the loader's, prepared only
 * the views it reads (SQLite prepares every object of a schema it reads:
 * 1.1 against 4.9 ms for the full schema, tests/bench/README.md, wimg).
 * All are built into bin/memsnap (analyze/db/blobs.S).  SQLite alone: no
 * part of memsnap is built before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/db/db.h"

/* zeros this long end a run */
#define GAP 32

static void fail(const char *what, const char *why)
{
	fprintf(stderr, "mkimage: error: %s: %s\n", what, why);
	exit(1);
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, n;

	if (!f)
		fail(path, "cannot open");
	do {
		buf = realloc(buf, len + 65536 + 1);
		if (!buf)
			fail(path, "out of memory");
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n == 65536);
	if (ferror(f))
		fail(path, "cannot read");
	fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static void put_u32(FILE *f, size_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	fwrite(b, 1, 4, f);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail("the schema", msg ? msg : sqlite3_errmsg(db));
}

/* The database file at path, in runs (above), into out. */
static void write_runs(const char *path, const char *out)
{
	size_t img_len, i, start, zeros;
	char *img = slurp(path, &img_len);
	FILE *f = fopen(out, "wb");

	if (!f)
		fail(out, "cannot write");
	put_u32(f, img_len);
	for (i = 0; i < img_len;) {
		while (i < img_len && !img[i])
			i++;
		if (i == img_len)
			break;
		/* a run: to the first GAP zeros, or the end */
		for (start = i, zeros = 0; i < img_len && zeros < GAP; i++)
			zeros = img[i] ? 0 : zeros + 1;
		put_u32(f, start);
		put_u32(f, i - zeros - start);
		fwrite(img + start, 1, i - zeros - start, f);
	}
	put_u32(f, 0);
	put_u32(f, 0);
	if (ferror(f) | fclose(f))
		fail(out, "cannot write");
	free(img);
}

/* ---- the views the loader reads ------------------------------------------- */

struct view {
	char *name, *tbl, *sql;
	long long rowid;
	int keep;
};

struct views {
	struct view *v;
	size_t n;
};

static int ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Mark (keep) each view named by a word of text[0, len), and push it on the stack. */
static void keep_words(struct views *v, const char *text, size_t len,
		       size_t **stack, size_t *nstack)
{
	size_t i = 0, j, k;

	while (i < len) {
		if (!ident_char((unsigned char)text[i])) {
			i++;
			continue;
		}
		for (j = i; j < len && ident_char((unsigned char)text[j]); j++)
			;
		for (k = 0; k < v->n; k++)
			if (!v->v[k].keep && strlen(v->v[k].name) == j - i &&
			    !strncasecmp(v->v[k].name, text + i, j - i)) {
				v->v[k].keep = 1;
				*stack = realloc(*stack, (*nstack + 1) * sizeof(**stack));
				if (!*stack)
					fail("views", "out of memory");
				(*stack)[(*nstack)++] = k;
			}
		i = j;
	}
}

/*
 * The string literals of a C file, words and all: whatever the loader's
 * SQL names.  Comments and character constants are skipped; a literal's
 * escapes are left in (a word never holds a backslash).
 */
static void keep_source(struct views *v, const char *path, size_t **stack, size_t *nstack)
{
	size_t len, i = 0, j;
	char *src = slurp(path, &len);

	while (i < len) {
		if (src[i] == '/' && i + 1 < len && src[i + 1] == '*') {
			char *e = strstr(src + i + 2, "*/");

			i = e ? (size_t)(e - src) + 2 : len;
		} else if (src[i] == '/' && i + 1 < len && src[i + 1] == '/') {
			while (i < len && src[i] != '\n')
				i++;
		} else if (src[i] == '"' || src[i] == '\'') {
			for (j = i + 1; j < len && src[j] != src[i]; j++)
				if (src[j] == '\\')
					j++;
			if (src[i] == '"')
				keep_words(v, src + i + 1, (j < len ? j : len) - i - 1, stack, nstack);
			i = j + 1;
		} else {
			i++;
		}
	}
	free(src);
}

static void read_views(sqlite3 *db, struct views *v)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT rowid, name, tbl_name, sql FROM sqlite_master "
			       "WHERE type = 'view' ORDER BY rowid", -1, &st, NULL) != SQLITE_OK)
		fail("the schema", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct view *w;

		v->v = realloc(v->v, (v->n + 1) * sizeof(*v->v));
		if (!v->v)
			fail("views", "out of memory");
		w = &v->v[v->n++];
		w->rowid = sqlite3_column_int64(st, 0);
		w->name = strdup((const char *)sqlite3_column_text(st, 1));
		w->tbl = strdup((const char *)sqlite3_column_text(st, 2));
		w->sql = strdup((const char *)sqlite3_column_text(st, 3));
		w->keep = 0;
		if (!w->name || !w->tbl || !w->sql)
			fail("views", "out of memory");
	}
	sqlite3_finalize(st);
}

/*
 * The views left out of the writer's image written to rest (format above)
 * and deleted from db's sqlite_master; the schema cookie is left as it is
 * (db_schema_complete() changes it when it puts them back).
 */
static void write_rest(sqlite3 *db, const struct views *v, const char *rest)
{
	FILE *f = fopen(rest, "wb");
	sqlite3_stmt *del = NULL;
	size_t i;

	if (!f)
		fail(rest, "cannot write");
	exec(db, "PRAGMA writable_schema = ON");
	exec(db, "BEGIN");
	if (sqlite3_prepare_v2(db, "DELETE FROM sqlite_master WHERE rowid = ?", -1, &del,
			       NULL) != SQLITE_OK)
		fail("the schema", sqlite3_errmsg(db));
	for (i = 0; i < v->n; i++) {
		const struct view *w = &v->v[i];

		if (w->keep)
			continue;
		put_u32(f, (size_t)w->rowid);
		fwrite(w->name, 1, strlen(w->name) + 1, f);
		fwrite(w->tbl, 1, strlen(w->tbl) + 1, f);
		fwrite(w->sql, 1, strlen(w->sql) + 1, f);
		sqlite3_bind_int64(del, 1, w->rowid);
		if (sqlite3_step(del) != SQLITE_DONE)
			fail("the schema", sqlite3_errmsg(db));
		sqlite3_reset(del);
	}
	sqlite3_finalize(del);
	exec(db, "COMMIT");
	exec(db, "PRAGMA writable_schema = OFF");
	put_u32(f, 0);
	if (ferror(f) | fclose(f))
		fail(rest, "cannot write");
}

int main(int argc, char **argv)
{
	char tmp[4096], pragma[64], *schema, *objects;
	size_t schema_len, objects_len, i, *stack = NULL, nstack = 0;
	struct views v = { NULL, 0 };
	sqlite3 *db = NULL;
	FILE *f;
	int a;

	if (argc < 6)
		fail("usage", "mkimage SCHEMA.sql OUT.img OUT.objects OUT.writer.img OUT.rest "
		     "SOURCE.c...");
	schema = slurp(argv[1], &schema_len);
	snprintf(tmp, sizeof(tmp), "%s.db", argv[2]);
	remove(tmp);
	if (sqlite3_open(tmp, &db) != SQLITE_OK)
		fail(tmp, sqlite3_errmsg(db));
	snprintf(pragma, sizeof(pragma), "PRAGMA page_size=%d", DB_PAGE_SIZE);
	exec(db, pragma);
	exec(db, schema);
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", DB_SCHEMA_VERSION);
	exec(db, pragma);
	if (db_schema_objects(db, &objects, &objects_len) < 0)
		fail(tmp, sqlite3_errmsg(db));
	f = fopen(argv[3], "wb");
	if (!f || fwrite(objects, 1, objects_len, f) != objects_len || fclose(f))
		fail(argv[3], "cannot write");
	sqlite3_free(objects);
	write_runs(tmp, argv[2]);

	/* the writer's: the views its sources name, and what those read */
	read_views(db, &v);
	for (a = 6; a < argc; a++)
		keep_source(&v, argv[a], &stack, &nstack);
	while (nstack) {
		i = stack[--nstack];
		keep_words(&v, v.v[i].sql, strlen(v.v[i].sql), &stack, &nstack);
	}
	write_rest(db, &v, argv[5]);
	if (sqlite3_close(db) != SQLITE_OK)
		fail(tmp, "cannot close");
	write_runs(tmp, argv[4]);
	remove(tmp);
	for (i = 0; i < v.n; i++) {
		free(v.v[i].name);
		free(v.v[i].tbl);
		free(v.v[i].sql);
	}
	free(v.v);
	free(stack);
	free(schema);
	return 0;
}
