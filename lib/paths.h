/* paths.h: every path pm uses, resolved in one place.
 *
 *   root     (--root)     $XDG_DATA_HOME/pm/storage      images, layers, containers, volumes
 *   runroot  (--runroot)  $XDG_RUNTIME_DIR/pm            pids, sockets, pause.pid, locks
 *   config                $XDG_CONFIG_HOME/pm            user config (storage.conf ...)
 *
 * When XDG_RUNTIME_DIR is unset or unusable (missing, not ours, not 0700), runroot
 * falls back, as podman does, to /tmp/pm-run-<uid>/pm (0700, owned by the user); this is
 * said at debug level. Running as real root the defaults are /var/lib/pm/storage and
 * /run/pm. */
#pragma once

#include <sys/types.h>

#include "lib/error.h"

struct pm_paths {
	char *root;
	char *runroot;
	char *config;
	char *data_home;  /* $XDG_DATA_HOME (or ~/.local/share) */
	char *runtime_dir; /* usable $XDG_RUNTIME_DIR, or the /tmp fallback (parent of runroot) */
};

/* Resolve the paths. root_opt/runroot_opt override (may be NULL). Creates nothing. */
int pm_paths_init(struct pm_paths *p, const char *root_opt, const char *runroot_opt,
		  pm_error **err);

/* Create root and runroot (0700) if missing. */
int pm_paths_ensure(const struct pm_paths *p, pm_error **err);

void pm_paths_free(struct pm_paths *p);
