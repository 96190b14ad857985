/*
 * The list of config sections, in the order config.get writes them. Each section is declared
 * next to its field table by the code that owns it (core sections in config.c and
 * config_port.c, the overlay's in config_overlay.c, the firewall's in config_firewall.c); adding
 * a section is its declaration plus one line here.
 */
#include "config/config_firewall.h"
#include "config/config_overlay.h"
#include "config/config_sections.h"
#include "config/schema.h"

const struct config_section *const config_sections[] = {
    &config_section_transport_node, &config_section_switch,      &config_section_segments,
    &config_section_ports,          &config_section_static_macs, &config_section_groups,
    &config_section_conntrack,      &config_section_firewall,    &config_section_remote,
};

const unsigned config_nb_sections = sizeof(config_sections) / sizeof(config_sections[0]);
