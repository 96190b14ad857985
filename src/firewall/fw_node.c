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
 *
 * Frames of the overlay pass here too: frames the switch sends to a remote workload (out_port a
 * remote TEP, or every TEP of the segment) get only the sending port's "out" check and then go
 * on to dse-overlay-encap; decapsulated frames (in_port a remote TEP) get only the receiving
 * port's "in" check. A remote end has no policy of its own here: its host enforces it.
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
	FW_NEXT_ENCAP,
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

/* The rte_acl input of one check of an IPv4 packet. */
static inline void
key4_fill(struct fw_acl_key4 *k, const struct fw_tuple *t, uint8_t dir, uint16_t in_port,
          uint16_t out_port)
{
	*k = (struct fw_acl_key4){.proto = t->proto,
	                          .dir = dir,
	                          .src_id = acl_port_id(in_port),
	                          .dst_id = acl_port_id(out_port),
	                          .sport = t->sport,
	                          .dport = t->dport};
	memcpy(&k->src, t->src, 4);
	memcpy(&k->dst, t->dst, 4);
}

/* The rte_acl input of one check of an IPv6 packet. */
static inline void
key6_fill(struct fw_acl_key6 *k, const struct fw_tuple *t, uint8_t dir, uint16_t in_port,
          uint16_t out_port)
{
	*k = (struct fw_acl_key6){.proto = t->proto,
	                          .dir = dir,
	                          .src_id = acl_port_id(in_port),
	                          .dst_id = acl_port_id(out_port),
	                          .sport = t->sport,
	                          .dport = t->dport};
	memcpy(k->src, t->src, 16);
	memcpy(k->dst, t->dst, 16);
}

