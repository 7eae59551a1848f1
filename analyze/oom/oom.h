/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_OOM_H
#define MEMSNAP_OOM_H
/*
 * OOM reports in a kernel log: the parser (parse.c; prefix.c and walltime.c
 * for what tools put in front of each line) and the SQL store (store.c).
 *
 * The parser reads any text a kernel log ends up in -- raw dmesg, dmesg -T
 * (any locale), dmesg -x, syslog files, journalctl, /dev/kmsg records (the
 * capture's collector/kmsg.txt), syslog(2)'s "<4>[ 1.2] " form, pasted into
 * mail or markdown with "> " or indentation, hard-wrapped, CRLF -- and
 * returns one struct oom_event per report.  It strips each line's prefix
 * first (oom_line_prefix()), then parses the kernel's message by its few
 * shapes (mm/oom_kill.c dump_header(), dump_tasks(), __oom_kill_process(),
 * mm/memcontrol.c mem_cgroup_print_oom_*(), show_mem()) from 2.6.32 to 6.x.
 *
 * Contract (as for every parser, see parse.h): takes (buf, len) which may
 * hold anything; never prints, never exits; linear time; bounded memory
 * (OOM_MAX_* below, what is dropped is counted); values as printed, with
 * their unit in the field's name or comment; absent values are unset
 * (struct kv_u64.set == false, SQL NULL), never 0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "analyze/parse/parse.h"
#define OOM_MAX_EVENTS 10000         /* events per log */
#define OOM_MAX_TASKS 200000         /* task-table rows per log, all events */
#define OOM_MAX_STAT_BLOCKS 4096     /* "Memory cgroup stats for" per event */
#define OOM_MAX_STAT_KEYS 512        /* keys per stats block */
#define OOM_MAX_MEMINFO_KEYS 256     /* Mem-Info keys per event */
#define OOM_MAX_COMM 64              /* bytes kept of a comm (16, or 64 \xNN-escaped) */
#define OOM_MAX_PATH 4096            /* bytes kept of a cgroup path */

/* A signed value that may be absent (oom_score_adj, oom_adj). */
struct oom_i64 {
	int64_t v;
	bool set;
};

/* ---- line prefixes ------------------------------------------------------ */

/*
 * What oom_line_prefix() found in front of a kernel message.  Prefixes can be
 * stacked ("> Mar  4 12:00:00 host kernel: [ 12.3] msg"); they are removed
 * in a loop.
 */
struct oom_prefix {
	const char *msg;        /* the kernel's message, leading blanks skipped */
	size_t msg_len;         /* without trailing blanks and CR */
	bool has_ktime;
	double ktime;           /* seconds since boot: "[ 12.345678]", kmsg usec */
	const char *wall;       /* wall-clock text as printed (syslog, dmesg -T, ISO) */
	size_t wall_len;
	bool prefixed;          /* a timestamp, kmsg, syslog or dmesg -x prefix was there */
	bool kmsg;              /* a /dev/kmsg record: msg holds \xNN escapes */
	bool not_kernel;        /* a syslog/journal line of another program */
	bool indented;          /* the raw line began with a blank (a continuation line) */
	bool has_seq;
	uint64_t seq;           /* a /dev/kmsg record's sequence number */
	const char *host;       /* the syslog/journal host name, NULL when none */
	size_t host_len;
	unsigned shape;         /* OOM_SHAPE_* of the prefixes found: which tool wrote it */
};

/* The kinds of prefix a line wore (struct oom_prefix.shape): lines of one
 * log written by one tool share them. */
enum {
	OOM_SHAPE_KMSG = 1 << 0,
	OOM_SHAPE_PRIO = 1 << 1,        /* "<4>" */
	OOM_SHAPE_DMESG_X = 1 << 2,     /* "kern  :warn  : " */
	OOM_SHAPE_KTIME = 1 << 3,       /* "[ 12.345678]", also cut at the front */
	OOM_SHAPE_WALL = 1 << 4,        /* dmesg -T "[Thu Aug 17 17:29:27 2023]" */
	OOM_SHAPE_SYSLOG = 1 << 5,      /* BSD syslog, ISO, journalctl, RFC 5424 dates */
	OOM_SHAPE_HOST = 1 << 6,        /* "host kernel: " */
};

