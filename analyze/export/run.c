/* SPDX-License-Identifier: MIT */
/*
 * memsnap export's stage (run.h).  The columns and their types are the
 * declaration of schema/97-export.sql (analyze/export/export.h), after
 * capture_uid.
 */
#include "analyze/export/run.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "analyze/db/pool.h"
#include "analyze/export/export.h"
#include "analyze/export/parquet.h"
#include "common/util.h"
#include "reports/output.h"

#include "common/banned.h"

struct exporter {
	const struct export_decl *decl;
	const struct export_view **views;   /* the ones asked for */
	size_t nviews;
	enum export_format fmt;
	const char *dir;
	const volatile sig_atomic_t *stop;   /* export_run_opts.stop_signal */
	size_t worker;               /* its connection's (pool.h): its slot in temporaries[] */
	size_t *kept;                /* per capture of the SOURCE: files kept (WRITE_KEPT) */
	struct strbuf file, text;
	uint64_t files, rows, bytes;
};

/* A stop signal came: no file is begun after it (export_run_opts.stop_signal). */
static bool stopped(const struct exporter *e)
{
	return e->stop && *e->stop;
}

/*
 * The temporary file each worker is writing, for export_remove_temporaries()
 * to remove from a signal handler: a name is owned by whoever takes it out
 * of its slot (atomic_exchange()), so the handler never reads one the
 * worker has freed, nor a name half written (git's tempfile.c, which
 * removes its files on a signal, keeps a list the same way).  Lock-free
 * pointers: what a handler may touch.
 */
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "a signal handler takes the names");
static _Atomic(char *) temporaries[DB_POOL_THREADS];

void export_remove_temporaries(void)
{
	size_t i;

	for (i = 0; i < DB_POOL_THREADS; i++) {
		char *name = atomic_exchange(&temporaries[i], NULL);

		if (name)
			unlink(name);   /* ENOENT: renamed meanwhile, whole */
	}
}

/* mkdir -p of dir/a/b, as far as it goes; 0 or -errno. */
static int make_dirs(struct strbuf *path)
{
	size_t i;

	for (i = 1; i <= path->len; i++) {
		char c = i < path->len ? path->buf[i] : '/';

		if (c != '/')
			continue;
		path->buf[i] = '\0';
		if (mkdir(path->buf, 0777) < 0 && errno != EEXIST) {
			int e = -errno;

			if (i < path->len)
				path->buf[i] = '/';
			return e;
		}
		if (i < path->len)
			path->buf[i] = '/';
	}
	return 0;
}

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double:
 * what a JSON reader parses is exactly the value SQLite holds. */
static void json_double(struct jsonw *w, double v, struct strbuf *tmp)
{
	int prec;

	if (!isfinite(v)) {
		jsonw_null(w);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		strbuf_reset(tmp);
		strbuf_addf(tmp, "%.*g", prec, v);
		if (strtod(tmp->buf, NULL) == v)
			break;
	}
	jsonw_raw(w, tmp->buf, tmp->len);
}

static const char *type_name(int t)
{
	return t == SQLITE_INTEGER ? "an integer" : t == SQLITE_FLOAT ? "a float" :
	       t == SQLITE_TEXT ? "text" : t == SQLITE_BLOB ? "a blob" : "NULL";
}

/*
 * The value of column c of the row, checked against its declaration:
 * NULL in a not-null column, text or a float in an integer column, text in
 * a float column are errors (said, and the view of that capture is left
 * out).  0 or -1.
 */
static int check_value(sqlite3_stmt *st, int c, const struct export_view *v,
		       const char *uid)
{
	const struct export_column *col = &v->cols[c];
	int t = sqlite3_column_type(st, c);
	bool ok;

	if (t == SQLITE_NULL)
		ok = !col->not_null;
	else if (col->type == EXPORT_INTEGER)
		ok = t == SQLITE_INTEGER;
	else if (col->type == EXPORT_FLOAT)
		ok = t == SQLITE_INTEGER || t == SQLITE_FLOAT;
	else
		ok = true;
	if (!ok)
		error("view '%s' of capture %s: column '%s' holds %s, declared %s%s "
		      "in schema/97-export.sql, skipping", v->name, uid, col->name,
		      type_name(t), col->type == EXPORT_INTEGER ? "integer" :
		      col->type == EXPORT_FLOAT ? "float" : "text",
		      col->not_null ? " not null" : "");
	return ok ? 0 : -1;
}

