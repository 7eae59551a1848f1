/* SPDX-License-Identifier: MIT */
/*
 * Sizes as other programs write them (Kubernetes quantities, JVM sizes, Go
 * durations), the kubelet's eviction thresholds and the heap flags of the
 * JVM and Node.js.
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/heap_flags.h"
#include "common/util.h"

#include "common/banned.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool span_eq(const char *s, size_t n, const char *z)
{
	return strlen(z) == n && !memcmp(s, z, n);
}

/* ---- Kubernetes quantities ------------------------------------------------ */

int parse_k8s_quantity(const char *s, size_t len, uint64_t *ret)
{
	static const struct { const char *suf; unsigned base, exp; } sufs[] = {
		{ "Ki", 2, 10 }, { "Mi", 2, 20 }, { "Gi", 2, 30 }, { "Ti", 2, 40 },
		{ "Pi", 2, 50 }, { "Ei", 2, 60 }, { "k", 10, 3 }, { "K", 10, 3 },
		{ "M", 10, 6 }, { "G", 10, 9 }, { "T", 10, 12 }, { "P", 10, 15 },
		{ "E", 10, 18 }, { "", 10, 0 },
	};
	unsigned __int128 mult = 1, ip = 0, fp = 0, fdiv = 1, v;
	size_t i = 0, k, nd = 0;
	unsigned e;

	if (!s || !len)
		return -EINVAL;
	if (s[0] == '+')
		i++;
	for (; i < len && is_digit(s[i]); i++, nd++) {
		ip = ip * 10 + (unsigned)(s[i] - '0');
		if (ip > UINT64_MAX)
			return -ERANGE;
	}
	if (i < len && s[i] == '.') {
		size_t fd = 0;

		for (i++; i < len && is_digit(s[i]); i++, fd++) {
			/* Beyond 18 digits a fraction no longer changes a byte count. */
			if (fd < 18) {
				fp = fp * 10 + (unsigned)(s[i] - '0');
				fdiv *= 10;
			}
			nd++;
		}
	}
	if (!nd)
		return -EINVAL;
	if (i < len && (s[i] == 'e' || s[i] == 'E') && i + 1 < len &&
	    is_digit(s[i + 1])) {
		uint64_t x;

		if (parse_u64(s + i + 1, len - i - 1, &x) < 0 || x > 19)
			return x > 19 ? -ERANGE : -EINVAL;
		for (e = 0; e < x; e++)
			mult *= 10;
		i = len;
	} else {
		for (k = 0; k < ARRAY_SIZE(sufs); k++)
			if (span_eq(s + i, len - i, sufs[k].suf))
				break;
		if (k == ARRAY_SIZE(sufs))
			return -EINVAL;
		for (e = 0; e < sufs[k].exp; e++)
			mult *= sufs[k].base;
	}
	v = ip * mult;
	if (v > UINT64_MAX)
		return -ERANGE;
	/* A fraction of a byte rounds up, as resource.Quantity.Value() does. */
	v += (fp * mult + fdiv - 1) / fdiv;
	if (v > UINT64_MAX)
		return -ERANGE;
	*ret = (uint64_t)v;
	return 0;
}

/* ---- JVM sizes ------------------------------------------------------------ */

int parse_jvm_size(const char *s, size_t len, uint64_t *ret)
{
	unsigned shift = 0;
	uint64_t v;
	int r;

	if (!s || !len)
		return -EINVAL;
	switch (s[len - 1]) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	default: break;
	}
	if (shift)
		len--;
	if (!len || !is_digit(s[0]))
		return -EINVAL;
	r = parse_u64(s, len, &v);
	if (r < 0)
		return r;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret = v << shift;
	return 0;
}

/* ---- Go durations --------------------------------------------------------- */

