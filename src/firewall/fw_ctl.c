/*
 * Builds the firewall part of each config snapshot on the control thread: groups ports into
 * classes by the sections that apply to them, compiles each class's rules (in order, first
 * match wins: earlier rules get higher rte_acl priorities) into an IPv4 and an IPv6 rte_acl
 * context, and carries rule hit counters over from the previous snapshot. The contexts are
 * published with the snapshot and freed with it, after every worker has let go (RCU), so a
 * rule change never stops traffic. Also creates the flow table with the first policy (its
 * size then fixed), drives its sliced expiry with the policy's timeouts, and has the log
 * events written (fw_logfile.c).
 */
#include "firewall/fw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "config/config.h"

#define FW_ACL_MAX_RULES (1u << 20) /* expanded rte_acl rules per context */

struct fw_worker_state fw_worker_state[DSE_MAX_WORKERS];

int fw_flow_offset;
static bool revalidate_next;
static uint32_t acl_serial; /* makes rte_acl context names unique */

/* Fields every rule starts with. The run-time walks 4 bytes per input index after the first,
 * so the one-byte fields of index 1 fill all four bytes (F_PAD matches anything). */
enum { F_PROTO, F_DIR, F_SRC_ID, F_DST_ID, F_PAD, F_COMMON };

static void
acl_defs(struct rte_acl_config *c, bool v6)
{
	unsigned n = 0, idx = 0;
	memset(c, 0, sizeof(*c));
	c->num_categories = 1;
#define DEF(t, sz, off, in)                                                                        \
	c->defs[n] = (struct rte_acl_field_def){.type = (t),                                       \
	                                        .size = (sz),                                      \
	                                        .field_index = (uint8_t)n,                         \
	                                        .input_index = (uint8_t)(in),                      \
	                                        .offset = (off)};                                  \
	n++
	DEF(RTE_ACL_FIELD_TYPE_BITMASK, 1, 0, idx++);
	DEF(RTE_ACL_FIELD_TYPE_BITMASK, 1, 4, idx);
	DEF(RTE_ACL_FIELD_TYPE_BITMASK, 1, 5, idx);
	DEF(RTE_ACL_FIELD_TYPE_BITMASK, 1, 6, idx);
	DEF(RTE_ACL_FIELD_TYPE_BITMASK, 1, 7, idx++);
	if (!v6) {
		DEF(RTE_ACL_FIELD_TYPE_MASK, 4, offsetof(struct fw_acl_key4, src), idx++);
		DEF(RTE_ACL_FIELD_TYPE_MASK, 4, offsetof(struct fw_acl_key4, dst), idx++);
		DEF(RTE_ACL_FIELD_TYPE_RANGE, 2, offsetof(struct fw_acl_key4, sport), idx);
		DEF(RTE_ACL_FIELD_TYPE_RANGE, 2, offsetof(struct fw_acl_key4, dport), idx++);
	} else {
		for (unsigned w = 0; w < 4; w++) {
			DEF(RTE_ACL_FIELD_TYPE_MASK, 4, offsetof(struct fw_acl_key6, src) + 4 * w,
			    idx++);
		}
		for (unsigned w = 0; w < 4; w++) {
			DEF(RTE_ACL_FIELD_TYPE_MASK, 4, offsetof(struct fw_acl_key6, dst) + 4 * w,
			    idx++);
		}
		DEF(RTE_ACL_FIELD_TYPE_RANGE, 2, offsetof(struct fw_acl_key6, sport), idx);
		DEF(RTE_ACL_FIELD_TYPE_RANGE, 2, offsetof(struct fw_acl_key6, dport), idx++);
	}
#undef DEF
	c->num_fields = n;
}

/* One alternative of a rule's source or destination after expanding groups. */
struct alt {
	bool is_port;                /* match the engine port id, any address */
	uint8_t port_id;             /* engine port index */
	bool any;                    /* match everything */
	struct dse_fw_prefix prefix; /* else this prefix */
};

