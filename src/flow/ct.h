/*
 * Connection tracking, the engine's flow table: the table of connections, shared by all workers
 * and services without locks, and the per-protocol trackers that follow each connection's
 * state (TCP: RFC 9293's state machine with sequence-window checks after Rooij's "Real stateful
 * TCP packet filtering"; UDP and other protocols: pseudo-connections; ICMP/ICMPv6: echo pairing
 * by identifier, RFC 792/4443). An entry is also the flow cache: each service keeps its part of
 * it (the firewall: the verdict and the rules that decided it, tagged with the generation of
 * the policy that made them) in the entry's service area, at the offset the registry reserved
 * for it (flow/flow.h).
 *
 * Table protocol: each slot has a 32-bit signature word. 0 = free; CT_SIG_CLAIMED = a worker is
 * filling it; CT_SIG_DEAD = removed, waiting until no worker can still hold it; any other value
 * = valid, a signature of the key. A worker claims a free slot with a compare-and-swap, writes
 * the entry, then stores the signature with release order; readers load the signature with
 * acquire order and compare the key. Only the control thread removes: it marks a slot DEAD,
 * and frees it (signature 0) after every worker has passed a quiescent point (rte_rcu_qsbr), so
 * a worker never sees a slot reused under it. Two workers creating the same connection at the
 * same instant may each insert it; the first found is used and the other expires.
 */
#ifndef DSE_FLOW_CT_H
#define DSE_FLOW_CT_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>

#define CT_BUCKET_SLOTS 8 /* slots per bucket: 8 signatures, half a cache line */
/* Slots per 100 connections. With two choices of 8-slot buckets, a table filled to its bound
 * runs out of slots for ~0.3 % of the keys at 115 and ~0.004 % at 130; at 140 none are left
 * over in a million (simulated with random hashes; test_ct_table checks 200,000 real keys). */
#define CT_LOAD_FACTOR_PCT 140
#define CT_SIG_FREE        0u
#define CT_SIG_CLAIMED     1u
#define CT_SIG_DEAD        2u
#define CT_SIG_MIN         3u  /* smallest signature of a valid entry */
#define CT_SERVICE_BYTES   16u /* bytes of an entry the services share (flow_reserve) */

/* The key of a connection, the same for both directions: the endpoints are ordered. */
struct ct_key {
	uint8_t addr[2][16]; /* endpoint addresses (IPv4 in the first 4 bytes), lower first */
	uint16_t port[2]; /* endpoint ports (TCP/UDP), ICMP echo id, 0 otherwise; network order */
	uint16_t zone;    /* routing domain: addresses may repeat across domains */
	uint8_t proto;    /* IP protocol */
	uint8_t family;   /* 4 or 6 */
};
static_assert(sizeof(struct ct_key) == 40, "ct_key has no padding");

/* Protocol states of a connection. */
enum ct_state {
	CT_TCP_SYN_SENT,    /* SYN seen from the originator */
	CT_TCP_SYN_RECV,    /* SYN-ACK seen from the responder */
	CT_TCP_ESTABLISHED, /* handshake completed */
	CT_TCP_FIN_WAIT,    /* one side sent FIN */
	CT_TCP_CLOSING,     /* both sides sent FIN */
	CT_TCP_TIME_WAIT,   /* both FINs acknowledged */
	CT_TCP_CLOSED,      /* reset */
	CT_UDP_NEW,         /* only the originator has sent */
	CT_UDP_REPLIED,     /* both sides have sent */
	CT_ICMP_REQUEST,    /* echo request seen */
	CT_ICMP_REPLIED,    /* echo reply seen */
	CT_STATE_COUNT
};

/* What one side of a TCP connection has shown, for window checks. Written only by the worker
 * that sees this side's packets, read by the other. */
struct ct_tcp_peer {
	uint32_t end;    /* highest sequence number sent + length */
	uint32_t maxend; /* highest sequence the other side allowed: its ack + window */
	uint32_t maxwin; /* largest window this side advertised, scaled */
	uint8_t wscale;  /* window scale this side announced (RFC 7323), 0xf = none */
	uint8_t flags;   /* CT_PEER_* */
	uint16_t pad;    /* zero */
};
#define CT_PEER_FIN     0x01 /* this side sent FIN */
#define CT_PEER_FIN_ACK 0x02 /* this side's FIN was acknowledged */
#define CT_PEER_SEEN    0x04 /* this side has sent a packet */

