/*
 * Kernel ports, control side: opening the AF_PACKET sockets of a port (virtio-net header on,
 * our own frames ignored, auxiliary data on for the VLAN tags the kernel takes out of frames, one
 * PACKET_FANOUT group with a kernel-chosen unique id when there are several queues, so no two
 * engines on a host can collide), interface state (up, promiscuous membership, MTU, MAC) and the
 * counters. See packet(7).
 */
#include "core/kport/kport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <rte_malloc.h>

#include "core/kport/kport_queue.h"

#define KPORT_SOCKBUF (4 * 1024 * 1024) /* room for bursts of 64 KiB frames */

struct kport {
	char iface[IF_NAMESIZE];                 /* interface name */
	int ifindex;                             /* its index */
	uint16_t nb_queues;                      /* sockets */
	struct kport_queue *q[KPORT_MAX_QUEUES]; /* one per queue */
	uint64_t kernel_drops; /* frames the kernel dropped for want of socket buffer, summed
	                          from PACKET_STATISTICS (which resets on every read) */
};

static int
set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) < 0 ? -errno : 0;
}

/* Sets the flags `set` on the interface (ioctl through a throw-away socket). */
static int
iface_flags(const char *iface, short set)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	int rc = 0;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		rc = -errno;
	} else if ((ifr.ifr_flags & set) != set) {
		ifr.ifr_flags |= set;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			rc = -errno;
	}
	close(fd);
	return rc;
}

static void
queue_free(struct kport_queue *q)
{
	if (q == NULL)
		return;
	if (q->fd >= 0)
		close(q->fd);
	for (unsigned i = 0; i < KPORT_BURST; i++) {
		rte_pktmbuf_free(q->rx.head[i]);
		free(q->rx.spill[i]);
	}
	rte_free(q);
}

/* Opens queue qi's socket; the first one of a multi-queue port creates the fanout group,
 * whose id *fanout_id returns for the others to join. */
