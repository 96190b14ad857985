/*
 * dse-overlay-arp: ARP suppression for segments that span hosts. An ARP request (RFC 826) of a
 * local workload for an address with a known remote binding (static, remote[].ip, or learned from
 * ARP that came through a tunnel) is answered here, on the port it came from, with the remote
 * workload's MAC, so it never crosses the underlay. Every other ARP frame (replies, gratuitous
 * ARP, requests for addresses without a binding) goes on to dse-switch as usual.
 */
#include <string.h>

#include <rte_graph_worker.h>
#include <rte_mbuf.h>

#include "core/arc.h"
#include "core/node_util.h"
#include "net/arp.h"
#include "net/eth.h"
#include "overlay/overlay.h"

enum overlay_arp_next {
	OVERLAY_ARP_NEXT_SWITCH, /* next on the L2 ARP arc */
	OVERLAY_ARP_NEXT_PORT_TX,
	OVERLAY_ARP_NEXT_COUNT,
};

/* Turns the request m into the reply from binding b in place, keeping the frame's VLAN tags
 * (the reply leaves on the port and tag the request came in on). Returns false when it cannot. */
static inline bool
arp_answer(struct rte_mbuf *m, const struct net_arp *req, const struct overlay_ip_binding *b)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	uint8_t reply[NET_ARP_FRAME_LEN];
	uint32_t len = (uint32_t)meta->l3_offset + NET_ARP_LEN;
	uint32_t frame_len = len < NET_ETH_MIN_FRAME_LEN ? NET_ETH_MIN_FRAME_LEN : len;

	if ((uint32_t)(m->buf_len - m->data_off) < frame_len ||
	    net_arp_build_reply(reply, sizeof(reply), req, b->mac, b->ip) < 0)
		return false;
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	/* Addresses, then the ARP body after the tags and ethertype already in the frame. */
	memcpy(frame, reply, 2 * NET_MAC_LEN);
	memcpy(frame + meta->l3_offset, reply + NET_ETH_HEADER_LEN, NET_ARP_LEN);
	memset(frame + len, 0, frame_len - len);
	m->data_len = (uint16_t)frame_len;
	m->pkt_len = frame_len;
	meta->out_port = meta->in_port;
	return true;
}

/* Whether m is answered here (true) or goes on to the switch; counts requests of either kind. */
static inline bool
arp_suppress_one(const struct overlay_snap *ov, struct rte_mbuf *m,
                 struct overlay_worker_counters *c)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	struct net_arp req;

	if (net_arp_parse(frame + meta->l3_offset, m->data_len - meta->l3_offset, &req) < 0 ||
	    req.operation != NET_ARP_OP_REQUEST || req.sender_ip == req.target_ip)
		return false;
	const struct overlay_ip_binding *b =
	    overlay_ip_lookup(ov->ips, meta->segment, req.target_ip);
	/* Never answer a workload with its own MAC (an address conflict is for it to find). */
	if (b == NULL || memcmp(b->mac, req.sender_mac, NET_MAC_LEN) == 0 ||
	    !arp_answer(m, &req, b)) {
		c->arp_flooded++;
		return false;
	}
	c->arp_suppressed++;
	return true;
}

static uint16_t
overlay_arp_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct overlay_snap *ov = overlay_snap_of(w->snap);
	struct overlay_worker_counters *c = ov ? &ov->shared->wc[w->index] : NULL;

	for (uint16_t i = 0; i < nb_objs; i++) {
		struct rte_mbuf *m = objs[i];
		if (ov != NULL && arp_suppress_one(ov, m, c)) {
			rte_node_enqueue_x1(graph, node, OVERLAY_ARP_NEXT_PORT_TX, m);
			continue;
		}
		rte_node_enqueue_x1(graph, node, OVERLAY_ARP_NEXT_SWITCH, m);
	}
	return nb_objs;
}

static struct rte_node_register overlay_arp_node = {
    .process = overlay_arp_process,
    .name = "dse-overlay-arp",
    .init = dse_node_bind_worker,
    .nb_edges = OVERLAY_ARP_NEXT_COUNT,
    .next_nodes =
        {
            [OVERLAY_ARP_NEXT_SWITCH] = "dse-drop", /* wired by core/arc.c */
            [OVERLAY_ARP_NEXT_PORT_TX] = "dse-port-tx",
        },
};

RTE_NODE_REGISTER(overlay_arp_node);

/* Requests it cannot answer go on along the arc, to the switch. */
static struct dse_arc_feature overlay_arp_feature = {
    .node = "dse-overlay-arp",
    .arc = DSE_ARC_L2_ARP,
    .next = OVERLAY_ARP_NEXT_SWITCH,
    .remote = RTE_EDGE_ID_INVALID,
};

DSE_ARC_FEATURE(overlay_arp_feature);
