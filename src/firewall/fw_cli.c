/*
 * The firewall commands of dsectl: `show fw` (the policy with hit counters per rule, from
 * fw.show), `fw apply -f FILE [--revalidate]` (config.apply, then fw.revalidate so established
 * connections are re-decided by the new rules), `fw revalidate`, and `ct show|flush [filters]`
 * (the connection table, from ct.show / ct.flush). See docs/api.md.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_table.h"

/*
 * Adds the row of a default verdict: name is the section's (or "(policy)"), object the section
 * or the policy with its default, default_packets and default_bytes.
 */
static void
cli_fw_default_row(struct cli_table *table, const char *name, json_t *object)
{
	static const char *const any[] = {"default", "any", "any", "any", "both"};
	static const char *const numbers[] = {"default_packets", "default_bytes"};

	cli_table_cell(table, "%s", name);
	for (size_t i = 0; i < CLI_DIM(any); i++)
		cli_table_cell(table, "%s", any[i]);
	cli_table_cell(table, "%s", cli_json_text(object, "default"));
	cli_table_cell(table, "no");
	cli_cell_numbers(table, object, numbers, CLI_DIM(numbers));
}

static int
cli_show_fw(struct cli *cli, const char *arg)
{
	(void)arg;
	static const struct cli_column columns[] = {
	    {"SECTION", false}, {"ID", true},    {"SRC", false},    {"DST", false},
	    {"SERVICE", false}, {"DIR", false},  {"ACTION", false}, {"LOG", false},
	    {"PACKETS", true},  {"BYTES", true},
	};
	json_t *result, *rule, *section;
	char buf[32];
	size_t index;
	struct cli_table *table;
	int status =
	    cli_show_table(cli, "fw.show", NULL, columns, CLI_DIM(columns), &result, &table);
	if (table == NULL)
		return status;
	json_array_foreach(json_object_get(result, "rules"), index, rule)
	{
		static const char *const verdict[] = {"direction", "action"};
		static const char *const hits[] = {"packets", "bytes"};
		json_t *svc = json_object_get(rule, "service");
		char service[64];
		snprintf(service, sizeof(service), "%s%s%s", cli_json_text(svc, "protocol"),
		         json_object_get(svc, "ports") ? "/" : "",
		         json_object_get(svc, "ports") ? cli_json_text(svc, "ports") : "");
		cli_table_cell(table, "%s", cli_json_text(rule, "section"));
		cli_table_cell(table, "%s", cli_json_number(rule, "id", buf));
		cli_table_cell(table, "%s", cli_json_text(rule, "src"));
		cli_table_cell(table, "%s", cli_json_text(rule, "dst"));
		cli_table_cell(table, "%s", service);
		cli_cell_texts(table, rule, verdict, CLI_DIM(verdict));
		cli_table_cell(table, "%s",
		               json_is_true(json_object_get(rule, "log")) ? "yes" : "no");
		cli_cell_numbers(table, rule, hits, CLI_DIM(hits));
	}
	json_array_foreach(json_object_get(result, "sections"), index, section)
	{
		if (strcmp(cli_json_text(section, "default"), "none") == 0)
			continue;
		cli_fw_default_row(table, cli_json_text(section, "name"), section);
	}
	cli_fw_default_row(table, "(policy)", result);
	printf("firewall: %s\n",
	       json_is_true(json_object_get(result, "enabled")) ? "enabled" : "disabled");
	cli_table_finish(table);
	json_t *ct = json_object_get(result, "conntrack");
	printf("connections: %s", cli_json_number(ct, "connections", buf));
	printf(" of %s", cli_json_number(ct, "max_connections", buf));
	printf(" (%s bytes per connection)\n", cli_json_number(ct, "bytes_per_connection", buf));
	json_decref(result);
	return CLI_EXIT_OK;
}

