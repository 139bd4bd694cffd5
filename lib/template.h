/* template.h: a Go text/template subset for --format, shared by every listing and inspect.
 *
 * Data is a json_t. Supported: literal text, {{.}}, {{.Field}}, {{.A.B}} (field lookup is
 * exact first, then case-insensitive, so {{.Host.Kernel}} finds "kernel" and {{.ID}} finds
 * "Id"), {{json .}}, {{json .Field}}, {{index .Labels "k"}}, {{upper X}}, {{lower X}},
 * {{join .List ","}}, {{printf "%s-%d" .A .B}}, {{range .List}}...{{end}},
 * {{if X}}...{{else}}...{{end}}, {{- and -}} trimming, "\t" and "\n" escapes in the
 * format string as podman accepts them, and pipelines "X | upper".
 *
 * Also: {{else if}}, {{with}}, {{range $i, $e := X}} with {{else}}, {{break}}/{{continue}},
 * variables, comments, and, or, not, eq/ne/lt/le/gt/ge, len, index, slice, print(f/ln),
 * html, and podman's join, json, lower, upper, title, truncate, pad, split.
 * Errors are one line: "template: executing at <.Foo>: can't evaluate field Foo" (-EINVAL).
 *
 * "table " prefix (podman's): stripped, and every space in the rest becomes a tab (so
 * "table {{.ID}} {{.Names}}" gives columns; also inside string literals, as podman does:
 * built-in default formats should separate columns with \t and avoid literal spaces).
 * "table" alone parses to an empty template (pm_template_is_empty) meaning "use the
 * default format". The caller renders a header row from the field names and aligns
 * columns like podman's tabwriter (minwidth 12, padding 2) - see pm_table_*. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/error.h"

typedef struct pm_template pm_template;

/* Longest format accepted. */
#define PM_TEMPLATE_MAX_LEN (64 * 1024)

/* Parse fmt. A leading "table" is stripped and reported with *ret_table (may be NULL). */
int pm_template_parse(const char *fmt, pm_template **ret, bool *ret_table, pm_error **err);

/* As pm_template_parse, with Go's error text: "template: NAME:LINE: msg" for a bad
 * template, "template: NAME:LINE:COL: executing "NAME" at <.Foo>: msg" when executing; col0
 * is the column the format starts at on its first line (podman's lists and inspect run the
 * format inside "{{range .}}": 11). */
int pm_template_parse_named(const char *fmt, const char *name, size_t col0, pm_template **ret,
			    bool *ret_table, pm_error **err);

/* True for the template of a bare "table" (the caller should use its default format). */
bool pm_template_is_empty(const pm_template *t);

/* The fields the template names on its data ({{.Names}}, {{$.Labels}}, {{if .ID}}: "Names",
 * "Labels", "ID"), so a caller can build only those. Returns true when it may use any field
 * ({{.}}, {{json .}}, variables), *ret NULL; else false with *ret the names (NULL: none). */
bool pm_template_root_fields(const pm_template *t, char ***ret);

/* Render to a malloc'd string. */
int pm_template_render(const pm_template *t, const json_t *data, char **ret, pm_error **err);

pm_template *pm_template_free(pm_template *t);
PM_DEFINE_CLEANUP_FUNC(pm_template *, pm_template_free)
#define _cleanup_template_ _cleanup_(pm_template_freep)

/* Header for "table" formats: {{.Names}} -> "NAMES", {{.ID}} -> "ID"; non-field text kept.
 * podman maps some fields to other headers; headers (may be NULL) is a NULL-terminated list
 * of "Field=HEADER" pairs to override. */
int pm_template_header(const pm_template *t, const char *const *headers, char **ret,
		       pm_error **err);

/* Column alignment as podman's report writer (Go text/tabwriter, minwidth 12, padding 2):
 * collect rows whose cells are separated by '\t' (a row may hold several lines), then print
 * with each column padded to max(12, widest cell + 2) over each block of consecutive lines
 * that have that column; the last cell of a line is never padded. */
typedef struct pm_table pm_table;
pm_table *pm_table_new(void);
void pm_table_add_row(pm_table *t, const char *tab_separated);
void pm_table_print(pm_table *t, FILE *f);
pm_table *pm_table_free(pm_table *t);
PM_DEFINE_CLEANUP_FUNC(pm_table *, pm_table_free)
#define _cleanup_table_ _cleanup_(pm_table_freep)
