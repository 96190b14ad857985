/*
 * Unit tests of the firewall part of the config model (src/firewall/fw_config.c): a full valid
 * policy reads back field by field, and every validation rule is reported once, at its line
 * and field.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "firewall/fw_config.h"

/* Lines 1..6: a segment and two ports every test can refer to. */
#define BASE                                                                                       \
	"segments:\n"                                                        /* 1 */               \
	"  - name: web\n"                                                    /* 2 */               \
	"ports:\n"                                                           /* 3 */               \
	"  - {name: vm1, kind: tap, segment: web}\n"                         /* 4 */               \
	"  - {name: vm2, kind: tap, segment: web}\n"                         /* 5 */               \
	"groups:\n"                                                          /* 6 */               \
	"  - {name: g1, members: [198.18.0.0/24, vm1, \"2001:db8::/64\"]}\n" /* 7 */

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

static void
print_errors(void)
{
	for (unsigned i = 0; i < errs.count && i < DSE_CONFIG_MAX_ERRORS; i++)
		print_message("  line %d %s: %s\n", errs.e[i].line, errs.e[i].field,
		              errs.e[i].message);
}

static void
expect_one_error(const char *text, int line, const char *field)
{
	int rc = config_parse_yaml(text, strlen(text), cfg, &errs);
	if (errs.count != 1)
		print_errors();
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.e[0].line, line);
	assert_string_equal(errs.e[0].field, field);
}

static void
valid_policy(void **state)
{
	(void)state;
	const char *text = BASE
	    "firewall:\n"
	    "  default: drop\n"
	    "  sections:\n"
	    "    - name: s1\n"
	    "      applied-to: [vm2, web]\n"
	    "      default: reject\n"
	    "      rules:\n"
	    "        - {id: 1, src: g1, dst: 198.18.0.2, service: {protocol: tcp, ports: "
	    "\"80,443,1000-2000\"}, action: allow, direction: in, log: true}\n"
	    "        - {id: 2, src: any, dst: any, service: {protocol: icmp, icmp-type: 8, "
	    "icmp-code: 0}, action: drop}\n"
	    "        - {id: 3, src: \"2001:db8::1\", dst: any, service: {protocol: udp, ports: "
	    "53}, action: reject, direction: out}\n"
	    "    - name: s2\n"
	    "      applied-to: all\n"
	    "conntrack:\n"
	    "  max-connections: 5000\n"
	    "  timeouts: {tcp-established: 100, udp: 5}\n";
	int rc = config_parse_yaml(text, strlen(text), cfg, &errs);
	if (rc)
		print_errors();
	assert_int_equal(rc, 0);
	const struct dse_fw_config *fw = fw_config(cfg);
	assert_true(fw->enabled);
	assert_int_equal(fw->default_action, DSE_FW_DROP);
	assert_int_equal(fw->nb_groups, 1);
	assert_int_equal(fw->groups[0].nb_members, 3);
	assert_true(fw->members[1].is_port);
	assert_int_equal(fw->nb_sections, 2);
	assert_int_equal(fw->sections[0].default_action, DSE_FW_REJECT);
	assert_int_equal(fw->sections[0].nb_applied, 2);
	assert_true(fw->sections[1].applied_all);
	assert_int_equal(fw->sections[1].default_action, DSE_FW_ACTION_NONE);
	assert_int_equal(fw->nb_rules, 3);
	const struct dse_fw_rule *r = &fw->rules[0];
	assert_int_equal(r->src.kind, DSE_FW_ADDR_GROUP);
	assert_int_equal(r->src.group, 0);
	assert_int_equal(r->dst.kind, DSE_FW_ADDR_PREFIX);
	assert_int_equal(r->dst.prefix.len, 32);
	assert_int_equal(r->protocol, 6);
	assert_int_equal(r->nb_ranges, 3);
	assert_int_equal(r->ranges[2].lo, 1000);
	assert_int_equal(r->ranges[2].hi, 2000);
	assert_int_equal(r->direction, DSE_FW_DIR_IN);
	assert_true(r->log);
	assert_int_equal(r->family, 4);
	assert_int_equal(fw->rules[1].icmp_type, 8);
	assert_int_equal(fw->rules[1].icmp_code, 0);
	assert_int_equal(fw->rules[1].direction, DSE_FW_DIR_BOTH);
	assert_int_equal(fw->rules[2].family, 6);
	assert_int_equal(fw->rules[2].ranges[0].lo, 53);
	assert_int_equal(fw->ct.max_connections, 5000);
	assert_int_equal(fw->ct.tcp_established, 100);
	assert_int_equal(fw->ct.udp, 5);
	assert_int_equal(fw->ct.tcp_fin, 120);
}

#define SECTION                                                                                    \
	"firewall:\n"             /* 8 */                                                          \
	"  sections:\n"           /* 9 */                                                          \
	"    - name: s1\n"        /* 10 */                                                         \
	"      applied-to: all\n" /* 11 */                                                         \
	"      rules:\n"          /* 12 */

#define R "firewall.sections[0].rules[0]"

