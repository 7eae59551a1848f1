/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_LOADER_H
#define MEMSNAP_LOADER_H
/*
 * Inside the loader (load.h is its interface).  A capture's files go
 *
 *   many.c    many captures: N read and parsed at once, one writer
 *   load.c    reads the capture, file by file, and finishes the load
 *   route.c   the routing table: path pattern -> loader function -> table
 *   ahead.c   the routes' parsers run on the reader thread (route.ahead)
 *   rows.c    one column list per table, the INSERTs made from them
 *   proc.c cgroup.c node.c kmsg.c bpf.c k8s.c meta.c
 *             a source family each: call one parser (analyze/parse/), store
 *             its result through rows.c; they never parse text themselves
 *
 * Adding a captured file: a row in collect/sources.c and a row in route.c's
 * table; when it is of a new format, its parser (analyze/parse/) and a
 * loader here that stores what the parser returns; when its rows go to a
 * new table, that table in schema/ and its column list in rows.c (with
 * its id below).  A file of a format the loader has (key/value, PSI, one
 * value, a setting) going to a table it has is the two rows only.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/capture/manifest.h"
#include "analyze/load/load.h"
#include "analyze/oom/oom.h"
#include "analyze/parse/parse.h"
#include "common/util.h"

/* ---- the tables the loader writes (rows.c) ------------------------------- */

enum table_id {
	T_LOAD_PROBLEM,
	T_COLLECT_PROBLEM,
	T_CAPTURE,          /* the manifest's columns (an UPDATE of the row) */
	T_CAPTURE_FILE,
	T_PROC_STATUS,
	T_PROC_SMAPS,
	T_PROC_EXTRA,
	T_PROC_CGROUP,
	T_PROC_MISC,
	T_PROC_GO,
	T_CG_NODE,
	T_CG_FILE,
	T_CG_STAT,
	T_CG_MEMSTAT,
	T_CG_EVENT,
	T_CG_PRESSURE,
	T_CG_PROC,
	T_NODE_MEMINFO,
	T_NODE_VMSTAT,
	T_NODE_PRESSURE,
	T_NODE_SETTING,
	T_BPF_FDINFO,
	T_BPFTOOL_MAP,
	T_BPFTOOL_MAP_PID,
	T_K8S_POD_LOG,
	T_K8S_CONTAINER_LOG,
	T_CG_SUBSYS,        /* proc/cgroups (deeper.c) */
	T_TMPFS,
	T_PROC_HEAP,
	T_KUBELET_SETTING,
	T_JOURNAL_KILL,
	T__COUNT,
	T_NONE = T__COUNT   /* a route whose rows another module stores */
};

/*
 * A column filled from a field of a parser's struct (its offset): the
 * column's name and the field's type are said once, next to each other.
 */
enum col_type {
	COL_KV,             /* struct kv_u64: NULL when unset */
	COL_U64,            /* uint64_t (NULL past 2^63 - 1, as db_bind_u64()) */
	COL_I64,            /* int64_t */
	COL_TEXT,           /* char *: NULL when NULL */
	COL_CHARS,          /* char[]: as it is, "" too */
	COL_CHARS_OR_NULL,  /* char[]: NULL when "" */
	COL_BOOL,           /* bool */
	COL_DOUBLE,         /* double, with a bool "set" at set_offset */
	COL_BOOL_SET,       /* bool, with a bool "set" at set_offset */
};

struct col {
	const char *name;
	enum col_type type;
	size_t offset;
	size_t set_offset;        /* COL_NO_SET: none */
};

#define COL_NO_SET ((size_t)-1)
#define COL(type_, name_, st_, field_) \
	{ name_, type_, offsetof(struct st_, field_), COL_NO_SET }
#define COL_SET(type_, name_, st_, field_, set_) \
	{ name_, type_, offsetof(struct st_, field_), offsetof(struct st_, set_) }

/*
 * One statement that stores rows:
 *   verb table(keys, cols...) VALUES (?, ...) tail
 * `keys` are the columns the caller binds (1, 2, ...), `cols` those bound
 * from a struct after them by rows_bind().  With `schema_cols`, the
 * table's other columns, as the schema lists them, follow `keys` (see
 * cgroup_memstat).  verb "UPDATE" makes
 *   UPDATE table SET cols = ?, ... WHERE keys = ?, ...
 * with cols first.
 */
