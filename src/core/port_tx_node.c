/*
 * dse-port-tx: sends packets on their output port (dse_pkt_meta.out_port), on the transmit
 * queue this worker owns on that port; on a port with fewer queues than workers, a worker
 * without one passes its packets through a single-producer ring to the worker that has one
 * (dse-port-rx of that worker feeds them back here), so no queue is ever shared. Packets are
 * grouped per port so each device gets one burst per graph walk. What a device does not take after
 * a few tries is dropped as "queue-full" and counted per port. Packets carrying offload state (a
 * partial checksum, a GSO frame) are first readied for the output device by offload_tx_prepare:
 * handed to the device to finish, completed here, or cut into segments, each counted per port.
 * Also records the walk's rx->tx time for the latency histogram.
 */
#include <rte_ethdev.h>
#include <rte_graph_worker.h>
#include <rte_ring.h>
#include <rte_malloc.h> /* allowed: rte_malloc.h, in init and fini only (control thread) */

#include "core/drop.h"
#include "core/kport/kport.h"
#include "core/node_util.h"
#include "core/offload.h"
#include "core/port_tx.h"

static_assert(DSE_MAX_PORTS <= 64, "touched_mask has one bit per port");

#define PORT_TX_RETRIES 3
#define PORT_TX_GSO_MAX 128 /* segments of one GSO frame: 64 KiB at an MSS of 512 and more */

enum port_tx_next {
	PORT_TX_NEXT_DROP,
	PORT_TX_NEXT_COUNT,
};

/* Per-worker staging of one walk's packets by output port. */
struct port_tx_state {
	uint16_t count[DSE_MAX_PORTS];   /* packets staged per port */
	uint16_t touched[DSE_MAX_PORTS]; /* ports with count > 0, in order */
	uint16_t nb_touched;             /* entries in touched */
	uint64_t touched_mask;           /* bit p set when p is in touched */
	struct rte_mbuf *pkts[DSE_MAX_PORTS][RTE_GRAPH_BURST_SIZE]; /* staged packets */
};

static void
record_latency(struct dse_worker *w, uint16_t nb)
{
	uint64_t cycles = rte_rdtsc() - w->walk_rx_tsc;
	w->counters.latency_hist[latency_bucket(cycles)] += nb;
	w->counters.latency_samples += nb;
}

/* Sends the packets staged for port p; what the device does not take goes to the drop node. */
static uint16_t
port_tx_flush(struct rte_graph *graph, struct rte_node *node, struct dse_worker *w,
              struct port_tx_state *st, uint16_t p)
{
	const struct dse_snapshot *s = w->snap;
	uint16_t n = st->count[p];
	bool sent_here = true;
	struct rte_mbuf **pkts = st->pkts[p];
	uint16_t sent = 0;

	st->count[p] = 0;
	if (likely(s->ports[p].active)) {
		uint16_t txq = s->ports[p].txq[w->index];
		if (likely(txq != DSE_HANDOFF)) {
			struct kport_queue *kq = s->ports[p].kq[w->index];
			for (int tries = 0; tries < PORT_TX_RETRIES && sent < n; tries++)
				sent += kq ? kport_tx_burst(kq, pkts + sent, n - sent)
				           : rte_eth_tx_burst(s->ports[p].ethdev, txq, pkts + sent,
				                              n - sent);
		} else {
			/* No queue of our own on this port: the owner sends them. */
			sent = (uint16_t)rte_ring_sp_enqueue_burst(s->ports[p].handoff[w->index],
			                                           (void **)pkts, n, NULL);
			w->counters.handed_off += sent;
			sent_here = false;
		}
	}
	if (unlikely(sent < n)) {
		enum dse_drop_reason r =
		    s->ports[p].active ? DSE_DROP_QUEUE_FULL : DSE_DROP_PORT_GONE;
		for (uint16_t i = sent; i < n; i++)
			dse_drop_mark(pkts[i], r);
		w->counters.port_tx_dropped[p] += n - sent;
		rte_node_enqueue(graph, node, PORT_TX_NEXT_DROP, (void **)pkts + sent, n - sent);
	}
	return sent_here ? sent : 0;
}