static void text_of(struct exporter *e, sqlite3_stmt *st, int c)
{
	strbuf_reset(&e->text);
	if (sqlite3_column_type(st, c) == SQLITE_BLOB)
		export_text(&e->text, sqlite3_column_blob(st, c),
			    (size_t)sqlite3_column_bytes(st, c));
	else
		export_text(&e->text, (const char *)sqlite3_column_text(st, c),
			    (size_t)sqlite3_column_bytes(st, c));
}

static void row_parquet(struct exporter *e, struct pq_writer *w,
			sqlite3_stmt *st, const struct export_view *v,
			const char *uid)
{
	size_t c;

	pq_string(w, 0, uid, 16);
	for (c = 0; c < v->ncols; c++) {
		if (sqlite3_column_type(st, (int)c) == SQLITE_NULL) {
			pq_null(w, c + 1);
			continue;
		}
		switch (v->cols[c].type) {
		case EXPORT_INTEGER:
			pq_i64(w, c + 1, sqlite3_column_int64(st, (int)c));
			break;
		case EXPORT_FLOAT:
			pq_double(w, c + 1, sqlite3_column_double(st, (int)c));
			break;
		case EXPORT_TEXT:
			text_of(e, st, (int)c);
			pq_string(w, c + 1, e->text.buf, e->text.len);
			break;
		}
	}
}

static void row_ndjson(struct exporter *e, sqlite3_stmt *st,
		       const struct export_view *v, const char *uid)
{
	struct jsonw jw, *w = &jw;
	size_t c;

	jsonw_init(w, &e->file, false);   /* a writer a line: no comma between */
	jsonw_start_object(w);
	jsonw_kv_string(w, EXPORT_UID_COLUMN, uid);
	for (c = 0; c < v->ncols; c++) {
		jsonw_name(w, v->cols[c].name);
		if (sqlite3_column_type(st, (int)c) == SQLITE_NULL) {
			jsonw_null(w);
			continue;
		}
		switch (v->cols[c].type) {
		case EXPORT_INTEGER:
			jsonw_i64(w, sqlite3_column_int64(st, (int)c));
			break;
		case EXPORT_FLOAT:
			json_double(w, sqlite3_column_double(st, (int)c), &e->text);
			break;
		case EXPORT_TEXT:
			/* json_escape() makes it valid text as export_text() does */
			if (sqlite3_column_type(st, (int)c) == SQLITE_BLOB)
				jsonw_string_len(w, sqlite3_column_blob(st, (int)c),
						 (size_t)sqlite3_column_bytes(st, (int)c));
			else
				jsonw_string_len(w, (const char *)sqlite3_column_text(st, (int)c),
						 (size_t)sqlite3_column_bytes(st, (int)c));
			break;
		}
	}
	jsonw_end_object(w);
	strbuf_addch(w->out, '\n');
}

/* A capture of the SOURCE being exported: what its files are named by. */
struct export_capture {
	sqlite3_int64 id;
	char uid[17], date[11];
	bool complete;   /* not cut by a limit or a broken archive (capture.load_complete) */
};

/*
 * tmp to final.  A complete capture's file replaces what is there
 * (rename()); an incomplete one's never does, as `memsnap load` never
 * lets an incomplete load replace a complete one: under the same
 * capture_uid, a cut export into a DIR that held the whole capture once
 * wrote over its files without a word.  renameat2(RENAME_NOREPLACE);
 * where the file system lacks the flag (EINVAL: NFS, some FUSE) or the
 * kernel the call (ENOSYS), link() then unlink(); where it has no hard
 * links either (EPERM: vfat; EOPNOTSUPP), a look then rename(), which
 * replaces what another export puts there between the two.  0, 1 when
 * final is there (tmp left to the caller), or -errno.
 */
