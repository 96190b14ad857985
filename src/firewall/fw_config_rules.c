/*
 * Firewall rules in the config: the field tables of a rule and of its service, the readers of
 * the values no plain type covers (a source or destination that is `any`, a prefix or a group
 * name; a protocol by name or number; a port list such as "80,443,1000-2000"), and the checks
 * of a firewall policy against the whole config: group and applied-to names resolve, rule ids
 * are unique, the addresses of one rule agree on their family.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/config.h"
#include "config/config_sections.h"
#include "config/schema.h"
#include "firewall/fw_config.h"

#define FIELD_SIZE sizeof(((struct dse_config_error *)0)->field)

static const char addr_expected[] = "any, an IPv4/IPv6 address or CIDR prefix, or a group name";
static const char *const action_names[] = {"allow", "drop", "reject"};
static const char *const direction_names[] = {"both", "in", "out"};

/* Group names of rules read before their group (resolved in config_validate_firewall). */
struct pending_names {
	char src[DSE_FW_NAME_MAX]; /* src group name, "" if none */
	char dst[DSE_FW_NAME_MAX]; /* dst group name, "" if none */
};

/* Group names by rule index, for the one parse running on the control thread. */
static struct pending_names *pending;
static uint32_t pending_size;

/* The pending names of rule index, growing the array; NULL if out of memory. */
static struct pending_names *
pending_at(uint32_t index)
{
	if (index >= pending_size) {
		uint32_t size = index < 64 ? 64 : index * 2;
		struct pending_names *grown = realloc(pending, size * sizeof(*grown));

		if (grown == NULL)
			return NULL;
		memset(grown + pending_size, 0, (size - pending_size) * sizeof(*grown));
		pending = grown;
		pending_size = size;
	}
	return &pending[index];
}

static int
find_group(const struct dse_fw_config *fw, const char *name)
{
	for (int i = 0; i < fw->nb_groups; i++)
		if (strcmp(fw->groups[i].name, name) == 0)
			return i;
	return -1;
}

/* A rule's src or dst; group names are resolved later (groups may come after). */
static int
read_addr(struct schema_reader *rd, const yaml_node_t *node, const char *path,
          const struct schema_field *f, void *item, void *cfg)
{
	struct dse_fw_config *fw = fw_config(cfg);
	struct dse_fw_rule *r = item;
	struct dse_fw_addr *a = (struct dse_fw_addr *)((char *)item + f->offset);
	struct pending_names *pn = pending_at((uint32_t)(r - fw->rules));
	char *group_name = pn == NULL                                       ? NULL
	                   : f->offset == offsetof(struct dse_fw_rule, src) ? pn->src
	                                                                    : pn->dst;
	char text[64];

	if (group_name != NULL)
		group_name[0] = '\0';
	if (schema_get_string(rd, node, path, text, sizeof(text), addr_expected) < 0)
		return -1;
	if (strcmp(text, "any") == 0) {
		a->kind = DSE_FW_ADDR_ANY;
	} else if (config_fw_prefix_parse(text, &a->prefix) == 0) {
		a->kind = DSE_FW_ADDR_PREFIX;
	} else if (config_name_is_valid(text) && strchr(text, ':') == NULL &&
	           (text[0] < '0' || text[0] > '9')) {
		int g = find_group(fw, text);

		a->kind = DSE_FW_ADDR_GROUP;
		if (group_name != NULL)
			snprintf(group_name, DSE_FW_NAME_MAX, "%.31s", text);
		a->group = g < 0 ? UINT16_MAX : (uint16_t)g;
	} else {
		config_error(schema_errors(rd), schema_node_line(rd, node), path,
		             "expected %s (a prefix needs zero host bits), got \"%s\"",
		             addr_expected, text);
		return -1;
	}
	return 0;
}

static json_t *
write_addr(const struct schema_field *f, const void *item, const void *cfg, bool *fail)
{
	const struct dse_fw_config *fw = fw_config(cfg);
	const struct dse_fw_addr *a = (const void *)((const char *)item + f->offset);
	char text[64];
	json_t *v;

	if (a->kind == DSE_FW_ADDR_ANY)
		snprintf(text, sizeof(text), "any");
	else if (a->kind == DSE_FW_ADDR_GROUP)
		snprintf(text, sizeof(text), "%s",
		         a->group < fw->nb_groups ? fw->groups[a->group].name : "");
	else
		config_fw_prefix_format(&a->prefix, text, sizeof(text));
	v = json_string(text);
	*fail |= v == NULL;
	return v;
}

