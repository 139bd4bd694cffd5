/* dl-subid.h: libsubid (shadow), opened with dlopen() on first use (lib/dlopen.h).
 * Only creating the rootless user namespace (and `pm info`) reads subordinate ids; linking
 * libsubid would map libselinux, libsemanage, libsepol, libpam, libaudit and more into every
 * pm process. Call pm_dl_subid() before the first sym_subid_*() call. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <shadow/subid.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(subid_init);
extern PM_DLSYM_PROTOTYPE(subid_get_uid_ranges);
extern PM_DLSYM_PROTOTYPE(subid_get_gid_ranges);

/* Open libsubid.so.4 once; 0 (or 1 when opened now) or -EOPNOTSUPP with err naming the
 * Debian package (libsubid4). */
int pm_dl_subid(pm_error **err);

/* Test seam (unit tests only): the caller has put its own functions in all three sym_subid_*
 * pointers; pm_dl_subid() then succeeds without opening libsubid. */
void pm_dl_subid_preset(void);
