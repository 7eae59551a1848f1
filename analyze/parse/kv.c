/* SPDX-License-Identifier: MIT */
/*
 * The shared core of the parsers: diag messages, the key/value line
 * splitter, checked numbers, extras and the generic table parser.
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/util.h"

#include "common/banned.h"

void diag_add(struct parse_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	if (d->count == 0) {
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	if (d->count < UINT32_MAX)
		d->count++;
}

const char *diag_text(const struct parse_diag *d, char *buf, size_t n)
{
	if (!d || d->count == 0)
		xsnprintf(buf, n, "%s", "");
	else if (d->count == 1)
		xsnprintf(buf, n, "%s", d->msg);
	else
		xsnprintf(buf, n, "%s (and %u more problem%s)", d->msg,
			  d->count - 1, d->count == 2 ? "" : "s");
	return buf;
}

const char *diag_quote(const char *s, size_t len, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (!n)
		return buf;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Room for one escape, "..." and the NUL. */
		if (o + 8 >= n || i >= 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c >= 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
	return buf;
}

void diag_num(struct parse_diag *d, unsigned lineno, enum num_err e,
	      const char *key, size_t klen, const char *val, size_t vlen)
{
	char qk[DIAG_QUOTE_MAX], qv[DIAG_QUOTE_MAX];

	if (!d)
		return;
	diag_quote(key, klen, qk, sizeof(qk));
	diag_quote(val, vlen, qv, sizeof(qv));
	switch (e) {
	case NUM_RANGE:
		diag_add(d, "line %u: number '%s' for '%s' is out of range",
			 lineno, qv, qk);
		break;
	case NUM_NEGATIVE:
		diag_add(d, "line %u: negative number '%s' for '%s'", lineno,
			 qv, qk);
		break;
	case NUM_OK:
	case NUM_INVALID:
	default:
		diag_add(d, "line %u: invalid number '%s' for '%s'", lineno,
			 qv, qk);
		break;
	}
}

/* ---- numbers ------------------------------------------------------------ */

static bool all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return len > 0;
}

enum num_err num_u64(const char *s, size_t len, uint64_t *ret)
{
	/* The usual number in one pass; only a failure looks again. */
	int r = parse_u64(s, len, ret);

	if (r == 0)
		return NUM_OK;
	if (len > 1 && s[0] == '-' && all_digits(s + 1, len - 1))
		return NUM_NEGATIVE;
	/* "99999999999999999999x" is not a number before it is too big. */
	return r == -ERANGE && all_digits(s, len) ? NUM_RANGE : NUM_INVALID;
}

enum num_err num_u64_kb(const char *s, size_t len, uint64_t *ret)
{
	return num_u64_unit(s, len, ret, NULL);
}

enum num_err num_u64_unit(const char *s, size_t len, uint64_t *ret,
			  bool *ret_kb)
{
	enum num_err e;
	bool kb = false;
	uint64_t v;

	/*
	 * The kernel prints sizes as "%8lu kB" (seq_put_decimal_ull_width()
	 * with " kB"), kB meaning KiB.  Documentation/filesystems/proc.rst's
	 * status example has "VmPTE: 20 kb": accept any case of "kb", the
	 * meaning is not in doubt.
	 */
	if (len >= 2 && (s[len - 2] == 'k' || s[len - 2] == 'K') &&
	    (s[len - 1] == 'B' || s[len - 1] == 'b')) {
		kb = true;
		len -= 2;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
	}
	e = num_u64(s, len, &v);
	if (e != NUM_OK)
		return e;
	if (ret_kb)
		*ret_kb = kb;
	if (kb) {
		if (v > UINT64_MAX / 1024)
			return NUM_RANGE;
		v *= 1024;
	}
	*ret = v;
	return NUM_OK;
}

enum num_err num_hex(const char *s, size_t len, uint64_t *ret)
{
	int r;

	if (len > 1 && s[0] == '-')
		return NUM_NEGATIVE;
	/* "%#x" prints 0 as "0" and everything else with "0x". */
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	while (len > 16 && s[0] == '0') {
		s++;
		len--;
	}
	r = parse_hex_u64(s, len, ret);
	return r == 0 ? NUM_OK : r == -ERANGE ? NUM_RANGE : NUM_INVALID;
}

