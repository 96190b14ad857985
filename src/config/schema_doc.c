/*
 * The schema's documentation writer: the field tables of docs/config.md (name, type, default,
 * range, an example and what the field is for), generated from the same tables that read and
 * write configs, so the docs cannot drift from the code. Each table sits between
 * "<!-- schema: PATH -->" and "<!-- end schema -->" markers; the config-doc tool rewrites them
 * (`ninja -C build config-doc`) and a unit test fails when they differ from what this writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/schema.h"

static const char *
type_text(const struct schema_field *f)
{
	if (f->doc_type != NULL)
		return f->doc_type;
	switch (f->type) {
	case SCHEMA_STRING:
	case SCHEMA_CUSTOM:
		return "string";
	case SCHEMA_NAME:
		return "name";
	case SCHEMA_UINT:
		return "integer";
	case SCHEMA_BOOL:
		return "boolean";
	case SCHEMA_ENUM:
		return "keyword";
	case SCHEMA_MAC:
		return "MAC address";
	case SCHEMA_IPV4:
		return "IPv4";
	case SCHEMA_IPV4_PREFIX:
		return "IPv4/prefix";
	case SCHEMA_LIST:
	case SCHEMA_POOL:
		return "list";
	case SCHEMA_MAP:
		return "mapping";
	}
	return "";
}

static void
write_default(FILE *out, const struct schema_field *f)
{
	if (f->flags & SCHEMA_REQUIRED)
		fputs("required", out);
	else if (f->doc_default != NULL)
		fputs(f->doc_default, out);
	else if ((f->type == SCHEMA_STRING || f->type == SCHEMA_NAME) && f->def_text != NULL)
		fprintf(out, "`%s`", f->def_text);
	else if (f->type == SCHEMA_UINT)
		fprintf(out, "`%lld`", f->def);
	else if (f->type == SCHEMA_BOOL)
		fprintf(out, "`%s`", f->def ? "true" : "false");
	else if (f->type == SCHEMA_ENUM && f->def >= 0 && f->def < (long long)f->nb_names)
		fprintf(out, "`%s`", f->names[f->def]);
	else if (f->type == SCHEMA_LIST || f->type == SCHEMA_POOL)
		fputs("empty", out);
	else if (f->type == SCHEMA_MAP)
		fputs("defaults", out);
	else
		fputs("none", out);
}

static void
write_range(FILE *out, const struct schema_field *f)
{
	if (f->doc_range != NULL) {
		fputs(f->doc_range, out);
		return;
	}
	switch (f->type) {
	case SCHEMA_UINT:
		fprintf(out, "%lld..%lld", f->min, f->max);
		break;
	case SCHEMA_NAME:
		fputs("1..31 name characters", out);
		break;
	case SCHEMA_STRING:
		fprintf(out, "shorter than %zu bytes", f->size);
		break;
	case SCHEMA_BOOL:
		fputs("`true`, `false`", out);
		break;
	case SCHEMA_ENUM:
		for (unsigned i = 0; i < f->nb_names; i++)
			fprintf(out, "%s`%s`", i ? ", " : "", f->names[i]);
		break;
	case SCHEMA_MAC:
	case SCHEMA_IPV4:
	case SCHEMA_IPV4_PREFIX:
		fputs("unicast", out);
		break;
	case SCHEMA_LIST:
	case SCHEMA_POOL:
		fprintf(out, "at most %lld entries", f->max);
		break;
	default:
		break;
	}
}

/* Writes the table of t at path, then the tables of its nested mappings and lists. */
static void
write_table(FILE *out, const char *path, const struct schema_table *t)
{
	fprintf(out, "<!-- schema: %s -->\n", path);
	fputs("| field | type | default | range | example | what it is |\n", out);
	fputs("|---|---|---|---|---|---|\n", out);
	for (unsigned i = 0; i < t->nb_fields; i++) {
		const struct schema_field *f = &t->fields[i];

		fprintf(out, "| `%s` | %s | ", f->name, type_text(f));
		write_default(out, f);
		fputs(" | ", out);
		write_range(out, f);
		fputs(" | ", out);
		if (f->doc_example != NULL)
			fprintf(out, "`%s: %s`", f->name, f->doc_example);
		fprintf(out, " | %s |\n", f->doc != NULL ? f->doc : "");
	}
	fputs("<!-- end schema -->\n", out);
	for (unsigned i = 0; i < t->nb_fields; i++) {
		const struct schema_field *f = &t->fields[i];
		char sub[160];

		if (f->sub == NULL)
			continue;
		snprintf(sub, sizeof(sub), "%s.%s", path, f->name);
		write_table(out, sub, f->sub);
	}
}

