/*
 * Pushing and popping the outer VLAN tag in place (IEEE 802.1Q / 802.1ad). Only the two MAC
 * addresses move; the rest of the frame stays where it is, which is why push needs headroom.
 */
#include <errno.h>
#include <string.h>

#include "net/vlan.h"

int
net_vlan_push(uint8_t **frame, uint32_t *len, uint32_t headroom, uint16_t tpid, uint16_t tci)
{
	uint8_t *old_start = *frame;
	uint8_t *new_start;

	if (headroom < NET_VLAN_TAG_LEN)
		return -ENOSPC;
	if (*len < NET_ETH_HEADER_LEN)
		return -EINVAL;
	new_start = old_start - NET_VLAN_TAG_LEN;
	memmove(new_start, old_start, 2 * NET_MAC_LEN);
	net_put_be16(new_start + NET_ETH_OFF_ETHERTYPE, tpid);
	net_put_be16(new_start + NET_ETH_OFF_ETHERTYPE + NET_VLAN_OFF_TCI, tci);
	*frame = new_start;
	*len += NET_VLAN_TAG_LEN;
	return 0;
}

int
net_vlan_pop(uint8_t **frame, uint32_t *len, uint16_t *tci)
{
	uint8_t *old_start = *frame;
	uint8_t *new_start = old_start + NET_VLAN_TAG_LEN;

	if (*len < NET_ETH_HEADER_LEN + NET_VLAN_TAG_LEN)
		return -EINVAL;
	if (!net_vlan_is_tpid(net_eth_get_ethertype(old_start)))
		return -EINVAL;
	if (tci != NULL)
		*tci = net_get_be16(old_start + NET_ETH_OFF_ETHERTYPE + NET_VLAN_OFF_TCI);
	memmove(new_start, old_start, 2 * NET_MAC_LEN);
	*frame = new_start;
	*len -= NET_VLAN_TAG_LEN;
	return 0;
}
