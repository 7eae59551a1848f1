/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: cgroup_self_path() (collect/cgroup.c), which finds the
 * collector's own memory cgroup in /proc/self/cgroup so it can leave it out.
 *
 * Contract (collect/collect.h): for v1 and v2 and any output size, `out`
 * is a terminated string inside its n bytes, never holds a newline (it is
 * one line's path), and is cut, not overrun, when the path is longer; a
 * bigger buffer gives the same path or a longer one starting with it.
 */
#include "collect/collect.h"
#include "tests/fuzz/fuzz.h"

#define GUARD 0x5a

static void one(const char *buf, size_t len, int v2, size_t n, char *out)
{
	size_t l;

	memset(out, GUARD, n + 1);
	cgroup_self_path(buf, len, v2, out, n);
	FUZZ_CHECK(memchr(out, '\0', n) != NULL);
	FUZZ_CHECK((unsigned char)out[n] == GUARD);
	l = strlen(out);
	FUZZ_CHECK(l < n);
	FUZZ_CHECK(memchr(out, '\n', l) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 1, 2, 16, 4096 };
	static char small[4096 + 1], big[4096 + 1];
	const char *buf = (const char *)data;
	size_t i;
	int v2;

	for (v2 = 0; v2 <= 1; v2++) {
		one(buf, size, v2, 4096, big);
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			one(buf, size, v2, sizes[i], small);
			FUZZ_CHECK(strncmp(small, big, strlen(small)) == 0);
		}
	}
	return 0;
}