/* Runs one check against a class's rules; returns the compiled rule (0 = policy default). */
static inline uint32_t
acl_check(const struct fw_snapshot *f, uint8_t cls, const struct fw_tuple *t, uint8_t dir,
          uint16_t in_port, uint16_t out_port)
{
	const struct fw_class *c = &f->classes[cls];
	uint32_t res = 0;

	if (t->family == 4) {
		struct fw_acl_key4 k;
		key4_fill(&k, t, dir, in_port, out_port);
		const uint8_t *data[1] = {(const uint8_t *)&k};
		if (c->acl4)
			rte_acl_classify(c->acl4, data, &res, 1, 1);
	} else {
		struct fw_acl_key6 k;
		key6_fill(&k, t, dir, in_port, out_port);
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

/* Completes a decision from the rules the two checks found (d->rule_out, d->rule_in): the
 * first that does not allow decides. */
static inline void
decide_combine(const struct fw_snapshot *f, struct fw_decision *d)
{
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

/* Checks a packet going from in_port to out_port against both ports' policies. */
static inline void
decide(const struct fw_snapshot *f, const struct fw_tuple *t, uint16_t in_port, uint16_t out_port,
       struct fw_decision *d)
{
	uint8_t cin = class_of(f, in_port), cout = class_of(f, out_port);

	d->rule_out =
	    cin == FW_NO_CLASS ? NO_RULE : acl_check(f, cin, t, FW_ACL_DIR_OUT, in_port, out_port);
	d->rule_in =
	    cout == FW_NO_CLASS ? NO_RULE : acl_check(f, cout, t, FW_ACL_DIR_IN, in_port, out_port);
	decide_combine(f, d);
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
	if (m->nb_segs > 1) {
		/* The answer fits the first buffer; the rest of a GSO frame goes. */
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	/* The answer carries its own checksums: none of the rejected frame's offload state. */
	m->ol_flags &= ~(RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	m->tso_segsz = 0;
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
	uint64_t h;
	key_make(&k, &t, zone, &h);
	return ct_lookup(f->ct, &k, h) ? DSE_DROP_NONE : DSE_DROP_CT_ICMP_ERROR_UNKNOWN;
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

/* What the first look at a packet found, kept for the next steps of its burst. */
struct fw_pkt {
	struct fw_tuple t; /* addresses and ports */
	struct ct_key k;   /* its connection's key */
	uint64_t h;        /* hash of k */
	const uint8_t *l3; /* L3 header, where it is after the switch */
	const uint8_t *l4; /* L4 header, NULL if none */
	struct ct_pkt p;   /* what the trackers look at */
	uint32_t slot;     /* table slot whose signature matched, UINT32_MAX if none */
	uint32_t rule_out; /* decided: rule of the sending port's check, or NO_RULE */
	uint32_t rule_in;  /* decided: rule of the receiving port's check, or NO_RULE */
	bool decided;      /* rule_out and rule_in are the rules' verdicts on this packet */
	uint8_t type;      /* ICMP type, 0 otherwise */
	bool src_first;    /* the source is key endpoint 0 */
	bool stateless;    /* no connection of its own */
	uint8_t result;    /* FW_PASS or FW_DROP if already decided, else FW_MORE */
};

#define FW_MORE  0xff /* fw_pkt.result: the packet needs the table and the rules */
#define FW_CHUNK 32   /* packets taken through the steps together */

/*
 * Step 1: reads the packet's tuple and key and prefetches the table buckets its connection
 * would be in, so that a burst's lookups overlap their memory latency.
 */
static inline void
fw_prepare(const struct fw_snapshot *f, const struct dse_snapshot *s, struct rte_mbuf *m,
           struct fw_pkt *pk)
{
	struct dse_pkt_meta *meta = dse_meta(m);
	uint16_t in_port = meta->in_port, out_port = meta->out_port;

	pk->slot = UINT32_MAX;
	pk->decided = false;
	pk->result = FW_PASS;
	if (meta->ethertype != ETHERTYPE_IPV4 && meta->ethertype != ETHERTYPE_IPV6)
		return;
	if (class_of(f, in_port) == FW_NO_CLASS && class_of(f, out_port) == FW_NO_CLASS)
		return;

	/* The switch may have pushed or popped a tag: find the headers where they are now. A
	 * frame for a remote TEP is left as it came (the encapsulation removes its tag). */
	int shift = dse_port_is_remote(out_port)
	                ? 0
	                : (s->ports[out_port].segment_vlan[meta->segment] != DSE_UNTAGGED ? 4 : 0) -
	                      ((meta->in_vlan & 0x8000) ? 4 : 0);
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *end = frame + m->data_len;
	const uint8_t *l3 = frame + meta->l3_offset + shift;
	const uint8_t *l4 = meta->l4_offset ? frame + meta->l4_offset + shift : NULL;
	uint8_t family = meta->ethertype == ETHERTYPE_IPV4 ? 4 : 6;

	if (!tuple_read(&pk->t, family, meta->l4_proto, l3, l4, end)) {
		dse_drop_mark(m, DSE_DROP_L4_TRUNCATED);
		pk->result = FW_DROP;
		return;
	}
	uint8_t type = l4 && is_icmp(pk->t.proto) ? l4[0] : 0;
	if (pk->t.proto == 58 && l4 && icmp6_is_nd(type))
		return;
	pk->p = (struct ct_pkt){.l4 = l4, .l4_len = l4 ? (uint32_t)(end - l4) : 0};
	if (pk->t.proto == 6 && l4) {
		uint32_t l3len = family == 4 ? net_get_be16(l3 + NET_IPV4_OFF_TOTAL_LENGTH)
		                             : NET_IPV6_HEADER_LEN +
		                                   net_get_be16(l3 + NET_IPV6_OFF_PAYLOAD_LENGTH);
		/* A GSO frame's payload may continue in further buffers of its chain: its
		 * length is the IP length, bounded by the whole packet, not the first buffer. */
		if (l3 + l3len <= frame + m->pkt_len)
			pk->p.l4_len = (uint32_t)(l3 + l3len - l4);
		pk->p.tcp_flags = net_tcp_flags(l4);
	}
	pk->l3 = l3;
	pk->l4 = l4;
	pk->type = type;
	/* Non-first fragments, ICMP errors and ICMP other than echo: no connection of their own. */
	pk->stateless = l4 == NULL || (is_icmp(pk->t.proto) && !icmp_is_echo(pk->t.proto, type));
	pk->src_first = key_make(&pk->k, &pk->t, meta->segment, &pk->h);
	pk->result = FW_MORE;
	if (!pk->stateless)
		ct_prefetch(f->ct, pk->h);
}

/* Step 2: finds where the packet's connection probably is (its signature buckets are in cache
 * by now) and prefetches that entry. */
static inline void
fw_find(const struct fw_snapshot *f, struct fw_pkt *pk)
{
	if (pk->result != FW_MORE || pk->stateless)
		return;
	pk->slot = ct_sig_slot(f->ct, pk->h);
	if (pk->slot != UINT32_MAX) {
		const uint8_t *e = (const uint8_t *)&f->ct->entries[pk->slot];
		rte_prefetch0(e);
		rte_prefetch0(e + RTE_CACHE_LINE_SIZE);
		return;
	}
	/* Probably a new connection: fetch the entry it will fill, for writing. */
	uint32_t hint = ct_insert_hint(f->ct, pk->h);
	if (hint != UINT32_MAX) {
		const uint8_t *e = (const uint8_t *)&f->ct->entries[hint];
		__builtin_prefetch(e, 1, 3);
		__builtin_prefetch(e + RTE_CACHE_LINE_SIZE, 1, 3);
	}
}

/*
 * Step 2b: the packets that found no connection are probably new ones: their rule checks are
 * classified together, one rte_acl call per class and family, which is several times cheaper
 * per check than one call each. A packet that turns out to belong to a connection after all
 * (created by an earlier packet of the chunk) just does not use its result.
 */
static inline void
fw_decide_chunk(const struct fw_snapshot *f, void **objs, struct fw_pkt *pk, uint16_t n)
{
	struct fw_acl_key4 k4[2 * FW_CHUNK];
	struct fw_acl_key6 k6[2 * FW_CHUNK];
	uint32_t *to[2 * FW_CHUNK]; /* where each check's result goes */
	uint8_t cls[2 * FW_CHUNK], fam[2 * FW_CHUNK], done[2 * FW_CHUNK];
	const uint8_t *data[2 * FW_CHUNK];
	uint32_t res[2 * FW_CHUNK];
	uint32_t *rto[2 * FW_CHUNK];
	unsigned nk = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct fw_pkt *p = &pk[i];
		if (p->result != FW_MORE || p->slot != UINT32_MAX ||
		    (p->stateless && is_icmp(p->t.proto)))
			continue;
		const struct dse_pkt_meta *meta = dse_meta(objs[i]);
		uint16_t in_port = meta->in_port, out_port = meta->out_port;
		uint8_t cin = class_of(f, in_port), cout = class_of(f, out_port);
		p->rule_out = p->rule_in = NO_RULE;
		p->decided = true;
		for (unsigned side = 0; side < 2; side++) {
			uint8_t c = side == 0 ? cin : cout;
			if (c == FW_NO_CLASS)
				continue;
			uint8_t dir = side == 0 ? FW_ACL_DIR_OUT : FW_ACL_DIR_IN;
			if (p->t.family == 4)
				key4_fill(&k4[nk], &p->t, dir, in_port, out_port);
			else
				key6_fill(&k6[nk], &p->t, dir, in_port, out_port);
			cls[nk] = c;
			fam[nk] = p->t.family;
			to[nk] = side == 0 ? &p->rule_out : &p->rule_in;
			done[nk] = 0;
			nk++;
		}
	}
	for (unsigned a = 0; a < nk; a++) {
		if (done[a])
			continue;
		unsigned m = 0;
		for (unsigned b = a; b < nk; b++) {
			if (done[b] || cls[b] != cls[a] || fam[b] != fam[a])
				continue;
			data[m] = fam[b] == 4 ? (const uint8_t *)&k4[b] : (const uint8_t *)&k6[b];
			rto[m] = to[b];
			res[m] = 0;
			m++;
			done[b] = 1;
		}
		const struct fw_class *c = &f->classes[cls[a]];
		const struct rte_acl_ctx *ctx = fam[a] == 4 ? c->acl4 : c->acl6;
		if (ctx != NULL)
			rte_acl_classify(ctx, data, res, m, 1);
		for (unsigned r = 0; r < m; r++)
			*rto[r] = res[r]; /* 0 when no context: the policy default */
	}
}

/* Step 3: tracks the packet in its connection, or decides a new one by the rules. */
static inline enum fw_result
fw_one(const struct fw_snapshot *f, struct fw_worker_state *ws, struct fw_hits *hits,
       struct rte_mbuf *m, struct fw_pkt *pk)
{
	/* A packet decided in an earlier step has nothing else filled in: leave first. */
	if (pk->result != FW_MORE)
		return (enum fw_result)pk->result;

	struct dse_pkt_meta *meta = dse_meta(m);
	uint16_t in_port = meta->in_port, out_port = meta->out_port;
	const struct fw_tuple *tp = &pk->t;
	const uint8_t *l3 = pk->l3, *l4 = pk->l4;
	const uint8_t *end = rte_pktmbuf_mtod(m, const uint8_t *) + m->data_len;
	const struct ct_pkt *pp = &pk->p;
	uint8_t type = pk->type;
	bool stateless = pk->stateless, src_first = pk->src_first;
	const struct ct_key *kp = &pk->k;
	uint64_t h = pk->h;
	uint32_t now = dse_now_s;
	struct ct_entry *e = NULL;
	struct fw_decision d;

	if (!stateless) {
		e = ct_slot_entry(f->ct, pk->slot, kp, h);
		/* An earlier packet of the burst may have created the connection since step 2. */
		if (e == NULL)
			e = ct_lookup(f->ct, kp, h);
	}

	if (e != NULL) {
		enum ct_dir dir = src_first == e->orig_is_first ? CT_DIR_ORIG : CT_DIR_REPLY;
		enum ct_verdict v = proto_of(tp->proto)->track(e, dir, pp);
		if (unlikely(v == CT_REOPEN)) {
			/* A new connection on the same ports after a close: decide it afresh. */
			decide(f, tp, in_port, out_port, &d);
			if (d.action != DSE_FW_ALLOW)
				goto denied;
			entry_open(e, f, src_first, meta, &d, pp, now);
			if (d.log)
				log_event(f, ws, tp, &d, in_port, out_port);
			dir = CT_DIR_ORIG;
		} else if (unlikely(v != CT_OK)) {
			dse_drop_mark(m, (enum dse_drop_reason)verdict_drop[v]);
			return FW_DROP;
		}
		uint16_t exp_in = dir == CT_DIR_ORIG ? e->orig_in_port : e->orig_out_port;
		uint16_t exp_out = dir == CT_DIR_ORIG ? e->orig_out_port : e->orig_in_port;
		if (unlikely(!same_end(exp_in, in_port) || !same_end(exp_out, out_port))) {
			/* Another path than the one decided (a flooded copy, a moved workload):
			 * decide this packet on its own, as its direction's first packet would be.
			 */
			decide(f, tp, in_port, out_port, &d);
			if (dir == CT_DIR_REPLY && d.action != DSE_FW_ALLOW) {
				struct fw_tuple r = *tp;
				memcpy(r.src, tp->dst, 16);
				memcpy(r.dst, tp->src, 16);
				r.sport = tp->dport;
				r.dport = tp->sport;
				decide(f, &r, out_port, in_port, &d);
			}
			if (d.action != DSE_FW_ALLOW)
				goto denied;
		} else if (unlikely(e->gen != f->gen)) {
			/* Rules changed since this connection was decided: find the rules that
			 * now decide it; established connections keep their verdict unless a
			 * revalidation was asked for. */
			struct fw_tuple o = *tp;
			if (dir == CT_DIR_REPLY) {
				memcpy(o.src, tp->dst, 16);
				memcpy(o.dst, tp->src, 16);
				o.sport = tp->dport;
				o.dport = tp->sport;
				if (is_icmp(tp->proto))
					o.sport =
					    (uint16_t)(tp->family == 4 ? 8
					                               : 128); /* request type */
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

	if (l4 && is_icmp(tp->proto) && icmp_is_error(tp->proto, type)) {
		enum dse_drop_reason r = icmp_error_check(f, tp, l4, end, meta->segment);
		if (r != DSE_DROP_NONE) {
			dse_drop_mark(m, r);
			return FW_DROP;
		}
		return FW_PASS;
	}
	if (!stateless && !proto_of(tp->proto)->may_open(pp)) {
		enum dse_drop_reason r = DSE_DROP_CT_UNEXPECTED;
		if (tp->proto == 6)
			r = (pp->tcp_flags & (NET_TCP_FLAG_SYN | NET_TCP_FLAG_ACK)) ==
			            (NET_TCP_FLAG_SYN | NET_TCP_FLAG_ACK)
			        ? DSE_DROP_CT_TCP_SYNACK_NO_SYN
			        : DSE_DROP_CT_TCP_NO_CONNECTION;
		else if (is_icmp(tp->proto))
			r = DSE_DROP_CT_ICMP_NO_REQUEST;
		dse_drop_mark(m, r);
		return FW_DROP;
	}
	if (pk->decided) {
		d.rule_out = pk->rule_out;
		d.rule_in = pk->rule_in;
		decide_combine(f, &d);
	} else {
		decide(f, tp, in_port, out_port, &d);
	}
	if (d.action != DSE_FW_ALLOW)
		goto denied;
	if (d.log)
		log_event(f, ws, tp, &d, in_port, out_port);
	count_hits(f, hits, d.rule_out, d.rule_in, m->pkt_len);
	if (stateless)
		return FW_PASS;
	struct ct_entry *ne;
	uint32_t *sig;
	if (ct_insert(f->ct, kp, h, &ne, &sig) != CT_INSERTED) {
		dse_drop_mark(m, DSE_DROP_CT_TABLE_FULL);
		return FW_DROP;
	}
	entry_open(ne, f, src_first, meta, &d, pp, now);
	ne->packets[0] = 1;
	ne->bytes[0] = m->pkt_len;
	ct_publish(sig, h);
	ws->counters[FW_C_NEW]++;
	return FW_PASS;

denied:
	count_hits(f, hits, d.decider, NO_RULE, m->pkt_len);
	if (d.log)
		log_event(f, ws, tp, &d, in_port, out_port);
	if (d.action == DSE_FW_REJECT) {
		if (reject_build(m, meta, l3, l4, tp)) {
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

/* Sends a burst on: drop[i] marks drops; frames for remote TEPs go to the overlay. The common
 * case (all to local ports, nothing dropped) moves the whole stream. */
static inline void
fw_dispatch(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb,
            const uint8_t *drop, uint16_t nb_drop)
{
	uint16_t nb_remote = 0;

	for (uint16_t i = 0; i < nb; i++)
		nb_remote += !drop[i] && dse_port_is_remote(dse_meta(objs[i])->out_port);
	if (likely(nb_remote == 0)) {
		dse_node_split(graph, node, objs, nb, drop, nb_drop, FW_NEXT_PORT_TX, FW_NEXT_DROP);
		return;
	}
	for (uint16_t i = 0; i < nb; i++) {
		rte_edge_t next = drop[i] ? FW_NEXT_DROP
		                  : dse_port_is_remote(dse_meta(objs[i])->out_port)
		                      ? FW_NEXT_ENCAP
		                      : FW_NEXT_PORT_TX;
		rte_node_enqueue_x1(graph, node, next, objs[i]);
	}
}

static uint16_t
fw_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct dse_snapshot *s = w->snap;
	const struct fw_snapshot *f = s->fw;
	uint8_t drop[RTE_GRAPH_BURST_SIZE];
	uint16_t nb_drop = 0;
	struct fw_pkt pk[FW_CHUNK];

	if (unlikely(nb_objs > RTE_GRAPH_BURST_SIZE)) {
		for (uint16_t i = 0; i < nb_objs; i++) {
			enum fw_result r = FW_PASS;
			if (f != NULL && f->enabled) {
				fw_prepare(f, s, objs[i], &pk[0]);
				fw_find(f, &pk[0]);
				r = fw_one(f, &fw_worker_state[w->index], f->hits[w->index],
				           objs[i], &pk[0]);
			}
			rte_edge_t next = r == FW_DROP ? FW_NEXT_DROP
			                  : dse_port_is_remote(dse_meta(objs[i])->out_port)
			                      ? FW_NEXT_ENCAP
			                      : FW_NEXT_PORT_TX;
			rte_node_enqueue_x1(graph, node, next, objs[i]);
		}
		return nb_objs;
	}
	if (f == NULL || !f->enabled) {
		memset(drop, 0, nb_objs);
		fw_dispatch(graph, node, objs, nb_objs, drop, 0);
		return nb_objs;
	}
	struct fw_worker_state *ws = &fw_worker_state[w->index];
	struct fw_hits *hits = f->hits[w->index];
	/* In chunks: all tuples and bucket prefetches, then all lookups and entry prefetches,
	 * then the work, so each step finds in cache what the previous one asked for. */
	for (uint16_t c = 0; c < nb_objs; c += FW_CHUNK) {
		uint16_t n = RTE_MIN((uint16_t)FW_CHUNK, (uint16_t)(nb_objs - c));
		for (uint16_t i = 0; i < n; i++) {
			if (i + 2 < n)
				rte_prefetch0(
				    rte_pktmbuf_mtod((struct rte_mbuf *)objs[c + i + 2], void *));
			fw_prepare(f, s, objs[c + i], &pk[i]);
		}
		for (uint16_t i = 0; i < n; i++)
			fw_find(f, &pk[i]);
		fw_decide_chunk(f, &objs[c], pk, n);
		for (uint16_t i = 0; i < n; i++) {
			enum fw_result r = fw_one(f, ws, hits, objs[c + i], &pk[i]);
			drop[c + i] = r == FW_DROP;
			nb_drop += drop[c + i];
		}
	}
	fw_dispatch(graph, node, objs, nb_objs, drop, nb_drop);
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
            [FW_NEXT_ENCAP] = "dse-overlay-encap",
        },
};

RTE_NODE_REGISTER(fw_node);
