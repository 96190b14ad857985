/*
 * Reading and checking the overlay's config: transport-node.tep (this host's Geneve, RFC 8926, or
 * VXLAN, RFC 7348, tunnel endpoint), the static remote bindings (remote) and the segments'
 * flood-teps. Each field is type- and range-checked where it is read, with its line; the
 * references (uplink port, segments with a VNI, TEPs other than our own) are checked once the
 * whole config is known. The same fields are written back as JSON for config.get, in the form
 * the reader takes, so that the output applied again gives the same config.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "mgmt/config.h"
#include "mgmt/config_overlay.h"
#include "mgmt/config_parse.h"

#define FIELD_SIZE sizeof(((struct dse_config_error *)0)->field)

static const char ipv4_expected[] = "an IPv4 address such as 198.19.0.1";

const char *
config_encap_name(enum dse_encap encap)
{
	return encap == DSE_ENCAP_VXLAN ? "vxlan" : "geneve";
}

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

/* A unicast address a TEP can have: not 0/8, loopback, multicast, or broadcast. */
static bool
ipv4_is_unicast(uint32_t ip)
{
	uint8_t first = (uint8_t)(ip >> 24);

	return first != 0 && first != 127 && first < 224;
}

/* Reads an IPv4 address (with a prefix length when prefix_len is non-NULL). */
static int
get_ipv4(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, uint32_t *ip,
         uint8_t *prefix_len)
{
	const char *expected = prefix_len ? "an IPv4 address with its prefix length such as "
	                                    "198.19.0.1/24"
	                                  : ipv4_expected;
	char text[32];
	uint32_t value;

	if (cfgp_get_string(ctx, node, field, text, sizeof(text), expected) < 0)
		return -1;
	if (config_parse_ipv4(text, &value, prefix_len) < 0 || !ipv4_is_unicast(value)) {
		config_error(cfgp_errors(ctx), cfgp_line(ctx, node), field,
		             "expected %s (unicast), got \"%s\"", expected, text);
		return -1;
	}
	*ip = value;
	return 0;
}

static void
field_join(char *out, const char *prefix, const char *name)
{
	if (snprintf(out, FIELD_SIZE, "%s%s%s", prefix, prefix[0] ? "." : "", name) < 0)
		out[0] = '\0';
}

void
config_overlay_parse_tep(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
                         struct dse_overlay_config *ov)
{
	static const char *const names[] = {"address",       "uplink", "next-hop",    "mtu",
	                                    "encapsulation", "ttl",    "next-hop-mac"};
	struct dse_tep_config *tep = &ov->tep;
	char field[FIELD_SIZE];
	uint32_t seen = 0;
	long long value;

	memset(tep, 0, sizeof(*tep));
	tep->mtu = 1500;
	tep->ttl = 64;
	tep->encap = DSE_ENCAP_GENEVE;
	tep->line = cfgp_line(ctx, node);
	if (cfgp_expect_mapping(ctx, node, prefix,
	                        "a mapping of address, uplink, next-hop, next-hop-mac, mtu, "
	                        "encapsulation, ttl",
	                        false) <= 0)
		return;
	tep->enabled = true;
	for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		int index =
		    cfgp_lookup_field(ctx, cfgp_node(ctx, pair->key), prefix, names, 7, &seen);
		const yaml_node_t *v = cfgp_node(ctx, pair->value);

		if (index < 0 || v == NULL)
			continue;
		field_join(field, prefix, names[index]);
		switch (index) {
		case 0:
			get_ipv4(ctx, v, field, &tep->address, &tep->prefix_len);
			break;
		case 1:
			tep->uplink_line = cfgp_line(ctx, v);
			cfgp_get_name(ctx, v, field, tep->uplink);
			break;
		case 2:
			tep->next_hop_line = cfgp_line(ctx, v);
			get_ipv4(ctx, v, field, &tep->next_hop, NULL);
			break;
		case 3:
			if (cfgp_get_integer(ctx, v, field, 576, 9216, NULL, &value) == 0)
				tep->mtu = (uint16_t)value;
			break;
		case 4: {
			static const char expected[] = "geneve or vxlan";
			char text[16];

			if (cfgp_get_string(ctx, v, field, text, sizeof(text), expected) < 0)
				break;
			if (strcmp(text, "geneve") == 0)
				tep->encap = DSE_ENCAP_GENEVE;
			else if (strcmp(text, "vxlan") == 0)
				tep->encap = DSE_ENCAP_VXLAN;
			else
				config_error(cfgp_errors(ctx), cfgp_line(ctx, v), field,
				             "expected %s, got \"%s\"", expected, text);
			break;
		}
		case 5:
			if (cfgp_get_integer(ctx, v, field, 1, 255, NULL, &value) == 0)
				tep->ttl = (uint8_t)value;
			break;
		case 6:
			if (cfgp_get_mac(ctx, v, field, tep->next_hop_mac) == 0)
				tep->has_next_hop_mac = true;
			break;
		}
	}
	if (!(seen & 1))
		cfgp_missing_field(ctx, node, prefix, "address",
		                   "this host's TEP address with its prefix length");
	if (!(seen & 2))
		cfgp_missing_field(ctx, node, prefix, "uplink", "the name of the uplink port");
}

