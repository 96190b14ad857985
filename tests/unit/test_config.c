/*
 * Unit tests for the config model (src/config/config.c, config_json.c): the example topology and
 * the defaults, every validation rule with the exact line and field it must report, several
 * errors reported at once, the bounds on untrusted text, the JSON form of a config read back
 * unchanged, and a `port.add` object read from JSON and checked against a config.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "switch/switch_config.h"
#include "config/config_json.h"

/* Two segments and one port; the cases below append to it, so their lines start at 10. */
#define BASE                                                                                       \
	"segments:\n"        /* 1 */                                                               \
	"  - name: web\n"    /* 2 */                                                               \
	"    vni: 5001\n"    /* 3 */                                                               \
	"  - name: db\n"     /* 4 */                                                               \
	"    vni: 5002\n"    /* 5 */                                                               \
	"ports:\n"           /* 6 */                                                               \
	"  - name: vm1\n"    /* 7 */                                                               \
	"    kind: tap\n"    /* 8 */                                                               \
	"    segment: web\n" /* 9 */

static struct dse_config *cfg;
static struct dse_config_errors errs;

static int
setup(void **state)
{
	(void)state;
	cfg = calloc(1, sizeof(*cfg));
	return cfg == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	config_free(cfg);
	free(cfg);
	return 0;
}

static int
parse(const char *text)
{
	return config_parse_yaml(text, strlen(text), cfg, &errs);
}

/* Prints the errors, so a failing test shows what the parser said. */
static void
print_errors(void)
{
	for (unsigned i = 0; i < errs.count && i < DSE_CONFIG_MAX_ERRORS; i++)
		print_message("  line %d %s: %s\n", errs.e[i].line, errs.e[i].field,
		              errs.e[i].message);
}

/* Asserts that text is rejected with exactly one error, at line in field. */
static void
expect_one_error(const char *text, int line, const char *field)
{
	int rc = parse(text);

	if (errs.count != 1)
		print_errors();
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.e[0].line, line);
	assert_string_equal(errs.e[0].field, field);
	assert_true(strlen(errs.e[0].message) > 0);
}

/* Asserts that text is valid. */
static void
expect_valid(const char *text)
{
	int rc = parse(text);

	if (rc != 0)
		print_errors();
	assert_int_equal(rc, 0);
	assert_int_equal(errs.count, 0);
}

/* Reads a file of the source tree, found next to this source file (as the compiler saw its path
 * from the build directory) or in the current directory or one of its parents. */
static char *
read_source_file(const char *relative, size_t *len)
{
	static const char *const parents[] = {"", "../", "../../", "../../../"};
	char dir[PATH_MAX], path[PATH_MAX * 2];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", __FILE__);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	for (size_t i = 0; i < 2 * sizeof(parents) / sizeof(parents[0]); i++) {
		size_t parent = i / 2;
		FILE *f;
		char *text;

		if (i % 2 == 0)
			snprintf(path, sizeof(path), "%s%s/../../%s",
			         dir[0] == '/' ? "" : parents[parent], dir, relative);
		else
			snprintf(path, sizeof(path), "%s%s", parents[parent], relative);
		f = fopen(path, "rb");
		if (f == NULL)
			continue;
		text = malloc(1 << 20);
		assert_non_null(text);
		*len = fread(text, 1, 1 << 20, f);
		fclose(f);
		return text;
	}
	fail_msg("cannot find %s from %s", relative, dir);
	return NULL;
}

static void
test_example_parses(void **state)
{
	size_t len;
	char *text = read_source_file("examples/host.yaml", &len);

	(void)state;
	assert_int_equal(config_parse_yaml(text, len, cfg, &errs), 0);
	assert_int_equal(errs.count, 0);
	assert_string_equal(cfg->node_name, "host1");
	assert_int_equal(switch_config(cfg)->mac_aging_s, 300);
	assert_int_equal(cfg->nb_segments, 2);
	assert_string_equal(cfg->segments[0].name, "web");
	assert_int_equal(cfg->segments[0].vni, 5001);
	assert_string_equal(cfg->segments[1].name, "db");
	assert_int_equal(cfg->segments[1].vni, 5002);
	assert_int_equal(cfg->nb_ports, 3);
	assert_string_equal(cfg->ports[0].name, "vm1");
	assert_int_equal(cfg->ports[0].kind, DSE_PORT_TAP);
	assert_string_equal(cfg->ports[0].iface, "dse-vm1");
	assert_string_equal(cfg->ports[0].segment, "web");
	assert_string_equal(cfg->ports[1].name, "vm2");
	assert_int_equal(cfg->ports[1].kind, DSE_PORT_AF_PACKET);
	assert_string_equal(cfg->ports[1].iface, "dse-vm2");
	assert_string_equal(cfg->ports[1].segment, "web");
	assert_string_equal(cfg->ports[2].name, "vm3");
	assert_int_equal(cfg->ports[2].kind, DSE_PORT_AF_PACKET);
	assert_string_equal(cfg->ports[2].iface, "dse-vm3");
	assert_string_equal(cfg->ports[2].segment, "db");
	assert_int_equal(config_find_segment(cfg, "db"), 1);
	assert_int_equal(config_find_port(cfg, "vm3"), 2);
	assert_int_equal(config_find_port(cfg, "vm4"), -1);
	free(text);
}

