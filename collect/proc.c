/* SPDX-License-Identifier: MIT */
/*
 * Processes (capture.md 2.3).  For each pid, in ascending order, these
 * phases; a stuck step resumes at the next phase:
 *
 *   status, oom_score_adj, cgroup      every process
 *   fd (+ fdinfo of BPF maps)          user processes
 *   smaps_rollup                       user processes
 *   cmdline                            user processes, only with --cmdline
 *   exe (+ environ) for Go             user processes
 *   cmdline (+ environ) of java, node  user processes: heap settings only
 *
 * The order puts the files that never block first.  smaps_rollup, cmdline
 * and environ wait for the process's mmap lock; once one of them timed out,
 * the others of that process are not tried.
 *
 * The only memory that grows with the number of processes is the sorted pid
 * list: 4 bytes per process.
 */
#include "collect/collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/heap_flags.h"

#include "common/banned.h"

enum phase {
	PH_STATUS, PH_OOM_SCORE_ADJ, PH_CGROUP, PH_FD, PH_SMAPS, PH_CMDLINE,
	PH_GO, PH_HEAP, PH_NR
};
/* The file each phase reads, for the samples' list (samples.c). */
static const char *const phase_file[PH_NR] = {
	[PH_STATUS] = "status", [PH_OOM_SCORE_ADJ] = "oom_score_adj",
	[PH_CGROUP] = "cgroup", [PH_FD] = "fd", [PH_SMAPS] = "smaps_rollup",
	[PH_CMDLINE] = "cmdline", [PH_GO] = "exe",
};

#define ENVIRON_CHUNK (16u << 10)
#define BPF_MAP_LINK "anon_inode:bpf-map"

struct proc_ctx {
	struct rd *rd;
	int procfd;
	struct strbuf apath;
	char *chunk;               /* ENVIRON_CHUNK bytes */
	int *fds;                  /* BPF map fds of the current process */
	size_t nfds, fds_alloc;
};

enum proc_kind proc_status_kind(const char *buf, size_t len)
{
	size_t pos = 0, llen;
	const char *line;
	bool vm = false, zombie = false;
	int kthread = -1;

	while (next_line(buf, len, &pos, &line, &llen)) {
		/* (a status pasted into a bug report may indent its lines) */
		while (llen && (*line == ' ' || *line == '\t')) {
			line++;
			llen--;
		}
		if (mem_starts_with(line, llen, "Kthread:")) {
			const char *v = line + 8;
			size_t vl = llen - 8;

			trim_span(&v, &vl);
			kthread = vl == 1 && v[0] == '1';
		} else if (mem_starts_with(line, llen, "VmSize:")) {
			vm = true;
		} else if (mem_starts_with(line, llen, "State:")) {
			const char *v = line + 6;
			size_t vl = llen - 6;

			trim_span(&v, &vl);
			zombie = vl && (v[0] == 'Z' || v[0] == 'X');
		}
	}
	/* "Kthread:" (6.x) is authoritative; before it, no mm means no VmSize. */
	if (kthread == 1)
		return PK_KTHREAD;
	if (zombie)
		return PK_ZOMBIE;
	if (kthread == 0 || vm)
		return PK_USER;
	return PK_KTHREAD;
}

static void set_apath(struct proc_ctx *c, pid_t pid, const char *file)
{
	strbuf_reset(&c->apath);
	strbuf_addf(&c->apath, "proc/%d/%s", (int)pid, file);
}

/*
 * A per-process read failed with ENOENT (recorded nothing, RD_QUIET): did
 * the process exit (vanished), or does this kernel lack the file (absent)?
 */
static int classify_enoent(struct proc_ctx *c, int pfd, pid_t pid,
			   const char *file, bool *ret_gone)
{
	struct stat st;
	bool gone = fstatat(pfd, "status", &st, 0) < 0;

	*ret_gone = gone;
	set_apath(c, pid, file);
	return rd_problem(c->rd, c->apath.buf,
			  gone ? PROBLEM_VANISHED : PROBLEM_ABSENT, ENOENT,
			  ACTION_SKIPPED, NULL);
}

/*
 * Read and store one file of the process.  *ret_gone tells the caller to
 * stop: the process is gone.  Returns 0, a recorded negative errno, or
 * -ECANCELED.
 */
