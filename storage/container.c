/* container.c: per-container root filesystems (create, mount, unmount, delete), and the
 * changes in them (diff, commit, export). Owns <root>/containers/<id>/. Never prints.
 * Called by engine/ (see container.h for the usage contract). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/crashpoint.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "storage/container.h"
#include "storage/digest.h"
#include "storage/dl-archive.h"
#include "storage/layerstore.h"
#include "storage/overlay.h"

void pm_image_free(struct pm_image *img)
{
	if (!img)
		return;
	free(img->id);
	pm_strv_free(img->names);
	free(img->digest);
	free(img->architecture);
	free(img->os);
	pm_strv_free(img->env);
	pm_strv_free(img->cmd);
	pm_strv_free(img->entrypoint);
	free(img->working_dir);
	free(img->user);
	free(img->stop_signal);
	pm_strv_free(img->exposed_ports);
	pm_strv_free(img->labels);
	pm_strv_free(img->volumes);
	memset(img, 0, sizeof(*img));
}

static void image_copy(const struct pm_image *a, struct pm_image *ret)
{
	*ret = (struct pm_image){
		.id = pm_xstrdup(a->id),
		.names = pm_strv_copy(a->names),
		.digest = a->digest ? pm_xstrdup(a->digest) : NULL,
		.architecture = a->architecture ? pm_xstrdup(a->architecture) : NULL,
		.os = a->os ? pm_xstrdup(a->os) : NULL,
		.env = pm_strv_copy(a->env),
		.cmd = pm_strv_copy(a->cmd),
		.entrypoint = pm_strv_copy(a->entrypoint),
		.working_dir = a->working_dir ? pm_xstrdup(a->working_dir) : NULL,
		.user = a->user ? pm_xstrdup(a->user) : NULL,
		.stop_signal = a->stop_signal ? pm_xstrdup(a->stop_signal) : NULL,
		.exposed_ports = pm_strv_copy(a->exposed_ports),
		.labels = pm_strv_copy(a->labels),
		.volumes = pm_strv_copy(a->volumes),
	};
}

/* The last image looked up, per process (issue #20: `run` reads it at create and again at
 * start, by its id). An image's config is immutable (its id is the config's digest); only
 * a lookup by the full id is answered from here, so a name that moved is always resolved
 * again. */
static struct {
	char *root;
	struct pm_image img;
} last_image;

static void last_image_clear(void)
{
	free(last_image.root);
	last_image.root = NULL;
	pm_image_free(&last_image.img);
}

int pm_storage_image_lookup(const struct pm_store *s, const char *ref, struct pm_image *ret,
			    pm_error **err)
{
	if (last_image.root && !strcmp(last_image.root, s->root) &&
	    !strcmp(ref, last_image.img.id)) {
		/* still in the store (an rmi in between): one stat */
		_cleanup_free_ char *rec = pm_store_path(s, "images/%s.json", ref);
		if (pm_path_exists(rec)) {
			image_copy(&last_image.img, ret);
			return 0;
		}
	}
	struct pm_image_record r = {0};
	int rc = pm_image_resolve(s, ref, &r, err);
	if (rc < 0)
		return rc;
	struct pm_image_config c = {0};
	rc = pm_image_read_config(s, &r, &c, NULL, err);
	if (rc < 0) {
		pm_image_record_free(&r);
		return rc;
	}
	struct pm_image img = {0};
	img.id = TAKE_PTR(r.id);
	img.names = TAKE_PTR(r.names);
	img.digest = TAKE_PTR(r.digest);
	img.architecture = TAKE_PTR(c.architecture);
	img.os = TAKE_PTR(c.os);
	img.env = TAKE_PTR(c.config.env);
	img.cmd = TAKE_PTR(c.config.cmd);
	img.entrypoint = TAKE_PTR(c.config.entrypoint);
	img.working_dir = TAKE_PTR(c.config.working_dir);
	img.user = TAKE_PTR(c.config.user);
	img.stop_signal = TAKE_PTR(c.config.stop_signal);
	img.exposed_ports = TAKE_PTR(c.config.exposed_ports);
	img.labels = TAKE_PTR(c.config.labels);
	img.volumes = TAKE_PTR(c.config.volumes);
	pm_image_config_free(&c);
	pm_image_record_free(&r);
	static bool registered;
	if (!registered) /* sanitizers: nothing of it left at exit */
		registered = atexit(last_image_clear) == 0;
	last_image_clear();
	last_image.root = pm_xstrdup(s->root);
	image_copy(&img, &last_image.img);
	*ret = img;
	return 0;
}

struct ctr {
	char *dir;
	char *image;
	char *driver;
	char *mount_program; /* fuse-overlayfs: the binary chosen at create time, or NULL */
	char **layers;	     /* diff_ids bottom first */
	bool ephemeral;	     /* a --rm container's: overlay mounted volatile */
	char *idmapping;     /* fuse-overlayfs "uidmapping=..,gidmapping=..,allow_other" or NULL */
};

static void ctr_free(struct ctr *c)
{
	free(c->dir);
	free(c->image);
	free(c->driver);
	free(c->mount_program);
	free(c->idmapping);
	pm_strv_free(c->layers);
}

static bool id_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 128 || id[0] == '.')
		return false;
	for (const char *p = id; *p; p++)
		if (*p == '/')
			return false;
	return true;
}

/* The record of the root in dir (malloc'd, taken) into *ret; id for the error. */
static int ctr_read_dir(char *dir, const char *id, struct ctr *ret, pm_error **err)
{
	struct ctr c = {0};
	c.dir = dir;
	_cleanup_free_ char *p = pm_path_join(c.dir, "storage.json");
	json_t *j = NULL;
	int r = pm_json_load_file(p, 1 << 20, &j, NULL);
	if (r < 0) {
		ctr_free(&c);
		return pm_error_set(err, ENOENT,
				    "container '%s' has no root filesystem in the store", id);
	}
	const char *img = json_string_value(json_object_get(j, "image"));
	const char *drv = json_string_value(json_object_get(j, "driver"));
	c.image = pm_xstrdup(img ? img : "");
	c.driver = pm_xstrdup(drv ? drv : "overlay");
	const char *mp = json_string_value(json_object_get(j, "mount_program"));
	c.mount_program = mp ? pm_xstrdup(mp) : NULL;
	c.layers = pm_json_to_strv(json_object_get(j, "layers"));
	c.ephemeral = json_is_true(json_object_get(j, "ephemeral"));
	const char *um = json_string_value(json_object_get(j, "uidmapping"));
	const char *gm = json_string_value(json_object_get(j, "gidmapping"));
	/* allow_other: the container's ids are not the mounter's */
	if (um && gm)
		c.idmapping = pm_xasprintf("uidmapping=%s,gidmapping=%s,allow_other", um, gm);
	json_decref(j);
	*ret = c;
	return 0;
}

