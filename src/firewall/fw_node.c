/*
 * dse-firewall: the stateful distributed firewall at every workload port. Sits after dse-switch,
 * where the port a packet came in on and the port it leaves on are both known, and checks it
 * against the "out" policy of the first and the "in" policy of the second. The connection
 * table is the flow cache: a packet of a tracked connection costs one lookup plus its
 * protocol's state check (TCP window tracking, ct_tcp.c); only a connection's first packet
 * walks the rte_acl rules. Rejected TCP gets a reset and anything else an ICMP/ICMPv6
 * "administratively prohibited" unreachable (RFC 792, RFC 4443), built in the packet's own
 * buffer and sent back out of its input port. ARP, IPv6 neighbour discovery and non-IP frames
 * pass untouched.
 */
#include <rte_acl.h>
#include <rte_graph_worker.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/drop.h"
#include "core/node_util.h"
#include "firewall/ct.h"
#include "firewall/fw.h"
#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/tcp.h"

enum fw_next {
	FW_NEXT_PORT_TX,
	FW_NEXT_DROP,
	FW_NEXT_COUNT,
};

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define NO_RULE        UINT32_MAX /* a check that did not apply (port not filtered) */
#define QUOTE_MAX      576        /* bytes of the offending packet an ICMP error quotes */

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

static inline bool
is_icmp(uint8_t proto)
{
	return proto == 1 || proto == 58;
}

