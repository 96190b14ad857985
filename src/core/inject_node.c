/*
 * dse-inject: the control thread's way into the graph (core/inject.h). A source node of worker
 * 0 that hands the frames on the injection ring to dse-port-tx; one ring check per graph walk
 * when there is nothing to send.
 */
#include <rte_graph_worker.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/inject.h"
#include "core/node_util.h"

#define INJECT_BURST 32

enum inject_next {
	INJECT_NEXT_PORT_TX,
	INJECT_NEXT_COUNT,
};

static uint16_t
inject_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	(void)objs;
	(void)nb_objs;
	struct dse_worker *w = dse_node_ctx(node)->worker;
	struct rte_ring *ring = dse_inject_ring;

	if (w->index != 0 || ring == NULL || likely(rte_ring_empty(ring)))
		return 0;
	void **to = rte_node_next_stream_get(graph, node, INJECT_NEXT_PORT_TX, INJECT_BURST);
	unsigned n = rte_ring_sc_dequeue_burst(ring, to, INJECT_BURST, NULL);
	rte_node_next_stream_put(graph, node, INJECT_NEXT_PORT_TX, (uint16_t)n);
	w->counters.injected += n;
	return (uint16_t)n;
}

static struct rte_node_register inject_node = {
    .process = inject_process,
    .flags = RTE_NODE_SOURCE_F,
    .name = "dse-inject",
    .init = dse_node_bind_worker,
    .nb_edges = INJECT_NEXT_COUNT,
    .next_nodes = {[INJECT_NEXT_PORT_TX] = "dse-port-tx"},
};

RTE_NODE_REGISTER(inject_node);
