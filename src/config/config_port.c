/*
 * The `ports` section: the field table of a port (and of its vlans), and the checks of a port
 * that need more than one field or the rest of the config: the fields its kind needs or refuses,
 * its segments and VLAN mappings, and names, interfaces and socket paths unique among ports.
 * The same checks serve a port read from a config file and one given to `port.add`.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config/config_sections.h"
#include "config/schema.h"

#define IFACE_NAME_MAX 15 /* kernel interface names: IFNAMSIZ without the NUL */
#define FIELD_SIZE     sizeof(((struct dse_config_error *)0)->field)

/* Fields of a port, in the order of the schema; indexes port_fields. */
enum port_field {
	PORT_NAME,
	PORT_KIND,
	PORT_SEGMENT,
	PORT_IFACE,
	PORT_PATH,
	PORT_TX_PATH,
	PORT_INFINITE_RX,
	PORT_DEVARGS,
	PORT_MAC,
	PORT_MTU,
	PORT_QUEUES,
	PORT_VLANS,
	PORT_FIELD_COUNT
};

/* Where the fields of one port were written, so that consistency errors name their line. */
struct port_source {
	uint32_t given;                       /* bit per enum port_field: written, valid or not */
	bool kind_ok;                         /* kind holds a valid value */
	int line[PORT_FIELD_COUNT];           /* line of each field's value; 0 if unknown */
	int vlan_line[DSE_MAX_VLANS];         /* line of vlans[i].vlan */
	int vlan_segment_line[DSE_MAX_VLANS]; /* line of vlans[i].segment */
};

static const char *const port_kind_names[DSE_PORT_KIND_COUNT] = {
    [DSE_PORT_TAP] = "tap",       [DSE_PORT_AF_PACKET] = "af_packet",
    [DSE_PORT_AF_XDP] = "af_xdp", [DSE_PORT_VHOST_USER] = "vhost-user",
    [DSE_PORT_MEMIF] = "memif",   [DSE_PORT_PCAP] = "pcap",
    [DSE_PORT_NULL] = "null",     [DSE_PORT_DEVARGS] = "devargs",
};

static const char kind_expected[] =
    "one of tap, af_packet, af_xdp, vhost-user, memif, pcap, null, devargs";

const char *
config_port_kind_name(enum dse_port_kind kind)
{
	if ((unsigned)kind >= DSE_PORT_KIND_COUNT)
		return "unknown";
	return port_kind_names[kind];
}

int
config_port_kind_parse(const char *name)
{
	for (int kind = 0; kind < DSE_PORT_KIND_COUNT; kind++)
		if (strcmp(name, port_kind_names[kind]) == 0)
			return kind;
	return -1;
}

/* Returns true if name can be a kernel interface name (1..15 name characters). */
static bool
iface_name_is_valid(const char *name)
{
	size_t len = strnlen(name, DSE_NAME_MAX);

	return len > 0 && len <= IFACE_NAME_MAX && config_name_is_valid(name);
}

/* iface: a string that must also be a kernel interface name. */
static int
read_iface(struct schema_reader *rd, const yaml_node_t *node, const char *path,
           const struct schema_field *f, void *item, void *cfg)
{
	struct dse_port_config *port = item;

	(void)f;
	(void)cfg;
	if (schema_get_string(rd, node, path, port->iface, IFACE_NAME_MAX + 1,
	                      "an interface name of 1..15 characters") < 0)
		return -1;
	if (!iface_name_is_valid(port->iface)) {
		config_error(schema_errors(rd), schema_node_line(rd, node), path,
		             "expected an interface name of 1..15 characters from "
		             "A-Z a-z 0-9 _ . -, got \"%s\"",
		             port->iface);
		port->iface[0] = '\0';
		return -1;
	}
	return 0;
}

static const struct schema_custom iface_custom = {.read = read_iface};

static bool
port_is_pcap(const void *item)
{
	return ((const struct dse_port_config *)item)->kind == DSE_PORT_PCAP;
}

