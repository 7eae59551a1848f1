/* SPDX-License-Identifier: MIT */
/*
 * memsnap-collect: the command layer.  Options, signals, messages and the
 * exit status; the capture itself is capture_run() (capture.c).
 *
 * Exit status: 0 complete, 1 written but with problems (files denied,
 * timed out, too large, errors) or interrupted, 2 usage, 3 nothing written.
 */
#include "collect/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/banned.h"

static volatile sig_atomic_t stop_signal;

static const char usage_text[] =
"usage: memsnap-collect [-o FILE|-] [--root DIR] [--compress gzip|zstd|none]\n"
"                       [--level N] [--cmdline] [--no-bpftool] [--no-journal]\n"
"                       [--bpftool PATH]\n"
"                       [--kmsg oom|all|none] [--kmsg-file PATH]\n"
"                       [--file-timeout MS] [--command-timeout MS]\n"
"                       [--timeout S] [--samples N --interval DURATION]\n"
"                       [--until-oom [--cgroup PATH] --interval DURATION\n"
"                        --keep K] [-q] [-h] [-V]\n"
"\n"
"Capture this node's memory accounting (processes, memory cgroups, BPF maps,\n"
"the kernel log's OOM reports) into one archive for `memsnap`.\n"
"\n"
"  -o, --output FILE|-     write the archive to FILE, or '-' for stdout\n"
"                          (default: ./memsnap-<host>-<time>.tar.gz)\n"
"      --root DIR          read DIR/proc, DIR/sys, DIR/var/log (default /)\n"
"      --compress ALGO     gzip (default), zstd or none\n"
"      --level N           compression level: 1 (default, fastest) to 9 for\n"
"                          gzip, to 19 for zstd\n"
"      --cmdline           also store /proc/PID/cmdline (arguments can hold\n"
"                          secrets: off by default)\n"
"      --no-bpftool        do not run `bpftool map -j` and `bpftool prog -j`\n"
"      --no-journal        do not run journalctl for systemd-oomd kills and\n"
"                          kubelet evictions\n"
"      --bpftool PATH      the bpftool to run (default: found on PATH)\n"
"      --kmsg MODE         kernel log: oom (OOM reports, default), all, none\n"
"      --kmsg-file PATH    read kernel log records from PATH (/dev/kmsg\n"
"                          format), not from the kernel (for tests)\n"
"      --file-timeout MS   give up a file read after MS ms (default 2000)\n"
"      --command-timeout MS  kill bpftool after MS ms (default 10000)\n"
"      --timeout S         stop the whole capture after S s (default 60,\n"
"                          plus the samples' intervals; none with\n"
"                          --until-oom; 0: no limit)\n"
"      --samples N         take N samples: the first is the full capture,\n"
"                          the others re-read only what changes\n"
"      --interval DURATION time between samples' starts: 500ms, 2s, 1m, 1h\n"
"      --until-oom         flight recorder: sample until an OOM kill, keep\n"
"                          the last K samples, write them with the kill\n"
"      --cgroup PATH       with --until-oom: only kills in the memory cgroup\n"
"                          PATH (e.g. /kubepods/pod<uid>) and below\n"
"      --keep K            with --until-oom: samples kept before the kill\n"
"  -q, --quiet             print errors only\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"Exit status: 0 complete, 1 complete with problems or interrupted (the\n"
"archive is valid; manifest.json lists them), 2 usage, 3 nothing written.\n"
"See memsnap-collect(1).\n";

enum {
	OPT_ROOT = 256, OPT_COMPRESS, OPT_LEVEL, OPT_CMDLINE, OPT_NO_BPFTOOL, OPT_NO_JOURNAL,
	OPT_BPFTOOL, OPT_KMSG, OPT_KMSG_FILE, OPT_FILE_TIMEOUT,
	OPT_COMMAND_TIMEOUT, OPT_TIMEOUT, OPT_SAMPLES, OPT_INTERVAL,
	OPT_UNTIL_OOM, OPT_CGROUP, OPT_KEEP,
};

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "cmdline", no_argument, NULL, OPT_CMDLINE },
	{ "no-bpftool", no_argument, NULL, OPT_NO_BPFTOOL },
	{ "no-journal", no_argument, NULL, OPT_NO_JOURNAL },
	{ "bpftool", required_argument, NULL, OPT_BPFTOOL },
	{ "kmsg", required_argument, NULL, OPT_KMSG },
	{ "kmsg-file", required_argument, NULL, OPT_KMSG_FILE },
	{ "file-timeout", required_argument, NULL, OPT_FILE_TIMEOUT },
	{ "command-timeout", required_argument, NULL, OPT_COMMAND_TIMEOUT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "samples", required_argument, NULL, OPT_SAMPLES },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "until-oom", no_argument, NULL, OPT_UNTIL_OOM },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int usage_error(const char *fmt, ...) ATTR_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error("%s", msg);
	fprintf(stderr, "\n%s", usage_text);
	return 2;
}

