/* exec.c: `pm exec`'s engine side: find the container, check that it runs, compute the exec
 * process's settings from the container's configuration and image (engine/spec.c, the same
 * conversion as for the container itself) with the exec flags on top, and hand them to the
 * runtime (runtime/exec.c) with the container init's pid. Never prints; cli/cmd-exec.c
 * calls it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/ctr-paths.h"
#include "engine/ctr-secrets.h"
#include "engine/events.h"
#include "engine/exec-session.h"
#include "engine/exec.h"
#include "engine/net.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "runtime/caps.h"
#include "runtime/exec.h"
#include "storage/container.h"
#include "storage/store.h"

#define ENV_FILE_MAX (1u << 20)

void pm_exec_config_clear(struct pm_exec_config *x)
{
	if (!x)
		return;
	pm_strv_free(x->args);
	pm_strv_free(x->env);
	pm_strv_free(x->env_files);
	free(x->workdir);
	free(x->user);
	memset(x, 0, sizeof(*x));
}

int pm_exec_apply(struct pm_runtime_spec *spec, const struct pm_exec_config *x,
		  char *const *host_env, pm_error **err)
{
	int r;
	if (!x->args || !x->args[0])
		return pm_error_set(err, EINVAL, "exec requires a command to run");
	if (x->workdir && x->workdir[0] != '/')
		return pm_error_set(err, EINVAL, "--workdir '%s': must be an absolute path",
				    x->workdir);
	for (char **f = x->env_files; f && *f; f++) {
		_cleanup_free_ char *data = NULL;
		if ((r = pm_spec_env_file_read(*f, ENV_FILE_MAX, &data, err)) < 0)
			return r;
		if ((r = pm_spec_env_file_parse(*f, data, host_env, &spec->env, err)) < 0)
			return r;
	}
	for (char **e = x->env; e && *e; e++)
		if (pm_spec_env_add(&spec->env, *e, host_env, err) < 0)
			return pm_error_prefix(err, "--env");

	pm_strv_free(spec->args);
	spec->args = pm_strv_copy(x->args);
	if (x->workdir) {
		free(spec->cwd);
		spec->cwd = pm_xstrdup(x->workdir);
	}
	spec->tty = x->tty && !x->detach;
	spec->stdin_open = x->interactive && !x->detach;
	spec->init = false;
	if (x->privileged) {
		r = pm_caps_compute(NULL, NULL, true, spec->uid == 0, &spec->caps, err);
		if (r < 0)
			return r;
	}
	return 0;
}

struct exec_started {
	const struct pm_engine *e;
	const struct pm_container *c;
};

/* podman's "exec" event: once the process runs (a failed exec, 126/127, logs none) */
static void exec_started(void *ctx)
{
	const struct exec_started *s = ctx;
	pm_engine_event(s->e, s->c, "exec");
}

static int not_running(pm_error **err)
{
	return pm_error_set(err, EINVAL,
			    "can only create exec sessions on running containers: container "
			    "state improper");
}

int pm_engine_exec(const struct pm_engine *e, const char *ref, const struct pm_exec_config *x,
		   int *ret_status, char **ret_session, pm_error **err)
{
	if (ret_session)
		*ret_session = NULL;
	_cleanup_container_ struct pm_container *c = NULL;
	int r = pm_engine_ctr_lookup(e, ref, &c, err); /* refreshed */
	if (r < 0)
		return r;
	if (c->state.status != PM_CTR_RUNNING || c->state.pid <= 0)
		return not_running(err);

	struct pm_container_config cfg = {0};
	struct pm_runtime_spec spec = {0};
	struct pm_image img = {0};
	_cleanup_store_ struct pm_store *store = NULL;
	_cleanup_free_ char *ud = NULL; /* the container's userdata dir */
	if ((r = pm_config_from_json(c->config_json, &cfg, err)) < 0)
		return r;
	const char *rootfs = cfg.rootfs ? cfg.rootfs : c->state.mountpoint;
	if (!rootfs) {
		r = not_running(err);
		goto out;
	}
	if (!cfg.rootfs) {
		r = pm_store_open(e->paths, e->storage_driver, &store, err);
		if (r >= 0)
			r = pm_storage_image_lookup(store, c->image_id, &img, err);
		if (r < 0)
			goto out;
	}
	if (x->user) {
		free(cfg.user);
		cfg.user = pm_xstrdup(x->user);
	}
	struct pm_spec_image simg = {
		.env = img.env,
		.cmd = img.cmd,
		.entrypoint = img.entrypoint,
		.workdir = img.working_dir,
		.user = img.user,
	};
	/* --userns=container:X (a pod's member): its user as X's namespace maps it */
	struct pm_container_config owner = {0}, eff = cfg;
	r = pm_engine_userns_owner(e, &cfg, &owner, &eff, err);
	if (r >= 0)
		r = pm_spec_to_runtime(&eff, cfg.rootfs ? NULL : &simg, rootfs, NULL, c->id,
				       e->paths->root, &spec, err);
	pm_spec_config_clear(&owner);
	spec.preserve_fds = e->preserve_fds; /* exec --preserve-fds */
	/* --seccomp-policy=image: the profile the container's start wrote */
	ud = r >= 0 ? pm_ctr_userdata_dir(e, c->id) : NULL;
	char *isc = ud ? pm_spec_image_seccomp_path(&cfg, ud) : NULL;
	if (isc) {
		free(spec.seccomp);
		spec.seccomp = isc;
	}
	/* env secrets, as the container's own process has them; exec's -e may override */
	if (r >= 0)
		r = pm_engine_secrets_env(&cfg, c->dir, &spec.env, err);
	if (r < 0)
		goto out;
	/* The filter is built for the container's bounding set, before --privileged. */
	struct pm_exec_opts opts = {
		.pid = c->state.pid,
		.detach = x->detach,
		.seccomp_caps = spec.caps.bounding,
		.output_fd = x->output_fd > 0 ? x->output_fd : -1,
		.timeout_ms = x->timeout_ns > 0 ? (x->timeout_ns + 999999) / 1000000 : 0,
	};
	extern char **environ;
	if ((r = pm_exec_apply(&spec, x, environ, err)) < 0)
		goto out;
	spec.seccomp_cache = pm_path_join(e->paths->runroot, "seccomp");
	struct exec_started started = {.e = e, .c = c};

	if (x->detach || x->detachable) {
		/* a session's monitor may record exec_died at once: exec goes first */
		pm_engine_event(e, c, "exec");
		r = pm_exec_session_run(e, c, &spec, &opts, !x->detach, x->detach_keys, ret_status,
					ret_session, err);
	} else {
		opts.started = exec_started;
		opts.started_ctx = &started;
		if ((r = pm_runtime_exec(&spec, &opts, ret_status, err)) == 0)
			pm_engine_event_exec_died(e, c, *ret_status);
	}
	if (r > 0)
		r = 0; /* detached */
	if (r == -ESRCH && err) {
		/* the container stopped meanwhile */
		*err = pm_error_free(*err);
		r = not_running(err);
	}
out:
	pm_image_free(&img);
	pm_runtime_spec_clear(&spec);
	pm_spec_config_clear(&cfg);
	return r;
}
