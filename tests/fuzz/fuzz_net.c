/*
 * libFuzzer target for src/net: every parser of packet bytes (the frame parser, the flow hash,
 * ARP, Geneve with its options, VXLAN, the MAC text form, VLAN push/pop, checksums) runs on the
 * input, and the invariants the data plane relies on are checked: offsets of an accepted frame
 * stay inside the frame and the IP datagram, the flow hash is the same for both directions, and
 * incremental checksum updates agree with recomputation. Any violation aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/geneve.h"
#include "net/ipproto.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/parse.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/vlan.h"
#include "net/vxlan.h"

#define FUZZ_MAX_FRAME 4096 /* longer inputs are cut; jumbo frames add nothing new */

/* Aborts (a finding for the fuzzer) when an invariant does not hold. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* Checks what an accepted frame promises to the nodes that read it without checking again. */
static void
check_parsed(const uint8_t *frame, uint32_t len, const struct net_parsed *p)
{
	uint32_t l3_end = (uint32_t)p->l3_offset + p->l3_length;

	CHECK(p->nb_tags <= 2);
	CHECK(p->l3_offset == NET_ETH_HEADER_LEN + NET_VLAN_TAG_LEN * p->nb_tags);
	CHECK(p->l3_offset <= len);
	CHECK(!net_vlan_is_tpid(p->ethertype));
	CHECK(p->pad == 0);
	if (p->ethertype == NET_ETHERTYPE_IPV4) {
		CHECK(p->l3_length >= NET_IPV4_HEADER_LEN && l3_end <= len);
		CHECK(net_ipv4_total_length(frame + p->l3_offset) == p->l3_length);
	} else if (p->ethertype == NET_ETHERTYPE_IPV6) {
		CHECK(p->l3_length >= NET_IPV6_HEADER_LEN && l3_end <= len);
	} else {
		CHECK(p->l3_length == 0 && p->l4_offset == 0 && p->l4_proto == 0);
		if (p->ethertype == NET_ETHERTYPE_ARP)
			CHECK(p->l3_offset + NET_ARP_LEN <= len);
		return;
	}
	if (p->l4_offset == 0)
		return;
	CHECK(p->l4_offset >= p->l3_offset + NET_IPV4_HEADER_LEN && p->l4_offset <= l3_end);
	if (p->l4_proto == NET_IPPROTO_TCP)
		CHECK(net_tcp_header_complete(frame + p->l4_offset, l3_end - p->l4_offset));
	if (p->l4_proto == NET_IPPROTO_UDP)
		CHECK(p->l4_offset + NET_UDP_HEADER_LEN <= l3_end);
}

/* Turns the frame around (MACs, IP addresses, ports) so the flow hash can be compared. */
static void
reverse_frame(uint8_t *frame, const struct net_parsed *p)
{
	uint8_t tmp[NET_IPV6_ADDR_LEN];

	memcpy(tmp, frame, NET_MAC_LEN);
	memmove(frame, frame + NET_MAC_LEN, NET_MAC_LEN);
	memcpy(frame + NET_MAC_LEN, tmp, NET_MAC_LEN);
	if (p->ethertype == NET_ETHERTYPE_IPV4) {
		uint8_t *ip = frame + p->l3_offset;

		memcpy(tmp, ip + NET_IPV4_OFF_SRC, 4);
		memmove(ip + NET_IPV4_OFF_SRC, ip + NET_IPV4_OFF_DST, 4);
		memcpy(ip + NET_IPV4_OFF_DST, tmp, 4);
	} else if (p->ethertype == NET_ETHERTYPE_IPV6) {
		uint8_t *ip = frame + p->l3_offset;

		memcpy(tmp, ip + NET_IPV6_OFF_SRC, NET_IPV6_ADDR_LEN);
		memmove(ip + NET_IPV6_OFF_SRC, ip + NET_IPV6_OFF_DST, NET_IPV6_ADDR_LEN);
		memcpy(ip + NET_IPV6_OFF_DST, tmp, NET_IPV6_ADDR_LEN);
	}
	/* The ports the flow hash uses: TCP, UDP and SCTP all start with source, destination. */
	if (p->l4_offset != 0 &&
	    (p->l4_proto == NET_IPPROTO_TCP || p->l4_proto == NET_IPPROTO_UDP ||
	     p->l4_proto == NET_IPPROTO_SCTP)) {
		uint8_t *l4 = frame + p->l4_offset;
		uint16_t src = net_get_be16(l4);

		net_put_be16(l4, net_get_be16(l4 + 2));
		net_put_be16(l4 + 2, src);
	}
}

