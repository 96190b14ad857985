/*
 * The configuration snapshot the data path reads: immutable once published. The control thread
 * builds a complete new one for every change, publishes it with one pointer store, and frees the
 * old one only after every worker has passed a quiescent point (rte_rcu_qsbr). Workers never
 * lock and never see half a change.
 */
#ifndef DSE_CORE_SNAPSHOT_H
#define DSE_CORE_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>

#include "core/dse_services.h"
#include "config/config.h"
#include "core/offload.h"

#define DSE_NO_SEGMENT         UINT16_MAX /* port carries no untagged segment */
#define DSE_NOT_MEMBER         UINT16_MAX /* segment_vlan[]: port not on that segment */
#define DSE_UNTAGGED           0          /* segment_vlan[]: segment carried untagged */
#define DSE_MAX_RXQ_PER_WORKER 256
#define DSE_HANDOFF            UINT16_MAX /* txq[]: no queue of its own, hand off */

struct kport_queue;

/* A port as the data path sees it, indexed by engine port index (a stable slot). */
struct dse_snap_port {
	bool active;                             /* in service in this snapshot */
	bool uplink;                             /* carries the overlay's underlay */
	uint16_t ethdev;                         /* DPDK port id */
	uint16_t untagged_segment;               /* segment of untagged frames, or DSE_NO_SEGMENT */
	uint16_t max_frame;                      /* largest untagged frame: mtu + Ethernet header */
	uint16_t segment_vlan[DSE_MAX_SEGMENTS]; /* per segment: DSE_UNTAGGED, a VLAN id, or
	                                            DSE_NOT_MEMBER */
	uint16_t txq[DSE_MAX_WORKERS]; /* per worker: its transmit queue here, or DSE_HANDOFF */
	struct rte_ring *handoff[DSE_MAX_WORKERS]; /* per worker with DSE_HANDOFF: its ring to the
	                                              worker that sends for it */
	uint16_t *vlan_segment;                    /* 4096 entries: segment of a VLAN id or
	                                               DSE_NO_SEGMENT; NULL on access ports */
	struct dse_tx_caps tx_caps;                /* what the device finishes on transmit */
	bool rx_unmarked_partial;                  /* partial checksums arrive unmarked (af_xdp):
	                                              classify recognises them */
	struct kport_queue *kq[DSE_MAX_WORKERS];   /* af_packet, per worker with a queue: the
	                                              kport queue to send on; else NULL */
};

/* A flood destination: a port and the tag the segment has there. */
struct dse_flood_member {
	uint16_t port; /* engine port index */
	uint16_t vlan; /* DSE_UNTAGGED or a VLAN id */
};

/* A segment as the data path sees it, indexed by segment index (a stable slot). */
struct dse_snap_segment {
	bool active;             /* exists in this snapshot */
	uint32_t vni;            /* virtual network id, 0 if none */
	uint16_t zone;           /* flow-table zone (routing domain): addresses repeat only across
	                            zones; each segment is its own until a router joins segments */
	uint16_t nb_flood;       /* entries used in flood */
	uint16_t nb_remote_teps; /* remote TEPs its floods go to */
	bool arp_intercept; /* its ARP goes to the classifier's ARP edge first (a service answers
	                       some requests itself), not straight to the switch */
	struct dse_flood_member flood[DSE_MAX_PORTS]; /* ports carrying the segment */
};

/* One receive queue a worker polls. */
struct dse_snap_rxq {
	uint16_t port;          /* engine port index */
	uint16_t ethdev;        /* DPDK port id */
	uint16_t queue;         /* queue id on that device */
	struct kport_queue *kq; /* af_packet: the kport queue to receive from, else NULL */
};

/* A hand-off ring a worker drains: packets other workers want sent on a port. */
struct dse_snap_handoff {
	uint16_t port;         /* engine port index */
	struct rte_ring *ring; /* single producer (the sender), single consumer (this worker) */
};

/* Everything the nodes read, as one immutable object. */
struct dse_snapshot {
	uint64_t generation;    /* increases with every publish */
	bool remote_ports;      /* a service carries frames to DSE_PORT_REMOTE ports */
	uint32_t idle_sleep_us; /* sleep of a worker whose poll round found nothing */
	uint16_t ethdev_to_port[RTE_MAX_ETHPORTS]; /* DPDK port id -> engine port index */
	struct dse_snap_port ports[DSE_MAX_PORTS];
	struct dse_snap_segment segments[DSE_MAX_SEGMENTS];
	uint16_t nb_rxq[DSE_MAX_WORKERS]; /* receive queues per worker */
	struct dse_snap_rxq rxq[DSE_MAX_WORKERS][DSE_MAX_RXQ_PER_WORKER];
	uint16_t nb_drain[DSE_MAX_WORKERS]; /* hand-off rings per worker */
	struct dse_snap_handoff drain[DSE_MAX_WORKERS][DSE_MAX_RXQ_PER_WORKER];
	void *part[DSE_NB_SERVICES]; /* each service's part, by service id (core/service.h);
	                                owned, freed by the service's part_free hook; may be NULL */
};

/* Frees a snapshot built by the control thread; accepts NULL. */
void snapshot_free(struct dse_snapshot *s);

#endif
