/*
 * The schema's documentation writer: the field tables of docs/config.md (name, type, default,
 * range, an example and what the field is for), generated from the same tables that read and
 * write configs, so the docs cannot drift from the code. Each table sits between
 * "<!-- schema: PATH -->" and "<!-- end schema -->" markers; tools/config_doc rewrites them and
 * a unit test fails when they differ from what this writes.
 */
#include <stdio.h>
#include <string.h>

#include "mgmt/schema.h"

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
