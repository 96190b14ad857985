/*
 * The overlay's config: the field tables of transport-node.tep (this host's Geneve, RFC 8926, or
 * VXLAN, RFC 7348, tunnel endpoint), of the segments' flood-teps (fields the overlay adds to the
 * core sections) and of the static remote bindings (remote), and the checks of their
 * references (uplink port, segments with a VNI, TEPs other than our own) once the whole config
 * is known. The overlay's part of struct dse_config is declared here as dse_config_overlay.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "config/config.h"
#include "config/schema.h"
#include "overlay/overlay_config.h"
#include "switch/switch_config.h"

#define FIELD_SIZE sizeof(((struct dse_config_error *)0)->field)

static const char *const encap_names[] = {
    [DSE_ENCAP_GENEVE] = "geneve", [DSE_ENCAP_VXLAN] = "vxlan"};

const char *
config_encap_name(enum dse_encap encap)
{
	return encap == DSE_ENCAP_VXLAN ? "vxlan" : "geneve";
}

/* Keeps the lines of the fields the checks below point at. */
static void
tep_finish(struct schema_reader *rd, const yaml_node_t *node, const char *path, void *item,
           void *cfg, uint32_t seen)
{
	struct dse_tep_config *tep = item;
	char field[FIELD_SIZE];

	(void)node;
	(void)cfg;
	(void)seen;
	schema_path_join(field, path, "uplink");
	if (schema_given(rd, field))
		tep->uplink_line = schema_line(rd, field);
	schema_path_join(field, path, "next-hop");
	if (schema_given(rd, field))
		tep->next_hop_line = schema_line(rd, field);
}

/* clang-format off */
static const struct schema_field tep_fields[] = {
    {.name = "address", .type = SCHEMA_IPV4_PREFIX, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_tep_config, address), .aux = offsetof(struct dse_tep_config, prefix_len),
     .missing = "this host's TEP address with its prefix length", .doc_range = "unicast",
     .doc_example = "198.19.0.1/24", .doc = "this host's TEP address on the underlay"},
    {.name = "uplink", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_tep_config, uplink), .missing = "the name of the uplink port",
     .doc_type = "port name", .doc_range = "a port without segment or vlans", .doc_example = "up",
     .doc = "the port that carries the underlay"},
    {.name = "next-hop", .type = SCHEMA_IPV4, .flags = SCHEMA_OMIT_EMPTY,
     SCHEMA_AT(struct dse_tep_config, next_hop), .doc_default = "none (TEPs on-link)",
     .doc_range = "in the TEP's subnet", .doc_example = "198.19.0.254",
     .doc = "underlay gateway to the other TEPs"},
    {.name = "next-hop-mac", .type = SCHEMA_MAC, SCHEMA_AT(struct dse_tep_config, next_hop_mac),
     SCHEMA_HAS(struct dse_tep_config, has_next_hop_mac), .doc_default = "none (resolved by ARP)",
     .doc_range = "unicast", .doc_example = "02:00:00:00:00:fe",
     .doc = "fixed MAC every tunnel packet is sent to"},
    {.name = "mtu", .type = SCHEMA_UINT, SCHEMA_AT(struct dse_tep_config, mtu), .min = 576,
     .max = 9216, .def = 1500, .doc_example = "9000", .doc = "the underlay's IP MTU"},
    {.name = "encapsulation", .type = SCHEMA_ENUM, SCHEMA_AT(struct dse_tep_config, encap),
     .names = encap_names, .nb_names = 2, .expected = "geneve or vxlan", .doc_example = "vxlan",
     .doc = "what is sent (both are accepted)"},
    {.name = "ttl", .type = SCHEMA_UINT, SCHEMA_AT(struct dse_tep_config, ttl), .min = 1,
     .max = 255, .def = 64, .doc_example = "32", .doc = "outer IPv4 TTL"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table tep_table = {SCHEMA_FIELDS(tep_fields),
    .expected = "a mapping of address, uplink, next-hop, next-hop-mac, mtu, encapsulation, ttl",
    .size = sizeof(struct dse_tep_config), SCHEMA_LINE(struct dse_tep_config, line),
    .finish = tep_finish};
/* clang-format on */

/* clang-format off */
static const struct schema_field binding_fields[] = {
    {.name = "segment", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_remote_binding, segment), .missing = "the segment of the binding",
     .doc_type = "segment name", .doc_range = "a segment with a `vni`", .doc_example = "web",
     .doc = "segment of the remote workload"},
    {.name = "mac", .type = SCHEMA_MAC, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_remote_binding, mac), .missing = "the workload's MAC address",
     .doc_range = "unicast; unique per segment", .doc_example = "02:00:00:00:00:09",
     .doc = "the remote workload's MAC"},
    {.name = "ip", .type = SCHEMA_IPV4, SCHEMA_AT(struct dse_remote_binding, ip),
     SCHEMA_HAS(struct dse_remote_binding, has_ip), .doc_example = "198.18.1.9",
     .doc = "its IPv4 address, for ARP suppression"},
    {.name = "tep", .type = SCHEMA_IPV4, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_remote_binding, tep), .missing = "the remote TEP's IPv4 address",
     .doc_range = "not this host's TEP", .doc_example = "198.19.0.3",
     .doc = "the TEP it lives behind"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table binding_table = {SCHEMA_FIELDS(binding_fields),
    .expected = "a mapping of segment, mac, ip, tep", .size = sizeof(struct dse_remote_binding),
    SCHEMA_LINE(struct dse_remote_binding, line)};
