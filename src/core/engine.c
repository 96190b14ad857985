/*
 * The engine's control side: start-up (pool, RCU, services, worker graphs), turning desired
 * state into running ports and a published snapshot, and the periodic work (clock, then each
 * service's tick). Services are reached only through the registry (core/service.h).
 * Every change follows one order, so no packet is lost on ports the change does not touch:
 * create what is new, publish a snapshot that uses it, wait until no worker can hold the old
 * snapshot, then remove what is gone.
 */
#include "core/engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "core/inject.h"
#include "core/kport/kport.h"
#include "core/neigh.h"
#include "core/port.h"
#include "core/service.h"
#include "core/worker.h"
#include "flow/flow.h"

#define ENGINE_POOL_CACHE 256

struct dse_engine dse_engine;
uint32_t dse_now_s;
unsigned dse_engine_mbufs = 32768;

void
snapshot_free(struct dse_snapshot *s)
{
	if (s == NULL)
		return;
	for (unsigned p = 0; p < DSE_MAX_PORTS; p++)
		free(s->ports[p].vlan_segment);
	for (unsigned i = 0; i < DSE_NB_SERVICES; i++)
		if (dse_services[i]->part_free != NULL)
			dse_services[i]->part_free(s->part[i]);
	free(s);
}

int
engine_port_index(const struct dse_engine *e, const char *name)
{
	for (int i = 0; i < DSE_MAX_PORTS; i++)
		if (e->ports[i].used && strcmp(e->ports[i].config.name, name) == 0)
			return i;
	return -1;
}

int
engine_segment_index(const struct dse_engine *e, const char *name)
{
	for (int i = 0; i < DSE_MAX_SEGMENTS; i++)
		if (e->segment_names[i][0] && strcmp(e->segment_names[i], name) == 0)
			return i;
	return -1;
}

/* Segment slots for cfg: existing names keep their slot, new names take free ones. */
static int
assign_segments(const struct dse_engine *e, const struct dse_config *cfg,
                char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX])
{
	memset(names, 0, sizeof(char[DSE_MAX_SEGMENTS][DSE_NAME_MAX]));
	for (unsigned i = 0; i < cfg->nb_segments; i++) {
		int slot = engine_segment_index(e, cfg->segments[i].name);
		if (slot >= 0)
			memcpy(names[slot], cfg->segments[i].name, DSE_NAME_MAX);
	}
	for (unsigned i = 0; i < cfg->nb_segments; i++) {
		if (engine_segment_index(e, cfg->segments[i].name) >= 0)
			continue;
		int slot = -1;
		for (int s = 0; s < DSE_MAX_SEGMENTS && slot < 0; s++)
			if (names[s][0] == '\0' && e->segment_names[s][0] == '\0')
				slot = s;
		if (slot < 0)
			return -ENOSPC;
		memcpy(names[slot], cfg->segments[i].name, DSE_NAME_MAX);
	}
	return 0;
}

