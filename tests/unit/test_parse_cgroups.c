/* SPDX-License-Identifier: MIT */
/*
 * parse_proc_cgroups() (v1 /proc/cgroups) and cgroup.stat through
 * parse_kv_list(), on the cgroup-dying samples; memory.events on the
 * memory-high samples (grep dumps and condensed copies are turned back into
 * the kernel's file at test time).
 */
#include "tests/unit/test_parse_util.h"

#define DYING "cgroup-dying/"

static void test_parse_proc_cgroups_real(void **state)
{
	static const char real[] =
		"#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
		"cpuset\t3\t1\t1\ncpu\t4\t68\t1\ncpuacct\t4\t68\t1\n"
		"memory\t5\t22563\t1\nhugetlb\t0\t1\t1\n";
	struct proc_cgroups c = { 0 };
	struct parse_diag d = { 0 };
	const struct proc_cgroups_row *m;

	(void)state;
	assert_int_equal(parse_proc_cgroups(real, sizeof(real) - 1, &c, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(c.n, 5);
	m = proc_cgroups_get(&c, "memory");
	assert_non_null(m);
	assert_kv(m->hierarchy, 5);
	assert_kv(m->num_cgroups, 22563);
	assert_kv(m->enabled, 1);
	assert_kv(proc_cgroups_get(&c, "hugetlb")->hierarchy, 0);
	assert_null(proc_cgroups_get(&c, "pids"));
	proc_cgroups_free(&c);
	proc_cgroups_free(NULL);
}

/* A kernel that prints fewer (or other) columns: the header says which. */
static void test_parse_proc_cgroups_columns(void **state)
{
	static const char old[] = "#subsys_name\thierarchy\tnum_cgroups\n"
				  "memory\t2\t40\n";
	static const char reordered[] = "#subsys_name num_cgroups enabled\n"
					"memory 12 1\n";
	static const char noheader[] = "memory 5 7 1\n";
	struct proc_cgroups c = { 0 };
	struct parse_diag d = { 0 };

	(void)state;
	assert_int_equal(parse_proc_cgroups(old, sizeof(old) - 1, &c, &d), 0);
	assert_kv(c.v[0].num_cgroups, 40);
	assert_unset(c.v[0].enabled);
	proc_cgroups_free(&c);
	assert_int_equal(parse_proc_cgroups(reordered, sizeof(reordered) - 1, &c, &d), 0);
	assert_kv(c.v[0].num_cgroups, 12);
	assert_kv(c.v[0].enabled, 1);
	assert_unset(c.v[0].hierarchy);
	proc_cgroups_free(&c);
	assert_int_equal(parse_proc_cgroups(noheader, sizeof(noheader) - 1, &c, &d), 0);
	assert_kv(c.v[0].num_cgroups, 7);
	proc_cgroups_free(&c);
	assert_int_equal(d.count, 0);
}

static void test_parse_proc_cgroups_samples(void **state)
{
	struct proc_cgroups c = { 0 };
	struct parse_diag d = { 0 };
	size_t len;
	char *buf;

	(void)state;
	/* Shell session: prompts and an annotated line are skipped; the first
	   memory row (65535, at the ID limit) counts, the second is a duplicate. */
	buf = tp_sample(DYING "k8s-gh61937-2018-centos7-3.10-proc-cgroups-65535-enospc.txt", &len);
	assert_int_equal(parse_proc_cgroups(buf, len, &c, &d), 0);
	assert_int_equal(c.n, 1);
	assert_kv(proc_cgroups_get(&c, "memory")->num_cgroups, 65535);
	assert_kv(c.v[0].hierarchy, 11);
	assert_true(d.count > 0);
	proc_cgroups_free(&c);
	free(buf);

	memset(&d, 0, sizeof(d));
	buf = tp_sample(DYING "moby-gh29638-2016-kernel4.6-proc-cgroups-memory-22563-vs-61-dirs.txt", &len);
	assert_int_equal(parse_proc_cgroups(buf, len, &c, &d), 0);
	assert_int_equal(c.n, 1);
	assert_kv(c.v[0].num_cgroups, 22563);
	proc_cgroups_free(&c);
	free(buf);
}

static void test_parse_proc_cgroups_hostile(void **state)
{
	struct proc_cgroups c = { 0 };
	struct parse_diag d = { 0 };
	size_t len, i;
	char *buf;

	(void)state;
	assert_int_equal(parse_proc_cgroups("", 0, &c, &d), -EINVAL);
	assert_string_equal(d.msg, "empty file");
	assert_int_equal(parse_proc_cgroups(NULL, 0, &c, NULL), -EINVAL);
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse_proc_cgroups("memory 5 -1 1\nmemory 5 99999999999999999999 1\n",
					    46, &c, &d), -EINVAL);
	assert_int_equal(d.count, 3); /* two rows, then "no controller row found" */
	/* truncated in the middle of a row */
	assert_int_equal(parse_proc_cgroups("#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t5\t22",
					    53, &c, NULL), -EINVAL);
	buf = tp_garbage(1 << 20, 7);
	parse_proc_cgroups(buf, 1 << 20, &c, NULL);
	proc_cgroups_free(&c);
	free(buf);
	/* many distinct rows stay bounded */
	{
		struct strbuf sb = STRBUF_INIT;

		for (i = 0; i < 5000; i++)
			strbuf_addf(&sb, "c%zu 1 1 1\n", i);
		assert_int_equal(parse_proc_cgroups(sb.buf, sb.len, &c, NULL), 0);
		assert_int_equal(c.n, 256);
		proc_cgroups_free(&c);
		strbuf_release(&sb);
	}
	buf = tp_long_line("memory ", '1', SIZE_50M, " 1 1\n", &len);
	assert_int_equal(parse_proc_cgroups(buf, len, &c, NULL), -EINVAL);
	free(buf);
}

/* cgroup.stat: old two-key files and the 6.12 nr_subsys_* / nr_dying_subsys_* keys. */
static void test_parse_cgroup_stat_samples(void **state)
{
	static const char *const files[] = {
		DYING "lkml-20240730-longman-v7-root-cgroup-stat-nr_dying_subsys_memory.txt",
		DYING "lkml-20240730-longman-v7-system.slice-cgroup-stat-30-dying-of-34.txt",
	};
	static const uint64_t desc[] = { 56, 34 };
	struct kv_list l = { 0 };
	size_t len, i;
	uint64_t v;
	char *buf;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct parse_diag d = { 0 };

		buf = tp_sample(files[i], &len);
		assert_int_equal(parse_kv_list(buf, len, &l, &d), 0);
		assert_int_equal(d.count, 0);
		assert_true(kv_list_get(&l, "nr_descendants", &v));
		assert_int_equal(v, desc[i]);
		assert_true(kv_list_get(&l, "nr_dying_descendants", &v));
		assert_int_equal(v, 30);
		assert_true(kv_list_get(&l, "nr_dying_subsys_memory", &v));
		assert_int_equal(v, 30);
		assert_true(kv_list_get(&l, "nr_subsys_memory", &v));
		assert_int_equal(v, desc[i]);
		kv_list_free(&l);
		free(buf);
	}
}