enum num_err num_oct(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (len > 1 && s[0] == '-')
		return NUM_NEGATIVE;
	if (!len)
		return NUM_INVALID;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '7')
			return NUM_INVALID;
		if (v > UINT64_MAX >> 3)
			return NUM_RANGE;
		v = v << 3 | (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return NUM_OK;
}

/* ---- line splitting ----------------------------------------------------- */

void kv_iter_init(struct kv_iter *it, const char *buf, size_t len, char sep)
{
	it->buf = buf ? buf : "";
	it->len = buf ? len : 0;
	it->pos = 0;
	it->lineno = 0;
	it->nonblank = 0;
	it->sep = sep;
	it->raw_key = NULL;
}

bool kv_next_token(const char **p, const char *end, const char **ret, size_t *ret_len)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end)
		return false;
	*ret = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*ret_len = (size_t)(s - *ret);
	*p = s;
	return true;
}

/*
 * The checks below look at eight bytes at a time (the bit tricks of Sean
 * Anderson's "Bit Twiddling Hacks"): every byte of every line passes
 * through them, and status's Mems_allowed alone is 288 bytes a process.
 * Byte by byte they were a quarter of the splitter's instructions
 * (callgrind, a 1,400-process capture).
 */
#define BYTES(b) (0x0101010101010101ull * (uint64_t)(b))

/* Is any byte of w below b (b <= 0x80)?  Exact as a truth value. */
static inline bool any_below(uint64_t w, unsigned b)
{
	return (w - BYTES(b)) & ~w & BYTES(0x80);
}

static inline uint64_t word_at(const char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return w;
}

/*
 * trim_span(), with the usual cases inline: no blank at either end, or
 * spaces and tabs before a value ("VmRSS:\t   10148 kB", smaps_rollup's
 * "Rss:                1116 kB", eight spaces at a time).  Three calls a
 * line were a tenth of the splitter's instructions (callgrind).
 */
static inline void trim_quick(const char **s, size_t *n)
{
	const char *p = *s;
	size_t l = *n;

	while (l >= 8 && word_at(p) == BYTES(' ')) {
		p += 8;
		l -= 8;
	}
	while (l && (*p == ' ' || *p == '\t')) {
		p++;
		l--;
	}
	if (l && ((unsigned char)p[0] <= ' ' || (unsigned char)p[l - 1] <= ' '))
		trim_span(&p, &l);
	*s = p;
	*n = l;
}

bool kv_next_raw(struct kv_iter *it, const char **ret_line, size_t *ret_len)
{
	const char *line;
	size_t n;

	if (!next_line(it->buf, it->len, &it->pos, &line, &n))
		return false;
	it->lineno++;
	/* Trims CRLF's CR too: files pasted through Windows tools have them. */
	trim_quick(&line, &n);
	if (n)
		it->nonblank++;
	*ret_line = line;
	*ret_len = n;
	return true;
}

/* Printable ASCII, not a blank: 0x21..0x7e. */
static bool key_byte_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static bool key_word_ok(uint64_t w)
{
	return !any_below(w, 0x21) && !(w & BYTES(0x80)) &&
	       !any_below(w ^ BYTES(0x7f), 1);
}

static bool key_ok(const char *k, size_t n)
{
	size_t i;

	if (n < 8) {
		for (i = 0; i < n; i++)
			if (!key_byte_ok((unsigned char)k[i]))
				return false;
		return true;
	}
	/* The last word may overlap the one before it. */
	for (i = 0; i + 8 < n; i += 8)
		if (!key_word_ok(word_at(k + i)))
			return false;
	return key_word_ok(word_at(k + n - 8));
}

/* Not a control byte (tab is one that is allowed) and not DEL. */
static bool value_byte_ok(unsigned char c)
{
	return (c >= 0x20 || c == '\t') && c != 0x7f;
}

/* 0x80 in each byte of w that is 0, 0 in the others (exact). */
static inline uint64_t zero_bytes(uint64_t w)
{
	return ~(((w & BYTES(0x7f)) + BYTES(0x7f)) | w) & BYTES(0x80);
}

