/* SPDX-License-Identifier: MIT */
/* oom_line_prefix() on every prefix a kernel line wears; oom_wall_time_iso(). */
#include "tests/unit/test_oom_util.h"

struct pcase {
	const char *line;
	const char *msg;        /* expected message */
	double ktime;           /* < 0: none */
	const char *wall;       /* expected wall text, NULL: none */
	bool prefixed, kmsg, not_kernel, indented;
};

static void check(const struct pcase *c)
{
	struct oom_prefix pf;

	oom_line_prefix(c->line, strlen(c->line), &pf);
	if (pf.msg_len != strlen(c->msg) || memcmp(pf.msg, c->msg, pf.msg_len))
		fail_msg("'%s': message '%.*s', expected '%s'", c->line,
			 (int)pf.msg_len, pf.msg, c->msg);
	if (c->ktime < 0) {
		if (pf.has_ktime)
			fail_msg("'%s': kernel time %f, expected none", c->line, pf.ktime);
	} else {
		if (!pf.has_ktime || pf.ktime < c->ktime - 1e-7 || pf.ktime > c->ktime + 1e-7)
			fail_msg("'%s': kernel time %f (%d), expected %f", c->line,
				 pf.ktime, pf.has_ktime, c->ktime);
	}
	if (!c->wall) {
		if (pf.wall)
			fail_msg("'%s': wall '%.*s', expected none", c->line,
				 (int)pf.wall_len, pf.wall);
	} else if (!pf.wall || pf.wall_len != strlen(c->wall) ||
		   memcmp(pf.wall, c->wall, pf.wall_len)) {
		fail_msg("'%s': wall '%.*s', expected '%s'", c->line,
			 pf.wall ? (int)pf.wall_len : 0, pf.wall ? pf.wall : "", c->wall);
	}
	if (pf.prefixed != c->prefixed || pf.kmsg != c->kmsg ||
	    pf.not_kernel != c->not_kernel || pf.indented != c->indented)
		fail_msg("'%s': prefixed %d kmsg %d not_kernel %d indented %d", c->line,
			 pf.prefixed, pf.kmsg, pf.not_kernel, pf.indented);
}

