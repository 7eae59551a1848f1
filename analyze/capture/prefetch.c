/* SPDX-License-Identifier: MIT */
/*
 * The capture's reader thread (prefetch.h).  The reader fills a private
 * batch and appends it to the queue under the lock once it holds 256 items
 * or 256 KiB; the loader takes the whole queue at once.  Handing over
 * item by item cost a lock and often a wake-up per file, more than the
 * thread saved on a node's 80,000 small files.
 *
 * The reader also frees what it made: the loader hands the items it is
 * done with back (SPENT_ITEMS at a time, and the rest when it stops) and
 * the reader frees them, file data and prepared results alike; a file of
 * SPENT_OWN_BYTES or more the loader frees itself (below).  Freed by
 * the loader, each of a capture's ~25,000 allocations went back into the
 * reader's malloc arena under that arena's lock, contended by the reader's
 * own mallocs with `memsnap load -j2`: glibc's _int_free and _int_malloc
 * were 11% of that profile and the scheduler 12% (tests/bench/README.md).
 * So after the end of the archive the reader waits for the last items.
 * With many captures (prefetch_set_background()), once it has read the
 * end, prefetch_stop() does not wait for it to free them: the reader frees
 * them, and itself, on its own, as the loader stores the next capture (waiting for that join was 2 to 3% of the
 * loader's wall time with `memsnap load -j2`, the loader being the one
 * thread the others wait for).
 */
#include "analyze/capture/prefetch.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/util.h"

#include "common/banned.h"

#define BATCH_ITEMS 256
#define BATCH_BYTES (128u << 10)
#define SPENT_ITEMS 256
/*
 * A file this big the loader frees at once.  Its block is a mapping of its
 * own, so freeing it contends for no arena lock; and waiting for the
 * reader's next batch, it kept one more of a hostile capture's 60 MiB
 * files in memory (t70's bomb-many-files: 252 MiB peak, 130 without).
 */
#define SPENT_OWN_BYTES (1u << 20)

enum item_kind { IT_FILE, IT_PROBLEM, IT_END, IT_ERROR };

struct item {
	struct item *next;
	enum item_kind kind;
	bool inline_data; /* path and text are in the item's own block */
	char *path;     /* the file's or the problem's path; may be NULL */
	char *text;     /* file data (NUL-terminated), problem or error */
	size_t len;     /* file data's length */
	void *prepared; /* the hooks' prepare() of a file, or NULL */
	struct slab *slab; /* the block holding the item, or NULL: its own */
};

/*
 * The small files' items, packed into blocks of SLAB_BYTES in the order
 * they are read, a block freed when its last item is.  One free() for
 * ~100 files: with -j2 the loader runs on the other CPU, and freeing each
 * file's block on its own read the chunk headers the loader had last
 * written there (glibc's _int_free: 5% of a -j2 load's CPU against 1.4%
 * on one CPU, perf, 200 captures).
 */
#define SLAB_BYTES (256u << 10)
#define SLAB_ITEM_MAX (32u << 10)   /* a bigger item has a block of its own */

struct slab {
	unsigned live;  /* items in it not yet freed */
};

#define SLAB_ALIGN(n) (((n) + 15) & ~(size_t)15)

struct list {
	struct item *head, **tail;
	size_t bytes;
	unsigned n;
};

struct prefetch {
	struct capture *c;
	struct prefetch_hooks hooks;  /* all NULL: none */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t more;    /* the queue has items */
	pthread_cond_t room;    /* the queue has room, or stop */
	struct list queue;      /* under lock */
	struct list spent;      /* under lock: for the reader to free */
	bool stop;              /* under lock: the loader wants no more */
	bool read_all;          /* under lock: the reader is past the end */
	bool detached;          /* under lock: the reader frees p at the stop */
	struct list batch;      /* the reader's own */
	struct item *taken;     /* the loader's own: taken, not handed out */
	struct item *cur;       /* handed out last */
	struct list done;       /* the loader's own: used, not yet in spent */
	bool finished;          /* END or ERROR handed out */
	size_t max_bytes;       /* of file data in the queue */
	bool background;        /* prefetch_set_background() when started */
	bool behind;            /* the reader's: the loader had not taken the last batch */
	struct slab *slab;      /* the reader's: the block items go in now */
	size_t slab_used;       /* bytes of it used */
};

