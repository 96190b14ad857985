/*
 * dse-overlay-encap: sends a segment's frames to remote hosts. A frame whose destination the
 * switch found behind a remote TEP (out_port DSE_PORT_REMOTE | TEP) gets the outer Ethernet,
 * IPv4 (DF set, configured TTL), UDP (checksum zero, allowed over IPv4 by RFC 7348 and RFC 8926;
 * source port from the inner flow hash, for underlay ECMP) and Geneve or VXLAN headers, copied
 * from the TEP's template in the snapshot with only lengths, source port and VNI filled in. A
 * flood (DSE_PORT_REMOTE_FLOOD) is replicated to every remote TEP of the segment. A frame too
 * big for the underlay is dropped; when it is IPv4 with DF, or IPv6, the workload gets an ICMP
 * fragmentation-needed (RFC 1191) or packet-too-big (RFC 8201) so its path MTU shrinks.
 * Frames with a partial checksum or GSO frames go through dse-overlay-gso first.
 */
#include <string.h>

#include <rte_graph_worker.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>

#include "core/arc.h"
#include "core/drop.h"
#include "core/node_util.h"
#include "core/offload.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/icmp_error.h"
#include "net/ipv4.h"
#include "net/ipproto.h"
#include "net/ipv6.h"
#include "net/parse.h"
#include "overlay/overlay.h"

enum overlay_encap_next {
	OVERLAY_ENCAP_NEXT_PORT_TX,
	OVERLAY_ENCAP_NEXT_DROP,
	OVERLAY_ENCAP_NEXT_GSO,
	OVERLAY_ENCAP_NEXT_COUNT,
};

#define VLAN_TAG_LEN    4
#define ICMP4_QUOTE_MAX 548  /* the error stays within 576 bytes (RFC 1812) */
#define ICMP6_QUOTE_MAX 1232 /* the error stays within the IPv6 minimum MTU (RFC 4443) */
#define OVERHEAD_TO_L3  50   /* outer IPv4+UDP+tunnel (36) and the inner Ethernet header */

/* Writes the Ethernet (and the input tag, if any) of a frame back to the sender of orig. */
static inline uint8_t *
reply_l2(uint8_t *out, const uint8_t *orig, uint16_t in_vlan, uint16_t ethertype)
{
	memcpy(out, orig + NET_ETH_OFF_SRC, NET_MAC_LEN);
	memcpy(out + NET_ETH_OFF_SRC, orig + NET_ETH_OFF_DST, NET_MAC_LEN);
	uint8_t *p = out + 12;
	if (in_vlan) {
		net_put_be16(p, NET_ETHERTYPE_VLAN);
		net_put_be16(p + 2, in_vlan & 0xfff);
		p += 4;
	}
	net_put_be16(p, ethertype);
	return p + 2;
}

/*
 * Builds the ICMP error telling the sender of m (too big for the tunnel) the largest packet
 * that fits. Returns the new frame, ready for port-tx on the input port, or NULL when none is
 * due (not IPv4 with DF nor IPv6, an ICMP error itself, no buffer).
 */
static struct rte_mbuf *
overlay_too_big(const struct overlay_snap *ov, struct rte_mbuf *m)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip = frame + meta->l3_offset;
	uint32_t avail = m->data_len - meta->l3_offset;
	uint32_t mtu = ov->mtu - OVERHEAD_TO_L3; /* largest inner IP packet that fits */
	bool v6 = meta->ethertype == NET_ETHERTYPE_IPV6;

	if (meta->ethertype == NET_ETHERTYPE_IPV4) {
		if (!(net_get_be16(ip + NET_IPV4_OFF_FRAGMENT) & NET_IPV4_FLAG_DONT_FRAGMENT))
			return NULL;
		if (meta->l4_proto == NET_IPPROTO_ICMP && meta->l4_offset &&
		    net_icmp_is_error(frame[meta->l4_offset], false))
			return NULL;
	} else if (v6) {
		if (meta->l4_proto == NET_IPPROTO_ICMPV6 && meta->l4_offset &&
		    net_icmp_is_error(frame[meta->l4_offset], true))
			return NULL;
		if (ip[NET_IPV6_OFF_SRC] == 0xff)
			return NULL;
	} else {
		return NULL;
	}
	struct rte_mbuf *r = rte_pktmbuf_alloc(m->pool);
	if (r == NULL)
		return NULL;
	uint32_t quote = RTE_MIN(avail, (uint32_t)(v6 ? ICMP6_QUOTE_MAX : ICMP4_QUOTE_MAX));
	uint32_t l2 = NET_ETH_HEADER_LEN + (meta->in_vlan ? VLAN_TAG_LEN : 0);
	uint32_t l3 = v6 ? NET_IPV6_HEADER_LEN : NET_IPV4_HEADER_LEN;
	uint32_t len = l2 + l3 + NET_ICMP_HEADER_LEN + quote;
	uint8_t *out = (uint8_t *)rte_pktmbuf_append(r, (uint16_t)len);
	if (out == NULL) {
		rte_pktmbuf_free(r);
		return NULL;
	}
	uint8_t *rip =
	    reply_l2(out, frame, meta->in_vlan, v6 ? NET_ETHERTYPE_IPV6 : NET_ETHERTYPE_IPV4);
	const struct net_icmp_error too_big = {
	    .type = v6 ? NET_ICMPV6_PACKET_TOO_BIG : NET_ICMP_DEST_UNREACHABLE,
	    .code = v6 ? 0 : NET_ICMP_FRAG_NEEDED_CODE,
	    .info = mtu,
	    .ttl = v6 ? 255 : 64,
	};
	net_icmp_error_build(rip, l3 + NET_ICMP_HEADER_LEN + quote, ip, quote, v6, &too_big);
	struct dse_pkt_meta *rm = dse_meta(r);
	*rm = *meta;
	rm->out_port = meta->in_port;
	rm->in_vlan = 0; /* built with the input port's tag already */
	return r;
}

