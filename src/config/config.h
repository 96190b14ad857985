/*
 * The desired-state model of one engine: what a host.yaml file, a `config.apply` API request and
 * (later) an etcd value describe. config_parse_yaml() turns YAML text into a validated
 * struct dse_config, or into a list of errors each naming the line and the field; nothing here
 * touches DPDK, so the parser is unit-tested and fuzzed on its own.
 */
#ifndef DSE_CONFIG_CONFIG_H
#define DSE_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DSE_NAME_MAX         32  /* port, segment and node names, including the NUL */
#define DSE_PATH_MAX         108 /* socket paths: fits sockaddr_un.sun_path */
#define DSE_DEVARGS_MAX      256 /* free-form DPDK devargs */
#define DSE_MAX_SEGMENTS     256 /* segments in one config */
#define DSE_MAX_PORTS        64  /* ports in one engine */
#define DSE_MAX_VLANS        64  /* VLAN-to-segment mappings on one port */
#define DSE_MAX_WORKERS      16  /* worker lcores */
#define DSE_MAX_QUEUES       16  /* queues per port */
#define DSE_MAX_FLOOD_TEPS   16  /* flood-teps of one segment */
#define DSE_CONFIG_MAX_PARTS 8   /* services with a part of the config */

/* How a port attaches its workload (DESIGN.md: shared-memory or kernel ports), or a
 * benchmark/offline device. */
enum dse_port_kind {
	DSE_PORT_TAP,        /* kernel tap interface created by the engine ("MUX" mode) */
	DSE_PORT_AF_PACKET,  /* an existing kernel interface, e.g. a veth into a namespace */
	DSE_PORT_AF_XDP,     /* an existing kernel interface through an XDP socket */
	DSE_PORT_VHOST_USER, /* a vhost-user server socket for a VM's virtio-net */
	DSE_PORT_MEMIF,      /* a memif server socket for an application or container */
	DSE_PORT_PCAP,       /* read from / write to pcap files (offline runs, benchmarks) */
	DSE_PORT_NULL,       /* DPDK's null device: a sink, or a generator */
	DSE_PORT_DEVARGS,    /* any DPDK device given by its devargs (an uplink NIC, ring, ...) */
	DSE_PORT_KIND_COUNT
};

/* A VLAN tag carried on a port (trunk) and the segment its frames belong to. */
struct dse_vlan_map {
	uint16_t vlan;              /* 802.1Q VLAN id, 1..4094 */
	char segment[DSE_NAME_MAX]; /* segment name */
};

/* One port: a DPDK device attached to a segment. */
struct dse_port_config {
	char name[DSE_NAME_MAX];       /* unique port name */
	enum dse_port_kind kind;       /* device kind */
	char segment[DSE_NAME_MAX];    /* segment of untagged frames; "" if the port only carries
	                                  tagged frames */
	char iface[DSE_NAME_MAX];      /* tap: interface to create (default: the port name);
	                                  af_packet/af_xdp: the existing kernel interface */
	char path[DSE_PATH_MAX];       /* vhost-user/memif: server socket path;
	                                  pcap: rx pcap file (may be "") */
	char tx_path[DSE_PATH_MAX];    /* pcap: tx pcap file (may be "") */
	char devargs[DSE_DEVARGS_MAX]; /* devargs kind: full DPDK devargs; other kinds: extra
	                                  ",key=value" options appended to the generated ones */
	uint8_t mac[6];                /* port MAC (informative for the workload), if has_mac */
	bool has_mac;                  /* mac was given */
	uint16_t mtu;                  /* largest L3 payload accepted and sent; default 1500 */
	uint16_t queues;               /* queue pairs; 0 = one per worker */
	bool infinite_rx;              /* pcap: replay rx file forever (benchmarks) */
	uint16_t nb_vlans;             /* entries used in vlans */
	struct dse_vlan_map vlans[DSE_MAX_VLANS]; /* tagged frames carried by this port */
	int line; /* line of this port in the source text (0 if none) */
};

/* A broadcast domain. */
struct dse_segment_config {
	char name[DSE_NAME_MAX]; /* unique segment name */
	uint32_t vni;            /* 24-bit virtual network id, unique; 0 = none given */
	int line;                /* line in the source text */
	uint16_t nb_flood_teps;  /* entries used in flood_teps */
	uint32_t flood_teps[DSE_MAX_FLOOD_TEPS]; /* flood-teps: remote TEPs (IPv4, host order)
	                                            that get the segment's broadcast, unknown
	                                            and multicast frames */
};

/* The whole desired state of one engine. Its lists are heap arrays sized by what they hold:
 * release them with config_free(), copy a config with config_copy(). */
