/* SPDX-License-Identifier: MIT */
/*
 * The kernel log (capture.md 2.4): /dev/kmsg read without blocking from the
 * first record still in the ring buffer, or syslog(2) when /dev/kmsg cannot
 * be opened, filtered to the OOM reports by a pure function over records.
 *
 * /dev/kmsg (Documentation/ABI/testing/dev-kmsg): every read() returns one
 * record, "prio,seq,usec,flags[,...];message\n" followed by continuation
 * lines " KEY=value\n" (device properties, dropped here).  A fresh open
 * starts at the oldest record; EAGAIN means we are at the end; EPIPE means
 * records were overwritten under us (the next read returns the next one).
 */
#include "collect/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "common/banned.h"
#define RECORD_BUF (16u << 10)
/* Bound the reading of a log that a flooding kernel keeps filling. */
#define RECORDS_MAX (4u << 20)
#define SYSLOG_ACTION_READ_ALL_ 3
#define SYSLOG_ACTION_SIZE_BUFFER_ 10

/* ---- the filter ------------------------------------------------------------- */

static bool has(const char *s, size_t len, const char *needle)
{
	return memmem_str(s, len, needle) != NULL;
}

/* Lines that belong to an OOM kill wherever they appear. */
static bool oom_line(const char *m, size_t len)
{
	return has(m, len, "oom-kill:") || has(m, len, "Killed process") ||
	       has(m, len, "Memory cgroup out of memory") ||
	       has(m, len, "Out of memory") || has(m, len, "oom_reaper:") ||
	       has(m, len, "are going to be killed due to memory.oom.group");
}

/* The line that ends a report: the kill. */
static bool kill_line(const char *m, size_t len)
{
	return has(m, len, "Killed process") ||
	       (has(m, len, "Kill process") && has(m, len, "sacrifice child"));
}

void kmsg_filter_init(struct kmsg_filter *f, enum kmsg_mode mode)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->after_kill = -1;
	f->phase = -1;
}

/*
 * Counting OOM events as `memsnap load` finds them in the kept records
 * (issue 13.10: the collector said "0 OOM reports" for oom-kill: lines that
 * load as events).  The loader (analyze/oom/parse.c: classify(),
 * kind_phase[], needs_new_event()) gives each line a kind and a phase and
 * starts an event at a trigger line, or at a line whose phase is not past
 * the current event's (kills after "memory.oom.group" excepted).  Only the
 * kinds that can start an event on their own are needed here; the lines
 * between a trigger and its kill (phases 1 to 7) never start one.  Their
 * tests: tests/t18-collect-oom-count.sh runs both on the same records.
 */
#define LOG_HEAD 200           /* analyze/oom/parse.c: HEAD */
#define PHASE_OOM_GROUP 11

static bool head_has(const char *m, size_t len, const char *needle)
{
	return has(m, MIN(len, (size_t)LOG_HEAD), needle);
}

static bool starts(const char *m, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(m, prefix, n);
}

/* The loader's phase of a line that can start an event, -1 for others. */
static int event_phase(const char *m, size_t len)
{
	if (head_has(m, len, " invoked oom-killer:"))
		return 0;
	if (starts(m, len, "oom-kill:"))
		return 8;
	if (starts(m, len, "oom_reaper: reaped process "))
		return -1;      /* joins the event before it */
	if (head_has(m, len, "Killed process "))
		return 10;
	if ((head_has(m, len, "Kill process ") || head_has(m, len, "kill process ")) &&
	    head_has(m, len, " score "))
		return 9;
	if (starts(m, len, "Out of memory and no killable processes"))
		return 10;
	if (head_has(m, len, "OOM victim ") &&
	    has(m, len, " is already exiting. Skip killing"))
		return 10;
	if (starts(m, len, "Tasks in ") &&
	    has(m, len, " are going to be killed due to memory.oom.group set"))
		return PHASE_OOM_GROUP;
	return -1;
}

