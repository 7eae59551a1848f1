/* SPDX-License-Identifier: MIT */
/*
 * Wall-clock text of a log line's prefix (syslog, dmesg -T in any locale,
 * journalctl, ISO 8601, Unix seconds) to ISO 8601: oom_wall_time_iso().
 * The prefixes themselves are found by oom_line_prefix() (prefix.c).
 */
#include "analyze/oom/oom.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "analyze/oom/locale_names.h"
#include "analyze/oom/scan.h"
#include "common/banned.h"

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
		if (oom_clock_len(tok[i], tok_end[i]) == (size_t)(tok_end[i] - tok[i])) {
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

	if (iso + 1 >= len || s[iso] != ' ' || oom_zone_len(zone, s + len) != zlen ||
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
	if (oom_iso_len(tmp, tmp + strlen(tmp)) != strlen(tmp))
		return false;
	return iso_to_iso(tmp, strlen(tmp), buf, n);
}

bool oom_wall_time_iso(const char *s, size_t len, char *buf, size_t n)
{
	size_t iso;

	if (!s || n < 40)
		return false;
	iso = oom_iso_len(s, s + len);
	if (iso == len && len >= 19)
		return iso_to_iso(s, len, buf, n);
	if (iso >= 19 && iso < len)
		return iso_zone_to_iso(s, len, iso, buf, n);
	if (is_unix_time(s, len))
		return unix_to_iso(s, len, buf, n);
	return dmesg_t_to_iso(s, len, buf, n);
}
