/* SPDX-License-Identifier: MIT */
#include "common/kubelet_settings.h"

#include <string.h>

#include "common/banned.h"

const struct kubelet_key_names kubelet_keys[KUBELET_KEY_NR] = {
	[KUBELET_EVICTION_HARD] = { "evictionHard", "eviction-hard" },
	[KUBELET_EVICTION_SOFT] = { "evictionSoft", "eviction-soft" },
	[KUBELET_EVICTION_SOFT_GRACE] = { "evictionSoftGracePeriod",
					  "eviction-soft-grace-period" },
	[KUBELET_SYSTEM_RESERVED] = { "systemReserved", "system-reserved" },
	[KUBELET_KUBE_RESERVED] = { "kubeReserved", "kube-reserved" },
	[KUBELET_ENFORCE_NODE_ALLOCATABLE] = { "enforceNodeAllocatable",
					       "enforce-node-allocatable" },
};

#define VALUE_MAX 1024

static bool span_is(const char *s, size_t n, const char *z)
{
	return strlen(z) == n && !memcmp(s, z, n);
}

enum kubelet_key kubelet_key_of(const char *s, size_t n)
{
	int k;

	for (k = 0; k < KUBELET_KEY_NR; k++)
		if (span_is(s, n, kubelet_keys[k].config) ||
		    span_is(s, n, kubelet_keys[k].flag))
			return (enum kubelet_key)k;
	return KUBELET_KEY_NR;
}

static bool safe(const char *s, size_t n)
{
	size_t i;

	if (!n || n > VALUE_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') ||
		      /* c != 0: strchr() finds the terminator too */
		      (c && strchr(".<>=%,_:/+~-", c))))
			return false;
	}
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' ||
	       c == '"' || c == '\'';
}

static void emit(struct strbuf *out, const char *source, enum kubelet_key k,
		 const char *v, size_t n, size_t *count)
{
	if (!safe(v, n))
		return;
	strbuf_addf(out, "%s %s %.*s\n", source, kubelet_keys[k].config,
		    (int)n, v);
	(*count)++;
}

/*
 * Where a flag starts in the word w[0..n): at its start, or after a '='
 * (an env file's KUBELET_FLAGS=--eviction-hard=..., a drop-in's
 * Environment="KUBELET_EVICTION_HARD=--eviction-hard=...").
 */
static size_t flag_start(const char *w, size_t n)
{
	size_t i;

	if (n >= 2 && w[0] == '-' && w[1] == '-')
		return 0;
	for (i = 1; i + 2 < n; i++)
		if (w[i - 1] == '=' && w[i] == '-' && w[i + 1] == '-')
			return i;
	return n;
}

/* "--flag=value" and "--flag value" words of any text. */
static void flags(const char *buf, size_t len, const char *source,
		  struct strbuf *out, size_t *count)
{
	size_t i = 0;

	while (i < len) {
		size_t st, nl, eq;
		enum kubelet_key k;

		while (i < len && is_blank(buf[i]))
			i++;
		st = i;
		while (i < len && !is_blank(buf[i]))
			i++;
		st += flag_start(buf + st, i - st);
		if (i - st < 3)
			continue;
		for (eq = st + 2; eq < i && buf[eq] != '='; eq++)
			;
		nl = eq - st - 2;
		k = kubelet_key_of(buf + st + 2, nl);
		if (k == KUBELET_KEY_NR)
			continue;
		if (eq < i) {
			emit(out, source, k, buf + eq + 1, i - eq - 1, count);
		} else {
			size_t vs;

			while (i < len && is_blank(buf[i]))
				i++;
			vs = i;
			while (i < len && !is_blank(buf[i]))
				i++;
			if (i > vs && buf[vs] != '-')
				emit(out, source, k, buf + vs, i - vs, count);
		}
	}
}

/* Trim blanks, a trailing ',' (JSON), a " #comment" (YAML) and quotes. */
static void clean(const char **s, size_t *n)
{
	const char *hash;

	trim_span(s, n);
	hash = *n ? memmem_str(*s, *n, " #") : NULL;
	if (hash)
		*n = (size_t)(hash - *s);
	trim_span(s, n);
	if (*n && (*s)[*n - 1] == ',')
		(*n)--;
	trim_span(s, n);
	if (*n >= 2 && ((*s)[0] == '"' || (*s)[0] == '\'') &&
	    (*s)[*n - 1] == (*s)[0]) {
		(*s)++;
		*n -= 2;
	}
}

/* "key: value" (YAML) or "\"key\": value" (JSON) of one trimmed line. */
static bool key_value(const char *l, size_t n, const char **k, size_t *kl,
		      const char **v, size_t *vl)
{
	const char *colon;

	if (n && l[0] == '"') {
		const char *q = memchr(l + 1, '"', n - 1);

		if (!q || (size_t)(q - l) + 1 >= n || q[1] != ':')
			return false;
		*k = l + 1;
		*kl = (size_t)(q - l) - 1;
		colon = q + 1;
	} else {
		colon = memmem_str(l, n, ": ");
		if (!colon && n && l[n - 1] == ':')
			colon = l + n - 1;
		if (!colon)
			return false;
		*k = l;
		*kl = (size_t)(colon - l);
	}
	*v = colon + 1;
	*vl = n - (size_t)(colon + 1 - l);
	clean(v, vl);
	return *kl > 0;
}