static bool value_word_ok(uint64_t w)
{
	/* Tabs (0x09) become 0x29, fine like every byte from 0x20 on. */
	w |= zero_bytes(w ^ BYTES('\t')) >> 2;
	return !any_below(w, 0x20) && !any_below(w ^ BYTES(0x7f), 1);
}

/*
 * No byte of v[0..n) that value_byte_ok() refuses.  A short value is
 * checked as the last word of its line (which starts at from): the bytes
 * before it, the key, the separator and blanks, pass too; if the word does
 * not, the value's own bytes decide.
 */
static bool value_ok(const char *from, const char *v, size_t n)
{
	size_t i;

	if (n >= 8) {
		/* The last word may overlap the one before it. */
		for (i = 0; i + 8 < n; i += 8)
			if (!value_word_ok(word_at(v + i)))
				return false;
		return value_word_ok(word_at(v + n - 8));
	}
	if ((size_t)(v - from) + n >= 8 && value_word_ok(word_at(v + n - 8)))
		return true;
	for (i = 0; i < n; i++)
		if (!value_byte_ok((unsigned char)v[i]))
			return false;
	return true;
}

/* s[0..n) is the C string z (NULL: none); mostly not, at the first byte. */
static bool span_is(const char *s, size_t n, const char *z)
{
	return z && n && s[0] == z[0] && strlen(z) == n && !memcmp(s, z, n);
}

/* The first space or tab in s[0..n), or NULL. */
static const char *find_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t')
			return s + i;
	return NULL;
}

static bool kv_split_raw(const char *line, size_t n, char sep, unsigned lineno,
			 const char *raw_key, struct kv_line *ret,
			 struct parse_diag *diag)
{
	char q[DIAG_QUOTE_MAX];
	const char *k, *v, *at;
	size_t kl, vl;

	if (sep == ':')
		at = memchr(line, ':', n);
	else
		at = find_blank(line, n);
	if (!at) {
		diag_add(diag, sep == ':' ? "line %u: no ':' in '%s', skipped" :
					    "line %u: no value for '%s', skipped",
			 lineno, diag_quote(line, n, q, sizeof(q)));
		return false;
	}
	k = line;
	kl = (size_t)(at - line);
	v = at + 1;
	vl = n - kl - 1;
	trim_quick(&k, &kl);
	trim_quick(&v, &vl);
	if (!kl || kl > KV_KEY_MAX || !key_ok(k, kl)) {
		diag_add(diag, "line %u: not a key and value: '%s', skipped",
			 lineno, diag_quote(line, n, q, sizeof(q)));
		return false;
	}
	if (vl > KV_VALUE_MAX) {
		diag_add(diag, "line %u: value of '%s' is %zu bytes long, skipped",
			 lineno, diag_quote(k, kl, q, sizeof(q)), vl);
		return false;
	}
	if (span_is(k, kl, raw_key)) {
		/*
		 * A C string cannot hold a NUL and the kernel's comm never does
		 * (proc_task_name() prints a C string): a NUL means a corrupt
		 * copy, and cutting there would show another name.
		 */
		if (memchr(v, '\0', vl)) {
			diag_add(diag, "line %u: value of '%s' has a NUL byte, skipped",
				 lineno, diag_quote(k, kl, q, sizeof(q)));
			return false;
		}
	} else if (!value_ok(line, v, vl)) {
		diag_add(diag, "line %u: value of '%s' has a control byte, skipped",
			 lineno, diag_quote(k, kl, q, sizeof(q)));
		return false;
	}
	ret->key = k;
	ret->klen = kl;
	ret->val = v;
	ret->vlen = vl;
	ret->lineno = lineno;
	return true;
}

bool kv_split(const char *line, size_t n, char sep, unsigned lineno,
	      struct kv_line *ret, struct parse_diag *diag)
{
	return kv_split_raw(line, n, sep, lineno, NULL, ret, diag);
}

bool kv_next(struct kv_iter *it, struct kv_line *ret, struct parse_diag *diag)
{
	const char *line;
	size_t n;

	while (kv_next_raw(it, &line, &n))
		if (n && kv_split_raw(line, n, it->sep, it->lineno, it->raw_key,
				      ret, diag))
			return true;
	return false;
}

/* ---- keyset ------------------------------------------------------------- */

