/* SPDX-License-Identifier: MIT */
/*
 * status_sample_parse(): a later sample's status, against parse_status() on
 * every real sample, on the collector's cut of it (sample_status_lines()),
 * on mutated copies, and the shapes it leaves to parse_status().
 */
#include "tests/unit/test_parse_util.h"

#include <dirent.h>

#include "analyze/parse/status_sample.h"
#include "collect/collect.h"

/* When the fast parser answers, its answer is parse_status()'s. */
static bool agrees(const char *buf, size_t len)
{
	struct proc_status s = { 0 };
	struct parse_diag d = { 0 };
	struct status_sample f, g;
	bool ok = status_sample_parse(buf, len, &f);

	if (ok) {
		assert_int_equal(parse_status(buf, len, &s, &d), 0);
		status_sample_of(&s, &g);
		assert_true(!f.name || (f.name >= buf && f.name + f.name_len <= buf + len));
		assert_true(status_sample_same(&f, &g));
		proc_status_free(&s);
	}
	return ok;
}

/* Calls fn on every real status sample (skips where there are none). */
static void each_sample(void (*fn)(const char *name, char *buf, size_t len))
{
	struct strbuf path = STRBUF_INIT;
	const char *top = ts_samples_dir();
	struct dirent *de;
	size_t n = 0;
	DIR *dir;

	strbuf_addf(&path, "%s/status", top);
	dir = opendir(path.buf);
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		size_t len;
		char *buf;

		if (de->d_name[0] == '.')
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/status/%s", top, de->d_name);
		buf = tp_read_path(path.buf, &len);
		fn(de->d_name, buf, len);
		free(buf);
		n++;
	}
	closedir(dir);
	strbuf_release(&path);
	assert_true(n >= 5);
}

static void whole(const char *name, char *buf, size_t len)
{
	if (!agrees(buf, len))
		fail_msg("'%s': not read by status_sample_parse()", name);
}

static void test_status_sample_parse_real_samples(void **state)
{
	(void)state;
	each_sample(whole);
}

/* What the collector keeps of a later sample's status is enough, and the
 * same values. */
static void cut(const char *name, char *buf, size_t len)
{
	struct status_sample full, part;
	char *comm;
	size_t n;

	assert_true(status_sample_parse(buf, len, &full));
	/* the collector reads the kernel's file, never an indented copy */
	if (buf[0] == ' ' || buf[0] == '\n')
		return;
	comm = xstrndup(full.name, full.name_len);
	full.name = comm;       /* the cut is done in place */
	n = sample_status_lines(buf, len);
	assert_true(n < len);
	if (!agrees(buf, n))
		fail_msg("'%s': its cut is not read by status_sample_parse()", name);
	assert_true(status_sample_parse(buf, n, &part));
	assert_true(status_sample_same(&full, &part));
	free(comm);
}

static void test_status_sample_parse_collector_cut(void **state)
{
	(void)state;
	each_sample(cut);
}

/* Every byte of a real sample changed, one at a time, to a few values. */
static void mutate(const char *name, char *buf, size_t len)
{
	static const char subst[] = { '\0', '\n', ':', ' ', '\t', 'x', '9', '\r', 'K' };
	size_t i, j;

	(void)name;
	for (i = 0; i < len; i++) {
		char was = buf[i];

		for (j = 0; j < sizeof(subst); j++) {
			buf[i] = subst[j];
			(void)agrees(buf, len);
		}
		buf[i] = was;
	}
	/* and every prefix: a file cut short */
	for (i = 0; i <= len; i++)
		(void)agrees(buf, i);
}

static void test_status_sample_parse_mutations_agree(void **state)
{
	(void)state;
	each_sample(mutate);
}

static void test_status_sample_parse_garbage_agrees(void **state)
{
	uint32_t seed;

	(void)state;
	for (seed = 1; seed < 200; seed++) {
		char *b = tp_garbage(512, seed);

		(void)agrees(b, 512);
		free(b);
	}
}

