/* detached.c: the detached monitor's life (see detached.h): the relay, the end of the
 * network helpers (netslirp/spawn.h), the exit file and the exit command. libc, lib/ and
 * netslirp/ only. Never prints. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "monitor/detached.h"
#include "monitor/log-writer.h"
#include "monitor/rundir.h"
#include "netslirp/spawn.h"

#define NET_STOP_TIMEOUT_MS 5000
/* run -d's record is synced this long after the start: a removal that follows at once (a
 * script's run -d + rm -f) needs no sync, and on ext4 without a journal an fsync of a
 * directory holds its lock through the write, which rm's renames would queue behind */
#define SYNC_GRACE_MS 20

void pm_mon_detached_init(struct pm_mon_detached *d)
{
	*d = (struct pm_mon_detached){.net_pidfd = -1, .net_exit_fd = -1, .net_relay_pidfd = -1};
	pm_mon_io_init(&d->io);
}

static void cloexec(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* As pm_net_stop: slirp4netns and the port relay leave when their exit fd hangs up, pasta
 * on SIGTERM. Without published ports neither is waited for (slirp4netns' tap teardown is
 * slow, pasta's exit too, and nothing depends on it). Our children: reaped with the rest
 * below. */
static void net_stop(struct pm_mon_detached *a)
{
	if (a->net_pidfd < 0)
		return;
	if (a->net_exit_fd >= 0)
		close(a->net_exit_fd);
	/* SIGTERM only for a helper without an exit fd; SIGKILL after the timeout. Not our
	 * children (pid 0): only their pidfds are waited on. */
	pm_net_kill_wait(0, &a->net_relay_pidfd, false, true, NET_STOP_TIMEOUT_MS);
	if (a->net_wait)
		pm_net_kill_wait(0, &a->net_pidfd, false, a->net_exit_fd >= 0, NET_STOP_TIMEOUT_MS);
	else if (a->net_exit_fd < 0)
		pm_net_kill_nowait(&a->net_pidfd);
	if (a->net_pidfd >= 0)
		close(a->net_pidfd);
}

/* --sync: the deferred work (mon-io.h), run once */
static void sync_record(void *arg)
{
	struct pm_mon_detached *d = arg;
	if (pm_mon_removing(d->rundir) || !pm_path_exists(d->sync_paths[0]))
		return;
	for (char **p = d->sync_paths; *p; p++)
		pm_fsync_path(*p);
}

static void sync_later(struct pm_mon_detached *d)
{
	if (!d->sync_paths || !d->sync_paths[0])
		return;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its = {.it_value = {.tv_nsec = SYNC_GRACE_MS * 1000000L}};
	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0) {
		if (fd >= 0)
			close(fd);
		sync_record(d); /* now, then */
		return;
	}
	d->io.defer_fd = fd;
	d->io.deferred = sync_record;
	d->io.deferred_arg = d;
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Run the exit command with the signals it expects and wait for it. */
static void run_exit_command(char **argv, const sigset_t *blocked)
{
	pid_t pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, blocked, NULL);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The check command: the exit command's program and global options, `healthcheck run ID`.
 * NULL when the exit command is not the expected one. */
static char **health_argv(const struct pm_mon_detached *d)
{
	size_t n = 0;
	while (d->exit_command[n])
		n++;
	if (n <= PM_MON_EXIT_TAIL)
		return NULL;
	size_t keep = n - PM_MON_EXIT_TAIL;
	char **argv = calloc(keep + 4, sizeof(char *));
	if (!argv)
		return NULL;
	for (size_t i = 0; i < keep; i++)
		argv[i] = d->exit_command[i];
	argv[keep] = (char *)"healthcheck";
	argv[keep + 1] = (char *)"run";
	argv[keep + 2] = (char *)d->id;
	return argv;
}

int pm_mon_detached_run(struct pm_mon_detached *d)
{
	struct pm_mon_io *io = &d->io;
	/* ours now: not for the exit command */
	int fds[] = {io->pidfd, io->master,   io->out_r,      io->err_r,	 io->in_w,
		     io->lfd,	d->net_pidfd, d->net_exit_fd, d->net_relay_pidfd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		cloexec(fds[i]);
	for (size_t i = 0; i < io->nclients; i++)
		cloexec(io->clients[i]);
	sigset_t set;
	pm_mon_io_block_signals(&set, NULL);
	io->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->log)
		pm_ctr_log_open(d->log, d->log_max, &io->log, NULL);
	struct pm_mon_health health;
	pm_mon_health_init(&health);
	if (d->health_interval > 0 || d->health_startup > 0) {
		health.interval_ns = d->health_interval;
		health.start_ns = d->health_start;
		health.startup_ns = d->health_startup;
		health.startup_done = d->health_startup_done;
		health.argv = health_argv(d);
		health.sigmask = &set;
		if (pm_mon_health_start(&health) == 0)
			io->health = &health;
	}

	sync_later(d);
	int status = pm_mon_io_relay(io);
	pm_mon_health_stop(&health);
	io->health = NULL;
	if (health.pidfd >= 0)
		close(health.pidfd);
	free(health.argv);

	/* the log of a container rm -f removes next is not synced (issue #20) */
	if (pm_mon_removing(d->rundir))
		pm_ctr_log_close_nosync(io->log, NULL);
	else
		pm_ctr_log_close(io->log, NULL);
	io->log = NULL;
	if (io->lfd >= 0) {
		/* no new client for a container that is gone */
		pm_mon_unlink(d->rundir, PM_MON_ATTACH);
		close(io->lfd);
		io->lfd = -1;
	}
	net_stop(d);
	reap_all();
	pm_mon_write_exit(d->rundir, status);
	if (io->defer_fd >= 0) { /* the container ended first: the sync is due now */
		close(io->defer_fd);
		io->defer_fd = -1;
		sync_record(d);
	}
	/* a `pm stop` (or rm -f) waits for us and cleans up itself: no second pm process */
	d->stopped = pm_mon_stopped(d->rundir);
	if (!d->stopped)
		run_exit_command(d->exit_command, &set);
	pm_mon_io_notify_exit(io, status);
	return status;
}
