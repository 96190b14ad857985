/*
 * The firewall part of the config: the sections `groups` (named sets of addresses, prefixes and
 * ports), `firewall` (the policy default, log settings and ordered sections of rules, each with
 * what it applies to) and `conntrack` (table bound and per-state timeouts), as field tables.
 * Addresses follow RFC 4632 (CIDR) and RFC 4291/5952 (IPv6 text). The rules' own table and the
 * checks across sections are in fw_config_rules.c. The firewall's part of struct dse_config
 * (struct dse_fw_config, read with fw_config()) is declared here as dse_config_firewall.
 */
#include "firewall/fw_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/config.h"
#include "config/config_sections.h"
#include "config/schema.h"

static const char *const action_names[] = {"allow", "drop", "reject"};
static const char *const direction_names[] = {"both", "in", "out"};

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

/* A group member: an address, a prefix or a port name. */
static int
read_member(struct schema_reader *rd, const yaml_node_t *node, const char *path,
            const struct schema_field *f, void *item, void *cfg)
{
	struct dse_fw_member *mem = item;
	char text[64];

	(void)f;
	(void)cfg;
	if (schema_get_string(rd, node, path, text, sizeof(text),
	                      "an address, CIDR prefix or port name") < 0)
		return -1;
	if (config_fw_prefix_parse(text, &mem->prefix) == 0) {
		mem->is_port = false;
	} else if (config_name_is_valid(text) && strchr(text, ':') == NULL) {
		memset(&mem->prefix, 0, sizeof(mem->prefix));
		mem->is_port = true;
		snprintf(mem->port, sizeof(mem->port), "%.31s", text);
	} else {
		config_error(schema_errors(rd), schema_node_line(rd, node), path,
		             "expected an address, a CIDR prefix with zero host bits or a port "
		             "name, got \"%s\"",
		             text);
		return -1;
	}
	return 0;
}

static json_t *
write_member(const struct schema_field *f, const void *item, const void *cfg, bool *fail)
{
	const struct dse_fw_member *mem = item;
	char text[64];
	json_t *v;

	(void)f;
	(void)cfg;
	if (mem->is_port)
		snprintf(text, sizeof(text), "%s", mem->port);
	else
		config_fw_prefix_format(&mem->prefix, text, sizeof(text));
	v = json_string(text);
	*fail |= v == NULL;
	return v;
}

static const struct schema_custom member_custom = {.read = read_member, .write = write_member};

/* clang-format off */
static const struct schema_pool members_pool = {.ptr = offsetof(struct dse_fw_config, members),
    .count = offsetof(struct dse_fw_config, nb_members), .count_sz = 2,
    .elem = sizeof(struct dse_fw_member), .first = offsetof(struct dse_fw_group, first_member),
    .nb = offsetof(struct dse_fw_group, nb_members), .index_sz = 2,
    SCHEMA_PART(DSE_SERVICE_FIREWALL)};
/* clang-format on */

static void
group_finish(struct schema_reader *rd, const yaml_node_t *node, const char *path, void *item,
             void *cfg, uint32_t seen)
{
	struct dse_fw_group *g = item;

	(void)rd;
	(void)node;
	(void)path;
	if (!(seen & 2))
		g->first_member = fw_config(cfg)->nb_members;
}

