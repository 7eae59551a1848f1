/* SPDX-License-Identifier: MIT */
/*
 * The OOM part of the report's model: every column of the oom_kills view,
 * the event's oom_event lines, its two oom_made_of rows and the details
 * (memcg counters, the largest tasks, memory.oom.group kills), each from
 * a query kept in report_capture.queries like the rest of the report.
 * `memsnap oom` fills only this part (report_load_ooms()).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reports/model.h"
#include "reports/model_int.h"

#include "common/banned.h"

static void load_made_of(sqlite3_stmt *st, const char *p, struct report_oom_made_of *m)
{
	char name[32];

#define MADE_OF_COL(field, col) \
	(xsnprintf(name, sizeof(name), "%s%s", p, col), m->field = get_num(st, name))
	xsnprintf(name, sizeof(name), "%ssource", p);
	m->source = get_str(st, name);
	xsnprintf(name, sizeof(name), "%scgroup", p);
	m->cgroup = get_str(st, name);
	xsnprintf(name, sizeof(name), "%skernel_keys", p);
	m->kernel_keys = get_str(st, name);
	MADE_OF_COL(cgroups, "cgroups");
	MADE_OF_COL(anon, "anon_bytes");
	MADE_OF_COL(file, "file_bytes");
	MADE_OF_COL(shmem, "shmem_bytes");
	MADE_OF_COL(kernel, "kernel_bytes");
	MADE_OF_COL(sock, "sock_bytes");
	MADE_OF_COL(swap, "swap_bytes");
	MADE_OF_COL(free, "free_bytes");
	MADE_OF_COL(total, "total_bytes");
#undef MADE_OF_COL
}

static void made_of_free(struct report_oom_made_of *m)
{
	free(m->source);
	free(m->cgroup);
	free(m->kernel_keys);
}

/* oom_made_of's columns, prefixed, for one source */
#define MADE_OF_SELECT(a) \
	"       " a ".source AS " a "_source, " a ".cgroup AS " a "_cgroup, " \
	a ".cgroups AS " a "_cgroups,\n" \
	"       " a ".anon_bytes AS " a "_anon_bytes, " a ".file_bytes AS " a "_file_bytes, " \
	a ".shmem_bytes AS " a "_shmem_bytes,\n" \
	"       " a ".kernel_bytes AS " a "_kernel_bytes, " a ".sock_bytes AS " a "_sock_bytes, " \
	a ".swap_bytes AS " a "_swap_bytes,\n" \
	"       " a ".free_bytes AS " a "_free_bytes, " a ".total_bytes AS " a "_total_bytes, " \
	a ".kernel_keys AS " a "_kernel_keys"

