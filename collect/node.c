/* SPDX-License-Identifier: MIT */
/* Node-wide files (capture.md 2.1): one step per file of node_files[]. */
#include "collect/collect.h"

#include <errno.h>
#include <string.h>

#include "common/banned.h"
static int publish_boot_id(struct rd *rd)
{
	struct strbuf *data = rd_data(rd);
	struct strbuf json = STRBUF_INIT;
	const char *s = data->buf;
	size_t len = data->len;
	int ret;

	trim_span(&s, &len);
	json_escape(&json, s, len);
	ret = rd_manifest(rd, "boot_id", json.buf, json.len);
	strbuf_release(&json);
	return ret;
}

int node_collect(struct rd *rd)
{
	const struct cursor *resume = rd_resuming(rd, SRC_NODE);
	struct cursor *cur = rd_cursor(rd);
	size_t i = resume ? (size_t)resume->pos + 1 : 0;
	int ret = 0;

	rd_resumed(rd);
	for (; i < node_files_nr; i++) {
		const struct node_file *f = &node_files[i];

		if (!sample_node_file(rd_opts(rd), f->path))
			continue;
		cur->pos = i;
		ret = rd_read(rd, rd_rootfd(rd), f->path, f->path, f->path,
			      FILE_MAX, 0);
		if (ret == -ECANCELED)
			break;
		if (ret < 0)
			continue;
		ret = f->manifest_only ? publish_boot_id(rd)
				       : rd_emit_data(rd, f->path);
		if (ret == -ECANCELED)
			break;
	}
	return ret == -ECANCELED ? ret : 0;
}
