/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: proc_status_kind() (collect/proc.c), which decides from
 * /proc/PID/status whether the collector skips a kernel thread, keeps a
 * zombie's status only, or reads a user process's files.
 *
 * Contract (collect/collect.h): one of the three kinds for any bytes; the
 * answer depends on the text only (the same input twice, the same kind);
 * "Kthread: 1" on a line of its own always means a kernel thread.
 */
#include "collect/collect.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	enum proc_kind k = proc_status_kind(buf, size), k2;
	char *with;

	FUZZ_CHECK(k == PK_USER || k == PK_KTHREAD || k == PK_ZOMBIE);
	FUZZ_CHECK(proc_status_kind(buf, size) == k);
	/* the authoritative line of 6.x, appended: a kernel thread, whatever came before */
	with = malloc(size + 12);
	FUZZ_CHECK(with != NULL);
	memcpy(with, data, size);
	memcpy(with + size, "\nKthread:\t1\n", 12);
	k2 = proc_status_kind(with, size + 12);
	FUZZ_CHECK(k2 == PK_KTHREAD);
	free(with);
	return 0;
}
