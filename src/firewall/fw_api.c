/*
 * Management API of the firewall (docs/api.md): fw.show (the policy with hit counters per
 * rule), fw.revalidate (re-decide established connections by the current rules), ct.show and
 * ct.flush (connections, selected by address, port, protocol and state). Runs on the control
 * thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/fw.h"
#include "firewall/fw_api.h"
#include "config/config.h"

static json_t *
addr_json(const struct dse_fw_config *fw, const struct dse_fw_addr *a)
{
	char text[64];
	if (a->kind == DSE_FW_ADDR_ANY)
		return json_string("any");
	if (a->kind == DSE_FW_ADDR_GROUP)
		return json_string(a->group < fw->nb_groups ? fw->groups[a->group].name : "?");
	config_fw_prefix_format(&a->prefix, text, sizeof(text));
	return json_string(text);
}

static json_t *
service_json(const struct dse_fw_rule *r)
{
	const char *p = r->protocol < 0     ? "any"
	                : r->protocol == 6  ? "tcp"
	                : r->protocol == 17 ? "udp"
	                : r->protocol == 1  ? "icmp"
	                : r->protocol == 58 ? "icmpv6"
	                                    : NULL;
	json_t *o = json_object();
	json_object_set_new(o, "protocol", p ? json_string(p) : json_integer(r->protocol));
	if (r->nb_ranges) {
		char ports[160] = "";
		size_t n = 0;
		for (unsigned i = 0; i < r->nb_ranges && n < sizeof(ports); i++) {
			if (r->ranges[i].lo == r->ranges[i].hi)
				n += (size_t)snprintf(ports + n, sizeof(ports) - n, "%s%u",
				                      i ? "," : "", r->ranges[i].lo);
			else
				n += (size_t)snprintf(ports + n, sizeof(ports) - n, "%s%u-%u",
				                      i ? "," : "", r->ranges[i].lo,
				                      r->ranges[i].hi);
		}
		json_object_set_new(o, "ports", json_string(ports));
	}
	if (r->icmp_type >= 0)
		json_object_set_new(o, "icmp-type", json_integer(r->icmp_type));
	if (r->icmp_code >= 0)
		json_object_set_new(o, "icmp-code", json_integer(r->icmp_code));
	return o;
}

/* Total hits of compiled rule i. */
static struct fw_hits
hits_of(const struct dse_engine *e, const struct fw_snapshot *f, uint32_t i)
{
	struct fw_hits h = f->hits_base[i];
	for (unsigned w = 0; w < e->nb_workers; w++) {
		h.packets += __atomic_load_n(&f->hits[w][i].packets, __ATOMIC_RELAXED);
		h.bytes += __atomic_load_n(&f->hits[w][i].bytes, __ATOMIC_RELAXED);
	}
	return h;
}

json_t *
api_fw_show(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	struct dse_engine *e = ctx;
	const struct dse_fw_config *fw = fw_config(e->config);
	const struct fw_snapshot *f = fw_snap_of(e->snap);
	json_t *sections = json_array(), *rules = json_array(), *counters = json_object();

	/* Compiled rule indexes follow the config order: 1.., with section defaults after
	 * their section's rules. */
	uint32_t ci = 1;
	for (unsigned si = 0; si < fw->nb_sections; si++) {
		const struct dse_fw_section *s = &fw->sections[si];
		json_t *applied = json_array();
		if (s->applied_all)
			json_array_append_new(applied, json_string("all"));
		for (unsigned a = 0; a < s->nb_applied; a++)
			json_array_append_new(applied, json_string(s->applied_to[a]));
		for (uint32_t k = 0; k < s->nb_rules; k++, ci++) {
			const struct dse_fw_rule *r = &fw->rules[s->first_rule + k];
			struct fw_hits h =
			    ci < f->nb_rules ? hits_of(e, f, ci) : (struct fw_hits){0};
			json_array_append_new(
			    rules, json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s, s:b, s:I, s:I}",
			                     "id", (json_int_t)r->id, "section", s->name, "src",
			                     addr_json(fw, &r->src), "dst", addr_json(fw, &r->dst),
			                     "service", service_json(r), "action",
			                     config_fw_action_name(r->action), "direction",
			                     config_fw_direction_name(r->direction), "log", r->log,
			                     "packets", (json_int_t)h.packets, "bytes",
			                     (json_int_t)h.bytes));
		}
		json_t *so = json_pack("{s:s, s:o, s:s, s:I}", "name", s->name, "applied_to",
		                       applied, "default", config_fw_action_name(s->default_action),
		                       "rules", (json_int_t)s->nb_rules);
		if (s->default_action != DSE_FW_ACTION_NONE && ci < f->nb_rules) {
			struct fw_hits h = hits_of(e, f, ci++);
			json_object_set_new(so, "default_packets",
			                    json_integer((json_int_t)h.packets));
			json_object_set_new(so, "default_bytes", json_integer((json_int_t)h.bytes));
		}
		json_array_append_new(sections, so);
	}
	static const char *const names[] = {
#define FW_COUNTER_NAME(en, name, help) name,
	    FW_COUNTERS(FW_COUNTER_NAME)
#undef FW_COUNTER_NAME
	};
	for (unsigned c = 0; c < FW_C_COUNT; c++) {
		uint64_t sum = 0;
		for (unsigned w = 0; w < e->nb_workers; w++)
			sum += __atomic_load_n(&fw_worker_state[w].counters[c], __ATOMIC_RELAXED);
		json_object_set_new(counters, names[c], json_integer((json_int_t)sum));
	}
	struct ct_table *t = flow_table();
	struct fw_hits dh = f->nb_rules ? hits_of(e, f, 0) : (struct fw_hits){0};
	uint32_t count = t ? __atomic_load_n(&t->count, __ATOMIC_RELAXED) : 0;
	size_t mem = flow_table_memory();
	json_t *conntrack = json_pack(
	    "{s:I, s:I, s:I, s:I, s:I}", "connections", (json_int_t)count, "max_connections",
	    (json_int_t)(t ? t->max_connections : 0), "slots", (json_int_t)(t ? t->nb_slots : 0),
	    "memory_bytes", (json_int_t)mem, "bytes_per_connection",
	    (json_int_t)(t && t->max_connections ? mem / t->max_connections : 0));
	return json_pack("{s:b, s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "enabled", fw->enabled,
	                 "default", config_fw_action_name(fw->default_action), "default_packets",
	                 (json_int_t)dh.packets, "default_bytes", (json_int_t)dh.bytes,
	                 "generation", (json_int_t)e->generation, "sections", sections, "rules",
	                 rules, "counters", counters, "conntrack", conntrack);
}

