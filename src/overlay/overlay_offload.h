/*
 * Offload state across decapsulation. A tunnel packet's outer UDP checksum (RFC 768; optional
 * over IPv4 for VXLAN, RFC 7348, and Geneve, RFC 8926) needs no second check when the uplink
 * already verified it (RTE_MBUF_F_RX_L4_CKSUM_GOOD) or marks it partial
 * (RTE_MBUF_F_RX_L4_CKSUM_NONE: a sender on this host left it for a device, e.g. a Linux VXLAN
 * endpoint whose veth keeps its checksum offload). A partial mark on the outer packet may stand
 * for the inner L4 checksum instead (Linux's local checksum offload leaves the inner one
 * partial and computes the outer from it), and a GSO mark means the inner frame is a GSO frame
 * whose checksum is partial: the decapsulated frame gets the marks that describe it, so it is
 * completed or cut only where it leaves.
 */
#ifndef DSE_OVERLAY_OVERLAY_OFFLOAD_H
#define DSE_OVERLAY_OVERLAY_OFFLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "net/byteorder.h"
#include "net/gso.h"

/* True when the outer UDP checksum of m is not to be verified here. */
static inline bool
overlay_outer_csum_vouched(const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	return f == RTE_MBUF_F_RX_L4_CKSUM_GOOD || f == RTE_MBUF_F_RX_L4_CKSUM_NONE;
}

/*
 * Replaces the outer packet's offload marks of m by those of its inner frame (len bytes at
 * inner): GSO kept (tso_segsz is the inner MSS), partial when the inner TCP/UDP checksum field
 * holds its pseudo-header sum. A complete checksum that happens to equal that sum is left
 * unchanged by a completion, so the test needs no sum over the payload.
 */
static inline void
overlay_decap_offload(struct rte_mbuf *m, const uint8_t *inner, uint32_t len)
{
	bool partial = (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_NONE;
	bool gso = (m->ol_flags & RTE_MBUF_F_RX_LRO) && m->tso_segsz != 0;
	struct net_gso_hdr h;

	m->ol_flags &= ~(RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	if (likely(!partial && !gso))
		return;
	if (net_gso_locate(inner, len, &h) != NET_GSO_OK ||
	    (uint32_t)h.l2_len + h.l3_len + h.l4_total > len) {
		m->tso_segsz = 0;
		return;
	}
	uint16_t field = net_get_be16(inner + h.l2_len + h.l3_len + net_gso_csum_offset(&h));
	if (gso || field == net_gso_pseudo_sum(inner, &h, h.l4_total))
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
	if (gso)
		m->ol_flags |= RTE_MBUF_F_RX_LRO;
}

#endif
