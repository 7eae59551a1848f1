/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: mountinfo_parse_cgroups() (collect/cgroup.c), which
 * reads proc/1/mountinfo of the tree being captured to find the memory
 * hierarchy when statfs sees none (a --root tree, a container's view).
 *
 * Contract (collect/collect.h): 0 when a memory hierarchy was found (a
 * mount point is set), -ENOENT when not, -EINVAL when no line had the
 * shape of mountinfo (then nothing is set); every field is a string that
 * ends inside its array; v1_memory implies any_v1.
 */
#include "collect/collect.h"
#include "tests/fuzz/fuzz.h"

static void check_field(const char *f, size_t n)
{
	FUZZ_CHECK(memchr(f, '\0', n) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mountinfo_cgroup mi;
	int r;

	/* what a previous call or the caller left there must not matter */
	memset(&mi, 0x5a, sizeof(mi));
	r = mountinfo_parse_cgroups((const char *)data, size, &mi);
	FUZZ_CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
	check_field(mi.v1_memory, sizeof(mi.v1_memory));
	check_field(mi.v1_memory_root, sizeof(mi.v1_memory_root));
	check_field(mi.v2, sizeof(mi.v2));
	check_field(mi.v2_root, sizeof(mi.v2_root));
	FUZZ_CHECK(r != 0 || mi.v1_memory[0] || mi.v2[0]);
	FUZZ_CHECK(r != -ENOENT || (!mi.v1_memory[0] && !mi.v2[0]));
	if (r == -EINVAL)
		FUZZ_CHECK(!mi.v1_memory[0] && !mi.v1_memory_root[0] && !mi.v2[0] &&
			   !mi.v2_root[0] && !mi.any_v1);
	FUZZ_CHECK(!mi.v1_memory[0] || mi.any_v1);
	return 0;
}
