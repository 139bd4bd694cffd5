/* info.h: the host facts of `pm info` / `pm system info` in podman's JSON shape (host, store,
 * version), plus what a rootless user needs to know: subordinate id mappings, cgroup
 * delegation, overlay in the user namespace, which helpers are installed and their versions.
 * Built here, below the CLI, so that a future API answers with the same JSON; it leaves
 * this module as text (json_t stays inside). Runs the helpers' --version and the overlay
 * probe (whose result is cached under the storage root); runs no container and needs no
 * user namespace (it must work, and say what is wrong, when none can be made).
 * Called by cli/cmd-info.c. Never prints. */
#pragma once

#include <stdbool.h>

#include "lib/paths.h"

struct pm_info_opts {
	const struct pm_paths *paths; /* root, runroot, config */
	const char *storage_driver;   /* --storage-driver, or NULL */
};

/* podman info's JSON document as text (never NULL). */
char *pm_engine_info_json(const struct pm_info_opts *opts);

/* podman's version object as JSON text (`pm version`'s Client, `info`'s version). */
char *pm_engine_version_json(void);

/* The version of a helper program: the version line of `path --version` (lib/helper-output.h),
 * else the version of the package that installed path (dpkg-query or rpm, e.g.
 * "uidmap 1:4.13+dfsg1-1+deb12u1"), else "". Never its usage text. Never NULL. */
char *pm_tool_version(const char *path);

/* The package that ships a helper pm uses ("newuidmap" -> "uidmap" on Debian,
 * "shadow-utils" with rpm), or NULL for a tool pm does not know. */
const char *pm_tool_package(const char *tool, bool rpm);