/* A number in [min, max] from an option argument; else a usage error, said. */
static int number(const char *opt, const char *arg, uint64_t min, uint64_t max,
		  uint64_t *ret)
{
	if (parse_u64(arg, strlen(arg), ret) < 0 || *ret < min || *ret > max) {
		usage_error("invalid value '%s' for %s: a number from %llu to %llu is expected",
			    arg, opt, (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

static void install_signals(void)
{
	/* A second signal is not caught: it ends the collector at once. */
	catch_stop_signals(on_signal, SA_RESETHAND);
	/* A closed stdout must be an EPIPE error with a message, not a death. */
	signal(SIGPIPE, SIG_IGN);
}

static void summary(const struct capture_opts *o, const struct capture_result *r)
{
	char size[32], when[32];
	uint64_t serious = r->problems[PROBLEM_DENIED] +
			   r->problems[PROBLEM_TIMEOUT] +
			   r->problems[PROBLEM_TOO_LARGE] +
			   r->problems[PROBLEM_ERROR];

	if (r->interrupted)
		warning("capture interrupted (%s): the archive holds what was read until then",
			r->interrupted);
	if (serious)
		warning("%llu files not read or cut (denied %llu, timeout %llu, too large %llu, other errors %llu): see \"problems\" in manifest.json",
			(unsigned long long)serious,
			(unsigned long long)r->problems[PROBLEM_DENIED],
			(unsigned long long)r->problems[PROBLEM_TIMEOUT],
			(unsigned long long)r->problems[PROBLEM_TOO_LARGE],
			(unsigned long long)r->problems[PROBLEM_ERROR]);
	human_bytes(r->archive_bytes, size, sizeof(size));
	if (r->elapsed_ms < 1000)
		xsnprintf(when, sizeof(when), "%llu ms",
			  (unsigned long long)r->elapsed_ms);
	else
		xsnprintf(when, sizeof(when), "%llu.%02llu s",
			  (unsigned long long)(r->elapsed_ms / 1000),
			  (unsigned long long)(r->elapsed_ms % 1000 / 10));
	fprintf(stderr,
		"memsnap-collect: %s%s%s: %llu processes, %llu cgroups, %llu BPF map fds, %llu OOM reports, %s in %s\n",
		strcmp(o->output ? o->output : "", "-") ? "wrote '" : "wrote to standard output",
		strcmp(o->output ? o->output : "", "-") ? r->output : "",
		strcmp(o->output ? o->output : "", "-") ? "'" : "",
		(unsigned long long)r->counts[COUNT_PROCESSES],
		(unsigned long long)r->counts[COUNT_CGROUPS],
		(unsigned long long)r->counts[COUNT_BPF_MAP_FDS],
		(unsigned long long)r->counts[COUNT_OOM_REPORTS], size, when);
}

int main(int argc, char **argv)
{
	struct capture_opts o;
	struct capture_result *res;
	bool quiet = false, timeout_given = false;
	uint64_t v;
	int c, err, code;

	progname = "memsnap-collect";
	capture_opts_init(&o);
	o.tmpdir = getenv("TMPDIR");

	while ((c = getopt_said(argc, argv, "o:qhV", longopts)) != -1) {
		switch (c) {
		case 'o':
			/* '' is no file: the archive was written aside, then
			   its rename failed at the end */
			if (!*optarg)
				return usage_error("invalid value '' for --output: an empty path "
						   "('-' is standard output)");
			o.output = optarg;
			break;
		case OPT_ROOT:
			o.root = optarg;
			break;
		case OPT_COMPRESS:
			if (!strcmp(optarg, "gzip"))
				o.compress = COMPRESS_GZIP;
			else if (!strcmp(optarg, "zstd"))
				o.compress = COMPRESS_ZSTD;
			else if (!strcmp(optarg, "none"))
				o.compress = COMPRESS_NONE;
			else
				return usage_error("unknown compression '%s': gzip, zstd or none",
						   optarg);
			break;
		case OPT_LEVEL:
			if (number("--level", optarg, 1, 19, &v) < 0)
				return 2;
			o.level = (int)v;
			break;
		case OPT_CMDLINE:
			o.cmdline = true;
			break;
		case OPT_NO_BPFTOOL:
			o.bpftool = false;
			break;
		case OPT_NO_JOURNAL:
			o.journal = false;
			break;
		case OPT_BPFTOOL:
			o.bpftool_path = optarg;
			break;
		case OPT_KMSG:
			if (!strcmp(optarg, "oom"))
				o.kmsg = KMSG_OOM;
			else if (!strcmp(optarg, "all"))
				o.kmsg = KMSG_ALL;
			else if (!strcmp(optarg, "none"))
				o.kmsg = KMSG_NONE;
			else
				return usage_error("unknown --kmsg mode '%s': oom, all or none",
						   optarg);
			break;
		case OPT_KMSG_FILE:
			o.kmsg_file = optarg;
			break;
		case OPT_FILE_TIMEOUT:
			if (number("--file-timeout", optarg, 10, 3600000, &v) < 0)
				return 2;
			o.file_timeout_ms = (unsigned)v;
			break;
		case OPT_COMMAND_TIMEOUT:
			if (number("--command-timeout", optarg, 10, 3600000, &v) < 0)
				return 2;
			o.command_timeout_ms = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if (number("--timeout", optarg, 0, 86400, &v) < 0)
				return 2;
			o.timeout_ms = v * 1000;
			timeout_given = true;
			break;
		case OPT_SAMPLES:
			if (number("--samples", optarg, 1, 100000, &v) < 0)
				return 2;
			o.samples = (unsigned)v;
			break;
		case OPT_INTERVAL:
			if (parse_duration_ms(optarg, strlen(optarg), &v) < 0 ||
			    v < 10 || v > 86400000) {
				return usage_error("invalid value '%s' for --interval: a duration from 10ms to 24h is expected (500ms, 2s, 1m, 1h)",
						   optarg);
			}
			o.interval_ms = v;
			break;
		case OPT_UNTIL_OOM:
			o.until_oom = true;
			break;
		case OPT_CGROUP:
			o.oom_cgroup = optarg;
			break;
		case OPT_KEEP:
			if (number("--keep", optarg, 1, 100000, &v) < 0)
				return 2;
			o.keep = (unsigned)v;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return flush_stdout() < 0 ? 3 : 0;
		case 'V':
			printf("memsnap-collect %s\n", MEMSNAP_VERSION);
			return flush_stdout() < 0 ? 3 : 0;
		default:
			fprintf(stderr, "\n%s", usage_text);
			return 2;
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o.output && !strcmp(o.output, "-") && isatty(STDOUT_FILENO))
		return usage_error("%s", "refusing to write the archive to a terminal: redirect standard output or use -o FILE");
	if (o.compress == COMPRESS_GZIP && o.level > 9)
		return usage_error("gzip has levels 1 to 9, not %d", o.level);
	if (o.compress == COMPRESS_NONE && o.level)
		return usage_error("%s", "--level needs --compress gzip or zstd");
	if (o.kmsg_file && o.kmsg == KMSG_NONE)
		return usage_error("%s", "--kmsg-file makes no sense with --kmsg none");
	if (o.until_oom && o.samples > 1)
		return usage_error("%s", "--until-oom and --samples do not go together");
	if (!o.until_oom && (o.oom_cgroup || o.keep))
		return usage_error("%s", "--cgroup and --keep need --until-oom");
	if (o.until_oom && (!o.interval_ms || !o.keep))
		return usage_error("%s", "--until-oom needs --interval and --keep");
	if (o.until_oom && (o.kmsg == KMSG_NONE || o.kmsg_file))
		return usage_error("%s", "--until-oom follows the kernel log: not with --kmsg none or --kmsg-file");
	if (o.oom_cgroup && o.oom_cgroup[0] != '/')
		return usage_error("invalid --cgroup '%s': a path from the memory hierarchy's root, starting with '/'",
				   o.oom_cgroup);
	if (o.samples > 1 && !o.interval_ms)
		return usage_error("%s", "--samples needs --interval");
	if (o.interval_ms && !o.until_oom && o.samples < 2)
		return usage_error("%s", "--interval needs --samples N (N > 1) or --until-oom");
	if (!o.samples)
		o.samples = 1;
	/* --timeout bounds the whole run: by default, the samples' time on top */
	if (!timeout_given && o.until_oom)
		o.timeout_ms = 0;
	else if (!timeout_given)
		o.timeout_ms += (uint64_t)(o.samples - 1) * o.interval_ms;

	/*
	 * Standard output must be what the caller gave us; and fds 0-2 must
	 * be open, or our own files could land there (git's sanitize_stdfds).
	 */
	if (o.output && !strcmp(o.output, "-") && fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		error("cannot write 'standard output': %s", errno_text(errno));
		return 3;
	}
	for (;;) {
		int fd = open("/dev/null", O_RDWR);

		if (fd < 0 || fd > 2) {
			if (fd >= 0)
				close(fd);
			break;
		}
	}

	/*
	 * A --kmsg-file the user named must exist: found missing in the
	 * middle of the capture it would only be an `absent` problem.
	 * O_NONBLOCK: a FIFO given here must not hold the run at open().
	 */
	if (o.kmsg_file) {
		struct stat st;
		int fd = open(o.kmsg_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		int e = fd < 0 ? errno : fstat(fd, &st) < 0 ? errno :
			S_ISDIR(st.st_mode) ? EISDIR : 0;

		if (fd >= 0)
			close(fd);
		if (e) {
			error("cannot read '%s': %s", o.kmsg_file, errno_text(e));
			return 3;
		}
	}

	/* One arena: the reader thread's allocations are small and reused. */
	mallopt(M_ARENA_MAX, 1);
	/* A fixed threshold: big buffers are mmap()ed and given back. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	install_signals();
	o.stop_signal = &stop_signal;

	res = xmalloc(sizeof(*res));
	err = capture_run(&o, res);
	if (err < 0) {
		error("%s: %s", res->err_what,
		      res->err_why ? res->err_why : errno_text(-err));
		code = 3;
	} else {
		if (!quiet)
			summary(&o, res);
		code = res->exit_code;
	}
	free(res);
	return code;
}
