/* SPDX-License-Identifier: MIT */
#include "collect/manifest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/banned.h"

#define SPILL_FLUSH (64u << 10)

static const char *const kind_names[PROBLEM_KIND_NR] = {
	[PROBLEM_VANISHED] = "vanished",
	[PROBLEM_ABSENT] = "absent",
	[PROBLEM_DENIED] = "denied",
	[PROBLEM_TIMEOUT] = "timeout",
	[PROBLEM_TOO_LARGE] = "too_large",
	[PROBLEM_ERROR] = "error",
};

static const char *const count_names[COUNT_NR] = {
	[COUNT_PROCESSES] = "processes",
	[COUNT_KERNEL_THREADS] = "kernel_threads",
	[COUNT_VANISHED] = "vanished",
	[COUNT_CGROUPS] = "cgroups",
	[COUNT_BPF_MAP_FDS] = "bpf_map_fds",
	[COUNT_GO_PROCESSES] = "go_processes",
	[COUNT_KMSG_READ] = "kmsg_records_read",
	[COUNT_KMSG_KEPT] = "kmsg_records_kept",
	[COUNT_OOM_REPORTS] = "oom_reports",
};

const char *problem_kind_name(enum problem_kind k)
{
	return (unsigned)k < PROBLEM_KIND_NR ? kind_names[k] : "error";
}

const char *problem_action_name(enum problem_action a)
{
	switch (a) {
	case ACTION_TRUNCATED: return "truncated";
	case ACTION_PARTIAL: return "partial";
	case ACTION_SKIPPED: break;
	}
	return "skipped";
}

enum problem_kind problem_kind_of(int err, bool of_process)
{
	switch (err) {
	case ENOENT:
		return of_process ? PROBLEM_VANISHED : PROBLEM_ABSENT;
	case ESRCH:
		return PROBLEM_VANISHED;
	case EACCES:
	case EPERM:
		return PROBLEM_DENIED;
	case ETIMEDOUT:
		return PROBLEM_TIMEOUT;
	case EFBIG:
		return PROBLEM_TOO_LARGE;
	default:
		return PROBLEM_ERROR;
	}
}

bool problem_kind_serious(enum problem_kind k)
{
	return k != PROBLEM_VANISHED && k != PROBLEM_ABSENT;
}

const char *errno_text(int err)
{
	/* English, untranslated: no gettext machinery in the static binary. */
	const char *s = strerrordesc_np(err);

	return s ? s : "Unknown error";
}

const char *count_name(enum count c)
{
	return (unsigned)c < COUNT_NR ? count_names[c] : "unknown";
}

void manifest_init(struct manifest *m, int spill_fd)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->spill_fd = spill_fd;
	strbuf_init(&m->spill_buf, 0);
	for (i = 0; i < MANIFEST_COMMANDS_MAX; i++)
		strbuf_init(&m->commands[i], 0);
	for (i = 0; i < MANIFEST_KV_MAX; i++)
		strbuf_init(&m->kv[i].json, 0);
}

void manifest_release(struct manifest *m)
{
	size_t i;

	strbuf_release(&m->spill_buf);
	for (i = 0; i < MANIFEST_COMMANDS_MAX; i++)
		strbuf_release(&m->commands[i]);
	for (i = 0; i < MANIFEST_KV_MAX; i++)
		strbuf_release(&m->kv[i].json);
}

static void spill_flush(struct manifest *m)
{
	int err;

	if (m->spill_fd < 0 || !m->spill_buf.len || m->spill_err)
		return;
	err = write_all(m->spill_fd, m->spill_buf.buf, m->spill_buf.len);
	if (err < 0) {
		/* Keep them in memory; the manifest still gets them. */
		m->spill_err = -err;
		return;
	}
	m->spill_len += m->spill_buf.len;
	strbuf_reset(&m->spill_buf);
}

void manifest_problem(struct manifest *m, const char *path,
		      enum problem_kind kind, int err,
		      enum problem_action action, const char *msg)
{
	struct jsonw w;