/* Removes the frame's VLAN tag: the tunnel carries the segment untagged. */
static inline void
strip_tag(struct rte_mbuf *m)
{
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(frame + VLAN_TAG_LEN, frame, 12);
	rte_pktmbuf_adj(m, VLAN_TAG_LEN);
}

/* Puts the outer headers for TEP tep on an untagged frame. Returns DSE_DROP_NONE or why not. */
static inline enum dse_drop_reason
overlay_encap_one(struct dse_worker *w, const struct overlay_snap *ov, struct rte_mbuf *m,
                  uint16_t tep, uint32_t vni, uint32_t hash)
{
	const struct overlay_snap_tep *t = &ov->teps[tep];
	if (unlikely(!t->ready))
		return DSE_DROP_OVL_NO_NEIGHBOR;
	uint32_t inner_len = m->pkt_len;
	uint8_t *h = (uint8_t *)rte_pktmbuf_prepend(m, OVERLAY_HDR_LEN);
	if (unlikely(h == NULL))
		return DSE_DROP_OVL_NO_HEADROOM;
	memcpy(h, t->hdr, OVERLAY_HDR_LEN);
	uint16_t total = (uint16_t)(inner_len + OVERLAY_HDR_LEN - OVERLAY_OFF_IP);
	net_put_be16(h + OVERLAY_OFF_IP + NET_IPV4_OFF_TOTAL_LENGTH, total);
	net_put_be16(h + OVERLAY_OFF_IP + NET_IPV4_OFF_CHECKSUM,
	             net_checksum_update16(t->ip_checksum, 0, total));
	net_put_be16(h + OVERLAY_OFF_UDP, (uint16_t)(0xc000 | (hash & 0x3fff)));
	net_put_be16(h + OVERLAY_OFF_UDP + 4, (uint16_t)(total - NET_IPV4_HEADER_LEN));
	net_put_be24(h + OVERLAY_OFF_TUNNEL + 4, vni);
	dse_meta(m)->out_port = ov->uplink;
	struct overlay_tep_counters *tc = &ov->shared->tc[w->index][tep];
	tc->tx_packets++;
	tc->tx_bytes += inner_len;
	return DSE_DROP_NONE;
}

/* The inner flow's hash, from the offsets classify recorded: only entropy for the underlay's
 * ECMP, so IPv4 (the common case) takes two CRC32C steps over the addresses, protocol and
 * ports (none for fragments, which must follow their first fragment's path); anything else the
 * flow hash of src/net. */
static inline uint32_t
inner_hash(struct rte_mbuf *m)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);

	if (likely(meta->ethertype == NET_ETHERTYPE_IPV4 &&
	           (uint32_t)meta->l3_offset + NET_IPV4_HEADER_LEN <= m->data_len)) {
		const uint8_t *ip = frame + meta->l3_offset;
		uint64_t addrs;
		uint32_t ports = 0;
		memcpy(&addrs, ip + NET_IPV4_OFF_SRC, sizeof(addrs));
		if ((meta->l4_proto == NET_IPPROTO_UDP || meta->l4_proto == NET_IPPROTO_TCP) &&
		    meta->l4_offset != 0 && (uint32_t)meta->l4_offset + 4 <= m->data_len &&
		    !(net_get_be16(ip + NET_IPV4_OFF_FRAGMENT) &
		      (NET_IPV4_FLAG_MORE_FRAGMENTS | NET_IPV4_FRAGMENT_OFFSET_MASK)))
			memcpy(&ports, frame + meta->l4_offset, sizeof(ports));
		return rte_hash_crc_4byte(ports ^ meta->l4_proto, rte_hash_crc_8byte(addrs, 0));
	}
	struct net_parsed p = {
	    .l3_offset = meta->l3_offset,
	    .l4_offset = meta->l4_offset,
	    .ethertype = meta->ethertype,
	    .l4_proto = meta->l4_proto,
	};
	return net_flow_hash_symmetric(frame, m->data_len, &p);
}

/* Runs stmt, which enqueues on the port-tx edge on its own, with nothing staged in to_tx: the
 * stream buffer may move under an enqueue. */
