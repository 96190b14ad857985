/*
 * dse-classify: the first look at every received frame. Checks that the headers the later
 * stages rely on are whole and consistent (net_parse_frame), and decides which segment the
 * frame belongs to: the port's untagged segment, or the segment its VLAN tag maps to on this
 * port. Frames received on the overlay's uplink belong to no segment: they go to
 * dse-overlay-input, which terminates the tunnels. ARP of a segment that spans hosts goes to
 * dse-overlay-arp first, which answers requests for remote workloads it knows (ARP
 * suppression). Anything else goes to the drop node under a named reason.
 */
#include <assert.h>

#include <rte_graph_worker.h>
#include <rte_mbuf.h>

#include "core/arc.h"
#include "core/drop.h"
#include "core/node_util.h"
#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/ipproto.h"
#include "net/parse.h"

enum classify_next {
	CLASSIFY_NEXT_SWITCH, /* the L2 arc */
	CLASSIFY_NEXT_DROP,
	CLASSIFY_NEXT_OVERLAY, /* the underlay arc: frames of an uplink */
	CLASSIFY_NEXT_ARP,     /* the L2 ARP arc: ARP of a segment with arp_intercept */
	CLASSIFY_NEXT_COUNT,
};

/* net_parse_frame's reasons, as drop reasons. A new parse result must be added here too. */
static_assert(NET_PARSE_RESULT_COUNT == 12, "map every net_parse_result to a drop reason");
static const uint8_t parse_to_drop[NET_PARSE_RESULT_COUNT] = {
    [NET_PARSE_OK] = DSE_DROP_NONE,
    [NET_PARSE_RUNT] = DSE_DROP_RUNT,
    [NET_PARSE_VLAN_TRUNCATED] = DSE_DROP_VLAN_TRUNCATED,
    [NET_PARSE_TOO_MANY_TAGS] = DSE_DROP_TOO_MANY_TAGS,
    [NET_PARSE_IPV4_TRUNCATED] = DSE_DROP_IPV4_TRUNCATED,
    [NET_PARSE_IPV4_BAD_HEADER] = DSE_DROP_IPV4_BAD_HEADER,
    [NET_PARSE_IPV4_BAD_LENGTH] = DSE_DROP_IPV4_BAD_LENGTH,
    [NET_PARSE_IPV6_TRUNCATED] = DSE_DROP_IPV6_TRUNCATED,
    [NET_PARSE_IPV6_BAD_LENGTH] = DSE_DROP_IPV6_BAD_LENGTH,
    [NET_PARSE_IPV6_BAD_EXTENSION] = DSE_DROP_IPV6_BAD_EXTENSION,
    [NET_PARSE_L4_TRUNCATED] = DSE_DROP_L4_TRUNCATED,
    [NET_PARSE_ARP_TRUNCATED] = DSE_DROP_ARP_TRUNCATED,
};

/*
 * Marks a partial checksum that arrived unmarked. An XDP socket carries no offload metadata, and
 * a veth peer that keeps tx checksumming sends TCP/UDP with only the pseudo-header sum in the
 * checksum field: such a frame is recognised by that field (and by the full checksum not
 * verifying, which tells it from the rare complete checksum of the same value), and marked
 * RTE_MBUF_F_RX_L4_CKSUM_NONE so the output completes it. Costs a pseudo-header sum per
 * TCP/UDP frame of such ports; the full sum only for frames that then get completed anyway.
 */
