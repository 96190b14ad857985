/*
 * Checksum and segmentation offload on transmit. Ports mark received packets with DPDK's own
 * mbuf fields, with the meaning the virtio/vhost PMDs give them: a partial L4 checksum (the
 * TCP/UDP checksum field holds the pseudo-header sum) is RTE_MBUF_F_RX_L4_CKSUM_NONE; a GSO
 * frame (larger than the MTU, to be cut at m->tso_segsz bytes of payload) has RTE_MBUF_F_RX_LRO
 * and a partial checksum too; either may be a chain of mbufs. Before a packet leaves on a port,
 * offload_tx_prepare() readies it for what that port's device can finish, and finishes the
 * rest in software.
 */
#ifndef DSE_CORE_OFFLOAD_H
#define DSE_CORE_OFFLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "core/drop.h"

/* What a port's device takes on transmit; port.c fills it when it opens the port. */
struct dse_tx_caps {
	bool l4_csum; /* device completes TCP/UDP checksums (RTE_ETH_TX_OFFLOAD_{TCP,UDP}_CKSUM) */
	bool tso;     /* device segments TCP (RTE_ETH_TX_OFFLOAD_TCP_TSO) */
	bool multi_seg; /* device takes mbuf chains (RTE_ETH_TX_OFFLOAD_MULTI_SEGS) */
};

/* True when m carries offload state: a partial checksum or a GSO frame. One flag test. */
static inline bool
offload_pending(const struct rte_mbuf *m)
{
	return (m->ol_flags & RTE_MBUF_F_RX_LRO) != 0 ||
	       (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_NONE;
}

/* Clears m's offload state (after its checksum was completed or it was cut into segments). */
static inline void
offload_clear(struct rte_mbuf *m)
{
	m->ol_flags &= ~(RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	m->tso_segsz = 0;
}

/*
 * Readies m for a device with caps. Packets without offload state pass untouched (out[0] = m,
 * returns 1, cost: one flag test). Otherwise either sets the TX offload fields (ol_flags TX_*,
 * l2_len/l3_len/l4_len, tso_segsz) for the device to finish, or completes the checksum in
 * software, or segments the frame into out[] (new single-buffer mbufs from pool, each with
 * m's packet metadata; m freed). A chain goes out whole only to a device with multi_seg; else it
 * is completed or segmented into single buffers. Returns the number of packets in out[], or 0
 * when m could not be handled (m untouched, *reason set to a named drop reason for the caller
 * to drop it under). Never blocks, never allocates other than mbufs from pool.
 */
uint16_t offload_tx_prepare(struct rte_mbuf *m, const struct dse_tx_caps *caps,
                            struct rte_mempool *pool, struct rte_mbuf **out, uint16_t max_out,
                            enum dse_drop_reason *reason);

#endif