static void
test_bad_example_reports_every_error(void **state)
{
	static const struct {
		int line;
		const char *field;
	} expected[] = {
	    {4, "transport-node.workers"},  {9, "segments[1].vni"},  {13, "ports[0].segment"},
	    {14, "ports[1].iface"},         {17, "ports[1].colour"}, {20, "ports[2].path"},
	    {23, "ports[2].vlans[0].vlan"},
	};
	size_t len;
	char *text = read_source_file("examples/bad.yaml", &len);

	(void)state;
	assert_int_equal(config_parse_yaml(text, len, cfg, &errs), -EINVAL);
	if (errs.count != sizeof(expected) / sizeof(expected[0]))
		print_errors();
	assert_int_equal(errs.count, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		assert_int_equal(errs.e[i].line, expected[i].line);
		assert_string_equal(errs.e[i].field, expected[i].field);
	}
	free(text);
}

static void
test_defaults(void **state)
{
	(void)state;
	expect_valid("");
	assert_string_equal(cfg->node_name, "dse");
	assert_int_equal(cfg->nb_workers, 1);
	assert_int_equal(cfg->idle_sleep_us, 0);
	assert_int_equal(switch_config(cfg)->mac_table_size, 65536);
	assert_int_equal(switch_config(cfg)->mac_aging_s, 300);
	assert_int_equal(cfg->nb_segments, 0);
	assert_int_equal(cfg->nb_ports, 0);
	assert_int_equal(switch_config(cfg)->nb_static_macs, 0);

	expect_valid(BASE);
	assert_int_equal(cfg->ports[0].mtu, 1500);
	assert_int_equal(cfg->ports[0].queues, 0);
	assert_false(cfg->ports[0].has_mac);
	assert_int_equal(cfg->ports[0].nb_vlans, 0);
	assert_string_equal(cfg->ports[0].iface, "vm1"); /* a tap port is named after its port */
	assert_int_equal(cfg->ports[0].line, 7);
	assert_int_equal(cfg->segments[1].line, 4);

	/* Empty blocks mean "all defaults". */
	expect_valid("transport-node:\nswitch:\nsegments:\nports:\nstatic-macs:\n");
	assert_int_equal(cfg->nb_workers, 1);
}

static void
test_all_fields(void **state)
{
	(void)state;
	expect_valid("transport-node:\n"
	             "  name: h-2.a\n"
	             "  workers: 16\n"
	             "  idle-sleep-us: 100000\n"
	             "switch:\n"
	             "  mac-table-size: 1024\n"
	             "  mac-aging: 0\n" BASE "  - name: up\n"
	             "    kind: devargs\n"
	             "    devargs: net_ring0\n"
	             "    mtu: 9216\n"
	             "    queues: 16\n"
	             "    mac: 02:AB:cd:00:00:01\n"
	             "    vlans:\n"
	             "      - vlan: 4094\n"
	             "        segment: db\n"
	             "  - {name: cap, kind: pcap, tx-path: out.pcap, path: /tmp/in.pcap, "
	             "infinite-rx: true, segment: db}\n"
	             "  - {name: sink, kind: null, segment: db}\n");
	assert_string_equal(cfg->node_name, "h-2.a");
	assert_int_equal(cfg->nb_workers, 16);
	assert_int_equal(cfg->idle_sleep_us, 100000);
	assert_int_equal(switch_config(cfg)->mac_table_size, 1024);
	assert_int_equal(switch_config(cfg)->mac_aging_s, 0);
	assert_int_equal(cfg->ports[1].kind, DSE_PORT_DEVARGS);
	assert_string_equal(cfg->ports[1].devargs, "net_ring0");
	assert_string_equal(cfg->ports[1].segment, "");
	assert_string_equal(cfg->ports[1].iface, "");
	assert_int_equal(cfg->ports[1].mtu, 9216);
	assert_int_equal(cfg->ports[1].queues, 16);
	assert_true(cfg->ports[1].has_mac);
	assert_memory_equal(cfg->ports[1].mac, ((uint8_t[]){0x02, 0xab, 0xcd, 0, 0, 1}), 6);
	assert_int_equal(cfg->ports[1].nb_vlans, 1);
	assert_int_equal(cfg->ports[1].vlans[0].vlan, 4094);
	assert_string_equal(cfg->ports[1].vlans[0].segment, "db");
	assert_int_equal(cfg->ports[2].kind, DSE_PORT_PCAP);
	assert_true(cfg->ports[2].infinite_rx);
	assert_string_equal(cfg->ports[2].path, "/tmp/in.pcap");
	assert_string_equal(cfg->ports[2].tx_path, "out.pcap");
	assert_int_equal(cfg->ports[3].kind, DSE_PORT_NULL);
	assert_int_equal(cfg->ports[2].line, 26);
}

