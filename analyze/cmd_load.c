/* SPDX-License-Identifier: MIT */
/*
 * memsnap load CAPTURE... -o DB
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "analyze/load/load.h"
#include "analyze/capture/source.h"
#include "common/shquote.h"
#include "common/util.h"

#include "common/banned.h"

static const char usage_text[] =
	"usage: memsnap load [OPTIONS] CAPTURE... -o DB\n"
	"\n"
	"Load captures (.tar, .tar.gz, .tar.zst, .tar.xz or an unpacked folder)\n"
	"into the SQLite database DB, creating it if needed.  A capture already\n"
	"in DB is not loaded twice, unless a limit (--max-*) or a broken archive\n"
	"cut its first load: then it is loaded again and replaces that one.\n"
	"Files that cannot be parsed are listed in the load_problems view; the\n"
	"rest of the capture still loads, as does what a limit let through.\n"
	"\n"
	"options:\n"
	"  -o, --output DB         the database to create or add to (required)\n"
	"  -q, --quiet             no progress lines on stderr\n"
	"      --lock-timeout SECONDS  wait this long for another process writing\n"
	"                          to DB (another load) to finish (default 10)\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 all loaded, 1 loaded with problems (see load_problems),\n"
	"2 usage, 3 a capture or the database could not be read or written\n";

enum { OPT_LOCK_TIMEOUT = 0x100 };

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct capture_limits lim;
	const char *out = NULL;
	bool quiet = false;
	sqlite3 *db = NULL;
	char *err = NULL;
	int opt, i, ncaps, ret = EXIT_OK, loaded = 0, failed = 0;
	uint64_t v;

	capture_limits_default(&lim);
	optind = 0;   /* GNU getopt: reinitialise, and permute operands last */
	while ((opt = source_getopt(argc, argv, "o:qh", longopts, &lim)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'q': quiet = true; break;
		case OPT_LOCK_TIMEOUT:
			if (cmd_u64_option("lock-timeout", optarg, 0, 86400, false,
					   "seconds", &v) < 0)
				return EXIT_USAGE;
			db_set_lock_timeout((double)v);
			break;
		case SOURCE_OPT_BAD: return EXIT_USAGE;
		case 'h': return cmd_usage(usage_text, EXIT_OK);
		default: return cmd_usage(usage_text, EXIT_USAGE);
		}
	}
	if (!out) {
		error("no database given: use -o DB");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	ncaps = argc - optind;
	if (ncaps <= 0) {
		error("no capture given");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (db_open(out, true, &db, &err) < 0) {
		error("%s", err);
		free(err);
		return EXIT_FATAL;
	}
	db_exec(db, "PRAGMA synchronous=OFF", NULL);
	db_exec(db, "PRAGMA cache_size=-65536", NULL);
	/*
	 * Every row the loader writes names the capture row it has just made
	 * in the same savepoint: checking that key on each of ~400,000
	 * inserts cost a tenth of a load.  Other connections (memsnap sql,
	 * report) keep the keys on, so deleting a capture still cascades.
	 */
	db_exec(db, "PRAGMA foreign_keys=OFF", NULL);
	for (i = 0; i < ncaps; i++) {
		const char *src = argv[optind + i];
		struct load_stats st;
		struct timespec t0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (load_capture(db, src, &lim, &st, &err) < 0) {
			error("%s%s", err, db_lock_hint());
			free(err);
			err = NULL;
			failed++;
			if (db_lock_waited_out())
				break;   /* the next would wait as long */
			continue;
		}
		if (st.duplicate) {
			if (!quiet)
				fprintf(stderr, "[%d/%d] %s: already in '%s', skipped\n",
					i + 1, ncaps, src, out);
			continue;
		}
		loaded++;
		if (st.replaced_id && !quiet)
			fprintf(stderr, "[%d/%d] %s: replacing the incomplete load of this "
				"capture (capture_id %lld) in '%s'\n", i + 1, ncaps, src,
				(long long)st.replaced_id, out);
		if (st.problems && ret == EXIT_OK)
			ret = EXIT_PROBLEMS;
		if (!quiet) {
			char sz[32];

			fprintf(stderr, "[%d/%d] %s: %llu files (%s), %llu processes, "
				"%llu cgroups, %llu BPF maps, %llu OOM events, "
				"%llu problems, %.2f s\n", i + 1, ncaps, src,
				(unsigned long long)st.files,
				human_bytes(st.bytes, sz, sizeof(sz)),
				(unsigned long long)st.processes,
				(unsigned long long)st.cgroups,
				(unsigned long long)st.bpf_maps,
				(unsigned long long)st.oom_events,
				(unsigned long long)st.problems, elapsed(&t0));
		}
		if (st.truncated)
			warning("cannot read '%s' to the end: %s; what was read before "
				"is loaded (see load_problems)", src, st.stop_reason);
	}
	db_exec(db, "PRAGMA optimize", NULL);
	db_close(db);
	if (!quiet && ret == EXIT_PROBLEMS) {
		struct strbuf cmd = STRBUF_INIT;

		sh_quote_path(&cmd, out);
		fprintf(stderr, "hint: memsnap sql %s 'SELECT * FROM load_problems'\n", cmd.buf);
		strbuf_release(&cmd);
	}
	if (failed)
		ret = EXIT_FATAL;
	return ret;
}
