/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_PARSE_H
#define MEMSNAP_PARSE_H
/*
 * Parsers for every file a capture holds.
 *
 * Contract, for every parse_*() below:
 *  - takes (buf, len): buf need not be NUL-terminated and may hold anything
 *    (NUL bytes, binary garbage, 50 MB lines); it is never written to;
 *  - never prints, never exits, never aborts on input;
 *  - fills *ret (which the caller zeroed or initialised with *_init()), and
 *    frees what it allocated through the matching *_free();
 *  - a key that is absent stays unset (struct kv_u64.set == false -> SQL
 *    NULL), never 0;
 *  - a key it does not know is kept in ret->extra (key and raw value text),
 *    so a newer kernel's fields are not lost;
 *  - returns 0 when the file was understood (possibly with lines it had to
 *    skip, each described in *diag), or a negative errno (-EINVAL: this is
 *    not that kind of file; -ERANGE: a number is out of range and nothing
 *    else usable was found) with *diag saying why;
 *  - every value that is a size is converted to bytes (`kB` -> * 1024).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- shared building blocks -------------------------------------------- */

/* A number from a kernel file; set == false means "the key was absent". */
struct kv_u64 {
	uint64_t v;
	bool set;
};

/*
 * A key the parser did not know, with its value as text (trimmed).  Both
 * strings live in one allocation (value points into key's block): free them
 * with kv_extras_free() only.
 */
struct kv_extra {
	char *key;
	char *value;
};

struct kv_extras {
	struct kv_extra *v;
	size_t n, alloc;
};

void kv_extras_add(struct kv_extras *x, const char *key, size_t klen,
		   const char *val, size_t vlen);
void kv_extras_free(struct kv_extras *x);

/*
 * What went wrong while parsing, for load_problems: the first message in
 * full ("line 3: invalid number 'x1' for 'MemTotal'"), and how many
 * problems there were in all (count > 0: something was skipped; the first
 * one is in msg).  Never printed by the parser.  Parsers accept diag NULL.
 */
struct parse_diag {
	char msg[256];
	unsigned count;
};

