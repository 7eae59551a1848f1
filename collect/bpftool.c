/* SPDX-License-Identifier: MIT */
/*
 * bpftool (capture.md 2.5): `bpftool map -j` and `bpftool prog -j`, run with
 * a time limit, their stdout stored as the bytes printed and their exit
 * status, signal, stderr and time in manifest.commands.
 *
 * The runner (cmd_run) is generic: posix_spawn (vfork-like, safe in a
 * threaded program) into a process group of its own, stdin from /dev/null,
 * stdout and stderr through pipes drained with poll(), the whole group
 * killed when the time limit passes or the capture stops.
 */
#include "collect/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/banned.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define POLL_MS 100

int cmd_find(const char *name, const char *path, struct strbuf *ret)
{
	const char *p = path && *path ? path : DEFAULT_PATH;

	while (*p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		struct stat st;

		strbuf_reset(ret);
		strbuf_add(ret, len ? p : ".", len ? len : 1);
		strbuf_addch(ret, '/');
		strbuf_addstr(ret, name);
		if (stat(ret->buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(ret->buf, X_OK) == 0)
			return 0;
		p += len + (colon ? 1 : 0);
		if (!colon)
			break;
	}
	strbuf_reset(ret);
	return -ENOENT;
}

/* Append up to the cap; the rest is read and dropped. */
static int drain(int fd, struct strbuf *sb, size_t max, bool *ret_trunc)
{
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (n == 0)
		return 0;
	if (sb->len < max)
		strbuf_add(sb, buf, MIN((size_t)n, max - sb->len));
	if (sb->len >= max && ret_trunc)
		*ret_trunc = true;
	return 1;
}

int cmd_run(const char *const argv[], unsigned timeout_ms,
	    const atomic_int *stop, struct strbuf *out, size_t out_max,
	    struct strbuf *err, size_t err_max, struct cmd_result *ret)
{
	static const char *const envp[] = { "PATH=" DEFAULT_PATH, "LC_ALL=C",
					    NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 };
	sigset_t none, deflt;
	uint64_t start = now_ns(CLOCK_MONOTONIC), deadline;
	bool open_o = true, open_e = true, killed = false;
	pid_t pid = -1;
	int status = 0, r = 0;

	memset(ret, 0, sizeof(*ret));
	ret->exit_status = -1;
	deadline = start + (uint64_t)timeout_ms * 1000000u;
	if (pipe2(opipe, O_CLOEXEC) < 0 || pipe2(epipe, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, opipe[1], 1);
	posix_spawn_file_actions_adddup2(&fa, epipe[1], 2);
	posix_spawnattr_init(&attr);
	/* Our signal mask blocks everything in reader threads: not for it. */
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGHUP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	r = posix_spawn(&pid, argv[0], &fa, &attr, (char *const *)argv,
			(char *const *)envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(opipe[1]);
	close(epipe[1]);
	opipe[1] = epipe[1] = -1;
	if (r) {
		ret->spawn_err = r;
		r = -r;
		pid = -1;
		goto out;
	}

	while (open_o || open_e) {
		struct pollfd pfd[2];
		uint64_t now = now_ns(CLOCK_MONOTONIC);
		int nfds = 0, wait_ms;

		if (now >= deadline || (stop && atomic_load(stop))) {
			ret->timed_out = now >= deadline;
			kill(-pid, SIGKILL);
			killed = true;
			break;
		}
		wait_ms = (int)MIN((deadline - now) / 1000000u + 1,
				   (uint64_t)POLL_MS);
		if (open_o)
			pfd[nfds++] = (struct pollfd){ .fd = opipe[0], .events = POLLIN };
		if (open_e)
			pfd[nfds++] = (struct pollfd){ .fd = epipe[0], .events = POLLIN };
		if (poll(pfd, (nfds_t)nfds, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			kill(-pid, SIGKILL);
			killed = true;
			break;
		}
		for (int i = 0; i < nfds; i++) {
			bool is_out = pfd[i].fd == opipe[0];
			int d;

			if (!pfd[i].revents)
				continue;
			d = is_out ? drain(opipe[0], out, out_max,
					   &ret->stdout_truncated)
				   : drain(epipe[0], err, err_max, NULL);
			if (d <= 0) {
				if (is_out)
					open_o = false;
				else
					open_e = false;
			}
		}
	}
	/* Pipes closed: it exited or is about to; reap it (kill if it lingers). */
	for (;;) {
		pid_t w = waitpid(pid, &status, killed ? 0 : WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = -errno;
			break;
		}
		if (now_ns(CLOCK_MONOTONIC) >= deadline) {
			ret->timed_out = true;
			kill(-pid, SIGKILL);
			killed = true;
			continue;
		}
		{
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	if (WIFEXITED(status))
		ret->exit_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		ret->signal = WTERMSIG(status);
out:
	ret->elapsed_ms = (now_ns(CLOCK_MONOTONIC) - start) / 1000000u;
	if (opipe[0] >= 0)
		close(opipe[0]);
	if (opipe[1] >= 0)
		close(opipe[1]);
	if (epipe[0] >= 0)
		close(epipe[0]);
	if (epipe[1] >= 0)
		close(epipe[1]);
	return r;
}

static const char *signame(int sig)
{
	switch (sig) {
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	case SIGABRT: return "SIGABRT";
	case SIGTERM: return "SIGTERM";
	case SIGBUS: return "SIGBUS";
	case SIGPIPE: return "SIGPIPE";
	default: return NULL;
	}
}

int cmd_capture(struct rd *rd, const char *const argv[], const char *name,
		const char *path, void (*filter)(struct strbuf *out))
{
	const struct capture_opts *opts = rd_opts(rd);
	const char *exe = argv[0], *kind = strrchr(exe, '/');
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, json = STRBUF_INIT,
		      msg = STRBUF_INIT;
	struct cmd_result res;
	struct jsonw w;
	int ret, rr;

	/* Timeouts are counted per program ("bpftool", "journalctl"). */
	kind = kind ? kind + 1 : exe;
	ret = rd_step_begin(rd, name, kind, opts->command_timeout_ms + 2000);
	if (ret < 0)
		goto out;
	rr = cmd_run(argv, opts->command_timeout_ms, rd_stop_flag(rd), &out,
		     FILE_MAX, &err, CMD_STDERR_MAX, &res);
	ret = rd_step_end(rd);
	if (ret < 0)
		goto out;

	jsonw_init(&w, &json, false);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "name", name);
	jsonw_name(&w, "argv");
	jsonw_start_array(&w);
	for (size_t i = 0; argv[i]; i++)
		jsonw_string(&w, argv[i]);
	jsonw_end_array(&w);
	jsonw_kv_string(&w, "path", rr == 0 ? path : NULL);
	jsonw_name(&w, "exit_status");
	if (res.exit_status >= 0)
		jsonw_i64(&w, res.exit_status);
	else
		jsonw_null(&w);
	jsonw_kv_string(&w, "signal", res.signal ? signame(res.signal) : NULL);
	jsonw_kv_bool(&w, "timed_out", res.timed_out);
	jsonw_kv_u64(&w, "elapsed_ms", res.elapsed_ms);
	jsonw_kv_bool(&w, "stdout_truncated", res.stdout_truncated);
	jsonw_kv_string(&w, "stderr", err.buf);
	jsonw_end_object(&w);
	ret = rd_command(rd, json.buf, json.len);
	if (ret < 0)
		goto out;

	if (rr < 0) {
		strbuf_addf(&msg, "cannot run '%s'", exe);
		ret = rd_problem(rd, name, PROBLEM_ERROR, -rr, ACTION_SKIPPED,
				 msg.buf);
		goto out;
	}
	if (filter)
		filter(&out);
	ret = rd_emit_strbuf(rd, path, &out);
	if (ret < 0)
		goto out;
	if (res.timed_out) {
		strbuf_addf(&msg, "killed after %u ms", opts->command_timeout_ms);
		ret = rd_problem(rd, name, PROBLEM_TIMEOUT, ETIMEDOUT,
				 ACTION_PARTIAL, msg.buf);
	} else if (res.signal || res.exit_status != 0) {
		const char *nl = strchr(err.buf, '\n');

		if (res.signal)
			strbuf_addf(&msg, "killed by signal %d", res.signal);
		else
			strbuf_addf(&msg, "exited with status %d", res.exit_status);
		if (err.len)
			strbuf_addf(&msg, ": %.*s",
				    (int)(nl ? (size_t)(nl - err.buf) : err.len),
				    err.buf);
		ret = rd_problem(rd, name, PROBLEM_ERROR, 0, ACTION_PARTIAL,
				 msg.buf);
	} else if (res.stdout_truncated) {
		ret = rd_problem(rd, path, PROBLEM_TOO_LARGE, EFBIG,
				 ACTION_TRUNCATED, "output longer than 4 MiB, cut there");
	}
out:
	strbuf_release(&out);
	strbuf_release(&err);
	strbuf_release(&json);
	strbuf_release(&msg);
	return ret;
}

int bpftool_collect(struct rd *rd)
{
	static const struct {
		const char *what, *name, *path;
	} cmds[] = {
		{ "map", "bpftool-map", "collector/bpftool-map.json" },
		{ "prog", "bpftool-prog", "collector/bpftool-prog.json" },
	};
	const struct capture_opts *opts = rd_opts(rd);
	const struct cursor *resume = rd_resuming(rd, SRC_BPFTOOL);
	struct cursor *cur = rd_cursor(rd);
	struct strbuf exe = STRBUF_INIT;
	size_t i = resume ? (size_t)resume->pos + 1 : 0;
	int ret = 0;

	rd_resumed(rd);
	if (!opts->bpftool)
		goto out;
	if (opts->bpftool_path) {
		strbuf_addstr(&exe, opts->bpftool_path);
	} else if (cmd_find("bpftool", getenv("PATH"), &exe) < 0) {
		for (; i < ARRAY_SIZE(cmds) && ret != -ECANCELED; i++)
			ret = rd_problem(rd, cmds[i].name, PROBLEM_ABSENT, ENOENT,
					 ACTION_SKIPPED, "bpftool not found on PATH");
		goto out;
	}
	for (; i < ARRAY_SIZE(cmds); i++) {
		cur->pos = i;
		const char *argv[] = { exe.buf, cmds[i].what, "-j", NULL };

		ret = cmd_capture(rd, argv, cmds[i].name, cmds[i].path, NULL);
		if (ret == -ECANCELED)
			break;
	}
out:
	strbuf_release(&exe);
	return ret == -ECANCELED ? ret : 0;
}
