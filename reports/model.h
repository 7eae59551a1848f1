/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_REPORT_MODEL_H
#define MEMSNAP_REPORT_MODEL_H
/*
 * The report's data model: what `memsnap report` shows, read from the public
 * SQL views (schema/70..95-*.sql) by report_load() and nothing else.  The
 * renderers (text.c, html.c, json.c) only format it: every number they show
 * is a field here, and every field came out of one of the queries kept in
 * report_capture.queries, so a reader can re-run it with `memsnap sql`.
 *
 * Strings are as the capture holds them: untrusted bytes (terminal escapes,
 * markup, invalid UTF-8).  The renderers make them safe, each through its
 * one writer: term_escape(), html_text()/html_attr(), jsonw.
 *
 * Sizes are bytes; NULL in SQL is an unset rnum/rreal, never 0.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/util.h"

struct rnum {
	int64_t v;
	bool set;
};

struct rreal {
	double v;
	bool set;
};

/* The queries a report runs per capture, in the order it shows them. */
enum report_query_id {
	RQ_CAPTURE,
	RQ_NODE,
	RQ_PARTS,
	RQ_CONTAINERS,
	RQ_NODE_REST,
	RQ_SAMPLES,             /* these three: only for two samples or more */
	RQ_GROWTH,
	RQ_GROWTH_SAMPLES,
	RQ_FINDINGS,
	RQ_FINDINGS_1,          /* the text report's of one sample: findings_now_1 */
	RQ_OOM,
	RQ_OOM_COUNTERS,
	RQ_OOM_TASKS,
	RQ_OOM_GROUP,
	RQ_PROCESSES,
	RQ_BPF_OWNERS,
	RQ_BPF_MAPS,
	RQ_PROBLEMS,
	/* issue 16's sections (reports/deeper.h) */
	RQ_DYING, RQ_THROTTLED, RQ_TMPFS, RQ_EVICTION, RQ_KILLS, RQ_HEAPS,
	RQ_COUNT,
};

struct report_query {
	const char *key;        /* stable id: "containers", "oom_kills", ... */
	char *sql;              /* exactly the text that ran */
};

/* Processes shown at most, per capture (the query's LIMIT). */
#define REPORT_TOP_PROCESSES 20

struct report_node {
	struct rnum mem_total, mem_available, mem_free, working_set,
		    kubelet_available, swap_total, swap_used, bpf_maps;
	struct rreal psi_some_avg10, psi_full_avg10, psi_some_avg60, psi_full_avg60;
	/* report_node_rest: the containers' working sets summed, what of them
	 * the node's working set leaves out (their kernel memory and swap
	 * cache) and why, and the node's working set outside the containers
	 * (signed) */
	struct rnum containers_total, left_out, rest;
	char *left_out_reason;
};

/* One of the report's parts of a working set (working_set_parts, in its
 * order): every renderer draws and names the parts from this list. */
struct report_part {
	char *part;                     /* "anon", ...: the JSON's <part>_bytes */
	char *label, *letter, *colour;  /* colour: a palette name ("blue") */
	char *meaning;
};

/* One row of report_containers. */
struct report_container {
	char *cgroup, *kind, *name, *group, *subgroup;
	char *namespace_, *pod, *container, *qos_class;
	/* whose limit effective_limit is: "own", "parent", "above", NULL */
	char *limit_scope;
	/* unreclaimable: working_set - reclaimable, what stays without swap */
	struct rnum working_set, limit, effective_limit, reclaimable, unreclaimable;
	struct rreal working_set_pct, unreclaimable_pct;
	/* memory.high (cgroup v2), where the kernel throttles: unset for none */
	struct rnum high;
	/* bytes of each of report_capture.parts (report_containers'
	 * <part>_bytes): they add up to working_set; unset: unknown */
	struct rnum *parts;
	/* kernel: all kernel memory charged (BPF maps included) */
	struct rnum kernel, bpf_maps, bpf_held, swap, oom_kill_count, processes;
};

/* One row of findings (with the cgroup's readable name). */
struct report_finding {
	char *cgroup, *name, *severity, *code, *title, *evidence, *query;
	struct rnum severity_rank;       /* finding_severities.rank: the order */
};

/* One row of oom_made_of: what an OOM report's memory was made of. */
struct report_oom_made_of {
	char *source;                    /* memcg_stats, meminfo; NULL: not in the log */
	char *cgroup;                    /* memcg_stats: the first block's cgroup */
	char *kernel_keys;               /* what kernel sums: "kernel", "slab, ...", "kmem" */
	struct rnum cgroups, anon, file, shmem, kernel, sock, swap, free, total;
};