	if ((unsigned)kind >= PROBLEM_KIND_NR)
		kind = PROBLEM_ERROR;
	m->by_kind[kind]++;
	if (m->listed >= PROBLEMS_MAX) {
		m->dropped++;
		return;
	}
	if (m->listed)
		strbuf_addch(&m->spill_buf, ',');
	strbuf_addstr(&m->spill_buf, "\n    ");
	jsonw_init(&w, &m->spill_buf, false);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "path", path);
	jsonw_kv_string(&w, "kind", problem_kind_name(kind));
	jsonw_kv_i64(&w, "errno", err);
	jsonw_kv_string(&w, "error",
			msg && *msg ? msg : err ? errno_text(err) : "");
	jsonw_kv_string(&w, "action", problem_action_name(action));
	jsonw_end_object(&w);
	m->listed++;
	if (m->spill_buf.len >= SPILL_FLUSH)
		spill_flush(m);
}

void manifest_set(struct manifest *m, const char *key, const char *json,
		  size_t len)
{
	size_t i;

	for (i = 0; i < m->nkv; i++)
		if (!strcmp(m->kv[i].key, key))
			break;
	if (i == m->nkv) {
		if (m->nkv == MANIFEST_KV_MAX)
			return;
		strlcpy_s(m->kv[i].key, key, sizeof(m->kv[i].key));
		m->nkv++;
	}
	strbuf_reset(&m->kv[i].json);
	strbuf_add(&m->kv[i].json, json, len);
}

void manifest_command(struct manifest *m, const char *json, size_t len)
{
	if (m->ncommands == MANIFEST_COMMANDS_MAX)
		return;
	strbuf_add(&m->commands[m->ncommands++], json, len);
}

uint64_t manifest_serious(const struct manifest *m)
{
	uint64_t n = 0;
	int k;

	for (k = 0; k < PROBLEM_KIND_NR; k++)
		if (problem_kind_serious((enum problem_kind)k))
			n += m->by_kind[k];
	return n;
}

/*
 * UTC calendar fields without gmtime(): in a static glibc, gmtime pulls in
 * the time zone code and with it sscanf and stdio's file opening (~60 KB of
 * a 1.5 MiB budget).  Days to civil date after Howard Hinnant's
 * days_from_civil/civil_from_days, proleptic Gregorian, any year.
 */
void utc_fields(time_t t, struct utc *ret)
{
	int64_t days = (int64_t)t / 86400, secs = (int64_t)t % 86400;
	int64_t era, doe, yoe, doy, mp;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	ret->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	ret->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	ret->year = (int64_t)(yoe + era * 400 + (ret->month <= 2));
	ret->hour = (int)(secs / 3600);
	ret->min = (int)(secs / 60 % 60);
	ret->sec = (int)(secs % 60);
}

void iso8601_utc(const struct timespec *ts, char *buf, size_t n)
{
	struct utc u;

	utc_fields(ts->tv_sec, &u);
	xsnprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		  (long long)u.year, u.month, u.day, u.hour, u.min, u.sec,
		  ts->tv_nsec / 1000);
}

static void kv_or_null(struct jsonw *w, const struct manifest *m,
		       const char *key)
{
	size_t i;

	jsonw_name(w, key);
	for (i = 0; i < m->nkv; i++) {
		if (!strcmp(m->kv[i].key, key)) {
			jsonw_raw(w, m->kv[i].json.buf, m->kv[i].json.len);
			return;
		}
	}
	jsonw_null(w);
}

static const char *compress_name(enum compress c)
{
	switch (c) {
	case COMPRESS_ZSTD: return "zstd";
	case COMPRESS_NONE: return "none";
	case COMPRESS_GZIP: break;
	}
	return "gzip";
}

static const char *kmsg_mode_name(enum kmsg_mode k)
{
	switch (k) {
	case KMSG_ALL: return "all";
	case KMSG_NONE: return "none";
	case KMSG_OOM: break;
	}
	return "oom";
}

int manifest_render(struct manifest *m, const struct manifest_facts *f,
		    struct strbuf *head, struct strbuf *tail)
{
	const struct capture_opts *o = f->opts;
	struct jsonw w;
	char when[64];
	size_t i;
	int c;

	spill_flush(m);

