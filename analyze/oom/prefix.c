/* SPDX-License-Identifier: MIT */
/*
 * The prefixes a kernel log line wears once it has left the kernel: every
 * tool that shows or stores the log adds its own, and users paste them into
 * mail and markdown.  oom_line_prefix() peels them off in a loop, keeping
 * the kernel time ("[ 12.345678]", a kmsg record's usec) and the wall-clock
 * text (syslog, dmesg -T, ISO) it finds on the way.
 */
#include "analyze/oom/oom.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "analyze/oom/locale_names.h"
#include "common/banned.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_lower(c) || is_upper(c);
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static const char *skip_digits(const char *p, const char *end)
{
	while (p < end && is_digit(*p))
		p++;
	return p;
}

/* "ddd.ddd" -> seconds; false when it does not parse. */
static bool parse_seconds(const char *s, const char *e, double *ret)
{
	return parse_double(s, (size_t)(e - s), ret) == 0;
}

/*
 * /dev/kmsg: "<prio>,<seq>,<usec>,<flags>[,<more>];<message>".  Flags are
 * "-", "c" or "+"; 5.x kernels with CONFIG_PRINTK_CALLER add ",caller=T12".
 */
static bool strip_kmsg(const char **pp, const char *end, struct oom_prefix *ret)
{
	const char *p = *pp, *q, *usec, *usec_end, *semi;
	uint64_t us;
	int i;

	q = skip_digits(p, end);
	if (q == p || q - p > 4 || q >= end || *q != ',')
		return false;
	p = q + 1;
	q = skip_digits(p, end);
	if (q == p || q >= end || *q != ',')
		return false;
	usec = q + 1;
	usec_end = skip_digits(usec, end);
	if (usec_end == usec || usec_end >= end || *usec_end != ',')
		return false;
	/* The rest of the header: no blanks, at most 64 bytes, up to ';'. */
	semi = NULL;
	for (i = 0, q = usec_end + 1; q < end && i < 64; q++, i++) {
		if (*q == ';') {
			semi = q;
			break;
		}
		if (is_blank(*q))
			return false;
	}
	if (!semi)
		return false;
	if (parse_u64(usec, (size_t)(usec_end - usec), &us) == 0) {
		ret->has_ktime = true;
		ret->ktime = (double)us / 1e6;
	}
	*pp = semi + 1;
	return true;
}

/* "<4>" (syslog(2), dmesg -r) */
static bool strip_prio(const char **pp, const char *end)
{
	const char *p = *pp, *q;

	if (p >= end || *p != '<')
		return false;
	q = skip_digits(p + 1, end);
	if (q == p + 1 || q - p > 4 || q >= end || *q != '>')
		return false;
	*pp = q + 1;
	return true;
}

/* dmesg -x: "kern  :warn  : " */
static bool strip_dmesg_x(const char **pp, const char *end)
{
	static const char *const facilities[] = {
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
		"news", "uucp", "cron", "authpriv", "ftp", "res0", "res1",
		"res2", "res3", "local0", "local1", "local2", "local3",
		"local4", "local5", "local6", "local7",
	};
	static const char *const levels[] = {
		"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
	};
	const char *p = *pp, *q;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(facilities); i++) {
		n = strlen(facilities[i]);
		if ((size_t)(end - p) > n && !memcmp(p, facilities[i], n) &&
		    (is_blank(p[n]) || p[n] == ':'))
			break;
	}
	if (i == ARRAY_SIZE(facilities))
		return false;
	q = skip_blanks(p + n, end);
	if (q >= end || *q != ':')
		return false;
	q++;
	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		n = strlen(levels[i]);
		if ((size_t)(end - q) >= n && !memcmp(q, levels[i], n))
			break;
	}
	if (i == ARRAY_SIZE(levels))
		return false;
	q = skip_blanks(q + n, end);
	if (q >= end || *q != ':')
		return false;
	*pp = q + 1;
	return true;
}

/*
 * "[  123.456789]" with an optional dmesg -d delta "[ 1.2 < 0.000012>]",
 * or a caller id "[    T123]" / "[   C0]" (CONFIG_PRINTK_CALLER).
 */
static bool strip_bracket_ktime(const char **pp, const char *end,
				struct oom_prefix *ret)
{
	const char *p = *pp, *s, *q;
	double t;

