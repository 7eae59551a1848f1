/* SPDX-License-Identifier: MIT */
/*
 * Memory cgroups (capture.md 2.2): find the memory hierarchy, then read the
 * files of cgroup_v1_files[] or cgroup_v2_files[] in every directory of it,
 * depth first, children in name order.
 */
#include "collect/collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/mountinfo.h"

#include "common/banned.h"
#define CGROUP_SUPER_MAGIC_ 0x27e0ebu
#define CGROUP2_SUPER_MAGIC_ 0x63677270u
#define TMPFS_MAGIC_ 0x01021994u

const char *cgroup_mode_name(enum cgroup_mode m)
{
	switch (m) {
	case CG_V1: return "v1";
	case CG_HYBRID: return "hybrid";
	case CG_V2: return "v2";
	case CG_NONE: break;
	}
	return "none";
}

const char *cgroup_detect_name(enum cgroup_detect d)
{
	switch (d) {
	case CG_BY_STATFS: return "statfs";
	case CG_BY_MOUNTINFO: return "mountinfo";
	case CG_BY_NOTHING: break;
	}
	return "none";
}

int cgroup_path_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	/* '/' sorts before every byte a name can hold: parent, children, sibling. */
	for (;; p++, q++) {
		unsigned x = *p == '/' ? 1 : *p == 0 ? 0 : (unsigned)*p + 1;
		unsigned y = *q == '/' ? 1 : *q == 0 ? 0 : (unsigned)*q + 1;

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			return 0;
	}
}

/* Is a ("" for the root) a proper ancestor of b? */
static bool path_is_ancestor(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (!la)
		return *b != '\0';
	return !strncmp(a, b, la) && b[la] == '/';
}

/* ---- mountinfo -------------------------------------------------------------- */

/* Does the comma-separated list hold the token? */
static bool has_token(const char *list, size_t len, const char *tok)
{
	size_t tl = strlen(tok), i = 0;

	while (i <= len) {
		size_t j = i;

		while (j < len && list[j] != ',')
			j++;
		if (j - i == tl && !memcmp(list + i, tok, tl))
			return true;
		i = j + 1;
	}
	return false;
}

#define MI_FIELDS 32

int mountinfo_parse_cgroups(const char *buf, size_t len,
			    struct mountinfo_cgroup *ret)
{
	size_t pos = 0, lines = 0;
	const char *line;
	size_t llen;
	bool v1_pref = false, v2_pref = false;

	memset(ret, 0, sizeof(*ret));
	while (next_line(buf, len, &pos, &line, &llen)) {
		const char *f[MI_FIELDS];
		size_t fl[MI_FIELDS], nf, dash;
		char mnt[PATH_MAX];

		nf = mountinfo_split(line, llen, f, fl, MI_FIELDS, &dash);
		/* Need the fstype after the "-" separator. */
		if (!nf)
			continue;
		lines++;
		mountinfo_unescape(f[4], fl[4], mnt, sizeof(mnt));
		if (fl[dash + 1] == 7 && !memcmp(f[dash + 1], "cgroup2", 7)) {
			bool pref = !strcmp(mnt, "/sys/fs/cgroup");

			if (!ret->v2[0] || (pref && !v2_pref)) {
				strlcpy_s(ret->v2, mnt, sizeof(ret->v2));
				mountinfo_unescape(f[3], fl[3], ret->v2_root,
					       sizeof(ret->v2_root));
				v2_pref = pref;
			}
		} else if (fl[dash + 1] == 6 &&
			   !memcmp(f[dash + 1], "cgroup", 6)) {
			bool pref = !strcmp(mnt, "/sys/fs/cgroup/memory");

			ret->any_v1 = true;
			if (dash + 3 >= nf ||
			    !has_token(f[dash + 3], fl[dash + 3], "memory"))
				continue;
			if (!ret->v1_memory[0] || (pref && !v1_pref)) {
				strlcpy_s(ret->v1_memory, mnt,
					  sizeof(ret->v1_memory));
				mountinfo_unescape(f[3], fl[3], ret->v1_memory_root,
					       sizeof(ret->v1_memory_root));
				v1_pref = pref;
			}
		}
	}
	if (!lines)
		return -EINVAL;
	return ret->v1_memory[0] || ret->v2[0] ? 0 : -ENOENT;
}

