/* output.c: --format rendering on top of lib/template. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "lib/json.h"
#include "lib/template.h"

int pm_output_format_one(const char *format, const json_t *obj)
{
	if (strcmp(format, "json") == 0) {
		pm_json_print(stdout, obj);
		return 0;
	}
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_template_ pm_template *t = NULL;
	bool table = false;
	if (pm_template_parse(format, &t, &table, &err) < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *out = NULL;
	if (pm_template_render(t, obj, &out, &err) < 0)
		return pm_cli_error(err);
	fputs(out, stdout);
	if (!out[0] || out[strlen(out) - 1] != '\n')
		fputc('\n', stdout);
	return 0;
}

int pm_output_format_list(const char *format, const char *default_format, const json_t *array,
			  bool noheading, const char *const *headers)
{
	if (!format || !format[0])
		format = default_format;
	/* podman prints the whole list for these, indented */
	if (strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0) {
		pm_json_print(stdout, array);
		return 0;
	}
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_template_ pm_template *t = NULL;
	bool table = false;
	if (pm_template_parse(format, &t, &table, &err) < 0)
		return pm_cli_error(err);
	/* a bare "table" means the command's default table */
	if (pm_template_is_empty(t) && default_format && format != default_format) {
		t = pm_template_free(t);
		if (pm_template_parse(default_format, &t, &table, &err) < 0)
			return pm_cli_error(err);
		table = true;
	}
	_cleanup_table_ pm_table *tab = table ? pm_table_new() : NULL;
	if (table && !noheading) {
		_cleanup_free_ char *h = NULL;
		if (pm_template_header(t, headers, &h, &err) < 0)
			return pm_cli_error(err);
		pm_table_add_row(tab, h);
	}
	size_t i;
	json_t *v;
	json_array_foreach(array, i, v) {
		_cleanup_free_ char *line = NULL;
		if (pm_template_render(t, v, &line, &err) < 0)
			return pm_cli_error(err);
		if (tab)
			pm_table_add_row(tab, line);
		else {
			fputs(line, stdout);
			if (!line[0] || line[strlen(line) - 1] != '\n')
				fputc('\n', stdout);
		}
	}
	if (tab)
		pm_table_print(tab, stdout);
	return 0;
}
