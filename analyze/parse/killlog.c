/* SPDX-License-Identifier: MIT */
/*
 * Kills and evictions the kernel log does not show: systemd-oomd's and the
 * kubelet eviction manager's journal lines, as `journalctl -u systemd-oomd
 * -u kubelet` prints them (memsnap-collect keeps only those lines), and the
 * kubelet's eviction message as a pod's status shows it.
 *
 * Shapes (each from the programs' sources and real logs, see the tests):
 *   Dec 18 19:34:56 host systemd-oomd[840]: Killed /user.slice/... due to
 *     memory pressure for /user.slice/... being 51.07% > 50.00% for > 20s
 *     with reclaim activity
 *   ... systemd[1837]: vte-spawn-....scope: systemd-oomd killed 12 process(es) in this unit.
 *   ... kubelet[18530]: I0902 15:20:14.747890   18530 eviction_manager.go:280]
 *     eviction manager: pod guaranteed-cn933_ns(uid) evicted successfully
 *   ... kubelet[1]: I0315 ... eviction_manager.go:366] "Eviction manager:
 *     evicting pod" pod="ns/name" ... message="The node was low on ..."
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

#define KILL_EVENTS_MAX 100000

struct span {
	const char *s;
	size_t n;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *find(const char *s, size_t n, const char *needle)
{
	return memmem_str(s, n, needle);
}

static char *dup_span(const char *s, size_t n)
{
	trim_span(&s, &n);
	return n ? xstrndup(s, n) : NULL;
}

/* The token after `key` in s, ending at one of `stops` (or the end). */
static bool after(const char *s, size_t n, const char *key, const char *stops,
		  struct span *ret)
{
	const char *p = find(s, n, key), *e;

	if (!p)
		return false;
	p += strlen(key);
	e = p;
	while (e < s + n && !strchr(stops, *e))
		e++;
	ret->s = p;
	ret->n = (size_t)(e - p);
	trim_span(&ret->s, &ret->n);
	return ret->n > 0;
}

static void set_quantity(struct span v, struct kv_u64 *dst)
{
	uint64_t x;

	/* "7G. " at the end of a sentence: the full stop is not a fraction. */
	while (v.n && (v.s[v.n - 1] == '.' || v.s[v.n - 1] == ' '))
		v.n--;
	if (!dst->set && parse_k8s_quantity(v.s, v.n, &x) == 0) {
		dst->v = x;
		dst->set = true;
	}
}

void parse_eviction_message(const char *s, size_t len, struct kill_event *ev)
{
	struct span v;

	if (!ev->resource && after(s, len, "low on resource: ", ".,\"", &v))
		ev->resource = dup_span(v.s, v.n);
	if (after(s, len, "Threshold quantity: ", ",\"", &v))
		set_quantity(v, &ev->threshold_bytes);
	if (after(s, len, "available: ", ",\" ", &v))
		set_quantity(v, &ev->available_bytes);
	if (after(s, len, "was using ", ",\" ", &v))
		set_quantity(v, &ev->usage_bytes);
	if (after(s, len, "request is ", ",\" ", &v) ||
	    after(s, len, "exceeds its request of ", ",\" ", &v))
		set_quantity(v, &ev->request_bytes);
	if (!ev->container && after(s, len, "Container ", " ", &v))
		ev->container = dup_span(v.s, v.n);
}

/*
 * The journal's prefix: "<time> [host] ident[pid]: msg".  Sets the time
 * (as printed), the ident and the message; false when the line has none.
 */
static bool journal_prefix(const char *l, size_t n, struct span *time,
			   struct span *ident, struct span *msg)
{
	size_t lim = n < 256 ? n : 256, i, tok = 0, st;
	const char *colon = find(l, lim, "]: "), *br;

	if (!colon)
		return false;
	for (br = colon; br > l && *br != '['; br--)
		;
	if (br == l || br[-1] == ' ')
		return false;
	for (st = (size_t)(br - l); st > 0 && l[st - 1] != ' '; st--)
		;
	ident->s = l + st;
	ident->n = (size_t)(br - l) - st;
	msg->s = colon + 3;
	msg->n = n - (size_t)(colon + 3 - l);
	/* short-iso and short-unix: one token; short: "Mon DD HH:MM:SS". */
	i = 0;
	time->s = l;
	if (is_digit(l[0])) {
		while (i < st && l[i] != ' ')
			i++;
	} else {
		while (i < st && tok < 3) {
			while (i < st && l[i] != ' ')
				i++;
			if (++tok < 3)
				while (i < st && l[i] == ' ')
					i++;
		}
	}
	time->n = i;
	return true;
}

