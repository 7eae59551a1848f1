/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_COLLECT_READER_INT_H
#define MEMSNAP_COLLECT_READER_INT_H
/*
 * The reader's inside, shared by reader.c (the ring, the threads, the main
 * thread's side) and rd.c (what a source calls: steps, reads, items).  Not
 * for the sources: they see struct rd only through collect.h.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "collect/collect.h"

/*
 * The ring: items read ahead.  The reader wakes a waiting main thread only
 * when RING_BATCH items are ready (or at the end): one wake-up per batch,
 * not per file.  When both threads share one CPU (the process may run on
 * one only), nothing is gained by waking it early, and every wake-up is two
 * context switches: it is woken when the ring is RING_FULLISH full (2,500
 * context switches a run on a node of 1,270 processes became ~300).
 */
#ifndef RING_SLOTS
#define RING_SLOTS 128
#endif
#ifndef RING_BATCH
#define RING_BATCH 16
#endif
/* The most items the main thread takes (and holds) at once. */
#define RING_FULLISH (RING_SLOTS * 3 / 4)
#ifndef TAKE_MAX
#define TAKE_MAX 32
#endif
#define STEP_BUSY 1u
#define STEP_ABANDONED 2u
/* A reader waiting for room is woken when the ring is down to this. */
#ifndef RING_LOW
#define RING_LOW (RING_SLOTS / 2)
#endif
/* How often a waiting main thread looks at the ring, signals, deadlines. */
#define POLL_NS (5u * 1000u * 1000u)
/* Slot buffers larger than this are freed after use. */
#define SLOT_KEEP (256u << 10)
#define READER_STACK (256u << 10)
#define KINDS_MAX 64
#define EXE_CACHE_SLOTS 1024   /* a power of two */

struct kind_stat {
	char name[32];
	unsigned timeouts;
};

struct exe_entry {
	dev_t dev;
	ino_t ino;
	bool used;
	char version[40];          /* "" for a non-Go executable */
};

struct reader_thread;

struct rd {
	struct reader *r;
	struct reader_thread *t;
	uint64_t step;             /* the step word while busy */
	unsigned skipped_gen;      /* of the copy below */
	char skipped[KINDS_MAX][32];
	unsigned nskipped;
	struct cursor cur;
	bool resuming;
	struct cursor resume;
	struct strbuf path, data;  /* staging buffers, swapped into ring slots */
	int64_t mtime;             /* when the last rd_read() started */
	uint64_t pending[COUNT_NR];
};

struct reader_thread {
	struct reader *r;
	bool abandoned;            /* under r->lock */
	bool stuck;                /* abandoned because a step timed out */
	struct rd rd;
};

struct reader {
	pthread_mutex_t lock;
	pthread_cond_t item_cv;    /* the main thread waits for items */
	pthread_cond_t space_cv;   /* the reader waits for a free slot */
	unsigned refs;

	const struct capture_opts *opts;
	int rootfd;
	uint64_t deadline;         /* the whole run, CLOCK_MONOTONIC ns */

	struct item ring[RING_SLOTS];
	unsigned head, count;      /* under the lock */
	unsigned wake_at;          /* items that wake the main thread */
	unsigned batch, taken;     /* main thread only: items it holds, used */
	bool main_waiting, reader_waiting;
	struct item synth;         /* a timeout problem made by the main thread */
	bool synth_pending, synth_taken;
	bool finished;             /* no more items will come */

	struct reader_thread *live;
	/* The live thread's current step (see the top of this file). */
	_Atomic uint64_t step;
	_Atomic uint64_t step_deadline;
	atomic_uint_fast64_t step_seq;
	unsigned busy_timeout_ms;
	struct cursor busy_cursor;
	char busy_what[PATH_MAX];
	char busy_kind[32];

	atomic_int stop;
	const char *stop_reason;
	unsigned abandoned_live;
	struct kind_stat kinds[KINDS_MAX];   /* under the lock */
	unsigned nkinds;
	atomic_uint skipped_gen;   /* bumped when a kind becomes skipped */

	uint64_t counts[COUNT_NR];
	bool cg_published;
	struct cgroup_info cg;
	struct exe_entry *exes;    /* EXE_CACHE_SLOTS, allocated on first use */
};

/* The reader thread is gone (abandoned) or the walk stops: caller holds the lock. */
bool reader_gone_locked(struct rd *rd);
/*
 * Hand the staging buffers (rd->path, rd->data) to the main thread as one
 * item.  -ECANCELED when the thread was abandoned or the walk stops.
 */
int reader_push(struct rd *rd, enum item_type type, enum problem_kind kind,
		enum problem_action action, int err);

#endif
