/* toml.h: the TOML subset the containers config files use (containers-registries.conf(5),
 * containers.conf(5)), parsed into a jansson tree the caller reads with json_object_get.
 *
 * Understood: comments; bare, quoted and dotted keys; [table] and [a.b] headers; [[array]]
 * of tables (an array of objects; a later [a.b] or [[a.b]] under it goes into its last
 * element); basic strings with escapes, literal strings, both multi-line forms; integers
 * (decimal, 0x/0o/0b, underscores); floats; booleans; arrays (nested, multi-line, trailing
 * comma, comments between elements); inline tables. Not understood (an error): dates and
 * times, inf/nan. A key defined twice is an error, as TOML says.
 * Errors are -EINVAL "PATH:LINE: problem". Never prints. */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "lib/error.h"

/* Parse len bytes of text (NUL bytes refused); path is only used in messages. *ret is a
 * JSON object owned by the caller. */
int pm_toml_parse(const char *text, size_t len, const char *path, json_t **ret, pm_error **err);

/* Read and parse a file (at most 4 MiB). -ENOENT when it does not exist (message set). */
int pm_toml_load_file(const char *path, json_t **ret, pm_error **err);