json_t *
api_fw_revalidate(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	struct dse_engine *e = ctx;
	if (fw_revalidate(e) < 0) {
		rpc_error_set(err, RPC_SERVER_ERROR, "could not publish the revalidation");
		return NULL;
	}
	return json_pack("{s:I}", "generation", (json_int_t)e->generation);
}

/* Selection of connections for ct.show and ct.flush. */
struct ct_filter {
	bool has_addr;              /* match one endpoint's address */
	struct dse_fw_prefix addr;  /* that address or prefix */
	int port;                   /* match one endpoint's port, -1 = any */
	int proto;                  /* IP protocol, -1 = any */
	int state;                  /* enum ct_state, -1 = any */
	const struct dse_engine *e; /* for port names */
	json_t *out;                /* ct.show: entries collected */
	uint32_t limit;             /* ct.show: at most this many */
	uint32_t matched;           /* entries matched */
};

static bool
prefix_has(const struct dse_fw_prefix *p, const uint8_t *addr, uint8_t family)
{
	if (p->family != family)
		return false;
	for (unsigned bit = 0; bit < p->len; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));
		if ((p->addr[bit / 8] & m) != (addr[bit / 8] & m))
			return false;
	}
	return true;
}

static bool
filter_match(const struct ct_filter *flt, const struct ct_entry *e)
{
	const struct ct_key *k = &e->key;
	if (flt->proto >= 0 && k->proto != flt->proto)
		return false;
	if (flt->state >= 0 && e->state != flt->state)
		return false;
	if (flt->port >= 0 && ntohs(k->port[0]) != flt->port && ntohs(k->port[1]) != flt->port)
		return false;
	if (flt->has_addr && !prefix_has(&flt->addr, k->addr[0], k->family) &&
	    !prefix_has(&flt->addr, k->addr[1], k->family))
		return false;
	return true;
}

static const char *
port_name(const struct dse_engine *e, uint16_t p)
{
	if (dse_port_is_remote(p))
		return "tunnel"; /* a remote workload, behind a tunnel endpoint */
	return p < DSE_MAX_PORTS && e->ports[p].used ? e->ports[p].config.name : "-";
}

