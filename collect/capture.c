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

#include "collect/capture_int.h"

#include "common/banned.h"

void capture_opts_init(struct capture_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->root = "/";
	o->compress = COMPRESS_GZIP;
	o->kmsg = KMSG_OOM;
	o->bpftool = true;
	o->journal = true;
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

int capture_fail(struct capture_result *ret, int err, const char *fmt, ...)
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

/*
 * The main thread's loop: until the walk of sample k (0 or 1: the first)
 * is over or stopped, its files into b.  A later sample's files and
 * problems are named samples/<k>/<path>; only the first sets manifest keys.
 */
int capture_consume(struct run *r, struct relay *relay, struct body *b,
		    unsigned k, bool *ret_done)
{
	struct strbuf sp = STRBUF_INIT;
	struct sample_pack_out pack = { STRBUF_INIT, 0, 0 };
	struct item *it;
	int err = 0;

	while (relay_next(relay, &it) == 1) {
		const char *path = it->path.buf;

		if (k >= 2 && it->type == ITEM_PROBLEM) {
			strbuf_reset(&sp);
			strbuf_addf(&sp, "samples/%u/%s", k, it->path.buf);
			path = sp.buf;
		}
		switch (it->type) {
		case ITEM_FILE:
			if (err)
				break;
			/* a later sample's files go into its packs */
			if (k >= 2)
				err = sample_pack_file(r, b, &pack, k, it);
			else
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
	if (!err && k >= 2)
		err = sample_pack_flush(r, b, &pack, k);
	strbuf_release(&pack.buf);
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
			return capture_fail(r->res, -ETIMEDOUT, "cannot open '%s'",
				    r->out_path.buf);
		}
		if (r->opts->stop_signal && *r->opts->stop_signal)
			return capture_fail(r->res, -EINTR, "cannot open '%s'",
				    r->out_path.buf);
		nanosleep(&(struct timespec){ .tv_nsec = FIFO_RETRY_NS }, NULL);
	}
	if (fd < 0)
		return capture_fail(r->res, -errno, "cannot open '%s'", r->out_path.buf);
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
			err = capture_fail(r->res, -errno, "cannot create '%s'",
				   r->out_path.buf);
		goto out;
	}
	strbuf_reset(&r->part_path);
	strbuf_addf(&r->part_path, "%s.XXXXXX.partial", r->out_path.buf);
	r->out_fd = mkostemps(r->part_path.buf, 8, O_CLOEXEC);
	if (r->out_fd < 0) {
		/* Name the file the user asked for: that is what to fix. */
		err = capture_fail(r->res, -errno, "cannot create '%s'",
			   r->out_path.buf);
		strbuf_reset(&r->part_path);
		goto out;
	}
	r->out_created = true;
	/* mkstemp makes it 0600; a capture gets what open(0644) would give. */
	mask = umask(0);
	umask(mask);
	if (fchmod(r->out_fd, 0644 & ~mask) < 0)
		err = capture_fail(r->res, -errno, "cannot set the mode of '%s'",
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
		return capture_fail(r->res, -errno, "cannot rename '%s' to '%s'",
			    r->part_path.buf, r->out_path.buf);
	r->out_created = false;
	return 0;
}

/* Writing the body failed: the output's name, or the temporary file's folder. */
int capture_body_failed(struct run *r, int err)
{
	if (r->in_place)
		return capture_fail(r->res, err, "cannot write '%s'", r->part_path.buf);
	return capture_fail(r->res, err, "cannot write a temporary file in '%s'",
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
			return capture_body_failed(r, -errno);
	} else {
		r->body_fd = tmpfile_open(r->tmpdir.buf);
		if (r->body_fd < 0 && r->to_stdout) {
			/* Nowhere to write on a read-only container: keep it in memory. */
			r->body_fd = memfd_create("memsnap-body", MFD_CLOEXEC);
			if (r->body_fd < 0)
				r->body_fd = -errno;
		}
		if (r->body_fd < 0)
			return capture_fail(r->res, r->body_fd,
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
		return capture_body_failed(r, err);
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
				return capture_fail(r->res, tmp, "cannot create a temporary "
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
			return capture_fail(r->res, err, "cannot write '%s'",
				    r->to_stdout ? "standard output" :
				    r->part_path.len ? r->part_path.buf :
				    r->out_path.buf);
		return capture_fail(r->res, err, "cannot read back a temporary file in '%s'",
			    r->tmpdir.buf);
	}
	if (!r->to_stdout) {
		int fd = r->out_fd;

		r->out_fd = -1;
		if (close(fd) < 0)
			return capture_fail(r->res, -errno, "cannot write '%s'",
				    r->part_path.len ? r->part_path.buf :
				    r->out_path.buf);
	}
	return commit_output(r);
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
		err = capture_fail(ret, -errno, "cannot open root directory '%s'",
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
		capture_fail(ret, err, "cannot start the archive in '%s'", r.tmpdir.buf);
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
			capture_fail(ret, err, "cannot read '%s'", dev);
			goto out;
		}
		first.kmsg = KMSG_NONE;
	}
	/*
	 * When the walk starts (capture.md 6: mono_ns), as for samples 2..N,
	 * not the collector's start: what comes before (the output, the
	 * temporary files, the kernel log followed) took 0.5 s under qemu's
	 * TCG, and a growth rate divides by the time between two samples.
	 */
	clock_gettime(CLOCK_REALTIME, &meta1.real);
	meta1.mono_ns = now_ns(CLOCK_MONOTONIC);
	err = relay_start(&first, r.rootfd, deadline, &r.relay);
	if (err < 0) {
		capture_fail(ret, err, "cannot start the reader process");
		goto out;
	}
	err = capture_consume(&r, r.relay, &r.body, 0, &r.done);
	stopped = r.done ? NULL : relay_stopped(r.relay);
	relay_counts(r.relay, r.f.counts, &r.child_rss_kb, &r.f.reader_pid);
	if (err < 0) {
		capture_body_failed(&r, err);
		goto out;
	}
	meta1.mono_end_ns = now_ns(CLOCK_MONOTONIC);
	meta1.status = r.done ? "complete" : stopped ? stopped : "error";
	if (sampling) {
		relay_free(r.relay);
		r.relay = NULL;
		if (!r.done)
			r.stopped = meta1.status;
		err = samples_more(&r, &meta1);
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
