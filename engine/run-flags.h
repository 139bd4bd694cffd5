/* run-flags.h: the parsers of run/create's --ulimit, --sysctl, --device, --tz and --expose
 * (podman's syntax and messages), shared by the flag setters (cli/cmd-run.c), the one
 * validation (engine/validate.c), the spec builder (engine/spec.c) and inspect. Pure apart
 * from the stat of a device or zone file. Never prints. Unit tested in
 * tests/unit/test-run-flags.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"
#include "runtime/runtime.h"

/* --ulimit NAME=SOFT[:HARD] (-1: unlimited) -> the RLIMIT_ resource and its values. */
struct pm_ulimit {
	int resource;	  /* RLIMIT_NOFILE, ... */
	const char *name; /* "RLIMIT_NOFILE" (static) */
	int64_t soft, hard;
};
int pm_config_parse_ulimit(const char *v, struct pm_ulimit *ret, pm_error **err);

/* What podman 4.3's default limits are made of, read once at create (getrlimit and
 * /proc/sys/kernel/pid_max). Values as rlim_t: RLIM_INFINITY is unlimited. */
struct pm_ulimit_base {
	bool root; /* podman as root: 1048576 each, whatever its own limits */
	uint64_t nofile_hard, nproc_soft, nproc_hard;
	uint64_t pid_max; /* 0: not known */
};
void pm_config_ulimit_base(struct pm_ulimit_base *ret);

/* The --ulimit values (checked by pm_config_parse_ulimit) -> the list a container keeps and
 * inspect shows, podman 4.3's rule: "host" anywhere -> {"host"} (no limits set: the
 * container keeps pm's, with the soft nofile raised to the hard one, as podman's own
 * process does). Else containers.conf's default nproc=PID_MAX:PID_MAX (when PID_MAX is
 * within the hard nproc, else 1048576 when that is, else none) when no --ulimit is given;
 * nothing at all when that leaves the list empty. Otherwise nofile first, then the given
 * ones in order (a repeated name replaces the earlier in place), nofile and nproc added
 * when not given: the hard nofile, and the nproc the defaults left podman's process with,
 * both capped at 1048576, soft = hard. */
char **pm_config_ulimits_resolve(char *const *given, const struct pm_ulimit_base *b);

/* A container's kept list -> the limits its init sets (appended to *ret): "host" or a list
 * without nofile (an older pm's record) also gets the soft nofile raised to the hard one. */
int pm_config_rlimits(char *const *ulimits, struct pm_runtime_rlimit **ret, size_t *ret_n,
		      pm_error **err);

/* --sysctl KEY=VALUE: only the namespaced ones podman allows (kernel.msg*, kernel.sem,
 * kernel.shm*, fs.mqueue.*, net.*); net.* is refused with network "host", the IPC ones with
 * ipc "host" (the container's --network and --ipc; NULL: private). */
int pm_config_check_sysctl(const char *network, const char *ipc, const char *v, pm_error **err);

/* --device HOST[:CTR][:PERMS] (PERMS of r, w, m). HOST must exist (stat). *ret_src and
 * *ret_dst are allocated; ret_perms may be NULL. */
int pm_config_parse_device(const char *v, char **ret_src, char **ret_dst, char **ret_perms,
			   pm_error **err);

/* --tz ZONE|local -> the file that becomes the container's /etc/localtime (allocated). */
int pm_config_tz_file(const char *v, char **ret_path, pm_error **err);

/* --expose PORT[-PORT][/PROTO] (tcp, udp, sctp). */
int pm_config_check_expose(const char *v, pm_error **err);
/* The --expose values as podman's port keys, ranges expanded: {"8080/tcp", "53/udp"}
 * (malformed values skipped; NULL when none). */
char **pm_config_expose_keys(char *const *expose);

/* --attach STREAM: stdin, stdout or stderr (any case, as podman). */
int pm_config_check_attach(const char *v, pm_error **err);

/* --hostuser NAME|UID: a user of the host (getpwnam/getpwuid); -ENOENT naming it. */
int pm_config_check_hostuser(const char *v, pm_error **err);

/* The container's /etc/passwd content (may be NULL: none) with a line for each host user
 * of names it does not have yet ("name:*:uid:gid:gecos:home:/bin/sh", home "/" when the
 * host's is not a directory of the container: rootfs). *ret NULL when nothing was added. */
int pm_config_hostuser_passwd(const char *passwd, char *const *names, const char *rootfs,
			      char **ret, pm_error **err);

/* --uidmap/--gidmap CTR:HOST:LEN (kind "UID" or "GID" for the message): container ids ->
 * ids of the rootless user namespace (podman's plain form). */
int pm_config_parse_idmap(const char *v, const char *kind, struct pm_runtime_idmap *ret,
			  pm_error **err);

/* Split the container extents m[0..n) at the edges of the extents of this process's own
 * namespace map (map_text: /proc/self/uid_map or gid_map), as the kernel wants every
 * extent inside one of the parent's. -EINVAL naming spec (for the message) when ids fall
 * outside the namespace. */
int pm_config_idmap_split(const char *map_text, const struct pm_runtime_idmap *m, size_t n,
			  const char *spec, struct pm_runtime_idmap **ret, size_t *ret_n,
			  pm_error **err);

/* --userns=auto[:size=N,uidmapping=C:H:L,gidmapping=C:H:L]'s options (v: the whole value) */
#define PM_USERNS_AUTO_MAX_EXTRA 8
struct pm_userns_auto_opts {
	uint32_t size; /* size= (0: from the image) */
	/* uidmapping=/gidmapping=: extents forced into the map as given */
	struct pm_runtime_idmap extra_uid[PM_USERNS_AUTO_MAX_EXTRA],
		extra_gid[PM_USERNS_AUTO_MAX_EXTRA];
	size_t n_extra_uid, n_extra_gid;
};
int pm_config_parse_userns_auto(const char *v, struct pm_userns_auto_opts *ret, pm_error **err);