/* A kept record: does it start an event for the loader? */
static void count_event(struct kmsg_filter *f, const char *msg, size_t len)
{
	int p = event_phase(msg, len);

	if (p < 0)
		return;
	if (f->phase < 0 || p == 0 ||
	    (p <= f->phase && !(p == 10 && f->phase == PHASE_OOM_GROUP))) {
		f->reports++;
		f->phase = p;
	} else if (p > f->phase) {
		f->phase = p;
	}
}

static bool filter_keep(struct kmsg_filter *f, const char *msg, size_t len);

bool kmsg_filter_keep(struct kmsg_filter *f, const char *msg, size_t len)
{
	bool keep = filter_keep(f, msg, len);

	if (keep)
		count_event(f, msg, len);
	return keep;
}

static bool filter_keep(struct kmsg_filter *f, const char *msg, size_t len)
{
	bool standalone = oom_line(msg, len);

	if (has(msg, len, "invoked oom-killer")) {
		f->in_report = true;
		f->report_records = 0;
		f->after_kill = -1;
	}
	if (f->in_report) {
		bool keep;

		f->report_records++;
		if (f->report_records == KMSG_REPORT_MAX + 1)
			f->truncated++;
		keep = f->report_records <= KMSG_REPORT_MAX || standalone;
		if (kill_line(msg, len)) {
			f->in_report = false;
			f->after_kill = 0;
		}
		return f->mode == KMSG_ALL || keep;
	}
	if (f->after_kill >= 0) {
		if (++f->after_kill > KMSG_REAPER_WINDOW)
			f->after_kill = -1;
		else if (has(msg, len, "oom_reaper:"))
			f->after_kill = -1;
	} else if (kill_line(msg, len)) {
		/* A kill whose report was overwritten: kept, counted as one. */
		f->after_kill = 0;
	}
	return f->mode == KMSG_ALL || standalone;
}

void kmsg_record_message(const char *rec, size_t len, const char **ret_msg,
			 size_t *ret_len)
{
	const char *semi = memchr(rec, ';', len);

	if (!semi) {
		*ret_msg = rec;
		*ret_len = len;
		return;
	}
	*ret_msg = semi + 1;
	*ret_len = len - (size_t)(semi + 1 - rec);
}

void kmsg_syslog_message(const char *line, size_t len, const char **ret_msg,
			 size_t *ret_len)
{
	size_t i = 0;

	/* "<6>" */
	if (len && line[0] == '<') {
		const char *gt = memchr(line, '>', MIN(len, (size_t)8));

		if (gt)
			i = (size_t)(gt - line) + 1;
	}
	/* "[  123.456789] " */
	if (i < len && line[i] == '[') {
		const char *rb = memchr(line + i, ']', MIN(len - i, (size_t)32));

		if (rb) {
			i = (size_t)(rb - line) + 1;
			if (i < len && line[i] == ' ')
				i++;
		}
	}
	*ret_msg = line + i;
	*ret_len = len - i;
}

/* ---- reading ----------------------------------------------------------------- */

struct kmsg_out {
	struct kmsg_filter f;
	struct strbuf text;
	uint64_t read, kept, lost;
	bool full;                 /* KMSG_MAX reached */
	/*
	 * Following the log (--until-oom): keep the latest records within
	 * KMSG_FOLLOW_MAX, dropping the oldest, so memory does not grow with
	 * the run time; `dropped` counts them.  0: keep the first KMSG_MAX.
	 */
	size_t latest_max;
	uint64_t dropped;
};

