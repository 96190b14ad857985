/*
 * Aligned text tables for dsectl's human output: a header row and rows of cells, each column as
 * wide as its widest cell, numbers right-aligned so their digits line up.
 */
#ifndef DSE_CLI_CLI_TABLE_H
#define DSE_CLI_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One column of a table. */
struct cli_column {
	const char *header; /* heading, upper case by convention */
	bool numeric;       /* right-align the cells */
};

struct cli_table;

/* Creates an empty table with the given columns (copied). Returns NULL if out of memory. */
struct cli_table *cli_table_create(const struct cli_column *columns, size_t count);

/*
 * Adds the next cell (printf format): cells fill a row left to right and a new row starts when
 * the previous one is full. Returns 0 or -ENOMEM.
 */
int cli_table_cell(struct cli_table *table, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Returns the number of rows started so far. */
size_t cli_table_rows(const struct cli_table *table);

/* Prints the header and the rows; a last row left short is padded with empty cells. */
void cli_table_print(const struct cli_table *table, FILE *out);

/* Releases the table. Accepts NULL. */
void cli_table_destroy(struct cli_table *table);

/* Prints the table to stdout, then releases it: the end of every table view. */
void cli_table_finish(struct cli_table *table);

#endif /* DSE_CLI_CLI_TABLE_H */