/* ---- detection ------------------------------------------------------------- */

static long fs_type(int rootfd, const char *path)
{
	struct statfs sf;
	int fd = openat(rootfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	long t = 0;

	if (fd < 0)
		return 0;
	if (fstatfs(fd, &sf) == 0)
		t = (long)sf.f_type;
	close(fd);
	return t;
}

/* Does <mount>/cgroup.controllers (in the tree) list memory?  -1: unreadable. */
static int v2_has_memory(int rootfd, const char *mount)
{
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	const char *p;
	int ret = -1;

	strbuf_addf(&path, "%s/cgroup.controllers", mount[0] == '/' ? mount + 1 : mount);
	if (read_file_at(rootfd, path.buf, &sb, 4096) < 0)
		goto out;
	ret = 0;
	for (p = sb.buf; (p = strstr(p, "memory")); p += 6) {
		bool start = p == sb.buf || p[-1] == ' ';
		bool end = p[6] == '\0' || p[6] == ' ' || p[6] == '\n';

		if (start && end) {
			ret = 1;
			break;
		}
	}
out:
	strbuf_release(&sb);
	strbuf_release(&path);
	return ret;
}

static void set_memory(struct cgroup_info *ci, const char *mount,
		       const char *mount_root, bool v2)
{
	const char *rel = mount;

	while (*rel == '/')
		rel++;
	strlcpy_s(ci->memory_mount, mount, sizeof(ci->memory_mount));
	strlcpy_s(ci->memory_root, *rel ? rel : ".", sizeof(ci->memory_root));
	strlcpy_s(ci->mount_root, mount_root && *mount_root ? mount_root : "/",
		  sizeof(ci->mount_root));
	ci->memory_v2 = v2;
}

int cgroup_detect(int rootfd, const char *mountinfo, size_t len,
		  struct cgroup_info *ret)
{
	struct mountinfo_cgroup *mi = xcalloc(1, sizeof(*mi));
	bool have_mi = mountinfo && mountinfo_parse_cgroups(mountinfo, len, mi) != -EINVAL;
	long top = fs_type(rootfd, "sys/fs/cgroup");
	const char *unified = NULL;   /* the cgroup2 mount, if any */
	bool legacy = false;

	memset(ret, 0, sizeof(*ret));
	ret->mode = CG_NONE;
	ret->detected_by = CG_BY_NOTHING;

	/* systemd's cg_unified_cached(), plus a lone v1 memory mount. */
	if ((unsigned long)top == CGROUP2_SUPER_MAGIC_) {
		unified = "/sys/fs/cgroup";
		ret->detected_by = CG_BY_STATFS;
	} else if ((unsigned long)top == TMPFS_MAGIC_) {
		if ((unsigned long)fs_type(rootfd, "sys/fs/cgroup/unified") ==
		    CGROUP2_SUPER_MAGIC_) {
			unified = "/sys/fs/cgroup/unified";
			legacy = true;
		} else if ((unsigned long)fs_type(rootfd, "sys/fs/cgroup/systemd") ==
			   CGROUP2_SUPER_MAGIC_) {
			unified = "/sys/fs/cgroup/systemd";
			legacy = true;
		} else if ((unsigned long)fs_type(rootfd, "sys/fs/cgroup/systemd") ==
				   CGROUP_SUPER_MAGIC_ ||
			   (unsigned long)fs_type(rootfd, "sys/fs/cgroup/memory") ==
				   CGROUP_SUPER_MAGIC_) {
			legacy = true;
		}
		if (legacy)
			ret->detected_by = CG_BY_STATFS;
	}

	if (ret->detected_by == CG_BY_NOTHING && have_mi) {
		/* A tree without cgroup filesystems (a fixture): trust mountinfo. */
		ret->detected_by = CG_BY_MOUNTINFO;
		if (!strcmp(mi->v2, "/sys/fs/cgroup")) {
			unified = mi->v2;
		} else {
			legacy = mi->v1_memory[0] || mi->any_v1;
			if (mi->v2[0])
				unified = mi->v2;
		}
	}

	if (ret->detected_by == CG_BY_NOTHING)
		goto out;
	if (!legacy) {
		/* Unified only. */
		if (v2_has_memory(rootfd, unified) != 0) {
			ret->mode = CG_V2;
			set_memory(ret, unified,
				   !strcmp(mi->v2, unified) ? mi->v2_root : "/",
				   true);
		}
		goto out;
	}
	if (mi->v1_memory[0]) {
		set_memory(ret, mi->v1_memory, mi->v1_memory_root, false);
	} else if ((unsigned long)fs_type(rootfd, "sys/fs/cgroup/memory") ==
		   CGROUP_SUPER_MAGIC_) {
		set_memory(ret, "/sys/fs/cgroup/memory", "/", false);
	} else if (unified && v2_has_memory(rootfd, unified) == 1) {
		/* Memory on the unified hierarchy of a hybrid layout: unusual. */
		ret->mode = CG_V2;
		set_memory(ret, unified, "/", true);
		goto out;
	} else {
		goto out;
	}
	ret->mode = unified ? CG_HYBRID : CG_V1;
out:
	free(mi);
	return ret->mode == CG_NONE ? -ENOENT : 0;
}

void cgroup_self_path(const char *buf, size_t len, bool v2, char *out,
		      size_t n)
{
	size_t pos = 0, llen;
	const char *line;

	out[0] = '\0';
	while (next_line(buf, len, &pos, &line, &llen)) {
		const char *c1 = memchr(line, ':', llen), *c2;

		if (!c1)
			continue;
		c2 = memchr(c1 + 1, ':', llen - (size_t)(c1 + 1 - line));
		if (!c2)
			continue;
		if (v2 ? (c1 == line + 1 && line[0] == '0' && c2 == c1 + 1)
		       : has_token(c1 + 1, (size_t)(c2 - c1 - 1), "memory")) {
			size_t pl = llen - (size_t)(c2 + 1 - line);

			if (pl >= n)
				pl = n - 1;
			memcpy(out, c2 + 1, pl);
			out[pl] = '\0';
			return;
		}
	}
}

/* manifest.cgroup */
static int publish(struct rd *rd, const struct cgroup_info *ci)
{
	struct strbuf json = STRBUF_INIT, self = STRBUF_INIT;
	char self_cg[PATH_MAX], ns_self[64] = "", ns_pid1[64] = "";
	struct jsonw w;
	ssize_t n;
	int ret;

	/* Our own process: /proc/self, not the tree's. */
	self_cg[0] = '\0';
	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &self, 65536) == 0)
		cgroup_self_path(self.buf, self.len, ci->memory_v2, self_cg,
			  sizeof(self_cg));
	/*
	 * In a private cgroup namespace (a container) the paths in
	 * proc/PID/cgroup are relative to our namespace's root: say so.
	 */
	n = readlink("/proc/self/ns/cgroup", ns_self, sizeof(ns_self) - 1);
	ns_self[n > 0 ? n : 0] = '\0';
	n = readlinkat(rd_rootfd(rd), "proc/1/ns/cgroup", ns_pid1,
		       sizeof(ns_pid1) - 1);
	ns_pid1[n > 0 ? n : 0] = '\0';

	jsonw_init(&w, &json, false);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "mode", cgroup_mode_name(ci->mode));
	jsonw_kv_string(&w, "detected_by", cgroup_detect_name(ci->detected_by));
	jsonw_kv_string(&w, "memory_mount",
			ci->mode == CG_NONE ? NULL : ci->memory_mount);
	jsonw_kv_string(&w, "memory_root",
			ci->mode == CG_NONE ? NULL : ci->memory_root);
	jsonw_kv_string(&w, "mount_root",
			ci->mode == CG_NONE ? NULL : ci->mount_root);
	jsonw_kv_string(&w, "self", self_cg[0] ? self_cg : NULL);
	jsonw_kv_string(&w, "namespace_self", ns_self[0] ? ns_self : NULL);
	jsonw_kv_string(&w, "namespace_pid1", ns_pid1[0] ? ns_pid1 : NULL);
	jsonw_end_object(&w);
	ret = rd_manifest(rd, "cgroup", json.buf, json.len);
	strbuf_release(&json);
	strbuf_release(&self);
	return ret;
}