static void test_status_sample_parse_plain(void **state)
{
	static const char s[] = "Name:\tnginx: worker\nUmask:\t0022\n"
		"VmRSS:\t    4096 kB\nRssAnon:\t    1024 kB\n"
		"RssFile:\t    3072 kB\nRssShmem:\t       0 kB\n"
		"VmSwap:\t       8 kB\nThreads:\t1\n";
	struct status_sample f;

	(void)state;
	assert_true(status_sample_parse(s, sizeof(s) - 1, &f));
	assert_int_equal(f.name_len, strlen("nginx: worker"));
	assert_memory_equal(f.name, "nginx: worker", f.name_len);
	assert_kv(f.vm_rss, 4096 * KB);
	assert_kv(f.rss_anon, 1024 * KB);
	assert_kv(f.rss_file, 3072 * KB);
	assert_kv(f.rss_shmem, 0);
	assert_kv(f.vm_swap, 8 * KB);
	/* a kernel thread: no sizes, unset (NULL), not 0 */
	assert_true(status_sample_parse("Name:\tkworker/0:1\nPid:\t9\n", 24, &f));
	assert_unset(f.vm_rss);
	assert_unset(f.vm_swap);
	assert_true(agrees(s, sizeof(s) - 1));
}

/* The shapes parse_status() has to say something about: left to it. */
static void test_status_sample_parse_odd_left_to_parse_status(void **state)
{
	static const char *const odd[] = {
		"",
		"\n\n",
		"Pid:\t5\nTgid:\t5\n",                        /* no read key */
		"Name:\ta\nVmRSS:\t1 kB\nVmRSS:\t2 kB\n",      /* twice */
		"Name:\ta\nName:\tb\n",
		"Name:\ta\nVmRSS:\t12\n",                      /* no kB: truncated */
		"Name:\ta\nVmRSS:\tx kB\n",
		"Name:\ta\nVmRSS:\t-1 kB\n",
		"Name:\ta\nVmRSS:\t99999999999999999999 kB\n",
		"Name:\ta\nVmRSS:\t18014398509481984 kB\n",    /* 2^54 kB: >= 2^64 bytes */
		"Name:\ta\nno colon here\n",
	};
	struct status_sample f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(odd); i++)
		if (status_sample_parse(odd[i], strlen(odd[i]), &f))
			fail_msg("read '%s'", odd[i]);
	/* a NUL in Name */
	assert_false(status_sample_parse("Name:\ta\0b\nVmRSS:\t1 kB\n", 22, &f));
}

/* The collector's cut: the read lines and Tgid/PPid, whole, in order. */
static void test_sample_status_lines_keeps_read_keys(void **state)
{
	char s[] = "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t7\n"
		"Ngid:\t0\nPid:\t7\nPPid:\t1\nVmRSSx:\t1 kB\nVmRSS:\t  4 kB\n"
		"RssAnon:\t1 kB\nRssFile:\t3 kB\nRssShmem:\t0 kB\nVmSwap:\t0 kB\n"
		"Threads:\t1\nName\nVmSwap:\t9 kB";
	static const char want[] = "Name:\tsh\nTgid:\t7\nPPid:\t1\nVmRSS:\t  4 kB\n"
		"RssAnon:\t1 kB\nRssFile:\t3 kB\nRssShmem:\t0 kB\nVmSwap:\t0 kB\n"
		"VmSwap:\t9 kB";
	size_t n;

	(void)state;
	n = sample_status_lines(s, strlen(s));
	assert_int_equal(n, strlen(want));
	assert_memory_equal(s, want, n);
	assert_int_equal(sample_status_lines(s, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_status_lines_keeps_read_keys),
		cmocka_unit_test(test_status_sample_parse_plain),
		cmocka_unit_test(test_status_sample_parse_odd_left_to_parse_status),
		cmocka_unit_test(test_status_sample_parse_real_samples),
		cmocka_unit_test(test_status_sample_parse_collector_cut),
		cmocka_unit_test(test_status_sample_parse_mutations_agree),
		cmocka_unit_test(test_status_sample_parse_garbage_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
