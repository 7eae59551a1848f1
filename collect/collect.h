/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_COLLECT_H
#define MEMSNAP_COLLECT_H
/*
 * memsnap-collect's internal interfaces.
 *
 * How a capture runs (capture.c):
 *
 *   reader thread                          main thread
 *   -------------                          -----------
 *   walks the table of sources (sources.c)
 *   opens and reads every file,   --->     compresses each file into the
 *   pushes items into a bounded   ring     archive body (archive.c), keeps
 *   ring (reader.c)                        the manifest state (manifest.c),
 *                                          watches the per-file deadline
 *
 * All of this runs in a child process (relay.c), which passes the items on
 * to the main process through a pipe: a read that never returns can keep
 * the child alive, never the process that holds the output.
 *
 * With --samples or --until-oom (samples.c), each later sample is one more
 * such child, started by the main process at its time, walking only the
 * files that change (opts->sample >= 2); the main process adds its items
 * to the archive (or to a ring slot) as they come, as for the first.
 *
 * Every read that may block (open + read of one file, one command) is a
 * "step": the reader announces it with rd_step_begin() and the main thread,
 * whenever it waits for the next item, checks the step's deadline.  A step
 * stuck past its deadline is recorded as a `timeout` problem, its thread is
 * abandoned (it frees itself if the read ever returns) and a new reader
 * thread resumes the walk just after the stuck step (struct cursor).
 *
 * Contracts: nothing below prints.  Functions return 0 or a negative errno;
 * -ECANCELED from any rd_*() call means "stop now and unwind" (the thread
 * was abandoned or the capture is being stopped).
 */
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/util.h"

enum compress { COMPRESS_GZIP, COMPRESS_ZSTD, COMPRESS_NONE };
enum kmsg_mode { KMSG_OOM, KMSG_ALL, KMSG_NONE };

struct capture_opts {
	const char *root;             /* --root, "/" by default */
	const char *output;           /* -o: a path, "-" for stdout, NULL: default name */
	const char *tmpdir;           /* where the body goes when writing to stdout */
	enum compress compress;
	int level;                    /* compression level, 0: the default (1) */
	enum kmsg_mode kmsg;
	const char *kmsg_file;        /* --kmsg-file: records from a file (tests) */
	const char *kmsg_device;      /* /dev/kmsg; tests point it elsewhere */
	bool cmdline;                 /* --cmdline */
	bool bpftool;                 /* false with --no-bpftool */
	bool journal;                 /* false with --no-journal */
	const char *bpftool_path;     /* --bpftool: skip the PATH lookup */
	unsigned file_timeout_ms;     /* --file-timeout, 2000 */
	unsigned command_timeout_ms;  /* --command-timeout, 10000 */
	uint64_t timeout_ms;          /* --timeout, 60000 */
	/* Samples over time (capture.md section 6). */
	unsigned samples;             /* --samples N: 1 (default) is one instant */
	uint64_t interval_ms;         /* --interval, between sample starts */
	bool until_oom;               /* --until-oom: the flight recorder */
	const char *oom_cgroup;       /* --cgroup PATH: kills there and below, NULL: any */
	unsigned keep;                /* --keep K: ring samples kept */
	/*
	 * Set per walk by capture.c: 0 for the full first sample; k >= 2 for
	 * a sample of the changing files only (samples.c), which also reads
	 * smaps_rollup when sample_smaps (the last sample).
	 */
	unsigned sample;
	bool sample_smaps;
	/* Set (to a signal number) by the command layer's signal handler. */
	const volatile sig_atomic_t *stop_signal;
};

void capture_opts_init(struct capture_opts *o);

/* ---- limits (capture.md section 4) --------------------------------------- */

