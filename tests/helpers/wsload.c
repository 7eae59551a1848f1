/* SPDX-License-Identifier: MIT */
/*
 * wsload: hold the kinds of memory memhog does not: kernel memory (page
 * tables, kernel stacks, socket buffers, dentries), mlocked page cache, and
 * memory shared between processes.  A workload for memsnap's working-set
 * tests (tests/t50-t56): each option makes one kind, in amounts the tests
 * can predict, and prints what it made as key=value lines.
 *
 *   --cgroup DIR        write our pid to DIR/cgroup.procs first: every
 *                       charge below (kernel memory included) lands there
 *   --pagetables MIB    about MIB MiB of page tables and nothing else: a
 *                       read-only private anonymous mapping of MIB * 512 MiB
 *                       is read once every 2 MiB, so each read maps the
 *                       shared zero page (no memory charged) through a
 *                       page-table page of its own (4 KiB charged as kernel
 *                       memory); THP is off on the mapping, so no huge zero
 *                       page is used instead
 *   --threads N         N threads that sleep: N kernel stacks (16 KiB each
 *                       on x86-64) charged to our cgroup, which forked them
 *   --sockets N         N TCP connections over 127.0.0.1 whose senders write
 *                       until the receive and send buffers are full, and
 *                       nobody reads: socket buffer memory (cgroup v2
 *                       charges it to the memory cgroup, v1 does not);
 *                       brings the loopback interface up if it is down
 *   --dentries N --dir DIR
 *                       look up N names that do not exist in DIR: N negative
 *                       dentries, reclaimable slab charged to our cgroup
 *   --mlock-file PATH --mlock-mb MIB
 *                       write PATH (truncated first), fsync it, map it and
 *                       mlock() the mapping: MIB MiB of page cache that is
 *                       on no file LRU list (unevictable); needs RLIMIT_MEMLOCK
 *                       or CAP_IPC_LOCK (root)
 *   --fork N            after the above, fork N children that stay (and die
 *                       with us); with:
 *   --shared MIB        a MAP_SHARED anonymous mapping (shmem) written by
 *                       the parent and read by every child: MIB MiB mapped
 *                       N + 1 times, charged once
 *   --cow MIB           a private anonymous mapping written by the parent
 *                       before the fork and only read by the children: the
 *                       anon pages stay shared copy-on-write, MIB MiB mapped
 *                       N + 1 times, charged once
 *   --ready FILE        write our pid to FILE when everything is in place
 *                       (children included)
 *   --hold SECONDS      exit after that long (default: until killed)
 *
 * Output: `pid=`, then per option what was made (`pagetables_reads=`,
 * `threads=`, `sock_queued_bytes=` (payload queued: the charge is at least
 * this), `dentries=`, `mlock_bytes=`, `child_pid=` per child, ...), then
 * `ready=1`.  Exit: 0, 1 on a failure (`error:` on stderr), 2 bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/helpers/lib/helper.h"
#include "common/banned.h"

#define MIB ((size_t)1 << 20)
#define PTE_SPAN ((size_t)2 << 20) /* address range one page-table page maps */

static const char *created_file;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wsload [--cgroup DIR] [--pagetables MIB] [--threads N] [--sockets N]\n"
		"              [--dentries N --dir DIR] [--mlock-file PATH --mlock-mb MIB]\n"
		"              [--fork N [--shared MIB] [--cow MIB]] [--ready FILE]\n"
		"              [--hold SECONDS]\n"
		"\n"
		"Holds kernel memory (page tables, kernel stacks, socket buffers,\n"
		"dentries), mlocked page cache and memory shared between processes.\n");
}

