/*
 * The overlay's control side: builds its part of each snapshot (VNI map, flood lists, one outer
 * header template per remote TEP), installs the static remote bindings in the MAC table, and
 * resolves the underlay next hop of every remote TEP by ARP (RFC 826): requests every second
 * until answered, a refresh after 30 s, and the entry given up (frames to it dropped and
 * counted) after 90 s without an answer. Answers and other ARP senders come from the workers
 * through a ring; requests leave through a ring that worker 0 drains. Control thread only.
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
#include "net/arp.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/geneve.h"
#include "net/udp.h"
#include "net/vxlan.h"
#include "net/ipv4.h"
#include "overlay/overlay.h"
#include "switch/mac_table.h"

#define ARP_RETRY_S   1                /* between requests for an unresolved next hop */
#define ARP_REFRESH_S 30               /* age of a resolved entry that is asked again */
#define ARP_EXPIRE_S  90               /* age at which an unanswered entry is given up */
#define GATEWAY       OVERLAY_MAX_TEPS /* neighbour slot of the configured next hop */

/* An underlay neighbour: a remote TEP on-link, or the configured next hop. */
struct neighbor {
	uint32_t ip;             /* IPv4, host order; 0 = unused */
	uint8_t mac[6];          /* its MAC when resolved */
	bool resolved;           /* mac is valid */
	uint32_t updated_s;      /* dse_now_s of the last answer */
	uint32_t last_request_s; /* dse_now_s of the last request sent */
	bool requested;          /* a request was sent at least once */
};

static struct overlay_shared *shared;
static struct neighbor neighbors[OVERLAY_MAX_TEPS + 1];
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
	shared->arp_ring =
	    rte_ring_create_elem("dse_ovl_arp", sizeof(struct overlay_arp_msg), OVERLAY_ARP_RING,
	                         (int)rte_socket_id(), RING_F_SC_DEQ);
	shared->tx_ring = rte_ring_create("dse_ovl_tx", OVERLAY_TX_RING, (int)rte_socket_id(),
	                                  RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (shared->arp_ring == NULL || shared->tx_ring == NULL)
		return -ENOMEM;
	return 0;
}

