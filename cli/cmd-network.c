/* cmd-network.c: `pm network create|ls|inspect|exists|rm|prune|reload|connect|disconnect`,
 * podman 4.3's flags, output and exit codes (plus --ignore on create, from later podman).
 * Parses flags and prints; the configs live in storage/network.c, the containers using a
 * network are found by engine/ctr-networks.c. Called from the command table. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/ctr-networks.h"
#include "engine/run.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/network.h"

static bool format_is_json(const char *format)
{
	return format && (strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0);
}

static json_t *nets_json(struct pm_network *const *nets, enum pm_network_json_kind kind)
{
	_cleanup_free_ char *text = pm_network_list_json(nets, kind, 0);
	json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
	return arr ? arr : json_array();
}

/* ---- create ------------------------------------------------------------------------------ */

static const char create_usage[] =
	"Create networks for containers and pods\n"
	"\n"
	"Description:\n"
	"  Create networks for containers and pods\n"
	"\n"
	"Usage:\n"
	"  pm network create [options] [NAME]\n"
	"\n"
	"Examples:\n"
	"  pm network create podman1\n"
	"\n"
	"Options:\n"
	"      --disable-dns            disable dns plugin\n"
	"  -d, --driver string          driver to manage the network (default \"bridge\")\n"
	"      --gateway ipSlice        IPv4 or IPv6 gateway for the subnet (default [])\n"
	"      --ignore                 Don't fail if network already exists\n"
	"      --internal               restrict external access from this network\n"
	"      --ip-range stringArray   allocate container IP from range\n"
	"      --ipam-driver string     IP Address Management Driver\n"
	"      --ipv6                   enable IPv6 networking\n"
	"      --label stringArray      set metadata on a network\n"
	"  -o, --opt stringArray        Set driver specific options (default [])\n"
	"      --subnet stringArray     subnets in CIDR format\n";

int cmd_network_create(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"disable-dns", no_argument, NULL, 'D'},
		{"driver", required_argument, NULL, 'd'},
		{"gateway", required_argument, NULL, 'g'},
		{"ignore", no_argument, NULL, 'I'},
		{"internal", no_argument, NULL, 'i'},
		{"ip-range", required_argument, NULL, 'r'},
		{"ipam-driver", required_argument, NULL, 'P'},
		{"ipv6", no_argument, NULL, '6'},
		{"label", required_argument, NULL, 'l'},
		{"opt", required_argument, NULL, 'o'},
		{"subnet", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **subnets = NULL, **gateways = NULL, **ranges = NULL, **labels = NULL,
			    **options = NULL;
	struct pm_network_create_opts o = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "d:o:", opts, create_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'D':
			o.disable_dns = true;
			break;
		case 'd':
			o.driver = optarg;
			break;
		case 'g': { /* ipSlice: comma separated */
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (size_t i = 0; parts && parts[i]; i++)
				pm_strv_push(&gateways, parts[i]);
			break;
		}
		case 'I':
			o.ignore_exists = true;
			break;
		case 'i':
			o.internal = true;
			break;
		case 'r':
			pm_strv_push(&ranges, optarg);
			break;
		case 'P':
			o.ipam_driver = optarg;
			break;
		case '6':
			o.ipv6 = true;
			break;
		case 'l':
			pm_strv_push(&labels, optarg);
			break;
		case 'o':
			pm_strv_push(&options, optarg);
			break;
		case 's':
			pm_strv_push(&subnets, optarg);
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 1))
		return PM_EXIT_ERROR;
	o.name = optind < argc ? argv[optind] : NULL;
	o.subnets = subnets;
	o.gateways = gateways;
	o.ip_ranges = ranges;
	o.labels = labels;
	o.options = options;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_network_ struct pm_network *n = NULL;
	if (pm_network_create(cli->paths.root, &o, &n, &err) < 0)
		return pm_cli_error(err);
	pm_event_emit(cli->paths.runroot, "network", "create", n->id, n->name, NULL);
	printf("%s\n", n->name);
	return 0;
}

/* ---- ls ------------------------------------------------------------------------------------ */

static const char ls_usage[] =
	"List networks\n"
	"\n"
	"Description:\n"
	"  List networks\n"
	"\n"
	"Usage:\n"
	"  pm network ls [options]\n"
	"\n"
	"Aliases:\n"
	"  ls, list\n"
	"\n"
	"Options:\n"
	"  -f, --filter stringArray   Provide filter values (e.g. 'name=podman')\n"
	"      --format string        Pretty-print networks to JSON or using a Go template\n"
	"      --no-trunc             Do not truncate the network ID\n"
	"      --noheading            Do not print headers\n"
	"  -q, --quiet                display only names\n";

