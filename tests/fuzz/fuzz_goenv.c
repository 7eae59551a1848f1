/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the environ filter, goenv_feed()/goenv_finish()
 * (collect/goinfo.c).  /proc/PID/environ of a Go program is any bytes its
 * parent chose, read in chunks whose boundaries fall anywhere.
 *
 * Input: byte 0's low 3 bits are a number of cuts k, the next 2k bytes the
 * cut positions (little-endian, modulo the environ's length + 1); the rest
 * is environ.  It is fed in those chunks, and checked against a simple
 * model of the contract run over the whole text:
 *  - entries end at NUL; an entry is NAME=value, split at the first '=';
 *  - only GOGC, GOMEMLIMIT, GOMAXPROCS, GODEBUG are kept, the first
 *    definition of each (as getenv() and Go's runtime read them);
 *  - a value longer than GOENV_VALUE_MAX is cut there and flagged;
 *  - the last entry counts without its NUL (a read cut at FILE_MAX).
 */
#include "collect/collect.h"
#include "common/heap_flags.h"
#include "tests/fuzz/fuzz.h"

#define CUTS_MAX 7

struct model {
	const uint8_t *value[GOENV_NR];
	size_t len[GOENV_NR];
	bool truncated[GOENV_NR];
};

static void model_entry(struct model *m, const uint8_t *s, size_t len)
{
	const uint8_t *eq = memchr(s, '=', len);
	size_t nl, vl;
	int i;

	if (!eq)
		return;
	nl = (size_t)(eq - s);
	vl = len - nl - 1;
	for (i = 0; i < GOENV_NR; i++) {
		const char *name = goenv_name((enum goenv_var)i);

		if (strlen(name) != nl || memcmp(name, s, nl) || m->value[i])
			continue;
		m->value[i] = eq + 1;
		m->len[i] = MIN(vl, (size_t)GOENV_VALUE_MAX);
		m->truncated[i] = vl > GOENV_VALUE_MAX;
	}
}

static void model_run(struct model *m, const uint8_t *s, size_t len)
{
	size_t i = 0;

	memset(m, 0, sizeof(*m));
	while (i < len) {
		const uint8_t *nul = memchr(s + i, '\0', len - i);
		size_t end = nul ? (size_t)(nul - s) : len;

		model_entry(m, s + i, end - i);
		i = end + 1;
	}
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cuts[CUTS_MAX + 1], k = 0, i, pos, len;
	const uint8_t *env;
	struct model m;
	struct goenv e;

	if (size) {
		k = data[0] & CUTS_MAX;
		if (size < 1 + 2 * k)
			k = 0;
	}
	env = data + (size ? 1 + 2 * k : 0);
	len = size - (size_t)(env - data);
	for (i = 0; i < k; i++)
		cuts[i] = (size_t)(data[1 + 2 * i] | data[2 + 2 * i] << 8) % (len + 1);
	qsort(cuts, k, sizeof(cuts[0]), cmp_size);
	cuts[k] = len;

	goenv_init(&e);
	for (i = 0, pos = 0; i <= k; i++) {
		/* a separate copy per chunk: ASan sees a read past its end */
		char *chunk = malloc(cuts[i] - pos + 1);

		if (!chunk)
			abort();
		memcpy(chunk, env + pos, cuts[i] - pos);
		goenv_feed(&e, chunk, cuts[i] - pos);
		free(chunk);
		pos = cuts[i];
	}
	goenv_finish(&e);

	model_run(&m, env, len);
	for (i = 0; i < GOENV_NR; i++) {
		if (!m.value[i]) {
			FUZZ_CHECK(e.value[i] == NULL);
			FUZZ_CHECK(!e.truncated[i]);
			continue;
		}
		FUZZ_CHECK(e.value[i] != NULL);
		FUZZ_CHECK(e.truncated[i] == m.truncated[i]);
		if (i >= GOENV_HEAP_FIRST) {
			/* a runtime's options: only their heap settings */
			struct strbuf keep = STRBUF_INIT;

			heap_flags_keep((const char *)m.value[i], m.len[i], &keep);
			FUZZ_CHECK(!strcmp(e.value[i], keep.buf));
			strbuf_release(&keep);
			continue;
		}
		FUZZ_CHECK(strlen(e.value[i]) == m.len[i]);
		FUZZ_CHECK(!memcmp(e.value[i], m.value[i], m.len[i]));
	}
	goenv_release(&e);
	return 0;
}
