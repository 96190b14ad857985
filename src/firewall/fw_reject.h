/*
 * The firewall's answer to a rejected packet, built in the packet's own buffer and addressed
 * to its input port: a TCP reset (net/tcp_reset.h) or an ICMP/ICMPv6 "administratively
 * prohibited" unreachable (net/icmp_error.h, RFC 792, RFC 4443) quoting the packet. Hot path
 * of dse-firewall.
 */
#ifndef DSE_FIREWALL_FW_REJECT_H
#define DSE_FIREWALL_FW_REJECT_H

#include <stdbool.h>
#include <string.h>

#include <rte_mbuf.h>

#include "core/pkt_meta.h"
#include "firewall/fw_tuple.h"
#include "net/byteorder.h"
#include "net/icmp.h"
#include "net/icmp_error.h"
#include "net/tcp.h"
#include "net/tcp_reset.h"

#define FW_QUOTE_MAX 576 /* bytes of the offending packet an ICMP error quotes */

/*
 * Rewrites m into the answer to a rejected packet (its L3 header at l3, L4 at l4 or NULL) and
 * addresses it to its input port. Returns false if no answer is due or possible.
 */
static inline bool
reject_build(struct rte_mbuf *m, const struct dse_pkt_meta *meta, const uint8_t *l3,
             const uint8_t *l4, const struct fw_tuple *t)
{
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *end = frame + m->data_len;
	bool tcp = t->proto == 6 && l4 != NULL;
	bool v6 = t->family == 6;
	uint8_t macs[12];

	if (frame[6] & 1)
		return false; /* never answer a multicast source */
	if (tcp && l4 + NET_TCP_HEADER_LEN > end)
		return false;
	memcpy(macs, frame + 6, 6);
	memcpy(macs + 6, frame, 6);
	uint32_t qlen = (uint32_t)(end - l3);
	uint32_t max = !v6 ? (l4 ? (uint32_t)(l4 - l3) : 60u) + 64u : FW_QUOTE_MAX - 48u;
	if (qlen > max)
		qlen = max;
	if (qlen > FW_QUOTE_MAX)
		qlen = FW_QUOTE_MAX;

	bool tagged = meta->in_vlan & 0x8000;
	uint32_t l2 = 14 + (tagged ? 4 : 0);
	rte_pktmbuf_reset_headroom(m);
	uint32_t room = (uint32_t)(m->buf_len - m->data_off);
	if (room < l2)
		return false;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	/* The L3 answer first: the builders read the packet before writing over it. */
	int len;
	if (tcp) {
		len = net_tcp_reset_build(p + l2, room - l2, l3, l4, v6);
	} else {
		const struct net_icmp_error unreachable = {
		    .type = v6 ? NET_ICMPV6_DEST_UNREACHABLE : NET_ICMP_DEST_UNREACHABLE,
		    .code = v6 ? 1 : 13, /* administratively prohibited */
		    .ttl = 64,
		    .dont_fragment = true,
		};
		len = net_icmp_error_build(p + l2, room - l2, l3, qlen, v6, &unreachable);
	}
	if (len < 0)
		return false;
	memcpy(p, macs, 12);
	uint8_t *q = p + 12;
	if (tagged) {
		net_put_be16(q, 0x8100);
		net_put_be16(q + 2, meta->in_vlan & 0xfff);
		q += 4;
	}
	net_put_be16(q, v6 ? 0x86dd : 0x0800);
	if (m->nb_segs > 1) {
		/* The answer fits the first buffer; the rest of a GSO frame goes. */
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->data_len = (uint16_t)(l2 + (uint32_t)len);
	m->pkt_len = l2 + (uint32_t)len;
	/* The answer carries its own checksums: none of the rejected frame's offload state. */
	m->ol_flags = 0;
	m->tso_segsz = 0;
	return true;
}

#endif