/* clang-format off */
static const struct schema_field vlan_fields[] = {
    {.name = "vlan", .type = SCHEMA_UINT, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_vlan_map, vlan), .min = 1, .max = 4094, .missing = "a VLAN id 1..4094",
     .doc_range = "1..4094, unique on the port", .doc_example = "100",
     .doc = "802.1Q VLAN id of the frames"},
    {.name = "segment", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_vlan_map, segment), .missing = "the segment of this VLAN's frames",
     .doc_range = "an existing segment, not the port's untagged `segment`, not mapped by "
         "another VLAN of the port", .doc_example = "db",
     .doc = "segment the tagged frames belong to"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table vlan_table = {SCHEMA_FIELDS(vlan_fields),
    .expected = "a mapping of vlan, segment", .size = sizeof(struct dse_vlan_map)};
/* clang-format on */

static void port_finish(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                        void *item, void *cfg, uint32_t seen);

/* clang-format off */
static const struct schema_field port_fields[PORT_FIELD_COUNT] = {
    [PORT_NAME] = {.name = "name", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
                   SCHEMA_AT(struct dse_port_config, name), .missing = "a port name",
                   .doc_range = "1..31 name characters, unique among ports", .doc_example = "vm1",
                   .doc = "the port's name"},
    [PORT_KIND] = {.name = "kind", .type = SCHEMA_ENUM, .flags = SCHEMA_REQUIRED,
                   SCHEMA_AT(struct dse_port_config, kind), .names = port_kind_names,
                   .nb_names = DSE_PORT_KIND_COUNT, .expected = kind_expected,
                   .missing = kind_expected, .doc_example = "tap",
                   .doc = "how the port attaches (table below)"},
    [PORT_SEGMENT] = {.name = "segment", .type = SCHEMA_NAME, .flags = SCHEMA_OMIT_EMPTY,
                      SCHEMA_AT(struct dse_port_config, segment),
                      .doc_range = "an existing segment", .doc_example = "web",
                      .doc = "segment of untagged frames"},
    [PORT_IFACE] = {.name = "iface", .type = SCHEMA_CUSTOM, .flags = SCHEMA_OMIT_EMPTY,
                    SCHEMA_AT(struct dse_port_config, iface), .custom = &iface_custom,
                    .doc_type = "string", .doc_default = "tap: the port name",
                    .doc_range = "1..15 characters from `A-Z a-z 0-9 _ . -`",
                    .doc_example = "dse-vm1",
                    .doc = "kernel interface to create (tap) or attach (af_packet, af_xdp)"},
    [PORT_PATH] = {.name = "path", .type = SCHEMA_STRING, .flags = SCHEMA_OMIT_EMPTY,
                   SCHEMA_AT(struct dse_port_config, path),
                   .expected = "a file path shorter than 108 bytes",
                   .doc_example = "/run/dse/vm1.sock",
                   .doc = "server socket (vhost-user, memif) or pcap file to read"},
    [PORT_TX_PATH] = {.name = "tx-path", .type = SCHEMA_STRING, .flags = SCHEMA_OMIT_EMPTY,
                      SCHEMA_AT(struct dse_port_config, tx_path),
                      .expected = "a file path shorter than 108 bytes",
                      .doc_example = "/tmp/out.pcap", .doc = "pcap file to write"},
    [PORT_INFINITE_RX] = {.name = "infinite-rx", .type = SCHEMA_BOOL,
                          SCHEMA_AT(struct dse_port_config, infinite_rx), .present = port_is_pcap,
                          .doc_example = "true", .doc = "pcap: replay `path` forever"},
    [PORT_DEVARGS] = {.name = "devargs", .type = SCHEMA_STRING, .flags = SCHEMA_OMIT_EMPTY,
                      SCHEMA_AT(struct dse_port_config, devargs),
                      .expected = "DPDK devargs shorter than 256 bytes",
                      .doc_example = "\"0000:03:00.0\"",
                      .doc = "DPDK devargs of the device, or extra `,key=value` options"},
    [PORT_MAC] = {.name = "mac", .type = SCHEMA_MAC, SCHEMA_AT(struct dse_port_config, mac),
                  SCHEMA_HAS(struct dse_port_config, has_mac), .doc_example = "02:00:00:00:00:01",
                  .doc = "address the workload is told to use"},
    [PORT_MTU] = {.name = "mtu", .type = SCHEMA_UINT, SCHEMA_AT(struct dse_port_config, mtu),
                  .min = 68, .max = 9216, .def = 1500, .doc_example = "9000",
                  .doc = "largest L3 payload the port accepts and sends"},
    [PORT_QUEUES] = {.name = "queues", .type = SCHEMA_UINT,
                     SCHEMA_AT(struct dse_port_config, queues), .min = 0, .max = DSE_MAX_QUEUES,
                     .doc_range = "0..16 (0 = the kind's default)", .doc_example = "2",
                     .doc = "queue pairs of the device"},
    [PORT_VLANS] = {.name = "vlans", .type = SCHEMA_LIST, .flags = SCHEMA_INLINE,
                    SCHEMA_AT(struct dse_port_config, vlans[0]),
                    .aux = offsetof(struct dse_port_config, nb_vlans), .count_sz = 2,
                    .max = DSE_MAX_VLANS, .sub = &vlan_table,
                    .expected = "a list of {vlan, segment} mappings",
                    .too_many = "too many vlans; at most %d on one port",
                    .doc = "802.1Q tags carried and their segments (`vlans` below)"},
};
/* clang-format on */

