/*
 * The overlay's control side: builds its part of each snapshot (VNI map, flood lists, one outer
 * header template per remote TEP), installs the static remote bindings in the MAC table, and
 * has the underlay next hop of every remote TEP resolved by core's neighbour resolution
 * (core/neigh.h: ARP every second until answered, a refresh after 30 s, given up after 90 s,
 * when frames to it are dropped and counted); a new answer or a lost neighbour republishes the
 * templates. A next hop whose MAC is pinned by the config (tep.next-hop-mac) is never asked.
 *
 * It also keeps the remote workloads' IPv4 -> MAC bindings that workloads' ARP requests are
 * answered from (ARP suppression): the static ones of the config (remote[].ip) and those learned
 * from ARP packets that arrive through tunnels, reported by the workers through a ring. A learned
 * binding lives as long as its MAC stays in the MAC table behind a remote TEP; at most
 * OVERLAY_MAX_IP_LEARNED are held, and new ones are refused and counted while the table is full.
 * Control thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/engine.h"
#include "core/inject.h"
#include "core/neigh.h"
#include "core/service.h"
#include "net/arp.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/geneve.h"
#include "net/udp.h"
#include "net/vxlan.h"
#include "net/ipv4.h"
#include "overlay/overlay.h"
#include "switch/mac_table.h"
#include "switch/switch.h"

/* The next hop whose MAC the config pins (tep.next-hop-mac): never asked. */
struct pinned_hop {
	bool set;          /* the config pins one */
	uint8_t mac[6];    /* its MAC */
	uint32_t pinned_s; /* dse_now_s when the config set it */
};

#define IP_EXPIRE_CHECK_S 1 /* between checks of learned IP bindings against the MAC table */

/* An IP binding learned from a tunnel. */
struct learned_ip {
	uint32_t ip;      /* IPv4, host order */
	uint32_t vni;     /* VNI of its segment when learned */
	uint16_t segment; /* segment slot */
	uint8_t mac[6];   /* the workload's MAC */
};

static struct overlay_shared *shared;
static struct learned_ip learned_ips[OVERLAY_MAX_IP_LEARNED];
static uint32_t nb_learned_ips;
static uint64_t ip_learn_refused; /* bindings not learned: table full */
static uint32_t last_ip_check_s;
static bool republish; /* the neighbours changed after the last snapshot was built */
static struct pinned_hop pinned;
static uint64_t neigh_seen; /* neigh_generation() the last snapshot was built after */
static uint32_t published_teps[OVERLAY_MAX_TEPS]; /* TEP slot addresses in the last snapshot */

struct overlay_shared *
overlay_shared_get(void)
{
	return shared;
}

int
overlay_ctl_init(struct dse_engine *e)
{
	(void)e;
	shared = rte_zmalloc("dse_overlay", sizeof(*shared), RTE_CACHE_LINE_SIZE);
	if (shared == NULL)
		return -ENOMEM;
	shared->ip_ring =
	    rte_ring_create_elem("dse_ovl_ip", sizeof(struct overlay_ip_msg), OVERLAY_IP_RING,
	                         (int)rte_socket_id(), RING_F_SC_DEQ);
	nb_learned_ips = 0;
	ip_learn_refused = 0;
	if (shared->ip_ring == NULL)
		return -ENOMEM;
	return 0;
}

void
overlay_ctl_fini(struct dse_engine *e)
{
	(void)e;
	if (shared == NULL)
		return;
	rte_ring_free(shared->ip_ring);
	rte_free(shared);
	shared = NULL;
}

void
overlay_snap_free(void *part)
{
	struct overlay_snap *ov = part;
	if (ov != NULL)
		free(ov->ips);
	free(ov);
}

/* Frames to every TEP go to one neighbour: a next hop, or a pinned MAC. */
static bool
via_gateway(const struct dse_config *cfg)
{
	return overlay_config(cfg)->tep.next_hop != 0 || overlay_config(cfg)->tep.has_next_hop_mac;
}

/* The MAC frames to the TEP at ip use (the next hop's, or the TEP's own on-link) and its age,
 * if known. */
