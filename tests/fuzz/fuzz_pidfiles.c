/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the small process files, each on the same bytes:
 * parse_oom_score_adj(), parse_cmdline(), parse_pid_list() (cgroup.procs)
 * and parse_setting().  Beyond parse.h's contract: a score is in
 * -1000..1000, a command line has no NUL and is no longer than the file,
 * every pid is 1..2^31-1, a setting lies inside the file.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *s;
	struct pid_list p = { 0 };
	struct parse_diag d = { 0 };
	char *cmd;
	int64_t adj;
	size_t i, n;
	int r;

	r = parse_oom_score_adj(buf, size, &adj, &d);
	fuzz_check_result(r, &d);
	if (r == 0)
		FUZZ_CHECK(adj >= -1000 && adj <= 1000);

	FUZZ_CHECK(parse_cmdline(buf, size, &cmd, &n) == 0);
	FUZZ_CHECK(n <= size && strlen(cmd) == n);
	free(cmd);

	memset(&d, 0, sizeof(d));
	r = parse_pid_list(buf, size, &p, &d);
	fuzz_check_result(r, &d);
	for (i = 0; i < p.n; i++)
		FUZZ_CHECK(p.v[i] > 0 && p.v[i] <= 0x7fffffff);
	pid_list_free(&p);

	FUZZ_CHECK(parse_setting(buf, size, &s, &n) == 0);
	FUZZ_CHECK(n <= 4096 && (n == 0 || (s >= buf && s + n <= buf + size)));
	return 0;
}
