/* SPDX-License-Identifier: MIT */
/*
 * Samples 2..N of a multi-sample capture (schema/capture.md section 6):
 * samples/index.tsv (sample_index), and of samples/<k>/<path> (or the same
 * files in samples/<k>/pack-<n>) what the series views read: a memory
 * cgroup's memory.stat, usage files, memory.events and cgroup.procs, and a
 * process's status.  The other files of a sample are only listed.
 *
 * A later sample is mostly what the one before it was: on an idle node
 * nearly every status and cgroup is byte for byte the same.  So each
 * process (its status), each cgroup (its files above, as one) and each
 * cgroup's cgroup.procs is stored once per span of consecutive samples in
 * which its bytes did not change: rows valid from `sample` to `sample_last` (the *_span tables of
 * schema/36-samples.sql; the *_sample views give a row a sample, as
 * before).  The bytes of a span are parsed and stored when it ends: the
 * next sample holds other bytes, or is not the next sample, or the last
 * file was read.
 */
#include "analyze/load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/capture/capture.h"
#include "analyze/db/db.h"
#include "analyze/parse/samples.h"
#include "analyze/parse/status_sample.h"
#include "common/hash.h"
#include "common/hashmap.h"
#include "common/sample_pack.h"

#include "common/banned.h"

enum { ST_INDEX, ST_MEMSTAT, ST_VALUE, ST_STATUS, ST_PROC, ST_EVENT };

/*
 * A process or cgroup of the later samples: its span so far and the bytes
 * of the sample being read.  kind 'p' (key: the pid's digits), 'c' (key:
 * the cgroup: its files but cgroup.procs) or 'q' (the cgroup's
 * cgroup.procs).  A process's bytes are its status; a cgroup's are its
 * files as pack records (common/sample_pack.h) with their paths from the
 * sample's root, in the order read: in a pack they are compared as they
 * are, with no copy.
 */
struct span {
	char kind;
	char *key;
	size_t klen;
	size_t seq;                 /* its place in the touched list of the
				       sample it was last read in */
	int64_t first, last;        /* the span: its samples; first 0: none yet */
	int64_t in;                 /* the sample being read of it; 0: none */
	struct strbuf prev;         /* the span's bytes */
	/*
	 * This sample's bytes: while they are the first `same` bytes of prev,
	 * nothing is copied (most are); once they differ, in cur.
	 */
	size_t same;
	bool differs;
	struct strbuf cur;
};

struct sample_spans {
	struct hashmap map;         /* of all, by kind and key */
	struct span **all;          /* the map's entries */
	size_t aall;
	struct span **touched;      /* the spans of the sample being read */
	size_t ntouched, atouched;
	/*
	 * The previous sample's, in the order read: a sample lists the
	 * processes and cgroups in the order of the one before it, so the
	 * next one asked for is mostly before[next], found without hashing.
	 */
	struct span **before;
	size_t nbefore, abefore, next;
	int64_t sample;             /* the sample being read; 0: none */
	struct span *recent;        /* the last one asked for (a cgroup's files
				       come one after the other) */
};

