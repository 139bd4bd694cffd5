/* view.h: what `pod inspect` and `pod ps` show of a pod: inspect as podman 4's JSON text,
 * pod ps as rows (and their podman JSON). Never prints: cli/cmd-pod.c renders them with
 * --format. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
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

/* One pod of `pod ps`: the pod, its containers (infra included, oldest first) and podman's
 * status of the pod from theirs (pm_pod_status: a static string). */
struct pm_pod_ps_row {
	struct pm_pod *pod;
	struct pm_container **ctrs;
	size_t n;
	const char *status;
};

/* `pod ps`: the pods passing filters (same key: any; different keys: all), newest first.
 * The pod records and the pods' containers are read once each (engine/ctr-pods.h). The
 * caller renders them: pm_pod_ps_rows_json, or its own template view (podman's reporter
 * fields). Free with pm_pod_ps_rows_free. */
int pm_pod_ps_rows(const struct pm_engine *e, char *const *filters, struct pm_pod_ps_row **ret,
		   size_t *ret_n, pm_error **err);
void pm_pod_ps_rows_free(struct pm_pod_ps_row *rows, size_t n);

/* podman's `pod ps --format json` document of rows (in the order given, each a pointer into
 * the listing), written with lib/jwrite: indent 0 compact, else JSON_INDENT(indent). No
 * trailing newline. malloc'd. */
char *pm_pod_ps_rows_json(const struct pm_pod_ps_row *const *rows, size_t n, unsigned indent);
