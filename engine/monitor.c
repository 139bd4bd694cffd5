/* monitor.c: the engine's side of the per-container monitor (see monitor.h): the restart
 * policy, the attached monitor (this process: start, relay through monitor/mon-io.c, exit
 * recording), the detached monitor's fork up to the exec of pm-monitor, the attach
 * client. No polling. Must not print (the
 * detached monitor's stdio is /dev/null). Called by engine/run.c and cli/ (attach). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "engine/ctr-paths.h"
#include "engine/ctr-state.h"
#include "engine/events.h"
#include "engine/health-parse.h"
#include "engine/hooks.h"
#include "engine/limits.h"
#include "engine/monitor.h"
#include "engine/net.h"
#include "engine/run-process.h"
#include "lib/crashpoint.h"
#include "lib/fileutil.h"
#include "lib/paths.h"
#include "lib/strutil.h"
#include "lib/sync.h"
#include "lib/timeutil.h"
#include "monitor/log-writer.h"
#include "monitor/rundir.h"
#include "runtime/tty.h"
#include "storage/container.h"
#include "systemd/notify.h"
#include "systemd/scope.h"

#define BUF_SIZE 8192

/* ---- restart policy ------------------------------------------------------------------------ */

bool pm_monitor_should_restart(const struct pm_restart_policy *p, int status, unsigned restarts,
			       bool stopped_by_user)
{
	if (stopped_by_user)
		return false;
	switch (p->kind) {
	case PM_RESTART_ALWAYS:
	case PM_RESTART_UNLESS_STOPPED:
		return true;
	case PM_RESTART_ON_FAILURE:
		return status != 0 && (p->max_retries == 0 || restarts < p->max_retries);
	default:
		return false;
	}
}

