/* aardvark.h: aardvark-dns for the shared rootless network namespace (aardvark.c). Internal
 * to netslirp/ (the engine's part is in net.h). */
#pragma once

#include <stdbool.h>

/* The pid in pidfile when that process still runs under the name comm (not a reused pid,
 * not a zombie), else 0. */
int pm_net_pidfile_pid(const char *pidfile, const char *comm);
/* End the namespace's aardvark-dns and (files) remove its config directory and resolv.conf
 * (not files: the engine's files for the next start stay). */
void pm_net_dns_stop(const char *state_dir, bool files);