static bool
tep_neighbor(const struct dse_config *cfg, uint32_t ip, uint8_t mac[6], uint32_t *age_s)
{
	if (overlay_config(cfg)->tep.has_next_hop_mac && pinned.set) {
		memcpy(mac, pinned.mac, 6);
		if (age_s != NULL)
			*age_s = dse_now_s - pinned.pinned_s;
		return true;
	}
	return neigh_lookup(via_gateway(cfg) ? overlay_config(cfg)->tep.next_hop : ip, mac, age_s);
}

/* Inserts a binding unless (segment, ip) is there already (the first one wins). */
static void
ip_table_insert(struct overlay_ip_table *t, uint16_t segment, uint32_t ip, const uint8_t mac[6])
{
	for (uint32_t i = overlay_ip_hash(segment, ip);; i++) {
		struct overlay_ip_binding *b = &t->slot[i & t->mask];
		if (b->ip == ip && b->segment == segment)
			return;
		if (b->ip == 0) {
			b->ip = ip;
			b->segment = segment;
			memcpy(b->mac, mac, 6);
			t->count++;
			return;
		}
	}
}

/* Builds the IP bindings of a snapshot: static ones first, then the learned ones whose segment
 * still has the VNI they came with. Returns 0 or -ENOMEM; NULL when there are none. */
static int
build_ip_table(const struct dse_config *cfg, char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX],
               const struct dse_snapshot *s, struct overlay_snap *ov)
{
	uint32_t n = nb_learned_ips;
	for (unsigned i = 0; i < overlay_config(cfg)->nb_remote; i++)
		n += overlay_config(cfg)->remote[i].has_ip;
	ov->ips = NULL;
	if (n == 0)
		return 0;
	uint32_t slots = 16;
	while (slots < 2 * n)
		slots <<= 1;
	struct overlay_ip_table *t = calloc(1, sizeof(*t) + slots * sizeof(t->slot[0]));
	if (t == NULL)
		return -ENOMEM;
	t->mask = slots - 1;
	for (unsigned i = 0; i < overlay_config(cfg)->nb_remote; i++) {
		const struct dse_remote_binding *b = &overlay_config(cfg)->remote[i];
		int seg = b->has_ip ? dse_segment_slot(names, b->segment) : -1;
		if (seg >= 0)
			ip_table_insert(t, (uint16_t)seg, b->ip, b->mac);
	}
	for (uint32_t i = 0; i < nb_learned_ips; i++) {
		const struct learned_ip *l = &learned_ips[i];
		if (l->segment < DSE_MAX_SEGMENTS && s->segments[l->segment].active &&
		    s->segments[l->segment].vni == l->vni)
			ip_table_insert(t, l->segment, l->ip, l->mac);
	}
	ov->ips = t;
	return 0;
}

/* Writes the outer header template of a remote TEP. */
static void
build_template(const struct dse_config *cfg, const struct overlay_snap *ov,
               struct overlay_snap_tep *t, const uint8_t *next_hop_mac)
{
	const struct dse_tep_config *tep = &overlay_config(cfg)->tep;
	uint8_t *h = t->hdr;

	memset(h, 0, OVERLAY_HDR_LEN);
	net_eth_write_header(h, next_hop_mac, ov->tep_mac, NET_ETHERTYPE_IPV4);
	net_ipv4_write_header(h + OVERLAY_OFF_IP, 0, 0, 0, NET_IPV4_FLAG_DONT_FRAGMENT, tep->ttl,
	                      17, tep->address, t->ip);
	t->ip_checksum = net_checksum(h + OVERLAY_OFF_IP, NET_IPV4_HEADER_LEN);
	net_put_be16(h + OVERLAY_OFF_IP + NET_IPV4_OFF_CHECKSUM, t->ip_checksum);
	net_udp_write_header(h + OVERLAY_OFF_UDP, 0, ov->udp_port, 0);
	if (ov->vxlan)
		net_vxlan_write_header(h + OVERLAY_OFF_TUNNEL, 0);
	else
		net_geneve_write_header(h + OVERLAY_OFF_TUNNEL, 0, NET_ETHERTYPE_TEB);
	t->ready = true;
}