/* clang-format off */
const struct schema_table config_port_table = {SCHEMA_FIELDS(port_fields),
    .expected = "a mapping with the fields of a port", .size = sizeof(struct dse_port_config),
    SCHEMA_LINE(struct dse_port_config, line), .finish = port_finish};
/* clang-format on */

/* A tap port's interface is named after the port unless told otherwise. */
static void
port_finish(struct schema_reader *rd, const yaml_node_t *node, const char *path, void *item,
            void *cfg, uint32_t seen)
{
	struct dse_port_config *port = item;
	char kind[FIELD_SIZE];

	(void)node;
	(void)cfg;
	schema_path_join(kind, path, "kind");
	if (schema_valid(rd, kind) && port->kind == DSE_PORT_TAP && !(seen & (1u << PORT_IFACE)) &&
	    strlen(port->name) <= IFACE_NAME_MAX)
		memcpy(port->iface, port->name, sizeof(port->iface));
}

void
config_port_init(struct dse_port_config *port)
{
	schema_item_init(&config_port_table, port);
}

bool
config_port_carries_segment(const struct dse_port_config *port, const char *segment)
{
	if (strncmp(port->segment, segment, DSE_NAME_MAX) == 0)
		return true;
	for (int i = 0; i < port->nb_vlans && i < DSE_MAX_VLANS; i++)
		if (strncmp(port->vlans[i].segment, segment, DSE_NAME_MAX) == 0)
			return true;
	return false;
}

static bool
kind_uses_iface(enum dse_port_kind kind)
{
	return kind == DSE_PORT_TAP || kind == DSE_PORT_AF_PACKET || kind == DSE_PORT_AF_XDP;
}

static bool
kind_uses_socket(enum dse_port_kind kind)
{
	return kind == DSE_PORT_VHOST_USER || kind == DSE_PORT_MEMIF;
}

/* The line of a port field for an error: where it was written, else the port's own line. */
static int
source_line(const struct dse_port_config *port, const struct port_source *src,
            enum port_field field)
{
	return src->line[field] ? src->line[field] : port->line;
}

/* Records an error on field of the port named by prefix. */
static void
port_error(struct dse_config_errors *errs, const struct dse_port_config *port,
           const struct port_source *src, const char *prefix, enum port_field field,
           const char *message)
{
	char path[FIELD_SIZE];

	schema_path_join(path, prefix, port_fields[field].name);
	config_error(errs, source_line(port, src, field), path, "%s", message);
}

