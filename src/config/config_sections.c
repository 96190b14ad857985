/*
 * The list of config sections, in the order config.get writes them: the core sections
 * (transport-node, segments, ports) with each service's sections merged in from its part
 * (config_parts, generated from the service list). A service's section goes after the section
 * it names (.after), or to the end; a service's field of a core section (.parent, e.g.
 * transport-node.tep, or segments[].flood-teps in each item of the list) is appended to that
 * section's table, so no list here names a service.
 */
#include <stdio.h>
#include <string.h>

#include "config/config_sections.h"
#include "config/schema.h"

#define MAX_SECTIONS 32
#define MAX_MERGED   4  /* core sections a service adds fields to */
#define MAX_FIELDS   32 /* fields of a merged table */

static const struct config_section *const core_sections[] = {
    &config_section_transport_node, &config_section_segments, &config_section_ports};

const struct config_section *config_sections[MAX_SECTIONS];
unsigned config_nb_sections;

/* Core sections that services added fields to: copies of the section, its field, its table. */
static struct merged {
	struct config_section section;
	struct schema_field field;
	struct schema_table table;
	struct schema_field fields[MAX_FIELDS];
	char expected[200];
} merged[MAX_MERGED];
static unsigned nb_merged;

static int
find_section(const char *name)
{
	for (unsigned i = 0; i < config_nb_sections; i++)
		if (strcmp(config_sections[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* Adds field to the table of the section at index at (a mapping, or the items of a list),
 * copying it the first time. */
static void
add_to_parent(unsigned at, const struct schema_field *field)
{
	const struct config_section *parent = config_sections[at];
	struct merged *m = NULL;

	for (unsigned i = 0; i < nb_merged; i++)
		if (parent == &merged[i].section)
			m = &merged[i];
	if (m == NULL) {
		if (nb_merged == MAX_MERGED || parent->field->sub == NULL)
			return;
		m = &merged[nb_merged++];
		m->section = *parent;
		m->field = *parent->field;
		m->table = *parent->field->sub;
		memcpy(m->fields, m->table.fields, m->table.nb_fields * sizeof(m->fields[0]));
		m->table.fields = m->fields;
		m->field.sub = &m->table;
		m->section.field = &m->field;
		config_sections[at] = &m->section;
	}
	if (m->table.nb_fields == MAX_FIELDS)
		return;
	m->fields[m->table.nb_fields++] = *field;
	/* "a mapping of" and every field, as the core tables write it. */
	size_t used = (size_t)snprintf(m->expected, sizeof(m->expected), "a mapping of");
	for (unsigned i = 0; i < m->table.nb_fields && used < sizeof(m->expected); i++)
		used += (size_t)snprintf(m->expected + used, sizeof(m->expected) - used, "%s %s",
		                         i ? "," : "", m->fields[i].name);
	m->table.expected = m->expected;
}

static void
insert_after(const struct config_section *section)
{
	int after = section->after != NULL ? find_section(section->after) : -1;
	unsigned at = after < 0 ? config_nb_sections : (unsigned)after + 1;

	if (config_nb_sections == MAX_SECTIONS)
		return;
	memmove(&config_sections[at + 1], &config_sections[at],
	        (config_nb_sections - at) * sizeof(config_sections[0]));
	config_sections[at] = section;
	config_nb_sections++;
}

/* Assembled once, before main() and before any config is read. */
__attribute__((constructor)) static void
assemble(void)
{
	for (unsigned i = 0; i < sizeof(core_sections) / sizeof(core_sections[0]); i++)
		config_sections[config_nb_sections++] = core_sections[i];
	for (unsigned p = 0; p < config_nb_parts; p++)
		for (unsigned i = 0; i < config_parts[p]->nb_sections; i++) {
			const struct config_section *s = config_parts[p]->sections[i];
			int parent = s->parent != NULL ? find_section(s->parent) : -1;

			if (s->parent != NULL) {
				if (parent >= 0)
					add_to_parent((unsigned)parent, s->field);
				continue;
			}
			insert_after(s);
		}
}
