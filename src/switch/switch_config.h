/*
 * The switch's part of the desired state: the MAC table's size and aging (`switch`) and the
 * MAC addresses pinned to ports (`static-macs`). Parsed and checked by switch_config.c; read by
 * the switch's control code through switch_config().
 */
#ifndef DSE_SWITCH_SWITCH_CONFIG_H
#define DSE_SWITCH_SWITCH_CONFIG_H

#include <stdint.h>

#include "config/config.h"
#include "core/dse_services.h"

#define DSE_MAX_STATIC_MACS 1024 /* static MAC entries in one config */

/* A MAC address pinned to a port of a segment; never aged, never moved by learning. */
struct dse_static_mac {
	char segment[DSE_NAME_MAX]; /* segment name */
	uint8_t mac[6];             /* unicast MAC address */
	char port[DSE_NAME_MAX];    /* port name */
	int line;                   /* line in the source text */
};

/* Everything the switch reads from the config. */
struct dse_switch_config {
	uint32_t mac_table_size;            /* switch.mac-table-size: entries (default 65536) */
	uint32_t mac_aging_s;               /* switch.mac-aging: seconds (default 300) */
	uint16_t nb_static_macs;            /* entries in static_macs */
	struct dse_static_mac *static_macs; /* heap array, at most DSE_MAX_STATIC_MACS */
};

/* The switch's part of cfg. */
static inline struct dse_switch_config *
switch_config(const struct dse_config *cfg)
{
	return cfg->part[DSE_SERVICE_SWITCH];
}

/* The switch's sections (switch_config.c). */
extern const struct config_section config_section_switch;
extern const struct config_section config_section_static_macs;
extern const struct config_part dse_config_switch;

#endif
