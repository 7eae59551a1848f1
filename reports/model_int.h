/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_MODEL_INT_H
#define MEMSNAP_REPORT_MODEL_INT_H
/*
 * Internal to the report's model (model.c, model_oom.c): running one of the
 * report's queries and reading its row by column name.  NULL is an unset
 * rnum/rreal, never 0.
 */
#include "reports/model.h"

struct loader {
	sqlite3 *db;
	struct report_capture *c;
	char **err;
};

/* Format, keep (c->queries[q]) and prepare one query; NULL with *err set. */
sqlite3_stmt *query(struct loader *l, enum report_query_id q, const char *fmt, ...)
	ATTR_PRINTF(3, 4);
/* After the last sqlite3_step(): 0, or -1 with *err set; finalizes st. */
int finish(struct loader *l, sqlite3_stmt *st, int rc);

struct rnum get_num(sqlite3_stmt *st, const char *name);
struct rreal get_real(sqlite3_stmt *st, const char *name);
char *get_str(sqlite3_stmt *st, const char *name);
int64_t get_i64(sqlite3_stmt *st, const char *name);

/* Append one zeroed element to arr (n elements) and return it. */
#define GROW(arr, n) ((arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))), \
		      memset(&(arr)[n], 0, sizeof(*(arr))), &(arr)[(n)++])

/* model_oom.c */
int load_ooms(struct loader *l);
int load_oom_details(struct loader *l);
void oom_free(struct report_oom *o);

#endif
