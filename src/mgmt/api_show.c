/*
 * Management API methods that report state: ports, segments, MAC table, graph, counters and
 * engine information. Read-only; they gather worker counters with relaxed loads, so a report is
 * a consistent-enough picture of a running engine, never a reason to stop it.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_graph.h>

#include "core/engine.h"
#include "core/port.h"
#include "core/port_tx.h"
#include "core/service.h"
#include "core/worker.h"
#include "mgmt/api.h"
#include "config/config.h"

#define NODE_STATS_MAX 16

/* Node counters summed over workers, and their values at the last `stats clear`. */
struct node_stat {
	char name[RTE_NODE_NAMESIZE];
	uint64_t calls, objs, cycles;
};
static struct node_stat node_base[NODE_STATS_MAX];
static unsigned nb_node_base;

static json_t *
port_json(const struct dse_engine *e, int slot)
{
	const struct dse_port *p = &e->ports[slot];
	const struct dse_port_config *pc = &p->config;
	uint64_t st[PS_COUNT];
	port_stats(p, st);
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	rte_eth_link_get_nowait(p->ethdev, &link);
	struct rte_ether_addr mac;
	memset(&mac, 0, sizeof(mac));
	rte_eth_macaddr_get(p->ethdev, &mac);

	json_t *vlans = json_array();
	for (unsigned v = 0; v < pc->nb_vlans; v++)
		json_array_append_new(vlans, json_pack("{s:i, s:s}", "vlan", pc->vlans[v].vlan,
		                                       "segment", pc->vlans[v].segment));
	json_t *workers = json_array();
	for (uint16_t q = 0; q < p->nb_queues; q++)
		json_array_append_new(workers,
		                      json_integer(e->workers[(slot + q) % e->nb_workers].lcore));
	uint64_t tx_dropped = 0;
	for (unsigned w = 0; w < e->nb_workers; w++)
		tx_dropped += __atomic_load_n(&e->workers[w].counters.port_tx_dropped[slot],
		                              __ATOMIC_RELAXED);
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:o, s:s, s:i, s:o, s:i, s:s, s:i, s:o}", "name", pc->name, "kind",
	    config_port_kind_name(pc->kind), "segment", pc->segment, "vlans", vlans, "device",
	    p->devargs, "ethdev", p->ethdev, "mac", rpc_json_mac(mac.addr_bytes), "mtu", pc->mtu,
	    "link", link.link_status ? "up" : "down", "queues", p->nb_queues, "workers", workers);
	static const char *const names[PS_COUNT] = {"rx_packets", "rx_bytes",   "rx_errors",
	                                            "rx_missed",  "tx_packets", "tx_bytes",
	                                            "tx_errors"};
	for (int i = 0; i < PS_COUNT; i++)
		json_object_set_new(o, names[i], json_integer((json_int_t)st[i]));
	json_object_set_new(o, "tx_dropped", json_integer((json_int_t)tx_dropped));
	struct dse_offload_counters oc;
	port_offload_stats(e, (unsigned)slot, &oc);
	json_object_set_new(o, "tx_offload",
	                    json_pack("{s:I, s:I, s:I, s:I}", "to_device", (json_int_t)oc.to_device,
	                              "completed", (json_int_t)oc.completed, "segmented",
	                              (json_int_t)oc.segmented, "segments",
	                              (json_int_t)oc.segments));
	return o;
}

json_t *
api_ports_list(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	const struct dse_engine *e = ctx;
	json_t *ports = json_array();
	/* In config order, which is the order a person wrote them in. */
	for (unsigned i = 0; e->config && i < e->config->nb_ports; i++) {
		int slot = engine_port_index(e, e->config->ports[i].name);
		if (slot >= 0)
			json_array_append_new(ports, port_json(e, slot));
	}
	return json_pack("{s:o}", "ports", ports);
}

/* Collects rte_graph's per-node counters, summed over the workers' graphs. */
struct node_collect {
	struct node_stat nodes[NODE_STATS_MAX];
	unsigned nb;
};

static int
node_stats_cb(bool is_first, bool is_last, void *cookie,
              const struct rte_graph_cluster_node_stats *st)
{
	(void)is_first;
	(void)is_last;
	struct node_collect *nc = cookie;
	if (nc->nb == NODE_STATS_MAX)
		return 0;
	struct node_stat *n = &nc->nodes[nc->nb++];
	snprintf(n->name, sizeof(n->name), "%s", st->name);
	n->calls = st->calls;
	n->objs = st->objs;
	n->cycles = st->cycles;
	return 0;
}

