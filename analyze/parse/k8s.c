/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes and container names from memory cgroup paths and from the
 * names of /var/log/pods and /var/log/containers entries.
 *
 * The kubelet lays pods out in one of two ways (pkg/kubelet/cm,
 * cgroup_manager_linux.go), and the runtime names the container's cgroup:
 *
 *   cgroupfs driver
 *     /kubepods                                   root
 *     /kubepods/burstable, /kubepods/besteffort   QoS (no Guaranteed level:
 *                                                 those pods sit directly
 *                                                 under /kubepods)
 *     /kubepods/burstable/pod<uid>                pod, uid with dashes
 *     /kubepods/burstable/pod<uid>/<id>           container (containerd,
 *                                                 dockershim: bare 64 hex;
 *                                                 CRI-O: crio-<id>)
 *   systemd driver: the slice name spells the whole path with '-', and '-'
 *   inside the uid becomes '_' (systemd unit name escaping):
 *     /kubepods.slice
 *     /kubepods.slice/kubepods-burstable.slice
 *     .../kubepods-burstable-pod<uid_with_underscores>.slice
 *     /kubepods.slice/kubepods-pod<uid>.slice     Guaranteed
 *     .../cri-containerd-<id>.scope               containerd
 *     .../crio-<id>.scope                         CRI-O
 *     .../crio-conmon-<id>.scope                  CRI-O's conmon (see k8s.h)
 *     .../docker-<id>.scope                       dockershim, cri-dockerd
 *
 * Both may sit below another prefix: kind nodes (/docker/<id>/kubelet/
 * kubepods/...), --cgroup-root (/kubelet.slice/kubelet-kubepods.slice/...).
 * Anything below a container's cgroup (crun's "container" child on v2,
 * systemd inside the container) belongs to that container.
 */
#include "analyze/parse/k8s.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

struct span {
	const char *s;
	size_t n;
};

static bool span_eq(struct span a, const char *b)
{
	size_t n = strlen(b);

	return a.n == n && !memcmp(a.s, b, n);
}

static bool span_starts(struct span a, const char *p)
{
	size_t n = strlen(p);

	return a.n >= n && !memcmp(a.s, p, n);
}

static bool span_ends(struct span a, const char *p)
{
	size_t n = strlen(p);

	return a.n >= n && !memcmp(a.s + a.n - n, p, n);
}

static struct span span_skip(struct span a, size_t n)
{
	struct span r = { a.s + n, a.n - n };

	return r;
}

static struct span span_cut(struct span a, size_t n)
{
	struct span r = { a.s, a.n - n };

	return r;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* A container id: 12 to 64 hex digits (64 in practice). */
static bool copy_id(struct span id, char *dst, size_t n)
{
	size_t i;

	if (id.n < 12 || id.n > 64 || id.n >= n)
		return false;
	for (i = 0; i < id.n; i++)
		if (!is_hex(id.s[i]))
			return false;
	for (i = 0; i < id.n; i++)
		dst[i] = lower(id.s[i]);
	dst[id.n] = '\0';
	return true;
}

/*
 * A pod uid: hex digits and dashes ('_' from systemd's escaping turned back
 * into '-'), lower case.  36 characters for API pods, 32 hex for static
 * pods (the kubelet's hash of the manifest).
 */
static bool copy_uid(struct span uid, char *dst, size_t n)
{
	size_t i;

	if (!uid.n || uid.n >= n)
		return false;
	for (i = 0; i < uid.n; i++) {
		char c = uid.s[i];

		if (c == '_' || c == '-')
			dst[i] = '-';
		else if (is_hex(c))
			dst[i] = lower(c);
		else
			return false;
	}
	dst[uid.n] = '\0';
	return true;
}

/*
 * A systemd slice name (without ".slice") that ends in "kubepods",
 * "kubepods-<qos>", "kubepods[-<qos>]-pod<uid>": the level it names, with
 * qos and pod_uid filled in *ret (only when it names one).
 */
static enum k8s_level kubepods_slice(struct span name, struct k8s_cgroup *ret)
{
	static const char *const qos[] = { "burstable", "besteffort" };
	struct k8s_cgroup tmp;
	const char *k = NULL;
	struct span rest;
	size_t i;

