/* containers-conf.h: the keys of containers.conf(5) pm honours: [engine] cgroup_manager,
 * [containers] default_ulimits and the namespace, tz, umask, shm_size and pids_limit
 * defaults. Read from /usr/share/containers/containers.conf,
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

/* The [containers] keys that stand for run's flags when the flag is not given, as podman's
 * containers.conf: cgroupns, ipcns, pidns, utsns, userns, tz, umask, shm_size, pids_limit
 * (--cgroupns, --ipc, --pid, --uts, --userns, --tz, --umask, --shm-size, --pids-limit). */
enum {
	PM_CONF_CGROUPNS,
	PM_CONF_IPCNS,
	PM_CONF_PIDNS,
	PM_CONF_UTSNS,
	PM_CONF_USERNS,
	PM_CONF_TZ,
	PM_CONF_UMASK,
	PM_CONF_SHM_SIZE,
	PM_CONF_PIDS_LIMIT,
	PM_CONF_N,
};
/* the key of each (PM_CONF_CGROUPNS: "cgroupns", ...) */
extern const char *const pm_conf_ctr_keys[PM_CONF_N];

/* The value of key in table of a containers.conf text: a quoted string's content, or a bare
 * value (a number, true/false) up to a blank or comment; malloc'd, NULL when not set. The
 * last one wins. */
char *pm_conf_parse_value(const char *text, const char *table, const char *key);
/* The values of keys[0..n) of [table] in one pass over text: out[i] malloc'd, or NULL when
 * the key is absent (the last one wins, as pm_conf_parse_value). */
void pm_conf_parse_values(const char *text, const char *table, const char *const *keys, size_t n,
			  char **out);

/* What run/create take from the files in one reading: the cgroup manager (as
 * pm_conf_cgroup_manager), default_ulimits (podman's --ulimit when none is given;
 * *ret_ulimits_set false when no file sets it) and the [containers] keys above
 * (ret_ctr[PM_CONF_...], malloc'd or NULL; the caller frees them). */
int pm_conf_run_defaults(const char **ret_mgr, char ***ret_ulimits, bool *ret_ulimits_set,
			 char *ret_ctr[PM_CONF_N], pm_error **err);