void keyset_init(struct keyset *ks)
{
	hashmap_init(&ks->map, ks->inline_map, KEYSET_INLINE);
	ks->key = ks->inline_key;
	ks->alloc = ARRAY_SIZE(ks->inline_key);
}

void keyset_release(struct keyset *ks)
{
	hashmap_release(&ks->map);
	if (ks->key != ks->inline_key)
		free(ks->key);
	ks->key = NULL;
	ks->alloc = 0;
}

/* Is key[0..klen), of hash h, there?  If not, p is where it goes. */
static inline bool keyset_find(const struct keyset *ks, const char *key,
			       size_t klen, uint64_t h, struct hashmap_probe *p)
{
	size_t i;

	*p = hashmap_probe(&ks->map, h);
	while (hashmap_next(&ks->map, p, &i))
		if (ks->key[i].n == klen && !memcmp(ks->key[i].s, key, klen))
			return true;
	return false;
}

bool keyset_has(const struct keyset *ks, const char *key, size_t klen)
{
	struct hashmap_probe p;

	return keyset_find(ks, key, klen, fnv1a(key, klen), &p);
}

bool keyset_add(struct keyset *ks, const char *key, size_t klen)
{
	struct hashmap_probe p;
	size_t n = ks->map.n;

	if (keyset_find(ks, key, klen, fnv1a(key, klen), &p))
		return false;
	if (n == ks->alloc) {
		struct keyset_key *k = xmalloc(2 * n * sizeof(*k));

		memcpy(k, ks->key, n * sizeof(*k));
		if (ks->key != ks->inline_key)
			free(ks->key);
		ks->key = k;
		ks->alloc = 2 * n;
	}
	ks->key[hashmap_put(&ks->map, &p)] = (struct keyset_key){ key, klen };
	return true;
}

/* ---- extras ------------------------------------------------------------- */

/*
 * The strings of the extras (and a kv_list's keys), packed into blocks: a
 * process's status has ~35 keys without a column, and one allocation each
 * was a tenth of the reader's time in `memsnap load` of many captures
 * (callgrind): str_blocks_* of KV_BLOCK bytes.
 */

void kv_extras_add(struct kv_extras *x, const char *key, size_t klen,
		   const char *val, size_t vlen)
{
	struct kv_extra *e;
	char *p;

	/* Both strings in one piece: value points into key's. */
	p = str_blocks_alloc(&x->blocks, klen + vlen + 2, KV_BLOCK);
	memcpy(p, key, klen);
	p[klen] = '\0';
	memcpy(p + klen + 1, val, vlen);
	p[klen + 1 + vlen] = '\0';
	ALLOC_GROW(x->v, x->n + 1, x->alloc);
	e = &x->v[x->n++];
	e->key = p;
	e->value = p + klen + 1;
}

void kv_extras_free(struct kv_extras *x)
{
	if (!x)
		return;
	str_blocks_free(&x->blocks);
	free(x->v);
	x->v = NULL;
	x->n = x->alloc = 0;
}

/* ---- the table parser --------------------------------------------------- */

/*
 * key[0..klen) against the C string fkey, as memcmp() then the lengths
 * would order them.  A byte at a time: the two differ within a byte or two
 * on most lines, and a strlen() and a memcmp() call per step of the table's
 * search were 17 M instructions of a 1,000-process capture (callgrind).
 */
static int field_cmp(const char *key, size_t klen, const char *fkey)
{
	size_t i;

	for (i = 0; i < klen && fkey[i]; i++)
		if (key[i] != fkey[i])
			return (unsigned char)key[i] < (unsigned char)fkey[i] ? -1 : 1;
	return i < klen ? 1 : fkey[i] ? -1 : 0;
}

static bool fields_sorted(const struct kv_field *f, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(f[i - 1].key, f[i].key) >= 0)
			return false;
	return true;
}

