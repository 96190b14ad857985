/*
 * ICMP for IPv4 (RFC 792) and ICMPv6 (RFC 4443): the common 8-byte header (type, code, checksum,
 * and the identifier/sequence of echo messages), the message types the engine handles, and
 * turning an echo request into its reply in place.
 */
#ifndef DSE_NET_ICMP_H
#define DSE_NET_ICMP_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/byteorder.h"
#include "net/checksum.h"

#define NET_ICMP_HEADER_LEN          8 /* type, code, checksum, 4 message-specific bytes */
#define NET_ICMP_OFF_TYPE            0
#define NET_ICMP_OFF_CODE            1
#define NET_ICMP_OFF_CHECKSUM        2
#define NET_ICMP_OFF_ECHO_ID         4 /* echo identifier */
#define NET_ICMP_OFF_ECHO_SEQUENCE   6 /* echo sequence number */
#define NET_ICMP_ECHO_REPLY          0
#define NET_ICMP_DEST_UNREACHABLE    3
#define NET_ICMP_ECHO_REQUEST        8
#define NET_ICMP_TIME_EXCEEDED       11
#define NET_ICMP_FRAG_NEEDED_CODE    4 /* destination unreachable: fragmentation needed */
#define NET_ICMPV6_DEST_UNREACHABLE  1
#define NET_ICMPV6_PACKET_TOO_BIG    2
#define NET_ICMPV6_TIME_EXCEEDED     3
#define NET_ICMPV6_PARAMETER_PROBLEM 4
#define NET_ICMPV6_ECHO_REQUEST      128
#define NET_ICMPV6_ECHO_REPLY        129
#define NET_ICMPV6_ROUTER_SOLICIT    133
#define NET_ICMPV6_ROUTER_ADVERT     134
#define NET_ICMPV6_NEIGHBOR_SOLICIT  135
#define NET_ICMPV6_NEIGHBOR_ADVERT   136

/* Returns the type of the ICMP or ICMPv6 header at icmp. */
static inline uint8_t
net_icmp_type(const uint8_t *icmp)
{
	return icmp[NET_ICMP_OFF_TYPE];
}

/* Returns true if the type is an error that quotes the packet that caused it (v4 or v6). */
static inline bool
net_icmp_is_error(uint8_t type, bool is_v6)
{
	if (is_v6)
		return type < 128;
	return type == NET_ICMP_DEST_UNREACHABLE || type == NET_ICMP_TIME_EXCEEDED ||
	       type == 5 /* redirect */ || type == 12 /* parameter problem */;
}

/*
 * Turns the echo request at icmp (len bytes, ICMPv6 if is_v6) into an echo reply: changes the
 * type and updates the checksum incrementally. The pseudo-header of ICMPv6 is unchanged when
 * the caller swaps the addresses, so no other field is needed. Returns 0, -EMSGSIZE if len is
 * below the header, or -EINVAL if it is not an echo request.
 */
static inline int
net_icmp_echo_to_reply(uint8_t *icmp, uint32_t len, bool is_v6)
{
	uint8_t request = is_v6 ? NET_ICMPV6_ECHO_REQUEST : NET_ICMP_ECHO_REQUEST;
	uint8_t reply = is_v6 ? NET_ICMPV6_ECHO_REPLY : NET_ICMP_ECHO_REPLY;
	uint16_t old_word, new_word, checksum;

	if (len < NET_ICMP_HEADER_LEN)
		return -EMSGSIZE;
	if (icmp[NET_ICMP_OFF_TYPE] != request)
		return -EINVAL;
	old_word = net_get_be16(icmp + NET_ICMP_OFF_TYPE);
	icmp[NET_ICMP_OFF_TYPE] = reply;
	new_word = net_get_be16(icmp + NET_ICMP_OFF_TYPE);
	checksum = net_get_be16(icmp + NET_ICMP_OFF_CHECKSUM);
	net_put_be16(icmp + NET_ICMP_OFF_CHECKSUM,
	             net_checksum_update16(checksum, old_word, new_word));
	return 0;
}

#endif /* DSE_NET_ICMP_H */
