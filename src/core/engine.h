/*
 * The engine: its ports, segments, workers, packet pool and the published snapshot. One
 * instance per dsed process, owned by the control thread; workers see it only through the
 * snapshot and their own struct dse_worker.
 */
#ifndef DSE_CORE_ENGINE_H
#define DSE_CORE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "core/drop.h"
#include "core/offload.h"
#include "core/snapshot.h"
#include "config/config.h"

struct rte_graph;
struct rte_ring;
struct kport;

/* What dse-port-tx did to packets carrying offload state, per output port. */
struct dse_offload_counters {
	uint64_t to_device; /* handed to the device to finish (checksum or TSO) */
	uint64_t completed; /* checksum completed in software */
	uint64_t segmented; /* GSO frames cut into segments in software */
	uint64_t segments;  /* segments those made */
};

/* Counters a worker writes and the control thread reads (relaxed; one writer each). */
struct dse_worker_counters {
	uint64_t drops[DSE_DROP_COUNT];          /* packets dropped, by reason */
	uint64_t port_tx_dropped[DSE_MAX_PORTS]; /* per engine port: not taken by the device */
	struct dse_offload_counters offload[DSE_MAX_PORTS]; /* per engine port, on transmit */
	uint64_t rx_packets;                                /* packets received by this worker */
	uint64_t busy_polls;                                /* poll rounds that found packets */
	uint64_t idle_polls;                                /* poll rounds that found none */
	uint64_t handed_off;       /* packets passed to another worker to send */
	uint64_t injected;         /* frames of the control thread sent (dse-inject) */
	uint64_t latency_hist[64]; /* rx->tx time per burst, log2-linear buckets */
	uint64_t latency_samples;  /* entries in latency_hist */
};

/* One worker lcore. */
struct dse_worker {
	/* Set before the worker starts, then read-only. */
	unsigned index;          /* 0..nb_workers-1, also its RCU thread id */
	unsigned lcore;          /* EAL lcore id */
	struct rte_graph *graph; /* this worker's graph instance */
	/* Written by the worker itself. */
	const struct dse_snapshot *snap; /* snapshot of the current graph walk */
	uint32_t polled;                 /* packets received in the current poll round */
	uint64_t walk_rx_tsc;            /* TSC when this walk's packets were received */
	struct dse_worker_counters counters;
} __rte_cache_aligned;

/* A port as the control thread owns it. */
struct dse_port {
	bool used;                                 /* slot in use */
	struct dse_port_config config;             /* as configured */
	char devname[64];                          /* DPDK device name (for hot-unplug) */
	char devargs[512];                         /* full devargs it was created with */
	uint16_t ethdev;                           /* DPDK port id */
	uint16_t nb_queues;                        /* rx and tx queues */
	struct kport *kport;                       /* af_packet: the sockets that carry its frames
	                                              (the ethdev is only its identity), else NULL */
	struct dse_tx_caps tx_caps;                /* transmit offloads the device takes */
	struct dse_offload_counters offload_base;  /* workers' offload counters of this slot at
	                                              the port's start or last `stats clear` */
	struct rte_ring *handoff[DSE_MAX_WORKERS]; /* per worker without a tx queue here: packets
	                                              for the worker that has one, else NULL */
	uint64_t stats_base[8];                    /* device counters at the last `stats clear` */
};

/* The engine. */
struct dse_engine {
	struct dse_config *config; /* running desired state (heap) */
	uint16_t nb_workers;       /* worker lcores */
	struct dse_worker workers[DSE_MAX_WORKERS];
	struct rte_mempool *pool;             /* packet buffers for every port */
	struct rte_rcu_qsbr *qsbr;            /* workers' quiescent state */
	struct dse_snapshot *snap;            /* published snapshot (atomic pointer) */
	uint64_t generation;                  /* generation of the published snapshot */
	struct dse_port ports[DSE_MAX_PORTS]; /* port slots */
	char segment_names[DSE_MAX_SEGMENTS][DSE_NAME_MAX]; /* segment slots, "" = free */
	volatile bool stop;                                 /* workers leave their loop when set */
	uint64_t start_tsc;                                 /* TSC at start */
	uint64_t drops_base[DSE_DROP_COUNT]; /* drop counters at the last `stats clear` */
	uint64_t latency_base[64];           /* latency histogram at the last `stats clear` */
};

extern struct dse_engine dse_engine;
/* Seconds since the engine started; advanced by the control thread, read by workers. */
extern uint32_t dse_now_s;

/* Creates the pool, RCU state, the services' state and worker graphs. Needs EAL up. */
int engine_init(struct dse_engine *e, const struct dse_config *initial);
/* Launches the workers on their lcores. */
int engine_start_workers(struct dse_engine *e);
/* Stops the workers, closes the ports, frees everything. */
void engine_fini(struct dse_engine *e);

/* Builds a snapshot from e->config and the ports, publishes it and frees the old one once no
 * worker can hold it. Returns 0 or -ENOMEM. */
int engine_publish(struct dse_engine *e);

/* Replaces the desired state with cfg (validated), creating/removing ports as needed. On any
 * error the running state is unchanged and errs says why. Returns 0 or a negative errno. */
struct dse_apply_result {
	char added[DSE_MAX_PORTS][DSE_NAME_MAX];
	char removed[DSE_MAX_PORTS][DSE_NAME_MAX];
	char changed[DSE_MAX_PORTS][DSE_NAME_MAX];
	unsigned nb_added, nb_removed, nb_changed;
};
int engine_apply(struct dse_engine *e, const struct dse_config *cfg,
                 struct dse_apply_result *result, struct dse_config_errors *errs);

/* Adds one port (validated against the running config) / deletes one by name. */
int engine_port_add(struct dse_engine *e, const struct dse_port_config *pc,
                    struct dse_config_errors *errs);
int engine_port_del(struct dse_engine *e, const char *name, struct dse_config_errors *errs);

/* Periodic control work: clock, then every service's tick. Called by the control loop about
 * every 100 ms. */
void engine_tick(struct dse_engine *e);

/* Index of a port / segment slot by name, or -1. */
int engine_port_index(const struct dse_engine *e, const char *name);
int engine_segment_index(const struct dse_engine *e, const char *name);

/* Sum of a worker counter over all workers. */
#define ENGINE_SUM(e, field)                                                                       \
	({                                                                                         \
		uint64_t sum_ = 0;                                                                 \
		for (unsigned w_ = 0; w_ < (e)->nb_workers; w_++)                                  \
			sum_ +=                                                                    \
			    __atomic_load_n(&(e)->workers[w_].counters.field, __ATOMIC_RELAXED);   \
		sum_;                                                                              \
	})

#endif