static int publish(const char *tmp, const char *final, bool replace)
{
	struct stat st;
	int r;

	if (replace) {
		r = rename(tmp, final);
	} else {
		r = renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE);
		if (r < 0 && (errno == EINVAL || errno == ENOSYS)) {
			r = link(tmp, final);
			if (r == 0)
				unlink(tmp);
		}
		if (r < 0 && (errno == EPERM || errno == EOPNOTSUPP)) {
			if (lstat(final, &st) == 0)
				errno = EEXIST;   /* r stays -1: kept */
			else if (errno == ENOENT)
				r = rename(tmp, final);
		}
	}
	return r == 0 ? 0 : !replace && errno == EEXIST ? 1 : -errno;
}

/* What write_aside() did. */
enum write_result {
	WRITE_FAILED = -1,   /* said */
	WRITTEN,
	WRITE_STOPPED,       /* not begun: a stop signal came */
	WRITE_KEPT,          /* of an incomplete capture: a file was there (publish()) */
};

/* Write e->file to DIR/VIEW/date=DATE/UID.EXT through a temporary name. */
static enum write_result write_aside(struct exporter *e, const char *view,
				     const struct export_capture *cap)
{
	const char *uid = cap->uid;
	const char *ext = e->fmt == EXPORT_PARQUET ? "parquet" : "ndjson";
	struct strbuf dir = STRBUF_INIT, name = STRBUF_INIT, final = STRBUF_INIT;
	_Atomic(char *) *slot = &temporaries[e->worker];
	enum write_result ret = WRITE_FAILED;
	char *tmp;
	int fd = -1, r;

	strbuf_addf(&dir, "%s/%s/date=%s", e->dir, view, cap->date);
	r = make_dirs(&dir);
	if (r < 0) {
		error("cannot make '%s': %s", dir.buf, strerror(-r));
		goto out;
	}
	/*
	 * A dot first: readers globbing *.parquet skip a file being written.
	 * The pid in it, and O_EXCL: two exports into one DIR (of one capture
	 * from two SOURCEs) once shared the name, and one's O_TRUNC under the
	 * other's write left a file of both under the final name, or the
	 * rename failed; and a name there before (a symlink) was written
	 * through.  Ours from a process of our pid that was killed is stale.
	 *
	 * In temporaries[] from before it exists until it is gone, for a
	 * second stop signal to remove; and not begun once a first came
	 * (looked at after the name is there: a worker that passed the look
	 * before the first signal has its name seen by the second's
	 * handler).  What is left: the file of a worker that opens it in the
	 * microseconds between the second signal's removal and the end, when
	 * both come at once.
	 */
	strbuf_addf(&name, "%s/.%s.%s.%ld.tmp", dir.buf, uid, ext, (long)getpid());
	tmp = strbuf_detach(&name, NULL);
	strbuf_addf(&final, "%s/%s.%s", dir.buf, uid, ext);
	atomic_store(slot, tmp);
	if (stopped(e)) {
		ret = WRITE_STOPPED;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		error("cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	r = write_all(fd, e->file.buf, e->file.len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	fd = -1;
	if (r < 0) {
		error("cannot write '%s': %s", tmp, strerror(-r));
		unlink(tmp);
		goto out;
	}
	r = publish(tmp, final.buf, cap->complete);
	if (r < 0) {
		error("cannot rename '%s' to '%s': %s", tmp, final.buf,
		      strerror(-r));
		unlink(tmp);
		goto out;
	}
	if (r > 0) {
		unlink(tmp);
		ret = WRITE_KEPT;
		goto out;
	}
	e->files++;
	e->bytes += e->file.len;
	ret = WRITTEN;
out:
	if (fd >= 0)
		close(fd);
	/* NULL: a signal handler took the name, and the process is ending */
	free(atomic_exchange(slot, NULL));
	strbuf_release(&dir);
	strbuf_release(&final);
	return ret;
}

/* A new file of view v in e->file (and *pw for Parquet). */
static void file_start(struct exporter *e, const struct export_view *v,
		       struct pq_column *pcols, struct pq_writer **pw)
{
	strbuf_reset(&e->file);
	if (e->fmt == EXPORT_PARQUET)
		*pw = pq_writer_new(pcols, v->ncols + 1, 0, "memsnap " MEMSNAP_VERSION);
}

/*
 * View v of every capture, one file each.  The view is read once, ordered
 * by every column (capture_id is the first: a capture's rows come
 * together, in the order they had alone), and the rows are split by
 * capture: one query, where one per capture (WHERE capture_id = ?) worked
 * out views that SQLite cannot narrow to a capture (aggregates, window
 * functions) over every capture, each time.  Returns 0, 1 when the view of
 * some capture was skipped (its values broke the declaration, or the
 * query failed: said), -1 when a file could not be written (said).  A
 * stop signal ends it between two files (stopped(): the caller's to say).
 */
static int export_view(struct exporter *e, sqlite3 *db,
		       const struct export_view *v,
		       const struct export_capture *caps, size_t ncaps)
{
	struct strbuf sql = STRBUF_INIT;
	struct pq_column *pcols = NULL;
	struct pq_writer *pw = NULL;
	sqlite3_stmt *st = NULL;
	size_t c, k;
	int rc = SQLITE_DONE, ret = 1;

	strbuf_addstr(&sql, "SELECT ");
	for (c = 0; c < v->ncols; c++)
		strbuf_addf(&sql, "%s\"%s\"", c ? ", " : "", v->cols[c].name);
	/* every column in the order: the same rows give the same bytes,
	 * whatever the database's storage order */
	strbuf_addf(&sql, " FROM \"%s\" ORDER BY ", v->name);
	for (c = 0; c < v->ncols; c++)
		strbuf_addf(&sql, "%s%zu", c ? ", " : "", c + 1);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		error("view '%s' in '%s': %s, skipping", v->name, db_name(db),
		      sqlite3_errmsg(db));
		goto out;
	}
	if (e->fmt == EXPORT_PARQUET) {
		pcols = xcalloc(v->ncols + 1, sizeof(*pcols));
		pcols[0] = (struct pq_column){ EXPORT_UID_COLUMN, PQ_STRING, true };
		for (c = 0; c < v->ncols; c++) {
			pcols[c + 1].name = v->cols[c].name;
			pcols[c + 1].type = v->cols[c].type == EXPORT_INTEGER ? PQ_INT64 :
					    v->cols[c].type == EXPORT_FLOAT ? PQ_DOUBLE :
					    PQ_STRING;
			pcols[c + 1].required = v->cols[c].not_null;
		}
	}
	ret = 0;
	rc = sqlite3_step(st);
	/* a stop signal: the file being written is finished, no other begun */
	for (k = 0; k < ncaps && (rc == SQLITE_ROW || rc == SQLITE_DONE) && !stopped(e);
	     k++) {
		const struct export_capture *cap = &caps[k];
		enum write_result w = WRITTEN;
		uint64_t rows = 0;
		bool bad = false;

		/* rows of a capture_id the capture table does not list */
		while (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) < cap->id)
			rc = sqlite3_step(st);
		file_start(e, v, pcols, &pw);
		for (; rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == cap->id;
		     rc = sqlite3_step(st)) {
			for (c = 0; !bad && c < v->ncols; c++)
				bad = check_value(st, (int)c, v, cap->uid) < 0;
			if (bad)
				continue;   /* to the next capture's rows */
			if (pw) {
				row_parquet(e, pw, st, v, cap->uid);
				bad = pq_end_row(pw) < 0;   /* cannot: checked above */
			} else {
				row_ndjson(e, st, v, cap->uid);
			}
			rows++;
		}
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			bad = true;
		} else if (!bad && pw && pq_finish(pw, &e->file) < 0) {
			error("view '%s' of capture %s: cannot compress, skipping",
			      v->name, cap->uid);
			bad = true;
		} else if (!bad) {
			w = write_aside(e, v->name, cap);
			if (w == WRITE_FAILED) {
				ret = -1;
				break;
			}
			if (w == WRITE_KEPT)
				e->kept[k]++;
		}
		if (bad)
			ret = 1;
		else if (w == WRITTEN)
			e->rows += rows;
		pq_writer_free(pw);
		pw = NULL;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		error("view '%s' in '%s': %s, skipping it from capture %s on",
		      v->name, db_name(db), sqlite3_errmsg(db),
		      k ? caps[k - 1].uid : "(none)");
		if (ret == 0)
			ret = 1;
	}