/* ---- the walk ------------------------------------------------------------- */

struct walk {
	struct rd *rd;
	const struct cgroup_info *ci;
	const char *const *files;
	size_t nfiles;
	struct strbuf rel;       /* the directory relative to the memory root */
	struct strbuf apath;     /* archive path scratch */
	const struct cursor *resume;
	uint64_t ordinal;
};

static void archive_path(struct walk *w, const char *file)
{
	strbuf_reset(&w->apath);
	strbuf_addstr(&w->apath, w->ci->memory_root);
	if (w->rel.len) {
		strbuf_addch(&w->apath, '/');
		strbuf_add(&w->apath, w->rel.buf, w->rel.len);
	}
	if (file) {
		strbuf_addch(&w->apath, '/');
		strbuf_addstr(&w->apath, file);
	}
}

/* The subdirectories of dfd, sorted, as a NULL-terminated array. */
static int list_children(int dfd, char ***ret, size_t *ret_n)
{
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d = NULL;
	int fd, err = 0;

	fd = dup(dfd);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		close(fd);
		goto out;
	}
	while ((errno = 0, de = readdir(d))) {
		bool dir = de->d_type == DT_DIR;

		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;

			dir = fstatat(dfd, de->d_name, &st,
				      AT_SYMLINK_NOFOLLOW) == 0 &&
			      S_ISDIR(st.st_mode);
		}
		if (!dir)
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	if (errno)
		err = -errno;
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
out:
	if (d)
		closedir(d);
	*ret = names;
	*ret_n = n;
	return err;
}

