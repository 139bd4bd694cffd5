/* cgroup-flags.h: run/create's cgroup, block-device and static-network flags, podman 4.3's
 * spellings and messages: --memory-swappiness, --cgroupns, --cgroup-conf, --device-read-bps,
 * --device-write-bps, --device-read-iops, --device-write-iops, --blkio-weight-device,
 * --device-cgroup-rule, --ip, --ip6, --mac-address, --network-alias. The values are checked
 * when the flag is read (pm_config_set_cgroup_flag), the whole configuration once more by
 * pm_config_cgroup_flags_check (devices and namespace paths exist, the network mode allows
 * the static addresses); whether the limits can be enforced is engine/limits.c's. The
 * limits become cgroup v2 file lines (io.max, io.weight, --cgroup-conf's files) at start.
 * Pure apart from stat(2) of the named devices and paths. Never prints. Called by cli/
 * (the flag table), engine/validate.c, engine/limits.c, engine/net.c and engine/inspect.c.
 * Unit tested in tests/unit/test-cgroup-flags.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"

struct pm_container_config; /* engine/spec.h */

/* Set the flag named flag ("memory-swappiness", "cgroupns", "cgroup-conf",
 * "device-read-bps", "device-write-bps", "device-read-iops", "device-write-iops",
 * "blkio-weight-device", "device-cgroup-rule", "ip", "ip6", "mac-address",
 * "network-alias") from its value v into c: -EINVAL with podman's message naming the value
 * when it is malformed (c unchanged). */
int pm_config_set_cgroup_flag(struct pm_container_config *c, const char *flag, const char *v,
			      pm_error **err);

/* The checks that need the whole configuration or the host: the devices of the throttle and
 * weight flags exist and are block devices, an ns:PATH cgroup namespace exists, and the
 * static address flags (refused: pm has no bridge network, as rootless podman 4.3 refuses
 * them with slirp4netns). */
int pm_config_cgroup_flags_check(const struct pm_container_config *c, pm_error **err);

/* The container's cgroup namespace mode: its --cgroupns, else podman's default: "private"
 * on a cgroup v2 host, "host" on a v1 or hybrid one. */
const char *pm_config_cgroupns_mode(const struct pm_container_config *c);

/* A per-device flag's value PATH:VALUE (checked when set) split: the path (malloc'd) and the
 * number (bps: bytes, iops, weight: as given). kind: 'b' for the bps flags, 'i' the iops
 * ones, 'w' --blkio-weight-device. */
int pm_config_device_limit(char kind, const char *v, char **ret_path, uint64_t *ret);

/* Any of the per-device limits or --cgroup-conf set? */
bool pm_config_has_io_limits(const struct pm_container_config *c);

/* The per-device limits as cgroup v2 lines: *ret_io_max "MAJ:MIN rbps=N" (one line per
 * device and kind, io.max's form), *ret_io_weight "MAJ:MIN W" (--blkio-weight-device's
 * 10..1000, as io.bfq.weight takes it), both NULL when none. */
int pm_config_io_lines(const struct pm_container_config *c, char ***ret_io_max,
		       char ***ret_io_weight, pm_error **err);

/* The cgroup v2 controller a --cgroup-conf KEY=VALUE needs ("memory" for memory.high; NULL
 * for the cgroup.* core files). malloc'd. */
char *pm_config_cgroup_conf_controller(const char *kv);
