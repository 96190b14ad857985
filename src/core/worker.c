/*
 * Workers: one graph instance per worker lcore, and the poll loop that walks it. Between two
 * walks a worker reports a quiescent state (rte_rcu_qsbr) and picks up the latest snapshot, so a
 * walk always sees one snapshot from start to end. A worker whose whole round found nothing may
 * sleep briefly (transport-node.idle-sleep-us), offline for RCU so it never delays a publish.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_graph.h>
#include <rte_graph_worker.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "core/arc.h"
#include "core/engine.h"
#include "core/worker.h"

/* Every node of the engine is named dse-*; the graph takes all that are registered. */
static const char *const worker_node_patterns[] = {"dse-*"};

const char *const *
worker_node_list(unsigned *count)
{
	/* The engine's registered nodes, in registration order; filled once. */
	static const char *names[RTE_GRAPH_BURST_SIZE];
	static unsigned nb;
	if (nb == 0)
		for (rte_node_t id = 0; id < rte_node_max_count() && nb < RTE_DIM(names); id++) {
			const char *name = rte_node_id_to_name(id);
			if (name != NULL && strncmp(name, "dse-", 4) == 0)
				names[nb++] = name;
		}
	*count = nb;
	return names;
}

int
worker_graphs_create(struct dse_engine *e)
{
	static bool wired;
	if (!wired && dse_arcs_wire() < 0)
		return -1;
	wired = true;
	for (unsigned i = 0; i < e->nb_workers; i++) {
		struct dse_worker *w = &e->workers[i];
		char name[RTE_GRAPH_NAMESIZE];
		struct rte_graph_param prm = {
		    .socket_id = (int)rte_lcore_to_socket_id(w->lcore),
		    .nb_node_patterns = RTE_DIM(worker_node_patterns),
		    .node_patterns = (const char **)worker_node_patterns,
		};
		snprintf(name, sizeof(name), "dse-worker-%u", i);
		rte_graph_t id = rte_graph_create(name, &prm);
		if (id == RTE_GRAPH_ID_INVALID) {
			fprintf(stderr, "dsed: cannot create graph %s\n", name);
			return -1;
		}
		w->graph = rte_graph_lookup(rte_graph_id_to_name(id));
	}
	return 0;
}

void
worker_graphs_destroy(struct dse_engine *e)
{
	for (unsigned i = 0; i < e->nb_workers; i++) {
		char name[RTE_GRAPH_NAMESIZE];
		snprintf(name, sizeof(name), "dse-worker-%u", i);
		rte_graph_t id = rte_graph_from_name(name);
		if (id != RTE_GRAPH_ID_INVALID)
			rte_graph_destroy(id);
		e->workers[i].graph = NULL;
	}
}

int
worker_main(void *arg)
{
	struct dse_worker *w = arg;
	struct dse_engine *e = &dse_engine;

	rte_rcu_qsbr_thread_register(e->qsbr, w->index);
	rte_rcu_qsbr_thread_online(e->qsbr, w->index);
	while (!__atomic_load_n(&e->stop, __ATOMIC_RELAXED)) {
		rte_rcu_qsbr_quiescent(e->qsbr, w->index);
		w->snap = __atomic_load_n(&e->snap, __ATOMIC_ACQUIRE);
		w->polled = 0;
		rte_graph_walk(w->graph);
		if (w->polled) {
			w->counters.busy_polls++;
			w->counters.rx_packets += w->polled;
			continue;
		}
		w->counters.idle_polls++;
		uint32_t sleep_us = w->snap->idle_sleep_us;
		if (sleep_us) {
			rte_rcu_qsbr_thread_offline(e->qsbr, w->index);
			usleep(sleep_us);
			rte_rcu_qsbr_thread_online(e->qsbr, w->index);
		}
	}
	rte_rcu_qsbr_thread_offline(e->qsbr, w->index);
	rte_rcu_qsbr_thread_unregister(e->qsbr, w->index);
	return 0;
}
