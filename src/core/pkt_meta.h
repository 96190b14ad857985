/*
 * Per-packet metadata carried in each mbuf's private area, between the rte_mbuf header and the
 * headroom. It is the only state nodes pass to each other besides the frame itself: what came in
 * where, which segment it belongs to, where it goes, and why it was dropped. Every pool the
 * engine creates reserves room for it (DSE_MBUF_PRIV_SIZE).
 */
#ifndef DSE_CORE_PKT_META_H
#define DSE_CORE_PKT_META_H

#include <assert.h>
#include <stdint.h>

#include <rte_mbuf.h>

struct dse_pkt_meta {
	uint64_t rx_tsc;     /* TSC when the burst holding this packet was received */
	uint32_t flow_hash;  /* symmetric hash of the flow (both directions equal) */
	uint16_t in_port;    /* engine port index the frame arrived on */
	uint16_t out_port;   /* engine port index to send on (set before port-tx) */
	uint16_t segment;    /* segment index in the published snapshot */
	uint16_t in_vlan;    /* VLAN id of the frame's outer tag as received, 0 if untagged */
	uint16_t l3_offset;  /* bytes from the frame start to the L3 header */
	uint16_t l4_offset;  /* bytes to the L4 header, 0 if none */
	uint16_t ethertype;  /* innermost ethertype, host order */
	uint8_t l4_proto;    /* IP protocol, 0 if none */
	uint8_t drop_reason; /* enum dse_drop_reason, set before the drop node */
};

/* Port values above the engine's ports: a frame that came from, or goes to, a remote tunnel
 * endpoint (the overlay's TEP table index in the low bits), or goes to every remote TEP of its
 * segment. The MAC table stores the same values, so remote workloads are learned like local
 * ones. */
#define DSE_PORT_REMOTE       0x8000
#define DSE_PORT_REMOTE_FLOOD 0xfffe
#define DSE_PORT_REMOTE_MASK  0x7fff

static inline int
dse_port_is_remote(uint16_t port)
{
	return (port & DSE_PORT_REMOTE) != 0;
}

/* The private area size every engine mempool is created with. */
#define DSE_MBUF_PRIV_SIZE RTE_ALIGN(sizeof(struct dse_pkt_meta), RTE_MBUF_PRIV_ALIGN)

static_assert(sizeof(struct dse_pkt_meta) <= RTE_CACHE_LINE_SIZE,
              "packet metadata must stay within one cache line");

/* The metadata of a packet; valid for mbufs from engine pools only. */
static inline struct dse_pkt_meta *
dse_meta(struct rte_mbuf *m)
{
	return (struct dse_pkt_meta *)((uint8_t *)m + sizeof(struct rte_mbuf));
}

#endif
