/*
 * The config model's core sections and entry points: the field tables of transport-node and
 * segments, the checks across them (unique names and VNIs, references that resolve), and
 * config_parse_yaml(), which reads a text with every section's table (schema_yaml.c) and then runs
 * every section's checks. Every problem is collected with its 1-based line and field path, so a
 * user fixes a file in one pass.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_sections.h"
#include "config/schema.h"

#define FIELD_SIZE sizeof(((struct dse_config_error *)0)->field)

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

/*
 * Returns the index of the first of count items (an array of stride-byte structs, read up to
 * max of them) whose name, at name_offset in the struct, is name; or -1 (always for an empty
 * name).
 */
static int
config_find_name(const void *items, size_t stride, size_t name_offset, int count, int max,
                 const char *name)
{
	if (name[0] == '\0')
		return -1;
	for (int i = 0; i < count && i < max; i++)
		if (strncmp((const char *)items + (size_t)i * stride + name_offset, name,
		            DSE_NAME_MAX) == 0)
			return i;
	return -1;
}

int
config_find_segment(const struct dse_config *cfg, const char *name)
{
	return config_find_name(cfg->segments, sizeof(cfg->segments[0]),
	                        offsetof(struct dse_segment_config, name), cfg->nb_segments,
	                        DSE_MAX_SEGMENTS, name);
}

