/* SPDX-License-Identifier: MIT */
/*
 * parse_manifest(): a collector's manifest, JSON as jansson reads it
 * (escapes, numbers, nesting, what makes it invalid), the bounds, and the
 * order of its diagnostics.
 */
#include "tests/unit/test_parse_util.h"
#include "analyze/capture/manifest.h"

#define HEAD "{\"format\":\"memsnap-capture\",\"format_version\":1"

static int parse(const char *s, struct manifest *m, struct parse_diag *d)
{
	memset(d, 0, sizeof(*d));
	return parse_manifest(s, strlen(s), m, d);
}

static void assert_invalid(const char *s, const char *why)
{
	struct manifest m;
	struct parse_diag d;

	if (parse(s, &m, &d) != -EINVAL || !strstr(d.msg, "invalid JSON") ||
	    !strstr(d.msg, why))
		fail_msg("'%.60s': '%s', not invalid JSON: %s", s, d.msg, why);
	manifest_free(&m);
}

static void test_parse_manifest_collector(void **state)
{
	static const char json[] =
		"{\n  \"format\": \"memsnap-capture\",\n  \"format_version\": 1,\n"
		"  \"collector\": {\"name\": \"memsnap-collect\", \"version\": \"0.1.0\","
		" \"pid\": 31367, \"reader_pid\": 31368, \"uid\": 0},\n"
		"  \"complete\": true,\n  \"interrupted\": null,\n  \"hostname\": \"vm\",\n"
		"  \"kernel\": {\"release\": \"6.1.0\", \"version\": \"#1 SMP\", \"machine\": \"x86_64\"},\n"
		"  \"boot_id\": \"655d51eb\",\n  \"page_size\": 4096,\n"
		"  \"clock\": {\"started_utc\": \"2026-12-05T08:12:12.335192Z\","
		" \"started_monotonic\": 48834.880585, \"finished_monotonic\": 4.8840812491e4,"
		" \"started_boottime\": 1e-400},\n"
		"  \"root\": \"/\",\n"
		"  \"cgroup\": {\"mode\":\"hybrid\",\"memory_mount\":\"/sys/fs/cgroup/memory\","
		"\"memory_root\":\"sys/fs/cgroup/memory\",\"self\":\"/a\",\"namespace_pid1\":null},\n"
		"  \"options\": {\"kmsg\": \"oom\", \"kmsg\": \"all\", \"list\": [1, -2.5e3, {}, []]},\n"
		"  \"problems\": [\n"
		"    {\"path\": \"sys/fs/cgroup/memory/memory.pressure\", \"kind\": \"absent\","
		" \"errno\": 2, \"error\": \"No such file or directory\", \"action\": \"skipped\"},\n"
		"    {\"path\": \"proc/1/environ\", \"kind\": \"denied\", \"errno\": 13}\n"
		"  ],\n  \"problems_dropped\": 8613\n}\n";
	struct manifest m;
	struct parse_diag d;

	(void)state;
	assert_int_equal(parse(json, &m, &d), 0);
	assert_int_equal(d.count, 0);
	assert_string_equal(m.format, "memsnap-capture");
	assert_kv(m.format_version, 1);
	assert_string_equal(m.collector_name, "memsnap-collect");
	assert_string_equal(m.collector_version, "0.1.0");
	assert_kv(m.collector_pid, 31367);
	assert_kv(m.reader_pid, 31368);
	assert_true(m.complete_set && m.complete);
	assert_null(m.interrupted);
	assert_string_equal(m.hostname, "vm");
	assert_string_equal(m.kernel_release, "6.1.0");
	assert_string_equal(m.kernel_version, "#1 SMP");
	assert_string_equal(m.machine, "x86_64");
	assert_string_equal(m.boot_id, "655d51eb");
	assert_kv(m.page_size, 4096);
	assert_string_equal(m.started_utc, "2026-12-05T08:12:12.335192Z");
	assert_null(m.finished_utc);
	assert_true(m.started_monotonic_set);
	assert_float_equal(m.started_monotonic, 48834.880585, 1e-9);
	assert_true(m.finished_monotonic_set);
	assert_float_equal(m.finished_monotonic, 48840.812491, 1e-9);
	assert_true(m.started_boottime_set);   /* underflow: 0, as jansson */
	assert_float_equal(m.started_boottime, 0.0, 0);
	assert_false(m.finished_boottime_set);
	assert_string_equal(m.root, "/");
	assert_string_equal(m.cgroup_mode, "hybrid");
	assert_string_equal(m.memory_mount, "/sys/fs/cgroup/memory");
	assert_string_equal(m.memory_root, "sys/fs/cgroup/memory");
	assert_string_equal(m.self_cgroup, "/a");
	assert_int_equal(m.nproblems, 2);
	assert_string_equal(m.problems[0].path, "sys/fs/cgroup/memory/memory.pressure");
	assert_string_equal(m.problems[0].kind, "absent");
	assert_kv(m.problems[0].err_no, 2);
	assert_string_equal(m.problems[0].error, "No such file or directory");
	assert_string_equal(m.problems[0].action, "skipped");
	assert_string_equal(m.problems[1].path, "proc/1/environ");
	assert_kv(m.problems[1].err_no, 13);
	assert_null(m.problems[1].error);
	assert_null(m.problems[1].action);
	assert_kv(m.problems_dropped, 8613);
	manifest_free(&m);
	manifest_free(&m);   /* a no-op the second time */
}