static const struct kv_field *field_find(const struct kv_field *f, size_t n,
					 bool sorted, const char *key,
					 size_t klen)
{
	size_t lo = 0, hi = n, i;

	if (!sorted) {
		for (i = 0; i < n; i++)
			if (!field_cmp(key, klen, f[i].key))
				return &f[i];
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = field_cmp(key, klen, f[mid].key);

		if (!c)
			return &f[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * The index: open addressing over KV_INDEX_SLOTS buckets chosen by a key's
 * length and first and last bytes, which set the keys of every table apart
 * (or nearly: the next slot then), and cost a few instructions where
 * hashing every byte, or the bsearch's string compares, cost a hundred a
 * line (callgrind, status and smaps_rollup).
 */
#define KV_INDEX_SLOTS 256
#define KV_INDEX_MAX (KV_INDEX_SLOTS / 2)

struct kv_index {
	unsigned char klen[KV_INDEX_MAX];        /* strlen() of each key */
	unsigned char slot[KV_INDEX_SLOTS];      /* field + 1; 0: empty */
};

static size_t index_bucket(const char *key, size_t klen)
{
	return (klen * 61 + (unsigned char)key[0] * 31 +
		(unsigned char)key[klen - 1]) & (KV_INDEX_SLOTS - 1);
}

static const struct kv_field *index_find(const struct kv_index *x,
					 const struct kv_field *f,
					 const char *key, size_t klen)
{
	size_t i = index_bucket(key, klen);

	for (; x->slot[i]; i = (i + 1) & (KV_INDEX_SLOTS - 1)) {
		size_t j = x->slot[i] - 1u;

		if (x->klen[j] == klen && !memcmp(f[j].key, key, klen))
			return &f[j];
	}
	return NULL;
}

/* NULL for a table it cannot index (too many keys, or too long): searched. */
static struct kv_index *index_new(const struct kv_field *f, size_t n)
{
	struct kv_index *x;
	size_t j, i;

	if (n > KV_INDEX_MAX)
		return NULL;
	for (j = 0; j < n; j++) {
		size_t l = strlen(f[j].key);

		if (!l || l > KV_KEY_MAX)
			return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	for (j = 0; j < n; j++) {
		x->klen[j] = (unsigned char)strlen(f[j].key);
		for (i = index_bucket(f[j].key, x->klen[j]); x->slot[i];
		     i = (i + 1) & (KV_INDEX_SLOTS - 1))
			;
		x->slot[i] = (unsigned char)(j + 1);
	}
	return x;
}

static const struct kv_index *index_get(kv_index_ptr *p,
					const struct kv_field *f, size_t n)
{
	struct kv_index *x = atomic_load_explicit(p, memory_order_acquire);
	struct kv_index *none = NULL;

	if (x)
		return x;
	x = index_new(f, n);
	if (x && !atomic_compare_exchange_strong_explicit(p, &none, x,
							  memory_order_acq_rel,
							  memory_order_acquire)) {
		free(x);
		x = none;
	}
	return x;
}

/* The field of key[0..klen), through the index x if there is one. */
static const struct kv_field *table_find(const struct kv_index *x,
					 const struct kv_field *f, size_t n,
					 bool sorted, const char *key,
					 size_t klen)
{
	return x ? index_find(x, f, key, klen) :
		   field_find(f, n, sorted, key, klen);
}

/* `start-end perms ...`: the line smaps prints before each mapping. */
static bool is_vma_header(const char *s, size_t n)
{
	size_t i = 0, dash;

	while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
		i++;
	if (!i || i >= n || s[i] != '-')
		return false;
	dash = ++i;
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
		i++;
	return i > dash && i < n && (s[i] == ' ' || s[i] == '\t');
}

int kv_table_parse_opts(const char *buf, size_t len,
			const struct kv_table_opts *o,
			const struct kv_field *fields, size_t nfields,
			void *base, struct kv_extras *extra,
			struct parse_diag *diag)
{
	uint64_t seen_inline[4] = { 0 }, *seen = seen_inline;
	struct keyset ks;
	struct kv_iter it;
	struct kv_line l;
	const struct kv_index *x = o->index ?
				   index_get(o->index, fields, nfields) : NULL;
	bool sorted = x || fields_sorted(fields, nfields);
	size_t known = 0, range = 0, added = 0, i;
	char q[DIAG_QUOTE_MAX], q2[DIAG_QUOTE_MAX];
	int r = 0;

	keyset_init(&ks);
	if (nfields > 64 * ARRAY_SIZE(seen_inline))
		seen = xcalloc((nfields + 63) / 64, sizeof(*seen));
	if (extra)
		for (i = 0; i < extra->n; i++) {
			const char *k = extra->v[i].key;
			const struct kv_field *f = table_find(x, fields, nfields,
							      sorted, k, strlen(k));

			if (f && (f->flags & KV_FIELD_TEXT))
				seen[(size_t)(f - fields) / 64] |=
					1ull << ((size_t)(f - fields) % 64);
			else
				keyset_add(&ks, k, strlen(k));
		}

	kv_iter_init(&it, buf, len, o->sep);
	it.raw_key = o->raw_key;
	if (o->vma_header) {
		const char *line;
		size_t n;
		size_t pos;

		/* Peek at the first non-blank line without consuming others. */
		while (pos = it.pos, kv_next_raw(&it, &line, &n)) {
			if (!n)
				continue;
			if (!is_vma_header(line, n)) {
				it.pos = pos;
				it.lineno--;
			}
			break;
		}
	}
	while (kv_next(&it, &l, diag)) {
		const struct kv_field *f;
		enum num_err e;
		uint64_t v;
		bool kb;

		f = table_find(x, fields, nfields, sorted, l.key, l.klen);
		if (!f && o->hook) {
			enum kv_hook_result h = o->hook(o->ctx, &l, diag);

			if (h == KV_HOOK_OK)
				known++;
			else if (h == KV_HOOK_RANGE)
				range++;
			if (h != KV_HOOK_PASS)
				continue;
		}
		if (f) {
			size_t idx = (size_t)(f - fields);
			struct kv_u64 *kv = (void *)((char *)base + f->offset);

			if (seen[idx / 64] & (1ull << (idx % 64))) {
				diag_add(diag, "line %u: duplicate key '%s' ignored (the first one counts)",
					 l.lineno, diag_quote(l.key, l.klen, q, sizeof(q)));
				continue;
			}
			seen[idx / 64] |= 1ull << (idx % 64);
			if (f->flags & KV_FIELD_TEXT) {
				if (extra && !o->drop_extra)
					kv_extras_add(extra, l.key, l.klen,
						      l.val, l.vlen);
				added++;
				continue;
			}
			kb = false;
			e = o->allow_kb ? num_u64_unit(l.val, l.vlen, &v, &kb) :
					  num_u64(l.val, l.vlen, &v);
			if (e == NUM_OK && o->strict_units &&
			    kb != !!(f->flags & KV_FIELD_KB)) {
				diag_add(diag, kb ?
					 "line %u: unexpected unit in '%s' for '%s'" :
					 "line %u: no 'kB' in '%s' for '%s' (truncated?)",
					 l.lineno, diag_quote(l.val, l.vlen, q, sizeof(q)),
					 diag_quote(l.key, l.klen, q2, sizeof(q2)));
				continue;
			}
			if (e == NUM_OK) {
				kv->v = v;
				kv->set = true;
				known++;
			} else {
				diag_num(diag, l.lineno, e, l.key, l.klen, l.val, l.vlen);
				if (e != NUM_INVALID)
					range++;
			}
			continue;
		}
		if (!extra) {
			diag_add(diag, "line %u: unknown key '%s' ignored", l.lineno,
				 diag_quote(l.key, l.klen, q, sizeof(q)));
			continue;
		}
		if (!keyset_add(&ks, l.key, l.klen)) {
			diag_add(diag, "line %u: duplicate key '%s' ignored (the first one counts)",
				 l.lineno, diag_quote(l.key, l.klen, q, sizeof(q)));
			continue;
		}
		if (!o->drop_extra)
			kv_extras_add(extra, l.key, l.klen, l.val, l.vlen);
		added++;
	}

	if (known || (!nfields && !o->hook && added))
		r = 0;
	else if (range)
		r = -ERANGE;
	else {
		r = -EINVAL;
		if (!it.nonblank)
			diag_add(diag, "empty file");
		else
			diag_add(diag, "no known key found");
	}
	if (seen != seen_inline)
		free(seen);
	keyset_release(&ks);
	return r;
}

int kv_table_parse(const char *buf, size_t len, char sep,
		   const struct kv_field *fields, size_t nfields, void *base,
		   struct kv_extras *extra, struct parse_diag *diag)
{
	struct kv_table_opts o = { .sep = sep, .allow_kb = true };

	return kv_table_parse_opts(buf, len, &o, fields, nfields, base, extra,
				   diag);
}
