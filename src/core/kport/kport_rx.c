/*
 * Kernel ports, receive: one recvmmsg(2) per burst. Each frame lands as the virtio-net header,
 * then the first mbuf (allocated ahead, so frames up to one buffer cost no copy), then a spill
 * area that a larger frame (a GSO frame of up to 64 KiB) overflows into and is copied from into
 * a chain of mbufs. The header's state becomes DPDK's receive offload flags (kport_vnet.h).
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>

#include "core/kport/kport.h"
#include "core/kport/kport_queue.h"
#include "core/kport/kport_vnet.h"

/* Allocates the first buffers of slots [0, n) that a previous burst consumed. Returns how
 * many leading slots have one. */
static uint16_t
rx_refill(struct kport_queue *q, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		if (q->rx.head[i] != NULL)
			continue;
		q->rx.head[i] = rte_pktmbuf_alloc(q->pool);
		if (unlikely(q->rx.head[i] == NULL)) {
			q->rx.nombuf++;
			return i;
		}
	}
	return n;
}

/* Copies the len bytes of spill after m's data into new buffers chained to m. Returns 0, or
 * -ENOMEM with m unchanged. */
static int
rx_chain(struct kport_queue *q, struct rte_mbuf *m, const uint8_t *spill, uint32_t len)
{
	struct rte_mbuf *last = m;
	uint16_t nb = 1;
	uint32_t left = len;
	while (left) {
		struct rte_mbuf *s = rte_pktmbuf_alloc(q->pool);
		if (unlikely(s == NULL)) {
			/* Undo: free what was chained so far. */
			rte_pktmbuf_free(m->next);
			m->next = NULL;
			return -ENOMEM;
		}
		s->data_off = 0; /* nothing is ever prepended to a tail buffer */
		uint16_t take = (uint16_t)RTE_MIN(left, (uint32_t)s->buf_len);
		memcpy(rte_pktmbuf_mtod(s, uint8_t *), spill, take);
		s->data_len = take;
		last->next = s;
		last = s;
		spill += take;
		left -= take;
		nb++;
	}
	m->nb_segs = nb;
	m->pkt_len += len;
	return 0;
}

/* Puts back into m the VLAN tag the kernel carried beside the frame (a veth or NIC that
 * offloads VLAN tags strips it), as DPDK's af_packet PMD does. Returns false if there is no
 * headroom for it. */
static inline bool
rx_vlan(struct rte_mbuf *m, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(struct tpacket_auxdata)))
			continue;
		struct tpacket_auxdata aux;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (!(aux.tp_status & TP_STATUS_VLAN_VALID))
			return true;
		uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid
		                                                            : RTE_ETHER_TYPE_VLAN;
		uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, 4);
		if (p == NULL)
			return false;
		memmove(p, p + 4, 2 * RTE_ETHER_ADDR_LEN);
		uint16_t be[2] = {rte_cpu_to_be_16(tpid), rte_cpu_to_be_16(aux.tp_vlan_tci)};
		memcpy(p + 2 * RTE_ETHER_ADDR_LEN, be, sizeof(be));
		return true;
	}
	return true;
}

uint16_t
kport_rx_burst(struct kport_queue *q, struct rte_mbuf **pkts, uint16_t n)
{
	n = rx_refill(q, RTE_MIN(n, (uint16_t)KPORT_BURST));
	if (n == 0)
		return 0;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = q->rx.head[i];
		rte_pktmbuf_reset_headroom(m); /* a kept buffer may have had a tag put in */
		q->rx.iov[i][1].iov_base = rte_pktmbuf_mtod(m, void *);
		q->rx.iov[i][1].iov_len = rte_pktmbuf_tailroom(m);
		q->rx.msg[i].msg_hdr.msg_flags = 0;
		q->rx.msg[i].msg_hdr.msg_controllen = sizeof(q->rx.aux[i].buf);
	}
	int got = recvmmsg(q->fd, q->rx.msg, n, MSG_DONTWAIT, NULL);
	if (got <= 0)
		return 0;

	uint16_t out = 0;
	uint64_t bytes = 0;
	for (int i = 0; i < got; i++) {
		const struct mmsghdr *mh = &q->rx.msg[i];
		struct rte_mbuf *m = q->rx.head[i];
		if (unlikely((mh->msg_hdr.msg_flags & MSG_TRUNC) ||
		             mh->msg_len < sizeof(struct virtio_net_hdr))) {
			q->rx.errors++; /* the buffer stays for the next burst */
			continue;
		}
		uint32_t len = mh->msg_len - sizeof(struct virtio_net_hdr);
		uint32_t first = (uint32_t)q->rx.iov[i][1].iov_len;
		m->data_len = (uint16_t)RTE_MIN(len, first);
		m->pkt_len = m->data_len;
		if (unlikely(!kport_vnet_to_mbuf(m, &q->rx.vh[i]))) {
			q->rx.errors++;
			continue;
		}
		if (unlikely(len > first) && rx_chain(q, m, q->rx.spill[i], len - first) < 0) {
			q->rx.nombuf++;
			continue;
		}
		if (unlikely(!rx_vlan(m, &q->rx.msg[i].msg_hdr))) {
			rte_pktmbuf_free(m->next);
			m->next = NULL;
			m->nb_segs = 1;
			q->rx.errors++;
			continue;
		}
		m->port = q->port_id;
		q->rx.head[i] = NULL;
		pkts[out++] = m;
		bytes += len;
	}
	q->rx.packets += out;
	q->rx.bytes += bytes;
	return out;
}
