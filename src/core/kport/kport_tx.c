/*
 * Kernel ports, transmit: one sendmmsg(2) per burst, each frame as a virtio-net header
 * followed by its buffers (no copy: the kernel copies from the chain). The header carries the
 * frame's TX offload flags to the kernel, which completes a partial checksum (NEEDS_CSUM) or
 * segments a TSO/USO frame itself, as it does for a virtio-net device. DPDK's TSO convention
 * leaves the L4 length out of the pseudo-header sum in the checksum field; the kernel's keeps it
 * in (as the virtio PMD does before handing a frame to a virtio device, the length is added).
 */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>

#include "core/kport/kport.h"
#include "core/kport/kport_queue.h"

/* Adds len to the 16-bit one's complement sum stored (not inverted) in the field at p. */
static inline void
csum_add_len(uint8_t *p, uint32_t len)
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
tx_gso_csum(struct rte_mbuf *m)
{
	if (!(m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)))
		return NULL;
	return rte_pktmbuf_mtod_offset(m, uint8_t *, m->l2_len + m->l3_len) +
	       ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ? 16 : 6);
}

/* Writes the virtio-net header of m into vh, finishing what the kernel does not. */
static inline void
tx_offload(struct rte_mbuf *m, struct virtio_net_hdr *vh)
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
		csum_add_len(frame + l4 + vh->csum_offset, m->pkt_len - l4);
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

/* Points message i at m's header and buffers. Returns false if m has too many buffers. */
static inline bool
tx_message(struct kport_queue *q, uint16_t i, struct rte_mbuf *m)
{
	if (unlikely(m->nb_segs > KPORT_TX_MAX_SEGS))
		return false;
	struct iovec *iov = q->tx.iov[i];
	unsigned n = 1;
	for (struct rte_mbuf *s = m; s != NULL; s = s->next, n++) {
		iov[n].iov_base = rte_pktmbuf_mtod(s, void *);
		iov[n].iov_len = s->data_len;
	}
	q->tx.msg[i].msg_hdr.msg_iovlen = n;
	tx_offload(m, &q->tx.vh[i]);
	return true;
}

/* Sends one chunk of at most KPORT_BURST frames; returns the frames consumed, the others
 * left at the end of pkts[0..n). */
static uint16_t
tx_chunk(struct kport_queue *q, struct rte_mbuf **pkts, uint16_t n)
{
	/* Frames the kernel could never take are consumed (counted) up front. */
	uint16_t ok = 0;
	for (uint16_t i = 0; i < n; i++) {
		if (unlikely(!tx_message(q, ok, pkts[i]))) {
			q->tx.errors++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		pkts[ok++] = pkts[i];
	}
	uint16_t done = 0;
	while (done < ok) {
		int r = sendmmsg(q->fd, q->tx.msg + done, ok - done, MSG_DONTWAIT);
		if (r > 0) {
			done += (uint16_t)r;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR)
			break;
		/* The first frame was refused for itself (e.g. a header the kernel rejects). */
		q->tx.errors++;
		rte_pktmbuf_free(pkts[done]);
		pkts[done] = NULL;
		done++;
	}
	uint64_t bytes = 0;
	uint16_t sent = 0;
	for (uint16_t i = 0; i < done; i++) {
		if (pkts[i] == NULL)
			continue;
		bytes += pkts[i]->pkt_len;
		rte_pktmbuf_free(pkts[i]);
		sent++;
	}
	q->tx.packets += sent;
	q->tx.bytes += bytes;
	/* What the kernel did not take stays the caller's, at the end of the array, as it was
	 * before this call (the length added to a TSO frame's checksum taken out again). */
	for (uint16_t i = ok; i-- > done;) {
		uint8_t *csum = tx_gso_csum(pkts[i]);
		if (csum != NULL)
			csum_add_len(
			    csum, 0xffff - (pkts[i]->pkt_len - pkts[i]->l2_len - pkts[i]->l3_len));
		pkts[n - ok + i] = pkts[i];
	}
	return (uint16_t)(n - ok + done);
}

uint16_t
kport_tx_burst(struct kport_queue *q, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t done = 0;
	while (done < n) {
		uint16_t c = RTE_MIN((uint16_t)(n - done), (uint16_t)KPORT_BURST);
		uint16_t k = tx_chunk(q, pkts + done, c);
		done += k;
		if (k < c)
			break;
	}
	return done;
}
