/* run.c: a container's lifecycle as the engine drives it: create, start (detached through
 * a monitor, attached with the caller as the monitor, or detached with the caller attached
 * from the start: a run -it that can detach), stop, wait, cleanup, remove (kill and the
 * refresh of a state whose processes are gone: engine/ctr-state.c). The glue between the
 * records (engine/container.c), image storage (storage/container.h), named volumes
 * (storage/volume.h), the monitor (engine/monitor.c) and the runtime (runtime/runtime.h).
 * Never prints; cli/ calls it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/ctr-networks.h"
#include "engine/ctr-paths.h"
#include "engine/ctr-secrets.h"
#include "engine/ctr-state.h"
#include "engine/ctr-volumes.h"
#include "engine/events.h"
#include "engine/hooks.h"
#include "engine/image-mount.h"
#include "engine/limits.h"
#include "engine/monitor.h"
#include "engine/net.h"
#include "engine/run-flags.h"
#include "engine/systemd-mode.h"
#include "engine/run.h"
#include "engine/run-process.h"
#include "engine/userns-auto.h"
#include "engine/volumes-from.h"
#include "engine/validate.h"
#include "lib/crashpoint.h"
#include "lib/fileutil.h"
#include "lib/jscan.h"
#include "lib/log.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "monitor/rundir.h"
#include "runtime/runtime.h"
#include "storage/container.h"
#include "storage/reference.h"
#include "storage/volume.h"

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

/* The specs with each anonymous volume made and named (*anon and *made get the names). */
static int make_anonymous(const struct pm_engine *e, char *const *specs, bool is_mount,
			  char ***ret_specs, char ***anon, char ***made, pm_error **err)
{
	for (char *const *v = specs; v && *v; v++) {
		struct pm_runtime_mount m;
		_cleanup_free_ char *name = NULL;
		int r = is_mount ? pm_spec_parse_mount(*v, &m, &name, err)
				 : pm_spec_parse_volume(*v, &m, &name, err);
		pm_runtime_mount_clear(&m);
		if (r < 0)
			return r;
		if (!name || name[0]) {
			pm_strv_push(ret_specs, *v);
			continue;
		}
		struct pm_volume_create_opts o = {0};
		struct pm_volume *vol = NULL;
		r = pm_volume_create(e->paths->root, &o, &vol, err);
		if (r < 0)
			return r;
		pm_strv_push(made, vol->name);
		pm_strv_push(anon, vol->name);
		pm_strv_consume(ret_specs, pm_spec_name_anonymous(*v, is_mount, vol->name));
		pm_volume_free(vol);
	}
	return 0;
}

/* Do a and b name one path (repeated and trailing slashes aside)? */
static bool path_eq(const char *a, const char *b)
{
	for (;;) {
		while (a[0] == '/' && (a[1] == '/' || a[1] == '\0'))
			a++;
		while (b[0] == '/' && (b[1] == '/' || b[1] == '\0'))
			b++;
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++;
		b++;
	}
}

/* Is dst (an absolute path) the destination of one of specs (-v, --mount, --tmpfs)? */
static bool dest_taken(char *const *specs, int kind, const char *dst)
{
	for (char *const *v = specs; v && *v; v++) {
		struct pm_runtime_mount m;
		_cleanup_free_ char *name = NULL;
		int r = kind == 0   ? pm_spec_parse_volume(*v, &m, &name, NULL)
			: kind == 1 ? pm_spec_parse_mount(*v, &m, &name, NULL)
				    : pm_spec_parse_tmpfs(*v, &m, NULL);
		bool same = r >= 0 && m.destination && path_eq(m.destination, dst);
		pm_runtime_mount_clear(&m);
		if (same)
			return true;
	}
	return false;
}

/* The image's VOLUME paths (podman's --image-volume): with bind (the default), an anonymous
 * volume each, added to *vspecs as NAME:PATH (its first mount copies the image's content
 * up), with tmpfs a tmpfs each (*tmpfs) that gets the image's content (tmpcopyup), with
 * ignore nothing; a path an explicit -v, --mount or --tmpfs has is left to it. A path
 * with ':' or ',' (which a -v or --tmpfs spec cannot carry) goes to *mspecs as a --mount
 * spec with its destination quoted (CSV, as podman's --mount parser reads it), so it is a
 * volume or tmpfs at that very path, as podman's (which keeps them as structs). */
static int image_volumes(const struct pm_engine *e, const struct pm_container_config *cfg,
			 char *const *paths, char ***vspecs, char ***mspecs, char ***tmpfs,
			 char ***anon, char ***made, pm_error **err)
{
	const char *mode = cfg->image_volume ? cfg->image_volume : "bind";
	if (!strcmp(mode, "ignore"))
		return 0;
	for (char *const *p = paths; p && *p; p++) {
		if ((*p)[0] != '/' || path_eq(*p, "/"))
			continue;
		if (dest_taken(*vspecs, 0, *p) || dest_taken(*mspecs, 1, *p) ||
		    dest_taken(cfg->tmpfs, 2, *p) || dest_taken(*tmpfs, 2, *p))
			continue;
		bool as_mount = strpbrk(*p, ":,") != NULL;
		_cleanup_free_ char *dst = NULL;
		if (as_mount) {
			_cleanup_free_ char *f = pm_xasprintf("dst=%s", *p);
			dst = pm_csv_quote(f);
		}
		if (!strcmp(mode, "tmpfs")) {
			if (as_mount)
				pm_strv_consume(mspecs,
						pm_xasprintf("type=tmpfs,%s,exec,tmpcopyup", dst));
			else
				pm_strv_consume(
					tmpfs,
					pm_xasprintf("%s:rw,nosuid,nodev,exec,tmpcopyup", *p));
			continue;
		}
		struct pm_volume_create_opts o = {0};
		struct pm_volume *vol = NULL;
		int r = pm_volume_create(e->paths->root, &o, &vol, err);
		if (r < 0)
			return r;
		pm_strv_push(made, vol->name);
		pm_strv_push(anon, vol->name);
		if (as_mount)
			pm_strv_consume(mspecs,
					pm_xasprintf("type=volume,src=%s,%s", vol->name, dst));
		else
			pm_strv_consume(vspecs, pm_xasprintf("%s:%s", vol->name, *p));
		pm_volume_free(vol);
	}
	return 0;
}

/* --mount type=image: the images named exist (opening the store when *store is NULL);
 * with spec, its image mounts get their layers (pm_image_mounts_fill). No image mount: 0. */
