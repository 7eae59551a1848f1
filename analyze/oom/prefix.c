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

#include "analyze/oom/scan.h"
#include "common/banned.h"


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
	const char *p = *pp, *q, *seq, *usec, *usec_end, *semi;
	uint64_t us;
	int i;

	q = skip_digits(p, end);
	if (q == p || q - p > 4 || q >= end || *q != ',')
		return false;
	p = q + 1;
	q = skip_digits(p, end);
	if (q == p || q >= end || *q != ',')
		return false;
	seq = p;
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
	ret->has_seq = parse_u64(seq, (size_t)(usec - 1 - seq), &ret->seq) == 0;
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
size_t oom_clock_len(const char *s, const char *end)
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
		if (oom_clock_len(q, close)) {
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
		ret->host = p;
		ret->host_len = (size_t)(host_end - p);
		ret->shape |= OOM_SHAPE_HOST;
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
	cl = oom_clock_len(q, end);
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
size_t oom_iso_len(const char *p, const char *end)
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
	cl = oom_clock_len(q, end);
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
	size_t n = oom_iso_len(p, end);

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
size_t oom_zone_len(const char *p, const char *end)
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
	n = oom_iso_len(date, end);
	if (n < 19 || date[10] != ' ' || date + n >= end || date[n] != ' ')
		return false;
	q = date + n + 1;
	z = oom_zone_len(q, end);
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
	n = oom_iso_len(p + 2, end);
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
			ret->shape |= OOM_SHAPE_KMSG;
			break;
		}
		if (strip_prio(&p, end)) {
			ret->prefixed = true;
			ret->shape |= OOM_SHAPE_PRIO;
			if (strip_rfc5424(&p, end, ret))
				break;
			continue;
		}
		if (strip_dmesg_x(&p, end)) {
			ret->prefixed = true;
			ret->shape |= OOM_SHAPE_DMESG_X;
			continue;
		}
		if (*p == '[') {
			if (strip_bracket_ktime(&p, end, ret)) {
				ret->prefixed = after_time = true;
				ret->shape |= OOM_SHAPE_KTIME;
				continue;
			}
			if (strip_bracket_wall(&p, end, ret)) {
				ret->shape |= OOM_SHAPE_WALL;
				ret->prefixed = after_time = true;
				continue;
			}
			break;
		}
		if (is_digit(*p)) {
			if (strip_cut_ktime(&p, end, ret)) {
				ret->prefixed = after_time = true;
				ret->shape |= OOM_SHAPE_KTIME;
				continue;
			}
			if (strip_iso(&p, end, ret) || strip_short_unix(&p, end, ret) ||
			    strip_syslog(&p, end, ret)) {
				ret->shape |= OOM_SHAPE_SYSLOG;
				ret->prefixed = after_time = true;
				if (ret->not_kernel)
					break;
				continue;
			}
			break;
		}
		if ((is_upper(*p) || is_lower(*p) || (unsigned char)*p >= 0x80) &&
		    (strip_short_full(&p, end, ret) || strip_syslog(&p, end, ret))) {
			ret->shape |= OOM_SHAPE_SYSLOG;
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