/*
 * Recognise and skip every prefix at the start of one line (no '\n'):
 * blanks and "> " quoting, /dev/kmsg "6,seq,usec,flags;", "<4>", dmesg -x
 * "kern  :warn  : ", "[ 123.456789]" (also cut at the front: "3.456789] ",
 * with "[T123]" caller ids), dmesg -T "[Thu Aug 17 17:29:27 2023]" in any
 * locale, BSD syslog "Mar  4 12:00:00 host kernel: ", ISO/RFC 3339 and
 * RFC 5424 timestamps, journalctl "host kernel: ".  Never fails: a line
 * without a prefix is returned whole.
 */
void oom_line_prefix(const char *line, size_t len, struct oom_prefix *ret);

/*
 * Normalise the wall-clock text of a prefix to ISO 8601 into buf (at least
 * 40 bytes): "2023-08-17T17:29:27" (local time of the node, no zone) when
 * the text names a year, "...Z" (UTC) when it carried a UTC offset.
 * Returns false (buf untouched) when the text has no year or no month the
 * parser knows (BSD syslog's "May 17 19:54:29").
 */
bool oom_wall_time_iso(const char *s, size_t len, char *buf, size_t n);

/* ---- events ----------------------------------------------------------- */

/* One memcg "<name>: usage %llukB, limit %llukB, failcnt %lu" line. */
struct oom_counter {
	char name[16];          /* "memory", "memory+swap", "kmem", "swap", "tcp" */
	struct kv_u64 usage_kb; /* kB as printed */
	struct kv_u64 limit_kb; /* kB; huge (>= 2^52 kB) means unlimited */
	struct kv_u64 failcnt;
};

/* A key of a stats block or of Mem-Info. */
struct oom_kv {
	char *key;
	uint64_t value;
};

/* "Memory cgroup stats for <cgroup>:" and its keys, in printed order. */
struct oom_stat_block {
	char *cgroup;           /* as printed */
	struct oom_kv *v;       /* bytes for sizes (v1's "KB" scaled), counts for events */
	size_t n, alloc;
};

/* Unit of a Mem-Info value as printed. */
enum oom_unit {
	OOM_UNIT_PAGES = 0,
	OOM_UNIT_KB,
};

struct oom_meminfo {
	char *key;              /* "free", "slab_reclaimable", "total_pagecache", "free_swap", ... */
	uint64_t value;         /* in `unit` */
	enum oom_unit unit;
};

/* One row of the task table ("[ pid ]   uid  tgid total_vm ..."). */
struct oom_task {
	struct kv_u64 pid, uid, tgid;
	struct kv_u64 total_vm, rss;                    /* pages */
	struct kv_u64 rss_anon, rss_file, rss_shmem;    /* pages (6.x) */
	struct kv_u64 nr_ptes, nr_pmds;                 /* page-table pages (3.x, 4.x) */
	struct kv_u64 pgtables_bytes;                   /* bytes (4.15+) */
	struct kv_u64 swapents;                         /* pages */
	struct kv_u64 cpu;                              /* 2.6.32 */
	struct oom_i64 oom_adj, oom_score_adj;
	char *name;                                     /* comm, as printed */
	size_t line;                                    /* 1-based line in the input */
};

enum oom_kill_reason {
	OOM_KILL_VICTIM = 0,    /* the report's "Killed process" line */
	OOM_KILL_GROUP,         /* killed with it: memory.oom.group */
	OOM_KILL_REAPED_ONLY,   /* only the oom_reaper line names it */
};