static int ctr_read(const struct pm_store *s, const char *id, struct ctr *ret, pm_error **err)
{
	if (!id_ok(id))
		return pm_error_set(err, EINVAL, "invalid container id '%s'", id ? id : "");
	return ctr_read_dir(pm_store_ctr_dir(s, id), id, ret, err);
}

static int apply_layers_vfs(const struct pm_store *s, char *const *layers, const char *rootfs,
			    pm_error **err)
{
	for (char *const *l = layers; l && *l; l++) {
		_cleanup_free_ char *blob = pm_layer_blob_path(s, *l);
		_cleanup_close_ int fd = open(blob, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return pm_error_set_errno(err, errno, "opening layer '%s'", *l);
		int r = pm_layer_unpack(pm_layer_read_fd, &fd, NULL, NULL, rootfs, PM_UNPACK_APPLY,
					NULL, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int pm_storage_ctr_create(const struct pm_store *s, const char *ctr_id, const char *image_id,
			  pm_error **err)
{
	return pm_storage_ctr_create_flags(s, ctr_id, image_id, 0, err);
}

int pm_storage_ctr_create_flags(const struct pm_store *s, const char *ctr_id, const char *image_id,
				unsigned flags, pm_error **err)
{
	return pm_storage_ctr_create_mapped(s, ctr_id, image_id, flags, NULL, NULL, err);
}

/* Can an ephemeral root live under the runroot? Its containers dir is there (made once) and
 * takes user xattrs (overlay's whiteouts and opaque dirs with "userxattr", fuse-overlayfs's
 * too; tmpfs has them since Linux 6.6): else the root goes under the storage root, as any. */
static bool eph_usable(const struct pm_store *s)
{
	_cleanup_free_ char *dir = pm_store_eph_path(s, "containers");
	if (!dir || pm_mkdir_p(dir, 0700, NULL) < 0)
		return false;
	if (setxattr(dir, "user.pm.ephemeral", "1", 1, 0) == 0)
		return true;
	pm_log_debug("%s takes no user xattrs (%s): ephemeral roots under the storage root", dir,
		     strerror(errno));
	return false;
}

bool pm_storage_ctr_eph_here(const struct pm_store *s, bool mapped)
{
	const char *driver = mapped ? "fuse-overlayfs" : pm_overlay_pick_driver(s);
	return strcmp(driver, "vfs") != 0 && eph_usable(s);
}

/* A mapped root needs fuse-overlayfs (its uidmapping/gidmapping shift the owners). */
static int mapped_driver(const struct pm_store *s, pm_error **err)
{
	_cleanup_free_ char *fuse = s->mount_program ? pm_xstrdup(s->mount_program)
						     : pm_find_executable("fuse-overlayfs");
	if (!fuse || access(fuse, X_OK) < 0)
		return pm_error_set(err, ENOENT,
				    "the image's files must show with shifted owners, which needs "
				    "fuse-overlayfs: install it (apt-get install fuse-overlayfs)");
	if (access("/dev/fuse", R_OK | W_OK) < 0)
		return pm_error_set_errno(err, errno,
					  "the image's files must show with shifted owners, which "
					  "needs fuse-overlayfs and /dev/fuse");
	return 0;
}

int pm_storage_ctr_create_mapped(const struct pm_store *s, const char *ctr_id, const char *image_id,
				 unsigned flags, const char *uidmapping, const char *gidmapping,
				 pm_error **err)
{
	bool ephemeral = flags & PM_STORAGE_CTR_EPHEMERAL;
	bool mapped = uidmapping && gidmapping;
	if (mapped) {
		int r = mapped_driver(s, err);
		if (r < 0)
			return r;
	}
	if (!id_ok(ctr_id))
		return pm_error_set(err, EINVAL, "invalid container id '%s'", ctr_id ? ctr_id : "");
	struct pm_image_record rec = {0};
	/* no image: an empty root (a build step on FROM scratch) */
	int r = image_id ? pm_image_resolve(s, image_id, &rec, err) : 0;
	if (r < 0)
		return r;
	const char *driver = mapped ? "fuse-overlayfs" : pm_overlay_pick_driver(s);
	_cleanup_free_ char *tmp = NULL, *sj = NULL;
	_cleanup_json_ json_t *j = NULL;
	_cleanup_free_ char *dest = pm_store_ctr_dir(s, ctr_id);
	if (pm_path_exists(dest)) {
		pm_image_record_free(&rec);
		return pm_error_set(err, EEXIST, "container '%s' already has a root filesystem",
				    ctr_id);
	}
	if (ephemeral && (flags & PM_STORAGE_CTR_RUNROOT)) {
		free(dest);
		_cleanup_free_ char *edir = pm_store_eph_path(s, "containers");
		dest = pm_path_join(edir, ctr_id);
	}
	_cleanup_close_ int lock = pm_store_lock(s, "layers", LOCK_SH, err);
	if (lock < 0) {
		r = lock;
		goto out;
	}
	r = pm_store_mkdtemp_beside(s, dest, "ctr", &tmp, err);
	if (r < 0)
		goto out;
	static const char *const sub_overlay[] = {"diff", "work", "merged"};
	static const char *const sub_vfs[] = {"rootfs"};
	bool vfs = strcmp(driver, "vfs") == 0;
	for (size_t i = 0; i < (vfs ? 1 : 3); i++) {
		_cleanup_free_ char *p = pm_path_join(tmp, vfs ? sub_vfs[i] : sub_overlay[i]);
		if (mkdir(p, 0755) < 0) {
			r = pm_error_set_errno(err, errno, "creating '%s'", p);
			goto out;
		}
	}
	if (vfs) {
		_cleanup_free_ char *rootfs = pm_path_join(tmp, "rootfs");
		r = apply_layers_vfs(s, rec.layers, rootfs, err);
		if (r < 0)
			goto out;
	}
	j = json_object();
	json_object_set_new(j, "id", json_string(ctr_id));
	json_object_set_new(j, "image", json_string(rec.id ? rec.id : ""));
	json_object_set_new(j, "driver", json_string(driver));
	if (strcmp(driver, "fuse-overlayfs") == 0 && s->mount_program)
		json_object_set_new(j, "mount_program", json_string(s->mount_program));
	json_object_set_new(j, "layers", pm_json_from_strv(rec.layers));
	if (ephemeral)
		json_object_set_new(j, "ephemeral", json_true());
	if (mapped) {
		json_object_set_new(j, "uidmapping", json_string(uidmapping));
		json_object_set_new(j, "gidmapping", json_string(gidmapping));
	}
	sj = pm_path_join(tmp, "storage.json");
	/* an ephemeral root is gone after a crash anyway: no fsync for it (issue #20) */
	r = pm_json_write_file_atomic_flags(
		sj, j, 0600, ephemeral || (flags & PM_STORAGE_CTR_NOSYNC) ? PM_WRITE_NOSYNC : 0,
		err);
	if (r < 0)
		goto out;
	if (rename(tmp, dest) < 0) {
		r = pm_error_set_errno(err, errno, "creating root filesystem of container '%s'",
				       ctr_id);
		goto out;
	}
	tmp = (free(tmp), NULL);
out:
	if (tmp)
		pm_rm_rf(tmp, NULL);
	pm_image_record_free(&rec);
	return r;
}

void pm_storage_ctr_sync_paths(const struct pm_store *s, const char *ctr_id, char ***v)
{
	if (!id_ok(ctr_id))
		return;
	char *dir = pm_store_path(s, "containers/%s", ctr_id);
	pm_strv_consume(v, pm_path_join(dir, "storage.json"));
	pm_strv_consume(v, dir);
	pm_strv_consume(v, pm_store_path(s, "containers"));
}

/* The diff dirs of layers (bottom first), top first; a layer that comes again lower down (two
 * steps that changed nothing, an image's repeated empty layer) only once, at its topmost
 * place: overlayfs refuses a lower dir twice (ELOOP), and the lower copy changes nothing the
 * upper one does not. NULL for no layers. */
static char **lower_dirs(const struct pm_store *s, char *const *layers)
{
	char **lowers = NULL;
	_cleanup_strv_ char **seen = NULL;
	for (size_t i = pm_strv_length(layers); i-- > 0;) {
		if (pm_strv_contains(seen, layers[i]))
			continue;
		pm_strv_push(&seen, layers[i]);
		pm_strv_consume(&lowers, pm_layer_diff_path(s, layers[i]));
	}
	return lowers;
}

int pm_storage_image_lowers(const struct pm_store *s, const char *ref, char **ret_id,
			    char ***ret_lowers, pm_error **err)
{
	struct pm_image_record rec = {0};
	int r = pm_image_resolve(s, ref, &rec, err);
	if (r < 0)
		return r;
	*ret_lowers = lower_dirs(s, rec.layers);
	if (ret_id)
		*ret_id = TAKE_PTR(rec.id);
	pm_image_record_free(&rec);
	return 0;
}

int pm_storage_ctr_mount(const struct pm_store *s, const char *ctr_id, char **ret_mountpoint,
			 pm_error **err)
{
	struct ctr c = {0};
	int r = ctr_read(s, ctr_id, &c, err);
	if (r < 0)
		return r;
	if (strcmp(c.driver, "vfs") == 0) {
		*ret_mountpoint = pm_path_join(c.dir, "rootfs");
		ctr_free(&c);
		return 0;
	}
	char **lowers = lower_dirs(s, c.layers);
	if (!lowers) {
		_cleanup_free_ char *empty = pm_path_join(c.dir, "empty");
		mkdir(empty, 0755);
		pm_strv_push(&lowers, empty);
	}
	_cleanup_free_ char *upper = pm_path_join(c.dir, "diff");
	_cleanup_free_ char *work = pm_path_join(c.dir, "work");
	char *merged = pm_path_join(c.dir, "merged");
	r = pm_overlay_mount(c.driver, c.mount_program, c.idmapping, lowers, upper, work, merged,
			     c.ephemeral ? PM_OVERLAY_VOLATILE : 0, err);
	if (r < 0) {
		pm_error_prefix(err, "container '%s'", ctr_id);
		free(merged);
	} else {
		*ret_mountpoint = merged;
	}
	pm_strv_free(lowers);
	ctr_free(&c);
	return r;
}

/* flags PM_STORAGE_CTR_DISCARD: pidfd as pm_overlay_discard_after */
static int ctr_unmount(const struct pm_store *s, const char *ctr_id, unsigned flags, int pidfd,
		       pm_error **err)
{
	struct ctr c = {0};
	int r = ctr_read(s, ctr_id, &c, err);
	if (r < 0)
		return r;
	if (strcmp(c.driver, "vfs") != 0) {
		_cleanup_free_ char *merged = pm_path_join(c.dir, "merged");
		unsigned of = c.ephemeral ? PM_OVERLAY_VOLATILE : 0;
		r = (flags & PM_STORAGE_CTR_DISCARD)
			    ? pm_overlay_discard_after(merged, of, pidfd, err)
			    : pm_overlay_unmount(merged, err);
	}
	ctr_free(&c);
	return r;
}

int pm_storage_ctr_unmount_flags(const struct pm_store *s, const char *ctr_id, unsigned flags,
				 pm_error **err)
{
	return ctr_unmount(s, ctr_id, flags, -1, err);
}

int pm_storage_ctr_unmount(const struct pm_store *s, const char *ctr_id, pm_error **err)
{
	return pm_storage_ctr_unmount_flags(s, ctr_id, 0, err);
}

/* The detach of pm_storage_ctr_detach and pm_storage_ctr_detach_after. */
static int detach(const struct pm_store *s, const char *ctr_id, int pidfd, char **ret_gone,
		  pm_error **err)
{
	*ret_gone = NULL;
	if (!id_ok(ctr_id))
		return pm_error_set(err, EINVAL, "invalid container id '%s'", ctr_id ? ctr_id : "");
	_cleanup_free_ char *dir = pm_store_ctr_dir(s, ctr_id);
	if (!pm_path_exists(dir))
		return 0;
	/* its record says how it was mounted; a torn or missing one: as if not volatile */
	int r = ctr_unmount(s, ctr_id, PM_STORAGE_CTR_DISCARD, pidfd, NULL);
	if (r < 0) {
		_cleanup_free_ char *merged = pm_path_join(dir, "merged");
		r = pm_overlay_discard_after(merged, 0, pidfd, err);
	}
	if (r < 0)
		return r;
	/* move aside first: a half-removed container never looks complete */
	_cleanup_free_ char *name = pm_xasprintf("ctr-rm-%s", ctr_id);
	_cleanup_free_ char *gone = pm_store_tmp_path_beside(s, dir, name);
	if (rename(dir, gone) < 0)
		return pm_error_set_errno(err, errno, "removing root filesystem of container '%s'",
					  ctr_id);
	*ret_gone = TAKE_PTR(gone);
	return 0;
}

int pm_storage_ctr_detach(const struct pm_store *s, const char *ctr_id, char **ret_gone,
			  pm_error **err)
{
	return detach(s, ctr_id, -1, ret_gone, err);
}

int pm_storage_ctr_detach_after(const struct pm_store *s, const char *ctr_id, int pidfd,
				char **ret_gone, pm_error **err)
{
	return detach(s, ctr_id, pidfd, ret_gone, err);
}

int pm_storage_ctr_move_aside(const struct pm_store *s, const char *ctr_id, char **ret_gone,
			      pm_error **err)
{
	*ret_gone = NULL;
	if (!id_ok(ctr_id))
		return pm_error_set(err, EINVAL, "invalid container id '%s'", ctr_id ? ctr_id : "");
	_cleanup_free_ char *dir = pm_store_ctr_dir(s, ctr_id);
	_cleanup_free_ char *name = pm_xasprintf("ctr-rm-%s", ctr_id);
	_cleanup_free_ char *gone = pm_store_tmp_path_beside(s, dir, name);
	/* a mount below a directory moves with it (only a mount point itself is EBUSY) */
	if (rename(dir, gone) < 0)
		return errno == ENOENT ? 0
				       : pm_error_set_errno(err, errno,
							    "removing root filesystem of "
							    "container '%s'",
							    ctr_id);
	*ret_gone = TAKE_PTR(gone);
	return 0;
}

int pm_storage_gone_detach_held(const char *gone, int *ret_fd, pm_error **err)
{
	*ret_fd = -1;
	struct ctr c = {0};
	bool vfs = false, eph = false;
	if (ctr_read_dir(pm_xstrdup(gone), "", &c, NULL) == 0) {
		vfs = strcmp(c.driver, "vfs") == 0;
		eph = c.ephemeral;
		ctr_free(&c);
	}
	if (vfs)
		return 0;
	/* a torn or missing record: as if not volatile */
	_cleanup_free_ char *merged = pm_path_join(gone, "merged");
	return pm_overlay_detach_held(merged, eph ? PM_OVERLAY_VOLATILE : 0, ret_fd, err);
}

int pm_storage_ctr_delete(const struct pm_store *s, const char *ctr_id, pm_error **err)
{
	_cleanup_free_ char *gone = NULL;
	int r = pm_storage_ctr_detach(s, ctr_id, &gone, err);
	if (r < 0 || !gone)
		return r;
	r = pm_rm_rf(gone, err);
	if (r < 0)
		return r;
	return pm_image_collect_layers(s, err) < 0 ? -EIO : 0;
}

/* ---- changes ---------------------------------------------------------------------------- */

void pm_changes_free(struct pm_change *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].path);
	free(v);
}

static bool is_whiteout(int dfd, const char *name, const struct stat *st)
{
	if (S_ISCHR(st->st_mode) && major(st->st_rdev) == 0 && minor(st->st_rdev) == 0)
		return true;
	if (S_ISREG(st->st_mode) && st->st_size == 0) {
		_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		return fd >= 0 && fgetxattr(fd, "user.overlay.whiteout", NULL, 0) >= 0;
	}
	return false;
}

/* native overlay (userxattr) marks opaque dirs user.overlay.opaque=y; fuse-overlayfs uses
 * user.fuseoverlayfs.opaque / trusted.overlay.opaque or a .wh..wh..opq file inside */
static bool is_opaque(int dfd)
{
	static const char *const names[] = {"user.overlay.opaque", "user.fuseoverlayfs.opaque",
					    "trusted.overlay.opaque"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char v[4] = {0};
		if (fgetxattr(dfd, names[i], v, sizeof(v)) > 0 && v[0] == 'y')
			return true;
	}
	return faccessat(dfd, ".wh..wh..opq", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool in_lowers(char *const *lowers, const char *rel)
{
	for (char *const *l = lowers; l && *l; l++) {
		_cleanup_free_ char *p = pm_path_join(*l, rel);
		struct stat st;
		if (lstat(p, &st) == 0)
			return !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	}
	return false;
}

struct walk {
	char *const *lowers; /* diff: lower dirs top first */
	struct pm_change *changes;
	size_t n, cap;
	struct archive *out; /* commit/export */
	bool whiteouts;	     /* commit: convert overlay whiteouts to .wh. entries */
	int64_t mtime;	     /* commit: every entry's times are this (seconds), -1: their own */
	pm_error **err;
	/* commit/export: the files with more than one name written so far, so that their
	 * other names go out as hard links to the first (as podman's tar does) */
	struct walk_link {
		dev_t dev;
		ino_t ino;
		char *rel;
	} * links;
	size_t nlinks;
};

static void walk_links_free(struct walk *w)
{
	for (size_t i = 0; i < w->nlinks; i++)
		free(w->links[i].rel);
	free(w->links);
	w->links = NULL;
	w->nlinks = 0;
}

/* The name an earlier entry gave st's inode, or NULL (then rel is remembered as its name) */
static const char *walk_link_seen(struct walk *w, const struct stat *st, const char *rel)
{
	for (size_t i = 0; i < w->nlinks; i++)
		if (w->links[i].dev == st->st_dev && w->links[i].ino == st->st_ino)
			return w->links[i].rel;
	w->links = pm_xrealloc(w->links, (w->nlinks + 1) * sizeof(*w->links));
	w->links[w->nlinks++] = (struct walk_link){st->st_dev, st->st_ino, pm_xstrdup(rel)};
	return NULL;
}

static void add_change(struct walk *w, char kind, const char *rel)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->changes = pm_xrealloc(w->changes, w->cap * sizeof(*w->changes));
	}
	w->changes[w->n++] = (struct pm_change){kind, pm_xasprintf("/%s", rel)};
}

static int tar_entry(struct walk *w, int dfd, const char *name, const char *rel,
		     const struct stat *st)
{
	struct archive_entry *e = sym_archive_entry_new();
	struct stat clamped;
	if (w->mtime >= 0) {
		/* build --timestamp: the same bytes whenever the same tree is committed */
		clamped = *st;
		clamped.st_mtim = (struct timespec){.tv_sec = (time_t)w->mtime};
		clamped.st_atim = clamped.st_mtim;
		clamped.st_ctim = clamped.st_mtim;
		st = &clamped;
	}
	sym_archive_entry_copy_stat(e, st);
	sym_archive_entry_set_pathname(e, rel);
	int r = 0;
	const char *link = NULL;
	_cleanup_close_ int fd = -1;
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n < 0) {
			r = pm_error_set_errno(w->err, errno, "reading link '/%s'", rel);
			goto out;
		}
		target[n] = 0;
		sym_archive_entry_set_symlink(e, target);
	} else if (S_ISREG(st->st_mode) && st->st_nlink > 1 &&
		   (link = walk_link_seen(w, st, rel))) {
		sym_archive_entry_set_hardlink(e, link);
		sym_archive_entry_set_size(e, 0);
	} else if (S_ISREG(st->st_mode)) {
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			r = pm_error_set_errno(w->err, errno, "opening '/%s'", rel);
			goto out;
		}
	} else if (!S_ISDIR(st->st_mode) && !S_ISFIFO(st->st_mode)) {
		goto out; /* devices and sockets are not part of an image */
	}
	if (sym_archive_write_header(w->out, e) != ARCHIVE_OK) {
		r = pm_error_set(w->err, EIO, "writing tar entry '/%s': %s", rel,
				 sym_archive_error_string(w->out));
		goto out;
	}
	if (fd >= 0) {
		char buf[1 << 16];
		for (;;) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				r = pm_error_set_errno(w->err, errno, "reading '/%s'", rel);
				goto out;
			}
			if (n == 0)
				break;
			if (sym_archive_write_data(w->out, buf, (size_t)n) != n) {
				r = pm_error_set(w->err, EIO, "writing tar entry '/%s': %s", rel,
						 sym_archive_error_string(w->out));
				goto out;
			}
		}
	}