static const char *const net_headers[] = {
	"ID=NETWORK ID",
	"NetworkInterface=NETWORK INTERFACE",
	"IPv6Enabled=IPV6",
	"DNSEnabled=DNS",
	NULL,
};

/* The networks matching fs (NULL: all), with in-use answered for dangling=. */
static int list_filtered(struct pm_cli *cli, const struct pm_network_filters *fs,
			 struct pm_network ***ret, pm_error **err)
{
	_cleanup_network_list_ struct pm_network **all = NULL;
	if (pm_network_list(cli->paths.root, &all, err) < 0)
		return -EIO;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	size_t n = 0, k = 0;
	while (all[n])
		n++;
	struct pm_network **out = pm_xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		/* podman counts the default network as used: never dangling */
		bool in_use = strcmp(all[i]->name, PM_NETWORK_DEFAULT) == 0;
		if (fs && !in_use) {
			_cleanup_strv_ char **users = pm_engine_network_users(&e, all[i]->name);
			in_use = users != NULL;
		}
		if (pm_network_filters_match(fs, all[i], in_use)) {
			out[k++] = all[i];
			all[i] = NULL;
		} else {
			pm_network_free(all[i]);
			all[i] = NULL;
		}
	}
	*ret = out;
	return 0;
}

int cmd_network_ls(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"filter", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, 'F'},
		{"no-trunc", no_argument, NULL, 'T'},
		{"noheading", no_argument, NULL, 'n'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **filter_args = NULL;
	const char *format = NULL;
	bool noheading = false, quiet = false, notrunc = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:q", opts, ls_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			pm_strv_push(&filter_args, optarg);
			break;
		case 'F':
			format = optarg;
			break;
		case 'T':
			notrunc = true;
			break;
		case 'n':
			noheading = true;
			break;
		case 'q':
			quiet = true;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_network_filters_ struct pm_network_filters *fs = NULL;
	if (filter_args && pm_network_filters_parse(filter_args, false, &fs, &err) < 0)
		return pm_cli_error(err);
	_cleanup_network_list_ struct pm_network **nets = NULL;
	if (list_filtered(cli, fs, &nets, &err) < 0)
		return pm_cli_error(err);
	if (quiet && !(format && format[0])) {
		for (size_t i = 0; nets[i]; i++)
			printf("%s\n", nets[i]->name);
		return 0;
	}
	if (format_is_json(format)) {
		/* (podman: 2-space indent here, 5 in inspect) */
		_cleanup_free_ char *text = pm_network_list_json(nets, PM_NETWORK_JSON_INSPECT, 2);
		puts(text);
		return 0;
	}
	_cleanup_json_ json_t *arr = nets_json(nets, PM_NETWORK_JSON_LS);
	if (!notrunc) {
		size_t i;
		json_t *o;
		json_array_foreach(arr, i, o) {
			const char *id = pm_json_string(o, "ID");
			if (id && strlen(id) > 12) {
				_cleanup_free_ char *s = pm_xstrndup(id, 12);
				json_object_set_new(o, "ID", json_string(s));
			}
		}
	}
	return pm_output_format_list(format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}", arr,
				     noheading, net_headers);
}

/* ---- inspect ----------------------------------------------------------------------------------
 */

static const char inspect_usage[] =
	"Displays the raw CNI network configuration for one or more networks.\n"
	"\n"
	"Description:\n"
	"  Displays the network configuration for one or more networks.\n"
	"\n"
	"Usage:\n"
	"  pm network inspect [options] NETWORK [NETWORK...]\n"
	"\n"
	"Examples:\n"
	"  pm network inspect podman\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Pretty-print network to JSON or using a Go template\n";

