/* containers-conf.h: the few keys of containers.conf(5) pm honours: [engine]
 * cgroup_manager, [containers] default_ulimits. Read from /usr/share/containers/containers.conf,
 * then /etc/containers/containers.conf, then $XDG_CONFIG_HOME/containers/containers.conf (or
 * ~/.config/...), a later file's key winning; $CONTAINERS_CONF names the only file read.
 * The global --cgroup-manager flag overrides them all (pm_conf_set_cgroup_manager). Pure
 * parser unit tested (tests/unit/test-containers-conf.c). Never prints. */
#pragma once

#include <stdbool.h>

#include "lib/error.h"

/* Is v "systemd" or "cgroupfs"? */
bool pm_conf_cgroup_manager_valid(const char *v);

/* The value of `cgroup_manager` in the [engine] table of a containers.conf text (a TOML
 * subset: tables, key = "string" or 'string', comments), malloc'd; NULL when not set. */
char *pm_conf_parse_cgroup_manager(const char *text);

/* The --cgroup-manager flag (checked by the caller: pm_conf_cgroup_manager_valid). */
void pm_conf_set_cgroup_manager(const char *v);

/* The cgroup manager to use: the flag, else containers.conf, else "systemd" where a
 * systemd user bus (or, for real root, a system bus) is there, "cgroupfs" otherwise (as
 * podman). -EINVAL naming the file for a value that is neither. */
int pm_conf_cgroup_manager(const char **ret, pm_error **err);

/* The `default_ulimits` array of strings in the [containers] table (it may span lines),
 * malloc'd (NULL for an empty one); *ret_set says whether the key is there. */
char **pm_conf_parse_default_ulimits(const char *text, bool *ret_set);

/* What run/create take from the files in one reading: the cgroup manager (as
 * pm_conf_cgroup_manager) and default_ulimits (podman's --ulimit when none is given;
 * *ret_ulimits_set false when no file sets it). */
int pm_conf_run_defaults(const char **ret_mgr, char ***ret_ulimits, bool *ret_ulimits_set,
			 pm_error **err);
