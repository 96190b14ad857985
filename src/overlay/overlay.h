/*
 * The overlay: this host's tunnel endpoint (TEP) carrying segments between hosts in Geneve
 * (RFC 8926) or VXLAN (RFC 7348). What the data path reads (struct overlay_snap, one per
 * published snapshot, and struct overlay_shared, the tables workers write: remote TEPs learned
 * from received tunnels, counters, the ring of learned IP bindings) and what the control thread
 * calls (overlay_ctl.c): building the snapshot part, installing static bindings, having the
 * underlay next hops resolved (core/neigh.h), and reporting.
 *
 * Remote workloads live in the switch's MAC table with port DSE_PORT_REMOTE | TEP index, so
 * the switch learns them from decapsulated frames and ages them like local ones.
 */
#ifndef DSE_OVERLAY_OVERLAY_H
#define DSE_OVERLAY_OVERLAY_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/pkt_meta.h"
#include "core/snapshot.h"
#include "config/config.h"
#include "overlay/overlay_config.h"

#define OVERLAY_MAX_TEPS       256 /* remote TEPs known at once (learned and configured) */
#define OVERLAY_TEP_PROBES     16  /* slots a TEP address may occupy from its hash */
#define OVERLAY_VNI_SLOTS      512 /* open-addressed VNI -> segment map (2x DSE_MAX_SEGMENTS) */
#define OVERLAY_MAX_FLOOD      32  /* remote TEPs a segment's floods reach */
#define OVERLAY_HDR_LEN        50  /* outer Ethernet + IPv4 + UDP + Geneve/VXLAN base header */
#define OVERLAY_OFF_IP         14  /* offsets in the outer header template */
#define OVERLAY_OFF_UDP        34
#define OVERLAY_OFF_TUNNEL     42
#define OVERLAY_IP_RING        1024 /* IP bindings seen in decapsulated ARP, workers -> control */
#define OVERLAY_MAX_IP_LEARNED 4096 /* IP bindings learned from tunnels (ARP suppression) */

static_assert(OVERLAY_MAX_TEPS <= DSE_PORT_REMOTE_MASK, "TEP index fits a remote port value");

/* A remote TEP as the snapshot carries it: ready once its underlay neighbour is resolved. */
struct overlay_snap_tep {
	uint32_t ip;                  /* IPv4, host order; 0 = no TEP in this slot */
	bool ready;                   /* hdr is complete (next hop MAC known) */
	uint16_t ip_checksum;         /* outer IPv4 checksum of hdr with total length 0 */
	uint8_t hdr[OVERLAY_HDR_LEN]; /* outer headers; lengths, UDP source port, VNI zero */
};

/* One VNI -> segment entry; vni 0 = empty. */
struct overlay_vni_entry {
	uint32_t vni;     /* virtual network id */
	uint16_t segment; /* segment slot */
};

struct rte_ring;

/* Per-worker counters of the overlay (one writer each; relaxed). */
struct overlay_worker_counters {
	uint64_t decapsulated;   /* tunnel packets delivered to the switch */
	uint64_t encapsulated;   /* frames sent into a tunnel */
	uint64_t replicated;     /* flood copies sent to remote TEPs */
	uint64_t arp_replies;    /* ARP replies sent for the TEP address */
	uint64_t echo_replies;   /* ICMP echo replies sent by the TEP */
	uint64_t icmp_too_big;   /* ICMP frag-needed / packet-too-big sent to workloads */
	uint64_t teps_learned;   /* remote TEPs added from received tunnels */
	uint64_t arp_suppressed; /* ARP requests of workloads answered from a remote binding */
	uint64_t arp_flooded;    /* ARP requests without a binding, left to the switch */
	uint64_t ip_learn_lost;  /* IP bindings seen while the ring to the control was full */
	uint64_t gso_frames;     /* GSO frames cut into segments before encapsulation */
	uint64_t gso_segments;   /* segments they made */
	uint64_t csum_completed; /* partial inner checksums completed before encapsulation */
	uint64_t csum_trusted;   /* tunnel packets whose outer UDP checksum the port vouched for */
};

