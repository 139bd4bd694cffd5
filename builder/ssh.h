/* ssh.h: build --ssh, the SSH agents a build's RUN --mount=type=ssh reach (buildah's
 * --ssh default|ID[=SOCKET|KEY[,KEY...]]). A socket is forwarded as it is; key files go
 * to an ssh-agent(1) started for the build, in a private directory, and stopped with it. */
#pragma once

#include "lib/error.h"

struct pm_build_ssh;

/* Each --ssh value: "ID" alone is $SSH_AUTH_SOCK's agent; "ID=PATH[,PATH...]" a socket
 * (one path) or key files, each of which must exist. -EINVAL naming the value for a bad or
 * duplicate ID, a missing path, a path that is neither a socket nor a regular file, no
 * $SSH_AUTH_SOCK; -ENOENT when ssh-agent or ssh-add is missing or fails (its message).
 * Nothing is left on failure. *ret NULL when values is empty. */
int pm_build_ssh_start(char *const *values, struct pm_build_ssh **ret, pm_error **err);

/* "ID=SOCKET" per --ssh value (pm_build_opts.ssh); owned by s. */
char **pm_build_ssh_sockets(const struct pm_build_ssh *s);

/* The agents started for keys killed, their directories removed; s freed (NULL: nothing). */
void pm_build_ssh_stop(struct pm_build_ssh *s);
