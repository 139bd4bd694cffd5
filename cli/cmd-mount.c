/* cmd-mount.c: `pm mount [CONTAINER...]` / `pm unmount|umount CONTAINER...|-a` (and the
 * `container` spellings): mount a container's root filesystem in the rootless mount
 * namespace and print where (storage/container.h), list what is mounted, release it.
 * The mount is visible inside that namespace: use it from `pm unshare`. Runs inside the
 * namespace (PM_CMD_USERNS). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "cli/image-util.h"
#include "engine/container.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/container.h"

static const char mount_usage[] =
	"Mount a working container's root filesystem\n"
	"\n"
	"Description:\n"
	"  pm mount\n"
	"    Lists all mounted containers mount points if no container is specified\n"
	"\n"
	"  pm mount CONTAINER-NAME-OR-ID\n"
	"    Mounts the specified container and outputs the mountpoint (in the rootless mount\n"
	"    namespace: look at it with pm unshare)\n"
	"\n"
	"Usage:\n"
	"  pm mount [options] [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all            Mount all containers\n"
	"      --format string  Print the mounted containers in specified format (json)\n"
	"  -l, --latest         Act on the latest container pm is aware of\n"
	"      --no-trunc       Do not truncate output\n";

static const char unmount_usage[] =
	"Unmount working container's root filesystem\n"
	"\n"
	"Usage:\n"
	"  pm unmount [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all     Unmount all of the currently mounted containers\n"
	"  -l, --latest  Act on the latest container pm is aware of\n"
	"  -f, --force   Force the complete unmount of the specified mounted "
	"containers\n";

static bool storage_backed(const struct pm_container *c)
{
	return c->image_id && c->image_id[0];
}

int cmd_mount(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},      {"latest", no_argument, NULL, 'l'},
		{"no-trunc", no_argument, NULL, 'T'}, {"format", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 0},	      {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, notrunc = false, latest = false;
	const char *format = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "al", opts, mount_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a')
			all = true;
		if (c == 'l')
			latest = true;
		if (c == 'T')
			notrunc = true;
		if (c == 'F')
			format = optarg;
	}
	/* podman 4.3: json or nothing, checked before anything is mounted */
	if (format && *format && strcmp(format, "json"))
		return pm_cli_errorf("unknown --format argument: \"%s\"", format);
	bool json = format && !strcmp(format, "json");
	_cleanup_strv_ char **refs = NULL;
	int r = pm_cli_ctr_refs_latest(cli, argv + optind, argc - optind, all, latest, &refs);
	if (r != 0)
		return r;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_container **list = NULL;
	size_t n = 0;
	int status = 0;
	struct pm_engine eng = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	if (!refs) {
		if (pm_engine_ctr_list(&eng, &list, &n, &err) < 0) /* refreshed */
			return pm_cli_error(err);
		_cleanup_json_ json_t *arr = json_array();
		for (size_t i = n; i-- > 0;) {
			if (!storage_backed(list[i]))
				continue;
			_cleanup_free_ char *mp = NULL;
			if (all) {
				_cleanup_error_ pm_error *e = NULL;
				if (pm_storage_ctr_mount(s, list[i]->id, &mp, &e) < 0) {
					status = pm_cli_error(e);
					continue;
				}
			} else if (pm_storage_ctr_mounted(s, list[i]->id, &mp) <= 0) {
				continue;
			}
			if (json) /* podman's keys */
				json_array_append_new(
					arr, json_pack("{s:s, s:[s], s:s}", "id", list[i]->id,
						       "Names", list[i]->name, "mountpoint", mp));
			else /* podman's tabwriter: two blanks after the ids (all one width) */
				printf("%.*s  %s\n", notrunc ? 64 : 12, list[i]->id, mp);
		}
		pm_container_list_free(list, n);
		if (json) { /* podman's printJSON: one blank per level */
			json_dumpf(arr, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
			printf("\n");
		}
		return status;
	}
	for (char **ref = refs; *ref; ref++) {
		_cleanup_container_ struct pm_container *ctr = NULL;
		_cleanup_error_ pm_error *e = NULL;
		_cleanup_free_ char *mp = NULL;
		if (pm_engine_ctr_lookup(&eng, *ref, &ctr, &e) < 0) { /* refreshed */
			status = pm_cli_error(e);
			continue;
		}
		if (!storage_backed(ctr)) {
			status = pm_cli_errorf("container %s runs from --rootfs: nothing to mount",
					       ctr->id);
			continue;
		}
		if (pm_storage_ctr_mount(s, ctr->id, &mp, &e) < 0) {
			status = pm_cli_error(e);
			continue;
		}
		printf("%s\n", mp);
	}
	return status;
}

int cmd_unmount(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"force", no_argument, NULL, 'f'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, latest = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "afl", opts, unmount_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'a')
			all = true;
		if (c == 'l')
			latest = true;
	}
	_cleanup_strv_ char **refs = NULL;
	int r = pm_cli_ctr_refs_latest(cli, argv + optind, argc - optind, all, latest, &refs);
	if (r != 0)
		return r;
	if (!all && !refs)
		return pm_cli_errorf("container-id or container-name must be specified unless "
				     "--all");
	if (all && refs)
		return pm_cli_errorf("--all and containers cannot be used together");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	struct pm_container **list = NULL;
	size_t n = 0;
	int lst = pm_cli_ctr_list(cli, all, refs, (int)pm_strv_length(refs), &list, &n);
	if (lst)
		return lst;
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		struct pm_container *ctr = list[i];
		if (!storage_backed(ctr))
			continue;
		if (all && pm_storage_ctr_mounted(s, ctr->id, NULL) <= 0)
			continue;
		pm_engine_refresh(&e, ctr);
		/* a running container keeps its root filesystem (podman: the mount count) */
		if (ctr->state.status != PM_CTR_RUNNING && ctr->state.status != PM_CTR_PAUSED) {
			_cleanup_error_ pm_error *ue = NULL;
			if (pm_storage_ctr_unmount(s, ctr->id, &ue) < 0) {
				status = pm_cli_error(ue);
				continue;
			}
		}
		printf("%s\n", ctr->id);
	}
	pm_container_list_free(list, n);
	return status;
}
