/*
 * dse-switch: the segment's learning switch (IEEE 802.1Q bridging, one MAC table per segment).
 * Learns each frame's source address on its input port, then sends the frame to the port its
 * destination was learned on, or floods it to every other port of the segment when the
 * destination is broadcast, multicast or unknown. Frames never leave their segment: a port
 * receives a segment's frames untagged or with the tag that segment has on that port.
 * Segments that span hosts also have remote workloads, learned from decapsulated frames as
 * "ports" DSE_PORT_REMOTE | TEP: their frames take the arc's remote edge (to the features
 * after the switch, then the remote arc), and floods reach the segment's remote TEPs too,
 * except floods that came from a tunnel (split horizon).
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_graph_worker.h>
#include <rte_mbuf.h>

#include "core/arc.h"
#include "core/drop.h"
#include "core/node_util.h"
#include "net/ipproto.h"
#include "switch/mac_table.h"
#include "switch/switch.h"

enum switch_next {
	SWITCH_NEXT_PORT_TX, /* next on the L2 arc (wired by core/arc.c) */
	SWITCH_NEXT_DROP,
	SWITCH_NEXT_REMOTE, /* frames to remote ports: next on the arc, or the remote arc */
	SWITCH_NEXT_COUNT,
};

static struct dse_arc_feature switch_feature;

#define ETHER_HDR_LEN 12 /* destination and source MACs: what moves when a tag is pushed */
#define VLAN_TAG_LEN  4
#define VLAN_TPID     0x8100
#define FLOOD_DEST    UINT16_MAX /* out_port value meaning "flood" in the burst loop */

/* Makes the frame carry out_vlan (0 = untagged) given the tag it arrived with (meta->in_vlan).
 * Returns DSE_DROP_NONE or why it cannot. */
static inline enum dse_drop_reason
vlan_rewrite(struct rte_mbuf *m, uint16_t in_vlan, uint16_t out_vlan)
{
	if (likely(in_vlan == 0 && out_vlan == 0))
		return DSE_DROP_NONE;
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	if (in_vlan == 0) {
		uint8_t *to = (uint8_t *)rte_pktmbuf_prepend(m, VLAN_TAG_LEN);
		if (to == NULL)
			return DSE_DROP_VLAN_NO_ROOM;
		memmove(to, frame, ETHER_HDR_LEN);
		uint16_t tag[2] = {rte_cpu_to_be_16(VLAN_TPID), rte_cpu_to_be_16(out_vlan)};
		memcpy(to + ETHER_HDR_LEN, tag, sizeof(tag));
		return DSE_DROP_NONE;
	}
	if (out_vlan == 0) {
		memmove(frame + VLAN_TAG_LEN, frame, ETHER_HDR_LEN);
		rte_pktmbuf_adj(m, VLAN_TAG_LEN);
		return DSE_DROP_NONE;
	}
	/* Retag, keeping the priority bits the sender chose. */
	uint16_t tci;
	memcpy(&tci, frame + ETHER_HDR_LEN + 2, sizeof(tci));
	tci = rte_cpu_to_be_16((rte_be_to_cpu_16(tci) & 0xf000) | out_vlan);
	memcpy(frame + ETHER_HDR_LEN + 2, &tci, sizeof(tci));
	return DSE_DROP_NONE;
}

/* Length of the largest frame a GSO frame (RTE_MBUF_F_RX_LRO) becomes once cut at its MSS:
 * what the output's MTU must hold. Its headers are whole in the first buffer (classified). */
static inline uint32_t
gso_segment_len(struct rte_mbuf *m, const struct dse_pkt_meta *meta)
{
	if (meta->l4_offset == 0 || m->tso_segsz == 0)
		return m->pkt_len;
	const uint8_t *l4 = rte_pktmbuf_mtod_offset(m, const uint8_t *, meta->l4_offset);
	uint32_t l4_len = meta->l4_proto == NET_IPPROTO_TCP ? (uint32_t)(l4[12] >> 4) * 4 : 8;
	return (uint32_t)meta->l4_offset + l4_len + m->tso_segsz;
}

/* Prepares m to leave on port p of its segment; returns DSE_DROP_NONE or a drop reason. */
static inline enum dse_drop_reason
switch_output(const struct dse_snapshot *s, struct rte_mbuf *m, uint16_t p, uint16_t out_vlan)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	uint32_t untagged_len = m->pkt_len - (meta->in_vlan ? VLAN_TAG_LEN : 0);
	if (unlikely(untagged_len > s->ports[p].max_frame) &&
	    (!(m->ol_flags & RTE_MBUF_F_RX_LRO) ||
	     gso_segment_len(m, meta) - (meta->in_vlan ? VLAN_TAG_LEN : 0) > s->ports[p].max_frame))
		return DSE_DROP_MTU;
	meta->out_port = p;
	return vlan_rewrite(m, meta->in_vlan, out_vlan);
}