/* One record (or syslog line) without its newline. */
static void take(struct kmsg_out *o, const char *rec, size_t len, bool syslog)
{
	const char *msg;
	size_t mlen;

	o->read++;
	if (syslog)
		kmsg_syslog_message(rec, len, &msg, &mlen);
	else
		kmsg_record_message(rec, len, &msg, &mlen);
	if (!kmsg_filter_keep(&o->f, msg, mlen))
		return;
	if (o->latest_max && o->text.len + len + 1 > o->latest_max &&
	    len + 1 <= o->latest_max / 2) {
		/* drop whole records from the front, down to half the cap */
		size_t cut = 0;

		while (cut < o->text.len &&
		       o->text.len - cut + len + 1 > o->latest_max / 2) {
			const char *nl = memchr(o->text.buf + cut, '\n',
						o->text.len - cut);

			cut = nl ? (size_t)(nl - o->text.buf) + 1 : o->text.len;
			o->dropped++;
		}
		memmove(o->text.buf, o->text.buf + cut, o->text.len - cut);
		strbuf_setlen(&o->text, o->text.len - cut);
	}
	if (o->text.len + len + 1 > KMSG_MAX) {
		o->full = true;
		return;
	}
	strbuf_add(&o->text, rec, len);
	strbuf_addch(&o->text, '\n');
	o->kept++;
}

static int read_device(struct kmsg_out *o, const char *path,
		       const atomic_int *stop)
{
	char *buf = xmalloc(RECORD_BUF);
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	while (o->read < RECORDS_MAX) {
		ssize_t n = read(fd, buf, RECORD_BUF);
		const char *nl;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				o->lost++;
				continue;
			}
			if (errno != EAGAIN)
				ret = -errno;
			break;
		}
		if (n == 0)
			break;
		/* Continuation lines (" KEY=value") follow the first newline. */
		nl = memchr(buf, '\n', (size_t)n);
		take(o, buf, nl ? (size_t)(nl - buf) : (size_t)n, false);
		if (!(o->read & 1023) && atomic_load(stop))
			break;
	}
	close(fd);
out:
	free(buf);
	return ret;
}

/* A text file of records as `cat /dev/kmsg` prints them (tests). */
static void take_text(struct kmsg_out *o, const char *buf, size_t len,
		      bool syslog)
{
	size_t pos = 0, llen;
	const char *line;

	while (next_line(buf, len, &pos, &line, &llen)) {
		if (!llen || line[0] == ' ')
			continue;
		take(o, line, llen, syslog);
	}
}

static int read_syslog(struct kmsg_out *o)
{
	struct strbuf sb = STRBUF_INIT;
	int size, n, ret = 0;

	size = klogctl(SYSLOG_ACTION_SIZE_BUFFER_, NULL, 0);
	if (size < 0) {
		ret = -errno;
		goto out;
	}
	if (size == 0)
		size = 1 << 20;
	if ((unsigned)size > KMSG_MAX)
		size = (int)KMSG_MAX;
	strbuf_grow(&sb, (size_t)size);
	n = klogctl(SYSLOG_ACTION_READ_ALL_, sb.buf, size);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	take_text(o, sb.buf, (size_t)n, true);
out:
	strbuf_release(&sb);
	return ret;
}

/* manifest.kmsg (capture.md 2.4); last_seq only when following the log. */
static void kmsg_json(const struct kmsg_out *o, const char *source,
		      const char *path, const uint64_t *last_seq,
		      struct strbuf *json)
{
	struct jsonw w;

	jsonw_init(&w, json, false);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "source", source);
	jsonw_kv_string(&w, "mode", o->f.mode == KMSG_ALL ? "all" : "oom");
	jsonw_kv_string(&w, "path", path);
	jsonw_kv_u64(&w, "records_read", o->read);
	jsonw_kv_u64(&w, "records_kept", o->kept);
	jsonw_kv_u64(&w, "overwritten", o->lost);
	jsonw_kv_u64(&w, "oom_reports", o->f.reports);
	jsonw_kv_u64(&w, "truncated_reports", o->f.truncated);
	if (last_seq) {
		jsonw_kv_u64(&w, "last_seq", *last_seq);
		jsonw_kv_u64(&w, "dropped_oldest", o->dropped);
	}
	jsonw_end_object(&w);
}

static int publish(struct rd *rd, const struct kmsg_out *o, const char *source,
		   const char *path)
{
	struct strbuf json = STRBUF_INIT;
	int ret;

	kmsg_json(o, source, path, NULL, &json);
	ret = rd_manifest(rd, "kmsg", json.buf, json.len);
	strbuf_release(&json);
	return ret;
}