/* Claims the TEP slot of a configured remote TEP. Returns its index or -1 (table full). */
static int
configured_tep(uint32_t ip)
{
	bool learned = false;
	int i = overlay_tep_find(shared, ip, true, &learned);
	if (i >= 0)
		shared->teps[i].configured = true;
	else
		fprintf(stderr, "dsed: remote TEP %u.%u.%u.%u not installed: TEP table full\n",
		        ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	return i;
}

/* Adds TEP index tep to a segment's flood list unless present. */
static void
flood_add(struct overlay_snap *ov, int seg, int tep)
{
	for (uint16_t i = 0; i < ov->nb_flood[seg]; i++)
		if (ov->flood[seg][i] == tep)
			return;
	if (ov->nb_flood[seg] < OVERLAY_MAX_FLOOD)
		ov->flood[seg][ov->nb_flood[seg]++] = (uint16_t)tep;
}

int
overlay_ctl_build(struct dse_engine *e, const struct dse_config *cfg,
                  char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX], struct dse_snapshot *s)
{
	const struct dse_tep_config *tep = &overlay_config(cfg)->tep;
	s->part[DSE_SERVICE_OVERLAY] = NULL;
	if (!tep->enabled || shared == NULL)
		return 0;
	int uplink = engine_port_index(e, tep->uplink);
	if (uplink < 0)
		return 0;
	struct overlay_snap *ov = calloc(1, sizeof(*ov));
	if (ov == NULL)
		return -ENOMEM;
	s->ports[uplink].uplink = true;
	s->remote_ports = true;
	ov->uplink = (uint16_t)uplink;
	ov->tep_ip = tep->address;
	struct rte_ether_addr mac;
	if (rte_eth_macaddr_get(e->ports[uplink].ethdev, &mac) == 0)
		memcpy(ov->tep_mac, mac.addr_bytes, 6);
	ov->vxlan = tep->encap == DSE_ENCAP_VXLAN;
	ov->udp_port = ov->vxlan ? NET_UDP_PORT_VXLAN : NET_UDP_PORT_GENEVE;
	ov->mtu = tep->mtu;
	ov->max_inner = (uint16_t)(tep->mtu - (OVERLAY_HDR_LEN - OVERLAY_OFF_IP));
	ov->shared = shared;

	for (unsigned i = 0; i < cfg->nb_segments; i++) {
		int seg = dse_segment_slot(names, cfg->segments[i].name);
		uint32_t vni = cfg->segments[i].vni;
		if (seg < 0 || vni == 0)
			continue;
		uint32_t h = overlay_vni_hash(vni);
		for (uint32_t p = 0; p < OVERLAY_VNI_SLOTS; p++) {
			struct overlay_vni_entry *v = &ov->vni_map[(h + p) % OVERLAY_VNI_SLOTS];
			if (v->vni == 0) {
				v->vni = vni;
				v->segment = (uint16_t)seg;
				break;
			}
		}
		for (uint16_t f = 0; f < cfg->segments[i].nb_flood_teps; f++) {
			int t = configured_tep(cfg->segments[i].flood_teps[f]);
			if (t >= 0)
				flood_add(ov, seg, t);
		}
	}
	for (unsigned i = 0; i < overlay_config(cfg)->nb_remote; i++) {
		const struct dse_remote_binding *b = &overlay_config(cfg)->remote[i];
		int seg = dse_segment_slot(names, b->segment);
		int t = configured_tep(b->tep);
		if (seg >= 0 && t >= 0)
			flood_add(ov, seg, t);
	}
	for (unsigned seg = 0; seg < DSE_MAX_SEGMENTS; seg++) {
		s->segments[seg].nb_remote_teps = ov->nb_flood[seg];
		/* ARP of a segment that spans hosts is answered here when the binding is known. */
		s->segments[seg].arp_intercept = s->segments[seg].vni != 0;
	}

	for (unsigned i = 0; i < OVERLAY_MAX_TEPS; i++) {
		struct overlay_snap_tep *t = &ov->teps[i];
		t->ip = __atomic_load_n(&shared->teps[i].ip, __ATOMIC_ACQUIRE);
		published_teps[i] = t->ip;
		if (t->ip == 0)
			continue;
		uint8_t mac[6];
		if (tep_neighbor(cfg, t->ip, mac, NULL))
			build_template(cfg, ov, t, mac);
	}
	if (build_ip_table(cfg, names, s, ov) < 0) {
		free(ov);
		return -ENOMEM;
	}
	s->part[DSE_SERVICE_OVERLAY] = ov;
	return 0;
}

