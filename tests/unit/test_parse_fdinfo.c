/* SPDX-License-Identifier: MIT */
/*
 * parse_bpf_fdinfo() and bpf_map_type_name(): fixtures written from
 * kernel/bpf/syscall.c bpf_map_show_fdinfo()'s format strings (see
 * tests/fixtures/parse/README.md), hostile input.
 */
#include "tests/unit/test_parse_util.h"

static int parse_fixture(const char *name, struct bpf_fdinfo *f,
			 struct parse_diag *d)
{
	size_t len;
	char *buf = tp_fixture(name, &len);
	int r = parse_bpf_fdinfo(buf, len, f, d);

	free(buf);
	return r;
}

static void test_parse_bpf_fdinfo_hash_6x(void **state)
{
	struct bpf_fdinfo f = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("bpf-fdinfo-hash-6.x.txt", &f, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(f.pos, 0);
	assert_kv(f.flags, 02000002);           /* octal: O_CLOEXEC|O_RDWR */
	assert_kv(f.mnt_id, 15);
	assert_kv(f.ino, 1057);
	assert_kv(f.map_type, 1);
	assert_string_equal(bpf_map_type_name(f.map_type.v), "hash");
	assert_kv(f.key_size, 4);
	assert_kv(f.value_size, 8);
	assert_kv(f.max_entries, 2048);
	assert_kv(f.map_flags, 0);
	assert_kv(f.map_extra, 0);
	assert_kv(f.memlock, 167936);
	assert_kv(f.map_id, 10);
	assert_kv(f.frozen, 0);
	assert_unset(f.owner_prog_type);
	assert_unset(f.owner_jited);
	assert_int_equal(f.extra.n, 0);
	bpf_fdinfo_free(&f);
}

static void test_parse_bpf_fdinfo_prog_array_owner(void **state)
{
	struct bpf_fdinfo f = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("bpf-fdinfo-prog_array-owner.txt", &f, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(f.map_type, 3);
	assert_string_equal(bpf_map_type_name(3), "prog_array");
	assert_kv(f.max_entries, 16);
	assert_kv(f.map_id, 42);
	assert_kv(f.owner_prog_type, 2);
	assert_kv(f.owner_jited, 1);
	bpf_fdinfo_free(&f);
}

static void test_parse_bpf_fdinfo_bloom_map_extra(void **state)
{
	struct bpf_fdinfo f = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("bpf-fdinfo-bloom_filter-map_extra.txt", &f, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(f.map_type, 30);
	assert_string_equal(bpf_map_type_name(30), "bloom_filter");
	assert_kv(f.key_size, 0);
	assert_kv(f.map_extra, 5);              /* "0x5" */
	assert_kv(f.memlock, 16384);
	assert_kv(f.frozen, 1);
	bpf_fdinfo_free(&f);
}

static void test_parse_bpf_fdinfo_4_13_no_map_id(void **state)
{
	struct bpf_fdinfo f = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("bpf-fdinfo-hash-4.13-no-map_id.txt", &f, &d), 0);
	assert_int_equal(d.count, 0);
	assert_kv(f.map_flags, 1);              /* "0x1", BPF_F_NO_PREALLOC */
	assert_kv(f.memlock, 90112);
	assert_unset(f.map_id);
	assert_unset(f.frozen);
	assert_unset(f.map_extra);
	assert_unset(f.ino);
	bpf_fdinfo_free(&f);
}

static void test_bpf_map_type_name_table(void **state)
{
	(void)state;
	assert_string_equal(bpf_map_type_name(0), "unspec");
	assert_string_equal(bpf_map_type_name(9), "lru_hash");
	assert_string_equal(bpf_map_type_name(15), "sockmap");
	assert_string_equal(bpf_map_type_name(18), "sockhash");
	assert_string_equal(bpf_map_type_name(19), "cgroup_storage");
	assert_string_equal(bpf_map_type_name(27), "ringbuf");
	assert_string_equal(bpf_map_type_name(32), "cgrp_storage");
	assert_string_equal(bpf_map_type_name(33), "arena");
	assert_null(bpf_map_type_name(1000));
	assert_null(bpf_map_type_name(UINT64_MAX));
}

static void test_parse_bpf_fdinfo_not_a_map(void **state)
{
	/* A regular file's fdinfo, and a BPF program's. */
	static const char file[] = "pos:\t0\nflags:\t0100000\nmnt_id:\t29\nino:\t12\n";
	static const char prog[] =
		"pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\n"
		"prog_type:\t8\nprog_jited:\t1\nprog_tag:\t7be49e3934a125ba\n"
		"memlock:\t4096\nprog_id:\t2\n";
	struct bpf_fdinfo f = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_bpf_fdinfo(file, sizeof(file) - 1, &f, &d), -EINVAL);
	assert_diag(d, 1, "no 'map_type': not the fdinfo of a BPF map");
	bpf_fdinfo_free(&f);
	assert_int_equal(parse_bpf_fdinfo(prog, sizeof(prog) - 1, &f, NULL), -EINVAL);
	bpf_fdinfo_free(&f);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_bpf_fdinfo("", 0, &f, &d), -EINVAL);
	assert_diag(d, 1, "empty file");
	bpf_fdinfo_free(&f);
}