	if (p >= end || *p != '[')
		return false;
	s = skip_blanks(p + 1, end);
	if (s < end && (*s == 'T' || *s == 'C') && s + 1 < end && is_digit(s[1])) {
		q = skip_digits(s + 1, end);
		if (q < end && *q == ']') {
			*pp = q + 1;
			return true;
		}
		return false;
	}
	q = skip_digits(s, end);
	if (q == s || q >= end || *q != '.')
		return false;
	q = skip_digits(q + 1, end);
	if (!parse_seconds(s, q, &t))
		return false;
	q = skip_blanks(q, end);
	if (q < end && *q == '<') {
		const char *gt = memchr(q, '>', (size_t)MIN(end - q, 32));

		if (!gt)
			return false;
		q = skip_blanks(gt + 1, end);
	}
	if (q >= end || *q != ']')
		return false;
	if (!ret->has_ktime) {
		ret->has_ktime = true;
		ret->ktime = t;
	}
	*pp = q + 1;
	return true;
}

/* A line cut in its prefix: "5193605.506728] message". */
static bool strip_cut_ktime(const char **pp, const char *end,
			    struct oom_prefix *ret)
{
	const char *p = *pp, *q, *r;
	double t;

	q = skip_digits(p, end);
	if (q == p || q >= end || *q != '.')
		return false;
	r = skip_digits(q + 1, end);
	if (r == q + 1 || r >= end || *r != ']')
		return false;
	if (r + 1 < end && !is_blank(r[1]))
		return false;
	if (!parse_seconds(p, r, &t))
		return false;
	if (!ret->has_ktime) {
		ret->has_ktime = true;
		ret->ktime = t;
	}
	*pp = r + 1;
	return true;
}

/* Is s[0..n) "HH:MM:SS" (H may be one digit)? Returns its length or 0. */
static size_t clock_len(const char *s, const char *end)
{
	const char *p = s;

	if (p < end && is_digit(*p))
		p++;
	else
		return 0;
	if (p < end && is_digit(*p))
		p++;
	if (end - p < 6 || p[0] != ':' || !is_digit(p[1]) || !is_digit(p[2]) ||
	    p[3] != ':' || !is_digit(p[4]) || !is_digit(p[5]))
		return 0;
	return (size_t)(p + 6 - s);
}

/*
 * dmesg -T: "[Thu Aug 17 17:29:27 2023]" in any locale (strftime's
 * "%a %b %e %H:%M:%S %Y": only the names change).  Recognised by a clock
 * and a four-digit year right before the ']'.
 */
static bool strip_bracket_wall(const char **pp, const char *end,
			       struct oom_prefix *ret)
{
	const char *p = *pp, *close, *q;
	bool has_clock = false;

	if (p >= end || *p != '[')
		return false;
	close = memchr(p, ']', (size_t)MIN(end - p, 96));
	if (!close || close - p < 12)
		return false;
	for (q = p + 1; q < close; q++)
		if (clock_len(q, close)) {
			has_clock = true;
			break;
		}
	if (!has_clock)
		return false;
	if (!(is_digit(close[-1]) && is_digit(close[-2]) && is_digit(close[-3]) &&
	      is_digit(close[-4]) && close[-5] == ' '))
		return false;
	if (!ret->wall) {
		ret->wall = p + 1;
		ret->wall_len = (size_t)(close - p - 1);
	}
	*pp = close + 1;
	return true;
}

/*
 * "<host> <tag>: " after a syslog or ISO timestamp.  tag is "kernel",
 * "kernel[N]" or another program's "name[N]" (then ret->not_kernel).
 * Without a timestamp before it (journalctl pasted without its first
 * column) only the "kernel" tag is taken, to keep messages like
 * "Hardware name: ..." whole.
 */
static bool strip_host_tag(const char **pp, const char *end,
			   struct oom_prefix *ret, bool after_time)
{
	const char *p = *pp, *host_end, *tag, *tag_end, *q;
	size_t tlen;

