/*
 * Neighbour resolution for the engine's own addresses (ARP, RFC 826; ND to come): the MAC of
 * an IPv4 next hop that a service needs (the overlay's underlay next hops, later the router's).
 * Workers report the senders of ARP packets addressed to the engine through a ring; the control
 * thread keeps one entry per wanted address, asks for it every NEIGH_RETRY_S seconds until
 * answered, again after NEIGH_REFRESH_S, and gives it up after NEIGH_EXPIRE_S without an
 * answer. Requests leave through packet injection (core/inject.h).
 */
#ifndef DSE_CORE_NEIGH_H
#define DSE_CORE_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ring.h>

#define NEIGH_MAX       512  /* addresses wanted at once */
#define NEIGH_RING      1024 /* reports in flight from the workers */
#define NEIGH_RETRY_S   1    /* between requests for an unresolved address */
#define NEIGH_REFRESH_S 30   /* age of a resolved entry that is asked again */
#define NEIGH_EXPIRE_S  90   /* age at which an unanswered entry is given up */

/* An ARP sender seen by a worker. */
struct neigh_msg {
	uint32_t ip;    /* sender IPv4, host order */
	uint8_t mac[6]; /* sender MAC */
	uint8_t pad[6]; /* zero; 16-byte ring element */
};

/* The workers' reports (multi producer, single consumer: the control thread), set by
 * neigh_init before the workers start. */
extern struct rte_ring *dse_neigh_ring;

/* Worker side: reports that ip is at mac. Returns false when the ring is full. */
static inline bool
neigh_report(uint32_t ip, const uint8_t mac[6])
{
	struct neigh_msg msg = {.ip = ip};
	for (int i = 0; i < 6; i++)
		msg.mac[i] = mac[i];
	return rte_ring_mp_enqueue_elem(dse_neigh_ring, &msg, sizeof(msg)) == 0;
}

struct rte_mempool;

/* Control side. Creates / frees the ring and the table. Returns 0 or -ENOMEM. */
int neigh_init(void);
void neigh_fini(void);
/* Takes the workers' reports into the entries of the addresses they concern. */
void neigh_input(void);
/* Resolves ip, asking from src_ip/src_mac on engine port `port` (a frame from pool) when due.
 * Returns whether ip is resolved. */
bool neigh_resolve(uint32_t ip, uint16_t port, const uint8_t src_mac[6], uint32_t src_ip,
                   struct rte_mempool *pool);
/* The MAC of ip and its age in seconds (age_s may be NULL), if resolved. */
bool neigh_lookup(uint32_t ip, uint8_t mac[6], uint32_t *age_s);
/* Forgets every entry (the addresses or the way to them changed). */
void neigh_flush(void);
/* Increases whenever an address is resolved, changes its MAC or is given up. */
uint64_t neigh_generation(void);

#endif
