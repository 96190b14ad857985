/*
 * Typed values of the config reader: how a plain YAML scalar reads under the YAML 1.2 core
 * schema (`5001` is an integer, `"5001"` a string), and readers for strings, names, integers in
 * a range, booleans, MAC and IPv4 addresses, mappings and lists. Each records an error with the
 * value's line and field path and says what was expected.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "net/eth.h"
#include "config/schema.h"
#include "config/schema_reader.h"

int
config_parse_ipv4(const char *text, uint32_t *ip, uint8_t *prefix_len)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	struct in_addr in;

	if (len == 0 || len >= sizeof(addr) || (slash != NULL) != (prefix_len != NULL))
		return -EINVAL;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1)
		return -EINVAL;
	if (prefix_len != NULL) {
		const char *p = slash + 1;
		unsigned n = 0;

		if (*p == '\0' || strlen(p) > 2)
			return -EINVAL;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			n = n * 10 + (unsigned)(*p - '0');
		}
		if (n < 1 || n > 32)
			return -EINVAL;
		*prefix_len = (uint8_t)n;
	}
	*ip = ntohl(in.s_addr);
	return 0;
}

/* How a plain scalar reads under the YAML 1.2 core schema; quoted scalars are strings. */
enum scalar_type {
	SCALAR_NULL,
	SCALAR_BOOL,
	SCALAR_INT,
	SCALAR_FLOAT,
	SCALAR_STRING,
};

/* Returns true if mac is a unicast address a port may own: not group, not all-zero. */
bool
schema_mac_is_unicast(const uint8_t *mac)
{
	return net_mac_is_unicast(mac);
}

/* Writes prefix.name (or name alone if prefix is empty) into out, SCHEMA_PATH_SIZE bytes. */
void
schema_path_join(char *out, const char *prefix, const char *name)
{
	int n = prefix[0] ? snprintf(out, SCHEMA_PATH_SIZE, "%s.%s", prefix, name)
	                  : snprintf(out, SCHEMA_PATH_SIZE, "%s", name);

	if (n < 0)
		out[0] = '\0';
}

/* Writes prefix[index] into out, SCHEMA_PATH_SIZE bytes. */
void
schema_path_index(char *out, const char *prefix, size_t index)
{
	if (snprintf(out, SCHEMA_PATH_SIZE, "%s[%zu]", prefix, index) < 0)
		out[0] = '\0';
}

