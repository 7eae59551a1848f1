/* SPDX-License-Identifier: MIT */
/*
 * What the test helper programs (memhog, wsload, bpfhold) share: their
 * messages, their number arguments and the files they write for a test to
 * poll.  Each helper sets helper_name first.  write_all() is common/util's.
 */
#ifndef MEMSNAP_TESTS_HELPER_H
#define MEMSNAP_TESTS_HELPER_H

#include <signal.h>
#include <stddef.h>

/* The prefix of err()'s messages: the program's name. */
extern const char *helper_name;

/* "NAME: error: ..." on stderr; returns -1. */
int err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line on stdout, flushed at once (a test reads it while we run). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A whole non-negative decimal number of at most max, or -1. */
long parse_count(const char *s, long max);

/*
 * Move this process into the cgroup folder dir (its cgroup.procs), so every
 * charge after it lands there, and say "cgroup=DIR"; 0, or -1 said.
 */
int join_cgroup(const char *dir);
/*
 * Write our pid and a newline to path (path.tmp renamed onto path, so a
 * test polling for it never reads half): what is held is ready; 0, or -1
 * said.
 */
int write_ready(const char *path);

/*
 * The signal that asked us to stop (SIGTERM, SIGINT or SIGHUP), 0 before
 * one came: what a helper holding memory until killed polls.
 */
extern volatile sig_atomic_t stop_signal;
/* Catch the stop signals (common/util's catch_stop_signals()) into
 * stop_signal (no SA_RESTART: a pause() or sleep() returns early). */
void stop_on_signals(void);

/* The page size, 4096 if sysconf() cannot say. */
size_t page_size(void);

#endif
