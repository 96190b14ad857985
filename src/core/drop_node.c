/*
 * dse-drop: where every dropped packet ends. Counts it under the reason the deciding node
 * marked (drop.h) in the worker's own counters, then returns the buffers to their pool.
 */
#include <rte_graph_worker.h>
#include <rte_mbuf.h>

#include "core/drop.h"
#include "core/node_util.h"

static uint16_t
drop_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	(void)graph;
	struct dse_worker_counters *c = &dse_node_ctx(node)->worker->counters;
	for (uint16_t i = 0; i < nb_objs; i++) {
		uint8_t reason = dse_meta(objs[i])->drop_reason;
		c->drops[reason < DSE_DROP_COUNT ? reason : DSE_DROP_NONE]++;
	}
	rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, nb_objs);
	return nb_objs;
}

static struct rte_node_register drop_node = {
    .process = drop_process,
    .name = "dse-drop",
    .init = dse_node_bind_worker,
    .nb_edges = 0,
};

RTE_NODE_REGISTER(drop_node);
