/*
 * dse-overlay-ctl-tx: the control thread's way onto the uplink. The control thread never sends
 * on a device itself (every transmit queue belongs to a worker); it puts finished frames (ARP
 * requests for underlay next hops) on a ring, and this source node of worker 0 hands them to
 * dse-port-tx. One ring check per graph walk when there is nothing to send.
 */
#include <rte_graph_worker.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/node_util.h"
#include "overlay/overlay.h"

#define CTL_TX_BURST 32

enum overlay_ctl_tx_next {
	OVERLAY_CTL_TX_NEXT_PORT_TX,
	OVERLAY_CTL_TX_NEXT_COUNT,
};

static uint16_t
overlay_ctl_tx_process(struct rte_graph *graph, struct rte_node *node, void **objs,
                       uint16_t nb_objs)
{
	(void)objs;
	(void)nb_objs;
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct overlay_snap *ov = overlay_snap_of(w->snap);

	if (w->index != 0 || ov == NULL)
		return 0;
	struct rte_ring *ring = ov->shared->tx_ring;
	if (likely(rte_ring_empty(ring)))
		return 0;
	void **to =
	    rte_node_next_stream_get(graph, node, OVERLAY_CTL_TX_NEXT_PORT_TX, CTL_TX_BURST);
	unsigned n = rte_ring_sc_dequeue_burst(ring, to, CTL_TX_BURST, NULL);
	rte_node_next_stream_put(graph, node, OVERLAY_CTL_TX_NEXT_PORT_TX, (uint16_t)n);
	ov->shared->wc[w->index].ctl_frames_out += n;
	return (uint16_t)n;
}

static int
overlay_ctl_tx_init(const struct rte_graph *graph, struct rte_node *node)
{
	return dse_node_bind_worker(graph, node);
}

static struct rte_node_register overlay_ctl_tx_node = {
    .process = overlay_ctl_tx_process,
    .flags = RTE_NODE_SOURCE_F,
    .name = "dse-overlay-ctl-tx",
    .init = overlay_ctl_tx_init,
    .nb_edges = OVERLAY_CTL_TX_NEXT_COUNT,
    .next_nodes = {[OVERLAY_CTL_TX_NEXT_PORT_TX] = "dse-port-tx"},
};

RTE_NODE_REGISTER(overlay_ctl_tx_node);