/* One memcg counter line of an OOM report (oom_memcg_counter). */
struct report_oom_counter {
	char *name;                      /* memory, memory+swap, kmem, swap, ... */
	struct rnum usage, limit, unlimited, failcnt;
};

/* One of the largest rows of an OOM report's task table (oom_task). */
struct report_oom_task {
	struct rnum pid, uid, rss, swap, oom_score_adj;
	char *name;
};

/* A task killed with the victim for memory.oom.group (oom_kill). */
struct report_oom_kill {
	struct rnum pid;
	char *comm;
};

/* The OOM tasks shown at most per event (the query's rank). */
#define REPORT_OOM_TOP_TASKS 5

/*
 * One row of oom_kills (the public view, every column), with its
 * oom_event lines, the made-of rows and the details (counters, the largest
 * tasks, memory.oom.group kills).  `memsnap oom` and the report's OOM
 * section render this one struct.
 */
struct report_oom {
	int64_t capture_id, event;
	struct rreal kernel_time;        /* seconds since boot */
	char *wall_time, *trigger_comm, *constraint, *oom_memcg, *task_memcg,
	     *killed_comm, *namespace_, *pod, *container, *cgroup_name;
	struct rnum trigger_pid, killed_pid, uid, total_vm, anon_rss, file_rss,
		    shmem_rss, pgtables, memcg_usage, memcg_limit, oom_score_adj;
	bool complete;
	/* the chosen task and what happened (outcome: killed,
	 * no_killable_process, victim_exiting, unknown_log_cut) */
	struct rnum chosen_pid, chosen_is_victim, chosen_score;
	char *chosen_comm, *kernel_release, *kind, *pod_uid, *container_id, *outcome;
	/* wall_time_source: capture, log, NULL; wall_time_unknown: why it is NULL */
	char *wall_time_source, *wall_time_unknown, *log_time;
	/* oom_event: where in the log, what is missing, the failed allocation */
	struct rnum first_line, last_line, alloc_order, reaped;
	char *missing, *gfp, *oom_group_memcg;
	/* 1: Kubernetes sees the kill (the container's init died, or
	 * memory.oom.group killed the whole container); 0: it does not (a
	 * child process); unset: unknown or not a Kubernetes container */
	struct rnum k8s_visible;
	/* made_of: the memcg's stats, else Mem-Info; node: Mem-Info when
	 * made_of is the memcg's stats */
	struct report_oom_made_of made_of, node;
	struct report_oom_counter *counters;
	size_t ncounters;
	struct report_oom_task *tasks;   /* the largest by rss */
	size_t ntasks_shown;
	struct rnum ntasks;              /* rows in the task table */
	bool trigger_in_table;
	struct report_oom_kill *group;
	size_t ngroup;
};

/* One row of process_shares (the top REPORT_TOP_PROCESSES). */
struct report_process {
	int64_t pid;
	char *comm, *cgroup, *cgroup_name;
	struct rnum rss, pss, pss_anon, pss_file, pss_shmem, swap;
	struct rreal share_pct;
};

/* BPF map memory per holding process (pid unset: maps no process holds). */
struct report_bpf_owner {
	struct rnum pid;
	char *comm, *cgroup, *cgroup_name;
	int64_t maps;
	struct rnum memlock;
};

struct report_bpf_map {
	int64_t map_id;
	char *name, *type, *holders;     /* holders: "comm (pid), ..." */
	struct rnum max_entries, memlock;
};

/* One row of report_problems. */
struct report_problem {
	char *source, *kind, *what, *example, *error;
	bool normal;
	int64_t files;
};

struct report_growth;                    /* reports/growth.h */
struct report_deeper;

struct report_capture {
	int64_t capture_id;
	char *name, *hostname, *kernel_release, *cgroup_mode, *started_at,
	     *finished_at, *collector_version, *interrupted;
	bool complete;
	struct rreal started_monotonic;
	struct rnum bpf_maps_charged;    /* 1: Linux 5.11+ charges maps to a memcg;
					    unset: the kernel version is unknown */
	struct rnum bpf_memlock_exact;   /* 1: Linux 6.4+, memlock is the real usage */
	struct report_node node;
	struct report_part *parts;       /* the working set's parts */
	size_t nparts;
	bool kubernetes;                 /* containers are Kubernetes containers */
	struct report_container *containers;
	size_t ncontainers;
	struct report_growth *growth;    /* What grew; NULL: one sample */
	struct report_finding *findings;
	size_t nfindings;
	struct report_oom *ooms;
	size_t nooms;
	struct report_process *processes;
	size_t nprocesses;
	struct report_bpf_owner *bpf_owners;
	size_t nbpf_owners;
	struct report_bpf_map *bpf_maps;
	size_t nbpf_maps;
	struct report_problem *problems;
	size_t nproblems;
	int64_t problem_files;           /* sum of files over !normal problems */
	struct report_deeper *deeper;    /* issue 16's sections (reports/deeper.h) */
	struct report_query queries[RQ_COUNT];
};