/* Checks the fields a port's kind needs and refuses those it does not use. */
static void
validate_port_kind(const struct dse_port_config *port, const char *prefix,
                   const struct port_source *src, struct dse_config_errors *errs)
{
	const char *kind = config_port_kind_name(port->kind);
	char message[160];
	bool given_path = src->given & (1u << PORT_PATH);
	bool given_tx_path = src->given & (1u << PORT_TX_PATH);

	if (!src->kind_ok)
		return;
	snprintf(message, sizeof(message), "not used by kind %s", kind);
	if ((src->given & (1u << PORT_IFACE)) && !kind_uses_iface(port->kind))
		port_error(errs, port, src, prefix, PORT_IFACE, message);
	if (given_path && !kind_uses_socket(port->kind) && port->kind != DSE_PORT_PCAP)
		port_error(errs, port, src, prefix, PORT_PATH, message);
	if (given_tx_path && port->kind != DSE_PORT_PCAP)
		port_error(errs, port, src, prefix, PORT_TX_PATH, message);
	if (port->infinite_rx && port->kind != DSE_PORT_PCAP)
		port_error(errs, port, src, prefix, PORT_INFINITE_RX, message);

	switch (port->kind) {
	case DSE_PORT_TAP:
		if (port->iface[0] == '\0' && !(src->given & (1u << PORT_IFACE)) &&
		    strnlen(port->name, DSE_NAME_MAX) > IFACE_NAME_MAX)
			port_error(
			    errs, port, src, prefix, PORT_IFACE,
			    "the tap interface is named after the port, whose name is longer "
			    "than 15 characters; give iface (1..15 characters)");
		break;
	case DSE_PORT_AF_PACKET:
	case DSE_PORT_AF_XDP:
		if (!(src->given & (1u << PORT_IFACE))) {
			snprintf(message, sizeof(message),
			         "missing field \"iface\"; kind %s needs the existing kernel "
			         "interface to attach",
			         kind);
			port_error(errs, port, src, prefix, PORT_IFACE, message);
		}
		break;
	case DSE_PORT_VHOST_USER:
	case DSE_PORT_MEMIF:
		if (!given_path) {
			snprintf(message, sizeof(message),
			         "missing field \"path\"; kind %s needs the absolute path of its "
			         "server socket",
			         kind);
			port_error(errs, port, src, prefix, PORT_PATH, message);
		} else if (port->path[0] != '\0' && port->path[0] != '/') {
			snprintf(message, sizeof(message),
			         "expected an absolute path (starting with /), got \"%.100s\"",
			         port->path);
			port_error(errs, port, src, prefix, PORT_PATH, message);
		}
		break;
	case DSE_PORT_PCAP:
		if (!given_path && !given_tx_path)
			port_error(
			    errs, port, src, prefix, PORT_PATH,
			    "kind pcap needs path (a file to read), tx-path (a file to write) "
			    "or both");
		if (port->infinite_rx && !given_path)
			port_error(errs, port, src, prefix, PORT_INFINITE_RX,
			           "infinite-rx replays path, which is not given");
		break;
	case DSE_PORT_DEVARGS:
		if (!(src->given & (1u << PORT_DEVARGS)))
			port_error(errs, port, src, prefix, PORT_DEVARGS,
			           "missing field \"devargs\"; kind devargs needs the full DPDK "
			           "devargs of the device");
		break;
	case DSE_PORT_NULL:
	case DSE_PORT_KIND_COUNT:
		break;
	}
}

/* Checks a port's segment and VLAN mappings against the segments of cfg. */
static void
validate_port_segments(const struct dse_config *cfg, const struct dse_port_config *port,
                       const char *prefix, const struct port_source *src,
                       struct dse_config_errors *errs)
{
	char field[FIELD_SIZE], vlan_prefix[FIELD_SIZE], message[160];
	uint16_t nb_vlans = port->nb_vlans < DSE_MAX_VLANS ? port->nb_vlans : DSE_MAX_VLANS;