static int image_mounts(const struct pm_engine *e, const struct pm_container_config *cfg,
			struct pm_store **store, const char *userdata, struct pm_runtime_spec *spec,
			pm_error **err)
{
	bool any = false;
	for (char **v = cfg->mounts; v && *v && !any; v++) {
		_cleanup_free_ char *ref = pm_image_mount_source(*v);
		any = ref != NULL;
	}
	if (!any)
		return 0;
	int r = *store ? 0 : pm_store_open(e->paths, e->storage_driver, store, err);
	if (r < 0)
		return r;
	return pm_image_mounts_fill(cfg->mounts, *store, userdata, spec, err);
}

/* name is taken (pm_container_create: -EEXIST): by a --rm container whose run is gone?
 * Then it is removed (pm_engine_ctr_lookup) and the name may be taken again. A container
 * being created or started by a live pm is never one (pm_engine_refresh). */
static bool name_freed(const struct pm_engine *e, const char *name)
{
	_cleanup_container_ struct pm_container *o = NULL;
	if (pm_container_lookup(e->paths, name, &o, NULL) < 0)
		return true; /* removed meanwhile */
	if (!o->name || strcmp(o->name, name) != 0)
		return false; /* an id prefix, not the name's holder */
	return pm_engine_refresh_autoremove(e, o) == PM_REFRESH_REMOVED;
}

/* --requires: each container named, as its id (podman's message for one not found) */
static int requires_ids(const struct pm_engine *e, char *const *refs, char ***ret, pm_error **err)
{
	for (char *const *v = refs; v && *v; v++) {
		_cleanup_container_ struct pm_container *o = NULL;
		_cleanup_error_ pm_error *lerr = NULL;
		if (pm_container_lookup(e->paths, *v, &o, &lerr) < 0)
			return pm_error_set(err, ENOENT,
					    "\"%s\" is not a valid container, cannot be used as a "
					    "dependency: %s",
					    *v, lerr ? lerr->msg : "no such container");
		if (!pm_strv_contains(*ret, o->id))
			pm_strv_push(ret, o->id);
	}
	return 0;
}

/* --seccomp-policy=image: the profile of the image's io.containers.seccomp.profile label */
static int image_seccomp(const struct pm_container_config *cfg, const struct pm_image *img,
			 char **ret, pm_error **err)
{
	if (!cfg->seccomp_policy || strcmp(cfg->seccomp_policy, "image") != 0 || cfg->privileged)
		return 0;
	if (cfg->rootfs)
		return pm_error_set(err, EINVAL,
				    "cannot read seccomp profile without a valid image");
	size_t kl = strlen(PM_SECCOMP_IMAGE_LABEL);
	for (char **l = img->labels; l && *l; l++)
		if (!strncmp(*l, PM_SECCOMP_IMAGE_LABEL, kl) && (*l)[kl] == '=' && (*l)[kl + 1]) {
			*ret = pm_xstrdup(*l + kl + 1);
			return 0;
		}
	return pm_error_set(err, EINVAL, "no seccomp policy defined by image");
}

int pm_engine_create(const struct pm_engine *e, const struct pm_container_config *cfg,
		     struct pm_container **ret, pm_error **err)
{
	/* a user-defined network (engine/ctr-networks.h): podman's message when missing */
	int r = pm_engine_network_check(e, cfg, err);
	if (r < 0)
		return r;
	r = pm_container_config_validate(cfg, err); /* what every creator must pass */
	if (r < 0)
		return r;
	/* --volumes-from: the other containers' mounts become this one's, checked again */
	_cleanup_strv_ char **vf_volumes = NULL, **vf_mounts = NULL;
	struct pm_container_config with_from;
	if (cfg->volumes_from) {
		if ((r = pm_engine_volumes_from(e, cfg, &vf_volumes, &vf_mounts, err)) < 0)
			return r;
		with_from = *cfg;
		with_from.volumes = vf_volumes;
		with_from.mounts = vf_mounts;
		cfg = &with_from;
		if ((r = pm_container_config_validate(cfg, err)) < 0)
			return r;
	}
	_cleanup_store_ struct pm_store *store = NULL;
	_cleanup_strv_ char **args = NULL, **vols = NULL, **secret_ids = NULL;
	_cleanup_strv_ char **vspecs = NULL, **mspecs = NULL, **anon = NULL; /* anonymous vols */
	_cleanup_strv_ char **tmpfs = NULL; /* --tmpfs and the image's VOLUMEs with tmpfs */
	/* the volumes this create makes: a failure leaves none of them behind */
	_cleanup_strv_ char **made = pm_engine_volumes_missing(e, cfg);
	_cleanup_free_ char *json = NULL;
	_cleanup_free_ char *um = NULL, *gm = NULL; /* --userns=nomap etc.: shifted owners */
	_cleanup_container_ struct pm_container *c = NULL;
	_cleanup_close_ int auto_lock = -1; /* --userns=auto's, until the record is written */
	_cleanup_strv_ char **auto_um = NULL, **auto_gm = NULL;
	_cleanup_strv_ char **ulimits = NULL;	 /* the --ulimit list kept */
	_cleanup_strv_ char **req_ids = NULL;	 /* --requires, as ids */
	_cleanup_free_ char *img_seccomp = NULL; /* --seccomp-policy=image's profile */
	struct pm_image img = {0};
	if (!cfg->rootfs) {
		r = pm_reference_check_case(cfg->image, err);
		if (r < 0)
			return r;
		r = pm_store_open(e->paths, e->storage_driver, &store, err);
		if (r < 0)
			return r;
		r = pm_storage_image_lookup(store, cfg->image, &img, err);
		if (r < 0)
			return pm_reference_missing_hint(r, err);
	}
	/* The image's config shapes the container: check now that a command results. */
	struct pm_spec_image simg;
	image_to_spec(&img, &simg);
	r = pm_spec_args(cfg, cfg->rootfs ? NULL : &simg, &args, err);
	if (r >= 0)
		r = image_mounts(e, cfg, &store, NULL, NULL, err);
	if (r < 0)
		goto out;

	/* an unknown dependency or an image without a profile fails before anything is made */
	r = requires_ids(e, cfg->requires, &req_ids, err);
	if (r >= 0)
		r = image_seccomp(cfg, &img, &img_seccomp, err);
	if (r < 0)
		goto out;
	/* an unknown secret or a bad --secret fails before anything is made */
	r = pm_engine_secrets_resolve(e, cfg, &secret_ids, err);
	if (r < 0)
		goto out;

	/* anonymous volumes (-v /dst, --mount type=volume without source): made now, named in
	 * the specs kept, and listed so that rm -v and --rm remove them */
	r = make_anonymous(e, cfg->volumes, false, &vspecs, &anon, &made, err);
	if (r >= 0)
		r = make_anonymous(e, cfg->mounts, true, &mspecs, &anon, &made, err);
	/* the image's VOLUME paths (--image-volume): anonymous volumes or tmpfs mounts */
	if (r >= 0 && img.volumes) {
		tmpfs = pm_strv_copy(cfg->tmpfs);
		r = image_volumes(e, cfg, img.volumes, &vspecs, &mspecs, &tmpfs, &anon, &made, err);
	}
	if (r < 0)
		goto out;

