/*
 * The config model's reading and checking: YAML text (host.yaml, a `config.apply` request) is
 * loaded with libyaml's document API, every field is checked for its type and range, and the
 * whole config is then checked for consistency (names unique, references known). Every problem
 * is collected with its 1-based line and field path, so a user fixes a file in one pass. The
 * input is untrusted: its size and nesting are bounded, aliases and tags are refused, and plain
 * scalars are typed as the YAML 1.2 core schema says (`5001` is an integer, `"5001"` a string).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "mgmt/config.h"
#include "mgmt/config_parse.h"

#define CONFIG_TEXT_MAX  (4u << 20) /* largest config text accepted, bytes */
#define CONFIG_DEPTH_MAX 16         /* deepest nesting of mappings and sequences accepted */
#define CONFIG_NODES_MAX 200000     /* values in one text; the largest valid config has ~50000 */
#define IFACE_NAME_MAX   15         /* kernel interface names: IFNAMSIZ without the NUL */
#define FIELD_SIZE       sizeof(((struct dse_config_error *)0)->field)

/* Fields of a port, in the order of the schema; indexes port_field_names and port_source. */
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

static const char *const port_field_names[PORT_FIELD_COUNT] = {
    [PORT_NAME] = "name",
    [PORT_KIND] = "kind",
    [PORT_SEGMENT] = "segment",
    [PORT_IFACE] = "iface",
    [PORT_PATH] = "path",
    [PORT_TX_PATH] = "tx-path",
    [PORT_INFINITE_RX] = "infinite-rx",
    [PORT_DEVARGS] = "devargs",
    [PORT_MAC] = "mac",
    [PORT_MTU] = "mtu",
    [PORT_QUEUES] = "queues",
    [PORT_VLANS] = "vlans",
};

/* Where the fields of one port were written, so that consistency errors name their line. */
struct port_source {
	uint32_t given;                       /* bit per enum port_field: written, valid or not */
	bool kind_ok;                         /* kind holds a valid value */
	int line[PORT_FIELD_COUNT];           /* line of each field's value; 0 if unknown */
	int vlan_line[DSE_MAX_VLANS];         /* line of vlans[i].vlan */
	int vlan_segment_line[DSE_MAX_VLANS]; /* line of vlans[i].segment */
};

/* Lines of the parts of a whole config that later checks refer to. */
struct config_source {
	struct port_source ports[DSE_MAX_PORTS];   /* per port */
	int segment_name_line[DSE_MAX_SEGMENTS];   /* line of segments[i].name */
	int segment_vni_line[DSE_MAX_SEGMENTS];    /* line of segments[i].vni */
	int mac_segment_line[DSE_MAX_STATIC_MACS]; /* line of static-macs[i].segment */
	int mac_mac_line[DSE_MAX_STATIC_MACS];     /* line of static-macs[i].mac */
	int mac_port_line[DSE_MAX_STATIC_MACS];    /* line of static-macs[i].port */
};

/* One walk over a loaded YAML document. */
struct parse_ctx {
	yaml_document_t *doc;           /* the loaded document */
	struct dse_config_errors *errs; /* where problems go */
	bool with_lines;                /* false: the text was generated (from JSON); lines are 0 */
};

/* How a plain scalar reads under the YAML 1.2 core schema; quoted scalars are strings. */
enum scalar_type {
	SCALAR_NULL,
	SCALAR_BOOL,
	SCALAR_INT,
	SCALAR_FLOAT,
	SCALAR_STRING,
};

static const char *const port_kind_names[DSE_PORT_KIND_COUNT] = {
    [DSE_PORT_TAP] = "tap",       [DSE_PORT_AF_PACKET] = "af_packet",
    [DSE_PORT_AF_XDP] = "af_xdp", [DSE_PORT_VHOST_USER] = "vhost-user",
    [DSE_PORT_MEMIF] = "memif",   [DSE_PORT_PCAP] = "pcap",
    [DSE_PORT_NULL] = "null",     [DSE_PORT_DEVARGS] = "devargs",
};

/* Copies text into out (size bytes), replacing bytes that are not printable ASCII by '?', so
 * error texts are always valid UTF-8 and safe on a terminal. */
static void
copy_printable(char *out, size_t size, const char *text)
{
	size_t i = 0;

	if (text != NULL)
		for (; i + 1 < size && text[i] != '\0'; i++) {
			unsigned char c = (unsigned char)text[i];

			out[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
		}
	out[i] = '\0';
}

void
config_error(struct dse_config_errors *errs, int line, const char *field, const char *fmt, ...)
{
	if (errs->count < DSE_CONFIG_MAX_ERRORS) {
		struct dse_config_error *e = &errs->e[errs->count];
		char message[sizeof(e->message)];
		va_list ap;

		va_start(ap, fmt);
		if (vsnprintf(message, sizeof(message), fmt, ap) < 0)
			message[0] = '\0';
		va_end(ap);
		e->line = line;
		copy_printable(e->field, sizeof(e->field), field);
		copy_printable(e->message, sizeof(e->message), message);
	}
	if (errs->count < UINT_MAX)
		errs->count++;
}

void
config_port_init(struct dse_port_config *port)
{
	memset(port, 0, sizeof(*port));
	port->kind = DSE_PORT_TAP;
	port->mtu = 1500;
	port->queues = 0;
}

void
config_init(struct dse_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->node_name, sizeof(cfg->node_name), "%s", "dse");
	cfg->nb_workers = 1;
	cfg->idle_sleep_us = 0;
	cfg->mac_table_size = 65536;
	cfg->mac_aging_s = 300;
	config_fw_init(&cfg->fw);
}

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

int
config_find_segment(const struct dse_config *cfg, const char *name)
{
	if (name[0] == '\0')
		return -1;
	for (int i = 0; i < cfg->nb_segments && i < DSE_MAX_SEGMENTS; i++)
		if (strncmp(cfg->segments[i].name, name, DSE_NAME_MAX) == 0)
			return i;
	return -1;
}

int
config_find_port(const struct dse_config *cfg, const char *name)
{
	if (name[0] == '\0')
		return -1;
	for (int i = 0; i < cfg->nb_ports && i < DSE_MAX_PORTS; i++)
		if (strncmp(cfg->ports[i].name, name, DSE_NAME_MAX) == 0)
			return i;
	return -1;
}

