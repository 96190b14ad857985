/*
 * The MAC table of all segments: (segment, MAC) -> port, learned by the workers from source
 * addresses and read by them for every destination. It is shared by all workers without locks:
 * each slot is a 64-bit key and a 64-bit value changed only with atomic operations, so readers
 * never wait and learning never blocks forwarding. The table is bounded: when both candidate
 * buckets of a key are full, the address is not learned (its frames are flooded) and the event is
 * counted. Aging and flushing run on the control thread.
 *
 * Slot protocol (why readers can trust what they see): a slot's key goes from 0 to K only by a
 * compare-and-swap whose winner alone then stores the first value; a value of 0 means "being
 * inserted or deleted" and is never overwritten by a refresh; deletion first swaps the value to
 * 0, then clears the key. A reader that finds its key with a non-zero value has a value that was
 * stored for that key. Two workers learning the same new address at the same instant may each
 * claim a slot; lookups and learning always use the first one found, and the other ages out.
 */
#ifndef DSE_SWITCH_MAC_TABLE_H
#define DSE_SWITCH_MAC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_TABLE_BUCKET_SLOTS 4 /* slots per bucket: one 64-byte cache line */
#define MAC_TABLE_MIN_SIZE     1024
#define MAC_TABLE_MAX_SIZE     (1u << 24)

/* What learning did with a source address. */
enum mac_learn_result {
	MAC_LEARN_KNOWN,  /* already known on this port, nothing written (or only the age) */
	MAC_LEARN_NEW,    /* inserted */
	MAC_LEARN_MOVED,  /* was on another port, now on this one */
	MAC_LEARN_STATIC, /* a static entry for another port: not changed */
	MAC_LEARN_FULL,   /* no free slot in either bucket: not learned */
	MAC_LEARN_BUSY,   /* the slot was being changed by another thread: try on a later frame */
};

struct mac_slot {
	uint64_t key;   /* segment << 48 | MAC, 0 = free; atomic */
	uint64_t value; /* MAC_VALUE_* fields, 0 = invalid; atomic */
};

struct mac_table {
	struct mac_slot *slots; /* nb_buckets * MAC_TABLE_BUCKET_SLOTS slots, cache aligned */
	uint32_t bucket_mask;   /* nb_buckets - 1 (nb_buckets is a power of two) */
	uint32_t capacity;      /* number of slots */
};

/* A value packs the port, whether the entry is static, and when it was last seen. */
#define MAC_VALUE_VALID  (1ull << 16)
#define MAC_VALUE_STATIC (1ull << 17)

static inline uint64_t
mac_value_make(uint16_t port, bool is_static, uint32_t now_s)
{
	return (uint64_t)now_s << 32 | (is_static ? MAC_VALUE_STATIC : 0) | MAC_VALUE_VALID | port;
}

static inline uint16_t
mac_value_port(uint64_t v)
{
	return (uint16_t)v;
}

