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

#define O(kind, field, name) COL(kind, struct report_oom, field, name)
static const struct col oom_cols[] = {
	O(COL_I64, capture_id, "capture_id"), O(COL_I64, event, "event"),
	O(COL_REAL, kernel_time, "kernel_time"), O(COL_STR, wall_time, "wall_time"),
	O(COL_STR, trigger_comm, "trigger_comm"), O(COL_NUM, trigger_pid, "trigger_pid"),
	O(COL_STR, constraint, "constraint"), O(COL_STR, oom_memcg, "oom_memcg"),
	O(COL_STR, task_memcg, "task_memcg"), O(COL_NUM, killed_pid, "killed_pid"),
	O(COL_STR, killed_comm, "killed_comm"), O(COL_NUM, uid, "uid"),
	O(COL_NUM, total_vm, "total_vm_bytes"), O(COL_NUM, anon_rss, "anon_rss_bytes"),
	O(COL_NUM, file_rss, "file_rss_bytes"), O(COL_NUM, shmem_rss, "shmem_rss_bytes"),
	O(COL_NUM, pgtables, "pgtables_bytes"), O(COL_NUM, oom_score_adj, "oom_score_adj"),
	O(COL_NUM, memcg_usage, "memcg_usage_bytes"),
	O(COL_NUM, memcg_limit, "memcg_limit_bytes"), O(COL_STR, namespace_, "namespace"),
	O(COL_STR, pod, "pod"), O(COL_STR, container, "container"),
	O(COL_BOOL, complete, "complete"), O(COL_NUM, chosen_pid, "chosen_pid"),
	O(COL_STR, chosen_comm, "chosen_comm"), O(COL_NUM, chosen_is_victim, "chosen_is_victim"),
	O(COL_STR, kernel_release, "kernel_release"), O(COL_STR, kind, "kind"),
	O(COL_STR, pod_uid, "pod_uid"), O(COL_STR, container_id, "container_id"),
	O(COL_STR, outcome, "outcome"), O(COL_STR, wall_time_source, "wall_time_source"),
	O(COL_STR, wall_time_unknown, "wall_time_unknown"),
	O(COL_STR, cgroup_name, "cgroup_name"), O(COL_NUM, first_line, "first_line"),
	O(COL_NUM, last_line, "last_line"), O(COL_STR, log_time, "log_time"),
	O(COL_STR, missing, "missing"), O(COL_NUM, alloc_order, "alloc_order"),
	O(COL_STR, gfp, "gfp"), O(COL_NUM, chosen_score, "chosen_score"),
	O(COL_STR, oom_group_memcg, "oom_group_memcg"), O(COL_NUM, reaped, "reaped"),
	O(COL_NUM, ntasks, "tasks"), O(COL_BOOL, trigger_in_table, "trigger_in_table"),
	O(COL_NUM, k8s_visible, "k8s_visible"),
};
#undef O

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
		/* oom_kills and k8s_visible (schema/88-kubelet.sql) */
		"FROM oom_kills_k8s o\n"
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

		read_cols(st, oom_cols, ARRAY_SIZE(oom_cols), o);
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

static const struct col counter_cols[] = {
	COL(COL_STR, struct report_oom_counter, name, "counter"),
	COL(COL_NUM, struct report_oom_counter, usage, "usage_bytes"),
	COL(COL_NUM, struct report_oom_counter, limit, "limit_bytes"),
	COL(COL_NUM, struct report_oom_counter, unlimited, "unlimited"),
	COL(COL_NUM, struct report_oom_counter, failcnt, "failcnt"),
}, task_cols[] = {
	COL(COL_NUM, struct report_oom_task, pid, "pid"),
	COL(COL_NUM, struct report_oom_task, uid, "uid"),
	COL(COL_NUM, struct report_oom_task, rss, "rss_bytes"),
	COL(COL_NUM, struct report_oom_task, swap, "swap_bytes"),
	COL(COL_NUM, struct report_oom_task, oom_score_adj, "oom_score_adj"),
	COL(COL_STR, struct report_oom_task, name, "name"),
}, group_cols[] = {
	COL(COL_NUM, struct report_oom_kill, pid, "pid"),
	COL(COL_STR, struct report_oom_kill, comm, "comm"),
};

static void counter_row(struct report_oom *o, sqlite3_stmt *st)
{
	read_cols(st, counter_cols, ARRAY_SIZE(counter_cols), GROW(o->counters, o->ncounters));
}

static void task_row(struct report_oom *o, sqlite3_stmt *st)
{
	read_cols(st, task_cols, ARRAY_SIZE(task_cols), GROW(o->tasks, o->ntasks_shown));
}

static void group_row(struct report_oom *o, sqlite3_stmt *st)
{
	read_cols(st, group_cols, ARRAY_SIZE(group_cols), GROW(o->group, o->ngroup));
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

const char *report_oom_k8s_text(const struct report_oom *o)
{
	if (!o->pod_uid || !o->killed_pid.set)   /* not a pod's, or no kill */
		return NULL;
	if (!o->k8s_visible.set)
		return "unknown whether Kubernetes sees it: that needs the container's "
		       "processes at capture time (was the victim its init?)";
	if (o->k8s_visible.v)
		return "Kubernetes sees it: the container's init process was killed (or "
		       "memory.oom.group killed the whole container), so its status says "
		       "OOMKilled";
	return "Kubernetes does not see it: a child process was killed and the "
	       "container's init lives on, so no OOMKilled status or event says so";
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
	free_cols(oom_cols, ARRAY_SIZE(oom_cols), o);
	made_of_free(&o->made_of);
	made_of_free(&o->node);
	ROWS_FREE(o->counters, o->ncounters, counter_cols);
	ROWS_FREE(o->tasks, o->ntasks_shown, task_cols);
	ROWS_FREE(o->group, o->ngroup, group_cols);
}

const char *report_oom_kind_text(const struct report_oom *o)
{
	if (o->kind && !strcmp(o->kind, "memcg"))
		return "a memory cgroup hit its limit";
	if (o->kind && !strcmp(o->kind, "global"))
		return "the node ran out of memory";
	return "out of memory";
}