	/* "kernel: msg" with no host at all */
	if (end - p >= 8 && !memcmp(p, "kernel: ", 8)) {
		*pp = p + 8;
		return true;
	}
	host_end = p;
	while (host_end < end && !is_blank(*host_end) && host_end - p < 256)
		host_end++;
	if (host_end == p || host_end >= end || *host_end != ' ' || host_end[-1] == ':')
		return false;
	tag = host_end + 1;
	tag_end = tag;
	while (tag_end < end && !is_blank(*tag_end) && *tag_end != ':' &&
	       tag_end - tag < 128)
		tag_end++;
	if (tag_end >= end || *tag_end != ':' || tag_end == tag)
		return false;
	if (tag_end + 1 < end && !is_blank(tag_end[1]))
		return false;
	tlen = (size_t)(tag_end - tag);
	if ((tlen == 6 && !memcmp(tag, "kernel", 6)) ||
	    (tlen > 7 && !memcmp(tag, "kernel[", 7) && tag_end[-1] == ']')) {
		*pp = tag_end + 1;
		return true;
	}
	if (!after_time)
		return false;
	/* another program: name[pid] */
	if (tag_end[-1] != ']')
		return false;
	q = memchr(tag, '[', tlen);
	if (!q || q == tag || skip_digits(q + 1, tag_end) != tag_end - 1 ||
	    q + 1 == tag_end - 1)
		return false;
	ret->not_kernel = true;
	*pp = tag_end + 1;
	return true;
}

static const char *const month_abbr[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec",
};

/*
 * A day or month name as strftime's %a or %b prints it in some locale:
 * ASCII letters or UTF-8 bytes ("Mär", "окт", "12月"), perhaps dots and
 * apostrophes ("févr.", "ธ.ค.", Hebrew "ה'"), at most max bytes, up to a
 * blank.  Not all digits, so a day of the month is no name.  Returns its
 * length or 0.
 */
static size_t name_len(const char *p, const char *end, size_t max)
{
	const char *q = p;
	bool named = false;

	while (q < end && !is_blank(*q) && (size_t)(q - p) < max) {
		unsigned char c = (unsigned char)*q;

		if (is_lower(*q) || is_upper(*q) || c >= 0x80)
			named = true;
		else if (!is_digit(*q) && *q != '.' && *q != '\'')
			return 0;
		q++;
	}
	if (!named || q >= end || !is_blank(*q))
		return 0;
	return (size_t)(q - p);
}

/* "3 " or "03 ": a day of the month and one blank. */
static bool is_day(const char *p, const char *end)
{
	const char *q = skip_digits(p, end);

	return q > p && q - p <= 2 && q < end && *q == ' ';
}

/* One of the C locale's "Jan" ... "Dec", any case. */
static bool is_c_month(const char *p, size_t n)
{
	size_t i;

	if (n != 3)
		return false;
	for (i = 0; i < ARRAY_SIZE(month_abbr); i++)
		if ((p[0] | 0x20) == month_abbr[i][0] && (p[1] | 0x20) == month_abbr[i][1] &&
		    (p[2] | 0x20) == month_abbr[i][2])
			return true;
	return false;
}

/*
 * BSD syslog and journalctl's short and short-precise: "Mar  4
 * 12:00:00[.123456] host tag: " with %b in the writer's or reader's
 * LC_TIME: "Okt 05", "déc. 03", "12月 03", Catalan "de des. 03",
 * Vietnamese "Thg 12 03".  The month name is not needed (there is no
 * year either), so any name is taken; but a name that is not one of the
 * C locale's counts only when a host and tag follow, so that kernel
 * text like "Okt 05 13:50:11 is when it began" stays whole.
 */
static bool strip_syslog(const char **pp, const char *end, struct oom_prefix *ret)
{
	const char *p = *pp, *q, *wall_end;
	size_t n, cl;
	bool c_month;

	n = name_len(p, end, 24);
	if (!n)
		return false;
	c_month = is_c_month(p, n);
	q = skip_blanks(p + n, end);
	/* a second word of the month: "de des.", "Thg 12" */
	n = name_len(q, end, 24);
	if (!n && is_day(q, end) && is_day(skip_blanks(skip_digits(q, end), end), end))
		n = (size_t)(skip_digits(q, end) - q);
	if (n) {
		c_month = false;
		q = skip_blanks(q + n, end);
	}
	if (!is_day(q, end))
		return false;
	q = skip_digits(q, end) + 1;
	cl = clock_len(q, end);
	if (!cl)
		return false;
	q += cl;
	if (q < end && *q == '.')
		q = skip_digits(q + 1, end);
	if (q < end && *q != ' ')
		return false;
	wall_end = q;
	q = skip_blanks(q, end);
	if (!strip_host_tag(&q, end, ret, true) && !c_month)
		return false;
	if (!ret->wall) {
		ret->wall = p;
		ret->wall_len = (size_t)(wall_end - p);
	}
	*pp = q;
	return true;
}

