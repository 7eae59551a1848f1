/* SPDX-License-Identifier: MIT */
/*
 * parse_bpftool_maps(): all six real samples (map listings compact, pretty,
 * single object, plain text; a prog listing behind an error object, cut by
 * a segfault; a link listing with u64 addresses), the fixtures written from
 * bpftool's map.c, hostile JSON.
 */
#include "tests/unit/test_parse_util.h"

static int parse_file(char *(*get)(const char *, size_t *), const char *rel,
		      struct bpftool_maps *m, struct parse_diag *d)
{
	size_t len;
	char *buf = get(rel, &len);
	int r = parse_bpftool_maps(buf, len, m, d);

	free(buf);
	return r;
}

static int parse(const char *s, struct bpftool_maps *m, struct parse_diag *d)
{
	return parse_bpftool_maps(s, strlen(s), m, d);
}

/* ---- real samples ------------------------------------------------------- */

static void test_parse_bpftool_maps_compact_array_pids(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };
	struct bpftool_map *a, *b;

	(void)state;
	assert_int_equal(parse_file(tp_sample, "bpftool/insights-core-test-map-j-pids-systemd-networkmanager.json",
				    &m, &d), 0);
	assert_int_equal(d.count, 0);
	assert_null(m.error);
	assert_int_equal(m.n, 2);
	a = &m.v[0];
	assert_kv(a->id, 156);
	assert_string_equal(a->type, "hash_of_maps");
	assert_unset(a->type_id);
	assert_string_equal(a->name, "cgroup_hash");
	assert_kv(a->flags, 0);
	assert_kv(a->bytes_key, 8);
	assert_kv(a->bytes_value, 4);
	assert_kv(a->max_entries, 2048);
	assert_kv(a->bytes_memlock, 165568);
	assert_kv(a->frozen, 0);
	assert_unset(a->btf_id);
	assert_null(a->loaded_at);
	assert_int_equal(a->npids, 1);
	assert_int_equal(a->pids[0].pid, 1);
	assert_string_equal(a->pids[0].comm, "systemd");
	b = &m.v[1];
	assert_kv(b->id, 178);
	assert_string_equal(b->type, "hash");
	assert_null(b->name);                   /* no "name" key */
	assert_kv(b->bytes_key, 4);
	assert_kv(b->bytes_value, 1);
	assert_kv(b->max_entries, 8);
	assert_kv(b->bytes_memlock, 2368);
	assert_int_equal(b->npids, 1);
	assert_int_equal(b->pids[0].pid, 229236);
	assert_string_equal(b->pids[0].comm, "NetworkManager");
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_pretty_single_object(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_sample, "bpftool/unexpected-ebpf-hooks-map-show-pretty-single-object.json",
				    &m, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(m.n, 1);
	assert_kv(m.v[0].id, 9);
	assert_string_equal(m.v[0].type, "hash");
	assert_string_equal(m.v[0].name, "backdoor_phanto");
	assert_kv(m.v[0].bytes_key, 8);
	assert_kv(m.v[0].bytes_value, 76);
	assert_kv(m.v[0].max_entries, 1);
	assert_kv(m.v[0].bytes_memlock, 4096);
	assert_kv(m.v[0].frozen, 0);
	assert_kv(m.v[0].btf_id, 92);
	assert_int_equal(m.v[0].npids, 0);
	assert_null(m.v[0].pids);
	bpftool_maps_free(&m);

	assert_int_equal(parse_file(tp_sample, "bpftool/zh-blog-2022-bpftool-p-map-show-id11-sockhash.json",
				    &m, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(m.n, 1);
	assert_kv(m.v[0].id, 11);
	assert_string_equal(m.v[0].type, "sockhash");
	assert_string_equal(m.v[0].name, "sock_ops_map");
	assert_kv(m.v[0].bytes_key, 44);
	assert_kv(m.v[0].bytes_value, 4);
	assert_kv(m.v[0].max_entries, 65535);
	assert_kv(m.v[0].bytes_memlock, 3145728);
	assert_unset(m.v[0].btf_id);
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_plain_text(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_sample, "bpftool/bpftool-docs-map-show-plain-text-pids.txt",
				    &m, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(m.n, 1);
	assert_kv(m.v[0].id, 10);
	assert_string_equal(m.v[0].type, "hash");
	assert_string_equal(m.v[0].name, "some_map");
	assert_kv(m.v[0].flags, 0);
	assert_kv(m.v[0].bytes_key, 4);
	assert_kv(m.v[0].bytes_value, 8);
	assert_kv(m.v[0].max_entries, 2048);
	assert_kv(m.v[0].bytes_memlock, 167936);
	assert_unset(m.v[0].frozen);            /* plain text prints it only when set */
	assert_int_equal(m.v[0].npids, 1);
	assert_int_equal(m.v[0].pids[0].pid, 1);
	assert_string_equal(m.v[0].pids[0].comm, "systemd");
	bpftool_maps_free(&m);
}

/*
 * `bpftool -p prog` of a build without skeletons: {"error": ...}, then the
 * listing, cut by a segfault inside the first object; the copy starts with
 * the shell prompt.  Returns 0: the error is what the file says.
 */
static void test_parse_bpftool_maps_error_object_truncated(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_sample, "bpftool/kernel-ml-2020-bpftool-p-prog-error-no-pid-iterator-truncated-segfault.txt",
				    &m, &d), 0);
	assert_string_equal(m.error, "bpftool built without PID iterator support");
	assert_int_equal(m.n, 0);
	assert_int_equal(d.count, 2);
	assert_string_equal(d.msg, "line 1: not bpftool output: '# ./bpftool -p prog', skipped");
	bpftool_maps_free(&m);
}

/*
 * `bpftool link show -j`: u64 addresses past 2^63 must not stop the parser;
 * the objects are links, not maps: -EINVAL, "not a map listing".
 */
static void test_parse_bpftool_maps_link_listing_is_not_maps(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_sample, "bpftool/bpf-ml-2023-link-show-j-kprobe_multi-pids.json",
				    &m, &d), -EINVAL);
	assert_int_equal(m.n, 0);
	assert_null(m.error);
	assert_diag(d, 1, "not a map listing: 1 object without 'bytes_key' (a 'bpftool prog' or 'link' listing?)");
	bpftool_maps_free(&m);
}

