/* SPDX-License-Identifier: MIT */
/*
 * `bpftool map -j` (collector/bpftool-map.json) in every shape bpftool
 * prints it (tools/bpf/bpftool/map.c, show_map_close_json()):
 *
 *  - an array of map objects, compact (-j) or pretty (-p); `show id N`
 *    prints one object, not an array;
 *  - fields: id, type (a name, or the number when bpftool is older than the
 *    kernel's map type), name (absent when empty), flags, bytes_key,
 *    bytes_value, max_entries, bytes_memlock (absent when fdinfo had no
 *    memlock), frozen (5.2+), btf_id (when set), pinned[], pids[{pid,
 *    comm}] (5.9+, needs bpftool built with skeletons), ...;
 *  - bpftool 4.15/4.16 printed "flags" with "%#x": `"flags":0x1` is not
 *    JSON.  Rewritten to decimal before parsing;
 *  - bytes_memlock went through atoi() into an int: above 2 GiB it printed
 *    negative.  Such a value is left unset, with a diag message;
 *  - p_err() in JSON mode prints {"error": "..."}: before the listing
 *    (`{"error": "bpftool built without PID iterator support"},[...` in
 *    5.8-era builds without skeletons), or inside the array;
 *  - a listing cut short (bpftool killed or crashed): the maps read before
 *    the cut are kept.
 *
 * And the plain-text form (show_map_close_plain()), for when a capture holds
 * bpftool's text output:
 *
 *   10: hash  name some_map  flags 0x0
 *           key 4B  value 8B  max_entries 2048  memlock 167936B
 *           btf_id 5  frozen
 *           pids systemd(1)
 *
 * Objects that are not maps (a `bpftool prog -j` or `link -j` listing, whose
 * objects have no bytes_key/bytes_value/max_entries) are not maps: a listing
 * made only of them is -EINVAL, "not a map listing".  Numbers past 2^63
 * (link -j prints u64 addresses) do not stop jansson here: the object is
 * read again with numbers as doubles, and a field of ours that is not exact
 * that way is left unset.
 *
 * jansson (2.14) parses with a depth limit (JSON_PARSER_MAX_DEPTH, 2048), so
 * a "[[[[..." bomb is an error, not a stack overflow.
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

/*
 * Copy buf into out with every 0x<hex> number outside strings, from byte
 * `start` on, written in decimal.  Returns how many it rewrote (0: out is
 * untouched).
 */
static size_t json_fix_hex(const char *buf, size_t len, size_t start,
			   struct strbuf *out)
{
	bool in_str = false, esc = false;
	size_t i, from = 0, fixed = 0;

	for (i = start; i < len; i++) {
		char c = buf[i];
		uint64_t v = 0;
		size_t j;

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
			continue;
		}
		if (c != '0' || i + 2 >= len || (buf[i + 1] != 'x' && buf[i + 1] != 'X'))
			continue;
		for (j = i + 2; j < len; j++) {
			char h = buf[j];
			unsigned d;

			if (h >= '0' && h <= '9')
				d = (unsigned)(h - '0');
			else if (h >= 'a' && h <= 'f')
				d = (unsigned)(h - 'a' + 10);
			else if (h >= 'A' && h <= 'F')
				d = (unsigned)(h - 'A' + 10);
			else
				break;
			if (v > UINT64_MAX >> 4)
				break;
			v = v << 4 | d;
		}
		if (j == i + 2)
			continue;
		if (!fixed)
			strbuf_grow(out, len);
		strbuf_add(out, buf + from, i - from);
		strbuf_addf(out, "%llu", (unsigned long long)v);
		from = j;
		i = j - 1;
		fixed++;
	}
	if (fixed)
		strbuf_add(out, buf + from, len - from);
	return fixed;
}

/* ---- JSON values -------------------------------------------------------- */

/*
 * A JSON number as a u64: a non-negative integer, or (after a retry with
 * JSON_DECODE_INT_AS_REAL) an integral double small enough to be exact.
 */
static void json_u64(json_t *obj, const char *key, struct kv_u64 *dst,
		     size_t elem, struct parse_diag *diag)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i >= 0) {
			dst->v = (uint64_t)i;
			dst->set = true;
			return;
		}
	} else if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d >= 0 && d < 9007199254740992.0 && d == floor(d)) {
			dst->v = (uint64_t)d;
			dst->set = true;
			return;
		}
	} else if (json_is_boolean(v)) {
		/* Some bpftool versions print frozen/owner_jited as a bool. */
		dst->v = json_is_true(v);
		dst->set = true;
		return;
	}
	diag_add(diag, "map %zu: '%s' is not a usable number", elem, key);
}