static bool background;

/*
 * Readers detached by prefetch_stop(), not yet gone: waited for before the
 * process goes on to exit (prefetch_wait_detached()), so that no thread is
 * left freeing while the process ends.
 */
static pthread_mutex_t detached_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t detached_gone = PTHREAD_COND_INITIALIZER;
static unsigned detached_n;

static void list_init(struct list *l)
{
	l->head = NULL;
	l->tail = &l->head;
	l->bytes = 0;
	l->n = 0;
}

static void item_free(const struct prefetch *p, struct item *it)
{
	if (!it)
		return;
	if (it->prepared)
		p->hooks.release(it->prepared);
	if (!it->inline_data) {
		free(it->path);
		free(it->text);
	}
	/* a block no more items go in (not the reader's) goes with its last */
	if (!it->slab)
		free(it);
	else if (!--it->slab->live && it->slab != p->slab)
		free(it->slab);
}

/* No more items go in the reader's block: it goes with its last item. */
static void slab_retire(struct prefetch *p)
{
	if (p->slab && !p->slab->live)
		free(p->slab);
	p->slab = NULL;
}

/* n bytes for an item, in the reader's block when small enough. */
static struct item *item_alloc(struct prefetch *p, size_t n)
{
	struct item *it;

	n = SLAB_ALIGN(n);
	if (n > SLAB_ITEM_MAX) {
		it = xmalloc(n);
		memset(it, 0, sizeof(*it));
		return it;
	}
	if (!p->slab || p->slab_used + n > SLAB_BYTES) {
		slab_retire(p);
		p->slab = xmalloc(SLAB_BYTES);
		p->slab->live = 0;
		p->slab_used = SLAB_ALIGN(sizeof(struct slab));
	}
	it = (struct item *)((char *)p->slab + p->slab_used);
	p->slab_used += n;
	p->slab->live++;
	memset(it, 0, sizeof(*it));
	it->slab = p->slab;
	return it;
}

static void items_free(const struct prefetch *p, struct item *it)
{
	while (it) {
		struct item *next = it->next;

		item_free(p, it);
		it = next;
	}
}

static void list_add(struct list *l, struct item *it, size_t bytes)
{
	it->next = NULL;
	*l->tail = it;
	l->tail = &it->next;
	l->bytes += bytes;
	l->n++;
}

/* Append list b to a; b is left empty. */
static void list_join(struct list *a, struct list *b)
{
	if (!b->n)
		return;
	*a->tail = b->head;
	a->tail = b->tail;
	a->bytes += b->bytes;
	a->n += b->n;
	list_init(b);
}

static struct item *batch_add(struct prefetch *p, enum item_kind kind,
			      const char *path, char *text, size_t len)
{
	struct item *it = xcalloc(1, sizeof(*it));

	it->kind = kind;
	it->path = path ? xstrdup(path) : NULL;
	it->text = text;
	it->len = len;
	list_add(&p->batch, it, len);
	return it;
}

/* A file, its path and its data (NUL-terminated) in one block. */
static struct item *batch_add_file(struct prefetch *p, const struct capture_file *f)
{
	size_t plen = strlen(f->path);
	struct item *it = item_alloc(p, sizeof(*it) + plen + 1 + f->len + 1);

	it->kind = IT_FILE;
	it->inline_data = true;
	it->path = (char *)(it + 1);
	memcpy(it->path, f->path, plen + 1);
	it->text = it->path + plen + 1;
	memcpy(it->text, f->data, f->len);
	it->text[f->len] = '\0';
	it->len = f->len;
	list_add(&p->batch, it, f->len);
	return it;
}

/* Free what the loader handed back; called with the lock held, drops it. */
static void free_spent_unlock(struct prefetch *p)
{
	struct item *it = p->spent.head;

	list_init(&p->spent);
	pthread_mutex_unlock(&p->lock);
	items_free(p, it);
}

