/*
 * The control side of neighbour resolution (core/neigh.h): a small table searched linearly
 * (a few hundred entries, control thread only).
 */
#include "core/neigh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "core/engine.h"
#include "core/inject.h"
#include "net/arp.h"
#include "net/eth.h"

/* A wanted address. */
struct neigh_entry {
	uint32_t ip;             /* IPv4, host order; 0 = free */
	uint8_t mac[6];          /* its MAC when resolved */
	bool resolved;           /* mac is valid */
	bool requested;          /* a request was sent at least once */
	uint32_t updated_s;      /* dse_now_s of the last answer */
	uint32_t last_request_s; /* dse_now_s of the last request sent */
	uint32_t wanted_s;       /* dse_now_s of the last neigh_resolve() */
};

struct rte_ring *dse_neigh_ring;
static struct neigh_entry *table; /* NEIGH_MAX entries */
static uint64_t generation;

int
neigh_init(void)
{
	table = calloc(NEIGH_MAX, sizeof(*table));
	dse_neigh_ring = rte_ring_create_elem("dse_neigh", sizeof(struct neigh_msg), NEIGH_RING,
	                                      (int)rte_socket_id(), RING_F_SC_DEQ);
	return table == NULL || dse_neigh_ring == NULL ? -ENOMEM : 0;
}

void
neigh_fini(void)
{
	rte_ring_free(dse_neigh_ring);
	dse_neigh_ring = NULL;
	free(table);
	table = NULL;
}

static struct neigh_entry *
find(uint32_t ip)
{
	for (unsigned i = 0; i < NEIGH_MAX; i++)
		if (table[i].ip == ip)
			return &table[i];
	return NULL;
}

/* The entry of ip, made if new: a free one, else the one wanted longest ago if it has not
 * been wanted for NEIGH_EXPIRE_S. NULL when the table is full. */
static struct neigh_entry *
want(uint32_t ip)
{
	struct neigh_entry *e = find(ip), *oldest = NULL;
	if (e != NULL)
		return e;
	for (unsigned i = 0; i < NEIGH_MAX && e == NULL; i++) {
		if (table[i].ip == 0)
			e = &table[i];
		else if (oldest == NULL || table[i].wanted_s < oldest->wanted_s)
			oldest = &table[i];
	}
	if (e == NULL && oldest != NULL && dse_now_s - oldest->wanted_s >= NEIGH_EXPIRE_S)
		e = oldest;
	if (e != NULL)
		*e = (struct neigh_entry){.ip = ip};
	return e;
}

void
neigh_input(void)
{
	struct neigh_msg msg;
	if (dse_neigh_ring == NULL)
		return;
	while (rte_ring_sc_dequeue_elem(dse_neigh_ring, &msg, sizeof(msg)) == 0) {
		struct neigh_entry *e = msg.ip ? find(msg.ip) : NULL;
		if (e == NULL)
			continue;
		if (!e->resolved || memcmp(e->mac, msg.mac, 6) != 0)
			generation++;
		memcpy(e->mac, msg.mac, 6);
		e->resolved = true;
		e->updated_s = dse_now_s;
	}
}

/* Queues an ARP request for target on port. */
static void
send_request(uint32_t target, uint16_t port, const uint8_t src_mac[6], uint32_t src_ip,
             struct rte_mempool *pool)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return;
	uint8_t *frame = (uint8_t *)rte_pktmbuf_append(m, NET_ETH_MIN_FRAME_LEN);
	if (frame == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(frame, 0, NET_ETH_MIN_FRAME_LEN);
	net_arp_build_request(frame, NET_ETH_MIN_FRAME_LEN, src_mac, src_ip, target);
	struct dse_pkt_meta *meta = dse_meta(m);
	memset(meta, 0, sizeof(*meta));
	meta->out_port = port;
	meta->in_port = port;
	dse_inject(m);
}

bool
neigh_resolve(uint32_t ip, uint16_t port, const uint8_t src_mac[6], uint32_t src_ip,
              struct rte_mempool *pool)
{
	struct neigh_entry *e = ip ? want(ip) : NULL;
	if (e == NULL)
		return false;
	uint32_t now = dse_now_s;
	e->wanted_s = now;
	if (e->resolved && now - e->updated_s >= NEIGH_EXPIRE_S) {
		e->resolved = false;
		generation++;
	}
	bool due = !e->resolved || now - e->updated_s >= NEIGH_REFRESH_S;
	if (due && (!e->requested || now - e->last_request_s >= NEIGH_RETRY_S)) {
		send_request(ip, port, src_mac, src_ip, pool);
		e->requested = true;
		e->last_request_s = now;
	}
	return e->resolved;
}

bool
neigh_lookup(uint32_t ip, uint8_t mac[6], uint32_t *age_s)
{
	const struct neigh_entry *e = ip ? find(ip) : NULL;
	if (e == NULL || !e->resolved)
		return false;
	memcpy(mac, e->mac, 6);
	if (age_s != NULL)
		*age_s = dse_now_s - e->updated_s;
	return true;
}

void
neigh_flush(void)
{
	if (table != NULL)
		memset(table, 0, NEIGH_MAX * sizeof(*table));
	generation++;
}

uint64_t
neigh_generation(void)
{
	return generation;
}
