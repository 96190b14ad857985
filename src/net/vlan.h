/*
 * IEEE 802.1Q VLAN tags and IEEE 802.1ad (QinQ) service tags: the 4-byte tag that sits between
 * the source MAC and the EtherType, the TCI fields (priority, drop eligible, VLAN ID), and pushing
 * or popping the outer tag of a frame in place, using headroom in front of the frame.
 */
#ifndef DSE_NET_VLAN_H
#define DSE_NET_VLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "net/byteorder.h"
#include "net/eth.h"

#define NET_VLAN_TAG_LEN   4      /* TPID plus TCI */
#define NET_VLAN_OFF_TCI   2      /* offset of the TCI inside a tag (after the TPID) */
#define NET_VLAN_VID_MASK  0x0fff /* VLAN ID bits of the TCI */
#define NET_VLAN_DEI_BIT   0x1000 /* drop eligible indicator bit of the TCI */
#define NET_VLAN_PCP_SHIFT 13     /* position of the 3 priority bits in the TCI */
#define NET_VLAN_VID_MAX   4094   /* highest usable VLAN ID; 4095 is reserved */

/* Returns true if ethertype is a TPID that introduces a VLAN tag (802.1Q, 802.1ad, legacy). */
static inline bool
net_vlan_is_tpid(uint16_t ethertype)
{
	return ethertype == NET_ETHERTYPE_VLAN || ethertype == NET_ETHERTYPE_QINQ ||
	       ethertype == NET_ETHERTYPE_QINQ_LEGACY;
}

/* Returns the 12-bit VLAN ID of a host-order TCI. */
static inline uint16_t
net_vlan_tci_vid(uint16_t tci)
{
	return tci & NET_VLAN_VID_MASK;
}

/* Returns the 3-bit priority code point of a host-order TCI. */
static inline uint8_t
net_vlan_tci_pcp(uint16_t tci)
{
	return (uint8_t)(tci >> NET_VLAN_PCP_SHIFT);
}

/* Returns true if the drop eligible bit of a host-order TCI is set. */
static inline bool
net_vlan_tci_dei(uint16_t tci)
{
	return (tci & NET_VLAN_DEI_BIT) != 0;
}

/* Builds a host-order TCI from priority (0..7), drop eligibility and VLAN ID (0..4095). */
static inline uint16_t
net_vlan_tci_make(uint8_t pcp, bool dei, uint16_t vid)
{
	return (uint16_t)(((pcp & 0x7) << NET_VLAN_PCP_SHIFT) | (dei ? NET_VLAN_DEI_BIT : 0) |
	                  (vid & NET_VLAN_VID_MASK));
}

/*
 * Inserts a tag (tpid, tci) right after the source MAC of the frame at *frame (*len bytes), using
 * the 4 bytes in front of it: headroom is how many writable bytes precede *frame. On success
 * *frame moves 4 bytes earlier and *len grows by 4. Returns 0, -ENOSPC if headroom < 4, or
 * -EINVAL if the frame is shorter than an Ethernet header.
 */
int net_vlan_push(uint8_t **frame, uint32_t *len, uint32_t headroom, uint16_t tpid, uint16_t tci);

/*
 * Removes the outer tag of the frame at *frame (*len bytes): the MACs move 4 bytes later, *frame
 * moves 4 bytes later and *len shrinks by 4. If tci is not NULL it receives the removed TCI.
 * Returns 0, or -EINVAL if the frame has no complete outer tag.
 */
int net_vlan_pop(uint8_t **frame, uint32_t *len, uint16_t *tci);

#endif /* DSE_NET_VLAN_H */
