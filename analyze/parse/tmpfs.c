/* SPDX-License-Identifier: MIT */
/* collector/tmpfs.txt (collect/tmpfs.c writes it; capture.md 2.8). */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/mountinfo.h"
#include "common/util.h"

#include "common/banned.h"

#define TMPFS_FIELDS 6
#define TMPFS_MAX 100000

static bool word_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return false;
	return true;
}

/* pod uid and volume name of a kubelet emptyDir mount point. */
static void emptydir_names(struct tmpfs_mount *m)
{
	const char *uid, *vol;
	size_t ul;

	if (!kubelet_emptydir(m->mount_point, &uid, &ul, &vol))
		return;
	m->pod_uid = xstrndup(uid, ul);
	m->volume = xstrdup(vol);
}

int parse_tmpfs_usage(const char *buf, size_t len, struct tmpfs_usage *ret,
		      struct parse_diag *diag)
{
	struct kv_iter it;
	const char *line;
	size_t n;
	char q[DIAG_QUOTE_MAX];

	kv_iter_init(&it, buf, len, ' ');
	while (kv_next_raw(&it, &line, &n)) {
		const char *f[TMPFS_FIELDS + 1];
		size_t fl[TMPFS_FIELDS + 1], nf = 0, i = 0;
		uint64_t pid, size, used;
		struct tmpfs_mount m = { 0 };
		char path[PATH_MAX];

		if (!n)
			continue;
		while (i < n && nf <= TMPFS_FIELDS) {
			size_t st = i;

			while (i < n && line[i] != ' ')
				i++;
			if (i > st) {
				f[nf] = line + st;
				fl[nf++] = i - st;
			}
			i++;
		}
		if (nf != TMPFS_FIELDS || !word_ok(f[0], fl[0]) ||
		    !word_ok(f[2], fl[2]) || fl[5] >= PATH_MAX ||
		    memchr(f[5], '\0', fl[5]) || f[5][0] != '/') {
			diag_add(diag, "line %u: not a tmpfs line: '%s', skipped",
				 it.lineno, diag_quote(line, n, q, sizeof(q)));
			continue;
		}
		if (num_u64(f[1], fl[1], &pid) != NUM_OK ||
		    num_u64(f[3], fl[3], &size) != NUM_OK ||
		    num_u64(f[4], fl[4], &used) != NUM_OK) {
			diag_add(diag, "line %u: invalid number in '%s', skipped",
				 it.lineno, diag_quote(line, n, q, sizeof(q)));
			continue;
		}
		if (ret->n >= TMPFS_MAX) {
			diag_add(diag, "line %u: more than %d mounts, skipped",
				 it.lineno, TMPFS_MAX);
			break;
		}
		mountinfo_unescape(f[5], fl[5], path, sizeof(path));
		m.kind = xstrndup(f[0], fl[0]);
		m.pid = pid;
		m.fstype = xstrndup(f[2], fl[2]);
		m.size_bytes = size;
		m.used_bytes = used;
		m.mount_point = xstrdup(path);
		emptydir_names(&m);
		ALLOC_GROW(ret->v, ret->n + 1, ret->alloc);
		ret->v[ret->n++] = m;
	}
	/* An empty file is a capture without tmpfs mounts: understood. */
	if (ret->n || !it.nonblank)
		return 0;
	diag_add(diag, "no tmpfs line found");
	return -EINVAL;
}

void tmpfs_usage_free(struct tmpfs_usage *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].kind);
		free(t->v[i].fstype);
		free(t->v[i].mount_point);
		free(t->v[i].pod_uid);
		free(t->v[i].volume);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}
