/*
 * The switch's config: the section `switch` (MAC table size and aging) and `static-macs`
 * (addresses pinned to ports), their field tables and the checks of static MACs against the
 * segments and ports. The switch's part of struct dse_config is declared here as
 * dse_config_switch.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config/config_sections.h"
#include "config/schema.h"
#include "switch/switch_config.h"

#define FIELD_SIZE sizeof(((struct dse_config_error *)0)->field)

/* clang-format off */
static const struct schema_field switch_fields[] = {
    {.name = "mac-table-size", .type = SCHEMA_UINT,
     SCHEMA_AT(struct dse_switch_config, mac_table_size), .min = 1024, .max = 16777216,
     .def = 65536, .doc_example = "131072",
     .doc = "entries of the MAC table, learned and static"},
    {.name = "mac-aging", .type = SCHEMA_UINT, SCHEMA_AT(struct dse_switch_config, mac_aging_s),
     .min = 0, .max = 86400, .low = 10, .def = 300,
     .expected = "0 (never age) or an integer 10..86400",
     .doc_type = "integer (seconds)", .doc_range = "0, or 10..86400", .doc_example = "600",
     .doc = "seconds before an unseen learned address is forgotten (0: never)"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table switch_table = {SCHEMA_FIELDS(switch_fields),
    .expected = "a mapping of mac-table-size, mac-aging",
    .size = sizeof(struct dse_switch_config)};
/* clang-format on */

/* clang-format off */
static const struct schema_field switch_field = {.name = "switch", .type = SCHEMA_MAP,
    .flags = SCHEMA_NULL_OK, SCHEMA_PART(DSE_SERVICE_SWITCH), .sub = &switch_table,
    .doc = "the MAC learning table shared by all segments"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_switch = {.name = "switch", .field = &switch_field,
    .doc_title = "switch", .after = "transport-node"};
/* clang-format on */

/* clang-format off */
static const struct schema_field static_mac_fields[] = {
    {.name = "segment", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_static_mac, segment), .missing = "a segment name",
     .doc_range = "an existing segment", .doc_example = "web", .doc = "segment of the address"},
    {.name = "mac", .type = SCHEMA_MAC, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_static_mac, mac), .missing = "a unicast MAC address",
     .doc_range = "unicast, unique within the segment", .doc_example = "02:00:00:00:00:0b",
     .doc = "the pinned address"},
    {.name = "port", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_static_mac, port), .missing = "a port name",
     .doc_range = "an existing port that carries the segment (untagged or by a VLAN)",
     .doc_example = "vm1", .doc = "port the address is pinned to"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table static_mac_table = {SCHEMA_FIELDS(static_mac_fields),
    .expected = "a mapping of segment, mac, port", .size = sizeof(struct dse_static_mac),
    SCHEMA_LINE(struct dse_static_mac, line)};
/* clang-format on */

static void
check_static_macs(const struct dse_config *cfg, const struct schema_reader *rd,
                  struct dse_config_errors *errs)
{
	char field[FIELD_SIZE];

	const struct dse_switch_config *sw = switch_config(cfg);

	for (uint16_t i = 0; i < sw->nb_static_macs; i++) {
		const struct dse_static_mac *entry = &sw->static_macs[i];
		int port_index = config_find_port(cfg, entry->port);
		bool segment_known = config_find_segment(cfg, entry->segment) >= 0;

		if (entry->segment[0] != '\0' && !segment_known) {
			snprintf(field, sizeof(field), "static-macs[%u].segment", i);
			config_error(errs, schema_line(rd, field), field, "unknown segment \"%s\"",
			             entry->segment);
		}
		snprintf(field, sizeof(field), "static-macs[%u].port", i);
		if (entry->port[0] != '\0' && port_index < 0)
			config_error(errs, schema_line(rd, field), field, "unknown port \"%s\"",
			             entry->port);
		else if (port_index >= 0 && segment_known &&
		         !config_port_carries_segment(&cfg->ports[port_index], entry->segment))
			config_error(errs, schema_line(rd, field), field,
			             "port \"%s\" does not carry segment \"%s\" (neither untagged "
			             "nor by a vlan)",
			             entry->port, entry->segment);
		if (!schema_mac_is_unicast(entry->mac) || entry->segment[0] == '\0')
			continue;
		for (uint16_t j = 0; j < i; j++) {
			const struct dse_static_mac *other = &sw->static_macs[j];

			if (memcmp(other->mac, entry->mac, 6) == 0 &&
			    strcmp(other->segment, entry->segment) == 0) {
				snprintf(field, sizeof(field), "static-macs[%u].mac", i);
				config_error(errs, schema_line(rd, field), field,
				             "duplicate static MAC in segment \"%s\" (first at "
				             "line %d)",
				             entry->segment, other->line);
				break;
			}
		}
	}
}

/* clang-format off */
static const struct schema_field static_macs_field = {.name = "static-macs", .type = SCHEMA_LIST,
    SCHEMA_PART(DSE_SERVICE_SWITCH), .offset = offsetof(struct dse_switch_config, static_macs),
    .size = sizeof(struct dse_static_mac),
    .aux = offsetof(struct dse_switch_config, nb_static_macs), .count_sz = 2,
    .max = DSE_MAX_STATIC_MACS,
    .sub = &static_mac_table, .expected = "a list of static MAC entries",
    .too_many = "too many static MAC entries; at most %d", .doc = "MAC addresses pinned to ports"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_static_macs = {.name = "static-macs",
    .field = &static_macs_field, .doc_title = "static-macs", .check = check_static_macs,
    .after = "ports"};
/* clang-format on */

static const struct config_section *const switch_sections[] = {&config_section_switch,
                                                               &config_section_static_macs};

const struct config_part dse_config_switch = {
    .size = sizeof(struct dse_switch_config), .sections = switch_sections, .nb_sections = 2};
