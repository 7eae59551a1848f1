/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_ARCHIVE_OUT_H
#define MEMSNAP_ARCHIVE_OUT_H
/*
 * (Not "archive.h": that is libarchive's name, which -Icollect would shadow.)
 *
 * Writing the capture (capture.md 1.1): every entry but the manifest is
 * compressed into the body, an unlinked temporary file; at the end the output
 * receives the manifest as its own gzip member / zstd frame (a tar header and
 * padded data, without the end-of-archive blocks), then the body's bytes.
 * Concatenated members and frames decode as one stream, so the result reads
 * as one tar with manifest.json first.
 *
 * Errors are negative errnos; *_what() says which file failed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

struct archive;
struct archive_entry;

struct body {
	struct archive *a;
	struct archive_entry *entry;
	struct strbuf name;
	int fd;
	int err;                 /* errno of the last failed write, 0 */
	uint64_t raw_bytes;      /* uncompressed tar bytes */
	uint64_t compressed;     /* bytes in the temporary file */
};

/*
 * Create an unlinked temporary file in `dir` (O_TMPFILE, else mkstemp and
 * unlink).  Returns the fd or a negative errno.
 */
int tmpfile_open(const char *dir);

/* Start the body in the temporary file fd. */
int body_open(struct body *b, int fd, enum compress c, int level);
/* Add "<top>/<path>": a regular file, 0444, 0:0, mtime. */
int body_add(struct body *b, const char *top, const char *path,
	     const void *data, size_t len, int64_t mtime);
/* Write the end-of-archive blocks and the compressor's trailer. */
int body_close(struct body *b);
void body_free(struct body *b);

/* The manifest's bytes, in three parts (the middle one read from a file). */
struct manifest_text {
	const char *head;
	size_t head_len;
	int mid_fd;              /* -1: none */
	uint64_t mid_len;
	const char *tail;
	size_t tail_len;
};

/*
 * Write the output: the manifest entry "<top>/manifest.json" as its own
 * member, then the body's bytes.  *ret_out_err says whether a failure was
 * writing fd (true) or reading the body/manifest files (false).
 * *ret_bytes counts what was written to fd.
 */
int output_write(int fd, enum compress c, int level, const char *top,
		 int64_t mtime, const struct manifest_text *m, int body_fd,
		 uint64_t *ret_bytes, bool *ret_out_err);

#endif
