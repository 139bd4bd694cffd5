/* json.h: jansson helpers at the edge. json_t never crosses a module boundary in a public
 * struct; modules parse into typed structs. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "lib/error.h"

static inline void pm_json_decrefp(json_t **j)
{
	if (*j)
		json_decref(*j);
}
#define _cleanup_json_ _cleanup_(pm_json_decrefp)

/* Load a JSON file (size-capped at max bytes). */
int pm_json_load_file(const char *path, size_t max, json_t **ret, pm_error **err);

/* Dump compactly (JSON_COMPACT) and write atomically with pm_write_file_atomic. */
int pm_json_write_file_atomic(const char *path, const json_t *j, mode_t mode, pm_error **err);

/* The same with pm_write_file_atomic_flags() flags (PM_WRITE_NOSYNC). */
int pm_json_write_file_atomic_flags(const char *path, const json_t *j, mode_t mode, unsigned flags,
				    pm_error **err);

/* Typed getters: NULL / default when missing or of another type. */
const char *pm_json_string(const json_t *obj, const char *key);
long long pm_json_int(const json_t *obj, const char *key, long long def);
bool pm_json_bool(const json_t *obj, const char *key, bool def);

/* A JSON array of strings from a strv and back (NULL-safe). */
json_t *pm_json_from_strv(char *const *v);
char **pm_json_to_strv(const json_t *arr);

/* A JSON object from "KEY=VALUE" entries (labels, volume options; a bare "KEY" has the
 * value "", a repeated key keeps its last value), keys sorted as Go marshals a map. An empty
 * or NULL kv gives null when null_if_empty (podman's "Labels": null), else {}. */
json_t *pm_json_object_from_kv(char *const *kv, bool null_if_empty);

/* Print j as podman does for inspect/--format json: 4-space indent, keys in insertion
 * order, trailing newline. */
int pm_json_print(FILE *f, const json_t *j);
