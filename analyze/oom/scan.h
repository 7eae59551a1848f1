/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_OOM_SCAN_H
#define MEMSNAP_OOM_SCAN_H
/*
 * Internal to the log-prefix scanner (prefix.c) and the wall-clock
 * converter (walltime.c): byte classes and the time shapes both read.
 * Bytes only, never the locale (a log is not in the reader's locale).
 */
#include <stdbool.h>
#include <stddef.h>

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool is_alnum(char c)
{
	return is_digit(c) || is_lower(c) || is_upper(c);
}

static inline const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static inline const char *skip_digits(const char *p, const char *end)
{
	while (p < end && is_digit(*p))
		p++;
	return p;
}

/* "HH:MM:SS" (H may be one digit) at s: its length, else 0. */
size_t oom_clock_len(const char *s, const char *end);
/* ISO 8601 / RFC 3339 date and time at p, with fraction and zone: its length, else 0. */
size_t oom_iso_len(const char *p, const char *end);
/* A zone after a clock ("UTC", "CEST", "+03", "-0330") at p: its length, else 0. */
size_t oom_zone_len(const char *p, const char *end);

#endif
