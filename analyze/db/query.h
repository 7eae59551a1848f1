/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_DB_QUERY_H
#define MEMSNAP_DB_QUERY_H
/*
 * `memsnap sql` after its options: open SOURCE (analyze/capture/source.h),
 * run each statement of the query under the read-only guard (db.h) unless
 * writable, and print each one's rows as a table, CSV or JSON.
 */
#include "analyze/capture/source.h"

enum sql_format { SQL_TABLE, SQL_CSV, SQL_JSON };

/*
 * The exit status of `memsnap sql` (analyze/cmds.h); everything said.
 * With ids[0..nids) (--capture), source must be a database holding each:
 * the query runs on a copy of those captures alone (db_copy_captures()).
 */
int sql_run(const char *source, const struct source_opts *so, const int64_t *ids,
	    size_t nids, const char *query, enum sql_format fmt);

#endif