static void test_parse_manifest_escapes(void **state)
{
	struct manifest m;
	struct parse_diag d;

	(void)state;
	assert_int_equal(parse(HEAD ",\"host\\u006eame\":\"caf\\u00e9 \\ud83d\\ude00 "
			       "\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \xe2\x82\xac\","
			       "\"problems\":[{\"path\":\"a\\/b\",\"errno\":-0}]}", &m, &d), 0);
	assert_int_equal(d.count, 0);
	assert_string_equal(m.hostname, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \b\f\n\r\t "
			    "\xe2\x82\xac");
	assert_string_equal(m.problems[0].path, "a/b");
	assert_kv(m.problems[0].err_no, 0);   /* -0 is an integer 0 */
	manifest_free(&m);
}

static void test_parse_manifest_invalid(void **state)
{
	char *deep;
	size_t i;

	(void)state;
	assert_invalid("", "'[' or '{' expected");
	assert_invalid("   ", "'[' or '{' expected");
	assert_invalid("\"memsnap-capture\"", "'[' or '{' expected");
	assert_invalid(HEAD, "'}' expected");
	assert_invalid(HEAD "} x", "end of file expected");
	assert_invalid(HEAD ",\"hostname\":\"ab", "premature end of input");
	assert_invalid(HEAD ",\"hostname\":\"a\tb\"}", "control character");
	assert_invalid(HEAD ",\"hostname\":\"a\\xb\"}", "invalid escape");
	assert_invalid(HEAD ",\"hostname\":\"a\\u0000b\"}", "\\u0000");
	assert_invalid(HEAD ",\"hostname\":\"\\ud800\"}", "invalid escape");
	assert_invalid(HEAD ",\"hostname\":\"\\ud800\\u0041\"}", "invalid escape");
	assert_invalid(HEAD ",\"hostname\":\"\\udc00\"}", "invalid escape");
	assert_invalid(HEAD ",\"hostname\":\"\\u12g4\"}", "invalid escape");
	assert_invalid(HEAD ",\"hostname\":\"\xc3\x28\"}", "invalid UTF-8");
	assert_invalid(HEAD ",\"hostname\":\"\xed\xa0\x80\"}", "invalid UTF-8");   /* a surrogate */
	assert_invalid(HEAD ",\"hostname\":\"\xc0\xaf\"}", "invalid UTF-8");       /* overlong */
	assert_invalid(HEAD ",\"x\":01}", "',' or '}' expected");
	assert_invalid(HEAD ",\"x\":1.}", "invalid number");
	assert_invalid(HEAD ",\"x\":.5}", "invalid number");
	assert_invalid(HEAD ",\"x\":-}", "invalid number");
	assert_invalid(HEAD ",\"x\":1e}", "invalid number");
	assert_invalid(HEAD ",\"x\":+1}", "invalid number");
	assert_invalid(HEAD ",\"x\":9223372036854775808}", "too big integer");
	assert_invalid(HEAD ",\"x\":-9223372036854775809}", "too big integer");
	assert_invalid(HEAD ",\"x\":1e999}", "real number overflow");
	assert_invalid(HEAD ",\"x\":tru}", "invalid token");
	assert_invalid(HEAD ",\"x\":[1,]}", "invalid number");
	assert_invalid(HEAD ",\"x\":{\"a\":1,}}", "string or '}' expected");
	assert_invalid(HEAD ",\"x\" 1}", "':' expected");
	assert_invalid(HEAD ",}", "string or '}' expected");
	/* a key this parser reads, twice: at the top, in an object, in a problem */
	assert_invalid(HEAD ",\"hostname\":\"a\",\"hostname\":\"b\"}", "duplicate object key");
	assert_invalid(HEAD ",\"host\\u006eame\":\"a\",\"hostname\":\"b\"}", "duplicate object key");
	assert_invalid(HEAD ",\"kernel\":{\"release\":\"a\",\"release\":\"b\"}}",
		       "duplicate object key");
	assert_invalid(HEAD ",\"problems\":[{\"path\":\"a\",\"path\":\"b\"}]}",
		       "duplicate object key");
	assert_invalid(HEAD ",\"problems\":[],\"problems\":[]}", "duplicate object key");

	/* 2,048 levels as jansson counts them (a scalar is one), not 2,049 */
	deep = xmalloc(5000);
	for (i = 0; i < 2047; i++)
		deep[i] = '[';
	deep[i++] = '1';
	memset(deep + i, ']', 2047);
	deep[i + 2047] = '\0';
	{
		struct manifest m;
		struct parse_diag d;

		assert_int_equal(parse(deep, &m, &d), -EINVAL);
		assert_string_equal(d.msg, "manifest: not a JSON object");
		manifest_free(&m);
	}
	memmove(deep + 1, deep, strlen(deep) + 1);
	deep[0] = '[';
	strcat(deep, "]");
	assert_invalid(deep, "maximum parsing depth reached");
	free(deep);
}

