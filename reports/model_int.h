/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_MODEL_INT_H
#define MEMSNAP_REPORT_MODEL_INT_H
/*
 * Internal to the report's model (model.c, model_oom.c): running one of the
 * report's queries and reading its row by column name.  NULL is an unset
 * rnum/rreal, never 0.
 */
#include <stddef.h>

#include "reports/model.h"

struct loader {
	sqlite3 *db;
	struct report_capture *c;
	char **err;
	bool show_queries;      /* report_load()'s */
	/* the findings of findings_now_1, read apart (model.c) */
	struct report_finding **half;
	size_t *nhalf;
};

/*
 * Format, keep (c->queries[q]) and prepare one query; NULL with *err set.
 * with: NULL, or the built-in views (NULL-terminated) to prepare as part
 * of the query's text (db_with_views()); it is kept as formatted.
 */
sqlite3_stmt *query_with(struct loader *l, enum report_query_id q,
			 const char *const *with, const char *fmt, ...)
	ATTR_PRINTF(4, 5);
#define query(l, q, ...) query_with(l, q, NULL, __VA_ARGS__)
/* After the last sqlite3_step(): 0, or -1 with *err set; finalizes st. */
int finish(struct loader *l, sqlite3_stmt *st, int rc);

struct rnum get_num(sqlite3_stmt *st, const char *name);
struct rreal get_real(sqlite3_stmt *st, const char *name);
char *get_str(sqlite3_stmt *st, const char *name);
int64_t get_i64(sqlite3_stmt *st, const char *name);

/*
 * A row read by a table (style.md 8: one table per format, not one line
 * per field): each column of a query lands in a field of the row's struct,
 * by name and offset.  read_cols() fills the fields from the current row;
 * free_cols() frees the strings it read, so the table is also the list of
 * what a row owns.
 */
enum col_kind {
	COL_STR,     /* char *: get_str() */
	COL_NUM,     /* struct rnum: get_num() */
	COL_REAL,    /* struct rreal: get_real() */
	COL_I64,     /* int64_t: get_i64(), NULL is 0 (a NOT NULL column) */
	COL_BOOL,    /* bool: get_i64() != 0 */
};

struct col {
	const char *name;
	enum col_kind kind;
	size_t off;
};

#define COL(kind, type, field, name) { name, kind, offsetof(type, field) }

void read_cols(sqlite3_stmt *st, const struct col *cols, size_t n, void *row);
void free_cols(const struct col *cols, size_t n, void *row);
/* free_cols() on each of the n rows of arr (size bytes each), then arr. */
void rows_free(void *arr, size_t n, size_t size, const struct col *cols, size_t ncols);
/* The row of st (query()'s: NULL fails) read into row by cols; finish(). */
int load_row(struct loader *l, sqlite3_stmt *st, const struct col *cols, size_t ncols,
	     void *row);
/*
 * Every row of st (query()'s: NULL fails) appended to the array at
 * *(T **)ret_arr of *n rows of size bytes, read by cols; then finish().
 */
int load_rows(struct loader *l, sqlite3_stmt *st, const struct col *cols, size_t ncols,
	      size_t size, void *ret_arr, size_t *n);
#define LOAD_ROWS(l, st, cols, arr, n) \
	load_rows((l), (st), (cols), ARRAY_SIZE(cols), sizeof(*(arr)), &(arr), &(n))
#define ROWS_FREE(arr, n, cols) rows_free((arr), (n), sizeof(*(arr)), (cols), ARRAY_SIZE(cols))

/* Append one zeroed element to arr (n elements) and return it. */
#define GROW(arr, n) ((arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))), \
		      memset(&(arr)[n], 0, sizeof(*(arr))), &(arr)[(n)++])

/* model_deeper.c */
int load_deeper(struct loader *l);
/* Each list of struct report_deeper: its JSON key (the view's rows), its
 * column table, its row size and where its array and count are. */
struct deeper_list {
	const char *key;
	const struct col *cols;
	size_t ncols, size, arr_off, n_off;
};
extern const struct deeper_list deeper_lists[];
extern const size_t deeper_nlists;
/* node_eviction's columns; the first, "kubelet", says the row is there */
extern const struct col *const deeper_eviction_cols;
extern const size_t deeper_neviction_cols;
void deeper_free(struct report_deeper *d);

/* model_oom.c */
int load_ooms(struct loader *l);
int load_oom_details(struct loader *l);
void oom_free(struct report_oom *o);

#endif
