/*
 * Kernel ports, transmit: one sendmmsg(2) per burst, each frame as a virtio-net header
 * followed by its buffers (no copy: the kernel copies from the chain). The header carries the
 * frame's TX offload flags to the kernel, which completes a partial checksum (NEEDS_CSUM) or
 * segments a TSO/USO frame itself, as it does for a virtio-net device (kport_vnet.h).
 */
#include <errno.h>
#include <string.h>

#include "core/kport/kport.h"
#include "core/kport/kport_queue.h"
#include "core/kport/kport_vnet.h"

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
	kport_vnet_from_mbuf(m, &q->tx.vh[i]);
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
		uint8_t *csum = kport_gso_csum(pkts[i]);
		if (csum != NULL)
			kport_csum_add_len(
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
