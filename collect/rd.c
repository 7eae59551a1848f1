/* SPDX-License-Identifier: MIT */
/*
 * What a source calls (collect.h, "the reader: what sources call"): steps
 * that may block, reads within the per-file deadline, and the items that go
 * to the main thread.  The ring and the threads behind them are reader.c's
 * (its top comment explains the step word used here).
 */
#include "collect/reader_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "common/banned.h"

const struct capture_opts *rd_opts(struct rd *rd)
{
	return rd->r->opts;
}

int rd_rootfd(struct rd *rd)
{
	return rd->r->rootfd;
}

struct cursor *rd_cursor(struct rd *rd)
{
	return &rd->cur;
}

const struct cursor *rd_resuming(struct rd *rd, int source)
{
	if (!rd->resuming || rd->resume.source != source)
		return NULL;
	return &rd->resume;
}

void rd_resumed(struct rd *rd)
{
	rd->resuming = false;
}

const atomic_int *rd_stop_flag(struct rd *rd)
{
	return &rd->r->stop;
}

struct strbuf *rd_data(struct rd *rd)
{
	return &rd->data;
}

void rd_count(struct rd *rd, enum count c, uint64_t n)
{
	rd->pending[c] += n;
}

int rd_cgroup_publish(struct rd *rd, const struct cgroup_info *ci)
{
	int ret = 0;

	pthread_mutex_lock(&rd->r->lock);
	if (reader_gone_locked(rd)) {
		ret = -ECANCELED;
	} else {
		rd->r->cg = *ci;
		rd->r->cg_published = true;
	}
	pthread_mutex_unlock(&rd->r->lock);
	return ret;
}

int rd_cgroup_get(struct rd *rd, struct cgroup_info *ret)
{
	int err = 0;

	pthread_mutex_lock(&rd->r->lock);
	if (reader_gone_locked(rd))
		err = -ECANCELED;
	else if (!rd->r->cg_published)
		err = -ENOENT;
	else
		*ret = rd->r->cg;
	pthread_mutex_unlock(&rd->r->lock);
	return err;
}

static size_t exe_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;

	return (size_t)(h ^ (h >> 29)) & (EXE_CACHE_SLOTS - 1);
}

