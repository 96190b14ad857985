/*
 * dse-peer: a minimal workload for the integration tests that sits on the far side of one
 * DPDK device (a memif client or a virtio-user device attached to an engine's vhost-user port)
 * and behaves like a host with one IPv4 address: it answers ARP requests for that address
 * (RFC 826) and ICMP echo requests sent to it (RFC 792), and ignores everything else. It counts
 * what it saw and did, and writes the counters as one JSON object to a file (once a second and
 * on exit) or to stdout on exit, so a test can prove frames crossed a shared-memory port in both
 * directions.
 *
 * Usage: dse-peer [EAL args] -- --ip A.B.C.D --mac XX:XX:XX:XX:XX:XX
 *                               [--seconds N] [--stats-file FILE]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#define PEER_BURST          32
#define PEER_RING_SIZE      256
#define PEER_POOL_SIZE      2047
#define PEER_IDLE_US        50 /* sleep after an empty poll: keeps a small test machine usable */
#define PEER_DEFAULT_TTL    64
#define PEER_START_ATTEMPTS 100 /* device start retries, 100 ms apart */

/* What the peer was told to be. */
struct peer_options {
	uint32_t ip;               /* our IPv4 address, network byte order */
	struct rte_ether_addr mac; /* our MAC address */
	unsigned seconds;          /* run time; 0 = until SIGTERM/SIGINT */
	const char *stats_file;    /* where counters go; NULL = stdout on exit */
};

/* What the peer saw and did since it started. */
struct peer_counters {
	uint64_t rx_packets;    /* frames received */
	uint64_t tx_packets;    /* frames the device accepted for sending */
	uint64_t tx_failed;     /* replies the device did not take */
	uint64_t arp_requests;  /* ARP requests for our address */
	uint64_t arp_replies;   /* ARP replies sent (handed to the device) */
	uint64_t echo_requests; /* ICMP echo requests to our address */
	uint64_t echo_replies;  /* ICMP echo replies sent (handed to the device) */
	uint64_t ignored;       /* frames neither ARP nor echo for us */
};

/* What a handled frame turned into. */
enum peer_reply {
	PEER_REPLY_NONE, /* not for us: free it */
	PEER_REPLY_ARP,  /* rewritten in place into an ARP reply */
	PEER_REPLY_ECHO, /* rewritten in place into an ICMP echo reply */
};

static volatile sig_atomic_t stop_requested;

static void
on_signal(int signum)
{
	(void)signum;
	stop_requested = 1;
}

static void
usage(const char *prog)
{
	fprintf(stderr,
	        "usage: %s [EAL args] -- --ip A.B.C.D --mac XX:XX:XX:XX:XX:XX "
	        "[--seconds N] [--stats-file FILE]\n",
	        prog);
}

