/*
 * ARP (RFC 826) for IPv4 over Ethernet: the 28-byte packet, parsing it into host-order values,
 * and building the request and reply frames the router's ARP responder sends.
 */
#ifndef DSE_NET_ARP_H
#define DSE_NET_ARP_H

#include <stdint.h>

#include "net/eth.h"

#define NET_ARP_LEN               28 /* ARP for IPv4 over Ethernet */
#define NET_ARP_FRAME_LEN         (NET_ETH_HEADER_LEN + NET_ARP_LEN) /* untagged, unpadded */
#define NET_ARP_OFF_HARDWARE_TYPE 0
#define NET_ARP_OFF_PROTOCOL_TYPE 2
#define NET_ARP_OFF_HARDWARE_LEN  4
#define NET_ARP_OFF_PROTOCOL_LEN  5
#define NET_ARP_OFF_OPERATION     6
#define NET_ARP_OFF_SENDER_MAC    8
#define NET_ARP_OFF_SENDER_IP     14
#define NET_ARP_OFF_TARGET_MAC    18
#define NET_ARP_OFF_TARGET_IP     24
#define NET_ARP_HARDWARE_ETHERNET 1
#define NET_ARP_OP_REQUEST        1
#define NET_ARP_OP_REPLY          2

/* An ARP packet for IPv4 over Ethernet, fields in host order. */
struct net_arp {
	uint16_t operation;              /* NET_ARP_OP_REQUEST or NET_ARP_OP_REPLY */
	uint8_t sender_mac[NET_MAC_LEN]; /* sender hardware address */
	uint32_t sender_ip;              /* sender protocol address */
	uint8_t target_mac[NET_MAC_LEN]; /* target hardware address (zero in requests) */
	uint32_t target_ip;              /* target protocol address */
};

/*
 * Parses the ARP packet at buf (len bytes, starting after the Ethernet/VLAN headers) into out.
 * Returns 0; -EMSGSIZE if len < 28; -EPROTONOSUPPORT if it is not IPv4 over Ethernet
 * (hardware type 1, protocol 0x0800, lengths 6 and 4); -EINVAL if the operation is neither
 * request nor reply.
 */
int net_arp_parse(const uint8_t *buf, uint32_t len, struct net_arp *out);

/*
 * Writes into frame (size bytes) an untagged Ethernet frame carrying the reply to request,
 * answering that our_ip is at our_mac: sent to the requester's MAC, target fields copied from the
 * request's sender fields. Returns the frame length (42), or -ENOSPC if size is too small.
 */
int net_arp_build_reply(uint8_t *frame, uint32_t size, const struct net_arp *request,
                        const uint8_t *our_mac, uint32_t our_ip);

/*
 * Writes into frame (size bytes) a broadcast ARP request for target_ip from our_mac/our_ip
 * (a gratuitous ARP when target_ip == our_ip). Returns the frame length (42), or -ENOSPC.
 */
int net_arp_build_request(uint8_t *frame, uint32_t size, const uint8_t *our_mac, uint32_t our_ip,
                          uint32_t target_ip);

#endif /* DSE_NET_ARP_H */
