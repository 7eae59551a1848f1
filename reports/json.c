/* SPDX-License-Identifier: MIT */
/*
 * The JSON report: the data model for machines.  Keys are stable (memsnap(1)
 * lists them); most are the column names of the view they come from.  SQL
 * NULL is JSON null, never 0.  Strings go through jsonw, the one JSON
 * escaper (invalid UTF-8 becomes U+FFFD).  Deterministic: the model's rows
 * are sorted by their queries, numbers printed with fixed decimals.
 */
#include <string.h>

#include "reports/deeper.h"
#include "reports/model.h"
#include "reports/growth.h"

#include "common/banned.h"

static void num(struct jsonw *w, const char *name, struct rnum v)
{
	jsonw_name(w, name);
	if (v.set)
		jsonw_i64(w, v.v);
	else
		jsonw_null(w);
}

static void real(struct jsonw *w, const char *name, struct rreal v, int decimals)
{
	jsonw_name(w, name);
	if (v.set)
		jsonw_double(w, v.v, decimals);
	else
		jsonw_null(w);
}

void report_json_num(struct jsonw *w, const char *name, struct rnum v)
{
	num(w, name, v);
}

void report_json_real(struct jsonw *w, const char *name, struct rreal v, int decimals)
{
	real(w, name, v, decimals);
}

static void node(struct jsonw *w, const struct report_node *n)
{
	jsonw_name(w, "node");
	jsonw_start_object(w);
	num(w, "mem_total_bytes", n->mem_total);
	num(w, "mem_available_bytes", n->mem_available);
	num(w, "mem_free_bytes", n->mem_free);
	num(w, "working_set_bytes", n->working_set);
	num(w, "kubelet_memory_available_bytes", n->kubelet_available);
	num(w, "swap_total_bytes", n->swap_total);
	num(w, "swap_used_bytes", n->swap_used);
	real(w, "psi_some_avg10", n->psi_some_avg10, 2);
	real(w, "psi_full_avg10", n->psi_full_avg10, 2);
	real(w, "psi_some_avg60", n->psi_some_avg60, 2);
	real(w, "psi_full_avg60", n->psi_full_avg60, 2);
	num(w, "bpf_maps_bytes", n->bpf_maps);
	num(w, "containers_working_set_bytes", n->containers_total);
	num(w, "containers_left_out_bytes", n->left_out);
	jsonw_kv_string(w, "left_out_reason", n->left_out_reason);
	num(w, "rest_working_set_bytes", n->rest);
	jsonw_end_object(w);
}