/*
 * The kernel names maps and tasks in 16 bytes (BPF_OBJ_NAME_LEN,
 * TASK_COMM_LEN) and bpftool's type names and times are short: a longer
 * string is not bpftool's, and a 50 MB one would be copied into every row.
 */
#define BPFTOOL_STR_MAX 256

static char *json_str(json_t *obj, const char *key, size_t elem,
		      struct parse_diag *diag)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v) && json_string_length(v) > BPFTOOL_STR_MAX) {
		diag_add(diag, "map %zu: '%s' is %zu bytes long, skipped", elem,
			 key, json_string_length(v));
		return NULL;
	}
	if (json_is_string(v))
		return xstrndup(json_string_value(v), json_string_length(v));
	if (json_is_integer(v)) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%lld", (long long)json_integer_value(v));
		return strbuf_detach(&sb, NULL);
	}
	return NULL;
}

static bool is_map_object(json_t *o)
{
	return json_object_get(o, "bytes_key") ||
	       json_object_get(o, "bytes_value") ||
	       json_object_get(o, "max_entries");
}

static void map_from_json(json_t *o, size_t elem, struct bpftool_map *m,
			  struct parse_diag *diag)
{
	json_t *type = json_object_get(o, "type"), *pids;

	json_u64(o, "id", &m->id, elem, diag);
	if (json_is_string(type)) {
		m->type = json_str(o, "type", elem, diag);
	} else if (type) {
		/* A type newer than bpftool: it printed the number. */
		json_u64(o, "type", &m->type_id, elem, diag);
		if (m->type_id.set && bpf_map_type_name(m->type_id.v))
			m->type = xstrdup(bpf_map_type_name(m->type_id.v));
	}
	m->name = json_str(o, "name", elem, diag);
	json_u64(o, "flags", &m->flags, elem, diag);
	json_u64(o, "bytes_key", &m->bytes_key, elem, diag);
	json_u64(o, "bytes_value", &m->bytes_value, elem, diag);
	json_u64(o, "max_entries", &m->max_entries, elem, diag);
	json_u64(o, "bytes_memlock", &m->bytes_memlock, elem, diag);
	json_u64(o, "frozen", &m->frozen, elem, diag);
	json_u64(o, "btf_id", &m->btf_id, elem, diag);
	m->loaded_at = json_str(o, "loaded_at", elem, diag);

	pids = json_object_get(o, "pids");
	if (json_is_array(pids) && json_array_size(pids)) {
		size_t i, n = json_array_size(pids);

		m->pids = xcalloc(n, sizeof(*m->pids));
		for (i = 0; i < n; i++) {
			json_t *p = json_array_get(pids, i);
			struct kv_u64 pid = { 0 };

			if (!json_is_object(p))
				continue;
			json_u64(p, "pid", &pid, elem, diag);
			if (!pid.set)
				continue;
			m->pids[m->npids].pid = pid.v;
			m->pids[m->npids].comm = json_str(p, "comm", elem, diag);
			m->npids++;
		}
	}
}

struct json_state {
	struct bpftool_maps *ret;
	size_t elems;           /* objects seen (maps and others) */
	size_t others;          /* objects that were not maps */
	bool broken;            /* stopped at invalid or truncated JSON */
	struct parse_diag *diag;
};

/*
 * Line number of byte `pos` of buf, for a message.  Only the first message
 * is kept in full (diag_add()), so later ones get 0 and do not rescan buf:
 * many bad objects in a big listing stay linear.
 */
static unsigned line_of(const struct parse_diag *diag, const char *buf,
			size_t pos)
{
	unsigned l = 1;
	size_t i;

	if (diag_has(diag))
		return 0;
	for (i = 0; i < pos; i++)
		l += buf[i] == '\n';
	return l;
}

static void take_error(struct json_state *st, json_t *o)
{
	json_t *e = json_object_get(o, "error");

	if (!st->ret->error && json_is_string(e))
		st->ret->error = xstrndup(json_string_value(e),
					  json_string_length(e));
	else
		diag_add(st->diag, "another bpftool error: '%s'",
			 json_is_string(e) ? json_string_value(e) : "?");
}