/* Floods m to every port of its segment but the input port, and to the segment's remote TEPs
 * when it came from a local port: copies for all but the last destination. */
static inline void
switch_flood(struct rte_graph *graph, struct rte_node *node, const struct dse_snapshot *s,
             struct rte_mbuf *m, struct dse_worker_counters *c, struct switch_worker_counters *sc)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	const struct dse_snap_segment *seg = &s->segments[meta->segment];
	bool to_remote = seg->nb_remote_teps != 0 && !dse_port_is_remote(meta->in_port);
	int last = -1;

	if (!to_remote)
		for (int i = seg->nb_flood - 1; i >= 0; i--)
			if (seg->flood[i].port != meta->in_port) {
				last = i;
				break;
			}
	if (last < 0 && !to_remote) {
		dse_drop_mark(m, DSE_DROP_FLOOD_EMPTY);
		rte_node_enqueue_x1(graph, node, SWITCH_NEXT_DROP, m);
		return;
	}
	sc->flooded++;
	int copies = to_remote ? seg->nb_flood : last;
	for (int i = 0; i < copies; i++) {
		const struct dse_flood_member *f = &seg->flood[i];
		if (f->port == meta->in_port)
			continue;
		struct rte_mbuf *copy = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
		if (unlikely(copy == NULL)) {
			c->drops[DSE_DROP_NO_MBUF]++;
			continue;
		}
		*dse_meta(copy) = *meta;
		enum dse_drop_reason r = switch_output(s, copy, f->port, f->vlan);
		if (unlikely(r != DSE_DROP_NONE)) {
			dse_drop_mark(copy, r);
			rte_node_enqueue_x1(graph, node, SWITCH_NEXT_DROP, copy);
		} else {
			rte_node_enqueue_x1(graph, node, SWITCH_NEXT_PORT_TX, copy);
		}
	}
	if (to_remote) {
		/* The overlay replicates it to each remote TEP of the segment. */
		meta->out_port = DSE_PORT_REMOTE_FLOOD;
		rte_node_enqueue_x1(graph, node, SWITCH_NEXT_REMOTE, m);
		return;
	}
	enum dse_drop_reason r = switch_output(s, m, seg->flood[last].port, seg->flood[last].vlan);
	if (unlikely(r != DSE_DROP_NONE)) {
		dse_drop_mark(m, r);
		rte_node_enqueue_x1(graph, node, SWITCH_NEXT_DROP, m);
	} else {
		rte_node_enqueue_x1(graph, node, SWITCH_NEXT_PORT_TX, m);
	}
}

/* Learns the source and finds the destination of one frame. Returns the output port, FLOOD_DEST,
 * or sets *drop. */
static inline uint16_t
switch_decide(const struct dse_snapshot *s, const struct switch_snap *sw, struct rte_mbuf *m,
              uint64_t src_key, uint64_t src_hash, uint64_t dst_key, uint64_t dst_hash,
              struct switch_worker_counters *sc, enum dse_drop_reason *drop)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	struct dse_pkt_meta *meta = dse_meta(m);

	if (unlikely((frame[6] & 1) || (src_key & 0xffffffffffffull) == 0)) {
		*drop = DSE_DROP_BAD_SOURCE_MAC;
		return 0;
	}
	switch (mac_table_learn_hashed(sw->macs, src_key, src_hash, meta->in_port, dse_now_s,
	                               sw->mac_refresh_s)) {
	case MAC_LEARN_KNOWN:
		break;
	case MAC_LEARN_NEW:
		sc->macs_learned++;
		break;
	case MAC_LEARN_MOVED:
		sc->macs_moved++;
		break;
	case MAC_LEARN_FULL:
		sc->mac_table_full++;
		break;
	default:
		break;
	}
	if (frame[0] & 1)
		return FLOOD_DEST;
	uint16_t out;
	if (!mac_table_lookup_hashed(sw->macs, dst_key, dst_hash, &out))
		return FLOOD_DEST;
	if (dse_port_is_remote(out)) {
		if (unlikely(!s->remote_ports))
			return FLOOD_DEST;
		if (unlikely(dse_port_is_remote(meta->in_port))) {
			*drop = out == meta->in_port ? DSE_DROP_SAME_PORT : DSE_DROP_SPLIT_HORIZON;
			return 0;
		}
		return out;
	}
	if (out >= DSE_MAX_PORTS || !s->ports[out].active ||
	    s->ports[out].segment_vlan[meta->segment] == DSE_NOT_MEMBER)
		return FLOOD_DEST;
	if (unlikely(out == meta->in_port)) {
		*drop = DSE_DROP_SAME_PORT;
		return 0;
	}
	return out;
}

