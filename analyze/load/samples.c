/* SPDX-License-Identifier: MIT */
/*
 * Samples 2..N of a multi-sample capture (schema/capture.md section 6):
 * samples/index.tsv (sample_index), and of samples/<k>/<path> what the
 * series views read: a memory cgroup's memory.stat (cgroup_memstat_sample,
 * whose columns are cgroup_memstat's), its usage files
 * (cgroup_value_sample) and a process's status (proc_status_sample).  The
 * other files of a sample are only listed.  Tables: schema/36-samples.sql;
 * views: schema/99-samples.sql.
 */
#include "analyze/load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"
#include "analyze/parse/samples.h"
#include "analyze/parse/status_sample.h"

#include "common/banned.h"

enum { ST_INDEX, ST_MEMSTAT, ST_VALUE, ST_STATUS, ST_PROC, ST_EVENT };

static sqlite3_stmt *memstat_stmt(struct loader *l)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st;
	char **names;
	size_t i, n;

	table_columns(l->db, "cgroup_memstat", 2, &names, &n);
	strbuf_addstr(&sb, "INSERT OR REPLACE INTO cgroup_memstat_sample(capture_id, cgroup");
	for (i = 0; i < n; i++)
		strbuf_addf(&sb, ", %s", names[i]);
	strbuf_addstr(&sb, ", sample) VALUES (?");
	for (i = 0; i < n + 2; i++)
		strbuf_addstr(&sb, ", ?");
	strbuf_addch(&sb, ')');
	st = db_prepare(l->db, sb.buf);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	strbuf_release(&sb);
	return st;
}

