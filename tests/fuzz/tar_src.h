/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_TAR_SRC_H
#define MEMSNAP_TAR_SRC_H
/*
 * A tar reader's byte source over memory, for tests/unit/test_tar.c and
 * tests/fuzz/fuzz_tar.c: pieces of `piece` bytes; with `seek`, a skip
 * function as a plain file has; with `fail`, an error at the end instead
 * of the end.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/capture/tar.h"

struct mem_src {
	const unsigned char *buf;
	size_t len, off, piece;
	bool fail;
	bool seek;
};

static inline ssize_t mem_src_pull(void *ud, const void **ret)
{
	struct mem_src *s = ud;
	size_t n = s->len - s->off;

	if (s->fail && !n)
		return -1;
	if (n > s->piece)
		n = s->piece;
	*ret = s->buf + s->off;
	s->off += n;
	return (ssize_t)n;
}

static inline int mem_src_skip(void *ud, uint64_t n)
{
	struct mem_src *s = ud;

	if (n > s->len - s->off)
		return TAR_E_TRUNCATED;
	s->off += (size_t)n;
	return 0;
}

static inline struct tar_reader *mem_src_reader(struct mem_src *s)
{
	return tar_reader_new(mem_src_pull, s->seek ? mem_src_skip : NULL, s);
}

#endif
