/*
 * The firewall part of the desired state: named groups of addresses and ports, the ordered
 * sections of rules with what they apply to, the policy default, and the connection-tracking
 * limits and timeouts. Parsed from the `groups`, `firewall` and `conntrack` fields of a config
 * by fw_config.c and fw_config_rules.c; compiled into rte_acl contexts by src/firewall/fw_ctl.c.
 */
#ifndef DSE_FIREWALL_FW_CONFIG_H
#define DSE_FIREWALL_FW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/dse_services.h"

#define DSE_FW_MAX_GROUPS      256   /* groups in one config */
#define DSE_FW_MAX_MEMBERS     4096  /* members over all groups */
#define DSE_FW_MAX_SECTIONS    64    /* firewall sections */
#define DSE_FW_MAX_APPLIED     16    /* applied-to entries of one section */
#define DSE_FW_MAX_RULES       16384 /* rules over all sections */
#define DSE_FW_MAX_RANGES      8     /* port ranges of one rule's service */
#define DSE_FW_NAME_MAX        32    /* group and section names, with the NUL (= DSE_NAME_MAX) */
#define DSE_CT_MIN_CONNECTIONS 1024
#define DSE_CT_MAX_CONNECTIONS (16u << 20)

/* What a packet meets when it is checked: the rule's or a default's action. */
enum dse_fw_action {
	DSE_FW_ALLOW,       /* let it through (and track the connection) */
	DSE_FW_DROP,        /* drop silently */
	DSE_FW_REJECT,      /* drop and answer: TCP RST, or ICMP/ICMPv6 destination unreachable */
	DSE_FW_ACTION_NONE, /* sections only: no default, fall through to the next section */
};

/* Where a rule applies, seen from the workload whose port enforces it. */
enum dse_fw_direction {
	DSE_FW_DIR_BOTH, /* traffic the workload sends and receives */
	DSE_FW_DIR_IN,   /* traffic delivered to the workload's port */
	DSE_FW_DIR_OUT,  /* traffic the workload sends */
};

/* A source or destination of a rule. */
enum dse_fw_addr_kind {
	DSE_FW_ADDR_ANY,    /* every address */
	DSE_FW_ADDR_PREFIX, /* one address or CIDR prefix */
	DSE_FW_ADDR_GROUP,  /* a named group */
};

/* An IPv4 or IPv6 prefix. */
struct dse_fw_prefix {
	uint8_t family;   /* 4 or 6 */
	uint8_t len;      /* prefix length, 0..32 or 0..128 */
	uint8_t addr[16]; /* network byte order; IPv4 in the first 4 bytes, host bits zero */
};

/* A rule's source or destination. */
struct dse_fw_addr {
	uint8_t kind;                /* enum dse_fw_addr_kind */
	uint16_t group;              /* DSE_FW_ADDR_GROUP: index in groups */
	struct dse_fw_prefix prefix; /* DSE_FW_ADDR_PREFIX: the prefix */
};

/* A group member: a prefix, or a port (all traffic of that port's workload). */
struct dse_fw_member {
	bool is_port;                /* true: port names a port; false: prefix */
	struct dse_fw_prefix prefix; /* the address or prefix */
	char port[DSE_FW_NAME_MAX];  /* the port name */
};

/* A named set of members, referenced by rules as a source or destination. */
struct dse_fw_group {
	char name[DSE_FW_NAME_MAX]; /* unique group name */
	uint16_t first_member;      /* index of its first member in members */
	uint16_t nb_members;        /* members, consecutive in members */
	int line;                   /* line in the source text */
};

/* A port range of a service, inclusive. */
struct dse_fw_range {
	uint16_t lo; /* first port */
	uint16_t hi; /* last port */
};

/* One rule. */
struct dse_fw_rule {
	uint32_t id;            /* unique rule id, as shown by `dsectl show fw` */
	struct dse_fw_addr src; /* source of the packet */
	struct dse_fw_addr dst; /* destination of the packet */
	int16_t protocol;       /* IP protocol number, -1 = any */
	uint8_t nb_ranges;      /* destination port ranges (tcp, udp); 0 = any port */
	struct dse_fw_range ranges[DSE_FW_MAX_RANGES]; /* destination port ranges */
	int16_t icmp_type;                             /* icmp/icmpv6: the type, -1 = any */
	int16_t icmp_code;                             /* icmp/icmpv6: the code, -1 = any */
	uint8_t action;                                /* enum dse_fw_action (not NONE) */
	uint8_t direction;                             /* enum dse_fw_direction */
	bool log;         /* write a log line for each connection it decides */
	uint8_t family;   /* 0 = both, 4 or 6 when the addresses or protocol fix it */
	uint16_t section; /* index of its section */
	int line;         /* line in the source text */
};

