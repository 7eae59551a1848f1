/* SPDX-License-Identifier: MIT */
/*
 * The kernel log (collector/kmsg.txt, or kmsg-syslog.txt): its OOM reports,
 * parsed by analyze/oom/ and stored by oom_store() into the oom_* tables
 * (schema/40-oom.sql).  The log is kept until every file is read: its
 * parser needs the page size and the clock of the manifest.  The reader
 * thread parses it as it reads it (route.ahead), at the page size of
 * nearly every node, KMSG_AHEAD_PAGE_SIZE: that parse is stored when the
 * capture's page size is that one, else the log is parsed again here.
 */
#include "analyze/load/loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/oom/oom.h"

#include "common/banned.h"

/* Only the first kernel log read counts. */
void keep_kmsg(struct loader *l, const struct file_in *f)
{
	if (l->kmsg_path)
		return;
	l->kmsg_path = xstrdup(f->path);
	l->kmsg_data = xstrndup(f->buf, f->len);
	l->kmsg_len = f->len;
	if (f->ahead && f->ahead->kind == PARSED_KMSG) {
		/* taken over: the reader frees the emptied one */
		l->kmsg_ahead = true;
		l->kmsg_ahead_r = f->ahead->r;
		l->kmsg_log = f->ahead->u.kmsg;
		memset(&f->ahead->u.kmsg, 0, sizeof(f->ahead->u.kmsg));
	}
}

void load_kmsg(struct loader *l)
{
	struct oom_log log = { 0 };
	char *err = NULL;
	int r;

	if (!l->kmsg_path)
		return;
	l->cur_path = l->kmsg_path;
	if (l->kmsg_ahead && l->page_size == KMSG_AHEAD_PAGE_SIZE) {
		r = l->kmsg_ahead_r;
		log = l->kmsg_log;
		memset(&l->kmsg_log, 0, sizeof(l->kmsg_log));
	} else {
		r = oom_log_parse(l->kmsg_data, l->kmsg_len, (unsigned)l->page_size, &log);
	}
	if (r < 0) {
		add_problemf(l, l->kmsg_path, "cannot parse the kernel log: %s",
			     strerror(-r));
		goto out;
	}
	if (log.events_dropped)
		add_problemf(l, l->kmsg_path, "%zu OOM reports past the first %zu "
			     "were not stored", log.events_dropped, log.n);
	if (oom_store(l->db, l->capture_id, &log, &err) < 0)
		add_problemf(l, l->kmsg_path, "cannot store OOM events: %s", err);
	else
		l->stats->oom_events += log.n;
out:
	free(err);
	oom_log_free(&log);
}
