/* SPDX-License-Identifier: MIT */
/*
 * mountinfo lines (proc_pid_mountinfo(5)), for the collector's cgroup and
 * tmpfs detection and the analyzer's tmpfs parser.
 */
#include "common/mountinfo.h"

#include <string.h>

#include "common/banned.h"

void mountinfo_unescape(const char *s, size_t len, char *out, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < n; i++) {
		if (s[i] == '\\' && i + 3 < len &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[o++] = (char)((s[i + 1] - '0') << 6 |
					  (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
			i += 3;
			continue;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
}

size_t mountinfo_split(const char *line, size_t llen, const char **f,
		       size_t *fl, size_t max, size_t *ret_dash)
{
	size_t nf = 0, i = 0, dash;

	/* Split on spaces. */
	while (i < llen && nf < max) {
		size_t j = i;

		while (j < llen && line[j] != ' ')
			j++;
		if (j > i) {
			f[nf] = line + i;
			fl[nf++] = j - i;
		}
		i = j + 1;
	}
	for (dash = 6; dash < nf; dash++)
		if (fl[dash] == 1 && f[dash][0] == '-')
			break;
	if (nf < 7 || dash + 1 >= nf)
		return 0;
	*ret_dash = dash;
	return nf;
}

#define EMPTYDIR_PREFIX "/var/lib/kubelet/pods/"
#define EMPTYDIR_VOLUMES "/volumes/kubernetes.io~empty-dir/"

bool kubelet_emptydir(const char *mnt, const char **ret_uid,
		      size_t *ret_uid_len, const char **ret_volume)
{
	size_t pl = strlen(EMPTYDIR_PREFIX), vl = strlen(EMPTYDIR_VOLUMES);
	const char *uid, *vol;

	if (strncmp(mnt, EMPTYDIR_PREFIX, pl))
		return false;
	uid = mnt + pl;
	vol = strchr(uid, '/');
	if (!vol || vol == uid || strncmp(vol, EMPTYDIR_VOLUMES, vl))
		return false;
	*ret_uid = uid;
	*ret_uid_len = (size_t)(vol - uid);
	vol += vl;
	*ret_volume = vol;
	return *vol && !strchr(vol, '/');
}