/* Hand the batch over; false when the loader wants no more. */
static bool batch_flush(struct prefetch *p)
{
	bool stop;

	pthread_mutex_lock(&p->lock);
	while (!p->stop && p->queue.n &&
	       p->queue.bytes + p->batch.bytes > p->max_bytes) {
		if (p->spent.n) {
			free_spent_unlock(p);
			pthread_mutex_lock(&p->lock);
			continue;
		}
		pthread_cond_wait(&p->room, &p->lock);
	}
	stop = p->stop;
	p->behind = p->queue.n > 0;
	if (!stop && p->batch.n) {
		list_join(&p->queue, &p->batch);
		pthread_cond_signal(&p->more);
	}
	free_spent_unlock(p);
	if (stop) {
		items_free(p, p->batch.head);
		list_init(&p->batch);
	}
	return !stop;
}

static void on_problem(void *ud, const char *path, const char *problem)
{
	struct prefetch *p = ud;

	batch_add(p, IT_PROBLEM, path, xstrdup(problem ? problem : ""), 0);
}

static void prefetch_free(struct prefetch *p)
{
	slab_retire(p);   /* every item is freed by now */
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void prefetch_set_background(bool on)
{
	background = on;
}

/*
 * The calling thread's nice value PREFETCH_NICE up (Linux: nice is a
 * thread's).  Best effort: a thread that stays where it is reads the same.
 */
static void thread_behind(void)
{
	pid_t tid = gettid();
	int nice;

	errno = 0;
	nice = getpriority(PRIO_PROCESS, (id_t)tid);
	if (errno == 0)
		(void)setpriority(PRIO_PROCESS, (id_t)tid, nice + PREFETCH_NICE);
}

/*
 * glibc grows a thread's malloc arena by what each allocation lacks, a
 * page at a time, with an mprotect() each (a thread's arena has no top
 * pad): the reader of a 1,400-process capture made 950 to 1,250 of them
 * for its parsers' small blocks, 8.5% of its time (perf).  Blocks of
 * ARENA_RESERVE in all, asked for and freed first, leave the arena that
 * much larger for 68 of them; but for the blocks' headers, their pages
 * are not touched until used.
 * Each is under glibc's smallest threshold for a block of its own (128
 * KiB), so that it comes from the arena.
 */
#define ARENA_RESERVE (8u << 20)
#define ARENA_BLOCK (120u << 10)

static void arena_reserve(void)
{
	void *b[ARENA_RESERVE / ARENA_BLOCK];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(b); i++)
		b[i] = xmalloc(ARENA_BLOCK);
	while (i--)
		free(b[i]);
}

static void *reader(void *arg)
{
	struct prefetch *p = arg;
	struct capture_file f;
	char *err = NULL;
	bool detached;
	int n;

	if (p->background)
		thread_behind();
	arena_reserve();
	do {
		n = capture_next(p->c, &f, on_problem, p, &err);
		if (n > 0) {
			struct item *it = batch_add_file(p, &f);

			if (p->hooks.prepare) {
				struct capture_file copy = { it->path, it->text, it->len };

				it->prepared = p->hooks.prepare(&copy, p->behind);
			}
		} else if (n == 0) {
			batch_add(p, IT_END, NULL, NULL, 0);
		} else {
			batch_add(p, IT_ERROR, NULL, err ? err : xstrdup("read error"), 0);
			err = NULL;
		}
		if (n <= 0 || p->batch.n >= BATCH_ITEMS || p->batch.bytes >= BATCH_BYTES) {
			if (!batch_flush(p))
				return NULL;
		}
	} while (n > 0);
	/* The end is handed over: free what comes back until the stop. */
	pthread_mutex_lock(&p->lock);
	p->read_all = true;
	for (;;) {
		if (p->spent.n) {
			free_spent_unlock(p);
			pthread_mutex_lock(&p->lock);
		} else if (p->stop) {
			break;
		} else {
			pthread_cond_wait(&p->room, &p->lock);
		}
	}
	detached = p->detached;
	pthread_mutex_unlock(&p->lock);
	if (detached) {
		prefetch_free(p);
		pthread_mutex_lock(&detached_lock);
		if (!--detached_n)
			pthread_cond_broadcast(&detached_gone);
		pthread_mutex_unlock(&detached_lock);
	}
	return NULL;
}

void prefetch_wait_detached(void)
{
	pthread_mutex_lock(&detached_lock);
	while (detached_n)
		pthread_cond_wait(&detached_gone, &detached_lock);
	pthread_mutex_unlock(&detached_lock);
}

