/*
 * Transmit-side checksum and segmentation offload (offload.h): hands a device what it can
 * finish (TCP/UDP checksum, TSO) through DPDK's TX offload fields and does the rest here.
 * Segmentation is the engine's own rather than rte_gso: rte_gso in DPDK 22.11 cuts TCP/IPv4
 * only (no TCP/IPv6, no UDP), its segments are chains of a header mbuf and indirect payload
 * mbufs (a second pool, and a device that takes chains), and it leaves every checksum to the
 * caller. Here each segment is one buffer of the engine's pool, written in one pass (headers
 * from net/gso.h, payload copied from the input chain), and its checksum is completed over the
 * bytes just copied while they are in cache, or left partial for a device that completes it.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "core/offload.h"
#include "core/pkt_meta.h"
#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/gso.h"
#include "net/ipproto.h"
#include "net/ipv4.h"
#include "net/tcp.h"

/* Hands the checksum of the L4 part located by h to the device. */
static inline void
set_tx_csum(struct rte_mbuf *m, const struct net_gso_hdr *h)
{
	m->l2_len = h->l2_len;
	m->l3_len = h->l3_len;
	m->l4_len = h->l4_len;
	m->ol_flags &= ~(RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	m->ol_flags |=
	    (h->ipv6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4) |
	    (h->l4_proto == NET_IPPROTO_TCP ? RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM);
}

/* Hands the segmentation of GSO frame m to the device (DPDK's TSO conventions: the TCP
 * checksum field holds the pseudo-header sum without the length, the IPv4 checksum is zero). */
static inline void
set_tx_tso(struct rte_mbuf *m, const struct net_gso_hdr *h)
{
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *l4 = frame + h->l2_len + h->l3_len;

	m->l2_len = h->l2_len;
	m->l3_len = h->l3_len;
	m->l4_len = h->l4_len;
	m->ol_flags &= ~(RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
	if (h->ipv6) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV6;
	} else {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		net_put_be16(frame + h->l2_len + NET_IPV4_OFF_CHECKSUM, 0);
	}
	net_put_be16(l4 + NET_TCP_OFF_CHECKSUM, net_gso_pseudo_sum(frame, h, 0));
}

/* Completes the partial checksum of the L4 part of chain m in software. */
static void
complete_chain(struct rte_mbuf *m, const struct net_gso_hdr *h)
{
	uint32_t skip = (uint32_t)h->l2_len + h->l3_len; /* bytes before the L4 header */
	uint32_t left = h->l4_total;
	uint32_t pos = 0;
	uint32_t sum = 0;

	for (struct rte_mbuf *s = m; s != NULL && left != 0; s = s->next) {
		const uint8_t *d = rte_pktmbuf_mtod(s, const uint8_t *);
		uint32_t len = s->data_len;
		if (skip >= len) {
			skip -= len;
			continue;
		}
		d += skip;
		len -= skip;
		skip = 0;
		if (len > left)
			len = left;
		sum = net_checksum_piece(d, len, pos, sum);
		pos += len;
		left -= len;
	}
	uint16_t csum = net_checksum_finish(sum);
	if (csum == 0 && h->l4_proto == NET_IPPROTO_UDP)
		csum = 0xffff;
	uint8_t *field =
	    rte_pktmbuf_mtod_offset(m, uint8_t *, h->l2_len + h->l3_len) + net_gso_csum_offset(h);
	net_put_be16(field, csum);
	offload_clear(m);
}

/* A read position in a chain of mbufs. */
struct chain_cursor {
	const struct rte_mbuf *seg; /* current buffer */
	uint32_t off;               /* offset in it */
};

/* Copies len bytes at the cursor to dst and advances; the chain holds them (checked). */
static inline void
chain_copy(struct chain_cursor *c, uint8_t *dst, uint32_t len)
{
	while (len != 0) {
		while (c->off == c->seg->data_len) {
			c->seg = c->seg->next;
			c->off = 0;
		}
		uint32_t n = c->seg->data_len - c->off;
		if (n > len)
			n = len;
		memcpy(dst, rte_pktmbuf_mtod_offset(c->seg, const uint8_t *, c->off), n);
		dst += n;
		len -= n;
		c->off += n;
	}
}

/* Cuts m into segments of at most mss payload bytes, one buffer each, into out[]. Returns
 * their number (m freed) or 0 with *reason set (m untouched). */
static uint16_t
segment(struct rte_mbuf *m, const struct net_gso_hdr *h, uint32_t mss,
        const struct dse_tx_caps *caps, struct rte_mempool *pool, struct rte_mbuf **out,
        uint16_t max_out, enum dse_drop_reason *reason)
{
	uint32_t hdr_len = (uint32_t)h->l2_len + h->l3_len + h->l4_len;
	uint32_t payload = net_gso_payload_len(h);
	uint32_t n = net_gso_nb_segments(payload, mss);
	uint32_t room = (uint32_t)rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM;

	if (n > max_out) {
		*reason = DSE_DROP_GSO_TOO_MANY;
		return 0;
	}
	if (hdr_len + (payload < mss ? payload : mss) > room) {
		*reason = DSE_DROP_GSO_SEG_TOO_BIG;
		return 0;
	}
	if (rte_pktmbuf_alloc_bulk(pool, out, n) != 0) {
		*reason = DSE_DROP_GSO_NO_MBUF;
		return 0;
	}
	const uint8_t *orig = rte_pktmbuf_mtod(m, const uint8_t *);
	struct chain_cursor c = {.seg = m, .off = hdr_len};
	uint32_t off = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct rte_mbuf *s = out[i];
		uint32_t len = payload - off < mss ? payload - off : mss;
		uint8_t *d = (uint8_t *)rte_pktmbuf_append(s, (uint16_t)(hdr_len + len));
		memcpy(d, orig, hdr_len);
		chain_copy(&c, d + hdr_len, len);
		net_gso_write_segment_header(d, h, i, n, off, len);
		*dse_meta(s) = *dse_meta(m);
		s->port = m->port;
		s->hash = m->hash;
		struct net_gso_hdr sh = *h;
		sh.l4_total = h->l4_len + len;
		if (caps->l4_csum) {
			set_tx_csum(s, &sh);
		} else {
			net_gso_complete_checksum(d, &sh);
			offload_clear(s);
		}
		off += len;
	}
	rte_pktmbuf_free(m);
	return (uint16_t)n;
}

