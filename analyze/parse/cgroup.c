/* SPDX-License-Identifier: MIT */
/*
 * /proc/PID/cgroup (kernel/cgroup/cgroup.c, proc_cgroup_show()): one line
 * per hierarchy, `hierarchy-ID:controller-list:cgroup-path`.
 *
 *   v1      4:memory:/kubepods/burstable/pod<uid>/<id>
 *           1:name=systemd:/system.slice/foo.service   (named hierarchy)
 *           7:cpu,cpuacct:/                            (co-mounted)
 *   v2      0::/kubepods.slice/...
 *   hybrid  both kinds of lines
 *
 * The path is printed raw (seq_puts), so it may hold ':' and blanks: only
 * the first two colons split.  In a cgroup namespace it is relative to the
 * namespace root and may start with "/..".
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

#define DELETED_SUFFIX " (deleted)"

static bool controller_list_ok(const char *s, size_t n)
{
	size_t i;

	/* Names of controllers and "name=<hierarchy name>", comma separated. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

/*
 * A cgroup's name is any bytes but '/' and NUL (a directory name), and the
 * kernel prints the path raw: control bytes are kept, for the report to show
 * escaped and for the path to match the cgroup's directory in the capture.
 * A NUL cannot be in a path (nor in a C string): a corrupt copy.
 */
static bool path_ok(const char *s, size_t n)
{
	return !memchr(s, '\0', n);
}

int parse_proc_cgroup(const char *buf, size_t len, struct proc_cgroup *ret,
		      struct parse_diag *diag)
{
	struct kv_iter it;
	const char *line;
	char *end = NULL;
	size_t n, range = 0;
	char q[DIAG_QUOTE_MAX];
	int r = 0;

	kv_iter_init(&it, buf, len, ':');
	while (kv_next_raw(&it, &line, &n)) {
		const char *c1, *c2, *ctl, *path;
		size_t ctl_len, path_len;
		struct proc_cgroup_line *l;
		enum num_err e;
		uint64_t h;
		bool deleted = false;

		if (!n)
			continue;
		c1 = memchr(line, ':', n);
		c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - line)) : NULL;
		if (!c2) {
			diag_add(diag, "line %u: not 'id:controllers:path': '%s', skipped",
				 it.lineno, diag_quote(line, n, q, sizeof(q)));
			continue;
		}
		e = num_u64(line, (size_t)(c1 - line), &h);
		if (e == NUM_OK && h > UINT32_MAX)
			e = NUM_RANGE;
		if (e != NUM_OK) {
			diag_num(diag, it.lineno, e, "hierarchy", 9, line,
				 (size_t)(c1 - line));
			if (e != NUM_INVALID)
				range++;
			continue;
		}
		ctl = c1 + 1;
		ctl_len = (size_t)(c2 - ctl);
		path = c2 + 1;
		path_len = n - (size_t)(path - line);
		if (!controller_list_ok(ctl, ctl_len) || !path_ok(path, path_len) ||
		    path_len > KV_VALUE_MAX) {
			diag_add(diag, "line %u: invalid controllers or path: '%s', skipped",
				 it.lineno, diag_quote(line, n, q, sizeof(q)));
			continue;
		}
		/*
		 * A cgroup removed while a (zombie) task still points at it
		 * prints " (deleted)" after the path: on the v2 hierarchy since
		 * 4.x, on any hierarchy (with an empty path) since 6.x when the
		 * cgroup is gone altogether.
		 */
		if (path_len >= strlen(DELETED_SUFFIX) &&
		    !memcmp(path + path_len - strlen(DELETED_SUFFIX),
			    DELETED_SUFFIX, strlen(DELETED_SUFFIX))) {
			deleted = true;
			path_len -= strlen(DELETED_SUFFIX);
		}
		/*
		 * One block for the strings of every line, as a line's two
		 * are shorter than it: two allocations a line (and two frees)
		 * were half of the parse (callgrind).
		 */
		if (!ret->strings)
			ret->strings = end = xmalloc(len + 1);
		ALLOC_GROW(ret->v, ret->n + 1, ret->alloc);
		l = &ret->v[ret->n++];
		l->hierarchy = (unsigned)h;
		l->controllers = end;
		memcpy(end, ctl, ctl_len);
		end += ctl_len;
		*end++ = '\0';
		l->path = end;
		memcpy(end, path, path_len);
		end += path_len;
		*end++ = '\0';
		l->deleted = deleted;
	}
	if (ret->n)
		r = 0;
	else if (range)
		r = -ERANGE;
	else {
		r = -EINVAL;
		diag_add(diag, it.nonblank ? "no cgroup line found" : "empty file");
	}
	return r;
}

void proc_cgroup_free(struct proc_cgroup *c)
{
	if (!c)
		return;
	free(c->strings);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Is `name` one of the comma-separated entries of list? */
static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);

		if (l == n && !memcmp(p, name, n))
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

const char *proc_cgroup_memory_path(const struct proc_cgroup *c)
{
	const char *v2 = NULL;
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < c->n; i++) {
		const struct proc_cgroup_line *l = &c->v[i];

		/* Hybrid: memory on a v1 hierarchy wins over the v2 line. */
		if (l->hierarchy != 0 && list_has(l->controllers, "memory"))
			return l->path;
		if (l->hierarchy == 0 && !*l->controllers && !v2)
			v2 = l->path;
	}
	return v2;
}
