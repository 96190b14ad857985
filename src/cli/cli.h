/*
 * Shared declarations of dsectl, the command line of the engine: the invocation state every
 * command gets, the exit statuses, the commands themselves and the helpers they use to call the
 * management API (docs/api.md) and to read fields out of its results.
 */
#ifndef DSE_CLI_CLI_H
#define DSE_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "rpc/rpc_client.h"

#define CLI_DEFAULT_SOCKET  "/run/dse/dsed.sock" /* where dsed listens unless told otherwise */
#define CLI_SOCKET_ENV      "DSE_SOCKET"         /* environment variable overriding it */
#define CLI_DEFAULT_TIMEOUT 10                   /* seconds to wait for the engine */

/* Number of elements of a static array (column and key tables). */
#define CLI_DIM(array) (sizeof(array) / sizeof((array)[0]))

/* Exit statuses of dsectl. */
enum cli_exit {
	CLI_EXIT_OK = 0,          /* the command succeeded */
	CLI_EXIT_API = 1,         /* the engine refused the request (or a file was not usable) */
	CLI_EXIT_USAGE = 2,       /* the command line was wrong */
	CLI_EXIT_UNREACHABLE = 3, /* the engine could not be reached or did not answer */
};

struct cli_table;

/* State of one dsectl invocation. */
struct cli {
	const char *socket_path;   /* the engine's API socket */
	int timeout_ms;            /* bound on connecting and on each call */
	bool json;                 /* print raw result JSON instead of tables */
	bool all;                  /* show zero counters too (stats, drops) */
	struct rpc_client *client; /* connection, opened by the first call */
};

/* A command: `dsectl NAME ARGS`. run() gets argv[0] = NAME and returns an exit status. */
struct cli_command {
	const char *name;                                   /* first word on the command line */
	int (*run)(struct cli *cli, int argc, char **argv); /* does it */
	const char *usage;                                  /* synopsis lines, for help */
	const char *help;                                   /* what it does, for help */
};

/* A subject of `dsectl show`: run() gets the word after the subject, if any. */
struct cli_show_subject {
	const char *name;                             /* `show NAME` */
	int (*run)(struct cli *cli, const char *arg); /* shows it */
	const char *arg;                              /* optional argument's name, or NULL */
	const char *help;                             /* what it shows, for help */
};

/* The commands and `show` subjects a part of dsectl adds: the core's, or a service's (each
 * service folder's <svc>_cli.c defines dse_cli_<svc>, listed by the build from the service
 * list). */
struct cli_service {
	const struct cli_command *commands;      /* own commands, in help order */
	size_t nb_commands;                      /* entries in commands */
	const struct cli_show_subject *subjects; /* own `show` subjects, in help order */
	size_t nb_subjects;                      /* entries in subjects */
};

/* The services' parts, in the order of the service list (generated). */
extern const struct cli_service *const cli_services[];
extern const size_t cli_service_count;
/* The core's `show` subjects (cli_show.c). */
extern const struct cli_service cli_core_show;

/* The commands and `show` subjects, in help order, and how many there are (dsectl.c). */
extern const struct cli_command *const *cli_commands;
extern size_t cli_command_count;
extern const struct cli_show_subject *const *cli_show_subjects;
extern size_t cli_show_subject_count;

/* Commands, one per concern. */
int cli_cmd_apply(struct cli *cli, int argc, char **argv);
int cli_cmd_show(struct cli *cli, int argc, char **argv);
int cli_cmd_port(struct cli *cli, int argc, char **argv);
int cli_cmd_stats(struct cli *cli, int argc, char **argv);
int cli_cmd_call(struct cli *cli, int argc, char **argv);
int cli_cmd_help(struct cli *cli, int argc, char **argv);

/* Subjects of `show` implemented in separate files (arg: unused). */
int cli_show_config(struct cli *cli, const char *arg);
int cli_show_stats(struct cli *cli, const char *arg);
int cli_show_drops(struct cli *cli, const char *arg);

