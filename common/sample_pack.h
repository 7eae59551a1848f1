/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_SAMPLE_PACK_H
#define MEMSNAP_SAMPLE_PACK_H
/*
 * A later sample's files packed into a few archive entries (schema/capture.md
 * section 6.1, samples layout 2): memsnap-collect writes them, the loader
 * reads them back and routes each file as if it were its own entry.  A
 * pack is the archive entry samples/<k>/pack-<n> (n = 1, 2, ...); it holds
 * records, one after the other, each
 *
 *     <path length> SP <data length> LF <path> <data> LF
 *
 * with the lengths in decimal ASCII (no sign, no leading zero but "0"
 * itself) and the path relative to the sample, as sample 1's
 * ("proc/4242/status").  A pack holds SAMPLE_PACK_MAX bytes of records at
 * most, unless one record alone is longer.
 */
#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

/* An entry's name in samples/<k>/: SAMPLE_PACK_PREFIX then n. */
#define SAMPLE_PACK_PREFIX "pack-"
/* Where the collector starts a new pack: its memory for them. */
#define SAMPLE_PACK_MAX (64u << 10)
/* The manifest's samples.layout of packed later samples (absent: 1). */
#define SAMPLE_LAYOUT_PACKS 2

/* A record's header: "<path length> <data length>\n" into buf; its length. */
#define SAMPLE_PACK_HEADER_MAX 42
size_t sample_pack_header(char buf[SAMPLE_PACK_HEADER_MAX], size_t path_len,
			  size_t len);
/* Append one record to sb. */
void sample_pack_add(struct strbuf *sb, const char *path, size_t path_len,
		     const char *data, size_t len);

struct sample_pack_rec {
	const char *path, *data;    /* in the pack's buffer, not NUL-terminated */
	size_t path_len, len;
};

/*
 * The record at *pos of buf[0..len): 1 and *ret (then *pos is past it), 0 at
 * the end, -1 when the bytes at *pos are not a record (a bad header, a
 * length past the end, no LF after the data): the rest of the pack is not
 * read.  Never allocates, never prints.
 */
int sample_pack_next(const char *buf, size_t len, size_t *pos,
		     struct sample_pack_rec *ret);

/* Is name (the part after samples/<k>/) a pack's? */
bool sample_pack_name(const char *name);

#endif
