/*
 * The state of one kernel-port queue, shared by the files of the kport driver only: its
 * socket, the receive side's message vectors with their pre-allocated first buffers and spill
 * areas for frames larger than one buffer, and the transmit side's message vectors. Each side
 * is written by the one worker that owns the queue; the counters are read by the control
 * thread with relaxed loads.
 */
#ifndef DSE_CORE_KPORT_QUEUE_H
#define DSE_CORE_KPORT_QUEUE_H

#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <sys/socket.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define KPORT_BURST       32
#define KPORT_SPILL       (64 * 1024 + 1024) /* a 64 KiB GSO frame and its headers */
#define KPORT_TX_MAX_SEGS 64                 /* buffers of one transmitted frame */

struct kport_rx {
	struct rte_mbuf *head[KPORT_BURST];    /* first buffers, allocated ahead */
	uint8_t *spill[KPORT_BURST];           /* what does not fit the first buffer */
	struct virtio_net_hdr vh[KPORT_BURST]; /* headers the kernel wrote */
	struct iovec iov[KPORT_BURST][3];      /* header, first buffer, spill */
	struct mmsghdr msg[KPORT_BURST];       /* one per frame */
	/* PACKET_AUXDATA per frame: the VLAN tag the kernel took out of the frame. */
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} aux[KPORT_BURST];
	uint64_t packets, bytes, errors, nombuf; /* counters */
} __rte_cache_aligned;

struct kport_tx {
	struct virtio_net_hdr vh[KPORT_BURST];                /* headers we write */
	struct iovec iov[KPORT_BURST][1 + KPORT_TX_MAX_SEGS]; /* header, then each buffer */
	struct mmsghdr msg[KPORT_BURST];                      /* one per frame */
	uint64_t packets, bytes, errors;                      /* counters */
} __rte_cache_aligned;

struct kport_queue {
	int fd;                   /* AF_PACKET socket bound to the interface */
	uint16_t port_id;         /* DPDK port id stamped on received mbufs */
	struct rte_mempool *pool; /* receive buffers */
	struct kport_rx rx;       /* receive side */
	struct kport_tx tx;       /* transmit side */
} __rte_cache_aligned;

#endif