/* Parses the application arguments (after EAL's). Returns 0 or -EINVAL. */
static int
parse_options(int argc, char **argv, struct peer_options *opts)
{
	static const struct option longopts[] = {
	    {"ip", required_argument, NULL, 'i'},
	    {"mac", required_argument, NULL, 'm'},
	    {"seconds", required_argument, NULL, 's'},
	    {"stats-file", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	struct in_addr addr;
	bool have_ip = false, have_mac = false;
	char *end;
	int c;

	memset(opts, 0, sizeof(*opts));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (inet_pton(AF_INET, optarg, &addr) != 1)
				return -EINVAL;
			opts->ip = addr.s_addr;
			have_ip = true;
			break;
		case 'm':
			if (rte_ether_unformat_addr(optarg, &opts->mac) != 0 ||
			    !rte_is_unicast_ether_addr(&opts->mac))
				return -EINVAL;
			have_mac = true;
			break;
		case 's':
			opts->seconds = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0')
				return -EINVAL;
			break;
		case 'f':
			opts->stats_file = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	if (!have_ip || !have_mac || optind != argc)
		return -EINVAL;
	return 0;
}

/*
 * Writes the counters as one JSON object to path (through a temporary file renamed over it,
 * so a reader never sees half of it), or to stdout when path is NULL. Returns 0 or -errno.
 */
static int
write_counters(const struct peer_counters *counters, const char *path)
{
	char tmp_path[4096];
	FILE *out = stdout;

	if (path != NULL) {
		if (snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", path) >= (int)sizeof(tmp_path))
			return -ENAMETOOLONG;
		out = fopen(tmp_path, "w");
		if (out == NULL)
			return -errno;
	}
	fprintf(out,
	        "{\"rx_packets\": %" PRIu64 ", \"tx_packets\": %" PRIu64 ", \"tx_failed\": %" PRIu64
	        ", \"arp_requests\": %" PRIu64 ", \"arp_replies\": %" PRIu64
	        ", \"echo_requests\": %" PRIu64 ", \"echo_replies\": %" PRIu64
	        ", \"ignored\": %" PRIu64 "}\n",
	        counters->rx_packets, counters->tx_packets, counters->tx_failed,
	        counters->arp_requests, counters->arp_replies, counters->echo_requests,
	        counters->echo_replies, counters->ignored);
	if (path == NULL) {
		fflush(out);
		return 0;
	}
	if (fclose(out) != 0 || rename(tmp_path, path) != 0)
		return -errno;
	return 0;
}

/* Turns an ARP request for our address into the reply, in place. */
static enum peer_reply
handle_arp(struct rte_mbuf *m, struct rte_ether_hdr *eth, const struct peer_options *opts,
           struct peer_counters *counters)
{
	struct rte_arp_hdr *arp;
	uint32_t sender_ip;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*arp))
		return PEER_REPLY_NONE;
	arp = (struct rte_arp_hdr *)(eth + 1);
	if (arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != sizeof(uint32_t) ||
	    arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) ||
	    arp->arp_data.arp_tip != opts->ip)
		return PEER_REPLY_NONE;
	counters->arp_requests++;

	sender_ip = arp->arp_data.arp_sip;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = sender_ip;
	arp->arp_data.arp_sha = opts->mac;
	arp->arp_data.arp_sip = opts->ip;
	eth->dst_addr = arp->arp_data.arp_tha;
	eth->src_addr = opts->mac;
	return PEER_REPLY_ARP;
}

/* Turns an ICMP echo request to our address into the echo reply, in place. */
static enum peer_reply
handle_ipv4(struct rte_mbuf *m, struct rte_ether_hdr *eth, const struct peer_options *opts,
            struct peer_counters *counters)
{
	uint32_t frame_len = rte_pktmbuf_data_len(m);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint32_t header_len, total_len;

	if (frame_len < sizeof(*eth) + sizeof(*ip))
		return PEER_REPLY_NONE;
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	header_len = rte_ipv4_hdr_len(ip);
	total_len = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || header_len < sizeof(*ip) ||
	    total_len < header_len + sizeof(*icmp) || frame_len < sizeof(*eth) + total_len ||
	    ip->next_proto_id != IPPROTO_ICMP || ip->dst_addr != opts->ip ||
	    (ip->fragment_offset &
	     rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG)) != 0)
		return PEER_REPLY_NONE;
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + header_len);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return PEER_REPLY_NONE;
	counters->echo_requests++;

	ip->dst_addr = ip->src_addr;
	ip->src_addr = opts->ip;
	ip->time_to_live = PEER_DEFAULT_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, total_len - header_len);

	eth->dst_addr = eth->src_addr;
	eth->src_addr = opts->mac;
	/* Trailing Ethernet padding is not part of the reply. */
	rte_pktmbuf_trim(m, frame_len - sizeof(*eth) - total_len);
	return PEER_REPLY_ECHO;
}

/* Decides what to do with one received frame, rewriting it into a reply when one is due. */
static enum peer_reply
handle_frame(struct rte_mbuf *m, const struct peer_options *opts, struct peer_counters *counters)
{
	struct rte_ether_hdr *eth;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth))
		return PEER_REPLY_NONE;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (!rte_is_broadcast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, &opts->mac))
		return PEER_REPLY_NONE;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		return handle_arp(m, eth, opts, counters);
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return handle_ipv4(m, eth, opts, counters);
	return PEER_REPLY_NONE;
}