struct report {
	struct report_capture *captures;
	size_t ncaptures;
	char *source;                    /* as named on the command line: a base name */
	const char *version;             /* memsnap's */
};

/*
 * Fill r from db: every capture, or only capture_id when it is > 0.
 * show_queries false: no renderer shows the queries (the text report), so
 * a query may be another that gives the rows it shows for less work
 * (report_findings_now for a capture of one sample; the top processes
 * from process_shares_unranked, found by pid); the queries kept in r are
 * then those that ran.  Returns 0, or -1 with *ret_err set (an SQL error, or no such
 * capture).  Never prints.
 */
int report_load(sqlite3 *db, int64_t capture_id, const char *source_name,
		bool show_queries, struct report *r, char **ret_err);
/*
 * The same with the queries on the connections of pool (analyze/db/pool.h),
 * db the caller's; pool NULL: db's alone (report_load()).  copy_from: the
 * file of db, whose captures are each copied alone into memory
 * (db_copy_captures(), under the budget d) and read there on one
 * connection, inside db's read transaction; NULL: read in place.
 */
struct db_pool;
struct db_deadline;
int report_load_pool(struct db_pool *pool, sqlite3 *db, int64_t capture_id,
		     const char *source_name, bool show_queries, const char *copy_from,
		     struct db_deadline *d, struct report *r, char **ret_err);
void report_free(struct report *r);
/*
 * Fill r with capture_id's OOM events only (what `memsnap oom` shows):
 * the same queries as report_load()'s OOM section.  Never prints.
 */
int report_load_ooms(sqlite3 *db, int64_t capture_id, const char *source_name,
		     struct report *r, char **ret_err);

/* The renderers.  Output is appended to out; deterministic. */
struct report_text_opts {
	bool color;
	size_t max_containers;           /* 0: all */
};
void report_render_text(const struct report *r, const struct report_text_opts *o,
			struct strbuf *out);
void report_render_html(const struct report *r, struct strbuf *out);
void report_render_json(const struct report *r, struct strbuf *out);
/*
 * The OOM events of c, one block each (text_oom.c): `memsnap oom` with
 * detail (the trigger, the victim's relation to it, the largest tasks),
 * the report's OOM section without.  input names the log in each event's
 * title.  Every line both show is the same.
 */
void report_render_oom_text(const struct report_capture *c, const char *input,
			    bool detail, struct strbuf *out);
/* The OOM events of c as a JSON array of objects, one per event (json.c). */
void report_render_oom_json(const struct report_capture *c, struct strbuf *out);

/* Shared by the renderers. */
const char *report_query_title(enum report_query_id q);
/* "1.5 GiB" (binary units, one decimal, "0 B"); "?" when unset. */
const char *report_bytes(struct rnum v, char *buf, size_t n);
/* What the captured kernel does with BPF map memory, as one sentence each:
 * whether maps are charged to a memory cgroup (bpf_maps_charged) and what
 * memlock means (bpf_memlock_exact); both say so when the version is
 * unknown. */
const char *report_bpf_charged_note(const struct report_capture *c);
const char *report_bpf_memlock_note(const struct report_capture *c);
/* text.c's word wrap to its 100 columns (escaped text; see wrap_on()). */
void report_text_wrap(struct strbuf *sb, const char *text, size_t used, size_t indent);
/* "anon 1.0 MiB, page cache ?, ..." (text_oom.c): plain ASCII, the same in
 * every format. */
void report_oom_made_of_text(const struct report_oom_made_of *m, struct strbuf *out);
/* What ran out, in words ("a memory cgroup hit its limit"), every format. */
const char *report_oom_kind_text(const struct report_oom *o);
/* Whether Kubernetes sees the kill, in words (every format); NULL when
 * the kill is not a Kubernetes container's. */
const char *report_oom_k8s_text(const struct report_oom *o);
/* One OOM event's outcome in words, the same in every format. */
const char *report_oom_outcome_text(const struct report_oom *o);
/* The node's working set against the containers' (report_node_rest) in
 * plain sentences, the same in every format; nothing when the node's
 * working set is unknown. */
void report_node_rest_note(const struct report_capture *c, struct strbuf *out);
/* Does the capture count as having had problems? (exit status 1) */
bool report_has_problems(const struct report *r);

/* A column of the current row by name: NULL is an unset rnum, a NULL
 * string; a column the query lacks dies (a bug, not an input). */
struct rnum report_col_num(sqlite3_stmt *st, const char *name);
char *report_col_str(sqlite3_stmt *st, const char *name);

#endif