	/* The last "kubepods" that starts the name or follows a '-'. */
	for (i = 0; i + 8 <= name.n; i++)
		if (!memcmp(name.s + i, "kubepods", 8) &&
		    (i == 0 || name.s[i - 1] == '-'))
			k = name.s + i;
	if (!k)
		return K8S_NONE;
	rest.s = k + 8;
	rest.n = name.n - (size_t)(rest.s - name.s);
	if (!rest.n)
		return K8S_ROOT;
	if (rest.s[0] != '-')
		return K8S_NONE;
	rest = span_skip(rest, 1);
	memset(&tmp, 0, sizeof(tmp));
	for (i = 0; i < ARRAY_SIZE(qos); i++) {
		if (span_eq(rest, qos[i])) {
			strlcpy_s(ret->qos, qos[i], sizeof(ret->qos));
			return K8S_QOS;
		}
		if (span_starts(rest, qos[i]) && rest.n > strlen(qos[i]) &&
		    rest.s[strlen(qos[i])] == '-') {
			strlcpy_s(tmp.qos, qos[i], sizeof(tmp.qos));
			rest = span_skip(rest, strlen(qos[i]) + 1);
			break;
		}
	}
	if (i == ARRAY_SIZE(qos))
		strlcpy_s(tmp.qos, "guaranteed", sizeof(tmp.qos));
	if (!span_starts(rest, "pod") ||
	    !copy_uid(span_skip(rest, 3), tmp.pod_uid, sizeof(tmp.pod_uid)))
		return K8S_NONE;
	memcpy(ret->qos, tmp.qos, sizeof(ret->qos));
	memcpy(ret->pod_uid, tmp.pod_uid, sizeof(ret->pod_uid));
	return K8S_POD;
}

/* A container's cgroup below a pod; false when the name is not one. */
static bool container_name(struct span c, struct k8s_cgroup *ret)
{
	static const struct {
		const char *prefix, *runtime;
	} kinds[] = {
		{ "cri-containerd-", "containerd" },
		{ "crio-conmon-", NULL },       /* before "crio-" */
		{ "crio-", "cri-o" },
		{ "docker-", "docker" },
		{ "libpod-", "podman" },
	};
	size_t i;

	if (span_ends(c, ".scope"))
		c = span_cut(c, 6);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (!span_starts(c, kinds[i].prefix))
			continue;
		if (!kinds[i].runtime)
			return copy_id(span_skip(c, strlen(kinds[i].prefix)),
				       ret->conmon_id, sizeof(ret->conmon_id));
		if (!copy_id(span_skip(c, strlen(kinds[i].prefix)),
			     ret->container_id, sizeof(ret->container_id)))
			return false;
		strlcpy_s(ret->runtime, kinds[i].runtime, sizeof(ret->runtime));
		return true;
	}
	/* cgroupfs driver: the bare id (containerd or dockershim). */
	return copy_id(c, ret->container_id, sizeof(ret->container_id));
}

/* Docker or podman outside Kubernetes: /docker/<id>, docker-<id>.scope. */
static void plain_container(struct span prev, struct span c,
			    struct k8s_cgroup *ret)
{
	struct k8s_cgroup tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (span_eq(prev, "docker") && copy_id(c, tmp.container_id,
					       sizeof(tmp.container_id))) {
		strlcpy_s(tmp.runtime, "docker", sizeof(tmp.runtime));
	} else if (!span_ends(c, ".scope") ||
		   (!span_starts(c, "docker-") && !span_starts(c, "libpod-")) ||
		   !container_name(c, &tmp) || !tmp.container_id[0]) {
		return;
	}
	memcpy(ret->container_id, tmp.container_id, sizeof(ret->container_id));
	memcpy(ret->runtime, tmp.runtime, sizeof(ret->runtime));
}

const char *k8s_level_name(enum k8s_level lv)
{
	switch (lv) {
	case K8S_ROOT: return "root";
	case K8S_QOS: return "qos";
	case K8S_POD: return "pod";
	case K8S_CONTAINER: return "container";
	default: return NULL;
	}
}

enum k8s_level k8s_parse_cgroup_path(const char *path, struct k8s_cgroup *ret)
{
	enum k8s_level level = K8S_NONE;
	struct span prev = { "", 0 };
	const char *p = path ? path : "";

