/* SPDX-License-Identifier: MIT */
/*
 * memsnap oom [--json] FILE|-
 *
 * Explain the OOM kills in a pasted kernel log, without a capture: parse it
 * (oom_log_parse), store it into a database in memory exactly as a loaded
 * capture's kernel log would be (oom_store), read the events back into the
 * report's model (report_load_ooms: the oom_kills and oom_made_of views)
 * and render them with the report's own OOM renderers.  So the words and
 * numbers are those of `memsnap report`'s OOM section and of `memsnap sql`.
 * Only option parsing lives here.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/cmds.h"
#include "analyze/db/db.h"
#include "analyze/oom/oom.h"
#include "reports/model.h"
#include "common/util.h"

#include "common/banned.h"

#define OOM_DEFAULT_MAX_INPUT (256ull << 20)

static const char usage_text[] =
	"usage: memsnap oom [OPTIONS] FILE|-\n"
	"\n"
	"Explain the OOM kills in a kernel log: dmesg (with -T, -x, any locale),\n"
	"journalctl, /var/log/messages, /dev/kmsg records, or a report pasted\n"
	"into a ticket (quoted, indented, wrapped, CRLF).  FILE - reads stdin.\n"
	"\n"
	"options:\n"
	"      --json              a JSON array of events: the JSON report's\n"
	"                          oom_kills objects (the oom_kills view's\n"
	"                          columns, then cgroup_name, first_line,\n"
	"                          last_line, missing, made_of, node_made_of)\n"
	"      --db FILE           also write the database (capture, oom_* tables)\n"
	"                          to FILE, for `memsnap sql FILE`\n"
	"      --page-size BYTES   the node's page size (default: inferred per\n"
	"                          report from the victim's kill line, else 4096)\n"
	"      --max-size SIZE     refuse input larger than SIZE (default 256M)\n"
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 OOM events found, 1 no OOM event in the input, 2 usage,\n"
	"3 the input cannot be read (or is too large)\n";

/* ---- the command -------------------------------------------------------- */

static int read_input(const char *path, uint64_t max, struct strbuf *sb)
{
	int fd, r;

	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return -errno;
	}
	r = read_fd_all(fd, sb, (size_t)MIN(max, (uint64_t)SIZE_MAX - 1));
	if (fd != STDIN_FILENO)
		close(fd);
	return r;
}

static int save_db(sqlite3 *db, const char *path, char **ret_err)
{
	sqlite3_stmt *st = db_prepare(db, "VACUUM INTO ?");
	int r;

	unlink(path);
	db_bind_text(st, 1, path);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (r < 0 && ret_err)
		*ret_err = xstrdup(sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return r;
}

enum { OPT_JSON = 0x100, OPT_PAGE_SIZE, OPT_MAX_SIZE, OPT_DB };

int cmd_oom(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "db", required_argument, NULL, OPT_DB },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct oom_log log;
	struct report rep;
	size_t nreports = 0;
	sqlite3 *db = NULL;
	char *err = NULL;
	const char *path, *input, *db_path = NULL;
	uint64_t max = OOM_DEFAULT_MAX_INPUT, page_size = 0;
	int64_t capture_id = 0;
	bool json = false;
	int opt, r, ret = EXIT_FATAL;

	memset(&log, 0, sizeof(log));
	memset(&rep, 0, sizeof(rep));
	optind = 0;   /* GNU getopt: options after FILE too; "--" ends them */
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_PAGE_SIZE:
			if (parse_size_arg(optarg, &page_size) < 0 || page_size < 512 ||
			    page_size > (1u << 20) || (page_size & (page_size - 1))) {
				error("invalid --page-size '%s': a power of two from 512 to 1M",
				      optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_MAX_SIZE:
			if (parse_size_arg(optarg, &max) < 0 || !max) {
				error("invalid --max-size '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_DB:
			db_path = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		if (argc - optind)
			error("unexpected argument '%s'", argv[optind + 1]);
		else
			error("no input: give a FILE or -");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	path = argv[optind];
	input = !strcmp(path, "-") ? "<stdin>" : path;

	r = read_input(path, max, &in);
	if (r == -EFBIG) {
		error("'%s' is larger than %" PRIu64 " bytes; see --max-size", input, max);
		goto out;
	}
	if (r < 0) {
		error("cannot read '%s': %s", input, strerror(-r));
		goto out;
	}
	if (oom_log_parse(in.buf, in.len, (unsigned)page_size, &log) < 0) {
		error("cannot parse '%s'", input);
		goto out;
	}
	if (db_open(":memory:", true, &db, &err) < 0 ||
	    db_exec(db, "BEGIN", &err) < 0 ||
	    oom_store_log(db, input, (unsigned)page_size, &log, &capture_id, &err) < 0 ||
	    db_exec(db, "COMMIT", &err) < 0) {
		error("cannot store the OOM events of '%s': %s", input, err ? err : "?");
		goto out;
	}
	if (db_path && save_db(db, db_path, &err) < 0) {
		error("cannot write '%s': %s", db_path, err ? err : "?");
		goto out;
	}
	if (report_load_ooms(db, capture_id, input, &rep, &err) < 0) {
		error("cannot read the OOM events of '%s' back: %s", input, err ? err : "?");
		goto out;
	}
	nreports = rep.captures[0].nooms;
	if (log.events_dropped)
		warning("'%s' holds more than %d OOM reports; %zu not shown",
			input, OOM_MAX_EVENTS, log.events_dropped);
	if (log.tasks_dropped)
		warning("'%s' holds more than %d task-table rows; %zu skipped",
			input, OOM_MAX_TASKS, log.tasks_dropped);
	if (json)
		report_render_oom_json(&rep.captures[0], &out);
	else
		report_render_oom_text(&rep.captures[0], input, true, &out);
	r = write_all(STDOUT_FILENO, out.buf, out.len);
	if (r < 0 && r != -EPIPE) {   /* EPIPE: the reader left (main.c) */
		error("cannot write 'standard output': %s", strerror(-r));
		goto out;
	}
	if (!nreports) {
		error("no OOM event found in '%s' (%zu lines read)", input, log.lines);
		ret = EXIT_PROBLEMS;
		goto out;
	}
	ret = EXIT_OK;
out:
	report_free(&rep);
	db_close(db);
	free(err);
	oom_log_free(&log);
	strbuf_release(&in);
	strbuf_release(&out);
	return ret;
}
