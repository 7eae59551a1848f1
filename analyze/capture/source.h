/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_SOURCE_H
#define MEMSNAP_SOURCE_H
/*
 * SOURCE arguments: a memsnap database, or a capture (archive or folder)
 * that is loaded into a database in memory.  Used by `sql`, `report`,
 * `export`; the limit options by `load` too.
 */
#include <sqlite3.h>
#include <stdbool.h>

#include "analyze/capture/capture.h"
#include "analyze/load/load.h"

struct source_opts {
	struct capture_limits lim;
	bool writable;     /* open a database read-write (default read-only) */
};

void source_opts_init(struct source_opts *o);

/*
 * Open SOURCE.  Returns 0 and the database in *ret (close with db_close),
 * with *ret_loaded true and stats filled when it was a capture; or -1 with
 * *ret_err set.
 */
int source_open(const char *source, const struct source_opts *o, sqlite3 **ret,
		bool *ret_loaded, struct load_stats *stats, char **ret_err);

/*
 * Load the captures sources[0..n) (archives or folders, never databases)
 * into one database in memory, in that order: *ret (close with db_close)
 * and each one's capture_id in ret_ids[i] (two equal ids: the same
 * capture given twice).  -1 with *ret_err set when one cannot be read.
 */
int source_open_captures(const char *const *sources, size_t n, const struct source_opts *o,
			 sqlite3 **ret, int64_t *ret_ids, char **ret_err);

/*
 * The options every command taking captures shares: --max-entries,
 * --max-file-size, --max-total, --max-zstd-window, and --lock-timeout (for
 * a database: db_set_lock_timeout()).  Returns 1 when opt was one of them
 * (and applied), 0 when not, -1 on a bad value (message printed).
 */
int source_limit_option(int opt, const char *arg, struct capture_limits *lim);
/*
 * getopt_long() that applies the limit options above to lim itself:
 * returns the next other option, -1 after the last, or SOURCE_OPT_BAD
 * when a limit's value was refused (said).  Set optind first.
 */
struct option;
int source_getopt(int argc, char **argv, const char *shortopts,
		  const struct option *longopts, struct capture_limits *lim);
#define SOURCE_OPT_BAD (-2)
enum {
	OPT_MAX_ENTRIES = 0x1000,
	OPT_MAX_FILE_SIZE,
	OPT_MAX_TOTAL,
	OPT_MAX_ZSTD_WINDOW,
	OPT_LOCK_TIMEOUT,
};
#define SOURCE_LONG_OPTIONS \
	{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES }, \
	{ "max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE }, \
	{ "max-total", required_argument, NULL, OPT_MAX_TOTAL }, \
	{ "max-zstd-window", required_argument, NULL, OPT_MAX_ZSTD_WINDOW }, \
	{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT }
#define SOURCE_LIMITS_HELP \
	"      --lock-timeout SECONDS  wait this long for a lock another process holds\n" \
	"                          on a database (another memsnap load) (default 10)\n" \
	"      --max-entries N     stop reading a capture past N entries (default 1000000)\n" \
	"      --max-file-size SIZE  skip files larger than SIZE (default 64M)\n" \
	"      --max-total SIZE    stop reading a capture past SIZE inflated bytes (default 1G);\n" \
	"                          files --max-file-size skips do not count\n" \
	"      --max-zstd-window SIZE  decode zstd frames that need a window up to\n" \
	"                          SIZE (default 128M, at most 2G: zstd --long=31)\n"

#endif
