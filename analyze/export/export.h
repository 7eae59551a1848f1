/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_EXPORT_H
#define MEMSNAP_EXPORT_H
/*
 * What `memsnap export` writes, shared by its formats and the DDL: the
 * public views with their declared column types (schema/97-export.sql,
 * table public_columns), a capture's identity across databases, and text
 * made valid UTF-8.  Nothing here prints.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "common/util.h"

enum export_type { EXPORT_INTEGER, EXPORT_FLOAT, EXPORT_TEXT };

struct export_column {
	char *name;
	enum export_type type;
	bool not_null;
};

struct export_view {
	char *name;
	struct export_column *cols;
	size_t ncols;
	bool per_capture;        /* has capture_id: exported per capture */
};

struct export_decl {
	struct export_view *views;
	size_t nviews;
};

/* Every row exported carries this column first (text, never NULL). */
#define EXPORT_UID_COLUMN "capture_uid"

/*
 * The declaration built into the binary (read from a database in memory
 * with the schema, so a database made by an older memsnap exports with
 * today's declaration).  0, or -1 with *ret_err.
 */
int export_decl_load(struct export_decl *d, char **ret_err);
void export_decl_free(struct export_decl *d);
const struct export_view *export_decl_find(const struct export_decl *d,
					   const char *name);


/*
 * Append s to sb as valid UTF-8: each byte that does not start a valid
 * sequence (utf8_decode()) becomes U+FFFD, as json_escape() does, so the
 * Parquet and NDJSON exports of a hostile capture hold the same text.  NUL
 * and other control characters are valid UTF-8 and stay.
 */
void export_text(struct strbuf *sb, const char *s, size_t len);

/*
 * ClickHouse DDL for views[0..nviews) (per-capture views: every one, or
 * those --view named): a MergeTree table DB.VIEW_local per view and a
 * Distributed table DB.VIEW over it on CLUSTER, sharded by capture_uid.
 */
void export_ddl_clickhouse(const struct export_view *const *views, size_t nviews,
			   const char *database, const char *cluster, struct strbuf *out);

#endif
