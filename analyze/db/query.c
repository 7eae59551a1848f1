/* SPDX-License-Identifier: MIT */
/*
 * memsnap sql's stage: a query's statements run on SOURCE, their rows
 * printed.
 */
#include "analyze/db/query.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "common/util.h"
#include "reports/textout.h"

#include "common/banned.h"

static void csv_field(struct strbuf *sb, const char *s, size_t len)
{
	size_t i;
	bool quote = false;

	for (i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
			quote = true;
			break;
		}
	if (!quote) {
		strbuf_add(sb, s, len);
		return;
	}
	strbuf_addch(sb, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, s[i]);
	}
	strbuf_addch(sb, '"');
}

/* A cell as text: integers and reals formatted as SQLite does. */
static const char *cell_text(sqlite3_stmt *st, int c, size_t *ret_len,
			     struct strbuf *tmp)
{
	int type = sqlite3_column_type(st, c);

	if (type == SQLITE_NULL)
		return NULL;
	if (type == SQLITE_BLOB) {
		const unsigned char *b = sqlite3_column_blob(st, c);
		int n = sqlite3_column_bytes(st, c), i;

		strbuf_reset(tmp);
		strbuf_addstr(tmp, "x'");
		for (i = 0; i < n; i++)
			strbuf_addf(tmp, "%02x", b[i]);
		strbuf_addch(tmp, '\'');
		*ret_len = tmp->len;
		return tmp->buf;
	}
	*ret_len = (size_t)sqlite3_column_bytes(st, c);
	return (const char *)sqlite3_column_text(st, c);
}

static int run_statement(sqlite3 *db, sqlite3_stmt *st, enum sql_format fmt,
			 bool *first_output)
{
	int ncols = sqlite3_column_count(st), c, rc;
	struct strbuf tmp = STRBUF_INIT, out = STRBUF_INIT;
	struct table t;
	struct jsonw w;
	bool any_row = false;
	int r = 0;

	if (ncols == 0) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		r = rc == SQLITE_DONE ? 0 : -1;
		goto out;
	}
	if (!*first_output && fmt != SQL_JSON)
		fputc('\n', stdout);
	*first_output = false;
	if (fmt == SQL_TABLE) {
		table_init(&t, (size_t)ncols);
		for (c = 0; c < ncols; c++)
			table_set_header(&t, (size_t)c, sqlite3_column_name(st, c), false);
	} else if (fmt == SQL_CSV) {
		for (c = 0; c < ncols; c++) {
			const char *name = sqlite3_column_name(st, c);

			if (c)
				strbuf_addch(&out, ',');
			csv_field(&out, name, strlen(name));
		}
		strbuf_add(&out, "\r\n", 2);
	} else {
		jsonw_init(&w, &out, false);
		jsonw_start_array(&w);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fmt == SQL_TABLE) {
			const char **cells = xcalloc((size_t)ncols, sizeof(char *));
			size_t *lens = xcalloc((size_t)ncols, sizeof(size_t));
			char **owned = xcalloc((size_t)ncols, sizeof(char *));

			for (c = 0; c < ncols; c++) {
				int type = sqlite3_column_type(st, c);
				const char *s = cell_text(st, c, &lens[c], &tmp);

				if (s && type == SQLITE_BLOB)
					s = owned[c] = xstrndup(s, lens[c]);
				cells[c] = s;
				if (!any_row && (type == SQLITE_INTEGER || type == SQLITE_FLOAT))
					t.right[c] = true;
			}
			table_add_row(&t, cells, lens);
			for (c = 0; c < ncols; c++)
				free(owned[c]);
			free(owned);
			free(cells);
			free(lens);
		} else if (fmt == SQL_CSV) {
			for (c = 0; c < ncols; c++) {
				size_t len = 0;
				const char *s = cell_text(st, c, &len, &tmp);

				if (c)
					strbuf_addch(&out, ',');
				if (s)
					csv_field(&out, s, len);
			}
			strbuf_add(&out, "\r\n", 2);
		} else {
			jsonw_start_object(&w);
			for (c = 0; c < ncols; c++) {
				jsonw_name(&w, sqlite3_column_name(st, c));
				switch (sqlite3_column_type(st, c)) {
				case SQLITE_NULL: jsonw_null(&w); break;
				case SQLITE_INTEGER:
					jsonw_i64(&w, sqlite3_column_int64(st, c));
					break;
				case SQLITE_FLOAT: {
					size_t len;
					const char *s = cell_text(st, c, &len, &tmp);

					/* SQLite's own text of the number, unless
					 * JSON cannot hold it (Inf, NaN) */
					if (isfinite(sqlite3_column_double(st, c)))
						jsonw_raw(&w, s, len);
					else
						jsonw_null(&w);
					break;
				}
				default: {
					size_t len = 0;
					const char *s = cell_text(st, c, &len, &tmp);

					jsonw_string_len(&w, s, len);
				}
				}
			}
			jsonw_end_object(&w);
		}
		any_row = true;
		if (out.len > 1 << 16) {
			if (fwrite(out.buf, 1, out.len, stdout) != out.len) {
				r = -2;   /* ferror(stdout): sql_run() says it */
				goto out;
			}
			strbuf_reset(&out);
		}
	}
	if (rc != SQLITE_DONE)
		r = -1;
	if (fmt == SQL_TABLE) {
		if (r == 0)
			table_print(&t, stdout, "NULL");
		table_free(&t);
	} else if (fmt == SQL_JSON) {
		jsonw_end_array(&w);
		strbuf_addch(&out, '\n');
	}
	if (r == 0 && fwrite(out.buf, 1, out.len, stdout) != out.len)
		r = -2;   /* as above: glibc's fflush() then has nothing to say */
