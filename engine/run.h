/* run.h: a container's life as the engine drives it: create (record + root filesystem),
 * start in the foreground, remove. `pm run` is create + start (+ remove with --rm).
 * A create or start that fails leaves no record, mount or directory behind. */
#pragma once

#include "engine/container.h"
#include "engine/spec.h"
#include "lib/error.h"
#include "lib/paths.h"

struct pm_engine {
	const struct pm_paths *paths;
	const char *storage_driver; /* --storage-driver, or NULL */
};

/* Validate cfg, resolve its image (or --rootfs), reserve the name, write the record and
 * prepare the root filesystem. */
int pm_engine_create(const struct pm_engine *e, const struct pm_container_config *cfg,
		     struct pm_container **ret, pm_error **err);

/* Run c in the foreground: mount its rootfs, run it, record the exit. *ret_status is the
 * container's exit status (128+N for a signal). A setup failure (err->status 125/126/127)
 * leaves the container as it was before start. */
int pm_engine_start_foreground(const struct pm_engine *e, struct pm_container *c, int *ret_status,
			       pm_error **err);

/* Remove a container that is not running: unmount and delete its root filesystem, release
 * its volumes and its name, delete the record. */
int pm_engine_remove(const struct pm_engine *e, struct pm_container *c, pm_error **err);

/* Bring c's recorded state up to date with the processes: a "running" container whose
 * monitor and init are gone (monitor killed, host rebooted) becomes "exited". Call before
 * showing or acting on a state. Returns 1 when the state changed. */
int pm_engine_refresh(const struct pm_engine *e, struct pm_container *c);

/* `pm run` in the foreground: create, start, and remove when cfg->rm or when the
 * container could not be started at all. */
int pm_engine_run(const struct pm_engine *e, const struct pm_container_config *cfg,
		  int *ret_status, pm_error **err);
