/*
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers"), shared by the IPv4 protocol
 * field and the IPv6 next-header chain.
 */
#ifndef DSE_NET_IPPROTO_H
#define DSE_NET_IPPROTO_H

#define NET_IPPROTO_HOPOPTS  0   /* IPv6 hop-by-hop options (RFC 8200) */
#define NET_IPPROTO_ICMP     1   /* ICMP for IPv4 (RFC 792) */
#define NET_IPPROTO_TCP      6   /* RFC 9293 */
#define NET_IPPROTO_UDP      17  /* RFC 768 */
#define NET_IPPROTO_ROUTING  43  /* IPv6 routing header */
#define NET_IPPROTO_FRAGMENT 44  /* IPv6 fragment header */
#define NET_IPPROTO_GRE      47  /* RFC 2784 */
#define NET_IPPROTO_ESP      50  /* RFC 4303 */
#define NET_IPPROTO_AH       51  /* RFC 4302 */
#define NET_IPPROTO_ICMPV6   58  /* RFC 4443 */
#define NET_IPPROTO_NONE     59  /* IPv6 "no next header" */
#define NET_IPPROTO_DSTOPTS  60  /* IPv6 destination options */
#define NET_IPPROTO_SCTP     132 /* RFC 9260 */

#endif /* DSE_NET_IPPROTO_H */
