/*
 * The overlay's part of the desired state: this host's tunnel endpoint (transport-node.tep: its
 * IPv4 address on an uplink port, the underlay next hop and MTU, Geneve (RFC 8926) or VXLAN
 * (RFC 7348)), static remote bindings (remote: segment, MAC, optional IP -> remote TEP) and,
 * per segment, the remote TEPs that get its broadcast, unknown and multicast frames
 * (segments[].flood-teps, kept with the segments). Parsed and checked by overlay_config.c.
 */
#ifndef DSE_OVERLAY_OVERLAY_CONFIG_H
#define DSE_OVERLAY_OVERLAY_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "core/dse_services.h"

#define DSE_MAX_REMOTE 1024 /* static remote bindings in one config */

struct dse_config_errors;
struct schema_reader;
struct config_section;
struct schema_table;
struct schema_custom;

/* How frames travel between TEPs. */
enum dse_encap {
	DSE_ENCAP_GENEVE, /* RFC 8926, UDP 6081 (default) */
	DSE_ENCAP_VXLAN,  /* RFC 7348, UDP 4789 */
};

/* transport-node.tep: this host's tunnel endpoint. */
struct dse_tep_config {
	bool enabled;            /* a tep was configured */
	uint32_t address;        /* TEP IPv4 address, host order */
	uint8_t prefix_len;      /* its prefix length on the underlay (on-link TEPs) */
	char uplink[32];         /* name of the port that carries the underlay */
	uint32_t next_hop;       /* underlay gateway, host order; 0 = every TEP on-link */
	bool has_next_hop_mac;   /* next-hop-mac was given */
	uint8_t next_hop_mac[6]; /* MAC every tunnel packet is sent to (the next hop's, or the
	                            on-link TEPs' gateway), fixed: no ARP is sent for it */
	uint16_t mtu;            /* underlay IP MTU (default 1500) */
	enum dse_encap encap;    /* encapsulation sent (both are accepted on receipt) */
	uint8_t ttl;             /* outer IPv4 TTL (default 64) */
	int line;                /* line of the tep mapping */
	int uplink_line;         /* line of tep.uplink */
	int next_hop_line;       /* line of tep.next-hop */
};

/* remote[i]: a workload MAC on a segment that lives behind a remote TEP. */
struct dse_remote_binding {
	char segment[32]; /* segment name */
	uint8_t mac[6];   /* the workload's unicast MAC */
	bool has_ip;      /* ip was given */
	uint32_t ip;      /* the workload's IPv4 address, host order (ARP suppression) */
	uint32_t tep;     /* the remote TEP's IPv4 address, host order */
	int line;         /* line of the entry */
};

/* Everything the overlay reads from the config. */
struct dse_overlay_config {
	struct dse_tep_config tep;         /* this host's TEP */
	uint16_t nb_remote;                /* entries in remote */
	struct dse_remote_binding *remote; /* heap array of static bindings, at most
	                                      DSE_MAX_REMOTE */
};

/* The overlay's part of cfg. */
static inline struct dse_overlay_config *
overlay_config(const struct dse_config *cfg)
{
	return cfg->part[DSE_SERVICE_OVERLAY];
}

/* The overlay's config: the remote section and the field transport-node.tep
 * (overlay_config.c). */
extern const struct config_section config_section_remote;
extern const struct config_part dse_config_overlay;

/* Checks the overlay's references against the whole config (uplink port, segments, TEPs). */
void config_overlay_validate(const struct dse_config *cfg, const struct schema_reader *rd,
                             struct dse_config_errors *errs);

/* True if port_name is the TEP's uplink in cfg. */
bool config_overlay_is_uplink(const struct dse_config *cfg, const char *port_name);

/* Name of an encapsulation ("geneve", "vxlan"). */
const char *config_encap_name(enum dse_encap encap);

#endif