static int do_pagetables(size_t mb)
{
	size_t reads = mb * MIB / page_size(), len = reads * PTE_SPAN;
	unsigned sum = 0;
	char *p;

	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return err("cannot reserve %zu GiB of address space: %s", len >> 30,
			   strerror(errno));
	if (madvise(p, len, MADV_NOHUGEPAGE) < 0 && errno != EINVAL)
		return err("madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
	for (size_t i = 0; i < reads; i++)
		sum += (unsigned char)((const volatile char *)p)[i * PTE_SPAN];
	say("pagetables_reads=%zu pagetables_span_bytes=%zu zero_sum=%u", reads, len, sum);
	return 0;
}

static int wake_pipe[2] = { -1, -1 };

static void *sleeper(void *arg)
{
	char c;

	(void)arg;
	/* Blocks until the process exits: nobody writes to the pipe. */
	while (read(wake_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static int do_threads(long n)
{
	pthread_attr_t attr;
	long made = 0;
	int r;

	if (pipe2(wake_pipe, O_CLOEXEC) < 0)
		return err("pipe: %s", strerror(errno));
	pthread_attr_init(&attr);
	/* Small user stacks: the point is the kernel stacks. */
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (; made < n; made++) {
		pthread_t t;

		r = pthread_create(&t, &attr, sleeper, NULL);
		if (r) {
			pthread_attr_destroy(&attr);
			return err("cannot create thread %ld of %ld: %s", made + 1, n, strerror(r));
		}
	}
	pthread_attr_destroy(&attr);
	say("threads=%ld", made);
	return 0;
}

/* Bring lo up (a fresh VM has it down); fine if it already is. */
static int loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
			int e = errno;

			close(s);
			return -e;
		}
	}
	close(s);
	return 0;
}

static int do_sockets(long n)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	char *chunk;
	size_t queued = 0;
	int l, r;

	r = loopback_up();
	if (r < 0)
		return err("cannot bring lo up: %s", strerror(-r));
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return err("socket: %s", strerror(errno));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, (int)n) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) < 0)
		return err("cannot listen on 127.0.0.1: %s", strerror(errno));
	chunk = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (chunk == MAP_FAILED)
		return err("mmap: %s", strerror(errno));
	memset(chunk, 0x53, MIB);
	for (long i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s, inq = 0, outq = 0;

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			return err("cannot connect to 127.0.0.1:%d: %s", ntohs(a.sin_port),
				   strerror(errno));
		s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			return err("accept: %s", strerror(errno));
		if (fcntl(c, F_SETFL, O_NONBLOCK) < 0)
			return err("fcntl: %s", strerror(errno));
		for (;;) {
			ssize_t w = write(c, chunk, MIB);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				/* Give the stack a moment to move data, then stop. */
				struct timespec ts = { 0, 20 * 1000 * 1000 };

				nanosleep(&ts, NULL);
				w = write(c, chunk, MIB);
				if (w < 0)
					break;
				continue;
			}
			if (w < 0)
				return err("write to socket %ld: %s", i, strerror(errno));
		}
		ioctl(s, FIONREAD, &inq);
		ioctl(c, TIOCOUTQ, &outq);
		queued += (size_t)inq + (size_t)outq;
		/* c and s stay open: their buffers are the point. */
	}
	munmap(chunk, MIB);
	say("sockets=%ld sock_queued_bytes=%zu", n, queued);
	return 0;
}

static int do_dentries(long n, const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	long missing = 0;

	for (long i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/wsload-no-such-name-%ld-%ld", dir,
			     (long)getpid(), i) >= (int)sizeof(path))
			return err("--dir too long");
		if (stat(path, &st) < 0 && errno == ENOENT)
			missing++;
	}
	if (missing != n)
		return err("%ld of %ld names in '%s' exist", n - missing, n, dir);
	say("dentries=%ld", n);
	return 0;
}

static int do_mlock_file(const char *path, size_t mb)
{
	size_t len = mb * MIB;
	char *chunk, *p;
	int fd, r = 0;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err("cannot create '%s': %s", path, strerror(errno));
	created_file = path;
	chunk = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (chunk == MAP_FAILED)
		return err("mmap: %s", strerror(errno));
	memset(chunk, 0x4c, MIB);
	for (size_t i = 0; i < mb && r == 0; i++)
		r = write_all(fd, chunk, MIB);
	munmap(chunk, MIB);
	if (r < 0)
		return err("cannot write '%s': %s", path, strerror(-r));
	if (fsync(fd) < 0)
		return err("cannot fsync '%s': %s", path, strerror(errno));
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return err("cannot map '%s': %s", path, strerror(errno));
	if (mlock(p, len) < 0)
		return err("cannot mlock %zu MiB of '%s': %s", mb, path, strerror(errno));
	say("mlock_file=%s mlock_bytes=%zu", path, len);
	return 0;
}

#define MAX_CHILDREN 1024
static pid_t children[MAX_CHILDREN];
static long nchildren;