/* A glog header "I0902 15:20:12.963548   18530 file.go:280] ": its time and the rest. */
static bool glog_header(struct span *msg, struct span *time)
{
	const char *s = msg->s, *br;
	size_t n = msg->n;

	if (n < 22 || !strchr("IWEF", s[0]) || !is_digit(s[1]) || !is_digit(s[4]) ||
	    s[5] != ' ' || s[8] != ':')
		return false;
	br = find(s, n < 128 ? n : 128, "] ");
	if (!br)
		return false;
	/* "0902 15:20:12.963548": month-day, then the clock up to a blank. */
	time->s = s + 1;
	time->n = 5;
	while (time->n + 1 < n && s[time->n + 1] != ' ')
		time->n++;
	msg->s = br + 2;
	msg->n = n - (size_t)(br + 2 - s);
	return true;
}

static void oomd_pressure(const char *s, size_t n, struct kill_event *ev)
{
	const char *p = find(s, n, " being ");
	const char *gt;
	double a, b;

	if (!p)
		return;
	p += 7;
	gt = find(p, n - (size_t)(p - s), "% > ");
	if (!gt)
		return;
	if (parse_double(p, (size_t)(gt - p), &a) < 0)
		return;
	{
		const char *q = gt + 4, *e = q;

		while (e < s + n && *e != '%')
			e++;
		if (e == s + n || parse_double(q, (size_t)(e - q), &b) < 0)
			return;
	}
	ev->pressure_pct = a;
	ev->limit_pct = b;
	ev->pct_set = true;
}

/* pod="ns/name" of a structured kubelet line, or the legacy shapes. */
static void kubelet_pod(const char *s, size_t n, struct kill_event *ev)
{
	struct span v;

	if (after(s, n, "pod=\"", "\"", &v) ||
	    after(s, n, "pods ranked for eviction: ", ", ", &v) ||
	    after(s, n, "eviction manager: pod ", " ", &v))
		ev->pod = dup_span(v.s, v.n);
}

static enum kill_kind classify(struct span ident, const char *m, size_t n,
			       bool glog)
{
	bool kubelet = glog || (ident.n == 7 && !memcmp(ident.s, "kubelet", 7));

	if (n > 7 && !memcmp(m, "Killed ", 7) && find(m, n, " due to "))
		return KILL_OOMD_KILLED;
	if (find(m, n, ": systemd-oomd killed "))
		return KILL_OOMD_UNIT;
	if (memmem_ci(m, n, "eviction manager") || kubelet) {
		if (memmem_ci(m, n, "evicted successfully"))
			return KILL_KUBELET_EVICTED;
		if (memmem_ci(m, n, "evicting pod") || memmem_ci(m, n, "ranked for eviction") ||
		    memmem_ci(m, n, "must evict pod"))
			return KILL_KUBELET_EVICTING;
		if (memmem_ci(m, n, "attempting to reclaim") ||
		    memmem_ci(m, n, "threshold met") || memmem_ci(m, n, "thresholds met"))
			return KILL_KUBELET_THRESHOLD;
	}
	/* `kubectl describe node`: an EvictionThresholdMet event. */
	if (find(m, n, "EvictionThresholdMet"))
		return KILL_KUBELET_THRESHOLD;
	/* A pod's status message (describe pod, -o yaml). */
	if (find(m, n, "The node was low on resource: "))
		return KILL_KUBELET_EVICTED;
	return 0;
}

static void add_event(struct kill_events *ret, unsigned lineno,
		      enum kill_kind kind, struct span time, struct span gtime,
		      struct span ident, const char *m, size_t n)
{
	struct kill_event *ev;
	struct span v;

