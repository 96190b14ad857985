/*
 * Reading and checking the firewall part of a config: `groups` (named sets of addresses,
 * prefixes and ports), `firewall` (the policy default and ordered sections of rules, each with
 * what it applies to) and `conntrack` (table bound and per-state timeouts). Addresses follow
 * RFC 4632 (CIDR) and RFC 4291/5952 (IPv6 text). Every problem is recorded with its line and
 * field path; references between groups, rules, ports and segments are checked once the whole
 * config has been read.
 */
#include "mgmt/config_firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mgmt/config.h"
#include "mgmt/config_parse.h"

#define FIELD_SIZE sizeof(((struct dse_config_error *)0)->field)

#define FOR_EACH_PAIR(node, pair)                                                                  \
	for (yaml_node_pair_t *pair = (node)->data.mapping.pairs.start;                            \
	     pair < (node)->data.mapping.pairs.top; pair++)

#define FOR_EACH_ITEM(node, item)                                                                  \
	for (yaml_node_item_t *item = (node)->data.sequence.items.start;                           \
	     item < (node)->data.sequence.items.top; item++)

/* Writes prefix.name / prefix[index] into out (FIELD_SIZE bytes). */
static void
field_join(char *out, const char *prefix, const char *name)
{
	if (snprintf(out, FIELD_SIZE, "%s%s%s", prefix, prefix[0] ? "." : "", name) < 0)
		out[0] = '\0';
}

static void
field_index(char *out, const char *prefix, size_t index)
{
	if (snprintf(out, FIELD_SIZE, "%s[%zu]", prefix, index) < 0)
		out[0] = '\0';
}

static const char *const action_names[] = {"allow", "drop", "reject"};
static const char *const direction_names[] = {"both", "in", "out"};
static const char addr_expected[] = "any, an IPv4/IPv6 address or CIDR prefix, or a group name";

const char *
config_fw_action_name(unsigned action)
{
	return action < 3 ? action_names[action] : "none";
}

const char *
config_fw_direction_name(unsigned direction)
{
	return direction < 3 ? direction_names[direction] : "?";
}

void
config_fw_init(struct dse_fw_config *fw)
{
	memset(fw, 0, sizeof(*fw));
	fw->default_action = DSE_FW_ALLOW;
	fw->log_rate = 100;
	fw->ct = (struct dse_ct_config){
	    .max_connections = 1000000,
	    .tcp_syn_sent = 30,
	    .tcp_established = 3600,
	    .tcp_fin = 120,
	    .tcp_time_wait = 30,
	    .udp = 60,
	    .icmp = 30,
	};
}

int
config_fw_prefix_parse(const char *text, struct dse_fw_prefix *out)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	long plen = -1;

	if (len == 0 || len >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = 6;
	else
		return -EINVAL;
	unsigned max = out->family == 4 ? 32 : 128;
	if (slash) {
		char *end;
		if (slash[1] < '0' || slash[1] > '9' || strlen(slash + 1) > 3)
			return -EINVAL;
		plen = strtol(slash + 1, &end, 10);
		if (*end != '\0' || plen < 0 || plen > (long)max)
			return -EINVAL;
	}
	out->len = plen < 0 ? (uint8_t)max : (uint8_t)plen;
	/* Host bits must be zero: "198.18.1.5/24" is more likely a typo than a wish. */
	for (unsigned bit = out->len; bit < max; bit++)
		if (out->addr[bit / 8] & (0x80 >> (bit % 8)))
			return -EINVAL;
	return 0;
}

void
config_fw_prefix_format(const struct dse_fw_prefix *p, char *out, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, addr, sizeof(addr)) == NULL)
		addr[0] = '\0';
	if (p->len == (p->family == 4 ? 32 : 128))
		snprintf(out, size, "%s", addr);
	else
		snprintf(out, size, "%s/%u", addr, p->len);
}

/* Index of a group by name, or -1. */
static int
find_group(const struct dse_fw_config *fw, const char *name)
{
	for (int i = 0; i < fw->nb_groups; i++)
		if (strcmp(fw->groups[i].name, name) == 0)
			return i;
	return -1;
}

/* Reads a keyword among names. Returns its index or -1 (error recorded). */
static int
get_keyword(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
            const char *const *names, int count, const char *expected)
{
	char text[32];

	if (cfgp_get_string(ctx, node, field, text, sizeof(text), expected) < 0)
		return -1;
	for (int i = 0; i < count; i++)
		if (strcmp(text, names[i]) == 0)
			return i;
	config_error(cfgp_errors(ctx), cfgp_line(ctx, node), field, "expected %s, got \"%s\"",
	             expected, text);
	return -1;
}