/* clang-format off */
static const struct schema_field group_fields[] = {
    {.name = "name", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_fw_group, name), .missing = "a group name",
     .doc_range = "1..31 name characters, unique", .doc_example = "webservers",
     .doc = "the group's name, used as a rule's src or dst"},
    {.name = "members", .type = SCHEMA_POOL, .flags = SCHEMA_ITEM_LIMIT, .pool = &members_pool,
     .custom = &member_custom, .max = DSE_FW_MAX_MEMBERS,
     .expected = "a list of addresses, CIDR prefixes and port names",
     .too_many = "too many group members; at most %d in all groups",
     .doc_type = "list of addresses", .doc_default = "empty",
     .doc_range = "addresses, CIDR prefixes (host bits zero), port names; 4096 in all groups",
     .doc_example = "[198.18.5.2, vm2]", .doc = "what the group holds"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table group_table = {SCHEMA_FIELDS(group_fields),
    .expected = "a mapping of name, members", .size = sizeof(struct dse_fw_group),
    SCHEMA_LINE(struct dse_fw_group, line), .finish = group_finish};
/* clang-format on */

/* clang-format off */
static const struct schema_field groups_field = {.name = "groups", .type = SCHEMA_LIST,
    SCHEMA_PART(DSE_SERVICE_FIREWALL),
    .offset = offsetof(struct dse_fw_config, groups), .size = sizeof(struct dse_fw_group),
    .aux = offsetof(struct dse_fw_config, nb_groups), .count_sz = 2, .max = DSE_FW_MAX_GROUPS,
    .sub = &group_table, .expected = "a list of groups", .too_many = "too many groups; at most %d",
    .doc = "named sets of addresses and ports for firewall rules"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_groups = {.name = "groups", .field = &groups_field,
    .doc_title = "groups", .after = "static-macs"};
/* clang-format on */

/* applied-to: all, or port and segment names. */
static int
read_applied_to(struct schema_reader *rd, const yaml_node_t *node, const char *field,
                const struct schema_field *f, void *item, void *cfg)
{
	struct dse_fw_section *s = item;
	char item_field[sizeof(((struct dse_config_error *)0)->field)];
	size_t i = 0;

	(void)f;
	(void)cfg;
	if (node->type == YAML_SCALAR_NODE && !schema_is_null(node)) {
		char name[DSE_FW_NAME_MAX];
		if (schema_get_name(rd, node, field, name) < 0)
			return -1;
		if (strcmp(name, "all") == 0)
			s->applied_all = true;
		else
			memcpy(s->applied_to[s->nb_applied++], name, sizeof(name));
		return 0;
	}
	if (schema_expect_sequence(rd, node, field, "all, or a list of port and segment names") <=
	    0)
		return 0;
	for (yaml_node_item_t *it = node->data.sequence.items.start;
	     it < node->data.sequence.items.top; it++) {
		const yaml_node_t *n = schema_node(rd, *it);
		char name[DSE_FW_NAME_MAX];

		schema_path_index(item_field, field, i++);
		if (n == NULL || schema_get_name(rd, n, item_field, name) < 0)
			continue;
		if (strcmp(name, "all") == 0) {
			s->applied_all = true;
			continue;
		}
		if (s->nb_applied >= DSE_FW_MAX_APPLIED) {
			config_error(schema_errors(rd), schema_node_line(rd, n), item_field,
			             "too many applied-to entries; at most %d", DSE_FW_MAX_APPLIED);
			return 0;
		}
		memcpy(s->applied_to[s->nb_applied++], name, sizeof(name));
	}
	return 0;
}

static json_t *
write_applied_to(const struct schema_field *f, const void *item, const void *cfg, bool *fail)
{
	const struct dse_fw_section *s = item;
	json_t *applied = json_array();
	int rc = applied == NULL ? -1 : 0;

	(void)f;
	(void)cfg;
	if (applied != NULL && s->applied_all)
		rc |= json_array_append_new(applied, json_string("all"));
	for (unsigned a = 0; applied != NULL && a < s->nb_applied; a++)
		rc |= json_array_append_new(applied, json_string(s->applied_to[a]));
	*fail |= rc != 0;
	return applied;
}

/* clang-format off */
static const struct schema_custom applied_to_custom = {.read = read_applied_to,
    .write = write_applied_to};
/* clang-format on */

/* clang-format off */
static const struct schema_pool rules_pool = {.ptr = offsetof(struct dse_fw_config, rules),
    .count = offsetof(struct dse_fw_config, nb_rules), .count_sz = 4,
    .elem = sizeof(struct dse_fw_rule), .first = offsetof(struct dse_fw_section, first_rule),
    .nb = offsetof(struct dse_fw_section, nb_rules), .index_sz = 4,
    SCHEMA_PART(DSE_SERVICE_FIREWALL)};
/* clang-format on */

/* Ties the section's rules to it. */
static void
section_finish(struct schema_reader *rd, const yaml_node_t *node, const char *path, void *item,
               void *cfg, uint32_t seen)
{
	struct dse_fw_config *fw = fw_config(cfg);
	struct dse_fw_section *s = item;

	(void)rd;
	(void)node;
	(void)path;
	if (!(seen & 4))
		s->first_rule = fw->nb_rules;
	for (uint32_t i = 0; i < s->nb_rules; i++)
		fw->rules[s->first_rule + i].section = (uint16_t)(s - fw->sections);
}

static bool
section_default_present(const void *item)
{
	return ((const struct dse_fw_section *)item)->default_action != DSE_FW_ACTION_NONE;
}

/* clang-format off */
static const struct schema_field section_fields[] = {
    {.name = "name", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_fw_section, name), .missing = "a section name",
     .doc_range = "1..31 name characters, unique", .doc_example = "web",
     .doc = "the section's name"},
    {.name = "applied-to", .type = SCHEMA_CUSTOM, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_fw_section, applied_to), .custom = &applied_to_custom,
     .missing = "all, or a list of port and segment names", .doc_type = "list of names",
     .doc_range = "`all`, or at most 16 port and segment names", .doc_example = "[vm2, web]",
     .doc = "the ports whose traffic the section checks"},
    {.name = "rules", .type = SCHEMA_POOL, .flags = SCHEMA_ITEM_LIMIT, .pool = &rules_pool,
     .sub = &config_fw_rule_table, .max = DSE_FW_MAX_RULES, .expected = "a list of rules",
     .too_many = "too many rules; at most %d in all sections", .doc_default = "empty",
     .doc_range = "16384 in all sections", .doc = "in order; the first that matches decides"},
    {.name = "default", .type = SCHEMA_ENUM, SCHEMA_AT(struct dse_fw_section, default_action),
     .names = action_names, .nb_names = 3, .def = DSE_FW_ACTION_NONE,
     .expected = "allow, drop or reject", .present = section_default_present,
     .doc_default = "none (on to the next section)", .doc_example = "reject",
     .doc = "ends the evaluation for the section's ports when no rule matched"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table section_table = {SCHEMA_FIELDS(section_fields),
    .expected = "a mapping of name, applied-to, default, rules",
    .size = sizeof(struct dse_fw_section), SCHEMA_LINE(struct dse_fw_section, line),
    .finish = section_finish};
/* clang-format on */

/* clang-format off */
static const struct schema_field firewall_fields[] = {
    {.name = "default", .type = SCHEMA_ENUM, SCHEMA_AT(struct dse_fw_config, default_action),
     .names = action_names, .nb_names = 3, .def = DSE_FW_ALLOW, .expected = "allow, drop or reject",
     .doc_example = "drop",
     .doc = "what a packet meets when no rule of its ports' sections matches"},
    {.name = "log-rate", .type = SCHEMA_UINT, SCHEMA_AT(struct dse_fw_config, log_rate), .min = 0,
     .max = 1000000, .def = 100, .doc_example = "100",
     .doc = "log lines per second at most, all workers together"},
    {.name = "sections", .type = SCHEMA_LIST, .flags = SCHEMA_ITEM_LIMIT,
     .offset = offsetof(struct dse_fw_config, sections), .size = sizeof(struct dse_fw_section),
     .aux = offsetof(struct dse_fw_config, nb_sections), .count_sz = 2, .max = DSE_FW_MAX_SECTIONS,
     .sub = &section_table, .expected = "a list of sections",
     .too_many = "too many sections; at most %d", .doc_default = "empty",
     .doc = "ordered sections of rules (section fields below)"},
    {.name = "log-file", .type = SCHEMA_STRING, .flags = SCHEMA_OMIT_EMPTY,
     SCHEMA_AT(struct dse_fw_config, log_file), .expected = "a file path",
     .doc_default = "dsed's `--fw-log`", .doc_example = "/var/log/dse/fw.json",
     .doc = "where log lines (EVE-style JSON) go"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table firewall_table = {SCHEMA_FIELDS(firewall_fields),
    .expected = "a mapping of default, sections, log-file, log-rate",
    .size = sizeof(struct dse_fw_config)};
/* clang-format on */

/* clang-format off */
static const struct schema_field firewall_field = {.name = "firewall", .type = SCHEMA_MAP,
    .flags = SCHEMA_NULL_OK, .offset = 0, SCHEMA_PART(DSE_SERVICE_FIREWALL),
    SCHEMA_HAS(struct dse_fw_config, enabled), .sub = &firewall_table,
    .doc = "the distributed firewall's policy"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_firewall = {.name = "firewall", .field = &firewall_field,
    .doc_title = "firewall", .check = config_validate_firewall, .after = "conntrack"};
/* clang-format on */

#define TIMEOUT(key, member, value, what)                                                          \
	{                                                                                          \
		.name = key, .type = SCHEMA_UINT, SCHEMA_AT(struct dse_ct_config, member),         \
		.min = 1, .max = 7 * 86400, .def = value, .doc = what                              \
	}

/* clang-format off */
static const struct schema_field timeout_fields[] = {
    TIMEOUT("tcp-syn-sent", tcp_syn_sent, 30, "SYN seen, no answer yet"),
    TIMEOUT("tcp-established", tcp_established, 3600, "handshake complete"),
    TIMEOUT("tcp-fin", tcp_fin, 120, "one or both sides closing"),
    TIMEOUT("tcp-time-wait", tcp_time_wait, 30, "both FINs acknowledged, or reset"),
    TIMEOUT("udp", udp, 60, "UDP and other protocols, since the last packet"),
    TIMEOUT("icmp", icmp, 30, "ICMP echo, since the last packet"),
};
/* clang-format on */

/* clang-format off */
static const struct schema_table timeouts_table = {SCHEMA_FIELDS(timeout_fields),
    .expected = "a mapping of tcp-syn-sent, tcp-established, tcp-fin, tcp-time-wait, udp, icmp "
        "(seconds)", .size = sizeof(struct dse_ct_config)};
/* clang-format on */

/* clang-format off */
static const struct schema_field conntrack_fields[] = {
    {.name = "max-connections", .type = SCHEMA_UINT,
     SCHEMA_AT(struct dse_ct_config, max_connections), .min = DSE_CT_MIN_CONNECTIONS,
     .max = DSE_CT_MAX_CONNECTIONS, .def = 1000000, .doc_example = "1000000",
     .doc = "bound of the table; sized by the first policy applied, later only lowered"},
    {.name = "timeouts", .type = SCHEMA_MAP, .flags = SCHEMA_NULL_OK, .offset = 0,
     .sub = &timeouts_table, .doc = "seconds of idleness per state (fields below)"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table conntrack_table = {SCHEMA_FIELDS(conntrack_fields),
    .expected = "a mapping of max-connections, timeouts", .size = sizeof(struct dse_ct_config)};
/* clang-format on */

/* clang-format off */
static const struct schema_field conntrack_field = {.name = "conntrack", .type = SCHEMA_MAP,
    .flags = SCHEMA_NULL_OK, .offset = offsetof(struct dse_fw_config, ct), .sub = &conntrack_table,
    SCHEMA_PART(DSE_SERVICE_FIREWALL),
    .doc = "connection-tracking bound and timeouts"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_conntrack = {.name = "conntrack",
    .field = &conntrack_field, .doc_title = "conntrack", .after = "groups"};
/* clang-format on */

static const struct config_section *const fw_sections[] = {
    &config_section_groups, &config_section_conntrack, &config_section_firewall};

const struct config_part dse_config_firewall = {
    .size = sizeof(struct dse_fw_config), .sections = fw_sections, .nb_sections = 3};