	memset(ret, 0, sizeof(*ret));
	while (*p) {
		struct k8s_cgroup tmp;
		struct span c;
		enum k8s_level l;

		memset(&tmp, 0, sizeof(tmp));
		while (*p == '/')
			p++;
		if (!*p)
			break;
		c.s = p;
		while (*p && *p != '/')
			p++;
		c.n = (size_t)(p - c.s);

		l = span_ends(c, ".slice") ?
		    kubepods_slice(span_cut(c, 6), &tmp) : K8S_NONE;
		if (span_eq(c, "kubepods") || l == K8S_ROOT) {
			/* (Again) at a kubepods root: forget what came above. */
			memset(ret, 0, sizeof(*ret));
			level = K8S_ROOT;
		} else if (l > K8S_ROOT) {
			memcpy(ret->qos, tmp.qos, sizeof(ret->qos));
			memcpy(ret->pod_uid, tmp.pod_uid, sizeof(ret->pod_uid));
			level = l;
		} else if (level == K8S_ROOT &&
			   (span_eq(c, "burstable") || span_eq(c, "besteffort"))) {
			memcpy(ret->qos, c.s, c.n);
			ret->qos[c.n] = '\0';
			level = K8S_QOS;
		} else if ((level == K8S_ROOT || level == K8S_QOS) &&
			   span_starts(c, "pod") &&
			   copy_uid(span_skip(c, 3), ret->pod_uid,
				    sizeof(ret->pod_uid))) {
			if (level == K8S_ROOT)
				strlcpy_s(ret->qos, "guaranteed", sizeof(ret->qos));
			level = K8S_POD;
		} else if (level == K8S_POD && !ret->conmon_id[0]) {
			/*
			 * Every child of a pod is a container (the pause
			 * sandbox too), except CRI-O's conmon, which stays
			 * pod level.  An unrecognised name is still a
			 * container, with an empty id.
			 */
			if (!container_name(c, ret)) {
				ret->container_id[0] = '\0';
				ret->runtime[0] = '\0';
				ret->conmon_id[0] = '\0';
			}
			if (!ret->conmon_id[0])
				level = K8S_CONTAINER;
		} else if (level == K8S_NONE) {
			plain_container(prev, c, ret);
		}
		/* K8S_CONTAINER: deeper cgroups belong to the container. */
		prev = c;
	}
	return level;
}

/*
 * A list of names, one a line (collector/k8s-*-logs.txt): each line through
 * one(), kept in *v (of elements `size` bytes); a line that is not a name
 * is skipped with a diag message.
 */
static int parse_name_list(const char *buf, size_t len, size_t size,
			   int (*one)(const char *, size_t, void *),
			   void **v, size_t *n, size_t *alloc,
			   struct parse_diag *diag)
{
	size_t pos = 0, ln = 0, ll;
	const char *line;

	while (next_line(buf, len, &pos, &line, &ll)) {
		ln++;
		trim_span(&line, &ll);
		if (!ll)
			continue;
		if (*n == *alloc) {
			*alloc = *alloc ? 2 * *alloc : 8;
			*v = xrealloc(*v, *alloc * size);
		}
		if (one(line, ll, (char *)*v + *n * size) < 0) {
			diag_add(diag, "line %zu: '%.*s' is not a Kubernetes log name, "
				 "skipping", ln, (int)MIN(ll, (size_t)80), line);
			continue;
		}
		(*n)++;
	}
	return 0;
}

static int pod_log_one(const char *s, size_t len, void *ret)
{
	return k8s_parse_pod_log(s, len, ret);
}

static int container_log_one(const char *s, size_t len, void *ret)
{
	return k8s_parse_container_log(s, len, ret);
}

int k8s_parse_pod_logs(const char *buf, size_t len, struct k8s_pod_logs *ret,
		       struct parse_diag *diag)
{
	void *v = ret->v;
	int r = parse_name_list(buf, len, sizeof(*ret->v), pod_log_one, &v,
				&ret->n, &ret->alloc, diag);

	ret->v = v;
	return r;
}

int k8s_parse_container_logs(const char *buf, size_t len,
			     struct k8s_container_logs *ret,
			     struct parse_diag *diag)
{
	void *v = ret->v;
	int r = parse_name_list(buf, len, sizeof(*ret->v), container_log_one, &v,
				&ret->n, &ret->alloc, diag);

	ret->v = v;
	return r;
}

void k8s_pod_logs_free(struct k8s_pod_logs *l)
{
	if (!l)
		return;
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void k8s_container_logs_free(struct k8s_container_logs *l)
{
	if (!l)
		return;
	free(l->v);
	memset(l, 0, sizeof(*l));
}