struct dse_config {
	char node_name[DSE_NAME_MAX]; /* transport-node.name */
	uint16_t nb_workers;          /* transport-node.workers: worker count (default 1); fixed
	                                 while the engine runs */
	uint32_t idle_sleep_us;       /* transport-node.idle-sleep-us: a worker whose whole poll
	                                 round found nothing sleeps this long (0 = pure polling) */
	uint16_t nb_segments;         /* entries in segments */
	struct dse_segment_config *segments; /* heap array, at most DSE_MAX_SEGMENTS */
	uint16_t nb_ports;                   /* entries in ports */
	struct dse_port_config *ports;       /* heap array, at most DSE_MAX_PORTS */
	/* Each service's part, by service id: a struct of the service's own (its folder's
	 * <name>_config.h, read through its accessor, e.g. fw_config()), sized and filled by
	 * its config_part; allocated with the config. */
	void *part[DSE_CONFIG_MAX_PARTS];
};

/* One problem found in a config: where it is and what was expected. */
struct dse_config_error {
	int line;          /* 1-based line in the source text, 0 if unknown */
	char field[96];    /* path of the field, e.g. "ports[2].segment" */
	char message[160]; /* what is wrong and what was expected */
};

#define DSE_CONFIG_MAX_ERRORS 32

/* The errors of one parse; count may exceed DSE_CONFIG_MAX_ERRORS (the rest are not stored). */
struct dse_config_errors {
	unsigned count;
	struct dse_config_error e[DSE_CONFIG_MAX_ERRORS];
};

/*
 * Parses and validates YAML text into *cfg, which must hold a config (zeroed memory, one set by
 * config_init, or an earlier parse): its lists are freed, then it is set to the defaults.
 * Returns 0 when the config is valid, or -EINVAL with every problem found in *errs.
 * Never reads past len bytes; text need not be NUL-terminated.
 */
int config_parse_yaml(const char *text, size_t len, struct dse_config *cfg,
                      struct dse_config_errors *errs);

/*
 * Validates a single port (as given to `port.add`) against cfg: name unique, segment and VLAN
 * mappings known, kind-specific fields present. field_prefix names the port in errors
 * (e.g. "ports[3]" or "port"). Returns 0 or -EINVAL with errors appended to *errs.
 */
int config_validate_port(const struct dse_config *cfg, const struct dse_port_config *port,
                         const char *field_prefix, struct dse_config_errors *errs);

/* Sets *cfg (which owns no memory yet) to the defaults of an empty config, its services' parts
 * allocated. Returns 0 or -ENOMEM (cfg empty). */
int config_init(struct dse_config *cfg);

/* Frees the lists and parts of cfg and leaves it empty (counts 0, no parts); accepts NULL.
 * cfg itself is not freed. */
void config_free(struct dse_config *cfg);

/* True if a and b hold the same values (lists compared by content, not by address). */
bool config_equal(const struct dse_config *a, const struct dse_config *b);

/* Makes *dst (initialised, or zeroed) a deep copy of src. Returns 0 or -ENOMEM (dst empty). */
int config_copy(struct dse_config *dst, const struct dse_config *src);

/* Makes *dst (a config of its own) equal to src, copying only the lists whose array differs
 * from dst's: a config made from dst with one list replaced costs a copy of that list only.
 * Returns 0 or -ENOMEM (dst empty). */
int config_assign(struct dse_config *dst, const struct dse_config *src);

/* Sets *port to the defaults of a port with no field given (mtu 1500, queues 0, kind tap). */
void config_port_init(struct dse_port_config *port);

/*
 * Parses one port written as a mapping with the fields of a `ports` entry (YAML text, or JSON
 * text, which is YAML too) into *port, which it initialises first. Checks each field's type and
 * range and fills in defaults (a tap port's iface is its name), but does not check the port
 * against a config: call config_validate_port() for that. field_prefix names the port in errors;
 * errors carry line 0 when with_lines is false (text generated from a JSON request).
 * Returns 0, or -EINVAL with errors appended to *errs.
 */
int config_parse_port_yaml(const char *text, size_t len, struct dse_port_config *port,
                           const char *field_prefix, bool with_lines,
                           struct dse_config_errors *errs);

/* Parses "a.b.c.d" into *ip (host order). With prefix_len non-NULL, "a.b.c.d/n" is required.
 * Returns 0 or -EINVAL. */
int config_parse_ipv4(const char *text, uint32_t *ip, uint8_t *prefix_len);

/* Returns true if name is 1..31 characters from [A-Za-z0-9_.-] (port, segment, node names). */
bool config_name_is_valid(const char *name);

/* Name of a port kind as written in config ("tap", "af_packet", ...), and back (-1 if
 * unknown). */
const char *config_port_kind_name(enum dse_port_kind kind);
int config_port_kind_parse(const char *name);

/* Index of the segment or port with this name in cfg, or -1. */
int config_find_segment(const struct dse_config *cfg, const char *name);
int config_find_port(const struct dse_config *cfg, const char *name);

/* Orders the stored errors by line (stable), so a file reads top to bottom; unknown lines last. */
void config_errors_sort(struct dse_config_errors *errs);

/* Appends an error (printf-style message) to errs. */
void config_error(struct dse_config_errors *errs, int line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
