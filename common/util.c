/* SPDX-License-Identifier: MIT */
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/banned.h"

const char *progname = "memsnap";
char strbuf_empty[1];

/* ---- messages ---------------------------------------------------------- */

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s%s\n", prefix, msg);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("fatal: ", fmt, ap);
	va_end(ap);
	exit(code);
}

/* ---- allocation -------------------------------------------------------- */

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(3, "out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die(3, "out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die(3, "out of memory allocating %zu bytes", n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

struct str_block {
	struct str_block *next;
	size_t used, size;
	char data[];
};

char *str_blocks_alloc(struct str_block **blocks, size_t n, size_t size)
{
	struct str_block *b = *blocks;
	char *p;

	if (!b || b->size - b->used < n) {
		size = MAX(size, n);
		b = xmalloc(sizeof(*b) + size);
		b->next = *blocks;
		b->used = 0;
		b->size = size;
		*blocks = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

char *str_blocks_dup(struct str_block **blocks, const char *s, size_t n, size_t size)
{
	char *p = str_blocks_alloc(blocks, n + 1, size);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void str_blocks_reset(struct str_block **blocks)
{
	struct str_block *b = *blocks;

	if (!b)
		return;
	str_blocks_free(&b->next);
	b->used = 0;
}

void str_blocks_free(struct str_block **blocks)
{
	struct str_block *b, *next;

	for (b = *blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	*blocks = NULL;
}

void *xgrow(void *arr, size_t nr, size_t *alloc, size_t size)
{
	size_t want;

	if (nr <= *alloc)
		return arr;
	want = *alloc < 8 ? 8 : *alloc + *alloc / 2;
	if (want < nr)
		want = nr;
	if (want > SIZE_MAX / size)
		die(3, "array of %zu elements is too large", want);
	*alloc = want;
	return xrealloc(arr, want * size);
}

/* ---- numbers ----------------------------------------------------------- */

int parse_u64(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		/* v * 10 + d > UINT64_MAX, without a division a digit */
		if (v >= UINT64_MAX / 10 &&
		    (v > UINT64_MAX / 10 || d > UINT64_MAX % 10))
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int parse_i64(const char *s, size_t len, int64_t *ret)
{
	bool neg = len && s[0] == '-';
	uint64_t u;
	int r;

	r = parse_u64(s + neg, len - neg, &u);
	if (r < 0)
		return r;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*ret = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > (uint64_t)INT64_MAX)
			return -ERANGE;
		*ret = (int64_t)u;
	}
	return 0;
}

int parse_double(const char *s, size_t len, double *ret)
{
	char tmp[64];
	char *end;
	double v;
	size_t i;

	if (!len || len >= sizeof(tmp))
		return -EINVAL;
	/* strtod accepts hex, inf, nan and white space: the kernel prints none. */
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      (i == 0 && s[i] == '-')))
			return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (errno || end != tmp + len || !isfinite(v))
		return -EINVAL;
	*ret = v;
	return 0;
}

int parse_hex_u64(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 16)
		return len ? -ERANGE : -EINVAL;
	for (i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*ret = v;
	return 0;
}

/* ---- strbuf ------------------------------------------------------------ */

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX - sb->len - 1)
		die(3, "buffer of %zu bytes cannot grow by %zu", sb->len, extra);
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	if (!sb->alloc)
		sb->buf = NULL;
	sb->alloc = sb->alloc ? sb->alloc : 64;
	while (sb->alloc < want)
		sb->alloc = sb->alloc > SIZE_MAX / 2 ? want : sb->alloc * 2;
	sb->buf = xrealloc(sb->buf, sb->alloc);
	sb->buf[sb->len] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		len = sb->len;
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_add_u64(struct strbuf *sb, uint64_t v)
{
	char buf[20];
	size_t n = sizeof(buf);

	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strbuf_add(sb, buf + n, sizeof(buf) - n);
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	strbuf_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		va_copy(cp, ap);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
		va_end(cp);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

char *strbuf_detach(struct strbuf *sb, size_t *ret_len)
{
	char *p;

	if (!sb->alloc)
		strbuf_grow(sb, 0);
	p = sb->buf;
	if (ret_len)
		*ret_len = sb->len;
	strbuf_init(sb, 0);
	return p;
}

void err_set(char **ret_err, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!ret_err)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(*ret_err);
	*ret_err = strbuf_detach(&sb, NULL);
}

int xsnprintf(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	return r;
}

size_t strlcpy_s(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

bool mem_starts_with(const char *s, size_t len, const char *prefix)
{
	size_t lp = strlen(prefix);

	return len >= lp && memcmp(s, prefix, lp) == 0;
}

bool mem_is(const char *s, size_t len, const char *str)
{
	return strlen(str) == len && memcmp(s, str, len) == 0;
}

const char *memmem_str(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle));
}

const char *memmem_ci(const char *s, size_t len, const char *needle)
{
	size_t nl = strlen(needle), i, j;

	for (i = 0; i + nl <= len; i++) {
		for (j = 0; j < nl; j++) {
			char a = s[i + j];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (a != needle[j])
				break;
		}
		if (j == nl)
			return s + i;
	}
	return NULL;
}

bool next_line(const char *buf, size_t len, size_t *pos,
	       const char **ret_line, size_t *ret_len)
{
	const char *start, *nl;

	if (*pos >= len)
		return false;
	start = buf + *pos;
	nl = memchr(start, '\n', len - *pos);
	if (nl) {
		*ret_len = (size_t)(nl - start);
		*pos += *ret_len + 1;
	} else {
		*ret_len = len - *pos;
		*pos = len;
	}
	*ret_line = start;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

void trim_span(const char **s, size_t *len)
{
	/* in locals: through the pointers, each step was loaded and stored */
	const char *p = *s;
	size_t n = *len;

	while (n && is_space(*p)) {
		p++;
		n--;
	}
	while (n && is_space(p[n - 1]))
		n--;
	*s = p;
	*len = n;
}

/* ---- ordering ----------------------------------------------------------- */

int cmp_u32(const void *a, const void *b)
{
	return CMP(*(const uint32_t *)a, *(const uint32_t *)b);
}

int cmp_u64(const void *a, const void *b)
{
	return CMP(*(const uint64_t *)a, *(const uint64_t *)b);
}

int cmp_i64(const void *a, const void *b)
{
	return CMP(*(const int64_t *)a, *(const int64_t *)b);
}

int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int mem_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : CMP(alen, blen);
}

/* ---- files ------------------------------------------------------------- */

DIR *fdopendir_or_close(int fd)
{
	DIR *d = NULL;
	int e;

	if (fd >= 0) {
		d = fdopendir(fd);
		if (!d) {
			e = errno;
			close(fd);
			errno = e;
		}
	}
	return d;
}

int read_fd_all(int fd, struct strbuf *sb, size_t max)
{
	int r = 0;

	for (;;) {
		size_t room;
		ssize_t n;

		if (sb->len >= max) {
			char probe;

			/* At the cap: is there more? */
			n = read(fd, &probe, 1);
			if (n < 0 && errno == EINTR)
				continue;
			r = n > 0 ? -EFBIG : n < 0 ? -errno : 0;
			break;
		}
		strbuf_grow(sb, MIN((size_t)4096, max - sb->len));
		room = MIN(sb->alloc - sb->len - 1, max - sb->len);
		n = read(fd, sb->buf + sb->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		sb->len += (size_t)n;
		sb->buf[sb->len] = '\0';
	}
	return r;
}

/* handler for the stop signals, but those ignored now when keep_ignored */
static void catch_stop(void (*handler)(int), int flags, bool keep_ignored)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (!keep_ignored || sigaction(sigs[i], NULL, &old) != 0 ||
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

void catch_stop_signals(void (*handler)(int), int flags)
{
	catch_stop(handler, flags, false);
}

void catch_stop_signals_unless_ignored(void (*handler)(int), int flags)
{
	catch_stop(handler, flags, true);
}

int flush_stdout(void)
{
	int r = 0;

	if (fflush(stdout) != 0 && errno != EPIPE)
		r = error("cannot write to 'standard output': %s", strerror(errno));
	return r;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *human_bytes(uint64_t bytes, char *buf, size_t n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024 && u < ARRAY_SIZE(units) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		xsnprintf(buf, n, "%llu B", (unsigned long long)bytes);
	else
		xsnprintf(buf, n, "%.1f %s", v, units[u]);
	return buf;
}

const char *human_bytes_signed(int64_t bytes, char *buf, size_t n)
{
	char tmp[32];

	if (bytes >= 0)
		return human_bytes((uint64_t)bytes, buf, n);
	/* -(bytes + 1) + 1: INT64_MIN has no positive int64_t */
	human_bytes((uint64_t)(-(bytes + 1)) + 1, tmp, sizeof(tmp));
	xsnprintf(buf, n, "-%s", tmp);
	return buf;
}

int read_file_at(int dirfd, const char *path, struct strbuf *sb, size_t max)
{
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = read_fd_all(fd, sb, max);
	close(fd);
	return r;
}

int parse_size_arg(const char *s, uint64_t *ret)
{
	size_t len = strlen(s), digits = 0;
	unsigned shift = 0;
	const char *suf;
	uint64_t v;

	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	suf = s + digits;
	if (!*suf || !strcmp(suf, "B"))
		shift = 0;
	else if (!strcmp(suf, "K") || !strcmp(suf, "k") || !strcmp(suf, "KiB") ||
		 !strcmp(suf, "kB") || !strcmp(suf, "KB"))
		shift = 10;
	else if (!strcmp(suf, "M") || !strcmp(suf, "MiB") || !strcmp(suf, "MB"))
		shift = 20;
	else if (!strcmp(suf, "G") || !strcmp(suf, "GiB") || !strcmp(suf, "GB"))
		shift = 30;
	else if (!strcmp(suf, "T") || !strcmp(suf, "TiB") || !strcmp(suf, "TB"))
		shift = 40;
	else
		return -EINVAL;
	if (parse_u64(s, digits, &v) < 0)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret = v << shift;
	return 0;
}

int parse_duration_ms(const char *s, size_t len, uint64_t *ret)
{
	static const struct { const char *unit; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	size_t digits = 0, i;
	uint64_t v;

	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (parse_u64(s, digits, &v) < 0)
		return digits ? -ERANGE : -EINVAL;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		size_t ul = strlen(units[i].unit);

		if (len - digits != ul || memcmp(s + digits, units[i].unit, ul))
			continue;
		if (v > UINT64_MAX / units[i].ms)
			return -ERANGE;
		*ret = v * units[i].ms;
		return 0;
	}
	return -EINVAL;
}

int getopt_said(int argc, char *const argv[], const char *optstring,
		const struct option *longopts)
{
	char spec[128];
	const char *arg;
	size_t len, n = 0;
	int c;

	/* a leading ':': a missing value returns ':', and getopt says nothing */
	xsnprintf(spec, sizeof(spec), ":%s", optstring);
	c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* glibc has stepped past the element it refused (a long option's) */
	arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (strncmp(arg, "--", 2) != 0) {
		if (c == ':')
			error("option '-%c' needs a value", optopt);
		else
			error("unknown option '-%c'", optopt);
		return '?';
	}
	len = strcspn(arg, "=");
	if (c == ':') {
		error("option '%.*s' needs a value", (int)len, arg);
	} else if (optopt) {
		error("option '%.*s' takes no value", (int)len, arg);
	} else {
		for (; longopts && longopts->name; longopts++)
			n += !strncmp(longopts->name, arg + 2, len - 2);
		error("%s option '%.*s'", n > 1 ? "ambiguous" : "unknown", (int)len, arg);
	}
	return '?';
}