void pm_monitor_restart_backoff(unsigned restarts)
{
	unsigned ms = 100u << (restarts < 6 ? restarts : 6);
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- the monitor ----------------------------------------------------------------------------- */

struct mon {
	const struct pm_monitor_setup *s;
	bool attached;
	struct pm_restart_policy policy;
	char *log_path;
	char *rundir;
	struct pm_mon_io io;
	bool raw;
	struct termios saved;
	struct pm_net *net;	 /* the running network helper (slirp4netns/pasta), or NULL */
	struct pm_net *launched; /* setup's net_launched, until the first start takes it */
	/* --log-driver passthrough(-tty): the container gets our own stdin, stdout, stderr;
	 * no pipes, no log, nothing relayed */
	bool passthrough;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The OCI hooks' view of the container (engine/hooks.h). */
static void hooks_state(const struct mon *m, pid_t pid, const char *status,
			struct pm_hooks_state *hs)
{
	const struct pm_container_config *cfg = m->s->cfg;
	*hs = (struct pm_hooks_state){
		.id = m->s->c->id,
		.pid = pid,
		.status = status,
		.bundle = m->s->spec->userdata,
		.args = m->s->spec->args,
		.annotations = cfg->annotations,
		.bind_mounts = cfg->volumes || cfg->mounts || cfg->tmpfs || cfg->volumes_from,
	};
}

/* The runtime's after_clone hook: the container init is cloned, its command has not run:
 * put it in a cgroup of its own (a systemd scope; nothing without cgroup v2 and a user
 * bus). */
static int after_clone(pid_t pid, void *data, pm_error **err)
{
	struct mon *m = data;
	struct pm_container *c = m->s->c;
	free(c->state.cgroup_path);
	c->state.cgroup_path = NULL;
	int r = pm_engine_cgroup_enter(pid, c->id, m->s->cfg, &c->state.cgroup_path, err);
	c->state.oom_base = pm_engine_oom_base(c->state.cgroup_path);
	if (r < 0)
		return r;
	/* --pidfile: the init's pid, before its command runs */
	if (m->s->cfg->pidfile &&
	    (r = pm_config_pidfile_write(m->s->cfg->pidfile, (int)pid, err)) < 0)
		return r;
	/* a pod's --infra-conmon-pidfile: this monitor's own pid (pm's conmon) */
	if (m->s->cfg->conmon_pidfile &&
	    (r = pm_config_pidfile_write(m->s->cfg->conmon_pidfile, (int)getpid(), err)) < 0)
		return r;
	/* OCI hooks: prestart and createRuntime, the init waiting (engine/hooks.h) */
	struct pm_hooks_state hs;
	hooks_state(m, pid, "creating", &hs);
	if ((r = pm_hooks_run("prestart", &hs, err)) < 0 ||
	    (r = pm_hooks_run("createRuntime", &hs, err)) < 0)
		return r;
	return 0;
}

/* The runtime's before_exec hook, run while the init sets up its mounts: start
 * slirp4netns/pasta for its network namespace and publish the ports; or, launched
 * already (setup's net_launched), wait until it is ready. */
static bool net_needs_helper(const struct mon *m);
static int before_exec(pid_t pid, void *data, pm_error **err)
{
	struct mon *m = data;
	int r = m->net ? pm_net_ready(m->net, err) : pm_net_start(m->s->net, pid, &m->net, err);
	if (r >= 0)
		pm_crash_point("after-net");
	return r;
}

static bool net_needs_helper(const struct mon *m)
{
	return m->s->net && (m->s->net->mode == PM_NET_SLIRP4NETNS ||
			     m->s->net->mode == PM_NET_PASTA || m->s->net->mode == PM_NET_BRIDGE);
}

static void net_stop(struct mon *m)
{
	if (m->net) {
		pm_net_stop(m->net);
		m->net = NULL;
	}
}

/* The published ports as started (random host ports resolved) into c's state. */
static void net_ports_to_state(struct mon *m, struct pm_container *c)
{
	size_t n;
	const struct pm_net_port *p = pm_net_ports(m->net, &n);
	pm_strv_free(c->state.ports);
	c->state.ports = pm_engine_ports_strv(p, n);
}

/* passthrough on a terminal: refused as conmon does (a process in the container could push
 * input into the caller's terminal with TIOCSTI); passthrough-tty takes that risk. */
static int passthrough_check(const struct pm_container_config *cfg, pm_error **err)
{
	if (strcmp(cfg->log_driver, "passthrough") != 0)
		return 0;
	if (isatty(STDIN_FILENO) || isatty(STDOUT_FILENO) || isatty(STDERR_FILENO))
		return pm_error_set(err, EINVAL,
				    "cannot use a tty with passthrough logging mode to prevent "
				    "attacks via TIOCSTI");
	return 0;
}

static int start_container(struct mon *m, pm_error **err)
{
	const struct pm_runtime_spec *spec = m->s->spec;
	int out[2] = {-1, -1}, errp[2] = {-1, -1}, in[2] = {-1, -1};
	struct pm_runtime_start_opts o = {.stdio = {-1, -1, -1},
					  .winsize_from =
						  m->attached ? STDIN_FILENO : m->s->winsize_from};
	struct pm_runtime_proc proc = {.pidfd = -1, .master = -1};
	int r;
	if (m->passthrough) {
		r = passthrough_check(m->s->cfg, err);
		if (r < 0)
			return r;
	} else {
		/* opened here also for a detached container, whose pm-monitor opens it again: an
		 * unwritable log fails the start, not the monitor */
		r = pm_ctr_log_open(m->log_path, m->s->cfg->log_max_size, &m->io.log, err);
		if (r < 0)
			return r;
	}
	if (!spec->tty && !m->passthrough) {
		if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
		    (spec->stdin_open && !m->attached && pipe2(in, O_CLOEXEC) < 0)) {
			r = pm_error_set_errno(err, errno, "creating the container's stdio pipes");
			goto fail;
		}
		o.stdio[0] = in[0];
		o.stdio[1] = out[1];
		o.stdio[2] = errp[1];
	}
	pm_mon_clear_stopped(m->rundir);
	o.after_clone = after_clone;
	o.after_clone_data = m;
	if (net_needs_helper(m))
		o.before_exec = before_exec;
	if (m->launched) { /* the first start: its namespace and helper are there */
		m->net = TAKE_PTR(m->launched);
		o.netns_fd = m->s->netns_fd;
	}
	/* OCI hooks the init runs itself: createContainer, startContainer (engine/hooks.h) */
	struct pm_hooks_state chs;
	hooks_state(m, 0, "creating", &chs);
	struct pm_runtime_hook *create_hooks = NULL, *start_hooks = NULL;
	char *hook_state = NULL;
	if ((r = pm_hooks_collect("createContainer", &chs, &create_hooks, &o.ncreate_hooks, err)) <
		    0 ||
	    (r = pm_hooks_collect("startContainer", &chs, &start_hooks, &o.nstart_hooks, err)) < 0)
		goto fail_hooks;
	if (o.ncreate_hooks || o.nstart_hooks)
		hook_state = pm_hooks_state_json(&chs);
	o.create_hooks = create_hooks;
	o.start_hooks = start_hooks;
	o.hook_state = hook_state;
	r = pm_runtime_start(spec, &o, &proc, err);
fail_hooks:
	pm_hooks_list_free(create_hooks, o.ncreate_hooks);
	pm_hooks_list_free(start_hooks, o.nstart_hooks);
	free(hook_state);
	if (r < 0)
		net_stop(m); /* started by the hook before a later setup step failed */
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&errp[1]);
	if (r < 0)
		goto fail;
	/* OCI hooks: poststart (runc's state "created" then); a failing one fails the start as
	 * runc's: the container killed */
	struct pm_hooks_state hs;
	hooks_state(m, proc.pid, "created", &hs);
	if ((r = pm_hooks_run("poststart", &hs, err)) < 0) {
		kill(proc.pid, SIGKILL);
		waitpid(proc.pid, NULL, 0);
		close_fd(&proc.pidfd);
		close_fd(&proc.master);
		net_stop(m);
		goto fail;
	}
	m->io.pid = proc.pid;
	m->io.pidfd = proc.pidfd;
	m->io.master = proc.master;
	m->io.out_r = out[0];
	m->io.err_r = errp[0];
	m->io.in_w = in[1];
	pm_mon_write_pids(m->rundir, getpid(), m->io.pid);
	return 0;
fail:
	close_fd(&out[0]);
	close_fd(&errp[0]);
	close_fd(&in[1]);
	pm_ctr_log_close(m->io.log, NULL);
	m->io.log = NULL;
	return r;
}