struct row_spec {
	const char *verb;         /* "INSERT", "INSERT OR REPLACE", ... */
	const char *table;
	const char *keys;         /* "capture_id, pid" */
	const struct col *cols;
	size_t ncols;
	bool schema_cols;
	const char *tail;         /* "ON CONFLICT ...", or NULL */
};

extern const struct row_spec row_specs[T__COUNT];

/* The SQL of spec into sb (reset first); db only for schema_cols. */
void rows_sql(sqlite3 *db, const struct row_spec *spec, struct strbuf *sb);
/* The columns of a table past its first `skip`, in schema order. */
void table_columns(sqlite3 *db, const char *table, size_t skip,
		   char ***ret, size_t *ret_n);
/* Rows a statement of a batched table (row_start()). */
#define ROWS_BATCH 16
/* The INSERT of ROWS_BATCH rows of spec into sb (all of them when whole,
   else those whose capture_id is not NULL); returns a row's parameters. */
int rows_batch_sql(sqlite3 *db, const struct row_spec *spec, bool whole,
		   struct strbuf *sb);
/* The statement of a table, prepared (db_prepare(): dies on bad SQL). */
sqlite3_stmt *rows_prepare(sqlite3 *db, enum table_id id);
/* Bind spec->cols from base, from parameter `first` on; returns the next. */
int rows_bind(sqlite3_stmt *st, int first, const struct row_spec *spec,
	      const void *base);

/* ---- the state of one load -------------------------------------------- */

/*
 * What the loader makes from the schema once per database rather than once
 * per capture (load_cache_new()): preparing its ~30 statements took a
 * twentieth of the writer's time of a load of many captures.
 */
#define LOAD_DERIVED_N 6
struct load_cache {
	sqlite3_stmt *st[T__COUNT];
	/* the tables stored ROWS_BATCH rows a statement (rows.c's row_start()) */
	sqlite3_stmt *batch[T__COUNT];
	sqlite3_stmt *batch_part[T__COUNT];  /* the same, fewer rows */
	/* the same with the table's own verb (rows.c's batch_put()) */
	sqlite3_stmt *batch_own[T__COUNT];
	sqlite3_stmt *batch_part_own[T__COUNT];
	int batch_params[T__COUNT];   /* the parameters of one row */
	sqlite3_stmt *derived[LOAD_DERIVED_N];  /* load.c's load_derived() */
	sqlite3_stmt *proc_sums, *proc_sums_insert;  /* counts.c */
	/* cgroup_memstat's memory.stat keys (its columns), sorted, and
	   each one's parameter in the INSERT */
	struct memstat_key *memstat_keys;
	size_t memstat_nkeys;
	/* the parameter of each key of the last memory.stat read, by place
	   (the next file has the same keys in the same order) */
	struct memstat_key *memstat_at;
	size_t memstat_at_n;
};

struct loader {
	sqlite3 *db;
	int64_t capture_id;
	struct load_cache *cache;
	unsigned pending[T__COUNT]; /* rows bound in cache->batch[], not stored */
	struct load_stats *stats;
	char *memory_root;        /* archive path of the memory hierarchy */
	bool have_manifest;
	bool duplicate;
	bool raw;                 /* store the raw rows (load_set_raw()) */
	uint64_t content_hash;    /* of the files read before a manifest */
	char *fatal;              /* the load cannot go on: why */
	char *cgroup_mode;        /* from the manifest, or inferred */
	bool saw_v1_files, saw_v2_files;
	uint64_t page_size;
	const char *cur_path;     /* the file being loaded, for put() */
	bool cur_failed;          /* put() already reported for cur_path */
	struct strbuf last_cgroup; /* cgroup_node insert cache */
	struct strbuf cur_cgroup;  /* the cgroup of the file being loaded
				      (load.c: one buffer, not one a file) */
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
	/* cgroup_proc's rows not yet stored (cgroup.c's flush_cgroup_procs()) */
	struct cg_procs {
		struct cg_proc_group {
			size_t name;      /* the cgroup: its offset in names */
			const char *cgroup;  /* the same, once names is whole */
			size_t first, n;  /* its pids */
		} *groups;
		size_t ngroups, groups_alloc;
		int64_t *pids;
		size_t npids, pids_alloc;
		struct strbuf names;
	} cg_procs;
	/* cgroup_file_data's row of the cgroup whose files are being read */
	struct strbuf cg_files_of;  /* the cgroup; empty: none */
	struct strbuf cg_files;     /* its JSON object, without the '}' */
	struct strbuf files;      /* capture_file_data's JSON, not yet stored */
	size_t files_n;           /* how many files it holds */
	/* OOM logs are parsed once the manifest (page size, clock) is known. */
	char *kmsg_path;
	char *kmsg_data;
	size_t kmsg_len;
	/* the reader's parse of it (at KMSG_AHEAD_PAGE_SIZE), taken over */
	bool kmsg_ahead;
	int kmsg_ahead_r;
	struct oom_log kmsg_log;
	/* the BPF map ids stored (bpf.c), for the load's count of maps */
	uint64_t *map_ids;
	size_t map_ids_n, map_ids_alloc;
	struct str_block *texts[T__COUNT];  /* rows.c: the batches' texts */
	sqlite3_stmt *sample_st[6]; /* samples.c's statements */
	struct sample_spans *spans; /* samples.c: the later samples' spans */
};

