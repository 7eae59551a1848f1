/* SPDX-License-Identifier: MIT */
/*
 * memsnap diff's stage: the operands in, one rendered diff out.  It
 * chooses the pair (two captures, or two samples of one capture) and says
 * why a pair cannot be made; what changed is the diff_* views'
 * (schema/98-diff.sql), read and rendered by reports/diff.c.
 */
#include "reports/diff_run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "common/util.h"
#include "reports/diff.h"

#include "common/banned.h"

/* What a diff compares: capture a's sample sa with capture b's sample sb. */
struct diff_pair {
	int64_t a, sa, b, sb;
};

int diff_samples_parse(const char *arg, size_t len, int64_t ret[2])
{
	const char *colon = memchr(arg, ':', len);
	size_t i;

	if (!colon)
		return -1;
	for (i = 0; i < 2; i++) {
		const char *s = i ? colon + 1 : arg;
		size_t n = i ? len - (size_t)(colon + 1 - arg) : (size_t)(colon - arg);
		uint64_t v;

		if (n == 5 && !memcmp(s, "first", 5))
			ret[i] = DIFF_SAMPLE_FIRST;
		else if (n == 4 && !memcmp(s, "last", 4))
			ret[i] = DIFF_SAMPLE_LAST;
		else if (parse_u64(s, n, &v) == 0 && v >= 1 && v <= INT64_MAX)
			ret[i] = (int64_t)v;
		else
			return -1;
	}
	return 0;
}

/* The first row of sql (?1 = p1, ?2 = p2): its n integer columns (NULL: 0). */
static int query_row(sqlite3 *db, const char *sql, int64_t p1, int64_t p2, int64_t *ret,
		     size_t n, char **ret_err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int ret_ = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, p1);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, p2);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	for (i = 0; i < n; i++)
		ret[i] = sqlite3_column_int64(st, (int)i);
	ret_ = 0;
out:
	if (ret_ < 0)
		*ret_err = xstrndup(sqlite3_errmsg(db), strlen(sqlite3_errmsg(db)));
	sqlite3_finalize(st);
	return ret_;
}

/*
 * Two samples of capture id (named `what` in messages): --samples's, or
 * its first and last.  CMD_GO_ON with *p set, else the exit status (said).
 */
static int choose_samples(sqlite3 *db, const char *what, int64_t id,
			  const struct diff_run_opts *o, struct diff_pair *p)
{
	int64_t have[4], want[2] = { DIFF_SAMPLE_FIRST, DIFF_SAMPLE_LAST }, found;
	char *err = NULL;
	size_t i;
	int ret = EXIT_FATAL;

	if (query_row(db, "SELECT count(*), min(sample), max(sample),\n"
		      "       EXISTS (SELECT 1 FROM capture WHERE capture_id = ?1)\n"
		      "FROM samples WHERE capture_id = ?1", id, 0, have, 4, &err) < 0) {
		error("cannot diff %s: %s", what, err);
		goto out;
	}
	if (!have[3]) {
		error("cannot diff %s: no capture %" PRId64, what, id);
		goto out;
	}
	ret = EXIT_USAGE;
	if (have[0] < 2) {
		error("%s is one capture of one sample: give A and B, or a capture of several "
		      "samples (memsnap-collect --samples N)", what);
		goto out;
	}
	if (o->samples_set)
		memcpy(want, o->samples, sizeof(want));
	for (i = 0; i < 2; i++) {
		if (want[i] == DIFF_SAMPLE_FIRST)
			want[i] = have[1];
		else if (want[i] == DIFF_SAMPLE_LAST)
			want[i] = have[2];
		if (query_row(db, "SELECT count(*) FROM samples WHERE capture_id = ?1 "
			      "AND sample = ?2", id, want[i], &found, 1, &err) < 0) {
			error("cannot diff %s: %s", what, err);
			ret = EXIT_FATAL;
			goto out;
		}
		if (!found) {
			error("%s has no sample %" PRId64 " (its %" PRId64 " samples are "
			      "numbered %" PRId64 " to %" PRId64 ")", what, want[i], have[0],
			      have[1], have[2]);
			goto out;
		}
	}
	if (want[0] == want[1]) {
		error("--samples names sample %" PRId64 " of %s twice: give two samples",
		      want[0], what);
		goto out;
	}
	p->a = p->b = id;
	p->sa = want[0];
	p->sb = want[1];
	ret = CMD_GO_ON;
out:
	free(err);
	return ret;
}

/* Two captures A B, each loaded into one database in memory. */
static int open_two(char *const *args, const struct diff_run_opts *o, sqlite3 **db,
		    struct diff_pair *p)
{
	int64_t ids[2];
	char *err = NULL;
	int ret = EXIT_USAGE;

	if (path_is_sqlite(args[0]) || path_is_sqlite(args[1])) {
		error("A and B are captures; for a database: memsnap diff DB "
		      "--capture ID1 --capture ID2");
		goto out;
	}
	if (source_open_captures((const char *const *)args, 2, &o->so, db, ids, &err) < 0) {
		error("%s", err);
		ret = EXIT_FATAL;
		goto out;
	}
	if (ids[1] < 0) {
		error("'%s' and '%s' are the same capture", args[0], args[1]);
		goto out;
	}
	p->a = ids[0];
	p->b = ids[1];
	p->sa = p->sb = 1;
	ret = CMD_GO_ON;
out:
	free(err);
	return ret;
}