static inline uint32_t
mac_value_time(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

static inline uint64_t
mac_key_make(uint16_t segment, const uint8_t mac[6])
{
	return (uint64_t)segment << 48 | (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	       (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5];
}

/* The key of the MAC at p (a frame's destination at offset 0 or source at offset 6), reading
 * 8 bytes: the caller guarantees the frame holds a whole Ethernet header. */
static inline uint64_t
mac_key_from_frame(uint16_t segment, const uint8_t *p)
{
	uint64_t x;
	__builtin_memcpy(&x, p, sizeof(x));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return (uint64_t)segment << 48 | x >> 16;
}

static inline uint64_t
mac_key_hash(uint64_t key)
{
	/* Two multiply-shift hashes (the high half of the product with an odd constant), one
	 * for each bucket: each spreads every key bit over its 32 bits, and the two are
	 * independent, which is what the two-choice placement needs. */
	uint64_t h0 = (key * 0x9e3779b97f4a7c15ull) >> 32;
	uint64_t h1 = (key * 0xc2b2ae3d27d4eb4full) >> 32;
	return h1 << 32 | h0;
}

/* The two candidate buckets of a key: one from each half of its hash, independent of each
 * other, so keys that collide on one bucket spread over different second buckets. */
static inline struct mac_slot *
mac_table_bucket(const struct mac_table *t, uint64_t hash, int which)
{
	uint32_t b = which == 0 ? (uint32_t)hash : (uint32_t)(hash >> 32);
	return &t->slots[(b & t->bucket_mask) * MAC_TABLE_BUCKET_SLOTS];
}

/* Prefetches both buckets of a key (by its hash), ahead of a lookup or learn. */
static inline void
mac_table_prefetch(const struct mac_table *t, uint64_t hash)
{
	__builtin_prefetch(mac_table_bucket(t, hash, 0));
	__builtin_prefetch(mac_table_bucket(t, hash, 1));
}

/*
 * Returns the value of key's slot (an acquire load, so what was written before it is seen), or 0
 * when no slot of its two buckets holds the key; 0 has MAC_VALUE_VALID clear, as a slot being
 * removed. Lock-free; safe on any thread at any time.
 */
static inline uint64_t
mac_table_find_value(const struct mac_table *t, uint64_t key, uint64_t hash)
{
	for (int which = 0; which < 2; which++) {
		struct mac_slot *b = mac_table_bucket(t, hash, which);
		for (int i = 0; i < MAC_TABLE_BUCKET_SLOTS; i++) {
			if (__atomic_load_n(&b[i].key, __ATOMIC_RELAXED) == key)
				return __atomic_load_n(&b[i].value, __ATOMIC_ACQUIRE);
		}
	}
	return 0;
}

/*
 * Looks up a key whose hash is known. Returns true and the port in *port when found with a
 * valid value. Lock-free; safe on any thread at any time.
 */
static inline bool
mac_table_lookup_hashed(const struct mac_table *t, uint64_t key, uint64_t hash, uint16_t *port)
{
	uint64_t v = mac_table_find_value(t, key, hash);

	if (!(v & MAC_VALUE_VALID))
		return false;
	*port = mac_value_port(v);
	return true;
}

/* mac_table_lookup_hashed() computing the hash. */
static inline bool
mac_table_lookup(const struct mac_table *t, uint64_t key, uint16_t *port)
{
	return mac_table_lookup_hashed(t, key, mac_key_hash(key), port);
}

/*
 * Learns that key was seen on port at time now_s (seconds). Writes only when something
 * changed, or when the entry's age is older than refresh_s, so that a busy flow does not make
 * every worker write the same cache line on every frame. Lock-free.
 */
enum mac_learn_result mac_table_learn_slow(struct mac_table *t, uint64_t key, uint64_t hash,
                                           uint16_t port, uint32_t now_s, uint32_t refresh_s);

/* The common case inline: the address is known on this port and was refreshed recently, so
 * nothing is written. Everything else takes mac_table_learn_slow(). */
static inline enum mac_learn_result
mac_table_learn_hashed(struct mac_table *t, uint64_t key, uint64_t hash, uint16_t port,
                       uint32_t now_s, uint32_t refresh_s)
{
	uint64_t v = mac_table_find_value(t, key, hash);

	if ((v & MAC_VALUE_VALID) && mac_value_port(v) == port &&
	    ((v & MAC_VALUE_STATIC) || now_s - mac_value_time(v) < refresh_s))
		return MAC_LEARN_KNOWN;
	return mac_table_learn_slow(t, key, hash, port, now_s, refresh_s);
}

/* mac_table_learn_hashed() computing the hash. */
static inline enum mac_learn_result
mac_table_learn(struct mac_table *t, uint64_t key, uint16_t port, uint32_t now_s,
                uint32_t refresh_s)
{
	return mac_table_learn_hashed(t, key, mac_key_hash(key), port, now_s, refresh_s);
}

/* Creates a table with at least `entries` slots (rounded up to a power of two, bounded to
 * MAC_TABLE_MIN_SIZE..MAC_TABLE_MAX_SIZE). Returns NULL on allocation failure. Control thread. */
struct mac_table *mac_table_create(uint32_t entries);

/* Frees a table; accepts NULL. No worker may use it any more. */
void mac_table_destroy(struct mac_table *t);

/* Inserts or overwrites a static entry (never aged, never moved by learning). Returns 0, or
 * -ENOSPC when both buckets are full. Control thread. */
int mac_table_add_static(struct mac_table *t, uint64_t key, uint16_t port, uint32_t now_s);

/* Deletes the entry of key, if any. Returns true if one was deleted. Control thread. */
bool mac_table_delete(struct mac_table *t, uint64_t key);

/* Deletes learned entries last seen more than max_age_s before now_s. Returns the count. */
uint32_t mac_table_age(struct mac_table *t, uint32_t now_s, uint32_t max_age_s);

/* Deletes entries (learned, and static too if with_static) of a port or, with port < 0, of a
 * segment given by segment >= 0. Returns the count. Control thread. */
uint32_t mac_table_flush(struct mac_table *t, int port, int segment, bool with_static);

/* Visits every valid entry; fn returns non-zero to stop. Any thread; a snapshot in motion. */
void mac_table_walk(const struct mac_table *t, int (*fn)(uint64_t key, uint64_t value, void *arg),
                    void *arg);

/* Number of valid entries (walks the table). */
uint32_t mac_table_count(const struct mac_table *t);

#endif
