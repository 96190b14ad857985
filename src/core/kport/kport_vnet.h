/*
 * The virtio-net header of a kernel port's frames (struct virtio_net_hdr, virtio 1.x section
 * 5.1.6) and DPDK's mbuf offload fields, both ways, as pure functions over an mbuf: on receive
 * the header's state becomes the flags of offload.h (NEEDS_CSUM: a partial checksum, DATA_VALID:
 * a verified one, a GSO type: RTE_MBUF_F_RX_LRO with tso_segsz); on transmit the TX offload
 * flags become a header that asks the kernel to complete or segment. DPDK's TSO convention
 * leaves the L4 length out of the pseudo-header sum in the checksum field, the kernel's keeps it
 * in: it is added on the way out (as the virtio PMD does before handing a frame to a device).
 */
#ifndef DSE_CORE_KPORT_VNET_H
#define DSE_CORE_KPORT_VNET_H

#include <stdbool.h>
#include <string.h>

#include <linux/virtio_net.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

/* UDP segmentation (USO), value 5 of the virtio spec; older uapi headers lack the name. */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

/* The offload flags of a received frame's header; returns false for a GSO type we do not
 * handle. */
static inline bool
kport_vnet_to_mbuf(struct rte_mbuf *m, const struct virtio_net_hdr *vh)
{
	uint64_t ol = 0;
	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		ol |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
	else if (vh->flags & VIRTIO_NET_HDR_F_DATA_VALID)
		ol |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	switch (vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
	case VIRTIO_NET_HDR_GSO_UDP_L4:
		if (unlikely(vh->gso_size == 0))
			return false;
		ol |= RTE_MBUF_F_RX_LRO;
		m->tso_segsz = vh->gso_size;
		break;
	default:
		return false;
	}
	m->ol_flags = ol;
	return true;
}

/* Adds len to the 16-bit one's complement sum stored (not inverted) in the field at p. */
static inline void
kport_csum_add_len(uint8_t *p, uint32_t len)
{
	uint16_t be;
	memcpy(&be, p, sizeof(be));
	uint32_t sum = (uint32_t)rte_be_to_cpu_16(be) + len;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	be = rte_cpu_to_be_16((uint16_t)sum);
	memcpy(p, &be, sizeof(be));
}

/* Where the L4 checksum of a TSO/USO frame is, or NULL if m is neither. */
static inline uint8_t *
kport_gso_csum(struct rte_mbuf *m)
{
	if (!(m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)))
		return NULL;
	return rte_pktmbuf_mtod_offset(m, uint8_t *, m->l2_len + m->l3_len) +
	       ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ? 16 : 6);
}

/* Writes the virtio-net header of m into vh, finishing what the kernel does not. */
static inline void
kport_vnet_from_mbuf(struct rte_mbuf *m, struct virtio_net_hdr *vh)
{
	uint64_t ol = m->ol_flags;
	memset(vh, 0, sizeof(*vh));
	if (likely(!(ol & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG |
	                   RTE_MBUF_F_TX_IP_CKSUM))))
		return;
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t l4 = (uint16_t)(m->l2_len + m->l3_len);
	if (ol & RTE_MBUF_F_TX_IP_CKSUM) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + m->l2_len);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if (ol & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)) {
		bool tcp = (ol & RTE_MBUF_F_TX_TCP_SEG) != 0;
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = l4;
		vh->csum_offset = tcp ? 16 : 6;
		vh->hdr_len = (uint16_t)(l4 + m->l4_len);
		vh->gso_size = m->tso_segsz;
		vh->gso_type = !tcp                        ? VIRTIO_NET_HDR_GSO_UDP_L4
		               : (ol & RTE_MBUF_F_TX_IPV6) ? VIRTIO_NET_HDR_GSO_TCPV6
		                                           : VIRTIO_NET_HDR_GSO_TCPV4;
		kport_csum_add_len(frame + l4 + vh->csum_offset, m->pkt_len - l4);
		return;
	}
	switch (ol & RTE_MBUF_F_TX_L4_MASK) {
	case RTE_MBUF_F_TX_TCP_CKSUM:
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = l4;
		vh->csum_offset = 16;
		break;
	case RTE_MBUF_F_TX_UDP_CKSUM:
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = l4;
		vh->csum_offset = 6;
		break;
	default:
		break;
	}
}

#endif