static void take_object(struct json_state *st, json_t *o)
{
	struct bpftool_maps *m = st->ret;

	st->elems++;
	if (json_object_get(o, "error") && !json_object_get(o, "id")) {
		take_error(st, o);
		return;
	}
	if (!is_map_object(o)) {
		st->others++;
		return;
	}
	ALLOC_GROW(m->v, m->n + 1, m->alloc);
	memset(&m->v[m->n], 0, sizeof(m->v[m->n]));
	map_from_json(o, m->n, &m->v[m->n], st->diag);
	m->n++;
}

/*
 * One JSON object or array at buf[*pos]: parsed alone (JSON_DISABLE_EOF_CHECK
 * stops after it and says where).  NULL (with diag) when it does not parse.
 */
static json_t *load_one(const char *buf, size_t len, size_t *pos,
			struct parse_diag *diag)
{
	size_t flags = JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES;
	json_error_t err;
	json_t *v;
	int try;

	for (try = 0; try < 3; try++) {
		v = json_loadb(buf + *pos, len - *pos, flags, &err);
		if (v)
			break;
		if (json_error_code(&err) == json_error_duplicate_key &&
		    (flags & JSON_REJECT_DUPLICATES)) {
			/*
			 * bpftool never prints a key twice.  Unlike the text
			 * files (first wins), here the value is jansson's: the
			 * last one, as with most JSON readers.  Said in diag.
			 */
			diag_add(diag, "line %u: %s, the last one counts",
				 line_of(diag, buf, *pos + (size_t)(err.position > 0 ? err.position : 0)),
				 err.text);
			flags &= ~(size_t)JSON_REJECT_DUPLICATES;
		} else if (json_error_code(&err) == json_error_numeric_overflow &&
			   !(flags & JSON_DECODE_INT_AS_REAL)) {
			/* u64 numbers past INT64_MAX (link -j addresses). */
			flags |= JSON_DECODE_INT_AS_REAL;
		} else {
			break;
		}
	}
	if (!v) {
		size_t at = *pos + (err.position > 0 ? (size_t)err.position : 0);

		diag_add(diag, "line %u: %s JSON: %s",
			 line_of(diag, buf, at > len ? len : at),
			 json_error_code(&err) == json_error_premature_end_of_input ?
			 "truncated" : "invalid", err.text);
		return NULL;
	}
	if (err.position <= 0 || (size_t)err.position > len - *pos) {
		/* Cannot happen with jansson 2.x; do not loop if it does. */
		diag_add(diag, "line %u: JSON parser gave no position",
			 line_of(diag, buf, *pos));
		json_decref(v);
		return NULL;
	}
	*pos += (size_t)err.position;
	return v;
}

static size_t skip_ws(const char *buf, size_t len, size_t pos)
{
	while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t' ||
			     buf[pos] == '\n' || buf[pos] == '\r'))
		pos++;
	return pos;
}

/* The elements of an array starting at buf[*pos] == '[', one at a time. */
static void parse_array(struct json_state *st, const char *buf, size_t len,
			size_t *pos)
{
	bool first = true;

	(*pos)++;
	for (;;) {
		json_t *v;

		*pos = skip_ws(buf, len, *pos);
		if (*pos >= len) {
			diag_add(st->diag, "truncated JSON: the array has no ']'");
			st->broken = true;
			return;
		}
		if (buf[*pos] == ']') {
			(*pos)++;
			return;
		}
		if (!first) {
			if (buf[*pos] != ',') {
				diag_add(st->diag, "line %u: expected ',' or ']' in the array",
					 line_of(st->diag, buf, *pos));
				st->broken = true;
				return;
			}
			*pos = skip_ws(buf, len, *pos + 1);
		}
		first = false;
		if (*pos >= len) {
			diag_add(st->diag, "truncated JSON: the array has no ']'");
			st->broken = true;
			return;
		}
		if (buf[*pos] != '{' && buf[*pos] != '[') {
			diag_add(st->diag, "line %u: an array element that is not an object",
				 line_of(st->diag, buf, *pos));
			st->broken = true;
			return;
		}
		v = load_one(buf, len, pos, st->diag);
		if (!v) {
			st->broken = true;
			return;
		}
		if (json_is_object(v))
			take_object(st, v);
		else {
			st->elems++;
			st->others++;
		}
		json_decref(v);
	}
}

