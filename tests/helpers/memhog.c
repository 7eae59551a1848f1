/* SPDX-License-Identifier: MIT */
/*
 * memhog: hold known amounts of each kind of memory, then wait.
 *
 * A test workload for memsnap: the tests compare what the collector captured
 * (memory.stat, smaps_rollup, status) with what this program made, so every
 * amount is an exact multiple of 1 MiB and every page is really touched.
 *
 *   --cgroup DIR           write our pid to DIR/cgroup.procs first, so every
 *                          charge below lands in that cgroup
 *   --anon MIB             private anonymous memory (mmap), every page written
 *   --file PATH --file-mb MIB
 *                          write PATH (truncated first), fsync it, read it
 *                          back and map it, so its page cache is charged to
 *                          our cgroup and stays active
 *   --no-map               leave the --file pages unmapped (page cache only)
 *   --shmem PATH --shmem-mb MIB
 *                          write a file of that size on a tmpfs (/dev/shm/...)
 *   --memfd MIB            memfd_create() and write that much
 *   --sysv MIB             a SysV shm segment, attached and written; marked
 *                          IPC_RMID right after attach so it goes with us
 *   --until-killed         after the above, allocate and touch 1 MiB chunks
 *                          forever (for OOM tests)
 *   --grow MIB         after the above, allocate and touch 1 MiB chunks at
 *                          MIB MiB a second, paced on CLOCK_MONOTONIC, until
 *                          --hold ends or a signal (growth-rate tests)
 *   --grow-into PATH       --grow writes its chunks to PATH (created, truncated)
 *                          instead: page cache on a disk, shmem on a tmpfs
 *                          (--grow prints `grow_t_ns=T grow_done_mb=N` after
 *                          each chunk, T on CLOCK_MONOTONIC: what was made
 *                          when, for a test to compare rates with)
 *   --ready FILE           write our pid to FILE when everything is touched
 *                          (we write it, so its page is charged to our
 *                          cgroup too: shmem on a tmpfs, file on a disk)
 *   --hold SECONDS         exit after that long (default: wait until killed);
 *                          while waiting, the --file mapping is read every
 *                          5 s so its pages stay active
 *   --keep                 do not remove the --file/--shmem files at exit
 *
 * What was done goes to stdout as `key=value` lines (flushed at once), so a
 * test can read sizes and addresses back.  Exit: 0, 1 on a failure (with an
 * `error:` line on stderr), 2 for bad usage.
 *
 * Why mmap and not malloc: malloc'd memory carries allocator overhead and may
 * come from the heap in pieces; an anonymous mapping of exactly N MiB is
 * exactly N MiB of anon pages once written.  THP is disabled on our mappings
 * (MADV_NOHUGEPAGE) so page counts do not depend on the host's THP setting or
 * on khugepaged.
 *
 * Page cache is charged to the memory cgroup of the task that brings a page
 * in, which is why --cgroup is joined before anything is allocated and why
 * --file truncates PATH: pages cached earlier by someone else would stay
 * charged to them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/helpers/lib/helper.h"
#include "common/banned.h"

#define MIB ((size_t)1 << 20)
#define HOLD_SLICE 5 /* seconds between touches of the --file mapping */

/* Files we created, removed at exit unless --keep (never someone else's). */
static const char *created_file, *created_shmem, *created_grow;

struct options {
	const char *cgroup;
	size_t anon_mb;
	const char *file_path;
	size_t file_mb;
	bool file_map;
	const char *shmem_path;
	size_t shmem_mb;
	size_t memfd_mb;
	size_t sysv_mb;
	bool until_killed;
	size_t grow_mb;     /* MiB a second, 0 = none */
	const char *grow_into; /* --grow writes to this file, NULL: anon */
	const char *ready;
	long hold;          /* seconds, -1 = until killed */
	bool keep;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: memhog [--cgroup DIR] [--anon MIB] [--file PATH --file-mb MIB [--no-map]]\n"
		"              [--shmem PATH --shmem-mb MIB] [--memfd MIB] [--sysv MIB]\n"
		"              [--until-killed] [--grow MIB [--grow-into PATH]] [--ready FILE] [--hold SECONDS] [--keep]\n"
		"\n"
		"Holds exact amounts (whole MiB, every page touched) of anonymous memory,\n"
		"page cache, tmpfs, memfd and SysV shm, then waits; prints key=value lines.\n");
}

/* Write one byte in every page of [p, p+len): each page gets allocated. */
static void touch_pages(char *p, size_t len, char value)
{
	size_t ps = page_size();

	for (size_t off = 0; off < len; off += ps)
		((volatile char *)p)[off] = value;
}