static sqlite3_stmt *memstat_stmt(struct loader *l)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st;
	char **names;
	size_t i, n;

	table_columns(l->db, "cgroup_memstat", 2, &names, &n);
	strbuf_addstr(&sb, "INSERT OR REPLACE INTO cgroup_memstat_span(capture_id, cgroup");
	for (i = 0; i < n; i++)
		strbuf_addf(&sb, ", %s", names[i]);
	strbuf_addstr(&sb, ", sample, sample_last) VALUES (?");
	for (i = 0; i < n + 3; i++)
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
		[ST_VALUE] = "INSERT OR REPLACE INTO cgroup_value_span(capture_id, "
			"sample, sample_last, cgroup, file, value, unlimited) "
			"VALUES (?, ?, ?, ?, ?, ?, ?)",
		[ST_STATUS] = "INSERT OR REPLACE INTO proc_status_span(capture_id, "
			"sample, sample_last, pid, comm, vm_rss, rss_anon, rss_file, "
			"rss_shmem, vm_swap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		[ST_PROC] = "INSERT OR IGNORE INTO cgroup_proc_span(capture_id, "
			"sample, sample_last, cgroup, pid) VALUES (?, ?, ?, ?, ?)",
		[ST_EVENT] = "INSERT OR REPLACE INTO cgroup_event_span(capture_id, "
			"sample, sample_last, cgroup, key, value) VALUES (?, ?, ?, ?, ?, ?)",
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

/* A later sample's one-value files: cgroup_value_span's. */
static bool cgroup_value_file(const char *name, size_t n)
{
	return mem_is(name, n, "memory.current") ||
	       mem_is(name, n, "memory.usage_in_bytes") ||
	       mem_is(name, n, "memory.kmem.usage_in_bytes") ||
	       mem_is(name, n, "memory.swap.current");
}

/* A cgroup file of the span first..last; path: its first sample's. */
static void load_cgroup_file(struct loader *l, int64_t first, int64_t last,
			     const char *path, const char *cg, const char *name,
			     const char *buf, size_t len)
{
	struct parse_diag d = { 0 };
	sqlite3_stmt *st;
	int r;

	if (!strcmp(name, "memory.stat")) {
		struct kv_list kv = { 0 };

		r = parse_kv_list(buf, len, &kv, &d);
		note_diag(l, path, r, &d);
		if (r == 0) {
			int i;

			st = stmt(l, ST_MEMSTAT);
			sqlite3_bind_int64(st, 1, l->capture_id);
			db_bind_text(st, 2, cg);
			i = (int)memstat_bind_keys(l, st, &kv) + 3;
			sqlite3_bind_int64(st, i, first);
			sqlite3_bind_int64(st, i + 1, last);
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
			sqlite3_bind_int64(st, 2, first);
			sqlite3_bind_int64(st, 3, last);
			db_bind_text(st, 4, cg);
			db_bind_text(st, 5, kv.v[i].key);
			db_bind_u64(st, 6, kv.v[i].value);
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
			sqlite3_bind_int64(st, 2, first);
			sqlite3_bind_int64(st, 3, last);
			db_bind_text(st, 4, cg);
			sqlite3_bind_int64(st, 5, p.v[i]);
			put(l, st);
		}
		pid_list_free(&p);
	} else if (cgroup_value_file(name, strlen(name))) {
		struct one_value v = { 0 };

		r = parse_one_value(buf, len, &v, &d);
		note_diag(l, path, r, &d);
		if (r == 0) {
			st = stmt(l, ST_VALUE);
			sqlite3_bind_int64(st, 1, l->capture_id);
			sqlite3_bind_int64(st, 2, first);
			sqlite3_bind_int64(st, 3, last);
			db_bind_text(st, 4, cg);
			db_bind_text(st, 5, name);
			if (!v.unlimited)
				db_bind_u64(st, 6, v.v);
			sqlite3_bind_int(st, 7, v.unlimited);
			put(l, st);
		}
	}
}

/*
 * The few keys by status_sample_parse(), without allocating: 59 of the 60
 * status files of each process in a 60-sample capture come here.  A file it
 * is not sure of goes through parse_status(), which says what is wrong.
 */
static void load_status_file(struct loader *l, int64_t first, int64_t last,
			     int64_t pid, const char *path, const char *buf,
			     size_t len)
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
	sqlite3_bind_int64(st, 2, first);
	sqlite3_bind_int64(st, 3, last);
	sqlite3_bind_int64(st, 4, pid);
	db_bind_text_len(st, 5, f.name, f.name_len);
	db_bind_kv(st, 6, f.vm_rss);
	db_bind_kv(st, 7, f.rss_anon);
	db_bind_kv(st, 8, f.rss_file);
	db_bind_kv(st, 9, f.rss_shmem);
	db_bind_kv(st, 10, f.vm_swap);
	put(l, st);
out:
	proc_status_free(&s);
}

