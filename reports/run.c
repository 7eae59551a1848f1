/* SPDX-License-Identifier: MIT */
/*
 * memsnap report's stage: SOURCE in, one rendered report out.  Nothing
 * here computes a number.
 */
#include "reports/run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "analyze/db/pool.h"
#include "common/util.h"
#include "reports/fleet.h"
#include "reports/output.h"

#include "common/banned.h"

/* The report's queries failed: why, or that they ran out of time. */
static void load_failed(const char *source, const char *err, const struct db_deadline *deadline,
			uint64_t timeout)
{
	if (db_deadline_passed(deadline))
		error("cannot report on '%s': its queries ran for more than %llu s "
		      "(--query-timeout)", source, (unsigned long long)timeout);
	else
		error("cannot report on '%s': %s", source, err);
}

/* A database of several captures: the fleet summary. */
static int report_fleet(sqlite3 *db, const char *source, const char *name,
			const struct report_run_opts *o, struct report_fleet *fleet,
			const struct db_deadline *deadline)
{
	struct strbuf out = STRBUF_INIT;
	char *err = NULL;
	int ret = EXIT_FATAL;

	if (report_fleet_load(db, name, fleet, &err) < 0) {
		load_failed(source, err, deadline, o->query_timeout);
		goto out;
	}
	fleet->version = MEMSNAP_VERSION;
	switch (o->fmt) {
	case FMT_TEXT: report_fleet_render_text(fleet, &o->topts, &out); break;
	case FMT_HTML: report_fleet_render_html(fleet, &out); break;
	case FMT_JSON: report_fleet_render_json(fleet, &out); break;
	}
	if (report_write_output(o->output, &out) < 0)
		goto out;
	ret = EXIT_OK;
	if (fleet->problem_captures.set && fleet->problem_captures.v) {
		warning("%" PRId64 " of the captures are incomplete: some files were not read or "
			"not parsed (memsnap report --each shows which)", fleet->problem_captures.v);
		ret = EXIT_PROBLEMS;
	}
	if (fleet->inputs_not_loaded.set && fleet->inputs_not_loaded.v) {
		warning("%" PRId64 " input%s could not be loaded: the fleet lacks %s (the report's "
			"last section lists %s)", fleet->inputs_not_loaded.v,
			fleet->inputs_not_loaded.v == 1 ? "" : "s",
			fleet->inputs_not_loaded.v == 1 ? "it" : "them",
			fleet->inputs_not_loaded.v == 1 ? "it" : "them");
		ret = EXIT_PROBLEMS;
	}
out:
	strbuf_release(&out);
	free(err);
	return ret;
}

int report_run(const char *source, const struct report_run_opts *o)
{
	struct load_stats stats;
	struct report rep;
	struct report_fleet fleet;
	struct strbuf out = STRBUF_INIT;
	char *err = NULL, *name = NULL;
	sqlite3 *db = NULL;
	int64_t ncaptures = 0;
	struct db_deadline deadline;
	struct db_pool pool;
	bool loaded, copy;
	int ret = EXIT_FATAL;

	memset(&rep, 0, sizeof(rep));
	memset(&fleet, 0, sizeof(fleet));
	/* a database file: a second connection opens it meanwhile, for half
	 * the report's queries (a capture is loaded into memory: one) */
	db_pool_init(&pool);
	if (!o->so.writable && path_is_sqlite(source))
		db_pool_open(&pool, source);
	if (source_open(source, &o->so, &db, &loaded, &stats, &err) < 0) {
		error("%s", err);
		goto out;
	}
	name = report_source_name(source);
	/* memsnap's own views on a database db_open_existing() checked: a
	 * budget all the same, so no query runs for ever */
	db_set_deadline(db, &deadline, (double)o->query_timeout);
	db_pool_set_deadline(&pool, &deadline);
	if (!o->capture_id && !o->each && report_fleet_count(db, &ncaptures, &err) < 0) {
		load_failed(source, err, &deadline, o->query_timeout);
		goto out;
	}
	if (ncaptures > 1) {
		ret = report_fleet(db, source, name, o, &fleet, &deadline);
		goto out;
	}
	/* one capture, or each: from a copy of it alone in a database of many
	 * (db_copy_pays()), where some views read every capture */
	copy = (o->capture_id > 0 || o->each) && !loaded && db_copy_pays(db);
	if (report_load_pool(&pool, db, o->capture_id, name, o->fmt != FMT_TEXT,
			     copy ? source : NULL, &deadline, &rep, &err) < 0) {
		load_failed(source, err, &deadline, o->query_timeout);
		if (o->capture_id > 0 && starts_with(err, "no capture "))
			cmd_hint_captures(source);
		goto out;
	}
	rep.version = MEMSNAP_VERSION;
	switch (o->fmt) {
	case FMT_TEXT: report_render_text(&rep, &o->topts, &out); break;
	case FMT_HTML: report_render_html(&rep, &out); break;
	case FMT_JSON: report_render_json(&rep, &out); break;
	}
	if (report_write_output(o->output, &out) < 0)
		goto out;
	ret = EXIT_OK;
	if (report_has_problems(&rep)) {
		warning("the capture is incomplete: some files were not read or not parsed "
			"(see the report's last section)");
		ret = EXIT_PROBLEMS;
	}
out:
	report_fleet_free(&fleet);
	report_free(&rep);
	db_pool_close(&pool);
	db_close(db);
	strbuf_release(&out);
	free(name);
	free(err);
	return ret;
}
