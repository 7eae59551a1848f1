/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_MANIFEST_H
#define MEMSNAP_MANIFEST_H
/*
 * manifest.json (schema/capture.md §3).  Parsed with the same contract as
 * the parsers in parse.h: (buf, len), never prints, unknown keys ignored,
 * absent keys left unset (NULL / set == false), wrong types reported in
 * *diag and ignored.  JSON as jansson reads it (manifest.c says what
 * differs: a duplicate among the keys it skips is allowed).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/parse/parse.h"

#define MANIFEST_FORMAT "memsnap-capture"
#define MANIFEST_FORMAT_VERSION 1

/*
 * Bounds, as for every captured file (a 284 KB archive whose manifest held
 * 60 MB of strings took 582 MiB to load and made a 190 MB database).  The
 * collector lists at most 10,000 problems (PROBLEMS_MAX, collect/collect.h)
 * of about 400 bytes: 4 MB; a larger manifest is not read (a problem says
 * so; the rest of the capture loads).  Each string field has a length
 * bound (manifest.c); a longer one is left unset, with a problem.
 */
#define MANIFEST_MAX_BYTES (8u << 20)
#define MANIFEST_MAX_PROBLEMS 10000u

/* Every string of a manifest lies in its `strings`: never freed alone. */
struct manifest_problem {
	char *path, *kind, *error, *action;
	struct kv_u64 err_no;
};

struct manifest {
	char *format;
	struct kv_u64 format_version;
	char *collector_name, *collector_version;
	struct kv_u64 collector_pid, reader_pid;
	bool complete_set, complete;
	char *interrupted;
	char *hostname, *kernel_release, *kernel_version, *machine, *boot_id;
	struct kv_u64 page_size;
	char *started_utc, *finished_utc;
	bool started_monotonic_set, finished_monotonic_set;
	bool started_boottime_set, finished_boottime_set;
	double started_monotonic, finished_monotonic;
	double started_boottime, finished_boottime;
	char *root;
	char *cgroup_mode, *memory_mount, *memory_root, *self_cgroup;
	struct manifest_problem *problems;
	size_t nproblems, aproblems;
	struct kv_u64 problems_dropped;
	char *strings;      /* the storage of every string above */
};

/*
 * Returns 0, or -EINVAL (not JSON, not a memsnap manifest) or -EFBIG (more
 * than MANIFEST_MAX_BYTES) with *diag saying why.  Problems past
 * MANIFEST_MAX_PROBLEMS are left out, with a word in *diag.
 */
int parse_manifest(const char *buf, size_t len, struct manifest *ret,
		   struct parse_diag *diag);
void manifest_free(struct manifest *m);

#endif
