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
 * strings live in the extras' own blocks (value right after key): free them
 * with kv_extras_free() only.
 */
struct kv_extra {
	char *key;
	char *value;
};

struct str_block;

struct kv_extras {
	struct kv_extra *v;
	size_t n, alloc;
	struct str_block *blocks; /* the strings, a few KiB a block */
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
	unsigned flags;      /* KV_FIELD_KB, KV_FIELD_TEXT; 0 for any number */
};

/*
 * The kernel prints this field as "N kB": a value without the unit is a
 * truncated line and stays unset (with a diag message).  Used by the typed
 * parsers (status, smaps_rollup), where a field without it is a plain count
 * and "N kB" is an error too.
 */
#define KV_FIELD_KB 1u
/*
 * A key whose value is text, not a number: kept in extra (in file order,
 * with the unknown keys), or dropped with them; offset is unused.  A table
 * with such fields needs extra.
 */
#define KV_FIELD_TEXT 2u

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
/*
 * As parse_status(), but the keys it does not know are only checked (with
 * the same diag messages), not kept: ret->extra stays empty.  For the
 * loader without --raw, which never stores them: copying them was a fifth
 * of the parse (callgrind).
 */
int parse_status_no_extra(const char *buf, size_t len,
			  struct proc_status *ret, struct parse_diag *diag);
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
	char *strings;          /* every line's controllers and path, one block */
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
	struct str_block *blocks; /* the keys, a few KiB a block */
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

/* ---- /proc/cgroups (cgroup v1 controllers) --------------------------------- */

/*
 * One row of /proc/cgroups: `subsys_name hierarchy num_cgroups enabled`.
 * num_cgroups counts every cgroup the kernel still holds, dying ones
 * included: set against the live directories it gives the dying count.
 */
struct proc_cgroups_row {
	char *subsys;                 /* "memory", "cpu", ... */
	struct kv_u64 hierarchy;      /* 0: not mounted on v1 (v2 or unused) */
	struct kv_u64 num_cgroups;
	struct kv_u64 enabled;        /* 1/0; unset before 2.6.26 */
};

struct proc_cgroups {
	struct proc_cgroups_row *v;
	size_t n, alloc;
};

/*
 * The columns are taken from the "#subsys_name ..." header when there is
 * one (a kernel that drops or adds a column still parses), else the four
 * classic ones in order; tabs or runs of spaces separate them.  Lines that
 * are not rows (shell prompts of a pasted copy, annotations) are skipped
 * with a diag message; a controller named twice: the first row counts.
 */
int parse_proc_cgroups(const char *buf, size_t len, struct proc_cgroups *ret,
		       struct parse_diag *diag);
void proc_cgroups_free(struct proc_cgroups *c);
/* The row of a controller, or NULL. */
const struct proc_cgroups_row *proc_cgroups_get(const struct proc_cgroups *c,
						const char *subsys);

/* ---- sizes as Kubernetes, the JVM and Node.js write them ------------------ */

/*
 * A Kubernetes resource quantity as bytes: "100Mi", "1.5Gi", "7G" (10^9),
 * "9148093649", "500k", "1e3", "0".  A fraction of a byte rounds up (as
 * resource.Quantity.Value() does); milli ("500m") is refused for bytes.
 * Returns 0, -EINVAL or -ERANGE.
 */
int parse_k8s_quantity(const char *s, size_t len, uint64_t *ret);
/*
 * A JVM size (-Xmx, -XX:MaxRAM): digits with an optional k/K, m/M, g/G,
 * t/T suffix, powers of 1024 ("48m", "2g", "9148280340").
 */
int parse_jvm_size(const char *s, size_t len, uint64_t *ret);
/* A Go duration as the kubelet writes grace periods: "1m30s", "5m", "90s". */
int parse_go_duration_ms(const char *s, size_t len, uint64_t *ret);

/* ---- kubelet eviction thresholds ------------------------------------------- */

