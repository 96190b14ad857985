/*
 * Unit tests for the overlay's pure parts: reading tunnel packets (src/overlay/overlay_parse.h:
 * Geneve per RFC 8926, VXLAN per RFC 7348, each malformed case under its own result) and the
 * overlay's config (src/overlay/overlay_config.c: transport-node.tep, remote, flood-teps, with the
 * line and field of every error).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "overlay/overlay_config.h"
#include "config/config_json.h"
#include "net/checksum.h"
#include "overlay/overlay_parse.h"

/* Builds Ethernet/IPv4/UDP(dport)/tunnel header/inner frame into buf; returns the length. */
static uint32_t
build(uint8_t *buf, uint16_t dport, const uint8_t *tunnel, uint32_t tunnel_len, uint32_t inner_len)
{
	memset(buf, 0, 2048);
	net_put_be16(buf + 12, 0x0800);
	uint8_t *ip = buf + 14, *udp = ip + 20;
	uint32_t udp_len = 8 + tunnel_len + inner_len;
	net_ipv4_write_header(ip, 0, (uint16_t)(20 + udp_len), 0, 0x4000, 64, 17, 0xc6130002,
	                      0xc6130001);
	net_put_be16(ip + 10, net_checksum(ip, 20));
	net_udp_write_header(udp, 50000, dport, (uint16_t)udp_len);
	memcpy(udp + 8, tunnel, tunnel_len);
	uint8_t *inner = udp + 8 + tunnel_len;
	for (uint32_t i = 0; i < inner_len; i++)
		inner[i] = (uint8_t)(i + 1);
	return 14 + 20 + udp_len;
}

static const uint8_t geneve_ok[] = {0, 0, 0x65, 0x58, 0, 0x13, 0x89, 0};
static const uint8_t vxlan_ok[] = {0x08, 0, 0, 0, 0, 0x13, 0x89, 0};

static enum overlay_parse_result
parse_tunnel(uint16_t dport, const uint8_t *tunnel, uint32_t tunnel_len, uint32_t inner_len,
             struct overlay_decap *d)
{
	static uint8_t buf[2048];
	uint32_t len = build(buf, dport, tunnel, tunnel_len, inner_len);
	return overlay_decap_parse(buf, len, 14, d);
}

static void
test_geneve_ok(void **state)
{
	(void)state;
	struct overlay_decap d = {0};
	assert_int_equal(parse_tunnel(6081, geneve_ok, 8, 60, &d), OVP_OK);
	assert_int_equal(d.vni, 5001);
	assert_int_equal(d.src_ip, 0xc6130002);
	assert_int_equal(d.inner_offset, 14 + 20 + 8 + 8);
	assert_int_equal(d.inner_len, 60);
	assert_false(d.vxlan);
}

static void
test_geneve_options_skipped(void **state)
{
	(void)state;
	/* Two non-critical options: 4 + 4 bytes, 4 + 0 bytes (length 3 words). */
	uint8_t g[8 + 12] = {3, 0, 0x65, 0x58, 0,   0,   7, 0, 1, 2,
	                     3, 1, 'a',  'b',  'c', 'd', 1, 2, 4, 0};
	struct overlay_decap d = {0};
	assert_int_equal(parse_tunnel(6081, g, sizeof(g), 60, &d), OVP_OK);
	assert_int_equal(d.vni, 7);
	assert_int_equal(d.inner_offset, 14 + 20 + 8 + 20);
}

static void
test_geneve_bad(void **state)
{
	(void)state;
	struct overlay_decap d = {0};
	uint8_t g[12];
	memcpy(g, geneve_ok, 8);
	g[0] = 0x40; /* version 1 */
	assert_int_equal(parse_tunnel(6081, g, 8, 60, &d), OVP_GENEVE_VERSION);
	memcpy(g, geneve_ok, 8);
	g[1] = 0x80; /* OAM */
	assert_int_equal(parse_tunnel(6081, g, 8, 60, &d), OVP_GENEVE_OAM);
	memcpy(g, geneve_ok, 8);
	g[2] = 0x08, g[3] = 0; /* IPv4 payload */
	assert_int_equal(parse_tunnel(6081, g, 8, 60, &d), OVP_GENEVE_PROTOCOL);
	/* Critical option (type high bit), without the C bit. */
	uint8_t c[12] = {1, 0, 0x65, 0x58, 0, 0, 1, 0, 1, 2, 0x80, 0};
	assert_int_equal(parse_tunnel(6081, c, 12, 60, &d), OVP_GENEVE_CRITICAL);
	/* Option claims 4 data words in a 1-word options area. */
	uint8_t o[12] = {1, 0, 0x65, 0x58, 0, 0, 1, 0, 1, 2, 3, 4};
	assert_int_equal(parse_tunnel(6081, o, 12, 60, &d), OVP_GENEVE_OPTIONS);
	/* Options length beyond the packet. */
	uint8_t t[8] = {0x3f, 0, 0x65, 0x58, 0, 0, 1, 0};
	assert_int_equal(parse_tunnel(6081, t, 8, 20, &d), OVP_GENEVE_TRUNCATED);
	assert_int_equal(parse_tunnel(6081, geneve_ok, 4, 0, &d), OVP_GENEVE_TRUNCATED);
	assert_int_equal(parse_tunnel(6081, geneve_ok, 8, 13, &d), OVP_INNER_RUNT);
}