/* Read one byte in every page: faults file pages in, marks them accessed. */
static unsigned read_pages(const char *p, size_t len)
{
	size_t ps = page_size();
	unsigned sum = 0;

	for (size_t off = 0; off < len; off += ps)
		sum += (unsigned char)((const volatile char *)p)[off];
	return sum;
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Best effort: without THP support the call fails harmlessly. */
	(void)madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

/*
 * A 1 MiB scratch buffer for write()/read(), mapped for one operation and
 * unmapped after: a static buffer would stay as 1 MiB of anon in our cgroup
 * and spoil the exact --anon figure.
 */
static char *scratch_get(void)
{
	void *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void scratch_put(char *p)
{
	if (p)
		munmap(p, MIB);
}

/* Fill fd with `mb` MiB of non-zero bytes, one 1 MiB write at a time. */
static int fill_fd(int fd, size_t mb, char pattern)
{
	char *chunk = scratch_get();
	int r = 0;

	if (!chunk)
		return -errno;
	memset(chunk, pattern, MIB);
	for (size_t i = 0; i < mb && r == 0; i++)
		r = write_all(fd, chunk, MIB);
	scratch_put(chunk);
	return r;
}

/* read() the whole of fd from the start: every page is accessed once. */
static int read_fd(int fd, size_t len)
{
	char *chunk = scratch_get();
	int r = 0;

	if (!chunk)
		return -errno;
	if (lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	for (size_t done = 0; r == 0 && done < len;) {
		ssize_t n = read(fd, chunk, MIB);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		else if (n == 0)
			r = -ENODATA;
		else
			done += (size_t)n;
	}
	scratch_put(chunk);
	return r;
}

static int do_anon(size_t mb)
{
	size_t len = mb * MIB;
	char *p = map_anon(len);

	if (!p)
		return err("cannot map %zu MiB of anonymous memory: %s", mb,
			   strerror(errno));
	touch_pages(p, len, 0x5a);
	say("anon_bytes=%zu anon_addr=%p", len, (void *)p);
	return 0;
}

/* Where the --file mapping is, so the hold loop can touch it again. */
static const char *file_map_addr;
static size_t file_map_len;

static int do_file(const char *path, size_t mb, bool map)
{
	size_t len = mb * MIB;
	int fd, r;

	/* O_TRUNC drops pages cached before (charged to whoever read them). */
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err("cannot create '%s': %s", path, strerror(errno));
	created_file = path;
	r = fill_fd(fd, mb, 0x46);
	if (r < 0) {
		close(fd);
		return err("cannot write '%s': %s", path, strerror(-r));
	}
	/* Clean pages, like ordinary cache; dirty ones show as file_dirty. */
	if (fsync(fd) < 0)
		say("file_fsync_error=%s", strerror(errno));
	/*
	 * Writing does not mark pages accessed on recent kernels; the first
	 * read marks them referenced, the second moves them to the active
	 * list (mark_page_accessed), like a file a program really uses.
	 */
	for (int pass = 0; pass < 2; pass++) {
		r = read_fd(fd, len);
		if (r < 0) {
			close(fd);
			return err("cannot read back '%s': %s", path, strerror(-r));
		}
	}
	if (map) {
		void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

		if (p == MAP_FAILED) {
			close(fd);
			return err("cannot map '%s': %s", path, strerror(errno));
		}
		(void)read_pages(p, len);
		file_map_addr = p;
		file_map_len = len;
		say("file=%s file_bytes=%zu file_mapped=1 file_addr=%p", path, len, p);
	} else {
		say("file=%s file_bytes=%zu file_mapped=0", path, len);
	}
	/* The fd stays open (and the mapping in place) until we exit. */
	return 0;
}

static int do_shmem(const char *path, size_t mb)
{
	int fd, r;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return err("cannot create '%s': %s", path, strerror(errno));
	created_shmem = path;
	r = fill_fd(fd, mb, 0x53);
	if (r < 0) {
		close(fd);
		return err("cannot write '%s': %s", path, strerror(-r));
	}
	say("shmem=%s shmem_bytes=%zu", path, mb * MIB);
	return 0;
}

static int do_memfd(size_t mb)
{
	int fd, r;

	fd = memfd_create("memhog", MFD_CLOEXEC);
	if (fd < 0)
		return err("cannot memfd_create: %s", strerror(errno));
	r = fill_fd(fd, mb, 0x4d);
	if (r < 0) {
		close(fd);
		return err("cannot write memfd: %s", strerror(-r));
	}
	say("memfd_fd=%d memfd_bytes=%zu", fd, mb * MIB);
	return 0;
}

static int do_sysv(size_t mb)
{
	size_t len = mb * MIB;
	int id;
	char *p;

	id = shmget(IPC_PRIVATE, len, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return err("cannot shmget %zu MiB: %s", mb, strerror(errno));
	p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		int e = errno;

		shmctl(id, IPC_RMID, NULL);
		return err("cannot shmat: %s", strerror(e));
	}
	/* Removed once the last detach happens, i.e. when we exit or die. */
	if (shmctl(id, IPC_RMID, NULL) < 0)
		return err("cannot mark shm %d IPC_RMID: %s", id, strerror(errno));
	touch_pages(p, len, 0x56);
	say("sysv_id=%d sysv_bytes=%zu sysv_addr=%p", id, len, (void *)p);
	return 0;
}

static void until_killed(void)
{
	size_t mb = 0;

	say("until_killed=1");
	for (;;) {
		char *p = map_anon(MIB);

		if (!p) {
			/* No address space left: the cgroup limit did not kill us. */
			say("until_killed_mmap_failed_at_mb=%zu", mb);
			for (;;)
				pause();
		}
		touch_pages(p, MIB, 0x4b);
		mb++;
		if (mb % 64 == 0)
			say("until_killed_mb=%zu", mb);
	}
}

static void grow_said(size_t mb)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	say("grow_t_ns=%lld grow_done_mb=%zu", (long long)t.tv_sec * 1000000000LL + t.tv_nsec, mb);
}

/*
 * --grow: chunk i at start + i / rate seconds, until end or a signal; a
 * chunk is 1 MiB of anon, or with fd >= 0 (--grow-into) 1 MiB written to fd.
 */
static void grow(size_t rate, int fd, const struct timespec *end, bool until_end)
{
	struct timespec start, now;
	size_t mb = 0;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	say("grow_mb_per_s=%zu", rate);
	say("grow_t_ns=%lld grow_done_mb=0",
	    (long long)start.tv_sec * 1000000000LL + start.tv_nsec);
	while (!stop_signal) {
		double due = (double)mb / (double)rate, t;
		char *p;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (until_end && (now.tv_sec > end->tv_sec ||
				  (now.tv_sec == end->tv_sec && now.tv_nsec >= end->tv_nsec)))
			break;
		t = (double)(now.tv_sec - start.tv_sec) +
		    (double)(now.tv_nsec - start.tv_nsec) / 1e9;
		if (t < due) {
			struct timespec d;
			double w = due - t;

			d.tv_sec = (time_t)w;
			d.tv_nsec = (long)((w - (double)d.tv_sec) * 1e9);
			nanosleep(&d, NULL);
			continue;
		}
		if (fd >= 0) {
			r = fill_fd(fd, 1, 0x47);
			if (r < 0) {
				say("grow_write_failed_at_mb=%zu error=%s", mb, strerror(-r));
				break;
			}
			mb++;
			grow_said(mb);
			continue;
		}
		p = map_anon(MIB);
		if (!p) {
			say("grow_mmap_failed_at_mb=%zu", mb);
			break;
		}
		touch_pages(p, MIB, 0x4c);
		mb++;
		grow_said(mb);
	}
	say("grow_mb=%zu", mb);
}

static int parse_mb(const char *opt, const char *arg, size_t *ret)
{
	long v = parse_count(arg, LONG_MAX);

	/* Keep len = mb * MIB well inside size_t and off_t. */
	if (v < 0 || (unsigned long)v > (SIZE_MAX >> 21)) {
		err("bad %s '%s': a whole number of MiB expected", opt, arg);
		return -1;
	}
	*ret = (size_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	enum {
		OPT_FILE_MB = 256, OPT_SHMEM_MB, OPT_NO_MAP, OPT_UNTIL_KILLED,
		OPT_KEEP, OPT_GROW, OPT_GROW_INTO,
	};
	static const struct option longopts[] = {
		{ "cgroup", required_argument, NULL, 'c' },
		{ "anon", required_argument, NULL, 'a' },
		{ "file", required_argument, NULL, 'f' },
		{ "file-mb", required_argument, NULL, OPT_FILE_MB },
		{ "no-map", no_argument, NULL, OPT_NO_MAP },
		{ "shmem", required_argument, NULL, 's' },
		{ "shmem-mb", required_argument, NULL, OPT_SHMEM_MB },
		{ "memfd", required_argument, NULL, 'm' },
		{ "sysv", required_argument, NULL, 'v' },
		{ "until-killed", no_argument, NULL, OPT_UNTIL_KILLED },
		{ "grow", required_argument, NULL, OPT_GROW },
		{ "grow-into", required_argument, NULL, OPT_GROW_INTO },
		{ "ready", required_argument, NULL, 'r' },
		{ "hold", required_argument, NULL, 'H' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .file_map = true, .hold = -1 };
	int c, rc = 1, grow_fd = -1;

	helper_name = "memhog";
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.cgroup = optarg; break;
		case 'a': if (parse_mb("--anon", optarg, &o.anon_mb)) return 2; break;
		case 'f': o.file_path = optarg; break;
		case OPT_FILE_MB: if (parse_mb("--file-mb", optarg, &o.file_mb)) return 2; break;
		case OPT_NO_MAP: o.file_map = false; break;
		case 's': o.shmem_path = optarg; break;
		case OPT_SHMEM_MB: if (parse_mb("--shmem-mb", optarg, &o.shmem_mb)) return 2; break;
		case 'm': if (parse_mb("--memfd", optarg, &o.memfd_mb)) return 2; break;
		case 'v': if (parse_mb("--sysv", optarg, &o.sysv_mb)) return 2; break;
		case OPT_UNTIL_KILLED: o.until_killed = true; break;
		case OPT_GROW: if (parse_mb("--grow", optarg, &o.grow_mb)) return 2; break;
		case OPT_GROW_INTO: o.grow_into = optarg; break;
		case 'r': o.ready = optarg; break;
		case 'H':
			o.hold = parse_count(optarg, LONG_MAX);
			if (o.hold < 0) {
				err("bad --hold '%s': whole seconds expected", optarg);
				return 2;
			}
			break;
		case OPT_KEEP: o.keep = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		err("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!o.file_path != !o.file_mb) {
		err("--file and --file-mb go together (and the size is not 0)");
		return 2;
	}
	if (!o.shmem_path != !o.shmem_mb) {
		err("--shmem and --shmem-mb go together (and the size is not 0)");
		return 2;
	}
	if (o.grow_into && !o.grow_mb) {
		err("--grow-into needs --grow");
		return 2;
	}

	stop_on_signals();

	say("pid=%ld", (long)getpid());
	if (o.cgroup && join_cgroup(o.cgroup) < 0)
		goto out;
	if (o.anon_mb && do_anon(o.anon_mb) < 0)
		goto out;
	if (o.file_path && do_file(o.file_path, o.file_mb, o.file_map) < 0)
		goto out;
	if (o.shmem_path && do_shmem(o.shmem_path, o.shmem_mb) < 0)
		goto out;
	if (o.memfd_mb && do_memfd(o.memfd_mb) < 0)
		goto out;
	if (o.sysv_mb && do_sysv(o.sysv_mb) < 0)
		goto out;
	if (o.grow_into) {
		grow_fd = open(o.grow_into, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (grow_fd < 0) {
			err("cannot create '%s': %s", o.grow_into, strerror(errno));
			goto out;
		}
		created_grow = o.grow_into;
		say("grow_into=%s", o.grow_into);
	}

	if (o.ready && write_ready(o.ready) < 0)
		goto out;
	say("ready=1");

	if (o.until_killed)
		until_killed();

	/*
	 * Wait in slices of at most HOLD_SLICE seconds; after each, read the
	 * --file mapping again so its pages stay referenced (the kernel could
	 * otherwise age them to the inactive list while we hold).
	 */
	{
		struct timespec end, now;

		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += o.hold;
		if (o.grow_mb)
			grow(o.grow_mb, grow_fd, &end, o.hold >= 0);
		while (!stop_signal) {
			struct timespec left = { HOLD_SLICE, 0 };

			if (o.hold >= 0) {
				clock_gettime(CLOCK_MONOTONIC, &now);
				left.tv_sec = end.tv_sec - now.tv_sec;
				left.tv_nsec = end.tv_nsec - now.tv_nsec;
				if (left.tv_nsec < 0) {
					left.tv_nsec += 1000000000L;
					left.tv_sec--;
				}
				if (left.tv_sec < 0)
					break;
				if (left.tv_sec >= HOLD_SLICE)
					left = (struct timespec){ HOLD_SLICE, 0 };
			}
			nanosleep(&left, NULL); /* EINTR: re-check the signal */
			if (file_map_addr)
				(void)read_pages(file_map_addr, file_map_len);
		}
	}
	rc = 0;
	if (stop_signal)
		say("signal=%d", (int)stop_signal);
out:
	/* Files on tmpfs outlive us and hold memory: remove them unless asked. */
	if (!o.keep) {
		if (created_shmem)
			unlink(created_shmem);
		if (created_file)
			unlink(created_file);
		if (created_grow)
			unlink(created_grow);
	}
	return rc;
}
