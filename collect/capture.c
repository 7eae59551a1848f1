/* SPDX-License-Identifier: MIT */
/*
 * One capture from start to end: the output and temporary files, the reader,
 * the main thread's loop (items into the archive body and the manifest), and
 * the final write of manifest + body.  Never prints: what failed goes back
 * in struct capture_result for the command layer.
 */
#include "collect/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "collect/archive_out.h"
#include "collect/manifest.h"

#include "common/banned.h"

void capture_opts_init(struct capture_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->root = "/";
	o->compress = COMPRESS_GZIP;
	o->kmsg = KMSG_OOM;
	o->bpftool = true;
	o->file_timeout_ms = 2000;
	o->command_timeout_ms = 10000;
	o->timeout_ms = 60000;
	o->samples = 1;
}

void capture_top_name(const char *host, time_t t, char *buf, size_t n)
{
	char h[HOST_NAME_MAX + 1];
	struct utc u;
	size_t i;

	strlcpy_s(h, host && *host ? host : "unknown", sizeof(h));
	for (i = 0; h[i]; i++) {
		char c = h[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			h[i] = '_';
	}
	utc_fields(t, &u);
	xsnprintf(buf, n, "memsnap-%s-%04lld%02d%02dT%02d%02d%02dZ", h,
		  (long long)u.year, u.month, u.day, u.hour, u.min, u.sec);
}

static const char *extension(enum compress c)
{
	switch (c) {
	case COMPRESS_ZSTD: return ".tar.zst";
	case COMPRESS_NONE: return ".tar";
	case COMPRESS_GZIP: break;
	}
	return ".tar.gz";
}

static int fail(struct capture_result *ret, int err, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

static int fail(struct capture_result *ret, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ret->err_what, sizeof(ret->err_what), fmt, ap);
	va_end(ap);
	ret->err = err < 0 ? err : -EIO;
	ret->exit_code = 3;
	return ret->err;
}

pid_t capture_own_pid(int rootfd)
{
	char buf[32];
	ssize_t n = readlinkat(rootfd, "proc/self", buf, sizeof(buf) - 1);
	uint64_t v;

	if (n > 0 && parse_u64(buf, (size_t)n, &v) == 0 && v <= INT32_MAX)
		return (pid_t)v;
	return getpid();
}

/* Where the body goes: next to the output, or in $TMPDIR for stdout etc. */
static void temp_dir(const struct capture_opts *o, const char *out,
		     bool to_stdout, struct strbuf *ret)
{
	struct stat st;
	const char *slash;

	strbuf_reset(ret);
	if (!to_stdout && !(stat(out, &st) == 0 && !S_ISREG(st.st_mode))) {
		slash = strrchr(out, '/');
		if (!slash)
			strbuf_addstr(ret, ".");
		else if (slash == out)
			strbuf_addstr(ret, "/");
		else
			strbuf_add(ret, out, (size_t)(slash - out));
		return;
	}
	strbuf_addstr(ret, o->tmpdir && *o->tmpdir ? o->tmpdir : "/tmp");
}

/* One sample's line in samples/index.tsv (capture.md 6.1). */
struct sample_meta {
	unsigned k;
	uint64_t mono_ns, mono_end_ns;   /* CLOCK_MONOTONIC, walk start and end */
	struct timespec real;            /* CLOCK_REALTIME at the walk's start */
	const char *kind;                /* "full", "changes", "changes+smaps_rollup" */
	const char *trigger;             /* "start", "interval", "oom-kill" */
	const char *status;              /* "complete" or why it stopped */
};

/* A problem of a ring sample, replayed into the manifest if the sample is kept. */
struct slot_problem {
	enum problem_kind kind;
	enum problem_action action;
	int err;
	uint32_t path_len, msg_len;      /* then the bytes of both */
};

/* One sample of the flight recorder's ring: a gzip member / zstd frame in fd. */
struct slot {
	int fd;                          /* unlinked temporary file, -1: none yet */
	bool used;
	struct sample_meta meta;
	struct strbuf problems;          /* struct slot_problem records */
	uint64_t problems_dropped;
};

#define SLOT_PROBLEMS_MAX (16u << 10)

struct run {
	const struct capture_opts *opts;
	struct capture_result *res;
	struct manifest m;
	struct manifest_facts f;
	struct body body;
	struct relay *relay;
	struct strbuf tmpdir, out_path, part_path, head, tail;
	int rootfd, body_fd, spill_fd, out_fd;
	int stdout_flags;          /* fd 1's flags to put back, -1: none */
	uint64_t deadline;         /* the capture's, CLOCK_MONOTONIC ns, 0: none */
	bool to_stdout, out_created, body_open;
	bool in_place;             /* the body goes straight to the output */
	bool done;
	uint64_t child_rss_kb;     /* the reader process's peak RSS */
	/* samples (capture.md 6) */
	struct strbuf index;       /* samples/index.tsv */
	struct slot *slot;         /* the sample being written to a ring slot */
	struct kmsg_follow *kf;    /* --until-oom: the kernel log followed */
	const char *stopped;       /* why sampling ended early, NULL */
	unsigned taken, kept;      /* samples taken, samples in the archive */
	bool oom_kill;             /* a matching kill was read */
};

static void slot_problem(struct slot *s, const char *path,
			 const struct item *it)
{
	struct slot_problem p = { .kind = it->kind, .action = it->action,
				  .err = it->err };

	p.path_len = (uint32_t)strlen(path);
	p.msg_len = (uint32_t)it->data.len;
	if (s->problems.len + sizeof(p) + p.path_len + p.msg_len >
	    SLOT_PROBLEMS_MAX) {
		s->problems_dropped++;
		return;
	}
	strbuf_add(&s->problems, &p, sizeof(p));
	strbuf_add(&s->problems, path, p.path_len);
	strbuf_add(&s->problems, it->data.buf, p.msg_len);
}

/*
 * The main thread's loop: until the walk of sample k (0 or 1: the first)
 * is over or stopped, its files into b.  A later sample's files and
 * problems are named samples/<k>/<path>; only the first sets manifest keys.
 */
static int consume(struct run *r, struct relay *relay, struct body *b,
		   unsigned k, bool *ret_done)
{
	struct strbuf sp = STRBUF_INIT;
	struct item *it;
	int err = 0;

	while (relay_next(relay, &it) == 1) {
		const char *path = it->path.buf;

		if (k >= 2 && (it->type == ITEM_FILE || it->type == ITEM_PROBLEM)) {
			strbuf_reset(&sp);
			strbuf_addf(&sp, "samples/%u/%s", k, it->path.buf);
			path = sp.buf;
		}
		switch (it->type) {
		case ITEM_FILE:
			if (err)
				break;
			err = body_add(b, r->res->top, path, it->data.buf,
				       it->data.len, it->mtime);
			if (err < 0) {
				relay_stop(relay, "error");
				break;
			}
			r->res->files++;
			r->res->bytes += it->data.len;
			break;
		case ITEM_PROBLEM:
			if (r->slot)
				slot_problem(r->slot, path, it);
			else
				manifest_problem(&r->m, path, it->kind, it->err,
						 it->action, it->data.buf);
			break;
		case ITEM_MANIFEST:
			if (k < 2)
				manifest_set(&r->m, it->path.buf, it->data.buf,
					     it->data.len);
			break;
		case ITEM_COMMAND:
			if (k < 2)
				manifest_command(&r->m, it->data.buf,
						 it->data.len);
			break;
		case ITEM_DONE:
			*ret_done = true;
			break;
		}
		relay_release(relay, it);
	}
	strbuf_release(&sp);
	return err;
}

/*
 * A regular file is written under a temporary name next to it and renamed
 * over it only once the archive is whole: a capture killed by SIGKILL, a
 * second signal or the OOM killer leaves '<out>.XXXXXX.partial' behind, never
 * an empty or cut '<out>' that looks like a capture (and an earlier capture
 * of that name stays as it was).  Devices, FIFOs and symlinks (/dev/full,
 * /dev/stdout, a pipe) are written in place: there is nothing to rename.
 */
/*
 * A FIFO's open() waits for a reader: opened O_NONBLOCK (ENXIO while there
 * is none), again every FIFO_RETRY_NS until the deadline (issue 17.2).
 */
#define FIFO_RETRY_NS (20u * 1000u * 1000u)

static int open_fifo(struct run *r)
{
	int fd;

	for (;;) {
		fd = open(r->out_path.buf, O_WRONLY | O_NONBLOCK | O_CLOEXEC |
			  O_NOCTTY);
		if (fd >= 0 || errno != ENXIO)
			break;
		if (r->deadline && now_ns(CLOCK_MONOTONIC) >= r->deadline) {
			r->res->err_why = "no reader opened it before the deadline (--timeout)";
			return fail(r->res, -ETIMEDOUT, "cannot open '%s'",
				    r->out_path.buf);
		}
		if (r->opts->stop_signal && *r->opts->stop_signal)
			return fail(r->res, -EINTR, "cannot open '%s'",
				    r->out_path.buf);
		nanosleep(&(struct timespec){ .tv_nsec = FIFO_RETRY_NS }, NULL);
	}
	if (fd < 0)
		return fail(r->res, -errno, "cannot open '%s'", r->out_path.buf);
	r->out_fd = fd;
	return 0;
}

/*
 * Standard output as a descriptor of our own that does not block, when it
 * is a pipe, FIFO or socket whose reader may stop reading (issue 17.2): a
 * pipe reopened through /proc/self/fd (its own file description, so the
 * caller's stays as it was), else fd 1 itself made O_NONBLOCK until the
 * archive is written (r->stdout_flags says how to put it back).
 */
static void open_stdout(struct run *r)
{
	struct stat st;
	int fd, fl;

	r->out_fd = STDOUT_FILENO;
	r->stdout_flags = -1;
	if (fstat(STDOUT_FILENO, &st) < 0 || S_ISREG(st.st_mode) ||
	    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return;
	fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		struct stat st2;

		if (fstat(fd, &st2) == 0 && st2.st_ino == st.st_ino &&
		    st2.st_dev == st.st_dev) {
			r->out_fd = fd;
			return;
		}
		close(fd);
	}
	fl = fcntl(STDOUT_FILENO, F_GETFL);
	if (fl >= 0 && fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK) == 0)
		r->stdout_flags = fl;
}

