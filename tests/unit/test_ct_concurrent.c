/*
 * Concurrency test of the connection table (src/flow/ct.h) as two workers use it: two threads
 * insert disjoint keys at the same time while a third looks up every key a writer has
 * published so far. Each published key must be found with its own key, none before it is
 * filled, and the count must be exactly the keys inserted at the end. Built with ThreadSanitizer
 * (scripts/test.sh, step tsan-unit), any unordered access between the writers' claim, fill
 * and publish and the reader's lookup is reported as a race.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow/ct.h"

#define KEYS_PER_WRITER 20000u

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

/* Key i of writer w: a UDP connection from 198.18.w.x to 198.19.y.z:5001. */
static struct ct_key
key_of(unsigned w, uint32_t i)
{
	struct ct_key k;
	memset(&k, 0, sizeof(k));
	uint8_t a[4] = {198, 18, (uint8_t)w, (uint8_t)i};
	uint8_t b[4] = {198, 19, (uint8_t)(i >> 8), (uint8_t)(i >> 16)};
	memcpy(k.addr[0], a, 4);
	memcpy(k.addr[1], b, 4);
	k.port[0] = 10000;
	k.port[1] = 5001;
	k.proto = 17;
	k.family = 4;
	return k;
}

/* One writer's state, shared with the reader. */
struct writer {
	struct ct_table *t;
	unsigned index;     /* which key range */
	uint32_t published; /* keys published so far (atomic, release) */
	uint32_t failed;    /* inserts that did not succeed */
};

static void *
writer_run(void *arg)
{
	struct writer *w = arg;
	for (uint32_t i = 0; i < KEYS_PER_WRITER; i++) {
		struct ct_key k = key_of(w->index, i);
		uint64_t h = ct_key_hash(&k);
		struct ct_entry *e;
		uint32_t *sig;
		if (ct_insert(w->t, &k, h, &e, &sig) != CT_INSERTED) {
			w->failed++;
			continue;
		}
		e->state = 1;
		ct_publish(sig, h);
		__atomic_store_n(&w->published, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* The reader: until both writers are done, looks up every key they have published. */
struct reader {
	struct writer *writers;
	uint32_t missing;  /* published keys not found, or found with another key */
	uint32_t unfilled; /* keys found before their entry was filled */
	uint32_t lookups;  /* lookups made */
};

static void *
reader_run(void *arg)
{
	struct reader *r = arg;
	bool done = false;
	while (!done) {
		done = true;
		for (unsigned w = 0; w < 2; w++) {
			uint32_t n = __atomic_load_n(&r->writers[w].published, __ATOMIC_ACQUIRE);
			if (n < KEYS_PER_WRITER)
				done = false;
			/* A sample of what is published, the newest key always among it. */
			for (uint32_t i = n; i > 0 && n - i < 64; i--) {
				struct ct_key k = key_of(w, i - 1);
				struct ct_entry *e =
				    ct_lookup(r->writers[w].t, &k, ct_key_hash(&k));
				r->lookups++;
				if (e == NULL || memcmp(&e->key, &k, sizeof(k)) != 0)
					r->missing++;
			}
			/* Keys being inserted right now: one found through its signature alone must
			 * already be filled (the publish orders the fill before the signature). */
			for (uint32_t i = n; i < KEYS_PER_WRITER && i - n < 16; i++) {
				struct ct_key k = key_of(w, i);
				struct ct_entry *e =
				    ct_lookup(r->writers[w].t, &k, ct_key_hash(&k));
				r->lookups++;
				if (e != NULL && e->state != 1)
					r->unfilled++;
			}
		}
	}
	return NULL;
}

static void
test_two_writers_one_reader(void **state)
{
	(void)state;
	struct ct_table *t = table_new(2 * KEYS_PER_WRITER);
	struct writer writers[2] = {{.t = t, .index = 0}, {.t = t, .index = 1}};
	struct reader reader = {.writers = writers};
	pthread_t th[3];

	assert_int_equal(pthread_create(&th[0], NULL, writer_run, &writers[0]), 0);
	assert_int_equal(pthread_create(&th[1], NULL, writer_run, &writers[1]), 0);
	assert_int_equal(pthread_create(&th[2], NULL, reader_run, &reader), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);

	assert_int_equal(reader.missing, 0);
	assert_int_equal(reader.unfilled, 0);
	assert_true(reader.lookups > 0);
	/* Racing writers may now and then both fill the two buckets of a later key (an insert
	 * short of the bound, CT_NO_SLOT, which a sequential fill never meets): the count is
	 * exactly what was inserted, and each inserted key is there once. */
	uint32_t found = 0;
	for (unsigned w = 0; w < 2; w++)
		for (uint32_t i = 0; i < KEYS_PER_WRITER; i++) {
			struct ct_key k = key_of(w, i);
			if (ct_lookup(t, &k, ct_key_hash(&k)) != NULL)
				found++;
		}
	assert_int_equal(found, 2 * KEYS_PER_WRITER - writers[0].failed - writers[1].failed);
	assert_int_equal(t->count, found);
	free(t->sigs);
	free(t->entries);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_writers_one_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
