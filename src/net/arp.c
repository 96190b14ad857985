/*
 * ARP for IPv4 over Ethernet (RFC 826): parsing and building request and reply frames.
 */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"

int
net_arp_parse(const uint8_t *buf, uint32_t len, struct net_arp *out)
{
	uint16_t operation;

	if (len < NET_ARP_LEN)
		return -EMSGSIZE;
	if (net_get_be16(buf + NET_ARP_OFF_HARDWARE_TYPE) != NET_ARP_HARDWARE_ETHERNET ||
	    net_get_be16(buf + NET_ARP_OFF_PROTOCOL_TYPE) != NET_ETHERTYPE_IPV4 ||
	    buf[NET_ARP_OFF_HARDWARE_LEN] != NET_MAC_LEN || buf[NET_ARP_OFF_PROTOCOL_LEN] != 4)
		return -EPROTONOSUPPORT;
	operation = net_get_be16(buf + NET_ARP_OFF_OPERATION);
	if (operation != NET_ARP_OP_REQUEST && operation != NET_ARP_OP_REPLY)
		return -EINVAL;
	out->operation = operation;
	memcpy(out->sender_mac, buf + NET_ARP_OFF_SENDER_MAC, NET_MAC_LEN);
	out->sender_ip = net_get_be32(buf + NET_ARP_OFF_SENDER_IP);
	memcpy(out->target_mac, buf + NET_ARP_OFF_TARGET_MAC, NET_MAC_LEN);
	out->target_ip = net_get_be32(buf + NET_ARP_OFF_TARGET_IP);
	return 0;
}

/* Writes an Ethernet header and ARP packet; the caller has checked the size. */
static void
net_arp_write(uint8_t *frame, const uint8_t *eth_dst, uint16_t operation, const uint8_t *sender_mac,
              uint32_t sender_ip, const uint8_t *target_mac, uint32_t target_ip)
{
	uint8_t *arp = frame + NET_ETH_HEADER_LEN;

	net_eth_write_header(frame, eth_dst, sender_mac, NET_ETHERTYPE_ARP);
	net_put_be16(arp + NET_ARP_OFF_HARDWARE_TYPE, NET_ARP_HARDWARE_ETHERNET);
	net_put_be16(arp + NET_ARP_OFF_PROTOCOL_TYPE, NET_ETHERTYPE_IPV4);
	arp[NET_ARP_OFF_HARDWARE_LEN] = NET_MAC_LEN;
	arp[NET_ARP_OFF_PROTOCOL_LEN] = 4;
	net_put_be16(arp + NET_ARP_OFF_OPERATION, operation);
	memcpy(arp + NET_ARP_OFF_SENDER_MAC, sender_mac, NET_MAC_LEN);
	net_put_be32(arp + NET_ARP_OFF_SENDER_IP, sender_ip);
	memcpy(arp + NET_ARP_OFF_TARGET_MAC, target_mac, NET_MAC_LEN);
	net_put_be32(arp + NET_ARP_OFF_TARGET_IP, target_ip);
}

int
net_arp_build_reply(uint8_t *frame, uint32_t size, const struct net_arp *request,
                    const uint8_t *our_mac, uint32_t our_ip)
{
	if (size < NET_ARP_FRAME_LEN)
		return -ENOSPC;
	net_arp_write(frame, request->sender_mac, NET_ARP_OP_REPLY, our_mac, our_ip,
	              request->sender_mac, request->sender_ip);
	return NET_ARP_FRAME_LEN;
}

int
net_arp_build_request(uint8_t *frame, uint32_t size, const uint8_t *our_mac, uint32_t our_ip,
                      uint32_t target_ip)
{
	static const uint8_t broadcast[NET_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t unknown[NET_MAC_LEN] = {0};

	if (size < NET_ARP_FRAME_LEN)
		return -ENOSPC;
	net_arp_write(frame, broadcast, NET_ARP_OP_REQUEST, our_mac, our_ip, unknown, target_ip);
	return NET_ARP_FRAME_LEN;
}
