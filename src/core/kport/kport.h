/*
 * Kernel ports over AF_PACKET sockets with the virtio-net header (PACKET_VNET_HDR): the engine's
 * own driver for `kind: af_packet`. The kernel hands each frame over whole, GSO frames of up to
 * 64 KiB included, with its checksum and segmentation state in a struct virtio_net_hdr; receive
 * turns that state into DPDK's mbuf offload flags (partial checksum: RTE_MBUF_F_RX_L4_CKSUM_NONE,
 * GSO: RTE_MBUF_F_RX_LRO with tso_segsz), transmit turns the TX offload flags back into a header
 * so partial checksums and TSO frames go to the kernel whole, which completes or segments them.
 * Queues are sockets in one PACKET_FANOUT group whose id the kernel makes unique.
 */
#ifndef DSE_CORE_KPORT_H
#define DSE_CORE_KPORT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#define KPORT_MAX_QUEUES 16

struct kport;
struct kport_queue;

/* Counters of a port, summed over its queues. */
struct kport_stats {
	uint64_t rx_packets; /* frames received */
	uint64_t rx_bytes;   /* their bytes */
	uint64_t rx_errors;  /* frames refused: truncated, unknown GSO type */
	uint64_t rx_nombuf;  /* frames lost for want of buffers: ours, or the socket's in the
	                        kernel (the engine did not read fast enough) */
	uint64_t tx_packets; /* frames the kernel took */
	uint64_t tx_bytes;   /* their bytes */
	uint64_t tx_errors;  /* frames the kernel refused (freed, not sent) */
};

/*
 * Opens nb_queues sockets on interface iface, receiving into buffers from pool, stamping
 * received mbufs with DPDK port id port_id. Puts the interface up and in promiscuous mode (the
 * latter for as long as the port lives). Returns the port, or NULL with a message in err.
 * Control thread.
 */
struct kport *kport_open(const char *iface, uint16_t nb_queues, uint16_t port_id,
                         struct rte_mempool *pool, char *err, size_t errlen);

/* Closes the sockets and frees the port; accepts NULL. */
void kport_close(struct kport *kp);

/* Queue q of a port (q < nb_queues). A queue is used by one worker at a time. */
struct kport_queue *kport_queue(struct kport *kp, uint16_t q);

/* Sets the interface MTU. Returns 0 or a negative errno. */
int kport_set_mtu(struct kport *kp, uint16_t mtu);

/* The interface's MAC address. Returns 0 or a negative errno. */
int kport_mac(const struct kport *kp, uint8_t mac[6]);

/* Counters, summed over the queues (relaxed reads of the workers' counters, and the kernel's
 * socket drops). Control thread. */
void kport_stats(struct kport *kp, struct kport_stats *st);

/*
 * Receives up to n frames of queue q into pkts. Never blocks. Returns the frames received.
 * Worker that owns q.
 */
uint16_t kport_rx_burst(struct kport_queue *q, struct rte_mbuf **pkts, uint16_t n);

/*
 * Sends up to n frames on queue q, honouring their TX offload flags. Returns how many were
 * consumed (sent, or refused by the kernel and counted as tx_errors); the rest are the caller's.
 * Never blocks. Worker that owns q.
 */
uint16_t kport_tx_burst(struct kport_queue *q, struct rte_mbuf **pkts, uint16_t n);

#endif
