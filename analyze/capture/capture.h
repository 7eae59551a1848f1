/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_CAPTURE_H
#define MEMSNAP_CAPTURE_H
/*
 * Reading a capture: a tar archive (plain, gzip, zstd, xz, bzip2) read
 * straight from the file (libarchive decompresses, tar.c reads the tar),
 * or an unpacked folder.  Nothing is
 * extracted to disk.  The reader hands out regular files one at a time, with
 * their path relative to the capture's top-level folder; everything else
 * (links, devices, FIFOs, paths with "..", absolute paths, duplicates,
 * entries past a limit) is reported through the problem callback and
 * skipped.  Captures come from strangers: every byte is hostile.
 *
 * Never prints.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_limits {
	uint64_t max_entries;      /* archive entries (all types) */
	uint64_t max_file_bytes;   /* one file's size; larger ones are skipped */
	uint64_t max_total_bytes;  /* all inflated bytes; reading stops past it */
	/*
	 * The largest zstd window to decode.  libarchive's zstd reader keeps
	 * zstd's default of 128 MiB and cannot raise it; above that, memsnap
	 * decodes zstd itself with libzstd (capture.c), allocating up to
	 * this much for a frame that asks for it (zstd --long=31: 2 GiB).
	 */
	uint64_t max_zstd_window;
};

/* Defaults: generous for a 10,000-process node (about 100 MB, 100k files). */
#define CAPTURE_DEFAULT_MAX_ENTRIES 1000000ull
#define CAPTURE_DEFAULT_MAX_FILE (64ull << 20)
#define CAPTURE_DEFAULT_MAX_TOTAL (1ull << 30)
#define CAPTURE_DEFAULT_ZSTD_WINDOW (1ull << 27)   /* ZSTD_WINDOWLOG_LIMIT_DEFAULT */
#define CAPTURE_MAX_ZSTD_WINDOW (1ull << 31)       /* ZSTD_WINDOWLOG_MAX_64 */

void capture_limits_default(struct capture_limits *l);

struct capture_file {
	const char *path;   /* relative to the top folder: "proc/42/status" */
	const char *data;   /* NUL-terminated for convenience; may hold NULs */
	size_t len;
};

struct capture;

/*
 * Open a capture.  Returns 0, or -1 with *ret_err set (caller frees):
 * missing file, not an archive, unreadable.
 */
int capture_open(const char *source, const struct capture_limits *lim,
		 struct capture **ret, char **ret_err);

/*
 * The next regular file.  Returns 1 and fills *ret (valid until the next
 * call), 0 at the end, or -1 when the archive cannot be read any further
 * (truncated, corrupt, a limit stopped it): *ret_err says why; what was read
 * before stays valid.  Skipped entries are reported through *problem_fn.
 */
typedef void (*capture_problem_fn)(void *ud, const char *path,
				   const char *problem);
int capture_next(struct capture *c, struct capture_file *ret,
		 capture_problem_fn problem_fn, void *ud, char **ret_err);

/* The capture's top-level folder name ("memsnap-node1-20261128T042558Z"). */
const char *capture_name(const struct capture *c);
/* Bytes read (inflated) so far, entries seen. */
uint64_t capture_bytes(const struct capture *c);
uint64_t capture_entries(const struct capture *c);
/*
 * Did a limit cut the capture?  Stopped: --max-entries or --max-total ended
 * reading (capture_next() returned -1 for it).  Skipped: --max-file-size
 * left a file out.  Either way a load with higher limits reads more.
 */
bool capture_limit_stopped(const struct capture *c);
bool capture_limit_skipped(const struct capture *c);

/*
 * Is the source no capture?  Read to its end (a folder: before anything is
 * read) without manifest.json or a folder a capture holds at its top
 * (proc/, sys/, collector/, samples/): capture_next() then returned -1 and
 * said "not a memsnap capture (...)", with a hint on a line of its own
 * when the folder holds captures (archives, capture folders).  A loader
 * refuses it whole, whatever files it read.
 */
bool capture_foreign(const struct capture *c);

void capture_close(struct capture *c);

/* Is this file an SQLite database (by its header)? */
bool path_is_sqlite(const char *path);

/*
 * Is a path of the capture (relative to its top folder, or to a sample in
 * a pack of samples) acceptable?  NULL, or why not ("path with '..'"): a
 * capture that holds such a path was not written by the collector and must
 * not be trusted to mean what it says.
 */
const char *capture_path_problem(const char *p, size_t len);

#endif