static void test_parse_manifest_lines(void **state)
{
	struct manifest m;
	struct parse_diag d;

	(void)state;
	assert_int_equal(parse("{\n\"format\": \"memsnap-capture\",\n  \"x\": ?}", &m, &d), -EINVAL);
	assert_string_equal(d.msg, "manifest: invalid JSON at line 3 column 8: invalid number");
	manifest_free(&m);
}

static void test_parse_manifest_types(void **state)
{
	struct manifest m;
	struct parse_diag d;

	(void)state;
	assert_int_equal(parse("{\"format\":\"something-else\"}", &m, &d), -EINVAL);
	assert_string_equal(d.msg, "manifest: 'format' is not \"memsnap-capture\": "
			    "not a memsnap capture");
	manifest_free(&m);
	assert_int_equal(parse("{\"format\":1}", &m, &d), -EINVAL);
	assert_string_equal(d.msg, "manifest: 'format' is not a string");
	manifest_free(&m);
	assert_int_equal(parse("[]", &m, &d), -EINVAL);
	assert_string_equal(d.msg, "manifest: not a JSON object");
	manifest_free(&m);

	/* wrong types: ignored, said; objects that are not objects: ignored */
	assert_int_equal(parse(HEAD ",\"hostname\":7,\"page_size\":-1,\"collector\":[1],"
			       "\"complete\":1,\"clock\":{\"started_monotonic\":\"1\"},"
			       "\"problems\":[3,{\"errno\":2.5,\"kind\":null},{\"errno\":\"2\"}],"
			       "\"problems_dropped\":1.0}", &m, &d), 0);
	assert_string_equal(d.msg, "manifest: 'hostname' is not a string");
	assert_int_equal(d.count, 7);
	assert_null(m.hostname);
	assert_false(m.page_size.set);
	assert_null(m.collector_name);
	assert_false(m.complete_set);
	assert_false(m.started_monotonic_set);
	assert_int_equal(m.nproblems, 2);
	assert_false(m.problems[0].err_no.set);
	assert_null(m.problems[0].kind);
	assert_false(m.problems[1].err_no.set);
	assert_false(m.problems_dropped.set);
	manifest_free(&m);

	assert_int_equal(parse(HEAD ",\"problems\":{}}", &m, &d), 0);
	assert_string_equal(d.msg, "manifest: 'problems' is not an array");
	manifest_free(&m);
	/* HEAD's format_version, twice */
	assert_int_equal(parse(HEAD ",\"complete\":false,\"format_version\":2}", &m, &d), -EINVAL);
	manifest_free(&m);
	assert_int_equal(parse(HEAD ",\"complete\":false}", &m, &d), 0);
	assert_true(m.complete_set && !m.complete);
	manifest_free(&m);
	assert_int_equal(parse("{\"format\":\"memsnap-capture\",\"format_version\":999}", &m, &d), 0);
	assert_string_equal(d.msg, "manifest: format_version 999 is newer than 1: "
			    "reading what this version understands");
	manifest_free(&m);
	assert_int_equal(parse(HEAD ",\"cgroup\":{\"memory_root\":\"a/../../etc\"}}", &m, &d), 0);
	assert_null(m.memory_root);
	assert_string_equal(d.msg, "manifest: cgroup.memory_root 'a/../../etc' is not a "
			    "path inside the capture, ignored");
	manifest_free(&m);
}