int load_ooms(struct loader *l)
{
	struct report_capture *c = l->c;
	sqlite3_stmt *st = query(l, RQ_OOM,
		"SELECT o.*, n.name AS cgroup_name,\n"
		"       e.first_line, e.last_line, e.log_time, e.missing, e.alloc_order,\n"
		"       coalesce(e.gfp_flags, e.gfp_mask) AS gfp, e.chosen_score, e.oom_group_memcg,\n"
		"       (SELECT max(k.reaped) FROM oom_kill k WHERE k.capture_id = o.capture_id\n"
		"          AND k.event = o.event AND k.reason IN ('victim', 'reaped_only')) AS reaped,\n"
		"       (SELECT count(*) FROM oom_task t WHERE t.capture_id = o.capture_id\n"
		"          AND t.event = o.event) AS tasks,\n"
		"       EXISTS (SELECT 1 FROM oom_task t WHERE t.capture_id = o.capture_id\n"
		"          AND t.event = o.event AND t.pid = o.trigger_pid) AS trigger_in_table,\n"
		MADE_OF_SELECT("m") ",\n"
		MADE_OF_SELECT("i") "\n"
		"FROM oom_kills o\n"
		"JOIN oom_event e ON e.capture_id = o.capture_id AND e.event = o.event\n"
		"LEFT JOIN oom_made_of m ON m.capture_id = o.capture_id AND m.event = o.event\n"
		"     AND m.source = 'memcg_stats'\n"
		"LEFT JOIN oom_made_of i ON i.capture_id = o.capture_id AND i.event = o.event\n"
		"     AND i.source = 'meminfo'\n"
		"LEFT JOIN cgroup_names n ON n.capture_id = o.capture_id\n"
		"     AND n.cgroup = coalesce(o.task_memcg, o.oom_memcg)\n"
		"WHERE o.capture_id = %" PRId64 "\n"
		"ORDER BY o.kernel_time IS NULL, o.kernel_time, o.event", c->capture_id);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_oom *o = GROW(c->ooms, c->nooms);
		struct report_oom_made_of m = { 0 }, i = { 0 };

		o->capture_id = get_i64(st, "capture_id");
		o->event = get_i64(st, "event");
		o->kernel_time = get_real(st, "kernel_time");
		o->wall_time = get_str(st, "wall_time");
		o->trigger_comm = get_str(st, "trigger_comm");
		o->trigger_pid = get_num(st, "trigger_pid");
		o->constraint = get_str(st, "constraint");
		o->oom_memcg = get_str(st, "oom_memcg");
		o->task_memcg = get_str(st, "task_memcg");
		o->killed_pid = get_num(st, "killed_pid");
		o->killed_comm = get_str(st, "killed_comm");
		o->uid = get_num(st, "uid");
		o->total_vm = get_num(st, "total_vm_bytes");
		o->anon_rss = get_num(st, "anon_rss_bytes");
		o->file_rss = get_num(st, "file_rss_bytes");
		o->shmem_rss = get_num(st, "shmem_rss_bytes");
		o->pgtables = get_num(st, "pgtables_bytes");
		o->oom_score_adj = get_num(st, "oom_score_adj");
		o->memcg_usage = get_num(st, "memcg_usage_bytes");
		o->memcg_limit = get_num(st, "memcg_limit_bytes");
		o->namespace_ = get_str(st, "namespace");
		o->pod = get_str(st, "pod");
		o->container = get_str(st, "container");
		o->complete = get_i64(st, "complete") != 0;
		o->chosen_pid = get_num(st, "chosen_pid");
		o->chosen_comm = get_str(st, "chosen_comm");
		o->chosen_is_victim = get_num(st, "chosen_is_victim");
		o->kernel_release = get_str(st, "kernel_release");
		o->kind = get_str(st, "kind");
		o->pod_uid = get_str(st, "pod_uid");
		o->container_id = get_str(st, "container_id");
		o->outcome = get_str(st, "outcome");
		o->wall_time_source = get_str(st, "wall_time_source");
		o->wall_time_unknown = get_str(st, "wall_time_unknown");
		o->cgroup_name = get_str(st, "cgroup_name");
		o->first_line = get_num(st, "first_line");
		o->last_line = get_num(st, "last_line");
		o->log_time = get_str(st, "log_time");
		o->missing = get_str(st, "missing");
		o->alloc_order = get_num(st, "alloc_order");
		o->gfp = get_str(st, "gfp");
		o->chosen_score = get_num(st, "chosen_score");
		o->oom_group_memcg = get_str(st, "oom_group_memcg");
		o->reaped = get_num(st, "reaped");
		o->ntasks = get_num(st, "tasks");
		o->trigger_in_table = get_i64(st, "trigger_in_table") != 0;
		load_made_of(st, "m_", &m);
		load_made_of(st, "i_", &i);
		/* a memcg's memory is told by its stats; the node's Mem-Info
		 * tells it only for a global OOM */
		if (m.source || (o->kind && !strcmp(o->kind, "memcg"))) {
			o->made_of = m;
			o->node = i;
		} else {
			o->made_of = i;
			made_of_free(&m);
		}
	}
	return finish(l, st, rc);
}

static struct report_oom *oom_of(struct report_capture *c, int64_t event)
{
	size_t i;

	for (i = 0; i < c->nooms; i++)
		if (c->ooms[i].event == event)
			return &c->ooms[i];
	return NULL;
}

static void counter_row(struct report_oom *o, sqlite3_stmt *st)
{
	struct report_oom_counter *k = GROW(o->counters, o->ncounters);

	k->name = get_str(st, "counter");
	k->usage = get_num(st, "usage_bytes");
	k->limit = get_num(st, "limit_bytes");
	k->unlimited = get_num(st, "unlimited");
	k->failcnt = get_num(st, "failcnt");
}

