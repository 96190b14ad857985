/*
 * `dsectl port add|del`: builds a port object with the field names of a `ports` entry of the
 * YAML schema and sends it to `port.add`, or removes a port with `port.del` (docs/api.md).
 * Only the shape of the arguments is checked here (numbers are numbers, VLANs are VID:SEGMENT);
 * ranges and references are the engine's to check, so the rules live in one place.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Options of `port add` that map one-to-one onto string fields of the port object. */
enum cli_port_option {
	CLI_PORT_KIND = 256,
	CLI_PORT_SEGMENT,
	CLI_PORT_IFACE,
	CLI_PORT_PATH,
	CLI_PORT_TX_PATH,
	CLI_PORT_DEVARGS,
	CLI_PORT_MAC,
	CLI_PORT_MTU,
	CLI_PORT_QUEUES,
	CLI_PORT_INFINITE_RX,
	CLI_PORT_VLAN,
	CLI_PORT_JSON,
	CLI_PORT_HELP,
};

/* Adds {"vlan": VID, "segment": SEGMENT} parsed from "VID:SEGMENT" to vlans. */
static int
cli_port_add_vlan(json_t *vlans, const char *text)
{
	const char *colon = strchr(text, ':');
	long long vid;
	char number[16];

	if (colon == NULL || colon == text || colon[1] == '\0' ||
	    (size_t)(colon - text) >= sizeof(number))
		return cli_usage_error("port", "--vlan: expected VID:SEGMENT, got \"%s\"", text);
	memcpy(number, text, colon - text);
	number[colon - text] = '\0';
	if (cli_parse_integer(number, 0, 65535, &vid) < 0)
		return cli_usage_error("port", "--vlan: \"%s\" is not a VLAN number", number);
	if (json_array_append_new(
	        vlans, json_pack("{s:I, s:s}", "vlan", (json_int_t)vid, "segment", colon + 1)) < 0)
		return cli_usage_error("port", "--vlan: \"%s\" is not UTF-8 text", colon + 1);
	return CLI_EXIT_OK;
}

static int
cli_port_add(struct cli *cli, int argc, char **argv)
{
	/* In the order of enum cli_port_option: options[option - CLI_PORT_KIND] is its entry. */
	static const struct option options[] = {
	    {"kind", required_argument, NULL, CLI_PORT_KIND},
	    {"segment", required_argument, NULL, CLI_PORT_SEGMENT},
	    {"iface", required_argument, NULL, CLI_PORT_IFACE},
	    {"path", required_argument, NULL, CLI_PORT_PATH},
	    {"tx-path", required_argument, NULL, CLI_PORT_TX_PATH},
	    {"devargs", required_argument, NULL, CLI_PORT_DEVARGS},
	    {"mac", required_argument, NULL, CLI_PORT_MAC},
	    {"mtu", required_argument, NULL, CLI_PORT_MTU},
	    {"queues", required_argument, NULL, CLI_PORT_QUEUES},
	    {"infinite-rx", no_argument, NULL, CLI_PORT_INFINITE_RX},
	    {"vlan", required_argument, NULL, CLI_PORT_VLAN},
	    {"json", no_argument, NULL, CLI_PORT_JSON},
	    {"help", no_argument, NULL, CLI_PORT_HELP},
	    {NULL, 0, NULL, 0},
	};
	json_t *port = json_object(), *vlans = json_array(), *params, *result;
	int option, status = CLI_EXIT_OK;
	const char *field;
	char generation[32];
	long long number;

	optind = 0;
	while (status == CLI_EXIT_OK &&
	       (option = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (option) {
		case CLI_PORT_KIND:
		case CLI_PORT_SEGMENT:
		case CLI_PORT_IFACE:
		case CLI_PORT_PATH:
		case CLI_PORT_TX_PATH:
		case CLI_PORT_DEVARGS:
		case CLI_PORT_MAC:
			/* The option is named as the port object's field. */
			field = options[option - CLI_PORT_KIND].name;
			if (json_object_set_new(port, field, json_string(optarg)) < 0)
				status = cli_usage_error("port", "--%s: not UTF-8 text", field);
			break;
		case CLI_PORT_MTU:
		case CLI_PORT_QUEUES:
			if (cli_parse_integer(optarg, 0, 1000000, &number) < 0) {
				status = cli_usage_error(
				    "port", "--%s: expected a number, got \"%s\"",
				    option == CLI_PORT_MTU ? "mtu" : "queues", optarg);
				break;
			}
			json_object_set_new(port, option == CLI_PORT_MTU ? "mtu" : "queues",
			                    json_integer(number));
			break;
		case CLI_PORT_INFINITE_RX:
			json_object_set_new(port, "infinite-rx", json_true());
			break;
		case CLI_PORT_VLAN:
			status = cli_port_add_vlan(vlans, optarg);
			break;
		case CLI_PORT_JSON:
			cli->json = true;
			break;
		case CLI_PORT_HELP:
			cli_print_help(stdout, "port");
			status = -1;
			break;
		default:
			status = cli_usage_error("port", "unknown option or missing value: \"%s\"",
			                         argv[optind - 1]);
			break;
		}
	}
	if (status == CLI_EXIT_OK && optind != argc - 1)
		status = cli_usage_error("port", optind == argc ? "port add: missing NAME"
		                                                : "port add: expected one NAME");
	if (status == CLI_EXIT_OK && json_object_get(port, "kind") == NULL)
		status = cli_usage_error("port", "port add: --kind is required");
	if (status != CLI_EXIT_OK) {
		json_decref(port);
		json_decref(vlans);
		return status < 0 ? CLI_EXIT_OK : status;
	}
	/* The name first, as in the YAML file. */
	params = json_pack("{s:s}", "name", argv[optind]);
	if (params == NULL) {
		json_decref(port);
		json_decref(vlans);
		return cli_usage_error("port", "port add: NAME is not UTF-8 text");
	}
	json_object_update(params, port);
	if (json_array_size(vlans) > 0)
		json_object_set(params, "vlans", vlans);
	json_decref(vlans);
	json_decref(port);
	status = cli_show_call(cli, "port.add", params, &result);
	json_decref(params);
	if (result == NULL)
		return status;
	printf("added port %s (generation %s)\n", cli_json_text(result, "port"),
	       cli_json_number(result, "generation", generation));
	json_decref(result);
	return CLI_EXIT_OK;
}

static int
cli_port_del(struct cli *cli, int argc, char **argv)
{
	char generation[32];
	json_t *params, *result;
	int status;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error("port", "port del: expected one NAME");
	params = json_pack("{s:s}", "name", argv[1]);
	status = cli_show_call(cli, "port.del", params, &result);
	json_decref(params);
	if (result == NULL)
		return status;
	printf("removed port %s (generation %s)\n", argv[1],
	       cli_json_number(result, "generation", generation));
	json_decref(result);
	return CLI_EXIT_OK;
}

int
cli_cmd_port(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("port", "missing \"add\" or \"del\"");
	if (strcmp(argv[1], "add") == 0)
		return cli_port_add(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "del") == 0)
		return cli_port_del(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_print_help(stdout, "port");
		return CLI_EXIT_OK;
	}
	return cli_usage_error("port", "unknown port command \"%s\"", argv[1]);
}