static void
parse_group(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
            struct dse_fw_config *fw, struct dse_fw_group *g)
{
	static const char *const names[] = {"name", "members"};
	char field[FIELD_SIZE], item_field[FIELD_SIZE];
	uint32_t seen = 0;

	g->line = cfgp_line(ctx, node);
	g->first_member = fw->nb_members;
	if (cfgp_expect_mapping(ctx, node, prefix, "a mapping of name, members", false) < 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int index =
		    cfgp_lookup_field(ctx, cfgp_node(ctx, pair->key), prefix, names, 2, &seen);
		const yaml_node_t *v = cfgp_node(ctx, pair->value);

		if (index < 0 || v == NULL)
			continue;
		field_join(field, prefix, names[index]);
		if (index == 0) {
			cfgp_get_name(ctx, v, field, g->name);
			continue;
		}
		if (cfgp_expect_sequence(ctx, v, field,
		                         "a list of addresses, CIDR prefixes and port names") <= 0)
			continue;
		size_t i = 0;
		FOR_EACH_ITEM(v, item)
		{
			const yaml_node_t *m = cfgp_node(ctx, *item);
			char text[64];

			field_index(item_field, field, i++);
			if (m == NULL)
				continue;
			if (fw->nb_members >= DSE_FW_MAX_MEMBERS) {
				config_error(cfgp_errors(ctx), cfgp_line(ctx, m), item_field,
				             "too many group members; at most %d in all groups",
				             DSE_FW_MAX_MEMBERS);
				return;
			}
			if (cfgp_get_string(ctx, m, item_field, text, sizeof(text),
			                    "an address, CIDR prefix or port name") < 0)
				continue;
			struct dse_fw_member *mem = &fw->members[fw->nb_members];
			memset(mem, 0, sizeof(*mem));
			if (config_fw_prefix_parse(text, &mem->prefix) == 0) {
				mem->is_port = false;
			} else if (config_name_is_valid(text) && strchr(text, ':') == NULL) {
				mem->is_port = true;
				snprintf(mem->port, sizeof(mem->port), "%.31s", text);
			} else {
				config_error(
				    cfgp_errors(ctx), cfgp_line(ctx, m), item_field,
				    "expected an address, a CIDR prefix with zero host bits "
				    "or a port name, got \"%s\"",
				    text);
				continue;
			}
			fw->nb_members++;
			g->nb_members++;
		}
	}
	if (!(seen & 1))
		cfgp_missing_field(ctx, node, prefix, "name", "a group name");
}

void
config_parse_groups(struct parse_ctx *ctx, const yaml_node_t *node, struct dse_config *cfg)
{
	struct dse_fw_config *fw = &cfg->fw;
	char field[FIELD_SIZE];

	if (cfgp_expect_sequence(ctx, node, "groups", "a list of groups") <= 0)
		return;
	FOR_EACH_ITEM(node, item)
	{
		const yaml_node_t *g = cfgp_node(ctx, *item);

		if (g == NULL)
			continue;
		if (fw->nb_groups >= DSE_FW_MAX_GROUPS) {
			config_error(cfgp_errors(ctx), cfgp_line(ctx, g), "groups",
			             "too many groups; at most %d", DSE_FW_MAX_GROUPS);
			return;
		}
		field_index(field, "groups", fw->nb_groups);
		struct dse_fw_group *grp = &fw->groups[fw->nb_groups];
		memset(grp, 0, sizeof(*grp));
		parse_group(ctx, g, field, fw, grp);
		fw->nb_groups++;
	}
}

/* Reads a rule's src or dst; group names are resolved later (groups may come after). */
static void
parse_addr(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
           struct dse_fw_config *fw, struct dse_fw_addr *a, char *group_name)
{
	char text[64];

	group_name[0] = '\0';
	if (cfgp_get_string(ctx, node, field, text, sizeof(text), addr_expected) < 0)
		return;
	if (strcmp(text, "any") == 0) {
		a->kind = DSE_FW_ADDR_ANY;
	} else if (config_fw_prefix_parse(text, &a->prefix) == 0) {
		a->kind = DSE_FW_ADDR_PREFIX;
	} else if (config_name_is_valid(text) && strchr(text, ':') == NULL &&
	           (text[0] < '0' || text[0] > '9')) {
		a->kind = DSE_FW_ADDR_GROUP;
		snprintf(group_name, DSE_FW_NAME_MAX, "%.31s", text);
		int g = find_group(fw, text);
		a->group = g < 0 ? UINT16_MAX : (uint16_t)g;
	} else {
		config_error(cfgp_errors(ctx), cfgp_line(ctx, node), field,
		             "expected %s (a prefix needs zero host bits), got \"%s\"",
		             addr_expected, text);
	}
}

