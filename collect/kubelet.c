/* SPDX-License-Identifier: MIT */
/*
 * The kubelet's eviction and reservation settings (capture.md 2.9), and
 * nothing else of its command line or configuration: the kubelet process
 * (found by its comm), its /proc/PID/cmdline, the file of its --config
 * flag (else var/lib/kubelet/config.yaml), the env files
 * (etc/default/kubelet, etc/sysconfig/kubelet) and the drop-ins of
 * etc/systemd/system/kubelet.service.d are read and passed through
 * kubelet_extract() (common/kubelet_settings.c); only its lines are kept,
 * in collector/kubelet.txt.  Each read is a guarded step.
 */
#include "collect/collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/kubelet_settings.h"

#include "common/banned.h"

#define KUBELET_PATH "collector/kubelet.txt"
#define KUBELET_FILE_MAX (1u << 20)
#define DROPINS "etc/systemd/system/kubelet.service.d"

/* Read dirfd/rel (bounded, guarded), extract, forget; 1 when it was there. */
static int extract_file(struct rd *rd, int dirfd, const char *rel,
			const char *source, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	int r, e;

	r = rd_step_begin(rd, rel, "kubelet", 0);
	if (r < 0)
		return r == -ETIMEDOUT ? 0 : r;
	r = read_file_at(dirfd, rel, &sb, KUBELET_FILE_MAX);
	e = rd_step_end(rd);
	if (e < 0)
		r = e;
	else if (r == 0 || r == -EFBIG) {
		kubelet_extract(sb.buf, sb.len, source, out);
		r = 1;
	} else {
		r = 0;          /* absent or unreadable: not a kubelet node */
	}
	/* The rest of the file is not ours to keep, not even in memory. */
	explicit_bzero(sb.buf, sb.len);
	strbuf_release(&sb);
	return r;
}

/* The pid of the process whose comm is "kubelet", or 0. */
static int find_kubelet(int procfd)
{
	struct dirent *de;
	DIR *d;
	int fd = dup(procfd), pid = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!pid && (de = readdir(d))) {
		struct strbuf comm = STRBUF_INIT;
		char rel[64];
		uint64_t v;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    parse_u64(de->d_name, strlen(de->d_name), &v) < 0 ||
		    v > INT32_MAX)
			continue;
		xsnprintf(rel, sizeof(rel), "%s/comm", de->d_name);
		if (read_file_at(procfd, rel, &comm, 64) == 0 &&
		    (!strcmp(comm.buf, "kubelet\n") || !strcmp(comm.buf, "kubelet")))
			pid = (int)v;
		strbuf_release(&comm);
	}
	closedir(d);
	return pid;
}

static int dropins(struct rd *rd, struct strbuf *out)
{
	struct dirent *de;
	DIR *d;
	int fd, ret = 0;

	fd = openat(rd_rootfd(rd), DROPINS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(d)) && ret >= 0) {
		struct strbuf rel = STRBUF_INIT;

		if (ends_with(de->d_name, ".conf")) {
			strbuf_addf(&rel, "%s/%s", DROPINS, de->d_name);
			ret = extract_file(rd, rd_rootfd(rd), rel.buf, "drop-in", out);
		}
		strbuf_release(&rel);
	}
	closedir(d);
	return ret < 0 ? ret : 0;
}

int kubelet_collect(struct rd *rd)
{
	struct strbuf out = STRBUF_INIT, cfg = STRBUF_INIT;
	int procfd, pid = 0, ret = 0, found = 0;

	if (rd_resuming(rd, SRC_KUBELET)) {
		rd_resumed(rd);
		goto out;
	}
	rd_resumed(rd);
	procfd = openat(rd_rootfd(rd), "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd >= 0) {
		char rel[64];

		pid = find_kubelet(procfd);
		if (pid) {
			struct strbuf cmd = STRBUF_INIT;
			int e;

			xsnprintf(rel, sizeof(rel), "%d/cmdline", pid);
			ret = rd_step_begin(rd, rel, "kubelet", 0);
			if (ret == 0) {
				int r = read_file_at(procfd, rel, &cmd, KUBELET_FILE_MAX);

				e = rd_step_end(rd);
				ret = e < 0 ? e : 0;
				if (r == 0 || r == -EFBIG) {
					kubelet_extract(cmd.buf, cmd.len, "cmdline", &out);
					kubelet_config_path(cmd.buf, cmd.len, &cfg);
					found = 1;
				}
			}
			explicit_bzero(cmd.buf, cmd.len);
			strbuf_release(&cmd);
		}
		close(procfd);
	}
	if (ret == -ECANCELED)
		goto out;
	/* The kubelet's paths are the host's: read them inside the root. */
	if (!cfg.len || cfg.buf[0] != '/') {
		strbuf_reset(&cfg);
		strbuf_addstr(&cfg, "/var/lib/kubelet/config.yaml");
	}
	ret = extract_file(rd, rd_rootfd(rd), cfg.buf + 1, "config", &out);
	found |= ret > 0;
	if (ret >= 0)
		ret = extract_file(rd, rd_rootfd(rd), "etc/default/kubelet", "env-file", &out);
	found |= ret > 0;
	if (ret >= 0)
		ret = extract_file(rd, rd_rootfd(rd), "etc/sysconfig/kubelet", "env-file", &out);
	found |= ret > 0;
	if (ret >= 0)
		ret = dropins(rd, &out);
	if (ret == -ECANCELED)
		goto out;
	/* A node without a kubelet: no file (an empty one says "none set"). */
	if (found || out.len)
		ret = rd_emit_strbuf(rd, KUBELET_PATH, &out);
out:
	strbuf_release(&out);
	strbuf_release(&cfg);
	return ret == -ECANCELED ? ret : 0;
}