int kmsg_collect(struct rd *rd)
{
	const struct capture_opts *opts = rd_opts(rd);
	const struct cursor *resume = rd_resuming(rd, SRC_KMSG);
	struct kmsg_out o;
	const char *source, *path = "collector/kmsg.txt";
	bool syslog = false;
	int ret, err, e;

	rd_resumed(rd);
	if (resume || opts->kmsg == KMSG_NONE)
		return 0;       /* the read got stuck (recorded), or not wanted */

	memset(&o, 0, sizeof(o));
	kmsg_filter_init(&o.f, opts->kmsg);
	strbuf_init(&o.text, 0);

	source = opts->kmsg_file ? opts->kmsg_file :
		 opts->kmsg_device ? opts->kmsg_device : "/dev/kmsg";
	ret = rd_step_begin(rd, path, "kmsg", 0);
	if (ret < 0)
		goto out;
	if (opts->kmsg_file) {
		struct strbuf sb = STRBUF_INIT;

		err = read_file_at(AT_FDCWD, opts->kmsg_file, &sb, KMSG_MAX);
		if (err == -EFBIG)
			err = 0;
		if (!err)
			take_text(&o, sb.buf, sb.len, false);
		strbuf_release(&sb);
	} else {
		err = read_device(&o, source, rd_stop_flag(rd));
		if (err == -ENOENT || err == -EACCES || err == -EPERM ||
		    err == -ENXIO || err == -ENODEV) {
			/* No usable /dev/kmsg: the syslog call reads the same ring. */
			int serr = read_syslog(&o);

			if (serr == 0) {
				err = 0;
				syslog = true;
				source = "syslog";
				path = "collector/kmsg-syslog.txt";
			}
		}
	}
	ret = rd_step_end(rd);
	if (ret < 0)
		goto out;
	if (err < 0) {
		ret = rd_problem_errno(rd, path, err, false);
		goto out;
	}
	rd_count(rd, COUNT_KMSG_READ, o.read);
	rd_count(rd, COUNT_KMSG_KEPT, o.kept);
	rd_count(rd, COUNT_OOM_REPORTS, o.f.reports);
	if (o.full) {
		ret = rd_problem(rd, path, PROBLEM_TOO_LARGE, EFBIG,
				 ACTION_TRUNCATED,
				 "kernel log longer than 16 MiB: later records dropped");
		if (ret < 0)
			goto out;
	}
	ret = publish(rd, &o, source, path);
	if (ret < 0)
		goto out;
	ret = rd_emit_strbuf(rd, path, &o.text);
out:
	e = ret;
	strbuf_release(&o.text);
	(void)syslog;
	return e == -ECANCELED ? e : 0;
}

/* ---- following the log (--until-oom) ----------------------------------------- */

/* The value of " key=" in an oom-kill: line, up to the next ',' (or the end). */
static bool kill_field(const char *m, size_t len, const char *key,
		       const char **ret, size_t *ret_len)
{
	size_t kl = strlen(key), i;

	for (i = 0; i + kl <= len; i++) {
		size_t j;

		if ((i && m[i - 1] != ',' && m[i - 1] != ':') ||
		    memcmp(m + i, key, kl))
			continue;
		for (j = i + kl; j < len && m[j] != ','; j++)
			;
		*ret = m + i + kl;
		*ret_len = j - i - kl;
		return true;
	}
	return false;
}

/* Is the cgroup path p[0..len) `cgroup` or below it ("/" holds all)? */
static bool under(const char *p, size_t len, const char *cgroup)
{
	size_t cl = strlen(cgroup);

	while (cl > 1 && cgroup[cl - 1] == '/')
		cl--;
	if (cl == 1 && cgroup[0] == '/')
		return true;
	return len >= cl && !memcmp(p, cgroup, cl) && (len == cl || p[cl] == '/');
}

