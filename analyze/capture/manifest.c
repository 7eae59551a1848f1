/* SPDX-License-Identifier: MIT */
#include "analyze/capture/manifest.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"
/* Length bounds of the string fields, in bytes. */
enum {
	MAX_NAME = 64,         /* format, collector name and version, kinds */
	MAX_UTSNAME = 64,      /* kernel release, version, machine: utsname's 65 - NUL */
	MAX_HOSTNAME = 255,    /* a DNS name; Linux allows 64 */
	MAX_TIME = 64,         /* an ISO 8601 time */
	MAX_MESSAGE = 1024,    /* interrupted, a problem's error */
	MAX_PATH = 8192,       /* PATH_MAX, and a capture path around it */
};

static char *get_str(json_t *obj, const char *key, const char *where, size_t max,
		     struct parse_diag *diag)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		diag_add(diag, "manifest: '%s%s' is not a string", where, key);
		return NULL;
	}
	if (json_string_length(v) > max) {
		diag_add(diag, "manifest: '%s%s' is longer than %zu bytes, ignored",
			 where, key, max);
		return NULL;
	}
	return xstrndup(json_string_value(v), json_string_length(v));
}

static struct kv_u64 get_u64(json_t *obj, const char *key, const char *where,
			     struct parse_diag *diag)
{
	struct kv_u64 r = { 0, false };
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return r;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		diag_add(diag, "manifest: '%s%s' is not a non-negative integer",
			 where, key);
		return r;
	}
	r.v = (uint64_t)json_integer_value(v);
	r.set = true;
	return r;
}

static bool get_double(json_t *obj, const char *key, double *ret,
		       struct parse_diag *diag)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return false;
	if (!json_is_number(v) || !isfinite(json_number_value(v))) {
		diag_add(diag, "manifest: 'clock.%s' is not a number", key);
		return false;
	}
	*ret = json_number_value(v);
	return true;
}

static void parse_problems(json_t *arr, struct manifest *m,
			   struct parse_diag *diag)
{
	size_t i;
	json_t *p;

	if (!json_is_array(arr)) {
		diag_add(diag, "manifest: 'problems' is not an array");
		return;
	}
	json_array_foreach(arr, i, p) {
		struct manifest_problem *mp;

		if (!json_is_object(p)) {
			diag_add(diag, "manifest: problems[%zu] is not an object", i);
			continue;
		}
		if (m->nproblems == MANIFEST_MAX_PROBLEMS) {
			diag_add(diag, "manifest: more than %u problems, the "
				 "other %zu ignored", MANIFEST_MAX_PROBLEMS,
				 json_array_size(arr) - i);
			break;
		}
		ALLOC_GROW(m->problems, m->nproblems + 1, m->aproblems);
		mp = &m->problems[m->nproblems++];
		memset(mp, 0, sizeof(*mp));
		mp->path = get_str(p, "path", "problems[].", MAX_PATH, diag);
		mp->kind = get_str(p, "kind", "problems[].", MAX_NAME, diag);
		mp->error = get_str(p, "error", "problems[].", MAX_MESSAGE, diag);
		mp->action = get_str(p, "action", "problems[].", MAX_NAME, diag);
		mp->err_no = get_u64(p, "errno", "problems[].", diag);
	}
}

int parse_manifest(const char *buf, size_t len, struct manifest *ret,
		   struct parse_diag *diag)
{
	json_error_t jerr;
	json_t *root = NULL, *o;
	int r = -EINVAL;

