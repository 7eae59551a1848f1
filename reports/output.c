/* SPDX-License-Identifier: MIT */
#include "reports/output.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/banned.h"

char *report_source_name(const char *source)
{
	size_t len = strlen(source);
	const char *base;

	while (len > 1 && source[len - 1] == '/')
		len--;
	base = source + len;
	while (base > source && base[-1] != '/')
		base--;
	return xstrndup(base, (size_t)(source + len - base));
}

int report_write_output(const char *path, const struct strbuf *sb)
{
	struct stat st;
	bool regular;
	int fd, r, ret = 0;

	if (!path || !strcmp(path, "-")) {
		r = write_all(STDOUT_FILENO, sb->buf, sb->len);
		if (r < 0 && r != -EPIPE)
			ret = error("cannot write 'standard output': %s", strerror(-r));
		return ret;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return error("cannot write '%s': %s", path, strerror(errno));
	regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	r = write_all(fd, sb->buf, sb->len);
	if (close(fd) < 0 && r >= 0)
		r = -errno;
	if (r < 0) {
		if (regular)
			unlink(path);
		ret = error("cannot write '%s': %s", path, strerror(-r));
	}
	return ret;
}