/* The files load_cgroup_file() reads of a later sample's cgroup: name[0..n). */
static bool cgroup_sample_file(const char *name, size_t n)
{
	return mem_is(name, n, "memory.stat") || mem_is(name, n, "memory.events") ||
	       mem_is(name, n, "cgroup.procs") || cgroup_value_file(name, n);
}

/* ---- spans ------------------------------------------------------------------ */

static bool span_is(const struct span *s, char kind, const char *key, size_t klen)
{
	return s->kind == kind && s->klen == klen && !memcmp(s->key, key, klen);
}

static struct span *span_get(struct sample_spans *sp, char kind, const char *key,
			     size_t klen)
{
	struct hashmap_probe p;
	size_t i;
	struct span *s = sp->recent;

	if (s && span_is(s, kind, key, klen))
		return s;
	if (sp->next < sp->nbefore && span_is(sp->before[sp->next], kind, key, klen))
		return sp->recent = sp->before[sp->next++];
	/*
	 * grown before the lookup, as this table always was: its slot order,
	 * samples_finish()'s, stays the one of the databases made before
	 */
	hashmap_reserve(&sp->map);
	p = hashmap_probe(&sp->map, fnv1a_add(fnv1a(&kind, 1), key, klen));
	while (hashmap_next(&sp->map, &p, &i)) {
		s = sp->all[i];
		if (span_is(s, kind, key, klen)) {
			/* the previous sample's order, from here on */
			if (s->seq < sp->nbefore && sp->before[s->seq] == s)
				sp->next = s->seq + 1;
			return sp->recent = s;
		}
	}
	s = xcalloc(1, sizeof(*s));
	s->kind = kind;
	s->key = xstrndup(key, klen);
	s->klen = klen;
	s->seq = SIZE_MAX;
	strbuf_init(&s->prev, 0);
	strbuf_init(&s->cur, 0);
	ALLOC_GROW(sp->all, sp->map.n + 1, sp->aall);
	sp->all[hashmap_put(&sp->map, &p)] = s;
	return sp->recent = s;
}

/* This sample's bytes of s start (again) empty. */
static void span_begin(struct span *s)
{
	s->same = 0;
	s->differs = false;
	strbuf_reset(&s->cur);
}

/* n more bytes of this sample's. */
static void span_add(struct span *s, const void *p, size_t n)
{
	if (!s->differs) {
		if (n <= s->prev.len - s->same && !memcmp(s->prev.buf + s->same, p, n)) {
			s->same += n;
			return;
		}
		s->differs = true;
		strbuf_add(&s->cur, s->prev.buf, s->same);
	}
	strbuf_add(&s->cur, p, n);
}

/* Its rows, from the span's bytes: the path of its first sample. */
static void span_store(struct loader *l, struct span *s)
{
	struct strbuf path = STRBUF_INIT;
	struct sample_pack_rec rec;
	size_t pos = 0, prefix;

	strbuf_addf(&path, "samples/%lld/", (long long)s->first);
	if (s->kind == 'p') {
		int64_t pid = parse_pid(s->key, s->klen);

		strbuf_addf(&path, "proc/%lld/status", (long long)pid);
		l->cur_path = path.buf;
		l->cur_failed = false;
		load_status_file(l, s->first, s->last, pid, path.buf, s->prev.buf,
				 s->prev.len);
	} else {
		prefix = path.len;
		while (sample_pack_next(s->prev.buf, s->prev.len, &pos, &rec) == 1) {
			const char *name;

			strbuf_setlen(&path, prefix);
			strbuf_add(&path, rec.path, rec.path_len);
			name = strrchr(path.buf, '/') + 1;
			l->cur_path = path.buf;
			l->cur_failed = false;
			load_cgroup_file(l, s->first, s->last, path.buf, s->key,
					 name, rec.data, rec.len);
		}
	}
	strbuf_release(&path);
}

/*
 * The sample being read is over: a process or cgroup whose bytes are the
 * previous sample's extends its span; any other ends its span (stored) and
 * starts one.  Its spans, in the order read, are the next sample's guess.
 */