/* Standard output as the caller gave it, then nothing more of ours on it. */
static void close_stdout(struct run *r)
{
	int null;

	if (!r->to_stdout)
		return;
	if (r->out_fd > STDERR_FILENO)
		close(r->out_fd);
	r->out_fd = -1;
	if (r->stdout_flags >= 0)
		fcntl(STDOUT_FILENO, F_SETFL, r->stdout_flags);
	r->stdout_flags = -1;
	/* EOF for the reader now, not when this process is reaped. */
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		close(null);
	}
}

static int open_output(struct run *r)
{
	struct stat st;
	mode_t mask;
	int err = 0;

	if (r->to_stdout) {
		open_stdout(r);
		goto out;
	}
	if (stat(r->out_path.buf, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    r->deadline) {
		err = open_fifo(r);
		goto out;
	}
	if (lstat(r->out_path.buf, &st) == 0 && !S_ISREG(st.st_mode)) {
		r->out_fd = open(r->out_path.buf, O_WRONLY | O_CREAT | O_TRUNC |
				 O_CLOEXEC | O_NOCTTY, 0644);
		if (r->out_fd < 0)
			err = fail(r->res, -errno, "cannot create '%s'",
				   r->out_path.buf);
		goto out;
	}
	strbuf_reset(&r->part_path);
	strbuf_addf(&r->part_path, "%s.XXXXXX.partial", r->out_path.buf);
	r->out_fd = mkostemps(r->part_path.buf, 8, O_CLOEXEC);
	if (r->out_fd < 0) {
		/* Name the file the user asked for: that is what to fix. */
		err = fail(r->res, -errno, "cannot create '%s'",
			   r->out_path.buf);
		strbuf_reset(&r->part_path);
		goto out;
	}
	r->out_created = true;
	/* mkstemp makes it 0600; a capture gets what open(0644) would give. */
	mask = umask(0);
	umask(mask);
	if (fchmod(r->out_fd, 0644 & ~mask) < 0)
		err = fail(r->res, -errno, "cannot set the mode of '%s'",
			   r->part_path.buf);
out:
	return err;
}

/* The archive is whole: give it its name. */
static int commit_output(struct run *r)
{
	if (!r->part_path.len)
		return 0;
	if (rename(r->part_path.buf, r->out_path.buf) < 0)
		return fail(r->res, -errno, "cannot rename '%s' to '%s'",
			    r->part_path.buf, r->out_path.buf);
	r->out_created = false;
	return 0;
}

/* Writing the body failed: the output's name, or the temporary file's folder. */
static int body_failed(struct run *r, int err)
{
	if (r->in_place)
		return fail(r->res, err, "cannot write '%s'", r->part_path.buf);
	return fail(r->res, err, "cannot write a temporary file in '%s'",
		    r->tmpdir.buf);
}

static int open_temps(struct run *r)
{
	/*
	 * Without compression the body is the tar as it will be: into a
	 * regular output it goes at once, after a slot for the manifest
	 * (archive_out.h), not into a temporary file copied at the end.
	 */
	if (r->opts->compress == COMPRESS_NONE && r->part_path.len) {
		r->in_place = true;
		r->body_fd = dup(r->out_fd);
		if (r->body_fd < 0 || lseek(r->body_fd, MANIFEST_SLOT, SEEK_SET) < 0)
			return body_failed(r, -errno);
	} else {
		r->body_fd = tmpfile_open(r->tmpdir.buf);
		if (r->body_fd < 0 && r->to_stdout) {
			/* Nowhere to write on a read-only container: keep it in memory. */
			r->body_fd = memfd_create("memsnap-body", MFD_CLOEXEC);
			if (r->body_fd < 0)
				r->body_fd = -errno;
		}
		if (r->body_fd < 0)
			return fail(r->res, r->body_fd,
				    "cannot create a temporary file in '%s'",
				    r->tmpdir.buf);
	}
	r->spill_fd = tmpfile_open(r->tmpdir.buf);
	if (r->spill_fd < 0)
		r->spill_fd = memfd_create("memsnap-problems", MFD_CLOEXEC);
	return 0;
}

static void finish_result(struct run *r)
{
	struct capture_result *res = r->res;
	int k;

	memcpy(res->counts, r->f.counts, sizeof(res->counts));
	for (k = 0; k < PROBLEM_KIND_NR; k++)
		res->problems[k] = r->m.by_kind[k];
	res->complete = r->f.complete;
	res->interrupted = r->f.interrupted;
	res->exit_code = (!res->complete || manifest_serious(&r->m)) ? 1 : 0;
}

static int write_all_out(struct run *r)
{
	struct manifest_text mt;
	bool out_err = true;
	int err;

	err = body_close(&r->body);
	if (err < 0)
		return body_failed(r, err);
	{
		struct rusage ru;

		/* the larger of the two processes' peaks */
		r->f.max_rss_kb = r->child_rss_kb;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			r->f.max_rss_kb = MAX(r->f.max_rss_kb,
					      (uint64_t)ru.ru_maxrss);
	}
	manifest_render(&r->m, &r->f, &r->head, &r->tail);
	mt.head = r->head.buf;
	mt.head_len = r->head.len;
	mt.mid_fd = r->spill_fd;
	mt.mid_len = r->m.spill_len;
	mt.tail = r->tail.buf;
	mt.tail_len = r->tail.len;
	if (r->in_place) {
		err = output_write_in_place(r->out_fd, r->res->top,
					    (int64_t)r->f.finished_real.tv_sec, &mt,
					    &r->res->archive_bytes, &out_err);
		if (err == 0) {
			/* a manifest past the slot: the body moves after it */
			int tmp = tmpfile_open(r->tmpdir.buf);

			if (tmp < 0)
				return fail(r->res, tmp, "cannot create a temporary "
					    "file in '%s'", r->tmpdir.buf);
			err = output_move_body(r->out_fd, tmp, r->opts->compress,
					       r->opts->level, r->res->top,
					       (int64_t)r->f.finished_real.tv_sec,
					       &mt, &r->res->archive_bytes, &out_err);
			close(tmp);
		}
	} else {
		err = output_write(r->out_fd, r->opts->compress, r->opts->level,
				   r->res->top, (int64_t)r->f.finished_real.tv_sec,
				   &mt, r->body_fd, r->deadline,
				   &r->res->archive_bytes, &out_err);
	}
	if (err < 0) {
		if (out_err && err == -ETIMEDOUT)
			r->res->err_why = "the reader took nothing more before the deadline (--timeout)";
		if (out_err)
			return fail(r->res, err, "cannot write '%s'",
				    r->to_stdout ? "standard output" :
				    r->part_path.len ? r->part_path.buf :
				    r->out_path.buf);
		return fail(r->res, err, "cannot read back a temporary file in '%s'",
			    r->tmpdir.buf);
	}
	if (!r->to_stdout) {
		int fd = r->out_fd;

		r->out_fd = -1;
		if (close(fd) < 0)
			return fail(r->res, -errno, "cannot write '%s'",
				    r->part_path.len ? r->part_path.buf :
				    r->out_path.buf);
	}
	return commit_output(r);
}

/* ---- samples (capture.md 6) --------------------------------------------- */

static void index_add(struct run *r, const struct sample_meta *s)
{
	if (!r->index.len)
		strbuf_addstr(&r->index, "sample\tmono_ns\tmono_end_ns\trealtime\tkind\ttrigger\tstatus\n");
	strbuf_addf(&r->index, "%u\t%llu\t%llu\t%lld.%09ld\t%s\t%s\t%s\n", s->k,
		    (unsigned long long)s->mono_ns,
		    (unsigned long long)s->mono_end_ns,
		    (long long)s->real.tv_sec, (long)s->real.tv_nsec, s->kind,
		    s->trigger, s->status);
}

/* Why sampling stops now: a signal, the deadline, or NULL. */
static const char *stop_reason(const struct run *r)
{
	int sig = r->opts->stop_signal ? *r->opts->stop_signal : 0;

	if (sig)
		return reader_signal_name(sig);
	if (r->deadline && now_ns(CLOCK_MONOTONIC) >= r->deadline)
		return "timeout";
	return NULL;
}

/*
 * Wait until `until` (CLOCK_MONOTONIC ns) reading the kernel log meanwhile:
 * 0 at that time, 1 when a matching kill was read, -1 when sampling must
 * stop (r->stopped says why).  A signal interrupts poll() at once.
 */
static int wait_until(struct run *r, uint64_t until)
{
	for (;;) {
		uint64_t now = now_ns(CLOCK_MONOTONIC), end = until;
		struct pollfd pfd = { .fd = -1, .events = POLLIN };

		r->stopped = stop_reason(r);
		if (r->stopped)
			return -1;
		if (r->kf && kmsg_follow_read(r->kf) > 0)
			return 1;
		if (now >= until)
			return 0;
		if (r->deadline && r->deadline < end)
			end = r->deadline;
		if (r->kf)
			pfd.fd = kmsg_follow_fd(r->kf);
		poll(&pfd, 1, (int)MIN((end - now + 999999) / 1000000, 100u));
	}
}

/* Walk sample k (>= 2) into b, its line into *meta. */
static int take_sample(struct run *r, unsigned k, bool smaps,
		       const char *trigger, struct body *b,
		       struct sample_meta *meta)
{
	struct capture_opts o = *r->opts;
	struct relay *relay = NULL;
	uint64_t counts[COUNT_NR], rss = 0;
	const char *why;
	bool done = false;
	pid_t pid;
	int err;

	o.sample = k;
	o.sample_smaps = smaps;
	meta->k = k;
	meta->kind = smaps ? "changes+smaps_rollup" : "changes";
	meta->trigger = trigger;
	clock_gettime(CLOCK_REALTIME, &meta->real);
	meta->mono_ns = now_ns(CLOCK_MONOTONIC);
	r->taken++;
	err = relay_start(&o, r->rootfd, r->deadline, &relay);
	if (err < 0) {
		/* the samples so far are kept: this one is an error, the last */
		struct strbuf path = STRBUF_INIT;

		strbuf_addf(&path, "samples/%u", k);
		manifest_problem(&r->m, path.buf, PROBLEM_ERROR, -err,
				 ACTION_SKIPPED, "cannot start the reader process");
		strbuf_release(&path);
		meta->status = "error";
		meta->mono_end_ns = now_ns(CLOCK_MONOTONIC);
		return 0;
	}
	err = consume(r, relay, b, k, &done);
	why = relay_stopped(relay);
	meta->status = done ? "complete" : why ? why : "error";
	relay_counts(relay, counts, &rss, &pid);
	r->child_rss_kb = MAX(r->child_rss_kb, rss);
	relay_free(relay);
	meta->mono_end_ns = now_ns(CLOCK_MONOTONIC);
	if (err < 0)
		return body_failed(r, err);
	return 0;
}

/* --samples N: samples 2..N straight into the body, one per interval. */
static int sample_series(struct run *r)
{
	const struct capture_opts *o = r->opts;
	struct sample_meta meta;
	unsigned k;
	int err = 0;

	for (k = 2; k <= o->samples; k++) {
		if (wait_until(r, r->f.started_mono + (k - 1) * o->interval_ms * 1000000u) < 0)
			break;
		err = take_sample(r, k, k == o->samples, "interval", &r->body,
				  &meta);
		index_add(r, &meta);
		r->kept++;
		if (err < 0)
			break;
		if (strcmp(meta.status, "complete")) {
			r->stopped = meta.status;
			break;
		}
	}
	return err;
}

/* One sample into a ring slot: its own compressed member in s->fd. */
static int slot_sample(struct run *r, struct slot *s, unsigned k, bool smaps,
		       const char *trigger)
{
	struct body b;
	int err;

	if (s->fd < 0) {
		s->fd = tmpfile_open(r->tmpdir.buf);
		if (s->fd < 0)
			return fail(r->res, s->fd, "cannot create a temporary file in '%s'",
				    r->tmpdir.buf);
	} else if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0) {
		return body_failed(r, -errno);
	}
	strbuf_reset(&s->problems);
	s->problems_dropped = 0;
	s->used = false;
	err = body_open(&b, s->fd, r->opts->compress, r->opts->level);
	r->slot = s;
	if (!err)
		err = take_sample(r, k, smaps, trigger, &b, &s->meta);
	r->slot = NULL;
	if (!err)
		err = body_close_member(&b);
	body_free(&b);
	if (err < 0)
		return r->res->err ? err : body_failed(r, err);
	s->used = true;
	return 0;
}