	ALLOC_GROW(ret->v, ret->n + 1, ret->alloc);
	ev = &ret->v[ret->n++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->lineno = lineno;
	ev->time = time.n ? dup_span(time.s, time.n) : NULL;
	if (time.n && is_digit(time.s[0])) {
		const char *dot = memchr(time.s, '.', time.n);
		uint64_t sec, us = 0;
		size_t sl = dot ? (size_t)(dot - time.s) : time.n;

		if (parse_u64(time.s, sl, &sec) == 0 && sec < UINT64_MAX / 1000000 &&
		    (!dot || (time.n - sl - 1 == 6 &&
			      parse_u64(dot + 1, 6, &us) == 0))) {
			ev->time_us.v = sec * 1000000 + us;
			ev->time_us.set = true;
		}
	}
	ev->glog_time = gtime.n ? dup_span(gtime.s, gtime.n) : NULL;
	ev->unit = ident.n ? dup_span(ident.s, ident.n) : NULL;
	switch (kind) {
	case KILL_OOMD_KILLED: {
		const char *due = find(m, n, " due to ");

		ev->cgroup = dup_span(m + 7, (size_t)(due - m) - 7);
		ev->reason = dup_span(due + 8, n - (size_t)(due + 8 - m));
		oomd_pressure(m, n, ev);
		break;
	}
	case KILL_OOMD_UNIT: {
		const char *k = find(m, n, ": systemd-oomd killed ");
		const char *num = k + 22, *e = num;
		uint64_t x;

		ev->cgroup = dup_span(m, (size_t)(k - m));
		while (e < m + n && is_digit(*e))
			e++;
		if (parse_u64(num, (size_t)(e - num), &x) == 0) {
			ev->processes.v = x;
			ev->processes.set = true;
		}
		ev->reason = xstrdup("systemd-oomd");
		break;
	}
	case KILL_KUBELET_THRESHOLD:
		if (after(m, n, "resourceName=\"", "\"", &v) ||
		    after(m, n, "reclaim ", " \"", &v))
			ev->resource = dup_span(v.s, v.n);
		ev->reason = dup_span(m, n);
		break;
	case KILL_KUBELET_EVICTING:
	case KILL_KUBELET_EVICTED:
	default:
		kubelet_pod(m, n, ev);
		ev->reason = dup_span(m, n);
		parse_eviction_message(m, n, ev);
		break;
	}
}

int parse_kill_log(const char *buf, size_t len, struct kill_events *ret,
		   struct parse_diag *diag)
{
	struct kv_iter it;
	const char *line;
	size_t n;
	bool last_message = false;

	if (!buf)
		return -EINVAL;
	kv_iter_init(&it, buf, len, ' ');
	while (kv_next_raw(&it, &line, &n)) {
		struct span time = { 0 }, ident = { 0 }, msg = { line, n }, gtime = { 0 };
		enum kill_kind kind;
		bool glog;

		if (!n)
			continue;
		if (n > 65536 || memchr(line, '\0', n)) {
			diag_add(diag, "line %u: %s, skipped", it.lineno,
				 n > 65536 ? "longer than 64 KiB" : "has a NUL byte");
			last_message = false;
			continue;
		}
		journal_prefix(line, n, &time, &ident, &msg);
		glog = glog_header(&msg, &gtime);
		kind = classify(ident, msg.s, msg.n, glog);
		if (!kind) {
			/*
			 * A status message printed raw (yq) goes on over a
			 * line: "Container x was using ..., request is ...".
			 */
			if (last_message && mem_starts_with(msg.s, msg.n, "Container "))
				parse_eviction_message(msg.s, msg.n,
						       &ret->v[ret->n - 1]);
			last_message = false;
			continue;
		}
		if (ret->n >= KILL_EVENTS_MAX) {
			diag_add(diag, "line %u: more than %d events, skipped",
				 it.lineno, KILL_EVENTS_MAX);
			continue;
		}
		add_event(ret, it.lineno, kind, time, gtime, ident, msg.s, msg.n);
		last_message = kind == KILL_KUBELET_EVICTED &&
			       find(msg.s, msg.n, "low on resource");
	}
	return 0;
}

void kill_events_free(struct kill_events *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->n; i++) {
		struct kill_event *e = &k->v[i];

		free(e->time);
		free(e->glog_time);
		free(e->unit);
		free(e->cgroup);
		free(e->pod);
		free(e->resource);
		free(e->container);
		free(e->reason);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}