static void test_oom_line_prefix_dmesg(void **state)
{
	static const struct pcase cases[] = {
		{ "[  123.456789] Killed process 1 (x)", "Killed process 1 (x)", 123.456789, NULL, true },
		{ "[123.456789] x", "x", 123.456789, NULL, true },
		{ "[5193605.506728] memory: usage", "memory: usage", 5193605.506728, NULL, true },
		/* cut inside its prefix (a paste that began mid-line) */
		{ "5193605.506728] Task in /a killed", "Task in /a killed", 5193605.506728, NULL, true },
		/* CONFIG_PRINTK_CALLER */
		{ "[    0.000000][    T0] Linux version", "Linux version", 0.0, NULL, true },
		{ "[   12.5][   C3] x", "x", 12.5, NULL, true },
		/* dmesg -d */
		{ "[ 2993.661240 <    0.002844>] Thread-2 invoked", "Thread-2 invoked", 2993.66124, NULL, true },
		/* dmesg -r and syslog(2) */
		{ "<4>[ 1.000001] x", "x", 1.000001, NULL, true },
		/* dmesg -x */
		{ "kern  :warn  : [ 1.5] x invoked", "x invoked", 1.5, NULL, true },
		{ "kern  :err   : [Thu Aug 17 17:29:27 2023] Memory cgroup",
		  "Memory cgroup", -1, "Thu Aug 17 17:29:27 2023", true },
		{ "user  :notice: hello", "hello", -1, NULL, true },
		/* dmesg -T, any locale */
		{ "[Thu Aug 17 17:29:27 2023] x", "x", -1, "Thu Aug 17 17:29:27 2023", true },
		{ "[二 9月  3 05:57:48 2024] oom-kill:x", "oom-kill:x", -1, "二 9月  3 05:57:48 2024", true },
		{ "[Di Sep  3 05:57:48 2024] x", "x", -1, "Di Sep  3 05:57:48 2024", true },
		{ "[czw gru  3 13:50:11 2026] x", "x", -1, "czw gru  3 13:50:11 2026", true },           /* pl */
		{ "[Πεμ Δεκ  3 13:50:11 2026] x", "x", -1, "Πεμ Δεκ  3 13:50:11 2026", true },           /* el */
		{ "[dj. de des.  3 13:50:11 2026] x", "x", -1, "dj. de des.  3 13:50:11 2026", true },   /* ca */
		{ "[T5 Thg 12  3 13:50:11 2026] x", "x", -1, "T5 Thg 12  3 13:50:11 2026", true },       /* vi */
		/* not prefixes: a task row, a call trace address, the table header */
		{ "[ 1381]     0  1381   530382 x", "[ 1381]     0  1381   530382 x", -1, NULL },
		{ "[  pid  ]   uid  tgid", "[  pid  ]   uid  tgid", -1, NULL },
		{ " [<ffffffff81234567>] dump_stack+0x1a/0x2b", "[<ffffffff81234567>] dump_stack+0x1a/0x2b",
		  -1, NULL, false, false, false, true },
		{ "[   30.745827] [    111]     0   111 sh", "[    111]     0   111 sh", 30.745827, NULL, true },
		/* CRLF and trailing blanks */
		{ "[ 1.0] x \r", "x", 1.0, NULL, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check(&cases[i]);
}

static void test_oom_line_prefix_kmsg(void **state)
{
	static const struct pcase cases[] = {
		{ "6,368,956522613,-;memory: usage 32768kB", "memory: usage 32768kB", 956.522613, NULL, true, true },
		{ "4,341,956516051,c;python3 invoked", "python3 invoked", 956.516051, NULL, true, true },
		{ "12,1,5,-,caller=T1;x", "x", 0.000005, NULL, true, true },
		/* the record's message is not stripped again */
		{ "6,1,1,-;[ 1.0] looks like dmesg", "[ 1.0] looks like dmesg", 0.000001, NULL, true, true },
		/* a device property continuation line is no record */
		{ " SUBSYSTEM=virtio", "SUBSYSTEM=virtio", -1, NULL, false, false, false, true },
		{ "6,1,1 -;x", "6,1,1 -;x", -1, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check(&cases[i]);
}

static void test_oom_line_prefix_syslog_journal(void **state)
{
	static const struct pcase cases[] = {
		{ "May 17 19:54:29 ubuntu-vm kernel: memory: usage 8192kB", "memory: usage 8192kB",
		  -1, "May 17 19:54:29", true },
		{ "Mar  4 12:00:00 host kernel: [123.4] x", "x", 123.4, "Mar  4 12:00:00", true },
		{ "Mar 27 01:15:36 ip-10-0-1-103.us-west-2.compute.internal kernel: [ pid ]",
		  "[ pid ]", -1, "Mar 27 01:15:36", true },
		{ "Nov 12 12:29:23 node-3 kernel[1902]: Start for oom-killer", "Start for oom-killer",
		  -1, "Nov 12 12:29:23", true },
		/* journalctl -o short-precise */
		{ "Aug 30 06:58:55.050705 node-7 kernel: oom-kill:x", "oom-kill:x", -1,
		  "Aug 30 06:58:55.050705", true },
		/* another program's line: marked, not a kernel message */
		{ "May 17 19:54:29 ubuntu-vm systemd[1]: docker-x.scope: A process of this unit has been killed",
		  "docker-x.scope: A process of this unit has been killed", -1, "May 17 19:54:29", true,
		  false, true },
		/* journalctl short-monotonic */
		{ "[  123.456789] node-1 kernel: x", "x", 123.456789, NULL, true },
		/* journalctl without its time column; plain "kernel: " */
		{ "node-1 kernel: Out of memory: Killed", "Out of memory: Killed", -1, NULL, true },
		{ "kernel: Out of memory: Kill process", "Out of memory: Kill process", -1, NULL, true },
		/* not a host and tag: messages with colons */
		{ "Hardware name: QEMU", "Hardware name: QEMU", -1, NULL },
		{ "Memory cgroup out of memory: Killed process 1", "Memory cgroup out of memory: Killed process 1", -1, NULL },
		{ "docker0: port 2(veth1) entered", "docker0: port 2(veth1) entered", -1, NULL },
		/* ISO: rsyslog file format, journalctl -o short-iso, dmesg --time-format iso */
		{ "2024-05-17T19:54:29.123456+02:00 node-1 kernel: x", "x", -1, "2024-05-17T19:54:29.123456+02:00", true },
		{ "2023-08-17T17:29:27+0200 node-1 kernel: x", "x", -1, "2023-08-17T17:29:27+0200", true },
		{ "2024-09-03T05:57:48,123456+08:00 Killed process 1 (x)", "Killed process 1 (x)", -1,
		  "2024-09-03T05:57:48,123456+08:00", true },
		/* journalctl -o short-full (its weekday is English since systemd 247, %a before) */
		{ "Thu 2026-12-03 13:50:11 UTC node-1 kernel: x", "x", -1, "2026-12-03 13:50:11 UTC", true },
		{ "Do 2026-12-03 13:50:11 CET node-1 kernel: x", "x", -1, "2026-12-03 13:50:11 CET", true },
		{ "Thu 2026-12-03 13:50:11.123456 +03 node-1 kernel: x", "x", -1,
		  "2026-12-03 13:50:11.123456 +03", true },
		{ "Thu 2026-12-03 13:50:11 UTC kernel: x", "x", -1, "2026-12-03 13:50:11 UTC", true },
		{ "Thu 2026-12-03 13:50:11 UTC node-1 systemd[1]: x", "x", -1, "2026-12-03 13:50:11 UTC",
		  true, false, true },
		/* journalctl -o short-iso (older: +0000) and short-iso-precise */
		{ "2026-12-03T13:50:11+00:00 node-1 kernel: x", "x", -1, "2026-12-03T13:50:11+00:00", true },
		{ "2026-12-03T13:50:11.123456+0000 node-1 kernel: x", "x", -1,
		  "2026-12-03T13:50:11.123456+0000", true },
		/* journalctl -o short-unix */
		{ "1764769811.123456 node-1 kernel: x", "x", -1, "1764769811.123456", true },
		{ "  17698811.000001 node-1 kernel[7]: x", "x", -1, "17698811.000001", true, false, false, true },
		/* a number no host and tag follow is kernel text */
		{ "1764769811.123456 bytes freed", "1764769811.123456 bytes freed", -1, NULL },
		{ "Thu 2026-12-03 13:50:11 UTC was the day", "Thu 2026-12-03 13:50:11 UTC was the day", -1, NULL },
		/* RFC 5424 */
		{ "<4>1 2023-08-17T17:29:27.1Z node-1 kernel - - - x", "x", -1, "2023-08-17T17:29:27.1Z", true },
		{ "<30>1 2023-08-17T17:29:27Z h app 12 ID1 [a b=\"]\"][c d=\"e\"] msg", "msg", -1,
		  "2023-08-17T17:29:27Z", true, false, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check(&cases[i]);
}

/*
 * journalctl and rsyslog print strftime's %b in the reader's LC_TIME: the
 * names below are glibc's (LC_ALL=xx_XX.UTF-8 date +%b).
 */
static void test_oom_line_prefix_syslog_locales(void **state)
{
	static const struct pcase cases[] = {
		{ "Okt 05 13:50:11 node-1 kernel: x", "x", -1, "Okt 05 13:50:11", true },         /* de */
		{ "Mai 15 13:50:11 node-1 kernel: x", "x", -1, "Mai 15 13:50:11", true },
		{ "Mär  9 13:50:11 node-1 kernel: x", "x", -1, "Mär  9 13:50:11", true },
		{ "Mrz  9 13:50:11 node-1 kernel: x", "x", -1, "Mrz  9 13:50:11", true },         /* de, old glibc */
		{ "Dez 03 13:50:11.123456 node-1 kernel: x", "x", -1, "Dez 03 13:50:11.123456", true },
		{ "août 01 13:50:11 node-1 kernel: x", "x", -1, "août 01 13:50:11", true },       /* fr */
		{ "févr. 10 13:50:11 node-1 kernel: x", "x", -1, "févr. 10 13:50:11", true },
		{ "déc. 03 13:50:11 node-1 kernel[1]: x", "x", -1, "déc. 03 13:50:11", true },
		{ "ene 07 13:50:11 node-1 kernel: x", "x", -1, "ene 07 13:50:11", true },         /* es */
		{ "ott 05 13:50:11 node-1 kernel: x", "x", -1, "ott 05 13:50:11", true },         /* it */
		{ "mrt 09 13:50:11 node-1 kernel: x", "x", -1, "mrt 09 13:50:11", true },         /* nl */
		{ "out 05 13:50:11 node-1 kernel: x", "x", -1, "out 05 13:50:11", true },         /* pt */
		{ "paź 05 13:50:11 node-1 kernel: x", "x", -1, "paź 05 13:50:11", true },         /* pl */
		{ "окт 05 13:50:11 node-1 kernel: x", "x", -1, "окт 05 13:50:11", true },         /* ru */
		{ "Οκτ 05 13:50:11 node-1 kernel: x", "x", -1, "Οκτ 05 13:50:11", true },         /* el */
		{ "Eki 05 13:50:11 node-1 kernel: x", "x", -1, "Eki 05 13:50:11", true },         /* tr */
		{ "joulu 03 13:50:11 node-1 kernel: x", "x", -1, "joulu 03 13:50:11", true },     /* fi */
		{ "12月 03 13:50:11 node-1 kernel: x", "x", -1, "12月 03 13:50:11", true },       /* zh, ja */
		{ " 5月 15 13:50:11 node-1 kernel: x", "x", -1, "5月 15 13:50:11", true,
		  false, false, true },
		{ "ธ.ค. 03 13:50:11 node-1 kernel: x", "x", -1, "ธ.ค. 03 13:50:11", true },       /* th */
		{ "de des. 03 13:50:11 node-1 kernel: x", "x", -1, "de des. 03 13:50:11", true }, /* ca */
		{ "Thg 12 03 13:50:11 node-1 kernel: x", "x", -1, "Thg 12 03 13:50:11", true },   /* vi */
		{ "Okt 05 13:50:11 node-1 systemd[1]: x.scope: killed", "x.scope: killed", -1,
		  "Okt 05 13:50:11", true, false, true },
		{ "Okt 05 13:50:11 kernel: x", "x", -1, "Okt 05 13:50:11", true },                /* --no-hostname */
		/* a word, a number and a clock that no host and tag follow: kernel text */
		{ "Okt 05 13:50:11 is when it began", "Okt 05 13:50:11 is when it began", -1, NULL },
		{ "watchdog 05 13:50:11 x", "watchdog 05 13:50:11 x", -1, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check(&cases[i]);
}

static void test_oom_line_prefix_pasted(void **state)
{
	static const struct pcase cases[] = {
		{ "> [ 1.0] x", "x", 1.0, NULL, true },
		{ "> > [ 1.0] x", "x", 1.0, NULL, true },
		{ ">> [ 1.0] x", "x", 1.0, NULL, true },
		/* quoting without its blank (many mail clients), "| " quoting */
		{ ">[ 1.0] x", "x", 1.0, NULL, true },
		{ ">>[ 1.0] x", "x", 1.0, NULL, true },
		{ ">Task in /a killed", "Task in /a killed", -1, NULL },
		{ "| [ 1.0] x", "x", 1.0, NULL, true },
		{ "| > [ 1.0] x", "x", 1.0, NULL, true },
		{ "|\t[ 1.0] x", "x", 1.0, NULL, true },
		{ ">>                                  file 49152", "file 49152", -1, NULL, false, false, false, true },
		{ "|                                   file 49152", "file 49152", -1, NULL, false, false, false, true },
		/* "|" not followed by a blank is text */
		{ "|x", "|x", -1, NULL },
		{ "    kern  :info  : [Thu Aug 17 17:29:27 2023] x", "x", -1, "Thu Aug 17 17:29:27 2023",
		  true, false, false, true },
		/* a continuation line of a multi-line record, quoted */
		{ ">                                   file 49152", "file 49152", -1, NULL, false, false, false, true },
		{ "", "", -1, NULL },
		{ ">", "", -1, NULL },
		{ "\t\t", "", -1, NULL },          /* a blank line is not indented */
		/* a prompt is no prefix */
		{ "sh-5.2$ sudo dmesg -w", "sh-5.2$ sudo dmesg -w", -1, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check(&cases[i]);
}

static void test_oom_line_prefix_hostile(void **state)
{
	struct oom_prefix pf;
	static const char nul[] = "[ 1.0]\0x";
	char *big;
	size_t n = 1 << 20;

	(void)state;
	oom_line_prefix(nul, sizeof(nul) - 1, &pf);
	assert_int_equal(pf.msg_len, 2);
	/* a line of brackets, digits and colons: bounded work, no prefix */
	big = xmalloc(n);
	memset(big, '[', n);
	oom_line_prefix(big, n, &pf);
	assert_int_equal(pf.msg_len, n);
	memset(big, '9', n);
	oom_line_prefix(big, n, &pf);
	assert_int_equal(pf.msg_len, n);
	big[1000] = '.';
	big[n - 1] = ']';
	oom_line_prefix(big, n, &pf);
	/* "999...9.999...9]": the number does not parse, it stays */
	assert_false(pf.has_ktime);
	free(big);
}

/* What tells a record and its log apart: kmsg sequence, host, prefix shape. */
static void test_oom_line_prefix_seq_host_shape(void **state)
{
	static const char kmsg[] = "6,4711,966516051,-;memory: usage 32768kB";
	static const char sys[] = "Aug 17 17:29:27 node-1 kernel: [ 1234.567890] x";
	static const char dm[] = "[ 1234.567890] x";
	static const char cut[] = "4.567890] x";
	struct oom_prefix pf;

	(void)state;
	oom_line_prefix(kmsg, strlen(kmsg), &pf);
	assert_true(pf.has_seq);
	assert_int_equal(pf.seq, 4711);
	assert_int_equal(pf.shape, OOM_SHAPE_KMSG);
	assert_null(pf.host);
	oom_line_prefix(sys, strlen(sys), &pf);
	assert_false(pf.has_seq);
	assert_int_equal(pf.host_len, 6);
	assert_memory_equal(pf.host, "node-1", 6);
	assert_int_equal(pf.shape, OOM_SHAPE_SYSLOG | OOM_SHAPE_HOST | OOM_SHAPE_KTIME);
	oom_line_prefix(dm, strlen(dm), &pf);
	assert_int_equal(pf.shape, OOM_SHAPE_KTIME);
	/* a line cut inside its prefix is still the same tool's */
	oom_line_prefix(cut, strlen(cut), &pf);
	assert_int_equal(pf.shape, OOM_SHAPE_KTIME);
}

static void test_oom_wall_time_iso(void **state)
{
	static const struct {
		const char *in, *out;   /* out NULL: false */
	} cases[] = {
		{ "Thu Aug 17 17:29:27 2023", "2023-08-17T17:29:27" },
		{ "Mon Sep  2 05:07:08 2024", "2024-09-02T05:07:08" },
		{ "二 9月  3 05:57:48 2024", "2024-09-03T05:57:48" },
		{ "화 9월  3 05:57:48 2024", "2024-09-03T05:57:48" },
		{ "Чт авг 17 17:29:27 2023", "2023-08-17T17:29:27" },
		{ "Di Mär  5 01:02:03 2024", "2024-03-05T01:02:03" },
		{ "jeu. août 17 17:29:27 2023", "2023-08-17T17:29:27" },
		{ "mar dic 31 23:59:59 2024", "2024-12-31T23:59:59" },
		{ "Thu Aug 17 7:29:27 2023", "2023-08-17T07:29:27" },
		{ "2023-08-17T17:29:27", "2023-08-17T17:29:27" },
		{ "2023-08-17 17:29:27.5", "2023-08-17T17:29:27.5" },
		{ "2023-08-17T17:29:27Z", "2023-08-17T17:29:27Z" },
		{ "2023-08-17T17:29:27+02:00", "2023-08-17T15:29:27Z" },
		{ "2023-08-17T17:29:27+0200", "2023-08-17T15:29:27Z" },
		{ "2024-09-03T05:57:48,123456+08:00", "2024-09-02T21:57:48.123456Z" },
		{ "2023-12-31T23:30:00-01:00", "2024-01-01T00:30:00Z" },
		{ "2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z" },
		/* journalctl -o short-full: its zone, or local time */
		{ "2026-12-03 13:50:11 UTC", "2026-12-03T13:50:11Z" },
		{ "2026-12-03 13:50:11.123456 GMT", "2026-12-03T13:50:11.123456Z" },
		{ "2026-12-03 13:50:11 +03", "2026-12-03T10:50:11Z" },
		{ "2026-12-03 13:50:11 CET", "2026-12-03T13:50:11" },
		/* journalctl -o short-unix */
		{ "1764769811.123456", "2025-12-03T13:50:11.123456Z" },
		{ "0.000001", "1970-01-01T00:00:00.000001Z" },
		{ "99999999999999999999.5", NULL },
		{ "May 17 19:54:29", NULL },               /* BSD syslog: no year */
		{ "Xyz Qqq 17 17:29:27 2023", NULL },      /* an unknown month */
		{ "Thu Aug 32 17:29:27 2023", NULL },
		{ "2023-13-17T17:29:27", NULL },
		{ "", NULL },
	};
	char buf[48];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool ok;

		strlcpy_s(buf, "untouched", sizeof(buf));
		ok = oom_wall_time_iso(cases[i].in, strlen(cases[i].in), buf, sizeof(buf));
		if (!cases[i].out) {
			if (ok)
				fail_msg("'%s' gave '%s', expected no time", cases[i].in, buf);
			assert_string_equal(buf, "untouched");
		} else if (!ok || strcmp(buf, cases[i].out)) {
			fail_msg("'%s' gave '%s' (%d), expected '%s'", cases[i].in, buf, ok,
				 cases[i].out);
		}
	}
	/* the buffer must hold any result */
	assert_false(oom_wall_time_iso("2023-08-17T17:29:27", 19, buf, 20));
}

/*
 * dmesg -T in every locale: util-linux formats "%a %b %e %H:%M:%S %Y" with
 * strftime under the reader's LC_TIME.  Strings from glibc 2.36
 * (LC_ALL=xx_XX.UTF-8 date '+%a %b %e %H:%M:%S %Y').
 */
static void test_oom_wall_time_iso_dmesg_T_locales(void **state)
{
	static const struct {
		const char *in, *out;   /* out NULL: false */
	} cases[] = {
		{ "Do Dez  3 13:50:11 2026", "2026-12-03T13:50:11" },           /* de */
		{ "Mo Mär  9 13:50:11 2026", "2026-03-09T13:50:11" },
		{ "jeu. déc.  3 13:50:11 2026", "2026-12-03T13:50:11" },        /* fr */
		{ "ven. juil.  3 13:50:11 2026", "2026-07-03T13:50:11" },
		{ "vie jul  3 13:50:11 2026", "2026-07-03T13:50:11" },          /* es */
		{ "czw gru  3 13:50:11 2026", "2026-12-03T13:50:11" },          /* pl */
		{ "pon sie  3 13:50:11 2026", "2026-08-03T13:50:11" },
		{ "pią lip  3 13:50:11 2026", "2026-07-03T13:50:11" },
		{ "Čt pro  3 13:50:11 2026", "2026-12-03T13:50:11" },           /* cs */
		{ "Po srp  3 13:50:11 2026", "2026-08-03T13:50:11" },           /* cs srpen: August */
		{ "pet srp  3 13:50:11 2026", "2026-07-03T13:50:11" },          /* hr srpanj: July */
		{ "Pá čec  3 13:50:11 2026", "2026-07-03T13:50:11" },
		{ "to joulu  3 13:50:11 2026", "2026-12-03T13:50:11" },         /* fi */
		{ "ma maalis  9 13:50:11 2026", "2026-03-09T13:50:11" },
		{ "Prş Ara  3 13:50:11 2026", "2026-12-03T13:50:11" },          /* tr */
		{ "Pzt Ağu  3 13:50:11 2026", "2026-08-03T13:50:11" },
		{ "чт гру  3 13:50:11 2026", "2026-12-03T13:50:11" },           /* uk */
		{ "пт лип  3 13:50:11 2026", "2026-07-03T13:50:11" },
		{ "Πεμ Δεκ  3 13:50:11 2026", "2026-12-03T13:50:11" },          /* el */
		{ "Παρ Μαΐ 15 13:50:11 2026", "2026-05-15T13:50:11" },
		{ "Чт дек  3 13:50:11 2026", "2026-12-03T13:50:11" },           /* ru */
		{ "Пт мая 15 13:50:11 2026", "2026-05-15T13:50:11" },
		{ "ЧТ ДЕК  3 13:50:11 2026", "2026-12-03T13:50:11" },           /* capitalised */
		{ "Чт Дек  3 13:50:11 2026", "2026-12-03T13:50:11" },
		{ "ΠΕΜ ΔΕΚ  3 13:50:11 2026", "2026-12-03T13:50:11" },
		{ "JEU. DÉC.  3 13:50:11 2026", "2026-12-03T13:50:11" },
		{ "四 12月  3 13:50:11 2026", "2026-12-03T13:50:11" },           /* zh */
		{ "金  5月 15 13:50:11 2026", "2026-05-15T13:50:11" },           /* ja */
		{ "dj. de des.  3 13:50:11 2026", "2026-12-03T13:50:11" },      /* ca */
		{ "dl. d’ag.  3 13:50:11 2026", "2026-08-03T13:50:11" },
		{ "T5 Thg 12  3 13:50:11 2026", "2026-12-03T13:50:11" },        /* vi */
		{ "พฤ. ธ.ค.  3 13:50:11 2026", "2026-12-03T13:50:11" },         /* th */
		{ "h márc  9 13:50:11 2026", "2026-03-09T13:50:11" },           /* hu */
		{ "Pn liep.  3 13:50:11 2026", "2026-07-03T13:50:11" },         /* lt */
		{ "ה' דצמ  3 13:50:11 2026", "2026-12-03T13:50:11" },           /* he */
		{ "ج يوليو  3 13:50:11 2026", "2026-07-03T13:50:11" },          /* ar */
		/* srp on a day that is neither July's nor August's weekday: unknown */
		{ "Čt srp  3 13:50:11 2026", NULL },
	};
	char buf[48];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool ok = oom_wall_time_iso(cases[i].in, strlen(cases[i].in), buf, sizeof(buf));

		if (!cases[i].out) {
			if (ok)
				fail_msg("'%s' gave '%s', expected no time", cases[i].in, buf);
		} else if (!ok || strcmp(buf, cases[i].out)) {
			fail_msg("'%s' gave '%s' (%d), expected '%s'", cases[i].in, ok ? buf : "",
				 ok, cases[i].out);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_line_prefix_dmesg),
		cmocka_unit_test(test_oom_line_prefix_kmsg),
		cmocka_unit_test(test_oom_line_prefix_seq_host_shape),
		cmocka_unit_test(test_oom_line_prefix_syslog_journal),
		cmocka_unit_test(test_oom_line_prefix_syslog_locales),
		cmocka_unit_test(test_oom_line_prefix_pasted),
		cmocka_unit_test(test_oom_line_prefix_hostile),
		cmocka_unit_test(test_oom_wall_time_iso),
		cmocka_unit_test(test_oom_wall_time_iso_dmesg_T_locales),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