static void parse_json_text(struct json_state *st, const char *buf, size_t len,
			    size_t pos)
{
	while (!st->broken) {
		pos = skip_ws(buf, len, pos);
		if (pos >= len)
			return;
		if (buf[pos] == ',') {
			/* "{"error": ...},[...": the 5.8-era error prefix. */
			pos++;
			continue;
		}
		if (buf[pos] == '[') {
			parse_array(st, buf, len, &pos);
		} else if (buf[pos] == '{') {
			json_t *v = load_one(buf, len, &pos, st->diag);

			if (!v) {
				st->broken = true;
				return;
			}
			take_object(st, v);
			json_decref(v);
		} else {
			char q[DIAG_QUOTE_MAX];

			diag_add(st->diag, "line %u: text after the JSON: '%s', ignored",
				 line_of(st->diag, buf, pos),
				 diag_quote(buf + pos, len - pos, q, sizeof(q)));
			return;
		}
	}
}

/* ---- plain text --------------------------------------------------------- */

/* "<digits>:" then a blank: the first line of a map in plain text. */
static bool plain_record(const char *s, size_t n, uint64_t *ret_id)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (!i || i + 1 >= n || s[i] != ':' || (s[i + 1] != ' ' && s[i + 1] != '\t'))
		return false;
	return num_u64(s, i, ret_id) == NUM_OK;
}