static void
test_unknown_field(void **state)
{
	(void)state;
	expect_one_error(BASE "    colour: blue\n", 10, "ports[0].colour");
	assert_non_null(strstr(errs.e[0].message, "unknown field \"colour\""));
	assert_non_null(strstr(errs.e[0].message, "segment"));
	expect_one_error(BASE "tunnels: []\n", 10, "tunnels");
	expect_one_error("switch:\n  mac-ageing: 10\n", 2, "switch.mac-ageing");
	expect_one_error(BASE "    segment: db\n", 10, "ports[0].segment"); /* given twice */
}

static void
test_wrong_type(void **state)
{
	(void)state;
	expect_one_error("segments:\n  - name: web\n    vni: abc\n", 3, "segments[0].vni");
	assert_non_null(strstr(errs.e[0].message, "expected an integer 1..16777215"));
	/* A quoted number is a string. */
	expect_one_error("transport-node:\n  workers: \"2\"\n", 2, "transport-node.workers");
	expect_one_error("transport-node:\n  workers: 1.5\n", 2, "transport-node.workers");
	expect_one_error("segments:\n  - name: [web]\n", 2, "segments[0].name");
	expect_one_error("segments: {name: web}\n", 1, "segments");
	expect_one_error(BASE "    mtu: big\n", 10, "ports[0].mtu");
	expect_one_error(BASE "  - name: p\n    kind: pcap\n    path: /a\n    segment: web\n"
	                      "    infinite-rx: 1\n",
	                 14, "ports[1].infinite-rx");
	expect_one_error(BASE "    vlans: 100\n", 10, "ports[0].vlans");
	expect_one_error("- a\n", 1, "");
}

static void
test_bad_name(void **state)
{
	(void)state;
	expect_one_error("segments:\n  - name: \"we b\"\n", 2, "segments[0].name");
	expect_one_error("segments:\n  - name: a23456789012345678901234567890123\n", 2,
	                 "segments[0].name");
	expect_one_error("transport-node:\n  name: \"\"\n", 2, "transport-node.name");
	/* A plain number is an integer, not a name. */
	expect_one_error("segments:\n  - name: 100\n", 2, "segments[0].name");
	expect_valid("segments:\n  - name: \"100\"\n");
	expect_one_error(BASE "  - name: v/2\n    kind: tap\n    segment: web\n", 10,
	                 "ports[1].name");
	expect_one_error("segments:\n  - vni: 7\n", 2, "segments[0].name"); /* missing */
}

static void
test_duplicate_port_name(void **state)
{
	(void)state;
	expect_one_error(BASE "  - name: vm1\n"
	                      "    kind: af_packet\n"
	                      "    iface: eth1\n"
	                      "    segment: db\n",
	                 10, "ports[1].name");
	assert_non_null(strstr(errs.e[0].message, "line 7"));
}

static void
test_duplicate_segment(void **state)
{
	(void)state;
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: tap\n"
	                      "    segment: web\n"
	                      "segments:\n",
	                 13, "segments");
	expect_one_error("segments:\n  - name: web\n  - name: db\n  - name: web\n", 4,
	                 "segments[2].name");
}

static void
test_duplicate_vni(void **state)
{
	(void)state;
	expect_one_error("segments:\n"
	                 "  - name: web\n"
	                 "    vni: 5001\n"
	                 "  - name: db\n"
	                 "  - name: app\n"
	                 "    vni: 5001\n",
	                 6, "segments[2].vni");
	/* Segments without a vni do not clash with each other. */
	expect_valid("segments:\n  - name: a\n  - name: b\n");
	assert_int_equal(cfg->segments[1].vni, 0);
}

static void
test_vni_range(void **state)
{
	(void)state;
	expect_one_error("segments:\n  - name: web\n    vni: 16777216\n", 3, "segments[0].vni");
	expect_one_error("segments:\n  - name: web\n    vni: 0\n", 3, "segments[0].vni");
	expect_one_error("segments:\n  - name: web\n    vni: -1\n", 3, "segments[0].vni");
	expect_one_error("segments:\n  - name: web\n    vni: 99999999999999999999999\n", 3,
	                 "segments[0].vni");
	expect_valid("segments:\n  - name: web\n    vni: 16777215\n");
	assert_int_equal(cfg->segments[0].vni, 16777215);
}

static void
test_unknown_segment(void **state)
{
	(void)state;
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: tap\n"
	                      "    segment: app\n",
	                 12, "ports[1].segment");
	assert_non_null(strstr(errs.e[0].message, "\"app\""));
}

static void
test_port_without_segment_or_vlans(void **state)
{
	(void)state;
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: tap\n",
	                 10, "ports[1].segment");
	/* vlans alone are enough. */
	expect_valid(BASE "  - name: trunk\n"
	                  "    kind: tap\n"
	                  "    vlans:\n"
	                  "      - {vlan: 10, segment: web}\n");
	assert_string_equal(cfg->ports[1].segment, "");
}