static const struct schema_custom addr_custom = {.read = read_addr, .write = write_addr};

/* Reads "80", 80, "80,443,1000-2000" into rule ranges. */
static int
read_ports(struct schema_reader *rd, const yaml_node_t *node, const char *field,
           const struct schema_field *f, void *item, void *cfg)
{
	static const char expected[] = "a port 1..65535 or a list such as \"80,443,1000-2000\"";
	struct dse_config_errors *errs = schema_errors(rd);
	struct dse_fw_rule *r = item;
	char text[160];
	long long single;

	(void)f;
	(void)cfg;
	if (node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    strchr((const char *)node->data.scalar.value, ',') == NULL &&
	    strchr((const char *)node->data.scalar.value, '-') == NULL) {
		if (schema_get_integer(rd, node, field, 1, 65535, expected, &single) < 0)
			return -1;
		r->ranges[0].lo = r->ranges[0].hi = (uint16_t)single;
		r->nb_ranges = 1;
		return 0;
	}
	if (schema_get_string(rd, node, field, text, sizeof(text), expected) < 0)
		return -1;
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
			config_error(errs, schema_node_line(rd, node), field,
			             "too many port ranges; at most %d", DSE_FW_MAX_RANGES);
			return -1;
		}
		r->ranges[r->nb_ranges].lo = (uint16_t)lo;
		r->ranges[r->nb_ranges].hi = (uint16_t)hi;
		r->nb_ranges++;
	}
	if (r->nb_ranges > 0)
		return 0;
bad:
	r->nb_ranges = 0;
	config_error(errs, schema_node_line(rd, node), field,
	             "expected %s (ranges low-high, 1..65535), got \"%.60s\"", expected,
	             (const char *)node->data.scalar.value);
	return -1;
}

static json_t *
write_ports(const struct schema_field *f, const void *item, const void *cfg, bool *fail)
{
	const struct dse_fw_rule *r = item;
	char ports[160];
	size_t n = 0;
	json_t *v;

	(void)f;
	(void)cfg;
	if (r->nb_ranges == 0)
		return NULL;
	ports[0] = '\0';
	for (unsigned i = 0; i < r->nb_ranges && n < sizeof(ports); i++) {
		int w = r->ranges[i].lo == r->ranges[i].hi
		            ? snprintf(ports + n, sizeof(ports) - n, "%s%u", i ? "," : "",
		                       r->ranges[i].lo)
		            : snprintf(ports + n, sizeof(ports) - n, "%s%u-%u", i ? "," : "",
		                       r->ranges[i].lo, r->ranges[i].hi);
		if (w > 0)
			n += (size_t)w;
	}
	v = json_string(ports);
	*fail |= v == NULL;
	return v;
}

static const struct schema_custom ports_custom = {.read = read_ports, .write = write_ports};

static const char *const protocol_names[] = {"any", "tcp", "udp", "icmp", "icmpv6"};
static const int16_t protocol_numbers[] = {-1, 6, 17, 1, 58};
static const char protocol_expected[] = "tcp, udp, icmp, icmpv6, any or a protocol number 0..255";

/* A protocol by name or number. */
static int
read_protocol(struct schema_reader *rd, const yaml_node_t *node, const char *path,
              const struct schema_field *f, void *item, void *cfg)
{
	struct dse_fw_rule *r = item;
	char text[32];
	long long v;

	(void)f;
	(void)cfg;
	if (schema_is_plain(node) && node->data.scalar.value[0] >= '0' &&
	    node->data.scalar.value[0] <= '9') {
		if (schema_get_integer(rd, node, path, 0, 255, protocol_expected, &v) < 0)
			return -1;
		r->protocol = (int16_t)v;
		return 0;
	}
	if (schema_get_string(rd, node, path, text, sizeof(text), protocol_expected) < 0)
		return -1;
	for (unsigned i = 0; i < 5; i++)
		if (strcmp(text, protocol_names[i]) == 0) {
			r->protocol = protocol_numbers[i];
			return 0;
		}
	config_error(schema_errors(rd), schema_node_line(rd, node), path, "expected %s, got \"%s\"",
	             protocol_expected, text);
	return -1;
}

