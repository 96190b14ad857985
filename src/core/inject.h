/*
 * Packet injection from the control thread into a worker's graph. The control thread never
 * sends on a device itself (every transmit queue belongs to a worker): it puts finished frames
 * (ARP requests for neighbours, say), their metadata's out_port set, on a ring that the source
 * node dse-inject of worker 0 hands to dse-port-tx.
 */
#ifndef DSE_CORE_INJECT_H
#define DSE_CORE_INJECT_H

#include <rte_mbuf.h>

#define DSE_INJECT_RING 256 /* frames in flight from the control thread */

struct rte_ring;

/* The ring (single producer: the control thread; single consumer: worker 0), set by
 * inject_init before the workers start. */
extern struct rte_ring *dse_inject_ring;

/* Creates / frees the ring (frames still on it are freed). Returns 0 or -ENOMEM. */
int inject_init(void);
void inject_fini(void);

/* Queues m for sending on dse_meta(m)->out_port. Control thread only. Returns 0, or -ENOBUFS
 * when the ring is full (m is freed). */
int dse_inject(struct rte_mbuf *m);

#endif