/* clang-format on */

/* segments[i].flood-teps: a list of distinct TEP addresses, kept in the core segment's struct. */
static int
read_flood_teps(struct schema_reader *rd, const yaml_node_t *node, const char *prefix,
                const struct schema_field *f, void *item, void *cfg)
{
	struct dse_segment_config *segment = item;
	struct dse_config_errors *errs = schema_errors(rd);
	char field[FIELD_SIZE];

	(void)f;
	(void)cfg;
	segment->nb_flood_teps = 0;
	if (schema_expect_sequence(rd, node, prefix, "a list of remote TEP IPv4 addresses") <= 0)
		return 0;
	for (yaml_node_item_t *it = node->data.sequence.items.start;
	     it < node->data.sequence.items.top; it++) {
		const yaml_node_t *item_node = schema_node(rd, *it);
		bool repeated = false;
		uint32_t ip;

		if (item_node == NULL)
			continue;
		schema_path_index(field, prefix, (size_t)(it - node->data.sequence.items.start));
		if (segment->nb_flood_teps >= DSE_MAX_FLOOD_TEPS) {
			config_error(errs, schema_node_line(rd, item_node), field,
			             "too many flood TEPs; at most %d", DSE_MAX_FLOOD_TEPS);
			return 0;
		}
		if (schema_get_ipv4(rd, item_node, field, &ip, NULL) < 0)
			continue;
		for (uint16_t j = 0; j < segment->nb_flood_teps; j++)
			repeated |= segment->flood_teps[j] == ip;
		if (repeated) {
			config_error(errs, schema_node_line(rd, item_node), field,
			             "TEP listed twice");
			continue;
		}
		segment->flood_teps[segment->nb_flood_teps++] = ip;
	}
	return 0;
}

static json_t *
write_flood_teps(const struct schema_field *f, const void *item, const void *cfg, bool *fail)
{
	const struct dse_segment_config *segment = item;
	json_t *list;

	(void)f;
	(void)cfg;
	if (segment->nb_flood_teps == 0)
		return NULL;
	list = json_array();
	for (unsigned j = 0; list != NULL && j < segment->nb_flood_teps; j++)
		if (json_array_append_new(list, schema_ipv4_json(segment->flood_teps[j], 0)) < 0)
			*fail = true;
	if (list == NULL)
		*fail = true;
	return list;
}

