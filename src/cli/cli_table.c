/*
 * Aligned text tables for dsectl: cells are kept as strings until the whole table is known,
 * then printed with every column padded to its widest cell and two spaces between columns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_table.h"

/* A table being filled. */
struct cli_table {
	struct cli_column *columns; /* column definitions */
	size_t column_count;        /* entries in columns */
	char **cells;               /* cell texts, row by row */
	size_t cell_count;          /* cells added */
	size_t cell_cap;            /* allocated entries of cells */
};

struct cli_table *
cli_table_create(const struct cli_column *columns, size_t count)
{
	struct cli_table *table = calloc(1, sizeof(*table));

	if (table == NULL || count == 0)
		goto fail;
	table->columns = calloc(count, sizeof(*columns));
	if (table->columns == NULL)
		goto fail;
	memcpy(table->columns, columns, count * sizeof(*columns));
	table->column_count = count;
	return table;
fail:
	free(table);
	return NULL;
}

int
cli_table_cell(struct cli_table *table, const char *fmt, ...)
{
	va_list args;
	char *text;
	int len;

	if (table->cell_count == table->cell_cap) {
		size_t cap = table->cell_cap > 0 ? table->cell_cap * 2 : 64;
		char **grown = realloc(table->cells, cap * sizeof(*grown));

		if (grown == NULL)
			return -ENOMEM;
		table->cells = grown;
		table->cell_cap = cap;
	}
	va_start(args, fmt);
	len = vasprintf(&text, fmt, args);
	va_end(args);
	if (len < 0)
		return -ENOMEM;
	table->cells[table->cell_count++] = text;
	return 0;
}

size_t
cli_table_rows(const struct cli_table *table)
{
	return (table->cell_count + table->column_count - 1) / table->column_count;
}

/* Text of the cell at row, column; "" for the missing tail of a short last row. */
static const char *
cli_table_text(const struct cli_table *table, size_t row, size_t column)
{
	size_t index = row * table->column_count + column;

	return index < table->cell_count ? table->cells[index] : "";
}

void
cli_table_print(const struct cli_table *table, FILE *out)
{
	size_t rows = cli_table_rows(table);
	size_t *widths = calloc(table->column_count, sizeof(*widths));

	if (widths == NULL)
		return;
	for (size_t c = 0; c < table->column_count; c++) {
		widths[c] = strlen(table->columns[c].header);
		for (size_t r = 0; r < rows; r++) {
			size_t len = strlen(cli_table_text(table, r, c));

			if (len > widths[c])
				widths[c] = len;
		}
	}
	/* Row "-1" is the header. */
	for (size_t r = 0; r <= rows; r++) {
		for (size_t c = 0; c < table->column_count; c++) {
			const char *text =
			    r == 0 ? table->columns[c].header : cli_table_text(table, r - 1, c);
			bool last = c + 1 == table->column_count;
			int width = (int)widths[c];

			if (table->columns[c].numeric)
				fprintf(out, "%*s", width, text);
			else if (last)
				fputs(text, out); /* no trailing blanks */
			else
				fprintf(out, "%-*s", width, text);
			fputs(last ? "\n" : "  ", out);
		}
	}
	free(widths);
}

void
cli_table_destroy(struct cli_table *table)
{
	if (table == NULL)
		return;
	for (size_t i = 0; i < table->cell_count; i++)
		free(table->cells[i]);
	free(table->cells);
	free(table->columns);
	free(table);
}

void
cli_table_finish(struct cli_table *table)
{
	cli_table_print(table, stdout);
	cli_table_destroy(table);
}