/* The statement of a table, prepared on first use. */
sqlite3_stmt *S(struct loader *l, enum table_id id);
/*
 * A row of table t: bind its columns to the statement returned, at `base`
 * + 1, + 2, ... (every one of them, NULLs too: a batch's parameters keep
 * the values of its last rows), then row_done().  The tables with many
 * rows a capture are stored ROWS_BATCH rows a statement (SQLite's work per
 * statement, a third of a small row's, is paid once a batch); the others
 * one a statement, as put().  Rows reach the table in the order they were
 * made; rows_flush() stores what is pending, before anything reads them.
 */
sqlite3_stmt *row_start(struct loader *l, enum table_id t, int *ret_base);
void row_done(struct loader *l, enum table_id t, sqlite3_stmt *st);
/*
 * A text (NULL: a NULL) of a row of table t as parameter idx of st: kept
 * by the loader until its batch is stored (db_bind_text() for a table not
 * batched).  row_bind() binds the spec's columns with it.
 */
void row_text(struct loader *l, enum table_id t, sqlite3_stmt *st, int idx,
	      const char *s);
void row_text_len(struct loader *l, enum table_id t, sqlite3_stmt *st, int idx,
		  const char *s, size_t len);
int row_bind(struct loader *l, enum table_id t, sqlite3_stmt *st, int first,
	     const void *base);
void rows_texts_free(struct loader *l);
void rows_flush(struct loader *l);
/* Run an INSERT and reset it; a failure is a problem of the current file. */
void put(struct loader *l, sqlite3_stmt *st);
/* put() for a row gathered from several files: a failure names `what`. */
void put_for(struct loader *l, sqlite3_stmt *st, const char *what);
void add_problem(struct loader *l, const char *path, const char *problem);
void add_problemf(struct loader *l, const char *path, const char *fmt, ...)
	ATTR_PRINTF(3, 4);
/*
 * A parser's diagnostics: r < 0 "cannot parse: why"; else "parsed with
 * problems: what".
 */
void note_diag(struct loader *l, const char *path, int r,
	       const struct parse_diag *d);
/*
 * For the parsers that skip what they cannot read line by line and say it
 * of the first one ("line 3: 'x' is not a pid, skipping"): that message.
 */
void note_skipped(struct loader *l, const char *path, const struct parse_diag *d);
/*
 * A row of table t for each of the n elements of v (each `size` bytes):
 * capture_id, then key (a text, unless NULL), then the spec's cols from
 * the element.
 */
void put_rows(struct loader *l, enum table_id t, const char *key,
	      const void *v, size_t n, size_t size);
/* A number for the JSON rows: null past 2^63 - 1 (as db_bind_u64()). */
void json_u64(struct strbuf *sb, uint64_t v);

/* ---- routing (route.c) -------------------------------------------------- */

/* What a path is relative to. */
enum route_scope {
	IN_CAPTURE,         /* the capture's top folder */
	IN_PROCESS,         /* proc/<pid>/ */
	IN_CGROUP,          /* a memory cgroup's folder */
};

struct route;

