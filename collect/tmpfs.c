/* SPDX-License-Identifier: MIT */
/*
 * Which volume holds the shmem (capture.md 2.8): the size and use of tmpfs
 * mounts, from statfs(), never their files.
 *
 *  - the kubelet's emptyDir volumes of medium Memory: tmpfs mounts at
 *    /var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~empty-dir/<name> in
 *    the tree's mountinfo;
 *  - each mount namespace's /dev/shm (a container's): the first process of
 *    each namespace, its proc/PID/mountinfo and statfs of
 *    proc/PID/root/dev/shm.
 *
 * One line per mount in collector/tmpfs.txt:
 *   <kind> <pid> <fstype> <size_bytes> <used_bytes> <mount point>
 * kind "emptydir" (pid 0: the host's view) or "dev-shm"; the mount point as
 * mountinfo prints it (space, tab, newline and backslash as \ooo), so no
 * byte of a path can split a line or a field.  statfs runs as a
 * deadline-guarded step: a hung mount costs its time limit, once.
 */
#include "collect/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <dirent.h>

#include "common/mountinfo.h"
#include "common/util.h"

#include "common/banned.h"

#define TMPFS_PATH "collector/tmpfs.txt"
#define MI_FIELDS 32
/* Mount namespaces remembered (one per container): beyond, not looked at. */
#define NS_MAX 65536

static bool is_emptydir(const char *mnt)
{
	const char *uid, *vol;
	size_t ul;

	return kubelet_emptydir(mnt, &uid, &ul, &vol);
}

/* statfs of dirfd/rel as one guarded step; 0 or a negative errno. */
static int guarded_statfs(struct rd *rd, int dirfd, const char *rel,
			  const char *what, struct statfs *ret)
{
	int fd, err = 0, e;

	e = rd_step_begin(rd, what, "statfs", 0);
	if (e < 0)
		return e;
	fd = openat(dirfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
	} else {
		if (fstatfs(fd, ret) < 0)
			err = -errno;
		close(fd);
	}
	e = rd_step_end(rd);
	return e < 0 ? e : err;
}

/* statfs and one line; problems go to the manifest, the line is left out. */
static int one_mount(struct rd *rd, struct strbuf *out, const char *kind,
		     int pid, int dirfd, const char *rel, const char *fstype,
		     size_t ftlen, const char *raw_mnt, size_t rawlen)
{
	struct strbuf what = STRBUF_INIT;
	struct statfs sf;
	uint64_t bs, size, used;
	int r;

	strbuf_addf(&what, "%s:%.*s", kind, (int)rawlen, raw_mnt);
	r = guarded_statfs(rd, dirfd, rel, what.buf, &sf);
	if (r == -ECANCELED)
		goto out;
	if (r == -ETIMEDOUT) {
		r = 0;
		goto out;
	}
	if (r < 0) {
		r = rd_problem_errno(rd, what.buf, r, false);
		goto out;
	}
	bs = (uint64_t)sf.f_bsize;
	size = (uint64_t)sf.f_blocks * bs;
	used = ((uint64_t)sf.f_blocks - MIN((uint64_t)sf.f_bfree,
					    (uint64_t)sf.f_blocks)) * bs;
	strbuf_addf(out, "%s %d %.*s %" PRIu64 " %" PRIu64 " %.*s\n", kind, pid,
		    (int)ftlen, fstype, size, used, (int)rawlen, raw_mnt);
out:
	strbuf_release(&what);
	return r;
}

/* The tree's kubelet emptyDir tmpfs mounts. */
static int emptydirs(struct rd *rd, struct strbuf *out)
{
	struct strbuf mi = STRBUF_INIT;
	size_t pos = 0, llen;
	const char *line;
	int ret = 0;

	if (mountinfo_read(rd, &mi) < 0)
		goto out;
	while (next_line(mi.buf, mi.len, &pos, &line, &llen)) {
		const char *f[MI_FIELDS];
		size_t fl[MI_FIELDS], dash;
		char mnt[PATH_MAX];

		if (!mountinfo_split(line, llen, f, fl, MI_FIELDS, &dash))
			continue;
		if (fl[dash + 1] != 5 || memcmp(f[dash + 1], "tmpfs", 5))
			continue;
		mountinfo_unescape(f[4], fl[4], mnt, sizeof(mnt));
		if (!is_emptydir(mnt))
			continue;
		ret = one_mount(rd, out, "emptydir", 0, rd_rootfd(rd), mnt + 1,
				f[dash + 1], fl[dash + 1], f[4], fl[4]);
		if (ret == -ECANCELED)
			break;
	}
out:
	strbuf_release(&mi);
	return ret;
}

