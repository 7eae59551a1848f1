/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_PARSE_STATUS_SAMPLE_H
#define MEMSNAP_PARSE_STATUS_SAMPLE_H
/*
 * A later sample's proc/PID/status (schema/capture.md section 6.1): of its
 * lines only Name and the sizes proc_status_sample holds are read.  Sample
 * 1's status goes through parse_status(), which keeps every line; a 60-sample
 * capture has 59 more of each process, so this one reads the few keys it
 * needs without allocating.
 */
#include <stdbool.h>
#include <stddef.h>

#include "analyze/parse/parse.h"

struct status_sample {
	const char *name;           /* Name's value, in buf (raw, as printed);
				       NULL when there is no Name line */
	size_t name_len;
	struct kv_u64 vm_rss, rss_anon, rss_file, rss_shmem, vm_swap; /* bytes */
};

/*
 * True when buf is in the plain shape: then *ret holds what parse_status()
 * reads of these keys, and parse_status() would not complain of their lines.
 * False when it is not sure (a read key twice, a bad number or unit, a NUL in
 * Name, a non-blank line without ':', no read key at all): the caller then
 * asks parse_status(), which says what is wrong.  The lines it does not read
 * are not checked.  Never allocates, never prints.
 */
bool status_sample_parse(const char *buf, size_t len, struct status_sample *ret);
/* The same keys of a whole parse_status() (ret->name points into s). */
void status_sample_of(const struct proc_status *s, struct status_sample *ret);
/* The same Name (bytes) and sizes (set, value)? */
bool status_sample_same(const struct status_sample *a, const struct status_sample *b);

#endif
