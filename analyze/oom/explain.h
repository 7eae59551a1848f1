/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_OOM_EXPLAIN_H
#define MEMSNAP_OOM_EXPLAIN_H
/*
 * `memsnap oom` after its options: read a kernel log, parse it
 * (oom_log_parse), store it into a database in memory exactly as a loaded
 * capture's kernel log would be (oom_store_log), read the events back into
 * the report's model (report_load_ooms: the oom_kills and oom_made_of
 * views) and render them with the report's own OOM renderers.  So the
 * words and numbers are those of `memsnap report`'s OOM section and of
 * `memsnap sql`.
 */
#include <stdbool.h>
#include <stdint.h>

struct oom_explain_opts {
	uint64_t max_input;      /* refuse a larger input */
	unsigned page_size;      /* 0: inferred per report */
	bool json;               /* the JSON renderer, not the text one */
	const char *db_path;     /* also save the database there, or NULL */
};

/* path "-" is standard input.  The exit status of `memsnap oom`
 * (analyze/cmds.h); everything said. */
int oom_explain(const char *path, const struct oom_explain_opts *o);

#endif