#define FILE_MAX            (4u << 20)   /* one file */
#define KMSG_MAX            (16u << 20)  /* the kernel log file */
#define KMSG_FOLLOW_MAX     (1u << 20)   /* --until-oom: the latest records kept */
#define PROBLEMS_MAX        10000u       /* problems listed in the manifest */
#define CGROUP_DEPTH_MAX    64
#define CMD_STDERR_MAX      4096u
#define KIND_TIMEOUTS_MAX   3            /* then that kind of file is skipped */
#define ABANDONED_MAX       16           /* stuck reader threads alive at once */

/* ---- problems and counts ------------------------------------------------ */

enum problem_kind {
	PROBLEM_VANISHED,   /* the process exited, the cgroup was removed: normal */
	PROBLEM_ABSENT,     /* the kernel has no such file: normal */
	PROBLEM_DENIED,     /* EACCES, EPERM */
	PROBLEM_TIMEOUT,    /* past the per-file deadline */
	PROBLEM_TOO_LARGE,  /* truncated at the size cap */
	PROBLEM_ERROR,      /* anything else */
	PROBLEM_KIND_NR
};

enum problem_action { ACTION_SKIPPED, ACTION_TRUNCATED, ACTION_PARTIAL };

const char *problem_kind_name(enum problem_kind k);
const char *problem_action_name(enum problem_action a);
/* The kind an errno maps to when reading a file of a process or not. */
enum problem_kind problem_kind_of(int err, bool of_process);
/* Kinds that make the exit status 1. */
bool problem_kind_serious(enum problem_kind k);

enum count {
	COUNT_PROCESSES, COUNT_KERNEL_THREADS, COUNT_VANISHED, COUNT_CGROUPS,
	COUNT_BPF_MAP_FDS, COUNT_GO_PROCESSES, COUNT_KMSG_READ, COUNT_KMSG_KEPT,
	COUNT_OOM_REPORTS,
	COUNT_NR
};
const char *count_name(enum count c);
/* strerror() without translations (strerrordesc_np): thread-safe, small. */
const char *errno_text(int err);

/* UTC calendar fields (gmtime without the time zone machinery). */
struct utc {
	int64_t year;
	int month, day, hour, min, sec;
};
void utc_fields(time_t t, struct utc *ret);

/* ---- items: what the reader hands the main thread ------------------------ */

enum item_type {
	ITEM_FILE,      /* path: archive path, data: content, mtime */
	ITEM_PROBLEM,   /* path, kind, err, action, data: message or "" */
	ITEM_MANIFEST,  /* path: top-level manifest key, data: a JSON value */
	ITEM_COMMAND,   /* data: one JSON object for manifest.commands */
	ITEM_DONE,      /* the walk is over */
};

struct item {
	enum item_type type;
	struct strbuf path;
	struct strbuf data;
	int64_t mtime;             /* seconds since the epoch */
	enum problem_kind kind;
	enum problem_action action;
	int err;                   /* positive errno, 0 when none applies */
};

/* ---- the walk position -------------------------------------------------- */

/*
 * Where a reader thread is: enough for a new thread to continue after a
 * stuck step.  Each source gives pos and phase its own meaning (node: file
 * index; processes: pid and file; cgroups: directory and file).
 */
struct cursor {
	int source;                /* index in sources[] */
	uint64_t pos;
	int phase;
	char path[PATH_MAX];       /* cgroups: directory relative to the memory root */
};

/* ---- cgroup hierarchy ----------------------------------------------------- */

enum cgroup_mode { CG_NONE, CG_V1, CG_HYBRID, CG_V2 };
enum cgroup_detect { CG_BY_STATFS, CG_BY_MOUNTINFO, CG_BY_NOTHING };

struct cgroup_info {
	enum cgroup_mode mode;
	enum cgroup_detect detected_by;
	bool memory_v2;               /* the memory hierarchy is a cgroup2 one */
	char memory_mount[PATH_MAX];  /* "/sys/fs/cgroup/memory" as the node sees it */
	char memory_root[PATH_MAX];   /* "sys/fs/cgroup/memory": the archive path */
	char mount_root[PATH_MAX];    /* mountinfo's root field of that mount ("/") */
};

