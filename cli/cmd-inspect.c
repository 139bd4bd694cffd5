/* cmd-inspect.c: `pm inspect` (containers first, then images, volumes, pods, as podman
 * looks names up; --type narrows) and `pm container inspect`: podman-shaped JSON
 * (engine/inspect.h), --format templates, -l. Reads records and image configs only: no
 * rootless namespace, no lock. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "engine/inspect.h"
#include "engine/ps.h"
#include "engine/run.h"
#include "engine/ctr-paths.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "pods/pod.h"
#include "pods/view.h"
#include "storage/network.h"
#include "storage/volume.h"

static const char inspect_usage[] =
	"Display the configuration of object denoted by ID\n"
	"\n"
	"Description:\n"
	"  This displays the low-level information on containers, images and volumes\n"
	"  identified by name or ID.\n"
	"\n"
	"Usage:\n"
	"  pm inspect [options] {CONTAINER|IMAGE|VOLUME} [...]\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Format the output to a Go template or json (default \"json\")\n"
	"  -l, --latest          Act on the latest container pm is aware of\n"
	"  -s, --size            Display total file size\n"
	"  -t, --type string     Specify inspect-object type (\"image\", \"container\", "
	"\"volume\", \"pod\", \"network\" or \"all\") (default \"all\")\n";

static const char ctr_inspect_usage[] =
	"Display the configuration of a container\n"
	"\n"
	"Description:\n"
	"  Displays the low-level information on a container identified by name or ID.\n"
	"\n"
	"Usage:\n"
	"  pm container inspect [options] CONTAINER [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Format the output to a Go template or json (default \"json\")\n"
	"  -l, --latest          Act on the latest container pm is aware of\n"
	"  -s, --size            Display total file size\n";

enum kind { K_ALL, K_CONTAINER, K_IMAGE, K_VOLUME, K_POD, K_NETWORK };

/* The newest container (-l). */
static int latest_container(struct pm_cli *cli, struct pm_container **ret, pm_error **err)
{
	struct pm_container **list = NULL;
	size_t n = 0;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int r = pm_engine_ctr_list(&e, &list, &n, err); /* refreshed */
	if (r < 0)
		return r;
	if (!n) {
		pm_container_list_free(list, n);
		return pm_error_set(err, ENOENT, "no containers to inspect: no such container");
	}
	*ret = list[0];
	list[0] = NULL;
	pm_container_list_free(list, n);
	return 0;
}

static json_t *container_json(struct pm_cli *cli, struct pm_container *c, pm_image_cache *ic,
			      pm_error **err)
{
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	pm_engine_refresh(&e, c);
	_cleanup_free_ char *logp = pm_engine_log_path(&e, c);
	_cleanup_free_ char *text = NULL;
	if (pm_engine_inspect(&e, c, ic, logp, &text, err) < 0)
		return NULL;
	return json_loads(text, 0, NULL);
}

static void volume_json_add(struct pm_cli *cli, json_t *arr, const struct pm_volume *v);
static void template_aliases(json_t *arr);

