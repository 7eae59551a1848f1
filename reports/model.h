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
	RQ_CONTAINERS,
	RQ_NODE_REST,
	RQ_FINDINGS,
	RQ_OOM,
	RQ_PROCESSES,
	RQ_BPF_OWNERS,
	RQ_BPF_MAPS,
	RQ_PROBLEMS,
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
	/* report_node_rest: the node's working set outside the containers */
	struct rnum containers_total, rest;
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
	/* the five parts and the remainder: they add up to working_set */
	struct rnum anon, shmem, page_cache, kernel, bpf, unexplained;
	struct rnum bpf_maps, bpf_held, swap, oom_kill_count, processes;
};

/* One row of findings (with the cgroup's readable name). */
struct report_finding {
	char *cgroup, *name, *severity, *code, *title, *evidence, *query;
};

/* One row of oom_kills joined with report_oom_made_of. */
struct report_oom {
	int64_t event;
	struct rreal kernel_time;        /* seconds since boot */
	char *wall_time, *trigger_comm, *constraint, *oom_memcg, *task_memcg,
	     *killed_comm, *namespace_, *pod, *container, *cgroup_name;
	struct rnum trigger_pid, killed_pid, anon_rss, file_rss, shmem_rss,
		    memcg_usage, memcg_limit, oom_score_adj;
	bool complete;
	/* what the memory was made of (report_oom_made_of) */
	char *made_of_source;            /* memcg_stats, meminfo, NULL */
	struct rnum m_anon, m_shmem, m_file, m_kernel, m_sock, m_swap;
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
	bool kubernetes;                 /* containers are Kubernetes containers */
	struct report_container *containers;
	size_t ncontainers;
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
 * Returns 0, or -1 with *ret_err set (an SQL error, or no such capture).
 * Never prints.
 */
int report_load(sqlite3 *db, int64_t capture_id, const char *source_name,
		struct report *r, char **ret_err);
void report_free(struct report *r);

/* The renderers.  Output is appended to out; deterministic. */
struct report_text_opts {
	bool color;
	size_t max_containers;           /* 0: all */
};
void report_render_text(const struct report *r, const struct report_text_opts *o,
			struct strbuf *out);
void report_render_html(const struct report *r, struct strbuf *out);
void report_render_json(const struct report *r, struct strbuf *out);

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
/* Does the capture count as having had problems? (exit status 1) */
bool report_has_problems(const struct report *r);

/* A column of the current row by name: NULL is an unset rnum, a NULL
 * string; a column the query lacks dies (a bug, not an input). */
struct rnum report_col_num(sqlite3_stmt *st, const char *name);
char *report_col_str(sqlite3_stmt *st, const char *name);

#endif
