/*
 * dsectl's views of the overlay: `show tunnels` (this host's TEP, each remote TEP with its
 * underlay next hop, bindings and traffic) and `show remote [SEGMENT]` (remote workload
 * bindings, static and learned, with their TEP and age), over tunnels.show and remote.list.
 */
#include "cli/cli.h"
#include "cli/cli_table.h"

static int
cli_show_tunnels(struct cli *cli, const char *arg)
{
	(void)arg;
	static const struct cli_column columns[] = {
	    {"TEP", false},       {"ORIGIN", false},  {"NEXT-HOP MAC", false}, {"BINDINGS", true},
	    {"RX PACKETS", true}, {"RX BYTES", true}, {"TX PACKETS", true},    {"TX BYTES", true},
	};
	json_t *result, *tep;
	size_t index;
	char buf[32];
	int status = cli_show_call(cli, "tunnels.show", NULL, &result);

	if (result == NULL)
		return status;
	if (!json_is_true(json_object_get(result, "enabled"))) {
		printf("no tunnel endpoint configured (transport-node.tep)\n");
		json_decref(result);
		return CLI_EXIT_OK;
	}
	json_t *local = json_object_get(result, "local");
	printf("TEP %s/%s on %s (%s), %s, underlay MTU %s, next hop %s\n\n",
	       cli_json_text(local, "address"), cli_json_number(local, "prefix_len", buf),
	       cli_json_text(local, "uplink"), cli_json_text(local, "mac"),
	       cli_json_text(local, "encapsulation"), cli_json_number(local, "mtu", buf + 16),
	       cli_json_text(local, "next_hop"));
	struct cli_table *table = cli_table_create(columns, CLI_DIM(columns));
	if (table == NULL) {
		json_decref(result);
		return CLI_EXIT_API;
	}
	json_array_foreach(json_object_get(result, "teps"), index, tep)
	{
		static const char *const texts[] = {"tep", "origin", "next_hop_mac"};
		static const char *const numbers[] = {"bindings", "rx_packets", "rx_bytes",
		                                      "tx_packets", "tx_bytes"};

		cli_cell_texts(table, tep, texts, CLI_DIM(texts));
		cli_cell_numbers(table, tep, numbers, CLI_DIM(numbers));
	}
	cli_table_finish(table);
	json_t *c = json_object_get(result, "counters");
	const char *key;
	json_t *value;
	printf("\n");
	json_object_foreach(c, key, value) printf("%-20s %s\n", key, cli_json_number(c, key, buf));
	json_decref(result);
	return CLI_EXIT_OK;
}

/* A row of remote.list: one remote workload binding. */
static void
cli_remote_row(struct cli_table *table, json_t *b)
{
	static const char *const texts[] = {"segment", "mac", "ip", "tep", "type"};

	cli_cell_texts(table, b, texts, CLI_DIM(texts));
	cli_cell_age(table, b);
}

/* Under the bindings: what ARP suppression did with them. */
static void
cli_remote_footer(json_t *result)
{
	json_t *arp = json_object_get(result, "arp_suppression");
	char n[4][32];

	if (arp != NULL)
		printf("\nARP suppression: %s requests answered here, %s not (no binding); "
		       "%s IP bindings learned, %s refused\n",
		       cli_json_number(arp, "suppressed", n[0]),
		       cli_json_number(arp, "not_suppressed", n[1]),
		       cli_json_number(arp, "ip_bindings_learned", n[2]),
		       cli_json_number(arp, "ip_bindings_refused", n[3]));
}

static int
cli_show_remote(struct cli *cli, const char *segment)
{
	static const struct cli_column columns[] = {
	    {"SEGMENT", false}, {"MAC", false},  {"IP", false},
	    {"TEP", false},     {"TYPE", false}, {"AGE", true},
	};
	static const struct cli_list_view view = {
	    "remote.list", "remote", columns, CLI_DIM(columns), cli_remote_row, cli_remote_footer,
	};
	return cli_show_list(cli, &view, segment);
}

static const struct cli_show_subject overlay_subjects[] = {
    {"tunnels", cli_show_tunnels, NULL,
     "this host's TEP; remote TEPs with next hop, bindings, counters"},
    {"remote", cli_show_remote, "SEGMENT",
     "remote workload bindings (static, learned), optionally of one segment"},
};

const struct cli_service dse_cli_overlay = {
    .subjects = overlay_subjects,
    .nb_subjects = sizeof(overlay_subjects) / sizeof(overlay_subjects[0]),
};
