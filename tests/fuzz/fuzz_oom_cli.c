/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: `memsnap oom FILE` as a user runs it on a pasted kernel
 * log: oom_log_parse(), oom_store() into a database in memory, the reports
 * read back and rendered as text or JSON (first byte even: text; odd:
 * --json; a multiple of 4: also --page-size 64K).  The input is a memfd;
 * stdout goes to /dev/null (tests/fuzz/run adds -close_fd_mask=3 to silence
 * the error lines).  Exit status must be 0 (reports found) or 1 (none).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyze/cmds.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], arg0[] = "oom", json[] = "--json", ps[] = "--page-size=64K";
	char *argv[5];
	int argc = 0, fd, r;

	fd = memfd_create("fuzz-oom", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	argv[argc++] = arg0;
	if (size && (data[0] & 1))
		argv[argc++] = json;
	if (size && !(data[0] & 3))
		argv[argc++] = ps;
	argv[argc++] = path;
	argv[argc] = NULL;
	r = cmd_oom(argc, argv);
	FUZZ_CHECK(r == EXIT_OK || r == EXIT_PROBLEMS);
	close(fd);
	return 0;
}
