/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_FLEET_H
#define MEMSNAP_REPORT_FLEET_H
/*
 * The fleet summary: what `memsnap report DB` shows for a database of
 * several captures (one capture is reported as model.h says).  Filled only
 * from the report_fleet_* views (schema/96-fleet.sql), each query kept as
 * it ran so the HTML can show it; the renderers (fleet.c) only format.
 *
 * Strings are untrusted capture bytes, made safe by each renderer's one
 * writer (term_escape, html_text/html_attr, jsonw).  Counts of rows are
 * never NULL; a NULL string (a name, a date) is unknown, shown so.
 */
#include <sqlite3.h>
#include <stdint.h>

#include "common/util.h"
#include "reports/model.h"

enum fleet_query_id { FQ_SUMMARY, FQ_NODES, FQ_OOM, FQ_FINDINGS, FQ_NOT_LOADED, FQ_COUNT };

/* One row of report_fleet_nodes. */
struct fleet_node {
	char *hostname, *kernel_release, *first_started_at, *last_started_at, *capture_ids;
	struct rnum captures, last_capture_id, oom_kills;
};

/* One row of report_fleet_oom_kills. */
struct fleet_oom {
	char *namespace_, *pod, *container, *task_memcg, *first_wall_time,
	     *last_wall_time, *capture_ids;
	struct rnum kills, captures, nodes;
};

/* One row of report_fleet_findings. */
struct fleet_finding {
	char *severity, *code, *capture_ids;
	struct rnum findings, captures, nodes;
};

/* One row of report_fleet_not_loaded: an input memsnap load could not read. */
struct fleet_input {
	char *path, *problem;
};

struct report_fleet {
	/* report_fleet_summary */
	struct rnum captures, nodes, unknown_nodes, kernels, incomplete_captures,
		    problem_captures, oom_kills, oom_kill_rows, inputs_not_loaded;
	char *first_started_at, *last_started_at;
	struct fleet_node *nodes_;
	size_t nnodes;
	struct fleet_oom *ooms;
	size_t nooms;
	struct fleet_finding *finds;
	size_t nfinds;
	struct fleet_input *not_loaded;
	size_t nnot_loaded;
	struct report_query queries[FQ_COUNT];
	char *source;                    /* a base name, as in struct report */
	const char *version;
};

/* How many captures db holds (the command chooses fleet or one capture). */
int report_fleet_count(sqlite3 *db, int64_t *ret_n, char **ret_err);
/* Fill f from db; 0, or -1 with *ret_err set.  Never prints. */
int report_fleet_load(sqlite3 *db, const char *source_name, struct report_fleet *f,
		      char **ret_err);
void report_fleet_free(struct report_fleet *f);

void report_fleet_render_text(const struct report_fleet *f, const struct report_text_opts *o,
			      struct strbuf *out);
void report_fleet_render_html(const struct report_fleet *f, struct strbuf *out);
void report_fleet_render_json(const struct report_fleet *f, struct strbuf *out);

#endif
