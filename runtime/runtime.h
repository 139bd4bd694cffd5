/* runtime.h: pm's low-level runtime: the container process and its setup.
 *
 * The engine fills a struct pm_runtime_spec (engine/spec.c converts the user's flags and
 * the image config into one) and calls pm_runtime_start() (the monitor, engine/monitor.c,
 * then owns the process). The runtime clones the container init into new namespaces
 * (inside the rootless user namespace the cli already joined), the child mounts, pivots,
 * drops privileges and execs; failures in the child travel back over a sync socket
 * (lib/sync.h) and come out as a pm_error naming the step and path, with status 125
 * (setup), 126 (cannot invoke) or 127 (not found).
 *
 * Layout of the runtime:
 *   run.c        parent side: clone, sync, wait
 *   init.c       child side: the setup sequence, privileges, exec, the --init reaper
 *   child-err.c  the child's error record and sync messages, shared by the child's steps
 *   mounts.c     rootfs, /proc /dev /sys, volumes, masked/read-only paths, pivot_root
 *   caps.c       capability names and sets (podman's defaults), applying them
 *   pty.c        pty creation in the container (child)
 *   tty.c        the user's terminal: raw mode, window size, the exec relay (parent)
 *   exec.c       `pm exec`: a process joining a running container
 *   limits.c     can resource limits be enforced here (cgroup v2 delegation)? */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

enum pm_runtime_mount_type {
	PM_RUNTIME_MOUNT_BIND = 1,
	PM_RUNTIME_MOUNT_TMPFS,
	PM_RUNTIME_MOUNT_DEVPTS,  /* a new devpts instance (--mount type=devpts) */
	PM_RUNTIME_MOUNT_OVERLAY, /* -v's O: data is "lowerdir=...,upperdir=...,workdir=..." */
	PM_RUNTIME_MOUNT_CGROUP2, /* a cgroup2 mount (--systemd on a cgroup v2 host) */
};

struct pm_runtime_mount {
	int type;	     /* enum pm_runtime_mount_type */
	char *source;	     /* host path for a bind mount (absolute) */
	char *destination;   /* absolute path inside the container */
	unsigned long flags; /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC */
	bool recursive;	     /* rbind (podman's default for -v) */
	char *data;	     /* tmpfs/devpts options: "size=...,mode=..." (may be NULL) */
	bool copy_up;	     /* tmpfs: tmpcopyup, the covered directory's content copied in */
};

/* Free a mount's strings and zero it (NULL-safe; runtime/mounts.c). */
void pm_runtime_mount_clear(struct pm_runtime_mount *m);

/* One line of a uid_map/gid_map: container ids [ctr, ctr+size) -> ids of the namespace pm
 * runs in (the rootless user namespace) [host, host+size). */
struct pm_runtime_idmap {
	uint32_t ctr;
	uint32_t host;
	uint32_t size;
};

struct pm_runtime_rlimit {
	int resource; /* RLIMIT_* */
	int64_t soft, hard;
};

struct pm_runtime_caps {
	uint64_t bounding;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	uint64_t ambient;
};

struct pm_runtime_spec {
	char *id;	/* container id (for messages and /etc/hosts) */
	char *name;	/* container name (added to /etc/hosts) */
	char *rootfs;	/* absolute path of the container's root directory */
	char *userdata; /* per-container directory for generated hostname/hosts/resolv.conf */
	char **args;	/* argv of the container process, args[0] non-NULL */
	char **env;	/* KEY=VALUE list */
	char *cwd;	/* absolute; created when missing */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups */
	size_t ngroups;
	char *hostname;

	bool host_pid, host_ipc, host_uts, host_net;
	/* Join this network namespace (e.g. "/proc/PID/ns/net" of another container) instead
	 * of a new one (NULL: a new one unless host_net). */
	char *netns_path;
	/* Join these namespaces of another container (a pod's infra) instead of new ones:
	 * "/proc/PID/ns/pid|ipc|uts" (NULL: a new one unless host_*). The pid namespace is
	 * joined for the clone only (the caller's later children stay in its own). */
	char *pidns_path, *ipcns_path, *utsns_path;
	/* The cgroup namespace (--cgroupns): host_cgroupns keeps the caller's; cgroupns_path
	 * joins that one ("/proc/PID/ns/cgroup" of another container, ns:PATH); else a new
	 * one, made once the init is in its own cgroup. */
	bool host_cgroupns;
	char *cgroupns_path;
	/* Content of the generated /etc/hosts and /etc/resolv.conf (NULL: the runtime's
	 * defaults: a localhost hosts file, the host's resolv.conf with host_net only). */
	char *hosts_data, *resolv_data;
	bool no_hosts; /* --no-hosts: no /etc/hosts is generated (the image's stays) */
	bool readonly_rootfs;
	bool readonly_tmpfs; /* with readonly_rootfs: tmpfs on /tmp, /run, /var/tmp */
	uint64_t shm_size;   /* bytes of /dev/shm; 0: 65536000 (64 MB, podman's) */
	int umask;	     /* the process's umask; < 0: 0022 */
	struct pm_runtime_mount *mounts;
	size_t nmounts;

	struct pm_runtime_caps caps;
	bool no_new_privs;
	bool privileged; /* no masked/read-only paths, /sys writable */
	/* Nothing mounted but the rootfs and the mounts above: no /proc, /dev, /sys or
	 * generated /etc files, so no masked paths either (a pod's infra, whose pause program
	 * only holds the namespaces; its /etc files are written for the members). */
	bool bare;
	char *seccomp;	     /* NULL = default profile, "unconfined", or a JSON profile path */
	char *seccomp_cache; /* directory caching compiled filters (NULL: none) */

