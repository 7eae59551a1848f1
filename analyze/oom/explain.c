/* SPDX-License-Identifier: MIT */
#include "analyze/oom/explain.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "analyze/oom/oom.h"
#include "common/util.h"
#include "reports/model.h"
#include "reports/output.h"

#include "common/banned.h"

static int read_input(const char *path, uint64_t max, struct strbuf *sb)
{
	int fd, r;

	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return -errno;
	}
	r = read_fd_all(fd, sb, (size_t)MIN(max, (uint64_t)SIZE_MAX - 1));
	if (fd != STDIN_FILENO)
		close(fd);
	return r;
}

static int save_db(sqlite3 *db, const char *path, char **ret_err)
{
	sqlite3_stmt *st = db_prepare(db, "VACUUM INTO ?");
	int r;

	unlink(path);
	db_bind_text(st, 1, path);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (r < 0 && ret_err)
		*ret_err = xstrdup(sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return r;
}

int oom_explain(const char *path, const struct oom_explain_opts *o)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct oom_log log;
	struct report rep;
	sqlite3 *db = NULL;
	char *err = NULL;
	const char *input = !strcmp(path, "-") ? "<stdin>" : path;
	int64_t capture_id = 0;
	int r, ret = EXIT_FATAL;

	memset(&log, 0, sizeof(log));
	memset(&rep, 0, sizeof(rep));
	r = read_input(path, o->max_input, &in);
	if (r == -EFBIG) {
		error("'%s' is larger than %" PRIu64 " bytes; see --max-size", input,
		      o->max_input);
		goto out;
	}
	if (r < 0) {
		error("cannot read '%s': %s", input, strerror(-r));
		goto out;
	}
	if (oom_log_parse(in.buf, in.len, o->page_size, &log) < 0) {
		error("cannot parse '%s'", input);
		goto out;
	}
	if (db_open(":memory:", true, &db, &err) < 0 ||
	    db_exec(db, "BEGIN", &err) < 0 ||
	    oom_store_log(db, input, o->page_size, &log, &capture_id, &err) < 0 ||
	    db_exec(db, "COMMIT", &err) < 0) {
		error("cannot store the OOM events of '%s': %s", input, err ? err : "?");
		goto out;
	}
	if (o->db_path && save_db(db, o->db_path, &err) < 0) {
		error("cannot write '%s': %s", o->db_path, err ? err : "?");
		goto out;
	}
	if (report_load_ooms(db, capture_id, input, &rep, &err) < 0) {
		error("cannot read the OOM events of '%s' back: %s", input, err ? err : "?");
		goto out;
	}
	if (log.events_dropped)
		warning("'%s' holds more than %d OOM reports; %zu not shown",
			input, OOM_MAX_EVENTS, log.events_dropped);
	if (log.tasks_dropped)
		warning("'%s' holds more than %d task-table rows; %zu skipped",
			input, OOM_MAX_TASKS, log.tasks_dropped);
	if (o->json)
		report_render_oom_json(&rep.captures[0], &out);
	else
		report_render_oom_text(&rep.captures[0], input, true, &out);
	if (report_write_output(NULL, &out) < 0)
		goto out;
	if (!rep.captures[0].nooms) {
		error("no OOM event found in '%s' (%zu lines read)", input, log.lines);
		ret = EXIT_PROBLEMS;
		goto out;
	}
	ret = EXIT_OK;
out:
	report_free(&rep);
	db_close(db);
	free(err);
	oom_log_free(&log);
	strbuf_release(&in);
	strbuf_release(&out);
	return ret;
}