/* The working set's parts, in the order of each container's <part>_bytes. */
static void parts(struct jsonw *w, const struct report_capture *c)
{
	size_t i;

	jsonw_name(w, "working_set_parts");
	jsonw_start_array(w);
	for (i = 0; i < c->nparts; i++) {
		const struct report_part *p = &c->parts[i];

		jsonw_start_object(w);
		jsonw_kv_string(w, "part", p->part);
		jsonw_kv_string(w, "label", p->label);
		jsonw_kv_string(w, "letter", p->letter);
		jsonw_kv_string(w, "colour", p->colour);
		jsonw_kv_string(w, "meaning", p->meaning);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void containers(struct jsonw *w, const struct report_capture *c)
{
	struct strbuf key = STRBUF_INIT;
	size_t i, p;

	parts(w, c);
	jsonw_kv_string(w, "containers_are", c->kubernetes ? "kubernetes" : "cgroups");
	jsonw_name(w, "containers");
	jsonw_start_array(w);
	for (i = 0; i < c->ncontainers; i++) {
		const struct report_container *k = &c->containers[i];

		jsonw_start_object(w);
		jsonw_kv_string(w, "cgroup", k->cgroup);
		jsonw_kv_string(w, "kind", k->kind);
		jsonw_kv_string(w, "name", k->name);
		jsonw_kv_string(w, "group", k->group);
		jsonw_kv_string(w, "subgroup", k->subgroup);
		jsonw_kv_string(w, "namespace", k->namespace_);
		jsonw_kv_string(w, "pod", k->pod);
		jsonw_kv_string(w, "container", k->container);
		jsonw_kv_string(w, "qos_class", k->qos_class);
		num(w, "working_set_bytes", k->working_set);
		num(w, "limit_bytes", k->limit);
		num(w, "high_bytes", k->high);
		num(w, "effective_limit_bytes", k->effective_limit);
		real(w, "working_set_pct", k->working_set_pct, 1);
		num(w, "reclaimable_bytes", k->reclaimable);
		num(w, "unreclaimable_bytes", k->unreclaimable);
		real(w, "unreclaimable_pct", k->unreclaimable_pct, 1);
		jsonw_kv_string(w, "limit_scope", k->limit_scope);
		for (p = 0; p < c->nparts; p++) {
			strbuf_reset(&key);
			strbuf_addf(&key, "%s_bytes", c->parts[p].part ? c->parts[p].part : "?");
			num(w, key.buf, k->parts[p]);
		}
		num(w, "kernel_bytes", k->kernel);
		num(w, "bpf_maps", k->bpf_maps);
		num(w, "bpf_held_bytes", k->bpf_held);
		num(w, "swap_bytes", k->swap);
		num(w, "oom_kill_count", k->oom_kill_count);
		num(w, "processes", k->processes);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	strbuf_release(&key);
}

static void findings(struct jsonw *w, const struct report_capture *c)
{
	size_t i;

	jsonw_name(w, "findings");
	jsonw_start_array(w);
	for (i = 0; i < c->nfindings; i++) {
		const struct report_finding *f = &c->findings[i];

		jsonw_start_object(w);
		jsonw_kv_string(w, "severity", f->severity);
		jsonw_kv_string(w, "code", f->code);
		jsonw_kv_string(w, "cgroup", f->cgroup);
		jsonw_kv_string(w, "name", f->name);
		jsonw_kv_string(w, "title", f->title);
		jsonw_kv_string(w, "evidence", f->evidence);
		jsonw_kv_string(w, "query", f->query);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void made_of(struct jsonw *w, const char *name, const struct report_oom_made_of *m)
{
	jsonw_name(w, name);
	if (!m->source) {
		jsonw_null(w);
		return;
	}
	jsonw_start_object(w);
	jsonw_kv_string(w, "source", m->source);
	num(w, "anon_bytes", m->anon);
	num(w, "shmem_bytes", m->shmem);
	num(w, "file_bytes", m->file);
	num(w, "kernel_bytes", m->kernel);
	num(w, "sock_bytes", m->sock);
	num(w, "swap_bytes", m->swap);
	jsonw_kv_string(w, "cgroup", m->cgroup);
	num(w, "cgroups", m->cgroups);
	num(w, "free_bytes", m->free);
	num(w, "total_bytes", m->total);
	jsonw_kv_string(w, "kernel_keys", m->kernel_keys);
	jsonw_end_object(w);
}

/* One OOM event: the oom_kills view's columns in its order, then the rest. */
static void oom(struct jsonw *w, const struct report_oom *o)
{
	jsonw_start_object(w);
	jsonw_kv_i64(w, "capture_id", o->capture_id);
	jsonw_kv_i64(w, "event", o->event);
	real(w, "kernel_time", o->kernel_time, 6);
	jsonw_kv_string(w, "wall_time", o->wall_time);
	jsonw_kv_string(w, "trigger_comm", o->trigger_comm);
	num(w, "trigger_pid", o->trigger_pid);
	jsonw_kv_string(w, "constraint", o->constraint);
	jsonw_kv_string(w, "oom_memcg", o->oom_memcg);
	jsonw_kv_string(w, "task_memcg", o->task_memcg);
	num(w, "killed_pid", o->killed_pid);
	jsonw_kv_string(w, "killed_comm", o->killed_comm);
	num(w, "uid", o->uid);
	num(w, "total_vm_bytes", o->total_vm);
	num(w, "anon_rss_bytes", o->anon_rss);
	num(w, "file_rss_bytes", o->file_rss);
	num(w, "shmem_rss_bytes", o->shmem_rss);
	num(w, "pgtables_bytes", o->pgtables);
	num(w, "oom_score_adj", o->oom_score_adj);
	num(w, "memcg_usage_bytes", o->memcg_usage);
	num(w, "memcg_limit_bytes", o->memcg_limit);
	jsonw_kv_string(w, "namespace", o->namespace_);
	jsonw_kv_string(w, "pod", o->pod);
	jsonw_kv_string(w, "container", o->container);
	jsonw_kv_bool(w, "complete", o->complete);
	num(w, "chosen_pid", o->chosen_pid);
	jsonw_kv_string(w, "chosen_comm", o->chosen_comm);
	jsonw_name(w, "chosen_is_victim");
	if (o->chosen_is_victim.set)
		jsonw_bool(w, o->chosen_is_victim.v != 0);
	else
		jsonw_null(w);
	jsonw_kv_string(w, "kernel_release", o->kernel_release);
	jsonw_kv_string(w, "kind", o->kind);
	jsonw_kv_string(w, "pod_uid", o->pod_uid);
	jsonw_kv_string(w, "container_id", o->container_id);
	jsonw_kv_string(w, "outcome", o->outcome);
	jsonw_kv_string(w, "wall_time_source", o->wall_time_source);
	jsonw_kv_string(w, "wall_time_unknown", o->wall_time_unknown);
	jsonw_kv_string(w, "cgroup_name", o->cgroup_name);
	num(w, "first_line", o->first_line);
	num(w, "last_line", o->last_line);
	jsonw_kv_string(w, "missing", o->missing);
	num(w, "k8s_visible", o->k8s_visible);
	made_of(w, "made_of", &o->made_of);
	made_of(w, "node_made_of", &o->node);
	jsonw_end_object(w);
}

static void ooms(struct jsonw *w, const struct report_capture *c)
{
	size_t i;

	jsonw_name(w, "oom_kills");
	jsonw_start_array(w);
	for (i = 0; i < c->nooms; i++)
		oom(w, &c->ooms[i]);
	jsonw_end_array(w);
}

void report_render_oom_json(const struct report_capture *c, struct strbuf *out)
{
	struct jsonw w;
	size_t i;

	jsonw_init(&w, out, true);
	jsonw_start_array(&w);
	for (i = 0; i < c->nooms; i++)
		oom(&w, &c->ooms[i]);
	jsonw_end_array(&w);
	strbuf_addch(out, '\n');
}

static void processes(struct jsonw *w, const struct report_capture *c)
{
	size_t i;

	jsonw_name(w, "processes");
	jsonw_start_array(w);
	for (i = 0; i < c->nprocesses; i++) {
		const struct report_process *p = &c->processes[i];

		jsonw_start_object(w);
		jsonw_kv_i64(w, "pid", p->pid);
		jsonw_kv_string(w, "comm", p->comm);
		jsonw_kv_string(w, "cgroup", p->cgroup);
		jsonw_kv_string(w, "cgroup_name", p->cgroup_name);
		num(w, "pss_bytes", p->pss);
		num(w, "rss_bytes", p->rss);
		num(w, "pss_anon_bytes", p->pss_anon);
		num(w, "pss_file_bytes", p->pss_file);
		num(w, "pss_shmem_bytes", p->pss_shmem);
		num(w, "swap_bytes", p->swap);
		real(w, "share_pct", p->share_pct, 1);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void bpf(struct jsonw *w, const struct report_capture *c)
{
	size_t i;

	jsonw_name(w, "bpf_owners");
	jsonw_start_array(w);
	for (i = 0; i < c->nbpf_owners; i++) {
		const struct report_bpf_owner *b = &c->bpf_owners[i];

		jsonw_start_object(w);
		num(w, "pid", b->pid);
		jsonw_kv_string(w, "comm", b->comm);
		jsonw_kv_string(w, "cgroup", b->cgroup);
		jsonw_kv_string(w, "cgroup_name", b->cgroup_name);
		jsonw_kv_i64(w, "maps", b->maps);
		num(w, "memlock_bytes", b->memlock);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_name(w, "bpf_maps");
	jsonw_start_array(w);
	for (i = 0; i < c->nbpf_maps; i++) {
		const struct report_bpf_map *m = &c->bpf_maps[i];

		jsonw_start_object(w);
		jsonw_kv_i64(w, "map_id", m->map_id);
		jsonw_kv_string(w, "name", m->name);
		jsonw_kv_string(w, "type", m->type);
		num(w, "max_entries", m->max_entries);
		num(w, "memlock_bytes", m->memlock);
		jsonw_kv_string(w, "holders", m->holders);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void problems(struct jsonw *w, const struct report_capture *c)
{
	size_t i;

	jsonw_name(w, "problems");
	jsonw_start_array(w);
	for (i = 0; i < c->nproblems; i++) {
		const struct report_problem *p = &c->problems[i];

		jsonw_start_object(w);
		jsonw_kv_string(w, "source", p->source);
		jsonw_kv_string(w, "kind", p->kind);
		jsonw_kv_bool(w, "normal", p->normal);
		jsonw_kv_string(w, "what", p->what);
		jsonw_kv_i64(w, "files", p->files);
		jsonw_kv_string(w, "example", p->example);
		jsonw_kv_string(w, "error", p->error);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

void report_render_json(const struct report *r, struct strbuf *out)
{
	struct jsonw w;
	size_t i, q;

	jsonw_init(&w, out, true);
	jsonw_start_object(&w);
	jsonw_kv_string(&w, "format", "memsnap-report");
	jsonw_kv_i64(&w, "format_version", 1);
	jsonw_kv_string(&w, "memsnap_version", r->version);
	jsonw_kv_string(&w, "source", r->source);
	jsonw_name(&w, "captures");
	jsonw_start_array(&w);
	for (i = 0; i < r->ncaptures; i++) {
		const struct report_capture *c = &r->captures[i];

		jsonw_start_object(&w);
		jsonw_kv_i64(&w, "capture_id", c->capture_id);
		jsonw_kv_string(&w, "name", c->name);
		jsonw_kv_string(&w, "hostname", c->hostname);
		jsonw_kv_string(&w, "kernel_release", c->kernel_release);
		jsonw_kv_string(&w, "cgroup_mode", c->cgroup_mode);
		jsonw_kv_string(&w, "started_at", c->started_at);
		jsonw_kv_string(&w, "finished_at", c->finished_at);
		real(&w, "started_monotonic", c->started_monotonic, 6);
		jsonw_kv_string(&w, "collector_version", c->collector_version);
		jsonw_kv_bool(&w, "complete", c->complete);
		jsonw_kv_string(&w, "interrupted", c->interrupted);
		num(&w, "bpf_maps_charged", c->bpf_maps_charged);
		num(&w, "bpf_memlock_exact", c->bpf_memlock_exact);
		jsonw_kv_i64(&w, "problem_files", c->problem_files);
		node(&w, &c->node);
		containers(&w, c);
		report_growth_json(&w, c);
		findings(&w, c);
		ooms(&w, c);
		processes(&w, c);
		bpf(&w, c);
		problems(&w, c);
		report_deeper_json(c, &w);
		jsonw_name(&w, "queries");
		jsonw_start_object(&w);
		for (q = 0; q < RQ_COUNT; q++)
			if (c->queries[q].sql)   /* not run: growth's on one sample */
				jsonw_kv_string(&w, c->queries[q].key, c->queries[q].sql);
		jsonw_end_object(&w);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	strbuf_addch(out, '\n');
}
