/*
 * Worker lcores: graph instances and the poll loop.
 */
#ifndef DSE_CORE_WORKER_H
#define DSE_CORE_WORKER_H

struct dse_engine;

/* Creates one graph instance per worker ("dse-worker-<index>"). Returns 0 or -1. */
int worker_graphs_create(struct dse_engine *e);
/* Destroys the graph instances. Workers must have stopped. */
void worker_graphs_destroy(struct dse_engine *e);
/* The worker loop, for rte_eal_remote_launch; arg is the struct dse_worker. */
int worker_main(void *arg);
/* Names of the nodes in every worker's graph. */
const char *const *worker_node_list(unsigned *count);

#endif
