/* SPDX-License-Identifier: MIT */
/*
 * Samples over time (capture.md 6): what samples 2..N re-read (the one list
 * of them: only the files that change from one moment to the next and are
 * cheap to read; the first sample, o->sample 0, reads everything), the
 * series of --samples, the flight recorder's ring of --until-oom, and
 * samples/index.tsv.  Each sample is walked by a reader process of its own
 * (relay.c) and its items go into the archive as they come (capture.c).
 */
#include "collect/capture_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/sample_pack.h"

#include "common/banned.h"

static bool listed(const char *const *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

bool sample_source(const struct capture_opts *o, int source)
{
	/* kernel log, bpftool, k8s names, journal, tmpfs and kubelet settings
	   come from the first sample only */
	return o->sample < 2 || source == SRC_NODE || source == SRC_CGROUPS ||
	       source == SRC_PROCESSES;
}

bool sample_node_file(const struct capture_opts *o, const char *path)
{
	static const char *const files[] = {
		"proc/meminfo", "proc/vmstat", "proc/pressure/memory",
	};

	return o->sample < 2 || listed(files, ARRAY_SIZE(files), path);
}

bool sample_cgroup_file(const struct capture_opts *o, const char *file)
{
	static const char *const files[] = {
		/* v2; cgroup.controllers says whether memory.* exist here */
		"cgroup.controllers", "memory.current", "memory.stat",
		"memory.events", "memory.pressure", "memory.swap.current",
		/* v1; oom_control holds the oom_kill counter (v1's events);
		 * kmem is v1's only kernel memory figure */
		"memory.usage_in_bytes", "memory.oom_control",
		"memory.kmem.usage_in_bytes",
		/* both: a restart is a cgroup whose processes all changed */
		"cgroup.procs",
	};

	return o->sample < 2 || listed(files, ARRAY_SIZE(files), file);
}

bool sample_proc_file(const struct capture_opts *o, const char *file)
{
	if (o->sample < 2)
		return true;
	/* a phase proc.c has not named (NULL): the first sample's only */
	if (!file)
		return false;
	/* smaps_rollup walks the page tables: first and last sample only */
	return !strcmp(file, "status") ||
	       (o->sample_smaps && !strcmp(file, "smaps_rollup"));
}

/*
 * A later sample's status holds only the lines the analyzer reads of it
 * (proc_status_sample, capture.md 6.1): the sizes, Name, and Tgid/PPid,
 * which tell a reused pid.  The rest of the ~1.3 KiB file is sample 1's
 * business and was 85% of every later sample.  Kept in the kernel's order,
 * whole lines; returns the new length.  comm has no raw '\n' (the kernel
 * escapes it), so a line is a line.
 */
size_t sample_status_lines(char *buf, size_t len)
{
	static const char *const keys[] = {
		"Name", "Tgid", "PPid", "VmRSS", "RssAnon", "RssFile",
		"RssShmem", "VmSwap",
	};
	size_t in = 0, out = 0, i;

	while (in < len) {
		const char *line = buf + in, *nl = memchr(line, '\n', len - in);
		size_t n = nl ? (size_t)(nl - line) + 1 : len - in;
		const char *colon = memchr(line, ':', n);

		for (i = 0; colon && i < ARRAY_SIZE(keys); i++) {
			size_t kl = strlen(keys[i]);

			if ((size_t)(colon - line) == kl && !memcmp(line, keys[i], kl)) {
				memmove(buf + out, line, n);
				out += n;
				break;
			}
		}
		in += n;
	}
	return out;
}

/*
 * A later sample's files go into a few entries, samples/<k>/pack-<n>
 * (common/sample_pack.h): an entry a file was 4,400 entries a sample on a
 * node of 2,500 processes, which the loader read one by one.  The main
 * process holds one pack, SAMPLE_PACK_MAX bytes or so, never a sample.
 */
int sample_pack_flush(struct run *r, struct body *b, struct sample_pack_out *p,
		      unsigned k)
{
	struct strbuf path = STRBUF_INIT;
	int err = 0;

	if (p->buf.len) {
		strbuf_addf(&path, "samples/%u/" SAMPLE_PACK_PREFIX "%u", k, ++p->n);
		err = body_add(b, r->res->top, path.buf, p->buf.buf, p->buf.len,
			       p->mtime);
		strbuf_reset(&p->buf);
		p->mtime = 0;
	}
	strbuf_release(&path);
	return err;
}

int sample_pack_file(struct run *r, struct body *b, struct sample_pack_out *p,
		     unsigned k, const struct item *it)
{
	int err = 0;

	if (p->buf.len && p->buf.len + it->path.len + it->data.len + 42 > SAMPLE_PACK_MAX)
		err = sample_pack_flush(r, b, p, k);
	if (err < 0)
		return err;
	sample_pack_add(&p->buf, it->path.buf, it->path.len, it->data.buf,
			it->data.len);
	p->mtime = MAX(p->mtime, it->mtime);
	return 0;
}

/* ---- the samples ------------------------------------------------------------ */

/* A problem of a ring sample, replayed into the manifest if the sample is kept. */
struct slot_problem {
	enum problem_kind kind;
	enum problem_action action;
	int err;
	uint32_t path_len, msg_len;      /* then the bytes of both */
};

/* One sample of the flight recorder's ring: a gzip member / zstd frame in fd. */
struct slot {
	int fd;                          /* unlinked temporary file, -1: none yet */
	bool used;
	struct sample_meta meta;
	struct strbuf problems;          /* struct slot_problem records */
	uint64_t problems_dropped;
};

#define SLOT_PROBLEMS_MAX (16u << 10)

void slot_problem(struct slot *s, const char *path,
			 const struct item *it)
{
	struct slot_problem p = { .kind = it->kind, .action = it->action,
				  .err = it->err };

	p.path_len = (uint32_t)strlen(path);
	p.msg_len = (uint32_t)it->data.len;
	if (s->problems.len + sizeof(p) + p.path_len + p.msg_len >
	    SLOT_PROBLEMS_MAX) {
		s->problems_dropped++;
		return;
	}
	strbuf_add(&s->problems, &p, sizeof(p));
	strbuf_add(&s->problems, path, p.path_len);
	strbuf_add(&s->problems, it->data.buf, p.msg_len);
}

static void index_add(struct run *r, const struct sample_meta *s)
{
	if (!r->index.len)
		strbuf_addstr(&r->index, "sample\tmono_ns\tmono_end_ns\trealtime\tkind\ttrigger\tstatus\n");
	strbuf_addf(&r->index, "%u\t%llu\t%llu\t%lld.%09ld\t%s\t%s\t%s\n", s->k,
		    (unsigned long long)s->mono_ns,
		    (unsigned long long)s->mono_end_ns,
		    (long long)s->real.tv_sec, (long)s->real.tv_nsec, s->kind,
		    s->trigger, s->status);
}

/* Why sampling stops now: a signal, the deadline, or NULL. */
static const char *stop_reason(const struct run *r)
{
	int sig = r->opts->stop_signal ? *r->opts->stop_signal : 0;

	if (sig)
		return reader_signal_name(sig);
	if (r->deadline && now_ns(CLOCK_MONOTONIC) >= r->deadline)
		return "timeout";
	return NULL;
}

/*
 * Wait until `until` (CLOCK_MONOTONIC ns) reading the kernel log meanwhile:
 * 0 at that time, 1 when a matching kill was read, -1 when sampling must
 * stop (r->stopped says why).  A signal interrupts poll() at once.
 */
static int wait_until(struct run *r, uint64_t until)
{
	for (;;) {
		uint64_t now = now_ns(CLOCK_MONOTONIC), end = until;
		struct pollfd pfd = { .fd = -1, .events = POLLIN };

		r->stopped = stop_reason(r);
		if (r->stopped)
			return -1;
		if (r->kf && kmsg_follow_read(r->kf) > 0)
			return 1;
		if (now >= until)
			return 0;
		if (r->deadline && r->deadline < end)
			end = r->deadline;
		if (r->kf)
			pfd.fd = kmsg_follow_fd(r->kf);
		poll(&pfd, 1, (int)MIN((end - now + 999999) / 1000000, 100u));
	}
}

/* Walk sample k (>= 2) into b, its line into *meta. */
static int take_sample(struct run *r, unsigned k, bool smaps,
		       const char *trigger, struct body *b,
		       struct sample_meta *meta)
{
	struct capture_opts o = *r->opts;
	struct relay *relay = NULL;
	uint64_t counts[COUNT_NR], rss = 0;
	const char *why;
	bool done = false;
	pid_t pid;
	int err;

	o.sample = k;
	o.sample_smaps = smaps;
	meta->k = k;
	meta->kind = smaps ? "changes+smaps_rollup" : "changes";
	meta->trigger = trigger;
	clock_gettime(CLOCK_REALTIME, &meta->real);
	meta->mono_ns = now_ns(CLOCK_MONOTONIC);
	r->taken++;
	err = relay_start(&o, r->rootfd, r->deadline, &relay);
	if (err < 0) {
		/* the samples so far are kept: this one is an error, the last */
		struct strbuf path = STRBUF_INIT;

		strbuf_addf(&path, "samples/%u", k);
		manifest_problem(&r->m, path.buf, PROBLEM_ERROR, -err,
				 ACTION_SKIPPED, "cannot start the reader process");
		strbuf_release(&path);
		meta->status = "error";
		meta->mono_end_ns = now_ns(CLOCK_MONOTONIC);
		return 0;
	}
	err = capture_consume(r, relay, b, k, &done);
	why = relay_stopped(relay);
	meta->status = done ? "complete" : why ? why : "error";
	relay_counts(relay, counts, &rss, &pid);
	r->child_rss_kb = MAX(r->child_rss_kb, rss);
	relay_free(relay);
	meta->mono_end_ns = now_ns(CLOCK_MONOTONIC);
	if (err < 0)
		return capture_body_failed(r, err);
	return 0;
}

/* --samples N: samples 2..N straight into the body, one per interval. */
static int sample_series(struct run *r, uint64_t start)
{
	const struct capture_opts *o = r->opts;
	struct sample_meta meta;
	unsigned k;
	int err = 0;

	for (k = 2; k <= o->samples; k++) {
		if (wait_until(r, start + (k - 1) * o->interval_ms * 1000000u) < 0)
			break;
		err = take_sample(r, k, k == o->samples, "interval", &r->body,
				  &meta);
		index_add(r, &meta);
		r->kept++;
		if (err < 0)
			break;
		if (strcmp(meta.status, "complete")) {
			r->stopped = meta.status;
			break;
		}
	}
	return err;
}

/* One sample into a ring slot: its own compressed member in s->fd. */
static int slot_sample(struct run *r, struct slot *s, unsigned k, bool smaps,
		       const char *trigger)
{
	struct body b;
	int err;

	if (s->fd < 0) {
		s->fd = tmpfile_open(r->tmpdir.buf);
		if (s->fd < 0)
			return capture_fail(r->res, s->fd, "cannot create a temporary file in '%s'",
				    r->tmpdir.buf);
	} else if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0) {
		return capture_body_failed(r, -errno);
	}
	strbuf_reset(&s->problems);
	s->problems_dropped = 0;
	s->used = false;
	err = body_open(&b, s->fd, r->opts->compress, r->opts->level);
	r->slot = s;
	if (!err)
		err = take_sample(r, k, smaps, trigger, &b, &s->meta);
	r->slot = NULL;
	if (!err)
		err = body_close_member(&b);
	body_free(&b);
	if (err < 0)
		return r->res->err ? err : capture_body_failed(r, err);
	s->used = true;
	return 0;
}

