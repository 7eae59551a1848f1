/* SPDX-License-Identifier: MIT */
/*
 * What the collector says of the capture, and which capture it is:
 * manifest.json into the capture row and collect_problem, the list of the
 * capture's files (capture_file_data), and the capture's identity: the key
 * that makes loading it twice a no-op, and replacing an incomplete load of
 * it (schema/10-tables.sql).
 */
#include "analyze/load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/capture/manifest.h"
#include "analyze/db/db.h"
#include "common/hash.h"

#include "common/banned.h"

/*
 * Delete every row of capture id, in the open savepoint.  The loading
 * connection runs with foreign keys off (cmd_load.c), so ON DELETE CASCADE
 * does not fire: every table with a capture_id column is emptied by hand.
 */
static int delete_capture(struct loader *l, int64_t id)
{
	sqlite3_stmt *tables = db_prepare(l->db,
		"SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p "
		"WHERE m.type = 'table' AND p.name = 'capture_id' AND m.name != 'capture'");
	struct strbuf sql = STRBUF_INIT;
	int r = 0;

	while (r == 0 && sqlite3_step(tables) == SQLITE_ROW) {
		strbuf_reset(&sql);
		strbuf_addf(&sql, "DELETE FROM \"%s\" WHERE capture_id = %lld",
			    (const char *)sqlite3_column_text(tables, 0), (long long)id);
		r = db_exec(l->db, sql.buf, NULL);
	}
	strbuf_reset(&sql);
	strbuf_addf(&sql, "DELETE FROM capture WHERE capture_id = %lld", (long long)id);
	if (r == 0)
		r = db_exec(l->db, sql.buf, NULL);
	strbuf_release(&sql);
	sqlite3_finalize(tables);
	return r;
}

/* Delete the incomplete load id, for this one to replace; a failure is fatal. */
static void replace_capture(struct loader *l, int64_t id)
{
	if (delete_capture(l, id) < 0)
		err_set(&l->fatal, "cannot delete the incomplete load of capture_id "
			"%lld: %s", (long long)id, sqlite3_errmsg(l->db));
	else
		l->stats->replaced_id = id;
}

/*
 * Is the capture of this key already in the database?  A complete load makes
 * this one a duplicate (true); an incomplete one (a limit or a broken
 * archive cut it) is deleted, to be replaced by this load (false).
 */
static bool already_loaded(struct loader *l, const char *key)
{
	sqlite3_stmt *st = db_prepare(l->db,
		"SELECT capture_id, load_complete FROM capture "
		"WHERE capture_key = ? AND capture_id != ?");
	int64_t id = -1;
	bool complete = false;

	db_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, l->capture_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		complete = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	if (id < 0)
		return false;
	if (complete)
		return true;
	replace_capture(l, id);
	return l->fatal != NULL;
}

/*
 * An incomplete load that never read its manifest (a limit stopped before
 * it, or the capture has none), loaded again from the same source: its key
 * was made of the files read, so already_loaded() did not find it.
 */
