/* SPDX-License-Identifier: MIT */
/*
 * The reader process: every read of the node happens in a child process
 * that holds no output descriptor, and its items come to the main process
 * through a pipe.
 *
 * Why a process and not only a thread (issue 17): a read that waits on a
 * filesystem can wait for ever, and not even SIGKILL ends it.  fstatat() of
 * an executable on a FUSE mount whose daemon took the request and never
 * answers sleeps in request_wait_answer() uninterruptibly.  reader.c leaves
 * such a read to its thread and goes on, but a process with such a thread
 * cannot exit: its leader stays a zombie while the thread still holds the
 * descriptor table, standard output included, so ssh or kubectl exec never
 * see EOF and never get an exit status.  Here only the child can be stuck:
 * it has /dev/null for stdin, stdout and stderr and closed every other
 * descriptor but the root and the pipe, which it closes before it exits.
 * The main process (compression, the manifest, the output) only ever waits
 * on the pipe, with the capture's deadline, so it always ends; a stuck
 * child is left to init (or the nearest subreaper).
 *
 * The frames on the pipe: a struct frame header, then `path_len` bytes of
 * path and `data_len` bytes of data.  The last frame is FRAME_END, whose
 * path is why the walk stopped ("" when it did not) and whose data is
 * struct end_data.  Both ends are this same binary: native byte order.
 *
 * Signals: a signal to the main process is passed on to the child, which
 * stops its walk, sends what it read and FRAME_END.  The main process waits
 * for that at most RELAY_GRACE past the signal or the deadline, then stops
 * on its own ("timeout") with what came.
 */
#include "collect/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/banned.h"

#define FRAME_END 100u
#define RELAY_GRACE_NS (2000u * 1000u * 1000u)
#define RELAY_POLL_MS 50
#define RELAY_READ_MIN (64u << 10)
#define RELAY_PIPE (16 << 10)
/* How long a child that sent FRAME_END gets to be reaped. */
#define RELAY_REAP_MS 200

struct frame {
	uint32_t type;             /* enum item_type, or FRAME_END */
	uint32_t kind;             /* enum problem_kind */
	uint32_t action;           /* enum problem_action */
	int32_t err;
	int64_t mtime;
	uint64_t path_len;
	uint64_t data_len;
};

struct end_data {
	uint64_t counts[COUNT_NR];
	uint64_t max_rss_kb;       /* the child's peak RSS */
	int64_t pid;               /* the child's pid in the tree's /proc */
};

struct relay {
	pid_t pid;
	int fd;                    /* the pipe's read end */
	const volatile sig_atomic_t *stop_signal;
	int forwarded;             /* the signal passed on, 0: none */
	uint64_t deadline;         /* the capture's, CLOCK_MONOTONIC ns, 0: none */
	uint64_t give_up;          /* stop waiting for the child then, 0: never */
	struct strbuf in;          /* bytes read from the pipe */
	size_t pos;                /* of the first unused byte in `in` */
	struct item it;
	const char *stopped;       /* why the walk stopped, NULL: it did not */
	bool over;                 /* no more items */
	bool ended;                /* FRAME_END came */
	uint64_t counts[COUNT_NR];
	uint64_t child_rss_kb;
	pid_t child_pid;           /* as the tree's /proc numbers it */
};

/* ---- the child ------------------------------------------------------------- */

static volatile sig_atomic_t child_stop;

static void child_on_signal(int sig)
{
	child_stop = sig;
}

/* Close fds [lo, hi]: close_range() when the kernel has it (5.9+). */
static void close_fds(unsigned lo, unsigned hi)
{
	long max;
	unsigned fd;

	if (lo > hi || close_range(lo, hi, 0) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	if (max <= 0 || max > (1L << 20))
		max = 1L << 16;
	for (fd = lo; fd <= hi && fd < (unsigned)max; fd++)
		close((int)fd);
}

/*
 * Leave the child nothing of the caller's: /dev/null for 0-2, no other fd
 * but `a` and `b`.  (Sanitizer reports of the child are lost with its
 * stderr: ASAN_OPTIONS=log_path=/tmp/asan keeps them; the main process
 * sees the child end early and marks the capture interrupted, "error".)
 */
static void child_fds(int a, int b)
{
	unsigned lo = (unsigned)MIN(a, b), hi = (unsigned)MAX(a, b);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (null < 0 || dup2(null, fd) < 0)
			close(fd);
	}
	if (null > 2)
		close(null);
	close_fds(3, lo - 1);
	close_fds(lo + 1, hi - 1);
	close_fds(hi + 1, ~0u);
}

