/*
 * Small helpers shared by the graph nodes: finding the node's worker, and handing a burst to
 * its edges with as little copying as possible.
 */
#ifndef DSE_CORE_NODE_UTIL_H
#define DSE_CORE_NODE_UTIL_H

#include <string.h>

#include <rte_graph.h>
#include <rte_graph_worker.h>

#include "core/engine.h"

/* What every dse node keeps in its rte_node context. */
struct dse_node_ctx {
	struct dse_worker *worker; /* the worker whose graph holds this node */
	void *state;               /* node-specific per-worker state, or NULL */
};

static inline struct dse_node_ctx *
dse_node_ctx(struct rte_node *node)
{
	return (struct dse_node_ctx *)node->ctx;
}

/* Node init callback (or its first step): binds the node to its worker by the graph's name.
 * Returns 0 or -1. */
int dse_node_bind_worker(const struct rte_graph *graph, struct rte_node *node);

/*
 * Sends the burst to edge `pass`, except the packets marked in drop[] (non-zero), which go to
 * edge `drop_edge`. When nothing is dropped the burst moves without copying.
 */
static inline void
dse_node_split(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb,
               const uint8_t *drop, uint16_t nb_drop, rte_edge_t pass, rte_edge_t drop_edge)
{
	if (nb_drop == 0) {
		rte_node_next_stream_move(graph, node, pass);
		return;
	}
	if (nb_drop == nb) {
		rte_node_next_stream_move(graph, node, drop_edge);
		return;
	}
	void **to_pass = rte_node_next_stream_get(graph, node, pass, nb - nb_drop);
	void **to_drop = rte_node_next_stream_get(graph, node, drop_edge, nb_drop);
	uint16_t np = 0, nd = 0;
	for (uint16_t i = 0; i < nb; i++) {
		if (drop[i])
			to_drop[nd++] = objs[i];
		else
			to_pass[np++] = objs[i];
	}
	rte_node_next_stream_put(graph, node, pass, np);
	rte_node_next_stream_put(graph, node, drop_edge, nd);
}

#endif
