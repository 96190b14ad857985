/*
 * The policy decision of dse-firewall: a packet's two rte_acl checks (the sending port's "out"
 * policy, the receiving port's "in" policy), how they combine into one verdict, and the hit
 * counters of the rules that decided. Hot path of dse-firewall.
 */
#ifndef DSE_FIREWALL_FW_DECIDE_H
#define DSE_FIREWALL_FW_DECIDE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_acl.h>

#include "firewall/fw.h"
#include "firewall/fw_tuple.h"

#define NO_RULE UINT32_MAX /* a check that did not apply (port not filtered) */

/*
 * The initializers of the members both rte_acl input layouts share (all but the addresses),
 * for one check of tuple t in direction dir between two engine ports; the members left out
 * (padding) are zero.
 */
#define FW_ACL_KEY_COMMON(t, dir_, in_port, out_port)                                              \
	.proto = (t)->proto, .dir = (dir_), .src_id = acl_port_id(in_port),                        \
	.dst_id = acl_port_id(out_port), .sport = (t)->sport, .dport = (t)->dport

/* The rte_acl input of one check of an IPv4 packet. */
static inline void
key4_fill(struct fw_acl_key4 *k, const struct fw_tuple *t, uint8_t dir, uint16_t in_port,
          uint16_t out_port)
{
	*k = (struct fw_acl_key4){FW_ACL_KEY_COMMON(t, dir, in_port, out_port)};
	memcpy(&k->src, t->src, 4);
	memcpy(&k->dst, t->dst, 4);
}

/* The rte_acl input of one check of an IPv6 packet. */
static inline void
key6_fill(struct fw_acl_key6 *k, const struct fw_tuple *t, uint8_t dir, uint16_t in_port,
          uint16_t out_port)
{
	*k = (struct fw_acl_key6){FW_ACL_KEY_COMMON(t, dir, in_port, out_port)};
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

#endif