/* ---- fixtures from bpftool's source ------------------------------------- */

static void test_parse_bpftool_maps_all_fields(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_fixture, "bpftool-map-json-fields.json", &m, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(m.n, 4);
	assert_kv(m.v[0].btf_id, 5);
	assert_int_equal(m.v[0].npids, 2);
	assert_int_equal(m.v[0].pids[1].pid, 4242);
	assert_string_equal(m.v[0].pids[1].comm, "cilium-agent");
	/* No name, no bytes_memlock: NULL and unset, not "" and 0. */
	assert_null(m.v[1].name);
	assert_unset(m.v[1].bytes_memlock);
	assert_kv(m.v[1].flags, 1024);
	assert_kv(m.v[1].frozen, 1);
	/* A type bpftool did not know, printed as a number. */
	assert_kv(m.v[2].type_id, 99);
	assert_null(m.v[2].type);
	assert_kv(m.v[3].type_id, 33);
	assert_string_equal(m.v[3].type, "arena");
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_old_hex_flags(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_fixture, "bpftool-4.15-hex-flags.json", &m, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(m.n, 2);
	assert_kv(m.v[0].flags, 1);             /* "flags":0x1 */
	assert_kv(m.v[0].bytes_memlock, 90112);
	assert_unset(m.v[0].frozen);            /* before 5.2 */
	assert_string_equal(m.v[1].type, "lru_hash");
	assert_kv(m.v[1].flags, 0);
	bpftool_maps_free(&m);

	/* A "0x" inside a string is left alone. */
	assert_int_equal(parse("[{\"id\":1,\"type\":\"hash\",\"name\":\"0x1f\",\"flags\":0xA,"
			       "\"bytes_key\":4}]", &m, NULL), 0);
	assert_string_equal(m.v[0].name, "0x1f");
	assert_kv(m.v[0].flags, 10);
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_negative_memlock(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_fixture, "bpftool-atoi-negative-memlock.json", &m, &d), 0);
	assert_int_equal(m.n, 1);
	assert_kv(m.v[0].max_entries, 1048576);
	assert_unset(m.v[0].bytes_memlock);
	assert_diag(d, 1, "map 0: 'bytes_memlock' is not a usable number");
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_error_inside_array(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_fixture, "bpftool-error-inside-array.json", &m, &d), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0].type, "ringbuf");
	assert_kv(m.v[0].bytes_memlock, 278528);
	assert_string_equal(m.error, "can't get map by id (31): Operation not permitted");
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_empty_array(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_file(tp_fixture, "bpftool-empty-array.json", &m, &d), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(d.count, 0);
	bpftool_maps_free(&m);
}

/* ---- hostile ------------------------------------------------------------ */