void diag_add(struct parse_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "msg", "msg (and N more problems)" or "" into buf; returns buf. */
const char *diag_text(const struct parse_diag *d, char *buf, size_t n);

/*
 * A generic table parser, used by the specific ones: every line is
 * `<key><sep><value>` where sep is ':' (status, meminfo, smaps_rollup) or
 * ' ' (memory.stat, vmstat, memory.events).  Values with a trailing " kB"
 * are scaled to bytes.  `fields` maps known keys to struct kv_u64 at an
 * offset inside `base`; other keys go to `extra` (if non-NULL; else they are
 * reported in diag).  Keep `fields` sorted by key (strcmp order): it is
 * then searched with bsearch (an unsorted table still works, linearly).
 *
 * Duplicate keys, in this and every parser below: the FIRST occurrence
 * counts, each later one is skipped with a diag message (a kernel never
 * prints a key twice; the first part of a concatenated file is what it
 * wrote first).  Lines are trimmed (leading blanks of pasted copies, CRLF);
 * blank lines are skipped.  -EINVAL when no known key was found.
 */
struct kv_field {
	const char *key;
	size_t offset;       /* offsetof(struct ..., member), a struct kv_u64 */
	unsigned flags;      /* KV_FIELD_KB; 0 for any number */
};

/*
 * The kernel prints this field as "N kB": a value without the unit is a
 * truncated line and stays unset (with a diag message).  Used by the typed
 * parsers (status, smaps_rollup), where a field without it is a plain count
 * and "N kB" is an error too.
 */
#define KV_FIELD_KB 1u

int kv_table_parse(const char *buf, size_t len, char sep,
		   const struct kv_field *fields, size_t nfields, void *base,
		   struct kv_extras *extra, struct parse_diag *diag);

/* ---- /proc/PID/status ------------------------------------------------------ */

struct proc_status {
	char *name;                 /* Name: (comm) as printed: the kernel's
				       escapes ("\\n", "\\\\") are kept */
	char *state;                /* State: e.g. "S (sleeping)" */
	struct kv_u64 tgid, pid, ppid;
	struct kv_u64 uid;          /* real uid (first of the four) */
	struct kv_u64 euid;         /* effective uid */
	struct kv_u64 vm_peak, vm_size, vm_lck, vm_pin, vm_hwm, vm_rss; /* bytes */
	struct kv_u64 rss_anon, rss_file, rss_shmem;                    /* bytes, 4.5+ */
	struct kv_u64 vm_data, vm_stk, vm_exe, vm_lib, vm_pte, vm_pmd;  /* bytes */
	struct kv_u64 vm_swap, hugetlb_pages;                            /* bytes */
	struct kv_u64 threads;
	struct kv_u64 kthread;      /* Kthread: 1/0 (6.x); unset on older kernels */
	struct kv_u64 nspid_inner;  /* last value of NSpid: pid in its own namespace */
	struct kv_extras extra;
};

int parse_status(const char *buf, size_t len, struct proc_status *ret,
		 struct parse_diag *diag);
void proc_status_free(struct proc_status *s);

/* ---- /proc/PID/smaps_rollup ------------------------------------------------ */

struct smaps_rollup {
	struct kv_u64 rss, pss, pss_dirty, pss_anon, pss_file, pss_shmem;
	struct kv_u64 shared_clean, shared_dirty, private_clean, private_dirty;
	struct kv_u64 referenced, anonymous, ksm, lazyfree, anon_huge_pages;
	struct kv_u64 shmem_pmd_mapped, file_pmd_mapped;
	struct kv_u64 shared_hugetlb, private_hugetlb;
	struct kv_u64 swap, swap_pss, locked;
	struct kv_extras extra;
};

int parse_smaps_rollup(const char *buf, size_t len, struct smaps_rollup *ret,
		       struct parse_diag *diag);
void smaps_rollup_free(struct smaps_rollup *s);

/* ---- /proc/PID/cgroup ------------------------------------------------------ */

/* One line `hierarchy-ID:controller-list:cgroup-path`. */
struct proc_cgroup_line {
	unsigned hierarchy;     /* 0 for the v2 line */
	char *controllers;      /* "memory", "cpu,cpuacct", "name=systemd", "" */
	char *path;             /* as printed: "/kubepods/...", may hold "/.." */
	bool deleted;           /* " (deleted)" followed the path (a removed
				   cgroup); the suffix is not in path */
};

struct proc_cgroup {
	struct proc_cgroup_line *v;
	size_t n, alloc;
};

int parse_proc_cgroup(const char *buf, size_t len, struct proc_cgroup *ret,
		      struct parse_diag *diag);
void proc_cgroup_free(struct proc_cgroup *c);
/*
 * The memory cgroup path: the v1 line whose controllers include "memory",
 * else the v2 line ("0::"), else NULL.
 */
const char *proc_cgroup_memory_path(const struct proc_cgroup *c);

/* ---- /proc/PID/fdinfo/FD of a BPF map ----------------------------------- */

struct bpf_fdinfo {
	struct kv_u64 pos, flags, mnt_id, ino;
	struct kv_u64 map_type;     /* numeric enum bpf_map_type */
	struct kv_u64 key_size, value_size, max_entries, map_flags;
	struct kv_u64 map_extra;
	struct kv_u64 memlock;      /* bytes */
	struct kv_u64 map_id;       /* 4.14+ */
	struct kv_u64 frozen;
	struct kv_u64 owner_prog_type, owner_jited;
	struct kv_extras extra;
};

int parse_bpf_fdinfo(const char *buf, size_t len, struct bpf_fdinfo *ret,
		     struct parse_diag *diag);
void bpf_fdinfo_free(struct bpf_fdinfo *f);
/* Name of a numeric BPF map type ("hash", "array", ...), or NULL. */
const char *bpf_map_type_name(uint64_t type);

/* ---- memory.stat (v1 and v2), vmstat, memory.events ------------------------ */

/*
 * memory.stat is kept whole as key/value pairs: its key set differs between
 * v1 and v2 and grows with every kernel, and the loader stores every key.
 * Values are as printed (v1 and v2 print bytes for sizes and counts for
 * events; neither prints kB).
 */
struct kv_pair {
	char *key;
	uint64_t value;
};

struct kv_list {
	struct kv_pair *v;
	size_t n, alloc;
};

/* memory.stat, vmstat, memory.events, memory.swap.events, cgroup.stat */
int parse_kv_list(const char *buf, size_t len, struct kv_list *ret,
		  struct parse_diag *diag);
void kv_list_free(struct kv_list *l);
/* Lookup in a parsed list: true and *ret set when the key is there. */
bool kv_list_get(const struct kv_list *l, const char *key, uint64_t *ret);

/* ---- one-value files ---------------------------------------------------- */

/*
 * memory.current, memory.max, memory.usage_in_bytes, memory.limit_in_bytes,
 * memory.oom.group, memory.use_hierarchy...: one number, or "max" (v2's
 * "unlimited": ret->unlimited = true, ret->v = UINT64_MAX).  v1's
 * "unlimited" is a huge number (PAGE_COUNTER_MAX * PAGE_SIZE, e.g.
 * 9223372036854771712): reported as the number, with ret->unlimited set when
 * it is >= 2^62 (see parse_onevalue.c).  Negative or >= 2^64: -ERANGE.
 */
struct one_value {
	uint64_t v;
	bool unlimited;
};

int parse_one_value(const char *buf, size_t len, struct one_value *ret,
		    struct parse_diag *diag);

/*
 * A setting file (proc/sys/..., proc/uptime, transparent_hugepage/enabled)
 * as text: its first 4096 bytes, trimmed; *ret points into buf.
 */
int parse_setting(const char *buf, size_t len, const char **ret, size_t *ret_len);

/* ---- proc/<pid>/oom_score_adj, proc/<pid>/cmdline, cgroup.procs ---------- */

/* One number in -1000..1000; -EINVAL (with diag) for anything else. */
int parse_oom_score_adj(const char *buf, size_t len, int64_t *ret,
			struct parse_diag *diag);
/*
 * The arguments with their NUL separators as spaces (trailing NULs
 * dropped), in a new string (*ret, free()) of *ret_len bytes.  Returns 0.
 */
int parse_cmdline(const char *buf, size_t len, char **ret, size_t *ret_len);
/* A decimal pid (1..2^31-1) of s[0..len), or -1. */
int64_t parse_pid(const char *s, size_t len);

struct pid_list {
	int64_t *v;
	size_t n, alloc;
};

/*
 * cgroup.procs: one pid a line, in file order; blank lines are skipped, a
 * line that is not a pid is skipped with a diag message.  Returns 0.
 */
int parse_pid_list(const char *buf, size_t len, struct pid_list *ret,
		   struct parse_diag *diag);
void pid_list_free(struct pid_list *p);

/* ---- collector/go/<pid>.json ------------------------------------------------ */

/*
 * GOMEMLIMIT syntax (Go's runtime/debug.SetMemoryLimit): a number with an
 * optional B, KiB, MiB, GiB or TiB suffix; "off" means no limit.  Returns 0
 * with *ret set (UINT64_MAX for off), or -EINVAL.
 */
int parse_gomemlimit(const char *s, size_t len, uint64_t *ret);

/* What the collector read of a Go program (capture.md 2.3). */
struct go_info {
	int64_t pid;                /* 1..2^31-1 */
	char *go_version;           /* NULL when absent */
	bool env_known;             /* "env" was an object: an unset variable
				       is unset, not unknown */
	char *gogc, *gomemlimit, *gomaxprocs, *godebug;  /* as set; NULL: unset */
	struct kv_u64 gomemlimit_bytes; /* GOMEMLIMIT in bytes; unset when
					   unset, "off" or invalid */
};

/*
 * -EINVAL when it is not a JSON object with a valid "pid"; an "env" that is
 * not an object (ignored) or a GOMEMLIMIT that is not a limit (kept as
 * text) is a diag message.
 */
int parse_go_info(const char *buf, size_t len, struct go_info *ret,
		  struct parse_diag *diag);
void go_info_free(struct go_info *g);

/* ---- memory.oom_control (v1) ------------------------------------------- */

struct oom_control {
	struct kv_u64 oom_kill_disable, under_oom, oom_kill;  /* oom_kill: 4.13+ */
};

int parse_oom_control(const char *buf, size_t len, struct oom_control *ret,
		      struct parse_diag *diag);

/* ---- PSI: proc/pressure/memory, memory.pressure ---------------------------- */

struct psi_line {
	bool set;
	double avg10, avg60, avg300;  /* percent */
	uint64_t total;               /* microseconds stalled */
};

struct psi {
	struct psi_line some, full;
};

int parse_psi(const char *buf, size_t len, struct psi *ret,
	      struct parse_diag *diag);

/* ---- /proc/meminfo --------------------------------------------------------- */

/*
 * Every key as bytes (kB scaled) or a count (HugePages_*), in file order.
 * Lines that are not `Key: value [kB]` (the 2.4-era `total: used: free:`
 * table, `Mem:`/`Swap:` lines) are skipped with a diag message.
 */
int parse_meminfo(const char *buf, size_t len, struct kv_list *ret,
		  struct parse_diag *diag);

/* ---- bpftool -j ----------------------------------------------------------- */

struct bpftool_pid {
	uint64_t pid;
	char *comm;
};

struct bpftool_map {
	struct kv_u64 id;
	char *type;                 /* "hash", "array", ... or NULL */
	struct kv_u64 type_id;      /* set when bpftool printed the type as a
				       number (a type newer than bpftool);
				       type is then our name for it, or NULL */
	char *name;                 /* NULL when absent */
	struct kv_u64 flags, bytes_key, bytes_value, max_entries;
	struct kv_u64 bytes_memlock;    /* bytes; absent on some versions */
	struct kv_u64 frozen, btf_id;
	char *loaded_at;            /* as printed, NULL when absent */
	struct bpftool_pid *pids;
	size_t npids;
};

struct bpftool_maps {
	struct bpftool_map *v;
	size_t n, alloc;
	char *error;                /* a leading {"error": "..."} object's text */
};

/*
 * `bpftool map -j` / `bpftool -p map show [id N]` output: an array, a single
 * object, pretty or compact, possibly preceded by an {"error": ...} object
 * and possibly truncated (maps read before the cut are kept, diag says so).
 * Also accepts the plain-text form (`12: hash  name foo  flags 0x0 ...`).
 * Returns 0 with n == 0 for "[]" (no maps) and for an {"error": ...} with
 * no map after it; -EINVAL for a listing whose objects are not maps (no
 * bytes_key/bytes_value/max_entries: `bpftool prog -j`, `link -j`), for
 * text that is not bpftool output and for JSON broken before any map.
 */
int parse_bpftool_maps(const char *buf, size_t len, struct bpftool_maps *ret,
		       struct parse_diag *diag);
void bpftool_maps_free(struct bpftool_maps *m);

#endif
