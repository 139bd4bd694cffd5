/* output.h: --format handling shared by every listing and inspect:
 * "json", a Go template, or "table ..." (header row + aligned columns). */
#pragma once

#include <stdbool.h>

#include <jansson.h>

/* The command's name in the template error text (podman's: "ps", "images", "info"; the
 * inspect commands say "inspect"): set by the dispatcher. */
void pm_output_set_command(const char *name);

/* Render one object with format ("json" prints it indented). Returns the exit status. */
int pm_output_format_one(const char *format, const json_t *obj);

/* Render each object of array with format (inspect's way), or, as podman does, the whole
 * array once when format holds `{{range .}}...{{end}}`. Returns the exit status. */
int pm_output_format_each(const char *format, const json_t *array);

/* Render a list: format NULL or "" uses default_format; "json" prints the array;
 * a "table" format prints a header (unless noheading) and aligned rows.
 * headers: NULL-terminated "Field=HEADER" overrides for the header row (may be NULL). */
int pm_output_format_list(const char *format, const char *default_format, const json_t *array,
			  bool noheading, const char *const *headers);
