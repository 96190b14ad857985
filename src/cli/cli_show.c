/*
 * `dsectl show ...`: the read-only views of the engine. Each subject is one API method
 * (docs/api.md) whose result is printed as an aligned table, or as JSON with --json.
 * Config, stats and drops have their own files, each service its own views (core/service.h);
 * this one holds the option parsing and the simple views (engine, ports, graph).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_table.h"

/* Prints an uptime in seconds as days, hours, minutes and seconds. */
static void
cli_print_uptime(json_int_t seconds)
{
	long long s = seconds;

	if (s >= 86400)
		printf("%lldd ", s / 86400);
	printf("%02lld:%02lld:%02lld (%lld s)\n", s % 86400 / 3600, s % 3600 / 60, s % 60, s);
}

/* engine.info: one "key: value" line per field. */
static int
cli_show_engine(struct cli *cli, const char *arg)
{
	(void)arg;
	json_t *result, *lcore;
	char buf[32];
	size_t index;
	int status = cli_show_call(cli, "engine.info", NULL, &result);
	if (result == NULL)
		return status;
	printf("version:     %s\n", cli_json_text(result, "version"));
	printf("node:        %s\n", cli_json_text(result, "node"));
	printf("workers:     %s\n", cli_json_number(result, "workers", buf));
	printf("lcores:      ");
	json_array_foreach(json_object_get(result, "lcores"), index, lcore)
	    printf("%s%lld", index > 0 ? ", " : "", (long long)json_integer_value(lcore));
	printf("%s\n", json_array_size(json_object_get(result, "lcores")) == 0 ? "-" : "");
	printf("generation:  %s\n", cli_json_number(result, "generation", buf));
	printf("uptime:      ");
	if (json_is_integer(json_object_get(result, "uptime_s")))
		cli_print_uptime(json_integer_value(json_object_get(result, "uptime_s")));
	else
		printf("-\n");
	json_decref(result);
	return CLI_EXIT_OK;
}

/* Formats a port's VLAN list as "VID:SEGMENT,..." into a cell. */
static int
cli_cell_vlans(struct cli_table *table, json_t *vlans)
{
	json_t *texts = json_array(), *vlan;
	size_t index;
	json_array_foreach(vlans, index, vlan) json_array_append_new(
	    texts,
	    json_sprintf("%lld:%s", (long long)json_integer_value(json_object_get(vlan, "vlan")),
	                 cli_json_text(vlan, "segment")));
	int ret = cli_cell_join(table, texts);
	json_decref(texts);
	return ret;
}

/* A row of ports.list: a port with its link state and device counters. */
static void
cli_port_row(struct cli_table *table, json_t *port)
{
	static const char *const texts[] = {"name", "kind", "segment"};
	static const char *const counters[] = {"rx_packets", "rx_bytes",  "tx_packets",
	                                       "tx_bytes",   "rx_errors", "tx_dropped"};

	cli_cell_texts(table, port, texts, CLI_DIM(texts));
	cli_cell_vlans(table, json_object_get(port, "vlans"));
	cli_table_cell(table, "%s", cli_json_text(port, "link"));
	cli_cell_numbers(table, port, counters, CLI_DIM(counters));
}

/* ports.list: one row per port. */
static int
cli_show_ports(struct cli *cli, const char *arg)
{
	(void)arg;
	static const struct cli_column columns[] = {
	    {"NAME", false},    {"KIND", false},   {"SEGMENT", false}, {"VLANS", false},
	    {"LINK", false},    {"RX-PKTS", true}, {"RX-BYTES", true}, {"TX-PKTS", true},
	    {"TX-BYTES", true}, {"RX-ERR", true},  {"TX-DROP", true},
	};
	static const struct cli_list_view view = {
	    "ports.list", "ports", columns, CLI_DIM(columns), cli_port_row, NULL,
	};

	return cli_show_list(cli, &view, NULL);
}

/* Name of a graph node given as a NODE object or as a plain string. */
static const char *
cli_node_name(json_t *node)
{
	if (json_is_string(node))
		return json_string_value(node);
	return json_string_value(json_object_get(node, "name"));
}

