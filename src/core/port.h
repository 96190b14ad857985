/*
 * Ports: turning a port's config into a running DPDK device (devargs, queues, RSS, MTU) and
 * back. Control thread only.
 */
#ifndef DSE_CORE_PORT_H
#define DSE_CORE_PORT_H

#include <stdint.h>

#include "core/engine.h"

/* Number of queue pairs a port of this config gets with nb_workers workers: `queues` if set,
 * else one per worker for kernel ports (the kernel serves any number), and one for ports whose
 * far side decides how many queues it uses (vhost-user, memif) or that offer only one (af_xdp
 * on most virtual interfaces, pcap, null). Workers without a transmit queue of their own on a
 * port hand their packets to one that has (see struct dse_port.handoff). */
uint16_t port_queue_count(const struct dse_port_config *pc, uint16_t nb_workers);

/*
 * Writes the DPDK devargs of a port into buf and its device name into devname. `unique` makes
 * the device name unique in this process. Returns 0, or -ENAMETOOLONG.
 */
int port_devargs(const struct dse_port_config *pc, unsigned unique, uint16_t nb_queues, char *buf,
                 size_t len, char *devname, size_t devname_len);

/*
 * Creates the device of slot p (p->config set), configures and starts it. On failure nothing is
 * left behind and an error naming `field` (e.g. "ports[2]") is appended to errs.
 */
int port_open(struct dse_engine *e, struct dse_port *p, const char *field,
              struct dse_config_errors *errs);

/* Sets the MTU of a running port's device (the interface's, for af_packet). Returns 0 or a
 * negative errno; devices that keep their own MTU (pcap, null) refuse. */
int port_set_mtu(struct dse_port *p, uint16_t mtu);

/* Stops and removes the device of slot p. */
void port_close(struct dse_port *p);

/* Device counters of a port, less the base taken at the last `stats clear`. Index names. */
enum port_stat {
	PS_RX_PACKETS,
	PS_RX_BYTES,
	PS_RX_ERRORS,
	PS_RX_MISSED,
	PS_TX_PACKETS,
	PS_TX_BYTES,
	PS_TX_ERRORS,
	PS_COUNT
};
void port_stats(const struct dse_port *p, uint64_t out[PS_COUNT]);

/* What dse-port-tx did with packets carrying offload state on the port of slot, summed over the
 * workers, since the port started or the last port_offload_stats_reset(). */
void port_offload_stats(const struct dse_engine *e, unsigned slot,
                        struct dse_offload_counters *out);
void port_offload_stats_reset(struct dse_engine *e, unsigned slot);

#endif
