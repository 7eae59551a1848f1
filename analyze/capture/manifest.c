/* SPDX-License-Identifier: MIT */
/*
 * manifest.json, read by a JSON reader of its own rather than jansson: an
 * earlier collector listed up to 10,000 problems (a 1.7 MB manifest), and
 * jansson's tree of them (an object, a hash table and five allocations a
 * problem, then freed) was 307 M instructions of a 1,445 M load.  The
 * reader accepts what jansson's json_loadb() accepts (RFC 8259: UTF-8, no
 * \u0000, integers within 64 bits, reals within a double, 2,048 levels,
 * one value and white space), records where each value it knows lies in
 * one pass, and turns the problems into their struct as they come.  Every
 * string it keeps is decoded into one allocation, m->strings.
 *
 * Duplicate keys: a key this parser reads, given twice in its object, makes
 * the manifest invalid, as with JSON_REJECT_DUPLICATES; a duplicate among
 * the keys it skips (options, counts, ...) is ignored.
 */
#include "analyze/capture/manifest.h"

#include <errno.h>
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

/* jansson's JSON_PARSER_MAX_DEPTH: values in one another (a key is none) */
#define MAX_DEPTH 2048

/* ---- the reader ------------------------------------------------------- */

struct scan {
	const char *buf;
	size_t len, pos;
	unsigned depth;
	const char *err;    /* the first error, at err_pos */
	size_t err_pos;
};

/* Where a value lies in the buffer: [start, end); end == 0: absent. */
struct span {
	size_t start, end;
	bool escaped;       /* a string with a backslash in it */
};

static bool fail(struct scan *s, const char *what)
{
	if (!s->err) {
		s->err = what;
		s->err_pos = s->pos;
	}
	return false;
}

static void skip_ws(struct scan *s)
{
	while (s->pos < s->len && (s->buf[s->pos] == ' ' || s->buf[s->pos] == '\n' ||
				   s->buf[s->pos] == '\r' || s->buf[s->pos] == '\t'))
		s->pos++;
}

/* The next byte after white space, or -1 at the end. */
static int peek(struct scan *s)
{
	skip_ws(s);
	return s->pos < s->len ? (unsigned char)s->buf[s->pos] : -1;
}

/* Bytes a string holds as they are: printable ASCII but '"' and '\'. */
static const unsigned char str_plain[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1,
};

static int hex4(const char *p, uint32_t *ret)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*ret = v;
	return 0;
}

/*
 * The escape at p[0] == '\\' (n bytes to the buffer's end): its length in
 * the buffer, with its code point in *ret_cp (a pair of surrogates is one
 * code point); 0 when it is not a valid escape.
 */
