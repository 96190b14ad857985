/*
 * Workers: one graph instance per worker lcore, and the poll loop that walks it. Between two
 * walks a worker reports a quiescent state (rte_rcu_qsbr) and picks up the latest snapshot, so a
 * walk always sees one snapshot from start to end. A worker whose whole round found nothing may
 * sleep briefly (transport-node.idle-sleep-us), offline for RCU so it never delays a publish.
 */
#include <stdio.h>
#include <unistd.h>

#include <rte_graph.h>
#include <rte_graph_worker.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "core/engine.h"
#include "core/worker.h"

static const char *const worker_node_names[] = {
    "dse-port-rx",        "dse-classify",    "dse-switch",        "dse-firewall",
    "dse-port-tx",        "dse-drop",        "dse-overlay-input", "dse-overlay-encap",
    "dse-overlay-ctl-tx", "dse-overlay-arp",
};

const char *const *
worker_node_list(unsigned *count)
{
	*count = RTE_DIM(worker_node_names);
	return worker_node_names;
}

int
worker_graphs_create(struct dse_engine *e)
{
	for (unsigned i = 0; i < e->nb_workers; i++) {
		struct dse_worker *w = &e->workers[i];
		char name[RTE_GRAPH_NAMESIZE];
		struct rte_graph_param prm = {
		    .socket_id = (int)rte_lcore_to_socket_id(w->lcore),
		    .nb_node_patterns = RTE_DIM(worker_node_names),
		    .node_patterns = (const char **)worker_node_names,
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
