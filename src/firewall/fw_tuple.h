/*
 * What dse-firewall reads of a packet: its tuple (addresses, protocol, ports or ICMP id), the
 * connection table key made from it (both directions one key), and the small classifications
 * the checks need (ICMP errors, echo, neighbour discovery; which ports are ends of a path).
 * Hot path of dse-firewall.
 */
#ifndef DSE_FIREWALL_FW_TUPLE_H
#define DSE_FIREWALL_FW_TUPLE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/pkt_meta.h"
#include "flow/ct.h"
#include "firewall/fw.h"
#include "net/byteorder.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/tcp.h"

/* The addresses and ports of one packet, as the rules and the table see them. */
struct fw_tuple {
	uint8_t family;  /* 4 or 6 */
	uint8_t proto;   /* IP protocol */
	uint16_t sport;  /* network order: TCP/UDP port, ICMP type and code bytes */
	uint16_t dport;  /* network order: TCP/UDP port, 0 otherwise */
	uint16_t id;     /* network order: key port of both ends (ICMP echo id), or 0 */
	uint8_t src[16]; /* source address */
	uint8_t dst[16]; /* destination address */
};

/* The class of a port's policy; remote TEPs have none. */
static inline uint8_t
class_of(const struct fw_snapshot *f, uint16_t port)
{
	return dse_port_is_remote(port) ? FW_NO_CLASS : f->port_class[port];
}

/* A port as the rules' port ids see it: group members are engine ports only. */
static inline uint8_t
acl_port_id(uint16_t port)
{
	return dse_port_is_remote(port) ? FW_PORT_ID_NONE : (uint8_t)port;
}

/* Whether two ports are the same end of a path. Every remote TEP counts as one: the checks
 * of a path to or from a remote workload do not depend on the TEP (a first frame flooded to
 * all of them, later ones to the one it was learned behind). */
static inline bool
same_end(uint16_t a, uint16_t b)
{
	return a == b || (dse_port_is_remote(a) && dse_port_is_remote(b));
}

static inline bool
is_icmp(uint8_t proto)
{
	return proto == 1 || proto == 58;
}

/* ICMP/ICMPv6 error messages (they quote a packet), as net/icmp.h defines them. */
static inline bool
icmp_is_error(uint8_t proto, uint8_t type)
{
	return net_icmp_is_error(type, proto == 58);
}

static inline bool
icmp_is_echo(uint8_t proto, uint8_t type)
{
	return proto == 1 ? type == 8 || type == 0 : type == 128 || type == 129;
}

/* ICMPv6 neighbour discovery and multicast listener messages: like ARP, never filtered. */
static inline bool
icmp6_is_nd(uint8_t type)
{
	return (type >= 130 && type <= 137) || type == 143;
}

/* Reads the tuple of the L3 packet at l3 (l4 at l4, end of data at end). Returns false if the
 * L4 fields are not there. */
static inline bool
tuple_read(struct fw_tuple *t, uint8_t family, uint8_t proto, const uint8_t *l3, const uint8_t *l4,
           const uint8_t *end)
{
	t->family = family;
	t->proto = proto;
	t->sport = t->dport = t->id = 0;
	if (family == 4) {
		memset(t->src, 0, 16);
		memset(t->dst, 0, 16);
		memcpy(t->src, l3 + NET_IPV4_OFF_SRC, 4);
		memcpy(t->dst, l3 + NET_IPV4_OFF_DST, 4);
	} else {
		memcpy(t->src, l3 + NET_IPV6_OFF_SRC, 16);
		memcpy(t->dst, l3 + NET_IPV6_OFF_DST, 16);
	}
	if (l4 == NULL)
		return true;
	if (is_icmp(proto)) {
		if (l4 + NET_ICMP_HEADER_LEN > end)
			return false;
		memcpy(&t->sport, l4, 2); /* type, code */
		if (icmp_is_echo(proto, l4[0]))
			memcpy(&t->id, l4 + NET_ICMP_OFF_ECHO_ID, 2);
		return true;
	}
	if (proto == 6 || proto == 17 || proto == 132) {
		if (l4 + 4 > end)
			return false;
		memcpy(&t->sport, l4, 2);
		memcpy(&t->dport, l4 + 2, 2);
	}
	return true;
}

/* Builds the table key of a tuple and its hash (*h); returns whether the source is key
 * endpoint 0. The key is written in whole 64-bit words, built in registers, and hashed from
 * them: reading back fields just stored a few bytes at a time would stall every packet on
 * store-to-load forwarding. */
static inline bool
key_make(struct ct_key *k, const struct fw_tuple *t, uint16_t zone, uint64_t *h)
{
	uint16_t sp = is_icmp(t->proto) ? t->id : t->sport;
	uint16_t dp = is_icmp(t->proto) ? t->id : t->dport;
	uint64_t w[5];
	bool src_first;

	if (t->family == 4) {
		uint32_t s4, d4;
		memcpy(&s4, t->src, 4);
		memcpy(&d4, t->dst, 4);
		/* Addresses compare as numbers in network order; no library call per packet. */
		uint32_t a = rte_be_to_cpu_32(s4), b = rte_be_to_cpu_32(d4);
		src_first = a < b || (a == b && sp <= dp);
		w[0] = src_first ? s4 : d4;
		w[1] = 0;
		w[2] = src_first ? d4 : s4;
		w[3] = 0;
	} else {
		int c = memcmp(t->src, t->dst, 16);
		src_first = c < 0 || (c == 0 && sp <= dp);
		memcpy(&w[0], src_first ? t->src : t->dst, 16);
		memcpy(&w[2], src_first ? t->dst : t->src, 16);
	}
	/* port[0], port[1], zone, proto, family: the key's last word, in memory order. */
	uint16_t p0 = src_first ? sp : dp, p1 = src_first ? dp : sp;
	w[4] = (uint64_t)p0 | (uint64_t)p1 << 16 | (uint64_t)zone << 32 | (uint64_t)t->proto << 48 |
	       (uint64_t)t->family << 56;
	static_assert(offsetof(struct ct_key, port) == 32 && offsetof(struct ct_key, zone) == 36 &&
	                  offsetof(struct ct_key, proto) == 38 &&
	                  offsetof(struct ct_key, family) == 39,
	              "the key's last word is ports, zone, proto, family");
	memcpy(k, w, sizeof(w));
	*h = ct_words_hash(w);
	return src_first;
}

#endif
