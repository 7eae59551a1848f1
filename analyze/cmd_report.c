/* SPDX-License-Identifier: MIT */
/*
 * memsnap report [--format text|html|json] [-o FILE] [--capture ID|--each] SOURCE
 *
 * Open SOURCE (a capture, loaded into memory, or a database), fill the
 * report's data model from the public views (reports/model.c) and render
 * it (reports/text.c, html.c, json.c); a database of several captures is
 * a fleet summary instead (reports/fleet.c), unless --capture or --each.
 * Nothing here computes a number.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "reports/fleet.h"
#include "reports/model.h"
#include "analyze/capture/source.h"
#include "reports/textout.h"
#include "common/shquote.h"
#include "common/util.h"

#include "common/banned.h"

#define DEFAULT_TEXT_CONTAINERS 30

static const char usage_text[] =
	"usage: memsnap report [OPTIONS] SOURCE\n"
	"\n"
	"Explain a capture: the node, containers ranked by working set and what\n"
	"it is made of, findings with their evidence, OOM kills, top processes,\n"
	"BPF maps and what the capture could not read.  SOURCE is a capture\n"
	"(archive or folder) or a database written by `memsnap load`.  A\n"
	"database of several captures gives a fleet summary: captures by node\n"
	"and kernel, OOM kills by namespace, pod and container, findings by code\n"
	"with the captures they occur in.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT     text (default), html (one self-contained page)\n"
	"                          or json\n"
	"  -o, --output FILE       write to FILE instead of standard output\n"
	"  -c, --capture ID        only the capture with this capture_id, in full\n"
	"      --each              every capture in full, one after the other, not\n"
	"                          the fleet summary\n"
	"      --color WHEN        text colour: auto (default: on a terminal, unless\n"
	"                          NO_COLOR is set), always, never\n"
	"      --containers N      text: list at most N containers (default 30,\n"
	"                          0: all); html and json hold them all\n"
	"      --query-timeout SECONDS  stop the report's queries after SECONDS\n"
	"                          (default 600, 0: never)\n"
	SOURCE_LIMITS_HELP
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 report written, 1 report written but the capture (or a\n"
	"capture of the fleet) is incomplete (files not read or not parsed, or the\n"
	"collector was stopped: see the report's last section), 2 usage, 3 SOURCE cannot be read or FILE\n"
	"cannot be written\n";

enum { OPT_COLOR = 0x100, OPT_CONTAINERS, OPT_QUERY_TIMEOUT, OPT_EACH };
#define DEFAULT_QUERY_TIMEOUT 600

/* The name a report shows for SOURCE: its last path element, never a path
 * of the machine the report is made on.  (memsnap diff too: cmds.h) */
char *report_source_name(const char *source)
{
	size_t len = strlen(source);
	const char *base;

	while (len > 1 && source[len - 1] == '/')
		len--;
	base = source + len;
	while (base > source && base[-1] != '/')
		base--;
	return xstrndup(base, (size_t)(source + len - base));
}

