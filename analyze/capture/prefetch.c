/* SPDX-License-Identifier: MIT */
/*
 * The capture's reader thread (prefetch.h).  The reader fills a private
 * batch and appends it to the queue under the lock once it holds 256 items
 * or 256 KiB; the loader takes the whole queue at once.  Handing over
 * item by item cost a lock and often a wake-up per file, more than the
 * thread saved on a node's 80,000 small files.
 */
#include "analyze/capture/prefetch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

#define BATCH_ITEMS 256
#define BATCH_BYTES (128u << 10)

enum item_kind { IT_FILE, IT_PROBLEM, IT_END, IT_ERROR };

struct item {
	struct item *next;
	enum item_kind kind;
	char *path;     /* the file's or the problem's path; may be NULL */
	char *text;     /* file data (NUL-terminated), problem or error */
	size_t len;     /* file data's length */
	void *prepared; /* the hooks' prepare() of a file, or NULL */
};

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
	bool stop;              /* under lock: the loader wants no more */
	struct list batch;      /* the reader's own */
	struct item *taken;     /* the loader's own: taken, not handed out */
	struct item *cur;       /* handed out last */
	bool finished;          /* END or ERROR handed out */
	size_t max_bytes;       /* of file data in the queue */
};

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
	free(it->path);
	free(it->text);
	free(it);
}

static void items_free(const struct prefetch *p, struct item *it)
{
	while (it) {
		struct item *next = it->next;

		item_free(p, it);
		it = next;
	}
}

static struct item *batch_add(struct prefetch *p, enum item_kind kind,
			      const char *path, char *text, size_t len)
{
	struct item *it = xcalloc(1, sizeof(*it));

	it->kind = kind;
	it->path = path ? xstrdup(path) : NULL;
	it->text = text;
	it->len = len;
	*p->batch.tail = it;
	p->batch.tail = &it->next;
	p->batch.bytes += len;
	p->batch.n++;
	return it;
}

/* Hand the batch over; false when the loader wants no more. */
static bool batch_flush(struct prefetch *p)
{
	bool stop;

	pthread_mutex_lock(&p->lock);
	while (!p->stop && p->queue.n &&
	       p->queue.bytes + p->batch.bytes > p->max_bytes)
		pthread_cond_wait(&p->room, &p->lock);
	stop = p->stop;
	if (!stop && p->batch.n) {
		*p->queue.tail = p->batch.head;
		p->queue.tail = p->batch.tail;
		p->queue.bytes += p->batch.bytes;
		p->queue.n += p->batch.n;
		pthread_cond_signal(&p->more);
		list_init(&p->batch);
	}
	pthread_mutex_unlock(&p->lock);
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

static void *reader(void *arg)
{
	struct prefetch *p = arg;
	struct capture_file f;
	char *err = NULL;
	int n;

	do {
		n = capture_next(p->c, &f, on_problem, p, &err);
		if (n > 0) {
			char *data = xmalloc(f.len + 1);
			struct item *it;

			memcpy(data, f.data, f.len);
			data[f.len] = '\0';
			it = batch_add(p, IT_FILE, f.path, data, f.len);
			if (p->hooks.prepare) {
				struct capture_file copy = { it->path, it->text, it->len };

				it->prepared = p->hooks.prepare(&copy);
			}
		} else if (n == 0) {
			batch_add(p, IT_END, NULL, NULL, 0);
		} else {
			batch_add(p, IT_ERROR, NULL, err ? err : xstrdup("read error"), 0);
			err = NULL;
		}
		if (n <= 0 || p->batch.n >= BATCH_ITEMS || p->batch.bytes >= BATCH_BYTES) {
			if (!batch_flush(p))
				break;
		}
	} while (n > 0);
	return NULL;
}

int prefetch_start(struct capture *c, const struct prefetch_hooks *hooks,
		   size_t max_bytes, struct prefetch **ret)
{
	struct prefetch *p = xcalloc(1, sizeof(*p));
	int r = -1;

	p->c = c;
	p->max_bytes = max_bytes ? max_bytes : PREFETCH_MAX_BYTES;
	if (hooks && hooks->prepare && hooks->release)
		p->hooks = *hooks;
	list_init(&p->queue);
	list_init(&p->batch);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->room, NULL);
	if (pthread_create(&p->thread, NULL, reader, p) != 0) {
		pthread_cond_destroy(&p->room);
		pthread_cond_destroy(&p->more);
		pthread_mutex_destroy(&p->lock);
		free(p);
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

	item_free(p, p->cur);
	p->cur = NULL;
	if (ret_prepared)
		*ret_prepared = NULL;
	while (!p->finished) {
		struct item *it;

		if (!p->taken) {
			pthread_mutex_lock(&p->lock);
			while (!p->queue.n)
				pthread_cond_wait(&p->more, &p->lock);
			p->taken = p->queue.head;
			list_init(&p->queue);
			pthread_cond_signal(&p->room);
			pthread_mutex_unlock(&p->lock);
		}
		it = p->taken;
		p->taken = it->next;
		it->next = NULL;
		if (it->kind == IT_PROBLEM) {
			if (problem_fn)
				problem_fn(ud, it->path, it->text);
			item_free(p, it);
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
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->room);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	items_free(p, p->queue.head);
	items_free(p, p->taken);
	item_free(p, p->cur);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
