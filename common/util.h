/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_UTIL_H
#define MEMSNAP_UTIL_H
/*
 * The small utility layer shared by the collector and the analyzer (common/,
 * linked into both as libcommon.a).  The collector is a static binary that
 * must not pull in anything the analyzer links (sqlite, jansson): everything
 * here depends on libc alone.
 *
 * Contracts:
 *  - Nothing here prints except the message helpers (error(), warning(),
 *    die()), which only the command layer calls.
 *  - Functions that can fail return 0 or a negative errno.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN __attribute__((noreturn))
#else
#define ATTR_PRINTF(f, a)
#define ATTR_NORETURN
#endif

/* ---- messages (command layer only) ------------------------------------ */

/* The program name used as the prefix of die() messages, set by main(). */
extern const char *progname;

/* "error: ..." on stderr; returns -1 so callers can `return error(...)`. */
int error(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* "warning: ..." on stderr. */
void warning(const char *fmt, ...) ATTR_PRINTF(1, 2);

struct option;
/*
 * getopt_long() that says what it refuses git's way, with error():
 * "unknown option '--bogus'", "option '-o' needs a value", "option
 * '--help' takes no value", "ambiguous option '--max'".  getopt's own
 * messages began with argv[0] ("load: unrecognized option", or the
 * collector's full path).  Returns what getopt_long() returns, '?' for
 * every refusal.
 */
int getopt_said(int argc, char *const argv[], const char *optstring,
		const struct option *longopts);
/* "fatal: ..." on stderr and exit(code). */
void die(int code, const char *fmt, ...) ATTR_PRINTF(2, 3) ATTR_NORETURN;

/* ---- allocation ------------------------------------------------------- */

/* malloc/realloc/strdup that die with a message on exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grow *arr (of *alloc elements of `size` bytes) to hold at least `nr`. */
void *xgrow(void *arr, size_t nr, size_t *alloc, size_t size);
#define ALLOC_GROW(arr, nr, alloc) \
	((arr) = xgrow((arr), (nr), &(alloc), sizeof(*(arr))))

/*
 * Many small strings packed into blocks of at least `size` bytes (one
 * allocation a block, not a string), freed together: *blocks starts NULL.
 */
struct str_block;
/* n bytes in the newest block (a new one when they do not fit). */
char *str_blocks_alloc(struct str_block **blocks, size_t n, size_t size);
/* A copy of s[0..n) with a NUL. */
char *str_blocks_dup(struct str_block **blocks, const char *s, size_t n, size_t size);
/* Every string gone: the newest block kept, empty, for the next ones. */
void str_blocks_reset(struct str_block **blocks);
void str_blocks_free(struct str_block **blocks);

/* ---- checked number parsing ------------------------------------------- */

/*
 * Parse the whole of s[0..len) as an unsigned decimal number.  No sign, no
 * white space, no trailing characters.  Returns 0, -EINVAL (not a number)
 * or -ERANGE (does not fit in 64 bits).
 */
int parse_u64(const char *s, size_t len, uint64_t *ret);
/* As parse_u64, with an optional leading '-'. */
int parse_i64(const char *s, size_t len, int64_t *ret);
/* A decimal number with an optional fraction ("12.34"), as a double. */
int parse_double(const char *s, size_t len, double *ret);
/* Hex without 0x (as in /proc status masks), up to 16 digits. */
int parse_hex_u64(const char *s, size_t len, uint64_t *ret);

/* ---- strings ---------------------------------------------------------- */

/* A growable, NUL-terminated byte buffer (git's strbuf, minus the magic). */
struct strbuf {
	char *buf;   /* always NUL-terminated once initialised; never NULL */
	size_t len;
	size_t alloc;
};
#define STRBUF_INIT { .buf = strbuf_empty, .len = 0, .alloc = 0 }
extern char strbuf_empty[];

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
/* Cut sb to len bytes (len <= sb->len). */
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
/* v in decimal (printf's "%" PRIu64 without printf: a tenth of the cost). */
void strbuf_add_u64(struct strbuf *sb, uint64_t v);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) ATTR_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Detach the buffer: the caller owns and frees it; sb is reset. */
char *strbuf_detach(struct strbuf *sb, size_t *ret_len);

