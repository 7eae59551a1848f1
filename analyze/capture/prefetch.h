/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_PREFETCH_H
#define MEMSNAP_PREFETCH_H
/*
 * Reading a capture ahead, in a second thread.  Inflating and walking the
 * archive is a third of `memsnap load`; SQLite's inserts are the rest.  The
 * reader thread calls capture_next() and hands files, skipped-entry problems
 * and the end over in batches; the loader takes them in the same order as
 * capture_next() would give them, so loading is the same with or without
 * the thread.  At most PREFETCH_MAX_BYTES of file data wait in the queue
 * (one larger file may pass alone).  The thread can also parse the files
 * it reads (prefetch_hooks).  Never prints.
 */
#include "analyze/capture/capture.h"

#define PREFETCH_MAX_BYTES (2u << 20)

struct prefetch;

/*
 * Work the reader thread does on a file once it is read, so that the
 * loader's thread only stores it (the loader parses status and
 * smaps_rollup there).  prepare() returns what it made of the file, or
 * NULL; it runs on the reader thread, so it must only read the file and
 * its own state.  `behind`: the loader had not yet taken the files handed
 * over before the last ones (its queue was not empty when the reader
 * handed its last batch over), so work the reader does now saves the
 * loader's.  release() frees a prepared result (the file's, when the next
 * file is handed out).
 */
struct prefetch_hooks {
	void *(*prepare)(const struct capture_file *f, bool behind);
	void (*release)(void *prepared);
};

/*
 * Start reading c ahead, with hooks (NULL: none), holding at most
 * max_bytes of file data not yet taken (0: PREFETCH_MAX_BYTES; `memsnap
 * load -j` reads whole captures ahead while the writer stores an earlier
 * one).  Returns 0, or -1 when no thread can be started (the caller then
 * reads c itself).  c is the thread's until prefetch_stop().
 */
int prefetch_start(struct capture *c, const struct prefetch_hooks *hooks,
		   size_t max_bytes, struct prefetch **ret);

/*
 * The same contract as capture_next(): 1 and a file (valid until the next
 * call), 0 at the end, -1 with *ret_err (caller frees) when the archive
 * could not be read further.  Problems are reported through problem_fn, on
 * the caller's thread.  *ret_prepared (when not NULL) is what the hooks'
 * prepare() made of the file, or NULL; valid as long as the file.
 */
int prefetch_next(struct prefetch *p, struct capture_file *ret,
		  void **ret_prepared, capture_problem_fn problem_fn, void *ud,
		  char **ret_err);

/*
 * Whether the reader threads started from now on run behind the thread
 * that takes their files: at a nice value PREFETCH_NICE above it (for the
 * process; false again: the same).  `memsnap load -j N` runs 2N readers
 * for one loader, and the loader is the one the others wait for.
 */
#define PREFETCH_NICE 5
void prefetch_set_background(bool on);

/*
 * Stop the reader (wherever it is) and free everything: a reader still
 * reading the capture is waited for, and so is any reader not started in
 * the background; a background one past its end frees what is left on
 * its own, after (c may be closed at once).  NULL ok.
 */
void prefetch_stop(struct prefetch *p);

/* Wait until every reader prefetch_stop() left to free on its own is gone. */
void prefetch_wait_detached(void);

#endif
