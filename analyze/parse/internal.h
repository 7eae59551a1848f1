/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_PARSE_INTERNAL_H
#define MEMSNAP_PARSE_INTERNAL_H
/*
 * What the parse_*.c files share and nobody else needs: the line splitter
 * behind every `key<sep>value` format, checked number conversion with the
 * diag message that goes with each failure, and a small hash index that
 * makes "first occurrence of a key wins" linear instead of quadratic.
 *
 * Policies every parser follows (and the tests check):
 *  - duplicate keys: the FIRST occurrence wins, each later one is skipped
 *    with a diag message.  A kernel never prints a key twice; a file that
 *    does was concatenated or corrupted, and its first part is the one the
 *    kernel wrote first.
 *  - a key may hold any printable ASCII except white space (and the
 *    separator); a line whose key has a control byte, a NUL or a byte >= 0x80
 *    is skipped with a diag message.  Values may hold bytes >= 0x80 and tabs,
 *    but no other control byte and no NUL, except the value of the one
 *    raw_key of a kv_iter (status's Name:), which may hold any byte but
 *    NUL: it is a name a program chose, kept as it is for the report to show
 *    escaped.
 *  - keys longer than KV_KEY_MAX and values longer than KV_VALUE_MAX are
 *    skipped with a diag message, so a 50 MB line costs one memchr().
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/parse/parse.h"
#include "common/hashmap.h"

#define KV_KEY_MAX 255
#define KV_VALUE_MAX 65535

/* One `key<sep>value` line, both trimmed; not NUL-terminated. */
struct kv_line {
	const char *key, *val;
	size_t klen, vlen;
	unsigned lineno;        /* 1-based, counting every line of the file */
};

/* Walks a buffer line by line (see kv_next()). */
struct kv_iter {
	const char *buf;
	size_t len, pos;
	unsigned lineno;
	unsigned nonblank;      /* non-blank lines kv_next() has seen */
	char sep;               /* ':' or ' ' (' ' also splits on a tab) */
	const char *raw_key;    /* NULL, or the key whose value may hold
				   control bytes (not NUL) */
};

void kv_iter_init(struct kv_iter *it, const char *buf, size_t len, char sep);
/*
 * The next line that splits into a valid key and a value.  Blank lines are
 * skipped silently; lines that do not split, or whose key or value breaks
 * the rules above, are skipped with a diag message.  Returns false at EOF.
 */
bool kv_next(struct kv_iter *it, struct kv_line *ret, struct parse_diag *diag);
/* Split one trimmed, non-blank line as kv_next() does. */
bool kv_split(const char *line, size_t n, char sep, unsigned lineno,
	      struct kv_line *ret, struct parse_diag *diag);
/* The raw next line (trimmed), for parsers with their own line shape. */
bool kv_next_raw(struct kv_iter *it, const char **ret_line, size_t *ret_len);
/* The next token of [*p, end) separated by spaces or tabs: its start in
 * *ret and length in *ret_len, *p moved past it.  False when none is left. */
bool kv_next_token(const char **p, const char *end, const char **ret, size_t *ret_len);

static inline bool diag_has(const struct parse_diag *d)
{
	return d && d->count;
}

/* Why a number did not convert. */
enum num_err {
	NUM_OK = 0,
	NUM_INVALID,            /* not a number */
	NUM_RANGE,              /* >= 2^64 (or overflows when scaled from kB) */
	NUM_NEGATIVE,           /* a '-' sign: no size or counter is negative */
};

/* s[0..len) as one decimal u64; "-5" gives NUM_NEGATIVE. */
enum num_err num_u64(const char *s, size_t len, uint64_t *ret);
/*
 * "<u64>" or "<u64> kB" (kB scaled to bytes; see the comment at the code);
 * *ret_kb (if non-NULL) says whether the unit was there.
 */
enum num_err num_u64_kb(const char *s, size_t len, uint64_t *ret);
enum num_err num_u64_unit(const char *s, size_t len, uint64_t *ret,
			  bool *ret_kb);
/* Hex with an optional 0x prefix, as printed by "%#x" / "%#llx". */
enum num_err num_hex(const char *s, size_t len, uint64_t *ret);
/* Octal, as the fdinfo "flags:" line prints (0%o). */
enum num_err num_oct(const char *s, size_t len, uint64_t *ret);

/*
 * Record a failed conversion: "line 3: invalid number 'x1' for 'MemTotal'",
 * "... number '184467440737095516160' for 'X' is out of range",
 * "... negative number '-5' for 'X'".
 */
