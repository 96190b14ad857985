/*
 * The TCP tracker: follows a connection through the handshake, data and close of RFC 9293
 * (SYN, SYN-ACK, established, FIN/RST closing, time-wait) and checks every segment against the
 * window each side has advertised, after Rooij's "Real stateful TCP packet filtering in IP
 * Filter" (the same four bounds netfilter and OVS use), with RFC 7323 window scaling. Segments
 * outside the window, resets outside it and segments that make no sense in the current state are
 * reported so the node drops them under a named reason. Hot path: no locks; each side's fields
 * are written only by the worker that sees that side's packets, the state by either.
 */
#include <rte_common.h>

#include "flow/ct.h"
#include "net/byteorder.h"
#include "net/tcp.h"

#define CT_TCP_MAX_ACK_WINDOW 66000 /* slack for acks of data not yet seen (as netfilter) */
#define CT_WSCALE_NONE        0xf   /* no window scale option */
#define CT_WSCALE_MAX         14    /* RFC 7323 2.3 */

uint8_t
ct_tcp_wscale(const uint8_t *tcp, uint32_t len)
{
	uint32_t hlen = net_tcp_header_len(tcp);
	if (hlen > len)
		hlen = len;
	for (uint32_t i = NET_TCP_HEADER_LEN; i < hlen;) {
		uint8_t kind = tcp[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hlen || tcp[i + 1] < 2 || i + tcp[i + 1] > hlen)
			break;
		if (kind == 3 && tcp[i + 1] == 3)
			return RTE_MIN(tcp[i + 2], CT_WSCALE_MAX);
		i += tcp[i + 1];
	}
	return CT_WSCALE_NONE;
}

/* Whether a flag combination can ever be valid (RFC 9293 3.10.7; as the common trackers). */
static bool
flags_valid(uint8_t flags)
{
	uint8_t f =
	    flags & (NET_TCP_FLAG_SYN | NET_TCP_FLAG_ACK | NET_TCP_FLAG_FIN | NET_TCP_FLAG_RST);
	switch (f) {
	case NET_TCP_FLAG_SYN:
	case NET_TCP_FLAG_SYN | NET_TCP_FLAG_ACK:
	case NET_TCP_FLAG_RST:
	case NET_TCP_FLAG_RST | NET_TCP_FLAG_ACK:
	case NET_TCP_FLAG_FIN | NET_TCP_FLAG_ACK:
	case NET_TCP_FLAG_ACK:
		return true;
	default:
		return false;
	}
}

/* Sequence space a segment takes: data, plus one for SYN and one for FIN. */
static uint32_t
seg_len(const struct ct_pkt *p)
{
	uint32_t hlen = net_tcp_header_len(p->l4);
	uint32_t len = p->l4_len > hlen ? p->l4_len - hlen : 0;
	return len + !!(p->tcp_flags & NET_TCP_FLAG_SYN) + !!(p->tcp_flags & NET_TCP_FLAG_FIN);
}

static bool
tcp_may_open(const struct ct_pkt *p)
{
	return (p->tcp_flags & (NET_TCP_FLAG_SYN | NET_TCP_FLAG_ACK | NET_TCP_FLAG_RST |
	                        NET_TCP_FLAG_FIN)) == NET_TCP_FLAG_SYN;
}

static void
tcp_open(struct ct_entry *e, const struct ct_pkt *p)
{
	struct ct_tcp_peer *o = &e->peer[0];
	uint32_t seq = net_tcp_sequence(p->l4);
	uint16_t win = net_get_be16(p->l4 + NET_TCP_OFF_WINDOW);

	memset(e->peer, 0, sizeof(e->peer));
	o->end = seq + seg_len(p);
	o->maxend = o->end;
	o->maxwin = win ? win : 1;
	o->wscale = ct_tcp_wscale(p->l4, p->l4_len);
	o->flags = CT_PEER_SEEN;
	e->peer[1].wscale = CT_WSCALE_NONE;
	e->state = CT_TCP_SYN_SENT;
}

/* The responder's SYN-ACK in SYN_SENT: learn its side. */
static enum ct_verdict
tcp_synack(struct ct_entry *e, const struct ct_pkt *p)
{
	struct ct_tcp_peer *o = &e->peer[0], *r = &e->peer[1];
	uint32_t seq = net_tcp_sequence(p->l4), ack = net_tcp_acknowledge(p->l4);
	uint16_t win = net_get_be16(p->l4 + NET_TCP_OFF_WINDOW);

	if (ack != o->end)
		return CT_OUT_OF_WINDOW;
	r->end = seq + seg_len(p);
	r->maxwin = win ? win : 1;
	r->wscale = ct_tcp_wscale(p->l4, p->l4_len);
	if (r->wscale == CT_WSCALE_NONE || o->wscale == CT_WSCALE_NONE)
		r->wscale = o->wscale = CT_WSCALE_NONE; /* scaling needs both sides (RFC 7323) */
	r->maxend = r->end + o->maxwin;
	r->flags = CT_PEER_SEEN;
	o->maxend = ack + win;
	e->state = CT_TCP_SYN_RECV;
	return CT_OK;
}

