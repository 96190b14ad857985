/*
 * dse-overlay-input: everything received on the overlay's uplink. Tunnel packets to this host's
 * TEP (Geneve, RFC 8926; VXLAN, RFC 7348) are checked (overlay_parse.h), stripped of their outer
 * headers and handed to dse-switch as if received on a port standing for the sending TEP, so the
 * switch learns the inner source MAC behind that TEP. The TEP address also answers ARP
 * (RFC 826) and ICMP echo (RFC 792); ARP senders are passed to the control thread, which
 * resolves the underlay next hops. The senders of ARP packets inside tunnels (remote workloads'
 * IPv4 -> MAC) are passed to it too, for ARP suppression (dse-overlay-arp). Anything else is
 * dropped under a named reason. The uplink's offload marks are honoured (overlay_offload.h).
 */
#include <string.h>

#include <rte_graph_worker.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/arc.h"
#include "core/drop.h"
#include "core/neigh.h"
#include "core/node_util.h"
#include "net/arp.h"
#include "net/icmp.h"
#include "net/ipproto.h"
#include "net/parse.h"
#include "overlay/overlay.h"
#include "overlay/overlay_offload.h"
#include "overlay/overlay_parse.h"

enum overlay_input_next {
	OVERLAY_INPUT_NEXT_SWITCH, /* the L2 arc */
	OVERLAY_INPUT_NEXT_PORT_TX,
	OVERLAY_INPUT_NEXT_DROP,
	OVERLAY_INPUT_NEXT_COUNT,
	OVERLAY_INPUT_CONSUMED = OVERLAY_INPUT_NEXT_COUNT, /* handed over; not enqueued */
};

/* overlay_decap_parse()'s results as drop reasons. */
static_assert(OVP_RESULT_COUNT == 14, "map every overlay_parse_result to a drop reason");
static const uint8_t parse_to_drop[OVP_RESULT_COUNT] = {
    [OVP_OK] = DSE_DROP_NONE,
    [OVP_NOT_TUNNEL] = DSE_DROP_OVL_NOT_TUNNEL,
    [OVP_FRAGMENT] = DSE_DROP_OVL_FRAGMENT,
    [OVP_BAD_UDP_LENGTH] = DSE_DROP_OVL_BAD_UDP_LENGTH,
    [OVP_BAD_UDP_CHECKSUM] = DSE_DROP_OVL_BAD_UDP_CHECKSUM,
    [OVP_GENEVE_TRUNCATED] = DSE_DROP_GENEVE_TRUNCATED,
    [OVP_GENEVE_VERSION] = DSE_DROP_GENEVE_VERSION,
    [OVP_GENEVE_OPTIONS] = DSE_DROP_GENEVE_OPTIONS,
    [OVP_GENEVE_CRITICAL] = DSE_DROP_GENEVE_CRITICAL,
    [OVP_GENEVE_OAM] = DSE_DROP_GENEVE_OAM,
    [OVP_GENEVE_PROTOCOL] = DSE_DROP_GENEVE_PROTOCOL,
    [OVP_VXLAN_TRUNCATED] = DSE_DROP_VXLAN_TRUNCATED,
    [OVP_VXLAN_FLAGS] = DSE_DROP_VXLAN_FLAGS,
    [OVP_INNER_RUNT] = DSE_DROP_OVL_INNER_BAD,
};

/* ARP on the uplink: answers requests for the TEP address and tells the control thread about
 * senders it may need as next hops. Returns the edge, or OVERLAY_INPUT_CONSUMED. */