/* An ordered list of rules and the ports it applies to. */
struct dse_fw_section {
	char name[DSE_FW_NAME_MAX];                           /* unique section name */
	bool applied_all;                                     /* applies to every port */
	uint8_t nb_applied;                                   /* entries in applied_to */
	char applied_to[DSE_FW_MAX_APPLIED][DSE_FW_NAME_MAX]; /* port or segment names */
	uint8_t default_action;                               /* enum dse_fw_action; NONE = none */
	uint32_t first_rule;                                  /* index of its first rule in rules */
	uint32_t nb_rules;                                    /* rules, consecutive in rules */
	int line;                                             /* line in the source text */
};

/* Connection-tracking limits and per-state timeouts, in seconds. */
struct dse_ct_config {
	uint32_t max_connections; /* bound of the table; new connections beyond it are dropped */
	uint32_t tcp_syn_sent;    /* SYN seen, no answer yet */
	uint32_t tcp_established; /* handshake complete */
	uint32_t tcp_fin;         /* one or both sides closing */
	uint32_t tcp_time_wait;   /* both FINs acknowledged, or reset */
	uint32_t udp;             /* UDP and other protocols, since the last packet */
	uint32_t icmp;            /* ICMP echo, since the last packet */
};

/* Groups, policy and conntrack settings: the firewall part of struct dse_config. */
struct dse_fw_config {
	bool enabled;           /* a `firewall` field was given: the node enforces the policy */
	uint8_t default_action; /* firewall.default: enum dse_fw_action (allow by default) */
	char log_file[108];     /* firewall.log-file: where log lines go ("" = dsed's --fw-log) */
	uint32_t log_rate;      /* firewall.log-rate: log lines per second at most */
	uint16_t nb_groups;     /* entries in groups */
	struct dse_fw_group *groups;     /* heap array, at most DSE_FW_MAX_GROUPS */
	uint16_t nb_members;             /* entries in members */
	struct dse_fw_member *members;   /* heap array of every group's members, at most
	                                    DSE_FW_MAX_MEMBERS */
	uint16_t nb_sections;            /* entries in sections */
	struct dse_fw_section *sections; /* heap array, at most DSE_FW_MAX_SECTIONS */
	uint32_t nb_rules;               /* entries in rules */
	struct dse_fw_rule *rules;       /* heap array of every section's rules, at most
	                                    DSE_FW_MAX_RULES */
	struct dse_ct_config ct;         /* conntrack */
};

/* The firewall's part of cfg. */
static inline struct dse_fw_config *
fw_config(const struct dse_config *cfg)
{
	return cfg->part[DSE_SERVICE_FIREWALL];
}

struct dse_config_errors;
struct schema_table;
struct schema_reader;
struct schema_field;
struct config_section;

/* The firewall's config sections: groups, firewall, conntrack (fw_config.c). */
extern const struct config_section config_section_groups;
extern const struct config_section config_section_firewall;
extern const struct config_section config_section_conntrack;
/* The firewall's part of the config (fw_config.c). */
extern const struct config_part dse_config_firewall;

/* The table of one firewall rule (fw_config_rules.c), read by the firewall's sections. */
extern const struct schema_table config_fw_rule_table;

/* Checks references once the whole config is read: groups and applied-to names resolve to
 * ports and segments, rule ids are unique, addresses of one rule agree on their family. */
void config_validate_firewall(const struct dse_config *cfg, const struct schema_reader *rd,
                              struct dse_config_errors *errs);

/* Parses an address or CIDR ("198.18.0.0/15", "2001:db8::1"). Returns 0 or -EINVAL. */
int config_fw_prefix_parse(const char *text, struct dse_fw_prefix *out);
/* Writes a prefix as text into out (at least 48 bytes). */
void config_fw_prefix_format(const struct dse_fw_prefix *p, char *out, size_t size);

/* Names of actions and directions as written in config. */
const char *config_fw_action_name(unsigned action);
const char *config_fw_direction_name(unsigned direction);

#endif
