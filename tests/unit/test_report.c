/* SPDX-License-Identifier: MIT */
/*
 * memsnap report: the data model on the fixture captures report-* (made
 * from the real samples by tests/fixtures/captures/make-report-captures.py
 * at test time, into $SAMPLE_FIXTURES_DIR/captures: the tests that read them
 * skip where the samples are absent), its renderers against golden files compared
 * byte for byte, and the writers that make capture strings safe.
 *
 * UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (then
 * review the diff with git).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze/db/db.h"
#include "reports/growth.h"
#include "reports/htmlw.h"
#include "reports/model.h"
#include "analyze/capture/source.h"
#include "common/util.h"
#include "tests/unit/test_samples.h"

/* $SAMPLE_FIXTURES_DIR/captures/<fixture>, or skip the test */
static void fixture_path(const char *fixture, struct strbuf *ret)
{
	const char *dir = ts_made_dir();

	strbuf_addf(ret, "%s/captures/%s", dir, fixture);
}
#define GOLDEN "tests/golden/"

/* ---- helpers -------------------------------------------------------------------- */

/* The fixture capture, loaded into a database in memory. */
static sqlite3 *open_fixture(const char *fixture)
{
	struct source_opts so;
	struct load_stats stats;
	struct strbuf path = STRBUF_INIT;
	char *err = NULL;
	bool loaded;
	sqlite3 *db = NULL;

	source_opts_init(&so);
	fixture_path(fixture, &path);
	if (source_open(path.buf, &so, &db, &loaded, &stats, &err) < 0)
		fail_msg("cannot open %s: %s", path.buf, err);
	strbuf_release(&path);
	return db;
}

static void load(const char *fixture, struct report *r, sqlite3 **ret_db)
{
	sqlite3 *db = open_fixture(fixture);
	char *err = NULL;

	if (report_load(db, 0, fixture, true, r, &err) < 0)
		fail_msg("report_load %s: %s", fixture, err);
	/* goldens must not change with the version */
	r->version = "VERSION";
	if (ret_db)
		*ret_db = db;
	else
		db_close(db);
}

static void golden(const char *name, const struct strbuf *got)
{
	struct strbuf path = STRBUF_INIT, want = STRBUF_INIT;
	const char *update = getenv("UPDATE_GOLDEN");
	int fd, r;

	strbuf_addf(&path, GOLDEN "%s", name);
	if (update && *update && strcmp(update, "0")) {
		fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(write_all(fd, got->buf, got->len), 0);
		close(fd);
		print_message("updated %s\n", path.buf);
		goto out;
	}
	fd = open(path.buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail_msg("cannot read '%s': %s (make it with UPDATE_GOLDEN=1)", path.buf,
			 strerror(errno));
	r = read_fd_all(fd, &want, 64 << 20);
	close(fd);
	assert_int_equal(r, 0);
	if (want.len != got->len || memcmp(want.buf, got->buf, got->len)) {
		size_t i = 0, line = 1;

		while (i < want.len && i < got->len && want.buf[i] == got->buf[i]) {
			if (want.buf[i] == '\n')
				line++;
			i++;
		}
		fail_msg("%s differs from the output at line %zu (byte %zu); "
			 "UPDATE_GOLDEN=1 rewrites it", path.buf, line, i);
	}
out:
	strbuf_release(&path);
	strbuf_release(&want);
}

static void render_all(const char *fixture, bool html)
{
	struct report r;
	struct report_text_opts plain = { false, 0 }, color = { true, 0 };
	struct strbuf out = STRBUF_INIT, name = STRBUF_INIT;

	load(fixture, &r, NULL);
	report_render_text(&r, &plain, &out);
	strbuf_addf(&name, "%s.txt", fixture);
	golden(name.buf, &out);

	strbuf_reset(&out);
	strbuf_reset(&name);
	report_render_text(&r, &color, &out);
	strbuf_addf(&name, "%s.color.txt", fixture);
	golden(name.buf, &out);

	strbuf_reset(&out);
	strbuf_reset(&name);
	report_render_json(&r, &out);
	strbuf_addf(&name, "%s.json", fixture);
	golden(name.buf, &out);

	if (html) {
		strbuf_reset(&out);
		strbuf_reset(&name);
		report_render_html(&r, &out);
		strbuf_addf(&name, "%s.html", fixture);
		golden(name.buf, &out);
	}
	report_free(&r);
	strbuf_release(&out);
	strbuf_release(&name);
}

/* No byte a terminal acts on: no C0 control but \n, no DEL, valid UTF-8 with
 * no C1 control or bidi override.  (ESC only as part of our own SGR codes
 * when allow_sgr.) */
static void assert_terminal_safe(const char *s, size_t len, bool allow_sgr)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x1b && allow_sgr && i + 1 < len && s[i + 1] == '[') {
			/* ours: ESC [ digits ; m */
			size_t j = i + 2;

			while (j < len && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';'))
				j++;
			if (j < len && s[j] == 'm') {
				i = j;
				continue;
			}
		}
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			fail_msg("control byte 0x%02x at %zu: ...%.40s", c, i, s + (i > 20 ? i - 20 : 0));
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] < 0xa0)
			fail_msg("C1 control at %zu", i);
		if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] >= 0xaa && (unsigned char)s[i + 2] <= 0xae)
			fail_msg("bidi override at %zu", i);
		if (c >= 0x80) {
			size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0, k;

			if (!n || c > 0xf4 || i + n > len)
				fail_msg("invalid UTF-8 lead 0x%02x at %zu", c, i);
			for (k = 1; k < n; k++)
				if (((unsigned char)s[i + k] & 0xc0) != 0x80)
					fail_msg("invalid UTF-8 at %zu", i + k);
			i += n - 1;
		}
	}
}

