/* run-mount.h: RUN --mount=type=cache|bind|tmpfs|secret|ssh,... read as BuildKit reads it
 * (moby/buildkit frontend/dockerfile/instructions/parse_mounts.go), into what the build
 * mounts. Pure: no file is touched; builder/build.c makes the mounts. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "lib/error.h"

enum pm_run_mount_type {
	PM_RUN_MOUNT_BIND = 0, /* the default type, as BuildKit's */
	PM_RUN_MOUNT_CACHE,
	PM_RUN_MOUNT_TMPFS,
	PM_RUN_MOUNT_SECRET,
	PM_RUN_MOUNT_SSH, /* an SSH agent's socket (build --ssh), SSH_AUTH_SOCK in the RUN */
};

struct pm_run_mount {
	enum pm_run_mount_type type;
	char *target; /* absolute in the container; secret: default /run/secrets/<id>; ssh:
			 NULL for the default, /run/buildkit/ssh_agent.<N> (the caller's N) */
	char *source; /* bind: relative to the context or `from`; secret: unused */
	char *from;   /* bind, cache: a stage or image name */
	char *id;     /* cache: the cache's id (default: the target); secret: its id; ssh: the
			 --ssh id (default "default") */
	bool ro;      /* bind: default true; cache: default false */
	bool required;
	mode_t mode; /* cache: the directory's mode (default 0755); secret: 0400; ssh: 0600 */
	bool mode_set;
	uid_t uid;
	gid_t gid;
	unsigned long long size; /* tmpfs: bytes, 0: default */
};

/* One --mount value. -EINVAL naming the option for an unknown type or option, a missing
 * target (but for secrets and ssh), a bad number. */
int pm_run_mount_parse(const char *value, struct pm_run_mount *ret, pm_error **err);
void pm_run_mount_clear(struct pm_run_mount *m);
