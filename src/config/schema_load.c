/*
 * Loading a config text for the schema reader: the text is bounded (size, nesting, number of
 * values) and scanned as events first, so aliases, tags and several documents are refused
 * before libyaml builds the document (a small text must not cost much time or memory). Syntax
 * errors are recorded with their line, like every other config error.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "config/schema.h"
#include "config/schema_reader.h"

#define CONFIG_TEXT_MAX  (4u << 20) /* largest config text accepted, bytes */
#define CONFIG_DEPTH_MAX 16         /* deepest nesting of mappings and sequences accepted */
#define CONFIG_NODES_MAX 200000     /* values in one text; the largest valid config has ~50000 */

int
schema_mark_line(const yaml_mark_t *mark, bool with_lines)
{
	if (!with_lines)
		return 0;
	return mark->line < (size_t)INT_MAX ? (int)mark->line + 1 : INT_MAX;
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
	config_error(errs, schema_mark_line(&mark, with_lines), "", "invalid YAML: %.100s%s%.40s",
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
		line = schema_mark_line(&event.start_mark, with_lines);
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

int
schema_load(struct schema_reader *rd, const char *text, size_t len)
{
	yaml_parser_t parser;
	int rc;

	if (len > CONFIG_TEXT_MAX) {
		config_error(rd->errs, 0, "", "config text is %zu bytes; at most %u are accepted",
		             len, CONFIG_TEXT_MAX);
		return -EINVAL;
	}
	rc = check_events(text, len, rd->with_lines, rd->errs);
	if (rc < 0)
		return rc;
	if (!yaml_parser_initialize(&parser)) {
		config_error(rd->errs, 0, "", "out of memory while reading YAML");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	rc = 0;
	if (!yaml_parser_load(&parser, &rd->doc)) {
		syntax_error(&parser, text, len, rd->with_lines, rd->errs);
		rc = -EINVAL;
	} else {
		rd->loaded = true;
	}
	yaml_parser_delete(&parser);
	return rc;
}