/* A "Killed process" line (any form), and its oom_reaper line. */
struct oom_kill {
	enum oom_kill_reason reason;
	struct kv_u64 pid, uid;
	char *comm;
	struct kv_u64 total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb; /* kB */
	struct kv_u64 pgtables_kb;                                          /* kB (5.x+) */
	struct oom_i64 oom_score_adj;                                       /* 5.x+ */
	bool memcg;             /* printed as "Memory cgroup out of memory: Killed ..." */
	size_t line;
	bool reaped;            /* an "oom_reaper: reaped process" line followed */
	struct kv_u64 reaped_anon_rss_kb, reaped_file_rss_kb, reaped_shmem_rss_kb;
};

/*
 * The victim as the report tells it, resolved: the task a kill line (or
 * an oom_reaper line) says was killed; what that line lacks from the
 * oom-kill: summary line, else from the victim's row of the task table.
 * Unset (pid.set == false) when no kill line names one, also when the
 * oom-kill: line names the task chosen.  Byte values.
 */
struct oom_victim {
	struct kv_u64 pid, uid;
	char *comm;                     /* NULL when unknown */
	struct kv_u64 total_vm_bytes, anon_rss_bytes, file_rss_bytes;
	struct kv_u64 shmem_rss_bytes, pgtables_bytes;
	struct oom_i64 oom_score_adj;
};

/* What a report lacks (oom_event.missing). */
enum {
	OOM_MISSING_TRIGGER = 1 << 0,   /* begins after the "invoked oom-killer" line */
	OOM_MISSING_KILL = 1 << 1,      /* ends before the kill line */
	OOM_MISSING_TASKS = 1 << 2,     /* task table header without rows */
	OOM_MISSING_VICTIM_ROW = 1 << 3,/* the victim is not in the task table */
};

enum oom_page_size_source {
	OOM_PAGE_SIZE_DEFAULT = 0,      /* 4096 */
	OOM_PAGE_SIZE_GIVEN,            /* by the caller (capture's page_size, --page-size) */
	OOM_PAGE_SIZE_INFERRED,         /* from the victim's kill line (kB) and task row (pages) */
};

struct oom_event {
	size_t first_line, last_line;   /* 1-based lines of the input */
	bool has_ktime;
	double kernel_time;             /* seconds since boot of the first line */
	char *log_time;                 /* wall-clock text of the first line's prefix */
	char *log_wall_time;            /* log_time as ISO 8601 (oom_wall_time_iso), else as printed */

	/* "<comm> invoked oom-killer: gfp_mask=0x..(FLAGS), order=N, ..." */
	bool has_trigger;
	char *trigger_comm;             /* trigger line, else the CPU line's Comm */
	struct kv_u64 trigger_pid;      /* CPU line PID (a thread id) */
	struct kv_u64 trigger_uid;      /* CPU line UID (6.x) */
	char *gfp_mask;                 /* "0x24000c0" */
	char *gfp_flags;                /* "GFP_KERNEL|__GFP_COMP", NULL on old kernels */
	struct kv_u64 order;
	struct oom_i64 trigger_oom_score_adj, trigger_oom_adj;
	char *nodemask;                 /* trigger line (4.x) or oom-kill line */
	char *cpuset, *mems_allowed;    /* "<comm> cpuset=.. mems_allowed=.." or oom-kill line */
	char *kernel_release;           /* from the CPU line */

	/* memcg lines */
	char *constraint;               /* "CONSTRAINT_MEMCG"; NULL when absent or printed empty */
	bool global_oom;                /* oom-kill line said global_oom */
	char *oom_memcg;                /* the cgroup whose limit was hit, as printed */
	char *task_memcg;               /* the victim's cgroup, as printed */
	char *oom_group_memcg;          /* "Tasks in X are going to be killed ... oom.group" */
	struct oom_counter counters[8];
	size_t ncounters;
	struct oom_stat_block *stats;
	size_t nstats, alloc_stats;
	size_t stats_dropped;

	/* Mem-Info (global OOMs; memcg OOMs on 2.6.32) */
	bool has_meminfo;
	struct oom_meminfo *meminfo;
	size_t nmeminfo, alloc_meminfo;

	/* the task table */
	bool has_task_header;
	struct oom_task *tasks;
	size_t ntasks, alloc_tasks;