static size_t read_escape(const char *p, size_t n, uint32_t *ret_cp)
{
	uint32_t cp, lo;

	if (n < 2)
		return 0;
	switch (p[1]) {
	case '"': *ret_cp = '"'; return 2;
	case '\\': *ret_cp = '\\'; return 2;
	case '/': *ret_cp = '/'; return 2;
	case 'b': *ret_cp = '\b'; return 2;
	case 'f': *ret_cp = '\f'; return 2;
	case 'n': *ret_cp = '\n'; return 2;
	case 'r': *ret_cp = '\r'; return 2;
	case 't': *ret_cp = '\t'; return 2;
	case 'u': break;
	default: return 0;
	}
	if (n < 6 || hex4(p + 2, &cp) < 0 || cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
		return 0;
	if (cp < 0xd800 || cp > 0xdbff) {
		*ret_cp = cp;
		return 6;
	}
	/* a high surrogate: its low one must follow */
	if (n < 12 || p[6] != '\\' || p[7] != 'u' || hex4(p + 8, &lo) < 0 ||
	    lo < 0xdc00 || lo > 0xdfff)
		return 0;
	*ret_cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	return 12;
}

/* The string at s->pos (its '"'), checked; *ret_escaped: has a backslash. */
static bool scan_string(struct scan *s, bool *ret_escaped)
{
	const unsigned char *b = (const unsigned char *)s->buf;
	size_t i = s->pos + 1, n;
	bool escaped = false;
	uint32_t cp;

	for (;;) {
		while (i < s->len && str_plain[b[i]])
			i++;
		if (i == s->len) {
			s->pos = i;
			return fail(s, "premature end of input in a string");
		}
		if (b[i] == '"')
			break;
		if (b[i] == '\\') {
			n = read_escape(s->buf + i, s->len - i, &cp);
			escaped = true;
		} else if (b[i] >= 0x80) {
			n = utf8_decode(s->buf + i, s->len - i, &cp);
		} else {
			n = 0;
		}
		if (!n) {
			s->pos = i;
			return fail(s, b[i] == '\\' ? "invalid escape or \\u0000 in a string" :
				    b[i] >= 0x80 ? "invalid UTF-8 in a string" :
				    "control character in a string");
		}
		i += n;
	}
	s->pos = i + 1;
	if (ret_escaped)
		*ret_escaped = escaped;
	return true;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The checked string p[0..n) (between its quotes) decoded into out, which
 * has room for n bytes: an escape is never shorter than what it stands for.
 * Returns the decoded length.
 */
static size_t decode_string(const char *p, size_t n, char *out)
{
	size_t i = 0, o = 0;
	uint32_t cp;

	while (i < n) {
		const char *bs = memchr(p + i, '\\', n - i);
		size_t plain = bs ? (size_t)(bs - (p + i)) : n - i;

		memcpy(out + o, p + i, plain);
		o += plain;
		i += plain;
		if (i < n) {
			i += read_escape(p + i, n - i, &cp);
			o += put_utf8(out + o, cp);
		}
	}
	return o;
}

/* A JSON number's token as a double; false when it is past a double's range. */
static bool number_double(const char *p, size_t n, double *ret)
{
	char tmp[64], *copy = n < sizeof(tmp) ? tmp : xmalloc(n + 1);
	double v;

	/* the token is checked: strtod reads all of it */
	memcpy(copy, p, n);
	copy[n] = '\0';
	v = strtod(copy, NULL);
	if (copy != tmp)
		free(copy);
	*ret = v;
	return isfinite(v);
}

/* The number at s->pos, checked as jansson does: integers within int64. */
static bool scan_number(struct scan *s)
{
	const char *b = s->buf;
	size_t i = s->pos, start = i;
	bool integer = true;
	int64_t iv;
	double dv;

#define DIGIT(k) ((k) < s->len && b[k] >= '0' && b[k] <= '9')
	if (i < s->len && b[i] == '-')
		i++;
	if (i < s->len && b[i] == '0')
		i++;
	else if (DIGIT(i))
		while (DIGIT(i))
			i++;
	else
		return fail(s, "invalid number");
	if (i < s->len && b[i] == '.') {
		integer = false;
		i++;
		if (!DIGIT(i))
			return fail(s, "invalid number");
		while (DIGIT(i))
			i++;
	}
	if (i < s->len && (b[i] == 'e' || b[i] == 'E')) {
		integer = false;
		i++;
		if (i < s->len && (b[i] == '+' || b[i] == '-'))
			i++;
		if (!DIGIT(i))
			return fail(s, "invalid number");
		while (DIGIT(i))
			i++;
	}
#undef DIGIT
	if (integer ? parse_i64(b + start, i - start, &iv) < 0 :
		      !number_double(b + start, i - start, &dv))
		return fail(s, integer ? "too big integer" : "real number overflow");
	s->pos = i;
	return true;
}

static bool scan_literal(struct scan *s, const char *word, size_t n)
{
	if (s->len - s->pos < n || memcmp(s->buf + s->pos, word, n))
		return fail(s, "invalid token");
	s->pos += n;
	return true;
}

static bool scan_object(struct scan *s, const char *const *names, size_t n,
			struct span *spans);
static bool scan_array(struct scan *s);

/* The value after white space at s->pos, checked; into *ret (if not NULL). */
static bool scan_value(struct scan *s, struct span *ret)
{
	bool ok, escaped = false;
	size_t start;
	int c = peek(s);

	/* jansson counts a scalar as a level too */
	if (c != '{' && c != '[' && s->depth + 1 > MAX_DEPTH)
		return fail(s, "maximum parsing depth reached");
	switch (c) {
	case -1: return fail(s, "premature end of input");
	case '{': start = s->pos; ok = scan_object(s, NULL, 0, NULL); break;
	case '[': start = s->pos; ok = scan_array(s); break;
	case '"': start = s->pos; ok = scan_string(s, &escaped); break;
	case 't': start = s->pos; ok = scan_literal(s, "true", 4); break;
	case 'f': start = s->pos; ok = scan_literal(s, "false", 5); break;
	case 'n': start = s->pos; ok = scan_literal(s, "null", 4); break;
	default: start = s->pos; ok = scan_number(s); break;
	}
	if (ok && ret) {
		ret->start = start;
		ret->end = s->pos;
		ret->escaped = escaped;
	}
	return ok;
}

static bool enter(struct scan *s)
{
	if (++s->depth > MAX_DEPTH)
		return fail(s, "maximum parsing depth reached");
	s->pos++;
	return true;
}

static bool leave(struct scan *s)
{
	s->pos++;
	s->depth--;
	return true;
}

/*
 * After an item of an object or an array that `close` ends: 1 when another
 * follows (its ',' read), 0 at the end (not read), -1 on an error.
 */
static int next_item(struct scan *s, char close)
{
	int c = peek(s);

	if (c == close)
		return 0;
	if (c != ',') {
		fail(s, close == ']' ? "',' or ']' expected" : "',' or '}' expected");
		return -1;
	}
	s->pos++;
	return 1;
}

static bool scan_array(struct scan *s)
{
	int more = 0;

	if (!enter(s))
		return false;
	if (peek(s) != ']')
		do {
			if (!scan_value(s, NULL))
				return false;
		} while ((more = next_item(s, ']')) > 0);
	return more == 0 && leave(s);
}

/* Which of names[0..n) the key [a, b) of the buffer is; -1: none. */
static int key_index(const struct scan *s, size_t a, size_t b, bool escaped,
		     const char *const *names, size_t n)
{
	char tmp[64];
	const char *key = s->buf + a;
	size_t klen = b - a, i;

	if (escaped) {
		/* decoded, it is shorter; no name is 64 bytes long */
		if (klen >= sizeof(tmp))
			return -1;
		klen = decode_string(key, klen, tmp);
		key = tmp;
	}
	/* the first byte first: a problem's five keys are 50,000 of a manifest */
	for (i = 0; i < n; i++)
		if (klen && names[i][0] == key[0] && strlen(names[i]) == klen &&
		    !memcmp(names[i], key, klen))
			return (int)i;
	return -1;
}

/*
 * Member i of an object being scanned, at its value: the top level's take
 * some of theirs in a way of their own (struct top).  Returns false on an
 * error of the reader.
 */
typedef bool member_fn(struct scan *s, int i, void *arg);

/*
 * The object at s->pos, checked; the value of each key of names[0..n)
 * into spans[] (or to fn, when given).  A key of names given twice is an
 * error, as with jansson's JSON_REJECT_DUPLICATES.
 */
static bool scan_object_with(struct scan *s, const char *const *names, size_t n,
			     struct span *spans, member_fn *fn, void *arg)
{
	size_t a;
	bool escaped;
	int i, more = 0;

	if (!enter(s))
		return false;
	if (peek(s) != '}')
		do {
			if (peek(s) != '"')
				return fail(s, "string or '}' expected");
			a = s->pos + 1;
			if (!scan_string(s, &escaped))
				return false;
			i = key_index(s, a, s->pos - 1, escaped, names, n);
			if (peek(s) != ':')
				return fail(s, "':' expected");
			s->pos++;
			if (i >= 0 && spans[i].end) {
				s->pos = a - 1;
				return fail(s, "duplicate object key");
			}
			if (!(i < 0 ? scan_value(s, NULL) :
			      fn ? fn(s, i, arg) : scan_value(s, &spans[i])))
				return false;
		} while ((more = next_item(s, '}')) > 0);
	return more == 0 && leave(s);
}

static bool scan_object(struct scan *s, const char *const *names, size_t n,
			struct span *spans)
{
	return scan_object_with(s, names, n, spans, NULL, NULL);
}

/* ---- the manifest's values ------------------------------------------- */

/* What a parse keeps: its strings go to out->strings, used bytes of it. */
struct ctx {
	struct scan s;
	struct manifest *m;
	size_t used;
	struct parse_diag *diag;
};

static bool span_is(const struct ctx *c, const struct span *sp, char first)
{
	return sp->end && c->s.buf[sp->start] == first;
}

static bool span_absent(const struct ctx *c, const struct span *sp)
{
	return !sp->end || span_is(c, sp, 'n');
}

static char *get_str(struct ctx *c, const struct span *sp, const char *where,
		     const char *key, size_t max, struct parse_diag *diag)
{
	char *out = c->m->strings + c->used;
	const char *raw;
	size_t n;

	if (span_absent(c, sp))
		return NULL;
	if (!span_is(c, sp, '"')) {
		diag_add(diag, "manifest: '%s%s' is not a string", where, key);
		return NULL;
	}
	raw = c->s.buf + sp->start + 1;
	n = sp->end - sp->start - 2;
	/* the escapes decoded into the room of the string and its quotes */
	if (!sp->escaped)
		memcpy(out, raw, n);
	else
		n = decode_string(raw, n, out);
	if (n > max) {
		diag_add(diag, "manifest: '%s%s' is longer than %zu bytes, ignored",
			 where, key, max);
		return NULL;
	}
	out[n] = '\0';
	c->used += n + 1;
	return out;
}

static struct kv_u64 get_u64(struct ctx *c, const struct span *sp,
			     const char *where, const char *key,
			     struct parse_diag *diag)
{
	struct kv_u64 r = { 0, false };
	const char *p = c->s.buf + sp->start;
	size_t n = sp->end - sp->start;
	int64_t v;

	if (span_absent(c, sp))
		return r;
	/* a checked token: an integer is one that parse_i64() reads whole */
	if (parse_i64(p, n, &v) < 0 || v < 0) {
		diag_add(diag, "manifest: '%s%s' is not a non-negative integer",
			 where, key);
		return r;
	}
	r.v = (uint64_t)v;
	r.set = true;
	return r;
}

static bool get_double(struct ctx *c, const struct span *sp, const char *key,
		       double *ret)
{
	const char *p = c->s.buf + sp->start;

	if (span_absent(c, sp))
		return false;
	if (!(p[0] == '-' || (p[0] >= '0' && p[0] <= '9'))) {
		diag_add(c->diag, "manifest: 'clock.%s' is not a number", key);
		return false;
	}
	return number_double(p, sp->end - sp->start, ret);
}

/* ---- the objects ------------------------------------------------------ */

enum { P_PATH, P_KIND, P_ERROR, P_ACTION, P_ERRNO, P__N };
static const char *const problem_keys[P__N] = {
	"path", "kind", "error", "action", "errno",
};

enum { C_NAME, C_VERSION, C_PID, C_READER_PID, C__N };
static const char *const collector_keys[C__N] = {
	"name", "version", "pid", "reader_pid",
};

enum { K_RELEASE, K_VERSION, K_MACHINE, K__N };
static const char *const kernel_keys[K__N] = { "release", "version", "machine" };

enum { CL_STARTED_UTC, CL_FINISHED_UTC, CL_STARTED_MONO, CL_FINISHED_MONO,
       CL_STARTED_BOOT, CL_FINISHED_BOOT, CL__N };
static const char *const clock_keys[CL__N] = {
	"started_utc", "finished_utc", "started_monotonic", "finished_monotonic",
	"started_boottime", "finished_boottime",
};

enum { CG_MODE, CG_MOUNT, CG_ROOT, CG_SELF, CG__N };
static const char *const cgroup_keys[CG__N] = {
	"mode", "memory_mount", "memory_root", "self",
};

enum { T_FORMAT, T_FORMAT_VERSION, T_COLLECTOR, T_COMPLETE, T_INTERRUPTED,
       T_HOSTNAME, T_KERNEL, T_BOOT_ID, T_PAGE_SIZE, T_CLOCK, T_ROOT, T_CGROUP,
       T_PROBLEMS, T_PROBLEMS_DROPPED, T__N };
static const char *const top_keys[T__N] = {
	"format", "format_version", "collector", "complete", "interrupted",
	"hostname", "kernel", "boot_id", "page_size", "clock", "root", "cgroup",
	"problems", "problems_dropped",
};

/* The top level: its values, those of its objects, the problems' words. */
struct top {
	struct ctx *c;
	struct span v[T__N];
	struct span collector[C__N], kernel[K__N], clock[CL__N], cgroup[CG__N];
	struct parse_diag problems_diag;   /* told after the cgroup's, as ever */
	bool array;                        /* the top level is an array */
};

static void take_problem(struct ctx *c, const struct span *v,
			 struct parse_diag *diag)
{
	struct manifest *m = c->m;
	struct manifest_problem *mp;

	ALLOC_GROW(m->problems, m->nproblems + 1, m->aproblems);
	mp = &m->problems[m->nproblems++];
	memset(mp, 0, sizeof(*mp));
	mp->path = get_str(c, &v[P_PATH], "problems[].", "path", MAX_PATH, diag);
	mp->kind = get_str(c, &v[P_KIND], "problems[].", "kind", MAX_NAME, diag);
	mp->error = get_str(c, &v[P_ERROR], "problems[].", "error", MAX_MESSAGE, diag);
	mp->action = get_str(c, &v[P_ACTION], "problems[].", "action", MAX_NAME, diag);
	mp->err_no = get_u64(c, &v[P_ERRNO], "problems[].", "errno", diag);
}

/* The problems array, each object into c->m as it comes. */
static bool scan_problems(struct top *t)
{
	struct scan *s = &t->c->s;
	struct parse_diag *diag = &t->problems_diag;
	size_t i = 0, over = 0;
	int more = 0;

	if (peek(s) != '[') {
		diag_add(diag, "manifest: 'problems' is not an array");
		return scan_value(s, NULL);
	}
	if (!enter(s))
		return false;
	if (peek(s) != ']')
		do {
			struct span v[P__N] = { { 0, 0, false } };
			bool object = peek(s) == '{';

			if (!object || over || t->c->m->nproblems == MANIFEST_MAX_PROBLEMS) {
				if (object || over)
					over++;
				else
					diag_add(diag, "manifest: problems[%zu] is not an object", i);
				if (!scan_value(s, NULL))
					return false;
			} else {
				if (!scan_object(s, problem_keys, P__N, v))
					return false;
				take_problem(t->c, v, diag);
			}
			i++;
		} while ((more = next_item(s, ']')) > 0);
	if (more < 0)
		return false;
	if (over)
		diag_add(diag, "manifest: more than %u problems, the other %zu ignored",
			 MANIFEST_MAX_PROBLEMS, over);
	return leave(s);
}

static bool top_member(struct scan *s, int i, void *arg)
{
	struct top *t = arg;
	struct span *sub = NULL;
	const char *const *names = NULL;
	size_t n = 0;

	switch (i) {
	case T_PROBLEMS:
		t->v[i].start = s->pos;
		if (!scan_problems(t))
			return false;
		t->v[i].end = s->pos;
		return true;
	case T_COLLECTOR: sub = t->collector; names = collector_keys; n = C__N; break;
	case T_KERNEL: sub = t->kernel; names = kernel_keys; n = K__N; break;
	case T_CLOCK: sub = t->clock; names = clock_keys; n = CL__N; break;
	case T_CGROUP: sub = t->cgroup; names = cgroup_keys; n = CG__N; break;
	}
	if (sub && peek(s) == '{') {
		t->v[i].start = s->pos;
		if (!scan_object(s, names, n, sub))
			return false;
		t->v[i].end = s->pos;
		return true;
	}
	return scan_value(s, &t->v[i]);
}

/* The whole buffer: one object (or another value), then white space. */
static bool scan_manifest(struct top *t)
{
	struct scan *s = &t->c->s;
	int c = peek(s);

	if (c != '{' && c != '[')
		return fail(s, "'[' or '{' expected");
	t->array = c == '[';
	if (!(c == '{' ? scan_object_with(s, top_keys, T__N, t->v, top_member, t) :
	      scan_array(s)))
		return false;
	if (peek(s) != -1)
		return fail(s, "end of file expected");
	return true;
}

static void invalid_json(const struct scan *s, struct parse_diag *diag)
{
	size_t i, line = 1, line_start = 0;

	for (i = 0; i < s->err_pos && i < s->len; i++)
		if (s->buf[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	diag_add(diag, "manifest: invalid JSON at line %zu column %zu: %s",
		 line, s->err_pos - line_start + 1, s->err);
}

int parse_manifest(const char *buf, size_t len, struct manifest *ret,
		   struct parse_diag *diag)
{
	struct ctx c = { { buf, len, 0, 0, NULL, 0 }, ret, 0, diag };
	struct top *t = xcalloc(1, sizeof(*t));
	const struct span *v = t->v, *o;
	int r = -EINVAL;

	memset(ret, 0, sizeof(*ret));
	if (len > MANIFEST_MAX_BYTES) {
		diag_add(diag, "manifest: %zu bytes, more than the %u a collector "
			 "writes: not read", len, MANIFEST_MAX_BYTES);
		r = -EFBIG;
		goto out;
	}
	/* every string kept, decoded, is shorter than it was with its quotes */
	ret->strings = xmalloc(len + 1);
	t->c = &c;
	if (!scan_manifest(t)) {
		invalid_json(&c.s, diag);
		goto out;
	}
	if (t->array) {
		diag_add(diag, "manifest: not a JSON object");
		goto out;
	}
	ret->format = get_str(&c, &v[T_FORMAT], "", "format", MAX_NAME, diag);
	if (!ret->format || strcmp(ret->format, MANIFEST_FORMAT)) {
		diag_add(diag, "manifest: 'format' is not \"%s\": not a memsnap capture",
			 MANIFEST_FORMAT);
		goto out;
	}
	ret->format_version = get_u64(&c, &v[T_FORMAT_VERSION], "", "format_version", diag);
	if (ret->format_version.set &&
	    ret->format_version.v > MANIFEST_FORMAT_VERSION)
		diag_add(diag, "manifest: format_version %llu is newer than %d: "
			 "reading what this version understands",
			 (unsigned long long)ret->format_version.v,
			 MANIFEST_FORMAT_VERSION);
	o = t->collector;
	ret->collector_name = get_str(&c, &o[C_NAME], "collector.", "name", MAX_NAME, diag);
	ret->collector_version = get_str(&c, &o[C_VERSION], "collector.", "version",
					 MAX_NAME, diag);
	ret->collector_pid = get_u64(&c, &o[C_PID], "collector.", "pid", diag);
	ret->reader_pid = get_u64(&c, &o[C_READER_PID], "collector.", "reader_pid", diag);
	if (span_is(&c, &v[T_COMPLETE], 't') || span_is(&c, &v[T_COMPLETE], 'f')) {
		ret->complete_set = true;
		ret->complete = span_is(&c, &v[T_COMPLETE], 't');
	}
	ret->interrupted = get_str(&c, &v[T_INTERRUPTED], "", "interrupted", MAX_MESSAGE, diag);
	ret->hostname = get_str(&c, &v[T_HOSTNAME], "", "hostname", MAX_HOSTNAME, diag);
	o = t->kernel;
	ret->kernel_release = get_str(&c, &o[K_RELEASE], "kernel.", "release",
				      MAX_UTSNAME, diag);
	ret->kernel_version = get_str(&c, &o[K_VERSION], "kernel.", "version",
				      MAX_UTSNAME, diag);
	ret->machine = get_str(&c, &o[K_MACHINE], "kernel.", "machine", MAX_UTSNAME, diag);
	ret->boot_id = get_str(&c, &v[T_BOOT_ID], "", "boot_id", MAX_NAME, diag);
	ret->page_size = get_u64(&c, &v[T_PAGE_SIZE], "", "page_size", diag);
	o = t->clock;
	ret->started_utc = get_str(&c, &o[CL_STARTED_UTC], "clock.", "started_utc",
				   MAX_TIME, diag);
	ret->finished_utc = get_str(&c, &o[CL_FINISHED_UTC], "clock.", "finished_utc",
				    MAX_TIME, diag);
	ret->started_monotonic_set = get_double(&c, &o[CL_STARTED_MONO],
						"started_monotonic", &ret->started_monotonic);
	ret->finished_monotonic_set = get_double(&c, &o[CL_FINISHED_MONO],
						 "finished_monotonic", &ret->finished_monotonic);
	ret->started_boottime_set = get_double(&c, &o[CL_STARTED_BOOT],
					       "started_boottime", &ret->started_boottime);
	ret->finished_boottime_set = get_double(&c, &o[CL_FINISHED_BOOT],
						"finished_boottime", &ret->finished_boottime);
	ret->root = get_str(&c, &v[T_ROOT], "", "root", MAX_PATH, diag);
	o = t->cgroup;
	ret->cgroup_mode = get_str(&c, &o[CG_MODE], "cgroup.", "mode", MAX_NAME, diag);
	ret->memory_mount = get_str(&c, &o[CG_MOUNT], "cgroup.", "memory_mount",
				    MAX_PATH, diag);
	ret->memory_root = get_str(&c, &o[CG_ROOT], "cgroup.", "memory_root",
				   MAX_PATH, diag);
	ret->self_cgroup = get_str(&c, &o[CG_SELF], "cgroup.", "self", MAX_PATH, diag);
	/* memory_root names a place inside the archive: nothing else. */
	if (ret->memory_root && (ret->memory_root[0] == '/' ||
				 strstr(ret->memory_root, ".."))) {
		diag_add(diag, "manifest: cgroup.memory_root '%s' is not a path "
			 "inside the capture, ignored", ret->memory_root);
		ret->memory_root = NULL;
	}
	if (t->problems_diag.count) {
		if (diag && !diag->count)
			memcpy(diag->msg, t->problems_diag.msg, sizeof(diag->msg));
		if (diag)
			diag->count = diag->count > UINT32_MAX - t->problems_diag.count ?
				      UINT32_MAX : diag->count + t->problems_diag.count;
	}
	ret->problems_dropped = get_u64(&c, &v[T_PROBLEMS_DROPPED], "",
					"problems_dropped", diag);

	r = 0;
out:
	free(t);
	return r;
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	free(m->problems);
	free(m->strings);
	memset(m, 0, sizeof(*m));
}
