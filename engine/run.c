/* run.c: a container's lifecycle as the engine drives it: create, start (detached through
 * a monitor, or attached with the caller as the monitor), stop, kill, wait, remove, and
 * refresh of a state whose processes are gone. The glue between the records
 * (engine/container.c), image storage (storage/container.h), named volumes
 * (storage/volume.h), the monitor (engine/monitor.c) and the runtime (runtime/runtime.h).
 * Never prints; cli/ calls it. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/monitor.h"
#include "engine/net.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "runtime/runtime.h"
#include "storage/container.h"
#include "storage/volume.h"

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The named volumes a configuration uses (-v NAME:/dst, --mount type=volume). */
static char **named_volumes(const struct pm_container_config *cfg)
{
	char **names = NULL;
	for (char **v = cfg->volumes; v && *v; v++) {
		struct pm_runtime_mount m = {0};
		char *name = NULL;
		if (pm_spec_parse_volume(*v, &m, &name, NULL) == 0 && name)
			pm_strv_consume(&names, name);
		free(m.source);
		free(m.destination);
		free(m.data);
	}
	for (char **v = cfg->mounts; v && *v; v++) {
		struct pm_runtime_mount m = {0};
		char *name = NULL;
		if (pm_spec_parse_mount(*v, &m, &name, NULL) == 0 && name)
			pm_strv_consume(&names, name);
		free(m.source);
		free(m.destination);
		free(m.data);
	}
	return names;
}

/* tmpfs/bind volumes: mounted in the rootless mount namespace while the container runs
 * (storage/volume.h); releasing is idempotent per container. */
static void release_volumes(const struct pm_engine *e, const struct pm_container_config *cfg,
			    const char *id)
{
	_cleanup_strv_ char **vols = named_volumes(cfg);
	for (char **v = vols; v && *v; v++)
		pm_volume_unmount(e->paths->root, *v, id, NULL);
}

static int mount_volumes(const struct pm_engine *e, const struct pm_container_config *cfg,
			 const char *id, pm_error **err)
{
	_cleanup_strv_ char **vols = named_volumes(cfg);
	for (char **v = vols; v && *v; v++) {
		int r = pm_volume_mount(e->paths->root, *v, id, NULL, err);
		if (r < 0) {
			release_volumes(e, cfg, id);
			return r;
		}
	}
	return 0;
}

static void image_to_spec(const struct pm_image *img, struct pm_spec_image *ret)
{
	*ret = (struct pm_spec_image){
		.env = img->env,
		.cmd = img->cmd,
		.entrypoint = img->entrypoint,
		.workdir = img->working_dir,
		.user = img->user,
	};
}

static char *userdata_dir(const struct pm_engine *e, const char *id)
{
	return pm_xasprintf("%s/containers/%s/userdata", e->paths->runroot, id);
}

int pm_engine_create(const struct pm_engine *e, const struct pm_container_config *cfg,
		     struct pm_container **ret, pm_error **err)
{
	int r = pm_spec_validate(cfg, err);
	if (r < 0)
		return r;
	_cleanup_store_ struct pm_store *store = NULL;
	_cleanup_strv_ char **args = NULL, **vols = NULL;
	_cleanup_free_ char *json = NULL;
	_cleanup_container_ struct pm_container *c = NULL;
	struct pm_image img = {0};
	if (!cfg->rootfs) {
		r = pm_store_open(e->paths, e->storage_driver, &store, err);
		if (r < 0)
			return r;
		r = pm_storage_image_lookup(store, cfg->image, &img, err);
		if (r < 0)
			return r;
	}
	/* The image's config shapes the container: check now that a command results. */
	struct pm_spec_image simg;
	image_to_spec(&img, &simg);
	r = pm_spec_args(cfg, cfg->rootfs ? NULL : &simg, &args, err);
	if (r < 0)
		goto out;