/*
 * 0 when db holds every capture --capture named; else -1, said as `report
 * --capture` says it (the database named, the first id it lacks, a hint).
 */
static int have_captures(sqlite3 *db, const char *source, const struct diff_run_opts *o)
{
	char *err = NULL;
	int64_t found = 0;
	size_t i;
	int ret = 0;

	for (i = 0; i < o->nids && !ret; i++) {
		if (query_row(db, "SELECT EXISTS (SELECT 1 FROM capture WHERE capture_id = ?1)",
			      o->ids[i], 0, &found, 1, &err) < 0) {
			error("cannot diff '%s': %s", source, err);
			ret = -1;
		} else if (!found) {
			error("cannot diff '%s': no capture %" PRId64, source, o->ids[i]);
			cmd_hint_captures(source);
			ret = -1;
		}
	}
	free(err);
	return ret;
}

/*
 * One operand: a capture (two of its samples) or a database (two captures
 * by --capture or when it holds two; two samples of one capture by
 * --capture ID or when it holds one).
 */
static int open_one(const char *source, const struct diff_run_opts *o, sqlite3 **db,
		    bool *loaded, struct diff_pair *p)
{
	struct strbuf what = STRBUF_INIT;
	struct load_stats stats;
	int64_t caps[3];
	char *err = NULL;
	int ret = EXIT_FATAL;

	if (source_open(source, &o->so, db, loaded, &stats, &err) < 0) {
		error("%s", err);
		goto out;
	}
	if (have_captures(*db, source, o) < 0)
		goto out;
	/* the captures named, alone (the views of BPF maps read every
	 * capture of a database before picking: db_copy_pays()) */
	if (o->nids && !*loaded && db_copy_pays(*db)) {
		sqlite3 *two = NULL;

		if (db_copy_captures(source, o->ids, o->nids, NULL, &two, &err) < 0) {
			error("cannot diff '%s': %s", source, err);
			goto out;
		}
		db_close(*db);
		*db = two;
	}
	if (o->nids == 2) {
		p->a = o->ids[0];
		p->b = o->ids[1];
		p->sa = p->sb = 1;
		ret = CMD_GO_ON;
		goto out;
	}
	strbuf_addf(&what, "'%s'", source);
	if (o->nids == 1) {
		strbuf_reset(&what);
		strbuf_addf(&what, "capture %" PRId64 " of '%s'", o->ids[0], source);
		ret = choose_samples(*db, what.buf, o->ids[0], o, p);
		goto out;
	}
	if (query_row(*db, "SELECT count(*),\n"
		      "  (SELECT capture_id FROM capture ORDER BY started_at, capture_id LIMIT 1),\n"
		      "  (SELECT capture_id FROM capture ORDER BY started_at, capture_id\n"
		      "   LIMIT 1 OFFSET 1)\n"
		      "FROM capture", 0, 0, caps, 3, &err) < 0) {
		error("cannot diff '%s': %s", source, err);
		goto out;
	}
	if (caps[0] == 1) {
		ret = choose_samples(*db, what.buf, caps[1], o, p);
	} else if (caps[0] == 2 && !o->samples_set) {
		p->a = caps[1];
		p->b = caps[2];
		p->sa = p->sb = 1;
		ret = CMD_GO_ON;
	} else {
		error("cannot diff '%s': it holds %" PRId64 " captures: name two with --capture "
		      "ID1 --capture ID2, or one with --capture ID for two of its samples",
		      source, caps[0]);
		ret = EXIT_USAGE;
	}
out:
	strbuf_release(&what);
	free(err);
	return ret;
}

int diff_run(char *const *args, size_t nargs, const struct diff_run_opts *o)
{
	struct strbuf out = STRBUF_INIT;
	struct diff_pair p = { 0, 0, 0, 0 };
	struct diff d;
	char *err = NULL;
	sqlite3 *db = NULL;
	bool loaded = true;
	int ret;

	memset(&d, 0, sizeof(d));
	ret = nargs == 2 ? open_two(args, o, &db, &p) : open_one(args[0], o, &db, &loaded, &p);
	if (ret != CMD_GO_ON)
		goto out;
	ret = EXIT_FATAL;
	/* the SQL the page shows runs on a database the user has */
	d.source_is_db = !loaded;
	d.source = d.source_is_db ? report_source_name(args[0]) : xstrdup("DB");
	if (diff_load(db, p.a, p.sa, p.b, p.sb, &d, &err) < 0) {
		error("cannot diff: %s", err);
		goto out;
	}
	if (d.interval_s <= 0)
		warning("B (%s %" PRId64 ") was not taken after A (%s %" PRId64 "): no rates",
			d.series ? "sample" : "capture", d.series ? p.sb : p.b,
			d.series ? "sample" : "capture", d.series ? p.sa : p.a);
	d.version = MEMSNAP_VERSION;
	switch (o->fmt) {
	case FMT_TEXT: diff_render_text(&d, o->top, &out); break;
	case FMT_HTML: diff_render_html(&d, &out); break;
	case FMT_JSON: diff_render_json(&d, &out); break;
	}
	if (report_write_output(o->output, &out) < 0)
		goto out;
	ret = EXIT_OK;
	if (d.problems) {
		warning("A or B is incomplete: some files were not read or not parsed "
			"(memsnap report on each says which)");
		ret = EXIT_PROBLEMS;
	}
out:
	diff_free(&d);
	db_close(db);
	strbuf_release(&out);
	free(err);
	return ret;
}
