/* SPDX-License-Identifier: MIT */
/*
 * collector/go/<pid>.json (capture.md 2.3): what the collector read of a Go
 * program, and GOMEMLIMIT's syntax.
 */
#include "analyze/parse/parse.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

int parse_gomemlimit(const char *s, size_t len, uint64_t *ret)
{
	static const struct { const char *suffix; unsigned shift; } units[] = {
		{ "TiB", 40 }, { "GiB", 30 }, { "MiB", 20 }, { "KiB", 10 }, { "B", 0 },
	};
	uint64_t v;
	size_t i;

	trim_span(&s, &len);
	if (len == 3 && !memcmp(s, "off", 3)) {
		*ret = UINT64_MAX;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		size_t sl = strlen(units[i].suffix);

		if (len > sl && !memcmp(s + len - sl, units[i].suffix, sl)) {
			if (parse_u64(s, len - sl, &v) < 0 ||
			    (units[i].shift && v > (UINT64_MAX >> units[i].shift)))
				return -EINVAL;
			*ret = v << units[i].shift;
			return 0;
		}
	}
	if (parse_u64(s, len, &v) < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* A string member of obj (which may be NULL), copied; NULL when absent. */
static char *string_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

int parse_go_info(const char *buf, size_t len, struct go_info *ret,
		  struct parse_diag *diag)
{
	json_error_t jerr;
	json_t *root, *env, *v;
	uint64_t bytes;
	int r = -EINVAL;

	root = json_loadb(buf, len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		diag_add(diag, "%s", root ? "not a JSON object" : jerr.text);
		goto out;
	}
	v = json_object_get(root, "pid");
	if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
	    json_integer_value(v) > 0x7fffffff) {
		diag_add(diag, "no valid 'pid'");
		goto out;
	}
	ret->pid = (int64_t)json_integer_value(v);
	env = json_object_get(root, "env");
	if (env && !json_is_object(env)) {
		diag_add(diag, "'env' is not an object, ignored");
		env = NULL;
	}
	ret->env_known = env != NULL;
	ret->go_version = string_of(root, "go_version");
	ret->gogc = string_of(env, "GOGC");
	ret->gomemlimit = string_of(env, "GOMEMLIMIT");
	ret->gomaxprocs = string_of(env, "GOMAXPROCS");
	ret->godebug = string_of(env, "GODEBUG");
	if (ret->gomemlimit) {
		if (parse_gomemlimit(ret->gomemlimit, strlen(ret->gomemlimit), &bytes) < 0)
			diag_add(diag, "GOMEMLIMIT '%.40s' is not a valid limit",
				 ret->gomemlimit);
		else if (bytes != UINT64_MAX)
			ret->gomemlimit_bytes = (struct kv_u64){ bytes, true };
	}
	r = 0;
out:
	json_decref(root);
	return r;
}

void go_info_free(struct go_info *g)
{
	if (!g)
		return;
	free(g->go_version);
	free(g->gogc);
	free(g->gomemlimit);
	free(g->gomaxprocs);
	free(g->godebug);
	memset(g, 0, sizeof(*g));
}
