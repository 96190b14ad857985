/*
 * The lock-free MAC table: learning from the workers, aging, static entries and flushing from
 * the control thread. See mac_table.h for the slot protocol that keeps readers correct.
 */
#include "switch/mac_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Deletes one slot holding `value`: invalidate the value first so that no reader trusts it and
 * no refresh revives it, then free the key. Fails if the value changed meanwhile. */
static bool
slot_delete(struct mac_slot *s, uint64_t value)
{
	if (!__atomic_compare_exchange_n(&s->value, &value, 0, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&s->key, 0, __ATOMIC_RELEASE);
	return true;
}

static struct mac_slot *
find_slot(const struct mac_table *t, uint64_t key, uint64_t hash)
{
	for (int which = 0; which < 2; which++) {
		struct mac_slot *b = mac_table_bucket(t, hash, which);
		for (int i = 0; i < MAC_TABLE_BUCKET_SLOTS; i++)
			if (__atomic_load_n(&b[i].key, __ATOMIC_RELAXED) == key)
				return &b[i];
	}
	return NULL;
}

/* Claims a free slot for key and stores its first value. Returns the slot, or NULL when both
 * buckets are full. If another thread claims the same key first, returns that slot with
 * *raced set. */
static unsigned
free_slots(const struct mac_slot *b)
{
	unsigned n = 0;
	for (int i = 0; i < MAC_TABLE_BUCKET_SLOTS; i++)
		n += __atomic_load_n(&b[i].key, __ATOMIC_RELAXED) == 0;
	return n;
}

/* Claims a free slot for key and stores its first value. Returns the slot, or NULL when both
 * buckets are full. The emptier bucket is tried first, which keeps buckets evenly filled
 * (the "power of two choices") so the table holds most of its capacity before refusing. If
 * another thread claims the same key first, returns that slot with *raced set. */
static struct mac_slot *
claim_slot(struct mac_table *t, uint64_t key, uint64_t hash, uint64_t value, bool *raced)
{
	struct mac_slot *buckets[2] = {mac_table_bucket(t, hash, 0), mac_table_bucket(t, hash, 1)};
	if (free_slots(buckets[1]) > free_slots(buckets[0])) {
		buckets[0] = buckets[1];
		buckets[1] = mac_table_bucket(t, hash, 0);
	}
	*raced = false;
	for (int which = 0; which < 2; which++) {
		struct mac_slot *b = buckets[which];
		for (int i = 0; i < MAC_TABLE_BUCKET_SLOTS; i++) {
			uint64_t expected = __atomic_load_n(&b[i].key, __ATOMIC_RELAXED);
			if (expected == 0 &&
			    __atomic_compare_exchange_n(&b[i].key, &expected, key, false,
			                                __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
				__atomic_store_n(&b[i].value, value, __ATOMIC_RELEASE);
				return &b[i];
			}
			if (expected == key) {
				*raced = true;
				return &b[i];
			}
		}
	}
	return NULL;
}

enum mac_learn_result
mac_table_learn_slow(struct mac_table *t, uint64_t key, uint64_t hash, uint16_t port,
                     uint32_t now_s, uint32_t refresh_s)
{
	struct mac_slot *s = find_slot(t, key, hash);
	uint64_t fresh = mac_value_make(port, false, now_s);

	if (s == NULL) {
		bool raced;
		s = claim_slot(t, key, hash, fresh, &raced);
		if (s == NULL)
			return MAC_LEARN_FULL;
		if (!raced)
			return MAC_LEARN_NEW;
	}
	uint64_t v = __atomic_load_n(&s->value, __ATOMIC_ACQUIRE);
	if (!(v & MAC_VALUE_VALID))
		return MAC_LEARN_BUSY;
	if (mac_value_port(v) == port) {
		if (now_s - mac_value_time(v) < refresh_s || (v & MAC_VALUE_STATIC))
			return MAC_LEARN_KNOWN;
		/* Losing this race only means another thread refreshed it first. */
		__atomic_compare_exchange_n(&s->value, &v, fresh, false, __ATOMIC_RELEASE,
		                            __ATOMIC_RELAXED);
		return MAC_LEARN_KNOWN;
	}
	if (v & MAC_VALUE_STATIC)
		return MAC_LEARN_STATIC;
	if (__atomic_compare_exchange_n(&s->value, &v, fresh, false, __ATOMIC_RELEASE,
	                                __ATOMIC_RELAXED))
		return MAC_LEARN_MOVED;
	return MAC_LEARN_BUSY;
}

struct mac_table *
mac_table_create(uint32_t entries)
{
	uint32_t slots = MAC_TABLE_MIN_SIZE;
	if (entries > MAC_TABLE_MAX_SIZE)
		entries = MAC_TABLE_MAX_SIZE;
	while (slots < entries)
		slots <<= 1;

	struct mac_table *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	size_t bytes = (size_t)slots * sizeof(struct mac_slot);
	t->slots = aligned_alloc(64, bytes);
	if (t->slots == NULL) {
		free(t);
		return NULL;
	}
	memset(t->slots, 0, bytes);
	t->capacity = slots;
	t->bucket_mask = slots / MAC_TABLE_BUCKET_SLOTS - 1;
	return t;
}

void
mac_table_destroy(struct mac_table *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

int
mac_table_add_static(struct mac_table *t, uint64_t key, uint16_t port, uint32_t now_s)
{
	uint64_t hash = mac_key_hash(key);
	uint64_t value = mac_value_make(port, true, now_s);

	for (;;) {
		struct mac_slot *s = find_slot(t, key, hash);
		if (s != NULL) {
			uint64_t v = __atomic_load_n(&s->value, __ATOMIC_ACQUIRE);
			if (v == 0)
				continue; /* a worker is inserting it: its value lands next */
			if (__atomic_compare_exchange_n(&s->value, &v, value, false,
			                                __ATOMIC_RELEASE, __ATOMIC_RELAXED))
				return 0;
			continue;
		}
		bool raced;
		s = claim_slot(t, key, hash, value, &raced);
		if (s == NULL)
			return -ENOSPC;
		if (!raced)
			return 0;
	}
}

bool
mac_table_delete(struct mac_table *t, uint64_t key)
{
	struct mac_slot *s = find_slot(t, key, mac_key_hash(key));
	while (s != NULL) {
		uint64_t v = __atomic_load_n(&s->value, __ATOMIC_ACQUIRE);
		if (v != 0 && slot_delete(s, v))
			return true;
		if (__atomic_load_n(&s->key, __ATOMIC_RELAXED) != key)
			return false;
	}
	return false;
}

uint32_t
mac_table_age(struct mac_table *t, uint32_t now_s, uint32_t max_age_s)
{
	uint32_t deleted = 0;
	for (uint32_t i = 0; i < t->capacity; i++) {
		struct mac_slot *s = &t->slots[i];
		if (__atomic_load_n(&s->key, __ATOMIC_RELAXED) == 0)
			continue;
		uint64_t v = __atomic_load_n(&s->value, __ATOMIC_ACQUIRE);
		if (!(v & MAC_VALUE_VALID) || (v & MAC_VALUE_STATIC))
			continue;
		if (now_s - mac_value_time(v) > max_age_s && slot_delete(s, v))
			deleted++;
	}
	return deleted;
}

uint32_t
mac_table_flush(struct mac_table *t, int port, int segment, bool with_static)
{
	uint32_t deleted = 0;
	for (uint32_t i = 0; i < t->capacity; i++) {
		struct mac_slot *s = &t->slots[i];
		uint64_t key = __atomic_load_n(&s->key, __ATOMIC_RELAXED);
		if (key == 0)
			continue;
		uint64_t v = __atomic_load_n(&s->value, __ATOMIC_ACQUIRE);
		if (!(v & MAC_VALUE_VALID) || ((v & MAC_VALUE_STATIC) && !with_static))
			continue;
		bool match = port >= 0 ? mac_value_port(v) == port : (int)(key >> 48) == segment;
		if (match && slot_delete(s, v))
			deleted++;
	}
	return deleted;
}

void
mac_table_walk(const struct mac_table *t, int (*fn)(uint64_t key, uint64_t value, void *arg),
               void *arg)
{
	for (uint32_t i = 0; i < t->capacity; i++) {
		const struct mac_slot *s = &t->slots[i];
		uint64_t key = __atomic_load_n(&s->key, __ATOMIC_RELAXED);
		if (key == 0)
			continue;
		uint64_t v = __atomic_load_n(&s->value, __ATOMIC_ACQUIRE);
		if (!(v & MAC_VALUE_VALID))
			continue;
		if (fn(key, v, arg) != 0)
			return;
	}
}

static int
count_one(uint64_t key, uint64_t value, void *arg)
{
	(void)key;
	(void)value;
	(*(uint32_t *)arg)++;
	return 0;
}

uint32_t
mac_table_count(const struct mac_table *t)
{
	uint32_t n = 0;
	mac_table_walk(t, count_one, &n);
	return n;
}