/* clang-format off */
static const struct schema_custom flood_teps_custom = {.read = read_flood_teps,
    .write = write_flood_teps};
/* clang-format on */

bool
config_overlay_is_uplink(const struct dse_config *cfg, const char *port_name)
{
	const struct dse_tep_config *tep = &overlay_config(cfg)->tep;

	return tep->enabled && port_name[0] != '\0' &&
	       strncmp(tep->uplink, port_name, sizeof(tep->uplink)) == 0;
}

/* Checks that segment `name` exists and has a VNI; field names the reference. */
static void
check_segment(const struct dse_config *cfg, const char *name, int line, const char *field,
              struct dse_config_errors *errs)
{
	int s = config_find_segment(cfg, name);

	if (s < 0)
		config_error(errs, line, field, "unknown segment \"%s\"", name);
	else if (cfg->segments[s].vni == 0)
		config_error(errs, line, field,
		             "segment \"%s\" has no vni; a segment that spans hosts needs one",
		             name);
}

void
config_overlay_validate(const struct dse_config *cfg, const struct schema_reader *rd,
                        struct dse_config_errors *errs)
{
	const struct dse_tep_config *tep = &overlay_config(cfg)->tep;
	char field[FIELD_SIZE];

	(void)rd;

	if (tep->enabled && tep->uplink[0] != '\0') {
		int p = config_find_port(cfg, tep->uplink);

		if (p < 0)
			config_error(errs, tep->uplink_line, "transport-node.tep.uplink",
			             "unknown port \"%s\"", tep->uplink);
		else if (cfg->ports[p].segment[0] != '\0' || cfg->ports[p].nb_vlans != 0)
			config_error(
			    errs, cfg->ports[p].line, "transport-node.tep.uplink",
			    "port \"%s\" is the uplink: it carries the underlay and cannot "
			    "have a segment or vlans",
			    tep->uplink);
	}
	if (tep->enabled && tep->next_hop != 0 && tep->address != 0) {
		uint32_t mask = tep->prefix_len ? ~0u << (32 - tep->prefix_len) : 0;

		if (tep->next_hop == tep->address)
			config_error(errs, tep->next_hop_line, "transport-node.tep.next-hop",
			             "the next hop is the TEP address itself");
		else if ((tep->next_hop & mask) != (tep->address & mask))
			config_error(errs, tep->next_hop_line, "transport-node.tep.next-hop",
			             "the next hop is not in the TEP's subnet /%u",
			             tep->prefix_len);
	}

	for (uint16_t i = 0; i < cfg->nb_segments; i++) {
		const struct dse_segment_config *seg = &cfg->segments[i];

		if (seg->nb_flood_teps == 0)
			continue;
		snprintf(field, sizeof(field), "segments[%u].flood-teps", i);
		if (!tep->enabled)
			config_error(errs, seg->line, field,
			             "flood TEPs need this host's transport-node.tep");
		if (seg->vni == 0)
			config_error(
			    errs, seg->line, field,
			    "segment \"%s\" has no vni; a segment that spans hosts needs one",
			    seg->name);
		for (uint16_t j = 0; j < seg->nb_flood_teps; j++)
			if (tep->enabled && seg->flood_teps[j] == tep->address)
				config_error(errs, seg->line, field,
				             "lists this host's own TEP address");
	}

	const struct dse_overlay_config *ov = overlay_config(cfg);
	const struct dse_switch_config *sw = switch_config(cfg);

