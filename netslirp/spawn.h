/* spawn.h: the network helper process: how it is started, ended and waited for, and the
 * handle (struct pm_net) shared by slirp.c, pasta.c and lifetime.c. Internal to netslirp/,
 * but for pm_net_kill_wait: monitor/detached.c ends handed-over helpers with it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "netslirp/net.h"

struct pm_net {
	int mode;	 /* enum pm_net_mode */
	pid_t pid;	 /* helper pid, 0 = none */
	bool is_child;	 /* our child (waitpid) or a daemon (pidfd only) */
	int pidfd;	 /* pidfd of pid, -1 = none */
	int exit_fd;	 /* write end of slirp4netns' exit pipe, -1 = none */
	char *sock_path; /* API socket to remove */
	char *pid_path;	 /* pid file to remove */
	pid_t relay_pid; /* the loopback port relay (our child), 0 = none */
	int relay_pidfd;
	struct pm_net_port *ports;
	size_t nports;
	/* between pm_net_launch and pm_net_ready (net.h): */
	bool ready;			 /* the helper said so, its ports are published */
	const struct pm_net_config *cfg; /* the caller's, valid until ready */
	int ready_fd;			 /* read end of its ready pipe, -1 = none */
	int route_fd;	  /* pasta: netlink socket in the namespace for its routes, -1 = none */
	int route_family; /* the family whose default route says "configured" */
	int netns_fd;	  /* the namespace (for the port relay), -1 = none */
	char *log_path;	  /* its log, for the cause of a failure */
	int log_fd;	  /* or that log as a memfd (no run dir: an early launch), -1 = none */
	struct pm_net_relay_plan *relay; /* slirp4netns: the relay's bound listeners */
	int64_t launched_ns;		 /* CLOCK_MONOTONIC at the launch (debug log) */
};

/* slirp.c: the relay plan's end (NULL-safe), for a handle freed before it was ready. */
void pm_net_relay_plan_free(struct pm_net_relay_plan *rp);

/* Run argv[0] (an absolute path) as a new session leader with stdin on /dev/null, stdout
 * and stderr on log_fd (or /dev/null when < 0), and pass[i] as fd 3+i (every other fd
 * closed). pdeathsig: it gets SIGTERM when we exit (for helpers without an exit fd).
 * Returns the pid; *ret_pidfd gets a pidfd for it (O_CLOEXEC). */
/* In a forked child that becomes a long-lived helper (a daemon of the shared network
 * namespace: slirp4netns, aardvark-dns): no signal blocked (the caller's signalfd set is
 * not its), every disposition the default, a session of its own. */
void pm_net_daemon_child_reset(void);

int pm_net_spawn(char *const argv[], const int *pass, size_t npass, int log_fd, bool pdeathsig,
		 pid_t *ret_pid, int *ret_pidfd, pm_error **err);

/* socket(domain, type, protocol) in the network namespace netns_fd (made by a short-lived
 * child sharing our fd table): the fd, or -errno. */
int pm_net_socket_in(int netns_fd, int domain, int type, int protocol);

/* Reap the child pm_net_netns_new left holding its namespace until it was opened (it is
 * not waited for there): once the helper is ready (not block: it is gone by then, else
 * later), when it is stopped and before the next namespace (block). */
void pm_net_netns_reap(bool block);

/* Wait up to timeout_ms for the process behind pidfd to exit (child: also reap it and
 * store its wait status in *ret_status when not NULL). 0 when it exited, -ETIMEDOUT. */
int pm_net_wait_exit(pid_t pid, int pidfd, bool is_child, int timeout_ms, int *ret_status);

/* SIGTERM (unless skip_term), wait up to timeout_ms, then SIGKILL and wait. Closes pidfd.
 * pid is only used (waitpid) when is_child; a helper that is not ours may pass 0. */
int pm_net_kill_wait(pid_t pid, int *pidfd, bool is_child, bool skip_term, int timeout_ms);
/* SIGTERM through *pidfd, not waited for; *pidfd closed and set to -1. */
void pm_net_kill_nowait(int *pidfd);

/* The line of a helper's log that says why it failed (lib/helper-output.h: the cause, not
 * a harmless warning), for error messages; NULL when the log is empty or unreadable. */
char *pm_net_log_reason(const char *path);

/* Allocate a handle with no helper. */
struct pm_net *pm_net_new(int mode);