static json_t *
write_protocol(const struct schema_field *f, const void *item, const void *cfg, bool *fail)
{
	const struct dse_fw_rule *r = item;
	json_t *v = NULL;

	(void)f;
	(void)cfg;
	for (unsigned i = 0; i < 5 && v == NULL; i++)
		if (protocol_numbers[i] == r->protocol)
			v = json_string(protocol_names[i]);
	if (v == NULL)
		v = json_integer(r->protocol);
	*fail |= v == NULL;
	return v;
}

/* clang-format off */
static const struct schema_custom protocol_custom = {.read = read_protocol,
    .write = write_protocol};
/* clang-format on */

static bool
icmp_type_present(const void *item)
{
	return ((const struct dse_fw_rule *)item)->icmp_type >= 0;
}

static bool
icmp_code_present(const void *item)
{
	return ((const struct dse_fw_rule *)item)->icmp_code >= 0;
}

/* Checks the fields of a service against each other. */
static void
service_finish(struct schema_reader *rd, const yaml_node_t *node, const char *prefix, void *item,
               void *cfg, uint32_t seen)
{
	struct dse_config_errors *errs = schema_errors(rd);
	struct dse_fw_rule *r = item;
	bool ports = seen & 2, type = seen & 4, code = seen & 8;
	char field[FIELD_SIZE], type_field[FIELD_SIZE], code_field[FIELD_SIZE];
	int type_line, code_line, icmp_line;

	(void)node;
	(void)cfg;
	schema_path_join(type_field, prefix, "icmp-type");
	schema_path_join(code_field, prefix, "icmp-code");
	type_line = type ? schema_line(rd, type_field) : 0;
	code_line = code ? schema_line(rd, code_field) : 0;
	icmp_line = type_line > code_line ? type_line : code_line;
	if (ports && r->protocol != 6 && r->protocol != 17) {
		schema_path_join(field, prefix, "ports");
		config_error(errs, schema_line(rd, field), field,
		             "ports need protocol tcp or udp (protocol is %s)",
		             r->protocol < 0 ? "any" : "not tcp/udp");
	}
	if ((type || code) && r->protocol != 1 && r->protocol != 58)
		config_error(errs, icmp_line, type ? type_field : code_field,
		             "needs protocol icmp or icmpv6");
	if (code && !type)
		config_error(errs, icmp_line, code_field, "needs icmp-type too");
	if (r->protocol == 1)
		r->family = 4;
	else if (r->protocol == 58)
		r->family = 6;
}