static int do_fork(long n, size_t shared_mb, size_t cow_mb)
{
	size_t ps = page_size(), slen = shared_mb * MIB, clen = cow_mb * MIB;
	char *shared = NULL, *cow = NULL;
	pid_t parent = getpid();

	if (slen) {
		shared = mmap(NULL, slen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (shared == MAP_FAILED)
			return err("cannot map %zu MiB shared: %s", shared_mb, strerror(errno));
		madvise(shared, slen, MADV_NOHUGEPAGE);
		for (size_t off = 0; off < slen; off += ps)
			shared[off] = 0x48;
	}
	if (clen) {
		cow = mmap(NULL, clen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (cow == MAP_FAILED)
			return err("cannot map %zu MiB private: %s", cow_mb, strerror(errno));
		madvise(cow, clen, MADV_NOHUGEPAGE);
		for (size_t off = 0; off < clen; off += ps)
			cow[off] = 0x43;
	}
	say("shared_bytes=%zu cow_bytes=%zu", slen, clen);
	if (n > MAX_CHILDREN)
		return err("at most %d children", MAX_CHILDREN);
	for (long i = 0; i < n; i++) {
		pid_t c = fork();

		if (c < 0)
			return err("fork %ld of %ld: %s", i + 1, n, strerror(errno));
		if (c == 0) {
			unsigned sum = 0;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			/* Read only: the pages stay shared with the parent. */
			for (size_t off = 0; off < slen; off += ps)
				sum += (unsigned char)((volatile char *)shared)[off];
			for (size_t off = 0; off < clen; off += ps)
				sum += (unsigned char)((volatile char *)cow)[off];
			(void)sum;
			for (;;)
				pause();
		}
		say("child_pid=%ld", (long)c);
		children[nchildren++] = c;
	}
	return 0;
}

/* VmRSS of pid in kB, or -1. */
static long rss_kb(pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n;
	char *p;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nVmRSS:");
	return p ? strtol(p + 7, NULL, 10) : -1;
}

/*
 * The children map the pages by reading them: wait until the RSS of each
 * holds the mb MiB it reads before saying we are ready (60 s at most).
 */
static int wait_children_mapped(long mb)
{
	for (int tries = 600; tries > 0; tries--) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		long done = 0;

		for (long i = 0; i < nchildren; i++)
			done += rss_kb(children[i]) >= mb * 1024;
		if (done == nchildren)
			return 0;
		nanosleep(&ts, NULL);
	}
	return err("the children did not map what they read within 60 s");
}

int main(int argc, char **argv)
{
	enum {
		OPT_PAGETABLES = 256, OPT_THREADS, OPT_SOCKETS, OPT_DENTRIES, OPT_DIR,
		OPT_MLOCK_FILE, OPT_MLOCK_MB, OPT_FORK, OPT_SHARED, OPT_COW, OPT_READY,
		OPT_HOLD,
	};
	static const struct option longopts[] = {
		{ "cgroup", required_argument, NULL, 'c' },
		{ "pagetables", required_argument, NULL, OPT_PAGETABLES },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "sockets", required_argument, NULL, OPT_SOCKETS },
		{ "dentries", required_argument, NULL, OPT_DENTRIES },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "mlock-file", required_argument, NULL, OPT_MLOCK_FILE },
		{ "mlock-mb", required_argument, NULL, OPT_MLOCK_MB },
		{ "fork", required_argument, NULL, OPT_FORK },
		{ "shared", required_argument, NULL, OPT_SHARED },
		{ "cow", required_argument, NULL, OPT_COW },
		{ "ready", required_argument, NULL, OPT_READY },
		{ "hold", required_argument, NULL, OPT_HOLD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long pagetables = 0, threads = 0, sockets = 0, dentries = 0, forks = 0;
	long shared = 0, cow = 0, mlock_mb = 0, hold = -1, *target;
	const char *cgroup = NULL, *dir = NULL, *mlock_file = NULL, *ready = NULL;
	int c, li = 0, rc = 1;

	helper_name = "wsload";
	while ((c = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
		target = NULL;
		switch (c) {
		case 'c': cgroup = optarg; break;
		case OPT_PAGETABLES: target = &pagetables; break;
		case OPT_THREADS: target = &threads; break;
		case OPT_SOCKETS: target = &sockets; break;
		case OPT_DENTRIES: target = &dentries; break;
		case OPT_DIR: dir = optarg; break;
		case OPT_MLOCK_FILE: mlock_file = optarg; break;
		case OPT_MLOCK_MB: target = &mlock_mb; break;
		case OPT_FORK: target = &forks; break;
		case OPT_SHARED: target = &shared; break;
		case OPT_COW: target = &cow; break;
		case OPT_READY: ready = optarg; break;
		case OPT_HOLD: target = &hold; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (target && (*target = parse_count(optarg, INT_MAX)) < 0) {
			err("bad --%s '%s': a whole number expected", longopts[li].name, optarg);
			return 2;
		}
	}
	if (optind < argc) {
		err("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (!dentries != !dir || !mlock_file != !mlock_mb) {
		err("--dentries goes with --dir, --mlock-file with --mlock-mb");
		return 2;
	}
	if ((shared || cow) && !forks) {
		err("--shared and --cow need --fork");
		return 2;
	}

	stop_on_signals();

	say("pid=%ld", (long)getpid());
	if (cgroup && join_cgroup(cgroup) < 0)
		goto out;
	if (pagetables && do_pagetables((size_t)pagetables) < 0)
		goto out;
	if (threads && do_threads(threads) < 0)
		goto out;
	if (sockets && do_sockets(sockets) < 0)
		goto out;
	if (dentries && do_dentries(dentries, dir) < 0)
		goto out;
	if (mlock_file && do_mlock_file(mlock_file, (size_t)mlock_mb) < 0)
		goto out;
	if (forks && do_fork(forks, (size_t)shared, (size_t)cow) < 0)
		goto out;
	if (forks && wait_children_mapped(shared + cow) < 0)
		goto out;
	if (ready && write_ready(ready) < 0)
		goto out;
	say("ready=1");
	{
		struct timespec end, now;

		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += hold;
		while (!stop_signal) {
			struct timespec left = { 1, 0 };

			if (hold >= 0) {
				clock_gettime(CLOCK_MONOTONIC, &now);
				if (now.tv_sec >= end.tv_sec)
					break;
			}
			nanosleep(&left, NULL);
		}
	}
	rc = 0;
out:
	/* The children die with us (PR_SET_PDEATHSIG). */
	if (created_file)
		unlink(created_file);
	return rc;
}