/* Parses ct filters into params. Returns CLI_EXIT_OK or a usage error. */
static int
ct_filters(const char *cmd, int argc, char **argv, json_t *params)
{
	static const struct option options[] = {
	    {"address", required_argument, NULL, 'a'},  {"port", required_argument, NULL, 'p'},
	    {"protocol", required_argument, NULL, 'P'}, {"state", required_argument, NULL, 's'},
	    {"limit", required_argument, NULL, 'l'},    {NULL, 0, NULL, 0},
	};
	int option;
	long long v;

	optind = 0;
	while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (option) {
		case 'a':
			json_object_set_new(params, "address", json_string(optarg));
			break;
		case 'P':
			json_object_set_new(params, "protocol", json_string(optarg));
			break;
		case 's':
			json_object_set_new(params, "state", json_string(optarg));
			break;
		case 'p':
		case 'l':
			if (cli_parse_integer(optarg, option == 'p' ? 0 : 1,
			                      option == 'p' ? 65535 : 1000000, &v) < 0)
				return cli_usage_error(cmd, "bad number \"%s\"", optarg);
			json_object_set_new(params, option == 'p' ? "port" : "limit",
			                    json_integer(v));
			break;
		default:
			return cli_usage_error(cmd, "unknown option or missing value: \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "unexpected argument \"%s\"", argv[optind]);
	return CLI_EXIT_OK;
}

static int
cli_cmd_ct(struct cli *cli, int argc, char **argv)
{
	static const struct cli_column columns[] = {
	    {"PROTO", true}, {"SOURCE", false}, {"DESTINATION", false}, {"STATE", false},
	    {"IN", false},   {"OUT", false},    {"RULE", true},         {"AGE", true},
	    {"IDLE", true},  {"PKTS>", true},   {"PKTS<", true},
	};
	static const char *const where[] = {"state", "in_port", "out_port"};
	static const char *const numbers[] = {"rule", "age_s", "idle_s", "packets_orig",
	                                      "packets_reply"};
	if (argc < 2 || (strcmp(argv[1], "show") != 0 && strcmp(argv[1], "flush") != 0))
		return cli_usage_error("ct", "expected show or flush");
	bool flush = strcmp(argv[1], "flush") == 0;
	json_t *params = json_object(), *result, *entry;
	int status = ct_filters("ct", argc - 1, argv + 1, params);
	if (status == CLI_EXIT_OK)
		status = cli_call(cli, flush ? "ct.flush" : "ct.show", params, &result);
	json_decref(params);
	if (status != CLI_EXIT_OK)
		return status;
	char buf[32], a[80], b[80];
	size_t index;
	if (cli->json) {
		cli_print_json(result);
	} else if (flush) {
		printf("removed %s connections\n", cli_json_number(result, "removed", buf));
	} else {
		struct cli_table *table = cli_table_create(columns, CLI_DIM(columns));
		json_array_foreach(json_object_get(result, "entries"), index, entry)
		{
			snprintf(a, sizeof(a), "%s:%s", cli_json_text(entry, "src"),
			         cli_json_number(entry, "sport", buf));
			snprintf(b, sizeof(b), "%s:%s", cli_json_text(entry, "dst"),
			         cli_json_number(entry, "dport", buf));
			cli_table_cell(table, "%s", cli_json_number(entry, "proto", buf));
			cli_table_cell(table, "%s", a);
			cli_table_cell(table, "%s", b);
			cli_cell_texts(table, entry, where, CLI_DIM(where));
			cli_cell_numbers(table, entry, numbers, CLI_DIM(numbers));
		}
		cli_table_finish(table);
		printf("%s of %s connections\n", cli_json_number(result, "matched", b),
		       cli_json_number(result, "connections", buf));
	}
	json_decref(result);
	return CLI_EXIT_OK;
}

static int
cli_cmd_fw(struct cli *cli, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return cli_show_fw(cli, NULL);
	if (argc >= 2 && strcmp(argv[1], "revalidate") == 0) {
		json_t *result;
		int status = cli_call(cli, "fw.revalidate", NULL, &result);
		if (status == CLI_EXIT_OK)
			json_decref(result);
		return status;
	}
	if (argc < 2 || strcmp(argv[1], "apply") != 0)
		return cli_usage_error("fw", "expected show, apply or revalidate");
	/* apply's own options, without --revalidate. */
	bool revalidate = false;
	char **args = calloc((size_t)argc, sizeof(char *));
	int n = 0;
	if (args == NULL)
		return CLI_EXIT_API;
	args[n++] = (char *)"apply";
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--revalidate") == 0)
			revalidate = true;
		else
			args[n++] = argv[i];
	}
	int status = cli_cmd_apply(cli, n, args);
	free(args);
	if (status != CLI_EXIT_OK || !revalidate)
		return status;
	json_t *result;
	status = cli_call(cli, "fw.revalidate", NULL, &result);
	if (status == CLI_EXIT_OK) {
		if (!cli->json)
			printf("established connections revalidated\n");
		json_decref(result);
	}
	return status;
}

static const struct cli_command fw_commands[] = {
    {"fw", cli_cmd_fw, "fw show\nfw apply -f FILE [--revalidate]\nfw revalidate",
     "show        firewall rules with hit counters (same as `show fw`)\n"
     "apply       apply a config; with --revalidate, established connections are\n"
     "            re-decided by the new rules (otherwise they keep their verdict)\n"
     "revalidate  re-decide established connections by the current rules"},
    {"ct", cli_cmd_ct,
     "ct show [--address PREFIX] [--port N] [--protocol P] [--state S] [--limit N]\n"
     "ct flush [--address PREFIX] [--port N] [--protocol P] [--state S]",
     "List or remove tracked connections, all or those matching every filter given.\n"
     "P is tcp, udp, icmp or icmpv6; S a state such as established or time-wait."},
};

static const struct cli_show_subject fw_subjects[] = {
    {"fw", cli_show_fw, NULL, "firewall rules with hit counters"},
};

const struct cli_service dse_cli_firewall = {
    .commands = fw_commands,
    .nb_commands = sizeof(fw_commands) / sizeof(fw_commands[0]),
    .subjects = fw_subjects,
    .nb_subjects = sizeof(fw_subjects) / sizeof(fw_subjects[0]),
};
