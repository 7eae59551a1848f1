/* SPDX-License-Identifier: MIT */
/*
 * collect-floor: the "read-only floor" for memsnap-collect's benchmark.
 *
 * It reads exactly the files memsnap-collect reads, found the same way, in
 * one thread, into one reused buffer, and does nothing else: no archive, no
 * compression, no manifest, no deadline machinery.  Its time is the least
 * any collector could take; memsnap-collect's goal is at most 1.3 times it.
 *
 * The file lists and the cgroup detection are memsnap-collect's own
 * (sources.c, cgroup.c, goinfo.c), linked from build/libcollect.a, so the
 * two cannot drift apart.  bpftool is not run by either (the benchmark
 * passes --no-bpftool): it is a separate program's time.
 *
 *   collect-floor [--root DIR]     prints files and bytes read to stdout
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collect.h"

static struct strbuf buf = STRBUF_INIT;
static unsigned long long files, bytes;

static void slurp(int dirfd, const char *name)
{
	strbuf_reset(&buf);
	if (read_file_at(dirfd, name, &buf, FILE_MAX) == 0) {
		files++;
		bytes += buf.len;
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(int dfd, const char *const *list, size_t n)
{
	char **kids = NULL;
	size_t nk = 0, alloc = 0, i;
	struct dirent *de;
	DIR *d;

	for (i = 0; i < n; i++)
		slurp(dfd, list[i]);
	d = fdopendir(dup(dfd));
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			ALLOC_GROW(kids, nk + 1, alloc);
			kids[nk++] = xstrdup(de->d_name);
		}
	closedir(d);
	qsort(kids, nk, sizeof(*kids), name_cmp);
	for (i = 0; i < nk; i++) {
		int c = openat(dfd, kids[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (c >= 0) {
			walk(c, list, n);
			close(c);
		}
		free(kids[i]);
	}
	free(kids);
}

static void cgroups(int root)
{
	struct strbuf mi = STRBUF_INIT;
	struct cgroup_info ci;
	int dfd;

	read_file_at(root, "proc/1/mountinfo", &mi, FILE_MAX);
	if (cgroup_detect(root, mi.buf, mi.len, &ci) == 0) {
		dfd = openat(root, ci.memory_root, O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			if (ci.memory_v2)
				walk(dfd, cgroup_v2_files, cgroup_v2_files_nr);
			else
				walk(dfd, cgroup_v1_files, cgroup_v1_files_nr);
			close(dfd);
		}
	}
	strbuf_release(&mi);
}

struct exe { dev_t dev; ino_t ino; int go; };
static struct exe *exes;
static size_t nexes, exes_alloc;

static void go(int pfd)
{
	char ver[40], chunk[16384];
	struct stat st;
	size_t i;
	int fd, isgo = 0;
	ssize_t n;

	if (fstatat(pfd, "exe", &st, 0) < 0)
		return;
	for (i = 0; i < nexes; i++)
		if (exes[i].dev == st.st_dev && exes[i].ino == st.st_ino)
			break;
	if (i < nexes) {
		isgo = exes[i].go;
	} else {
		fd = openat(pfd, "exe", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		isgo = goinfo_read_version(fd, ver, sizeof(ver)) == 1;
		close(fd);
		ALLOC_GROW(exes, nexes + 1, exes_alloc);
		exes[nexes++] = (struct exe){ st.st_dev, st.st_ino, isgo };
	}
	if (!isgo)
		return;
	fd = openat(pfd, "environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		bytes += (size_t)n;
	close(fd);
	files++;
}

static void process(int procfd, const char *pid)
{
	int pfd = openat(procfd, pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;
	bool user;
	struct dirent *de;
	DIR *d;

	if (pfd < 0)
		return;
	slurp(pfd, "status");
	user = strstr(buf.buf, "Kthread:\t0") || (!strstr(buf.buf, "Kthread:") &&
						  strstr(buf.buf, "VmSize:"));
	slurp(pfd, "oom_score_adj");
	slurp(pfd, "cgroup");
	if (user) {
		fd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && (d = fdopendir(fd))) {
			while ((de = readdir(d))) {
				char link[64], name[64];
				ssize_t l = readlinkat(dirfd(d), de->d_name, link,
						       sizeof(link));

				if (l == 18 && !memcmp(link, "anon_inode:bpf-map", 18)) {
					snprintf(name, sizeof(name), "fdinfo/%s",
						 de->d_name);
					slurp(pfd, name);
				}
			}
			closedir(d);
		}
		slurp(pfd, "smaps_rollup");
		go(pfd);
	}
	close(pfd);
}

static void kmsg(void)
{
	char rec[16384];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = read(fd, rec, sizeof(rec))) > 0 || (n < 0 && errno == EPIPE))
		if (n > 0)
			bytes += (size_t)n;
	close(fd);
	files++;
}

static void names(int root, const char *dir, int depth)
{
	int fd = openat(root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd)))
		return;
	while ((de = readdir(d)))
		if (depth == 2 && de->d_name[0] != '.') {
			int c = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY);
			DIR *cd = c >= 0 ? fdopendir(c) : NULL;

			while (cd && readdir(cd))
				;
			if (cd)
				closedir(cd);
		}
	closedir(d);
	files++;
}

int main(int argc, char **argv)
{
	const char *rootdir = argc == 3 && !strcmp(argv[1], "--root") ? argv[2] : "/";
	int root = open(rootdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), procfd;
	uint32_t *pids = NULL;
	size_t npids = 0, alloc = 0, i;
	struct dirent *de;
	DIR *d;

	if (root < 0) {
		perror(rootdir);
		return 1;
	}
	for (i = 0; i < node_files_nr; i++)
		slurp(root, node_files[i].path);
	cgroups(root);
	procfd = openat(root, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fdopendir(dup(procfd));
	while ((de = readdir(d))) {
		uint64_t v;

		if (parse_u64(de->d_name, strlen(de->d_name), &v) == 0) {
			ALLOC_GROW(pids, npids + 1, alloc);
			pids[npids++] = (uint32_t)v;
		}
	}
	closedir(d);
	for (i = 0; i < npids; i++) {
		char name[16];

		snprintf(name, sizeof(name), "%u", pids[i]);
		process(procfd, name);
	}
	kmsg();
	names(root, "var/log/pods", 2);
	names(root, "var/log/containers", 1);
	printf("%llu files, %llu bytes, %zu processes\n", files, bytes, npids);
	return 0;
}