static void test_parse_bpftool_maps_empty_garbage(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };
	char *g = tp_garbage(1u << 20, 77);

	(void)state;
	assert_int_equal(parse_bpftool_maps("", 0, &m, &d), -EINVAL);
	assert_diag(d, 1, "empty file");
	assert_int_equal(parse_bpftool_maps(NULL, 0, &m, NULL), -EINVAL);
	assert_int_equal(parse_bpftool_maps(g, 1u << 20, &m, NULL), -EINVAL);
	assert_int_equal(parse("null\n", &m, NULL), -EINVAL);
	assert_int_equal(parse("Error: can't get next map: Operation not permitted\n",
			       &m, NULL), -EINVAL);
	bpftool_maps_free(&m);
	free(g);
}

static void test_parse_bpftool_maps_truncated(void **state)
{
	static const char buf[] =
		"[{\"id\":1,\"type\":\"hash\",\"flags\":0,\"bytes_key\":4,\"bytes_value\":8,"
		"\"max_entries\":16,\"bytes_memlock\":4096,\"frozen\":0},"
		"{\"id\":2,\"type\":\"array\",\"flags\":0,\"bytes_key\":4,\"bytes_value\":8,"
		"\"max_entries\":1,\"bytes_memlock\":4096,\"frozen\":0},"
		"{\"id\":3,\"type\":\"ha";
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse(buf, &m, &d), 0);
	assert_int_equal(m.n, 2);               /* the maps before the cut */
	assert_kv(m.v[1].id, 2);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.msg, "truncated JSON"));
	bpftool_maps_free(&m);

	/* Cut between elements, and right after '['. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse("[{\"id\":1,\"bytes_key\":4},", &m, &d), 0);
	assert_int_equal(m.n, 1);
	assert_diag(d, 1, "truncated JSON: the array has no ']'");
	bpftool_maps_free(&m);
	assert_int_equal(parse("[", &m, NULL), -EINVAL);
	assert_int_equal(parse("{\"id\":1,\"bytes_", &m, NULL), -EINVAL);
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_invalid_json(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse("[{\"id\":1,\"bytes_key\":4} {\"id\":2}]", &m, &d), 0);
	assert_int_equal(m.n, 1);
	assert_diag(d, 1, "line 1: expected ',' or ']' in the array");
	bpftool_maps_free(&m);
	assert_int_equal(parse("[{\"id\":1,\"bytes_key\":4},42]", &m, NULL), 0);
	assert_int_equal(m.n, 1);
	bpftool_maps_free(&m);
	assert_int_equal(parse("[{\"id\":,}]", &m, NULL), -EINVAL);
	/* Text after the JSON (a crash message): kept maps, diag. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse("[{\"id\":7,\"bytes_key\":4}]\nSegmentation fault\n", &m, &d), 0);
	assert_int_equal(m.n, 1);
	assert_diag(d, 1, "line 2: text after the JSON: 'Segmentation fault\\x0a', ignored");
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_depth_bomb(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	/* 1,000,000 nested arrays inside the listing: jansson stops at 2048. */
	strbuf_addch(&sb, '[');
	for (i = 0; i < 1000000; i++)
		strbuf_addch(&sb, '[');
	assert_int_equal(parse_bpftool_maps(sb.buf, sb.len, &m, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "maximum parsing depth"));
	strbuf_reset(&sb);

	/* Nested objects inside a map object. */
	memset(&d, 0, sizeof(d));
	strbuf_addstr(&sb, "[{\"id\":1,\"bytes_key\":4},{\"x\":");
	for (i = 0; i < 100000; i++)
		strbuf_addstr(&sb, "{\"a\":");
	assert_int_equal(parse_bpftool_maps(sb.buf, sb.len, &m, &d), 0);
	assert_int_equal(m.n, 1);
	assert_non_null(strstr(d.msg, "maximum parsing depth"));
	bpftool_maps_free(&m);
	strbuf_release(&sb);
}