	if (port->segment[0] != '\0' && config_find_segment(cfg, port->segment) < 0) {
		snprintf(message, sizeof(message), "unknown segment \"%s\"", port->segment);
		port_error(errs, port, src, prefix, PORT_SEGMENT, message);
	}
	if (!(src->given & (1u << PORT_SEGMENT)) && !(src->given & (1u << PORT_VLANS)))
		port_error(errs, port, src, prefix, PORT_SEGMENT,
		           "missing field \"segment\"; a port needs a segment for untagged frames, "
		           "vlans for tagged frames, or both");

	schema_path_join(vlan_prefix, prefix, "vlans");
	for (uint16_t i = 0; i < nb_vlans; i++) {
		const struct dse_vlan_map *map = &port->vlans[i];
		char index_prefix[FIELD_SIZE];
		int vlan_line = src->vlan_line[i] ? src->vlan_line[i] : port->line;
		int segment_line =
		    src->vlan_segment_line[i] ? src->vlan_segment_line[i] : port->line;

		schema_path_index(index_prefix, vlan_prefix, i);
		for (uint16_t j = 0; map->vlan != 0 && j < i; j++)
			if (port->vlans[j].vlan == map->vlan) {
				schema_path_join(field, index_prefix, "vlan");
				config_error(errs, vlan_line, field,
				             "duplicate vlan %u on this port", map->vlan);
				break;
			}
		if (map->segment[0] == '\0')
			continue;
		schema_path_join(field, index_prefix, "segment");
		if (config_find_segment(cfg, map->segment) < 0) {
			config_error(errs, segment_line, field, "unknown segment \"%s\"",
			             map->segment);
			continue;
		}
		if (strncmp(map->segment, port->segment, DSE_NAME_MAX) == 0) {
			config_error(errs, segment_line, field,
			             "segment \"%s\" is this port's untagged segment; a segment is "
			             "carried either untagged or by one vlan",
			             map->segment);
			continue;
		}
		for (uint16_t j = 0; j < i; j++)
			if (strncmp(port->vlans[j].segment, map->segment, DSE_NAME_MAX) == 0) {
				config_error(errs, segment_line, field,
				             "segment \"%s\" is already carried by vlan %u",
				             map->segment, port->vlans[j].vlan);
				break;
			}
	}
}

/* The kernel interface a port uses ("" if none); a tap port's defaults to its name. */
static const char *
port_iface(const struct dse_port_config *port)
{
	if (!kind_uses_iface(port->kind))
		return "";
	if (port->kind == DSE_PORT_TAP && port->iface[0] == '\0')
		return port->name;
	return port->iface;
}

/*
 * Checks port against cfg: its kind's fields, segments, and that its name, interface and socket
 * path differ from those of cfg->ports[0..nb_earlier).
 */
static void
validate_port_source(const struct dse_config *cfg, uint16_t nb_earlier,
                     const struct dse_port_config *port, const char *prefix,
                     const struct port_source *src, struct dse_config_errors *errs)
{
	char message[160];

	validate_port_kind(port, prefix, src, errs);
	/* A port a service takes for itself (the overlay's uplink carries the underlay) is on no
	 * segment. */
	bool own = false;

	for (unsigned i = 0; i < config_nb_parts && !own; i++)
		own = config_parts[i]->port_is_own != NULL &&
		      config_parts[i]->port_is_own(cfg, port->name);
	if (!own)
		validate_port_segments(cfg, port, prefix, src, errs);

	for (uint16_t j = 0; j < nb_earlier && j < DSE_MAX_PORTS; j++) {
		const struct dse_port_config *other = &cfg->ports[j];

		if (port->name[0] != '\0' && strncmp(other->name, port->name, DSE_NAME_MAX) == 0) {
			if (other->line > 0 && port->line > 0)
				snprintf(message, sizeof(message),
				         "duplicate port name \"%s\" (first at line %d)",
				         port->name, other->line);
			else
				snprintf(message, sizeof(message), "port \"%s\" already exists",
				         port->name);
			port_error(errs, port, src, prefix, PORT_NAME, message);
		}
		if (src->kind_ok && port_iface(port)[0] != '\0' &&
		    strncmp(port_iface(other), port_iface(port), DSE_NAME_MAX) == 0) {
			snprintf(message, sizeof(message),
			         "interface \"%s\" is already used by port \"%s\"",
			         port_iface(port), other->name);
			port_error(errs, port, src, prefix, PORT_IFACE, message);
		}
		if (src->kind_ok && kind_uses_socket(port->kind) && kind_uses_socket(other->kind) &&
		    port->path[0] != '\0' && strncmp(other->path, port->path, DSE_PATH_MAX) == 0) {
			snprintf(message, sizeof(message),
			         "socket path is already used by port \"%s\"", other->name);
			port_error(errs, port, src, prefix, PORT_PATH, message);
		}
	}
}