static inline void
classify_unmarked_partial(struct rte_mbuf *m, const struct net_parsed *p)
{
	if ((p->l4_proto != NET_IPPROTO_TCP && p->l4_proto != NET_IPPROTO_UDP) ||
	    p->l4_offset == 0 || p->is_fragment || m->nb_segs != 1)
		return;
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip = frame + p->l3_offset;
	const uint8_t *l4 = frame + p->l4_offset;
	uint32_t l4_len = p->l3_length - (p->l4_offset - p->l3_offset);
	uint16_t field = net_get_be16(l4 + (p->l4_proto == NET_IPPROTO_TCP ? 16 : 6));
	bool v4 = p->ethertype == NET_ETHERTYPE_IPV4;
	uint16_t pseudo =
	    net_checksum_fold(v4 ? net_ipv4_pseudo_header_sum(ip, p->l4_proto, l4_len)
	                         : net_ipv6_pseudo_header_sum(ip, p->l4_proto, l4_len));
	if (field == 0 && p->l4_proto == NET_IPPROTO_UDP)
		return; /* no checksum at all (IPv4) */
	/* 0 and 0xffff are the same one's complement number. */
	if (field != pseudo &&
	    !((field == 0 || field == 0xffff) && (pseudo == 0 || pseudo == 0xffff)))
		return;
	uint16_t check = v4 ? net_ipv4_l4_checksum(ip, l4, l4_len)
	                    : net_ipv6_l4_checksum(ip, p->l4_proto, l4, l4_len);
	if (check != 0)
		m->ol_flags =
		    (m->ol_flags & ~RTE_MBUF_F_RX_L4_CKSUM_MASK) | RTE_MBUF_F_RX_L4_CKSUM_NONE;
}

/* Results that, for a chain, mean its first buffer ends inside the headers. */
static const bool parse_cut_short[NET_PARSE_RESULT_COUNT] = {
    [NET_PARSE_RUNT] = true,
    [NET_PARSE_VLAN_TRUNCATED] = true,
    [NET_PARSE_IPV4_TRUNCATED] = true,
    [NET_PARSE_IPV6_TRUNCATED] = true,
    [NET_PARSE_IPV6_BAD_EXTENSION] = true,
    [NET_PARSE_L4_TRUNCATED] = true,
    [NET_PARSE_ARP_TRUNCATED] = true,
};

/* Classifies one frame; returns DSE_DROP_NONE or why it must be dropped. */
static inline enum dse_drop_reason
classify_one(const struct dse_snapshot *s, struct rte_mbuf *m)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	struct net_parsed parsed;

	/* A chain (a GSO frame) has its headers in its first buffer; the lengths cover it all. */
	enum net_parse_result r = net_parse_frame_head(rte_pktmbuf_mtod(m, const uint8_t *),
	                                               m->data_len, m->pkt_len, &parsed);
	if (unlikely(r != NET_PARSE_OK))
		return unlikely(m->nb_segs > 1) && parse_cut_short[r]
		           ? DSE_DROP_MULTI_SEGMENT
		           : (enum dse_drop_reason)parse_to_drop[r];

	uint16_t port = s->ethdev_to_port[m->port];
	const struct dse_snap_port *sp = &s->ports[port];
	uint16_t vlan = parsed.nb_tags ? (parsed.vlan_tci & 0xfff) : 0;
	uint16_t segment;
	if (unlikely(sp->uplink)) {
		/* The underlay: no segment until the overlay has decapsulated it. */
		segment = DSE_NO_SEGMENT;
	} else if (vlan == 0) {
		/* Untagged, or priority-tagged (VLAN 0), frames belong to the access segment. */
		segment = sp->untagged_segment;
		if (unlikely(segment == DSE_NO_SEGMENT))
			return DSE_DROP_NO_SEGMENT;
	} else {
		segment = sp->vlan_segment ? sp->vlan_segment[vlan] : DSE_NO_SEGMENT;
		if (unlikely(segment == DSE_NO_SEGMENT))
			return DSE_DROP_VLAN_UNKNOWN;
	}
	meta->in_port = port;
	meta->segment = segment;
	meta->in_vlan = parsed.nb_tags ? vlan | 0x8000 : 0;
	meta->l3_offset = parsed.l3_offset;
	meta->l4_offset = parsed.l4_offset;
	meta->ethertype = parsed.ethertype;
	meta->l4_proto = parsed.l4_proto;
	if (unlikely(sp->rx_unmarked_partial))
		classify_unmarked_partial(m, &parsed);
	return DSE_DROP_NONE;
}

/* Edge of a classified frame: the switch, the overlay for frames of the underlay, or the
 * overlay's ARP suppression for ARP on a segment with a VNI. */