int cmd_network_inspect(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:", opts, inspect_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			format = optarg;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, -1))
		return PM_EXIT_ERROR;
	bool json = !format || !format[0] || format_is_json(format);
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_network_list_ struct pm_network **nets =
		pm_xcalloc((size_t)(argc - optind) + 1, sizeof(*nets));
	size_t n = 0;
	_cleanup_strv_ char **earlier = NULL;
	for (int i = optind; i < argc; i++) {
		_cleanup_error_ pm_error *e = NULL;
		if (pm_network_load(cli->paths.root, argv[i], &nets[n], &e) < 0) {
			pm_error_prefix(&e, "network %s", argv[i]);
			pm_error_prefix(&e, "inspecting object");
			/* podman prints the earlier ones as "error ..." lines, after the output */
			if (err)
				pm_strv_consume(&earlier, pm_xasprintf("error %s", err->msg));
			pm_error_free(err);
			err = TAKE_PTR(e);
			continue;
		}
		n++;
	}
	if (json) {
		_cleanup_free_ char *text = pm_network_list_json(nets, PM_NETWORK_JSON_INSPECT, 5);
		puts(text);
	} else {
		_cleanup_json_ json_t *arr = nets_json(nets, PM_NETWORK_JSON_TEMPLATE);
		int r = pm_output_format_each(format, arr);
		if (r != 0)
			return r;
	}
	fflush(stdout);
	for (size_t i = 0; earlier && earlier[i]; i++)
		fprintf(stderr, "%s\n", earlier[i]);
	if (err)
		return pm_cli_error(err);
	return 0;
}

/* ---- exists --------------------------------------------------------------------------------- */

static const char exists_usage[] =
	"network exists\n"
	"\n"
	"Description:\n"
	"  If the named network exists, pm returns an exit code of 0, otherwise 1.\n"
	"\n"
	"Usage:\n"
	"  pm network exists NETWORK\n";

int cmd_network_exists(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, exists_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	return pm_network_exists(cli->paths.root, argv[optind]) ? 0 : 1;
}

/* ---- rm -------------------------------------------------------------------------------------- */

static const char rm_usage[] =
	"network rm\n"
	"\n"
	"Description:\n"
	"  Remove networks\n"
	"\n"
	"Usage:\n"
	"  pm network rm [options] NETWORK [NETWORK...]\n"
	"\n"
	"Aliases:\n"
	"  rm, remove\n"
	"\n"
	"Examples:\n"
	"  pm network rm podman\n"
	"\n"
	"Options:\n"
	"  -f, --force       remove any containers using network\n"
	"  -t, --time uint   Seconds to wait for running containers to stop before killing the "
	"container (default 10)\n";

/* Remove the containers on network name (rm -f): stopped, then removed. */
static int remove_users(struct pm_engine *e, char *const *ids, int timeout, pm_error **err)
{
	for (size_t i = 0; ids && ids[i]; i++) {
		_cleanup_container_ struct pm_container *c = NULL;
		if (pm_engine_ctr_lookup(e, ids[i], &c, NULL) < 0)
			continue; /* gone meanwhile */
		bool running =
			c->state.status == PM_CTR_RUNNING || c->state.status == PM_CTR_PAUSED;
		if (running && pm_engine_stop(e, c, timeout, err) < 0)
			return -EIO;
		int r = pm_engine_remove_detached(e, c, false, err);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

int cmd_network_rm(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'},
		{"time", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool force = false;
	int timeout = 10;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "ft:", opts, rm_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			force = true;
			break;
		case 't': {
			uint32_t t;
			if (pm_parse_uint32(optarg, &t) < 0 || t > 0x7fffffff)
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"-t, --time\" flag: "
					"strconv.ParseUint: parsing \"%s\": invalid "
					"syntax",
					optarg, optarg);
			timeout = (int)t;
			break;
		}
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, -1))
		return PM_EXIT_ERROR;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	e.removing = true;
	int status = 0;
	for (int i = optind; i < argc; i++) {
		_cleanup_error_ pm_error *err = NULL;
		_cleanup_network_ struct pm_network *n = NULL;
		if (pm_network_load(cli->paths.root, argv[i], &n, &err) < 0) {
			pm_cli_error(err);
			status = 1;
			continue;
		}
		if (strcmp(n->name, PM_NETWORK_DEFAULT) == 0) {
			pm_cli_errorf("default network %s cannot be removed", n->name);
			status = PM_EXIT_ERROR;
			continue;
		}
		_cleanup_strv_ char **users = pm_engine_network_users(&e, n->name);
		if (users && !force) {
			pm_cli_errorf(
				"\"%s\" has associated containers with it. Use -f to forcibly "
				"delete containers and pods: network is being used",
				n->name);
			status = 2;
			continue;
		}
		if (users && remove_users(&e, users, timeout, &err) < 0) {
			status = pm_cli_error(err);
			continue;
		}
		if (pm_network_remove(cli->paths.root, n->name, &err) < 0) {
			status = err->code == ENOENT ? 1 : pm_cli_error(err);
			if (err->code == ENOENT)
				pm_cli_error(err);
			continue;
		}
		pm_event_emit(cli->paths.runroot, "network", "remove", n->id, n->name, NULL);
		printf("%s\n", argv[i]);
		fflush(stdout);
	}
	return status;
}