static void
test_vxlan(void **state)
{
	(void)state;
	struct overlay_decap d = {0};
	assert_int_equal(parse_tunnel(4789, vxlan_ok, 8, 60, &d), OVP_OK);
	assert_int_equal(d.vni, 5001);
	assert_true(d.vxlan);
	uint8_t v[8];
	memcpy(v, vxlan_ok, 8);
	v[0] = 0;
	assert_int_equal(parse_tunnel(4789, v, 8, 60, &d), OVP_VXLAN_FLAGS);
	assert_int_equal(parse_tunnel(4789, vxlan_ok, 6, 0, &d), OVP_VXLAN_TRUNCATED);
}

static void
test_outer(void **state)
{
	(void)state;
	static uint8_t buf[2048];
	struct overlay_decap d = {0};
	uint32_t len = build(buf, 6081, geneve_ok, 8, 60);

	assert_int_equal(overlay_decap_parse(buf, len, 14, &d), OVP_OK);
	assert_int_equal(overlay_decap_parse(buf, 30, 14, &d), OVP_NOT_TUNNEL);
	assert_int_equal(overlay_decap_parse(buf, 40, 30, &d), OVP_NOT_TUNNEL);
	/* Non-tunnel port. */
	net_put_be16(buf + 14 + 20 + 2, 53);
	assert_int_equal(overlay_decap_parse(buf, len, 14, &d), OVP_NOT_TUNNEL);
	net_put_be16(buf + 14 + 20 + 2, 6081);
	/* A fragment. */
	net_put_be16(buf + 14 + 6, 0x2000);
	assert_int_equal(overlay_decap_parse(buf, len, 14, &d), OVP_FRAGMENT);
	net_put_be16(buf + 14 + 6, 0x4000);
	/* UDP length beyond the IPv4 payload, and below its header. */
	net_put_be16(buf + 14 + 20 + 4, 2000);
	assert_int_equal(overlay_decap_parse(buf, len, 14, &d), OVP_BAD_UDP_LENGTH);
	net_put_be16(buf + 14 + 20 + 4, 7);
	assert_int_equal(overlay_decap_parse(buf, len, 14, &d), OVP_BAD_UDP_LENGTH);
	net_put_be16(buf + 14 + 20 + 4, (uint16_t)(len - 34));
	/* A right UDP checksum is accepted, a wrong one refused; zero means none. */
	uint8_t *ip = buf + 14, *udp = ip + 20;
	uint16_t sum = net_ipv4_l4_checksum(ip, udp, len - 34);
	net_put_be16(udp + 6, sum ? sum : 0xffff);
	assert_int_equal(overlay_decap_parse(buf, len, 14, &d), OVP_OK);
	net_put_be16(udp + 6, (uint16_t)(sum + 1));
	assert_int_equal(overlay_decap_parse(buf, len, 14, &d), OVP_BAD_UDP_CHECKSUM);
}

/* Config. */
#define OVERLAY_BASE                                                                               \
	"transport-node:\n"              /* 1 */                                                   \
	"  tep:\n"                       /* 2 */                                                   \
	"    address: 198.19.0.1/24\n"   /* 3 */                                                   \
	"    uplink: up\n"               /* 4 */                                                   \
	"segments:\n"                    /* 5 */                                                   \
	"  - name: web\n"                /* 6 */                                                   \
	"    vni: 5001\n"                /* 7 */                                                   \
	"    flood-teps: [198.19.0.2]\n" /* 8 */                                                   \
	"ports:\n"                       /* 9 */                                                   \
	"  - name: up\n"                 /* 10 */                                                  \
	"    kind: af_packet\n"          /* 11 */                                                  \
	"    iface: eth9\n"              /* 12 */