static void
test_vlans(void **state)
{
	(void)state;
	expect_one_error(BASE "    vlans:\n"
	                      "      - vlan: 4095\n"
	                      "        segment: db\n",
	                 11, "ports[0].vlans[0].vlan");
	expect_one_error(BASE "    vlans:\n"
	                      "      - vlan: 0\n"
	                      "        segment: db\n",
	                 11, "ports[0].vlans[0].vlan");
	expect_one_error("segments:\n  - name: a\n  - name: b\n  - name: c\n" /* 1-4 */
	                 "ports:\n"                                           /* 5 */
	                 "  - name: up\n"                                     /* 6 */
	                 "    kind: tap\n"                                    /* 7 */
	                 "    vlans:\n"                                       /* 8 */
	                 "      - vlan: 100\n"                                /* 9 */
	                 "        segment: a\n"                               /* 10 */
	                 "      - segment: b\n"                               /* 11 */
	                 "        vlan: 100\n",                               /* 12 */
	                 12, "ports[0].vlans[1].vlan");
	/* The untagged segment cannot come back tagged. */
	expect_one_error(BASE "    vlans:\n"
	                      "      - vlan: 20\n"
	                      "        segment: web\n",
	                 12, "ports[0].vlans[0].segment");
	expect_one_error(BASE "    vlans:\n"
	                      "      - vlan: 20\n"
	                      "        segment: nowhere\n",
	                 12, "ports[0].vlans[0].segment");
	expect_one_error(BASE "    vlans:\n"
	                      "      - vlan: 20\n",
	                 11, "ports[0].vlans[0].segment"); /* missing */
	expect_one_error(BASE "    vlans:\n"
	                      "      - {vlan: 20, segment: db}\n"
	                      "      - {vlan: 21, segment: db}\n",
	                 12, "ports[0].vlans[1].segment");
}

static void
test_kind_fields(void **state)
{
	(void)state;
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: af_packet\n"
	                      "    segment: web\n",
	                 10, "ports[1].iface");
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: af_xdp\n"
	                      "    segment: web\n",
	                 10, "ports[1].iface");
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: vhost-user\n"
	                      "    segment: web\n"
	                      "    path: run/vm2.sock\n",
	                 13, "ports[1].path");
	assert_non_null(strstr(errs.e[0].message, "absolute"));
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: memif\n"
	                      "    segment: web\n",
	                 10, "ports[1].path");
	expect_one_error(
	    BASE "  - name: vm2\n"
	         "    kind: memif\n"
	         "    segment: web\n"
	         "    path: /run/dse/"
	         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	    13, "ports[1].path");
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: pcap\n"
	                      "    segment: web\n",
	                 10, "ports[1].path");
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: devargs\n"
	                      "    segment: web\n",
	                 10, "ports[1].devargs");
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: vhost-user\n"
	                      "    path: /run/vm2.sock\n"
	                      "    iface: eth0\n"
	                      "    segment: web\n",
	                 13, "ports[1].iface");
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: tapp\n"
	                      "    segment: web\n",
	                 11, "ports[1].kind");
	expect_one_error(BASE "  - name: vm2\n"
	                      "    segment: web\n",
	                 10, "ports[1].kind");
	expect_one_error(BASE "    iface: a234567890123456\n", 10, "ports[0].iface");
	expect_one_error(BASE "  - name: a234567890123456\n"
	                      "    kind: tap\n"
	                      "    segment: web\n",
	                 10, "ports[1].iface");
}

static void
test_unique_iface_and_path(void **state)
{
	(void)state;
	expect_one_error(BASE "  - name: vm2\n"
	                      "    kind: af_packet\n"
	                      "    iface: vm1\n" /* the interface vm1's tap port creates */
	                      "    segment: web\n",
	                 12, "ports[1].iface");
	expect_one_error(BASE "  - {name: a, kind: memif, path: /run/s, segment: web}\n"
	                      "  - {name: b, kind: vhost-user, path: /run/s, segment: web}\n",
	                 11, "ports[2].path");
	/* pcap files are not sockets: two ports may read the same file. */
	expect_valid(BASE "  - {name: a, kind: pcap, path: /tmp/x.pcap, segment: web}\n"
	                  "  - {name: b, kind: pcap, path: /tmp/x.pcap, segment: web}\n");
}