static void spans_sample_end(struct loader *l, struct sample_spans *sp)
{
	struct span **t;
	size_t i;

	for (i = 0; i < sp->ntouched; i++) {
		struct span *s = sp->touched[i];
		struct strbuf b;

		if (s->first && s->last == sp->sample - 1 && !s->differs &&
		    s->same == s->prev.len) {
			s->last = sp->sample;
		} else {
			if (s->first)
				span_store(l, s);
			if (s->differs) {
				b = s->prev;
				s->prev = s->cur;
				s->cur = b;
			} else {
				strbuf_setlen(&s->prev, s->same);
			}
			s->first = s->last = sp->sample;
		}
		span_begin(s);
		s->in = 0;
	}
	t = sp->before;
	sp->before = sp->touched;
	sp->touched = t;
	sp->nbefore = sp->ntouched;
	sp->ntouched = 0;
	i = sp->abefore;
	sp->abefore = sp->atouched;
	sp->atouched = i;
	sp->next = 0;
}

/* The span of key, its bytes begun when it is new to `sample`. */
static struct span *span_of(struct loader *l, int64_t sample, char kind,
			    const char *key, size_t klen)
{
	struct sample_spans *sp = l->spans;
	struct span *s;

	if (!sp) {
		sp = l->spans = xcalloc(1, sizeof(*sp));
		hashmap_init(&sp->map, NULL, 1024);
	}
	if (sp->sample != sample) {
		spans_sample_end(l, sp);
		sp->sample = sample;
	}
	s = span_get(sp, kind, key, klen);
	if (s->in != sample) {
		span_begin(s);
		s->in = sample;
		s->seq = sp->ntouched;
		ALLOC_GROW(sp->touched, sp->ntouched + 1, sp->atouched);
		sp->touched[sp->ntouched++] = s;
	}
	return s;
}

/*
 * A file of sample k, path[0..plen) (as sample 1's, not NUL-terminated):
 * into its span's bytes.  rec[0..rlen): the file's record in its pack, or
 * NULL (an entry of layout 1: the record is made up of its parts).
 */
static void load_sample_rec(struct loader *l, int64_t sample, const char *path,
			    size_t plen, const char *buf, size_t len,
			    const char *rec, size_t rlen)
{
	const char *end = path + plen, *slash, *q;
	struct span *s;
	size_t rl;
	char kind;

	if (plen > 5 && !memcmp(path, "proc/", 5)) {
		q = path + 5;
		slash = memchr(q, '/', (size_t)(end - q));
		if (slash && end - slash == 7 && !memcmp(slash, "/status", 7) &&
		    parse_pid(q, (size_t)(slash - q)) > 0) {
			/* the status as it is (a second one replaces it) */
			s = span_of(l, sample, 'p', q, (size_t)(slash - q));
			span_begin(s);
			span_add(s, buf, len);
		}
		return;
	}
	if (!l->memory_root)
		return;
	rl = strlen(l->memory_root);
	slash = memrchr(path, '/', plen);
	if (!slash || plen <= rl || memcmp(path, l->memory_root, rl) || path[rl] != '/' ||
	    !cgroup_sample_file(slash + 1, (size_t)(end - slash - 1)))
		return;
	/* cgroup.procs changes when processes come and go, seldom: its own
	   spans ('q'), not stored again with every change of the sizes */
	kind = mem_is(slash + 1, (size_t)(end - slash - 1), "cgroup.procs") ? 'q' : 'c';
	if (slash == path + rl)
		s = span_of(l, sample, kind, "/", 1);
	else
		s = span_of(l, sample, kind, path + rl, (size_t)(slash - (path + rl)));
	if (rec) {
		span_add(s, rec, rlen);
	} else {
		char h[SAMPLE_PACK_HEADER_MAX];

		/* the file as a pack record (sample_pack_add()), piece by piece */
		span_add(s, h, sample_pack_header(h, plen, len));
		span_add(s, path, plen);
		span_add(s, buf, len);
		span_add(s, "\n", 1);
	}
}