	/* the image's StopSignal is kept with the container (stop must not need the image) */
	struct pm_container_config withsig = *cfg;
	withsig.secret_ids = secret_ids;
	withsig.volumes = vspecs;
	withsig.mounts = mspecs;
	withsig.anon_volumes = anon;
	withsig.requires = req_ids;
	withsig.seccomp_image_profile = img_seccomp;
	if (tmpfs)
		withsig.tmpfs = tmpfs;
	if (!cfg->stop_signal && img.stop_signal && *img.stop_signal)
		withsig.stop_signal = img.stop_signal;
	/* --systemd: the mode is decided now, from the command; its stop signal comes after the
	 * image's (podman's order) */
	withsig.systemd_mode = pm_config_systemd_mode(cfg->systemd, args);
	if (withsig.systemd_mode && !withsig.stop_signal)
		withsig.stop_signal = PM_SYSTEMD_STOP_SIGNAL;
	/* podman's default rlimits (nofile, nproc) are fixed now and shown by inspect (a
	 * pod's infra container's too, as podman's) */
	struct pm_ulimit_base ub;
	pm_config_ulimit_base(&ub);
	withsig.ulimits = ulimits = pm_config_ulimits_resolve(cfg->ulimits, &ub);
	/* --userns=auto: a range no other container's maps use, kept as the container's
	 * --uidmap/--gidmap; the lock is held until the record that holds it is written (and
	 * by a create whose record holds fixed maps, so that the two are in order) */
	struct pm_spec_userns un;
	if ((r = pm_spec_parse_userns(cfg->userns, &un, err)) < 0)
		goto out;
	if (un.mode == PM_USERNS_AUTO) {
		_cleanup_strv_ char **lowers = NULL;
		_cleanup_store_ struct pm_store *conf = NULL; /* --rootfs: storage.conf's sizes */
		if (!store && (r = pm_store_open(e->paths, e->storage_driver, &conf, err)) < 0)
			goto out;
		const struct pm_store *s = store ? store : conf;
		if (!un.a.size && store &&
		    (r = pm_storage_image_lowers(store, img.id, NULL, &lowers, err)) < 0)
			goto out;
		if ((r = pm_userns_auto_alloc(e, &un, lowers, s->auto_userns_min,
					      s->auto_userns_max, &auto_lock, &auto_um, &auto_gm,
					      err)) < 0)
			goto out;
		withsig.uidmap = auto_um;
		withsig.gidmap = auto_gm;
	} else if (cfg->uidmap || cfg->gidmap || un.mode == PM_USERNS_KEEP_ID ||
		   un.mode == PM_USERNS_NOMAP) {
		if ((r = pm_userns_auto_lock(e, err)) < 0)
			goto out;
		auto_lock = r;
	}
	json = pm_config_to_json(&withsig);
	const char *image_name =
		cfg->rootfs ? "" : (img.names && img.names[0] ? img.names[0] : cfg->image);
	if (store) { /* --userns=container:X: the owners as X's namespace shows them */
		struct pm_container_config owner = {0}, eff = withsig;
		r = pm_engine_userns_owner(e, cfg, &owner, &eff, err);
		if (r >= 0)
			r = pm_spec_shifted_maps(&eff, &um, &gm, err);
		pm_spec_config_clear(&owner);
		if (r < 0)
			goto out;
	}
	/* a --rm container's record goes where its root does (--rootfs: no root of ours) */
	bool in_runroot = cfg->rm && (!store || pm_storage_ctr_eph_here(store, um && gm));
	unsigned cflags = (e->sync_later ? PM_CTR_CREATE_NOSYNC : 0) |
			  (in_runroot ? PM_CTR_CREATE_RUNROOT : 0);
	const char *image_id = cfg->rootfs ? "" : img.id;
	r = pm_container_create_in_pod(e->paths, cfg->name, image_name, image_id, json, cfg->pod,
				       cfg->infra, cflags, &c, err);
	if (r == -EEXIST && cfg->name && name_freed(e, cfg->name)) {
		if (err)
			*err = pm_error_free(*err);
		r = pm_container_create_in_pod(e->paths, cfg->name, image_name, image_id, json,
					       cfg->pod, cfg->infra, cflags, &c, err);
	}
	if (r < 0)
		goto out;
	if (auto_lock >= 0) /* the record holds the ranges now */
		close(TAKE_FD(auto_lock));
	if (store) {
		/* placed once, above: storage does not probe the runroot again */
		unsigned sflags = (cfg->rm ? PM_STORAGE_CTR_EPHEMERAL : 0) |
				  (in_runroot ? PM_STORAGE_CTR_RUNROOT : 0) |
				  (e->sync_later ? PM_STORAGE_CTR_NOSYNC : 0);
		r = pm_storage_ctr_create_mapped(store, c->id, img.id, sflags, um, gm, err);
		if (r < 0) {
			pm_container_remove_record(e->paths, c, NULL);
			goto out;
		}
	}
	/* the secrets' values, copied now: removing a secret later does not break c */
	r = pm_engine_secrets_copy(e, &withsig, c->dir, err);
	if (r < 0) {
		pm_engine_remove(e, c, NULL);
		goto out;
	}
	vols = pm_engine_named_volumes(&withsig);
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
	pm_crash_point("after-record");
	pm_engine_event(e, c, "create");
	*ret = TAKE_PTR(c);
	r = 0;
out:
	if (r < 0)
		pm_engine_volumes_drop_unused(e, made);
	pm_image_free(&img);
	return r;
}

/* ---- the monitor's files (monitor/rundir.h) ------------------------------------------- */

/* Wait for the monitor of an exited c to finish (it records the exit, unmounts, applies
 * --rm). A monitor whose container still runs is not finishing: no wait. */
static void wait_monitor(const struct pm_engine *e, const struct pm_container *c, int timeout_ms)
{
	struct pm_mon_pids p;
	if (pm_engine_ctr_pids(e, c, &p) < 0 || pm_proc_alive(p.init, p.init_start))
		return;
	_cleanup_close_ int fd = pm_pidfd_open_verified(p.mon, p.mon_start);
	if (fd >= 0 && p.mon != getpid())
		pm_pidfd_wait(fd, timeout_ms);
}

static int start_detached(const struct pm_engine *e, struct pm_container *c, bool by_policy,
			  int attach_fd, int winsize_from, pm_error **err);

