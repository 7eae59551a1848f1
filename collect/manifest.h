/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_MANIFEST_H
#define MEMSNAP_MANIFEST_H
/*
 * manifest.json (capture.md section 3): the state the main thread keeps while
 * the capture runs, and its rendering at the end.
 *
 * Problems are the only part that can grow (to PROBLEMS_MAX): they are
 * rendered as they come and spilled to an unlinked temporary file, so the
 * collector's memory stays flat on a node where thousands of files are
 * missing.  The manifest is then written as head + problems + tail.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>

#include "collect/collect.h"

#define MANIFEST_KV_MAX 8
#define MANIFEST_COMMANDS_MAX 8

struct manifest {
	int spill_fd;              /* -1: problems stay in spill_buf */
	uint64_t spill_len;        /* bytes in the spill file */
	struct strbuf spill_buf;   /* not yet written to the spill file */
	int spill_err;             /* errno of a failed spill write */
	uint64_t listed, dropped;
	uint64_t by_kind[PROBLEM_KIND_NR];

	struct strbuf commands[MANIFEST_COMMANDS_MAX]; /* JSON objects */
	size_t ncommands;
	struct {
		char key[32];
		struct strbuf json;
	} kv[MANIFEST_KV_MAX];     /* "cgroup", "kmsg", "boot_id" from sources */
	size_t nkv;
};

/* Facts only the main thread knows. */
struct manifest_facts {
	const struct capture_opts *opts;
	bool complete;
	const char *interrupted;
	struct utsname uts;
	pid_t pid;
	pid_t reader_pid;          /* the child that reads (relay.c), 0: unknown */
	uid_t uid;
	uint64_t max_rss_kb;       /* the collector's own peak RSS so far */
	long page_size;
	struct timespec started_real, finished_real;
	uint64_t started_mono, finished_mono;   /* ns */
	uint64_t started_boot, finished_boot;   /* ns */
	uint64_t counts[COUNT_NR];
	uint64_t files, bytes;
};

void manifest_init(struct manifest *m, int spill_fd);
void manifest_release(struct manifest *m);
/* Record one problem (msg NULL: strerror(err)). */
void manifest_problem(struct manifest *m, const char *path,
		      enum problem_kind kind, int err,
		      enum problem_action action, const char *msg);
/* Set a top-level key to a JSON value (replacing an earlier one). */
void manifest_set(struct manifest *m, const char *key, const char *json,
		  size_t len);
void manifest_command(struct manifest *m, const char *json, size_t len);
/* Problems of the kinds that make the exit status 1. */
uint64_t manifest_serious(const struct manifest *m);

/*
 * Render head and tail around the problems: the manifest is head, then
 * spill_len bytes of the spill file, then tail.
 */
int manifest_render(struct manifest *m, const struct manifest_facts *f,
		    struct strbuf *head, struct strbuf *tail);

/* "2026-11-28T04:25:58.123456Z" */
void iso8601_utc(const struct timespec *ts, char *buf, size_t n);

#endif
