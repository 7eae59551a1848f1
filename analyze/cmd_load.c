/* SPDX-License-Identifier: MIT */
/*
 * memsnap load CAPTURE... -o DB: the options, then load_many() (analyze/load/many.c)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	"Load captures (.tar, .tar.gz, .tar.zst, .tar.xz, .tar.bz2 or an unpacked\n"
	"folder) into the SQLite database DB, creating it if needed.  A folder or\n"
	"archive holding neither manifest.json nor any of a capture's folders\n"
	"(proc/, sys/, collector/, samples/) is not a capture and is not loaded;\n"
	"for a folder of captures, a hint gives the command that loads them.\n"
	"A capture already in DB is not loaded twice, unless a limit (--max-*) or\n"
	"a broken archive cut its first load: then it is loaded again and replaces\n"
	"that one.  Files that cannot be parsed are listed in the load_problems\n"
	"view; the rest of the capture still loads, as does what a limit let\n"
	"through.\n"
	"\n"
	"options:\n"
	"  -o, --output DB         the database to create or add to (required)\n"
	"  -j, --jobs N            read and parse captures on N CPUs (2N ahead),\n"
	"                          while one writer stores them in order (default:\n"
	"                          the online CPUs); the database is the same for\n"
	"                          any N\n"
	"  -q, --quiet             no progress lines on stderr\n"
	"      --raw               also keep the captured files' raw rows that only\n"
	"                          internal views read (proc_kv, proc_cgroup,\n"
	"                          cgroup_stat, capture_file): 3x the database\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 all loaded, 1 loaded with problems or a capture that\n"
	"could not be read (see load_problems; the others are loaded), 2 usage,\n"
	"3 the database could not be read or written\n";

enum { OPT_RAW = 0x100 };

#define MAX_JOBS 256

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

struct progress {
	const char *out;
	bool quiet;
	sqlite3 *db;   /* open_db()'s */
};

/* load_many()'s open_db(): DB, once the first captures are being read. */
static sqlite3 *open_db(void *ud)
{
	struct progress *pr = ud;
	char *err = NULL;

	if (db_open_loader(pr->out, &pr->db, &err) < 0) {
		error("%s", err);
		free(err);
		pr->db = NULL;
	}
	return pr->db;
}

/* load_many()'s done(): a progress line, or the error, per capture. */
static void say_done(void *ud, const struct load_many_item *it)
{
	const struct progress *pr = ud;
	const struct load_stats *st = it->stats;
	char sz[32];

	if (!st) {
		error("%s%s", it->err, db_lock_hint());
		return;
	}
	if (st->duplicate) {
		if (!pr->quiet)
			fprintf(stderr, "[%d/%d] %s: already in '%s', skipped\n",
				it->index + 1, it->count, it->source, pr->out);
		return;
	}
	if (st->replaced_id && !pr->quiet)
		fprintf(stderr, "[%d/%d] %s: replacing the incomplete load of this "
			"capture (capture_id %lld) in '%s'\n", it->index + 1,
			it->count, it->source, (long long)st->replaced_id, pr->out);
	if (!pr->quiet)
		fprintf(stderr, "[%d/%d] %s: %llu files (%s), %llu processes, "
			"%llu cgroups, %llu BPF maps, %llu OOM events, "
			"%llu problems, %.2f s\n", it->index + 1, it->count,
			it->source, (unsigned long long)st->files,
			human_bytes(st->bytes, sz, sizeof(sz)),
			(unsigned long long)st->processes,
			(unsigned long long)st->cgroups,
			(unsigned long long)st->bpf_maps,
			(unsigned long long)st->oom_events,
			(unsigned long long)st->problems, it->seconds);
	if (st->truncated)
		warning("cannot read '%s' to the end: %s; what was read before "
			"is loaded (see load_problems)", it->source, st->stop_reason);
}

int cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct capture_limits lim;
	bool raw = false;
	int opt, ncaps, ret, r;
	int jobs = online_cpus();
	struct progress pr = { NULL, false, NULL };
	struct load_many_opts opts = { NULL, 0, say_done, &pr, open_db };
	uint64_t v;

	capture_limits_default(&lim);
	optind = 0;   /* GNU getopt: reinitialise, and permute operands last */
	while ((opt = source_getopt(argc, argv, "o:qj:h", longopts, &lim)) != -1) {
		switch (opt) {
		case 'o':
			if (cmd_output_option(optarg, &pr.out) < 0)
				return EXIT_USAGE;
			break;
		case 'q': pr.quiet = true; break;
		case OPT_RAW: raw = true; break;
		case 'j':
			if (parse_u64(optarg, strlen(optarg), &v) < 0 || v < 1 ||
			    v > MAX_JOBS) {
				error("invalid --jobs '%s': 1 to %d", optarg, MAX_JOBS);
				return EXIT_USAGE;
			}
			jobs = (int)v;
			break;
		case SOURCE_OPT_BAD: return EXIT_USAGE;
		default:   /* -h, or what getopt refused (said) */
			return cmd_usage(usage_text, opt == 'h' ? EXIT_OK : EXIT_USAGE);
		}
	}
	if (!pr.out) {
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
	load_set_raw(raw);
	opts.lim = &lim;
	opts.jobs = jobs;
	r = load_many(NULL, argv + optind, ncaps, &opts);
	db_close(pr.db);
	ret = r == LOAD_MANY_FATAL ? EXIT_FATAL :
	      r == LOAD_MANY_PROBLEMS ? EXIT_PROBLEMS : EXIT_OK;
	if (!pr.quiet && ret == EXIT_PROBLEMS) {
		struct strbuf cmd = STRBUF_INIT;

		sh_quote_path(&cmd, pr.out);
		fprintf(stderr, "hint: memsnap sql %s 'SELECT * FROM load_problems'\n", cmd.buf);
		strbuf_release(&cmd);
	}
	return ret;
}