int pm_engine_cleanup(const struct pm_engine *e, struct pm_container *c, bool apply_restart,
		      pm_error **err)
{
	bool stopped_by_user;
	int r = pm_engine_mark_exited(e, c, PM_EXITED_CLEANUP, &stopped_by_user, err);
	if (r == -ENOENT)
		return 0; /* removed meanwhile: nothing to clean */
	if (r < 0)
		return r;
	if (r > 0)
		pm_engine_event(e, c, "cleanup");
	struct pm_container_config cfg = {0};
	r = pm_config_from_json(c->config_json, &cfg, err);
	if (r < 0)
		return r;
	if (apply_restart && getenv(PM_HOOKS_CMD_ENV)) {
		/* a detached container's poststop hooks (engine/hooks.h); failures ignored */
		char *args[] = {getenv(PM_HOOKS_CMD_ENV), NULL};
		struct pm_hooks_state hs = {
			.id = c->id,
			.status = "stopped",
			.bundle = getenv(PM_HOOKS_BUNDLE_ENV),
			.args = args,
			.annotations = cfg.annotations,
			.bind_mounts = cfg.volumes || cfg.mounts || cfg.tmpfs || cfg.volumes_from,
		};
		pm_hooks_run("poststop", &hs, NULL);
	}
	struct pm_restart_policy policy;
	if (cfg.rm) {
		r = pm_engine_remove_volumes(e, c, true, err);
	} else if (apply_restart && pm_monitor_parse_restart(cfg.restart, &policy, NULL) == 0 &&
		   pm_monitor_should_restart(&policy, c->state.exit_code, c->state.restart_count,
					     stopped_by_user)) {
		pm_monitor_restart_backoff(c->state.restart_count);
		r = start_detached(e, c, true, -1, -1, err);
	} else {
		r = 0;
	}
	pm_spec_config_clear(&cfg);
	return r;
}

/* A container rm -f killed (pm_engine_stop): wait for its init's end, then remove the
 * cgroup its exit would have (cgroupfs's pm-ID: its record goes without that exit). */
static void killed_ended(struct pm_container *c)
{
	pm_pidfd_wait(c->killed_pidfd, 10000);
	if (c->killed_mntns >= 0) { /* its mounts go now, if nobody else holds them */
		close(c->killed_mntns);
		c->killed_mntns = -1;
	}
	if (c->state.cgroup_path) {
		pm_engine_cgroup_exited(c->state.cgroup_path, c->state.oom_base);
		free(c->state.cgroup_path);
		c->state.cgroup_path = NULL;
	}
}

int pm_engine_remove(const struct pm_engine *e, struct pm_container *c, pm_error **err)
{
	return pm_engine_remove_volumes(e, c, false, err);
}

int pm_engine_remove_volumes(const struct pm_engine *e, struct pm_container *c, bool anonymous,
			     pm_error **err)
{
	int r = 0;
	_cleanup_strv_ char **anon = NULL;
	/* one rm -f killed (pm_engine_stop): its init's end first; an exited container's
	 * monitor may still be cleaning up: let it finish */
	if (c->killed)
		killed_ended(c);
	wait_monitor(e, c, 30000);
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
	/* of concurrent removers only the first finds the record: the others say so */
	if (access(c->dir, F_OK) < 0 && errno == ENOENT)
		return pm_error_set(err, ENOENT,
				    "no container with name or ID \"%s\" found: no such container",
				    c->name ? c->name : c->id);
	/* What the record says now, under the lock: a start that was under way when the
	 * caller looked has finished, or a damaged record hid a running container. Every
	 * process that provably belongs to c ends before the record goes. */
	pm_container_reload(e->paths, c, NULL);
	pm_engine_end_processes(e, c);
	struct pm_container_config cfg = {0};
	if (pm_config_from_json(c->config_json, &cfg, NULL) == 0) {
		if (cfg.pidfile) /* --pidfile: goes with the container */
			unlink(cfg.pidfile);
		if (cfg.conmon_pidfile)
			unlink(cfg.conmon_pidfile);
		pm_engine_volumes_release(e, &cfg, c->id);
		_cleanup_strv_ char **vols = pm_engine_named_volumes(&cfg);
		for (char **v = vols; v && *v; v++)
			pm_volume_unref(e->paths->root, *v, c->id, NULL);
		if (!cfg.rootfs) {
			_cleanup_store_ struct pm_store *store = NULL;
			r = pm_store_open(e->paths, e->storage_driver, &store, err);
			if (r >= 0)
				r = pm_storage_ctr_delete(store, c->id, err);
		}
		anon = TAKE_PTR(cfg.anon_volumes);
		pm_spec_config_clear(&cfg);
	}
	if (r < 0)
		return pm_error_prefix(err, "removing container %s", c->id);
	pm_crash_point("mid-rm");
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	pm_rm_rf(rundir, NULL);
	pm_ctr_net_dir_remove(e, c->id);
	pm_engine_network_release(e, c->id);
	r = pm_container_remove_record(e->paths, c, err);
	if (r >= 0)
		pm_engine_event(e, c, "remove");
	/* its anonymous volumes, unless another container uses one (--volumes-from) */
	for (char **v = anon; r >= 0 && anonymous && v && *v; v++)
		pm_volume_remove(e->paths->root, *v, false, NULL);
	return r;
}

/* The run dir (pids, exit, markers, the generated /etc files) and the network dir of id. */
static void remove_run_dirs(const struct pm_engine *e, const char *id)
{
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, id);
	pm_rm_rf(rundir, NULL);
	pm_ctr_net_dir_remove(e, id);
	pm_engine_network_release(e, id);
}

/* Close every fd above stdio but the n of keep (entries under 3 ignored). */
static void close_all_but(int *keep, int n)
{
	for (int i = 1; i < n; i++) /* ascending */
		for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	unsigned lo = 3;
	for (int i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > lo)
			close_range(lo, (unsigned)keep[i] - 1, 0);
		lo = (unsigned)keep[i] + 1;
	}
	close_range(lo, ~0U, 0);
}

/* The rest of a detached removal, in a process of its own: the root moved aside (root) is
 * unmounted (pm_storage_gone_detach_held: its overlay held, not synced) and removed, with
 * the run dir, the layers no image holds any more and the moved record. Then, the
 * container's lock let go, once our caller's copy of mntns is closed (EOF on order) and
 * the init has ended (hold, a pidfd), the init's mount namespace is let go (mntns: its
 * mounts are torn down here), then the root's overlay (its last close pays the sync of
 * the upper file system here). Each fd -1: none. stdio are /dev/null, every other fd is
 * closed. Never returns. */
