/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_COMMON_HASHMAP_H
#define MEMSNAP_COMMON_HASHMAP_H
/*
 * The one open-addressing hash index of the project (the key sets of the
 * kv parsers, the capture's duplicate paths, the loader's sample spans and
 * process groups).  It maps a 64-bit hash (common/hash.h) to the index of
 * an entry that the caller keeps in its own array, entries numbered 0, 1,
 * ... as they are added; the caller compares its own keys: the map holds
 * none.  Linear probing in a power-of-two table at most half full of
 * 32-bit slots (the entry's index + 1; 0: empty).  Beside them, each
 * entry's hash, its low 32 bits: they place it again when the table grows
 * (no key, no hashing again) and spare the caller's compare of nearly
 * every other entry met while probing.
 *
 *   struct hashmap_probe p = hashmap_probe(&m, h);
 *   size_t i;
 *
 *   while (hashmap_next(&m, &p, &i))     (the entries that may be h's)
 *           if (key_is(&mine[i], key))
 *                   return &mine[i];
 *   i = hashmap_put(&m, &p);             (not there: add it, at mine[i])
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hashmap {
	uint32_t *slot;     /* cap of them: an entry's index + 1, 0: empty */
	uint32_t *tag;      /* cap / 2: entry i's hash, its low 32 bits */
	size_t cap, n;      /* cap a power of 2; n entries, at most cap / 2 */
	uint32_t *fixed;    /* the caller's first slots and tags, or NULL */
};

/* The uint32_t of a caller's buffer of cap slots and their tags. */
#define HASHMAP_BUF(cap) ((cap) + (cap) / 2)

/*
 * An empty map of cap slots (a power of 2, at least 2) in buf, the
 * caller's HASHMAP_BUF(cap) (its slots zeroed here; never freed: on the
 * stack, say), or allocated when buf is NULL.
 */
void hashmap_init(struct hashmap *m, uint32_t *buf, size_t cap);
void hashmap_release(struct hashmap *m);

/* A lookup of one hash: where it is in the probe sequence. */
struct hashmap_probe {
	size_t pos;
	uint32_t tag;
};

/*
 * Twice the slots, the entries placed again in the order probing met
 * them; p (or NULL), a lookup that found nothing, moved to its empty slot
 * in the new table.
 */
void hashmap_grow(struct hashmap *m, struct hashmap_probe *p);

/*
 * Room for one more entry now rather than when it is put (hashmap_put()
 * grows the table itself): for a caller whose slot order must stay what
 * it was when its table grew before each lookup.
 */
static inline void hashmap_reserve(struct hashmap *m)
{
	if ((m->n + 1) * 2 > m->cap)
		hashmap_grow(m, NULL);
}

static inline struct hashmap_probe hashmap_probe(const struct hashmap *m,
						 uint64_t h)
{
	struct hashmap_probe p = { (size_t)h & (m->cap - 1), (uint32_t)h };

	return p;
}

/*
 * The next entry that may have the probed hash (its low 32 bits do) into
 * *ret: true; false at the empty slot where an entry of that hash goes.
 */
static inline bool hashmap_next(const struct hashmap *m, struct hashmap_probe *p,
				size_t *ret)
{
	size_t mask = m->cap - 1;
	uint32_t i;

	for (; (i = m->slot[p->pos]) != 0; p->pos = (p->pos + 1) & mask)
		if (m->tag[i - 1] == p->tag) {
			*ret = i - 1;
			p->pos = (p->pos + 1) & mask;
			return true;
		}
	return false;
}

/*
 * A new entry at the slot hashmap_next() stopped at (nothing added since):
 * its index, the n-th.
 */
static inline size_t hashmap_put(struct hashmap *m, struct hashmap_probe *p)
{
	if ((m->n + 1) * 2 > m->cap)
		hashmap_grow(m, p);
	m->tag[m->n] = p->tag;
	m->slot[p->pos] = (uint32_t)++m->n;
	return m->n - 1;
}

/*
 * The entries in slot order (an order of their hashes, the same on every
 * run): from *pos = 0, the next one's index into *ret; false after the last.
 */
static inline bool hashmap_each(const struct hashmap *m, size_t *pos, size_t *ret)
{
	for (; *pos < m->cap; ++*pos)
		if (m->slot[*pos]) {
			*ret = m->slot[(*pos)++] - 1;
			return true;
		}
	return false;
}

#endif