/* Sets up port with one rx and one tx queue and starts it. Returns 0 or negative errno. */
static int
start_port(uint16_t port, struct rte_mempool *pool)
{
	struct rte_eth_conf conf;
	int attempt, ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret < 0)
		return ret;
	ret = rte_eth_rx_queue_setup(port, 0, PEER_RING_SIZE, rte_eth_dev_socket_id(port), NULL,
	                             pool);
	if (ret < 0)
		return ret;
	ret = rte_eth_tx_queue_setup(port, 0, PEER_RING_SIZE, rte_eth_dev_socket_id(port), NULL);
	if (ret < 0)
		return ret;
	/* A memif client cannot start before the server's socket exists; the engine may still
	 * be creating it, so give it a few seconds. */
	for (attempt = 0;; attempt++) {
		ret = rte_eth_dev_start(port);
		if (ret == 0)
			break;
		if (attempt >= PEER_START_ATTEMPTS || stop_requested)
			return ret;
		rte_delay_us_sleep(100 * 1000);
	}
	/* Not every device filters by MAC; where one does, let everything in and filter here. */
	rte_eth_promiscuous_enable(port);
	return 0;
}

/* Receives, answers and counts until stopped or out of time. */
static void
run(uint16_t port, const struct peer_options *opts, struct peer_counters *counters)
{
	struct rte_mbuf *rx[PEER_BURST], *tx[PEER_BURST];
	enum peer_reply tx_kind[PEER_BURST];
	uint64_t hz = rte_get_timer_hz();
	uint64_t start = rte_get_timer_cycles();
	uint64_t next_write = start + hz;
	uint16_t nb_rx, nb_tx, sent, i;
	enum peer_reply reply;
	uint64_t now;

	while (!stop_requested) {
		now = rte_get_timer_cycles();
		if (opts->seconds != 0 && now - start >= opts->seconds * hz)
			break;
		if (opts->stats_file != NULL && now >= next_write) {
			write_counters(counters, opts->stats_file);
			next_write = now + hz;
		}
		nb_rx = rte_eth_rx_burst(port, 0, rx, PEER_BURST);
		if (nb_rx == 0) {
			rte_delay_us_sleep(PEER_IDLE_US);
			continue;
		}
		counters->rx_packets += nb_rx;
		nb_tx = 0;
		for (i = 0; i < nb_rx; i++) {
			reply = handle_frame(rx[i], opts, counters);
			if (reply == PEER_REPLY_NONE) {
				counters->ignored++;
				rte_pktmbuf_free(rx[i]);
				continue;
			}
			tx_kind[nb_tx] = reply;
			tx[nb_tx++] = rx[i];
		}
		sent = nb_tx != 0 ? rte_eth_tx_burst(port, 0, tx, nb_tx) : 0;
		counters->tx_packets += sent;
		for (i = 0; i < sent; i++) {
			if (tx_kind[i] == PEER_REPLY_ARP)
				counters->arp_replies++;
			else
				counters->echo_replies++;
		}
		counters->tx_failed += nb_tx - sent;
		for (i = sent; i < nb_tx; i++)
			rte_pktmbuf_free(tx[i]);
	}
}

int
main(int argc, char **argv)
{
	struct peer_counters counters;
	struct peer_options opts;
	struct rte_mempool *pool;
	uint16_t port;
	int consumed, ret;

	consumed = rte_eal_init(argc, argv);
	if (consumed < 0) {
		fprintf(stderr, "dse-peer: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argv[consumed] = argv[0];
	if (parse_options(argc - consumed, argv + consumed, &opts) != 0) {
		usage(argv[0]);
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	if (rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "dse-peer: expected exactly one device (--vdev), found %u\n",
		        rte_eth_dev_count_avail());
		rte_eal_cleanup();
		return 1;
	}
	port = 0;
	RTE_ETH_FOREACH_DEV (port) {
		break;
	}
	pool = rte_pktmbuf_pool_create("dse_peer_pool", PEER_POOL_SIZE, 64, 0,
	                               RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "dse-peer: cannot create mbuf pool: %s\n", rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	ret = start_port(port, pool);
	if (ret < 0) {
		fprintf(stderr, "dse-peer: cannot start port %u: %s\n", port, rte_strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}

	memset(&counters, 0, sizeof(counters));
	run(port, &opts, &counters);

	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	ret = write_counters(&counters, opts.stats_file);
	if (ret < 0)
		fprintf(stderr, "dse-peer: cannot write %s: %s\n", opts.stats_file, strerror(-ret));
	rte_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