const char *cgroup_mode_name(enum cgroup_mode m);
const char *cgroup_detect_name(enum cgroup_detect d);

/*
 * From mountinfo text: the mount of the memory controller (a cgroup v1
 * mount with the "memory" super option, or the cgroup2 mount) and whether a
 * cgroup2 hierarchy exists.  Pure: fills ret->memory_mount, mount_root,
 * memory_v2 (and mode when `set_mode`).  Returns 0 when a memory hierarchy
 * was found, -ENOENT when not, -EINVAL when the text is not mountinfo.
 * `v2_has_memory` tells whether a cgroup2 mount at a given mount point has
 * the memory controller (NULL: assume yes).
 */
struct mountinfo_cgroup {
	char v1_memory[PATH_MAX];     /* mount point of the v1 memory hierarchy */
	char v1_memory_root[PATH_MAX];
	char v2[PATH_MAX];            /* mount point of the cgroup2 hierarchy */
	char v2_root[PATH_MAX];
	bool any_v1;                  /* any cgroup v1 mount at all */
};
int mountinfo_parse_cgroups(const char *buf, size_t len,
			    struct mountinfo_cgroup *ret);
struct rd;
/* The tree's proc/1/mountinfo (else proc/self/mountinfo), not stored. */
int mountinfo_read(struct rd *rd, struct strbuf *ret);

/*
 * Detect the cgroup mode of the tree at rootfd the way systemd does (statfs
 * of sys/fs/cgroup, then unified/ and systemd/), falling back to the types in
 * proc/1/mountinfo (then proc/self/mountinfo) when statfs sees no cgroup
 * filesystem.  `mountinfo` is that file's text (may be NULL).
 */
int cgroup_detect(int rootfd, const char *mountinfo, size_t len,
		  struct cgroup_info *ret);

/*
 * The memory cgroup path in a /proc/PID/cgroup text: the `0::` line when v2,
 * else the v1 line whose controllers include `memory`.  `out` (n > 0 bytes)
 * always ends up a terminated string: "" when no line names it; a longer
 * path is cut to n - 1 bytes.  Pure, for the collector's own cgroup.
 */
void cgroup_self_path(const char *buf, size_t len, bool v2, char *out,
		      size_t n);

/* Compare cgroup paths in depth-first, name-sorted order (strcmp, '/' lowest). */
int cgroup_path_cmp(const char *a, const char *b);

/* ---- processes (pure) ---------------------------------------------------- */

enum proc_kind { PK_USER, PK_KTHREAD, PK_ZOMBIE };

/*
 * What a /proc/PID/status text says the process is: a kernel thread
 * (`Kthread: 1` on 6.x; before it, no `VmSize:` line, as kernel threads
 * have no mm), a zombie (`State: Z` or `X`), or a user process.
 */
enum proc_kind proc_status_kind(const char *buf, size_t len);

/* ---- kernel log filter (pure) -------------------------------------------- */

#define KMSG_REPORT_MAX 4096   /* records of one OOM report kept at most */
#define KMSG_REAPER_WINDOW 16  /* records after the kill to find oom_reaper */

struct kmsg_filter {
	enum kmsg_mode mode;
	bool in_report;
	unsigned report_records;   /* records of the current report so far */
	int after_kill;            /* records since the kill line, -1: none */
	uint64_t reports;          /* OOM events in the kept records, as memsnap load counts them */
	int phase;                 /* the loader's phase of the current event, -1: none */
	uint64_t truncated;        /* reports cut at KMSG_REPORT_MAX */
};

void kmsg_filter_init(struct kmsg_filter *f, enum kmsg_mode mode);
/* Feed the message text of one record (after ';'): keep it? */
bool kmsg_filter_keep(struct kmsg_filter *f, const char *msg, size_t len);
/* The message of a /dev/kmsg record "prio,seq,usec,flags;msg" (whole if no ';'). */
void kmsg_record_message(const char *rec, size_t len, const char **ret_msg,
			 size_t *ret_len);