bool kmsg_oom_kill_matches(const char *msg, size_t len, const char *cgroup)
{
	const char *v, *p;
	size_t vl;

	/* 4.19+: "oom-kill:constraint=...,oom_memcg=/a,task_memcg=/a/b,task=..." */
	if (starts(msg, len, "oom-kill:")) {
		if (!cgroup)
			return true;
		return (kill_field(msg, len, "oom_memcg=", &v, &vl) &&
			under(v, vl, cgroup)) ||
		       (kill_field(msg, len, "task_memcg=", &v, &vl) &&
			under(v, vl, cgroup));
	}
	/* before: "Task in /a/b killed as a result of limit of /a" */
	if (!starts(msg, len, "Task in "))
		return false;
	v = msg + 8;
	p = memmem_str(v, len - 8, " killed as a result of limit of ");
	if (!p)
		return false;
	if (!cgroup)
		return true;
	vl = (size_t)(p - v);
	if (under(v, vl, cgroup))
		return true;
	v = p + 32;
	return under(v, len - (size_t)(v - msg), cgroup);
}

struct kmsg_follow {
	struct kmsg_out o;
	int fd;
	char *buf;
	const char *cgroup;
	uint64_t last_seq;         /* of the last record read */
	bool have_seq;
	uint64_t kills;            /* matching kills read */
};

int kmsg_follow_open(const char *device, enum kmsg_mode mode,
		     const char *cgroup, struct kmsg_follow **ret)
{
	struct kmsg_follow *k;
	int fd = open(device, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	k = xcalloc(1, sizeof(*k));
	kmsg_filter_init(&k->o.f, mode);
	strbuf_init(&k->o.text, 0);
	k->o.latest_max = KMSG_FOLLOW_MAX;
	k->fd = fd;
	k->buf = xmalloc(RECORD_BUF);
	k->cgroup = cgroup;
	*ret = k;
	return 0;
}

int kmsg_follow_fd(const struct kmsg_follow *k)
{
	return k->fd;
}

int kmsg_follow_read(struct kmsg_follow *k)
{
	uint64_t before = k->kills;

	for (;;) {
		ssize_t n = read(k->fd, k->buf, RECORD_BUF);
		const char *nl, *msg, *c1, *c2;
		size_t len, mlen;
		uint64_t seq;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				k->o.lost++;
				continue;
			}
			if (errno != EAGAIN)
				return -errno;
			break;
		}
		if (n == 0)
			break;
		nl = memchr(k->buf, '\n', (size_t)n);
		len = nl ? (size_t)(nl - k->buf) : (size_t)n;
		c1 = memchr(k->buf, ',', len);
		c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - k->buf)) : NULL;
		if (c2 && parse_u64(c1 + 1, (size_t)(c2 - c1 - 1), &seq) == 0) {
			k->last_seq = seq;
			k->have_seq = true;
		}
		take(&k->o, k->buf, len, false);
		kmsg_record_message(k->buf, len, &msg, &mlen);
		if (kmsg_oom_kill_matches(msg, mlen, k->cgroup))
			k->kills++;
	}
	return k->kills > before ? 1 : 0;
}

void kmsg_follow_manifest(const struct kmsg_follow *k, const char *source,
			  struct strbuf *json)
{
	kmsg_json(&k->o, source, "collector/kmsg.txt",
		  k->have_seq ? &k->last_seq : NULL, json);
}

void kmsg_follow_result(const struct kmsg_follow *k, struct kmsg_follow_info *ret)
{
	ret->text = k->o.text.buf;
	ret->len = k->o.text.len;
	ret->read = k->o.read;
	ret->kept = k->o.kept;
	ret->lost = k->o.lost;
	ret->reports = k->o.f.reports;
	ret->truncated = k->o.f.truncated;
	ret->full = k->o.full;
	ret->last_seq = k->last_seq;
	ret->have_seq = k->have_seq;
	ret->kills = k->kills;
}

void kmsg_follow_free(struct kmsg_follow *k)
{
	if (!k)
		return;
	close(k->fd);
	free(k->buf);
	strbuf_release(&k->o.text);
	free(k);
}