out:
	pq_writer_free(pw);
	free(pcols);
	sqlite3_finalize(st);
	strbuf_release(&sql);
	return ret;
}

/* "YYYY-MM-DD" of an ISO 8601 time, else "unknown" (never a path). */
static void capture_date(const char *started_at, char ret[11])
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	strlcpy_s(ret, "unknown", 11);
	if (!started_at || strlen(started_at) < 10)
		return;
	for (i = 0; i < 10; i++)
		if (shape[i] == 'd' ? (started_at[i] < '0' || started_at[i] > '9') :
		    started_at[i] != '-')
			return;
	memcpy(ret, started_at, 10);
	ret[10] = '\0';
}

/*
 * The captures of db, by capture_id, into *ret (*ret_n of them): 0, 1 when
 * a capture was left out (said), or -1 (said).  A capture_uid names files,
 * so one of another shape is left out, never put in a path: a database is
 * a file anyone may have written (memsnap sql --write), and
 * '/../../../../x' there once wrote DIR/../../x.parquet.
 */
static int read_captures(sqlite3 *db, const char *source,
			 struct export_capture **ret, size_t *ret_n)
{
	struct export_capture *caps = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *st;
	int rc, status = 0;

	/* load_complete 0: a limit or a broken archive cut the load; NULL is
	   a load under way, which no reader sees */
	st = db_prepare(db, "SELECT capture_id, coalesce(capture_uid, ''), started_at, "
			    "load_complete IS NOT 0 FROM capture ORDER BY capture_id");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *uid = (const char *)sqlite3_column_text(st, 1);

