/*
 * Binding graph nodes to their worker. Graphs are named "dse-worker-<index>" when created
 * (worker.c), so a node's init callback can find the worker that will run it.
 */
#include "core/node_util.h"

#include <stdio.h>

int
dse_node_bind_worker(const struct rte_graph *graph, struct rte_node *node)
{
	unsigned index;
	if (sscanf(graph->name, "dse-worker-%u", &index) != 1 || index >= DSE_MAX_WORKERS)
		return -1;
	struct dse_node_ctx *ctx = dse_node_ctx(node);
	ctx->worker = &dse_engine.workers[index];
	ctx->state = NULL;
	return 0;
}
