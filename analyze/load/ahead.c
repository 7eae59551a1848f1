/* SPDX-License-Identifier: MIT */
/*
 * Files parsed on the reader thread (prefetch_hooks, load.c), so that the
 * one writer of `memsnap load -j N` only stores: a route whose `ahead`
 * names a kind has its file parsed there into a parsed_file, and its
 * loader takes that (parsed_get()) instead of parsing.  The reader guesses
 * a file's route from its path alone (it does not know the memory root);
 * a guess the writer's route does not confirm (another kind) is parsed
 * again by the writer, so the database is the same either way.  Parsers
 * only read their input: they are safe on any thread.
 */
#include "analyze/load/loader.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/banned.h"

/* The keys without a column, as one JSON object (proc_extra's keys). */
static void extras_json(struct strbuf *sb, const struct kv_extras *x)
{
	size_t i;

	strbuf_addch(sb, '{');
	for (i = 0; i < x->n; i++) {
		const char *v = x->v[i].value ? x->v[i].value : "";

		if (i)
			strbuf_addch(sb, ',');
		json_escape(sb, x->v[i].key, strlen(x->v[i].key));
		strbuf_addch(sb, ':');
		json_escape(sb, v, strlen(v));
	}
	strbuf_addch(sb, '}');
}

static void parsed_file_fill(struct parsed_file *pf, enum parsed_kind kind,
			     const char *buf, size_t len)
{
	struct kv_extras *x = NULL;

	memset(pf, 0, sizeof(*pf));
	pf->kind = kind;
	strbuf_init(&pf->extras, 0);
	switch (kind) {
	case PARSED_STATUS:
		pf->r = load_raw() ?
			parse_status(buf, len, &pf->u.status, &pf->d) :
			parse_status_no_extra(buf, len, &pf->u.status, &pf->d);
		x = &pf->u.status.extra;
		break;
	case PARSED_SMAPS:
		pf->r = parse_smaps_rollup(buf, len, &pf->u.smaps, &pf->d);
		x = &pf->u.smaps.extra;
		break;
	case PARSED_KV:
		pf->r = parse_kv_list(buf, len, &pf->u.kv, &pf->d);
		break;
	case PARSED_MEMINFO:
		pf->r = parse_meminfo(buf, len, &pf->u.kv, &pf->d);
		break;
	case PARSED_PIDS:
		pf->r = parse_pid_list(buf, len, &pf->u.pids, &pf->d);
		break;
	case PARSED_PROC_CGROUP:
		pf->r = parse_proc_cgroup(buf, len, &pf->u.cgroup, &pf->d);
		break;
	case PARSED_FDINFO:
		pf->r = parse_bpf_fdinfo(buf, len, &pf->u.fdinfo, &pf->d);
		break;
	case PARSED_BPFTOOL:
		pf->r = parse_bpftool_maps(buf, len, &pf->u.maps, &pf->d);
		break;
	case PARSED_ONE_VALUE:
		pf->r = parse_one_value(buf, len, &pf->u.one, &pf->d);
		break;
	case PARSED_PSI:
		pf->r = parse_psi(buf, len, &pf->u.psi, &pf->d);
		break;
	case PARSED_MANIFEST:
		pf->r = parse_manifest(buf, len, &pf->u.manifest, &pf->d);
		break;
	case PARSED_KMSG:
		pf->r = oom_log_parse(buf, len, KMSG_AHEAD_PAGE_SIZE, &pf->u.kmsg);
		break;
	case PARSED_NONE:
		break;
	}
	/*
	 * The extra keys are only stored with --raw (proc_extra); freed here,
	 * on the reader, as the writer would spend a twentieth of its time
	 * freeing them.
	 */
	if (x) {
		if (load_raw() && pf->r >= 0 && x->n)
			extras_json(&pf->extras, x);
		kv_extras_free(x);
	}
}

static void parsed_file_release(struct parsed_file *pf)
{
	switch (pf->kind) {
	case PARSED_STATUS: proc_status_free(&pf->u.status); break;
	case PARSED_SMAPS: smaps_rollup_free(&pf->u.smaps); break;
	case PARSED_KV:
	case PARSED_MEMINFO: kv_list_free(&pf->u.kv); break;
	case PARSED_PIDS: pid_list_free(&pf->u.pids); break;
	case PARSED_PROC_CGROUP: proc_cgroup_free(&pf->u.cgroup); break;
	case PARSED_FDINFO: bpf_fdinfo_free(&pf->u.fdinfo); break;
	case PARSED_BPFTOOL: bpftool_maps_free(&pf->u.maps); break;
	case PARSED_MANIFEST: manifest_free(&pf->u.manifest); break;
	case PARSED_KMSG: oom_log_free(&pf->u.kmsg); break;
	case PARSED_ONE_VALUE:
	case PARSED_PSI:
	case PARSED_NONE: break;
	}
	strbuf_release(&pf->extras);
}

struct parsed_file *parsed_file_new(enum parsed_kind kind, const char *buf,
				    size_t len)
{
	struct parsed_file *pf;

	if (kind == PARSED_NONE)
		return NULL;
	pf = xmalloc(sizeof(*pf));
	parsed_file_fill(pf, kind, buf, len);
	return pf;
}

void parsed_file_free(void *p)
{
	/* PARSED_NONE: parsed_route_only()'s, shared */
	if (!p || ((struct parsed_file *)p)->kind == PARSED_NONE)
		return;
	parsed_file_release(p);
	free(p);
}

/*
 * One parsed_file of PARSED_NONE a route, and one a scope for no route:
 * made once, then only read, by every reader thread.
 */
#define SCOPES (IN_CGROUP + 1)   /* enum route_scope's */
static struct parsed_file *route_only;
static pthread_once_t route_only_once = PTHREAD_ONCE_INIT;

static void route_only_make(void)
{
	size_t i;

	route_only = xcalloc(routes_nr + SCOPES, sizeof(*route_only));
	for (i = 0; i < routes_nr + SCOPES; i++) {
		struct parsed_file *pf = &route_only[i];

		strbuf_init(&pf->extras, 0);
		pf->kind = PARSED_NONE;
		if (i < routes_nr) {
			pf->route = &routes[i];
			pf->scope = routes[i].scope;
		} else {
			pf->scope = (enum route_scope)(i - routes_nr);
		}
	}
}

struct parsed_file *parsed_route_only(enum route_scope scope,
				      const struct route *r)
{
	pthread_once(&route_only_once, route_only_make);
	return &route_only[r ? (size_t)(r - routes) : routes_nr + (size_t)scope];
}

struct parsed_file *parsed_get(const struct file_in *f, enum parsed_kind kind,
			       struct parsed_file *own)
{
	if (f->ahead && f->ahead->kind == kind)
		return f->ahead;
	parsed_file_fill(own, kind, f->buf, f->len);
	return own;
}

void parsed_put(struct parsed_file *pf, struct parsed_file *own)
{
	if (pf == own)
		parsed_file_release(own);
}
