/*
 * IPv6 header (RFC 8200): field offsets, accessors, and the walk over the extension header chain
 * (hop-by-hop options, routing, fragment, destination options, and AH from RFC 4302) to the
 * upper-layer header. The walk is bounded so a chain of many tiny headers cannot make a worker
 * spend unbounded time on one packet.
 */
#ifndef DSE_NET_IPV6_H
#define DSE_NET_IPV6_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/byteorder.h"
#include "net/ipproto.h"

#define NET_IPV6_HEADER_LEN           40     /* fixed header */
#define NET_IPV6_ADDR_LEN             16     /* bytes in an address */
#define NET_IPV6_OFF_VTC_FLOW         0      /* version (4), traffic class (8), flow label (20) */
#define NET_IPV6_OFF_PAYLOAD_LENGTH   4      /* bytes after the fixed header */
#define NET_IPV6_OFF_NEXT_HEADER      6      /* first extension header or upper-layer protocol */
#define NET_IPV6_OFF_HOP_LIMIT        7      /* hop limit */
#define NET_IPV6_OFF_SRC              8      /* source address */
#define NET_IPV6_OFF_DST              24     /* destination address */
#define NET_IPV6_MAX_EXTENSIONS       8      /* extension headers walked before giving up */
#define NET_IPV6_FRAGMENT_HEADER_LEN  8      /* fixed size of the fragment header */
#define NET_IPV6_FRAGMENT_OFFSET_MASK 0xfff8 /* offset (in bytes) in the host-order field */
#define NET_IPV6_FRAGMENT_MORE        0x0001 /* M flag in the host-order field */

/* Where the extension header walk ended, filled by net_ipv6_walk_extensions(). */
struct net_ipv6_extensions {
	uint32_t l4_offset;       /* bytes from the start of the walked area to the upper layer */
	uint32_t fragment_offset; /* fragment offset in bytes, 0 if no fragment header */
	uint8_t l4_proto;         /* upper-layer protocol (NET_IPPROTO_NONE if "no next header") */
	uint8_t nb_extensions;    /* extension headers walked */
	bool is_fragment;         /* a fragment header with M set or a non-zero offset was found */
	bool l4_present; /* the upper-layer header starts at l4_offset (not a later fragment,
	                    not "no next header") */
};

/* Returns the version nibble of the header at ip. */
static inline uint8_t
net_ipv6_version(const uint8_t *ip)
{
	return ip[NET_IPV6_OFF_VTC_FLOW] >> 4;
}

/* Returns the payload length field of the header at ip, host order. */
static inline uint16_t
net_ipv6_payload_length(const uint8_t *ip)
{
	return net_get_be16(ip + NET_IPV6_OFF_PAYLOAD_LENGTH);
}

/* Returns the next header field of the fixed header at ip. */
static inline uint8_t
net_ipv6_next_header(const uint8_t *ip)
{
	return ip[NET_IPV6_OFF_NEXT_HEADER];
}

/* Returns the 20-bit flow label of the header at ip. */
static inline uint32_t
net_ipv6_flow_label(const uint8_t *ip)
{
	return net_get_be32(ip + NET_IPV6_OFF_VTC_FLOW) & 0xfffff;
}

/* Returns true if next_header names an extension header the walk knows how to skip. */
static inline bool
net_ipv6_is_extension(uint8_t next_header)
{
	return next_header == NET_IPPROTO_HOPOPTS || next_header == NET_IPPROTO_ROUTING ||
	       next_header == NET_IPPROTO_FRAGMENT || next_header == NET_IPPROTO_DSTOPTS ||
	       next_header == NET_IPPROTO_AH;
}

/*
 * Walks the extension headers that start at buf (the byte after the fixed header), of which len
 * bytes belong to the packet (bound it by the payload length, not the frame), starting from
 * next_header, the fixed header's next header field. Stops at the first upper-layer protocol,
 * at "no next header", or at a fragment header with a non-zero offset (the rest of the chain is
 * in the first fragment). Fills out. Returns 0; -EMSGSIZE if an extension header runs past len;
 * -ELOOP if more than NET_IPV6_MAX_EXTENSIONS headers; -EBADMSG if hop-by-hop options is not
 * the first header (RFC 8200, section 4.3).
 */
static inline int
net_ipv6_walk_extensions(const uint8_t *buf, uint32_t len, uint8_t next_header,
                         struct net_ipv6_extensions *out)
{
	uint32_t offset = 0;
	uint8_t count = 0;

	out->fragment_offset = 0;
	out->is_fragment = false;
	while (net_ipv6_is_extension(next_header)) {
		uint32_t header_len;

		if (count == NET_IPV6_MAX_EXTENSIONS)
			return -ELOOP;
		if (next_header == NET_IPPROTO_HOPOPTS && count != 0)
			return -EBADMSG;
		/* Every extension header starts with next header and a length byte. */
		if (len - offset < 2)
			return -EMSGSIZE;
		if (next_header == NET_IPPROTO_FRAGMENT)
			header_len = NET_IPV6_FRAGMENT_HEADER_LEN;
		else if (next_header == NET_IPPROTO_AH)
			header_len = ((uint32_t)buf[offset + 1] + 2) * 4;
		else
			header_len = ((uint32_t)buf[offset + 1] + 1) * 8;
		if (header_len > len - offset)
			return -EMSGSIZE;
		count++;
		if (next_header == NET_IPPROTO_FRAGMENT) {
			uint16_t field = net_get_be16(buf + offset + 2);

			out->fragment_offset = field & NET_IPV6_FRAGMENT_OFFSET_MASK;
			/* An atomic fragment (RFC 6946: offset 0, M clear) is a whole datagram. */
			out->is_fragment =
			    (field & (NET_IPV6_FRAGMENT_OFFSET_MASK | NET_IPV6_FRAGMENT_MORE)) != 0;
			if (out->fragment_offset != 0) {
				out->l4_proto = buf[offset];
				out->l4_offset = offset + header_len;
				out->nb_extensions = count;
				out->l4_present = false;
				return 0;
			}
		}
		next_header = buf[offset];
		offset += header_len;
	}
	out->l4_proto = next_header;
	out->l4_offset = offset;
	out->nb_extensions = count;
	out->l4_present = next_header != NET_IPPROTO_NONE;
	return 0;
}

#endif /* DSE_NET_IPV6_H */