/* The message of a syslog(2) line "<6>[  12.345678] msg". */
void kmsg_syslog_message(const char *line, size_t len, const char **ret_msg,
			 size_t *ret_len);

/*
 * Does this OOM kill record's message (an `oom-kill:` line, or before 4.19
 * "Task in X killed as a result of limit of Y") name `cgroup` or a cgroup
 * below it as oom_memcg or task_memcg?  cgroup NULL: any kill matches.
 * Paths are the memory hierarchy's, as the kernel and the views write them.
 */
bool kmsg_oom_kill_matches(const char *msg, size_t len, const char *cgroup);

/*
 * Following /dev/kmsg from its oldest record without blocking (the flight
 * recorder, in the main process): records filtered as kmsg_collect() does,
 * kept in memory (at most KMSG_MAX), and the kills that match `cgroup`.
 */
struct kmsg_follow;
struct kmsg_follow_info {
	const char *text;          /* the kept records, one a line */
	size_t len;
	uint64_t read, kept, lost, reports, truncated, kills;
	bool full;                 /* KMSG_MAX reached: later records dropped */
	uint64_t last_seq;         /* sequence number of the last record read */
	bool have_seq;
};
int kmsg_follow_open(const char *device, enum kmsg_mode mode,
		     const char *cgroup, struct kmsg_follow **ret);
int kmsg_follow_fd(const struct kmsg_follow *k);
/* Read what is there: 1 when a matching kill was among it, 0, -errno. */
int kmsg_follow_read(struct kmsg_follow *k);
void kmsg_follow_result(const struct kmsg_follow *k,
			struct kmsg_follow_info *ret);
/* manifest.kmsg for what was followed, stored as collector/kmsg.txt. */
void kmsg_follow_manifest(const struct kmsg_follow *k, const char *source,
			  struct strbuf *json);
void kmsg_follow_free(struct kmsg_follow *k);

/* ---- what a later sample re-reads (samples.c) ------------------------------ */

/*
 * In the walk `o` describes: run this source, read this file?  A source,
 * node file or process file not listed in samples.c is read in the first
 * sample only (file NULL included).
 */
bool sample_source(const struct capture_opts *o, int source);
bool sample_node_file(const struct capture_opts *o, const char *path);
bool sample_cgroup_file(const struct capture_opts *o, const char *file);
bool sample_proc_file(const struct capture_opts *o, const char *file);
/* A later sample's status: only the lines it needs, in place; the new length. */
size_t sample_status_lines(char *buf, size_t len);

/* ---- Go executables (pure over a file descriptor / buffers) --------------- */

/*
 * The Go version recorded in the `.go.buildinfo` section of the ELF file at
 * fd (read with pread only).  Returns 1 and fills ret_version (NUL-terminated,
 * "go1.22.3") for a Go program, 0 for any other ELF or non-ELF file, or a
 * negative errno when reading failed.
 */
int goinfo_read_version(int fd, char *ret_version, size_t n);

/*
 * A streaming filter over /proc/PID/environ: feed it chunks, it keeps the
 * four Go runtime variables, the heap settings (common/heap_flags.h) found
 * in the JVM's and Node's option variables, and nothing else.
 */
#define GOENV_VALUE_MAX 4096
enum goenv_var {
	GOENV_GOGC, GOENV_GOMEMLIMIT, GOENV_GOMAXPROCS, GOENV_GODEBUG,
	/* From here on only the heap settings of the value are kept. */
	GOENV_HEAP_FIRST,
	GOENV_JAVA_TOOL_OPTIONS = GOENV_HEAP_FIRST, GOENV_JDK_JAVA_OPTIONS,
	GOENV__JAVA_OPTIONS, GOENV_NODE_OPTIONS,
	GOENV_NR
};
struct goenv {
	char *value[GOENV_NR];      /* NULL: not set */
	bool truncated[GOENV_NR];   /* longer than GOENV_VALUE_MAX */
	/* parser state */
	int cand;                   /* -1 undecided/none, else the variable */
	bool skip;                  /* rest of this entry is not wanted */
	char name[24];
	size_t name_len;
	struct strbuf cur;
};
void goenv_init(struct goenv *e);
void goenv_feed(struct goenv *e, const char *buf, size_t len);
void goenv_finish(struct goenv *e);
void goenv_release(struct goenv *e);
const char *goenv_name(enum goenv_var v);

