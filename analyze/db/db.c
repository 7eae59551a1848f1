/* SPDX-License-Identifier: MIT */
#include "analyze/db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/db/blobs.h"
#include "analyze/parse/k8s.h"
#include "common/util.h"

#include "common/banned.h"

const char *db_schema_sql(void)
{
	return memsnap_schema_sql;
}

int db_exec(sqlite3 *db, const char *sql, char **ret_err)
{
	char *msg = NULL;
	int r = 0;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(ret_err, "%s", msg ? msg : sqlite3_errmsg(db));
		r = -1;
	}
	sqlite3_free(msg);
	return r;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(3, "BUG: cannot prepare '%s': %s", sql, sqlite3_errmsg(db));
	return st;
}

void db_values_sql(struct strbuf *sb, size_t nrows, size_t nparams,
		   bool skip_null)
{
	size_t r, i;

	strbuf_addstr(sb, skip_null ? " SELECT * FROM (VALUES " : " VALUES ");
	for (r = 0; r < nrows; r++) {
		strbuf_addstr(sb, r ? ",(" : "(");
		for (i = 0; i < nparams; i++)
			strbuf_addstr(sb, i ? ",?" : "?");
		strbuf_addch(sb, ')');
	}
	if (skip_null)
		strbuf_addstr(sb, ") WHERE column1 IS NOT NULL");
}

void db_bind_u64(sqlite3_stmt *st, int idx, uint64_t v)
{
	/* SQLite integers are signed 64-bit: larger values are not sizes. */
	if (v > (uint64_t)INT64_MAX)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_int64(st, idx, (sqlite3_int64)v);
}

void db_bind_kv(sqlite3_stmt *st, int idx, struct kv_u64 v)
{
	if (v.set)
		db_bind_u64(st, idx, v.v);
	else
		sqlite3_bind_null(st, idx);
}

void db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

