/* cmd-image-mount.c: `pm image mount [-a] [--format json] [IMAGE...]` and `pm image
 * unmount|umount [-a] [-f] [IMAGE...]` (podman 4.3): an image's layers mounted read-only
 * (a native overlay, no upper) at <root>/image-mounts/<id>/merged in the rootless mount
 * namespace, with podman's mount counter (<id>/count: each mount adds one, each unmount
 * takes one, the last one unmounts; --force: at once). Rootless, `image mount` must run
 * inside `pm unshare` (podman's refusal otherwise); `image unmount` joins the namespace
 * itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "rootless/userns.h"
#include "storage/container.h"
#include "storage/image.h"
#include "storage/overlay.h"
#include "storage/store.h"

static const char mount_usage[] =
	"Mount an image's root filesystem\n"
	"\n"
	"Description:\n"
	"  pm image mount\n"
	"    Lists all mounted images mount points if no images is specified\n"
	"\n"
	"  pm image mount IMAGE-NAME-OR-ID\n"
	"    Mounts the specified image and prints the mountpoint\n"
	"\n"
	"\n"
	"Usage:\n"
	"  pm image mount [options] [IMAGE...]\n"
	"\n"
	"Examples:\n"
	"  pm image mount imgID\n"
	"  pm image mount imgID1 imgID2 imgID3\n"
	"  pm image mount\n"
	"  pm image mount --all\n"
	"\n"
	"Options:\n"
	"  -a, --all             Mount all images\n"
	"      --format string   Print the mounted images in specified format (json)\n";

static const char unmount_usage[] =
	"Unmount an image's root filesystem\n"
	"\n"
	"Usage:\n"
	"  pm image unmount [options] IMAGE [IMAGE...]\n"
	"\n"
	"Aliases:\n"
	"  unmount, umount\n"
	"\n"
	"Options:\n"
	"  -a, --all     Unmount all of the currently mounted images\n"
	"  -f, --force   Force the complete unmount of the specified mounted images\n";

static char *img_dir(const struct pm_store *s, const char *id)
{
	return pm_xasprintf("%s/image-mounts/%s", s->root, id);
}

static int count_get(const char *dir)
{
	_cleanup_free_ char *p = pm_path_join(dir, "count"), *t = NULL;
	if (pm_read_file(p, 64, &t, NULL, NULL) < 0)
		return 0;
	return atoi(t);
}

static int count_set(const char *dir, int n, pm_error **err)
{
	_cleanup_free_ char *p = pm_path_join(dir, "count");
	_cleanup_free_ char *t = pm_xasprintf("%d\n", n);
	return pm_write_file_atomic(p, t, strlen(t), 0600, err);
}

/* The mountpoint of image id when it is mounted here (malloc'd), else NULL. */
static char *mounted_at(const struct pm_store *s, const char *id)
{
	_cleanup_free_ char *dir = img_dir(s, id);
	char *m = pm_path_join(dir, "merged");
	if (pm_overlay_is_mounted(m))
		return m;
	free(m);
	return NULL;
}