void
overlay_ctl_apply(struct dse_engine *e, const struct dse_config *old, const struct dse_config *cfg)
{
	/* Bindings that went away first, then every binding of the new config. */
	if (old != NULL)
		for (unsigned i = 0; i < overlay_config(old)->nb_remote; i++) {
			const struct dse_remote_binding *b = &overlay_config(old)->remote[i];
			bool kept = false;
			for (unsigned j = 0; j < overlay_config(cfg)->nb_remote && !kept; j++)
				kept = strcmp(overlay_config(cfg)->remote[j].segment, b->segment) ==
				           0 &&
				       memcmp(overlay_config(cfg)->remote[j].mac, b->mac, 6) == 0;
			int seg = engine_segment_index(e, b->segment);
			if (!kept && seg >= 0)
				mac_table_delete(switch_mac_table(),
				                 mac_key_make((uint16_t)seg, b->mac));
		}
	if (shared == NULL)
		return;
	for (unsigned i = 0; i < overlay_config(cfg)->nb_remote; i++) {
		const struct dse_remote_binding *b = &overlay_config(cfg)->remote[i];
		int seg = engine_segment_index(e, b->segment);
		bool learned = false;
		int t = overlay_tep_find(shared, b->tep, false, &learned);
		if (seg < 0 || t < 0 ||
		    mac_table_add_static(switch_mac_table(), mac_key_make((uint16_t)seg, b->mac),
		                         (uint16_t)(DSE_PORT_REMOTE | t), dse_now_s) < 0)
			fprintf(stderr, "dsed: remote[%u] not installed: table full\n", i);
	}
	/* A new next hop or TEP address: everything is asked again. */
	if (old == NULL || overlay_config(old)->tep.next_hop != overlay_config(cfg)->tep.next_hop ||
	    overlay_config(old)->tep.address != overlay_config(cfg)->tep.address ||
	    overlay_config(old)->tep.has_next_hop_mac !=
	        overlay_config(cfg)->tep.has_next_hop_mac ||
	    memcmp(overlay_config(old)->tep.next_hop_mac, overlay_config(cfg)->tep.next_hop_mac,
	           6) != 0 ||
	    strcmp(overlay_config(old)->tep.uplink, overlay_config(cfg)->tep.uplink) != 0) {
		neigh_flush();
		memset(&pinned, 0, sizeof(pinned));
		if (overlay_config(cfg)->tep.has_next_hop_mac) {
			/* Pinned: resolved for good, never asked. */
			pinned.set = true;
			memcpy(pinned.mac, overlay_config(cfg)->tep.next_hop_mac, 6);
			pinned.pinned_s = dse_now_s;
		}
		/* The snapshot just published was built before this: the next tick rebuilds
		 * the templates. */
		republish = true;
	}
}

/* Records an IP binding seen in a tunnel; returns true when the bindings answered changed. */
static bool
learn_ip(struct dse_engine *e, const struct overlay_ip_msg *msg)
{
	for (uint32_t i = 0; i < nb_learned_ips; i++) {
		struct learned_ip *l = &learned_ips[i];
		if (l->ip != msg->ip || l->segment != msg->segment)
			continue;
		if (memcmp(l->mac, msg->mac, 6) == 0 && l->vni == msg->vni)
			return false;
		memcpy(l->mac, msg->mac, 6);
		l->vni = msg->vni;
		return true;
	}
	/* Only for a MAC the switch holds behind a TEP: a workload's own ARP has no business
	 * here, and a binding must be able to expire with its MAC. */
	uint16_t port;
	if (!mac_table_lookup(switch_mac_table(), mac_key_make(msg->segment, msg->mac), &port) ||
	    !dse_port_is_remote(port))
		return false;
	if (nb_learned_ips == OVERLAY_MAX_IP_LEARNED) {
		ip_learn_refused++;
		return false;
	}
	learned_ips[nb_learned_ips++] =
	    (struct learned_ip){.ip = msg->ip, .vni = msg->vni, .segment = msg->segment};
	memcpy(learned_ips[nb_learned_ips - 1].mac, msg->mac, 6);
	return true;
}