static void drop_incomplete_namesake(struct loader *l)
{
	sqlite3_stmt *st = db_prepare(l->db,
		"SELECT o.capture_id FROM capture o, capture n WHERE n.capture_id = ? "
		"AND o.capture_id != n.capture_id AND o.load_complete = 0 AND "
		"o.manifest IS NULL AND o.name IS n.name AND o.source IS n.source");
	int64_t id = -1;

	sqlite3_bind_int64(st, 1, l->capture_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (id >= 0)
		replace_capture(l, id);
}

void load_manifest(struct loader *l, const struct file_in *f)
{
	struct parsed_file own, *pf;
	const struct manifest *m;
	struct strbuf key = STRBUF_INIT;
	char uid[17];
	sqlite3_stmt *st;
	int c = 1;

	if (l->have_manifest) {
		add_problem(l, f->path, "a second manifest, ignored");
		return;
	}
	/* parsed on the reader (1 M instructions, a collector's 50 KB), while the database opens */
	pf = parsed_get(f, PARSED_MANIFEST, &own);
	m = &pf->u.manifest;
	note_diag(l, f->path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	l->have_manifest = true;
	/* boot id + start on the monotonic clock identify one run on one node. */
	strbuf_addf(&key, "%s/%s/%.6f/%llu", m->hostname ? m->hostname : "?",
		    m->boot_id ? m->boot_id : "?",
		    m->started_monotonic_set ? m->started_monotonic : 0.0,
		    (unsigned long long)(m->collector_pid.set ? m->collector_pid.v : 0));
	if (already_loaded(l, key.buf)) {
		l->duplicate = true;
		goto out;
	}
	drop_incomplete_namesake(l);
	if (m->memory_root) {
		free(l->memory_root);
		l->memory_root = xstrdup(m->memory_root);
	}
	if (m->cgroup_mode) {
		free(l->cgroup_mode);
		l->cgroup_mode = xstrdup(m->cgroup_mode);
	}
	if (m->page_size.set && m->page_size.v >= 512 && m->page_size.v <= (1u << 24))
		l->page_size = m->page_size.v;
	capture_uid(m->hostname, key.buf, uid);
	st = rows_prepare(l->db, T_CAPTURE);   /* once a load: not kept */
	db_bind_text(st, c++, key.buf);
	db_bind_text(st, c++, uid);
	db_bind_text(st, c++, l->memory_root);
	db_bind_text_len(st, c++, f->buf, f->len);
	c = rows_bind(st, c, &row_specs[T_CAPTURE], m);
	sqlite3_bind_int64(st, c, l->capture_id);
	sqlite3_step(st);
	sqlite3_finalize(st);
	put_rows(l, T_COLLECT_PROBLEM, NULL, m->problems, m->nproblems,
		 sizeof(*m->problems));
out:
	strbuf_release(&key);
	parsed_put(pf, &own);
}

/*
 * Without a manifest first, the memory hierarchy's place is inferred from
 * the first cgroup file: v1 and hybrid keep it at sys/fs/cgroup/memory, v2
 * at sys/fs/cgroup.
 */
void guess_memory_root(struct loader *l, const char *path)
{
	if (l->memory_root)
		return;
	l->memory_root = xstrdup(starts_with(path, "sys/fs/cgroup/memory/") ?
				 "sys/fs/cgroup/memory" : "sys/fs/cgroup");
	add_problemf(l, path, "manifest.json missing or not first: the memory "
		     "hierarchy is assumed at '%s'", l->memory_root);
}

/*
 * A capture without a manifest has no identity but its folder name and its
 * files: one 64-bit FNV-1a of each file's path, size and bytes, summed so
 * that the order does not count (a folder is read sorted, an archive in its
 * own order, and both are the same capture).
 */
static uint64_t file_hash(const struct capture_file *f)
{
	unsigned char len[8];   /* the size, little-endian on every machine */
	uint64_t n = f->len;
	size_t i;

	for (i = 0; i < sizeof(len); i++, n >>= 8)
		len[i] = n & 0xff;
	return fnv1a_add(fnv1a_add(fnv1a(f->path, strlen(f->path)), len, sizeof(len)),
			 f->data, f->len);
}

/* Store the files listed so far as one row of capture_file_data. */
void flush_file_list(struct loader *l)
{
	sqlite3_stmt *st;

	if (!l->files_n)
		return;
	strbuf_addch(&l->files, '}');
	st = S(l, T_CAPTURE_FILE);
	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text_len(st, 2, l->files.buf, l->files.len);
	put_for(l, st, "(the list of the capture's files)");
	strbuf_reset(&l->files);
	l->files_n = 0;
}

#define FILE_LIST_CHUNK 1024

/* Every file read, whether a route takes it or not. */
void list_file(struct loader *l, const struct capture_file *f)
{
	if (l->raw) {
		strbuf_addch(&l->files, l->files_n ? ',' : '{');
		json_escape_bytes(&l->files, f->path, strlen(f->path));
		strbuf_addch(&l->files, ':');
		strbuf_add_u64(&l->files, f->len);
		if (++l->files_n == FILE_LIST_CHUNK)
			flush_file_list(l);
	}
	if (!l->have_manifest)
		l->content_hash += file_hash(f);
}

/*
 * After the last file, for a capture without a manifest: its identity from
 * its name and its files' contents.  Two captures of the same name are the
 * same only when their files are.  (A capture cut by a limit hashes other
 * files, so a later whole load of it is a second capture, not a
 * replacement: the incomplete one is then replaced by name and source.)
 */
void meta_finish(struct loader *l, const char *capture_name)
{
	struct strbuf key = STRBUF_INIT;
	const char *mode = l->saw_v2_files ? "v2" : l->saw_v1_files ? "v1" : NULL;
	sqlite3_stmt *st;
	char uid[17];

	if (l->have_manifest)
		return;
	strbuf_addf(&key, "name/%s/%016llx", capture_name,
		    (unsigned long long)l->content_hash);
	if (already_loaded(l, key.buf)) {
		l->duplicate = true;
	} else {
		drop_incomplete_namesake(l);
		add_problem(l, "manifest.json", "missing: the capture's time, "
			    "host and kernel are unknown");
		capture_uid(NULL, key.buf, uid);
		st = db_prepare(l->db, "UPDATE capture SET capture_key = ?, "
				"cgroup_mode = ?, memory_root = ?, capture_uid = ? "
				"WHERE capture_id = ?");
		db_bind_text(st, 1, key.buf);
		db_bind_text(st, 2, mode);
		db_bind_text(st, 3, l->memory_root);
		db_bind_text(st, 4, uid);
		sqlite3_bind_int64(st, 5, l->capture_id);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	strbuf_release(&key);
}

bool capture_uid_valid(const char *uid)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (!((uid[i] >= '0' && uid[i] <= '9') || (uid[i] >= 'a' && uid[i] <= 'f')))
			return false;
	return uid[16] == '\0';
}

void capture_uid(const char *hostname, const char *capture_key, char ret[17])
{
	static const char tag[] = "memsnap-capture";
	uint64_t h = FNV1A_INIT;

	if (!hostname)
		hostname = "";
	h = fnv1a_add(h, tag, sizeof(tag));
	h = fnv1a_add(h, hostname, strlen(hostname) + 1);
	h = fnv1a_add(h, capture_key, strlen(capture_key) + 1);
	xsnprintf(ret, 17, "%016llx", (unsigned long long)h);
}