static void set_running(struct mon *m)
{
	struct pm_container *c = m->s->c;
	c->state.status = PM_CTR_RUNNING;
	c->state.starting = false;
	pm_engine_record_pids(c, getpid(), m->io.pid);
	c->state.started_ns = pm_time_now_ns();
	c->state.finished_ns = 0;
	c->state.exit_code = 0;
	if (!c->state.mountpoint && m->s->spec->rootfs)
		c->state.mountpoint = pm_xstrdup(m->s->spec->rootfs);
	net_ports_to_state(m, c);
	pm_engine_event(m->s->e, c, "init");
	pm_engine_event(m->s->e, c, "start");
}

/* Tell systemd (a unit's $NOTIFY_SOCKET, --sdnotify) that the container runs and that this
 * process, its monitor, is the service's main process; then forget the socket: nothing this
 * monitor starts later (exit command, health checks) speaks for the unit. */
static void notify_ready(const struct pm_monitor_setup *s)
{
	const char *sock = getenv("NOTIFY_SOCKET");
	if (!sock)
		return;
	_cleanup_free_ char *msg = pm_sdnotify_ready_message(s->cfg->sdnotify, (int)getpid());
	if (msg)
		pm_sdnotify_send(sock, msg);
	unsetenv("NOTIFY_SOCKET");
}

/* Close the log, then record the exit (a follower that sees the state has the whole log). */
static void record_exit(struct mon *m, int status)
{
	net_stop(m);
	/* OCI hooks: poststop; a failing one changes nothing (as runc) */
	struct pm_hooks_state hs;
	hooks_state(m, 0, "stopped", &hs);
	pm_hooks_run("poststop", &hs, NULL);
	if (m->s->cfg->rm) /* the log goes with the container: no fsync (issue #20) */
		pm_ctr_log_close_nosync(m->io.log, NULL);
	else
		pm_ctr_log_close(m->io.log, NULL);
	m->io.log = NULL;
	const struct pm_engine *e = m->s->e;
	struct pm_container *c = m->s->c;
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
	if (lock < 0 || pm_container_reload(e->paths, c, NULL) < 0)
		return; /* no write without the lock; or removed meanwhile */
	c->state.status = PM_CTR_STOPPED;
	c->state.exit_code = status;
	c->state.finished_ns = pm_time_now_ns();
	c->state.pid = 0;
	c->state.oom_killed = pm_engine_cgroup_exited(c->state.cgroup_path, c->state.oom_base);
	free(c->state.cgroup_path);
	c->state.cgroup_path = NULL;
	pm_container_save_state(e->paths, c, NULL);
	pm_engine_event_died(e, c);
}