/* Returns true if c may appear in a port, segment or node name. */
static bool
name_char_is_valid(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

bool
config_name_is_valid(const char *name)
{
	size_t len = strnlen(name, DSE_NAME_MAX);

	if (len == 0 || len >= DSE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char_is_valid(name[i]))
			return false;
	return true;
}

/* Returns true if name can be a kernel interface name (1..15 name characters). */
static bool
iface_name_is_valid(const char *name)
{
	size_t len = strnlen(name, DSE_NAME_MAX);

	if (len == 0 || len > IFACE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char_is_valid(name[i]))
			return false;
	return true;
}

/* Returns the value of one hex digit, or -1. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses exactly "aa:bb:cc:dd:ee:ff" (either case) into mac. Returns 0 or -EINVAL. */
static int
mac_parse(const char *text, uint8_t *mac)
{
	uint8_t bytes[6];

	if (strlen(text) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int high = hex_value(text[3 * i]);
		int low = hex_value(text[3 * i + 1]);

		if (high < 0 || low < 0 || (i < 5 && text[3 * i + 2] != ':'))
			return -EINVAL;
		bytes[i] = (uint8_t)(high << 4 | low);
	}
	memcpy(mac, bytes, sizeof(bytes));
	return 0;
}

/* Returns true if mac is a unicast address a port may own: not group, not all-zero. */
static bool
mac_is_unicast(const uint8_t *mac)
{
	return (mac[0] & 0x01) == 0 && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) != 0;
}

/* Writes prefix.name (or name alone if prefix is empty) into out, FIELD_SIZE bytes. */
static void
field_join(char *out, const char *prefix, const char *name)
{
	int n = prefix[0] ? snprintf(out, FIELD_SIZE, "%s.%s", prefix, name)
	                  : snprintf(out, FIELD_SIZE, "%s", name);

	if (n < 0)
		out[0] = '\0';
}

/* Writes prefix[index] into out, FIELD_SIZE bytes. */
static void
field_index(char *out, const char *prefix, size_t index)
{
	if (snprintf(out, FIELD_SIZE, "%s[%zu]", prefix, index) < 0)
		out[0] = '\0';
}

/* Returns the 1-based line of a libyaml mark, or 0 when lines are not meaningful. */
static int
mark_line(const yaml_mark_t *mark, bool with_lines)
{
	if (!with_lines)
		return 0;
	return mark->line < (size_t)INT_MAX ? (int)mark->line + 1 : INT_MAX;
}

static int
node_line(const struct parse_ctx *ctx, const yaml_node_t *node)
{
	return mark_line(&node->start_mark, ctx->with_lines);
}

/* Returns true if the len bytes at text equal the NUL-terminated word. */
static bool
text_is(const char *text, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(text, word, len) == 0;
}

/* Returns true if text[0..len) is one or more decimal digits. */
static bool
all_digits(const char *text, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (text[i] < '0' || text[i] > '9')
			return false;
	return true;
}

/* Returns true if text[0..len) is a YAML 1.2 core-schema float (digits, '.', exponent). */
static bool
text_is_float(const char *text, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (text[i] == '-' || text[i] == '+'))
		i++;
	if (text_is(text + i, len - i, ".inf") || text_is(text + i, len - i, ".Inf") ||
	    text_is(text + i, len - i, ".INF"))
		return true;
	if (text_is(text, len, ".nan") || text_is(text, len, ".NaN") || text_is(text, len, ".NAN"))
		return true;
	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
		digits++;
	if (i < len && text[i] == '.')
		for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++)
			digits++;
	if (digits == 0)
		return false;
	if (i < len && (text[i] == 'e' || text[i] == 'E')) {
		i++;
		if (i < len && (text[i] == '-' || text[i] == '+'))
			i++;
		if (!all_digits(text + i, len - i))
			return false;
		i = len;
	}
	return i == len;
}

static enum scalar_type
scalar_resolve(const yaml_node_t *node)
{
	const char *text = (const char *)node->data.scalar.value;
	size_t len = node->data.scalar.length;

	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
	    node->data.scalar.style != YAML_ANY_SCALAR_STYLE)
		return SCALAR_STRING;
	if (len == 0 || text_is(text, len, "~") || text_is(text, len, "null") ||
	    text_is(text, len, "Null") || text_is(text, len, "NULL"))
		return SCALAR_NULL;
	if (text_is(text, len, "true") || text_is(text, len, "True") ||
	    text_is(text, len, "TRUE") || text_is(text, len, "false") ||
	    text_is(text, len, "False") || text_is(text, len, "FALSE"))
		return SCALAR_BOOL;
	if (len > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
		size_t i = 2;

		while (i < len && (text[1] == 'x' ? hex_value(text[i]) >= 0
		                                  : (text[i] >= '0' && text[i] <= '7')))
			i++;
		if (i == len)
			return SCALAR_INT;
	}
	if (all_digits(text, len) ||
	    ((text[0] == '-' || text[0] == '+') && all_digits(text + 1, len - 1)))
		return SCALAR_INT;
	if (text_is_float(text, len))
		return SCALAR_FLOAT;
	return SCALAR_STRING;
}

