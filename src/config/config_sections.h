/*
 * The core config sections and the helpers the sections' checks share, for the files that
 * build the section list and the parsers (config_sections.c, config.c, config_port.c) and the
 * services' config files. A service's sections are declared in its own folder and reach the
 * list through its config_part.
 */
#ifndef DSE_CONFIG_CONFIG_SECTIONS_H
#define DSE_CONFIG_CONFIG_SECTIONS_H

#include "config/config.h"
#include "config/schema.h"

/* Core sections (config.c, config_port.c). */
extern const struct config_section config_section_transport_node;
extern const struct config_section config_section_segments;
extern const struct config_section config_section_ports;

/* The table of one port (config_port.c), also read alone by `port.add`. */
extern const struct schema_table config_port_table;

/* Checks every port of cfg against the others and the segments (config_port.c). */
void config_check_ports(const struct dse_config *cfg, const struct schema_reader *rd,
                        struct dse_config_errors *errs);

/* Reports each item of a list whose name (a char array at offset name) repeats an earlier
 * one's, at field LIST[i].name: on the line of that value (from rd), or, rd NULL, on the item's
 * line (an int at offset line). what names the item in the message ("segment"). */
void config_check_unique_names(struct dse_config_errors *errs, const struct schema_reader *rd,
                               const char *what, const char *list, const void *items, size_t size,
                               unsigned count, size_t name, size_t line);

/* Returns true if port carries frames of segment, untagged or by a VLAN. */
bool config_port_carries_segment(const struct dse_port_config *port, const char *segment);

#endif