static void test_parse_bpftool_maps_nul_bytes(void **state)
{
	static const char raw[] = "[{\"id\":1,\"type\":\"ha\0sh\",\"bytes_key\":4}]";
	static const char esc[] = "[{\"id\":1,\"name\":\"a\\u0000b\",\"bytes_key\":4}]";
	static const char after[] = "[{\"id\":1,\"bytes_key\":4}]\0\0\0";
	struct bpftool_maps m = { 0 };

	(void)state;
	assert_int_equal(parse_bpftool_maps(raw, sizeof(raw) - 1, &m, NULL), -EINVAL);
	assert_int_equal(parse_bpftool_maps(esc, sizeof(esc) - 1, &m, NULL), -EINVAL);
	assert_int_equal(m.n, 0);
	assert_int_equal(parse_bpftool_maps(after, sizeof(after) - 1, &m, NULL), 0);
	assert_int_equal(m.n, 1);
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_numbers(void **state)
{
	static const char buf[] =
		"[{\"id\":18446744073709551615,\"type\":\"hash\",\"bytes_key\":4,"
		"\"bytes_value\":-8,\"max_entries\":1.5,\"bytes_memlock\":\"4096\","
		"\"frozen\":true,\"btf_id\":9007199254740993}]";
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse(buf, &m, &d), 0);
	assert_int_equal(m.n, 1);
	assert_unset(m.v[0].id);                /* > 2^53 as a double: not exact */
	assert_kv(m.v[0].bytes_key, 4);
	assert_unset(m.v[0].bytes_value);
	assert_unset(m.v[0].max_entries);
	assert_unset(m.v[0].bytes_memlock);
	assert_kv(m.v[0].frozen, 1);
	assert_unset(m.v[0].btf_id);
	assert_diag(d, 5, "map 0: 'id' is not a usable number");
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_duplicate_key_last_wins(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	/* JSON is the exception to "first wins": jansson keeps the last. */
	assert_int_equal(parse("[{\"id\":1,\"id\":2,\"bytes_key\":4}]", &m, &d), 0);
	assert_kv(m.v[0].id, 2);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.msg, "duplicate object key"));
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_plain_hostile(void **state)
{
	static const char buf[] =
		"Warning: something\n"
		"7: type 99  name new_one  flags 0xZZ\n"
		"\tkey xB  value 8B  max_entries 99999999999999999999  memlock 4096B\n"
		"\tbtf_id 3  frozen\n"
		"\tpids a b(12), odd)(name(13), nopid(), x(9)\n"
		"8: lru_hash  flags 0x0\n";
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse(buf, &m, &d), 0);
	assert_int_equal(m.n, 2);
	assert_kv(m.v[0].id, 7);
	assert_kv(m.v[0].type_id, 99);
	assert_null(m.v[0].type);
	assert_string_equal(m.v[0].name, "new_one");
	assert_unset(m.v[0].flags);
	assert_unset(m.v[0].bytes_key);
	assert_kv(m.v[0].bytes_value, 8);
	assert_unset(m.v[0].max_entries);
	assert_kv(m.v[0].bytes_memlock, 4096);
	assert_kv(m.v[0].btf_id, 3);
	assert_kv(m.v[0].frozen, 1);
	assert_int_equal(m.v[0].npids, 3);
	assert_string_equal(m.v[0].pids[0].comm, "a b");
	assert_int_equal(m.v[0].pids[0].pid, 12);
	assert_string_equal(m.v[0].pids[1].comm, "odd)(name");
	assert_int_equal(m.v[0].pids[1].pid, 13);
	/* "nopid()" has no pid: it is part of the next entry's comm. */
	assert_string_equal(m.v[0].pids[2].comm, "nopid(), x");
	assert_int_equal(m.v[0].pids[2].pid, 9);
	assert_string_equal(m.v[1].type, "lru_hash");
	assert_kv(m.v[1].flags, 0);
	assert_diag(d, 4, "line 1: not bpftool output: 'Warning: something', skipped");
	bpftool_maps_free(&m);
}

static void test_parse_bpftool_maps_long_strings_skipped(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char long_name[300];

	(void)state;
	/* The kernel's names are 16 bytes: 257 is no map's, 256 still passes. */
	memset(long_name, 'n', sizeof(long_name));
	strbuf_addf(&sb, "[{\"id\":1,\"type\":\"hash\",\"name\":\"%.*s\",\"bytes_key\":4,"
		    "\"pids\":[{\"pid\":9,\"comm\":\"%.*s\"}]},"
		    "{\"id\":2,\"name\":\"%.*s\",\"bytes_key\":4}]",
		    257, long_name, 300, long_name, 256, long_name);
	assert_int_equal(parse_bpftool_maps(sb.buf, sb.len, &m, &d), 0);
	assert_int_equal(m.n, 2);
	assert_kv(m.v[0].id, 1);
	assert_null(m.v[0].name);
	assert_string_equal(m.v[0].type, "hash");
	assert_kv(m.v[0].bytes_key, 4);
	assert_int_equal(m.v[0].npids, 1);
	assert_int_equal(m.v[0].pids[0].pid, 9);
	assert_null(m.v[0].pids[0].comm);
	assert_int_equal(strlen(m.v[1].name), 256);
	assert_diag(d, 2, "map 0: 'name' is 257 bytes long, skipped");
	bpftool_maps_free(&m);
	strbuf_reset(&sb);

	memset(&d, 0, sizeof(d));
	strbuf_addf(&sb, "3: hash  name %.*s  flags 0x0\n\tkey 4B  value 8B  max_entries 1  memlock 4096B\n",
		    300, long_name);
	assert_int_equal(parse_bpftool_maps(sb.buf, sb.len, &m, &d), 0);
	assert_int_equal(m.n, 1);
	assert_null(m.v[0].name);
	assert_kv(m.v[0].max_entries, 1);
	assert_diag(d, 1, "line 1: 'name' is 300 bytes long, skipped");
	bpftool_maps_free(&m);
	strbuf_release(&sb);
}