static int send_frame(int fd, const struct frame *f, const void *path,
		      const void *data)
{
	struct iovec iov[3] = {
		{ (void *)f, sizeof(*f) },
		{ (void *)path, (size_t)f->path_len },
		{ (void *)data, (size_t)f->data_len },
	};
	struct iovec *v = iov;
	int n = 3;

	while (n) {
		ssize_t w = writev(fd, v, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		while (n && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	return 0;
}

static void child_main(const struct capture_opts *opts, int rootfd,
		       uint64_t deadline, int wfd, pid_t parent)
{
	struct capture_opts o = *opts;
	struct reader *reader = NULL;
	struct end_data end;
	struct frame f;
	struct item *it;
	struct rusage ru;
	const char *why = "error";
	int err = 0;

	/* The main process gone (SIGKILL): nothing is waiting for us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	child_fds(rootfd, wfd);
	/* Not SA_RESETHAND: the terminal's and the passed-on signal may both come. */
	catch_stop_signals(child_on_signal, 0);
	o.stop_signal = &child_stop;

	memset(&end, 0, sizeof(end));
	if (reader_start(&o, rootfd, deadline, &reader) == 0) {
		while (reader_next(reader, &it) == 1) {
			if (!err) {
				memset(&f, 0, sizeof(f));
				f.type = it->type;
				f.kind = it->kind;
				f.action = it->action;
				f.err = it->err;
				f.mtime = it->mtime;
				f.path_len = it->path.len;
				f.data_len = it->data.len;
				err = send_frame(wfd, &f, it->path.buf,
						 it->data.buf);
				if (err < 0)
					reader_stop(reader, "error");
			}
			reader_release(reader, it);
		}
		why = reader_stopped(reader);
		reader_counts(reader, end.counts);
	}
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		end.max_rss_kb = (uint64_t)ru.ru_maxrss;
	end.pid = capture_own_pid(rootfd);
	memset(&f, 0, sizeof(f));
	f.type = FRAME_END;
	f.path_len = why ? strlen(why) : 0;
	f.data_len = sizeof(end);
	if (!err)
		send_frame(wfd, &f, why ? why : "", &end);
	/* EOF for the main process now, whatever a stuck thread still holds. */
	close(wfd);
	close(rootfd);
	_exit(0);
}

/* ---- the main process ------------------------------------------------------ */

int relay_start(const struct capture_opts *opts, int rootfd,
		uint64_t deadline_ns, struct relay **ret)
{
	struct relay *r;
	pid_t pid, parent = getpid();
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	/*
	 * What the child read before a stop but the main process has not
	 * taken yet is drained after the stop, as the ring is: the pipe holds
	 * about as much as the ring (RELAY_PIPE), not 64 KiB more of it.
	 */
	fcntl(p[1], F_SETPIPE_SZ, RELAY_PIPE);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		close(p[0]);
		child_main(opts, rootfd, deadline_ns, p[1], parent);
	}
	close(p[1]);
	r = xcalloc(1, sizeof(*r));
	r->pid = pid;
	r->fd = p[0];
	r->stop_signal = opts->stop_signal;
	r->deadline = deadline_ns;
	if (deadline_ns)
		r->give_up = deadline_ns + RELAY_GRACE_NS;
	strbuf_init(&r->in, 0);
	strbuf_init(&r->it.path, 0);
	strbuf_init(&r->it.data, 0);
	*ret = r;
	return 0;
}

/* The child's reason as one of ours (a static string). */
static const char *known_reason(const char *s, size_t len)
{
	static const char *const known[] = {
		"SIGINT", "SIGTERM", "SIGHUP", "signal", "timeout", "stuck",
		"error", "done",
	};
	size_t i;

	if (!len)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (strlen(known[i]) == len && !memcmp(known[i], s, len))
			return known[i];
	return "error";
}

/* The walk is over on our side: no more items, the child is told to stop. */
static void relay_over(struct relay *r, const char *why)
{
	if (!r->stopped && why)
		r->stopped = why;
	r->over = true;
	if (!r->ended)
		kill(r->pid, SIGKILL);
}

/* Why we stop waiting for the child: the signal passed on, or the deadline. */
static const char *give_up_reason(const struct relay *r)
{
	return r->forwarded ? reader_signal_name(r->forwarded) : "timeout";
}

/* A whole frame at r->pos: 1 and its header in *f, or 0. */
static int frame_ready(struct relay *r, struct frame *f)
{
	size_t have = r->in.len - r->pos;

	if (have < sizeof(*f))
		return 0;
	memcpy(f, r->in.buf + r->pos, sizeof(*f));
	if (f->path_len > have || f->data_len > have ||
	    have - sizeof(*f) < f->path_len + f->data_len)
		return 0;
	return 1;
}

/* Bytes still missing for the frame at r->pos (at least 1). */
static size_t frame_missing(struct relay *r)
{
	size_t have = r->in.len - r->pos;
	struct frame f;
	uint64_t want;

	if (have < sizeof(f))
		return sizeof(f) - have;
	memcpy(&f, r->in.buf + r->pos, sizeof(f));
	want = sizeof(f) + f.path_len + f.data_len;
	return want > have ? (size_t)(want - have) : 1;
}

/* Read what the pipe has (waiting at most until the next check): 0, or < 0. */
static int fill(struct relay *r)
{
	uint64_t now = now_ns(CLOCK_MONOTONIC);
	int sig = r->stop_signal ? *r->stop_signal : 0;
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	int timeout = RELAY_POLL_MS;
	size_t want;
	ssize_t n;

	if (sig && !r->forwarded) {
		r->forwarded = sig;
		kill(r->pid, sig);
		if (!r->give_up || r->give_up > now + RELAY_GRACE_NS)
			r->give_up = now + RELAY_GRACE_NS;
	}
	if (r->give_up && now >= r->give_up) {
		relay_over(r, give_up_reason(r));
		return -ETIMEDOUT;
	}
	if (r->give_up && (r->give_up - now) / 1000000u < (uint64_t)timeout)
		timeout = (int)((r->give_up - now) / 1000000u) + 1;
	if (poll(&pfd, 1, timeout) <= 0)
		return 0;     /* nothing yet (or EINTR): look again */

	/* Used bytes go; then room for the frame being read. */
	if (r->pos == r->in.len) {
		strbuf_reset(&r->in);
		r->pos = 0;
	} else if (r->pos > r->in.len / 2) {
		memmove(r->in.buf, r->in.buf + r->pos, r->in.len - r->pos);
		strbuf_setlen(&r->in, r->in.len - r->pos);
		r->pos = 0;
	}
	want = MAX(frame_missing(r), (size_t)RELAY_READ_MIN);
	strbuf_grow(&r->in, want);
	n = read(r->fd, r->in.buf + r->in.len, r->in.alloc - r->in.len - 1);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0) {
		/* The child died before FRAME_END (a crash, the OOM killer). */
		relay_over(r, "error");
		return -EPIPE;
	}
	/* (strbuf_setlen() only shortens) */
	r->in.len += (size_t)n;
	r->in.buf[r->in.len] = '\0';
	return 0;
}

int relay_next(struct relay *r, struct item **ret)
{
	struct frame f;

	while (!r->over) {
		const char *p;

		if (!frame_ready(r, &f)) {
			fill(r);
			continue;
		}
		/* Items that keep coming do not hold the run past the grace. */
		if (r->give_up && now_ns(CLOCK_MONOTONIC) >= r->give_up) {
			relay_over(r, give_up_reason(r));
			break;
		}
		p = r->in.buf + r->pos + sizeof(f);
		r->pos += sizeof(f) + f.path_len + f.data_len;
		if (f.type == FRAME_END) {
			struct end_data end;

			memset(&end, 0, sizeof(end));
			memcpy(&end, p + f.path_len,
			       MIN((size_t)f.data_len, sizeof(end)));
			memcpy(r->counts, end.counts, sizeof(r->counts));
			r->child_rss_kb = end.max_rss_kb;
			r->child_pid = (pid_t)end.pid;
			r->ended = true;
			relay_over(r, known_reason(p, f.path_len));
			break;
		}
		if (f.type > ITEM_DONE || f.kind >= PROBLEM_KIND_NR ||
		    f.action > ACTION_PARTIAL) {
			relay_over(r, "error");
			break;
		}
		r->it.type = (enum item_type)f.type;
		r->it.kind = (enum problem_kind)f.kind;
		r->it.action = (enum problem_action)f.action;
		r->it.err = f.err;
		r->it.mtime = f.mtime;
		strbuf_reset(&r->it.path);
		strbuf_add(&r->it.path, p, f.path_len);
		strbuf_reset(&r->it.data);
		strbuf_add(&r->it.data, p + f.path_len, f.data_len);
		*ret = &r->it;
		return 1;
	}
	return 0;
}

void relay_release(struct relay *r, struct item *it)
{
	(void)r;
	/* A big file's buffer is not kept for the next one. */
	if (it->data.alloc > (256u << 10))
		strbuf_release(&it->data);
}

const char *relay_stopped(struct relay *r)
{
	return r->stopped;
}

void relay_stop(struct relay *r, const char *why)
{
	relay_over(r, why);
}

void relay_counts(struct relay *r, uint64_t ret[COUNT_NR], uint64_t *ret_rss_kb,
		  pid_t *ret_pid)
{
	memcpy(ret, r->counts, sizeof(r->counts));
	*ret_rss_kb = r->child_rss_kb;
	*ret_pid = r->child_pid;
}

void relay_free(struct relay *r)
{
	int i;

	if (!r)
		return;
	close(r->fd);
	if (!r->ended)
		kill(r->pid, SIGKILL);
	/* Reap it when it can be; a child stuck in the kernel is init's. */
	for (i = 0; i < RELAY_REAP_MS / 5; i++) {
		if (waitpid(r->pid, NULL, WNOHANG) != 0)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
	}
	strbuf_release(&r->in);
	strbuf_release(&r->it.path);
	strbuf_release(&r->it.data);
	free(r);
}