int
dse_segment_slot(dse_segment_names_t names, const char *name)
{
	for (int i = 0; i < DSE_MAX_SEGMENTS; i++)
		if (names[i][0] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Builds the snapshot of cfg over the current port slots and the given segment slots. */
static struct dse_snapshot *
snapshot_build(struct dse_engine *e, const struct dse_config *cfg,
               char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX])
{
	struct dse_snapshot *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->generation = e->generation + 1;
	s->idle_sleep_us = cfg->idle_sleep_us;

	for (unsigned i = 0; i < cfg->nb_segments; i++) {
		int seg = dse_segment_slot(names, cfg->segments[i].name);
		s->segments[seg].active = true;
		s->segments[seg].vni = cfg->segments[i].vni;
		s->segments[seg].zone = (uint16_t)seg;
	}
	for (unsigned p = 0; p < DSE_MAX_PORTS; p++) {
		const struct dse_port *port = &e->ports[p];
		struct dse_snap_port *sp = &s->ports[p];
		for (unsigned seg = 0; seg < DSE_MAX_SEGMENTS; seg++)
			sp->segment_vlan[seg] = DSE_NOT_MEMBER;
		sp->untagged_segment = DSE_NO_SEGMENT;
		if (!port->used)
			continue;
		const struct dse_port_config *pc = &port->config;
		sp->active = true;
		sp->ethdev = port->ethdev;
		sp->max_frame = pc->mtu + 14;
		sp->tx_caps = port->tx_caps;
		sp->rx_unmarked_partial = pc->kind == DSE_PORT_AF_XDP;
		/* Queue q is received by worker (p + q) % workers, and the same worker transmits on
		 * it: some devices (af_xdp) share state between a queue pair's two directions. A
		 * worker without a queue hands its packets to the worker of queue d % queues. */
		for (unsigned w = 0; w < e->nb_workers; w++) {
			unsigned d = (w + e->nb_workers - p % e->nb_workers) % e->nb_workers;
			if (d < port->nb_queues) {
				sp->txq[w] = (uint16_t)d;
				sp->kq[w] =
				    port->kport ? kport_queue(port->kport, (uint16_t)d) : NULL;
				continue;
			}
			unsigned owner = (p + d % port->nb_queues) % e->nb_workers;
			sp->txq[w] = DSE_HANDOFF;
			sp->handoff[w] = port->handoff[w];
			if (s->nb_drain[owner] < DSE_MAX_RXQ_PER_WORKER) {
				s->drain[owner][s->nb_drain[owner]].port = p;
				s->drain[owner][s->nb_drain[owner]].ring = port->handoff[w];
				s->nb_drain[owner]++;
			}
		}
		s->ethdev_to_port[port->ethdev] = p;
		if (pc->segment[0]) {
			int seg = dse_segment_slot(names, pc->segment);
			sp->untagged_segment = seg;
			sp->segment_vlan[seg] = DSE_UNTAGGED;
		}
		if (pc->nb_vlans) {
			sp->vlan_segment = malloc(4096 * sizeof(uint16_t));
			if (sp->vlan_segment == NULL) {
				snapshot_free(s);
				return NULL;
			}
			for (unsigned v = 0; v < 4096; v++)
				sp->vlan_segment[v] = DSE_NO_SEGMENT;
			for (unsigned v = 0; v < pc->nb_vlans; v++) {
				int seg = dse_segment_slot(names, pc->vlans[v].segment);
				sp->vlan_segment[pc->vlans[v].vlan] = seg;
				sp->segment_vlan[seg] = pc->vlans[v].vlan;
			}
		}
		for (unsigned seg = 0; seg < DSE_MAX_SEGMENTS; seg++) {
			if (sp->segment_vlan[seg] == DSE_NOT_MEMBER)
				continue;
			struct dse_snap_segment *ss = &s->segments[seg];
			ss->flood[ss->nb_flood].port = p;
			ss->flood[ss->nb_flood].vlan = sp->segment_vlan[seg];
			ss->nb_flood++;
		}
		/* Spread queues over workers, starting at a different worker per port so that
		 * single-queue ports do not all land on the first one. */
		for (uint16_t q = 0; q < port->nb_queues; q++) {
			unsigned w = (p + q) % e->nb_workers;
			if (s->nb_rxq[w] == DSE_MAX_RXQ_PER_WORKER)
				continue;
			struct dse_snap_rxq *rq = &s->rxq[w][s->nb_rxq[w]++];
			rq->port = p;
			rq->ethdev = port->ethdev;
			rq->queue = q;
			rq->kq = port->kport ? kport_queue(port->kport, q) : NULL;
		}
	}
	for (unsigned i = 0; i < DSE_NB_SERVICES; i++)
		if (dse_services[i]->build != NULL &&
		    dse_services[i]->build(e, cfg, names, s) < 0) {
			snapshot_free(s);
			return NULL;
		}
	return s;
}

/* Publishes s and frees the previous snapshot once every worker has let go of it. */
static void
publish(struct dse_engine *e, struct dse_snapshot *s)
{
	struct dse_snapshot *old = e->snap;
	__atomic_store_n(&e->snap, s, __ATOMIC_RELEASE);
	e->generation = s->generation;
	rte_rcu_qsbr_synchronize(e->qsbr, RTE_QSBR_THRID_INVALID);
	snapshot_free(old);
}

int
engine_publish(struct dse_engine *e)
{
	struct dse_snapshot *s = snapshot_build(e, e->config, e->segment_names);
	if (s == NULL)
		return -ENOMEM;
	publish(e, s);
	return 0;
}

/* Whether a port's device must be recreated to go from a to b (anything but its place in the
 * segments and its MTU). */
static bool
port_device_changed(const struct dse_port_config *a, const struct dse_port_config *b)
{
	return a->kind != b->kind || strcmp(a->iface, b->iface) != 0 ||
	       strcmp(a->path, b->path) != 0 || strcmp(a->tx_path, b->tx_path) != 0 ||
	       strcmp(a->devargs, b->devargs) != 0 || a->queues != b->queues ||
	       a->infinite_rx != b->infinite_rx || a->has_mac != b->has_mac ||
	       (a->has_mac && memcmp(a->mac, b->mac, 6) != 0);
}

static bool
port_attachment_changed(const struct dse_port_config *a, const struct dse_port_config *b)
{
	return strcmp(a->segment, b->segment) != 0 || a->nb_vlans != b->nb_vlans ||
	       memcmp(a->vlans, b->vlans, sizeof(a->vlans[0]) * a->nb_vlans) != 0 ||
	       a->mtu != b->mtu;
}

static int
free_port_slot(const struct dse_engine *e, const bool *reserved)
{
	for (int i = 0; i < DSE_MAX_PORTS; i++)
		if (!e->ports[i].used && !reserved[i])
			return i;
	return -1;
}

int
engine_apply(struct dse_engine *e, const struct dse_config *cfg, struct dse_apply_result *result,
             struct dse_config_errors *errs)
{
	const struct dse_config *old = e->config;
	char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX];
	int opened[DSE_MAX_PORTS]; /* slots opened by this apply */
	unsigned nb_opened = 0;
	bool reserved[DSE_MAX_PORTS] = {false};
	int rc;

	memset(result, 0, sizeof(*result));
	if (old != NULL && cfg->nb_workers != e->nb_workers)
		config_error(errs, 0, "transport-node.workers",
		             "the worker count cannot change while the engine runs (running: %u); "
		             "restart dsed",
		             e->nb_workers);
	DSE_SERVICES_CALL(check, e, cfg, errs);
	if (errs->count)
		return -EINVAL;
	if (assign_segments(e, cfg, names) < 0) {
		config_error(errs, 0, "segments", "no free segment slot");
		return -ENOSPC;
	}

	/* 1. Ports that are new, or whose device must be recreated, are opened first; a
	 *    recreated device must release its interface or socket before the new one opens. */
	for (unsigned i = 0; i < cfg->nb_ports; i++) {
		const struct dse_port_config *pc = &cfg->ports[i];
		int slot = engine_port_index(e, pc->name);
		char field[48];
		snprintf(field, sizeof(field), "ports[%u]", i);
		if (slot >= 0 && !port_device_changed(&e->ports[slot].config, pc)) {
			reserved[slot] = true;
			continue;
		}
		if (slot >= 0) {
			/* Recreate in place: close now, reopen below with the new config. */
			struct dse_port before = e->ports[slot];
			e->ports[slot].used = false;
			engine_publish(e);
			port_close(&before);
			e->ports[slot].config = *pc;
			rc = port_open(e, &e->ports[slot], field, errs);
			if (rc < 0) {
				/* Put the old device back so that the running state stays as it
				 * was. */
				struct dse_config_errors ignore = {0};
				e->ports[slot] = before;
				if (port_open(e, &e->ports[slot], field, &ignore) == 0)
					e->ports[slot].used = true;
				engine_publish(e);
				goto rollback;
			}
			e->ports[slot].used = true;
			reserved[slot] = true;
			snprintf(result->changed[result->nb_changed++], DSE_NAME_MAX, "%s",
			         pc->name);
			continue;
		}
		slot = free_port_slot(e, reserved);
		if (slot < 0) {
			config_error(errs, pc->line, field, "no free port slot (at most %d ports)",
			             DSE_MAX_PORTS);
			rc = -ENOSPC;
			goto rollback;
		}
		memset(&e->ports[slot], 0, sizeof(e->ports[slot]));
		e->ports[slot].config = *pc;
		rc = port_open(e, &e->ports[slot], field, errs);
		if (rc < 0)
			goto rollback;
		/* Not yet in the snapshot: used only once published. */
		e->ports[slot].used = true;
		reserved[slot] = true;
		opened[nb_opened++] = slot;
		snprintf(result->added[result->nb_added++], DSE_NAME_MAX, "%s", pc->name);
	}

	/* 2. Ports that stay get their new attachment; ports that go leave the snapshot. */
	struct dse_port removed[DSE_MAX_PORTS];
	unsigned nb_removed = 0;
	for (int slot = 0; slot < DSE_MAX_PORTS; slot++) {
		struct dse_port *p = &e->ports[slot];
		if (!p->used)
			continue;
		int idx = config_find_port(cfg, p->config.name);
		if (idx < 0) {
			removed[nb_removed++] = *p;
			p->used = false;
			snprintf(result->removed[result->nb_removed++], DSE_NAME_MAX, "%s",
			         p->config.name);
			continue;
		}
		if (port_attachment_changed(&p->config, &cfg->ports[idx])) {
			bool listed = false;
			for (unsigned c = 0; c < result->nb_changed; c++)
				listed |= strcmp(result->changed[c], p->config.name) == 0;
			if (!listed)
				snprintf(result->changed[result->nb_changed++], DSE_NAME_MAX, "%s",
				         p->config.name);
			if (p->config.mtu != cfg->ports[idx].mtu)
				port_set_mtu(p, cfg->ports[idx].mtu);
		}
		p->config = cfg->ports[idx];
	}

	/* 3. Publish, then take away what no worker can see any more. */
	struct dse_snapshot *s = snapshot_build(e, cfg, names);
	if (s == NULL) {
		config_error(errs, 0, "", "out of memory building the snapshot");
		for (unsigned r = 0; r < nb_removed; r++)
			for (int slot = 0; slot < DSE_MAX_PORTS; slot++)
				if (!e->ports[slot].used &&
				    strcmp(e->ports[slot].config.name, removed[r].config.name) == 0)
					e->ports[slot].used = true;
		rc = -ENOMEM;
		goto rollback;
	}
	publish(e, s);
	for (unsigned r = 0; r < nb_removed; r++) {
		port_close(&removed[r]);
		for (int slot = 0; slot < DSE_MAX_PORTS; slot++)
			if (!e->ports[slot].used &&
			    strcmp(e->ports[slot].config.name, removed[r].config.name) == 0)
				DSE_SERVICES_CALL(port_removed, e, (unsigned)slot);
	}
	for (int seg = 0; seg < DSE_MAX_SEGMENTS; seg++)
		if (e->segment_names[seg][0] && names[seg][0] == '\0')
			DSE_SERVICES_CALL(segment_removed, e, (unsigned)seg);
	memcpy(e->segment_names, names, sizeof(names));
	DSE_SERVICES_CALL(apply, e, old, cfg);

	if (e->config == NULL) {
		e->config = calloc(1, sizeof(*e->config));
		if (e->config == NULL)
			return -ENOMEM;
	}
	/* Copies only the lists that differ from the running config's. */
	return config_assign(e->config, cfg);

rollback:
	for (unsigned i = 0; i < nb_opened; i++) {
		port_close(&e->ports[opened[i]]);
		e->ports[opened[i]].used = false;
	}
	return rc < 0 ? rc : -EINVAL;
}