static int proc_file(struct proc_ctx *c, int pfd, pid_t pid, const char *file,
		     bool *ret_gone)
{
	int ret;

	set_apath(c, pid, file);
	ret = rd_read(c->rd, pfd, file, c->apath.buf, file, FILE_MAX,
		      RD_PROCESS | RD_QUIET);
	if (ret == -ENOENT) {
		int e = classify_enoent(c, pfd, pid, file, ret_gone);

		return e < 0 ? e : ret;
	}
	if (ret == -ESRCH)
		*ret_gone = true;
	if (ret < 0)
		return ret;
	return rd_emit_data(c->rd, c->apath.buf);
}

/* status: stored, and it says whether this is a user process. */
static int read_status(struct proc_ctx *c, int pfd, pid_t pid, bool *ret_gone,
		       enum proc_kind *ret_kind)
{
	struct strbuf *d = rd_data(c->rd);
	int ret;

	set_apath(c, pid, "status");
	ret = rd_read(c->rd, pfd, "status", c->apath.buf, "status", FILE_MAX,
		      RD_PROCESS | RD_QUIET);
	if (ret == -ENOENT) {
		int e = classify_enoent(c, pfd, pid, "status", ret_gone);

		return e < 0 ? e : ret;
	}
	if (ret == -ESRCH)
		*ret_gone = true;
	if (ret < 0)
		return ret;
	*ret_kind = proc_status_kind(d->buf, d->len);
	rd_count(c->rd, COUNT_PROCESSES, 1);
	if (*ret_kind == PK_KTHREAD)
		rd_count(c->rd, COUNT_KERNEL_THREADS, 1);
	if (rd_opts(c->rd)->sample >= 2)
		strbuf_setlen(d, sample_status_lines(d->buf, d->len));
	return rd_emit_data(c->rd, c->apath.buf);
}

/* The BPF map fds of the process: one step for the whole fd directory. */
static int scan_fds(struct proc_ctx *c, int pfd, pid_t pid, bool *ret_gone)
{
	struct dirent *de;
	DIR *d = NULL;
	int fd, ret, err = 0;

	c->nfds = 0;
	set_apath(c, pid, "fd");
	ret = rd_step_begin(c->rd, c->apath.buf, "fd", 0);
	if (ret < 0)
		return ret;
	fd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		goto end;
	}
	while ((errno = 0, de = readdir(d))) {
		char link[sizeof(BPF_MAP_LINK) + 1];
		uint64_t n;
		ssize_t l;

		if (parse_u64(de->d_name, strlen(de->d_name), &n) < 0 ||
		    n > INT32_MAX)
			continue;
		l = readlinkat(dirfd(d), de->d_name, link, sizeof(link));
		if (l != (ssize_t)sizeof(BPF_MAP_LINK) - 1 ||
		    memcmp(link, BPF_MAP_LINK, (size_t)l))
			continue;
		ALLOC_GROW(c->fds, c->nfds + 1, c->fds_alloc);
		c->fds[c->nfds++] = (int)n;
	}
	if (errno)
		err = -errno;
	closedir(d);
end:
	ret = rd_step_end(c->rd);
	if (ret < 0)
		return ret;
	if (err == -ENOENT || err == -ESRCH) {
		struct stat st;

		*ret_gone = fstatat(pfd, "status", &st, 0) < 0;
		return rd_problem(c->rd, c->apath.buf,
				  *ret_gone ? PROBLEM_VANISHED : PROBLEM_ABSENT,
				  -err, ACTION_SKIPPED, NULL);
	}
	if (err < 0)
		return rd_problem_errno(c->rd, c->apath.buf, err, true);
	return 0;
}

static int read_fdinfos(struct proc_ctx *c, int pfd, pid_t pid, bool *ret_gone)
{
	char name[32];
	size_t i;
	int ret = 0;

	for (i = 0; i < c->nfds && !*ret_gone; i++) {
		xsnprintf(name, sizeof(name), "fdinfo/%d", c->fds[i]);
		set_apath(c, pid, name);
		ret = rd_read(c->rd, pfd, name, c->apath.buf, "fdinfo",
			      FILE_MAX, RD_PROCESS | RD_QUIET);
		if (ret == -ECANCELED)
			return ret;
		if (ret == -ENOENT) {
			/* The fd was closed since the scan: not a problem. */
			struct stat st;

			if (fstatat(pfd, "status", &st, 0) < 0) {
				*ret_gone = true;
				ret = rd_problem(c->rd, c->apath.buf,
						 PROBLEM_VANISHED, ENOENT,
						 ACTION_SKIPPED, NULL);
				if (ret < 0)
					return ret;
			}
			continue;
		}
		if (ret == -ESRCH)
			*ret_gone = true;
		if (ret < 0)
			continue;
		ret = rd_emit_data(c->rd, c->apath.buf);
		if (ret < 0)
			return ret;
		rd_count(c->rd, COUNT_BPF_MAP_FDS, 1);
	}
	return 0;
}