/* Reads one remote binding. */
static void
parse_binding(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
              struct dse_remote_binding *b)
{
	static const char *const names[] = {"segment", "mac", "ip", "tep"};
	char field[FIELD_SIZE];
	uint32_t seen = 0;

	memset(b, 0, sizeof(*b));
	b->line = cfgp_line(ctx, node);
	if (cfgp_expect_mapping(ctx, node, prefix, "a mapping of segment, mac, ip, tep", false) < 0)
		return;
	for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		int index =
		    cfgp_lookup_field(ctx, cfgp_node(ctx, pair->key), prefix, names, 4, &seen);
		const yaml_node_t *v = cfgp_node(ctx, pair->value);

		if (index < 0 || v == NULL)
			continue;
		field_join(field, prefix, names[index]);
		switch (index) {
		case 0:
			cfgp_get_name(ctx, v, field, b->segment);
			break;
		case 1:
			cfgp_get_mac(ctx, v, field, b->mac);
			break;
		case 2:
			if (get_ipv4(ctx, v, field, &b->ip, NULL) == 0)
				b->has_ip = true;
			break;
		case 3:
			get_ipv4(ctx, v, field, &b->tep, NULL);
			break;
		}
	}
	if (!(seen & 1))
		cfgp_missing_field(ctx, node, prefix, "segment", "the segment of the binding");
	if (!(seen & 2))
		cfgp_missing_field(ctx, node, prefix, "mac", "the workload's MAC address");
	if (!(seen & 8))
		cfgp_missing_field(ctx, node, prefix, "tep", "the remote TEP's IPv4 address");
}

void
config_overlay_parse_remote(struct parse_ctx *ctx, const yaml_node_t *node,
                            struct dse_overlay_config *ov)
{
	char field[FIELD_SIZE];

	if (cfgp_expect_sequence(ctx, node, "remote", "a list of remote bindings") <= 0)
		return;
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		const yaml_node_t *item_node = cfgp_node(ctx, *item);

		if (item_node == NULL)
			continue;
		if (ov->nb_remote >= DSE_MAX_REMOTE) {
			config_error(cfgp_errors(ctx), cfgp_line(ctx, item_node), "remote",
			             "too many remote bindings; at most %d", DSE_MAX_REMOTE);
			return;
		}
		snprintf(field, sizeof(field), "remote[%u]", ov->nb_remote);
		parse_binding(ctx, item_node, field, &ov->remote[ov->nb_remote]);
		ov->nb_remote++;
	}
}

void
config_overlay_parse_flood_teps(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
                                struct dse_segment_config *segment)
{
	char field[FIELD_SIZE];

	segment->nb_flood_teps = 0;
	if (cfgp_expect_sequence(ctx, node, prefix, "a list of remote TEP IPv4 addresses") <= 0)
		return;
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		const yaml_node_t *item_node = cfgp_node(ctx, *item);
		uint32_t ip;

		if (item_node == NULL)
			continue;
		snprintf(field, sizeof(field), "%s[%ld]", prefix,
		         (long)(item - node->data.sequence.items.start));
		if (segment->nb_flood_teps >= DSE_MAX_FLOOD_TEPS) {
			config_error(cfgp_errors(ctx), cfgp_line(ctx, item_node), field,
			             "too many flood TEPs; at most %d", DSE_MAX_FLOOD_TEPS);
			return;
		}
		if (get_ipv4(ctx, item_node, field, &ip, NULL) < 0)
			continue;
		bool repeated = false;
		for (uint16_t j = 0; j < segment->nb_flood_teps; j++)
			repeated |= segment->flood_teps[j] == ip;
		if (repeated) {
			config_error(cfgp_errors(ctx), cfgp_line(ctx, item_node), field,
			             "TEP listed twice");
			continue;
		}
		segment->flood_teps[segment->nb_flood_teps++] = ip;
	}
}