static void
collect_node_stats(struct node_collect *nc)
{
	memset(nc, 0, sizeof(*nc));
	const char *pattern = "dse-worker-*";
	struct rte_graph_cluster_stats_param prm = {
	    .socket_id = SOCKET_ID_ANY,
	    .fn = node_stats_cb,
	    .cookie = nc,
	    .nb_graph_patterns = 1,
	    .graph_patterns = &pattern,
	};
	struct rte_graph_cluster_stats *stats = rte_graph_cluster_stats_create(&prm);
	if (stats == NULL)
		return;
	rte_graph_cluster_stats_get(stats, false);
	rte_graph_cluster_stats_destroy(stats);
}

static const struct node_stat *
node_base_of(const char *name)
{
	for (unsigned i = 0; i < nb_node_base; i++)
		if (strcmp(node_base[i].name, name) == 0)
			return &node_base[i];
	return NULL;
}

static json_t *
nodes_json(void)
{
	struct node_collect nc;
	collect_node_stats(&nc);
	json_t *nodes = json_array();
	for (unsigned i = 0; i < nc.nb; i++) {
		struct node_stat n = nc.nodes[i];
		const struct node_stat *b = node_base_of(n.name);
		if (b != NULL) {
			n.calls -= b->calls;
			n.objs -= b->objs;
			n.cycles -= b->cycles;
		}
		json_array_append_new(
		    nodes,
		    json_pack("{s:s, s:I, s:I, s:I, s:f, s:f}", "name", n.name, "calls",
		              (json_int_t)n.calls, "packets", (json_int_t)n.objs, "cycles",
		              (json_int_t)n.cycles, "packets_per_call",
		              n.calls ? (double)n.objs / (double)n.calls : 0.0, "cycles_per_packet",
		              n.objs ? (double)n.cycles / (double)n.objs : 0.0));
	}
	return nodes;
}

json_t *
api_graph_show(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	const struct dse_engine *e = ctx;
	json_t *edges = json_array();
	unsigned nb_names;
	const char *const *names = worker_node_list(&nb_names);
	for (unsigned i = 0; i < nb_names; i++) {
		rte_node_t id = rte_node_from_name(names[i]);
		if (id == RTE_NODE_ID_INVALID)
			continue;
		char *next[RTE_GRAPH_BURST_SIZE];
		rte_edge_t n = rte_node_edge_get(id, NULL);
		if (n / sizeof(char *) > RTE_DIM(next))
			continue;
		n = rte_node_edge_get(id, next);
		for (rte_edge_t k = 0; k < n; k++)
			json_array_append_new(edges, json_pack("[s, s]", names[i], next[k]));
	}
	return json_pack("{s:i, s:o, s:o}", "workers", e->nb_workers, "nodes", nodes_json(),
	                 "edges", edges);
}

/* Latency percentile (0..1) from the summed histogram, in microseconds. */
static double
latency_percentile(const uint64_t *hist, uint64_t total, double p)
{
	if (total == 0)
		return 0.0;
	uint64_t want = (uint64_t)(p * (double)total), seen = 0;
	for (unsigned b = 0; b < LATENCY_BUCKETS; b++) {
		seen += hist[b];
		if (seen > want || b == LATENCY_BUCKETS - 1) {
			/* The bucket's upper bound: a percentile is never reported too low. */
			uint64_t cycles = b + 1 < LATENCY_BUCKETS ? latency_bucket_floor(b + 1)
			                                          : latency_bucket_floor(b);
			return (double)cycles * 1e6 / (double)rte_get_tsc_hz();
		}
	}
	return 0.0;
}

/*
 * The uint64_t counter at offset in struct dse_worker_counters, summed over the workers since
 * start (stats.clear only moves the engine's base).
 */
static uint64_t
workers_sum(const struct dse_engine *e, size_t offset)
{
	uint64_t n = 0;

	for (unsigned w = 0; w < e->nb_workers; w++)
		n += __atomic_load_n(
		    (const uint64_t *)((const char *)&e->workers[w].counters + offset),
		    __ATOMIC_RELAXED);
	return n;
}

/* Drops of reason r since start. */
static uint64_t
drops_since_start(const struct dse_engine *e, unsigned r)
{
	return workers_sum(e, offsetof(struct dse_worker_counters, drops) + r * sizeof(uint64_t));
}

/* Samples in latency bucket b since start. */
static uint64_t
latency_since_start(const struct dse_engine *e, unsigned b)
{
	return workers_sum(e, offsetof(struct dse_worker_counters, latency_hist) +
	                          b * sizeof(uint64_t));
}