/*
 * The cgroup being read was removed (rmdir) meanwhile: its directory gets
 * one problem of kind `vanished` (capture.md, "problems"), action `partial`
 * when some of its files are in the archive (they are not all of one
 * moment: keep it out of any sum that must add up), `skipped` when none is.
 * Its other files are not tried and its children not listed: they are gone.
 */
static int cgroup_vanished(struct walk *w, bool some_read)
{
	archive_path(w, NULL);
	return rd_problem(w->rd, w->apath.buf, PROBLEM_VANISHED, ENOENT,
			  some_read ? ACTION_PARTIAL : ACTION_SKIPPED,
			  some_read ? "the cgroup was removed while it was read: its files are not all there" :
				      "the cgroup was removed before its files were read");
}

static int walk_dir(struct walk *w, int dfd, unsigned depth)
{
	struct rd *rd = w->rd;
	struct cursor *cur = rd_cursor(rd);
	char **kids = NULL;
	size_t nkids = 0, i, first = 0;
	bool read_files = true, list = true;
	unsigned stored = 0;
	int ret = 0;

	if (w->resume) {
		int c = cgroup_path_cmp(w->rel.buf, w->resume->path);

		if (c == 0) {
			/* The stuck step was in this directory. */
			first = (size_t)w->resume->phase + 1;
			list = (size_t)w->resume->phase < w->nfiles;
			w->resume = NULL;
			rd_resumed(rd);
		} else if (c < 0 && path_is_ancestor(w->rel.buf, w->resume->path)) {
			read_files = false;
		} else if (c < 0) {
			return 0;       /* done before the stuck step */
		} else {
			/* The stuck directory is gone: carry on from here. */
			w->resume = NULL;
			rd_resumed(rd);
		}
	}

	cur->pos = w->ordinal++;
	strlcpy_s(cur->path, w->rel.buf, sizeof(cur->path));
	if (read_files && first == 0)
		rd_count(rd, COUNT_CGROUPS, 1);
	for (i = read_files ? first : w->nfiles; i < w->nfiles; i++) {
		const char *file = w->files[i];

		if (!sample_cgroup_file(rd_opts(rd), file))
			continue;
		cur->phase = (int)i;
		archive_path(w, file);
		/*
		 * A file the kernel lacks was named by sample 1 already
		 * (memory.pressure on cgroup v1): a later sample says nothing
		 * of it.  Named again at every sample and cgroup, they were
		 * 9,700 of a 60-sample capture's 10,000 listed problems (the
		 * rest dropped) and 30% of its load.  A removed cgroup is
		 * still `vanished`.
		 */
		ret = rd_read(rd, dfd, file, w->apath.buf, file, FILE_MAX,
			      RD_CGROUP | (rd_opts(rd)->sample >= 2 ? RD_QUIET : 0));
		if (ret == -ECANCELED)
			goto out;
		if (ret == -ESTALE) {
			ret = cgroup_vanished(w, stored || first);
			goto out;
		}
		if (ret < 0) {
			ret = 0;
			continue;
		}
		stored++;
		/*
		 * cgroup v2: below the root, the memory controller may not be
		 * enabled (the parent's subtree_control lacks it); then no
		 * memory.* file exists but memory.pressure.  Say so once.
		 */
		if (w->ci->memory_v2 && !strcmp(file, "cgroup.controllers") &&
		    w->rel.len) {
			struct strbuf *d = rd_data(rd);
			bool mem = false;
			const char *p;

			for (p = d->buf; (p = strstr(p, "memory")); p += 6)
				if ((p == d->buf || p[-1] == ' ') &&
				    (p[6] == ' ' || p[6] == '\n' || !p[6]))
					mem = true;
			ret = rd_emit_data(rd, w->apath.buf);
			if (ret < 0)
				goto out;
			if (!mem) {
				archive_path(w, NULL);
				/* said by sample 1, as an absent file (above) */
				ret = rd_opts(rd)->sample >= 2 ? 0 :
				      rd_problem(rd, w->apath.buf, PROBLEM_ABSENT,
						 ENOENT, ACTION_SKIPPED,
						 "memory controller not enabled in this cgroup: only cgroup.* and memory.pressure read");
				if (ret < 0)
					goto out;
				for (i++; i < w->nfiles; i++) {
					const char *f2 = w->files[i];

					if ((starts_with(f2, "memory.") &&
					     strcmp(f2, "memory.pressure")) ||
					    !sample_cgroup_file(rd_opts(rd), f2))
						continue;
					cur->phase = (int)i;
					archive_path(w, f2);
					ret = rd_file(rd, dfd, f2, w->apath.buf,
						      f2, RD_QUIET);
					if (ret == -ECANCELED)
						goto out;
				}
				ret = 0;
				break;
			}
			continue;
		}
		ret = rd_emit_data(rd, w->apath.buf);
		if (ret < 0)
			goto out;
	}
	if (!list)
		goto out;

	/* The children: one step to list them. */
	cur->phase = (int)w->nfiles;
	archive_path(w, NULL);
	ret = rd_step_begin(rd, w->apath.buf, "cgroup-dir", 0);
	if (ret == -ETIMEDOUT) {
		ret = 0;
		goto out;
	}
	if (ret < 0)
		goto out;
	ret = list_children(dfd, &kids, &nkids);
	{
		int e = rd_step_end(rd);

		if (e < 0) {
			ret = e;
			goto out;
		}
	}
	if (ret < 0) {
		/* The directory was removed meanwhile: that is normal. */
		ret = ret == -ENOENT ? 0 : rd_problem_errno(rd, w->apath.buf, ret, false);
		if (ret < 0)
			goto out;
	}

	for (i = 0; i < nkids; i++) {
		size_t keep = w->rel.len;
		int cfd;

		if (w->rel.len)
			strbuf_addch(&w->rel, '/');
		strbuf_addstr(&w->rel, kids[i]);
		if (w->resume && cgroup_path_cmp(w->rel.buf, w->resume->path) < 0 &&
		    !path_is_ancestor(w->rel.buf, w->resume->path)) {
			strbuf_setlen(&w->rel, keep);
			continue;
		}
		if (depth + 1 >= CGROUP_DEPTH_MAX) {
			archive_path(w, NULL);
			ret = rd_problem(rd, w->apath.buf, PROBLEM_TOO_LARGE, 0,
					 ACTION_SKIPPED,
					 "deeper than 64 levels: not read");
			strbuf_setlen(&w->rel, keep);
			if (ret < 0)
				goto out;
			continue;
		}
		cfd = openat(dfd, kids[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cfd < 0) {
			/* ENOENT: removed since the listing; normal. */
			if (errno != ENOENT) {
				archive_path(w, NULL);
				ret = rd_problem_errno(rd, w->apath.buf, -errno,
						       false);
			}
		} else {
			ret = walk_dir(w, cfd, depth + 1);
			close(cfd);
		}
		strbuf_setlen(&w->rel, keep);
		if (ret < 0)
			goto out;
	}
out:
	for (i = 0; i < nkids; i++)
		free(kids[i]);
	free(kids);
	return ret;
}

int mountinfo_read(struct rd *rd, struct strbuf *ret)
{
	static const char *const paths[] = { "proc/1/mountinfo",
					     "proc/self/mountinfo" };
	size_t i;
	int err = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		strbuf_reset(ret);
		err = read_file_at(rd_rootfd(rd), paths[i], ret, FILE_MAX);
		if (err == 0 || err == -EFBIG)
			return 0;
	}
	return err;
}

