/* notify.h: the sd_notify(3) protocol, pm's own (no libsystemd): one datagram of
 * "KEY=VALUE\n" lines to $NOTIFY_SOCKET, a socket path or an abstract one ('@name'), and
 * the --sdnotify modes of run/create (podman's: conmon, container, ignore).
 *
 * Called by engine/monitor.c once the container runs (MAINPID of the monitor and READY=1)
 * and by engine/spec.c (the socket passed into the container in "container" mode). Never
 * prints. */
#pragma once

#include <stdbool.h>

#include "lib/error.h"

#define PM_SDNOTIFY_CONMON    "conmon"
#define PM_SDNOTIFY_CONTAINER "container"
#define PM_SDNOTIFY_IGNORE    "ignore"

/* Where a "container" mode socket is seen inside the container (podman's path). */
#define PM_SDNOTIFY_CTR_SOCKET "/run/notify/notify.sock"

/* Is mode one of conmon, container, ignore? -EINVAL naming it otherwise (podman's message:
 * "--sdnotify values must be one of "container", "conmon", or "ignore""). */
int pm_sdnotify_check(const char *mode, pm_error **err);

/* Send state (lines "KEY=VALUE\n") to socket (a path or "@abstract"). 0; -ENOENT when socket
 * is NULL or empty (nothing sent); a negative errno when it could not be sent. */
int pm_sdnotify_send(const char *socket, const char *state);

/* What the monitor tells systemd once the container runs, per mode (NULL: conmon):
 * conmon "MAINPID=<mainpid>\nREADY=1\n", container "MAINPID=<mainpid>\n" (the container sends
 * READY itself), ignore nothing (NULL). malloc'd. */
char *pm_sdnotify_ready_message(const char *mode, int mainpid);