static struct kport_queue *
queue_open(const struct kport *kp, uint16_t qi, uint16_t port_id, struct rte_mempool *pool,
           int *fanout_id, char *err, size_t errlen)
{
	struct kport_queue *q = rte_zmalloc("kport_queue", sizeof(*q), RTE_CACHE_LINE_SIZE);
	if (q == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	q->port_id = port_id;
	q->pool = pool;
	/* Protocol 0: nothing arrives before the socket is fully set up and bound. */
	q->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (q->fd < 0) {
		snprintf(err, errlen, "AF_PACKET socket: %s", strerror(errno));
		goto fail;
	}
	int rc = set_int(q->fd, SOL_PACKET, PACKET_VNET_HDR, 1);
	if (rc == 0)
		rc = set_int(q->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
	if (rc == 0)
		rc = set_int(q->fd, SOL_PACKET, PACKET_AUXDATA, 1);
	if (rc < 0) {
		snprintf(err, errlen,
		         "PACKET_VNET_HDR / PACKET_IGNORE_OUTGOING / PACKET_AUXDATA: %s",
		         strerror(-rc));
		goto fail;
	}
	/* Forcing needs CAP_NET_ADMIN, which the engine has; the plain size is the fallback. */
	if (set_int(q->fd, SOL_SOCKET, SO_RCVBUFFORCE, KPORT_SOCKBUF) < 0)
		set_int(q->fd, SOL_SOCKET, SO_RCVBUF, KPORT_SOCKBUF);
	if (set_int(q->fd, SOL_SOCKET, SO_SNDBUFFORCE, KPORT_SOCKBUF) < 0)
		set_int(q->fd, SOL_SOCKET, SO_SNDBUF, KPORT_SOCKBUF);

	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = kp->ifindex;
	if (bind(q->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(err, errlen, "bind to %s: %s", kp->iface, strerror(errno));
		goto fail;
	}
	if (qi == 0) {
		/* Promiscuous for as long as this socket lives: the kernel drops the membership
		 * when it closes, even if the engine dies. */
		struct packet_mreq mr;
		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = kp->ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(q->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
			snprintf(err, errlen, "promiscuous mode on %s: %s", kp->iface,
			         strerror(errno));
			goto fail;
		}
	}
	if (kp->nb_queues > 1) {
		/* A symmetric flow hash, so both directions of a connection meet one queue. */
		int val =
		    *fanout_id |
		    ((PACKET_FANOUT_HASH | (qi == 0 ? PACKET_FANOUT_FLAG_UNIQUEID : 0)) << 16);
		if (set_int(q->fd, SOL_PACKET, PACKET_FANOUT, val) < 0) {
			snprintf(err, errlen, "PACKET_FANOUT on %s: %s", kp->iface,
			         strerror(errno));
			goto fail;
		}
		if (qi == 0) {
			socklen_t len = sizeof(val);
			if (getsockopt(q->fd, SOL_PACKET, PACKET_FANOUT, &val, &len) < 0) {
				snprintf(err, errlen, "PACKET_FANOUT id: %s", strerror(errno));
				goto fail;
			}
			*fanout_id = val & 0xffff;
		}
	}
	for (unsigned i = 0; i < KPORT_BURST; i++) {
		q->rx.spill[i] = malloc(KPORT_SPILL);
		if (q->rx.spill[i] == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		q->rx.iov[i][0].iov_base = &q->rx.vh[i];
		q->rx.iov[i][0].iov_len = sizeof(q->rx.vh[i]);
		q->rx.iov[i][2].iov_base = q->rx.spill[i];
		q->rx.iov[i][2].iov_len = KPORT_SPILL;
		q->rx.msg[i].msg_hdr.msg_iov = q->rx.iov[i];
		q->rx.msg[i].msg_hdr.msg_iovlen = 3;
		q->rx.msg[i].msg_hdr.msg_control = q->rx.aux[i].buf;
		q->tx.iov[i][0].iov_base = &q->tx.vh[i];
		q->tx.iov[i][0].iov_len = sizeof(q->tx.vh[i]);
		q->tx.msg[i].msg_hdr.msg_iov = q->tx.iov[i];
	}
	return q;

fail:
	queue_free(q);
	return NULL;
}

struct kport *
kport_open(const char *iface, uint16_t nb_queues, uint16_t port_id, struct rte_mempool *pool,
           char *err, size_t errlen)
{
	if (nb_queues == 0 || nb_queues > KPORT_MAX_QUEUES) {
		snprintf(err, errlen, "%u queues (1 to %u)", nb_queues, KPORT_MAX_QUEUES);
		return NULL;
	}
	struct kport *kp = calloc(1, sizeof(*kp));
	if (kp == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(kp->iface, sizeof(kp->iface), "%s", iface);
	kp->ifindex = (int)if_nametoindex(iface);
	if (kp->ifindex == 0) {
		snprintf(err, errlen, "no interface %s", iface);
		free(kp);
		return NULL;
	}
	kp->nb_queues = nb_queues;
	int fanout_id = 0;
	for (uint16_t i = 0; i < nb_queues; i++) {
		kp->q[i] = queue_open(kp, i, port_id, pool, &fanout_id, err, errlen);
		if (kp->q[i] == NULL) {
			kport_close(kp);
			return NULL;
		}
	}
	int rc = iface_flags(iface, IFF_UP);
	if (rc < 0) {
		snprintf(err, errlen, "cannot put %s up: %s", iface, strerror(-rc));
		kport_close(kp);
		return NULL;
	}
	return kp;
}

void
kport_close(struct kport *kp)
{
	if (kp == NULL)
		return;
	for (unsigned i = 0; i < KPORT_MAX_QUEUES; i++)
		queue_free(kp->q[i]);
	free(kp);
}

struct kport_queue *
kport_queue(struct kport *kp, uint16_t q)
{
	return q < kp->nb_queues ? kp->q[q] : NULL;
}

int
kport_set_mtu(struct kport *kp, uint16_t mtu)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", kp->iface);
	ifr.ifr_mtu = mtu;
	int rc = ioctl(fd, SIOCSIFMTU, &ifr) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

int
kport_mac(const struct kport *kp, uint8_t mac[6])
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", kp->iface);
	int rc = ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ? -errno : 0;
	close(fd);
	if (rc == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return rc;
}

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

void
kport_stats(struct kport *kp, struct kport_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < kp->nb_queues; i++) {
		const struct kport_queue *q = kp->q[i];
		struct tpacket_stats ts;
		socklen_t len = sizeof(ts);
		if (getsockopt(q->fd, SOL_PACKET, PACKET_STATISTICS, &ts, &len) == 0)
			kp->kernel_drops += ts.tp_drops;
		st->rx_packets += LOAD(q->rx.packets);
		st->rx_bytes += LOAD(q->rx.bytes);
		st->rx_errors += LOAD(q->rx.errors);
		st->rx_nombuf += LOAD(q->rx.nombuf);
		st->tx_packets += LOAD(q->tx.packets);
		st->tx_bytes += LOAD(q->tx.bytes);
		st->tx_errors += LOAD(q->tx.errors);
	}
	st->rx_nombuf += kp->kernel_drops;
}