/*
 * ISO 8601 / RFC 3339 "2024-05-17T19:54:29[.123456|,123456][Z|+02:00|+0200]":
 * rsyslog's file format, journalctl -o short-iso, dmesg --time-format iso.
 * Returns its length or 0.
 */
static size_t iso_len(const char *p, const char *end)
{
	const char *q = p;
	size_t cl;

	if (end - p < 19)
		return 0;
	if (!is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]) || !is_digit(p[3]) ||
	    p[4] != '-' || !is_digit(p[5]) || !is_digit(p[6]) || p[7] != '-' ||
	    !is_digit(p[8]) || !is_digit(p[9]) || (p[10] != 'T' && p[10] != ' '))
		return 0;
	q = p + 11;
	cl = clock_len(q, end);
	if (cl != 8)
		return 0;
	q += cl;
	if (q < end && (*q == '.' || *q == ',') && q + 1 < end && is_digit(q[1]))
		q = skip_digits(q + 1, end);
	if (q < end && *q == 'Z') {
		q++;
	} else if (q < end && (*q == '+' || *q == '-') && end - q >= 3 &&
		   is_digit(q[1]) && is_digit(q[2])) {
		q += 3;
		if (q < end && *q == ':')
			q++;
		if (end - q >= 2 && is_digit(q[0]) && is_digit(q[1]))
			q += 2;
	}
	return (size_t)(q - p);
}

static bool strip_iso(const char **pp, const char *end, struct oom_prefix *ret)
{
	const char *p = *pp, *q;
	size_t n = iso_len(p, end);

	if (!n || (p + n < end && p[n] != ' '))
		return false;
	if (!ret->wall) {
		ret->wall = p;
		ret->wall_len = n;
	}
	q = skip_blanks(p + n, end);
	strip_host_tag(&q, end, ret, true);
	*pp = q;
	return true;
}

/* A zone after a clock: "UTC", "CEST", "+03", "-0330". Returns its length or 0. */
static size_t zone_len(const char *p, const char *end)
{
	const char *q = p;

	if (q < end && (*q == '+' || *q == '-')) {
		q = skip_digits(q + 1, end);
		if (q < end && *q == ':')
			q = skip_digits(q + 1, end);
		if (q - p < 3 || q - p > 6)
			return 0;
	} else {
		while (q < end && is_upper(*q) && q - p < 6)
			q++;
		if (q - p < 1)
			return 0;
	}
	if (q < end && !is_blank(*q))
		return 0;
	return (size_t)(q - p);
}

/*
 * journalctl -o short-full: "Thu 2026-12-03 13:50:11[.123456] UTC host
 * tag: " (systemd's format_timestamp(): an English weekday since 247,
 * strftime's %a before).  Taken only with a host and tag after it.
 */
static bool strip_short_full(const char **pp, const char *end,
			     struct oom_prefix *ret)
{
	const char *p = *pp, *date, *q;
	size_t n, z;

	n = name_len(p, end, 24);
	if (!n || p + n + 1 >= end || !is_digit(p[n + 1]))
		return false;
	date = p + n + 1;
	n = iso_len(date, end);
	if (n < 19 || date[10] != ' ' || date + n >= end || date[n] != ' ')
		return false;
	q = date + n + 1;
	z = zone_len(q, end);
	if (!z)
		return false;
	q = skip_blanks(q + z, end);
	if (!strip_host_tag(&q, end, ret, true))
		return false;
	if (!ret->wall) {
		ret->wall = date;
		ret->wall_len = n + 1 + z;
	}
	*pp = q;
	return true;
}

/*
 * journalctl -o short-unix: "1764769811.123456 host tag: " (seconds since
 * the epoch, "%10" so a small one is padded).  Taken only with a host and
 * tag after it: a number alone is kernel text.
 */
static bool strip_short_unix(const char **pp, const char *end,
			     struct oom_prefix *ret)
{
	const char *p = *pp, *q, *frac;

	q = skip_digits(p, end);
	if (q == p || q - p > 12 || q >= end || *q != '.')
		return false;
	frac = q + 1;
	q = skip_digits(frac, end);
	if (q - frac != 6 || q >= end || *q != ' ')
		return false;
	q = skip_blanks(q, end);
	if (!strip_host_tag(&q, end, ret, true))
		return false;
	if (!ret->wall) {
		ret->wall = p;
		ret->wall_len = (size_t)(frac + 6 - p);
	}
	*pp = q;
	return true;
}

/*
 * RFC 5424 after its "<prio>": "1 2024-05-17T19:54:29.1+02:00 host app
 * procid msgid [sd]|- message".
 */
