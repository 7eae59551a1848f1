/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes names without the API (capture.md 2.6): the folder names of
 * var/log/pods and the link names of var/log/containers.  Only readdir():
 * no log file is ever opened, no link followed.  Only valid names are kept
 * (common/k8s_names.h): one per line, and no valid name holds a newline, so
 * no folder name can add a line of its own (issue 17.4); the others are
 * recorded as problems.
 */
#include "collect/collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/k8s_names.h"

#include "common/banned.h"

struct names {
	char **v;
	size_t n, alloc, bytes;
	bool full;
};

static void names_add(struct names *ns, const char *a, const char *b)
{
	size_t len = strlen(a) + (b ? strlen(b) + 1 : 0) + 1;
	char *s;

	if (ns->bytes + len > FILE_MAX) {
		ns->full = true;
		return;
	}
	s = xmalloc(len);
	if (b)
		xsnprintf(s, len, "%s/%s", a, b);
	else
		xsnprintf(s, len, "%s", a);
	ALLOC_GROW(ns->v, ns->n + 1, ns->alloc);
	ns->v[ns->n++] = s;
	ns->bytes += len;
}

static void names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

static bool is_dot(const char *n)
{
	return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]));
}

static bool entry_is_dir(int dfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* A name as the kubelet (depth 2) or the runtime (depth 1) makes it. */
static bool valid_name(const char *name, int depth)
{
	struct k8s_container_log c;
	struct k8s_pod_log p;

	if (depth == 1)
		return k8s_parse_container_log(name, strlen(name), &c) == 0;
	return k8s_parse_pod_log(name, strlen(name), &p) == 0;
}

/* "a/b" (or "a") into ns when it is a valid name, else into bad. */
static void sort_name(struct names *ns, struct names *bad, int depth,
		      const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, a);
	if (b)
		strbuf_addf(&sb, "/%s", b);
	names_add(valid_name(sb.buf, depth) ? ns : bad, a, b);
	strbuf_release(&sb);
}

/*
 * List dir (relative to the root).  depth 1: every entry name; depth 2:
 * "<dir>/<subdir>" for the folders two levels down.  Valid names go to ns,
 * the others to bad.
 */
static int list(int rootfd, const char *dir, int depth, struct names *ns,
		struct names *bad)
{
	struct dirent *de;
	DIR *d;
	int fd, err = 0;

	fd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fdopendir_or_close(fd);
	if (!d)
		return -errno;
	while ((errno = 0, de = readdir(d))) {
		struct dirent *ce;
		DIR *cd;
		int cfd;

		if (is_dot(de->d_name))
			continue;
		if (depth == 1) {
			sort_name(ns, bad, depth, de->d_name, NULL);
			continue;
		}
		if (!entry_is_dir(dirfd(d), de))
			continue;
		cfd = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (cfd < 0)
			continue;   /* removed meanwhile */
		cd = fdopendir(cfd);
		if (!cd) {
			close(cfd);
			continue;
		}
		while ((ce = readdir(cd)))
			if (!is_dot(ce->d_name) && entry_is_dir(dirfd(cd), ce))
				sort_name(ns, bad, depth, de->d_name,
					  ce->d_name);
		closedir(cd);
	}
	if (errno)
		err = -errno;
	closedir(d);
	if (ns->n)
		qsort(ns->v, ns->n, sizeof(*ns->v), cmp_str);
	if (bad->n)
		qsort(bad->v, bad->n, sizeof(*bad->v), cmp_str);
	return err;
}

/* A problem for each name that is not a Kubernetes one: left out. */
static int bad_names(struct rd *rd, const char *dir, struct names *bad)
{
	struct strbuf path = STRBUF_INIT;
	size_t j;
	int ret = 0;

	for (j = 0; j < bad->n && ret == 0; j++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, bad->v[j]);
		ret = rd_problem(rd, path.buf, PROBLEM_ERROR, EINVAL,
				 ACTION_SKIPPED,
				 "not a Kubernetes name, left out");
	}
	strbuf_release(&path);
	return ret;
}

int k8s_collect(struct rd *rd)
{
	static const struct {
		const char *dir, *path;
		int depth;
	} lists[] = {
		{ "var/log/pods", "collector/k8s-pod-logs.txt", 2 },
		{ "var/log/containers", "collector/k8s-container-logs.txt", 1 },
	};
	const struct cursor *resume = rd_resuming(rd, SRC_K8S);
	struct cursor *cur = rd_cursor(rd);
	struct strbuf text = STRBUF_INIT;
	size_t i = resume ? (size_t)resume->pos + 1 : 0, j;
	int ret = 0;

	rd_resumed(rd);
	for (; i < ARRAY_SIZE(lists); i++) {
		struct names ns = { 0 }, bad = { 0 };
		int err;

		cur->pos = i;
		ret = rd_step_begin(rd, lists[i].path, lists[i].dir, 0);
		if (ret < 0) {
			if (ret == -ECANCELED)
				break;
			continue;
		}
		err = list(rd_rootfd(rd), lists[i].dir, lists[i].depth, &ns,
			   &bad);
		ret = rd_step_end(rd);
		if (ret == 0)
			ret = bad_names(rd, lists[i].dir, &bad);
		names_free(&bad);
		if (ret < 0) {
			names_free(&ns);
			break;
		}
		if (err == -ENOENT && !ns.n) {
			/* Not a Kubernetes node (or logs elsewhere): normal. */
			ret = rd_problem(rd, lists[i].dir, PROBLEM_ABSENT, ENOENT,
					 ACTION_SKIPPED, NULL);
			names_free(&ns);
			if (ret < 0)
				break;
			continue;
		}
		if (err < 0) {
			ret = rd_problem_errno(rd, lists[i].dir, err, false);
			if (ret < 0) {
				names_free(&ns);
				break;
			}
		}
		strbuf_reset(&text);
		for (j = 0; j < ns.n; j++) {
			strbuf_addstr(&text, ns.v[j]);
			strbuf_addch(&text, '\n');
		}
		if (ns.full)
			ret = rd_problem(rd, lists[i].path, PROBLEM_TOO_LARGE,
					 EFBIG, ACTION_TRUNCATED,
					 "more than 4 MiB of names, cut there");
		names_free(&ns);
		if (ret < 0)
			break;
		ret = rd_emit_strbuf(rd, lists[i].path, &text);
		if (ret < 0)
			break;
	}
	strbuf_release(&text);
	return ret == -ECANCELED ? ret : 0;
}