/* Append a kept slot's member to the body file, its problems to the manifest. */
static int slot_append(struct run *r, struct slot *s)
{
	char buf[64 << 10];
	off_t off = 0;
	size_t pos = 0;
	int err = 0;

	for (;;) {
		ssize_t n = pread(s->fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return capture_body_failed(r, -errno);
		if (n == 0)
			break;
		err = write_all(r->body_fd, buf, (size_t)n);
		if (err < 0)
			return capture_body_failed(r, err);
		off += n;
	}
	while (pos + sizeof(struct slot_problem) <= s->problems.len) {
		struct slot_problem p;
		struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;

		memcpy(&p, s->problems.buf + pos, sizeof(p));
		pos += sizeof(p);
		strbuf_add(&path, s->problems.buf + pos, p.path_len);
		pos += p.path_len;
		strbuf_add(&msg, s->problems.buf + pos, p.msg_len);
		pos += p.msg_len;
		manifest_problem(&r->m, path.buf, p.kind, p.err, p.action,
				 msg.buf);
		strbuf_release(&path);
		strbuf_release(&msg);
	}
	if (s->problems_dropped) {
		struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;

		strbuf_addf(&path, "samples/%u", s->meta.k);
		strbuf_addf(&msg, "%llu more problems of this sample not listed",
			    (unsigned long long)s->problems_dropped);
		manifest_problem(&r->m, path.buf, PROBLEM_TOO_LARGE, 0,
				 ACTION_PARTIAL, msg.buf);
		strbuf_release(&path);
		strbuf_release(&msg);
	}
	index_add(r, &s->meta);
	r->kept++;
	return 0;
}

/*
 * --until-oom: samples into a ring of `keep` slots until a kill in the
 * watched cgroup, a signal or the deadline; then one more sample after a
 * kill; then the kept slots (oldest first) after the first sample's member.
 * The body is left open on a new member for what follows (kmsg, index).
 */
static int flight_recorder(struct run *r, uint64_t start)
{
	const struct capture_opts *o = r->opts;
	struct slot *ring = xcalloc((size_t)o->keep + 1, sizeof(*ring));
	size_t nslots = (size_t)o->keep + 1, i, next = 0, first;
	uint64_t tick = start;
	unsigned k = 2;
	int err, w = 0;

	for (i = 0; i < nslots; i++) {
		ring[i].fd = -1;
		strbuf_init(&ring[i].problems, 0);
	}
	/* the first sample is one member; the slots' members follow it */
	err = body_close_member(&r->body);
	body_free(&r->body);
	r->body_open = false;
	if (err < 0) {
		capture_body_failed(r, err);
		goto out;
	}
	for (;; k++) {
		tick += o->interval_ms * 1000000u;
		w = wait_until(r, tick);
		if (w != 0)
			break;
		err = slot_sample(r, &ring[next], k, false, "interval");
		if (err < 0)
			goto out;
		next = (next + 1) % o->keep;
		if (strcmp(ring[(next + o->keep - 1) % o->keep].meta.status, "complete")) {
			r->stopped = stop_reason(r);
			if (!r->stopped)
				r->stopped = ring[(next + o->keep - 1) % o->keep].meta.status;
			w = -1;
			break;
		}
		if (kmsg_follow_read(r->kf) > 0) {
			k++;
			w = 1;
			break;
		}
	}
	if (w > 0) {
		/* right after the kill, with smaps_rollup: the last sample */
		r->oom_kill = true;
		err = slot_sample(r, &ring[o->keep], k, true, "oom-kill");
		if (err < 0)
			goto out;
		if (strcmp(ring[o->keep].meta.status, "complete"))
			r->stopped = stop_reason(r);
	}
	/* oldest first: `next` is the oldest once the ring has wrapped */
	first = ring[next].used ? next : 0;
	for (i = 0; i < o->keep; i++) {
		struct slot *s = &ring[(first + i) % o->keep];

		if (!s->used)
			continue;
		err = slot_append(r, s);
		if (err < 0)
			goto out;
	}
	if (ring[o->keep].used) {
		err = slot_append(r, &ring[o->keep]);
		if (err < 0)
			goto out;
	}
	err = body_open(&r->body, r->body_fd, o->compress, o->level);
	r->body_open = true;
	if (err < 0)
		capture_body_failed(r, err);
out:
	for (i = 0; i < nslots; i++) {
		if (ring[i].fd >= 0)
			close(ring[i].fd);
		strbuf_release(&ring[i].problems);
	}
	free(ring);
	return err;
}

/* The followed kernel log as collector/kmsg.txt: read up to this moment. */
static int add_followed_kmsg(struct run *r)
{
	struct kmsg_follow_info ki;
	struct strbuf json = STRBUF_INIT;
	const char *dev = r->opts->kmsg_device ? r->opts->kmsg_device : "/dev/kmsg";
	int err;

	if (kmsg_follow_read(r->kf) > 0)
		r->oom_kill = true;
	kmsg_follow_result(r->kf, &ki);
	r->f.counts[COUNT_KMSG_READ] = ki.read;
	r->f.counts[COUNT_KMSG_KEPT] = ki.kept;
	r->f.counts[COUNT_OOM_REPORTS] = ki.reports;
	if (ki.full)
		manifest_problem(&r->m, "collector/kmsg.txt", PROBLEM_TOO_LARGE,
				 EFBIG, ACTION_TRUNCATED,
				 "kernel log longer than 16 MiB: later records dropped");
	kmsg_follow_manifest(r->kf, dev, &json);
	manifest_set(&r->m, "kmsg", json.buf, json.len);
	strbuf_release(&json);
	err = body_add(&r->body, r->res->top, "collector/kmsg.txt", ki.text,
		       ki.len, (int64_t)time(NULL));
	if (err < 0)
		return capture_body_failed(r, err);
	r->res->files++;
	r->res->bytes += ki.len;
	return 0;
}

int samples_more(struct run *r, const struct sample_meta *first)
{
	const struct capture_opts *o = r->opts;
	struct strbuf json = STRBUF_INIT;
	struct jsonw w;
	int err = 0;

	index_add(r, first);
	r->kept = 1;
	/* a first sample cut short: no more (its kernel log and index still) */
	if (!r->stopped)
		err = o->until_oom ? flight_recorder(r, first->mono_ns)
				   : sample_series(r, first->mono_ns);
	if (!err && r->kf)
		err = add_followed_kmsg(r);
	if (err < 0)
		goto out;
	err = body_add(&r->body, r->res->top, "samples/index.tsv", r->index.buf,
		       r->index.len, (int64_t)time(NULL));
	if (err < 0) {
		capture_body_failed(r, err);
		goto out;
	}
	r->res->files++;
	r->res->bytes += r->index.len;

	jsonw_init(&w, &json, false);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "mode", o->until_oom ? "until-oom" : "series");
	jsonw_kv_string(&w, "index", "samples/index.tsv");
	jsonw_kv_u64(&w, "layout", SAMPLE_LAYOUT_PACKS);
	jsonw_kv_u64(&w, "interval_ms", o->interval_ms);
	if (o->until_oom) {
		jsonw_kv_u64(&w, "keep", o->keep);
		jsonw_kv_string(&w, "cgroup", o->oom_cgroup ? o->oom_cgroup : "/");
		jsonw_kv_bool(&w, "oom_kill", r->oom_kill);
	} else {
		jsonw_kv_u64(&w, "requested", o->samples);
	}
	jsonw_kv_u64(&w, "taken", r->taken + 1);
	jsonw_kv_u64(&w, "kept", r->kept);
	jsonw_end_object(&w);
	manifest_set(&r->m, "samples", json.buf, json.len);
out:
	strbuf_release(&json);
	return err;
}