static bool strip_rfc5424(const char **pp, const char *end,
			  struct oom_prefix *ret)
{
	const char *p = *pp, *q;
	size_t n;
	int field;

	if (end - p < 2 || p[0] != '1' || p[1] != ' ')
		return false;
	n = iso_len(p + 2, end);
	if (!n)
		return false;
	if (!ret->wall) {
		ret->wall = p + 2;
		ret->wall_len = n;
	}
	q = p + 2 + n;
	/* host, app, procid, msgid */
	for (field = 0; field < 4; field++) {
		const char *tok;

		q = skip_blanks(q, end);
		tok = q;
		while (q < end && !is_blank(*q))
			q++;
		if (field == 1 && !((q - tok == 6 && !memcmp(tok, "kernel", 6)) ||
				    (q - tok == 1 && *tok == '-')))
			ret->not_kernel = true;
	}
	q = skip_blanks(q, end);
	if (q < end && *q == '-') {
		q++;
	} else if (q < end && *q == '[') {
		/* structured data: [id k="v" ...]..., quotes may hold ']' */
		bool in_quote = false;

		while (q < end) {
			if (*q == '\\' && in_quote && q + 1 < end) {
				q += 2;
				continue;
			}
			if (*q == '"')
				in_quote = !in_quote;
			else if (*q == ']' && !in_quote && (q + 1 >= end || q[1] != '['))
				break;
			q++;
		}
		if (q < end)
			q++;
	}
	*pp = skip_blanks(q, end);
	return true;
}

/*
 * A quote mark: mail's '>' (with or without a blank after it: ">line",
 * ">>line"; no kernel message begins with '>') or "| " (some mail and
 * forum quoting; a '|' not followed by a blank is text).
 */
static size_t quote_mark_len(const char *p, const char *end)
{
	if (p < end && *p == '>')
		return 1;
	if (p < end && *p == '|' && (p + 1 >= end || is_blank(p[1])))
		return 1;
	return 0;
}

/* Mail and forum quoting (any depth) and blanks. */
static const char *skip_quoting(const char *p, const char *end)
{
	size_t n;

	for (;;) {
		p = skip_blanks(p, end);
		n = quote_mark_len(p, end);
		if (!n)
			return p;
		p += n;
	}
}