		if (!capture_uid_valid(uid)) {
			error("capture %lld of '%s': its capture_uid is not 16 hex "
			      "digits, skipping", (long long)sqlite3_column_int64(st, 0),
			      source);
			status = 1;
			continue;
		}
		ALLOC_GROW(caps, n + 1, alloc);
		caps[n].id = sqlite3_column_int64(st, 0);
		strlcpy_s(caps[n].uid, uid, sizeof(caps[n].uid));
		capture_date((const char *)sqlite3_column_text(st, 2), caps[n].date);
		caps[n].complete = sqlite3_column_int(st, 3) != 0;
		n++;
	}
	if (rc != SQLITE_DONE) {
		error("cannot read the captures of '%s': %s", source,
		      sqlite3_errmsg(db));
		status = -1;
	}
	sqlite3_finalize(st);
	*ret = caps;
	*ret_n = n;
	return status;
}

/*
 * What the connections of one SOURCE share (analyze/db/pool.h): a view a
 * task, each connection with its own buffers and counts (a copy of the
 * exporter).  A database file is read by DB_POOL_THREADS connections at
 * once (the views are independent, and most of the time is SQLite's); a
 * capture loaded into memory by the one that loaded it.
 */
struct export_shared {
	struct exporter wk[DB_POOL_THREADS];   /* a copy each: file, text, counts */
	const struct export_capture *caps;
	size_t ncaps;
	const char *source;
	bool quiet;
	pthread_mutex_t lock;
	size_t done;               /* views exported */
	int ret;                   /* the exit status so far */
};

/*
 * One view (db_task_fn); -1 stops the others once a file cannot be
 * written, or once a stop signal came (the pool hands no view out after
 * it; a view it cut short has no progress line).
 */
static int export_task(void *arg, sqlite3 *db, size_t worker, size_t i)
{
	struct export_shared *sh = arg;
	struct exporter *e = &sh->wk[worker];
	uint64_t rows0 = e->rows;
	int r = 0;

	if (!stopped(e))
		r = export_view(e, db, e->views[i], sh->caps, sh->ncaps);
	pthread_mutex_lock(&sh->lock);
	if (r < 0)
		sh->ret = EXIT_FATAL;
	else if (r > 0 && sh->ret == EXIT_OK)
		sh->ret = EXIT_PROBLEMS;
	sh->done++;
	if (!sh->quiet && !stopped(e))
		fprintf(stderr, "[%zu/%zu] %s: %s of %zu captures, %llu rows\n",
			sh->done, e->nviews, sh->source, e->views[i]->name,
			sh->ncaps, (unsigned long long)(e->rows - rows0));
	pthread_mutex_unlock(&sh->lock);
	return r < 0 || stopped(e) ? -1 : 0;
}