/* A tracked connection: 128 bytes, two cache lines. */
struct ct_entry {
	struct ct_key key;          /* endpoints, ordered */
	uint8_t state;              /* enum ct_state; changed by either side's worker */
	uint8_t orig_is_first;      /* 1: the originator is key endpoint 0 */
	uint16_t orig_in_port;      /* port the originator's packets enter on */
	uint16_t orig_out_port;     /* port they leave on */
	uint16_t pad;               /* zero */
	uint32_t created_s;         /* dse_now_s when created */
	uint32_t last_s;            /* dse_now_s of the last packet (either side) */
	struct ct_tcp_peer peer[2]; /* TCP: [0] originator, [1] responder */
	uint32_t packets[2];        /* packets, [0] originator to responder, [1] back */
	uint64_t bytes[2];          /* bytes, same order */
	uint8_t service[CT_SERVICE_BYTES] __rte_aligned(8); /* the services' parts (flow/flow.h) */
};
static_assert(sizeof(struct ct_entry) == 128, "a conntrack entry is two cache lines");

/* The table. Created by the control thread, sized once at start. */
struct ct_table {
	uint32_t *sigs;           /* nb_buckets * CT_BUCKET_SLOTS signatures, cache aligned */
	struct ct_entry *entries; /* one per slot */
	uint32_t nb_buckets;      /* buckets (any number; index by multiply-shift) */
	uint32_t nb_slots;        /* nb_buckets * CT_BUCKET_SLOTS */
	uint32_t max_connections; /* bound on valid entries */
	uint32_t count;           /* valid entries (atomic; workers add, control removes) */
	uint32_t *pending;        /* slots marked DEAD, waiting for a grace period */
	uint32_t nb_pending;      /* entries in pending */
	uint32_t pending_size;    /* capacity of pending */
	uint64_t pending_token;   /* RCU token the pending slots wait for */
	uint32_t scan_next;       /* next slot the expiry scan looks at */
};

/*
 * Hash of a key given as its five 64-bit words: the low 32 bits choose the first bucket, the
 * high 32 bits the second, both together the signature. One CRC-32C chain over the words (two
 * for an IPv4 key, whose addresses fit in one); the second half is a multiplicative mix of the
 * first: a second CRC with another seed would differ from the first by a constant (CRC is
 * linear), which would tie every key's two buckets together and undo the two choices.
 */
static inline uint64_t
ct_words_hash(const uint64_t *w)
{
	uint32_t a = 0x9e3779b9;

	if ((uint8_t)(w[4] >> 56) == 4) {
		a = rte_hash_crc_8byte(w[0] | w[2] << 32, a);
		a = rte_hash_crc_8byte(w[4], a);
	} else {
		for (unsigned i = 0; i < 5; i++)
			a = rte_hash_crc_8byte(w[i], a);
	}
	uint32_t b = a * 0x9e3779b1u;
	b ^= b >> 15;
	return (uint64_t)b << 32 | a;
}

/* Hash of a key. */
static inline uint64_t
ct_key_hash(const struct ct_key *k)
{
	uint64_t w[5];

	memcpy(w, k, sizeof(w));
	return ct_words_hash(w);
}

static inline uint32_t
ct_bucket1(const struct ct_table *t, uint64_t h)
{
	return (uint32_t)(((h & 0xffffffffu) * (uint64_t)t->nb_buckets) >> 32);
}

static inline uint32_t
ct_bucket2(const struct ct_table *t, uint64_t h)
{
	uint32_t b = (uint32_t)(((h >> 32) * (uint64_t)t->nb_buckets) >> 32);
	return b == ct_bucket1(t, h) ? (b + 1) % t->nb_buckets : b;
}

static inline uint32_t
ct_sig(uint64_t h)
{
	uint32_t s = (uint32_t)(h >> 16) ^ (uint32_t)h;
	return s < CT_SIG_MIN ? s + CT_SIG_MIN : s;
}

static inline bool
ct_key_equal(const struct ct_key *a, const struct ct_key *b)
{
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4])) == 0;
}

/* Prefetches the signature buckets of a hash. */
static inline void
ct_prefetch(const struct ct_table *t, uint64_t h)
{
	rte_prefetch0(&t->sigs[(size_t)ct_bucket1(t, h) * CT_BUCKET_SLOTS]);
	rte_prefetch0(&t->sigs[(size_t)ct_bucket2(t, h) * CT_BUCKET_SLOTS]);
}

/* Finds the entry of k in one bucket, or NULL. */
static inline struct ct_entry *
ct_bucket_find(struct ct_table *t, uint32_t bucket, uint32_t sig, const struct ct_key *k)
{
	const uint32_t *sigs = &t->sigs[(size_t)bucket * CT_BUCKET_SLOTS];

	for (unsigned i = 0; i < CT_BUCKET_SLOTS; i++)
		if (__atomic_load_n(&sigs[i], __ATOMIC_ACQUIRE) == sig) {
			struct ct_entry *e = &t->entries[(size_t)bucket * CT_BUCKET_SLOTS + i];
			if (ct_key_equal(&e->key, k))
				return e;
		}
	return NULL;
}