static void
test_static_macs(void **state)
{
	(void)state;
	expect_valid(BASE "static-macs:\n"
	                  "  - segment: web\n"
	                  "    mac: 02:00:00:00:00:0b\n"
	                  "    port: vm1\n");
	assert_int_equal(switch_config(cfg)->nb_static_macs, 1);
	assert_memory_equal(switch_config(cfg)->static_macs[0].mac,
	                    ((uint8_t[]){2, 0, 0, 0, 0, 0x0b}), 6);
	assert_string_equal(switch_config(cfg)->static_macs[0].port, "vm1");
	assert_int_equal(switch_config(cfg)->static_macs[0].line, 11);

	expect_one_error(BASE "static-macs:\n"
	                      "  - segment: web\n"
	                      "    mac: 01:00:5e:00:00:01\n"
	                      "    port: vm1\n",
	                 12, "static-macs[0].mac");
	expect_one_error(BASE "static-macs:\n"
	                      "  - segment: web\n"
	                      "    mac: 02:00:00:00:00\n"
	                      "    port: vm1\n",
	                 12, "static-macs[0].mac");
	expect_one_error(BASE "static-macs:\n"
	                      "  - segment: web\n"
	                      "    mac: 02:00:00:00:00:0b\n"
	                      "    port: vm9\n",
	                 13, "static-macs[0].port");
	expect_one_error(BASE "static-macs:\n"
	                      "  - segment: db\n"
	                      "    mac: 02:00:00:00:00:0b\n"
	                      "    port: vm1\n",
	                 13, "static-macs[0].port");
	assert_non_null(strstr(errs.e[0].message, "does not carry"));
	expect_one_error(BASE "static-macs:\n"
	                      "  - segment: app\n"
	                      "    mac: 02:00:00:00:00:0b\n"
	                      "    port: vm1\n",
	                 11, "static-macs[0].segment");
	expect_one_error(BASE "static-macs:\n"
	                      "  - {segment: web, mac: 02:00:00:00:00:0b, port: vm1}\n"
	                      "  - {segment: web, mac: 02:00:00:00:00:0B, port: vm1}\n",
	                 12, "static-macs[1].mac");
	/* The same MAC in another segment is another entry; a vlan carries the segment. */
	expect_valid(BASE "    vlans: [{vlan: 5, segment: db}]\n"
	                  "static-macs:\n"
	                  "  - {segment: web, mac: 02:00:00:00:00:0b, port: vm1}\n"
	                  "  - {segment: db, mac: 02:00:00:00:00:0b, port: vm1}\n");
	expect_one_error(BASE "static-macs:\n  - {segment: web, port: vm1}\n", 11,
	                 "static-macs[0].mac");
}

static void
test_transport_node_and_switch_ranges(void **state)
{
	(void)state;
	expect_one_error("transport-node:\n  workers: 17\n", 2, "transport-node.workers");
	expect_one_error("transport-node:\n  workers: 0\n", 2, "transport-node.workers");
	expect_one_error("transport-node:\n  idle-sleep-us: 100001\n", 2,
	                 "transport-node.idle-sleep-us");
	expect_one_error("switch:\n  mac-table-size: 1023\n", 2, "switch.mac-table-size");
	expect_one_error("switch:\n  mac-table-size: 16777217\n", 2, "switch.mac-table-size");
	expect_one_error("switch:\n  mac-aging: 5\n", 2, "switch.mac-aging");
	expect_one_error("switch:\n  mac-aging: 86401\n", 2, "switch.mac-aging");
	expect_valid("switch:\n  mac-aging: 10\n");
	assert_int_equal(switch_config(cfg)->mac_aging_s, 10);
	expect_one_error(BASE "    mtu: 67\n", 10, "ports[0].mtu");
	expect_one_error(BASE "    queues: 17\n", 10, "ports[0].queues");
}

static void
test_several_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("transport-node:\n"     /* 1 */
	                       "  workers: 99\n"       /* 2 */
	                       "segments:\n"           /* 3 */
	                       "  - name: web\n"       /* 4 */
	                       "    vni: 7\n"          /* 5 */
	                       "  - name: db\n"        /* 6 */
	                       "    vni: 7\n"          /* 7 */
	                       "ports:\n"              /* 8 */
	                       "  - name: vm1\n"       /* 9 */
	                       "    kind: tap\n"       /* 10 */
	                       "    segment: nope\n"   /* 11 */
	                       "    mtu: 1\n"          /* 12 */
	                       "    colour: red\n"     /* 13 */
	                       "  - name: vm1\n"       /* 14 */
	                       "    kind: af_packet\n" /* 15 */
	                       "    segment: db\n"),   /* 16 */
	                 -EINVAL);
	if (errs.count != 7)
		print_errors();
	assert_int_equal(errs.count, 7);
	/* Reported in the order of the file. */
	assert_int_equal(errs.e[0].line, 2);
	assert_string_equal(errs.e[0].field, "transport-node.workers");
	assert_int_equal(errs.e[1].line, 7);
	assert_string_equal(errs.e[1].field, "segments[1].vni");
	assert_int_equal(errs.e[2].line, 11);
	assert_string_equal(errs.e[2].field, "ports[0].segment");
	assert_int_equal(errs.e[3].line, 12);
	assert_string_equal(errs.e[3].field, "ports[0].mtu");
	assert_int_equal(errs.e[4].line, 13);
	assert_string_equal(errs.e[4].field, "ports[0].colour");
	/* The missing iface (the port's line) and the duplicate name are both on line 14. */
	assert_int_equal(errs.e[5].line, 14);
	assert_string_equal(errs.e[5].field, "ports[1].iface");
	assert_int_equal(errs.e[6].line, 14);
	assert_string_equal(errs.e[6].field, "ports[1].name");
}