/* Says what a node is, for "expected X, got Y" messages. */
static const char *
node_description(const yaml_node_t *node)
{
	if (node->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (node->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (node->type != YAML_SCALAR_NODE)
		return "nothing";
	switch (scalar_resolve(node)) {
	case SCALAR_NULL:
		return "nothing";
	case SCALAR_BOOL:
		return "true/false";
	case SCALAR_INT:
		return "an integer";
	case SCALAR_FLOAT:
		return "a fractional number";
	case SCALAR_STRING:
		break;
	}
	return "a string";
}

/* Returns true if node is an empty value (`key:` with nothing after it, `~`, `null`). */
static bool
node_is_null(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE && scalar_resolve(node) == SCALAR_NULL;
}

/*
 * Reads a string field into out (size bytes). expected says what the field takes. Returns 0, or
 * -1 with an error recorded (out is then empty).
 */
static int
get_string(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, char *out,
           size_t size, const char *expected)
{
	int line = node_line(ctx, node);
	const char *text;
	size_t len;

	memset(out, 0, size);
	if (node->type != YAML_SCALAR_NODE || scalar_resolve(node) != SCALAR_STRING) {
		config_error(ctx->errs, line, field, "expected %s, got %s", expected,
		             node_description(node));
		return -1;
	}
	text = (const char *)node->data.scalar.value;
	len = node->data.scalar.length;
	if (len == 0) {
		config_error(ctx->errs, line, field, "expected %s, got an empty string", expected);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		config_error(ctx->errs, line, field,
		             "expected %s, got a string with a NUL character", expected);
		return -1;
	}
	if (len >= size) {
		config_error(ctx->errs, line, field,
		             "expected %s, got %zu characters (at most %zu)", expected, len,
		             size - 1);
		return -1;
	}
	memcpy(out, text, len);
	out[len] = '\0';
	return 0;
}

static const char name_expected[] = "a name of 1..31 characters from A-Z a-z 0-9 _ . -";

/* Reads a port, segment or node name. Returns 0 or -1 (error recorded, out empty). */
static int
get_name(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, char *out)
{
	if (get_string(ctx, node, field, out, DSE_NAME_MAX, name_expected) < 0)
		return -1;
	if (!config_name_is_valid(out)) {
		config_error(ctx->errs, node_line(ctx, node), field, "expected %s, got \"%.40s\"",
		             name_expected, out);
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * Reads a decimal integer in min..max. expected describes the accepted values (NULL: "an integer
 * min..max"). Returns 0, or -1 with an error recorded.
 */
static int
get_integer(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, long long min,
            long long max, const char *expected, long long *value)
{
	char range[64];
	const char *text;
	size_t len, i = 0;
	bool negative = false;
	long long v = 0;

	if (expected == NULL) {
		snprintf(range, sizeof(range), "an integer %lld..%lld", min, max);
		expected = range;
	}
	if (node->type != YAML_SCALAR_NODE || scalar_resolve(node) != SCALAR_INT) {
		config_error(ctx->errs, node_line(ctx, node), field, "expected %s, got %s",
		             expected, node_description(node));
		return -1;
	}
	text = (const char *)node->data.scalar.value;
	len = node->data.scalar.length;
	if (text[0] == '-' || text[0] == '+') {
		negative = text[0] == '-';
		i = 1;
	}
	if (!all_digits(text + i, len - i)) {
		config_error(ctx->errs, node_line(ctx, node), field,
		             "expected %s in decimal, got %.32s", expected, text);
		return -1;
	}
	for (; i < len; i++) {
		if (v > (LLONG_MAX - 9) / 10) {
			v = LLONG_MAX;
			break;
		}
		v = v * 10 + (text[i] - '0');
	}
	if (negative)
		v = -v;
	if (v < min || v > max) {
		config_error(ctx->errs, node_line(ctx, node), field, "expected %s, got %.32s",
		             expected, text);
		return -1;
	}
	*value = v;
	return 0;
}

/* Reads true or false. Returns 0 or -1 (error recorded). */
static int
get_bool(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, bool *value)
{
	if (node->type != YAML_SCALAR_NODE || scalar_resolve(node) != SCALAR_BOOL) {
		config_error(ctx->errs, node_line(ctx, node), field,
		             "expected true or false, got %s", node_description(node));
		return -1;
	}
	*value = node->data.scalar.value[0] == 't' || node->data.scalar.value[0] == 'T';
	return 0;
}

/* Reads a unicast MAC address. Returns 0 or -1 (error recorded, mac untouched). */
static int
get_mac(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, uint8_t *mac)
{
	static const char expected[] = "a unicast MAC address such as 02:00:00:00:00:01";
	char text[32];
	uint8_t parsed[6];

	if (get_string(ctx, node, field, text, sizeof(text), expected) < 0)
		return -1;
	if (mac_parse(text, parsed) < 0 || !mac_is_unicast(parsed)) {
		config_error(ctx->errs, node_line(ctx, node), field, "expected %s, got \"%s\"",
		             expected, text);
		return -1;
	}
	memcpy(mac, parsed, sizeof(parsed));
	return 0;
}

/*
 * Looks up the key of one mapping pair among names[0..count). Records an error for a key that is
 * not a string, unknown or repeated (seen has one bit per name). Returns the index, or -1.
 */
static int
lookup_field(struct parse_ctx *ctx, const yaml_node_t *key, const char *prefix,
             const char *const *names, int count, uint32_t *seen)
{
	char field[FIELD_SIZE], list[160];
	const char *text;
	size_t len, used = 0;

	if (key == NULL)
		return -1;
	if (key->type != YAML_SCALAR_NODE) {
		config_error(ctx->errs, node_line(ctx, key), prefix,
		             "expected a field name, got %s", node_description(key));
		return -1;
	}
	text = (const char *)key->data.scalar.value;
	len = key->data.scalar.length;
	for (int i = 0; i < count; i++) {
		if (!text_is(text, len, names[i]))
			continue;
		field_join(field, prefix, names[i]);
		if (*seen & (1u << i)) {
			config_error(ctx->errs, node_line(ctx, key), field,
			             "field \"%s\" is given twice", names[i]);
			return -1;
		}
		*seen |= 1u << i;
		return i;
	}
	list[0] = '\0';
	for (int i = 0; i < count; i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);

		if (n < 0 || (size_t)n >= sizeof(list) - used)
			break;
		used += (size_t)n;
	}
	snprintf(field, sizeof(field), "%s%s%.*s", prefix, prefix[0] ? "." : "",
	         (int)(len < 40 ? len : 40), text);
	config_error(ctx->errs, node_line(ctx, key), field,
	             "unknown field \"%.*s\"; expected one of %s", (int)(len < 32 ? len : 32), text,
	             list);
	return -1;
}

/* Returns the node of a document by id, or NULL. */
static yaml_node_t *
doc_node(const struct parse_ctx *ctx, int id)
{
	return yaml_document_get_node(ctx->doc, id);
}

/*
 * Checks that node is a mapping (an empty value counts as an empty mapping when null_ok).
 * Returns 1 if it has pairs to read, 0 if empty, -1 with an error recorded.
 */
static int
expect_mapping(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
               const char *expected, bool null_ok)
{
	if (null_ok && node_is_null(node))
		return 0;
	if (node->type != YAML_MAPPING_NODE) {
		config_error(ctx->errs, node_line(ctx, node), field, "expected %s, got %s",
		             expected, node_description(node));
		return -1;
	}
	return 1;
}

/* Same as expect_mapping() for a list. */
static int
expect_sequence(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                const char *expected)
{
	if (node_is_null(node))
		return 0;
	if (node->type != YAML_SEQUENCE_NODE) {
		config_error(ctx->errs, node_line(ctx, node), field, "expected %s, got %s",
		             expected, node_description(node));
		return -1;
	}
	return 1;
}

/* Records that the mapping at node lacks a required field. */
static void
missing_field(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix, const char *name,
              const char *expected)
{
	char field[FIELD_SIZE];

	field_join(field, prefix, name);
	config_error(ctx->errs, node_line(ctx, node), field, "missing field \"%s\"; expected %s",
	             name, expected);
}

#define FOR_EACH_PAIR(node, pair)                                                                  \
	for (yaml_node_pair_t *pair = (node)->data.mapping.pairs.start;                            \
	     pair < (node)->data.mapping.pairs.top; pair++)

static void
parse_transport_node(struct parse_ctx *ctx, const yaml_node_t *node, struct dse_config *cfg)
{
	static const char *const names[] = {"name", "workers", "idle-sleep-us", "tep"};
	const char *prefix = "transport-node";
	char field[FIELD_SIZE];
	uint32_t seen = 0;
	long long value;

	if (expect_mapping(ctx, node, prefix, "a mapping of name, workers, idle-sleep-us, tep",
	                   true) <= 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int index = lookup_field(ctx, doc_node(ctx, pair->key), prefix, names, 4, &seen);
		const yaml_node_t *value_node = doc_node(ctx, pair->value);

		if (index < 0 || value_node == NULL)
			continue;
		field_join(field, prefix, names[index]);
		switch (index) {
		case 0: {
			char name[DSE_NAME_MAX];

			if (get_name(ctx, value_node, field, name) == 0)
				memcpy(cfg->node_name, name, sizeof(name));
			break;
		}
		case 1:
			if (get_integer(ctx, value_node, field, 1, DSE_MAX_WORKERS, NULL, &value) ==
			    0)
				cfg->nb_workers = (uint16_t)value;
			break;
		case 2:
			if (get_integer(ctx, value_node, field, 0, 100000, NULL, &value) == 0)
				cfg->idle_sleep_us = (uint32_t)value;
			break;
		case 3:
			config_overlay_parse_tep(ctx, value_node, field, &cfg->overlay);
			break;
		}
	}
}

static void
parse_switch(struct parse_ctx *ctx, const yaml_node_t *node, struct dse_config *cfg)
{
	static const char *const names[] = {"mac-table-size", "mac-aging"};
	const char *prefix = "switch";
	char field[FIELD_SIZE];
	uint32_t seen = 0;
	long long value;

	if (expect_mapping(ctx, node, prefix, "a mapping of mac-table-size, mac-aging", true) <= 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int index = lookup_field(ctx, doc_node(ctx, pair->key), prefix, names, 2, &seen);
		const yaml_node_t *value_node = doc_node(ctx, pair->value);

		if (index < 0 || value_node == NULL)
			continue;
		field_join(field, prefix, names[index]);
		if (index == 0) {
			if (get_integer(ctx, value_node, field, 1024, 16777216, NULL, &value) == 0)
				cfg->mac_table_size = (uint32_t)value;
			continue;
		}
		static const char aging[] = "0 (never age) or an integer 10..86400";
		if (get_integer(ctx, value_node, field, 0, 86400, aging, &value) < 0)
			continue;
		if (value > 0 && value < 10) {
			config_error(ctx->errs, node_line(ctx, value_node), field,
			             "expected %s, got %lld", aging, value);
			continue;
		}
		cfg->mac_aging_s = (uint32_t)value;
	}
}

static void
parse_segment(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
              struct dse_segment_config *segment, int *name_line, int *vni_line)
{
	static const char *const names[] = {"name", "vni", "flood-teps"};
	char field[FIELD_SIZE];
	uint32_t seen = 0;
	long long value;

	segment->line = node_line(ctx, node);
	if (expect_mapping(ctx, node, prefix, "a mapping of name, vni, flood-teps", false) < 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int index = lookup_field(ctx, doc_node(ctx, pair->key), prefix, names, 3, &seen);
		const yaml_node_t *value_node = doc_node(ctx, pair->value);

		if (index < 0 || value_node == NULL)
			continue;
		field_join(field, prefix, names[index]);
		if (index == 0) {
			*name_line = node_line(ctx, value_node);
			get_name(ctx, value_node, field, segment->name);
		} else if (index == 2) {
			config_overlay_parse_flood_teps(ctx, value_node, field, segment);
		} else {
			*vni_line = node_line(ctx, value_node);
			if (get_integer(ctx, value_node, field, 1, 16777215, NULL, &value) == 0)
				segment->vni = (uint32_t)value;
		}
	}
	if (!(seen & 1))
		missing_field(ctx, node, prefix, "name", "a segment name");
}

static void
parse_vlan(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
           struct dse_vlan_map *vlan, int *vlan_line, int *segment_line)
{
	static const char *const names[] = {"vlan", "segment"};
	char field[FIELD_SIZE];
	uint32_t seen = 0;
	long long value;

	*vlan_line = *segment_line = node_line(ctx, node);
	if (expect_mapping(ctx, node, prefix, "a mapping of vlan, segment", false) < 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int index = lookup_field(ctx, doc_node(ctx, pair->key), prefix, names, 2, &seen);
		const yaml_node_t *value_node = doc_node(ctx, pair->value);

		if (index < 0 || value_node == NULL)
			continue;
		field_join(field, prefix, names[index]);
		if (index == 0) {
			*vlan_line = node_line(ctx, value_node);
			if (get_integer(ctx, value_node, field, 1, 4094, NULL, &value) == 0)
				vlan->vlan = (uint16_t)value;
		} else {
			*segment_line = node_line(ctx, value_node);
			get_name(ctx, value_node, field, vlan->segment);
		}
	}
	if (!(seen & 1))
		missing_field(ctx, node, prefix, "vlan", "a VLAN id 1..4094");
	if (!(seen & 2))
		missing_field(ctx, node, prefix, "segment", "the segment of this VLAN's frames");
}

static void
parse_vlans(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
            struct dse_port_config *port, struct port_source *src)
{
	char field[FIELD_SIZE];

	if (expect_sequence(ctx, node, prefix, "a list of {vlan, segment} mappings") <= 0)
		return;
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		const yaml_node_t *item_node = doc_node(ctx, *item);
		uint16_t i = port->nb_vlans;

		if (item_node == NULL)
			continue;
		if (i >= DSE_MAX_VLANS) {
			config_error(ctx->errs, node_line(ctx, item_node), prefix,
			             "too many vlans; at most %d on one port", DSE_MAX_VLANS);
			return;
		}
		field_index(field, prefix, i);
		parse_vlan(ctx, item_node, field, &port->vlans[i], &src->vlan_line[i],
		           &src->vlan_segment_line[i]);
		port->nb_vlans++;
	}
}

/* Reads the fields of one port mapping into *port (type and range checks only). */
static void
parse_port(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
           struct dse_port_config *port, struct port_source *src)
{
	char field[FIELD_SIZE];
	uint32_t seen = 0;
	long long value;
	int kind;

	config_port_init(port);
	memset(src, 0, sizeof(*src));
	port->line = node_line(ctx, node);
	if (expect_mapping(ctx, node, prefix, "a mapping with the fields of a port", false) < 0) {
		src->given = ~0u; /* nothing more to say about this port */
		return;
	}
	FOR_EACH_PAIR(node, pair)
	{
		int index = lookup_field(ctx, doc_node(ctx, pair->key), prefix, port_field_names,
		                         PORT_FIELD_COUNT, &seen);
		const yaml_node_t *v = doc_node(ctx, pair->value);

		if (index < 0 || v == NULL)
			continue;
		field_join(field, prefix, port_field_names[index]);
		src->given |= 1u << index;
		src->line[index] = node_line(ctx, v);
		switch ((enum port_field)index) {
		case PORT_NAME:
			get_name(ctx, v, field, port->name);
			break;
		case PORT_KIND: {
			static const char expected[] = "one of tap, af_packet, af_xdp, vhost-user, "
			                               "memif, pcap, null, devargs";
			char text[DSE_NAME_MAX];

			/* `kind: null` names DPDK's null device, not an empty value. */
			if (v->type == YAML_SCALAR_NODE &&
			    text_is((const char *)v->data.scalar.value, v->data.scalar.length,
			            "null")) {
				port->kind = DSE_PORT_NULL;
				src->kind_ok = true;
				break;
			}
			if (get_string(ctx, v, field, text, sizeof(text), expected) < 0)
				break;
			kind = config_port_kind_parse(text);
			if (kind < 0) {
				config_error(ctx->errs, src->line[index], field,
				             "expected %s, got \"%s\"", expected, text);
				break;
			}
			port->kind = (enum dse_port_kind)kind;
			src->kind_ok = true;
			break;
		}
		case PORT_SEGMENT:
			get_name(ctx, v, field, port->segment);
			break;
		case PORT_IFACE:
			if (get_string(ctx, v, field, port->iface, IFACE_NAME_MAX + 1,
			               "an interface name of 1..15 characters") == 0 &&
			    !iface_name_is_valid(port->iface)) {
				config_error(ctx->errs, src->line[index], field,
				             "expected an interface name of 1..15 characters from "
				             "A-Z a-z 0-9 _ . -, got \"%s\"",
				             port->iface);
				port->iface[0] = '\0';
			}
			break;
		case PORT_PATH:
			get_string(ctx, v, field, port->path, sizeof(port->path),
			           "a file path shorter than 108 bytes");
			break;
		case PORT_TX_PATH:
			get_string(ctx, v, field, port->tx_path, sizeof(port->tx_path),
			           "a file path shorter than 108 bytes");
			break;
		case PORT_INFINITE_RX:
			get_bool(ctx, v, field, &port->infinite_rx);
			break;
		case PORT_DEVARGS:
			get_string(ctx, v, field, port->devargs, sizeof(port->devargs),
			           "DPDK devargs shorter than 256 bytes");
			break;
		case PORT_MAC:
			if (get_mac(ctx, v, field, port->mac) == 0)
				port->has_mac = true;
			break;
		case PORT_MTU:
			if (get_integer(ctx, v, field, 68, 9216, NULL, &value) == 0)
				port->mtu = (uint16_t)value;
			break;
		case PORT_QUEUES:
			if (get_integer(ctx, v, field, 0, DSE_MAX_QUEUES, NULL, &value) == 0)
				port->queues = (uint16_t)value;
			break;
		case PORT_VLANS:
			parse_vlans(ctx, v, field, port, src);
			break;
		case PORT_FIELD_COUNT:
			break;
		}
	}
	if (!(seen & (1u << PORT_NAME)))
		missing_field(ctx, node, prefix, "name", "a port name");
	if (!(seen & (1u << PORT_KIND)))
		missing_field(
		    ctx, node, prefix, "kind",
		    "one of tap, af_packet, af_xdp, vhost-user, memif, pcap, null, devargs");
	/* A tap port's interface is named after the port unless told otherwise. */
	if (src->kind_ok && port->kind == DSE_PORT_TAP && !(src->given & (1u << PORT_IFACE)) &&
	    strlen(port->name) <= IFACE_NAME_MAX)
		memcpy(port->iface, port->name, sizeof(port->iface));
}

/* Returns true if port carries frames of segment, untagged or by a VLAN. */
static bool
port_carries_segment(const struct dse_port_config *port, const char *segment)
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

	field_join(path, prefix, port_field_names[field]);
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

	field_join(vlan_prefix, prefix, "vlans");
	for (uint16_t i = 0; i < nb_vlans; i++) {
		const struct dse_vlan_map *map = &port->vlans[i];
		char index_prefix[FIELD_SIZE];
		int vlan_line = src->vlan_line[i] ? src->vlan_line[i] : port->line;
		int segment_line =
		    src->vlan_segment_line[i] ? src->vlan_segment_line[i] : port->line;

		field_index(index_prefix, vlan_prefix, i);
		for (uint16_t j = 0; map->vlan != 0 && j < i; j++)
			if (port->vlans[j].vlan == map->vlan) {
				field_join(field, index_prefix, "vlan");
				config_error(errs, vlan_line, field,
				             "duplicate vlan %u on this port", map->vlan);
				break;
			}
		if (map->segment[0] == '\0')
			continue;
		field_join(field, index_prefix, "segment");
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
	/* The overlay's uplink carries the underlay, not a segment (config_overlay.c). */
	if (!config_overlay_is_uplink(cfg, port->name))
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
		snprintf(message, sizeof(message), "expected %s, got \"%.40s\"", name_expected,
		         port->name);
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
	if (port->has_mac && !mac_is_unicast(port->mac))
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

/* Reads the segments list, keeping each entry at its index so errors name the right item. */
static void
parse_segments(struct parse_ctx *ctx, const yaml_node_t *node, struct dse_config *cfg,
               struct config_source *src)
{
	char field[FIELD_SIZE];

	if (expect_sequence(ctx, node, "segments", "a list of segments") <= 0)
		return;
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		const yaml_node_t *item_node = doc_node(ctx, *item);
		uint16_t i = cfg->nb_segments;

		if (item_node == NULL)
			continue;
		if (i >= DSE_MAX_SEGMENTS) {
			config_error(ctx->errs, node_line(ctx, item_node), "segments",
			             "too many segments; at most %d", DSE_MAX_SEGMENTS);
			return;
		}
		field_index(field, "segments", i);
		parse_segment(ctx, item_node, field, &cfg->segments[i], &src->segment_name_line[i],
		              &src->segment_vni_line[i]);
		cfg->nb_segments++;
	}
}

static void
parse_ports(struct parse_ctx *ctx, const yaml_node_t *node, struct dse_config *cfg,
            struct config_source *src)
{
	char field[FIELD_SIZE];

	if (expect_sequence(ctx, node, "ports", "a list of ports") <= 0)
		return;
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		const yaml_node_t *item_node = doc_node(ctx, *item);
		uint16_t i = cfg->nb_ports;

		if (item_node == NULL)
			continue;
		if (i >= DSE_MAX_PORTS) {
			config_error(ctx->errs, node_line(ctx, item_node), "ports",
			             "too many ports; at most %d", DSE_MAX_PORTS);
			return;
		}
		field_index(field, "ports", i);
		parse_port(ctx, item_node, field, &cfg->ports[i], &src->ports[i]);
		cfg->nb_ports++;
	}
}

static void
parse_static_mac(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
                 struct dse_static_mac *entry, struct config_source *src, uint16_t i)
{
	static const char *const names[] = {"segment", "mac", "port"};
	char field[FIELD_SIZE];
	uint32_t seen = 0;

	entry->line = node_line(ctx, node);
	src->mac_segment_line[i] = src->mac_mac_line[i] = src->mac_port_line[i] = entry->line;
	if (expect_mapping(ctx, node, prefix, "a mapping of segment, mac, port", false) < 0)
		return;
	FOR_EACH_PAIR(node, pair)
	{
		int index = lookup_field(ctx, doc_node(ctx, pair->key), prefix, names, 3, &seen);
		const yaml_node_t *v = doc_node(ctx, pair->value);

		if (index < 0 || v == NULL)
			continue;
		field_join(field, prefix, names[index]);
		if (index == 0) {
			src->mac_segment_line[i] = node_line(ctx, v);
			get_name(ctx, v, field, entry->segment);
		} else if (index == 1) {
			src->mac_mac_line[i] = node_line(ctx, v);
			get_mac(ctx, v, field, entry->mac);
		} else {
			src->mac_port_line[i] = node_line(ctx, v);
			get_name(ctx, v, field, entry->port);
		}
	}
	if (!(seen & 1))
		missing_field(ctx, node, prefix, "segment", "a segment name");
	if (!(seen & 2))
		missing_field(ctx, node, prefix, "mac", "a unicast MAC address");
	if (!(seen & 4))
		missing_field(ctx, node, prefix, "port", "a port name");
}

static void
parse_static_macs(struct parse_ctx *ctx, const yaml_node_t *node, struct dse_config *cfg,
                  struct config_source *src)
{
	char field[FIELD_SIZE];

	if (expect_sequence(ctx, node, "static-macs", "a list of static MAC entries") <= 0)
		return;
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		const yaml_node_t *item_node = doc_node(ctx, *item);
		uint16_t i = cfg->nb_static_macs;

		if (item_node == NULL)
			continue;
		if (i >= DSE_MAX_STATIC_MACS) {
			config_error(ctx->errs, node_line(ctx, item_node), "static-macs",
			             "too many static MAC entries; at most %d",
			             DSE_MAX_STATIC_MACS);
			return;
		}
		field_index(field, "static-macs", i);
		parse_static_mac(ctx, item_node, field, &cfg->static_macs[i], src, i);
		cfg->nb_static_macs++;
	}
}

/* Checks what no single field shows: unique names and VNIs, references that resolve. */
static void
validate_config(const struct dse_config *cfg, const struct config_source *src,
                struct dse_config_errors *errs)
{
	char field[FIELD_SIZE];

	for (uint16_t i = 0; i < cfg->nb_segments; i++) {
		const struct dse_segment_config *segment = &cfg->segments[i];

		for (uint16_t j = 0; segment->name[0] != '\0' && j < i; j++)
			if (strcmp(cfg->segments[j].name, segment->name) == 0) {
				snprintf(field, sizeof(field), "segments[%u].name", i);
				config_error(errs, src->segment_name_line[i], field,
				             "duplicate segment name \"%s\" (first at line %d)",
				             segment->name, cfg->segments[j].line);
				break;
			}
		for (uint16_t j = 0; segment->vni != 0 && j < i; j++)
			if (cfg->segments[j].vni == segment->vni) {
				snprintf(field, sizeof(field), "segments[%u].vni", i);
				config_error(errs, src->segment_vni_line[i], field,
				             "duplicate vni %u: already used by segment \"%s\"",
				             segment->vni, cfg->segments[j].name);
				break;
			}
	}

	for (uint16_t i = 0; i < cfg->nb_ports; i++) {
		char prefix[FIELD_SIZE];

		field_index(prefix, "ports", i);
		if (src->ports[i].given == ~0u)
			continue;
		validate_port_source(cfg, i, &cfg->ports[i], prefix, &src->ports[i], errs);
	}

	for (uint16_t i = 0; i < cfg->nb_static_macs; i++) {
		const struct dse_static_mac *entry = &cfg->static_macs[i];
		int port_index = config_find_port(cfg, entry->port);
		bool segment_known = config_find_segment(cfg, entry->segment) >= 0;

		if (entry->segment[0] != '\0' && !segment_known) {
			snprintf(field, sizeof(field), "static-macs[%u].segment", i);
			config_error(errs, src->mac_segment_line[i], field,
			             "unknown segment \"%s\"", entry->segment);
		}
		snprintf(field, sizeof(field), "static-macs[%u].port", i);
		if (entry->port[0] != '\0' && port_index < 0)
			config_error(errs, src->mac_port_line[i], field, "unknown port \"%s\"",
			             entry->port);
		else if (port_index >= 0 && segment_known &&
		         !port_carries_segment(&cfg->ports[port_index], entry->segment))
			config_error(errs, src->mac_port_line[i], field,
			             "port \"%s\" does not carry segment \"%s\" (neither untagged "
			             "nor by a vlan)",
			             entry->port, entry->segment);
		if (!mac_is_unicast(entry->mac) || entry->segment[0] == '\0')
			continue;
		for (uint16_t j = 0; j < i; j++) {
			const struct dse_static_mac *other = &cfg->static_macs[j];

			if (memcmp(other->mac, entry->mac, 6) == 0 &&
			    strcmp(other->segment, entry->segment) == 0) {
				snprintf(field, sizeof(field), "static-macs[%u].mac", i);
				config_error(errs, src->mac_mac_line[i], field,
				             "duplicate static MAC in segment \"%s\" (first at "
				             "line %d)",
				             entry->segment, other->line);
				break;
			}
		}
	}
	config_overlay_validate(cfg, errs);
}

/* Records a libyaml syntax error in text (len bytes). */
static void
syntax_error(const yaml_parser_t *parser, const char *text, size_t len, bool with_lines,
             struct dse_config_errors *errs)
{
	yaml_mark_t mark = parser->problem_mark;

	if (parser->error == YAML_MEMORY_ERROR) {
		config_error(errs, 0, "", "out of memory while reading YAML");
		return;
	}
	/* The reader (encoding errors) gives only a byte offset. */
	if (parser->error == YAML_READER_ERROR) {
		size_t end = parser->problem_offset < len ? parser->problem_offset : len;

		mark.line = 0;
		for (size_t i = 0; i < end; i++)
			mark.line += text[i] == '\n';
	}
	config_error(errs, mark_line(&mark, with_lines), "", "invalid YAML: %.100s%s%.40s",
	             parser->problem ? parser->problem : "error", parser->context ? " " : "",
	             parser->context ? parser->context : "");
}

/*
 * Scans the event stream before loading: refuses aliases, tags, several documents and nesting
 * deeper than CONFIG_DEPTH_MAX, which the schema never needs and which would otherwise let a
 * small text cost much time or memory. Returns 0 or -EINVAL (errors recorded).
 */
static int
check_events(const char *text, size_t len, bool with_lines, struct dse_config_errors *errs)
{
	unsigned before = errs->count;
	yaml_parser_t parser;
	yaml_event_t event;
	int depth = 0, documents = 0;
	size_t nodes = 0;
	bool done = false;

	if (!yaml_parser_initialize(&parser)) {
		config_error(errs, 0, "", "out of memory while reading YAML");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		const yaml_char_t *tag = NULL;
		int line;

		if (!yaml_parser_parse(&parser, &event)) {
			syntax_error(&parser, text, len, with_lines, errs);
			break;
		}
		line = mark_line(&event.start_mark, with_lines);
		if ((event.type == YAML_SCALAR_EVENT || event.type == YAML_SEQUENCE_START_EVENT ||
		     event.type == YAML_MAPPING_START_EVENT) &&
		    ++nodes > CONFIG_NODES_MAX) {
			config_error(errs, line, "",
			             "more than %d values; no valid config has that many",
			             CONFIG_NODES_MAX);
			done = true;
		}
		switch (event.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				config_error(errs, line, "",
				             "expected one YAML document, got a second one");
				done = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			config_error(errs, line, "",
			             "aliases (*%.32s) are not supported; write the value out",
			             (const char *)event.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
			tag = event.data.scalar.tag;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			tag = event.type == YAML_SEQUENCE_START_EVENT
			          ? event.data.sequence_start.tag
			          : event.data.mapping_start.tag;
			if (++depth > CONFIG_DEPTH_MAX) {
				config_error(errs, line, "",
				             "nested deeper than %d levels; the schema needs at "
				             "most 5",
				             CONFIG_DEPTH_MAX);
				done = true;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (tag != NULL)
			config_error(errs, line, "", "tags (%.32s) are not supported",
			             (const char *)tag);
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return errs->count != before ? -EINVAL : 0;
}

/*
 * Checks and loads text into *doc. Returns 0 (doc to be deleted by the caller) or a negative
 * errno with errors recorded (doc untouched).
 */
static int
load_document(const char *text, size_t len, bool with_lines, yaml_document_t *doc,
              struct dse_config_errors *errs)
{
	yaml_parser_t parser;
	int rc;

	if (len > CONFIG_TEXT_MAX) {
		config_error(errs, 0, "", "config text is %zu bytes; at most %u are accepted", len,
		             CONFIG_TEXT_MAX);
		return -EINVAL;
	}
	rc = check_events(text, len, with_lines, errs);
	if (rc < 0)
		return rc;
	if (!yaml_parser_initialize(&parser)) {
		config_error(errs, 0, "", "out of memory while reading YAML");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	rc = 0;
	if (!yaml_parser_load(&parser, doc)) {
		syntax_error(&parser, text, len, with_lines, errs);
		rc = -EINVAL;
	}
	yaml_parser_delete(&parser);
	return rc;
}

static void
parse_root(struct parse_ctx *ctx, const yaml_node_t *root, struct dse_config *cfg,
           struct config_source *src)
{
	static const char *const names[] = {"transport-node", "switch",      "segments",
	                                    "ports",          "static-macs", "remote",
	                                    "groups",         "firewall",    "conntrack"};
	uint32_t seen = 0;

	if (expect_mapping(ctx, root, "",
	                   "a mapping of transport-node, switch, segments, ports, static-macs, "
	                   "remote, groups, firewall, conntrack",
	                   true) <= 0)
		return;
	FOR_EACH_PAIR(root, pair)
	{
		int index = lookup_field(ctx, doc_node(ctx, pair->key), "", names, 9, &seen);
		const yaml_node_t *v = doc_node(ctx, pair->value);

		if (index < 0 || v == NULL)
			continue;
		switch (index) {
		case 0:
			parse_transport_node(ctx, v, cfg);
			break;
		case 1:
			parse_switch(ctx, v, cfg);
			break;
		case 2:
			parse_segments(ctx, v, cfg, src);
			break;
		case 3:
			parse_ports(ctx, v, cfg, src);
			break;
		case 4:
			parse_static_macs(ctx, v, cfg, src);
			break;
		case 5:
			config_overlay_parse_remote(ctx, v, &cfg->overlay);
			break;
		case 6:
			config_parse_groups(ctx, v, cfg);
			break;
		case 7:
			config_parse_firewall(ctx, v, cfg);
			break;
		case 8:
			config_parse_conntrack(ctx, v, cfg);
			break;
		}
	}
}

/* Orders the stored errors by line (stable), so a file reads top to bottom; unknown lines last. */
static void
sort_errors_by_line(struct dse_config_errors *errs)
{
	unsigned stored = errs->count < DSE_CONFIG_MAX_ERRORS ? errs->count : DSE_CONFIG_MAX_ERRORS;

	for (unsigned i = 1; i < stored; i++) {
		struct dse_config_error e = errs->e[i];
		unsigned key = e.line > 0 ? (unsigned)e.line : UINT_MAX;
		unsigned j = i;

		for (; j > 0; j--) {
			int prev_line = errs->e[j - 1].line;
			unsigned prev = prev_line > 0 ? (unsigned)prev_line : UINT_MAX;

			if (prev <= key)
				break;
			errs->e[j] = errs->e[j - 1];
		}
		errs->e[j] = e;
	}
}

int
config_parse_yaml(const char *text, size_t len, struct dse_config *cfg,
                  struct dse_config_errors *errs)
{
	struct config_source *src;
	struct parse_ctx ctx;
	yaml_document_t doc;
	yaml_node_t *root;
	int rc;

	errs->count = 0;
	config_init(cfg);
	rc = load_document(text, len, true, &doc, errs);
	if (rc < 0)
		return rc == -ENOMEM ? rc : -EINVAL;
	src = calloc(1, sizeof(*src));
	if (src == NULL) {
		yaml_document_delete(&doc);
		config_error(errs, 0, "", "out of memory");
		return -ENOMEM;
	}
	ctx = (struct parse_ctx){.doc = &doc, .errs = errs, .with_lines = true};
	root = yaml_document_get_root_node(&doc);
	if (root != NULL)
		parse_root(&ctx, root, cfg, src);
	validate_config(cfg, src, errs);
	config_validate_firewall(cfg, errs);
	sort_errors_by_line(errs);
	free(src);
	yaml_document_delete(&doc);
	return errs->count > 0 ? -EINVAL : 0;
}

int
config_parse_port_yaml(const char *text, size_t len, struct dse_port_config *port,
                       const char *field_prefix, bool with_lines, struct dse_config_errors *errs)
{
	unsigned before = errs->count;
	struct port_source src;
	struct parse_ctx ctx;
	yaml_document_t doc;
	yaml_node_t *root;
	int rc;

	config_port_init(port);
	rc = load_document(text, len, with_lines, &doc, errs);
	if (rc < 0)
		return rc == -ENOMEM ? rc : -EINVAL;
	ctx = (struct parse_ctx){.doc = &doc, .errs = errs, .with_lines = with_lines};
	root = yaml_document_get_root_node(&doc);
	if (root == NULL)
		config_error(errs, 0, field_prefix, "expected a port, got nothing");
	else
		parse_port(&ctx, root, field_prefix, port, &src);
	yaml_document_delete(&doc);
	return errs->count != before ? -EINVAL : 0;
}

/* Entry points for the parsers of the services' sections (config_parse.h). */

int
cfgp_line(const struct parse_ctx *ctx, const yaml_node_t *node)
{
	return node_line(ctx, node);
}

yaml_node_t *
cfgp_node(const struct parse_ctx *ctx, int id)
{
	return doc_node(ctx, id);
}

struct dse_config_errors *
cfgp_errors(const struct parse_ctx *ctx)
{
	return ctx->errs;
}

int
cfgp_lookup_field(struct parse_ctx *ctx, const yaml_node_t *key, const char *prefix,
                  const char *const *names, int count, uint32_t *seen)
{
	return lookup_field(ctx, key, prefix, names, count, seen);
}

int
cfgp_expect_mapping(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                    const char *expected, bool null_ok)
{
	return expect_mapping(ctx, node, field, expected, null_ok);
}

int
cfgp_expect_sequence(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                     const char *expected)
{
	return expect_sequence(ctx, node, field, expected);
}

void
cfgp_missing_field(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
                   const char *name, const char *expected)
{
	missing_field(ctx, node, prefix, name, expected);
}

int
cfgp_get_string(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, char *out,
                size_t size, const char *expected)
{
	return get_string(ctx, node, field, out, size, expected);
}

int
cfgp_get_name(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, char *out)
{
	return get_name(ctx, node, field, out);
}

int
cfgp_get_integer(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, long long min,
                 long long max, const char *expected, long long *value)
{
	return get_integer(ctx, node, field, min, max, expected, value);
}

int
cfgp_get_mac(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, uint8_t *mac)
{
	return get_mac(ctx, node, field, mac);
}

int
cfgp_get_bool(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, bool *value)
{
	return get_bool(ctx, node, field, value);
}

bool
cfgp_is_null(const yaml_node_t *node)
{
	return node_is_null(node);
}