static sqlite3_stmt *stmt(struct loader *l, int which)
{
	static const char *const sql[] = {
		[ST_INDEX] = "INSERT OR REPLACE INTO sample_index(capture_id, sample, "
			"mono_ns, mono_end_ns, realtime, kind, trigger, status) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		[ST_VALUE] = "INSERT OR REPLACE INTO cgroup_value_sample(capture_id, "
			"sample, cgroup, file, value, unlimited) VALUES (?, ?, ?, ?, ?, ?)",
		[ST_STATUS] = "INSERT OR REPLACE INTO proc_status_sample(capture_id, "
			"sample, pid, comm, vm_rss, rss_anon, rss_file, rss_shmem, "
			"vm_swap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		[ST_PROC] = "INSERT OR IGNORE INTO cgroup_proc_sample(capture_id, "
			"sample, cgroup, pid) VALUES (?, ?, ?, ?)",
		[ST_EVENT] = "INSERT OR REPLACE INTO cgroup_event_sample(capture_id, "
			"sample, cgroup, key, value) VALUES (?, ?, ?, ?, ?)",
	};

	if (!l->sample_st[which])
		l->sample_st[which] = which == ST_MEMSTAT ? memstat_stmt(l)
							  : db_prepare(l->db, sql[which]);
	return l->sample_st[which];
}

static void load_index(struct loader *l, const char *path, const char *buf, size_t len)
{
	struct parse_diag d = { 0 };
	struct sample_index idx;
	sqlite3_stmt *st = stmt(l, ST_INDEX);
	size_t i;

	parse_sample_index(buf, len, &idx, &d);
	note_skipped(l, path, &d);
	for (i = 0; i < idx.n; i++) {
		const struct sample_row *r = &idx.v[i];

		sqlite3_bind_int64(st, 1, l->capture_id);
		db_bind_u64(st, 2, r->sample);
		db_bind_u64(st, 3, r->mono_ns);
		db_bind_u64(st, 4, r->mono_end_ns);
		db_bind_text(st, 5, r->realtime);
		db_bind_text(st, 6, r->kind);
		db_bind_text(st, 7, r->trigger);
		db_bind_text(st, 8, r->status);
		put(l, st);
	}
	sample_index_free(&idx);
}

static void load_cgroup_file(struct loader *l, int64_t sample, const char *path,
			     const char *cg, const char *name, const char *buf,
			     size_t len)
{
	struct parse_diag d = { 0 };
	sqlite3_stmt *st;
	int r;

	if (!strcmp(name, "memory.stat")) {
		struct kv_list kv = { 0 };

		r = parse_kv_list(buf, len, &kv, &d);
		note_diag(l, path, r, &d);
		if (r == 0) {
			st = stmt(l, ST_MEMSTAT);
			sqlite3_bind_int64(st, 1, l->capture_id);
			db_bind_text(st, 2, cg);
			sqlite3_bind_int64(st, (int)memstat_bind_keys(l, st, &kv) + 3,
					   sample);
			put(l, st);
		}
		kv_list_free(&kv);
	} else if (!strcmp(name, "memory.events")) {
		struct kv_list kv = { 0 };
		size_t i;

		r = parse_kv_list(buf, len, &kv, &d);
		note_diag(l, path, r, &d);
		for (i = 0; r == 0 && i < kv.n; i++) {
			st = stmt(l, ST_EVENT);
			sqlite3_bind_int64(st, 1, l->capture_id);
			sqlite3_bind_int64(st, 2, sample);
			db_bind_text(st, 3, cg);
			db_bind_text(st, 4, kv.v[i].key);
			db_bind_u64(st, 5, kv.v[i].value);
			put(l, st);
		}
		kv_list_free(&kv);
	} else if (!strcmp(name, "cgroup.procs")) {
		struct pid_list p = { 0 };
		size_t i;

		parse_pid_list(buf, len, &p, &d);
		note_skipped(l, path, &d);
		for (i = 0; i < p.n; i++) {
			st = stmt(l, ST_PROC);
			sqlite3_bind_int64(st, 1, l->capture_id);
			sqlite3_bind_int64(st, 2, sample);
			db_bind_text(st, 3, cg);
			sqlite3_bind_int64(st, 4, p.v[i]);
			put(l, st);
		}
		pid_list_free(&p);
	} else if (!strcmp(name, "memory.current") ||
		   !strcmp(name, "memory.usage_in_bytes") ||
		   !strcmp(name, "memory.kmem.usage_in_bytes") ||
		   !strcmp(name, "memory.swap.current")) {
		struct one_value v = { 0 };

		r = parse_one_value(buf, len, &v, &d);
		note_diag(l, path, r, &d);
		if (r == 0) {
			st = stmt(l, ST_VALUE);
			sqlite3_bind_int64(st, 1, l->capture_id);
			sqlite3_bind_int64(st, 2, sample);
			db_bind_text(st, 3, cg);
			db_bind_text(st, 4, name);
			if (!v.unlimited)
				db_bind_u64(st, 5, v.v);
			sqlite3_bind_int(st, 6, v.unlimited);
			put(l, st);
		}
	}
}

/*
 * The few keys by status_sample_parse(), without allocating: 59 of the 60
 * status files of each process in a 60-sample capture come here.  A file it
 * is not sure of goes through parse_status(), which says what is wrong.
 */
static void load_status_file(struct loader *l, int64_t sample, int64_t pid,
			     const char *path, const char *buf, size_t len)
{
	struct parse_diag d = { 0 };
	struct proc_status s = { 0 };
	struct status_sample f;
	sqlite3_stmt *st;
	int r;

	if (!status_sample_parse(buf, len, &f)) {
		r = parse_status(buf, len, &s, &d);
		note_diag(l, path, r, &d);
		if (r < 0)
			goto out;
		status_sample_of(&s, &f);
	}
	st = stmt(l, ST_STATUS);
	sqlite3_bind_int64(st, 1, l->capture_id);
	sqlite3_bind_int64(st, 2, sample);
	sqlite3_bind_int64(st, 3, pid);
	db_bind_text_len(st, 4, f.name, f.name_len);
	db_bind_kv(st, 5, f.vm_rss);
	db_bind_kv(st, 6, f.rss_anon);
	db_bind_kv(st, 7, f.rss_file);
	db_bind_kv(st, 8, f.rss_shmem);
	db_bind_kv(st, 9, f.vm_swap);
	put(l, st);
out:
	proc_status_free(&s);
}

/* samples/index.tsv, or samples/<k>/<the path of sample 1>. */
void load_sample_file(struct loader *l, const char *path, const char *buf, size_t len)
{
	const char *k = path + strlen("samples/"), *rest = strchr(k, '/');
	const char *slash, *q;
	uint64_t sample;
	size_t rl;

	if (!strcmp(k, "index.tsv")) {
		load_index(l, path, buf, len);
		return;
	}
	if (!rest || parse_u64(k, (size_t)(rest - k), &sample) < 0 || sample > INT64_MAX)
		return;
	rest++;
	if (starts_with(rest, "proc/")) {
		q = rest + 5;
		slash = strchr(q, '/');
		if (slash && !strcmp(slash, "/status")) {
			int64_t pid = parse_pid(q, (size_t)(slash - q));

			if (pid > 0)
				load_status_file(l, (int64_t)sample, pid, path, buf, len);
		}
		return;
	}
	if (!l->memory_root)
		return;
	rl = strlen(l->memory_root);
	slash = strrchr(rest, '/');
	if (!slash || strncmp(rest, l->memory_root, rl) || rest[rl] != '/')
		return;
	strbuf_reset(&l->tmp);
	if (slash == rest + rl)
		strbuf_addch(&l->tmp, '/');
	else
		strbuf_add(&l->tmp, rest + rl, (size_t)(slash - (rest + rl)));
	load_cgroup_file(l, (int64_t)sample, path, l->tmp.buf, slash + 1, buf, len);
}

/* After the last file: every later sample's cgroups, their files as one object. */
void samples_finish(struct loader *l)
{
	sqlite3_stmt *st = db_prepare(l->db,
		"INSERT INTO cgroup_file_sample(capture_id, sample, cgroup, files) "
		"SELECT capture_id, sample, cgroup, "
		"       json_group_object(file, json_array(value, unlimited)) "
		"       FILTER (WHERE file IS NOT NULL) "
		"FROM (SELECT capture_id, sample, cgroup, file, value, unlimited "
		"      FROM cgroup_value_sample WHERE capture_id = ?1 "
		"      UNION ALL SELECT capture_id, sample, cgroup, NULL, NULL, NULL "
		"      FROM cgroup_memstat_sample WHERE capture_id = ?1) "
		"GROUP BY capture_id, sample, cgroup");

	sqlite3_bind_int64(st, 1, l->capture_id);
	put_for(l, st, "samples/");
	sqlite3_finalize(st);
}

void samples_close(struct loader *l)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(l->sample_st); i++)
		sqlite3_finalize(l->sample_st[i]);
}
