/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_EXPORT_RUN_H
#define MEMSNAP_EXPORT_RUN_H
/*
 * `memsnap export` after its options: every public view (export.h) of
 * every capture of every SOURCE, one file each, laid out for engines that
 * read Hive partitions:
 *   DIR/VIEW/date=YYYY-MM-DD/CAPTURE_UID.parquet   (or .ndjson)
 * or the ClickHouse DDL of those views.
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "analyze/capture/source.h"

enum export_format { EXPORT_PARQUET, EXPORT_NDJSON };

struct export_run_opts {
	enum export_format fmt;
	const char *dir;             /* the output folder */
	const char **views;          /* the views asked for; none: all */
	size_t nviews;
	bool ddl;                    /* print the ClickHouse DDL instead */
	const char *database, *cluster;   /* of the DDL */
	bool quiet;                  /* no progress on stderr */
	/*
	 * Set (to its number) by the handler of a stop signal, or NULL: the
	 * export stops between two files, says what it wrote (each file
	 * whole, no temporary one left) and returns 1.
	 */
	const volatile sig_atomic_t *stop_signal;
	struct source_opts so;
	/*
	 * Tests only (NULL otherwise): called with listed_arg once a
	 * SOURCE's captures are listed, before their views are read, where
	 * a `memsnap load`'s commit once replaced or deleted a listed
	 * capture (tests/unit/test_export_run.c commits there).
	 */
	void (*listed_hook)(void *arg, const char *source);
	void *listed_arg;
};

/* The exit status of `memsnap export` (analyze/cmds.h); everything said. */
int export_run(const struct export_run_opts *o, char **sources, size_t nsources);

/*
 * Remove the temporary files being written now (async-signal-safe): for
 * the handler of a second stop signal, which ends the process at once;
 * the files already renamed are whole and stay.
 */
void export_remove_temporaries(void);

#endif