	/* the image's StopSignal is kept with the container (stop must not need the image) */
	struct pm_container_config withsig = *cfg;
	if (!cfg->stop_signal && img.stop_signal && *img.stop_signal)
		withsig.stop_signal = img.stop_signal;
	json = pm_config_to_json(&withsig);
	const char *image_name =
		cfg->rootfs ? "" : (img.names && img.names[0] ? img.names[0] : cfg->image);
	r = pm_container_create(e->paths, cfg->name, image_name, cfg->rootfs ? "" : img.id, json,
				&c, err);
	if (r < 0)
		goto out;
	if (store) {
		r = pm_storage_ctr_create(store, c->id, img.id, err);
		if (r < 0) {
			pm_container_remove_record(e->paths, c, NULL);
			goto out;
		}
	}
	vols = named_volumes(cfg);
	for (char **v = vols; v && *v; v++) {
		_cleanup_free_ char *mp = NULL;
		r = pm_volume_lookup_or_create(e->paths->root, *v, &mp, err);
		if (r >= 0)
			r = pm_volume_ref(e->paths->root, *v, c->id, err);
		if (r < 0) {
			pm_engine_remove(e, c, NULL);
			goto out;
		}
	}
	*ret = TAKE_PTR(c);
	r = 0;
out:
	pm_image_free(&img);
	return r;
}

/* ---- runtime files of a started container (see engine/monitor.h) ------------------------ */

struct pids {
	pid_t mon, init;
	unsigned long long mon_start, init_start;
};

static int read_pids(const struct pm_engine *e, const char *id, struct pids *p)
{
	_cleanup_free_ char *dir = pm_monitor_run_dir(e, id);
	_cleanup_free_ char *path = pm_path_join(dir, "pids");
	_cleanup_free_ char *data = NULL;
	if (pm_read_file(path, 4096, &data, NULL, NULL) < 0)
		return -ENOENT;
	int mon, init;
	if (sscanf(data, "%d %llu %d %llu", &mon, &p->mon_start, &init, &p->init_start) != 4)
		return -EINVAL;
	p->mon = mon;
	p->init = init;
	return 0;
}

static bool is_running(const struct pm_container *c)
{
	return c->state.status == PM_CTR_RUNNING || c->state.status == PM_CTR_PAUSED;
}

/* The exit pm-monitor recorded ("STATUS FINISHED_NS"); leaves the outputs as they are
 * when there is none. */
static void read_exit_file(const struct pm_engine *e, const char *id, int *status,
			   int64_t *finished_ns)
{
	_cleanup_free_ char *dir = pm_monitor_run_dir(e, id);
	_cleanup_free_ char *path = pm_path_join(dir, "exit");
	_cleanup_free_ char *data = NULL;
	int st;
	long long ns;
	if (pm_read_file(path, 256, &data, NULL, NULL) < 0 ||
	    sscanf(data, "%d %lld", &st, &ns) != 2)
		return;
	*status = st;
	*finished_ns = ns;
}

