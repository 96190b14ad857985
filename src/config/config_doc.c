/*
 * config-doc: rewrites the field tables of docs/config.md from the config schema (or, with
 * --check, says whether they are up to date). Run by `ninja -C build config-doc`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/schema.h"

/* Reads a whole file into a NUL-terminated buffer, or NULL. */
static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		text = malloc((size_t)size + 1);
		if (text != NULL && fread(text, 1, (size_t)size, f) != (size_t)size) {
			free(text);
			text = NULL;
		} else if (text != NULL) {
			text[size] = '\0';
		}
	}
	fclose(f);
	return text;
}

int
main(int argc, char **argv)
{
	bool check = argc == 3 && strcmp(argv[1], "--check") == 0;
	const char *path = argv[argc - 1];
	char problem[160] = "", *doc, *updated;
	int rc;

	if (argc != 2 && !check) {
		fprintf(stderr, "usage: config-doc [--check] docs/config.md\n");
		return 2;
	}
	doc = read_all(path);
	if (doc == NULL) {
		perror(path);
		return 1;
	}
	if (schema_doc_update(doc, &updated, problem, sizeof(problem)) < 0) {
		fprintf(stderr, "config-doc: %s: %s\n", path,
		        problem[0] ? problem : "out of memory");
		return 1;
	}
	rc = strcmp(doc, updated) != 0;
	if (check && rc)
		fprintf(stderr, "config-doc: %s: the field tables differ from the schema\n", path);
	if (!check && rc) {
		FILE *f = fopen(path, "wb");

		if (f == NULL || fputs(updated, f) < 0 || fclose(f) != 0) {
			perror(path);
			return 1;
		}
		rc = 0;
	}
	free(doc);
	free(updated);
	return rc;
}