	memset(ret, 0, sizeof(*ret));
	if (len > MANIFEST_MAX_BYTES) {
		diag_add(diag, "manifest: %zu bytes, more than the %u a collector "
			 "writes: not read", len, MANIFEST_MAX_BYTES);
		r = -EFBIG;
		goto out;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		diag_add(diag, "manifest: invalid JSON at line %d column %d: %s",
			 jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		diag_add(diag, "manifest: not a JSON object");
		goto out;
	}
	ret->format = get_str(root, "format", "", MAX_NAME, diag);
	if (!ret->format || strcmp(ret->format, MANIFEST_FORMAT)) {
		diag_add(diag, "manifest: 'format' is not \"%s\": not a memsnap capture",
			 MANIFEST_FORMAT);
		goto out;
	}
	ret->format_version = get_u64(root, "format_version", "", diag);
	if (ret->format_version.set &&
	    ret->format_version.v > MANIFEST_FORMAT_VERSION)
		diag_add(diag, "manifest: format_version %llu is newer than %d: "
			 "reading what this version understands",
			 (unsigned long long)ret->format_version.v,
			 MANIFEST_FORMAT_VERSION);
	o = json_object_get(root, "collector");
	if (json_is_object(o)) {
		ret->collector_name = get_str(o, "name", "collector.", MAX_NAME, diag);
		ret->collector_version = get_str(o, "version", "collector.", MAX_NAME, diag);
		ret->collector_pid = get_u64(o, "pid", "collector.", diag);
		ret->reader_pid = get_u64(o, "reader_pid", "collector.", diag);
	}
	o = json_object_get(root, "complete");
	if (json_is_boolean(o)) {
		ret->complete_set = true;
		ret->complete = json_is_true(o);
	}
	ret->interrupted = get_str(root, "interrupted", "", MAX_MESSAGE, diag);
	ret->hostname = get_str(root, "hostname", "", MAX_HOSTNAME, diag);
	o = json_object_get(root, "kernel");
	if (json_is_object(o)) {
		ret->kernel_release = get_str(o, "release", "kernel.", MAX_UTSNAME, diag);
		ret->kernel_version = get_str(o, "version", "kernel.", MAX_UTSNAME, diag);
		ret->machine = get_str(o, "machine", "kernel.", MAX_UTSNAME, diag);
	}
	ret->boot_id = get_str(root, "boot_id", "", MAX_NAME, diag);
	ret->page_size = get_u64(root, "page_size", "", diag);
	o = json_object_get(root, "clock");
	if (json_is_object(o)) {
		ret->started_utc = get_str(o, "started_utc", "clock.", MAX_TIME, diag);
		ret->finished_utc = get_str(o, "finished_utc", "clock.", MAX_TIME, diag);
		ret->started_monotonic_set = get_double(o, "started_monotonic",
							&ret->started_monotonic, diag);
		ret->finished_monotonic_set = get_double(o, "finished_monotonic",
							 &ret->finished_monotonic, diag);
		ret->started_boottime_set = get_double(o, "started_boottime",
						       &ret->started_boottime, diag);
		ret->finished_boottime_set = get_double(o, "finished_boottime",
							&ret->finished_boottime, diag);
	}
	ret->root = get_str(root, "root", "", MAX_PATH, diag);
	o = json_object_get(root, "cgroup");
	if (json_is_object(o)) {
		ret->cgroup_mode = get_str(o, "mode", "cgroup.", MAX_NAME, diag);
		ret->memory_mount = get_str(o, "memory_mount", "cgroup.", MAX_PATH, diag);
		ret->memory_root = get_str(o, "memory_root", "cgroup.", MAX_PATH, diag);
		ret->self_cgroup = get_str(o, "self", "cgroup.", MAX_PATH, diag);
	}
	/* memory_root names a place inside the archive: nothing else. */
	if (ret->memory_root && (ret->memory_root[0] == '/' ||
				 strstr(ret->memory_root, ".."))) {
		diag_add(diag, "manifest: cgroup.memory_root '%s' is not a path "
			 "inside the capture, ignored", ret->memory_root);
		free(ret->memory_root);
		ret->memory_root = NULL;
	}
	o = json_object_get(root, "problems");
	if (o)
		parse_problems(o, ret, diag);
	ret->problems_dropped = get_u64(root, "problems_dropped", "", diag);

	r = 0;
out:
	json_decref(root);
	return r;
}

void manifest_free(struct manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nproblems; i++) {
		free(m->problems[i].path);
		free(m->problems[i].kind);
		free(m->problems[i].error);
		free(m->problems[i].action);
	}
	free(m->problems);
	free(m->format);
	free(m->collector_name);
	free(m->collector_version);
	free(m->interrupted);
	free(m->hostname);
	free(m->kernel_release);
	free(m->kernel_version);
	free(m->machine);
	free(m->boot_id);
	free(m->started_utc);
	free(m->finished_utc);
	free(m->root);
	free(m->cgroup_mode);
	free(m->memory_mount);
	free(m->memory_root);
	free(m->self_cgroup);
	memset(m, 0, sizeof(*m));
}