/* Per worker, per remote TEP traffic counters. */
struct overlay_tep_counters {
	uint64_t rx_packets; /* tunnel packets received from the TEP */
	uint64_t rx_bytes;   /* their inner frame bytes */
	uint64_t tx_packets; /* frames sent to the TEP */
	uint64_t tx_bytes;   /* their inner frame bytes */
};

/* A remote TEP slot: claimed by a compare-and-swap of ip from 0, never released while the
 * engine runs, so an index stays valid for every MAC entry that holds it. */
struct overlay_tep_slot {
	uint32_t ip;        /* IPv4, host order; 0 = free; atomic */
	uint32_t last_rx_s; /* dse_now_s of the last packet from it; relaxed */
	bool configured;    /* named by the config (flood-teps, remote); control thread */
};

/* What workers and the control thread share, created once and kept across snapshots. */
struct overlay_shared {
	struct overlay_tep_slot teps[OVERLAY_MAX_TEPS];
	struct rte_ring *ip_ring; /* struct overlay_ip_msg, workers -> control (MP/SC) */
	struct overlay_worker_counters wc[DSE_MAX_WORKERS];
	struct overlay_tep_counters tc[DSE_MAX_WORKERS][OVERLAY_MAX_TEPS];
};

/* A remote workload's IPv4 -> MAC binding, answered locally for ARP (suppression). */
struct overlay_ip_binding {
	uint32_t ip;      /* IPv4, host order; 0 = empty slot */
	uint16_t segment; /* segment slot */
	uint8_t mac[6];   /* the workload's MAC */
};

/* The IP bindings of one snapshot: open addressing, linear probing, at most half full. */
struct overlay_ip_table {
	uint32_t mask;                    /* slots - 1 (slots a power of two) */
	uint32_t count;                   /* bindings stored */
	struct overlay_ip_binding slot[]; /* mask + 1 slots */
};

/* An IP binding seen in a decapsulated ARP packet, workers -> control thread. */
struct overlay_ip_msg {
	uint32_t ip;      /* sender IPv4, host order */
	uint32_t vni;     /* VNI it came with (the segment slot may be reused by another) */
	uint16_t segment; /* segment slot */
	uint8_t mac[6];   /* sender MAC */
};

/* First slot of (segment, ip) in an IP table. */
static inline uint32_t
overlay_ip_hash(uint16_t segment, uint32_t ip)
{
	return (uint32_t)(((uint64_t)segment << 32 | ip) * 0x9e3779b97f4a7c15ull >> 32);
}

/* The binding of ip on segment, or NULL. */
static inline const struct overlay_ip_binding *
overlay_ip_lookup(const struct overlay_ip_table *t, uint16_t segment, uint32_t ip)
{
	if (t == NULL || ip == 0)
		return NULL;
	for (uint32_t i = overlay_ip_hash(segment, ip), n = 0; n <= t->mask; i++, n++) {
		const struct overlay_ip_binding *b = &t->slot[i & t->mask];
		if (b->ip == 0)
			return NULL;
		if (b->ip == ip && b->segment == segment)
			return b;
	}
	return NULL;
}

/* The overlay's part of a snapshot. */
struct overlay_snap {
	uint16_t uplink;               /* engine port index of the uplink */
	uint32_t tep_ip;               /* this host's TEP address, host order */
	uint8_t tep_mac[6];            /* the uplink's MAC */
	uint16_t udp_port;             /* destination port sent: 6081 or 4789 */
	bool vxlan;                    /* VXLAN (else Geneve) on send */
	uint16_t mtu;                  /* underlay IP MTU */
	uint16_t max_inner;            /* largest inner frame that fits: mtu - 36 */
	struct overlay_shared *shared; /* not owned */
	struct overlay_vni_entry vni_map[OVERLAY_VNI_SLOTS];
	uint16_t nb_flood[DSE_MAX_SEGMENTS];                 /* remote TEPs per segment */
	uint16_t flood[DSE_MAX_SEGMENTS][OVERLAY_MAX_FLOOD]; /* their TEP indexes */
	struct overlay_snap_tep teps[OVERLAY_MAX_TEPS];
	struct overlay_ip_table *ips; /* remote IP bindings (ARP suppression), owned; or NULL */
};