/* "4B" -> 4; "0x0" -> 0 (flags); plain digits. */
static void plain_num(const char *t, size_t tl, struct kv_u64 *dst,
		      unsigned lineno, const char *key, struct parse_diag *diag)
{
	enum num_err e;

	if (tl > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
		e = num_hex(t, tl, &dst->v);
	else
		e = num_u64(t, tl && t[tl - 1] == 'B' ? tl - 1 : tl, &dst->v);
	if (e == NUM_OK)
		dst->set = true;
	else
		diag_num(diag, lineno, e, key, strlen(key), t, tl);
}

/*
 * "systemd(1), NetworkManager(229236)": emit_obj_refs_plain() prints
 * "%s(%d)" joined by ", ".  A comm may hold '(', ')' and ", " itself, so an
 * entry ends at the first "(<digits>)" that is followed by ", " or the end.
 */
static void plain_pids(const char *s, const char *end, struct bpftool_map *m)
{
	const char *item = s, *p;

	for (p = s; p < end; p++) {
		const char *d = p + 1, *c;
		uint64_t pid;

		if (*p != '(')
			continue;
		while (d < end && *d >= '0' && *d <= '9')
			d++;
		if (d == p + 1 || d >= end || *d != ')')
			continue;
		if (d + 1 != end && (end - (d + 1) < 2 || d[1] != ',' || d[2] != ' '))
			continue;
		if (num_u64(p + 1, (size_t)(d - p - 1), &pid) == NUM_OK) {
			size_t cl = (size_t)(p - item);

			c = item;
			trim_span(&c, &cl);
			m->pids = xrealloc(m->pids, (m->npids + 1) * sizeof(*m->pids));
			m->pids[m->npids].pid = pid;
			m->pids[m->npids].comm = xstrndup(c, cl);
			m->npids++;
		}
		p = d + 1 < end ? d + 2 : d;
		item = p + 1;
	}
}

static void plain_line(struct bpftool_map *m, const char *s, size_t n,
		       bool first, unsigned lineno, struct parse_diag *diag)
{
	const char *p = s, *end = s + n, *t;
	size_t tl;
	bool want_type = first;

	if (first) {
		/* Skip "<id>:". */
		kv_next_token(&p, end, &t, &tl);
	}
	while (kv_next_token(&p, end, &t, &tl)) {
		const char *v;
		size_t vl;

		if (want_type) {
			want_type = false;
			if (!mem_is(t, tl, "type")) {
				m->type = xstrndup(t, tl);
				continue;
			}
			/* "type 34": a map type newer than bpftool. */
			if (kv_next_token(&p, end, &v, &vl)) {
				plain_num(v, vl, &m->type_id, lineno, "type", diag);
				if (m->type_id.set && bpf_map_type_name(m->type_id.v))
					m->type = xstrdup(bpf_map_type_name(m->type_id.v));
			}
			continue;
		}
		if (mem_is(t, tl, "pids")) {
			plain_pids(p, end, m);
			return;
		}
		if (mem_is(t, tl, "frozen")) {
			m->frozen.v = 1;
			m->frozen.set = true;
			continue;
		}
		if (!kv_next_token(&p, end, &v, &vl))
			return;
		if (mem_is(t, tl, "name") && !m->name && vl > BPFTOOL_STR_MAX)
			diag_add(diag, "line %u: 'name' is %zu bytes long, skipped",
				 lineno, vl);
		else if (mem_is(t, tl, "name") && !m->name)
			m->name = xstrndup(v, vl);
		else if (mem_is(t, tl, "flags"))
			plain_num(v, vl, &m->flags, lineno, "flags", diag);
		else if (mem_is(t, tl, "key"))
			plain_num(v, vl, &m->bytes_key, lineno, "key", diag);
		else if (mem_is(t, tl, "value"))
			plain_num(v, vl, &m->bytes_value, lineno, "value", diag);
		else if (mem_is(t, tl, "max_entries"))
			plain_num(v, vl, &m->max_entries, lineno, "max_entries", diag);
		else if (mem_is(t, tl, "memlock"))
			plain_num(v, vl, &m->bytes_memlock, lineno, "memlock", diag);
		else if (mem_is(t, tl, "btf_id"))
			plain_num(v, vl, &m->btf_id, lineno, "btf_id", diag);
		/* pinned <path>, owner_prog_type <t>, offloaded_to <dev>: skipped */
	}
}

static void parse_plain(struct bpftool_maps *ret, struct kv_iter *it,
			struct parse_diag *diag)
{
	struct bpftool_map *cur = NULL;
	const char *line;
	size_t n;
	char q[DIAG_QUOTE_MAX];

	while (kv_next_raw(it, &line, &n)) {
		uint64_t id;

		if (!n)
			continue;
		if (plain_record(line, n, &id)) {
			ALLOC_GROW(ret->v, ret->n + 1, ret->alloc);
			cur = &ret->v[ret->n++];
			memset(cur, 0, sizeof(*cur));
			cur->id.v = id;
			cur->id.set = true;
			plain_line(cur, line, n, true, it->lineno, diag);
		} else if (cur) {
			plain_line(cur, line, n, false, it->lineno, diag);
		} else {
			diag_add(diag, "line %u: not bpftool output: '%s', skipped",
				 it->lineno, diag_quote(line, n, q, sizeof(q)));
		}
	}
}

/* ---- entry point -------------------------------------------------------- */

int parse_bpftool_maps(const char *buf, size_t len, struct bpftool_maps *ret,
		       struct parse_diag *diag)
{
	struct strbuf fixed = STRBUF_INIT;
	struct json_state st = { .ret = ret, .diag = diag };
	struct kv_iter it;
	const char *line;
	size_t n, start = 0;
	bool json = false, plain = false;
	uint64_t id;
	char q[DIAG_QUOTE_MAX];
	int r = 0;

	if (!buf)
		len = 0;
	/*
	 * Find where the output starts: '{' or '[' (JSON) or "<id>: " (plain
	 * text); lines before that (a shell prompt in a pasted copy, a
	 * warning bpftool printed to stdout) are skipped.
	 */
	kv_iter_init(&it, buf, len, ' ');
	for (;;) {
		size_t pos = it.pos;

		if (!kv_next_raw(&it, &line, &n))
			break;
		if (!n)
			continue;
		if (line[0] == '{' || line[0] == '[') {
			json = true;
			start = (size_t)(line - buf);
			break;
		}
		if (plain_record(line, n, &id)) {
			plain = true;
			it.pos = pos;
			it.lineno--;
			break;
		}
		diag_add(diag, "line %u: not bpftool output: '%s', skipped",
			 it.lineno, diag_quote(line, n, q, sizeof(q)));
	}

	if (json) {
		if (json_fix_hex(buf, len, start, &fixed))
			parse_json_text(&st, fixed.buf, fixed.len, start);
		else
			parse_json_text(&st, buf, len, start);
	} else if (plain) {
		parse_plain(ret, &it, diag);
	}

	if (ret->n || ret->error)
		r = 0;
	else if (st.others) {
		diag_add(diag, "not a map listing: %zu object%s without 'bytes_key' (a 'bpftool prog' or 'link' listing?)",
			 st.others, st.others == 1 ? "" : "s");
		r = -EINVAL;
	} else if (json && !st.broken) {
		r = 0;          /* "[]": no maps loaded */
	} else {
		if (!json && !plain)
			diag_add(diag, it.nonblank ? "no bpftool output found" :
						     "empty file");
		r = -EINVAL;
	}
	strbuf_release(&fixed);
	return r;
}

void bpftool_maps_free(struct bpftool_maps *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		struct bpftool_map *x = &m->v[i];

		free(x->type);
		free(x->name);
		free(x->loaded_at);
		for (j = 0; j < x->npids; j++)
			free(x->pids[j].comm);
		free(x->pids);
	}
	free(m->v);
	free(m->error);
	memset(m, 0, sizeof(*m));
}