/*
 * A warning for each incomplete capture of the run whose files were kept
 * (WRITE_KEPT), one for all its views; whether there was one.
 */
static bool say_kept(const struct export_shared *sh, const char *dir)
{
	bool any = false;
	size_t i, k;

	for (k = 0; k < sh->ncaps; k++) {
		size_t n = 0;

		for (i = 0; i < DB_POOL_THREADS; i++)
			n += sh->wk[i].kept[k];
		if (!n)
			continue;
		warning("capture %s of '%s' is incomplete (a limit or a broken "
			"archive cut its load): not replacing its %zu file%s "
			"already under '%s'", sh->caps[k].uid, sh->source, n,
			n == 1 ? "" : "s", dir);
		any = true;
	}
	return any;
}

/*
 * Every capture of one opened SOURCE, a view at a time; loaded: db holds
 * a capture loaded into memory (no second connection can read it).
 * Returns the exit status so far.
 *
 * The captures are listed inside the read transaction every view is read
 * in (db_pool_run() runs in the caller's, pool.h): a capture's files are
 * named by what the listing said (capture_id, capture_uid, date) and
 * filled with the rows of that capture_id, so the two must be one state
 * of the file.  A `memsnap load` that replaces a listed capture (loaded
 * again after a limit cut it: a new capture_id, the same uid) or deletes
 * one, committing between a listing in a transaction of its own and the
 * run's, left that capture's files empty without a word.  One transaction
 * over both: in rollback-journal mode the load's commit waits for the
 * export's end (the listing's read lock holds it off), in WAL mode the
 * export does not see it; the next export does (test_export_run.c).
 * A transaction db is already in is that one state.
 */
static int export_source(struct exporter *e, sqlite3 *db, const char *source,
			 bool loaded, const struct export_run_opts *o)
{
	struct export_shared sh = { .source = source, .quiet = o->quiet };
	struct export_capture *caps = NULL;
	struct db_pool pool;
	size_t i, ncaps = 0;
	char *err = NULL;
	bool txn = false, kept;
	int r, ret = EXIT_FATAL;

	if (sqlite3_get_autocommit(db)) {
		if (db_exec(db, "BEGIN", &err) < 0) {
			error("cannot read the captures of '%s': %s", source, err);
			goto out;
		}
		txn = true;
	}
	r = read_captures(db, source, &caps, &ncaps);
	if (r < 0)
		goto out;
	if (o->listed_hook)
		o->listed_hook(o->listed_arg, source);
	sh.caps = caps;
	sh.ncaps = ncaps;
	pthread_mutex_init(&sh.lock, NULL);
	for (i = 0; i < DB_POOL_THREADS; i++) {
		sh.wk[i] = *e;
		sh.wk[i].worker = i;
		sh.wk[i].kept = xcalloc(ncaps, sizeof(*sh.wk[i].kept));
		strbuf_init(&sh.wk[i].file, 0);
		strbuf_init(&sh.wk[i].text, 0);
		sh.wk[i].files = sh.wk[i].rows = sh.wk[i].bytes = 0;
	}
	db_pool_init(&pool);
	/* the other connections: a file only, and only with views to share */
	if (!loaded && e->nviews > 1)
		db_pool_open(&pool, source);
	db_pool_run(&pool, db, e->nviews, export_task, &sh);
	db_pool_close(&pool);
	kept = say_kept(&sh, e->dir);
	for (i = 0; i < DB_POOL_THREADS; i++) {
		e->files += sh.wk[i].files;
		e->rows += sh.wk[i].rows;
		e->bytes += sh.wk[i].bytes;
		free(sh.wk[i].kept);
		strbuf_release(&sh.wk[i].file);
		strbuf_release(&sh.wk[i].text);
	}
	pthread_mutex_destroy(&sh.lock);
	ret = sh.ret;
	if ((r > 0 || kept) && ret == EXIT_OK)
		ret = EXIT_PROBLEMS;
out:
	if (txn)
		db_read_end(db);
	free(err);
	free(caps);
	return ret;
}

