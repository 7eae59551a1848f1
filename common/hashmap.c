/* SPDX-License-Identifier: MIT */
#include "common/hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

void hashmap_init(struct hashmap *m, uint32_t *buf, size_t cap)
{
	if (buf)
		memset(buf, 0, cap * sizeof(*buf));
	m->slot = buf ? buf : xcalloc(HASHMAP_BUF(cap), sizeof(*m->slot));
	m->tag = m->slot + cap;
	m->fixed = buf;
	m->cap = cap;
	m->n = 0;
}

void hashmap_release(struct hashmap *m)
{
	if (m->slot != m->fixed)
		free(m->slot);
	m->slot = m->tag = m->fixed = NULL;
	m->cap = m->n = 0;
}

void hashmap_grow(struct hashmap *m, struct hashmap_probe *p)
{
	uint32_t *old = m->slot;
	size_t i, j, n = m->cap, mask = 2 * n - 1;

	if (n > UINT32_MAX / 4)
		die(3, "hash table of %zu entries is too large", n / 2);
	m->slot = xcalloc(HASHMAP_BUF(2 * n), sizeof(*m->slot));
	m->tag = m->slot + 2 * n;
	memcpy(m->tag, old + n, m->n * sizeof(*m->tag));
	for (i = 0; i < n; i++) {
		if (!old[i])
			continue;
		for (j = m->tag[old[i] - 1] & mask; m->slot[j]; j = (j + 1) & mask)
			;
		m->slot[j] = old[i];
	}
	m->cap = 2 * n;
	if (old != m->fixed)
		free(old);
	if (p)
		for (p->pos = p->tag & mask; m->slot[p->pos]; p->pos = (p->pos + 1) & mask)
			;
}
