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

#include "collect/collect.h"

struct archive;
struct archive_entry;

/*
 * The body's tar stream is made here (ustar_header(): a ustar header for a
 * name that fits one, which is nearly every name) or, for a name that needs
 * a pax extended header, by libarchive's pax writer (`hdr`, whose bytes are
 * taken as they come); libarchive's "raw" format and its gzip or zstd
 * filter compress the stream.  (libarchive's pax writer for every entry
 * cost a third of the collector's CPU time: it copies each entry twice and
 * converts its name between character sets.)
 */
struct body {
	struct archive *a;       /* raw writer + filter, into fd */
	struct archive *hdr;     /* pax writer for the rare names, into hdr_out */
	struct archive_entry *entry;
	struct strbuf name;
	struct strbuf rec;       /* one entry's tar bytes */
	struct strbuf hdr_out;   /* what hdr writes */
	bool hdr_capture;        /* keep what hdr writes (its header), else drop */
	int fd;
	int err;                 /* errno of the last failed write, 0 */
	uint64_t raw_bytes;      /* uncompressed tar bytes */
	uint64_t compressed;     /* bytes in the temporary file */
};

/*
 * The 512-byte ustar header libarchive's restricted pax writer makes for a
 * regular file "name", 0444, 0:0, no owner names, len bytes, mtime, when it
 * needs no pax header: true and h filled; false when it would write a pax
 * header (a byte outside printable ASCII, a name ustar cannot split into
 * prefix and name, a size from 8 GiB, an mtime outside [0, 2^31 - 1)).
 *
 * Hand-written in place of libarchive's tar writer, which clones every
 * entry and converts every name between character sets: a third of the
 * collector's instructions beside deflate.  Measured (tests/bench/README.md,
 * 2026-12-03 evening, 1,268 processes): user time on one CPU 84-91 ms ->
 * 56-61 ms with gzip, 45 -> 20-27 ms without compression.  Kept equal to
 * libarchive's output byte for byte by test_body_tar_as_libarchive
 * (tests/unit/test_collect_archive.c).
 */
bool ustar_header(char h[512], const char *name, size_t nlen, uint64_t len,
		  int64_t mtime);

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
/*
 * The compressor's trailer only: the entries so far are one gzip member /
 * zstd frame that other members, and a last one made by body_close(), may
 * follow in the same file (the flight recorder's ring, capture.md 6.2).
 */
int body_close_member(struct body *b);
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
 * *ret_bytes counts what was written to fd.  fd may be O_NONBLOCK (a pipe
 * or FIFO): a wait for its reader to take bytes ends with -ETIMEDOUT at
 * `deadline` (CLOCK_MONOTONIC ns, 0: never) or 5 s after fd last took a
 * byte, whichever is later.
 */
int output_write(int fd, enum compress c, int level, const char *top,
		 int64_t mtime, const struct manifest_text *m, int body_fd,
		 uint64_t deadline, uint64_t *ret_bytes, bool *ret_out_err);

/*
 * --compress none into a regular file: the body is written to the output
 * itself, from MANIFEST_SLOT on, and the manifest entry fills the slot
 * before it at the end (a ustar header and the JSON, padded with spaces):
 * no temporary file, no copy of the body.  output_write_in_place() returns
 * 1 when it wrote the manifest, 0 when the manifest does not fit the slot;
 * then output_move_body() moves the body out to tmp_fd (a temporary file)
 * and writes the output as output_write() does.
 */
#define MANIFEST_SLOT (64u << 10)
int output_write_in_place(int fd, const char *top, int64_t mtime,
			  const struct manifest_text *mt, uint64_t *ret_bytes,
			  bool *ret_out_err);
int output_move_body(int fd, int tmp_fd, enum compress c, int level,
		     const char *top, int64_t mtime,
		     const struct manifest_text *mt, uint64_t *ret_bytes,
		     bool *ret_out_err);

#endif