/* Reads "80", 80, "80,443,1000-2000" into rule ranges. */
static void
parse_ports(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
            struct dse_fw_rule *r)
{
	static const char expected[] = "a port 1..65535 or a list such as \"80,443,1000-2000\"";
	char text[160];
	long long single;

	if (node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    strchr((const char *)node->data.scalar.value, ',') == NULL &&
	    strchr((const char *)node->data.scalar.value, '-') == NULL) {
		if (cfgp_get_integer(ctx, node, field, 1, 65535, expected, &single) == 0) {
			r->ranges[0].lo = r->ranges[0].hi = (uint16_t)single;
			r->nb_ranges = 1;
		}
		return;
	}
	if (cfgp_get_string(ctx, node, field, text, sizeof(text), expected) < 0)
		return;
	char *save = NULL;
	for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		char *end;
		long lo = strtol(tok, &end, 10), hi = lo;
		if (end == tok)
			goto bad;
		if (*end == '-') {
			char *start = end + 1;
			hi = strtol(start, &end, 10);
			if (end == start)
				goto bad;
		}
		while (*end == ' ')
			end++;
		if (*end != '\0' || lo < 1 || hi > 65535 || lo > hi)
			goto bad;
		if (r->nb_ranges >= DSE_FW_MAX_RANGES) {
			config_error(cfgp_errors(ctx), cfgp_line(ctx, node), field,
			             "too many port ranges; at most %d", DSE_FW_MAX_RANGES);
			return;
		}
		r->ranges[r->nb_ranges].lo = (uint16_t)lo;
		r->ranges[r->nb_ranges].hi = (uint16_t)hi;
		r->nb_ranges++;
	}
	if (r->nb_ranges > 0)
		return;
bad:
	r->nb_ranges = 0;
	config_error(cfgp_errors(ctx), cfgp_line(ctx, node), field,
	             "expected %s (ranges low-high, 1..65535), got \"%.60s\"", expected,
	             (const char *)node->data.scalar.value);
}

static void
parse_service(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
              struct dse_fw_rule *r)
{
	static const char *const names[] = {"protocol", "ports", "icmp-type", "icmp-code"};
	static const char *const protocols[] = {"any", "tcp", "udp", "icmp", "icmpv6"};
	static const int16_t numbers[] = {-1, 6, 17, 1, 58};
	char field[FIELD_SIZE];
	const yaml_node_t *ports = NULL, *type = NULL, *code = NULL;
	int ports_line = 0, icmp_line = 0;
	uint32_t seen = 0;
	long long v;

	if (cfgp_expect_mapping(ctx, node, prefix,
	                        "a mapping of protocol, ports, icmp-type, icmp-code", true) <= 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int index =
		    cfgp_lookup_field(ctx, cfgp_node(ctx, pair->key), prefix, names, 4, &seen);
		const yaml_node_t *value = cfgp_node(ctx, pair->value);

		if (index < 0 || value == NULL)
			continue;
		field_join(field, prefix, names[index]);
		switch (index) {
		case 0:
			if (value->type == YAML_SCALAR_NODE &&
			    value->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    value->data.scalar.value[0] >= '0' &&
			    value->data.scalar.value[0] <= '9') {
				if (cfgp_get_integer(
				        ctx, value, field, 0, 255,
				        "tcp, udp, icmp, icmpv6, any or a protocol number "
				        "0..255",
				        &v) == 0)
					r->protocol = (int16_t)v;
				break;
			}
			int p =
			    get_keyword(ctx, value, field, protocols, 5,
			                "tcp, udp, icmp, icmpv6, any or a protocol number 0..255");
			if (p >= 0)
				r->protocol = numbers[p];
			break;
		case 1:
			ports = value;
			ports_line = cfgp_line(ctx, value);
			parse_ports(ctx, value, field, r);
			break;
		case 2:
			type = value;
			icmp_line = cfgp_line(ctx, value);
			if (cfgp_get_integer(ctx, value, field, 0, 255, NULL, &v) == 0)
				r->icmp_type = (int16_t)v;
			break;
		case 3:
			code = value;
			icmp_line = cfgp_line(ctx, value);
			if (cfgp_get_integer(ctx, value, field, 0, 255, NULL, &v) == 0)
				r->icmp_code = (int16_t)v;
			break;
		}
	}
	if (ports && r->protocol != 6 && r->protocol != 17) {
		field_join(field, prefix, "ports");
		config_error(cfgp_errors(ctx), ports_line, field,
		             "ports need protocol tcp or udp (protocol is %s)",
		             r->protocol < 0 ? "any" : "not tcp/udp");
	}
	if ((type || code) && r->protocol != 1 && r->protocol != 58) {
		field_join(field, prefix, type ? "icmp-type" : "icmp-code");
		config_error(cfgp_errors(ctx), icmp_line, field, "needs protocol icmp or icmpv6");
	}
	if (code && !type) {
		field_join(field, prefix, "icmp-code");
		config_error(cfgp_errors(ctx), icmp_line, field, "needs icmp-type too");
	}
	if (r->protocol == 1)
		r->family = 4;
	else if (r->protocol == 58)
		r->family = 6;
}