out:
	sym_archive_entry_free(e);
	return r;
}

static int tar_marker(struct walk *w, const char *rel)
{
	struct archive_entry *e = sym_archive_entry_new();
	sym_archive_entry_set_pathname(e, rel);
	sym_archive_entry_set_filetype(e, AE_IFREG);
	sym_archive_entry_set_perm(e, 0644);
	sym_archive_entry_set_size(e, 0);
	int r = sym_archive_write_header(w->out, e) == ARCHIVE_OK
			? 0
			: pm_error_set(w->err, EIO, "writing tar entry '%s'", rel);
	sym_archive_entry_free(e);
	return r;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(struct walk *w, int dfd, const char *prefix)
{
	_cleanup_close_ int dup = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	if (dup < 0)
		return pm_error_set_errno(w->err, errno, "reading '/%s'", prefix);
	_cleanup_closedir_ DIR *d = fdopendir(dup);
	if (!d)
		return pm_error_set_errno(w->err, errno, "reading '/%s'", prefix);
	TAKE_FD(dup);
	_cleanup_strv_ char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			pm_strv_push(&names, de->d_name);
	size_t n = pm_strv_length(names);
	if (n)
		qsort(names, n, sizeof(char *), cmp_name);
	if (w->out && w->whiteouts && *prefix && is_opaque(dfd)) {
		_cleanup_free_ char *m = pm_xasprintf("%s/.wh..wh..opq", prefix);
		int r = tar_marker(w, m);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		_cleanup_free_ char *rel =
			*prefix ? pm_xasprintf("%s/%s", prefix, name) : pm_xstrdup(name);
		struct stat st;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return pm_error_set_errno(w->err, errno, "reading '/%s'", rel);
		int r = 0;
		/* fuse-overlayfs bookkeeping in an upper dir: .wh..wh..opq (read by is_opaque),
		 * .wh.NAME when it could not mknod a whiteout */
		if (w->whiteouts && strncmp(name, ".wh.", 4) == 0) {
			if (strncmp(name, ".wh..", 5) == 0 || !S_ISREG(st.st_mode))
				continue;
			_cleanup_free_ char *gone =
				*prefix ? pm_xasprintf("%s/%s", prefix, name + 4)
					: pm_xstrdup(name + 4);
			if (w->out)
				r = tar_marker(w, rel);
			else
				add_change(w, 'D', gone);
			if (r < 0)
				return r;
			continue;
		}
		if (w->whiteouts && is_whiteout(dfd, name, &st)) {
			if (w->out) {
				_cleanup_free_ char *m =
					*prefix ? pm_xasprintf("%s/.wh.%s", prefix, name)
						: pm_xasprintf(".wh.%s", name);
				r = tar_marker(w, m);
			} else {
				add_change(w, 'D', rel);
			}
			if (r < 0)
				return r;
			continue;
		}
		if (w->out)
			r = tar_entry(w, dfd, name, rel, &st);
		else
			add_change(w, in_lowers(w->lowers, rel) ? 'C' : 'A', rel);
		if (r < 0)
			return r;
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub =
				openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				return pm_error_set_errno(w->err, errno, "reading '/%s'", rel);
			r = walk_dir(w, sub, rel);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct pm_change *)a)->path, ((const struct pm_change *)b)->path);
}