bool
config_overlay_is_uplink(const struct dse_config *cfg, const char *port_name)
{
	return cfg->overlay.tep.enabled && port_name[0] != '\0' &&
	       strncmp(cfg->overlay.tep.uplink, port_name, sizeof(cfg->overlay.tep.uplink)) == 0;
}

/* Checks that segment `name` exists and has a VNI; field names the reference. */
static void
check_segment(const struct dse_config *cfg, const char *name, int line, const char *field,
              struct dse_config_errors *errs)
{
	int s = config_find_segment(cfg, name);

	if (s < 0)
		config_error(errs, line, field, "unknown segment \"%s\"", name);
	else if (cfg->segments[s].vni == 0)
		config_error(errs, line, field,
		             "segment \"%s\" has no vni; a segment that spans hosts needs one",
		             name);
}

void
config_overlay_validate(const struct dse_config *cfg, struct dse_config_errors *errs)
{
	const struct dse_tep_config *tep = &cfg->overlay.tep;
	char field[FIELD_SIZE];

	if (tep->enabled && tep->uplink[0] != '\0') {
		int p = config_find_port(cfg, tep->uplink);

		if (p < 0)
			config_error(errs, tep->uplink_line, "transport-node.tep.uplink",
			             "unknown port \"%s\"", tep->uplink);
		else if (cfg->ports[p].segment[0] != '\0' || cfg->ports[p].nb_vlans != 0)
			config_error(
			    errs, cfg->ports[p].line, "transport-node.tep.uplink",
			    "port \"%s\" is the uplink: it carries the underlay and cannot "
			    "have a segment or vlans",
			    tep->uplink);
	}
	if (tep->enabled && tep->next_hop != 0 && tep->address != 0) {
		uint32_t mask = tep->prefix_len ? ~0u << (32 - tep->prefix_len) : 0;

		if (tep->next_hop == tep->address)
			config_error(errs, tep->next_hop_line, "transport-node.tep.next-hop",
			             "the next hop is the TEP address itself");
		else if ((tep->next_hop & mask) != (tep->address & mask))
			config_error(errs, tep->next_hop_line, "transport-node.tep.next-hop",
			             "the next hop is not in the TEP's subnet /%u",
			             tep->prefix_len);
	}

	for (uint16_t i = 0; i < cfg->nb_segments; i++) {
		const struct dse_segment_config *seg = &cfg->segments[i];

		if (seg->nb_flood_teps == 0)
			continue;
		snprintf(field, sizeof(field), "segments[%u].flood-teps", i);
		if (!tep->enabled)
			config_error(errs, seg->line, field,
			             "flood TEPs need this host's transport-node.tep");
		if (seg->vni == 0)
			config_error(
			    errs, seg->line, field,
			    "segment \"%s\" has no vni; a segment that spans hosts needs one",
			    seg->name);
		for (uint16_t j = 0; j < seg->nb_flood_teps; j++)
			if (tep->enabled && seg->flood_teps[j] == tep->address)
				config_error(errs, seg->line, field,
				             "lists this host's own TEP address");
	}

	for (uint16_t i = 0; i < cfg->overlay.nb_remote; i++) {
		const struct dse_remote_binding *b = &cfg->overlay.remote[i];

		snprintf(field, sizeof(field), "remote[%u].segment", i);
		if (b->segment[0] != '\0')
			check_segment(cfg, b->segment, b->line, field, errs);
		snprintf(field, sizeof(field), "remote[%u].tep", i);
		if (!tep->enabled)
			config_error(errs, b->line, field,
			             "remote bindings need this host's transport-node.tep");
		else if (b->tep != 0 && b->tep == tep->address)
			config_error(errs, b->line, field, "is this host's own TEP address");
		for (uint16_t j = 0; j < i; j++) {
			const struct dse_remote_binding *o = &cfg->overlay.remote[j];

			if (memcmp(o->mac, b->mac, 6) == 0 && strcmp(o->segment, b->segment) == 0) {
				snprintf(field, sizeof(field), "remote[%u].mac", i);
				config_error(
				    errs, b->line, field,
				    "duplicate binding in segment \"%s\" (first at line %d)",
				    b->segment, o->line);
				break;
			}
		}
		for (uint16_t j = 0; j < cfg->nb_static_macs; j++)
			if (memcmp(cfg->static_macs[j].mac, b->mac, 6) == 0 &&
			    strcmp(cfg->static_macs[j].segment, b->segment) == 0) {
				snprintf(field, sizeof(field), "remote[%u].mac", i);
				config_error(
				    errs, b->line, field,
				    "this MAC is also a static MAC of a local port (line %d)",
				    cfg->static_macs[j].line);
				break;
			}
	}
}

