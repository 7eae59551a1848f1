/* SPDX-License-Identifier: MIT */
/*
 * /proc/meminfo (fs/proc/meminfo.c): `Key:   N kB` lines, sizes in KiB
 * (scaled to bytes here), HugePages_Total/Free/Rsvd/Surp as page counts.
 * Every key is kept in file order: the set differs by architecture, config
 * and version (MemAvailable 3.14, KReclaimable 4.20, Zswap 5.19,
 * SecPageTables 6.0, ...).  Key names hold '(' and ')' ("Active(anon)").
 */
#include "analyze/parse/internal.h"

#include "common/banned.h"

int parse_meminfo(const char *buf, size_t len, struct kv_list *ret,
		  struct parse_diag *diag)
{
	return kv_list_parse_opts(buf, len, ':', true, true, ret, diag);
}