/* ---- vfs: the container's rootfs compared with the image's layers ------------------------ */

/* pm_storage_lowers_find: see container.h */
bool pm_storage_lowers_find(char *const *lowers, const char *rel, struct stat *st, char **ret_path)
{
	for (char *const *l = lowers; l && *l; l++) {
		_cleanup_free_ char *p = pm_path_join(*l, rel);
		struct stat lst;
		if (lstat(p, &lst) == 0) {
			_cleanup_free_ char *dir = pm_xstrdup(p);
			char *slash = strrchr(dir, '/');
			*slash = 0;
			_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd < 0 || is_whiteout(dfd, slash + 1, &lst))
				return false;
			*st = lst;
			if (ret_path)
				*ret_path = TAKE_PTR(p);
			return true;
		}
		/* hidden below this layer: an ancestor here is a whiteout, a file or opaque */
		_cleanup_free_ char *a = pm_xstrdup(rel);
		for (char *slash; (slash = strrchr(a, '/'));) {
			*slash = 0;
			_cleanup_free_ char *ap = pm_path_join(*l, a);
			struct stat ast;
			if (lstat(ap, &ast) < 0)
				continue;
			if (!S_ISDIR(ast.st_mode))
				return false;
			_cleanup_close_ int afd = open(ap, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (afd >= 0 && is_opaque(afd))
				return false;
		}
	}
	return false;
}

