/* view.h: what `pod inspect` and `pod ps` show of a pod, as podman 4's JSON. Never prints:
 * cli/cmd-pod.c renders the JSON text with --format. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/error.h"
#include "pods/pod.h"

/* `pod inspect POD`: one object as JSON text (malloc'd). */
int pm_pod_inspect_json(const struct pm_engine *e, const struct pm_pod *pod, char **ret,
			pm_error **err);

/* --filter keys of `pod ps`: id, name, label, status, ctr-names, ctr-ids, ctr-status,
 * ctr-number: an unknown key or a bad status -> -EINVAL with podman's message. */
int pm_pod_ps_filters_check(char *const *filters, pm_error **err);

/* `pod ps`: the pods passing filters (same key: any; different keys: all), newest first, as
 * a JSON array text (malloc'd). Two shapes: podman's `--format json` document (raw
 * fields), or with for_template the fields its Go templates see (podman's reporter
 * methods: Id and InfraId cut to 12 unless no_trunc, Created as "5 minutes ago",
 * NumberOfContainers, ContainerNames, ContainerIds, ContainerStatuses joined by ",").
 * now_ns: the clock for human times (0: now). */
int pm_pod_ps_json(const struct pm_engine *e, char *const *filters, bool for_template,
		   bool no_trunc, int64_t now_ns, char **ret, pm_error **err);