static _Noreturn void remove_rest(const struct pm_engine *e, const char *id, int lock,
				  struct pm_store *store, const char *root, const char *aside,
				  int mntns, int order, int hold)
{
	setsid();
	pm_stdio_to_null();
	int keep[4] = {lock, mntns, order, hold};
	close_all_but(keep, 4);
	int mount = -1;
	if (root && pm_storage_gone_detach_held(root, &mount, NULL) < 0)
		root = NULL; /* still mounted: pm_store_clean_tmp retries */
	/* the run dir: nothing reads it without the record, which is hidden already */
	remove_run_dirs(e, id);
	if (root) {
		pm_rm_rf(root, NULL);
		pm_image_collect_layers(store, NULL);
	}
	pm_container_drop_record(e->paths, id, aside, NULL);
	if (mount >= 0 || mntns >= 0) {
		if (lock >= 0)
			close(lock); /* nobody waits on it for what follows */
		char ch;
		while (order >= 0 && read(order, &ch, 1) < 0 && errno == EINTR)
			;
		if (hold >= 0)
			pm_pidfd_wait(hold, 60000);
		if (mntns >= 0)
			close(mntns);
		if (mount >= 0)
			close(mount);
	}
	_exit(0);
}

static int remove_detached(const struct pm_engine *e, struct pm_container *c, bool anonymous,
			   pm_error **err)
{
	/* an exited container's monitor may still be cleaning up: let it finish (one we
	 * killed does nothing more) */
	if (!c->killed)
		wait_monitor(e, c, 30000);
	_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
	struct pm_container_config cfg = {0};
	/* of concurrent removers only the first finds the record (pm_engine_remove says so) */
	if (lock < 0 || !pm_path_exists(c->dir) || pm_container_reload(e->paths, c, NULL) < 0 ||
	    (pm_ctr_is_running(c) && !c->killed) || c->state.starting ||
	    pm_config_from_json(c->config_json, &cfg, NULL) < 0) {
		/* not the plain case this is for: the whole removal, here */
		close(TAKE_FD(lock));
		if (c->killed)
			pm_pidfd_wait(c->killed_pidfd, 10000);
		pm_spec_config_clear(&cfg);
		return pm_engine_remove_volumes(e, c, anonymous, err);
	}
	if (!c->killed)
		pm_engine_end_processes(e, c); /* what provably belongs to it (a stray exec) */
	/* what a later command can see goes now: volumes, the root, the name, the record */
	if (cfg.pidfile) /* --pidfile: goes with the container */
		unlink(cfg.pidfile);
	if (cfg.conmon_pidfile)
		unlink(cfg.conmon_pidfile);
	pm_engine_volumes_release(e, &cfg, c->id);
	_cleanup_strv_ char **vols = pm_engine_named_volumes(&cfg);
	for (char **v = vols; v && *v; v++)
		pm_volume_unref(e->paths->root, *v, c->id, NULL);
	_cleanup_store_ struct pm_store *store = NULL;
	_cleanup_free_ char *root = NULL;
	int r = 0;
	if (!cfg.rootfs) {
		/* moved aside still mounted: the unmount (an RCU grace period, ms on a busy
		 * machine) is the child's, below */
		r = pm_store_open(e->paths, e->storage_driver, &store, err);
		if (r >= 0)
			r = pm_storage_ctr_move_aside(store, c->id, &root, err);
	}
	_cleanup_strv_ char **anon = TAKE_PTR(cfg.anon_volumes);
	pm_spec_config_clear(&cfg);
	if (r < 0)
		return pm_error_prefix(err, "removing container %s", c->id);
	pm_crash_point("mid-rm");
	_cleanup_free_ char *aside = pm_container_hide_record(e->paths, c);
	pm_engine_event(e, c, "remove");
	/* its anonymous volumes, unless another container uses one (--volumes-from) */
	for (char **v = anon; anonymous && v && *v; v++)
		pm_volume_remove(e->paths->root, *v, false, NULL);
	/* the unmount and the deletes in a detached child, not waited for: our exit status
	 * does not wait for them (reaped when we exit, or by the subreaper it is handed to);
	 * the same child lets go of the init's mount namespace last (one fork): the pipe tells
	 * it when our copy is closed */
	int mntns = c->killed ? c->killed_mntns : -1;
	int order[2] = {-1, -1};
	if (mntns >= 0 && pipe2(order, O_CLOEXEC) < 0)
		mntns = -1; /* closed once the init has ended */
	pid_t pid = fork();
	if (pid == 0)
		remove_rest(e, c->id, lock, store, root, aside, mntns, order[0],
			    c->killed ? c->killed_pidfd : -1);
	/* ours closed before the pipe's write end: the child's close is the last */
	if (mntns >= 0) {
		close(c->killed_mntns);
		c->killed_mntns = -1;
	}
	if (order[0] >= 0) {
		close(order[1]);
		close(order[0]);
	}
	if (pid < 0) {
		remove_run_dirs(e, c->id);
		int mount = -1;
		if (root && pm_storage_gone_detach_held(root, &mount, NULL) == 0) {
			if (mount >= 0)
				close(mount); /* the sync, here */
			pm_rm_rf(root, NULL);
			pm_image_collect_layers(store, NULL);
		}
		return pm_container_drop_record(e->paths, c->id, aside, err);
	}
	return 0;
}

int pm_engine_remove_detached(const struct pm_engine *e, struct pm_container *c, bool anonymous,
			      pm_error **err)
{
	int r = remove_detached(e, c, anonymous, err);
	/* rm -f: every process of the container has ended when the command returns (they end
	 * with the init, its pid namespace's); the removal above went on meanwhile */
	if (c->killed) {
		killed_ended(c);
		close(c->killed_pidfd);
		c->killed = false;
	}
	return r;
}

bool pm_engine_ctr_autoremove(const struct pm_container *c)
{
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	const char *text = c->config_json ? c->config_json : "{}";
	bool rm = false;
	int r = pm_jscan_object(&s, text, strlen(text));
	while (r >= 0 && (r = pm_jscan_member(&s, &k, &v)) > 0)
		if (pm_jscan_key_is(&k, "Rm"))
			return pm_jscan_bool(&v, &rm) == 0 && rm;
	return false;
}

int pm_engine_refresh_autoremove(const struct pm_engine *e, struct pm_container *c)
{
	int r = pm_engine_refresh(e, c);
	if (r == 1 && !pm_ctr_is_running(c) && pm_engine_ctr_autoremove(c) &&
	    pm_engine_remove_detached(e, c, true, NULL) == 0)
		return PM_REFRESH_REMOVED;
	return r;
}