/* graph.show: every node with the nodes it feeds, in the order the engine lists them. */
static int
cli_show_graph(struct cli *cli, const char *arg)
{
	(void)arg;
	static const struct cli_column columns[] = {{"NODE", false}, {"NEXT", false}};
	json_t *result, *node, *edge, *names;
	struct cli_table *table;
	size_t index, edge_index;
	char buf[32];
	int status = cli_show_call(cli, "graph.show", NULL, &result);
	if (result == NULL)
		return status;
	/* Nodes listed, then any node that appears only in an edge. */
	names = json_array();
	json_array_foreach(json_object_get(result, "nodes"), index,
	                   node) if (cli_node_name(node) != NULL)
	    json_array_append_new(names, json_string(cli_node_name(node)));
	json_array_foreach(json_object_get(result, "edges"), edge_index, edge)
	{
		for (size_t end = 0; end < 2; end++) {
			const char *name = json_string_value(json_array_get(edge, end));
			bool known = false;
			json_t *seen;

			json_array_foreach(names, index, seen) known =
			    known || (name != NULL && strcmp(json_string_value(seen), name) == 0);
			if (name != NULL && !known)
				json_array_append_new(names, json_string(name));
		}
	}
	table = cli_table_create(columns, 2);
	if (table == NULL) {
		json_decref(names);
		json_decref(result);
		return CLI_EXIT_API;
	}
	json_array_foreach(names, index, node)
	{
		json_t *next = json_array();

		json_array_foreach(json_object_get(result, "edges"), edge_index, edge)
		{
			const char *from = json_string_value(json_array_get(edge, 0));
			json_t *to = json_array_get(edge, 1);

			if (from != NULL && json_is_string(to) &&
			    strcmp(from, json_string_value(node)) == 0)
				json_array_append(next, to);
		}
		cli_table_cell(table, "%s", json_string_value(node));
		cli_cell_join(table, next);
		json_decref(next);
	}
	printf("workers: %s\n\n", cli_json_number(result, "workers", buf));
	cli_table_finish(table);
	json_decref(names);
	json_decref(result);
	return CLI_EXIT_OK;
}

int
cli_cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *subject;
	int option;

	optind = 0;
	while ((option = getopt_long(argc, argv, "ajh", options, NULL)) != -1) {
		switch (option) {
		case 'a':
			cli->all = true;
			break;
		case 'j':
			cli->json = true;
			break;
		case 'h':
			cli_print_help(stdout, "show");
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("show", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_usage_error("show", "missing what to show");
	subject = argv[optind];
	for (size_t i = 0; i < cli_show_subject_count; i++) {
		const struct cli_show_subject *sub = cli_show_subjects[i];
		if (strcmp(subject, sub->name) != 0)
			continue;
		if (sub->arg == NULL && argc - optind > 1)
			return cli_usage_error("show", "unexpected argument \"%s\"",
			                       argv[optind + 1]);
		if (argc - optind > 2)
			return cli_usage_error("show", "show %s takes at most one %s", sub->name,
			                       sub->arg);
		return sub->run(cli, argc - optind == 2 ? argv[optind + 1] : NULL);
	}
	return cli_usage_error("show", "cannot show \"%s\"", subject);
}

static const struct cli_show_subject core_subjects[] = {
    {"engine", cli_show_engine, NULL, "version, node name, workers, config generation, uptime"},
    {"config", cli_show_config, NULL, "the running config, as YAML that `apply` accepts"},
    {"ports", cli_show_ports, NULL, "ports with kind, segment, VLANs, link and counters"},
    {"graph", cli_show_graph, NULL, "the packet graph: each node and the nodes it feeds"},
    {"stats", cli_show_stats, NULL,
     "port counters, per-node calls/packets/cycles, drops by reason"},
    {"drops", cli_show_drops, NULL, "packets dropped, by node and reason"},
};

const struct cli_service cli_core_show = {
    .subjects = core_subjects,
    .nb_subjects = sizeof(core_subjects) / sizeof(core_subjects[0]),
};