static void
test_many_errors_are_counted(void **state)
{
	char text[8192];
	size_t used = 0;
	json_t *list;

	(void)state;
	used += (size_t)snprintf(text, sizeof(text), "segments:\n");
	for (int i = 0; i < 40; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
		                         "  - {name: s%d, vni: 0}\n", i);
	assert_int_equal(parse(text), -EINVAL);
	assert_int_equal(errs.count, 40);
	assert_int_equal(errs.e[DSE_CONFIG_MAX_ERRORS - 1].line, DSE_CONFIG_MAX_ERRORS + 1);

	list = config_errors_to_json(&errs);
	assert_non_null(list);
	assert_int_equal(json_array_size(list), DSE_CONFIG_MAX_ERRORS + 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "line")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "field")),
	                    "segments[0].vni");
	assert_non_null(json_string_value(json_object_get(json_array_get(list, 0), "message")));
	assert_non_null(strstr(json_string_value(json_object_get(
	                           json_array_get(list, DSE_CONFIG_MAX_ERRORS), "message")),
	                       "8 more"));
	json_decref(list);
}

static void
test_limits(void **state)
{
	size_t size = (size_t)(DSE_MAX_PORTS + 1) * 64 + 256, used = 0;
	char *text = malloc(size);

	(void)state;
	assert_non_null(text);
	used += (size_t)snprintf(text, size, "segments: [{name: web}]\nports:\n"); /* 1-2 */
	for (int i = 0; i <= DSE_MAX_PORTS; i++)
		used += (size_t)snprintf(text + used, size - used,
		                         "  - {name: p%d, kind: null, segment: web}\n", i);
	expect_one_error(text, DSE_MAX_PORTS + 3, "ports");
	assert_non_null(strstr(errs.e[0].message, "at most 64"));
	free(text);

	/* More than 4 MiB of text is refused before it is read. */
	size = (4u << 20) + 1;
	text = malloc(size);
	assert_non_null(text);
	memset(text, '#', size);
	assert_int_equal(config_parse_yaml(text, size, cfg, &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.e[0].message, "4194304"));
	free(text);

	/* Text need not be NUL-terminated and is never read past len. */
	text = malloc(9);
	memcpy(text, "switch: {", 9);
	assert_int_equal(config_parse_yaml(text, 9, cfg, &errs), -EINVAL);
	assert_int_equal(config_parse_yaml("switch: {}XXXX", 10, cfg, &errs), 0);
	free(text);
}

static void
test_hostile_yaml(void **state)
{
	char deep[256];
	char *big;

	(void)state;
	expect_one_error("segments:\n  - &s {name: web}\n  - *s\n", 3, "");
	assert_non_null(strstr(errs.e[0].message, "aliases"));
	expect_one_error("segments: !!seq []\n", 1, "");
	expect_one_error("switch: {}\n---\nswitch: {}\n", 2, "");
	expect_one_error("segments:\n  - name: web\n   vni: 1\n", 3, "");
	assert_non_null(strstr(errs.e[0].message, "invalid YAML"));
	memset(deep, '[', sizeof(deep));
	assert_int_equal(config_parse_yaml(deep, sizeof(deep), cfg, &errs), -EINVAL);
	assert_true(errs.count >= 1);
	expect_one_error("segments: [{name: \"a\\0\"}]\n", 1, "segments[0].name");
	expect_one_error("switch: {}\nports: \xff\n", 2, ""); /* not UTF-8 */
	/* A flood of small values is refused before it is loaded. */
	big = malloc(2 * 200001 + 2);
	assert_non_null(big);
	big[0] = '[';
	for (size_t i = 0; i <= 200000; i++)
		memcpy(big + 1 + 2 * i, "0,", 2);
	big[2 * 200001] = '0';
	big[2 * 200001 + 1] = ']';
	assert_int_equal(config_parse_yaml(big, 2 * 200001 + 2, cfg, &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.e[0].message, "more than 200000 values"));
	free(big);
	/* Error texts stay printable ASCII whatever the input holds. */
	assert_int_equal(parse("segments:\n  - name: \"w\xc3\xa9\"\n"), -EINVAL);
	for (const char *c = errs.e[0].message; *c != '\0'; c++)
		assert_true(*c >= 0x20 && *c < 0x7f);
}

/* Clears source lines, which differ between two texts of the same config. */
static void
clear_lines(struct dse_config *c)
{
	for (unsigned i = 0; i < c->nb_segments; i++)
		c->segments[i].line = 0;
	for (unsigned i = 0; i < c->nb_ports; i++)
		c->ports[i].line = 0;
	for (unsigned i = 0; i < switch_config(c)->nb_static_macs; i++)
		switch_config(c)->static_macs[i].line = 0;
}

