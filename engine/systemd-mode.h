/* systemd-mode.h: run/create's --systemd=true|false|always, podman 4.3's systemd mode. The
 * mode is decided at create from the flag and the container's command (entrypoint + cmd):
 * "always", or "true" (the default) with a command of /sbin/init, /usr/sbin/init,
 * /usr/local/sbin/init or any path named systemd. A container in the mode gets, as
 * podman's: tmpfs on /run and /run/lock (the image's content copied in), /tmp and
 * /var/log/journal (each unless a mount of the user's is there), a tmpfs on /sys/fs/cgroup
 * with the host's name=systemd hierarchy bound in (cgroup v1) or a cgroup2 mount (v2),
 * container_uuid in its environment and SIGRTMIN+3 as its stop signal when none is given.
 * Called by cli/cmd-run.c (the flag), engine/validate.c, engine/run.c (create) and
 * engine/spec.c (start). Never prints. */
#pragma once

#include <stdbool.h>

#include "lib/error.h"
#include "runtime/runtime.h"

/* The stop signal of a container in systemd mode that was given none (podman's 37). */
#define PM_SYSTEMD_STOP_SIGNAL "RTMIN+3"

/* --systemd VALUE: true, false or always, any case ("" is true, as podman's); -EINVAL with podman's
 * message naming the value. */
int pm_config_check_systemd(const char *v, pm_error **err);

/* Whether a container with --systemd v (NULL: true) and this command runs in systemd
 * mode. */
bool pm_config_systemd_mode(const char *v, char *const *args);

/* Add the mode's mounts to s (those whose destination a mount of s already has are left
 * out). */
void pm_spec_systemd_mounts(struct pm_runtime_spec *s);
