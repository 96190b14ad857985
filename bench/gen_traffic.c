/*
 * dse-gen-traffic: writes the benchmark traffic as a classic pcap file (libpcap format,
 * microsecond timestamps, DLT_EN10MB) without needing libpcap. Every packet is an
 * Ethernet/IPv4/UDP frame (RFC 791, RFC 768), optionally wrapped in an outer
 * Ethernet/IPv4/UDP/Geneve header (RFC 8926). Flow i (0 <= i < flows) has its own source MAC,
 * source IPv4 address and source UDP port; its destination MAC and IPv4 address are those of
 * destination host i % dst-macs. Packets appear in round-robin flow order, so that a replay
 * visits every flow once per pass. With --reply every frame is the answer of its flow instead
 * (addresses and ports swapped): a file and its reply file, replayed on two ports, make every
 * flow a two-way conversation, as a stateful firewall needs to see to call it established. The
 * output depends only on the options: two runs with the same options write the same bytes. All
 * addresses lie in 198.18.0.0/15 (RFC 2544).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETH_HEADER_LEN    14
#define IPV4_HEADER_LEN   20
#define UDP_HEADER_LEN    8
#define GENEVE_HEADER_LEN 8
#define FCS_LEN           4
#define INNER_HEADERS_LEN (ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN)
#define OUTER_HEADERS_LEN (ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN + GENEVE_HEADER_LEN)
#define MAX_FRAME_LEN     9216
#define MIN_PACKETS       1024 /* short files are repeated so a replay fills whole bursts */
#define GENEVE_UDP_PORT   6081 /* RFC 8926 section 3.3 */
#define ETHERTYPE_IPV4    0x0800
#define ETHERTYPE_TEB     0x6558 /* transparent Ethernet bridging: Geneve's inner Ethernet */
#define DST_UDP_PORT      5001
#define SRC_UDP_PORT_BASE 10000
#define MAX_FLOWS         16777216 /* source MACs and IPv4 addresses are derived from 24 bits */

/* What to generate, from the command line. */
struct traffic_options {
	uint32_t flows;           /* distinct flows (source MAC + IPv4 + UDP port each) */
	uint32_t dst_macs;        /* distinct destination hosts (MAC + IPv4); 0 = one per flow */
	uint32_t packets;         /* packets in the file; 0 = flows, at least MIN_PACKETS */
	uint32_t frame_size;      /* frame length on the wire including the 4-byte FCS */
	bool fixed_src_mac;       /* every flow uses the same source MAC */
	uint32_t geneve_vni;      /* wrap in Geneve with this VNI, if geneve */
	bool geneve;              /* write Geneve-encapsulated frames */
	uint8_t outer_dst_mac[6]; /* Geneve: underlay next hop (the receiving TEP's MAC) */
	const char *output;       /* pcap file to write; NULL with print_dst_macs */
	bool print_dst_macs;      /* print the destination MACs, one a line, instead */
	bool reply;               /* write each flow's reply (host to flow source) instead */
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Locally administered unicast MACs: 02:<role>:<32-bit index>. */
static void
make_mac(uint8_t *mac, uint8_t role, uint32_t index)
{
	mac[0] = 0x02;
	mac[1] = role;
	put32(mac + 2, index);
}

static void
src_mac_of(const struct traffic_options *opt, uint32_t flow, uint8_t *mac)
{
	make_mac(mac, 0x53, opt->fixed_src_mac ? 0 : flow);
}

static void
dst_mac_of(uint32_t host, uint8_t *mac)
{
	make_mac(mac, 0x44, host);
}

/* The internet checksum (RFC 1071) of an IPv4 header. */
static uint16_t
ipv4_checksum(const uint8_t *header)
{
	uint32_t sum = 0;

	for (int i = 0; i < IPV4_HEADER_LEN; i += 2)
		sum += (uint32_t)header[i] << 8 | header[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
write_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t ethertype)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put16(p + 12, ethertype);
}

/* IPv4 header without options, DF set, TTL 64, protocol UDP. */
static void
write_ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint16_t total_len)
{
	memset(p, 0, IPV4_HEADER_LEN);
	p[0] = 0x45;
	put16(p + 2, total_len);
	put16(p + 6, 0x4000);
	p[8] = 64;
	p[9] = 17;
	put32(p + 12, src);
	put32(p + 16, dst);
	put16(p + 10, ipv4_checksum(p));
}

/* UDP header; checksum 0 (none), as allowed for IPv4 by RFC 768. */
static void
write_udp(uint8_t *p, uint16_t src_port, uint16_t dst_port, uint16_t len)
{
	put16(p, src_port);
	put16(p + 2, dst_port);
	put16(p + 4, len);
	put16(p + 6, 0);
}

/*
 * Builds packet number index (flow index % flows) of len bytes into frame, which is zeroed
 * first so that padding is deterministic.
 */
