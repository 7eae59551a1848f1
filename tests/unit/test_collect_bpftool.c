/* SPDX-License-Identifier: MIT */
/*
 * The command runner behind the bpftool source: exit status, signals,
 * stdout/stderr capture and caps, the time limit (whole process group
 * killed), the stop flag, spawn failures; and the PATH lookup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <time.h>

#include "tests/unit/test_collect_util.h"

static int run_sh(const char *script, unsigned timeout_ms, atomic_int *stop,
		  struct strbuf *out, size_t out_max, struct strbuf *err,
		  struct cmd_result *res)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	return cmd_run(argv, timeout_ms, stop, out, out_max, err, 4096, res);
}

static void test_cmd_run_exit_status_and_output(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct cmd_result res;

	(void)state;
	assert_int_equal(run_sh("echo '[{\"id\":1}]'; echo oops >&2; exit 3",
				5000, NULL, &out, 1 << 20, &err, &res), 0);
	assert_int_equal(res.exit_status, 3);
	assert_int_equal(res.signal, 0);
	assert_false(res.timed_out);
	assert_string_equal(out.buf, "[{\"id\":1}]\n");
	assert_string_equal(err.buf, "oops\n");
	strbuf_release(&out);
	strbuf_release(&err);
}

/* The environment is minimal and stdin is /dev/null. */
static void test_cmd_run_clean_environment(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct cmd_result res;

	(void)state;
	setenv("MEMSNAP_TEST_SECRET", "x", 1);
	assert_int_equal(run_sh("env | grep -c MEMSNAP_TEST_SECRET; cat; echo $LC_ALL",
				5000, NULL, &out, 1 << 20, &err, &res), 0);
	assert_string_equal(out.buf, "0\nC\n");
	unsetenv("MEMSNAP_TEST_SECRET");
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_cmd_run_killed_by_signal(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct cmd_result res;

	(void)state;
	assert_int_equal(run_sh("kill -SEGV $$", 5000, NULL, &out, 1 << 20,
				&err, &res), 0);
	assert_int_equal(res.exit_status, -1);
	assert_int_equal(res.signal, SIGSEGV);
	strbuf_release(&out);
	strbuf_release(&err);
}

/* Past the time limit the whole process group dies, children too. */
static void test_cmd_run_time_limit_kills_group(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct cmd_result res;
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	uint64_t child;

	(void)state;
	assert_int_equal(run_sh("sleep 30 & echo $!; sleep 30", 300, NULL, &out,
				1 << 20, &err, &res), 0);
	assert_true(now_ns(CLOCK_MONOTONIC) - t0 < 2000000000ull);
	assert_true(res.timed_out);
	assert_int_equal(res.signal, SIGKILL);
	assert_true(res.elapsed_ms >= 300);
	out.buf[strcspn(out.buf, "\n")] = '\0';
	assert_int_equal(parse_u64(out.buf, strlen(out.buf), &child), 0);
	usleep(100 * 1000);
	/* Gone, or a zombie waiting for its new parent to reap it. */
	{
		char path[64];
		struct strbuf st = STRBUF_INIT;

		snprintf(path, sizeof(path), "/proc/%llu/status",
			 (unsigned long long)child);
		if (read_file_at(AT_FDCWD, path, &st, 4096) == 0)
			assert_non_null(strstr(st.buf, "State:\tZ"));
		strbuf_release(&st);
	}
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_cmd_run_stdout_cap(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct cmd_result res;

	(void)state;
	assert_int_equal(run_sh("head -c 300000 /dev/zero", 5000, NULL, &out,
				1000, &err, &res), 0);
	assert_int_equal(res.exit_status, 0);
	assert_true(res.stdout_truncated);
	assert_int_equal(out.len, 1000);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_cmd_run_stop_flag(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct cmd_result res;
	atomic_int stop = 1;
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);

	(void)state;
	assert_int_equal(run_sh("sleep 30", 20000, &stop, &out, 1 << 20, &err,
				&res), 0);
	assert_true(now_ns(CLOCK_MONOTONIC) - t0 < 1000000000ull);
	assert_false(res.timed_out);
	assert_int_equal(res.signal, SIGKILL);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_cmd_run_spawn_fails(void **state)
{
	const char *argv[] = { "/nonexistent/bpftool", "map", "-j", NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct cmd_result res;

	(void)state;
	assert_int_equal(cmd_run(argv, 1000, NULL, &out, 100, &err, 100, &res),
			 -ENOENT);
	assert_int_equal(res.spawn_err, ENOENT);
	assert_int_equal(res.exit_status, -1);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_cmd_find_on_path(void **state)
{
	struct strbuf p = STRBUF_INIT;

	(void)state;
	assert_int_equal(cmd_find("sh", "/nonexistent:/bin:/usr/bin", &p), 0);
	assert_string_equal(p.buf, "/bin/sh");
	assert_int_equal(cmd_find("memsnap-no-such-tool", "/bin:/usr/bin", &p), -ENOENT);
	/* A directory named like the tool is not the tool. */
	assert_int_equal(cmd_find("bin", "/", &p), -ENOENT);
	strbuf_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_run_exit_status_and_output),
		cmocka_unit_test(test_cmd_run_clean_environment),
		cmocka_unit_test(test_cmd_run_killed_by_signal),
		cmocka_unit_test(test_cmd_run_time_limit_kills_group),
		cmocka_unit_test(test_cmd_run_stdout_cap),
		cmocka_unit_test(test_cmd_run_stop_flag),
		cmocka_unit_test(test_cmd_run_spawn_fails),
		cmocka_unit_test(test_cmd_find_on_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