int
config_find_port(const struct dse_config *cfg, const char *name)
{
	return config_find_name(cfg->ports, sizeof(cfg->ports[0]),
	                        offsetof(struct dse_port_config, name), cfg->nb_ports,
	                        DSE_MAX_PORTS, name);
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

/* transport-node: the engine's own settings; its fields live at the top of struct dse_config. */
/* clang-format off */
static const struct schema_field transport_node_fields[] = {
    {.name = "name", .type = SCHEMA_NAME, SCHEMA_AT(struct dse_config, node_name),
     .def_text = "dse", .doc_example = "host1",
     .doc = "identifies the engine in the API (`engine.info`)"},
    {.name = "workers", .type = SCHEMA_UINT, SCHEMA_AT(struct dse_config, nb_workers), .min = 1,
     .max = DSE_MAX_WORKERS, .def = 1, .doc_example = "2",
     .doc = "worker lcores; fixed while `dsed` runs"},
    {.name = "idle-sleep-us", .type = SCHEMA_UINT, SCHEMA_AT(struct dse_config, idle_sleep_us),
     .min = 0, .max = 100000, .doc_example = "50",
     .doc = "microseconds an idle worker sleeps before its next round (0: pure polling)"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table transport_node_table = {SCHEMA_FIELDS(transport_node_fields),
    .expected = "a mapping of name, workers, idle-sleep-us",
    .size = sizeof(struct dse_config)};
/* clang-format on */

/* clang-format off */
static const struct schema_field transport_node_field = {.name = "transport-node",
    .type = SCHEMA_MAP, .flags = SCHEMA_NULL_OK, .sub = &transport_node_table,
    .doc = "settings of this engine"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_transport_node = {.name = "transport-node",
    .field = &transport_node_field, .doc_title = "transport-node"};
/* clang-format on */

/* clang-format off */
static const struct schema_field segment_fields[] = {
    {.name = "name", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED,
     SCHEMA_AT(struct dse_segment_config, name), .missing = "a segment name",
     .doc_range = "1..31 name characters, unique", .doc_example = "web",
     .doc = "the segment's name"},
    {.name = "vni", .type = SCHEMA_UINT, .flags = SCHEMA_OMIT_EMPTY,
     SCHEMA_AT(struct dse_segment_config, vni), .min = 1, .max = 16777215, .doc_default = "none",
     .doc_range = "1..16777215, unique among segments", .doc_example = "5001",
     .doc = "virtual network id that carries the segment between hosts"},
};
/* clang-format on */

/* clang-format off */
static const struct schema_table segment_table = {SCHEMA_FIELDS(segment_fields),
    .expected = "a mapping of name, vni", .size = sizeof(struct dse_segment_config),
    SCHEMA_LINE(struct dse_segment_config, line)};
/* clang-format on */

void
config_check_unique_names(struct dse_config_errors *errs, const struct schema_reader *rd,
                          const char *what, const char *list, const void *items, size_t size,
                          unsigned count, size_t name, size_t line)
{
	char field[FIELD_SIZE];

	for (unsigned i = 0; i < count; i++) {
		const char *item = (const char *)items + i * size, *n = item + name;

		for (unsigned j = 0; n[0] != '\0' && j < i; j++) {
			const char *other = (const char *)items + j * size;

			if (strcmp(other + name, n) != 0)
				continue;
			snprintf(field, sizeof(field), "%s[%u].name", list, i);
			config_error(errs,
			             rd ? schema_line(rd, field) : *(const int *)(item + line),
			             field, "duplicate %s name \"%s\" (first at line %d)", what, n,
			             *(const int *)(other + line));
			break;
		}
	}
}

static void
check_segments(const struct dse_config *cfg, const struct schema_reader *rd,
               struct dse_config_errors *errs)
{
	char field[FIELD_SIZE];

	config_check_unique_names(errs, rd, "segment", "segments", cfg->segments,
	                          sizeof(cfg->segments[0]), cfg->nb_segments,
	                          offsetof(struct dse_segment_config, name),
	                          offsetof(struct dse_segment_config, line));
	for (uint16_t i = 0; i < cfg->nb_segments; i++) {
		const struct dse_segment_config *segment = &cfg->segments[i];

		for (uint16_t j = 0; segment->vni != 0 && j < i; j++)
			if (cfg->segments[j].vni == segment->vni) {
				snprintf(field, sizeof(field), "segments[%u].vni", i);
				config_error(errs, schema_line(rd, field), field,
				             "duplicate vni %u: already used by segment \"%s\"",
				             segment->vni, cfg->segments[j].name);
				break;
			}
	}
}

/* clang-format off */
static const struct schema_field segments_field = {.name = "segments", .type = SCHEMA_LIST,
    .offset = offsetof(struct dse_config, segments), .size = sizeof(struct dse_segment_config),
    .aux = offsetof(struct dse_config, nb_segments), .count_sz = 2, .max = DSE_MAX_SEGMENTS,
    .sub = &segment_table, .expected = "a list of segments",
    .too_many = "too many segments; at most %d", .doc = "broadcast domains"};
/* clang-format on */

/* clang-format off */
const struct config_section config_section_segments = {.name = "segments", .field = &segments_field,
    .doc_title = "segments", .check = check_segments};
/* clang-format on */

void
config_errors_sort(struct dse_config_errors *errs)
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
	struct schema_reader *rd;

	errs->count = 0;
	config_free(cfg);
	if (config_init(cfg) < 0) {
		config_error(errs, 0, "", "out of memory");
		return -ENOMEM;
	}
	rd = schema_read_config(text, len, cfg, errs);
	if (rd == NULL) {
		/* Left empty but whole: the services' parts stay for their accessors. */
		config_free(cfg);
		config_init(cfg);
		return errs->count > 0 && strstr(errs->e[0].message, "out of memory") ? -ENOMEM
		                                                                      : -EINVAL;
	}
	for (unsigned i = 0; i < config_nb_sections; i++)
		if (config_sections[i]->check != NULL)
			config_sections[i]->check(cfg, rd, errs);
	/* A service's field of a core section is checked by its own section's check. */
	for (unsigned p = 0; p < config_nb_parts; p++)
		for (unsigned i = 0; i < config_parts[p]->nb_sections; i++)
			if (config_parts[p]->sections[i]->parent != NULL &&
			    config_parts[p]->sections[i]->check != NULL)
				config_parts[p]->sections[i]->check(cfg, rd, errs);
	config_errors_sort(errs);
	schema_reader_free(rd);
	return errs->count > 0 ? -EINVAL : 0;
}

int
config_parse_port_yaml(const char *text, size_t len, struct dse_port_config *port,
                       const char *field_prefix, bool with_lines, struct dse_config_errors *errs)
{
	unsigned before = errs->count;
	struct schema_reader *rd;

	config_port_init(port);
	rd = schema_read_item(text, len, &config_port_table, port, field_prefix, with_lines, errs);
	schema_reader_free(rd);
	return errs->count != before ? -EINVAL : 0;
}