/*
 * Calls method with params (borrowed, may be NULL). Returns CLI_EXIT_OK with *result set (a new
 * reference); CLI_EXIT_API with *error set to the error object (a new reference), printing
 * nothing; or CLI_EXIT_UNREACHABLE after printing which socket could not be used.
 */
int cli_request(struct cli *cli, const char *method, json_t *params, json_t **result,
                json_t **error);

/*
 * Like cli_request(), but an API error is printed to stderr (the message, then each field error
 * on its own line) and released.
 */
int cli_call(struct cli *cli, const char *method, json_t *params, json_t **result);

/*
 * The first steps of a command that prints a result (every `show` view): calls method with params
 * (borrowed, may be NULL) and with
 * --json prints the result. Returns CLI_EXIT_OK with *result set (a new reference) when the
 * caller is to print it as text; otherwise *result is NULL and the return value is the exit
 * status (CLI_EXIT_OK once the JSON is printed).
 */
int cli_show_call(struct cli *cli, const char *method, json_t *params, json_t **result);

/*
 * cli_show_call(), then a table of the given columns for the text: *table is NULL when there
 * is nothing left for the caller to print (and the return value is the exit status).
 */
struct cli_column;
int cli_show_table(struct cli *cli, const char *method, json_t *params,
                   const struct cli_column *columns, size_t nb_columns, json_t **result,
                   struct cli_table **table);

/* A `show` view that is one table with a row per element of an array in the method's result. */
struct cli_list_view {
	const char *method;                                 /* API method to call */
	const char *array;                                  /* member of its result with the rows */
	const struct cli_column *columns;                   /* the table's columns */
	size_t nb_columns;                                  /* entries in columns */
	void (*row)(struct cli_table *table, json_t *item); /* adds the cells of one row */
	void (*footer)(json_t *result);                     /* prints what follows, or NULL */
};

/*
 * Shows view: calls its method, with {"segment": segment} unless segment is NULL, then prints
 * the result as JSON (--json) or as the table followed by the footer. Returns the exit status.
 */
int cli_show_list(struct cli *cli, const struct cli_list_view *view, const char *segment);

/*
 * Prints an API error object to stderr. With source (a file name) each located error is
 * printed as "SOURCE:LINE: FIELD: MESSAGE", otherwise as "  FIELD: MESSAGE".
 */
void cli_print_error(json_t *error, const char *source);

/* Prints a result as indented JSON (for --json and `call`). */
void cli_print_json(json_t *result);

/* Prints a usage error with the command's synopsis and returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints the help of one command (or of all when name is NULL) to out. Returns -1 if unknown. */
int cli_print_help(FILE *out, const char *name);

/* Text of a string member, or "-" when it is missing, null or empty. */
const char *cli_json_text(json_t *object, const char *key);

/* Text of a number member into buf (size 32), or "-" when it is missing or not a number. */
const char *cli_json_number(json_t *object, const char *key, char *buf);

/* Adds one cell per key: the text of that string member of object (see cli_json_text()). */
void cli_cell_texts(struct cli_table *table, json_t *object, const char *const *keys, size_t count);

/* Adds one cell per key: the number of that member of object (see cli_json_number()). */
void cli_cell_numbers(struct cli_table *table, json_t *object, const char *const *keys,
                      size_t count);

/* Adds the age_s of a table entry, or "-" for a static entry (those never age). */
void cli_cell_age(struct cli_table *table, json_t *entry);

/* Joins the strings of array (or "-" when empty) into a table cell. Returns 0 or -1. */
int cli_cell_join(struct cli_table *table, json_t *array);

/* Parses a whole decimal integer in [min, max]. Returns 0 or -EINVAL. */
int cli_parse_integer(const char *text, long long min, long long max, long long *value);

#endif /* DSE_CLI_CLI_H */
