/*
 * Unit tests of the connection table's lookup structure (src/firewall/ct.h): a table sized for
 * N connections takes N distinct keys (its two-choice buckets really are two independent
 * choices), every key is found again, a key is found from either direction's endpoints, and
 * the bound on connections holds. The table is built in ordinary memory: the inline functions
 * the workers use need nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow/ct.h"

static struct ct_table *
table_new(uint32_t max_connections)
{
	struct ct_table *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	uint64_t slots = (uint64_t)max_connections * CT_LOAD_FACTOR_PCT / 100;
	t->nb_buckets = (uint32_t)((slots + CT_BUCKET_SLOTS - 1) / CT_BUCKET_SLOTS);
	t->nb_slots = t->nb_buckets * CT_BUCKET_SLOTS;
	t->max_connections = max_connections;
	t->sigs = calloc(t->nb_slots, sizeof(uint32_t));
	t->entries = calloc(t->nb_slots, sizeof(struct ct_entry));
	assert_non_null(t->sigs);
	assert_non_null(t->entries);
	return t;
}

static void
table_free(struct ct_table *t)
{
	free(t->sigs);
	free(t->entries);
	free(t);
}

/* Key i: an IPv4 UDP connection 198.18.x.y:port -> 198.19.0.z:5001, as the firewall makes it
 * (endpoints in order, the rest zero). */
static struct ct_key
key_of(uint32_t i)
{
	struct ct_key k;
	memset(&k, 0, sizeof(k));
	uint8_t a[4] = {198, 18, (uint8_t)(i >> 8), (uint8_t)i};
	uint8_t b[4] = {198, 19, 0, (uint8_t)(i % 200)};
	memcpy(k.addr[0], a, 4);
	memcpy(k.addr[1], b, 4);
	k.port[0] = (uint16_t)(10000 + (i >> 16));
	k.port[1] = 5001;
	k.proto = 17;
	k.family = 4;
	return k;
}

static enum ct_insert_result
insert(struct ct_table *t, const struct ct_key *k)
{
	struct ct_entry *e;
	uint32_t *sig;
	uint64_t h = ct_key_hash(k);
	enum ct_insert_result r = ct_insert(t, k, h, &e, &sig);
	if (r == CT_INSERTED)
		ct_publish(sig, h);
	return r;
}

/* A table sized for N takes N keys without running out of slots, and finds each. */
static void
test_fills_to_its_size(void **state)
{
	(void)state;
	const uint32_t n = 200000;
	struct ct_table *t = table_new(n);
	uint32_t no_slot = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct ct_key k = key_of(i);
		if (insert(t, &k) == CT_NO_SLOT)
			no_slot++;
	}
	assert_int_equal(no_slot, 0);
	assert_int_equal(t->count, n);
	for (uint32_t i = 0; i < n; i += 7) {
		struct ct_key k = key_of(i);
		struct ct_entry *e = ct_lookup(t, &k, ct_key_hash(&k));
		assert_non_null(e);
		assert_memory_equal(&e->key, &k, sizeof(k));
		uint32_t slot = ct_sig_slot(t, ct_key_hash(&k));
		assert_ptr_equal(ct_slot_entry(t, slot, &k, ct_key_hash(&k)), e);
	}
	struct ct_key absent = key_of(n + 5);
	assert_null(ct_lookup(t, &absent, ct_key_hash(&absent)));
	/* Full: the bound holds. */
	assert_int_equal(insert(t, &absent), CT_FULL);
	table_free(t);
}

/* The two buckets of a key are independent: keys sharing a first bucket spread over many
 * second buckets. */
static void
test_second_bucket_independent(void **state)
{
	(void)state;
	struct ct_table *t = table_new(1000000);
	uint32_t first = UINT32_MAX, seen = 0, distinct = 0;
	uint32_t seconds[64];

	for (uint32_t i = 0; i < 5000000 && seen < 64; i++) {
		struct ct_key k = key_of(i);
		uint64_t h = ct_key_hash(&k);
		if (first == UINT32_MAX)
			first = ct_bucket1(t, h);
		if (ct_bucket1(t, h) != first)
			continue;
		uint32_t b2 = ct_bucket2(t, h);
		bool known = false;
		for (uint32_t j = 0; j < seen; j++)
			known |= seconds[j] == b2;
		distinct += !known;
		seconds[seen++] = b2;
	}
	assert_true(seen >= 16);
	assert_true(distinct >= seen * 3 / 4);
	table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fills_to_its_size),
	    cmocka_unit_test(test_second_bucket_independent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
