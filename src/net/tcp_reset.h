/*
 * Building the TCP reset that answers a segment (RFC 9293 3.10.7.1): a segment with ACK set is
 * answered with <SEQ=SEG.ACK><CTL=RST>, any other with <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK>, from the segment's destination back to its source.
 */
#ifndef DSE_NET_TCP_RESET_H
#define DSE_NET_TCP_RESET_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Writes at out (room bytes) the IPv4 (v6: IPv6) packet carrying the reset for the segment
 * whose IP header is at ip and TCP header at tcp (both readable; the IP header's length fields
 * give the segment's length). out may overlap ip. Returns the length written, or -1 when no
 * reset is due (the segment is a reset itself) or room is too small.
 */
int net_tcp_reset_build(uint8_t *out, uint32_t room, const uint8_t *ip, const uint8_t *tcp,
                        bool v6);

#endif /* DSE_NET_TCP_RESET_H */
