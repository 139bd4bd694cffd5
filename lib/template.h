/* template.h: a Go text/template subset for --format, shared by every listing and inspect.
 *
 * Data is a json_t. Supported: literal text, {{.}}, {{.Field}}, {{.A.B}} (field lookup is
 * exact first, then case-insensitive, so {{.Host.Kernel}} finds "kernel" and {{.ID}} finds
 * "Id"), {{json .}}, {{json .Field}}, {{index .Labels "k"}}, {{upper X}}, {{lower X}},
 * {{join .List ","}}, {{printf "%s-%d" .A .B}}, {{range .List}}...{{end}},
 * {{if X}}...{{else}}...{{end}}, {{- and -}} trimming, "\t" and "\n" escapes in the
 * format string as podman accepts them, and pipelines "X | upper".
 *
 * "table" prefix: the caller renders a header row from the field names and aligns
 * columns (tabwriter-like, 3 spaces padding) - see pm_table_*. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/error.h"

typedef struct pm_template pm_template;

/* Parse fmt. A leading "table" is stripped and reported with *ret_table (may be NULL). */
int pm_template_parse(const char *fmt, pm_template **ret, bool *ret_table, pm_error **err);

/* Render to a malloc'd string. */
int pm_template_render(const pm_template *t, const json_t *data, char **ret, pm_error **err);

pm_template *pm_template_free(pm_template *t);

/* Header for "table" formats: {{.Names}} -> "NAMES", {{.ID}} -> "ID"; non-field text kept.
 * podman maps some fields to other headers; headers (may be NULL) is a NULL-terminated list
 * of "Field=HEADER" pairs to override. */
int pm_template_header(const pm_template *t, const char *const *headers, char **ret,
		       pm_error **err);

/* Column alignment: collect rows whose cells are separated by '\t', then print with each
 * column padded to its widest cell plus 3 spaces (the last column unpadded). */
typedef struct pm_table pm_table;
pm_table *pm_table_new(void);
void pm_table_add_row(pm_table *t, const char *tab_separated);
void pm_table_print(pm_table *t, FILE *f);
pm_table *pm_table_free(pm_table *t);