int report_write_output(const char *path, const struct strbuf *sb)
{
	struct stat st;
	bool regular;
	int fd, r;

	if (!path || !strcmp(path, "-")) {
		r = write_all(STDOUT_FILENO, sb->buf, sb->len);
		if (r < 0 && r != -EPIPE)   /* EPIPE: the reader left (main.c) */
			return error("cannot write 'standard output': %s", strerror(-r));
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return error("cannot write '%s': %s", path, strerror(errno));
	/* a half-written report is removed, but only if it is a file: never
	 * a device (/dev/full) or a pipe the user named */
	regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	r = write_all(fd, sb->buf, sb->len);
	if (close(fd) < 0 && r >= 0)
		r = -errno;
	if (r < 0) {
		if (regular)
			unlink(path);
		return error("cannot write '%s': %s", path, strerror(-r));
	}
	return 0;
}

int report_format_option(const char *arg, enum report_format *ret)
{
	if (!strcmp(arg, "text"))
		*ret = FMT_TEXT;
	else if (!strcmp(arg, "html"))
		*ret = FMT_HTML;
	else if (!strcmp(arg, "json"))
		*ret = FMT_JSON;
	else
		return error("unknown --format '%s': text, html or json", arg);
	return 0;
}

int capture_id_option(const char *arg, int64_t *ret)
{
	uint64_t v;

	if (parse_u64(arg, strlen(arg), &v) < 0 || !v || v > INT64_MAX)
		return error("invalid --capture '%s': a capture_id (1, 2, ...)", arg);
	*ret = (int64_t)v;
	return 0;
}

/* The report's queries failed: why, or that they ran out of time. */
static void load_failed(const char *source, const char *err, const struct db_deadline *deadline,
			uint64_t timeout)
{
	if (db_deadline_passed(deadline))
		error("cannot report on '%s': its queries ran for more than %llu s "
		      "(--query-timeout)", source, (unsigned long long)timeout);
	else
		error("cannot report on '%s': %s", source, err);
}

/* A database of several captures: the fleet summary. */
static int report_fleet(sqlite3 *db, const char *source, const char *name,
			enum report_format fmt, const struct report_text_opts *topts,
			const char *output, struct report_fleet *fleet,
			const struct db_deadline *deadline, uint64_t timeout)
{
	struct strbuf out = STRBUF_INIT;
	char *err = NULL;
	int ret = EXIT_FATAL;

	if (report_fleet_load(db, name, fleet, &err) < 0) {
		load_failed(source, err, deadline, timeout);
		goto out;
	}
	fleet->version = MEMSNAP_VERSION;
	switch (fmt) {
	case FMT_TEXT: report_fleet_render_text(fleet, topts, &out); break;
	case FMT_HTML: report_fleet_render_html(fleet, &out); break;
	case FMT_JSON: report_fleet_render_json(fleet, &out); break;
	}
	if (report_write_output(output, &out) < 0)
		goto out;
	ret = EXIT_OK;
	if (fleet->problem_captures.set && fleet->problem_captures.v) {
		warning("%" PRId64 " of the captures are incomplete: some files were not read or "
			"not parsed (memsnap report --each shows which)", fleet->problem_captures.v);
		ret = EXIT_PROBLEMS;
	}
out:
	strbuf_release(&out);
	free(err);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "capture", required_argument, NULL, 'c' },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "containers", required_argument, NULL, OPT_CONTAINERS },
		{ "query-timeout", required_argument, NULL, OPT_QUERY_TIMEOUT },
		{ "each", no_argument, NULL, OPT_EACH },
		{ "help", no_argument, NULL, 'h' },
		SOURCE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	enum report_format fmt = FMT_TEXT;
	struct report_text_opts topts = { false, DEFAULT_TEXT_CONTAINERS };
	struct source_opts so;
	struct load_stats stats;
	struct report rep;
	struct report_fleet fleet;
	struct strbuf out = STRBUF_INIT;
	const char *output = NULL, *color = "auto";
	char *err = NULL, *name = NULL;
	sqlite3 *db = NULL;
	int64_t capture_id = 0, ncaptures = 0;
	uint64_t v, timeout = DEFAULT_QUERY_TIMEOUT;
	struct db_deadline deadline;
	bool loaded, each = false;
	int opt, ret = EXIT_FATAL;

	memset(&rep, 0, sizeof(rep));
	memset(&fleet, 0, sizeof(fleet));
	source_opts_init(&so);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "f:o:c:h", longopts, NULL)) != -1) {
		int r = source_limit_option(opt, optarg, &so.lim);

		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (opt) {
		case 'f':
			if (report_format_option(optarg, &fmt) < 0)
				return EXIT_USAGE;
			break;
		case 'o':
			output = optarg;
			break;
		case 'c':
			if (capture_id_option(optarg, &capture_id) < 0)
				return EXIT_USAGE;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never")) {
				error("invalid --color '%s': auto, always or never", optarg);
				return EXIT_USAGE;
			}
			color = optarg;
			break;
		case OPT_CONTAINERS:
			if (parse_u64(optarg, strlen(optarg), &v) < 0 || v > 1000000) {
				error("invalid --containers '%s': a number, 0 for all", optarg);
				return EXIT_USAGE;
			}
			topts.max_containers = (size_t)v;
			break;
		case OPT_QUERY_TIMEOUT:
			if (parse_u64(optarg, strlen(optarg), &v) < 0 || v > 1000000) {
				error("invalid --query-timeout '%s': seconds, 0 for none", optarg);
				return EXIT_USAGE;
			}
			timeout = v;
			break;
		case OPT_EACH:
			each = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (each && capture_id) {
		error("--each and --capture: one capture or all of them, not both");
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		if (argc - optind)
			error("unexpected argument '%s'", argv[optind + 1]);
		else
			error("no SOURCE: give a capture or a database");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(color, "always"))
		topts.color = true;
	else if (!strcmp(color, "auto"))
		topts.color = (!output || !strcmp(output, "-")) && use_color(stdout);

	if (source_open(argv[optind], &so, &db, &loaded, &stats, &err) < 0) {
		error("%s", err);
		goto out;
	}
	name = report_source_name(argv[optind]);
	/* memsnap's own views on a database db_open_existing() checked: a
	 * budget all the same, so no query runs for ever */
	db_set_deadline(db, &deadline, (double)timeout);
	if (!capture_id && !each && report_fleet_count(db, &ncaptures, &err) < 0) {
		load_failed(argv[optind], err, &deadline, timeout);
		goto out;
	}
	if (ncaptures > 1) {
		ret = report_fleet(db, argv[optind], name, fmt, &topts, output, &fleet,
				   &deadline, timeout);
		goto out;
	}
	if (report_load(db, capture_id, name, &rep, &err) < 0) {
		load_failed(argv[optind], err, &deadline, timeout);
		if (capture_id > 0 && starts_with(err, "no capture ")) {
			struct strbuf cmd = STRBUF_INIT;

			sh_quote_path(&cmd, argv[optind]);
			fprintf(stderr, "hint: its captures: memsnap sql %s 'SELECT capture_id, "
				"hostname, started_at FROM captures'\n", cmd.buf);
			strbuf_release(&cmd);
		}
		goto out;
	}
	rep.version = MEMSNAP_VERSION;
	switch (fmt) {
	case FMT_TEXT: report_render_text(&rep, &topts, &out); break;
	case FMT_HTML: report_render_html(&rep, &out); break;
	case FMT_JSON: report_render_json(&rep, &out); break;
	}
	if (report_write_output(output, &out) < 0)
		goto out;
	ret = EXIT_OK;
	if (report_has_problems(&rep)) {
		warning("the capture is incomplete: some files were not read or not parsed "
			"(see the report's last section)");
		ret = EXIT_PROBLEMS;
	}
out:
	report_fleet_free(&fleet);
	report_free(&rep);
	db_close(db);
	strbuf_release(&out);
	free(name);
	free(err);
	return ret;
}