out:
	(void)db;
	strbuf_release(&tmp);
	strbuf_release(&out);
	return r;
}

/* Each statement of query on db, its rows printed: EXIT_OK or
 * EXIT_PROBLEMS (said); *werr set when standard output failed. */
static int run_query(sqlite3 *db, const char *query, enum sql_format fmt,
		     bool writable, int *werr, int *nstatements)
{
	const char *tail;
	struct db_guard guard;
	bool first = true;
	int rs, ret = EXIT_OK;

	/* read-only means no file is created or changed, not even the
	 * database in memory (db.h) */
	if (!writable)
		db_guard_read_only(db, &guard);
	tail = query;
	while (tail && *tail) {
		sqlite3_stmt *st = NULL;
		const char *next = NULL, *what = NULL;

		db_guard_reset(&guard);
		rs = sqlite3_prepare_v2(db, tail, -1, &st, &next);
		tail = next;
		if ((rs != SQLITE_OK || st) && !writable &&
		    db_guard_check(&guard, st, &what) < 0) {
			error("%s refused: memsnap sql is read-only unless --write is "
			      "given\n  in: %s", what, query);
			ret = EXIT_PROBLEMS;
			sqlite3_finalize(st);
			break;
		}
		if (rs != SQLITE_OK) {
			error("SQL: %s\n  in: %s", sqlite3_errmsg(db), query);
			ret = EXIT_PROBLEMS;
			break;
		}
		if (!st)
			continue;   /* white space or a comment */
		(*nstatements)++;
		rs = run_statement(db, st, fmt, &first);
		if (rs == -2) {
			*werr = errno;   /* said below */
			sqlite3_finalize(st);
			break;
		}
		if (rs < 0) {
			error("SQL: %s\n  in: %s", sqlite3_errmsg(db), query);
			ret = EXIT_PROBLEMS;
			sqlite3_finalize(st);
			break;
		}
		sqlite3_finalize(st);
	}
	return ret;
}

/*
 * --capture: each of ids in db (the database file source), then a copy of
 * them alone in *db.  EXIT_OK, or the exit status (said).
 */
static int sql_captures(const char *source, const int64_t *ids, size_t nids, sqlite3 **db)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *copy = NULL;
	char *err = NULL;
	size_t i;
	int ret = EXIT_FATAL;

	if (sqlite3_prepare_v2(*db, "SELECT 1 FROM capture WHERE capture_id = ?", -1, &st,
			       NULL) != SQLITE_OK) {
		error("cannot read '%s': %s", source, sqlite3_errmsg(*db));
		goto out;
	}
	for (i = 0; i < nids; i++) {
		int rc;

		sqlite3_bind_int64(st, 1, ids[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW) {
			if (rc == SQLITE_DONE) {
				error("no capture %" PRId64 " in '%s'", ids[i], source);
				cmd_hint_captures(source);
			} else {
				error("cannot read '%s': %s", source, sqlite3_errmsg(*db));
			}
			goto out;
		}
	}
	if (db_copy_captures(source, ids, nids, NULL, &copy, &err) < 0) {
		error("cannot copy the captures of '%s': %s", source, err);
		goto out;
	}
	db_close(*db);
	*db = copy;
	ret = EXIT_OK;
out:
	sqlite3_finalize(st);
	free(err);
	return ret;
}

int sql_run(const char *source, const struct source_opts *so, const int64_t *ids,
	    size_t nids, const char *query, enum sql_format fmt)
{
	struct load_stats stats;
	sqlite3 *db = NULL;
	bool loaded;
	char *err = NULL;
	int werr = 0, nstatements = 0, ret = EXIT_FATAL;

	if (source_open(source, so, &db, &loaded, &stats, &err) < 0) {
		error("%s", err);
		goto out;
	}
	if (nids && loaded) {
		error("--capture picks captures of a database: '%s' is a capture; "
		      "load it, or leave --capture out", source);
		ret = EXIT_USAGE;
		goto out;
	}
	if (nids && (ret = sql_captures(source, ids, nids, &db)) != EXIT_OK)
		goto out;
	if (loaded && stats.problems)
		warning("%llu problems loading '%s' (see the load_problems view)",
			(unsigned long long)stats.problems, source);
	ret = run_query(db, query, fmt, so->writable, &werr, &nstatements);
	/*
	 * A reader that closed the pipe (EPIPE; SIGPIPE is ignored in main.c)
	 * took what it wanted: stop quietly, with the status so far.
	 */
	if (fflush(stdout) != 0)
		werr = errno;
	else if (ferror(stdout) && !werr)
		werr = EIO;
	if (werr && werr != EPIPE) {
		error("cannot write 'standard output': %s", strerror(werr));
		ret = EXIT_FATAL;
	}
	if (!nstatements && ret == EXIT_OK) {
		error("no SQL statement in the query; see 'memsnap sql --help'");
		ret = EXIT_USAGE;
	}
out:
	db_close(db);
	free(err);
	return ret;
}