/* The views o asks for into e->views: 0, or -1 when one is not a public
 * view of a capture (said). */
static int choose_views(struct exporter *e, const struct export_run_opts *o)
{
	size_t i, j;

	e->views = xcalloc(e->decl->nviews, sizeof(*e->views));
	for (i = 0; i < o->nviews; i++) {
		const struct export_view *v = export_decl_find(e->decl, o->views[i]);

		if (!v || !v->per_capture)
			return error("'%s' is not a public view of a capture; see 'memsnap "
				     "schema' (table public_columns)", o->views[i]);
		for (j = 0; j < e->nviews && e->views[j] != v; j++)
			;
		if (j == e->nviews)
			e->views[e->nviews++] = v;
	}
	for (i = 0; !o->nviews && i < e->decl->nviews; i++)
		if (e->decl->views[i].per_capture)
			e->views[e->nviews++] = &e->decl->views[i];
	return 0;
}

/*
 * Every SOURCE in turn; the exit status.  A stop signal ends it between
 * two files: what is written is whole and stays (nothing half written is
 * left, write_aside()), said, status 1 as for memsnap-collect's
 * interrupted capture: the command ran and its output is short.
 */
static int export_sources(struct exporter *e, const struct export_run_opts *o,
			  char **sources, size_t nsources)
{
	bool unreadable = false;
	size_t i;
	int ret = EXIT_OK;

	/* a DIR that cannot be written stops it; a SOURCE that cannot be read
	   is said, and the others are still exported (status 3 all the same) */
	for (i = 0; i < nsources && ret != EXIT_FATAL && !stopped(e); i++) {
		struct load_stats stats;
		sqlite3 *db = NULL;
		char *err = NULL;
		bool loaded;
		int r;

		if (source_open(sources[i], &o->so, &db, &loaded, &stats, &err) < 0) {
			error("%s", err);
			free(err);
			unreadable = true;
			continue;
		}
		if (loaded && stats.problems && !o->quiet)
			warning("%llu problems loading '%s' (exported in the "
				"load_problems view)",
				(unsigned long long)stats.problems, sources[i]);
		r = export_source(e, db, sources[i], loaded, o);
		db_close(db);
		if (r > ret)
			ret = r;
	}
	if (stopped(e)) {
		/* said with --quiet too: the status is not 0 */
		warning("export interrupted (SIG%s): %llu rows in %llu whole files "
			"(%llu bytes) under '%s', the rest not exported; export "
			"again for it", sigabbrev_np(*e->stop),
			(unsigned long long)e->rows, (unsigned long long)e->files,
			(unsigned long long)e->bytes, e->dir);
		if (ret == EXIT_OK)
			ret = EXIT_PROBLEMS;
	} else if (!o->quiet && ret != EXIT_FATAL) {
		fprintf(stderr, "exported %llu rows into %llu files (%llu bytes) "
			"under '%s'\n", (unsigned long long)e->rows,
			(unsigned long long)e->files, (unsigned long long)e->bytes,
			e->dir);
	}
	return unreadable ? EXIT_FATAL : ret;
}

int export_run(const struct export_run_opts *o, char **sources, size_t nsources)
{
	struct exporter e = { 0 };
	struct export_decl decl = { 0 };
	struct strbuf out = STRBUF_INIT;
	char *err = NULL;
	int ret = EXIT_FATAL;

	e.fmt = o->fmt;
	e.dir = o->dir;
	e.stop = o->stop_signal;
	e.decl = &decl;
	if (export_decl_load(&decl, &err) < 0) {
		error("%s", err);
		goto out;
	}
	if (choose_views(&e, o) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (o->ddl) {
		export_ddl_clickhouse(e.views, e.nviews, o->database, o->cluster, &out);
		ret = report_write_output(NULL, &out) < 0 ? EXIT_FATAL : EXIT_OK;
		goto out;
	}
	ret = export_sources(&e, o, sources, nsources);
out:
	free(err);
	free(e.views);
	strbuf_release(&out);
	strbuf_release(&e.file);
	strbuf_release(&e.text);
	export_decl_free(&decl);
	return ret;
}
