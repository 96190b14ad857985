/*
 * Geneve (RFC 8926): the 8-byte base header (version, options length, OAM and critical bits,
 * protocol type, VNI), a bounded walk over its variable-length options, and writing the base
 * header for encapsulation. A receiver that meets a critical option it does not understand must
 * drop the packet (RFC 8926, section 3.5), so the walk reports critical options separately.
 */
#ifndef DSE_NET_GENEVE_H
#define DSE_NET_GENEVE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/byteorder.h"

#define NET_GENEVE_HEADER_LEN        8    /* base header without options */
#define NET_GENEVE_MAX_OPTIONS_LEN   252  /* 6-bit length in 4-byte units */
#define NET_GENEVE_OPTION_HEADER_LEN 4    /* class, type, length */
#define NET_GENEVE_OFF_VERSION       0    /* version (2 high bits) and options length (6 bits) */
#define NET_GENEVE_OFF_FLAGS         1    /* O and C bits */
#define NET_GENEVE_OFF_PROTOCOL      2    /* EtherType of the payload */
#define NET_GENEVE_OFF_VNI           4    /* 24-bit VNI then a reserved byte */
#define NET_GENEVE_FLAG_OAM          0x80 /* O: control packet, not for forwarding */
#define NET_GENEVE_FLAG_CRITICAL     0x40 /* C: at least one critical option is present */
#define NET_GENEVE_OPTION_CRITICAL   0x80 /* critical bit in the option type */

/* The base header of a Geneve packet, host order. */
struct net_geneve {
	uint32_t vni;          /* virtual network identifier (24 bits) */
	uint16_t protocol;     /* EtherType of the payload (0x6558 for Ethernet) */
	uint16_t header_len;   /* base header plus options: where the payload starts */
	uint16_t options_len;  /* bytes of options after the base header */
	bool oam;              /* O bit */
	bool critical_options; /* C bit */
};

/* One Geneve option as found by net_geneve_option_next(). */
struct net_geneve_option {
	const uint8_t *data;   /* option data (after its 4-byte header) */
	uint16_t option_class; /* namespace of the type, host order */
	uint8_t type;          /* type including the critical bit */
	uint8_t data_len;      /* bytes of data (length field * 4) */
	bool critical;         /* the type's high bit */
};

/*
 * Parses the Geneve header at buf (len bytes from the start of the UDP payload) into out.
 * Returns 0; -EMSGSIZE if len is below the base header or the options it announces;
 * -EPROTONOSUPPORT if the version is not 0. Options are not walked (see below).
 */
static inline int
net_geneve_parse(const uint8_t *buf, uint32_t len, struct net_geneve *out)
{
	uint32_t options_len;

	if (len < NET_GENEVE_HEADER_LEN)
		return -EMSGSIZE;
	if ((buf[NET_GENEVE_OFF_VERSION] >> 6) != 0)
		return -EPROTONOSUPPORT;
	options_len = (uint32_t)(buf[NET_GENEVE_OFF_VERSION] & 0x3f) * 4;
	if (NET_GENEVE_HEADER_LEN + options_len > len)
		return -EMSGSIZE;
	out->vni = net_get_be24(buf + NET_GENEVE_OFF_VNI);
	out->protocol = net_get_be16(buf + NET_GENEVE_OFF_PROTOCOL);
	out->options_len = (uint16_t)options_len;
	out->header_len = (uint16_t)(NET_GENEVE_HEADER_LEN + options_len);
	out->oam = (buf[NET_GENEVE_OFF_FLAGS] & NET_GENEVE_FLAG_OAM) != 0;
	out->critical_options = (buf[NET_GENEVE_OFF_FLAGS] & NET_GENEVE_FLAG_CRITICAL) != 0;
	return 0;
}

/*
 * Reads the option at *offset in the options area (options, options_len bytes) into option and
 * advances *offset past it. Returns 1 when an option was read, 0 at the end of the area, or
 * -EBADMSG if the option's header or data runs past the end of the area.
 */
static inline int
net_geneve_option_next(const uint8_t *options, uint32_t options_len, uint32_t *offset,
                       struct net_geneve_option *option)
{
	const uint8_t *header;
	uint32_t data_len;

	if (*offset >= options_len)
		return 0;
	if (options_len - *offset < NET_GENEVE_OPTION_HEADER_LEN)
		return -EBADMSG;
	header = options + *offset;
	data_len = (uint32_t)(header[3] & 0x1f) * 4;
	if (data_len > options_len - *offset - NET_GENEVE_OPTION_HEADER_LEN)
		return -EBADMSG;
	option->option_class = net_get_be16(header);
	option->type = header[2];
	option->critical = (header[2] & NET_GENEVE_OPTION_CRITICAL) != 0;
	option->data_len = (uint8_t)data_len;
	option->data = header + NET_GENEVE_OPTION_HEADER_LEN;
	*offset += NET_GENEVE_OPTION_HEADER_LEN + data_len;
	return 1;
}

/*
 * Walks every option of the options area (options, options_len bytes) and counts the critical
 * ones into *nb_critical (may be NULL). The walk ends after at most options_len / 4 steps since
 * each option is at least 4 bytes. Returns 0, or -EBADMSG if an option runs past the area.
 */
static inline int
net_geneve_options_validate(const uint8_t *options, uint32_t options_len, uint32_t *nb_critical)
{
	struct net_geneve_option option;
	uint32_t offset = 0, critical = 0;
	int rc;

	while ((rc = net_geneve_option_next(options, options_len, &offset, &option)) > 0)
		critical += option.critical;
	if (nb_critical != NULL)
		*nb_critical = critical;
	return rc;
}

/* Writes an 8-byte Geneve base header without options for vni and payload protocol. */
static inline void
net_geneve_write_header(uint8_t *buf, uint32_t vni, uint16_t protocol)
{
	buf[NET_GENEVE_OFF_VERSION] = 0;
	buf[NET_GENEVE_OFF_FLAGS] = 0;
	net_put_be16(buf + NET_GENEVE_OFF_PROTOCOL, protocol);
	net_put_be24(buf + NET_GENEVE_OFF_VNI, vni);
	buf[NET_GENEVE_OFF_VNI + 3] = 0;
}

#endif /* DSE_NET_GENEVE_H */