int rd_exe_lookup(struct rd *rd, dev_t dev, ino_t ino, char *ret_version,
		  size_t n)
{
	struct reader *r = rd->r;
	size_t i, probe;
	int ret = -ENOENT;

	pthread_mutex_lock(&r->lock);
	if (reader_gone_locked(rd)) {
		ret = -ECANCELED;
		goto out;
	}
	if (!r->exes)
		goto out;
	i = exe_hash(dev, ino);
	for (probe = 0; probe < 8; probe++) {
		struct exe_entry *e = &r->exes[(i + probe) & (EXE_CACHE_SLOTS - 1)];

		if (!e->used)
			break;
		if (e->dev == dev && e->ino == ino) {
			strlcpy_s(ret_version, e->version, n);
			ret = e->version[0] ? 1 : 0;
			break;
		}
	}
out:
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int rd_exe_store(struct rd *rd, dev_t dev, ino_t ino, const char *version)
{
	struct reader *r = rd->r;
	size_t i, probe;
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	if (reader_gone_locked(rd)) {
		ret = -ECANCELED;
		goto out;
	}
	if (!r->exes)
		r->exes = xcalloc(EXE_CACHE_SLOTS, sizeof(*r->exes));
	/* Bounded probing: a full neighbourhood just means no caching. */
	i = exe_hash(dev, ino);
	for (probe = 0; probe < 8; probe++) {
		struct exe_entry *e = &r->exes[(i + probe) & (EXE_CACHE_SLOTS - 1)];

		if (e->used && !(e->dev == dev && e->ino == ino))
			continue;
		e->used = true;
		e->dev = dev;
		e->ino = ino;
		strlcpy_s(e->version, version ? version : "", sizeof(e->version));
		break;
	}
out:
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int rd_problem(struct rd *rd, const char *path, enum problem_kind kind,
	       int err, enum problem_action action, const char *msg)
{
	strbuf_reset(&rd->path);
	strbuf_addstr(&rd->path, path);
	strbuf_reset(&rd->data);
	if (msg)
		strbuf_addstr(&rd->data, msg);
	return reader_push(rd, ITEM_PROBLEM, kind, action, err);
}

int rd_problem_errno(struct rd *rd, const char *path, int neg_err,
		     bool of_process)
{
	return rd_problem(rd, path, problem_kind_of(-neg_err, of_process),
			  -neg_err, ACTION_SKIPPED, NULL);
}

int rd_manifest(struct rd *rd, const char *key, const char *json, size_t len)
{
	strbuf_reset(&rd->path);
	strbuf_addstr(&rd->path, key);
	strbuf_reset(&rd->data);
	strbuf_add(&rd->data, json, len);
	return reader_push(rd, ITEM_MANIFEST, PROBLEM_ERROR, ACTION_SKIPPED, 0);
}

int rd_command(struct rd *rd, const char *json, size_t len)
{
	strbuf_reset(&rd->path);
	strbuf_reset(&rd->data);
	strbuf_add(&rd->data, json, len);
	return reader_push(rd, ITEM_COMMAND, PROBLEM_ERROR, ACTION_SKIPPED, 0);
}

static int64_t now_epoch(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (int64_t)ts.tv_sec;
}

int rd_emit(struct rd *rd, const char *apath, const char *data, size_t len,
	    int64_t mtime)
{
	strbuf_reset(&rd->path);
	strbuf_addstr(&rd->path, apath);
	if (data != rd->data.buf) {
		strbuf_reset(&rd->data);
		strbuf_add(&rd->data, data, len);
	}
	rd->mtime = mtime ? mtime : now_epoch();
	return reader_push(rd, ITEM_FILE, PROBLEM_ERROR, ACTION_SKIPPED, 0);
}

int rd_emit_strbuf(struct rd *rd, const char *apath, struct strbuf *sb)
{
	struct strbuf tmp = rd->data;

	/* A big kernel log or bpftool output is handed over, not copied. */
	rd->data = *sb;
	*sb = tmp;
	strbuf_reset(sb);
	return rd_emit(rd, apath, rd->data.buf, rd->data.len, 0);
}

int rd_emit_data(struct rd *rd, const char *apath)
{
	return rd_emit(rd, apath, rd->data.buf, rd->data.len, rd->mtime);
}

/* Refresh the copy of the skipped kinds when the main thread changed them. */
static void refresh_skipped(struct rd *rd)
{
	struct reader *r = rd->r;
	unsigned i;

	pthread_mutex_lock(&r->lock);
	rd->skipped_gen = atomic_load(&r->skipped_gen);
	rd->nskipped = 0;
	for (i = 0; i < r->nkinds; i++)
		if (r->kinds[i].timeouts >= KIND_TIMEOUTS_MAX)
			strlcpy_s(rd->skipped[rd->nskipped++], r->kinds[i].name,
				  sizeof(rd->skipped[0]));
	pthread_mutex_unlock(&r->lock);
}

static bool kind_skipped(struct rd *rd, const char *kind)
{
	unsigned i;

	if (rd->skipped_gen != atomic_load(&rd->r->skipped_gen))
		refresh_skipped(rd);
	for (i = 0; i < rd->nskipped; i++)
		if (!strcmp(rd->skipped[i], kind))
			return true;
	return false;
}

int rd_step_begin(struct rd *rd, const char *what, const char *kind,
		  unsigned timeout_ms)
{
	struct reader *r = rd->r;
	char msg[96];

	if (!timeout_ms)
		timeout_ms = r->opts->file_timeout_ms;
	if (atomic_load(&r->stop))
		return -ECANCELED;
	if (kind_skipped(rd, kind)) {
		int e;

		xsnprintf(msg, sizeof(msg),
			  "not read: %u earlier reads of '%s' timed out",
			  KIND_TIMEOUTS_MAX, kind);
		e = rd_problem(rd, what, PROBLEM_TIMEOUT, ETIMEDOUT,
			       ACTION_SKIPPED, msg);
		return e < 0 ? e : -ETIMEDOUT;
	}
	/* The description first, then BUSY (release): see the top of the file. */
	r->busy_timeout_ms = timeout_ms;
	r->busy_cursor = rd->cur;
	strlcpy_s(r->busy_what, what, sizeof(r->busy_what));
	strlcpy_s(r->busy_kind, kind, sizeof(r->busy_kind));
	atomic_store(&r->step_deadline, now_ns(CLOCK_MONOTONIC) +
					(uint64_t)timeout_ms * 1000000u);
	rd->step = (atomic_fetch_add(&r->step_seq, 1) + 1) << 2 | STEP_BUSY;
	atomic_store(&r->step, rd->step);
	return 0;
}

int rd_step_end(struct rd *rd)
{
	uint64_t step = rd->step;

	/* Fails only when the main thread gave this step up. */
	if (!atomic_compare_exchange_strong(&rd->r->step, &step,
					    rd->step & ~(uint64_t)STEP_BUSY))
		return -ECANCELED;
	return 0;
}

/*
 * Was the directory dirfd removed?  On the cgroup filesystems a removed
 * directory keeps its link count; its files are gone, cgroup.procs too,
 * which every cgroup directory has (v1 and v2) until rmdir.  Elsewhere (a
 * --root tree) rmdir leaves the link count at 0.
 */
static bool dir_removed(int dirfd)
{
	struct statfs sfs;
	struct stat st;

	if (fstat(dirfd, &st) == 0 && st.st_nlink == 0)
		return true;
	if (fstatfs(dirfd, &sfs) < 0 || (sfs.f_type != CGROUP_SUPER_MAGIC &&
					 sfs.f_type != CGROUP2_SUPER_MAGIC))
		return false;
	return faccessat(dirfd, "cgroup.procs", F_OK, 0) < 0 &&
	       (errno == ENOENT || errno == ENODEV);
}

int rd_read(struct rd *rd, int dirfd, const char *name, const char *apath,
	    const char *kind, size_t max, unsigned flags)
{
	bool of_process = flags & RD_PROCESS, vanished = false;
	int fd, err, ret;

	strbuf_reset(&rd->data);
	ret = rd_step_begin(rd, apath, kind, 0);
	if (ret < 0)
		return ret;
	rd->mtime = now_epoch();
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err = -errno;
	} else {
		err = read_fd_all(fd, &rd->data, max);
		close(fd);
	}
	if ((flags & RD_CGROUP) && (err == -ENOENT || err == -ENODEV))
		vanished = dir_removed(dirfd);
	ret = rd_step_end(rd);
	if (ret < 0)
		return ret;
	if (vanished) {
		ret = rd_problem(rd, apath, PROBLEM_VANISHED, -err,
				 ACTION_SKIPPED, "the cgroup was removed");
		return ret < 0 ? ret : -ESTALE;
	}
	if (err == -EFBIG) {
		char msg[64];

		xsnprintf(msg, sizeof(msg), "longer than %zu bytes, cut there",
			  max);
		/* The staging data buffer is about to be reused by rd_problem. */
		{
			struct strbuf keep = rd->data;

			strbuf_init(&rd->data, 0);
			ret = rd_problem(rd, apath, PROBLEM_TOO_LARGE, EFBIG,
					 ACTION_TRUNCATED, msg);
			strbuf_release(&rd->data);
			rd->data = keep;
		}
		return ret;
	}
	if (err < 0) {
		if (err == -ENOENT && (flags & RD_QUIET))
			return err;
		ret = rd_problem_errno(rd, apath, err, of_process);
		return ret < 0 ? ret : err;
	}
	return 0;
}

int rd_file(struct rd *rd, int dirfd, const char *name, const char *apath,
	    const char *kind, unsigned flags)
{
	int ret = rd_read(rd, dirfd, name, apath, kind, FILE_MAX, flags);

	if (ret < 0)
		return ret;
	return rd_emit_data(rd, apath);
}