/* Forgets learned IP bindings whose MAC is no longer behind a remote TEP (aged out, moved).
 * Returns true when any went. */
static bool
expire_ips(struct dse_engine *e)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < nb_learned_ips; i++) {
		uint16_t port;
		const struct learned_ip *l = &learned_ips[i];
		if (mac_table_lookup(switch_mac_table(), mac_key_make(l->segment, l->mac), &port) &&
		    dse_port_is_remote(port))
			learned_ips[kept++] = *l;
	}
	bool changed = kept != nb_learned_ips;
	nb_learned_ips = kept;
	return changed;
}

/* Resolves the neighbour at ip for the uplink of ov. */
static void
resolve(struct dse_engine *e, const struct overlay_snap *ov, uint32_t ip)
{
	neigh_resolve(ip, ov->uplink, ov->tep_mac, ov->tep_ip, e->pool);
}

void
overlay_ctl_tick(struct dse_engine *e)
{
	const struct dse_snapshot *s = e->snap;
	const struct overlay_snap *ov = s ? overlay_snap_of(s) : NULL;
	const struct dse_config *cfg = e->config;
	bool dirty = republish;

	if (shared == NULL)
		return;
	republish = false;
	struct overlay_ip_msg im;
	while (rte_ring_sc_dequeue_elem(shared->ip_ring, &im, sizeof(im)) == 0)
		dirty |= learn_ip(e, &im);
	if (dse_now_s - last_ip_check_s >= IP_EXPIRE_CHECK_S) {
		last_ip_check_s = dse_now_s;
		dirty |= expire_ips(e);
	}
	if (ov == NULL || cfg == NULL)
		return;
	bool gateway = via_gateway(cfg);
	if (overlay_config(cfg)->tep.has_next_hop_mac) {
		/* Pinned: nothing to ask. */
	} else if (gateway) {
		resolve(e, ov, overlay_config(cfg)->tep.next_hop);
	}
	for (unsigned i = 0; i < OVERLAY_MAX_TEPS; i++) {
		uint32_t ip = __atomic_load_n(&shared->teps[i].ip, __ATOMIC_ACQUIRE);
		if (ip == 0)
			continue;
		/* A TEP the workers learned since the last snapshot needs a template. */
		uint8_t mac[6];
		if (published_teps[i] != ip && tep_neighbor(cfg, ip, mac, NULL))
			dirty = true;
		if (!gateway)
			resolve(e, ov, ip);
	}
	/* Answers, changes and expiries of the neighbours the templates use. */
	if (neigh_generation() != neigh_seen)
		dirty = true;
	if (dirty) {
		neigh_seen = neigh_generation();
		engine_publish(e);
	}
}

bool
overlay_ctl_neighbor(unsigned i, uint8_t mac[6], uint32_t *age_s)
{
	const struct dse_config *cfg = dse_engine.config;
	if (i >= OVERLAY_MAX_TEPS || cfg == NULL || shared == NULL)
		return false;
	uint32_t ip = __atomic_load_n(&shared->teps[i].ip, __ATOMIC_ACQUIRE);
	return ip != 0 && tep_neighbor(cfg, ip, mac, age_s);
}

bool
overlay_ctl_learned_ip(uint16_t segment, const uint8_t mac[6], uint32_t *ip)
{
	for (uint32_t i = 0; i < nb_learned_ips; i++)
		if (learned_ips[i].segment == segment && memcmp(learned_ips[i].mac, mac, 6) == 0) {
			*ip = learned_ips[i].ip;
			return true;
		}
	return false;
}

void
overlay_ctl_ip_stats(uint32_t *held, uint64_t *refused)
{
	*held = nb_learned_ips;
	*refused = ip_learn_refused;
}