/* Restart the container after an exit, per its policy. Returns true when it runs again. */
static bool maybe_restart(struct mon *m, int status)
{
	struct pm_container *c = m->s->c;
	while (pm_monitor_should_restart(&m->policy, status, c->state.restart_count,
					 pm_mon_no_restart(m->rundir))) {
		pm_monitor_restart_backoff(c->state.restart_count);
		const struct pm_engine *e = m->s->e;
		_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
		if (lock < 0 || pm_container_reload(e->paths, c, NULL) < 0 ||
		    c->state.status != PM_CTR_STOPPED || pm_mon_no_restart(m->rundir))
			return false;
		c->state.restart_count++;
		if (start_container(m, NULL) < 0) {
			pm_container_save_state(e->paths, c, NULL);
			status = 125;
			continue;
		}
		set_running(m);
		pm_container_save_state(e->paths, c, NULL);
		return true;
	}
	return false;
}

static void mon_init(struct mon *m, const struct pm_monitor_setup *s, bool attached)
{
	*m = (struct mon){.s = s, .attached = attached};
	pm_mon_io_init(&m->io);
	m->io.attached = attached;
	/* --attach: only the streams named (podman's -a stdout, -a stderr) */
	if (s->cfg->attach) {
		m->io.unattached = (1u << 1) | (1u << 2);
		for (char **a = s->cfg->attach; *a; a++)
			m->io.unattached &= ~(!strcasecmp(*a, "stdout")	  ? 1u << 1
					      : !strcasecmp(*a, "stderr") ? 1u << 2
									  : 0u);
	}
	pm_monitor_parse_restart(s->cfg->restart, &m->policy, NULL);
	m->log_path = pm_engine_log_path(s->e, s->c);
	m->passthrough = pm_log_driver_is_passthrough(s->cfg->log_driver);
	m->rundir = pm_ctr_run_dir(s->e, s->c->id);
	m->launched = s->net_launched;
}

static void mon_clear(struct mon *m)
{
	pm_net_stop(TAKE_PTR(m->launched)); /* never started */
	if (m->io.lfd >= 0) {
		pm_mon_unlink(m->rundir, PM_MON_ATTACH);
		close_fd(&m->io.lfd);
	}
	pm_mon_unlink(m->rundir, PM_MON_PIDS);
	pm_mon_unlink(m->rundir, PM_MON_PIDFILE);
	close_fd(&m->io.sigfd);
	free(m->log_path);
	free(m->rundir);
}

/* The startup check's interval when one runs first (--health-startup-*), else 0. */
static int64_t startup_interval(const struct pm_container_config *c)
{
	return pm_health_enabled(&c->startup_health) && pm_health_enabled(&c->health)
		       ? c->startup_health.interval
		       : 0;
}

/* Periodic checks: the health check's interval, or a startup check's first. */
static bool periodic_checks(const struct pm_container_config *c)
{
	return pm_health_enabled(&c->health) && (c->health.interval > 0 || startup_interval(c) > 0);
}

/* The path of the marker of a passed startup check (engine/health.h), removed first: a new
 * start's checks begin with the startup check. NULL when it cannot be removed. */
static char *startup_marker_reset(const struct pm_monitor_setup *s)
{
	_cleanup_free_ char *p = pm_path_join(s->c->dir, PM_HEALTH_STARTUP_PASSED);
	if (unlink(p) < 0 && errno != ENOENT)
		return NULL;
	return TAKE_PTR(p);
}

/* `pm [global options] healthcheck run ID`: the periodic check's command (monitor/health.h),
 * NULL without periodic checks. pm-monitor derives the same from its exit command. */
static char **health_argv(const struct pm_monitor_setup *s)
{
	if (!periodic_checks(s->cfg))
		return NULL;
	char **argv = NULL;
	_cleanup_free_ char *self = pm_read_link("/proc/self/exe");
	pm_strv_push(&argv, self ? self : "/proc/self/exe");
	pm_strv_push(&argv, "--root");
	pm_strv_push(&argv, s->e->paths->root);
	pm_strv_push(&argv, "--runroot");
	pm_strv_push(&argv, s->e->paths->runroot);
	if (s->e->storage_driver) {
		pm_strv_push(&argv, "--storage-driver");
		pm_strv_push(&argv, s->e->storage_driver);
	}
	pm_strv_push(&argv, "healthcheck");
	pm_strv_push(&argv, "run");
	pm_strv_push(&argv, s->c->id);
	return argv;
}

