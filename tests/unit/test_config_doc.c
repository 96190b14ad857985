/*
 * Unit tests for the config schema's outputs: the field tables of docs/config.md are exactly
 * what the schema writes (the test fails when a field, default, range or doc line changes in
 * the code but not in the doc, or the other way round), and config.get's JSON of a config that
 * uses every section reads back and writes again to the same text.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "firewall/fw_config.h"
#include "switch/switch_config.h"
#include "config/config_json.h"
#include "config/schema.h"

static const char *doc_path;

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	text[size] = '\0';
	fclose(f);
	return text;
}

/* docs/config.md holds the tables the schema writes, every one of them. */
static void
test_doc_matches_schema(void **state)
{
	char problem[160] = "", *doc = read_all(doc_path), *updated = NULL;

	(void)state;
	assert_int_equal(schema_doc_update(doc, &updated, problem, sizeof(problem)), 0);
	if (strcmp(doc, updated) != 0)
		print_message("docs/config.md differs from the schema: run ninja -C build "
		              "config-doc\n");
	assert_string_equal(doc, updated);
	free(updated);
	free(doc);
}

/* A changed row, a table the schema lacks and a missing table are all found. */
static void
test_doc_check_fails_on_drift(void **state)
{
	char problem[160], *doc = read_all(doc_path), *updated = NULL;
	char *row = strstr(doc, "| `mtu` | integer | `1500` |");
	char *block;

	(void)state;
	assert_non_null(row);
	row[18] = '9'; /* `1500` -> `9500` */
	assert_int_equal(schema_doc_update(doc, &updated, problem, sizeof(problem)), 0);
	assert_string_not_equal(doc, updated);
	assert_non_null(strstr(updated, "| `mtu` | integer | `1500` |"));
	free(updated);

	block = strstr(doc, "<!-- schema: switch -->");
	assert_non_null(block);
	memcpy(block + strlen("<!-- schema: "), "swatch", 6);
	assert_int_equal(schema_doc_update(doc, &updated, problem, sizeof(problem)), -EINVAL);
	assert_non_null(strstr(problem, "swatch"));
	free(doc);

	assert_int_equal(schema_doc_update("no tables\n", &updated, problem, sizeof(problem)),
	                 -EINVAL);
	assert_non_null(strstr(problem, "transport-node"));
}

/* JSON -> config -> JSON gives the same text, for a config with every section. */
static void
test_json_text_round_trip(void **state)
{
	static const char yaml[] =
	    "transport-node:\n"
	    "  name: h1\n"
	    "  workers: 2\n"
	    "  tep: {address: 198.19.0.1/24, uplink: up, next-hop: 198.19.0.254,\n"
	    "        next-hop-mac: 02:00:00:00:00:fe, encapsulation: vxlan}\n"
	    "switch: {mac-aging: 0}\n"
	    "segments:\n"
	    "  - {name: web, vni: 5001, flood-teps: [198.19.0.2]}\n"
	    "  - {name: db}\n"
	    "ports:\n"
	    "  - {name: up, kind: af_packet, iface: eth9}\n"
	    "  - {name: vm1, kind: tap, segment: web, mac: 02:00:00:00:00:01,\n"
	    "     vlans: [{vlan: 7, segment: db}]}\n"
	    "  - {name: c, kind: pcap, path: /tmp/in.pcap, segment: db}\n"
	    "static-macs:\n"
	    "  - {segment: web, mac: 02:00:00:00:00:0b, port: vm1}\n"
	    "remote:\n"
	    "  - {segment: web, mac: 02:00:00:00:00:09, ip: 198.18.1.9, tep: 198.19.0.3}\n"
	    "groups:\n"
	    "  - {name: g, members: [198.18.5.0/24, \"2001:db8::/64\", vm1]}\n"
	    "firewall:\n"
	    "  default: drop\n"
	    "  log-file: /tmp/fw.json\n"
	    "  sections:\n"
	    "    - name: s\n"
	    "      applied-to: [vm1, db]\n"
	    "      default: reject\n"
	    "      rules:\n"
	    "        - {id: 1, src: g, dst: any, action: allow, log: true,\n"
	    "           service: {protocol: tcp, ports: \"80,1000-2000\"}}\n"
	    "        - {id: 2, action: drop, direction: out, service: {protocol: icmp,\n"
	    "           icmp-type: 8, icmp-code: 0}}\n"
	    "        - {id: 3, dst: 198.18.0.0/15, action: allow, service: {protocol: 47}}\n"
	    "    - {name: t, applied-to: all}\n"
	    "conntrack: {max-connections: 4096, timeouts: {udp: 5}}\n";
	struct dse_config_errors errs;
	struct dse_config *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	json_t *ja, *jb;
	char *ta, *tb;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(config_parse_yaml(yaml, strlen(yaml), a, &errs), 0);
	ja = config_to_json(a);
	ta = json_dumps(ja, JSON_INDENT(2));
	assert_non_null(ta);
	assert_int_equal(config_parse_yaml(ta, strlen(ta), b, &errs), 0);
	jb = config_to_json(b);
	tb = json_dumps(jb, JSON_INDENT(2));
	assert_non_null(tb);
	assert_string_equal(ta, tb);
	/* What the JSON holds, in config.get's order and form. */
	assert_non_null(strstr(ta, "\"ports\": \"80,1000-2000\""));
	assert_non_null(strstr(ta, "\"default\": \"reject\""));
	assert_string_equal(
	    json_string_value(json_array_get(
	        json_object_get(
	            json_array_get(json_object_get(json_object_get(ja, "firewall"), "sections"), 1),
	            "applied-to"),
	        0)),
	    "all");
	assert_non_null(strstr(ta, "\"protocol\": 47"));
	assert_non_null(strstr(ta, "\"address\": \"198.19.0.1/24\""));
	assert_null(strstr(ta, "\"vni\": 0"));
	assert_true(strstr(ta, "\"groups\"") < strstr(ta, "\"conntrack\""));
	assert_true(strstr(ta, "\"firewall\"") < strstr(ta, "\"remote\""));
	/* A copy is deep: freeing one leaves the other whole. */
	config_free(b);
	assert_int_equal(config_copy(b, a), 0);
	config_free(a);
	assert_int_equal(fw_config(b)->nb_rules, 3);
	assert_int_equal(fw_config(b)->rules[2].protocol, 47);
	assert_string_equal(b->ports[1].name, "vm1");
	free(ta);
	free(tb);
	json_decref(ja);
	json_decref(jb);
	config_free(b);
	free(a);
	free(b);
}