static void
fuzz_frame(const uint8_t *data, uint32_t len)
{
	static uint8_t copy[FUZZ_MAX_FRAME];
	struct net_parsed p, reversed, bogus;
	uint32_t hash;

	if (net_parse_frame(data, len, &p) != NET_PARSE_OK) {
		/* The hash must stay inside the frame even when handed offsets that do not fit. */
		if (len >= 8) {
			memcpy(&bogus, data, sizeof(bogus) < len ? sizeof(bogus) : len);
			(void)net_flow_hash_symmetric(data, len, &bogus);
		}
		return;
	}
	check_parsed(data, len, &p);
	hash = net_flow_hash_symmetric(data, len, &p);
	CHECK(hash == net_flow_hash_symmetric(data, len, &p));

	memcpy(copy, data, len);
	reverse_frame(copy, &p);
	CHECK(net_parse_frame(copy, len, &reversed) == NET_PARSE_OK);
	CHECK(memcmp(&p, &reversed, sizeof(p)) == 0);
	CHECK(net_flow_hash_symmetric(copy, len, &reversed) == hash);

	if (p.ethertype == NET_ETHERTYPE_ARP) {
		struct net_arp arp;
		uint8_t reply[NET_ARP_FRAME_LEN];

		if (net_arp_parse(data + p.l3_offset, len - p.l3_offset, &arp) == 0) {
			struct net_arp parsed_reply;

			CHECK(net_arp_build_reply(reply, sizeof(reply), &arp, data, 0x01020304) ==
			      NET_ARP_FRAME_LEN);
			CHECK(net_arp_parse(reply + NET_ETH_HEADER_LEN, NET_ARP_LEN,
			                    &parsed_reply) == 0);
			CHECK(parsed_reply.target_ip == arp.sender_ip);
		}
	}

	/* A UDP payload is tried both as Geneve and as VXLAN, whatever the port. */
	if (p.l4_offset != 0 && p.l4_proto == NET_IPPROTO_UDP) {
		uint32_t l3_end = (uint32_t)p.l3_offset + p.l3_length;
		uint32_t start = (uint32_t)p.l4_offset + NET_UDP_HEADER_LEN;
		struct net_geneve geneve;
		uint32_t vni;

		if (net_geneve_parse(data + start, l3_end - start, &geneve) == 0) {
			CHECK(start + geneve.header_len <= l3_end);
			(void)net_geneve_options_validate(data + start + NET_GENEVE_HEADER_LEN,
			                                  geneve.options_len, NULL);
		}
		if (net_vxlan_parse(data + start, l3_end - start, &vni) == 0)
			CHECK(vni <= NET_VXLAN_VNI_MAX);
	}
}

/* Runs the header parsers that take a bare buffer on the raw input. */
static void
fuzz_headers(const uint8_t *data, uint32_t len)
{
	struct net_arp arp;
	struct net_geneve geneve;
	struct net_geneve_option option;
	uint32_t vni, offset = 0, nb_critical = 0, steps = 0;
	int rc;

	(void)net_arp_parse(data, len, &arp);
	(void)net_vxlan_parse(data, len, &vni);
	if (net_geneve_parse(data, len, &geneve) == 0) {
		CHECK(geneve.header_len <= len);
		CHECK(geneve.vni <= 0xffffff);
	}
	/* Treat the whole input as an options area: the walk must end, within the area. */
	while ((rc = net_geneve_option_next(data, len, &offset, &option)) > 0) {
		CHECK(offset <= len);
		CHECK(option.data + option.data_len <= data + len);
		steps++;
		CHECK(steps <= len / NET_GENEVE_OPTION_HEADER_LEN);
	}
	CHECK(rc == 0 || rc == -EBADMSG);
	(void)net_geneve_options_validate(data, len, &nb_critical);
	CHECK(nb_critical <= steps);
}

/* Checks that incremental updates agree with recomputing, on the input as a message. */
static void
fuzz_checksum(const uint8_t *data, uint32_t len)
{
	static uint8_t copy[FUZZ_MAX_FRAME];
	uint32_t even = len & ~1u;
	uint16_t checksum, old_word, new_word;
	uint32_t where;

	if (even < 4)
		return;
	memcpy(copy, data, even);
	checksum = net_checksum(copy, even);
	/* Pick a word and a new value from the input itself. */
	where = (data[0] % (even / 2)) * 2;
	old_word = net_get_be16(copy + where);
	new_word = net_get_be16(data + even - 2) ^ 0x5a5a;
	net_put_be16(copy + where, new_word);
	CHECK(net_checksum_update16(checksum, old_word, new_word) == net_checksum(copy, even) ||
	      /* 0x0000 and 0xffff are the two zeros of one's complement. */
	      (net_checksum(copy, even) == 0xffff &&
	       net_checksum_update16(checksum, old_word, new_word) == 0));
}

/* Round-trips the MAC text form and a VLAN push/pop. */
static void
fuzz_mac_and_vlan(const uint8_t *data, uint32_t len)
{
	char text[32];
	uint8_t mac[NET_MAC_LEN];
	static uint8_t buffer[FUZZ_MAX_FRAME + 2 * NET_VLAN_TAG_LEN];
	uint8_t *frame = buffer + NET_VLAN_TAG_LEN;
	uint32_t frame_len = len;
	uint16_t tci = 0;

	if (len < sizeof(text)) {
		memcpy(text, data, len);
		text[len] = '\0';
		if (net_mac_parse(text, mac) == 0) {
			char again[NET_MAC_STRING_SIZE];

			CHECK(net_mac_format(mac, again, sizeof(again)) == 0);
			CHECK(strcasecmp(again, text) == 0);
		}
	}
	memcpy(frame, data, len);
	if (net_vlan_push(&frame, &frame_len, NET_VLAN_TAG_LEN, NET_ETHERTYPE_VLAN, 0x1234) == 0) {
		CHECK(net_vlan_pop(&frame, &frame_len, &tci) == 0);
		CHECK(tci == 0x1234 && frame_len == len && memcmp(frame, data, len) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len = size > FUZZ_MAX_FRAME ? FUZZ_MAX_FRAME : (uint32_t)size;

	fuzz_frame(data, len);
	fuzz_headers(data, len);
	fuzz_checksum(data, len);
	fuzz_mac_and_vlan(data, len);
	return 0;
}
