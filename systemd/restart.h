/* restart.h: restart a systemd unit and wait for the job's outcome (auto-update). The
 * caller's manager: the user's (`systemctl --user`) unless it runs as root. systemctl from
 * $PATH rather than sd-bus: pm maps libsystemd only in the monitor (systemd/dl-bus.h), and
 * systemctl already waits for the job and says why it failed. Never prints. */
#pragma once

#include "lib/error.h"

/* `systemctl [--user] restart -- UNIT`, waited for. -EIO when the job failed or systemctl
 * refused: the message is systemctl's first line ("Job for U failed because ...",
 * "Failed to restart U: Unit U not found."); -ENOENT when no systemctl is on $PATH. */
int pm_systemd_unit_restart(const char *unit, pm_error **err);