static struct dse_config *cfg;
static struct dse_config_errors errs;

static int
parse(const char *text)
{
	return config_parse_yaml(text, strlen(text), cfg, &errs);
}

static bool
has_error(int line, const char *field, const char *fragment)
{
	for (unsigned i = 0; i < errs.count && i < DSE_CONFIG_MAX_ERRORS; i++)
		if (errs.e[i].line == line && strcmp(errs.e[i].field, field) == 0 &&
		    strstr(errs.e[i].message, fragment) != NULL)
			return true;
	for (unsigned i = 0; i < errs.count && i < DSE_CONFIG_MAX_ERRORS; i++)
		fprintf(stderr, "  line %d %s: %s\n", errs.e[i].line, errs.e[i].field,
		        errs.e[i].message);
	return false;
}

static void
test_config_ok(void **state)
{
	(void)state;
	const char *text = OVERLAY_BASE "remote:\n"
	                                "  - segment: web\n"
	                                "    mac: 02:00:00:00:00:09\n"
	                                "    ip: 198.18.1.9\n"
	                                "    tep: 198.19.0.3\n";
	assert_int_equal(parse(text), 0);
	const struct dse_tep_config *tep = &overlay_config(cfg)->tep;
	assert_true(tep->enabled);
	assert_int_equal(tep->address, 0xc6130001);
	assert_int_equal(tep->prefix_len, 24);
	assert_string_equal(tep->uplink, "up");
	assert_int_equal(tep->mtu, 1500);
	assert_int_equal(tep->ttl, 64);
	assert_int_equal(tep->encap, DSE_ENCAP_GENEVE);
	assert_int_equal(cfg->segments[0].nb_flood_teps, 1);
	assert_int_equal(cfg->segments[0].flood_teps[0], 0xc6130002);
	assert_int_equal(overlay_config(cfg)->nb_remote, 1);
	assert_true(overlay_config(cfg)->remote[0].has_ip);
	assert_int_equal(overlay_config(cfg)->remote[0].tep, 0xc6130003);
}

static void
test_config_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("transport-node:\n"
	                       "  tep:\n"
	                       "    address: 198.19.0.1\n"
	                       "    uplink: nope\n"
	                       "    encapsulation: gre\n"
	                       "    ttl: 0\n"
	                       "    mtu: 100\n"
	                       "    next-hop: 198.20.0.1\n"),
	                 -EINVAL);
	assert_true(has_error(3, "transport-node.tep.address", "prefix length"));
	assert_true(has_error(4, "transport-node.tep.uplink", "unknown port"));
	assert_true(has_error(5, "transport-node.tep.encapsulation", "geneve or vxlan"));
	assert_true(has_error(6, "transport-node.tep.ttl", "1..255"));
	assert_true(has_error(7, "transport-node.tep.mtu", "576..9216"));

	assert_int_equal(parse(OVERLAY_BASE "    segment: web\n"
	                                    "remote:\n"
	                                    "  - segment: db\n"
	                                    "    mac: 02:00:00:00:00:09\n"
	                                    "    tep: 198.19.0.1\n"
	                                    "  - segment: web\n"
	                                    "    mac: 02:00:00:00:00:09\n"
	                                    "    tep: 300.1.1.1\n"),
	                 -EINVAL);
	assert_true(has_error(10, "transport-node.tep.uplink", "cannot have a segment"));
	assert_true(has_error(15, "remote[0].segment", "unknown segment"));
	assert_true(has_error(15, "remote[0].tep", "own TEP"));
	assert_true(has_error(20, "remote[1].tep", "IPv4 address"));

	/* Flood TEPs without a TEP of our own, on a segment without a VNI. */
	assert_int_equal(parse("segments:\n"
	                       "  - name: web\n"
	                       "    flood-teps: [198.19.0.2, 198.19.0.2]\n"),
	                 -EINVAL);
	assert_true(has_error(3, "segments[0].flood-teps[1]", "twice"));
	assert_true(has_error(2, "segments[0].flood-teps", "transport-node.tep"));
	assert_true(has_error(2, "segments[0].flood-teps", "no vni"));
}