int pm_engine_ctr_lookup(const struct pm_engine *e, const char *ref, struct pm_container **ret,
			 pm_error **err)
{
	int r = pm_container_lookup(e->paths, ref, ret, err);
	if (r < 0 || pm_engine_refresh_autoremove(e, *ret) != PM_REFRESH_REMOVED)
		return r;
	*ret = pm_container_free(*ret);
	return pm_error_set(err, ENOENT,
			    "no container with name or ID \"%s\" found: no such container", ref);
}

int pm_engine_ctr_list(const struct pm_engine *e, struct pm_container ***ret, size_t *ret_n,
		       pm_error **err)
{
	int r = pm_container_list(e->paths, ret, ret_n, err);
	if (r < 0)
		return r;
	size_t kept = 0;
	for (size_t i = 0; i < *ret_n; i++) {
		struct pm_container *c = (*ret)[i];
		if (pm_engine_refresh_autoremove(e, c) == PM_REFRESH_REMOVED)
			pm_container_free(c);
		else
			(*ret)[kept++] = c;
	}
	*ret_n = kept;
	return r;
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
	bool starting_saved; /* the record says "starting": a failure must say it no more */
	int lock;
	/* a foreground start's network helper, launched early for netns_fd (-1: none) */
	struct pm_net *launched;
	int netns_fd;
};

static void start_ctx_clear(const struct pm_engine *e, struct pm_container *c, struct start_ctx *x,
			    bool started)
{
	if (!started) {
		if (x->starting_saved && x->lock >= 0) {
			c->state.starting = false;
			pm_container_save_state(e->paths, c, NULL);
		}
		if (x->mounted)
			pm_storage_ctr_unmount(x->store, c->id, NULL);
		if (x->volumes_mounted)
			pm_engine_volumes_release(e, &x->cfg, c->id);
		_cleanup_free_ char *userdata = pm_ctr_userdata_dir(e, c->id);
		pm_rm_rf(userdata, NULL);
		pm_ctr_net_dir_remove(e, c->id);
		pm_engine_network_release(e, c->id);
	}
	pm_net_stop(TAKE_PTR(x->launched)); /* not handed to the monitor */
	if (x->netns_fd >= 0)
		close(x->netns_fd);
	pm_net_config_clear(&x->net);
	if (x->lock >= 0)
		close(x->lock);
	pm_store_close(x->store);
	pm_image_free(&x->img);
	pm_runtime_spec_clear(&x->spec);
	pm_spec_config_clear(&x->cfg);
}

/* The network helper launched now, before the rootfs is mounted and the spec is built
 * (issue #20: slirp4netns is ready ~4 ms after it starts, the init's mounts take <1 ms, so
 * only pm's own preparation can hide it), for a network namespace made here that the init
 * joins; the monitor waits for it to be ready before the command runs. Not when the
 * container's own user namespace is to own its network namespace (--userns, --uidmap). */
static int net_launch_early(const struct pm_engine *e, const struct pm_container *c,
			    struct start_ctx *x, pm_error **err)
{
	const struct pm_container_config *cfg = &x->cfg;
	if ((x->net.mode != PM_NET_SLIRP4NETNS && x->net.mode != PM_NET_PASTA) ||
	    (cfg->userns && cfg->userns[0] && strcmp(cfg->userns, "host") != 0) || cfg->uidmap ||
	    cfg->gidmap)
		return 0;
	/* launched before the create already (a foreground run, engine/net.h) */
	if (pm_engine_net_take_first(e, &x->net, &x->launched, &x->netns_fd))
		return 0;
	int r = pm_engine_net_dir(e, c, &x->net, err);
	if (r >= 0)
		r = pm_net_netns_new(&x->netns_fd, err);
	if (r >= 0)
		r = pm_net_launch(&x->net, x->netns_fd, &x->launched, err);
	return r;
}

/* --requires: the containers ids names started first (detached; theirs before them), those
 * running left alone */
static int start_required(const struct pm_engine *e, char *const *ids, pm_error **err)
{
	static int depth;
	if (depth >= 32)
		return pm_error_set(err, ELOOP, "--requires: dependency chain too deep");
	int r = 0;
	depth++;
	for (char *const *v = ids; r >= 0 && v && *v; v++) {
		_cleanup_container_ struct pm_container *d = NULL;
		r = pm_engine_ctr_lookup(e, *v, &d, err);
		if (r >= 0 && !pm_ctr_is_running(d))
			r = pm_engine_start(e, d, err);
		if (r < 0)
			r = pm_error_prefix(err, "starting dependency container %s", *v);
	}
	depth--;
	return r;
}

/* Lock c, check it can start, mount its rootfs and build its runtime spec (early_net: with
 * its network helper launched first, net_launch_early). Returns 1 when it is already
 * running (nothing to do). */