/*
 * For functions that report errors through `char **ret_err`: replace
 * *ret_err (freeing the old one) with a formatted message; no-op when
 * ret_err is NULL.
 */
void err_set(char **ret_err, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* Bounded formatting that always NUL-terminates; returns the would-be length. */
int xsnprintf(char *dst, size_t n, const char *fmt, ...) ATTR_PRINTF(3, 4);
/* Bounded copy that always NUL-terminates (strlcpy semantics). */
size_t strlcpy_s(char *dst, const char *src, size_t n);

bool starts_with(const char *s, const char *prefix);
bool ends_with(const char *s, const char *suffix);
/* Like starts_with over a (ptr,len) region. */
bool mem_starts_with(const char *s, size_t len, const char *prefix);
/* Is the (ptr,len) region s[0..len) the string str, whole? */
bool mem_is(const char *s, size_t len, const char *str);
/* Find needle in s[0..len). */
const char *memmem_str(const char *s, size_t len, const char *needle);
/* The same, ASCII case-insensitive; needle must be lower case. */
const char *memmem_ci(const char *s, size_t len, const char *needle);

/* One line of buf: [*pos, eol) without the '\n'; advances *pos. */
bool next_line(const char *buf, size_t len, size_t *pos,
	       const char **ret_line, size_t *ret_len);
/* Trim ASCII white space (space, tab, CR, LF, VT, FF) from both ends. */
void trim_span(const char **s, size_t *len);

/* ---- ordering ----------------------------------------------------------- */

/* -1, 0 or 1 as a is below, equal to or above b (numbers of one type). */
#define CMP(a, b) (((a) > (b)) - ((a) < (b)))
/* qsort()/bsearch() comparators of arrays of plain values, ascending. */
int cmp_u32(const void *a, const void *b);
int cmp_u64(const void *a, const void *b);
int cmp_i64(const void *a, const void *b);
/* Of an array of C strings (char *): strcmp() order. */
int cmp_str(const void *a, const void *b);
/* Bytes in SQLite's BINARY order: memcmp() of the common part, then length. */
int mem_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* ---- JSON writer -------------------------------------------------------- */

/*
 * A streaming JSON writer into a strbuf (after bpftool's json_writer).  It
 * keeps the comma/nesting state; strings are escaped here and nowhere else.
 * Invalid UTF-8 is written as U+FFFD so the output is always valid JSON.
 *
 * Hand-written in place of jansson (which the analyzer links) for the
 * static collector: jansson linked statically adds 12.1 KiB to a stripped
 * static program writing the same document, and a static libjansson to
 * the collector's build; this writer is 4.3 KiB of code (measured
 * 2026-12-04, gcc 12 -O2, Debian 12's libjansson.a 2.14).  Kept valid and
 * equal in meaning by tests/unit/test_common_json.c, which reads every
 * output back with jansson.
 */
struct jsonw {
	struct strbuf *out;
	int depth;
	bool pretty;
	bool need_comma[64];
	bool after_key;
};

void jsonw_init(struct jsonw *w, struct strbuf *out, bool pretty);
void jsonw_start_object(struct jsonw *w);
void jsonw_end_object(struct jsonw *w);
void jsonw_start_array(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);
void jsonw_name(struct jsonw *w, const char *name);
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_string_len(struct jsonw *w, const char *s, size_t len);
void jsonw_u64(struct jsonw *w, uint64_t v);
void jsonw_i64(struct jsonw *w, int64_t v);
/* A fixed-point number with `decimals` digits after the point. */
void jsonw_double(struct jsonw *w, double v, int decimals);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* A value already in JSON form (a number as text), written as is. */
void jsonw_raw(struct jsonw *w, const char *s, size_t len);
/* Shorthands for "name": value. */
void jsonw_kv_string(struct jsonw *w, const char *name, const char *s);
void jsonw_kv_u64(struct jsonw *w, const char *name, uint64_t v);
void jsonw_kv_i64(struct jsonw *w, const char *name, int64_t v);
void jsonw_kv_bool(struct jsonw *w, const char *name, bool v);
/*
 * The valid UTF-8 sequence at s: its length (1..4) and code point, or 0
 * when s does not start one (overlongs, surrogates, > U+10FFFF, cut short).
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *ret_cp);
/*
 * Is this a code point a terminal acts on or hides (C0 and C1 controls, DEL,
 * bidi overrides, U+2028/9)?  Shown escaped by term_escape() and quoted
 * with printf by sh_quote() (common/shquote.h).
 */
bool cp_is_control(uint32_t cp);
/* Append s as a JSON string literal (with quotes) to sb. */
void json_escape(struct strbuf *sb, const char *s, size_t len);
/*
 * The same for JSON that only SQLite reads back (json_each): bytes from
 * 0x80 up are kept as they are, valid UTF-8 or not, where json_escape()
 * makes an invalid sequence U+FFFD.  SQLite returns them unchanged, so
 * an archive path or a key keeps its exact bytes.
 */
void json_escape_bytes(struct strbuf *sb, const char *s, size_t len);

/* ---- files ------------------------------------------------------------ */

/*
 * Read a kernfs-style file (st_size is 0 or a lie) until EOF into sb, at most
 * `max` bytes.  Returns 0, a negative errno, or -EFBIG when the file is longer
 * than max (sb then holds the first max bytes).
 */
int read_fd_all(int fd, struct strbuf *sb, size_t max);
/* fdopendir(fd), closing fd when that fails; NULL with errno as it was
 * when fd < 0 (left by the openat() or dup() that made it). */
DIR *fdopendir_or_close(int fd);
int read_file_at(int dirfd, const char *path, struct strbuf *sb, size_t max);

/* Write all of buf to fd, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* The same at offset off (pwrite(2)), the file offset left where it was. */
int pwrite_all(int fd, const void *buf, size_t len, off_t off);

/*
 * What stdio still holds for standard output written: 0, or -1 said
 * ("cannot write to 'standard output': No space left on device") when a
 * full disk or a closed descriptor lost it at exit unseen.  A reader that
 * left (EPIPE) is the end of the output, not an error.
 */
int flush_stdout(void);

/*
 * SIGINT, SIGTERM and SIGHUP, the signals that ask a program to stop, to
 * handler (sa_flags `flags`, SA_RESETHAND for a second one to end it).
 */
void catch_stop_signals(void (*handler)(int), int flags);
/*
 * The same, but a stop signal ignored now stays ignored: nohup's SIGHUP, a
 * script's background job's SIGINT (the shell ignores it there), which a
 * program that does not catch them also ignores (memsnap export).
 */
void catch_stop_signals_unless_ignored(void (*handler)(int), int flags);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(clockid_t clk);

/*
 * The one size formatter: "512 B", "1.5 MiB" (powers of 1024, one decimal
 * from KiB on) into buf.  The signed one writes "-1.5 MiB" for a negative
 * size.  SQL has it too, as human_bytes(N) (analyze/db/db.c).
 */
const char *human_bytes(uint64_t bytes, char *buf, size_t n);
const char *human_bytes_signed(int64_t bytes, char *buf, size_t n);

/*
 * A size given on the command line: a number with an optional K, M, G, T
 * suffix (powers of 1024; "KiB" and "kB" spellings accepted too).
 */
int parse_size_arg(const char *s, uint64_t *ret);
/*
 * A duration option "500ms", "2s", "1m", "1h" (a number and one unit; a bare
 * number is refused: the unit must be said) into milliseconds.  Returns 0,
 * -EINVAL (not that shape) or -ERANGE (overflows); *ret untouched on error.
 */
int parse_duration_ms(const char *s, size_t len, uint64_t *ret);

#endif