static json_t *
entry_json(const struct dse_engine *e, const struct ct_entry *c)
{
	const struct ct_key *k = &c->key;
	unsigned o = c->orig_is_first ? 0 : 1;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int af = k->family == 4 ? AF_INET : AF_INET6;
	inet_ntop(af, k->addr[o], src, sizeof(src));
	inet_ntop(af, k->addr[!o], dst, sizeof(dst));
	uint32_t now = dse_now_s;
	const struct fw_snapshot *f = fw_snap_of(e->snap);
	const struct fw_flow_state *fs = fw_flow_of((struct ct_entry *)c);
	uint32_t rule = fs->rule_out < f->nb_rules ? fs->rule_out : fs->rule_in;
	return json_pack(
	    "{s:i, s:i, s:s, s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I}",
	    "family", k->family, "proto", k->proto, "src", src, "sport", ntohs(k->port[o]), "dst",
	    dst, "dport", ntohs(k->port[!o]), "state", ct_state_name(c->state), "verdict",
	    config_fw_action_name(fs->verdict), "in_port", port_name(e, c->orig_in_port),
	    "out_port", port_name(e, c->orig_out_port), "rule",
	    (json_int_t)(rule < f->nb_rules ? f->rules[rule].id : 0), "age_s",
	    (json_int_t)(now - c->created_s), "idle_s", (json_int_t)(now - c->last_s),
	    "packets_orig", (json_int_t)c->packets[0], "packets_reply", (json_int_t)c->packets[1],
	    "bytes_orig", (json_int_t)c->bytes[0], "bytes_reply", (json_int_t)c->bytes[1]);
}

static bool
show_cb(struct ct_entry *c, void *arg)
{
	struct ct_filter *flt = arg;
	if (!filter_match(flt, c))
		return false;
	if (flt->matched++ < flt->limit)
		json_array_append_new(flt->out, entry_json(flt->e, c));
	return false;
}

static bool
flush_cb(struct ct_entry *c, void *arg)
{
	struct ct_filter *flt = arg;
	return filter_match(flt, c);
}

/* Reads the filter fields of params. Returns 0 or -EINVAL with err set. */
static int
filter_parse(json_t *params, struct ct_filter *flt, struct rpc_error *err)
{
	static const char *const protos[] = {"tcp", "udp", "icmp", "icmpv6"};
	static const int numbers[] = {6, 17, 1, 58};
	flt->port = flt->proto = flt->state = -1;
	flt->limit = 1000;
	if (params == NULL || json_is_null(params))
		return 0;
	if (!json_is_object(params)) {
		rpc_error_set(err, RPC_INVALID_PARAMS, "expected an object of filters");
		return -EINVAL;
	}
	json_t *v = json_object_get(params, "address");
	if (v) {
		if (!json_is_string(v) ||
		    config_fw_prefix_parse(json_string_value(v), &flt->addr) < 0) {
			rpc_error_field(err, "address", "expected an IPv4/IPv6 address or prefix");
			return -EINVAL;
		}
		flt->has_addr = true;
	}
	long long number;
	int given =
	    rpc_param_integer(params, "port", 0, 65535, &number, "expected a port 0..65535", err);
	if (given < 0)
		return -EINVAL;
	if (given > 0)
		flt->port = (int)number;
	v = json_object_get(params, "protocol");
	if (v) {
		for (unsigned i = 0; json_is_string(v) && i < 4; i++)
			if (strcmp(json_string_value(v), protos[i]) == 0)
				flt->proto = numbers[i];
		if (flt->proto < 0) {
			rpc_error_field(err, "protocol", "expected tcp, udp, icmp or icmpv6");
			return -EINVAL;
		}
	}
	v = json_object_get(params, "state");
	if (v) {
		for (unsigned i = 0; json_is_string(v) && i < CT_STATE_COUNT; i++)
			if (strcmp(json_string_value(v), ct_state_name(i)) == 0) {
				flt->state = (int)i;
				break;
			}
		if (flt->state < 0) {
			rpc_error_field(
			    err, "state",
			    "expected a state such as established, syn-sent, time-wait");
			return -EINVAL;
		}
	}
	given = rpc_param_integer(params, "limit", 1, 1000000, &number, "expected 1..1000000", err);
	if (given < 0)
		return -EINVAL;
	if (given > 0)
		flt->limit = (uint32_t)number;
	return 0;
}

json_t *
api_ct_show(json_t *params, struct rpc_error *err, void *ctx)
{
	struct dse_engine *e = ctx;
	struct ct_filter flt = {.e = e};
	if (filter_parse(params, &flt, err) < 0)
		return NULL;
	flt.out = json_array();
	struct ct_table *t = flow_table();
	if (t)
		ct_table_walk(t, e->qsbr, show_cb, &flt);
	return json_pack("{s:I, s:I, s:o}", "connections",
	                 (json_int_t)(t ? __atomic_load_n(&t->count, __ATOMIC_RELAXED) : 0),
	                 "matched", (json_int_t)flt.matched, "entries", flt.out);
}

json_t *
api_ct_flush(json_t *params, struct rpc_error *err, void *ctx)
{
	struct dse_engine *e = ctx;
	struct ct_filter flt = {.e = e};
	if (filter_parse(params, &flt, err) < 0)
		return NULL;
	struct ct_table *t = flow_table();
	uint32_t removed = t ? ct_table_walk(t, e->qsbr, flush_cb, &flt) : 0;
	return json_pack("{s:I}", "removed", (json_int_t)removed);
}