/* Stream environ through the Go filter; only four variables survive. */
static int read_go_env(struct proc_ctx *c, int pfd, pid_t pid,
		       struct goenv *env)
{
	int fd, ret, err = 0;

	set_apath(c, pid, "environ");
	ret = rd_step_begin(c->rd, c->apath.buf, "environ", 0);
	if (ret < 0)
		return ret;
	fd = openat(pfd, "environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
	} else {
		size_t total = 0;

		for (;;) {
			ssize_t n = read(fd, c->chunk, ENVIRON_CHUNK);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				err = -errno;
				break;
			}
			if (n == 0)
				break;
			goenv_feed(env, c->chunk, (size_t)n);
			total += (size_t)n;
			if (total > FILE_MAX) {
				err = -EFBIG;
				break;
			}
		}
		close(fd);
		goenv_finish(env);
	}
	/* The chunk held other variables: secrets.  Do not keep them around. */
	explicit_bzero(c->chunk, ENVIRON_CHUNK);
	ret = rd_step_end(c->rd);
	if (ret < 0)
		return ret;
	if (err == -EFBIG)
		return rd_problem(c->rd, c->apath.buf, PROBLEM_TOO_LARGE, EFBIG,
				  ACTION_PARTIAL,
				  "environ longer than 4 MiB: only its start was examined");
	if (err < 0) {
		int e = rd_problem_errno(c->rd, c->apath.buf, err, true);

		return e < 0 ? e : err;
	}
	return 0;
}

/* The kept variables of environ, "env" (null when unreadable) and "env_truncated". */
static void env_json(struct jsonw *w, const struct goenv *env, bool env_ok,
		     int from, int to)
{
	bool any_trunc = false;
	int i;

	jsonw_name(w, "env");
	if (!env_ok) {
		jsonw_null(w);
		return;
	}
	jsonw_start_object(w);
	for (i = from; i < to; i++) {
		if (env->value[i])
			jsonw_kv_string(w, goenv_name((enum goenv_var)i),
					env->value[i]);
		any_trunc |= env->truncated[i];
	}
	jsonw_end_object(w);
	if (any_trunc) {
		jsonw_name(w, "env_truncated");
		jsonw_start_array(w);
		for (i = from; i < to; i++)
			if (env->truncated[i])
				jsonw_string(w, goenv_name((enum goenv_var)i));
		jsonw_end_array(w);
	}
}

static int emit_go(struct proc_ctx *c, pid_t pid, const char *version,
		   const struct goenv *env, bool env_ok)
{
	struct strbuf json = STRBUF_INIT;
	struct jsonw w;
	char path[64];
	int ret;

	jsonw_init(&w, &json, false);
	jsonw_start_object(&w);
	jsonw_kv_i64(&w, "pid", pid);
	jsonw_kv_string(&w, "go_version", version);
	env_json(&w, env, env_ok, 0, GOENV_NR);
	jsonw_end_object(&w);
	strbuf_addch(&json, '\n');
	xsnprintf(path, sizeof(path), "collector/go/%d.json", (int)pid);
	ret = rd_emit(c->rd, path, json.buf, json.len, 0);
	strbuf_release(&json);
	return ret;
}

/* Go detection: the executable's .go.buildinfo, cached by device and inode. */
static int do_go(struct proc_ctx *c, int pfd, pid_t pid)
{
	char version[40] = "";
	struct goenv env;
	struct stat st;
	int fd = -1, ret, err = 0, found;

	set_apath(c, pid, "exe");
	ret = rd_step_begin(c->rd, c->apath.buf, "exe", 0);
	if (ret < 0)
		return ret == -ETIMEDOUT ? 0 : ret;
	if (fstatat(pfd, "exe", &st, 0) < 0) {
		err = -errno;
		found = 0;
	} else {
		found = rd_exe_lookup(c->rd, st.st_dev, st.st_ino, version,
				      sizeof(version));
		if (found == -ENOENT) {
			fd = openat(pfd, "exe", O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				err = -errno;
				found = 0;
			} else {
				struct stat fst;

				found = goinfo_read_version(fd, version,
							    sizeof(version));
				if (found >= 0 && fstat(fd, &fst) == 0) {
					int e = rd_exe_store(c->rd, fst.st_dev,
							     fst.st_ino,
							     found == 1 ? version : "");

					if (e == -ECANCELED)
						found = e;
				} else if (found < 0) {
					err = found;
					found = 0;
				}
				close(fd);
			}
		}
	}
	ret = rd_step_end(c->rd);
	if (ret < 0 || found == -ECANCELED)
		return -ECANCELED;
	if (err < 0) {
		/* No executable (exited, or a kernel thread after all): quiet. */
		if (err == -ENOENT || err == -ESRCH)
			return 0;
		return rd_problem_errno(c->rd, c->apath.buf, err, true);
	}
	if (found != 1)
		return 0;

	rd_count(c->rd, COUNT_GO_PROCESSES, 1);
	goenv_init(&env);
	ret = read_go_env(c, pfd, pid, &env);
	if (ret != -ECANCELED)
		ret = emit_go(c, pid, version, &env, ret == 0);
	goenv_release(&env);
	return ret;
}