int parse_go_duration_ms(const char *s, size_t len, uint64_t *ret)
{
	static const struct { const char *u; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
	};
	uint64_t total = 0;
	size_t i = 0;

	if (!s || !len)
		return -EINVAL;
	if (span_eq(s, len, "0")) {
		*ret = 0;
		return 0;
	}
	while (i < len) {
		size_t st = i, k;
		uint64_t v;

		while (i < len && is_digit(s[i]))
			i++;
		if (i == st || parse_u64(s + st, i - st, &v) < 0)
			return -EINVAL;
		for (k = 0; k < ARRAY_SIZE(units); k++) {
			size_t ul = strlen(units[k].u);

			if (len - i >= ul && !memcmp(s + i, units[k].u, ul) &&
			    (ul == 2 || i + 1 >= len || s[i + 1] != 's'))
				break;
		}
		if (k == ARRAY_SIZE(units))
			return -EINVAL;
		if (v > (UINT64_MAX - total) / units[k].ms)
			return -ERANGE;
		total += v * units[k].ms;
		i += strlen(units[k].u);
	}
	*ret = total;
	return 0;
}

/* ---- eviction thresholds --------------------------------------------------- */

static bool signal_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      is_digit(s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* Strip one pair of matching quotes (a YAML or JSON scalar). */
static void unquote(const char **s, size_t *n)
{
	if (*n >= 2 && ((*s)[0] == '"' || (*s)[0] == '\'') &&
	    (*s)[*n - 1] == (*s)[0]) {
		(*s)++;
		*n -= 2;
	}
}

static int one_threshold(const char *s, size_t n, unsigned lineno,
			 struct eviction_thresholds *ret, struct parse_diag *diag)
{
	struct eviction_threshold t = { 0 };
	const char *v;
	size_t i, sl, vl;
	char q[DIAG_QUOTE_MAX];

	trim_span(&s, &n);
	if (!n)
		return 0;
	for (i = 0; i < n && s[i] != '<' && s[i] != '=' && s[i] != ':'; i++)
		;
	sl = i;
	{
		const char *sig = s;

		trim_span(&sig, &sl);
		unquote(&sig, &sl);
		if (i == n || !signal_ok(sig, sl)) {
			diag_add(diag, "line %u: not a threshold: '%s', skipped",
				 lineno, diag_quote(s, n, q, sizeof(q)));
			return -EINVAL;
		}
		t.op = s[i];
		v = s + i + 1;
		vl = n - i - 1;
		trim_span(&v, &vl);
		unquote(&v, &vl);
		for (i = 0; i < ret->n; i++)
			if (span_eq(sig, sl, ret->v[i].signal)) {
				diag_add(diag, "line %u: duplicate signal '%s' ignored (the first one counts)",
					 lineno, diag_quote(sig, sl, q, sizeof(q)));
				return -EINVAL;
			}
		if (ret->n >= 64) {
			diag_add(diag, "line %u: more than 64 thresholds, skipped", lineno);
			return -EINVAL;
		}
		if (vl && v[vl - 1] == '%') {
			double d;

			if (parse_double(v, vl - 1, &d) < 0 || !(d >= 0 && d <= 100)) {
				diag_add(diag, "line %u: invalid percentage '%s'",
					 lineno, diag_quote(v, vl, q, sizeof(q)));
				return -EINVAL;
			}
			t.percent = true;
			t.pct = d;
		} else {
			uint64_t x;

			if (parse_k8s_quantity(v, vl, &x) == 0) {
				t.quantity.v = x;
				t.quantity.set = true;
			} else if (parse_go_duration_ms(v, vl, &x) == 0) {
				t.grace_ms.v = x;
				t.grace_ms.set = true;
			} else {
				diag_add(diag, "line %u: invalid value '%s' for '%s'",
					 lineno, diag_quote(v, vl, q, sizeof(q)),
					 diag_quote(sig, sl, q + 100, sizeof(q) - 100));
				return -EINVAL;
			}
		}
		t.signal = xstrndup(sig, sl);
		t.raw = xstrndup(v, vl);
	}
	ALLOC_GROW(ret->v, ret->n + 1, ret->alloc);
	ret->v[ret->n++] = t;
	return 1;
}

int parse_eviction_thresholds(const char *buf, size_t len,
			      struct eviction_thresholds *ret,
			      struct parse_diag *diag)
{
	struct kv_iter it;
	const char *line;
	size_t n;

	kv_iter_init(&it, buf, len, ' ');
	while (kv_next_raw(&it, &line, &n)) {
		size_t st = 0, i;

		/* Commas separate entries of a flag; lines those of a map. */
		for (i = 0; i <= n; i++)
			if (i == n || line[i] == ',') {
				one_threshold(line + st, i - st, it.lineno, ret, diag);
				st = i + 1;
			}
	}
	if (ret->n)
		return 0;
	diag_add(diag, it.nonblank ? "no threshold found" : "empty file");
	return -EINVAL;
}

void eviction_thresholds_free(struct eviction_thresholds *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].signal);
		free(t->v[i].raw);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const struct eviction_threshold *