void oom_line_prefix(const char *line, size_t len, struct oom_prefix *ret)
{
	const char *p = line, *end = line + len, *q;
	bool after_time = false;
	int i;

	memset(ret, 0, sizeof(*ret));
	while (end > p && (is_blank(end[-1]) || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	/* Quoting is not indentation: "> " + 30 blanks is a continuation. */
	q = p;
	while (quote_mark_len(q, end)) {
		q++;
		if (q < end && is_blank(*q))
			q++;
	}
	ret->indented = q < end && is_blank(*q);

	for (i = 0; i < 12; i++) {
		p = skip_quoting(p, end);
		if (p >= end)
			break;
		if (!ret->prefixed && strip_kmsg(&p, end, ret)) {
			ret->prefixed = ret->kmsg = true;
			break;
		}
		if (strip_prio(&p, end)) {
			ret->prefixed = true;
			if (strip_rfc5424(&p, end, ret))
				break;
			continue;
		}
		if (strip_dmesg_x(&p, end)) {
			ret->prefixed = true;
			continue;
		}
		if (*p == '[') {
			if (strip_bracket_ktime(&p, end, ret) ||
			    strip_bracket_wall(&p, end, ret)) {
				ret->prefixed = after_time = true;
				continue;
			}
			break;
		}
		if (is_digit(*p)) {
			if (strip_cut_ktime(&p, end, ret) || strip_iso(&p, end, ret) ||
			    strip_short_unix(&p, end, ret) || strip_syslog(&p, end, ret)) {
				ret->prefixed = after_time = true;
				if (ret->not_kernel)
					break;
				continue;
			}
			break;
		}
		if ((is_upper(*p) || is_lower(*p) || (unsigned char)*p >= 0x80) &&
		    (strip_short_full(&p, end, ret) || strip_syslog(&p, end, ret))) {
			ret->prefixed = after_time = true;
			if (ret->not_kernel)
				break;
			continue;
		}
		if (is_alnum(*p) && strip_host_tag(&p, end, ret, after_time)) {
			ret->prefixed = true;
			if (ret->not_kernel)
				break;
			continue;
		}
		break;
	}
	p = skip_blanks(p, end);
	ret->msg = p;
	ret->msg_len = (size_t)(end - p);
}

/* ---- wall-clock text to ISO 8601 ----------------------------------------- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool iso_to_iso(const char *s, size_t len, char *buf, size_t n)
{
	int y, mo, d, h, mi, sec;
	const char *p = s + 19, *end = s + len, *frac = NULL;
	size_t fraclen = 0;
	char fracbuf[12] = "";

	y = num2(s) * 100 + num2(s + 2);
	mo = num2(s + 5);
	d = num2(s + 8);
	h = num2(s + 11);
	mi = num2(s + 14);
	sec = num2(s + 17);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	if (p < end && (*p == '.' || *p == ',')) {
		frac = ++p;
		p = skip_digits(p, end);
		fraclen = MIN((size_t)(p - frac), (size_t)9);
		fracbuf[0] = '.';
		memcpy(fracbuf + 1, frac, fraclen);
		fracbuf[1 + fraclen] = '\0';
	}
	if (p < end && (*p == '+' || *p == '-')) {
		int sign = *p == '+' ? 1 : -1, oh, om = 0;
		int64_t days, secs;
		int64_t yy;
		unsigned mm, dd;

		if (end - p < 3)
			return false;
		oh = num2(p + 1);
		p += 3;
		if (p < end && *p == ':')
			p++;
		if (end - p >= 2 && is_digit(p[0]) && is_digit(p[1]))
			om = num2(p);
		days = days_from_civil(y, (unsigned)mo, (unsigned)d);
		secs = days * 86400 + h * 3600 + mi * 60 + sec -
		       sign * (oh * 3600 + om * 60);
		days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
		secs -= days * 86400;
		civil_from_days(days, &yy, &mm, &dd);
		xsnprintf(buf, n, "%04lld-%02u-%02uT%02d:%02d:%02d%sZ", (long long)yy,
			  mm, dd, (int)(secs / 3600), (int)(secs / 60 % 60),
			  (int)(secs % 60), fracbuf);
		return true;
	}
	xsnprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", y, mo, d, h, mi, sec,
		  fracbuf, p < end && *p == 'Z' ? "Z" : "");
	return true;
}

/*
 * Month names as strftime's %b prints them in common locales (UTF-8,
 * lowercase, without a trailing dot): taken before oom_locale_names.h,
 * where "jan" may also be June and "mar" a weekday.  Whole names only:
 * Finnish "marras" is November, not "mar".
 */
static const struct {
	const char *name;
	int month;
} month_names[] = {
	{ "janv", 1 }, { "févr", 2 }, { "mars", 3 }, { "avr", 4 },
	{ "juin", 6 }, { "juil", 7 }, { "août", 8 }, { "déc", 12 },
	{ "jan", 1 }, { "feb", 2 }, { "mar", 3 }, { "apr", 4 }, { "may", 5 },
	{ "jun", 6 }, { "jul", 7 }, { "aug", 8 }, { "sep", 9 }, { "oct", 10 },
	{ "nov", 11 }, { "dec", 12 },
	{ "mär", 3 }, { "mrz", 3 }, { "mai", 5 }, { "okt", 10 }, { "dez", 12 }, /* de, pt */
	{ "ene", 1 }, { "abr", 4 }, { "ago", 8 }, { "dic", 12 },        /* es, it */
	{ "fev", 2 }, { "set", 9 }, { "out", 10 },                      /* pt */
	{ "gen", 1 }, { "mag", 5 }, { "giu", 6 }, { "lug", 7 }, { "ott", 10 }, /* it */
	{ "mrt", 3 }, { "mei", 5 },                                     /* nl */
	{ "янв", 1 }, { "фев", 2 }, { "мар", 3 }, { "апр", 4 }, { "мая", 5 },
	{ "май", 5 }, { "июн", 6 }, { "июл", 7 }, { "авг", 8 }, { "сен", 9 },
	{ "окт", 10 }, { "ноя", 11 }, { "дек", 12 },                    /* ru */
};

/*
 * Lowercase the letters of the scripts strftime's names are written in
 * (Latin, Greek, Cyrillic, Armenian: "ДЕК", "Déc", "ΔΕΚ"), as the names
 * of oom_locale_names.h are; other bytes are copied.  A trailing dot is
 * dropped.  Returns false when buf is too small.
 */
static bool fold_name(const char *s, size_t len, char *buf, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t o = 0;

	while (p < end) {
		unsigned cp;

		if (o + 3 > n)
			return false;
		if (*p < 0x80) {
			buf[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p | 0x20 : *p);
			p++;
			continue;
		}
		if ((*p & 0xe0) != 0xc0 || p + 1 >= end || (p[1] & 0xc0) != 0x80) {
			buf[o++] = (char)*p++;
			continue;
		}
		cp = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||     /* Latin-1 */
		    (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2) ||  /* Greek */
		    (cp >= 0x410 && cp <= 0x42f))                   /* Cyrillic */
			cp += 0x20;
		else if (cp == 0x386)
			cp = 0x3ac;
		else if (cp >= 0x388 && cp <= 0x38a)
			cp += 0x25;
		else if (cp == 0x38c)
			cp = 0x3cc;
		else if (cp == 0x38e || cp == 0x38f)
			cp += 0x3f;
		else if (cp >= 0x400 && cp <= 0x40f)
			cp += 0x50;
		else if (cp >= 0x531 && cp <= 0x556)                /* Armenian */
			cp += 0x30;
		else if (cp == 0x178)
			cp = 0xff;
		else if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177) ||
			  (cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf)) &&
			 !(cp & 1))                                  /* Latin Extended-A, Cyrillic */
			cp++;
		else if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) &&
			 (cp & 1))
			cp++;
		buf[o++] = (char)(0xc0 | cp >> 6);
		buf[o++] = (char)(0x80 | (cp & 0x3f));
		p += 2;
	}
	if (o && buf[o - 1] == '.')
		o--;
	buf[o] = '\0';
	return true;
}