/* A cmdline longer than this is cut there: heap flags come before the class. */
#define HEAP_CMDLINE_MAX (256u << 10)

/* The runtime argv[0] names: "java", "node", or NULL. */
static const char *runtime_of(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	if (!strcmp(base, "java"))
		return "java";
	if (!strcmp(base, "node") || !strcmp(base, "nodejs"))
		return "node";
	return NULL;
}

/*
 * The JVM's and Node's heap settings (capture.md 2.3): for a process whose
 * argv[0] is java or node, its heap arguments and the heap settings of its
 * option variables, into collector/heap/PID.json.  The rest of the command
 * line and of the environment is read here and never kept.
 */
static int do_heap(struct proc_ctx *c, int pfd, pid_t pid)
{
	struct strbuf cmd = STRBUF_INIT, json = STRBUF_INIT;
	const char *runtime;
	struct goenv env;
	struct jsonw w;
	char path[64];
	size_t i;
	int fd, ret, err = 0;

	set_apath(c, pid, "cmdline");
	ret = rd_step_begin(c->rd, c->apath.buf, "cmdline", 0);
	if (ret < 0)
		return ret == -ETIMEDOUT ? 0 : ret;
	fd = openat(pfd, "cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
	} else {
		err = read_fd_all(fd, &cmd, HEAP_CMDLINE_MAX);
		close(fd);
	}
	ret = rd_step_end(c->rd);
	if (ret < 0)
		goto out;
	ret = 0;
	/* An exited process, a kernel thread (empty cmdline): not a runtime. */
	if ((err < 0 && err != -EFBIG) || !cmd.len)
		goto out;
	runtime = runtime_of(cmd.buf);
	if (!runtime)
		goto out;

	goenv_init(&env);
	ret = read_go_env(c, pfd, pid, &env);
	if (ret == -ECANCELED) {
		goenv_release(&env);
		goto out;
	}
	jsonw_init(&w, &json, false);
	jsonw_start_object(&w);
	jsonw_kv_i64(&w, "pid", pid);
	jsonw_kv_string(&w, "runtime", runtime);
	jsonw_name(&w, "args");
	jsonw_start_array(&w);
	for (i = 0; i < cmd.len;) {
		size_t n = strnlen(cmd.buf + i, cmd.len - i);

		if (heap_flag_of(cmd.buf + i, n, NULL) != HEAP_NONE)
			jsonw_string_len(&w, cmd.buf + i, n);
		i += n + 1;
	}
	jsonw_end_array(&w);
	jsonw_kv_bool(&w, "args_truncated", err == -EFBIG);
	env_json(&w, &env, ret == 0, GOENV_HEAP_FIRST, GOENV_NR);
	jsonw_end_object(&w);
	strbuf_addch(&json, '\n');
	goenv_release(&env);
	xsnprintf(path, sizeof(path), "collector/heap/%d.json", (int)pid);
	ret = rd_emit(c->rd, path, json.buf, json.len, 0);
out:
	/* The rest of the command line may hold secrets: do not keep it around. */
	explicit_bzero(cmd.buf, cmd.len);
	strbuf_release(&cmd);
	strbuf_release(&json);
	return ret;
}