#define RESTAGE(stmt)                                                                              \
	do {                                                                                       \
		rte_node_next_stream_put(graph, node, OVERLAY_ENCAP_NEXT_PORT_TX, nb_tx);          \
		stmt;                                                                              \
		to_tx = rte_node_next_stream_get(graph, node, OVERLAY_ENCAP_NEXT_PORT_TX,          \
		                                 nb_objs - i);                                     \
		nb_tx = 0;                                                                         \
	} while (0)

static uint16_t
overlay_encap_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct dse_snapshot *s = w->snap;
	const struct overlay_snap *ov = overlay_snap_of(s);
	void **to_tx = rte_node_next_stream_get(graph, node, OVERLAY_ENCAP_NEXT_PORT_TX, nb_objs);
	uint16_t nb_tx = 0;

	for (uint16_t i = 0; i < nb_objs; i++) {
		struct rte_mbuf *m = objs[i];
		struct dse_pkt_meta *meta = dse_meta(m);
		enum dse_drop_reason drop = DSE_DROP_NONE;

		if (i + 2 < nb_objs)
			rte_prefetch0(rte_pktmbuf_mtod((struct rte_mbuf *)objs[i + 2], void *));
		if (unlikely(ov == NULL)) {
			drop = DSE_DROP_OVL_NO_NEIGHBOR;
			goto dropped;
		}
		if (unlikely(offload_pending(m))) {
			/* Cut or completed there, then back here segment by segment. */
			rte_node_enqueue_x1(graph, node, OVERLAY_ENCAP_NEXT_GSO, m);
			continue;
		}
		uint32_t untagged = m->pkt_len - (meta->in_vlan ? VLAN_TAG_LEN : 0);
		if (unlikely(untagged > ov->max_inner)) {
			struct rte_mbuf *r = overlay_too_big(ov, m);
			if (r != NULL) {
				ov->shared->wc[w->index].icmp_too_big++;
				RESTAGE(rte_node_enqueue_x1(graph, node, OVERLAY_ENCAP_NEXT_PORT_TX,
				                            r));
			}
			drop = DSE_DROP_OVL_MTU;
			goto dropped;
		}
		uint32_t hash = inner_hash(m);
		uint32_t vni = s->segments[meta->segment].vni;
		if (meta->in_vlan)
			strip_tag(m);
		if (likely(meta->out_port != DSE_PORT_REMOTE_FLOOD)) {
			drop = overlay_encap_one(w, ov, m, meta->out_port & DSE_PORT_REMOTE_MASK,
			                         vni, hash);
			if (unlikely(drop != DSE_DROP_NONE))
				goto dropped;
			to_tx[nb_tx++] = m;
			ov->shared->wc[w->index].encapsulated++;
			continue;
		}
		/* Head-end replication: a copy per remote TEP, the frame itself for the last. */
		uint16_t n = ov->nb_flood[meta->segment];
		for (uint16_t f = 0; f < n; f++) {
			struct rte_mbuf *c = m;
			if (f + 1 < n) {
				c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
				if (unlikely(c == NULL)) {
					w->counters.drops[DSE_DROP_NO_MBUF]++;
					continue;
				}
				*dse_meta(c) = *meta;
			}
			enum dse_drop_reason r =
			    overlay_encap_one(w, ov, c, ov->flood[meta->segment][f], vni, hash);
			if (unlikely(r != DSE_DROP_NONE)) {
				dse_drop_mark(c, r);
				rte_node_enqueue_x1(graph, node, OVERLAY_ENCAP_NEXT_DROP, c);
				continue;
			}
			ov->shared->wc[w->index].replicated++;
			RESTAGE(rte_node_enqueue_x1(graph, node, OVERLAY_ENCAP_NEXT_PORT_TX, c));
		}
		if (n == 0) {
			drop = DSE_DROP_FLOOD_EMPTY;
			goto dropped;
		}
		continue;
	dropped:
		dse_drop_mark(m, drop);
		rte_node_enqueue_x1(graph, node, OVERLAY_ENCAP_NEXT_DROP, m);
	}
	rte_node_next_stream_put(graph, node, OVERLAY_ENCAP_NEXT_PORT_TX, nb_tx);
	return nb_objs;
}

static struct rte_node_register overlay_encap_node = {
    .process = overlay_encap_process,
    .name = "dse-overlay-encap",
    .init = dse_node_bind_worker,
    .nb_edges = OVERLAY_ENCAP_NEXT_COUNT,
    .next_nodes =
        {
            [OVERLAY_ENCAP_NEXT_PORT_TX] = "dse-port-tx",
            [OVERLAY_ENCAP_NEXT_DROP] = "dse-drop",
            [OVERLAY_ENCAP_NEXT_GSO] = "dse-overlay-gso",
        },
};

RTE_NODE_REGISTER(overlay_encap_node);

/* It ends the remote arc: every frame leaves on the uplink or is dropped. */
static struct dse_arc_feature overlay_encap_feature = {
    .node = "dse-overlay-encap",
    .arc = DSE_ARC_REMOTE,
    .next = RTE_EDGE_ID_INVALID,
    .remote = RTE_EDGE_ID_INVALID,
};

DSE_ARC_FEATURE(overlay_encap_feature);