/* Group names of rules read before their group (resolved in config_validate_firewall). */
struct pending_names {
	char src[DSE_FW_NAME_MAX]; /* src group name, "" if none */
	char dst[DSE_FW_NAME_MAX]; /* dst group name, "" if none */
	int src_line;              /* line of src */
	int dst_line;              /* line of dst */
};

/* Lines of rule fields for later checks; heap-allocated per parse (large). */
static struct pending_names *pending;
static uint32_t pending_size;

static void
parse_rule(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
           struct dse_fw_config *fw, struct dse_fw_rule *r, uint32_t index)
{
	static const char *const names[] = {"id",     "src",       "dst", "service",
	                                    "action", "direction", "log"};
	char field[FIELD_SIZE];
	uint32_t seen = 0;
	long long v;
	struct pending_names *pn = pending && index < pending_size ? &pending[index] : NULL;

	memset(r, 0, sizeof(*r));
	r->protocol = -1;
	r->icmp_type = r->icmp_code = -1;
	r->line = cfgp_line(ctx, node);
	if (cfgp_expect_mapping(ctx, node, prefix,
	                        "a mapping of id, src, dst, service, action, direction, log",
	                        false) < 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int i = cfgp_lookup_field(ctx, cfgp_node(ctx, pair->key), prefix, names, 7, &seen);
		const yaml_node_t *value = cfgp_node(ctx, pair->value);
		char group[DSE_FW_NAME_MAX];

		if (i < 0 || value == NULL)
			continue;
		field_join(field, prefix, names[i]);
		switch (i) {
		case 0:
			if (cfgp_get_integer(ctx, value, field, 1, 2147483647, NULL, &v) == 0)
				r->id = (uint32_t)v;
			break;
		case 1:
		case 2:
			parse_addr(ctx, value, field, fw, i == 1 ? &r->src : &r->dst, group);
			if (pn && i == 1) {
				memcpy(pn->src, group, sizeof(group));
				pn->src_line = cfgp_line(ctx, value);
			} else if (pn) {
				memcpy(pn->dst, group, sizeof(group));
				pn->dst_line = cfgp_line(ctx, value);
			}
			break;
		case 3:
			parse_service(ctx, value, field, r);
			break;
		case 4: {
			int a = get_keyword(ctx, value, field, action_names, 3,
			                    "allow, drop or reject");
			if (a >= 0)
				r->action = (uint8_t)a;
			break;
		}
		case 5: {
			int d =
			    get_keyword(ctx, value, field, direction_names, 3, "in, out or both");
			if (d >= 0)
				r->direction = (uint8_t)d;
			break;
		}
		case 6:
			cfgp_get_bool(ctx, value, field, &r->log);
			break;
		}
	}
	if (!(seen & 1))
		cfgp_missing_field(ctx, node, prefix, "id", "a rule id 1..2147483647");
	if (!(seen & 16))
		cfgp_missing_field(ctx, node, prefix, "action", "allow, drop or reject");
}

static void
parse_applied_to(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                 struct dse_fw_section *s)
{
	char item_field[FIELD_SIZE];
	size_t i = 0;

	if (node->type == YAML_SCALAR_NODE && !cfgp_is_null(node)) {
		char name[DSE_FW_NAME_MAX];
		if (cfgp_get_name(ctx, node, field, name) < 0)
			return;
		if (strcmp(name, "all") == 0)
			s->applied_all = true;
		else
			memcpy(s->applied_to[s->nb_applied++], name, sizeof(name));
		return;
	}
	if (cfgp_expect_sequence(ctx, node, field, "all, or a list of port and segment names") <= 0)
		return;
	FOR_EACH_ITEM(node, item)
	{
		const yaml_node_t *n = cfgp_node(ctx, *item);
		char name[DSE_FW_NAME_MAX];

		field_index(item_field, field, i++);
		if (n == NULL || cfgp_get_name(ctx, n, item_field, name) < 0)
			continue;
		if (strcmp(name, "all") == 0) {
			s->applied_all = true;
			continue;
		}
		if (s->nb_applied >= DSE_FW_MAX_APPLIED) {
			config_error(cfgp_errors(ctx), cfgp_line(ctx, n), item_field,
			             "too many applied-to entries; at most %d", DSE_FW_MAX_APPLIED);
			return;
		}
		memcpy(s->applied_to[s->nb_applied++], name, sizeof(name));
	}
}