int
engine_port_add(struct dse_engine *e, const struct dse_port_config *pc,
                struct dse_config_errors *errs)
{
	if (config_validate_port(e->config, pc, "port", errs) < 0)
		return -EINVAL;
	if (e->config->nb_ports >= DSE_MAX_PORTS) {
		config_error(errs, 0, "port", "at most %d ports", DSE_MAX_PORTS);
		return -ENOSPC;
	}
	/* The running config with a new ports list; every other list is shared, not copied. */
	struct dse_config next = *e->config;
	next.ports = malloc((next.nb_ports + 1u) * sizeof(next.ports[0]));
	if (next.ports == NULL)
		return -ENOMEM;
	if (next.nb_ports > 0)
		memcpy(next.ports, e->config->ports, next.nb_ports * sizeof(next.ports[0]));
	next.ports[next.nb_ports++] = *pc;
	struct dse_apply_result result;
	int rc = engine_apply(e, &next, &result, errs);
	free(next.ports);
	return rc;
}

int
engine_port_del(struct dse_engine *e, const char *name, struct dse_config_errors *errs)
{
	int idx = config_find_port(e->config, name);
	if (idx < 0) {
		config_error(errs, 0, "name", "no port named \"%s\"", name);
		return -ENOENT;
	}
	/* A copy of the running config the services may edit in place: each service's part is
	 * opaque to core, so the copy is a whole one. */
	struct dse_config next;
	if (config_copy(&next, e->config) < 0)
		return -ENOMEM;
	unsigned kept = 0;
	for (unsigned i = 0; i < next.nb_ports; i++)
		if ((int)i != idx)
			next.ports[kept++] = next.ports[i];
	next.nb_ports = (uint16_t)kept;
	/* Each service drops what of the copy refers to the port (the switch: its static
	 * MACs). */
	DSE_SERVICES_CALL(config_port_del, &next, name);
	struct dse_apply_result result;
	int rc = engine_apply(e, &next, &result, errs);
	config_free(&next);
	return rc;
}