static int inspect_main(struct pm_cli *cli, int argc, char **argv, bool container_only)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"latest", no_argument, NULL, 'l'},
		{"size", no_argument, NULL, 's'},	  {"type", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 0},		  {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	bool latest = false, size = false;
	enum kind kind = container_only ? K_CONTAINER : K_ALL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, container_only ? "f:ls" : "f:lst:", opts,
				  container_only ? ctr_inspect_usage : inspect_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			format = optarg;
			break;
		case 'l':
			latest = true;
			break;
		case 's':
			size = true;
			break;
		case 't':
			if (container_only)
				break;
			if (!strcmp(optarg, "all"))
				kind = K_ALL;
			else if (!strcmp(optarg, "container"))
				kind = K_CONTAINER;
			else if (!strcmp(optarg, "image"))
				kind = K_IMAGE;
			else if (!strcmp(optarg, "volume"))
				kind = K_VOLUME;
			else if (!strcmp(optarg, "pod"))
				kind = K_POD;
			else if (!strcmp(optarg, "network"))
				kind = K_NETWORK;
			else
				return pm_cli_errorf("invalid type \"%s\": must be \"image\", "
						     "\"container\", \"pod\", \"network\", "
						     "\"volume\", or \"all\"",
						     optarg);
			break;
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (latest && nargs > 0)
		return pm_cli_errorf("--latest and containers cannot be used together");
	if (!latest && nargs < 1)
		return pm_cli_errorf("no names or ids specified"); /* podman's words */
	if (latest && kind != K_ALL && kind != K_CONTAINER)
		return pm_cli_errorf("--latest only works with containers");

	/* --size reads the container's layer: files of the container's ids */
	if (size) {
		_cleanup_error_ pm_error *uerr = NULL;
		if (pm_cli_enter_userns(cli, &uerr) < 0)
			return pm_cli_error(uerr);
	}
	_cleanup_image_cache_ pm_image_cache *ic = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	ic = pm_image_cache_new(&e);
	_cleanup_store_ struct pm_store *store = NULL;
	_cleanup_json_ json_t *arr = json_array();
	int status = 0;
	bool first_err = true;

	for (int i = optind; i < argc || (latest && i == optind); i++) {
		const char *name = latest ? NULL : argv[i];
		_cleanup_error_ pm_error *err = NULL;
		json_t *o = NULL;
		bool found = false;
		if (kind == K_ALL || kind == K_CONTAINER) {
			_cleanup_container_ struct pm_container *ctr = NULL;
			int r = latest ? latest_container(cli, &ctr, &err)
				       : pm_engine_ctr_lookup(&e, name, &ctr, NULL);
			if (r == 0) {
				found = true;
				o = container_json(cli, ctr, ic, &err);
				if (o && size) {
					uint64_t rw, rootfs;
					if (!store)
						pm_cli_open_store(cli, &store, NULL);
					pm_engine_ctr_size(&e, store, ctr, &rw, &rootfs);
					json_object_set_new(o, "SizeRw",
							    json_integer((json_int_t)rw));
					/* podman's SizeRootFs: the image's part */
					json_object_set_new(
						o, "SizeRootFs",
						json_integer((json_int_t)(rootfs - rw)));
				}
			} else if (latest) {
				found = true;
			}
		}
		if (!found && (kind == K_ALL || kind == K_IMAGE)) {
			if (!store)
				pm_cli_open_store(cli, &store, NULL);
			struct pm_image_record r = {0};
			if (store && pm_image_resolve(store, name, &r, NULL) == 0) {
				found = true;
				o = pm_cli_image_inspect_json(store, &r, &err);
				pm_image_record_free(&r);
			}
		}
		if (!found && (kind == K_ALL || kind == K_VOLUME)) {
			_cleanup_volume_ struct pm_volume *v = NULL;
			if (pm_volume_load(cli->paths.root, name, &v, NULL) == 0) {
				found = true;
				volume_json_add(cli, arr, v);
				continue;
			}
		}
		if (!found && (kind == K_ALL || kind == K_POD)) {
			_cleanup_pod_ struct pm_pod *pod = NULL;
			_cleanup_free_ char *text = NULL;
			if (pm_pod_lookup(&cli->paths, name, &pod, NULL) == 0) {
				found = true;
				if (pm_pod_inspect_json(&e, pod, &text, &err) == 0)
					o = json_loads(text, 0, NULL);
			}
		}
		if (!found && !o && (kind == K_ALL || kind == K_NETWORK)) {
			_cleanup_network_ struct pm_network *net = NULL;
			if (pm_network_load(cli->paths.root, name, &net, NULL) == 0) {
				found = true;
				struct pm_network *one[2] = {net, NULL};
				_cleanup_free_ char *text =
					pm_network_list_json(one, PM_NETWORK_JSON_INSPECT, 0);
				json_t *a = json_loads(text, 0, NULL);
				o = json_incref(json_array_get(a, 0));
				json_decref(a);
			}
		}
		if (!o) {
			if (!err) {
				if (kind == K_CONTAINER)
					pm_error_set(&err, ENOENT, "no such container %s", name);
				else if (kind == K_IMAGE)
					pm_error_set(&err, ENOENT, "%s: image not known", name);
				else if (kind == K_VOLUME)
					pm_error_set(&err, ENOENT, "no such volume %s", name);
				else if (kind == K_POD)
					pm_error_set(&err, ENOENT, "no such pod %s", name);
				else if (kind == K_NETWORK)
					pm_error_set(&err, ENOENT,
						     "network %s: unable to find network with name "
						     "or ID %s: network not found",
						     name, name);
				else
					pm_error_set(&err, ENOENT, "no such object: \"%s\"", name);
			}
			if (first_err)
				pm_error_prefix(&err, "inspecting object");
			first_err = false;
			/* podman prints what it found before the errors */
			status = PM_EXIT_ERROR;
			pm_cli_error(err);
			continue;
		}
		json_array_append_new(arr, o);
	}
	if (!format || !strcmp(format, "json") || !strcmp(format, "{{json .}}")) {
		pm_json_print(stdout, arr);
	} else {
		template_aliases(arr);
		int rc = pm_output_format_each(format, arr);
		if (rc)
			return rc;
	}
	fflush(stdout);
	return status;
}

/* What podman's templates reach through a method, not a JSON field: {{.State.Healthcheck}}
 * (podman 4.3's alias of .State.Health), {{.SizeRw}} without --size, a false
 * {{.Config.SystemdMode}}. Only for templates: the JSON
 * stays podman's. */
static void template_aliases(json_t *arr)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		json_t *st = json_object_get(o, "State");
		json_t *h = json_object_get(st, "Health");
		if (h && !json_object_get(st, "Healthcheck"))
			json_object_set(st, "Healthcheck", h);
		/* a container's sizes without --size: podman's nil pointer ("<nil>") and 0 */
		if (st && json_object_get(o, "HostConfig") && !json_object_get(o, "SizeRw")) {
			json_object_set_new(o, "SizeRw", json_null());
			json_object_set_new(o, "SizeRootFs", json_integer(0));
		}
		/* a container's .Config.SystemdMode, omitted (Go's omitempty) when false */
		json_t *cf = json_object_get(o, "Config");
		if (st && json_object_get(o, "HostConfig") && json_is_object(cf) &&
		    !json_object_get(cf, "SystemdMode"))
			json_object_set_new(cf, "SystemdMode", json_false());
	}
}

/* A volume inside a mixed inspect: its stored document, podman's shape. */
static void volume_json_add(struct pm_cli *cli, json_t *arr, const struct pm_volume *v)
{
	_cleanup_free_ char *text = pm_volume_json(v, PM_VOLUME_JSON_DOC);
	json_t *o = text ? json_loads(text, 0, NULL) : NULL;
	if (o)
		json_array_append_new(arr, o);
}

int cmd_inspect(struct pm_cli *cli, int argc, char **argv)
{
	return inspect_main(cli, argc, argv, false);
}

int cmd_container_inspect(struct pm_cli *cli, int argc, char **argv)
{
	return inspect_main(cli, argc, argv, true);
}
