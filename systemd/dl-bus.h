/* dl-bus.h: sd-bus from libsystemd, opened with dlopen() on first use (lib/dlopen.h).
 * Only the monitor of a container on a cgroup v2 host with a systemd manager on the bus needs
 * it (systemd/scope.c); no other command maps libsystemd and what it pulls in (libgcrypt,
 * lz4, zstd, lzma). Call pm_dl_bus() first, then call sym_sd_bus_*(). */
#pragma once

#include <systemd/sd-bus.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(sd_bus_call);
extern PM_DLSYM_PROTOTYPE(sd_bus_error_free);
extern PM_DLSYM_PROTOTYPE(sd_bus_flush_close_unref);
extern PM_DLSYM_PROTOTYPE(sd_bus_match_signal);
extern PM_DLSYM_PROTOTYPE(sd_bus_message_append);
extern PM_DLSYM_PROTOTYPE(sd_bus_message_append_array);
extern PM_DLSYM_PROTOTYPE(sd_bus_message_close_container);
extern PM_DLSYM_PROTOTYPE(sd_bus_message_new_method_call);
extern PM_DLSYM_PROTOTYPE(sd_bus_message_open_container);
extern PM_DLSYM_PROTOTYPE(sd_bus_message_read);
extern PM_DLSYM_PROTOTYPE(sd_bus_message_unref);
extern PM_DLSYM_PROTOTYPE(sd_bus_open_system);
extern PM_DLSYM_PROTOTYPE(sd_bus_open_user);
extern PM_DLSYM_PROTOTYPE(sd_bus_process);
extern PM_DLSYM_PROTOTYPE(sd_bus_slot_unref);
extern PM_DLSYM_PROTOTYPE(sd_bus_wait);

/* Load libsystemd.so.0 and the symbols above (once). 1 when loaded by this call, 0 when it
 * was already, -EOPNOTSUPP with *err naming the package when it is missing. */
int pm_dl_bus(pm_error **err);
