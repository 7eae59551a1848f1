/* SPDX-License-Identifier: MIT */
#include "tests/helpers/lib/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "common/banned.h"

const char *helper_name = "helper";
volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void stop_on_signals(void)
{
	catch_stop_signals(on_signal, 0);
}

int err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", helper_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

long parse_count(const char *s, long max)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	return v;
}

/* Our pid and a newline into path (by path.tmp when atomic); -errno. */
static int write_pid_to(const char *path, bool atomic)
{
	char tmp[PATH_MAX], buf[32];
	const char *target = path;
	int fd, r;

	if (atomic) {
		if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
			return -ENAMETOOLONG;
		target = tmp;
	}
	fd = open(target, O_WRONLY | O_CLOEXEC | (atomic ? O_CREAT | O_TRUNC : 0), 0644);
	if (fd < 0)
		return -errno;
	snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	r = write_all(fd, buf, strlen(buf));
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && atomic && rename(tmp, path) < 0)
		r = -errno;
	return r;
}

int join_cgroup(const char *dir)
{
	char path[PATH_MAX];
	int r;

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		return err("cgroup path too long '%s'", dir);
	r = write_pid_to(path, false);
	if (r < 0)
		return err("cannot join cgroup '%s': %s", path, strerror(-r));
	say("cgroup=%s", dir);
	return 0;
}

int write_ready(const char *path)
{
	int r = write_pid_to(path, true);

	if (r < 0)
		return err("cannot write '%s': %s", path, strerror(-r));
	return 0;
}

size_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096;
}
