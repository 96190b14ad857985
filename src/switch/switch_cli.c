/*
 * dsectl's views of the switch: `show segments` (segments with VNI, ports and number of MACs,
 * from segments.list) and `show macs [SEGMENT]` (the MAC table, from macs.list).
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_table.h"

/* segments.list: one row per segment. */
static int
cli_show_segments(struct cli *cli, const char *arg)
{
	(void)arg;
	static const struct cli_column columns[] = {
	    {"NAME", false},
	    {"VNI", true},
	    {"PORTS", false},
	    {"MACS", true},
	};
	struct cli_table *table;
	json_t *result, *segment;
	char buf[32];
	size_t index;
	int status =
	    cli_show_table(cli, "segments.list", NULL, columns, CLI_DIM(columns), &result, &table);
	if (table == NULL)
		return status;
	json_array_foreach(json_object_get(result, "segments"), index, segment)
	{
		json_t *vni = json_object_get(segment, "vni");

		cli_table_cell(table, "%s", cli_json_text(segment, "name"));
		/* A segment without overlay has no VNI (null or 0). */
		if (json_is_integer(vni) && json_integer_value(vni) > 0)
			cli_table_cell(table, "%lld", (long long)json_integer_value(vni));
		else
			cli_table_cell(table, "-");
		cli_cell_join(table, json_object_get(segment, "ports"));
		cli_table_cell(table, "%s", cli_json_number(segment, "macs", buf));
	}
	cli_table_finish(table);
	json_decref(result);
	return CLI_EXIT_OK;
}

/* macs.list: the MAC table, optionally filtered to one segment. */
static int
cli_show_macs(struct cli *cli, const char *segment)
{
	static const struct cli_column columns[] = {
	    {"SEGMENT", false}, {"MAC", false}, {"PORT", false}, {"TYPE", false}, {"AGE", true},
	};
	json_t *params = NULL, *result, *mac;
	struct cli_table *table;
	char used[32], capacity[32], buf[32];
	size_t index;
	int status;

	if (segment != NULL)
		params = json_pack("{s:s}", "segment", segment);
	status =
	    cli_show_table(cli, "macs.list", params, columns, CLI_DIM(columns), &result, &table);
	json_decref(params);
	if (table == NULL)
		return status;
	json_array_foreach(json_object_get(result, "macs"), index, mac)
	{
		static const char *const texts[] = {"segment", "mac", "port", "type"};
		const char *type = cli_json_text(mac, "type");

		cli_cell_texts(table, mac, texts, CLI_DIM(texts));
		/* Static entries never age. */
		cli_table_cell(table, "%s",
		               strcmp(type, "static") == 0 ? "-"
		                                           : cli_json_number(mac, "age_s", buf));
	}
	cli_table_print(table, stdout);
	printf("\n%s of %s entries used\n", cli_json_number(result, "used", used),
	       cli_json_number(result, "capacity", capacity));
	cli_table_destroy(table);
	json_decref(result);
	return CLI_EXIT_OK;
}

static const struct cli_show_subject switch_subjects[] = {
    {"segments", cli_show_segments, NULL, "segments with VNI, ports and number of MACs"},
    {"macs", cli_show_macs, "SEGMENT", "the MAC table, optionally of one segment"},
};

const struct cli_service dse_cli_switch = {
    .subjects = switch_subjects,
    .nb_subjects = sizeof(switch_subjects) / sizeof(switch_subjects[0]),
};