static void
errors(void **state)
{
	(void)state;
	expect_one_error(BASE SECTION "        - {id: 1, src: nogroup, dst: any, action: allow}\n",
	                 13, R ".src");
	expect_one_error(BASE SECTION "        - {id: 1, src: 198.18.0.1/24, action: allow}\n", 13,
	                 R ".src");
	expect_one_error(BASE SECTION "        - {id: 1, dst: \"::1/200\", action: allow}\n", 13,
	                 R ".dst");
	expect_one_error(BASE SECTION "        - {id: 1, action: permit}\n", 13, R ".action");
	expect_one_error(BASE SECTION "        - {id: 1, action: allow, direction: up}\n", 13,
	                 R ".direction");
	expect_one_error(BASE SECTION "        - {id: 1, action: allow, log: 3}\n", 13, R ".log");
	expect_one_error(BASE SECTION "        - {src: any, action: allow}\n", 13, R ".id");
	expect_one_error(BASE SECTION "        - {id: 1}\n", 13, R ".action");
	expect_one_error(BASE SECTION "        - {id: 0, action: allow}\n", 13, R ".id");
	expect_one_error(BASE SECTION "        - {id: 1, action: allow, colour: red}\n", 13,
	                 R ".colour");
	expect_one_error(BASE SECTION "        - {id: 1, action: allow}\n"
	                              "        - {id: 1, action: drop}\n",
	                 14, "firewall.sections[0].rules[1].id");
	expect_one_error(BASE SECTION
	                 "        - {id: 1, action: allow, service: {protocol: sctpx}}\n",
	                 13, R ".service.protocol");
	expect_one_error(BASE SECTION
	                 "        - {id: 1, action: allow, service: {protocol: tcp, ports: "
	                 "\"90-80\"}}\n",
	                 13, R ".service.ports");
	expect_one_error(BASE SECTION
	                 "        - {id: 1, action: allow, service: {protocol: tcp, ports: "
	                 "70000}}\n",
	                 13, R ".service.ports");
	expect_one_error(BASE SECTION
	                 "        - {id: 1, action: allow, service: {protocol: icmp, ports: 80}}\n",
	                 13, R ".service.ports");
	expect_one_error(BASE SECTION
	                 "        - {id: 1, action: allow, service: {protocol: tcp, icmp-type: "
	                 "8}}\n",
	                 13, R ".service.icmp-type");
	expect_one_error(BASE SECTION
	                 "        - {id: 1, action: allow, service: {protocol: icmp, icmp-code: "
	                 "1}}\n",
	                 13, R ".service.icmp-code");
	expect_one_error(BASE SECTION
	                 "        - {id: 1, src: 198.18.0.1, dst: \"2001:db8::1\", action: "
	                 "allow}\n",
	                 13, R);
	expect_one_error(BASE SECTION
	                 "        - {id: 1, dst: \"2001:db8::1\", action: allow, service: "
	                 "{protocol: icmp}}\n",
	                 13, R);
	expect_one_error(BASE "firewall:\n  default: maybe\n", 9, "firewall.default");
	expect_one_error(BASE "firewall:\n  sections:\n    - {name: s1, applied-to: [nope]}\n", 10,
	                 "firewall.sections[0].applied-to[0]");
	expect_one_error(BASE "firewall:\n  sections:\n    - {name: s1}\n", 10,
	                 "firewall.sections[0].applied-to");
	expect_one_error(BASE "firewall:\n  sections:\n    - {name: s1, applied-to: all}\n"
	                      "    - {name: s1, applied-to: all}\n",
	                 11, "firewall.sections[1].name");
	expect_one_error(BASE "firewall:\n  sections:\n    - {name: s1, applied-to: all, "
	                      "default: none}\n",
	                 10, "firewall.sections[0].default");
	expect_one_error(BASE "  - {name: g1, members: [1.2.3.4]}\n", 8, "groups[1].name");
	expect_one_error(BASE "  - {name: g2, members: [nosuchport]}\n", 8, "groups[1].members[0]");
	expect_one_error(BASE "  - {name: g2, members: [\"1.2.3.4/40\"]}\n", 8,
	                 "groups[1].members[0]");
	expect_one_error(BASE "  - {members: [1.2.3.4]}\n", 8, "groups[1].name");
	expect_one_error(BASE "conntrack:\n  max-connections: 10\n", 9,
	                 "conntrack.max-connections");
	expect_one_error(BASE "conntrack:\n  timeouts: {tcp-fin: 0}\n", 9,
	                 "conntrack.timeouts.tcp-fin");
	expect_one_error(BASE "conntrack:\n  timeouts: {sctp: 5}\n", 9, "conntrack.timeouts.sctp");
}

static void
prefixes(void **state)
{
	(void)state;
	struct dse_fw_prefix p;
	char text[64];
	assert_int_equal(config_fw_prefix_parse("198.18.0.0/15", &p), 0);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.len, 15);
	config_fw_prefix_format(&p, text, sizeof(text));
	assert_string_equal(text, "198.18.0.0/15");
	assert_int_equal(config_fw_prefix_parse("2001:db8::/32", &p), 0);
	assert_int_equal(p.family, 6);
	assert_int_equal(config_fw_prefix_parse("198.18.0.1/15", &p), -EINVAL);
	assert_int_equal(config_fw_prefix_parse("198.18.0.0/", &p), -EINVAL);
	assert_int_equal(config_fw_prefix_parse("198.18.0.0/-1", &p), -EINVAL);
	assert_int_equal(config_fw_prefix_parse("/8", &p), -EINVAL);
	assert_int_equal(config_fw_prefix_parse("2001:db8::/129", &p), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(valid_policy),
	    cmocka_unit_test(errors),
	    cmocka_unit_test(prefixes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