/* ---- the writers ---------------------------------------------------------------- */

static void test_html_text_markup(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	html_textz(&sb, "<svg onload=1>\"'&amp;");
	assert_string_equal(sb.buf, "&lt;svg onload=1&gt;&quot;&#39;&amp;amp;");
	strbuf_reset(&sb);
	html_attrz(&sb, "\" onmouseover=\"alert(1)");
	assert_string_equal(sb.buf, "&quot; onmouseover=&quot;alert(1)");
	strbuf_reset(&sb);
	html_textz(&sb, NULL);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

static void test_html_text_escapes(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	static const char in[] = "\x1b]0;pwned\x07 \x1b[2J \xff\xfe \xc3( \xe2\x80\xae x\\y\n";

	(void)state;
	html_text(&sb, in, sizeof(in) - 1);
	assert_string_equal(sb.buf, "\\e]0;pwned\\x07 \\e[2J \\xff\\xfe \\xc3( \\u202e x\\\\y\\n");
	assert_terminal_safe(sb.buf, sb.len, false);
	strbuf_reset(&sb);
	html_textf(&sb, "%s (pid %d)", "<b>", 42);
	assert_string_equal(sb.buf, "&lt;b&gt; (pid 42)");
	strbuf_release(&sb);
}

/* ---- the model -------------------------------------------------------------------- */

/* A container's part by its name in working_set_parts. */
static struct rnum part_of(const struct report_capture *c, const struct report_container *k,
			   const char *name)
{
	size_t i;

	for (i = 0; i < c->nparts; i++)
		if (!strcmp(c->parts[i].part, name))
			return k->parts[i];
	fail_msg("no part '%s'", name);
	return (struct rnum){ 0, false };
}

static void test_report_load_k8s(void **state)
{
	struct report r;
	const struct report_capture *c;
	size_t i, q;

	(void)state;
	load("report-k8s-v2", &r, NULL);
	assert_int_equal(r.ncaptures, 1);
	c = &r.captures[0];
	assert_true(c->kubernetes);
	assert_int_equal(c->ncontainers, 5);
	assert_string_equal(c->containers[0].name, "kube-system/cilium-x7k2p/cilium-agent");
	/* the parts (working_set_parts, read from the database) add up to the
	 * working set, exactly; the BPF part is part of kernel_bytes */
	assert_int_equal(c->nparts, 6);
	assert_string_equal(c->parts[0].part, "anon");
	for (i = 0; i < c->ncontainers; i++) {
		const struct report_container *k = &c->containers[i];
		int64_t sum = 0;

		for (q = 0; q < c->nparts; q++)
			sum += k->parts[q].v;
		assert_true(k->working_set.set);
		assert_int_equal(sum, k->working_set.v);
		assert_int_equal(part_of(c, k, "kernel_not_bpf").v + part_of(c, k, "bpf").v,
				 k->kernel.v);
	}
	/* cilium's BPF maps are part of its kernel memory on v2 */
	assert_int_equal(part_of(c, &c->containers[0], "bpf").v,
			 71303168 + 35651584 + 5505024 + 45056000);
	/* the xray OOM: what it was made of, its pod */
	assert_int_equal(c->nooms, 2);
	assert_string_equal(c->ooms[1].killed_comm, "xray");
	assert_string_equal(c->ooms[1].pod, "xray-gateway-6d8f7b9c4-q7x2m");
	assert_string_equal(c->ooms[1].made_of.source, "memcg_stats");
	assert_int_equal(c->ooms[1].made_of.sock.v, 183623680);
	assert_int_equal(c->ooms[0].complete, false);
	assert_null(c->ooms[0].made_of.source);
	/* findings sorted by severity */
	assert_true(c->nfindings > 5);
	assert_string_equal(c->findings[0].severity, "critical");
	assert_string_equal(c->findings[c->nfindings - 1].severity, "info");
	/* every query kept, with the capture written in (but the list of
	 * parts, which is the same for every capture); one sample: no What
	 * grew, none of its queries */
	assert_null(c->growth);
	for (q = 0; q < RQ_COUNT; q++) {
		if (q == RQ_SAMPLES || q == RQ_GROWTH || q == RQ_GROWTH_SAMPLES ||
		    q == RQ_FINDINGS_1) {   /* the text report's alone */
			assert_null(c->queries[q].sql);
			continue;
		}
		assert_non_null(c->queries[q].sql);
		if (q != RQ_PARTS)
			assert_non_null(strstr(c->queries[q].sql, "capture_id = 1"));
	}
	/* two timeouts (containerd's, node-exporter's helper's smaps_rollup):
	 * the capture had problems */
	assert_int_equal(c->problem_files, 2);
	assert_true(report_has_problems(&r));
	report_free(&r);
	report_free(NULL);
}

/*
 * The text report of one sample reads the findings in two halves
 * (findings_now_1, report_findings_now_2) and merges them: the same rows,
 * in the same order, as the one query HTML and JSON run; the fixture has
 * findings of both halves.
 */
static void test_report_findings_halves(void **state)
{
	struct report one, two;
	const struct report_capture *a, *b;
	bool first = false, second = false;
	sqlite3 *db = open_fixture("report-k8s-v2");
	char *err = NULL;
	size_t i;

	(void)state;
	if (report_load(db, 0, "report-k8s-v2", true, &one, &err) < 0 ||
	    report_load(db, 0, "report-k8s-v2", false, &two, &err) < 0)
		fail_msg("report_load: %s", err);
	a = &one.captures[0];
	b = &two.captures[0];
	assert_null(a->queries[RQ_FINDINGS_1].sql);
	assert_non_null(b->queries[RQ_FINDINGS_1].sql);
	assert_non_null(strstr(b->queries[RQ_FINDINGS_1].sql, "FROM findings_now_1 f"));
	assert_int_equal(a->nfindings, b->nfindings);
	for (i = 0; i < a->nfindings; i++) {
		const struct report_finding *x = &a->findings[i], *y = &b->findings[i];

		assert_string_equal(x->code, y->code);
		assert_string_equal(x->severity, y->severity);
		assert_string_equal(x->title, y->title);
		assert_string_equal(x->evidence, y->evidence);
		assert_string_equal(x->query, y->query);
		assert_true(!x->cgroup == !y->cgroup);
		if (x->cgroup)
			assert_string_equal(x->cgroup, y->cgroup);
		first |= !strcmp(x->code, "near_limit") || !strcmp(x->code, "oom_kill");
		second |= !strcmp(x->code, "no_limit") || !strcmp(x->code, "kernel_unreclaimable");
	}
	assert_true(first && second);
	report_free(&one);
	report_free(&two);
	db_close(db);
}

static void test_report_load_no_such_capture(void **state)
{
	struct report r;
	sqlite3 *db = open_fixture("report-v1-docker");
	char *err = NULL;

	(void)state;
	assert_int_equal(report_load(db, 7, "x", true, &r, &err), -1);
	assert_non_null(strstr(err, "no capture 7"));
	free(err);
	report_free(&r);
	db_close(db);
}

/* ---- golden files ------------------------------------------------------------------ */

/*
 * Issue 13: unknown is never shown as zero.  An OOM event of which the log
 * said nothing but that it happened (every field NULL) and one with an
 * empty memcg counter: every OOM renderer says "?" or "unknown", never a 0.
 */
static void test_report_oom_unknown_is_never_zero(void **state)
{
	struct report_oom_counter counter = { (char *)"memory", { 0, false }, { 0, false },
					      { 0, false }, { 0, false } };
	struct report_oom ev[2];
	struct report_capture c;
	struct strbuf out = STRBUF_INIT;

	(void)state;
	memset(ev, 0, sizeof(ev));
	memset(&c, 0, sizeof(c));
	ev[0].capture_id = ev[1].capture_id = 7;
	ev[0].event = 1;
	ev[0].complete = ev[1].complete = true;
	ev[1].event = 2;
	ev[1].kind = (char *)"memcg";
	ev[1].counters = &counter;
	ev[1].ncounters = 1;
	ev[1].made_of.source = (char *)"memcg_stats";
	c.ooms = ev;
	c.nooms = 2;
	report_render_oom_text(&c, "log", true, &out);
	assert_non_null(strstr(out.buf, "  when      unknown: ?\n"));
	assert_non_null(strstr(out.buf, "  limit     memory ? of limit ?\n"));
	assert_non_null(strstr(out.buf, "  made of   anon ?, page cache ?, shmem ?, kernel ?\n"));
	assert_non_null(strstr(out.buf, "  tasks     none in the log\n"));
	if (strstr(out.buf, " 0 B") || strstr(out.buf, "0.0") || strstr(out.buf, "(0%)"))
		fail_msg("a zero for an unknown:\n%s", out.buf);
	strbuf_reset(&out);
	report_render_oom_json(&c, &out);
	if (strstr(out.buf, ": 0") || strstr(out.buf, ": false"))
		fail_msg("a zero or false for an unknown:\n%s", out.buf);
	strbuf_release(&out);
}

static void test_report_golden_k8s_v2(void **state)
{
	(void)state;
	render_all("report-k8s-v2", true);
}

static void test_report_golden_v1_docker(void **state)
{
	(void)state;
	render_all("report-v1-docker", true);
}

static void test_report_golden_hostile(void **state)
{
	(void)state;
	render_all("report-hostile", true);
}

/* Samples over time: What grew, and the flight recorder's finding */
static void test_report_golden_samples_k8s(void **state)
{
	(void)state;
	render_all("report-samples-k8s", true);
}

static void test_report_golden_until_oom_v1(void **state)
{
	(void)state;
	render_all("report-until-oom-v1", true);
}

/* What grew, as make-report-captures.py made it: the web container's anon
 * 10 MiB a sample, 30 s apart (20 MiB/min, steady), node-exporter's once
 * (not steady); the fastest first; every series has its 5 samples. */
static void test_report_growth_model(void **state)
{
	struct report r;
	const struct report_capture *c;
	const struct report_growth *g;
	const struct report_growth_container *web = NULL, *ne = NULL;
	char buf[48];
	size_t i;

	(void)state;
	load("report-samples-k8s", &r, NULL);
	c = &r.captures[0];
	g = c->growth;
	assert_non_null(g);
	assert_int_equal(g->samples, 5);
	assert_true(g->seconds.set && g->seconds.v == 120.0);
	assert_int_equal(g->ncontainers, 5);
	assert_string_equal(g->containers[0].name, "shop/checkout-web-7c9d5f6b8-zt4lp/web");
	for (i = 0; i < g->ncontainers; i++) {
		if (!strcmp(g->containers[i].name, "shop/checkout-web-7c9d5f6b8-zt4lp/web"))
			web = &g->containers[i];
		if (!strcmp(g->containers[i].name, "monitoring/node-exporter-m4k8d/node-exporter"))
			ne = &g->containers[i];
	}
	assert_non_null(web);
	assert_non_null(ne);
	assert_int_equal(web->nrows, 4);
	assert_string_equal(c->parts[web->rows[0].part].part, "anon");
	assert_string_equal(c->parts[web->rows[3].part].part, "kernel_not_bpf");
	assert_int_equal(web->rows[0].last.v - web->rows[0].first.v, 40 << 20);
	assert_int_equal(web->rows[0].per_hour.v, (int64_t)20 * 60 << 20);
	assert_true(web->rows[0].steady);
	assert_int_equal(web->rows[0].npoints, 5);
	assert_int_equal(web->rows[0].peak.v, web->rows[0].last.v);
	assert_string_equal(report_growth_rate(g, web->rows[0].per_hour, buf, sizeof(buf)),
			    "+20.0 MiB/min");
	assert_false(ne->rows[0].steady);
	assert_false(web->rows[1].steady);
	report_free(&r);
}

/* The flight recorder: sample 9 after the kill holds the anon of sample 1,
 * the peak is sample 8's; the finding names the killed cgroup, anon, its
 * rate and the kill. */
static void test_report_growth_before_oom_kill(void **state)
{
	struct report r;
	const struct report_capture *c;
	const struct report_finding *f = NULL;
	size_t i;

	(void)state;
	load("report-until-oom-v1", &r, NULL);
	c = &r.captures[0];
	assert_non_null(c->growth);
	assert_int_equal(c->growth->samples, 8);
	assert_string_equal(c->growth->containers[0].name, "docker:1da1ac35179e");
	assert_int_equal(c->growth->containers[0].rows[0].peak.v -
			 c->growth->containers[0].rows[0].first.v, 211390464);
	for (i = 0; i < c->nfindings; i++)
		if (!strcmp(c->findings[i].code, "growth_before_oom_kill"))
			f = &c->findings[i];
	assert_non_null(f);
	assert_string_equal(f->severity, "warning");
	assert_non_null(strstr(f->cgroup, "/system.slice/docker-1da1ac35179e"));
	assert_string_equal(f->title,
			    "docker:1da1ac35179e: anon grew 48.0 MiB/min for 3.0 min, then the kill");
	assert_non_null(strstr(f->evidence, "killed stress (pid 12906)"));
	report_free(&r);
}

static void assert_fits_100(const struct strbuf *out)
{
	const char *line, *p;
	size_t pos = 0, len;

	while (next_line(out->buf, out->len, &pos, &line, &len)) {
		size_t cols = 0;

		for (p = line; p < line + len; p++)
			if (((unsigned char)*p & 0xc0) != 0x80)
				cols++;
		if (cols > 100)
			fail_msg("line of %zu columns: %.*s", cols, (int)len, line);
	}
}

/*
 * Next to the working set, what the kernel cannot reclaim without swap (issue
 * 5: "am I really near my limit?"), and a limit that is not the container's
 * own says whose it is.
 */
static void test_report_text_containers_unreclaimable_and_limit(void **state)
{
	struct report r;
	struct report_text_opts plain = { false, 0 };
	struct strbuf out = STRBUF_INIT;
	const struct report_capture *c;

	(void)state;
	load("report-k8s-v2", &r, NULL);
	c = &r.captures[0];
	assert_string_equal(c->containers[0].limit_scope, "above");     /* cilium: kubepods */
	assert_string_equal(c->containers[1].limit_scope, "own");
	assert_string_equal(c->containers[4].limit_scope, "parent");    /* the pod's */
	report_render_text(&r, &plain, &out);
	assert_non_null(strstr(out.buf, "   #       WORKING SET      UNRECLAIMABLE  LIMIT"));
	assert_non_null(strstr(out.buf, "\n   1    7.0 GiB  50.5%     1.6 GiB  11.7%  pods 13.9 GiB     "
					"kube-system/cilium-x7k2p/cilium-agent\n"));
	assert_non_null(strstr(out.buf, "\n   3  203.3 MiB 101.7%   203.0 MiB 101.5%  200.0 MiB  "));
	assert_non_null(strstr(out.buf, "   0.0%  pod 4.0 GiB       shop/checkout-web-7c9d5f6b8-zt4lp/\n"
					"                                                             "
					"9f0e7d6c5b4a\n"));
	/* a wrapped line never parts a number from its unit */
	assert_non_null(strstr(out.buf, "b BPF maps\n          150.2 MiB, u unexplained 12.0 KiB"));
	assert_null(strstr(out.buf, "150.2\n"));
	assert_fits_100(&out);
	report_free(&r);
	strbuf_release(&out);
}

/* The report-k8s-v2 database changed by sql, loaded again into r. */
static void reload_after(sqlite3 *db, const char *sql, struct report *r)
{
	char *err = NULL;

	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	if (report_load(db, 0, "report-k8s-v2", true, r, &err) < 0)
		fail_msg("report_load: %s", err);
	r->version = "VERSION";
}

/*
 * The parts of a working set are the database's (working_set_parts): every
 * format names, colours and orders them from that table alone.
 */
static void test_report_parts_come_from_the_database(void **state)
{
	struct report r;
	struct report_text_opts plain = { false, 0 }, color = { true, 0 };
	struct strbuf out = STRBUF_INIT;
	sqlite3 *db = NULL;

	(void)state;
	load("report-k8s-v2", &r, &db);
	report_free(&r);
	reload_after(db, "UPDATE working_set_parts SET label = 'heap', letter = 'h', "
		     "colour = 'cyan' WHERE part = 'anon'", &r);
	report_render_text(&r, &plain, &out);
	assert_non_null(strstr(out.buf, "h heap 1007.1 MiB, s shmem"));
	assert_non_null(strstr(out.buf, "[hhhhccc"));
	assert_null(strstr(out.buf, "a anon"));
	strbuf_reset(&out);
	report_render_text(&r, &color, &out);
	assert_non_null(strstr(out.buf, "\033[36m"));
	strbuf_reset(&out);
	report_render_html(&r, &out);
	assert_non_null(strstr(out.buf, "class=\"c-cyan\"/></svg>heap</li>"));
	assert_null(strstr(out.buf, "c-blue\""));
	strbuf_reset(&out);
	report_render_json(&r, &out);
	assert_non_null(strstr(out.buf, "\"label\": \"heap\""));
	assert_non_null(strstr(out.buf, "\"anon_bytes\": 1056014336"));
	report_free(&r);
	db_close(db);
	strbuf_release(&out);
}

/*
 * The BPF notes follow the captured kernel: 5.14 charges maps but memlock is
 * an estimate, 6.8 (report-hostile) has it exact, and with the version
 * unknown neither is claimed.
 */
static void test_report_bpf_notes_follow_the_kernel(void **state)
{
	struct report r;
	struct report_text_opts plain = { false, 0 };
	struct strbuf out = STRBUF_INIT;
	sqlite3 *db = NULL;

	(void)state;
	load("report-hostile", &r, NULL);
	assert_int_equal(r.captures[0].bpf_memlock_exact.v, 1);
	report_render_text(&r, &plain, &out);
	assert_non_null(strstr(out.buf, "memlock is the memory the map uses (Linux 6.4+)."));
	assert_null(strstr(out.buf, "estimate"));
	report_free(&r);

	load("report-k8s-v2", &r, &db);
	assert_int_equal(r.captures[0].bpf_memlock_exact.v, 0);
	report_free(&r);
	/* a capture whose kernel release nobody could read */
	reload_after(db, "UPDATE capture SET kernel_release = NULL;"
		     "DELETE FROM node_setting WHERE path = 'proc/sys/kernel/osrelease'", &r);
	assert_false(r.captures[0].bpf_maps_charged.set);
	assert_false(r.captures[0].bpf_memlock_exact.set);
	strbuf_reset(&out);
	report_render_text(&r, &plain, &out);
	assert_null(strstr(out.buf, "Since Linux 5.11 a map is charged"));
	assert_non_null(strstr(out.buf, "The kernel's version is unknown, so is where BPF map memory"));
	assert_non_null(strstr(out.buf, "this kernel's version is unknown."));
	assert_fits_100(&out);
	strbuf_reset(&out);
	report_render_html(&r, &out);
	assert_non_null(strstr(out.buf, "The kernel&#39;s version is unknown, so is where BPF map"));
	strbuf_reset(&out);
	report_render_json(&r, &out);
	assert_non_null(strstr(out.buf, "\"bpf_maps_charged\": null,\n      \"bpf_memlock_exact\": null,"));
	report_free(&r);
	db_close(db);
	strbuf_release(&out);
}

static void test_report_text_hostile_is_safe(void **state)
{
	struct report r;
	struct report_text_opts plain = { false, 0 }, color = { true, 0 };
	struct strbuf out = STRBUF_INIT;

	(void)state;
	load("report-hostile", &r, NULL);
	report_render_text(&r, &plain, &out);
	assert_terminal_safe(out.buf, out.len, false);
	assert_non_null(strstr(out.buf, "\\e]0;pwned\\x07"));
	assert_non_null(strstr(out.buf, "<svg onload=1>"));
	assert_non_null(strstr(out.buf, "\\xff\\xfe"));
	/* the comms with control bytes shown escaped, not dropped to "?" */
	assert_non_null(strstr(out.buf, "  502   208.0 KiB     3.8 MiB         0 B 100.0%  "
					"\\e]0;pwned\\x07   \\e]0;pwned\\x07.service\n"));
	assert_non_null(strstr(out.buf, "  503   208.0 KiB     3.8 MiB         0 B 100.0%  "
					"\\e[2J\\e[31mred   \\e[2J\\e[H.service\n"));
	assert_non_null(strstr(out.buf, "  502  \\e]0;pwned\\x07      1     4.0 KiB"));
	/* 100 columns, the 240-byte name cut */
	assert_fits_100(&out);
	strbuf_reset(&out);
	report_render_text(&r, &color, &out);
	assert_terminal_safe(out.buf, out.len, true);
	strbuf_release(&out);
	report_free(&r);
}

static void test_report_html_hostile_is_text(void **state)
{
	struct report r;
	struct strbuf out = STRBUF_INIT;
	const char *p;

	(void)state;
	load("report-hostile", &r, NULL);
	report_render_html(&r, &out);
	assert_null(strstr(out.buf, "<svg onload"));
	assert_null(strstr(out.buf, "<script>alert"));
	assert_null(strstr(out.buf, "<b>x"));
	assert_null(strstr(out.buf, "<b>.service"));
	assert_null(strstr(out.buf, "<img"));
	assert_non_null(strstr(out.buf, "&lt;svg onload=1&gt;"));
	assert_non_null(strstr(out.buf, "evil&lt;script&gt;alert(1)&lt;/script&gt;\\e]0;pwned\\x07"));
	assert_terminal_safe(out.buf, out.len, false);
	/* nothing to load from anywhere */
	for (p = strstr(out.buf, "http:"); p; p = strstr(p + 1, "http:"))
		if (!starts_with(p, "http://www.w3.org/2000/svg\""))
			fail_msg("an address in the page: %.60s", p);
	assert_null(strstr(out.buf, "https://"));
	assert_null(strstr(out.buf, " src=\""));
	assert_null(strstr(out.buf, "<link"));
	strbuf_release(&out);
	report_free(&r);
}

static void test_report_deterministic(void **state)
{
	struct report a, b;
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

	(void)state;
	load("report-k8s-v2", &a, NULL);
	load("report-k8s-v2", &b, NULL);
	report_render_html(&a, &x);
	report_render_html(&b, &y);
	assert_int_equal(x.len, y.len);
	assert_memory_equal(x.buf, y.buf, x.len);
	/* no path of this machine */
	assert_null(strstr(x.buf, "/work/"));
	assert_null(strstr(x.buf, "from-samples"));
	strbuf_release(&x);
	strbuf_release(&y);
	report_free(&a);
	report_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_text_markup),
		cmocka_unit_test(test_html_text_escapes),
		cmocka_unit_test(test_report_load_k8s),
		cmocka_unit_test(test_report_findings_halves),
		cmocka_unit_test(test_report_load_no_such_capture),
		cmocka_unit_test(test_report_golden_k8s_v2),
		cmocka_unit_test(test_report_golden_v1_docker),
		cmocka_unit_test(test_report_golden_hostile),
		cmocka_unit_test(test_report_golden_samples_k8s),
		cmocka_unit_test(test_report_golden_until_oom_v1),
		cmocka_unit_test(test_report_growth_model),
		cmocka_unit_test(test_report_growth_before_oom_kill),
		cmocka_unit_test(test_report_text_containers_unreclaimable_and_limit),
		cmocka_unit_test(test_report_parts_come_from_the_database),
		cmocka_unit_test(test_report_bpf_notes_follow_the_kernel),
		cmocka_unit_test(test_report_text_hostile_is_safe),
		cmocka_unit_test(test_report_html_hostile_is_text),
		cmocka_unit_test(test_report_deterministic),
		cmocka_unit_test(test_report_oom_unknown_is_never_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