static void test_parse_bpf_fdinfo_hostile(void **state)
{
	static const char buf[] =
		"pos:\t0\n"
		"flags:\t0900\n"                        /* not octal */
		"map_type:\t1\n"
		"map_flags:\t0xZZ\n"
		"map_extra:\t0x10000000000000000\n"     /* 2^64 */
		"memlock:\t-4096\n"
		"max_entries:\t18446744073709551616\n"
		"key_size:\t4\n"
		"key_size:\t8\n"                        /* duplicate */
		"raw_pressure:\t12\n"                   /* unknown: kept */
		"map_id:\t7\r\n";
	struct bpf_fdinfo f = { 0 };
	struct parse_diag d = { 0 };
	char *g = tp_garbage(1u << 20, 99), *big;
	size_t len;

	(void)state;
	assert_int_equal(parse_bpf_fdinfo(buf, sizeof(buf) - 1, &f, &d), 0);
	assert_unset(f.flags);
	assert_kv(f.map_type, 1);
	assert_unset(f.map_flags);
	assert_unset(f.map_extra);
	assert_unset(f.memlock);
	assert_unset(f.max_entries);
	assert_kv(f.key_size, 4);
	assert_kv(f.map_id, 7);
	assert_int_equal(f.extra.n, 1);
	assert_string_equal(f.extra.v[0].key, "raw_pressure");
	assert_diag(d, 6, "line 2: invalid number '0900' for 'flags'");
	bpf_fdinfo_free(&f);

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_bpf_fdinfo(g, 1u << 20, &f, &d), -EINVAL);
	bpf_fdinfo_free(&f);
	free(g);

	big = tp_long_line("map_type:\t1\nmemlock:\t", '7', SIZE_50M, "\n", &len);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_bpf_fdinfo(big, len, &f, &d), 0);
	assert_kv(f.map_type, 1);
	assert_unset(f.memlock);
	assert_int_equal(d.count, 1);
	bpf_fdinfo_free(&f);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bpf_fdinfo_hash_6x),
		cmocka_unit_test(test_parse_bpf_fdinfo_prog_array_owner),
		cmocka_unit_test(test_parse_bpf_fdinfo_bloom_map_extra),
		cmocka_unit_test(test_parse_bpf_fdinfo_4_13_no_map_id),
		cmocka_unit_test(test_bpf_map_type_name_table),
		cmocka_unit_test(test_parse_bpf_fdinfo_not_a_map),
		cmocka_unit_test(test_parse_bpf_fdinfo_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
