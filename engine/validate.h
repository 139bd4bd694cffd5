/* validate.h: the one validation step of a container configuration, and the parsers from
 * the strings a user gives (a flag's value, a YAML field, an API request's field) into
 * struct pm_container_config. `pm run` / `pm create` (cli/cmd-run.c), `play kube`,
 * `pm build` and the API call the same functions, so that nothing works in one that fails
 * in another, with the same message (podman's wording: tests/system/030-run.bats).
 * Messages name the flag (`--memory`) as podman's do. Never prints. Unit tested in
 * tests/unit/test-validate.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/spec.h"
#include "lib/error.h"

/* ---- restart policy, signal names, detach keys (also engine/monitor.c, run.c, cli/) ---- */

enum pm_restart_kind {
	PM_RESTART_NO = 0,
	PM_RESTART_ON_FAILURE,
	PM_RESTART_ALWAYS,
	PM_RESTART_UNLESS_STOPPED,
};

struct pm_restart_policy {
	enum pm_restart_kind kind;
	unsigned max_retries; /* on-failure:N (0: unlimited) */
};

/* Parse --restart (NULL or "" is "no"); podman's messages. */
int pm_monitor_parse_restart(const char *s, struct pm_restart_policy *ret, pm_error **err);

/* "TERM", "SIGTERM", "term", "15" -> 15. -EINVAL otherwise. */
int pm_engine_parse_signal(const char *s, int *ret);

/* Parse --detach-keys into a byte sequence (at most 8): "ctrl-p,ctrl-q" -> {0x10, 0x11}. */
int pm_attach_parse_keys(const char *s, unsigned char *ret, size_t *ret_n, pm_error **err);

#define PM_MIN_MEMORY (6ULL * 1024 * 1024) /* podman's minimum --memory */

/* ---- values given as strings (all: -EINVAL with podman's message) ------------------------- */

/* --memory: "<number>[<unit>]", unit b, k, m or g; not 0, at least 6 MB (podman's
 * minimum). */
int pm_config_parse_memory(const char *v, uint64_t *ret, pm_error **err);

/* --cpus: a positive finite number. */
int pm_config_parse_cpus(const char *v, double *ret, pm_error **err);

/* --pids-limit: an integer >= -1 (-1: unlimited). */
int pm_config_parse_pids_limit(const char *v, int64_t *ret, pm_error **err);

/* The other resource flags and --cgroups, by their long name without dashes
 * ("memory-swap", "memory-reservation", "cpu-quota", "cpu-period", "cpu-shares",
 * "cpuset-cpus", "cpuset-mems", "blkio-weight", "cgroups") into c; -EINVAL naming the
 * value (podman's words where podman has them). Shared by run/create and update. */
int pm_config_set_resource(struct pm_container_config *c, const char *flag, const char *v,
			   pm_error **err);

/* The checks between the resource values (memory-swap against memory, --cpus against
 * --cpu-quota, the 6 MB minimum, more CPUs than the host has). */
int pm_config_check_resources(const struct pm_container_config *c, pm_error **err);

/* --stop-timeout: seconds, an unsigned integer up to INT32_MAX. */
int pm_config_parse_stop_timeout(const char *v, int64_t *ret, pm_error **err);

/* --stop-signal: "TERM", "SIGTERM", "15"... */
int pm_config_check_stop_signal(const char *v, pm_error **err);

/* --restart: no, on-failure[:N], always, unless-stopped (NULL or "": no). */
int pm_config_check_restart(const char *v, pm_error **err);

/* --detach-keys: "ctrl-p,ctrl-q", "" (none), single characters, ctrl-<a-z@[\]^_>. */
int pm_config_check_detach_keys(const char *v, pm_error **err);

/* --log-opt KEY=VALUE: max-size=SIZE sets c->log_max_size; other keys are accepted and
 * ignored as podman does for k8s-file. */
int pm_config_set_log_opt(struct pm_container_config *c, const char *v, pm_error **err);
/* --log-driver: k8s-file (json-file is podman's other name for it), none, passthrough or
 * passthrough-tty (the container's stdin, stdout and stderr are those of the pm that starts
 * it, no log kept; -tty: also when they are terminals); journald, which pm does not have, is
 * refused by name, anything else with podman's message. */
int pm_config_set_log_driver(struct pm_container_config *c, const char *v, pm_error **err);

/* --security-opt: seccomp=PROFILE|unconfined, no-new-privileges[=BOOL]; label=,
 * apparmor=, mask=, unmask= are accepted with no effect (no SELinux/AppArmor here). */
int pm_config_set_security_opt(struct pm_container_config *c, const char *v, pm_error **err);

/* ---- the whole configuration --------------------------------------------------------------- */

/* Everything that can be checked before any state is touched, in this order: --rm against
 * --restart, the restart policy, the stop signal, the numeric limits (for callers that
 * fill them without the parsers above), then pm_spec_validate (namespace modes, network
 * and ports, --userns, --workdir, capabilities, -v/--mount/--tmpfs, resource limits the
 * host cannot enforce). The first failure is returned. */
int pm_container_config_validate(const struct pm_container_config *c, pm_error **err);

/* --cpu-rt-period (a uint) / --cpu-rt-runtime (an int), flag named without dashes: parsed as
 * podman's (its strconv message), then refused: pm's limits need cgroup v2, which has no
 * real-time CPU controller (podman's "Realtime period not supported on cgroups V2
 * systems"). Always < 0. */
int pm_config_refuse_cpu_rt(const char *flag, const char *v, pm_error **err);
