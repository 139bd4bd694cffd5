/* paths.h: every path pm uses, resolved in one place.
 *
 *   root     (--root)     $XDG_DATA_HOME/pm/storage      images, layers, containers, volumes
 *   runroot  (--runroot)  $XDG_RUNTIME_DIR/pm            pids, sockets, pause.pid, locks
 *   config                $XDG_CONFIG_HOME/pm            user config (storage.conf ...)
 *
 * When XDG_RUNTIME_DIR is unset or unusable (missing, not a directory, not ours, not
 * writable), runroot falls back, as podman does, to /tmp/pm-run-<uid>/pm (0700, owned by
 * the user); this is said at debug level. Running as real root (euid 0 in the initial user
 * namespace) the defaults are /var/lib/pm/storage and /run/pm (data_home "/var/lib",
 * runtime_dir "/run"). Inside pm's rootless user namespace (uid 0 there) the rootless helper
 * sets PM_ROOTLESS_UID_ENV to the original uid, and the paths come out identical to the
 * ones computed outside. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "lib/error.h"

struct pm_paths {
	char *root;
	char *runroot;
	char *config;
	char *data_home;   /* $XDG_DATA_HOME (or ~/.local/share) */
	char *runtime_dir; /* usable $XDG_RUNTIME_DIR, or the /tmp fallback (parent of runroot) */
};

/* Set by the rootless helper to the invoking user's uid before it joins the namespace. */
#define PM_ROOTLESS_UID_ENV "_PM_ROOTLESS_UID"

/* Resolve the paths. root_opt/runroot_opt override (may be NULL; relative ones are made
 * absolute). Creates nothing, except that the /tmp/pm-run-<uid> fallback is created (0700)
 * when it is needed, so that nobody else can claim it first. On error *p is left zeroed. */
int pm_paths_init(struct pm_paths *p, const char *root_opt, const char *runroot_opt,
		  pm_error **err);

/* opt made absolute against the working directory (*ret malloc'd); an empty one is an
 * error naming flag ("--root"). */
int pm_paths_absolute(const char *opt, const char *flag, char **ret, pm_error **err);

/* Create root and runroot (0700) if missing. */
int pm_paths_ensure(const struct pm_paths *p, pm_error **err);

/* Frees the strings and zeroes *p. */
void pm_paths_free(struct pm_paths *p);

/* euid 0 in the initial user namespace (/proc/self/uid_map is "0 0 4294967295"). */
bool pm_paths_is_real_root(void);
bool pm_paths_in_initial_userns(void);

/* The uid pm acts for: PM_ROOTLESS_UID_ENV when set (inside the rootless namespace and not
 * real root), else getuid(). */
uid_t pm_paths_user_uid(void);

/* The path of pm's helper program NAME (e.g. "pm-monitor"), looked up relative to the
 * running pm first, so that an install with any PREFIX/DESTDIR works:
 *   <dir of /proc/self/exe>/NAME             a build tree (make puts both side by side)
 *   <dir of /proc/self/exe>/../libexec/pm/NAME   `make install` with any PREFIX
 *   PM_LIBEXECDIR/NAME                        the compile-time libexec dir
 * Returns the first executable one (malloc'd), or NULL with *err (may be NULL) naming
 * every place looked at. */
char *pm_helper_path(const char *name, pm_error **err);

/* The same lookup for a given pm location and libexec dir (self_exe may be NULL): for
 * tests. */
char *pm_helper_path_in(const char *self_exe, const char *libexecdir, const char *name,
			pm_error **err);
