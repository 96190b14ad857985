/*
 * dsectl's views of the switch: `show segments` (segments with VNI, ports and number of MACs,
 * from segments.list) and `show macs [SEGMENT]` (the MAC table, from macs.list).
 */
#include "cli/cli.h"
#include "cli/cli_table.h"

/* A row of segments.list: a segment with VNI, ports and number of MACs. */
static void
cli_segment_row(struct cli_table *table, json_t *segment)
{
	json_t *vni = json_object_get(segment, "vni");
	char buf[32];

	cli_table_cell(table, "%s", cli_json_text(segment, "name"));
	/* A segment without overlay has no VNI (null or 0). */
	if (json_is_integer(vni) && json_integer_value(vni) > 0)
		cli_table_cell(table, "%lld", (long long)json_integer_value(vni));
	else
		cli_table_cell(table, "-");
	cli_cell_join(table, json_object_get(segment, "ports"));
	cli_table_cell(table, "%s", cli_json_number(segment, "macs", buf));
}

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
	static const struct cli_list_view view = {
	    "segments.list", "segments", columns, CLI_DIM(columns), cli_segment_row, NULL,
	};

	return cli_show_list(cli, &view, NULL);
}

/* A row of macs.list: one MAC table entry. */
static void
cli_mac_row(struct cli_table *table, json_t *mac)
{
	static const char *const texts[] = {"segment", "mac", "port", "type"};

	cli_cell_texts(table, mac, texts, CLI_DIM(texts));
	cli_cell_age(table, mac);
}

/* Under the MAC table: how full it is. */
static void
cli_mac_footer(json_t *result)
{
	char used[32], capacity[32];

	printf("\n%s of %s entries used\n", cli_json_number(result, "used", used),
	       cli_json_number(result, "capacity", capacity));
}

/* macs.list: the MAC table, optionally filtered to one segment. */
static int
cli_show_macs(struct cli *cli, const char *segment)
{
	static const struct cli_column columns[] = {
	    {"SEGMENT", false}, {"MAC", false}, {"PORT", false}, {"TYPE", false}, {"AGE", true},
	};
	static const struct cli_list_view view = {
	    "macs.list", "macs", columns, CLI_DIM(columns), cli_mac_row, cli_mac_footer,
	};
	return cli_show_list(cli, &view, segment);
}

static const struct cli_show_subject switch_subjects[] = {
    {"segments", cli_show_segments, NULL, "segments with VNI, ports and number of MACs"},
    {"macs", cli_show_macs, "SEGMENT", "the MAC table, optionally of one segment"},
};

const struct cli_service dse_cli_switch = {
    .subjects = switch_subjects,
    .nb_subjects = sizeof(switch_subjects) / sizeof(switch_subjects[0]),
};