static void
test_json_round_trip(void **state)
{
	struct dse_config *again = calloc(1, sizeof(*again));
	json_t *json, *port;
	char *text;

	(void)state;
	assert_non_null(again);
	expect_valid(
	    "transport-node: {name: h9, workers: 3, idle-sleep-us: 20}\n"
	    "switch: {mac-table-size: 2048, mac-aging: 60}\n" BASE "    mac: 02:00:00:00:00:01\n"
	    "    mtu: 9000\n"
	    "    queues: 2\n"
	    "    iface: tap-x\n"
	    "    devargs: \",persist\"\n"
	    "    vlans: [{vlan: 30, segment: db}]\n"
	    "  - {name: up, kind: devargs, devargs: \"net_ring0,a=1\", vlans: [{vlan: 1, "
	    "segment: web}]}\n"
	    "  - {name: v, kind: vhost-user, path: /run/dse/v.sock, segment: db}\n"
	    "  - {name: c, kind: pcap, path: /tmp/in.pcap, infinite-rx: true, segment: db}\n"
	    "  - {name: n, kind: null, segment: db}\n"
	    "static-macs:\n"
	    "  - {segment: db, mac: 02:00:00:00:00:0b, port: vm1}\n");

	json = config_to_json(cfg);
	assert_non_null(json);
	/* The JSON uses the YAML's field names and includes defaults. */
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(json, "transport-node"), "name")),
	    "h9");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(json, "switch"), "mac-aging")), 60);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(json, "segments"), 1), "vni")),
	                 5002);
	port = json_array_get(json_object_get(json, "ports"), 0);
	assert_string_equal(json_string_value(json_object_get(port, "mac")), "02:00:00:00:00:01");
	assert_string_equal(json_string_value(json_object_get(port, "iface")), "tap-x");
	assert_int_equal(json_integer_value(json_object_get(port, "mtu")), 9000);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(port, "vlans"), 0), "vlan")),
	                 30);
	port = json_array_get(json_object_get(json, "ports"), 4);
	assert_string_equal(json_string_value(json_object_get(port, "kind")), "null");
	assert_int_equal(json_integer_value(json_object_get(port, "mtu")), 1500);
	assert_true(json_is_true(
	    json_object_get(json_array_get(json_object_get(json, "ports"), 3), "infinite-rx")));

	/* JSON text is YAML text: the config reads back to the same values. */
	text = json_dumps(json, JSON_COMPACT);
	assert_non_null(text);
	assert_int_equal(config_parse_yaml(text, strlen(text), again, &errs), 0);
	clear_lines(cfg);
	clear_lines(again);
	assert_true(config_equal(cfg, again));
	free(text);
	json_decref(json);
	config_free(again);
	free(again);
}