static void
parse_section(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
              struct dse_fw_config *fw, struct dse_fw_section *s)
{
	static const char *const names[] = {"name", "applied-to", "default", "rules"};
	char field[FIELD_SIZE], item_field[FIELD_SIZE];
	uint32_t seen = 0;

	s->line = cfgp_line(ctx, node);
	s->default_action = DSE_FW_ACTION_NONE;
	s->first_rule = fw->nb_rules;
	if (cfgp_expect_mapping(ctx, node, prefix, "a mapping of name, applied-to, default, rules",
	                        false) < 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int i = cfgp_lookup_field(ctx, cfgp_node(ctx, pair->key), prefix, names, 4, &seen);
		const yaml_node_t *value = cfgp_node(ctx, pair->value);

		if (i < 0 || value == NULL)
			continue;
		field_join(field, prefix, names[i]);
		if (i == 0) {
			cfgp_get_name(ctx, value, field, s->name);
		} else if (i == 1) {
			parse_applied_to(ctx, value, field, s);
		} else if (i == 2) {
			int a = get_keyword(ctx, value, field, action_names, 3,
			                    "allow, drop or reject");
			if (a >= 0)
				s->default_action = (uint8_t)a;
		} else if (cfgp_expect_sequence(ctx, value, field, "a list of rules") > 0) {
			size_t n = 0;
			FOR_EACH_ITEM(value, item)
			{
				const yaml_node_t *rn = cfgp_node(ctx, *item);

				field_index(item_field, field, n++);
				if (rn == NULL)
					continue;
				if (fw->nb_rules >= DSE_FW_MAX_RULES) {
					config_error(cfgp_errors(ctx), cfgp_line(ctx, rn),
					             item_field,
					             "too many rules; at most %d in all sections",
					             DSE_FW_MAX_RULES);
					break;
				}
				struct dse_fw_rule *r = &fw->rules[fw->nb_rules];
				parse_rule(ctx, rn, item_field, fw, r, fw->nb_rules);
				r->section = (uint16_t)(s - fw->sections);
				fw->nb_rules++;
				s->nb_rules++;
			}
		}
	}
	if (!(seen & 1))
		cfgp_missing_field(ctx, node, prefix, "name", "a section name");
	if (!(seen & 2))
		cfgp_missing_field(ctx, node, prefix, "applied-to",
		                   "all, or a list of port and segment names");
}

void
config_parse_firewall(struct parse_ctx *ctx, const yaml_node_t *node, struct dse_config *cfg)
{
	static const char *const names[] = {"default", "sections", "log-file", "log-rate"};
	struct dse_fw_config *fw = &cfg->fw;
	char field[FIELD_SIZE], item_field[FIELD_SIZE];
	uint32_t seen = 0;
	long long v;

	fw->enabled = true;
	if (cfgp_expect_mapping(ctx, node, "firewall",
	                        "a mapping of default, sections, log-file, log-rate", true) <= 0)
		return;
	free(pending);
	pending_size = DSE_FW_MAX_RULES;
	pending = calloc(pending_size, sizeof(*pending));
	if (pending == NULL)
		pending_size = 0;
	FOR_EACH_PAIR(node, pair)
	{
		int i =
		    cfgp_lookup_field(ctx, cfgp_node(ctx, pair->key), "firewall", names, 4, &seen);
		const yaml_node_t *value = cfgp_node(ctx, pair->value);

		if (i < 0 || value == NULL)
			continue;
		field_join(field, "firewall", names[i]);
		if (i == 0) {
			int a = get_keyword(ctx, value, field, action_names, 3,
			                    "allow, drop or reject");
			if (a >= 0)
				fw->default_action = (uint8_t)a;
		} else if (i == 2) {
			cfgp_get_string(ctx, value, field, fw->log_file, sizeof(fw->log_file),
			                "a file path");
		} else if (i == 3) {
			if (cfgp_get_integer(ctx, value, field, 0, 1000000, NULL, &v) == 0)
				fw->log_rate = (uint32_t)v;
		} else if (cfgp_expect_sequence(ctx, value, field, "a list of sections") > 0) {
			size_t n = 0;
			FOR_EACH_ITEM(value, item)
			{
				const yaml_node_t *sn = cfgp_node(ctx, *item);

				field_index(item_field, field, n++);
				if (sn == NULL)
					continue;
				if (fw->nb_sections >= DSE_FW_MAX_SECTIONS) {
					config_error(cfgp_errors(ctx), cfgp_line(ctx, sn),
					             item_field, "too many sections; at most %d",
					             DSE_FW_MAX_SECTIONS);
					break;
				}
				struct dse_fw_section *s = &fw->sections[fw->nb_sections];
				memset(s, 0, sizeof(*s));
				parse_section(ctx, sn, item_field, fw, s);
				fw->nb_sections++;
			}
		}
	}
}

