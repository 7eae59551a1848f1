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
#include "analyze/parse/internal.h"

#include <stddef.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"
#define N(k, m) { k, offsetof(struct smaps_rollup, m), 0 }
#define K(k, m) { k, offsetof(struct smaps_rollup, m), KV_FIELD_KB }
/* Sorted by key (strcmp order): kv_table_parse_opts() bsearches it. */
static const struct kv_field smaps_fields[] = {
	K("AnonHugePages", anon_huge_pages),
	K("Anonymous", anonymous),
	K("FilePmdMapped", file_pmd_mapped),    /* 5.4+ */
	K("KSM", ksm),                          /* 6.6+ */
	K("LazyFree", lazyfree),                /* 4.12+ */
	K("Locked", locked),
	K("Private_Clean", private_clean),
	K("Private_Dirty", private_dirty),
	K("Private_Hugetlb", private_hugetlb),
	K("Pss", pss),
	K("Pss_Anon", pss_anon),                /* 5.3+ */
	K("Pss_Dirty", pss_dirty),              /* 6.0+ */
	K("Pss_File", pss_file),                /* 5.3+ */
	K("Pss_Shmem", pss_shmem),              /* 5.3+ */
	K("Referenced", referenced),
	K("Rss", rss),
	K("Shared_Clean", shared_clean),
	K("Shared_Dirty", shared_dirty),
	K("Shared_Hugetlb", shared_hugetlb),
	K("ShmemPmdMapped", shmem_pmd_mapped),  /* 4.8+ */
	K("Swap", swap),
	K("SwapPss", swap_pss),
};
static kv_index_ptr smaps_index;

#undef N
#undef K

int parse_smaps_rollup(const char *buf, size_t len, struct smaps_rollup *ret,
		       struct parse_diag *diag)
{
	struct kv_table_opts o = {
		.sep = ':',
		.index = &smaps_index,
		.allow_kb = true,
		.strict_units = true,
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