static uint16_t
switch_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct dse_snapshot *s = w->snap;
	const struct switch_snap *sw = switch_snap_of(s);
	const bool remote_is_next = switch_feature.remote_is_next;
	struct dse_worker_counters *c = &w->counters;
	struct switch_worker_counters *sc = &switch_worker_counters[w->index];
	uint64_t src_keys[RTE_GRAPH_BURST_SIZE], dst_keys[RTE_GRAPH_BURST_SIZE];
	uint64_t src_hashes[RTE_GRAPH_BURST_SIZE], dst_hashes[RTE_GRAPH_BURST_SIZE];
	uint16_t n = RTE_MIN(nb_objs, (uint16_t)RTE_GRAPH_BURST_SIZE);

	/* Keys first, with their buckets prefetched, so table lookups overlap memory latency. */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
		uint16_t segment = dse_meta(m)->segment;
		dst_keys[i] = mac_key_from_frame(segment, frame);
		src_keys[i] = mac_key_from_frame(segment, frame + 6);
		dst_hashes[i] = mac_key_hash(dst_keys[i]);
		src_hashes[i] = mac_key_hash(src_keys[i]);
		mac_table_prefetch(sw->macs, src_hashes[i]);
		mac_table_prefetch(sw->macs, dst_hashes[i]);
	}
	void **to_tx = rte_node_next_stream_get(graph, node, SWITCH_NEXT_PORT_TX, nb_objs);
	uint16_t nb_tx = 0;
	for (uint16_t i = 0; i < nb_objs; i++) {
		struct rte_mbuf *m = objs[i];
		enum dse_drop_reason drop = DSE_DROP_NONE;
		uint64_t src_key, dst_key;
		if (likely(i < n)) {
			src_key = src_keys[i];
			dst_key = dst_keys[i];
		} else {
			const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
			dst_key = mac_key_make(dse_meta(m)->segment, frame);
			src_key = mac_key_make(dse_meta(m)->segment, frame + 6);
		}
		uint64_t src_hash = i < n ? src_hashes[i] : mac_key_hash(src_key);
		uint64_t dst_hash = i < n ? dst_hashes[i] : mac_key_hash(dst_key);
		uint16_t out =
		    switch_decide(s, sw, m, src_key, src_hash, dst_key, dst_hash, sc, &drop);
		if (likely(drop == DSE_DROP_NONE)) {
			if (out == FLOOD_DEST) {
				/* Flooding enqueues on its own: hand over what is staged first so
				 * the stream buffer is not reallocated under to_tx. */
				rte_node_next_stream_put(graph, node, SWITCH_NEXT_PORT_TX, nb_tx);
				switch_flood(graph, node, s, m, c, sc);
				to_tx = rte_node_next_stream_get(graph, node, SWITCH_NEXT_PORT_TX,
				                                 nb_objs - i);
				nb_tx = 0;
				continue;
			}
			if (dse_port_is_remote(out)) {
				/* Left as it came: the encapsulation drops any tag. */
				dse_meta(m)->out_port = out;
				if (likely(remote_is_next))
					to_tx[nb_tx++] = m;
				else
					rte_node_enqueue_x1(graph, node, SWITCH_NEXT_REMOTE, m);
				continue;
			}
			drop = switch_output(s, m, out,
			                     s->ports[out].segment_vlan[dse_meta(m)->segment]);
		}
		if (unlikely(drop != DSE_DROP_NONE)) {
			dse_drop_mark(m, drop);
			rte_node_enqueue_x1(graph, node, SWITCH_NEXT_DROP, m);
			continue;
		}
		to_tx[nb_tx++] = m;
	}
	rte_node_next_stream_put(graph, node, SWITCH_NEXT_PORT_TX, nb_tx);
	return nb_objs;
}

static struct rte_node_register switch_node = {
    .process = switch_process,
    .name = "dse-switch",
    .init = dse_node_bind_worker,
    .nb_edges = SWITCH_NEXT_COUNT,
    .next_nodes =
        {
            /* Arc edges start at dse-drop until core wires them. */
            [SWITCH_NEXT_PORT_TX] = "dse-drop",
            [SWITCH_NEXT_DROP] = "dse-drop",
            [SWITCH_NEXT_REMOTE] = "dse-drop",
        },
};

RTE_NODE_REGISTER(switch_node);

static struct dse_arc_feature switch_feature = {
    .node = "dse-switch",
    .arc = DSE_ARC_L2,
    .next = SWITCH_NEXT_PORT_TX,
    .remote = SWITCH_NEXT_REMOTE,
};

DSE_ARC_FEATURE(switch_feature);