/* ---- commands -------------------------------------------------------------- */

struct cmd_result {
	int exit_status;           /* -1 when killed by a signal or not run */
	int signal;                /* 0 when it exited */
	bool timed_out;
	bool stdout_truncated;
	uint64_t elapsed_ms;
	int spawn_err;             /* errno of a failed spawn, 0 */
};

/*
 * Run argv[0] (a path) with stdin from /dev/null, stdout into *out (at most
 * out_max bytes kept), stderr into *err (at most err_max), killing its
 * process group after timeout_ms or when *stop becomes non-zero.
 */
int cmd_run(const char *const argv[], unsigned timeout_ms,
	    const atomic_int *stop, struct strbuf *out, size_t out_max,
	    struct strbuf *err, size_t err_max, struct cmd_result *ret);
/*
 * Run a command (bpftool, journalctl) under the command time limit and store
 * its stdout at `path` (through `filter`, which may drop lines, if non-NULL),
 * its exit status, stderr and time in manifest.commands; failures become
 * problems of `name`.  -ECANCELED when the capture stops.
 */
struct rd;
int cmd_capture(struct rd *rd, const char *const argv[], const char *name,
		const char *path, void (*filter)(struct strbuf *out));
/* Look `name` up in the colon-separated `path` list: an executable file. */
int cmd_find(const char *name, const char *path, struct strbuf *ret);

/* ---- the reader (rd.c): what sources call ------------------------------- */

struct reader;
struct rd;

/* Everything a source needs: the options and the reader thread's context. */
const struct capture_opts *rd_opts(struct rd *rd);
int rd_rootfd(struct rd *rd);
struct cursor *rd_cursor(struct rd *rd);
/*
 * When a thread resumes after a stuck step, its sources skip what was done:
 * rd_resuming() returns the cursor of the stuck step while the source
 * `source` is the one being resumed, NULL otherwise.  rd_resumed() ends it.
 */
const struct cursor *rd_resuming(struct rd *rd, int source);
void rd_resumed(struct rd *rd);
/*
 * The cgroup hierarchy found by the cgroup source, kept for a thread that
 * resumes the walk: publish copies it in, get copies it out (-ENOENT when
 * nothing was published).
 */
int rd_cgroup_publish(struct rd *rd, const struct cgroup_info *ci);
int rd_cgroup_get(struct rd *rd, struct cgroup_info *ret);
/*
 * Executables already examined for Go (by device and inode), shared by the
 * reader threads: lookup returns 1 (a Go program, version filled), 0 (not
 * Go) or -ENOENT (not seen); -ECANCELED as usual.
 */
int rd_exe_lookup(struct rd *rd, dev_t dev, ino_t ino, char *ret_version,
		  size_t n);
int rd_exe_store(struct rd *rd, dev_t dev, ino_t ino, const char *version);
/* A flag the command runner polls (set when the capture stops). */
const atomic_int *rd_stop_flag(struct rd *rd);

/* Flags for rd_read/rd_file. */
#define RD_PROCESS   0x1   /* a file of a process: ENOENT/ESRCH mean vanished */
#define RD_QUIET     0x2   /* record no problem for ENOENT */
/*
 * A file of a cgroup directory (dirfd): when it fails with ENOENT or ENODEV
 * and the directory itself was removed (rd.c: dir_removed()), the cgroup
 * was removed during the capture: the problem is `vanished` (not `absent`, which says
 * the kernel has no such file) and rd_read() returns -ESTALE.
 */