uint16_t
offload_tx_prepare(struct rte_mbuf *m, const struct dse_tx_caps *caps, struct rte_mempool *pool,
                   struct rte_mbuf **out, uint16_t max_out, enum dse_drop_reason *reason)
{
	if (likely(!offload_pending(m))) {
		out[0] = m;
		return 1;
	}
	if (max_out == 0) {
		*reason = DSE_DROP_GSO_TOO_MANY;
		return 0;
	}
	struct net_gso_hdr h;
	if (net_gso_locate(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, &h) != NET_GSO_OK ||
	    (uint32_t)h.l2_len + h.l3_len + h.l4_total > m->pkt_len) {
		*reason = DSE_DROP_OFFLOAD_HEADERS;
		return 0;
	}
	uint32_t payload = net_gso_payload_len(&h);
	bool whole_ok = m->nb_segs == 1 || caps->multi_seg;
	bool gso = (m->ol_flags & RTE_MBUF_F_RX_LRO) && m->tso_segsz != 0 && payload > m->tso_segsz;

	if (gso) {
		if (caps->tso && whole_ok && h.l4_proto == NET_IPPROTO_TCP) {
			set_tx_tso(m, &h);
			out[0] = m;
			return 1;
		}
		return segment(m, &h, m->tso_segsz, caps, pool, out, max_out, reason);
	}
	if (!whole_ok)
		/* A chain for a device that takes none: one segment, linearised. */
		return segment(m, &h, payload ? payload : 1, caps, pool, out, max_out, reason);
	if (caps->l4_csum) {
		set_tx_csum(m, &h);
		m->tso_segsz = 0;
	} else {
		complete_chain(m, &h);
	}
	out[0] = m;
	return 1;
}
