/* SPDX-License-Identifier: MIT */
/*
 * spawn N VMAS [CGROUP_DIR...]: start N processes that sleep until killed,
 * spread round-robin over the memory cgroup folders given (each child's
 * pid is written to their cgroup.procs), print their pids, then "ready".
 * Each child first maps VMAS separate private mappings of 16 KiB (every
 * other one read-only, so the kernel cannot merge them) and touches a page
 * of each: a real program has tens to hundreds of mappings (libraries,
 * heap arenas, thread stacks), and what reads /proc/PID/smaps pays per
 * mapping.  Used by tests/t72-collect-10k.sh (static, as built by make) and
 * tests/bench/smem-bench.sh (which builds it dynamically linked).
 *
 * On SIGTERM the spawner kills every child and reaps it, so they are gone
 * from /proc at once (children of a dead parent linger as zombies until
 * init reaps them, and a zombie's status is still readable); the children
 * also die with it (PR_SET_PDEATHSIG) if it is killed outright.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void child(pid_t parent, int vmas, const int *fds, int nfds)
{
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	/* the parent's cgroup.procs files: a sleeping program holds only its
	 * standard streams (and the collector reads the link of every fd) */
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	for (i = 0; i < vmas; i++) {
		char *p = mmap(NULL, 16384, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			break;
		p[0] = 1;
		if (i % 2)
			mprotect(p, 16384, PROT_READ);
	}
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int n, vmas, ncg, i;
	int *fds;
	pid_t *pids, parent = getpid();

	if (argc < 3) {
		fprintf(stderr, "usage: spawn N VMAS [CGROUP_DIR...]\n");
		return 2;
	}
	n = atoi(argv[1]);
	vmas = atoi(argv[2]);
	ncg = argc - 3;
	fds = calloc((size_t)ncg + 1, sizeof(int));
	pids = calloc((size_t)n + 1, sizeof(pid_t));
	if (!fds || !pids)
		return 1;
	for (i = 0; i < ncg; i++) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/cgroup.procs", argv[3 + i]);
		if ((fds[i] = open(p, O_WRONLY | O_CLOEXEC)) < 0) {
			perror(p);
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		char buf[32];
		pid_t pid = fork();
		int len;

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			child(parent, vmas, fds, ncg);
		pids[i] = pid;
		if (ncg) {
			len = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
			if (write(fds[i % ncg], buf, (size_t)len) != len) {
				perror("cgroup.procs");
				return 1;
			}
		}
		printf("%d\n", (int)pid);
	}
	signal(SIGTERM, on_term);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return 0;
}