/* Finds the entry of k (hash h), or NULL. */
static inline struct ct_entry *
ct_lookup(struct ct_table *t, const struct ct_key *k, uint64_t h)
{
	uint32_t sig = ct_sig(h);
	struct ct_entry *e = ct_bucket_find(t, ct_bucket1(t, h), sig, k);
	return e ? e : ct_bucket_find(t, ct_bucket2(t, h), sig, k);
}

/* The first slot whose signature matches h, or UINT32_MAX: a likely place of the entry, found
 * from the signature buckets alone so that the entry can be prefetched before its key is
 * compared (ct_slot_entry). */
static inline uint32_t
ct_sig_slot(const struct ct_table *t, uint64_t h)
{
	uint32_t sig = ct_sig(h);
	uint32_t buckets[2] = {ct_bucket1(t, h), ct_bucket2(t, h)};

	for (unsigned b = 0; b < 2; b++) {
		const uint32_t *sigs = &t->sigs[(size_t)buckets[b] * CT_BUCKET_SLOTS];
		for (unsigned i = 0; i < CT_BUCKET_SLOTS; i++)
			if (__atomic_load_n(&sigs[i], __ATOMIC_ACQUIRE) == sig)
				return buckets[b] * CT_BUCKET_SLOTS + i;
	}
	return UINT32_MAX;
}

/* The entry of k at slot (from ct_sig_slot), else a full lookup: the signature of another key
 * may have matched first. */
static inline struct ct_entry *
ct_slot_entry(struct ct_table *t, uint32_t slot, const struct ct_key *k, uint64_t h)
{
	if (slot == UINT32_MAX)
		return NULL;
	struct ct_entry *e = &t->entries[slot];
	if (likely(ct_key_equal(&e->key, k)))
		return e;
	return ct_lookup(t, k, h);
}

/* Result of ct_insert(). */
enum ct_insert_result {
	CT_INSERTED, /* *out is a new entry holding the key; the caller fills it, then publishes */
	CT_FULL,     /* max_connections reached */
	CT_NO_SLOT,  /* both buckets full */
};

/* Free slots of a bucket. */
static inline unsigned
ct_bucket_free(const struct ct_table *t, uint32_t bucket)
{
	const uint32_t *sigs = &t->sigs[(size_t)bucket * CT_BUCKET_SLOTS];
	unsigned n = 0;

	for (unsigned i = 0; i < CT_BUCKET_SLOTS; i++)
		n += __atomic_load_n(&sigs[i], __ATOMIC_RELAXED) == CT_SIG_FREE;
	return n;
}

/*
 * Claims a slot for k (hash h), in the emptier of its two buckets first: filling the first
 * bucket before looking at the second would leave a table sized for N connections (115 slots
 * per 100) out of slots a few percent short of N; the emptier choice keeps every bucket below
 * full until the bound. On CT_INSERTED the entry holds the key and zeroes elsewhere; the caller
 * fills it and calls ct_publish(). Never blocks.
 */