static void
latency_sum(const struct dse_engine *e, uint64_t hist[LATENCY_BUCKETS], uint64_t *total)
{
	*total = 0;
	for (unsigned b = 0; b < LATENCY_BUCKETS; b++) {
		hist[b] = latency_since_start(e, b) - e->latency_base[b];
		*total += hist[b];
	}
}

json_t *
api_stats_show(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	const struct dse_engine *e = ctx;
	json_t *drops = json_array();
	for (unsigned r = 1; r < DSE_DROP_COUNT; r++) {
		uint64_t n = drops_since_start(e, r);
		json_array_append_new(
		    drops, json_pack("{s:s, s:s, s:I, s:s}", "node", dse_drop_node(r), "reason",
		                     dse_drop_name(r), "packets",
		                     (json_int_t)(n - e->drops_base[r]), "help", dse_drop_help(r)));
	}
	json_t *workers = json_array();
	for (unsigned w = 0; w < e->nb_workers; w++) {
		const struct dse_worker_counters *c = &e->workers[w].counters;
		json_t *o =
		    json_pack("{s:i, s:I, s:I, s:I}", "lcore", e->workers[w].lcore, "rx_packets",
		              (json_int_t)c->rx_packets, "busy_polls", (json_int_t)c->busy_polls,
		              "idle_polls", (json_int_t)c->idle_polls);
		/* The services' own per-worker counters, in list order. */
		for (unsigned i = 0; i < DSE_NB_SERVICES; i++)
			for (unsigned k = 0; k < dse_services[i]->nb_worker_counters; k++)
				json_object_set_new(
				    o, dse_services[i]->worker_counters[k],
				    json_integer(
				        (json_int_t)dse_services[i]->worker_counter(w, k)));
		json_object_set_new(o, "handed_off", json_integer((json_int_t)c->handed_off));
		json_array_append_new(workers, o);
	}
	uint64_t hist[LATENCY_BUCKETS], total;
	latency_sum(e, hist, &total);
	json_t *latency =
	    json_pack("{s:f, s:f, s:f, s:I}", "p50_us", latency_percentile(hist, total, 0.5),
	              "p99_us", latency_percentile(hist, total, 0.99), "p999_us",
	              latency_percentile(hist, total, 0.999), "samples", (json_int_t)total);
	json_t *ports = api_ports_list(NULL, NULL, ctx);
	json_t *out =
	    json_pack("{s:I, s:o, s:o, s:O, s:o, s:o}", "generation", (json_int_t)e->generation,
	              "drops", drops, "nodes", nodes_json(), "ports",
	              json_object_get(ports, "ports"), "workers", workers, "latency", latency);
	json_decref(ports);
	return out;
}

json_t *
api_stats_clear(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	struct dse_engine *e = ctx;
	for (unsigned r = 0; r < DSE_DROP_COUNT; r++)
		e->drops_base[r] = drops_since_start(e, r);
	for (unsigned b = 0; b < LATENCY_BUCKETS; b++)
		e->latency_base[b] = latency_since_start(e, b);
	for (int p = 0; p < DSE_MAX_PORTS; p++) {
		if (!e->ports[p].used)
			continue;
		uint64_t st[PS_COUNT];
		memset(e->ports[p].stats_base, 0, sizeof(e->ports[p].stats_base));
		port_stats(&e->ports[p], st);
		memcpy(e->ports[p].stats_base, st, sizeof(st));
		port_offload_stats_reset(e, (unsigned)p);
	}
	struct node_collect nc;
	collect_node_stats(&nc);
	memcpy(node_base, nc.nodes, sizeof(nc.nodes));
	nb_node_base = nc.nb;
	return json_object();
}

json_t *
api_engine_info(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	const struct dse_engine *e = ctx;
	json_t *lcores = json_array();
	for (unsigned w = 0; w < e->nb_workers; w++)
		json_array_append_new(lcores, json_integer(e->workers[w].lcore));
	uint64_t hz = rte_get_tsc_hz();
	return json_pack("{s:s, s:s, s:i, s:o, s:I, s:I, s:I, s:I, s:I}", "version", DSE_VERSION,
	                 "node", e->config ? e->config->node_name : "", "workers", e->nb_workers,
	                 "lcores", lcores, "generation", (json_int_t)e->generation, "uptime_s",
	                 (json_int_t)((rte_rdtsc() - e->start_tsc) / hz), "tsc_hz", (json_int_t)hz,
	                 "mbufs_total", (json_int_t)e->pool->size, "mbufs_in_use",
	                 (json_int_t)rte_mempool_in_use_count(e->pool));
}