/* Expands a rule address into alternatives (at most max); returns the count. Ports that do not
 * exist in the engine expand to nothing. */
static unsigned
expand_addr(struct dse_engine *e, const struct dse_fw_config *fw, const struct dse_fw_addr *a,
            struct alt *out, unsigned max)
{
	if (a->kind == DSE_FW_ADDR_ANY) {
		out[0] = (struct alt){.any = true};
		return 1;
	}
	if (a->kind == DSE_FW_ADDR_PREFIX) {
		out[0] = (struct alt){.prefix = a->prefix};
		return 1;
	}
	if (a->group >= fw->nb_groups)
		return 0;
	const struct dse_fw_group *g = &fw->groups[a->group];
	unsigned n = 0;
	for (unsigned m = 0; m < g->nb_members && n < max; m++) {
		const struct dse_fw_member *mem = &fw->members[g->first_member + m];
		if (mem->is_port) {
			int p = engine_port_index(e, mem->port);
			if (p >= 0)
				out[n++] = (struct alt){.is_port = true, .port_id = (uint8_t)p};
		} else {
			out[n++] = (struct alt){.prefix = mem->prefix};
		}
	}
	return n;
}

/* Whether an alternative can match packets of family f. */
static bool
alt_fits(const struct alt *a, uint8_t f)
{
	return a->any || a->is_port || a->prefix.family == f;
}

/* Sets an address field (one 32-bit word w of a prefix, or all of an IPv4 one). */
static void
set_mask_word(struct rte_acl_field *fld, const struct alt *a, unsigned w)
{
	if (a->any || a->is_port) {
		fld->value.u32 = 0;
		fld->mask_range.u32 = 0;
		return;
	}
	uint32_t word;
	memcpy(&word, a->prefix.addr + 4 * w, 4);
	int bits = (int)a->prefix.len - 32 * (int)w;
	fld->value.u32 = ntohl(word);
	fld->mask_range.u32 = bits <= 0 ? 0 : bits >= 32 ? 32 : (uint32_t)bits;
}

/* A growable array of expanded rules of one family. */
struct acl_rules {
	uint8_t *buf;   /* rules, each rule_size bytes */
	uint32_t count; /* rules stored */
	uint32_t cap;   /* rules allocated */
	size_t size;    /* bytes per rule */
};

static void *
acl_rules_add(struct acl_rules *r)
{
	if (r->count == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 256;
		uint8_t *b = realloc(r->buf, (size_t)cap * r->size);
		if (b == NULL)
			return NULL;
		r->buf = b;
		r->cap = cap;
	}
	void *rule = r->buf + (size_t)r->count++ * r->size;
	memset(rule, 0, r->size);
	return rule;
}

/* Fields common to both families. */
static void
set_common(struct rte_acl_field *f, int proto, uint8_t direction, const struct alt *src,
           const struct alt *dst)
{
	f[F_PROTO].value.u8 = proto < 0 ? 0 : (uint8_t)proto;
	f[F_PROTO].mask_range.u8 = proto < 0 ? 0 : 0xff;
	uint8_t dir = direction == DSE_FW_DIR_IN    ? FW_ACL_DIR_IN
	              : direction == DSE_FW_DIR_OUT ? FW_ACL_DIR_OUT
	                                            : 0;
	f[F_DIR].value.u8 = dir;
	f[F_DIR].mask_range.u8 = dir ? 0xff : 0;
	f[F_SRC_ID].value.u8 = src && src->is_port ? src->port_id : 0;
	f[F_SRC_ID].mask_range.u8 = src && src->is_port ? 0xff : 0;
	f[F_DST_ID].value.u8 = dst && dst->is_port ? dst->port_id : 0;
	f[F_DST_ID].mask_range.u8 = dst && dst->is_port ? 0xff : 0;
}