/*
 * --eviction-hard / --eviction-soft ("memory.available<100Mi,nodefs.available<10%"),
 * --eviction-soft-grace-period ("memory.available=1m30s"), and the same
 * maps written one "signal: value" per line (a config file's evictionHard
 * as memsnap-collect stores it, with '<' or ':' or '=').
 */
struct eviction_threshold {
	char *signal;                 /* "memory.available", "nodefs.inodesFree" */
	char op;                      /* '<' (a threshold), '=' or ':' (a map entry) */
	bool percent;                 /* value is percent (of capacity) */
	double pct;                   /* 0..100 when percent */
	struct kv_u64 quantity;       /* bytes (or a count for *.inodesFree) */
	struct kv_u64 grace_ms;       /* a grace period's duration */
	char *raw;                    /* the value as written */
};

struct eviction_thresholds {
	struct eviction_threshold *v;
	size_t n, alloc;
};

int parse_eviction_thresholds(const char *buf, size_t len,
			      struct eviction_thresholds *ret,
			      struct parse_diag *diag);
void eviction_thresholds_free(struct eviction_thresholds *t);
const struct eviction_threshold *
eviction_thresholds_get(const struct eviction_thresholds *t, const char *signal);
/*
 * What the threshold means in bytes on a node of capacity `capacity`
 * (MemTotal as the kubelet takes it): a quantity as is, a percentage of the
 * capacity.  false when it is neither.
 */
bool eviction_threshold_bytes(const struct eviction_threshold *t,
			      uint64_t capacity, uint64_t *ret);

/* ---- heap limits of the JVM and Node.js ------------------------------------ */

/*
 * The heap settings found in an argument list: NUL-separated (as
 * /proc/PID/cmdline) or blank-separated (JAVA_TOOL_OPTIONS, NODE_OPTIONS,
 * a `ps` line).  The last occurrence wins, as both runtimes do.  Unknown
 * arguments are ignored: they are not heap settings (and are never kept).
 */
struct heap_flags {
	struct kv_u64 xmx;                     /* -Xmx, bytes */
	struct kv_u64 xms;                     /* -Xms, bytes */
	struct kv_u64 max_ram;                 /* -XX:MaxRAM=, bytes */
	bool max_ram_pct_set, initial_ram_pct_set, min_ram_pct_set;
	double max_ram_pct;                    /* -XX:MaxRAMPercentage=, percent */
	double initial_ram_pct;                /* -XX:InitialRAMPercentage= */
	double min_ram_pct;                    /* -XX:MinRAMPercentage= */
	struct kv_u64 node_max_old_space;      /* --max-old-space-size=, bytes */
	unsigned found;                        /* how many settings were read */
};

/* Returns 0 (found == 0: none there), -EINVAL only for a NULL buffer. */
int parse_heap_flags(const char *buf, size_t len, struct heap_flags *ret,
		     struct parse_diag *diag);
/* One argument ("-Xmx48m"): true when it is a heap setting we keep
   (common/heap_flags.h says which). */
bool heap_flag_wanted(const char *arg, size_t len);

/* ---- kills and evictions from the journal ---------------------------------- */

enum kill_kind {
	KILL_OOMD_KILLED = 1,     /* systemd-oomd: "Killed <cgroup> due to ..." */
	KILL_OOMD_UNIT,           /* systemd: "<unit>: systemd-oomd killed N process(es)" */
	KILL_KUBELET_THRESHOLD,   /* eviction manager: threshold met / attempting to reclaim */
	KILL_KUBELET_EVICTING,    /* eviction manager: evicting / ranked for eviction */
	KILL_KUBELET_EVICTED,     /* eviction manager: pod evicted successfully */
};