void db_bind_text_len(sqlite3_stmt *st, int idx, const char *s, size_t len)
{
	if (s)
		sqlite3_bind_text(st, idx, s, (int)MIN(len, (size_t)INT32_MAX),
				  SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

void db_bind_double(sqlite3_stmt *st, int idx, double v, bool set)
{
	if (set)
		sqlite3_bind_double(st, idx, v);
	else
		sqlite3_bind_null(st, idx);
}

int db_step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The integer of the first row of a one-column query: 0, or -1. */
static int db_int_query(sqlite3 *db, const char *sql, int *ret)
{
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*ret = sqlite3_column_int(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static int db_user_version(sqlite3 *db, int *ret)
{
	return db_int_query(db, "PRAGMA user_version", ret);
}

static int db_table_count(sqlite3 *db, int *ret)
{
	return db_int_query(db, "SELECT count(*) FROM sqlite_master", ret);
}

/* ---- waiting for another process's lock ----------------------------------- */

/* Process-wide; a wait is a thread's own (export and report read on
 * several connections at once, analyze/db/pool.h). */
static double lock_timeout = DB_LOCK_TIMEOUT;
static __thread double lock_wait_start;
static atomic_bool lock_waited_out;

static double monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SQLite's busy handler: count is 0 on the first call of each wait. */
static int lock_wait(void *ud, int count)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	(void)ud;
	if (count == 0)
		lock_wait_start = monotonic_now();
	if (monotonic_now() - lock_wait_start >= lock_timeout) {
		lock_waited_out = true;
		return 0;
	}
	nanosleep(&pause, NULL);
	return 1;
}

void db_set_lock_timeout(double seconds)
{
	lock_timeout = seconds;
}

bool db_lock_waited_out(void)
{
	return lock_waited_out;
}

int db_read_lock(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	bool ok;

	if (!sqlite3_get_autocommit(db))
		return -1;   /* the caller's own transaction */
	sqlite3_busy_handler(db, NULL, NULL);
	ok = db_exec(db, "BEGIN", NULL) == 0 &&
	     sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &st, NULL) == SQLITE_OK &&
	     sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	st = NULL;
	ok = ok && sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	     sqlite3_step(st) == SQLITE_ROW && (mode = sqlite3_column_text(st, 0)) &&
	     strcmp((const char *)mode, "wal") != 0;
	sqlite3_finalize(st);
	sqlite3_busy_handler(db, lock_wait, NULL);
	if (!ok && !sqlite3_get_autocommit(db))
		db_exec(db, "ROLLBACK", NULL);
	return ok ? 0 : -1;
}

void db_read_end(sqlite3 *db)
{
	if (db_exec(db, "COMMIT", NULL) < 0)
		db_exec(db, "ROLLBACK", NULL);
}

const char *db_lock_hint(void)
{
	static char hint[160];

	if (!lock_waited_out)
		return "";
	xsnprintf(hint, sizeof(hint), " (another process, another memsnap load?, "
		  "has held its lock for more than %g s; --lock-timeout waits longer)",
		  lock_timeout);
	return hint;
}

/*
 * human_bytes(N) in SQL: the one size formatter (common/util.c), so the
 * findings' sentences and the report's tables spell a size alike.  An
 * unknown size (NULL, or text that is no number) is 'unknown', never
 * '0 B': printf('%.1f MiB', NULL) would say 0.0 MiB.
 */
static void sql_human_bytes(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_value *v = argv[0];
	char buf[32];
	double d;

	(void)argc;
	switch (sqlite3_value_numeric_type(v)) {
	case SQLITE_INTEGER:
		human_bytes_signed(sqlite3_value_int64(v), buf, sizeof(buf));
		break;
	case SQLITE_FLOAT:
		d = sqlite3_value_double(v);
		if (d > -9.2e18 && d < 9.2e18)
			human_bytes_signed((int64_t)(d < 0 ? d - 0.5 : d + 0.5), buf, sizeof(buf));
		else
			xsnprintf(buf, sizeof(buf), "unknown");
		break;
	default:
		xsnprintf(buf, sizeof(buf), "unknown");
		break;
	}
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/*
 * k8s_cgroup(PATH, FIELD) in SQL: the loader's reading of a cgroup path
 * (k8s_parse_cgroup_path(), cgroup_node's k8s_level, pod_uid and
 * container_id), for the cgroups only a later sample holds, which have no
 * cgroup_node row (schema/98-diff.sql).  FIELD is 'level', 'pod_uid' or
 * 'container_id'; NULL where the path has none, or for another FIELD.
 */
static void sql_k8s_cgroup(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *path = (const char *)sqlite3_value_text(argv[0]);
	const char *field = (const char *)sqlite3_value_text(argv[1]);
	const char *v = NULL;
	struct k8s_cgroup k;
	enum k8s_level lv;

	(void)argc;
	if (!path || !field) {
		sqlite3_result_null(ctx);
		return;
	}
	lv = k8s_parse_cgroup_path(path, &k);
	if (!strcmp(field, "level"))
		v = k8s_level_name(lv);
	else if (!strcmp(field, "pod_uid"))
		v = k.pod_uid;
	else if (!strcmp(field, "container_id"))
		v = k.container_id;
	if (v && *v)
		sqlite3_result_text(ctx, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

/*
 * SQLite's memory.  Debian's SQLite is built without lookaside memory
 * (SQLITE_OMIT_LOOKASIDE), so every node of every parse tree is a malloc()
 * and a free(): a sixth of a report's instructions, most of them in
 * preparing its queries.  Blocks of up to 1 KiB come from free lists, one
 * per 16-byte size, carved from 64 KiB chunks that are never given back (a
 * command's peak stays its own); larger ones from malloc().  The lists are
 * per thread, so no lock: a block freed by another thread than the one
 * that took it joins that thread's lists.  Each block has its usable size
 * in the 8 bytes before it.
 */
#define MEM_STEP 16
#define MEM_SMALL 2048                   /* the largest small block, header included */
#define MEM_CHUNK (64 * 1024)

struct mem_chunk {
	struct mem_chunk *next;          /* every chunk stays reachable */
	size_t pad;
};

static __thread void *mem_free[MEM_SMALL / MEM_STEP + 1];
static __thread char *mem_at, *mem_end;
/*
 * Every thread's chunks, in one list: a thread that ends (export's
 * connections) leaves its chunks reachable, not lost with its thread-local
 * variables (LeakSanitizer counted one 64 KiB chunk an ended thread).
 */
static pthread_mutex_t mem_chunks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mem_chunk *mem_chunks;

static void *mem_malloc(int n)
{
	size_t want = (size_t)(n > 0 ? n : 1) + 8, k;
	char *b;

	if (want > MEM_SMALL) {   /* 16 bytes before it: alignment */
		size_t total = (want + 8 + 15) & ~(size_t)15;

		b = malloc(total);
		if (!b)
			return NULL;
		*(size_t *)(b + 8) = total - 16;
		return b + 16;
	}
	k = (want + MEM_STEP - 1) / MEM_STEP;
	if (mem_free[k]) {
		b = mem_free[k];
		mem_free[k] = *(void **)b;
	} else {
		if ((size_t)(mem_end - mem_at) < k * MEM_STEP) {
			struct mem_chunk *c = malloc(MEM_CHUNK);

			if (!c)
				return NULL;
			pthread_mutex_lock(&mem_chunks_lock);
			c->next = mem_chunks;
			mem_chunks = c;
			pthread_mutex_unlock(&mem_chunks_lock);
			mem_at = (char *)(c + 1);
			mem_end = (char *)c + MEM_CHUNK;
		}
		b = mem_at;
		mem_at += k * MEM_STEP;
	}
	*(size_t *)b = k * MEM_STEP - 8;
	return b + 8;
}

static int mem_size(void *p)
{
	return p ? (int)((size_t *)p)[-1] : 0;
}

static void mem_release(void *p)
{
	size_t size;

	if (!p)
		return;
	size = ((size_t *)p)[-1];
	if (size + 8 > MEM_SMALL) {
		free((char *)p - 16);
	} else {
		char *b = (char *)p - 8;
		size_t k = (size + 8) / MEM_STEP;

		*(void **)b = mem_free[k];
		mem_free[k] = b;
	}
}

static void *mem_realloc(void *p, int n)
{
	void *q;

	if (p && n > 0 && (size_t)n <= ((size_t *)p)[-1])
		return p;
	q = mem_malloc(n);
	if (q && p) {
		memcpy(q, p, ((size_t *)p)[-1]);
		mem_release(p);
	}
	return q;
}

static int mem_roundup(int n)
{
	size_t want = (size_t)(n > 0 ? n : 1) + 8;

	return (int)(want > MEM_SMALL ? ((want + 8 + 15) & ~(size_t)15) - 16
				      : (want + MEM_STEP - 1) / MEM_STEP * MEM_STEP - 8);
}

static int mem_init(void *ud)
{
	(void)ud;
	return SQLITE_OK;
}

static void mem_shutdown(void *ud)
{
	(void)ud;
}

/*
 * Before SQLite's first use: no memory statistics (they take a global
 * lock on every allocation), and a connection is only ever used by the
 * thread that opened it (NOMUTEX below).  A tenth of a report.
 */
static void db_configure(void)
{
	static const sqlite3_mem_methods mem = {
		mem_malloc, mem_release, mem_realloc, mem_size, mem_roundup,
		mem_init, mem_shutdown, NULL,
	};

	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_MALLOC, &mem);
}

/*
 * A load that was stopped (SIGINT, a crash) leaves DB-journal hot: SQLite
 * rolls its capture back at the next read, but only on a connection that
 * can write, and a read-only one fails with SQLITE_READONLY_ROLLBACK
 * ("attempt to write a readonly database").  memsnap sql and report open
 * read-only, so a database was unreadable after a stopped load until the
 * next load.  Roll it back here, on a connection of its own that only
 * reads; 0, or -1 when the file cannot be written.
 */
static int roll_back_stopped_load(const char *path)
{
	sqlite3 *db = NULL;
	int r = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) == SQLITE_OK) {
		sqlite3_busy_handler(db, lock_wait, NULL);
		r = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
				 NULL) == SQLITE_OK ? 0 : -1;
	}
	sqlite3_close(db);
	return r;
}

/*
 * Why sqlite3_open_v2() failed, in *ret_err: SQLite says "unable to open
 * database file" whatever the cause; the system's errno says it ("Is a
 * directory": `-o /tmp`).  A file to create whose folder does not exist
 * names the folder; one in a folder that cannot be written has the errno
 * of SQLite's read-only retry, ENOENT: the folder's access says it.
 */
static void db_open_why(const char *path, int flags, sqlite3 *db, char **ret_err)
{
	int e = db ? sqlite3_system_errno(db) : ENOMEM;
	const char *slash = strrchr(path, '/');

	if (e == ENOENT && (flags & SQLITE_OPEN_CREATE)) {
		char *dir = slash == path ? xstrdup("/") :
			    slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
		struct stat st;

		if (stat(dir, &st) < 0)
			err_set(ret_err, "cannot create database '%s': no such folder '%s'",
				path, dir);
		else if (access(dir, W_OK | X_OK) < 0)
			err_set(ret_err, "cannot create database '%s': %s", path, strerror(errno));
		else
			err_set(ret_err, "cannot create database '%s': %s", path, strerror(e));
		free(dir);
	} else if (e) {
		err_set(ret_err, "cannot open database '%s': %s", path, strerror(e));
	} else {
		err_set(ret_err, "cannot open database '%s': %s", path, sqlite3_errmsg(db));
	}
}

/*
 * Open a connection, set what every connection needs, and read the schema
 * version and whether the file is empty.  -2 (no message) when a
 * read-only connection finds the journal of a stopped load.
 */
static int db_connect_once(const char *path, int flags, sqlite3 **ret, int *ret_version,
			   int *ret_ntables, char **ret_err)
{
	sqlite3 *db = NULL;
	int r = -1;

	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		db_open_why(path, flags, db, ret_err);
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_handler(db, lock_wait, NULL);
	sqlite3_create_function(db, "human_bytes", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_human_bytes, NULL, NULL);
	sqlite3_create_function(db, "k8s_cgroup", 2,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_k8s_cgroup, NULL, NULL);
	/* A connection setting, ignored inside a transaction: set it first. */
	db_exec(db, "PRAGMA foreign_keys = ON", NULL);
	if (db_user_version(db, ret_version) < 0 || db_table_count(db, ret_ntables) < 0) {
		/* a lock held past the wait is no sign of what the file is */
		if ((sqlite3_errcode(db) & 0xff) == SQLITE_BUSY) {
			err_set(ret_err, "cannot read database '%s': %s%s", path,
				sqlite3_errmsg(db), db_lock_hint());
		} else if (sqlite3_extended_errcode(db) == SQLITE_READONLY_ROLLBACK) {
			r = -2;
		} else {
			err_set(ret_err, "'%s' is not an SQLite database: %s", path,
				sqlite3_errmsg(db));
		}
		goto fail;
	}
	*ret = db;
	return 0;
fail:
	sqlite3_close(db);
	return r;
}

static int db_connect(const char *path, int flags, sqlite3 **ret, int *ret_version,
		      int *ret_ntables, char **ret_err)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	int r;

	/* once, whichever thread opens first (analyze/db/pool.h) */
	pthread_once(&configured, db_configure);
	r = db_connect_once(path, flags, ret, ret_version, ret_ntables, ret_err);
	if (r == -2 && roll_back_stopped_load(path) == 0)
		r = db_connect_once(path, flags, ret, ret_version, ret_ntables, ret_err);
	if (r == -2)
		err_set(ret_err, "cannot read database '%s': a load into it was "
			"stopped, and its journal '%s-journal' cannot be rolled back "
			"without writing: run memsnap load into it again", path, path);
	return r < 0 ? -1 : 0;
}