int cgroup_collect(struct rd *rd)
{
	const struct cursor *resume = rd_resuming(rd, SRC_CGROUPS);
	struct cursor *cur = rd_cursor(rd);
	struct cgroup_info *ci = xcalloc(1, sizeof(*ci));
	struct strbuf mi = STRBUF_INIT;
	struct walk w = { .rd = rd };
	int dfd = -1, ret = 0, e;

	strbuf_init(&w.rel, 0);
	strbuf_init(&w.apath, 0);
	if (resume) {
		/* Detection itself got stuck (pos 0): no hierarchy to walk. */
		if (resume->pos == 0 && resume->path[0] == '\0' &&
		    resume->phase < 0) {
			rd_resumed(rd);
			goto out;
		}
		ret = rd_cgroup_get(rd, ci);
		if (ret < 0) {
			ret = ret == -ECANCELED ? ret : 0;
			goto out;
		}
		w.resume = resume;
	} else {
		/* Detection: statfs and mountinfo, one step. */
		cur->phase = -1;
		ret = rd_step_begin(rd, "sys/fs/cgroup", "cgroup-detect", 0);
		if (ret < 0) {
			ret = ret == -ECANCELED ? ret : 0;
			goto out;
		}
		mountinfo_read(rd, &mi);
		cgroup_detect(rd_rootfd(rd), mi.len ? mi.buf : NULL, mi.len, ci);
		ret = rd_step_end(rd);
		if (ret < 0)
			goto out;
		ret = publish(rd, ci);
		if (ret < 0)
			goto out;
		ret = rd_cgroup_publish(rd, ci);
		if (ret < 0)
			goto out;
		if (ci->mode == CG_NONE) {
			ret = rd_problem(rd, "sys/fs/cgroup", PROBLEM_ABSENT,
					 ENOENT, ACTION_SKIPPED,
					 "no memory cgroup hierarchy found");
			goto out;
		}
	}
	if (ci->mode == CG_NONE)
		goto out;
	w.ci = ci;
	w.files = ci->memory_v2 ? cgroup_v2_files : cgroup_v1_files;
	w.nfiles = ci->memory_v2 ? cgroup_v2_files_nr : cgroup_v1_files_nr;

	dfd = openat(rd_rootfd(rd), ci->memory_root,
		     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = rd_problem_errno(rd, ci->memory_root, -errno, false);
		goto out;
	}
	ret = walk_dir(&w, dfd, 0);
out:
	e = ret;
	if (dfd >= 0)
		close(dfd);
	strbuf_release(&w.rel);
	strbuf_release(&w.apath);
	strbuf_release(&mi);
	free(ci);
	return e == -ECANCELED ? e : 0;
}