/* ---- prune -------------------------------------------------------------------------------------
 */

static const char prune_usage[] =
	"Prune unused networks\n"
	"\n"
	"Description:\n"
	"  Prune unused networks\n"
	"\n"
	"Usage:\n"
	"  pm network prune [options]\n"
	"\n"
	"Examples:\n"
	"  pm network prune\n"
	"\n"
	"Options:\n"
	"      --filter stringArray   Provide filter values (e.g. 'label=<key>=<value>')\n"
	"  -f, --force                do not prompt for confirmation\n";

int cmd_network_prune(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"filter", required_argument, NULL, 'F'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **filter_args = NULL;
	bool force = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f", opts, prune_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'F':
			pm_strv_push(&filter_args, optarg);
			break;
		case 'f':
			force = true;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_network_filters_ struct pm_network_filters *fs = NULL;
	if (pm_network_filters_parse(filter_args, true, &fs, &err) < 0)
		return pm_cli_error(err);
	if (!force) {
		printf("WARNING! This will remove all networks not used by at least one "
		       "container.\nAre you sure you want to continue? [y/N] ");
		int status;
		if (!pm_cli_confirm(&status))
			return status;
	}
	_cleanup_network_list_ struct pm_network **all = NULL;
	if (pm_network_list(cli->paths.root, &all, &err) < 0)
		return pm_cli_error(err);
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	int status = 0;
	for (size_t i = 0; all[i]; i++) {
		if (strcmp(all[i]->name, PM_NETWORK_DEFAULT) == 0 ||
		    !pm_network_filters_match(fs, all[i], false))
			continue;
		_cleanup_strv_ char **users = pm_engine_network_users(&e, all[i]->name);
		if (users)
			continue;
		_cleanup_error_ pm_error *e2 = NULL;
		if (pm_network_remove(cli->paths.root, all[i]->name, &e2) < 0) {
			if (e2->code != ENOENT)
				status = pm_cli_error(e2);
			continue;
		}
		pm_event_emit(cli->paths.runroot, "network", "remove", all[i]->id, all[i]->name,
			      NULL);
		printf("%s\n", all[i]->name);
	}
	return status;
}

/* ---- reload ------------------------------------------------------------------------------------
 */

static const char reload_usage[] =
	"Reload firewall rules for one or more containers\n"
	"\n"
	"Description:\n"
	"  reload container networks, recreating firewall rules (pm keeps no firewall rules: "
	"nothing to redo)\n"
	"\n"
	"Usage:\n"
	"  pm network reload [options] [CONTAINER...]\n"
	"\n"
	"Options:\n"
	"  -a, --all      Reload network configuration of all containers\n"
	"  -l, --latest   Act on the latest container pm is aware of\n";

int cmd_network_reload(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"latest", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false, latest = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "al", opts, reload_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		case 'l':
			latest = true;
			break;
		}
	}
	int nargs = argc - optind;
	if ((all || latest) && nargs > 0)
		return pm_cli_errorf("--all, --latest and containers cannot be used together");
	if (!all && !latest && nargs == 0)
		return pm_cli_errorf("you must provide at least one name or id");
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_error_ pm_error *err = NULL;
	if (all || latest) {
		struct pm_container **list = NULL;
		size_t n = 0;
		if (pm_engine_ctr_list(&e, &list, &n, &err) < 0)
			return pm_cli_error(err);
		const struct pm_container *newest = NULL;
		for (size_t i = 0; i < n; i++) {
			if (list[i]->state.status != PM_CTR_RUNNING)
				continue;
			if (all)
				printf("%s\n", list[i]->id);
			else if (!newest || list[i]->created_ns > newest->created_ns)
				newest = list[i];
		}
		if (newest)
			printf("%s\n", newest->id);
		pm_container_list_free(list, n);
		return 0;
	}
	int status = 0;
	for (int i = optind; i < argc; i++) {
		_cleanup_container_ struct pm_container *ctr = NULL;
		_cleanup_error_ pm_error *e2 = NULL;
		if (pm_engine_ctr_lookup(&e, argv[i], &ctr, &e2) < 0) {
			status = pm_cli_error(e2);
			continue;
		}
		printf("%s\n", ctr->id);
	}
	return status;
}