static int locale_name_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct locale_name *)elem)->name);
}

static const struct locale_name *locale_name_find(const char *s, size_t len)
{
	char low[64];

	if (!fold_name(s, len, low, sizeof(low)))
		return NULL;
	return bsearch(low, locale_names, ARRAY_SIZE(locale_names),
		       sizeof(locale_names[0]), locale_name_cmp);
}

/*
 * The months a %b name may be, as a mask (bit 0 January): one for the
 * common names above and numbers ("9月", "9월", "09"), maybe more from
 * glibc's locales (Czech "srp" is August, Croatian "srp" July).
 */
static unsigned months_of(const char *s, size_t len)
{
	const struct locale_name *ln;
	char low[64];
	size_t i;
	uint64_t v;

	for (i = 0; i < len && is_digit(s[i]); i++)
		;
	if (i > 0 && i <= 2) {
		if (parse_u64(s, i, &v) == 0 && v >= 1 && v <= 12)
			return 1u << (v - 1);
		return 0;
	}
	if (!fold_name(s, len, low, sizeof(low)))
		return 0;
	for (i = 0; i < ARRAY_SIZE(month_names); i++)
		if (!strcmp(low, month_names[i].name))
			return 1u << (month_names[i].month - 1);
	ln = locale_name_find(s, len);
	return ln ? ln->months : 0;
}

/*
 * The month of a date of which the name may be several: the one on which
 * the day falls on the weekday named (bit 0 Sunday), or 0.
 */
static int month_by_weekday(unsigned months, unsigned wdays, int64_t year, unsigned day)
{
	int m, found = 0;

	if (months && !(months & (months - 1))) {
		for (m = 1; !(months & 1u << (m - 1)); m++)
			;
		return m;
	}
	for (m = 1; m <= 12; m++) {
		int64_t wd;

		if (!(months & 1u << (m - 1)))
			continue;
		wd = (days_from_civil(year, (unsigned)m, day) % 7 + 11) % 7;   /* 1970-01-01: Thursday */
		if (!(wdays & 1u << wd))
			continue;
		if (found)
			return 0;
		found = m;
	}
	return found;
}