	bool tty;	 /* allocate a pty; the parent relays it */
	bool stdin_open; /* -i: keep stdin (else /dev/null) */
	bool init;	 /* --init: pm's reaping init is PID 1 */

	/* A nested user namespace for the container (--userns=keep-id): both NULL/0 for
	 * none. */
	struct pm_runtime_idmap *uidmap, *gidmap;
	size_t nuidmap, ngidmap;
	/* The user namespace comes last (maps that leave out the caller, who owns pm's 0700
	 * storage and run directories: --userns=nomap, --uidmap without id 0): the init does
	 * its mounts, hostname, loopback and sysctls in pm's namespace as its root, then
	 * unshares the user namespace (its mount, net, ... namespaces stay owned by pm's). */
	bool late_userns;
	/* With late_userns: join this user namespace ("/proc/PID/ns/user" of a pod's infra,
	 * --userns=ns:PATH) instead of making one (its maps, if given, only describe it) */
	char *userns_path;

	/* A time namespace of its own with these offsets in seconds (--time-offset; the OCI
	 * spec's linux.timeOffsets) */
	bool timens;
	int64_t time_monotonic, time_boottime;

	/* --ulimit: setrlimit in the child before it drops privileges (-1: unlimited) */
	struct pm_runtime_rlimit *rlimits;
	size_t nrlimits;
	/* --sysctl: "key.name=value", written to /proc/sys/key/name in the container's
	 * namespaces before /proc/sys is made read-only */
	char **sysctls;
	/* --preserve-fds: the caller's fds 3..3+N-1 are the container process's too */
	unsigned preserve_fds;
	/* --personality: the execution domain set with personality(2) before exec (the OCI
	 * linux.personality); --oom-score-adj: written to /proc/self/oom_score_adj (a rootless
	 * container can only raise it) */
	bool personality_set, oom_score_adj_set;
	unsigned long personality;
	int oom_score_adj;
	/* --chrootdirs: the generated /etc/hosts and /etc/resolv.conf also at DIR/etc/ */
	char **chrootdirs;
};

/* An OCI hook the init runs (createContainer, startContainer): path with args (args[0]
 * first) and env, the state JSON on its stdin, killed after timeout seconds (0: none). */
struct pm_runtime_hook {
	char *path;
	char **args;
	char **env;
	int timeout;
};

/* How pm_runtime_start() wires the container process. */
struct pm_runtime_start_opts {
	/* The container's stdin, stdout and stderr, dup'd onto 0, 1, 2 in the child; -1 keeps
	 * the caller's own. stdin is used only with spec->stdin_open (else /dev/null); none
	 * is used with spec->tty (the pty is the container's stdio). */
	int stdio[3];
	/* With spec->tty: copy this terminal's window size to the pty (-1: none). */
	int winsize_from;
	/* Called in the parent after clone (and after a nested user namespace's maps are
	 * written), before the child goes on with its setup and execs: the child waits for
	 * it. pid is the child's pid (e.g. to start slirp4netns for its network namespace).
	 * A failure kills the child and fails the start with the callback's error. */
	int (*after_clone)(pid_t pid, void *data, pm_error **err);
	void *after_clone_data;
	/* Called in the parent once the child may go on (after after_clone), while the child
	 * sets up its mounts; the child execs only after it has returned (e.g. to bring the
	 * network helper up beside the mounts: slirp4netns takes as long as they do). A
	 * failure kills the child and fails the start with the callback's error, unless the
	 * child failed first: then the child's error is the start's. data: after_clone_data. */
	int (*before_exec)(pid_t pid, void *data, pm_error **err);
	/* > 0: a network namespace made beforehand (netslirp's pm_net_netns_new, its helper
	 * already coming up), which the init joins instead of a new one (no CLONE_NEWNET).
	 * Only without spec->host_net and spec->netns_path, and without a user namespace of
	 * the container's own that the clone makes (spec->nuidmap without late_userns): the
	 * namespace is owned by the caller's. 0 or -1: none. */
	int netns_fd;
	/* OCI hooks run by the init with hook_state (the OCI state JSON; the init sets its
	 * status and its pid, as runc's): create_hooks in the container's mount namespace
	 * once its mounts are made, before pivot_root (their paths are the host's:
	 * createContainer); start_hooks in the container, as its user, right before its
	 * command execs (their paths are the container's: startContainer). A failing one fails
	 * the start (126). */
	const struct pm_runtime_hook *create_hooks, *start_hooks;
	size_t ncreate_hooks, nstart_hooks;
	const char *hook_state;
};

/* A started container process. */
struct pm_runtime_proc {
	pid_t pid;  /* its PID 1, in the caller's pid namespace */
	int pidfd;  /* O_CLOEXEC pidfd of it */
	int master; /* the pty master with spec->tty, else -1 */
};

/* Start the container: compile its seccomp filter, write the generated /etc files, clone
 * its init and step it through setup until it has exec'd its command. Returns 0 with *ret
 * filled (the caller owns the fds and reaps it: the monitor's relay, monitor/mon-io.c), or
 * a negative errno with *err set (err->status 125, 126 or 127) and no process left. The
 * caller blocks the signals it wants to handle beforehand; the child resets its signal
 * mask before exec. opts may be NULL (the caller's stdio, no callback). */
int pm_runtime_start(const struct pm_runtime_spec *spec, const struct pm_runtime_start_opts *opts,
		     struct pm_runtime_proc *ret, pm_error **err);

/* Free the members of spec (not spec itself). */
void pm_runtime_spec_clear(struct pm_runtime_spec *spec);

/* The masked and read-only paths podman applies (NULL-terminated). */
extern const char *const pm_runtime_masked_paths[];
extern const char *const pm_runtime_readonly_paths[];