/* Clears source lines, which differ between two texts of the same config. */
static void
clear_lines(struct dse_config *c)
{
	for (unsigned i = 0; i < c->nb_segments; i++)
		c->segments[i].line = 0;
	for (unsigned i = 0; i < c->nb_ports; i++)
		c->ports[i].line = 0;
	for (unsigned i = 0; i < overlay_config(c)->nb_remote; i++)
		overlay_config(c)->remote[i].line = 0;
	overlay_config(c)->tep.line = overlay_config(c)->tep.uplink_line =
	    overlay_config(c)->tep.next_hop_line = 0;
}

/* config.get's JSON holds the overlay's fields, and reads back to the same config. */
static void
test_config_json_round_trip(void **state)
{
	(void)state;
	struct dse_config *again = calloc(1, sizeof(*again));
	assert_non_null(again);
	assert_int_equal(parse("transport-node:\n"
	                       "  tep:\n"
	                       "    address: 198.19.0.1/24\n"
	                       "    uplink: up\n"
	                       "    next-hop: 198.19.0.254\n"
	                       "    next-hop-mac: 02:00:00:00:00:fe\n"
	                       "    mtu: 1400\n"
	                       "    encapsulation: vxlan\n"
	                       "    ttl: 32\n"
	                       "segments:\n"
	                       "  - {name: web, vni: 5001, flood-teps: [198.19.0.2, 198.19.0.3]}\n"
	                       "  - {name: db, vni: 5002, flood-teps: [198.19.0.3]}\n"
	                       "  - {name: local}\n"
	                       "ports:\n"
	                       "  - {name: up, kind: af_packet, iface: eth9}\n"
	                       "remote:\n"
	                       "  - {segment: web, mac: 02:00:00:00:00:09, ip: 198.18.1.9, "
	                       "tep: 198.19.0.3}\n"
	                       "  - {segment: db, mac: 02:00:00:00:00:0a, tep: 198.19.0.2}\n"),
	                 0);
	json_t *json = config_to_json(cfg);
	assert_non_null(json);
	json_t *tep = json_object_get(json_object_get(json, "transport-node"), "tep");
	assert_string_equal(json_string_value(json_object_get(tep, "address")), "198.19.0.1/24");
	assert_string_equal(json_string_value(json_object_get(tep, "next-hop")), "198.19.0.254");
	assert_string_equal(json_string_value(json_object_get(tep, "next-hop-mac")),
	                    "02:00:00:00:00:fe");
	assert_string_equal(json_string_value(json_object_get(tep, "encapsulation")), "vxlan");
	json_t *segs = json_object_get(json, "segments");
	assert_string_equal(json_string_value(json_array_get(
	                        json_object_get(json_array_get(segs, 0), "flood-teps"), 1)),
	                    "198.19.0.3");
	assert_null(json_object_get(json_array_get(segs, 2), "flood-teps"));
	json_t *remote = json_object_get(json, "remote");
	assert_int_equal(json_array_size(remote), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(remote, 0), "ip")),
	                    "198.18.1.9");
	assert_null(json_object_get(json_array_get(remote, 1), "ip"));

	char *text = json_dumps(json, JSON_INDENT(1));
	assert_non_null(text);
	assert_int_equal(config_parse_yaml(text, strlen(text), again, &errs), 0);
	clear_lines(cfg);
	clear_lines(again);
	assert_memory_equal(&overlay_config(cfg)->tep, &overlay_config(again)->tep,
	                    sizeof(overlay_config(cfg)->tep));
	assert_true(config_equal(cfg, again));
	free(text);
	json_decref(json);

	/* Without a TEP there is nothing of the overlay in the JSON. */
	assert_int_equal(parse("segments: [{name: web}]\n"), 0);
	json = config_to_json(cfg);
	assert_null(json_object_get(json_object_get(json, "transport-node"), "tep"));
	assert_null(json_object_get(json, "remote"));
	json_decref(json);
	config_free(again);
	free(again);
}

int
main(void)
{
	cfg = calloc(1, sizeof(*cfg));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_geneve_ok),     cmocka_unit_test(test_geneve_options_skipped),
	    cmocka_unit_test(test_geneve_bad),    cmocka_unit_test(test_vxlan),
	    cmocka_unit_test(test_outer),         cmocka_unit_test(test_config_ok),
	    cmocka_unit_test(test_config_errors), cmocka_unit_test(test_config_json_round_trip),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	config_free(cfg);
	free(cfg);
	return rc;
}
