/* SPDX-License-Identifier: MIT */
/*
 * Kills the kernel log does not show (capture.md 2.7): the journal lines of
 * systemd-oomd (its kills) and of the kubelet (its eviction manager), run
 * like bpftool (optional, under the command time limit, output bounded) and
 * filtered here to those lines only: everything else a kubelet logs (pod
 * names of healthy pods, image pulls, errors with URLs) is dropped before
 * it reaches the archive.
 */
#include "collect/collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/banned.h"

#define JOURNAL_PATH "collector/journal-kills.txt"
/* A kill or eviction line is short; a longer one is not one of them. */
#define LINE_MAX_KEPT 8192

/*
 * The lines analyze/parse/killlog.c turns into events: systemd-oomd's
 * "Killed <cgroup> due to ...", systemd's "<unit>: systemd-oomd killed N
 * process(es)", and the kubelet eviction manager's decisions.
 */
static bool wanted(const char *l, size_t n)
{
	static const char *const kubelet[] = {
		"evicting pod", "evicted", "ranked for eviction", "must evict",
		"threshold met", "thresholds met", "attempting to reclaim",
		"low on resource",
	};
	size_t i;

	if (n > LINE_MAX_KEPT || memchr(l, '\0', n))
		return false;
	if (memmem_ci(l, n, "systemd-oomd") &&
	    ((memmem_str(l, n, "]: Killed ") && memmem_str(l, n, " due to ")) ||
	     memmem_str(l, n, ": systemd-oomd killed ")))
		return true;
	if (!memmem_ci(l, n, "eviction"))
		return false;
	for (i = 0; i < ARRAY_SIZE(kubelet); i++)
		if (memmem_ci(l, n, kubelet[i]))
			return true;
	return false;
}

void journal_filter(struct strbuf *out)
{
	size_t pos = 0, keep = 0;
	const char *line;
	size_t n;

	while (next_line(out->buf, out->len, &pos, &line, &n)) {
		if (!wanted(line, n))
			continue;
		memmove(out->buf + keep, line, n);
		keep += n;
		out->buf[keep++] = '\n';
	}
	strbuf_setlen(out, keep);
}

/* A journal to read: the persistent or the volatile one, under the root. */
static bool have_journal(int rootfd)
{
	return faccessat(rootfd, "var/log/journal", F_OK, 0) == 0 ||
	       faccessat(rootfd, "run/log/journal", F_OK, 0) == 0;
}

int journal_collect(struct rd *rd)
{
	const struct capture_opts *opts = rd_opts(rd);
	struct strbuf exe = STRBUF_INIT;
	int ret = 0;

	rd_resumed(rd);
	/*
	 * Optional like bpftool, and quiet when there is nothing to read: no
	 * journalctl, or no journal in the tree (a container, a fixture root).
	 */
	if (!opts->journal || !have_journal(rd_rootfd(rd)) ||
	    cmd_find("journalctl", getenv("PATH"), &exe) < 0)
		goto out;
	{
		/*
		 * This boot, oldest first, the time as an epoch; --root reads
		 * the journal of the tree collected.  systemd's own "<unit>:
		 * systemd-oomd killed N process(es)" lines belong to the
		 * killed unit, not to these two: they come only through a
		 * journal copied with them (the parser knows them).
		 */
		const bool rooted = opts->root && strcmp(opts->root, "/");
		const char *argv[] = { exe.buf, "--no-pager", "--quiet", "-b",
				       "-o", "short-unix", "-u", "systemd-oomd.service",
				       "-u", "kubelet.service",
				       rooted ? "--root" : NULL, opts->root, NULL };

		ret = cmd_capture(rd, argv, "journalctl", JOURNAL_PATH,
				  journal_filter);
	}
out:
	strbuf_release(&exe);
	return ret == -ECANCELED ? ret : 0;
}