	for (uint16_t i = 0; i < ov->nb_remote; i++) {
		const struct dse_remote_binding *b = &ov->remote[i];

		snprintf(field, sizeof(field), "remote[%u].segment", i);
		if (b->segment[0] != '\0')
			check_segment(cfg, b->segment, b->line, field, errs);
		snprintf(field, sizeof(field), "remote[%u].tep", i);
		if (!tep->enabled)
			config_error(errs, b->line, field,
			             "remote bindings need this host's transport-node.tep");
		else if (b->tep != 0 && b->tep == tep->address)
			config_error(errs, b->line, field, "is this host's own TEP address");
		for (uint16_t j = 0; j < i; j++) {
			const struct dse_remote_binding *o = &ov->remote[j];

			if (memcmp(o->mac, b->mac, 6) == 0 && strcmp(o->segment, b->segment) == 0) {
				snprintf(field, sizeof(field), "remote[%u].mac", i);
				config_error(
				    errs, b->line, field,
				    "duplicate binding in segment \"%s\" (first at line %d)",
				    b->segment, o->line);
				break;
			}
		}
		for (uint16_t j = 0; j < sw->nb_static_macs; j++)
			if (memcmp(sw->static_macs[j].mac, b->mac, 6) == 0 &&
			    strcmp(sw->static_macs[j].segment, b->segment) == 0) {
				snprintf(field, sizeof(field), "remote[%u].mac", i);
				config_error(
				    errs, b->line, field,
				    "this MAC is also a static MAC of a local port (line %d)",
				    sw->static_macs[j].line);
				break;
			}
	}
}

/* clang-format off */
static const struct schema_field remote_field = {.name = "remote", .type = SCHEMA_LIST,
    .flags = SCHEMA_OMIT_EMPTY, .offset = offsetof(struct dse_overlay_config, remote),
    SCHEMA_PART(DSE_SERVICE_OVERLAY),
    .size = sizeof(struct dse_remote_binding),
    .aux = offsetof(struct dse_overlay_config, nb_remote), .count_sz = 2, .max = DSE_MAX_REMOTE,
    .sub = &binding_table, .expected = "a list of remote bindings",
    .too_many = "too many remote bindings; at most %d",
    .doc = "static remote bindings: workload MACs behind remote TEPs"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_remote = {.name = "remote", .field = &remote_field,
    .doc_title = "remote", .check = config_overlay_validate};
/* clang-format on */

/* clang-format off */
static const struct schema_field tep_field = {.name = "tep", .type = SCHEMA_MAP,
    SCHEMA_PART(DSE_SERVICE_OVERLAY), .offset = offsetof(struct dse_overlay_config, tep),
    SCHEMA_HAS(struct dse_overlay_config, tep.enabled), .doc_default = "none",
    .sub = &tep_table, .doc = "this host's tunnel endpoint (`tep` below)"};
/* clang-format on */

/* transport-node.tep: a field of the core section. */
static const struct config_section tep_section = {.name = "tep",
                                                  .field = &tep_field,
                                                  .doc_title = "transport-node.tep",
                                                  .parent = "transport-node"};

/* clang-format off */
static const struct schema_field flood_teps_field = {.name = "flood-teps", .type = SCHEMA_CUSTOM,
    .flags = SCHEMA_OMIT_EMPTY, SCHEMA_AT(struct dse_segment_config, flood_teps),
    .custom = &flood_teps_custom, .doc_type = "list of IPv4", .doc_default = "empty",
    .doc_range = "at most 16; needs `transport-node.tep` and `vni`",
    .doc_example = "[198.19.0.2]",
    .doc = "remote TEPs that get the segment's broadcast, unknown and multicast frames"};
/* clang-format on */

/* segments[].flood-teps: a field of the core section's items. */
static const struct config_section flood_teps_section = {.name = "flood-teps",
                                                         .field = &flood_teps_field,
                                                         .doc_title = "segments.flood-teps",
                                                         .parent = "segments"};

static const struct config_section *const overlay_sections[] = {&tep_section, &flood_teps_section,
                                                                &config_section_remote};

const struct config_part dse_config_overlay = {.size = sizeof(struct dse_overlay_config),
                                               .sections = overlay_sections,
                                               .nb_sections = 3,
                                               .port_is_own = config_overlay_is_uplink};
