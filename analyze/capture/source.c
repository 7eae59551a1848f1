/* SPDX-License-Identifier: MIT */
#include "analyze/capture/source.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/db/db.h"
#include "common/util.h"

#include "common/banned.h"

void source_opts_init(struct source_opts *o)
{
	memset(o, 0, sizeof(*o));
	capture_limits_default(&o->lim);
}

int source_open(const char *source, const struct source_opts *o, sqlite3 **ret,
		bool *ret_loaded, struct load_stats *stats, char **ret_err)
{
	struct load_source *src = NULL;
	sqlite3 *db = NULL;

	*ret_loaded = false;
	if (path_is_sqlite(source)) {
		if (db_open_existing(source, o->writable, &db, ret_err) < 0)
			return -1;
		*ret = db;
		return 0;
	}
	/* the capture is read ahead while the schema is made (a twentieth of
	 * a report): the reader thread is the busier one */
	memset(stats, 0, sizeof(*stats));
	if (load_source_open(source, &o->lim, 0, true, &src, ret_err) < 0)
		return -1;
	if (db_open(":memory:", true, &db, ret_err) < 0) {
		load_source_close(src);
		return -1;
	}
	/* as memsnap load does (cmd_load.c): keys on again for the queries */
	db_exec(db, "PRAGMA foreign_keys=OFF", NULL);
	if (load_capture_from(db, src, stats, ret_err) < 0) {
		db_close(db);
		return -1;
	}
	db_exec(db, "PRAGMA foreign_keys=ON", NULL);
	*ret_loaded = true;
	*ret = db;
	return 0;
}

int source_open_captures(const char *const *sources, size_t n, const struct source_opts *o,
			 sqlite3 **ret, int64_t *ret_ids, char **ret_err)
{
	struct load_stats stats;
	sqlite3 *db = NULL;
	size_t i;

	if (db_open(":memory:", true, &db, ret_err) < 0)
		return -1;
	/* as source_open() does */
	db_exec(db, "PRAGMA foreign_keys=OFF", NULL);
	for (i = 0; i < n; i++) {
		if (load_capture(db, sources[i], &o->lim, &stats, ret_err) < 0) {
			db_close(db);
			return -1;
		}
		ret_ids[i] = stats.capture_id;
	}
	db_exec(db, "PRAGMA foreign_keys=ON", NULL);
	*ret = db;
	return 0;
}

int source_limit_option(int opt, const char *arg, struct capture_limits *lim)
{
	uint64_t v;
	const char *name = opt == OPT_MAX_ENTRIES ? "--max-entries" :
			   opt == OPT_MAX_FILE_SIZE ? "--max-file-size" :
			   opt == OPT_MAX_TOTAL ? "--max-total" : "--max-zstd-window";

	if (opt == OPT_LOCK_TIMEOUT) {
		if (parse_u64(arg, strlen(arg), &v) < 0 || v > 86400)
			return error("invalid --lock-timeout '%s': seconds, 0 to 86400", arg);
		db_set_lock_timeout((double)v);
		return 1;
	}
	if (opt != OPT_MAX_ENTRIES && opt != OPT_MAX_FILE_SIZE && opt != OPT_MAX_TOTAL &&
	    opt != OPT_MAX_ZSTD_WINDOW)
		return 0;
	if (parse_size_arg(arg, &v) < 0 || v == 0) {
		error("%s: '%s' is not a positive number%s", name, arg,
		      opt == OPT_MAX_ENTRIES ? "" : " (suffixes K, M, G, T)");
		return -1;
	}
	if (opt == OPT_MAX_ENTRIES)
		lim->max_entries = v;
	else if (opt == OPT_MAX_FILE_SIZE)
		lim->max_file_bytes = v;
	else if (opt == OPT_MAX_TOTAL)
		lim->max_total_bytes = v;
	else if (v > CAPTURE_MAX_ZSTD_WINDOW)
		return error("%s: '%s' is more than zstd decodes (2G)", name, arg);
	else
		lim->max_zstd_window = v;
	return 1;
}

int source_getopt(int argc, char **argv, const char *shortopts,
		  const struct option *longopts, struct capture_limits *lim)
{
	int opt, r;

	do {
		opt = getopt_said(argc, argv, shortopts, longopts);
		r = opt == -1 ? 0 : source_limit_option(opt, optarg, lim);
	} while (r > 0);
	return r < 0 ? SOURCE_OPT_BAD : opt;
}