void diag_num(struct parse_diag *d, unsigned lineno, enum num_err e,
	      const char *key, size_t klen, const char *val, size_t vlen);

/*
 * s[0..len) made safe to quote in a message: control and non-ASCII bytes as
 * \xNN, cut to about 40 characters with "...".  Returns buf.
 */
const char *diag_quote(const char *s, size_t len, char *buf, size_t n);
#define DIAG_QUOTE_MAX 200

/* The size of the blocks (str_blocks_*) of a kv_extras' or kv_list's strings. */
#define KV_BLOCK 4096

/*
 * The keys seen so far, so that "first occurrence wins" is O(1) a key:
 * spans, not copies (into the input, or into keys stored before the
 * parse), so each key must outlive the set; indexed by common/hashmap.h.
 * Up to KEYSET_INLINE/2 keys it lives on the stack; then on the heap.
 */
#define KEYSET_INLINE 128
struct keyset_key {
	const char *s;
	size_t n;
};

struct keyset {
	struct hashmap map;
	struct keyset_key *key;     /* the map's entries */
	size_t alloc;
	uint32_t inline_map[HASHMAP_BUF(KEYSET_INLINE)];
	struct keyset_key inline_key[KEYSET_INLINE / 2];
};

void keyset_init(struct keyset *ks);
void keyset_release(struct keyset *ks);
bool keyset_has(const struct keyset *ks, const char *key, size_t klen);
/* Add key[0..klen); false (and nothing added) when it is there already. */
bool keyset_add(struct keyset *ks, const char *key, size_t klen);

/*
 * The engine behind kv_table_parse() with hooks for the parsers whose
 * tables have a few keys that are not one number.
 */
enum kv_hook_result {
	KV_HOOK_PASS = 0,       /* not mine: go on with the table */
	KV_HOOK_OK,             /* handled, a known value was read */
	KV_HOOK_BAD,            /* handled, invalid (diag given) */
	KV_HOOK_RANGE,          /* handled, out of range (diag given) */
	KV_HOOK_DUP,            /* handled, a duplicate (diag given) */
};

/*
 * A table's index, made by the first parse that uses it (on any thread:
 * one that loses the race frees its copy) and kept until the program ends.
 * A parser's table gets one through a static variable of its own.
 */
struct kv_index;
typedef _Atomic(struct kv_index *) kv_index_ptr;

struct kv_table_opts {
	char sep;
	/* NULL, or where the table's index is kept: searched in O(1) then. */
	kv_index_ptr *index;
	/* The key whose value may hold control bytes (see kv_iter.raw_key). */
	const char *raw_key;
	/*
	 * Skip a `start-end perms offset dev inode [name]` first line, as
	 * smaps_rollup (and smaps) print before the counters.
	 */
	bool vma_header;
	/* Numbers are decimal with an optional " kB" (see num_u64_kb()). */
	bool allow_kb;
	/*
	 * Units must match the table: " kB" on KV_FIELD_KB fields (its absence
	 * means a truncated line), none on the others.
	 */
	bool strict_units;
	/*
	 * Keys not in the table (nor the hook's) are checked and their
	 * duplicates reported as ever, but not copied into extra: for callers
	 * that never store them.
	 */
	bool drop_extra;
	/*
	 * The hook sees the keys the table does not have; the keys it does
	 * not take (KV_HOOK_PASS) go to extra, or to diag.
	 */
	enum kv_hook_result (*hook)(void *ctx, const struct kv_line *l,
				    struct parse_diag *diag);
	void *ctx;
};

/*
 * memory.stat-like files into a kv_list: `key<sep>value` lines, each value
 * one u64 (with allow_kb, optionally " kB", scaled).  With meminfo, the
 * 2.4-era `total: used: free: ...` table (and its Mem:/Swap: rows) at the
 * top of old meminfo files is skipped with one diag message, and every key
 * but HugePages_* must carry " kB" (else: a truncated line, left out).
 */
int kv_list_parse_opts(const char *buf, size_t len, char sep, bool allow_kb,
		       bool meminfo, struct kv_list *ret,
		       struct parse_diag *diag);

int kv_table_parse_opts(const char *buf, size_t len,
			const struct kv_table_opts *o,
			const struct kv_field *fields, size_t nfields,
			void *base, struct kv_extras *extra,
			struct parse_diag *diag);

#endif