static bool same_entry(const struct stat *a, const char *pa, const struct stat *b, const char *pb)
{
	if ((a->st_mode & S_IFMT) != (b->st_mode & S_IFMT) || a->st_mode != b->st_mode ||
	    a->st_uid != b->st_uid || a->st_gid != b->st_gid)
		return false;
	if (S_ISDIR(a->st_mode))
		return true; /* a directory changes when something inside it does */
	if (S_ISLNK(a->st_mode)) {
		char ta[4096], tb[4096];
		ssize_t na = readlink(pa, ta, sizeof(ta)), nb = readlink(pb, tb, sizeof(tb));
		return na >= 0 && na == nb && memcmp(ta, tb, (size_t)na) == 0;
	}
	return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Walks rootfs/rel; returns 1 when something at or below changed, 0 if not, <0 on error. */
static int vfs_walk(struct walk *w, const char *rootfs, const char *rel)
{
	_cleanup_free_ char *dir = *rel ? pm_path_join(rootfs, rel) : pm_xstrdup(rootfs);
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return pm_error_set_errno(w->err, errno, "reading '/%s'", rel);
	_cleanup_strv_ char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			pm_strv_push(&names, de->d_name);
	int changed = 0;
	for (char **n = names; n && *n; n++) {
		_cleanup_free_ char *r = *rel ? pm_xasprintf("%s/%s", rel, *n) : pm_xstrdup(*n);
		_cleanup_free_ char *p = pm_path_join(rootfs, r);
		_cleanup_free_ char *lp = NULL;
		struct stat st, lst;
		if (lstat(p, &st) < 0)
			return pm_error_set_errno(w->err, errno, "reading '/%s'", r);
		bool in_lower = pm_storage_lowers_find(w->lowers, r, &lst, &lp);
		bool same = in_lower && same_entry(&st, p, &lst, lp);
		int sub = 0;
		if (S_ISDIR(st.st_mode)) {
			sub = vfs_walk(w, rootfs, r);
			if (sub < 0)
				return sub;
		}
		if (!in_lower || !same || sub) {
			add_change(w, in_lower ? 'C' : 'A', r);
			changed = 1;
		}
	}
	/* deletions: names visible in the lowers that the rootfs no longer has */
	_cleanup_strv_ char **seen = NULL;
	for (char *const *l = w->lowers; l && *l; l++) {
		_cleanup_free_ char *ld = *rel ? pm_path_join(*l, rel) : pm_xstrdup(*l);
		_cleanup_closedir_ DIR *ldir = opendir(ld);
		while (ldir && (de = readdir(ldir))) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    pm_strv_contains(names, de->d_name) ||
			    pm_strv_contains(seen, de->d_name))
				continue;
			pm_strv_push(&seen, de->d_name);
			_cleanup_free_ char *r = *rel ? pm_xasprintf("%s/%s", rel, de->d_name)
						      : pm_xstrdup(de->d_name);
			struct stat lst;
			if (pm_storage_lowers_find(w->lowers, r, &lst, NULL)) {
				add_change(w, 'D', r);
				changed = 1;
			}
		}
	}
	return changed;
}

