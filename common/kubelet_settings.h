/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_KUBELET_SETTINGS_H
#define MEMSNAP_KUBELET_SETTINGS_H
/*
 * The kubelet's eviction and reservation settings, and nothing else of its
 * configuration (issue 16 item 4).  One table names each kept setting as a
 * config-file key and as a command-line flag; memsnap-collect runs
 * kubelet_extract() over the kubelet's command line and files and stores
 * only what it emits, and analyze/parse reads the same lines back.
 */
#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

enum kubelet_key {
	KUBELET_EVICTION_HARD,
	KUBELET_EVICTION_SOFT,
	KUBELET_EVICTION_SOFT_GRACE,
	KUBELET_SYSTEM_RESERVED,
	KUBELET_KUBE_RESERVED,
	KUBELET_ENFORCE_NODE_ALLOCATABLE,
	KUBELET_KEY_NR
};

struct kubelet_key_names {
	const char *config;     /* "evictionHard" */
	const char *flag;       /* "eviction-hard" (without "--") */
};
extern const struct kubelet_key_names kubelet_keys[KUBELET_KEY_NR];

/* The key of a config name or a flag name (s[0..n)), or KUBELET_KEY_NR. */
enum kubelet_key kubelet_key_of(const char *s, size_t n);

/*
 * Append to out one line per kept setting found in buf[0..len):
 *   <source> <config name> <value>
 * value is a flag's value as written ("memory.available<100Mi,nodefs.available<10%"),
 * or a config map's entries joined as "key=value,key=value", or a list's
 * items joined by ','.  Flags are read from any text (a NUL-separated
 * command line, an env file, a systemd drop-in): "--eviction-hard=V" and
 * "--eviction-hard V"; config keys from YAML (block or flow maps and lists
 * of plain scalars, at any depth, as a Talos patch nests them) and JSON.
 * A value with a byte outside [A-Za-z0-9.<>=%,_:/+~-] is dropped, so no
 * byte of a hostile file can reach the archive except these.  Returns
 * the number of lines added.
 */
size_t kubelet_extract(const char *buf, size_t len, const char *source,
		       struct strbuf *out);

/* The value of "--config=PATH" / "--config PATH" in a NUL-separated cmdline. */
bool kubelet_config_path(const char *cmd, size_t len, struct strbuf *ret);

#endif