static void
build_frame(const struct traffic_options *opt, uint32_t flow, uint8_t *frame, uint32_t len)
{
	uint32_t host = flow % opt->dst_macs;
	uint8_t src_mac[6], dst_mac[6];
	uint8_t *inner = frame;
	uint32_t inner_len = len;

	memset(frame, 0, len);
	if (opt->geneve) {
		uint8_t tep_mac[6];

		make_mac(tep_mac, 0x54, 0);
		write_eth(frame, opt->outer_dst_mac, tep_mac, ETHERTYPE_IPV4);
		write_ipv4(frame + ETH_HEADER_LEN, 0xc6130002 /* 198.19.0.2 */,
		           0xc6130001 /* 198.19.0.1 */, len - ETH_HEADER_LEN);
		/* Like a real encapsulator: the source port carries the inner flow's entropy. */
		write_udp(frame + ETH_HEADER_LEN + IPV4_HEADER_LEN, 49152 + flow % 16384,
		          GENEVE_UDP_PORT, len - ETH_HEADER_LEN - IPV4_HEADER_LEN);
		uint8_t *geneve = frame + ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN;
		geneve[0] = 0; /* version 0, no options */
		geneve[1] = 0;
		put16(geneve + 2, ETHERTYPE_TEB);
		put32(geneve + 4, opt->geneve_vni << 8);
		inner = frame + OUTER_HEADERS_LEN;
		inner_len = len - OUTER_HEADERS_LEN;
	}
	src_mac_of(opt, flow, src_mac);
	dst_mac_of(host, dst_mac);
	/* Source 198.18.0.0 + low 16 bits of the flow, destination 198.19.0.0 + host. */
	uint32_t src_ip = 0xc6120000 | (flow & 0xffff), dst_ip = 0xc6130000 | (host & 0xffff);
	uint16_t src_port = (uint16_t)(SRC_UDP_PORT_BASE + (flow >> 16)), dst_port = DST_UDP_PORT;
	if (opt->reply) {
		write_eth(inner, src_mac, dst_mac, ETHERTYPE_IPV4);
		write_ipv4(inner + ETH_HEADER_LEN, dst_ip, src_ip, inner_len - ETH_HEADER_LEN);
		write_udp(inner + ETH_HEADER_LEN + IPV4_HEADER_LEN, dst_port, src_port,
		          inner_len - ETH_HEADER_LEN - IPV4_HEADER_LEN);
		return;
	}
	write_eth(inner, dst_mac, src_mac, ETHERTYPE_IPV4);
	write_ipv4(inner + ETH_HEADER_LEN, src_ip, dst_ip, inner_len - ETH_HEADER_LEN);
	write_udp(inner + ETH_HEADER_LEN + IPV4_HEADER_LEN, src_port, dst_port,
	          inner_len - ETH_HEADER_LEN - IPV4_HEADER_LEN);
}

/* Writes the file; returns 0 or a negative errno. */
static int
write_pcap(const struct traffic_options *opt)
{
	uint32_t len = opt->frame_size - FCS_LEN;
	uint32_t packets = opt->packets;
	static uint8_t frame[MAX_FRAME_LEN];
	uint8_t file_header[24] = {0}, record[16] = {0};
	FILE *f = fopen(opt->output, "wb");

	if (f == NULL)
		return -errno;
	/* Little-endian classic pcap: magic, version 2.4, snaplen, linktype 1 (Ethernet). */
	uint32_t magic = 0xa1b2c3d4, snaplen = MAX_FRAME_LEN, linktype = 1;
	uint16_t major = 2, minor = 4;
	memcpy(file_header, &magic, 4);
	memcpy(file_header + 4, &major, 2);
	memcpy(file_header + 6, &minor, 2);
	memcpy(file_header + 16, &snaplen, 4);
	memcpy(file_header + 20, &linktype, 4);
	if (fwrite(file_header, sizeof(file_header), 1, f) != 1)
		goto fail;
	if (setvbuf(f, NULL, _IOFBF, 1 << 20) != 0)
		goto fail;
	for (uint32_t i = 0; i < packets; i++) {
		/* One packet per microsecond: a fixed, reproducible timestamp sequence. */
		uint32_t seconds = i / 1000000, micros = i % 1000000;
		memcpy(record, &seconds, 4);
		memcpy(record + 4, &micros, 4);
		memcpy(record + 8, &len, 4);
		memcpy(record + 12, &len, 4);
		build_frame(opt, i % opt->flows, frame, len);
		if (fwrite(record, sizeof(record), 1, f) != 1 || fwrite(frame, len, 1, f) != 1)
			goto fail;
	}
	if (fclose(f) != 0)
		return -errno;
	return 0;
fail:
	fclose(f);
	return -EIO;
}

