/*
 * The ICMP and ICMPv6 echo tracker (RFC 792, RFC 4443): an echo request opens a
 * pseudo-connection keyed by the two addresses and the echo identifier; only the matching echo
 * reply is accepted back. ICMP error messages are not connections: the node accepts them when
 * the packet they quote belongs to a tracked connection (fw_node.c).
 */
#include "flow/ct.h"
#include "net/icmp.h"

#define ICMP_ECHO_REPLY_V6 129

static bool
is_request(const struct ct_pkt *p)
{
	return p->l4[0] == NET_ICMP_ECHO_REQUEST || p->l4[0] == NET_ICMPV6_ECHO_REQUEST;
}

static bool
is_reply(const struct ct_pkt *p)
{
	return p->l4[0] == NET_ICMP_ECHO_REPLY || p->l4[0] == ICMP_ECHO_REPLY_V6;
}

static bool
icmp_may_open(const struct ct_pkt *p)
{
	return is_request(p);
}

static void
icmp_open(struct ct_entry *e, const struct ct_pkt *p)
{
	(void)p;
	e->state = CT_ICMP_REQUEST;
}

static enum ct_verdict
icmp_track(struct ct_entry *e, enum ct_dir dir, const struct ct_pkt *p)
{
	if (dir == CT_DIR_ORIG)
		return is_request(p) ? CT_OK : CT_UNEXPECTED;
	if (!is_reply(p))
		return CT_UNEXPECTED;
	e->state = CT_ICMP_REPLIED;
	return CT_OK;
}

const struct ct_proto ct_proto_icmp = {
    .may_open = icmp_may_open,
    .open = icmp_open,
    .track = icmp_track,
};