/*
 * samples/<k>/pack-<n> (capture.md 6.1, layout 2): each of its files as if
 * it were its own entry samples/<k>/<path>, the layout of earlier
 * collectors.
 */
static void load_pack(struct loader *l, int64_t sample, const char *path,
		      const char *buf, size_t len)
{
	struct sample_pack_rec rec;
	size_t pos = 0, at;
	int r;

	for (at = pos; (r = sample_pack_next(buf, len, &pos, &rec)) == 1; at = pos) {
		/* a record's path is checked as an entry's would be; a path is
		   a node's: no NUL */
		const char *why = memchr(rec.path, '\0', rec.path_len) ?
				  "path with a NUL byte" :
				  capture_path_problem(rec.path, rec.path_len);

		if (why) {
			add_problemf(l, path, "record ending at byte %zu left out: %s",
				     pos, why);
			continue;
		}
		load_sample_rec(l, sample, rec.path, rec.path_len, rec.data, rec.len,
				buf + at, pos - at);
	}
	if (r < 0)
		add_problemf(l, path, "not a pack at byte %zu: the rest of it is not loaded",
			     pos);
}

/* samples/index.tsv, samples/<k>/<the path of sample 1>, samples/<k>/pack-<n>. */
void load_sample_file(struct loader *l, const char *path, const char *buf, size_t len)
{
	const char *k = path + strlen("samples/"), *rest = strchr(k, '/');
	uint64_t sample;

	if (!strcmp(k, "index.tsv")) {
		load_index(l, path, buf, len);
		return;
	}
	if (!rest || parse_u64(k, (size_t)(rest - k), &sample) < 0 || sample > INT64_MAX)
		return;
	rest++;
	if (sample_pack_name(rest))
		load_pack(l, (int64_t)sample, path, buf, len);
	else
		load_sample_rec(l, (int64_t)sample, rest, strlen(rest), buf, len,
				NULL, 0);
}

/* After the last file: the spans still open, then every later sample's
   cgroups with their files as one object. */
void samples_finish(struct loader *l)
{
	struct sample_spans *sp = l->spans;
	sqlite3_stmt *st;
	size_t i, pos = 0;

	if (sp) {
		spans_sample_end(l, sp);
		/* in the map's order, which cgroup_memstat_span's rowids have
		   always followed */
		while (hashmap_each(&sp->map, &pos, &i))
			if (sp->all[i]->first)
				span_store(l, sp->all[i]);
	}
	/* a cgroup's files share its spans: one group a span */
	st = db_prepare(l->db,
		"INSERT INTO cgroup_file_span(capture_id, sample, sample_last, cgroup, files) "
		"SELECT capture_id, sample, max(sample_last), cgroup, "
		"       json_group_object(file, json_array(value, unlimited)) "
		"       FILTER (WHERE file IS NOT NULL) "
		"FROM (SELECT capture_id, sample, sample_last, cgroup, file, value, unlimited "
		"      FROM cgroup_value_span WHERE capture_id = ?1 "
		"      UNION ALL SELECT capture_id, sample, sample_last, cgroup, NULL, NULL, NULL "
		"      FROM cgroup_memstat_span WHERE capture_id = ?1) "
		"GROUP BY capture_id, sample, cgroup");
	sqlite3_bind_int64(st, 1, l->capture_id);
	put_for(l, st, "samples/");
	sqlite3_finalize(st);
}

void samples_close(struct loader *l)
{
	struct sample_spans *sp = l->spans;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(l->sample_st); i++)
		sqlite3_finalize(l->sample_st[i]);
	if (!sp)
		return;
	for (i = 0; i < sp->map.n; i++) {
		struct span *s = sp->all[i];

		free(s->key);
		strbuf_release(&s->prev);
		strbuf_release(&s->cur);
		free(s);
	}
	hashmap_release(&sp->map);
	free(sp->all);
	free(sp->touched);
	free(sp->before);
	free(sp);
	l->spans = NULL;
}