/* Adds one expanded rule. src/dst NULL = any; range covers the destination port. */
static int
add_acl_rule(struct acl_rules *r, bool v6, int proto, uint8_t direction, const struct alt *src,
             const struct alt *dst, uint16_t sport_lo, uint16_t sport_hi, uint16_t dport_lo,
             uint16_t dport_hi, int32_t priority, uint32_t userdata)
{
	if (r->count >= FW_ACL_MAX_RULES)
		return -E2BIG;
	struct alt any = {.any = true};
	if (src == NULL)
		src = &any;
	if (dst == NULL)
		dst = &any;
	/* Both families' rules are struct rte_acl_rule with more fields; the v6 addresses take four
	 * 32-bit fields each where v4 takes one. */
	struct rte_acl_rule *rule = acl_rules_add(r);
	unsigned words = v6 ? 4 : 1;
	if (rule == NULL)
		return -ENOMEM;
	set_common(rule->field, proto, direction, src, dst);
	for (unsigned w = 0; w < words; w++) {
		set_mask_word(&rule->field[F_COMMON + w], src, w);
		set_mask_word(&rule->field[F_COMMON + words + w], dst, w);
	}
	struct rte_acl_field *ports = &rule->field[F_COMMON + 2 * words];
	ports[0].value.u16 = sport_lo;
	ports[0].mask_range.u16 = sport_hi;
	ports[1].value.u16 = dport_lo;
	ports[1].mask_range.u16 = dport_hi;
	rule->data = (struct rte_acl_rule_data){
	    .category_mask = 1, .priority = priority, .userdata = userdata};
	return 0;
}

/* Expands config rule r (compiled index ci, priority prio) into both families. */
static int
expand_rule(struct dse_engine *e, const struct dse_fw_config *fw, const struct dse_fw_rule *r,
            uint32_t ci, int32_t prio, struct acl_rules *r4, struct acl_rules *r6, struct alt *src,
            struct alt *dst)
{
	unsigned ns = expand_addr(e, fw, &r->src, src, DSE_FW_MAX_MEMBERS);
	unsigned nd = expand_addr(e, fw, &r->dst, dst, DSE_FW_MAX_MEMBERS);
	uint16_t slo = 0, shi = 0xffff;
	if ((r->protocol == 1 || r->protocol == 58) && r->icmp_type >= 0) {
		slo = (uint16_t)(r->icmp_type << 8);
		shi = (uint16_t)(slo | 0xff);
		if (r->icmp_code >= 0)
			slo = shi = (uint16_t)(slo | (uint16_t)r->icmp_code);
	}
	struct dse_fw_range all = {0, 0xffff};
	unsigned nr = r->nb_ranges ? r->nb_ranges : 1;
	for (unsigned fam = 4; fam <= 6; fam += 2) {
		if (r->family && r->family != fam)
			continue;
		struct acl_rules *out = fam == 4 ? r4 : r6;
		for (unsigned i = 0; i < ns; i++) {
			if (!alt_fits(&src[i], (uint8_t)fam))
				continue;
			for (unsigned j = 0; j < nd; j++) {
				if (!alt_fits(&dst[j], (uint8_t)fam))
					continue;
				for (unsigned k = 0; k < nr; k++) {
					const struct dse_fw_range *rg =
					    r->nb_ranges ? &r->ranges[k] : &all;
					int rc = add_acl_rule(out, fam == 6, r->protocol,
					                      r->direction, &src[i], &dst[j], slo,
					                      shi, rg->lo, rg->hi, prio, ci);
					if (rc < 0)
						return rc;
				}
			}
		}
	}
	return 0;
}