void
engine_tick(struct dse_engine *e)
{
	uint32_t now = (uint32_t)((rte_rdtsc() - e->start_tsc) / rte_get_tsc_hz());
	__atomic_store_n(&dse_now_s, now, __ATOMIC_RELAXED);
	neigh_input();
	DSE_SERVICES_CALL(tick, e);
}

int
engine_init(struct dse_engine *e, const struct dse_config *initial)
{
	e->nb_workers = initial->nb_workers;
	e->start_tsc = rte_rdtsc();
	unsigned n = 0, lcore;
	RTE_LCORE_FOREACH_WORKER (lcore) {
		if (n == e->nb_workers)
			break;
		e->workers[n].index = n;
		e->workers[n].lcore = lcore;
		n++;
	}
	if (n < e->nb_workers) {
		fprintf(stderr,
		        "dsed: transport-node.workers is %u but EAL has only %u worker lcores "
		        "(see --lcores)\n",
		        e->nb_workers, n);
		return -EINVAL;
	}
	e->pool = rte_pktmbuf_pool_create("dse_pool", dse_engine_mbufs, ENGINE_POOL_CACHE,
	                                  DSE_MBUF_PRIV_SIZE, RTE_MBUF_DEFAULT_BUF_SIZE,
	                                  (int)rte_socket_id());
	if (e->pool == NULL) {
		fprintf(stderr, "dsed: cannot create the packet pool (%u buffers): %s\n",
		        dse_engine_mbufs, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	size_t qsz = rte_rcu_qsbr_get_memsize(e->nb_workers);
	e->qsbr = rte_zmalloc("dse_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (e->qsbr == NULL || rte_rcu_qsbr_init(e->qsbr, e->nb_workers) != 0)
		return -ENOMEM;
	if (inject_init() < 0 || neigh_init() < 0)
		return -ENOMEM;
	for (unsigned i = 0; i < DSE_NB_SERVICES; i++) {
		const struct dse_service *svc = dse_services[i];
		if (svc->flow_state_size == 0)
			continue;
		*svc->flow_state_offset = flow_reserve(svc->flow_state_size);
		if (*svc->flow_state_offset < 0) {
			fprintf(stderr, "dsed: no room in flow entries for the %s service\n",
			        svc->name);
			return -ENOSPC;
		}
	}
	for (unsigned i = 0; i < DSE_NB_SERVICES; i++)
		if (dse_services[i]->init != NULL && dse_services[i]->init(e, initial) < 0) {
			fprintf(stderr, "dsed: the %s service did not start\n",
			        dse_services[i]->name);
			return -ENOMEM;
		}
	/* An empty snapshot, so that workers always have one. */
	char none[DSE_MAX_SEGMENTS][DSE_NAME_MAX];
	memset(none, 0, sizeof(none));
	struct dse_config *empty = malloc(sizeof(*empty));
	if (empty == NULL)
		return -ENOMEM;
	if (config_init(empty) < 0) {
		free(empty);
		return -ENOMEM;
	}
	e->snap = snapshot_build(e, empty, none);
	config_free(empty);
	free(empty);
	if (e->snap == NULL)
		return -ENOMEM;
	e->generation = e->snap->generation;
	return worker_graphs_create(e);
}

int
engine_start_workers(struct dse_engine *e)
{
	for (unsigned i = 0; i < e->nb_workers; i++) {
		int rc = rte_eal_remote_launch(worker_main, &e->workers[i], e->workers[i].lcore);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
engine_fini(struct dse_engine *e)
{
	__atomic_store_n(&e->stop, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	for (int p = 0; p < DSE_MAX_PORTS; p++)
		if (e->ports[p].used) {
			port_close(&e->ports[p]);
			e->ports[p].used = false;
		}
	worker_graphs_destroy(e);
	snapshot_free(e->snap);
	e->snap = NULL;
	for (unsigned i = DSE_NB_SERVICES; i-- > 0;)
		if (dse_services[i]->fini != NULL)
			dse_services[i]->fini(e);
	flow_table_destroy();
	neigh_fini();
	inject_fini();
	rte_free(e->qsbr);
	rte_mempool_free(e->pool);
	config_free(e->config);
	free(e->config);
	e->config = NULL;
}
