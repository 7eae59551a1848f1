/* SPDX-License-Identifier: MIT */
/*
 * mkimage SCHEMA.sql OUT.img OUT.objects: the build's maker of the empty
 * database, run by the Makefile.  It makes the database db_open() would
 * make (page size, schema, user_version) and writes
 *  - OUT.img, the file in runs: a little-endian u32 of the file's size,
 *    then for each run of bytes that are not long runs of zeros its u32
 *    offset, its u32 length and its bytes, then a u32 0 and a u32 0
 *    (db.c's image_expand() reads it back);
 *  - OUT.objects, the schema's objects as db_schema_objects() reads them,
 *    which db_open() compares with a database's own.
 * Both are built into bin/memsnap (analyze/db/blobs.S).  SQLite alone: no
 * part of memsnap is built before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	char tmp[4096], pragma[64], *schema, *objects, *img;
	size_t schema_len, objects_len, img_len, i, start, zeros;
	sqlite3 *db = NULL;
	FILE *f;

	if (argc != 4)
		fail("usage", "mkimage SCHEMA.sql OUT.img OUT.objects");
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
	if (sqlite3_close(db) != SQLITE_OK)
		fail(tmp, "cannot close");
	f = fopen(argv[3], "wb");
	if (!f || fwrite(objects, 1, objects_len, f) != objects_len || fclose(f))
		fail(argv[3], "cannot write");
	sqlite3_free(objects);

	img = slurp(tmp, &img_len);
	f = fopen(argv[2], "wb");
	if (!f)
		fail(argv[2], "cannot write");
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
		fail(argv[2], "cannot write");
	remove(tmp);
	free(img);
	free(schema);
	return 0;
}
