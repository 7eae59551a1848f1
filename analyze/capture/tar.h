/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_TAR_H
#define MEMSNAP_TAR_H
/*
 * A tar reader: the archive's bytes (decompressed by libarchive, capture.c)
 * in, entries out.  It reads what GNU tar, bsdtar and Python's tarfile
 * write: ustar (prefix + name), pax extended headers ('x': path, linkpath,
 * size; 'g' global headers are skipped, as libarchive does), GNU long names
 * and link names ('L', 'K'), base-256 numbers, old (pre-POSIX) headers.
 *
 * It replaced libarchive's tar reader, which cost more than half of the
 * reader thread's instructions for a capture's thousands of small files
 * (libarchive turns every path into a wide string and back; callgrind,
 * tests/bench/README.md).  What an entry is follows libarchive, so that a
 * capture loads as it did: an unknown type is a regular file, a regular
 * file whose name ends in '/' a folder, a link, device, folder or FIFO has
 * no data whatever its size field says, a hard link's size is honoured only
 * in a pax archive.  GNU sparse files are reported as such (kind
 * TAR_SPARSE), not expanded: a collector never writes one.
 *
 * The bytes come from a pull function (capture.c: libarchive's raw entry,
 * or read() of a plain tar, which also passes skipped data with lseek()).
 *
 * Never prints.  Every byte is hostile: names and meta entries are bounded.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TAR_BLOCK 512
/* Largest 'L', 'K', 'x' or 'g' body (libarchive's limit too). */
#define TAR_META_MAX (1u << 20)

enum tar_kind {
	TAR_FILE,
	TAR_HARDLINK,
	TAR_SYMLINK,
	TAR_CHR,
	TAR_BLK,
	TAR_DIR,
	TAR_FIFO,
	TAR_SPARSE,
	/* meta entries: they describe the next entry; tar_next() takes them */
	TAR_LONGNAME,     /* 'L' */
	TAR_LONGLINK,     /* 'K' */
	TAR_PAX,          /* 'x' ('X': Solaris) */
	TAR_PAX_GLOBAL,   /* 'g' */
	TAR_META_SKIP,    /* 'V' volume label, 'A' Solaris ACL: nothing we use */
};

/* One 512-byte header, parsed. */
struct tar_header {
	enum tar_kind kind;
	char typeflag;
	bool gnu;                 /* GNU magic "ustar  \0" */
	char name[257];           /* prefix '/' name (ustar) or name; NUL-terminated */
	char linkname[101];
	uint64_t size;            /* the size field (0 when negative, as libarchive) */
};

/* Results of tar_header_parse() and tar_next(); tar_error() says each. */
enum tar_result {
	TAR_OK = 0,
	TAR_END = 1,              /* a zero block: the end of the archive */
	TAR_E_SOURCE = -1,        /* the byte source failed: it says why */
	TAR_E_TRUNCATED = -2,
	TAR_E_CHECKSUM = -3,      /* not a tar header */
	TAR_E_NUMBER = -4,        /* a size field that is not a number */
	TAR_E_META = -5,          /* a meta entry over TAR_META_MAX */
	TAR_E_PAX_SIZE = -6,      /* a pax size that is not a number */
};

const char *tar_error(int r);

/* Parse one header block (len >= TAR_BLOCK): TAR_OK, TAR_END, or an error. */
int tar_header_parse(const void *buf, size_t len, struct tar_header *ret);

/* What a pax extended header says; pointers into the parsed buffer. */
struct tar_pax {
	const char *path, *linkpath;
	size_t path_len, linkpath_len;
	uint64_t size;
	bool has_size;
	bool bad_size;            /* a size record that is not a number */
	bool sparse;              /* GNU.sparse.* records: a sparse file */
	const char *sparse_name;  /* GNU.sparse.name, in path too */
	size_t sparse_name_len;
	bool malformed;           /* records after a malformed one were ignored */
};

/* Parse a pax header's records (an empty path is no path, as libarchive). */
void tar_pax_parse(const char *buf, size_t len, struct tar_pax *ret);

/*
 * The byte source: the next bytes of the tar stream in *ret_buf (valid
 * until the next call), their count; 0 at the end; -1 on an error the
 * source keeps to say itself.
 */
typedef ssize_t (*tar_pull_fn)(void *ud, const void **ret_buf);

/*
 * A source that can pass over n bytes without reading them (a plain file:
 * lseek): 0, or TAR_E_TRUNCATED (fewer left), TAR_E_SOURCE.  Optional.
 */
typedef int (*tar_skip_fn)(void *ud, uint64_t n);

struct tar_entry {
	enum tar_kind kind;
	const char *path;         /* NUL-terminated; may be empty */
	size_t path_len;
	const char *link;         /* link target, "" when none */
	uint64_t size;            /* data bytes tar_data() hands out */
};

struct tar_reader;

struct tar_reader *tar_reader_new(tar_pull_fn pull, tar_skip_fn skip, void *ud);
void tar_reader_free(struct tar_reader *t);

/*
 * The next entry (the rest of the current one's data is skipped): TAR_OK
 * with *ret valid until the next call, TAR_END, or an error; meta entries
 * are applied, never returned.  Once it failed, it fails again.
 */
int tar_next(struct tar_reader *t, struct tar_entry *ret);

/*
 * Was a header read whole, with its checksum right (or the zero block that
 * ends an archive)?  Until then, a stream that fails (TAR_E_CHECKSUM, or
 * TAR_E_TRUNCATED: shorter than one header) is no tar at all, rather than
 * a tar that is cut or damaged.
 */
bool tar_started(const struct tar_reader *t);

/*
 * The next piece of the current entry's data, at most max bytes: its
 * length, with *ret_buf valid until the next call; 0 at the end of the
 * data; or an error (TAR_E_TRUNCATED, TAR_E_SOURCE).
 */
ssize_t tar_data(struct tar_reader *t, const void **ret_buf, size_t max);

#endif