/* Readies m, which carries offload state, for port p and stages what comes out (m itself, or
 * its segments); counts what was done, or drops m under the reason it could not be. */
static uint16_t
port_tx_offload(struct rte_graph *graph, struct rte_node *node, struct dse_worker *w,
                struct port_tx_state *st, struct rte_mbuf *m, uint16_t p)
{
	const struct dse_snapshot *s = w->snap;
	struct rte_mbuf *out[PORT_TX_GSO_MAX];
	enum dse_drop_reason reason = DSE_DROP_NONE;
	uint16_t sent = 0;
	uint16_t n =
	    offload_tx_prepare(m, &s->ports[p].tx_caps, m->pool, out, PORT_TX_GSO_MAX, &reason);
	struct dse_offload_counters *c = &w->counters.offload[p];
	if (unlikely(n == 0)) {
		dse_drop_mark(m, reason);
		rte_node_enqueue_x1(graph, node, PORT_TX_NEXT_DROP, m);
		return 0;
	}
	if (n > 1) {
		c->segmented++;
		c->segments += n;
	} else if (out[0]->ol_flags & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG)) {
		c->to_device++;
	} else {
		c->completed++;
	}
	for (uint16_t i = 0; i < n; i++) {
		st->pkts[p][st->count[p]++] = out[i];
		if (unlikely(st->count[p] == RTE_GRAPH_BURST_SIZE))
			sent += port_tx_flush(graph, node, w, st, p);
	}
	return sent;
}

static uint16_t
port_tx_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	struct dse_worker *w = dse_node_ctx(node)->worker;
	struct port_tx_state *st = dse_node_ctx(node)->state;
	uint16_t sent = 0;

	for (uint16_t i = 0; i < nb_objs; i++) {
		struct rte_mbuf *m = objs[i];
		uint16_t p = dse_meta(m)->out_port;
		if (!(st->touched_mask & (1ull << p))) {
			st->touched_mask |= 1ull << p;
			st->touched[st->nb_touched++] = p;
		}
		if (unlikely(offload_pending(m))) {
			sent += port_tx_offload(graph, node, w, st, m, p);
			continue;
		}
		st->pkts[p][st->count[p]++] = m;
		/* Flooding can stage more than one burst for a port in one walk. */
		if (unlikely(st->count[p] == RTE_GRAPH_BURST_SIZE))
			sent += port_tx_flush(graph, node, w, st, p);
	}
	for (uint16_t t = 0; t < st->nb_touched; t++)
		if (st->count[st->touched[t]] != 0)
			sent += port_tx_flush(graph, node, w, st, st->touched[t]);
	st->nb_touched = 0;
	st->touched_mask = 0;
	if (sent)
		record_latency(w, sent);
	return nb_objs;
}

static int
port_tx_init(const struct rte_graph *graph, struct rte_node *node)
{
	if (dse_node_bind_worker(graph, node) < 0)
		return -1;
	struct port_tx_state *st =
	    rte_zmalloc_socket("port_tx_state", sizeof(*st), RTE_CACHE_LINE_SIZE, graph->socket);
	if (st == NULL)
		return -1;
	dse_node_ctx(node)->state = st;
	return 0;
}

static void
port_tx_fini(const struct rte_graph *graph, struct rte_node *node)
{
	(void)graph;
	rte_free(dse_node_ctx(node)->state);
	dse_node_ctx(node)->state = NULL;
}

static struct rte_node_register port_tx_node = {
    .process = port_tx_process,
    .name = "dse-port-tx",
    .init = port_tx_init,
    .fini = port_tx_fini,
    .nb_edges = PORT_TX_NEXT_COUNT,
    .next_nodes = {[PORT_TX_NEXT_DROP] = "dse-drop"},
};

RTE_NODE_REGISTER(port_tx_node);
