/* SPDX-License-Identifier: MIT */
/*
 * memsnap load CAPTURE... -o DB
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	"  -j, --jobs N            read and parse N captures at once, while one\n"
	"                          writer stores them in order (default: the\n"
	"                          online CPUs); the database is the same for any N\n"
	"  -q, --quiet             no progress lines on stderr\n"
	"      --raw               also keep the captured files' raw rows that only\n"
	"                          internal views read (proc_kv, proc_cgroup,\n"
	"                          cgroup_stat, capture_file): 3x the database\n"
	"      --lock-timeout SECONDS  wait this long for another process writing\n"
	"                          to DB (another load) to finish (default 10)\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 all loaded, 1 loaded with problems or a capture that\n"
	"could not be read (see load_problems; the others are loaded), 2 usage,\n"
	"3 the database could not be read or written\n";

enum { OPT_LOCK_TIMEOUT = 0x100, OPT_RAW };

/*
 * With -j N > 1, each capture read ahead may hold this much file data not
 * yet stored (a 1,000-process capture is about 20 MiB): at most N captures
 * are in memory at once, parsed but not written.
 */
#define JOB_READ_AHEAD ((size_t)256 << 20)
#define MAX_JOBS 256

/* A capture opened ahead, in its slot: its source, or why it cannot be read. */
struct pending {
	struct load_source *src;
	char *err;
};

static void pending_open(struct pending *p, const char *source,
			 const struct capture_limits *lim, int jobs)
{
	p->src = NULL;
	p->err = NULL;
	if (load_source_open(source, lim, jobs > 1 ? JOB_READ_AHEAD : 0,
			     &p->src, &p->err) < 0)
		p->src = NULL;
}

/*
 * A capture that cannot be read at all: a load_problem row of no capture,
 * naming it, so that a load of many goes on.  -1 when even that cannot be
 * written (the database is then the problem).
 */
static int record_unreadable(sqlite3 *db, const char *source, const char *why)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO load_problem(capture_id, "
				      "path, problem) VALUES (NULL, ?, ?)");
	int r;

	db_bind_text(st, 1, source);
	db_bind_text(st, 2, why);
	r = db_step_reset(st);
	sqlite3_finalize(st);
	return r;
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

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
		{ "jobs", required_argument, NULL, 'j' },
		{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct capture_limits lim;
	const char *out = NULL;
	bool quiet = false, raw = false;
	sqlite3 *db = NULL;
	char *err = NULL;
	int opt, i, ncaps, ret = EXIT_OK, loaded = 0, failed = 0;
	int jobs = online_cpus();
	struct pending *pend = NULL;
	uint64_t v;

	capture_limits_default(&lim);
	optind = 0;   /* GNU getopt: reinitialise, and permute operands last */
	while ((opt = source_getopt(argc, argv, "o:qj:h", longopts, &lim)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'q': quiet = true; break;
		case OPT_RAW: raw = true; break;
		case 'j':
			if (parse_u64(optarg, strlen(optarg), &v) < 0 || v < 1 ||
			    v > MAX_JOBS) {
				error("invalid --jobs '%s': 1 to %d", optarg, MAX_JOBS);
				return EXIT_USAGE;
			}
			jobs = (int)v;
			break;
		case OPT_LOCK_TIMEOUT:
			if (cmd_u64_option("lock-timeout", optarg, 0, 86400, false,
					   "seconds", &v) < 0)
				return EXIT_USAGE;
			db_set_lock_timeout((double)v);
			break;
		case SOURCE_OPT_BAD: return EXIT_USAGE;
		default:   /* -h, or what getopt refused (said) */
			return cmd_usage(usage_text, opt == 'h' ? EXIT_OK : EXIT_USAGE);
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
	load_set_raw(raw);
	db_exec(db, "PRAGMA synchronous=OFF", NULL);
	db_exec(db, "PRAGMA cache_size=-65536", NULL);
	/*
	 * Every row the loader writes names the capture row it has just made
	 * in the same savepoint: checking that key on each of ~400,000
	 * inserts cost a tenth of a load.  Other connections (memsnap sql,
	 * report) keep the keys on, so deleting a capture still cascades.
	 */
	db_exec(db, "PRAGMA foreign_keys=OFF", NULL);
	/*
	 * Capture i is in slot i % jobs: opened (its reader thread started)
	 * jobs - 1 captures before it is stored, so that N readers inflate and
	 * parse while this thread, the one writer, stores in argument order.
	 */
	if (jobs > ncaps)
		jobs = ncaps;
	pend = xcalloc((size_t)jobs, sizeof(*pend));
	for (i = 0; i < jobs; i++)
		pending_open(&pend[i], argv[optind + i], &lim, jobs);
	for (i = 0; i < ncaps; i++) {
		const char *src = argv[optind + i];
		struct pending *p = &pend[i % jobs];
		struct load_source *ls = p->src;
		struct load_stats st;
		struct timespec t0;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = p->err;
		p->src = NULL;
		p->err = NULL;
		memset(&st, 0, sizeof(st));
		r = ls ? load_capture_from(db, ls, &st, &err) : -1;
		if (i + jobs < ncaps)
			pending_open(p, argv[optind + i + jobs], &lim, jobs);
		if (r < 0) {
			error("%s%s", err, db_lock_hint());
			if (db_lock_waited_out() || record_unreadable(db, src, err) < 0) {
				free(err);
				err = NULL;
				failed++;
				break;   /* the next would fail as well */
			}
			free(err);
			err = NULL;
			if (ret == EXIT_OK)
				ret = EXIT_PROBLEMS;
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
	for (i = 0; i < jobs; i++) {
		load_source_close(pend[i].src);
		free(pend[i].err);
	}
	free(pend);
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