/* Append a kept slot's member to the body file, its problems to the manifest. */
static int slot_append(struct run *r, struct slot *s)
{
	char buf[64 << 10];
	off_t off = 0;
	size_t pos = 0;
	int err = 0;

	for (;;) {
		ssize_t n = pread(s->fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return body_failed(r, -errno);
		if (n == 0)
			break;
		err = write_all(r->body_fd, buf, (size_t)n);
		if (err < 0)
			return body_failed(r, err);
		off += n;
	}
	while (pos + sizeof(struct slot_problem) <= s->problems.len) {
		struct slot_problem p;
		struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;

		memcpy(&p, s->problems.buf + pos, sizeof(p));
		pos += sizeof(p);
		strbuf_add(&path, s->problems.buf + pos, p.path_len);
		pos += p.path_len;
		strbuf_add(&msg, s->problems.buf + pos, p.msg_len);
		pos += p.msg_len;
		manifest_problem(&r->m, path.buf, p.kind, p.err, p.action,
				 msg.buf);
		strbuf_release(&path);
		strbuf_release(&msg);
	}
	if (s->problems_dropped) {
		struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;

		strbuf_addf(&path, "samples/%u", s->meta.k);
		strbuf_addf(&msg, "%llu more problems of this sample not listed",
			    (unsigned long long)s->problems_dropped);
		manifest_problem(&r->m, path.buf, PROBLEM_TOO_LARGE, 0,
				 ACTION_PARTIAL, msg.buf);
		strbuf_release(&path);
		strbuf_release(&msg);
	}
	index_add(r, &s->meta);
	r->kept++;
	return 0;
}

/*
 * --until-oom: samples into a ring of `keep` slots until a kill in the
 * watched cgroup, a signal or the deadline; then one more sample after a
 * kill; then the kept slots (oldest first) after the first sample's member.
 * The body is left open on a new member for what follows (kmsg, index).
 */
static int flight_recorder(struct run *r)
{
	const struct capture_opts *o = r->opts;
	struct slot *ring = xcalloc((size_t)o->keep + 1, sizeof(*ring));
	size_t nslots = (size_t)o->keep + 1, i, next = 0, first;
	uint64_t tick = r->f.started_mono;
	unsigned k = 2;
	int err, w = 0;

	for (i = 0; i < nslots; i++) {
		ring[i].fd = -1;
		strbuf_init(&ring[i].problems, 0);
	}
	/* the first sample is one member; the slots' members follow it */
	err = body_close_member(&r->body);
	body_free(&r->body);
	r->body_open = false;
	if (err < 0) {
		body_failed(r, err);
		goto out;
	}
	for (;; k++) {
		tick += o->interval_ms * 1000000u;
		w = wait_until(r, tick);
		if (w != 0)
			break;
		err = slot_sample(r, &ring[next], k, false, "interval");
		if (err < 0)
			goto out;
		next = (next + 1) % o->keep;
		if (strcmp(ring[(next + o->keep - 1) % o->keep].meta.status, "complete")) {
			r->stopped = stop_reason(r);
			if (!r->stopped)
				r->stopped = ring[(next + o->keep - 1) % o->keep].meta.status;
			w = -1;
			break;
		}
		if (kmsg_follow_read(r->kf) > 0) {
			k++;
			w = 1;
			break;
		}
	}
	if (w > 0) {
		/* right after the kill, with smaps_rollup: the last sample */
		r->oom_kill = true;
		err = slot_sample(r, &ring[o->keep], k, true, "oom-kill");
		if (err < 0)
			goto out;
		if (strcmp(ring[o->keep].meta.status, "complete"))
			r->stopped = stop_reason(r);
	}
	/* oldest first: `next` is the oldest once the ring has wrapped */
	first = ring[next].used ? next : 0;
	for (i = 0; i < o->keep; i++) {
		struct slot *s = &ring[(first + i) % o->keep];

		if (!s->used)
			continue;
		err = slot_append(r, s);
		if (err < 0)
			goto out;
	}
	if (ring[o->keep].used) {
		err = slot_append(r, &ring[o->keep]);
		if (err < 0)
			goto out;
	}
	err = body_open(&r->body, r->body_fd, o->compress, o->level);
	r->body_open = true;
	if (err < 0)
		body_failed(r, err);
out:
	for (i = 0; i < nslots; i++) {
		if (ring[i].fd >= 0)
			close(ring[i].fd);
		strbuf_release(&ring[i].problems);
	}
	free(ring);
	return err;
}

/* The followed kernel log as collector/kmsg.txt: read up to this moment. */
static int add_followed_kmsg(struct run *r)
{
	struct kmsg_follow_info ki;
	struct strbuf json = STRBUF_INIT;
	const char *dev = r->opts->kmsg_device ? r->opts->kmsg_device : "/dev/kmsg";
	int err;

	if (kmsg_follow_read(r->kf) > 0)
		r->oom_kill = true;
	kmsg_follow_result(r->kf, &ki);
	r->f.counts[COUNT_KMSG_READ] = ki.read;
	r->f.counts[COUNT_KMSG_KEPT] = ki.kept;
	r->f.counts[COUNT_OOM_REPORTS] = ki.reports;
	if (ki.full)
		manifest_problem(&r->m, "collector/kmsg.txt", PROBLEM_TOO_LARGE,
				 EFBIG, ACTION_TRUNCATED,
				 "kernel log longer than 16 MiB: later records dropped");
	kmsg_follow_manifest(r->kf, dev, &json);
	manifest_set(&r->m, "kmsg", json.buf, json.len);
	strbuf_release(&json);
	err = body_add(&r->body, r->res->top, "collector/kmsg.txt", ki.text,
		       ki.len, (int64_t)time(NULL));
	if (err < 0)
		return body_failed(r, err);
	r->res->files++;
	r->res->bytes += ki.len;
	return 0;
}

/* Samples 2..: the series or the flight recorder, then kmsg and the index. */
static int more_samples(struct run *r, const struct sample_meta *first)
{
	const struct capture_opts *o = r->opts;
	struct strbuf json = STRBUF_INIT;
	struct jsonw w;
	int err = 0;

	index_add(r, first);
	r->kept = 1;
	/* a first sample cut short: no more (its kernel log and index still) */
	if (!r->stopped)
		err = o->until_oom ? flight_recorder(r) : sample_series(r);
	if (!err && r->kf)
		err = add_followed_kmsg(r);
	if (err < 0)
		goto out;
	err = body_add(&r->body, r->res->top, "samples/index.tsv", r->index.buf,
		       r->index.len, (int64_t)time(NULL));
	if (err < 0) {
		body_failed(r, err);
		goto out;
	}
	r->res->files++;
	r->res->bytes += r->index.len;

	jsonw_init(&w, &json, false);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "mode", o->until_oom ? "until-oom" : "series");
	jsonw_kv_string(&w, "index", "samples/index.tsv");
	jsonw_kv_u64(&w, "interval_ms", o->interval_ms);
	if (o->until_oom) {
		jsonw_kv_u64(&w, "keep", o->keep);
		jsonw_kv_string(&w, "cgroup", o->oom_cgroup ? o->oom_cgroup : "/");
		jsonw_kv_bool(&w, "oom_kill", r->oom_kill);
	} else {
		jsonw_kv_u64(&w, "requested", o->samples);
	}
	jsonw_kv_u64(&w, "taken", r->taken + 1);
	jsonw_kv_u64(&w, "kept", r->kept);
	jsonw_end_object(&w);
	manifest_set(&r->m, "samples", json.buf, json.len);
out:
	strbuf_release(&json);
	return err;
}

