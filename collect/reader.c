/* SPDX-License-Identifier: MIT */
/*
 * The reader: one thread that walks the sources and reads every file, ahead
 * of the main thread, which compresses.  See collect.h for the picture.
 *
 * Why a thread and not a timer: the reads that hang on a troubled node are
 * not interruptible.  smaps_rollup, cmdline and environ wait for the target's
 * mmap lock with mmap_read_lock_killable(): only a fatal signal ends that
 * wait, so alarm()/EINTR cannot bound it.  The only way to go on is to leave
 * the stuck read to a thread of its own and carry on in another one.
 *
 * Why one thread and not one per file: threads cost a clone() each and the
 * reads are sequential anyway; one reader thread pipelined with compression
 * already hides most of the compression time.  A thread is only replaced when
 * a read gets stuck, which is rare; the stuck ones are capped
 * (ABANDONED_MAX alive at once; KIND_TIMEOUTS_MAX per kind of file, after
 * which that kind is skipped), so the number of threads is bounded.
 *
 * Memory: a ring of RING_SLOTS items whose buffers are swapped, not copied,
 * between the reader's staging buffers and the slots; buffers above
 * SLOT_KEEP bytes are freed after use.  Nothing grows with the number of
 * processes.
 *
 * Lifetime: the struct reader is reference-counted: the main thread and each
 * reader thread, live or abandoned, hold one reference.  An abandoned thread
 * blocked in a read touches nothing but its own memory and, once, the lock,
 * when (if ever) its read returns.
 *
 * Cost: the two threads hand over some 10,000 files a second, so the hot
 * paths avoid the lock.  A step is announced and ended with atomics (the
 * step word below); the reader takes the lock once per item it pushes, the
 * main thread once per batch of items it takes.  The lock is contended
 * only at hand-offs.
 *
 * The step word: (sequence << 2) | STEP_BUSY | STEP_ABANDONED.  The reader
 * sets BUSY with a fresh sequence number (unique across threads) at
 * rd_step_begin() and clears it with a compare-and-swap at rd_step_end().
 * The main thread gives a step up with a compare-and-swap that adds
 * ABANDONED; whichever CAS comes first wins, so a step is either finished or
 * given up, never both.  The step's description (busy_*) is written before
 * BUSY is set and read by the main thread only after its CAS succeeded,
 * when the reader can no longer change it.
 */
#include "collect/reader_int.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/banned.h"

static void *reader_main(void *arg);

/* ---- helpers -------------------------------------------------------------- */

static void item_release_buffers(struct item *it)
{
	strbuf_release(&it->path);
	strbuf_release(&it->data);
}

static void reader_destroy(struct reader *r)
{
	size_t i;

	for (i = 0; i < RING_SLOTS; i++)
		item_release_buffers(&r->ring[i]);
	item_release_buffers(&r->synth);
	free(r->exes);
	pthread_cond_destroy(&r->space_cv);
	pthread_cond_destroy(&r->item_cv);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* Drop one reference; the caller holds the lock, which this releases. */
static void reader_unref_unlock(struct reader *r)
{
	unsigned refs = --r->refs;

	pthread_mutex_unlock(&r->lock);
	if (!refs)
		reader_destroy(r);
}

static void timespec_from_ns(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
}

static struct kind_stat *kind_find(struct reader *r, const char *kind,
				   bool create)
{
	unsigned i;

	for (i = 0; i < r->nkinds; i++)
		if (!strcmp(r->kinds[i].name, kind))
			return &r->kinds[i];
	if (!create || r->nkinds == KINDS_MAX)
		return NULL;
	strlcpy_s(r->kinds[r->nkinds].name, kind, sizeof(r->kinds[0].name));
	r->kinds[r->nkinds].timeouts = 0;
	return &r->kinds[r->nkinds++];
}

/* Caller holds the lock. */
static void stop_locked(struct reader *r, const char *why)
{
	if (!atomic_load(&r->stop)) {
		r->stop_reason = why;
		atomic_store(&r->stop, 1);
	}
	pthread_cond_broadcast(&r->space_cv);
	pthread_cond_broadcast(&r->item_cv);
}

/*
 * Start a reader thread (caller holds the lock), resuming after `resume`
 * when non-NULL.  Signals are blocked in it: they are the main thread's.
 */
static int thread_start_locked(struct reader *r, const struct cursor *resume)
{
	struct reader_thread *t;
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t tid;
	int err;

	t = xcalloc(1, sizeof(*t));
	t->r = r;
	t->rd.r = r;
	t->rd.t = t;
	strbuf_init(&t->rd.path, 0);
	strbuf_init(&t->rd.data, 0);
	if (resume) {
		t->rd.resuming = true;
		t->rd.resume = *resume;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, READER_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&tid, &attr, reader_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		free(t);
		return -err;
	}
	r->refs++;
	r->live = t;
	return 0;
}

/* ---- main-thread side ----------------------------------------------------- */

/* Can this process run on one CPU only (taskset, a cpuset, one CPU)? */
static bool one_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) == 1;
}

