/* SPDX-License-Identifier: MIT */
/*
 * common/hashmap: the one hash index (kv key sets, the capture's paths,
 * the loader's spans and groups).  The caller keeps the entries and
 * compares them; the map finds them by hash, grows, and keeps its order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/hash.h"
#include "common/hashmap.h"

/* The entries of a test: 64-bit keys, hashed or given their hash. */
struct keys {
	struct hashmap m;
	uint64_t key[4096];
};

/* key's index, or -1; adds it (with hash h) when add is true */
static long find(struct keys *k, uint64_t key, uint64_t h, bool add)
{
	struct hashmap_probe p = hashmap_probe(&k->m, h);
	size_t i;

	while (hashmap_next(&k->m, &p, &i))
		if (k->key[i] == key)
			return (long)i;
	if (!add)
		return -1;
	i = hashmap_put(&k->m, &p);
	k->key[i] = key;
	return (long)i;
}

static uint64_t h64(uint64_t key)
{
	return fnv1a(&key, sizeof(key));
}

static void test_hashmap_put_find_grow(void **state)
{
	uint32_t buf[HASHMAP_BUF(8)];
	struct keys *k = calloc(1, sizeof(*k));
	uint64_t i;

	(void)state;
	hashmap_init(&k->m, buf, 8);
	for (i = 0; i < 3000; i++)   /* from the caller's 8 slots to 8192 */
		assert_int_equal(find(k, i * 7, h64(i * 7), true), (long)i);
	assert_int_equal(k->m.n, 3000);
	assert_int_equal(k->m.cap, 8192);
	for (i = 0; i < 3000; i++) {
		assert_int_equal(find(k, i * 7, h64(i * 7), true), (long)i);
		assert_int_equal(find(k, i * 7 + 1, h64(i * 7 + 1), false), -1);
	}
	assert_int_equal(k->m.n, 3000);   /* found: nothing added */
	hashmap_release(&k->m);
	hashmap_release(&k->m);           /* twice: nothing to free */
	free(k);
}

/* The low 32 bits place and filter; the caller's compare decides. */
static void test_hashmap_same_low_bits(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));
	uint64_t i;

	(void)state;
	hashmap_init(&k->m, NULL, 4);
	for (i = 0; i < 100; i++)     /* every hash 42 in its low 32 bits */
		assert_int_equal(find(k, i, 42 | i << 32, true), (long)i);
	for (i = 0; i < 100; i++)
		assert_int_equal(find(k, i, 42 | i << 32, false), (long)i);
	assert_int_equal(find(k, 100, 42, false), -1);
	hashmap_release(&k->m);
	free(k);
}

/* Every entry once, in slot order: the same with or without reserving. */
static void test_hashmap_each_order(void **state)
{
	struct keys *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	size_t pa = 0, pb = 0, ia, ib, n = 0;
	uint64_t i;

	(void)state;
	hashmap_init(&a->m, NULL, 16);
	hashmap_init(&b->m, NULL, 16);
	for (i = 0; i < 1000; i++) {
		hashmap_reserve(&b->m);
		find(a, i, h64(i), true);
		find(b, i, h64(i), true);
	}
	while (hashmap_each(&a->m, &pa, &ia)) {
		assert_true(hashmap_each(&b->m, &pb, &ib));
		assert_int_equal(ia, ib);
		n++;
	}
	assert_false(hashmap_each(&b->m, &pb, &ib));
	assert_int_equal(n, 1000);
	hashmap_release(&a->m);
	hashmap_release(&b->m);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashmap_put_find_grow),
		cmocka_unit_test(test_hashmap_same_low_bits),
		cmocka_unit_test(test_hashmap_each_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