void
schema_doc_section(FILE *out, const struct config_section *section)
{
	if (section->field->sub != NULL)
		write_table(out, section->name, section->field->sub);
}

void
schema_doc_all(FILE *out)
{
	for (unsigned i = 0; i < config_nb_sections; i++)
		schema_doc_section(out, config_sections[i]);
}

static const char begin_marker[] = "<!-- schema: ";
static const char end_marker[] = "<!-- end schema -->\n";

/* The block named name..name+len in text (marker to end marker, inclusive), or NULL. */
static const char *
find_block(const char *text, const char *name, size_t name_len, size_t *block_len)
{
	for (const char *p = strstr(text, begin_marker); p != NULL;
	     p = strstr(p + 1, begin_marker)) {
		const char *n = p + strlen(begin_marker), *end;

		if (strncmp(n, name, name_len) != 0 || strncmp(n + name_len, " -->\n", 5) != 0)
			continue;
		end = strstr(n, end_marker);
		if (end == NULL)
			return NULL;
		*block_len = (size_t)(end + strlen(end_marker) - p);
		return p;
	}
	return NULL;
}

int
schema_doc_update(const char *doc, char **out, char *problem, size_t problem_size)
{
	char *generated = NULL, *result = NULL;
	size_t generated_size = 0, result_size = 0, used = 0, blocks = 0;
	FILE *gen = open_memstream(&generated, &generated_size), *res;
	const char *p = doc;
	int rc = 0;

	if (gen == NULL)
		return -ENOMEM;
	schema_doc_all(gen);
	fclose(gen);
	res = open_memstream(&result, &result_size);
	if (res == NULL) {
		free(generated);
		return -ENOMEM;
	}
	for (const char *b = strstr(p, begin_marker); b != NULL; b = strstr(p, begin_marker)) {
		const char *name = b + strlen(begin_marker), *name_end = strstr(name, " -->");
		const char *doc_end = strstr(b, end_marker), *block;
		size_t block_len;

		if (name_end == NULL || doc_end == NULL) {
			snprintf(problem, problem_size, "unterminated schema block");
			rc = -EINVAL;
			break;
		}
		block = find_block(generated, name, (size_t)(name_end - name), &block_len);
		if (block == NULL) {
			snprintf(problem, problem_size, "block %.*s is not a table of the schema",
			         (int)(name_end - name), name);
			rc = -EINVAL;
			break;
		}
		fwrite(p, 1, (size_t)(b - p), res);
		fwrite(block, 1, block_len, res);
		p = doc_end + strlen(end_marker);
		blocks++;
	}
	fputs(p, res);
	fclose(res);
	for (const char *b = strstr(generated, begin_marker); rc == 0 && b != NULL;
	     b = strstr(b + 1, begin_marker), used++) {
		const char *name = b + strlen(begin_marker), *name_end = strstr(name, " -->");
		size_t block_len;

		if (find_block(doc, name, (size_t)(name_end - name), &block_len) == NULL) {
			snprintf(problem, problem_size, "the doc has no block %.*s",
			         (int)(name_end - name), name);
			rc = -EINVAL;
		}
	}
	(void)blocks;
	free(generated);
	if (rc != 0) {
		free(result);
		return rc;
	}
	*out = result;
	return 0;
}