#define RD_CGROUP    0x4

/*
 * Announce a step that may block.  `what` is the path blamed on a timeout,
 * `kind` groups steps for the per-kind timeout cap (a kind skipped after
 * KIND_TIMEOUTS_MAX timeouts makes this return -ETIMEDOUT, with the problem
 * recorded).  timeout_ms 0: the per-file timeout.
 */
int rd_step_begin(struct rd *rd, const char *what, const char *kind,
		  unsigned timeout_ms);
/* End the step: -ECANCELED when it was given up meanwhile. */
int rd_step_end(struct rd *rd);

/*
 * Read dirfd/name (archive path `apath`, kind `kind`) within the per-file
 * deadline into rd's buffer (rd_data()).  Records the problem for a failure
 * (ENOENT: absent or vanished per RD_PROCESS; -EFBIG: too_large, the first
 * `max` bytes are kept and 0 returned with *ret_truncated set).
 * Returns 0, the negative errno that was recorded, or -ECANCELED.
 */
int rd_read(struct rd *rd, int dirfd, const char *name, const char *apath,
	    const char *kind, size_t max, unsigned flags);
struct strbuf *rd_data(struct rd *rd);
/* rd_read() then rd_emit() of the buffer. */
int rd_file(struct rd *rd, int dirfd, const char *name, const char *apath,
	    const char *kind, unsigned flags);
/* Store `data` as the archive file `apath` (read at `mtime`, 0: now). */
int rd_emit(struct rd *rd, const char *apath, const char *data, size_t len,
	    int64_t mtime);
/* Store sb's bytes as `apath` without copying them: sb is left empty. */
int rd_emit_strbuf(struct rd *rd, const char *apath, struct strbuf *sb);
/* Store rd's buffer (rd_data()) as `apath`, handing the buffer over. */
int rd_emit_data(struct rd *rd, const char *apath);
int rd_problem(struct rd *rd, const char *path, enum problem_kind kind,
	       int err, enum problem_action action, const char *msg);
/* Record a problem from a negative errno (kind from problem_kind_of()). */
int rd_problem_errno(struct rd *rd, const char *path, int neg_err,
		     bool of_process);
int rd_manifest(struct rd *rd, const char *key, const char *json, size_t len);
int rd_command(struct rd *rd, const char *json, size_t len);
void rd_count(struct rd *rd, enum count c, uint64_t n);

/* ---- the reader (reader.c): what the main thread calls ------------------- */

/* Start the first reader thread on the tree at rootfd. */
int reader_start(const struct capture_opts *opts, int rootfd,
		 uint64_t deadline_ns, struct reader **ret);
/*
 * The next item, in walk order (1), or 0 when there are no more: the walk is
 * done (an ITEM_DONE was returned before) or it stopped (reader_stopped()).
 * While waiting it enforces the per-file deadline (returning the timeout
 * problem as an item), the overall deadline and opts->stop_signal.
 */
int reader_next(struct reader *r, struct item **ret);
/* Give the item's slot back. */
void reader_release(struct reader *r, struct item *it);
/* Why the walk stopped early: NULL, "SIGTERM", ..., "timeout", "stuck". */
const char *reader_stopped(struct reader *r);
/* Stop the walk (e.g. the archive cannot be written any more). */
void reader_stop(struct reader *r, const char *why);
/* "SIGINT", "SIGTERM", "SIGHUP" ("signal" for another): why a walk stopped. */
const char *reader_signal_name(int sig);
/* Counts flushed by the reader threads. */
void reader_counts(struct reader *r, uint64_t ret[COUNT_NR]);
/* Drop the main thread's reference (stuck threads may still hold theirs). */
void reader_free(struct reader *r);

/* ---- the reader process (relay.c): what the main thread calls ------------ */