int
schema_node_line(const struct schema_reader *rd, const yaml_node_t *node)
{
	return schema_mark_line(&node->start_mark, rd->with_lines);
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

		while (i < len && (text[1] == 'x' ? isxdigit((unsigned char)text[i])
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
const char *
schema_node_description(const yaml_node_t *node)
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
bool
schema_is_null(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE && scalar_resolve(node) == SCALAR_NULL;
}

/*
 * Reads a string field into out (size bytes). expected says what the field takes. Returns 0, or
 * -1 with an error recorded (out is then empty).
 */
int
schema_get_string(struct schema_reader *rd, const yaml_node_t *node, const char *field, char *out,
                  size_t size, const char *expected)
{
	int line = schema_node_line(rd, node);
	const char *text;
	size_t len;

	memset(out, 0, size);
	if (node->type != YAML_SCALAR_NODE || scalar_resolve(node) != SCALAR_STRING) {
		config_error(rd->errs, line, field, "expected %s, got %s", expected,
		             schema_node_description(node));
		return -1;
	}
	text = (const char *)node->data.scalar.value;
	len = node->data.scalar.length;
	if (len == 0) {
		config_error(rd->errs, line, field, "expected %s, got an empty string", expected);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		config_error(rd->errs, line, field,
		             "expected %s, got a string with a NUL character", expected);
		return -1;
	}
	if (len >= size) {
		config_error(rd->errs, line, field, "expected %s, got %zu characters (at most %zu)",
		             expected, len, size - 1);
		return -1;
	}
	memcpy(out, text, len);
	out[len] = '\0';
	return 0;
}

const char schema_name_expected[] = "a name of 1..31 characters from A-Z a-z 0-9 _ . -";

/* Reads a port, segment or node name. Returns 0 or -1 (error recorded, out empty). */
int
schema_get_name(struct schema_reader *rd, const yaml_node_t *node, const char *field, char *out)
{
	if (schema_get_string(rd, node, field, out, DSE_NAME_MAX, schema_name_expected) < 0)
		return -1;
	if (!config_name_is_valid(out)) {
		config_error(rd->errs, schema_node_line(rd, node), field,
		             "expected %s, got \"%.40s\"", schema_name_expected, out);
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * Reads a decimal integer in min..max. expected describes the accepted values (NULL: "an integer
 * min..max"). Returns 0, or -1 with an error recorded.
 */
int
schema_get_integer(struct schema_reader *rd, const yaml_node_t *node, const char *field,
                   long long min, long long max, const char *expected, long long *value)
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
		config_error(rd->errs, schema_node_line(rd, node), field, "expected %s, got %s",
		             expected, schema_node_description(node));
		return -1;
	}
	text = (const char *)node->data.scalar.value;
	len = node->data.scalar.length;
	if (text[0] == '-' || text[0] == '+') {
		negative = text[0] == '-';
		i = 1;
	}
	if (!all_digits(text + i, len - i)) {
		config_error(rd->errs, schema_node_line(rd, node), field,
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
		config_error(rd->errs, schema_node_line(rd, node), field, "expected %s, got %.32s",
		             expected, text);
		return -1;
	}
	*value = v;
	return 0;
}

/* Reads true or false. Returns 0 or -1 (error recorded). */
int
schema_get_bool(struct schema_reader *rd, const yaml_node_t *node, const char *field, bool *value)
{
	if (node->type != YAML_SCALAR_NODE || scalar_resolve(node) != SCALAR_BOOL) {
		config_error(rd->errs, schema_node_line(rd, node), field,
		             "expected true or false, got %s", schema_node_description(node));
		return -1;
	}
	*value = node->data.scalar.value[0] == 't' || node->data.scalar.value[0] == 'T';
	return 0;
}

/* Reads a unicast MAC address. Returns 0 or -1 (error recorded, mac untouched). */
int
schema_get_mac(struct schema_reader *rd, const yaml_node_t *node, const char *field, uint8_t *mac)
{
	static const char expected[] = "a unicast MAC address such as 02:00:00:00:00:01";
	char text[32];
	uint8_t parsed[6];

	if (schema_get_string(rd, node, field, text, sizeof(text), expected) < 0)
		return -1;
	if (net_mac_parse(text, parsed) < 0 || !schema_mac_is_unicast(parsed)) {
		config_error(rd->errs, schema_node_line(rd, node), field, "expected %s, got \"%s\"",
		             expected, text);
		return -1;
	}
	memcpy(mac, parsed, sizeof(parsed));
	return 0;
}

/*
 * Looks up the key of one mapping pair among fields[0..count). Records an error for a key that is
 * not a string, unknown or repeated (seen has one bit per name). Returns the index, or -1.
 */
int
schema_lookup_field(struct schema_reader *rd, const yaml_node_t *key, const char *prefix,
                    const struct schema_field *fields, unsigned count, uint32_t *seen)
{
	char field[SCHEMA_PATH_SIZE], list[160];
	const char *text;
	size_t len, used = 0;

	if (key == NULL)
		return -1;
	if (key->type != YAML_SCALAR_NODE) {
		config_error(rd->errs, schema_node_line(rd, key), prefix,
		             "expected a field name, got %s", schema_node_description(key));
		return -1;
	}
	text = (const char *)key->data.scalar.value;
	len = key->data.scalar.length;
	for (unsigned i = 0; i < count; i++) {
		if (!text_is(text, len, fields[i].name))
			continue;
		schema_path_join(field, prefix, fields[i].name);
		if (*seen & (1u << i)) {
			config_error(rd->errs, schema_node_line(rd, key), field,
			             "field \"%s\" is given twice", fields[i].name);
			return -1;
		}
		*seen |= 1u << i;
		return (int)i;
	}
	list[0] = '\0';
	for (unsigned i = 0; i < count; i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                 fields[i].name);

		if (n < 0 || (size_t)n >= sizeof(list) - used)
			break;
		used += (size_t)n;
	}
	snprintf(field, sizeof(field), "%s%s%.*s", prefix, prefix[0] ? "." : "",
	         (int)(len < 40 ? len : 40), text);
	config_error(rd->errs, schema_node_line(rd, key), field,
	             "unknown field \"%.*s\"; expected one of %s", (int)(len < 32 ? len : 32), text,
	             list);
	return -1;
}

/* Returns the node of a document by id, or NULL. */
yaml_node_t *
schema_node(const struct schema_reader *rd, int id)
{
	/* libyaml's getter takes a mutable document but only reads it. */
	return yaml_document_get_node((yaml_document_t *)&rd->doc, id);
}

/* Checks that node is of type (an empty value counts as an empty one when null_ok). Returns 1
 * if it has items to read, 0 if empty, -1 with an error recorded. */
static int
expect_node(struct schema_reader *rd, const yaml_node_t *node, const char *field,
            const char *expected, bool null_ok, yaml_node_type_t type)
{
	if (null_ok && schema_is_null(node))
		return 0;
	if (node->type != type) {
		config_error(rd->errs, schema_node_line(rd, node), field, "expected %s, got %s",
		             expected, schema_node_description(node));
		return -1;
	}
	return 1;
}

int
schema_expect_mapping(struct schema_reader *rd, const yaml_node_t *node, const char *field,
                      const char *expected, bool null_ok)
{
	return expect_node(rd, node, field, expected, null_ok, YAML_MAPPING_NODE);
}

int
schema_expect_sequence(struct schema_reader *rd, const yaml_node_t *node, const char *field,
                       const char *expected)
{
	return expect_node(rd, node, field, expected, true, YAML_SEQUENCE_NODE);
}

/* Records that the mapping at node lacks a required field. */
void
schema_missing_field(struct schema_reader *rd, const yaml_node_t *node, const char *prefix,
                     const char *name, const char *expected)
{
	char field[SCHEMA_PATH_SIZE];

	schema_path_join(field, prefix, name);
	config_error(rd->errs, schema_node_line(rd, node), field,
	             "missing field \"%s\"; expected %s", name, expected);
}

#define FOR_EACH_PAIR(node, pair)                                                                  \
	for (yaml_node_pair_t *pair = (node)->data.mapping.pairs.start;                            \
	     pair < (node)->data.mapping.pairs.top; pair++)

bool
schema_is_plain(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE &&
	       (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
	        node->data.scalar.style == YAML_ANY_SCALAR_STYLE);
}

/* A unicast address a TEP or workload can have: not 0/8, loopback, multicast, or broadcast. */
static bool
ipv4_is_unicast(uint32_t ip)
{
	uint8_t first = (uint8_t)(ip >> 24);

	return first != 0 && first != 127 && first < 224;
}

int
schema_get_ipv4(struct schema_reader *rd, const yaml_node_t *node, const char *path, uint32_t *ip,
                uint8_t *prefix_len)
{
	const char *expected = prefix_len ? "an IPv4 address with its prefix length such as "
	                                    "198.19.0.1/24"
	                                  : "an IPv4 address such as 198.19.0.1";
	char text[32];
	uint32_t value;

	if (schema_get_string(rd, node, path, text, sizeof(text), expected) < 0)
		return -1;
	if (config_parse_ipv4(text, &value, prefix_len) < 0 || !ipv4_is_unicast(value)) {
		config_error(rd->errs, schema_node_line(rd, node), path,
		             "expected %s (unicast), got \"%s\"", expected, text);
		return -1;
	}
	*ip = value;
	return 0;
}