static size_t indent_of(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i;
}

/* Add one entry (a map's "k=v" or a list's item) to the joined value. */
static void add_entry(struct strbuf *val, bool *bad, const char *k, size_t kl,
		      const char *v, size_t vl)
{
	clean(&v, &vl);
	if (k)
		clean(&k, &kl);
	if ((k && !safe(k, kl)) || !safe(v, vl)) {
		*bad = true;
		return;
	}
	if (val->len)
		strbuf_addch(val, ',');
	if (k) {
		strbuf_add(val, k, kl);
		strbuf_addch(val, '=');
	}
	strbuf_add(val, v, vl);
}

/* "{a: 1, b: 2}" or "[x, y]" on one line. */
static void flow(const char *v, size_t vl, struct strbuf *val, bool *bad)
{
	bool map = v[0] == '{';
	size_t i = 1, st = 1;

	for (; i < vl; i++) {
		if (v[i] != ',' && i != vl - 1)
			continue;
		if (i > st) {
			const char *e = v + st, *c;
			size_t el = i - st;

			trim_span(&e, &el);
			if (el && map) {
				c = memchr(e, ':', el);
				if (c)
					add_entry(val, bad, e, (size_t)(c - e),
						  c + 1, el - (size_t)(c - e) - 1);
			} else if (el) {
				add_entry(val, bad, NULL, 0, e, el);
			}
		}
		st = i + 1;
	}
}

static void config(const char *buf, size_t len, const char *source,
		   struct strbuf *out, size_t *count)
{
	struct strbuf val = STRBUF_INIT;
	size_t pos = 0, n;
	const char *l;

	while (next_line(buf, len, &pos, &l, &n)) {
		const char *k, *v;
		size_t kl, vl, ind = indent_of(l, n), p2;
		enum kubelet_key key;
		bool bad = false, json;

		{
			const char *t = l;
			size_t tn = n;

			trim_span(&t, &tn);
			if (!key_value(t, tn, &k, &kl, &v, &vl))
				continue;
		}
		key = kubelet_key_of(k, kl);
		if (key == KUBELET_KEY_NR || !(kl && k[0] >= 'a' && k[0] <= 'z'))
			continue;
		strbuf_reset(&val);
		if (vl >= 2 && (v[0] == '{' || v[0] == '[') &&
		    v[vl - 1] == (v[0] == '{' ? '}' : ']')) {
			flow(v, vl, &val, &bad);
		} else if (vl && v[0] != '{' && v[0] != '[') {
			add_entry(&val, &bad, NULL, 0, v, vl);
		} else {
			/* A block: JSON up to the closing bracket, YAML while indented deeper. */
			json = vl == 1;
			p2 = pos;
			while (next_line(buf, len, &p2, &l, &n)) {
				const char *t = l, *ek, *ev;
				size_t tn = n, ekl, evl;

				trim_span(&t, &tn);
				if (!tn)
					continue;
				if (json ? (t[0] == '}' || t[0] == ']') :
					   indent_of(l, n) <= ind && t[0] != '-')
					break;
				if (!json && t[0] == '-' && indent_of(l, n) < ind)
					break;
				pos = p2;
				if (t[0] == '-' && tn > 1 && t[1] == ' ')
					add_entry(&val, &bad, NULL, 0, t + 2, tn - 2);
				else if (key_value(t, tn, &ek, &ekl, &ev, &evl))
					add_entry(&val, &bad, ek, ekl, ev, evl);
				else
					add_entry(&val, &bad, NULL, 0, t, tn);
			}
		}
		if (val.len && !bad)
			emit(out, source, key, val.buf, val.len, count);
	}
	strbuf_release(&val);
}

size_t kubelet_extract(const char *buf, size_t len, const char *source,
		       struct strbuf *out)
{
	size_t count = 0;

	flags(buf, len, source, out, &count);
	config(buf, len, source, out, &count);
	return count;
}

bool kubelet_config_path(const char *cmd, size_t len, struct strbuf *ret)
{
	size_t i = 0;

	while (i < len) {
		size_t n = strnlen(cmd + i, len - i);

		if (n > 9 && !memcmp(cmd + i, "--config=", 9)) {
			strbuf_add(ret, cmd + i + 9, n - 9);
			return true;
		}
		if (n == 8 && !memcmp(cmd + i, "--config", 8) && i + n + 1 < len) {
			size_t j = i + n + 1;

			strbuf_add(ret, cmd + j, strnlen(cmd + j, len - j));
			return ret->len > 0;
		}
		i += n + 1;
	}
	return false;
}
