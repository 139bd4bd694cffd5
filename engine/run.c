/* run.c: create, start (foreground) and remove containers: the glue between the records
 * (engine/container.c), image storage (storage/container.h), named volumes
 * (storage/volume.h) and the runtime (runtime/runtime.h). Never prints; cli/ calls it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "engine/config-json.h"
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
		struct pm_runtime_mount m = { 0 };
		char *name = NULL;
		if (pm_spec_parse_volume(*v, &m, &name, NULL) == 0 && name)
			pm_strv_consume(&names, name);
		free(m.source);
		free(m.destination);
		free(m.data);
	}
	for (char **v = cfg->mounts; v && *v; v++) {
		struct pm_runtime_mount m = { 0 };
		char *name = NULL;
		if (pm_spec_parse_mount(*v, &m, &name, NULL) == 0 && name)
			pm_strv_consume(&names, name);
		free(m.source);
		free(m.destination);
		free(m.data);
	}
	return names;
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
	struct pm_image img = { 0 };
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

	json = pm_config_to_json(cfg);
	const char *image_name = cfg->rootfs ? "" : (img.names && img.names[0] ? img.names[0] : cfg->image);
	r = pm_container_create(e->paths, cfg->name, image_name, cfg->rootfs ? "" : img.id, json, &c, err);
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

int pm_engine_remove(const struct pm_engine *e, struct pm_container *c, pm_error **err)
{
	int r = 0;
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
	struct pm_container_config cfg = { 0 };
	if (pm_config_from_json(c->config_json, &cfg, NULL) == 0) {
		_cleanup_strv_ char **vols = named_volumes(&cfg);
		for (char **v = vols; v && *v; v++)
			pm_volume_unref(e->paths->root, *v, c->id, NULL);
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
	_cleanup_free_ char *rundir = pm_xasprintf("%s/containers/%s", e->paths->runroot, c->id);
	pm_rm_rf(rundir, NULL);
	return pm_container_remove_record(e->paths, c, err);
}

int pm_engine_start_foreground(const struct pm_engine *e, struct pm_container *c, int *ret_status,
			       pm_error **err)
{
	struct pm_container_config cfg = { 0 };
	struct pm_runtime_spec spec = { 0 };
	struct pm_image img = { 0 };
	_cleanup_store_ struct pm_store *store = NULL;
	_cleanup_free_ char *rootfs = NULL;
	_cleanup_free_ char *userdata = userdata_dir(e, c->id);
	bool mounted = false;
	int r = pm_config_from_json(c->config_json, &cfg, err);
	if (r < 0)
		return r;

	if (cfg.rootfs) {
		rootfs = pm_xstrdup(cfg.rootfs);
	} else {
		r = pm_store_open(e->paths, e->storage_driver, &store, err);
		if (r >= 0)
			r = pm_storage_image_lookup(store, c->image_id, &img, err);
		if (r >= 0)
			r = pm_storage_ctr_mount(store, c->id, &rootfs, err);
		if (r < 0)
			goto out;
		mounted = true;
	}
	struct pm_spec_image simg;
	image_to_spec(&img, &simg);
	r = pm_spec_to_runtime(&cfg, cfg.rootfs ? NULL : &simg, rootfs, userdata, c->id,
			       e->paths->root, &spec, err);
	if (r < 0)
		goto out;
	if (!spec.name)
		spec.name = pm_xstrdup(c->name);
	spec.seccomp_cache = pm_path_join(e->paths->runroot, "seccomp");

	{
		_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, err);
		if (lock < 0) {
			r = lock;
			goto out;
		}
		c->state.status = PM_CTR_RUNNING;
		c->state.started_ns = now_ns();
		c->state.finished_ns = 0;
		free(c->state.mountpoint);
		c->state.mountpoint = pm_xstrdup(rootfs);
		r = pm_container_save_state(e->paths, c, err);
		if (r < 0)
			goto out;
	}

	int status = 0;
	r = pm_runtime_run(&spec, &status, err);

	{
		_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
		pm_container_reload(e->paths, c, NULL);
		if (r < 0) {
			/* never started: back to "created" */
			c->state.status = PM_CTR_CONFIGURED;
			c->state.started_ns = 0;
		} else {
			c->state.status = PM_CTR_STOPPED;
			c->state.exit_code = status;
			c->state.finished_ns = now_ns();
		}
		free(c->state.mountpoint);
		c->state.mountpoint = NULL;
		pm_container_save_state(e->paths, c, NULL);
	}
	if (r >= 0)
		*ret_status = status;
out:
	if (mounted)
		pm_storage_ctr_unmount(store, c->id, NULL);
	pm_rm_rf(userdata, NULL);
	pm_image_free(&img);
	pm_runtime_spec_clear(&spec);
	pm_spec_config_clear(&cfg);
	return r;
}

static bool pid_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int pm_engine_refresh(const struct pm_engine *e, struct pm_container *c)
{
	if (c->state.status != PM_CTR_RUNNING && c->state.status != PM_CTR_PAUSED)
		return 0;
	if (pid_alive(c->state.monitor_pid) || pid_alive(c->state.pid))
		return 0;
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
	pm_container_reload(e->paths, c, NULL);
	if (c->state.status != PM_CTR_RUNNING && c->state.status != PM_CTR_PAUSED)
		return 1;
	c->state.status = PM_CTR_STOPPED;
	c->state.finished_ns = now_ns();
	c->state.pid = 0;
	c->state.monitor_pid = 0;
	pm_container_save_state(e->paths, c, NULL);
	return 1;
}

int pm_engine_run(const struct pm_engine *e, const struct pm_container_config *cfg,
		  int *ret_status, pm_error **err)
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
