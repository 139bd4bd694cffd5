/* run-process.h: the parsers of run/create's process flags (podman 4.3's names and, where
 * podman checks them, its messages): --personality, --oom-score-adj, --seccomp-policy,
 * --init-path, --pidfile, --subuidname/--subgidname. Used by the flag setters
 * (cli/cmd-run.c), the one validation (engine/validate.c) and the spec builder
 * (engine/spec-process.c). Never prints. Unit tested in tests/unit/test-run-process.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"

/* podman's io.containers.seccomp.profile image label (--seccomp-policy=image) */
#define PM_SECCOMP_IMAGE_LABEL "io.containers.seccomp.profile"
/* where --init-path's binary is mounted in the container (podman's) */
#define PM_INIT_PATH_IN_CTR "/run/podman-init"

/* --personality LINUX|LINUX32 (the OCI linux.personality domains) -> personality(2)'s
 * value. */
int pm_config_parse_personality(const char *v, unsigned long *ret, pm_error **err);

/* --oom-score-adj N: an integer in -1000..1000. */
int pm_config_parse_oom_score_adj(const char *v, int64_t *ret, pm_error **err);

/* --seccomp-policy default|image (podman's message otherwise). */
int pm_config_check_seccomp_policy(const char *v, pm_error **err);

/* --init-path PATH (with --init): a file of the host (podman's message when not). */
int pm_config_check_init_path(const char *v, pm_error **err);

/* --pidfile PATH: its directory exists. *ret: PATH made absolute (against the cwd). */
int pm_config_pidfile_path(const char *v, char **ret, pm_error **err);

/* Write pid (decimal, no newline: conmon's form) to path, atomically. */
int pm_config_pidfile_write(const char *path, int pid, pm_error **err);

/* --subuidname/--subgidname NAME: NAME's ranges of /etc/subuid (gid: /etc/subgid) as
 * --uidmap values "CTR:HOST:LEN" from container id 0, appended to *maps. The ids are ids of
 * the namespace pm runs in, as podman takes them: rootless, the ranges (host ids) lie
 * beyond the rootless user namespace and are refused, naming the flag (podman 4.3 refuses
 * them too, when its storage chowns to them). flag: "--subuidname" for the message. */
int pm_config_subid_maps(const char *name, bool gid, const char *flag, char ***maps,
			 pm_error **err);

/* The pure part: the --uidmap values for ranges (start, length pairs; n of them). */
char **pm_config_subid_maps_of(const uint32_t *start, const uint32_t *len, size_t n);
