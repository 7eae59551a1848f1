/* SPDX-License-Identifier: MIT */
/*
 * The loader: capture files -> parsers -> SQLite.  One table of path
 * patterns (`handlers` below) says which parser and table each file goes to.
 */
#include "analyze/load/load.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"
#include "analyze/parse/k8s.h"
#include "analyze/capture/manifest.h"
#include "analyze/oom/oom.h"
#include "analyze/parse/parse.h"
#include "analyze/capture/prefetch.h"
#include "common/hash.h"
#include "common/util.h"

#include "common/banned.h"

enum stmt_id {
	ST_PROBLEM,
	ST_FILE,
	ST_STATUS,
	ST_SMAPS,
	ST_PROC_KV,
	ST_PROC_CGROUP,
	ST_MISC,
	ST_FDINFO,
	ST_GO,
	ST_CG_NODE,
	ST_CG_FILE,
	ST_CG_STAT,
	ST_CG_MEMSTAT,
	ST_CG_EVENT,
	ST_CG_PRESSURE,
	ST_CG_PROC,
	ST_MEMINFO,
	ST_VMSTAT,
	ST_NODE_PRESSURE,
	ST_SETTING,
	ST_BPFTOOL_MAP,
	ST_BPFTOOL_PID,
	ST_POD_LOG,
	ST_CONTAINER_LOG,
	ST_COLLECT_PROBLEM,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_PROBLEM] = "INSERT INTO load_problem(capture_id, path, problem) VALUES (?,?,?)",
	[ST_FILE] = "INSERT INTO capture_file_data(capture_id, files) VALUES (?,?)",
	[ST_STATUS] = "INSERT OR REPLACE INTO proc_status(capture_id, pid, comm, state, "
		"ppid, uid, euid, threads, kthread, nspid, vm_peak, vm_size, vm_lck, "
		"vm_pin, vm_hwm, vm_rss, rss_anon, rss_file, rss_shmem, vm_data, vm_stk, "
		"vm_exe, vm_lib, vm_pte, vm_pmd, vm_swap, hugetlb) VALUES "
		"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_SMAPS] = "INSERT OR REPLACE INTO proc_smaps(capture_id, pid, rss, pss, "
		"pss_dirty, pss_anon, pss_file, pss_shmem, shared_clean, shared_dirty, "
		"private_clean, private_dirty, referenced, anonymous, ksm, lazyfree, "
		"anon_huge, shmem_pmd, file_pmd, shared_hugetlb, private_hugetlb, swap, "
		"swap_pss, locked) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_PROC_KV] = "INSERT INTO proc_extra(capture_id, pid, file, keys) VALUES (?,?,?,?)",
	[ST_PROC_CGROUP] = "INSERT INTO proc_cgroup_data(capture_id, pid, lines) "
		"VALUES (?,?,?)",
	[ST_MISC] = "INSERT INTO proc_misc(capture_id, pid, oom_score_adj, cmdline, memcg) "
		"VALUES (?,?,?,?,?) ON CONFLICT(capture_id, pid) DO UPDATE SET "
		"oom_score_adj = coalesce(excluded.oom_score_adj, oom_score_adj), "
		"cmdline = coalesce(excluded.cmdline, cmdline), "
		"memcg = coalesce(excluded.memcg, memcg)",
	[ST_FDINFO] = "INSERT OR REPLACE INTO bpf_fdinfo(capture_id, pid, fd, map_id, "
		"map_type, type_name, key_size, value_size, max_entries, map_flags, "
		"memlock, frozen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_GO] = "INSERT OR REPLACE INTO proc_go(capture_id, pid, go_version, gogc, "
		"gomemlimit, gomemlimit_bytes, gomaxprocs, godebug, env_known) "
		"VALUES (?,?,?,?,?,?,?,?,?)",
	[ST_CG_NODE] = "INSERT OR IGNORE INTO cgroup_node(capture_id, cgroup, parent, depth, "
		"k8s_level, qos_class, pod_uid, container_id, runtime) VALUES (?,?,?,?,?,?,?,?,?)",
	[ST_CG_FILE] = "INSERT INTO cgroup_file_data(capture_id, cgroup, files) VALUES (?,?,?) "
		"ON CONFLICT(capture_id, cgroup) DO UPDATE SET "
		"files = json_patch(files, excluded.files)",
	[ST_CG_STAT] = "INSERT OR REPLACE INTO cgroup_stat_data(capture_id, cgroup, keys) "
		"VALUES (?,?,?)",
	[ST_CG_MEMSTAT] = "INSERT OR REPLACE INTO cgroup_memstat(capture_id, cgroup, "
		"anon, file, kernel, shmem, active_file, inactive_file, swapcached, "
		"slab_reclaimable, slab_unreclaimable, kernel_stack, pagetables, "
		"sec_pagetables, percpu, sock, vmalloc, slab, total_rss, total_cache, "
		"total_shmem, total_active_file, total_inactive_file, total_swapcached, "
		"total_swap, hierarchical_memory_limit) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_CG_EVENT] = "INSERT OR REPLACE INTO cgroup_event(capture_id, cgroup, file, key, "
		"value) VALUES (?,?,?,?,?)",
	[ST_CG_PRESSURE] = "INSERT OR REPLACE INTO cgroup_pressure(capture_id, cgroup, kind, "
		"avg10, avg60, avg300, total_us) VALUES (?,?,?,?,?,?,?)",
	[ST_CG_PROC] = "INSERT OR IGNORE INTO cgroup_proc(capture_id, cgroup, pid) VALUES (?,?,?)",
	[ST_MEMINFO] = "INSERT OR REPLACE INTO node_meminfo(capture_id, key, value) VALUES (?,?,?)",
	[ST_VMSTAT] = "INSERT OR REPLACE INTO node_vmstat(capture_id, key, value) VALUES (?,?,?)",
	[ST_NODE_PRESSURE] = "INSERT OR REPLACE INTO node_pressure(capture_id, kind, avg10, "
		"avg60, avg300, total_us) VALUES (?,?,?,?,?,?)",
	[ST_SETTING] = "INSERT OR REPLACE INTO node_setting(capture_id, path, value) VALUES (?,?,?)",
	[ST_BPFTOOL_MAP] = "INSERT OR REPLACE INTO bpftool_map(capture_id, map_id, type, name, "
		"flags, bytes_key, bytes_value, max_entries, bytes_memlock, frozen, btf_id, "
		"loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_BPFTOOL_PID] = "INSERT OR IGNORE INTO bpftool_map_pid(capture_id, map_id, pid, comm) "
		"VALUES (?,?,?,?)",
	[ST_POD_LOG] = "INSERT OR IGNORE INTO k8s_pod_log(capture_id, namespace, pod, pod_uid, "
		"container) VALUES (?,?,?,?,?)",
	[ST_CONTAINER_LOG] = "INSERT OR IGNORE INTO k8s_container_log(capture_id, namespace, "
		"pod, container, container_id) VALUES (?,?,?,?,?)",
	[ST_COLLECT_PROBLEM] = "INSERT INTO collect_problem(capture_id, path, kind, errno, "
		"error, action) VALUES (?,?,?,?,?,?)",
};

struct loader {
	sqlite3 *db;
	int64_t capture_id;
	sqlite3_stmt *st[ST__COUNT];
	struct load_stats *stats;
	char *memory_root;        /* archive path of the memory hierarchy */
	bool memory_root_guessed;
	bool have_manifest;
	bool duplicate;
	uint64_t content_hash;    /* of the files read before a manifest */
	char *fatal;              /* the load cannot go on: why */
	char *cgroup_mode;        /* from the manifest, or inferred */
	bool saw_v1_files, saw_v2_files;
	uint64_t page_size;
	const char *cur_path;     /* the file being loaded, for put() */
	bool cur_failed;          /* put() already reported for cur_path */
	struct strbuf last_cgroup; /* cgroup_node insert cache */
	struct strbuf tmp;
	/*
	 * proc_misc of the process whose files are being read: a process's
	 * files come one after the other, and one row a process is a third
	 * of the statements three would be.
	 */
	struct {
		int64_t pid;          /* 0: none */
		bool oom_score_adj_set;
		int64_t oom_score_adj;
		char *cmdline;
		size_t cmdline_len;
		char *memcg;
	} misc;
	/* cgroup_file_data's row of the cgroup whose files are being read */
	struct strbuf cg_files_of;  /* the cgroup; empty: none */
	struct strbuf cg_files;     /* its JSON object, without the '}' */
	struct strbuf files;      /* capture_file_data's JSON, not yet stored */
	size_t files_n;           /* how many files it holds */
	/* OOM logs are parsed once the manifest (page size, clock) is known. */
	char *kmsg_path;
	char *kmsg_data;
	size_t kmsg_len;
};

static sqlite3_stmt *S(struct loader *l, enum stmt_id id)
{
	if (!l->st[id])
		l->st[id] = db_prepare(l->db, stmt_sql[id]);
	return l->st[id];
}

static void add_problem(struct loader *l, const char *path, const char *problem)
{
	sqlite3_stmt *st = S(l, ST_PROBLEM);

	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text(st, 2, path);
	db_bind_text(st, 3, problem);
	db_step_reset(st);
	l->stats->problems++;
}

static void add_problemf(struct loader *l, const char *path, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

static void add_problemf(struct loader *l, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_problem(l, path, msg);
}

static void capture_problem_cb(void *ud, const char *path, const char *problem)
{
	add_problem(ud, path, problem);
}

/*
 * Run an INSERT and reset it.  A failure is not a parser problem but the
 * file's data still did not land: record it once per file.
 */
static void put(struct loader *l, sqlite3_stmt *st)
{
	if (db_step_reset(st) == 0 || l->cur_failed)
		return;
	l->cur_failed = true;
	add_problemf(l, l->cur_path, "cannot store: %s", sqlite3_errmsg(l->db));
}

/*
 * put() for a row gathered from several files and stored after them: a
 * failure names `what`, and the file being loaded stays the current one.
 */
static void put_for(struct loader *l, sqlite3_stmt *st, const char *what)
{
	const char *saved_path = l->cur_path;
	bool saved_failed = l->cur_failed;

	l->cur_path = what;
	l->cur_failed = false;
	put(l, st);
	l->cur_path = saved_path;
	l->cur_failed = saved_failed;
}

/*
 * A number for the JSON rows: null past 2^63 - 1, which SQLite cannot hold
 * as an integer (as db_bind_u64() binds NULL).
 */
static void json_u64(struct strbuf *sb, uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		strbuf_add(sb, "null", 4);
	else
		strbuf_add_u64(sb, v);
}

/* Record a parser's diagnostics: r < 0 means the file was not used. */
static void note_diag(struct loader *l, const char *path, int r,
		      const struct parse_diag *d)
{
	char buf[400];

	if (r < 0)
		add_problemf(l, path, "cannot parse: %s",
			     d->count ? diag_text(d, buf, sizeof(buf)) : strerror(-r));
	else if (d->count)
		add_problemf(l, path, "parsed with problems: %s",
			     diag_text(d, buf, sizeof(buf)));
}

/* ---- path helpers -------------------------------------------------------- */

/* A decimal pid from s[0..len), or -1. */
static int64_t span_pid(const char *s, size_t len)
{
	uint64_t v;

	if (parse_u64(s, len, &v) < 0 || v == 0 || v > 0x7fffffff)
		return -1;
	return (int64_t)v;
}

/* ---- processes ------------------------------------------------------------- */

/* The keys without a column, as one JSON object (proc_extra's keys). */
static void extras_json(struct strbuf *sb, const struct kv_extras *x)
{
	size_t i;

	strbuf_addch(sb, '{');
	for (i = 0; i < x->n; i++) {
		const char *v = x->v[i].value ? x->v[i].value : "";

		if (i)
			strbuf_addch(sb, ',');
		json_escape(sb, x->v[i].key, strlen(x->v[i].key));
		strbuf_addch(sb, ':');
		json_escape(sb, v, strlen(v));
	}
	strbuf_addch(sb, '}');
}

/*
 * A status or smaps_rollup file parsed, with its extra keys as JSON: on the
 * reader thread when there is one (prefetch_hooks: parsing is a fifth of
 * the loading thread's work otherwise), else by the loader itself.
 */
enum parsed_kind { PARSED_STATUS = 1, PARSED_SMAPS };

struct parsed_file {
	enum parsed_kind kind;
	int r;                      /* the parser's result */
	struct parse_diag d;
	union {
		struct proc_status status;
		struct smaps_rollup smaps;
	} u;
	struct strbuf extras;       /* JSON; empty when no extra keys */
};

static void parsed_file_fill(struct parsed_file *pf, enum parsed_kind kind,
			     const char *buf, size_t len)
{
	const struct kv_extras *x;

	memset(pf, 0, sizeof(*pf));
	pf->kind = kind;
	strbuf_init(&pf->extras, 0);
	if (kind == PARSED_STATUS) {
		pf->r = parse_status(buf, len, &pf->u.status, &pf->d);
		x = &pf->u.status.extra;
	} else {
		pf->r = parse_smaps_rollup(buf, len, &pf->u.smaps, &pf->d);
		x = &pf->u.smaps.extra;
	}
	if (pf->r >= 0 && x->n)
		extras_json(&pf->extras, x);
}

static void parsed_file_release(struct parsed_file *pf)
{
	if (pf->kind == PARSED_STATUS)
		proc_status_free(&pf->u.status);
	else if (pf->kind == PARSED_SMAPS)
		smaps_rollup_free(&pf->u.smaps);
	strbuf_release(&pf->extras);
}

/* prefetch_hooks.prepare: proc/<pid>/status and a non-empty smaps_rollup. */
static void *parsed_file_prepare(const struct capture_file *f)
{
	const char *rest = f->path + 5, *slash;
	struct parsed_file *pf;
	enum parsed_kind kind;

	if (!starts_with(f->path, "proc/") || !(slash = strchr(rest, '/')) ||
	    slash == rest)
		return NULL;
	if (!strcmp(slash + 1, "status"))
		kind = PARSED_STATUS;
	else if (!strcmp(slash + 1, "smaps_rollup") && f->len)
		kind = PARSED_SMAPS;
	else
		return NULL;
	pf = xmalloc(sizeof(*pf));
	parsed_file_fill(pf, kind, f->data, f->len);
	return pf;
}

static void parsed_file_free(void *p)
{
	if (!p)
		return;
	parsed_file_release(p);
	free(p);
}

/* The file parsed ahead when it is of that kind, else parsed now into own. */
static struct parsed_file *parsed_get(struct parsed_file *ahead, enum parsed_kind kind,
				      struct parsed_file *own, const char *buf, size_t len)
{
	if (ahead && ahead->kind == kind)
		return ahead;
	parsed_file_fill(own, kind, buf, len);
	return own;
}

static void put_extras(struct loader *l, int64_t pid, const char *file,
		       const struct strbuf *json)
{
	sqlite3_stmt *st = S(l, ST_PROC_KV);

	if (!json->len)
		return;
	sqlite3_bind_int64(st, 1, l->capture_id);
	sqlite3_bind_int64(st, 2, pid);
	db_bind_text(st, 3, file);
	db_bind_text_len(st, 4, json->buf, json->len);
	put(l, st);
}

static void load_status(struct loader *l, const char *path, int64_t pid,
			const char *buf, size_t len, struct parsed_file *ahead)
{
	struct parsed_file own = { 0 }, *pf = parsed_get(ahead, PARSED_STATUS, &own,
							  buf, len);
	const struct proc_status *sp = &pf->u.status;
	sqlite3_stmt *st;
	int i = 1;

	note_diag(l, path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	st = S(l, ST_STATUS);
	sqlite3_bind_int64(st, i++, l->capture_id);
	sqlite3_bind_int64(st, i++, pid);
	db_bind_text(st, i++, sp->name);
	db_bind_text(st, i++, sp->state);
	db_bind_kv(st, i++, sp->ppid);
	db_bind_kv(st, i++, sp->uid);
	db_bind_kv(st, i++, sp->euid);
	db_bind_kv(st, i++, sp->threads);
	db_bind_kv(st, i++, sp->kthread);
	db_bind_kv(st, i++, sp->nspid_inner);
	db_bind_kv(st, i++, sp->vm_peak);
	db_bind_kv(st, i++, sp->vm_size);
	db_bind_kv(st, i++, sp->vm_lck);
	db_bind_kv(st, i++, sp->vm_pin);
	db_bind_kv(st, i++, sp->vm_hwm);
	db_bind_kv(st, i++, sp->vm_rss);
	db_bind_kv(st, i++, sp->rss_anon);
	db_bind_kv(st, i++, sp->rss_file);
	db_bind_kv(st, i++, sp->rss_shmem);
	db_bind_kv(st, i++, sp->vm_data);
	db_bind_kv(st, i++, sp->vm_stk);
	db_bind_kv(st, i++, sp->vm_exe);
	db_bind_kv(st, i++, sp->vm_lib);
	db_bind_kv(st, i++, sp->vm_pte);
	db_bind_kv(st, i++, sp->vm_pmd);
	db_bind_kv(st, i++, sp->vm_swap);
	db_bind_kv(st, i++, sp->hugetlb_pages);
	put(l, st);
	put_extras(l, pid, "status", &pf->extras);
	l->stats->processes++;
out:
	if (pf == &own)
		parsed_file_release(&own);
}

static void load_smaps(struct loader *l, const char *path, int64_t pid,
		       const char *buf, size_t len, struct parsed_file *ahead)
{
	struct parsed_file own = { 0 }, *pf;
	const struct smaps_rollup *sp;
	sqlite3_stmt *st;
	int i = 1;

	if (len == 0)
		return;   /* kernel threads and zombies have an empty rollup */
	pf = parsed_get(ahead, PARSED_SMAPS, &own, buf, len);
	sp = &pf->u.smaps;
	note_diag(l, path, pf->r, &pf->d);
	if (pf->r < 0)
		goto out;
	st = S(l, ST_SMAPS);
	sqlite3_bind_int64(st, i++, l->capture_id);
	sqlite3_bind_int64(st, i++, pid);
	db_bind_kv(st, i++, sp->rss);
	db_bind_kv(st, i++, sp->pss);
	db_bind_kv(st, i++, sp->pss_dirty);
	db_bind_kv(st, i++, sp->pss_anon);
	db_bind_kv(st, i++, sp->pss_file);
	db_bind_kv(st, i++, sp->pss_shmem);
	db_bind_kv(st, i++, sp->shared_clean);
	db_bind_kv(st, i++, sp->shared_dirty);
	db_bind_kv(st, i++, sp->private_clean);
	db_bind_kv(st, i++, sp->private_dirty);
	db_bind_kv(st, i++, sp->referenced);
	db_bind_kv(st, i++, sp->anonymous);
	db_bind_kv(st, i++, sp->ksm);
	db_bind_kv(st, i++, sp->lazyfree);
	db_bind_kv(st, i++, sp->anon_huge_pages);
	db_bind_kv(st, i++, sp->shmem_pmd_mapped);
	db_bind_kv(st, i++, sp->file_pmd_mapped);
	db_bind_kv(st, i++, sp->shared_hugetlb);
	db_bind_kv(st, i++, sp->private_hugetlb);
	db_bind_kv(st, i++, sp->swap);
	db_bind_kv(st, i++, sp->swap_pss);
	db_bind_kv(st, i++, sp->locked);
	put(l, st);
	put_extras(l, pid, "smaps_rollup", &pf->extras);
out:
	if (pf == &own)
		parsed_file_release(&own);
}

/* Store what proc_misc has of the process read last, in one row. */
static void flush_misc(struct loader *l)
{
	sqlite3_stmt *st;
	char path[40];

	if (!l->misc.pid)
		return;
	if (l->misc.oom_score_adj_set || l->misc.cmdline || l->misc.memcg) {
		st = S(l, ST_MISC);
		sqlite3_bind_int64(st, 1, l->capture_id);
		sqlite3_bind_int64(st, 2, l->misc.pid);
		if (l->misc.oom_score_adj_set)
			sqlite3_bind_int64(st, 3, l->misc.oom_score_adj);
		if (l->misc.cmdline)
			db_bind_text_len(st, 4, l->misc.cmdline, l->misc.cmdline_len);
		db_bind_text(st, 5, l->misc.memcg);
		xsnprintf(path, sizeof(path), "proc/%lld", (long long)l->misc.pid);
		put_for(l, st, path);
	}
	free(l->misc.cmdline);
	free(l->misc.memcg);
	memset(&l->misc, 0, sizeof(l->misc));
}

/* proc_misc's pending row for pid: the last one's is stored first. */
static void misc_for(struct loader *l, int64_t pid)
{
	if (l->misc.pid != pid) {
		flush_misc(l);
		l->misc.pid = pid;
	}
}

static void load_proc_cgroup(struct loader *l, const char *path, int64_t pid,
			     const char *buf, size_t len)
{
	struct proc_cgroup c = { 0 };
	struct parse_diag d = { 0 };
	const char *memcg;
	sqlite3_stmt *st;
	size_t i;
	int r;

	r = parse_proc_cgroup(buf, len, &c, &d);
	note_diag(l, path, r, &d);
	if (r < 0)
		goto out;
	strbuf_reset(&l->tmp);
	strbuf_addch(&l->tmp, '[');
	for (i = 0; i < c.n; i++) {
		strbuf_add(&l->tmp, i ? ",[" : "[", i ? 2 : 1);
		strbuf_add_u64(&l->tmp, c.v[i].hierarchy);
		strbuf_addch(&l->tmp, ',');
		json_escape_bytes(&l->tmp, c.v[i].controllers, strlen(c.v[i].controllers));
		strbuf_addch(&l->tmp, ',');
		json_escape_bytes(&l->tmp, c.v[i].path, strlen(c.v[i].path));
		strbuf_addch(&l->tmp, ']');
	}
	strbuf_addch(&l->tmp, ']');
	st = S(l, ST_PROC_CGROUP);
	sqlite3_bind_int64(st, 1, l->capture_id);
	sqlite3_bind_int64(st, 2, pid);
	db_bind_text_len(st, 3, l->tmp.buf, l->tmp.len);
	put(l, st);
	/*
	 * On hybrid systems the "0::" line names the unified hierarchy, which
	 * has no memory controller: only take it when the memory hierarchy is
	 * v2.  proc_cgroup_memory_path() prefers the v1 memory line.
	 */
	memcg = proc_cgroup_memory_path(&c);
	if (memcg) {
		bool v2_line = false;

		for (i = 0; i < c.n; i++)
			if (c.v[i].path == memcg && c.v[i].hierarchy == 0)
				v2_line = true;
		if (v2_line && l->cgroup_mode && strcmp(l->cgroup_mode, "v2"))
			memcg = NULL;
	}
	if (memcg) {
		misc_for(l, pid);
		free(l->misc.memcg);
		l->misc.memcg = xstrdup(memcg);
	}
out:
	proc_cgroup_free(&c);
}

static void load_oom_score_adj(struct loader *l, const char *path, int64_t pid,
			       const char *buf, size_t len)
{
	const char *s = buf;
	size_t n = len;
	int64_t v;

	trim_span(&s, &n);
	if (parse_i64(s, n, &v) < 0 || v < -1000 || v > 1000) {
		add_problemf(l, path, "cannot parse: '%.*s' is not an oom_score_adj "
			     "(-1000..1000)", (int)MIN(n, (size_t)40), s);
		return;
	}
	misc_for(l, pid);
	l->misc.oom_score_adj_set = true;
	l->misc.oom_score_adj = v;
}

static void load_cmdline(struct loader *l, int64_t pid, const char *buf, size_t len)
{
	size_t i;

	while (len && buf[len - 1] == '\0')
		len--;
	misc_for(l, pid);
	free(l->misc.cmdline);
	l->misc.cmdline = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		l->misc.cmdline[i] = buf[i] ? buf[i] : ' ';
	l->misc.cmdline[len] = '\0';
	l->misc.cmdline_len = len;
}

static void load_fdinfo(struct loader *l, const char *path, int64_t pid,
			const char *fdname, const char *buf, size_t len)
{
	struct bpf_fdinfo f = { 0 };
	struct parse_diag d = { 0 };
	sqlite3_stmt *st;
	uint64_t fd;
	int r, i = 1;

	if (parse_u64(fdname, strlen(fdname), &fd) < 0 || fd > 0x7fffffff) {
		add_problem(l, path, "not a file descriptor number, skipping");
		return;
	}
	r = parse_bpf_fdinfo(buf, len, &f, &d);
	note_diag(l, path, r, &d);
	if (r < 0)
		goto out;
	if (!f.map_type.set) {
		add_problem(l, path, "not the fdinfo of a BPF map (no map_type), skipping");
		goto out;
	}
	st = S(l, ST_FDINFO);
	sqlite3_bind_int64(st, i++, l->capture_id);
	sqlite3_bind_int64(st, i++, pid);
	sqlite3_bind_int64(st, i++, (int64_t)fd);
	db_bind_kv(st, i++, f.map_id);
	db_bind_kv(st, i++, f.map_type);
	db_bind_text(st, i++, bpf_map_type_name(f.map_type.v));
	db_bind_kv(st, i++, f.key_size);
	db_bind_kv(st, i++, f.value_size);
	db_bind_kv(st, i++, f.max_entries);
	db_bind_kv(st, i++, f.map_flags);
	db_bind_kv(st, i++, f.memlock);
	db_bind_kv(st, i++, f.frozen);
	put(l, st);
out:
	bpf_fdinfo_free(&f);
}

/* proc/<pid>/<rest> */
static void load_pid_file(struct loader *l, const char *path, int64_t pid,
			  const char *rest, const char *buf, size_t len,
			  struct parsed_file *ahead)
{
	if (!strcmp(rest, "status"))
		load_status(l, path, pid, buf, len, ahead);
	else if (!strcmp(rest, "smaps_rollup"))
		load_smaps(l, path, pid, buf, len, ahead);
	else if (!strcmp(rest, "cgroup"))
		load_proc_cgroup(l, path, pid, buf, len);
	else if (!strcmp(rest, "oom_score_adj"))
		load_oom_score_adj(l, path, pid, buf, len);
	else if (!strcmp(rest, "cmdline"))
		load_cmdline(l, pid, buf, len);
	else if (starts_with(rest, "fdinfo/") && !strchr(rest + 7, '/'))
		load_fdinfo(l, path, pid, rest + 7, buf, len);
	/* anything else (mountinfo of pid 1, ...) is only listed */
}

/* ---- cgroups --------------------------------------------------------------- */

/*
 * The cgroup a memory-hierarchy file belongs to: its folder relative to the
 * memory root, "/" for the root.  Returns false when path is not below the
 * memory root.  *ret_file points at the file name inside path.
 */
static bool cgroup_of(struct loader *l, const char *path, struct strbuf *ret,
		      const char **ret_file)
{
	size_t rl = strlen(l->memory_root);
	const char *slash = strrchr(path, '/');

	if (!slash || strncmp(path, l->memory_root, rl) ||
	    (path[rl] != '/'))
		return false;
	strbuf_reset(ret);
	if (slash == path + rl)
		strbuf_addch(ret, '/');
	else
		strbuf_add(ret, path + rl, (size_t)(slash - (path + rl)));
	*ret_file = slash + 1;
	return true;
}

static const char *k8s_level_name(enum k8s_level lv)
{
	switch (lv) {
	case K8S_ROOT: return "root";
	case K8S_QOS: return "qos";
	case K8S_POD: return "pod";
	case K8S_CONTAINER: return "container";
	default: return NULL;
	}
}

static void ensure_cgroup_node(struct loader *l, const char *cg)
{
	struct k8s_cgroup k = { 0 };
	sqlite3_stmt *st;
	const char *slash;
	enum k8s_level lv;
	int depth = 0;
	const char *p;

	if (!strcmp(l->last_cgroup.buf, cg))
		return;
	strbuf_reset(&l->last_cgroup);
	strbuf_addstr(&l->last_cgroup, cg);
	for (p = cg; *p; p++)
		depth += *p == '/';
	if (!strcmp(cg, "/"))
		depth = 0;
	st = S(l, ST_CG_NODE);
	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text(st, 2, cg);
	slash = strrchr(cg, '/');
	if (depth == 0)
		sqlite3_bind_null(st, 3);
	else if (slash == cg)
		db_bind_text(st, 3, "/");
	else
		db_bind_text_len(st, 3, cg, (size_t)(slash - cg));
	sqlite3_bind_int64(st, 4, depth);
	lv = k8s_parse_cgroup_path(cg, &k);
	db_bind_text(st, 5, k8s_level_name(lv));
	db_bind_text(st, 6, k.qos[0] ? k.qos : NULL);
	db_bind_text(st, 7, k.pod_uid[0] ? k.pod_uid : NULL);
	db_bind_text(st, 8, k.container_id[0] ? k.container_id : NULL);
	db_bind_text(st, 9, k.runtime[0] ? k.runtime : NULL);
	if (sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(l->db) > 0)
		l->stats->cgroups++;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Every key of memory.stat as one JSON object (cgroup_stat_data). */
static void put_stat_json(struct loader *l, const char *cg, const struct kv_list *kv)
{
	sqlite3_stmt *st = S(l, ST_CG_STAT);
	struct strbuf *sb = &l->tmp;
	size_t i;

	strbuf_reset(sb);
	strbuf_addch(sb, '{');
	for (i = 0; i < kv->n; i++) {
		if (i)
			strbuf_addch(sb, ',');
		json_escape_bytes(sb, kv->v[i].key, strlen(kv->v[i].key));
		strbuf_addch(sb, ':');
		json_u64(sb, kv->v[i].value);
	}
	strbuf_addch(sb, '}');
	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text(st, 2, cg);
	db_bind_text_len(st, 3, sb->buf, sb->len);
	put(l, st);
}

static void put_kv_rows(struct loader *l, enum stmt_id id, const char *cg,
			const char *file, const struct kv_list *kv)
{
	sqlite3_stmt *st = S(l, id);
	size_t i;

	for (i = 0; i < kv->n; i++) {
		int c = 1;

		sqlite3_bind_int64(st, c++, l->capture_id);
		if (cg)
			db_bind_text(st, c++, cg);
		if (file)
			db_bind_text(st, c++, file);
		db_bind_text(st, c++, kv->v[i].key);
		db_bind_u64(st, c++, kv->v[i].value);
		put(l, st);
	}
}

/*
 * memory.stat's keys the working-set formulas read, as one row
 * (cgroup_memstat; the order of ST_CG_MEMSTAT's columns).  (A key the file
 * repeats is in the list once: parse_kv_list() keeps the first.)
 */
static void put_memstat(struct loader *l, const char *cg, const struct kv_list *kv)
{
	static const char *const keys[] = {
		"anon", "file", "kernel", "shmem", "active_file", "inactive_file",
		"swapcached", "slab_reclaimable", "slab_unreclaimable", "kernel_stack",
		"pagetables", "sec_pagetables", "percpu", "sock", "vmalloc", "slab",
		"total_rss", "total_cache", "total_shmem", "total_active_file",
		"total_inactive_file", "total_swapcached", "total_swap",
		"hierarchical_memory_limit",
	};
	sqlite3_stmt *st = S(l, ST_CG_MEMSTAT);
	size_t i, k;

	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text(st, 2, cg);
	for (k = 0; k < ARRAY_SIZE(keys); k++)
		sqlite3_bind_null(st, (int)k + 3);
	for (i = 0; i < kv->n; i++)
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(kv->v[i].key, keys[k])) {
				db_bind_u64(st, (int)k + 3, kv->v[i].value);
				break;
			}
	put(l, st);
}

static void load_cgroup_procs(struct loader *l, const char *path, const char *cg,
			      const char *buf, size_t len)
{
	sqlite3_stmt *st = S(l, ST_CG_PROC);
	size_t pos = 0, bad = 0, ln = 0;
	const char *line;
	size_t n;

	while (next_line(buf, len, &pos, &line, &n)) {
		int64_t pid;

		ln++;
		trim_span(&line, &n);
		if (!n)
			continue;
		pid = span_pid(line, n);
		if (pid < 0) {
			if (!bad++)
				add_problemf(l, path, "line %zu: '%.*s' is not a pid, "
					     "skipping", ln, (int)MIN(n, (size_t)40), line);
			continue;
		}
		sqlite3_bind_int64(st, 1, l->capture_id);
		db_bind_text(st, 2, cg);
		sqlite3_bind_int64(st, 3, pid);
		put(l, st);
	}
}

static void load_psi_rows(struct loader *l, enum stmt_id id, const char *cg,
			  const struct psi *p)
{
	const struct psi_line *lines[2] = { &p->some, &p->full };
	static const char *const kinds[2] = { "some", "full" };
	sqlite3_stmt *st = S(l, id);
	int k;

	for (k = 0; k < 2; k++) {
		int c = 1;

		if (!lines[k]->set)
			continue;
		sqlite3_bind_int64(st, c++, l->capture_id);
		if (cg)
			db_bind_text(st, c++, cg);
		db_bind_text(st, c++, kinds[k]);
		sqlite3_bind_double(st, c++, lines[k]->avg10);
		sqlite3_bind_double(st, c++, lines[k]->avg60);
		sqlite3_bind_double(st, c++, lines[k]->avg300);
		db_bind_u64(st, c++, lines[k]->total);
		put(l, st);
	}
}

static const char *const event_files[] = {
	"memory.events", "memory.events.local", "memory.swap.events",
	"cgroup.stat", "memory.oom_control",
};

/* Files that are not one number: listed only. */
static const char *const text_files[] = {
	"cgroup.controllers", "cgroup.subtree_control", "memory.numa_stat",
};

/*
 * Store the one-value files read of a cgroup as its row of
 * cgroup_file_data (a cgroup met again later, as a folder read in sorted
 * order does after a child's files, is merged into its row).
 */
static void flush_cgroup_files(struct loader *l)
{
	sqlite3_stmt *st;

	if (l->cg_files.len) {
		strbuf_addch(&l->cg_files, '}');
		st = S(l, ST_CG_FILE);
		sqlite3_bind_int64(st, 1, l->capture_id);
		db_bind_text(st, 2, l->cg_files_of.buf);
		db_bind_text_len(st, 3, l->cg_files.buf, l->cg_files.len);
		put_for(l, st, l->memory_root ? l->memory_root : "(the cgroups' files)");
	}
	strbuf_reset(&l->cg_files);
	strbuf_reset(&l->cg_files_of);
}

static void load_cgroup_file(struct loader *l, const char *path, const char *cg,
			     const char *file, const char *buf, size_t len)
{
	struct parse_diag d = { 0 };
	size_t i;
	int r;

	if (!strcmp(file, "memory.usage_in_bytes"))
		l->saw_v1_files = true;
	if (!strcmp(file, "memory.current"))
		l->saw_v2_files = true;
	ensure_cgroup_node(l, cg);

	if (!strcmp(file, "memory.stat")) {
		struct kv_list kv = { 0 };

		r = parse_kv_list(buf, len, &kv, &d);
		note_diag(l, path, r, &d);
		if (r == 0) {
			put_stat_json(l, cg, &kv);
			put_memstat(l, cg, &kv);
		}
		kv_list_free(&kv);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(event_files); i++) {
		if (!strcmp(file, event_files[i])) {
			struct kv_list kv = { 0 };

			r = parse_kv_list(buf, len, &kv, &d);
			note_diag(l, path, r, &d);
			if (r == 0)
				put_kv_rows(l, ST_CG_EVENT, cg, file, &kv);
			kv_list_free(&kv);
			return;
		}
	}
	if (!strcmp(file, "memory.pressure")) {
		struct psi p = { 0 };

		r = parse_psi(buf, len, &p, &d);
		note_diag(l, path, r, &d);
		if (r == 0)
			load_psi_rows(l, ST_CG_PRESSURE, cg, &p);
		return;
	}
	if (!strcmp(file, "cgroup.procs")) {
		load_cgroup_procs(l, path, cg, buf, len);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(text_files); i++)
		if (!strcmp(file, text_files[i]))
			return;
	if (starts_with(file, "memory.")) {
		struct one_value v = { 0 };

		r = parse_one_value(buf, len, &v, &d);
		note_diag(l, path, r, &d);
		if (r < 0)
			return;
		if (strcmp(l->cg_files_of.buf, cg)) {
			flush_cgroup_files(l);
			strbuf_addstr(&l->cg_files_of, cg);
		}
		strbuf_addch(&l->cg_files, l->cg_files.len ? ',' : '{');
		json_escape_bytes(&l->cg_files, file, strlen(file));
		/* v2 "max" parses as UINT64_MAX: null */
		strbuf_add(&l->cg_files, ":[", 2);
		json_u64(&l->cg_files, v.v);
		strbuf_add(&l->cg_files, v.unlimited ? ",1]" : ",0]", 3);
	}
}

/* ---- node ------------------------------------------------------------------ */

static void load_node_file(struct loader *l, const char *path, const char *buf,
			   size_t len)
{
	struct parse_diag d = { 0 };
	int r;

	if (!strcmp(path, "proc/meminfo")) {
		struct kv_list kv = { 0 };

		r = parse_meminfo(buf, len, &kv, &d);
		note_diag(l, path, r, &d);
		if (r == 0)
			put_kv_rows(l, ST_MEMINFO, NULL, NULL, &kv);
		kv_list_free(&kv);
	} else if (!strcmp(path, "proc/vmstat")) {
		struct kv_list kv = { 0 };

		r = parse_kv_list(buf, len, &kv, &d);
		note_diag(l, path, r, &d);
		if (r == 0)
			put_kv_rows(l, ST_VMSTAT, NULL, NULL, &kv);
		kv_list_free(&kv);
	} else if (!strcmp(path, "proc/pressure/memory")) {
		struct psi p = { 0 };

		r = parse_psi(buf, len, &p, &d);
		note_diag(l, path, r, &d);
		if (r == 0)
			load_psi_rows(l, ST_NODE_PRESSURE, NULL, &p);
	} else if (starts_with(path, "proc/sys/") || !strcmp(path, "proc/uptime") ||
		   !strcmp(path, "proc/loadavg") ||
		   starts_with(path, "sys/kernel/mm/transparent_hugepage/")) {
		const char *s = buf;
		size_t n = MIN(len, (size_t)4096);
		sqlite3_stmt *st = S(l, ST_SETTING);

		trim_span(&s, &n);
		sqlite3_bind_int64(st, 1, l->capture_id);
		db_bind_text(st, 2, path);
		db_bind_text_len(st, 3, s, n);
		put(l, st);
	}
}

/* ---- collector/ files ------------------------------------------------------ */

int parse_gomemlimit(const char *s, size_t len, uint64_t *ret)
{
	static const struct { const char *suffix; unsigned shift; } units[] = {
		{ "TiB", 40 }, { "GiB", 30 }, { "MiB", 20 }, { "KiB", 10 }, { "B", 0 },
	};
	uint64_t v;
	size_t i;

	trim_span(&s, &len);
	if (len == 3 && !memcmp(s, "off", 3)) {
		*ret = UINT64_MAX;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		size_t sl = strlen(units[i].suffix);

		if (len > sl && !memcmp(s + len - sl, units[i].suffix, sl)) {
			if (parse_u64(s, len - sl, &v) < 0 ||
			    (units[i].shift && v > (UINT64_MAX >> units[i].shift)))
				return -EINVAL;
			*ret = v << units[i].shift;
			return 0;
		}
	}
	if (parse_u64(s, len, &v) < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

static void load_go(struct loader *l, const char *path, const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *root, *env, *v;
	const char *gml = NULL;
	uint64_t gml_bytes = 0;
	bool gml_ok = false;
	sqlite3_stmt *st;
	json_int_t pid;

	root = json_loadb(buf, len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		add_problemf(l, path, "cannot parse: %s", root ? "not a JSON object" : jerr.text);
		goto out;
	}
	v = json_object_get(root, "pid");
	pid = json_is_integer(v) ? json_integer_value(v) : -1;
	if (pid <= 0 || pid > 0x7fffffff) {
		add_problem(l, path, "cannot parse: no valid 'pid'");
		goto out;
	}
	env = json_object_get(root, "env");
	if (env && !json_is_object(env)) {
		add_problem(l, path, "'env' is not an object, ignored");
		env = NULL;
	}
	v = json_object_get(env, "GOMEMLIMIT");
	if (json_is_string(v)) {
		gml = json_string_value(v);
		gml_ok = parse_gomemlimit(gml, strlen(gml), &gml_bytes) == 0;
		if (!gml_ok)
			add_problemf(l, path, "GOMEMLIMIT '%.40s' is not a valid limit", gml);
	}
	st = S(l, ST_GO);
	sqlite3_bind_int64(st, 1, l->capture_id);
	sqlite3_bind_int64(st, 2, (int64_t)pid);
	v = json_object_get(root, "go_version");
	db_bind_text(st, 3, json_is_string(v) ? json_string_value(v) : NULL);
	v = json_object_get(env, "GOGC");
	db_bind_text(st, 4, json_is_string(v) ? json_string_value(v) : NULL);
	db_bind_text(st, 5, gml);
	if (gml_ok && gml_bytes != UINT64_MAX)
		db_bind_u64(st, 6, gml_bytes);
	v = json_object_get(env, "GOMAXPROCS");
	db_bind_text(st, 7, json_is_string(v) ? json_string_value(v) : NULL);
	v = json_object_get(env, "GODEBUG");
	db_bind_text(st, 8, json_is_string(v) ? json_string_value(v) : NULL);
	sqlite3_bind_int(st, 9, env != NULL);
	put(l, st);
out:
	json_decref(root);
}

static void load_bpftool_maps(struct loader *l, const char *path,
			      const char *buf, size_t len)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };
	size_t i, j;
	int r;

	if (len == 0)
		return;
	r = parse_bpftool_maps(buf, len, &m, &d);
	note_diag(l, path, r, &d);
	if (r < 0)
		goto out;
	if (m.error)
		add_problemf(l, path, "bpftool said: %.300s", m.error);
	for (i = 0; i < m.n; i++) {
		const struct bpftool_map *b = &m.v[i];
		sqlite3_stmt *st = S(l, ST_BPFTOOL_MAP);
		int c = 1;

		if (!b->id.set)
			continue;
		sqlite3_bind_int64(st, c++, l->capture_id);
		db_bind_kv(st, c++, b->id);
		db_bind_text(st, c++, b->type);
		db_bind_text(st, c++, b->name);
		db_bind_kv(st, c++, b->flags);
		db_bind_kv(st, c++, b->bytes_key);
		db_bind_kv(st, c++, b->bytes_value);
		db_bind_kv(st, c++, b->max_entries);
		db_bind_kv(st, c++, b->bytes_memlock);
		db_bind_kv(st, c++, b->frozen);
		db_bind_kv(st, c++, b->btf_id);
		db_bind_text(st, c++, b->loaded_at);
		put(l, st);
		for (j = 0; j < b->npids; j++) {
			st = S(l, ST_BPFTOOL_PID);
			sqlite3_bind_int64(st, 1, l->capture_id);
			db_bind_kv(st, 2, b->id);
			db_bind_u64(st, 3, b->pids[j].pid);
			db_bind_text(st, 4, b->pids[j].comm);
			put(l, st);
		}
	}
out:
	bpftool_maps_free(&m);
}

static void load_k8s_list(struct loader *l, const char *path, bool pods,
			  const char *buf, size_t len)
{
	size_t pos = 0, ln = 0, bad = 0;
	const char *line;
	size_t n;

	while (next_line(buf, len, &pos, &line, &n)) {
		sqlite3_stmt *st;

		ln++;
		trim_span(&line, &n);
		if (!n)
			continue;
		if (pods) {
			struct k8s_pod_log p;

			if (k8s_parse_pod_log(line, n, &p) < 0)
				goto bad;
			st = S(l, ST_POD_LOG);
			sqlite3_bind_int64(st, 1, l->capture_id);
			db_bind_text(st, 2, p.namespace_);
			db_bind_text(st, 3, p.pod);
			db_bind_text(st, 4, p.pod_uid);
			db_bind_text(st, 5, p.container);
			put(l, st);
		} else {
			struct k8s_container_log c;

			if (k8s_parse_container_log(line, n, &c) < 0)
				goto bad;
			st = S(l, ST_CONTAINER_LOG);
			sqlite3_bind_int64(st, 1, l->capture_id);
			db_bind_text(st, 2, c.namespace_);
			db_bind_text(st, 3, c.pod);
			db_bind_text(st, 4, c.container);
			db_bind_text(st, 5, c.container_id);
			put(l, st);
		}
		continue;
bad:
		if (!bad++)
			add_problemf(l, path, "line %zu: '%.*s' is not a Kubernetes "
				     "log name, skipping", ln, (int)MIN(n, (size_t)80), line);
	}
}

/* ---- manifest ------------------------------------------------------------- */

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

static void load_manifest(struct loader *l, const char *path, const char *buf,
			  size_t len)
{
	struct manifest m;
	struct parse_diag d = { 0 };
	struct strbuf key = STRBUF_INIT;
	sqlite3_stmt *st;
	size_t i;
	int r, c = 1;

	r = parse_manifest(buf, len, &m, &d);
	note_diag(l, path, r, &d);
	if (r < 0)
		goto out;
	l->have_manifest = true;
	/* boot id + start on the monotonic clock identify one run on one node. */
	strbuf_addf(&key, "%s/%s/%.6f/%llu", m.hostname ? m.hostname : "?",
		    m.boot_id ? m.boot_id : "?",
		    m.started_monotonic_set ? m.started_monotonic : 0.0,
		    (unsigned long long)(m.collector_pid.set ? m.collector_pid.v : 0));
	if (already_loaded(l, key.buf)) {
		l->duplicate = true;
		goto out;
	}
	drop_incomplete_namesake(l);
	if (m.memory_root) {
		free(l->memory_root);
		l->memory_root = xstrdup(m.memory_root);
	}
	if (m.cgroup_mode) {
		free(l->cgroup_mode);
		l->cgroup_mode = xstrdup(m.cgroup_mode);
	}
	if (m.page_size.set && m.page_size.v >= 512 && m.page_size.v <= (1u << 24))
		l->page_size = m.page_size.v;
	st = db_prepare(l->db, "UPDATE capture SET capture_key = ?, format_version = ?, "
		"collector_version = ?, collector_pid = ?, hostname = ?, kernel_release = ?, "
		"kernel_version = ?, machine = ?, boot_id = ?, page_size = ?, started_at = ?, "
		"finished_at = ?, started_monotonic = ?, finished_monotonic = ?, "
		"started_boottime = ?, finished_boottime = ?, cgroup_mode = ?, memory_root = ?, "
		"complete = ?, interrupted = ?, manifest = ? WHERE capture_id = ?");
	db_bind_text(st, c++, key.buf);
	db_bind_kv(st, c++, m.format_version);
	db_bind_text(st, c++, m.collector_version);
	db_bind_kv(st, c++, m.collector_pid);
	db_bind_text(st, c++, m.hostname);
	db_bind_text(st, c++, m.kernel_release);
	db_bind_text(st, c++, m.kernel_version);
	db_bind_text(st, c++, m.machine);
	db_bind_text(st, c++, m.boot_id);
	db_bind_kv(st, c++, m.page_size);
	db_bind_text(st, c++, m.started_utc);
	db_bind_text(st, c++, m.finished_utc);
	db_bind_double(st, c++, m.started_monotonic, m.started_monotonic_set);
	db_bind_double(st, c++, m.finished_monotonic, m.finished_monotonic_set);
	db_bind_double(st, c++, m.started_boottime, m.started_boottime_set);
	db_bind_double(st, c++, m.finished_boottime, m.finished_boottime_set);
	db_bind_text(st, c++, m.cgroup_mode);
	db_bind_text(st, c++, l->memory_root);
	if (m.complete_set)
		sqlite3_bind_int(st, c++, m.complete);
	else
		sqlite3_bind_null(st, c++);
	db_bind_text(st, c++, m.interrupted);
	db_bind_text_len(st, c++, buf, len);
	sqlite3_bind_int64(st, c++, l->capture_id);
	sqlite3_step(st);
	sqlite3_finalize(st);
	for (i = 0; i < m.nproblems; i++) {
		const struct manifest_problem *p = &m.problems[i];

		st = S(l, ST_COLLECT_PROBLEM);
		sqlite3_bind_int64(st, 1, l->capture_id);
		db_bind_text(st, 2, p->path);
		db_bind_text(st, 3, p->kind);
		db_bind_kv(st, 4, p->err_no);
		db_bind_text(st, 5, p->error);
		db_bind_text(st, 6, p->action);
		put(l, st);
	}
out:
	strbuf_release(&key);
	manifest_free(&m);
}

/* ---- dispatch ---------------------------------------------------------------- */

/*
 * Without a manifest first, the memory hierarchy's place is inferred from
 * the first cgroup file: v1 and hybrid keep it at sys/fs/cgroup/memory, v2
 * at sys/fs/cgroup.
 */
static void guess_memory_root(struct loader *l, const char *path)
{
	if (l->memory_root)
		return;
	l->memory_root = xstrdup(starts_with(path, "sys/fs/cgroup/memory/") ?
				 "sys/fs/cgroup/memory" : "sys/fs/cgroup");
	l->memory_root_guessed = true;
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
static void flush_file_list(struct loader *l)
{
	sqlite3_stmt *st;

	if (!l->files_n)
		return;
	strbuf_addch(&l->files, '}');
	st = S(l, ST_FILE);
	sqlite3_bind_int64(st, 1, l->capture_id);
	db_bind_text_len(st, 2, l->files.buf, l->files.len);
	put_for(l, st, "(the list of the capture's files)");
	strbuf_reset(&l->files);
	l->files_n = 0;
}

#define FILE_LIST_CHUNK 1024

static void list_file(struct loader *l, const struct capture_file *f)
{
	strbuf_addch(&l->files, l->files_n ? ',' : '{');
	json_escape_bytes(&l->files, f->path, strlen(f->path));
	strbuf_addch(&l->files, ':');
	strbuf_add_u64(&l->files, f->len);
	if (++l->files_n == FILE_LIST_CHUNK)
		flush_file_list(l);
}

static void load_file(struct loader *l, const struct capture_file *f,
		      struct parsed_file *ahead)
{
	const char *p = f->path;

	list_file(l, f);
	l->stats->files++;
	l->stats->bytes += f->len;
	l->cur_path = p;
	l->cur_failed = false;
	if (!l->have_manifest)
		l->content_hash += file_hash(f);

	if (!strcmp(p, "manifest.json")) {
		if (l->have_manifest)
			add_problem(l, p, "a second manifest, ignored");
		else
			load_manifest(l, p, f->data, f->len);
		return;
	}
	if (starts_with(p, "proc/")) {
		const char *q = p + 5, *slash = strchr(q, '/');
		int64_t pid = slash ? span_pid(q, (size_t)(slash - q)) : -1;

		if (pid > 0)
			load_pid_file(l, p, pid, slash + 1, f->data, f->len, ahead);
		else
			load_node_file(l, p, f->data, f->len);
		return;
	}
	if (starts_with(p, "sys/fs/cgroup/") || (l->memory_root &&
						 starts_with(p, l->memory_root))) {
		struct strbuf cg = STRBUF_INIT;
		const char *file;

		guess_memory_root(l, p);
		if (cgroup_of(l, p, &cg, &file))
			load_cgroup_file(l, p, cg.buf, file, f->data, f->len);
		strbuf_release(&cg);
		return;
	}
	if (starts_with(p, "sys/")) {
		load_node_file(l, p, f->data, f->len);
		return;
	}
	if (!strcmp(p, "collector/kmsg.txt") || !strcmp(p, "collector/kmsg-syslog.txt")) {
		/* Parsed at the end, when the page size and clock are known. */
		if (!l->kmsg_path) {
			l->kmsg_path = xstrdup(p);
			l->kmsg_data = xstrndup(f->data, f->len);
			l->kmsg_len = f->len;
		}
		return;
	}
	if (!strcmp(p, "collector/bpftool-map.json")) {
		load_bpftool_maps(l, p, f->data, f->len);
		return;
	}
	if (starts_with(p, "collector/go/") && ends_with(p, ".json")) {
		load_go(l, p, f->data, f->len);
		return;
	}
	if (!strcmp(p, "collector/k8s-pod-logs.txt")) {
		load_k8s_list(l, p, true, f->data, f->len);
		return;
	}
	if (!strcmp(p, "collector/k8s-container-logs.txt")) {
		load_k8s_list(l, p, false, f->data, f->len);
		return;
	}
}

static void load_kmsg(struct loader *l)
{
	struct oom_log log = { 0 };
	char *err = NULL;
	int r;

	if (!l->kmsg_path)
		return;
	l->cur_path = l->kmsg_path;
	r = oom_log_parse(l->kmsg_data, l->kmsg_len, (unsigned)l->page_size, &log);
	if (r < 0) {
		add_problemf(l, l->kmsg_path, "cannot parse the kernel log: %s",
			     strerror(-r));
		goto out;
	}
	if (log.events_dropped)
		add_problemf(l, l->kmsg_path, "%zu OOM reports past the first %zu "
			     "were not stored", log.events_dropped, log.n);
	if (oom_store(l->db, l->capture_id, &log, &err) < 0)
		add_problemf(l, l->kmsg_path, "cannot store OOM events: %s", err);
	else
		l->stats->oom_events += log.n;
out:
	free(err);
	oom_log_free(&log);
}

/* After the last file: what needs every file seen first. */
/*
 * The per-cgroup numbers and names most views read, computed once now that
 * every file is in (cgroups_data, cgroup_names_data, cgroup_parts_data,
 * ...: schema/70-views.sql, 85-k8s-views.sql, 80-working-set.sql,
 * 95-report.sql); each reads only the tables filled before it.
 */
static void load_derived(struct loader *l)
{
	static const char *const sql[] = {
		"INSERT INTO cgroups_data SELECT * FROM cgroups_calc "
		"WHERE capture_id = ?",
		"INSERT INTO cgroup_names_data SELECT * FROM cgroup_names_calc "
		"WHERE capture_id = ?",
		"INSERT INTO cgroup_parts_data SELECT * FROM cgroup_parts_calc "
		"WHERE capture_id = ?",
		"INSERT INTO cgroup_headroom_data SELECT * FROM cgroup_headroom_calc "
		"WHERE capture_id = ?",
		"INSERT INTO cgroup_process_count_data SELECT * FROM "
		"cgroup_process_count_calc WHERE capture_id = ?",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sql); i++) {
		sqlite3_stmt *st = db_prepare(l->db, sql[i]);

		sqlite3_bind_int64(st, 1, l->capture_id);
		l->cur_path = "(the working-set tables)";
		l->cur_failed = false;
		put(l, st);
		sqlite3_finalize(st);
	}
}

static void load_finish(struct loader *l, struct capture *c)
{
	sqlite3_stmt *st;

	flush_misc(l);
	flush_cgroup_files(l);
	flush_file_list(l);
	load_kmsg(l);
	if (!l->have_manifest) {
		struct strbuf key = STRBUF_INIT;
		const char *mode = l->saw_v2_files ? "v2" :
				   l->saw_v1_files ? "v1" : NULL;

		/*
		 * No identity but the folder name and the files' contents: two
		 * captures of the same name are the same only when their files
		 * are.  (A capture cut by a limit hashes other files, so a
		 * later whole load of it is a second capture, not a
		 * replacement: the incomplete one is then replaced by name and
		 * source below.)
		 */
		strbuf_addf(&key, "name/%s/%016llx", capture_name(c),
			    (unsigned long long)l->content_hash);
		if (already_loaded(l, key.buf)) {
			l->duplicate = true;
		} else {
			drop_incomplete_namesake(l);
			add_problem(l, "manifest.json", "missing: the capture's time, "
				    "host and kernel are unknown");
			st = db_prepare(l->db, "UPDATE capture SET capture_key = ?, "
					"cgroup_mode = ?, memory_root = ? WHERE capture_id = ?");
			db_bind_text(st, 1, key.buf);
			db_bind_text(st, 2, mode);
			db_bind_text(st, 3, l->memory_root);
			sqlite3_bind_int64(st, 4, l->capture_id);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
		strbuf_release(&key);
	}
	if (l->duplicate)
		return;
	load_derived(l);
	/*
	 * The maps of the bpf_maps view, counted from its tables: through the
	 * view (its holders joined to processes) the count took 7% of a load.
	 */
	st = db_prepare(l->db, "SELECT count(*) FROM ("
			"SELECT map_id FROM bpf_fdinfo WHERE capture_id = ?1 "
			"AND map_id IS NOT NULL "
			"UNION SELECT map_id FROM bpftool_map_pid WHERE capture_id = ?1 "
			"UNION SELECT map_id FROM bpftool_map WHERE capture_id = ?1)");
	sqlite3_bind_int64(st, 1, l->capture_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		l->stats->bpf_maps = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
}

struct load_source {
	char *source;
	/* capture_name() when opened: the reader thread changes it as it reads
	 * (an archive's top folder), so it is only read again once stopped */
	char *name;
	struct capture *c;
	struct prefetch *pf;      /* NULL: no thread could start */
};

int load_source_open(const char *source, const struct capture_limits *lim,
		     struct load_source **ret, char **ret_err)
{
	static const struct prefetch_hooks hooks = {
		parsed_file_prepare, parsed_file_free,
	};
	struct load_source *s = xcalloc(1, sizeof(*s));

	*ret = NULL;
	if (capture_open(source, lim, &s->c, ret_err) < 0) {
		free(s);
		return -1;
	}
	s->source = xstrdup(source);
	s->name = xstrdup(capture_name(s->c));
	/* Without a thread (none could start), the loader reads it itself. */
	if (prefetch_start(s->c, &hooks, &s->pf) < 0)
		s->pf = NULL;
	*ret = s;
	return 0;
}

void load_source_close(struct load_source *s)
{
	if (!s)
		return;
	prefetch_stop(s->pf);
	capture_close(s->c);
	free(s->name);
	free(s->source);
	free(s);
}

int load_capture(sqlite3 *db, const char *source,
		 const struct capture_limits *lim, struct load_stats *stats,
		 char **ret_err)
{
	struct load_source *src = NULL;

	memset(stats, 0, sizeof(*stats));
	if (load_source_open(source, lim, &src, ret_err) < 0)
		return -1;
	return load_capture_from(db, src, stats, ret_err);
}

int load_capture_from(sqlite3 *db, struct load_source *src,
		      struct load_stats *stats, char **ret_err)
{
	struct loader l = { 0 };
	struct capture *c = src->c;
	const char *source = src->source;
	struct capture_file f;
	void *ahead = NULL;
	sqlite3_stmt *st;
	char *err = NULL;
	int r = -1, n;

	memset(stats, 0, sizeof(*stats));
	l.db = db;
	l.stats = stats;
	l.page_size = 4096;
	strbuf_init(&l.last_cgroup, 0);
	strbuf_init(&l.tmp, 0);
	strbuf_init(&l.files, 0);
	strbuf_init(&l.cg_files, 0);
	strbuf_init(&l.cg_files_of, 0);
	if (db_exec(db, "SAVEPOINT load_capture", &err) < 0) {
		err_set(ret_err, "cannot write '%s': %s", db_name(db), err);
		goto out;
	}
	st = db_prepare(db, "INSERT INTO capture(capture_key, source, name) VALUES "
			"('loading:' || ?, ?, ?)");
	db_bind_text(st, 1, source);
	db_bind_text(st, 2, source);
	db_bind_text(st, 3, src->name);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err_set(ret_err, "cannot write '%s': %s", db_name(db), sqlite3_errmsg(db));
		sqlite3_finalize(st);
		goto rollback;
	}
	sqlite3_finalize(st);
	l.capture_id = sqlite3_last_insert_rowid(db);
	stats->capture_id = l.capture_id;

	while ((n = src->pf ? prefetch_next(src->pf, &f, &ahead, capture_problem_cb,
					    &l, &err)
			    : capture_next(c, &f, capture_problem_cb, &l, &err)) > 0) {
		load_file(&l, &f, ahead);
		if (l.duplicate)
			break;
	}
	prefetch_stop(src->pf);
	src->pf = NULL;
	if (n < 0) {
		/*
		 * An archive that breaks before its first file is unreadable;
		 * a limit keeps what it let through, even nothing, as
		 * --max-entries and --max-total alike: the capture is then in
		 * the database, marked incomplete, and a load with higher
		 * limits replaces it.
		 */
		if (stats->files == 0 && !l.have_manifest && !capture_limit_stopped(c)) {
			err_set(ret_err, "cannot read '%s': %s", source, err);
			goto rollback;
		}
		add_problemf(&l, capture_name(c), "%s; what was read before is loaded",
			     err);
		stats->truncated = true;
		strlcpy_s(stats->stop_reason, err, sizeof(stats->stop_reason));
	}
	if (!l.duplicate)
		load_finish(&l, c);
	if (l.fatal) {
		err_set(ret_err, "cannot load '%s' into '%s': %s", source,
			db_name(db), l.fatal);
		goto rollback;
	}
	if (l.duplicate) {
		stats->duplicate = true;
		stats->capture_id = -1;
		db_exec(db, "ROLLBACK TO load_capture", NULL);
		db_exec(db, "RELEASE load_capture", NULL);
		r = 0;
		goto out;
	}
	st = db_prepare(db, "UPDATE capture SET load_complete = ? WHERE capture_id = ?");
	sqlite3_bind_int(st, 1, !stats->truncated && !capture_limit_skipped(c));
	sqlite3_bind_int64(st, 2, l.capture_id);
	r = db_step_reset(st);
	sqlite3_finalize(st);
	if (r < 0 || db_exec(db, "RELEASE load_capture", &err) < 0) {
		r = -1;
		err_set(ret_err, "cannot write '%s': %s", db_name(db),
			err ? err : sqlite3_errmsg(db));
		goto rollback;
	}
	r = 0;
	goto out;
rollback:
	db_exec(db, "ROLLBACK TO load_capture", NULL);
	db_exec(db, "RELEASE load_capture", NULL);
out:
	prefetch_stop(src->pf);
	src->pf = NULL;
	for (n = 0; n < ST__COUNT; n++)
		sqlite3_finalize(l.st[n]);
	free(err);
	free(l.fatal);
	free(l.memory_root);
	free(l.cgroup_mode);
	free(l.kmsg_path);
	free(l.kmsg_data);
	strbuf_release(&l.last_cgroup);
	strbuf_release(&l.tmp);
	strbuf_release(&l.files);
	strbuf_release(&l.cg_files);
	strbuf_release(&l.cg_files_of);
	free(l.misc.cmdline);
	free(l.misc.memcg);
	load_source_close(src);
	return r;
}
