/*
 * Ethernet II framing (IEEE 802.3 with an EtherType, as used by IP) and MAC address helpers:
 * classification (broadcast, multicast, all-zero), the "aa:bb:cc:dd:ee:ff" text form used by the
 * config, the API and the CLI, and reading and writing the 14-byte header.
 */
#ifndef DSE_NET_ETH_H
#define DSE_NET_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/byteorder.h"

#define NET_MAC_LEN               6  /* bytes in a MAC address */
#define NET_MAC_STRING_SIZE       18 /* "aa:bb:cc:dd:ee:ff" plus the terminating NUL */
#define NET_ETH_HEADER_LEN        14 /* destination, source, EtherType */
#define NET_ETH_OFF_DST           0  /* offset of the destination MAC */
#define NET_ETH_OFF_SRC           6  /* offset of the source MAC */
#define NET_ETH_OFF_ETHERTYPE     12 /* offset of the EtherType (or of the first VLAN TPID) */
#define NET_ETH_MIN_FRAME_LEN     60 /* shortest frame on the wire, without the FCS */
#define NET_ETHERTYPE_IPV4        0x0800
#define NET_ETHERTYPE_ARP         0x0806
#define NET_ETHERTYPE_VLAN        0x8100 /* IEEE 802.1Q customer tag */
#define NET_ETHERTYPE_IPV6        0x86dd
#define NET_ETHERTYPE_QINQ        0x88a8 /* IEEE 802.1ad service tag */
#define NET_ETHERTYPE_QINQ_LEGACY 0x9100 /* pre-802.1ad service tag still sent by some switches */
#define NET_ETHERTYPE_TEB         0x6558 /* transparent Ethernet bridging, Geneve's inner Ethernet */

/* A MAC address as a value, for tables and config; frames hold the same six bytes in place. */
struct net_mac {
	uint8_t bytes[NET_MAC_LEN]; /* address in transmission order */
};

/* Returns true if mac (6 bytes) is ff:ff:ff:ff:ff:ff. */
static inline bool
net_mac_is_broadcast(const uint8_t *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

/* Returns true if mac (6 bytes) has the group bit set (multicast, including broadcast). */
static inline bool
net_mac_is_multicast(const uint8_t *mac)
{
	return (mac[0] & 0x01) != 0;
}

/* Returns true if mac (6 bytes) is 00:00:00:00:00:00, which config uses for "not set". */
static inline bool
net_mac_is_zero(const uint8_t *mac)
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

/* Returns true if mac (6 bytes) is a unicast address a port may own (not group, not zero). */
static inline bool
net_mac_is_unicast(const uint8_t *mac)
{
	return !net_mac_is_multicast(mac) && !net_mac_is_zero(mac);
}

/* Returns true if the two 6-byte addresses are equal. */
static inline bool
net_mac_equal(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, NET_MAC_LEN) == 0;
}

/*
 * Writes mac as "aa:bb:cc:dd:ee:ff" (lower case) into text, which has size bytes.
 * Returns 0, or -ENOSPC if size < NET_MAC_STRING_SIZE (text is then untouched).
 */
int net_mac_format(const uint8_t *mac, char *text, size_t size);

/*
 * Parses exactly six colon-separated pairs of hex digits ("aa:bb:cc:dd:ee:ff", either case) into
 * mac. Returns 0, or -EINVAL for anything else (mac is then untouched).
 */
int net_mac_parse(const char *text, uint8_t *mac);

/* Returns the EtherType (or outer TPID) of the frame starting at frame, which has >= 14 bytes. */
static inline uint16_t
net_eth_get_ethertype(const uint8_t *frame)
{
	return net_get_be16(frame + NET_ETH_OFF_ETHERTYPE);
}

/* Writes a 14-byte Ethernet II header at frame. */
static inline void
net_eth_write_header(uint8_t *frame, const uint8_t *dst, const uint8_t *src, uint16_t ethertype)
{
	memcpy(frame + NET_ETH_OFF_DST, dst, NET_MAC_LEN);
	memcpy(frame + NET_ETH_OFF_SRC, src, NET_MAC_LEN);
	net_put_be16(frame + NET_ETH_OFF_ETHERTYPE, ethertype);
}

#endif /* DSE_NET_ETH_H */
