/*
 * IPv4 header (RFC 791): field offsets, accessors and validation of the fixed header, options
 * length and total length against the bytes actually received.
 */
#ifndef DSE_NET_IPV4_H
#define DSE_NET_IPV4_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/byteorder.h"
#include "net/ipproto.h"

#define NET_IPV4_HEADER_LEN           20     /* header without options */
#define NET_IPV4_MAX_HEADER_LEN       60     /* IHL is 4 bits of 32-bit words */
#define NET_IPV4_OFF_VERSION_IHL      0      /* version (high nibble), IHL in 32-bit words (low) */
#define NET_IPV4_OFF_TOS              1      /* DSCP and ECN */
#define NET_IPV4_OFF_TOTAL_LENGTH     2      /* header plus payload, in bytes */
#define NET_IPV4_OFF_ID               4      /* fragment identification */
#define NET_IPV4_OFF_FRAGMENT         6      /* flags (3 bits) and fragment offset (13 bits) */
#define NET_IPV4_OFF_TTL              8      /* time to live */
#define NET_IPV4_OFF_PROTOCOL         9      /* IP protocol of the payload */
#define NET_IPV4_OFF_CHECKSUM         10     /* header checksum */
#define NET_IPV4_OFF_SRC              12     /* source address */
#define NET_IPV4_OFF_DST              16     /* destination address */
#define NET_IPV4_FLAG_DONT_FRAGMENT   0x4000 /* DF in the host-order fragment field */
#define NET_IPV4_FLAG_MORE_FRAGMENTS  0x2000 /* MF in the host-order fragment field */
#define NET_IPV4_FRAGMENT_OFFSET_MASK 0x1fff /* offset in 8-byte units */

/* Returns the version nibble of the header at ip. */
static inline uint8_t
net_ipv4_version(const uint8_t *ip)
{
	return ip[NET_IPV4_OFF_VERSION_IHL] >> 4;
}

/* Returns the header length in bytes (IHL * 4) of the header at ip. */
static inline uint32_t
net_ipv4_header_len(const uint8_t *ip)
{
	return (uint32_t)(ip[NET_IPV4_OFF_VERSION_IHL] & 0x0f) * 4;
}

/* Returns the total length field (header plus payload) of the header at ip, host order. */
static inline uint16_t
net_ipv4_total_length(const uint8_t *ip)
{
	return net_get_be16(ip + NET_IPV4_OFF_TOTAL_LENGTH);
}

/* Returns the protocol field of the header at ip. */
static inline uint8_t
net_ipv4_protocol(const uint8_t *ip)
{
	return ip[NET_IPV4_OFF_PROTOCOL];
}

/* Returns the source address of the header at ip in host order. */
static inline uint32_t
net_ipv4_src(const uint8_t *ip)
{
	return net_get_be32(ip + NET_IPV4_OFF_SRC);
}

/* Returns the destination address of the header at ip in host order. */
static inline uint32_t
net_ipv4_dst(const uint8_t *ip)
{
	return net_get_be32(ip + NET_IPV4_OFF_DST);
}

/* Returns the fragment offset of the header at ip in bytes. */
static inline uint32_t
net_ipv4_fragment_offset(const uint8_t *ip)
{
	return (uint32_t)(net_get_be16(ip + NET_IPV4_OFF_FRAGMENT) &
	                  NET_IPV4_FRAGMENT_OFFSET_MASK) *
	       8;
}

/* Returns true if the header at ip belongs to a fragment (MF set or a non-zero offset). */
static inline bool
net_ipv4_is_fragment(const uint8_t *ip)
{
	return (net_get_be16(ip + NET_IPV4_OFF_FRAGMENT) &
	        (NET_IPV4_FLAG_MORE_FRAGMENTS | NET_IPV4_FRAGMENT_OFFSET_MASK)) != 0;
}

/*
 * Checks the IPv4 header at ip against the len bytes that follow it in the frame (trailing
 * Ethernet padding allowed). Does not check the header checksum (see net_checksum()).
 * Returns 0; -EMSGSIZE if fewer than 20 bytes or fewer than the IHL says; -EPROTO if the version
 * is not 4 or IHL < 5; -EBADMSG if the total length is below the header length or above len.
 */
static inline int
net_ipv4_validate(const uint8_t *ip, uint32_t len)
{
	uint32_t header_len, total_length;

	if (len < NET_IPV4_HEADER_LEN)
		return -EMSGSIZE;
	header_len = net_ipv4_header_len(ip);
	if (net_ipv4_version(ip) != 4 || header_len < NET_IPV4_HEADER_LEN)
		return -EPROTO;
	if (header_len > len)
		return -EMSGSIZE;
	total_length = net_ipv4_total_length(ip);
	if (total_length < header_len || total_length > len)
		return -EBADMSG;
	return 0;
}

/* Writes a 20-byte header without options; the checksum field is left zero for the caller. */
static inline void
net_ipv4_write_header(uint8_t *ip, uint8_t tos, uint16_t total_length, uint16_t id,
                      uint16_t fragment, uint8_t ttl, uint8_t protocol, uint32_t src, uint32_t dst)
{
	ip[NET_IPV4_OFF_VERSION_IHL] = 0x45;
	ip[NET_IPV4_OFF_TOS] = tos;
	net_put_be16(ip + NET_IPV4_OFF_TOTAL_LENGTH, total_length);
	net_put_be16(ip + NET_IPV4_OFF_ID, id);
	net_put_be16(ip + NET_IPV4_OFF_FRAGMENT, fragment);
	ip[NET_IPV4_OFF_TTL] = ttl;
	ip[NET_IPV4_OFF_PROTOCOL] = protocol;
	net_put_be16(ip + NET_IPV4_OFF_CHECKSUM, 0);
	net_put_be32(ip + NET_IPV4_OFF_SRC, src);
	net_put_be32(ip + NET_IPV4_OFF_DST, dst);
}

#endif /* DSE_NET_IPV4_H */