static inline rte_edge_t
classify_next(const struct dse_snapshot *s, struct rte_mbuf *m, enum dse_drop_reason r)
{
	const struct dse_pkt_meta *meta = dse_meta(m);
	if (unlikely(r != DSE_DROP_NONE))
		return CLASSIFY_NEXT_DROP;
	if (unlikely(meta->segment == DSE_NO_SEGMENT))
		return CLASSIFY_NEXT_OVERLAY;
	if (unlikely(meta->ethertype == NET_ETHERTYPE_ARP) &&
	    s->segments[meta->segment].arp_intercept)
		return CLASSIFY_NEXT_ARP;
	return CLASSIFY_NEXT_SWITCH;
}

static uint16_t
classify_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	const struct dse_snapshot *s = dse_node_ctx(node)->worker->snap;
	uint8_t drop[RTE_GRAPH_BURST_SIZE];
	rte_edge_t next[RTE_GRAPH_BURST_SIZE];
	uint16_t nb_drop = 0, nb_overlay = 0, nb_other = 0;

	if (unlikely(nb_objs > RTE_GRAPH_BURST_SIZE)) {
		/* More than one burst (only when several producers feed this node): one by one. */
		for (uint16_t i = 0; i < nb_objs; i++) {
			enum dse_drop_reason r = classify_one(s, objs[i]);
			if (r != DSE_DROP_NONE)
				dse_drop_mark(objs[i], r);
			rte_node_enqueue_x1(graph, node, classify_next(s, objs[i], r), objs[i]);
		}
		return nb_objs;
	}
	for (uint16_t i = 0; i < nb_objs; i++) {
		struct rte_mbuf *m = objs[i];
		if (i + 2 < nb_objs)
			rte_prefetch0(rte_pktmbuf_mtod((struct rte_mbuf *)objs[i + 2], void *));
		enum dse_drop_reason r = classify_one(s, m);
		drop[i] = r != DSE_DROP_NONE;
		next[i] = classify_next(s, m, r);
		nb_overlay += next[i] == CLASSIFY_NEXT_OVERLAY;
		nb_other += next[i] >= CLASSIFY_NEXT_OVERLAY;
		if (unlikely(drop[i])) {
			dse_drop_mark(m, r);
			nb_drop++;
		}
	}
	if (unlikely(nb_other != 0)) {
		if (nb_overlay == nb_objs)
			rte_node_next_stream_move(graph, node, CLASSIFY_NEXT_OVERLAY);
		else
			rte_node_enqueue_next(graph, node, next, objs, nb_objs);
		return nb_objs;
	}
	dse_node_split(graph, node, objs, nb_objs, drop, nb_drop, CLASSIFY_NEXT_SWITCH,
	               CLASSIFY_NEXT_DROP);
	return nb_objs;
}

static struct rte_node_register classify_node = {
    .process = classify_process,
    .name = "dse-classify",
    .init = dse_node_bind_worker,
    .nb_edges = CLASSIFY_NEXT_COUNT,
    .next_nodes =
        {
            /* The arcs' first nodes are wired by core/arc.c. */
            [CLASSIFY_NEXT_SWITCH] = "dse-drop",
            [CLASSIFY_NEXT_DROP] = "dse-drop",
            [CLASSIFY_NEXT_OVERLAY] = "dse-drop",
            [CLASSIFY_NEXT_ARP] = "dse-drop",
        },
};

RTE_NODE_REGISTER(classify_node);

static struct dse_arc_entry classify_l2 = {
    .node = "dse-classify",
    .edge = CLASSIFY_NEXT_SWITCH,
    .arc = DSE_ARC_L2,
};
static struct dse_arc_entry classify_underlay = {
    .node = "dse-classify",
    .edge = CLASSIFY_NEXT_OVERLAY,
    .arc = DSE_ARC_UNDERLAY,
};
static struct dse_arc_entry classify_arp = {
    .node = "dse-classify",
    .edge = CLASSIFY_NEXT_ARP,
    .arc = DSE_ARC_L2_ARP,
};

DSE_ARC_ENTRY(classify_l2);
DSE_ARC_ENTRY(classify_underlay);
DSE_ARC_ENTRY(classify_arp);