/* ICMP/ICMPv6 error messages (they quote a packet). */
static inline bool
icmp_is_error(uint8_t proto, uint8_t type)
{
	if (proto == 1)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
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

/* Builds the table key of a tuple; returns whether the source is key endpoint 0. */
static inline bool
key_make(struct ct_key *k, const struct fw_tuple *t, uint16_t zone)
{
	unsigned alen = t->family == 4 ? 4 : 16;
	uint16_t sp = is_icmp(t->proto) ? t->id : t->sport;
	uint16_t dp = is_icmp(t->proto) ? t->id : t->dport;
	int c = memcmp(t->src, t->dst, alen);
	bool src_first = c < 0 || (c == 0 && sp <= dp);

	memcpy(k->addr[0], src_first ? t->src : t->dst, 16);
	memcpy(k->addr[1], src_first ? t->dst : t->src, 16);
	k->port[0] = src_first ? sp : dp;
	k->port[1] = src_first ? dp : sp;
	k->zone = zone;
	k->proto = t->proto;
	k->family = t->family;
	return src_first;
}

/* Runs one check against a class's rules; returns the compiled rule (0 = policy default). */
static inline uint32_t
acl_check(const struct fw_snapshot *f, uint8_t cls, const struct fw_tuple *t, uint8_t dir,
          uint16_t in_port, uint16_t out_port)
{
	const struct fw_class *c = &f->classes[cls];
	uint32_t res = 0;

	if (t->family == 4) {
		struct fw_acl_key4 k = {.proto = t->proto,
		                        .dir = dir,
		                        .src_id = (uint8_t)in_port,
		                        .dst_id = (uint8_t)out_port,
		                        .sport = t->sport,
		                        .dport = t->dport};
		memcpy(&k.src, t->src, 4);
		memcpy(&k.dst, t->dst, 4);
		const uint8_t *data[1] = {(const uint8_t *)&k};
		if (c->acl4)
			rte_acl_classify(c->acl4, data, &res, 1, 1);
	} else {
		struct fw_acl_key6 k = {.proto = t->proto,
		                        .dir = dir,
		                        .src_id = (uint8_t)in_port,
		                        .dst_id = (uint8_t)out_port,
		                        .sport = t->sport,
		                        .dport = t->dport};
		memcpy(k.src, t->src, 16);
		memcpy(k.dst, t->dst, 16);
		const uint8_t *data[1] = {(const uint8_t *)&k};
		if (c->acl6)
			rte_acl_classify(c->acl6, data, &res, 1, 1);
	}
	return res;
}

/* The outcome of the policy for one packet. */
struct fw_decision {
	uint8_t action;    /* enum dse_fw_action */
	uint8_t log;       /* the deciding rule logs */
	uint8_t dir;       /* FW_ACL_DIR_* of the deciding check */
	uint32_t rule_out; /* rule of the sending port's check, or NO_RULE */
	uint32_t rule_in;  /* rule of the receiving port's check, or NO_RULE */
	uint32_t decider;  /* the rule that decided */
};

/* Checks a packet going from in_port to out_port against both ports' policies. */
static inline void
decide(const struct fw_snapshot *f, const struct fw_tuple *t, uint16_t in_port, uint16_t out_port,
       struct fw_decision *d)
{
	uint8_t cin = f->port_class[in_port], cout = f->port_class[out_port];

	d->rule_out =
	    cin == FW_NO_CLASS ? NO_RULE : acl_check(f, cin, t, FW_ACL_DIR_OUT, in_port, out_port);
	d->rule_in =
	    cout == FW_NO_CLASS ? NO_RULE : acl_check(f, cout, t, FW_ACL_DIR_IN, in_port, out_port);
	d->action = DSE_FW_ALLOW;
	d->log = 0;
	d->dir = FW_ACL_DIR_OUT;
	d->decider = d->rule_out != NO_RULE ? d->rule_out : d->rule_in;
	if (d->rule_out != NO_RULE && f->rules[d->rule_out].action != DSE_FW_ALLOW) {
		d->decider = d->rule_out;
	} else if (d->rule_in != NO_RULE && f->rules[d->rule_in].action != DSE_FW_ALLOW) {
		d->decider = d->rule_in;
		d->dir = FW_ACL_DIR_IN;
	}
	if (d->decider != NO_RULE) {
		d->action = f->rules[d->decider].action;
		d->log = f->rules[d->decider].log;
	}
	/* An allowed connection is logged when either port's rule asks for it. */
	if (d->action == DSE_FW_ALLOW && !d->log && d->rule_in != NO_RULE &&
	    f->rules[d->rule_in].log) {
		d->log = 1;
		d->decider = d->rule_in;
		d->dir = FW_ACL_DIR_IN;
	}
}

/* Counts a packet against the rules that decided its connection. */
static inline void
count_hits(const struct fw_snapshot *f, struct fw_hits *hits, uint32_t rule_out, uint32_t rule_in,
           uint32_t len)
{
	if (rule_out < f->nb_rules) {
		hits[rule_out].packets++;
		hits[rule_out].bytes += len;
	}
	if (rule_in < f->nb_rules && rule_in != rule_out) {
		hits[rule_in].packets++;
		hits[rule_in].bytes += len;
	}
}

/* Hands a log event to the control thread, within the worker's rate budget. */
static inline void
log_event(const struct fw_snapshot *f, struct fw_worker_state *ws, const struct fw_tuple *t,
          const struct fw_decision *d, uint16_t in_port, uint16_t out_port)
{
	uint32_t now = dse_now_s;
	/* log_second holds the second + 1, so the budget of second 0 is filled too. */
	if (ws->log_second != now + 1) {
		ws->log_second = now + 1;
		ws->log_budget = f->log_tokens_per_s;
	}
	if (ws->log_budget == 0) {
		ws->counters[FW_C_LOG_DROPPED]++;
		return;
	}
	ws->log_budget--;
	struct fw_log_event ev = {
	    .time_s = now,
	    .rule = d->decider,
	    .family = t->family,
	    .proto = t->proto,
	    .action = d->action,
	    .dir = d->dir,
	    .sport = is_icmp(t->proto) ? 0 : net_get_be16((const uint8_t *)&t->sport),
	    .dport = is_icmp(t->proto) ? 0 : net_get_be16((const uint8_t *)&t->dport),
	    .in_port = in_port,
	    .out_port = out_port,
	};
	memcpy(ev.src, t->src, 16);
	memcpy(ev.dst, t->dst, 16);
	if (rte_ring_mp_enqueue_elem(f->log_ring, &ev, sizeof(ev)) != 0)
		ws->counters[FW_C_LOG_DROPPED]++;
}

/*
 * Rewrites m into the answer to a rejected packet and addresses it to its input port: a TCP
 * reset (RFC 9293 3.10.7.1) or an ICMP/ICMPv6 unreachable quoting the packet. Returns false if
 * no answer is due or possible.
 */
static inline bool
reject_build(struct rte_mbuf *m, const struct dse_pkt_meta *meta, const uint8_t *l3,
             const uint8_t *l4, const struct fw_tuple *t)
{
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *end = frame + m->data_len;
	uint8_t macs[12], quote[QUOTE_MAX];
	uint32_t seq = 0, ack = 0;
	uint8_t flags = 0;
	uint32_t qlen = 0;
	bool tcp = t->proto == 6 && l4 != NULL;

	if (frame[6] & 1)
		return false; /* never answer a multicast source */
	memcpy(macs, frame + 6, 6);
	memcpy(macs + 6, frame, 6);
	if (tcp) {
		if (l4 + NET_TCP_HEADER_LEN > end)
			return false;
		flags = net_tcp_flags(l4);
		if (flags & NET_TCP_FLAG_RST)
			return false;
		uint32_t hlen = net_tcp_header_len(l4);
		uint32_t l3len =
		    t->family == 4
		        ? net_get_be16(l3 + NET_IPV4_OFF_TOTAL_LENGTH)
		        : NET_IPV6_HEADER_LEN + net_get_be16(l3 + NET_IPV6_OFF_PAYLOAD_LENGTH);
		uint32_t data =
		    (uint32_t)(l3 + l3len - l4) > hlen ? (uint32_t)(l3 + l3len - l4) - hlen : 0;
		seq = net_tcp_sequence(l4);
		ack = net_tcp_acknowledge(l4);
		if (flags & NET_TCP_FLAG_ACK) {
			seq = ack;
			ack = 0;
		} else {
			ack = net_tcp_sequence(l4) + data + !!(flags & NET_TCP_FLAG_SYN) +
			      !!(flags & NET_TCP_FLAG_FIN);
			seq = 0;
		}
	} else {
		qlen = (uint32_t)(end - l3);
		uint32_t max =
		    t->family == 4 ? (l4 ? (uint32_t)(l4 - l3) : 60u) + 64u : QUOTE_MAX - 48u;
		if (qlen > max)
			qlen = max;
		if (qlen > QUOTE_MAX)
			qlen = QUOTE_MAX;
		memcpy(quote, l3, qlen);
	}

	uint32_t l2 = 14 + ((meta->in_vlan & 0x8000) ? 4 : 0);
	uint32_t ipl = t->family == 4 ? NET_IPV4_HEADER_LEN : NET_IPV6_HEADER_LEN;
	uint32_t l4l = tcp ? NET_TCP_HEADER_LEN : NET_ICMP_HEADER_LEN + qlen;
	uint32_t total = l2 + ipl + l4l;
	rte_pktmbuf_reset_headroom(m);
	if (total > (uint32_t)(m->buf_len - m->data_off))
		return false;
	m->data_len = (uint16_t)total;
	m->pkt_len = total;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(p, macs, 12);
	uint8_t *q = p + 12;
	if (meta->in_vlan & 0x8000) {
		net_put_be16(q, 0x8100);
		net_put_be16(q + 2, meta->in_vlan & 0xfff);
		q += 4;
	}
	net_put_be16(q, t->family == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
	uint8_t *ip = q + 2, *out4 = ip + ipl;
	uint8_t proto = tcp ? 6 : t->family == 4 ? 1 : 58;
	if (t->family == 4) {
		memset(ip, 0, NET_IPV4_HEADER_LEN);
		ip[0] = 0x45;
		net_put_be16(ip + NET_IPV4_OFF_TOTAL_LENGTH, (uint16_t)(ipl + l4l));
		net_put_be16(ip + NET_IPV4_OFF_FRAGMENT, NET_IPV4_FLAG_DONT_FRAGMENT);
		ip[NET_IPV4_OFF_TTL] = 64;
		ip[NET_IPV4_OFF_PROTOCOL] = proto;
		memcpy(ip + NET_IPV4_OFF_SRC, t->dst, 4);
		memcpy(ip + NET_IPV4_OFF_DST, t->src, 4);
		net_put_be16(ip + NET_IPV4_OFF_CHECKSUM, net_checksum(ip, NET_IPV4_HEADER_LEN));
	} else {
		memset(ip, 0, NET_IPV6_HEADER_LEN);
		ip[0] = 0x60;
		net_put_be16(ip + NET_IPV6_OFF_PAYLOAD_LENGTH, (uint16_t)l4l);
		ip[NET_IPV6_OFF_NEXT_HEADER] = proto;
		ip[NET_IPV6_OFF_HOP_LIMIT] = 64;
		memcpy(ip + NET_IPV6_OFF_SRC, t->dst, 16);
		memcpy(ip + NET_IPV6_OFF_DST, t->src, 16);
	}
	memset(out4, 0, l4l);
	if (tcp) {
		memcpy(out4, &t->dport, 2);
		memcpy(out4 + 2, &t->sport, 2);
		net_put_be32(out4 + NET_TCP_OFF_SEQUENCE, seq);
		net_put_be32(out4 + NET_TCP_OFF_ACKNOWLEDGE, ack);
		out4[NET_TCP_OFF_DATA_OFFSET] = 5 << 4;
		out4[NET_TCP_OFF_FLAGS] = (flags & NET_TCP_FLAG_ACK)
		                              ? NET_TCP_FLAG_RST
		                              : NET_TCP_FLAG_RST | NET_TCP_FLAG_ACK;
	} else {
		out4[0] = t->family == 4 ? NET_ICMP_DEST_UNREACHABLE : NET_ICMPV6_DEST_UNREACHABLE;
		out4[1] = t->family == 4 ? 13 : 1; /* administratively prohibited */
		memcpy(out4 + NET_ICMP_HEADER_LEN, quote, qlen);
	}
	uint16_t c;
	if (t->family == 4)
		c = tcp ? net_ipv4_l4_checksum(ip, out4, l4l) : net_checksum(out4, l4l);
	else
		c = net_ipv6_l4_checksum(ip, proto, out4, l4l);
	net_put_be16(out4 + (tcp ? NET_TCP_OFF_CHECKSUM : NET_ICMP_OFF_CHECKSUM), c);
	m->ol_flags = 0;
	return true;
}

/* Accepts an ICMP error when the packet it quotes belongs to a tracked connection. */
static inline enum dse_drop_reason
icmp_error_check(const struct fw_snapshot *f, const struct fw_tuple *outer, const uint8_t *l4,
                 const uint8_t *end, uint16_t zone)
{
	const uint8_t *in = l4 + NET_ICMP_HEADER_LEN;
	struct fw_tuple t;
	const uint8_t *in4;
	uint8_t proto;

	if (outer->family == 4) {
		if (in + NET_IPV4_HEADER_LEN > end || (in[0] >> 4) != 4)
			return DSE_DROP_CT_ICMP_ERROR_UNKNOWN;
		in4 = in + (in[0] & 0xf) * 4;
		proto = in[NET_IPV4_OFF_PROTOCOL];
	} else {
		if (in + NET_IPV6_HEADER_LEN > end || (in[0] >> 4) != 6)
			return DSE_DROP_CT_ICMP_ERROR_UNKNOWN;
		in4 = in + NET_IPV6_HEADER_LEN; /* extension headers in quotes are not followed */
		proto = in[NET_IPV6_OFF_NEXT_HEADER];
	}
	if (!tuple_read(&t, outer->family, proto, in, in4, end))
		return DSE_DROP_CT_ICMP_ERROR_UNKNOWN;
	struct ct_key k;
	key_make(&k, &t, zone);
	return ct_lookup(f->ct, &k, ct_key_hash(&k)) ? DSE_DROP_NONE
	                                             : DSE_DROP_CT_ICMP_ERROR_UNKNOWN;
}

static inline const struct ct_proto *
proto_of(uint8_t proto)
{
	return proto == 6 ? &ct_proto_tcp : is_icmp(proto) ? &ct_proto_icmp : &ct_proto_udp;
}

static const uint8_t verdict_drop[] = {
    [CT_OK] = DSE_DROP_NONE,
    [CT_INVALID_FLAGS] = DSE_DROP_CT_TCP_INVALID_FLAGS,
    [CT_OUT_OF_WINDOW] = DSE_DROP_CT_TCP_OUT_OF_WINDOW,
    [CT_BAD_RST] = DSE_DROP_CT_TCP_BAD_RST,
    [CT_UNEXPECTED] = DSE_DROP_CT_UNEXPECTED,
    [CT_REOPEN] = DSE_DROP_NONE,
};

/* Result of one packet. */
enum fw_result {
	FW_PASS,   /* on to port-tx */
	FW_DROP,   /* to the drop node, reason marked */
	FW_ANSWER, /* rewritten into a reject answer, on to port-tx */
};

/* Fills a new entry from the first packet of a connection and its decision. */
static inline void
entry_open(struct ct_entry *e, const struct fw_snapshot *f, bool src_first,
           const struct dse_pkt_meta *meta, const struct fw_decision *d, const struct ct_pkt *p,
           uint32_t now)
{
	e->orig_is_first = src_first;
	e->verdict = DSE_FW_ALLOW;
	e->log = d->log;
	e->orig_in_port = meta->in_port;
	e->orig_out_port = meta->out_port;
	e->created_s = e->last_s = now;
	e->gen = f->gen;
	e->rule_out = d->rule_out;
	e->rule_in = d->rule_in;
	proto_of(e->key.proto)->open(e, p);
}

static inline enum fw_result
fw_one(const struct fw_snapshot *f, struct fw_worker_state *ws, struct fw_hits *hits,
       const struct dse_snapshot *s, struct rte_mbuf *m)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	uint16_t in_port = meta->in_port, out_port = meta->out_port;

	if (meta->ethertype != ETHERTYPE_IPV4 && meta->ethertype != ETHERTYPE_IPV6)
		return FW_PASS;
	if (f->port_class[in_port] == FW_NO_CLASS && f->port_class[out_port] == FW_NO_CLASS)
		return FW_PASS;

	/* The switch may have pushed or popped a tag: find the headers where they are now. */
	int shift = (s->ports[out_port].segment_vlan[meta->segment] != DSE_UNTAGGED ? 4 : 0) -
	            ((meta->in_vlan & 0x8000) ? 4 : 0);
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *end = frame + m->data_len;
	const uint8_t *l3 = frame + meta->l3_offset + shift;
	const uint8_t *l4 = meta->l4_offset ? frame + meta->l4_offset + shift : NULL;
	uint8_t family = meta->ethertype == ETHERTYPE_IPV4 ? 4 : 6;
	struct fw_tuple t;

	if (!tuple_read(&t, family, meta->l4_proto, l3, l4, end)) {
		dse_drop_mark(m, DSE_DROP_L4_TRUNCATED);
		return FW_DROP;
	}
	uint32_t now = dse_now_s;
	uint8_t type = l4 && is_icmp(t.proto) ? l4[0] : 0;
	if (t.proto == 58 && l4 && icmp6_is_nd(type))
		return FW_PASS;
	struct ct_pkt p = {.l4 = l4, .l4_len = l4 ? (uint32_t)(end - l4) : 0};
	if (t.proto == 6 && l4) {
		uint32_t l3len = family == 4 ? net_get_be16(l3 + NET_IPV4_OFF_TOTAL_LENGTH)
		                             : NET_IPV6_HEADER_LEN +
		                                   net_get_be16(l3 + NET_IPV6_OFF_PAYLOAD_LENGTH);
		if (l3 + l3len <= end)
			p.l4_len = (uint32_t)(l3 + l3len - l4);
		p.tcp_flags = net_tcp_flags(l4);
	}

	/* Non-first fragments, ICMP errors and ICMP other than echo: no connection of their own. */
	bool stateless = l4 == NULL || (is_icmp(t.proto) && !icmp_is_echo(t.proto, type));
	struct ct_key k;
	bool src_first = key_make(&k, &t, meta->segment);
	uint64_t h = ct_key_hash(&k);
	struct ct_entry *e = stateless ? NULL : ct_lookup(f->ct, &k, h);
	struct fw_decision d;

	if (e != NULL) {
		enum ct_dir dir = src_first == e->orig_is_first ? CT_DIR_ORIG : CT_DIR_REPLY;
		enum ct_verdict v = proto_of(t.proto)->track(e, dir, &p);
		if (unlikely(v == CT_REOPEN)) {
			/* A new connection on the same ports after a close: decide it afresh. */
			decide(f, &t, in_port, out_port, &d);
			if (d.action != DSE_FW_ALLOW)
				goto denied;
			entry_open(e, f, src_first, meta, &d, &p, now);
			if (d.log)
				log_event(f, ws, &t, &d, in_port, out_port);
			dir = CT_DIR_ORIG;
		} else if (unlikely(v != CT_OK)) {
			dse_drop_mark(m, (enum dse_drop_reason)verdict_drop[v]);
			return FW_DROP;
		}
		uint16_t exp_in = dir == CT_DIR_ORIG ? e->orig_in_port : e->orig_out_port;
		uint16_t exp_out = dir == CT_DIR_ORIG ? e->orig_out_port : e->orig_in_port;
		if (unlikely(exp_in != in_port || exp_out != out_port)) {
			/* Another path than the one decided (a flooded copy, a moved workload):
			 * decide this packet on its own, as its direction's first packet would be.
			 */
			decide(f, &t, in_port, out_port, &d);
			if (dir == CT_DIR_REPLY && d.action != DSE_FW_ALLOW) {
				struct fw_tuple r = t;
				memcpy(r.src, t.dst, 16);
				memcpy(r.dst, t.src, 16);
				r.sport = t.dport;
				r.dport = t.sport;
				decide(f, &r, out_port, in_port, &d);
			}
			if (d.action != DSE_FW_ALLOW)
				goto denied;
		} else if (unlikely(e->gen != f->gen)) {
			/* Rules changed since this connection was decided: find the rules that
			 * now decide it; established connections keep their verdict unless a
			 * revalidation was asked for. */
			struct fw_tuple o = t;
			if (dir == CT_DIR_REPLY) {
				memcpy(o.src, t.dst, 16);
				memcpy(o.dst, t.src, 16);
				o.sport = t.dport;
				o.dport = t.sport;
				if (is_icmp(t.proto))
					o.sport =
					    (uint16_t)(t.family == 4 ? 8 : 128); /* request type */
			}
			decide(f, &o, e->orig_in_port, e->orig_out_port, &d);
			e->rule_out = d.rule_out;
			e->rule_in = d.rule_in;
			if (e->gen < f->reval_gen) {
				e->verdict = d.action;
				ws->counters[FW_C_REVALIDATED]++;
			}
			e->gen = f->gen;
		}
		if (unlikely(e->verdict != DSE_FW_ALLOW)) {
			dse_drop_mark(m, DSE_DROP_FW_RULE_DROP);
			return FW_DROP;
		}
		e->last_s = now;
		e->packets[dir]++;
		e->bytes[dir] += m->pkt_len;
		count_hits(f, hits, e->rule_out, e->rule_in, m->pkt_len);
		return FW_PASS;
	}

	if (l4 && is_icmp(t.proto) && icmp_is_error(t.proto, type)) {
		enum dse_drop_reason r = icmp_error_check(f, &t, l4, end, meta->segment);
		if (r != DSE_DROP_NONE) {
			dse_drop_mark(m, r);
			return FW_DROP;
		}
		return FW_PASS;
	}
	if (!stateless && !proto_of(t.proto)->may_open(&p)) {
		enum dse_drop_reason r = DSE_DROP_CT_UNEXPECTED;
		if (t.proto == 6)
			r = (p.tcp_flags & (NET_TCP_FLAG_SYN | NET_TCP_FLAG_ACK)) ==
			            (NET_TCP_FLAG_SYN | NET_TCP_FLAG_ACK)
			        ? DSE_DROP_CT_TCP_SYNACK_NO_SYN
			        : DSE_DROP_CT_TCP_NO_CONNECTION;
		else if (is_icmp(t.proto))
			r = DSE_DROP_CT_ICMP_NO_REQUEST;
		dse_drop_mark(m, r);
		return FW_DROP;
	}
	decide(f, &t, in_port, out_port, &d);
	if (d.action != DSE_FW_ALLOW)
		goto denied;
	if (d.log)
		log_event(f, ws, &t, &d, in_port, out_port);
	count_hits(f, hits, d.rule_out, d.rule_in, m->pkt_len);
	if (stateless)
		return FW_PASS;
	struct ct_entry *ne;
	uint32_t *sig;
	if (ct_insert(f->ct, &k, h, &ne, &sig) != CT_INSERTED) {
		dse_drop_mark(m, DSE_DROP_CT_TABLE_FULL);
		return FW_DROP;
	}
	entry_open(ne, f, src_first, meta, &d, &p, now);
	ne->packets[0] = 1;
	ne->bytes[0] = m->pkt_len;
	ct_publish(sig, h);
	ws->counters[FW_C_NEW]++;
	return FW_PASS;

denied:
	count_hits(f, hits, d.decider, NO_RULE, m->pkt_len);
	if (d.log)
		log_event(f, ws, &t, &d, in_port, out_port);
	if (d.action == DSE_FW_REJECT) {
		if (reject_build(m, meta, l3, l4, &t)) {
			meta->out_port = in_port;
			ws->counters[FW_C_REJECT_SENT]++;
			return FW_ANSWER;
		}
		dse_drop_mark(m, DSE_DROP_FW_RULE_REJECT);
		return FW_DROP;
	}
	dse_drop_mark(m, DSE_DROP_FW_RULE_DROP);
	return FW_DROP;
}

static uint16_t
fw_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct dse_snapshot *s = w->snap;
	const struct fw_snapshot *f = s->fw;
	uint8_t drop[RTE_GRAPH_BURST_SIZE];
	uint16_t nb_drop = 0;

	if (f == NULL || !f->enabled) {
		rte_node_next_stream_move(graph, node, FW_NEXT_PORT_TX);
		return nb_objs;
	}
	struct fw_worker_state *ws = &fw_worker_state[w->index];
	struct fw_hits *hits = f->hits[w->index];
	if (unlikely(nb_objs > RTE_GRAPH_BURST_SIZE)) {
		for (uint16_t i = 0; i < nb_objs; i++) {
			enum fw_result r = fw_one(f, ws, hits, s, objs[i]);
			rte_node_enqueue_x1(graph, node,
			                    r == FW_DROP ? FW_NEXT_DROP : FW_NEXT_PORT_TX, objs[i]);
		}
		return nb_objs;
	}
	for (uint16_t i = 0; i < nb_objs; i++) {
		if (i + 2 < nb_objs)
			rte_prefetch0(rte_pktmbuf_mtod((struct rte_mbuf *)objs[i + 2], void *));
		enum fw_result r = fw_one(f, ws, hits, s, objs[i]);
		drop[i] = r == FW_DROP;
		nb_drop += drop[i];
	}
	dse_node_split(graph, node, objs, nb_objs, drop, nb_drop, FW_NEXT_PORT_TX, FW_NEXT_DROP);
	return nb_objs;
}

static int
fw_node_init(const struct rte_graph *graph, struct rte_node *node)
{
	return dse_node_bind_worker(graph, node);
}

static struct rte_node_register fw_node = {
    .process = fw_process,
    .name = "dse-firewall",
    .init = fw_node_init,
    .nb_edges = FW_NEXT_COUNT,
    .next_nodes =
        {
            [FW_NEXT_PORT_TX] = "dse-port-tx",
            [FW_NEXT_DROP] = "dse-drop",
        },
};

RTE_NODE_REGISTER(fw_node);
