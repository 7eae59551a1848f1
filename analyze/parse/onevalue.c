/* SPDX-License-Identifier: MIT */
/*
 * One-value cgroup files (memory.current, memory.max, memory.limit_in_bytes,
 * ...) and v1's memory.oom_control.
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

/*
 * v1 has no "max": an unlimited limit reads back as a huge number, which
 * depends on the kernel and the page size:
 *
 *   4.6+ (page_counter)  PAGE_COUNTER_MAX * PAGE_SIZE, PAGE_COUNTER_MAX being
 *                        LONG_MAX / PAGE_SIZE: 9223372036854771712
 *                        (0x7FFFFFFFFFFFF000) with 4K pages,
 *                        9223372036854759424 with 16K, 9223372036854710272
 *                        with 64K (arm64, ppc64le)
 *   2.6.32 era           RESOURCE_MAX (res_counter): 9223372036854775807;
 *                        the res_counter kernels up to 4.5 print other
 *                        spellings of "all 63 or 64 bits set"
 *
 * No real limit comes near 2^62 bytes (4 EiB), so anything from there up is
 * "unlimited", whatever page size or era printed it.  v2 prints "max".
 * Files that are not limits (memory.failcnt, memory.oom.group, ...) never
 * reach 2^62; callers ignore `unlimited` for them anyway.
 */
#define ONE_VALUE_UNLIMITED (1ull << 62)

static bool has_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			return true;
	return false;
}

int parse_one_value(const char *buf, size_t len, struct one_value *ret,
		    struct parse_diag *diag)
{
	const char *s = buf ? buf : "";
	size_t n = buf ? len : 0;
	char q[DIAG_QUOTE_MAX];
	enum num_err e;
	uint64_t v;
	int r = 0;

	/* Trailing "\n" (and a pasted "\r\n"), leading blanks of a paste. */
	trim_span(&s, &n);
	if (!n) {
		diag_add(diag, "empty file");
		r = -EINVAL;
	} else if (has_blank(s, n)) {
		diag_add(diag, "expected one value, found '%s'",
			 diag_quote(s, n, q, sizeof(q)));
		r = -EINVAL;
	} else if (n == 3 && !memcmp(s, "max", 3)) {
		/* v2 (memory.max, .high, .swap.max, ...): no limit. */
		ret->v = UINT64_MAX;
		ret->unlimited = true;
	} else if ((e = num_u64(s, n, &v)) != NUM_OK) {
		diag_num(diag, 1, e, "value", 5, s, n);
		r = e == NUM_INVALID ? -EINVAL : -ERANGE;
	} else {
		ret->v = v;
		ret->unlimited = v >= ONE_VALUE_UNLIMITED;
	}
	return r;
}

#define F(k, m) { k, offsetof(struct oom_control, m) }
/* Sorted by key (strcmp order). */
static const struct kv_field oom_control_fields[] = {
	F("oom_kill", oom_kill),                /* 4.13+ */
	F("oom_kill_disable", oom_kill_disable),
	F("under_oom", under_oom),
};
static kv_index_ptr oom_control_index;
#undef F

int parse_oom_control(const char *buf, size_t len, struct oom_control *ret,
		      struct parse_diag *diag)
{
	/* `key value` lines (mem_cgroup_oom_control_read()); no extras. */
	struct kv_table_opts o = { .sep = ' ', .index = &oom_control_index };

	return kv_table_parse_opts(buf, len, &o, oom_control_fields,
				   ARRAY_SIZE(oom_control_fields), ret, NULL,
				   diag);
}

int parse_setting(const char *buf, size_t len, const char **ret, size_t *ret_len)
{
	const char *s = buf;
	size_t n = MIN(len, (size_t)4096);

	trim_span(&s, &n);
	*ret = s;
	*ret_len = n;
	return 0;
}