/* Builds the source of a port that was not read from text: fields count as given if set. */
static void
source_from_port(const struct dse_port_config *port, struct port_source *src)
{
	memset(src, 0, sizeof(*src));
	src->kind_ok = (unsigned)port->kind < DSE_PORT_KIND_COUNT;
	if (port->name[0] != '\0')
		src->given |= 1u << PORT_NAME;
	src->given |= 1u << PORT_KIND;
	if (port->segment[0] != '\0')
		src->given |= 1u << PORT_SEGMENT;
	if (port->iface[0] != '\0' && port->kind != DSE_PORT_TAP)
		src->given |= 1u << PORT_IFACE;
	if (port->iface[0] != '\0' && port->kind == DSE_PORT_TAP &&
	    strncmp(port->iface, port->name, DSE_NAME_MAX) != 0)
		src->given |= 1u << PORT_IFACE;
	if (port->path[0] != '\0')
		src->given |= 1u << PORT_PATH;
	if (port->tx_path[0] != '\0')
		src->given |= 1u << PORT_TX_PATH;
	if (port->devargs[0] != '\0')
		src->given |= 1u << PORT_DEVARGS;
	if (port->nb_vlans > 0)
		src->given |= 1u << PORT_VLANS;
}

/* Returns true if the fixed-size string s (size bytes) is NUL-terminated. */
static bool
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/*
 * Checks the values of a port built by code rather than read from text (a YAML or JSON port has
 * had these checked while it was read). Returns false if the port cannot be checked further.
 */
static bool
check_port_values(const struct dse_port_config *port, const char *prefix,
                  const struct port_source *src, struct dse_config_errors *errs)
{
	char field[FIELD_SIZE], message[160];

	if (!terminated(port->name, sizeof(port->name)) ||
	    !terminated(port->segment, sizeof(port->segment)) ||
	    !terminated(port->iface, sizeof(port->iface)) ||
	    !terminated(port->path, sizeof(port->path)) ||
	    !terminated(port->tx_path, sizeof(port->tx_path)) ||
	    !terminated(port->devargs, sizeof(port->devargs)) || port->nb_vlans > DSE_MAX_VLANS) {
		config_error(errs, port->line, prefix, "malformed port");
		return false;
	}
	for (uint16_t i = 0; i < port->nb_vlans; i++)
		if (!terminated(port->vlans[i].segment, sizeof(port->vlans[i].segment))) {
			config_error(errs, port->line, prefix, "malformed port");
			return false;
		}
	if (!config_name_is_valid(port->name)) {
		snprintf(message, sizeof(message), "expected %s, got \"%.40s\"",
		         schema_name_expected, port->name);
		port_error(errs, port, src, prefix, PORT_NAME, message);
	}
	if (!src->kind_ok)
		port_error(errs, port, src, prefix, PORT_KIND,
		           "expected one of tap, af_packet, af_xdp, vhost-user, memif, pcap, null, "
		           "devargs");
	if (port->iface[0] != '\0' && !iface_name_is_valid(port->iface))
		port_error(errs, port, src, prefix, PORT_IFACE,
		           "expected an interface name of 1..15 characters from A-Z a-z 0-9 _ . -");
	if (port->mtu < 68 || port->mtu > 9216)
		port_error(errs, port, src, prefix, PORT_MTU, "expected an integer 68..9216");
	if (port->queues > DSE_MAX_QUEUES)
		port_error(errs, port, src, prefix, PORT_QUEUES, "expected an integer 0..16");
	if (port->has_mac && !schema_mac_is_unicast(port->mac))
		port_error(errs, port, src, prefix, PORT_MAC, "expected a unicast MAC address");
	for (uint16_t i = 0; i < port->nb_vlans; i++) {
		snprintf(field, sizeof(field), "%.60s.vlans[%u].vlan", prefix, i);
		if (port->vlans[i].vlan < 1 || port->vlans[i].vlan > 4094)
			config_error(errs, port->line, field, "expected an integer 1..4094");
	}
	return true;
}