eviction_thresholds_get(const struct eviction_thresholds *t, const char *signal)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].signal, signal))
			return &t->v[i];
	return NULL;
}

bool eviction_threshold_bytes(const struct eviction_threshold *t,
			      uint64_t capacity, uint64_t *ret)
{
	if (t->quantity.set) {
		*ret = t->quantity.v;
		return true;
	}
	if (t->percent) {
		/* The kubelet: int64(float64(capacity) * percentage), pct / 100. */
		double x = (double)capacity * (t->pct / 100.0);

		/* 2^64 itself does not convert: a full-size node is the cap. */
		*ret = x >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)x;
		return true;
	}
	return false;
}

/* ---- heap flags ----------------------------------------------------------- */

bool heap_flag_wanted(const char *arg, size_t len)
{
	return heap_flag_of(arg, len, NULL) != HEAP_NONE;
}

static void heap_one(const char *a, size_t n, struct heap_flags *ret,
		     struct parse_diag *diag)
{
	size_t pl = 0;
	enum heap_flag k = heap_flag_of(a, n, &pl);
	const char *v = a + pl;
	size_t vl = n - pl;
	char q[DIAG_QUOTE_MAX];
	uint64_t x;
	double d;
	int r = 0;

	switch (k) {
	case HEAP_XMX:
	case HEAP_XMS:
	case HEAP_MAX_RAM:
		r = parse_jvm_size(v, vl, &x);
		if (!r) {
			struct kv_u64 *dst = k == HEAP_XMX ? &ret->xmx :
					     k == HEAP_XMS ? &ret->xms : &ret->max_ram;

			dst->v = x;
			dst->set = true;
		}
		break;
	case HEAP_MAX_PCT:
	case HEAP_INITIAL_PCT:
	case HEAP_MIN_PCT:
		r = parse_double(v, vl, &d);
		if (!r && !(d >= 0 && d <= 100))
			r = -ERANGE;
		if (!r) {
			if (k == HEAP_MAX_PCT) {
				ret->max_ram_pct = d;
				ret->max_ram_pct_set = true;
			} else if (k == HEAP_INITIAL_PCT) {
				ret->initial_ram_pct = d;
				ret->initial_ram_pct_set = true;
			} else {
				ret->min_ram_pct = d;
				ret->min_ram_pct_set = true;
			}
		}
		break;
	case HEAP_NODE_OLD:
		/* Megabytes (MiB) as an integer. */
		r = parse_u64(v, vl, &x);
		if (!r && x > (UINT64_MAX >> 20))
			r = -ERANGE;
		if (!r) {
			ret->node_max_old_space.v = x << 20;
			ret->node_max_old_space.set = true;
		}
		break;
	case HEAP_NONE:
	default:
		return;
	}
	if (r)
		diag_add(diag, "invalid heap setting '%s'",
			 diag_quote(a, n, q, sizeof(q)));
	else
		ret->found++;
}

int parse_heap_flags(const char *buf, size_t len, struct heap_flags *ret,
		     struct parse_diag *diag)
{
	size_t i = 0;

	if (!buf)
		return -EINVAL;
	while (i < len) {
		size_t st;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
				   buf[i] == '\n' || buf[i] == '\0'))
			i++;
		st = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\t' &&
		       buf[i] != '\n' && buf[i] != '\0')
			i++;
		if (i > st)
			heap_one(buf + st, i - st, ret, diag);
	}
	return 0;
}