static inline int
overlay_arp(struct dse_worker *w, const struct overlay_snap *ov, struct rte_mbuf *m,
            enum dse_drop_reason *drop)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	struct net_arp arp;

	if (net_arp_parse(frame + meta->l3_offset, m->data_len - meta->l3_offset, &arp) < 0 ||
	    arp.target_ip != ov->tep_ip || arp.sender_ip == ov->tep_ip || arp.sender_ip == 0) {
		*drop = DSE_DROP_OVL_ARP_OTHER;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	bool told = neigh_report(arp.sender_ip, arp.sender_mac);
	if (arp.operation == NET_ARP_OP_REQUEST) {
		uint32_t room = m->buf_len - m->data_off;
		int len = net_arp_build_reply(frame, room, &arp, ov->tep_mac, ov->tep_ip);
		if (len < 0 || room < NET_ETH_MIN_FRAME_LEN) {
			*drop = DSE_DROP_OVL_ARP_OTHER;
			return OVERLAY_INPUT_NEXT_DROP;
		}
		memset(frame + len, 0, NET_ETH_MIN_FRAME_LEN - (uint32_t)len);
		m->data_len = m->pkt_len = NET_ETH_MIN_FRAME_LEN;
		meta->out_port = ov->uplink;
		ov->shared->wc[w->index].arp_replies++;
		return OVERLAY_INPUT_NEXT_PORT_TX;
	}
	if (!told) {
		*drop = DSE_DROP_OVL_RING_FULL;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	rte_pktmbuf_free(m);
	return OVERLAY_INPUT_CONSUMED;
}

/* Answers an ICMP echo request to the TEP address in place. Returns the edge. */
static inline int
overlay_echo(struct dse_worker *w, const struct overlay_snap *ov, struct rte_mbuf *m, uint8_t *ip,
             enum dse_drop_reason *drop)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t total = net_ipv4_total_length(ip);
	uint32_t ihl = net_ipv4_header_len(ip);

	if (meta->l4_offset == 0 ||
	    net_icmp_echo_to_reply(frame + meta->l4_offset, total - ihl, false) < 0) {
		*drop = DSE_DROP_OVL_NOT_TUNNEL;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	memcpy(frame + NET_ETH_OFF_DST, frame + NET_ETH_OFF_SRC, NET_MAC_LEN);
	memcpy(frame + NET_ETH_OFF_SRC, ov->tep_mac, NET_MAC_LEN);
	uint8_t src[4];
	memcpy(src, ip + NET_IPV4_OFF_SRC, 4);
	memcpy(ip + NET_IPV4_OFF_SRC, ip + NET_IPV4_OFF_DST, 4);
	memcpy(ip + NET_IPV4_OFF_DST, src, 4);
	ip[NET_IPV4_OFF_TTL] = 64;
	net_put_be16(ip + NET_IPV4_OFF_CHECKSUM, 0);
	net_put_be16(ip + NET_IPV4_OFF_CHECKSUM, net_checksum(ip, ihl));
	meta->out_port = ov->uplink;
	ov->shared->wc[w->index].echo_replies++;
	return OVERLAY_INPUT_NEXT_PORT_TX;
}

/* Tells the control thread the IPv4 -> MAC binding of the sender of a decapsulated ARP packet,
 * unless the snapshot already answers with it. */
static inline void
overlay_learn_ip(struct dse_worker *w, const struct overlay_snap *ov, const uint8_t *inner,
                 uint32_t len, const struct net_parsed *p, uint16_t segment, uint32_t vni)
{
	struct net_arp arp;
	if (net_arp_parse(inner + p->l3_offset, len - p->l3_offset, &arp) < 0 ||
	    arp.sender_ip == 0 || memcmp(arp.sender_mac, inner + NET_ETH_OFF_SRC, NET_MAC_LEN) != 0)
		return;
	const struct overlay_ip_binding *b = overlay_ip_lookup(ov->ips, segment, arp.sender_ip);
	if (b != NULL && memcmp(b->mac, arp.sender_mac, NET_MAC_LEN) == 0)
		return;
	struct overlay_ip_msg msg = {.ip = arp.sender_ip, .vni = vni, .segment = segment};
	memcpy(msg.mac, arp.sender_mac, NET_MAC_LEN);
	if (rte_ring_mp_enqueue_elem(ov->shared->ip_ring, &msg, sizeof(msg)) != 0)
		ov->shared->wc[w->index].ip_learn_lost++;
}

/* The sending TEP of a run of tunnel packets in a burst and their counts, written to the
 * shared counters once per run: a burst mostly comes from one or a few TEPs. */
struct tep_run {
	uint32_t ip;      /* outer source address of the run; 0 = no run */
	uint16_t tep;     /* its TEP slot */
	uint32_t packets; /* packets of the run not counted yet */
	uint64_t bytes;   /* their inner frame bytes */
};

/* Adds a run's counts to the worker's counters and ends the run. */
static inline void
tep_run_flush(struct dse_worker *w, const struct overlay_snap *ov, struct tep_run *run)
{
	if (run->packets != 0) {
		struct overlay_tep_counters *tc = &ov->shared->tc[w->index][run->tep];
		tc->rx_packets += run->packets;
		tc->rx_bytes += run->bytes;
		ov->shared->wc[w->index].decapsulated += run->packets;
	}
	run->ip = 0;
	run->packets = 0;
	run->bytes = 0;
}

/* Starts a run for the TEP at ip (learning it if new). Returns false when the TEP table is full. */
static inline bool
tep_run_start(struct dse_worker *w, const struct overlay_snap *ov, struct tep_run *run, uint32_t ip)
{
	bool learned = false;
	tep_run_flush(w, ov, run);
	int tep = overlay_tep_find(ov->shared, ip, true, &learned);
	if (unlikely(tep < 0))
		return false;
	struct overlay_tep_slot *slot = &ov->shared->teps[tep];
	if (unlikely(__atomic_load_n(&slot->last_rx_s, __ATOMIC_RELAXED) != dse_now_s))
		__atomic_store_n(&slot->last_rx_s, dse_now_s, __ATOMIC_RELAXED);
	ov->shared->wc[w->index].teps_learned += learned;
	run->ip = ip;
	run->tep = (uint16_t)tep;
	return true;
}

/* Decapsulates one tunnel packet for the switch. Returns the edge. */
static inline int
overlay_decap(struct dse_worker *w, const struct dse_snapshot *s, const struct overlay_snap *ov,
              struct rte_mbuf *m, struct tep_run *run, enum dse_drop_reason *drop)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	struct overlay_decap d;
	bool vouched = overlay_outer_csum_vouched(m);
	enum overlay_parse_result r =
	    overlay_decap_parse_checked(frame, m->data_len, meta->l3_offset, !vouched, &d);

	if (unlikely(r != OVP_OK)) {
		*drop = (enum dse_drop_reason)parse_to_drop[r];
		return OVERLAY_INPUT_NEXT_DROP;
	}
	if (unlikely(d.src_ip == ov->tep_ip)) {
		*drop = DSE_DROP_OVL_OWN_SOURCE;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	uint16_t segment = overlay_vni_segment(ov, d.vni);
	if (unlikely(segment >= DSE_MAX_SEGMENTS || !s->segments[segment].active)) {
		*drop = DSE_DROP_OVL_UNKNOWN_VNI;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	const uint8_t *inner = frame + d.inner_offset;
	struct net_parsed p;
	if (unlikely(net_parse_frame(inner, d.inner_len, &p) != NET_PARSE_OK || p.nb_tags != 0)) {
		*drop = DSE_DROP_OVL_INNER_BAD;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	if (unlikely(p.ethertype == NET_ETHERTYPE_ARP))
		overlay_learn_ip(w, ov, inner, d.inner_len, &p, segment, d.vni);
	if (unlikely(d.src_ip != run->ip) && !tep_run_start(w, ov, run, d.src_ip)) {
		*drop = DSE_DROP_OVL_TEP_FULL;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	rte_pktmbuf_adj(m, d.inner_offset);
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - d.inner_len));
	overlay_decap_offload(m, rte_pktmbuf_mtod(m, const uint8_t *), d.inner_len);
	ov->shared->wc[w->index].csum_trusted += vouched;
	meta->in_port = DSE_PORT_REMOTE | run->tep;
	meta->segment = segment;
	meta->in_vlan = 0;
	meta->l3_offset = p.l3_offset;
	meta->l4_offset = p.l4_offset;
	meta->ethertype = p.ethertype;
	meta->l4_proto = p.l4_proto;
	run->packets++;
	run->bytes += d.inner_len;
	return OVERLAY_INPUT_NEXT_SWITCH;
}

/* Decides what becomes of one frame of the uplink. Returns the edge (or CONSUMED). */
static inline int
overlay_input_one(struct dse_worker *w, const struct dse_snapshot *s, struct rte_mbuf *m,
                  struct tep_run *run, enum dse_drop_reason *drop)
{
	const struct overlay_snap *ov = overlay_snap_of(s);
	struct dse_pkt_meta *meta = dse_meta(m);

	if (unlikely(ov == NULL || meta->in_vlan != 0)) {
		*drop = DSE_DROP_OVL_NOT_FOR_TEP;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	if (meta->ethertype == NET_ETHERTYPE_ARP)
		return overlay_arp(w, ov, m, drop);
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, meta->l3_offset);
	if (meta->ethertype != NET_ETHERTYPE_IPV4 || net_ipv4_dst(ip) != ov->tep_ip) {
		*drop = DSE_DROP_OVL_NOT_FOR_TEP;
		return OVERLAY_INPUT_NEXT_DROP;
	}
	if (likely(meta->l4_proto == NET_IPPROTO_UDP))
		return overlay_decap(w, s, ov, m, run, drop);
	if (meta->l4_proto == NET_IPPROTO_ICMP)
		return overlay_echo(w, ov, m, ip, drop);
	*drop = DSE_DROP_OVL_NOT_TUNNEL;
	return OVERLAY_INPUT_NEXT_DROP;
}

static uint16_t
overlay_input_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct dse_snapshot *s = w->snap;
	void **to_switch =
	    rte_node_next_stream_get(graph, node, OVERLAY_INPUT_NEXT_SWITCH, nb_objs);
	uint16_t nb_switch = 0;
	struct tep_run run = {0};

	for (uint16_t i = 0; i < nb_objs; i++) {
		struct rte_mbuf *m = objs[i];
		enum dse_drop_reason drop = DSE_DROP_NONE;
		/* The outer headers and, on the next line, the inner L3 header read by the
		 * inner parse. */
		if (i + 4 < nb_objs) {
			const uint8_t *ahead =
			    rte_pktmbuf_mtod((struct rte_mbuf *)objs[i + 4], void *);
			rte_prefetch0(ahead);
			rte_prefetch0(ahead + RTE_CACHE_LINE_SIZE);
		}
		int next = overlay_input_one(w, s, m, &run, &drop);
		if (likely(next == OVERLAY_INPUT_NEXT_SWITCH)) {
			to_switch[nb_switch++] = m;
		} else if (next == OVERLAY_INPUT_NEXT_DROP) {
			dse_drop_mark(m, drop);
			rte_node_enqueue_x1(graph, node, OVERLAY_INPUT_NEXT_DROP, m);
		} else if (next == OVERLAY_INPUT_NEXT_PORT_TX) {
			rte_node_enqueue_x1(graph, node, OVERLAY_INPUT_NEXT_PORT_TX, m);
		}
	}
	if (run.packets != 0)
		tep_run_flush(w, overlay_snap_of(s), &run);
	rte_node_next_stream_put(graph, node, OVERLAY_INPUT_NEXT_SWITCH, nb_switch);
	return nb_objs;
}

static struct rte_node_register overlay_input_node = {
    .process = overlay_input_process,
    .name = "dse-overlay-input",
    .init = dse_node_bind_worker,
    .nb_edges = OVERLAY_INPUT_NEXT_COUNT,
    .next_nodes =
        {
            [OVERLAY_INPUT_NEXT_SWITCH] = "dse-drop", /* wired by core/arc.c */
            [OVERLAY_INPUT_NEXT_PORT_TX] = "dse-port-tx",
            [OVERLAY_INPUT_NEXT_DROP] = "dse-drop",
        },
};

RTE_NODE_REGISTER(overlay_input_node);

/* It ends the underlay arc (what it does not take it drops under a reason), and hands the
 * decapsulated frames to the L2 arc. */
static struct dse_arc_feature overlay_input_feature = {
    .node = "dse-overlay-input",
    .arc = DSE_ARC_UNDERLAY,
    .next = RTE_EDGE_ID_INVALID,
    .remote = RTE_EDGE_ID_INVALID,
};
static struct dse_arc_entry overlay_input_l2 = {
    .node = "dse-overlay-input",
    .edge = OVERLAY_INPUT_NEXT_SWITCH,
    .arc = DSE_ARC_L2,
};

DSE_ARC_FEATURE(overlay_input_feature);
DSE_ARC_ENTRY(overlay_input_l2);