static int db_check_version(const char *path, int version, char **ret_err)
{
	if (version == DB_SCHEMA_VERSION)
		return 0;
	err_set(ret_err, "'%s' is not a memsnap database of schema version %d "
		"(user_version is %d): another memsnap made it; load its captures "
		"again into a new database", path, DB_SCHEMA_VERSION, version);
	return -1;
}

/* Two objects (type\nname\nsql\n) by name: "a\n" before "a_b\n", as SQLite sorts. */
static int object_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(strchr(x, '\n') + 1, strchr(y, '\n') + 1);
}

/*
 * Objects (db_schema_objects(): each ends in a NUL) as a vector of
 * pointers into them, sorted by name.
 */
static const char **objects_split(const char *p, size_t len, size_t *ret_n)
{
	const char **v = NULL, *end = p + len;
	size_t n = 0, alloc = 0;

	for (; p < end; p += strlen(p) + 1) {
		ALLOC_GROW(v, n + 1, alloc);
		v[n++] = p;
	}
	if (n)
		qsort(v, n, sizeof(*v), object_cmp);
	*ret_n = n;
	return v;
}

/* The name of an object line (type\nname\nsql\n), for messages. */
static void object_what(struct strbuf *sb, const char *o)
{
	const char *nl = strchr(o, '\n'), *nl2 = nl ? strchr(nl + 1, '\n') : NULL;

	strbuf_addf(sb, "%.*s '%.*s'", nl ? (int)(nl - o) : 0, o,
		    nl2 ? (int)MIN(nl2 - nl - 1, 64) : 0, nl ? nl + 1 : "");
}