static void
usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: dse-gen-traffic [options] -o FILE.pcap\n"
	    "       dse-gen-traffic [options] --print-dst-macs\n"
	    "  -f, --flows N           distinct flows (default 10000): each has its own source\n"
	    "                          MAC, source IPv4 198.18.x.y and UDP source port\n"
	    "  -d, --dst-macs N        distinct destination hosts (MAC 02:44:..., IPv4\n"
	    "                          198.19.x.y); flow i goes to host i %% N (default: = flows)\n"
	    "  -n, --packets N         packets in the file (default: flows, at least %d)\n"
	    "  -s, --frame-size N      frame size on the wire incl. FCS (default 64)\n"
	    "      --fixed-src-mac     one source MAC for all flows (02:53:00:00:00:00)\n"
	    "      --geneve VNI        wrap each frame in Ethernet/IPv4/UDP 6081/Geneve (VNI);\n"
	    "                          outer 198.19.0.2 -> 198.19.0.1, frame size is the outer\n"
	    "      --outer-dst-mac MAC outer destination MAC (default 02:54:00:00:00:01)\n"
	    "  -o, --output FILE       pcap file to write\n"
	    "      --reply             write each flow's reply instead (host -> flow source,\n"
	    "                          addresses, MACs and ports swapped)\n"
	    "      --print-dst-macs    print the destination MACs, one a line\n",
	    MIN_PACKETS);
}

static int
parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *value)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*value = (uint32_t)v;
	return 0;
}

static int
parse_mac(const char *text, uint8_t *mac)
{
	unsigned b[6];
	char tail;

	if (sscanf(text, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) !=
	    6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/* Parses argv into *opt; returns 0, 1 for --help, or -EINVAL after printing why. */
static int
parse_options(int argc, char **argv, struct traffic_options *opt)
{
	enum { OPT_FIXED_SRC = 256, OPT_GENEVE, OPT_OUTER_MAC, OPT_PRINT, OPT_REPLY };
	static const struct option longopts[] = {
	    {"flows", required_argument, NULL, 'f'},
	    {"dst-macs", required_argument, NULL, 'd'},
	    {"packets", required_argument, NULL, 'n'},
	    {"frame-size", required_argument, NULL, 's'},
	    {"output", required_argument, NULL, 'o'},
	    {"fixed-src-mac", no_argument, NULL, OPT_FIXED_SRC},
	    {"geneve", required_argument, NULL, OPT_GENEVE},
	    {"outer-dst-mac", required_argument, NULL, OPT_OUTER_MAC},
	    {"print-dst-macs", no_argument, NULL, OPT_PRINT},
	    {"reply", no_argument, NULL, OPT_REPLY},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc = 0;

	*opt = (struct traffic_options){.flows = 10000, .frame_size = 64};
	make_mac(opt->outer_dst_mac, 0x54, 1);
	while ((c = getopt_long(argc, argv, "f:d:n:s:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			rc = parse_u32(optarg, 1, MAX_FLOWS, &opt->flows);
			break;
		case 'd':
			rc = parse_u32(optarg, 1, MAX_FLOWS, &opt->dst_macs);
			break;
		case 'n':
			rc = parse_u32(optarg, 1, UINT32_MAX, &opt->packets);
			break;
		case 's':
			rc = parse_u32(optarg, 64, MAX_FRAME_LEN + FCS_LEN, &opt->frame_size);
			break;
		case 'o':
			opt->output = optarg;
			break;
		case OPT_FIXED_SRC:
			opt->fixed_src_mac = true;
			break;
		case OPT_GENEVE:
			opt->geneve = true;
			rc = parse_u32(optarg, 1, 16777215, &opt->geneve_vni);
			break;
		case OPT_OUTER_MAC:
			rc = parse_mac(optarg, opt->outer_dst_mac);
			break;
		case OPT_PRINT:
			opt->print_dst_macs = true;
			break;
		case OPT_REPLY:
			opt->reply = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (rc != 0) {
			fprintf(stderr, "dse-gen-traffic: invalid value \"%s\" for -%c\n", optarg,
			        c < 256 ? c : '-');
			return -EINVAL;
		}
	}
	if (optind != argc || (opt->output == NULL) == !opt->print_dst_macs) {
		usage(stderr);
		return -EINVAL;
	}
	if (opt->dst_macs == 0 || opt->dst_macs > opt->flows)
		opt->dst_macs = opt->flows;
	if (opt->packets == 0)
		opt->packets = opt->flows >= MIN_PACKETS
		                   ? opt->flows
		                   : (MIN_PACKETS + opt->flows - 1) / opt->flows * opt->flows;
	uint32_t headers = INNER_HEADERS_LEN + (opt->geneve ? OUTER_HEADERS_LEN : 0);
	if (opt->frame_size - FCS_LEN < headers) {
		fprintf(stderr,
		        "dse-gen-traffic: frame size must be at least %u with these headers\n",
		        headers + FCS_LEN);
		return -EINVAL;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct traffic_options opt;
	int rc = parse_options(argc, argv, &opt);

	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (opt.print_dst_macs) {
		for (uint32_t host = 0; host < opt.dst_macs; host++) {
			uint8_t mac[6];
			dst_mac_of(host, mac);
			printf("%02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3],
			       mac[4], mac[5]);
		}
		return fflush(stdout) == 0 ? 0 : 1;
	}
	rc = write_pcap(&opt);
	if (rc != 0) {
		fprintf(stderr, "dse-gen-traffic: %s: %s\n", opt.output, strerror(-rc));
		return 1;
	}
	return 0;
}