/*
 * The memory.events lines of a sample as the kernel's file: `grep . *`
 * dumps ("memory.events:high 0") and condensed copies ("memory.events
 * high 556267, max 0, oom_kill 0").
 */
static char *events_of(const char *buf, size_t len, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	const char *line;
	size_t pos = 0, n;

	while (next_line(buf, len, &pos, &line, &n)) {
		if (mem_starts_with(line, n, "memory.events:")) {
			strbuf_add(&sb, line + 14, n - 14);
			strbuf_addch(&sb, '\n');
		} else if (mem_starts_with(line, n, "memory.events ")) {
			size_t i;

			for (i = 14; i < n && line[i] == ' '; i++)
				;
			for (; i < n; i++) {
				if (line[i] == ',') {
					strbuf_addch(&sb, '\n');
					while (i + 1 < n && line[i + 1] == ' ')
						i++;
				} else {
					strbuf_addch(&sb, line[i]);
				}
			}
			strbuf_addch(&sb, '\n');
		}
	}
	return strbuf_detach(&sb, ret_len);
}

static void test_parse_memory_events_high_samples(void **state)
{
	struct kv_list l = { 0 };
	struct parse_diag d = { 0 };
	size_t len, elen;
	uint64_t v;
	char *buf, *ev;

	(void)state;
	buf = tp_sample("memory-high/containarium-pr1455-2026-sentinel-livelock-events-psi-stat-condensed.txt", &len);
	ev = events_of(buf, len, &elen);
	assert_int_equal(parse_kv_list(ev, elen, &l, &d), 0);
	assert_int_equal(d.count, 0);
	assert_true(kv_list_get(&l, "high", &v));
	assert_int_equal(v, 556267);
	assert_true(kv_list_get(&l, "max", &v));
	assert_int_equal(v, 0);
	assert_true(kv_list_get(&l, "oom_kill", &v));
	assert_int_equal(v, 0);
	assert_false(kv_list_get(&l, "oom_group_kill", &v));
	kv_list_free(&l);
	free(ev);
	free(buf);

	buf = tp_sample("memory-high/lkml-20180215-premont-4.15.2-v2-grep-dump-memory.current-underflow.txt", &len);
	ev = events_of(buf, len, &elen);
	assert_int_equal(parse_kv_list(ev, elen, &l, &d), 0);
	assert_true(kv_list_get(&l, "high", &v));
	assert_int_equal(v, 0);
	assert_true(kv_list_get(&l, "max", &v));
	assert_int_equal(v, 114);
	assert_true(kv_list_get(&l, "oom", &v));
	assert_int_equal(v, 15);
	assert_true(kv_list_get(&l, "oom_kill", &v));
	assert_int_equal(v, 8);
	kv_list_free(&l);
	free(ev);
	free(buf);

	/* A 6.x file: oom_group_kill too. */
	{
		static const char six[] = "low 0\nhigh 91066\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n";

		assert_int_equal(parse_kv_list(six, sizeof(six) - 1, &l, NULL), 0);
		assert_true(kv_list_get(&l, "oom_group_kill", &v));
		assert_int_equal(v, 0);
		kv_list_free(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_proc_cgroups_real),
		cmocka_unit_test(test_parse_proc_cgroups_columns),
		cmocka_unit_test(test_parse_proc_cgroups_samples),
		cmocka_unit_test(test_parse_proc_cgroups_hostile),
		cmocka_unit_test(test_parse_cgroup_stat_samples),
		cmocka_unit_test(test_parse_memory_events_high_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
