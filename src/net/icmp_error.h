/*
 * Building an ICMP (RFC 792) or ICMPv6 (RFC 4443) error that answers an IP packet: the new IP
 * header (addressed from the packet's destination back to its source) and the ICMP message
 * quoting the start of the packet. The one builder of the engine: the firewall's rejects
 * (destination unreachable, administratively prohibited) and the overlay's path-MTU errors
 * (fragmentation needed, RFC 1191; packet too big, RFC 8201) use it.
 */
#ifndef DSE_NET_ICMP_ERROR_H
#define DSE_NET_ICMP_ERROR_H

#include <stdbool.h>
#include <stdint.h>

/* What the error says and how its IP header is set. */
struct net_icmp_error {
	uint8_t type;       /* ICMP or ICMPv6 type */
	uint8_t code;       /* its code */
	uint32_t info;      /* bytes 4-7 of the message (big endian): the MTU of "fragmentation
	                       needed" (low 16 bits) and "packet too big", else 0 */
	uint8_t ttl;        /* TTL or hop limit */
	bool dont_fragment; /* IPv4: set DF */
};

/*
 * Writes at out (room bytes) the IPv4 (v6: IPv6) packet carrying the error e about the IP
 * packet at ip, quoting its first quote_len bytes (which must be readable there and hold the
 * packet's IP header). out may overlap ip: the quote is moved, not copied. Returns the length
 * written, or -1 when room is too small.
 */
int net_icmp_error_build(uint8_t *out, uint32_t room, const uint8_t *ip, uint32_t quote_len,
                         bool v6, const struct net_icmp_error *e);

#endif /* DSE_NET_ICMP_ERROR_H */