/* The first diagnostic is the one the code reads first, not the text's. */
static void test_parse_manifest_diag_order(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct manifest m;
	struct parse_diag d;
	size_t i;

	(void)state;
	strbuf_addstr(&sb, "{\"problems\":[1],\"kernel\":{\"release\":\"");
	for (i = 0; i < 65; i++)
		strbuf_addch(&sb, 'R');
	strbuf_addstr(&sb, "\"},\"hostname\":\"");
	for (i = 0; i < 256; i++)
		strbuf_addch(&sb, 'H');
	strbuf_addstr(&sb, "\",\"format\":\"memsnap-capture\"}");
	assert_int_equal(parse(sb.buf, &m, &d), 0);
	assert_string_equal(d.msg, "manifest: 'hostname' is longer than 255 bytes, ignored");
	assert_int_equal(d.count, 3);
	assert_null(m.hostname);
	assert_null(m.kernel_release);
	assert_int_equal(m.nproblems, 0);
	manifest_free(&m);
	strbuf_release(&sb);
}

static void test_parse_manifest_bounds(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct manifest m;
	struct parse_diag d;
	char *big;
	size_t i;

	(void)state;
	/* 10,003 problems and a string between them: 10,000 kept */
	strbuf_addstr(&sb, HEAD ",\"problems\":[");
	for (i = 0; i < MANIFEST_MAX_PROBLEMS + 3; i++) {
		strbuf_addf(&sb, "%s{\"path\":\"p%zu\",\"errno\":%zu}", i ? "," : "", i, i);
		if (i == MANIFEST_MAX_PROBLEMS)
			strbuf_addstr(&sb, ",\"x\"");
	}
	strbuf_addstr(&sb, "]}");
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_manifest(sb.buf, sb.len, &m, &d), 0);
	assert_int_equal(m.nproblems, MANIFEST_MAX_PROBLEMS);
	assert_string_equal(m.problems[9999].path, "p9999");
	assert_kv(m.problems[9999].err_no, 9999);
	assert_string_equal(d.msg, "manifest: more than 10000 problems, the other 4 ignored");
	assert_int_equal(d.count, 1);
	manifest_free(&m);

	/* a string at its bound is kept, one byte more is not; escapes count decoded */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, HEAD ",\"boot_id\":\"");
	for (i = 0; i < 64; i++)
		strbuf_addstr(&sb, "\\u00e9");
	strbuf_addstr(&sb, "\",\"kernel\":{\"machine\":\"");
	for (i = 0; i < 32; i++)
		strbuf_addstr(&sb, "\\u00e9");
	strbuf_addstr(&sb, "\"}}");
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_manifest(sb.buf, sb.len, &m, &d), 0);
	assert_null(m.boot_id);
	assert_string_equal(d.msg, "manifest: 'boot_id' is longer than 64 bytes, ignored");
	assert_int_equal(strlen(m.machine), 64);
	manifest_free(&m);

	/* not NUL-terminated: only len bytes are read */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_manifest(HEAD "}trailing", strlen(HEAD "}"), &m, &d), 0);
	manifest_free(&m);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_manifest(HEAD ",\"page_size\":4096}", strlen(HEAD ",\"page_size\":40"),
					&m, &d), -EINVAL);
	manifest_free(&m);

	big = xcalloc(MANIFEST_MAX_BYTES + 1, 1);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_manifest(big, MANIFEST_MAX_BYTES + 1, &m, &d), -EFBIG);
	manifest_free(&m);
	free(big);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_manifest_collector),
		cmocka_unit_test(test_parse_manifest_escapes),
		cmocka_unit_test(test_parse_manifest_invalid),
		cmocka_unit_test(test_parse_manifest_lines),
		cmocka_unit_test(test_parse_manifest_types),
		cmocka_unit_test(test_parse_manifest_diag_order),
		cmocka_unit_test(test_parse_manifest_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