int reader_start(const struct capture_opts *opts, int rootfd,
		 uint64_t deadline_ns, struct reader **ret)
{
	struct reader *r = xcalloc(1, sizeof(*r));
	pthread_condattr_t ca;
	size_t i;
	int err;

	pthread_mutex_init(&r->lock, NULL);
	/* Deadlines are CLOCK_MONOTONIC: the wall clock may jump. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->item_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&r->space_cv, NULL);
	r->refs = 1;
	r->opts = opts;
	r->rootfd = rootfd;
	r->deadline = deadline_ns;
	r->wake_at = one_cpu() ? RING_FULLISH : RING_BATCH;
	for (i = 0; i < RING_SLOTS; i++) {
		strbuf_init(&r->ring[i].path, 0);
		strbuf_init(&r->ring[i].data, 0);
	}
	strbuf_init(&r->synth.path, 0);
	strbuf_init(&r->synth.data, 0);

	pthread_mutex_lock(&r->lock);
	err = thread_start_locked(r, NULL);
	pthread_mutex_unlock(&r->lock);
	if (err) {
		reader_destroy(r);
		return err;
	}
	*ret = r;
	return 0;
}

const char *reader_signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	default: return "signal";
	}
}

/*
 * The live thread's step (word `step`) is past its deadline (caller holds the
 * lock): give it up, make the timeout problem, abandon the thread, start
 * another one after the step.  Returns false when the step ended meanwhile.
 */
static bool step_timed_out_locked(struct reader *r, uint64_t step)
{
	struct reader_thread *t = r->live;
	struct item *s = &r->synth;
	struct kind_stat *k;

	if (!atomic_compare_exchange_strong(&r->step, &step,
					    step | STEP_ABANDONED))
		return false;
	k = kind_find(r, r->busy_kind, true);

	s->type = ITEM_PROBLEM;
	strbuf_reset(&s->path);
	strbuf_addstr(&s->path, r->busy_what);
	strbuf_reset(&s->data);
	strbuf_addf(&s->data, "no answer within %u ms, given up",
		    r->busy_timeout_ms);
	s->kind = PROBLEM_TIMEOUT;
	s->err = ETIMEDOUT;
	s->action = ACTION_SKIPPED;
	s->mtime = 0;
	r->synth_pending = true;
	if (k && ++k->timeouts == KIND_TIMEOUTS_MAX)
		atomic_fetch_add(&r->skipped_gen, 1);

	t->abandoned = true;
	t->stuck = true;
	r->abandoned_live++;
	r->live = NULL;

	if (r->abandoned_live >= ABANDONED_MAX)
		stop_locked(r, "stuck");
	else if (thread_start_locked(r, &r->busy_cursor) < 0)
		stop_locked(r, "stuck");
	return true;
}

int reader_next(struct reader *r, struct item **ret)
{
	int found = 0;

	/* Items of the batch already taken: no lock needed. */
	if (r->taken < r->batch) {
		*ret = &r->ring[(r->head + r->taken) % RING_SLOTS];
		return 1;
	}
	pthread_mutex_lock(&r->lock);
	for (;;) {
		uint64_t now, wake, step;
		struct timespec ts;
		int sig;

		/*
		 * Signals and the overall deadline first, at every batch: with
		 * items flowing steadily the ring is never empty, and a check
		 * only there would never come.  Items already read are still
		 * drained below.
		 */
		sig = r->opts->stop_signal ? *r->opts->stop_signal : 0;
		now = now_ns(CLOCK_MONOTONIC);
		if (sig)
			stop_locked(r, reader_signal_name(sig));
		else if (r->deadline && now >= r->deadline)
			stop_locked(r, "timeout");

		if (r->synth_pending) {
			r->synth_pending = false;
			r->synth_taken = true;
			*ret = &r->synth;
			found = 1;
			break;
		}
		if (r->count) {
			/* Take what there is (up to TAKE_MAX); give it back at once. */
			r->batch = MIN(r->count, (unsigned)TAKE_MAX);
			r->taken = 0;
			*ret = &r->ring[r->head];
			found = 1;
			break;
		}
		if (r->finished)
			break;
		if (atomic_load(&r->stop)) {
			/* Drained: leave the live thread to unwind on its own. */
			if (r->live) {
				r->live->abandoned = true;
				r->live = NULL;
			}
			r->finished = true;
			break;
		}
		step = atomic_load(&r->step);
		if (r->live && (step & STEP_BUSY) && !(step & STEP_ABANDONED) &&
		    now >= atomic_load(&r->step_deadline) &&
		    step_timed_out_locked(r, step))
			continue;
		if (!r->live) {
			/* Cannot happen: a thread either runs or the walk stopped. */
			stop_locked(r, "stuck");
			continue;
		}
		wake = now + POLL_NS;
		if ((step & STEP_BUSY) && atomic_load(&r->step_deadline) < wake)
			wake = atomic_load(&r->step_deadline);
		if (r->deadline && r->deadline < wake)
			wake = r->deadline;
		timespec_from_ns(wake, &ts);
		r->main_waiting = true;
		pthread_cond_timedwait(&r->item_cv, &r->lock, &ts);
		r->main_waiting = false;
	}
	pthread_mutex_unlock(&r->lock);
	return found;
}

void reader_release(struct reader *r, struct item *it)
{
	if (it->data.alloc > SLOT_KEEP)
		strbuf_release(&it->data);
	if (it == &r->synth) {
		pthread_mutex_lock(&r->lock);
		r->synth_taken = false;
		pthread_mutex_unlock(&r->lock);
		return;
	}
	if (++r->taken < r->batch && it->type != ITEM_DONE)
		return;
	/* The whole batch is used: give the slots back at once. */
	pthread_mutex_lock(&r->lock);
	if (it->type == ITEM_DONE)
		r->finished = true;
	r->head = (r->head + r->taken) % RING_SLOTS;
	r->count -= r->taken;
	r->batch = r->taken = 0;
	/* Not at every free slot: that would switch threads per file. */
	if (r->reader_waiting && r->count <= RING_LOW)
		pthread_cond_signal(&r->space_cv);
	pthread_mutex_unlock(&r->lock);
}

const char *reader_stopped(struct reader *r)
{
	const char *why;

	pthread_mutex_lock(&r->lock);
	why = atomic_load(&r->stop) ? r->stop_reason : NULL;
	pthread_mutex_unlock(&r->lock);
	return why;
}

void reader_stop(struct reader *r, const char *why)
{
	pthread_mutex_lock(&r->lock);
	stop_locked(r, why);
	pthread_mutex_unlock(&r->lock);
}

void reader_counts(struct reader *r, uint64_t ret[COUNT_NR])
{
	pthread_mutex_lock(&r->lock);
	memcpy(ret, r->counts, sizeof(r->counts));
	pthread_mutex_unlock(&r->lock);
}

void reader_free(struct reader *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	if (r->live) {
		r->live->abandoned = true;
		r->live = NULL;
	}
	stop_locked(r, r->stop_reason ? r->stop_reason : "done");
	reader_unref_unlock(r);
}

/* ---- reader-thread side --------------------------------------------------- */

bool reader_gone_locked(struct rd *rd)
{
	return rd->t->abandoned || atomic_load(&rd->r->stop);
}

static void flush_counts_locked(struct rd *rd)
{
	size_t i;

	for (i = 0; i < COUNT_NR; i++) {
		rd->r->counts[i] += rd->pending[i];
		rd->pending[i] = 0;
	}
}

/*
 * Hand an item to the main thread: the staging buffers go into the slot and
 * the slot's old buffers come back as staging buffers.
 */
int reader_push(struct rd *rd, enum item_type type, enum problem_kind kind,
		enum problem_action action, int err)
{
	struct reader *r = rd->r;
	struct item *slot;
	struct strbuf tmp;
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		if (reader_gone_locked(rd)) {
			ret = -ECANCELED;
			goto out;
		}
		if (r->count < RING_SLOTS)
			break;
		r->reader_waiting = true;
		pthread_cond_wait(&r->space_cv, &r->lock);
		r->reader_waiting = false;
	}
	slot = &r->ring[(r->head + r->count) % RING_SLOTS];
	slot->type = type;
	slot->kind = kind;
	slot->action = action;
	slot->err = err;
	slot->mtime = rd->mtime;
	tmp = slot->path;
	slot->path = rd->path;
	rd->path = tmp;
	tmp = slot->data;
	slot->data = rd->data;
	rd->data = tmp;
	r->count++;
	flush_counts_locked(rd);
	if (r->main_waiting && (r->count >= r->wake_at || type == ITEM_DONE))
		pthread_cond_signal(&r->item_cv);
out:
	pthread_mutex_unlock(&r->lock);
	strbuf_reset(&rd->path);
	strbuf_reset(&rd->data);
	return ret;
}

/* ---- the walk ------------------------------------------------------------- */

static void thread_exit(struct reader_thread *t)
{
	struct reader *r = t->r;

	pthread_mutex_lock(&r->lock);
	if (!t->abandoned)
		flush_counts_locked(&t->rd);
	if (r->live == t)
		r->live = NULL;
	if (t->stuck)
		r->abandoned_live--;
	strbuf_release(&t->rd.path);
	strbuf_release(&t->rd.data);
	free(t);
	reader_unref_unlock(r);
}

static void *reader_main(void *arg)
{
	struct reader_thread *t = arg;
	struct rd *rd = &t->rd;
	size_t i = rd->resuming ? (size_t)rd->resume.source : 0;

	for (; i < sources_nr; i++) {
		int ret;

		memset(&rd->cur, 0, offsetof(struct cursor, path));
		rd->cur.path[0] = '\0';
		rd->cur.source = (int)i;
		if (!sample_source(rd_opts(rd), (int)i))
			continue;
		ret = sources[i].collect(rd);
		rd->resuming = false;
		if (ret == -ECANCELED)
			goto out;
	}
	reader_push(rd, ITEM_DONE, PROBLEM_ERROR, ACTION_SKIPPED, 0);
out:
	thread_exit(t);
	return NULL;
}
