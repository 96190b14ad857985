/*
 * The UDP tracker (RFC 768), also used for every IP protocol without a tracker of its own: a
 * pseudo-connection opened by the first datagram and marked replied when the other side answers.
 * There is no state to check beyond the direction.
 */
#include "flow/ct.h"

static bool
udp_may_open(const struct ct_pkt *p)
{
	(void)p;
	return true;
}

static void
udp_open(struct ct_entry *e, const struct ct_pkt *p)
{
	(void)p;
	e->state = CT_UDP_NEW;
}

static enum ct_verdict
udp_track(struct ct_entry *e, enum ct_dir dir, const struct ct_pkt *p)
{
	(void)p;
	if (dir == CT_DIR_REPLY && e->state == CT_UDP_NEW)
		e->state = CT_UDP_REPLIED;
	return CT_OK;
}

const struct ct_proto ct_proto_udp = {
    .may_open = udp_may_open,
    .open = udp_open,
    .track = udp_track,
};
