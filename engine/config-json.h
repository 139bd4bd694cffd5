/* config-json.h: a container's configuration (struct pm_container_config, engine/spec.h)
 * to and from the JSON kept in its record, so `pm create` + `pm start` run exactly what was
 * asked. */
#pragma once

#include "engine/spec.h"
#include "lib/error.h"

/* Serialise; returns a malloc'd compact JSON string. */
char *pm_config_to_json(const struct pm_container_config *c);

/* Parse what pm_config_to_json wrote. Unknown keys are ignored. */
int pm_config_from_json(const char *json, struct pm_container_config *ret, pm_error **err);