static int mount_image(const struct pm_store *s, const char *ref, char **ret, pm_error **err)
{
	_cleanup_free_ char *id = NULL;
	_cleanup_strv_ char **lowers = NULL;
	int r = pm_storage_image_lowers(s, ref, &id, &lowers, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = img_dir(s, id);
	_cleanup_free_ char *merged = pm_path_join(dir, "merged");
	if (!pm_overlay_is_mounted(merged)) {
		/* overlay wants two lower dirs at least when there is no upper */
		for (int i = 0; pm_strv_length(lowers) < 2; i++) {
			char *empty = pm_xasprintf("%s/empty%d", dir, i);
			pm_strv_consume(&lowers, empty);
			if ((r = pm_mkdir_p(empty, 0755, err)) < 0)
				return r;
		}
		if ((r = pm_mkdir_p(merged, 0755, err)) < 0)
			return r;
		_cleanup_free_ char *l = pm_strv_join(lowers, ":");
		_cleanup_free_ char *opts = pm_xasprintf("lowerdir=%s,userxattr", l);
		if (mount("overlay", merged, "overlay", MS_RDONLY, opts) < 0)
			return pm_error_set_errno(err, errno, "mounting image %s on '%s'", id,
						  merged);
		r = count_set(dir, 0, NULL);
	}
	if ((r = count_set(dir, count_get(dir) + 1, err)) < 0)
		return r;
	*ret = TAKE_PTR(merged);
	return 0;
}

int pm_cli_image_unmount_gone(const struct pm_store *s, const char *id, pm_error **err)
{
	_cleanup_free_ char *dir = img_dir(s, id);
	_cleanup_free_ char *mp = mounted_at(s, id);
	if (mp && umount2(mp, MNT_DETACH) < 0)
		return pm_error_set_errno(err, errno, "unmounting image %s", id);
	return access(dir, F_OK) == 0 ? pm_rm_rf(dir, err) : 0;
}

static int refused(const struct pm_cli *cli)
{
	return pm_cli_errorf("cannot run command \"%s\" in rootless mode, must execute `pm "
			     "unshare` first",
			     cli->cmdpath);
}

int cmd_image_mount(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false;
	const char *format = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a", opts, mount_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a')
			all = true;
		if (c == 'F')
			format = optarg;
	}
	if (format && strcmp(format, "json"))
		return pm_cli_errorf("unknown --format argument: %s", format);
	if (pm_rootless_is_rootless() && !pm_rootless_in_userns())
		return refused(cli);
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	int status = 0;
	if (optind < argc && !all) {
		for (int i = optind; i < argc; i++) {
			_cleanup_error_ pm_error *e = NULL;
			_cleanup_free_ char *mp = NULL;
			if (mount_image(s, argv[i], &mp, &e) < 0) {
				status = pm_cli_error(e);
				continue;
			}
			printf("%s\n", mp);
		}
		return status;
	}
	struct pm_image_record *v = NULL;
	size_t n = 0;
	if (pm_image_list(s, &v, &n, &err) < 0)
		return pm_cli_error(err);
	bool json = format != NULL, first = true;
	if (json)
		printf("[");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *mp = NULL;
		if (all) {
			_cleanup_error_ pm_error *e = NULL;
			if (mount_image(s, v[i].id, &mp, &e) < 0) {
				status = pm_cli_error(e);
				continue;
			}
		} else if (!(mp = mounted_at(s, v[i].id))) {
			continue;
		}
		if (json) {
			printf("%s\n {\n  \"id\": \"%s\",\n  \"Repositories\": [", first ? "" : ",",
			       v[i].id);
			for (char **nm = v[i].names; nm && *nm; nm++)
				printf("%s\n   \"%s\"", nm == v[i].names ? "" : ",", *nm);
			printf("%s],\n  \"mountpoint\": \"%s\"\n }", v[i].names ? "\n  " : "", mp);
			first = false;
		} else if (all) {
			printf("%s\n", mp);
		} else {
			printf("%s  %s\n", v[i].names ? v[i].names[0] : v[i].id, mp);
		}
	}
	if (json)
		printf("%s]\n", first ? "" : "\n");
	pm_image_records_free(v, n);
	return status;
}

int cmd_image_unmount(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, force = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "af", opts, unmount_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a')
			all = true;
		if (c == 'f')
			force = true;
	}
	if (!all && optind >= argc)
		return pm_cli_errorf("image name or ID must be specified");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	_cleanup_strv_ char **ids = NULL;
	int status = 0;
	if (all) { /* podman's --all: one count off each mounted one */
		if (pm_cli_image_all_ids(s, &ids, &err) < 0)
			return pm_cli_error(err);
	} else {
		for (int i = optind; i < argc; i++) {
			struct pm_image_record rec = {0};
			_cleanup_error_ pm_error *e = NULL;
			if (pm_image_resolve(s, argv[i], &rec, &e) < 0) {
				status = pm_cli_error(e);
				continue;
			}
			pm_strv_push(&ids, rec.id);
			pm_image_record_free(&rec);
		}
	}
	for (char **id = ids; id && *id; id++) {
		_cleanup_free_ char *mp = mounted_at(s, *id);
		if (!mp)
			continue; /* not mounted here: podman says nothing */
		_cleanup_free_ char *dir = img_dir(s, *id);
		int left = force ? 0 : count_get(dir) - 1;
		_cleanup_error_ pm_error *e = NULL;
		if (left <= 0) {
			if (umount2(mp, MNT_DETACH) < 0) {
				status = pm_cli_errorf("unmounting image %s: %s", *id,
						       strerror(errno));
				continue;
			}
			left = 0;
		}
		if (count_set(dir, left, &e) < 0) {
			status = pm_cli_error(e);
			continue;
		}
		printf("%s\n", *id);
	}
	return status;
}