/*
 * A file parsed on the reader thread (ahead.c): which parser, its result
 * and diagnostics, and what it returned.
 */
enum parsed_kind {
	PARSED_NONE,
	PARSED_STATUS,      /* parse_status(), u.status, extras */
	PARSED_SMAPS,       /* parse_smaps_rollup(), u.smaps, extras */
	PARSED_KV,          /* parse_kv_list(), u.kv */
	PARSED_MEMINFO,     /* parse_meminfo(), u.kv */
	PARSED_PIDS,        /* parse_pid_list(), u.pids */
	PARSED_PROC_CGROUP, /* parse_proc_cgroup(), u.cgroup */
	PARSED_FDINFO,      /* parse_bpf_fdinfo(), u.fdinfo */
	PARSED_BPFTOOL,     /* parse_bpftool_maps(), u.maps */
	PARSED_ONE_VALUE,   /* parse_one_value(), u.one */
	PARSED_PSI,         /* parse_psi(), u.psi */
	PARSED_MANIFEST,    /* parse_manifest(), u.manifest */
	PARSED_KMSG,        /* oom_log_parse() at KMSG_AHEAD_PAGE_SIZE, u.kmsg */
};

/*
 * The page size the reader parses a kernel log at: it does not know the
 * capture's (the manifest's, kmsg.c); the writer parses again for another.
 */
#define KMSG_AHEAD_PAGE_SIZE 4096

struct parsed_file {
	enum parsed_kind kind;      /* PARSED_NONE: a route only (below) */
	/*
	 * The route the reader found for the file, as load_file() looks it
	 * up in `scope` (the same name in the path for a scope: route_find()
	 * of it is the same on either thread); the writer takes it when it
	 * places the file in the same scope.  Files without a parser share
	 * one read-only parsed_file a route (parsed_route_only()).
	 */
	enum route_scope scope;
	const struct route *route;  /* NULL: none matches */
	int r;                      /* the parser's result */
	struct parse_diag d;
	union {
		struct proc_status status;
		struct smaps_rollup smaps;
		struct kv_list kv;
		struct pid_list pids;
		struct proc_cgroup cgroup;
		struct bpf_fdinfo fdinfo;
		struct bpftool_maps maps;
		struct one_value one;
		struct psi psi;
		struct manifest manifest;
		struct oom_log kmsg;
	} u;
	struct strbuf extras;       /* status, smaps_rollup: the keys without
				       a column as JSON when load_raw(); else
				       empty, as when there are none; a one
				       value: its cgroup_file_data member
				       (one_value_json()) */
};

/* load_set_raw()'s setting. */
bool load_raw(void);

/* The file being loaded, as load.c found it. */
struct file_in {
	const char *path;         /* in the capture */
	const char *buf;
	size_t len;
	const char *name;         /* the part of path the route matched */
	int64_t pid;              /* IN_PROCESS: the process */
	const char *cgroup;       /* IN_CGROUP: "/", "/kubepods/..." */
	struct parsed_file *ahead; /* parsed on the reader thread, or NULL */
	const struct route *route;
};

struct route {
	enum route_scope scope;
	/* relative to the scope; '*' is any name (no '/'), '**' anything */
	const char *pattern;
	void (*load)(struct loader *l, const struct file_in *f);  /* NULL: listed only */
	enum table_id table;      /* where its rows go (the first, for several) */
	/* how the reader thread parses it ahead (prefetch_hooks), or 0 */
	enum parsed_kind ahead;
};

extern const struct route routes[];
extern const size_t routes_nr;

/* The first route of scope whose pattern matches name, or NULL. */
const struct route *route_find(enum route_scope scope, const char *name);
/* Does a route pattern match name? */
bool route_match(const char *pattern, const char *name);

/* ---- parsing ahead (ahead.c) -------------------------------------------- */

/* buf parsed by kind's parser (NULL for PARSED_NONE); any thread. */
struct parsed_file *parsed_file_new(enum parsed_kind kind, const char *buf,
				    size_t len);
void parsed_file_free(void *pf);
/* What the reader makes of a file without a parser: its route in scope
   (NULL: none), shared, never freed. */
struct parsed_file *parsed_route_only(enum route_scope scope,
				      const struct route *r);
/*
 * The file f parsed by kind's parser: f->ahead when the reader made it
 * with that parser, else parsed now into own.  parsed_put() frees own when
 * it was used.
 */