static int start_prepare(const struct pm_engine *e, struct pm_container *c, struct start_ctx *x,
			 bool by_policy, bool early_net, pm_error **err)
{
	*x = (struct start_ctx){.lock = -1, .netns_fd = -1};
	pm_net_config_init(&x->net);
	pm_engine_refresh(e, c);
	x->lock = pm_container_lock(e->paths, c->id, err);
	if (x->lock < 0)
		return x->lock;
	int r = pm_container_reload(e->paths, c, err);
	if (r < 0)
		return r;
	if (pm_ctr_is_running(c))
		return 1;
	if (c->state.status == PM_CTR_REMOVING)
		return pm_error_set(err, EBUSY, "container %s is being removed", c->id);
	if (c->broken)
		return pm_error_set(err, EBADMSG, "container %s: %s: remove it with 'pm rm -f %s'",
				    c->id, c->broken, c->id);
	if (by_policy) {
		/* a stop, or a start by hand, since the exit wins; the count goes up with the
		 * start, in the state that says "running" (podman: retainRetries) */
		_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
		if (c->state.status != PM_CTR_STOPPED || pm_mon_no_restart(rundir))
			return 1;
		c->state.restart_count++;
	} else {
		c->state.restart_count = 0;
	}
	r = pm_config_from_json(c->config_json, &x->cfg, err);
	if (r >= 0 && !by_policy && x->cfg.requires)
		r = start_required(e, x->cfg.requires, err);
	if (r < 0)
		return r;
	/* Before anything is mounted or spawned, the record says a start is under way: if
	 * this process dies from here on, the next command finds the lock free and undoes
	 * what there is (pm_engine_refresh, engine/ctr-state.h). */
	c->state.starting = true;
	r = pm_container_save_state(e->paths, c, err);
	if (r < 0)
		return r;
	x->starting_saved = true;
	pm_crash_point("after-starting");
	_cleanup_free_ char *rootfs = NULL;
	if (x->cfg.rootfs) {
		rootfs = pm_xstrdup(x->cfg.rootfs);
	} else {
		r = pm_store_open(e->paths, e->storage_driver, &x->store, err);
		if (r >= 0)
			r = pm_storage_image_lookup(x->store, c->image_id, &x->img, err);
		if (r < 0)
			return r;
	}
	/* the network first (the image's EXPOSE for -P): its helper comes up meanwhile */
	r = pm_engine_net_config(&x->cfg, x->img.exposed_ports, &x->net, err);
	if (r >= 0 && early_net)
		r = net_launch_early(e, c, x, err);
	if (r < 0)
		return r;
	if (!x->cfg.rootfs) {
		r = pm_storage_ctr_mount(x->store, c->id, &rootfs, err);
		if (r < 0)
			return r;
		x->mounted = true;
	}
	r = pm_engine_volumes_mount(e, &x->cfg, c->id, err);
	if (r < 0)
		return r;
	x->volumes_mounted = true;
	struct pm_spec_image simg;
	image_to_spec(&x->img, &simg);
	_cleanup_free_ char *userdata = pm_ctr_userdata_dir(e, c->id);
	/* --userns=container:X (a pod's member): the spec as X's user namespace has it */
	struct pm_container_config owner = {0}, eff = x->cfg;
	r = pm_engine_userns_owner(e, &x->cfg, &owner, &eff, err);
	if (r < 0)
		return r;
	r = pm_spec_to_runtime(&eff, x->cfg.rootfs ? NULL : &simg, rootfs, userdata, c->id,
			       e->paths->root, &x->spec, err);
	pm_spec_config_clear(&owner);
	x->spec.preserve_fds = e->preserve_fds;
	if (r >= 0)
		r = image_mounts(e, &x->cfg, &x->store, userdata, &x->spec, err);
	if (r >= 0)
		r = pm_engine_secrets_apply(&x->cfg, c->dir, &x->spec, err);
	if (r < 0)
		return r;
	if (!x->spec.name)
		x->spec.name = pm_xstrdup(c->name);
	r = pm_engine_ns_prepare(e, c, &x->cfg, &x->spec, err);
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
			  int attach_fd, int winsize_from, pm_error **err)
{
	struct start_ctx x;
	int r = start_prepare(e, c, &x, by_policy, false, err);
	if (r == 0) {
		struct pm_monitor_setup s = {.e = e,
					     .c = c,
					     .cfg = &x.cfg,
					     .spec = &x.spec,
					     .lock_fd = x.lock,
					     .net = &x.net,
					     .attach_fd = attach_fd,
					     .winsize_from = winsize_from};
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
	return start_detached(e, c, false, -1, -1, err);
}

int pm_engine_start_detachable(const struct pm_engine *e, struct pm_container *c,
			       const char *detach_keys, int *ret_status, pm_error **err)
{
	unsigned char keys[8];
	size_t nkeys;
	int r = pm_attach_parse_keys(detach_keys, keys, &nkeys, err);
	if (r < 0)
		return r;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return pm_error_set_errno(err, errno, "creating the attach socket");
	_cleanup_close_ int fd = sv[0];
	/* the monitor serves sv[1] from the start: no output is lost before we listen; the
	 * pty has our terminal's size before the command runs (the monitor's own stdin is
	 * /dev/null by then: it gets a copy) */
	_cleanup_close_ int tty = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	r = start_detached(e, c, false, sv[1], tty, err);
	close(sv[1]);
	if (r < 0)
		return r;
	struct pm_attach_opts o = {
		.stdin = true, .tty = true, .detach_keys = detach_keys, .sig_proxy = true};
	return pm_engine_attach_fd(e, c, TAKE_FD(fd), &o, ret_status, err);
}

static int start_foreground(const struct pm_engine *e, struct pm_container *c, bool then_remove,
			    int *ret_status, pm_error **err)
{
	struct start_ctx x;
	int r = start_prepare(e, c, &x, false, true, err);
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
					     .net = &x.net,
					     .attach_fd = -1,
					     .winsize_from = -1,
					     .netns_fd = x.netns_fd};
		s.net_launched = x.launched; /* the monitor's from here on */
		x.launched = NULL;
		r = pm_monitor_run_attached(&s, ret_status, err);
		if (r >= 0)
			x.lock = -1; /* closed by the monitor once "running" was written */
	}
	if (r >= 0 && then_remove) {
		/* pm_engine_remove_detached, next, unmounts (without a sync) and removes all */
		x.mounted = false;
		pm_engine_event(e, c, "cleanup");
	} else if (r >= 0) {
		/* done: the monitor recorded the exit; now unmount and forget runtime files */
		_cleanup_close_ int lock = pm_container_lock(e->paths, c->id, NULL);
		if (pm_container_reload(e->paths, c, NULL) == 0 &&
		    c->state.status != PM_CTR_RUNNING) {
			if (x.mounted)
				pm_storage_ctr_unmount(x.store, c->id, NULL);
			pm_engine_volumes_release(e, &x.cfg, c->id);
			free(c->state.mountpoint);
			c->state.mountpoint = NULL;
			c->state.monitor_pid = 0;
			pm_container_save_state(e->paths, c, NULL);
			pm_engine_event(e, c, "cleanup");
		}
		x.mounted = false;
		_cleanup_free_ char *userdata = pm_ctr_userdata_dir(e, c->id);
		pm_rm_rf(userdata, NULL);
		pm_ctr_net_dir_remove(e, c->id);
		pm_engine_network_release(e, c->id);
	} else {
		free(c->state.mountpoint);
		c->state.mountpoint = NULL;
	}
	start_ctx_clear(e, c, &x, r >= 0);
	return r;
}

int pm_engine_start_foreground(const struct pm_engine *e, struct pm_container *c, int *ret_status,
			       pm_error **err)
{
	return start_foreground(e, c, false, ret_status, err);
}

int pm_engine_start_foreground_then_remove(const struct pm_engine *e, struct pm_container *c,
					   int *ret_status, pm_error **err)
{
	return start_foreground(e, c, true, ret_status, err);
}

/* ---- stop, wait ------------------------------------------------------------------------- */

/* Does c's PID 1 act on sig, or would it drop it (PID 1 of a pid namespace without a
 * handler, or an ignored signal)? */
static bool signal_handled(pid_t pid, int sig, bool own_pidns)
{
	struct pm_proc_status st;
	bool caught, ignored;
	if (pm_proc_status_read(pid, &st) < 0 ||
	    pm_proc_status_sig(&st, sig, &caught, &ignored) < 0)
		return true; /* cannot tell: send it and wait */
	if (caught)
		return true;
	return !ignored && !own_pidns;
}