/* clang-format off */
static const struct schema_field service_fields[] = {
    {.name = "protocol", .type = SCHEMA_CUSTOM, .flags = SCHEMA_SIGNED,
     SCHEMA_AT(struct dse_fw_rule, protocol), .def = -1, .custom = &protocol_custom,
     .doc_type = "name or number", .doc_default = "any", .doc_range = protocol_expected,
     .doc_example = "tcp", .doc = "IP protocol"},
    {.name = "ports", .type = SCHEMA_CUSTOM, SCHEMA_AT(struct dse_fw_rule, ranges),
     .custom = &ports_custom, .doc_type = "port list", .doc_default = "any",
     .doc_range = "1..65535, at most 8 ranges; tcp and udp only",
     .doc_example = "\"80,443,8000-8080\"", .doc = "destination ports"},
    {.name = "icmp-type", .type = SCHEMA_UINT, .flags = SCHEMA_SIGNED,
     SCHEMA_AT(struct dse_fw_rule, icmp_type), .min = 0, .max = 255, .def = -1,
     .present = icmp_type_present, .doc_default = "any", .doc_example = "8",
     .doc = "icmp and icmpv6: the type"},
    {.name = "icmp-code", .type = SCHEMA_UINT, .flags = SCHEMA_SIGNED,
     SCHEMA_AT(struct dse_fw_rule, icmp_code), .min = 0, .max = 255, .def = -1,
     .present = icmp_code_present, .doc_default = "any", .doc_example = "0",
     .doc = "icmp and icmpv6: the code (needs icmp-type)"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table service_table = {SCHEMA_FIELDS(service_fields),
    .expected = "a mapping of protocol, ports, icmp-type, icmp-code",
    .size = sizeof(struct dse_fw_rule), .finish = service_finish};
/* clang-format on */

/* A rule's service is written only when it restricts something. */
static bool
service_present(const void *item)
{
	const struct dse_fw_rule *r = item;

	return r->protocol >= 0 || r->nb_ranges != 0 || r->icmp_type >= 0;
}

/* clang-format off */
static const struct schema_field rule_fields[] = {
    {.name = "id", .type = SCHEMA_UINT, .flags = SCHEMA_REQUIRED, SCHEMA_AT(struct dse_fw_rule, id),
     .min = 1, .max = 2147483647, .missing = "a rule id 1..2147483647",
     .doc_range = "1..2147483647, unique", .doc_example = "10",
     .doc = "the rule's id in `dsectl show fw` and logs"},
    {.name = "src", .type = SCHEMA_CUSTOM, SCHEMA_AT(struct dse_fw_rule, src),
     .custom = &addr_custom, .doc_type = "address", .doc_default = "any",
     .doc_range = addr_expected, .doc_example = "198.18.0.0/15", .doc = "source of the packet"},
    {.name = "dst", .type = SCHEMA_CUSTOM, SCHEMA_AT(struct dse_fw_rule, dst),
     .custom = &addr_custom, .doc_type = "address", .doc_default = "any",
     .doc_range = addr_expected, .doc_example = "webservers", .doc = "destination of the packet"},
    {.name = "action", .type = SCHEMA_ENUM, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_fw_rule, action), .names = action_names, .nb_names = 3,
     .expected = "allow, drop or reject", .missing = "allow, drop or reject",
     .doc_example = "allow", .doc = "what a matching connection meets (reject: RST or ICMP)"},
    {.name = "direction", .type = SCHEMA_ENUM, SCHEMA_AT(struct dse_fw_rule, direction),
     .names = direction_names, .nb_names = 3, .expected = "in, out or both", .doc_example = "in",
     .doc = "traffic delivered to (in) or sent by (out) the workload"},
    {.name = "log", .type = SCHEMA_BOOL, SCHEMA_AT(struct dse_fw_rule, log), .doc_example = "true",
     .doc = "log each connection the rule decides"},
    {.name = "service", .type = SCHEMA_MAP, .flags = SCHEMA_NULL_OK, .offset = 0,
     .sub = &service_table, .present = service_present,
     .doc = "protocol, ports, icmp-type, icmp-code (rule fields below)"},
};
/* clang-format on */

/* clang-format off */
const struct schema_table config_fw_rule_table = {SCHEMA_FIELDS(rule_fields),
    .expected = "a mapping of id, src, dst, service, action, direction, log",
    .size = sizeof(struct dse_fw_rule), SCHEMA_LINE(struct dse_fw_rule, line)};
/* clang-format on */

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

/* Sets a rule address's group index from the name it was written with (if any). */
static void
resolve_group(const struct dse_fw_config *fw, const struct schema_reader *rd, const char *prefix,
              const char *key, const char *name, struct dse_fw_addr *a,
              struct dse_config_errors *errs)
{
	char field[FIELD_SIZE];
	int g;

	if (name[0] == '\0')
		return;
	g = find_group(fw, name);
	a->group = g < 0 ? UINT16_MAX : (uint16_t)g;
	if (g >= 0)
		return;
	schema_path_join(field, prefix, key);
	config_error(errs, schema_line(rd, field), field, "unknown group \"%s\"; expected %s", name,
	             addr_expected);
}

void
config_validate_firewall(const struct dse_config *cfg, const struct schema_reader *rd,
                         struct dse_config_errors *errs)
{
	/* Resolution writes group indexes and families; the config being validated is ours. */
	struct dse_fw_config *fw = fw_config(cfg);
	char field[FIELD_SIZE];

	config_check_unique_names(errs, NULL, "group", "groups", fw->groups, sizeof(fw->groups[0]),
	                          fw->nb_groups, offsetof(struct dse_fw_group, name),
	                          offsetof(struct dse_fw_group, line));
	config_check_unique_names(errs, NULL, "section", "firewall.sections", fw->sections,
	                          sizeof(fw->sections[0]), fw->nb_sections,
	                          offsetof(struct dse_fw_section, name),
	                          offsetof(struct dse_fw_section, line));

	for (unsigned i = 0; i < fw->nb_groups; i++) {
		const struct dse_fw_group *g = &fw->groups[i];
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
		char prefix[FIELD_SIZE];

		snprintf(prefix, sizeof(prefix), "firewall.sections[%u].rules[%u]", r->section, n);
		if (pn != NULL) {
			resolve_group(fw, rd, prefix, "src", pn->src, &r->src, errs);
			resolve_group(fw, rd, prefix, "dst", pn->dst, &r->dst, errs);
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