static inline enum ct_insert_result
ct_insert(struct ct_table *t, const struct ct_key *k, uint64_t h, struct ct_entry **out,
          uint32_t **sig_out)
{
	if (__atomic_load_n(&t->count, __ATOMIC_RELAXED) >= t->max_connections)
		return CT_FULL;
	uint32_t b1 = ct_bucket1(t, h), b2 = ct_bucket2(t, h);
	bool second_first = ct_bucket_free(t, b2) > ct_bucket_free(t, b1);
	uint32_t buckets[2] = {second_first ? b2 : b1, second_first ? b1 : b2};
	for (unsigned b = 0; b < 2; b++) {
		uint32_t *sigs = &t->sigs[(size_t)buckets[b] * CT_BUCKET_SLOTS];
		for (unsigned i = 0; i < CT_BUCKET_SLOTS; i++) {
			uint32_t expected = CT_SIG_FREE;
			if (__atomic_load_n(&sigs[i], __ATOMIC_RELAXED) != CT_SIG_FREE)
				continue;
			if (!__atomic_compare_exchange_n(&sigs[i], &expected, CT_SIG_CLAIMED, false,
			                                 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				continue;
			__atomic_fetch_add(&t->count, 1, __ATOMIC_RELAXED);
			struct ct_entry *e = &t->entries[(size_t)buckets[b] * CT_BUCKET_SLOTS + i];
			memset(e, 0, sizeof(*e));
			e->key = *k;
			*out = e;
			*sig_out = &sigs[i];
			return CT_INSERTED;
		}
	}
	return CT_NO_SLOT;
}

/* The slot ct_insert() would claim for hash h now, or UINT32_MAX: prefetching its entry for
 * writing ahead of the insert hides the misses of filling it. */
static inline uint32_t
ct_insert_hint(const struct ct_table *t, uint64_t h)
{
	uint32_t b1 = ct_bucket1(t, h), b2 = ct_bucket2(t, h);
	uint32_t b = ct_bucket_free(t, b2) > ct_bucket_free(t, b1) ? b2 : b1;
	const uint32_t *sigs = &t->sigs[(size_t)b * CT_BUCKET_SLOTS];

	for (unsigned i = 0; i < CT_BUCKET_SLOTS; i++)
		if (__atomic_load_n(&sigs[i], __ATOMIC_RELAXED) == CT_SIG_FREE)
			return b * CT_BUCKET_SLOTS + i;
	return UINT32_MAX;
}

/* Makes a filled entry visible to every worker. */
static inline void
ct_publish(uint32_t *sig_slot, uint64_t h)
{
	__atomic_store_n(sig_slot, ct_sig(h), __ATOMIC_RELEASE);
}

/* Which side of a connection a packet comes from. */
enum ct_dir {
	CT_DIR_ORIG = 0,  /* from the originator */
	CT_DIR_REPLY = 1, /* from the responder */
};

/* What a tracker says about one packet of a connection. */
enum ct_verdict {
	CT_OK,            /* valid; state updated */
	CT_INVALID_FLAGS, /* TCP flag combination never valid */
	CT_OUT_OF_WINDOW, /* TCP sequence or acknowledgement outside the window */
	CT_BAD_RST,       /* TCP reset outside the window */
	CT_UNEXPECTED,    /* not valid in the connection's state (e.g. SYN-ACK from the
	                     originator) */
	CT_REOPEN,        /* TCP: a new SYN on a closed connection; track it afresh */
};

/* A packet as the trackers see it. */
struct ct_pkt {
	const uint8_t *l4; /* L4 header */
	uint32_t l4_len;   /* bytes from the L4 header to the end of the IP payload */
	uint8_t tcp_flags; /* TCP flags, 0 otherwise */
};

/* Per-protocol behaviour: the TCP/UDP/ICMP trackers (ct_tcp.c, ct_udp.c, ct_icmp.c). */
struct ct_proto {
	/* Whether this packet may open a connection; else why not (a drop reason name index). */
	bool (*may_open)(const struct ct_pkt *p);
	/* Fills a new entry's protocol state from its first packet. */
	void (*open)(struct ct_entry *e, const struct ct_pkt *p);
	/* Checks one packet of an existing connection and updates its state. */
	enum ct_verdict (*track)(struct ct_entry *e, enum ct_dir dir, const struct ct_pkt *p);
};

extern const struct ct_proto ct_proto_tcp;
extern const struct ct_proto ct_proto_udp;
extern const struct ct_proto ct_proto_icmp;

/* Timeouts per state, in seconds, in the snapshot (filled from dse_ct_config). */
struct ct_timeouts {
	uint32_t by_state[CT_STATE_COUNT]; /* idle time after which an entry expires */
};

/* TCP option parsing, exposed for the unit tests: the window scale of a SYN, or 0xf if none. */
uint8_t ct_tcp_wscale(const uint8_t *tcp, uint32_t len);

/* Serial-number comparison (RFC 1982) of sequence numbers. */
static inline bool
ct_seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool
ct_seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

/* Control side (ct.c): create, destroy, expire, flush, walk. */
struct rte_rcu_qsbr;
struct ct_table *ct_table_create(uint32_t max_connections);
void ct_table_destroy(struct ct_table *t);
/* Expires idle entries in one slice of the table and frees those whose grace period ended. */
void ct_table_expire(struct ct_table *t, struct rte_rcu_qsbr *qsbr, const struct ct_timeouts *to,
                     uint32_t now, uint32_t slice);
/* Visits every valid entry; cb returns true to remove it. Removal waits for a grace period
 * (blocks the caller, a control thread). Returns the number removed. */
uint32_t ct_table_walk(struct ct_table *t, struct rte_rcu_qsbr *qsbr,
                       bool (*cb)(struct ct_entry *e, void *arg), void *arg);
/* Bytes the table takes for its slots. */
size_t ct_table_memory(const struct ct_table *t);
/* Name of a state. */
const char *ct_state_name(unsigned state);

#endif