void
config_parse_conntrack(struct parse_ctx *ctx, const yaml_node_t *node, struct dse_config *cfg)
{
	static const char *const names[] = {"max-connections", "timeouts"};
	static const char *const timeouts[] = {
	    "tcp-syn-sent", "tcp-established", "tcp-fin", "tcp-time-wait", "udp", "icmp"};
	struct dse_ct_config *ct = &cfg->fw.ct;
	uint32_t *slots[] = {&ct->tcp_syn_sent, &ct->tcp_established,
	                     &ct->tcp_fin,      &ct->tcp_time_wait,
	                     &ct->udp,          &ct->icmp};
	char field[FIELD_SIZE], sub[FIELD_SIZE];
	uint32_t seen = 0;
	long long v;

	if (cfgp_expect_mapping(ctx, node, "conntrack", "a mapping of max-connections, timeouts",
	                        true) <= 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int i =
		    cfgp_lookup_field(ctx, cfgp_node(ctx, pair->key), "conntrack", names, 2, &seen);
		const yaml_node_t *value = cfgp_node(ctx, pair->value);

		if (i < 0 || value == NULL)
			continue;
		field_join(field, "conntrack", names[i]);
		if (i == 0) {
			if (cfgp_get_integer(ctx, value, field, DSE_CT_MIN_CONNECTIONS,
			                     DSE_CT_MAX_CONNECTIONS, NULL, &v) == 0)
				ct->max_connections = (uint32_t)v;
			continue;
		}
		uint32_t tseen = 0;
		if (cfgp_expect_mapping(ctx, value, field,
		                        "a mapping of tcp-syn-sent, tcp-established, tcp-fin, "
		                        "tcp-time-wait, udp, icmp (seconds)",
		                        true) <= 0)
			continue;
		FOR_EACH_PAIR(value, tpair)
		{
			int t = cfgp_lookup_field(ctx, cfgp_node(ctx, tpair->key), field, timeouts,
			                          6, &tseen);
			const yaml_node_t *tv = cfgp_node(ctx, tpair->value);

			if (t < 0 || tv == NULL)
				continue;
			field_join(sub, field, timeouts[t]);
			if (cfgp_get_integer(ctx, tv, sub, 1, 7 * 86400, NULL, &v) == 0)
				*slots[t] = (uint32_t)v;
		}
	}
}

/* Checks that a port or segment name exists in cfg. */
static bool
port_or_segment_known(const struct dse_config *cfg, const char *name)
{
	return config_find_port(cfg, name) >= 0 || config_find_segment(cfg, name) >= 0;
}

/* Family a rule address fixes (0 = any). */
static uint8_t
addr_family(const struct dse_fw_config *fw, const struct dse_fw_addr *a)
{
	if (a->kind == DSE_FW_ADDR_PREFIX)
		return a->prefix.family;
	if (a->kind != DSE_FW_ADDR_GROUP || a->group >= fw->nb_groups)
		return 0;
	const struct dse_fw_group *g = &fw->groups[a->group];
	uint8_t fam = 0;
	for (unsigned m = 0; m < g->nb_members; m++) {
		const struct dse_fw_member *mem = &fw->members[g->first_member + m];
		if (mem->is_port)
			return 0;
		if (fam && fam != mem->prefix.family)
			return 0;
		fam = mem->prefix.family;
	}
	return fam;
}