/*
 * The reader (above) runs in a child process that holds no output
 * descriptor; its items come through a pipe (relay.c says why).  The same
 * calls as reader_*(), for the main process.  relay_next() also ends when
 * the capture's deadline (or a signal) is RELAY_GRACE past and the child
 * has not finished: relay_stopped() then says "timeout" (or the signal).
 */
struct relay;
int relay_start(const struct capture_opts *opts, int rootfd,
		uint64_t deadline_ns, struct relay **ret);
int relay_next(struct relay *r, struct item **ret);
void relay_release(struct relay *r, struct item *it);
const char *relay_stopped(struct relay *r);
void relay_stop(struct relay *r, const char *why);
/*
 * The child's counts, its peak RSS in KiB and its pid as the tree's /proc
 * numbers it (0 when it did not say).
 */
void relay_counts(struct relay *r, uint64_t ret[COUNT_NR], uint64_t *ret_rss_kb,
		  pid_t *ret_pid);
/* Close the pipe; the child is killed unless it finished, reaped if it can be. */
void relay_free(struct relay *r);

/* ---- sources (sources.c holds the table) --------------------------------- */

struct source {
	const char *name;
	int (*collect)(struct rd *rd);
};

extern const struct source sources[];
extern const size_t sources_nr;

/* The files each source reads: listed in sources.c, in archive order. */
struct node_file {
	const char *path;          /* relative to the root */
	bool manifest_only;        /* read for the manifest, not stored */
};
extern const struct node_file node_files[];
extern const size_t node_files_nr;
extern const char *const cgroup_v1_files[];
extern const size_t cgroup_v1_files_nr;
extern const char *const cgroup_v2_files[];
extern const size_t cgroup_v2_files_nr;

int node_collect(struct rd *rd);
int cgroup_collect(struct rd *rd);
int proc_collect(struct rd *rd);
int kmsg_collect(struct rd *rd);
int bpftool_collect(struct rd *rd);
int journal_collect(struct rd *rd);
int tmpfs_collect(struct rd *rd);
int kubelet_collect(struct rd *rd);
/* Keep only the kill and eviction lines of journalctl output (journal.c). */
void journal_filter(struct strbuf *out);
int k8s_collect(struct rd *rd);

/* Source indexes, for cursors (must match sources[]). */
enum { SRC_NODE, SRC_CGROUPS, SRC_PROCESSES, SRC_KMSG, SRC_BPFTOOL, SRC_K8S,
       SRC_JOURNAL, SRC_TMPFS, SRC_KUBELET };

/* ---- the whole capture (capture.c) -------------------------------------- */

struct capture_result {
	char output[PATH_MAX];        /* what was written ("-" for stdout) */
	char top[NAME_MAX + 1];       /* the top-level folder */
	bool complete;
	const char *interrupted;      /* NULL, "SIGINT", "SIGTERM", "SIGHUP", "timeout", "stuck" */
	uint64_t counts[COUNT_NR];
	uint64_t files, bytes;        /* stored files, their bytes */
	uint64_t archive_bytes;       /* size of what was written */
	uint64_t problems[PROBLEM_KIND_NR];
	uint64_t elapsed_ms;
	int exit_code;                /* 0, 1 or 3 */
	/* When nothing usable was written: what failed (the cause is err). */
	int err;                      /* negative errno */
	char err_what[PATH_MAX + 64]; /* "cannot write '/dev/full'" */
	const char *err_why;          /* why, when not err's text (a static string) */
};

/*
 * Capture the node (or the tree at opts->root) into one archive.  Never
 * prints.  Returns 0 when an archive was written (ret->exit_code 0 or 1),
 * or a negative errno with ret->err_what saying what failed (exit code 3).
 */
int capture_run(const struct capture_opts *opts, struct capture_result *ret);

/* The pid of this process as the tree's /proc sees it (another namespace). */
pid_t capture_own_pid(int rootfd);

/* "memsnap-<host>-<YYYYmmddTHHMMSSZ>" for a host name and a UTC time. */
void capture_top_name(const char *host, time_t t, char *buf, size_t n);

#endif