	jsonw_init(&w, head, true);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "format", "memsnap-capture");
	jsonw_kv_u64(&w, "format_version", 1);
	jsonw_name(&w, "collector");
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "name", "memsnap-collect");
	jsonw_kv_string(&w, "version", MEMSNAP_VERSION);
	jsonw_kv_i64(&w, "pid", f->pid);
	jsonw_name(&w, "reader_pid");
	if (f->reader_pid)
		jsonw_i64(&w, f->reader_pid);
	else
		jsonw_null(&w);
	jsonw_kv_u64(&w, "uid", f->uid);
	jsonw_kv_u64(&w, "max_rss_kb", f->max_rss_kb);
	jsonw_end_object(&w);
	jsonw_kv_bool(&w, "complete", f->complete);
	jsonw_kv_string(&w, "interrupted", f->interrupted);
	jsonw_kv_string(&w, "hostname", f->uts.nodename);
	jsonw_name(&w, "kernel");
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "release", f->uts.release);
	jsonw_kv_string(&w, "version", f->uts.version);
	jsonw_kv_string(&w, "machine", f->uts.machine);
	jsonw_end_object(&w);
	kv_or_null(&w, m, "boot_id");
	jsonw_kv_i64(&w, "page_size", f->page_size);

	jsonw_name(&w, "clock");
	jsonw_start_object(&w);
	iso8601_utc(&f->started_real, when, sizeof(when));
	jsonw_kv_string(&w, "started_utc", when);
	iso8601_utc(&f->finished_real, when, sizeof(when));
	jsonw_kv_string(&w, "finished_utc", when);
	jsonw_name(&w, "started_monotonic");
	jsonw_double(&w, (double)f->started_mono / 1e9, 6);
	jsonw_name(&w, "finished_monotonic");
	jsonw_double(&w, (double)f->finished_mono / 1e9, 6);
	jsonw_name(&w, "started_boottime");
	jsonw_double(&w, (double)f->started_boot / 1e9, 6);
	jsonw_name(&w, "finished_boottime");
	jsonw_double(&w, (double)f->finished_boot / 1e9, 6);
	jsonw_end_object(&w);

	jsonw_kv_string(&w, "root", o->root);
	kv_or_null(&w, m, "cgroup");

	jsonw_name(&w, "options");
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "compress", compress_name(o->compress));
	jsonw_kv_i64(&w, "compress_level", o->level > 0 ? o->level : 1);
	jsonw_kv_string(&w, "kmsg", kmsg_mode_name(o->kmsg));
	if (o->kmsg_file)
		jsonw_kv_string(&w, "kmsg_file", o->kmsg_file);
	jsonw_kv_bool(&w, "cmdline", o->cmdline);
	jsonw_kv_bool(&w, "bpftool", o->bpftool);
	jsonw_kv_u64(&w, "file_timeout_ms", o->file_timeout_ms);
	jsonw_kv_u64(&w, "command_timeout_ms", o->command_timeout_ms);
	jsonw_kv_u64(&w, "timeout_ms", o->timeout_ms);
	jsonw_end_object(&w);

	jsonw_name(&w, "counts");
	jsonw_start_object(&w);
	for (c = 0; c < COUNT_NR; c++)
		jsonw_kv_u64(&w, count_name((enum count)c), f->counts[c]);
	jsonw_kv_u64(&w, "files", f->files);
	jsonw_kv_u64(&w, "bytes", f->bytes);
	jsonw_kv_u64(&w, "problems", m->listed + m->dropped);
	jsonw_end_object(&w);

	kv_or_null(&w, m, "kmsg");
	/* only in a capture of several samples (capture.md 6) */
	for (i = 0; i < m->nkv; i++)
		if (!strcmp(m->kv[i].key, "samples"))
			kv_or_null(&w, m, "samples");
	jsonw_name(&w, "commands");
	jsonw_start_array(&w);
	for (i = 0; i < m->ncommands; i++)
		jsonw_raw(&w, m->commands[i].buf, m->commands[i].len);
	jsonw_end_array(&w);

	/*
	 * The problems array: head ends with its "[", the spill file holds
	 * spill_len bytes of it, the tail starts with whatever is still in
	 * memory (all of it when there is no spill file or writing it failed).
	 */
	jsonw_name(&w, "problems");
	strbuf_addstr(head, "[");
	strbuf_reset(tail);
	strbuf_add(tail, m->spill_buf.buf, m->spill_buf.len);
	strbuf_addstr(tail, m->listed ? "\n  ],\n" : "],\n");
	strbuf_addf(tail, "  \"problems_dropped\": %llu\n}\n",
		    (unsigned long long)m->dropped);
	return 0;
}
