/*
 * Counters from `stats.show` (docs/api.md): `dsectl show stats` prints the port counters, the
 * per-node work of the packet graph (calls, packets, cycles per packet) and the drops by node
 * and reason; `dsectl show drops` prints only the drops; `dsectl stats clear` resets them all.
 * Drop reasons at zero are listed only with --all, so what is printed is what happened.
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_table.h"

/*
 * Prints one row per port: its name, then the numbers under keys in the port's member sub (in
 * the port itself when sub is NULL).
 */
static void
cli_print_port_table(json_t *ports, const struct cli_column *columns, size_t nb_columns,
                     const char *const *keys, size_t nb_keys, const char *sub)
{
	struct cli_table *table = cli_table_create(columns, nb_columns);
	json_t *port;
	size_t index;

	if (table == NULL)
		return;
	json_array_foreach(ports, index, port)
	{
		cli_table_cell(table, "%s", cli_json_text(port, "name"));
		cli_cell_numbers(table, sub != NULL ? json_object_get(port, sub) : port, keys,
		                 nb_keys);
	}
	cli_table_finish(table);
}

/* Prints the per-port counter table. */
static void
cli_print_port_counters(json_t *ports)
{
	static const struct cli_column columns[] = {
	    {"PORT", false},    {"RX-PKTS", true},   {"RX-BYTES", true},
	    {"RX-ERR", true},   {"RX-MISSED", true}, {"TX-PKTS", true},
	    {"TX-BYTES", true}, {"TX-ERR", true},    {"TX-DROP", true},
	};
	static const char *const counters[] = {"rx_packets", "rx_bytes", "rx_errors", "rx_missed",
	                                       "tx_packets", "tx_bytes", "tx_errors", "tx_dropped"};

	cli_print_port_table(ports, columns, CLI_DIM(columns), counters, CLI_DIM(counters), NULL);
}

/* Prints, per port, what the transmit side did with packets carrying offload state (partial
 * checksums, GSO frames): handed to the device, checksum completed, frames cut and the segments
 * they made. */
static void
cli_print_offload_counters(json_t *ports)
{
	static const struct cli_column columns[] = {
	    {"PORT", false},   {"OFFL-TO-DEVICE", true}, {"CSUM-COMPLETED", true},
	    {"GSO-CUT", true}, {"GSO-SEGMENTS", true},
	};
	static const char *const counters[] = {"to_device", "completed", "segmented", "segments"};

	cli_print_port_table(ports, columns, CLI_DIM(columns), counters, CLI_DIM(counters),
	                     "tx_offload");
}

/* Prints the per-node table: calls, packets, packets per call and cycles per packet. */
static void
cli_print_node_counters(json_t *nodes)
{
	static const struct cli_column columns[] = {
	    {"NODE", false},     {"CALLS", true},      {"PACKETS", true},
	    {"PKTS/CALL", true}, {"CYCLES/PKT", true},
	};
	struct cli_table *table = cli_table_create(columns, CLI_DIM(columns));
	json_t *node;
	char buf[32];
	size_t index;

	if (table == NULL)
		return;
	json_array_foreach(nodes, index, node)
	{
		json_int_t calls = json_integer_value(json_object_get(node, "calls"));
		json_int_t packets = json_integer_value(json_object_get(node, "packets"));
		json_int_t cycles = json_integer_value(json_object_get(node, "cycles"));

		cli_table_cell(table, "%s", cli_json_text(node, "name"));
		cli_table_cell(table, "%s", cli_json_number(node, "calls", buf));
		cli_table_cell(table, "%s", cli_json_number(node, "packets", buf));
		/* Derived from the totals, so a node that never ran shows "-" rather than 0. */
		if (calls > 0)
			cli_table_cell(table, "%.1f", (double)packets / (double)calls);
		else
			cli_table_cell(table, "-");
		if (packets > 0)
			cli_table_cell(table, "%.1f", (double)cycles / (double)packets);
		else
			cli_table_cell(table, "-");
	}
	cli_table_finish(table);
}

/* Prints the drop table (non-zero reasons unless all); returns the rows printed. */
static size_t
cli_print_drops(json_t *drops, bool all)
{
	static const struct cli_column columns[] = {
	    {"NODE", false},
	    {"REASON", false},
	    {"PACKETS", true},
	};
	struct cli_table *table = cli_table_create(columns, CLI_DIM(columns));
	json_t *drop;
	char buf[32];
	size_t index, rows;

	if (table == NULL)
		return 0;
	json_array_foreach(drops, index, drop)
	{
		if (!all && json_integer_value(json_object_get(drop, "packets")) == 0)
			continue;
		cli_table_cell(table, "%s", cli_json_text(drop, "node"));
		cli_table_cell(table, "%s", cli_json_text(drop, "reason"));
		cli_table_cell(table, "%s", cli_json_number(drop, "packets", buf));
	}
	rows = cli_table_rows(table);
	if (rows > 0)
		cli_table_print(table, stdout);
	else
		printf("no packets dropped (--all lists every drop reason)\n");
	cli_table_destroy(table);
	return rows;
}

int
cli_show_stats(struct cli *cli, const char *arg)
{
	(void)arg;
	json_t *result;
	int status = cli_show_call(cli, "stats.show", NULL, &result);

	if (result == NULL)
		return status;
	cli_print_port_counters(json_object_get(result, "ports"));
	fputc('\n', stdout);
	cli_print_offload_counters(json_object_get(result, "ports"));
	fputc('\n', stdout);
	cli_print_node_counters(json_object_get(result, "nodes"));
	fputc('\n', stdout);
	cli_print_drops(json_object_get(result, "drops"), cli->all);
	json_decref(result);
	return CLI_EXIT_OK;
}

int
cli_show_drops(struct cli *cli, const char *arg)
{
	(void)arg;
	json_t *result;
	/* --json prints the method's whole result, as for every other command. */
	int status = cli_show_call(cli, "stats.show", NULL, &result);

	if (result == NULL)
		return status;
	cli_print_drops(json_object_get(result, "drops"), cli->all);
	json_decref(result);
	return CLI_EXIT_OK;
}

int
cli_cmd_stats(struct cli *cli, int argc, char **argv)
{
	json_t *result;
	int status;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cli_print_help(stdout, "stats");
		return CLI_EXIT_OK;
	}
	if (argc != 2 || strcmp(argv[1], "clear") != 0)
		return cli_usage_error("stats", "expected \"stats clear\"");
	status = cli_show_call(cli, "stats.clear", NULL, &result);
	if (result == NULL)
		return status;
	printf("counters cleared\n");
	json_decref(result);
	return CLI_EXIT_OK;
}
