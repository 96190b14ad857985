/*
 * VXLAN (RFC 7348): the 8-byte header after UDP port 4789, with the I flag that says the VNI is
 * valid, and writing it for encapsulation. Reserved bits are ignored on receipt, as the RFC asks.
 */
#ifndef DSE_NET_VXLAN_H
#define DSE_NET_VXLAN_H

#include <errno.h>
#include <stdint.h>

#include "net/byteorder.h"

#define NET_VXLAN_HEADER_LEN 8    /* flags, reserved, VNI, reserved */
#define NET_VXLAN_OFF_FLAGS  0    /* flags byte */
#define NET_VXLAN_OFF_VNI    4    /* 24-bit VNI then a reserved byte */
#define NET_VXLAN_FLAG_VNI   0x08 /* I: the VNI field is valid */
#define NET_VXLAN_VNI_MAX    0xffffff

/*
 * Parses the VXLAN header at buf (len bytes from the start of the UDP payload) and stores the
 * VNI in *vni. Returns 0; -EMSGSIZE if len < 8; -EBADMSG if the I flag is clear.
 */
static inline int
net_vxlan_parse(const uint8_t *buf, uint32_t len, uint32_t *vni)
{
	if (len < NET_VXLAN_HEADER_LEN)
		return -EMSGSIZE;
	if ((buf[NET_VXLAN_OFF_FLAGS] & NET_VXLAN_FLAG_VNI) == 0)
		return -EBADMSG;
	*vni = net_get_be24(buf + NET_VXLAN_OFF_VNI);
	return 0;
}

/* Writes an 8-byte VXLAN header for vni (I flag set, reserved fields zero). */
static inline void
net_vxlan_write_header(uint8_t *buf, uint32_t vni)
{
	net_put_be32(buf, (uint32_t)NET_VXLAN_FLAG_VNI << 24);
	net_put_be24(buf + NET_VXLAN_OFF_VNI, vni);
	buf[NET_VXLAN_OFF_VNI + 3] = 0;
}

#endif /* DSE_NET_VXLAN_H */