/*
 * Is this database's schema the one memsnap writes?  Every table, view
 * and index of the built-in schema must be there with its exact CREATE
 * statement: a database whose report_capture view is another query (an
 * endless recursive CTE) was not written by memsnap and is refused.  A
 * user's own tables, views and indexes (memsnap sql --write) are allowed;
 * a trigger never is (it would run on a load's inserts).  The built-in
 * schema's objects were read at build time from the empty database
 * (schema.objects, analyze/db/image/mkimage.c): making them again at every
 * open took a twentieth of a report.  A database of the built-in schema
 * alone is told in one pass over its objects, compared in place: reading
 * them all into one string, sorted by name, was 1.5 M instructions a
 * connection, a tenth of reading the schema (callgrind).
 */
static int db_check_schema(sqlite3 *db, const char *path, char **ret_err)
{
	const char *objects = memsnap_schema_objects;
	size_t objects_len = (size_t)(memsnap_schema_objects_end - memsnap_schema_objects);
	const char **want = NULL, **have = NULL;
	size_t nwant = 0, nhave = 0, i = 0, j = 0, len = 0;
	struct strbuf why = STRBUF_INIT;
	char *own = NULL;
	int r = -1;

	if (db_schema_objects_same(db, objects, objects_len)) {
		r = 0;   /* the database memsnap made, no object added */
		goto out;
	}
	/* a schema memsnap cannot read is one of no objects: "... is missing" */
	db_schema_objects(db, &own, &len);
	want = objects_split(objects, objects_len, &nwant);
	have = own ? objects_split(own, len, &nhave) : NULL;
	/* both sorted by name: a merge */
	while (i < nwant && !why.len) {
		const char *w = strchr(want[i], '\n') + 1;
		const char *h = j < nhave ? strchr(have[j], '\n') + 1 : NULL;
		int cmp = h ? strcmp(h, w) : 1;
		size_t wl = (size_t)(strchr(w, '\n') - w);

		if (h && cmp < 0 && !starts_with(have[j], "trigger\n")) {
			j++;   /* an object of the user's */
		} else if (h && cmp < 0) {
			object_what(&why, have[j]);
			strbuf_addstr(&why, " is not memsnap's");
		} else if (h && !strncmp(h, w, wl) && h[wl] == '\n') {
			if (strcmp(have[j], want[i])) {
				object_what(&why, want[i]);
				strbuf_addstr(&why, " is not the one memsnap writes");
			}
			i++;
			j++;
		} else {
			object_what(&why, want[i]);
			strbuf_addstr(&why, " is missing");
		}
	}
	for (; j < nhave && !why.len; j++)
		if (starts_with(have[j], "trigger\n")) {
			object_what(&why, have[j]);
			strbuf_addstr(&why, " is not memsnap's");
		}
	if (why.len) {
		err_set(ret_err, "'%s' is not a database memsnap wrote: its %s; "
			"load the captures again into a new database", path, why.buf);
		goto out;
	}
	r = 0;
out:
	free(want);
	free(have);
	sqlite3_free(own);
	strbuf_release(&why);
	return r;
}

