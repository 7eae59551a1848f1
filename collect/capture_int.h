/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_CAPTURE_INT_H
#define MEMSNAP_CAPTURE_INT_H
/*
 * One capture's state, shared by capture.c (the output, the first sample)
 * and samples.c (samples 2..N and the flight recorder, capture.md 6).
 */
#include "collect/archive_out.h"
#include "collect/collect.h"
#include "collect/manifest.h"

/* One sample's line in samples/index.tsv (capture.md 6.1). */
struct sample_meta {
	unsigned k;
	uint64_t mono_ns, mono_end_ns;   /* CLOCK_MONOTONIC, walk start and end */
	struct timespec real;            /* CLOCK_REALTIME at the walk's start */
	const char *kind;                /* "full", "changes", "changes+smaps_rollup" */
	const char *trigger;             /* "start", "interval", "oom-kill" */
	const char *status;              /* "complete" or why it stopped */
};

struct slot;

struct run {
	const struct capture_opts *opts;
	struct capture_result *res;
	struct manifest m;
	struct manifest_facts f;
	struct body body;
	struct relay *relay;
	struct strbuf tmpdir, out_path, part_path, head, tail;
	int rootfd, body_fd, spill_fd, out_fd;
	int stdout_flags;          /* fd 1's flags to put back, -1: none */
	uint64_t deadline;         /* the capture's, CLOCK_MONOTONIC ns, 0: none */
	bool to_stdout, out_created, body_open;
	bool in_place;             /* the body goes straight to the output */
	bool done;
	uint64_t child_rss_kb;     /* the reader process's peak RSS */
	/* samples (capture.md 6) */
	struct strbuf index;       /* samples/index.tsv */
	struct slot *slot;         /* the sample being written to a ring slot */
	struct kmsg_follow *kf;    /* --until-oom: the kernel log followed */
	const char *stopped;       /* why sampling ended early, NULL */
	unsigned taken, kept;      /* samples taken, samples in the archive */
	bool oom_kill;             /* a matching kill was read */
};

/* capture.c */
/* Record what failed in ret (exit 3); returns the negative errno. */
int capture_fail(struct capture_result *ret, int err, const char *fmt, ...)
	ATTR_PRINTF(3, 4);
/* Writing the body failed: the output's name, or the temporary file's folder. */
int capture_body_failed(struct run *r, int err);
/*
 * The main thread's loop: until the walk of sample k (0 or 1: the first)
 * is over or stopped, its files into b.  A later sample's files and
 * problems are named samples/<k>/<path>; only the first sets manifest keys.
 */
int capture_consume(struct run *r, struct relay *relay, struct body *b,
		    unsigned k, bool *ret_done);

/* samples.c */
/* A later sample's packs (capture.md 6.1): the one being filled. */
struct sample_pack_out {
	struct strbuf buf;         /* records, SAMPLE_PACK_MAX bytes or so */
	unsigned n;                /* packs written */
	int64_t mtime;             /* the newest file's */
};
/* Item it of sample k into its pack (the pack into b first when full). */
int sample_pack_file(struct run *r, struct body *b, struct sample_pack_out *p,
		     unsigned k, const struct item *it);
/* The pack being filled into b (nothing when it is empty). */
int sample_pack_flush(struct run *r, struct body *b, struct sample_pack_out *p,
		      unsigned k);
/* A problem of the sample being written to ring slot s, kept with it. */
void slot_problem(struct slot *s, const char *path, const struct item *it);
/* Samples 2..: the series or the flight recorder, then kmsg and the index. */
int samples_more(struct run *r, const struct sample_meta *first);

#endif