int prefetch_start(struct capture *c, const struct prefetch_hooks *hooks,
		   size_t max_bytes, struct prefetch **ret)
{
	struct prefetch *p = xcalloc(1, sizeof(*p));
	int r = -1;

	p->c = c;
	p->background = background;
	p->max_bytes = max_bytes ? max_bytes : PREFETCH_MAX_BYTES;
	if (hooks && hooks->prepare && hooks->release)
		p->hooks = *hooks;
	list_init(&p->queue);
	list_init(&p->spent);
	list_init(&p->batch);
	list_init(&p->done);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->room, NULL);
	if (pthread_create(&p->thread, NULL, reader, p) != 0) {
		prefetch_free(p);
		p = NULL;
		goto out;
	}
	r = 0;
out:
	*ret = p;
	return r;
}

int prefetch_next(struct prefetch *p, struct capture_file *ret,
		  void **ret_prepared, capture_problem_fn problem_fn, void *ud,
		  char **ret_err)
{
	int r = 0;

	if (p->cur && p->cur->len >= SPENT_OWN_BYTES)
		item_free(p, p->cur);
	else if (p->cur)
		list_add(&p->done, p->cur, 0);
	p->cur = NULL;
	if (ret_prepared)
		*ret_prepared = NULL;
	while (!p->finished) {
		struct item *it;

		if (!p->taken || p->done.n >= SPENT_ITEMS) {
			pthread_mutex_lock(&p->lock);
			while (!p->taken && !p->queue.n)
				pthread_cond_wait(&p->more, &p->lock);
			if (!p->taken) {
				p->taken = p->queue.head;
				list_init(&p->queue);
			}
			list_join(&p->spent, &p->done);
			pthread_cond_signal(&p->room);
			pthread_mutex_unlock(&p->lock);
		}
		it = p->taken;
		p->taken = it->next;
		it->next = NULL;
		/*
		 * The next item (its header, path and first bytes) on its way
		 * while the loader stores this one: with -j2 the reader wrote
		 * it on the other CPU, and taking each item missed the cache
		 * there (this function 0.54-0.62 ms of writer a capture against
		 * 0.16 on one CPU; 0.14-0.18 with this, perf, 200 captures).
		 */
		if (p->taken) {
			__builtin_prefetch(p->taken);
			__builtin_prefetch((char *)p->taken + 64);
		}
		if (it->kind == IT_PROBLEM) {
			if (problem_fn)
				problem_fn(ud, it->path, it->text);
			list_add(&p->done, it, 0);
			continue;
		}
		p->cur = it;
		if (it->kind == IT_FILE) {
			ret->path = it->path;
			ret->data = it->text;
			ret->len = it->len;
			if (ret_prepared)
				*ret_prepared = it->prepared;
			r = 1;
			break;
		}
		p->finished = true;
		if (it->kind == IT_ERROR) {
			if (ret_err) {
				*ret_err = it->text;
				it->text = NULL;
			}
			r = -1;
		}
	}
	return r;
}

void prefetch_stop(struct prefetch *p)
{
	if (!p)
		return;
	if (p->cur)
		list_add(&p->done, p->cur, 0);
	p->cur = NULL;
	while (p->taken) {
		struct item *it = p->taken;

		p->taken = it->next;
		list_add(&p->done, it, 0);
	}
	pthread_mutex_lock(&p->lock);
	list_join(&p->spent, &p->done);
	list_join(&p->spent, &p->queue);
	p->stop = true;
	pthread_cond_signal(&p->room);
	/*
	 * Past the end, a background reader (many captures, -j > 1) no longer
	 * reads the capture: it frees the rest and p on its own (the loader
	 * may close the capture now).  Any other is joined, as below.
	 * Until it sees the stop under this lock, it is there to detach.
	 */
	if (p->read_all && p->background) {
		p->detached = true;
		pthread_mutex_lock(&detached_lock);
		detached_n++;
		pthread_mutex_unlock(&detached_lock);
		pthread_detach(p->thread);
		pthread_mutex_unlock(&p->lock);
		return;
	}
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	/* The reader freed the rest, unless it stopped first (no more room). */
	items_free(p, p->spent.head);
	prefetch_free(p);
}