struct kill_event {
	enum kill_kind kind;
	unsigned lineno;
	char *time;               /* the journal's time as printed, or NULL */
	struct kv_u64 time_us;    /* when printed as epoch (short-unix), microseconds */
	char *glog_time;          /* kubelet's "0902 15:20:12.963548", or NULL */
	char *unit;               /* "systemd-oomd", "kubelet", "systemd" */
	char *cgroup;             /* oomd: the killed cgroup or unit */
	char *pod;                /* kubelet: "ns/name", "name_ns(uid)" as printed */
	char *resource;           /* kubelet: "memory", ... */
	char *container;          /* kubelet message: "Container x was using" */
	char *reason;             /* oomd: what follows "due to "; kubelet: message */
	struct kv_u64 processes;  /* oomd unit line: processes killed */
	struct kv_u64 threshold_bytes, available_bytes;  /* "Threshold quantity" */
	struct kv_u64 usage_bytes, request_bytes;        /* "was using", "request" */
	bool pct_set;
	double pressure_pct, limit_pct;                  /* oomd: "being X% > Y%" */
};

struct kill_events {
	struct kill_event *v;
	size_t n, alloc;
};

/*
 * `journalctl -u systemd-oomd -u kubelet` lines (short, short-iso,
 * short-unix, any locale's month), kubelet glog lines alone, and eviction
 * messages ("The node was low on resource: memory. Threshold quantity:
 * 100Mi, available: 87608Ki. Container x was using 48458972Ki, request is
 * 15Gi ..."): every kill or eviction line becomes an event; other lines are
 * skipped silently.  0 with n == 0 when nothing matched.
 */
int parse_kill_log(const char *buf, size_t len, struct kill_events *ret,
		   struct parse_diag *diag);
void kill_events_free(struct kill_events *k);
/* The sizes of an eviction message, into the event. */
void parse_eviction_message(const char *s, size_t len, struct kill_event *ev);

/* ---- collector/tmpfs.txt: size and use of tmpfs mounts -------------------- */

/*
 * One line per mount, as memsnap-collect writes it:
 *   <kind> <pid> <fstype> <size_bytes> <used_bytes> <mount point>
 * the mount point escaped as mountinfo escapes it (\040 a space).
 */
struct tmpfs_mount {
	char *kind;               /* "emptydir" (host view), "dev-shm" (a process's) */
	uint64_t pid;             /* dev-shm: a process of that mount namespace; 0 */
	char *fstype;             /* "tmpfs" */
	uint64_t size_bytes;      /* f_blocks * f_bsize: the size limit */
	uint64_t used_bytes;      /* (f_blocks - f_bfree) * f_bsize */
	char *mount_point;        /* unescaped */
	char *pod_uid;            /* emptydir: <uid> of /var/lib/kubelet/pods/<uid>/..., else NULL */
	char *volume;             /* emptydir: the volume name, else NULL */
};

struct tmpfs_usage {
	struct tmpfs_mount *v;
	size_t n, alloc;
};

int parse_tmpfs_usage(const char *buf, size_t len, struct tmpfs_usage *ret,
		      struct parse_diag *diag);
void tmpfs_usage_free(struct tmpfs_usage *t);

/* ---- collector/kubelet.txt: the kubelet's eviction and reservation settings -- */

/*
 * Lines "<source> <key> <value>" (common/kubelet_settings.h writes them):
 * source "cmdline", "config", "drop-in" or "env-file"; key a config name
 * (evictionHard, evictionSoft, evictionSoftGracePeriod, systemReserved,
 * kubeReserved, enforceNodeAllocatable).  As the kubelet does, a flag on
 * its command line beats its config file; drop-ins and env files only
 * count when neither says (they reach the kubelet as flags).
 */
struct kubelet_setting {
	bool set;
	char *source;                     /* where the kept value came from */
	char *value;                      /* as captured */
	/*
	 * The value as thresholds / map entries (not for
	 * enforceNodeAllocatable): evictionHard "memory.available" with op '<'
	 * (flag) or '=' (config); systemReserved "memory" with its quantity.
	 */
	struct eviction_thresholds entries;
};

enum { KUBELET_SETTINGS_NR = 6 };   /* = KUBELET_KEY_NR, common/kubelet_settings.h */

struct kubelet_settings {
	struct kubelet_setting v[KUBELET_SETTINGS_NR];  /* by enum kubelet_key */
};

int parse_kubelet_settings(const char *buf, size_t len,
			   struct kubelet_settings *ret, struct parse_diag *diag);
void kubelet_settings_free(struct kubelet_settings *k);

#endif