static void task_row(struct report_oom *o, sqlite3_stmt *st)
{
	struct report_oom_task *k = GROW(o->tasks, o->ntasks_shown);

	k->pid = get_num(st, "pid");
	k->uid = get_num(st, "uid");
	k->rss = get_num(st, "rss_bytes");
	k->swap = get_num(st, "swap_bytes");
	k->oom_score_adj = get_num(st, "oom_score_adj");
	k->name = get_str(st, "name");
}

static void group_row(struct report_oom *o, sqlite3_stmt *st)
{
	struct report_oom_kill *k = GROW(o->group, o->ngroup);

	k->pid = get_num(st, "pid");
	k->comm = get_str(st, "comm");
}

/* Each row of st (with an event column) to its event's struct, by fn. */
static int oom_rows(struct loader *l, sqlite3_stmt *st,
		    void (*fn)(struct report_oom *o, sqlite3_stmt *st))
{
	struct report_oom *o;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((o = oom_of(l->c, get_i64(st, "event"))))
			fn(o, st);
	return finish(l, st, rc);
}

int load_oom_details(struct loader *l)
{
	int64_t id = l->c->capture_id;

	if (oom_rows(l, query(l, RQ_OOM_COUNTERS,
		"SELECT event, counter, usage_bytes, limit_bytes, unlimited, failcnt\n"
		"FROM oom_memcg_counter\n"
		"WHERE capture_id = %" PRId64 "\n"
		"ORDER BY event, CASE counter WHEN 'memory' THEN 0 WHEN 'swap' THEN 1\n"
		"    WHEN 'memory+swap' THEN 2 WHEN 'kmem' THEN 3 ELSE 4 END, counter", id),
		counter_row) < 0)
		return -1;
	if (oom_rows(l, query(l, RQ_OOM_TASKS,
		"SELECT event, pid, uid, rss_bytes, swap_bytes, oom_score_adj, name\n"
		"FROM (SELECT *, row_number() OVER (PARTITION BY event\n"
		"          ORDER BY rss_bytes IS NULL, rss_bytes DESC, pid) AS rank\n"
		"      FROM oom_task WHERE capture_id = %" PRId64 ")\n"
		"WHERE rank <= %d\n"
		"ORDER BY event, rank", id, REPORT_OOM_TOP_TASKS), task_row) < 0)
		return -1;
	return oom_rows(l, query(l, RQ_OOM_GROUP,
		"SELECT event, pid, comm\n"
		"FROM oom_kill\n"
		"WHERE capture_id = %" PRId64 " AND reason = 'oom_group'\n"
		"ORDER BY event, seq", id), group_row);
}

const char *report_oom_outcome_text(const struct report_oom *o)
{
	if (!o->outcome)
		return "unknown";
	if (!strcmp(o->outcome, "killed"))
		return "a process was killed";
	if (!strcmp(o->outcome, "no_killable_process"))
		return "\"Out of memory and no killable processes\": nobody was killed";
	if (!strcmp(o->outcome, "victim_exiting"))
		return "the task chosen was already exiting: nobody was killed";
	return "the log ends before the kill line: whether a process was killed is unknown";
}

void oom_free(struct report_oom *o)
{
	size_t i;

	free(o->wall_time);
	free(o->trigger_comm);
	free(o->constraint);
	free(o->oom_memcg);
	free(o->task_memcg);
	free(o->killed_comm);
	free(o->namespace_);
	free(o->pod);
	free(o->container);
	free(o->cgroup_name);
	free(o->chosen_comm);
	free(o->kernel_release);
	free(o->kind);
	free(o->pod_uid);
	free(o->container_id);
	free(o->outcome);
	free(o->wall_time_source);
	free(o->wall_time_unknown);
	free(o->log_time);
	free(o->missing);
	free(o->gfp);
	free(o->oom_group_memcg);
	made_of_free(&o->made_of);
	made_of_free(&o->node);
	for (i = 0; i < o->ncounters; i++)
		free(o->counters[i].name);
	free(o->counters);
	for (i = 0; i < o->ntasks_shown; i++)
		free(o->tasks[i].name);
	free(o->tasks);
	for (i = 0; i < o->ngroup; i++)
		free(o->group[i].comm);
	free(o->group);
}

const char *report_oom_kind_text(const struct report_oom *o)
{
	if (o->kind && !strcmp(o->kind, "memcg"))
		return "a memory cgroup hit its limit";
	if (o->kind && !strcmp(o->kind, "global"))
		return "the node ran out of memory";
	return "out of memory";
}