/* A config made from another by replacing one list gets a copy of that list only. */
static void
test_assign_copies_changed_lists(void **state)
{
	static const char yaml[] =
	    "segments: [{name: web}]\n"
	    "ports: [{name: a, kind: null, segment: web}]\n"
	    "static-macs: [{segment: web, mac: 02:00:00:00:00:01, port: a}]\n";
	struct dse_config_errors errs;
	struct dse_config *running = calloc(1, sizeof(*running)), next;
	struct dse_segment_config *segments;

	(void)state;
	assert_non_null(running);
	assert_int_equal(config_parse_yaml(yaml, strlen(yaml), running, &errs), 0);
	segments = running->segments;
	next = *running;
	next.ports = calloc(2, sizeof(next.ports[0]));
	assert_non_null(next.ports);
	next.ports[0] = running->ports[0];
	config_port_init(&next.ports[1]);
	snprintf(next.ports[1].name, sizeof(next.ports[1].name), "b");
	next.nb_ports = 2;
	assert_int_equal(config_assign(running, &next), 0);
	assert_ptr_equal(running->segments, segments); /* kept, not copied */
	assert_ptr_not_equal(running->ports, next.ports);
	assert_int_equal(running->nb_ports, 2);
	assert_string_equal(running->ports[1].name, "b");
	free(next.ports);
	config_free(running);
	free(running);
}

/* The services' sections join the core ones where config.get has always written them, and the
 * overlay's fields are the last of the core tables they join. */
static void
test_section_order(void **state)
{
	static const char *const expected[] = {
	    "transport-node", "switch",    "segments", "ports",  "static-macs",
	    "groups",         "conntrack", "firewall", "remote",
	};
	const struct schema_table *tn, *seg;

	(void)state;
	assert_int_equal(config_nb_sections, 9);
	for (unsigned i = 0; i < 9; i++)
		assert_string_equal(config_sections[i]->name, expected[i]);
	tn = config_sections[0]->field->sub;
	assert_int_equal(tn->nb_fields, 4);
	assert_string_equal(tn->fields[3].name, "tep");
	assert_string_equal(tn->expected, "a mapping of name, workers, idle-sleep-us, tep");
	/* segments[].flood-teps is the overlay's field of the core segment items. */
	seg = config_sections[2]->field->sub;
	assert_int_equal(seg->nb_fields, 3);
	assert_string_equal(seg->fields[2].name, "flood-teps");
	assert_string_equal(seg->expected, "a mapping of name, vni, flood-teps");
}

/* A copy owns its services' parts and their lists; a change in a part makes it differ. */
static void
test_copy_owns_parts(void **state)
{
	static const char yaml[] =
	    "switch: {mac-aging: 600}\n"
	    "segments: [{name: web}]\n"
	    "ports: [{name: a, kind: null, segment: web}]\n"
	    "firewall:\n"
	    "  sections: [{name: s, applied-to: [a], rules: [{id: 1, action: drop}]}]\n";
	struct dse_config_errors errs;
	struct dse_config *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(config_parse_yaml(yaml, strlen(yaml), a, &errs), 0);
	assert_int_equal(config_copy(b, a), 0);
	for (unsigned i = 0; i < config_nb_parts; i++) {
		assert_non_null(b->part[i]);
		assert_ptr_not_equal(a->part[i], b->part[i]);
	}
	assert_ptr_not_equal(fw_config(a)->rules, fw_config(b)->rules);
	assert_int_equal(fw_config(b)->nb_rules, 1);
	assert_int_equal(switch_config(b)->mac_aging_s, 600);
	assert_true(config_equal(a, b));
	switch_config(b)->mac_aging_s = 0;
	assert_false(config_equal(a, b));
	config_free(a);
	for (unsigned i = 0; i < config_nb_parts; i++)
		assert_null(a->part[i]);
	config_free(b);
	free(a);
	free(b);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_doc_matches_schema),
	    cmocka_unit_test(test_doc_check_fails_on_drift),
	    cmocka_unit_test(test_json_text_round_trip),
	    cmocka_unit_test(test_assign_copies_changed_lists),
	    cmocka_unit_test(test_section_order),
	    cmocka_unit_test(test_copy_owns_parts),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_config_doc docs/config.md\n");
		return 2;
	}
	doc_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