void
config_validate_firewall(const struct dse_config *cfg, struct dse_config_errors *errs)
{
	/* Resolution writes group indexes and families; the config being validated is ours. */
	struct dse_fw_config *fw = (struct dse_fw_config *)&cfg->fw;
	char field[FIELD_SIZE];

	for (unsigned i = 0; i < fw->nb_groups; i++) {
		const struct dse_fw_group *g = &fw->groups[i];
		for (unsigned j = 0; g->name[0] && j < i; j++)
			if (strcmp(fw->groups[j].name, g->name) == 0) {
				snprintf(field, sizeof(field), "groups[%u].name", i);
				config_error(errs, g->line, field,
				             "duplicate group name \"%s\" (first at line %d)",
				             g->name, fw->groups[j].line);
				break;
			}
		for (unsigned m = 0; m < g->nb_members; m++) {
			const struct dse_fw_member *mem = &fw->members[g->first_member + m];
			if (mem->is_port && config_find_port(cfg, mem->port) < 0) {
				snprintf(field, sizeof(field), "groups[%u].members[%u]", i, m);
				config_error(errs, g->line, field, "unknown port \"%s\"",
				             mem->port);
			}
		}
	}
	for (unsigned i = 0; i < fw->nb_sections; i++) {
		const struct dse_fw_section *s = &fw->sections[i];
		for (unsigned j = 0; s->name[0] && j < i; j++)
			if (strcmp(fw->sections[j].name, s->name) == 0) {
				snprintf(field, sizeof(field), "firewall.sections[%u].name", i);
				config_error(errs, s->line, field,
				             "duplicate section name \"%s\" (first at line %d)",
				             s->name, fw->sections[j].line);
				break;
			}
		for (unsigned a = 0; a < s->nb_applied; a++)
			if (!port_or_segment_known(cfg, s->applied_to[a])) {
				snprintf(field, sizeof(field),
				         "firewall.sections[%u].applied-to[%u]", i, a);
				config_error(errs, s->line, field,
				             "unknown port or segment \"%s\" (or write all)",
				             s->applied_to[a]);
			}
	}
	for (uint32_t i = 0; i < fw->nb_rules; i++) {
		struct dse_fw_rule *r = &fw->rules[i];
		const struct dse_fw_section *s = &fw->sections[r->section];
		uint32_t n = i - s->first_rule;
		const struct pending_names *pn = pending && i < pending_size ? &pending[i] : NULL;

		if (pn && pn->src[0]) {
			int g = find_group(fw, pn->src);
			r->src.group = g < 0 ? UINT16_MAX : (uint16_t)g;
			if (g < 0) {
				snprintf(field, sizeof(field),
				         "firewall.sections[%u].rules[%u].src", r->section, n);
				config_error(errs, pn->src_line, field,
				             "unknown group \"%s\"; expected %s", pn->src,
				             addr_expected);
			}
		}
		if (pn && pn->dst[0]) {
			int g = find_group(fw, pn->dst);
			r->dst.group = g < 0 ? UINT16_MAX : (uint16_t)g;
			if (g < 0) {
				snprintf(field, sizeof(field),
				         "firewall.sections[%u].rules[%u].dst", r->section, n);
				config_error(errs, pn->dst_line, field,
				             "unknown group \"%s\"; expected %s", pn->dst,
				             addr_expected);
			}
		}
		for (uint32_t j = 0; r->id && j < i; j++)
			if (fw->rules[j].id == r->id) {
				snprintf(field, sizeof(field), "firewall.sections[%u].rules[%u].id",
				         r->section, n);
				config_error(errs, r->line, field,
				             "duplicate rule id %u (first at line %d)", r->id,
				             fw->rules[j].line);
				break;
			}
		uint8_t sf = addr_family(fw, &r->src), df = addr_family(fw, &r->dst);
		uint8_t pf = r->protocol == 1 ? 4 : r->protocol == 58 ? 6 : 0;
		if ((sf && df && sf != df) || (pf && sf && pf != sf) || (pf && df && pf != df)) {
			snprintf(field, sizeof(field), "firewall.sections[%u].rules[%u]",
			         r->section, n);
			config_error(errs, r->line, field,
			             "src, dst and protocol mix IPv4 and IPv6 (IPv%u and IPv%u); "
			             "one rule matches one family",
			             sf ? sf : pf, df ? df : pf);
		}
		r->family = sf ? sf : df ? df : pf;
	}
	free(pending);
	pending = NULL;
	pending_size = 0;
}

/* A rule's src or dst as written in config. */
static json_t *
addr_to_json(const struct dse_fw_config *fw, const struct dse_fw_addr *a)
{
	char text[64];

	if (a->kind == DSE_FW_ADDR_ANY)
		return json_string("any");
	if (a->kind == DSE_FW_ADDR_GROUP)
		return json_string(a->group < fw->nb_groups ? fw->groups[a->group].name : "");
	config_fw_prefix_format(&a->prefix, text, sizeof(text));
	return json_string(text);
}