void
overlay_ctl_fini(struct dse_engine *e)
{
	(void)e;
	if (shared == NULL)
		return;
	void *m;
	while (shared->tx_ring && rte_ring_sc_dequeue(shared->tx_ring, &m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(shared->tx_ring);
	rte_ring_free(shared->arp_ring);
	rte_free(shared);
	shared = NULL;
}

void
overlay_snap_free(struct overlay_snap *ov)
{
	free(ov);
}

/* The neighbour whose MAC frames to TEP slot i use. */
static const struct neighbor *
tep_neighbor(const struct dse_config *cfg, unsigned i)
{
	return cfg->overlay.tep.next_hop ? &neighbors[GATEWAY] : &neighbors[i];
}

/* Writes the outer header template of a remote TEP. */
static void
build_template(const struct dse_config *cfg, const struct overlay_snap *ov,
               struct overlay_snap_tep *t, const uint8_t *next_hop_mac)
{
	const struct dse_tep_config *tep = &cfg->overlay.tep;
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

/* Slot of a segment name among the snapshot's segment slots, or -1. */
static int
segment_slot(char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX], const char *name)
{
	for (int i = 0; i < DSE_MAX_SEGMENTS; i++)
		if (names[i][0] && strcmp(names[i], name) == 0)
			return i;
	return -1;
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
overlay_ctl_build(const struct dse_engine *e, const struct dse_config *cfg,
                  char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX], struct dse_snapshot *s)
{
	const struct dse_tep_config *tep = &cfg->overlay.tep;
	s->overlay = NULL;
	if (!tep->enabled || shared == NULL)
		return 0;
	int uplink = engine_port_index(e, tep->uplink);
	if (uplink < 0)
		return 0;
	struct overlay_snap *ov = calloc(1, sizeof(*ov));
	if (ov == NULL)
		return -ENOMEM;
	s->ports[uplink].uplink = true;
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
		int seg = segment_slot(names, cfg->segments[i].name);
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
	for (unsigned i = 0; i < cfg->overlay.nb_remote; i++) {
		const struct dse_remote_binding *b = &cfg->overlay.remote[i];
		int seg = segment_slot(names, b->segment);
		int t = configured_tep(b->tep);
		if (seg >= 0 && t >= 0)
			flood_add(ov, seg, t);
	}
	for (unsigned seg = 0; seg < DSE_MAX_SEGMENTS; seg++)
		s->segments[seg].nb_remote_teps = ov->nb_flood[seg];

	for (unsigned i = 0; i < OVERLAY_MAX_TEPS; i++) {
		struct overlay_snap_tep *t = &ov->teps[i];
		t->ip = __atomic_load_n(&shared->teps[i].ip, __ATOMIC_ACQUIRE);
		published_teps[i] = t->ip;
		if (t->ip == 0)
			continue;
		const struct neighbor *n = tep_neighbor(cfg, i);
		if (n->resolved)
			build_template(cfg, ov, t, n->mac);
	}
	s->overlay = ov;
	return 0;
}

void
overlay_ctl_apply(struct dse_engine *e, const struct dse_config *old, const struct dse_config *cfg)
{
	/* Bindings that went away first, then every binding of the new config. */
	if (old != NULL)
		for (unsigned i = 0; i < old->overlay.nb_remote; i++) {
			const struct dse_remote_binding *b = &old->overlay.remote[i];
			bool kept = false;
			for (unsigned j = 0; j < cfg->overlay.nb_remote && !kept; j++)
				kept = strcmp(cfg->overlay.remote[j].segment, b->segment) == 0 &&
				       memcmp(cfg->overlay.remote[j].mac, b->mac, 6) == 0;
			int seg = engine_segment_index(e, b->segment);
			if (!kept && seg >= 0)
				mac_table_delete(e->macs, mac_key_make((uint16_t)seg, b->mac));
		}
	if (shared == NULL)
		return;
	for (unsigned i = 0; i < cfg->overlay.nb_remote; i++) {
		const struct dse_remote_binding *b = &cfg->overlay.remote[i];
		int seg = engine_segment_index(e, b->segment);
		bool learned = false;
		int t = overlay_tep_find(shared, b->tep, false, &learned);
		if (seg < 0 || t < 0 ||
		    mac_table_add_static(e->macs, mac_key_make((uint16_t)seg, b->mac),
		                         (uint16_t)(DSE_PORT_REMOTE | t), dse_now_s) < 0)
			fprintf(stderr, "dsed: remote[%u] not installed: table full\n", i);
	}
	/* A new next hop or TEP address: everything is asked again. */
	if (old == NULL || old->overlay.tep.next_hop != cfg->overlay.tep.next_hop ||
	    old->overlay.tep.address != cfg->overlay.tep.address ||
	    strcmp(old->overlay.tep.uplink, cfg->overlay.tep.uplink) != 0)
		memset(neighbors, 0, sizeof(neighbors));
}

/* Queues an ARP request for target on the uplink. */
static void
send_arp_request(struct dse_engine *e, const struct overlay_snap *ov, uint32_t target)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(e->pool);
	if (m == NULL)
		return;
	uint8_t *frame = (uint8_t *)rte_pktmbuf_append(m, NET_ETH_MIN_FRAME_LEN);
	if (frame == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(frame, 0, NET_ETH_MIN_FRAME_LEN);
	net_arp_build_request(frame, NET_ETH_MIN_FRAME_LEN, ov->tep_mac, ov->tep_ip, target);
	struct dse_pkt_meta *meta = dse_meta(m);
	memset(meta, 0, sizeof(*meta));
	meta->out_port = ov->uplink;
	meta->in_port = ov->uplink;
	if (rte_ring_sp_enqueue(shared->tx_ring, m) != 0)
		rte_pktmbuf_free(m);
}

/* Asks for a neighbour when due; returns true when its state changed what frames use. */
static bool
neighbor_tick(struct dse_engine *e, const struct overlay_snap *ov, struct neighbor *n)
{
	uint32_t now = dse_now_s;
	bool changed = false;
	if (n->resolved && now - n->updated_s >= ARP_EXPIRE_S) {
		n->resolved = false;
		changed = true;
	}
	bool due = !n->resolved || now - n->updated_s >= ARP_REFRESH_S;
	if (due && (!n->requested || now - n->last_request_s >= ARP_RETRY_S)) {
		send_arp_request(e, ov, n->ip);
		n->requested = true;
		n->last_request_s = now;
	}
	return changed;
}

void
overlay_ctl_tick(struct dse_engine *e)
{
	const struct dse_snapshot *s = e->snap;
	const struct overlay_snap *ov = s ? s->overlay : NULL;
	const struct dse_config *cfg = e->config;
	bool dirty = false;

	if (shared == NULL)
		return;
	/* ARP senders seen by the workers. */
	struct overlay_arp_msg msg;
	while (rte_ring_sc_dequeue_elem(shared->arp_ring, &msg, sizeof(msg)) == 0) {
		for (unsigned i = 0; i <= GATEWAY; i++) {
			struct neighbor *n = &neighbors[i];
			if (n->ip != msg.ip)
				continue;
			if (!n->resolved || memcmp(n->mac, msg.mac, 6) != 0)
				dirty = true;
			memcpy(n->mac, msg.mac, 6);
			n->resolved = true;
			n->updated_s = dse_now_s;
		}
	}
	if (ov == NULL || cfg == NULL)
		return;
	bool via_gateway = cfg->overlay.tep.next_hop != 0;
	if (via_gateway) {
		neighbors[GATEWAY].ip = cfg->overlay.tep.next_hop;
		dirty |= neighbor_tick(e, ov, &neighbors[GATEWAY]);
	}
	for (unsigned i = 0; i < OVERLAY_MAX_TEPS; i++) {
		uint32_t ip = __atomic_load_n(&shared->teps[i].ip, __ATOMIC_ACQUIRE);
		if (ip == 0)
			continue;
		/* A TEP the workers learned since the last snapshot needs a template. */
		if (published_teps[i] != ip &&
		    (via_gateway ? neighbors[GATEWAY].resolved : neighbors[i].resolved))
			dirty = true;
		if (via_gateway)
			continue;
		if (neighbors[i].ip != ip)
			neighbors[i] = (struct neighbor){.ip = ip};
		dirty |= neighbor_tick(e, ov, &neighbors[i]);
	}
	if (dirty)
		engine_publish(e);
}

bool
overlay_ctl_neighbor(unsigned i, uint8_t mac[6], uint32_t *age_s)
{
	const struct dse_config *cfg = dse_engine.config;
	if (i >= OVERLAY_MAX_TEPS || cfg == NULL)
		return false;
	const struct neighbor *n = tep_neighbor(cfg, i);
	if (!n->resolved)
		return false;
	memcpy(mac, n->mac, 6);
	*age_s = dse_now_s - n->updated_s;
	return true;
}