static bool ns_seen(uint64_t **ns, size_t *n, size_t *alloc, uint64_t ino)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*ns)[i] == ino)
			return true;
	if (*n >= NS_MAX)
		return true;
	ALLOC_GROW(*ns, *n + 1, *alloc);
	(*ns)[(*n)++] = ino;
	return false;
}

/* /dev/shm of one process's mount namespace, if it is a tmpfs. */
static int dev_shm(struct rd *rd, int procfd, int pid, struct strbuf *mi,
		   struct strbuf *out)
{
	char rel[64];
	size_t pos = 0, llen;
	const char *line;
	int r;

	xsnprintf(rel, sizeof(rel), "%d/mountinfo", pid);
	strbuf_reset(mi);
	r = rd_step_begin(rd, rel, "mountinfo", 0);
	if (r < 0)
		return r == -ETIMEDOUT ? 0 : r;
	r = read_file_at(procfd, rel, mi, FILE_MAX);
	{
		int e = rd_step_end(rd);

		if (e < 0)
			return e;
	}
	if (r < 0 && r != -EFBIG)
		return 0;          /* exited, or not ours to read */
	while (next_line(mi->buf, mi->len, &pos, &line, &llen)) {
		const char *f[MI_FIELDS];
		size_t fl[MI_FIELDS], dash;

		if (!mountinfo_split(line, llen, f, fl, MI_FIELDS, &dash))
			continue;
		if (fl[4] != 8 || memcmp(f[4], "/dev/shm", 8) ||
		    fl[dash + 1] != 5 || memcmp(f[dash + 1], "tmpfs", 5))
			continue;
		xsnprintf(rel, sizeof(rel), "%d/root/dev/shm", pid);
		return one_mount(rd, out, "dev-shm", pid, procfd, rel, f[dash + 1],
				 fl[dash + 1], f[4], fl[4]);
	}
	return 0;
}

/* Each mount namespace's /dev/shm: the first process of each. */
static int dev_shms(struct rd *rd, struct strbuf *out)
{
	struct strbuf mi = STRBUF_INIT;
	uint64_t *ns = NULL;
	size_t nns = 0, alloc = 0;
	struct dirent *de;
	DIR *d = NULL;
	int procfd, fd, ret = 0;

	procfd = openat(rd_rootfd(rd), "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return 0;
	fd = dup(procfd);
	if (fd >= 0 && !(d = fdopendir(fd)))
		close(fd);
	while (d && (de = readdir(d))) {
		char rel[64];
		struct stat st;
		uint64_t pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    parse_u64(de->d_name, strlen(de->d_name), &pid) < 0 ||
		    pid > INT32_MAX)
			continue;
		xsnprintf(rel, sizeof(rel), "%d/ns/mnt", (int)pid);
		/* A kernel thread or an exited process has none: skipped. */
		if (fstatat(procfd, rel, &st, 0) < 0 ||
		    ns_seen(&ns, &nns, &alloc, (uint64_t)st.st_ino))
			continue;
		ret = dev_shm(rd, procfd, (int)pid, &mi, out);
		if (ret == -ECANCELED)
			break;
	}
	if (d)
		closedir(d);
	close(procfd);
	free(ns);
	strbuf_release(&mi);
	return ret;
}

int tmpfs_collect(struct rd *rd)
{
	struct strbuf out = STRBUF_INIT;
	int ret;

	/* Resuming after a stuck statfs: that mount is not tried again. */
	if (rd_resuming(rd, SRC_TMPFS)) {
		rd_resumed(rd);
		ret = 0;
		goto out;
	}
	rd_resumed(rd);
	ret = emptydirs(rd, &out);
	if (ret != -ECANCELED)
		ret = dev_shms(rd, &out);
	if (ret != -ECANCELED)
		ret = rd_emit_strbuf(rd, TMPFS_PATH, &out);
out:
	strbuf_release(&out);
	return ret == -ECANCELED ? ret : 0;
}
