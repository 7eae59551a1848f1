/* SPDX-License-Identifier: MIT */
/*
 * Issue 16's report sections in the JSON report (reports/deeper.h), written
 * from the model's column tables (model_deeper.c): the keys are the views'
 * column names, so the JSON is the rows the queries read.  Every key is
 * always there: an empty array when the view has no row, node_eviction
 * null without a kubelet.  NULL is null, never 0.
 */
#include <inttypes.h>
#include <string.h>

#include "reports/deeper.h"
#include "reports/model_int.h"

#include "common/banned.h"

static void object(struct jsonw *w, const struct col *cols, size_t ncols, const void *row)
{
	size_t i;

	jsonw_start_object(w);
	for (i = 0; i < ncols; i++) {
		const char *f = (const char *)row + cols[i].off;

		switch (cols[i].kind) {
		case COL_STR:
			jsonw_kv_string(w, cols[i].name, *(char *const *)f);
			break;
		case COL_NUM:
			report_json_num(w, cols[i].name, *(const struct rnum *)f);
			break;
		case COL_REAL:
			report_json_real(w, cols[i].name, *(const struct rreal *)f, 2);
			break;
		case COL_I64:
			jsonw_kv_i64(w, cols[i].name, *(const int64_t *)f);
			break;
		case COL_BOOL:
			jsonw_kv_bool(w, cols[i].name, *(const bool *)f);
			break;
		}
	}
	jsonw_end_object(w);
}

void report_deeper_json(const struct report_capture *c, struct jsonw *w)
{
	static const struct report_deeper none;
	const struct report_deeper *d = c->deeper ? c->deeper : &none;
	size_t i, k;

	for (i = 0; i < deeper_nlists; i++) {
		const struct deeper_list *t = &deeper_lists[i];
		const char *arr;
		size_t n;

		memcpy(&arr, (const char *)d + t->arr_off, sizeof(arr));
		memcpy(&n, (const char *)d + t->n_off, sizeof(n));
		jsonw_name(w, t->key);
		jsonw_start_array(w);
		for (k = 0; k < n; k++)
			object(w, t->cols, t->ncols, arr + k * t->size);
		jsonw_end_array(w);
	}
	jsonw_name(w, "node_eviction");
	if (d->eviction.set)   /* without the first column, "kubelet" */
		object(w, deeper_eviction_cols + 1, deeper_neviction_cols - 1, &d->eviction);
	else
		jsonw_null(w);
}