	/* the oom-kill: summary line (4.19+): the victim chosen, which a kill
	 * line may or may not follow (struct oom_victim is who was killed) */
	char *oomkill_task;
	struct kv_u64 oomkill_pid, oomkill_uid;

	/* "Kill process N (x) score S or sacrifice child" (before 5.1) */
	struct kv_u64 chosen_pid, chosen_score;
	char *chosen_comm;

	struct oom_kill *kills;         /* kills[0] is the victim when reason == VICTIM */
	size_t nkills, alloc_kills;
	bool no_killable;               /* "Out of memory and no killable processes..." */
	bool victim_exiting;            /* "OOM victim N (x) is already exiting. Skip killing the task" */
	bool said_memcg, said_global;   /* a kill line began "Memory cgroup out of memory:" / "Out of memory" */

	struct oom_victim victim;       /* resolved, see struct oom_victim */
	unsigned page_size;             /* bytes per page used for page counts */
	enum oom_page_size_source page_size_source;
	bool complete;
	unsigned missing;               /* OOM_MISSING_* */

	/* parser state, not output */
	int phase;                      /* the highest phase of its lines so far */
	unsigned shape;                 /* the prefix shape of its first prefixed line, */
	const char *host;               /*   and its host (points into the input) */
	size_t host_len;
	bool has_last_ktime;
	double last_ktime;              /* kernel time of its latest line */
	bool strong;                    /* has a line only OOM reports print */
	size_t last_activity;           /* line of its last line, for the gap rule */
};

struct oom_log {
	struct oom_event *v;
	size_t n, alloc;
	size_t lines;                   /* lines read */
	size_t events_dropped;          /* past OOM_MAX_EVENTS */
	size_t tasks_dropped;           /* past OOM_MAX_TASKS */
};

/*
 * Parse every OOM report in buf[0..len) into *ret, which is overwritten
 * (free it with oom_log_free()).  page_size is the bytes per page of the
 * node that wrote the log (the capture's page_size); 0 when unknown: then
 * each report's is inferred from its victim's kill line (kB) and task row
 * (pages), else 4096.  Returns 0, also when no report was found
 * (ret->n == 0), or -EINVAL for a page size that is not a power of two
 * between 512 and 1 MiB (ret is then empty).
 */
int oom_log_parse(const char *buf, size_t len, unsigned page_size,
		  struct oom_log *ret);
void oom_log_free(struct oom_log *log);

/*
 * "memcg" (a memory cgroup's limit was hit), "global" (the node, a cpuset
 * or a mempolicy ran out) or NULL when the report does not tell.
 */
const char *oom_event_kind(const struct oom_event *ev);

/* Human text for ev->missing ("no 'invoked oom-killer' line, ...") into buf. */
const char *oom_missing_text(unsigned missing, char *buf, size_t n);

/* ---- store ------------------------------------------------------------ */

/*
 * Insert the events of `log` for capture `capture_id` (which must exist in
 * table capture) into oom_event, oom_memcg_counter, oom_memcg_stat,
 * oom_meminfo, oom_task and oom_kill (schema/40-oom.sql), numbering them
 * after the capture's events already stored.  Pod uid and container id are
 * taken from the memcg paths (k8s_parse_cgroup_path()).  Runs in one
 * transaction (a SAVEPOINT, so the caller may hold its own).  Returns 0, or
 * -1 with the message in *ret_err (free() it) when ret_err is non-NULL.
 */
int oom_store(sqlite3 *db, int64_t capture_id, const struct oom_log *log,
	      char **ret_err);

/*
 * A log given alone (`memsnap oom FILE`): a capture row for it (capture_key
 * "oom:<input>", source <input>, page_size when given, else NULL), then
 * oom_store().  *ret_capture_id is its id.  0, or -1 with *ret_err set.
 */
int oom_store_log(sqlite3 *db, const char *input, unsigned page_size,
		  const struct oom_log *log, int64_t *ret_capture_id, char **ret_err);

#endif
