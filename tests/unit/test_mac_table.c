/*
 * Unit tests of the lock-free MAC table: learning, moves, static entries, aging, flushing,
 * the capacity bound, and learning from two threads at once while a third reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include <cmocka.h>

#include "switch/mac_table.h"

static uint64_t
key_of(uint16_t segment, uint32_t n)
{
	uint8_t mac[6] = {
	    0x02, 0x00, (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
	return mac_key_make(segment, mac);
}

static void
test_learn_and_lookup(void **state)
{
	(void)state;
	struct mac_table *t = mac_table_create(1024);
	uint16_t port = 0;
	assert_non_null(t);
	assert_false(mac_table_lookup(t, key_of(1, 1), &port));
	assert_int_equal(mac_table_learn(t, key_of(1, 1), 7, 100, 1), MAC_LEARN_NEW);
	assert_true(mac_table_lookup(t, key_of(1, 1), &port));
	assert_int_equal(port, 7);
	/* The same MAC on another segment is another entry. */
	assert_false(mac_table_lookup(t, key_of(2, 1), &port));
	assert_int_equal(mac_table_learn(t, key_of(1, 1), 7, 100, 1), MAC_LEARN_KNOWN);
	assert_int_equal(mac_table_count(t), 1);
	mac_table_destroy(t);
}

static void
test_move(void **state)
{
	(void)state;
	struct mac_table *t = mac_table_create(1024);
	uint16_t port = 0;
	mac_table_learn(t, key_of(0, 5), 1, 10, 1);
	assert_int_equal(mac_table_learn(t, key_of(0, 5), 2, 11, 1), MAC_LEARN_MOVED);
	assert_true(mac_table_lookup(t, key_of(0, 5), &port));
	assert_int_equal(port, 2);
	assert_int_equal(mac_table_count(t), 1);
	mac_table_destroy(t);
}

static void
test_static_entries(void **state)
{
	(void)state;
	struct mac_table *t = mac_table_create(1024);
	uint16_t port = 0;
	assert_int_equal(mac_table_add_static(t, key_of(3, 9), 4, 0), 0);
	/* Learning never moves a static entry, and aging never removes it. */
	assert_int_equal(mac_table_learn(t, key_of(3, 9), 5, 1, 1), MAC_LEARN_STATIC);
	assert_int_equal(mac_table_age(t, 100000, 10), 0);
	assert_true(mac_table_lookup(t, key_of(3, 9), &port));
	assert_int_equal(port, 4);
	/* A static entry replaces a learned one. */
	mac_table_learn(t, key_of(3, 10), 5, 1, 1);
	assert_int_equal(mac_table_add_static(t, key_of(3, 10), 6, 2), 0);
	assert_true(mac_table_lookup(t, key_of(3, 10), &port));
	assert_int_equal(port, 6);
	assert_int_equal(mac_table_count(t), 2);
	assert_true(mac_table_delete(t, key_of(3, 9)));
	assert_false(mac_table_lookup(t, key_of(3, 9), &port));
	assert_false(mac_table_delete(t, key_of(3, 9)));
	mac_table_destroy(t);
}

static void
test_aging(void **state)
{
	(void)state;
	struct mac_table *t = mac_table_create(1024);
	uint16_t port;
	mac_table_learn(t, key_of(0, 1), 1, 100, 1);
	mac_table_learn(t, key_of(0, 2), 1, 150, 1);
	/* At 390 with 300 s aging: the first (seen at 100) is 290 s old, kept. */
	assert_int_equal(mac_table_age(t, 390, 300), 0);
	/* At 401 it is 301 s old: gone; the second (251 s) stays. */
	assert_int_equal(mac_table_age(t, 401, 300), 1);
	assert_false(mac_table_lookup(t, key_of(0, 1), &port));
	assert_true(mac_table_lookup(t, key_of(0, 2), &port));
	/* Seeing it again refreshes the age once refresh_s has passed. */
	assert_int_equal(mac_table_learn(t, key_of(0, 2), 1, 420, 1), MAC_LEARN_KNOWN);
	assert_int_equal(mac_table_age(t, 460, 300), 0);
	assert_int_equal(mac_table_age(t, 721, 300), 1);
	assert_int_equal(mac_table_count(t), 0);
	mac_table_destroy(t);
}