static enum ct_verdict
tcp_track(struct ct_entry *e, enum ct_dir dir, const struct ct_pkt *p)
{
	uint8_t flags = p->tcp_flags;
	uint8_t state = e->state;

	if (!flags_valid(flags))
		return CT_INVALID_FLAGS;
	bool syn = flags & NET_TCP_FLAG_SYN, ack_flag = flags & NET_TCP_FLAG_ACK;
	bool rst = flags & NET_TCP_FLAG_RST;

	if (syn && !ack_flag && dir == CT_DIR_ORIG &&
	    (state == CT_TCP_TIME_WAIT || state == CT_TCP_CLOSED))
		return CT_REOPEN;
	if (state == CT_TCP_SYN_SENT) {
		if (dir == CT_DIR_ORIG)
			return syn && !ack_flag ? CT_OK : CT_UNEXPECTED; /* SYN retransmission */
		if (syn && ack_flag)
			return tcp_synack(e, p);
		if (rst) {
			/* A reset answering the SYN must acknowledge it (RFC 9293 3.10.7.3). */
			if (!ack_flag || net_tcp_acknowledge(p->l4) != e->peer[0].end)
				return CT_BAD_RST;
			e->state = CT_TCP_CLOSED;
			return CT_OK;
		}
		return CT_UNEXPECTED;
	}
	if (syn) {
		/* Retransmitted SYN or SYN-ACK during the handshake only. */
		if (state == CT_TCP_SYN_RECV &&
		    ((dir == CT_DIR_ORIG && !ack_flag) || (dir == CT_DIR_REPLY && ack_flag)))
			return CT_OK;
		return CT_UNEXPECTED;
	}

	struct ct_tcp_peer *s = &e->peer[dir], *r = &e->peer[!dir];
	uint32_t seq = net_tcp_sequence(p->l4);
	uint32_t ack = ack_flag ? net_tcp_acknowledge(p->l4) : r->end;
	uint32_t end = seq + seg_len(p);
	uint32_t win = net_get_be16(p->l4 + NET_TCP_OFF_WINDOW);
	if (s->wscale != CT_WSCALE_NONE)
		win <<= s->wscale;
	uint32_t max_ack_win = RTE_MAX(s->maxwin, (uint32_t)CT_TCP_MAX_ACK_WINDOW);

	bool in_window = !ct_seq_after(seq, s->maxend) && ct_seq_after(end, s->end - r->maxwin - 1);
	bool ack_ok = !ct_seq_after(ack, r->end) && ct_seq_after(ack, r->end - max_ack_win - 1);
	if (rst) {
		if (!in_window)
			return CT_BAD_RST;
		e->state = CT_TCP_CLOSED;
		return CT_OK;
	}
	if (!in_window || !ack_ok)
		return CT_OUT_OF_WINDOW;

	if (ct_seq_after(end, s->end))
		s->end = end;
	if (win > s->maxwin)
		s->maxwin = win;
	if (ack_flag && ct_seq_after(ack + win, r->maxend))
		r->maxend = ack + win;
	s->flags |= CT_PEER_SEEN;
	if (flags & NET_TCP_FLAG_FIN)
		s->flags |= CT_PEER_FIN;
	/* The other side's FIN is acknowledged when ack covers all it sent, FIN included. */
	if (ack_flag && (r->flags & CT_PEER_FIN) && ack == r->end)
		r->flags |= CT_PEER_FIN_ACK;

	uint8_t fin = (s->flags & CT_PEER_FIN) + (r->flags & CT_PEER_FIN);
	bool both_acked = (s->flags & CT_PEER_FIN_ACK) && (r->flags & CT_PEER_FIN_ACK);
	uint8_t next = state;
	if (both_acked)
		next = CT_TCP_TIME_WAIT;
	else if (fin == 2 * CT_PEER_FIN)
		next = CT_TCP_CLOSING;
	else if (fin)
		next = state == CT_TCP_SYN_RECV ? CT_TCP_FIN_WAIT
		                                : RTE_MAX(state, (uint8_t)CT_TCP_FIN_WAIT);
	else if (state == CT_TCP_SYN_RECV && dir == CT_DIR_ORIG && ack_flag)
		next = CT_TCP_ESTABLISHED;
	if (next != state && state < CT_TCP_TIME_WAIT)
		e->state = next;
	return CT_OK;
}

const struct ct_proto ct_proto_tcp = {
    .may_open = tcp_may_open,
    .open = tcp_open,
    .track = tcp_track,
};