/* A pidfd for pid if it is still the process that started at `start`. */
static int pidfd_verified(pid_t pid, unsigned long long start)
{
	if (pid <= 0)
		return -1;
	int fd = pidfd_open(pid, 0);
	if (fd < 0)
		return -1;
	/* checked after opening: the pidfd now pins this very process */
	if (pm_monitor_pid_start(pid) != start) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait (no polling: poll on a pidfd) until fd's process has exited; timeout_ms < 0: no
 * limit. Returns true when it has. */
static bool wait_pidfd(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	for (;;) {
		int n = poll(&p, 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		return n > 0;
	}
}

static void mark_stopped_by_user(const struct pm_engine *e, const char *id)
{
	_cleanup_free_ char *dir = pm_monitor_run_dir(e, id);
	_cleanup_free_ char *path = pm_path_join(dir, "stopped");
	pm_write_file_atomic(path, "", 0, 0600, NULL);
}

/* Wait for c's monitor to finish (it records the exit, unmounts, applies --rm). */
static void wait_monitor(const struct pm_engine *e, const char *id, int timeout_ms)
{
	struct pids p;
	if (read_pids(e, id, &p) < 0)
		return;
	_cleanup_close_ int fd = pidfd_verified(p.mon, p.mon_start);
	if (fd >= 0 && p.mon != getpid())
		wait_pidfd(fd, timeout_ms);
}

static void unmount_rootfs(const struct pm_engine *e, const struct pm_container *c)
{
	struct pm_container_config cfg = {0};
	bool ok = pm_config_from_json(c->config_json, &cfg, NULL) == 0;
	if (ok)
		release_volumes(e, &cfg, c->id);
	if (ok && !cfg.rootfs) {
		_cleanup_store_ struct pm_store *store = NULL;
		if (pm_store_open(e->paths, e->storage_driver, &store, NULL) >= 0)
			pm_storage_ctr_unmount(store, c->id, NULL);
	}
	pm_spec_config_clear(&cfg);
}

int pm_engine_refresh(const struct pm_engine *e, struct pm_container *c)
{
	if (c->state.status != PM_CTR_RUNNING && c->state.status != PM_CTR_PAUSED)
		return 0;
	struct pids p = {0};
	bool have = read_pids(e, c->id, &p) == 0;
	if (have && pm_monitor_pid_alive(p.mon, p.mon_start))
		return 0;
	/* The monitor is gone (killed, or a reboot wiped the runroot): the container is over. */
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
	pm_container_reload(e->paths, c, NULL);
	if (c->state.status != PM_CTR_RUNNING && c->state.status != PM_CTR_PAUSED)
		return 1;
	if (have && pm_monitor_pid_alive(p.mon, p.mon_start))
		return 0;
	if (have && pm_monitor_pid_alive(p.init, p.init_start)) {
		_cleanup_close_ int fd = pidfd_verified(p.init, p.init_start);
		if (fd >= 0 && pidfd_send_signal(fd, SIGKILL, NULL, 0) == 0) {
			c->state.exit_code = 128 + SIGKILL;
			wait_pidfd(fd, 5000);
		}
	}
	unmount_rootfs(e, c);
	c->state.status = PM_CTR_STOPPED;
	c->state.finished_ns = now_ns();
	read_exit_file(e, c->id, &c->state.exit_code, &c->state.finished_ns);
	c->state.pid = 0;
	c->state.monitor_pid = 0;
	free(c->state.mountpoint);
	c->state.mountpoint = NULL;
	pm_container_save_state(e->paths, c, NULL);
	_cleanup_free_ char *rundir = pm_monitor_run_dir(e, c->id);
	pm_rm_rf(rundir, NULL);
	return 1;
}

static int start_detached(const struct pm_engine *e, struct pm_container *c, bool by_policy,
			  pm_error **err);

int pm_engine_cleanup(const struct pm_engine *e, struct pm_container *c, bool apply_restart,
		      pm_error **err)
{
	_cleanup_free_ char *rundir = pm_monitor_run_dir(e, c->id);
	_cleanup_free_ char *marker = pm_path_join(rundir, "stopped");
	struct pm_container_config cfg = {0};
	bool stopped_by_user;
	{
		_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, err);
		if (lock < 0)
			return lock;
		if (pm_container_reload(e->paths, c, NULL) < 0)
			return 0; /* removed meanwhile: nothing to clean */
		if (is_running(c)) {
			struct pids p;
			if (read_pids(e, c->id, &p) == 0 &&
			    pm_monitor_pid_alive(p.init, p.init_start))
				return pm_error_set(err, EBUSY,
						    "container %s is running or paused, refusing "
						    "to clean up: container state improper",
						    c->id);
			c->state.status = PM_CTR_STOPPED;
			c->state.finished_ns = now_ns();
			read_exit_file(e, c->id, &c->state.exit_code, &c->state.finished_ns);
			c->state.pid = 0;
		}
		if (pm_config_from_json(c->config_json, &cfg, err) < 0)
			return -EINVAL;
		unmount_rootfs(e, c);
		free(c->state.mountpoint);
		c->state.mountpoint = NULL;
		c->state.monitor_pid = 0;
		int r = pm_container_save_state(e->paths, c, err);
		/* the run dir goes under the lock: a start that follows makes a new one */
		stopped_by_user = pm_path_exists(marker);
		pm_rm_rf(rundir, NULL);
		pm_engine_net_cleanup(e, c);
		if (r < 0) {
			pm_spec_config_clear(&cfg);
			return r;
		}
	}
	int r = 0;
	struct pm_restart_policy policy;
	if (cfg.rm) {
		r = pm_engine_remove(e, c, err);
	} else if (apply_restart && pm_monitor_parse_restart(cfg.restart, &policy, NULL) == 0 &&
		   pm_monitor_should_restart(&policy, c->state.exit_code, c->state.restart_count,
					     stopped_by_user)) {
		pm_monitor_restart_backoff(c->state.restart_count);
		r = start_detached(e, c, true, err);
	}
	pm_spec_config_clear(&cfg);
	return r;
}

int pm_engine_remove(const struct pm_engine *e, struct pm_container *c, pm_error **err)
{
	int r = 0;
	/* an exited container's monitor may still be cleaning up: let it finish */
	wait_monitor(e, c->id, 30000);
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
	struct pm_container_config cfg = {0};
	if (pm_config_from_json(c->config_json, &cfg, NULL) == 0) {
		_cleanup_strv_ char **vols = named_volumes(&cfg);
		for (char **v = vols; v && *v; v++) {
			pm_volume_unmount(e->paths->root, *v, c->id, NULL);
			pm_volume_unref(e->paths->root, *v, c->id, NULL);
		}
		if (!cfg.rootfs) {
			_cleanup_store_ struct pm_store *store = NULL;
			r = pm_store_open(e->paths, e->storage_driver, &store, err);
			if (r >= 0)
				r = pm_storage_ctr_delete(store, c->id, err);
		}
		pm_spec_config_clear(&cfg);
	}
	if (r < 0)
		return pm_error_prefix(err, "removing container %s", c->id);
	_cleanup_free_ char *rundir = pm_monitor_run_dir(e, c->id);
	pm_rm_rf(rundir, NULL);
	pm_engine_net_cleanup(e, c);
	return pm_container_remove_record(e->paths, c, err);
}

/* ---- start ------------------------------------------------------------------------------- */

struct start_ctx {
	struct pm_container_config cfg;
	struct pm_runtime_spec spec;
	struct pm_image img;
	struct pm_store *store;
	struct pm_net_config net;
	bool mounted;
	bool volumes_mounted;
	int lock;
};

static void start_ctx_clear(const struct pm_engine *e, struct pm_container *c, struct start_ctx *x,
			    bool started)
{
	if (!started) {
		if (x->mounted)
			pm_storage_ctr_unmount(x->store, c->id, NULL);
		if (x->volumes_mounted)
			release_volumes(e, &x->cfg, c->id);
		_cleanup_free_ char *userdata = userdata_dir(e, c->id);
		pm_rm_rf(userdata, NULL);
		pm_engine_net_cleanup(e, c);
	}
	pm_net_config_clear(&x->net);
	if (x->lock >= 0)
		close(x->lock);
	pm_store_close(x->store);
	pm_image_free(&x->img);
	pm_runtime_spec_clear(&x->spec);
	pm_spec_config_clear(&x->cfg);
}

/* Lock c, check it can start, mount its rootfs and build its runtime spec. Returns 1 when
 * it is already running (nothing to do). */
static int start_prepare(const struct pm_engine *e, struct pm_container *c, struct start_ctx *x,
			 bool by_policy, pm_error **err)
{
	*x = (struct start_ctx){.lock = -1};
	pm_net_config_init(&x->net);
	pm_engine_refresh(e, c);
	x->lock = pm_container_lock(e->paths, c->id, err);
	if (x->lock < 0)
		return x->lock;
	int r = pm_container_reload(e->paths, c, err);
	if (r < 0)
		return r;
	if (c->state.status == PM_CTR_RUNNING || c->state.status == PM_CTR_PAUSED)
		return 1;
	if (c->state.status == PM_CTR_REMOVING)
		return pm_error_set(err, EBUSY, "container %s is being removed", c->id);
	if (by_policy) {
		/* a stop, or a start by hand, since the exit wins; the count goes up with the
		 * start, in the state that says "running" (podman: retainRetries) */
		_cleanup_free_ char *rundir = pm_monitor_run_dir(e, c->id);
		_cleanup_free_ char *marker = pm_path_join(rundir, "stopped");
		if (c->state.status != PM_CTR_STOPPED || pm_path_exists(marker))
			return 1;
		c->state.restart_count++;
	} else {
		c->state.restart_count = 0;
	}
	r = pm_config_from_json(c->config_json, &x->cfg, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *rootfs = NULL;
	if (x->cfg.rootfs) {
		rootfs = pm_xstrdup(x->cfg.rootfs);
	} else {
		r = pm_store_open(e->paths, e->storage_driver, &x->store, err);
		if (r >= 0)
			r = pm_storage_image_lookup(x->store, c->image_id, &x->img, err);
		if (r >= 0)
			r = pm_storage_ctr_mount(x->store, c->id, &rootfs, err);
		if (r < 0)
			return r;
		x->mounted = true;
	}
	r = mount_volumes(e, &x->cfg, c->id, err);
	if (r < 0)
		return r;
	x->volumes_mounted = true;
	struct pm_spec_image simg;
	image_to_spec(&x->img, &simg);
	_cleanup_free_ char *userdata = userdata_dir(e, c->id);
	r = pm_spec_to_runtime(&x->cfg, x->cfg.rootfs ? NULL : &simg, rootfs, userdata, c->id,
			       e->paths->root, &x->spec, err);
	if (r < 0)
		return r;
	if (!x->spec.name)
		x->spec.name = pm_xstrdup(c->name);
	r = pm_engine_net_config(&x->cfg, x->img.exposed_ports, &x->net, err);
	if (r >= 0)
		r = pm_engine_net_prepare(e, c, &x->cfg, &x->net, &x->spec, err);
	if (r < 0)
		return r;
	x->spec.seccomp_cache = pm_path_join(e->paths->runroot, "seccomp");
	free(c->state.mountpoint);
	c->state.mountpoint = TAKE_PTR(rootfs);
	return 0;
}

static int start_detached(const struct pm_engine *e, struct pm_container *c, bool by_policy,
			  pm_error **err)
{
	struct start_ctx x;
	int r = start_prepare(e, c, &x, by_policy, err);
	if (r == 0) {
		struct pm_monitor_setup s = {.e = e,
					     .c = c,
					     .cfg = &x.cfg,
					     .spec = &x.spec,
					     .lock_fd = x.lock,
					     .net = &x.net};
		r = pm_monitor_spawn(&s, err);
	}
	if (r < 0) {
		free(c->state.mountpoint);
		c->state.mountpoint = NULL;
	}
	start_ctx_clear(e, c, &x, r >= 0);
	return r < 0 ? r : 0;
}

int pm_engine_start(const struct pm_engine *e, struct pm_container *c, pm_error **err)
{
	return start_detached(e, c, false, err);
}

int pm_engine_start_foreground(const struct pm_engine *e, struct pm_container *c, int *ret_status,
			       pm_error **err)
{
	struct start_ctx x;
	int r = start_prepare(e, c, &x, false, err);
	if (r == 1) {
		start_ctx_clear(e, c, &x, true);
		return pm_error_set(err, EBUSY, "container %s is already running", c->id);
	}
	if (r == 0) {
		struct pm_monitor_setup s = {.e = e,
					     .c = c,
					     .cfg = &x.cfg,
					     .spec = &x.spec,
					     .lock_fd = x.lock,
					     .net = &x.net};
		r = pm_monitor_run_attached(&s, ret_status, err);
		if (r >= 0)
			x.lock = -1; /* closed by the monitor once "running" was written */
	}
	if (r >= 0) {
		/* done: the monitor recorded the exit; now unmount and forget runtime files */
		_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
		if (pm_container_reload(e->paths, c, NULL) == 0 &&
		    c->state.status != PM_CTR_RUNNING) {
			if (x.mounted)
				pm_storage_ctr_unmount(x.store, c->id, NULL);
			release_volumes(e, &x.cfg, c->id);
			free(c->state.mountpoint);
			c->state.mountpoint = NULL;
			c->state.monitor_pid = 0;
			pm_container_save_state(e->paths, c, NULL);
		}
		x.mounted = false;
		_cleanup_free_ char *userdata = userdata_dir(e, c->id);
		pm_rm_rf(userdata, NULL);
		pm_engine_net_cleanup(e, c);
	} else {
		free(c->state.mountpoint);
		c->state.mountpoint = NULL;
	}
	start_ctx_clear(e, c, &x, r >= 0);
	return r;
}

int pm_engine_run(const struct pm_engine *e, const struct pm_container_config *cfg, int *ret_status,
		  pm_error **err)
{
	_cleanup_container_ struct pm_container *c = NULL;
	int r = pm_engine_create(e, cfg, &c, err);
	if (r < 0)
		return r;
	r = pm_engine_start_foreground(e, c, ret_status, err);
	if (r < 0 || cfg->rm) {
		/* A run that could not start leaves nothing, whatever --rm says. */
		_cleanup_error_ pm_error *rmerr = NULL;
		if (pm_engine_remove(e, c, &rmerr) < 0)
			pm_log_warn("%s", rmerr->msg);
	}
	return r;
}

/* ---- stop, kill, wait ------------------------------------------------------------------- */

/* Does c's PID 1 act on sig, or would it drop it (PID 1 of a pid namespace without a
 * handler, or an ignored signal)? */
static bool signal_handled(pid_t pid, int sig, bool own_pidns)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_free_ char *text = NULL;
	bool caught, ignored;
	if (pm_read_file(path, 1 << 16, &text, NULL, NULL) < 0 ||
	    pm_monitor_parse_sigmask(text, sig, &caught, &ignored) < 0)
		return true; /* cannot tell: send it and wait */
	if (caught)
		return true;
	return !ignored && !own_pidns;
}

int pm_engine_stop(const struct pm_engine *e, struct pm_container *c, int timeout, pm_error **err)
{
	pm_engine_refresh(e, c);
	if (!is_running(c))
		return 0;
	struct pm_container_config cfg = {0};
	pm_config_from_json(c->config_json, &cfg, NULL);
	int sig = SIGTERM;
	if (cfg.stop_signal && pm_engine_parse_signal(cfg.stop_signal, &sig) < 0)
		sig = SIGTERM;
	if (timeout < 0)
		timeout = cfg.stop_timeout_set ? (int)cfg.stop_timeout : 10;
	bool own_pidns = !(cfg.pid && !strcmp(cfg.pid, "host"));
	pm_spec_config_clear(&cfg);

	struct pids p;
	if (read_pids(e, c->id, &p) < 0) {
		pm_engine_refresh(e, c);
		return 0;
	}
	mark_stopped_by_user(e, c->id);
	_cleanup_close_ int initfd = pidfd_verified(p.init, p.init_start);
	_cleanup_close_ int monfd = pidfd_verified(p.mon, p.mon_start);
	if (initfd >= 0) {
		if (sig != SIGKILL && !signal_handled(p.init, sig, own_pidns)) {
			pm_log_debug("container %s: PID 1 does not handle signal %d: SIGKILL",
				     c->id, sig);
			sig = SIGKILL;
		}
		if (pidfd_send_signal(initfd, sig, NULL, 0) < 0 && errno != ESRCH)
			return pm_error_set_errno(err, errno, "sending signal %d to container %s",
						  sig, c->id);
		if (sig != SIGKILL && !wait_pidfd(initfd, timeout * 1000)) {
			pm_log_warn("StopSignal %s failed to stop container %s in %d seconds, "
				    "resorting to SIGKILL",
				    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", c->name, timeout);
			pidfd_send_signal(initfd, SIGKILL, NULL, 0);
		}
		wait_pidfd(initfd, 10000);
	}
	/* pm-monitor ends; seeing the stop marker it leaves the cleanup to us, who wait for
	 * it anyway (one pm process fewer per stop). A foreground monitor records the exit
	 * itself. */
	if (monfd >= 0 && p.mon != getpid())
		wait_pidfd(monfd, 30000);
	if (pm_container_reload(e->paths, c, NULL) < 0)
		return 0;
	if (is_running(c) && pm_engine_cleanup(e, c, false, NULL) < 0)
		pm_engine_refresh(e, c);
	return 0;
}

int pm_engine_kill(const struct pm_engine *e, struct pm_container *c, int sig, pm_error **err)
{
	pm_engine_refresh(e, c);
	struct pids p;
	if (!is_running(c) || read_pids(e, c->id, &p) < 0)
		return pm_error_set(
			err, EINVAL,
			"can only kill running containers. %s is in state %s: container "
			"state improper",
			c->id, pm_ctr_status_string(c->state.status));
	_cleanup_close_ int fd = pidfd_verified(p.init, p.init_start);
	if (fd < 0 || pidfd_send_signal(fd, sig, NULL, 0) < 0)
		return pm_error_set_errno(err, fd < 0 ? ESRCH : errno,
					  "sending signal %d to container %s", sig, c->id);
	return 0;
}

int pm_engine_wait(const struct pm_engine *e, struct pm_container *c, unsigned conditions,
		   int *ret_exit_code, pm_error **err)
{
	_cleanup_close_ int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0)
		return pm_error_set_errno(err, errno, "inotify");
	if (inotify_add_watch(ifd, c->dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE_SELF) < 0)
		return pm_error_set(err, ENOENT,
				    "no container with name or ID \"%s\" found: no "
				    "such container",
				    c->name);
	for (;;) {
		if (pm_container_reload(e->paths, c, NULL) < 0)
			return pm_error_set(err, ENOENT,
					    "no container with name or ID \"%s\" "
					    "found: no such container",
					    c->name);
		pm_engine_refresh(e, c);
		if (conditions & (1u << c->state.status)) {
			*ret_exit_code = c->state.exit_code;
			return 0;
		}
		/* wake on a state change, or on the monitor's end (killed: refresh decides) */
		struct pids p;
		_cleanup_close_ int monfd = -1;
		if (is_running(c) && read_pids(e, c->id, &p) == 0)
			monfd = pidfd_verified(p.mon, p.mon_start);
		struct pollfd pf[2] = {{.fd = ifd, .events = POLLIN},
				       {.fd = monfd, .events = POLLIN}};
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return pm_error_set_errno(err, errno, "waiting for container %s", c->id);
		char buf[4096];
		while (read(ifd, buf, sizeof(buf)) > 0)
			;
	}
}