/* Slot of a VNI in the map (probe start). */
/* The overlay's part of a snapshot, or NULL when no TEP is configured. */
static inline const struct overlay_snap *
overlay_snap_of(const struct dse_snapshot *s)
{
	return (const struct overlay_snap *)s->part[DSE_SERVICE_OVERLAY];
}

static inline uint32_t
overlay_vni_hash(uint32_t vni)
{
	return (vni * 2654435761u) >> 23; /* top 9 bits: 0..511 */
}

/* Segment of a VNI, or DSE_MAX_SEGMENTS if none. */
static inline uint16_t
overlay_vni_segment(const struct overlay_snap *ov, uint32_t vni)
{
	uint32_t h = overlay_vni_hash(vni);
	for (uint32_t i = 0; i < OVERLAY_VNI_SLOTS; i++) {
		const struct overlay_vni_entry *e = &ov->vni_map[(h + i) % OVERLAY_VNI_SLOTS];
		if (e->vni == vni)
			return e->segment;
		if (e->vni == 0)
			break;
	}
	return DSE_MAX_SEGMENTS;
}

/* First slot of a TEP address's probe sequence. */
static inline uint32_t
overlay_tep_hash(uint32_t ip)
{
	return ((ip * 2654435761u) >> 24) % OVERLAY_MAX_TEPS;
}

/*
 * Index of the TEP slot of ip, claiming a free one when learn is set. Returns the index, or -1
 * when unknown (or, learning, when every slot it may use is taken). *learned is set when this
 * call claimed the slot. Lock-free: slots are claimed by compare-and-swap and never released.
 */
static inline int
overlay_tep_find(struct overlay_shared *sh, uint32_t ip, bool learn, bool *learned)
{
	uint32_t h = overlay_tep_hash(ip);
	for (uint32_t i = 0; i < OVERLAY_TEP_PROBES; i++) {
		struct overlay_tep_slot *t = &sh->teps[(h + i) % OVERLAY_MAX_TEPS];
		uint32_t cur = __atomic_load_n(&t->ip, __ATOMIC_ACQUIRE);
		if (cur == ip)
			return (int)((h + i) % OVERLAY_MAX_TEPS);
		if (cur != 0)
			continue;
		if (!learn)
			return -1;
		uint32_t expected = 0;
		if (__atomic_compare_exchange_n(&t->ip, &expected, ip, false, __ATOMIC_ACQ_REL,
		                                __ATOMIC_ACQUIRE)) {
			*learned = true;
			return (int)((h + i) % OVERLAY_MAX_TEPS);
		}
		if (expected == ip)
			return (int)((h + i) % OVERLAY_MAX_TEPS);
	}
	return -1;
}

struct dse_engine;
struct dse_snapshot;

/* Creates the shared tables and rings. Returns 0 or -ENOMEM. */
int overlay_ctl_init(struct dse_engine *e);
/* Frees them; accepts an engine without them. */
void overlay_ctl_fini(struct dse_engine *e);
/* Fills s->overlay (and the segments' nb_remote_teps) for cfg; names are the segment slots.
 * Returns 0 or -ENOMEM. */
int overlay_ctl_build(struct dse_engine *e, const struct dse_config *cfg,
                      char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX], struct dse_snapshot *s);
/* Frees a snapshot's overlay part (a struct overlay_snap); accepts NULL. */
void overlay_snap_free(void *part);
/* After a config is applied and published: (re)installs static remote bindings. */
void overlay_ctl_apply(struct dse_engine *e, const struct dse_config *old,
                       const struct dse_config *cfg);
/* Periodic work (every ~100 ms): ARP replies, requests and retries, new TEPs. */
void overlay_ctl_tick(struct dse_engine *e);
/* The shared tables (for reports), or NULL before init. */
struct overlay_shared *overlay_shared_get(void);
/* Next-hop state of TEP slot i for reports: the MAC (if resolved) and its age in seconds. */
bool overlay_ctl_neighbor(unsigned i, uint8_t mac[6], uint32_t *age_s);
/* The IPv4 address learned for a remote MAC of a segment slot (ARP suppression), if any. */
bool overlay_ctl_learned_ip(uint16_t segment, const uint8_t mac[6], uint32_t *ip);
/* IP bindings learned and held now, and those refused because the table was full. */
void overlay_ctl_ip_stats(uint32_t *held, uint64_t *refused);

#endif