static int do_pid(struct proc_ctx *c, pid_t pid, int first, bool stuck)
{
	struct rd *rd = c->rd;
	struct cursor *cur = rd_cursor(rd);
	enum proc_kind kind = PK_USER;
	char dir[16];
	bool gone = false;
	int pfd, ph, ret = 0;

	xsnprintf(dir, sizeof(dir), "%d", (int)pid);
	pfd = openat(c->procfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0) {
		int err = -errno;

		set_apath(c, pid, "status");
		if (err == -ENOENT || err == -ESRCH) {
			rd_count(rd, COUNT_VANISHED, 1);
			return rd_problem(rd, c->apath.buf, PROBLEM_VANISHED,
					  -err, ACTION_SKIPPED, NULL);
		}
		return rd_problem_errno(rd, c->apath.buf, err, true);
	}
	for (ph = first; ph < PH_NR && !gone; ph++) {
		if (!sample_proc_file(rd_opts(rd), phase_file[ph]))
			continue;
		cur->phase = ph;
		switch (ph) {
		case PH_STATUS:
			ret = read_status(c, pfd, pid, &gone, &kind);
			break;
		case PH_OOM_SCORE_ADJ:
			ret = proc_file(c, pfd, pid, "oom_score_adj", &gone);
			break;
		case PH_CGROUP:
			ret = proc_file(c, pfd, pid, "cgroup", &gone);
			break;
		case PH_FD:
			if (kind != PK_USER)
				break;
			ret = scan_fds(c, pfd, pid, &gone);
			if (ret != -ECANCELED && !gone)
				ret = read_fdinfos(c, pfd, pid, &gone);
			break;
		case PH_SMAPS:
			if (kind == PK_USER)
				ret = proc_file(c, pfd, pid, "smaps_rollup", &gone);
			break;
		case PH_CMDLINE:
			if (kind == PK_USER && rd_opts(rd)->cmdline && !stuck)
				ret = proc_file(c, pfd, pid, "cmdline", &gone);
			break;
		case PH_GO:
			if (kind == PK_USER && !stuck)
				ret = do_go(c, pfd, pid);
			break;
		case PH_HEAP:
			if (kind == PK_USER && !stuck)
				ret = do_heap(c, pfd, pid);
			break;
		}
		if (ret == -ECANCELED)
			break;
		ret = 0;
	}
	if (gone)
		rd_count(rd, COUNT_VANISHED, 1);
	close(pfd);
	return ret;
}

/* The numeric entries of proc/, sorted (procfs lists them in order anyway). */
static int list_pids(struct rd *rd, int procfd, uint32_t **ret, size_t *ret_n)
{
	uint32_t *pids = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d;
	int fd, err = 0;

	fd = dup(procfd);
	d = fdopendir_or_close(fd);
	if (!d)
		return -errno;
	while ((errno = 0, de = readdir(d))) {
		uint64_t v;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    parse_u64(de->d_name, strlen(de->d_name), &v) < 0 ||
		    v > INT32_MAX)
			continue;
		ALLOC_GROW(pids, n + 1, alloc);
		pids[n++] = (uint32_t)v;
	}
	if (errno)
		err = -errno;
	closedir(d);
	(void)rd;
	qsort(pids, n, sizeof(*pids), cmp_u32);
	*ret = pids;
	*ret_n = n;
	return err;
}

int proc_collect(struct rd *rd)
{
	const struct cursor *resume = rd_resuming(rd, SRC_PROCESSES);
	struct cursor *cur = rd_cursor(rd);
	struct proc_ctx c = { .rd = rd, .procfd = -1 };
	uint32_t *pids = NULL;
	uint64_t from = 0;
	int first = 0;
	size_t n = 0, i;
	int ret;

	strbuf_init(&c.apath, 0);
	c.chunk = xmalloc(ENVIRON_CHUNK);
	if (resume) {
		from = resume->pos;
		first = resume->phase + 1;
		/* The listing itself was stuck (pos 0): give processes up. */
		if (!from) {
			ret = 0;
			goto out;
		}
	}
	rd_resumed(rd);

	cur->pos = 0;
	cur->phase = 0;
	ret = rd_step_begin(rd, "proc", "proc-list", 0);
	if (ret < 0)
		goto out;
	c.procfd = openat(rd_rootfd(rd), "proc",
			  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = c.procfd < 0 ? -errno : list_pids(rd, c.procfd, &pids, &n);
	{
		int e = rd_step_end(rd);

		if (e < 0) {
			ret = e;
			goto out;
		}
	}
	if (ret < 0) {
		ret = rd_problem_errno(rd, "proc", ret, false);
		if (c.procfd < 0)
			goto out;
	}

	for (i = 0; i < n; i++) {
		pid_t pid = (pid_t)pids[i];
		bool stuck = false;
		int ph = 0;

		if (pid < (pid_t)from)
			continue;
		if (from && pid == (pid_t)from) {
			ph = first;
			stuck = true;
		}
		cur->pos = (uint64_t)pid;
		ret = do_pid(&c, pid, ph, stuck);
		if (ret == -ECANCELED)
			goto out;
	}
	ret = 0;
out:
	if (c.procfd >= 0)
		close(c.procfd);
	free(pids);
	free(c.fds);
	free(c.chunk);
	strbuf_release(&c.apath);
	return ret == -ECANCELED ? ret : 0;
}