int capture_run(const struct capture_opts *opts, struct capture_result *ret)
{
	struct run r = { .opts = opts, .res = ret, .rootfd = -1, .body_fd = -1,
			 .spill_fd = -1, .out_fd = -1, .stdout_flags = -1 };
	struct capture_opts first = *opts;
	struct sample_meta meta1 = { .k = 1, .kind = "full", .trigger = "start" };
	bool sampling = opts->samples > 1 || opts->until_oom;
	const char *stopped;
	uint64_t deadline;
	int err;

	memset(ret, 0, sizeof(*ret));
	strbuf_init(&r.tmpdir, 0);
	strbuf_init(&r.out_path, 0);
	strbuf_init(&r.part_path, 0);
	strbuf_init(&r.head, 0);
	strbuf_init(&r.tail, 0);
	strbuf_init(&r.index, 0);
	manifest_init(&r.m, -1);

	r.f.opts = opts;
	uname(&r.f.uts);
	r.f.uid = getuid();
	r.f.page_size = sysconf(_SC_PAGESIZE);
	clock_gettime(CLOCK_REALTIME, &r.f.started_real);
	r.f.started_mono = now_ns(CLOCK_MONOTONIC);
	r.f.started_boot = now_ns(CLOCK_BOOTTIME);
	deadline = opts->timeout_ms ?
		   r.f.started_mono + opts->timeout_ms * 1000000u : 0;
	r.deadline = deadline;

	r.rootfd = open(opts->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r.rootfd < 0) {
		err = fail(ret, -errno, "cannot open root directory '%s'",
			   opts->root);
		goto out;
	}
	r.f.pid = capture_own_pid(r.rootfd);
	capture_top_name(r.f.uts.nodename, r.f.started_real.tv_sec, ret->top,
			 sizeof(ret->top));

	r.to_stdout = opts->output && !strcmp(opts->output, "-");
	if (opts->output)
		strbuf_addstr(&r.out_path, opts->output);
	else
		strbuf_addf(&r.out_path, "%s%s", ret->top,
			    extension(opts->compress));
	strlcpy_s(ret->output, r.out_path.buf, sizeof(ret->output));
	temp_dir(opts, r.out_path.buf, r.to_stdout, &r.tmpdir);

	err = open_output(&r);
	if (err < 0)
		goto out;
	err = open_temps(&r);
	if (err < 0)
		goto out;
	manifest_release(&r.m);
	manifest_init(&r.m, r.spill_fd);
	err = body_open(&r.body, r.body_fd, opts->compress, opts->level);
	r.body_open = true;
	if (err < 0) {
		fail(ret, err, "cannot start the archive in '%s'", r.tmpdir.buf);
		goto out;
	}

	if (opts->until_oom) {
		/*
		 * The main process follows the kernel log from its oldest record
		 * (the first sample's reader does not read it); the kills
		 * already in it are not what we wait for.
		 */
		const char *dev = opts->kmsg_device ? opts->kmsg_device : "/dev/kmsg";

		err = kmsg_follow_open(dev, opts->kmsg, opts->oom_cgroup, &r.kf);
		if (err == 0)
			err = kmsg_follow_read(r.kf) < 0 ? -EIO : 0;
		if (err < 0) {
			fail(ret, err, "cannot read '%s'", dev);
			goto out;
		}
		first.kmsg = KMSG_NONE;
	}
	meta1.mono_ns = r.f.started_mono;
	meta1.real = r.f.started_real;
	err = relay_start(&first, r.rootfd, deadline, &r.relay);
	if (err < 0) {
		fail(ret, err, "cannot start the reader process");
		goto out;
	}
	err = consume(&r, r.relay, &r.body, 0, &r.done);
	stopped = r.done ? NULL : relay_stopped(r.relay);
	relay_counts(r.relay, r.f.counts, &r.child_rss_kb, &r.f.reader_pid);
	if (err < 0) {
		body_failed(&r, err);
		goto out;
	}
	meta1.mono_end_ns = now_ns(CLOCK_MONOTONIC);
	meta1.status = r.done ? "complete" : stopped ? stopped : "error";
	if (sampling) {
		relay_free(r.relay);
		r.relay = NULL;
		if (!r.done)
			r.stopped = meta1.status;
		err = more_samples(&r, &meta1);
		if (err < 0)
			goto out;
		if (r.stopped && !stopped)
			stopped = r.stopped;
	}

	r.f.complete = r.done && !stopped;
	r.f.interrupted = r.f.complete ? NULL : stopped ? stopped : "error";
	clock_gettime(CLOCK_REALTIME, &r.f.finished_real);
	r.f.finished_mono = now_ns(CLOCK_MONOTONIC);
	r.f.finished_boot = now_ns(CLOCK_BOOTTIME);
	r.f.files = ret->files;
	r.f.bytes = ret->bytes;
	finish_result(&r);
	err = write_all_out(&r);
	close_stdout(&r);
	ret->elapsed_ms = (now_ns(CLOCK_MONOTONIC) - r.f.started_mono) / 1000000u;
out:
	close_stdout(&r);
	relay_free(r.relay);
	if (r.body_open)
		body_free(&r.body);
	if (err < 0 && r.out_created)
		unlink(r.part_path.buf);
	if (r.out_fd >= 0 && !r.to_stdout)
		close(r.out_fd);
	if (r.body_fd >= 0)
		close(r.body_fd);
	if (r.spill_fd >= 0)
		close(r.spill_fd);
	if (r.rootfd >= 0)
		close(r.rootfd);
	manifest_release(&r.m);
	strbuf_release(&r.tmpdir);
	strbuf_release(&r.out_path);
	strbuf_release(&r.part_path);
	strbuf_release(&r.head);
	strbuf_release(&r.tail);
	strbuf_release(&r.index);
	kmsg_follow_free(r.kf);
	return err < 0 ? err : 0;
}