static void
test_flush(void **state)
{
	(void)state;
	struct mac_table *t = mac_table_create(1024);
	for (uint32_t i = 0; i < 10; i++)
		mac_table_learn(t, key_of((uint16_t)(i % 2), i), (uint16_t)(i % 3), 1, 1);
	mac_table_add_static(t, key_of(0, 100), 0, 1);
	/* Port 0 holds i = 0, 3, 6, 9 learned, plus the static one kept without with_static. */
	assert_int_equal(mac_table_flush(t, 0, -1, false), 4);
	assert_int_equal(mac_table_count(t), 7);
	/* Segment 1 holds odd i not on port 0: 1, 5, 7. */
	assert_int_equal(mac_table_flush(t, -1, 1, true), 3);
	assert_int_equal(mac_table_flush(t, 0, -1, true), 1);
	assert_int_equal(mac_table_count(t), 3);
	mac_table_destroy(t);
}

static void
test_capacity_bound(void **state)
{
	(void)state;
	struct mac_table *t = mac_table_create(1024);
	assert_int_equal(t->capacity, 1024);
	uint32_t learned = 0, full = 0;
	for (uint32_t i = 0; i < 4096; i++) {
		enum mac_learn_result r = mac_table_learn(t, key_of(0, i), 1, 1, 1);
		if (r == MAC_LEARN_NEW)
			learned++;
		else if (r == MAC_LEARN_FULL)
			full++;
	}
	/* Never more entries than slots; two-choice buckets fill most of the table first. */
	assert_true(learned <= 1024);
	assert_true(learned >= 700);
	assert_int_equal(learned + full, 4096);
	assert_int_equal(mac_table_count(t), learned);
	/* Every learned address is found; aging frees room for new ones. */
	uint16_t port;
	uint32_t found = 0;
	for (uint32_t i = 0; i < 4096; i++)
		found += mac_table_lookup(t, key_of(0, i), &port);
	assert_int_equal(found, learned);
	assert_int_equal(mac_table_age(t, 1000, 10), learned);
	assert_int_equal(mac_table_learn(t, key_of(0, 99999), 1, 1000, 1), MAC_LEARN_NEW);
	mac_table_destroy(t);
}

struct learner {
	struct mac_table *t;
	uint16_t port;
	uint32_t first, count;
};

static void *
learn_thread(void *arg)
{
	struct learner *l = arg;
	for (int round = 0; round < 50; round++)
		for (uint32_t i = l->first; i < l->first + l->count; i++)
			mac_table_learn(l->t, key_of(0, i), l->port, (uint32_t)round, 1);
	return NULL;
}

static void
test_concurrent_learning(void **state)
{
	(void)state;
	/* Room to spare: this test is about concurrent correctness, not about the bound (two
	 * buckets of four can fill up at any load, see test_capacity_bound). */
	struct mac_table *t = mac_table_create(1u << 20);
	/* Two workers learn overlapping ranges on different ports at once. */
	struct learner a = {t, 1, 0, 20000}, b = {t, 2, 10000, 20000};
	pthread_t ta, tb;
	pthread_create(&ta, NULL, learn_thread, &a);
	pthread_create(&tb, NULL, learn_thread, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	uint16_t port;
	for (uint32_t i = 0; i < 30000; i++) {
		assert_true(mac_table_lookup(t, key_of(0, i), &port));
		if (i < 10000)
			assert_int_equal(port, 1);
		else if (i >= 20000)
			assert_int_equal(port, 2);
		else
			assert_true(port == 1 || port == 2);
	}
	mac_table_destroy(t);
}

static void
test_key_from_frame(void **state)
{
	(void)state;
	/* A frame's destination and source read 8 bytes at a time give the same keys as built
	 * byte by byte. */
	const uint8_t frame[16] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0xa6, 0xb7,
	                           0xc8, 0xd9, 0xea, 0xfb, 0x08, 0x00, 0x45, 0x00};
	assert_int_equal(mac_key_from_frame(7, frame), mac_key_make(7, frame));
	assert_int_equal(mac_key_from_frame(0xffff, frame + 6), mac_key_make(0xffff, frame + 6));
	assert_int_equal(mac_key_from_frame(1, frame + 6) >> 48, 1);
	assert_int_equal(mac_key_from_frame(1, frame + 6) & 0xffffffffffffull, 0xa6b7c8d9eafbull);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_learn_and_lookup),
	    cmocka_unit_test(test_move),
	    cmocka_unit_test(test_static_entries),
	    cmocka_unit_test(test_aging),
	    cmocka_unit_test(test_flush),
	    cmocka_unit_test(test_capacity_bound),
	    cmocka_unit_test(test_concurrent_learning),
	    cmocka_unit_test(test_key_from_frame),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