static int vfs_changes(const struct pm_store *s, const struct ctr *c, struct walk *w)
{
	char **lowers = NULL;
	for (size_t i = pm_strv_length(c->layers); i-- > 0;)
		pm_strv_consume(&lowers, pm_layer_diff_path(s, c->layers[i]));
	_cleanup_free_ char *rootfs = pm_path_join(c->dir, "rootfs");
	w->lowers = lowers;
	int r = vfs_walk(w, rootfs, "");
	w->lowers = NULL;
	pm_strv_free(lowers);
	if (r < 0)
		return r;
	if (w->n)
		qsort(w->changes, w->n, sizeof(*w->changes), cmp_change);
	return 0;
}

/* A layer tar of the changes (sorted: a directory comes before what is inside it). */
static int vfs_write_layer(const struct pm_store *s, const struct ctr *c, int fd, int64_t mtime,
			   pm_error **err)
{
	struct walk w = {.err = err, .mtime = mtime};
	int r = vfs_changes(s, c, &w);
	if (r < 0)
		return r;
	int dl = pm_dl_archive(err);
	if (dl < 0) {
		pm_changes_free(w.changes, w.n);
		return dl;
	}
	_cleanup_free_ char *rootfs = pm_path_join(c->dir, "rootfs");
	_cleanup_close_ int rfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	w.out = sym_archive_write_new();
	sym_archive_write_set_format_pax_restricted(w.out);
	if (rfd < 0)
		r = pm_error_set_errno(err, errno, "opening '%s'", rootfs);
	else if (sym_archive_write_open_fd(w.out, fd) != ARCHIVE_OK)
		r = pm_error_set(err, EIO, "writing tar: %s", sym_archive_error_string(w.out));
	for (size_t i = 0; r >= 0 && i < w.n; i++) {
		const char *rel = w.changes[i].path + 1;
		if (w.changes[i].kind == 'D') {
			const char *slash = strrchr(rel, '/');
			_cleanup_free_ char *m =
				slash ? pm_xasprintf("%.*s/.wh.%s", (int)(slash - rel), rel,
						     slash + 1)
				      : pm_xasprintf(".wh.%s", rel);
			r = tar_marker(&w, m);
			continue;
		}
		struct stat st;
		if (fstatat(rfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
			r = pm_error_set_errno(err, errno, "reading '/%s'", rel);
		else
			r = tar_entry(&w, rfd, rel, rel, &st);
	}
	if (sym_archive_write_close(w.out) != ARCHIVE_OK && r >= 0)
		r = pm_error_set(err, EIO, "writing tar: %s", sym_archive_error_string(w.out));
	sym_archive_write_free(w.out);
	pm_changes_free(w.changes, w.n);
	walk_links_free(&w);
	return r;
}

/* The changes in directory UPPER over LAYERS[0..N) (bottom first), sorted by path. */
static int changes_over(const struct pm_store *s, const char *upper, char *const *layers, size_t n,
			struct pm_change **ret, size_t *ret_n, pm_error **err)
{
	char **lowers = NULL; /* top first */
	for (size_t i = n; i-- > 0;)
		pm_strv_consume(&lowers, pm_layer_diff_path(s, layers[i]));
	_cleanup_close_ int fd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct walk w = {.lowers = lowers, .whiteouts = true, .err = err};
	int r = fd < 0 ? pm_error_set_errno(err, errno, "opening '%s'", upper)
		       : walk_dir(&w, fd, "");
	pm_strv_free(lowers);
	if (r < 0) {
		pm_changes_free(w.changes, w.n);
		return r;
	}
	if (w.n)
		qsort(w.changes, w.n, sizeof(*w.changes), cmp_change);
	*ret = w.changes;
	*ret_n = w.n;
	return 0;
}

int pm_storage_ctr_diff(const struct pm_store *s, const char *ctr_id, struct pm_change **ret,
			size_t *ret_n, pm_error **err)
{
	struct ctr c = {0};
	int r = ctr_read(s, ctr_id, &c, err);
	if (r < 0)
		return r;
	if (strcmp(c.driver, "vfs") == 0) {
		struct walk vw = {.err = err};
		r = vfs_changes(s, &c, &vw);
		ctr_free(&c);
		if (r < 0) {
			pm_changes_free(vw.changes, vw.n);
			return pm_error_prefix(err, "container '%s'", ctr_id), r;
		}
		*ret = vw.changes;
		*ret_n = vw.n;
		return 0;
	}
	_cleanup_free_ char *upper = pm_path_join(c.dir, "diff");
	r = changes_over(s, upper, c.layers, pm_strv_length(c.layers), ret, ret_n, err);
	ctr_free(&c);
	return r;
}

int pm_storage_image_diff(const struct pm_store *s, char *const *layers, size_t n_layers,
			  struct pm_change **ret, size_t *ret_n, pm_error **err)
{
	*ret = NULL;
	*ret_n = 0;
	if (!n_layers)
		return 0;
	_cleanup_free_ char *top = pm_layer_diff_path(s, layers[n_layers - 1]);
	return changes_over(s, top, layers, n_layers - 1, ret, ret_n, err);
}

static int write_tree_at(const char *dir, int fd, bool whiteouts, int64_t mtime, pm_error **err)
{
	int dl = pm_dl_archive(err);
	if (dl < 0)
		return dl;
	struct archive *a = sym_archive_write_new();
	sym_archive_write_set_format_pax_restricted(a);
	if (sym_archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		int r = pm_error_set(err, EIO, "writing tar: %s", sym_archive_error_string(a));
		sym_archive_write_free(a);
		return r;
	}
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct walk w = {.out = a, .whiteouts = whiteouts, .mtime = mtime, .err = err};
	int r = dfd < 0 ? pm_error_set_errno(err, errno, "opening '%s'", dir)
			: walk_dir(&w, dfd, "");
	if (sym_archive_write_close(a) != ARCHIVE_OK && r >= 0)
		r = pm_error_set(err, EIO, "writing tar: %s", sym_archive_error_string(a));
	sym_archive_write_free(a);
	walk_links_free(&w);
	return r;
}

static int write_tree(const char *dir, int fd, bool whiteouts, pm_error **err)
{
	return write_tree_at(dir, fd, whiteouts, -1, err);
}

int pm_storage_ctr_mounted(const struct pm_store *s, const char *ctr_id, char **ret_mountpoint)
{
	if (!id_ok(ctr_id))
		return 0;
	_cleanup_free_ char *dir = pm_store_ctr_dir(s, ctr_id);
	_cleanup_free_ char *merged = pm_path_join(dir, "merged");
	if (!pm_overlay_is_mounted(merged))
		return 0;
	if (ret_mountpoint)
		*ret_mountpoint = TAKE_PTR(merged);
	return 1;
}

int pm_storage_ctr_export(const struct pm_store *s, const char *ctr_id, int fd, pm_error **err)
{
	struct ctr c = {0};
	int r = ctr_read(s, ctr_id, &c, err);
	if (r < 0)
		return r;
	bool vfs = strcmp(c.driver, "vfs") == 0;
	_cleanup_free_ char *root = pm_path_join(c.dir, vfs ? "rootfs" : "merged");
	if (!vfs && !pm_overlay_is_mounted(root))
		r = pm_error_set(err, EINVAL, "container '%s' is not mounted", ctr_id);
	else
		r = write_tree(root, fd, false, err);
	ctr_free(&c);
	return r;
}

int pm_storage_ctr_commit(const struct pm_store *s, const char *ctr_id, const char *name,
			  char *const *changes, const char *message, const char *author,
			  char **ret_id, pm_error **err)
{
	return pm_storage_ctr_commit_flags(s, ctr_id, name, changes, message, author, 0, ret_id,
					   err);
}

/* --squash: the container's whole tree (image and changes) as one layer, the container
 * mounted for it when it is not already. */
static int write_squashed(const struct pm_store *s, const struct ctr *c, const char *ctr_id, int fd,
			  pm_error **err)
{
	if (!strcmp(c->driver, "vfs")) {
		_cleanup_free_ char *root = pm_path_join(c->dir, "rootfs");
		return write_tree(root, fd, false, err);
	}
	_cleanup_free_ char *root = NULL;
	bool was = pm_storage_ctr_mounted(s, ctr_id, NULL) > 0;
	int r = pm_storage_ctr_mount(s, ctr_id, &root, err);
	if (r < 0)
		return r;
	r = write_tree(root, fd, false, err);
	if (!was)
		pm_storage_ctr_unmount(s, ctr_id, NULL);
	return r;
}

int pm_storage_ctr_commit_flags(const struct pm_store *s, const char *ctr_id, const char *name,
				char *const *changes, const char *message, const char *author,
				unsigned flags, char **ret_id, pm_error **err)
{
	bool squash = flags & PM_STORAGE_COMMIT_SQUASH;
	struct ctr c = {0};
	int r = ctr_read(s, ctr_id, &c, err);
	if (r < 0)
		return r;
	struct pm_image_record base = {0};
	struct pm_image_config cfg = {0};
	struct pm_layer_info li = {0};
	struct pm_manifest m = {0};
	_cleanup_free_ char *tmp = NULL, *config = NULL, *manifest = NULL, *tarp = NULL;
	_cleanup_close_ int lock = -1;
	char *names[2] = {(char *)name, NULL};
	r = pm_image_resolve(s, c.image, &base, err);
	if (r < 0)
		goto out;
	r = pm_image_read_config(s, &base, &cfg, NULL, err);
	if (r < 0)
		goto out;
	for (char *const *ch = changes; ch && *ch; ch++) {
		r = pm_runconfig_apply_change(&cfg.config, *ch, err);
		if (r < 0)
			goto out;
	}
	r = pm_store_mkdtemp(s, "commit", &tmp, err);
	if (r < 0)
		goto out;
	tarp = pm_path_join(tmp, "layer.tar");
	{
		_cleanup_close_ int fd = open(tarp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		_cleanup_free_ char *upper = pm_path_join(c.dir, "diff");
		if (fd < 0) {
			r = pm_error_set_errno(err, errno, "creating '%s'", tarp);
			goto out;
		}
		r = squash			   ? write_squashed(s, &c, ctr_id, fd, err)
		    : strcmp(c.driver, "vfs") == 0 ? vfs_write_layer(s, &c, fd, -1, err)
						   : write_tree(upper, fd, true, err);
		if (r < 0)
			goto out;
		lseek(fd, 0, SEEK_SET);
		lock = pm_store_lock(s, "layers", LOCK_SH, err);
		if (lock < 0) {
			r = lock;
			goto out;
		}
		r = pm_layer_ingest(s, pm_layer_read_fd, &fd, NULL, NULL, &li, err);
		if (r < 0)
			goto out;
	}
	pm_crash_point("mid-commit");
	free(cfg.created);
	cfg.created = pm_image_now_rfc3339();
	if (author) {
		free(cfg.author);
		cfg.author = pm_xstrdup(author);
	}
	if (squash) { /* one layer, one history entry: the image's go with it */
		for (size_t i = 0; i < cfg.n_diff_ids; i++)
			free(cfg.diff_ids[i]);
		cfg.n_diff_ids = 0;
		for (size_t i = 0; i < cfg.n_history; i++) {
			free(cfg.history[i].created);
			free(cfg.history[i].created_by);
			free(cfg.history[i].author);
			free(cfg.history[i].comment);
		}
		cfg.n_history = 0;
	}
	cfg.diff_ids = pm_xrealloc(cfg.diff_ids, (cfg.n_diff_ids + 2) * sizeof(char *));
	cfg.diff_ids[cfg.n_diff_ids++] = pm_xstrdup(li.diff_id);
	cfg.diff_ids[cfg.n_diff_ids] = NULL;
	cfg.history = pm_xrealloc(cfg.history, (cfg.n_history + 1) * sizeof(*cfg.history));
	cfg.history[cfg.n_history++] = (struct pm_history){
		.created = pm_xstrdup(cfg.created),
		.created_by = pm_xstrdup(""),
		.author = author ? pm_xstrdup(author) : NULL,
		.comment = message ? pm_xstrdup(message) : NULL,
	};
	config = pm_image_config_to_json(&cfg);
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digest_buffer(config, strlen(config), hex);
	m.media_type = pm_xstrdup(PM_MT_OCI_MANIFEST);
	m.config.media_type = pm_xstrdup(PM_MT_OCI_CONFIG);
	m.config.digest = pm_xasprintf("sha256:%s", hex);
	m.config.size = (int64_t)strlen(config);
	m.layers = pm_xcalloc(cfg.n_diff_ids + 1, sizeof(*m.layers));
	for (size_t i = 0; i < cfg.n_diff_ids; i++) {
		struct pm_layer_info l = {0};
		r = pm_layer_get(s, cfg.diff_ids[i], &l, err);
		if (r < 0)
			goto out;
		/* field by field: cppcheck 2.10 cannot parse TAKE_PTR in a compound literal */
		m.layers[i].media_type = TAKE_PTR(l.media_type);
		m.layers[i].digest = TAKE_PTR(l.digest);
		m.layers[i].size = (int64_t)l.blob_size;
		m.n_layers++;
		pm_layer_info_free(&l);
	}
	manifest = pm_manifest_to_json(&m);
	r = pm_image_create(s, config, strlen(config), manifest, strlen(manifest),
			    name ? names : NULL, ret_id, err);
out:
	if (tmp)
		pm_rm_rf(tmp, NULL);
	pm_manifest_free(&m);
	pm_layer_info_free(&li);
	pm_image_config_free(&cfg);
	pm_image_record_free(&base);
	ctr_free(&c);
	return r;
}

/* Open the directory of comps[0..n) under rootfd without following a symlink: the fd, or -1
 * (missing, not a directory, a symlink on the way). */
static int open_dir_nofollow(int rootfd, char *const *comps, size_t n)
{
	int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	for (size_t i = 0; fd >= 0 && i < n; i++) {
		int next = openat(fd, comps[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

/* Is comps[0..n) in some layer of c, or is that unclear (a symlink or file on the way)? */
static bool in_image(const struct pm_store *s, const struct ctr *c, char *const *comps, size_t n)
{
	for (char **l = c->layers; l && *l; l++) {
		_cleanup_free_ char *diff = pm_layer_diff_path(s, *l);
		int cur = open(diff, O_PATH | O_DIRECTORY | O_CLOEXEC);
		for (size_t i = 0; cur >= 0 && i < n; i++) {
			struct stat st;
			if (fstatat(cur, comps[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
				break; /* not in this layer */
			if (i + 1 == n || !S_ISDIR(st.st_mode)) {
				close(cur);
				return true;
			}
			int next = openat(cur, comps[i],
					  O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			close(cur);
			cur = next;
		}
		if (cur >= 0)
			close(cur);
	}
	return false;
}

void pm_storage_ctr_drop_stub(const struct pm_store *s, const char *ctr_id, const char *path)
{
	struct ctr c = {0};
	if (ctr_read(s, ctr_id, &c, NULL) < 0)
		return;
	_cleanup_strv_ char **parts = pm_strv_split(path, "/");
	char **comps = NULL;
	size_t n = 0;
	bool ok = true;
	for (char **p = parts; p && *p; p++) {
		if (!**p || !strcmp(*p, "."))
			continue;
		ok = ok && strcmp(*p, "..") != 0;
		comps = pm_xrealloc(comps, (n + 1) * sizeof(*comps));
		comps[n++] = *p;
	}
	_cleanup_free_ char *top = pm_path_join(c.dir, strcmp(c.driver, "vfs") ? "diff" : "rootfs");
	_cleanup_close_ int rootfd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (; ok && rootfd >= 0 && n > 0 && !in_image(s, &c, comps, n); n--) {
		_cleanup_close_ int dir = open_dir_nofollow(rootfd, comps, n - 1);
		struct stat st;
		if (dir < 0 || fstatat(dir, comps[n - 1], &st, AT_SYMLINK_NOFOLLOW) < 0)
			break;
		_cleanup_close_ int wdir = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (wdir < 0)
			break;
		/* a directory goes only when empty (rmdir fails otherwise) */
		bool stub = S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size == 0);
		if (!stub ||
		    unlinkat(wdir, comps[n - 1], S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
			break;
	}
	free(comps);
	ctr_free(&c);
}

int pm_storage_ctr_commit_layer(const struct pm_store *s, const char *ctr_id,
				struct pm_layer_info *ret, pm_error **err)
{
	return pm_storage_ctr_commit_layer_at(s, ctr_id, -1, ret, err);
}

int pm_storage_ctr_commit_layer_at(const struct pm_store *s, const char *ctr_id, int64_t mtime,
				   struct pm_layer_info *ret, pm_error **err)
{
	struct ctr c = {0};
	int r = ctr_read(s, ctr_id, &c, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *tmp = NULL, *tarp = NULL;
	_cleanup_free_ char *upper = pm_path_join(c.dir, "diff");
	_cleanup_close_ int fd = -1;
	r = pm_store_mkdtemp(s, "commit", &tmp, err);
	if (r < 0)
		goto out;
	tarp = pm_path_join(tmp, "layer.tar");
	fd = open(tarp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = pm_error_set_errno(err, errno, "creating '%s'", tarp);
		goto out;
	}
	r = strcmp(c.driver, "vfs") == 0 ? vfs_write_layer(s, &c, fd, mtime, err)
					 : write_tree_at(upper, fd, true, mtime, err);
	if (r < 0)
		goto out;
	lseek(fd, 0, SEEK_SET);
	r = pm_layer_ingest(s, pm_layer_read_fd, &fd, NULL, NULL, ret, err);
out:
	if (tmp)
		pm_rm_rf(tmp, NULL);
	ctr_free(&c);
	return r;
}