/* "a.b.c.d" (or "a.b.c.d/n" with prefix_len non-zero) as a JSON string. */
static json_t *
ipv4_json(uint32_t ip, uint8_t prefix_len)
{
	char text[24];

	if (prefix_len)
		snprintf(text, sizeof(text), "%u.%u.%u.%u/%u", ip >> 24, (ip >> 16) & 255,
		         (ip >> 8) & 255, ip & 255, prefix_len);
	else
		snprintf(text, sizeof(text), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		         (ip >> 8) & 255, ip & 255);
	return json_string(text);
}

static json_t *
mac_json(const uint8_t *mac)
{
	char text[18];

	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
	         mac[3], mac[4], mac[5]);
	return json_string(text);
}

/* Sets key of obj to value (which it takes); returns -1 if value is NULL or on failure. */
static int
set(json_t *obj, const char *key, json_t *value)
{
	if (value == NULL)
		return -1;
	return json_object_set_new(obj, key, value);
}

/* transport-node.tep as a JSON object. */
static json_t *
tep_to_json(const struct dse_tep_config *tep)
{
	json_t *obj = json_object();
	int rc = 0;

	if (obj == NULL)
		return NULL;
	rc |= set(obj, "address", ipv4_json(tep->address, tep->prefix_len));
	rc |= set(obj, "uplink",
	          json_stringn(tep->uplink, strnlen(tep->uplink, sizeof(tep->uplink))));
	if (tep->next_hop)
		rc |= set(obj, "next-hop", ipv4_json(tep->next_hop, 0));
	if (tep->has_next_hop_mac)
		rc |= set(obj, "next-hop-mac", mac_json(tep->next_hop_mac));
	rc |= set(obj, "mtu", json_integer(tep->mtu));
	rc |= set(obj, "encapsulation", json_string(config_encap_name(tep->encap)));
	rc |= set(obj, "ttl", json_integer(tep->ttl));
	if (rc != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int
config_overlay_to_json(const struct dse_config *cfg, json_t *obj)
{
	const struct dse_overlay_config *ov = &cfg->overlay;
	json_t *node = json_object_get(obj, "transport-node");
	json_t *segments = json_object_get(obj, "segments");
	int rc = 0;

	if (ov->tep.enabled)
		rc |= set(node, "tep", tep_to_json(&ov->tep));
	for (unsigned i = 0; i < cfg->nb_segments && i < DSE_MAX_SEGMENTS; i++) {
		const struct dse_segment_config *seg = &cfg->segments[i];
		json_t *list;

		if (seg->nb_flood_teps == 0)
			continue;
		list = json_array();
		for (unsigned j = 0; list != NULL && j < seg->nb_flood_teps; j++)
			if (json_array_append_new(list, ipv4_json(seg->flood_teps[j], 0)) < 0)
				rc = -1;
		rc |= set(json_array_get(segments, i), "flood-teps", list);
	}
	if (ov->nb_remote == 0)
		return rc ? -ENOMEM : 0;
	json_t *remote = json_array();
	for (unsigned i = 0; remote != NULL && i < ov->nb_remote && i < DSE_MAX_REMOTE; i++) {
		const struct dse_remote_binding *b = &ov->remote[i];
		json_t *entry = json_object();

		if (entry == NULL || json_array_append_new(remote, entry) < 0) {
			rc = -1;
			break;
		}
		rc |= set(entry, "segment",
		          json_stringn(b->segment, strnlen(b->segment, sizeof(b->segment))));
		rc |= set(entry, "mac", mac_json(b->mac));
		if (b->has_ip)
			rc |= set(entry, "ip", ipv4_json(b->ip, 0));
		rc |= set(entry, "tep", ipv4_json(b->tep, 0));
	}
	rc |= set(obj, "remote", remote);
	return rc ? -ENOMEM : 0;
}