static json_t *
rule_to_json(const struct dse_fw_config *fw, const struct dse_fw_rule *r)
{
	json_t *o = json_pack("{s:I, s:o, s:o, s:s, s:s, s:b}", "id", (json_int_t)r->id, "src",
	                      addr_to_json(fw, &r->src), "dst", addr_to_json(fw, &r->dst), "action",
	                      config_fw_action_name(r->action), "direction",
	                      config_fw_direction_name(r->direction), "log", r->log);
	if (o == NULL || (r->protocol < 0 && r->nb_ranges == 0 && r->icmp_type < 0))
		return o;
	json_t *svc = json_object();
	const char *name = r->protocol == 6    ? "tcp"
	                   : r->protocol == 17 ? "udp"
	                   : r->protocol == 1  ? "icmp"
	                   : r->protocol == 58 ? "icmpv6"
	                   : r->protocol < 0   ? "any"
	                                       : NULL;
	json_object_set_new(svc, "protocol", name ? json_string(name) : json_integer(r->protocol));
	if (r->nb_ranges) {
		char ports[160];
		size_t n = 0;
		ports[0] = '\0';
		for (unsigned i = 0; i < r->nb_ranges && n < sizeof(ports); i++) {
			int w = r->ranges[i].lo == r->ranges[i].hi
			            ? snprintf(ports + n, sizeof(ports) - n, "%s%u", i ? "," : "",
			                       r->ranges[i].lo)
			            : snprintf(ports + n, sizeof(ports) - n, "%s%u-%u",
			                       i ? "," : "", r->ranges[i].lo, r->ranges[i].hi);
			if (w > 0)
				n += (size_t)w;
		}
		json_object_set_new(svc, "ports", json_string(ports));
	}
	if (r->icmp_type >= 0)
		json_object_set_new(svc, "icmp-type", json_integer(r->icmp_type));
	if (r->icmp_code >= 0)
		json_object_set_new(svc, "icmp-code", json_integer(r->icmp_code));
	json_object_set_new(o, "service", svc);
	return o;
}

int
config_fw_to_json(const struct dse_config *cfg, json_t *obj)
{
	const struct dse_fw_config *fw = &cfg->fw;
	json_t *groups = json_array();
	int rc = 0;

	for (unsigned i = 0; i < fw->nb_groups; i++) {
		const struct dse_fw_group *g = &fw->groups[i];
		json_t *members = json_array();
		for (unsigned m = 0; m < g->nb_members; m++) {
			const struct dse_fw_member *mem = &fw->members[g->first_member + m];
			char text[64];
			if (mem->is_port)
				snprintf(text, sizeof(text), "%s", mem->port);
			else
				config_fw_prefix_format(&mem->prefix, text, sizeof(text));
			rc |= json_array_append_new(members, json_string(text));
		}
		rc |= json_array_append_new(
		    groups, json_pack("{s:s, s:o}", "name", g->name, "members", members));
	}
	rc |= json_object_set_new(obj, "groups", groups);
	const struct dse_ct_config *ct = &fw->ct;
	rc |= json_object_set_new(
	    obj, "conntrack",
	    json_pack("{s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}}", "max-connections",
	              (json_int_t)ct->max_connections, "timeouts", "tcp-syn-sent",
	              (json_int_t)ct->tcp_syn_sent, "tcp-established",
	              (json_int_t)ct->tcp_established, "tcp-fin", (json_int_t)ct->tcp_fin,
	              "tcp-time-wait", (json_int_t)ct->tcp_time_wait, "udp", (json_int_t)ct->udp,
	              "icmp", (json_int_t)ct->icmp));
	if (!fw->enabled)
		return rc ? -ENOMEM : 0;
	json_t *sections = json_array();
	for (unsigned i = 0; i < fw->nb_sections; i++) {
		const struct dse_fw_section *s = &fw->sections[i];
		json_t *applied = json_array(), *rules = json_array();
		if (s->applied_all)
			rc |= json_array_append_new(applied, json_string("all"));
		for (unsigned a = 0; a < s->nb_applied; a++)
			rc |= json_array_append_new(applied, json_string(s->applied_to[a]));
		for (uint32_t k = 0; k < s->nb_rules; k++)
			rc |= json_array_append_new(
			    rules, rule_to_json(fw, &fw->rules[s->first_rule + k]));
		json_t *so = json_pack("{s:s, s:o, s:o}", "name", s->name, "applied-to", applied,
		                       "rules", rules);
		if (so && s->default_action != DSE_FW_ACTION_NONE)
			json_object_set_new(so, "default",
			                    json_string(config_fw_action_name(s->default_action)));
		rc |= json_array_append_new(sections, so);
	}
	json_t *f =
	    json_pack("{s:s, s:I, s:o}", "default", config_fw_action_name(fw->default_action),
	              "log-rate", (json_int_t)fw->log_rate, "sections", sections);
	if (f && fw->log_file[0])
		json_object_set_new(f, "log-file", json_string(fw->log_file));
	rc |= json_object_set_new(obj, "firewall", f);
	return rc ? -ENOMEM : 0;
}