static void test_parse_bpftool_maps_big_inputs_linear(void **state)
{
	struct bpftool_maps m = { 0 };
	struct parse_diag d = { 0 };
	struct strbuf sb = STRBUF_INIT;
	double t0;
	char *big;
	size_t len, i;

	(void)state;
	/* A 50 MB map name: parsed in linear time, then skipped. */
	big = tp_long_line("[{\"id\":1,\"type\":\"hash\",\"name\":\"", 'n', SIZE_50M,
			   "\",\"bytes_key\":4}]", &len);
	t0 = tp_now();
	assert_int_equal(parse_bpftool_maps(big, len, &m, &d), 0);
	if (tp_timing_applies())
		assert_true(tp_now() - t0 < 2.0);
	assert_int_equal(m.n, 1);
	assert_null(m.v[0].name);
	assert_int_equal(d.count, 1);
	bpftool_maps_free(&m);
	free(big);

	/* 100,000 maps, every one with a duplicate key: diag stays linear. */
	strbuf_addch(&sb, '[');
	for (i = 0; i < 100000; i++)
		strbuf_addf(&sb, "%s{\"id\":%zu,\"id\":%zu,\"type\":\"hash\",\"bytes_key\":4,"
			    "\"bytes_value\":8,\"max_entries\":1,\"bytes_memlock\":4096,"
			    "\"pids\":[{\"pid\":%zu,\"comm\":\"x\"}]}",
			    i ? "," : "", i, i, i + 1);
	strbuf_addch(&sb, ']');
	memset(&d, 0, sizeof(d));
	t0 = tp_now();
	assert_int_equal(parse_bpftool_maps(sb.buf, sb.len, &m, &d), 0);
	if (tp_timing_applies())
		assert_true(tp_now() - t0 < 3.0);
	assert_int_equal(m.n, 100000);
	assert_int_equal(d.count, 100000);
	assert_int_equal(m.v[99999].pids[0].pid, 100000);
	bpftool_maps_free(&m);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bpftool_maps_compact_array_pids),
		cmocka_unit_test(test_parse_bpftool_maps_pretty_single_object),
		cmocka_unit_test(test_parse_bpftool_maps_plain_text),
		cmocka_unit_test(test_parse_bpftool_maps_error_object_truncated),
		cmocka_unit_test(test_parse_bpftool_maps_link_listing_is_not_maps),
		cmocka_unit_test(test_parse_bpftool_maps_all_fields),
		cmocka_unit_test(test_parse_bpftool_maps_old_hex_flags),
		cmocka_unit_test(test_parse_bpftool_maps_negative_memlock),
		cmocka_unit_test(test_parse_bpftool_maps_error_inside_array),
		cmocka_unit_test(test_parse_bpftool_maps_empty_array),
		cmocka_unit_test(test_parse_bpftool_maps_empty_garbage),
		cmocka_unit_test(test_parse_bpftool_maps_truncated),
		cmocka_unit_test(test_parse_bpftool_maps_invalid_json),
		cmocka_unit_test(test_parse_bpftool_maps_depth_bomb),
		cmocka_unit_test(test_parse_bpftool_maps_nul_bytes),
		cmocka_unit_test(test_parse_bpftool_maps_numbers),
		cmocka_unit_test(test_parse_bpftool_maps_duplicate_key_last_wins),
		cmocka_unit_test(test_parse_bpftool_maps_plain_hostile),
		cmocka_unit_test(test_parse_bpftool_maps_long_strings_skipped),
		cmocka_unit_test(test_parse_bpftool_maps_big_inputs_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