int pm_engine_stop(const struct pm_engine *e, struct pm_container *c, int timeout, pm_error **err)
{
	/* the run dir's pids read once: a monitor whose pidfd opens verified is alive, which is
	 * all pm_engine_refresh would find out (the caller's lookup refreshed just before);
	 * else the refresh reconciles the record first */
	struct pm_mon_pids p;
	_cleanup_close_ int monfd = -1;
	if (!pm_ctr_is_running(c) || c->state.damaged || pm_engine_ctr_pids(e, c, &p) < 0 ||
	    (monfd = pm_pidfd_open_verified(p.mon, p.mon_start)) < 0) {
		pm_engine_refresh(e, c);
		if (!pm_ctr_is_running(c))
			return 0;
		if (pm_engine_ctr_pids(e, c, &p) < 0) {
			pm_engine_refresh(e, c);
			return 0;
		}
		monfd = pm_pidfd_open_verified(p.mon, p.mon_start);
	}
	struct pm_container_config cfg = {0};
	pm_config_from_json(c->config_json, &cfg, NULL);
	int sig = SIGTERM;
	if (cfg.stop_signal && pm_engine_parse_signal(cfg.stop_signal, &sig) < 0)
		sig = SIGTERM;
	if (timeout < 0)
		timeout = cfg.stop_timeout_set ? (int)cfg.stop_timeout : 10;
	if (timeout == 0)
		sig = SIGKILL; /* podman's: no stop signal to wait for, SIGKILL at once */
	bool own_pidns =
		!cfg.pid || (strcmp(cfg.pid, "host") && strncmp(cfg.pid, "container:", 10));
	/* published ports: the monitor frees them (waits for its helpers) before it exits */
	bool ports = (cfg.publish && cfg.publish[0]) || cfg.publish_all;
	bool autorm = cfg.rm; /* its exit's cleanup removes it (pm_engine_cleanup) */
	pm_spec_config_clear(&cfg);

	{
		_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
		if (e->removing)
			pm_mon_mark_removing(rundir);
		else
			pm_mon_mark_stopped(rundir);
	}
	_cleanup_close_ int initfd = pm_pidfd_open_verified(p.init, p.init_start);
	_cleanup_close_ int mntns = -1;
	bool kill_monitor = false;
	if (initfd >= 0) {
		/* a pod's infra is pm-pause, which takes SIGTERM in rt_sigtimedwait: /proc shows
		 * a process waiting there as neither catching nor blocking it */
		if (sig != SIGKILL && !c->infra && !signal_handled(p.init, sig, own_pidns)) {
			/* a warning for every stopper (stop, restart, rm -f, pod stop...), as
			 * podman's when it resorts to SIGKILL */
			pm_log_warn("StopSignal SIG%s is not handled by PID 1 of container %s, "
				    "resorting to SIGKILL at once",
				    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", c->name);
			sig = SIGKILL;
		}
		/* rm -f with SIGKILL: the exit status is known (137) and the monitor has
		 * nothing left to do for a container removed next, so it is killed with the
		 * init instead of being waited for (a wake-up less); we write the exit file it
		 * would. Not with published ports (the monitor's exit is what frees them), nor
		 * in the host's pid namespace (the init's death does not end the rest). */
		bool lean = e->removing && sig == SIGKILL && !ports && own_pidns && monfd >= 0 &&
			    p.mon != getpid() && !c->infra;
		/* rm -f holds the init's mount namespace (opened while the init is alive: its
		 * pid is its own): the init's exit then leaves its mounts (rootfs, /proc,
		 * /dev, the masks and binds) and their superblocks to the remover's detached
		 * child, which lets go of it after that exit (remove_rest), instead of tearing
		 * them down, RCU grace periods included, before its end can be seen (issue #20) */
		if (lean && !autorm)
			mntns = pm_proc_ns_open(p.init, "mnt");
		kill_monitor = lean && pidfd_send_signal(monfd, SIGKILL, NULL, 0) == 0;
		if (pidfd_send_signal(initfd, sig, NULL, 0) < 0 && errno != ESRCH)
			return pm_error_set_errno(err, errno, "sending signal %d to container %s",
						  sig, c->id);
		if (sig != SIGKILL && pm_pidfd_wait(initfd, timeout * 1000) <= 0) {
			pm_log_warn("StopSignal SIG%s failed to stop container %s in %d seconds, "
				    "resorting to SIGKILL",
				    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", c->name, timeout);
			pidfd_send_signal(initfd, SIGKILL, NULL, 0);
		}
		/* rm -f hands the init over (below): the removal goes on while it ends */
		if (!kill_monitor || autorm)
			pm_pidfd_wait(initfd, 10000);
	}
	/* pm-monitor ends; seeing the stop marker it leaves the cleanup to us, who wait for
	 * it anyway (one pm process fewer per stop). A foreground monitor records the exit
	 * itself. */
	if (kill_monitor) {
		_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
		pm_mon_write_exit(rundir, 128 + SIGKILL);
		pm_crash_point("rm-after-kill");
		if (!autorm) {
			/* rm -f: the record goes next, whole (pm_engine_remove_detached unmounts,
			 * releases and removes what the exit would have, then waits for the
			 * init's end), so the exit is not written to it first; a crash before the
			 * record goes leaves a "running" record whose monitor is gone, which the
			 * next command marks exited with the exit file's 137 */
			c->killed = true;
			c->killed_pidfd = TAKE_FD(initfd);
			c->killed_mntns = TAKE_FD(mntns);
			c->state.status = PM_CTR_STOPPED;
			c->state.exit_code = 128 + SIGKILL;
			c->state.finished_ns = pm_time_now_ns();
			pm_engine_event_died(e, c);
			pm_engine_event(e, c, "cleanup");
			pm_engine_event(e, c, "stop");
			return 0;
		}
	} else if (monfd >= 0 && p.mon != getpid()) {
		pm_pidfd_wait(monfd, 30000);
	}
	if (pm_container_reload(e->paths, c, NULL) < 0)
		return 0;
	if (pm_ctr_is_running(c) && pm_engine_cleanup(e, c, false, NULL) < 0)
		pm_engine_refresh(e, c);
	pm_engine_event(e, c, "stop");
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
		struct pm_mon_pids p;
		_cleanup_close_ int monfd = -1;
		if (pm_ctr_is_running(c) && pm_engine_ctr_pids(e, c, &p) == 0)
			monfd = pm_pidfd_open_verified(p.mon, p.mon_start);
		struct pollfd pf[2] = {{.fd = ifd, .events = POLLIN},
				       {.fd = monfd, .events = POLLIN}};
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return pm_error_set_errno(err, errno, "waiting for container %s", c->id);
		char buf[4096];
		while (read(ifd, buf, sizeof(buf)) > 0)
			;
	}
}
