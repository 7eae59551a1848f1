/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_MOUNTINFO_H
#define MEMSNAP_MOUNTINFO_H
#include <stddef.h>

/*
 * One mountinfo line into its space-separated fields (at most max), with
 * the index of the "-" before fstype; 0 when the line is not mountinfo.
 * Field 4 is the mount point, f[*ret_dash + 1] the fstype.
 */
size_t mountinfo_split(const char *line, size_t llen, const char **f,
		       size_t *fl, size_t max, size_t *ret_dash);
/*
 * Copy a mountinfo field, undoing its octal escapes (\040 for a space),
 * NUL-terminated, cut to n - 1 bytes.
 */
void mountinfo_unescape(const char *s, size_t len, char *out, size_t n);

/*
 * A kubelet emptyDir mount point,
 * /var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~empty-dir/<name>:
 * true with the pod uid (not terminated: *ret_uid_len bytes) and the name.
 */
#include <stdbool.h>
bool kubelet_emptydir(const char *mnt, const char **ret_uid,
		      size_t *ret_uid_len, const char **ret_volume);

#endif
