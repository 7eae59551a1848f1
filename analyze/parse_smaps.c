/* SPDX-License-Identifier: MIT */
/*
 * /proc/PID/smaps_rollup (4.14+): a `start-end ---p 00000000 00:00 0
 * [rollup]` header, then `Key:   N kB` lines summed over all mappings
 * (fs/proc/task_mmu.c, show_smaps_rollup()).  The header's padding differs
 * between kernels (and between copies of it); the key set grew over time:
 * Pss_Anon/File/Shmem 5.3, Pss_Dirty 6.0, KSM 6.6; Android's 4.9/4.14
 * backports have only 14 keys.
 *
 * A whole smaps file (one block per mapping) is not this file; given one,
 * the first mapping's values are kept and every later key is reported as a
 * duplicate.
 */
#include "parse_internal.h"

#include <stddef.h>
#include <string.h>

#include "util.h"

#include "banned.h"

#define F(k, m) { k, offsetof(struct smaps_rollup, m) }
/* Sorted by key (strcmp order): kv_table_parse_opts() bsearches it. */
static const struct kv_field smaps_fields[] = {
	F("AnonHugePages", anon_huge_pages),
	F("Anonymous", anonymous),
	F("FilePmdMapped", file_pmd_mapped),    /* 5.4+ */
	F("KSM", ksm),                          /* 6.6+ */
	F("LazyFree", lazyfree),                /* 4.12+ */
	F("Locked", locked),
	F("Private_Clean", private_clean),
	F("Private_Dirty", private_dirty),
	F("Private_Hugetlb", private_hugetlb),
	F("Pss", pss),
	F("Pss_Anon", pss_anon),                /* 5.3+ */
	F("Pss_Dirty", pss_dirty),              /* 6.0+ */
	F("Pss_File", pss_file),                /* 5.3+ */
	F("Pss_Shmem", pss_shmem),              /* 5.3+ */
	F("Referenced", referenced),
	F("Rss", rss),
	F("Shared_Clean", shared_clean),
	F("Shared_Dirty", shared_dirty),
	F("Shared_Hugetlb", shared_hugetlb),
	F("ShmemPmdMapped", shmem_pmd_mapped),  /* 4.8+ */
	F("Swap", swap),
	F("SwapPss", swap_pss),
};
#undef F

int parse_smaps_rollup(const char *buf, size_t len, struct smaps_rollup *ret,
		       struct parse_diag *diag)
{
	struct kv_table_opts o = {
		.sep = ':',
		.allow_kb = true,
		.vma_header = true,
	};

	return kv_table_parse_opts(buf, len, &o, smaps_fields,
				   ARRAY_SIZE(smaps_fields), ret, &ret->extra,
				   diag);
}

void smaps_rollup_free(struct smaps_rollup *s)
{
	if (!s)
		return;
	kv_extras_free(&s->extra);
	memset(s, 0, sizeof(*s));
}