int db_captures_upto(sqlite3 *db, int limit)
{
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM (SELECT 1 FROM capture LIMIT ?)",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int(st, 1, limit);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

/* ---- a new database, from the image made at build time ---------------------- */

static size_t image_u32(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;

	return (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
}

/*
 * A built-in image of the empty database (schema.img, or schema.writer.img:
 * its size, then runs of bytes that are not zero, see
 * analyze/db/image/mkimage.c), a run at a time: *p starts at image_runs();
 * false after the last.
 */
struct image {
	const char *start, *end;
};

static const struct image image_whole = { memsnap_schema_img, memsnap_schema_img_end };
static const struct image image_writer = {
	memsnap_schema_writer_img, memsnap_schema_writer_img_end
};

static size_t image_size(const struct image *im)
{
	return image_u32(im->start);
}

static const char *image_runs(const struct image *im)
{
	return im->start + 4;
}

static bool image_next_run(const struct image *im, const char **p, size_t *ret_off,
			   const char **ret_data, size_t *ret_len)
{
	size_t size = image_size(im), off, len;

	if (*p + 8 > im->end || !(len = image_u32(*p + 4)))
		return false;
	off = image_u32(*p);
	if (off > size || len > size - off || len > (size_t)(im->end - *p - 8))
		die(3, "BUG: the built-in database image is damaged");
	*ret_off = off;
	*ret_data = *p + 8;
	*ret_len = len;
	*p += 8 + len;
	return true;
}

/*
 * The image in a new buffer of *ret_size bytes (free(); not SQLite's
 * memory, which configures SQLite before db_connect() does).
 */
static unsigned char *image_expand(const struct image *im, size_t *ret_size)
{
	const char *p = image_runs(im), *data;
	size_t size = image_size(im), off, len;
	unsigned char *buf = xcalloc(1, size);

	while (image_next_run(im, &p, &off, &data, &len))
		memcpy(buf + off, data, len);
	*ret_size = size;
	return buf;
}

/*
 * The image's runs written into fd at their offsets, the file made its
 * size: the zeros between them are holes.  A new database of 84 16 KiB
 * pages was 1.4 MiB copied twice (expanded, then into the page cache) and
 * 336 pages of memory faulted in, for 203 KB of bytes that are not zero in
 * 130 of the file's 4 KiB blocks (~0.5 ms of a 30 ms load, before the
 * writer takes its first file).  0, or -1.
 */
static int image_write(const struct image *im, int fd)
{
	const char *p = image_runs(im), *data;
	size_t off, len;

	while (image_next_run(im, &p, &off, &data, &len))
		if (pwrite_all(fd, data, len, (off_t)off) < 0)
			return -1;
	return ftruncate(fd, (off_t)image_size(im));
}

/*
 * Make the new file path from image im: written aside and linked in whole,
 * so that another load making the same file finds either no file or the
 * whole image (of the writer's, db_schema_complete() then puts the views
 * it leaves out back).  Executing the schema instead took a seventh of
 * loading a capture of 1,400 processes.  True if made; false if path is
 * there already, or anything fails (no hard links, a full disk): db_open()
 * then makes the schema as before, or says why it cannot.
 */
static bool image_create(const char *path, const struct image *im)
{
	struct strbuf tmp = STRBUF_INIT;
	bool made = false;
	int fd = -1;

	if (*path && strcmp(path, ":memory:") && access(path, F_OK) < 0 && errno == ENOENT) {
		strbuf_addf(&tmp, "%s.new-%ld", path, (long)getpid());
		fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd >= 0) {
		made = image_write(im, fd) == 0;
		made = !close(fd) && made && !link(tmp.buf, path);
		unlink(tmp.buf);
	}
	strbuf_release(&tmp);
	return made;
}

/*
 * The views the writer's image leaves out (schema.rest: a u32 rowid, then
 * name, tbl_name and sql, each NUL-ended; a rowid of 0 ends it) put back
 * into sqlite_master at their rowids, in one transaction: then the file
 * holds every object of the schema, in the order db_check_schema()
 * compares.  All or none: where some are there already (another load put
 * them back first: all of them; or a database of views dropped and made
 * again by hand), nothing is put back, and db_check_schema() says what is
 * wrong.  If they were put back, a view made and dropped in the same
 * transaction changes the schema cookie, so that another connection that
 * read the schema before reads it again; this one's stays the writer's,
 * which is all the loader prepares (its statements name only those
 * views), while every other connection reads the whole schema.  0 with
 * *ret_added the number put back (0 or all), or -1.
 */
static int db_schema_complete(sqlite3 *db, int *ret_added, char **ret_err)
{
	const char *p = memsnap_schema_rest, *end = memsnap_schema_rest_end;
	sqlite3_stmt *st = NULL;
	char *err = NULL;
	int added = 0, nrest = 0, r = -1;
	size_t rowid;

	if (db_exec(db, "BEGIN IMMEDIATE", &err) < 0)
		goto out;
	db_exec(db, "PRAGMA writable_schema = ON", NULL);
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO sqlite_master"
			       "(rowid, type, name, tbl_name, rootpage, sql) "
			       "VALUES (?, 'view', ?, ?, 0, ?)", -1, &st, NULL) != SQLITE_OK)
		goto rollback;
	while (p + 4 <= end && (rowid = image_u32(p))) {
		const char *name = p + 4, *tbl, *sql;

		/* each string ends before end (the blob's own NUL) */
		if (name >= end || (tbl = name + strlen(name) + 1) >= end ||
		    (sql = tbl + strlen(tbl) + 1) >= end)
			die(3, "BUG: the built-in schema's views are damaged");
		sqlite3_bind_int64(st, 1, (sqlite3_int64)rowid);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, tbl, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, sql, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto rollback;
		added += sqlite3_changes(db);
		nrest++;
		sqlite3_reset(st);
		p = sql + strlen(sql) + 1;
	}
	db_exec(db, "PRAGMA writable_schema = OFF", NULL);
	if (added && added != nrest) {
		added = 0;
		db_exec(db, "ROLLBACK", NULL);
	} else if ((added && (db_exec(db, "CREATE VIEW memsnap_schema_cookie AS SELECT 1", &err) < 0 ||
		       db_exec(db, "DROP VIEW memsnap_schema_cookie", &err) < 0)) ||
	    db_exec(db, "COMMIT", &err) < 0)
		goto rollback;
	*ret_added = added;
	r = 0;
	goto out;
rollback:
	if (!err)
		err = xstrdup(sqlite3_errmsg(db));
	db_exec(db, "PRAGMA writable_schema = OFF", NULL);
	db_exec(db, "ROLLBACK", NULL);
out:
	if (r < 0)
		err_set(ret_err, "%s", err ? err : sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(err);
	return r;
}

/* The image into db, an empty database in memory: a copy of its pages. */
static int image_restore(sqlite3 *db, char **ret_err)
{
	sqlite3 *src = NULL;
	sqlite3_backup *b = NULL;
	size_t size;
	unsigned char *buf = image_expand(&image_whole, &size);
	int rc;

	rc = sqlite3_open_v2(":memory:", &src, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_deserialize(src, "main", buf, (sqlite3_int64)size,
					 (sqlite3_int64)size, SQLITE_DESERIALIZE_READONLY);
	if (rc == SQLITE_OK) {
		b = sqlite3_backup_init(db, "main", src, "main");
		rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(db);
		if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_DONE)
			rc = sqlite3_errcode(db);
	}
	if (rc != SQLITE_DONE)
		err_set(ret_err, "cannot create the schema in memory: %s", sqlite3_errstr(rc));
	sqlite3_close(src);
	free(buf);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * db_check_schema(), and where it fails on a file a load left without the
 * views db_schema_complete() puts back (made from the writer's image by a
 * load stopped before it put them back, or read by this connection before
 * the load that made it did): those put back, by this connection or the
 * other load, the file opened again (the connection's schema is the one
 * it read first) and checked again.
 */
static int db_check_schema_or_complete(const char *path, int flags, sqlite3 **db,
				       char **ret_err)
{
	char *err = NULL;
	int added = 0, version = 0, ntables = 0, r = 0;

	if (db_check_schema(*db, path, &err) < 0) {
		r = -1;
		/* none put back: all there now (another load's), or refused */
		if (db_schema_complete(*db, &added, NULL) == 0) {
			sqlite3_close(*db);
			*db = NULL;
			r = db_connect(path, flags, db, &version, &ntables, &err) < 0 ? -1 :
			    db_check_schema(*db, path, &err);
		}
	}
	if (r < 0) {
		free(*ret_err);
		*ret_err = err;
	} else {
		free(err);
	}
	return r;
}

static int db_open_from(const char *path, bool create, const struct image *im,
			sqlite3 **ret, char **ret_err)
{
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	int version = 0, ntables = 0;
	sqlite3 *db = NULL;
	char buf[64], *err = NULL;
	bool made = create && image_create(path, im);
	int added = 0;

	if (db_connect(path, flags, &db, &version, &ntables, ret_err) < 0)
		return -1;
	/*
	 * No fsync for a new file's schema (four of them when executed): a
	 * crash leaves a file no load completed, as a crash during the load
	 * does, whose bulk writes are not synced either (many.c).
	 */
	if (made || (version == 0 && ntables == 0))
		db_exec(db, "PRAGMA synchronous=OFF", NULL);
	if (made && im == &image_writer && db_schema_complete(db, &added, &err) < 0) {
		err_set(ret_err, "cannot create the schema in '%s': %s%s", path, err,
			db_lock_hint());
		free(err);
		goto fail;
	}
	if (!made && version == 0 && ntables == 0) {
		/* the image's page size (DB_PAGE_SIZE): only possible before any table */
		xsnprintf(buf, sizeof(buf), "PRAGMA page_size=%d", DB_PAGE_SIZE);
		db_exec(db, buf, NULL);
		xsnprintf(buf, sizeof(buf), "PRAGMA user_version=%d", DB_SCHEMA_VERSION);
		/*
		 * Two loads may make one new database: the first to take the
		 * write lock makes the schema, the other waits for it
		 * (lock_wait) and finds it made.  COMMIT is where a full disk
		 * shows (/dev/full): name the file.  A database in memory is
		 * no other's: the image's copy.
		 */
		if (!strcmp(db_name(db), ":memory:")) {
			if (image_restore(db, ret_err) < 0)
				goto fail;
		} else if (db_exec(db, "BEGIN IMMEDIATE", &err) < 0 ||
		    db_user_version(db, &version) < 0 || db_table_count(db, &ntables) < 0 ||
		    (!version && !ntables &&
		     (db_exec(db, memsnap_schema_sql, &err) < 0 ||
		      db_exec(db, buf, &err) < 0)) ||
		    db_exec(db, "COMMIT", &err) < 0) {
			err_set(ret_err, "cannot create the schema in '%s': %s%s",
				path, err ? err : sqlite3_errmsg(db), db_lock_hint());
			free(err);
			goto fail;
		}
		made = !version && !ntables;
	}
	if (!made && (db_check_version(path, version, ret_err) < 0 ||
		      db_check_schema_or_complete(path, flags, &db, ret_err) < 0))
		goto fail;
	*ret = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

int db_open(const char *path, bool create, sqlite3 **ret, char **ret_err)
{
	return db_open_from(path, create, &image_whole, ret, ret_err);
}

int db_open_loader(const char *path, sqlite3 **ret, char **ret_err)
{
	return db_open_from(path, true, &image_writer, ret, ret_err);
}

int db_open_existing(const char *path, bool writable, sqlite3 **ret,
		     char **ret_err)
{
	int flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	int version = 0, ntables = 0;
	sqlite3 *db = NULL;

	if (db_connect(path, flags, &db, &version, &ntables, ret_err) < 0)
		return -1;
	if (db_check_version(path, version, ret_err) < 0 ||
	    db_check_schema(db, path, ret_err) < 0) {
		sqlite3_close(db);
		return -1;
	}
	*ret = db;
	return 0;
}

/* ---- the read-only guard -------------------------------------------------- */

/*
 * Pragmas that only read.  With `arg`, they take an argument that names
 * what to read (table_info(t)); the others read with no argument and set
 * a value with one (PRAGMA user_version = 3), which is refused.
 */
static const struct {
	const char *name;
	bool arg;
} read_pragmas[] = {
	{ "application_id", false }, { "auto_vacuum", false },
	{ "busy_timeout", false }, { "cache_size", false },
	{ "collation_list", false }, { "compile_options", false },
	{ "data_version", false }, { "database_list", false },
	{ "encoding", false }, { "foreign_key_check", true },
	{ "foreign_key_list", true }, { "foreign_keys", false },
	{ "freelist_count", false }, { "function_list", false },
	{ "index_info", true }, { "index_list", true }, { "index_xinfo", true },
	{ "integrity_check", true }, { "journal_mode", false },
	{ "module_list", false }, { "page_count", false }, { "page_size", false },
	{ "pragma_list", false }, { "quick_check", true },
	{ "schema_version", false }, { "table_info", true },
	{ "table_list", true }, { "table_xinfo", true },
	{ "user_version", false },
};

static int guard_pragma(struct db_guard *g, const char *name, const char *arg)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(read_pragmas); i++)
		if (!strcasecmp(name, read_pragmas[i].name) &&
		    (!arg || read_pragmas[i].arg)) {
			g->pragma_read = true;
			return SQLITE_OK;
		}
	xsnprintf(g->refused, sizeof(g->refused), "PRAGMA %.40s%s", name ? name : "?",
		  arg ? " with a value" : "");
	return SQLITE_DENY;
}

static int guard_authorize(void *ud, int action, const char *a, const char *b,
			   const char *db, const char *trigger)
{
	struct db_guard *g = ud;

	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_ATTACH:
		xsnprintf(g->refused, sizeof(g->refused), "ATTACH");
		return SQLITE_DENY;
	case SQLITE_REINDEX:
		xsnprintf(g->refused, sizeof(g->refused), "REINDEX");
		return SQLITE_DENY;
	case SQLITE_PRAGMA:
		return guard_pragma(g, a, b);
	case SQLITE_FUNCTION:
		if (b && !strcasecmp(b, "load_extension")) {
			xsnprintf(g->refused, sizeof(g->refused), "load_extension()");
			return SQLITE_DENY;
		}
		return SQLITE_OK;
	default:
		return SQLITE_OK;
	}
}

