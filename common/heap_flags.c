/* SPDX-License-Identifier: MIT */
#include "common/heap_flags.h"

#include <string.h>

#include "common/banned.h"

static const struct {
	const char *name;
	enum heap_flag flag;
} names[] = {
	{ "-Xmx", HEAP_XMX },
	{ "-Xms", HEAP_XMS },
	{ "-XX:MaxRAM=", HEAP_MAX_RAM },
	{ "-XX:MaxRAMPercentage=", HEAP_MAX_PCT },
	{ "-XX:InitialRAMPercentage=", HEAP_INITIAL_PCT },
	{ "-XX:MinRAMPercentage=", HEAP_MIN_PCT },
	{ "--max-old-space-size=", HEAP_NODE_OLD },
	/* Node takes '_' for '-' in option names. */
	{ "--max_old_space_size=", HEAP_NODE_OLD },
};

enum heap_flag heap_flag_of(const char *arg, size_t len, size_t *ret_name_len)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(names); k++) {
		size_t nl = strlen(names[k].name);

		if (len > nl && !memcmp(arg, names[k].name, nl)) {
			if (ret_name_len)
				*ret_name_len = nl;
			return names[k].flag;
		}
	}
	return HEAP_NONE;
}

size_t heap_flags_keep(const char *s, size_t len, struct strbuf *out)
{
	size_t i = 0, kept = 0;

	while (i < len) {
		size_t st;

		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
			i++;
		st = i;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
			i++;
		if (i > st && heap_flag_of(s + st, i - st, NULL) != HEAP_NONE) {
			if (kept++)
				strbuf_addch(out, ' ');
			strbuf_add(out, s + st, i - st);
		}
	}
	return kept;
}
