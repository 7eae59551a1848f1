/* SPDX-License-Identifier: MIT */
/*
 * The small files that name or describe processes: proc/<pid>/oom_score_adj,
 * proc/<pid>/cmdline and a cgroup's cgroup.procs.
 */
#include "analyze/parse/parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

int parse_oom_score_adj(const char *buf, size_t len, int64_t *ret,
			struct parse_diag *diag)
{
	const char *s = buf;
	size_t n = len;
	int64_t v;

	trim_span(&s, &n);
	if (parse_i64(s, n, &v) < 0 || v < -1000 || v > 1000) {
		diag_add(diag, "'%.*s' is not an oom_score_adj (-1000..1000)",
			 (int)MIN(n, (size_t)40), s);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int parse_cmdline(const char *buf, size_t len, char **ret, size_t *ret_len)
{
	char *s;
	size_t i;

	while (len && buf[len - 1] == '\0')
		len--;
	s = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		s[i] = buf[i] ? buf[i] : ' ';
	s[len] = '\0';
	*ret = s;
	*ret_len = len;
	return 0;
}

int64_t parse_pid(const char *s, size_t len)
{
	uint64_t v;

	if (parse_u64(s, len, &v) < 0 || v == 0 || v > 0x7fffffff)
		return -1;
	return (int64_t)v;
}

int parse_pid_list(const char *buf, size_t len, struct pid_list *ret,
		   struct parse_diag *diag)
{
	size_t pos = 0, ln = 0;
	const char *line;
	size_t n;

	while (next_line(buf, len, &pos, &line, &n)) {
		int64_t pid;

		ln++;
		trim_span(&line, &n);
		if (!n)
			continue;
		pid = parse_pid(line, n);
		if (pid < 0) {
			diag_add(diag, "line %zu: '%.*s' is not a pid, skipping", ln,
				 (int)MIN(n, (size_t)40), line);
			continue;
		}
		if (ret->n == ret->alloc) {
			ret->alloc = ret->alloc ? 2 * ret->alloc : 16;
			ret->v = xrealloc(ret->v, ret->alloc * sizeof(*ret->v));
		}
		ret->v[ret->n++] = pid;
	}
	return 0;
}

void pid_list_free(struct pid_list *p)
{
	if (!p)
		return;
	free(p->v);
	memset(p, 0, sizeof(*p));
}