/* ---- connect / disconnect
 * ------------------------------------------------------------------------ */

static const char connect_usage[] =
	"network connect\n"
	"\n"
	"Description:\n"
	"  Add container to a network\n"
	"\n"
	"Usage:\n"
	"  pm network connect [options] NETWORK CONTAINER\n"
	"\n"
	"Examples:\n"
	"  pm network connect web secondary\n"
	"\n"
	"Options:\n"
	"      --alias strings        network scoped alias for container\n"
	"      --ip ip                set a static ipv4 address for this container network\n"
	"      --ip6 ip               set a static ipv6 address for this container network\n"
	"      --mac-address string   set a static mac address for this container network\n";

static const char disconnect_usage[] = "network rm\n"
				       "\n"
				       "Description:\n"
				       "  Remove container from a network\n"
				       "\n"
				       "Usage:\n"
				       "  pm network disconnect [options] NETWORK CONTAINER\n"
				       "\n"
				       "Examples:\n"
				       "  pm network disconnect web secondary\n"
				       "\n"
				       "Options:\n"
				       "  -f, --force   force removal of container from network\n";

/* Both: the container and the network must exist (podman's messages, in podman's order). */
static int connect_common(struct pm_cli *cli, const char *net, const char *ref, bool connect,
			  const char *ip, const char *ip6, const char *mac, char *const *aliases)
{
	_cleanup_error_ pm_error *err = NULL;
	struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_container_ struct pm_container *c = NULL;
	if (pm_engine_ctr_lookup(&e, ref, &c, &err) < 0)
		return pm_cli_error(err);
	_cleanup_network_ struct pm_network *n = NULL;
	if (pm_network_load(cli->paths.root, net, &n, &err) < 0)
		return pm_cli_error(err);
	/* its config changes: under its lock, read again */
	_cleanup_close_ int lfd = pm_container_lock(&cli->paths, c->id, &err);
	if (lfd < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *id = pm_xstrdup(c->id);
	pm_container_free(TAKE_PTR(c));
	if (pm_engine_ctr_lookup(&e, id, &c, &err) < 0)
		return pm_cli_error(err);
	int r = connect ? pm_engine_network_connect(&e, c, n->name, ip, ip6, mac, aliases, &err)
			: pm_engine_network_disconnect(&e, c, n->name, &err);
	if (r < 0)
		return pm_cli_error(err);
	pm_event_emit(cli->paths.runroot, "network", connect ? "connect" : "disconnect", n->id,
		      n->name, NULL);
	return 0;
}

int cmd_network_connect(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"alias", required_argument, NULL, 'a'},
		{"ip", required_argument, NULL, 'i'},
		{"ip6", required_argument, NULL, '6'},
		{"mac-address", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *ip = NULL, *ip6 = NULL, *mac = NULL;
	_cleanup_strv_ char **aliases = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, connect_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			if (!*optarg || strpbrk(optarg, " \t\n,"))
				return pm_cli_errorf("--alias: invalid alias \"%s\"", optarg);
			pm_strv_push(&aliases, optarg);
			break;
		case 'i':
			ip = optarg;
			break;
		case '6': {
			struct in6_addr a6;
			struct in_addr a4;
			if (inet_pton(AF_INET6, optarg, &a6) != 1 &&
			    inet_pton(AF_INET, optarg, &a4) != 1)
				return pm_cli_errorf("invalid argument \"%s\" for \"--ip6\" flag: "
						     "failed to parse IP: \"%s\"",
						     optarg, optarg);
			ip6 = optarg;
			break;
		}
		case 'm':
			mac = optarg;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 2, 2))
		return PM_EXIT_ERROR;
	return connect_common(cli, argv[optind], argv[optind + 1], true, ip, ip6, mac, aliases);
}

int cmd_network_disconnect(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f", opts, disconnect_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (!pm_cli_nargs(cli, argc - optind, 2, 2))
		return PM_EXIT_ERROR;
	return connect_common(cli, argv[optind], argv[optind + 1], false, NULL, NULL, NULL, NULL);
}
