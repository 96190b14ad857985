/*
 * dse-firewall: the stateful distributed firewall at every workload port. Sits after dse-switch,
 * where the port a packet came in on and the port it leaves on are both known, and checks it
 * against the "out" policy of the first and the "in" policy of the second. The connection
 * table is the flow cache: a packet of a tracked connection costs one lookup plus its
 * protocol's state check (TCP window tracking, ct_tcp.c); only a connection's first packet
 * walks the rte_acl rules. Rejected TCP gets a reset and anything else an ICMP/ICMPv6
 * "administratively prohibited" unreachable (RFC 792, RFC 4443), built in the packet's own
 * buffer and sent back out of its input port. ARP, IPv6 neighbour discovery and non-IP frames
 * pass untouched. This file holds the steps of the burst loop; the tuple and key
 * (fw_tuple.h), the decision (fw_decide.h), logging (fw_log.h) and the reject (fw_reject.h)
 * have their own.
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

#include "core/arc.h"
#include "core/drop.h"
#include "core/node_util.h"
#include "flow/ct.h"
#include "firewall/fw.h"
#include "firewall/fw_decide.h"
#include "firewall/fw_log.h"
#include "firewall/fw_reject.h"
#include "firewall/fw_tuple.h"
#include "net/byteorder.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/tcp.h"

enum fw_next {
	FW_NEXT_PORT_TX, /* next on the L2 arc (wired by core/arc.c): port-tx at its end */
	FW_NEXT_DROP,
	FW_NEXT_ENCAP, /* frames to remote ports: the remote arc at the L2 arc's end */
	FW_NEXT_COUNT,
};

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

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
	struct fw_flow_state *fs = fw_flow_of(e);
	e->orig_is_first = src_first;
	fs->verdict = DSE_FW_ALLOW;
	fs->log = d->log;
	e->orig_in_port = meta->in_port;
	e->orig_out_port = meta->out_port;
	e->created_s = e->last_s = now;
	fs->gen = f->gen;
	fs->rule_out = d->rule_out;
	fs->rule_in = d->rule_in;
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
	pk->src_first = key_make(&pk->k, &pk->t, s->segments[meta->segment].zone, &pk->h);
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
		struct fw_flow_state *fs = fw_flow_of(e);
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
		} else if (unlikely(fs->gen != f->gen)) {
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
			fs->rule_out = d.rule_out;
			fs->rule_in = d.rule_in;
			if (fs->gen < f->reval_gen) {
				fs->verdict = d.action;
				ws->counters[FW_C_REVALIDATED]++;
			}
			fs->gen = f->gen;
		}
		if (unlikely(fs->verdict != DSE_FW_ALLOW)) {
			dse_drop_mark(m, DSE_DROP_FW_RULE_DROP);
			return FW_DROP;
		}
		e->last_s = now;
		e->packets[dir]++;
		e->bytes[dir] += m->pkt_len;
		count_hits(f, hits, fs->rule_out, fs->rule_in, m->pkt_len);
		return FW_PASS;
	}

	if (l4 && is_icmp(tp->proto) && icmp_is_error(tp->proto, type)) {
		enum dse_drop_reason r = icmp_error_check(f, tp, l4, end, pk->k.zone);
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
	const struct fw_snapshot *f = fw_snap_of(s);
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

static struct rte_node_register fw_node = {
    .process = fw_process,
    .name = "dse-firewall",
    .init = dse_node_bind_worker,
    .nb_edges = FW_NEXT_COUNT,
    .next_nodes =
        {
            /* Arc edges start at dse-drop until core wires them. */
            [FW_NEXT_PORT_TX] = "dse-drop",
            [FW_NEXT_DROP] = "dse-drop",
            [FW_NEXT_ENCAP] = "dse-drop",
        },
};

RTE_NODE_REGISTER(fw_node);

/* Both ports are known after the switch: every switched frame is checked here. */
static struct dse_arc_feature fw_feature = {
    .node = "dse-firewall",
    .arc = DSE_ARC_L2,
    .after = "dse-switch",
    .next = FW_NEXT_PORT_TX,
    .remote = FW_NEXT_ENCAP,
};

DSE_ARC_FEATURE(fw_feature);
