/*
 * dse-port-rx: the source node of every worker's graph. Polls the receive queues the published
 * snapshot assigns to this worker, in one round of at most one graph burst, starting where the
 * last round stopped so that no queue starves when there are many.
 */
#include <rte_ethdev.h>
#include <rte_graph_worker.h>
#include <rte_ring.h>

#include "core/kport/kport.h"
#include "core/node_util.h"

#define PORT_RX_BURST 32

enum port_rx_next {
	PORT_RX_NEXT_CLASSIFY,
	PORT_RX_NEXT_TX, /* packets other workers handed over for sending */
	PORT_RX_NEXT_COUNT,
};

/* Takes what other workers handed over for ports where this worker owns the transmit queue;
 * they go straight to dse-port-tx, already switched. */
static uint16_t
port_rx_drain(struct rte_graph *graph, struct rte_node *node, const struct dse_snapshot *s,
              unsigned worker)
{
	uint16_t total = 0;
	for (uint16_t i = 0; i < s->nb_drain[worker]; i++) {
		struct rte_ring *r = s->drain[worker][i].ring;
		if (rte_ring_empty(r))
			continue;
		void **to = rte_node_next_stream_get(graph, node, PORT_RX_NEXT_TX, PORT_RX_BURST);
		uint16_t n = (uint16_t)rte_ring_sc_dequeue_burst(r, to, PORT_RX_BURST, NULL);
		rte_node_next_stream_put(graph, node, PORT_RX_NEXT_TX, n);
		total += n;
	}
	return total;
}

static uint16_t
port_rx_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	(void)objs;
	(void)nb_objs;
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct dse_snapshot *s = w->snap;
	uint16_t nb_rxq = s->nb_rxq[w->index];
	uint16_t count = 0;

	if (unlikely(s->nb_drain[w->index] != 0)) {
		uint16_t n = port_rx_drain(graph, node, s, w->index);
		if (n) {
			w->polled += n;
			w->walk_rx_tsc = rte_rdtsc();
		}
	}
	if (nb_rxq == 0)
		return 0;
	uintptr_t cursor = (uintptr_t)dse_node_ctx(node)->state;
	/* Stream buffers can grow past one burst; later nodes size their scratch for one. */
	uint16_t room = RTE_MIN(node->size, (uint16_t)RTE_GRAPH_BURST_SIZE);
	for (uint16_t i = 0; i < nb_rxq && count + PORT_RX_BURST <= room; i++) {
		const struct dse_snap_rxq *q = &s->rxq[w->index][(cursor + i) % nb_rxq];
		/* A busy queue may fill the whole vector: bigger vectors spread each node's fixed
		 * cost over more packets. */
		uint16_t got;
		do {
			struct rte_mbuf **to = (struct rte_mbuf **)node->objs + count;
			got = q->kq ? kport_rx_burst(q->kq, to, PORT_RX_BURST)
			            : rte_eth_rx_burst(q->ethdev, q->queue, to, PORT_RX_BURST);
			count += got;
		} while (got == PORT_RX_BURST && count + PORT_RX_BURST <= room);
	}
	dse_node_ctx(node)->state = (void *)((cursor + 1) % nb_rxq);
	w->polled += count;
	if (count == 0)
		return 0;
	w->walk_rx_tsc = rte_rdtsc();
	node->idx = count;
	rte_node_next_stream_move(graph, node, PORT_RX_NEXT_CLASSIFY);
	return count;
}

static int
port_rx_init(const struct rte_graph *graph, struct rte_node *node)
{
	return dse_node_bind_worker(graph, node);
}

static struct rte_node_register port_rx_node = {
    .process = port_rx_process,
    .flags = RTE_NODE_SOURCE_F,
    .name = "dse-port-rx",
    .init = port_rx_init,
    .nb_edges = PORT_RX_NEXT_COUNT,
    .next_nodes =
        {
            [PORT_RX_NEXT_CLASSIFY] = "dse-classify",
            [PORT_RX_NEXT_TX] = "dse-port-tx",
        },
};

RTE_NODE_REGISTER(port_rx_node);
