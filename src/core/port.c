/*
 * Port lifecycle. Every port is a DPDK ethdev created at run time from devargs (hot-plugged
 * vdevs): tap and af_xdp for kernel interfaces, vhost-user and memif server sockets for
 * shared-memory workloads, pcap and null for offline runs and benchmarks, or any device by its
 * devargs. `af_packet` ports are the engine's own driver (core/kport: AF_PACKET sockets with the
 * virtio-net header, which DPDK's net_af_packet lacks, so GSO frames and partial checksums cross
 * whole); their ethdev is a receive-less null device that only gives the port its DPDK identity
 * (port id, MAC, link), the frames go through the kport queues. Each port gets one transmit
 * queue per worker (workers never share a queue, so transmitting needs no lock) and at least as
 * many receive queues; multi-queue devices that can hash get a symmetric RSS key so both
 * directions of a flow land on the same worker. The transmit offloads a device has (checksums,
 * TSO, chains) are enabled and recorded in the port's tx_caps.
 */
#include "core/port.h"

#include "core/kport/kport.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_ring.h>

#define PORT_RX_DESC      1024
#define PORT_TX_DESC      1024
#define PORT_HANDOFF_SIZE 1024 /* packets in flight from one worker to another, per port */

/* Transmit offloads enabled wherever the device has them (see tx_caps_of). */
#define PORT_TX_OFFLOADS                                                                           \
	(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |                            \
	 RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO |                               \
	 RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
#define PORT_VHOST_RX_OFFLOADS                                                                     \
	(RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_LRO)

/* A 40-byte Toeplitz key made of one repeated 16-bit pattern hashes (a, b) and (b, a) equally:
 * the symmetric key of Woo and Park (2012). */
static uint8_t symmetric_rss_key[40] = {
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

uint16_t
port_queue_count(const struct dse_port_config *pc, uint16_t nb_workers)
{
	if (pc->queues)
		return pc->queues;
	switch (pc->kind) {
	case DSE_PORT_TAP:
	case DSE_PORT_AF_PACKET:
		return nb_workers;
	default:
		return 1;
	}
}

/* Creates, when the port has fewer queues than there are workers, one single-producer,
 * single-consumer ring per worker, through which a worker without a queue of its own on this
 * port hands packets to one that has (engine.c decides which). */
static int
handoff_create(struct dse_port *p, unsigned unique, uint16_t nb_workers)
{
	if (p->nb_queues >= nb_workers)
		return 0;
	for (uint16_t w = 0; w < nb_workers; w++) {
		char name[RTE_RING_NAMESIZE];
		snprintf(name, sizeof(name), "dse_ho%u_%u", unique, w);
		p->handoff[w] = rte_ring_create(name, PORT_HANDOFF_SIZE, SOCKET_ID_ANY,
		                                RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (p->handoff[w] == NULL)
			return -ENOMEM;
	}
	return 0;
}

static void
handoff_free(struct dse_port *p)
{
	for (unsigned w = 0; w < DSE_MAX_WORKERS; w++) {
		if (p->handoff[w] == NULL)
			continue;
		struct rte_mbuf *m;
		while (rte_ring_sc_dequeue(p->handoff[w], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(p->handoff[w]);
		p->handoff[w] = NULL;
	}
}

int
port_devargs(const struct dse_port_config *pc, unsigned unique, uint16_t nb_queues, char *buf,
             size_t len, char *devname, size_t devname_len)
{
	int n;
	const char *extra = pc->devargs[0] != '\0' && pc->kind != DSE_PORT_DEVARGS ? "," : "";
	const char *extra_args = pc->kind != DSE_PORT_DEVARGS ? pc->devargs : "";

	switch (pc->kind) {
	case DSE_PORT_TAP:
		n = snprintf(devname, devname_len, "net_tap_dse%u", unique);
		if (n < 0 || (size_t)n >= devname_len)
			return -ENAMETOOLONG;
		n = snprintf(buf, len, "%s,iface=%s%s%s", devname,
		             pc->iface[0] ? pc->iface : pc->name, extra, extra_args);
		break;
	case DSE_PORT_AF_PACKET:
		/* The identity device of a kport (see above); the sockets are opened apart. */
		snprintf(devname, devname_len, "net_null_dse%u", unique);
		n = snprintf(buf, len, "%s,no-rx=1", devname);
		break;
	case DSE_PORT_AF_XDP:
		snprintf(devname, devname_len, "net_af_xdp_dse%u", unique);
		n = snprintf(buf, len, "%s,iface=%s,start_queue=0,queue_count=%u%s%s", devname,
		             pc->iface, nb_queues, extra, extra_args);
		break;
	case DSE_PORT_VHOST_USER:
		snprintf(devname, devname_len, "net_vhost_dse%u", unique);
		/* tso=1 lets a guest send TSO frames (they arrive as GSO frames, offload.h). */
		n = snprintf(buf, len, "%s,iface=%s,queues=%u,client=0,tso=1%s%s", devname,
		             pc->path, nb_queues, extra, extra_args);
		break;
	case DSE_PORT_MEMIF:
		snprintf(devname, devname_len, "net_memif_dse%u", unique);
		n = snprintf(buf, len, "%s,role=server,socket=%s,id=0%s%s", devname, pc->path,
		             extra, extra_args);
		break;
	case DSE_PORT_PCAP: {
		char rx[DSE_PATH_MAX + 32] = "", tx[DSE_PATH_MAX + 16] = "";
		if (pc->path[0])
			snprintf(rx, sizeof(rx), ",rx_pcap=%s%s", pc->path,
			         pc->infinite_rx ? ",infinite_rx=1" : "");
		if (pc->tx_path[0])
			snprintf(tx, sizeof(tx), ",tx_pcap=%s", pc->tx_path);
		snprintf(devname, devname_len, "net_pcap_dse%u", unique);
		n = snprintf(buf, len, "%s%s%s%s%s", devname, rx, tx, extra, extra_args);
		break;
	}
	case DSE_PORT_NULL:
		snprintf(devname, devname_len, "net_null_dse%u", unique);
		n = snprintf(buf, len, "%s,no-rx=1%s%s", devname, extra, extra_args);
		break;
	case DSE_PORT_DEVARGS:
	default: {
		size_t name_len = strcspn(pc->devargs, ",");
		if (name_len >= devname_len)
			return -ENAMETOOLONG;
		memcpy(devname, pc->devargs, name_len);
		devname[name_len] = '\0';
		n = snprintf(buf, len, "%s", pc->devargs);
		break;
	}
	}
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Creates the parent directory of a server socket, so a user can point a port anywhere. */
static void
make_parent_dir(const char *path)
{
	char dir[DSE_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	}
	mkdir(dir, 0755);
}

static void
remove_device(const char *devname, bool is_vdev)
{
	if (is_vdev)
		rte_eal_hotplug_remove("vdev", devname);
}

/* What offload_tx_prepare may leave to a device with these transmit offloads enabled. TSO is
 * handed over with the IPv4 header checksum zeroed, so it needs that offload too. */
static struct dse_tx_caps
tx_caps_of(uint64_t tx)
{
	struct dse_tx_caps c;
	c.l4_csum = (tx & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) && (tx & RTE_ETH_TX_OFFLOAD_UDP_CKSUM);
	c.tso =
	    c.l4_csum && (tx & RTE_ETH_TX_OFFLOAD_TCP_TSO) && (tx & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM);
	c.multi_seg = (tx & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
	return c;
}

/* Opens the sockets of an af_packet port once its identity device is started, and gives the
 * identity the interface's MAC unless the config sets one. */
static int
kport_attach(struct dse_engine *e, struct dse_port *p, uint16_t nq, const char *field,
             struct dse_config_errors *errs)
{
	const struct dse_port_config *pc = &p->config;
	char err[160];
	p->kport = kport_open(pc->iface, nq, p->ethdev, e->pool, err, sizeof(err));
	if (p->kport == NULL) {
		config_error(errs, pc->line, field, "cannot attach to interface \"%s\": %s",
		             pc->iface, err);
		return -ENODEV;
	}
	kport_set_mtu(p->kport, pc->mtu);
	/* What `show ports` calls the device: the sockets, not their identity device. */
	snprintf(p->devargs, sizeof(p->devargs), "kport,iface=%s,queues=%u,vnet_hdr=1", pc->iface,
	         nq);
	struct rte_ether_addr mac;
	if (!pc->has_mac && kport_mac(p->kport, mac.addr_bytes) == 0)
		rte_eth_dev_default_mac_addr_set(p->ethdev, &mac);
	/* The kernel completes and segments what the virtio-net header asks of it. */
	p->tx_caps.l4_csum = p->tx_caps.tso = p->tx_caps.multi_seg = true;
	return 0;
}

int
port_open(struct dse_engine *e, struct dse_port *p, const char *field,
          struct dse_config_errors *errs)
{
	static unsigned unique;
	const struct dse_port_config *pc = &p->config;
	uint16_t nq = port_queue_count(pc, e->nb_workers);
	char f[128];
	int rc;

	if (pc->kind == DSE_PORT_VHOST_USER || pc->kind == DSE_PORT_MEMIF) {
		make_parent_dir(pc->path);
		/* A socket left by a previous run would make the device fail to listen. */
		struct stat st;
		if (stat(pc->path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(pc->path);
	}
	if (pc->kind == DSE_PORT_AF_PACKET && pc->devargs[0] != '\0') {
		snprintf(f, sizeof(f), "%s.devargs", field);
		config_error(
		    errs, pc->line, f,
		    "af_packet ports are served by the engine's own driver, which takes no "
		    "device arguments (kind devargs with net_af_packet gives DPDK's)");
		return -EINVAL;
	}
	unsigned id = unique++;
	rc = port_devargs(pc, id, nq, p->devargs, sizeof(p->devargs), p->devname,
	                  sizeof(p->devname));
	if (rc < 0) {
		snprintf(f, sizeof(f), "%s.devargs", field);
		config_error(errs, pc->line, f, "device arguments too long");
		return rc;
	}
	rc = rte_dev_probe(p->devargs);
	if (rc < 0) {
		config_error(errs, pc->line, field, "cannot create device \"%s\": %s%s", p->devargs,
		             strerror(-rc),
		             pc->kind == DSE_PORT_AF_PACKET || pc->kind == DSE_PORT_AF_XDP
		                 ? " (does the interface exist?)"
		                 : "");
		return rc;
	}
	bool is_vdev = pc->kind != DSE_PORT_DEVARGS || strncmp(p->devname, "net_", 4) == 0;
	if (rte_eth_dev_get_port_by_name(p->devname, &p->ethdev) != 0) {
		config_error(errs, pc->line, field, "device \"%s\" created no ethdev port",
		             p->devname);
		remove_device(p->devname, is_vdev);
		return -ENODEV;
	}

	struct rte_eth_dev_info info;
	rc = rte_eth_dev_info_get(p->ethdev, &info);
	if (rc == 0 && (info.max_rx_queues < nq || info.max_tx_queues < nq)) {
		snprintf(f, sizeof(f), "%s.queues", field);
		config_error(
		    errs, pc->line, f,
		    "the device supports %u rx / %u tx queues; this port needs %u (one per "
		    "worker at least)",
		    info.max_rx_queues, info.max_tx_queues, nq);
		rc = -EINVAL;
		goto fail;
	}

	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	conf.txmode.offloads = info.tx_offload_capa & PORT_TX_OFFLOADS;
	/* net_tap segments with rte_gso, which in DPDK 22.11 cuts TCP over IPv4 only: the engine
	 * segments for it, and the tap PMD completes checksums. */
	if (pc->kind == DSE_PORT_TAP)
		conf.txmode.offloads &= ~RTE_ETH_TX_OFFLOAD_TCP_TSO;
	/* A guest's partial checksums and TSO frames stay marked (the contract of offload.h)
	 * instead of being completed by the PMD on receive whether or not the output needs it. */
	if (pc->kind == DSE_PORT_VHOST_USER)
		conf.rxmode.offloads = info.rx_offload_capa & PORT_VHOST_RX_OFFLOADS;
	if (nq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
		    (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) &
		    info.flow_type_rss_offloads;
		if (info.hash_key_size == sizeof(symmetric_rss_key)) {
			conf.rx_adv_conf.rss_conf.rss_key = symmetric_rss_key;
			conf.rx_adv_conf.rss_conf.rss_key_len = sizeof(symmetric_rss_key);
		}
	}
	rc = rte_eth_dev_configure(p->ethdev, nq, nq, &conf);
	if (rc < 0) {
		config_error(errs, pc->line, field, "cannot configure device \"%s\": %s",
		             p->devname, strerror(-rc));
		goto fail;
	}
	uint16_t nb_rxd = PORT_RX_DESC, nb_txd = PORT_TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(p->ethdev, &nb_rxd, &nb_txd);
	for (uint16_t q = 0; q < nq; q++) {
		rc = rte_eth_rx_queue_setup(p->ethdev, q, nb_rxd, rte_eth_dev_socket_id(p->ethdev),
		                            NULL, e->pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(p->ethdev, q, nb_txd,
			                            rte_eth_dev_socket_id(p->ethdev), NULL);
		if (rc < 0) {
			config_error(errs, pc->line, field, "cannot set up queue %u of \"%s\": %s",
			             q, p->devname, strerror(-rc));
			goto fail;
		}
	}
	/* Not every device lets the MTU or MAC be set (pcap, null): those keep their own. */
	if (pc->kind != DSE_PORT_AF_PACKET)
		rte_eth_dev_set_mtu(p->ethdev, pc->mtu);
	if (pc->has_mac) {
		struct rte_ether_addr mac;
		memcpy(mac.addr_bytes, pc->mac, 6);
		rte_eth_dev_default_mac_addr_set(p->ethdev, &mac);
	}
	rte_eth_promiscuous_enable(p->ethdev);
	rc = rte_eth_dev_start(p->ethdev);
	if (rc < 0) {
		config_error(errs, pc->line, field, "cannot start device \"%s\": %s", p->devname,
		             strerror(-rc));
		goto fail;
	}
	rte_eth_dev_set_link_up(p->ethdev);
	p->tx_caps = tx_caps_of(conf.txmode.offloads);
	p->kport = NULL;
	if (pc->kind == DSE_PORT_AF_PACKET) {
		rc = kport_attach(e, p, nq, field, errs);
		if (rc < 0) {
			rte_eth_dev_stop(p->ethdev);
			goto fail;
		}
	}
	p->nb_queues = nq;
	memset(p->stats_base, 0, sizeof(p->stats_base));
	port_offload_stats_reset(e, (unsigned)(p - e->ports));
	memset(p->handoff, 0, sizeof(p->handoff));
	if (handoff_create(p, id, e->nb_workers) < 0) {
		config_error(errs, pc->line, field, "cannot create the worker hand-off rings");
		handoff_free(p);
		kport_close(p->kport);
		p->kport = NULL;
		rte_eth_dev_stop(p->ethdev);
		rc = -ENOMEM;
		goto fail;
	}
	return 0;

fail:
	rte_eth_dev_close(p->ethdev);
	remove_device(p->devname, is_vdev);
	return rc;
}

void
port_close(struct dse_port *p)
{
	bool is_vdev = p->config.kind != DSE_PORT_DEVARGS || strncmp(p->devname, "net_", 4) == 0;
	kport_close(p->kport);
	p->kport = NULL;
	rte_eth_dev_stop(p->ethdev);
	rte_eth_dev_close(p->ethdev);
	remove_device(p->devname, is_vdev);
	handoff_free(p);
}

int
port_set_mtu(struct dse_port *p, uint16_t mtu)
{
	if (p->kport != NULL)
		return kport_set_mtu(p->kport, mtu);
	return rte_eth_dev_set_mtu(p->ethdev, mtu);
}

void
port_stats(const struct dse_port *p, uint64_t out[PS_COUNT])
{
	struct rte_eth_stats st;
	memset(&st, 0, sizeof(st));
	if (p->kport != NULL) {
		struct kport_stats ks;
		kport_stats(p->kport, &ks);
		st.ipackets = ks.rx_packets;
		st.ibytes = ks.rx_bytes;
		st.ierrors = ks.rx_errors;
		st.imissed = ks.rx_nombuf;
		st.opackets = ks.tx_packets;
		st.obytes = ks.tx_bytes;
		st.oerrors = ks.tx_errors;
	} else {
		rte_eth_stats_get(p->ethdev, &st);
	}
	uint64_t raw[PS_COUNT] = {st.ipackets, st.ibytes, st.ierrors, st.imissed,
	                          st.opackets, st.obytes, st.oerrors};
	for (int i = 0; i < PS_COUNT; i++)
		out[i] = raw[i] - p->stats_base[i];
}

/* The workers' offload counters of slot, summed. */
static void
offload_sum(const struct dse_engine *e, unsigned slot, struct dse_offload_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned w = 0; w < e->nb_workers; w++) {
		const struct dse_offload_counters *c = &e->workers[w].counters.offload[slot];
		out->to_device += __atomic_load_n(&c->to_device, __ATOMIC_RELAXED);
		out->completed += __atomic_load_n(&c->completed, __ATOMIC_RELAXED);
		out->segmented += __atomic_load_n(&c->segmented, __ATOMIC_RELAXED);
		out->segments += __atomic_load_n(&c->segments, __ATOMIC_RELAXED);
	}
}

void
port_offload_stats(const struct dse_engine *e, unsigned slot, struct dse_offload_counters *out)
{
	const struct dse_offload_counters *b = &e->ports[slot].offload_base;
	offload_sum(e, slot, out);
	out->to_device -= b->to_device;
	out->completed -= b->completed;
	out->segmented -= b->segmented;
	out->segments -= b->segments;
}

void
port_offload_stats_reset(struct dse_engine *e, unsigned slot)
{
	offload_sum(e, slot, &e->ports[slot].offload_base);
}