/* Builds one rte_acl context from rules (NULL when there are none). */
static int
build_ctx(struct acl_rules *r, bool v6, uint32_t gen, unsigned cls, struct rte_acl_ctx **out)
{
	char name[RTE_ACL_NAMESIZE];
	struct rte_acl_config cfg;

	*out = NULL;
	if (r->count == 0)
		return 0;
	snprintf(name, sizeof(name), "fw%c-%u-%u-%u", v6 ? '6' : '4', gen, cls, acl_serial++);
	struct rte_acl_param prm = {
	    .name = name,
	    .socket_id = (int)rte_socket_id(),
	    .rule_size = (uint32_t)r->size,
	    .max_rule_num = r->count,
	};
	struct rte_acl_ctx *ctx = rte_acl_create(&prm);
	if (ctx == NULL)
		return -ENOMEM;
	acl_defs(&cfg, v6);
	int rc = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)r->buf, r->count);
	if (rc == 0)
		rc = rte_acl_build(ctx, &cfg);
	if (rc != 0) {
		rte_acl_free(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

/* Whether section s applies to the port in slot p. */
static bool
section_applies(const struct dse_engine *e, const struct dse_fw_section *s, unsigned p)
{
	if (s->applied_all)
		return true;
	const struct dse_port_config *pc = &e->ports[p].config;
	for (unsigned a = 0; a < s->nb_applied; a++) {
		const char *name = s->applied_to[a];
		if (strcmp(pc->name, name) == 0 || strcmp(pc->segment, name) == 0)
			return true;
		for (unsigned v = 0; v < pc->nb_vlans; v++)
			if (strcmp(pc->vlans[v].segment, name) == 0)
				return true;
	}
	return false;
}

void
fw_snapshot_free(void *part)
{
	struct fw_snapshot *f = part;
	if (f == NULL)
		return;
	for (unsigned c = 0; c < f->nb_classes; c++) {
		rte_acl_free(f->classes[c].acl4);
		rte_acl_free(f->classes[c].acl6);
	}
	for (unsigned w = 0; w < DSE_MAX_WORKERS; w++)
		free(f->hits[w]);
	free(f->hits_base);
	free(f->rules);
	free(f);
}

/* Id key of a compiled rule for carrying counters: the rule id, or the section for defaults. */
static uint64_t
rule_key(const struct fw_rule_info *r)
{
	return r->id ? r->id : (1ull << 32) | r->section;
}

static int
cmp_u64_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Carries hit totals of old into the base of f, by rule id. */
static void
carry_hits(struct fw_snapshot *f, const struct fw_snapshot *old, unsigned nb_workers)
{
	if (old == NULL || old->rules == NULL)
		return;
	uint64_t *index = malloc((size_t)old->nb_rules * 2 * sizeof(uint64_t));
	if (index == NULL)
		return;
	for (uint32_t i = 0; i < old->nb_rules; i++) {
		index[2 * i] = rule_key(&old->rules[i]);
		index[2 * i + 1] = i;
	}
	qsort(index, old->nb_rules, 2 * sizeof(uint64_t), cmp_u64_pair);
	for (uint32_t i = 0; i < f->nb_rules; i++) {
		uint64_t key[2] = {rule_key(&f->rules[i]), 0};
		const uint64_t *hit =
		    bsearch(key, index, old->nb_rules, 2 * sizeof(uint64_t), cmp_u64_pair);
		if (hit == NULL)
			continue;
		uint32_t o = (uint32_t)hit[1];
		f->hits_base[i] = old->hits_base[o];
		for (unsigned w = 0; w < nb_workers; w++) {
			f->hits_base[i].packets +=
			    __atomic_load_n(&old->hits[w][o].packets, __ATOMIC_RELAXED);
			f->hits_base[i].bytes +=
			    __atomic_load_n(&old->hits[w][o].bytes, __ATOMIC_RELAXED);
		}
	}
	free(index);
}

int
fw_snapshot_build(struct dse_engine *e, const struct dse_config *cfg,
                  char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX], struct dse_snapshot *s)
{
	(void)names;
	const struct dse_fw_config *fw = fw_config(cfg);
	struct fw_snapshot *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	s->part[DSE_SERVICE_FIREWALL] = f;
	f->gen = (uint32_t)s->generation;
	const struct fw_snapshot *old = e->snap ? fw_snap_of(e->snap) : NULL;
	f->reval_gen = revalidate_next ? f->gen : old ? old->reval_gen : 0;
	revalidate_next = false;
	f->enabled = fw->enabled;
	/* The table is made by the first policy (its size is then fixed), so an engine without a
	 * firewall spends no memory on it. */
	struct ct_table *ct_table = flow_table();
	if (fw->enabled && ct_table == NULL) {
		ct_table = flow_table_ensure(fw->ct.max_connections);
		if (ct_table == NULL)
			return -ENOMEM;
	}
	f->ct = ct_table;
	f->log_ring = fw_log_ring();
	f->log_tokens_per_s =
	    e->nb_workers ? (fw->log_rate + e->nb_workers - 1) / e->nb_workers : 0;
	const struct dse_ct_config *c = &fw->ct;
	uint32_t *to = f->timeouts.by_state;
	to[CT_TCP_SYN_SENT] = to[CT_TCP_SYN_RECV] = c->tcp_syn_sent;
	to[CT_TCP_ESTABLISHED] = c->tcp_established;
	to[CT_TCP_FIN_WAIT] = to[CT_TCP_CLOSING] = c->tcp_fin;
	to[CT_TCP_TIME_WAIT] = to[CT_TCP_CLOSED] = c->tcp_time_wait;
	to[CT_UDP_NEW] = to[CT_UDP_REPLIED] = c->udp;
	to[CT_ICMP_REQUEST] = to[CT_ICMP_REPLIED] = c->icmp;
	if (ct_table && c->max_connections <= ct_table->nb_slots)
		__atomic_store_n(&ct_table->max_connections, c->max_connections, __ATOMIC_RELAXED);
	memset(f->port_class, FW_NO_CLASS, sizeof(f->port_class));
	fw_log_set_file(fw->log_file[0] ? fw->log_file : fw_log_path);

	/* Compiled rules: 0 = policy default, then config rules and section defaults in order. */
	uint32_t nb = 1 + fw->nb_rules + fw->nb_sections;
	f->rules = calloc(nb, sizeof(*f->rules));
	f->hits_base = calloc(nb, sizeof(*f->hits_base));
	for (unsigned w = 0; w < e->nb_workers; w++)
		f->hits[w] = calloc(nb, sizeof(struct fw_hits));
	if (f->rules == NULL || f->hits_base == NULL)
		return -ENOMEM;
	for (unsigned w = 0; w < e->nb_workers; w++)
		if (f->hits[w] == NULL)
			return -ENOMEM;
	f->rules[0] = (struct fw_rule_info){
	    .id = 0, .section = UINT16_MAX, .action = fw->default_action, .log = 0};
	uint32_t *rule_ci = calloc(fw->nb_rules + 1, sizeof(uint32_t));
	uint32_t *sect_ci = calloc(fw->nb_sections + 1, sizeof(uint32_t));
	if (rule_ci == NULL || sect_ci == NULL) {
		free(rule_ci);
		free(sect_ci);
		return -ENOMEM;
	}
	uint32_t ci = 1;
	for (unsigned si = 0; si < fw->nb_sections; si++) {
		const struct dse_fw_section *sec = &fw->sections[si];
		for (uint32_t k = 0; k < sec->nb_rules; k++) {
			const struct dse_fw_rule *r = &fw->rules[sec->first_rule + k];
			rule_ci[sec->first_rule + k] = ci;
			f->rules[ci++] = (struct fw_rule_info){.id = r->id,
			                                       .section = (uint16_t)si,
			                                       .action = r->action,
			                                       .log = r->log};
		}
		if (sec->default_action != DSE_FW_ACTION_NONE) {
			sect_ci[si] = ci;
			f->rules[ci++] = (struct fw_rule_info){
			    .id = 0, .section = (uint16_t)si, .action = sec->default_action};
		}
	}
	f->nb_rules = ci;
	carry_hits(f, old, e->nb_workers);

	/* Classes: ports with the same set of sections share their contexts. */
	uint64_t class_mask[DSE_MAX_PORTS];
	int rc = 0;
	struct alt *src = malloc(DSE_FW_MAX_MEMBERS * sizeof(*src));
	struct alt *dst = malloc(DSE_FW_MAX_MEMBERS * sizeof(*dst));
	struct acl_rules r4 = {.size = RTE_ACL_RULE_SZ(9)}, r6 = {.size = RTE_ACL_RULE_SZ(15)};
	if (src == NULL || dst == NULL)
		rc = -ENOMEM;
	for (unsigned p = 0; rc == 0 && fw->enabled && p < DSE_MAX_PORTS; p++) {
		if (!e->ports[p].used)
			continue;
		uint64_t mask = 0;
		for (unsigned si = 0; si < fw->nb_sections; si++)
			if (section_applies(e, &fw->sections[si], p))
				mask |= 1ull << si;
		if (mask == 0)
			continue;
		unsigned cls = 0;
		while (cls < f->nb_classes && class_mask[cls] != mask)
			cls++;
		f->port_class[p] = (uint8_t)cls;
		if (cls < f->nb_classes)
			continue;
		class_mask[cls] = mask;
		f->nb_classes++;
		r4.count = r6.count = 0;
		int32_t prio = RTE_ACL_MAX_PRIORITY - 1;
		for (unsigned si = 0; rc == 0 && si < fw->nb_sections; si++) {
			if (!(mask & (1ull << si)))
				continue;
			const struct dse_fw_section *sec = &fw->sections[si];
			for (uint32_t k = 0; rc == 0 && k < sec->nb_rules; k++)
				rc = expand_rule(e, fw, &fw->rules[sec->first_rule + k],
				                 rule_ci[sec->first_rule + k], prio--, &r4, &r6,
				                 src, dst);
			if (rc == 0 && sec->default_action != DSE_FW_ACTION_NONE) {
				rc = add_acl_rule(&r4, false, -1, DSE_FW_DIR_BOTH, NULL, NULL, 0,
				                  0xffff, 0, 0xffff, prio, sect_ci[si]);
				if (rc == 0)
					rc =
					    add_acl_rule(&r6, true, -1, DSE_FW_DIR_BOTH, NULL, NULL,
					                 0, 0xffff, 0, 0xffff, prio, sect_ci[si]);
				prio--;
			}
		}
		if (rc == 0)
			rc = build_ctx(&r4, false, f->gen, cls, &f->classes[cls].acl4);
		if (rc == 0)
			rc = build_ctx(&r6, true, f->gen, cls, &f->classes[cls].acl6);
	}
	free(r4.buf);
	free(r6.buf);
	free(src);
	free(dst);
	free(rule_ci);
	free(sect_ci);
	return rc;
}

int
fw_init(struct dse_engine *e, const struct dse_config *cfg)
{
	(void)e;
	(void)cfg;
	return fw_log_init();
}

void
fw_fini(struct dse_engine *e)
{
	(void)e;
	fw_log_fini();
}

int
fw_revalidate(struct dse_engine *e)
{
	revalidate_next = true;
	return engine_publish(e);
}

void
fw_tick(struct dse_engine *e)
{
	static uint32_t last_expiry_s = UINT32_MAX;
	const struct fw_snapshot *f = e->snap ? fw_snap_of(e->snap) : NULL;
	struct ct_table *ct_table = flow_table();
	if (f == NULL || ct_table == NULL)
		return;
	/* Expiry: a slice per tick, the whole table every few seconds, no pause anywhere. */
	uint32_t now = __atomic_load_n(&dse_now_s, __ATOMIC_RELAXED);
	uint32_t slice = RTE_MAX(ct_table->nb_slots / 32, 4096u);
	(void)last_expiry_s;
	ct_table_expire(ct_table, e->qsbr, &f->timeouts, now, slice);

	fw_log_drain(e, f);
}