int
config_validate_port(const struct dse_config *cfg, const struct dse_port_config *port,
                     const char *field_prefix, struct dse_config_errors *errs)
{
	unsigned before = errs->count;
	struct port_source src;

	source_from_port(port, &src);
	if (cfg->nb_ports >= DSE_MAX_PORTS)
		config_error(errs, port->line, field_prefix, "too many ports; at most %d",
		             DSE_MAX_PORTS);
	if (check_port_values(port, field_prefix, &src, errs))
		validate_port_source(cfg, cfg->nb_ports, port, field_prefix, &src, errs);
	return errs->count != before ? -EINVAL : 0;
}

/* Builds the source of a port read from text at prefix. */
static void
source_from_reader(const struct schema_reader *rd, const char *prefix,
                   const struct dse_port_config *port, struct port_source *src)
{
	char path[FIELD_SIZE], vlan[FIELD_SIZE];

	memset(src, 0, sizeof(*src));
	if (!schema_valid(rd, prefix)) {
		src->given = ~0u; /* not a mapping: nothing more to say about this port */
		return;
	}
	for (unsigned i = 0; i < PORT_FIELD_COUNT; i++) {
		schema_path_join(path, prefix, port_fields[i].name);
		if (schema_given(rd, path)) {
			src->given |= 1u << i;
			src->line[i] = schema_line(rd, path);
		}
	}
	schema_path_join(path, prefix, "kind");
	src->kind_ok = schema_valid(rd, path);
	schema_path_join(vlan, prefix, "vlans");
	for (unsigned i = 0; i < port->nb_vlans && i < DSE_MAX_VLANS; i++) {
		char entry[FIELD_SIZE];

		schema_path_index(entry, vlan, i);
		schema_path_join(path, entry, "vlan");
		src->vlan_line[i] = schema_line(rd, path);
		schema_path_join(path, entry, "segment");
		src->vlan_segment_line[i] = schema_line(rd, path);
	}
}

void
config_check_ports(const struct dse_config *cfg, const struct schema_reader *rd,
                   struct dse_config_errors *errs)
{
	struct port_source src;
	char prefix[FIELD_SIZE];

	for (uint16_t i = 0; i < cfg->nb_ports; i++) {
		schema_path_index(prefix, "ports", i);
		source_from_reader(rd, prefix, &cfg->ports[i], &src);
		if (src.given == ~0u)
			continue;
		validate_port_source(cfg, i, &cfg->ports[i], prefix, &src, errs);
	}
}

/* clang-format off */
static const struct schema_field ports_field = {.name = "ports", .type = SCHEMA_LIST,
    .offset = offsetof(struct dse_config, ports), .size = sizeof(struct dse_port_config),
    .aux = offsetof(struct dse_config, nb_ports), .count_sz = 2, .max = DSE_MAX_PORTS,
    .sub = &config_port_table, .expected = "a list of ports",
    .too_many = "too many ports; at most %d", .doc = "ports that attach workloads and uplinks"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_ports = {.name = "ports", .field = &ports_field,
    .doc_title = "ports", .check = config_check_ports};
/* clang-format on */