struct parsed_file *parsed_get(const struct file_in *f, enum parsed_kind kind,
			       struct parsed_file *own);
void parsed_put(struct parsed_file *pf, struct parsed_file *own);

/* ---- the source families ------------------------------------------------ */

/* meta.c: manifest.json, the capture's identity */
void load_manifest(struct loader *l, const struct file_in *f);
void meta_finish(struct loader *l, const char *capture_name);
void guess_memory_root(struct loader *l, const char *path);
void list_file(struct loader *l, const struct capture_file *f);
void flush_file_list(struct loader *l);

/* proc.c: proc/<pid>/..., collector/go/<pid>.json */
void load_status(struct loader *l, const struct file_in *f);
void load_smaps(struct loader *l, const struct file_in *f);
void load_proc_cgroup(struct loader *l, const struct file_in *f);
void load_oom_score_adj(struct loader *l, const struct file_in *f);
void load_cmdline(struct loader *l, const struct file_in *f);
void load_go(struct loader *l, const struct file_in *f);
void flush_misc(struct loader *l);

/* cgroup.c: a memory cgroup's files */
void cgroup_file_seen(struct loader *l, const char *cgroup, const char *file);
void load_memstat(struct loader *l, const struct file_in *f);
void load_cgroup_procs(struct loader *l, const struct file_in *f);
void load_one_value(struct loader *l, const struct file_in *f);
/* A one-value file's member of cgroup_file_data's object: "name":[v,0] */
void one_value_json(struct strbuf *sb, const char *name, const struct one_value *v);
void flush_cgroup_files(struct loader *l);
/* Store cgroup_proc's rows read so far (load.c: when the memory
   hierarchy's files end, and at the end). */
void flush_cgroup_procs(struct loader *l);
void cg_procs_free(struct cg_procs *cp);
void memstat_keys_free(struct load_cache *c);
/*
 * Bind memory.stat's keys the working-set formulas read (cgroup_memstat's
 * columns past capture_id, cgroup) as parameters 3, 4, ... of st; returns
 * how many there are.
 */
size_t memstat_bind_keys(struct loader *l, sqlite3_stmt *st, const struct kv_list *kv);

/* samples.c: samples/index.tsv and samples/<k>/... (schema/36-samples.sql) */
void load_sample_file(struct loader *l, const char *path, const char *buf, size_t len);
void samples_finish(struct loader *l);
void samples_close(struct loader *l);

/* node.c; its key/value and PSI rows serve cgroup.c too (f->cgroup) */
void load_kv_rows(struct loader *l, const struct file_in *f);
void load_meminfo(struct loader *l, const struct file_in *f);
void load_psi(struct loader *l, const struct file_in *f);
void load_setting(struct loader *l, const struct file_in *f);

/* counts.c: cgroup_process_count_data of the capture being loaded */
void load_process_counts(struct loader *l);

/* kmsg.c */
void keep_kmsg(struct loader *l, const struct file_in *f);
void load_kmsg(struct loader *l);

/* bpf.c */
void load_fdinfo(struct loader *l, const struct file_in *f);
void load_bpftool_maps(struct loader *l, const struct file_in *f);
/* The BPF maps the capture's rows name (the bpf_maps view's maps). */
uint64_t bpf_maps_count(struct loader *l);

/* k8s.c */
void load_pod_logs(struct loader *l, const struct file_in *f);
/* deeper.c */
void load_proc_cgroups(struct loader *l, const struct file_in *f);
void load_tmpfs(struct loader *l, const struct file_in *f);
void load_heap(struct loader *l, const struct file_in *f);
void load_container_logs(struct loader *l, const struct file_in *f);

/* kubelet.c: collector/kubelet.txt, collector/journal-kills.txt */
struct kubelet_row {
	const char *key;          /* "evictionHard" */
	const char *source;       /* "cmdline", "config", ... */
	const char *value;        /* as captured */
	struct kv_u64 memory_bytes;  /* memory.available (eviction) or memory (reserved) */
	bool memory_pct_set;
	double memory_pct;        /* the same, as a percentage of capacity */
};
void load_kubelet_settings(struct loader *l, const struct file_in *f);
void load_journal_kills(struct loader *l, const struct file_in *f);

#endif
