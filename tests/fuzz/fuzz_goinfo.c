/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: goinfo_read_version() on any file (collect/goinfo.c).
 * The collector opens /proc/PID/exe of every user process, so the ELF file
 * is whatever a container brought.  The bytes are a memfd's content, the
 * way the collector sees an executable: a file descriptor read with pread.
 *
 * Contract (collect/collect.h), checked beyond not crashing:
 *  - 1 with a non-empty, printable, NUL-terminated version within the
 *    buffer, found in the file's bytes (cut to the buffer: a prefix);
 *  - 0 with an empty string;
 *  - never a negative errno: a memfd cannot fail to read, so an error here
 *    is the parser's own (an offset it should have refused), and in the
 *    collector it would be recorded as a problem of a harmless program;
 *  - pread only: the file offset does not move.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "collect/collect.h"
#include "tests/fuzz/fuzz.h"
#define VERSION_N 40
#define CANARY 0xa5

static int memfd = -1;

static void load(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (memfd < 0) {
		memfd = memfd_create("fuzz-exe", MFD_CLOEXEC);
		if (memfd < 0)
			abort();
	}
	if (ftruncate(memfd, 0) < 0)
		abort();
	while (done < size) {
		ssize_t w = pwrite(memfd, data + done, size - done, (off_t)done);

		if (w <= 0)
			abort();
		done += (size_t)w;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ver[VERSION_N + 16];
	size_t i, len;
	int r;

	load(data, size);
	memset(ver, CANARY, sizeof(ver));
	r = goinfo_read_version(memfd, ver, VERSION_N);
	FUZZ_CHECK(r == 0 || r == 1);
	FUZZ_CHECK(lseek(memfd, 0, SEEK_CUR) == 0);
	for (i = VERSION_N; i < sizeof(ver); i++)
		FUZZ_CHECK((unsigned char)ver[i] == CANARY);
	FUZZ_CHECK(memchr(ver, '\0', VERSION_N) != NULL);
	len = strlen(ver);
	if (r == 0) {
		FUZZ_CHECK(len == 0);
		return 0;
	}
	FUZZ_CHECK(len > 0 && len < VERSION_N);
	for (i = 0; i < len; i++)
		FUZZ_CHECK(ver[i] >= 0x20 && ver[i] <= 0x7e);
	FUZZ_CHECK(memmem(data, size, ver, len) != NULL);
	return 0;
}