int pm_monitor_run_attached(const struct pm_monitor_setup *s, int *ret_status, pm_error **err)
{
	struct mon m;
	_cleanup_strv_ char **hargv = NULL;
	_cleanup_free_ char *startup_done = NULL;
	mon_init(&m, s, true);
	sigset_t set, old;
	pm_mon_io_block_signals(&set, &old);
	int r = pm_mkdir_p(m.rundir, 0700, err);
	if (r < 0)
		goto out;
	m.io.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	m.io.lfd = pm_mon_io_listen(m.rundir);
	r = start_container(&m, err);
	if (r < 0)
		goto out;
	set_running(&m);
	pm_container_save_state(s->e->paths, s->c, NULL);
	notify_ready(s);
	close(s->lock_fd);
	pm_mon_io_set_timeout(&m.io, s->cfg->timeout); /* --timeout */
	if (m.io.master >= 0)
		m.raw = pm_tty_make_raw(STDIN_FILENO, &m.saved);
	int status;
	hargv = health_argv(s);
	struct pm_mon_health health;
	pm_mon_health_init(&health);
	health.interval_ns = s->cfg->health.interval;
	health.start_ns = s->cfg->health.start_period;
	health.startup_ns = startup_interval(s->cfg);
	health.argv = hargv;
	health.sigmask = &set;
	do {
		m.io.user_in = m.io.master >= 0 && s->spec->stdin_open;
		/* the checks of this start: the timer anew for each, the startup check first */
		free(startup_done);
		startup_done = health.startup_ns > 0 ? startup_marker_reset(s) : NULL;
		health.startup_done = startup_done;
		m.io.health = hargv && pm_mon_health_start(&health) == 0 ? &health : NULL;
		status = pm_mon_io_relay(&m.io);
		pm_mon_health_stop(&health);
		m.io.health = NULL;
		record_exit(&m, status);
		pm_mon_io_notify_exit(&m.io, status);
	} while (maybe_restart(&m, status));
	if (health.pidfd >= 0)
		close(health.pidfd);
	if (m.raw)
		pm_tty_restore(STDIN_FILENO, &m.saved);
	*ret_status = status;
	r = 0;
out:
	mon_clear(&m);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* ---- the detached monitor -------------------------------------------------------------------- */

static void push_fd_arg(char ***argv, const char *opt, int fd)
{
	if (fd < 0)
		return;
	fcntl(fd, F_SETFD, 0);
	pm_strv_push(argv, opt);
	pm_strv_consume(argv, pm_xasprintf("%d", fd));
}

/* run -d: what the create wrote without fsync (engine.h sync_later), for pm-monitor to make
 * durable (its --sync) once the cli has its answer: nobody waits for it, and a rm -f that
 * follows at once does not wait for a sync (monitor/detached.h). */
static char **sync_paths(const struct pm_monitor_setup *s)
{
	char **v = pm_container_sync_paths(s->e->paths, s->c);
	if (!s->cfg->rootfs) {
		_cleanup_store_ struct pm_store *store = NULL;
		if (pm_store_open(s->e->paths, s->e->storage_driver, &store, NULL) >= 0)
			pm_storage_ctr_sync_paths(store, s->c->id, &v);
	}
	return v;
}

/* Become pm-monitor (monitor/pm-monitor.c): the container stays our child, we stay its
 * subreaper (kept across execve), and what we hand over are fds. Its exit command is
 * `pm container cleanup --exited ID`, run when the container has exited. Returns only when
 * the exec failed. */
static void exec_monitor(struct mon *m, const char *program)
{
	const struct pm_monitor_setup *s = m->s;
	const struct pm_paths *paths = s->e->paths;
	_cleanup_free_ char *self = pm_read_link("/proc/self/exe");
	/* for the exit command's poststop hooks (--hooks-dir's or the default directory's) */
	setenv(PM_HOOKS_CMD_ENV, s->spec->args[0], 1);
	setenv(PM_HOOKS_BUNDLE_ENV, s->spec->userdata ? s->spec->userdata : "", 1);
	char **argv = NULL;
	pm_strv_push(&argv, "pm-monitor");
	pm_strv_push(&argv, "--id");
	pm_strv_push(&argv, s->c->id);
	pm_strv_push(&argv, "--rundir");
	pm_strv_push(&argv, m->rundir);
	pm_strv_push(&argv, "--log");
	pm_strv_push(&argv, m->log_path);
	pm_strv_push(&argv, "--log-max-size");
	pm_strv_consume(&argv, pm_xasprintf("%llu", (unsigned long long)s->cfg->log_max_size));
	pm_strv_push(&argv, "--pid");
	pm_strv_consume(&argv, pm_xasprintf("%d", (int)m->io.pid));
	push_fd_arg(&argv, "--pidfd", m->io.pidfd);
	push_fd_arg(&argv, "--pty", m->io.master);
	push_fd_arg(&argv, "--stdout", m->io.out_r);
	push_fd_arg(&argv, "--stderr", m->io.err_r);
	push_fd_arg(&argv, "--stdin", m->io.in_w);
	push_fd_arg(&argv, "--attach", m->io.lfd);
	for (size_t i = 0; i < m->io.nclients; i++)
		push_fd_arg(&argv, "--client", m->io.clients[i]);
	struct pm_net_handover nh;
	pm_net_handover(TAKE_PTR(m->net), &nh);
	push_fd_arg(&argv, "--net-pidfd", nh.pidfd);
	push_fd_arg(&argv, "--net-exit-fd", nh.exit_fd);
	push_fd_arg(&argv, "--net-relay-pidfd", nh.relay_pidfd);
	if (nh.pidfd >= 0 && nh.wait)
		pm_strv_push(&argv, "--net-wait");
	_cleanup_free_ char *startup_done =
		startup_interval(s->cfg) > 0 ? startup_marker_reset(s) : NULL;
	if (periodic_checks(s->cfg) && startup_done) {
		pm_strv_push(&argv, "--health-startup");
		pm_strv_consume(&argv, pm_xasprintf("%lld", (long long)startup_interval(s->cfg)));
		pm_strv_push(&argv, "--health-startup-done");
		pm_strv_push(&argv, startup_done);
	}
	if (periodic_checks(s->cfg)) {
		pm_strv_push(&argv, "--health-interval");
		pm_strv_consume(&argv, pm_xasprintf("%lld", (long long)s->cfg->health.interval));
		pm_strv_push(&argv, "--health-start");
		pm_strv_consume(&argv,
				pm_xasprintf("%lld", (long long)s->cfg->health.start_period));
	}
	if (s->cfg->timeout) {
		pm_strv_push(&argv, "--timeout");
		pm_strv_consume(&argv, pm_xasprintf("%llu", (unsigned long long)s->cfg->timeout));
	}
	_cleanup_strv_ char **sync = s->e->sync_later ? sync_paths(s) : NULL;
	for (char **p = sync; p && *p; p++) {
		pm_strv_push(&argv, "--sync");
		pm_strv_push(&argv, *p);
	}
	pm_strv_push(&argv, "--");
	pm_strv_push(&argv, self ? self : "/proc/self/exe");
	pm_strv_push(&argv, "--root");
	pm_strv_push(&argv, paths->root);
	pm_strv_push(&argv, "--runroot");
	pm_strv_push(&argv, paths->runroot);
	if (s->e->storage_driver) {
		pm_strv_push(&argv, "--storage-driver");
		pm_strv_push(&argv, s->e->storage_driver);
	}
	pm_strv_push(&argv, "container");
	pm_strv_push(&argv, "cleanup");
	pm_strv_push(&argv, "--exited");
	pm_strv_push(&argv, s->c->id);
	execv(program, argv);
	pm_strv_free(argv);
}

__attribute__((noreturn)) static void detached_main(const struct pm_monitor_setup *s,
						    const char *program, int syncfd)
{
	struct mon m;
	mon_init(&m, s, false);
	if (s->attach_fd >= 0)
		m.io.clients[m.io.nclients++] = s->attach_fd;
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (!m.passthrough) /* passthrough: once the container has them */
		pm_stdio_to_null();
	/* blocked, and SIGPIPE ignored: both stay so across the exec */
	sigset_t set;
	pm_mon_io_block_signals(&set, NULL);
	signal(SIGPIPE, SIG_IGN);
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_mkdir_p(m.rundir, 0700, &err);
	if (r >= 0) {
		m.io.lfd = pm_mon_io_listen(m.rundir);
		r = start_container(&m, &err);
	}
	if (m.passthrough)
		pm_stdio_to_null();
	if (r < 0) {
		pm_sync_send_error(syncfd, err ? err->code : EIO, pm_error_exit_status(err), "%s",
				   err && err->msg ? err->msg : "starting the container");
		mon_clear(&m);
		_exit(PM_EXIT_ERROR);
	}
	/* The record says "running", with our pid and the init's, before the cli hears of
	 * it: we hold the container's lock with the cli (the same open file), so whether the
	 * cli lives or was killed meanwhile, the next command finds a record that names what
	 * runs. */
	set_running(&m);
	pm_container_save_state(s->e->paths, s->c, NULL);
	notify_ready(s);
	_cleanup_free_ char *pid = pm_xasprintf("%d %d", (int)m.io.pid, (int)getpid());
	pm_sync_send(syncfd, PM_SYNC_PID, pid, strlen(pid), NULL, 0);
	close(syncfd);
	close(s->lock_fd);
	exec_monitor(&m, program);
	/* could not exec: end the container; the next command finds the monitor gone and
	 * records the exit (pm_engine_refresh) */
	pidfd_send_signal(m.io.pidfd, SIGKILL, NULL, 0);
	_exit(127);
}

int pm_monitor_spawn(const struct pm_monitor_setup *s, pm_error **err)
{
	_cleanup_free_ char *program = pm_monitor_program(err);
	if (!program)
		return -ENOENT;
	int sp[2];
	int r = pm_sync_pair(sp, err);
	if (r < 0)
		return r;
	_cleanup_close_ int syncfd = sp[0];
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(sp[1]);
		return pm_error_set_errno(err, errno, "starting the container monitor: fork");
	}
	if (pid == 0) {
		close(syncfd);
		/* the lock (s->lock_fd) stays with us until the record says "running". A session
		 * of its own (the terminal's signals and hangup are not its), and no second fork:
		 * it is our child until we exit, then the nearest subreaper's, as a grandchild
		 * would be once its parent left (a fork, an exit and a wake-up less). It never
		 * gains a controlling terminal: the pty is opened O_NOCTTY, in the init. */
		setsid();
		detached_main(s, program, sp[1]);
	}
	close(sp[1]);
	pm_crash_point("after-monitor-spawn");
	/* "PID MONPID", sent once the monitor has written the record; a monitor that failed
	 * exits at once and is reaped, a running one is not waited for */
	struct pm_sync_msg msg;
	r = pm_sync_expect(syncfd, PM_SYNC_PID, &msg, "the container monitor", err);
	if (r < 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return r;
	}
	return pm_container_reload(s->e->paths, s->c, err);
}

