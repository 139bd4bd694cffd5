/* output.c: --format rendering on top of lib/template. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "lib/json.h"
#include "lib/template.h"

/* Go's name of the template (podman's cobra command name) for the error text. */
static const char *template_name = "pm";

void pm_output_set_command(const char *name)
{
	template_name = name;
}

/* podman runs the format of a listing or inspect inside "{{range .}}" (EnforceRange): its
 * columns in the error text start there */
#define RANGE_COL 11

static int parse(const char *format, const char *name, size_t col0, pm_template **t, bool *table,
		 pm_error **err)
{
	return pm_template_parse_named(format, name, col0, t, table, err);
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\f' || *p == '\r')
		p++;
	return p;
}

/* p after "{{" and blanks: word, then blanks; NULL when word is not there. */
static const char *skip_word(const char *p, const char *word)
{
	size_t n = strlen(word);
	return strncmp(p, word, n) ? NULL : skip_space(p + n);
}

/* podman's EnforceRange (containers/common report): a format holding
 * `{{range .}}...{{end}}` (regexp `{{\s*range\s*\.\s*}}.*{{\s*end\s*-?\s*}}`) is run once over
 * the whole list; any other runs once per item. */
static bool ranges_over_list(const char *format)
{
	const char *p = format;
	while ((p = strstr(p, "{{"))) {
		p += 2;
		const char *q = skip_word(skip_space(p), "range");
		q = q ? skip_word(q, ".") : NULL;
		q = q ? skip_word(q, "}}") : NULL;
		if (!q)
			continue;
		while ((q = strstr(q, "{{"))) {
			q += 2;
			const char *e = skip_word(skip_space(q), "end");
			if (e && *e == '-')
				e = skip_space(e + 1);
			if (e && !strncmp(e, "}}", 2))
				return true;
		}
		return false;
	}
	return false;
}

/* Render obj with a parsed template; inspect: podman's words before an execution error. */
static int render_one(const pm_template *t, const json_t *obj, bool inspect)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *out = NULL;
	if (pm_template_render(t, obj, &out, &err) < 0) {
		if (inspect)
			pm_error_prefix(&err, "inspecting object: printing inspect output");
		return pm_cli_error(err);
	}
	fputs(out, stdout);
	if (!out[0] || out[strlen(out) - 1] != '\n')
		fputc('\n', stdout);
	return 0;
}

static int format_one(const char *format, const json_t *obj, const char *name, size_t col0,
		      bool inspect)
{
	if (strcmp(format, "json") == 0) {
		pm_json_print(stdout, obj);
		return 0;
	}
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_template_ pm_template *t = NULL;
	bool table = false;
	if (parse(format, name, col0, &t, &table, &err) < 0)
		return pm_cli_error(err);
	return render_one(t, obj, inspect);
}

int pm_output_format_each(const char *format, const json_t *array)
{
	if (ranges_over_list(format))
		return format_one(format, array, "inspect", 0, true);
	size_t i;
	json_t *o;
	if (strcmp(format, "json") == 0) {
		json_array_foreach(array, i, o)
			pm_json_print(stdout, o);
		return 0;
	}
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_template_ pm_template *t = NULL;
	if (parse(format, "inspect", RANGE_COL, &t, NULL, &err) < 0)
		return pm_cli_error(err);
	json_array_foreach(array, i, o) {
		int rc = render_one(t, o, true);
		if (rc)
			return rc;
	}
	return 0;
}

int pm_output_format_one(const char *format, const json_t *obj)
{
	return format_one(format, obj, template_name, 0, false);
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
	bool whole = ranges_over_list(format);
	if (parse(format, template_name, whole ? 0 : RANGE_COL, &t, &table, &err) < 0)
		return pm_cli_error(err);
	/* a bare "table" means the command's default table */
	if (pm_template_is_empty(t) && default_format && format != default_format) {
		t = pm_template_free(t);
		if (parse(default_format, template_name, RANGE_COL, &t, &table, &err) < 0)
			return pm_cli_error(err);
		table = true;
	}
	if (!table && whole)
		return render_one(t, array, false);
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