/* "%a %b %e %H:%M:%S %Y" in any locale. */
static bool dmesg_t_to_iso(const char *s, size_t len, char *buf, size_t n)
{
	const char *end = s + len, *tok[8], *tok_end[8];
	size_t ntok = 0, i, clock = SIZE_MAX;
	const struct locale_name *wday;
	uint64_t day, year;
	int month;
	const char *p = s;

	while (p < end && ntok < ARRAY_SIZE(tok)) {
		p = skip_blanks(p, end);
		if (p >= end)
			break;
		tok[ntok] = p;
		while (p < end && !is_blank(*p))
			p++;
		tok_end[ntok++] = p;
	}
	for (i = 0; i < ntok; i++)
		if (clock_len(tok[i], tok_end[i]) == (size_t)(tok_end[i] - tok[i])) {
			clock = i;
			break;
		}
	if (clock == SIZE_MAX || clock < 2 || clock + 1 >= ntok)
		return false;
	if (parse_u64(tok[clock + 1], (size_t)(tok_end[clock + 1] - tok[clock + 1]), &year) < 0 ||
	    year < 1970 || year > 9999)
		return false;
	if (parse_u64(tok[clock - 1], (size_t)(tok_end[clock - 1] - tok[clock - 1]), &day) < 0 ||
	    day < 1 || day > 31)
		return false;
	/* the weekday (%a) comes first, the month (%b) right before the day */
	wday = locale_name_find(tok[0], (size_t)(tok_end[0] - tok[0]));
	month = month_by_weekday(months_of(tok[clock - 2],
					   (size_t)(tok_end[clock - 2] - tok[clock - 2])),
				 wday ? wday->wdays : 0, (int64_t)year, (unsigned)day);
	if (!month)
		return false;
	{
		const char *c = tok[clock];
		size_t cl = (size_t)(tok_end[clock] - c);
		int h = cl == 7 ? c[0] - '0' : num2(c);
		const char *ms = c + cl - 5;

		xsnprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d", (int)year, month,
			  (int)day, h, num2(ms), num2(ms + 3));
	}
	return true;
}

/* journalctl -o short-unix: "1764769811.123456", seconds since the epoch. */
static bool unix_to_iso(const char *s, size_t len, char *buf, size_t n)
{
	const char *dot = memchr(s, '.', len);
	uint64_t secs;
	int64_t days, yy;
	unsigned mm, dd, sod;

	if (!dot || parse_u64(s, (size_t)(dot - s), &secs) < 0 ||
	    secs > 253402300799ull)             /* 9999-12-31T23:59:59Z */
		return false;
	days = (int64_t)(secs / 86400);
	sod = (unsigned)(secs % 86400);
	civil_from_days(days, &yy, &mm, &dd);
	xsnprintf(buf, n, "%04lld-%02u-%02uT%02u:%02u:%02u.%.*sZ", (long long)yy, mm, dd,
		  sod / 3600, sod / 60 % 60, sod % 60,
		  (int)MIN(len - (size_t)(dot + 1 - s), (size_t)9), dot + 1);
	return true;
}

static bool is_unix_time(const char *s, size_t len)
{
	const char *end = s + len, *q = skip_digits(s, end);

	return q > s && q < end && *q == '.' && q + 1 < end &&
	       skip_digits(q + 1, end) == end;
}

/*
 * journalctl -o short-full's "2026-12-03 13:50:11 UTC": UTC and numeric
 * zones are kept, an abbreviation ("CET") means local time.
 */
static bool iso_zone_to_iso(const char *s, size_t len, size_t iso, char *buf, size_t n)
{
	const char *zone = s + iso + 1;
	size_t zlen = len - iso - 1;
	char tmp[48];

	if (iso + 1 >= len || s[iso] != ' ' || zone_len(zone, s + len) != zlen ||
	    iso + 7 > sizeof(tmp))
		return false;
	memcpy(tmp, s, iso);
	tmp[iso] = '\0';
	if ((zlen == 3 && (!memcmp(zone, "UTC", 3) || !memcmp(zone, "GMT", 3))) ||
	    (zlen == 2 && !memcmp(zone, "UT", 2)))
		strlcpy_s(tmp + iso, "Z", sizeof(tmp) - iso);
	else if (*zone == '+' || *zone == '-')
		xsnprintf(tmp + iso, sizeof(tmp) - iso, "%.*s%s", (int)zlen, zone,
			  zlen == 3 ? "00" : "");
	if (iso_len(tmp, tmp + strlen(tmp)) != strlen(tmp))
		return false;
	return iso_to_iso(tmp, strlen(tmp), buf, n);
}

bool oom_wall_time_iso(const char *s, size_t len, char *buf, size_t n)
{
	size_t iso;

	if (!s || n < 40)
		return false;
	iso = iso_len(s, s + len);
	if (iso == len && len >= 19)
		return iso_to_iso(s, len, buf, n);
	if (iso >= 19 && iso < len)
		return iso_zone_to_iso(s, len, iso, buf, n);
	if (is_unix_time(s, len))
		return unix_to_iso(s, len, buf, n);
	return dmesg_t_to_iso(s, len, buf, n);
}