static void
test_port_from_json(void **state)
{
	struct dse_port_config port, copy;
	json_t *obj, *back;

	(void)state;
	expect_valid(BASE);

	obj = json_loads("{\"name\": \"vm2\", \"kind\": \"af_packet\", \"iface\": \"eth2\","
	                 " \"segment\": \"db\", \"mtu\": 2000,"
	                 " \"vlans\": [{\"vlan\": 9, \"segment\": \"web\"}]}",
	                 0, NULL);
	assert_non_null(obj);
	errs.count = 0;
	assert_int_equal(config_port_from_json(obj, &port, "port", &errs), 0);
	assert_string_equal(port.name, "vm2");
	assert_int_equal(port.kind, DSE_PORT_AF_PACKET);
	assert_string_equal(port.iface, "eth2");
	assert_int_equal(port.mtu, 2000);
	assert_int_equal(port.nb_vlans, 1);
	assert_int_equal(port.vlans[0].vlan, 9);
	assert_int_equal(port.line, 0);
	assert_int_equal(config_validate_port(cfg, &port, "port", &errs), 0);
	assert_int_equal(errs.count, 0);

	/* And back: the port's JSON reads to the same port. */
	back = config_port_to_json(&port);
	assert_non_null(back);
	assert_int_equal(config_port_from_json(back, &copy, "port", &errs), 0);
	assert_memory_equal(&port, &copy, sizeof(port));
	json_decref(back);
	json_decref(obj);

	/* Type errors name the field and have no line. */
	obj = json_loads("{\"name\": \"p\", \"kind\": \"tap\", \"segment\": \"web\","
	                 " \"mtu\": \"1500\"}",
	                 0, NULL);
	assert_int_equal(config_port_from_json(obj, &port, "port", &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.e[0].line, 0);
	assert_string_equal(errs.e[0].field, "port.mtu");
	json_decref(obj);

	errs.count = 0;
	obj = json_loads("{\"name\": 5, \"kind\": \"tap\", \"segment\": \"web\", \"queues\": 1.0,"
	                 " \"infinite-rx\": \"yes\", \"vlans\": {}}",
	                 0, NULL);
	assert_int_equal(config_port_from_json(obj, &port, "params", &errs), -EINVAL);
	assert_int_equal(errs.count, 4);
	assert_string_equal(errs.e[0].field, "params.name");
	assert_string_equal(errs.e[1].field, "params.queues");
	assert_string_equal(errs.e[2].field, "params.infinite-rx");
	assert_string_equal(errs.e[3].field, "params.vlans");
	json_decref(obj);

	errs.count = 0;
	obj = json_loads("[1]", 0, NULL);
	assert_int_equal(config_port_from_json(obj, &port, "port", &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_string_equal(errs.e[0].field, "port");
	json_decref(obj);

	errs.count = 0;
	obj = json_loads("{\"name\": \"p\", \"kind\": \"tap\", \"segment\": \"web\","
	                 " \"speed\": 10}",
	                 0, NULL);
	assert_int_equal(config_port_from_json(obj, &port, "port", &errs), -EINVAL);
	assert_string_equal(errs.e[0].field, "port.speed");
	json_decref(obj);
}

static void
test_validate_port(void **state)
{
	struct dse_port_config port;

	(void)state;
	expect_valid(BASE);

	/* A port.add for a name that exists, on a segment that does not. */
	config_port_init(&port);
	snprintf(port.name, sizeof(port.name), "vm1");
	port.kind = DSE_PORT_AF_PACKET;
	snprintf(port.iface, sizeof(port.iface), "eth0");
	snprintf(port.segment, sizeof(port.segment), "app");
	errs.count = 0;
	assert_int_equal(config_validate_port(cfg, &port, "port", &errs), -EINVAL);
	assert_int_equal(errs.count, 2);
	assert_string_equal(errs.e[0].field, "port.segment");
	assert_string_equal(errs.e[1].field, "port.name");
	assert_non_null(strstr(errs.e[1].message, "already exists"));

	/* The interface of an existing tap port is taken. */
	snprintf(port.name, sizeof(port.name), "vm2");
	snprintf(port.segment, sizeof(port.segment), "db");
	snprintf(port.iface, sizeof(port.iface), "vm1");
	errs.count = 0;
	assert_int_equal(config_validate_port(cfg, &port, "port", &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_string_equal(errs.e[0].field, "port.iface");

	/* Valid once the interface is free; errors are appended, not reset. */
	snprintf(port.iface, sizeof(port.iface), "eth0");
	assert_int_equal(config_validate_port(cfg, &port, "port", &errs), 0);
	assert_int_equal(errs.count, 1);

	/* Values a JSON reader would have refused are caught here too. */
	port.mtu = 20;
	port.kind = DSE_PORT_KIND_COUNT;
	errs.count = 0;
	assert_int_equal(config_validate_port(cfg, &port, "port", &errs), -EINVAL);
	assert_int_equal(errs.count, 2);

	/* A full engine takes no more ports. */
	config_port_init(&port);
	snprintf(port.name, sizeof(port.name), "extra");
	snprintf(port.segment, sizeof(port.segment), "web");
	cfg->ports = realloc(cfg->ports, DSE_MAX_PORTS * sizeof(cfg->ports[0]));
	assert_non_null(cfg->ports);
	for (unsigned i = 1; i < DSE_MAX_PORTS; i++) {
		config_port_init(&cfg->ports[i]);
		snprintf(cfg->ports[i].name, sizeof(cfg->ports[i].name), "p%u", i);
	}
	cfg->nb_ports = DSE_MAX_PORTS;
	errs.count = 0;
	assert_int_equal(config_validate_port(cfg, &port, "port", &errs), -EINVAL);
	assert_non_null(strstr(errs.e[0].message, "too many ports"));
	cfg->nb_ports = 1;
}

static void
test_helpers(void **state)
{
	(void)state;
	for (int kind = 0; kind < DSE_PORT_KIND_COUNT; kind++)
		assert_int_equal(config_port_kind_parse(config_port_kind_name(kind)), kind);
	assert_string_equal(config_port_kind_name(DSE_PORT_VHOST_USER), "vhost-user");
	assert_int_equal(config_port_kind_parse("vhost_user"), -1);
	assert_true(config_name_is_valid("a.b-c_9"));
	assert_false(config_name_is_valid(""));
	assert_false(config_name_is_valid("a b"));
	assert_false(config_name_is_valid("a234567890123456789012345678901x"));
	assert_true(config_name_is_valid("a23456789012345678901234567890x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_parses),
	    cmocka_unit_test(test_bad_example_reports_every_error),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_all_fields),
	    cmocka_unit_test(test_unknown_field),
	    cmocka_unit_test(test_wrong_type),
	    cmocka_unit_test(test_bad_name),
	    cmocka_unit_test(test_duplicate_port_name),
	    cmocka_unit_test(test_duplicate_segment),
	    cmocka_unit_test(test_duplicate_vni),
	    cmocka_unit_test(test_vni_range),
	    cmocka_unit_test(test_unknown_segment),
	    cmocka_unit_test(test_port_without_segment_or_vlans),
	    cmocka_unit_test(test_vlans),
	    cmocka_unit_test(test_kind_fields),
	    cmocka_unit_test(test_unique_iface_and_path),
	    cmocka_unit_test(test_static_macs),
	    cmocka_unit_test(test_transport_node_and_switch_ranges),
	    cmocka_unit_test(test_several_errors),
	    cmocka_unit_test(test_many_errors_are_counted),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_hostile_yaml),
	    cmocka_unit_test(test_json_round_trip),
	    cmocka_unit_test(test_port_from_json),
	    cmocka_unit_test(test_validate_port),
	    cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
