/*
 * Reading a tunnel packet addressed to this host's TEP: the outer IPv4 (RFC 791) and UDP
 * (RFC 768) headers, then Geneve (RFC 8926, UDP 6081: version, options walked and bounded,
 * critical options refused since this host understands none, OAM refused, payload must be
 * Ethernet) or VXLAN (RFC 7348, UDP 4789: I flag required, reserved bits ignored). Pure
 * functions over bytes, shared by the decap node, the unit tests and the fuzz target.
 */
#ifndef DSE_OVERLAY_OVERLAY_PARSE_H
#define DSE_OVERLAY_OVERLAY_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/geneve.h"
#include "net/ipv4.h"
#include "net/udp.h"
#include "net/vxlan.h"

/* Why a packet to the TEP is not a usable tunnel packet; 0 = it is. */
enum overlay_parse_result {
	OVP_OK,
	OVP_NOT_TUNNEL,       /* IPv4 header unusable, not UDP, or not to a tunnel port */
	OVP_FRAGMENT,         /* outer packet is a fragment */
	OVP_BAD_UDP_LENGTH,   /* UDP length below its header or beyond the IPv4 payload */
	OVP_BAD_UDP_CHECKSUM, /* non-zero UDP checksum that does not verify */
	OVP_GENEVE_TRUNCATED, /* Geneve header or announced options beyond the UDP payload */
	OVP_GENEVE_VERSION,   /* Geneve version not 0 */
	OVP_GENEVE_OPTIONS,   /* an option runs past the options area */
	OVP_GENEVE_CRITICAL,  /* a critical option (this host understands none) */
	OVP_GENEVE_OAM,       /* OAM (control) packet */
	OVP_GENEVE_PROTOCOL,  /* payload protocol not Ethernet (0x6558) */
	OVP_VXLAN_TRUNCATED,  /* VXLAN header cut short */
	OVP_VXLAN_FLAGS,      /* VXLAN I flag clear */
	OVP_INNER_RUNT,       /* inner frame shorter than an Ethernet header */
	OVP_RESULT_COUNT
};

/* What a tunnel packet carries. */
struct overlay_decap {
	uint32_t vni;          /* virtual network id */
	uint32_t src_ip;       /* outer source: the sending TEP, host order */
	uint16_t inner_offset; /* bytes from the frame start to the inner Ethernet header */
	uint16_t inner_len;    /* bytes of the inner frame */
	bool vxlan;            /* VXLAN (else Geneve) */
};

/*
 * Reads the IPv4/UDP tunnel packet whose IPv4 header starts at frame + l3_offset (len bytes of
 * frame in all). A non-zero UDP checksum is verified only when check_udp is set (the receiving
 * device has not already done it). Never reads past len. Returns OVP_OK with *out filled, or
 * why not.
 */
static inline enum overlay_parse_result
overlay_decap_parse_checked(const uint8_t *frame, uint32_t len, uint32_t l3_offset, bool check_udp,
                            struct overlay_decap *out)
{
	if (l3_offset > len || len - l3_offset < NET_IPV4_HEADER_LEN)
		return OVP_NOT_TUNNEL;
	const uint8_t *ip = frame + l3_offset;
	uint32_t ihl = (uint32_t)(ip[NET_IPV4_OFF_VERSION_IHL] & 0xf) * 4;
	uint32_t total = net_get_be16(ip + NET_IPV4_OFF_TOTAL_LENGTH);
	if ((ip[NET_IPV4_OFF_VERSION_IHL] >> 4) != 4 || ihl < NET_IPV4_HEADER_LEN || total < ihl ||
	    total > len - l3_offset || ip[NET_IPV4_OFF_PROTOCOL] != 17)
		return OVP_NOT_TUNNEL;
	uint16_t frag = net_get_be16(ip + NET_IPV4_OFF_FRAGMENT);
	if (frag & (NET_IPV4_FLAG_MORE_FRAGMENTS | NET_IPV4_FRAGMENT_OFFSET_MASK))
		return OVP_FRAGMENT;
	if (total - ihl < NET_UDP_HEADER_LEN)
		return OVP_BAD_UDP_LENGTH;
	const uint8_t *udp = ip + ihl;
	uint16_t dport = net_udp_dst_port(udp);
	if (dport != NET_UDP_PORT_GENEVE && dport != NET_UDP_PORT_VXLAN)
		return OVP_NOT_TUNNEL;
	uint32_t udp_len = net_udp_length(udp);
	if (udp_len < NET_UDP_HEADER_LEN || udp_len > total - ihl)
		return OVP_BAD_UDP_LENGTH;
	if (check_udp && net_get_be16(udp + NET_UDP_OFF_CHECKSUM) != 0 &&
	    net_ipv4_l4_checksum(ip, udp, udp_len) != 0)
		return OVP_BAD_UDP_CHECKSUM;
	const uint8_t *payload = udp + NET_UDP_HEADER_LEN;
	uint32_t payload_len = udp_len - NET_UDP_HEADER_LEN;
	uint32_t header_len;

	if (dport == NET_UDP_PORT_GENEVE) {
		struct net_geneve g;
		uint32_t critical = 0;
		int rc = net_geneve_parse(payload, payload_len, &g);
		if (rc == -EPROTONOSUPPORT)
			return OVP_GENEVE_VERSION;
		if (rc < 0)
			return OVP_GENEVE_TRUNCATED;
		if (g.options_len && net_geneve_options_validate(payload + NET_GENEVE_HEADER_LEN,
		                                                 g.options_len, &critical) < 0)
			return OVP_GENEVE_OPTIONS;
		/* The C bit says a critical option is present; either sign is enough. */
		if (critical || g.critical_options)
			return OVP_GENEVE_CRITICAL;
		if (g.oam)
			return OVP_GENEVE_OAM;
		if (g.protocol != NET_ETHERTYPE_TEB)
			return OVP_GENEVE_PROTOCOL;
		out->vni = g.vni;
		out->vxlan = false;
		header_len = g.header_len;
	} else {
		int rc = net_vxlan_parse(payload, payload_len, &out->vni);
		if (rc == -EMSGSIZE)
			return OVP_VXLAN_TRUNCATED;
		if (rc < 0)
			return OVP_VXLAN_FLAGS;
		out->vxlan = true;
		header_len = NET_VXLAN_HEADER_LEN;
	}
	if (payload_len - header_len < NET_ETH_HEADER_LEN)
		return OVP_INNER_RUNT;
	out->src_ip = net_get_be32(ip + NET_IPV4_OFF_SRC);
	out->inner_offset = (uint16_t)(payload - frame + header_len);
	out->inner_len = (uint16_t)(payload_len - header_len);
	return OVP_OK;
}

/* overlay_decap_parse_checked() verifying the UDP checksum. */
static inline enum overlay_parse_result
overlay_decap_parse(const uint8_t *frame, uint32_t len, uint32_t l3_offset,
                    struct overlay_decap *out)
{
	return overlay_decap_parse_checked(frame, len, l3_offset, true, out);
}

#endif