void db_guard_read_only(sqlite3 *db, struct db_guard *g)
{
	db_guard_reset(g);
	sqlite3_set_authorizer(db, guard_authorize, g);
}

void db_guard_reset(struct db_guard *g)
{
	g->refused[0] = '\0';
	g->pragma_read = false;
}

int db_guard_check(struct db_guard *g, sqlite3_stmt *st, const char **ret_what)
{
	const char *sql = st ? sqlite3_sql(st) : NULL;
	size_t n = 0;

	if (g->refused[0]) {
		*ret_what = g->refused;
		return -1;
	}
	if (!st || sqlite3_stmt_readonly(st) || g->pragma_read)
		return 0;
	/* the statement's first word names it: VACUUM, DELETE, CREATE, ... */
	while (sql && (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r'))
		sql++;
	while (sql && n < 20 && ((sql[n] >= 'a' && sql[n] <= 'z') ||
				 (sql[n] >= 'A' && sql[n] <= 'Z')))
		n++;
	if (n)
		xsnprintf(g->refused, sizeof(g->refused), "%.*s", (int)n, sql);
	else
		xsnprintf(g->refused, sizeof(g->refused), "a statement that writes");
	for (n = 0; sql && n < 20 && g->refused[n]; n++)
		if (g->refused[n] >= 'a' && g->refused[n] <= 'z')
			g->refused[n] = (char)(g->refused[n] - 'a' + 'A');
	*ret_what = g->refused;
	return -1;
}

/* ---- the time budget --------------------------------------------------------- */

static int deadline_progress(void *ud)
{
	struct db_deadline *d = ud;

	if (monotonic_now() < d->at)
		return 0;
	d->passed = true;
	return 1;   /* SQLITE_INTERRUPT */
}

void db_set_deadline(sqlite3 *db, struct db_deadline *d, double seconds)
{
	d->seconds = seconds;
	d->passed = false;
	d->at = seconds > 0 ? monotonic_now() + seconds : 0;
	db_add_deadline(db, d);
}

void db_add_deadline(sqlite3 *db, struct db_deadline *d)
{
	/* every 100,000 virtual machine steps: about a millisecond */
	sqlite3_progress_handler(db, d->at > 0 ? 100000 : 0,
				 d->at > 0 ? deadline_progress : NULL, d);
}

bool db_deadline_passed(const struct db_deadline *d)
{
	return d->passed;
}

const char *db_name(sqlite3 *db)
{
	const char *f = sqlite3_db_filename(db, "main");

	return f && *f ? f : ":memory:";
}

void db_close(sqlite3 *db)
{
	sqlite3_close(db);
}