/* ---- attach (client) ------------------------------------------------------------------------- */

static int send_resize(int fd)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
		return 0;
	char msg[5] = {PM_ATTACH_RESIZE};
	memcpy(msg + 1, &ws.ws_row, 2);
	memcpy(msg + 3, &ws.ws_col, 2);
	return (int)send(fd, msg, sizeof(msg), MSG_NOSIGNAL);
}

int pm_engine_attach(const struct pm_engine *e, const struct pm_container *c,
		     const struct pm_attach_opts *o, int *ret_status, pm_error **err)
{
	unsigned char keys[8];
	size_t nkeys = 0;
	int r = pm_attach_parse_keys(o->detach_keys, keys, &nkeys, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	_cleanup_close_ int dfd = open(rundir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa;
	pm_mon_attach_addr(dfd, &sa);
	if (dfd < 0 || fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return pm_error_set(err, ENOTCONN,
				    "you can only attach to running containers: container '%s' "
				    "has no monitor to attach to",
				    c->name);
	return pm_engine_attach_fd(e, c, TAKE_FD(fd), o, ret_status, err);
}

int pm_engine_attach_fd(const struct pm_engine *e, const struct pm_container *c, int fd_,
			const struct pm_attach_opts *o, int *ret_status, pm_error **err)
{
	_cleanup_close_ int fd = fd_;
	unsigned char keys[8];
	size_t nkeys = 0, matched = 0;
	int r = pm_attach_parse_keys(o->detach_keys, keys, &nkeys, err);
	if (r < 0)
		return r;
	signal(SIGPIPE, SIG_IGN);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	static const int proxied[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	for (size_t i = 0; o->sig_proxy && i < ARRAY_SIZE(proxied); i++)
		sigaddset(&set, proxied[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	_cleanup_close_ int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	struct termios saved;
	bool raw = o->tty && pm_tty_make_raw(STDIN_FILENO, &saved);
	if (o->tty)
		send_resize(fd);
	bool in_open = o->stdin;
	r = -EPIPE;
	for (;;) {
		struct pollfd p[3] = {
			{.fd = fd, .events = POLLIN},
			{.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
			{.fd = sigfd, .events = POLLIN},
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = pm_error_set_errno(err, errno, "poll");
			break;
		}
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo si = {0};
			if (read(sigfd, &si, sizeof(si)) != sizeof(si))
				si.ssi_signo = 0;
			if (si.ssi_signo == SIGWINCH) {
				send_resize(fd);
			} else if (si.ssi_signo && o->exec_session) {
				char m[5] = {PM_ATTACH_SIGNAL};
				int32_t v = (int32_t)si.ssi_signo;
				memcpy(m + 1, &v, 4);
				send(fd, m, sizeof(m), MSG_NOSIGNAL);
			} else if (si.ssi_signo) { /* sig_proxy */
				pm_engine_kill(e, (struct pm_container *)c, (int)si.ssi_signo,
					       NULL);
			}
		}
		if (p[0].revents) {
			char buf[BUF_SIZE + 1];
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			/* ECONNRESET: the monitor closed with our last message unread (an exit
			 * right after our resize); what it sent, the exit status too, is still
			 * queued: the next recv returns it */
			if (n < 0 && (errno == EINTR || errno == ECONNRESET))
				continue;
			if (n <= 0) {
				r = -EPIPE;
				break;
			}
			if (buf[0] == PM_ATTACH_STDOUT)
				pm_mon_io_write_all(STDOUT_FILENO, buf + 1, (size_t)n - 1);
			else if (buf[0] == PM_ATTACH_STDERR)
				pm_mon_io_write_all(STDERR_FILENO, buf + 1, (size_t)n - 1);
			else if (buf[0] == PM_ATTACH_EXIT && n >= 5) {
				int32_t v;
				memcpy(&v, buf + 1, 4);
				*ret_status = v;
				r = 0;
				break;
			}
		}
		if (p[1].revents) {
			char buf[BUF_SIZE + 1];
			ssize_t n = read(STDIN_FILENO, buf + 1, BUF_SIZE);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				char m = PM_ATTACH_STDIN_CLOSE;
				send(fd, &m, 1, MSG_NOSIGNAL);
				in_open = false;
				continue;
			}
			/* detach keys: a full match detaches; a partial match at the end of
			 * this read is held back until the next byte decides */
			size_t out = 1;
			bool detach = false;
			for (ssize_t i = 1; i <= n; i++) {
				unsigned char ch = (unsigned char)buf[i];
				if (nkeys && ch == keys[matched]) {
					if (++matched == nkeys) {
						detach = true;
						break;
					}
					continue;
				}
				for (size_t k = 0; k < matched; k++)
					buf[out++] = (char)keys[k];
				matched = 0;
				if (nkeys && ch == keys[0]) {
					matched = 1;
					continue;
				}
				buf[out++] = (char)ch;
			}
			if (out > 1) {
				buf[0] = PM_ATTACH_STDIN;
				send(fd, buf, out, MSG_NOSIGNAL);
			}
			if (detach) {
				r = 1;
				break;
			}
		}
	}
	if (raw)
		pm_tty_restore(STDIN_FILENO, &saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == -EPIPE && o->exec_session)
		return pm_error_set(err, EPIPE,
				    "container %s: the exec session's monitor went away without an "
				    "exit status",
				    c->id);
	if (r == -EPIPE) {
		/* the monitor went away without an exit message: the recorded state says */
		struct pm_container *cc = (struct pm_container *)c;
		if (pm_container_reload(e->paths, cc, NULL) < 0 ||
		    cc->state.status != PM_CTR_STOPPED)
			return pm_error_set(err, EPIPE,
					    "container %s: its monitor went away without an exit "
					    "status",
					    c->id);
		*ret_status = cc->state.exit_code;
		r = 0;
	}
	return r;
}
