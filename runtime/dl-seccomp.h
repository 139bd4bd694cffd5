/* dl-seccomp.h: libseccomp, opened with dlopen() on first use (lib/dlopen.h). Only compiling
 * a container's filter (run, create, exec: runtime/seccomp.c) needs it; the commands that
 * start no process (ps, stats, inspect, version...) do not map it. Call pm_dl_seccomp()
 * before the first sym_seccomp_*() call. */
#pragma once

#include <seccomp.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(seccomp_arch_add);
extern PM_DLSYM_PROTOTYPE(seccomp_arch_native);
extern PM_DLSYM_PROTOTYPE(seccomp_arch_resolve_name);
extern PM_DLSYM_PROTOTYPE(seccomp_attr_set);
extern PM_DLSYM_PROTOTYPE(seccomp_export_bpf);
extern PM_DLSYM_PROTOTYPE(seccomp_init);
extern PM_DLSYM_PROTOTYPE(seccomp_release);
extern PM_DLSYM_PROTOTYPE(seccomp_rule_add_array);
extern PM_DLSYM_PROTOTYPE(seccomp_syscall_resolve_name);
extern PM_DLSYM_PROTOTYPE(seccomp_version);

/* Open libseccomp.so.2 once; 0 (or 1 when opened now) or -EOPNOTSUPP with err naming the
 * Debian package (libseccomp2). */
int pm_dl_seccomp(pm_error **err);
